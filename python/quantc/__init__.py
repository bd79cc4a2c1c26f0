"""quantc from Python: compile ONNX models (float, or quantized on
calibration samples) and run them on numpy arrays.

    import quantc
    m = quantc.compile("model.onnx", input_shapes={"x": (1, 3, 48, 320)},
                       calib=[{"x": a} for a in samples],  # or a folder, a cache
                       bits=8, method="mse", target="host")
    outs = m.run({"x": x})        # output name -> numpy array
    m.save("out/")                # object, header, report.json
    m.report                      # the report as a dict
    quantc.import_onnx("model.onnx")  # the qc module as MLIR text

Options are the driver's flags (`quantc compile --help`) as keywords,
dashes as underscores: keep_float=["conv_3"], group=32, gptq=True,
threads=2, min_output_cosine=0.99, ... Errors raise quantc.Error with the
driver's messages. Every model owns its compiler context: dropping it (or
model.close()) frees its weights and code.
"""
import json
import os
import re
import sys
import tempfile

import numpy as np

from ._quantc import Error  # noqa: F401  (re-exported)
from . import _quantc

__all__ = ["compile", "import_onnx", "Model", "Error"]


def _flag_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _flags(input_shapes=None, **options):
    """(flag, text) pairs for the C API, in a stable order."""
    flags = []
    for name, shape in (input_shapes or {}).items():
        flags.append(("input-shape",
                      "%s=%s" % (name, "x".join(str(int(d)) for d in shape))))
    for key, value in options.items():
        if value is None:
            continue
        flag = key.replace("_", "-")
        values = value if isinstance(value, (list, tuple)) and \
            flag in ("keep-float", "input-shape", "bind-input") else [value]
        if flag == "candidates" and isinstance(value, (list, tuple)):
            values = [",".join(str(v) for v in value)]
        for v in values:
            flags.append((flag, _flag_value(v)))
    return flags


def _safe_file_name(name):
    """The file name quantc gives an input or output (HostArray.cpp)."""
    return "".join(c if c.isalnum() or c in "._-" else "_" for c in name)


def _terminal_progress(stage, done, total):
    sys.stderr.write("\r%s %d/%d" % (stage, done, total))
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def _write_sample(folder, index, sample):
    """One calibration sample to disk, as `quantc calibrate` reads it: an
    array or a one-input dict as <index>.npy, several inputs as a folder
    of <input>.npy."""
    name = "sample%06d" % index
    if isinstance(sample, dict) and len(sample) > 1:
        path = os.path.join(folder, name)
        os.mkdir(path)
        for input_name, array in sample.items():
            np.save(os.path.join(path, _safe_file_name(input_name) + ".npy"),
                    np.asarray(array))
        return
    if isinstance(sample, dict):
        (sample,) = sample.values()
    np.save(os.path.join(folder, name + ".npy"), np.asarray(sample))


class Model:
    """A compiled model. run() executes on this machine; save() writes the
    object for the target it was compiled for."""

    def __init__(self, handle):
        self._model = handle

    @property
    def input_names(self):
        return list(self._model.input_names)

    @property
    def output_names(self):
        return list(self._model.output_names)

    @property
    def inputs(self):
        """Input name -> (shape, dtype)."""
        return {n: (tuple(s), np.dtype(t)) for n, (s, t) in
                zip(self._model.input_names, self._model.types(True))}

    @property
    def outputs(self):
        """Output name -> (shape, dtype)."""
        return {n: (tuple(s), np.dtype(t)) for n, (s, t) in
                zip(self._model.output_names, self._model.types(False))}

    def run(self, inputs):
        """inputs: input name -> array (a model with one input also takes
        the array itself). Arrays are taken as they are: their dtype must be
        the input's. Returns output name -> array."""
        if not isinstance(inputs, dict):
            if len(self.input_names) != 1:
                raise ValueError("the model takes inputs %s: pass a dict"
                                 % self.input_names)
            inputs = {self.input_names[0]: inputs}
        unknown = set(inputs) - set(self.input_names)
        missing = [n for n in self.input_names if n not in inputs]
        if unknown or missing:
            raise Error("inputs %s: the model takes %s" % (
                sorted(inputs), self.input_names))
        arrays = [np.ascontiguousarray(inputs[n]) for n in self.input_names]
        outputs = self._model.run(arrays)
        return dict(zip(self.output_names, outputs))

    @property
    def report(self):
        """The compile report (what `quantc compile` writes), as a dict."""
        return json.loads(self._model.report())

    def save(self, folder):
        """Writes <model>.o, <model>.h and <model>.report.json to folder."""
        os.makedirs(folder, exist_ok=True)
        self._model.save(str(folder))

    def close(self):
        """Frees the model's weights, code and buffers now."""
        self._model.close()


def compile(model, input_shapes=None, calib=None, bits=None, method=None,
            target="host", progress=False, **options):
    """Imports `model` (.onnx or qc .mlir) and compiles it; with `calib`
    (a folder of samples, a calibration cache .json, or an iterable of
    samples: arrays, or dicts input name -> array) it is quantized to
    `bits` (8, 6, 4, "ternary", "mixed") with ranges from `method`
    ("minmax", "percentile", "entropy", "mse"). An iterable is streamed to
    a temporary folder one sample at a time, never held in memory.
    `progress`: a callable (stage, done, total), True for a line on
    stderr, False for silence."""
    callback = _terminal_progress if progress is True else (progress or None)
    flags = _flags(input_shapes, bits=bits, method=method, target=target,
                   **options)
    if calib is None or isinstance(calib, (str, os.PathLike)):
        if calib is not None:
            flags.append(("calib", os.fspath(calib)))
        return Model(_quantc.Model(os.fspath(model), flags, callback))
    with tempfile.TemporaryDirectory(prefix="quantc-calib-") as folder:
        count = 0
        for count, sample in enumerate(calib, 1):
            _write_sample(folder, count, sample)
        if count == 0:
            raise Error("calib: the iterable gave no samples")
        flags.append(("calib", folder))
        try:
            return Model(_quantc.Model(os.fspath(model), flags, callback))
        except Error as error:
            # Name the caller's sample, not the temporary file.
            message = re.sub(
                re.escape(folder) + r"/sample(\d+)(?:\.npy|/([^:]*)\.npy)?",
                lambda m: "calib[%d]%s" % (int(m.group(1)) - 1, (
                    " (input file '%s')" % m.group(2)) if m.group(2) else ""),
                str(error))
            raise Error(message) from None


def import_onnx(model, input_shapes=None, **options):
    """The qc module of `model` as MLIR text (quant-translate
    --import-onnx)."""
    return _quantc.import_model(os.fspath(model),
                                _flags(input_shapes, **options))
