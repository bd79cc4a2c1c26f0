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
print("bias correction: mean abs error %.3g < %.3g, mean shift %.3g < %.3g"
      % (corrected_abs, plain_abs, corrected_shift, plain_shift))
sys.exit(0 if corrected_abs < plain_abs and corrected_shift < plain_shift
         else 1)
