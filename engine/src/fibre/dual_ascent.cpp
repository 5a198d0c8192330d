// Dual ascent (Wong 1984) for the directed cut formulation of the Steiner problem: a lower bound
// on the least tree from a dual-feasible solution, usually far tighter than Mehlhorn's ratio.
//
// Every edge becomes two arcs with reduced cost = the edge's cost. For a terminal t not yet
// joined to the root, W = the nodes that reach t through arcs of zero reduced cost; the arcs
// entering W all have positive reduced cost, and raising the dual of the cut (W) by the least of
// them keeps every reduced cost >= 0, adds that amount to the bound and zeroes at least one arc.
// A terminal is done once the root is in its W. The terminal with the fewest arcs entering its W
// goes first (Duin's rule; lazily re-evaluated, ties by node). When the same terminal goes on, its
// W grows from the arcs the raise zeroed instead of from the terminal again. Any prefix of the
// ascent is a valid bound, so the deadline can stop it at any step.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <queue>
#include <utility>
#include <vector>

#include "fibre/steiner_graph.hpp"

namespace phusong::fibre::detail {
namespace {
// The cuts handed out hold at most this many arcs in all (32 MB): on a large graph the later
// ones are left out, which weakens the LP they start but not the bound returned.
constexpr std::size_t kMaxCutArcs = std::size_t{1} << 23;
}  // namespace

double dual_ascent_bound(const Graph& g, const std::vector<int>& terminals, Clock::time_point deadline,
                         std::vector<double>* reduced, std::vector<std::vector<int>>* cuts) {
  if (reduced) reduced->clear();
  if (cuts) cuts->clear();
  if (terminals.size() < 2) return 0;
  const SteinerProblem& p = *g.p;
  const int root = terminals.front();
  std::vector<double> rc(2 * p.edge_u.size());
  for (std::size_t e = 0; e < p.edge_u.size(); ++e) rc[2 * e] = rc[2 * e + 1] = p.edge_cost[e];
  // Arc 2e runs edge_u -> edge_v, arc 2e + 1 the other way; the arc entering v from neighbour k:
  auto arc_into = [&](int v, int k) {
    const int e = g.edge[k];
    return p.edge_v[e] == v ? 2 * e : 2 * e + 1;
  };
  auto tail_of = [&](int a) { return a % 2 == 0 ? p.edge_u[a / 2] : p.edge_v[a / 2]; };
  std::vector<int> mark(g.n, -1);  // mark[v] == stamp: v is in the current W
  int stamp = 0;
  std::vector<int> members, cut, fresh, kept;
  // Adds to W (marked) the nodes that reach the members from index `from` on through arcs of zero
  // reduced cost; false when the root is among them (the terminal is joined).
  auto close = [&](std::size_t from) {
    for (std::size_t i = from; i < members.size(); ++i) {
      const int x = members[i];
      for (int k = g.start[x]; k < g.start[x + 1]; ++k) {
        const int y = g.nbr[k];
        if (mark[y] == stamp || rc[arc_into(x, k)] > 0) continue;
        if (y == root) return false;
        mark[y] = stamp;
        members.push_back(y);
      }
    }
    return true;
  };
  // The arcs entering W from outside at the members from index `from` on, appended to `cut`.
  auto entering = [&](std::size_t from) {
    for (std::size_t i = from; i < members.size(); ++i) {
      const int x = members[i];
      for (int k = g.start[x]; k < g.start[x + 1]; ++k)
        if (mark[g.nbr[k]] != stamp) cut.push_back(arc_into(x, k));
    }
  };
  // W of t and its entering arcs; returns false when the root is in W (t is joined).
  auto grow = [&](int t) {
    ++stamp;
    members.assign(1, t);
    mark[t] = stamp;
    if (!close(0)) return false;
    cut.clear();
    entering(0);
    return true;
  };
  // After a raise on W's own cut: the tails of the arcs it zeroed join W with all that reaches
  // them through zero arcs (the same W as grow() from scratch: only those arcs changed), and the
  // cut keeps its arcs whose tails stayed outside, plus the arcs entering the new members.
  auto extend = [&]() {
    const std::size_t from = members.size();
    fresh.clear();
    for (int a : cut)
      if (rc[a] <= 0) fresh.push_back(a);
    for (int a : fresh) {
      const int tail = tail_of(a);
      if (mark[tail] == stamp) continue;
      if (tail == root) return false;
      mark[tail] = stamp;
      members.push_back(tail);
    }
    if (!close(from)) return false;
    kept.clear();
    for (int a : cut)
      if (mark[tail_of(a)] != stamp) kept.push_back(a);
    cut.swap(kept);
    entering(from);
    return true;
  };
  using Key = std::pair<std::size_t, int>;  // (arcs entering W, terminal)
  std::priority_queue<Key, std::vector<Key>, std::greater<Key>> queue;
  for (std::size_t i = 1; i < terminals.size(); ++i) queue.push({0, terminals[i]});
  double bound = 0;
  std::int64_t steps = 0;
  std::size_t cut_arcs = 0;
  // W and its cut belong to terminal `held` (-1: none): still exact (`current`), or after a raise
  // on that cut and no other (`raised`: extend them).
  int held = -1;
  enum class Held { current, raised } state = Held::current;
  while (!queue.empty()) {
    if ((++steps & 63) == 0 && Clock::now() > deadline) break;
    const auto [key, t] = queue.top();
    queue.pop();
    const bool open = held != t ? grow(t) : state == Held::raised ? extend() : true;  // false: t is joined
    held = open ? t : -1;
    state = Held::current;
    if (!open) continue;        // joined to the root
    if (cut.empty()) continue;  // not connected to the root at all
    if (!queue.empty() && cut.size() > queue.top().first) {
      queue.push({cut.size(), t});  // another terminal's cut may now be smaller
      continue;
    }
    double delta = rc[cut.front()];
    for (int a : cut) delta = std::min(delta, rc[a]);
    for (int a : cut) rc[a] = rc[a] == delta ? 0.0 : rc[a] - delta;
    bound += delta;
    if (cuts && delta > 0 && cut_arcs + cut.size() <= kMaxCutArcs) cuts->push_back(cut), cut_arcs += cut.size();
    state = Held::raised;
    queue.push({cut.size(), t});
  }
  if (reduced) *reduced = std::move(rc);
  return bound;
}

std::vector<char> reduced_cost_fixing(const Graph& g, const std::vector<int>& terminals, double bound,
                                      const std::vector<double>& rc, double upper) {
  const SteinerProblem& p = *g.p;
  const std::size_t m = p.edge_u.size();
  std::vector<char> keep(m, 1);
  if (rc.size() != 2 * m || terminals.size() < 2) return keep;
  auto arc_into = [&](int v, int k) {
    const int e = g.edge[k];
    return p.edge_v[e] == v ? 2 * e : 2 * e + 1;
  };
  auto arc_from = [&](int v, int k) {
    const int e = g.edge[k];
    return p.edge_u[e] == v ? 2 * e : 2 * e + 1;
  };
  using Item = std::pair<double, int>;
  // Reduced-cost distances from the root (along arcs) and to the nearest other terminal.
  auto run = [&](std::vector<int> sources, bool forward) {
    std::vector<double> d(g.n, kInf);
    std::priority_queue<Item, std::vector<Item>, std::greater<Item>> heap;
    for (int s : sources) d[s] = 0, heap.push({0.0, s});
    while (!heap.empty()) {
      const auto [dv, v] = heap.top();
      heap.pop();
      if (dv > d[v]) continue;
      for (int k = g.start[v]; k < g.start[v + 1]; ++k) {
        const int w = g.nbr[k];
        // forward: v -> w is the arc leaving v; backward: w -> v is the arc entering v.
        const double c = forward ? rc[arc_from(v, k)] : rc[arc_into(v, k)];
        if (dv + c < d[w]) d[w] = dv + c, heap.push({dv + c, w});
      }
    }
    return d;
  };
  const std::vector<double> from_root = run({terminals.front()}, true);
  const std::vector<double> to_terminal = run(std::vector<int>(terminals.begin() + 1, terminals.end()), false);
  const double limit = upper + 1e-9 * std::max(1.0, std::abs(upper));
  for (std::size_t e = 0; e < m; ++e) {
    const int u = p.edge_u[e], v = p.edge_v[e];
    const bool uv = bound + from_root[u] + rc[2 * e] + to_terminal[v] > limit;
    const bool vu = bound + from_root[v] + rc[2 * e + 1] + to_terminal[u] > limit;
    if (uv && vu) keep[e] = 0;
  }
  return keep;
}

}  // namespace phusong::fibre::detail
