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

// A residual block's sum read by the next convolution's pad and by the
// next sum: the sum is computed once, into the padded tensor, and the next
// sum reads its interior, a slice of the padded tensor as it is once its
// border is filled: read as the interior's own value, after the border
// writes to its buffer, bufferization would copy it out of place. (Before,
// a clone wrote the padded tensor and the original the plain one: two
// passes over the activation.)
// CHECK-LABEL: func.func @residual_sum_read_twice
// CHECK:         %[[INTERIOR:.*]] = tensor.extract_slice %{{.*}}[0, 0, 1, 1] [1, 4, 8, 8] [1, 1, 1, 1]
// CHECK:         %[[Y:.*]] = linalg.generic {{.*}} outs(%[[INTERIOR]] : tensor<1x4x8x8xf32>)
// CHECK-NOT:     linalg.generic
// CHECK:         %[[PADDED:.*]] = tensor.insert_slice %{{.*}} into %{{.*}}[0, 0, 1, 9] [1, 4, 8, 1]
// CHECK:         %[[READ:.*]] = tensor.extract_slice %[[PADDED]][0, 0, 1, 1] [1, 4, 8, 8] [1, 1, 1, 1]
// CHECK:         %[[Z:.*]] = linalg.generic {{.*}} ins(%[[READ]], %{{.*}} : tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>)
// CHECK-NOT:     linalg.generic
// CHECK:         return %[[PADDED]], %[[Z]]
#id4 = affine_map<(n, c, h, w) -> (n, c, h, w)>
func.func @residual_sum_read_twice(%a: tensor<1x4x8x8xf32>, %b: tensor<1x4x8x8xf32>)
    -> (tensor<1x4x10x10xf32>, tensor<1x4x8x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x8x8xf32>
  %y = linalg.generic {indexing_maps = [#id4, #id4, #id4],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%a, %b : tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) outs(%e : tensor<1x4x8x8xf32>) {
  ^bb0(%x0: f32, %x1: f32, %out: f32):
    %s = arith.addf %x0, %x1 : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  } -> tensor<1x4x8x8xf32>
  %z = linalg.generic {indexing_maps = [#id4, #id4, #id4],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%y, %b : tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) outs(%e : tensor<1x4x8x8xf32>) {
  ^bb0(%x0: f32, %x1: f32, %out: f32):
    %s = arith.addf %x0, %x1 : f32
    linalg.yield %s : f32
  } -> tensor<1x4x8x8xf32>
  %p = tensor.pad %y low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x4x8x8xf32> to tensor<1x4x10x10xf32>
  return %p, %z : tensor<1x4x10x10xf32>, tensor<1x4x8x8xf32>
}

// A result that a function returns as well keeps its own computation: a
// return does not take a strided view.
// CHECK-LABEL: func.func @returned_and_padded
// CHECK-COUNT-2: linalg.generic
// CHECK-NOT:     tensor.extract_slice %{{.*}}[0, 1] [2, 4] [1, 1] : tensor<2x6xf32> to tensor<2x4xf32>
func.func @returned_and_padded(%x: tensor<2x4xf32>) -> (tensor<2x6xf32>, tensor<2x4xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.maximumf %in, %zero : f32
    linalg.yield %r : f32
  } -> tensor<2x4xf32>
  %p = tensor.pad %y low[0, 1] high[0, 1] {
  ^bb0(%i: index, %j: index):
    tensor.yield %zero : f32
  } : tensor<2x4xf32> to tensor<2x6xf32>
  return %p, %y : tensor<2x6xf32>, tensor<2x4xf32>
}

// A panel with its epilogue (quantc-tile-and-vectorize) writes each tile
// of the padded buffer's interior without reading it and marks its loop
// quantc.overwrites_init: the border alone is filled, as for a linalg
// producer. An unmarked loop might read its destination: the whole fill
// stays.
// CHECK-LABEL: func.func @panel_loop_writes_interior
// CHECK:         %[[EMPTY:.*]] = tensor.empty() : tensor<1x4x10x10xf32>
// CHECK:         %[[INTERIOR:.*]] = tensor.extract_slice %[[EMPTY]][0, 0, 1, 1] [1, 4, 8, 8] [1, 1, 1, 1]
// CHECK:         %[[ROWS:.*]] = scf.for {{.*}} iter_args(%{{.*}} = %[[INTERIOR]])
// CHECK:         tensor.insert_slice %[[ROWS]] into %[[EMPTY]][0, 0, 1, 1]
// CHECK-COUNT-4: linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<1x4x{{1x10|8x1}}xf32>)
// CHECK-LABEL: func.func @unmarked_loop_keeps_fill
// CHECK:         %[[FILL:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<1x4x10x10xf32>)
// CHECK:         tensor.extract_slice %[[FILL]][0, 0, 1, 1]
// CHECK-NOT:     linalg.fill
func.func @panel_loop_writes_interior(%row: tensor<1x4x1x8xf32>) -> tensor<1x4x10x10xf32> {
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %e = tensor.empty() : tensor<1x4x10x10xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x10x10xf32>) -> tensor<1x4x10x10xf32>
  %interior = tensor.extract_slice %f[0, 0, 1, 1] [1, 4, 8, 8] [1, 1, 1, 1] : tensor<1x4x10x10xf32> to tensor<1x4x8x8xf32>
  %rows = scf.for %i = %c0 to %c8 step %c1 iter_args(%d = %interior) -> (tensor<1x4x8x8xf32>) {
    %w = tensor.insert_slice %row into %d[0, 0, %i, 0] [1, 4, 1, 8] [1, 1, 1, 1] : tensor<1x4x1x8xf32> into tensor<1x4x8x8xf32>
    scf.yield %w : tensor<1x4x8x8xf32>
  } {quantc.overwrites_init}
  %p = tensor.insert_slice %rows into %f[0, 0, 1, 1] [1, 4, 8, 8] [1, 1, 1, 1] : tensor<1x4x8x8xf32> into tensor<1x4x10x10xf32>
  return %p : tensor<1x4x10x10xf32>
}

func.func @unmarked_loop_keeps_fill(%row: tensor<1x4x1x8xf32>) -> tensor<1x4x10x10xf32> {
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %e = tensor.empty() : tensor<1x4x10x10xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x10x10xf32>) -> tensor<1x4x10x10xf32>
  %interior = tensor.extract_slice %f[0, 0, 1, 1] [1, 4, 8, 8] [1, 1, 1, 1] : tensor<1x4x10x10xf32> to tensor<1x4x8x8xf32>
  %rows = scf.for %i = %c0 to %c8 step %c1 iter_args(%d = %interior) -> (tensor<1x4x8x8xf32>) {
    %w = tensor.insert_slice %row into %d[0, 0, %i, 0] [1, 4, 1, 8] [1, 1, 1, 1] : tensor<1x4x1x8xf32> into tensor<1x4x8x8xf32>
    scf.yield %w : tensor<1x4x8x8xf32>
  }
  %p = tensor.insert_slice %rows into %f[0, 0, 1, 1] [1, 4, 8, 8] [1, 1, 1, 1] : tensor<1x4x8x8xf32> into tensor<1x4x10x10xf32>
  return %p : tensor<1x4x10x10xf32>
}
