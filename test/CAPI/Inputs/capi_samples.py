"""Samples for capi.test, and the bit-for-bit comparison of the C API's
outputs with `quantc run`'s.
usage: capi_samples.py make DIR | compare DIR"""
import glob
import os
import sys

import numpy as np

mode, folder = sys.argv[1:3]
if mode == "make":
    rng = np.random.default_rng(5)
    os.makedirs(os.path.join(folder, "calib"), exist_ok=True)
    for i in range(6):
        np.save(os.path.join(folder, "calib", "s%d.npy" % i),
                rng.random((1, 1, 28, 28), dtype=np.float32))
    x = rng.random((1, 1, 28, 28), dtype=np.float32)
    np.save(os.path.join(folder, "x.npy"), x)
    x.tofile(os.path.join(folder, "x.bin"))
else:
    for run in ("float", "int8"):
        (cli,) = glob.glob(os.path.join(folder, "cli-" + run, "*.npy"))
        want = np.load(cli).astype(np.float32)
        got = np.fromfile(os.path.join(folder, "out", run + ".bin"),
                          dtype=np.float32).reshape(want.shape)
        same = np.array_equal(got.view(np.uint32), want.view(np.uint32))
        print("%s: C API and quantc run %s" % (run, "bit-identical" if same
                                                else "DIFFER"))
