//===- ONNXImporter.h - ONNX model import into qc ---------------*- C++ -*-===//
//
// Part of quantc. Builds a module with one func.func of qc ops from an ONNX
// ModelProto. Problems (malformed files, unsupported operators, shape
// errors) are reported as MLIR diagnostics and the import returns null;
// the importer never aborts on bad input.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_TARGET_ONNX_ONNXIMPORTER_H
#define QUANTC_TARGET_ONNX_ONNXIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/MemoryBufferRef.h"

#include <string>

namespace mlir {
class MLIRContext;
} // namespace mlir

namespace quantc {

/// Contents fixed at import for a graph input (`--bind-input`): either a
/// tensor (`dataType`, `shape`, little-endian `rawData`, as read from a
/// .npy or .pb file) or, with `dataType` 0, literal numbers taken in the
/// input's declared element type and shape.
struct BoundInput {
  int32_t dataType = 0;
  llvm::SmallVector<int64_t> shape;
  std::string rawData;
  llvm::SmallVector<std::string> literal;
};

struct ONNXImportOptions {
  /// Static shapes that replace graph-input shapes (symbolic dims included),
  /// keyed by input name. A dimension of -1 stays dynamic.
  llvm::StringMap<llvm::SmallVector<int64_t>> inputShapes;
  /// Graph inputs that become constants, keyed by name: what they determine
  /// (a Reshape's shape, an axis, the branch an If takes) is then known when
  /// compiling, and they are no longer arguments of the function.
  llvm::StringMap<BoundInput> boundInputs;
  /// Folder that external-data locations are resolved in. Empty: external
  /// data is refused.
  std::string modelDirectory;
  /// Name of the generated function.
  std::string functionName = "main";
};

/// Imports an ONNX model from memory. `bufferName` names it in diagnostics.
mlir::OwningOpRef<mlir::ModuleOp>
importONNX(llvm::MemoryBufferRef buffer, mlir::MLIRContext &context,
           const ONNXImportOptions &options);

/// Imports an ONNX model file; external data is resolved in the file's
/// folder unless `options.modelDirectory` says otherwise.
mlir::OwningOpRef<mlir::ModuleOp> importONNXFile(llvm::StringRef path,
                                                 mlir::MLIRContext &context,
                                                 ONNXImportOptions options);

/// Parses "name=1x3x224x224" (use ? or -1 for a dynamic dim) into `options`.
/// Returns an error message, or an empty string on success.
std::string parseInputShapeOption(llvm::StringRef text,
                                  ONNXImportOptions &options);

/// Parses "name=v1,v2,..." (literal numbers) into `options.boundInputs`.
/// Returns an error message, or an empty string on success.
std::string parseBindInputOption(llvm::StringRef text,
                                 ONNXImportOptions &options);

/// Registers `--import-onnx` (with `--input-shape` and `--bind-input`) for
/// mlir-translate-style tools.
void registerONNXImportTranslation();

} // namespace quantc

#endif // QUANTC_TARGET_ONNX_ONNXIMPORTER_H
