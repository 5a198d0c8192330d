// The household stage of the fibre plan exactly: from an existing tree, the least-cost set of
// optional terminals (bản) whose prize (households) reaches a target, with the edges joining them
// -- a quota Steiner tree (rooted prize-collecting Steiner tree with a quota constraint).
//
// Directed cut formulation with the tree's nodes contracted into one root r:
//   min  sum_a c_a x_a + sum_k e_k y_k
//   s.t. x(delta-(v)) <= 1                    every node v other than r
//        y_k <= x(delta-(t_k))                every terminal k not on the tree
//        x(delta-(v)) <= x(delta+(v))         every node that hosts no terminal (flow balance)
//        sum_k p_k y_k >= P                   the quota
//        x(delta-(W)) >= y_k                  W without r, holding t_k (cuts)
//        x, y in {0, 1}; no arc enters r.
// Nodes and terminals farther from the tree than the incumbent's cost are left out (costs are
// >= 0, so no better solution uses them). Cuts are separated on the LP by max-flow from r to each
// terminal with y_k > 0 until none is violated; CBC then solves the MILP warm-started with the
// incumbent (the greedy of grow_tree); an integer solution that is not connected adds the cuts of
// its components and CBC runs again.
#include <algorithm>
#include <cmath>
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

class QuotaModel {
 public:
  // `node_of`: graph node -> model node (0 = the root, -1 = left out).
  QuotaModel(const SteinerProblem& g, const std::vector<int>& node_of, int n_model, const std::vector<int>& term_node,
             const std::vector<double>& prize, const std::vector<double>& extra, double target)
      : g_(g), n_(n_model), term_node_(term_node), prize_(prize), extra_(extra), target_(target) {
    in_arcs_.assign(n_, {});
    out_arcs_.assign(n_, {});
    for (int e = 0; e < static_cast<int>(g.edge_u.size()); ++e) {
      const int u = node_of[g.edge_u[e]], v = node_of[g.edge_v[e]];
      if (u < 0 || v < 0 || u == v) continue;
      if (v != 0) add_arc(u, v, e);
      if (u != 0) add_arc(v, u, e);
    }
    hosts_.assign(n_, 0);
    for (int t : term_node_)
      if (t > 0) hosts_[t] = 1;
  }

  int n_arcs() const { return static_cast<int>(tail_.size()); }
  int n_terms() const { return static_cast<int>(term_node_.size()); }
  int y(int k) const { return n_arcs() + k; }
  int n_nodes() const { return n_; }

  void build(OsiClpSolverInterface& lp) {
    const int na = n_arcs(), nt = n_terms();
    std::vector<double> lb(na + nt, 0.0), ub(na + nt, 1.0), obj(na + nt);
    for (int a = 0; a < na; ++a) obj[a] = g_.edge_cost[edge_[a]];
    for (int k = 0; k < nt; ++k) {
      obj[y(k)] = extra_[k];
      if (term_node_[k] < 0) ub[y(k)] = 0;  // left out: cannot be reached cheaper than the incumbent
    }
    CoinPackedMatrix m(false, 1.0, 0.0);
    m.setDimensions(0, na + nt);
    std::vector<double> rlb, rub;
    auto row = [&](const CoinPackedVector& v, double l, double u) {
      m.appendRow(v);
      rlb.push_back(l);
      rub.push_back(u);
    };
    for (int v = 1; v < n_; ++v) {
      CoinPackedVector in;
      for (int a : in_arcs_[v]) in.insert(a, 1.0);
      row(in, -COIN_DBL_MAX, 1.0);
      if (!hosts_[v]) {
        CoinPackedVector fb = in;
        for (int a : out_arcs_[v]) fb.insert(a, -1.0);
        row(fb, -COIN_DBL_MAX, 0.0);
      }
    }
    for (int k = 0; k < nt; ++k) {
      const int t = term_node_[k];
      if (t <= 0) continue;
      CoinPackedVector v;
      v.insert(y(k), 1.0);
      for (int a : in_arcs_[t]) v.insert(a, -1.0);
      row(v, -COIN_DBL_MAX, 0.0);
    }
    {
      CoinPackedVector q;
      for (int k = 0; k < nt; ++k)
        if (prize_[k] != 0) q.insert(y(k), prize_[k]);
      row(q, target_, COIN_DBL_MAX);
    }
    phusong::detail::load_clp(lp, m, lb, ub, obj, rlb, rub);
  }

  // x(delta-(W)) - y_k >= 0; false when this cut was added before.
  bool add_cut(const std::vector<char>& in_w, int k) {
    return pool_.add(detail::CutPool::entering(in_w, in_arcs_, [&](int a) { return tail_[a]; }), y(k), -1.0);
  }

  void flush(OsiClpSolverInterface& lp) { pool_.flush(lp); }
  int drop_slack(OsiClpSolverInterface& lp, const std::vector<double>& activity) {
    return pool_.drop_slack(lp, activity);
  }

  void set_deadline(Clock::time_point t) { deadline_ = t; }

  // Cuts violated by the LP solution (max-flow from the root to each terminal with y_k > 0).
  int separate(OsiClpSolverInterface& lp, const double* x) {
    int added = 0;
    for (int k = 0; k < n_terms() && Clock::now() < deadline_; ++k) {
      const int t = term_node_[k];
      const double yk = x[y(k)];
      if (t <= 0 || yk <= 1e-6) continue;
      MaxFlow mf(n_);
      for (int a = 0; a < n_arcs(); ++a)
        if (x[a] > 1e-9) mf.add(tail_[a], head_[a], x[a]);
      if (mf.run(0, t, yk) >= yk - 1e-6) continue;
      const std::vector<char> w = mf.sink_side(t);
      if (add_cut(w, k)) ++added;
      std::vector<char> back = mf.source_side(0);
      for (auto& b : back) b = !b;
      if (back != w && add_cut(back, k)) ++added;
    }
    flush(lp);
    return added;
  }

  // For an integer solution: the cuts of chosen terminals the root does not reach.
  int separate_integer(OsiClpSolverInterface& lp, const double* x, bool& connected) {
    std::vector<std::vector<int>> out(n_), und(n_);
    for (int a = 0; a < n_arcs(); ++a)
      if (x[a] > 0.5) out[tail_[a]].push_back(head_[a]), und[tail_[a]].push_back(head_[a]),
                      und[head_[a]].push_back(tail_[a]);
    const std::vector<char> reached = reach(out);
    connected = true;
    int added = 0;
    for (int k = 0; k < n_terms(); ++k) {
      const int t = term_node_[k];
      if (t <= 0 || x[y(k)] < 0.5 || reached[t]) continue;
      connected = false;
      std::vector<char> in_w(n_, 0);
      std::vector<int> s{t};
      in_w[t] = 1;
      for (std::size_t i = 0; i < s.size(); ++i)
        for (int w : und[s[i]])
          if (!in_w[w] && !reached[w]) in_w[w] = 1, s.push_back(w);
      if (add_cut(in_w, k)) ++added;
      std::vector<char> rest(n_);
      for (int v = 0; v < n_; ++v) rest[v] = !reached[v];
      if (add_cut(rest, k)) ++added;
    }
    flush(lp);
    return added;
  }

  // Columns of a solution given by graph edges and chosen terminals: the edges oriented away from
  // the root; empty when an edge is not in the model.
  std::vector<double> columns(const std::vector<int>& edges, const std::vector<int>& chosen) const {
    std::vector<std::vector<std::pair<int, int>>> adj(n_);  // (node, arc)
    std::vector<int> first_arc(g_.edge_u.size(), -1);
    for (int a = 0; a < n_arcs(); ++a) {
      if (first_arc[edge_[a]] < 0) first_arc[edge_[a]] = a;
    }
    std::vector<double> x(n_arcs() + n_terms(), 0.0);
    for (int e : edges) {
      if (first_arc[e] < 0) return {};
      for (int a = first_arc[e]; a < n_arcs() && edge_[a] == e; ++a) adj[tail_[a]].push_back({head_[a], a});
    }
    std::vector<char> seen(n_, 0);
    std::vector<int> q{0};
    seen[0] = 1;
    for (std::size_t i = 0; i < q.size(); ++i)
      for (auto [w, a] : adj[q[i]])
        if (!seen[w]) seen[w] = 1, x[a] = 1.0, q.push_back(w);
    for (int k : chosen) x[y(k)] = 1.0;
    return x;
  }

  // The graph edges and terminals of a connected integer solution, non-terminal leaves pruned.
  void solution(const double* x, std::vector<int>& edges, std::vector<int>& chosen) const {
    chosen.clear();
    std::vector<char> keep_node(n_, 0);
    keep_node[0] = 1;
    for (int k = 0; k < n_terms(); ++k)
      if (x[y(k)] > 0.5) {
        chosen.push_back(k);
        if (term_node_[k] > 0) keep_node[term_node_[k]] = 1;
      }
    std::vector<int> arcs;
    for (int a = 0; a < n_arcs(); ++a)
      if (x[a] > 0.5) arcs.push_back(a);
    // Prune: an arc whose head has no chosen arc out of it and holds no chosen terminal.
    bool changed = true;
    while (changed) {
      changed = false;
      std::vector<int> out_deg(n_, 0);
      for (int a : arcs) ++out_deg[tail_[a]];
      std::vector<int> next;
      for (int a : arcs) {
        if (out_deg[head_[a]] == 0 && !keep_node[head_[a]]) {
          changed = true;
          continue;
        }
        next.push_back(a);
      }
      arcs.swap(next);
    }
    edges.clear();
    for (int a : arcs) edges.push_back(edge_[a]);
    std::sort(edges.begin(), edges.end());
    edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  }

  int cuts() const { return pool_.count(); }

 private:
  void add_arc(int u, int v, int e) {
    const int a = n_arcs();
    tail_.push_back(u), head_.push_back(v), edge_.push_back(e);
    out_arcs_[u].push_back(a), in_arcs_[v].push_back(a);
  }
  std::vector<char> reach(const std::vector<std::vector<int>>& out) const {
    std::vector<char> seen(n_, 0);
    std::vector<int> q{0};
    seen[0] = 1;
    for (std::size_t i = 0; i < q.size(); ++i)
      for (int w : out[q[i]])
        if (!seen[w]) seen[w] = 1, q.push_back(w);
    return seen;
  }

  const SteinerProblem& g_;
  int n_;
  std::vector<int> term_node_;
  std::vector<double> prize_, extra_;
  double target_;
  std::vector<int> tail_, head_, edge_;  // per arc (arcs of one edge are consecutive)
  std::vector<std::vector<int>> in_arcs_, out_arcs_;
  std::vector<char> hosts_;
  detail::CutPool pool_{0.0};
  Clock::time_point deadline_ = Clock::time_point::max();
};

double solution_cost(const SteinerProblem& g, const std::vector<int>& edges, const std::vector<int>& chosen,
                     const std::vector<double>& extra) {
  double c = detail::edges_cost(g, edges);
  for (int k : chosen) c += extra[k];
  return c;
}

QuotaResult solve_impl(const SteinerProblem& g, const std::vector<int>& tree_nodes, const std::vector<int>& terminals,
                       const std::vector<double>& prize, const std::vector<double>& extra, double target,
                       const std::vector<int>& start_terminals, const std::vector<int>& start_edges,
                       double start_bound, const QuotaOptions& o) {
  const auto t0 = Clock::now();
  if (tree_nodes.empty()) throw InputError("quota tree: the initial tree has no node");
  detail::validate_graph(g);  // the edges in place; the terminals are checked below
  const int nt = static_cast<int>(terminals.size());
  if (prize.size() != terminals.size() || extra.size() != terminals.size())
    throw InputError("quota tree: " + std::to_string(nt) + " terminals but " + std::to_string(prize.size()) +
                     " prizes and " + std::to_string(extra.size()) + " extra costs");
  for (int v : tree_nodes)
    if (v < 0 || v >= g.n_nodes) throw InputError("quota tree: tree node " + std::to_string(v) + " outside the graph");
  for (int k = 0; k < nt; ++k) {
    if (terminals[k] < 0 || terminals[k] >= g.n_nodes)
      throw InputError("quota tree: terminal " + std::to_string(k) + " is node " + std::to_string(terminals[k]) +
                       ", outside the graph");
    if (!(prize[k] >= 0) || !std::isfinite(prize[k]) || !(extra[k] >= 0) || !std::isfinite(extra[k]))
      throw InputError("quota tree: terminal " + std::to_string(k) + ": prize " + limits::fmt(prize[k]) +
                       " and extra cost " + limits::fmt(extra[k]) + " must be finite and >= 0");
  }
  if (!std::isfinite(target)) throw InputError("quota tree: target prize " + limits::fmt(target) + " is not finite");
  if (std::isnan(o.time_limit_s) || o.time_limit_s <= 0)
    throw InputError("quota tree: time_limit_s = " + limits::fmt(o.time_limit_s) + " (must be > 0)");
  for (int k : start_terminals)
    if (k < 0 || k >= nt) throw InputError("quota tree: start terminal " + std::to_string(k) + " out of range");
  for (int e : start_edges)
    if (e < 0 || e >= static_cast<int>(g.edge_u.size()))
      throw InputError("quota tree: start edge " + std::to_string(e) + " out of range");
  auto at = [&](double s) { return t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s)); };
  const auto deadline = at(o.time_limit_s);
  auto left = [&] { return std::chrono::duration<double>(deadline - Clock::now()).count(); };

  QuotaResult r;
  bool infeasible = false, found = true;
  auto finish = [&](bool proven) {
    r.proven_optimal = proven;
    r.prize = 0;
    for (int k : r.chosen) r.prize += prize[k];
    r.gap = proven ? 0.0 : found && !infeasible ? (r.cost - r.bound) / std::max(r.cost, 1e-9) : kInf;
    r.status = infeasible   ? planning::SolveStatus::infeasible
               : !found     ? planning::SolveStatus::no_solution
               : proven     ? planning::SolveStatus::optimal
                            : planning::SolveStatus::feasible;
    r.seconds = detail::since(t0);
    return r;
  };
  if (target <= 0) {
    r.bound = 0;
    return finish(true);
  }

  // Distances from the tree: what cannot be reached within the incumbent's cost is left out.
  const detail::Graph graph(g);
  detail::Dijkstra dj(g.n_nodes);
  for (int v : tree_nodes) dj.seed(v);
  while (!dj.heap.empty()) {
    auto [d, v] = dj.heap.top();
    dj.heap.pop();
    if (d > dj.dist[v]) continue;
    dj.relax(graph, v, [](int) { return true; });
  }
  double reachable = 0;
  for (int k = 0; k < nt; ++k)
    if (dj.dist[terminals[k]] < kInf) reachable += prize[k];
  if (reachable < target * (1 - 1e-12)) {  // no set of terminals reaches the target
    r.bound = kInf;
    infeasible = true;
    return finish(false);
  }
  std::vector<int> best_edges = start_edges, best_chosen = start_terminals;
  std::sort(best_edges.begin(), best_edges.end());
  std::sort(best_chosen.begin(), best_chosen.end());
  double start_prize = 0;
  for (int k : best_chosen) start_prize += prize[k];
  double best_cost = start_prize >= target * (1 - 1e-12) ? solution_cost(g, best_edges, best_chosen, extra) : kInf;
  double bound = std::isfinite(start_bound) ? std::max(0.0, start_bound) : 0.0;

  std::vector<int> node_of(g.n_nodes, -1);
  for (int v : tree_nodes) node_of[v] = 0;
  int n_model = 1;
  const double slack = 1e-9 * std::max(1.0, best_cost);
  for (int v = 0; v < g.n_nodes; ++v)
    if (node_of[v] < 0 && dj.dist[v] < kInf && dj.dist[v] <= best_cost + slack) node_of[v] = n_model++;
  std::vector<int> term_node(nt, -1);
  for (int k = 0; k < nt; ++k) {
    const int v = terminals[k];
    if (node_of[v] >= 0 && dj.dist[v] < kInf && dj.dist[v] + extra[k] <= best_cost + slack) term_node[k] = node_of[v];
  }
  QuotaModel model(g, node_of, n_model, term_node, prize, extra, target);
  model.set_deadline(deadline);
  r.model_nodes = n_model;
  r.model_arcs = model.n_arcs();
  auto closed = [&] { return std::isfinite(best_cost) && best_cost <= bound + 1e-9 * std::max(1.0, bound); };
  auto within_gap = [&] {
    return std::isfinite(best_cost) && best_cost - bound <= o.relative_gap * std::max(best_cost, 1e-9);
  };

  OsiClpSolverInterface lp;
  model.build(lp);
  // The LP phase may use the whole limit (as the exact Steiner solve's): on the province's graph
  // the LP bound is what a limit of seconds can raise.
  detail::LpPhase phase;
  if (!closed())
    phase = detail::run_lp_phase(
        lp, deadline, [&](const double* x) { return model.separate(lp, x); },
        [&](double value) { bound = std::max(bound, value); }, closed,
        [&](const std::vector<double>& activity) { return model.drop_slack(lp, activity); }, o.log, "quota tree");
  r.cut_rounds += phase.rounds;
  // Branch and bound only on an LP solved to its optimum, with time left for its root (see LpPhase).
  const bool lp_solved = phase.room_for_branching(left());
  while (lp_solved && !closed() && !within_gap() && left() > 0.01) {
    ++r.cut_rounds;
    const phusong::detail::IntegerRound round = phusong::detail::solve_integer_round(
        lp, std::isfinite(best_cost) ? model.columns(best_edges, best_chosen) : std::vector<double>{}, best_cost,
        {left(), o.threads, o.relative_gap, o.log, /*preprocess=*/false});
    bound = std::max(bound, round.bound);
    if (round.x.empty()) break;
    bool connected = false;
    const int added = model.separate_integer(lp, round.x.data(), connected);
    if (connected) {
      std::vector<int> edges, chosen;
      model.solution(round.x.data(), edges, chosen);
      const double c = solution_cost(g, edges, chosen, extra);
      if (!std::isfinite(best_cost) || c < best_cost - 1e-9 * std::max(1.0, best_cost))
        best_edges = edges, best_chosen = chosen, best_cost = c;
      if (round.finished && o.relative_gap <= 1e-9) bound = std::max(bound, round.objective);
      break;
    }
    if (added == 0) break;
  }
  found = std::isfinite(best_cost);
  if (found) r.edges = best_edges, r.chosen = best_chosen;
  r.cost = found ? best_cost : 0.0;
  r.bound = std::min(bound, std::isfinite(best_cost) ? best_cost : bound);
  r.cuts = model.cuts();
  return finish(closed());
}

}  // namespace

QuotaResult solve_quota_tree(const SteinerProblem& graph, const std::vector<int>& tree_nodes,
                             const std::vector<int>& terminals, const std::vector<double>& prize,
                             const std::vector<double>& extra_cost, double target_prize,
                             const std::vector<int>& start_terminals, const std::vector<int>& start_edges,
                             double start_bound, const QuotaOptions& options) {
  try {
    return solve_impl(graph, tree_nodes, terminals, prize, extra_cost, target_prize, start_terminals, start_edges,
                      start_bound, options);
  } catch (const CoinError& e) {
    throw Error("quota tree: COIN-OR error in " + e.className() + "::" + e.methodName() + ": " + e.message());
  }
}

}  // namespace phusong::fibre
