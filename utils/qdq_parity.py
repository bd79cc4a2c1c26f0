#!/usr/bin/env python3
"""Checks `quantc compile --emit-qdq-onnx` on a PP-OCR model: quantc's
int8 (`quantc run`, MSE ranges on 16 rendered samples) and ONNX Runtime on
the exported QDQ file, on one more rendered sample, must agree within
rounding: max abs difference and cosine similarity against bounds, and a
cosine closer to each other than quantc's int8 is to the float model. Also
prints how many of the exported layers ORT fused into integer kernels
(QLinearConv, QGemm, ...), and checks the file with onnx.checker.

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

FUSED = ("QLinearConv", "QLinearMatMul", "QGemm", "MatMulIntegerToFloat",
         "ConvInteger", "MatMulInteger", "QLinearAdd", "QLinearMul")


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


def render(task, folder, seed, count):
    keys = open(os.path.join(MODELS, "ppocr_keys_v1.txt"),
                encoding="utf-8").read().split("\n")
    words = ocr_accuracy.load_words(keys)
    if task == "det":
        ocr_accuracy.render_pages(folder, words, set(), seed, count)
    else:
        width = int(ocr_accuracy.TASKS[task][1].split("x")[3])
        ocr_accuracy.render_lines(folder, words, set(), seed, count, width,
                                  task == "cls")


def main():
    global MODELS
    quantc, ort_dir, MODELS, task, max_abs, min_cos = sys.argv[1:7]
    ort_dir = os.path.abspath(ort_dir)
    name, shape_text, flags = ocr_accuracy.TASKS[task]
    model = os.path.join(MODELS, name)
    stem = name[:-len(".onnx")]
    shape = [int(d) for d in shape_text.split("x")]
    with tempfile.TemporaryDirectory() as tmp:
        calib, sample = os.path.join(tmp, "calib"), os.path.join(tmp, "eval")
        render(task, calib, 7, 16)
        render(task, sample, 11, 1)
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
        optimized = os.path.join(tmp, "ort-optimized.onnx")
        subprocess.run(["node", os.path.join(os.path.dirname(__file__),
                                             "ort_run.js"),
                        ort_dir, exported, os.path.join(tmp, "ort"), "0",
                        "--optimized=" + optimized, "x=" + x],
                       check=True, stderr=subprocess.DEVNULL)
        fused = collections.Counter(n.op_type
                                    for n in onnx.load(optimized).graph.node
                                    if n.op_type in FUSED)
        print("%s: ONNX Runtime runs %s" % (
            stem, ", ".join("%d %s" % (c, op) for op, c in sorted(fused.items()))
            or "no integer kernels"))

        ok = True
        outputs = sorted(f for f in os.listdir(os.path.join(tmp, "ort"))
                         if f.endswith(".npy"))
        for f in outputs:
            want = np.load(os.path.join(tmp, "ort", f)).astype(np.float64)
            got = np.load(os.path.join(tmp, "quantc", f)).astype(np.float64)
            diff = np.abs(got - want).max()
            cos = ocr_accuracy.cosine(got, want)
            ref = np.load(os.path.join(tmp, "float", f)).astype(np.float64)
            float_cos = ocr_accuracy.cosine(got, ref)
            # The two int8 executions differ in where they round (ORT's
            # integer kernels requantize in their own way), and a deep model
            # amplifies that; they must still agree at least as well with
            # each other as quantc's int8 does with the float model.
            good = (diff <= float(max_abs) and cos >= float(min_cos) and
                    cos + 1e-6 >= float_cos)
            ok &= good
            print("%s %s: quantc int8 against ONNX Runtime on the QDQ export: "
                  "max abs diff %.4f, cosine %.6f (bounds %s, %s; quantc int8 "
                  "against float: cosine %.6f); argmax agreement %.4f %s"
                  % (stem, f[:-4], diff, cos, max_abs, min_cos, float_cos,
                     np.mean(got.argmax(-1) == want.argmax(-1)),
                     "ok" if good else "FAIL"))
    return 0 if ok and outputs else 1


if __name__ == "__main__":
    sys.exit(main())
