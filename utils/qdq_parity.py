#!/usr/bin/env python3
"""Checks `quantc compile --emit-qdq-onnx` on a PP-OCR model: quantc's
int8 (`quantc run`, MSE ranges on 16 rendered samples) and ONNX Runtime
running the exported QDQ file as written (graph optimizations off: float
ops on dequantized tensors), on one more rendered sample, must agree within
rounding (max abs difference and cosine similarity against bounds). Then
ORT with its optimizations: prints how many layers it fused into integer
kernels (QLinearConv, QGemm, ...) and how close that run is, for
information: its kernels requantize their own way, and a deep model
amplifies that. Also checks the file with onnx.checker.

usage: qdq_parity.py QUANTC ORT_DIR MODELS_DIR TASK MAX_ABS MIN_COS
  TASK: cls, rec or det (utils/ocr_accuracy.py's tasks).
"""
import collections
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from PIL import Image

import ocr_accuracy

INTEGER_KERNELS = ("QGemm", "MatMulNBits", "MatMulIntegerToFloat",
                   "ConvInteger", "MatMulInteger")


def integer_kernels(optimized):
    """The op counts of ORT's optimized graph (--optimized=FILE of
    ort_run.js) and the integer kernels among them."""
    ops = collections.Counter(n.op_type for n in onnx.load(optimized).graph.node)
    fused = collections.Counter({op: c for op, c in ops.items()
                                 if op.startswith("QLinear") or
                                 op in INTEGER_KERNELS})
    return ops, fused


def flag(flags, name):
    return flags[flags.index(name) + 1]


def preprocess(path, shape, flags):
    """The NCHW float input quantc's image flags describe, in numpy."""
    _, _, height, width = shape
    image = Image.open(path).convert("RGB")
    if flag(flags, "--image-resize") == "stretch":
        image = image.resize((width, height), Image.BILINEAR)
        pixels = np.asarray(image, np.float32) / 255
    else:  # pad: keep the aspect ratio, fit the height, zeros on the right
        fitted = min(width, max(1, round(height * image.width / image.height)))
        image = image.resize((fitted, height), Image.BILINEAR)
        pixels = np.zeros((height, width, 3), np.float32)
        pixels[:, :fitted] = np.asarray(image, np.float32) / 255
    if "--image-bgr" in flags:
        pixels = pixels[:, :, ::-1]
    mean = np.array([float(v) for v in flag(flags, "--image-mean").split(",")])
    std = np.array([float(v) for v in flag(flags, "--image-std").split(",")])
    chw = ((pixels - mean) / std).transpose(2, 0, 1)
    return np.ascontiguousarray(chw[None], dtype=np.float32)


def main():
    quantc, ort_dir, models, task, max_abs, min_cos = sys.argv[1:7]
    ort_dir = os.path.abspath(ort_dir)
    name, shape_text, flags = ocr_accuracy.TASKS[task]
    model = os.path.join(models, name)
    stem = name[:-len(".onnx")]
    shape = [int(d) for d in shape_text.split("x")]
    with tempfile.TemporaryDirectory() as tmp:
        calib, sample = os.path.join(tmp, "calib"), os.path.join(tmp, "eval")
        ocr_accuracy.render_task(models, task, calib, 7, 16)
        ocr_accuracy.render_task(models, task, sample, 11, 1)
        int8 = ["--calib", calib, "--method", "mse", "--quiet"] + flags
        subprocess.run([quantc, "compile", model, "--input-shape",
                        "x=" + shape_text, "--emit-qdq-onnx", "-o",
                        os.path.join(tmp, "out")] + int8,
                       check=True, stdout=subprocess.DEVNULL)
        exported = os.path.join(tmp, "out", stem + ".qdq.onnx")
        report = json.load(open(os.path.join(tmp, "out", stem + ".report.json")))
        graph = onnx.load(exported)
        if report["qdq_onnx"]["opset"] <= 17:  # Debian's onnx knows 17
            onnx.checker.check_model(graph, full_check=True)
        ops = collections.Counter(n.op_type for n in graph.graph.node)
        print("%s: opset %d, %d nodes, %d QuantizeLinear, %d DequantizeLinear "
              "(report: %d, %d)" % (
                  stem, report["qdq_onnx"]["opset"], len(graph.graph.node),
                  ops["QuantizeLinear"], ops["DequantizeLinear"],
                  report["qdq_onnx"]["quantize_linear"],
                  report["qdq_onnx"]["dequantize_linear"]))

        x = os.path.join(tmp, "x.npy")
        np.save(x, preprocess(os.path.join(sample, "0000.png"), shape, flags))
        subprocess.run([quantc, "run", model, "--input", "x=" + x,
                        "--output-dir", os.path.join(tmp, "quantc")] + int8,
                       check=True, stdout=subprocess.DEVNULL)
        subprocess.run([quantc, "run", model, "--input", "x=" + x,
                        "--output-dir", os.path.join(tmp, "float")],
                       check=True, stdout=subprocess.DEVNULL)
        ort_run = os.path.join(os.path.dirname(__file__), "ort_run.js")
        subprocess.run(["node", ort_run, ort_dir, exported,
                        os.path.join(tmp, "ort"), "0", "--literal", "x=" + x],
                       check=True, stderr=subprocess.DEVNULL)
        optimized = os.path.join(tmp, "ort-optimized.onnx")
        subprocess.run(["node", ort_run, ort_dir, exported,
                        os.path.join(tmp, "ort-fused"), "0",
                        "--optimized=" + optimized, "x=" + x],
                       check=True, stderr=subprocess.DEVNULL)
        _, fused = integer_kernels(optimized)
        print("%s: ONNX Runtime runs %s" % (
            stem, ", ".join("%d %s" % (c, op) for op, c in sorted(fused.items()))
            or "no integer kernels"))

        ok = True
        outputs = sorted(f for f in os.listdir(os.path.join(tmp, "ort"))
                         if f.endswith(".npy"))
        for f in outputs:
            want = np.load(os.path.join(tmp, "ort", f)).astype(np.float64)
            got = np.load(os.path.join(tmp, "quantc", f)).astype(np.float64)
            fused_out = np.load(os.path.join(tmp, "ort-fused", f)).astype(np.float64)
            ref = np.load(os.path.join(tmp, "float", f)).astype(np.float64)
            diff = np.abs(got - want).max()
            cos = ocr_accuracy.cosine(got, want)
            good = diff <= float(max_abs) and cos >= float(min_cos)
            ok &= good
            print("%s %s: quantc int8 against ONNX Runtime on the QDQ export: "
                  "max abs diff %.4f, cosine %.6f (bounds %s, %s) %s; ORT "
                  "fused: cosine %.6f, argmax agreement %.4f; quantc int8 "
                  "against float: cosine %.6f"
                  % (stem, f[:-4], diff, cos, max_abs, min_cos,
                     "ok" if good else "FAIL",
                     ocr_accuracy.cosine(got, fused_out),
                     np.mean(got.argmax(-1) == fused_out.argmax(-1)),
                     ocr_accuracy.cosine(got, ref)))
    return 0 if ok and outputs else 1


if __name__ == "__main__":
    sys.exit(main())
