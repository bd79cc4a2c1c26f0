//===- QuantcModule.cpp - quantc's Python extension over the C API --------===//
//
// Part of quantc. `quantc._quantc`: the C API's handles as Python objects
// (numpy arrays in and out, QuantcError as quantc.Error). It sees only
// include/quantc-c/, so it builds with exceptions while the compiler
// library does not. quantc/__init__.py is the user-facing layer.
//
//===----------------------------------------------------------------------===//

#include "quantc-c/Compiler.h"

#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace py = pybind11;

namespace {
/// quantc.Error, raised with a QuantcError's message. A handle, never
/// released: a py::object here would be decremented by a static destructor
/// after the interpreter is gone.
py::handle errorType;

/// Raises quantc.Error for a failed call (and frees the error).
void check(QuantcError *error) {
  if (!error)
    return;
  std::string message = quantcErrorMessage(error);
  quantcErrorDestroy(error);
  PyErr_SetString(errorType.ptr(), message.c_str());
  throw py::error_already_set();
}

using OptionList = std::vector<std::pair<std::string, std::string>>;

/// Options for `path` with (flag, value) pairs, in order.
std::unique_ptr<QuantcOptions, void (*)(QuantcOptions *)>
makeOptions(const std::string &path, const OptionList &flags) {
  std::unique_ptr<QuantcOptions, void (*)(QuantcOptions *)> options(
      quantcOptionsCreate(path.c_str()), quantcOptionsDestroy);
  for (const auto &[name, value] : flags)
    check(quantcOptionsSet(options.get(), name.c_str(), value.c_str()));
  return options;
}

const char *dtypeName(QuantcElementType type) {
  switch (type) {
  case QUANTC_F32:
    return "float32";
  case QUANTC_F64:
    return "float64";
  case QUANTC_F16:
    return "float16";
  case QUANTC_I8:
    return "int8";
  case QUANTC_U8:
    return "uint8";
  case QUANTC_I16:
    return "int16";
  case QUANTC_U16:
    return "uint16";
  case QUANTC_I32:
    return "int32";
  case QUANTC_U32:
    return "uint32";
  case QUANTC_I64:
    return "int64";
  case QUANTC_U64:
    return "uint64";
  case QUANTC_BOOL:
    return "bool";
  }
  return "float32";
}

/// The C element type of a numpy dtype name; -1 if none.
int elementType(const std::string &name) {
  for (int t = QUANTC_F32; t <= QUANTC_BOOL; ++t)
    if (name == dtypeName(QuantcElementType(t)))
      return t;
  return -1;
}

/// The progress callback's trampoline: the Python callable as user data.
void progressTrampoline(void *userData, const char *stage, size_t done,
                        size_t total) {
  auto *callback = static_cast<py::function *>(userData);
  (*callback)(std::string(stage), done, total);
}

class Model {
public:
  Model(const std::string &path, const OptionList &flags,
        std::optional<py::function> progress)
      : model(nullptr, quantcModelDestroy) {
    auto options = makeOptions(path, flags);
    if (progress) {
      callback = *progress;
      quantcOptionsSetProgress(options.get(), progressTrampoline, &callback);
    }
    QuantcModel *created = nullptr;
    check(quantcModelCreate(options.get(), &created));
    model.reset(created);
  }

  std::vector<std::string> inputNames() const {
    std::vector<std::string> names;
    for (size_t i = 0; i < quantcModelNumInputs(handle()); ++i)
      names.push_back(quantcModelInputName(handle(), i));
    return names;
  }
  std::vector<std::string> outputNames() const {
    std::vector<std::string> names;
    for (size_t i = 0; i < quantcModelNumOutputs(handle()); ++i)
      names.push_back(quantcModelOutputName(handle(), i));
    return names;
  }
  /// (shape, dtype name) per input or output.
  std::vector<std::pair<std::vector<int64_t>, std::string>>
  types(bool inputs) const {
    std::vector<std::pair<std::vector<int64_t>, std::string>> result;
    size_t count = inputs ? quantcModelNumInputs(handle())
                          : quantcModelNumOutputs(handle());
    for (size_t i = 0; i < count; ++i) {
      QuantcTensor t = inputs ? quantcModelInputType(handle(), i)
                              : quantcModelOutputType(handle(), i);
      result.push_back(
          {std::vector<int64_t>(t.shape, t.shape + t.rank), dtypeName(t.type)});
    }
    return result;
  }

  /// Runs on C-contiguous arrays in input order; returns copies.
  std::vector<py::array> run(const std::vector<py::array> &arrays) {
    std::vector<QuantcTensor> inputs;
    std::vector<std::vector<int64_t>> shapes;
    shapes.reserve(arrays.size());
    for (const py::array &array : arrays) {
      if (!(array.flags() & py::array::c_style))
        throw py::value_error("inputs must be C-contiguous arrays");
      int type = elementType(py::str(array.dtype()).cast<std::string>());
      if (type < 0)
        throw py::value_error("unsupported input dtype " +
                              py::str(array.dtype()).cast<std::string>());
      shapes.emplace_back(array.shape(), array.shape() + array.ndim());
      inputs.push_back({QuantcElementType(type), int64_t(array.ndim()),
                        shapes.back().data(),
                        const_cast<void *>(array.data())});
    }
    std::vector<QuantcTensor> outputs(quantcModelNumOutputs(handle()));
    check(quantcModelRun(handle(), inputs.data(), inputs.size(), outputs.data(),
                         outputs.size()));
    std::vector<py::array> result;
    for (const QuantcTensor &output : outputs) {
      py::array copy(
          py::dtype(dtypeName(output.type)),
          std::vector<int64_t>(output.shape, output.shape + output.rank));
      std::memcpy(copy.mutable_data(), output.data, copy.nbytes());
      result.push_back(std::move(copy));
    }
    return result;
  }

  std::string report() const { return quantcModelReport(handle()); }
  void save(const std::string &dir) {
    check(quantcModelSave(handle(), dir.c_str()));
  }
  /// Releases the model's context, weights and code now.
  void close() { model.reset(); }

private:
  /// The handle; an error once closed.
  QuantcModel *handle() const {
    if (!model)
      throw py::value_error("the model is closed");
    return model.get();
  }

  std::unique_ptr<QuantcModel, void (*)(QuantcModel *)> model;
  py::function callback;
};

std::string importModel(const std::string &path, const OptionList &flags) {
  auto options = makeOptions(path, flags);
  char *text = nullptr;
  check(quantcImport(options.get(), &text));
  std::string result(text);
  quantcFree(text);
  return result;
}
} // namespace

PYBIND11_MODULE(_quantc, m) {
  m.doc() = "quantc's C API as a Python extension (use the quantc package)";
  errorType = PyErr_NewException("quantc.Error", PyExc_RuntimeError, nullptr);
  m.attr("Error") = errorType;
  m.def("import_model", &importModel, py::arg("path"), py::arg("options"));
  py::class_<Model>(m, "Model")
      .def(py::init<const std::string &, const OptionList &,
                    std::optional<py::function>>(),
           py::arg("path"), py::arg("options"), py::arg("progress"))
      .def_property_readonly("input_names", &Model::inputNames)
      .def_property_readonly("output_names", &Model::outputNames)
      .def("types", &Model::types, py::arg("inputs"))
      .def("run", &Model::run)
      .def("report", &Model::report)
      .def("save", &Model::save)
      .def("close", &Model::close);
}
