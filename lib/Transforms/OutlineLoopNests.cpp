//===- OutlineLoopNests.cpp - one function per top-level loop nest --------===//
//
// Part of quantc. Keeps LLVM's per-function loop passes from seeing a
// whole model at once (see Passes.td).
//
//===----------------------------------------------------------------------===//

#include "quantc/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/SetVector.h"

namespace quantc {
#define GEN_PASS_DEF_OUTLINELOOPNESTS
#include "quantc/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;

namespace {

/// Values a nest reads from outside it: its bounds, then what its body
/// uses, in first-use order.
llvm::SetVector<Value> capturedValues(Operation *nest) {
  llvm::SetVector<Value> captured(nest->operand_begin(), nest->operand_end());
  getUsedValuesDefinedAbove(nest->getRegions(), captured);
  return captured;
}

/// Constants and global addresses are cheaper to rebuild than to pass,
/// and rebuilding them keeps loop bounds static in the callee.
bool clonable(Value value) {
  Operation *def = value.getDefiningOp();
  return def && def->getNumOperands() == 0 && def->getNumRegions() == 0 &&
         (matchPattern(value, m_Constant()) || isa<memref::GetGlobalOp>(def));
}

struct OutlineLoopNestsPass
    : public quantc::impl::OutlineLoopNestsBase<OutlineLoopNestsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    SmallVector<func::FuncOp> functions(module.getOps<func::FuncOp>());
    for (func::FuncOp function : functions) {
      if (function.isExternal())
        continue;
      // Outermost loops, also those under an scf.if (a precision switch).
      SmallVector<scf::ForOp> nests;
      function.walk<WalkOrder::PreOrder>([&](scf::ForOp loop) {
        if (loop->getNumResults() == 0)
          nests.push_back(loop);
        return WalkResult::skip();
      });
      for (auto [index, nest] : llvm::enumerate(nests))
        outline(function, nest, index, symbols);
    }
  }

  void outline(func::FuncOp parent, scf::ForOp nest, size_t index,
               SymbolTable &symbols) {
    llvm::SetVector<Value> captured = capturedValues(nest);
    SmallVector<Value> arguments;
    SmallVector<Value> rebuilt;
    for (Value value : captured)
      (clonable(value) ? rebuilt : arguments).push_back(value);

    OpBuilder builder(parent);
    builder.setInsertionPointAfter(parent);
    auto type = builder.getFunctionType(ValueRange(arguments).getTypes(), {});
    auto callee = func::FuncOp::create(
        builder, nest.getLoc(),
        (parent.getSymName() + "_nest" + llvm::Twine(index)).str(), type);
    callee.setPrivate();
    callee->setAttr("passthrough",
                    builder.getArrayAttr({builder.getStringAttr("noinline")}));
    symbols.insert(callee); // uniques the name if it is taken

    Block *body = callee.addEntryBlock();
    builder.setInsertionPointToStart(body);
    IRMapping mapping;
    for (auto [value, argument] : llvm::zip_equal(arguments, body->getArguments()))
      mapping.map(value, argument);
    for (Value value : rebuilt)
      builder.clone(*value.getDefiningOp(), mapping);
    builder.clone(*nest, mapping);
    func::ReturnOp::create(builder, nest.getLoc());

    builder.setInsertionPoint(nest);
    func::CallOp::create(builder, nest.getLoc(), callee, arguments);
    nest.erase();
    ++numOutlined;
  }
};
} // namespace
