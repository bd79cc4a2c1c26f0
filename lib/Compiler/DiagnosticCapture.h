//===- DiagnosticCapture.h - MLIR diagnostics into llvm::Error --*- C++ -*-===//
//
// Part of quantc. The compiler library never prints: while a stage runs,
// the MLIR diagnostics it raises are collected ("<location>: <message>",
// notes indented) and handed back inside the stage's error.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_LIB_COMPILER_DIAGNOSTICCAPTURE_H
#define QUANTC_LIB_COMPILER_DIAGNOSTICCAPTURE_H

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/Error.h"

#include <string>

namespace quantc {

class DiagnosticCapture {
public:
  explicit DiagnosticCapture(mlir::MLIRContext &context);
  /// An error holding every error and warning seen, or `fallback` when
  /// there were none.
  llvm::Error takeError(llvm::StringRef fallback);
  /// `err` (success passes through) with the error diagnostics seen before
  /// it, for stages whose callee returns its own error after emitting
  /// them. Warnings are left out: they precede unrelated errors too (a bad
  /// sample file after the JIT's translation warnings).
  llvm::Error attachTo(llvm::Error err);
  template <typename T> llvm::Expected<T> attachTo(llvm::Expected<T> value) {
    if (value)
      return value;
    return attachTo(value.takeError());
  }

private:
  /// Every error and warning; the errors alone.
  std::string messages, errors;
  mlir::ScopedDiagnosticHandler handler;
};

} // namespace quantc

#endif // QUANTC_LIB_COMPILER_DIAGNOSTICCAPTURE_H
