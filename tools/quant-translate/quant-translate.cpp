//===- quant-translate.cpp - quantc's translation driver ------------------===//
//
// Part of quantc. Translations between MLIR and other formats: today
// ONNX -> qc (--import-onnx) and MLIR (LLVM dialect) <-> LLVM IR;
// object/PTX emission registers here as it lands.
//
//===----------------------------------------------------------------------===//


#include "quantc/Target/ONNX/ONNXImporter.h"

#include "mlir/InitAllTranslations.h"
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"

int main(int argc, char **argv) {
  mlir::registerToLLVMIRTranslation();
  mlir::registerFromLLVMIRTranslation();
  quantc::registerONNXImportTranslation();
  return mlir::failed(
      mlir::mlirTranslateMain(argc, argv, "quantc translation driver\n"));
}
