// The solver entry points: method and status names, the dispatch on the method, and the
// evaluation of a given plan (cost, coverage, gap, status). The solvers themselves are in
// greedy.cpp (lazy greedy), local_search.cpp (Lagrangian bound, local search) and exact_cbc.cpp.
#include <algorithm>
#include <cmath>
#include <limits>
#include <ostream>
#include <string>

#include "phusong/error.hpp"
#include "phusong/planning.hpp"

namespace phusong::planning {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
}  // namespace

Method method_from_string(const std::string& name) {
  if (name == "greedy") return Method::greedy;
  if (name == "local") return Method::local;
  if (name == "exact") return Method::exact;
  throw InputError("unknown solver method '" + name + "' (known: greedy, local, exact)");
}

std::string to_string(Method method) {
  switch (method) {
    case Method::greedy: return "greedy";
    case Method::local: return "local";
    case Method::exact: return "exact";
  }
  return "?";
}

SolveStatus solve_status_from_string(const std::string& name) {
  for (SolveStatus s : {SolveStatus::optimal, SolveStatus::feasible, SolveStatus::partial, SolveStatus::infeasible,
                        SolveStatus::no_solution})
    if (to_string(s) == name) return s;
  throw InputError("unknown solve status '" + name + "' (known: optimal, feasible, partial, infeasible, no_solution)");
}

std::string to_string(SolveStatus status) {
  switch (status) {
    case SolveStatus::optimal: return "optimal";
    case SolveStatus::feasible: return "feasible";
    case SolveStatus::partial: return "partial";
    case SolveStatus::infeasible: return "infeasible";
    case SolveStatus::no_solution: return "no_solution";
  }
  return "?";
}

std::ostream& operator<<(std::ostream& os, SolveStatus status) { return os << to_string(status); }

SolveResult solve(const CoverProblem& problem, Method method, const SolveOptions& options) {
  switch (method) {
    case Method::greedy: return solve_greedy(problem, options);
    case Method::local: return solve_local(problem, options);
    case Method::exact: return solve_exact(problem, options);
  }
  throw InputError("solver method out of range");
}

void check_objective(const SolveOptions& o) {
  if (std::isnan(o.budget) || o.budget < 0)
    throw InputError("cover problem: budget " + std::to_string(o.budget) + " (must be >= 0)");
  if (!std::isfinite(o.target_weight) || o.target_weight < 0)
    throw InputError("cover problem: target weight " + std::to_string(o.target_weight) + " (must be >= 0 and finite)");
  if (o.target_weight > 0 && std::isfinite(o.budget))
    throw InputError("cover problem: a budget (" + std::to_string(o.budget) + ") and a target weight (" +
                     std::to_string(o.target_weight) + ") together: give one (budgeted covering or partial cover)");
}

SolveResult evaluate_plan(const CoverProblem& p, const std::vector<int>& chosen_in,
                          double budget, double bound, const std::string& method, double target_weight) {
  const bool budgeted = std::isfinite(budget);
  const bool target = target_weight > 0;
  SolveResult r;
  r.method = method;
  r.chosen = chosen_in;
  std::sort(r.chosen.begin(), r.chosen.end());
  r.chosen.erase(std::unique(r.chosen.begin(), r.chosen.end()), r.chosen.end());
  for (int j : r.chosen)
    if (j < 0 || static_cast<std::size_t>(j) >= p.sets.size())
      throw InputError("cover plan: candidate " + std::to_string(j) + " out of range");
  const std::size_t m = p.weight.size();
  std::vector<char> coverable(m, 0), covered(m, 0);
  for (const auto& s : p.sets)
    for (int i : s) coverable[i] = 1;
  for (int j : r.chosen) {
    r.cost += p.cost[j];
    for (int i : p.sets[j]) covered[i] = 1;
  }
  bool complete = true;  // every constraint met
  std::vector<char> is_required(m, 0);
  for (int i : p.required) is_required[i] = 1;
  for (std::size_t i = 0; i < m; ++i) {
    if (covered[i]) r.covered_weight += p.weight[i];
    if (!coverable[i]) r.uncoverable.push_back(static_cast<int>(i));
    else if (!covered[i]) {
      r.uncovered.push_back(static_cast<int>(i));
      if (is_required[i] || (!budgeted && !target && p.weight[i] > 0)) complete = false;
    }
  }
  if (!p.group.empty()) {
    std::vector<int> used;
    for (int j : r.chosen) {
      const int g = p.group[j];
      if (g < 0) continue;
      if (static_cast<std::size_t>(g) >= used.size()) used.resize(g + 1, 0);
      if (used[g]++) complete = false;
    }
  }
  if (budgeted && r.cost > budget + 1e-9 * std::max(1.0, budget)) complete = false;
  if (target && r.covered_weight < target_weight - 1e-9 * std::max(1.0, target_weight)) complete = false;
  r.objective = budgeted ? r.covered_weight : r.cost;
  r.bound = bound;
  if (std::isnan(bound)) {
    r.gap = kInf;
  } else {
    const double diff = budgeted ? bound - r.objective : r.objective - bound;
    r.gap = std::max(0.0, diff) / std::max(std::abs(r.objective), 1e-9);
    if (diff <= 1e-9 * std::max(1.0, std::abs(r.objective))) r.gap = 0;
  }
  r.proven_optimal = complete && r.gap == 0;
  r.status = !complete ? SolveStatus::partial : (r.proven_optimal ? SolveStatus::optimal : SolveStatus::feasible);
  return r;
}

}  // namespace phusong::planning
