//===- ZeroFill.cpp - a zero fill an accumulating op starts from itself ---===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#include "ZeroFill.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

linalg::FillOp quantc::soleZeroFill(Value init) {
  auto fill = init.getDefiningOp<linalg::FillOp>();
  if (!fill || !fill.getResult(0).hasOneUse())
    return {};
  Value value = fill.getInputs()[0];
  if (!matchPattern(value, m_Zero()) && !matchPattern(value, m_AnyZeroFloat()))
    return {};
  return fill;
}

bool quantc::takeZeroFill(RewriterBase &rewriter, OpOperand &init) {
  linalg::FillOp fill = soleZeroFill(init.get());
  if (!fill)
    return false;
  rewriter.modifyOpInPlace(init.getOwner(),
                           [&] { init.set(fill.getDpsInits()[0]); });
  rewriter.eraseOp(fill);
  return true;
}
