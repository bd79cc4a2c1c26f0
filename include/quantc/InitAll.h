//===- InitAll.h - register quantc dialects and passes ----------*- C++ -*-===//
//
// Part of quantc. Entry points for tools and embedding compilers.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_INITALL_H
#define QUANTC_INITALL_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace quantc {

/// Registers the qc dialect and the upstream dialects that quantc's
/// pipelines produce (quant, func, arith, math, tensor, linalg,
/// bufferization, memref, scf, vector, llvm and the target vector dialects),
/// with the interface implementations lowering needs.
void registerAllDialects(mlir::DialectRegistry &registry);

/// Registers quantc's passes and pass pipelines.
void registerAllPasses();

} // namespace quantc

#endif // QUANTC_INITALL_H
