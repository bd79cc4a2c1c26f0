//===- QCPrecision.cpp - #qc.precision and its text form ------------------===//
//
// Part of quantc. The text form is what assignment files, the driver's
// --candidates and the report use, so one parser serves all of them.
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QC/IR/QCAttrs.h"
#include "quantc/Dialect/QC/IR/QCDialect.h"

#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace quantc::qc;

LogicalResult
LayerPrecisionAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                           WeightPrecision format, int64_t group, bool gptq) {
  if (group != 0 &&
      (format != WeightPrecision::Int4 || group < 0 || group % 8 != 0))
    return emitError() << "group " << group
                       << ": weight groups need int4 and a positive "
                          "multiple of 8";
  if (gptq && group == 0)
    return emitError() << "gptq rounds int4 groups: give a group";
  return success();
}

std::string LayerPrecisionAttr::str() const {
  std::string text = stringifyWeightPrecision(getFormat()).str();
  std::replace(text.begin(), text.end(), '_', '-');
  if (getGroup())
    text += "-g" + std::to_string(getGroup());
  if (getGptq())
    text += "-gptq";
  return text;
}

LayerPrecisionAttr LayerPrecisionAttr::parse(MLIRContext *context,
                                             StringRef text,
                                             std::string &error) {
  auto fail = [&](const Twine &why) {
    error = ("precision '" + text + "': " + why).str();
    return LayerPrecisionAttr();
  };
  StringRef rest = text;
  std::optional<WeightPrecision> format;
  for (StringRef name :
       {"float", "int8", "int4", "ternary-absmean", "ternary-twn"})
    if (rest.consume_front(name)) {
      std::string symbol = name.str();
      std::replace(symbol.begin(), symbol.end(), '-', '_');
      format = symbolizeWeightPrecision(symbol);
      break;
    }
  if (!format)
    return fail("expected float, int8, int4[-gG[-gptq]], ternary-absmean "
                "or ternary-twn");
  int64_t group = 0;
  bool gptq = false;
  llvm::SmallVector<StringRef> suffixes;
  if (!rest.empty()) {
    if (!rest.consume_front("-"))
      return fail("unexpected '" + rest + "'");
    rest.split(suffixes, '-');
  }
  for (StringRef suffix : suffixes) {
    StringRef digits = suffix;
    if (suffix == "gptq" && !gptq)
      gptq = true;
    else if (digits.consume_front("g") && !group && !gptq &&
             !digits.getAsInteger(10, group) && group > 0)
      continue;
    else
      return fail("unexpected '-" + suffix + "'");
  }
  if (group != 0 && (*format != WeightPrecision::Int4 || group % 8 != 0))
    return fail("groups need int4 and a positive multiple of 8");
  if (gptq && group == 0)
    return fail("gptq rounds int4 groups: give a group (int4-g32-gptq)");
  return LayerPrecisionAttr::get(context, *format, group, gptq);
}
