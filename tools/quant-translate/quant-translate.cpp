//===- quant-translate.cpp - quantc's translation driver ------------------===//
//
// Part of quantc. Translations between MLIR and other formats: today
// ONNX -> qc (--import-onnx), float qc -> object file (--qc-to-object)
// and MLIR (LLVM dialect) <-> LLVM IR.
//
//===----------------------------------------------------------------------===//

#include "quantc/Target/ONNX/ONNXImporter.h"
#include "quantc/Target/ONNXExport/ONNXExporter.h"
#include "quantc/Target/Object/ObjectEmitter.h"

#include "mlir/InitAllTranslations.h"
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"

int main(int argc, char **argv) {
  mlir::registerToLLVMIRTranslation();
  mlir::registerFromLLVMIRTranslation();
  quantc::registerONNXImportTranslation();
  quantc::registerONNXExportTranslation();
  quantc::registerObjectTranslation();
  return mlir::failed(
      mlir::mlirTranslateMain(argc, argv, "quantc translation driver\n"));
}
