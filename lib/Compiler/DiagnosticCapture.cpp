//===- DiagnosticCapture.cpp - MLIR diagnostics into llvm::Error ----------===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#include "DiagnosticCapture.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/Support/raw_ostream.h"

using namespace quantc;

static void appendDiagnostic(std::string &messages, mlir::Diagnostic &diag,
                             llvm::StringRef indent) {
  llvm::raw_string_ostream os(messages);
  if (!messages.empty())
    os << "\n";
  os << indent;
  // file:line:col as compilers print it; other locations as MLIR does.
  mlir::Location loc = diag.getLocation();
  if (auto file = llvm::dyn_cast<mlir::FileLineColLoc>(loc))
    os << file.getFilename().getValue() << ":" << file.getLine() << ":"
       << file.getColumn() << ": ";
  else if (!llvm::isa<mlir::UnknownLoc>(loc))
    os << loc << ": ";
  if (diag.getSeverity() == mlir::DiagnosticSeverity::Warning)
    os << "warning: ";
  else if (diag.getSeverity() == mlir::DiagnosticSeverity::Note)
    os << "note: ";
  os << diag.str();
  for (mlir::Diagnostic &note : diag.getNotes())
    appendDiagnostic(messages, note, "  ");
}

DiagnosticCapture::DiagnosticCapture(mlir::MLIRContext &context)
    : handler(&context, [this](mlir::Diagnostic &diag) {
        if (diag.getSeverity() != mlir::DiagnosticSeverity::Remark)
          appendDiagnostic(messages, diag, "");
        if (diag.getSeverity() == mlir::DiagnosticSeverity::Error)
          appendDiagnostic(errors, diag, "");
        return mlir::success();
      }) {}

llvm::Error DiagnosticCapture::takeError(llvm::StringRef fallback) {
  std::string text = messages.empty() ? fallback.str() : messages;
  messages.clear();
  errors.clear();
  return llvm::createStringError(llvm::inconvertibleErrorCode(), text);
}

llvm::Error DiagnosticCapture::attachTo(llvm::Error err) {
  if (!err || errors.empty())
    return err;
  std::string text = errors + "\n" + llvm::toString(std::move(err));
  messages.clear();
  errors.clear();
  return llvm::createStringError(llvm::inconvertibleErrorCode(), text);
}
