//===- Passes.td - qc dialect passes -----------------------*- tablegen -*-===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_DIALECT_QC_TRANSFORMS_PASSES_TD
#define QUANTC_DIALECT_QC_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def QCInsertObservers : Pass<"qc-insert-observers"> {
  let summary = "insert qc.observe probes on the activations to calibrate";
  let description = [{
    Inserts a `qc.observe` probe on every activation that a quantizable
    compute op (`qc.conv2d`, `qc.conv_transpose2d`, `qc.matmul`,
    `qc.gemm`) reads and, with `observe-outputs`, on every result of such an
    op. Constants (weights) are not observed: their ranges are known.
    Every use by a compute op is rerouted through the probe, so that
    calibration sees exactly the values the quantized op will see. Each
    value is probed once; a probe is named after the value's location
    (the ONNX tensor name, which import records as a `NameLoc`) or, failing
    that, after the producing op and a counter.

    ```mlir
    %y = qc.matmul %x, %w : tensor<1x64xf32>, tensor<64x10xf32> -> tensor<1x10xf32>
    // becomes
    %xo = qc.observe %x {name = "x"} : tensor<1x64xf32>
    %y = qc.matmul %xo, %w : tensor<1x64xf32>, tensor<64x10xf32> -> tensor<1x10xf32>
    %yo = qc.observe %y {name = "y"} : tensor<1x10xf32>
    ```
  }];
  let dependentDialects = ["::quantc::qc::QCDialect"];
  let options = [
    Option<"observeOutputs", "observe-outputs", "bool", /*default=*/"true",
           "also probe the results of the compute ops">
  ];
  let statistics = [
    Statistic<"numProbes", "num-probes", "number of qc.observe probes inserted">
  ];
}

def QCFoldBatchNorm : Pass<"qc-fold-batch-norm"> {
  let summary = "fold inference batch normalization into the preceding convolution";
  let description = [{
    `qc.batch_norm(qc.conv2d(x, W, b), scale, bias, mean, var)` with
    constant parameters, where the convolution has no other use, becomes
    one `qc.conv2d(x, W', b')` with, per output channel c,
    `k = scale[c] / sqrt(var[c] + epsilon)`, `W'[c] = k * W[c]` and
    `b'[c] = k * (b[c] - mean[c]) + bias[c]`. The new weights are
    `dense_resource` blobs. This preserves the function up to float
    rounding and removes a tensor the quantizer would otherwise have to
    quantize between conv and norm.

    ```mlir
    %c = qc.conv2d %x, %w, %b : ...
    %y = qc.batch_norm %c, %s, %beta, %m, %v : ...
    // becomes
    %y = qc.conv2d %x, %w_folded, %b_folded : ...
    ```
  }];
  let dependentDialects = ["::quantc::qc::QCDialect"];
}

def QCDecomposeConvTranspose : Pass<"qc-decompose-conv-transpose"> {
  let summary = "transposed convolutions with constant weights as phase convolutions";
  let description = [{
    A `qc.conv_transpose2d` with stride `s` writes output `t = i*s + k*d`
    from input `i` and kernel tap `k`. Output phase `r = t mod s` reads only
    the taps with `k*d = r (mod s)`, and over its positions it is a
    stride-1 convolution with those taps flipped (dilation
    `d / gcd(d, s)`). The op becomes `s_h * s_w` `qc.conv2d` ops with
    constant sub-kernels (transposed per group), each named
    `<layer>/phase<ry><rx>`, whose results are interleaved with reshapes
    and concatenations and cropped to the pads. The sums are the same (up
    to float summation order) and no product with an inserted zero is
    computed; the phases are layers the quantizer knows, so transposed
    convolutions calibrate and quantize. The quantization pipeline runs it
    before calibration. Only static f32 ops with a constant weight are
    rewritten.

    ```mlir
    %y = qc.conv_transpose2d %x, %w {strides = array<i64: 2, 2>}
        : (tensor<1x8x16x16xf32>, tensor<8x4x2x2xf32>) -> tensor<1x4x32x32xf32>
    // becomes four 1x1 qc.conv2d (one per output phase), interleaved
    ```
  }];
  let dependentDialects = ["::quantc::qc::QCDialect"];
}

def QCSmooth : Pass<"qc-smooth"> {
  let summary = "SmoothQuant: migrate activation outliers into the weights";
  let description = [{
    For every calibrated `qc.observe` probe (one with `channel_range`) whose
    readers are all layers with constant weights (matmul, gemm without a
    transposed A, ungrouped conv2d) reading it as their activation, per
    input channel j:

    `s_j = max|X_j|^alpha / max|W_j|^(1 - alpha)`

    with `max|X_j|` from the probe's channel range and `max|W_j|` over every
    reader's weights of input channel j (clamped to [1e-5, 1e5]; 1 for a
    channel that is always zero). Every reader's weights of input channel j
    are multiplied by `s_j` and the activation divided by it, so
    `(X / s) (s W) = X W`: the float function is unchanged and the
    activation's channel ranges are flattened (alpha = 1 moves all of it
    into the weights, 0 none).

    The division goes into the producer when the probed tensor is reached
    from it through ReLUs (s > 0 commutes with them), probes (whose
    channel statistics are divided too) and per-channel bias
    adds, each the only user of its input: a LayerNorm's scale and bias
    (channels on the last axis), a batch norm's scale and bias, or the
    output channels of a conv2d, matmul or gemm with constant weights (and
    their bias). Otherwise an explicit `qc.mul` by `1 / s`, marked
    `qc.smooth_scale`, goes in front of the probe: a run-time cost the
    report counts. A probe with another reader (a residual add) is left
    alone. The probe's channel ranges, means and second moments are divided
    by s (exact); its per-tensor range becomes the envelope of the channel
    ranges, an estimate that calibrating the smoothed model replaces.
  }];
  let options = [
    Option<"alpha", "alpha", "double", /*default=*/"0.5",
           "migration strength in [0, 1]">,
  ];
  let statistics = [
    Statistic<"folded", "folded", "activations smoothed into their producer">,
    Statistic<"explicitScales", "explicit-scales",
              "activations smoothed by an inserted qc.mul">,
    Statistic<"refused", "refused",
              "probes read by something other than a constant-weight layer">,
  ];
  let dependentDialects = ["::quantc::qc::QCDialect"];
}

def QCRotate : Pass<"qc-rotate"> {
  let summary = "QuaRot-style rotations: spread outlier channels before quantization";
  let description = [{
    For every layer with constant weights (matmul, gemm without a
    transposed A, ungrouped conv2d) whose input channel count n has a
    Hadamard matrix (`qc.hadamard`'s sizes: 2^k, 12 * 2^k, 20 * 2^k,
    28 * 2^k, 60 * 2^k, ...), its activation X is rotated by the orthogonal
    `Q = (1 / sqrt(n)) H diag(s)` along its channel axis and its weights by
    the same Q along their input-channel axis:

    `y = W x = (W Q^T) (Q x)`

    so the float function is unchanged while an outlier channel of X (and
    of W) is spread over all n. Layers reading the same tensor share one
    rotation. Where the graph allows it the rotation is fused into a weight
    pair: when X is the output of another such layer (through a
    per-channel bias add) and only rotated layers read it, the producer's
    output channels (weights and bias) are multiplied by Q instead, and
    nothing runs online. Otherwise a `qc.hadamard` goes in front of the
    layers: a fast Walsh-Hadamard transform at run time. The value/output
    pair of a fused-QKV attention is rotated per head and fused into both
    weights (V's columns of the QKV projection and its bias, the output
    projection's rows), when the head width has a Hadamard matrix.

    A pre-LN transformer's residual stream is carried in the rotated basis
    as a whole (QuaRot / SliceGPT), first: with `Q 1 = sqrt(n) e_0` (no
    signs), each LayerNorm over the last axis (`qc.layer_norm`, or the
    decomposed form older opsets import) becomes an RMS norm of the
    rotated stream with coordinate 0 (the mean) masked out, its scale and
    shift fold into its constant-weight readers (`W diag(gamma) Q^T`, bias
    `W beta + b`), and the linear layers writing into the stream take `Q`
    on their output channels. An online `qc.hadamard` remains only where
    the stream starts at something else (`Q x`) and, with `transpose`,
    where something other than a LayerNorm or a residual add reads it.
    Post-LN streams, and streams none of whose LayerNorms a constant-weight
    layer reads, are left to the per-layer rotations.

    `mode=hadamard` uses s = 1; `mode=random` draws the signs s from
    `seed` (TurboQuant-style: random signs times Hadamard). Layers whose
    channels have no Hadamard matrix, grouped convolutions and transposed
    activations are left alone and counted. Runs before calibration (the
    probes then see the rotated activations), and before qc-quantize, which
    rounds the rotated weights (RTN or GPTQ).
  }];
  let options = [
    Option<"mode", "mode", "std::string", /*default=*/"\"hadamard\"",
           "hadamard (signs +1) or random (seeded random signs)">,
    Option<"seed", "seed", "uint64_t", /*default=*/"0",
           "seed of mode=random's signs">,
    Option<"convolutions", "convolutions", "bool", /*default=*/"true",
           "also put online transforms in front of convolutions">,
  ];
  let statistics = [
    Statistic<"online", "online", "rotations done by an inserted qc.hadamard">,
    Statistic<"fused", "fused",
              "rotations fused into the producer's output channels">,
    Statistic<"refused", "refused",
              "layers left alone (no Hadamard size, grouped, transposed)">,
    Statistic<"streamTransforms", "stream-transforms",
              "online transforms where a rotated residual stream starts or "
              "is read in the original basis">,
  ];
  let dependentDialects = ["::quantc::qc::QCDialect"];
}

def QCReparameterize : Pass<"qc-reparameterize"> {
  let summary = "RepQuant: per-channel post-LayerNorm quantizers folded into per-tensor ones";
  let description = [{
    For every calibrated probe (one with `channel_range`) of a LayerNorm's
    output (`qc.layer_norm` with a constant scale and bias, or the
    decomposed `x * gamma + beta` with per-channel constants) whose readers
    are all matmuls with constant weights, each channel c gets its own
    asymmetric quantizer on the activation grid, s_c = (hi_c - lo_c) / n,
    z_c = round(-lo_c / s_c) (n = 2^bits - 1), and the pass folds them into
    one per-tensor quantizer s = mean(s_c), z = round(mean(z_c)) with

    `r1_c = s_c / s`, `r2_c = z_c - z`:

    - LayerNorm: `gamma_c <- gamma_c / r1_c`,
      `beta_c <- (beta_c + s_c r2_c) / r1_c`, so the new activation is
      `x~_c = (x_c + s_c r2_c) / r1_c`;
    - each reader: `W[c, :] <- r1_c W[c, :]` and a bias
      `-sum_c s_c r2_c W[c, :]` added after it (into its bias add when it
      has one);
    - the probe's range becomes `[-s z, s (n - z)]`, which every channel of
      `x~` now shares, and its channel statistics follow.

    Because r2 is an integer, `round(x~_c / s) + z = round(x_c / s_c) +
    z_c`: the per-tensor codes of the new activation are the per-channel
    codes of the old one (up to float rounding at ties), and the readers'
    integer products equal the per-channel ones (RepQ-ViT, Li et al. 2023).
    The float function is unchanged.

    Each channel's range is `beta_c + gamma_c [u_lo, u_hi]` (and zero),
    with the normalized range `[u_lo, u_hi]` pooled over all channels from
    the probe's `channel_extremes`: one channel's own extremes over a few
    samples generalize poorly.

    With `log-softmax`, attention's `A V` with `A` a softmax output (along
    the product's K) and `V` a calibrated activation becomes
    `qc.log_matmul`:
    `A` on RepQ-ViT's log-sqrt(2) grid, reparameterized to log2 so that the
    product is integer shifts and adds (see the op), `V` on the uniform
    grid of its probe's range. Runs after calibration and after any
    smoothing; calibrating again would replace the folded range.
  }];
  let options = [
    Option<"activationBits", "activation-bits", "unsigned", /*default=*/"8",
           "bits of the activation grid (4 to 8)">,
    Option<"perChannelReference", "per-channel-reference", "bool",
           /*default=*/"false",
           "instead of folding, have the readers read the per-channel "
           "quantizers' values (qc.quantize / qc.dequantize per axis) and "
           "stay float: the reference the folding is measured against">,
    Option<"logSoftmax", "log-softmax", "bool", /*default=*/"false",
           "also make softmax-output products A V qc.log_matmul">,
  ];
  let statistics = [
    Statistic<"reparameterized", "reparameterized",
              "post-LayerNorm activations folded to per-tensor">,
    Statistic<"refused", "refused",
              "post-LayerNorm activations read by something else">,
    Statistic<"logSoftmaxProducts", "log-softmax-products",
              "softmax-output products made qc.log_matmul">,
  ];
  let dependentDialects = ["::quantc::qc::QCDialect",
                           "::mlir::quant::QuantDialect"];
}

def QCQuantize : Pass<"qc-quantize"> {
  let summary = "rewrite calibrated quantizable layers to quantized qc ops (u8 activations; int8, int4 or ternary weights)";
  let description = [{
    For every layer of `QuantizableOpInterface` (`qc.conv2d`, grouped
    included; `qc.matmul` with a constant matrix rhs; `qc.gemm` with a
    constant B, alpha = beta = 1) whose activation input is a `qc.observe`
    with a calibrated `range`:

    * the activation is quantized per tensor to u8 (asymmetric, zero point
      exact) from that range, on a grid of 2^`activation-bits` levels (8 by
      default; 4 to 8, stored in u8 as `u8<0:15>` for 4 bits); the input of a depthwise convolution (group =
      input channels), whose channels never mix, is quantized per channel
      from the probe's `channel_range` when it has one
      (`per-channel-depthwise`, on by default);
    * the weight is quantized offline per output channel, symmetric, by
      `weights`: `int8` (narrow range, scale = max |w| / 127, round half
      to even; the default), `int4` ([-7, 7], scale = max |w| / 7,
      round to nearest), `ternary-absmean` ({-1, 0, 1}, scale = mean |w|,
      BitNet b1.58) or `ternary-twn` ({-1, 0, 1}, threshold 0.7 mean |w|,
      scale the mean |w| above it); the values are stored in i8 with the
      quantized type's storage range saying which;
    * with `weights=int4 group=G`, matmul weights `[K, N]` and those of
      pointwise convolutions lowered as matmuls (1x1, one group, unit
      strides, no padding, one image) get one scale per G consecutive k
      and output channel instead (a sub-channel `!quant.uniform` type with
      blocks along K, resp. the input channels; max |w| / 7 per group, round
      to nearest, or with `gptq` GPTQ on the probe's `channel_second_moment`
      E[x x^T]) and an f32 bias; K not a multiple of G, and other
      convolutions, keep one scale per channel;
    * the bias becomes i32 at scale `s_x * s_w[c]`;
    * with `bias-correction` (on by default) and a probe that carries the
      input's `channel_mean`, the bias first absorbs the mean shift the
      weight rounding causes: `b[o] -= sum_i (dequant(w_q) - w)[o, i] *
      E[x_i]` (empirical bias correction, Nagel et al. 2019; borders of
      padded convolutions are treated as interior);
    * the op becomes `qc.qconv2d` / `qc.qmatmul` with an f32 result (the
      dequantized i32 accumulator), so neighbouring ops are unchanged.

    Ops without a calibrated input, ops named in `keep-float`, and ops
    carrying the unit attribute `qc.keep_float` stay float. Probes are left in place.
    Each rewritten op records its weights' SQNR (`qc.weight_sqnr_db`), how
    they were rounded (`qc.weight_rounding`: `gptq`, or round to nearest
    and why) and, with GPTQ, its output-error ratio to round to nearest
    (`qc.gptq_error_ratio`), for the compile report.

    ```mlir
    %xo = qc.observe %x {name = "x", range = array<f64: -1.0, 3.0>} : tensor<1x3x8x8xf32>
    %y = qc.conv2d %xo, %w, %b : ...
    // becomes
    %xq = qc.quantize %xo : ... -> tensor<1x3x8x8x!quant.uniform<u8:f32, 0.0157:64>>
    %y = qc.qconv2d %xq, %wq, %bq : (..., tensor<4x3x3x3x!quant.uniform<i8<-127:127>:f32:0, {...}>>, tensor<4xi32>) -> tensor<1x4x6x6xf32>
    ```
  }];
  let dependentDialects = ["::quantc::qc::QCDialect",
                           "::mlir::quant::QuantDialect"];
  let options = [
    Option<"weights", "weights", "std::string", /*default=*/"\"int8\"",
           "weight grid: int8, int4, ternary-absmean or ternary-twn">,
    Option<"group", "group", "int64_t", /*default=*/"0",
           "int4 only: k per weight scale group (a multiple of 8; 0 = one "
           "scale per output channel)">,
    Option<"gptq", "gptq", "bool", /*default=*/"false",
           "int4 groups: GPTQ instead of round to nearest where the input's "
           "probe has channel_second_moment">,
    Option<"biasCorrection", "bias-correction", "bool", /*default=*/"true",
           "correct each bias for the mean error of its rounded weights">,
    Option<"activationBits", "activation-bits", "int64_t", /*default=*/"8",
           "bits of the activation grid (4 to 8): 2^bits levels, stored in "
           "u8 with that storage range">,
    Option<"perChannelDepthwise", "per-channel-depthwise", "bool",
           /*default=*/"true",
           "quantize a depthwise convolution's input per channel when its "
           "probe has per-channel ranges">,
    ListOption<"keepFloat", "keep-float", "std::string",
               "ops to leave in float, by location name (the ONNX output "
               "tensor name)">
  ];
  let statistics = [
    Statistic<"numQuantized", "num-quantized", "ops rewritten to int8">
  ];
}

def QCInstrumentObservers : Pass<"qc-instrument-observers", "::mlir::ModuleOp"> {
  let summary = "turn qc.observe probes into calls that record statistics";
  let description = [{
    Replaces every `qc.observe` with a call to the external function
    `quantc_observe(tensor<*xf32>, i64)` that a calibration run provides
    (the tensor is only read), and lists the probe names in the module
    attribute `qc.observers`: call `i` records the tensor named
    `qc.observers[i]`. The declaration carries `llvm.emit_c_interface`, so
    the runtime receives an unranked memref descriptor.

    ```mlir
    %y = qc.observe %x {name = "conv1"} : tensor<1x4x8x8xf32>
    // becomes
    %u = tensor.cast %x : tensor<1x4x8x8xf32> to tensor<*xf32>
    %c0 = arith.constant 0 : i64
    func.call @quantc_observe(%u, %c0) : (tensor<*xf32>, i64) -> ()
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::tensor::TensorDialect"];
}

def QCInsertPrecisionSwitches
    : Pass<"qc-insert-precision-switches", "::mlir::ModuleOp"> {
  let summary = "give every quantizable layer a run-time choice of precision";
  let description = [{
    For a precision search: one compiled module then runs any mix of layer
    precisions. Every `qc.conv2d`, `qc.matmul` and `qc.gemm` with constant
    weights that reads a calibrated `qc.observe` and carries a location name (the ONNX tensor
    name, as `keep-float` takes it) becomes an `scf.index_switch` on a call
    to the external `quantc_layer_precision(i64 layer) -> i64 choice` that
    the search provides. Each region holds a copy of the layer for
    qc-quantize to rewrite: with `candidates` (precision texts, e.g.
    `float,int8,int4-g32,ternary-absmean`), copy `i` carries
    `qc.precision` of candidate `i`; without, choice 0 is a copy marked
    `qc.keep_float` and choice 1 one that qc-quantize's own options
    quantize. Choice 0 is the default region: an out-of-range choice runs
    it. The module attribute `qc.precision_switches` lists the layer names:
    switch `i` is layer `qc.precision_switches[i]`. With `time-layers`, a
    call to the external `quantc_layer_done(i64 layer)` follows each
    switch, so a search can time every layer at every choice. Run it after
    calibration and before `qc-quantize`.

    ```mlir
    %y = qc.conv2d %xo, %w, %b : ... loc("conv1")
    // becomes, with candidates=float,int4
    %c0 = arith.constant 0 : i64
    %choice = func.call @quantc_layer_precision(%c0) : (i64) -> i64
    %i = arith.index_cast %choice : i64 to index
    %y = scf.index_switch %i -> tensor<...>
    case 1 {
      %q = qc.conv2d %xo, %w, %b {qc.precision = #qc.precision<format = int4>} : ...
      scf.yield %q : tensor<...>
    }
    default {
      %f = qc.conv2d %xo, %w, %b {qc.precision = #qc.precision<format = float>} : ...
      scf.yield %f : tensor<...>
    }
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::scf::SCFDialect"];
  let options = [
    ListOption<"candidates", "candidates", "std::string",
               "the precision of each choice (float, int8, int4, int4-gG, "
               "int4-gG-gptq, ternary-absmean, ternary-twn); none: float "
               "or qc-quantize's options">,
    Option<"timeLayers", "time-layers", "bool", /*default=*/"false",
           "call quantc_layer_done(layer) after each switch">
  ];
}

def QCAssignPrecision : Pass<"qc-assign-precision", "::mlir::ModuleOp"> {
  let summary = "set each named layer's precision from a JSON assignment";
  let description = [{
    Reads `assignment`, a JSON object from layer names (the ONNX output
    tensor names the report lists) to precision texts, e.g.
    `{"conv1": "int8", "fc": "int4-g32", "head": "float"}`, or a compile
    report, whose `mixed_precision.layers` entries carry `name` and
    `chosen`, and sets `qc.precision` on each named quantizable layer;
    `qc-quantize` then quantizes each layer as it says. A name that is no
    quantizable layer, a layer named twice, or an invalid precision is an
    error that lists every such entry. Layers not named keep
    qc-quantize's options. This replays any assignment the mixed-precision
    search chose: `quant-opt --qc-assign-precision=assignment=a.json
    --qc-quantize`.
  }];
  let dependentDialects = ["::quantc::qc::QCDialect"];
  let options = [
    Option<"assignment", "assignment", "std::string", /*default=*/"",
           "JSON file: layer name -> precision">
  ];
  let statistics = [
    Statistic<"numAssigned", "num-assigned", "layers given a precision">
  ];
}

#endif // QUANTC_DIALECT_QC_TRANSFORMS_PASSES_TD
