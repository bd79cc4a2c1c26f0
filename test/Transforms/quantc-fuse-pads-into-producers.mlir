// RUN: quant-opt %s --pass-pipeline='builtin.module(func.func(quantc-fuse-pads-into-producers))' | FileCheck %s

// The elementwise producer writes the interior of the filled, padded
// tensor; no tensor.pad (a copy of the whole interior) is left.
// CHECK-LABEL: func.func @pad_after_quantize
// CHECK-NOT:     tensor.pad
// CHECK:         %[[FILLED:.*]] = linalg.fill ins(%{{.*}} : i32) outs(%{{.*}} : tensor<1x4x10x10xi32>)
// CHECK:         %[[INTERIOR:.*]] = tensor.extract_slice %[[FILLED]][0, 0, 1, 1] [1, 4, 8, 8] [1, 1, 1, 1]
// CHECK:         %[[Q:.*]] = linalg.generic {{.*}} outs(%[[INTERIOR]] : tensor<1x4x8x8xi32>)
// CHECK:         tensor.insert_slice %[[Q]] into %[[FILLED]][0, 0, 1, 1] [1, 4, 8, 8] [1, 1, 1, 1]
func.func @pad_after_quantize(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x10x10xi32> {
  %zero = arith.constant 0 : i32
  %e = tensor.empty() : tensor<1x4x8x8xi32>
  %q = linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>, affine_map<(n, c, h, w) -> (n, c, h, w)>],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<1x4x8x8xf32>) outs(%e : tensor<1x4x8x8xi32>) {
  ^bb0(%in: f32, %out: i32):
    %r = arith.fptosi %in : f32 to i32
    linalg.yield %r : i32
  } -> tensor<1x4x8x8xi32>
  %p = tensor.pad %q low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : i32
  } : tensor<1x4x8x8xi32> to tensor<1x4x10x10xi32>
  return %p : tensor<1x4x10x10xi32>
}
