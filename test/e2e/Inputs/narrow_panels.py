"""Writes narrow_panels.mlir: three quantized matmuls whose N the AVX-512
VNNI kernels pack in panels narrower than 64 columns (96: two of 48; 80:
five of 16; 24, padded to 32: one of 32, 8 rows per register block), and
a padded, strided 3x3 convolution with 32 filters (one 32-column panel)
over 4 x 16 pixels, whose [64][32] result is transposed back in 16 x 16
register blocks, then a pointwise convolution to 48 channels (its u8
input transposed to [64][32] rows in blocks too);
test/e2e/narrow-panel-kernels.test.

usage: narrow_panels.py OUT.mlir"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mlir_literals import literal, ttype  # noqa: E402

rng = np.random.default_rng(7)
w1 = rng.normal(0, 0.1, (128, 96)).astype(np.float32)
w2 = rng.normal(0, 0.2, (96, 80)).astype(np.float32)
w3 = rng.normal(0, 0.2, (80, 24)).astype(np.float32)
wc = rng.normal(0, 0.2, (32, 1, 3, 3)).astype(np.float32)
wp = rng.normal(0, 0.2, (48, 32, 1, 1)).astype(np.float32)
lines = [
    "func.func @main(%x: tensor<8x128xf32> loc(\"x\")) -> "
    "(tensor<8x24xf32>, tensor<1x32x4x16xf32>, tensor<1x48x4x16xf32>) {",
    "  %w1 = qc.constant " + literal(w1),
    "  %w2 = qc.constant " + literal(w2),
    "  %w3 = qc.constant " + literal(w3),
    "  %wc = qc.constant " + literal(wc),
    "  %wp = qc.constant " + literal(wp),
    "  %h1 = qc.matmul %x, %w1 : tensor<8x128xf32>, " + ttype(w1) +
    " -> tensor<8x96xf32> loc(\"fc1\")",
    "  %r1 = qc.relu %h1 : tensor<8x96xf32> loc(\"relu1\")",
    "  %h2 = qc.matmul %r1, %w2 : tensor<8x96xf32>, " + ttype(w2) +
    " -> tensor<8x80xf32> loc(\"fc2\")",
    "  %r2 = qc.relu %h2 : tensor<8x80xf32> loc(\"relu2\")",
    "  %y = qc.matmul %r2, %w3 : tensor<8x80xf32>, " + ttype(w3) +
    " -> tensor<8x24xf32> loc(\"fc3\")",
    "  %img = qc.reshape %r2 : tensor<8x80xf32> -> tensor<1x1x8x80xf32> "
    "loc(\"as_image\")",
    "  %c = qc.conv2d %img, %wc {pads = array<i64: 1, 1, 1, 1>, "
    "strides = array<i64: 2, 5>} : (tensor<1x1x8x80xf32>, " + ttype(wc) +
    ") -> tensor<1x32x4x16xf32> loc(\"conv\")",
    "  %cr = qc.relu %c : tensor<1x32x4x16xf32> loc(\"relu3\")",
    "  %p = qc.conv2d %cr, %wp : (tensor<1x32x4x16xf32>, " + ttype(wp) +
    ") -> tensor<1x48x4x16xf32> loc(\"pointwise\")",
    "  return %y, %c, %p : tensor<8x24xf32>, tensor<1x32x4x16xf32>, "
    "tensor<1x48x4x16xf32>",
    "}",
]
open(sys.argv[1], "w").write("\n".join(lines) + "\n")
