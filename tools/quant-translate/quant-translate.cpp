//===- quant-translate.cpp - quantc's translation driver ------------------===//
//
// Part of quantc. Translations between MLIR and other formats: today
// MLIR (LLVM dialect) -> LLVM IR and back; ONNX import and object/PTX
// emission register here as they land.
//
//===----------------------------------------------------------------------===//


#include "mlir/InitAllTranslations.h"
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"

int main(int argc, char **argv) {
  mlir::registerToLLVMIRTranslation();
  mlir::registerFromLLVMIRTranslation();
  return mlir::failed(
      mlir::mlirTranslateMain(argc, argv, "quantc translation driver\n"));
}
