//===- DirectConv.cpp - int8 convolutions over channel quads --------------===//
//
// Part of quantc. See DirectConv.h.
//
//===----------------------------------------------------------------------===//

#include "DirectConv.h"
#include "LoweringUtils.h"

#include "quantc/Support/PackedDotConv.h"

using namespace mlir;
using namespace quantc::lowering;

namespace {

/// [C4, H, W] i32 words from the padded u8 storage [1, 4 C4, H, W]: byte j
/// of word (c, h, w) is channel 4 c + j, as vpdpbusd reads four bytes.
/// Each byte is read through its own map of the storage, with no reshape
/// between: an elementwise producer of the storage (the quantize before a
/// pointwise convolution) fuses into the packing
/// (quantc-fuse-shared-producers), which then writes the words straight
/// from the float or i32 values.
Value packChannelQuads(OpBuilder &b, Location loc, Value padded) {
  auto type = cast<RankedTensorType>(padded.getType());
  int64_t quads = type.getDimSize(1) / 4, height = type.getDimSize(2),
          width = type.getDimSize(3);
  MLIRContext *context = b.getContext();
  AffineExpr c = getAffineDimExpr(0, context), h = getAffineDimExpr(1, context),
             w = getAffineDimExpr(2, context);
  AffineExpr zero = getAffineConstantExpr(0, context);
  SmallVector<AffineMap> maps;
  for (int64_t j = 0; j < 4; ++j)
    maps.push_back(AffineMap::get(3, 0, {zero, c * 4 + j, h, w}, context));
  maps.push_back(b.getMultiDimIdentityMap(3));
  auto wordsType =
      RankedTensorType::get({quads, height, width}, b.getI32Type());
  SmallVector<utils::IteratorType> iterators(3, utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, wordsType, ValueRange{padded, padded, padded, padded},
             emptyTensor(b, loc, wordsType), maps, iterators,
             [&](OpBuilder &nb, Location l, ValueRange args) {
               Type i32 = nb.getI32Type();
               Value word;
               for (int64_t j = 0; j < 4; ++j) {
                 Value byte = arith::ExtUIOp::create(nb, l, i32, args[j]);
                 if (j)
                   byte = arith::ShLIOp::create(
                       nb, l, byte, scalarConstant(nb, l, i32, 8 * j));
                 word = j ? arith::OrIOp::create(nb, l, word, byte).getResult()
                          : byte;
               }
               linalg::YieldOp::create(nb, l, word);
             })
      .getResult(0);
}

/// Byte j of the words `word` as i32: zero-extended (u8) or sign-extended
/// (s8).
Value wordByte(OpBuilder &b, Location l, Value word, int64_t j, bool isSigned) {
  Type i32 = b.getI32Type();
  Value shifted =
      arith::ShLIOp::create(b, l, word, scalarConstant(b, l, i32, 24 - 8 * j));
  Value amount = scalarConstant(b, l, i32, 24);
  return isSigned ? arith::ShRSIOp::create(b, l, shifted, amount).getResult()
                  : arith::ShRUIOp::create(b, l, shifted, amount).getResult();
}

} // namespace

Value quantc::lowering::directConvSums(OpBuilder &b, Location loc, Value input,
                                       int64_t za, ArrayRef<int8_t> weights,
                                       ArrayRef<int64_t> wShape,
                                       ArrayRef<int64_t> outShape,
                                       ArrayRef<int64_t> strides,
                                       ArrayRef<int64_t> pads,
                                       ArrayRef<int64_t> dilations) {
  int64_t filters = wShape[0], channels = wShape[1], kh = wShape[2],
          kw = wShape[3];
  int64_t outHeight = outShape[2], outWidth = outShape[3];
  bool pointwise = kh == 1 && kw == 1 &&
                   llvm::all_of(strides, [](int64_t s) { return s == 1; }) &&
                   llvm::all_of(pads, [](int64_t p) { return p == 0; });
  int64_t quads = llvm::divideCeil(channels, 4);
  // The zero point pads the image and the missing channels of the last
  // quad (whose weights are zero): x - za vanishes there.
  Value padded = padConstant(
      b, loc, input, {0, 0, pads[0], pads[1]},
      {0, quads * 4 - channels, pads[2], pads[3]},
      static_cast<double>(static_cast<int8_t>(static_cast<uint8_t>(za))));
  Value x = packChannelQuads(b, loc, padded);
  // A pointwise convolution's image is one row of every pixel, so that
  // registers fill however narrow the image: the words are reshaped, after
  // the packing, which then reads the storage as its producer wrote it.
  if (pointwise) {
    outWidth *= outHeight;
    outHeight = 1;
    x = reshapeTo(b, loc, x, {quads, 1, outWidth});
  }

  std::vector<int32_t> packed(filters * quads * kh * kw, 0);
  for (int64_t f = 0; f < filters; ++f)
    for (int64_t c = 0; c < channels; ++c)
      for (int64_t t = 0; t < kh * kw; ++t) {
        uint32_t byte =
            static_cast<uint8_t>(weights[(f * channels + c) * kh * kw + t]);
        packed[(f * quads + c / 4) * kh * kw + t] |= byte << (8 * (c % 4));
      }
  Type i32 = b.getI32Type();
  Value w =
      blobConstant(b, loc, RankedTensorType::get({filters, quads, kh, kw}, i32),
                   "direct_conv_weights",
                   ArrayRef<char>(reinterpret_cast<const char *>(packed.data()),
                                  packed.size() * sizeof(int32_t)));

  // (f, oh, ow, c4, kh, kw): acc[f, oh, ow] += dot4(x[c4, oh sh + kh dh,
  // ow sw + kw dw], w[f, c4, kh, kw]).
  MLIRContext *context = b.getContext();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, context); };
  int64_t rowStride = pointwise ? 1 : strides[0];
  int64_t columnStride = pointwise ? 1 : strides[1];
  SmallVector<AffineMap> maps = {
      AffineMap::get(6, 0,
                     {d(3), d(1) * rowStride + d(4) * dilations[0],
                      d(2) * columnStride + d(5) * dilations[1]},
                     context),
      AffineMap::get(6, 0, {d(0), d(3), d(4), d(5)}, context),
      AffineMap::get(6, 0, {d(0), d(1), d(2)}, context)};
  using utils::IteratorType;
  SmallVector<IteratorType> iterators = {
      IteratorType::parallel,  IteratorType::parallel,
      IteratorType::parallel,  IteratorType::reduction,
      IteratorType::reduction, IteratorType::reduction};
  auto accType = RankedTensorType::get({filters, outHeight, outWidth}, i32);
  auto sums = linalg::GenericOp::create(
      b, loc, accType, ValueRange{x, w}, filledTensor(b, loc, accType, 0), maps,
      iterators, [&](OpBuilder &nb, Location l, ValueRange args) {
        Value acc = args[2];
        for (int64_t j = 0; j < 4; ++j)
          acc = arith::AddIOp::create(
              nb, l, acc,
              arith::MulIOp::create(nb, l, wordByte(nb, l, args[0], j, false),
                                    wordByte(nb, l, args[1], j, true)));
        linalg::YieldOp::create(nb, l, acc);
      });
  sums->setAttr(
      quantc::kPackedDotConvAttr,
      b.getDenseI64ArrayAttr({dilations[0], dilations[1], columnStride}));
  return reshapeTo(b, loc, sums.getResult(0), outShape);
}
