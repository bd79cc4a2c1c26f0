"""qc-decompose-conv-transpose keeps the function: ConvTranspose models
(strides with empty phases, dilations sharing factors with the stride,
asymmetric pads, output_padding, groups, bias) imported, decomposed into
phase convolutions, and run with `quantc run` against the undecomposed
op on the same input. Then int8: the phases are quantized layers.
usage: conv_transpose_phases_check.py QUANTC QUANT_TRANSLATE QUANT_OPT TMPDIR"""
import json
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

quantc, translate, opt, tmp = sys.argv[1:5]
rng = np.random.default_rng(7)

CASES = [
    # name, input shape, weight shape, group, attributes
    ("det-upsample", (1, 8, 5, 6), (8, 4, 2, 2), 1, dict(strides=[2, 2])),
    ("k3-pad-outpad", (2, 3, 4, 5), (3, 2, 3, 3), 1,
     dict(strides=[2, 2], pads=[1, 1, 1, 1], output_padding=[1, 1])),
    ("empty-phases", (1, 2, 3, 4), (2, 3, 2, 2), 1, dict(strides=[3, 3])),
    ("dilated-grouped", (1, 4, 4, 3), (4, 3, 3, 2), 2,
     dict(strides=[2, 3], dilations=[2, 1], pads=[2, 0, 1, 1])),
    ("stride1-dilated", (1, 3, 5, 5), (3, 2, 3, 3), 1,
     dict(dilations=[2, 2], pads=[1, 2, 2, 1])),
    ("k4-pad2", (1, 2, 4, 4), (2, 2, 4, 4), 1,
     dict(strides=[2, 2], pads=[2, 2, 2, 2])),
]


def run(model, x, out, *flags):
    np.save(os.path.join(tmp, "x.npy"), x)
    subprocess.run([quantc, "run", model, "--input",
                    "x=" + os.path.join(tmp, "x.npy"), "--output-dir", out,
                    "--quiet", *flags], check=True, stdout=subprocess.DEVNULL)
    return np.load(os.path.join(out, "y.npy"))


for name, x_shape, w_shape, group, attrs in CASES:
    w = rng.standard_normal(w_shape).astype(np.float32)
    b = rng.standard_normal(w_shape[1] * group).astype(np.float32)
    node = helper.make_node("ConvTranspose", ["x", "w", "b"], ["y"],
                            group=group, **attrs)
    graph = helper.make_graph(
        [node], name, [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                                     list(x_shape))],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")])
    model = os.path.join(tmp, name + ".onnx")
    onnx.save(helper.make_model(graph, opset_imports=[
        helper.make_opsetid("", 13)]), model)
    imported = os.path.join(tmp, name + ".mlir")
    decomposed = os.path.join(tmp, name + ".phases.mlir")
    subprocess.run([translate, "--import-onnx", model, "-o", imported],
                   check=True)
    subprocess.run([opt, "--qc-decompose-conv-transpose", imported, "-o",
                    decomposed], check=True)
    with open(decomposed) as f:
        text = f.read()
    convs = text.count("qc.conv2d")
    left = text.count("qc.conv_transpose2d")
    x = rng.standard_normal(x_shape).astype(np.float32)
    want = run(imported, x, os.path.join(tmp, name + "-op"))
    got = run(decomposed, x, os.path.join(tmp, name + "-phases"))
    diff = np.abs(got - want).max() if got.shape == want.shape else float("inf")
    print("%s: %d phase convolutions, %d transposed left, shape %s, "
          "max abs diff %.2g %s" % (name, convs, left, got.shape, diff,
                                    "ok" if diff < 1e-4 and left == 0
                                    else "FAIL"))

# int8: the phases calibrate and quantize (the det-like upsampling).
model = os.path.join(tmp, "det-upsample.onnx")
calib = os.path.join(tmp, "calib")
os.makedirs(calib, exist_ok=True)
for i in range(4):
    np.save(os.path.join(calib, "s%d.npy" % i),
            rng.standard_normal((1, 8, 5, 6)).astype(np.float32))
subprocess.run([quantc, "compile", model, "--calib", calib, "--bits", "8",
                "-o", os.path.join(tmp, "int8"), "--quiet"], check=True,
               stdout=subprocess.DEVNULL)
with open(os.path.join(tmp, "int8", "det-upsample.report.json")) as f:
    for layer in json.load(f)["layers"]:
        print("layer %s: %s" % (layer["name"], layer["op"]))
x = rng.standard_normal((1, 8, 5, 6)).astype(np.float32)
want = run(model, x, os.path.join(tmp, "float"))
got = run(model, x, os.path.join(tmp, "int8-out"), "--calib", calib,
          "--bits", "8")
sqnr = 10 * np.log10((want ** 2).sum() / ((got - want) ** 2).sum())
print("int8: SQNR %.1f dB %s" % (sqnr, "ok" if sqnr > 30 else "FAIL"))
