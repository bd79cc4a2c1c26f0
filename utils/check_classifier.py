#!/usr/bin/env python3
"""Runs examples/classifier.mlir through qc-lower-to-llvm and mlir-runner
on a deterministic input and compares the result with an independent
numpy implementation of the same network (weights read from the file's
dense_resource blobs). Exits non-zero if the max abs difference exceeds
the bound.

usage: check_classifier.py QUANT_OPT MLIR_RUNNER RUNNER_LIBS CLASSIFIER.mlir [PASS...]
       check_classifier.py --program BINARY CLASSIFIER.mlir [BOUND]
       check_classifier.py --program BINARY CLASSIFIER.mlir --relative BOUND
  PASS flags (e.g. --qc-fold-batch-norm) run before the lowering; the
  reference is always the original network, so function-preserving
  transforms are checked against it. A --qc-lower-to-* flag among them
  (--qc-lower-to-gpu-emulated) replaces the default --qc-lower-to-llvm.
  The second form checks a C program linked against the compiled object
  (test/e2e/Inputs/classifier_main.c), which prints "data = [[...]]".
  The untrained network's probabilities all sit near 0.1, so an absolute
  bound on them accepts a broken layer; --relative compares the logits the
  probabilities imply (log p, centred) instead, relative to the float
  logits' spread.
"""
import re
import subprocess
import sys
import tempfile

import numpy as np

BOUND = 1e-5


def blobs(text):
    out = {}
    for name, hexdata in re.findall(r'(\w+): "0x04000000([0-9A-F]*)"', text):
        out[name] = np.frombuffer(bytes.fromhex(hexdata), dtype="<f4")
    return out


def conv2d(x, w, b, stride, pad):
    x = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    n, c, h, wd = x.shape
    m, _, kh, kw = w.shape
    oh, ow = (h - kh) // stride + 1, (wd - kw) // stride + 1
    out = np.zeros((n, m, oh, ow), np.float64)
    for i in range(kh):
        for j in range(kw):
            patch = x[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride]
            out += np.einsum("nchw,mc->nmhw", patch, w[:, :, i, j])
    return out + b[None, :, None, None]


def reference(weights, x):
    w = {k: v.astype(np.float64) for k, v in weights.items()}
    x = (x - 0.1307) / 0.3081
    y = conv2d(x, w["conv1_w"].reshape(4, 1, 3, 3), w["conv1_b"], 1, 1)
    c = lambda v: v[None, :, None, None]
    y = (y - c(w["bn_mean"])) / np.sqrt(c(w["bn_var"]) + 1e-5) * c(w["bn_scale"]) + c(w["bn_bias"])
    y = np.maximum(y, 0)
    y = y.reshape(1, 4, 14, 2, 14, 2).max(axis=(3, 5))
    y = np.maximum(conv2d(y, w["conv2_w"].reshape(8, 4, 3, 3), w["conv2_b"], 2, 0), 0)
    y = y.mean(axis=(2, 3))
    logits = y @ w["fc_w"].reshape(10, 8).T + w["fc_b"]
    e = np.exp(logits - logits.max())
    return e / e.sum()


def centred_logits(p):
    logp = np.log(np.maximum(p, 1e-30))
    return logp - logp.mean()


def compare(result, text, x, bound=BOUND, relative=False):
    values = [float(v) for v in re.findall(r"-?\d+\.?\d*(?:e[-+]?\d+)?",
                                           result.split("data =")[1])]
    got = np.array(values)
    want = reference(blobs(text), x.astype(np.float64)).ravel()
    if relative and got.size == want.size:
        a, b = centred_logits(got), centred_logits(want)
        diff = np.abs(a - b).max() / (b.max() - b.min())
        print("classifier: logits max diff / spread %.3g over %d outputs "
              "(bound %g)" % (diff, got.size, bound))
        return 0 if diff <= bound else 1
    diff = np.abs(got - want).max()
    print("classifier: max abs diff %.3g over %d outputs (bound %g)"
          % (diff, got.size, bound))
    return 0 if got.size == want.size and diff <= bound else 1


def main():
    i, j = np.meshgrid(np.arange(28), np.arange(28), indexing="ij")
    x = (0.5 + 0.5 * np.sin(0.3 * i + 0.7 * j)).astype(np.float32)[None, None]
    if sys.argv[1] == "--program":
        program, path = sys.argv[2:4]
        relative = len(sys.argv) > 4 and sys.argv[4] == "--relative"
        rest = sys.argv[5:] if relative else sys.argv[4:]
        bound = float(rest[0]) if rest else BOUND
        result = subprocess.run([program], check=True, capture_output=True,
                                text=True).stdout
        return compare(result, open(path).read(), x, bound, relative)
    quant_opt, runner, libs, path = sys.argv[1:5]
    text = open(path).read()
    literal = "[[[" + ", ".join("[" + ", ".join("%.9e" % v for v in row) + "]"
                                for row in x[0, 0]) + "]]]"
    split = text.index("{-#")
    driver = """
func.func @main() {
  %x = qc.constant dense<""" + literal + """> : tensor<1x1x28x28xf32>
  %y = call @classifier(%x) : (tensor<1x1x28x28xf32>) -> tensor<1x10xf32>
  %u = tensor.cast %y : tensor<1x10xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}
func.func private @printMemrefF32(tensor<*xf32>)
"""
    with tempfile.NamedTemporaryFile("w", suffix=".mlir") as f:
        f.write(text[:split] + driver + text[split:])
        f.flush()
        passes = sys.argv[5:]
        if not any(p.startswith("--qc-lower-to-") for p in passes):
            passes.append("--qc-lower-to-llvm")
        lowered = subprocess.run([quant_opt, f.name] + passes,
                                 check=True, capture_output=True, text=True).stdout
    result = subprocess.run([runner, "-e", "main", "-entry-point-result=void",
                             "-shared-libs=" + libs], input=lowered,
                            check=True, capture_output=True, text=True).stdout
    return compare(result, text, x)


if __name__ == "__main__":
    sys.exit(main())
