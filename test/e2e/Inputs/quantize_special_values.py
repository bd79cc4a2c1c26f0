"""Inputs and the expected outputs of quantize_round_trip.mlir.

usage: quantize_special_values.py make DIR | check DIR
make writes DIR/x.npy: every row holds NaN, +-inf, +-1e30, -0, halves of
each row's scale (ties, rounded to even), values just beside them, and a
sweep, 72 columns (vector bodies and a tail). check compares the outputs
with numpy: q = clamp(roundeven(x / s) + z), NaN to qmin (docs/Numerics.md),
then (q - z) * s, bit for bit.
"""
import os
import sys

import numpy as np

ROW_SCALES = [0.05, 0.1, 0.02, 0.5]
ROW_ZEROS = [3, -2, 0, 10]


def inputs():
    x = np.zeros((4, 72), np.float32)
    rng = np.random.default_rng(7)
    for row, s in enumerate(ROW_SCALES):
        special = [np.nan, np.inf, -np.inf, 1e30, -1e30, -0.0, 0.0]
        ties = [np.float32(k + 0.5) * np.float32(s) for k in range(-4, 4)]
        beside = [np.nextafter(t, np.float32(np.inf)) for t in ties]
        sweep = rng.uniform(-20, 20, 72 - len(special) - 2 * len(ties))
        x[row] = np.array(special + ties + beside + list(sweep), np.float32)
    return x


def expected(x, scales, zeros, lo, hi):
    s = np.asarray(scales, np.float32).reshape(-1, 1)
    z = np.asarray(zeros, np.float32).reshape(-1, 1)
    with np.errstate(invalid="ignore", over="ignore"):
        q = np.round(x / s) + z  # np.round: half to even
    q = np.where(np.isnan(q), lo, np.clip(q, lo, hi))
    return ((q - z).astype(np.float32) * s).astype(np.float32)


def main():
    mode, folder = sys.argv[1], sys.argv[2]
    if mode == "make":
        np.save(os.path.join(folder, "x.npy"), inputs())
        return
    x = np.load(os.path.join(folder, "x.npy"))
    cases = [("output0", expected(x, [0.05] * 4, [3] * 4, 0, 255)),
             ("output1", expected(x, ROW_SCALES, ROW_ZEROS, -128, 127))]
    for name, want in cases:
        got = np.load(os.path.join(folder, "out", name + ".npy"))
        differ = int(np.sum(got.view(np.uint32) != want.view(np.uint32)))
        print("%s: %d of %d differ; NaN -> %.2f" % (name, differ, want.size,
                                                  got[0, 0]))


if __name__ == "__main__":
    main()
