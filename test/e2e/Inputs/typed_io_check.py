"""Writes the inputs of typed_io_model (int64 ids, uint8 pixels, a bool
mask) with `write DIR`, and checks quantc's outputs against numpy with
`check DIR`: values and dtypes (float32, bool, uint8, int64)."""
import os
import sys

import numpy as np

IDS = np.array([3, 9000000000, -2, 7, 250], np.int64)
PIXELS = np.array([200, 10, 255, 0, 128], np.uint8)
MASK = np.array([True, False, True, False, True])


def main():
    action, folder = sys.argv[1:3]
    if action == "write":
        np.save(os.path.join(folder, "ids.npy"), IDS)
        np.save(os.path.join(folder, "pixels.npy"), PIXELS)
        np.save(os.path.join(folder, "mask.npy"), MASK)
        np.save(os.path.join(folder, "float_ids.npy"), IDS.astype(np.float32))
        return 0
    half = PIXELS.astype(np.float32) * np.float32(0.5)
    mixed = np.where(MASK, IDS.astype(np.float32), half)
    want = {"mixed": mixed, "greater": IDS.astype(np.float32) > half,
            # The cast of -2 to uint8 is undefined in ONNX: not compared.
            "bytes": mixed.astype(np.int64).astype(np.uint8),
            "sum": IDS + IDS}
    ok = True
    for name, expected in want.items():
        got = np.load(os.path.join(folder, name + ".npy"))
        keep = mixed >= 0 if name == "bytes" else slice(None)
        good = got.dtype == expected.dtype and np.array_equal(
            got[keep], expected[keep])
        ok &= good
        print("%s: %s %s %s" % (name, got.dtype, got.tolist(),
                                "ok" if good else "FAIL, expected %s %s"
                                % (expected.dtype, expected.tolist())))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
