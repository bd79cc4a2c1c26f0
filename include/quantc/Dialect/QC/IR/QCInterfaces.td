//===- QCInterfaces.td - qc op interfaces ------------------*- tablegen -*-===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_DIALECT_QC_IR_QCINTERFACES_TD
#define QUANTC_DIALECT_QC_IR_QCINTERFACES_TD

include "mlir/IR/OpBase.td"

def QC_QuantizableOpInterface : OpInterface<"QuantizableOpInterface"> {
  let cppNamespace = "::quantc::qc";
  let description = [{
    The one definition of a quantizable layer: a float op that
    `qc-quantize` rewrites to a quantized compute op once its activation
    input is calibrated. Observer insertion, calibration's channel moments,
    precision switches, the quantizer, `--keep-float` and the compile
    report all ask this interface, so an op that implements it joins every
    one of them at once.
  }];
  let methods = [
    InterfaceMethod<
      "The operand holding the activation the layer quantizes to u8 (a "
      "convolution's input, a matmul's left side).",
      "::mlir::OpOperand &", "getActivationOperand">,
    InterfaceMethod<
      "The operands calibration observes: the activation, and the other "
      "side of a product of two activations (attention's Q K^T).",
      "::llvm::SmallVector<::mlir::OpOperand *, 2>", "getObservedOperands">,
    InterfaceMethod<"The weight operand (a constant for a layer to quantize).",
      "::mlir::Value", "getWeightOperand">,
    InterfaceMethod<"The bias operand, or null.",
      "::mlir::Value", "getBiasOperand">,
    InterfaceMethod<
      "The axis of the activation the layer reduces over (NCHW channels, "
      "a matmul's K), or -1 when it is not one axis (a transposed A).",
      "int64_t", "getActivationChannelAxis">,
    InterfaceMethod<
      "The layer's name: its location's (the ONNX output tensor's), or "
      "empty.",
      "::llvm::StringRef", "getLayerName", (ins), [{}], [{
        if (auto name = ::llvm::dyn_cast<::mlir::NameLoc>($_op->getLoc()))
          return name.getName().getValue();
        return {};
      }]>,
  ];
}

def QC_ONNXElementwiseOpInterface : OpInterface<"ONNXElementwiseOpInterface"> {
  let cppNamespace = "::quantc::qc";
  let description = [{
    An elementwise op that is exactly one ONNX operator: the same operands
    in the same order, and its float attributes (`alpha`, `beta`, `gamma`)
    named and defaulted as ONNX names them. The ONNX exporter writes every
    such op one way, and layer-wise relevance passes through the unary ones
    (a value-wise map), so a new activation joins both by declaring this.
  }];
  let methods = [
    StaticInterfaceMethod<"The ONNX operator type.",
      "::llvm::StringRef", "getONNXOpType">,
    StaticInterfaceMethod<
      "The first opset of the default domain with this operator's current "
      "form.",
      "int64_t", "getONNXOpset">,
  ];
}

#endif // QUANTC_DIALECT_QC_IR_QCINTERFACES_TD
