//===- ApproximateMath.cpp - transcendental math as polynomials -----------===//
//
// Part of quantc. GPU kernels calling libdevice's __nv_expf would need
// the CUDA toolkit at compile time; MLIR's polynomial approximations keep
// the PTX self-contained (see Passes.td).
//
//===----------------------------------------------------------------------===//

#include "quantc/Transforms/Passes.h"

#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace quantc {
#define GEN_PASS_DEF_APPROXIMATEMATH
#include "quantc/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;

namespace {
struct ApproximateMathPass
    : public quantc::impl::ApproximateMathBase<ApproximateMathPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    auto every = [](StringRef) { return true; };
    // powf becomes exp and log, which the polynomials then take.
    math::populateExpansionPatterns(patterns, {"powf"});
    populateMathPolynomialApproximationPatterns(patterns, every);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
