"""Writes direct_conv.mlir for direct-conv-vnni.test: a chain of float
convolutions that quantize to qc.direct_conv layers on AVX-512 VNNI, each
an edge of the direct path: 6 input channels (the last quad padded with
the zero point), padding, dilation 2, strides of 2 (the width's from even
lanes), and pointwise layers over 9 x 40 pixels (one row of 360, which no
register count divides: panels over 352 pixels and a masked panel over the
last 8) and over 5 x 20 (one row of 100). Usage: direct_conv_model.py
OUT_FILE"""
import sys

import numpy as np

from mlir_literals import literal

rng = np.random.default_rng(23)
# (Cin, Cout, kernel, pads, strides, dilations, input H x W)
layers = [
    (6, 12, 3, 1, (1, 1), 1, (9, 40)),
    (12, 16, 3, 2, (1, 1), 2, (9, 40)),
    (16, 16, 1, 0, (1, 1), 1, (9, 40)),
    (16, 8, 3, 1, (2, 2), 1, (9, 40)),
    (8, 24, 1, 0, (1, 1), 1, (5, 20)),
]
lines = ['func.func @main(%x: tensor<1x6x9x40xf32> loc("x")) -> '
         'tensor<1x24x5x20xf32> {']
value = "%x"
for i, (cin, cout, k, pad, (sh, sw), dil, (h, w)) in enumerate(layers):
    oh = (h + 2 * pad - dil * (k - 1) - 1) // sh + 1
    ow = (w + 2 * pad - dil * (k - 1) - 1) // sw + 1
    weight = (rng.standard_normal((cout, cin, k, k)) * 0.3).astype(np.float32)
    bias = (rng.standard_normal(cout) * 0.1).astype(np.float32)
    in_type = "tensor<1x%dx%dx%dxf32>" % (cin, h, w)
    out_type = "tensor<1x%dx%dx%dxf32>" % (cout, oh, ow)
    lines.append("  %%w%d = qc.constant %s" % (i, literal(weight)))
    lines.append("  %%b%d = qc.constant %s" % (i, literal(bias)))
    lines.append(
        '  %%c%d = qc.conv2d %s, %%w%d, %%b%d {pads = array<i64: %d, %d, %d, '
        '%d>, strides = array<i64: %d, %d>, dilations = array<i64: %d, %d>, '
        'group = 1} : (%s, tensor<%dx%dx%dx%dxf32>, tensor<%dxf32>) -> %s '
        'loc("conv%d")' % (i, value, i, i, pad, pad, pad, pad, sh, sw, dil,
                           dil, in_type, cout, cin, k, k, cout, out_type, i))
    value = "%%c%d" % i
    if i + 1 < len(layers):
        lines.append('  %%r%d = qc.relu %s : %s loc("relu%d")'
                     % (i, value, out_type, i))
        value = "%%r%d" % i
lines.append("  return %s : tensor<1x24x5x20xf32>" % value)
lines.append("}")
with open(sys.argv[1], "w") as f:
    f.write("\n".join(lines) + "\n")
