// RUN: quant-opt %s -qc-quantize="activation-bits=4" | FileCheck %s
// RUN: quant-opt %s -qc-quantize="activation-bits=6" | FileCheck %s --check-prefix=SIX
// RUN: not quant-opt %s -qc-quantize="activation-bits=3" 2>&1 | FileCheck %s --check-prefix=BAD

// The activation grid has 2^bits levels in u8 storage: [-1, 3] on 16
// levels is scale 4/15 with zero point round(1 / (4/15)) = 4; on 64 levels
// 4/63 with zero point 16. The weights keep their own grid (i8).
// CHECK: qc.quantize %{{.*}} -> tensor<2x4x!quant.uniform<u8<0:15>:f32, 0.26666666666666666:4>>
// CHECK: qc.qmatmul {{.*}}!quant.uniform<i8<-127:127>:f32:1
// SIX: qc.quantize %{{.*}} -> tensor<2x4x!quant.uniform<u8<0:63>:f32, 0.063492063492063489:16>>
// BAD: activation-bits 3: expected 4 to 8
func.func @main(%x: tensor<2x4xf32>) -> tensor<2x2xf32> {
  %p = qc.observe %x {name = "x", range = array<f64: -1.0, 3.0>} : tensor<2x4xf32>
  %w = qc.constant dense<[[1.0, -0.5], [0.5, 1.0], [1.0, 0.25], [-1.0, 0.5]]> : tensor<4x2xf32>
  %y = qc.matmul %p, %w : tensor<2x4xf32>, tensor<4x2xf32> -> tensor<2x2xf32> loc("fc")
  return %y : tensor<2x2xf32>
}
