//===- SwitchedModel.h - one compilation, any per-layer precision -*- C++
//-*-===//
//
// Part of quantc. A module with a precision switch per layer
// (qc-insert-precision-switches, then qc-quantize) compiled once in the
// JIT; each configuration of choices is then a run over loaded samples,
// with the exact arithmetic of the final object. The precision searches
// (keep-float and mixed precision) measure through it.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_CALIBRATION_SWITCHEDMODEL_H
#define QUANTC_CALIBRATION_SWITCHEDMODEL_H

#include "quantc/Driver/HostArray.h"
#include "quantc/Driver/ImageInput.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <string>
#include <vector>

namespace quantc {

class JitModel;

/// The samples (files) as inputs of the single-input `main` of `module`.
llvm::Expected<std::vector<HostArray>>
loadSearchSamples(mlir::ModuleOp module, llvm::ArrayRef<std::string> files,
                  const ImagePreprocessing &preprocessing);

class SwitchedModel {
public:
  /// Compiles `switched` (consumed; its switches listed in
  /// `qc.precision_switches`) to run on `inputs`.
  static llvm::Expected<std::unique_ptr<SwitchedModel>>
  compile(mlir::ModuleOp switched, std::vector<HostArray> inputs);
  ~SwitchedModel();

  size_t samples() const { return inputs.size(); }
  /// The switched layers, in switch order.
  llvm::ArrayRef<std::string> layers() const { return names; }

  /// The outputs of samples `which` (in that order) with layer i running
  /// choice `choices[i]`.
  llvm::Expected<std::vector<std::vector<HostArray>>>
  run(llvm::ArrayRef<int64_t> choices, llvm::ArrayRef<size_t> which);

  /// Runs so far (one per call of run()).
  size_t runs() const { return runCount; }

  /// The last run's seconds per layer, summed over its samples (zeros
  /// unless the switches were inserted with time-layers), and its total.
  llvm::ArrayRef<double> layerSeconds() const { return seconds; }
  double runSeconds() const { return totalSeconds; }

private:
  SwitchedModel() = default;
  std::unique_ptr<JitModel> model;
  std::vector<HostArray> inputs;
  std::vector<std::string> names;
  size_t runCount = 0;
  std::vector<double> seconds;
  double totalSeconds = 0;
};

} // namespace quantc

#endif // QUANTC_CALIBRATION_SWITCHEDMODEL_H
