//===- Passes.td - quantc's dialect-independent passes -----*- tablegen -*-===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_TRANSFORMS_PASSES_TD
#define QUANTC_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def CopiesToLoops : Pass<"quantc-copies-to-loops", "::mlir::func::FuncOp"> {
  let summary = "rewrite statically shaped memref.copy as linalg.copy";
  let description = [{
    A `memref.copy` between strided buffers (bufferization's copy of a
    tensor into a padded one, for instance) lowers to a call of the
    runtime's generic `memrefCopy`, which moves one element per `memcpy`:
    28% of the int8 PP-OCRv4 detector's time. As `linalg.copy` it becomes
    a loop nest after `convert-linalg-to-loops` that LLVM vectorizes, or
    recognizes as `memcpy` where both buffers are contiguous.

    ```mlir
    memref.copy %a, %b : memref<1x3x8x8xf32> to memref<1x3x8x8xf32, strided<[300, 100, 10, 1], offset: 11>>
    // becomes
    linalg.copy ins(%a : memref<1x3x8x8xf32>) outs(%b : memref<1x3x8x8xf32, strided<[300, 100, 10, 1], offset: 11>>)
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
  let statistics = [
    Statistic<"numRewritten", "num-rewritten", "copies rewritten">
  ];
}

def LinalgInnermostParallel : Pass<"quantc-linalg-innermost-parallel",
                                   "::mlir::func::FuncOp"> {
  let summary = "order linalg loops so the innermost one is parallel and unit-stride";
  let description = [{
    Rewrites every linalg op that has reduction loops into a
    `linalg.generic` whose loops run: the parallel loops but the last, then
    the reductions, then the last parallel loop. `linalg.conv_2d_nchw_fchw`
    (n, f, oh, ow, c, kh, kw) becomes (n, f, oh, c, kh, kw, ow) and
    `linalg.matmul` (m, n, k) becomes (m, k, n): the innermost loop walks
    the output's contiguous dimension, so after `convert-linalg-to-loops`
    LLVM's loop vectorizer turns it into SIMD loads, FMAs and stores
    instead of a scalar reduction over a short kernel window.

    ```mlir
    linalg.matmul ins(%a, %b : memref<8x16xf32>, memref<16x4xf32>) outs(%c : memref<8x4xf32>)
    // becomes a linalg.generic with iterator_types
    // ["parallel", "reduction", "parallel"] and maps (m, k, n).
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
  let statistics = [
    Statistic<"numInterchanged", "num-interchanged", "linalg ops reordered">
  ];
}

def VectorizeShortRows
    : Pass<"quantc-vectorize-short-rows", "::mlir::func::FuncOp"> {
  let summary = "elementwise ops on short rows as masked vectors";
  let description = [{
    An elementwise linalg op on buffers whose innermost dimension is short
    or not a multiple of the vector lanes (a 10 x 10 feature map, a row of
    20) becomes a loop nest over its outer dimensions and chunks of `lanes`
    along the innermost one, each chunk one masked vector operation.
    LLVM's loop vectorizer leaves such rows scalar: it fully unrolls a
    loop of 10 before it vectorizes, and runs the last `n % 16` elements
    of longer rows one by one, a division per element where the body
    quantizes. The results are the same: every lane computes the scalar
    body's operations.

    Taken when every dimension is parallel, shapes are static, every
    operand either is contiguous along the innermost dimension or does not
    depend on it (a per-channel constant), and the body vectorizes. Upstream's
    vectorizer writes the chunks of ops whose operands are read through
    projected permutations; the pass writes those of other affine maps
    itself (a direct convolution's packing reads channel `4 c + j` of its
    storage for byte j of a word), with the same loops, masks and lane-wise
    body. Rows
    shorter than `lanes` take the power of two that holds them (a row of 8
    is one unmasked chunk of 8). Left to LLVM: rows whose length is a
    multiple of `lanes` or at least `max-row`, and rows of 4 or fewer (an
    interleave's rows of 2 would leave most lanes idle). Only for targets
    with masked loads and stores (AVX-512): `lanes` 0 turns the pass off.

    ```mlir
    linalg.generic ... ins(%a : memref<384x10x10xf32>) outs(%b : memref<384x10x10xi8>)
    // becomes
    scf.for %c ... { scf.for %y ... {     // quantc.parallel
      %v = vector.transfer_read %a[%c, %y, %c0], %pad, %mask  // 10 of 16 lanes
      ... vector<16xf32> ...
      vector.transfer_write %q, %b[%c, %y, %c0], %mask
    } }
    ```
  }];
  let options = [
    Option<"lanes", "lanes", "int64_t", /*default=*/"16",
           "vector lanes of a chunk (0: off)">,
    Option<"maxRow", "max-row", "int64_t", /*default=*/"128",
           "rows at least this long are left to LLVM's vectorizer">
  ];
  let dependentDialects = ["::mlir::affine::AffineDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::vector::VectorDialect"];
  let statistics = [
    Statistic<"numVectorized", "num-vectorized",
              "elementwise ops vectorized in masked chunks">
  ];
}

def VectorizeRowReductions
    : Pass<"quantc-vectorize-row-reductions", "::mlir::func::FuncOp"> {
  let summary = "reductions along contiguous rows in vector registers";
  let description = [{
    A linalg op on buffers with one reduction loop, whose inputs are each
    contiguous along it or independent of it, and whose body combines a
    lane-wise value of the inputs with the output element (add, mul,
    max, min: softmax's max and sum, layer normalization's mean and
    variance, ReduceSum over the last axis, a float GEMV row) becomes a
    loop nest over its parallel dimensions (marked `quantc.parallel`)
    around the row: up to four vectors of `lanes` partial results carried
    through the row's chunks, the last chunk masked (its idle lanes hold
    the combine's identity), then the vectors combined and folded in
    halves across the lanes (16 -> 8 -> ... -> 1), and the combine with
    the output element.

    LLVM leaves such a row a scalar loop: it does not reassociate a float
    sum, so each step waits on the last (a row of 128, 128 dependent
    additions). Float sums and products round differently than in order,
    as every vectorized reduction does; integer and max/min results are
    the same. The order is the IR's own (no reassociating
    vector.reduction, whose tree each backend picks), so every target
    with the same `lanes` rounds alike: the pipeline uses 16 everywhere,
    and an AArch64 object's sums equal the x86 one's.

    ```mlir
    linalg.generic {iterator_types = ["parallel", "reduction"]}
        ins(%x : memref<512x128xf32>) outs(%sum : memref<512xf32>) {
      ^bb0(%in: f32, %acc: f32):
        %0 = arith.addf %in, %acc : f32
        linalg.yield %0 : f32 }
    // becomes
    scf.for %i = %c0 to %c512 step %c1 {
      %p:4 = scf.for %k = %c0 to %c128 step %c64 iter_args(...) { 4 x (
        vector.transfer_read %x[%i, ...] ; arith.addf : vector<16xf32>) }
      ... arith.addf : vector<8xf32> ... vector<1xf32>; vector.extract
      memref.store ... %sum[%i]
    } {quantc.parallel}
    ```
  }];
  let options = [
    Option<"lanes", "lanes", "int64_t", /*default=*/"16",
           "vector lanes of a chunk, a power of two; rows shorter than this "
           "are left alone (0: off)">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::vector::VectorDialect"];
  let statistics = [
    Statistic<"numVectorized", "num-vectorized",
              "row reductions written as vector code">
  ];
}

def LinalgToLoops : Pass<"quantc-linalg-to-loops", "::mlir::func::FuncOp"> {
  let summary = "convert-linalg-to-loops, marking the loops of parallel dimensions";
  let description = [{
    Lowers every linalg op on buffers to an `scf.for` nest, one loop per
    dimension in the op's order, as `convert-linalg-to-loops` does. The
    loop of each parallel dimension is marked `quantc.parallel`: its
    iterations write disjoint parts of the op's outputs, so
    `quantc-parallelize-loops` may run them on several threads.
    `quantc-tile-and-vectorize` marks the tile loops of parallel dimensions
    the same way, and the GEMM kernels their row and panel loops.

    ```mlir
    linalg.generic {iterator_types = ["parallel", "reduction"]} ...
    // becomes
    scf.for %i = %c0 to %c8 step %c1 {
      scf.for %k = %c0 to %c16 step %c1 { ... }
    } {quantc.parallel}
    ```
  }];
  let dependentDialects = ["::mlir::affine::AffineDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::memref::MemRefDialect"];
  let statistics = [
    Statistic<"numLowered", "num-lowered", "linalg ops lowered to loops">
  ];
}

def ParallelizeLoops : Pass<"quantc-parallelize-loops", "::mlir::ModuleOp"> {
  let summary = "run the outermost balanced quantc.parallel loop of each nest on a team of threads, forking once per nest";
  let description = [{
    Walks each loop nest from the outside in and makes one
    `quantc.parallel` loop (see `quantc-linalg-to-loops`) an
    `scf.parallel`, which `convert-scf-to-openmp` runs on a team of
    threads. The candidates are the outer loop and the marked loops
    perfectly nested in it (only pure ops beside each); the pass takes the
    outermost whose iterations spread evenly over `threads` threads (at
    least 90% busy).

    When the iterations of that loop and the loop inside it, numbered
    together, spread more evenly, the pair is split: each thread takes a
    contiguous run of the numbered iterations, which may start or end
    part-way through an outer iteration. PP-OCRv4 rec's 240-channel
    pointwise convolutions have 15 column tiles: alone, 8 and 7 on 2
    threads; with their 40 channel rows, 300 and 300 (thread waits at
    those nests, per call: 21-33 us -> 3-5 us). A pair also serves when
    no loop alone spreads evenly (3 rows of 5 tiles: 8 and 7).

    A chosen loop below the outer one is split into `threads` contiguous
    chunks at the top of the nest, so the team still forks once per nest
    (a fork costs a few microseconds) and each thread runs the nest's
    loops in their serial order over its chunk: a matmul with 5 column
    tiles on 2 threads is split by its output channels, not forked 5
    times. When no loop of the perfect nest is balanced, the choice passes
    to the marked loops directly inside the outer one (a fork per outer
    iteration), and stays with the outer one when none takes it. It
    also stays with the outer one when several loops inside would take
    it and every thread gets an outer iteration: a ViT's 3 attention
    heads, each a 197 x 197 matmul peeled into main and edge tiles with
    copies, forked 8 times a head and ran slower on 2 threads than on 1;
    split by heads (2 and 1), the int8 model went from 2.65-2.82 to
    2.35-2.59 ms and the float one from 3.89-4.03 to 3.39-3.51 (Zen 5,
    2 threads, A/B medians of 50). Objects of models without such nests
    (PP-OCRv4, ResNet-18, MobileNetV2, the BERT-like encoder) are
    unchanged.

    Loops inside the chosen one stay serial, so the innermost loops LLVM
    vectorizes are unchanged, and every thread computes exactly what the
    serial code computes: results are bit-identical for any number of
    threads. A module whose nests add up to less than `model-min-work`
    element operations (2^27, about a millisecond of vector code) stays
    serial altogether: a nest split over two cores leaves half its output
    in the other core's cache, and the nests that read it next pay for
    that. What pays off is long runs of parallel nests. On a 2-core Zen 5
    VM whose cores sit on different chiplets (objects, A/B medians of 100
    and 300), PP-OCR cls (46M element operations) ran 0.45 ms serial and
    0.54 with its nests of 2^20 and up in parallel; with one team for all
    its nests (quantc-merge-parallel-regions) it still ran 0.67 against
    0.47. In larger models nests below `min-work` (2^11, under a
    microsecond of vector code) stay serial. quantc-merge-parallel-regions
    makes a nest cost a barrier (about 1 us), or nothing when the next
    nest is independent of it; when each nest forked a team of its own
    (2 us and more), nests had to be of 2^17 and up to pay, and that is
    still the threshold under `--profile`, whose timers keep each nest in
    a region of its own. With merged regions and barriers dropped between
    independent nests, PP-OCRv4 det (1.3G) at 2 threads went from 6.19 to
    5.95 ms with 2^11 instead of 2^17, rec (1.0G) from 4.78 to 4.67 (A/B
    medians of 150 in a slow quarter hour). The work of a nest is
    estimated from its
    static trip counts (16 for a dynamic one) and the vector widths of
    its ops.

    ```mlir
    scf.for %j = %c0 to %c320 step %c64 {      // 5 column tiles
      scf.for %i = %c0 to %c240 step %c6 {     // output channels
        ...
      } {quantc.parallel}
    } {quantc.parallel}
    // becomes, for 2 threads
    scf.parallel (%t) = (%c0) to (%c2) step (%c1) {
      %first = ... %t * 120, %end = min(%first + 120, 240)
      scf.for %j = %c0 to %c320 step %c64 {
        scf.for %i = %first to %end step %c6 { ... } {quantc.parallel}
      } {quantc.parallel}
    }
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::scf::SCFDialect"];
  let options = [
    Option<"minWork", "min-work", "int64_t", /*default=*/"2048",
           "element operations a nest needs to be run in parallel">,
    Option<"modelMinWork", "model-min-work", "int64_t",
           /*default=*/"134217728",
           "element operations all nests of the module need together for "
           "any of them to run in parallel">,
    Option<"threads", "threads", "int64_t", /*default=*/"2",
           "the team size the iterations are balanced for (0: unknown, "
           "taken as 8)">
  ];
  let statistics = [
    Statistic<"numParallelized", "num-parallelized", "loops run in parallel">,
    Statistic<"numSplitAtTop", "num-split-at-top",
              "inner loops split into chunks at the top of their nest">,
    Statistic<"numSplitPairs", "num-split-pairs",
              "pairs of loops whose iterations, numbered together, are "
              "split into chunks at the top of their nest">,
    Statistic<"numSerialModules", "num-serial-modules",
              "modules left serial: too little work for a team">
  ];
}

def MergeParallelRegions : Pass<"quantc-merge-parallel-regions",
                                 "::mlir::ModuleOp"> {
  let summary = "fork one OpenMP team for a run of calls to parallel loop nests, not one per nest";
  let description = [{
    After `convert-scf-to-openmp`, each outlined nest that runs in
    parallel forks a team of its own: an `omp.parallel` around its
    `omp.wsloop`. A fork and join costs a few microseconds (6 us between
    the two chiplets of a Zen 5 VM), and PP-OCRv4 det calls 177 such nests
    per run. This pass wraps each run of consecutive calls to such nests
    in one `omp.parallel` in the caller, and the nests' worksharing loops
    become orphaned ones that share their iterations among the caller's
    team. Between the calls:

    - allocations and pure ops (views, constants) move before the region,
      and deallocations after it, so that every thread sees the same
      buffers;
    - other serial code (a small nest left serial, a call to a function
      without OpenMP ops) runs in an `omp.single`.

    Worksharing loops and `omp.single` end in a barrier, so each nest
    starts after the previous one has written all of its output, as
    before, at the price of a barrier (about 1 us) instead of a fork and
    a join. Where the next nest touches no buffer element that the nests
    since the last barrier touch (every memref a call takes counts as
    read and written; views of one buffer are told apart by their static
    subview boxes), the barrier goes too (`nowait`): the four pad borders
    of a convolution's input and the producer of its interior run back
    to back, each thread on its share. A run ends before an op that cannot join it (a return, a call
    to a declaration such as the profile's timers, a nest that forks
    inside a serial loop) and before serial code whose values are used
    outside its `omp.single`. A nest is merged only when its body is its
    parallel regions and pure ops and every call of it is in the entry
    block of a function, where this pass puts it into a region.

    ```mlir
    call @nest0(%a, %b)      // omp.parallel { omp.wsloop {...} }
    %c = memref.alloc()
    call @nest1(%b, %c)      // omp.parallel { omp.wsloop {...} }
    // becomes
    %c = memref.alloc()
    omp.parallel {
      call @nest0(%a, %b)    // omp.wsloop {...}
      call @nest1(%b, %c)    // omp.wsloop {...}
      omp.terminator
    }
    ```
  }];
  let dependentDialects = ["::mlir::omp::OpenMPDialect"];
  let statistics = [
    Statistic<"numRegions", "num-regions", "parallel regions made">,
    Statistic<"numCallsMerged", "num-calls-merged",
              "calls of parallel nests put into them">,
    Statistic<"numBarriersDropped", "num-barriers-dropped",
              "worksharing loops made nowait: the next nest is independent">
  ];
}

def FuseSharedProducers : Pass<"quantc-fuse-shared-producers",
                                "::mlir::func::FuncOp"> {
  let summary = "fuse an elementwise op that other ops read too into an elementwise reader of the same iteration space, which then also yields its value";
  let description = [{
    Upstream's elementwise fusion fuses a producer into its reader only
    when that reader is its only one. A residual block's
    `relu(x + conv(x))` has two: the quantize before the next
    convolution, and the next block's sum (or a max pool). This pass
    fuses such a producer into an all-parallel reader that reads each of
    its elements once (a permutation map), with upstream's
    `fuseElementwiseOps`: the fused op also yields the producer's value,
    and the other readers read that. The value is written and its
    quantized copy too in one pass, instead of a pass that writes the
    value and one that reads it back.

    The reader moves up to just after the producer, with the
    side-effect-free ops its other operands come from (a `tensor.empty`,
    a slice of one), so that the fused op precedes every other reader. A
    reader whose other operands are computed after the producer (the
    next block's sum, which also reads the next convolution) stays where
    it is, unfused.

    A producer read several times by one all-parallel reader, and by
    nothing else, is fused into it too when the reads take each element
    exactly once: one copy of its body per read, no element computed
    twice. The channel-quad packing before an int8 pointwise convolution
    reads the quantize before it four times (channel 4 c + j for byte
    j); fused, it writes the words straight from the i32 sums of the
    depthwise convolution before. MediaPipe BlazeFace (back, 256 x 256)
    int8, one thread (Zen 4, A/B medians of 100): 8.74 ms -> 7.34 with
    the residual fusion, -> 6.52 with the packing's; outputs
    byte-identical.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
  let statistics = [
    Statistic<"numFused", "num-fused",
              "producers fused into one of their several readers, or "
              "into the one reader that reads them several times">
  ];
}

def FusePadsIntoProducers : Pass<"quantc-fuse-pads-into-producers",
                                  "::mlir::func::FuncOp"> {
  let summary = "write an all-parallel linalg op straight into the interior of the tensor.pad that pads its result";
  let description = [{
    A convolution pads its input: `tensor.pad` of the quantize (or
    activation) before it, which bufferizes to a padded buffer filled with
    the pad value and a copy of the whole interior. With upstream's
    `populateFuseTensorPadWithProducerLinalgOpPatterns` the producer writes
    its result into the interior of the filled buffer instead, saving one
    pass over the activation (a quarter of the glue around an int8
    depthwise convolution, whose input is i32).

    The producer overwrites the interior without reading it, so the fill
    is then cut to the border: one slab before and one after the interior
    along each padded dimension (for a 162 x 162 plane, 644 of its 26244
    elements), written after the interior. A border column is one element
    a row, each in a cache line of its own, which the producer has just
    written: filled first, every element missed the cache (a 48 x 80
    column took 88 us); filled after, PP-OCRv4 det and rec int8 run 3.5-4%
    faster on one thread (Zen 5, A/B medians of 150), byte-identical. A
    producer that reads its output keeps the whole fill, before it. The
    tile loops of quantc-tile-and-vectorize's panel epilogues, marked
    `quantc.overwrites_init`, count as producers that do not read theirs.

    A producer whose result other linalg ops read too (a residual block's
    `relu(x + conv(x))`: the next depthwise convolution pads it, the next
    sum adds it) would be computed twice, by the clone into the padded
    buffer and for the others. They read the padded tensor's interior
    instead, as a slice of the padded tensor once its border is written
    (the greedy rewrite does not fold, so the slice is not folded back to
    the producer's value, whose buffer the border fills write after it:
    bufferization would copy it out of place). MediaPipe BlazeFace (back,
    256 x 256) float, one thread: 12.10 -> 9.00 ms (Zen 4, A/B medians of
    60), outputs byte-identical.

    ```mlir
    %q = linalg.generic {all parallel} ins(%x) outs(%e) ...
    %p = tensor.pad %q low[0, 0, 1, 1] high[0, 0, 1, 1] { yield %zero }
    // becomes
    %s = tensor.extract_slice %padded_empty[0, 0, 1, 1] ...
    %q = linalg.generic {all parallel} ins(%x) outs(%s) ...
    %i = tensor.insert_slice %q into %padded_empty[0, 0, 1, 1] ...
    %top = linalg.fill ins(%zero) outs(extract_slice %i[rows 0])
    %p = ... insert_slice %top into %i, then the rows below and the
         columns left and right likewise ...
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

def TileAndVectorize : Pass<"quantc-tile-and-vectorize",
                            "::mlir::func::FuncOp"> {
  let summary = "tile linalg matmuls, convolutions and transposes and vectorize the tiles";
  let description = [{
    On tensors, before bufferization. f32 `linalg.matmul` and
    `linalg.conv_2d_nchw_fchw` with a width stride of 1 or 2 become
    broadcast panels: tiles of R rows (matmul rows, filters) by L columns
    (matmul columns, one output row's pixels) whose R x ceil(L / 16)
    16-lane accumulators run through one `scf.for` over K (the input
    channels, every kernel tap inside), each step loading X's row once
    and multiplying it by W's broadcast scalars (`vector.fma`). Integer
    `linalg.matmul` is tiled to at most 8 x 32 x 16 (M x N x K) and each
    tile vectorized into a `vector.contract`; convolutions with other
    strides to one output row and at most 8 filters x 16 columns x 8
    channels with one kernel row, decomposed into
    `linalg.conv_1d_ncw_fcw` and vectorized. Depthwise convolutions with
    unit width stride become row products of 16-lane registers (a float
    one's bias and activation applied to the registers where its tiles
    hold whole rows), and
    transposes that move the innermost dimension 16 x 16 register blocks.
    Tiles are static (divisors of the extents, or a whole row with its
    last register masked). A product whose columns no tile takes (196
    pixels of a 14 x 14 image; 1000 classes) is first split into blocks
    that panels take, each the op's own tiled implementation, as is a
    transpose at the last multiple of 16 of each moving dimension. An f32
    convolution whose output rows are at most 12 pixels wide (a 7 x 7
    image fills 7 of 16 lanes) becomes a copy into its patch matrix
    [C KH KW, OH OW] and a matmul with every output pixel in the lanes.
    A unit-stride f32 convolution whose rows leave lanes empty takes
    panels of whole output rows where they fill more lanes and at most
    one register holds the end of one row and the start of the next (56
    pixels: two rows in seven registers); that register's inputs are the
    16 that end its first row's part and the 16 that start the next,
    shifted together. A float convolution's elementwise consumers (bias, activation,
    residual sum, fused into one generic) are tiled with its panels and
    run on the accumulators in registers; the panels store their result,
    into the next convolution's padded buffer when that is its only
    reader (the loop marked `quantc.overwrites_init`). So do those of a
    pointwise convolution's matmul [F, H W], read through its expansion
    to [1, F, H, W], where tiles of whole image rows use its lanes as
    well as its own panels would; a register that crosses a row is read
    and stored in one run per row. Pointwise int8
    convolutions with few input channels walk their panels filters
    outermost (their stores bound them). Ops that do not tile or
    vectorize are left for the loop lowering.

    ```mlir
    %c = linalg.matmul ins(%a, %b : tensor<64x128xf32>, tensor<128x256xf32>) outs(%init : tensor<64x256xf32>) -> tensor<64x256xf32>
    // becomes scf.for nests over 4 x 64 tiles: 16 vector<16xf32>
    // accumulators through scf.for %k (4 row loads of B, 4 broadcast
    // scalars of A, 16 vector.fma a step).
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::vector::VectorDialect"];
  let statistics = [
    Statistic<"numVectorized", "num-vectorized", "tiles vectorized">
  ];
}

def ProfileCalls : Pass<"quantc-profile-calls", "::mlir::ModuleOp"> {
  let summary = "time every loop nest and kernel call of @main";
  let description = [{
    Runs after `quantc-outline-loop-nests`, when @main is a sequence of
    calls: one per loop nest (roughly one per layer) and one per GEMM
    kernel call. Each call `i` is bracketed by
    `quantc_profile_enter(i)` and `quantc_profile_exit(i)` (host
    functions the JIT provides), and the module's `quantc.profile_sites`
    names site `i`: the call's location name (the ONNX node, for imported
    models) and its callee, `"<name>|<callee>"`. `quantc run --profile`
    adds it and prints where the time went.
  }];
  let dependentDialects = ["::mlir::func::FuncDialect"];
}

def OutlineLoopNests : Pass<"quantc-outline-loop-nests",
                            "::mlir::ModuleOp"> {
  let summary = "move each outermost loop nest of a function into its own function";
  let description = [{
    After bufferization a whole model is one function holding thousands
    of loop nests, and some LLVM loop passes (IndVarSimplify above all) are
    quadratic in the loops of a function: the PP-OCRv4 recognizer spent
    54 of 63 seconds of `-O3` there. This pass moves every outermost
    `scf.for` of a function (one per layer, roughly; also those inside an
    `scf.if`, such as a precision switch's branches) into a private
    function `<function>_nest<N>` that the function calls. The memrefs and
    values the nest reads become arguments; constants and
    `memref.get_global`s are cloned in instead, so loop bounds stay
    static. The callees carry `passthrough = ["noinline"]` so LLVM keeps
    them apart. Nests that yield results stay in place.

    ```mlir
    func.func @main(%a: memref<8xf32>) {
      %c0 = arith.constant 0 : index
      ...
      scf.for %i = %c0 to %c8 step %c1 { ... %a ... }
    }
    // becomes
    func.func private @main_nest0(%a: memref<8xf32>) attributes {passthrough = ["noinline"]} {
      %c0 = arith.constant 0 : index
      ...
      scf.for %i = %c0 to %c8 step %c1 { ... }
      return
    }
    func.func @main(%a: memref<8xf32>) {
      call @main_nest0(%a) : (memref<8xf32>) -> ()
    }
    ```
  }];
  let dependentDialects = ["::mlir::func::FuncDialect"];
  let statistics = [
    Statistic<"numOutlined", "num-outlined", "loop nests outlined">
  ];
}

def MapLoopsToGpu : Pass<"quantc-map-loops-to-gpu", "::mlir::func::FuncOp"> {
  let summary = "map every loop nest that touches buffers onto a GPU grid";
  let description = [{
    Prepares a bufferized function whose linalg ops became `scf.parallel`
    nests (`convert-linalg-to-parallel-loops`) for
    `convert-parallel-loops-to-gpu`. First, code that reads or writes
    buffers outside any `scf.parallel` (an `scf.for` reduction over every
    dimension, a store whose one-iteration loop was folded) is wrapped in a
    one-iteration `scf.parallel`, so that it runs on the device too. Then
    every outermost `scf.parallel` is flattened: its iterations, in
    row-major order, are spread over `ceil(total / block-size)` blocks of
    `min(block-size, total)` threads (`block_x`, `thread_x`); each thread
    recovers its indices from `block * block-size + thread` and threads past
    the end skip the body. The innermost index varies fastest, so
    neighbouring threads touch neighbouring elements. Loops need constant
    bounds; a value computed from buffer contents and used outside device
    code is an error.

    ```mlir
    scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c100) step (%c1, %c1) { ... }
    // becomes
    scf.parallel (%b, %t) = (%c0, %c0) to (%c2, %c256) step (%c1, %c1) {
      %l = %b * 256 + %t
      scf.if (%l < 400) { %i = %l / 100, %j = %l mod 100 ... }
    } {mapping = [#gpu.loop_dim_map<processor = block_x, ...>,
                  #gpu.loop_dim_map<processor = thread_x, ...>]}
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::gpu::GPUDialect",
                           "::mlir::scf::SCFDialect"];
  let options = [
    Option<"blockSize", "block-size", "int64_t", /*default=*/"256",
           "threads per block (fewer for a loop with fewer iterations)">
  ];
  let statistics = [
    Statistic<"numMapped", "num-mapped", "loops mapped onto grids">
  ];
}

def GpuDeviceMemory : Pass<"quantc-gpu-device-memory", "::mlir::func::FuncOp"> {
  let summary = "keep a function's buffers in GPU memory around its gpu.launch ops";
  let description = [{
    After `convert-parallel-loops-to-gpu`, every read or write of buffer
    contents is inside a `gpu.launch`; the host only allocates, frees and
    takes views. This pass moves the buffers to the device:

    - constants, `memref.get_global`s and views of them are sunk into the
      launches that use them, so that weights become globals of the kernel
      module instead of host addresses;
    - `memref.alloc` / `memref.dealloc` become `gpu.alloc` / `gpu.dealloc`;
    - each memref argument is copied to a device buffer on entry (freed
      before returning);
    - each result is copied into a fresh host buffer that the caller owns,
      and its device buffer is freed.

    ```mlir
    func.func @f(%x: memref<4xf32>) -> memref<4xf32> {
      %y = memref.alloc() : memref<4xf32>
      gpu.launch ... { ... %x ... %y ... }
      return %y : memref<4xf32>
    }
    // becomes
    func.func @f(%x: memref<4xf32>) -> memref<4xf32> {
      %dx = gpu.alloc () : memref<4xf32>
      gpu.memcpy %dx, %x : memref<4xf32>, memref<4xf32>
      %y = gpu.alloc () : memref<4xf32>
      gpu.launch ... { ... %dx ... %y ... }
      %hy = memref.alloc() : memref<4xf32>
      gpu.memcpy %hy, %y : memref<4xf32>, memref<4xf32>
      gpu.dealloc %y : memref<4xf32>
      gpu.dealloc %dx : memref<4xf32>
      return %hy : memref<4xf32>
    }
    ```
  }];
  let dependentDialects = ["::mlir::gpu::GPUDialect",
                           "::mlir::memref::MemRefDialect"];
  let statistics = [
    Statistic<"numDeviceBuffers", "num-device-buffers",
              "buffers moved to device memory">
  ];
}

def MergeGpuModules : Pass<"quantc-merge-gpu-modules", "::mlir::ModuleOp"> {
  let summary = "gather outlined kernels into one gpu.module with an NVVM target";
  let description = [{
    `gpu-kernel-outlining` gives every kernel a `gpu.module` of its own,
    with a copy of each global it reads. This pass moves every kernel into
    one `gpu.module @<module-name>` (kernels renamed after their former
    module, so names stay unique; globals kept once), retargets the
    `gpu.launch_func` ops, and attaches `#nvvm.target<chip, features>`: one
    PTX file per model.

    ```mlir
    gpu.module @main_kernel { gpu.func @main_kernel(...) kernel { ... } }
    gpu.module @main_kernel_0 { gpu.func @main_kernel(...) kernel { ... } }
    // becomes
    gpu.module @kernels [#nvvm.target<chip = "sm_90">] {
      gpu.func @main_kernel(...) kernel { ... }
      gpu.func @main_kernel_0(...) kernel { ... }
    }
    ```
  }];
  let dependentDialects = ["::mlir::gpu::GPUDialect",
                           "::mlir::NVVM::NVVMDialect"];
  let options = [
    Option<"moduleName", "module-name", "std::string", /*default=*/"\"kernels\"",
           "name of the merged gpu.module">,
    Option<"chip", "chip", "std::string", /*default=*/"\"sm_90\"",
           "NVIDIA GPU architecture (sm_80, sm_90, ...)">,
    Option<"features", "features", "std::string", /*default=*/"\"+ptx78\"",
           "PTX ISA version (+ptx78)">
  ];
}

def EmulateGpuLaunches : Pass<"quantc-emulate-gpu-launches",
                              "::mlir::func::FuncOp"> {
  let summary = "run gpu.launch bodies as host loops over blocks and threads";
  let description = [{
    For testing the GPU lowering without a GPU: each `gpu.launch` whose
    body uses no barrier or shared memory becomes `scf.for` loops over the
    grid and block dimensions (z, y, x), with block and thread ids, grid and
    block sizes replaced by the loop variables and launch operands. The
    kernels' code then runs on the host, one thread after the other.

    ```mlir
    gpu.launch blocks(%bx, %by, %bz) in (%gx = %c2, ...) threads(%tx, ...) in (%sx = %c256, ...) {
      ... %bx ... %tx ...
      gpu.terminator
    }
    // becomes
    scf.for %bz = ... { scf.for %by = ... { scf.for %bx = %c0 to %c2 step %c1 {
      scf.for %tz = ... { scf.for %ty = ... { scf.for %tx = %c0 to %c256 step %c1 {
        ... %bx ... %tx ...
    }}}}}}
    ```
  }];
  let dependentDialects = ["::mlir::scf::SCFDialect"];
}

def ApproximateMath : Pass<"quantc-approximate-math", "::mlir::func::FuncOp"> {
  let summary = "expand transcendental math ops into polynomial arithmetic";
  let description = [{
    Rewrites `math.exp`, `math.tanh`, `math.erf`, `math.log` and the other
    ops MLIR has f32 approximations for into `arith` polynomials (upstream
    `populateMathPolynomialApproximationPatterns`), and `math.powf` and
    friends into those. GPU kernels then need no libdevice: the PTX stands
    alone, and the host emulation of the kernels computes exactly what
    they compute. On the CPU the polynomials vectorize where a libm call
    per element does not (softmax, swish, GELU).

    MLIR has no polynomials for sinh, cosh, tan, asinh, acosh and atanh.
    With `expand-others` (the GPU pipeline) they become their textbook
    formulas in exp, log, sqrt, sin and cos first; the CPU keeps libm's,
    which do not lose sinh's and tan's small arguments to cancellation.

    ```mlir
    %y = math.exp %x : f32
    // becomes a range reduction, a polynomial and an exponent insertion
    // in arith ops.
    ```
  }];
  let options = [
    Option<"expandOthers", "expand-others", "bool", /*default=*/"false",
           "also expand sinh, cosh, tan, asinh, acosh, atanh into exp, "
           "log, sqrt, sin and cos (no libm on the GPU)">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::vector::VectorDialect"];
}

def MathToNVVMIntrinsics : Pass<"quantc-math-to-nvvm-intrinsics"> {
  let summary = "lower exact math ops to LLVM intrinsic calls instead of libdevice";
  let description = [{
    `convert-gpu-to-nvvm` turns `math.sqrt`, `math.floor`, `math.ceil`,
    `math.fma`, `math.roundeven`, `math.round`, `math.trunc` and
    `math.absf` (and the LLVM dialect's ops for them, which it marks
    illegal) into calls of libdevice's `__nv_sqrtf` and friends, which stay
    unresolved in the PTX unless the CUDA toolkit's libdevice is linked at
    compile time. Each is a single correctly rounded PTX instruction that
    the NVPTX backend selects for the LLVM intrinsic, so this pass, run on
    the kernels before `convert-gpu-to-nvvm`, calls the intrinsic by name
    (`llvm.call_intrinsic "llvm.sqrt.f32"`) for f32 and f64 scalars.
    Results equal the host's libm bit for bit.

    ```mlir
    %r = math.sqrt %x : f32
    // becomes
    %r = llvm.call_intrinsic "llvm.sqrt.f32"(%x) : (f32) -> f32
    ```
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def PromoteAccumulators : Pass<"quantc-promote-accumulators",
                               "::mlir::func::FuncOp"> {
  let summary = "carry a loop's read-modify-write buffer element in a register";
  let description = [{
    A reduction lowered from linalg loads and stores its output element on
    every iteration (`load C[i]`, add, `store C[i]`); in a GPU kernel that
    is a global-memory round trip per multiply-add. For each `scf.for`,
    innermost first, an element stored at loop-invariant indices whose
    every access in the loop is a load or store of that element directly in
    the loop body becomes an iter_arg: loaded once before the loop, stored
    once after it. It is done only when every other buffer the loop reads
    or writes has a different known root (allocation, global or function
    argument), so no other access can reach the element; a loop with an
    access the pass cannot place is left alone.

    ```mlir
    scf.for %k = %c0 to %c64 step %c1 {
      %a = memref.load %A[%i, %k] : memref<8x64xf32>
      %c = memref.load %C[%i] : memref<8xf32>
      %s = arith.addf %c, %a : f32
      memref.store %s, %C[%i] : memref<8xf32>
    }
    // becomes
    %c0v = memref.load %C[%i] : memref<8xf32>
    %r = scf.for %k = %c0 to %c64 step %c1 iter_args(%c = %c0v) -> (f32) {
      %a = memref.load %A[%i, %k] : memref<8x64xf32>
      %s = arith.addf %c, %a : f32
      scf.yield %s : f32
    }
    memref.store %r, %C[%i] : memref<8xf32>
    ```
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect"];
  let statistics = [
    Statistic<"numPromoted", "num-promoted", "buffer elements carried in loops">
  ];
}

#endif // QUANTC_TRANSFORMS_PASSES_TD
