"""Writes float convolutions for conv-lowering.test, each with its input
and numpy's output: 1x1 convolutions (a matmul per image: over two
images; over 221 pixels, split into 208 in broadcast panels and 13 in
their own), 3x3 broadcast panels (padded, dilated, stride 2), stride 3
(the 1-D convolution path), and depthwise ones (row products of 16-lane
registers for a width of 48, one odd-width row for 37; stride 2 from the
even and odd input columns, 3x3 over 33 and 5x5 over 80). Widths are not
multiples of the tiles. Usage: conv_cases.py
OUT_DIR"""
import os
import sys

import numpy as np

from mlir_literals import literal, ttype

out = sys.argv[1]
rng = np.random.default_rng(17)


def conv(x, w, b, stride, pad, dilation, group=1):
    if group > 1:
        per = x.shape[1] // group
        return np.concatenate(
            [conv(x[:, g * per:(g + 1) * per],
                  w[g * (w.shape[0] // group):(g + 1) * (w.shape[0] // group)],
                  b[g * (w.shape[0] // group):(g + 1) * (w.shape[0] // group)],
                  stride, pad, dilation) for g in range(group)], axis=1)
    x = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    n, c, h, wd = x.shape
    f, _, kh, kw = w.shape
    oh = (h - dilation * (kh - 1) - 1) // stride + 1
    ow = (wd - dilation * (kw - 1) - 1) // stride + 1
    y = np.zeros((n, f, oh, ow), np.float64)
    for i in range(kh):
        for j in range(kw):
            patch = x[:, :, i * dilation:i * dilation + stride * (oh - 1) + 1:stride,
                      j * dilation:j * dilation + stride * (ow - 1) + 1:stride]
            y += np.einsum("nchw,fc->nfhw", patch, w[:, :, i, j])
    return (y + b[None, :, None, None]).astype(np.float32)


cases = {
    "pointwise": ((2, 12, 3, 37), (20, 12, 1, 1), 1, 0, 1, 1),
    "same3x3": ((1, 24, 9, 45), (16, 24, 3, 3), 1, 1, 1, 1),
    "dilated": ((1, 16, 11, 40), (8, 16, 3, 3), 1, 2, 2, 1),
    "pointwise_wide": ((1, 8, 13, 17), (20, 8, 1, 1), 1, 0, 1, 1),
    "strided": ((1, 8, 13, 33), (16, 8, 3, 3), 2, 1, 1, 1),
    "strided3": ((1, 8, 14, 50), (12, 8, 3, 3), 3, 1, 1, 1),
    "depthwise": ((1, 12, 7, 48), (12, 1, 5, 5), 1, 2, 1, 12),
    "depthwise_odd": ((1, 6, 5, 37), (12, 1, 3, 3), 1, 1, 1, 6),
    "depthwise_strided": ((1, 8, 9, 33), (8, 1, 3, 3), 2, 1, 1, 8),
    "depthwise_strided5": ((1, 6, 11, 80), (6, 1, 5, 5), 2, 2, 1, 6),
}
for name, (xs, ws, stride, pad, dilation, group) in cases.items():
    x = rng.standard_normal(xs).astype(np.float32)
    w = (rng.standard_normal(ws) * 0.2).astype(np.float32)
    b = rng.standard_normal(ws[0]).astype(np.float32)
    y = conv(x, w, b, stride, pad, dilation, group)
    attrs = "pads = array<i64: %d, %d, %d, %d>, strides = array<i64: %d, %d>, " \
            "dilations = array<i64: %d, %d>, group = %d" % (
                (pad,) * 4 + (stride,) * 2 + (dilation,) * 2 + (group,))
    lines = [
        'func.func @main(%%x: %s loc("x")) -> %s {' % (ttype(x), ttype(y)),
        "  %w = qc.constant " + literal(w),
        "  %b = qc.constant " + literal(b),
        "  %%y = qc.conv2d %%x, %%w, %%b {%s} : (%s, %s, %s) -> %s" % (
            attrs, ttype(x), ttype(w), ttype(b), ttype(y)),
        "  return %%y : %s" % ttype(y), "}"]
    with open(os.path.join(out, name + ".mlir"), "w") as f:
        f.write("\n".join(lines) + "\n")
    np.save(os.path.join(out, name + "_x.npy"), x)
    np.save(os.path.join(out, name + "_y.npy"), y)

# Nearest upsampling by integer factors (asymmetric, floor): numpy repeats.
x = rng.standard_normal((1, 3, 5, 7)).astype(np.float32)
y = x.repeat(2, axis=2).repeat(3, axis=3)
with open(os.path.join(out, "upsample.mlir"), "w") as f:
    f.write('func.func @main(%%x: %s loc("x")) -> %s {\n'
            '  %%y = qc.resize %%x {coordinate_transform = '
            '#qc.coordinate_transform<asymmetric>, nearest_rounding = '
            '#qc.nearest_rounding<floor>, scales = array<f32: 1.0, 1.0, 2.0, '
            '3.0>} : %s -> %s\n  return %%y : %s\n}\n' % (
                ttype(x), ttype(y), ttype(x), ttype(y), ttype(y)))
np.save(os.path.join(out, "upsample_x.npy"), x)
np.save(os.path.join(out, "upsample_y.npy"), y)
