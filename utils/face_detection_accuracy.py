#!/usr/bin/env python3
"""Measures what int8 quantization does to a BlazeFace detector (channels
last, scores in [-1, 1]-normalized RGB) on real faces.

Calibration: scikit-image's photographs (none of them the faces measured).
Evaluation: the first N faces of scikit-image's Labeled Faces in the Wild
subset (25 x 25 grey crops, upscaled), each a face filling the frame. For
every face the detector's confidence is the sigmoid of its best anchor's
score, over every score output (the outputs whose last extent is 1).

Prints, for float and int8: the detection rate at confidence 0.5, the mean
confidence, and for int8 the mean absolute confidence change and how often
the best anchor is the same or a neighbour (index within 2). Exits
non-zero if int8 detects fewer than MIN_RATIO of the faces float detects,
or the mean confidence change exceeds MAX_DELTA.

usage: face_detection_accuracy.py QUANTC MODEL INPUT_NAME FACES MIN_RATIO
                                  MAX_DELTA
  QUANTC_METHOD (environment): the quantization flags of the int8 run
  (default "--method mse").
"""
import os
import subprocess
import sys
import tempfile

import numpy as np
from PIL import Image

SKIMAGE_DATA = "/usr/lib/python3/dist-packages/skimage/data"
CALIBRATION = ["astronaut.png", "camera.png", "chelsea.png", "coffee.png",
               "rocket.jpg", "motorcycle_left.png", "brick.png", "grass.png",
               "horse.png", "page.png", "color.png", "coins.png"]
METHOD = os.environ.get("QUANTC_METHOD", "--method mse").split()
PREPROCESS = ["--image-mean", "0.5", "--image-std", "0.5", "--quiet"]


def write_inputs(tmp, faces):
    calib = os.path.join(tmp, "calib")
    evaluation = os.path.join(tmp, "faces")
    os.makedirs(calib)
    os.makedirs(evaluation)
    for name in CALIBRATION:
        # quantc reads PNG: convert the JPEG ones.
        image = Image.open(os.path.join(SKIMAGE_DATA, name)).convert("RGB")
        image.save(os.path.join(calib, os.path.splitext(name)[0] + ".png"))
    crops = np.load(os.path.join(SKIMAGE_DATA, "lfw_subset.npy"))[:faces]
    for i, crop in enumerate(crops):
        grey = Image.fromarray((crop * 255).round().astype(np.uint8))
        grey.convert("RGB").save(os.path.join(evaluation, "face%03d.png" % i))
    return calib, evaluation


def best_anchors(folder):
    """Per sample: (confidence, anchor index) of the best anchor."""
    outputs = sorted(os.listdir(folder))
    samples = sorted(os.listdir(os.path.join(folder, outputs[0])))
    result = []
    for sample in samples:
        scores = [np.load(os.path.join(folder, o, sample)) for o in outputs]
        logits = np.concatenate([s.ravel() for s in scores
                                 if s.shape[-1] == 1])
        best = int(logits.argmax())
        result.append((1 / (1 + np.exp(-logits[best])), best))
    return result


def main():
    quantc, model, name, faces, min_ratio, max_delta = sys.argv[1:7]
    with tempfile.TemporaryDirectory() as tmp:
        calib, evaluation = write_inputs(tmp, int(faces))
        runs = {}
        for kind, extra in [("float", []),
                            ("int8", ["--calib", calib] + METHOD)]:
            out = os.path.join(tmp, kind)
            subprocess.run([quantc, "run", model, "--input",
                            "%s=%s" % (name, evaluation), "--output-dir", out]
                           + PREPROCESS + extra, check=True,
                           stdout=subprocess.DEVNULL)
            runs[kind] = best_anchors(out)
    rates = {}
    for kind, found in runs.items():
        confidence = np.array([c for c, _ in found])
        rates[kind] = float((confidence >= 0.5).mean())
        print("%s: %d faces, detected %.1f%%, mean confidence %.3f"
              % (kind, len(found), 100 * rates[kind], confidence.mean()))
    delta = np.mean([abs(f[0] - q[0])
                     for f, q in zip(runs["float"], runs["int8"])])
    near = np.mean([abs(f[1] - q[1]) <= 2
                    for f, q in zip(runs["float"], runs["int8"])])
    ratio = rates["int8"] / max(rates["float"], 1e-9)
    ok = ratio >= float(min_ratio) and delta <= float(max_delta)
    print("int8 vs float: detection ratio %.3f (bound %s), mean |confidence "
          "change| %.4f (bound %s), same or neighbouring best anchor %.1f%% "
          "%s" % (ratio, min_ratio, delta, max_delta, 100 * near,
                  "ok" if ok else "FAIL"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
