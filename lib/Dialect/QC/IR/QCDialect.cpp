//===- QCDialect.cpp - qc dialect registration ----------------------------===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QC/IR/QCDialect.h"
#include "quantc/Dialect/QC/IR/QCAttrs.h"
#include "quantc/Dialect/QC/IR/QCOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace quantc::qc;

#include "quantc/Dialect/QC/IR/QCEnums.cpp.inc"
#include "quantc/Dialect/QC/IR/QCOpsDialect.cpp.inc"
#define GET_ATTRDEF_CLASSES
#include "quantc/Dialect/QC/IR/QCAttrs.cpp.inc"

void QCDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "quantc/Dialect/QC/IR/QCOps.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "quantc/Dialect/QC/IR/QCAttrs.cpp.inc"
      >();
}

Operation *QCDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                          Type type, Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return ConstantOp::create(builder, loc, type, elements);
}

/// The type (and owner) each discardable qc attribute must have.
LogicalResult QCDialect::verifyOperationAttribute(Operation *op,
                                                  NamedAttribute attribute) {
  StringRef name = attribute.getName().getValue();
  Attribute value = attribute.getValue();
  auto expect = [&](bool ok, StringRef what) -> LogicalResult {
    if (ok)
      return success();
    return op->emitError() << "'" << name << "' must be " << what << ", got "
                           << value;
  };
  if (name == kKeepFloatAttr)
    return expect(isa<UnitAttr>(value), "a unit attribute");
  if (name == kSmoothScaleAttr)
    return expect(isa<UnitAttr>(value) && isa<MulOp>(op),
                  "a unit attribute on qc.mul");
  if (name == kReparameterizedAttr)
    return expect(isa<UnitAttr>(value) && isa<ObserveOp>(op),
                  "a unit attribute on qc.observe");
  if (name == kPrecisionAttr)
    return expect(isa<LayerPrecisionAttr>(value) &&
                      isa<QuantizableOpInterface>(op),
                  "a #qc.precision on a quantizable layer");
  if (name == kGemmKernelAttr)
    return expect(isa<FlatSymbolRefAttr>(value) &&
                      isa<QMatMulOp, QConv2DOp>(op),
                  "a kernel symbol on qc.qmatmul or qc.qconv2d");
  if (name == kDirectConvAttr)
    return expect(isa<UnitAttr>(value) && isa<QConv2DOp>(op),
                  "a unit attribute on qc.qconv2d");
  if (name == kGemmKernelSpecAttr)
    return expect(isa<GemmKernelAttr>(value) &&
                      op->getName().getStringRef() == "func.func",
                  "a #qc.gemm_kernel on a kernel's func.func declaration");
  if (name == kWeightSQNRAttr || name == kEstimatedSQNRAttr ||
      name == kGptqErrorRatioAttr)
    return expect(isa<FloatAttr>(value), "a float attribute");
  if (name == kWeightRoundingAttr)
    return expect(isa<StringAttr>(value), "a string attribute");
  if (name == kObserversAttr || name == kPrecisionSwitchesAttr)
    return expect(
        isa<ArrayAttr>(value) &&
            llvm::all_of(cast<ArrayAttr>(value),
                         [](Attribute a) { return isa<StringAttr>(a); }) &&
            isa<ModuleOp>(op),
        "an array of strings on a module");
  return op->emitError() << "unknown qc attribute '" << name << "'";
}

LogicalResult
GemmKernelAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                       GemmWeightFormat format, GemmIsa isa, int64_t m,
                       int64_t n, int64_t k, int64_t group, int64_t panel) {
  if (m <= 0 || n <= 0 || k <= 0)
    return emitError() << "kernel shape must be positive, got " << m << "x" << n
                       << "x" << k;
  if ((format == GemmWeightFormat::int4) != (group > 0))
    return emitError() << "int4 kernels need a positive group and other "
                          "formats none, got group "
                       << group;
  if (group > 0 && k % group != 0)
    return emitError() << "group " << group << " does not divide K = " << k;
  if (panel <= 0 || panel > 64 || panel % 16 != 0 || n % panel != 0)
    return emitError() << "the panel width must be 16, 32, 48 or 64 and "
                          "divide N = "
                       << n << ", got " << panel;
  if (panel != 64 && isa != GemmIsa::avx512vnni)
    return emitError() << "only avx512vnni kernels take panels narrower "
                          "than 64 columns, got "
                       << panel;
  return success();
}
