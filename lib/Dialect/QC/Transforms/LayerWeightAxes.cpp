//===- LayerWeightAxes.cpp - which weight axis meets which channel --------===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#include "LayerWeightAxes.h"

#include "quantc/Dialect/QC/IR/QCConstants.h"
#include "quantc/Dialect/QC/IR/QCOps.h"

#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace quantc::qc;

std::optional<int64_t> quantc::qc::weightInputAxis(Operation *layer) {
  return llvm::TypeSwitch<Operation *, std::optional<int64_t>>(layer)
      .Case([](MatMulOp m) -> std::optional<int64_t> {
        return cast<RankedTensorType>(m.getRhs().getType()).getRank() - 2;
      })
      .Case([](GemmOp g) -> std::optional<int64_t> {
        if (g.getTransA())
          return std::nullopt;
        return g.getTransB() ? 1 : 0;
      })
      .Case([](Conv2DOp c) -> std::optional<int64_t> {
        if (c.getGroup() != 1)
          return std::nullopt;
        return 1;
      })
      .Default([](Operation *) { return std::nullopt; });
}

std::optional<int64_t> quantc::qc::weightOutputAxis(Operation *layer) {
  return llvm::TypeSwitch<Operation *, std::optional<int64_t>>(layer)
      .Case([](MatMulOp m) -> std::optional<int64_t> {
        return cast<RankedTensorType>(m.getRhs().getType()).getRank() - 1;
      })
      .Case([](GemmOp g) -> std::optional<int64_t> {
        return g.getTransB() ? 0 : 1;
      })
      .Case([](Conv2DOp c) -> std::optional<int64_t> {
        if (c.getGroup() != 1)
          return std::nullopt;
        return 0;
      })
      .Default([](Operation *) { return std::nullopt; });
}

bool quantc::qc::isPerChannelConstant(Value value, int64_t axis, int64_t rank,
                                      int64_t channels) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || !readF32Constant(value) || type.getRank() > rank)
    return false;
  int64_t offset = rank - type.getRank();
  for (int64_t d = 0; d < type.getRank(); ++d) {
    int64_t extent = type.getDimSize(d);
    if (d + offset == axis ? extent != channels : extent != 1)
      return false;
  }
  return true;
}
