// RUN: quant-opt %s --pass-pipeline='builtin.module(func.func(quantc-fuse-pads-into-producers))' | FileCheck %s

// The elementwise producer writes the interior of the padded tensor; no
// tensor.pad (a copy of the whole interior) is left. The pad value goes to
// the border only, after the interior (whose writes bring the border
// columns' cache lines in), four slabs: the rows above and below, then the
// columns left and right of the interior rows.
// CHECK-LABEL: func.func @pad_after_quantize
// CHECK-NOT:     tensor.pad
// CHECK:         %[[EMPTY:.*]] = tensor.empty() : tensor<1x4x10x10xi32>
// CHECK:         %[[INTERIOR:.*]] = tensor.extract_slice %[[EMPTY]][0, 0, 1, 1] [1, 4, 8, 8] [1, 1, 1, 1]
// CHECK:         %[[Q:.*]] = linalg.generic {{.*}} outs(%[[INTERIOR]] : tensor<1x4x8x8xi32>)
// CHECK:         %[[P0:.*]] = tensor.insert_slice %[[Q]] into %[[EMPTY]][0, 0, 1, 1] [1, 4, 8, 8] [1, 1, 1, 1]
// CHECK:         %[[TOP:.*]] = tensor.extract_slice %[[P0]][0, 0, 0, 0] [1, 4, 1, 10] [1, 1, 1, 1]
// CHECK:         %[[TOPF:.*]] = linalg.fill ins(%{{.*}} : i32) outs(%[[TOP]] : tensor<1x4x1x10xi32>)
// CHECK:         %[[P1:.*]] = tensor.insert_slice %[[TOPF]] into %[[P0]][0, 0, 0, 0] [1, 4, 1, 10]
// CHECK:         tensor.extract_slice %[[P1]][0, 0, 9, 0] [1, 4, 1, 10]
// CHECK:         %[[P2:.*]] = tensor.insert_slice %{{.*}} into %[[P1]][0, 0, 9, 0] [1, 4, 1, 10]
// CHECK:         tensor.extract_slice %[[P2]][0, 0, 1, 0] [1, 4, 8, 1]
// CHECK:         %[[P3:.*]] = tensor.insert_slice %{{.*}} into %[[P2]][0, 0, 1, 0] [1, 4, 8, 1]
// CHECK:         tensor.extract_slice %[[P3]][0, 0, 1, 9] [1, 4, 8, 1]
// CHECK:         %[[P4:.*]] = tensor.insert_slice %{{.*}} into %[[P3]][0, 0, 1, 9] [1, 4, 8, 1]
// CHECK-NOT:     linalg.fill
// CHECK:         return %[[P4]]
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

// A producer that reads its output (an accumulation into the padded
// tensor's interior) needs the pad value there too: the whole tensor is
// filled.
// CHECK-LABEL: func.func @producer_reads_interior
// CHECK:         %[[FILLED:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<2x6xf32>)
// CHECK:         %[[INTERIOR:.*]] = tensor.extract_slice %[[FILLED]][0, 1] [2, 4] [1, 1]
// CHECK:         linalg.generic {{.*}} outs(%[[INTERIOR]] : tensor<2x4xf32>)
func.func @producer_reads_interior(%x: tensor<2x4xf32>) -> tensor<2x6xf32> {
  %one = arith.constant 1.0 : f32
  %e = tensor.empty() : tensor<2x6xf32>
  %f = linalg.fill ins(%one : f32) outs(%e : tensor<2x6xf32>) -> tensor<2x6xf32>
  %s = tensor.extract_slice %f[0, 1] [2, 4] [1, 1] : tensor<2x6xf32> to tensor<2x4xf32>
  %q = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<2x4xf32>) outs(%s : tensor<2x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %sum = arith.addf %in, %out : f32
    linalg.yield %sum : f32
  } -> tensor<2x4xf32>
  %p = tensor.insert_slice %q into %f[0, 1] [2, 4] [1, 1] : tensor<2x4xf32> into tensor<2x6xf32>
  return %p : tensor<2x6xf32>
}
