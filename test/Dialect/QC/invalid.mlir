// RUN: quant-opt %s -split-input-file -verify-diagnostics

// One case per verifier error of the qc dialect.

func.func @case0(%a: tensor<4xf32>, %b: tensor<4xf16>) {
  // expected-error @+1 {{'qc.add' op requires operands and result of one element type, got 'f32', 'f16' and 'f32'}}
  %0 = qc.add %a, %b : tensor<4xf32>, tensor<4xf16> -> tensor<4xf32>
  return
}

// -----

func.func @case1(%a: tensor<2x3xf32>, %b: tensor<3x2xf32>) {
  // expected-error @+1 {{'qc.mul' op operand shapes [2, 3] and [3, 2] are not broadcastable}}
  %0 = qc.mul %a, %b : tensor<2x3xf32>, tensor<3x2xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @case2(%a: tensor<2x3xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{'qc.sub' op result shape [2, 4] does not match the broadcast shape [2, 3]}}
  %0 = qc.sub %a, %b : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x4xf32>
  return
}

// -----

func.func @case3(%x: tensor<4xf32>) {
  // expected-error @+1 {{'qc.quantize' op 2-bit storage must be ternary i2<-1:1>}}
  %0 = qc.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i2:f32, 0.5>>
  return
}

// -----

func.func @case4(%x: tensor<4xf32>) {
  // expected-error @+1 {{'qc.quantize' op unsupported quantized storage in '!quant.uniform<i16:f32, 5.000000e-01>'; expected i8, u8, i4, u4, ternary i2<-1:1> or i32}}
  %0 = qc.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i16:f32, 0.5>>
  return
}

// -----

func.func @case5(%x: tensor<2xf32>) {
  // expected-error @+1 {{'qc.quantize' op quantized dimension 1 must be less than tensor rank 1}}
  %0 = qc.quantize %x : tensor<2xf32> -> tensor<2x!quant.uniform<i8:f32:1, {0.5, 0.5}>>
  return
}

// -----

func.func @case6(%x: tensor<3x4xf32>) {
  // expected-error @+1 {{'qc.quantize' op quantized dimension 0 has extent 3 but the type has 2 scales}}
  %0 = qc.quantize %x : tensor<3x4xf32> -> tensor<3x4x!quant.uniform<i8:f32:0, {0.5, 0.5}>>
  return
}

// -----

func.func @case7(%q: tensor<2x4x1x!quant.uniform<i4:f32:{0:1, 1:2}, {{0.5, 0.5}, {0.5, 0.5}}>>) {
  // expected-error @+1 {{'qc.dequantize' op scales of rank 2 do not match tensor rank 3}}
  %0 = qc.dequantize %q : tensor<2x4x1x!quant.uniform<i4:f32:{0:1, 1:2}, {{0.5, 0.5}, {0.5, 0.5}}>> -> tensor<2x4x1xf32>
  return
}

// -----

func.func @case8(%q: tensor<2x6x!quant.uniform<i4:f32:{0:1, 1:4}, {{0.5}, {0.5}}>>) {
  // expected-error @+1 {{'qc.dequantize' op block size 4 does not divide dimension 1 of extent 6}}
  %0 = qc.dequantize %q : tensor<2x6x!quant.uniform<i4:f32:{0:1, 1:4}, {{0.5}, {0.5}}>> -> tensor<2x6xf32>
  return
}

// -----

func.func @case9(%q: tensor<2x8x!quant.uniform<i4:f32:{0:1, 1:2}, {{0.5, 0.5}, {0.5, 0.5}}>>) {
  // expected-error @+1 {{'qc.dequantize' op dimension 1 has 4 blocks but the scales have 2}}
  %0 = qc.dequantize %q : tensor<2x8x!quant.uniform<i4:f32:{0:1, 1:2}, {{0.5, 0.5}, {0.5, 0.5}}>> -> tensor<2x8xf32>
  return
}

// -----

func.func @case10(%a: tensor<2x3xf32>, %b: tensor<3x4xf16>) {
  // expected-error @+1 {{'qc.matmul' op requires operands and result of one element type, got 'f16' and 'f32'}}
  %0 = qc.matmul %a, %b : tensor<2x3xf32>, tensor<3x4xf16> -> tensor<2x4xf32>
  return
}

// -----

func.func @case11(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'qc.reshape' op result element type 'f16' does not match input element type 'f32'}}
  %0 = qc.reshape %x : tensor<2x3xf32> -> tensor<6xf16>
  return
}

// -----

func.func @case12(%q: tensor<2x2x!quant.uniform<i8:f32:0, {0.5, 0.5}>>) {
  // expected-error @+1 {{'qc.transpose' op cannot move per-axis or sub-channel quantized elements; requantize per tensor first}}
  %0 = qc.transpose %q {perm = array<i64: 1, 0>} : tensor<2x2x!quant.uniform<i8:f32:0, {0.5, 0.5}>> -> tensor<2x2x!quant.uniform<i8:f32:0, {0.5, 0.5}>>
  return
}

// -----

func.func @case13(%x: tensor<3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{'qc.conv2d' op expects an input (NCHW) of rank 4, got rank 3}}
  %0 = qc.conv2d %x, %w : (tensor<3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @case14(%x: tensor<1x3x8x8xf32>, %w: tensor<4x27xf32>) {
  // expected-error @+1 {{'qc.conv2d' op expects a weight of rank 4, got rank 2}}
  %0 = qc.conv2d %x, %w : (tensor<1x3x8x8xf32>, tensor<4x27xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @case15(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{'qc.conv2d' op strides must have 2 entries, got 3}}
  %0 = qc.conv2d %x, %w {strides = array<i64: 1, 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @case16(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{'qc.conv2d' op strides entries must be at least 1, got 0}}
  %0 = qc.conv2d %x, %w {strides = array<i64: 0, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @case17(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{'qc.conv2d' op pads entries must be at least 0, got -1}}
  %0 = qc.conv2d %x, %w {pads = array<i64: -1, 0, 0, 0>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @case18(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{'qc.conv2d' op dilations must have 2 entries, got 1}}
  %0 = qc.conv2d %x, %w {dilations = array<i64: 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @case19(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{'qc.conv2d' op group must be positive, got 0}}
  %0 = qc.conv2d %x, %w {group = 0} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @case20(%x: tensor<1x3x8x8xf32>, %w: tensor<4x1x3x3xf32>) {
  // expected-error @+1 {{'qc.conv2d' op input channels (3) must be divisible by group (2)}}
  %0 = qc.conv2d %x, %w {group = 2} : (tensor<1x3x8x8xf32>, tensor<4x1x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @case21(%x: tensor<1x4x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{'qc.conv2d' op weight dimension 1 (3) must equal input channels / group (2)}}
  %0 = qc.conv2d %x, %w {group = 2} : (tensor<1x4x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @case22(%x: tensor<1x4x8x8xf32>, %w: tensor<5x2x3x3xf32>) {
  // expected-error @+1 {{'qc.conv2d' op output channels (5) must be divisible by group (2)}}
  %0 = qc.conv2d %x, %w {group = 2} : (tensor<1x4x8x8xf32>, tensor<5x2x3x3xf32>) -> tensor<1x5x6x6xf32>
  return
}

// -----

func.func @case23(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<1x4xf32>) {
  // expected-error @+1 {{'qc.conv2d' op expects a bias of rank 1, got rank 2}}
  %0 = qc.conv2d %x, %w, %b : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<1x4xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @case24(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<5xf32>) {
  // expected-error @+1 {{'qc.conv2d' op bias has 5 elements, expected one per output channel (4)}}
  %0 = qc.conv2d %x, %w, %b : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<5xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @case25(%x: tensor<1x3x2x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{'qc.conv2d' op kernel does not fit the padded input in spatial dimension 0}}
  %0 = qc.conv2d %x, %w : (tensor<1x3x2x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x1x6xf32>
  return
}

// -----

func.func @case26(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{'qc.conv2d' op result shape [1, 4, 8, 8] does not match the expected shape [1, 4, 6, 6]}}
  %0 = qc.conv2d %x, %w : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  return
}

// -----

func.func @case27(%x: tensor<1x8x4x4xf32>, %w: tensor<4x4x2x2xf32>) {
  // expected-error @+1 {{'qc.conv_transpose2d' op weight dimension 0 (4) must equal the input channels (8)}}
  %0 = qc.conv_transpose2d %x, %w : (tensor<1x8x4x4xf32>, tensor<4x4x2x2xf32>) -> tensor<1x4x5x5xf32>
  return
}

// -----

func.func @case28(%x: tensor<1x8x4x4xf32>, %w: tensor<8x4x2x2xf32>) {
  // expected-error @+1 {{'qc.conv_transpose2d' op output_padding must be less than the stride or the dilation}}
  %0 = qc.conv_transpose2d %x, %w {output_padding = array<i64: 1, 1>} : (tensor<1x8x4x4xf32>, tensor<8x4x2x2xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @case29(%x: tensor<1x8x4x4xf32>, %w: tensor<8x4x2x2xf32>) {
  // expected-error @+1 {{'qc.conv_transpose2d' op result shape [1, 4, 8, 8] does not match the expected shape [1, 4, 5, 5]}}
  %0 = qc.conv_transpose2d %x, %w : (tensor<1x8x4x4xf32>, tensor<8x4x2x2xf32>) -> tensor<1x4x8x8xf32>
  return
}

// -----

func.func @case30(%x: tensor<1x1x4x4xf32>) {
  // expected-error @+1 {{'qc.max_pool2d' op kernel_shape must have 2 entries, got 1}}
  %0 = qc.max_pool2d %x {kernel_shape = array<i64: 2>} : tensor<1x1x4x4xf32> -> tensor<1x1x3x3xf32>
  return
}

// -----

func.func @case31(%x: tensor<1x1x4x4xf32>) {
  // expected-error @+1 {{'qc.max_pool2d' op pads must be smaller than the kernel}}
  %0 = qc.max_pool2d %x {kernel_shape = array<i64: 2, 2>, pads = array<i64: 2, 0, 0, 0>} : tensor<1x1x4x4xf32> -> tensor<1x1x5x3xf32>
  return
}

// -----

func.func @case32(%x: tensor<1x1x4x1xf32>) {
  // expected-error @+1 {{'qc.avg_pool2d' op window does not fit the padded input in spatial dimension 1}}
  %0 = qc.avg_pool2d %x {kernel_shape = array<i64: 1, 3>} : tensor<1x1x4x1xf32> -> tensor<1x1x4x1xf32>
  return
}

// -----

func.func @case33(%x: tensor<1x1x4x4xf32>) {
  // expected-error @+1 {{'qc.max_pool2d' op result shape [1, 1, 1, 1] does not match the expected shape [1, 1, 2, 2]}}
  %0 = qc.max_pool2d %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, ceil_mode} : tensor<1x1x4x4xf32> -> tensor<1x1x1x1xf32>
  return
}

// -----

func.func @case34(%x: tensor<1x8xf32>) {
  // expected-error @+1 {{'qc.global_avg_pool' op expects an input of rank at least 3, got rank 2}}
  %0 = qc.global_avg_pool %x : tensor<1x8xf32> -> tensor<1x8xf32>
  return
}

// -----

func.func @case35(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+1 {{'qc.matmul' op operand shapes [2, 3] and [4, 5] are incompatible for a matrix product}}
  %0 = qc.matmul %a, %b : tensor<2x3xf32>, tensor<4x5xf32> -> tensor<2x5xf32>
  return
}

// -----

func.func @case36(%a: tensor<2x3xf32>, %b: tensor<3x5xf32>) {
  // expected-error @+1 {{'qc.matmul' op result shape [2, 4] does not match the expected shape [2, 5]}}
  %0 = qc.matmul %a, %b : tensor<2x3xf32>, tensor<3x5xf32> -> tensor<2x4xf32>
  return
}

// -----

func.func @case37(%a: tensor<1x2x3xf32>, %b: tensor<3x5xf32>) {
  // expected-error @+1 {{'qc.gemm' op expects A of rank 2, got rank 3}}
  %0 = qc.gemm %a, %b : (tensor<1x2x3xf32>, tensor<3x5xf32>) -> tensor<2x5xf32>
  return
}

// -----

func.func @case38(%a: tensor<2x3xf32>, %b: tensor<3x5xf32>) {
  // expected-error @+1 {{'qc.gemm' op contraction extents differ: 3 in A and 5 in B}}
  %0 = qc.gemm %a, %b {trans_b} : (tensor<2x3xf32>, tensor<3x5xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @case39(%a: tensor<2x3xf32>, %b: tensor<3x5xf32>, %c: tensor<3xf32>) {
  // expected-error @+1 {{'qc.gemm' op C of shape [3] does not broadcast to [2, 5]}}
  %0 = qc.gemm %a, %b, %c : (tensor<2x3xf32>, tensor<3x5xf32>, tensor<3xf32>) -> tensor<2x5xf32>
  return
}

// -----

func.func @case40(%x: tensor<4xf32>) {
  // expected-error @+1 {{'qc.clip' op min (6.000000e+00) exceeds max (0.000000e+00)}}
  %0 = qc.clip %x {min = 6.0 : f32, max = 0.0 : f32} : tensor<4xf32>
  return
}

// -----

func.func @case41(%x: tensor<2x4xf32>) {
  // expected-error @+1 {{'qc.softmax' op axis 2 is out of range for rank 2}}
  %0 = qc.softmax %x {axis = 2} : tensor<2x4xf32>
  return
}

// -----

func.func @case42(%x: tensor<2x6xf32>) {
  // expected-error @+1 {{'qc.hadamard' op extent 6 of axis 1 has no Hadamard matrix}}
  %0 = qc.hadamard %x : tensor<2x6xf32>
  return
}

// -----

// Extent 360 = 45 * 8 needs Paley base 180, past the dense-base limit.
func.func @hadamard_base_too_large(%x: tensor<2x360xf32>) {
  // expected-error @+1 {{'qc.hadamard' op extent 360 of axis 1 has no Hadamard matrix}}
  %0 = qc.hadamard %x : tensor<2x360xf32>
  return
}

// -----

func.func @hadamard_negate_size(%x: tensor<2x4xf32>) {
  // expected-error @+1 {{'qc.hadamard' op negate has 3 entries for extent 4}}
  %0 = qc.hadamard %x {negate = array<i1: true, false, true>} : tensor<2x4xf32>
  return
}

// -----

func.func @case43(%x: tensor<1x40x120xf32>, %g: tensor<40x120xf32>) {
  // expected-error @+1 {{'qc.layer_norm' op scale and bias must broadcast to the normalized shape [120], got [40, 120]}}
  %0 = qc.layer_norm %x, %g : (tensor<1x40x120xf32>, tensor<40x120xf32>) -> tensor<1x40x120xf32>
  return
}

// -----

func.func @case44(%x: tensor<4xf32>, %c: tensor<4xf32>) {
  // expected-error @+1 {{'qc.batch_norm' op expects an input of rank at least 2, got rank 1}}
  %0 = qc.batch_norm %x, %c, %c, %c, %c : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @case45(%x: tensor<1x16x4x4xf32>, %c: tensor<8xf32>) {
  // expected-error @+1 {{'qc.batch_norm' op scale, bias, mean and variance must have one element per channel (16), got [8]}}
  %0 = qc.batch_norm %x, %c, %c, %c, %c : (tensor<1x16x4x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x16x4x4xf32>
  return
}

// -----

func.func @case46(%x: tensor<2x4xf32>) {
  // expected-error @+1 {{'qc.reduce_mean' op axis -1 is repeated}}
  %0 = qc.reduce_mean %x {axes = array<i64: 1, -1>} : tensor<2x4xf32> -> tensor<2x1xf32>
  return
}

// -----

func.func @case47(%x: tensor<2x4xf32>) {
  // expected-error @+1 {{'qc.reduce_sum' op result shape [2, 1] does not match the expected shape [2]}}
  %0 = qc.reduce_sum %x {axes = array<i64: 1>, keepdims = false} : tensor<2x4xf32> -> tensor<2x1xf32>
  return
}

// -----

func.func @case48(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'qc.reshape' op cannot reshape 6 elements into 8}}
  %0 = qc.reshape %x : tensor<2x3xf32> -> tensor<2x4xf32>
  return
}

// -----

func.func @case49(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'qc.transpose' op perm has 3 entries, expected the input rank 2}}
  %0 = qc.transpose %x {perm = array<i64: 0, 1, 2>} : tensor<2x3xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @case50(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'qc.transpose' op perm must be a permutation of [0, 2)}}
  %0 = qc.transpose %x {perm = array<i64: 1, 1>} : tensor<2x3xf32> -> tensor<3x3xf32>
  return
}

// -----

func.func @case51() {
  // expected-error @+1 {{'qc.concat' op needs at least one input}}
  %0 = qc.concat {axis = 0} : () -> tensor<2xf32>
  return
}

// -----

func.func @case52(%a: tensor<2x3xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{'qc.concat' op inputs must have one rank, got 2 and 1}}
  %0 = qc.concat %a, %b {axis = 0} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  return
}

// -----

func.func @case53(%a: tensor<2x3xf32>, %b: tensor<2x4xf32>) {
  // expected-error @+1 {{'qc.concat' op inputs differ in dimension 1 (3 vs 4)}}
  %0 = qc.concat %a, %b {axis = 0} : (tensor<2x3xf32>, tensor<2x4xf32>) -> tensor<4x3xf32>
  return
}

// -----

func.func @case54(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'qc.concat' op result shape [5, 3] does not match the expected shape [4, 3]}}
  %0 = qc.concat %a, %a {axis = 0} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<5x3xf32>
  return
}

// -----

func.func @case55(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'qc.flatten' op axis 3 is out of range for rank 2}}
  %0 = qc.flatten %x {axis = 3} : tensor<2x3xf32> -> tensor<6x1xf32>
  return
}

// -----

func.func @case56(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'qc.squeeze' op cannot squeeze dimension 1 of extent 3}}
  %0 = qc.squeeze %x {axes = array<i64: 1>} : tensor<2x3xf32> -> tensor<2xf32>
  return
}

// -----

func.func @case57(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'qc.unsqueeze' op needs at least one axis}}
  %0 = qc.unsqueeze %x {axes = array<i64>} : tensor<2x3xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @case58(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'qc.unsqueeze' op axis 3 is out of range for rank 3}}
  %0 = qc.unsqueeze %x {axes = array<i64: 3>} : tensor<2x3xf32> -> tensor<2x3x1xf32>
  return
}

// -----

func.func @case59(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'qc.slice' op starts, ends, axes and steps must have one length}}
  %0 = qc.slice %x {starts = array<i64: 0, 0>, ends = array<i64: 1>, axes = array<i64: 0>, steps = array<i64: 1>} : tensor<2x3xf32> -> tensor<1x3xf32>
  return
}

// -----

func.func @case60(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'qc.slice' op steps must be non-zero}}
  %0 = qc.slice %x {starts = array<i64: 0>, ends = array<i64: 1>, axes = array<i64: 0>, steps = array<i64: 0>} : tensor<2x3xf32> -> tensor<1x3xf32>
  return
}

// -----

func.func @case61(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'qc.slice' op result shape [2, 3] does not match the expected shape [1, 3]}}
  %0 = qc.slice %x {starts = array<i64: -1>, ends = array<i64: 9223372036854775807>, axes = array<i64: 0>, steps = array<i64: 1>} : tensor<2x3xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @case62(%t: tensor<100x16xf32>, %i: tensor<5xi64>) {
  // expected-error @+1 {{'qc.gather' op axis -3 is out of range for rank 2}}
  %0 = qc.gather %t, %i {axis = -3} : (tensor<100x16xf32>, tensor<5xi64>) -> tensor<5x16xf32>
  return
}

// -----

func.func @case63(%t: tensor<100x16xf32>, %i: tensor<1x5xi64>) {
  // expected-error @+1 {{'qc.gather' op result shape [5, 16] does not match the expected shape [1, 5, 16]}}
  %0 = qc.gather %t, %i : (tensor<100x16xf32>, tensor<1x5xi64>) -> tensor<5x16xf32>
  return
}

// -----

func.func @case64(%x: tensor<4xf32>) {
  // expected-error @+1 {{'qc.observe' op needs a non-empty name}}
  %0 = qc.observe %x {name = ""} : tensor<4xf32>
  return
}

// -----

func.func @case65(%x: tensor<4xf32>) {
  // expected-error @+1 {{'qc.quantize' op input and result shapes differ: [4] vs [5]}}
  %0 = qc.quantize %x : tensor<4xf32> -> tensor<5x!quant.uniform<i8:f32, 0.5>>
  return
}

// -----

func.func @case66(%x: tensor<4xf32>) {
  // expected-error @+1 {{'qc.quantize' op expressed type 'f16' does not match float type 'f32'}}
  %0 = qc.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f16, 0.5>>
  return
}

// -----

func.func @case67(%q: tensor<4x!quant.uniform<i8:f32, 0.5>>) {
  // expected-error @+1 {{'qc.dequantize' op expressed type 'f32' does not match float type 'f16'}}
  %0 = qc.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<4xf16>
  return
}

// -----

func.func @case68(%q: tensor<4x!quant.uniform<i8:f32, 0.5>>) {
  // expected-error @+1 {{'qc.requantize' op input and result shapes differ: [4] vs [2, 2]}}
  %0 = qc.requantize %q : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<2x2x!quant.uniform<i8:f32, 0.25>>
  return
}

// -----

func.func @case69(%q: tensor<4x!quant.uniform<i8:f32, 0.5>>) {
  // expected-error @+1 {{'qc.requantize' op expressed types differ: 'f32' vs 'f16'}}
  %0 = qc.requantize %q : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<4x!quant.uniform<i8:f16, 0.25>>
  return
}

// -----

func.func @case70(%q: tensor<4x!quant.uniform<i8:f32, 0.5>>) {
  // expected-error @+1 {{'qc.requantize' op quantized dimension 0 has extent 4 but the type has 2 scales}}
  %0 = qc.requantize %q : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<4x!quant.uniform<i8:f32:0, {0.5, 0.25}>>
  return
}

// -----

func.func @case71(%a: tensor<1x64x!quant.uniform<i8:f32, 0.1>>, %w: tensor<64x8x!quant.uniform<i32:f32, 0.1>>) {
  // expected-error @+1 {{'qc.qmatmul' op rhs must have 2-, 4- or 8-bit storage, got '!quant.uniform<i32:f32, 1.000000e-01>'}}
  %0 = qc.qmatmul %a, %w : tensor<1x64x!quant.uniform<i8:f32, 0.1>>, tensor<64x8x!quant.uniform<i32:f32, 0.1>> -> tensor<1x8xf32>
  return
}

// -----

func.func @case72(%a: tensor<1x64x!quant.uniform<i8:f32, 0.1>>, %w: tensor<64x8x!quant.uniform<i2:f32, 0.1>>) {
  // expected-error @+1 {{'qc.qmatmul' op rhs: 2-bit storage must be ternary i2<-1:1>}}
  %0 = qc.qmatmul %a, %w : tensor<1x64x!quant.uniform<i8:f32, 0.1>>, tensor<64x8x!quant.uniform<i2:f32, 0.1>> -> tensor<1x8xf32>
  return
}

// -----

func.func @case73(%a: tensor<2x64x!quant.uniform<i8:f32:0, {0.1, 0.2}>>, %w: tensor<64x8x!quant.uniform<i8:f32, 0.1>>) {
  // expected-error @+1 {{'qc.qmatmul' op lhs must be quantized per tensor}}
  %0 = qc.qmatmul %a, %w : tensor<2x64x!quant.uniform<i8:f32:0, {0.1, 0.2}>>, tensor<64x8x!quant.uniform<i8:f32, 0.1>> -> tensor<2x8xf32>
  return
}

// -----

func.func @case74(%a: tensor<1x64x!quant.uniform<i8:f32, 0.1>>, %w: tensor<64x8x!quant.uniform<i8:f16, 0.1>>) {
  // expected-error @+1 {{'qc.qmatmul' op lhs and rhs expressed types differ: 'f32' vs 'f16'}}
  %0 = qc.qmatmul %a, %w : tensor<1x64x!quant.uniform<i8:f32, 0.1>>, tensor<64x8x!quant.uniform<i8:f16, 0.1>> -> tensor<1x8xf32>
  return
}

// -----

func.func @case75(%a: tensor<1x64x!quant.uniform<i8:f32, 0.1>>, %w: tensor<64x!quant.uniform<i8:f32:0, {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}>>) {
  // expected-error @+1 {{'qc.qmatmul' op a per-axis or blocked rhs needs rank at least 2}}
  %0 = qc.qmatmul %a, %w : tensor<1x64x!quant.uniform<i8:f32, 0.1>>, tensor<64x!quant.uniform<i8:f32:0, {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}>> -> tensor<1xf32>
  return
}

// -----

func.func @case76(%a: tensor<1x2x!quant.uniform<i8:f32, 0.1>>, %w: tensor<2x4x!quant.uniform<i8:f32:0, {0.1, 0.2}>>) {
  // expected-error @+1 {{'qc.qmatmul' op per-axis weight must be quantized along the output-channel dimension 1}}
  %0 = qc.qmatmul %a, %w : tensor<1x2x!quant.uniform<i8:f32, 0.1>>, tensor<2x4x!quant.uniform<i8:f32:0, {0.1, 0.2}>> -> tensor<1x4xf32>
  return
}

// -----

func.func @case77(%a: tensor<1x4x!quant.uniform<i8:f32, 0.1>>, %w: tensor<4x4x!quant.uniform<i4:f32:{0:1, 1:2}, {{0.1, 0.2}, {0.1, 0.2}, {0.1, 0.2}, {0.1, 0.2}}>>) {
  // expected-error @+1 {{'qc.qmatmul' op weight blocks must run along the contraction dimension 0 with one scale per output channel}}
  %0 = qc.qmatmul %a, %w : tensor<1x4x!quant.uniform<i8:f32, 0.1>>, tensor<4x4x!quant.uniform<i4:f32:{0:1, 1:2}, {{0.1, 0.2}, {0.1, 0.2}, {0.1, 0.2}, {0.1, 0.2}}>> -> tensor<1x4xf32>
  return
}

// -----

func.func @case78(%a: tensor<1x64x!quant.uniform<i8:f32, 0.1>>, %w: tensor<32x8x!quant.uniform<i8:f32, 0.1>>) {
  // expected-error @+1 {{'qc.qmatmul' op operand shapes [1, 64] and [32, 8] are incompatible for a matrix product}}
  %0 = qc.qmatmul %a, %w : tensor<1x64x!quant.uniform<i8:f32, 0.1>>, tensor<32x8x!quant.uniform<i8:f32, 0.1>> -> tensor<1x8xf32>
  return
}

// -----

func.func @case79(%a: tensor<1x64x!quant.uniform<i8:f32, 0.1>>, %w: tensor<64x2x!quant.uniform<i8:f32, 0.1>>) {
  // expected-error @+1 {{'qc.qmatmul' op a quantized result must be quantized per tensor, got '!quant.uniform<i8:f32:1, {1.000000e-01,1.000000e-01}>'}}
  %0 = qc.qmatmul %a, %w : tensor<1x64x!quant.uniform<i8:f32, 0.1>>, tensor<64x2x!quant.uniform<i8:f32, 0.1>> -> tensor<1x2x!quant.uniform<i8:f32:1, {0.1, 0.1}>>
  return
}

// -----

func.func @case80(%a: tensor<1x64x!quant.uniform<i8:f32, 0.1>>, %w: tensor<64x2x!quant.uniform<i8:f32, 0.1>>) {
  // expected-error @+1 {{'qc.qmatmul' op result expressed type 'f16' does not match the operands' 'f32'}}
  %0 = qc.qmatmul %a, %w : tensor<1x64x!quant.uniform<i8:f32, 0.1>>, tensor<64x2x!quant.uniform<i8:f32, 0.1>> -> tensor<1x2x!quant.uniform<i8:f16, 0.1>>
  return
}

// -----

func.func @case81(%a: tensor<1x64x!quant.uniform<i8:f32, 0.1>>, %w: tensor<64x2x!quant.uniform<i8:f32, 0.1>>) {
  // expected-error @+1 {{'qc.qmatmul' op a float result must have the operands' expressed type 'f32', got 'f16'}}
  %0 = qc.qmatmul %a, %w : tensor<1x64x!quant.uniform<i8:f32, 0.1>>, tensor<64x2x!quant.uniform<i8:f32, 0.1>> -> tensor<1x2xf16>
  return
}

// -----

func.func @case82(%a: tensor<1x64x!quant.uniform<i8:f32, 0.1>>, %w: tensor<64x2x!quant.uniform<i8:f32, 0.1>>, %b: tensor<3xi32>) {
  // expected-error @+1 {{'qc.qmatmul' op bias must have one element per output channel (2), got [3]}}
  %0 = qc.qmatmul %a, %w, %b : tensor<1x64x!quant.uniform<i8:f32, 0.1>>, tensor<64x2x!quant.uniform<i8:f32, 0.1>>, tensor<3xi32> -> tensor<1x2xi32>
  return
}

// -----

func.func @case83(%a: tensor<1x64x!quant.uniform<i8:f32, 0.1>>, %w: tensor<64x2x!quant.uniform<i8:f32, 0.1>>, %b: tensor<2xf16>) {
  // expected-error @+1 {{'qc.qmatmul' op a float bias must have the operands' expressed type 'f32', got 'f16'}}
  %0 = qc.qmatmul %a, %w, %b : tensor<1x64x!quant.uniform<i8:f32, 0.1>>, tensor<64x2x!quant.uniform<i8:f32, 0.1>>, tensor<2xf16> -> tensor<1x2xf32>
  return
}

// -----

func.func @case84(%a: tensor<1x64x!quant.uniform<i8:f32, 0.1>>, %w: tensor<64x2x!quant.uniform<i8:f32, 0.1>>) {
  // expected-error @+1 {{'qc.qmatmul' op result shape [1, 3] does not match the expected shape [1, 2]}}
  %0 = qc.qmatmul %a, %w : tensor<1x64x!quant.uniform<i8:f32, 0.1>>, tensor<64x2x!quant.uniform<i8:f32, 0.1>> -> tensor<1x3xf32>
  return
}

// -----

// Only a pointwise convolution (1x1, one group) takes blocked weights.
func.func @case85(%x: tensor<1x3x8x8x!quant.uniform<u8:f32, 0.02:128>>, %w: tensor<2x3x3x3x!quant.uniform<i4:f32:{0:1, 1:3, 2:3, 3:3}, {{{{0.1}}}, {{{0.1}}}}>>) {
  // expected-error @+1 {{'qc.qconv2d' op weight cannot be quantized in blocks}}
  %0 = qc.qconv2d %x, %w : (tensor<1x3x8x8x!quant.uniform<u8:f32, 0.02:128>>, tensor<2x3x3x3x!quant.uniform<i4:f32:{0:1, 1:3, 2:3, 3:3}, {{{{0.1}}}, {{{0.1}}}}>>) -> tensor<1x2x6x6xf32>
  return
}

// -----

func.func @case86(%x: tensor<1x3x8x8x!quant.uniform<u8:f32, 0.02:128>>, %w: tensor<2x3x1x1x!quant.uniform<i8:f32:1, {0.1, 0.1, 0.1}>>) {
  // expected-error @+1 {{'qc.qconv2d' op per-axis weight must be quantized along the output-channel dimension 0}}
  %0 = qc.qconv2d %x, %w : (tensor<1x3x8x8x!quant.uniform<u8:f32, 0.02:128>>, tensor<2x3x1x1x!quant.uniform<i8:f32:1, {0.1, 0.1, 0.1}>>) -> tensor<1x2x8x8xf32>
  return
}

// -----

func.func @case87(%x: tensor<1x3x8x8x!quant.uniform<u8:f32, 0.02:128>>, %w: tensor<2x3x1x1x!quant.uniform<i8:f16, 0.1>>) {
  // expected-error @+1 {{'qc.qconv2d' op input and weight expressed types differ: 'f32' vs 'f16'}}
  %0 = qc.qconv2d %x, %w : (tensor<1x3x8x8x!quant.uniform<u8:f32, 0.02:128>>, tensor<2x3x1x1x!quant.uniform<i8:f16, 0.1>>) -> tensor<1x2x8x8xf32>
  return
}

// -----

func.func @case88(%x: tensor<1x2x4x4x!quant.uniform<i8:f32:1, {0.1, 0.2}>>, %w: tensor<2x2x1x1x!quant.uniform<i8:f32, 0.1>>) {
  // expected-error @+1 {{'qc.qconv2d' op input must be quantized per tensor, or per channel (axis 1, one scale per channel) for a depthwise convolution (group = input channels)}}
  %0 = qc.qconv2d %x, %w : (tensor<1x2x4x4x!quant.uniform<i8:f32:1, {0.1, 0.2}>>, tensor<2x2x1x1x!quant.uniform<i8:f32, 0.1>>) -> tensor<1x2x4x4xf32>
  return
}

// -----

func.func @depthwise_input_wrong_axis(%x: tensor<1x2x4x4x!quant.uniform<u8:f32:2, {0.1, 0.2, 0.3, 0.4}>>, %w: tensor<2x1x1x1x!quant.uniform<i8:f32, 0.1>>) {
  // expected-error @+1 {{'qc.qconv2d' op input must be quantized per tensor, or per channel (axis 1, one scale per channel)}}
  %0 = qc.qconv2d %x, %w {group = 2 : i64} : (tensor<1x2x4x4x!quant.uniform<u8:f32:2, {0.1, 0.2, 0.3, 0.4}>>, tensor<2x1x1x1x!quant.uniform<i8:f32, 0.1>>) -> tensor<1x2x4x4xf32>
  return
}

// -----

func.func @observe_channel_range_odd(%x: tensor<4xf32>) {
  // expected-error @+1 {{'qc.observe' op channel_range must hold [lo, hi] pairs, got 3 entries}}
  %0 = qc.observe %x {name = "x", channel_range = array<f64: -1.0, 1.0, 0.0>} : tensor<4xf32>
  return
}

// -----

func.func @observe_channel_range_zero(%x: tensor<4xf32>) {
  // expected-error @+1 {{'qc.observe' op channel_range pair 1 must hold zero: lo <= 0 <= hi}}
  %0 = qc.observe %x {name = "x", channel_range = array<f64: -1.0, 1.0, 0.5, 2.0>} : tensor<4xf32>
  return
}

// -----

func.func @case89(%x: tensor<1x3x8x8x!quant.uniform<u8:f32, 0.02:128>>, %w: tensor<2x3x1x1x!quant.uniform<i8:f32, 0.1>>) {
  // expected-error @+1 {{'qc.qconv2d' op result shape [1, 2, 4, 4] does not match the expected shape [1, 2, 8, 8]}}
  %0 = qc.qconv2d %x, %w : (tensor<1x3x8x8x!quant.uniform<u8:f32, 0.02:128>>, tensor<2x3x1x1x!quant.uniform<i8:f32, 0.1>>) -> tensor<1x2x4x4xi32>
  return
}

// -----

func.func @resize_rank(%x: tensor<1x4x8x8xf32>) {
  // expected-error @+1 {{'qc.resize' op scales has 2 entries, expected the input rank 4}}
  %0 = qc.resize %x {scales = array<f32: 2.0, 2.0>} : tensor<1x4x8x8xf32> -> tensor<1x4x16x16xf32>
  return
}

// -----

func.func @resize_scale(%x: tensor<1x4x8x8xf32>) {
  // expected-error @+1 {{'qc.resize' op scales must be positive, got 0.000000e+00}}
  %0 = qc.resize %x {scales = array<f32: 1.0, 1.0, 0.0, 2.0>} : tensor<1x4x8x8xf32> -> tensor<1x4x0x16xf32>
  return
}

// -----

func.func @resize_cubic_coefficient(%x: tensor<1x4x8x8xf32>) {
  // expected-error @+1 {{'qc.resize' op cubic_coeff_a applies to cubic mode only}}
  %0 = qc.resize %x {mode = #qc.resize_mode<linear>, cubic_coeff_a = -0.5 : f32, scales = array<f32: 1.0, 1.0, 2.0, 2.0>} : tensor<1x4x8x8xf32> -> tensor<1x4x16x16xf32>
  return
}

// -----

func.func @resize_shape(%x: tensor<1x4x8x8xf32>) {
  // expected-error @+1 {{'qc.resize' op result shape [1, 4, 16, 15] does not match the expected shape [1, 4, 16, 16]}}
  %0 = qc.resize %x {scales = array<f32: 1.0, 1.0, 2.0, 2.0>} : tensor<1x4x8x8xf32> -> tensor<1x4x16x15xf32>
  return
}

// -----

func.func @pad_count(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'qc.pad' op pads has 2 entries, expected twice the rank (4)}}
  %0 = qc.pad %x {pads = array<i64: 1, 1>} : tensor<2x3xf32> -> tensor<4x3xf32>
  return
}

// -----

func.func @pad_crop(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'qc.pad' op pads crop dimension 0 below zero}}
  %0 = qc.pad %x {pads = array<i64: -2, 0, -1, 0>} : tensor<2x3xf32> -> tensor<0x3xf32>
  return
}

// -----

func.func @pad_reflect(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'qc.pad' op reflect padding must be smaller than dimension 0 (2)}}
  %0 = qc.pad %x {mode = #qc.pad_mode<reflect>, pads = array<i64: 2, 0, 0, 0>} : tensor<2x3xf32> -> tensor<4x3xf32>
  return
}

// -----

func.func @pad_shape(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'qc.pad' op result shape [3, 3] does not match the expected shape [4, 3]}}
  %0 = qc.pad %x {pads = array<i64: 1, 0, 1, 0>} : tensor<2x3xf32> -> tensor<3x3xf32>
  return
}

// -----

func.func @split_none(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'qc.split' op needs at least one result}}
  "qc.split"(%x) {axis = 0 : i64} : (tensor<2x3xf32>) -> ()
  return
}

// -----

func.func @split_axis(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'qc.split' op axis 2 is out of range for rank 2}}
  %0 = qc.split %x {axis = 2} : tensor<2x3xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @split_type(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'qc.split' op results must have the input's element type}}
  %0 = qc.split %x {axis = 0} : tensor<2x3xf32> -> tensor<2x3xf16>
  return
}

// -----

func.func @split_rank(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'qc.split' op results must have the input's rank}}
  %0 = qc.split %x {axis = 0} : tensor<2x3xf32> -> tensor<6xf32>
  return
}

// -----

func.func @split_dim(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'qc.split' op result dimension 1 (4) differs from the input's (3)}}
  %0:2 = qc.split %x {axis = 0} : tensor<2x3xf32> -> tensor<1x3xf32>, tensor<1x4xf32>
  return
}

// -----

func.func @split_sum(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'qc.split' op pieces add up to 2 along axis 1, but the input has 3}}
  %0:2 = qc.split %x {axis = 1} : tensor<2x3xf32> -> tensor<2x1xf32>, tensor<2x1xf32>
  return
}

// -----

func.func @observe_range_size(%x: tensor<4xf32>) {
  // expected-error @+1 {{'qc.observe' op range must be [lo, hi], got 3 entries}}
  %0 = qc.observe %x {name = "x", range = array<f64: 0.0, 1.0, 2.0>} : tensor<4xf32>
  return
}

// -----

func.func @observe_range_zero(%x: tensor<4xf32>) {
  // expected-error @+1 {{'qc.observe' op range must hold zero: lo <= 0 <= hi}}
  %0 = qc.observe %x {name = "x", range = array<f64: 0.5, 1.0>} : tensor<4xf32>
  return
}

// -----

func.func @observe_channel_mean_empty(%x: tensor<4xf32>) {
  // expected-error @+1 {{'qc.observe' op channel_mean must be a non-empty list of finite values}}
  %0 = qc.observe %x {name = "x", channel_mean = array<f64>} : tensor<4xf32>
  return
}

// -----
// The dialect's discardable attributes: declared once (QCBase.td), typed,
// and no others.

func.func @unknown_qc_attribute(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{unknown qc attribute 'qc.gemm_format'}}
  %0 = qc.relu %x {qc.gemm_format = "int8"} : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @keep_float_not_unit(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'qc.keep_float' must be a unit attribute, got "yes"}}
  %0 = qc.relu %x {qc.keep_float = "yes"} : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @gemm_kernel_on_float_op(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'qc.gemm_kernel' must be a kernel symbol on qc.qmatmul or qc.qconv2d, got @k}}
  %0 = qc.relu %x {qc.gemm_kernel = @k} : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// expected-error @+1 {{'qc.gemm_kernel_spec' must be a #qc.gemm_kernel on a kernel's func.func declaration, got "int8"}}
func.func private @kernel_spec_string(memref<2x4xi8>) attributes {qc.gemm_kernel_spec = "int8"}

// -----

// expected-error @+1 {{int4 kernels need a positive group and other formats none, got group 0}}
func.func private @kernel_int4_no_group(memref<2x4xi8>) attributes {qc.gemm_kernel_spec = #qc.gemm_kernel<format = int4, isa = avx512vnni, m = 2, n = 64, k = 16, group = 0>}

// -----

// expected-error @+1 {{group 12 does not divide K = 16}}
func.func private @kernel_group_k(memref<2x4xi8>) attributes {qc.gemm_kernel_spec = #qc.gemm_kernel<format = int4, isa = avx512vnni, m = 2, n = 64, k = 16, group = 12>}

// -----

// expected-error @+2 {{expected ::quantc::qc::GemmIsa to be one of: avx512vnni, avx2, neon_dot, neon_i8mm}}
// expected-error @+1 {{failed to parse QC_GemmKernelAttr parameter 'isa'}}
func.func private @kernel_unknown_isa(memref<2x4xi8>) attributes {qc.gemm_kernel_spec = #qc.gemm_kernel<format = int8, isa = sse, m = 2, n = 64, k = 4, group = 0>}

// -----

// expected-error @+1 {{'qc.observers' must be an array of strings on a module, got [1]}}
module attributes {qc.observers = [1]} {}

// -----

func.func @precision_on_float_op(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'qc.precision' must be a #qc.precision on a quantizable layer, got #qc.precision<format = int4>}}
  %0 = qc.relu %x {qc.precision = #qc.precision<format = int4>} : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @precision_group_not_int4(%x: tensor<2x8xf32>, %w: tensor<8x2xf32>) -> tensor<2x2xf32> {
  // expected-error @+1 {{group 32: weight groups need int4 and a positive multiple of 8}}
  %0 = qc.matmul %x, %w {qc.precision = #qc.precision<format = int8, group = 32>} : tensor<2x8xf32>, tensor<8x2xf32> -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

func.func @precision_gptq_without_group(%x: tensor<2x8xf32>, %w: tensor<8x2xf32>) -> tensor<2x2xf32> {
  // expected-error @+1 {{gptq rounds int4 groups: give a group}}
  %0 = qc.matmul %x, %w {qc.precision = #qc.precision<format = int4, gptq = true>} : tensor<2x8xf32>, tensor<8x2xf32> -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

func.func @log_matmul_shapes(%a: tensor<1x4x8xf32>, %v: tensor<1x6x3xf32>) {
  // expected-error @+1 {{'qc.log_matmul' op expects [..., M, K] x [..., K, N] -> [..., M, N]}}
  %0 = qc.log_matmul %a, %v {bits = 4 : i64, fraction_bits = 12 : i64, v_scale = 0.1 : f64, v_zero_point = 7 : i64} : tensor<1x4x8xf32>, tensor<1x6x3xf32> -> tensor<1x4x3xf32>
  return
}

// -----

func.func @log_matmul_zero_point(%a: tensor<1x4x8xf32>, %v: tensor<1x8x3xf32>) {
  // expected-error @+1 {{'qc.log_matmul' op v_scale must be positive and v_zero_point on the grid}}
  %0 = qc.log_matmul %a, %v {bits = 4 : i64, fraction_bits = 12 : i64, v_scale = 0.1 : f64, v_zero_point = 16 : i64} : tensor<1x4x8xf32>, tensor<1x8x3xf32> -> tensor<1x4x3xf32>
  return
}

// -----

func.func @argmax_shape(%x: tensor<4x10xf32>) {
  // expected-error @+1 {{'qc.argmax' op result shape [4] does not match the expected shape [4, 1]}}
  %0 = qc.argmax %x {axis = 1 : i64} : tensor<4x10xf32> -> tensor<4xi64>
  return
}
