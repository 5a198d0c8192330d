// A general mixed-integer program through CBC: the plan's smaller models (the operators'
// agreement, the roll-out years) are built in Python (phusong.plan.milp) and solved here, by the
// same solver and settings as the covering MILP (common/cbc.hpp).
#include <chrono>
#include <cmath>
#include <limits>
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
constexpr double kInf = std::numeric_limits<double>::infinity();

double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

double coin(double v) { return v == kInf ? COIN_DBL_MAX : (v == -kInf ? -COIN_DBL_MAX : v); }

std::string num(double v) {
  std::string s = std::to_string(v);
  return s;
}

void check(const MilpProblem& p, const MilpOptions& o) {
  const std::size_t n = p.objective.size();
  const std::size_t m = p.row_lb.size();
  auto fail = [](const std::string& what) { throw InputError("MILP: " + what); };
  if (p.col_lb.size() != n || p.col_ub.size() != n || p.integer.size() != n)
    fail(std::to_string(n) + " columns but " + std::to_string(p.col_lb.size()) + " lower bounds, " +
         std::to_string(p.col_ub.size()) + " upper bounds and " + std::to_string(p.integer.size()) + " integer flags");
  if (p.row_ub.size() != m || p.row_start.size() != m + 1)
    fail(std::to_string(m) + " rows but " + std::to_string(p.row_ub.size()) + " upper bounds and " +
         std::to_string(p.row_start.size()) + " row starts (expected rows + 1)");
  if (p.row_start.front() != 0 || static_cast<std::size_t>(p.row_start.back()) != p.column.size() ||
      p.column.size() != p.value.size())
    fail("the row starts, columns and values do not describe a CSR matrix (" + std::to_string(p.column.size()) +
         " columns, " + std::to_string(p.value.size()) + " values)");
  for (std::size_t r = 0; r < m; ++r) {
    if (p.row_start[r + 1] < p.row_start[r]) fail("row starts decrease at row " + std::to_string(r));
    if (std::isnan(p.row_lb[r]) || std::isnan(p.row_ub[r]) || p.row_lb[r] > p.row_ub[r])
      fail("row " + std::to_string(r) + ": bounds [" + num(p.row_lb[r]) + ", " + num(p.row_ub[r]) + "]");
  }
  for (std::size_t k = 0; k < p.column.size(); ++k) {
    if (p.column[k] < 0 || static_cast<std::size_t>(p.column[k]) >= n)
      fail("matrix entry " + std::to_string(k) + ": column " + std::to_string(p.column[k]) + " out of range (" +
           std::to_string(n) + " columns)");
    if (!std::isfinite(p.value[k])) fail("matrix entry " + std::to_string(k) + ": value " + num(p.value[k]));
  }
  for (std::size_t j = 0; j < n; ++j) {
    if (!std::isfinite(p.objective[j])) fail("column " + std::to_string(j) + ": objective " + num(p.objective[j]));
    if (std::isnan(p.col_lb[j]) || std::isnan(p.col_ub[j]) || p.col_lb[j] > p.col_ub[j])
      fail("column " + std::to_string(j) + ": bounds [" + num(p.col_lb[j]) + ", " + num(p.col_ub[j]) + "]");
  }
  if (!o.start.empty() && o.start.size() != n)
    fail("start has " + std::to_string(o.start.size()) + " values for " + std::to_string(n) + " columns");
  if (!(o.time_limit_s > 0)) fail("time limit " + num(o.time_limit_s) + " s (must be > 0)");
  if (o.threads < 1) fail("threads " + std::to_string(o.threads) + " (must be >= 1)");
}

}  // namespace

MilpResult solve_milp(const MilpProblem& p, const MilpOptions& o) {
  const auto t0 = Clock::now();
  check(p, o);
  const int n = static_cast<int>(p.objective.size());
  const int m = static_cast<int>(p.row_lb.size());
  const double sign = p.maximise ? -1.0 : 1.0;  // CBC minimises
  CoinPackedMatrix matrix(false, 0, 0);
  matrix.setDimensions(0, n);
  std::vector<double> obj(n), col_lb(n), col_ub(n), row_lb(m), row_ub(m);
  for (int r = 0; r < m; ++r) {
    CoinPackedVector v;
    for (auto k = p.row_start[r]; k < p.row_start[r + 1]; ++k) v.insert(p.column[k], p.value[k]);
    matrix.appendRow(v);
    row_lb[r] = coin(p.row_lb[r]);
    row_ub[r] = coin(p.row_ub[r]);
  }
  bool any_integer = false;
  for (int j = 0; j < n; ++j) {
    obj[j] = sign * p.objective[j];
    col_lb[j] = coin(p.col_lb[j]);
    col_ub[j] = coin(p.col_ub[j]);
    any_integer = any_integer || p.integer[j];
  }
  OsiClpSolverInterface solver;
  detail::load_clp(solver, matrix, col_lb, col_ub, obj, row_lb, row_ub);

  MilpResult r;
  r.x.assign(n, std::numeric_limits<double>::quiet_NaN());
  r.objective = r.bound = std::numeric_limits<double>::quiet_NaN();
  r.gap = kInf;
  if (!any_integer) {  // a linear program: Clp alone
    solver.initialSolve();
    if (solver.isProvenOptimal()) {
      const double* x = solver.getColSolution();
      r.x.assign(x, x + n);
      r.objective = r.bound = sign * solver.getObjValue();
      r.gap = 0;
      r.proven_optimal = true;
      r.status = SolveStatus::optimal;
    } else {
      r.status = solver.isProvenPrimalInfeasible() ? SolveStatus::infeasible : SolveStatus::no_solution;
    }
    r.seconds = since(t0);
    return r;
  }
  for (int j = 0; j < n; ++j)
    if (p.integer[j]) solver.setInteger(j);
  detail::name_columns_and_rows(solver);
  CbcModel model(solver);
  CbcSolverUsefulData data;
  detail::cbc_prepare(model, data, o.log);
  detail::CbcRun run{std::max(0.01, o.time_limit_s - since(t0)), o.threads, o.relative_gap, o.log};
  if (!o.start.empty()) {
    detail::set_mip_start(model, o.start);
    run.preprocess = false;  // names are looked up in the model as given (see CbcRun::preprocess)
  }
  detail::cbc_solve(model, data, run);
  const double* x = model.bestSolution();
  double best_bound = model.getBestPossibleObjValue();
  if (model.isProvenInfeasible()) {
    r.status = SolveStatus::infeasible;
  } else if (!x) {
    r.status = SolveStatus::no_solution;
    if (std::abs(best_bound) < 1e40) r.bound = sign * best_bound;
  } else {
    r.x.assign(x, x + n);
    for (int j = 0; j < n; ++j)
      if (p.integer[j]) r.x[j] = std::round(r.x[j]);
    double value = 0;
    for (int j = 0; j < n; ++j) value += p.objective[j] * r.x[j];
    r.objective = value;
    const bool closed = phusong::detail::cbc_finished(model);
    if (closed && o.relative_gap <= 1e-9) best_bound = sign * value;
    r.bound = std::abs(best_bound) < 1e40 ? sign * best_bound : (p.maximise ? kInf : -kInf);
    const double diff = p.maximise ? r.bound - value : value - r.bound;
    r.gap = std::max(0.0, diff) / std::max(std::abs(value), 1e-9);
    if (diff <= 1e-9 * std::max(1.0, std::abs(value))) r.gap = 0;
    r.proven_optimal = closed && r.gap == 0;
    r.status = r.proven_optimal ? SolveStatus::optimal : SolveStatus::feasible;
  }
  r.seconds = since(t0);
  return r;
}

}  // namespace phusong::planning
