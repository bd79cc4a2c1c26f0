"""Writes small .npy and TensorProto files of several element types and
storage forms (raw_data, typed fields) as seeds for tensor-file-fuzzer."""
import os
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper

out = sys.argv[1]
arrays = {
    "f32": np.arange(6, dtype=np.float32).reshape(2, 3),
    "f16": np.array([1.5, -2.0], dtype=np.float16),
    "f64": np.array([[0.25]], dtype=np.float64),
    "i64": np.array([9000000000, -1], dtype=np.int64),
    "u8": np.array([0, 255, 7], dtype=np.uint8),
    "bool": np.array([True, False]),
    "scalar": np.array(3, dtype=np.int32),
}
for name, array in arrays.items():
    np.save(os.path.join(out, name + ".npy"), array)
    tensor = numpy_helper.from_array(array, name)
    with open(os.path.join(out, name + "_raw.pb"), "wb") as f:
        f.write(tensor.SerializeToString())
# Typed fields instead of raw_data.
typed = [helper.make_tensor("f", onnx.TensorProto.FLOAT, [2], [1.0, 2.0]),
         helper.make_tensor("i", onnx.TensorProto.INT64, [3], [1, 2, 3]),
         helper.make_tensor("u", onnx.TensorProto.UINT64, [1], [5]),
         helper.make_tensor("h", onnx.TensorProto.FLOAT16, [2], [1.0, 0.5])]
for tensor in typed:
    with open(os.path.join(out, tensor.name + "_typed.pb"), "wb") as f:
        f.write(tensor.SerializeToString())
