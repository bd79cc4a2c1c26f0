//===- Perturbation.h - a known perturbation at each layer's output -------===//
//
// Part of quantc. The augmented Hessian needs each layer's gain to the
// model's outputs, measured with forward passes only: every precision
// switch gets one more choice, the float layer plus a fixed noise tensor.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_LIB_MIXEDPRECISION_PERTURBATION_H
#define QUANTC_LIB_MIXEDPRECISION_PERTURBATION_H

#include "quantc/MixedPrecision/LayerWeights.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

namespace quantc {

/// Adds to switch i of `switched` (after qc-quantize) a last choice: the
/// float copy of choice `floatChoice` plus noise of +-relative x sqrt(E[y_o^2])
/// per output channel o (`energies[i]`, outputChannelEnergy of layer i;
/// random signs, seeded by the layer index), so the injected relative
/// noise energy is relative^2 exactly.
llvm::Error addPerturbationChoice(mlir::ModuleOp switched,
                                  llvm::ArrayRef<LayerWeights> layers,
                                  llvm::ArrayRef<std::vector<double>> energies,
                                  size_t floatChoice, double relative);

} // namespace quantc

#endif // QUANTC_LIB_MIXEDPRECISION_PERTURBATION_H
