//===- GemmKernels.cpp - qc.qmatmul onto generated GEMM kernels -----------===//
//
// Part of quantc. Picks, for each quantized matmul the low-bit kernels
// can take, the kernel the lowering calls, and builds it into the module
// (once per shape).
//
//===----------------------------------------------------------------------===//

#include "quantc/Conversion/GemmKernels/GemmKernels.h"
#include "quantc/Conversion/Passes.h"
#include "quantc/Dialect/QC/IR/QCConstants.h"
#include "quantc/Dialect/QC/IR/QCOps.h"
#include "quantc/Dialect/QC/Transforms/Passes.h"
#include "quantc/Kernels/LowBitGemm.h"
#include "quantc/Support/PackedDotConv.h"

#include "mlir/Dialect/AMX/AMXDialect.h"
#include "mlir/Dialect/ArmNeon/ArmNeonDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Builders.h"

namespace quantc {
#define GEN_PASS_DEF_QCSELECTGEMMKERNELS
#define GEN_PASS_DEF_QCDEFINEGEMMKERNELS
#define GEN_PASS_DEF_QCLOWERAMXTILES
#include "quantc/Conversion/Passes.h.inc"
} // namespace quantc

using namespace mlir;
using namespace quantc::qc;

/// The weight format a kernel takes the quantized weight type `w` in, and
/// (int4) its group size, when `w` is symmetric and signed with its
/// channels along `channelAxis` (per tensor also goes): int8, ternary
/// (storage range within [-1, 1]) or int4 in groups along `blockAxis`.
static std::optional<quantc::GemmShape>
kernelWeightFormat(Type w, int64_t channelAxis, int64_t blockAxis) {
  auto quantized = dyn_cast<quant::QuantizedType>(w);
  if (!quantized || !quantized.isSigned() ||
      quantized.getStorageTypeIntegralWidth() != 8)
    return std::nullopt;
  quantc::GemmShape shape;
  shape.format =
      quantized.getStorageTypeMin() >= -1 && quantized.getStorageTypeMax() <= 1
          ? quantc::WeightFormat::Ternary
          : quantc::WeightFormat::Int8;
  auto zero = [](int64_t z) { return z == 0; };
  if (auto perTensor = dyn_cast<quant::UniformQuantizedType>(w))
    return perTensor.getZeroPoint() == 0 ? std::optional(shape) : std::nullopt;
  if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(w))
    return perAxis.getQuantizedDimension() == channelAxis &&
                   llvm::all_of(perAxis.getZeroPoints(), zero)
               ? std::optional(shape)
               : std::nullopt;
  auto blocked = dyn_cast<quant::UniformQuantizedSubChannelType>(w);
  if (!blocked || quantized.getStorageTypeMin() < -8 ||
      quantized.getStorageTypeMax() > 7 ||
      llvm::any_of(blocked.getZeroPoints().getValues<APInt>(),
                   [](const APInt &z) { return !z.isZero(); }))
    return std::nullopt;
  for (auto [dim, size] : blocked.getBlockSizeInfo()) {
    if (dim == blockAxis)
      shape.groupSize = size;
    else if (size != 1)
      return std::nullopt;
  }
  shape.format = quantc::WeightFormat::Int4;
  return shape.groupSize % 8 == 0 ? std::optional(shape) : std::nullopt;
}

/// Narrower outputs stay in the generic loops: padding N to a register's
/// 16 lanes would waste more than half of the kernel's work.
static constexpr int64_t kMinKernelColumns = 16;

static int64_t roundUp(int64_t value, int64_t multiple) {
  return (value + multiple - 1) / multiple * multiple;
}

/// Whether a kernel for `isa` computes the product of `shape` (its real
/// M, N, K) exactly, and the kernel's shape: u8 per-tensor activations
/// `a`; N padded with zero columns to a multiple of the panel width (64;
/// on AVX-512 VNNI the panel narrows where 64 would pad much more than 16
/// would: 24 columns take one panel of 32, not one of 64), K (int8,
/// ternary) to the format's block with zero rows (A padded with zeros: the
/// products vanish), int4 groups dividing K. AMX takes an int8 product of
/// whole tiles (M a multiple of 16; N and K padded to 64, K by at most an
/// eighth more than to 4: zero rows are work too); `isa` becomes AVX-512
/// VNNI for the rest.
static bool kernelFits(Type a, quantc::KernelIsa &isa,
                       quantc::GemmShape &shape) {
  auto act = dyn_cast<quant::UniformQuantizedType>(a);
  if (!act || act.isSigned() || act.getStorageTypeIntegralWidth() != 8 ||
      shape.n < kMinKernelColumns)
    return false;
  if (isa == quantc::KernelIsa::Amx) {
    quantc::GemmShape tiles = shape;
    tiles.n = roundUp(shape.n, quantc::kVnniPanelColumns);
    tiles.k = roundUp(shape.k, 64);
    if (quantc::amxGemmTakes(tiles) && 8 * tiles.k <= 9 * roundUp(shape.k, 4)) {
      shape = tiles;
      return true;
    }
    isa = quantc::KernelIsa::Avx512Vnni;
  }
  if (isa == quantc::KernelIsa::Avx512Vnni) {
    shape.panelColumns = quantc::narrowPanelColumns(shape.n);
    shape.n = roundUp(shape.n, shape.panelColumns);
  } else {
    shape.n = roundUp(shape.n, quantc::kVnniPanelColumns);
  }
  if (shape.format != quantc::WeightFormat::Int4)
    shape.k = roundUp(shape.k, quantc::kPerBlock(shape.format));
  return quantc::vnniGemmUnsupported(shape).empty();
}

/// The kernel shape for `op`: constant weights [K, N], see kernelFits.
static std::optional<quantc::GemmShape> kernelFor(QMatMulOp op,
                                                  quantc::KernelIsa &isa) {
  auto rhs = op.getRhs().getType();
  std::optional<quantc::GemmShape> shape =
      kernelWeightFormat(rhs.getElementType(), 1, 0);
  if (!shape || op.getLhs().getType().getRank() != 2 || rhs.getRank() != 2)
    return std::nullopt;
  shape->m = op.getLhs().getType().getDimSize(0);
  shape->k = rhs.getDimSize(0);
  shape->n = rhs.getDimSize(1);
  if (!kernelFits(op.getLhs().getType().getElementType(), isa, *shape) ||
      !readI8Constant(op.getRhs()))
    return std::nullopt;
  return shape;
}

/// Whether `op` is 1x1 with unit strides and no padding.
static bool isPointwise(QConv2DOp op) {
  auto wShape = op.getWeight().getType().getShape();
  return wShape[2] == 1 && wShape[3] == 1 && op.hasUnitStridesAndNoPadding();
}

/// The kernel shape for a convolution of one image and one group, a
/// matmul over its input patches (im2col in the lowering): M = output
/// pixels, K = Cin x KH x KW, N = Cout, constant weights per output
/// channel; int4 groups along the input channels only for pointwise ones
/// (1x1, unit strides, no padding).
static std::optional<quantc::GemmShape> kernelFor(QConv2DOp op,
                                                  quantc::KernelIsa &isa) {
  auto wShape = op.getWeight().getType().getShape();
  auto in = op.getInput().getType();
  auto out = op.getType();
  std::optional<quantc::GemmShape> shape =
      kernelWeightFormat(op.getWeight().getType().getElementType(), 0, 1);
  if (!shape || !in.hasStaticShape() || !out.hasStaticShape() ||
      in.getDimSize(0) != 1 || op.getGroup() != 1)
    return std::nullopt;
  if (shape->format == quantc::WeightFormat::Int4 && !isPointwise(op))
    return std::nullopt;
  shape->m = out.getDimSize(2) * out.getDimSize(3);
  shape->k = wShape[1] * wShape[2] * wShape[3];
  shape->n = wShape[0];
  if (!kernelFits(in.getElementType(), isa, *shape) ||
      !readI8Constant(op.getWeight()))
    return std::nullopt;
  return shape;
}

/// The output pixels a direct convolution's registers run along: a row's
/// width, or every pixel of a pointwise one (its image is one long row).
static int64_t directConvLanes(QConv2DOp op) {
  auto out = op.getType();
  return isPointwise(op) ? out.getDimSize(2) * out.getDimSize(3)
                         : out.getDimSize(3);
}

/// Whether AVX-512 VNNI takes `op` as a direct convolution (the lowering's
/// lowerDirect): one image and one group, u8 per-tensor activations,
/// constant symmetric int8 weights (ternary ones keep the kernel's 2-bit
/// storage; the direct path holds a byte per weight), a width stride of 1
/// or 2, and a row of at least 16 output pixels to fill a register. Narrower
/// rows (a squeeze-excite layer's 1 x 1 image) keep the GEMM kernel, whose
/// registers run along the output channels. Pointwise ones go direct with
/// any number of input channels (docs/Kernels.md measures them).
static bool directConvFits(QConv2DOp op, quantc::KernelIsa isa) {
  auto in = op.getInput().getType();
  auto act = dyn_cast<quant::UniformQuantizedType>(in.getElementType());
  std::optional<quantc::GemmShape> format =
      kernelWeightFormat(op.getWeight().getType().getElementType(), 0, 1);
  return (isa == quantc::KernelIsa::Avx512Vnni ||
          isa == quantc::KernelIsa::Amx) &&
         act && !act.isSigned() && act.getStorageTypeIntegralWidth() == 8 &&
         format && format->format == quantc::WeightFormat::Int8 &&
         in.hasStaticShape() && op.getType().hasStaticShape() &&
         in.getDimSize(0) == 1 && op.getGroup() == 1 &&
         op.getStrides()[1] <= 2 && directConvLanes(op) >= 16 &&
         readI8Constant(op.getWeight());
}

namespace {
struct QCSelectGemmKernelsPass
    : public quantc::impl::QCSelectGemmKernelsBase<QCSelectGemmKernelsPass> {
  using QCSelectGemmKernelsBase::QCSelectGemmKernelsBase;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    std::optional<quantc::KernelIsa> kernelIsa = quantc::parseKernelIsa(isa);
    if (!kernelIsa) {
      module.emitError("unknown kernel ISA '")
          << isa << "'; expected avx512vnni, avx2, neon-dot, neon-i8mm or amx";
      return signalPassFailure();
    }
    // Each routed op with its GEMM shape and the ISA of its kernel.
    SmallVector<std::tuple<Operation *, quantc::GemmShape, quantc::KernelIsa>>
        routed;
    module.walk([&](Operation *op) {
      std::optional<quantc::GemmShape> shape;
      quantc::KernelIsa opIsa = *kernelIsa;
      if (auto matmul = dyn_cast<QMatMulOp>(op))
        shape = kernelFor(matmul, opIsa);
      else if (auto conv = dyn_cast<QConv2DOp>(op)) {
        if (directConv && directConvFits(conv, *kernelIsa)) {
          conv->setAttr(kDirectConvAttr, UnitAttr::get(conv.getContext()));
          ++numDirect;
          return;
        }
        shape = kernelFor(conv, opIsa);
      }
      if (shape)
        routed.push_back({op, *shape, opIsa});
    });
    for (auto [op, shape, opIsa] : routed) {
      std::string kind = shape.format == quantc::WeightFormat::Int4
                             ? "u8s4g" + std::to_string(shape.groupSize)
                         : shape.format == quantc::WeightFormat::Ternary
                             ? "u8t2"
                             : "u8s8";
      std::string name = "quantc_gemm_" + kind + "_" + std::to_string(shape.m) +
                         "x" + std::to_string(shape.n) + "x" +
                         std::to_string(shape.k);
      if (shape.panelColumns != quantc::kVnniPanelColumns)
        name += "_p" + std::to_string(shape.panelColumns);
      if (opIsa == quantc::KernelIsa::Amx) {
        name += quantc::kAmxKernelSuffix;
        ++numAmx;
      }
      if (!module.lookupSymbol(name)) {
        // Declared now, defined after bufferization (qc-define-gemm-kernels):
        // buffer deallocation cannot see into the kernel's intrinsics.
        OpBuilder b(module.getBodyRegion());
        auto declaration = func::FuncOp::create(
            b, module.getLoc(), name,
            quantc::lowBitGemmType(module.getContext(), shape));
        declaration.setPrivate();
        declaration->setAttr(
            kGemmKernelSpecAttr,
            quantc::gemmKernelSpec(module.getContext(), shape, opIsa));
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
    : public quantc::impl::QCDefineGemmKernelsBase<QCDefineGemmKernelsPass> {
  using QCDefineGemmKernelsBase::QCDefineGemmKernelsBase;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    quantc::GemmBlocking blocking{panelGroupKiB, blockColumns};
    std::string unsupported = quantc::gemmBlockingUnsupported(blocking);
    if (!unsupported.empty()) {
      module.emitError("qc-define-gemm-kernels: ") << unsupported;
      return signalPassFailure();
    }
    SmallVector<func::FuncOp> declarations;
    for (auto func : module.getOps<func::FuncOp>())
      if (func.isExternal() && func->hasAttr(kGemmKernelSpecAttr))
        declarations.push_back(func);
    for (func::FuncOp declaration : declarations) {
      // The dialect verified the attribute's type: no default to fall to.
      auto spec =
          declaration->getAttrOfType<GemmKernelAttr>(kGemmKernelSpecAttr);
      std::string name = declaration.getSymName().str();
      declaration.erase();
      quantc::buildLowBitGemm(module, name, quantc::gemmShape(spec),
                              quantc::kernelIsa(spec.getIsa()),
                              emulateAmxTiles ? quantc::TileCode::VnniEmulation
                                              : quantc::TileCode::Amx,
                              blocking);
      module.lookupSymbol<func::FuncOp>(name).setPrivate();
    }
    // The direct convolutions' dot products (quantc-tile-and-vectorize
    // writes them as pure vector ops, which bufferization can see through):
    // now one vpdpbusd each.
    SmallVector<vector::MultiDimReductionOp> dots;
    module.walk([&](vector::MultiDimReductionOp reduction) {
      if (reduction->hasAttr(quantc::kVnniDotAttr))
        dots.push_back(reduction);
    });
    for (vector::MultiDimReductionOp reduction : dots)
      if (failed(rewriteVnniDot(reduction))) {
        reduction.emitOpError("is marked ")
            << quantc::kVnniDotAttr
            << " but is not a sum of u8 x s8 byte products";
        return signalPassFailure();
      }
  }

  /// acc + sum over groups of four of zext(x) * sext(w), x and w bytes
  /// (BroadcastPanels.cpp): llvm.x86.avx512.vpdpbusd.512.
  static LogicalResult rewriteVnniDot(vector::MultiDimReductionOp reduction) {
    auto cast = reduction.getSource().getDefiningOp<vector::ShapeCastOp>();
    auto product = cast ? cast.getSource().getDefiningOp<arith::MulIOp>()
                        : arith::MulIOp();
    auto x = product ? product.getLhs().getDefiningOp<arith::ExtUIOp>()
                     : arith::ExtUIOp();
    auto w = product ? product.getRhs().getDefiningOp<arith::ExtSIOp>()
                     : arith::ExtSIOp();
    auto bytes =
        VectorType::get({64}, IntegerType::get(reduction.getContext(), 8));
    if (!x || !w || x.getIn().getType() != bytes ||
        w.getIn().getType() != bytes ||
        reduction.getKind() != vector::CombiningKind::ADD ||
        reduction.getReductionMask() != ArrayRef<bool>{false, true} ||
        cast.getResultVectorType().getShape() != ArrayRef<int64_t>{16, 4})
      return failure();
    OpBuilder b(reduction);
    Value dot = LLVM::CallIntrinsicOp::create(
                    b, reduction.getLoc(), reduction.getType(),
                    b.getStringAttr("llvm.x86.avx512.vpdpbusd.512"),
                    ValueRange{reduction.getAcc(), x.getIn(), w.getIn()})
                    .getResult(0);
    reduction.replaceAllUsesWith(dot);
    reduction.erase();
    for (Operation *dead : {cast.getOperation(), product.getOperation(),
                            x.getOperation(), w.getOperation()})
      if (dead->use_empty())
        dead->erase();
    return success();
  }
};
} // namespace

namespace {
struct QCLowerAmxTilesPass
    : public quantc::impl::QCLowerAmxTilesBase<QCLowerAmxTilesPass> {
  void runOnOperation() override {
    if (failed(quantc::lowerAmxTiles(getOperation())))
      signalPassFailure();
  }
};
} // namespace
