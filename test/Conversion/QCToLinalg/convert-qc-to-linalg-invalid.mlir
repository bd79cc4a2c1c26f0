// RUN: quant-opt %s -split-input-file -convert-qc-to-linalg -verify-diagnostics

func.func @dynamic(%x: tensor<?x3xf32>) -> tensor<?x3xf32> {
  // expected-error @+1 {{'qc.relu' op has a dynamic shape; the lowering needs static shapes (import with --input-shape)}}
  %0 = qc.relu %x : tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}
