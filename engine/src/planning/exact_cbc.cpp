// Exact MILP for the covering problems through CBC (COIN-OR branch and cut, with Clp for the LP
// relaxations), warm-started with the local-search plan.
//
// Set cover:      min  sum_j c_j x_j
//                 s.t. sum_{j covers i} x_j >= 1           every item to cover
//                      sum_{j in g} x_j <= 1              every group g
//                      x_j in {0,1}
// Budgeted cover: max  sum_i w_i y_i                        (CBC minimises -sum w_i y_i)
//                 s.t. y_i - sum_{j covers i} x_j <= 0     items with w_i > 0
//                      sum_j c_j x_j <= B
//                      sum_{j covers i} x_j >= 1           required items
//                      sum_{j in g} x_j <= 1              every group g
//                      x_j in {0,1}, 0 <= y_i <= 1        (y integral at an optimum)
// Partial cover:  min  sum_j c_j x_j                        (target weight T > 0)
//                 s.t. y_i - sum_{j covers i} x_j <= 0     items with w_i > 0
//                      sum_i w_i y_i >= T
//                      required rows and group rows as above
//                      x_j in {0,1}, 0 <= y_i <= 1        (y fractional only where it costs nothing)
#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "CoinPackedVector.hpp"
#include "common/cbc.hpp"
#include "phusong/error.hpp"
#include "phusong/planning.hpp"

namespace phusong::planning {
namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

struct Milp {
  int n_x = 0;                 // x_j are columns 0..n-1
  std::vector<int> y_item;     // column n + k is y of item y_item[k]
  CoinPackedMatrix matrix{false, 0, 0};
  std::vector<double> col_lb, col_ub, obj, row_lb, row_ub;
  bool budgeted = false;
  bool target = false;
  bool integral_objective = true;
};

Milp build_milp(const CoverProblem& p, double budget, double target_weight) {
  Milp M;
  M.budgeted = std::isfinite(budget);
  M.target = target_weight > 0;
  const int n = static_cast<int>(p.sets.size());
  const int m = static_cast<int>(p.weight.size());
  M.n_x = n;
  std::vector<char> coverable(m, 0), required(m, 0);
  for (const auto& s : p.sets)
    for (int i : s) coverable[i] = 1;
  for (int i : p.required) required[i] = 1;
  // Candidates covering each item (unique).
  std::vector<std::vector<int>> by_item(m);
  for (int j = 0; j < n; ++j) {
    for (int i : p.sets[j])
      if (by_item[i].empty() || by_item[i].back() != j) by_item[i].push_back(j);
  }
  for (auto& v : by_item) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
  }
  int n_cols = n;
  if (M.budgeted || M.target)
    for (int i = 0; i < m; ++i)
      if (coverable[i] && p.weight[i] > 0) {
        M.y_item.push_back(i);
        ++n_cols;
      }
  M.col_lb.assign(n_cols, 0.0);
  M.col_ub.assign(n_cols, 1.0);
  M.obj.assign(n_cols, 0.0);
  M.matrix.setDimensions(0, n_cols);
  if (!M.budgeted) {  // set cover and partial cover: the cost
    for (int j = 0; j < n; ++j) {
      M.obj[j] = p.cost[j];
      if (std::floor(p.cost[j]) != p.cost[j]) M.integral_objective = false;
    }
  } else {
    for (std::size_t k = 0; k < M.y_item.size(); ++k) {
      const double w = p.weight[M.y_item[k]];
      M.obj[n + k] = -w;
      if (std::floor(w) != w) M.integral_objective = false;
    }
  }
  auto add_row = [&](const CoinPackedVector& v, double lb, double ub) {
    M.matrix.appendRow(v);
    M.row_lb.push_back(lb);
    M.row_ub.push_back(ub);
  };
  if (!M.budgeted && !M.target) {
    for (int i = 0; i < m; ++i) {
      if (!coverable[i] || !(p.weight[i] > 0 || required[i])) continue;
      CoinPackedVector v;
      for (int j : by_item[i]) v.insert(j, 1.0);
      add_row(v, 1.0, COIN_DBL_MAX);
    }
  } else {
    for (std::size_t k = 0; k < M.y_item.size(); ++k) {
      CoinPackedVector v;
      v.insert(n + static_cast<int>(k), 1.0);
      for (int j : by_item[M.y_item[k]]) v.insert(j, -1.0);
      add_row(v, -COIN_DBL_MAX, 0.0);
    }
    CoinPackedVector b;
    if (M.budgeted) {
      for (int j = 0; j < n; ++j) b.insert(j, p.cost[j]);
      add_row(b, -COIN_DBL_MAX, budget);
    } else {
      for (std::size_t k = 0; k < M.y_item.size(); ++k) b.insert(n + static_cast<int>(k), p.weight[M.y_item[k]]);
      add_row(b, target_weight, COIN_DBL_MAX);
    }
    for (int i = 0; i < m; ++i) {
      if (!required[i] || !coverable[i]) continue;
      CoinPackedVector v;
      for (int j : by_item[i]) v.insert(j, 1.0);
      add_row(v, 1.0, COIN_DBL_MAX);
    }
  }
  if (!p.group.empty()) {
    int n_groups = 0;
    for (int g : p.group) n_groups = std::max(n_groups, g + 1);
    std::vector<std::vector<int>> members(n_groups);
    for (int j = 0; j < n; ++j)
      if (p.group[j] >= 0) members[p.group[j]].push_back(j);
    for (const auto& g : members) {
      if (g.size() < 2) continue;
      CoinPackedVector v;
      for (int j : g) v.insert(j, 1.0);
      add_row(v, -COIN_DBL_MAX, 1.0);
    }
  }
  return M;
}

void load(OsiClpSolverInterface& solver, const Milp& M) {
  detail::load_clp(solver, M.matrix, M.col_lb, M.col_ub, M.obj, M.row_lb, M.row_ub);
}

}  // namespace

double lp_relaxation_bound(const CoverProblem& p, double budget, double target_weight) {
  validate(p);
  SolveOptions o;
  o.budget = budget;
  o.target_weight = target_weight;
  check_objective(o);
  const Milp M = build_milp(p, budget, target_weight);
  if (M.matrix.getNumRows() == 0) return 0.0;
  OsiClpSolverInterface solver;
  load(solver, M);
  solver.initialSolve();
  if (!solver.isProvenOptimal()) return std::numeric_limits<double>::quiet_NaN();
  const double v = solver.getObjValue();
  return M.budgeted ? -v : v;
}

SolveResult solve_exact(const CoverProblem& p, const SolveOptions& o) {
  const auto t0 = Clock::now();
  validate(p);
  check_objective(o);
  const bool budgeted = std::isfinite(o.budget);
  const double T = o.target_weight;
  const Milp M = build_milp(p, o.budget, T);

  // The heuristic plan: a first incumbent for CBC and a fallback if CBC finds none in time.
  SolveResult heuristic;
  bool have_heuristic = false;
  if (o.warm_start) {
    SolveOptions lo = o;
    lo.time_limit_s = std::min(o.time_limit_s * 0.25, 10.0);
    heuristic = solve_local(p, lo);
    have_heuristic = heuristic.status == SolveStatus::optimal || heuristic.status == SolveStatus::feasible;
    if (heuristic.proven_optimal) {  // the bound already meets the plan
      heuristic.method = "exact";
      heuristic.seconds = since(t0);
      return heuristic;
    }
  }
  if (M.matrix.getNumRows() == 0) {  // nothing to cover or nothing to gain
    SolveResult r = evaluate_plan(p, {}, o.budget, 0.0, "exact", T);
    r.seconds = since(t0);
    return r;
  }

  OsiClpSolverInterface solver;
  load(solver, M);
  const int n_cols = static_cast<int>(M.col_lb.size());
  for (int j = 0; j < M.n_x; ++j) solver.setInteger(j);
  detail::name_columns_and_rows(solver);

  CbcModel model(solver);
  CbcSolverUsefulData data;
  detail::cbc_prepare(model, data, o.log);
  if (have_heuristic) {
    // Full start vector: x from the plan, y = covered.
    std::vector<double> start(n_cols, 0.0);
    std::vector<char> covered(p.weight.size(), 0);
    for (int j : heuristic.chosen) {
      start[j] = 1.0;
      for (int i : p.sets[j]) covered[i] = 1;
    }
    for (std::size_t k = 0; k < M.y_item.size(); ++k) start[M.n_x + k] = covered[M.y_item[k]] ? 1.0 : 0.0;
    detail::set_mip_start(model, start);
  }
  detail::cbc_solve(model, data, {std::max(0.01, o.time_limit_s - since(t0)), o.threads, o.relative_gap, o.log});

  const bool infeasible = model.isProvenInfeasible();
  const double* x = model.bestSolution();
  const int status = model.status();  // 0 finished, 1 stopped (time), 2 difficulties
  double cbc_bound = model.getBestPossibleObjValue();
  if (M.integral_objective && std::isfinite(cbc_bound)) cbc_bound = std::ceil(cbc_bound - 1e-6);
  double bound = budgeted ? -cbc_bound : cbc_bound;
  if (have_heuristic && std::isfinite(heuristic.bound)) {
    bound = budgeted ? std::min(bound, heuristic.bound) : std::max(bound, heuristic.bound);
  }

  std::vector<int> chosen;
  bool have_plan = false;
  if (x) {
    for (int j = 0; j < M.n_x; ++j)
      if (x[j] > 0.5) chosen.push_back(j);
    have_plan = true;
  }
  if (have_heuristic) {
    const SolveResult cbc_plan = evaluate_plan(p, chosen, o.budget, bound, "exact", T);
    const bool heuristic_better =
        !have_plan || cbc_plan.status == SolveStatus::partial ||
        (budgeted ? heuristic.objective > cbc_plan.objective + 1e-9
                                : heuristic.objective < cbc_plan.objective - 1e-9);
    if (heuristic_better) {
      chosen = heuristic.chosen;
      have_plan = true;
    }
  }
  SolveResult r = evaluate_plan(p, chosen, o.budget, bound, "exact", T);
  if (infeasible) {
    r = evaluate_plan(p, {}, o.budget, std::numeric_limits<double>::quiet_NaN(), "exact", T);
    r.status = SolveStatus::infeasible;
    r.proven_optimal = false;
  } else if (!have_plan) {
    r.status = SolveStatus::no_solution;
    r.proven_optimal = false;
    r.gap = std::numeric_limits<double>::infinity();
  } else if (status == 0 && phusong::detail::cbc_finished(model) && o.relative_gap <= 1e-9 &&
             r.status != SolveStatus::partial) {
    // CBC closed the tree (with no gap allowance): the plan is optimal.
    r.proven_optimal = true;
    r.status = SolveStatus::optimal;
    r.gap = 0;
    r.bound = r.objective;
  }
  r.seconds = since(t0);
  return r;
}

}  // namespace phusong::planning
