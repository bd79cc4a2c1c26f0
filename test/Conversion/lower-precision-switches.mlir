// RUN: quant-opt %s -qc-insert-precision-switches -qc-quantize -qc-lower-to-llvm --mlir-print-ir-after=one-shot-bufferize -o %t.mlir 2>&1 | FileCheck %s --check-prefix=BUFFERS
// RUN: FileCheck %s --check-prefix=LLVM < %t.mlir

// A precision switch's scf.index_switch bufferizes to an identity-layout buffer
// (a fully dynamic layout would break the tiled convolutions reading
// it), and the switched module lowers to one call per layer.
// BUFFERS: IR Dump After OneShotBufferizePass
// BUFFERS-NOT: strided<[?
// BUFFERS: scf.index_switch %{{.*}} -> memref<1x8x8x8xf32>
// BUFFERS-NOT: strided<[?
// BUFFERS: scf.index_switch %{{.*}} -> memref<1x16x8x8xf32>
// BUFFERS-NOT: strided<[?
// LLVM-COUNT-2: llvm.call @quantc_layer_precision
func.func @main(%x: tensor<1x8x8x8xf32>) -> tensor<1x16x8x8xf32> {
  %xo = qc.observe %x {name = "x", range = array<f64: -1.0, 2.0>} : tensor<1x8x8x8xf32>
  %w = qc.constant dense<0.5> : tensor<8x8x3x3xf32>
  %b = qc.constant dense<0.1> : tensor<8xf32>
  %y = qc.conv2d %xo, %w, %b {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x8x8x8xf32>, tensor<8x8x3x3xf32>, tensor<8xf32>) -> tensor<1x8x8x8xf32> loc("c1")
  %yo = qc.observe %y {name = "c1", range = array<f64: -4.0, 20.0>} : tensor<1x8x8x8xf32>
  %w2 = qc.constant dense<0.25> : tensor<16x8x1x1xf32>
  %z = qc.conv2d %yo, %w2 : (tensor<1x8x8x8xf32>, tensor<16x8x1x1xf32>) -> tensor<1x16x8x8xf32> loc("c2")
  return %z : tensor<1x16x8x8xf32>
}
