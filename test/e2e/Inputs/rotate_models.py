"""Writes small float models for rotate.test. Usage: rotate_models.py OUT_DIR

mlp: x (one outlier channel in 16) -> fc1 (16 -> 24) -> bias -> fc2a and
     fc2b (24 -> 12, both read fc1's biased output: a fused pair) -> add ->
     ReLU -> fc3 (12 -> 20, a Paley base of 12, online) -> bias.
cnn: a 3x3 conv over 28 channels (Paley base 28, online), a depthwise conv
     (grouped: refused), and a 1x1 conv over 6 channels (no Hadamard
     matrix: refused)."""
import os
import sys

import numpy as np

from mlir_literals import literal

out = sys.argv[1]
rng = np.random.default_rng(11)


def weight(*shape, scale=0.3):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


def mlp():
    x = rng.standard_normal((8, 16)).astype(np.float32)
    x[:, 3] *= 30  # the outlier channel rotations spread
    w1 = weight(16, 24)
    w1[3, :] *= 0.05
    lines = [
        'func.func @main(%x: tensor<8x16xf32> loc("x")) -> tensor<8x20xf32> {',
        "  %w1 = qc.constant " + literal(w1),
        "  %m1 = qc.matmul %x, %w1 : tensor<8x16xf32>, tensor<16x24xf32> ->"
        ' tensor<8x24xf32> loc("fc1")',
        "  %b1 = qc.constant " + literal(weight(24, scale=0.1)),
        "  %a1 = qc.add %m1, %b1 : tensor<8x24xf32>, tensor<24xf32> ->"
        " tensor<8x24xf32>",
        "  %w2a = qc.constant " + literal(weight(24, 12)),
        "  %m2a = qc.matmul %a1, %w2a : tensor<8x24xf32>, tensor<24x12xf32> ->"
        ' tensor<8x12xf32> loc("fc2a")',
        "  %w2b = qc.constant " + literal(weight(24, 12)),
        "  %m2b = qc.matmul %a1, %w2b : tensor<8x24xf32>, tensor<24x12xf32> ->"
        ' tensor<8x12xf32> loc("fc2b")',
        "  %s = qc.add %m2a, %m2b : tensor<8x12xf32>, tensor<8x12xf32> ->"
        " tensor<8x12xf32>",
        "  %r = qc.relu %s : tensor<8x12xf32>",
        "  %w3 = qc.constant " + literal(weight(12, 20)),
        "  %m3 = qc.matmul %r, %w3 : tensor<8x12xf32>, tensor<12x20xf32> ->"
        ' tensor<8x20xf32> loc("fc3")',
        "  %b3 = qc.constant " + literal(weight(20, scale=0.1)),
        "  %y = qc.add %m3, %b3 : tensor<8x20xf32>, tensor<20xf32> ->"
        " tensor<8x20xf32>",
        "  return %y : tensor<8x20xf32>",
        "}",
    ]
    return lines, x


def cnn():
    x = rng.standard_normal((1, 28, 6, 6)).astype(np.float32)
    pads = "pads = array<i64: 1, 1, 1, 1>"
    lines = [
        'func.func @main(%x: tensor<1x28x6x6xf32> loc("x")) ->'
        " tensor<1x6x6x6xf32> {",
        "  %w1 = qc.constant " + literal(weight(6, 28, 3, 3)),
        "  %b1 = qc.constant " + literal(weight(6, scale=0.1)),
        "  %c1 = qc.conv2d %x, %w1, %b1 {" + pads + "} : (tensor<1x28x6x6xf32>,"
        " tensor<6x28x3x3xf32>, tensor<6xf32>) -> tensor<1x6x6x6xf32>"
        ' loc("conv28")',
        "  %w2 = qc.constant " + literal(weight(6, 1, 3, 3)),
        "  %c2 = qc.conv2d %c1, %w2 {group = 6 : i64, " + pads + "} :"
        " (tensor<1x6x6x6xf32>, tensor<6x1x3x3xf32>) -> tensor<1x6x6x6xf32>"
        ' loc("depthwise")',
        "  %w3 = qc.constant " + literal(weight(6, 6, 1, 1)),
        "  %c3 = qc.conv2d %c2, %w3 : (tensor<1x6x6x6xf32>,"
        ' tensor<6x6x1x1xf32>) -> tensor<1x6x6x6xf32> loc("conv6")',
        "  return %c3 : tensor<1x6x6x6xf32>",
        "}",
    ]
    return lines, x


for name, build in (("mlp", mlp), ("cnn", cnn)):
    lines, x = build()
    with open(os.path.join(out, name + ".mlir"), "w") as f:
        f.write("\n".join(lines) + "\n")
    np.save(os.path.join(out, name + "_x.npy"), x)
