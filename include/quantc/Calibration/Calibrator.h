//===- Calibrator.h - stream a calibration set through a model --*- C++ -*-===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_CALIBRATION_CALIBRATOR_H
#define QUANTC_CALIBRATION_CALIBRATOR_H

#include "quantc/Calibration/RangeSelection.h"
#include "quantc/Calibration/Statistics.h"
#include "quantc/Driver/ImageInput.h"
#include "quantc/Driver/Progress.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace quantc {

struct CalibrationOptions {
  /// Told after each sample; empty: silent.
  ProgressCallback progress;
  /// How image samples become the model's input.
  ImagePreprocessing preprocessing;
};

/// Statistics per observed tensor name, in probe order.
struct CalibrationResult {
  std::vector<std::string> names;
  llvm::StringMap<TensorStatistics> statistics;
  /// For tensors a conv or matmul reads: moments along its channel axis.
  llvm::StringMap<ChannelMoments> moments;
  size_t samples = 0;
  llvm::json::Object toJSON() const;
};

/// Inserts qc.observe probes into `module` (by the same deterministic
/// names calibrate uses) and sets each probe's range from `result` with
/// `method` at `bits`. Values made by ops with a fixed output interval
/// (softmax, sigmoid, hard-sigmoid) keep their min-max range: their rare
/// large values (an attention peak) carry the information clipping would
/// cut. Probes read by a conv or matmul also get their per-channel mean
/// (for bias correction), and with `secondMoments` their E[x x^T] where
/// `result` has it (for GPTQ). Returns how many probes got a range; an
/// error if none did (the statistics are from another model).
llvm::Expected<size_t>
applyCalibration(mlir::ModuleOp module, const CalibrationResult &result,
                 RangeMethod method, unsigned bits, bool secondMoments = false,
                 std::vector<std::string> *warnings = nullptr);

/// How far (dB) a clipping method's estimated SQNR may fall below min-max's
/// on the same tensor before applyCalibration warns: the method then cut
/// off values that carry more signal than the finer grid gains.
inline constexpr double kSQNRWarningDb = 12.0;

/// Reads a calibration cache written by `quantc calibrate` (toJSON).
/// Errors name the file and, for a bad entry, the tensor.
llvm::Expected<CalibrationResult> loadCalibrationCache(llvm::StringRef path);

/// Probes `module`'s @main (single float32 input) on the activations its
/// quantizable ops read and write, JIT-compiles it, and streams every
/// sample file (see listSampleFiles) through it. Each sample must have
/// @main's input shape (images are preprocessed to it) and only finite
/// values; errors name the file. `module` is consumed.
llvm::Expected<CalibrationResult> calibrate(mlir::ModuleOp module,
                                            llvm::ArrayRef<std::string> samples,
                                            const CalibrationOptions &options);

} // namespace quantc

#endif // QUANTC_CALIBRATION_CALIBRATOR_H
