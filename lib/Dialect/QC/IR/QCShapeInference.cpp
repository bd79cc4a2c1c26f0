//===- QCShapeInference.cpp - ONNX shape rules ----------------------------===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QC/IR/QCShapeInference.h"

#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>

using namespace quantc::qc;
using mlir::ShapedType;

static constexpr int64_t kDynamic = ShapedType::kDynamic;

bool quantc::qc::extentsCompatible(int64_t a, int64_t b) {
  return a == b || ShapedType::isDynamic(a) || ShapedType::isDynamic(b);
}

bool quantc::qc::shapesCompatible(llvm::ArrayRef<int64_t> a,
                                  llvm::ArrayRef<int64_t> b) {
  if (a.size() != b.size())
    return false;
  for (auto [x, y] : llvm::zip_equal(a, b))
    if (!extentsCompatible(x, y))
      return false;
  return true;
}

std::optional<Shape> quantc::qc::broadcastShapes(llvm::ArrayRef<int64_t> a,
                                                 llvm::ArrayRef<int64_t> b) {
  size_t rank = std::max(a.size(), b.size());
  Shape result(rank, 1);
  for (size_t i = 0; i < rank; ++i) {
    // Align from the trailing dimension; missing leading extents act as 1.
    int64_t x = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t y = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (x == 1) {
      result[i] = y;
    } else if (y == 1) {
      result[i] = x;
    } else if (ShapedType::isDynamic(x)) {
      result[i] = y;
    } else if (ShapedType::isDynamic(y) || x == y) {
      result[i] = x;
    } else {
      return std::nullopt;
    }
  }
  return result;
}

bool quantc::qc::broadcastsTo(llvm::ArrayRef<int64_t> from,
                              llvm::ArrayRef<int64_t> to) {
  if (from.size() > to.size())
    return false;
  size_t offset = to.size() - from.size();
  for (size_t i = 0; i < from.size(); ++i)
    if (from[i] != 1 && !extentsCompatible(from[i], to[offset + i]))
      return false;
  return true;
}

std::optional<Shape> quantc::qc::inferMatMulShape(llvm::ArrayRef<int64_t> lhs,
                                                  llvm::ArrayRef<int64_t> rhs) {
  if (lhs.empty() || rhs.empty())
    return std::nullopt;
  // Promote rank-1 operands as numpy.matmul does.
  Shape a(lhs.begin(), lhs.end()), b(rhs.begin(), rhs.end());
  bool lhsVector = a.size() == 1, rhsVector = b.size() == 1;
  if (lhsVector)
    a.insert(a.begin(), 1);
  if (rhsVector)
    b.push_back(1);
  if (!extentsCompatible(a.back(), b[b.size() - 2]))
    return std::nullopt;
  auto batch = broadcastShapes(llvm::ArrayRef(a).drop_back(2),
                               llvm::ArrayRef(b).drop_back(2));
  if (!batch)
    return std::nullopt;
  Shape result = *batch;
  if (!lhsVector)
    result.push_back(a[a.size() - 2]);
  if (!rhsVector)
    result.push_back(b.back());
  return result;
}

/// Clamps a 128-bit intermediate into a range that cannot overflow later
/// int64 arithmetic; absurd attribute values then fail shape checks instead
/// of wrapping around.
static int64_t clampExtent(__int128 value) {
  constexpr __int128 kLimit = __int128(1) << 62;
  return static_cast<int64_t>(std::clamp(value, -kLimit, kLimit));
}

int64_t quantc::qc::resizedExtent(int64_t in, float scale) {
  if (ShapedType::isDynamic(in))
    return ShapedType::kDynamic;
  double product = static_cast<double>(in) * scale;
  double nearest = std::round(product);
  if (std::abs(product - nearest) < 1e-4)
    return static_cast<int64_t>(nearest);
  return static_cast<int64_t>(std::floor(product));
}

int64_t quantc::qc::windowOutputExtent(int64_t in, int64_t kernel,
                                       int64_t stride, int64_t padBegin,
                                       int64_t padEnd, int64_t dilation,
                                       bool ceilMode) {
  if (ShapedType::isDynamic(in))
    return kDynamic;
  if (stride <= 0)
    return 0;
  __int128 span = __int128(in) + padBegin + padEnd -
                  __int128(dilation) * (kernel - 1) - 1;
  if (span < 0)
    return 0;
  __int128 steps = ceilMode ? (span + stride - 1) / stride : span / stride;
  // In ceil mode a window may not start in the end padding.
  if (ceilMode && steps * stride >= __int128(in) + padBegin)
    --steps;
  return clampExtent(steps + 1);
}

int64_t quantc::qc::transposedWindowOutputExtent(int64_t in, int64_t kernel,
                                                 int64_t stride,
                                                 int64_t padBegin,
                                                 int64_t padEnd,
                                                 int64_t dilation,
                                                 int64_t outputPadding) {
  if (ShapedType::isDynamic(in))
    return kDynamic;
  return clampExtent(__int128(stride) * (in - 1) + outputPadding +
                     __int128(kernel - 1) * dilation + 1 - padBegin - padEnd);
}

int64_t quantc::qc::sliceExtent(int64_t dim, int64_t start, int64_t end,
                                int64_t step) {
  if (ShapedType::isDynamic(dim))
    return kDynamic;
  __int128 s = start, e = end;
  if (s < 0)
    s += dim;
  if (e < 0)
    e += dim;
  if (step > 0) {
    s = std::clamp<__int128>(s, 0, dim);
    e = std::clamp<__int128>(e, 0, dim);
    return e <= s ? 0 : clampExtent((e - s + step - 1) / step);
  }
  s = std::clamp<__int128>(s, 0, dim - 1);
  e = std::clamp<__int128>(e, -1, dim - 1);
  __int128 negStep = -__int128(step);
  return s <= e ? 0 : clampExtent((s - e + negStep - 1) / negStep);
}

std::optional<int64_t> quantc::qc::normalizeAxis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank)
    return std::nullopt;
  return axis < 0 ? axis + rank : axis;
}

int64_t quantc::qc::shapeProduct(llvm::ArrayRef<int64_t> shape) {
  __int128 product = 1;
  for (int64_t extent : shape) {
    if (ShapedType::isDynamic(extent))
      return kDynamic;
    product = std::min<__int128>(product * extent, __int128(1) << 62);
  }
  return static_cast<int64_t>(product);
}

std::vector<int64_t> quantc::qc::sliceSourceIndices(
    llvm::ArrayRef<int64_t> in, llvm::ArrayRef<int64_t> out,
    llvm::ArrayRef<int64_t> starts, llvm::ArrayRef<int64_t> axes,
    llvm::ArrayRef<int64_t> steps) {
  int64_t rank = in.size();
  llvm::SmallVector<int64_t> first(rank, 0), stride(rank, 1),
      inStrides(rank, 1);
  for (auto [start, axis, step] : llvm::zip_equal(starts, axes, steps)) {
    int64_t a = axis < 0 ? axis + rank : axis;
    int64_t dim = in[a], s = start < 0 ? start + dim : start;
    first[a] = step > 0 ? std::clamp<int64_t>(s, 0, dim)
                        : std::clamp<int64_t>(s, 0, dim - 1);
    stride[a] = step;
  }
  for (int64_t d = rank - 2; d >= 0; --d)
    inStrides[d] = inStrides[d + 1] * in[d + 1];
  std::vector<int64_t> sources(ShapedType::getNumElements(out));
  llvm::SmallVector<int64_t> index(rank, 0);
  for (int64_t &source : sources) {
    source = 0;
    for (int64_t d = 0; d < rank; ++d)
      source += (first[d] + index[d] * stride[d]) * inStrides[d];
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++index[d] < out[d])
        break;
      index[d] = 0;
    }
  }
  return sources;
}

std::string quantc::qc::formatShape(llvm::ArrayRef<int64_t> shape) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << '[';
  llvm::interleaveComma(shape, os, [&](int64_t extent) {
    if (ShapedType::isDynamic(extent))
      os << '?';
    else
      os << extent;
  });
  os << ']';
  return text;
}
