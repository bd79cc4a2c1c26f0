#!/usr/bin/env python3
"""What rotations cost at run time, single thread, JIT (`quantc run
--benchmark-runs`), in one run:

1. The online qc.hadamard (butterflies plus a Paley base) against a float
   matmul by a dense n x n matrix of the same size, on T vectors of n:
   the transform qc-rotate inserts, against the matmul it replaces.
2. PP-OCRv4 rec quantized (W4A8, mse) without rotations, with --rotate
   hadamard (online transforms in front of matmuls) and with
   --rotate-convolutions too: the differences are what the online
   transforms cost, as a share of the model's latency (goal: at most 5%).

Prints ms with two decimals and the CPU model.
usage: hadamard.py QUANTC MODELS_DIR CALIB_DIR [RUNS]
"""
import os
import re
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "utils"))
from host_cpu import describe as cpu_model  # noqa: E402


def latency_ms(quantc, model, inputs, runs, extra=()):
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(
            [quantc, "run", model, *inputs, "--output-dir", tmp,
             "--benchmark-runs", str(runs), *extra],
            check=True, capture_output=True, text=True).stdout
    return float(re.search(r"latency ms: (\S+)", out).group(1))


def transform_vs_matmul(quantc, runs):
    # Each model's time less a ReLU's of the same shape (the run's fixed
    # cost: input and output copies, the call).
    print("%-22s %12s %12s %8s" % ("T x n", "hadamard ms", "matmul ms",
                                   "speedup"))
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory() as tmp:
        for t, n in ((80, 120), (80, 240), (256, 256), (64, 1024)):
            x = os.path.join(tmp, "x.npy")
            np.save(x, rng.standard_normal((t, n)).astype(np.float32))
            ty = "tensor<%dx%dxf32>" % (t, n)
            had = os.path.join(tmp, "h.mlir")
            with open(had, "w") as f:
                f.write("func.func @main(%%x: %s) -> %s {\n"
                        "  %%y = qc.hadamard %%x : %s\n"
                        "  return %%y : %s\n}\n" % (ty, ty, ty, ty))
            # The dense rotation it replaces: an n x n constant matmul.
            mat = os.path.join(tmp, "m.mlir")
            w = rng.standard_normal((n, n)).astype(np.float32)
            blob = (np.array([4], np.uint32).tobytes() + w.tobytes()).hex()
            with open(mat, "w") as f:
                f.write("func.func @main(%%x: %s) -> %s {\n"
                        "  %%w = qc.constant dense_resource<w> : "
                        "tensor<%dx%dxf32>\n"
                        "  %%y = qc.matmul %%x, %%w : %s, tensor<%dx%dxf32> -> %s\n"
                        "  return %%y : %s\n}\n" % (ty, ty, n, n, ty, n, n,
                                                     ty, ty))
                f.write('{-#\n  dialect_resources: {\n    builtin: {\n'
                        '      w: "0x%s"\n    }\n  }\n#-}\n' % blob.upper())
            relu = os.path.join(tmp, "r.mlir")
            with open(relu, "w") as f:
                f.write("func.func @main(%%x: %s) -> %s {\n"
                        "  %%y = qc.relu %%x : %s\n"
                        "  return %%y : %s\n}\n" % (ty, ty, ty, ty))
            base = latency_ms(quantc, relu, ["--input", "input0=" + x], runs)
            h = latency_ms(quantc, had, ["--input", "input0=" + x], runs) - base
            m = latency_ms(quantc, mat, ["--input", "input0=" + x],
                           runs) - base
            print("%-22s %12.3f %12.3f %7.1fx" % ("%d x %d" % (t, n), h, m,
                                                 m / max(h, 1e-3)))


def model_share(quantc, models, calib, runs):
    model = os.path.join(models, "ch_PP-OCRv4_rec_infer.onnx")
    with tempfile.TemporaryDirectory() as tmp:
        x = os.path.join(tmp, "x.npy")
        np.save(x, np.random.default_rng(1).uniform(
            -1, 1, (1, 3, 48, 320)).astype(np.float32))
        common = ["--input", "x=" + x, "--input-shape", "x=1x3x48x320",
                  "--calib", calib, "--image-resize", "pad", "--image-mean",
                  "0.5", "--image-std", "0.5", "--image-bgr", "--method",
                  "mse", "--bits", "4"]
        # Alternating pairs: the machine may be shared.
        plain, matmuls, convs = [], [], []
        for _ in range(2):
            plain.append(latency_ms(quantc, model, common, runs))
            matmuls.append(latency_ms(quantc, model, common, runs,
                                      ["--rotate", "hadamard"]))
            convs.append(latency_ms(quantc, model, common, runs,
                                    ["--rotate", "hadamard",
                                     "--rotate-convolutions"]))
    base = min(plain)
    print("rec W4A8 %-32s %8.2f ms" % ("", base))
    for label, times in (("--rotate hadamard", matmuls),
                         ("--rotate hadamard --rotate-convolutions", convs)):
        t = min(times)
        print("rec W4A8 %-32s %8.2f ms: online transforms %.2f ms, %.1f%% "
              "of the model" % (label, t, t - base, 100 * (t - base) / t))


def main():
    quantc, models, calib = sys.argv[1:4]
    runs = int(sys.argv[4]) if len(sys.argv) > 4 else 20
    print("CPU: %s, single thread, mean of %d runs" % (cpu_model(), runs))
    transform_vs_matmul(quantc, runs)
    model_share(quantc, models, calib, runs)


if __name__ == "__main__":
    main()
