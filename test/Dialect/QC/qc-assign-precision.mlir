// RUN: echo '{"fc2": "int4-g8-gptq", "fc1": "float", "fc3": "ternary-absmean"}' > %t.json
// RUN: quant-opt %s -qc-assign-precision=assignment=%t.json | FileCheck %s
// RUN: quant-opt %s -qc-assign-precision=assignment=%t.json -qc-quantize | FileCheck %s --check-prefix=QUANT
// A compile report's mixed_precision section replays the same way.
// RUN: echo '{"mixed_precision": {"layers": [{"name": "fc1", "chosen": "int4"}, {"name": "fc3", "chosen": "int8"}]}}' > %t.report.json
// RUN: quant-opt %s -qc-assign-precision=assignment=%t.report.json | FileCheck %s --check-prefix=REPORT
// Every bad entry is listed at once, and nothing is set.
// RUN: echo '{"fc1": "int5", "nope": "int8", "fc2": "int8-g32"}' > %t.bad.json
// RUN: not quant-opt %s -qc-assign-precision=assignment=%t.bad.json 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: not quant-opt %s -qc-assign-precision=assignment=%t.missing.json 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not quant-opt %s -qc-assign-precision 2>&1 | FileCheck %s --check-prefix=NONE

// CHECK-LABEL: func @three_layers
// CHECK: qc.matmul {{.*}} {qc.precision = #qc.precision<format = float>}
// CHECK: qc.matmul {{.*}} {qc.precision = #qc.precision<format = int4, group = 8, gptq = true>}
// CHECK: qc.matmul {{.*}} {qc.precision = #qc.precision<format = ternary_absmean>}

// qc-quantize honours each layer's precision over its own options: fc1
// stays float, fc2 takes int4 groups of 8 along K = 16 (with no E[x x^T]
// on its probe GPTQ says why it rounded to nearest), fc3 ternary.
// QUANT-LABEL: func @three_layers
// QUANT: qc.matmul {{.*}}#qc.precision<format = float>
// QUANT: qc.qmatmul {{.*}}qc.weight_rounding = "round to nearest: the input's probe carries no E[x x^T]{{.*}}!quant.uniform<i8<-7:7>:f32:{0:8, 1:1}
// QUANT: qc.qmatmul {{.*}}i8<-1:1>

// REPORT: qc.matmul {{.*}}#qc.precision<format = int4>}
// REPORT-NEXT: qc.observe
// REPORT-NEXT: qc.matmul %{{[0-9]+}}, %{{[0-9]+}} :
// REPORT-NEXT: qc.observe
// REPORT-NEXT: qc.matmul {{.*}}#qc.precision<format = int8>}

// BAD: error: precision assignment: 'fc1': precision 'int5': expected float, int8, int4[-gG[-gptq]], ternary-absmean or ternary-twn; 'fc2': precision 'int8-g32': groups need int4 and a positive multiple of 8; 'nope': no quantizable layer
// MISSING: error: cannot read the assignment '{{.*}}missing.json': No such file or directory
// NONE: error: qc-assign-precision needs assignment=<file.json>
func.func @three_layers(%x: tensor<2x16xf32>) -> tensor<2x16xf32> {
  %xo = qc.observe %x {name = "x", range = array<f64: -1.0, 2.0>} : tensor<2x16xf32>
  %w = qc.constant dense<0.5> : tensor<16x16xf32>
  %y = qc.matmul %xo, %w : tensor<2x16xf32>, tensor<16x16xf32> -> tensor<2x16xf32> loc("fc1")
  %yo = qc.observe %y {name = "fc1", range = array<f64: -3.0, 3.0>} : tensor<2x16xf32>
  %z = qc.matmul %yo, %w : tensor<2x16xf32>, tensor<16x16xf32> -> tensor<2x16xf32> loc("fc2")
  %zo = qc.observe %z {name = "fc2", range = array<f64: -3.0, 3.0>} : tensor<2x16xf32>
  %u = qc.matmul %zo, %w : tensor<2x16xf32>, tensor<16x16xf32> -> tensor<2x16xf32> loc("fc3")
  return %u : tensor<2x16xf32>
}
