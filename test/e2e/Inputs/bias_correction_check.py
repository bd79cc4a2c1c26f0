"""Compares the int8 runs of bias-correction.test with the float run."""
import glob
import sys

import numpy as np

root = sys.argv[1]


def load(name):
    return np.stack([np.load(f) for f in
                     sorted(glob.glob("%s/%s/output0/*.npy" % (root, name)))])


ref = load("float")
assert (load("cache") == load("folder")).all(), "cache and folder differ"
print("cache equals folder")
stats = {}
for name in ("cache", "plain"):
    error = load(name) - ref
    stats[name] = (np.abs(error).mean(), np.abs(error.mean(0)).mean())
(corrected_abs, corrected_shift), (plain_abs, plain_shift) = \
    stats["cache"], stats["plain"]
# docs/Calibration.md's figures (shift 5.7x smaller, abs error 31% lower),
# with a margin; a correction that did nothing would give 1x and 0%.
shift_ratio = plain_shift / corrected_shift
abs_gain = 1 - corrected_abs / plain_abs
print("bias correction: mean abs error %.3g < %.3g (%.0f%% lower), mean shift "
      "%.3g < %.3g (%.1fx smaller)"
      % (corrected_abs, plain_abs, 100 * abs_gain, corrected_shift,
         plain_shift, shift_ratio))
sys.exit(0 if abs_gain >= 0.15 and shift_ratio >= 3 else 1)
