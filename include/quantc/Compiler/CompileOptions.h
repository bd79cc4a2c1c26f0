//===- CompileOptions.h - everything one compilation is told ----*- C++ -*-===//
//
// Part of quantc. The options of every stage of the compiler library, in
// one family of plain structs. Tools map their command lines onto them; the
// C and Python APIs fill them from their own arguments. validateOptions()
// refuses every combination the stages cannot honour, so no stage ever
// ignores an option silently.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_COMPILER_COMPILEOPTIONS_H
#define QUANTC_COMPILER_COMPILEOPTIONS_H

#include "quantc/Calibration/RangeSelection.h"
#include "quantc/Calibration/WeightQuantization.h"
#include "quantc/Dialect/QC/IR/QCHadamard.h"
#include "quantc/Driver/ImageInput.h"
#include "quantc/Driver/Progress.h"
#include "quantc/MixedPrecision/Sensitivity.h"
#include "quantc/Target/ONNX/ONNXImporter.h"

#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <vector>

namespace quantc {

/// What the model is and how samples become its inputs.
struct ModelOptions {
  /// An ONNX file, or qc IR (.mlir) with a func @main (or one function).
  std::string path;
  /// Static input shapes, external-data folder.
  ONNXImportOptions onnx;
  /// How image samples (calibration, search, run inputs) become tensors.
  ImagePreprocessing preprocessing;
};

/// Post-training quantization. With no `calibration` the model stays float,
/// and every other field must keep its default.
struct QuantizationOptions {
  /// A folder of samples, or a cache of `quantc calibrate` (.json).
  std::string calibration;
  RangeMethod method = RangeMethod::MinMax;
  WeightScheme weights = WeightScheme::Int8;
  /// Int4 only: inputs per weight scale group (0: one scale per channel).
  int64_t group = 0;
  /// Int4 groups: GPTQ rounding instead of round to nearest.
  bool gptq = false;
  /// Activation grid: 2^activationBits levels (4 to 8; ranges are chosen
  /// for that grid).
  unsigned activationBits = 8;
  bool biasCorrection = true;
  /// Fold inference BatchNormalization into the preceding convolutions
  /// before calibrating, so weights are quantized with their folded
  /// scales.
  bool foldBatchNorm = true;
  /// SmoothQuant migration strength in [0, 1] (qc-smooth); unset: none.
  /// The smoothed model is calibrated again, so it needs samples (a
  /// calibration cache describes the model before smoothing).
  std::optional<double> smoothAlpha;
  /// Rotate layer inputs (qc-rotate) before calibrating: Hadamard, or
  /// random signs from rotateSeed times Hadamard; unset: none.
  std::optional<qc::RotationMode> rotate;
  uint64_t rotateSeed = 0;
  /// Online transforms in front of convolutions too (their cost on
  /// quantc's elementwise loops is large: docs/Rotation.md).
  bool rotateConvolutions = false;
  /// RepQuant (qc-reparameterize) after calibrating: post-LayerNorm
  /// activations quantized per channel, folded into per-tensor quantizers.
  bool reparameterize = false;
  /// Instead of folding, the per-channel quantizers as float quantize /
  /// dequantize with float readers: what the folding is measured against.
  bool reparameterizeReference = false;
  /// Attention's A V with A on RepQ-ViT's log-sqrt(2) grid as log2 shifts
  /// and adds (qc.log_matmul); otherwise A V stays float.
  bool log2Softmax = false;
  /// Layers (ONNX output names, as the report lists them) to keep float.
  std::vector<std::string> keepFloat;
};

/// The precision search: which layers stay float to hold an output bound.
struct SearchOptions {
  /// Every output's cosine to the float model must reach this; 0: off.
  double minOutputCosine = 0;
  /// At most this many float layers (0: a tenth of the quantizable ones).
  unsigned maxFloatLayers = 0;
  /// Folder of samples to measure on (default: the calibration folder).
  std::string data;
  /// How many of them (the first, by name).
  unsigned samples = 16;
};

/// Mixed precision: each layer's weights take the candidate precision a
/// search chooses under an average-bits budget (or an assignment replayed).
struct MixedPrecisionRequest {
  /// --bits mixed.
  bool enabled = false;
  /// Average stored bits per weight of the quantizable layers (float
  /// counts 32, every scale 32).
  double weightBitsBudget = 0;
  /// Precision texts (quantc/Dialect/QC/IR/QCAttrs.td), from
  /// parseMixedPrecision.
  std::vector<std::string> candidates;
  SensitivitySignal signal = SensitivitySignal::KL;
  /// kl measures each layer with the others at the highest quantized
  /// candidate (MixedPrecisionOptions::quantizedBase) instead of float.
  bool quantizedBase = false;
  /// "pareto", "ilp" or "bisection" (MixedPrecisionOptions::solver).
  std::string solver = "pareto";
  /// Mean JIT latency per sample, ms (ilp, bisection); 0: none.
  double latencyBudgetMs = 0;
  /// Bisection's tolerance on the measured output divergence; 0: none.
  double maxDivergence = 0;
  /// Frontier points measured end to end just below the budget.
  unsigned pointsNearBudget = 8;
  /// Instead of a search: a JSON assignment (layer -> precision, or a
  /// report), as qc-assign-precision reads it. Works with any --bits: the
  /// layers it does not name keep the uniform precision.
  std::string assignment;
};

/// Where the code runs.
struct TargetOptions {
  /// A target name (TargetSpec.h): host, native, x86_64-avx512vnni,
  /// aarch64-dotprod, nvptx-sm90, ...
  std::string target = "host";
  /// Quantized matmuls call the generated GEMM kernels where the target
  /// has their dot-product instructions.
  bool gemmKernels = true;
  /// With the AVX-512 VNNI kernels: int8 convolutions with rows of at
  /// least 16 output pixels run as direct convolutions over channel quads
  /// (no patch matrix, no transposes), with the same result.
  bool directConv = true;
  /// The C entry point of an object.
  std::string entry = "quantc_main";
  /// JIT only: lower as for a GPU and run each kernel launch as host loops.
  bool emulateGpu = false;
  /// Objects for x86_64-amx only: the AMX kernels' tile instructions as
  /// AVX-512 VNNI code of the same semantics (a test aid for hosts without
  /// AMX).
  bool emulateAmxTiles = false;
  /// The AVX-512 VNNI GEMM kernels' blocking: "auto" (for this machine's
  /// own CPU, target host or native: tuned by `quantc tune-kernels`, else
  /// the table's, else the default), "default" or "group=<KiB>,columns=<N>"
  /// (GemmBlocking.h).
  std::string gemmBlocking = "auto";
  /// CPU targets: 1 runs serial code; N > 1 runs large loop nests and GEMM
  /// kernels on N OpenMP threads; 0 on as many as the OpenMP runtime
  /// chooses (OMP_NUM_THREADS). Objects built with threads link libomp.
  int64_t threads = 1;
  /// Keep the IR entering and leaving the lowering pipeline, so that
  /// `quant-opt --pass-pipeline=<loweringPipeline()>` can be checked
  /// against it.
  bool keepLoweringIR = false;
  /// Also export the model as ONNX (a quantized model in QDQ form, with
  /// the scales and zero points chosen here), for other runtimes.
  bool emitQDQONNX = false;
};

struct CompileOptions {
  ModelOptions model;
  QuantizationOptions quantization;
  SearchOptions search;
  MixedPrecisionRequest mixed;
  TargetOptions target;
  /// Told about long work (calibration, search); empty: silent.
  ProgressCallback progress;
};

//===----------------------------------------------------------------------===//
// Options from text, with the driver's messages (the C and Python APIs take
// the same strings and raise the same errors).
//===----------------------------------------------------------------------===//

/// Weight bits "8", "4" or "ternary"; `ternary` ("absmean", "twn") chooses
/// the ternary grid and is an error with other bits. Empty: not given.
llvm::Expected<WeightScheme> parseWeightBits(llvm::StringRef bits,
                                             llvm::StringRef ternary);

/// --bits mixed: `candidates` ("8,4,ternary,float", or precision texts such
/// as "int4-g32"; empty: "8,4") resolved with --group and --gptq (for 4)
/// and --ternary (for ternary), the sensitivity ("kl", "hessian",
/// "augmented-hessian"), the solver ("pareto", "ilp", "bisection") and the
/// sensitivity base ("float", "quantized"), into `mixed`. Empty texts take
/// the defaults.
llvm::Error parseMixedPrecision(llvm::StringRef candidates, int64_t group,
                                bool gptq, llvm::StringRef ternary,
                                llvm::StringRef sensitivity,
                                llvm::StringRef solver, llvm::StringRef base,
                                MixedPrecisionRequest &mixed);

/// "minmax", "percentile", "entropy" or "mse".
llvm::Expected<RangeMethod> parseMethodOption(llvm::StringRef method);

/// Input shapes ("x=1x3x48x320"), inputs fixed at compile time
/// ("sr=16000", or "shape=shape.npy": a .npy or .pb file) and image
/// preprocessing (resize stretch, pad or crop; per-channel mean and std of
/// [0,1] pixels, "r,g,b" or one value; BGR order) into `model`.
llvm::Error parseModelInputs(llvm::ArrayRef<std::string> inputShapes,
                             llvm::ArrayRef<std::string> boundInputs,
                             llvm::StringRef resize, llvm::StringRef mean,
                             llvm::StringRef std, bool bgr,
                             ModelOptions &model);

/// An error naming the first option that the others make meaningless or
/// that no stage can honour (e.g. int4 groups without int4 weights, any
/// quantization setting without calibration data, an unknown target).
/// Whether --calib names a calibration cache (a .json file) rather than a
/// folder of samples.
bool isCalibrationCache(llvm::StringRef source);

llvm::Error validateOptions(const CompileOptions &options);

} // namespace quantc

#endif // QUANTC_COMPILER_COMPILEOPTIONS_H
