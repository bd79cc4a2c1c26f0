// RUN: quant-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(quantc-fuse-shared-producers))' | FileCheck %s

#id = affine_map<(d0, d1) -> (d0, d1)>

// A residual block's relu(x + y), read by the quantize before the next
// convolution and by a max pool between them: the quantize moves up with
// its tensor.empty, and one op writes the sum and its quantized copy; the
// pool reads the fused op's first result.
// CHECK-LABEL: func.func @sum_read_twice
// CHECK:         %[[FUSED:.*]]:2 = linalg.generic
// CHECK-SAME:      ins(%arg0, %arg1 : tensor<8x64xf32>, tensor<8x64xf32>)
// CHECK:           %[[SUM:.*]] = arith.addf
// CHECK-NEXT:      %[[RELU:.*]] = arith.maximumf %[[SUM]]
// CHECK-NEXT:      %[[SCALED:.*]] = arith.divf %[[RELU]]
// CHECK:           %[[Q:.*]] = arith.fptosi
// CHECK-NEXT:      linalg.yield %[[RELU]], %[[Q]] : f32, i8
// CHECK:         } -> (tensor<8x64xf32>, tensor<8x64xi8>)
// CHECK:         %[[IMAGE:.*]] = tensor.expand_shape %[[FUSED]]#0
// CHECK:         %[[POOL:.*]] = linalg.pooling_nchw_max {{.*}} ins(%[[IMAGE]],
// CHECK-NOT:     linalg.generic
// CHECK:         return %[[FUSED]]#1, %[[POOL]]
func.func @sum_read_twice(%x: tensor<8x64xf32>, %y: tensor<8x64xf32>) -> (tensor<8x64xi8>, tensor<1x8x4x4xf32>) {
  %zero = arith.constant 0.0 : f32
  %scale = arith.constant 0.05 : f32
  %e = tensor.empty() : tensor<8x64xf32>
  %sum = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %y : tensor<8x64xf32>, tensor<8x64xf32>) outs(%e : tensor<8x64xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  } -> tensor<8x64xf32>
  %image = tensor.expand_shape %sum [[0, 1], [2, 3]] output_shape [1, 8, 8, 8] : tensor<8x64xf32> into tensor<1x8x8x8xf32>
  %window = tensor.empty() : tensor<2x2xf32>
  %pe = tensor.empty() : tensor<1x8x4x4xf32>
  %pool = linalg.pooling_nchw_max {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>}
      ins(%image, %window : tensor<1x8x8x8xf32>, tensor<2x2xf32>) outs(%pe : tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  %qe = tensor.empty() : tensor<8x64xi8>
  %q = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%sum : tensor<8x64xf32>) outs(%qe : tensor<8x64xi8>) {
  ^bb0(%a: f32, %o: i8):
    %d = arith.divf %a, %scale : f32
    %r = math.roundeven %d : f32
    %i = arith.fptosi %r : f32 to i8
    linalg.yield %i : i8
  } -> tensor<8x64xi8>
  return %q, %pool : tensor<8x64xi8>, tensor<1x8x4x4xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>

// The next block's sum reads the relu and a value computed after it (the
// next convolution, here a negation): it cannot move up to the relu and
// stays unfused, as does the relu.
// CHECK-LABEL: func.func @reader_of_later_value
// CHECK:         %[[RELU:.*]] = linalg.generic
// CHECK:         linalg.transpose ins(%[[RELU]] :
// CHECK:         %[[NEXT:.*]] = linalg.generic
// CHECK:         linalg.generic {{.*}} ins(%[[RELU]], %[[NEXT]] :
func.func @reader_of_later_value(%x: tensor<8x64xf32>) -> tensor<8x64xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x64xf32>
  %relu = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<8x64xf32>) outs(%e : tensor<8x64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.maximumf %a, %zero : f32
    linalg.yield %r : f32
  } -> tensor<8x64xf32>
  %t = linalg.transpose ins(%relu : tensor<8x64xf32>) outs(%e : tensor<8x64xf32>) permutation = [0, 1]
  %e2 = tensor.empty() : tensor<8x64xf32>
  %next = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%t : tensor<8x64xf32>) outs(%e2 : tensor<8x64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %n = arith.negf %a : f32
    linalg.yield %n : f32
  } -> tensor<8x64xf32>
  %e3 = tensor.empty() : tensor<8x64xf32>
  %sum = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%relu, %next : tensor<8x64xf32>, tensor<8x64xf32>) outs(%e3 : tensor<8x64xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<8x64xf32>
  return %sum : tensor<8x64xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>

// A reader that broadcasts the producer's value over a wider space would
// compute it once per column: no fusion.
// CHECK-LABEL: func.func @broadcast_reader
// CHECK-COUNT-2: linalg.generic
// CHECK-NOT:     linalg.generic
func.func @broadcast_reader(%x: tensor<8xf32>) -> (tensor<8xf32>, tensor<8x64xf32>) {
  %e = tensor.empty() : tensor<8xf32>
  %neg = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%x : tensor<8xf32>) outs(%e : tensor<8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %n = arith.negf %a : f32
    linalg.yield %n : f32
  } -> tensor<8xf32>
  %e2 = tensor.empty() : tensor<8x64xf32>
  %wide = linalg.generic {indexing_maps = [#row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%neg : tensor<8xf32>) outs(%e2 : tensor<8x64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.mulf %a, %a : f32
    linalg.yield %m : f32
  } -> tensor<8x64xf32>
  return %neg, %wide : tensor<8xf32>, tensor<8x64xf32>
}

// -----

#id = affine_map<(d0) -> (d0)>

// A reader whose body gathers from the producer's value (tensor.extract)
// would read its own result: no fusion. Nor for a reader of two of the
// producer's values.
// CHECK-LABEL: func.func @gathering_reader
// CHECK-COUNT-3: linalg.generic
func.func @gathering_reader(%x: tensor<8xf32>, %at: tensor<8xindex>) -> (tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) {
  %e = tensor.empty() : tensor<8xf32>
  %neg = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%x : tensor<8xf32>) outs(%e : tensor<8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %n = arith.negf %a : f32
    linalg.yield %n : f32
  } -> tensor<8xf32>
  %e2 = tensor.empty() : tensor<8xf32>
  %gathered = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]}
      ins(%neg, %at : tensor<8xf32>, tensor<8xindex>) outs(%e2 : tensor<8xf32>) {
  ^bb0(%a: f32, %i: index, %o: f32):
    %g = tensor.extract %neg[%i] : tensor<8xf32>
    %s = arith.addf %a, %g : f32
    linalg.yield %s : f32
  } -> tensor<8xf32>
  %e3 = tensor.empty() : tensor<8xf32>
  %square = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]}
      ins(%neg, %neg : tensor<8xf32>, tensor<8xf32>) outs(%e3 : tensor<8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %b : f32
    linalg.yield %m : f32
  } -> tensor<8xf32>
  return %neg, %gathered, %square : tensor<8xf32>, tensor<8xf32>, tensor<8xf32>
}

// -----

// The channel-quad packing before an int8 pointwise convolution reads
// the quantize before it four times, channel 4 c + j for byte j: each
// element once. The quantize's body is cloned per byte into the packing,
// which then writes the words straight from the i32 sums.
// CHECK-LABEL: func.func @packed_quads
// CHECK:         %[[WORDS:.*]] = linalg.generic
// CHECK-SAME:      ins(%arg0, %arg0, %arg0, %arg0 : tensor<1x8x4x4xi32>,
// CHECK-COUNT-4:   arith.trunci
// CHECK:           arith.ori
// CHECK-NOT:     linalg.generic
// CHECK:         return %[[WORDS]]
func.func @packed_quads(%sums: tensor<1x8x4x4xi32>) -> tensor<2x4x4xi32> {
  %c8 = arith.constant 8 : i32
  %c16 = arith.constant 16 : i32
  %c24 = arith.constant 24 : i32
  %e = tensor.empty() : tensor<1x8x4x4xi8>
  %q = linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>, affine_map<(n, c, h, w) -> (n, c, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%sums : tensor<1x8x4x4xi32>) outs(%e : tensor<1x8x4x4xi8>) {
  ^bb0(%a: i32, %o: i8):
    %t = arith.trunci %a : i32 to i8
    linalg.yield %t : i8
  } -> tensor<1x8x4x4xi8>
  %we = tensor.empty() : tensor<2x4x4xi32>
  %words = linalg.generic {indexing_maps = [
      affine_map<(c, h, w) -> (0, c * 4, h, w)>, affine_map<(c, h, w) -> (0, c * 4 + 1, h, w)>,
      affine_map<(c, h, w) -> (0, c * 4 + 2, h, w)>, affine_map<(c, h, w) -> (0, c * 4 + 3, h, w)>,
      affine_map<(c, h, w) -> (c, h, w)>], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%q, %q, %q, %q : tensor<1x8x4x4xi8>, tensor<1x8x4x4xi8>, tensor<1x8x4x4xi8>, tensor<1x8x4x4xi8>)
      outs(%we : tensor<2x4x4xi32>) {
  ^bb0(%b0: i8, %b1: i8, %b2: i8, %b3: i8, %o: i32):
    %x0 = arith.extui %b0 : i8 to i32
    %x1 = arith.extui %b1 : i8 to i32
    %x2 = arith.extui %b2 : i8 to i32
    %x3 = arith.extui %b3 : i8 to i32
    %s1 = arith.shli %x1, %c8 : i32
    %s2 = arith.shli %x2, %c16 : i32
    %s3 = arith.shli %x3, %c24 : i32
    %o1 = arith.ori %x0, %s1 : i32
    %o2 = arith.ori %o1, %s2 : i32
    %o3 = arith.ori %o2, %s3 : i32
    linalg.yield %o3 : i32
  } -> tensor<2x4x4xi32>
  return %words : tensor<2x4x4xi32>
}

// -----

// A stencil's reads overlap (x[2 i] and x[2 i + 2]): fused, elements
// would be computed twice. No fusion.
// CHECK-LABEL: func.func @overlapping_reads
// CHECK-COUNT-2: linalg.generic
func.func @overlapping_reads(%x: tensor<9xf32>) -> tensor<4xf32> {
  %e = tensor.empty() : tensor<9xf32>
  %neg = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%x : tensor<9xf32>) outs(%e : tensor<9xf32>) {
  ^bb0(%a: f32, %o: f32):
    %n = arith.negf %a : f32
    linalg.yield %n : f32
  } -> tensor<9xf32>
  %e2 = tensor.empty() : tensor<4xf32>
  %sum = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0 * 2)>, affine_map<(d0) -> (d0 * 2 + 2)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%neg, %neg : tensor<9xf32>, tensor<9xf32>) outs(%e2 : tensor<4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  return %sum : tensor<4xf32>
}
