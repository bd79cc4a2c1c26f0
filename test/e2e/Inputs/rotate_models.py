"""Writes small float models for rotate.test. Usage: rotate_models.py OUT_DIR

mlp: x (one outlier channel in 16) -> fc1 (16 -> 24) -> bias -> fc2a and
     fc2b (24 -> 12, both read fc1's biased output: a fused pair) -> add ->
     ReLU -> fc3 (12 -> 20, a Paley base of 12, online) -> bias.
cnn: a 3x3 conv over 28 channels (Paley base 28, online), a depthwise conv
     (grouped: refused), and a 1x1 conv over 6 channels (no Hadamard
     matrix: refused).
attention: fused-QKV attention, 2 heads of 16 (a value/output pair);
attention6: the same with heads of 6 (no Hadamard matrix: refused)."""
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


def attention(heads, d):
    """Fused-QKV attention as timm's ViT and SVTR export it."""
    width, tokens = heads * d, 8
    x = rng.standard_normal((1, tokens, width)).astype(np.float32)
    t = "tensor<1x%dx%dxf32>" % (tokens, width)
    h5 = "tensor<1x%dx3x%dx%dxf32>" % (tokens, heads, d)
    s5 = "tensor<3x1x%dx%dx%dxf32>" % (heads, tokens, d)
    one = "tensor<1x1x%dx%dx%dxf32>" % (heads, tokens, d)
    head = "tensor<1x%dx%dx%dxf32>" % (heads, tokens, d)
    headt = "tensor<1x%dx%dx%dxf32>" % (heads, d, tokens)
    scores = "tensor<1x%dx%dx%dxf32>" % (heads, tokens, tokens)
    merged = "tensor<1x%dx%dx%dxf32>" % (tokens, heads, d)
    lines = [
        'func.func @main(%%x: %s loc("x")) -> %s {' % (t, t),
        "  %w = qc.constant " + literal(weight(width, 3 * width)),
        "  %%m = qc.matmul %%x, %%w : %s, tensor<%dx%dxf32> -> "
        "tensor<1x%dx%dxf32> loc(\"qkv\")" % (t, width, 3 * width, tokens,
                                              3 * width),
        "  %b = qc.constant " + literal(weight(3 * width, scale=0.1)),
        "  %%a = qc.add %%m, %%b : tensor<1x%dx%dxf32>, tensor<%dxf32> -> "
        "tensor<1x%dx%dxf32>" % (tokens, 3 * width, 3 * width, tokens,
                                 3 * width),
        "  %%r = qc.reshape %%a : tensor<1x%dx%dxf32> -> %s" % (
            tokens, 3 * width, h5),
        "  %%p = qc.transpose %%r {perm = array<i64: 2, 0, 3, 1, 4>} : %s -> %s"
        % (h5, s5)]
    for i, part in enumerate("qkv"):
        lines += [
            "  %%s%s = qc.slice %%p {axes = array<i64: 0>, starts = "
            "array<i64: %d>, ends = array<i64: %d>, steps = array<i64: 1>} : "
            "%s -> %s" % (part, i, i + 1, s5, one),
            "  %%%s = qc.squeeze %%s%s {axes = array<i64: 0>} : %s -> %s" % (
                part, part, one, head)]
    lines += [
        "  %%kt = qc.transpose %%k {perm = array<i64: 0, 1, 3, 2>} : %s -> %s"
        % (head, headt),
        "  %%sc = qc.matmul %%q, %%kt : %s, %s -> %s" % (head, headt, scores),
        "  %%sm = qc.softmax %%sc {axis = 3 : i64} : %s" % scores,
        "  %%av = qc.matmul %%sm, %%v : %s, %s -> %s" % (scores, head, head),
        "  %%o = qc.transpose %%av {perm = array<i64: 0, 2, 1, 3>} : %s -> %s"
        % (head, merged),
        "  %%c = qc.reshape %%o : %s -> %s" % (merged, t),
        "  %wo = qc.constant " + literal(weight(width, width)),
        "  %%y = qc.matmul %%c, %%wo : %s, tensor<%dx%dxf32> -> %s "
        "loc(\"proj\")" % (t, width, width, t),
        "  return %%y : %s" % t,
        "}"]
    return lines, x


for name, build in (("mlp", mlp), ("cnn", cnn),
                    ("attention", lambda: attention(2, 16)),
                    ("attention6", lambda: attention(2, 6))):
    lines, x = build()
    with open(os.path.join(out, name + ".mlir"), "w") as f:
        f.write("\n".join(lines) + "\n")
    np.save(os.path.join(out, name + "_x.npy"), x)
