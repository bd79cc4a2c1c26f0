//===- SelectGemmKernels.cpp - qc.qmatmul onto generated GEMM kernels -----===//
//
// Part of quantc. Picks, for each quantized matmul the low-bit kernels
// can take, the kernel the lowering calls, and builds it into the module
// (once per shape).
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QC/IR/QCConstants.h"
#include "quantc/Dialect/QC/IR/QCOps.h"
#include "quantc/Dialect/QC/Transforms/Passes.h"
#include "quantc/Kernels/LowBitGemm.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Builders.h"

namespace quantc::qc {
#define GEN_PASS_DEF_QCSELECTGEMMKERNELS
#define GEN_PASS_DEF_QCDEFINEGEMMKERNELS
#include "quantc/Dialect/QC/Transforms/Passes.h.inc"
} // namespace quantc::qc

/// On a kernel declaration: its M, N, K and ISA, for qc-define-gemm-kernels.
static constexpr llvm::StringLiteral kShapeAttr = "qc.gemm_shape";
static constexpr llvm::StringLiteral kIsaAttr = "qc.gemm_isa";

using namespace mlir;
using namespace quantc::qc;

/// Whether the kernels compute `op` exactly: u8 per-tensor activations,
/// constant symmetric i8 weights, N a multiple of 64 and K of 4.
static bool kernelCanTake(QMatMulOp op) {
  auto a = dyn_cast<quant::UniformQuantizedType>(
      op.getLhs().getType().getElementType());
  Type wElement = op.getRhs().getType().getElementType();
  auto wPerAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(wElement);
  auto wPerTensor = dyn_cast<quant::UniformQuantizedType>(wElement);
  if (!a || a.isSigned() || a.getStorageTypeIntegralWidth() != 8)
    return false;
  if (wPerAxis) {
    if (wPerAxis.getQuantizedDimension() != 1 || !wPerAxis.isSigned() ||
        llvm::any_of(wPerAxis.getZeroPoints(),
                     [](int64_t z) { return z != 0; }))
      return false;
  } else if (!wPerTensor || !wPerTensor.isSigned() ||
             wPerTensor.getZeroPoint() != 0) {
    return false;
  }
  auto shape = op.getRhs().getType().getShape();
  return shape[1] % quantc::kVnniPanelColumns == 0 && shape[0] % 4 == 0 &&
         readI8Constant(op.getRhs()).has_value();
}

/// Whether the kernels compute the 1x1 convolution `op` exactly, as a
/// matmul over channels: one image, unit strides and dilations, no
/// padding, one group, u8 per-tensor input, constant symmetric i8 weights
/// per output channel, Cout a multiple of 64 and Cin of 4.
static bool kernelCanTake(QConv2DOp op) {
  auto x = dyn_cast<quant::UniformQuantizedType>(
      op.getInput().getType().getElementType());
  auto w = dyn_cast<quant::UniformQuantizedPerAxisType>(
      op.getWeight().getType().getElementType());
  auto wShape = op.getWeight().getType().getShape();
  auto one = [](ArrayRef<int64_t> v) {
    return llvm::all_of(v, [](int64_t e) { return e == 1; });
  };
  if (!x || x.isSigned() || x.getStorageTypeIntegralWidth() != 8 || !w ||
      w.getQuantizedDimension() != 0 || !w.isSigned() ||
      llvm::any_of(w.getZeroPoints(), [](int64_t z) { return z != 0; }))
    return false;
  return op.getInput().getType().getDimSize(0) == 1 && wShape[2] == 1 &&
         wShape[3] == 1 && op.getGroup() == 1 && one(op.getStrides()) &&
         one(op.getDilations()) &&
         llvm::all_of(op.getPads(), [](int64_t p) { return p == 0; }) &&
         wShape[0] % quantc::kVnniPanelColumns == 0 && wShape[1] % 4 == 0 &&
         readI8Constant(op.getWeight()).has_value();
}

namespace {
struct QCSelectGemmKernelsPass
    : public quantc::qc::impl::QCSelectGemmKernelsBase<
          QCSelectGemmKernelsPass> {
  using QCSelectGemmKernelsBase::QCSelectGemmKernelsBase;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (isa != "avx512vnni" && isa != "neon-dot") {
      module.emitError("unknown kernel ISA '")
          << isa << "'; expected avx512vnni or neon-dot";
      return signalPassFailure();
    }
    // Each routed op with its GEMM shape.
    SmallVector<std::pair<Operation *, quantc::GemmShape>> routed;
    module.walk([&](Operation *op) {
      quantc::GemmShape shape;
      if (auto matmul = dyn_cast<QMatMulOp>(op); matmul && kernelCanTake(matmul)) {
        shape.m = matmul.getLhs().getType().getDimSize(0);
        shape.k = matmul.getRhs().getType().getDimSize(0);
        shape.n = matmul.getRhs().getType().getDimSize(1);
      } else if (auto conv = dyn_cast<QConv2DOp>(op); conv && kernelCanTake(conv)) {
        auto in = conv.getInput().getType();
        shape.m = in.getDimSize(2) * in.getDimSize(3);
        shape.k = in.getDimSize(1);
        shape.n = conv.getWeight().getType().getDimSize(0);
      } else {
        return;
      }
      routed.push_back({op, shape});
    });
    for (auto [op, shape] : routed) {
      std::string name = "quantc_gemm_u8s8_" + std::to_string(shape.m) + "x" +
                         std::to_string(shape.n) + "x" +
                         std::to_string(shape.k);
      if (!module.lookupSymbol(name)) {
        // Declared now, defined after bufferization (qc-define-gemm-kernels):
        // buffer deallocation cannot see into the kernel's intrinsics.
        OpBuilder b(module.getBodyRegion());
        Type i8 = b.getI8Type();
        auto type = b.getFunctionType(
            {MemRefType::get({shape.m, shape.k}, i8),
             MemRefType::get({shape.n / quantc::kVnniPanelColumns,
                              shape.k / 4, 4 * quantc::kVnniPanelColumns},
                             i8),
             MemRefType::get({shape.m, shape.n}, b.getI32Type())},
            {});
        auto declaration = func::FuncOp::create(b, module.getLoc(), name, type);
        declaration.setPrivate();
        declaration->setAttr(kShapeAttr, b.getDenseI64ArrayAttr(
                                             {shape.m, shape.n, shape.k}));
        declaration->setAttr(kIsaAttr, b.getStringAttr(isa));
      }
      op->setAttr(kGemmKernelAttr,
                  FlatSymbolRefAttr::get(module.getContext(), name));
      ++numSelected;
    }
  }
};
} // namespace

namespace {
struct QCDefineGemmKernelsPass
    : public quantc::qc::impl::QCDefineGemmKernelsBase<
          QCDefineGemmKernelsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<func::FuncOp> declarations;
    for (auto func : module.getOps<func::FuncOp>())
      if (func.isExternal() && func->hasAttr(kShapeAttr))
        declarations.push_back(func);
    for (func::FuncOp declaration : declarations) {
      ArrayRef<int64_t> dims =
          declaration->getAttrOfType<DenseI64ArrayAttr>(kShapeAttr).asArrayRef();
      quantc::GemmShape shape;
      shape.m = dims[0];
      shape.n = dims[1];
      shape.k = dims[2];
      auto isa = declaration->getAttrOfType<StringAttr>(kIsaAttr);
      std::string name = declaration.getSymName().str();
      declaration.erase();
      quantc::buildLowBitGemm(module, name, shape,
                              isa && isa.getValue() == "neon-dot"
                                  ? quantc::KernelIsa::NeonDot
                                  : quantc::KernelIsa::Avx512Vnni);
      module.lookupSymbol<func::FuncOp>(name).setPrivate();
    }
  }
};
} // namespace
