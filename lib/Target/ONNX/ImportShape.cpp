//===- ImportShape.cpp - ONNX shape and data-movement operators -----------===//
//
// Part of quantc. Reshape, Transpose, Concat, Flatten, Squeeze, Unsqueeze,
// Slice, Gather, Shape and Constant. Exported graphs compute reshape
// targets with Shape -> Gather -> Concat chains; when their inputs are
// known at import the chain is evaluated on the host, and a dimension that
// is only known at run time stays `?`.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"

#include "quantc/Dialect/QC/IR/QCOps.h"

#include "llvm/ADT/SmallBitVector.h"

using namespace mlir;
using namespace quantc;
using namespace quantc::onnx_import;

static constexpr int64_t kDynamic = ShapedType::kDynamic;

/// Reads `axes` from an attribute (before `inputSince`) or input 1.
static FailureOr<std::vector<int64_t>>
readAxes(NodeContext &ctx, int64_t inputSince, int inputIndex = 1) {
  if (ctx.opset() >= inputSince) {
    if (!ctx.hasInput(inputIndex))
      return std::vector<int64_t>();
    return ctx.constantInts(inputIndex, "axes");
  }
  auto axes = ctx.attrInts("axes");
  if (failed(axes))
    return failure();
  return *axes ? **axes : std::vector<int64_t>();
}

/// Integer host data of input `i` when the importer knows it.
static const HostTensor *hostInts(NodeContext &ctx, int i) {
  const HostTensor *host = ctx.hostInput(i);
  return host && !host->isFloat() ? host : nullptr;
}

namespace {
/// The data input of a shape op: known integer contents (shape arithmetic,
/// evaluated at import) or an IR value.
struct DataInput {
  Shape shape;
  const HostTensor *host = nullptr;
  Value value;
};
} // namespace

static FailureOr<DataInput> readDataInput(NodeContext &ctx) {
  DataInput data;
  if ((data.host = hostInts(ctx, 0))) {
    data.shape = data.host->shape;
    return data;
  }
  auto value = ctx.tensorInput(0);
  if (failed(value))
    return failure();
  data.value = *value;
  data.shape.assign(value->getType().getShape().begin(),
                    value->getType().getShape().end());
  return data;
}

/// Finishes a squeeze or unsqueeze: a reshaped host tensor, or the op.
template <typename OpTy>
static LogicalResult finishAxesOp(NodeContext &ctx, const DataInput &data,
                                  const Shape &out,
                                  ArrayRef<int64_t> normalizedAxes) {
  if (data.host) {
    HostTensor result = *data.host;
    result.shape = out;
    ctx.setHostOutput(0, std::move(result));
    return success();
  }
  auto type = RankedTensorType::get(
      out, cast<RankedTensorType>(data.value.getType()).getElementType());
  ctx.setOutput(0, OpTy::create(ctx.builder(), ctx.loc(), type, data.value,
                                ctx.builder().getDenseI64ArrayAttr(
                                    normalizedAxes)));
  return success();
}

//===----------------------------------------------------------------------===//
// Reshape and Flatten
//===----------------------------------------------------------------------===//

static LogicalResult importReshape(NodeContext &ctx) {
  const HostTensor *target = hostInts(ctx, 1);
  if (!target)
    return ctx.notConstantError(1, "the target shape", "known at import");
  if (target->shape.size() != 1)
    return ctx.error() << "the target shape must be a 1-D tensor";
  FailureOr<int64_t> allowZero = ctx.attrInt("allowzero", 0);
  if (failed(allowZero))
    return failure();

  FailureOr<DataInput> source = readDataInput(ctx);
  if (failed(source))
    return failure();
  const HostTensor *data = source->host;
  const Shape &inShape = source->shape;
  Value input = source->value;
  Shape out;
  int inferred = -1;
  for (size_t i = 0; i < target->ints.size(); ++i) {
    int64_t dim = target->ints[i];
    if (dim == 0 && !*allowZero) {
      if (i >= inShape.size())
        return ctx.error() << "target entry " << i
                           << " copies a dimension the input does not have";
      out.push_back(inShape[i]);
    } else if (dim == -1) {
      if (inferred >= 0)
        return ctx.error() << "the target shape has more than one -1";
      inferred = i;
      out.push_back(kDynamic);
    } else if (ShapedType::isDynamic(dim) || dim >= 0) {
      out.push_back(dim);
    } else {
      return ctx.error() << "invalid target dimension " << dim;
    }
  }
  int64_t total = qc::shapeProduct(inShape);
  if (inferred >= 0 && !ShapedType::isDynamic(total)) {
    Shape known(out);
    known[inferred] = 1;
    int64_t rest = qc::shapeProduct(known);
    if (!ShapedType::isDynamic(rest)) {
      if (rest == 0 || total % rest != 0)
        return ctx.error() << "cannot reshape " << qc::formatShape(inShape)
                           << " to " << qc::formatShape(out);
      out[inferred] = total / rest;
    }
  }
  int64_t outTotal = qc::shapeProduct(out);
  if (!qc::extentsCompatible(total, outTotal))
    return ctx.error() << "cannot reshape " << qc::formatShape(inShape)
                       << " (" << total << " elements) to "
                       << qc::formatShape(out);
  if (data) {
    HostTensor result = *data;
    result.shape = out;
    if (!ShapedType::isDynamic(outTotal)) {
      ctx.setHostOutput(0, std::move(result));
      return success();
    }
    FailureOr<Value> value = ctx.input(0);
    if (failed(value))
      return failure();
    input = *value;
  }
  auto type = RankedTensorType::get(
      out, cast<RankedTensorType>(input.getType()).getElementType());
  ctx.setOutput(0, qc::ReshapeOp::create(ctx.builder(), ctx.loc(), type,
                                         input));
  return success();
}

static LogicalResult importFlatten(NodeContext &ctx) {
  auto input = ctx.tensorInput(0);
  FailureOr<int64_t> axis = ctx.attrInt("axis", 1);
  if (failed(input) || failed(axis))
    return failure();
  ArrayRef<int64_t> in = input->getType().getShape();
  int64_t rank = in.size(), a = *axis;
  if (a < -rank || a > rank)
    return ctx.error() << "axis " << a << " is out of range";
  if (a < 0)
    a += rank;
  auto type = RankedTensorType::get(
      {qc::shapeProduct(in.take_front(a)), qc::shapeProduct(in.drop_front(a))},
      input->getType().getElementType());
  ctx.setOutput(0, qc::FlattenOp::create(ctx.builder(), ctx.loc(), type,
                                         *input,
                                         ctx.builder().getI64IntegerAttr(a)));
  return success();
}

//===----------------------------------------------------------------------===//
// Transpose, Concat
//===----------------------------------------------------------------------===//

static LogicalResult importTranspose(NodeContext &ctx) {
  auto input = ctx.tensorInput(0);
  auto permAttr = ctx.attrInts("perm");
  if (failed(input) || failed(permAttr))
    return failure();
  ArrayRef<int64_t> in = input->getType().getShape();
  std::vector<int64_t> perm;
  if (*permAttr) {
    perm = **permAttr;
  } else {
    for (int64_t i = in.size() - 1; i >= 0; --i)
      perm.push_back(i);
  }
  if (perm.size() != in.size())
    return ctx.error() << "perm has " << perm.size()
                       << " entries for an input of rank " << in.size();
  llvm::SmallBitVector seen(in.size());
  Shape out;
  for (int64_t p : perm) {
    if (p < 0 || p >= static_cast<int64_t>(in.size()) || seen.test(p))
      return ctx.error() << "perm is not a permutation";
    seen.set(p);
    out.push_back(in[p]);
  }
  // Known integers (a pads vector being reordered) transpose on the host.
  if (const HostTensor *host = ctx.hostInput(0);
      host && !host->isFloat() && host->fullyKnown()) {
    HostTensor result;
    result.shape = out;
    result.dataType = host->dataType;
    result.ints.resize(host->ints.size());
    SmallVector<int64_t> inStrides(in.size(), 1), index(out.size(), 0);
    for (int64_t d = static_cast<int64_t>(in.size()) - 2; d >= 0; --d)
      inStrides[d] = inStrides[d + 1] * in[d + 1];
    for (size_t flat = 0; flat < result.ints.size(); ++flat) {
      int64_t source = 0;
      for (size_t d = 0; d < out.size(); ++d)
        source += index[d] * inStrides[perm[d]];
      result.ints[flat] = host->ints[source];
      for (int64_t d = static_cast<int64_t>(out.size()) - 1; d >= 0; --d) {
        if (++index[d] < out[d])
          break;
        index[d] = 0;
      }
    }
    ctx.setHostOutput(0, std::move(result));
    return success();
  }
  auto type = RankedTensorType::get(out, input->getType().getElementType());
  ctx.setOutput(0, qc::TransposeOp::create(ctx.builder(), ctx.loc(), type,
                                           *input,
                                           ctx.builder().getDenseI64ArrayAttr(
                                               perm)));
  return success();
}

static LogicalResult importConcat(NodeContext &ctx) {
  FailureOr<int64_t> axis = ctx.attrInt("axis", 0);
  if (failed(axis))
    return failure();
  if (ctx.numInputs() == 0)
    return ctx.error() << "needs at least one input";
  // 1-D integer concatenation of known values: shape arithmetic.
  bool allHost = true;
  for (int i = 0; i < ctx.numInputs(); ++i) {
    const HostTensor *host = hostInts(ctx, i);
    allHost &= host && host->shape.size() == 1;
  }
  if (allHost) {
    HostTensor result;
    result.dataType = hostInts(ctx, 0)->dataType;
    for (int i = 0; i < ctx.numInputs(); ++i)
      llvm::append_range(result.ints, hostInts(ctx, i)->ints);
    result.shape = {static_cast<int64_t>(result.ints.size())};
    ctx.setHostOutput(0, std::move(result));
    return success();
  }
  SmallVector<Value> inputs;
  for (int i = 0; i < ctx.numInputs(); ++i) {
    auto value = ctx.tensorInput(i);
    if (failed(value))
      return failure();
    if (!inputs.empty() && failed(ctx.requireSameElementType(inputs[0], *value)))
      return failure();
    inputs.push_back(*value);
  }
  auto first = cast<RankedTensorType>(inputs[0].getType());
  int64_t rank = first.getRank();
  std::optional<int64_t> a = qc::normalizeAxis(*axis, rank);
  if (!a)
    return ctx.error() << "axis " << *axis << " is out of range";
  Shape out(first.getShape());
  out[*a] = 0;
  for (Value input : inputs) {
    auto type = cast<RankedTensorType>(input.getType());
    if (type.getRank() != rank)
      return ctx.error() << "inputs have different ranks";
    for (int64_t d = 0; d < rank; ++d) {
      int64_t extent = type.getDimSize(d);
      if (d == *a)
        out[d] = ShapedType::isDynamic(extent) || ShapedType::isDynamic(out[d])
                     ? kDynamic
                     : out[d] + extent;
      else if (!qc::extentsCompatible(out[d], extent))
        return ctx.error() << "inputs differ in dimension " << d;
      else if (ShapedType::isDynamic(out[d]))
        out[d] = extent;
    }
  }
  auto type = RankedTensorType::get(out, first.getElementType());
  ctx.setOutput(0, qc::ConcatOp::create(ctx.builder(), ctx.loc(), type, inputs,
                                        ctx.builder().getI64IntegerAttr(*a)));
  return success();
}

//===----------------------------------------------------------------------===//
// Squeeze, Unsqueeze
//===----------------------------------------------------------------------===//

static LogicalResult importSqueeze(NodeContext &ctx) {
  FailureOr<std::vector<int64_t>> axes = readAxes(ctx, 13);
  if (failed(axes))
    return failure();
  FailureOr<DataInput> data = readDataInput(ctx);
  if (failed(data))
    return failure();
  const Shape &in = data->shape;
  llvm::SmallBitVector squeezed(in.size());
  for (int64_t axis : *axes) {
    std::optional<int64_t> n = qc::normalizeAxis(axis, in.size());
    if (!n)
      return ctx.error() << "axis " << axis << " is out of range";
    if (!qc::extentsCompatible(in[*n], 1))
      return ctx.error() << "cannot squeeze dimension " << *n << " of extent "
                         << in[*n];
    squeezed.set(*n);
  }
  if (axes->empty())
    for (size_t i = 0; i < in.size(); ++i)
      if (in[i] == 1)
        squeezed.set(i);
  Shape out;
  std::vector<int64_t> normalizedAxes;
  for (size_t i = 0; i < in.size(); ++i) {
    if (squeezed.test(i))
      normalizedAxes.push_back(i);
    else
      out.push_back(in[i]);
  }
  return finishAxesOp<qc::SqueezeOp>(ctx, *data, out, normalizedAxes);
}

static LogicalResult importUnsqueeze(NodeContext &ctx) {
  FailureOr<std::vector<int64_t>> axes = readAxes(ctx, 13);
  if (failed(axes))
    return failure();
  if (axes->empty())
    return ctx.error() << "needs at least one axis";
  FailureOr<DataInput> data = readDataInput(ctx);
  if (failed(data))
    return failure();
  const Shape &in = data->shape;
  int64_t outRank = in.size() + axes->size();
  llvm::SmallBitVector inserted(outRank);
  for (int64_t axis : *axes) {
    std::optional<int64_t> n = qc::normalizeAxis(axis, outRank);
    if (!n || inserted.test(*n))
      return ctx.error() << "axis " << axis << " is out of range or repeated";
    inserted.set(*n);
  }
  Shape out;
  std::vector<int64_t> normalizedAxes;
  for (int64_t i = 0, next = 0; i < outRank; ++i) {
    if (inserted.test(i)) {
      out.push_back(1);
      normalizedAxes.push_back(i);
    } else {
      out.push_back(in[next++]);
    }
  }
  return finishAxesOp<qc::UnsqueezeOp>(ctx, *data, out, normalizedAxes);
}

//===----------------------------------------------------------------------===//
// Slice
//===----------------------------------------------------------------------===//

static LogicalResult importSlice(NodeContext &ctx) {
  std::vector<int64_t> starts, ends, axes, steps;
  if (ctx.opset() < 10) {
    auto s = ctx.attrInts("starts"), e = ctx.attrInts("ends"),
         a = ctx.attrInts("axes");
    if (failed(s) || failed(e) || failed(a))
      return failure();
    if (!*s || !*e)
      return ctx.error() << "starts and ends are required";
    starts = **s;
    ends = **e;
    if (*a)
      axes = **a;
  } else {
    auto s = ctx.constantInts(1, "starts");
    auto e = ctx.constantInts(2, "ends");
    if (failed(s) || failed(e))
      return failure();
    starts = *s;
    ends = *e;
    if (ctx.hasInput(3)) {
      auto a = ctx.constantInts(3, "axes");
      if (failed(a))
        return failure();
      axes = *a;
    }
    if (ctx.hasInput(4)) {
      auto st = ctx.constantInts(4, "steps");
      if (failed(st))
        return failure();
      steps = *st;
    }
  }
  if (axes.empty())
    for (size_t i = 0; i < starts.size(); ++i)
      axes.push_back(i);
  if (steps.empty())
    steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() ||
      steps.size() != starts.size())
    return ctx.error() << "starts, ends, axes and steps differ in length";

  FailureOr<DataInput> data = readDataInput(ctx);
  if (failed(data))
    return failure();
  const HostTensor *host = data->host;
  const Shape &in = data->shape;
  Value input = data->value;
  Shape out(in);
  llvm::SmallBitVector seen(in.size());
  for (size_t i = 0; i < axes.size(); ++i) {
    std::optional<int64_t> axis = qc::normalizeAxis(axes[i], in.size());
    if (!axis || seen.test(*axis))
      return ctx.error() << "axis " << axes[i]
                         << " is out of range or repeated";
    seen.set(*axis);
    axes[i] = *axis;
    if (steps[i] == 0)
      return ctx.error() << "steps must be non-zero";
    out[*axis] = qc::sliceExtent(in[*axis], starts[i], ends[i], steps[i]);
  }
  // Slicing known integers (shape vectors, pads being reordered) on the
  // host: output index k of a sliced axis reads start + k * step.
  if (host && !host->isFloat() && llvm::none_of(out, ShapedType::isDynamic)) {
    HostTensor result;
    result.dataType = host->dataType;
    result.shape = out;
    for (int64_t source : qc::sliceSourceIndices(in, out, starts, axes, steps))
      result.ints.push_back(host->ints[source]);
    ctx.setHostOutput(0, std::move(result));
    return success();
  }
  if (!input) {
    FailureOr<Value> value = ctx.input(0);
    if (failed(value))
      return failure();
    input = *value;
  }
  OpBuilder &b = ctx.builder();
  auto type = RankedTensorType::get(
      out, cast<RankedTensorType>(input.getType()).getElementType());
  ctx.setOutput(0, qc::SliceOp::create(b, ctx.loc(), type, input,
                                       b.getDenseI64ArrayAttr(starts),
                                       b.getDenseI64ArrayAttr(ends),
                                       b.getDenseI64ArrayAttr(axes),
                                       b.getDenseI64ArrayAttr(steps)));
  return success();
}

//===----------------------------------------------------------------------===//
// Pad, Split
//===----------------------------------------------------------------------===//

/// Pad: `pads`, `mode` and `value` are attributes before opset 11; then
/// pads and constant_value are inputs, and from 18 an optional axes input
/// restricts the pads to some dimensions.
static LogicalResult importPad(NodeContext &ctx) {
  auto input = ctx.tensorInput(0);
  if (failed(input))
    return failure();
  int64_t rank = input->getType().getRank();
  std::vector<int64_t> pads;
  float value = 0.0f;
  if (ctx.opset() < 11) {
    auto attr = ctx.attrInts("pads");
    FailureOr<float> v = ctx.attrFloat("value", 0.0f);
    if (failed(attr) || failed(v))
      return failure();
    if (!*attr)
      return ctx.error() << "attribute 'pads' is required";
    pads = **attr;
    value = *v;
  } else {
    auto p = ctx.constantInts(1, "pads");
    if (failed(p))
      return failure();
    pads = *p;
    if (ctx.hasInput(2)) {
      auto v = ctx.constantFloats(2, "constant_value");
      if (failed(v))
        return failure();
      if (v->size() != 1)
        return ctx.error() << "constant_value must be a scalar";
      value = (*v)[0];
    }
    if (ctx.hasInput(3)) {
      auto axes = ctx.constantInts(3, "axes");
      if (failed(axes))
        return failure();
      if (pads.size() != 2 * axes->size())
        return ctx.error() << "pads must have two entries per axis";
      std::vector<int64_t> full(2 * rank, 0);
      for (size_t i = 0; i < axes->size(); ++i) {
        std::optional<int64_t> axis = qc::normalizeAxis((*axes)[i], rank);
        if (!axis)
          return ctx.error() << "axis " << (*axes)[i] << " is out of range";
        full[*axis] = pads[i];
        full[rank + *axis] = pads[axes->size() + i];
      }
      pads = full;
    }
  }
  if (static_cast<int64_t>(pads.size()) != 2 * rank)
    return ctx.error() << "pads has " << pads.size()
                       << " entries, expected " << 2 * rank;
  FailureOr<std::string> modeName = ctx.attrString("mode", "constant");
  if (failed(modeName))
    return failure();
  std::optional<qc::PadMode> mode = qc::symbolizePadMode(*modeName);
  if (!mode)
    return ctx.error() << "mode '" << *modeName << "' is not supported";
  ArrayRef<int64_t> in = input->getType().getShape();
  Shape out;
  for (int64_t d = 0; d < rank; ++d) {
    if (ShapedType::isDynamic(in[d])) {
      out.push_back(kDynamic);
      continue;
    }
    int64_t extent = in[d] + pads[d] + pads[rank + d];
    if (extent < 0)
      return ctx.error() << "pads crop dimension " << d << " below zero";
    out.push_back(extent);
  }
  OpBuilder &b = ctx.builder();
  auto type = RankedTensorType::get(out, input->getType().getElementType());
  ctx.setOutput(0, qc::PadOp::create(b, ctx.loc(), type, *input,
                                     b.getDenseI64ArrayAttr(pads),
                                     qc::PadModeAttr::get(b.getContext(), *mode),
                                     b.getF32FloatAttr(value)));
  return success();
}

/// Split: sizes from the `split` attribute (before 13) or input (13+), or
/// equal pieces, one per output (`num_outputs` from 18 allows a smaller
/// last piece).
static LogicalResult importSplit(NodeContext &ctx) {
  FailureOr<int64_t> axisAttr = ctx.attrInt("axis", 0);
  if (failed(axisAttr))
    return failure();
  // A known 1-D integer tensor splits on the host (shape arithmetic).
  const HostTensor *host = hostInts(ctx, 0);
  if (host && host->shape.size() != 1)
    host = nullptr;
  FailureOr<TypedValue<RankedTensorType>> input = failure();
  Shape in;
  if (host) {
    in = host->shape;
  } else {
    input = ctx.tensorInput(0);
    if (failed(input))
      return failure();
    in.assign(input->getType().getShape().begin(),
              input->getType().getShape().end());
  }
  std::optional<int64_t> axis = qc::normalizeAxis(*axisAttr, in.size());
  if (!axis)
    return ctx.error() << "axis " << *axisAttr << " is out of range";
  int64_t pieces = ctx.node().output_size();
  if (pieces < 1)
    return ctx.error() << "needs at least one output";
  std::vector<int64_t> sizes;
  if (ctx.opset() < 13) {
    auto split = ctx.attrInts("split");
    if (failed(split))
      return failure();
    if (*split)
      sizes = **split;
  } else if (ctx.hasInput(1)) {
    auto split = ctx.constantInts(1, "split");
    if (failed(split))
      return failure();
    sizes = *split;
  }
  int64_t extent = in[*axis];
  if (sizes.empty()) {
    if (ShapedType::isDynamic(extent))
      return ctx.error() << "an equal split of a dynamic dimension is not "
                            "supported";
    bool allowUneven = ctx.opset() >= 18 && ctx.attribute("num_outputs");
    if (!allowUneven && extent % pieces != 0)
      return ctx.error() << "dimension " << *axis << " (" << extent
                         << ") does not split into " << pieces
                         << " equal pieces";
    int64_t piece = (extent + pieces - 1) / pieces;
    for (int64_t i = 0, left = extent; i < pieces; ++i, left -= piece)
      sizes.push_back(std::min(piece, left));
  }
  if (static_cast<int64_t>(sizes.size()) != pieces)
    return ctx.error() << "split has " << sizes.size() << " sizes for "
                       << pieces << " outputs";
  int64_t total = 0;
  SmallVector<Type> types;
  for (int64_t size : sizes) {
    if (size < 0)
      return ctx.error() << "split sizes must not be negative";
    total += size;
    Shape shape(in);
    shape[*axis] = size;
    if (!host)
      types.push_back(
          RankedTensorType::get(shape, input->getType().getElementType()));
  }
  if (!qc::extentsCompatible(total, extent))
    return ctx.error() << "split sizes add up to " << total
                       << ", but dimension " << *axis << " has " << extent;
  if (host) {
    int64_t offset = 0;
    for (int64_t i = 0; i < pieces; ++i) {
      HostTensor piece;
      piece.dataType = host->dataType;
      piece.shape = {sizes[i]};
      piece.ints.assign(host->ints.begin() + offset,
                        host->ints.begin() + offset + sizes[i]);
      offset += sizes[i];
      ctx.setHostOutput(i, std::move(piece));
    }
    return success();
  }
  auto split = qc::SplitOp::create(ctx.builder(), ctx.loc(), types, *input,
                                   ctx.builder().getI64IntegerAttr(*axis));
  for (int64_t i = 0; i < pieces; ++i)
    ctx.setOutput(i, split.getResult(i));
  return success();
}

//===----------------------------------------------------------------------===//
// Gather, Shape, Constant
//===----------------------------------------------------------------------===//

static LogicalResult importGather(NodeContext &ctx) {
  FailureOr<int64_t> axis = ctx.attrInt("axis", 0);
  if (failed(axis))
    return failure();
  const HostTensor *data = hostInts(ctx, 0);
  const HostTensor *indices = hostInts(ctx, 1);
  if (data && indices && data->shape.size() == 1 && indices->fullyKnown() &&
      (*axis == 0 || *axis == -1)) {
    HostTensor result;
    result.dataType = data->dataType;
    result.shape = indices->shape;
    int64_t extent = data->shape[0];
    for (int64_t index : indices->ints) {
      if (index < -extent || index >= extent)
        return ctx.error() << "index " << index << " is out of range";
      result.ints.push_back(data->ints[index < 0 ? index + extent : index]);
    }
    ctx.setHostOutput(0, std::move(result));
    return success();
  }
  auto input = ctx.tensorInput(0);
  auto index = ctx.tensorInput(1);
  if (failed(input) || failed(index))
    return failure();
  Type indexElement = index->getType().getElementType();
  if (!indexElement.isInteger(32) && !indexElement.isInteger(64))
    return ctx.error() << "indices must be int32 or int64";
  ArrayRef<int64_t> in = input->getType().getShape();
  std::optional<int64_t> a = qc::normalizeAxis(*axis, in.size());
  if (!a)
    return ctx.error() << "axis " << *axis << " is out of range";
  Shape out(in.take_front(*a));
  llvm::append_range(out, index->getType().getShape());
  llvm::append_range(out, in.drop_front(*a + 1));
  auto type = RankedTensorType::get(out, input->getType().getElementType());
  ctx.setOutput(0, qc::GatherOp::create(ctx.builder(), ctx.loc(), type, *input,
                                        *index,
                                        ctx.builder().getI64IntegerAttr(*a)));
  return success();
}

static LogicalResult importGatherElements(NodeContext &ctx) {
  FailureOr<int64_t> axis = ctx.attrInt("axis", 0);
  auto input = ctx.tensorInput(0);
  auto index = ctx.tensorInput(1);
  if (failed(axis) || failed(input) || failed(index))
    return failure();
  Type indexElement = index->getType().getElementType();
  if (!indexElement.isInteger(32) && !indexElement.isInteger(64))
    return ctx.error() << "indices must be int32 or int64";
  int64_t rank = input->getType().getRank();
  std::optional<int64_t> a = qc::normalizeAxis(*axis, rank);
  if (!a)
    return ctx.error() << "axis " << *axis << " is out of range";
  if (index->getType().getRank() != rank)
    return ctx.error() << "indices must have the data's rank " << rank;
  auto type = RankedTensorType::get(index->getType().getShape(),
                                    input->getType().getElementType());
  ctx.setOutput(
      0,
      qc::GatherElementsOp::create(ctx.builder(), ctx.loc(), type, *input,
                                   *index, ctx.builder().getI64IntegerAttr(*a)),
      std::nullopt, ctx.inputDataType(0));
  return success();
}

/// The shape of input `i`: its known contents' or its IR type's.
static FailureOr<Shape> inputShape(NodeContext &ctx, int i) {
  if (const HostTensor *host = ctx.hostInput(i))
    return host->shape;
  auto input = ctx.tensorInput(i);
  if (failed(input))
    return failure();
  return Shape(input->getType().getShape());
}

/// Shape: known at import, with `?` entries for dynamic dimensions.
static LogicalResult importShape(NodeContext &ctx) {
  FailureOr<Shape> known = inputShape(ctx, 0);
  if (failed(known))
    return failure();
  const Shape &in = *known;
  int64_t rank = in.size();
  FailureOr<int64_t> start = ctx.attrInt("start", 0);
  FailureOr<int64_t> end = ctx.attrInt("end", rank);
  if (failed(start) || failed(end))
    return failure();
  auto clampIndex = [rank](int64_t i) {
    return std::clamp<int64_t>(i < 0 ? i + rank : i, 0, rank);
  };
  HostTensor result;
  result.dataType = kInt64;
  for (int64_t i = clampIndex(*start); i < clampIndex(*end); ++i)
    result.ints.push_back(in[i]);
  result.shape = {static_cast<int64_t>(result.ints.size())};
  ctx.setHostOutput(0, std::move(result));
  return success();
}

/// Size: the element count, known at import for static shapes.
static LogicalResult importSize(NodeContext &ctx) {
  FailureOr<Shape> in = inputShape(ctx, 0);
  if (failed(in))
    return failure();
  HostTensor result;
  result.dataType = kInt64;
  result.ints = {llvm::any_of(*in, ShapedType::isDynamic)
                     ? ShapedType::kDynamic
                     : qc::shapeProduct(*in)};
  ctx.setHostOutput(0, std::move(result));
  return success();
}

/// Trilu: the upper (or lower) triangle of the last two dimensions from
/// diagonal k, the rest zero. A constant mask selects it (qc.where, so that
/// NaN and infinities outside the triangle still become zero).
static LogicalResult importTrilu(NodeContext &ctx) {
  auto input = ctx.tensorInput(0);
  FailureOr<int64_t> upper = ctx.attrInt("upper", 1);
  if (failed(input) || failed(upper))
    return failure();
  int64_t k = 0;
  if (ctx.hasInput(1)) {
    FailureOr<std::vector<int64_t>> diagonal = ctx.constantInts(1, "k");
    if (failed(diagonal))
      return failure();
    if (diagonal->size() != 1)
      return ctx.error() << "k must be a scalar";
    k = (*diagonal)[0];
  }
  RankedTensorType type = input->getType();
  if (type.getRank() < 2)
    return ctx.error() << "the input must have rank at least 2";
  int64_t rows = type.getDimSize(type.getRank() - 2);
  int64_t cols = type.getDimSize(type.getRank() - 1);
  if (ShapedType::isDynamic(rows) || ShapedType::isDynamic(cols))
    return ctx.error() << "the last two dimensions must be static";
  OpBuilder &b = ctx.builder();
  SmallVector<bool> keep;
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j)
      keep.push_back(*upper ? j - i >= k : j - i <= k);
  auto maskType = RankedTensorType::get({rows, cols}, b.getI1Type());
  Value mask = qc::ConstantOp::create(
      b, ctx.loc(), DenseElementsAttr::get(maskType, ArrayRef<bool>(keep)));
  auto zeroType = RankedTensorType::get({}, type.getElementType());
  Attribute zero = isa<FloatType>(type.getElementType())
                       ? Attribute(b.getFloatAttr(type.getElementType(), 0.0))
                       : Attribute(b.getIntegerAttr(type.getElementType(), 0));
  Value zeros = qc::ConstantOp::create(b, ctx.loc(),
                                       DenseElementsAttr::get(zeroType, zero));
  ctx.setOutput(0, qc::WhereOp::create(b, ctx.loc(), type, mask, *input, zeros),
                std::nullopt, ctx.inputDataType(0));
  return success();
}

static LogicalResult importConstant(NodeContext &ctx) {
  const onnx::NodeProto &node = ctx.node();
  if (node.attribute_size() != 1)
    return ctx.error() << "expects exactly one value attribute";
  const onnx::AttributeProto &attr = node.attribute(0);
  if (attr.name() == "value") {
    if (!attr.has_t())
      return ctx.error() << "attribute 'value' must be a tensor";
    std::string name = node.output_size() ? node.output(0) : node.name();
    return ctx.graph().createConstant(attr.t(), name, ctx.loc(),
                                      [&] { return ctx.error(); });
  }
  HostTensor host;
  if (attr.name() == "value_int") {
    host.ints = {attr.i()};
  } else if (attr.name() == "value_ints") {
    host.ints.assign(attr.ints().begin(), attr.ints().end());
    host.shape = {static_cast<int64_t>(host.ints.size())};
  } else if (attr.name() == "value_float") {
    host.dataType = kFloat;
    host.floats = {attr.f()};
  } else if (attr.name() == "value_floats") {
    host.dataType = kFloat;
    host.floats.assign(attr.floats().begin(), attr.floats().end());
    host.shape = {static_cast<int64_t>(host.floats.size())};
  } else {
    return ctx.error() << "attribute '" << attr.name()
                       << "' is not supported";
  }
  ctx.setHostOutput(0, std::move(host));
  return success();
}

/// ConstantOfShape: a splat of `value` (one element, float 0 by default)
/// in the shape its input gives, which must be known at import. Kept on
/// the host too when small, for shape arithmetic that reads it.
static LogicalResult importConstantOfShape(NodeContext &ctx) {
  FailureOr<std::vector<int64_t>> shape = ctx.constantInts(0, "shape");
  if (failed(shape))
    return failure();
  for (int64_t extent : *shape)
    if (extent < 0)
      return ctx.error() << "the shape has a negative or dynamic extent";
  HostTensor fill;
  fill.dataType = kFloat;
  fill.floats = {0.0};
  if (const onnx::AttributeProto *value = ctx.attribute("value")) {
    if (!value->has_t())
      return ctx.error() << "attribute 'value' must be a tensor";
    FailureOr<std::vector<char>> bytes =
        readTensorBytes(value->t(), "", [&] { return ctx.error(); });
    if (failed(bytes))
      return failure();
    fill = decodeHostTensor(value->t(), *bytes);
    if (fill.size() != 1)
      return ctx.error() << "attribute 'value' must hold one element";
  }
  Type element = elementTypeFor(*ctx.context(), fill.dataType);
  if (!element)
    return ctx.error() << "cannot fill with " << dataTypeName(fill.dataType);
  Shape extents(shape->begin(), shape->end());
  auto type = RankedTensorType::get(extents, element);
  Attribute scalar = isa<FloatType>(element)
                         ? Attribute(FloatAttr::get(element, fill.asDouble(0)))
                         : Attribute(IntegerAttr::get(element, fill.ints[0]));
  auto splat = DenseElementsAttr::get(type, scalar);
  Value constant = qc::ConstantOp::create(ctx.builder(), ctx.loc(), splat);
  std::optional<HostTensor> host;
  int64_t count = qc::shapeProduct(extents);
  if (!fill.isFloat() && count <= 65536) {
    host = fill;
    host->shape = extents;
    host->ints.assign(count, fill.ints[0]);
  }
  ctx.setOutput(0, constant, std::move(host), fill.dataType);
  return success();
}

void quantc::onnx_import::registerShapeHandlers(
    llvm::StringMap<NodeHandler> &handlers) {
  handlers["Reshape"] = importReshape;
  handlers["Flatten"] = importFlatten;
  handlers["Transpose"] = importTranspose;
  handlers["Concat"] = importConcat;
  handlers["Squeeze"] = importSqueeze;
  handlers["Unsqueeze"] = importUnsqueeze;
  handlers["Slice"] = importSlice;
  handlers["Gather"] = importGather;
  handlers["GatherElements"] = importGatherElements;
  handlers["Pad"] = importPad;
  handlers["Split"] = importSplit;
  handlers["Shape"] = importShape;
  handlers["Constant"] = importConstant;
  handlers["ConstantOfShape"] = importConstantOfShape;
  handlers["Size"] = importSize;
  handlers["Trilu"] = importTrilu;
}
