#!/usr/bin/env python3
"""Prints an ONNX model for FileCheck: the opset, every node as
`Op[attr=value](inputs) -> outputs`, and each initializer's type and
shape (with its values when it has at most 8)."""
import sys

import onnx
from onnx import numpy_helper

model = onnx.load(sys.argv[1])
print("opset %d ir %d" % (model.opset_import[0].version, model.ir_version))
names = {v: k for k, v in onnx.TensorProto.DataType.items()}
for tensor in model.graph.initializer:
    values = ""
    count = 1
    for d in tensor.dims:
        count *= d
    if tensor.data_type in (21, 22):  # INT4 / UINT4: packed bytes
        values = " packed " + tensor.raw_data.hex()
    elif count <= 8:
        values = " " + str(numpy_helper.to_array(tensor).ravel().tolist())
    print("init %s %s %s%s" % (tensor.name, names.get(tensor.data_type, tensor.data_type),
                               "x".join(map(str, tensor.dims)) or "scalar", values))
for node in model.graph.node:
    attrs = ",".join("%s=%s" % (a.name, onnx.helper.get_attribute_value(a))
                     for a in node.attribute)
    print("%s[%s](%s) -> %s" % (node.op_type, attrs, ", ".join(node.input),
                                ", ".join(node.output)))
