#!/usr/bin/env python3
"""Relative logit error of classifier outputs, and a broken copy of the
example classifier, for tests whose bounds must fail on a broken layer.

  classifier_logits.py compare BOUND FLOAT.npy NAME=OTHER.npy...
      For each OTHER: the logits its probabilities imply (log p, centred),
      max abs difference to FLOAT's divided by FLOAT's logit spread, and
      whether the top class agrees. Exits 1 unless every one is within
      BOUND and agrees. (The untrained example's probabilities all sit near
      0.1: an absolute bound on them accepts a zeroed layer.)
  classifier_logits.py break LAYER_BLOB IN.mlir OUT.mlir
      Writes IN with the dense_resource blob LAYER_BLOB zeroed.
"""
import re
import sys

import numpy as np


def centred_logits(p):
    logp = np.log(np.maximum(np.asarray(p, np.float64).ravel(), 1e-30))
    return logp - logp.mean()


def compare(bound, reference, others):
    want = np.load(reference)
    b = centred_logits(want)
    ok = True
    for spec in others:
        name, path = spec.split("=", 1)
        got = np.load(path)
        diff = np.abs(centred_logits(got) - b).max() / (b.max() - b.min())
        same = got.argmax() == want.argmax()
        print("%s: logits max diff / spread %.4f (bound %g), top class %s"
              % (name, diff, bound, "same" if same else "differs"))
        ok = ok and diff <= bound and same
    return 0 if ok else 1


def break_layer(blob, source, dest):
    text = open(source).read()
    match = re.search(blob + r': "0x04000000([0-9A-F]*)"', text)
    if not match:
        sys.exit("no blob " + blob)
    open(dest, "w").write(text.replace(match.group(1),
                                       "0" * len(match.group(1))))
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "compare":
        sys.exit(compare(float(sys.argv[2]), sys.argv[3], sys.argv[4:]))
    sys.exit(break_layer(*sys.argv[2:5]))
