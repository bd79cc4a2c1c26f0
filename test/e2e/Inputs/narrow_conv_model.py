"""Writes narrow_conv.onnx for cnn-ort-parity.test: one Conv whose output
rows are 7 pixels wide (9 x 7 from a 1 x 10 x 9 x 12 input), with a
height dilation of 2, a width stride of 2 and asymmetric pads, which
quantc-tile-and-vectorize computes as a matmul over its patch matrix.
Usage: narrow_conv_model.py OUT_FILE"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(0)
weights = numpy_helper.from_array(
    (rng.standard_normal((24, 10, 3, 3)) * 0.1).astype(np.float32), "w")
bias = numpy_helper.from_array(rng.standard_normal(24).astype(np.float32), "b")
conv = helper.make_node("Conv", ["x", "w", "b"], ["y"], kernel_shape=[3, 3],
                        strides=[1, 2], pads=[2, 1, 2, 3], dilations=[2, 1])
graph = helper.make_graph(
    [conv], "narrow_conv",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 10, 9, 12])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 24, 9, 7])],
    [weights, bias])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
model.ir_version = 8
onnx.checker.check_model(model)
onnx.save(model, sys.argv[1])
