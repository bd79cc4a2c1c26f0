//===- ParallelLoops.h - the mark of a loop threads may share ---*- C++ -*-===//
//
// Part of quantc. Whoever makes a loop knows whether its iterations are
// independent (a linalg op's parallel dimension, a GEMM kernel's rows);
// after bufferization that is hard to prove again, so the maker marks it.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_SUPPORT_PARALLELLOOPS_H
#define QUANTC_SUPPORT_PARALLELLOOPS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/Operation.h"

namespace quantc {

/// Marks an scf.for whose iterations write disjoint parts of their
/// buffers: quantc-parallelize-loops may run it on several threads.
inline constexpr llvm::StringLiteral kParallelLoopAttr = "quantc.parallel";

inline void markParallelLoop(mlir::Operation *loop) {
  loop->setAttr(kParallelLoopAttr, mlir::UnitAttr::get(loop->getContext()));
}

} // namespace quantc

#endif // QUANTC_SUPPORT_PARALLELLOOPS_H
