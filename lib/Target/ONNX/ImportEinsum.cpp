//===- ImportEinsum.cpp - ONNX Einsum as transposes and matmuls -----------===//
//
// Part of quantc. An Einsum equation is lowered at import, operands folded
// left to right:
//   - a letter that only one operand has and nothing later needs is summed
//     out (qc.reduce_sum);
//   - two operands are transposed to [batch, free, contracted] and
//     [batch, contracted, free], reshaped to rank 3 and multiplied
//     (qc.matmul, so the product quantizes like MatMul);
//   - the result is transposed to the output's letter order.
// An ellipsis stands for the same leading dimensions in every operand.
// Repeated letters within one operand (diagonals) are refused.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"
#include "QCBuilder.h"

#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace quantc;
using namespace quantc::onnx_import;

namespace {
/// An operand: its value and one letter per dimension.
struct Term {
  Value value;
  std::string letters;
};
} // namespace

/// Expands "..." into `ellipsisRank` letters of their own (control
/// characters, which equations cannot contain), aligned to the right.
static std::string expandEllipsis(StringRef term, int64_t ellipsisRank,
                                  int64_t maxEllipsis) {
  size_t at = term.find("...");
  if (at == StringRef::npos)
    return term.str();
  std::string letters = term.substr(0, at).str();
  for (int64_t i = maxEllipsis - ellipsisRank; i < maxEllipsis; ++i)
    letters.push_back(static_cast<char>(1 + i));
  return letters + term.substr(at + 3).str();
}

/// Whether `c` stands for an ellipsis dimension (see expandEllipsis).
static bool isEllipsisLetter(char c) { return c > 0 && c < 32; }

/// Sums out the dimensions of `term` whose letters are not in `keep`.
static Term sumOut(QCBuilder &q, Term term, StringRef keep) {
  SmallVector<int64_t> axes;
  std::string kept;
  for (auto [i, c] : llvm::enumerate(term.letters)) {
    if (keep.contains(c))
      kept.push_back(c);
    else
      axes.push_back(i);
  }
  if (axes.empty())
    return term;
  Shape shape;
  for (auto [i, d] : llvm::enumerate(QCBuilder::shapeOf(term.value)))
    if (!llvm::is_contained(axes, int64_t(i)))
      shape.push_back(d);
  Value summed = qc::ReduceSumOp::create(
      q.b, q.loc,
      RankedTensorType::get(shape, QCBuilder::elementOf(term.value)),
      term.value, q.b.getDenseI64ArrayAttr(axes), q.b.getBoolAttr(false));
  return {summed, kept};
}

/// Transposes `term` to the letter order `order` (a permutation of its
/// letters).
static Term permute(QCBuilder &q, Term term, StringRef order) {
  if (term.letters == order)
    return term;
  SmallVector<int64_t> perm;
  for (char c : order)
    perm.push_back(term.letters.find(c));
  return {q.transpose(term.value, perm), order.str()};
}

/// The product of two terms keeping the letters in `keep` (and the ones
/// both share that `keep` lists are batch dimensions).
static Term multiply(QCBuilder &q, Term a, Term b, StringRef keep) {
  std::string batch, left, right, contracted;
  for (char c : a.letters) {
    bool inB = StringRef(b.letters).contains(c);
    if (inB && keep.contains(c))
      batch.push_back(c);
    else if (inB)
      contracted.push_back(c);
    else
      left.push_back(c);
  }
  for (char c : b.letters)
    if (!StringRef(a.letters).contains(c))
      right.push_back(c);
  auto dims = [&](const Term &t, StringRef letters) {
    Shape shape;
    for (char c : letters)
      shape.push_back(QCBuilder::shapeOf(t.value)[t.letters.find(c)]);
    return shape;
  };
  Shape batchDims = dims(a, batch), leftDims = dims(a, left),
        rightDims = dims(b, right), innerDims = dims(a, contracted);
  Value lhs = q.reshape(permute(q, a, batch + left + contracted).value,
                        {ShapedType::getNumElements(batchDims),
                         ShapedType::getNumElements(leftDims),
                         ShapedType::getNumElements(innerDims)});
  Value rhs = q.reshape(permute(q, b, batch + contracted + right).value,
                        {ShapedType::getNumElements(batchDims),
                         ShapedType::getNumElements(innerDims),
                         ShapedType::getNumElements(rightDims)});
  Type element = QCBuilder::elementOf(a.value);
  Value result = qc::MatMulOp::create(
      q.b, q.loc,
      RankedTensorType::get({ShapedType::getNumElements(batchDims),
                             ShapedType::getNumElements(leftDims),
                             ShapedType::getNumElements(rightDims)},
                            element),
      lhs, rhs);
  Shape shape(batchDims);
  shape.append(leftDims);
  shape.append(rightDims);
  return {q.reshape(result, shape), batch + left + right};
}

static LogicalResult importEinsum(NodeContext &ctx) {
  FailureOr<std::string> equationAttr = ctx.attrString("equation", "");
  if (failed(equationAttr))
    return failure();
  std::string equation;
  for (char c : *equationAttr)
    if (c != ' ')
      equation.push_back(c);
  auto [lhsText, outText] = StringRef(equation).split("->");
  bool explicitOutput = StringRef(equation).contains("->");
  SmallVector<StringRef> termTexts;
  lhsText.split(termTexts, ',');
  if (static_cast<int>(termTexts.size()) != ctx.numInputs())
    return ctx.error() << "the equation '" << *equationAttr << "' has "
                       << termTexts.size() << " operands, the node "
                       << ctx.numInputs();

  SmallVector<Term> terms;
  SmallVector<int64_t> ellipsisRanks;
  int64_t maxEllipsis = 0;
  for (auto [i, text] : llvm::enumerate(termTexts)) {
    auto value = ctx.floatInput(i);
    if (failed(value))
      return failure();
    int64_t rank = value->getType().getRank();
    if (llvm::any_of(value->getType().getShape(), ShapedType::isDynamic))
      return ctx.error() << "operand " << i << " must have a static shape";
    bool hasEllipsis = text.contains("...");
    int64_t letters = text.size() - (hasEllipsis ? 3 : 0);
    for (char c : text)
      if (!llvm::isAlpha(c) && c != '.')
        return ctx.error() << "'" << c << "' in the equation is not a letter";
    if (hasEllipsis ? letters > rank : letters != rank)
      return ctx.error() << "term '" << text << "' does not match operand " << i
                         << " of rank " << rank;
    ellipsisRanks.push_back(hasEllipsis ? rank - letters : 0);
    maxEllipsis = std::max(maxEllipsis, ellipsisRanks.back());
    terms.push_back({*value, ""});
  }
  llvm::StringMap<int64_t> extents;
  for (auto [i, term] : llvm::enumerate(terms)) {
    term.letters = expandEllipsis(termTexts[i], ellipsisRanks[i], maxEllipsis);
    for (auto [d, c] : llvm::enumerate(term.letters)) {
      if (StringRef(term.letters).count(c) > 1)
        return ctx.error() << "letter '" << c << "' repeats within operand "
                           << i << " (a diagonal), which is not supported";
      int64_t extent = QCBuilder::shapeOf(term.value)[d];
      auto [it, inserted] = extents.try_emplace(StringRef(&c, 1), extent);
      if (!inserted && it->second != extent)
        return ctx.error() << (isEllipsisLetter(c)
                                   ? "the ellipsis dimensions"
                                   : "letter '" + std::string(1, c) + "'")
                           << " has extents " << it->second << " and " << extent
                           << "; broadcasting is not supported";
    }
  }
  // The implicit output: the ellipsis, then the letters used once, sorted.
  std::string output;
  if (explicitOutput) {
    bool outEllipsis = outText.contains("...");
    output =
        expandEllipsis(outText, outEllipsis ? maxEllipsis : 0, maxEllipsis);
  } else {
    for (int64_t i = 0; i < maxEllipsis; ++i)
      output.push_back(static_cast<char>(1 + i));
    std::string once;
    for (const Term &term : terms)
      for (char c : term.letters)
        if (!isEllipsisLetter(c) && llvm::count_if(terms, [&](const Term &t) {
                                      return StringRef(t.letters).contains(c);
                                    }) == 1)
          once.push_back(c);
    llvm::sort(once);
    output += once;
  }
  for (char c : output)
    if (!extents.count(StringRef(&c, 1)))
      return ctx.error() << "output letter '" << c << "' appears in no operand";

  QCBuilder q(ctx.builder(), ctx.loc());
  // Letters still needed after operand `i`: the output's and later ones'.
  auto neededAfter = [&](size_t i) {
    std::string needed = output;
    for (size_t j = i + 1; j < terms.size(); ++j)
      needed += terms[j].letters;
    return needed;
  };
  Term result = sumOut(
      q, terms[0], neededAfter(0) + (terms.size() > 1 ? terms[1].letters : ""));
  for (size_t i = 1; i < terms.size(); ++i) {
    std::string needed = neededAfter(i);
    Term next = sumOut(q, terms[i], needed + result.letters);
    result = multiply(q, result, next, needed);
    result = sumOut(q, result, needed);
  }
  result = sumOut(q, result, output);
  ctx.setOutput(0, permute(q, result, output).value);
  return success();
}

void quantc::onnx_import::registerEinsumHandlers(
    llvm::StringMap<NodeHandler> &handlers) {
  handlers["Einsum"] = importEinsum;
}
