//===- Passes.td - quantc's dialect-independent passes -----*- tablegen -*-===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_TRANSFORMS_PASSES_TD
#define QUANTC_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def CopiesToLoops : Pass<"quantc-copies-to-loops", "::mlir::func::FuncOp"> {
  let summary = "rewrite statically shaped memref.copy as linalg.copy";
  let description = [{
    A `memref.copy` between strided buffers (bufferization's copy of a
    tensor into a padded one, for instance) lowers to a call of the
    runtime's generic `memrefCopy`, which moves one element per `memcpy`:
    28% of the int8 PP-OCRv4 detector's time. As `linalg.copy` it becomes
    a loop nest after `convert-linalg-to-loops` that LLVM vectorizes, or
    recognizes as `memcpy` where both buffers are contiguous.

    ```mlir
    memref.copy %a, %b : memref<1x3x8x8xf32> to memref<1x3x8x8xf32, strided<[300, 100, 10, 1], offset: 11>>
    // becomes
    linalg.copy ins(%a : memref<1x3x8x8xf32>) outs(%b : memref<1x3x8x8xf32, strided<[300, 100, 10, 1], offset: 11>>)
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
  let statistics = [
    Statistic<"numRewritten", "num-rewritten", "copies rewritten">
  ];
}

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

def TileAndVectorize : Pass<"quantc-tile-and-vectorize",
                            "::mlir::func::FuncOp"> {
  let summary = "tile linalg matmuls and NCHW convolutions and vectorize the tiles";
  let description = [{
    On tensors, before bufferization: `linalg.matmul` is tiled to at most
    8 x 32 x 16 (M x N x K) and each tile vectorized into a
    `vector.contract`; `linalg.conv_2d_nchw_fchw` is tiled to one output
    row and at most 8 filters x 16 columns x 8 channels with one kernel
    row, decomposed into `linalg.conv_1d_ncw_fcw` and vectorized. Tile
    sizes are the largest divisors of the static extents not above those
    bounds, so every tile is static and no masking is needed. Ops that do
    not tile or vectorize are left for the loop lowering.

    ```mlir
    %c = linalg.matmul ins(%a, %b : tensor<64x128xf32>, tensor<128x256xf32>) outs(%init : tensor<64x256xf32>) -> tensor<64x256xf32>
    // becomes scf.for nests over 8x32x16 tiles of vector.transfer_read /
    // vector.contract / vector.transfer_write.
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::vector::VectorDialect"];
  let statistics = [
    Statistic<"numVectorized", "num-vectorized", "tiles vectorized">
  ];
}

def OutlineLoopNests : Pass<"quantc-outline-loop-nests",
                            "::mlir::ModuleOp"> {
  let summary = "move each outermost loop nest of a function into its own function";
  let description = [{
    After bufferization a whole model is one function holding thousands
    of loop nests, and some LLVM loop passes (IndVarSimplify above all) are
    quadratic in the loops of a function: the PP-OCRv4 recognizer spent
    54 of 63 seconds of `-O3` there. This pass moves every outermost
    `scf.for` of a function (one per layer, roughly; also those inside an
    `scf.if`, such as a precision switch's branches) into a private
    function `<function>_nest<N>` that the function calls. The memrefs and
    values the nest reads become arguments; constants and
    `memref.get_global`s are cloned in instead, so loop bounds stay
    static. The callees carry `passthrough = ["noinline"]` so LLVM keeps
    them apart. Nests that yield results stay in place.

    ```mlir
    func.func @main(%a: memref<8xf32>) {
      %c0 = arith.constant 0 : index
      ...
      scf.for %i = %c0 to %c8 step %c1 { ... %a ... }
    }
    // becomes
    func.func private @main_nest0(%a: memref<8xf32>) attributes {passthrough = ["noinline"]} {
      %c0 = arith.constant 0 : index
      ...
      scf.for %i = %c0 to %c8 step %c1 { ... }
      return
    }
    func.func @main(%a: memref<8xf32>) {
      call @main_nest0(%a) : (memref<8xf32>) -> ()
    }
    ```
  }];
  let dependentDialects = ["::mlir::func::FuncDialect"];
  let statistics = [
    Statistic<"numOutlined", "num-outlined", "loop nests outlined">
  ];
}

#endif // QUANTC_TRANSFORMS_PASSES_TD
