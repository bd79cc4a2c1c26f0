//===- ONNXExporter.cpp - qc modules written back as ONNX -----------------===//
//
// Part of quantc. Checks the whole function first (every op without an
// ONNX form is named in one error, and the opset is the highest any op
// needs), then writes inputs, ops in program order and outputs.
//
//===----------------------------------------------------------------------===//

#include "ExportOps.h"
#include "GraphWriter.h"

#include "quantc/Dialect/QC/IR/QCDialect.h"
#include "quantc/Target/ONNXExport/ONNXExporter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include <map>

using namespace mlir;
using namespace quantc;
using namespace quantc::onnx_export;

/// The function `name`, or `main`, or the only function with a body.
static func::FuncOp findFunction(ModuleOp module, StringRef name) {
  if (!name.empty())
    return module.lookupSymbol<func::FuncOp>(name);
  if (auto main = module.lookupSymbol<func::FuncOp>("main"))
    return main;
  func::FuncOp only;
  for (auto function : module.getOps<func::FuncOp>()) {
    if (function.isExternal())
      continue;
    if (only)
      return {};
    only = function;
  }
  return only;
}

/// The ONNX name of argument or result `index` ("input<i>" / "output<i>"
/// without an onnx.name).
static std::string ioName(DictionaryAttr attrs, StringRef prefix,
                          unsigned index) {
  if (attrs)
    if (auto name = attrs.getAs<StringAttr>("onnx.name"))
      return name.str();
  return prefix.str() + std::to_string(index);
}

/// The IR version that goes with a default-domain opset.
static int64_t irVersion(int64_t opset) {
  if (opset >= 21)
    return 10;
  return opset >= 19 ? 9 : 8;
}

FailureOr<ONNXExportSummary>
quantc::exportONNX(ModuleOp module, llvm::raw_ostream &os,
                   const ONNXExportOptions &options) {
  func::FuncOp function = findFunction(module, options.functionName);
  if (!function || function.isExternal())
    return emitError(module.getLoc(), "no function to export to ONNX")
           << (options.functionName.empty()
                   ? std::string(" (no @main and not exactly one function)")
                   : " named '" + options.functionName + "'");
  if (!function.getBody().hasOneBlock())
    return emitError(function.getLoc(),
                     "cannot export a function with control flow "
                     "to ONNX");

  // Everything ONNX cannot say, in one diagnostic.
  int64_t opset = 13;
  std::map<std::string, unsigned> unsupported;
  for (Operation &op : function.getBody().front()) {
    std::string reason;
    std::optional<int64_t> needed = requiredOpset(&op, reason);
    if (!needed) {
      std::string label = op.getName().getStringRef().str();
      ++unsupported[reason.empty() ? label : label + " (" + reason + ")"];
      continue;
    }
    opset = std::max(opset, *needed);
  }
  if (!unsupported.empty()) {
    InFlightDiagnostic diag = emitError(
        function.getLoc(),
        "ops with no ONNX form (online Hadamard transforms and log-domain "
        "products cannot be exported): ");
    llvm::interleaveComma(unsupported, diag, [&](const auto &entry) {
      diag << entry.first << " x" << entry.second;
    });
    return failure();
  }

  onnx::ModelProto model;
  model.set_ir_version(irVersion(opset));
  model.set_producer_name("quantc");
  model.add_opset_import()->set_version(opset);
  onnx::GraphProto &graph = *model.mutable_graph();
  graph.set_name(options.graphName);
  GraphWriter writer(graph, opset);

  for (BlockArgument arg : function.getArguments()) {
    std::string name = ioName(function.getArgAttrDict(arg.getArgNumber()),
                              "input", arg.getArgNumber());
    writer.bind(arg, name);
    writer.declare(*graph.mutable_input(), name, arg.getType());
  }
  // Results keep their ONNX names: the ops that compute them write them
  // directly, and a value returned twice (or an input returned) is copied.
  auto ret = cast<func::ReturnOp>(function.getBody().front().getTerminator());
  SmallVector<std::string> outputNames;
  SmallVector<std::pair<Value, std::string>> copies;
  for (auto [index, value] : llvm::enumerate(ret.getOperands())) {
    std::string name =
        ioName(function.getResultAttrDict(index), "output", index);
    outputNames.push_back(name);
    if (isa<BlockArgument>(value) || writer.isBound(value)) {
      writer.reserve(name);
      copies.push_back({value, name});
    } else {
      writer.bind(value, name);
    }
    writer.declare(*graph.mutable_output(), name, value.getType());
  }

  for (Operation &op : function.getBody().front())
    if (failed(exportOperation(writer, &op)))
      return failure();
  for (auto &[value, name] : copies)
    writer.node("Identity", {writer.name(value)}, {name}, ret.getLoc());

  ONNXExportSummary summary;
  summary.opset = opset;
  summary.nodes = graph.node_size();
  summary.quantizeNodes = writer.quantizeNodes;
  summary.dequantizeNodes = writer.dequantizeNodes;
  std::string bytes;
  if (!model.SerializeToString(&bytes))
    return emitError(function.getLoc(),
                     "the ONNX model does not serialize (over "
                     "protobuf's 2 GiB limit?)");
  summary.bytes = bytes.size();
  os << bytes;
  return summary;
}

void quantc::registerONNXExportTranslation() {
  TranslateFromMLIRRegistration registration(
      "export-onnx",
      "write a qc function (float or quantized, as QDQ) as an ONNX model",
      [](Operation *op, llvm::raw_ostream &os) -> LogicalResult {
        auto module = dyn_cast<ModuleOp>(op);
        if (!module)
          return op->emitError("expected a builtin.module");
        return success(succeeded(exportONNX(module, os)));
      },
      [](DialectRegistry &registry) {
        registry
            .insert<qc::QCDialect, func::FuncDialect, quant::QuantDialect>();
      });
}
