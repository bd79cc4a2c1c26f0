#!/usr/bin/env python3
"""Runs one ONNX model with `quantc run` and with ONNX Runtime (node,
onnxruntime-node, one thread) on the same deterministic input, and checks
every output: max abs difference and cosine similarity against bounds.

usage: ort_parity.py QUANTC ORT_DIR MODEL INPUT_NAME SHAPE MAX_ABS MIN_COS
                     [ORT_MODEL]
  SHAPE like 1x3x48x320, or 1x128x128x3:nhwc for a channels-last input, or
  1x128x256:normal for seeded standard-normal values of any rank (an
  encoder's token embeddings).
  The input is a deterministic text-like image (see pattern()). With ORT_MODEL, ONNX Runtime runs that file instead of
  MODEL (a model quantc exported from MODEL, a .mlir).
"""
import os
import subprocess
import sys
import tempfile

import numpy as np


def pattern(shape):
    """A text-like NCHW image: dark glyph-like strokes in rows on a light,
    slightly noisy background, normalized with ImageNet mean/std as
    PaddleOCR's detector expects (the recognizer and classifier see a
    similar range)."""
    rng = np.random.default_rng(1234)
    n, c, h, w = shape
    image = 0.92 + 0.04 * rng.standard_normal((h, w))
    line_height = max(8, h // 4)
    for top in range(line_height // 4, h - line_height // 2, line_height):
        x = 4
        while x < w - 6:
            stroke = int(rng.integers(2, 5))
            image[top:top + line_height // 2, x:x + stroke] = 0.1
            if rng.random() < 0.5:
                image[top:top + 2, x:x + 3 * stroke] = 0.1
            x += stroke + int(rng.integers(2, 6))
    image = image.clip(0, 1)
    mean = np.resize([0.485, 0.456, 0.406], c)[:, None, None]
    std = np.resize([0.229, 0.224, 0.225], c)[:, None, None]
    chw = (image[None] - mean) / std
    return np.broadcast_to(chw, shape).astype(np.float32).copy()


def main():
    quantc, ort_dir, model, name, shape_text, max_abs, min_cos = sys.argv[1:8]
    ort_model = sys.argv[8] if len(sys.argv) > 8 else model
    shape_text, _, layout = shape_text.partition(":")
    shape = [int(d) for d in shape_text.split("x")]
    if layout == "normal":
        image = np.random.default_rng(1234).standard_normal(shape).astype(
            np.float32)
    elif layout == "nhwc":
        n, h, w, c = shape
        image = pattern([n, c, h, w]).transpose(0, 2, 3, 1).copy()
    else:
        image = pattern(shape)
    with tempfile.TemporaryDirectory() as tmp:
        x = os.path.join(tmp, "x.npy")
        np.save(x, image)
        subprocess.run([quantc, "run", model, "--input", "%s=%s" % (name, x),
                        "--output-dir", os.path.join(tmp, "quantc")],
                       check=True, stdout=subprocess.DEVNULL)
        subprocess.run(["node", os.path.join(os.path.dirname(__file__), "ort_run.js"),
                        ort_dir, ort_model, os.path.join(tmp, "ort"), "0",
                        "%s=%s" % (name, x)], check=True)
        ok = True
        outputs = sorted(f for f in os.listdir(os.path.join(tmp, "ort"))
                         if f.endswith(".npy"))
        for f in outputs:
            want = np.load(os.path.join(tmp, "ort", f)).astype(np.float64)
            got = np.load(os.path.join(tmp, "quantc", f)).astype(np.float64)
            if got.shape != want.shape:
                print("%s: shape %s, ONNX Runtime %s" % (f, got.shape, want.shape))
                ok = False
                continue
            diff = np.abs(got - want).max()
            cos = float(np.dot(got.ravel(), want.ravel()) /
                        (np.linalg.norm(got) * np.linalg.norm(want) + 1e-30))
            good = diff <= float(max_abs) and cos >= float(min_cos)
            ok &= good
            print("%s %s: max abs diff %.3g, cosine %.9f (bounds %s, %s) %s; "
                  "ONNX Runtime range [%.3g, %.3g]"
                  % (os.path.basename(model), f[:-4], diff, cos, max_abs,
                     min_cos, "ok" if good else "FAIL", want.min(), want.max()))
    return 0 if ok and outputs else 1


if __name__ == "__main__":
    sys.exit(main())
