"""Compiling and dropping the PP-OCRv4 recognizer 50 times in one process
keeps peak resident memory within 1.5x of one compile: each model owns its
MLIRContext (the weight blobs live there), module, JIT code and buffers.
Needs QUANTC_OCR_MODELS (the folder holding ch_PP-OCRv4_rec_infer.onnx)."""
import os
import resource

import numpy as np
import pytest

import quantc

MODELS = os.environ.get("QUANTC_OCR_MODELS", "")
REC = os.path.join(MODELS, "ch_PP-OCRv4_rec_infer.onnx")


def peak_kb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


@pytest.mark.skipif(not os.path.isfile(REC), reason="no OCR models")
def test_fifty_recognizers_stay_within_one_and_a_half_of_one():
    x = np.random.default_rng(0).random((1, 3, 48, 320), dtype=np.float32)
    model = quantc.compile(REC, input_shapes={"x": (1, 3, 48, 320)})
    want = model.run({"x": x})
    del model
    one = peak_kb()
    for _ in range(49):
        model = quantc.compile(REC, input_shapes={"x": (1, 3, 48, 320)})
        out = model.run({"x": x})
        del model
    fifty = peak_kb()
    print("peak RSS after 1 compile %.1f MB, after 50 %.1f MB (%.2fx)"
          % (one / 1024, fifty / 1024, fifty / one))
    for name in want:
        assert np.array_equal(out[name], want[name])
    assert fifty <= 1.5 * one
