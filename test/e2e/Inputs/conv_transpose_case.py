"""Writes a qc.conv_transpose2d model whose kernel equals its stride, an
input and a float64 reference: conv_transpose_case.py OUT_DIR NAME C M H W K."""
import sys

import numpy as np

out, name = sys.argv[1], sys.argv[2]
c, m, h, w, k = map(int, sys.argv[3:8])
rng = np.random.default_rng(7)
weights = rng.normal(size=(c, m, k, k)).astype(np.float32)
bias = rng.normal(size=(m,)).astype(np.float32)
x = rng.normal(size=(1, c, h, w)).astype(np.float32)


def literal(a):
    return np.array2string(a, separator=", ", threshold=10**9,
                           floatmode="unique").replace("\n", "")


out_type = "tensor<1x%dx%dx%dxf32>" % (m, h * k, w * k)
in_type = "tensor<1x%dx%dx%dxf32>" % (c, h, w)
w_type = "tensor<%dx%dx%dx%dxf32>" % (c, m, k, k)
with open("%s/%s.mlir" % (out, name), "w") as f:
    f.write('func.func @main(%%x: %s loc("x")) -> %s {\n' % (in_type, out_type))
    f.write("  %%w = qc.constant dense<%s> : %s\n" % (literal(weights), w_type))
    f.write("  %%b = qc.constant dense<%s> : tensor<%dxf32>\n" % (literal(bias), m))
    f.write("  %%y = qc.conv_transpose2d %%x, %%w, %%b {strides = array<i64: %d, %d>}"
            " : (%s, %s, tensor<%dxf32>) -> %s\n" % (k, k, in_type, w_type, m, out_type))
    f.write("  return %%y : %s\n}\n" % out_type)
np.save("%s/%s_x.npy" % (out, name), x)
ref = np.zeros((1, m, h * k, w * k))
for i in range(h):
    for j in range(w):
        ref[0, :, i * k:(i + 1) * k, j * k:(j + 1) * k] += np.einsum(
            "c,cmab->mab", x[0, :, i, j].astype(np.float64),
            weights.astype(np.float64))
np.save("%s/%s_ref.npy" % (out, name), ref + bias[None, :, None, None])
