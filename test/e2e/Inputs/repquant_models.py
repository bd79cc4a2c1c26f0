"""Writes calibrated-looking float models for reparameterize.test. Usage:
repquant_models.py OUT_DIR

ln.mlir:      x -> layer_norm (gamma and beta spread channel ranges over
              50x) -> probe -> fc (32 -> 24) -> bias add
decomposed:   the same LayerNorm as an older opset imports it, ending in
              x * gamma + beta
residual.mlir: the LayerNorm's output is also added to the input: refused
plain.mlir:   ln.mlir without the probe, for the driver to calibrate
attention.mlir: one attention head on x [1, 16, 32], for the log2 A V

Each probe's range and channel ranges are the probed tensor's own on the
sample written next to the models (x.npy), as calibration records them;
params.npz holds gamma, beta, W and b for the reference in the test."""
import os
import sys

import numpy as np

from mlir_literals import literal, ttype

out = sys.argv[1]
rng = np.random.default_rng(3)
x = rng.standard_normal((16, 32)).astype(np.float32)
gamma = rng.uniform(0.2, 1.0, 32).astype(np.float32)
gamma[[3, 17]] = [40.0, 25.0]
beta = rng.uniform(-0.5, 0.5, 32).astype(np.float32)
beta[9] = 12.0
w = (rng.standard_normal((32, 24)) * 0.2).astype(np.float32)
b = (rng.standard_normal(24) * 0.1).astype(np.float32)
mean = x.mean(-1, keepdims=True)
var = ((x - mean) ** 2).mean(-1, keepdims=True)
n = ((x - mean) / np.sqrt(var + 1e-5) * gamma + beta).astype(np.float32)


def probe(value):
    ranges = []
    for lo, hi in zip(n.min(0), n.max(0)):
        ranges += [min(0.0, float(lo)), max(0.0, float(hi))]
    extremes = [float(v) for pair in zip(n.min(0), n.max(0)) for v in pair]
    return ('qc.observe %s {name = "ln", range = array<f64: %.9e, %.9e>, '
            'channel_range = array<f64: %s>, channel_extremes = '
            'array<f64: %s>} : %s' % (
                value, min(ranges), max(ranges),
                ", ".join("%.9e" % r for r in ranges),
                ", ".join("%.9e" % r for r in extremes), ttype(n)))


head = ['func.func @main(%%x: tensor<16x32xf32> loc("x")) -> %s {',
        "  %g = qc.constant " + literal(gamma),
        "  %be = qc.constant " + literal(beta)]
fc = ["  %w = qc.constant " + literal(w),
      "  %m = qc.matmul %p, %w : tensor<16x32xf32>, tensor<32x24xf32> ->"
      ' tensor<16x24xf32> loc("fc")',
      "  %b = qc.constant " + literal(b),
      "  %y = qc.add %m, %b : tensor<16x24xf32>, tensor<24xf32> ->"
      " tensor<16x24xf32>"]
norm = ["  %n = qc.layer_norm %x, %g, %be : (tensor<16x32xf32>, tensor<32xf32>,"
        " tensor<32xf32>) -> tensor<16x32xf32>"]
models = {
    "ln": [head[0] % "tensor<16x24xf32>"] + head[1:] + norm +
    ["  %p = " + probe("%n")] + fc + ["  return %y : tensor<16x24xf32>", "}"],
    "decomposed": [head[0] % "tensor<16x24xf32>"] + head[1:] + [
        "  %one = qc.constant dense<1.0> : tensor<32xf32>",
        "  %z = qc.layer_norm %x, %one : (tensor<16x32xf32>, tensor<32xf32>)"
        " -> tensor<16x32xf32>",
        "  %s = qc.mul %z, %g : tensor<16x32xf32>, tensor<32xf32> ->"
        " tensor<16x32xf32>",
        "  %n = qc.add %s, %be : tensor<16x32xf32>, tensor<32xf32> ->"
        " tensor<16x32xf32>",
        "  %p = " + probe("%n")] + fc + ["  return %y : tensor<16x24xf32>", "}"],
    "residual": [head[0] % "(tensor<16x24xf32>, tensor<16x32xf32>)"] +
    head[1:] + norm + ["  %p = " + probe("%n")] + fc + [
        "  %r = qc.add %x, %p : tensor<16x32xf32>, tensor<16x32xf32> ->"
        " tensor<16x32xf32>",
        "  return %y, %r : tensor<16x24xf32>, tensor<16x32xf32>", "}"],
}
# Attention (one head): softmax(q k^T / 4) v, for the log2 A V.
wq, wk, wv = [(rng.standard_normal((32, 32)) * 0.3).astype(np.float32)
              for _ in range(3)]
t3 = "tensor<1x16x32xf32>"
models["attention"] = [
    line.replace("T3", t3) for line in (
        'func.func @main(%x: T3 loc("x")) -> T3 {',
        "  %wq = qc.constant " + literal(wq),
        "  %wk = qc.constant " + literal(wk),
        "  %wv = qc.constant " + literal(wv),
        "  %q = qc.matmul %x, %wq : T3, tensor<32x32xf32> -> T3",
        "  %k = qc.matmul %x, %wk : T3, tensor<32x32xf32> -> T3",
        "  %v = qc.matmul %x, %wv : T3, tensor<32x32xf32> -> T3",
        "  %kt = qc.transpose %k {perm = array<i64: 0, 2, 1>} : T3 ->"
        " tensor<1x32x16xf32>",
        "  %s = qc.matmul %q, %kt : T3, tensor<1x32x16xf32> ->"
        " tensor<1x16x16xf32>",
        "  %c = qc.constant dense<0.25> : tensor<f32>",
        "  %ss = qc.mul %s, %c : tensor<1x16x16xf32>, tensor<f32> ->"
        " tensor<1x16x16xf32>",
        "  %a = qc.softmax %ss {axis = 2 : i64} : tensor<1x16x16xf32>",
        "  %y = qc.matmul %a, %v : tensor<1x16x16xf32>, T3 -> T3",
        "  return %y : T3", "}")]
# Uncalibrated, for the driver: the LayerNorm's output read by fc directly.
models["plain"] = [line.replace("%p,", "%n,") for line in models["ln"]
                   if "qc.observe" not in line]
for name, lines in models.items():
    with open(os.path.join(out, name + ".mlir"), "w") as f:
        f.write("\n".join(lines) + "\n")
np.save(os.path.join(out, "x.npy"), x)
np.savez(os.path.join(out, "params.npz"), ln=n, w=w, b=b, gamma=gamma,
         beta=beta)
