// RUN: quant-opt %s --convert-to-llvm | quant-translate --mlir-to-llvmir | FileCheck %s

// quant-translate emits LLVM IR from the LLVM dialect that quantc's lowering
// produces (the int8 dot product of the numerics contract, in scalar form).

// CHECK-LABEL: define i32 @dot_i8(i8 %0, i8 %1, i32 %2)
// CHECK: sext i8 %0 to i32
// CHECK: sext i8 %1 to i32
// CHECK: mul i32
// CHECK: add i32
func.func @dot_i8(%a: i8, %b: i8, %acc: i32) -> i32 {
  %a32 = arith.extsi %a : i8 to i32
  %b32 = arith.extsi %b : i8 to i32
  %p = arith.muli %a32, %b32 : i32
  %r = arith.addi %acc, %p : i32
  return %r : i32
}
