#!/usr/bin/env python3
"""Quantizes the PP-OCRv4 text recognizer with quantc's Python package:
calibrates int8 on rendered text lines, compares float and int8 character
accuracy on other lines, and plots each int8 layer's weight and input SQNR
to a PNG with matplotlib.

usage: PYTHONPATH=<build>/python quantize_recognizer.py MODELS_DIR OUT_DIR
  MODELS_DIR holds ch_PP-OCRv4_rec_infer.onnx and ppocr_keys_v1.txt
  (scripts/install-models.sh puts them under third_party/npm/...).
"""
import os
import random
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import quantc  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "utils"))
import ocr_accuracy  # noqa: E402  (text rendering, CTC decoding)

HEIGHT, WIDTH = 48, 320


def preprocess(image):
    """PaddleOCR's line input: height 48, aspect kept, zero-padded right,
    (pixel / 255 - 0.5) / 0.5, NCHW."""
    width = min(WIDTH, max(1, round(image.width * HEIGHT / image.height)))
    resized = np.asarray(image.resize((width, HEIGHT)), np.float32) / 255
    x = np.zeros((1, 3, HEIGHT, WIDTH), np.float32)
    x[0, :, :, :width] = ((resized - 0.5) / 0.5).transpose(2, 0, 1)
    return x


def lines(words, seed, count):
    """`count` (text, image) pairs that fit the input width."""
    rng = random.Random(seed)
    while count:
        text = ocr_accuracy.line_text(words, set(), rng)
        image = ocr_accuracy.render_line(text, rng)
        if HEIGHT * image.width / image.height <= WIDTH:
            count -= 1
            yield text, image


def character_accuracy(model, evaluation, keys):
    correct = total = 0
    for text, x in evaluation:
        (probs,) = model.run({"x": x}).values()
        got = ocr_accuracy.ctc_greedy(probs, keys)
        correct += len(text) - min(len(text),
                                   ocr_accuracy.edit_distance(got, text))
        total += len(text)
    return correct / total


def main(models, out):
    os.makedirs(out, exist_ok=True)
    rec = os.path.join(models, "ch_PP-OCRv4_rec_infer.onnx")
    keys = open(os.path.join(models, "ppocr_keys_v1.txt"),
                encoding="utf-8").read().split("\n")
    words = ocr_accuracy.load_words(keys)
    shape = {"x": (1, 3, HEIGHT, WIDTH)}

    float_model = quantc.compile(rec, input_shapes=shape)
    # Calibration streams from a generator: one rendered line at a time.
    int8_model = quantc.compile(
        rec, input_shapes=shape, bits=8, method="mse", progress=True,
        calib=(preprocess(image) for _, image in lines(words, 1, 32)))
    evaluation = [(text, preprocess(image))
                  for text, image in lines(words, 2, 40)]
    float_accuracy = character_accuracy(float_model, evaluation, keys)
    int8_accuracy = character_accuracy(int8_model, evaluation, keys)
    print("float character accuracy: %.4f" % float_accuracy)
    print("int8 character accuracy: %.4f" % int8_accuracy)

    layers = int8_model.report["layers"]
    fig, ax = plt.subplots(figsize=(10, 4))
    ax.plot([layer["weight_sqnr_db"] for layer in layers], ".-",
            label="weights")
    ax.plot([layer["input_sqnr_db"] for layer in layers], ".-",
            label="input activations")
    ax.set_xlabel("int8 layer (program order)")
    ax.set_ylabel("SQNR (dB)")
    ax.set_title("PP-OCRv4 rec int8 (mse): float %.3f, int8 %.3f character "
                 "accuracy" % (float_accuracy, int8_accuracy))
    ax.legend()
    ax.grid(alpha=0.3)
    png = os.path.join(out, "rec_layer_sqnr.png")
    fig.savefig(png, dpi=100, bbox_inches="tight")
    print("%d int8 layers; SQNR plot: %s" % (len(layers), png))
    int8_model.save(os.path.join(out, "rec_int8"))


if __name__ == "__main__":
    main(*sys.argv[1:3])
