#!/usr/bin/env python3
"""Silero VAD compiled by quantc against ONNX Runtime float, streaming.

Speech is Debian's alsa-utils recordings (/usr/share/sounds/alsa, 48 kHz,
decimated to 16 kHz) with quiet gaps and the Noise clip between them. The
Front_* clips stream through ONNX Runtime to make calibration samples (the
chunk and the recurrent state it met, a folder per chunk); the Rear_* and
Side_* clips are the evaluation stream. Both runtimes stream the
evaluation audio chunk by chunk, feeding the state back (quantc through an
object file and utils/vad_stream.c), and the speech probabilities are
compared: max and mean |difference| and how often the speech decision
(probability > 0.5) agrees.

usage: vad_accuracy.py QUANTC ORT_DIR CC RUNTIME_LIB MODEL v4|v5
                       MAX_ABS_DIFF MIN_AGREEMENT [COMPILE_FLAG...]
  COMPILE_FLAGs go to `quantc compile`; {calib} stands for the folder of
  calibration samples.
"""
import glob
import os
import subprocess
import sys
import tempfile
import wave

import numpy as np

SOUNDS = "/usr/share/sounds/alsa"


def clip(name):
    """A 48 kHz 16-bit recording as 16 kHz float samples in [-1, 1]."""
    with wave.open(os.path.join(SOUNDS, name)) as w:
        assert w.getframerate() == 48000 and w.getsampwidth() == 2
        data = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
        data = data.reshape(-1, w.getnchannels()).mean(axis=1)
    samples = data / 32768.0
    # A 3-tap box filter against aliasing, then every third sample.
    smoothed = np.convolve(samples, np.ones(3) / 3, mode="same")
    return smoothed[::3].astype(np.float32)


def stream(names, seed):
    """The clips with 0.4 s gaps of faint noise and the Noise clip."""
    rng = np.random.default_rng(seed)
    gap = lambda: (0.002 * rng.standard_normal(6400)).astype(np.float32)
    parts = [gap()]
    for name in names:
        parts += [clip(name), gap(), 0.3 * clip("Noise.wav"), gap()]
    return np.concatenate(parts).astype(np.float32)


def probabilities(text):
    return np.array([float(line) for line in text.split()])


def main():
    (quantc, ort_dir, cc, runtime, model, version, max_abs,
     min_agreement) = sys.argv[1:9]
    flags = sys.argv[9:]
    chunk = 1536 if version == "v4" else 512
    states = (["h=2x1x64", "c=2x1x64"] if version == "v4"
              else ["state=2x1x128"])
    here = os.path.dirname(os.path.abspath(__file__))
    with tempfile.TemporaryDirectory() as tmp:
        evaluation = os.path.join(tmp, "eval.f32")
        calibration = os.path.join(tmp, "calib.f32")
        stream([os.path.basename(p) for p in
                sorted(glob.glob(SOUNDS + "/Rear_*.wav")) +
                sorted(glob.glob(SOUNDS + "/Side_*.wav"))], 1).tofile(evaluation)
        stream([os.path.basename(p) for p in
                sorted(glob.glob(SOUNDS + "/Front_*.wav"))], 2).tofile(calibration)
        samples = os.path.join(tmp, "calib")
        node = ["node", os.path.join(here, "vad_stream.js"), ort_dir, model,
                version]
        subprocess.run(node + [calibration, str(chunk), samples], check=True,
                       stdout=subprocess.DEVNULL)
        want = probabilities(subprocess.run(
            node + [evaluation, str(chunk)], check=True, capture_output=True,
            text=True).stdout)

        out = os.path.join(tmp, "obj")
        args = [quantc, "compile", model, "--bind-input", "sr=16000",
                "--input-shape", "input=1x%d" % chunk, "-o", out, "--quiet"]
        for state in states:
            args += ["--input-shape", state]
        args += [f.replace("{calib}", samples) for f in flags]
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
        stem = os.path.splitext(os.path.basename(model))[0]
        app = os.path.join(tmp, "vad")
        defines = ["-DCHUNK=%d" % chunk] + (["-DSILERO_V4"]
                                            if version == "v4" else [])
        subprocess.run([cc, "-O2", "-include",
                        os.path.join(out, stem + ".h")] + defines +
                       [os.path.join(here, "vad_stream.c"),
                        os.path.join(out, stem + ".o"), runtime, "-lm", "-o",
                        app], check=True)
        got = probabilities(subprocess.run(
            [app, evaluation], check=True, capture_output=True,
            text=True).stdout)

    if got.shape != want.shape:
        print("%d chunks, ONNX Runtime %d FAIL" % (got.size, want.size))
        return 1
    diff = np.abs(got - want)
    agreement = float(np.mean((got > 0.5) == (want > 0.5)))
    ok = diff.max() <= float(max_abs) and agreement >= float(min_agreement)
    print("%s %s: %d chunks, speech in %.1f%% (ONNX Runtime float), "
          "max |dp| %.4f, mean |dp| %.4f, decisions agree %.1f%% "
          "(bounds %s, %s) %s"
          % (os.path.basename(model), " ".join(flags) or "float", got.size,
             100.0 * np.mean(want > 0.5), diff.max(), diff.mean(),
             100.0 * agreement, max_abs, min_agreement,
             "ok" if ok else "FAIL"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
