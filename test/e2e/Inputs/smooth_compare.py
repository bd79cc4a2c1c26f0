"""Compares smooth.test's float outputs before and after qc-smooth, and
the probes' channel ranges: prints the largest relative output difference
and, per probe, the max / median channel range before and after.
Usage: smooth_compare.py BEFORE.npy AFTER.npy BEFORE.mlir AFTER.mlir"""
import re
import sys

import numpy as np

before, after = np.load(sys.argv[1]), np.load(sys.argv[2])
diff = np.abs(before - after).max() / np.abs(before).max()
print("max relative difference %s" % ("<= 1e-5" if diff <= 1e-5 else
                                     "%.3g" % diff))


def spreads(path):
    """name -> max / median of the per-channel max |x|."""
    result = {}
    for line in open(path):
        m = re.search(r'qc\.observe .*name = "(\w+)".*channel_range = '
                      r'array<f64: ([^>]*)>', line)
        if not m:
            m = re.search(r'qc\.observe .*channel_range = array<f64: ([^>]*)>'
                          r'.*name = "(\w+)"', line)
            if not m:
                continue
            ranges, name = m.group(1), m.group(2)
        else:
            name, ranges = m.group(1), m.group(2)
        r = np.abs(np.array([float(v) for v in ranges.split(",")]))
        peak = np.maximum(r[0::2], r[1::2])
        result[name] = peak.max() / np.median(peak)
    return result


b, a = spreads(sys.argv[3]), spreads(sys.argv[4])
for name in sorted(b):
    print("%s max/median channel range %.1f -> %.1f %s" % (
        name, b[name], a[name], "flatter" if a[name] < b[name] else "not"))
