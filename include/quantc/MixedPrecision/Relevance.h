//===- Relevance.h - layer-wise relevance propagation -----------*- C++ -*-===//
//
// Part of quantc. LRP: the outputs' relevance flows back through the float
// model, op by op, and each layer's importance is the relevance mass that
// reaches its output (LRP-QViT). The rules:
//  - conv, matmul, gemm, pooling, reductions, batch norm, resize: the
//    epsilon rule (each input's share of every output it contributes to,
//    through the transposed product; a bias keeps its share);
//  - Add / Sub: proportional to each operand's contribution;
//  - Mul of two activations: half to each (AttnLRP's uniform rule); by a
//    constant, or Div / Pow: all to the tensor operand;
//  - elementwise activations, softmax, layer norm: pass-through (layer
//    norm's statistics and the attention probabilities are held constant,
//    as in the conservative transformer rules of Ali et al. 2022);
//  - A.V with A a softmax: all to V;
//  - data movement (reshape, transpose, slice, concat, split, pad):
//    relevance moves with the data.
// A softmax output starts from its winning logit per row, any other output
// from its own values.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_MIXEDPRECISION_RELEVANCE_H
#define QUANTC_MIXEDPRECISION_RELEVANCE_H

#include "quantc/Driver/HostArray.h"
#include "quantc/Driver/Progress.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"

namespace quantc {

struct RelevanceOptions {
  /// The epsilon rule's stabilizer relative to each tensor's RMS: what it
  /// takes from a contribution to a near-zero output is absorbed. On
  /// PP-OCRv4 rec (about 70 layers deep) 0.01 keeps the first layers'
  /// relevance mass within 10x of the last ones'; LRP-0 (epsilon 0, which
  /// conserves exactly) amplifies it 1e7-fold where large contributions
  /// cancel, and 0.25 drains it to 1e-8.
  double epsilon = 0.01;
  /// Hears of each sample.
  ProgressCallback progress;
};

struct LayerRelevance {
  /// Per quantizable layer (by layer name), the mean over samples of
  /// sum |R| at the layer's output over sum |R| at the model's outputs.
  llvm::StringMap<double> mass;
  /// The same with signed sums: 1 at every layer of a bias-free chain
  /// (conservation).
  llvm::StringMap<double> signedShare;
  /// The signed relevance reaching @main's inputs over the outputs'.
  double inputShare = 0;
  /// The relevance on each input element, summed over samples (unscaled:
  /// the input heatmap).
  std::vector<double> inputRelevance;
};

/// Runs `module`'s @main (float; probes are identities here) on each of
/// `inputs` in the JIT with every intermediate tensor returned, and
/// propagates the outputs' relevance back to every layer. An op that
/// relevance reaches but that has no rule is an error naming every such op
/// kind. `module` is not modified.
llvm::Expected<LayerRelevance>
propagateRelevance(mlir::ModuleOp module, llvm::ArrayRef<HostArray> inputs,
                   const RelevanceOptions &options = {});

} // namespace quantc

#endif // QUANTC_MIXEDPRECISION_RELEVANCE_H
