#!/usr/bin/env python3
"""Runs the lowered data-movement ops (gather with negative indices, pad in
constant/reflect/edge mode with a crop, slice with a negative step, split,
concat, transpose) through qc-lower-to-llvm and mlir-runner on a constant
input and compares every result exactly with numpy.

usage: check_data_movement.py QUANT_OPT MLIR_RUNNER RUNNER_LIBS
"""
import re
import subprocess
import sys

import numpy as np


def main():
    quant_opt, runner, libs = sys.argv[1:4]
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4) * 0.5 - 3
    idx = np.array([[2, -1], [0, 1]], dtype=np.int64)
    cases = [
        ("gather", "qc.gather %x, %i {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<2x2xi64>) -> tensor<2x2x2x4xf32>",
         "2x2x2x4", np.take(x, np.where(idx < 0, idx + 3, idx), axis=1)),
        ("pad constant", "qc.pad %x {pads = array<i64: 0, 1, -1, 0, 0, 2>, value = 7.0 : f32} : tensor<2x3x4xf32> -> tensor<2x4x5xf32>",
         "2x4x5", np.pad(x[:, :, 1:], ((0, 0), (1, 0), (0, 2)), constant_values=7)),
        ("pad reflect", "qc.pad %x {mode = #qc.pad_mode<reflect>, pads = array<i64: 0, 2, 1, 0, 0, 3>} : tensor<2x3x4xf32> -> tensor<2x5x8xf32>",
         "2x5x8", np.pad(x, ((0, 0), (2, 0), (1, 3)), mode="reflect")),
        ("pad edge", "qc.pad %x {mode = #qc.pad_mode<edge>, pads = array<i64: 1, 0, 2, 0, 1, 0>} : tensor<2x3x4xf32> -> tensor<3x4x6xf32>",
         "3x4x6", np.pad(x, ((1, 0), (0, 1), (2, 0)), mode="edge")),
        ("slice negative step", "qc.slice %x {starts = array<i64: -1>, ends = array<i64: -9223372036854775808>, axes = array<i64: 2>, steps = array<i64: -2>} : tensor<2x3x4xf32> -> tensor<2x3x2xf32>",
         "2x3x2", x[:, :, ::-2]),
        ("split second piece", None, "2x2x4", x[:, 1:, :]),
        ("concat", "qc.concat %x, %x {axis = 2 : i64} : (tensor<2x3x4xf32>, tensor<2x3x4xf32>) -> tensor<2x3x8xf32>",
         "2x3x8", np.concatenate([x, x], axis=2)),
        ("transpose", "qc.transpose %x {perm = array<i64: 2, 0, 1>} : tensor<2x3x4xf32> -> tensor<4x2x3xf32>",
         "4x2x3", np.transpose(x, (2, 0, 1))),
    ]
    body = ["  %%x = qc.constant dense<%s> : tensor<2x3x4xf32>" % np.array2string(
                x, separator=", ", floatmode="unique").replace("\n", ""),
            "  %i = qc.constant dense<[[2, -1], [0, 1]]> : tensor<2x2xi64>"]
    for n, (name, op, shape, _) in enumerate(cases):
        if op is None:
            body.append("  %%s0, %%r%d = qc.split %%x {axis = 1 : i64} : tensor<2x3x4xf32> -> tensor<2x1x4xf32>, tensor<2x2x4xf32>" % n)
        else:
            body.append("  %%r%d = %s" % (n, op))
        body.append("  %%u%d = tensor.cast %%r%d : tensor<%sxf32> to tensor<*xf32>" % (n, n, shape))
        body.append("  call @printMemrefF32(%%u%d) : (tensor<*xf32>) -> ()" % n)
    prog = ("func.func @main() {\n" + "\n".join(body) +
            "\n  return\n}\nfunc.func private @printMemrefF32(tensor<*xf32>)\n")
    lowered = subprocess.run([quant_opt, "--qc-lower-to-llvm"], input=prog,
                             check=True, capture_output=True, text=True).stdout
    output = subprocess.run([runner, "-e", "main", "-entry-point-result=void",
                             "-shared-libs=" + libs], input=lowered, check=True,
                            capture_output=True, text=True).stdout
    blocks = [np.array([float(v) for v in re.findall(
        r"-?\d+\.?\d*(?:e[-+]?\d+)?", part.split("Unranked")[0])])
        for part in output.split("data =")[1:]]
    ok = True
    for (name, _, _, want), got in zip(cases, blocks):
        good = got.shape == want.ravel().shape and np.array_equal(got, want.ravel())
        ok &= good
        print("%-20s %s" % (name, "exact" if good else "MISMATCH"))
    return 0 if ok and len(blocks) == len(cases) else 1


if __name__ == "__main__":
    sys.exit(main())
