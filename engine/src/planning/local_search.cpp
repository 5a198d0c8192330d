// Heuristics for the covering problems: the Lagrangian bound (with Beasley's Lagrangian
// heuristic), a destroy-and-repair local search for the set cover and for the budgeted maximal
// covering, and the greedy/local entry points that report a bound and a gap with every plan.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <queue>
#include <random>
#include <string>

#include "phusong/error.hpp"
#include "phusong/planning.hpp"

namespace phusong::planning {

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }
constexpr double kInf = std::numeric_limits<double>::infinity();

// The instance restricted to the items in play, in both directions (candidate -> items,
// item -> candidates).
struct Model {
  int n = 0, m = 0;
  std::vector<double> cost;
  std::vector<std::vector<int>> cols;  // candidate -> target items (sorted, unique)
  std::vector<std::vector<int>> rows;  // target item -> candidates
  std::vector<char> target;            // item is in play (coverable, and weight > 0 or required)
  std::vector<char> required;
  std::vector<double> weight;
  std::vector<int> group;              // per candidate, -1 for none
  int n_groups = 0;
  int n_targets = 0;
  bool integral_costs = true;
};

Model build_model(const CoverProblem& p) {
  Model M;
  M.n = static_cast<int>(p.sets.size());
  M.m = static_cast<int>(p.weight.size());
  M.cost = p.cost;
  M.weight = p.weight;
  M.required.assign(M.m, 0);
  for (int i : p.required) M.required[i] = 1;
  std::vector<char> coverable(M.m, 0);
  for (const auto& s : p.sets)
    for (int i : s) coverable[i] = 1;
  M.target.assign(M.m, 0);
  for (int i = 0; i < M.m; ++i)
    if (coverable[i] && (p.weight[i] > 0 || M.required[i])) {
      M.target[i] = 1;
      ++M.n_targets;
    }
  M.cols.resize(M.n);
  M.rows.resize(M.m);
  for (int j = 0; j < M.n; ++j) {
    auto& c = M.cols[j];
    for (int i : p.sets[j])
      if (M.target[i]) c.push_back(i);
    std::sort(c.begin(), c.end());
    c.erase(std::unique(c.begin(), c.end()), c.end());
    for (int i : c) M.rows[i].push_back(j);
    if (std::floor(M.cost[j]) != M.cost[j]) M.integral_costs = false;
  }
  M.group.assign(M.n, -1);
  if (!p.group.empty()) {
    M.group = p.group;
    for (int g : p.group) M.n_groups = std::max(M.n_groups, g + 1);
  }
  return M;
}

// A lower bound on an integral objective can be rounded up.
double round_bound(const Model& M, double lb) {
  return M.integral_costs ? std::ceil(lb - 1e-6) : lb;
}

// ---------------------------------------------------------------------------------------------
// Set cover state and moves.

struct CoverState {
  const Model* M = nullptr;
  std::vector<char> in;
  std::vector<int> cnt;   // per item: chosen candidates covering it
  std::vector<int> gcnt;  // per group: chosen members
  double cost = 0;
  int uncovered = 0;      // target items with cnt == 0

  explicit CoverState(const Model& model) : M(&model) {
    in.assign(M->n, 0);
    cnt.assign(M->m, 0);
    gcnt.assign(M->n_groups, 0);
    uncovered = M->n_targets;
  }
  bool group_ok(int j) const { return M->group[j] < 0 || gcnt[M->group[j]] == 0; }
  void add(int j) {
    in[j] = 1;
    cost += M->cost[j];
    if (M->group[j] >= 0) ++gcnt[M->group[j]];
    for (int i : M->cols[j])
      if (cnt[i]++ == 0) --uncovered;
  }
  void remove(int j) {
    in[j] = 0;
    cost -= M->cost[j];
    if (M->group[j] >= 0) --gcnt[M->group[j]];
    for (int i : M->cols[j])
      if (--cnt[i] == 0) ++uncovered;
  }
  std::vector<int> chosen() const {
    std::vector<int> s;
    for (int j = 0; j < M->n; ++j)
      if (in[j]) s.push_back(j);
    return s;
  }
  // (uncovered, cost) lexicographically; a tolerance on cost for floating sums.
  bool better_than(const CoverState& o) const {
    if (uncovered != o.uncovered) return uncovered < o.uncovered;
    return cost < o.cost - 1e-9;
  }
  bool worse_than(const CoverState& o) const {
    if (uncovered != o.uncovered) return uncovered > o.uncovered;
    return cost > o.cost + 1e-9;
  }
};

// Greedy repair: while some target item is uncovered, add the candidate minimising
// w_j / mu_j (w_j > 0) or w_j * mu_j (w_j <= 0), mu_j = uncovered items it covers; w_j is the
// cost or a Lagrangian reduced cost, times `factor[j]` when given (noise, penalties).
void repair(CoverState& s, const std::vector<double>& w, const std::vector<double>* factor) {
  const Model& M = *s.M;
  if (s.uncovered == 0) return;
  std::vector<int> cand;
  std::vector<char> seen(M.n, 0);
  for (int i = 0; i < M.m; ++i)
    if (M.target[i] && s.cnt[i] == 0)
      for (int j : M.rows[i])
        if (!s.in[j] && !seen[j] && s.group_ok(j)) {
          seen[j] = 1;
          cand.push_back(j);
        }
  auto score = [&](int j, int mu) {
    double wj = w[j] * (factor ? (*factor)[j] : 1.0);
    return wj > 0 ? wj / mu : wj * mu;
  };
  auto mu_of = [&](int j) {
    int mu = 0;
    for (int i : M.cols[j]) mu += s.cnt[i] == 0;
    return mu;
  };
  struct Key { double score; int j; };
  auto worse = [](const Key& a, const Key& b) { return a.score > b.score || (a.score == b.score && a.j > b.j); };
  std::priority_queue<Key, std::vector<Key>, decltype(worse)> heap(worse);
  for (int j : cand) {
    int mu = mu_of(j);
    if (mu > 0) heap.push({score(j, mu), j});
  }
  while (!heap.empty() && s.uncovered > 0) {
    Key top = heap.top();
    heap.pop();
    if (s.in[top.j] || !s.group_ok(top.j)) continue;
    int mu = mu_of(top.j);
    if (mu == 0) continue;
    double sc = score(top.j, mu);
    if (sc > top.score && !heap.empty() && worse(Key{sc, top.j}, heap.top())) {
      heap.push({sc, top.j});
      continue;
    }
    s.add(top.j);
  }
}

// Drops chosen candidates whose items are all covered twice, dearest first (ties: `tiebreak`).
void drop_redundant(CoverState& s, const std::vector<double>* tiebreak = nullptr) {
  const Model& M = *s.M;
  std::vector<int> S = s.chosen();
  std::sort(S.begin(), S.end(), [&](int a, int b) {
    if (M.cost[a] != M.cost[b]) return M.cost[a] > M.cost[b];
    if (tiebreak) return (*tiebreak)[a] > (*tiebreak)[b];
    return a < b;
  });
  for (int j : S) {
    bool redundant = true;
    for (int i : M.cols[j])
      if (s.cnt[i] < 2) { redundant = false; break; }
    if (redundant) s.remove(j);
  }
}

// 1-for-1 swaps: a chosen candidate is replaced by a cheaper one that covers every item only it
// covers. Repeated while it pays.
void improve_swaps(CoverState& s, int max_passes = 4) {
  const Model& M = *s.M;
  std::vector<int> mark(M.m, 0);
  int stamp = 0;
  for (int pass = 0; pass < max_passes; ++pass) {
    bool improved = false;
    std::vector<int> S = s.chosen();
    std::sort(S.begin(), S.end(), [&](int a, int b) { return M.cost[a] > M.cost[b] || (M.cost[a] == M.cost[b] && a < b); });
    for (int j : S) {
      if (!s.in[j]) continue;
      std::vector<int> U;
      for (int i : M.cols[j])
        if (s.cnt[i] == 1) U.push_back(i);
      if (U.empty()) {  // redundant
        s.remove(j);
        improved = true;
        continue;
      }
      ++stamp;
      for (int i : U) mark[i] = stamp;
      int best = -1;
      double best_cost = M.cost[j] - 1e-9;
      // The shortest item list to scan.
      int r0 = U[0];
      for (int i : U)
        if (M.rows[i].size() < M.rows[r0].size()) r0 = i;
      for (int j2 : M.rows[r0]) {
        if (s.in[j2] || M.cost[j2] >= best_cost) continue;
        if (M.group[j2] >= 0 && M.group[j2] != M.group[j] && s.gcnt[M.group[j2]] > 0) continue;
        int hit = 0;
        for (int i : M.cols[j2]) hit += mark[i] == stamp;
        if (hit == static_cast<int>(U.size())) {
          best = j2;
          best_cost = M.cost[j2];
        }
      }
      if (best >= 0) {
        s.remove(j);
        s.add(best);
        improved = true;
      }
    }
    if (improved) drop_redundant(s);
    if (!improved) break;
  }
}

// ---------------------------------------------------------------------------------------------
// Lagrangian relaxation (Beasley 1990): relax sum_j a_ij x_j >= 1 with u_i >= 0;
// L(u) = sum_i u_i + sum_j min(0, c_j - sum_{i in S_j} u_i). Subgradient optimisation with the
// Held-Karp step f (UB - L) / |g|^2, f halved after 30 iterations without improvement; a
// Lagrangian heuristic (x_j = 1 when its reduced cost is negative, greedy completion, redundant
// columns dropped) runs along the way and keeps the best cover.
struct LagrangianRun {
  LagrangianResult result;
  double raw_bound = -kInf;  // before rounding
};

LagrangianRun run_lagrangian(const Model& M, int max_iterations, double upper_bound,
                             double time_cap_s, const CoverState* incumbent) {
  LagrangianRun run;
  LagrangianResult& R = run.result;
  R.multipliers.assign(M.m, 0.0);
  R.reduced_cost = M.cost;
  if (M.n_targets == 0) {
    R.lower_bound = 0;
    R.best_cover_cost = 0;
    run.raw_bound = 0;
    return run;
  }
  // Items with no candidate at all are not targets, so every target row has a candidate.
  std::vector<double> u(M.m, 0.0);
  for (int i = 0; i < M.m; ++i) {
    if (!M.target[i]) continue;
    double best = kInf;
    for (int j : M.rows[i]) best = std::min(best, M.cost[j] / static_cast<double>(M.cols[j].size()));
    u[i] = best;
  }
  CoverState best_cover(M);
  bool have_cover = false;
  if (incumbent && incumbent->uncovered == 0) {
    best_cover = *incumbent;
    have_cover = true;
  }
  double ub = upper_bound;
  if (have_cover) ub = std::min(ub, best_cover.cost);

  const auto t0 = Clock::now();
  std::vector<double> C(M.n), g(M.m);
  std::vector<int> xcnt(M.m);
  double f = 2.0, best_L = -kInf;
  int since_improve = 0;
  const std::vector<double>* none = nullptr;
  int it = 0;
  for (; it < max_iterations; ++it) {
    double L = 0;
    for (int i = 0; i < M.m; ++i) L += u[i];
    std::fill(xcnt.begin(), xcnt.end(), 0);
    for (int j = 0; j < M.n; ++j) {
      double c = M.cost[j];
      for (int i : M.cols[j]) c -= u[i];
      C[j] = c;
      if (c < 0) {
        L += c;
        for (int i : M.cols[j]) ++xcnt[i];
      }
    }
    if (L > best_L + 1e-9) {
      best_L = L;
      R.multipliers = u;
      R.reduced_cost = C;
      since_improve = 0;
    } else if (++since_improve >= 30) {
      f /= 2;
      since_improve = 0;
    }
    double norm = 0;
    for (int i = 0; i < M.m; ++i) {
      if (!M.target[i]) { g[i] = 0; continue; }
      double gi = 1.0 - xcnt[i];
      if (u[i] <= 0 && gi < 0) gi = 0;
      g[i] = gi;
      norm += gi * gi;
    }
    // Lagrangian heuristic: often at first, then every 5th iteration (and when x is a cover).
    if (it < 30 || it % 5 == 0 || norm == 0) {
      CoverState s(M);
      for (int j = 0; j < M.n; ++j)
        if (C[j] < 0 && s.group_ok(j)) s.add(j);
      repair(s, M.cost, none);
      drop_redundant(s, &C);
      if (s.uncovered == 0 && (!have_cover || s.cost < best_cover.cost - 1e-9)) {
        improve_swaps(s, 2);
        best_cover = s;
        have_cover = true;
        ub = std::min(ub, s.cost);
      }
    }
    const double rounded = round_bound(M, best_L);
    if (norm == 0) break;                         // x is a cover with L(u) = its cost: optimal
    if (have_cover && rounded >= ub - 1e-9) break;  // bound meets the incumbent
    if (f < 0.005) break;
    if (time_cap_s > 0 && (it & 15) == 0 && since(t0) > time_cap_s) break;
    const double target = std::isfinite(ub) ? 1.05 * ub : 1.05 * (best_L > 0 ? best_L : 1.0) + 1.0;
    const double step = f * (target - L) / norm;
    for (int i = 0; i < M.m; ++i)
      if (M.target[i]) u[i] = std::max(0.0, u[i] + step * g[i]);
  }
  R.iterations = it;
  run.raw_bound = best_L;
  R.lower_bound = round_bound(M, best_L);
  if (have_cover) {
    R.best_cover = best_cover.chosen();
    R.best_cover_cost = best_cover.cost;
  }
  return run;
}

// ---------------------------------------------------------------------------------------------
// Destroy-and-repair local search for the set cover. Stops after `iterations` moves, or
// kStallStop moves without a better plan, or when the plan meets the lower bound.
constexpr int kStallStop = 1500;

CoverState local_search_cover(const Model& M, CoverState start, const std::vector<double>& reduced,
                              int iterations, std::uint64_t seed, double time_cap_s,
                              double lower_bound) {
  std::mt19937_64 rng(seed);
  auto uniform = [&]() { return (rng() >> 11) * 0x1.0p-53; };
  drop_redundant(start);
  improve_swaps(start);
  CoverState cur = start, best = start;
  if (M.n_targets == 0 || start.chosen().empty()) return best;
  // Repair weights: costs, and the Lagrangian reduced costs floored at a small share of the
  // cost (a candidate with a very negative reduced cost is attractive, not free).
  std::vector<double> lagr(M.n);
  for (int j = 0; j < M.n; ++j) lagr[j] = std::max(reduced[j], 1e-3 * M.cost[j]);
  std::vector<double> factor(M.n, 1.0);
  std::vector<int> touched;
  const auto t0 = Clock::now();
  int stall = 0, since_best = 0;
  for (int it = 0; it < iterations; ++it) {
    if (best.uncovered == 0 && best.cost <= lower_bound + 1e-9) break;  // proven optimal
    if (since_best >= kStallStop) break;  // no better plan for a long while
    if (time_cap_s > 0 && (it & 31) == 0 && since(t0) > time_cap_s) break;
    std::vector<int> S = cur.chosen();
    if (S.empty()) break;
    const int kmax = std::clamp(static_cast<int>(S.size()) / 6, 2, 8);
    const int k = 1 + static_cast<int>(rng() % static_cast<std::uint64_t>(kmax));
    // Destroy: k chosen candidates, either at random or around one of them.
    std::vector<int> pool;
    if (rng() % 2 == 0) {
      pool = S;
    } else {
      const int j0 = S[rng() % S.size()];
      std::vector<char> seen(M.n, 0);
      pool.push_back(j0);
      seen[j0] = 1;
      for (int i : M.cols[j0])
        for (int j : M.rows[i])
          if (cur.in[j] && !seen[j]) {
            seen[j] = 1;
            pool.push_back(j);
          }
      // Reach one step further when the neighbourhood is small.
      if (static_cast<int>(pool.size()) < k) pool = S;
    }
    std::shuffle(pool.begin(), pool.end(), rng);
    if (static_cast<int>(pool.size()) > k) pool.resize(k);
    CoverState saved = cur;
    for (int j : touched) factor[j] = 1.0;
    touched.clear();
    const bool use_lagr = rng() % 2 == 0;
    const double noise = 0.3 * uniform();
    for (int j : pool) {
      cur.remove(j);
      factor[j] = 1.5;  // discourage putting the same candidate straight back
      touched.push_back(j);
    }
    // Noise on the candidates that can cover the freed items.
    for (int j : pool)
      for (int i : M.cols[j])
        if (cur.cnt[i] == 0)
          for (int j2 : M.rows[i]) {
            if (factor[j2] == 1.0) touched.push_back(j2);
            factor[j2] = (factor[j2] > 1.0 ? factor[j2] : 1.0) * (1.0 + noise * uniform());
          }
    repair(cur, use_lagr ? lagr : M.cost, &factor);
    drop_redundant(cur);
    // Swaps cost O(|S| x column length x row length): only for near-acceptable moves.
    if (cur.uncovered == saved.uncovered && cur.cost <= saved.cost * 1.01 + 1e-9) improve_swaps(cur, 1);
    if (cur.worse_than(saved)) {
      cur = std::move(saved);
    }
    if (cur.better_than(best)) {
      best = cur;
      stall = 0;
      since_best = 0;
    } else {
      ++since_best;
      if (++stall >= 400) {
        cur = best;  // restart from the best
        stall = 0;
      }
    }
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// Budgeted maximal covering state and local search.

struct BudgetState {
  const Model* M = nullptr;
  std::vector<char> in;
  std::vector<int> cnt;
  std::vector<int> gcnt;
  double cost = 0, covered = 0;
  int req_uncovered = 0;

  explicit BudgetState(const Model& model) : M(&model) {
    in.assign(M->n, 0);
    cnt.assign(M->m, 0);
    gcnt.assign(M->n_groups, 0);
    for (int i = 0; i < M->m; ++i) req_uncovered += M->target[i] && M->required[i];
  }
  bool group_ok(int j) const { return M->group[j] < 0 || gcnt[M->group[j]] == 0; }
  void add(int j) {
    in[j] = 1;
    cost += M->cost[j];
    if (M->group[j] >= 0) ++gcnt[M->group[j]];
    for (int i : M->cols[j])
      if (cnt[i]++ == 0) {
        covered += std::max(0.0, M->weight[i]);
        req_uncovered -= M->required[i];
      }
  }
  void remove(int j) {
    in[j] = 0;
    cost -= M->cost[j];
    if (M->group[j] >= 0) --gcnt[M->group[j]];
    for (int i : M->cols[j])
      if (--cnt[i] == 0) {
        covered -= std::max(0.0, M->weight[i]);
        req_uncovered += M->required[i];
      }
  }
  std::vector<int> chosen() const {
    std::vector<int> s;
    for (int j = 0; j < M->n; ++j)
      if (in[j]) s.push_back(j);
    return s;
  }
  // Lexicographic: fewer uncovered required items, more weight, less cost.
  int compare(const BudgetState& o) const {
    if (req_uncovered != o.req_uncovered) return req_uncovered < o.req_uncovered ? 1 : -1;
    const double tol = 1e-9 * std::max(1.0, std::abs(covered));
    if (covered > o.covered + tol) return 1;
    if (covered < o.covered - tol) return -1;
    if (cost < o.cost - 1e-9) return 1;
    if (cost > o.cost + 1e-9) return -1;
    return 0;
  }
};

// The candidate adding the most per cost (noise `factor` on the cost, when given) among those not
// chosen, allowed by their group and costing at most `budget_left`: counting the uncovered
// required items (required_phase) or the uncovered weight capped at `gain_cap`. -1 if none adds.
int best_ratio_candidate(const BudgetState& s, bool required_phase, double budget_left, double gain_cap,
                         const std::vector<double>* factor) {
  const Model& M = *s.M;
  int best = -1;
  double best_ratio = 0;
  for (int j = 0; j < M.n; ++j) {
    if (s.in[j] || !s.group_ok(j) || M.cost[j] > budget_left) continue;
    double gain = 0;
    for (int i : M.cols[j])
      if (s.cnt[i] == 0) gain += required_phase ? (M.required[i] ? 1.0 : 0.0) : std::max(0.0, M.weight[i]);
    gain = std::min(gain, gain_cap);
    if (gain <= 0) continue;
    const double ratio = gain / (M.cost[j] * (factor ? (*factor)[j] : 1.0));
    if (ratio > best_ratio) {
      best_ratio = ratio;
      best = j;
    }
  }
  return best;
}

// Fills the budget greedily: first required items (count per cost), then weight per cost.
void budget_fill(BudgetState& s, double budget, const std::vector<double>* factor) {
  for (int phase = 0; phase < 2; ++phase) {
    if (phase == 0 && s.req_uncovered == 0) continue;
    for (;;) {
      const int best = best_ratio_candidate(s, phase == 0, budget + 1e-9 - s.cost, kInf, factor);
      if (best < 0) break;
      s.add(best);
      if (phase == 0 && s.req_uncovered == 0) break;
    }
  }
}

// Destroy and refill, shared by the budgeted and the partial cover: remove 1-3 chosen candidates
// at random, refill with noisy ratios (`refill(state, factor)`), keep the move unless `compare`
// says it is worse, restart from the best after 200 idle moves; stops early when `done(best)`.
template <class Refill, class Compare, class Done>
BudgetState destroy_and_refill(const Model& M, BudgetState start, int iterations, std::uint64_t seed,
                               double time_cap_s, Refill refill, Compare compare, Done done) {
  std::mt19937_64 rng(seed);
  auto uniform = [&]() { return (rng() >> 11) * 0x1.0p-53; };
  BudgetState cur = start, best = start;
  std::vector<double> factor(M.n, 1.0);
  const auto t0 = Clock::now();
  int stall = 0;
  for (int it = 0; it < iterations; ++it) {
    if (done(best)) break;
    if (time_cap_s > 0 && (it & 7) == 0 && since(t0) > time_cap_s) break;
    std::vector<int> S = cur.chosen();
    BudgetState saved = cur;
    const int k = S.empty() ? 0 : 1 + static_cast<int>(rng() % std::min<std::size_t>(3, S.size()));
    std::shuffle(S.begin(), S.end(), rng);
    for (int q = 0; q < k; ++q) cur.remove(S[q]);
    const double noise = 0.3 * uniform();
    for (int j = 0; j < M.n; ++j) factor[j] = 1.0 + noise * uniform();
    for (int q = 0; q < k; ++q) factor[S[q]] *= 1.5;
    refill(cur, factor);
    if (compare(cur, saved) < 0) cur = std::move(saved);
    if (compare(cur, best) > 0) {
      best = cur;
      stall = 0;
    } else if (++stall >= 200) {
      cur = best;
      stall = 0;
    }
  }
  return best;
}

BudgetState local_search_budget(const Model& M, BudgetState start, double budget, int iterations,
                                std::uint64_t seed, double time_cap_s, double upper_bound) {
  return destroy_and_refill(
      M, std::move(start), iterations, seed, time_cap_s,
      [&](BudgetState& s, const std::vector<double>& factor) {
        budget_fill(s, budget, &factor);
        budget_fill(s, budget, nullptr);  // use what budget is left, without noise
      },
      [](const BudgetState& x, const BudgetState& y) { return x.compare(y); },
      [&](const BudgetState& b) { return b.req_uncovered == 0 && b.covered >= upper_bound - 1e-9; });
}

// ---------------------------------------------------------------------------------------------
// Partial cover (a target weight T): the state of the budgeted variant, filled until it covers T.

// Lexicographic: fewer uncovered required items, the target met (or nearer), less cost.
int compare_target(const BudgetState& a, const BudgetState& b, double T) {
  if (a.req_uncovered != b.req_uncovered) return a.req_uncovered < b.req_uncovered ? 1 : -1;
  const double tol = 1e-9 * std::max(1.0, T);
  const double short_a = std::max(0.0, T - a.covered), short_b = std::max(0.0, T - b.covered);
  if (short_a < short_b - tol) return 1;
  if (short_a > short_b + tol) return -1;
  if (a.cost < b.cost - 1e-9) return 1;
  if (a.cost > b.cost + 1e-9) return -1;
  return 0;
}

// The partial-cover greedy: required items first (count per cost), then the candidate with the
// most of the still-needed weight, min(new weight, T - covered), per cost, until T is covered.
void target_fill(BudgetState& s, double T, const std::vector<double>* factor) {
  const double tol = 1e-9 * std::max(1.0, T);
  for (int phase = 0; phase < 2; ++phase) {
    for (;;) {
      if (phase == 0 ? s.req_uncovered == 0 : s.covered >= T - tol) break;
      const int best = best_ratio_candidate(s, phase == 0, kInf, phase == 1 ? T - s.covered : kInf, factor);
      if (best < 0) break;
      s.add(best);
    }
  }
}

// Drops chosen candidates, dearest first, while the plan still covers T and every required item.
void target_prune(BudgetState& s, double T) {
  const Model& M = *s.M;
  std::vector<int> S = s.chosen();
  std::stable_sort(S.begin(), S.end(), [&](int a, int b) { return M.cost[a] > M.cost[b]; });
  const double tol = 1e-9 * std::max(1.0, T);
  for (int j : S) {
    const int req = s.req_uncovered;
    s.remove(j);
    if (s.req_uncovered > req || s.covered < T - tol) s.add(j);
  }
}

BudgetState local_search_target(const Model& M, BudgetState start, double T, int iterations, std::uint64_t seed,
                                double time_cap_s, double lower_bound) {
  return destroy_and_refill(
      M, std::move(start), iterations, seed, time_cap_s,
      [&](BudgetState& s, const std::vector<double>& factor) {
        target_fill(s, T, &factor);
        target_prune(s, T);
      },
      [&](const BudgetState& x, const BudgetState& y) { return compare_target(x, y, T); },
      [&](const BudgetState& b) {
        return b.req_uncovered == 0 && b.covered >= T - 1e-9 * std::max(1.0, T) && b.cost <= lower_bound * (1 + 1e-9);
      });
}

// ---------------------------------------------------------------------------------------------
// Result assembly.

}  // namespace

namespace {

SolveResult make_result(const CoverProblem& p, const std::vector<int>& chosen, const std::string& method,
                        double budget, double bound, double target_weight = 0) {
  return evaluate_plan(p, chosen, budget, bound, method, target_weight);
}

// A budgeted/partial-cover state holding the candidates of a start plan (repeats ignored).
BudgetState budget_state_from(const Model& M, const std::vector<int>& chosen) {
  BudgetState s(M);
  for (int j : chosen) {
    if (j < 0 || j >= M.n)
      throw InputError("cover problem: start plan names candidate " + std::to_string(j) + " out of range");
    if (!s.in[j]) s.add(j);
  }
  return s;
}

// Partial cover by greedy (with_local: then the local search), bound from the LP relaxation.
SolveResult target_impl(const CoverProblem& p, const SolveOptions& o, const Model& M, const std::string& method,
                        bool with_bound, bool with_local, const std::vector<int>* start) {
  const auto t0 = Clock::now();
  const double T = o.target_weight;
  BudgetState s = start ? budget_state_from(M, *start) : BudgetState(M);
  target_fill(s, T, nullptr);
  target_prune(s, T);
  const double lb = with_bound ? lp_relaxation_bound(p, kInf, T) : std::numeric_limits<double>::quiet_NaN();
  if (with_local && !std::isnan(lb)) {
    const int iters = std::min(o.local_iterations, 1500);
    s = local_search_target(M, s, T, iters, o.seed, std::max(0.0, o.time_limit_s - since(t0)), lb);
  }
  const double bound = std::isfinite(lb) ? round_bound(M, lb) : lb;
  SolveResult r = make_result(p, s.chosen(), method, kInf, bound, T);
  if (with_bound && std::isnan(lb)) r.status = SolveStatus::infeasible;  // the target exceeds all coverable weight
  r.seconds = since(t0);
  return r;
}

CoverState cover_state_from(const Model& M, const std::vector<int>& chosen) {
  CoverState s(M);
  std::vector<char> seen(M.n, 0);
  for (int j : chosen) {
    if (j < 0 || j >= M.n)
      throw InputError("cover problem: start plan names candidate " + std::to_string(j) + " out of range");
    if (!seen[j]) {
      seen[j] = 1;
      s.add(j);
    }
  }
  return s;
}

SolveResult greedy_impl(const CoverProblem& p, const SolveOptions& o, bool with_bound) {
  const auto t0 = Clock::now();
  validate(p);
  check_objective(o);
  const bool budgeted = std::isfinite(o.budget);
  const Model M = build_model(p);
  if (o.target_weight > 0) return target_impl(p, o, M, "greedy", with_bound, false, nullptr);
  std::vector<int> chosen;
  double bound = std::numeric_limits<double>::quiet_NaN();
  if (!budgeted) {
    CoverState s = cover_state_from(M, greedy_cover(p).chosen);
    drop_redundant(s);
    chosen = s.chosen();
    if (with_bound) {
      const auto run = run_lagrangian(M, o.lagrangian_iterations, s.uncovered == 0 ? s.cost : kInf,
                                      o.time_limit_s, nullptr);
      bound = run.result.lower_bound;
    }
  } else {
    CoverPlan g = greedy_cover(p, o.budget);
    BudgetState s = [&] {
      BudgetState b(M);
      for (int j : g.chosen) b.add(j);
      return b;
    }();
    // The best single affordable candidate (with the ratio greedy: a (1-1/e)/2 guarantee).
    for (int j = 0; j < M.n; ++j) {
      if (M.cost[j] > o.budget) continue;
      BudgetState one(M);
      one.add(j);
      if (one.compare(s) > 0) s = one;
    }
    chosen = s.chosen();
    if (with_bound) bound = lp_relaxation_bound(p, o.budget);
  }
  SolveResult r = make_result(p, chosen, "greedy", o.budget, bound);
  if (budgeted && with_bound && std::isnan(bound)) r.status = SolveStatus::infeasible;
  r.seconds = since(t0);
  return r;
}

}  // namespace

LagrangianResult lagrangian_bound(const CoverProblem& problem, int max_iterations, double upper_bound) {
  validate(problem);
  const Model M = build_model(problem);
  return run_lagrangian(M, max_iterations, upper_bound, 0, nullptr).result;
}

SolveResult solve_greedy(const CoverProblem& problem, const SolveOptions& options) {
  return greedy_impl(problem, options, true);
}

SolveResult solve_local(const CoverProblem& p, const SolveOptions& o, const std::vector<int>* start) {
  const auto t0 = Clock::now();
  validate(p);
  check_objective(o);
  const bool budgeted = std::isfinite(o.budget);
  const Model M = build_model(p);
  if (o.target_weight > 0) return target_impl(p, o, M, "local", true, true, start);
  const double cap = o.time_limit_s;
  if (!budgeted) {
    CoverState s = start ? cover_state_from(M, *start) : cover_state_from(M, greedy_cover(p).chosen);
    if (s.uncovered > 0) repair(s, M.cost, nullptr);
    drop_redundant(s);
    improve_swaps(s);
    const auto run = run_lagrangian(M, o.lagrangian_iterations, kInf, cap, &s);
    const double lb = run.result.lower_bound;
    if (run.result.best_cover_cost < s.cost - 1e-9 || s.uncovered > 0)
      if (!run.result.best_cover.empty() || M.n_targets == 0) s = cover_state_from(M, run.result.best_cover);
    const double left = std::max(0.0, cap - since(t0));
    CoverState best = local_search_cover(M, s, run.result.reduced_cost, o.local_iterations, o.seed, left, lb);
    SolveResult r = make_result(p, best.chosen(), "local", o.budget, lb);
    r.seconds = since(t0);
    return r;
  }
  BudgetState s = budget_state_from(M, start ? *start : greedy_impl(p, o, false).chosen);
  budget_fill(s, o.budget, nullptr);
  const double ub = lp_relaxation_bound(p, o.budget);
  if (std::isnan(ub)) {
    SolveResult r = make_result(p, s.chosen(), "local", o.budget, ub);
    r.status = SolveStatus::infeasible;
    r.seconds = since(t0);
    return r;
  }
  const int iters = std::min(o.local_iterations, 1500);
  const double left = std::max(0.0, cap - since(t0));
  BudgetState best = local_search_budget(M, s, o.budget, iters, o.seed, left, ub);
  SolveResult r = make_result(p, best.chosen(), "local", o.budget, ub);
  r.seconds = since(t0);
  return r;
}

}  // namespace phusong::planning
