#!/usr/bin/env python3
"""Trains a small CNN on scikit-learn's handwritten digits with BitNet b1.58
quantization-aware training and exports it as a float ONNX model whose
weights are already ternary, for quantc --bits ternary.

BitNet b1.58 (Ma et al., 2024): in the forward pass every weight matrix W is
replaced by gamma * clip(round(W / gamma), -1, 1) with gamma = mean |W| (one
scale per tensor, "absmean"), and every layer input x by its 8-bit absmax
quantization; gradients pass straight through both roundings. After
training, the exported model holds the ternarized weights {-gamma, 0,
+gamma} as plain float32 tensors (biases stay float), so any runtime
computes the trained function, and quantc packs them losslessly.

Data: the 1797 8x8 digits that Debian's python3-sklearn ships (no
download). Samples 0..1346 train, 1347..1796 (450) are the test split. The
script writes, into OUT_DIR:
  digits_ternary.onnx   the model, input "image" [N, 1, 8, 8] (pixels / 16)
  test_images.npy       uint8 [450, 64] (0..16), test_labels.npy uint8 [450]
  calib_images.npy      uint8 [450, 64], the last 450 training samples
  trained.json          the test accuracy of the exported model (float
                        activations) and of the QAT model

Usage: train_bitnet_digits.py OUT_DIR  (needs python3-torch, python3-sklearn)
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits

TRAIN = 1347


def ternarize(w):
    """gamma * clip(round(w / gamma), -1, 1), gamma = mean |w|."""
    gamma = w.abs().mean().clamp(min=1e-8)
    return (w / gamma).round().clamp(-1, 1) * gamma


def quantize_activation(x):
    """8-bit absmax per sample, as BitNet b1.58 quantizes layer inputs."""
    dims = tuple(range(1, x.dim()))
    scale = 127.0 / x.abs().amax(dim=dims, keepdim=True).clamp(min=1e-5)
    return (x * scale).round().clamp(-128, 127) / scale


def straight_through(x, q):
    return x + (q - x).detach()


class BitConv2d(nn.Conv2d):
    def forward(self, x):
        x = straight_through(x, quantize_activation(x))
        w = straight_through(self.weight, ternarize(self.weight))
        return F.conv2d(x, w, self.bias, self.stride, self.padding)


class BitLinear(nn.Linear):
    def forward(self, x):
        x = straight_through(x, quantize_activation(x))
        w = straight_through(self.weight, ternarize(self.weight))
        return F.linear(x, w, self.bias)


def network(conv, linear):
    return nn.Sequential(
        conv(1, 32, 3, padding=1), nn.ReLU(),
        conv(32, 64, 3, stride=2, padding=1), nn.ReLU(),
        nn.Flatten(), linear(64 * 4 * 4, 10))


def accuracy(model, images, labels):
    with torch.no_grad():
        return float((model(images).argmax(1) == labels).float().mean())


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    digits = load_digits()
    pixels = digits.data.astype(np.uint8)  # 0..16
    labels = digits.target.astype(np.uint8)
    images = torch.tensor(pixels, dtype=torch.float32).reshape(-1, 1, 8, 8) / 16
    targets = torch.tensor(labels, dtype=torch.long)
    train_x, train_y = images[:TRAIN], targets[:TRAIN]
    test_x, test_y = images[TRAIN:], targets[TRAIN:]

    qat = network(BitConv2d, BitLinear)
    optimizer = torch.optim.Adam(qat.parameters(), lr=3e-3)
    epochs = 60
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, epochs)
    for epoch in range(epochs):
        qat.train()
        order = torch.randperm(TRAIN)
        for start in range(0, TRAIN, 64):
            batch = order[start:start + 64]
            loss = F.cross_entropy(qat(train_x[batch]), train_y[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        schedule.step()
    qat.eval()
    qat_accuracy = accuracy(qat, test_x, test_y)

    # The exported model: plain layers holding the ternarized weights.
    exported = network(nn.Conv2d, nn.Linear)
    with torch.no_grad():
        for source, target in zip(qat, exported):
            if isinstance(source, (nn.Conv2d, nn.Linear)):
                target.weight.copy_(ternarize(source.weight))
                target.bias.copy_(source.bias)
    exported.eval()
    float_accuracy = accuracy(exported, test_x, test_y)
    torch.onnx.export(
        exported, test_x[:1], os.path.join(out, "digits_ternary.onnx"),
        input_names=["image"], output_names=["logits"], opset_version=13,
        dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}})

    np.save(os.path.join(out, "test_images.npy"), pixels[TRAIN:])
    np.save(os.path.join(out, "test_labels.npy"), labels[TRAIN:])
    np.save(os.path.join(out, "calib_images.npy"), pixels[TRAIN - 450:TRAIN])
    correct = int(round(float_accuracy * len(test_y)))
    with open(os.path.join(out, "trained.json"), "w") as f:
        json.dump({"test_samples": len(test_y), "test_correct": correct,
                   "test_accuracy": float_accuracy,
                   "qat_test_accuracy": qat_accuracy}, f, indent=2)
        f.write("\n")
    print("QAT model (8-bit activations) test accuracy %.2f%%, exported "
          "model (float activations) %.2f%% (%d / %d)" % (
              100 * qat_accuracy, 100 * float_accuracy, correct, len(test_y)))


if __name__ == "__main__":
    main()
