"""Writes small pre-LN transformer stacks for rotate-residual-stream.test.
Usage: residual_stream_models.py OUT_DIR

prenorm: x [1, 16, 8] -> embed (8 -> 24, bias: the stream's first writer)
         -> block 1: LayerNorm as an older opset decomposes it (gamma with
            a 40x channel) -> fc_a (24 -> 32) -> ReLU -> fc_o -> residual add
         -> block 2: qc.layer_norm read by fc_q (no bias) and fc_v,
            their product -> fc_o2 -> residual add
         -> final qc.layer_norm -> ReLU (output0); the stream itself is
            output1.
         24 = 12 * 2: Paley's base 12, whose transform is not symmetric.
entry:   the same, the stream starting at a ReLU of x [1, 16, 24] (no
         linear writer: an online transform).
postnorm: two post-LN blocks, LN(x + fc(x)): the next stream starts at
         a LayerNorm's output, left to the per-layer rotations.

x8.npy and x24.npy are inputs for the models; cal/ and eval/ hold
calibration and evaluation samples for prenorm (cal24/ for entry), each
with one input channel 20x the others."""
import os
import sys

import numpy as np

from mlir_literals import literal

out = sys.argv[1]
rng = np.random.default_rng(21)
T = 16


def weight(*shape, scale=0.3):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


def t(*dims):
    return "tensor<%sxf32>" % "x".join(str(d) for d in (1, T) + dims)


def const(name, value):
    return "  %%%s = qc.constant %s" % (name, literal(value))


def linear(result, x, n_in, n_out, name, bias=True):
    lines = [const(result + "_w", weight(n_in, n_out)),
             "  %%%s_m = qc.matmul %%%s, %%%s_w : %s, tensor<%dx%dxf32> -> %s"
             ' loc("%s")' % (result, x, result, t(n_in), n_in, n_out,
                             t(n_out), name)]
    if bias:
        lines += [const(result + "_b", weight(n_out, scale=0.1)),
                  "  %%%s = qc.add %%%s_m, %%%s_b : %s, tensor<%dxf32> -> %s"
                  % (result, result, result, t(n_out), n_out, t(n_out))]
    return lines


def gamma_beta(prefix, outlier):
    g = rng.uniform(0.5, 1.5, 24).astype(np.float32)
    if outlier:
        g[5] = 40.0
    b = rng.uniform(-0.5, 0.5, 24).astype(np.float32)
    return [const(prefix + "_g", g), const(prefix + "_b", b)]


def decomposed_norm(result, x):
    r = t(1)
    return gamma_beta(result, True) + [
        "  %%%s_mu = qc.reduce_mean %%%s {axes = array<i64: -1>} : %s -> %s"
        % (result, x, t(24), r),
        "  %%%s_d = qc.sub %%%s, %%%s_mu : %s, %s -> %s" % (
            result, x, result, t(24), r, t(24)),
        "  %%%s_two = qc.constant dense<2.0> : tensor<f32>" % result,
        "  %%%s_sq = qc.pow %%%s_d, %%%s_two : %s, tensor<f32> -> %s" % (
            result, result, result, t(24), t(24)),
        "  %%%s_var = qc.reduce_mean %%%s_sq {axes = array<i64: -1>} : %s ->"
        " %s" % (result, result, t(24), r),
        "  %%%s_eps = qc.constant dense<1.0e-05> : tensor<f32>" % result,
        "  %%%s_ve = qc.add %%%s_var, %%%s_eps : %s, tensor<f32> -> %s" % (
            result, result, result, r, r),
        "  %%%s_sd = qc.sqrt %%%s_ve : %s" % (result, result, r),
        "  %%%s_n = qc.div %%%s_d, %%%s_sd : %s, %s -> %s" % (
            result, result, result, t(24), r, t(24)),
        "  %%%s_s = qc.mul %%%s_n, %%%s_g : %s, tensor<24xf32> -> %s" % (
            result, result, result, t(24), t(24)),
        "  %%%s = qc.add %%%s_s, %%%s_b : %s, tensor<24xf32> -> %s" % (
            result, result, result, t(24), t(24))]


def layer_norm(result, x, outlier=False):
    return gamma_beta(result, outlier) + [
        "  %%%s = qc.layer_norm %%%s, %%%s_g, %%%s_b : (%s, tensor<24xf32>,"
        " tensor<24xf32>) -> %s" % (result, x, result, result, t(24), t(24))]


def residual(result, a, b):
    return ["  %%%s = qc.add %%%s, %%%s : %s, %s -> %s" % (
        result, a, b, t(24), t(24), t(24))]


def prenorm(entry):
    if entry:
        head = ['func.func @main(%%x: %s loc("x")) -> (%s, %s) {' % (
            t(24), t(24), t(24)),
            "  %s0 = qc.relu %x : " + t(24)]
    else:
        head = ['func.func @main(%%x: %s loc("x")) -> (%s, %s) {' % (
            t(8), t(24), t(24))] + linear("s0", "x", 8, 24, "embed")
    # fc_q without a bias add: its matmul is read directly.
    fc_q = linear("q", "l2", 24, 24, "fc_q", bias=False) + \
        ["  %q = qc.relu %q_m : " + t(24)]
    return head + decomposed_norm("l1", "s0") + \
        linear("h", "l1", 24, 32, "fc_a") + \
        ["  %hr = qc.relu %h : " + t(32)] + \
        linear("o", "hr", 32, 24, "fc_o") + residual("s1", "s0", "o") + \
        layer_norm("l2", "s1", outlier=True) + fc_q + \
        linear("v", "l2", 24, 24, "fc_v") + \
        ["  %%qv = qc.mul %%q, %%v : %s, %s -> %s" % (t(24), t(24), t(24))] + \
        linear("o2", "qv", 24, 24, "fc_o2") + residual("s2", "s1", "o2") + \
        layer_norm("l3", "s2") + \
        ["  %y = qc.relu %l3 : " + t(24),
         "  return %%y, %%s2 : %s, %s" % (t(24), t(24)), "}"]


def postnorm():
    return ['func.func @main(%%x: %s loc("x")) -> %s {' % (t(24), t(24))] + \
        linear("f", "x", 24, 24, "fc") + residual("r", "x", "f") + \
        layer_norm("l", "r") + linear("f2", "l", 24, 24, "fc2") + \
        residual("r2", "l", "f2") + layer_norm("l2", "r2") + \
        ["  return %%l2 : %s" % t(24), "}"]


models = {"prenorm": prenorm(False), "entry": prenorm(True),
          "postnorm": postnorm()}
for name, lines in models.items():
    with open(os.path.join(out, name + ".mlir"), "w") as f:
        f.write("\n".join(lines) + "\n")


def sample(width):
    x = rng.standard_normal((1, T, width)).astype(np.float32)
    x[..., 7 % width] *= 20  # an outlier channel in the stream
    return x


np.save(os.path.join(out, "x8.npy"), sample(8))
np.save(os.path.join(out, "x24.npy"), sample(24))
for folder, count, width in (("cal", 8, 8), ("eval", 4, 8), ("cal24", 2, 24)):
    os.makedirs(os.path.join(out, folder), exist_ok=True)
    for i in range(count):
        np.save(os.path.join(out, folder, "s%d.npy" % i), sample(width))
