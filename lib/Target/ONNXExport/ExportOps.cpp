//===- ExportOps.cpp - each qc op as ONNX nodes ---------------------------===//
//
// Part of quantc. Float qc ops become the ONNX operator they were imported
// from, spelled for the opset the export chose (>= 13: axes, pads, scales
// and clip bounds are inputs). Quantized layers become QDQ groups:
// DequantizeLinear on the input, the weights and an i32 bias, the float
// operator, and a QuantizeLinear when the result is quantized.
//
//===----------------------------------------------------------------------===//

#include "ExportOps.h"

#include "quantc/Dialect/QC/IR/QCOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace quantc;
using namespace quantc::onnx_export;

//===----------------------------------------------------------------------===//
// What can be exported, at which opset
//===----------------------------------------------------------------------===//

static bool isQuantizedTensor(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && isa<quant::QuantizedType>(tensor.getElementType());
}

static bool hasBlockedQuantization(Operation *op) {
  auto blocked = [](Type type) {
    auto tensor = dyn_cast<RankedTensorType>(type);
    return tensor &&
           isa<quant::UniformQuantizedSubChannelType>(tensor.getElementType());
  };
  return llvm::any_of(op->getOperandTypes(), blocked) ||
         llvm::any_of(op->getResultTypes(), blocked);
}

/// Anything but the raw i32 accumulator, which has no QDQ form.
static bool isExportableLayerResult(Type type) {
  auto tensor = cast<RankedTensorType>(type);
  return !tensor.getElementType().isInteger(32);
}

std::optional<int64_t> quantc::onnx_export::requiredOpset(Operation *op,
                                                          std::string &reason) {
  // Per-channel DequantizeLinear and the input forms of Squeeze, Split,
  // ReduceSum and Resize's optional roi are opset 13.
  int64_t opset = hasBlockedQuantization(op) ? 21 : 13;
  if (auto elementwise = dyn_cast<qc::ONNXElementwiseOpInterface>(op))
    return std::max(opset, elementwise.getONNXOpset());
  bool exportable =
      llvm::TypeSwitch<Operation *, bool>(op)
          .Case<qc::QConv2DOp, qc::QMatMulOp>([&](auto layer) {
            if (isExportableLayerResult(layer.getResult().getType()))
              return true;
            reason = "i32 accumulator result";
            return false;
          })
          .Case<qc::LayerNormOp>([&](auto) {
            opset = std::max<int64_t>(opset, 17);
            return true;
          })
          .Case<qc::GeluOp>([&](auto) {
            opset = std::max<int64_t>(opset, 20);
            return true;
          })
          .Case<qc::ReshapeOp>([&](qc::ReshapeOp reshape) {
            ArrayRef<int64_t> shape = reshape.getType().getShape();
            if (llvm::count_if(shape, ShapedType::isDynamic) > 1) {
              reason = "more than one dynamic result dimension";
              return false;
            }
            if (llvm::is_contained(shape, 0))
              opset = std::max<int64_t>(opset, 14); // allowzero
            return true;
          })
          .Case<qc::ClipOp, qc::MatMulOp, qc::GemmOp, qc::Conv2DOp,
                qc::ConvTranspose2DOp, qc::SoftmaxOp, qc::BatchNormOp,
                qc::MaxPool2DOp, qc::AvgPool2DOp, qc::GlobalAvgPoolOp,
                qc::ReduceMeanOp, qc::ReduceSumOp, qc::ReduceMaxOp,
                qc::ReduceProdOp, qc::TransposeOp, qc::ConcatOp, qc::FlattenOp,
                qc::SqueezeOp, qc::UnsqueezeOp, qc::SliceOp, qc::ResizeOp,
                qc::PadOp, qc::SplitOp, qc::GatherOp, qc::ObserveOp,
                qc::QuantizeOp, qc::DequantizeOp, qc::RequantizeOp,
                quant::StorageCastOp, func::ReturnOp>(
              [](Operation *) { return true; })
          .Default([&](Operation *other) {
            return other->hasTrait<OpTrait::ConstantLike>();
          });
  if (!exportable)
    return std::nullopt;
  return opset;
}

//===----------------------------------------------------------------------===//
// Ops
//===----------------------------------------------------------------------===//

namespace {
/// Exports one op through a GraphWriter.
class OpExporter {
public:
  explicit OpExporter(GraphWriter &writer) : w(writer) {}

  LogicalResult exportOp(Operation *op);

private:
  /// The float names of `values` ("" for null ones: omitted inputs).
  FailureOr<SmallVector<std::string>> floats(ValueRange values, Location loc);
  /// A node of `opType` on the float views of `operands` into `result`.
  FailureOr<onnx::NodeProto *> simple(StringRef opType, ValueRange operands,
                                      Value result);
  /// `result` names what `input` names (ops that only relabel a tensor);
  /// an Identity when `result` already has its own name (graph outputs).
  void alias(Value input, Value result);

  LogicalResult exportConstant(Operation *op);
  /// One node of the op's ONNX type, its float attributes as they are.
  LogicalResult exportElementwise(Operation *op);
  /// The i32 bias of a quantized layer as float: scale input scale times
  /// weight scale, per output channel.
  FailureOr<std::string> dequantizeBias(Operation *op, Value input,
                                        Value weight, Value bias);
  LogicalResult
  exportQuantizedLayer(Operation *op, StringRef opType, Value input,
                       Value weight, Value bias, Value result,
                       llvm::function_ref<void(onnx::NodeProto &)> attributes);
  LogicalResult exportReduce(Operation *op, StringRef opType,
                             ArrayRef<int64_t> axes, bool keepdims);

  GraphWriter &w;
};
} // namespace

FailureOr<SmallVector<std::string>> OpExporter::floats(ValueRange values,
                                                       Location loc) {
  SmallVector<std::string> names;
  for (Value value : values) {
    if (!value) {
      names.push_back("");
      continue;
    }
    FailureOr<std::string> name = w.floatView(value, loc);
    if (failed(name))
      return failure();
    names.push_back(*name);
  }
  return names;
}

FailureOr<onnx::NodeProto *>
OpExporter::simple(StringRef opType, ValueRange operands, Value result) {
  auto inputs = floats(operands, result.getLoc());
  if (failed(inputs))
    return failure();
  return &w.node(opType, *inputs, result);
}

void OpExporter::alias(Value input, Value result) {
  if (w.isBound(result))
    w.node("Identity", {w.name(input)}, result);
  else
    w.bind(result, w.name(input));
}

LogicalResult OpExporter::exportElementwise(Operation *op) {
  auto elementwise = cast<qc::ONNXElementwiseOpInterface>(op);
  auto node =
      simple(elementwise.getONNXOpType(), op->getOperands(), op->getResult(0));
  if (failed(node))
    return failure();
  // Inherent attributes only: discardable ones (qc.*) are quantc's notes.
  for (StringAttr name : op->getName().getAttributeNames())
    if (auto value = dyn_cast_if_present<FloatAttr>(op->getAttr(name)))
      addFloatAttribute(**node, name.getValue(),
                        value.getValue().convertToFloat());
  return success();
}

LogicalResult OpExporter::exportConstant(Operation *op) {
  Value result = op->getResult(0);
  Attribute attr;
  auto type = dyn_cast<RankedTensorType>(result.getType());
  if (!type || !matchPattern(result, m_Constant(&attr)) ||
      !isa<ElementsAttr>(attr))
    return emitError(op->getLoc(), "cannot export this constant to ONNX");
  int32_t dataType = onnxDataType(type.getElementType());
  // Weights take the storage type of the quantized type they are cast to
  // (INT4 for blocked 4-bit weights).
  if (!result.use_empty() && llvm::all_of(result.getUsers(), [](Operation *u) {
        return isa<quant::StorageCastOp>(u);
      })) {
    auto storageCast = cast<quant::StorageCastOp>(*result.getUsers().begin());
    dataType = onnxDataType(
        cast<RankedTensorType>(storageCast.getType()).getElementType());
  }
  if (dataType == 0)
    return emitError(op->getLoc(), "cannot export element type ")
           << type.getElementType() << " to ONNX";
  // A graph output already has its name: the data goes beside it.
  bool isOutput = w.isBound(result);
  std::string name =
      isOutput ? w.freshName(w.name(result) + "_value") : w.name(result);
  if (failed(w.initializer(cast<ElementsAttr>(attr), dataType, name)))
    return emitError(op->getLoc(), "cannot read this constant's data "
                                   "(released resource blob?)");
  if (isOutput)
    w.node("Identity", {name}, result);
  return success();
}

FailureOr<std::string> OpExporter::dequantizeBias(Operation *op, Value input,
                                                  Value weight, Value bias) {
  auto inputType = cast<RankedTensorType>(input.getType());
  auto weightType = cast<RankedTensorType>(weight.getType());
  auto weights = cast<quant::QuantizedType>(weightType.getElementType());
  Type inputElement = inputType.getElementType();
  if (auto perTensor = dyn_cast<quant::UniformQuantizedType>(inputElement))
    return w.dequantizeBias(bias, {perTensor.getScale()}, weights,
                            op->getLoc());
  // A depthwise convolution's input may be quantized per channel: output
  // channel o reads input channel o / (outputs per group) alone.
  auto perChannel = dyn_cast<quant::UniformQuantizedPerAxisType>(inputElement);
  auto conv = dyn_cast<qc::QConv2DOp>(op);
  if (perChannel && conv && perChannel.getQuantizedDimension() == 1 &&
      weightType.getDimSize(1) == 1) {
    int64_t outputs = weightType.getDimSize(0);
    int64_t perGroup = outputs / int64_t(conv.getGroup());
    SmallVector<double> scales;
    for (int64_t o = 0; o < outputs; ++o)
      scales.push_back(perChannel.getScales()[o / perGroup]);
    return w.dequantizeBias(bias, scales, weights, op->getLoc());
  }
  emitError(op->getLoc()) << "cannot export an i32 bias of an input "
                             "quantized as "
                          << inputElement;
  return failure();
}

LogicalResult OpExporter::exportQuantizedLayer(
    Operation *op, StringRef opType, Value input, Value weight, Value bias,
    Value result, llvm::function_ref<void(onnx::NodeProto &)> attributes) {
  Location loc = op->getLoc();
  auto inputs = floats({input, weight}, loc);
  if (failed(inputs))
    return failure();
  std::string biasName;
  if (bias) {
    FailureOr<std::string> name =
        cast<RankedTensorType>(bias.getType()).getElementType().isInteger(32)
            ? dequantizeBias(op, input, weight, bias)
            : w.floatView(bias, loc);
    if (failed(name))
      return failure();
    biasName = *name;
  }
  auto resultType = cast<RankedTensorType>(result.getType());
  bool quantizedResult = isQuantizedTensor(resultType);
  // Conv takes the bias as an input; MatMul is followed by an Add.
  bool biasInput = opType == "Conv";
  std::string product = quantizedResult || (bias && !biasInput)
                            ? w.freshName(w.name(result) + "_float")
                            : w.name(result);
  SmallVector<std::string> nodeInputs(*inputs);
  if (biasInput)
    nodeInputs.push_back(biasName);
  onnx::NodeProto &layer = w.node(opType, nodeInputs, {product}, loc);
  attributes(layer);
  if (bias && !biasInput) {
    std::string sum = quantizedResult ? w.freshName(w.name(result) + "_biased")
                                      : w.name(result);
    w.node("Add", {product, biasName}, {sum}, loc);
    product = sum;
  }
  if (!quantizedResult)
    return success();
  return w.quantizeInto(product, resultType, w.name(result), loc);
}

LogicalResult OpExporter::exportReduce(Operation *op, StringRef opType,
                                       ArrayRef<int64_t> axes, bool keepdims) {
  // ReduceSum takes axes as an input from opset 13, the others from 18.
  bool axesInput = opType == "ReduceSum" || w.opsetVersion() >= 18;
  SmallVector<std::string> inputs{w.name(op->getOperand(0))};
  if (axesInput && !axes.empty())
    inputs.push_back(w.int64s(axes, inputs[0] + "_axes"));
  onnx::NodeProto &node = w.node(opType, inputs, op->getResult(0));
  if (!axesInput && !axes.empty())
    addIntsAttribute(node, "axes", axes);
  addIntAttribute(node, "keepdims", keepdims);
  return success();
}

/// Conv and ConvTranspose attributes shared by float and quantized layers.
template <typename ConvOp>
static void addConvAttributes(onnx::NodeProto &node, ConvOp conv) {
  auto weightShape = cast<ShapedType>(conv.getWeight().getType()).getShape();
  addIntsAttribute(node, "kernel_shape", weightShape.drop_front(2));
  addIntsAttribute(node, "strides", conv.getStrides());
  addIntsAttribute(node, "pads", conv.getPads());
  addIntsAttribute(node, "dilations", conv.getDilations());
  addIntAttribute(node, "group", conv.getGroup());
}

LogicalResult OpExporter::exportOp(Operation *op) {
  if (op->hasTrait<OpTrait::ConstantLike>())
    return exportConstant(op);
  auto plain = [&](StringRef opType) {
    return success(
        succeeded(simple(opType, op->getOperands(), op->getResult(0))));
  };
  // Shape and data-movement ops pass quantized storage through as it is.
  auto movement = [&](StringRef opType,
                      ArrayRef<std::string> extraInputs) -> onnx::NodeProto & {
    SmallVector<std::string> inputs{w.name(op->getOperand(0))};
    inputs.append(extraInputs.begin(), extraInputs.end());
    return w.node(opType, inputs, op->getResult(0));
  };
  if (isa<qc::ONNXElementwiseOpInterface>(op))
    return exportElementwise(op);
  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](func::ReturnOp) { return success(); })
      .Case([&](qc::ObserveOp observe) {
        alias(observe.getInput(), observe.getResult());
        return success();
      })
      .Case([&](quant::StorageCastOp cast) {
        alias(cast.getInput(), cast.getResult());
        return success();
      })
      .Case<qc::QuantizeOp, qc::RequantizeOp>(
          [&](auto quantize) -> LogicalResult {
            // A requantize is a quantize of the dequantized input.
            FailureOr<std::string> input =
                w.floatView(quantize.getInput(), quantize.getLoc());
            if (failed(input))
              return failure();
            return w.quantizeInto(*input, quantize.getType(),
                                  w.name(quantize.getResult()),
                                  quantize.getLoc());
          })
      .Case([&](qc::DequantizeOp dequantize) -> LogicalResult {
        FailureOr<std::string> input =
            w.floatView(dequantize.getInput(), dequantize.getLoc());
        if (failed(input))
          return failure();
        w.node("Identity", {*input}, dequantize.getResult());
        return success();
      })
      .Case([&](qc::QConv2DOp conv) {
        return exportQuantizedLayer(
            conv, "Conv", conv.getInput(), conv.getWeight(), conv.getBias(),
            conv.getResult(),
            [&](onnx::NodeProto &node) { addConvAttributes(node, conv); });
      })
      .Case([&](qc::QMatMulOp matmul) {
        return exportQuantizedLayer(
            matmul, "MatMul", matmul.getLhs(), matmul.getRhs(),
            matmul.getBias(), matmul.getResult(), [](onnx::NodeProto &) {});
      })
      .Case([&](qc::MatMulOp) { return plain("MatMul"); })
      .Case([&](qc::GlobalAvgPoolOp) { return plain("GlobalAveragePool"); })
      .Case([&](qc::GeluOp gelu) -> LogicalResult {
        auto node = simple("Gelu", gelu.getInput(), gelu.getResult());
        if (failed(node))
          return failure();
        addStringAttribute(
            **node, "approximate",
            qc::stringifyGeluApproximation(gelu.getApproximate()));
        return success();
      })
      .Case([&](qc::ClipOp clip) -> LogicalResult {
        std::string input = w.name(clip.getInput());
        auto bound = [&](std::optional<APFloat> value, StringRef suffix) {
          return value ? w.floats({value->convertToFloat()}, {},
                                  input + suffix.str())
                       : std::string();
        };
        w.node(
            "Clip",
            {input, bound(clip.getMin(), "_min"), bound(clip.getMax(), "_max")},
            clip.getResult());
        return success();
      })
      .Case([&](qc::SoftmaxOp softmax) -> LogicalResult {
        auto node = simple("Softmax", softmax.getInput(), softmax.getResult());
        if (failed(node))
          return failure();
        addIntAttribute(**node, "axis", int64_t(softmax.getAxis()));
        return success();
      })
      .Case([&](qc::GemmOp gemm) -> LogicalResult {
        auto node = simple("Gemm", gemm->getOperands(), gemm.getResult());
        if (failed(node))
          return failure();
        addFloatAttribute(**node, "alpha", gemm.getAlpha().convertToFloat());
        addFloatAttribute(**node, "beta", gemm.getBeta().convertToFloat());
        addIntAttribute(**node, "transA", gemm.getTransA());
        addIntAttribute(**node, "transB", gemm.getTransB());
        return success();
      })
      .Case([&](qc::Conv2DOp conv) -> LogicalResult {
        auto node = simple("Conv", conv->getOperands(), conv.getResult());
        if (failed(node))
          return failure();
        addConvAttributes(**node, conv);
        return success();
      })
      .Case([&](qc::ConvTranspose2DOp conv) -> LogicalResult {
        auto node =
            simple("ConvTranspose", conv->getOperands(), conv.getResult());
        if (failed(node))
          return failure();
        addConvAttributes(**node, conv);
        addIntsAttribute(**node, "output_padding", conv.getOutputPadding());
        return success();
      })
      .Case([&](qc::LayerNormOp norm) -> LogicalResult {
        auto node =
            simple("LayerNormalization", norm->getOperands(), norm.getResult());
        if (failed(node))
          return failure();
        addIntAttribute(**node, "axis", int64_t(norm.getAxis()));
        addFloatAttribute(**node, "epsilon",
                          norm.getEpsilon().convertToFloat());
        return success();
      })
      .Case([&](qc::BatchNormOp norm) -> LogicalResult {
        auto node =
            simple("BatchNormalization", norm->getOperands(), norm.getResult());
        if (failed(node))
          return failure();
        addFloatAttribute(**node, "epsilon",
                          norm.getEpsilon().convertToFloat());
        return success();
      })
      .Case([&](qc::MaxPool2DOp pool) -> LogicalResult {
        auto node = simple("MaxPool", pool.getInput(), pool.getResult());
        if (failed(node))
          return failure();
        addIntsAttribute(**node, "kernel_shape", pool.getKernelShape());
        addIntsAttribute(**node, "strides", pool.getStrides());
        addIntsAttribute(**node, "pads", pool.getPads());
        addIntsAttribute(**node, "dilations", pool.getDilations());
        addIntAttribute(**node, "ceil_mode", pool.getCeilMode());
        return success();
      })
      .Case([&](qc::AvgPool2DOp pool) -> LogicalResult {
        auto node = simple("AveragePool", pool.getInput(), pool.getResult());
        if (failed(node))
          return failure();
        addIntsAttribute(**node, "kernel_shape", pool.getKernelShape());
        addIntsAttribute(**node, "strides", pool.getStrides());
        addIntsAttribute(**node, "pads", pool.getPads());
        addIntAttribute(**node, "ceil_mode", pool.getCeilMode());
        addIntAttribute(**node, "count_include_pad", pool.getCountIncludePad());
        return success();
      })
      .Case<qc::ReduceMeanOp, qc::ReduceSumOp, qc::ReduceMaxOp,
            qc::ReduceProdOp>([&](auto reduce) {
        StringRef opType = isa<qc::ReduceMeanOp>(op)   ? "ReduceMean"
                           : isa<qc::ReduceSumOp>(op)  ? "ReduceSum"
                           : isa<qc::ReduceProdOp>(op) ? "ReduceProd"
                                                       : "ReduceMax";
        return exportReduce(reduce, opType, reduce.getAxes(),
                            reduce.getKeepdims());
      })
      .Case([&](qc::ReshapeOp reshape) {
        SmallVector<int64_t> shape;
        for (int64_t dim : reshape.getType().getShape())
          shape.push_back(ShapedType::isDynamic(dim) ? -1 : dim);
        std::string input = w.name(reshape.getInput());
        onnx::NodeProto &node =
            movement("Reshape", {w.int64s(shape, input + "_shape")});
        if (llvm::is_contained(shape, 0))
          addIntAttribute(node, "allowzero", 1);
        return success();
      })
      .Case([&](qc::TransposeOp transpose) {
        addIntsAttribute(movement("Transpose", {}), "perm",
                         transpose.getPerm());
        return success();
      })
      .Case([&](qc::FlattenOp flatten) {
        addIntAttribute(movement("Flatten", {}), "axis",
                        int64_t(flatten.getAxis()));
        return success();
      })
      .Case([&](qc::SqueezeOp squeeze) {
        movement("Squeeze", {w.int64s(squeeze.getAxes(), "axes")});
        return success();
      })
      .Case([&](qc::UnsqueezeOp unsqueeze) {
        movement("Unsqueeze", {w.int64s(unsqueeze.getAxes(), "axes")});
        return success();
      })
      .Case([&](qc::SliceOp slice) {
        movement("Slice", {w.int64s(slice.getStarts(), "starts"),
                           w.int64s(slice.getEnds(), "ends"),
                           w.int64s(slice.getAxes(), "axes"),
                           w.int64s(slice.getSteps(), "steps")});
        return success();
      })
      .Case([&](qc::ConcatOp concat) {
        SmallVector<std::string> inputs;
        for (Value input : concat.getInputs())
          inputs.push_back(w.name(input));
        addIntAttribute(w.node("Concat", inputs, concat.getResult()), "axis",
                        int64_t(concat.getAxis()));
        return success();
      })
      .Case([&](qc::SplitOp split) {
        int64_t axis = split.getAxis();
        auto inputType = cast<RankedTensorType>(split.getInput().getType());
        if (axis < 0)
          axis += inputType.getRank();
        SmallVector<int64_t> sizes;
        SmallVector<std::string> outputs;
        for (Value result : split.getResults()) {
          sizes.push_back(
              cast<RankedTensorType>(result.getType()).getDimSize(axis));
          outputs.push_back(w.name(result));
        }
        std::string input = w.name(split.getInput());
        onnx::NodeProto &node =
            w.node("Split", {input, w.int64s(sizes, input + "_split")}, outputs,
                   split.getLoc());
        addIntAttribute(node, "axis", axis);
        return success();
      })
      .Case([&](qc::GatherOp gather) {
        addIntAttribute(movement("Gather", {w.name(gather.getIndices())}),
                        "axis", int64_t(gather.getAxis()));
        return success();
      })
      .Case([&](qc::ResizeOp resize) {
        std::string input = w.name(resize.getInput());
        SmallVector<float> scales(resize.getScales());
        onnx::NodeProto &node =
            movement("Resize", {"", w.floats(scales, {int64_t(scales.size())},
                                             input + "_scales")});
        addStringAttribute(node, "mode",
                           qc::stringifyResizeMode(resize.getMode()));
        addStringAttribute(
            node, "coordinate_transformation_mode",
            qc::stringifyCoordinateTransform(resize.getCoordinateTransform()));
        addStringAttribute(
            node, "nearest_mode",
            qc::stringifyNearestRounding(resize.getNearestRounding()));
        if (resize.getMode() == qc::ResizeMode::cubic) {
          addFloatAttribute(node, "cubic_coeff_a",
                            resize.getCubicCoeffA().convertToFloat());
          addIntAttribute(node, "exclude_outside",
                          resize.getExcludeOutside() ? 1 : 0);
        }
        return success();
      })
      .Case([&](qc::PadOp pad) {
        std::string input = w.name(pad.getInput());
        onnx::NodeProto &node =
            movement("Pad", {w.int64s(pad.getPads(), input + "_pads"),
                             w.floats({pad.getValue().convertToFloat()}, {},
                                      input + "_pad_value")});
        addStringAttribute(node, "mode", qc::stringifyPadMode(pad.getMode()));
        return success();
      })
      .Default([](Operation *other) {
        return emitError(other->getLoc(), "cannot export '")
               << other->getName() << "' to ONNX";
      });
}

LogicalResult quantc::onnx_export::exportOperation(GraphWriter &writer,
                                                   Operation *op) {
  return OpExporter(writer).exportOp(op);
}
