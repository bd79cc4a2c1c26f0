#!/usr/bin/env python3
"""Writes ResNet-18 or MobileNetV2 as torch.onnx exports them from eval
mode (opset 13: batch norms folded into the convolutions' weights and
biases; Relu, or Clip(0, 6) for MobileNetV2's ReLU6; residual Add;
GlobalAveragePool, Flatten and a Gemm classifier), with seeded random
He-initialized weights. The two most common CNN families on shapes no
bundled model has: 7 x 7 and 14 x 14 stages, 512-channel 3 x 3
convolutions, 960-channel pointwise ones. Latency and float parity do not
depend on the weights' values.

usage: cnn_models.py resnet18|mobilenetv2 OUT.onnx [RESOLUTION]
  default resolution 224; input x [1, 3, R, R], output y [1, 1000].
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


class Graph:
    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.nodes, self.initializers = [], []

    def constant(self, name, value):
        self.initializers.append(
            numpy_helper.from_array(np.asarray(value, np.float32), name))
        return name

    def node(self, op, inputs, **attributes):
        output = "%s_%d" % (op, len(self.nodes))
        self.nodes.append(helper.make_node(op, inputs, [output], **attributes))
        return output

    def conv(self, x, cin, cout, kernel, stride=1, group=1, activation="relu"):
        """Conv (+ Relu or ReLU6) with `kernel // 2` padding."""
        fan_in = cin // group * kernel * kernel
        name = "conv%d" % len(self.nodes)
        w = self.rng.standard_normal((cout, cin // group, kernel, kernel))
        b = 0.1 * self.rng.standard_normal(cout)
        y = self.node("Conv", [x, self.constant(name + ".w", w * np.sqrt(2.0 / fan_in)),
                               self.constant(name + ".b", b)],
                      kernel_shape=[kernel, kernel], strides=[stride, stride],
                      pads=[kernel // 2] * 4, group=group)
        if activation == "relu":
            return self.node("Relu", [y])
        if activation == "relu6":
            return self.node("Clip", [y, self.constant(name + ".lo", 0.0),
                                      self.constant(name + ".hi", 6.0)])
        return y

    def classifier(self, x, channels):
        x = self.node("Flatten", [self.node("GlobalAveragePool", [x])])
        w = self.rng.standard_normal((1000, channels)) / np.sqrt(channels)
        return self.node("Gemm", [x, self.constant("fc.w", w),
                                  self.constant("fc.b", 0.1 * self.rng.standard_normal(1000))],
                         transB=1)

    def model(self, y, resolution):
        assert self.nodes[-1].output[0] == y
        self.nodes[-1].output[0] = y = "y"
        graph = helper.make_graph(
            self.nodes, "cnn",
            [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, resolution, resolution])],
            [helper.make_tensor_value_info(y, TensorProto.FLOAT, [1, 1000])],
            self.initializers)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
        model.ir_version = 8
        onnx.checker.check_model(model)
        return model


def resnet18(resolution=224, seed=3):
    g = Graph(seed)
    x = g.conv("x", 3, 64, 7, 2)
    x = g.node("MaxPool", [x], kernel_shape=[3, 3], strides=[2, 2], pads=[1] * 4)
    channels = 64
    for stage, width in enumerate([64, 128, 256, 512]):
        for block in range(2):
            stride = 2 if block == 0 and stage > 0 else 1
            y = g.conv(x, channels, width, 3, stride)
            y = g.conv(y, width, width, 3, activation=None)
            shortcut = x if stride == 1 and channels == width else g.conv(
                x, channels, width, 1, stride, activation=None)
            x = g.node("Relu", [g.node("Add", [y, shortcut])])
            channels = width
    return g.model(g.classifier(x, channels), resolution)


def mobilenet_v2(resolution=224, seed=3):
    g = Graph(seed)
    x = g.conv("x", 3, 32, 3, 2, activation="relu6")
    channels = 32
    # (expansion, output channels, blocks, first stride)
    for expansion, width, blocks, first in [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2),
                                            (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2),
                                            (6, 320, 1, 1)]:
        for block in range(blocks):
            stride = first if block == 0 else 1
            hidden = channels * expansion
            y = x if expansion == 1 else g.conv(x, channels, hidden, 1, activation="relu6")
            y = g.conv(y, hidden, hidden, 3, stride, group=hidden, activation="relu6")
            y = g.conv(y, hidden, width, 1, activation=None)
            x = g.node("Add", [y, x]) if stride == 1 and channels == width else y
            channels = width
    x = g.conv(x, channels, 1280, 1, activation="relu6")
    return g.model(g.classifier(x, 1280), resolution)


BUILDERS = {"resnet18": resnet18, "mobilenetv2": mobilenet_v2}

if __name__ == "__main__":
    resolution = int(sys.argv[3]) if len(sys.argv) > 3 else 224
    onnx.save(BUILDERS[sys.argv[1]](resolution), sys.argv[2])
