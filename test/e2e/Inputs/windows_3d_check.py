"""3-D Conv, ConvTranspose, MaxPool, AveragePool and LpPool through
`quantc run` against numpy references written from ONNX's definitions:
asymmetric pads, strides, dilations, groups, output_padding, ceil_mode and
count_include_pad, the forms ONNX's node tests leave out.
usage: windows_3d_check.py QUANTC TMPDIR"""
import itertools
import json
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

quantc, tmp = sys.argv[1:3]
rng = np.random.default_rng(3)


def run(name, node, x, initializers):
    graph = helper.make_graph(
        [node], name, [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                                     list(x.shape))],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        [numpy_helper.from_array(v, k) for k, v in initializers.items()])
    model = os.path.join(tmp, name + ".onnx")
    onnx.save(helper.make_model(graph, opset_imports=[
        helper.make_opsetid("", 18)]), model)
    np.save(os.path.join(tmp, "x.npy"), x)
    out = os.path.join(tmp, "out-" + name)
    subprocess.run([quantc, "run", model, "--input",
                    "x=" + os.path.join(tmp, "x.npy"), "--output-dir", out,
                    "--quiet"], check=True, stdout=subprocess.DEVNULL)
    return np.load(os.path.join(out, "y.npy"))


def windows(xp, kernel, strides, dilations, out):
    """Yields (output index, the input window) of a padded N x C x D x H x W
    array, the window's axes last: N x C x kd x kh x kw."""
    for o in itertools.product(*(range(n) for n in out)):
        index = tuple(slice(o[i] * strides[i],
                            o[i] * strides[i] + (kernel[i] - 1) * dilations[i] + 1,
                            dilations[i]) for i in range(3))
        yield o, xp[(slice(None), slice(None)) + index]


def conv(x, w, b, strides, pads, dilations, group):
    xp = np.pad(x, [(0, 0), (0, 0)] + list(zip(pads[:3], pads[3:])))
    kernel = w.shape[2:]
    out = [(xp.shape[2 + i] - dilations[i] * (kernel[i] - 1) - 1) // strides[i]
           + 1 for i in range(3)]
    y = np.zeros((x.shape[0], w.shape[0]) + tuple(out), np.float64)
    cin, cout = x.shape[1] // group, w.shape[0] // group
    for o, window in windows(xp, kernel, strides, dilations, out):
        for g in range(group):
            y[(slice(None), slice(g * cout, (g + 1) * cout)) + o] = np.einsum(
                "ncdhw,ocdhw->no", window[:, g * cin:(g + 1) * cin],
                w[g * cout:(g + 1) * cout])
    return y + b.reshape(1, -1, 1, 1, 1)


def conv_transpose(x, w, b, strides, pads, dilations, output_padding, group):
    kernel = w.shape[2:]
    full = [(x.shape[2 + i] - 1) * strides[i] + (kernel[i] - 1) * dilations[i]
            + 1 + output_padding[i] for i in range(3)]
    cin, cout = x.shape[1] // group, w.shape[1]
    y = np.zeros((x.shape[0], cout * group) + tuple(full), np.float64)
    for k in itertools.product(*(range(n) for n in kernel)):
        place = tuple(slice(k[i] * dilations[i],
                            k[i] * dilations[i] + (x.shape[2 + i] - 1) *
                            strides[i] + 1, strides[i]) for i in range(3))
        for g in range(group):
            y[(slice(None), slice(g * cout, (g + 1) * cout)) + place] += \
                np.einsum("ncdhw,co->nodhw", x[:, g * cin:(g + 1) * cin],
                          w[(slice(g * cin, (g + 1) * cin), slice(None)) + k])
    crop = tuple(slice(pads[i], full[i] - pads[3 + i]) for i in range(3))
    return y[(slice(None), slice(None)) + crop] + b.reshape(1, -1, 1, 1, 1)


def pool(x, kind, kernel, strides, pads, dilations, ceil, include_pad, p=2):
    out = []
    for i in range(3):
        span = x.shape[2 + i] + pads[i] + pads[3 + i] - \
            dilations[i] * (kernel[i] - 1) - 1
        n = (-(-span // strides[i]) if ceil else span // strides[i]) + 1
        if ceil and (n - 1) * strides[i] >= x.shape[2 + i] + pads[i]:
            n -= 1
        out.append(n)
    extra = [max(0, (out[i] - 1) * strides[i] + (kernel[i] - 1) * dilations[i]
                 + 1 - x.shape[2 + i] - pads[i] - pads[3 + i]) for i in range(3)]
    # NaN marks the padding, inf the ceil-mode overhang.
    xp = np.pad(x.astype(np.float64), [(0, 0), (0, 0)] +
                [(pads[i], pads[3 + i]) for i in range(3)],
                constant_values=np.nan)
    xp = np.pad(xp, [(0, 0), (0, 0)] + [(0, e) for e in extra],
                constant_values=np.inf)
    y = np.zeros(x.shape[:2] + tuple(out), np.float64)
    for o, window in windows(xp, kernel, strides, dilations, out):
        window = window.reshape(window.shape[:2] + (-1,))
        inside = np.isfinite(window)
        if kind == "MaxPool":
            y[(slice(None), slice(None)) + o] = np.where(
                inside, window, -np.inf).max(axis=2)
        elif kind == "AveragePool":
            count = (~np.isinf(window) if include_pad else inside).sum(axis=2)
            y[(slice(None), slice(None)) + o] = np.where(
                inside, window, 0).sum(axis=2) / count
        else:
            y[(slice(None), slice(None)) + o] = (np.abs(np.where(
                inside, window, 0)) ** p).sum(axis=2) ** (1 / p)
    return y


def check(name, got, want):
    diff = np.abs(got - want).max() if got.shape == want.shape else float("inf")
    print("%s: shape %s, max abs diff %.2g %s"
          % (name, got.shape, diff, "ok" if diff < 1e-4 else "FAIL"))


def check_conv(name, x_shape, w_shape, group, **attrs):
    x = rng.standard_normal(x_shape).astype(np.float32)
    w = rng.standard_normal(w_shape).astype(np.float32)
    b = rng.standard_normal(w_shape[0]).astype(np.float32)
    node = helper.make_node("Conv", ["x", "w", "b"], ["y"], group=group,
                            **attrs)
    got = run(name, node, x, {"w": w, "b": b})
    want = conv(x, w, b, attrs.get("strides", [1] * 3),
                attrs.get("pads", [0] * 6), attrs.get("dilations", [1] * 3),
                group)
    check(name, got, want)


def check_conv_transpose(name, x_shape, w_shape, group, **attrs):
    x = rng.standard_normal(x_shape).astype(np.float32)
    w = rng.standard_normal(w_shape).astype(np.float32)
    b = rng.standard_normal(w_shape[1] * group).astype(np.float32)
    node = helper.make_node("ConvTranspose", ["x", "w", "b"], ["y"],
                            group=group, **attrs)
    got = run(name, node, x, {"w": w, "b": b})
    want = conv_transpose(x, w, b, attrs.get("strides", [1] * 3),
                          attrs.get("pads", [0] * 6),
                          attrs.get("dilations", [1] * 3),
                          attrs.get("output_padding", [0] * 3), group)
    check(name, got, want)


def check_pool(name, kind, x_shape, ceil=0, include_pad=0, p=2, **attrs):
    x = rng.standard_normal(x_shape).astype(np.float32)
    extra = {"ceil_mode": ceil} if kind != "LpPool" else {"p": p}
    if kind == "AveragePool":
        extra["count_include_pad"] = include_pad
    node = helper.make_node(kind, ["x"], ["y"], **attrs, **extra)
    got = run(name, node, x, {})
    want = pool(x, kind, attrs["kernel_shape"], attrs.get("strides", [1] * 3),
                attrs.get("pads", [0] * 6), attrs.get("dilations", [1] * 3),
                ceil, include_pad or kind == "LpPool", p)
    check(name, got, want)


check_conv("conv", (2, 4, 5, 6, 5), (6, 2, 3, 2, 3), 2, strides=[2, 1, 2],
           pads=[1, 0, 2, 2, 1, 0], dilations=[1, 2, 1])
check_conv("conv-dilated-depth", (1, 3, 7, 4, 4), (2, 3, 2, 1, 1), 1,
           dilations=[3, 1, 1], strides=[1, 1, 1])
check_conv_transpose("conv-transpose", (1, 4, 3, 4, 3), (4, 3, 2, 3, 2), 2,
                     strides=[2, 3, 1], pads=[1, 0, 1, 0, 2, 1],
                     dilations=[2, 1, 1], output_padding=[1, 2, 0])
check_conv_transpose("conv-transpose-stride3", (2, 2, 2, 3, 3),
                     (2, 2, 2, 2, 2), 1, strides=[3, 1, 2])
check_pool("max-ceil", "MaxPool", (1, 2, 6, 5, 7), ceil=1,
           kernel_shape=[3, 2, 2], strides=[2, 2, 3], pads=[1, 0, 1, 0, 1, 0])
check_pool("max-dilated", "MaxPool", (1, 2, 7, 6, 5), kernel_shape=[2, 2, 2],
           dilations=[3, 1, 2], pads=[0, 1, 0, 1, 0, 1])
check_pool("average-exclude-pad", "AveragePool", (2, 3, 5, 6, 4),
           kernel_shape=[3, 3, 2], strides=[2, 1, 2], pads=[1, 1, 0, 1, 0, 1])
check_pool("average-include-pad", "AveragePool", (1, 2, 5, 5, 5),
           include_pad=1, kernel_shape=[2, 3, 3], strides=[1, 2, 2],
           pads=[1, 1, 1, 0, 1, 1])
check_pool("average-ceil", "AveragePool", (1, 2, 6, 5, 5), ceil=1,
           kernel_shape=[3, 2, 2], strides=[2, 2, 2])
check_pool("lp", "LpPool", (1, 2, 5, 4, 6), p=3, kernel_shape=[2, 2, 3],
           strides=[2, 1, 2], pads=[1, 0, 1, 0, 1, 0])

# int8: each kernel depth of a 3-D convolution is a qc.conv2d with a
# constant weight slice, so it calibrates and quantizes as a layer.
x = rng.standard_normal((2, 4, 5, 6, 5)).astype(np.float32)
w = rng.standard_normal((6, 2, 3, 2, 3)).astype(np.float32)
b = rng.standard_normal(6).astype(np.float32)
attrs = dict(strides=[2, 1, 2], pads=[1, 0, 2, 2, 1, 0], dilations=[1, 2, 1])
node = helper.make_node("Conv", ["x", "w", "b"], ["y"], group=2, **attrs)
run("conv-int8", node, x, {"w": w, "b": b})
calib = os.path.join(tmp, "calib")
os.makedirs(calib, exist_ok=True)
for i in range(4):
    np.save(os.path.join(calib, "s%d.npy" % i),
            rng.standard_normal(x.shape).astype(np.float32))
model = os.path.join(tmp, "conv-int8.onnx")
subprocess.run([quantc, "compile", model, "--calib", calib, "--bits", "8",
                "-o", os.path.join(tmp, "int8"), "--quiet"], check=True,
               stdout=subprocess.DEVNULL)
with open(os.path.join(tmp, "int8", "conv-int8.report.json")) as f:
    for layer in json.load(f)["layers"]:
        print("layer %s: %s, %d-bit weights" % (layer["name"], layer["op"],
                                                layer["weight_bits"]))
out = os.path.join(tmp, "out-int8")
subprocess.run([quantc, "run", model, "--input", "x=" + os.path.join(tmp, "x.npy"),
                "--calib", calib, "--bits", "8", "--output-dir", out,
                "--quiet"], check=True, stdout=subprocess.DEVNULL)
got = np.load(os.path.join(out, "y.npy"))
want = conv(x, w, b, attrs["strides"], attrs["pads"], attrs["dilations"], 2)
sqnr = 10 * np.log10((want ** 2).sum() / ((got - want) ** 2).sum())
print("conv int8: SQNR %.1f dB %s" % (sqnr, "ok" if sqnr > 30 else "FAIL"))
