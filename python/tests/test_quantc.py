"""The Python package against the driver: compile, run and save; calibration
from a list, a folder and a cache; every error class; progress; results
equal `quantc run`'s bit for bit. Needs QUANTC_DRIVER (the quantc binary)
and PYTHONPATH=<build>/python; the lit test python.test sets both."""
import os
import subprocess

import numpy as np
import pytest

import quantc

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
CLASSIFIER = os.path.join(ROOT, "test", "e2e", "Inputs", "classifier_main.mlir")
TWO_INPUTS = os.path.join(ROOT, "test", "e2e", "Inputs", "two_inputs.mlir")
DRIVER = os.environ.get("QUANTC_DRIVER", "quantc")


def samples(count, seed=1, shape=(1, 1, 28, 28)):
    rng = np.random.default_rng(seed)
    return [rng.random(shape, dtype=np.float32) for _ in range(count)]


@pytest.fixture
def calib_folder(tmp_path):
    folder = tmp_path / "calib"
    folder.mkdir()
    for i, array in enumerate(samples(6)):
        np.save(folder / ("sample%06d.npy" % (i + 1)), array)
    return folder


def driver_run(tmp_path, x, *flags, model=CLASSIFIER, name="input0"):
    """`quantc run` on x; its output0 array."""
    np.save(tmp_path / "x.npy", x)
    out = tmp_path / ("cli-%d" % len(os.listdir(tmp_path)))
    subprocess.run([DRIVER, "run", model, "--input",
                    "%s=%s" % (name, tmp_path / "x.npy"), "--output-dir", out,
                    "--quiet", *flags], check=True, stdout=subprocess.DEVNULL)
    return np.load(out / "output0.npy")


def same_bits(a, b):
    return a.dtype == b.dtype and a.shape == b.shape and \
        np.array_equal(a.view(np.uint8), b.view(np.uint8))


def test_float_compile_run_save_and_parity(tmp_path):
    model = quantc.compile(CLASSIFIER)
    assert model.inputs == {"input0": ((1, 1, 28, 28), np.dtype("float32"))}
    assert model.outputs == {"output0": ((1, 10), np.dtype("float32"))}
    x = samples(1, seed=9)[0]
    out = model.run({"input0": x})
    assert set(out) == {"output0"}
    assert same_bits(out["output0"], driver_run(tmp_path, x))
    assert same_bits(model.run(x)["output0"], out["output0"])  # one input
    model.save(tmp_path / "saved")
    assert sorted(os.listdir(tmp_path / "saved")) == [
        "classifier_main.h", "classifier_main.o",
        "classifier_main.report.json"]
    assert model.report["target"].startswith("x86_64")
    assert "layers" not in model.report  # float: nothing quantized


def test_int8_from_list_folder_and_cache_match_the_driver(tmp_path,
                                                          calib_folder):
    x = samples(1, seed=9)[0]
    want = driver_run(tmp_path, x, "--calib", str(calib_folder), "--bits",
                      "8", "--method", "mse")
    from_list = quantc.compile(CLASSIFIER, calib=samples(6), bits=8,
                               method="mse")
    assert same_bits(from_list.run(x)["output0"], want)
    from_folder = quantc.compile(CLASSIFIER, calib=calib_folder, bits=8,
                                 method="mse")
    assert same_bits(from_folder.run(x)["output0"], want)
    # A generator streams: samples exist one at a time.
    from_generator = quantc.compile(CLASSIFIER, calib=(a for a in samples(6)),
                                    bits=8, method="mse")
    assert same_bits(from_generator.run(x)["output0"], want)
    cache = tmp_path / "cache.json"
    subprocess.run([DRIVER, "calibrate", CLASSIFIER, "--calib",
                    str(calib_folder), "-o", cache, "--quiet"], check=True,
                   stdout=subprocess.DEVNULL)
    from_cache = quantc.compile(CLASSIFIER, calib=cache, bits=8, method="mse")
    assert same_bits(from_cache.run(x)["output0"], want)
    layers = from_cache.report["layers"]
    assert layers and all(layer["op"].startswith("qc.q") for layer in layers)
    assert not same_bits(want, driver_run(tmp_path, x))  # int8 is not float


def test_options_reach_the_compiler(calib_folder):
    model = quantc.compile(CLASSIFIER, calib=calib_folder, bits=4, group=32,
                           keep_float=[], threads=1)
    assert model.report["weights"] == "int4"
    assert {layer["weight_bits"] for layer in model.report["layers"]} == {4}
    first = model.report["layers"][0]["name"]
    kept = quantc.compile(CLASSIFIER, calib=calib_folder, keep_float=[first])
    assert first not in [layer["name"] for layer in kept.report["layers"]]


def test_gemm_blocking_reaches_the_kernels(calib_folder, tmp_path):
    default = quantc.compile(CLASSIFIER, calib=calib_folder)
    if "gemm_blocking" not in default.report:
        pytest.skip("this host's target has no AVX-512 VNNI GEMM kernels")
    blocked = quantc.compile(CLASSIFIER, calib=calib_folder,
                             gemm_blocking="group=256,columns=32")
    assert blocked.report["gemm_blocking"] == {
        "panel_group_kib": 256, "block_columns": 32,
        "source": "--gemm-blocking group=256,columns=32"}
    x = samples(1, seed=4)[0]
    assert same_bits(blocked.run(x)["output0"], default.run(x)["output0"])


def test_mixed_precision_under_a_budget(calib_folder):
    model = quantc.compile(CLASSIFIER, calib=calib_folder, bits="mixed",
                           weight_bits_budget=6, candidates=[8, 4])
    chosen = model.report["mixed_precision"]
    assert chosen["weight_bits_budget"] == 6
    assert chosen["average_weight_bits"] <= 6
    assert chosen["samples"] == 6
    # Each layer is reported at the grid the search chose for it.
    grid = {"int8": 8, "int4": 4}
    assert {layer["name"]: layer["weight_bits"]
            for layer in model.report["layers"]} == {
        layer["name"]: grid[layer["chosen"]] for layer in chosen["layers"]}


def test_multi_input_samples_are_dicts():
    rng = np.random.default_rng(3)
    calib = [{"a": rng.standard_normal((2, 3), dtype=np.float32),
              "b": rng.standard_normal((2, 3), dtype=np.float32)}
             for _ in range(4)]
    model = quantc.compile(TWO_INPUTS, calib=calib, bits=8)
    out = model.run(calib[0])
    assert out["output0"].shape == (2, 2)
    with pytest.raises(quantc.Error, match="the model takes"):
        model.run({"a": calib[0]["a"]})


def test_progress_goes_to_the_callback_and_is_silent_by_default(capfd):
    seen = []
    quantc.compile(CLASSIFIER, calib=samples(3), bits=8,
                   progress=lambda stage, done, total: seen.append(
                       (stage, done, total)))
    assert seen and seen[-1][1] == seen[-1][2] == 3
    quantc.compile(CLASSIFIER, calib=samples(3), bits=8)
    captured = capfd.readouterr()
    assert captured.out == "" and captured.err == ""


@pytest.mark.parametrize("kwargs, message", [
    (dict(target="z80"), "unknown target 'z80'"),
    (dict(calib="SAMPLES", bits=7), "unknown --bits '7'"),
    (dict(calib="SAMPLES", method="median"), "median"),
    (dict(bitz=8), "unknown option 'bitz'"),
    (dict(group="x"), "option 'group': 'x' is not an integer"),
    # On AVX-512 hosts the blocking is malformed; elsewhere no kernel
    # takes one.
    (dict(gemm_blocking="columns=48"),
     "GEMM blocking 'columns=48'|--gemm-blocking sets"),
    (dict(input_shapes={"nope": (1, 2)}),
     "--input-shape names 'nope', which is not an input of the model"),
    (dict(input_shapes={"input0": (1, 2)}),
     r"--input-shape input0=\[1, 2\]: the model's input is \[1, 1, 28, 28\]"),
])
def test_option_errors_carry_the_driver_messages(kwargs, message,
                                                 calib_folder):
    if kwargs.get("calib") == "SAMPLES":
        kwargs["calib"] = calib_folder
    with pytest.raises(quantc.Error, match=message):
        quantc.compile(CLASSIFIER, **kwargs)


def test_input_errors():
    with pytest.raises(quantc.Error, match="cannot read '/nonexistent.onnx'"):
        quantc.compile("/nonexistent.onnx")
    nan = samples(1)[0].copy()
    nan[0, 0, 3, 3] = np.nan
    with pytest.raises(quantc.Error, match="non-finite value"):
        quantc.compile(CLASSIFIER, calib=[nan], bits=8)
    with pytest.raises(quantc.Error, match=r"^calib\[1\]: has shape 1x1x28x27, "
                                           "but the model's input is "
                                           "1x1x28x28$"):
        quantc.compile(CLASSIFIER, calib=[samples(1)[0], np.zeros(
            (1, 1, 28, 27), np.float32)], bits=8)
    with pytest.raises(quantc.Error, match="gave no samples"):
        quantc.compile(CLASSIFIER, calib=[], bits=8)
    model = quantc.compile(CLASSIFIER)
    with pytest.raises(quantc.Error,
                       match=r"expected shape \[1, 1, 28, 28\], got \[1, 28, 28\]"):
        model.run(np.zeros((1, 28, 28), np.float32))
    with pytest.raises(quantc.Error, match="expected float32 elements, got "
                                           "float64"):
        model.run(np.zeros((1, 1, 28, 28)))
    model.close()
    with pytest.raises(ValueError, match="closed"):
        model.run(np.zeros((1, 1, 28, 28), np.float32))


def test_import_onnx_gives_the_qc_module():
    text = quantc.import_onnx(CLASSIFIER)
    assert "func.func @main" in text and "qc.conv2d" in text
