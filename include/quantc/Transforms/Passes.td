//===- Passes.td - quantc's dialect-independent passes -----*- tablegen -*-===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_TRANSFORMS_PASSES_TD
#define QUANTC_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def LinalgInnermostParallel : Pass<"quantc-linalg-innermost-parallel",
                                   "::mlir::func::FuncOp"> {
  let summary = "order linalg loops so the innermost one is parallel and unit-stride";
  let description = [{
    Rewrites every linalg op that has reduction loops into a
    `linalg.generic` whose loops run: the parallel loops but the last, then
    the reductions, then the last parallel loop. `linalg.conv_2d_nchw_fchw`
    (n, f, oh, ow, c, kh, kw) becomes (n, f, oh, c, kh, kw, ow) and
    `linalg.matmul` (m, n, k) becomes (m, k, n): the innermost loop walks
    the output's contiguous dimension, so after `convert-linalg-to-loops`
    LLVM's loop vectorizer turns it into SIMD loads, FMAs and stores
    instead of a scalar reduction over a short kernel window.

    ```mlir
    linalg.matmul ins(%a, %b : memref<8x16xf32>, memref<16x4xf32>) outs(%c : memref<8x4xf32>)
    // becomes a linalg.generic with iterator_types
    // ["parallel", "reduction", "parallel"] and maps (m, k, n).
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
  let statistics = [
    Statistic<"numInterchanged", "num-interchanged", "linalg ops reordered">
  ];
}

#endif // QUANTC_TRANSFORMS_PASSES_TD
