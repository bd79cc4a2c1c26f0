//===- BufferAccess.cpp - which ops touch buffer contents -----------------===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#include "BufferAccess.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

using namespace mlir;

bool quantc::accessesBufferContents(Operation *op) {
  auto effects = dyn_cast<MemoryEffectOpInterface>(op);
  if (!effects)
    return !op->hasTrait<OpTrait::HasRecursiveMemoryEffects>() &&
           llvm::any_of(op->getOperandTypes(),
                        [](Type type) { return isa<MemRefType>(type); });
  SmallVector<MemoryEffects::EffectInstance> list;
  effects.getEffects(list);
  return llvm::any_of(list, [](const MemoryEffects::EffectInstance &effect) {
    Value value = effect.getValue();
    return isa<MemoryEffects::Read, MemoryEffects::Write>(effect.getEffect()) &&
           (!value || isa<MemRefType>(value.getType()));
  });
}

Value quantc::viewedBuffer(Value memref) {
  while (auto view = memref.getDefiningOp<ViewLikeOpInterface>())
    memref = view.getViewSource();
  return memref;
}

namespace {
/// The elements of a buffer a view covers, per dimension of the buffer:
/// [first, last] (a strided view covers part of that).
struct Box {
  SmallVector<int64_t> first, last;
};
} // namespace

/// The box `view` covers in the buffer it views, when that is the buffer
/// itself or one subview of it with static offsets, sizes and strides.
static std::optional<Box> boxInBuffer(Value view) {
  auto buffer = dyn_cast<MemRefType>(view.getType());
  if (quantc::viewedBuffer(view) == view && buffer && buffer.hasStaticShape()) {
    Box box;
    for (int64_t extent : buffer.getShape()) {
      box.first.push_back(0);
      box.last.push_back(extent - 1);
    }
    return box;
  }
  auto subview = view.getDefiningOp<memref::SubViewOp>();
  if (!subview ||
      quantc::viewedBuffer(subview.getSource()) != subview.getSource())
    return std::nullopt;
  ArrayRef<int64_t> offsets = subview.getStaticOffsets(),
                    sizes = subview.getStaticSizes(),
                    strides = subview.getStaticStrides();
  Box box;
  for (auto [offset, size, stride] : llvm::zip_equal(offsets, sizes, strides)) {
    if (ShapedType::isDynamic(offset) || ShapedType::isDynamic(size) ||
        ShapedType::isDynamic(stride))
      return std::nullopt;
    box.first.push_back(offset);
    box.last.push_back(offset + stride * (size - 1));
  }
  return box;
}

/// Whether `buffer` is memory of its own: an allocation.
static bool isFresh(Value buffer) {
  return buffer.getDefiningOp<memref::AllocOp>() ||
         buffer.getDefiningOp<memref::AllocaOp>();
}

bool quantc::mayOverlap(Value a, Value b) {
  Value bufferA = viewedBuffer(a), bufferB = viewedBuffer(b);
  if (bufferA != bufferB) {
    if (isFresh(bufferA) || isFresh(bufferB))
      return false;
    auto globalA = bufferA.getDefiningOp<memref::GetGlobalOp>();
    auto globalB = bufferB.getDefiningOp<memref::GetGlobalOp>();
    if (globalA && globalB)
      return globalA.getName() == globalB.getName();
    // A global and an argument are apart; two arguments, or a memref of
    // unknown origin (a call's result), may be one buffer.
    return !((globalA && isa<BlockArgument>(bufferB)) ||
             (globalB && isa<BlockArgument>(bufferA)));
  }
  std::optional<Box> boxA = boxInBuffer(a), boxB = boxInBuffer(b);
  if (!boxA || !boxB)
    return true;
  for (size_t d = 0; d < boxA->first.size(); ++d)
    if (boxA->last[d] < boxB->first[d] || boxB->last[d] < boxA->first[d])
      return false;
  return true;
}
