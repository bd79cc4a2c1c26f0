//===- Sensitivity.h - how much a layer's precision costs the model -*- C++
//-*-===//
//
// Part of quantc. The signals the mixed-precision search ranks layers by:
//  - hessian: the layer-local proxy Omega = tr(dW H dW^T), H = E[x x^T]
//    from calibration (GPTQ / OBQ), relative to the same form of W;
//  - kl: the measured output divergence with only that layer quantized;
//  - augmented-hessian: Omega times the layer's measured gain to the
//    outputs (a perturbation of known size injected at its output);
//  - lrp: the layer's relevance mass (Relevance.h) times its relative
//    weight error ||dW||^2 / ||W||^2; lrp-hessian: relevance times Omega.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_MIXEDPRECISION_SENSITIVITY_H
#define QUANTC_MIXEDPRECISION_SENSITIVITY_H

#include "quantc/Driver/HostArray.h"
#include "quantc/MixedPrecision/LayerWeights.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <vector>

namespace quantc {

enum class SensitivitySignal { KL, Hessian, AugmentedHessian, LRP, LRPHessian };

/// "kl", "hessian", "augmented-hessian", "lrp", "lrp-hessian".
std::optional<SensitivitySignal> parseSensitivitySignal(llvm::StringRef text);
llvm::StringRef sensitivitySignalName(SensitivitySignal signal);

/// tr(D H D^T) of a layer for a weight-shaped D ([outputs][inner]), with H
/// the E[x x^T] of each output's group of input channels, summed over
/// window positions (covariances between positions are dropped: a
/// block-diagonal H). Without E[x x^T], H = I.
double quadraticForm(const LayerWeights &layer, llvm::ArrayRef<float> d);

/// E[y_o^2] per output channel (w_o^T H w_o, block-diagonal as above);
/// their sum is tr(W H W^T), the layer's output signal.
std::vector<double> outputChannelEnergy(const LayerWeights &layer);

/// Per candidate, the Hessian proxy tr(dW H dW^T) / `signal`: the layer's
/// output noise-to-signal (0 for float candidates). `signal` is the sum of
/// outputChannelEnergy(layer), computed once by the caller.
std::vector<double> relativeHessianErrors(const LayerWeights &layer,
                                          double signal);

/// Per candidate, ||dW||^2 / ||W||^2 (0 for float candidates): the weight
/// error without any model of the inputs.
std::vector<double> relativeWeightErrors(const LayerWeights &layer);

/// How an output's change is measured.
struct OutputMeasure {
  /// KL(reference || candidate) along `axis` (probability outputs: a
  /// softmax), else relative squared error ||d||^2 / ||reference||^2.
  bool kl = false;
  int64_t axis = -1;
  std::string describe() const;
};

/// One per result of `main`: KL for a softmax's result.
std::vector<OutputMeasure> outputMeasures(mlir::ModuleOp module);

/// The summed divergence of `candidate` from `reference` over the outputs.
double outputDivergence(llvm::ArrayRef<HostArray> reference,
                        llvm::ArrayRef<HostArray> candidate,
                        llvm::ArrayRef<OutputMeasure> measures);

/// Spearman's rank correlation of two equally long series (ties share
/// their mean rank).
double spearman(llvm::ArrayRef<double> a, llvm::ArrayRef<double> b);

} // namespace quantc

#endif // QUANTC_MIXEDPRECISION_SENSITIVITY_H
