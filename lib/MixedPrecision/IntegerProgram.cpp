//===- IntegerProgram.cpp - the assignment as a 0-1 program (GLPK) --------===//
//
// Part of quantc. One binary x[l][c] per layer and candidate: minimize
// sum s[l][c] x[l][c] subject to sum_c x[l][c] = 1 per layer, sum
// bits[l][c] x[l][c] <= B, and each extra budget (latency). GLPK's MIP
// solver (Debian's libglpk) solves it exactly; unlike the frontier's
// dynamic programming it takes several budgets at once.
//
//===----------------------------------------------------------------------===//

#include "quantc/MixedPrecision/Frontier.h"

#include <glpk.h>

#include <memory>

using namespace quantc;

static llvm::Error error(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

llvm::Expected<std::optional<Assignment>>
quantc::solveIntegerProgram(llvm::ArrayRef<LayerChoices> layers,
                            double budgetBits,
                            llvm::ArrayRef<CostBudget> extra) {
  glp_term_out(GLP_OFF);
  std::unique_ptr<glp_prob, void (*)(glp_prob *)> problem(glp_create_prob(),
                                                          glp_delete_prob);
  glp_prob *lp = problem.get();
  glp_set_obj_dir(lp, GLP_MIN);
  int rows = int(layers.size()) + 1 + int(extra.size());
  glp_add_rows(lp, rows);
  for (size_t l = 0; l < layers.size(); ++l)
    glp_set_row_bnds(lp, int(l) + 1, GLP_FX, 1.0, 1.0);
  int sizeRow = int(layers.size()) + 1;
  glp_set_row_bnds(lp, sizeRow, GLP_UP, 0.0, budgetBits);
  for (auto [k, budget] : llvm::enumerate(extra))
    glp_set_row_bnds(lp, sizeRow + 1 + int(k), GLP_UP, 0.0, budget.budget);

  // Columns and the constraint matrix (GLPK counts from 1; entry 0 unused).
  std::vector<int> ia = {0}, ja = {0};
  std::vector<double> ar = {0};
  std::vector<std::pair<size_t, size_t>> columns;
  for (auto [l, layer] : llvm::enumerate(layers))
    for (size_t c = 0; c < layer.bits.size(); ++c) {
      int column = glp_add_cols(lp, 1);
      columns.push_back({l, c});
      glp_set_col_kind(lp, column, GLP_BV);
      glp_set_obj_coef(lp, column, layer.sensitivity[c]);
      auto entry = [&](int row, double value) {
        ia.push_back(row);
        ja.push_back(column);
        ar.push_back(value);
      };
      entry(int(l) + 1, 1.0);
      entry(sizeRow, layer.bits[c]);
      for (auto [k, budget] : llvm::enumerate(extra))
        entry(sizeRow + 1 + int(k), budget.cost[l][c]);
    }
  glp_load_matrix(lp, int(ia.size()) - 1, ia.data(), ja.data(), ar.data());

  glp_iocp parameters;
  glp_init_iocp(&parameters);
  parameters.presolve = GLP_ON;
  parameters.msg_lev = GLP_MSG_OFF;
  // Sensitivities are tiny numbers: an absolute gap would stop at once.
  parameters.mip_gap = 0.0;
  int status = glp_intopt(lp, &parameters);
  if (status == GLP_ENOPFS || status == GLP_ENODFS)
    return std::optional<Assignment>();
  if (status != 0)
    return error("GLPK's MIP solver failed (glp_intopt returned " +
                 llvm::Twine(status) + ")");
  int result = glp_mip_status(lp);
  if (result == GLP_NOFEAS)
    return std::optional<Assignment>();
  if (result != GLP_OPT)
    return error("GLPK found no optimal assignment (status " +
                 llvm::Twine(result) + ")");
  std::vector<int> choice(layers.size(), 0);
  for (auto [index, column] : llvm::enumerate(columns))
    if (glp_mip_col_val(lp, int(index) + 1) > 0.5)
      choice[column.first] = int(column.second);
  return std::optional<Assignment>(evaluate(layers, std::move(choice)));
}
