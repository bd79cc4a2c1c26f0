//===- Compiler.h - quantc's stages, callable from C++ ----------*- C++ -*-===//
//
// Part of quantc. The compiler library under the `quantc` driver, the C API
// and the Python package: each stage of
//
//   import -> calibrate -> choose precision -> quantize -> lower -> emit
//                                                            \-> JIT run
//
// is one function taking the options of CompileOptions.h and returning an
// llvm::Error or Expected. Nothing here prints: MLIR diagnostics raised in a
// stage come back inside its error, and long work reports to the progress
// callback.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_COMPILER_COMPILER_H
#define QUANTC_COMPILER_COMPILER_H

#include "quantc/Calibration/Calibrator.h"
#include "quantc/Calibration/PrecisionSearch.h"
#include "quantc/Compiler/CompileOptions.h"
#include "quantc/Dialect/QC/Transforms/Passes.h"
#include "quantc/Driver/JitModel.h"
#include "quantc/Kernels/GemmBlocking.h"
#include "quantc/MixedPrecision/MixedPrecisionSearch.h"
#include "quantc/Target/ONNXExport/ONNXExporter.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <memory>
#include <string>
#include <vector>

namespace quantc {

/// A context holding the dialects and interface implementations every
/// stage needs (import, quantization, CPU and GPU lowering, translation).
std::unique_ptr<mlir::MLIRContext> createCompilerContext();

//===----------------------------------------------------------------------===//
// Import
//===----------------------------------------------------------------------===//

/// Imports options.path: ONNX through the importer, .mlir through the
/// parser (one function and no @main: that function is the model).
llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>>
importModel(mlir::MLIRContext &context, const ModelOptions &options);

/// Unless options.onnx.inputShapes has `inputName`, a tensor sample file
/// fixes its shape (images take the model's own shape).
llvm::Error inferInputShape(llvm::StringRef inputName, llvm::StringRef sample,
                            ModelOptions &options);

/// An error unless @main exists and every input has a static shape.
llvm::Error requireStaticInputs(mlir::ModuleOp module);

/// The ONNX name of @main's argument `index` ("input<index>" without one).
std::string inputName(mlir::ModuleOp module, unsigned index);

//===----------------------------------------------------------------------===//
// Calibrate, choose precision, quantize
//===----------------------------------------------------------------------===//

/// What prepareModel rewrote.
struct PreparedModel {
  size_t batchNormsFolded = 0;
  size_t convTransposesDecomposed = 0;
};

/// The function-preserving rewrites before calibration: transposed
/// convolutions with constant weights as phase convolutions (layers the
/// quantizer knows), then BatchNorm folded into the preceding convolutions
/// (options.foldBatchNorm). Calibration caches are recorded on the
/// prepared model, so `quantc calibrate` and quantizeModel both call this.
llvm::Expected<PreparedModel> prepareModel(mlir::ModuleOp module,
                                           const QuantizationOptions &options);

/// Streams the sample files of `folder` through a probed copy of `module`
/// (left untouched), or reads a calibration cache when `source` is a .json
/// file.
llvm::Expected<CalibrationResult> calibrateModel(mlir::ModuleOp module,
                                                 llvm::StringRef source,
                                                 const CompileOptions &options);

/// Writes `result` as a calibration cache at `path` (JSON, with each
/// E[x x^T] in <path>.moments/<tensor>.npy) that calibrateModel reads back.
llvm::Error writeCalibrationCache(const CalibrationResult &result,
                                  llvm::StringRef path,
                                  llvm::StringRef modelPath);

/// What the quantize stage did, for the report.
struct QuantizationSummary {
  /// Per layer: its parameters, the weights' rounding (GPTQ, or round to
  /// nearest and why), SQNRs (quantizationReport()).
  llvm::json::Object layers;
  /// The precision search's findings, when it ran.
  std::optional<PrecisionSearchResult> search;
  /// The mixed-precision search's findings, when it ran.
  std::optional<MixedPrecisionResult> mixed;
  /// Layers an --assign-precision file assigned.
  size_t layersAssigned = 0;
  size_t batchNormsFolded = 0;
  /// Transposed convolutions rewritten as phase convolutions.
  size_t convTransposesDecomposed = 0;
  /// What --smooth did, when given.
  std::optional<qc::SmoothingCounts> smoothing;
  /// What --reparameterize did, when given.
  std::optional<qc::ReparameterizationCounts> reparameterization;
  /// What --rotate did to each constant-weight layer, when given.
  std::optional<std::vector<qc::LayerRotation>> rotations;
  /// Tensors whose chosen range estimates an SQNR far below min-max's
  /// (kSQNRWarningDb): the method may have clipped what matters.
  std::vector<std::string> calibrationWarnings;
  int64_t weightBytesFloat = 0, weightBytesQuantized = 0;
};

/// The precision search on a copy of `calibrated` (probes with ranges, as
/// applyCalibration leaves them): which layers to keep float so that every
/// output of the search samples reaches options.search.minOutputCosine.
llvm::Expected<PrecisionSearchResult>
choosePrecision(mlir::ModuleOp calibrated, const CompileOptions &options);

/// The mixed-precision search on `calibrated` (probes with ranges and
/// E[x x^T], as applyCalibration leaves them with secondMoments; not
/// modified): each layer's precision among options.mixed.candidates under
/// its budget.
llvm::Expected<MixedPrecisionResult>
chooseMixedPrecision(mlir::ModuleOp calibrated, const CompileOptions &options);

/// Folds BatchNorm, calibrates (or loads the cache), sets every probe's
/// range, runs the precision search when asked and rewrites the calibrated
/// layers to quantized qc ops in `module`. The options must have a
/// calibration source and pass validateOptions().
llvm::Expected<QuantizationSummary>
quantizeModel(mlir::ModuleOp module, const CompileOptions &options);

/// The names of the layers the quantize stage may rewrite (location
/// names of the quantizable ops), in program order.
std::vector<std::string> quantizableLayerNames(mlir::ModuleOp module);

//===----------------------------------------------------------------------===//
// Lower, emit, run
//===----------------------------------------------------------------------===//

/// The files of a compiled model.
struct CompiledModel {
  /// Relocatable object (for GPU targets: the host side, PTX embedded).
  std::string object;
  /// C header declaring the entry point.
  std::string header;
  /// GPU targets: the kernels' PTX.
  std::string ptx;
  /// The target actually compiled for (host resolved to its name).
  std::string target;
  /// Bytes of constant data (weights, tables) in the emitted code; for GPU
  /// targets, the PTX's size.
  int64_t constantBytesEmitted = 0;
  /// OpenMP parallel regions in the emitted code (CPU objects).
  int64_t parallelRegions = 0;
  /// GEMM kernels on AMX tiles (AMX targets).
  int64_t amxKernels = 0;
  /// The GEMM kernels' blocking and where it came from (chooseGemmBlocking).
  ChosenGemmBlocking gemmBlocking;
  /// With TargetOptions::keepLoweringIR: the module entering the lowering
  /// pipeline and the LLVM-dialect module leaving it, printed as quant-opt
  /// prints them.
  std::string loweringInput, loweringOutput;
  /// What the quantize stage did (compileModel with calibration).
  std::optional<QuantizationSummary> quantization;
  /// With TargetOptions::emitQDQONNX: the model as ONNX (quantized layers
  /// in QDQ form) and what the export wrote.
  std::string qdqONNX;
  std::optional<ONNXExportSummary> qdqSummary;
};

/// `module` (float, or quantized by quantizeModel) as an ONNX model: float
/// ops as their ONNX operators, quantized tensors and layers as
/// QuantizeLinear / DequantizeLinear around them (ONNXExporter.h).
llvm::Expected<std::string> exportQDQModel(mlir::ModuleOp module,
                                           ONNXExportSummary &summary);

struct TargetSpec;

/// The GEMM kernels' blocking for `options` on `spec` (chooseGemmBlocking
/// with options.gemmBlocking); an explicit --gemm-blocking where no kernel
/// takes it (no AVX-512 VNNI kernels, --gemm-kernels=false) is an error,
/// not ignored.
llvm::Expected<ChosenGemmBlocking>
targetGemmBlocking(const TargetOptions &options, const TargetSpec &spec);

/// The pass pipeline that lowers a qc module for `options` to the LLVM
/// dialect, as a textual pipeline `quant-opt --pass-pipeline=` accepts.
llvm::Expected<std::string> loweringPipeline(const TargetOptions &options);

/// Runs loweringPipeline(options) on `module`: qc to the LLVM dialect (for
/// GPU targets, kernels in a gpu.binary and a host side).
llvm::Error lowerToLLVM(mlir::ModuleOp module, const TargetOptions &options);

/// Lowers `module` (consumed) and emits it for options.target.
llvm::Expected<CompiledModel> emitModel(mlir::ModuleOp module,
                                        const TargetOptions &options);

/// JIT-compiles `module` (consumed) for this machine; with `profile`, every
/// loop nest and kernel call is timed (JitModel::profile()).
llvm::Expected<std::unique_ptr<JitModel>>
compileForJit(mlir::ModuleOp module, const TargetOptions &options,
              bool profile = false);

//===----------------------------------------------------------------------===//
// Report and files
//===----------------------------------------------------------------------===//

/// What the compilation did differently from what its options suggest
/// (e.g. ternary weights one byte each on a target without low-bit
/// kernels); the report's "notes", and the driver's warnings.
std::vector<std::string> compileNotes(const CompileOptions &options,
                                      const CompiledModel &compiled);

/// The note (compileNotes) and `quantc run` warning for a model that runs
/// serially although --threads asked for threads.
extern const char *const kSerialDespiteThreadsNote;

/// The JSON report of a compilation: what was asked, what was done.
llvm::json::Object compileReport(const CompileOptions &options,
                                 const QuantizationSummary *quantization,
                                 const CompiledModel &compiled);

/// Writes <dir>/<stem>.o, .h, (.ptx), (.lowering-input.mlir and
/// .lowering-output.mlir), (.qdq.onnx) and, when `report` is given,
/// <stem>.report.json; returns the paths written.
llvm::Expected<std::vector<std::string>>
writeCompiledModel(const CompiledModel &compiled, llvm::StringRef dir,
                   llvm::StringRef stem, const llvm::json::Object *report);

/// The whole `quantc compile` flow: import, quantize when options ask,
/// lower, emit. `report` receives the report.
llvm::Expected<CompiledModel> compileModel(const CompileOptions &options,
                                           llvm::json::Object &report);

} // namespace quantc

#endif // QUANTC_COMPILER_COMPILER_H
