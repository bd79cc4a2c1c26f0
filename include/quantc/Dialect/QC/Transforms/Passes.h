//===- Passes.h - qc dialect passes -----------------------------*- C++ -*-===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_DIALECT_QC_TRANSFORMS_PASSES_H
#define QUANTC_DIALECT_QC_TRANSFORMS_PASSES_H

#include "quantc/Dialect/QC/IR/QCDialect.h"
#include "quantc/Dialect/QC/IR/QCHadamard.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"

namespace quantc::qc {

#define GEN_PASS_DECL
#include "quantc/Dialect/QC/Transforms/Passes.h.inc"

/// The layers qc-insert-precision-switches switched, in switch order (its
/// module attribute qc.precision_switches; empty before it ran).
std::vector<std::string> precisionSwitchNames(mlir::ModuleOp module);

/// What qc-smooth did: probes whose division went into their producer, into
/// an inserted qc.mul, and probes left alone (another reader).
struct SmoothingCounts {
  int64_t folded = 0, explicitScales = 0, refused = 0;
};

/// qc-smooth's rewrite of every calibrated probe under `root` with
/// migration strength `alpha` in [0, 1] (see Passes.td).
SmoothingCounts smoothActivations(mlir::Operation *root, double alpha);

/// What qc-reparameterize did: post-LayerNorm activations folded to
/// per-tensor, and those left alone (a reader that is not a matmul with
/// constant weights).
struct ReparameterizationCounts {
  int64_t reparameterized = 0, refused = 0;
  /// Softmax-output products (attention's A V) made qc.log_matmul.
  int64_t logSoftmaxProducts = 0;
  /// The LayerNorm outputs were given float per-channel quantizers and
  /// float readers (the reference), not folded.
  bool perChannelReference = false;
};

/// qc-reparameterize's rewrite under `root` on an `activationBits` grid
/// (see Passes.td): every calibrated post-LayerNorm probe when
/// `layerNorms`, every softmax-output product A V when `logSoftmax`. With
/// `perChannelReference` the LayerNorm outputs are not folded: their
/// readers read the per-channel quantizers' values and stay float (the
/// accuracy the folding is measured against).
ReparameterizationCounts
reparameterizeActivations(mlir::Operation *root, unsigned activationBits,
                          bool layerNorms, bool logSoftmax,
                          bool perChannelReference = false);

/// What qc-rotate did to one layer's input.
struct LayerRotation {
  std::string layer;
  int64_t channels = 0;
  /// "online" (a qc.hadamard in front), "fused" (into the producer, an
  /// attention value/output pair or a residual stream: `reason` names it),
  /// "refused" (then `reason` says why), or "stream" (not a layer: an
  /// online transform where a residual stream starts or is read in the
  /// original basis; `layer` names the tensor).
  std::string how;
  std::string reason;
  /// max / median over input channels of the weights' largest magnitude,
  /// before and after the rotation (0 when refused).
  double weightSpreadBefore = 0, weightSpreadAfter = 0;
};

/// How many layers qc-rotate rotated online, fused, and left alone.
struct RotationCounts {
  int64_t online = 0, fused = 0, refused = 0;
  /// Online transforms on residual streams (entries and exits).
  int64_t streamTransforms = 0;
};
RotationCounts countRotations(llvm::ArrayRef<LayerRotation> rotations);

/// qc-rotate's rewrite of every constant-weight layer under `root` (see
/// Passes.td); one entry per layer. With `leaveNormOutputs`, layers reading
/// a LayerNorm's output are left to qc-reparameterize (its per-channel
/// quantizers need the unrotated channels). Without `onlineConvolutions`,
/// a convolution whose rotation cannot be fused is left alone.
std::vector<LayerRotation> rotateLayers(mlir::Operation *root,
                                        RotationMode mode, uint64_t seed,
                                        bool leaveNormOutputs = false,
                                        bool onlineConvolutions = true);

/// The layer index a switch of qc-insert-precision-switches selects for
/// (the constant its quantc_layer_precision call takes); nullopt for any
/// other scf.index_switch.
std::optional<int64_t> precisionSwitchLayer(mlir::scf::IndexSwitchOp select);

/// One layer's precision as an assignment names it (a precision text).
struct LayerAssignment {
  std::string layer, precision;
};

/// Sets `qc.precision` on each named quantizable layer of `module`. Every
/// unknown name, duplicate and invalid precision is reported (one error on
/// the module listing them all) and nothing is set.
mlir::LogicalResult assignLayerPrecisions(mlir::ModuleOp module,
                                          llvm::ArrayRef<LayerAssignment> list);

/// The assignment in a JSON text: an object from layer names to precision
/// texts, or a report with `mixed_precision.layers[].{name, chosen}`.
llvm::Expected<std::vector<LayerAssignment>>
parseAssignmentJSON(llvm::StringRef text);

/// parseAssignmentJSON of the file at `path`; the error names the file.
llvm::Expected<std::vector<LayerAssignment>>
readAssignmentFile(llvm::StringRef path);

#define GEN_PASS_REGISTRATION
#include "quantc/Dialect/QC/Transforms/Passes.h.inc"

} // namespace quantc::qc

#endif // QUANTC_DIALECT_QC_TRANSFORMS_PASSES_H
