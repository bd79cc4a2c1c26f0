//===- Calibrator.h - stream a calibration set through a model --*- C++ -*-===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_CALIBRATION_CALIBRATOR_H
#define QUANTC_CALIBRATION_CALIBRATOR_H

#include "quantc/Calibration/Statistics.h"
#include "quantc/Driver/ImageInput.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace quantc {

struct CalibrationOptions {
  /// Draw a progress bar on standard error (when it is a terminal).
  bool showProgress = true;
  /// How image samples become the model's input.
  ImagePreprocessing preprocessing;
};

/// Statistics per observed tensor name, in probe order.
struct CalibrationResult {
  std::vector<std::string> names;
  llvm::StringMap<TensorStatistics> statistics;
  size_t samples = 0;
  llvm::json::Object toJSON() const;
};

/// Probes `module`'s @main (single float32 input) on the activations its
/// quantizable ops read and write, JIT-compiles it, and streams every
/// sample file (see listSampleFiles) through it. Each sample must have
/// @main's input shape (images are preprocessed to it) and only finite
/// values; errors name the file. `module` is consumed.
llvm::Expected<CalibrationResult>
calibrate(mlir::ModuleOp module, llvm::ArrayRef<std::string> samples,
          const CalibrationOptions &options);

} // namespace quantc

#endif // QUANTC_CALIBRATION_CALIBRATOR_H
