#!/usr/bin/env python3
"""Writes a BERT-like transformer encoder as torch.onnx exports one (opset
17), with seeded random weights: per layer, Q/K/V projections (MatMul +
Add), multi-head attention through Reshape/Transpose, a batched MatMul for
the scores, Div by sqrt(head size), Softmax and a batched MatMul with V,
an output projection, residual Add and LayerNormalization, then an erf
GELU feed-forward block and a second residual LayerNormalization. No
pretrained transformer is available offline (NOTES.md); latency and float
parity do not depend on the weights' values.

usage: encoder_model.py OUT.onnx [TOKENS [WIDTH [HEADS [FFN [LAYERS]]]]]
  defaults 128 256 4 1024 4; input x [1, TOKENS, WIDTH], output y.
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def build(tokens=128, width=256, heads=4, ffn=1024, layers=4, seed=7):
    rng = np.random.default_rng(seed)
    nodes, initializers = [], []

    def constant(name, value):
        value = np.asarray(value)
        if value.dtype != np.int64:
            value = value.astype(np.float32)
        initializers.append(numpy_helper.from_array(value, name))
        return name

    def node(op, inputs, **attributes):
        output = "%s_%d" % (op, len(nodes))
        nodes.append(helper.make_node(op, inputs, [output], **attributes))
        return output

    def linear(x, fan_in, fan_out, name):
        w = rng.standard_normal((fan_in, fan_out)) / np.sqrt(fan_in)
        b = 0.02 * rng.standard_normal(fan_out)
        return node("Add", [node("MatMul", [x, constant(name + ".w", w)]),
                            constant(name + ".b", b)])

    def layer_norm(x, name):
        gamma = 1 + 0.1 * rng.standard_normal(width)
        beta = 0.1 * rng.standard_normal(width)
        return node("LayerNormalization", [x, constant(name + ".g", gamma),
                                           constant(name + ".b", beta)],
                    axis=-1, epsilon=1e-5)

    split = constant("split_heads", np.array([1, tokens, heads, width // heads]))
    merge = constant("merge_heads", np.array([1, tokens, width]))
    scale = constant("scale", np.sqrt(width // heads))
    x = "x"
    for l in range(layers):
        def heads_of(name, perm):
            return node("Transpose", [node("Reshape", [linear(x, width, width, name), split])],
                        perm=perm)
        q = heads_of("l%d.q" % l, [0, 2, 1, 3])
        k = heads_of("l%d.k" % l, [0, 2, 3, 1])
        v = heads_of("l%d.v" % l, [0, 2, 1, 3])
        scores = node("Div", [node("MatMul", [q, k]), scale])
        context = node("MatMul", [node("Softmax", [scores], axis=-1), v])
        merged = node("Reshape", [node("Transpose", [context], perm=[0, 2, 1, 3]), merge])
        x = layer_norm(node("Add", [x, linear(merged, width, width, "l%d.o" % l)]),
                       "l%d.ln1" % l)
        h = linear(x, width, ffn, "l%d.ffn1" % l)
        erf = node("Erf", [node("Div", [h, constant("l%d.sqrt2" % l, np.sqrt(2.0))])])
        gelu = node("Mul", [node("Mul", [h, node("Add", [erf, constant("l%d.one" % l, 1.0)])]),
                            constant("l%d.half" % l, 0.5)])
        x = layer_norm(node("Add", [x, linear(gelu, ffn, width, "l%d.ffn2" % l)]),
                       "l%d.ln2" % l)
    nodes.append(helper.make_node("Identity", [x], ["y"]))
    graph = helper.make_graph(
        nodes, "encoder",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, tokens, width])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, tokens, width])],
        initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


if __name__ == "__main__":
    sizes = [int(a) for a in sys.argv[2:]]
    onnx.save(build(*sizes), sys.argv[1])
