// RUN: quant-opt %s -split-input-file -convert-qc-to-linalg | FileCheck %s
// RUN: quant-opt %s -split-input-file -qc-select-gemm-kernels -convert-qc-to-linalg | FileCheck %s --check-prefix=KERNEL

// The quantized lowering's IR (its numbers are checked bit-exact by
// test/e2e/quantized-numerics.test): a padded per-channel qconv2d, an
// integer requantization, and a qmatmul through a generated GEMM kernel.

// u8 input and narrow i8 weights centred in i32, the centred input padded
// with zeros (the zero point's padding), an i32 convolution, the i32 bias,
// then s_x * s_w[c] = 0.02 * {0.1, 0.2, 0.1, 0.3} per output channel.
// CHECK-LABEL: func.func @qconv_padded
// CHECK:       %[[ZX:.*]] = arith.constant dense<128> : tensor<i32>
// CHECK:       %[[X:.*]] = linalg.generic {{.*}} ins(%arg0, %[[ZX]] : tensor<1x3x8x8xi8>, tensor<i32>)
// CHECK:         arith.extui {{.*}} : i8 to i32
// CHECK:         arith.subi
// CHECK:       %[[W:.*]] = linalg.generic {{.*}} ins(%arg1, %{{.*}} : tensor<4x3x3x3xi8>, tensor<4x1x1x1xi32>)
// CHECK:         arith.extsi {{.*}} : i8 to i32
// CHECK:       %[[ZERO:.*]] = arith.constant 0 : i32
// CHECK:       %[[P:.*]] = tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK:         tensor.yield %[[ZERO]] : i32
// CHECK:       } : tensor<1x3x8x8xi32> to tensor<1x3x10x10xi32>
// CHECK:       %[[ACC:.*]] = linalg.conv_2d_nchw_fchw {{.*}} ins(%[[P]], %[[W]] : tensor<1x3x10x10xi32>, tensor<4x3x3x3xi32>)
// CHECK:       %[[BIASED:.*]] = linalg.generic {{.*}} ins(%[[ACC]], %{{.*}} : tensor<1x4x8x8xi32>, tensor<1x4x1x1xi32>)
// CHECK:         arith.addi
// CHECK:       %[[S:.*]] = arith.constant dense<{{\[\[\[\[}}2.000000e-03]], {{\[\[}}4.000000e-03]], {{\[\[}}2.000000e-03]], {{\[\[}}6.000000e-03]]]]> : tensor<1x4x1x1xf32>
// CHECK:       linalg.generic {{.*}} ins(%[[BIASED]], %[[S]] : tensor<1x4x8x8xi32>, tensor<1x4x1x1xf32>)
// CHECK:         arith.sitofp
// CHECK:         arith.mulf
!u8 = !quant.uniform<u8:f32, 0.02:128>
!w8 = !quant.uniform<i8<-127:127>:f32:0, {0.1, 0.2, 0.1, 0.3}>
func.func @qconv_padded(%xs: tensor<1x3x8x8xi8>, %ks: tensor<4x3x3x3xi8>, %b: tensor<4xi32>) -> tensor<1x4x8x8xf32> {
  %x = quant.scast %xs : tensor<1x3x8x8xi8> to tensor<1x3x8x8x!u8>
  %k = quant.scast %ks : tensor<4x3x3x3xi8> to tensor<4x3x3x3x!w8>
  %y = qc.qconv2d %x, %k, %b {pads = array<i64: 1, 1, 1, 1>}
      : (tensor<1x3x8x8x!u8>, tensor<4x3x3x3x!w8>, tensor<4xi32>) -> tensor<1x4x8x8xf32>
  return %y : tensor<1x4x8x8xf32>
}

// -----

// Integer-only requantization 0.1 -> 0.2 (zero point 5): multiplier
// 2^30 with shift 31 (0.5), rounding by adding 2^(shift-1) in i64,
// arithmetic shift, the output zero point, saturation to [-128, 127].
// CHECK-LABEL: func.func @requantize
// CHECK-DAG:   %[[M:.*]] = arith.constant dense<1073741824> : tensor<i32>
// CHECK-DAG:   %[[SH:.*]] = arith.constant dense<31> : tensor<i32>
// CHECK-DAG:   %[[ZI:.*]] = arith.constant dense<0> : tensor<i32>
// CHECK-DAG:   %[[ZO:.*]] = arith.constant dense<5> : tensor<i32>
// CHECK:       linalg.generic {{.*}} ins(%arg0, %[[ZI]], %[[M]], %[[SH]], %[[ZO]] : tensor<8xi8>, tensor<i32>, tensor<i32>, tensor<i32>, tensor<i32>)
// CHECK:         arith.extsi {{.*}} : i8 to i32
// CHECK:         arith.subi {{.*}} : i32
// CHECK:         %[[HALF:.*]] = arith.shli %{{.*}}, %{{.*}} : i64
// CHECK:         %[[PROD:.*]] = arith.muli {{.*}} : i64
// CHECK:         %[[ROUNDED:.*]] = arith.addi %[[PROD]], %[[HALF]] : i64
// CHECK:         arith.shrsi %[[ROUNDED]], %{{.*}} : i64
// CHECK:         arith.maxsi
// CHECK:         arith.minsi
// CHECK:         arith.trunci {{.*}} : i64 to i8
func.func @requantize(%qs: tensor<8xi8>) -> tensor<8xi8> {
  %q = quant.scast %qs : tensor<8xi8> to tensor<8x!quant.uniform<i8:f32, 0.1>>
  %r = qc.requantize %q : tensor<8x!quant.uniform<i8:f32, 0.1>> -> tensor<8x!quant.uniform<i8:f32, 0.2:5>>
  %rs = quant.scast %r : tensor<8x!quant.uniform<i8:f32, 0.2:5>> to tensor<8xi8>
  return %rs : tensor<8xi8>
}

// -----

// A qmatmul qc-select-gemm-kernels routed: the weights packed at compile
// time into the kernel's panels, the u8 input and packed weights passed as
// buffers, the kernel called, then za * the weights' column sums
// (10 * 4 * 3) subtracted, the bias added and the result scaled by
// 0.05 * 0.01. Without the selection, generic integer loops.
// CHECK-LABEL: func.func @kernel_call
// CHECK-NOT:   call @quantc_gemm
// CHECK:       linalg.matmul
// KERNEL:      func.func private @quantc_gemm_u8s8_2x64x4(memref<2x4xi8>, memref<1x1x256xi8>, memref<2x64xi32>)
// KERNEL-LABEL: func.func @kernel_call
// KERNEL:      %[[PACKED:.*]] = arith.constant dense_resource<packed_weights> : tensor<1x1x256xi8>
// KERNEL:      %[[A:.*]] = bufferization.to_buffer %{{.*}} read_only : tensor<2x4xi8> to memref<2x4xi8>
// KERNEL:      %[[B:.*]] = bufferization.to_buffer %[[PACKED]] read_only : tensor<1x1x256xi8> to memref<1x1x256xi8>
// KERNEL:      %[[C:.*]] = memref.alloc() : memref<2x64xi32>
// KERNEL:      call @quantc_gemm_u8s8_2x64x4(%[[A]], %[[B]], %[[C]])
// KERNEL:      %[[ACC:.*]] = bufferization.to_tensor %[[C]]
// KERNEL:      %[[SUMS:.*]] = arith.constant dense<120> : tensor<1x64xi32>
// KERNEL:      linalg.generic {{.*}} ins(%[[ACC]], %[[SUMS]] : tensor<2x64xi32>, tensor<1x64xi32>)
// KERNEL:        arith.subi
// KERNEL:      arith.constant dense<5.000000e-04> : tensor<f32>
// KERNEL-NOT:  linalg.matmul
!u8k = !quant.uniform<u8:f32, 0.05:10>
!w64 = !quant.uniform<i8<-127:127>:f32, 0.01>
func.func @kernel_call(%x: tensor<2x4xf32>) -> tensor<2x64xf32> {
  %xq = qc.quantize %x : tensor<2x4xf32> -> tensor<2x4x!u8k>
  %w = qc.constant dense<3> : tensor<4x64xi8>
  %wq = quant.scast %w : tensor<4x64xi8> to tensor<4x64x!w64>
  %b = qc.constant dense<0> : tensor<64xi32>
  %y = qc.qmatmul %xq, %wq, %b : tensor<2x4x!u8k>, tensor<4x64x!w64>, tensor<64xi32> -> tensor<2x64xf32>
  return %y : tensor<2x64xf32>
}

// -----

// A depthwise qconv2d over per-channel u8 activations with constant
// weights: the input centred per channel as i16 (|x - zx| <= 255, half the
// bytes of i32 through the padded buffer), padded with zeros, the weights
// centred at compile time (w - zw = {2, -1} here: no linalg.generic over
// them), and a grouped convolution that sign-extends the i16 input.
// CHECK-LABEL: func.func @qconv_depthwise_i16
// CHECK:       %[[ZX:.*]] = arith.constant dense<{{\[\[\[\[}}128]], {{\[\[}}3]]]]> : tensor<1x2x1x1xi32>
// CHECK:       %[[X:.*]] = linalg.generic {{.*}} ins(%arg0, %[[ZX]] : tensor<1x2x6x6xi8>, tensor<1x2x1x1xi32>)
// CHECK:         arith.extui {{.*}} : i8 to i32
// CHECK:         arith.subi
// CHECK:         arith.trunci {{.*}} : i32 to i16
// CHECK:       %[[W:.*]] = arith.constant dense<{{\[\[\[\[}}2, 2, 2], [2, 2, 2], [2, 2, 2]]], {{\[\[\[}}-1, -1, -1], [-1, -1, -1], [-1, -1, -1]]]]> : tensor<2x1x3x3xi32>
// CHECK-NOT:   linalg.generic {{.*}} tensor<2x1x3x3xi8>
// CHECK:       %[[P:.*]] = tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK:       } : tensor<1x2x6x6xi16> to tensor<1x2x8x8xi16>
// CHECK:       linalg.conv_2d_ngchw_gfchw {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x2x1x8x8xi16>, tensor<2x1x1x3x3xi32>)
!xc = !quant.uniform<u8:f32:1, {0.02:128, 0.04:3}>
!wd = !quant.uniform<i8:f32:0, {0.1:1, 0.2:-1}>
func.func @qconv_depthwise_i16(%xs: tensor<1x2x6x6xi8>) -> tensor<1x2x6x6xf32> {
  %x = quant.scast %xs : tensor<1x2x6x6xi8> to tensor<1x2x6x6x!xc>
  %w = qc.constant dense<[[[[3, 3, 3], [3, 3, 3], [3, 3, 3]]], [[[-2, -2, -2], [-2, -2, -2], [-2, -2, -2]]]]> : tensor<2x1x3x3xi8>
  %k = quant.scast %w : tensor<2x1x3x3xi8> to tensor<2x1x3x3x!wd>
  %b = qc.constant dense<0> : tensor<2xi32>
  %y = qc.qconv2d %x, %k, %b {group = 2 : i64, pads = array<i64: 1, 1, 1, 1>}
      : (tensor<1x2x6x6x!xc>, tensor<2x1x3x3x!wd>, tensor<2xi32>) -> tensor<1x2x6x6xf32>
  return %y : tensor<1x2x6x6xf32>
}

// -----

// qc.quantize: x / s rounded half to even, the zero point added (the sum
// is integral: no second rounding), then the clamp as compare-and-select
// (`x > lo ? x : lo`, `x < hi ? x : hi`: x86's vmaxps / vminps, without
// arith.maximumf's NaN test; NaN goes to qmin), numbers checked by
// test/e2e/quantize-special-values.test.
// CHECK-LABEL: func.func @quantize
// CHECK:         %[[Q:.*]] = arith.divf
// CHECK:         %[[R:.*]] = math.roundeven %[[Q]] : f32
// CHECK:         %[[Z:.*]] = arith.addf %[[R]]
// CHECK-NOT:     math.roundeven
// CHECK-DAG:     %[[LO:.*]] = arith.constant -1.280000e+02 : f32
// CHECK-DAG:     %[[HI:.*]] = arith.constant 1.270000e+02 : f32
// CHECK:         %[[ABOVE:.*]] = arith.cmpf ogt, %[[Z]], %[[LO]] : f32
// CHECK:         %[[LOW:.*]] = arith.select %[[ABOVE]], %[[Z]], %[[LO]] : f32
// CHECK:         %[[BELOW:.*]] = arith.cmpf olt, %[[LOW]], %[[HI]] : f32
// CHECK:         %[[CLAMPED:.*]] = arith.select %[[BELOW]], %[[LOW]], %[[HI]] : f32
// CHECK:         arith.fptosi %[[CLAMPED]] : f32 to i32
// CHECK-NOT:     arith.maximumf
func.func @quantize(%x: tensor<8xf32>) -> tensor<8xi8> {
  %q = qc.quantize %x : tensor<8xf32> -> tensor<8x!quant.uniform<i8:f32, 0.05:3>>
  %s = quant.scast %q : tensor<8x!quant.uniform<i8:f32, 0.05:3>> to tensor<8xi8>
  return %s : tensor<8xi8>
}
