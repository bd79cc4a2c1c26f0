//===- GroupedProduct.cpp - products with int4 group-scaled weights -------===//
//
// Part of quantc. See GroupedProduct.h for the contract.
//
//===----------------------------------------------------------------------===//

#include "GroupedProduct.h"
#include "LoweringUtils.h"

#include "quantc/Dialect/QC/IR/QCConstants.h"
#include "quantc/Dialect/QC/IR/QCOps.h"
#include "quantc/Kernels/LowBitGemm.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"

using namespace mlir;
using namespace quantc::lowering;

std::optional<GroupedWeights>
quantc::lowering::readGroupedWeights(Value weight, bool pointwiseConv) {
  auto type = cast<RankedTensorType>(weight.getType());
  auto blocked =
      dyn_cast<quant::UniformQuantizedSubChannelType>(type.getElementType());
  std::optional<std::vector<int8_t>> values = qc::readI8Constant(weight);
  ArrayRef<int64_t> shape = type.getShape();
  if (!blocked || !values ||
      shape.size() != (pointwiseConv ? 4u : 2u) ||
      (pointwiseConv && (shape[2] != 1 || shape[3] != 1)) ||
      llvm::any_of(blocked.getZeroPoints().getValues<APInt>(),
                   [](const APInt &z) { return !z.isZero(); }))
    return std::nullopt;
  int64_t blockAxis = pointwiseConv ? 1 : 0;
  GroupedWeights w;
  for (auto [dim, size] : blocked.getBlockSizeInfo()) {
    if (dim == blockAxis)
      w.group = size;
    else if (size != 1)
      return std::nullopt;
  }
  w.k = pointwiseConv ? shape[1] : shape[0];
  w.n = pointwiseConv ? shape[0] : shape[1];
  if (w.group <= 0 || w.k % w.group)
    return std::nullopt;
  int64_t groups = w.k / w.group;
  SmallVector<float> scales;
  for (const APFloat &s : blocked.getScales().getValues<APFloat>())
    scales.push_back(s.convertToFloat());
  w.kn.resize(w.k * w.n);
  w.scales.resize(groups * w.n);
  if (!pointwiseConv) {
    w.kn = std::move(*values);
    w.scales.assign(scales.begin(), scales.end());
    return w;
  }
  // [Cout][Cin] values and [Cout][Cin / G] scales, transposed.
  for (int64_t o = 0; o < w.n; ++o) {
    for (int64_t c = 0; c < w.k; ++c)
      w.kn[c * w.n + o] = (*values)[o * w.k + c];
    for (int64_t g = 0; g < groups; ++g)
      w.scales[g * w.n + o] = scales[o * groups + g];
  }
  return w;
}

LogicalResult quantc::lowering::checkBlockedWeights(Operation *op) {
  Value weight, activation, bias;
  bool pointwise = false;
  if (auto matmul = dyn_cast<qc::QMatMulOp>(op)) {
    weight = matmul.getRhs();
    activation = matmul.getLhs();
    bias = matmul.getBias();
  } else if (auto conv = dyn_cast<qc::QConv2DOp>(op)) {
    weight = conv.getWeight();
    activation = conv.getInput();
    bias = conv.getBias();
    pointwise = true;
    if (isa<quant::UniformQuantizedSubChannelType>(
            conv.getWeight().getType().getElementType()) &&
        (conv.getInput().getType().getDimSize(0) != 1 ||
         !conv.hasUnitStridesAndNoPadding()))
      return op->emitOpError("with blocked weights is lowered for one image, "
                             "unit strides and no padding only");
  } else {
    return success();
  }
  auto element = cast<RankedTensorType>(weight.getType()).getElementType();
  if (!isa<quant::UniformQuantizedSubChannelType>(element))
    return success();
  auto floatType = [](Value v) {
    return isa<FloatType>(cast<RankedTensorType>(v.getType()).getElementType());
  };
  if (!readGroupedWeights(weight, pointwise))
    return op->emitOpError(
        "blocked weights must be constant and symmetric, in blocks along the "
        "contraction dimension (K, or a pointwise convolution's input "
        "channels) with one scale per block and output channel");
  if (!isa<quant::UniformQuantizedType>(
          cast<RankedTensorType>(activation.getType()).getElementType()) ||
      !floatType(op->getResult(0)) || (bias && !floatType(bias)))
    return op->emitOpError("with blocked weights needs per-tensor "
                           "activations, a float result and a float bias");
  return success();
}

template <typename T>
static ArrayRef<char> bytesOf(ArrayRef<T> values) {
  return ArrayRef<char>(reinterpret_cast<const char *>(values.data()),
                        values.size() * sizeof(T));
}

/// c [M][N] through the int4 kernel of `np` >= N columns: A's buffer, the
/// packed codes and scales (zero past N), and an f32 result buffer.
static Value kernelSums(OpBuilder &b, Location loc, Value rows,
                        const GroupedWeights &w, FlatSymbolRefAttr kernel,
                        int64_t np, int64_t panelColumns) {
  int64_t m = cast<RankedTensorType>(rows.getType()).getDimSize(0);
  int64_t panels = np / panelColumns, groups = w.k / w.group;
  std::vector<int8_t> kn = padColumns<int8_t>(w.kn, w.k, w.n, np);
  std::vector<float> groupScales =
      padColumns<float>(w.scales, groups, w.n, np);
  std::vector<uint8_t> codes = quantc::packLowBitWeights(
      kn, w.k, np, quantc::WeightFormat::Int4, panelColumns);
  std::vector<float> scales =
      quantc::packGroupScales(groupScales, w.k, np, w.group, panelColumns);
  Value packedCodes = blobConstant(
      b, loc,
      RankedTensorType::get({panels, w.k / 8, 4 * panelColumns}, b.getI8Type()),
      "packed_int4_weights", bytesOf(ArrayRef<uint8_t>(codes)));
  Value packedScales =
      blobConstant(b, loc,
                   RankedTensorType::get({panels, w.k / w.group, panelColumns},
                                         b.getF32Type()),
                   "packed_group_scales", bytesOf(ArrayRef<float>(scales)));
  return callKernel(b, loc, kernel, {rows, packedCodes, packedScales},
                    b.getF32Type(), m, np, w.n);
}

/// c [M][N] in generic loops: the exact i32 sums per group d [M][G'][N],
/// then their fma fold in ascending group order (a reduction linalg keeps
/// as a sequential loop: fma is no combiner it reassociates).
static Value genericSums(OpBuilder &b, Location loc, Value rows,
                         const GroupedWeights &w, bool lhsSigned) {
  int64_t m = cast<RankedTensorType>(rows.getType()).getDimSize(0);
  int64_t groups = w.k / w.group;
  Type i32 = b.getI32Type(), f32 = b.getF32Type();
  Value a3 = reshapeTo(b, loc, rows, {m, groups, w.group});
  Value w3 = blobConstant(
      b, loc, RankedTensorType::get({groups, w.group, w.n}, b.getI8Type()),
      "int4_weights_kn", bytesOf(ArrayRef<int8_t>(w.kn)));
  MLIRContext *context = b.getContext();
  auto dims = [&](ArrayRef<unsigned> positions, unsigned count) {
    SmallVector<AffineExpr> exprs;
    for (unsigned p : positions)
      exprs.push_back(getAffineDimExpr(p, context));
    return AffineMap::get(count, 0, exprs, context);
  };
  using linalg::GenericOp;
  using utils::IteratorType;
  auto partialType = RankedTensorType::get({m, groups, w.n}, i32);
  // (m, g, n, kk): d[m][g][n] += a[m][g][kk] * w[g][kk][n].
  Value partial =
      GenericOp::create(
          b, loc, TypeRange{partialType}, ValueRange{a3, w3},
          ValueRange{filledTensor(b, loc, partialType, 0)},
          ArrayRef<AffineMap>{dims({0, 1, 3}, 4), dims({1, 3, 2}, 4),
                              dims({0, 1, 2}, 4)},
          ArrayRef<IteratorType>{IteratorType::parallel, IteratorType::parallel,
                                 IteratorType::parallel,
                                 IteratorType::reduction},
          [&](OpBuilder &nb, Location l, ValueRange args) {
            Value av = lhsSigned
                           ? arith::ExtSIOp::create(nb, l, i32, args[0]).getResult()
                           : arith::ExtUIOp::create(nb, l, i32, args[0]).getResult();
            Value wv = arith::ExtSIOp::create(nb, l, i32, args[1]);
            Value sum = arith::AddIOp::create(
                nb, l, args[2], arith::MulIOp::create(nb, l, av, wv));
            linalg::YieldOp::create(nb, l, sum);
          })
          .getResult(0);
  Value scales = blobConstant(b, loc, RankedTensorType::get({groups, w.n}, f32),
                              "int4_group_scales",
                              bytesOf(ArrayRef<float>(w.scales)));
  auto sumType = RankedTensorType::get({m, w.n}, f32);
  // (m, n, g): c[m][n] = fma(s[g][n], f32(d[m][g][n]), c[m][n]).
  return GenericOp::create(
             b, loc, TypeRange{sumType}, ValueRange{partial, scales},
             ValueRange{filledTensor(b, loc, sumType, 0)},
             ArrayRef<AffineMap>{dims({0, 2, 1}, 3), dims({2, 1}, 3),
                                 dims({0, 1}, 3)},
             ArrayRef<IteratorType>{IteratorType::parallel,
                                    IteratorType::parallel,
                                    IteratorType::reduction},
             [&](OpBuilder &nb, Location l, ValueRange args) {
               Value d = arith::SIToFPOp::create(nb, l, f32, args[0]);
               linalg::YieldOp::create(
                   nb, l,
                   math::FmaOp::create(nb, l, args[1], d, args[2]).getResult());
             })
      .getResult(0);
}

Value quantc::lowering::groupedProduct(OpBuilder &b, Location loc, Value rows,
                                       const GroupedWeights &w, int64_t za,
                                       double sa, Value bias,
                                       FlatSymbolRefAttr kernel,
                                       int64_t kernelColumns,
                                       int64_t panelColumns, bool lhsSigned) {
  Value c =
      kernel ? kernelSums(b, loc, rows, w, kernel, kernelColumns, panelColumns)
             : genericSums(b, loc, rows, w, lhsSigned);
  std::vector<float> correction(w.n);
  for (int64_t col = 0; col < w.n; ++col) {
    double sum = 0;
    for (int64_t kk = 0; kk < w.k; ++kk)
      sum += double(w.kn[kk * w.n + col]) *
             w.scales[(kk / w.group) * w.n + col];
    correction[col] = static_cast<float>(za * sum);
  }
  Type f32 = b.getF32Type();
  Value corr = blobConstant(b, loc, RankedTensorType::get({1, w.n}, f32),
                            "int4_zero_point_correction",
                            bytesOf(ArrayRef<float>(correction)));
  SmallVector<Value> inputs = {c, corr};
  if (bias)
    inputs.push_back(reshapeTo(b, loc, bias, {1, w.n}));
  auto resultType = cast<RankedTensorType>(c.getType());
  return buildElementwise(
      b, loc, resultType, inputs,
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value centered = arith::SubFOp::create(nb, l, args[0], args[1]);
        Value y = arith::MulFOp::create(nb, l, centered,
                                        floatConstant(nb, l, f32, sa));
        return args.size() > 2
                   ? arith::AddFOp::create(nb, l, y, args[2]).getResult()
                   : y;
      });
}
