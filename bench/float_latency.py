#!/usr/bin/env python3
"""Float latency of the real models, single thread: quantc (JIT through
`quantc run --benchmark-runs`) against onnxruntime-node in the same run,
on the same input. Prints milliseconds per inference and the ratio.

usage: float_latency.py QUANTC ORT_DIR MODELS_DIR [RUNS]
"""
import os
import re
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "utils"))
from ort_parity import pattern  # noqa: E402

MODELS = [("ch_ppocr_mobile_v2.0_cls_infer.onnx", [1, 3, 48, 192]),
          ("ch_PP-OCRv4_rec_infer.onnx", [1, 3, 48, 320]),
          ("ch_PP-OCRv4_det_infer.onnx", [1, 3, 320, 320])]


def main():
    quantc, ort_dir, models = sys.argv[1:4]
    runs = int(sys.argv[4]) if len(sys.argv) > 4 else 10
    here = os.path.dirname(os.path.abspath(__file__))
    print("%-38s %14s %12s %8s" % ("model (input)", "quantc ms", "ORT ms", "ratio"))
    with tempfile.TemporaryDirectory() as tmp:
        for name, shape in MODELS:
            model = os.path.join(models, name)
            x = os.path.join(tmp, "x.npy")
            np.save(x, pattern(shape))
            out = subprocess.run(
                [quantc, "run", model, "--input", "x=" + x, "--output-dir",
                 os.path.join(tmp, "q"), "--benchmark-runs", str(runs)],
                check=True, capture_output=True, text=True).stdout
            quantc_ms = float(re.search(r"latency ms: (\S+)", out).group(1))
            subprocess.run(["node", os.path.join(here, "..", "utils", "ort_run.js"),
                            ort_dir, model, os.path.join(tmp, "o"), str(runs),
                            "x=" + x], check=True)
            ort_ms = float(open(os.path.join(tmp, "o", "ort_latency_ms.txt")).read())
            label = "%s (%s)" % (name.replace(".onnx", ""), "x".join(map(str, shape)))
            print("%-38s %14.2f %12.2f %7.1fx" % (label, quantc_ms, ort_ms,
                                                 quantc_ms / ort_ms))


if __name__ == "__main__":
    main()
