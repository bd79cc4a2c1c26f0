// RUN: quant-opt %s -canonicalize | FileCheck %s

// Slice, Concat, Squeeze, Unsqueeze and Reshape of constants fold into
// constants, so that weights an exporter rearranges (an LSTM's gates
// reordered with Slice and Concat, a 1-D convolution's weight lifted to
// 2-D) reach the quantizer as constants. Reshapes share the blob; slices
// and concatenations make a new one.

// CHECK-LABEL: func @rearranged
func.func @rearranged() -> (tensor<2x3xi32>, tensor<3x3xi32>, tensor<1x2x3xi32>, tensor<3x2xi32>) {
  %w = qc.constant dense_resource<w> : tensor<2x3xi32>
  // Columns reversed (a negative step from a start past the end).
  // CHECK-DAG: %[[REV:.*]] = qc.constant dense_resource<[[REVNAME:qc_slice[_0-9]*]]> : tensor<2x3xi32>
  %rev = qc.slice %w {starts = array<i64: 9>, ends = array<i64: -10>, axes = array<i64: 1>, steps = array<i64: -1>} : tensor<2x3xi32> -> tensor<2x3xi32>
  // The second row on top of the whole: [[3, 4, 5], [0, 1, 2], [3, 4, 5]].
  // CHECK-DAG: %[[CAT:.*]] = qc.constant dense_resource<[[CATNAME:qc_concat[_0-9]*]]> : tensor<3x3xi32>
  %row = qc.slice %w {starts = array<i64: 1>, ends = array<i64: 2>, axes = array<i64: 0>, steps = array<i64: 1>} : tensor<2x3xi32> -> tensor<1x3xi32>
  %cat = qc.concat %row, %w {axis = 0 : i64} : (tensor<1x3xi32>, tensor<2x3xi32>) -> tensor<3x3xi32>
  // CHECK-DAG: %[[UP:.*]] = qc.constant dense_resource<w> : tensor<1x2x3xi32>
  %up = qc.unsqueeze %w {axes = array<i64: 0>} : tensor<2x3xi32> -> tensor<1x2x3xi32>
  // CHECK-DAG: %[[FLAT:.*]] = qc.constant dense_resource<w> : tensor<3x2xi32>
  %flat = qc.reshape %w : tensor<2x3xi32> -> tensor<3x2xi32>
  // CHECK-NOT: qc.slice
  // CHECK-NOT: qc.concat
  // CHECK: return %[[REV]], %[[CAT]], %[[UP]], %[[FLAT]]
  return %rev, %cat, %up, %flat : tensor<2x3xi32>, tensor<3x3xi32>, tensor<1x2x3xi32>, tensor<3x2xi32>
}

// The blobs: alignment, then little-endian i32 elements.
// CHECK-DAG: [[REVNAME]]: "0x08000000020000000100000000000000050000000400000003000000"
// CHECK-DAG: [[CATNAME]]: "0x08000000030000000400000005000000000000000100000002000000030000000400000005000000"

{-#
  dialect_resources: {
    builtin: {
      w: "0x04000000000000000100000002000000030000000400000005000000"
    }
  }
#-}
