//===- NarrowConvs.cpp - convolutions on narrow images as matmuls --------===//
//
// Part of quantc. See NarrowConvs.h.
//
//===----------------------------------------------------------------------===//

#include "NarrowConvs.h"

#include "ZeroFill.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace {
/// Output rows at most this wide leave a quarter of a panel's register
/// empty or more. 256 -> 256 channels 3x3 on Zen 4, row panels against
/// the patch matrix: 9 x 9 1.49 -> 1.06 ms, 10 x 10 1.67 -> 1.39, 11 x 11
/// 1.83 -> 1.78, 12 x 12 (128 channels) 0.51 -> 0.43. A 13 x 13 image's
/// 169 pixels would take one-row panels of 11 registers.
constexpr int64_t kMaxNarrowWidth = 12;
/// The patch matrix stays in L2 (Zen 4 and Sapphire Rapids: 1-2 MiB).
constexpr int64_t kMaxPatchBytes = 2 << 20;

/// Whether `conv` is an f32 convolution of one image, all shapes static,
/// whose rows are narrow and whose patch matrix is small.
bool isNarrow(linalg::Conv2DNchwFchwOp conv) {
  if (!conv.hasPureTensorSemantics())
    return false;
  auto f32Static = [](Type type) {
    auto shaped = dyn_cast<RankedTensorType>(type);
    return shaped && shaped.hasStaticShape() && shaped.getElementType().isF32();
  };
  if (!llvm::all_of(conv->getOperandTypes(), f32Static))
    return false;
  ArrayRef<int64_t> out =
      cast<RankedTensorType>(conv.getResult(0).getType()).getShape();
  ArrayRef<int64_t> filter =
      cast<RankedTensorType>(conv.getInputs()[1].getType()).getShape();
  int64_t pixels = out[2] * out[3];
  int64_t patchBytes = filter[1] * filter[2] * filter[3] * pixels * 4;
  return out[0] == 1 && out[3] <= kMaxNarrowWidth && pixels >= 16 &&
         patchBytes <= kMaxPatchBytes;
}

void convertToMatmul(RewriterBase &rewriter, linalg::Conv2DNchwFchwOp conv) {
  Location loc = conv.getLoc();
  MLIRContext *context = rewriter.getContext();
  Value input = conv.getInputs()[0], filter = conv.getInputs()[1],
        output = conv.getOutputs()[0];
  auto outType = cast<RankedTensorType>(conv.getResult(0).getType());
  ArrayRef<int64_t> w = cast<RankedTensorType>(filter.getType()).getShape();
  int64_t channels = w[1], kh = w[2], kw = w[3];
  int64_t filters = outType.getDimSize(1), oh = outType.getDimSize(2),
          ow = outType.getDimSize(3);
  auto strides = llvm::to_vector(conv.getStrides().getValues<int64_t>());
  auto dilations = llvm::to_vector(conv.getDilations().getValues<int64_t>());
  Type f32 = rewriter.getF32Type();
  rewriter.setInsertionPoint(conv);

  // patches[c, kh, kw, oh, ow] = x[0, c, oh sh + kh dh, ow sw + kw dw].
  auto d = [&](unsigned i) { return getAffineDimExpr(i, context); };
  SmallVector<AffineMap> maps = {
      AffineMap::get(5, 0,
                     {getAffineConstantExpr(0, context), d(0),
                      d(3) * strides[0] + d(1) * dilations[0],
                      d(4) * strides[1] + d(2) * dilations[1]},
                     context),
      rewriter.getMultiDimIdentityMap(5)};
  SmallVector<int64_t> patchShape = {channels, kh, kw, oh, ow};
  auto patches = linalg::GenericOp::create(
      rewriter, loc, RankedTensorType::get(patchShape, f32), ValueRange{input},
      ValueRange{tensor::EmptyOp::create(rewriter, loc, patchShape, f32)}, maps,
      SmallVector<utils::IteratorType>(5, utils::IteratorType::parallel),
      [](OpBuilder &b, Location l, ValueRange args) {
        linalg::YieldOp::create(b, l, args[0]);
      });
  Value x = tensor::CollapseShapeOp::create(
      rewriter, loc, patches.getResult(0),
      SmallVector<ReassociationIndices>{{0, 1, 2}, {3, 4}});
  Value weights = tensor::CollapseShapeOp::create(
      rewriter, loc, filter, SmallVector<ReassociationIndices>{{0}, {1, 2, 3}});

  // The output as [F, OH OW]: a zero fill of it becomes the matmul's own,
  // which the panel then drops.
  SmallVector<ReassociationIndices> outputGroups = {{0, 1}, {2, 3}};
  linalg::FillOp fill = quantc::soleZeroFill(output);
  Value init =
      fill
          ? linalg::FillOp::create(rewriter, loc, fill.getInputs(),
                                   ValueRange{tensor::EmptyOp::create(
                                       rewriter, loc, {filters, oh * ow}, f32)})
                .getResult(0)
          : tensor::CollapseShapeOp::create(rewriter, loc, output, outputGroups)
                .getResult();
  auto matmul = linalg::MatmulOp::create(rewriter, loc, ValueRange{weights, x},
                                         ValueRange{init});
  rewriter.replaceOp(conv, tensor::ExpandShapeOp::create(rewriter, loc, outType,
                                                         matmul.getResult(0),
                                                         outputGroups));
  if (fill) // soleZeroFill: the convolution was its only reader.
    rewriter.eraseOp(fill);
}
} // namespace

void quantc::convertNarrowConvsToMatmuls(RewriterBase &rewriter,
                                         func::FuncOp func) {
  SmallVector<linalg::Conv2DNchwFchwOp> narrow;
  func.walk([&](linalg::Conv2DNchwFchwOp conv) {
    if (isNarrow(conv))
      narrow.push_back(conv);
  });
  for (linalg::Conv2DNchwFchwOp conv : narrow)
    convertToMatmul(rewriter, conv);
}
