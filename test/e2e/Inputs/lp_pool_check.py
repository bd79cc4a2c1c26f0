"""LpPool (p = 1, 2, 3; padded, strided) through `quantc run` against a
numpy reference: the p-th root of the sum of |x|^p over each window, the
padding counting as zeros. ONNX's node tests have no LpPool model.
usage: lp_pool_check.py QUANTC TMPDIR"""
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

quantc, tmp = sys.argv[1:3]
for p in (1, 2, 3):
    node = helper.make_node("LpPool", ["x"], ["y"], kernel_shape=[2, 3],
                            strides=[1, 2], pads=[1, 0, 0, 1], p=p)
    graph = helper.make_graph(
        [node], "lp", [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                                     [1, 2, 5, 6])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)])
    model = os.path.join(tmp, "lp%d.onnx" % p)
    onnx.save(helper.make_model(graph, opset_imports=[
        helper.make_opsetid("", 18)]), model)
    x = np.random.default_rng(p).standard_normal((1, 2, 5, 6)).astype(np.float32)
    np.save(os.path.join(tmp, "x.npy"), x)
    out = os.path.join(tmp, "out%d" % p)
    subprocess.run([quantc, "run", model, "--input",
                    "x=" + os.path.join(tmp, "x.npy"), "--output-dir", out,
                    "--quiet"], check=True, stdout=subprocess.DEVNULL)
    got = np.load(os.path.join(out, "y.npy"))
    padded = np.pad(x, ((0, 0), (0, 0), (1, 0), (0, 1)))
    rows, cols = padded.shape[2] - 1, (padded.shape[3] - 3) // 2 + 1
    want = np.zeros((1, 2, rows, cols), np.float32)
    for i in range(rows):
        for j in range(cols):
            window = padded[:, :, i:i + 2, 2 * j:2 * j + 3]
            want[:, :, i, j] = (np.abs(window) ** p).sum(axis=(2, 3)) ** (1 / p)
    diff = np.abs(got - want).max() if got.shape == want.shape else float("inf")
    print("p=%d: shape %s, max abs diff %.2g %s"
          % (p, got.shape, diff, "ok" if diff < 1e-5 else "FAIL"))
