"""Writes row_tails.mlir: quantized matmuls whose M (13 rows) is not a
multiple of the AVX-512 VNNI kernels' register blocks. 24 columns (one
32-column panel, 8-row blocks) leave 5 rows: one 4-row block and one
1-row block; 128 columns (64-column panels, 4-row blocks) leave 1 row.
test/e2e/gemm-row-tails.test.

usage: row_tails.py OUT.mlir"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mlir_literals import literal, ttype  # noqa: E402

rng = np.random.default_rng(11)
w1 = rng.normal(0, 0.1, (128, 128)).astype(np.float32)
w2 = rng.normal(0, 0.1, (128, 24)).astype(np.float32)
lines = [
    "func.func @main(%x: tensor<13x128xf32> loc(\"x\")) -> "
    "(tensor<13x128xf32>, tensor<13x24xf32>) {",
    "  %w1 = qc.constant " + literal(w1),
    "  %w2 = qc.constant " + literal(w2),
    "  %h = qc.matmul %x, %w1 : tensor<13x128xf32>, " + ttype(w1) +
    " -> tensor<13x128xf32> loc(\"fc1\")",
    "  %r = qc.relu %h : tensor<13x128xf32> loc(\"relu1\")",
    "  %y = qc.matmul %r, %w2 : tensor<13x128xf32>, " + ttype(w2) +
    " -> tensor<13x24xf32> loc(\"fc2\")",
    "  return %h, %y : tensor<13x128xf32>, tensor<13x24xf32>",
    "}",
]
open(sys.argv[1], "w").write("\n".join(lines) + "\n")
