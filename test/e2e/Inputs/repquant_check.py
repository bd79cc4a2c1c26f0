"""Checks reparameterize.test's int8 output of ln.mlir after
qc-reparameterize against the per-channel contract computed here: each
LayerNorm channel c quantized on its own grid (s_c, z_c) over
beta_c + gamma_c [u_lo, u_hi] (the normalized range pooled over channels)
and zero, the per-tensor
(s, z) = (mean s_c, round(mean z_c)), W~ = diag(s_c / s) W quantized per
output channel (symmetric, max / 127), the integer product of the
per-channel codes minus z with W~'s codes, times s and W~'s scales, plus
the corrected float bias b - (s_c (z_c - z)) W. Prints the largest relative
difference, and each model's error to float.
With REFERENCE.npy (the per-channel reference, --reparameterize-reference)
it also checks that output against the same per-channel codes times float
W: (codes - z_c) s_c W + b.
Usage: repquant_check.py PARAMS.npz BITS REPARAMETERIZED.npy PER_TENSOR.npy
       [REFERENCE.npy]"""
import sys

import numpy as np

params = np.load(sys.argv[1])
levels = 2 ** int(sys.argv[2]) - 1
n = params["ln"].astype(np.float64)
w, b = params["w"].astype(np.float64), params["b"].astype(np.float64)
gamma, beta = params["gamma"].astype(np.float64), params["beta"].astype(np.float64)
u = (np.stack([n.min(0), n.max(0)]) - beta) / gamma
ends = beta + gamma * np.array([[u.min()], [u.max()]])
lo, hi = np.minimum(ends.min(0), 0), np.maximum(ends.max(0), 0)
scale = (hi - lo) / levels
zero = np.clip(np.rint(-lo / scale), 0, levels)
s, z = scale.mean(), np.rint(zero.mean())
r1, shift = scale / s, scale * (zero - z)
wt = w * r1[:, None]
sw = np.abs(wt).max(0) / 127
codes = np.clip(np.rint(n / scale) + zero, 0, levels)
acc = (codes - z) @ np.clip(np.rint(wt / sw), -127, 127)
reference = acc * s * sw + (b - shift @ w)
got = np.load(sys.argv[3]).astype(np.float64)
per_tensor = np.load(sys.argv[4]).astype(np.float64)
exact = n @ w + b
print("per-channel contract: %s" % (
    "equal to 1e-6" if np.abs(got - reference).max() <= 1e-6 * np.abs(reference).max()
    else "max relative difference %.2e" % (np.abs(got - reference).max() / np.abs(reference).max())))
err = lambda y: np.abs(y - exact).max() / np.abs(exact).max()
print("error to float: reparameterized %.4f, per-tensor %.4f, %s" % (
    err(got), err(per_tensor), "lower" if err(got) < err(per_tensor) else "not lower"))
if len(sys.argv) > 5:
    fake = (codes - zero) * scale @ w + b
    ref = np.load(sys.argv[5]).astype(np.float64)
    d = np.abs(ref - fake).max() / np.abs(fake).max()
    print("per-channel reference: %s" % (
        "equal to 1e-5" if d <= 1e-5 else "max relative difference %.2e" % d))
