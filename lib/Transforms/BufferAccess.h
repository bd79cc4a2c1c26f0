//===- BufferAccess.h - which ops touch buffer contents ---------*- C++ -*-===//
//
// Part of quantc. Shared by the GPU passes (what must run in a kernel) and
// quantc-merge-parallel-regions (which nests may run without a barrier).
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_LIB_TRANSFORMS_BUFFERACCESS_H
#define QUANTC_LIB_TRANSFORMS_BUFFERACCESS_H

#include "mlir/IR/Operation.h"
#include "mlir/IR/Value.h"

namespace quantc {

/// Whether `op` itself (not its regions) reads or writes buffer contents:
/// it declares a read or write effect (on a memref, or on nothing in
/// particular), or it declares no effects at all and takes a memref (a
/// call, say). Allocation and freeing do not count.
bool accessesBufferContents(mlir::Operation *op);

/// The buffer `memref` views, through subviews, reshapes and casts.
mlir::Value viewedBuffer(mlir::Value memref);

/// Whether views `a` and `b` may share elements: they view the same
/// buffer, unless both are static subviews of it (or it itself) whose
/// boxes are disjoint along some dimension. Different allocations, and
/// different globals, are apart; function arguments may alias one
/// another, and a memref of unknown origin anything but an allocation.
bool mayOverlap(mlir::Value a, mlir::Value b);

} // namespace quantc

#endif // QUANTC_LIB_TRANSFORMS_BUFFERACCESS_H
