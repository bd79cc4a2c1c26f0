"""Checks quantc's precision search against independent compilations.

Usage: precision_search_check.py QUANTC MODEL WORK

WORK holds calib/ (the calibration samples), search/ (at most 4 search
samples: every one is then a ranking sample) and out/ (a `quantc compile
--min-output-cosine` report). Every cosine the report
claims is recomputed from `quantc run` of the same model compiled with
the corresponding --keep-float list: the switched module the search runs
must compute exactly what the final object computes.
"""
import glob
import json
import os
import subprocess
import sys

import numpy as np


def main():
    quantc, model, work = sys.argv[1:4]
    report = glob.glob(os.path.join(work, "out", "*.report.json"))[0]
    search = json.load(open(report))["precision_search"]
    layers = [entry["layer"] for entry in search["sensitivity"]]
    folder = os.path.join(work, "search")
    samples = sorted(glob.glob(os.path.join(folder, "*.npy")))
    assert search["samples"] == len(samples) == search["ranking_samples"]

    def outputs(name, flags):
        out = os.path.join(work, "run-" + name)
        subprocess.run([quantc, "run", model, "--input", "input0=" + folder,
                        "--output-dir", out, "--quiet"] + flags, check=True,
                       stdout=subprocess.DEVNULL)
        files = sorted(glob.glob(os.path.join(out, "*", "*.npy")))
        return [np.load(f).astype(np.float64).ravel() for f in files]

    reference = outputs("float", [])

    def worst_cosine(keep_float):
        flags = ["--calib", os.path.join(work, "calib")]
        if keep_float:
            flags += ["--keep-float", ",".join(keep_float)]
        got = outputs("keep-" + "-".join(keep_float), flags)
        return min(float(a @ b / np.sqrt((a @ a) * (b @ b)))
                   for a, b in zip(reference, got))

    def same(name, claimed, measured):
        print("%-24s report %.9f  compiled %.9f" % (name, claimed, measured))
        if abs(claimed - measured) > 1e-7:
            sys.exit("FAIL: %s differs" % name)

    same("all int8", search["all_int8_cosine"], worst_cosine([]))
    for entry in search["sensitivity"]:
        others = [layer for layer in layers if layer != entry["layer"]]
        same(entry["layer"] + " alone int8", entry["cosine_alone_int8"],
             worst_cosine(others))
    same("kept " + ",".join(search["keep_float"]), search["achieved_cosine"],
         worst_cosine(search["keep_float"]))
    cosines = [entry["cosine_alone_int8"] for entry in search["sensitivity"]]
    if cosines != sorted(cosines):
        sys.exit("FAIL: sensitivity is not most harmful first")
    if search["keep_float"] != layers[:len(search["keep_float"])]:
        sys.exit("FAIL: the kept layers are not the most harmful ones")
    bound = search["min_output_cosine"]
    if search["all_int8_cosine"] >= bound:
        sys.exit("FAIL: all int8 already meets the bound; nothing searched")
    if search["met"] != (search["achieved_cosine"] >= bound):
        sys.exit("FAIL: 'met' disagrees with the cosines")
    if search["met"] and search["keep_float"]:
        # One layer fewer must miss the bound (the search is minimal along
        # its order).
        fewer = search["keep_float"][:-1]
        if worst_cosine(fewer) >= bound:
            sys.exit("FAIL: %d layers would have met the bound" % len(fewer))
    print("precision search: ok")


if __name__ == "__main__":
    main()
