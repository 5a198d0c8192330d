// Solvers of the planning layer: exact (CBC), local search, Lagrangian and LP bounds, greedy,
// the budgeted variant, side constraints and the OR-Library reader. Small cases are checked
// against a brute-force enumeration of every subset; OR-Library instances against Beasley's
// published optima (tests/data/orlib/README.md). Paths are relative to the repository root.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <random>
#include <string>

#include "phusong/error.hpp"
#include "phusong/planning.hpp"

using namespace phusong;
using namespace phusong::planning;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Brute force over every subset of candidates (n <= 15). Set cover: least cost covering every
// coverable item with positive weight (NaN if no subset is feasible); with a finite budget: the
// most covered weight (ties: least cost) with cost <= budget and every required item covered.
struct Brute {
  double best = NAN;
  double best_cost = NAN;
};
Brute brute_force(const CoverProblem& p, double budget = kInf) {
  const int n = static_cast<int>(p.sets.size());
  const int m = static_cast<int>(p.weight.size());
  std::vector<char> coverable(m, 0);
  for (const auto& s : p.sets)
    for (int i : s) coverable[i] = 1;
  Brute b;
  for (unsigned mask = 0; mask < (1u << n); ++mask) {
    double cost = 0;
    std::vector<char> cov(m, 0);
    std::vector<int> used(64, 0);
    bool ok = true;
    for (int j = 0; j < n; ++j)
      if (mask >> j & 1) {
        cost += p.cost[j];
        for (int i : p.sets[j]) cov[i] = 1;
        if (!p.group.empty() && p.group[j] >= 0 && used[p.group[j]]++) ok = false;
      }
    if (!ok) continue;
    for (int i : p.required)
      if (coverable[i] && !cov[i]) ok = false;
    if (!ok) continue;
    if (std::isinf(budget)) {
      for (int i = 0; i < m; ++i)
        if (coverable[i] && p.weight[i] > 0 && !cov[i]) ok = false;
      if (ok && (std::isnan(b.best) || cost < b.best - 1e-9)) b.best = b.best_cost = cost;
    } else {
      if (cost > budget + 1e-9) continue;
      double w = 0;
      for (int i = 0; i < m; ++i)
        if (cov[i]) w += p.weight[i];
      if (std::isnan(b.best) || w > b.best + 1e-9 || (std::abs(w - b.best) <= 1e-9 && cost < b.best_cost)) {
        b.best = w;
        b.best_cost = cost;
      }
    }
  }
  return b;
}

CoverProblem random_problem(std::mt19937_64& rng, int n, int m, bool groups, bool required) {
  CoverProblem p;
  p.weight.resize(m);
  for (int i = 0; i < m; ++i) p.weight[i] = 1 + static_cast<double>(rng() % 9);
  for (int j = 0; j < n; ++j) {
    std::vector<int> s;
    for (int i = 0; i < m; ++i)
      if (rng() % 4 == 0) s.push_back(i);
    p.sets.push_back(s);
    p.cost.push_back(1 + static_cast<double>(rng() % 20));
  }
  if (groups) {
    p.group.assign(n, -1);
    for (int j = 0; j < n; ++j)
      if (rng() % 3 == 0) p.group[j] = static_cast<int>(rng() % 3);
  }
  if (required) p.required = {static_cast<int>(rng() % m)};
  return p;
}

bool covers_all(const CoverProblem& p, const std::vector<int>& chosen) {
  std::vector<char> coverable(p.weight.size(), 0), cov(p.weight.size(), 0);
  for (const auto& s : p.sets)
    for (int i : s) coverable[i] = 1;
  for (int j : chosen)
    for (int i : p.sets[j]) cov[i] = 1;
  for (std::size_t i = 0; i < cov.size(); ++i)
    if (coverable[i] && p.weight[i] > 0 && !cov[i]) return false;
  return true;
}

std::string write_temp(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << text;
  return path;
}

std::string error_of(const std::string& path) {
  try {
    read_orlib_scp(path);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Small cases by hand.

TEST(Solvers, GreedyTrapExactAndLocalFindTheOptimum) {
  // Items 0..3. S2 = {1,2} at 0.9 has the best ratio, so the greedy takes it and then needs S0
  // and S1 anyway (2.9); the optimum is S0 + S1 = 2 (S2 redundant).
  CoverProblem p;
  p.sets = {{0, 1}, {2, 3}, {1, 2}};
  p.cost = {1, 1, 0.9};
  p.weight = {1, 1, 1, 1};
  EXPECT_DOUBLE_EQ(greedy_cover(p).total_cost, 2.9);
  const SolveResult g = solve_greedy(p);  // redundant S2 dropped
  EXPECT_DOUBLE_EQ(g.cost, 2.0);
  const SolveResult l = solve_local(p);
  EXPECT_EQ(l.chosen, (std::vector<int>{0, 1}));
  EXPECT_DOUBLE_EQ(l.cost, 2.0);
  const SolveResult e = solve_exact(p);
  EXPECT_EQ(e.method, "exact");
  EXPECT_EQ(e.chosen, (std::vector<int>{0, 1}));
  EXPECT_DOUBLE_EQ(e.cost, 2.0);
  EXPECT_DOUBLE_EQ(e.objective, 2.0);
  EXPECT_TRUE(e.proven_optimal);
  EXPECT_EQ(e.status, "optimal");
  EXPECT_DOUBLE_EQ(e.gap, 0.0);
  EXPECT_LE(e.bound, 2.0 + 1e-9);
  EXPECT_GE(e.seconds, 0.0);
}

TEST(Solvers, ExactWithoutWarmStartRunsCbc) {
  CoverProblem p;
  p.sets = {{0, 1}, {2, 3}, {1, 2}, {0, 3}, {0, 1, 2, 3}};
  p.cost = {3, 3, 2, 2, 5};
  p.weight = {1, 1, 1, 1};
  SolveOptions o;
  o.warm_start = false;
  const SolveResult e = solve_exact(p, o);
  EXPECT_DOUBLE_EQ(e.cost, 4.0);  // {1,2} + {0,3}
  EXPECT_EQ(e.chosen, (std::vector<int>{2, 3}));
  EXPECT_TRUE(e.proven_optimal);
  EXPECT_DOUBLE_EQ(e.bound, 4.0);
}

TEST(Solvers, UncoverableItemsAreReportedNotDropped) {
  CoverProblem p;
  p.sets = {{0, 1}, {1, 2}};
  p.cost = {2, 3};
  p.weight = {1, 1, 1, 7, 1};  // items 3 and 4: no candidate reaches them
  for (Method m : {Method::Greedy, Method::Local, Method::Exact}) {
    const SolveResult r = solve(p, m);
    EXPECT_EQ(r.method, to_string(m));
    EXPECT_EQ(r.uncoverable, (std::vector<int>{3, 4})) << r.method;
    EXPECT_TRUE(r.uncovered.empty()) << r.method;
    EXPECT_DOUBLE_EQ(r.cost, 5.0) << r.method;
    EXPECT_DOUBLE_EQ(r.covered_weight, 3.0) << r.method;
    EXPECT_EQ(r.status, "optimal") << r.method;  // the bound meets the plan
  }
}

TEST(Solvers, NothingToCover) {
  CoverProblem p;
  p.sets = {{}, {}};
  p.cost = {1, 2};
  p.weight = {1};
  const SolveResult e = solve_exact(p);
  EXPECT_TRUE(e.chosen.empty());
  EXPECT_DOUBLE_EQ(e.cost, 0.0);
  EXPECT_EQ(e.uncoverable, (std::vector<int>{0}));
  EXPECT_TRUE(e.proven_optimal);
}

TEST(Solvers, LagrangianAndLpBoundsAreBelowTheOptimum) {
  CoverProblem p;
  p.sets = {{0, 1}, {1, 2}, {2, 0}};  // odd cycle: LP = 1.5, integer optimum = 2
  p.cost = {1, 1, 1};
  p.weight = {1, 1, 1};
  EXPECT_NEAR(lp_relaxation_bound(p), 1.5, 1e-9);
  const LagrangianResult lr = lagrangian_bound(p);
  EXPECT_LE(lr.lower_bound, 2.0 + 1e-9);
  EXPECT_GE(lr.lower_bound, 1.5 - 1e-6);  // integral costs: rounded up to 2 once L(u) > 1
  EXPECT_DOUBLE_EQ(lr.best_cover_cost, 2.0);
  EXPECT_EQ(lr.multipliers.size(), 3u);
  EXPECT_EQ(lr.reduced_cost.size(), 3u);
  const SolveResult e = solve_exact(p);
  EXPECT_DOUBLE_EQ(e.cost, 2.0);
  EXPECT_TRUE(e.proven_optimal);
}

// ---------------------------------------------------------------------------------------------
// Budgeted maximal covering.

TEST(Solvers, BudgetRatioGreedyTrapAndExact) {
  // Ratio greedy takes S1 (2 per cost) and can no longer afford S0: 2 people. The best single
  // affordable candidate (S0, 10 people) wins, and that is the optimum.
  CoverProblem p;
  p.sets = {{0}, {1}};
  p.cost = {10, 1};
  p.weight = {10, 2};
  SolveOptions o;
  o.budget = 10;
  EXPECT_DOUBLE_EQ(greedy_cover(p, 10).covered_weight, 2.0);
  const SolveResult g = solve_greedy(p, o);
  EXPECT_DOUBLE_EQ(g.covered_weight, 10.0);
  const SolveResult e = solve_exact(p, o);
  EXPECT_EQ(e.chosen, (std::vector<int>{0}));
  EXPECT_DOUBLE_EQ(e.objective, 10.0);
  EXPECT_DOUBLE_EQ(e.cost, 10.0);
  EXPECT_TRUE(e.proven_optimal);
  EXPECT_EQ(e.uncovered, (std::vector<int>{1}));
  EXPECT_GE(e.bound, 10.0 - 1e-9);  // an upper bound on the covered weight
}

TEST(Solvers, BudgetWithRequiredItem) {
  // Village 2 (a school) must be covered: the budget of 2 buys it plus the best other one.
  CoverProblem p;
  p.sets = {{0}, {1}, {2}};
  p.cost = {1, 1, 1};
  p.weight = {5, 3, 1};
  p.required = {2};
  SolveOptions o;
  o.budget = 2;
  for (Method m : {Method::Greedy, Method::Local, Method::Exact}) {
    const SolveResult r = solve(p, m, o);
    EXPECT_EQ(r.chosen, (std::vector<int>{0, 2})) << r.method;
    EXPECT_DOUBLE_EQ(r.covered_weight, 6.0) << r.method;
  }
}

TEST(Solvers, RequiredItemBeyondTheBudgetIsInfeasible) {
  CoverProblem p;
  p.sets = {{0}, {1}};
  p.cost = {1, 5};
  p.weight = {1, 1};
  p.required = {1};
  SolveOptions o;
  o.budget = 3;
  EXPECT_TRUE(std::isnan(lp_relaxation_bound(p, 3)));
  EXPECT_EQ(solve_exact(p, o).status, "infeasible");
  EXPECT_EQ(solve_local(p, o).status, "infeasible");
}

TEST(Solvers, BudgetMustBeNonNegative) {
  CoverProblem p;
  p.sets = {{0}};
  p.cost = {1};
  p.weight = {1};
  SolveOptions o;
  o.budget = -1;
  EXPECT_THROW(solve_exact(p, o), InputError);
  EXPECT_THROW(solve_local(p, o), InputError);
  EXPECT_THROW(parse_method("simplex"), InputError);
  EXPECT_EQ(parse_method("local"), Method::Local);
}

// ---------------------------------------------------------------------------------------------
// Group constraints (at most one candidate per co-location group).

TEST(Solvers, AtMostOneCandidatePerGroup) {
  // S0 and S1 share a host tower: without the group the optimum is S0 + S1 = 2; with it, S2 = 3.
  CoverProblem p;
  p.sets = {{0}, {1}, {0, 1}};
  p.cost = {1, 1, 3};
  p.weight = {1, 1};
  EXPECT_DOUBLE_EQ(solve_exact(p).cost, 2.0);
  p.group = {0, 0, -1};
  for (Method m : {Method::Greedy, Method::Local, Method::Exact}) {
    const SolveResult r = solve(p, m);
    EXPECT_EQ(r.chosen, (std::vector<int>{2})) << r.method;
    EXPECT_DOUBLE_EQ(r.cost, 3.0) << r.method;
  }
  // Two items only coverable by two members of one group: no plan exists.
  p.sets = {{0}, {1}};
  p.cost = {1, 1};
  p.group = {0, 0};
  EXPECT_EQ(solve_exact(p).status, "infeasible");
  EXPECT_EQ(solve_local(p).status, "partial");
  EXPECT_EQ(solve_local(p).uncovered.size(), 1u);
}

TEST(Solvers, EvaluatePlanFlagsBrokenConstraints) {
  CoverProblem p;
  p.sets = {{0}, {1}, {0, 1}};
  p.cost = {1, 1, 3};
  p.weight = {1, 1};
  p.group = {0, 0, -1};
  EXPECT_EQ(evaluate_plan(p, {0, 1}, kInf, 2.0, "given").status, "partial");  // group broken
  EXPECT_EQ(evaluate_plan(p, {0}, kInf, 1.0, "given").status, "partial");     // item 1 uncovered
  const SolveResult ok = evaluate_plan(p, {2}, kInf, 2.5, "given");
  EXPECT_EQ(ok.status, "feasible");
  EXPECT_NEAR(ok.gap, 0.5 / 3.0, 1e-12);
  EXPECT_EQ(evaluate_plan(p, {2}, 2.0, NAN, "given").status, "partial");  // over the budget
  EXPECT_THROW(evaluate_plan(p, {5}, kInf, NAN, "given"), InputError);
}

// ---------------------------------------------------------------------------------------------
// Brute force on random instances.

TEST(Solvers, SetCoverMatchesBruteForce) {
  std::mt19937_64 rng(20240611);
  for (int trial = 0; trial < 40; ++trial) {
    const int n = 4 + static_cast<int>(rng() % 11);  // up to 14 candidates
    const int m = 3 + static_cast<int>(rng() % 8);
    const bool groups = trial % 3 == 2;
    const CoverProblem p = random_problem(rng, n, m, groups, false);
    const Brute b = brute_force(p);
    const SolveResult e = solve_exact(p);
    if (std::isnan(b.best)) {
      EXPECT_EQ(e.status, "infeasible") << "trial " << trial;
      continue;
    }
    EXPECT_NEAR(e.cost, b.best, 1e-9) << "trial " << trial;
    EXPECT_TRUE(e.proven_optimal) << "trial " << trial;
    EXPECT_LE(e.bound, b.best + 1e-9) << "trial " << trial;
    if (!groups) {
      const SolveResult l = solve_local(p);
      EXPECT_TRUE(covers_all(p, l.chosen)) << "trial " << trial;
      EXPECT_GE(l.cost, b.best - 1e-9) << "trial " << trial;
      EXPECT_LE(l.bound, b.best + 1e-9) << "trial " << trial;  // Lagrangian bound is valid
      const SolveResult g = solve_greedy(p);
      EXPECT_TRUE(covers_all(p, g.chosen)) << "trial " << trial;
      EXPECT_GE(g.cost, l.cost - 1e-9) << "trial " << trial;  // local starts from the greedy
      EXPECT_LE(lp_relaxation_bound(p), b.best + 1e-9) << "trial " << trial;
    }
  }
}

TEST(Solvers, BudgetedCoverMatchesBruteForce) {
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 40; ++trial) {
    const int n = 4 + static_cast<int>(rng() % 11);
    const int m = 3 + static_cast<int>(rng() % 8);
    const CoverProblem p = random_problem(rng, n, m, trial % 4 == 1, trial % 4 == 3);
    SolveOptions o;
    o.budget = 5 + static_cast<double>(rng() % 30);
    const Brute b = brute_force(p, o.budget);
    const SolveResult e = solve_exact(p, o);
    if (std::isnan(b.best)) {
      EXPECT_EQ(e.status, "infeasible") << "trial " << trial;
      continue;
    }
    EXPECT_NEAR(e.covered_weight, b.best, 1e-9) << "trial " << trial;
    EXPECT_LE(e.cost, o.budget + 1e-9) << "trial " << trial;
    EXPECT_TRUE(e.proven_optimal) << "trial " << trial;
    EXPECT_GE(e.bound, b.best - 1e-6) << "trial " << trial;  // upper bound on the weight
    for (Method meth : {Method::Greedy, Method::Local}) {
      const SolveResult h = solve(p, meth, o);
      EXPECT_LE(h.cost, o.budget + 1e-9) << h.method << " trial " << trial;
      EXPECT_LE(h.covered_weight, b.best + 1e-9) << h.method << " trial " << trial;
    }
  }
}

// Partial cover: the least cost covering at least T weight (and the required items), by an
// enumeration of every subset, independent of the solvers. NaN when no subset reaches T.
double brute_partial(const CoverProblem& p, double T) {
  const int n = static_cast<int>(p.sets.size());
  const int m = static_cast<int>(p.weight.size());
  std::vector<char> coverable(m, 0);  // a required item no candidate covers is reported, not a constraint
  for (const auto& s : p.sets)
    for (int i : s) coverable[i] = 1;
  double best = NAN;
  for (unsigned mask = 0; mask < (1u << n); ++mask) {
    double cost = 0, w = 0;
    std::vector<char> cov(m, 0);
    std::vector<int> used(64, 0);
    bool ok = true;
    for (int j = 0; j < n; ++j)
      if (mask >> j & 1) {
        cost += p.cost[j];
        for (int i : p.sets[j]) cov[i] = 1;
        if (!p.group.empty() && p.group[j] >= 0 && used[p.group[j]]++) ok = false;
      }
    for (int i : p.required) ok = ok && (cov[i] || !coverable[i]);
    for (int i = 0; i < m; ++i) w += cov[i] ? p.weight[i] : 0.0;
    if (ok && w >= T - 1e-9 && (std::isnan(best) || cost < best)) best = cost;
  }
  return best;
}

TEST(Solvers, PartialCoverMatchesBruteForce) {
  std::mt19937_64 rng(314);
  int checked = 0;
  for (int trial = 0; trial < 60; ++trial) {
    const int n = 4 + static_cast<int>(rng() % 11);
    const int m = 3 + static_cast<int>(rng() % 8);
    const CoverProblem p = random_problem(rng, n, m, trial % 4 == 1, trial % 4 == 3);
    double total = 0;
    for (double w : p.weight) total += w;
    SolveOptions o;
    o.target_weight = std::max(1.0, std::floor(total * (0.3 + 0.6 * ((rng() % 100) / 100.0))));
    const double best = brute_partial(p, o.target_weight);
    const SolveResult e = solve_exact(p, o);
    if (std::isnan(best)) {
      EXPECT_NE(e.status, "optimal") << "trial " << trial;
      EXPECT_NE(e.status, "feasible") << "trial " << trial;
      continue;
    }
    ++checked;
    EXPECT_EQ(e.status, "optimal") << "trial " << trial;
    EXPECT_NEAR(e.cost, best, 1e-9) << "trial " << trial;
    EXPECT_GE(e.covered_weight, o.target_weight - 1e-9) << "trial " << trial;
    EXPECT_LE(lp_relaxation_bound(p, kInf, o.target_weight), best + 1e-9) << "trial " << trial;
    for (Method meth : {Method::greedy, Method::local}) {
      const SolveResult h = solve(p, meth, o);
      if (h.status == "partial") continue;  // a heuristic blocked by the groups or a required item
      EXPECT_GE(h.covered_weight, o.target_weight - 1e-9) << h.method << " trial " << trial;
      EXPECT_GE(h.cost, best - 1e-9) << h.method << " trial " << trial;
      EXPECT_LE(h.bound, best + 1e-9) << h.method << " trial " << trial;
    }
  }
  EXPECT_GT(checked, 30);
}

TEST(Solvers, PartialCoverByHand) {
  // Items worth 5, 3, 2 (total 10). Candidates: A {0} cost 4, B {1,2} cost 3, C {0,1,2} cost 8.
  CoverProblem p{{{0}, {1, 2}, {0, 1, 2}}, {4, 3, 8}, {5, 3, 2}};
  SolveOptions o;
  o.target_weight = 5;  // B covers 5 for 3
  for (Method meth : {Method::greedy, Method::local, Method::exact}) {
    const SolveResult r = solve(p, meth, o);
    EXPECT_EQ(r.chosen, std::vector<int>{1}) << to_string(meth);
    EXPECT_DOUBLE_EQ(r.cost, 3) << to_string(meth);
  }
  o.target_weight = 10;  // A + B (7) beats C (8)
  EXPECT_EQ(solve_exact(p, o).chosen, (std::vector<int>{0, 1}));
  o.target_weight = 11;  // more than all candidates cover
  EXPECT_EQ(solve_exact(p, o).status, "infeasible");
  EXPECT_EQ(solve_greedy(p, o).status, "infeasible");
  EXPECT_TRUE(std::isnan(lp_relaxation_bound(p, kInf, 11)));
  o.budget = 5;
  o.target_weight = 5;
  EXPECT_THROW(solve_exact(p, o), InputError);  // a budget and a target together
  o.budget = kInf;
  o.target_weight = -1;
  EXPECT_THROW(solve_greedy(p, o), InputError);
}

// A general MILP: a knapsack and an assignment, checked against enumeration.
TEST(Milp, KnapsackMatchesEnumeration) {
  std::mt19937_64 rng(11);
  for (int trial = 0; trial < 20; ++trial) {
    const int n = 3 + static_cast<int>(rng() % 9);
    MilpProblem p;
    p.maximise = true;
    std::vector<double> w(n), v(n);
    for (int j = 0; j < n; ++j) {
      w[j] = 1 + static_cast<double>(rng() % 10);
      v[j] = 1 + static_cast<double>(rng() % 20);
    }
    const double cap = 5 + static_cast<double>(rng() % 20);
    p.objective = v;
    for (int j = 0; j < n; ++j) {
      p.column.push_back(j);
      p.value.push_back(w[j]);
    }
    p.row_start = {0, static_cast<std::int64_t>(n)};
    p.row_lb = {-kInf};
    p.row_ub = {cap};
    p.col_lb.assign(n, 0);
    p.col_ub.assign(n, 1);
    p.integer.assign(n, 1);
    double best = 0;
    for (unsigned mask = 0; mask < (1u << n); ++mask) {
      double ww = 0, vv = 0;
      for (int j = 0; j < n; ++j)
        if (mask >> j & 1) ww += w[j], vv += v[j];
      if (ww <= cap) best = std::max(best, vv);
    }
    const MilpResult r = solve_milp(p);
    EXPECT_EQ(r.status, "optimal") << trial;
    EXPECT_NEAR(r.objective, best, 1e-9) << trial;
    EXPECT_NEAR(r.bound, best, 1e-9) << trial;
    double ww = 0;
    for (int j = 0; j < n; ++j) ww += w[j] * r.x[j];
    EXPECT_LE(ww, cap + 1e-9) << trial;
    MilpOptions o;  // a start (the empty knapsack) changes nothing
    o.start.assign(n, 0.0);
    EXPECT_NEAR(solve_milp(p, o).objective, best, 1e-9) << trial;
  }
}

TEST(Milp, InfeasibleLinearAndBadInput) {
  MilpProblem p;  // x0 + x1 >= 3 with x in [0, 1]
  p.objective = {1, 1};
  p.row_start = {0, 2};
  p.column = {0, 1};
  p.value = {1, 1};
  p.row_lb = {3};
  p.row_ub = {kInf};
  p.col_lb = {0, 0};
  p.col_ub = {1, 1};
  p.integer = {1, 1};
  EXPECT_EQ(solve_milp(p).status, "infeasible");
  p.integer = {0, 0};
  EXPECT_EQ(solve_milp(p).status, "infeasible");
  p.row_lb = {1.5};  // an LP: min x0 + x1 with x0 + x1 >= 1.5
  const MilpResult lp = solve_milp(p);
  EXPECT_EQ(lp.status, "optimal");
  EXPECT_NEAR(lp.objective, 1.5, 1e-9);
  p.column = {0, 7};
  EXPECT_THROW(solve_milp(p), InputError);
  p.column = {0, 1};
  p.col_ub = {1};
  EXPECT_THROW(solve_milp(p), InputError);
}

TEST(Solvers, LocalSearchIsDeterministicForASeed) {
  std::mt19937_64 rng(99);
  CoverProblem p;
  p.weight.assign(60, 1.0);
  for (int j = 0; j < 300; ++j) {
    std::vector<int> s;
    for (int i = 0; i < 60; ++i)
      if (rng() % 12 == 0) s.push_back(i);
    p.sets.push_back(s);
    p.cost.push_back(1 + static_cast<double>(rng() % 50));
  }
  SolveOptions o;
  o.seed = 3;
  const SolveResult a = solve_local(p, o), b = solve_local(p, o);
  EXPECT_EQ(a.chosen, b.chosen);
  EXPECT_DOUBLE_EQ(a.cost, b.cost);
  EXPECT_TRUE(covers_all(p, a.chosen));
  EXPECT_LE(a.cost, solve_greedy(p, o).cost + 1e-9);
  const std::vector<int> start = solve_greedy(p, o).chosen;
  EXPECT_LE(solve_local(p, o, &start).cost, a.cost + 1e-9 + 0.05 * a.cost);
}

// ---------------------------------------------------------------------------------------------
// OR-Library reader.

TEST(OrlibReader, ReadsWrappedNumbers) {
  // 3 rows, 4 columns; costs and row lists wrap across lines.
  const std::string path = write_temp("phusong_scp_ok.txt", " 3 4 \n 2 3\n 4 1 \n 2 1 \n 3 \n 3\n 1 2 3 \n 1\n 4\n");
  const CoverProblem p = read_orlib_scp(path);
  EXPECT_EQ(p.weight.size(), 3u);
  EXPECT_EQ(p.cost, (std::vector<double>{2, 3, 4, 1}));
  EXPECT_EQ(p.sets[0], (std::vector<int>{0, 1}));
  EXPECT_EQ(p.sets[1], (std::vector<int>{1}));
  EXPECT_EQ(p.sets[2], (std::vector<int>{0, 1}));
  EXPECT_EQ(p.sets[3], (std::vector<int>{2}));
  EXPECT_DOUBLE_EQ(solve_exact(p).cost, 3.0);  // columns 1 and 4
}

TEST(OrlibReader, ErrorsNameFileLineAndValue) {
  const std::string missing = ::testing::TempDir() + "phusong_no_such_file.txt";
  EXPECT_NE(error_of(missing).find(missing), std::string::npos);

  const std::string bad_cost = write_temp("phusong_scp_bad_cost.txt", "2 2\n1 x\n1 1\n1 2\n");
  std::string e = error_of(bad_cost);
  EXPECT_NE(e.find(bad_cost + ":2"), std::string::npos) << e;
  EXPECT_NE(e.find("'x'"), std::string::npos) << e;
  EXPECT_NE(e.find("cost of column 2"), std::string::npos) << e;

  const std::string zero_cost = write_temp("phusong_scp_zero.txt", "1 1\n0\n1 1\n");
  e = error_of(zero_cost);
  EXPECT_NE(e.find("> 0"), std::string::npos) << e;
  EXPECT_NE(e.find("'0'"), std::string::npos) << e;

  const std::string range = write_temp("phusong_scp_range.txt", "2 3\n1 1 1\n2 1 3\n1\n4\n");
  e = error_of(range);
  EXPECT_NE(e.find(range + ":5"), std::string::npos) << e;
  EXPECT_NE(e.find("'4'"), std::string::npos) << e;
  EXPECT_NE(e.find("row 2"), std::string::npos) << e;

  const std::string too_many = write_temp("phusong_scp_count.txt", "1 2\n1 1\n5 1 2\n");
  e = error_of(too_many);
  EXPECT_NE(e.find("'5'"), std::string::npos) << e;

  const std::string truncated = write_temp("phusong_scp_short.txt", "3 2\n1 1\n1 1\n2 1");
  e = error_of(truncated);
  EXPECT_NE(e.find("unexpected end of file"), std::string::npos) << e;
  EXPECT_NE(e.find("row 2"), std::string::npos) << e;

  const std::string extra = write_temp("phusong_scp_extra.txt", "1 1\n1\n1 1\n7\n");
  e = error_of(extra);
  EXPECT_NE(e.find("end of the file"), std::string::npos) << e;
  EXPECT_NE(e.find("'7'"), std::string::npos) << e;

  const std::string header = write_temp("phusong_scp_header.txt", "-3 2\n");
  e = error_of(header);
  EXPECT_NE(e.find("number of rows"), std::string::npos) << e;
  EXPECT_NE(e.find("'-3'"), std::string::npos) << e;
}

TEST(OrlibReader, HugeDeclaredSizeIsRefusedBeforeAllocating) {
  // 20 bytes declaring 10^8 rows and columns: refused from the file size, before the reader
  // allocates the gigabytes those sizes would need (10^8 empty sets alone are 2.4 GB).
  const std::string huge = write_temp("phusong_scp_huge.txt", "100000000 100000000\n");
  const std::string e = error_of(huge);
  EXPECT_NE(e.find(huge), std::string::npos) << e;
  EXPECT_NE(e.find("100000000 rows and 100000000 columns"), std::string::npos) << e;
  EXPECT_NE(e.find("about 3.7 GiB of memory"), std::string::npos) << e;  // the estimates
  EXPECT_NE(e.find("200000002 numbers"), std::string::npos) << e;
  EXPECT_NE(e.find("only 20 bytes"), std::string::npos) << e;
  EXPECT_NE(e.find("fix the header"), std::string::npos) << e;

  // The smallest instance (5 one-digit numbers) passes the bound; a 6-byte file declaring 9 x 9
  // (20 numbers, at least 39 bytes) does not, through the text reader either.
  EXPECT_EQ(read_orlib_scp_text("1 1 1 1 1", "tiny.txt").sets, (std::vector<std::vector<int>>{{0}}));
  try {
    read_orlib_scp_text("9 9\n1", "short.txt");
    ADD_FAILURE() << "a 6-byte file declaring 9 x 9 was accepted";
  } catch (const InputError& err) {
    const std::string e = err.what();
    EXPECT_NE(e.find("short.txt: the header declares 9 rows and 9 columns"), std::string::npos) << e;
  }
}

TEST(OrlibReader, MemoryEstimateAboveTheLimitIsRefused) {
  // A well-formed instance refused under a 100-byte limit, accepted under the default one.
  const std::string text = " 3 4 \n 2 3\n 4 1 \n 2 1 \n 3 \n 3\n 1 2 3 \n 1\n 4\n";
  try {
    read_orlib_scp_text(text, "limit.txt", 100);
    ADD_FAILURE() << "the memory limit was not applied";
  } catch (const InputError& err) {
    const std::string e = err.what();
    EXPECT_NE(e.find("limit.txt: the instance (3 rows, 4 columns"), std::string::npos) << e;
    EXPECT_NE(e.find("more than the limit"), std::string::npos) << e;
    EXPECT_NE(e.find("max_memory_bytes"), std::string::npos) << e;
  }
  EXPECT_EQ(read_orlib_scp_text(text, "limit.txt").cost, (std::vector<double>{2, 3, 4, 1}));
}

// ---------------------------------------------------------------------------------------------
// OR-Library instances (Beasley; optima from OR-Library's scpinfo, see tests/data/orlib/README.md).

struct OrlibCase {
  const char* name;
  int rows, cols;
  double optimum;
};

class OrlibInstance : public ::testing::TestWithParam<OrlibCase> {};

TEST_P(OrlibInstance, ExactProvesThePublishedOptimumAndLocalIsWithinTwoPercent) {
  const OrlibCase c = GetParam();
  const std::string path = std::string("tests/data/orlib/") + c.name + ".txt";
  CoverProblem p;
  ASSERT_NO_THROW(p = read_orlib_scp(path)) << "missing or unreadable " << path
                                             << " (run the tests from the repository root)";
  ASSERT_EQ(static_cast<int>(p.weight.size()), c.rows);
  ASSERT_EQ(static_cast<int>(p.sets.size()), c.cols);

  SolveOptions o;
  o.time_limit_s = 300;  // a safety net, not a timing assertion
  const SolveResult e = solve_exact(p, o);
  EXPECT_DOUBLE_EQ(e.cost, c.optimum);
  EXPECT_TRUE(e.proven_optimal);
  EXPECT_EQ(e.status, "optimal");
  EXPECT_TRUE(e.uncovered.empty());
  EXPECT_TRUE(covers_all(p, e.chosen));

  const SolveResult l = solve_local(p, o);
  EXPECT_TRUE(covers_all(p, l.chosen));
  EXPECT_GE(l.cost, c.optimum);
  EXPECT_LE(l.cost, 1.02 * c.optimum);
  EXPECT_LE(l.bound, c.optimum);  // the Lagrangian bound

  const SolveResult g = solve_greedy(p, o);
  EXPECT_TRUE(covers_all(p, g.chosen));
  EXPECT_GE(g.cost, l.cost);

  // The exact solve also proves the optimum without the heuristic's incumbent.
  SolveOptions cold = o;
  cold.warm_start = false;
  EXPECT_DOUBLE_EQ(solve_exact(p, cold).cost, c.optimum);
}

INSTANTIATE_TEST_SUITE_P(Beasley, OrlibInstance,
                         ::testing::Values(OrlibCase{"scp41", 200, 1000, 429},
                                           OrlibCase{"scp51", 200, 2000, 253},
                                           OrlibCase{"scpa2", 300, 3000, 252},
                                           OrlibCase{"scp61", 200, 1000, 138},
                                           OrlibCase{"scpb1", 300, 3000, 69},
                                           OrlibCase{"scpc1", 400, 4000, 227},
                                           OrlibCase{"scpe1", 50, 500, 5},
                                           OrlibCase{"scpe2", 50, 500, 5}),
                         [](const ::testing::TestParamInfo<OrlibCase>& info) { return std::string(info.param.name); });
