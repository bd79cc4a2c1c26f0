#!/usr/bin/env python3
"""Imports every ONNX backend node test model (Debian libonnx-testdata)
with quant-translate and classifies the outcome.

Each model either imports and verifies, is refused with a diagnostic (an
unsupported operator, attribute or form), or crashes. Crashes and hangs
are failures; so are refusals of models whose operators quantc claims to
support, unless listed as known gaps. Inputs quantc says must be known
when compiling are fixed to the test's values (--bind-input), as
onnx_node_run.py does. Prints one line per class and the
counts; exits non-zero on any failure.
"""
import os
import subprocess
import sys

import onnx_node_run  # its --bind-input hint pattern


def test_values(model):
    """The test's input values by input name, as --bind-input literals."""
    import onnx
    from onnx import numpy_helper
    graph = onnx.load(model).graph
    init = {i.name for i in graph.initializer}
    names = [i.name for i in graph.input if i.name not in init]
    data = os.path.join(os.path.dirname(model), "test_data_set_0")
    values = {}
    for i, input_name in enumerate(names):
        path = os.path.join(data, "input_%d.pb" % i)
        if os.path.isfile(path):
            array = numpy_helper.to_array(onnx.load_tensor(path))
            values[input_name] = ",".join(
                str(int(v)) if isinstance(v, bool) else repr(v)
                for v in array.flatten().tolist())
    return values


def import_binding_as_told(tool, model):
    """Imports the model; when quantc says inputs must be fixed at compile
    time (its --bind-input hint), fixes them to the test's values (as
    onnx_node_run.py does) and imports again."""
    bound = {}
    while True:
        args = [tool, "--import-onnx", model, "-o", os.devnull]
        for input_name, literal in bound.items():
            args.append("--bind-input=%s=%s" % (input_name, literal))
        result = subprocess.run(args, capture_output=True, text=True,
                                timeout=60)
        hinted = set(onnx_node_run.BIND_HINT.findall(result.stderr)) - set(bound)
        if result.returncode != 1 or not hinted:
            return result
        values = test_values(model)
        if not hinted <= set(values):
            return result
        bound.update({n: values[n] for n in hinted})


def main():
    tool, root = sys.argv[1], sys.argv[2]
    expected_min = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    imported, refused, failures = [], [], []
    for name in sorted(os.listdir(root)):
        model = os.path.join(root, name, "model.onnx")
        if not os.path.isfile(model):
            continue
        try:
            result = import_binding_as_told(tool, model)
        except subprocess.TimeoutExpired:
            failures.append((name, "timed out"))
            continue
        if result.returncode == 0:
            imported.append(name)
        elif result.returncode == 1 and "error:" in result.stderr:
            refused.append((name, result.stderr.strip().splitlines()[0]))
        else:
            failures.append((name, "exit %d: %s" % (result.returncode,
                                                    result.stderr[-300:])))
    for name in imported:
        print("IMPORTED", name)
    for name, why in refused:
        print("REFUSED", name, "--", why.split("error: ", 1)[-1][:160])
    for name, why in failures:
        print("FAILED", name, "--", why)
    total = len(imported) + len(refused) + len(failures)
    print("node tests: %d imported, %d refused with a diagnostic, %d crashed "
          "of %d" % (len(imported), len(refused), len(failures), total))
    if len(imported) < expected_min:
        print("expected at least %d to import" % expected_min)
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
