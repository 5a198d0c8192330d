// Steiner tree heuristic: shortest-path heuristic (Takahashi & Matsuyama 1980) from several
// roots; each tree improved by MST of its nodes + pruning of non-terminal leaves, key-path
// exchange and key-vertex elimination (Uchoa & Werneck 2010's neighbourhoods, first improvement)
// until none improves. Also what both solvers share: validation, the root's component, the
// heuristic's lower bound (Mehlhorn 1988's distance-network MST) and the result's bookkeeping.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <queue>
#include <string>
#include <vector>

#include "fibre/steiner_graph.hpp"
#include "phusong/error.hpp"
#include "phusong/fibre.hpp"
#include "phusong/limits.hpp"

namespace phusong::fibre {

namespace detail {
void validate_graph(const SteinerProblem& p) {
  const std::string name = p.name.empty() ? "Steiner problem" : p.name;
  if (p.n_nodes < 1) throw InputError(name + ": " + std::to_string(p.n_nodes) + " nodes (needs at least 1)");
  const std::size_t m = p.edge_u.size();
  if (p.edge_v.size() != m || p.edge_cost.size() != m)
    throw InputError(name + ": edge lists of different lengths (" + std::to_string(m) + " u, " +
                     std::to_string(p.edge_v.size()) + " v, " + std::to_string(p.edge_cost.size()) + " costs)");
  if (m > static_cast<std::size_t>(std::numeric_limits<int>::max() / 2))
    throw InputError(name + ": " + std::to_string(m) + " edges (too many)");
  for (std::size_t e = 0; e < m; ++e) {
    const int u = p.edge_u[e], v = p.edge_v[e];
    const std::string what = name + ": edge " + std::to_string(e) + " (" + std::to_string(u) + ", " + std::to_string(v) + ")";
    if (u < 0 || v < 0 || u >= p.n_nodes || v >= p.n_nodes)
      throw InputError(what + ": node outside 0.." + std::to_string(p.n_nodes - 1));
    if (u == v) throw InputError(what + ": a self-loop");
    if (!(std::isfinite(p.edge_cost[e]) && p.edge_cost[e] >= 0))
      throw InputError(what + ": cost " + limits::fmt(p.edge_cost[e]) + " (must be finite and >= 0)");
  }
}
}  // namespace detail

void validate(const SteinerProblem& p) {
  detail::validate_graph(p);
  const std::string name = p.name.empty() ? "Steiner problem" : p.name;
  if (p.terminals.empty()) throw InputError(name + ": no terminals");
  std::vector<char> seen(p.n_nodes, 0);
  for (std::size_t i = 0; i < p.terminals.size(); ++i) {
    const int t = p.terminals[i];
    if (t < 0 || t >= p.n_nodes)
      throw InputError(name + ": terminal " + std::to_string(i) + " is node " + std::to_string(t) + ", outside 0.." +
                       std::to_string(p.n_nodes - 1));
    if (seen[t]) throw InputError(name + ": terminal " + std::to_string(i) + " repeats node " + std::to_string(t));
    seen[t] = 1;
  }
}

SteinerMethod steiner_method_from_string(const std::string& name) {
  if (name == "heuristic") return SteinerMethod::heuristic;
  if (name == "exact") return SteinerMethod::exact;
  throw InputError("unknown Steiner method '" + name + "' (known: heuristic, exact)");
}
std::string to_string(SteinerMethod m) { return m == SteinerMethod::heuristic ? "heuristic" : "exact"; }

SteinerResult solve_steiner(const SteinerProblem& p, SteinerMethod method, const SteinerOptions& o) {
  return method == SteinerMethod::heuristic ? solve_steiner_heuristic(p, o) : solve_steiner_exact(p, o);
}

namespace detail {

Prepared prepare(const SteinerProblem& p, const Graph& g) {
  Prepared out;
  const std::vector<char> comp = component_of(g, p.terminals.front());
  for (int t : p.terminals) (comp[t] ? out.reachable : out.unreachable).push_back(t);
  return out;
}

void finish_result(const SteinerProblem& p, SteinerResult& r) {
  std::sort(r.edges.begin(), r.edges.end());
  r.cost = edges_cost(p, r.edges);
  r.nodes.clear();
  for (int e : r.edges) r.nodes.push_back(p.edge_u[e]), r.nodes.push_back(p.edge_v[e]);
  if (r.edges.empty()) r.nodes.push_back(p.terminals.front());
  std::sort(r.nodes.begin(), r.nodes.end());
  r.nodes.erase(std::unique(r.nodes.begin(), r.nodes.end()), r.nodes.end());
  if (r.proven_optimal) {
    r.bound = r.cost;
    r.gap = 0;
  } else {
    r.gap = std::isfinite(r.bound) ? std::max(0.0, r.cost - r.bound) / std::max(r.cost, 1e-9) : kInf;
    if (r.gap <= 1e-12 && std::isfinite(r.bound)) r.gap = 0;
  }
}

namespace {

struct UnionFind {
  std::vector<int> parent;
  explicit UnionFind(int n) : parent(n) { std::iota(parent.begin(), parent.end(), 0); }
  int find(int x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  }
  bool unite(int a, int b) {
    a = find(a), b = find(b);
    if (a == b) return false;
    parent[std::max(a, b)] = std::min(a, b);
    return true;
  }
};

// A boundary edge between two Voronoi regions, standing for the path base - edge - base.
struct Link {
  double cost;
  int e;
  int base_u = -1, base_v = -1;  // the regions of the edge's ends (for the diagram's boundary)
  bool operator<(const Link& o) const { return cost < o.cost || (cost == o.cost && e < o.e); }
};

// Voronoi regions of `sources`: one Dijkstra from all of them (dj: distances and the edges
// towards the nearest source), base[v] = the source whose region holds v (-1: unreached).
void voronoi(const Graph& g, const std::vector<int>& sources, Dijkstra& dj, std::vector<int>& base) {
  dj.reset();
  for (int s : sources) dj.seed(s, 0);
  base.assign(g.n, -1);
  auto all = [](int) { return true; };
  while (!dj.heap.empty()) {
    auto [d, v] = dj.heap.top();
    dj.heap.pop();
    if (d > dj.dist[v]) continue;
    base[v] = dj.pred_edge[v] >= 0 ? base[g.other(dj.pred_edge[v], v)] : v;
    dj.relax(g, v, all);
  }
}

// Tree adjacency of a set of edges: for each node, (neighbour, edge).
struct TreeAdj {
  std::vector<std::vector<std::pair<int, int>>> adj;
  std::vector<int> nodes;
  TreeAdj(const Graph& g, const std::vector<int>& edges) : adj(g.n) {
    for (int e : edges) {
      const int u = g.p->edge_u[e], v = g.p->edge_v[e];
      if (adj[u].empty()) nodes.push_back(u);
      if (adj[v].empty()) nodes.push_back(v);
      adj[u].push_back({v, e});
      adj[v].push_back({u, e});
    }
    std::sort(nodes.begin(), nodes.end());
  }
};

// A key path: from key node `a` to key node `b` through degree-2 Steiner nodes.
struct KeyPath {
  int a, b;
  std::vector<int> edges, interior;
  double cost = 0;
};

std::vector<KeyPath> key_paths(const Graph& g, const TreeAdj& t, const std::vector<char>& is_terminal) {
  auto is_key = [&](int v) { return is_terminal[v] || t.adj[v].size() >= 3; };
  std::vector<KeyPath> out;
  std::vector<char> used(g.p->edge_u.size(), 0);
  for (int k : t.nodes) {
    if (!is_key(k)) continue;
    for (auto [w, e] : t.adj[k]) {
      if (used[e]) continue;
      KeyPath kp;
      kp.a = k;
      int prev = k, cur = w, ce = e;
      while (true) {
        used[ce] = 1;
        kp.edges.push_back(ce);
        kp.cost += g.cost(ce);
        if (is_key(cur)) break;
        kp.interior.push_back(cur);
        // cur has degree 2 (non-terminal leaves are pruned beforehand)
        const auto& nb = t.adj[cur];
        const auto next = nb[0].first == prev && nb[0].second == ce ? nb[1] : nb[0];
        prev = cur, cur = next.first, ce = next.second;
      }
      kp.b = cur;
      out.push_back(std::move(kp));
    }
  }
  return out;
}

class Improver {
 public:
  Improver(const Graph& g, const std::vector<char>& is_terminal, Clock::time_point deadline, int max_moves)
      : g_(g), term_(is_terminal), deadline_(deadline), max_moves_(max_moves), dj_(g.n), label_(g.n, -1),
        vdist_(g.n, kInf), ndist_(g.n, kInf), vbase_(g.n, -1), vpred_(g.n, -1), nbase_(g.n, -1), npred_(g.n, -1),
        region_start_(g.n + 1, 0), mark_(g.n, 0), removed_mark_(g.n, 0), tin_(g.n, -1), tout_(g.n, -1), depth_(g.n, -1) {}

  std::vector<int> clean(const std::vector<int>& edges) {
    std::vector<char> in_set(g_.n, 0);
    for (int e : edges) in_set[g_.p->edge_u[e]] = in_set[g_.p->edge_v[e]] = 1;
    return mst_prune(g_, in_set, term_);
  }

  // Improves until no move helps (or the deadline).
  std::vector<int> improve(std::vector<int> edges) {
    edges = clean(edges);
    double cost = edges_cost(*g_.p, edges);
    kpe_from_ = kve_from_ = 0;
    for (int pass = 0; pass < max_moves_ && Clock::now() < deadline_; ++pass) {
      if (key_path_exchange(edges, cost)) continue;
      if (key_vertex_elimination(edges, cost)) continue;
      if (vertex_insertion(edges, cost)) continue;
      break;
    }
    return edges;
  }

 private:
  bool better(double candidate, double current) const { return candidate < current - 1e-9 * std::max(1.0, current); }

  // Labels the tree's components once the nodes in `removed` (and the edges in removed_edges)
  // are taken out: label_[v] = component index for tree nodes, -1 elsewhere. Returns the count.
  int label_components(const TreeAdj& t, const std::vector<char>& removed_node, const std::vector<char>& removed_edge) {
    for (int v : labelled_) label_[v] = -1;
    labelled_ = t.nodes;
    int n_comp = 0;
    std::vector<int> stack;
    for (int s : t.nodes) {
      if (removed_node[s] || label_[s] >= 0) continue;
      label_[s] = n_comp;
      stack.push_back(s);
      while (!stack.empty()) {
        const int v = stack.back();
        stack.pop_back();
        for (auto [w, e] : t.adj[v])
          if (!removed_edge[e] && !removed_node[w] && label_[w] < 0) label_[w] = n_comp, stack.push_back(w);
      }
      ++n_comp;
    }
    return n_comp;
  }

  // The Voronoi diagram of the tree's nodes (each node's nearest tree node `vbase_`, its distance
  // `vdist_` and the edge towards it `vpred_`), the nodes of each region (CSR by base) and the
  // boundary edges (ends in different regions). Built once per tree: a move takes tree nodes out,
  // and only their regions change (repair).
  void build_diagram(const TreeAdj& t, const std::vector<int>& edges) {
    if (!edges.empty() && diagram_edges_ == edges) return;
    voronoi(g_, t.nodes, dj_, vbase_);
    for (int v = 0; v < g_.n; ++v) vdist_[v] = dj_.dist[v], vpred_[v] = dj_.pred_edge[v];
    std::fill(region_start_.begin(), region_start_.end(), 0);
    for (int v = 0; v < g_.n; ++v)
      if (vbase_[v] >= 0) ++region_start_[vbase_[v] + 1];
    for (int v = 0; v < g_.n; ++v) region_start_[v + 1] += region_start_[v];
    region_nodes_.assign(region_start_[g_.n], 0);
    std::vector<int> fill(region_start_.begin(), region_start_.end() - 1);
    for (int v = 0; v < g_.n; ++v)
      if (vbase_[v] >= 0) region_nodes_[fill[vbase_[v]]++] = v;
    boundary_.clear();
    for (std::size_t e = 0; e < g_.p->edge_u.size(); ++e) {
      const int u = g_.p->edge_u[e], v = g_.p->edge_v[e];
      if (vbase_[u] >= 0 && vbase_[v] >= 0 && vbase_[u] != vbase_[v])
        boundary_.push_back({vdist_[u] + g_.cost(static_cast<int>(e)) + vdist_[v], static_cast<int>(e), vbase_[u], vbase_[v]});
    }
    std::sort(boundary_.begin(), boundary_.end());
    diagram_edges_ = edges;
  }

  bool in_a(int v) const { return mark_[v] == stamp_; }
  double rdist(int v) const { return in_a(v) ? ndist_[v] : vdist_[v]; }
  int rbase(int v) const { return in_a(v) ? nbase_[v] : vbase_[v]; }
  int rpred(int v) const { return in_a(v) ? npred_[v] : vpred_[v]; }

  // The diagram without the tree nodes `removed`: the nodes of their regions (A) take the nearest
  // remaining tree node through the rest of the diagram, by one Dijkstra inside A seeded from A's
  // border (the other nodes keep theirs: their shortest paths stay inside their own regions).
  // Distances of `limit` or more are left infinite (a path that long is useless).
  void repair(const std::vector<int>& removed, double limit) {
    ++stamp_;
    area_.clear();
    for (int r : removed) removed_mark_[r] = stamp_;
    for (int r : removed)
      for (int k = region_start_[r]; k < region_start_[r + 1]; ++k) mark_[region_nodes_[k]] = stamp_, area_.push_back(region_nodes_[k]);
    using Item = std::pair<double, int>;
    std::priority_queue<Item, std::vector<Item>, std::greater<Item>> heap;
    for (int x : area_) {
      ndist_[x] = kInf, nbase_[x] = -1, npred_[x] = -1;
      for (int k = g_.start[x]; k < g_.start[x + 1]; ++k) {
        const int w = g_.nbr[k];
        if (in_a(w) || vbase_[w] < 0) continue;
        const double c = vdist_[w] + g_.cost(g_.edge[k]);
        if (c < ndist_[x] && c < limit) ndist_[x] = c, nbase_[x] = vbase_[w], npred_[x] = g_.edge[k];
      }
      if (ndist_[x] < kInf) heap.push({ndist_[x], x});
    }
    while (!heap.empty()) {
      auto [d, x] = heap.top();
      heap.pop();
      if (d > ndist_[x]) continue;
      for (int k = g_.start[x]; k < g_.start[x + 1]; ++k) {
        const int w = g_.nbr[k];
        if (!in_a(w)) continue;
        const double nd = d + g_.cost(g_.edge[k]);
        if (nd < ndist_[w] && nd < limit) ndist_[w] = nd, nbase_[w] = nbase_[x], npred_[w] = g_.edge[k], heap.push({nd, w});
      }
    }
  }

  // After repair(): joins the `n_comp` parts of the remaining tree (comp(b): the part of tree
  // node b) at least cost by Mehlhorn's construction: Kruskal over the boundary edges between
  // regions of different parts, each standing for its shortest path. Returns the connecting edges
  // and their cost (infinite if they cannot all be joined), giving up at `limit`.
  template <class Comp>
  std::pair<std::vector<int>, double> reconnect(int n_comp, Comp&& comp, double limit) {
    std::vector<Link> links;
    auto consider = [&](int e, int u, int w) {
      const int bu = rbase(u), bw = rbase(w);
      if (bu < 0 || bw < 0) return;
      const int cu = comp(bu), cw = comp(bw);
      if (cu == cw) return;
      const double c = rdist(u) + g_.cost(e) + rdist(w);
      if (c < limit) links.push_back({c, e});
    };
    for (int x : area_)
      for (int k = g_.start[x]; k < g_.start[x + 1]; ++k) {
        const int w = g_.nbr[k];
        if (in_a(w) && w < x) continue;  // each edge inside A once
        consider(g_.edge[k], x, w);
      }
    // Two parts: one link joins them, so the scan stops above the cheapest link found.
    double stop = limit;
    if (n_comp == 2)
      for (const Link& l : links) stop = std::min(stop, std::nextafter(l.cost, kInf));
    for (const Link& l : boundary_) {  // ascending: the links at `limit` or more are useless
      if (l.cost >= stop) break;
      // An end in A is an end whose region was removed (those links were considered above).
      if (removed_mark_[l.base_u] == stamp_ || removed_mark_[l.base_v] == stamp_) continue;
      if (comp(l.base_u) == comp(l.base_v)) continue;
      links.push_back({l.cost, l.e});
      if (n_comp == 2) stop = std::nextafter(l.cost, kInf);
    }
    std::sort(links.begin(), links.end());
    UnionFind uf(n_comp);
    std::vector<int> out;
    double total = 0;
    int joined = 0;
    for (const Link& l : links) {
      const int u = g_.p->edge_u[l.e], v = g_.p->edge_v[l.e];
      if (!uf.unite(comp(rbase(u)), comp(rbase(v)))) continue;
      total += l.cost;
      out.push_back(l.e);
      for (int x : {u, v})
        for (int y = x; rpred(y) >= 0; y = g_.other(rpred(y), y)) out.push_back(rpred(y));
      if (++joined == n_comp - 1 || total >= limit) break;
    }
    if (joined < n_comp - 1) return {{}, kInf};
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return {out, edges_cost(*g_.p, out)};
  }

  bool apply(std::vector<int>& edges, double& cost, const std::vector<char>& removed_edge, const std::vector<int>& added) {
    std::vector<int> next;
    for (int e : edges)
      if (!removed_edge[e]) next.push_back(e);
    next.insert(next.end(), added.begin(), added.end());
    std::sort(next.begin(), next.end());
    next.erase(std::unique(next.begin(), next.end()), next.end());
    next = clean(next);
    const double c = edges_cost(*g_.p, next);
    if (!better(c, cost)) return false;
    edges = std::move(next);
    cost = c;
    return true;
  }

  // Each key path taken out in turn and the two parts joined again by the shortest path between
  // them, when shorter. The tree is rooted at a leaf (a terminal: never inside a key path), so the
  // part below a key path's lower end is an interval of the depth-first order: which part a node
  // is in costs O(1), and only the smaller part is enumerated.
  bool key_path_exchange(std::vector<int>& edges, double& cost) {
    const TreeAdj t(g_, edges);
    if (t.nodes.empty()) return false;
    const auto paths = key_paths(g_, t, term_);
    int root = t.nodes.front();
    for (int v : t.nodes)
      if (t.adj[v].size() == 1) {
        root = v;
        break;
      }
    // Depth-first order: tin_[v] its position, tout_[v] one past its subtree's last.
    std::vector<int> order;
    order.reserve(t.nodes.size());
    {
      std::vector<std::pair<int, std::size_t>> stack{{root, 0}};
      tin_[root] = 0, depth_[root] = 0;
      order.push_back(root);
      while (!stack.empty()) {
        auto& [v, k] = stack.back();
        if (k == t.adj[v].size()) {
          tout_[v] = static_cast<int>(order.size());
          stack.pop_back();
          continue;
        }
        const int w = t.adj[v][k++].first;
        if (tin_[w] >= 0) continue;
        tin_[w] = static_cast<int>(order.size()), depth_[w] = depth_[v] + 1;
        order.push_back(w);
        stack.push_back({w, 0});
      }
    }
    build_diagram(t, edges);
    std::vector<char> removed_edge(g_.p->edge_u.size(), 0);
    bool done = false;
    // First improvement, scanning on from where the last one was found (the paths before it were
    // just tried, and most of the tree is unchanged): the scan wraps round once.
    const std::size_t first = static_cast<std::size_t>(
        std::find_if(paths.begin(), paths.end(), [&](const KeyPath& kp) { return kp.a >= kpe_from_; }) - paths.begin());
    for (std::size_t j = 0; j < paths.size(); ++j) {
      const KeyPath& kp = paths[(first + j) % paths.size()];
      if (Clock::now() > deadline_) break;
      const int low = depth_[kp.a] > depth_[kp.b] ? kp.a : kp.b;
      const int lo = tin_[low], hi = tout_[low];
      // The part of a remaining tree node: 1 below `low`, 0 the rest.
      repair(kp.interior, kp.cost);
      auto [added, c] = reconnect(2, [&](int b) { return tin_[b] >= lo && tin_[b] < hi ? 1 : 0; }, kp.cost);
      if (better(c, kp.cost)) {
        for (int e : kp.edges) removed_edge[e] = 1;
        done = apply(edges, cost, removed_edge, added);
        for (int e : kp.edges) removed_edge[e] = 0;
        if (done) {
          kpe_from_ = kp.a;
          break;
        }
      }
    }
    for (int v : t.nodes) tin_[v] = tout_[v] = depth_[v] = -1;
    return done;
  }

  bool key_vertex_elimination(std::vector<int>& edges, double& cost) {
    const TreeAdj t(g_, edges);
    const auto paths = key_paths(g_, t, term_);
    std::vector<std::vector<int>> at(g_.n);
    for (std::size_t i = 0; i < paths.size(); ++i) at[paths[i].a].push_back(static_cast<int>(i)), at[paths[i].b].push_back(static_cast<int>(i));
    std::vector<char> removed_node(g_.n, 0), removed_edge(g_.p->edge_u.size(), 0);
    std::vector<int> removed;
    build_diagram(t, edges);
    // As key_path_exchange: on from the last improvement, once round.
    const std::size_t first = static_cast<std::size_t>(
        std::lower_bound(t.nodes.begin(), t.nodes.end(), kve_from_) - t.nodes.begin());
    for (std::size_t j = 0; j < t.nodes.size(); ++j) {
      const int v = t.nodes[(first + j) % t.nodes.size()];
      if (term_[v] || t.adj[v].size() < 3) continue;
      if (Clock::now() > deadline_) return false;
      double removed_cost = 0;
      removed_node[v] = 1;
      for (int i : at[v]) {
        for (int x : paths[i].interior) removed_node[x] = 1;
        for (int e : paths[i].edges) removed_edge[e] = 1;
        removed_cost += paths[i].cost;
      }
      const int n_comp = label_components(t, removed_node, removed_edge);
      bool done = false;
      if (n_comp >= 2) {
        removed.assign(1, v);
        for (int i : at[v]) removed.insert(removed.end(), paths[i].interior.begin(), paths[i].interior.end());
        repair(removed, removed_cost);
        auto [added, c] = reconnect(n_comp, [&](int b) { return label_[b]; }, removed_cost);
        if (better(c, removed_cost)) done = apply(edges, cost, removed_edge, added);
      }
      removed_node[v] = 0;
      for (int i : at[v]) {
        for (int x : paths[i].interior) removed_node[x] = 0;
        for (int e : paths[i].edges) removed_edge[e] = 0;
      }
      if (done) {
        kve_from_ = v;
        return true;
      }
    }
    return false;
  }

  // Steiner vertex insertion (Minoux 1990): a node outside the tree joined to two or more tree
  // nodes, added to the tree's nodes, whose MST (then pruned) is cheaper. The tree is the MST of
  // its nodes (clean), so the new MST is Kruskal's over the tree's edges and the node's edges.
  bool vertex_insertion(std::vector<int>& edges, double& cost) {
    const TreeAdj t(g_, edges);
    std::vector<char> in_tree(g_.n, 0);
    for (int v : t.nodes) in_tree[v] = 1;
    std::vector<int> sorted = edges;
    auto by_cost = [&](int a, int b) { return g_.cost(a) < g_.cost(b) || (g_.cost(a) == g_.cost(b) && a < b); };
    std::sort(sorted.begin(), sorted.end(), by_cost);
    std::vector<char> seen(g_.n, 0);
    std::vector<int> candidates;
    for (int v : t.nodes)
      for (int k = g_.start[v]; k < g_.start[v + 1]; ++k)
        if (!in_tree[g_.nbr[k]] && !seen[g_.nbr[k]]) seen[g_.nbr[k]] = 1, candidates.push_back(g_.nbr[k]);
    std::sort(candidates.begin(), candidates.end());
    UnionFind uf(g_.n);
    std::vector<int> mine, merged;
    for (int v : candidates) {
      if (Clock::now() > deadline_) return false;
      mine.clear();
      for (int k = g_.start[v]; k < g_.start[v + 1]; ++k)
        if (in_tree[g_.nbr[k]]) mine.push_back(g_.edge[k]);
      if (mine.size() < 2) continue;
      std::sort(mine.begin(), mine.end(), by_cost);
      merged.clear();
      std::merge(sorted.begin(), sorted.end(), mine.begin(), mine.end(), std::back_inserter(merged), by_cost);
      for (int x : t.nodes) uf.parent[x] = x;
      uf.parent[v] = v;
      double c = 0;
      std::vector<int> mst;
      for (int e : merged)
        if (uf.unite(g_.p->edge_u[e], g_.p->edge_v[e])) c += g_.cost(e), mst.push_back(e);
      if (!better(c, cost)) continue;
      std::vector<char> none(g_.p->edge_u.size(), 0);
      std::vector<int> old = edges;
      for (int e : old) none[e] = 1;  // replace every edge by the new MST's
      if (apply(edges, cost, none, mst)) return true;
    }
    return false;
  }

  const Graph& g_;
  const std::vector<char>& term_;
  Clock::time_point deadline_;
  int max_moves_;
  Dijkstra dj_;
  std::vector<int> label_, labelled_;
  // build_diagram / repair
  std::vector<double> vdist_, ndist_;
  std::vector<int> vbase_, vpred_, nbase_, npred_, region_start_, region_nodes_, mark_, removed_mark_, area_;
  std::vector<Link> boundary_;  // the diagram's boundary edges by their links' cost
  std::vector<int> diagram_edges_;
  int stamp_ = 0;
  int kpe_from_ = 0, kve_from_ = 0;  // where the scans of the two moves go on (node ids)
  std::vector<int> tin_, tout_, depth_;  // key_path_exchange's depth-first order (-1 outside the tree)
};

// Shortest-path heuristic from `root`: repeatedly joins the terminal nearest to the tree by its
// shortest path (one Dijkstra continued as the tree grows: new tree nodes are seeded at 0).
std::vector<int> sph(const Graph& g, int root, const std::vector<char>& is_terminal, int n_terminals, Dijkstra& dj) {
  dj.reset();
  std::vector<char> in_tree(g.n, 0);
  in_tree[root] = 1;
  dj.seed(root, 0);
  std::vector<int> edges;
  int joined = 1;
  auto allowed = [](int) { return true; };
  while (joined < n_terminals && !dj.heap.empty()) {
    auto [d, v] = dj.heap.top();
    dj.heap.pop();
    if (d > dj.dist[v]) continue;
    if (is_terminal[v] && !in_tree[v]) {
      for (int y = v; !in_tree[y];) {
        in_tree[y] = 1;
        const int e = dj.pred_edge[y];
        edges.push_back(e);
        const int x = g.other(e, y);
        dj.seed(y, 0);
        y = x;
      }
      ++joined;
      continue;
    }
    dj.relax(g, v, allowed);
  }
  return edges;
}

}  // namespace

std::vector<int> mst_prune(const Graph& g, const std::vector<char>& in_set, const std::vector<char>& is_terminal) {
  std::vector<int> cand;
  for (int v = 0; v < g.n; ++v) {
    if (!in_set[v]) continue;
    for (int k = g.start[v]; k < g.start[v + 1]; ++k)
      if (g.nbr[k] > v && in_set[g.nbr[k]]) cand.push_back(g.edge[k]);
  }
  std::sort(cand.begin(), cand.end(), [&](int a, int b) { return g.cost(a) < g.cost(b) || (g.cost(a) == g.cost(b) && a < b); });
  UnionFind uf(g.n);
  std::vector<int> tree;
  std::vector<int> degree(g.n, 0);
  for (int e : cand)
    if (uf.unite(g.p->edge_u[e], g.p->edge_v[e])) {
      tree.push_back(e);
      ++degree[g.p->edge_u[e]], ++degree[g.p->edge_v[e]];
    }
  // Prune non-terminal leaves.
  std::vector<std::vector<int>> inc(g.n);
  for (int e : tree) inc[g.p->edge_u[e]].push_back(e), inc[g.p->edge_v[e]].push_back(e);
  std::vector<char> dead(g.p->edge_u.size(), 0);
  std::vector<int> stack;
  for (int v = 0; v < g.n; ++v)
    if (in_set[v] && degree[v] == 1 && !is_terminal[v]) stack.push_back(v);
  while (!stack.empty()) {
    const int v = stack.back();
    stack.pop_back();
    if (degree[v] != 1) continue;
    for (int e : inc[v]) {
      if (dead[e]) continue;
      dead[e] = 1;
      degree[v] = 0;
      const int w = g.other(e, v);
      if (--degree[w] == 1 && !is_terminal[w]) stack.push_back(w);
      break;
    }
  }
  std::vector<int> out;
  for (int e : tree)
    if (!dead[e]) out.push_back(e);
  std::sort(out.begin(), out.end());
  return out;
}

double heuristic_lower_bound(const Graph& g, const std::vector<int>& terminals) {
  const int l = static_cast<int>(terminals.size());
  if (l < 2) return 0;
  auto all = [](int) { return true; };
  // Longest shortest path from the root to a terminal.
  Dijkstra dj(g.n);
  dj.seed(terminals.front(), 0);
  while (!dj.heap.empty()) {
    auto [d, v] = dj.heap.top();
    dj.heap.pop();
    if (d > dj.dist[v]) continue;
    dj.relax(g, v, all);
  }
  double far = 0;
  for (int t : terminals) far = std::max(far, dj.dist[t]);
  // Mehlhorn: Voronoi regions of the terminals, MST over the boundary edges = MST of the
  // terminals' distance graph, which is at most 2 (1 - 1/l) times the optimum.
  std::vector<int> base;
  voronoi(g, terminals, dj, base);
  std::vector<Link> links;
  for (int v = 0; v < g.n; ++v) {
    if (base[v] < 0) continue;
    for (int k = g.start[v]; k < g.start[v + 1]; ++k) {
      const int w = g.nbr[k];
      if (w <= v || base[w] < 0 || base[w] == base[v]) continue;
      links.push_back({dj.dist[v] + g.cost(g.edge[k]) + dj.dist[w], g.edge[k], base[v], base[w]});
    }
  }
  std::sort(links.begin(), links.end());
  UnionFind uf(g.n);  // over the terminals' nodes
  double mst = 0;
  for (const Link& k : links)
    if (uf.unite(k.base_u, k.base_v)) mst += k.cost;
  return std::max(far, mst / (2.0 * (1.0 - 1.0 / l)));
}

std::vector<int> heuristic_tree(const Graph& g, const std::vector<int>& terminals, const SteinerOptions& o,
                                Clock::time_point deadline) {
  if (terminals.size() < 2) return {};
  std::vector<char> is_terminal(g.n, 0);
  for (int t : terminals) is_terminal[t] = 1;
  const int l = static_cast<int>(terminals.size());
  // Roots: the first terminal, then terminals spread evenly over the list.
  const int n_roots = o.heuristic_roots <= 0 ? l : std::min(l, o.heuristic_roots);
  std::vector<int> roots;
  std::vector<char> picked(l, 0);
  for (int i = 0; i < n_roots; ++i) {
    int k = static_cast<int>((static_cast<long long>(i) * l) / n_roots);
    while (picked[k]) k = (k + 1) % l;
    picked[k] = 1;
    roots.push_back(terminals[k]);
  }
  Dijkstra dj(g.n);
  Improver improver(g, is_terminal, deadline, o.max_moves);
  // Every root's SPH tree (MST + pruned), then the local search on the three cheapest (ties: the
  // earlier root): the search costs far more than SPH and rarely changes which start wins.
  std::vector<std::pair<double, std::size_t>> order;
  std::vector<std::vector<int>> trees;
  for (std::size_t i = 0; i < roots.size(); ++i) {
    if (i > 0 && Clock::now() > deadline) break;
    trees.push_back(improver.clean(sph(g, roots[i], is_terminal, l, dj)));
    order.push_back({edges_cost(*g.p, trees.back()), i});
  }
  std::sort(order.begin(), order.end());
  std::vector<int> best;
  double best_cost = kInf;
  for (std::size_t k = 0; k < order.size() && k < 3; ++k) {
    if (k > 0 && Clock::now() > deadline) break;
    std::vector<int> tree = improver.improve(trees[order[k].second]);
    const double c = edges_cost(*g.p, tree);
    if (k == 0 || c < best_cost - 1e-9 * std::max(1.0, best_cost)) best = std::move(tree), best_cost = c;
  }
  return best;
}

}  // namespace detail

SteinerResult solve_steiner_heuristic(const SteinerProblem& p, const SteinerOptions& o) {
  const auto t0 = detail::Clock::now();
  validate(p);
  if (std::isnan(o.time_limit_s) || o.time_limit_s <= 0)
    throw InputError("Steiner solve: time_limit_s = " + limits::fmt(o.time_limit_s) + " (must be > 0)");
  const detail::Graph g(p);
  if (o.max_moves < 0) throw InputError("Steiner solve: max_moves = " + std::to_string(o.max_moves) + " (must be >= 0)");
  const detail::Prepared prep = detail::prepare(p, g);
  SteinerResult r;
  r.method = "heuristic";
  r.unreachable_terminals = prep.unreachable;
  auto at = [&](double s) {
    return t0 + std::chrono::duration_cast<detail::Clock::duration>(std::chrono::duration<double>(s));
  };
  // The bound first: Mehlhorn's ratio and Wong's dual ascent, run to the end (deterministic; the
  // time limit only stops an ascent that would outlast it, then the bound is smaller).
  r.bound = std::max(detail::heuristic_lower_bound(g, prep.reachable),
                     detail::dual_ascent_bound(g, prep.reachable, at(o.time_limit_s)));
  r.edges = detail::heuristic_tree(g, prep.reachable, o, at(o.time_limit_s));
  const double cost = detail::edges_cost(p, r.edges);
  r.proven_optimal = prep.reachable.size() < 2 || cost <= r.bound + 1e-9 * std::max(1.0, r.bound);
  r.status = !prep.unreachable.empty() ? planning::SolveStatus::partial
             : r.proven_optimal        ? planning::SolveStatus::optimal
                                       : planning::SolveStatus::feasible;
  detail::finish_result(p, r);
  r.seconds = detail::since(t0);
  return r;
}

}  // namespace phusong::fibre
