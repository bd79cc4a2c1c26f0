#!/usr/bin/env python3
"""Checks a calibration cache of examples/classifier.mlir against the same
statistics computed with numpy from the network's intermediate tensors
(utils/check_classifier.py's reference implementation): min/max of every
probed tensor over all samples (bound 1e-5), element counts, that every
|x| histogram holds every element, and, for the tensors a conv or the
gemm reads (normalized, pool1: NCHW channels; flat: K), the per-channel mean
and the E[x x^T] file against numpy (relative bound 1e-5).

usage: check_calibration.py CLASSIFIER.mlir CALIB_DIR CACHE.json
"""
import glob
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from check_classifier import blobs, conv2d  # noqa: E402

BOUND = 1e-5


def intermediates(w, x):
    w = {k: v.astype(np.float64) for k, v in w.items()}
    out = {}
    normalized = (x - 0.1307) / 0.3081
    out["normalized"] = normalized
    c1 = conv2d(normalized, w["conv1_w"].reshape(4, 1, 3, 3), w["conv1_b"], 1, 1)
    c = lambda v: v[None, :, None, None]
    y = (c1 - c(w["bn_mean"])) / np.sqrt(c(w["bn_var"]) + 1e-5) * c(w["bn_scale"]) + c(w["bn_bias"])
    out["bn1"] = y
    y = np.maximum(y, 0).reshape(1, 4, 14, 2, 14, 2).max(axis=(3, 5))
    out["pool1"] = y
    c2 = conv2d(y, w["conv2_w"].reshape(8, 4, 3, 3), w["conv2_b"], 2, 0)
    out["conv2"] = c2
    flat = np.maximum(c2, 0).mean(axis=(2, 3))
    out["flat"] = flat
    out["logits"] = flat @ w["fc_w"].reshape(10, 8).T + w["fc_b"]
    return out


def main():
    model, folder, cache_path = sys.argv[1:4]
    weights = blobs(open(model).read())
    cache = json.load(open(cache_path))
    expected = {}
    rows = {"normalized": [], "pool1": [], "flat": []}
    files = sorted(glob.glob(os.path.join(folder, "*.npy")))
    for f in files:
        for name, value in intermediates(weights, np.load(f).astype(np.float64)).items():
            lo, hi, n = expected.get(name, (np.inf, -np.inf, 0))
            expected[name] = (min(lo, value.min()), max(hi, value.max()), n + value.size)
            if name in rows:  # channels last, one row per other index
                axis = 1 if value.ndim == 4 else value.ndim - 1
                rows[name].append(np.moveaxis(value, axis, -1).reshape(-1, value.shape[axis]))
    ok = cache["samples"] == len(files)
    worst = 0.0
    for name, (lo, hi, n) in expected.items():
        got = cache["tensors"][name]
        worst = max(worst, abs(got["min"] - lo), abs(got["max"] - hi))
        bins = got["abs_histogram"]["bins"]
        ok &= got["count"] == n and sum(bins) == n and len(bins) == 2048
        ok &= max(abs(lo), abs(hi)) < got["abs_histogram"]["range"]
        # Every method's int8 range holds zero and stays inside min-max.
        for method in ("minmax", "percentile", "entropy", "mse"):
            rlo, rhi = got["ranges_int8"][method]
            ok &= min(lo, 0) - BOUND <= rlo <= 0 <= rhi <= max(hi, 0) + BOUND
    ok &= worst <= BOUND and set(cache["tensors"]) == set(expected)
    for name, parts in rows.items():
        x = np.concatenate(parts)
        moments = cache["tensors"][name]["channel_moments"]
        mean_error = np.abs(np.array(moments["mean"]) - x.mean(0)).max()
        gram = np.load(os.path.join(os.path.dirname(cache_path),
                                    moments["second_moment_file"]))
        want = x.T @ x / len(x)
        gram_error = np.abs(gram - want).max() / np.abs(want).max()
        ok &= moments["rows"] == len(x) and mean_error <= BOUND and \
            gram_error <= BOUND
        worst = max(worst, mean_error, gram_error)
    print("calibration: %d tensors over %d samples, max error %.3g "
          "(bound %g) %s" % (len(expected), len(files), worst, BOUND,
                             "ok" if ok else "FAIL"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
