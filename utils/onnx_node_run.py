#!/usr/bin/env python3
"""Runs every ONNX backend node test that quantc imports and executes it
with `quantc run` on the test's own data (test_data_set_*/input_*.pb),
comparing with output_*.pb under ONNX's backend-test tolerances
(rtol 1e-3, atol 1e-7, as onnx.backend.test uses).

Tests whose inputs are not numeric tensors (strings, bfloat16, float8),
or whose model does not import, are skipped (counted). Where quantc says
an input must be known when compiling (it decides a shape, an axis or an
If's branch), the test runs again with that input bound to its test value
(--bind-input), as a user of a static-shape compiler would; those tests
are counted. Outputs must also
have the expected dtype. Prints one line per failure and a summary;
exits non-zero on any numeric mismatch or crash.

usage: onnx_node_run.py QUANTC NODE_DIR [MIN_PASSED [QUANTC_FLAG...]]
  QUANTC_FLAGs go to every `quantc run` (--emulate-gpu: the GPU kernels'
  code, run on the host).
"""
import glob
import os
import re
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import numpy_helper

RTOL, ATOL = 1e-3, 1e-7
# The element types quantc's inputs and outputs take (not strings, not
# bfloat16 or the float8 / 4-bit types).
NUMERIC = {onnx.TensorProto.FLOAT, onnx.TensorProto.DOUBLE,
           onnx.TensorProto.FLOAT16, onnx.TensorProto.INT8,
           onnx.TensorProto.UINT8, onnx.TensorProto.INT16,
           onnx.TensorProto.UINT16, onnx.TensorProto.INT32,
           onnx.TensorProto.UINT32, onnx.TensorProto.INT64,
           onnx.TensorProto.UINT64, onnx.TensorProto.BOOL}


# Families of node tests quantc does not claim, and why (docs/ONNXImport.md
# lists them): an inference compiler of static tensor graphs.
EXCLUDED_OPS = {
    "training": {"Gradient", "Adagrad", "Adam", "Momentum",
                 "SoftmaxCrossEntropyLoss", "NegativeLogLikelihoodLoss"},
    "sequence and optional values": {
        "SequenceAt", "SequenceConstruct", "SequenceEmpty", "SequenceErase",
        "SequenceInsert", "SequenceLength", "SequenceMap", "SplitToSequence",
        "ConcatFromSequence", "Optional", "OptionalGetElement",
        "OptionalHasElement"},
    "strings": {"StringNormalizer", "TfIdfVectorizer", "RegexFullMatch",
                "StringConcat", "StringSplit", "LabelEncoder"},
    "random": {"RandomNormal", "RandomUniform", "RandomNormalLike",
               "RandomUniformLike", "Bernoulli", "Multinomial"},
    "shapes that depend on the data": {"NonZero", "Unique",
                                       "NonMaxSuppression", "Compress"},
}
# Element types quantc does not model: strings, bfloat16, float8, 4-bit.
UNMODELLED_TYPES = {8, 16, 17, 18, 19, 20, 21, 22}


def excluded_family(model):
    """The excluded family a node test belongs to, or None."""
    if not any(o.domain in ("", "ai.onnx") for o in model.opset_import):
        return "other operator sets (ai.onnx.ml, training)"
    ops = {n.op_type for n in model.graph.node}
    for n in model.graph.node:
        for a in n.attribute:
            if a.g and a.g.node:
                ops |= {m.op_type for m in a.g.node}
    for family, members in EXCLUDED_OPS.items():
        if ops & members:
            return family
    values = list(model.graph.input) + list(model.graph.output)
    if any(not v.type.HasField("tensor_type") for v in values):
        return "sequence and optional values"
    if any(v.type.tensor_type.elem_type in UNMODELLED_TYPES for v in values):
        return "strings, bfloat16, float8 and 4-bit tensors"
    if any("training" in (n.name + " ".join(n.output)) for n in model.graph.node):
        return "training"
    return None


# quantc's hint for an input that decides a shape, an axis or a branch.
BIND_HINT = re.compile(r"--bind-input (\S+?)=VALUES\|FILE")


def run_binding_as_told(quantc, model_path, out_dir, extra, files):
    """Runs the model; when quantc answers that inputs must be fixed at
    compile time (its --bind-input hint), binds those to the test's own
    values and runs again. Returns (result or None on timeout, bound)."""
    bound = set()
    while True:
        args = [quantc, "run", model_path, "--output-dir", out_dir] + extra
        for input_name, f in files.items():
            flag = "--bind-input" if input_name in bound else "--input"
            args += [flag, "%s=%s" % (input_name, f)]
        try:
            result = subprocess.run(args, capture_output=True, text=True,
                                    timeout=120)
        except subprocess.TimeoutExpired:
            return None, bound
        hinted = set(BIND_HINT.findall(result.stderr)) & set(files)
        if result.returncode != 1 or not hinted or hinted <= bound:
            return result, bound
        bound |= hinted


def main():
    quantc, root = sys.argv[1], sys.argv[2]
    min_passed = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    extra = sys.argv[4:]
    passed, skipped, failed, needed_binding = [], [], [], []
    excluded = {}
    for name in sorted(os.listdir(root)):
        folder = os.path.join(root, name)
        model_path = os.path.join(folder, "model.onnx")
        data = os.path.join(folder, "test_data_set_0")
        if not os.path.isfile(model_path) or not os.path.isdir(data):
            continue
        model = onnx.load(model_path)
        family = excluded_family(model)
        if family:
            excluded.setdefault(family, set()).add(name)
        init = {i.name for i in model.graph.initializer}
        inputs = [i for i in model.graph.input if i.name not in init]
        input_files = sorted(glob.glob(os.path.join(data, "input_*.pb")))
        output_files = sorted(glob.glob(os.path.join(data, "output_*.pb")))
        if any(not i.type.HasField("tensor_type") for i in inputs):
            skipped.append(name)  # sequence or optional inputs
            continue
        tensors = [onnx.load_tensor(f) for f in input_files]
        if len(tensors) != len(inputs) or any(
                t.data_type not in NUMERIC for t in tensors):
            skipped.append(name)
            continue
        with tempfile.TemporaryDirectory() as tmp:
            files = {info.name: f for info, f in zip(inputs, input_files)}
            result, bound = run_binding_as_told(quantc, model_path, tmp, extra,
                                                files)
            if result is None:
                failed.append((name, "timed out"))
                continue
            if result.returncode == 1:
                skipped.append(name)  # refused with a diagnostic
                continue
            if bound:
                needed_binding.append(name)
            if result.returncode != 0:
                failed.append((name, "exit %d %s" % (result.returncode,
                                                     result.stderr[-200:])))
                continue
            ok, why = True, ""
            for info, f in zip(model.graph.output, output_files):
                want = numpy_helper.to_array(onnx.load_tensor(f))
                path = os.path.join(tmp, "".join(
                    c if c.isalnum() or c in "._-" else "_" for c in info.name) + ".npy")
                got = np.load(path)
                if got.dtype != want.dtype:
                    ok = False
                    why = "%s: dtype %s, expected %s" % (info.name, got.dtype,
                                                         want.dtype)
                elif got.shape != want.shape or not np.allclose(
                        got, want, rtol=RTOL, atol=ATOL, equal_nan=True):
                    ok = False
                    diff = (np.abs(got.astype(np.float64) - want).max()
                            if got.shape == want.shape else "shape %s vs %s"
                            % (got.shape, want.shape))
                    why = "%s: max abs diff %s" % (info.name, diff)
            (passed if ok else failed).append(name if ok else (name, why))
    for name, why in failed:
        print("FAILED", name, "--", why)
    print("node tests executed: %d passed, %d failed, %d skipped"
          % (len(passed), len(failed), len(skipped)))
    print("of those run, %d had inputs fixed at compile time (--bind-input) "
          "because they decide a shape, an axis or a branch"
          % len(needed_binding))
    total = len(passed) + len(failed) + len(skipped)
    left_out = set().union(*excluded.values()) if excluded else set()
    claimed = total - len(left_out)
    good = len([name for name in passed if name not in left_out])
    print("coverage: %d of the %d node tests outside the excluded families "
          "pass (%.1f%%); excluded: %s" % (
              good, claimed, 100.0 * good / max(claimed, 1),
              ", ".join("%s %d" % (family, len(names))
                        for family, names in sorted(excluded.items()))))
    if len(passed) < min_passed:
        print("expected at least %d to pass" % min_passed)
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
