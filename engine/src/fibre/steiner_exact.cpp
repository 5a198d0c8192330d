// Exact Steiner tree through CBC: the directed cut formulation (Wong 1984) rooted at the first
// terminal, on the graph left by two classic reductions (non-terminal leaves; edges longer than a
// path between their ends), with
//   min  sum_a c_a x_a
//   s.t. x(delta-(t)) = 1                    every terminal t other than the root
//        x(delta-(v)) <= 1                   every other node v
//        x(delta-(v)) <= x(delta+(v))        every Steiner node v (flow balance)
//        x(delta+(root)) >= 1
//        x(delta-(W)) >= 1                   W without the root, with a terminal (cuts)
//        x in {0, 1}; no arc enters the root.
// The LP starts with the cuts whose duals the dual ascent raised: the ascent's duals stay feasible
// for it, so its bound starts at least at the ascent's (on a 3,600-node grid graph with 25
// terminals, ~453,000 against ~83,000 from the degree rows alone, which ten rounds of separation
// had not reached). Further cuts are separated on the LP by max-flow from the root to each
// terminal (the min cut nearest the terminal and the back cut) until none is violated by 1e-6; CBC then solves the MILP with those
// cuts, warm-started with the heuristic tree; an integer solution that is not connected adds the
// cuts of its components and CBC runs again. Every CBC bound is a bound of a relaxation, so the
// best one bounds the optimum.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "CoinError.hpp"
#include "CoinPackedVector.hpp"
#include "common/cbc.hpp"
#include "fibre/cut_pool.hpp"
#include "fibre/steiner_graph.hpp"
#include "phusong/error.hpp"
#include "phusong/fibre.hpp"
#include "phusong/limits.hpp"

namespace phusong::fibre {
namespace {

using detail::Clock;
using detail::kInf;

using detail::MaxFlow;

// Dual ascents run for reduced-cost fixing (one per root terminal).
constexpr std::size_t kAscentRoots = 8;

class DirectedCut {
 public:
  DirectedCut(const SteinerProblem& p, const std::vector<int>& edges, const std::vector<int>& terminals)
      : p_(p), edges_(edges) {
    // Reduced node ids.
    std::vector<int> id(p.n_nodes, -1);
    auto node = [&](int v) {
      if (id[v] < 0) id[v] = n_++, orig_.push_back(v);
      return id[v];
    };
    node(terminals.front());
    for (int t : terminals) node(t);
    for (int e : edges) eu_.push_back(node(p.edge_u[e])), ev_.push_back(node(p.edge_v[e]));
    root_ = 0;
    is_terminal_.assign(n_, 0);
    for (int t : terminals) is_terminal_[id[t]] = 1;
    id_ = std::move(id);
    in_arcs_.assign(n_, {});
    out_arcs_.assign(n_, {});
    for (int i = 0; i < static_cast<int>(edges.size()); ++i) {
      // arc 2i: u -> v, 2i + 1: v -> u
      out_arcs_[eu_[i]].push_back(2 * i), in_arcs_[ev_[i]].push_back(2 * i);
      out_arcs_[ev_[i]].push_back(2 * i + 1), in_arcs_[eu_[i]].push_back(2 * i + 1);
    }
  }

  int n_nodes() const { return n_; }
  int head(int a) const { return a % 2 == 0 ? ev_[a / 2] : eu_[a / 2]; }
  int tail(int a) const { return a % 2 == 0 ? eu_[a / 2] : ev_[a / 2]; }

  void build(OsiClpSolverInterface& lp) {
    const int n_arcs = 2 * static_cast<int>(edges_.size());
    std::vector<double> lb(n_arcs, 0.0), ub(n_arcs, 1.0), obj(n_arcs);
    for (int a = 0; a < n_arcs; ++a) {
      obj[a] = p_.edge_cost[edges_[a / 2]];
      if (head(a) == root_) ub[a] = 0;
    }
    // Row-ordered, with room to grow (an exact fit reallocates on every row: quadratic on a large
    // graph).
    CoinPackedMatrix m(false, 1.0, 0.0);
    m.setDimensions(0, n_arcs);
    std::vector<double> rlb, rub;
    auto row = [&](const CoinPackedVector& v, double l, double u) {
      m.appendRow(v);
      rlb.push_back(l);
      rub.push_back(u);
    };
    for (int v = 0; v < n_; ++v) {
      if (v == root_) continue;
      CoinPackedVector in;
      for (int a : in_arcs_[v]) in.insert(a, 1.0);
      if (is_terminal_[v]) {
        row(in, 1.0, 1.0);
      } else {
        row(in, -COIN_DBL_MAX, 1.0);
        // Flow balance, aggregated: a Steiner node entered is left (x(delta+(v)) >= x(delta-(v))).
        // The per-arc form x(delta-(v)) >= x_(v,w) is stronger but doubles the LP, which then
        // takes far longer than the cuts it saves on grid graphs.
        CoinPackedVector fb = in;
        for (int a : out_arcs_[v]) fb.insert(a, -1.0);
        row(fb, -COIN_DBL_MAX, 0.0);
      }
    }
    {
      CoinPackedVector v;
      for (int a : out_arcs_[root_]) v.insert(a, 1.0);
      row(v, 1.0, COIN_DBL_MAX);
    }
    phusong::detail::load_clp(lp, m, lb, ub, obj, rlb, rub);
  }

  // x(delta-(W)) >= 1; false when W was cut before.
  bool add_cut(const std::vector<char>& in_w) {
    return pool_.add(detail::CutPool::entering(in_w, in_arcs_, [&](int a) { return tail(a); }));
  }

  // A cut given by the problem's arcs entering W (arc 2e: edge_u -> edge_v, 2e + 1 back), such
  // as the dual ascent's: arcs of edges the reductions removed are left out (their variables are
  // 0 in the reduced problem). False when empty or added before.
  bool add_problem_cut(const std::vector<int>& problem_arcs) {
    if (pos_.empty()) {
      pos_.assign(p_.edge_u.size(), -1);
      for (int i = 0; i < static_cast<int>(edges_.size()); ++i) pos_[edges_[i]] = i;
    }
    std::vector<int> arcs;
    for (int a : problem_arcs) {
      const int i = pos_[a / 2];
      if (i >= 0 && head(2 * i + a % 2) != root_) arcs.push_back(2 * i + a % 2);
    }
    std::sort(arcs.begin(), arcs.end());
    return pool_.add(arcs);
  }

  // Adds the cuts found since the last flush to the LP.
  void flush(OsiClpSolverInterface& lp) { pool_.flush(lp); }
  int drop_slack(OsiClpSolverInterface& lp, const std::vector<double>& activity) {
    return pool_.drop_slack(lp, activity);
  }

  /// Separation stops adding cuts after this time (the LP keeps the cuts found so far).
  void set_deadline(Clock::time_point t) { deadline_ = t; }

  // Cuts violated by x (max-flow from the root to each terminal). Returns how many were added.
  int separate(OsiClpSolverInterface& lp, const double* x) {
    const int n_arcs = 2 * static_cast<int>(edges_.size());
    int added = 0;
    std::vector<double> cap(n_arcs);
    for (int t = 0; t < n_ && Clock::now() < deadline_; ++t) {
      if (!is_terminal_[t] || t == root_) continue;
      // Nested cuts (Koch & Martin 1998): after each violated cut, its arcs get capacity 1 and the
      // flow is computed again, giving further disjoint cuts between the root and t.
      std::copy(x, x + n_arcs, cap.begin());
      for (int nested = 0; nested < 20; ++nested) {
        MaxFlow mf(n_);
        for (int a = 0; a < n_arcs; ++a)
          if (cap[a] > 1e-9) mf.add(tail(a), head(a), cap[a]);
        const double flow = mf.run(root_, t, 1.0);
        if (flow >= 1.0 - 1e-6) break;
        const std::vector<char> w = mf.sink_side(t);
        if (add_cut(w)) ++added;
        if (nested == 0) {
          std::vector<char> back = mf.source_side(root_);
          for (auto& b : back) b = !b;
          if (back != w && add_cut(back)) ++added;
        }
        for (int v = 0; v < n_; ++v)
          if (w[v])
            for (int a : in_arcs_[v])
              if (!w[tail(a)]) cap[a] = 1.0;
      }
    }
    flush(lp);
    return added;
  }

  // For an integer x: the components (through chosen arcs, either direction) that hold a terminal
  // the root does not reach get their cuts. Returns the number of cuts (0: x is a connected tree).
  int separate_integer(OsiClpSolverInterface& lp, const double* x, bool& connected) {
    const int n_arcs = 2 * static_cast<int>(edges_.size());
    std::vector<std::vector<int>> out(n_), und(n_);
    for (int a = 0; a < n_arcs; ++a)
      if (x[a] > 0.5) out[tail(a)].push_back(head(a)), und[tail(a)].push_back(head(a)), und[head(a)].push_back(tail(a));
    std::vector<char> reached(n_, 0);
    std::vector<int> q{root_};
    reached[root_] = 1;
    for (std::size_t i = 0; i < q.size(); ++i)
      for (int w : out[q[i]])
        if (!reached[w]) reached[w] = 1, q.push_back(w);
    connected = true;
    int added = 0;
    std::vector<int> comp(n_, -1);
    for (int t = 0; t < n_; ++t) {
      if (!is_terminal_[t] || reached[t]) continue;
      connected = false;
      if (comp[t] >= 0) continue;
      // Its component among the chosen arcs, without the nodes the root reaches.
      std::vector<char> in_w(n_, 0);
      std::vector<int> s{t};
      in_w[t] = 1, comp[t] = t;
      for (std::size_t i = 0; i < s.size(); ++i)
        for (int w : und[s[i]])
          if (!in_w[w] && !reached[w]) in_w[w] = 1, comp[w] = t, s.push_back(w);
      if (add_cut(in_w)) ++added;
      // And everything the root does not reach.
      std::vector<char> rest(n_);
      for (int v = 0; v < n_; ++v) rest[v] = !reached[v];
      if (add_cut(rest)) ++added;
    }
    flush(lp);
    return added;
  }

  // Arcs of a tree given by problem edges, oriented away from the root; empty if the tree uses
  // an edge outside the reduced graph.
  std::vector<double> orient(const std::vector<int>& tree) const {
    std::vector<int> pos(p_.edge_u.size(), -1);
    for (int i = 0; i < static_cast<int>(edges_.size()); ++i) pos[edges_[i]] = i;
    std::vector<std::vector<std::pair<int, int>>> adj(n_);
    for (int e : tree) {
      if (pos[e] < 0) return {};
      const int i = pos[e];
      adj[eu_[i]].push_back({ev_[i], 2 * i});
      adj[ev_[i]].push_back({eu_[i], 2 * i + 1});
    }
    std::vector<double> x(2 * edges_.size(), 0.0);
    std::vector<char> seen(n_, 0);
    std::vector<int> q{root_};
    seen[root_] = 1;
    for (std::size_t k = 0; k < q.size(); ++k)
      for (auto [w, a] : adj[q[k]])
        if (!seen[w]) seen[w] = 1, x[a] = 1.0, q.push_back(w);
    return x;
  }

  // Problem edges chosen by x.
  std::vector<int> chosen_edges(const double* x) const {
    std::vector<int> out;
    for (int i = 0; i < static_cast<int>(edges_.size()); ++i)
      if (x[2 * i] > 0.5 || x[2 * i + 1] > 0.5) out.push_back(edges_[i]);
    return out;
  }

  int cuts() const { return pool_.count(); }

 private:
  const SteinerProblem& p_;
  std::vector<int> edges_;  // problem edge of each reduced edge
  int n_ = 0, root_ = 0;
  std::vector<int> orig_, id_, eu_, ev_, pos_;
  std::vector<char> is_terminal_;
  std::vector<std::vector<int>> in_arcs_, out_arcs_;
  detail::CutPool pool_{1.0};
  Clock::time_point deadline_ = Clock::time_point::max();
};

// The two reductions: edges (u, v, c) with a u-v path shorter than c (never in an optimal tree),
// then non-terminal nodes of degree 1, repeatedly. `alive` flags the edges left.
void reduce(const detail::Graph& g, const std::vector<char>& is_terminal, std::vector<char>& alive,
            Clock::time_point deadline) {
  const SteinerProblem& p = *g.p;
  const int m = static_cast<int>(p.edge_u.size());
  detail::Dijkstra dj(g.n);
  for (int e = 0; e < m && Clock::now() < deadline; ++e) {
    if (!alive[e]) continue;
    const int u = p.edge_u[e], v = p.edge_v[e];
    const double c = p.edge_cost[e];
    dj.reset();
    dj.seed(u, 0);
    bool shorter = false;
    while (!dj.heap.empty()) {
      auto [d, x] = dj.heap.top();
      dj.heap.pop();
      if (d > dj.dist[x]) continue;
      if (d >= c) break;
      if (x == v) {
        shorter = true;
        break;
      }
      for (int k = g.start[x]; k < g.start[x + 1]; ++k) {
        const int f = g.edge[k];
        if (f == e || !alive[f]) continue;
        const int w = g.nbr[k];
        const double nd = d + p.edge_cost[f];
        if (nd < dj.dist[w] && nd < c) {
          if (dj.dist[w] == kInf) dj.touched.push_back(w);
          dj.dist[w] = nd;
          dj.heap.push({nd, w});
        }
      }
    }
    if (shorter) alive[e] = 0;
  }
  std::vector<int> degree(g.n, 0);
  for (int e = 0; e < m; ++e)
    if (alive[e]) ++degree[p.edge_u[e]], ++degree[p.edge_v[e]];
  std::vector<int> stack;
  for (int v = 0; v < g.n; ++v)
    if (degree[v] == 1 && !is_terminal[v]) stack.push_back(v);
  while (!stack.empty()) {
    const int v = stack.back();
    stack.pop_back();
    if (degree[v] != 1) continue;
    for (int k = g.start[v]; k < g.start[v + 1]; ++k) {
      const int e = g.edge[k];
      if (!alive[e]) continue;
      alive[e] = 0;
      --degree[v];
      const int w = g.nbr[k];
      if (--degree[w] == 1 && !is_terminal[w]) stack.push_back(w);
      break;
    }
  }
}

SteinerResult solve_exact_impl(const SteinerProblem& p, const SteinerOptions& o);

}  // namespace

SteinerResult solve_steiner_exact(const SteinerProblem& p, const SteinerOptions& o) {
  try {
    return solve_exact_impl(p, o);
  } catch (const CoinError& e) {
    throw Error("Steiner exact: COIN-OR error in " + e.className() + "::" + e.methodName() + ": " + e.message());
  }
}

namespace {
SteinerResult solve_exact_impl(const SteinerProblem& p, const SteinerOptions& o) {
  const auto t0 = Clock::now();
  validate(p);
  if (std::isnan(o.time_limit_s) || o.time_limit_s <= 0)
    throw InputError("Steiner solve: time_limit_s = " + limits::fmt(o.time_limit_s) + " (must be > 0)");
  if (std::isnan(o.relative_gap) || o.relative_gap < 0)
    throw InputError("Steiner solve: relative_gap = " + limits::fmt(o.relative_gap) + " (must be >= 0)");
  auto at = [&](double s) { return t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s)); };
  const auto deadline = at(o.time_limit_s);
  auto left = [&] { return std::chrono::duration<double>(deadline - Clock::now()).count(); };

  const detail::Graph g(p);
  const detail::Prepared prep = detail::prepare(p, g);
  SteinerResult r;
  r.method = "exact";
  r.unreachable_terminals = prep.unreachable;
  const auto& terminals = prep.reachable;
  auto done = [&](SteinerResult& res, bool proven) {
    res.proven_optimal = proven;
    res.status = !prep.unreachable.empty() ? planning::SolveStatus::partial
                 : proven                  ? planning::SolveStatus::optimal
                                           : planning::SolveStatus::feasible;
    detail::finish_result(p, res);
    res.seconds = detail::since(t0);
    return res;
  };
  if (terminals.size() < 2) {
    r.bound = 0;
    return done(r, true);
  }
  bool integral = true;
  for (double c : p.edge_cost)
    if (std::floor(c) != c) integral = false;
  auto round_bound = [&](double b) { return integral && std::isfinite(b) ? std::ceil(b - 1e-6) : b; };

  // Bound (dual ascent to the end, as the heuristic solve does), then the heuristic tree.
  std::vector<double> rc;
  std::vector<std::vector<int>> ascent_cuts;
  const double ascent = detail::dual_ascent_bound(g, terminals, at(0.5 * o.time_limit_s), &rc, &ascent_cuts);
  double bound = round_bound(std::max(detail::heuristic_lower_bound(g, terminals), ascent));
  std::vector<int> best = detail::heuristic_tree(g, terminals, o, at(std::min(0.25 * o.time_limit_s, 10.0)));
  double best_cost = detail::edges_cost(p, best);
  auto closed = [&] { return best_cost <= bound + 1e-9 * std::max(1.0, bound); };
  auto within_gap = [&] { return best_cost - bound <= o.relative_gap * std::max(best_cost, 1e-9); };
  if (closed()) {
    r.edges = best;
    r.bound = bound;
    return done(r, true);
  }

  // Reductions.
  std::vector<char> is_terminal(p.n_nodes, 0);
  for (int t : terminals) is_terminal[t] = 1;
  const std::vector<char> comp = detail::component_of(g, terminals.front());
  std::vector<char> alive(p.edge_u.size(), 0);
  for (std::size_t e = 0; e < alive.size(); ++e) alive[e] = comp[p.edge_u[e]];
  if (o.reduce) {
    // Edges no tree cheaper than the heuristic's can use (reduced costs of the dual ascent),
    // the heuristic tree's own kept as the incumbent; then the graph reductions. The ascent is
    // run again from other terminals as roots (up to kAscentRoots in all, evenly spread, within a
    // quarter of the limit): each gives its own reduced costs, so each fixes edges the others
    // may not, and each bound is a bound.
    std::vector<char> in_best(alive.size(), 0);
    for (int e : best) in_best[e] = 1;
    auto fix = [&](const std::vector<int>& terms, double lb, const std::vector<double>& costs) {
      const std::vector<char> keep = detail::reduced_cost_fixing(g, terms, lb, costs, best_cost);
      for (std::size_t e = 0; e < alive.size(); ++e)
        if (!keep[e] && !in_best[e]) alive[e] = 0;
    };
    fix(terminals, ascent, rc);
    const std::size_t roots = std::min<std::size_t>(kAscentRoots, terminals.size());
    for (std::size_t k = 1; k < roots && Clock::now() < at(0.25 * o.time_limit_s) && !closed(); ++k) {
      std::vector<int> terms = terminals;
      std::swap(terms[0], terms[k * terminals.size() / roots]);
      std::vector<double> rc_k;
      const double lb = detail::dual_ascent_bound(g, terms, at(0.25 * o.time_limit_s), &rc_k);
      bound = std::max(bound, round_bound(lb));
      fix(terms, lb, rc_k);
    }
    if (o.log) {
      std::size_t n = 0;
      for (char a : alive) n += a != 0;
      std::printf("Steiner exact: %zu of %zu edges left by reduced-cost fixing from %zu roots, bound %.6g\n", n,
                  alive.size(), roots, bound);
    }
    if (closed()) {
      r.edges = best;
      r.bound = bound;
      return done(r, true);
    }
    reduce(g, is_terminal, alive, at(0.5 * o.time_limit_s));
  }
  std::vector<int> kept;
  for (std::size_t e = 0; e < alive.size(); ++e)
    if (alive[e]) kept.push_back(static_cast<int>(e));
  DirectedCut dc(p, kept, terminals);
  dc.set_deadline(deadline);
  r.reduced_nodes = dc.n_nodes();
  r.reduced_edges = static_cast<int>(kept.size());

  // LP with cuts.
  OsiClpSolverInterface lp;
  dc.build(lp);
  // The dual ascent's cuts first: the LP's bound starts at least at the ascent's.
  for (const auto& cut : ascent_cuts) dc.add_problem_cut(cut);
  dc.flush(lp);
  // The LP phase may use the whole limit: on a large graph each LP takes seconds to tens of
  // seconds, and the LP bound is what closes the gap there, so it gets the time branch and bound
  // could not use.
  if (o.log) std::printf("Steiner exact: %d cuts from the dual ascent\n", dc.cuts());
  const detail::LpPhase phase = detail::run_lp_phase(
      lp, deadline, [&](const double* x) { return dc.separate(lp, x); },
      [&](double value) { bound = std::max(bound, round_bound(value)); }, closed,
      // Cuts slack at a solve are deleted at once (they may be found again): on the Sơn La cuts
      // the LP then stays near its first size, and each solve is faster than with every cut kept
      // (or with cuts kept until slack in 3 solves in a row).
      [&](const std::vector<double>& activity) { return dc.drop_slack(lp, activity); }, o.log, "Steiner exact");
  r.cut_rounds += phase.rounds;
  if (lp.isProvenPrimalInfeasible()) throw Error("Steiner exact: the LP relaxation is infeasible (should not happen)");

  // MILP rounds.
  // Branch and bound only on an LP solved to its optimum, with time left for its root (see LpPhase).
  const bool lp_solved = phase.room_for_branching(left());
  while (lp_solved && !closed() && !within_gap() && left() > 0.01) {
    ++r.cut_rounds;
    const phusong::detail::IntegerRound round = phusong::detail::solve_integer_round(
        lp, o.warm_start ? dc.orient(best) : std::vector<double>{}, best_cost,
        {left(), o.threads, o.relative_gap, o.log, /*preprocess=*/false});
    bound = std::max(bound, round_bound(round.bound));
    if (round.x.empty()) break;  // time limit before any solution: keep the heuristic tree
    bool connected = false;
    const int added = dc.separate_integer(lp, round.x.data(), connected);
    if (connected) {
      std::vector<char> in_set(p.n_nodes, 0);
      for (int e : dc.chosen_edges(round.x.data())) in_set[p.edge_u[e]] = in_set[p.edge_v[e]] = 1;
      std::vector<int> tree = detail::mst_prune(g, in_set, is_terminal);
      const double c = detail::edges_cost(p, tree);
      if (c < best_cost - 1e-9 * std::max(1.0, best_cost)) best = std::move(tree), best_cost = c;
      if (round.finished && o.relative_gap <= 1e-9) bound = std::max(bound, round_bound(round.objective));
      break;  // connected: optimal for the MILP (or the time is up)
    }
    if (added == 0) break;  // cannot happen: a disconnected solution always yields a new cut
  }
  r.edges = best;
  r.bound = bound;
  r.cuts = dc.cuts();
  return done(r, closed());
}

}  // namespace

}  // namespace phusong::fibre
