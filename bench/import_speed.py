#!/usr/bin/env python3
"""Times ONNX import on a synthetic model with a given amount of weights.

Builds MatMul layers with 4096 x 4096 float32 initializers (64 MiB each)
until the requested size is reached, then runs quant-translate
--import-onnx on it (output IR printed with resource blobs elided, so the
figure is the import, not hex printing). Prints seconds per 100 MB.

usage: import_speed.py QUANT_TRANSLATE [MEGABYTES]
"""
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnx
from onnx import helper, numpy_helper


def build(path, megabytes):
    layers = max(1, round(megabytes * 1e6 / (4096 * 4096 * 4)))
    rng = np.random.default_rng(0)
    nodes, inits, prev = [], [], "x"
    for i in range(layers):
        w = rng.standard_normal((4096, 4096), dtype=np.float32)
        inits.append(numpy_helper.from_array(w, "w%d" % i))
        out = "h%d" % i
        nodes.append(helper.make_node("MatMul", [prev, "w%d" % i], [out]))
        prev = out
    graph = helper.make_graph(
        nodes, "big", [helper.make_tensor_value_info("x", 1, [1, 4096])],
        [helper.make_tensor_value_info(prev, 1, [1, 4096])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.save(model, path)
    return layers * 4096 * 4096 * 4


def main():
    tool = sys.argv[1]
    megabytes = float(sys.argv[2]) if len(sys.argv) > 2 else 256
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "big.onnx")
        weight_bytes = build(path, megabytes)
        best = None
        for _ in range(3):
            start = time.perf_counter()
            subprocess.run([tool, "--import-onnx", path, "-o", os.devnull,
                            "--mlir-elide-resource-strings-if-larger=64"],
                           check=True)
            elapsed = time.perf_counter() - start
            best = elapsed if best is None else min(best, elapsed)
    print("import of %.0f MB of weights: %.3f s (%.3f s per 100 MB)"
          % (weight_bytes / 1e6, best, best * 100e6 / weight_bytes))


if __name__ == "__main__":
    main()
