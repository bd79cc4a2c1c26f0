//===- LowBitGemm.cpp - low-bit GEMM kernels built in MLIR ----------------===//
//
// Part of quantc. The kernel is vector-dialect code around one
// dot-product instruction (AVX-512: the vpdpbusd LLVM intrinsic, as
// x86vector has no u8 x s8 dot product op; AArch64: arm_neon.intr.sdot):
//
//   for g in [0, N / 64) step G:          G panels of B, at most 512 KiB
//                                          (GemmBlocking's panel group)
//   for m0 in [0, M) step R:              R = 4 on x86 (8 for panels of 32
//                                          columns or fewer), then the rows
//                                          left over in blocks of 4 and 1
//     for p in [g, g + G):                one packed panel
//      for v0 in [0, 4) step V:           V = 4 x vector<16xi32> (x86; 2
//                                          with GemmBlocking's 32-column,
//                                          8-row blocks) or 16 x
//                                          vector<4xi32> (AArch64)
//       acc[R][V] = 0
//       for t in [0, K / kb):              kb = 4, 8 or 16 k per block
//         x[j] = B[p, t, (v0 + j)-th vector]        (V vectors of bytes)
//         w[j][q] = bit field q of x[j], as s8        (1, 2 or 4 fields)
//         a[r][q] = broadcast(A[m0 + r, kb t + 4 q .. + 3] as i32)
//         acc[r][j] = vpdpbusd(acc[r][j], a[r][q], w[j][q])
//       C[m0 + r, 64 p + 16 (v0 + j) ..] = acc[r][j]
//
// Int4 codes are sign-extended in registers; the t loop is split by scale
// group, each group's exact i32 sums folded into f32 accumulators with one
// fma. Ternary codes are stored as w + 1 (0, 1, 2) and only masked; the
// row's sum of A, subtracted at the end, takes the 1 back out.
//
// One-row blocks (GEMV) have only V accumulators: the t loop then rotates
// through up to 4 sets of them (accumulatorSets), and ternary GEMVs mask
// two of their four fields in place, at 4x, into accumulators of their own
// (scaledFields): one shift per weight vector instead of three.
//
// The panel groups keep the B panels a row block walks in the core's L2
// cache while every row block of A passes by: without them each row block
// streamed all of B (16 MiB for 4096 x 4096 int8) from L3 or memory, which
// Zen 4's L3 absorbed (90% of the vpdpbusd peak) and an Intel Xeon's did
// not (24%). Ternary row sums are computed once, before the groups.
//
// sdot multiplies signed bytes: AArch64 kernels feed a - 128 (a xor 0x80)
// and add 128 x the column sums of the weights, which one more sdot per
// weight vector (against ones) accumulates alongside.
//
//===----------------------------------------------------------------------===//

#include "quantc/Kernels/LowBitGemm.h"
#include "quantc/Support/ParallelLoops.h"

#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVMPass.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ArmNeon/ArmNeonDialect.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

#include <algorithm>

using namespace mlir;
using quantc::KernelIsa;
using quantc::WeightFormat;

namespace {

int64_t bitsPerCode(WeightFormat format) {
  switch (format) {
  case WeightFormat::Int8:
    return 8;
  case WeightFormat::Int4:
    return 4;
  case WeightFormat::Ternary:
    return 2;
  }
  llvm_unreachable("unknown weight format");
}

/// A register block: `rows` rows of A x `vectors` accumulator vectors of
/// a panel's columns.
struct RowBlock {
  int64_t rows, vectors;
};

/// The register blocks over M, largest first: on AVX-512 enough rows for
/// 16 accumulators (4 rows of 64 columns, 8 of 32; 8 rows of a 48-column
/// panel would be 24), the rows left over (M not a multiple of the block)
/// in smaller blocks down to one row of the whole panel. A single size put
/// the whole product on one-row blocks whenever M % 4 != 0: M = 513 ran
/// the int8 GEMM at 44% of the peak.
SmallVector<RowBlock> rowBlocks(const quantc::GemmShape &shape, KernelIsa isa,
                                const quantc::GemmBlocking &blocking,
                                int64_t lanes) {
  int64_t panelVectors = shape.panelColumns / lanes;
  if (isa != KernelIsa::Avx512Vnni)
    return {{1, panelVectors}};
  if (shape.panelColumns <= 32)
    return {{8, panelVectors}, {4, panelVectors}, {1, panelVectors}};
  if (shape.panelColumns == 64 && blocking.blockColumns == 32)
    return {{8, 2}, {4, panelVectors}, {1, panelVectors}};
  return {{4, panelVectors}, {1, panelVectors}};
}

/// Emits one kernel; see the file comment for its loops.
class KernelBuilder {
public:
  KernelBuilder(ModuleOp module, const quantc::GemmShape &shape, KernelIsa isa,
                const quantc::GemmBlocking &blocking)
      : b(module.getContext()), loc(module.getLoc()), shape(shape), isa(isa),
        blocking(blocking), bits(bitsPerCode(shape.format)), fields(8 / bits),
        kb(quantc::kPerBlock(shape.format)),
        lanes(isa == KernelIsa::Avx512Vnni ? 16
              : isa == KernelIsa::Avx2     ? 8
                                           : 4),
        panelVectors(shape.panelColumns / lanes) {
    b.setInsertionPointToEnd(module.getBody());
  }

  void build(StringRef name) {
    Type i8 = b.getI8Type(), i32 = b.getI32Type();
    bool grouped = shape.format == WeightFormat::Int4;
    int64_t panels = shape.n / shape.panelColumns;
    auto func = func::FuncOp::create(
        b, loc, name, quantc::lowBitGemmType(b.getContext(), shape));
    Block *entry = func.addEntryBlock();
    b.setInsertionPointToStart(entry);
    a = entry->getArgument(0);
    packed = entry->getArgument(1);
    Value scales = grouped ? entry->getArgument(2) : Value();
    Value c = entry->getArguments().back();
    accType = VectorType::get({lanes}, i32);
    bytesType = VectorType::get({4 * lanes}, i8);

    int64_t group = panelGroup(panels);
    bool ternary = shape.format == WeightFormat::Ternary;
    // Ternary with several groups: the rows' sums of A once, up front.
    Value rowSumBuffer;
    if (ternary && group < panels) {
      rowSumBuffer =
          memref::AllocOp::create(b, loc, MemRefType::get({shape.m}, i32));
      OpBuilder::InsertionGuard guard(b);
      auto sumLoop = loop(0, shape.m, 1);
      quantc::markParallelLoop(sumLoop);
      m0 = sumLoop.getInductionVar();
      memref::StoreOp::create(b, loc, rowSum(0), rowSumBuffer, m0);
    }
    // Panel groups, row blocks and panels write disjoint blocks of C
    // (threads may share any).
    Value firstPanel = index(0);
    if (group < panels) {
      auto groupLoop = loop(0, panels, group);
      quantc::markParallelLoop(groupLoop);
      firstPanel = groupLoop.getInductionVar();
    }
    // Rows [done, M) in the largest blocks that fit, then smaller ones.
    int64_t done = 0;
    for (RowBlock block : rowBlocks(shape, isa, blocking, lanes)) {
      int64_t end = done + (shape.m - done) / block.rows * block.rows;
      if (end == done)
        continue;
      rows = block.rows;
      blocks = block.vectors;
      OpBuilder::InsertionGuard guard(b);
      rowBlockLoop(done, end, firstPanel, group, rowSumBuffer, scales, c);
      done = end;
    }
    b.setInsertionPointToEnd(entry);
    if (rowSumBuffer)
      memref::DeallocOp::create(b, loc, rowSumBuffer);
    func::ReturnOp::create(b, loc);
  }

private:
  /// Register blocks of `rows` rows over rows [first, end), each over the
  /// group's panels from `firstPanel`, stored into C.
  void rowBlockLoop(int64_t first, int64_t end, Value firstPanel, int64_t group,
                    Value rowSumBuffer, Value scales, Value c) {
    bool ternary = shape.format == WeightFormat::Ternary;
    auto rowLoop = loop(first, end, rows);
    quantc::markParallelLoop(rowLoop);
    m0 = rowLoop.getInductionVar();
    // Ternary: the rows' sums of A, once per row block, not per panel.
    SmallVector<Value> rowSums;
    if (ternary)
      for (int64_t r = 0; r < rows; ++r) {
        Value sum =
            rowSumBuffer
                ? memref::LoadOp::create(
                      b, loc, rowSumBuffer,
                      ValueRange{arith::AddIOp::create(b, loc, m0, index(r))})
                      .getResult()
                : rowSum(r);
        rowSums.push_back(vector::BroadcastOp::create(b, loc, accType, sum));
      }
    auto panelLoop = scf::ForOp::create(
        b, loc, firstPanel,
        arith::AddIOp::create(b, loc, firstPanel, index(group)), index(1));
    b.setInsertionPointToStart(panelLoop.getBody());
    quantc::markParallelLoop(panelLoop);
    p = panelLoop.getInductionVar();
    for (vector0 = 0; vector0 < panelVectors; vector0 += blocks)
      columnBlock(rowSums, scales, c);
  }

  /// The register block of the current rows and of `blocks` vectors of
  /// panel p's columns from vector0, stored into C.
  void columnBlock(ArrayRef<Value> rowSums, Value scales, Value c) {
    bool grouped = shape.format == WeightFormat::Int4;
    auto floatType = VectorType::get({lanes}, b.getF32Type());
    SmallVector<Value> results;
    if (!grouped) {
      results = steps(index(0), shape.k / kb);
      for (auto [r, sum] : llvm::enumerate(rowSums))
        for (int64_t j = 0; j < blocks; ++j)
          results[r * blocks + j] = arith::SubIOp::create(
              b, loc, results[r * blocks + j], sum);
    } else {
      int64_t perGroup = shape.groupSize / kb;
      Value zero = splat(floatType, b.getF32FloatAttr(0));
      auto groupLoop = scf::ForOp::create(
          b, loc, index(0), index(shape.k / shape.groupSize), index(1),
          SmallVector<Value>(rows * blocks, zero));
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(groupLoop.getBody());
      Value g = groupLoop.getInductionVar();
      Value first = arith::MulIOp::create(b, loc, g, index(perGroup));
      SmallVector<Value> sums = steps(first, perGroup);
      SmallVector<Value> next;
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t j = 0; j < blocks; ++j) {
          Value sum = arith::SIToFPOp::create(b, loc, floatType,
                                              sums[r * blocks + j]);
          Value scale = vector::LoadOp::create(
              b, loc, floatType, scales,
              ValueRange{p, g, index((vector0 + j) * lanes)});
          next.push_back(vector::FMAOp::create(
              b, loc, scale, sum,
              groupLoop.getRegionIterArgs()[r * blocks + j]));
        }
      scf::YieldOp::create(b, loc, next);
      results.assign(groupLoop.getResults().begin(),
                     groupLoop.getResults().end());
    }
    for (int64_t r = 0; r < rows; ++r) {
      Value row = arith::AddIOp::create(b, loc, m0, index(r));
      for (int64_t j = 0; j < blocks; ++j) {
        Value column = arith::AddIOp::create(
            b, loc, arith::MulIOp::create(b, loc, p, index(shape.panelColumns)),
            index((vector0 + j) * lanes));
        vector::StoreOp::create(b, loc, results[r * blocks + j], c,
                                ValueRange{row, column});
      }
    }
  }

  /// Panels per group: as many as fit blocking.panelGroupKiB (at least one),
  /// dividing the panel count.
  int64_t panelGroup(int64_t panels) const {
    int64_t bytes = shape.k / kb * 4 * shape.panelColumns;
    if (shape.format == WeightFormat::Int4)
      bytes += shape.k / shape.groupSize * shape.panelColumns * 4;
    int64_t group =
        std::clamp<int64_t>(blocking.panelGroupKiB * 1024 / bytes, 1, panels);
    while (panels % group)
      --group;
    return group;
  }

  Value index(int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v).getResult();
  }
  Value splat(VectorType type, Attribute value) {
    return arith::ConstantOp::create(
        b, loc, type, DenseElementsAttr::get(type, value));
  }
  Value byteSplat(int64_t value) {
    return splat(bytesType, b.getI8IntegerAttr(static_cast<int8_t>(value)));
  }

  /// Sum over k of A[m0 + r, k] (as unsigned), an i32.
  Value rowSum(int64_t r) {
    Type i32 = b.getI32Type();
    Value row = arith::AddIOp::create(b, loc, m0, index(r));
    auto sumLoop = scf::ForOp::create(
        b, loc, index(0), index(shape.k), index(1),
        ValueRange{arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(0))
                       .getResult()});
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(sumLoop.getBody());
    Value byte = memref::LoadOp::create(
        b, loc, a, ValueRange{row, sumLoop.getInductionVar()});
    Value next = arith::AddIOp::create(
        b, loc, sumLoop.getRegionIterArgs()[0],
        arith::ExtUIOp::create(b, loc, i32, byte));
    scf::YieldOp::create(b, loc, next);
    return sumLoop.getResult(0);
  }

  /// An scf.for over [lo, hi) step `step`; the builder moves into its body.
  scf::ForOp loop(int64_t lo, int64_t hi, int64_t step) {
    auto forOp = scf::ForOp::create(b, loc, index(lo), index(hi), index(step));
    b.setInsertionPointToStart(forOp.getBody());
    return forOp;
  }

  /// Bit field `q` of every byte of `x`: sign-extended to s8 (int4), or
  /// the unsigned ternary code w + 1 (the row sum of A takes the 1 back
  /// out once per row, which is cheaper than sign-extending every byte).
  Value field(Value x, int64_t q) {
    if (bits == 8)
      return x;
    Value shifted = x;
    if (q > 0) {
      // No byte shifts on x86: shift i32 lanes; the mask drops what
      // crossed from the neighbouring byte.
      Value words = vector::BitCastOp::create(b, loc, accType, x);
      Value amount = splat(accType, b.getI32IntegerAttr(bits * q));
      shifted = vector::BitCastOp::create(
          b, loc, bytesType, arith::ShRUIOp::create(b, loc, words, amount));
    }
    Value masked = arith::AndIOp::create(b, loc, shifted,
                                         byteSplat((1 << bits) - 1));
    if (shape.format == WeightFormat::Ternary)
      return masked;
    int64_t sign = int64_t(1) << (bits - 1);
    return arith::SubIOp::create(
        b, loc, arith::XOrIOp::create(b, loc, masked, byteSplat(sign)),
        byteSplat(sign));
  }

  /// Ternary GEMV on AVX-512 decodes its fields in place: fields 0 and 2
  /// of a byte are masked as they sit (x & 3, (x >> 4) & 3), fields 1 and
  /// 3 masked without the last shift (x & 12, (x >> 4) & 12), i.e. 4x
  /// their code. The 4x fields go to accumulators of their own, shifted
  /// right by 2 at the end: exact, since |4 x sum| < 2^31 for K <= 2^20.
  /// One shift per weight vector instead of three: with the weights in L3
  /// the GEMV streams 82 GB/s instead of 55 (Zen 5); from memory it stays
  /// at three quarters of a plain read (docs/Kernels.md).
  bool scaledFields() const {
    return shape.format == WeightFormat::Ternary &&
           isa == KernelIsa::Avx512Vnni && rows == 1;
  }

  /// Independent accumulator sets the step loop rotates through: with one
  /// row of A (GEMV) a panel has only `blocks` accumulators, and each
  /// vpdpbusd waits for the previous one on its chain (two to four per
  /// step for int4 and ternary fields). More chains keep the loads
  /// streaming; sets must divide the step count. i32 sums wrap, so the
  /// split is exact.
  int64_t accumulatorSets(int64_t count) const {
    if (isa != KernelIsa::Avx512Vnni)
      return 1;
    int64_t classes = scaledFields() ? 2 : 1;
    int64_t sets = std::clamp<int64_t>(16 / (classes * rows * blocks), 1, 4);
    while (count % sets)
      --sets;
    return sets;
  }

  /// Exact i32 sums over blocks [first, first + count) of the current rows
  /// and panel, from zero.
  SmallVector<Value> steps(Value first, int64_t count) {
    Value zero = splat(accType, b.getI32IntegerAttr(0));
    int64_t sets = accumulatorSets(count);
    int64_t sums = rows * blocks;
    int64_t perSet = (scaledFields() ? 2 * sums : sums) +
                     (isa == KernelIsa::NeonDot ? blocks : 0);
    auto stepLoop =
        scf::ForOp::create(b, loc, index(0), index(count), index(sets),
                           SmallVector<Value>(sets * perSet, zero));
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(stepLoop.getBody());
    SmallVector<Value> acc(stepLoop.getRegionIterArgs().begin(),
                           stepLoop.getRegionIterArgs().end());
    for (int64_t set = 0; set < sets; ++set) {
      Value t = arith::AddIOp::create(
          b, loc, first,
          arith::AddIOp::create(b, loc, stepLoop.getInductionVar(),
                                index(set)));
      step(t, MutableArrayRef<Value>(acc).slice(set * perSet, perSet));
    }
    scf::YieldOp::create(b, loc, acc);
    b.setInsertionPointAfter(stepLoop);
    SmallVector<Value> totals(stepLoop.getResults().begin(),
                              stepLoop.getResults().begin() + perSet);
    for (int64_t set = 1; set < sets; ++set)
      for (int64_t i = 0; i < perSet; ++i)
        totals[i] = arith::AddIOp::create(b, loc, totals[i],
                                          stepLoop.getResult(set * perSet + i));
    SmallVector<Value> result(totals.begin(), totals.begin() + sums);
    if (scaledFields()) // the 4x fields' sums, exact multiples of 4
      for (int64_t i = 0; i < sums; ++i)
        result[i] = arith::AddIOp::create(
            b, loc, result[i],
            arith::ShRSIOp::create(b, loc, totals[sums + i],
                                   splat(accType, b.getI32IntegerAttr(2))));
    if (isa == KernelIsa::NeonDot) // add back 128 x the column sums
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t j = 0; j < blocks; ++j) {
          Value shifted = arith::ShLIOp::create(
              b, loc, totals[sums + j], splat(accType, b.getI32IntegerAttr(7)));
          result[r * blocks + j] =
              arith::AddIOp::create(b, loc, result[r * blocks + j], shifted);
        }
    return result;
  }

  /// The fields of weight vector `x` as step() feeds them to dot(), with
  /// the accumulator class each goes to (scaledFields: 1 for the 4x ones).
  SmallVector<std::pair<Value, int64_t>> decode(Value x) {
    SmallVector<std::pair<Value, int64_t>> fieldsOf;
    if (!scaledFields()) {
      for (int64_t q = 0; q < fields; ++q)
        fieldsOf.push_back({field(x, q), 0});
      return fieldsOf;
    }
    Value words = vector::BitCastOp::create(b, loc, accType, x);
    Value high = vector::BitCastOp::create(
        b, loc, bytesType,
        arith::ShRUIOp::create(b, loc, words,
                               splat(accType, b.getI32IntegerAttr(4))));
    for (int64_t q = 0; q < fields; ++q) {
      Value source = q < 2 ? x : high;
      int64_t mask = q % 2 ? 0x0C : 0x03;
      fieldsOf.push_back(
          {arith::AndIOp::create(b, loc, source, byteSplat(mask)), q % 2});
    }
    return fieldsOf;
  }

  /// Block t of the current rows and panel, added into `acc`: rows x
  /// blocks sums (scaledFields: then as many of the 4x fields), then on
  /// NEON the weights' column sums.
  void step(Value t, MutableArrayRef<Value> acc) {
    Value k0 = arith::MulIOp::create(b, loc, t, index(kb));
    int64_t sums = rows * blocks;
    SmallVector<SmallVector<std::pair<Value, int64_t>>> weights;
    for (int64_t j = 0; j < blocks; ++j)
      weights.push_back(decode(vector::LoadOp::create(
          b, loc, bytesType, packed,
          ValueRange{p, t, index((vector0 + j) * 4 * lanes)})));
    auto quadType = VectorType::get({4}, b.getI8Type());
    auto wordType = VectorType::get({1}, b.getI32Type());
    bool neon = isa == KernelIsa::NeonDot;
    if (neon) {
      // Column sums of the weights: sdot against ones.
      Value ones = byteSplat(1);
      for (int64_t j = 0; j < blocks; ++j)
        for (int64_t q = 0; q < fields; ++q) {
          Value &sum = acc[sums + j];
          sum = dot(sum, ones, weights[j][q].first);
        }
    }
    for (int64_t r = 0; r < rows; ++r) {
      Value row = arith::AddIOp::create(b, loc, m0, index(r));
      for (int64_t q = 0; q < fields; ++q) {
        Value k = arith::AddIOp::create(b, loc, k0, index(4 * q));
        Value quad = vector::LoadOp::create(b, loc, quadType, a,
                                            ValueRange{row, k});
        Value word = vector::ExtractOp::create(
            b, loc, vector::BitCastOp::create(b, loc, wordType, quad), 0);
        Value activations = vector::BitCastOp::create(
            b, loc, bytesType,
            vector::BroadcastOp::create(b, loc, accType, word));
        if (neon) // a - 128 as s8
          activations = arith::XOrIOp::create(b, loc, activations,
                                              byteSplat(0x80));
        for (int64_t j = 0; j < blocks; ++j) {
          auto [weight, scaled] = weights[j][q];
          Value &sum = acc[scaled * sums + r * blocks + j];
          sum = dot(sum, activations, weight);
        }
      }
    }
  }

  /// acc + the 4-byte dot products of x and w, per i32 lane.
  Value dot(Value acc, Value x, Value w) {
    if (isa == KernelIsa::NeonDot)
      return arm_neon::SdotOp::create(b, loc, accType, acc, x, w);
    if (isa == KernelIsa::Avx2)
      return arith::AddIOp::create(b, loc, acc, avx2Dot(x, w));
    return LLVM::CallIntrinsicOp::create(
               b, loc, accType,
               b.getStringAttr("llvm.x86.avx512.vpdpbusd.512"),
               ValueRange{acc, x, w})
        .getResult(0);
  }

  /// The 4-byte dot products of u8 x and s8 w per i32 lane on AVX2.
  Value avx2Dot(Value x, Value w) {
    auto halfType = VectorType::get({2 * lanes}, b.getI16Type());
    auto call = [&](StringRef name, Type type, Value l, Value r) {
      return LLVM::CallIntrinsicOp::create(b, loc, type, b.getStringAttr(name),
                                           ValueRange{l, r})
          .getResult(0);
    };
    auto halves = [&](int64_t value) {
      return splat(halfType, b.getI16IntegerAttr(value));
    };
    if (shape.format != WeightFormat::Int8) {
      // |w| <= 8: the u8 x s8 pair sums fit i16, pmaddubsw is exact.
      Value pairs = call("llvm.x86.avx2.pmadd.ub.sw", halfType, x, w);
      return call("llvm.x86.avx2.pmadd.wd", accType, pairs, halves(1));
    }
    // Even and odd bytes as i16 (x zero-, w sign-extended), one pmaddwd
    // each: lane i gets x0 w0 + x2 w2, then x1 w1 + x3 w3.
    Value x16 = vector::BitCastOp::create(b, loc, halfType, x);
    Value w16 = vector::BitCastOp::create(b, loc, halfType, w);
    Value eight = halves(8);
    Value xEven = arith::AndIOp::create(b, loc, x16, halves(0xFF));
    Value xOdd = arith::ShRUIOp::create(b, loc, x16, eight);
    Value wEven = arith::ShRSIOp::create(
        b, loc, arith::ShLIOp::create(b, loc, w16, eight), eight);
    Value wOdd = arith::ShRSIOp::create(b, loc, w16, eight);
    return arith::AddIOp::create(
        b, loc, call("llvm.x86.avx2.pmadd.wd", accType, xEven, wEven),
        call("llvm.x86.avx2.pmadd.wd", accType, xOdd, wOdd));
  }

  OpBuilder b;
  Location loc;
  const quantc::GemmShape &shape;
  KernelIsa isa;
  quantc::GemmBlocking blocking;
  int64_t bits, fields, kb;
  int64_t lanes, panelVectors; // i32 lanes per vector, vectors per panel row
  // The register blocks being emitted: rows, accumulator vectors per row,
  // and the first of them in the panel.
  int64_t rows = 1, blocks = 1, vector0 = 0;
  VectorType accType, bytesType;
  Value a, packed, m0, p;
};
} // namespace

llvm::StringRef quantc::kernelIsaName(KernelIsa isa) {
  switch (isa) {
  case KernelIsa::Avx512Vnni:
    return "avx512vnni";
  case KernelIsa::NeonDot:
    return "neon-dot";
  case KernelIsa::Avx2:
    return "avx2";
  case KernelIsa::NeonI8mm:
    return "neon-i8mm";
  case KernelIsa::Amx:
    return "amx";
  }
  return "";
}

std::optional<KernelIsa> quantc::parseKernelIsa(llvm::StringRef name) {
  for (KernelIsa isa : {KernelIsa::Avx512Vnni, KernelIsa::NeonDot,
                        KernelIsa::Avx2, KernelIsa::NeonI8mm, KernelIsa::Amx})
    if (name == kernelIsaName(isa))
      return isa;
  return std::nullopt;
}

int64_t quantc::kPerBlock(WeightFormat format) {
  return 4 * (8 / bitsPerCode(format));
}

std::string quantc::vnniGemmUnsupported(const GemmShape &shape) {
  // (Both ISAs take the same shapes.)
  if (shape.m < 1 || shape.n < 1 || shape.k < 1)
    return "M, N and K must be positive";
  if (shape.panelColumns <= 0 || shape.panelColumns % 16 ||
      shape.panelColumns > kVnniPanelColumns)
    return "the panel width must be 16, 32, 48 or 64";
  if (shape.n % shape.panelColumns)
    return "N must be a multiple of " + std::to_string(shape.panelColumns);
  int64_t kb = kPerBlock(shape.format);
  if (shape.k % kb)
    return "K must be a multiple of " + std::to_string(kb);
  if (shape.format == WeightFormat::Int4) {
    if (shape.groupSize <= 0 || shape.groupSize % kb ||
        shape.k % shape.groupSize)
      return "the int4 group size must be a multiple of 8 dividing K";
  } else if (shape.groupSize != 0) {
    return "only int4 weights take a group size";
  }
  // The ternary GEMV's 4x fields (scaledFields) must not overflow i32.
  if (shape.format == WeightFormat::Ternary && shape.k > (int64_t(1) << 20))
    return "ternary K must be at most 1048576";
  return "";
}

FunctionType quantc::lowBitGemmType(MLIRContext *context,
                                    const GemmShape &shape) {
  Builder b(context);
  Type i8 = b.getI8Type();
  bool grouped = shape.format == WeightFormat::Int4;
  int64_t panelColumns = shape.panelColumns;
  int64_t panels = shape.n / panelColumns;
  SmallVector<Type> args = {
      MemRefType::get({shape.m, shape.k}, i8),
      MemRefType::get(
          {panels, shape.k / kPerBlock(shape.format), 4 * panelColumns}, i8)};
  if (grouped)
    args.push_back(MemRefType::get(
        {panels, shape.k / shape.groupSize, panelColumns}, b.getF32Type()));
  args.push_back(MemRefType::get(
      {shape.m, shape.n}, grouped ? Type(b.getF32Type()) : b.getI32Type()));
  return b.getFunctionType(args, {});
}

int64_t quantc::narrowPanelColumns(int64_t n) {
  // The widest panel that fits N rounded to 16 exactly (480 columns: 10
  // panels of 48, not 512 columns of 64); failing that, the widest that
  // pads by at most an eighth more: wider panels load each activation once
  // for more columns (6625 classes take 104 panels of 64, not 415 of 16).
  auto padded = [&](int64_t width) { return (n + width - 1) / width * width; };
  const int64_t wide[] = {kVnniPanelColumns, 48, 32};
  for (int64_t width : wide)
    if (padded(16) % width == 0)
      return width;
  for (int64_t width : wide)
    if (8 * padded(width) <= 9 * padded(16))
      return width;
  return 16;
}

std::vector<uint8_t> quantc::packLowBitWeights(llvm::ArrayRef<int8_t> b,
                                               int64_t k, int64_t n,
                                               WeightFormat format,
                                               int64_t panelColumns) {
  int64_t bits = bitsPerCode(format), fields = 8 / bits;
  int64_t kb = kPerBlock(format), mask = (1 << bits) - 1;
  std::vector<uint8_t> packed(k * n / fields);
  size_t out = 0;
  for (int64_t p = 0; p < n / panelColumns; ++p)
    for (int64_t t = 0; t < k / kb; ++t)
      for (int64_t c = 0; c < panelColumns; ++c)
        for (int64_t i = 0; i < 4; ++i) {
          unsigned byte = 0;
          for (int64_t q = 0; q < fields; ++q) {
            int v = b[(kb * t + 4 * q + i) * n + p * panelColumns + c];
            // Ternary codes are unsigned: w + 1.
            v += format == WeightFormat::Ternary;
            byte |= (static_cast<uint8_t>(v) & mask) << (bits * q);
          }
          packed[out++] = static_cast<uint8_t>(byte);
        }
  return packed;
}

std::vector<float> quantc::packGroupScales(llvm::ArrayRef<float> scales,
                                           int64_t k, int64_t n,
                                           int64_t groupSize,
                                           int64_t panelColumns) {
  int64_t groups = k / groupSize;
  std::vector<float> packed(groups * n);
  size_t out = 0;
  for (int64_t p = 0; p < n / panelColumns; ++p)
    for (int64_t g = 0; g < groups; ++g)
      for (int64_t c = 0; c < panelColumns; ++c)
        packed[out++] = scales[g * n + p * panelColumns + c];
  return packed;
}

void quantc::buildLowBitGemm(ModuleOp module, llvm::StringRef name,
                             const GemmShape &shape, KernelIsa isa,
                             TileCode tileCode, const GemmBlocking &blocking) {
  assert(gemmBlockingUnsupported(blocking).empty() && "unsupported blocking");
  if (isa == KernelIsa::Amx) {
    if (amxGemmTakes(shape))
      return buildAmxGemm(module, name, shape, tileCode, blocking);
    isa = KernelIsa::Avx512Vnni; // AVX-512 VNNI for the rest
  }
  assert((isa == KernelIsa::Avx512Vnni ||
          shape.panelColumns == kVnniPanelColumns) &&
         "narrow panels are built for AVX-512 VNNI only");
  if (isa == KernelIsa::NeonI8mm) {
    if (i8mmGemmTakes(shape))
      return buildI8mmGemm(module, name, shape);
    isa = KernelIsa::NeonDot; // sdot for the rest
  }
  KernelBuilder(module, shape, isa, blocking).build(name);
}

LogicalResult quantc::lowerKernelsToLLVM(ModuleOp module) {
  PassManager scf(module.getContext());
  scf.addPass(createSCFToControlFlowPass());
  if (failed(scf.run(module)))
    return failure();
  if (failed(lowerAmxTiles(module)))
    return failure();
  PassManager pm(module.getContext());
  pm.addPass(createConvertVectorToLLVMPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  ConvertFuncToLLVMPassOptions funcOptions;
  funcOptions.useBarePtrCallConv = true;
  pm.addPass(createConvertFuncToLLVMPass(funcOptions));
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createCanonicalizerPass());
  return pm.run(module);
}
