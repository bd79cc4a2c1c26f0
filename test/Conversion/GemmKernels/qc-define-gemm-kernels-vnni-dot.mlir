// RUN: quant-opt %s -split-input-file -qc-define-gemm-kernels -verify-diagnostics | FileCheck %s

// A sum of u8 x s8 byte products marked quantc.vnni_dot (a direct
// convolution's panel, quantc-tile-and-vectorize) becomes one vpdpbusd on
// the accumulator and the two byte vectors; the widening products go.
// CHECK-LABEL: func @dot
// CHECK: %[[DOT:.*]] = llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"(%arg0, %arg1, %arg2) : (vector<16xi32>, vector<64xi8>, vector<64xi8>) -> vector<16xi32>
// CHECK-NOT: arith.muli
// CHECK-NOT: vector.multi_reduction
// CHECK: return %[[DOT]]
func.func @dot(%acc: vector<16xi32>, %x: vector<64xi8>, %w: vector<64xi8>) -> vector<16xi32> {
  %xs = arith.extui %x : vector<64xi8> to vector<64xi32>
  %ws = arith.extsi %w : vector<64xi8> to vector<64xi32>
  %p = arith.muli %xs, %ws : vector<64xi32>
  %q = vector.shape_cast %p : vector<64xi32> to vector<16x4xi32>
  %s = vector.multi_reduction <add>, %q, %acc {quantc.vnni_dot} [1] : vector<16x4xi32> to vector<16xi32>
  return %s : vector<16xi32>
}

// -----

// Unmarked, the same sum is left alone.
// CHECK-LABEL: func @unmarked
// CHECK: vector.multi_reduction
func.func @unmarked(%acc: vector<16xi32>, %x: vector<64xi8>, %w: vector<64xi8>) -> vector<16xi32> {
  %xs = arith.extui %x : vector<64xi8> to vector<64xi32>
  %ws = arith.extsi %w : vector<64xi8> to vector<64xi32>
  %p = arith.muli %xs, %ws : vector<64xi32>
  %q = vector.shape_cast %p : vector<64xi32> to vector<16x4xi32>
  %s = vector.multi_reduction <add>, %q, %acc [1] : vector<16x4xi32> to vector<16xi32>
  return %s : vector<16xi32>
}

// -----

// Marked but not u8 x s8 (both sign-extended): an error, not a wrong
// instruction.
func.func @not_unsigned(%acc: vector<16xi32>, %x: vector<64xi8>, %w: vector<64xi8>) -> vector<16xi32> {
  %xs = arith.extsi %x : vector<64xi8> to vector<64xi32>
  %ws = arith.extsi %w : vector<64xi8> to vector<64xi32>
  %p = arith.muli %xs, %ws : vector<64xi32>
  %q = vector.shape_cast %p : vector<64xi32> to vector<16x4xi32>
  // expected-error @below {{is marked quantc.vnni_dot but is not a sum of u8 x s8 byte products}}
  %s = vector.multi_reduction <add>, %q, %acc {quantc.vnni_dot} [1] : vector<16x4xi32> to vector<16xi32>
  return %s : vector<16xi32>
}
