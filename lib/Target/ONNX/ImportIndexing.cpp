//===- ImportIndexing.cpp - ONNX GatherND, Scatter*, TopK -----------------===//
//
// Part of quantc. Indexing operators built from qc.gather, comparisons and
// selects:
//   - GatherND: the index tuples become flat row numbers (qc arithmetic on
//     the indices, so they may be run-time values) into the data reshaped
//     to [rows, rest], then one qc.gather;
//   - ScatterElements (and Scatter) and ScatterND: the indices must be known
//     at import; the importer works out which updates land where, and the
//     result selects between the data and a gather of the updates (one
//     round per update landing on the same position, combined in order
//     with the reduction);
//   - TopK: k rounds of argmax (argmin) that each mask the winner out.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"
#include "QCBuilder.h"

#include <limits>

using namespace mlir;
using namespace quantc;
using namespace quantc::onnx_import;

using qc::ComparePredicate;

/// An int64 constant of `shape` holding `values`.
static Value int64Constant(QCBuilder &q, ArrayRef<int64_t> shape,
                           ArrayRef<int64_t> values) {
  auto type = RankedTensorType::get(shape, q.b.getI64Type());
  return qc::ConstantOp::create(q.b, q.loc, type,
                                DenseElementsAttr::get(type, values));
}

static LogicalResult importGatherND(NodeContext &ctx) {
  auto data = ctx.tensorInput(0);
  auto indices = ctx.tensorInput(1);
  FailureOr<int64_t> batchDims = ctx.attrInt("batch_dims", 0);
  if (failed(data) || failed(indices) || failed(batchDims))
    return failure();
  ArrayRef<int64_t> d = data->getType().getShape(),
                    in = indices->getType().getShape();
  if (llvm::any_of(d, ShapedType::isDynamic) ||
      llvm::any_of(in, ShapedType::isDynamic))
    return ctx.error() << "data and indices must have static shapes";
  if (!indices->getType().getElementType().isInteger(64))
    return ctx.error() << "indices must be int64";
  int64_t b = *batchDims, q = in.size(), r = d.size();
  if (q < 1 || b < 0 || b >= q || b >= r)
    return ctx.error() << "batch_dims " << b << " does not fit data of rank "
                       << r << " and indices of rank " << q;
  int64_t k = in.back();
  if (k < 1 || b + k > r || d.take_front(b) != in.take_front(b))
    return ctx.error() << "index tuples of " << k
                       << " entries do not fit the data's shape "
                       << qc::formatShape(d);
  QCBuilder qb(ctx.builder(), ctx.loc());
  Type i64 = ctx.builder().getI64Type();
  // Row number = batch * block + sum_j wrap(index_j) * stride_j.
  Shape tupleShape(in.drop_back());
  Value row;
  int64_t stride = 1;
  for (int64_t j = k - 1; j >= 0; --j) {
    int64_t extent = d[b + j];
    Value index = qb.reshape(qb.slice(*indices, q - 1, j, j + 1), tupleShape);
    Value negative = qb.compare(ComparePredicate::lt, index,
                                qb.splatInt(i64, {}, 0), tupleShape);
    index = qb.where(negative, qb.add(index, qb.splatInt(i64, {}, extent)),
                     index, tupleShape);
    Value term = qb.mul(index, qb.splatInt(i64, {}, stride));
    row = row ? qb.add(row, term) : term;
    stride *= extent;
  }
  if (b > 0) {
    // Each batch entry reads its own block of `stride` rows.
    SmallVector<int64_t> offsets;
    for (int64_t i = 0; i < ShapedType::getNumElements(d.take_front(b)); ++i)
      offsets.push_back(i * stride);
    Shape offsetShape(d.take_front(b));
    offsetShape.append(q - 1 - b, 1);
    row = qb.add(row, int64Constant(qb, offsetShape, offsets));
  }
  int64_t rows = ShapedType::getNumElements(d.take_front(b + k));
  Shape rest(d.drop_front(b + k));
  Shape flatShape{rows};
  flatShape.append(rest);
  Value table = qb.reshape(*data, flatShape);
  Shape out(tupleShape);
  out.append(rest);
  Value gathered = qc::GatherOp::create(
      ctx.builder(), ctx.loc(),
      RankedTensorType::get(out, data->getType().getElementType()), table, row,
      ctx.builder().getI64IntegerAttr(0));
  ctx.setOutput(0, gathered, std::nullopt, ctx.inputDataType(0));
  return success();
}

/// Scatters are planned position by position at import, up to this many.
constexpr int64_t kMaxScatterPositions = int64_t(1) << 26;

namespace {
/// Where the updates of a scatter land, worked out at import: `sources[p]`
/// lists the flat update positions written at flat data position p, in
/// order.
struct ScatterPlan {
  std::vector<SmallVector<int64_t, 1>> sources;
};
} // namespace

/// The reduction of a scatter: none (the last update wins), add, mul, max
/// or min.
static FailureOr<std::string> scatterReduction(NodeContext &ctx) {
  FailureOr<std::string> reduction = ctx.attrString("reduction", "none");
  if (failed(reduction))
    return failure();
  if (*reduction != "none" && *reduction != "add" && *reduction != "mul" &&
      *reduction != "max" && *reduction != "min")
    return ctx.error() << "unknown reduction '" << *reduction << "'";
  return *reduction;
}

/// data with every planned position replaced by (or combined with) its
/// updates: one round of gather and select per update on a position.
static LogicalResult finishScatter(NodeContext &ctx, const ScatterPlan &plan,
                                   TypedValue<RankedTensorType> data,
                                   TypedValue<RankedTensorType> updates,
                                   StringRef reduction, int64_t rowSize) {
  QCBuilder q(ctx.builder(), ctx.loc());
  ArrayRef<int64_t> d = data.getType().getShape();
  int64_t rows = ShapedType::getNumElements(d) / rowSize;
  size_t rounds = 0;
  for (const auto &sources : plan.sources)
    rounds = std::max(rounds, sources.size());
  // Without a reduction only the last update of a position counts.
  bool replace = reduction == "none";
  if (replace)
    rounds = std::min<size_t>(rounds, 1);
  constexpr size_t kMaxRounds = 64;
  if (rounds > kMaxRounds)
    return ctx.error() << "more than " << kMaxRounds
                       << " updates land on one position";
  Value table = q.reshape(
      updates,
      {ShapedType::getNumElements(updates.getType().getShape()) / rowSize,
       rowSize});
  Value result = q.reshape(data, {rows, rowSize});
  for (size_t round = 0; round < rounds; ++round) {
    SmallVector<int64_t> sourceRows;
    SmallVector<bool> written;
    for (const auto &sources : plan.sources) {
      bool has = replace ? !sources.empty() : round < sources.size();
      written.push_back(has);
      sourceRows.push_back(!has      ? 0
                           : replace ? sources.back()
                                     : sources[round]);
    }
    Value gathered = qc::GatherOp::create(
        ctx.builder(), ctx.loc(),
        RankedTensorType::get({rows, rowSize}, data.getType().getElementType()),
        table, int64Constant(q, {rows}, sourceRows),
        ctx.builder().getI64IntegerAttr(0));
    auto maskType = RankedTensorType::get({rows, 1}, ctx.builder().getI1Type());
    Value mask = qc::ConstantOp::create(
        ctx.builder(), ctx.loc(), maskType,
        DenseElementsAttr::get(maskType, ArrayRef<bool>(written)));
    Value combined = gathered;
    if (reduction == "add")
      combined = q.add(result, gathered);
    else if (reduction == "mul")
      combined = q.mul(result, gathered);
    else if (reduction == "max")
      combined = q.binary<qc::MaxOp>(result, gathered);
    else if (reduction == "min")
      combined = q.binary<qc::MinOp>(result, gathered);
    result = q.where(mask, combined, result, {rows, rowSize});
  }
  ctx.setOutput(0, q.reshape(result, d), std::nullopt, ctx.inputDataType(0));
  return success();
}

/// Reads a scatter's data, indices (known at import) and updates.
static LogicalResult readScatter(NodeContext &ctx,
                                 TypedValue<RankedTensorType> &data,
                                 const HostTensor *&indices,
                                 TypedValue<RankedTensorType> &updates) {
  auto dataIn = ctx.tensorInput(0);
  auto updatesIn = ctx.tensorInput(2);
  if (failed(dataIn) || failed(updatesIn) ||
      failed(ctx.requireSameElementType(*dataIn, *updatesIn)))
    return failure();
  indices = ctx.hostInput(1);
  if (!indices || indices->isFloat() || !indices->fullyKnown()) {
    (void)ctx.notConstantError(1, "indices", "known at import");
    return failure();
  }
  data = *dataIn;
  updates = *updatesIn;
  if (llvm::any_of(data.getType().getShape(), ShapedType::isDynamic) ||
      llvm::any_of(updates.getType().getShape(), ShapedType::isDynamic))
    return ctx.error() << "data and updates must have static shapes";
  return success();
}

static LogicalResult importScatterElements(NodeContext &ctx) {
  TypedValue<RankedTensorType> data, updates;
  const HostTensor *indices;
  FailureOr<int64_t> axisAttr = ctx.attrInt("axis", 0);
  FailureOr<std::string> reduction = scatterReduction(ctx);
  if (failed(axisAttr) || failed(reduction) ||
      failed(readScatter(ctx, data, indices, updates)))
    return failure();
  ArrayRef<int64_t> d = data.getType().getShape(),
                    u = updates.getType().getShape();
  int64_t rank = d.size();
  std::optional<int64_t> axis = qc::normalizeAxis(*axisAttr, rank);
  if (!axis)
    return ctx.error() << "axis " << *axisAttr << " is out of range";
  if (indices->shape != Shape(u) || static_cast<int64_t>(u.size()) != rank)
    return ctx.error() << "indices and updates must have one shape, of the "
                          "data's rank";
  if (ShapedType::getNumElements(d) > kMaxScatterPositions)
    return ctx.error() << "the data holds more than 2^26 values";
  ScatterPlan plan;
  plan.sources.resize(ShapedType::getNumElements(d));
  SmallVector<int64_t> index(rank, 0), dataStrides(rank, 1);
  for (int64_t i = rank - 2; i >= 0; --i)
    dataStrides[i] = dataStrides[i + 1] * d[i + 1];
  for (int64_t flat = 0; flat < ShapedType::getNumElements(u); ++flat) {
    int64_t target = 0;
    for (int64_t i = 0; i < rank; ++i) {
      int64_t coordinate = index[i];
      if (i == *axis) {
        coordinate = indices->ints[flat];
        if (coordinate < -d[i] || coordinate >= d[i])
          return ctx.error() << "index " << coordinate << " is out of range";
        if (coordinate < 0)
          coordinate += d[i];
      } else if (coordinate >= d[i]) {
        return ctx.error() << "updates extend beyond the data";
      }
      target += coordinate * dataStrides[i];
    }
    plan.sources[target].push_back(flat);
    for (int64_t i = rank - 1; i >= 0; --i) {
      if (++index[i] < u[i])
        break;
      index[i] = 0;
    }
  }
  return finishScatter(ctx, plan, data, updates, *reduction, 1);
}

static LogicalResult importScatterND(NodeContext &ctx) {
  TypedValue<RankedTensorType> data, updates;
  const HostTensor *indices;
  FailureOr<std::string> reduction = scatterReduction(ctx);
  if (failed(reduction) || failed(readScatter(ctx, data, indices, updates)))
    return failure();
  ArrayRef<int64_t> d = data.getType().getShape();
  ArrayRef<int64_t> in = indices->shape;
  if (in.empty() || in.back() < 1 || in.back() > static_cast<int64_t>(d.size()))
    return ctx.error() << "index tuples do not fit the data's shape "
                       << qc::formatShape(d);
  int64_t k = in.back();
  int64_t rowSize = ShapedType::getNumElements(d.drop_front(k));
  int64_t tuples = ShapedType::getNumElements(in.drop_back());
  if (ShapedType::getNumElements(updates.getType().getShape()) !=
      tuples * rowSize)
    return ctx.error() << "updates hold "
                       << ShapedType::getNumElements(
                              updates.getType().getShape())
                       << " values; " << tuples * rowSize << " expected";
  if (ShapedType::getNumElements(d.take_front(k)) > kMaxScatterPositions)
    return ctx.error() << "the data holds more than 2^26 rows";
  ScatterPlan plan;
  plan.sources.resize(ShapedType::getNumElements(d.take_front(k)));
  for (int64_t t = 0; t < tuples; ++t) {
    int64_t row = 0;
    for (int64_t j = 0; j < k; ++j) {
      int64_t coordinate = indices->ints[t * k + j];
      if (coordinate < -d[j] || coordinate >= d[j])
        return ctx.error() << "index " << coordinate << " is out of range";
      row = row * d[j] + (coordinate < 0 ? coordinate + d[j] : coordinate);
    }
    plan.sources[row].push_back(t);
  }
  return finishScatter(ctx, plan, data, updates, *reduction, rowSize);
}

static LogicalResult importTopK(NodeContext &ctx) {
  auto input = ctx.floatInput(0);
  FailureOr<std::vector<int64_t>> kValue = ctx.constantInts(1, "k");
  FailureOr<int64_t> axisAttr = ctx.attrInt("axis", -1);
  FailureOr<int64_t> largest = ctx.attrInt("largest", 1);
  FailureOr<int64_t> sorted = ctx.attrInt("sorted", 1);
  if (failed(input) || failed(kValue) || failed(axisAttr) || failed(largest) ||
      failed(sorted))
    return failure();
  ArrayRef<int64_t> in = input->getType().getShape();
  std::optional<int64_t> axis = qc::normalizeAxis(*axisAttr, in.size());
  if (!axis)
    return ctx.error() << "axis " << *axisAttr << " is out of range";
  if (kValue->size() != 1)
    return ctx.error() << "k must hold one value";
  int64_t k = kValue->front(), n = in[*axis];
  if (ShapedType::isDynamic(n) || k < 1 || k > n)
    return ctx.error() << "k (" << k << ") must be in [1, " << n << "]";
  // One argmax (argmin) per result: unrolled.
  constexpr int64_t kMaxK = 1024;
  if (k > kMaxK)
    return ctx.error() << "k above " << kMaxK << " is not supported";
  QCBuilder q(ctx.builder(), ctx.loc());
  OpBuilder &b = ctx.builder();
  Type element = input->getType().getElementType();
  Shape kept(in);
  kept[*axis] = 1;
  auto indexType = RankedTensorType::get(kept, b.getI64Type());
  double excluded = *largest ? -std::numeric_limits<double>::infinity()
                             : std::numeric_limits<double>::infinity();
  Value ramp = q.iota(b.getI64Type(), in.size(), *axis, n);
  Value remaining = *input;
  SmallVector<Value> values, indices;
  for (int64_t i = 0; i < k; ++i) {
    // The first index wins ties, as ONNX orders equal values.
    Value winner =
        *largest
            ? Value(qc::ArgMaxOp::create(b, ctx.loc(), indexType, remaining,
                                         b.getI64IntegerAttr(*axis),
                                         b.getBoolAttr(true), UnitAttr()))
            : Value(qc::ArgMinOp::create(b, ctx.loc(), indexType, remaining,
                                         b.getI64IntegerAttr(*axis),
                                         b.getBoolAttr(true), UnitAttr()));
    indices.push_back(winner);
    values.push_back(qc::GatherElementsOp::create(
        b, ctx.loc(), RankedTensorType::get(kept, element), *input, winner,
        b.getI64IntegerAttr(*axis)));
    if (i + 1 < k)
      remaining = q.where(q.compare(ComparePredicate::eq, ramp, winner, in),
                          q.splat(element, {}, excluded), remaining, in);
  }
  ctx.setOutput(0, q.concat(values, *axis));
  ctx.setOutput(1, q.concat(indices, *axis), std::nullopt, kInt64);
  return success();
}

void quantc::onnx_import::registerIndexingHandlers(
    llvm::StringMap<NodeHandler> &handlers) {
  handlers["GatherND"] = importGatherND;
  handlers["ScatterElements"] = importScatterElements;
  handlers["Scatter"] = importScatterElements;
  handlers["ScatterND"] = importScatterND;
  handlers["TopK"] = importTopK;
}
