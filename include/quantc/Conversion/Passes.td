//===- Passes.td - quantc conversion passes ----------------*- tablegen -*-===//
//
// Part of quantc. Every conversion of quantc, one folder each under
// lib/Conversion.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_CONVERSION_PASSES_TD
#define QUANTC_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertQCToLinalg : Pass<"convert-qc-to-linalg", "::mlir::func::FuncOp"> {
  let summary = "lower float qc ops to linalg, tensor, arith and math";
  let description = [{
    Rewrites the float graph ops of the qc dialect into named linalg ops
    (convolutions, matmul, pooling, transpose) and `linalg.generic`s
    (broadcasting elementwise ops, reductions, normalization, resize,
    gather) on tensors, with `tensor` ops for data movement. Shapes must be
    static (import with `--input-shape`); an op with a dynamic shape is
    reported and the pass fails. `qc.observe` probes are dropped: float
    execution has nothing to record.

    ```mlir
    %y = qc.relu %x : tensor<4xf32>
    // becomes
    %e = tensor.empty() : tensor<4xf32>
    %y = linalg.generic {...} ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
    ^bb0(%in: f32, %out: f32):
      %r = arith.maximumf %in, %cst : f32
      linalg.yield %r : f32
    } -> tensor<4xf32>
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

//===----------------------------------------------------------------------===//
// GemmKernels: quantized matmuls onto the generated low-bit kernels
//===----------------------------------------------------------------------===//

def QCSelectGemmKernels
    : Pass<"qc-select-gemm-kernels", "::mlir::ModuleOp"> {
  let summary = "route quantized matmuls to generated low-bit GEMM kernels";
  let description = [{
    For every `qc.qmatmul` whose activations are u8 per tensor and whose
    weights are a constant symmetric signed tensor, and every `qc.qconv2d`
    of one image and one group (a matmul over its input patches: M = output
    pixels, K = Cin x KH x KW, N = Cout; convert-qc-to-linalg gathers them,
    im2col), with N >= 16, picks the kernel for its weights, N padded to a
    multiple of 64 and K to the format's block (zero weights):

    * int8 per tensor or per output channel (K padded to 4):
      `quantc_gemm_u8s8_<M>x<N>x<K>`, i32 result;
    * ternary, i.e. a storage range within [-1, 1] (K padded to 16):
      `quantc_gemm_u8t2_...`, 2-bit codes, i32 result;
    * int4 in groups of G along K (a sub-channel type, G a multiple of 8;
      pointwise convolutions only): `quantc_gemm_u8s4g<G>_...`, two codes
      per byte and f32 group scales, f32 result;

    builds it for `isa` (`avx512vnni`: vpdpbusd; `neon-dot`: sdot; `amx`:
    tdpbusd on AMX tiles for int8 products of whole tiles, M a multiple of
    16 and N and K padded to 64 with K grown by at most an eighth, named
    `..._amx`, and AVX-512 VNNI for the rest; see docs/Kernels.md), declares it in the module as a private `func.func` on
    memrefs (once per kind and shape; `qc-define-gemm-kernels` gives it its
    body after bufferization, whose deallocation analysis cannot see into
    the kernel's intrinsics), and names it in the op's `qc.gemm_kernel`
    attribute. convert-qc-to-linalg then packs the weights and calls the
    kernel (on the transposed input, for a convolution) instead of emitting
    generic integer loops, with exactly their result.

    With `avx512vnni` (and `direct-conv`), a `qc.qconv2d` of one image and
    one group with u8 per-tensor activations, int8 weights (ternary ones
    keep their 2-bit kernel), a width stride of 1 or 2 and at least 16
    output pixels a row (all pixels, for a pointwise one) gets
    `qc.direct_conv` instead: convert-qc-to-linalg packs its input into
    channel quads and quantc-tile-and-vectorize computes it directly, the
    registers along the output pixels (no patch matrix, no transposes).

    ```mlir
    %y = qc.qmatmul %xq, %wq, %b : ... tensor<1x128x!quant.uniform<u8:f32, ...>>, tensor<128x64x!quant.uniform<i8<-127:127>:f32:1, {...}>> ...
    // becomes
    %y = qc.qmatmul %xq, %wq, %b {qc.gemm_kernel = @quantc_gemm_u8s8_1x64x128} : ...
    func.func private @quantc_gemm_u8s8_1x64x128(memref<1x128xi8>, memref<1x32x256xi8>, memref<1x64xi32>)
        attributes {qc.gemm_kernel_spec = #qc.gemm_kernel<format = int8, isa = avx512vnni, m = 1, n = 64, k = 128, group = 0>}
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::LLVM::LLVMDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::vector::VectorDialect",
                           "::mlir::arm_neon::ArmNeonDialect",
                           "::mlir::amx::AMXDialect"];
  let options = [
    Option<"isa", "isa", "std::string", /*default=*/"\"avx512vnni\"",
           "the kernels' instructions: avx512vnni, avx2, neon-dot, neon-i8mm or amx">,
    Option<"directConv", "direct-conv", "bool", /*default=*/"true",
           "with avx512vnni or amx: route convolutions with rows of at least "
           "16 output pixels to the direct path (qc.direct_conv)">
  ];
  let statistics = [
    Statistic<"numSelected", "num-selected", "matmuls routed to a kernel">,
    Statistic<"numAmx", "num-amx", "of those, routed to AMX tile kernels">,
    Statistic<"numDirect", "num-direct", "convolutions routed to the direct path">
  ];
}

def QCDefineGemmKernels
    : Pass<"qc-define-gemm-kernels", "::mlir::ModuleOp"> {
  let summary = "give the GEMM kernels qc-select-gemm-kernels declared their bodies";
  let description = [{
    Replaces each kernel declaration carrying a `qc.gemm_kernel_spec`
    (`#qc.gemm_kernel<format, isa, m, n, k, group>`, typed and verified by
    the dialect) with the generated kernel (memref, scf, vector and the
    ISA's dot product; docs/Kernels.md). Runs after bufferization in
    qc-lower-to-llvm. Also makes each `vector.multi_reduction` marked
    `quantc.vnni_dot` (a direct convolution's sum of four u8 x s8 byte
    products per lane, from quantc-tile-and-vectorize) one
    `llvm.x86.avx512.vpdpbusd.512`: written as pure vector ops until then,
    because bufferization cannot see into an intrinsic call.

    With `emulate-amx-tiles`, AMX kernels write each tile instruction as
    AVX-512 VNNI code of the same semantics: a test aid that runs them bit
    for bit on hosts without AMX.

    `panel-group-kib` and `block-columns` set the AVX-512 VNNI (and AMX)
    kernels' blocking (GemmBlocking.h), which `quantc` chooses per CPU:
    packed B walked per panel group, and 64 (4 rows) or 32 (8 rows)
    columns per register block of a 64-column panel. Results are the same
    for every blocking.
  }];
  let options = [
    Option<"emulateAmxTiles", "emulate-amx-tiles", "bool", /*default=*/"false",
           "AMX kernels' tile instructions as AVX-512 VNNI code (a test aid)">,
    Option<"panelGroupKiB", "panel-group-kib", "int64_t", /*default=*/"512",
           "KiB of packed B per panel group (64 to 65536)">,
    Option<"blockColumns", "block-columns", "int64_t", /*default=*/"64",
           "columns per multi-row register block of a 64-column panel: 64 "
           "(4 rows) or 32 (8 rows)">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::LLVM::LLVMDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::vector::VectorDialect",
                           "::mlir::arm_neon::ArmNeonDialect",
                           "::mlir::amx::AMXDialect"];
}

def QCLowerAmxTiles : Pass<"qc-lower-amx-tiles", "::mlir::ModuleOp"> {
  let summary = "lower the AMX kernels' tiles to LLVM, with the branches that carry them";
  let description = [{
    In each function that holds `amx` ops (the AMX GEMM kernels of
    `qc-define-gemm-kernels`), converts those ops and the function's `cf`
    branches to the LLVM dialect in one conversion. After scf-to-cf the
    accumulator tiles are block arguments of the step loop's blocks, and
    only a type converter that knows `!amx.tile` (as `x86_amx`) can convert
    the branches that pass them: convert-openmp-to-llvm cannot convert a
    worksharing loop whose body holds one, nor cf-to-llvm a branch. Runs in
    qc-lower-to-llvm after scf-to-cf, when the kernels are AMX ones.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

#endif // QUANTC_CONVERSION_PASSES_TD
