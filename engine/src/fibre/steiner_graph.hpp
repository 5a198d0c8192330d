// Private to the fibre layer: the adjacency of a Steiner problem, bounded Dijkstra runs reusing
// their arrays, and what the heuristic and the exact solver share (tree cost, MST + pruning,
// the root's component, the heuristic's lower bound).
#pragma once
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <limits>
#include <numeric>
#include <queue>
#include <utility>
#include <vector>

#include "phusong/fibre.hpp"

namespace phusong::fibre::detail {

constexpr double kInf = std::numeric_limits<double>::infinity();

using Clock = std::chrono::steady_clock;
inline double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

/// Adjacency (CSR) of the live edges of a problem; edges keep their problem indices.
struct Graph {
  int n = 0;
  const SteinerProblem* p = nullptr;
  std::vector<int> start, nbr, edge;  // neighbours of v: nbr[start[v] .. start[v+1]), through edge[...]

  Graph(const SteinerProblem& problem, const std::vector<char>* alive = nullptr) : n(problem.n_nodes), p(&problem) {
    start.assign(n + 1, 0);
    const int m = static_cast<int>(problem.edge_u.size());
    for (int e = 0; e < m; ++e)
      if (!alive || (*alive)[e]) ++start[problem.edge_u[e] + 1], ++start[problem.edge_v[e] + 1];
    for (int v = 0; v < n; ++v) start[v + 1] += start[v];
    nbr.resize(start[n]);
    edge.resize(start[n]);
    std::vector<int> fill(start.begin(), start.end() - 1);
    for (int e = 0; e < m; ++e) {
      if (alive && !(*alive)[e]) continue;
      const int u = problem.edge_u[e], v = problem.edge_v[e];
      nbr[fill[u]] = v, edge[fill[u]++] = e;
      nbr[fill[v]] = u, edge[fill[v]++] = e;
    }
  }
  double cost(int e) const { return p->edge_cost[e]; }
  int other(int e, int v) const { return p->edge_u[e] == v ? p->edge_v[e] : p->edge_u[e]; }
};

/// Dijkstra state reused across runs: only the touched entries are reset.
struct Dijkstra {
  std::vector<double> dist;
  std::vector<int> pred_edge;  // edge to the predecessor, -1 at a source
  std::vector<int> touched;
  using Item = std::pair<double, int>;
  std::priority_queue<Item, std::vector<Item>, std::greater<Item>> heap;

  explicit Dijkstra(int n) : dist(n, kInf), pred_edge(n, -1) {}
  void reset() {
    for (int v : touched) dist[v] = kInf, pred_edge[v] = -1;
    touched.clear();
    heap = {};
  }
  void seed(int v, double d = 0) {
    if (dist[v] == kInf) touched.push_back(v);
    dist[v] = d;
    pred_edge[v] = -1;
    heap.push({d, v});
  }
  /// Relaxes v's edges; `allowed(w)` says whether w may be entered.
  template <class Allowed>
  void relax(const Graph& g, int v, Allowed&& allowed) {
    const double dv = dist[v];
    for (int k = g.start[v]; k < g.start[v + 1]; ++k) {
      const int w = g.nbr[k];
      const double nd = dv + g.cost(g.edge[k]);
      if (nd < dist[w] && allowed(w)) {
        if (dist[w] == kInf) touched.push_back(w);
        dist[w] = nd;
        pred_edge[w] = g.edge[k];
        heap.push({nd, w});
      }
    }
  }
};

/// Max-flow (Dinic) on a small support graph, doubles (the cut separation of the exact solvers).
struct MaxFlow {
  struct Arc {
    int to;
    double cap;
  };
  int n;
  std::vector<Arc> arcs;
  std::vector<std::vector<int>> adj;
  std::vector<int> level, it;
  explicit MaxFlow(int n_) : n(n_), adj(n_), level(n_), it(n_) {}
  void add(int u, int v, double c) {
    adj[u].push_back(static_cast<int>(arcs.size()));
    arcs.push_back({v, c});
    adj[v].push_back(static_cast<int>(arcs.size()));
    arcs.push_back({u, 0.0});
  }
  bool bfs(int s, int t) {
    std::fill(level.begin(), level.end(), -1);
    std::vector<int> q{s};
    level[s] = 0;
    for (std::size_t i = 0; i < q.size(); ++i)
      for (int a : adj[q[i]])
        if (arcs[a].cap > 1e-12 && level[arcs[a].to] < 0) level[arcs[a].to] = level[q[i]] + 1, q.push_back(arcs[a].to);
    return level[t] >= 0;
  }
  double dfs(int v, int t, double f) {
    if (v == t) return f;
    for (int& i = it[v]; i < static_cast<int>(adj[v].size()); ++i) {
      const int a = adj[v][i];
      const int w = arcs[a].to;
      if (arcs[a].cap > 1e-12 && level[w] == level[v] + 1) {
        const double d = dfs(w, t, std::min(f, arcs[a].cap));
        if (d > 0) {
          arcs[a].cap -= d;
          arcs[a ^ 1].cap += d;
          return d;
        }
      }
    }
    return 0;
  }
  double run(int s, int t, double limit) {
    double flow = 0;
    while (flow < limit && bfs(s, t)) {
      std::fill(it.begin(), it.end(), 0);
      double f;
      while (flow < limit && (f = dfs(s, t, limit - flow)) > 0) flow += f;
    }
    return flow;
  }
  // Nodes that reach t in the residual graph (the min cut nearest t).
  std::vector<char> sink_side(int t) const {
    std::vector<char> in(n, 0);
    std::vector<int> q{t};
    in[t] = 1;
    for (std::size_t i = 0; i < q.size(); ++i)
      for (int a : adj[q[i]]) {
        const int u = arcs[a].to;  // arc a goes q[i] -> u; a ^ 1 goes u -> q[i]
        if (!in[u] && arcs[a ^ 1].cap > 1e-12) in[u] = 1, q.push_back(u);
      }
    return in;
  }
  // Nodes the source reaches in the residual graph.
  std::vector<char> source_side(int s) const {
    std::vector<char> in(n, 0);
    std::vector<int> q{s};
    in[s] = 1;
    for (std::size_t i = 0; i < q.size(); ++i)
      for (int a : adj[q[i]])
        if (!in[arcs[a].to] && arcs[a].cap > 1e-12) in[arcs[a].to] = 1, q.push_back(arcs[a].to);
    return in;
  }
};

/// Nodes reachable from `root` (BFS), as flags.
inline std::vector<char> component_of(const Graph& g, int root) {
  std::vector<char> seen(g.n, 0);
  std::vector<int> stack{root};
  seen[root] = 1;
  while (!stack.empty()) {
    const int v = stack.back();
    stack.pop_back();
    for (int k = g.start[v]; k < g.start[v + 1]; ++k)
      if (!seen[g.nbr[k]]) seen[g.nbr[k]] = 1, stack.push_back(g.nbr[k]);
  }
  return seen;
}

inline double edges_cost(const SteinerProblem& p, const std::vector<int>& edges) {
  double c = 0;
  for (int e : edges) c += p.edge_cost[e];
  return c;
}

/// Minimum spanning forest (Kruskal; ties by edge index) of the subgraph of `g` induced by the
/// nodes flagged in `in_set`, then non-terminal leaves pruned repeatedly. Returns the edges, ascending.
std::vector<int> mst_prune(const Graph& g, const std::vector<char>& in_set, const std::vector<char>& is_terminal);

/// The heuristic's lower bound (see SteinerResult::bound) over the terminals flagged reachable.
double heuristic_lower_bound(const Graph& g, const std::vector<int>& terminals);

/// Wong's dual ascent on the directed cut formulation rooted at terminals[0] (dual_ascent.cpp): a
/// proven lower bound; stopping at `deadline` leaves a smaller but still valid bound.
/// `reduced`, when given, receives the arcs' reduced costs (arc 2e: edge_u -> edge_v, 2e + 1 back);
/// `cuts`, when given, the arcs entering each cut whose dual was raised (each a valid directed
/// cut x(delta-(W)) >= 1; together they give the LP relaxation at least the bound), up to 2^23
/// arcs in all (then the later cuts are left out).
double dual_ascent_bound(const Graph& g, const std::vector<int>& terminals, Clock::time_point deadline,
                         std::vector<double>* reduced = nullptr, std::vector<std::vector<int>>* cuts = nullptr);

/// Reduced-cost fixing (dual_ascent.cpp): an edge is kept unless both its arcs a = (u, v) have
/// bound + rc-distance(root, u) + rc(a) + rc-distance(v, nearest other terminal) > upper: every
/// tree using the arc would cost more than `upper` (a tree's cost is at least the dual bound plus
/// the reduced costs of its arcs). Returns a keep flag per edge.
std::vector<char> reduced_cost_fixing(const Graph& g, const std::vector<int>& terminals, double bound,
                                      const std::vector<double>& rc, double upper);

/// The best heuristic tree (edges ascending) joining `terminals` (all in one component of `g`).
std::vector<int> heuristic_tree(const Graph& g, const std::vector<int>& terminals, const SteinerOptions& o,
                                Clock::time_point deadline);

/// The node count and the edges of `p` (what validate() checks but the terminals): InputError
/// naming the edge and what is wrong. For solvers given their terminals apart (the quota tree).
void validate_graph(const SteinerProblem& p);

/// Common preamble of both solvers: validates, finds the terminals reachable from the first.
struct Prepared {
  std::vector<int> reachable, unreachable;  // terminals
};
Prepared prepare(const SteinerProblem& p, const Graph& g);

/// Fills nodes, cost and gap of a result from its edges and bound.
void finish_result(const SteinerProblem& p, SteinerResult& r);

}  // namespace phusong::fibre::detail
