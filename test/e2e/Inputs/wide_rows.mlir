// Long elementwise rows, left to LLVM's loop vectorizer (wide-vectors.test).
func.func @wide_rows(%x: tensor<1x8x1024xf32> loc("x")) -> tensor<1x8x1024xf32> {
  %scale = qc.constant dense<1.5> : tensor<1xf32>
  %shift = qc.constant dense<0.25> : tensor<1xf32>
  %scaled = qc.mul %x, %scale : tensor<1x8x1024xf32>, tensor<1xf32> -> tensor<1x8x1024xf32> loc("scaled")
  %shifted = qc.add %scaled, %shift : tensor<1x8x1024xf32>, tensor<1xf32> -> tensor<1x8x1024xf32> loc("shifted")
  %out = qc.relu %shifted : tensor<1x8x1024xf32> loc("out")
  return %out : tensor<1x8x1024xf32>
}
