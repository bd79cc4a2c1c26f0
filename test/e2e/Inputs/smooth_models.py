"""Writes two small float models with calibrated-looking probes for
smooth.test: an MLP (LayerNorm -> fc1 -> bias -> ReLU -> fc2 -> sigmoid ->
fc3, one outlier channel after the LayerNorm) and a CNN (conv -> batch
norm -> ReLU -> conv). Each probe's channel ranges are the probed tensor's
own on the sample written next to the model, as calibration would record
them. Usage: smooth_models.py OUT_DIR"""
import os
import sys

import numpy as np

from mlir_literals import literal, ttype

out = sys.argv[1]
rng = np.random.default_rng(7)


def probe(name, value, tensor, axis):
    """qc.observe of `value` with per-channel [min, max] along `axis`."""
    moved = np.moveaxis(tensor, axis, 0).reshape(tensor.shape[axis], -1)
    ranges = []
    for lo, hi in zip(moved.min(axis=1), moved.max(axis=1)):
        ranges += [min(0.0, float(lo)), max(0.0, float(hi))]
    return ('qc.observe %s {name = "%s", range = array<f64: %.8e, %.8e>, '
            'channel_range = array<f64: %s>} : %s' % (
                value, name, min(ranges), max(ranges),
                ", ".join("%.8e" % r for r in ranges), ttype(tensor)))


def mlp():
    x = rng.standard_normal((8, 16)).astype(np.float32)
    gamma = rng.uniform(0.5, 1.5, 16).astype(np.float32)
    gamma[5] = 40.0  # the outlier channel SmoothQuant is for
    beta = rng.uniform(-0.2, 0.2, 16).astype(np.float32)
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    n = (x - mean) / np.sqrt(var + 1e-5) * gamma + beta
    w1 = (rng.standard_normal((16, 32)) * 0.2).astype(np.float32)
    b1 = (rng.standard_normal(32) * 0.1).astype(np.float32)
    h = np.maximum(n @ w1 + b1, 0)
    w2 = (rng.standard_normal((32, 8)) * 0.2).astype(np.float32)
    s = 1 / (1 + np.exp(-(h @ w2)))
    w3 = (rng.standard_normal((8, 4)) * 0.5).astype(np.float32)
    lines = [
        "func.func @main(%x: tensor<8x16xf32> loc(\"x\")) -> tensor<8x4xf32> {",
        "  %g = qc.constant " + literal(gamma),
        "  %b = qc.constant " + literal(beta),
        "  %n = qc.layer_norm %x, %g, %b : (tensor<8x16xf32>, tensor<16xf32>,"
        " tensor<16xf32>) -> tensor<8x16xf32>",
        "  %pn = " + probe("ln", "%n", n, 1),
        "  %w1 = qc.constant " + literal(w1),
        "  %m1 = qc.matmul %pn, %w1 : tensor<8x16xf32>, tensor<16x32xf32> ->"
        " tensor<8x32xf32> loc(\"fc1\")",
        "  %b1 = qc.constant " + literal(b1),
        "  %a1 = qc.add %m1, %b1 : tensor<8x32xf32>, tensor<32xf32> ->"
        " tensor<8x32xf32>",
        "  %r1 = qc.relu %a1 : tensor<8x32xf32>",
        "  %pr = " + probe("relu", "%r1", h, 1),
        "  %w2 = qc.constant " + literal(w2),
        "  %m2 = qc.matmul %pr, %w2 : tensor<8x32xf32>, tensor<32x8xf32> ->"
        " tensor<8x8xf32> loc(\"fc2\")",
        "  %s = qc.sigmoid %m2 : tensor<8x8xf32>",
        "  %ps = " + probe("sig", "%s", s, 1),
        "  %w3 = qc.constant " + literal(w3),
        "  %y = qc.matmul %ps, %w3 : tensor<8x8xf32>, tensor<8x4xf32> ->"
        " tensor<8x4xf32> loc(\"fc3\")",
        "  return %y : tensor<8x4xf32>",
        "}",
    ]
    return lines, x


def conv(x, w, b):
    """NCHW convolution, stride 1, padding 1 (3x3 kernels)."""
    n, c, hgt, wid = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    y = np.zeros((n, w.shape[0], hgt, wid), np.float32)
    for i in range(3):
        for j in range(3):
            y += np.einsum("nchw,oc->nohw", xp[:, :, i:i + hgt, j:j + wid],
                           w[:, :, i, j])
    return y + b.reshape(1, -1, 1, 1)


def cnn():
    x = rng.standard_normal((1, 3, 8, 8)).astype(np.float32)
    w1 = (rng.standard_normal((6, 3, 3, 3)) * 0.3).astype(np.float32)
    b1 = (rng.standard_normal(6) * 0.1).astype(np.float32)
    scale = rng.uniform(0.5, 1.5, 6).astype(np.float32)
    scale[2] = 25.0
    shift = rng.uniform(-0.1, 0.1, 6).astype(np.float32)
    mean = rng.uniform(-0.1, 0.1, 6).astype(np.float32)
    var = rng.uniform(0.5, 2.0, 6).astype(np.float32)
    c = conv(x, w1, b1)
    k = (scale / np.sqrt(var + 1e-5)).reshape(1, -1, 1, 1)
    bn = (c - mean.reshape(1, -1, 1, 1)) * k + shift.reshape(1, -1, 1, 1)
    r = np.maximum(bn, 0)
    w2 = (rng.standard_normal((4, 6, 3, 3)) * 0.3).astype(np.float32)
    pads = "{pads = array<i64: 1, 1, 1, 1>}"
    lines = [
        "func.func @main(%x: tensor<1x3x8x8xf32> loc(\"x\")) ->"
        " tensor<1x4x8x8xf32> {",
        "  %w1 = qc.constant " + literal(w1),
        "  %b1 = qc.constant " + literal(b1),
        "  %c = qc.conv2d %x, %w1, %b1 " + pads + " : (tensor<1x3x8x8xf32>,"
        " tensor<6x3x3x3xf32>, tensor<6xf32>) -> tensor<1x6x8x8xf32>",
        "  %s = qc.constant " + literal(scale),
        "  %t = qc.constant " + literal(shift),
        "  %m = qc.constant " + literal(mean),
        "  %v = qc.constant " + literal(var),
        "  %bn = qc.batch_norm %c, %s, %t, %m, %v : (tensor<1x6x8x8xf32>,"
        " tensor<6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>) ->"
        " tensor<1x6x8x8xf32>",
        "  %r = qc.relu %bn : tensor<1x6x8x8xf32>",
        "  %p = " + probe("relu", "%r", r, 1),
        "  %w2 = qc.constant " + literal(w2),
        "  %y = qc.conv2d %p, %w2 " + pads + " : (tensor<1x6x8x8xf32>,"
        " tensor<4x6x3x3xf32>) -> tensor<1x4x8x8xf32> loc(\"conv2\")",
        "  return %y : tensor<1x4x8x8xf32>",
        "}",
    ]
    return lines, x


for name, build in (("mlp", mlp), ("cnn", cnn)):
    lines, sample = build()
    with open(os.path.join(out, name + ".mlir"), "w") as f:
        f.write("\n".join(lines) + "\n")
    np.save(os.path.join(out, name + "_x.npy"), sample)
