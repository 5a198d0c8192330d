// The fibre plan's network model: slope and the routing surface (cost per metre of cable), lines
// rasterised onto the grid, the routing graph (a coarse lattice with knight's moves and the
// points to join), growing a tree to a prize target, and GPON cabinets on a tree. See fibre.hpp.
#include <ogr_geometry.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <numeric>
#include <queue>
#include <string>
#include <utility>
#include <vector>

#include "fibre/steiner_graph.hpp"
#include "grid_metric.hpp"
#include "phusong/error.hpp"
#include "phusong/fibre.hpp"
#include "phusong/geo.hpp"
#include "phusong/limits.hpp"

namespace phusong::fibre {
namespace {

using detail::check_grid;
using detail::kPi;
using detail::length_m;
using detail::Metric;
using detail::metric_of;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr float kNaNf = std::numeric_limits<float>::quiet_NaN();

// The 8 forward moves of the lattice (each undirected edge once): E, S, SE, SW and the knight's
// moves SSE, SSW, ESE, WSW.
constexpr int kForward[8][2] = {{0, 1}, {1, 0}, {1, 1}, {1, -1}, {2, 1}, {2, -1}, {1, 2}, {1, -2}};

// Mean cost per metre of the cells sampled every half cell (at most) between two points given in
// fractional centre-based (row, col); NaN when a sample is outside the grid or impassable.
double mean_cost(const terrain::Grid& g, const float* cost, double r1, double c1, double r2, double c2) {
  const double dr = r2 - r1, dc = c2 - c1;
  const int n = std::max(1, static_cast<int>(std::ceil(2.0 * std::max(std::abs(dr), std::abs(dc)))));
  double sum = 0;
  for (int k = 0; k < n; ++k) {
    const double t = (k + 0.5) / n;
    const long r = std::lround(r1 + t * dr), c = std::lround(c1 + t * dc);
    if (r < 0 || c < 0 || r >= g.rows || c >= g.cols) return std::nan("");
    const float v = cost[static_cast<std::int64_t>(r) * g.cols + c];
    if (std::isnan(v)) return std::nan("");
    sum += v;
  }
  return sum / n;
}

}  // namespace

// ---------------------------------------------------------------------------------------------

std::vector<float> slope_deg(const terrain::Grid& g, const std::string& crs_wkt, const float* z) {
  check_grid(g);
  if (!z) throw InputError("slope: no heights");
  const Metric metric = metric_of(crs_wkt);
  const int rows = g.rows, cols = g.cols;
  std::vector<float> out(static_cast<std::size_t>(rows) * cols, kNaNf);
  for (int r = 0; r < rows; ++r) {
    const double dx = length_m(g, metric, r, 0, 1), dy = length_m(g, metric, r, 1, 0);
    for (int c = 0; c < cols; ++c) {
      const float centre = z[static_cast<std::int64_t>(r) * cols + c];
      if (std::isnan(centre)) continue;
      // w[i][j]: the 3 x 3 window; a missing (outside or void) neighbour takes the centre's
      // height, as gdaldem -compute_edges does.
      double w[3][3];
      for (int i = -1; i <= 1; ++i)
        for (int j = -1; j <= 1; ++j) {
          const int rr = r + i, cc = c + j;
          float v = centre;
          if (rr >= 0 && cc >= 0 && rr < rows && cc < cols) v = z[static_cast<std::int64_t>(rr) * cols + cc];
          w[i + 1][j + 1] = std::isnan(v) ? centre : v;
        }
      const double dzdx = ((w[0][2] + 2 * w[1][2] + w[2][2]) - (w[0][0] + 2 * w[1][0] + w[2][0])) / (8 * dx);
      const double dzdy = ((w[2][0] + 2 * w[2][1] + w[2][2]) - (w[0][0] + 2 * w[0][1] + w[0][2])) / (8 * dy);
      out[static_cast<std::size_t>(r) * cols + c] = static_cast<float>(std::atan(std::hypot(dzdx, dzdy)) * 180.0 / kPi);
    }
  }
  return out;
}

std::vector<std::uint8_t> rasterize_lines(const terrain::Grid& g, const std::string& crs_wkt,
                                          const std::vector<std::string>& lines_wkb, const std::string& what) {
  check_grid(g);
  std::vector<std::uint8_t> out(static_cast<std::size_t>(g.rows) * g.cols, 0);
  std::unique_ptr<geo::Transformer> tr;
  if (!crs_wkt.empty()) tr = std::make_unique<geo::Transformer>("EPSG:4326", crs_wkt);
  auto mark = [&](double x, double y) {
    const double c = std::floor((x - g.origin_x) / g.dx), r = std::floor((y - g.origin_y) / g.dy);
    if (c >= 0 && r >= 0 && c < g.cols && r < g.rows) out[static_cast<std::size_t>(r) * g.cols + static_cast<std::size_t>(c)] = 1;
  };
  auto walk = [&](const OGRLineString& ls) {
    std::vector<double> x(ls.getNumPoints()), y(ls.getNumPoints());
    for (int i = 0; i < ls.getNumPoints(); ++i) x[i] = ls.getX(i), y[i] = ls.getY(i);
    if (tr && !tr->is_identity() && !x.empty()) tr->transform(x, y);
    for (std::size_t i = 0; i < x.size(); ++i)
      if (!std::isfinite(x[i]) || !std::isfinite(y[i]))
        throw InputError(what + ": a vertex (" + limits::fmt(ls.getX(static_cast<int>(i))) + ", " +
                         limits::fmt(ls.getY(static_cast<int>(i))) + ") cannot be placed on the grid");
    for (std::size_t i = 0; i < x.size(); ++i) {
      mark(x[i], y[i]);
      if (i + 1 == x.size()) break;
      const double ddx = (x[i + 1] - x[i]) / std::abs(g.dx), ddy = (y[i + 1] - y[i]) / std::abs(g.dy);
      const int n = static_cast<int>(std::ceil(4.0 * std::max(std::abs(ddx), std::abs(ddy))));
      for (int k = 1; k < n; ++k) {
        const double t = static_cast<double>(k) / n;
        mark(x[i] + t * (x[i + 1] - x[i]), y[i] + t * (y[i + 1] - y[i]));
      }
    }
  };
  for (std::size_t f = 0; f < lines_wkb.size(); ++f) {
    OGRGeometry* raw = nullptr;
    const auto& b = lines_wkb[f];
    if (OGRGeometryFactory::createFromWkb(b.data(), nullptr, &raw, b.size()) != OGRERR_NONE || !raw)
      throw InputError(what + ": feature " + std::to_string(f) + " is not a readable geometry (WKB)");
    std::unique_ptr<OGRGeometry> geom(raw);
    const auto type = wkbFlatten(geom->getGeometryType());
    if (type == wkbLineString) {
      walk(*geom->toLineString());
    } else if (type == wkbMultiLineString) {
      for (const auto* part : *geom->toMultiLineString()) walk(*part);
    } else {
      throw InputError(what + ": feature " + std::to_string(f) + " is a " + OGRGeometryTypeToName(type) +
                       " (must be a LineString or MultiLineString)");
    }
  }
  return out;
}

std::vector<float> routing_surface(const terrain::Grid& g, const std::string& crs_wkt, const float* heights_m,
                                   const std::uint8_t* road, const std::uint8_t* power, const std::uint8_t* river,
                                   const float* landcover_factor, const SurfaceOptions& o) {
  auto bad = [](const char* name, double v, const char* need) {
    throw InputError(std::string("fibre routing surface: ") + name + " = " + limits::fmt(v) + " (" + need + ")");
  };
  if (!(std::isfinite(o.base_cost_per_m) && o.base_cost_per_m > 0)) bad("base_cost_per_m", o.base_cost_per_m, "must be > 0");
  if (!(std::isfinite(o.slope_factor) && o.slope_factor >= 0)) bad("slope_factor", o.slope_factor, "must be >= 0");
  if (!(o.max_slope_deg > 0 && o.max_slope_deg <= 90)) bad("max_slope_deg", o.max_slope_deg, "must be in (0, 90]");
  for (auto [name, v] : {std::pair{"road_factor", o.road_factor}, {"power_factor", o.power_factor},
                         {"river_factor", o.river_factor}})
    if (!(std::isfinite(v) && v > 0)) bad(name, v, "must be > 0");
  const std::vector<float> slope = slope_deg(g, crs_wkt, heights_m);
  std::vector<float> out(slope.size(), kNaNf);
  for (std::size_t k = 0; k < slope.size(); ++k) {
    const float s = slope[k];
    double c = std::nan("");
    if (!std::isnan(s) && s <= o.max_slope_deg) {
      c = o.base_cost_per_m * (1 + o.slope_factor * std::tan(s * kPi / 180.0));
      if (landcover_factor) {
        const float f = landcover_factor[k];
        if (std::isnan(f) || f < 0) c = std::nan("");
        else c *= f;
      }
    }
    const bool on_road = road && road[k];
    if (river && river[k] && !on_road) c *= o.river_factor;
    if (on_road && !std::isnan(heights_m[k])) c = std::isnan(c) ? o.base_cost_per_m * o.road_factor
                                                               : std::min(c, o.base_cost_per_m * o.road_factor);
    if (power && power[k] && !std::isnan(heights_m[k]))
      c = std::isnan(c) ? o.base_cost_per_m * o.power_factor : std::min(c, o.base_cost_per_m * o.power_factor);
    out[k] = static_cast<float>(c);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

RoutingGraph routing_graph(const terrain::Grid& g, const std::string& crs_wkt, const float* cost, int stride,
                           const std::vector<double>& x, const std::vector<double>& y, int point_links) {
  check_grid(g);
  if (!cost) throw InputError("routing graph: no cost raster");
  if (stride < 1) throw InputError("routing graph: stride = " + std::to_string(stride) + " cells (must be >= 1)");
  if (point_links < 1) throw InputError("routing graph: point_links = " + std::to_string(point_links) + " (must be >= 1)");
  if (x.size() != y.size())
    throw InputError("routing graph: " + std::to_string(x.size()) + " x but " + std::to_string(y.size()) + " y");
  const Metric metric = metric_of(crs_wkt);
  RoutingGraph out;
  out.stride = stride;
  const int lr = (g.rows + stride - 1) / stride, lc = (g.cols + stride - 1) / stride;
  out.lattice_rows = lr, out.lattice_cols = lc;
  const std::int64_t n_lattice = static_cast<std::int64_t>(lr) * lc;
  limits::check_memory("routing graph of " + std::to_string(lr) + " x " + std::to_string(lc) + " nodes",
                       static_cast<double>(n_lattice) * 8 * (4 + 4 + 8 + 8) + static_cast<double>(n_lattice) * 16,
                       "use a larger fibre.graph_spacing_m");
  auto cell_row = [&](int i) { return std::min(i * stride + stride / 2, g.rows - 1); };
  auto cell_col = [&](int j) { return std::min(j * stride + stride / 2, g.cols - 1); };
  auto passable = [&](long r, long c) { return !std::isnan(cost[static_cast<std::int64_t>(r) * g.cols + c]); };
  auto& p = out.problem;
  p.n_nodes = static_cast<int>(n_lattice + static_cast<std::int64_t>(x.size()));
  p.name = "fibre routing graph";
  out.node_x.reserve(p.n_nodes), out.node_y.reserve(p.n_nodes);
  for (int i = 0; i < lr; ++i)
    for (int j = 0; j < lc; ++j) out.node_x.push_back(g.x_of(cell_col(j))), out.node_y.push_back(g.y_of(cell_row(i)));
  auto add_edge = [&](int u, int v, double r1, double c1, double r2, double c2) -> bool {
    const double mean = mean_cost(g, cost, r1, c1, r2, c2);
    if (std::isnan(mean)) return false;
    const double len = length_m(g, metric, 0.5 * (r1 + r2), r2 - r1, c2 - c1);
    p.edge_u.push_back(u), p.edge_v.push_back(v), p.edge_cost.push_back(mean * len);
    out.edge_length_m.push_back(len);
    return true;
  };
  for (int i = 0; i < lr; ++i)
    for (int j = 0; j < lc; ++j) {
      const int r1 = cell_row(i), c1 = cell_col(j);
      if (!passable(r1, c1)) continue;
      for (const auto& mv : kForward) {
        const int i2 = i + mv[0], j2 = j + mv[1];
        if (i2 < 0 || j2 < 0 || i2 >= lr || j2 >= lc) continue;
        const int r2 = cell_row(i2), c2 = cell_col(j2);
        if (!passable(r2, c2)) continue;
        add_edge(i * lc + j, i2 * lc + j2, r1, c1, r2, c2);
      }
    }
  // The points, each joined to the cheapest lattice nodes within 1.5 strides.
  out.point_node.resize(x.size());
  for (std::size_t k = 0; k < x.size(); ++k) {
    const int node = static_cast<int>(n_lattice + static_cast<std::int64_t>(k));
    out.point_node[k] = node;
    out.node_x.push_back(x[k]), out.node_y.push_back(y[k]);
    const double pr = g.row_of(y[k]), pc = g.col_of(x[k]);
    const long r0 = std::lround(pr), c0 = std::lround(pc);
    if (!(std::isfinite(pr) && std::isfinite(pc)) || r0 < 0 || c0 < 0 || r0 >= g.rows || c0 >= g.cols)
      throw InputError("routing graph: point " + std::to_string(k) + " (" + limits::fmt(x[k]) + ", " + limits::fmt(y[k]) +
                       ") lies outside the grid of " + std::to_string(g.rows) + " rows x " + std::to_string(g.cols) + " cols");
    if (!passable(r0, c0)) continue;  // isolated: on an impassable cell
    struct Link {
      double cost;
      int node;
      double len;
    };
    std::vector<Link> links;
    const int i0 = static_cast<int>(r0 / stride), j0 = static_cast<int>(c0 / stride);
    const double reach = 1.5 * stride;
    for (int i = i0 - 2; i <= i0 + 2; ++i)
      for (int j = j0 - 2; j <= j0 + 2; ++j) {
        if (i < 0 || j < 0 || i >= lr || j >= lc) continue;
        const int r2 = cell_row(i), c2 = cell_col(j);
        if (std::hypot(r2 - pr, c2 - pc) > reach || !passable(r2, c2)) continue;
        const double mean = mean_cost(g, cost, pr, pc, r2, c2);
        if (std::isnan(mean)) continue;
        const double len = length_m(g, metric, 0.5 * (pr + r2), r2 - pr, c2 - pc);
        links.push_back({mean * len, i * lc + j, len});
      }
    std::sort(links.begin(), links.end(),
              [](const Link& a, const Link& b) { return a.cost < b.cost || (a.cost == b.cost && a.node < b.node); });
    if (static_cast<int>(links.size()) > point_links) links.resize(point_links);
    for (const auto& l : links) {
      p.edge_u.push_back(l.node), p.edge_v.push_back(node), p.edge_cost.push_back(l.cost);
      out.edge_length_m.push_back(l.len);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

namespace {

// The CSR adjacency of the Steiner solvers (edges keep their problem indices; `alive` filters).
using Adjacency = detail::Graph;

using Item = std::pair<double, int>;
using MinHeap = std::priority_queue<Item, std::vector<Item>, std::greater<Item>>;

// Dijkstra from the seeded heap, replacing only strictly smaller distances.
template <class OnSettle>
void dijkstra(const SteinerProblem& p, const Adjacency& a, MinHeap& heap, std::vector<double>& dist,
              std::vector<int>& pred_edge, OnSettle&& on_settle) {
  while (!heap.empty()) {
    const auto [d, v] = heap.top();
    heap.pop();
    if (d > dist[v]) continue;
    on_settle(v);
    for (int k = a.start[v]; k < a.start[v + 1]; ++k) {
      const int w = a.nbr[k];
      const double nd = d + p.edge_cost[a.edge[k]];
      if (nd < dist[w]) {
        dist[w] = nd;
        pred_edge[w] = a.edge[k];
        heap.push({nd, w});
      }
    }
  }
}

}  // namespace

GrowResult grow_tree(const SteinerProblem& p, const std::vector<int>& tree_nodes, const std::vector<int>& terminals,
                     const std::vector<double>& prize, const std::vector<double>& extra_cost, const GrowOptions& o,
                     const ProgressFn& progress) {
  const std::size_t nt = terminals.size();
  if (prize.size() != nt || extra_cost.size() != nt)
    throw InputError("grow_tree: " + std::to_string(nt) + " terminals but " + std::to_string(prize.size()) + " prizes and " +
                     std::to_string(extra_cost.size()) + " extra costs");
  for (std::size_t e = 0; e < p.edge_cost.size(); ++e)
    if (!(std::isfinite(p.edge_cost[e]) && p.edge_cost[e] >= 0))
      throw InputError("grow_tree: edge " + std::to_string(e) + " costs " + limits::fmt(p.edge_cost[e]) + " (must be finite, >= 0)");
  for (std::size_t t = 0; t < nt; ++t) {
    if (terminals[t] < 0 || terminals[t] >= p.n_nodes)
      throw InputError("grow_tree: terminal " + std::to_string(t) + " is node " + std::to_string(terminals[t]) +
                       " (the graph has " + std::to_string(p.n_nodes) + " nodes)");
    if (!(std::isfinite(prize[t]) && prize[t] >= 0) || !(std::isfinite(extra_cost[t]) && extra_cost[t] >= 0))
      throw InputError("grow_tree: terminal " + std::to_string(t) + " has prize " + limits::fmt(prize[t]) +
                       " and extra cost " + limits::fmt(extra_cost[t]) + " (both must be finite, >= 0)");
  }
  for (int v : tree_nodes)
    if (v < 0 || v >= p.n_nodes) throw InputError("grow_tree: tree node " + std::to_string(v) + " is not in the graph");
  if (tree_nodes.empty()) throw InputError("grow_tree: the initial tree has no node");
  const Adjacency a(p);
  const int n = p.n_nodes;
  GrowResult out;

  // Greedy growth with distances kept to the current tree.
  std::vector<double> dist(n, kInf);
  std::vector<int> pred_edge(n, -1);
  std::vector<char> in_tree(n, 0);
  MinHeap heap;
  for (int v : tree_nodes)
    if (!in_tree[v]) in_tree[v] = 1, dist[v] = 0, heap.push({0.0, v});
  dijkstra(p, a, heap, dist, pred_edge, [](int) {});
  // The lower bound: distance from each terminal to the nearest other terminal or tree node (the
  // Voronoi regions of one multi-source run; the nearest other site is across a boundary edge).
  {
    std::vector<double> vdist(n, kInf), d_other(nt, kInf);
    std::vector<int> label(n, -2), first_at(n, -1);
    MinHeap vheap;
    for (int v : tree_nodes)
      if (label[v] != -1) label[v] = -1, vdist[v] = 0, vheap.push({0.0, v});
    for (std::size_t t = 0; t < nt; ++t) {
      const int v = terminals[t];
      if (label[v] == -1) { d_other[t] = 0; continue; }
      if (first_at[v] >= 0) { d_other[t] = 0, d_other[first_at[v]] = 0; continue; }
      first_at[v] = static_cast<int>(t), label[v] = static_cast<int>(t), vdist[v] = 0, vheap.push({0.0, v});
    }
    // Labels follow the predecessor: a node takes the label of the site it is reached from.
    while (!vheap.empty()) {
      const auto [d, v] = vheap.top();
      vheap.pop();
      if (d > vdist[v]) continue;
      for (int k = a.start[v]; k < a.start[v + 1]; ++k) {
        const int w = a.nbr[k];
        const double nd = d + p.edge_cost[a.edge[k]];
        if (nd < vdist[w]) vdist[w] = nd, label[w] = label[v], vheap.push({nd, w});
      }
    }
    for (std::size_t e = 0; e < p.edge_u.size(); ++e) {
      const int u = p.edge_u[e], v = p.edge_v[e];
      if (label[u] == -2 || label[v] == -2 || label[u] == label[v]) continue;
      const double len = vdist[u] + p.edge_cost[e] + vdist[v];
      if (label[u] >= 0) d_other[label[u]] = std::min(d_other[label[u]], len);
      if (label[v] >= 0) d_other[label[v]] = std::min(d_other[label[v]], len);
    }
    // Fractional knapsack over the terminals that can join the tree (finite distance to it).
    std::vector<int> idx;
    for (std::size_t t = 0; t < nt; ++t)
      if (std::isfinite(dist[terminals[t]]) && prize[t] > 0) idx.push_back(static_cast<int>(t));
    auto unit = [&](int t) { return (extra_cost[t] + 0.5 * d_other[t]) / prize[t]; };
    std::stable_sort(idx.begin(), idx.end(), [&](int x, int y) { return unit(x) < unit(y); });
    double need = o.target_prize, bound = 0;
    for (int t : idx) {
      if (need <= 0) break;
      const double take = std::min(1.0, need / prize[t]);
      bound += take * (extra_cost[t] + 0.5 * d_other[t]);
      need -= take * prize[t];
    }
    out.target_bound = need > 1e-9 * std::max(1.0, o.target_prize) ? kInf : bound;
  }

  std::vector<char> joined(nt, 0);
  double prize_sum = 0, cost_sum = 0;
  if (o.target_prize <= 0) out.target_steps = 0;
  for (std::size_t step = 0; step < nt; ++step) {
    int best = -1;
    double best_ratio = kInf;
    for (std::size_t t = 0; t < nt; ++t) {
      if (joined[t] || !std::isfinite(dist[terminals[t]])) continue;
      const double c = dist[terminals[t]] + extra_cost[t];
      const double ratio = prize[t] > 0 ? c / prize[t] : kInf;
      if (best < 0 || ratio < best_ratio) best = static_cast<int>(t), best_ratio = ratio;
    }
    if (best < 0) break;
    joined[best] = 1;
    std::vector<int> edges;
    double c = extra_cost[best];
    for (int v = terminals[best]; !in_tree[v];) {
      const int e = pred_edge[v];
      edges.push_back(e);
      c += p.edge_cost[e];
      in_tree[v] = 1, dist[v] = 0, heap.push({0.0, v});
      v = p.edge_u[e] == v ? p.edge_v[e] : p.edge_u[e];
    }
    std::sort(edges.begin(), edges.end());
    dijkstra(p, a, heap, dist, pred_edge, [](int) {});
    out.order.push_back(best);
    out.step_cost.push_back(c);
    out.step_edges.push_back(std::move(edges));
    prize_sum += prize[best], cost_sum += c;
    if (out.target_steps < 0 && prize_sum >= o.target_prize) {
      out.target_steps = static_cast<int>(out.order.size());
      out.target_cost = cost_sum;
      if (!o.complete) break;
    }
    if (progress) progress(out.order.size(), nt);
  }
  for (std::size_t t = 0; t < nt; ++t)
    if (!joined[t] && !std::isfinite(dist[terminals[t]])) out.unreachable.push_back(static_cast<int>(t));
  return out;
}

// ---------------------------------------------------------------------------------------------

Gpon gpon_cabinets(const SteinerProblem& p, const std::vector<double>& edge_length_m, const std::vector<int>& tree_edges,
                   const std::vector<int>& roots, const std::vector<int>& demand_nodes, double reach_m) {
  if (!(reach_m > 0)) throw InputError("GPON: reach = " + limits::fmt(reach_m) + " m (must be > 0)");
  if (edge_length_m.size() != p.edge_u.size())
    throw InputError("GPON: " + std::to_string(edge_length_m.size()) + " edge lengths for " +
                     std::to_string(p.edge_u.size()) + " edges");
  const int n = p.n_nodes;
  std::vector<char> alive(p.edge_u.size(), 0);
  for (int e : tree_edges) {
    if (e < 0 || e >= static_cast<int>(p.edge_u.size())) throw InputError("GPON: tree edge " + std::to_string(e) + " is not in the graph");
    alive[e] = 1;
  }
  const Adjacency a(p, &alive);
  std::vector<char> demand(n, 0);
  for (int v : demand_nodes) {
    if (v < 0 || v >= n) throw InputError("GPON: demand node " + std::to_string(v) + " is not in the graph");
    demand[v] = 1;
  }
  // Rooted forest by BFS from the roots in order; children in node order.
  std::vector<int> parent(n, -2), parent_edge(n, -1), order;
  for (int r : roots) {
    if (r < 0 || r >= n) throw InputError("GPON: root " + std::to_string(r) + " is not in the graph");
    if (parent[r] != -2) continue;
    parent[r] = -1;
    std::size_t head = order.size();
    order.push_back(r);
    while (head < order.size()) {
      const int v = order[head++];
      std::vector<std::pair<int, int>> kids;
      for (int k = a.start[v]; k < a.start[v + 1]; ++k)
        if (parent[a.nbr[k]] == -2) kids.push_back({a.nbr[k], a.edge[k]});
      std::sort(kids.begin(), kids.end());
      for (auto [w, e] : kids) {
        if (parent[w] != -2) continue;
        parent[w] = v, parent_edge[w] = e;
        order.push_back(w);
      }
    }
  }
  // Bottom-up: far[v] = the farthest demand below v not yet served by a cabinet below it.
  std::vector<double> far(n, -kInf);
  std::vector<char> cabinet(n, 0);
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const int v = *it;
    if (demand[v]) far[v] = std::max(far[v], 0.0);
    if (parent[v] < 0) continue;
    const double up = far[v] + edge_length_m[parent_edge[v]];
    if (far[v] > -kInf && up > reach_m) {
      cabinet[v] = 1;  // v's subtree is within reach of v (checked at the level below)
    } else if (far[v] > -kInf) {
      far[parent[v]] = std::max(far[parent[v]], up);
    }
  }
  for (int v : demand_nodes)
    if (parent[v] == -2)
      throw InputError("GPON: demand node " + std::to_string(v) + " is not on the tree reached from the roots");
  Gpon out;
  out.olt_of.assign(n, -1);
  out.optical_m.assign(n, std::nan(""));
  for (int v : order) {
    if (parent[v] < 0 || cabinet[v]) {
      out.olt_of[v] = v, out.optical_m[v] = 0;
      if (cabinet[v]) out.cabinets.push_back(v);
    } else {
      out.olt_of[v] = out.olt_of[parent[v]];
      out.optical_m[v] = out.optical_m[parent[v]] + edge_length_m[parent_edge[v]];
    }
  }
  std::sort(out.cabinets.begin(), out.cabinets.end());
  return out;
}

}  // namespace phusong::fibre
