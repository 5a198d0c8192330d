// Fibre layer: least-cost paths on a cost raster (hand-worked rasters, r.cost -k's move costs,
// geographic cell sizes against the geodesic, paths, bad input), Steiner trees (SteinLib set B
// against the published optima, tests/data/steinlib/README.md; small random graphs against a
// brute force over every set of Steiner nodes; unreachable terminals) and the STP reader's errors.
// Paths are relative to the repository root.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <queue>
#include <random>
#include <string>
#include <vector>

#include "CoinPackedMatrix.hpp"
#include "CoinPackedVector.hpp"
#include "OsiClpSolverInterface.hpp"
#include "fibre/cut_pool.hpp"
#include "fibre/steiner_graph.hpp"
#include "phusong/error.hpp"
#include "phusong/fibre.hpp"
#include "phusong/geo.hpp"
#include "test_support.hpp"

using namespace phusong;
using namespace phusong::fibre;
using phusong::test::expect_throws_mentioning;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

terrain::Grid planar(int rows, int cols, double cell_m = 1.0) {
  terrain::Grid g;
  g.origin_x = 500000;
  g.origin_y = 2300000;
  g.dx = cell_m;
  g.dy = -cell_m;
  g.rows = rows;
  g.cols = cols;
  return g;
}

double acc(const CostDistance& r, int row, int col) { return r.accumulated[static_cast<std::size_t>(row) * r.grid.cols + col]; }

// ---------------------------------------------------------------------------------------------
// Cost distance.

TEST(CostDistance, HandWorkedRow) {
  // One row, cells of 10 m, costs 1, 2, 3 per metre: (1+2)/2*10 = 15, then + (2+3)/2*10 = 40.
  const std::vector<double> c{1, 2, 3};
  const auto r = cost_distance(planar(1, 3, 10), "", c.data(), {{0, 0}});
  EXPECT_DOUBLE_EQ(acc(r, 0, 0), 0);
  EXPECT_DOUBLE_EQ(acc(r, 0, 1), 15);
  EXPECT_DOUBLE_EQ(acc(r, 0, 2), 40);
  EXPECT_EQ(r.backlink[0], kBacklinkSource);
  EXPECT_EQ(r.backlink[2], 1);  // entered by the move east
  EXPECT_EQ(r.reached, 3u);
}

TEST(CostDistance, KnightMoveAsRCost) {
  // 3 rows x 2 cols of unit cost, 1 m cells. (0,0) -> (2,1): a knight's move of length sqrt(5)
  // (mean of 4 cells = 1) beats diagonal + south (sqrt(2) + 1).
  const std::vector<double> c(6, 1.0);
  const auto k = cost_distance(planar(3, 2), "", c.data(), {{0, 0}});
  EXPECT_NEAR(acc(k, 2, 1), std::sqrt(5.0), 1e-12);
  EXPECT_EQ(k.backlink[5], 10);  // kMoves[10] = (2, 1)
  CostDistanceOptions eight;
  eight.knight = false;
  const auto e = cost_distance(planar(3, 2), "", c.data(), {{0, 0}}, eight);
  EXPECT_NEAR(acc(e, 2, 1), std::sqrt(2.0) + 1, 1e-12);
  // Costs 4 at the ends, 1 in the two cells the move crosses, 9 elsewhere: the knight's move costs
  // (4+1+1+4)/4 sqrt(5) = 5.59; every two-move path at least (4+1)/2 + (1+4)/2 sqrt(2) = 6.04.
  const std::vector<double> c2{4, 9, 1, 1, 9, 4};  // (0,0) (0,1) / (1,0) (1,1) / (2,0) (2,1)
  const auto k2 = cost_distance(planar(3, 2), "", c2.data(), {{0, 0}});
  EXPECT_NEAR(acc(k2, 2, 1), 2.5 * std::sqrt(5.0), 1e-12);
  EXPECT_NEAR(acc(k2, 1, 1), (4 + 1) / 2.0 + (1 + 1) / 2.0, 1e-12);  // south, then east
  // An impassable crossed cell blocks the knight's move.
  std::vector<double> c3(6, 1.0);
  c3[2] = kNaN;  // (1,0)
  const auto k3 = cost_distance(planar(3, 2), "", c3.data(), {{0, 0}});
  EXPECT_NEAR(acc(k3, 2, 1), std::sqrt(2.0) + 1, 1e-12);
  EXPECT_TRUE(std::isnan(acc(k3, 1, 0)));
  EXPECT_EQ(k3.backlink[2], kBacklinkUnreached);
}

TEST(CostDistance, RectangularCellsAndUnits) {
  // 2 m x 1 m cells (dx = 2, dy = -1): east costs 2, north-south 1, diagonal sqrt(5).
  terrain::Grid g = planar(2, 2);
  g.dx = 2;
  const std::vector<double> c(4, 1.0);
  const auto r = cost_distance(g, "", c.data(), {{0, 0}});
  EXPECT_DOUBLE_EQ(acc(r, 0, 1), 2);
  EXPECT_DOUBLE_EQ(acc(r, 1, 0), 1);
  EXPECT_NEAR(acc(r, 1, 1), std::sqrt(5.0), 1e-12);
  // A projected CRS in metres gives the same; US survey feet scale by 0.3048006.
  const auto u = cost_distance(g, geo::crs_wkt("EPSG:32648"), c.data(), {{0, 0}});
  EXPECT_DOUBLE_EQ(acc(u, 1, 1), acc(r, 1, 1));
  EXPECT_NEAR(move_length_m(g, geo::crs_wkt("EPSG:2227"), 0, 1), 2 * 1200.0 / 3937.0, 1e-9);
}

TEST(CostDistance, GeographicCellsMatchTheGeodesic) {
  terrain::Grid g;
  g.origin_x = 103.5;
  g.origin_y = 21.5;
  g.dx = 1.0 / 1200;  // 3 arc-seconds
  g.dy = -1.0 / 1200;
  g.rows = 50;
  g.cols = 50;
  const std::string wgs84 = geo::crs_wkt("WGS84");
  for (int m = 0; m < 16; ++m) {
    const int row = 20;
    const double lon1 = g.x_of(20), lat1 = g.y_of(row);
    const double lon2 = g.x_of(20 + kMoves[m].dcol), lat2 = g.y_of(row + kMoves[m].drow);
    const double geodesic = geo::geodesic_inverse(lon1, lat1, lon2, lat2).distance_m;
    EXPECT_NEAR(move_length_m(g, wgs84, row, m) / geodesic, 1.0, 1e-6) << "move " << m;
  }
}

TEST(CostDistance, PathsSumToTheAccumulatedCostAndEndAtTheirSource) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> u(0.5, 5.0);
  const int rows = 30, cols = 40;
  std::vector<double> c(rows * cols);
  for (auto& v : c) v = u(rng);
  for (int k = 0; k < 60; ++k) c[rng() % c.size()] = kNaN;
  const terrain::Grid g = planar(rows, cols, 30);
  c[3 * cols + 4] = 1, c[25 * cols + 30] = 1;
  const auto r = cost_distance(g, "", c.data(), {{3, 4}, {25, 30}});
  int checked = 0;
  for (int row = 0; row < rows; row += 3)
    for (int col = 0; col < cols; col += 4) {
      if (r.backlink[row * cols + col] == kBacklinkUnreached) continue;
      const auto path = r.path(row, col);
      const Cell src = r.sources[r.source_index[row * cols + col]];
      EXPECT_EQ(path.back(), src);
      double total = 0;
      for (std::size_t i = path.size() - 1; i > 0; --i) {
        const Cell a = path[i], b = path[i - 1];
        int m = 0;
        while (kMoves[m].drow != b.row - a.row || kMoves[m].dcol != b.col - a.col) ++m;
        double sum = c[a.row * cols + a.col] + c[b.row * cols + b.col];
        double n = 2;
        if (m >= 8) {
          const int dr = kMoves[m].drow, dc = kMoves[m].dcol;
          const Cell x1 = std::abs(dr) == 2 ? Cell{a.row + dr / 2, a.col} : Cell{a.row, a.col + dc / 2};
          const Cell x2 = std::abs(dr) == 2 ? Cell{a.row + dr / 2, a.col + dc} : Cell{a.row + dr, a.col + dc / 2};
          sum += c[x1.row * cols + x1.col] + c[x2.row * cols + x2.col];
          n = 4;
        }
        total += sum / n * move_length_m(g, "", a.row, m);
      }
      EXPECT_NEAR(total, acc(r, row, col), 1e-9 * std::max(1.0, total));
      ++checked;
    }
  EXPECT_GT(checked, 50);
  // Deterministic: the same call gives the same rasters.
  const auto again = cost_distance(g, "", c.data(), {{3, 4}, {25, 30}});
  EXPECT_EQ(again.backlink, r.backlink);
  EXPECT_EQ(again.source_index, r.source_index);
}

TEST(CostDistance, MaxCostAndFloat32) {
  const std::vector<float> c(25, 1.0f);
  CostDistanceOptions o;
  o.max_cost = 2.0;
  const auto r = cost_distance(planar(5, 5), "", c.data(), {{2, 2}}, o);
  EXPECT_DOUBLE_EQ(r.accumulated[2 * 5 + 4], 2.0);
  EXPECT_TRUE(std::isnan(r.accumulated[0]));  // 2 sqrt(2) > 2
}

TEST(CostDistance, BadInput) {
  std::vector<double> c(6, 1.0);
  c[4] = -1;
  expect_throws_mentioning<InputError>([&] { cost_distance(planar(2, 3), "", c.data(), {{0, 0}}); },
                                       {"(row 1, col 1)", "-1", "NaN for impassable"});
  c[4] = std::numeric_limits<double>::infinity();
  expect_throws_mentioning<InputError>([&] { cost_distance(planar(2, 3), "", c.data(), {{0, 0}}); }, {"inf"});
  c[4] = kNaN;
  expect_throws_mentioning<InputError>([&] { cost_distance(planar(2, 3), "", c.data(), {{0, 0}, {2, 0}}); },
                                       {"source 1", "(row 2, col 0)", "outside the grid"});
  expect_throws_mentioning<InputError>([&] { cost_distance(planar(2, 3), "", c.data(), {{1, 1}}); },
                                       {"source 0", "impassable"});
  expect_throws_mentioning<InputError>([&] { cost_distance(planar(2, 3), "", c.data(), {}); }, {"no sources"});
  const auto r = cost_distance(planar(2, 3), "", c.data(), {{0, 0}});
  expect_throws_mentioning<InputError>([&] { r.path(1, 1); }, {"not reached"});
  expect_throws_mentioning<InputError>([&] { r.path(5, 1); }, {"outside the grid"});
  expect_throws_mentioning<InputError>([&] { cells_of_lonlat(planar(2, 3), geo::crs_wkt("UTM48N"), {10.0}, {10.0}); },
                                       {"point 0", "outside the grid"});
}

// ---------------------------------------------------------------------------------------------
// Steiner trees.

struct Known {
  const char* file;
  double optimum;
};
// SteinLib set B, Beasley (1989); optima as published by SteinLib (tests/data/steinlib/README.md).
const Known kSetB[] = {{"b01", 82},  {"b02", 83},  {"b03", 138}, {"b04", 59},  {"b05", 61},  {"b06", 122},
                       {"b07", 111}, {"b08", 104}, {"b09", 220}, {"b10", 86},  {"b11", 88},  {"b12", 174},
                       {"b13", 165}, {"b14", 235}, {"b15", 318}, {"b16", 127}, {"b17", 131}, {"b18", 218}};

std::string steinlib(const std::string& name) { return "tests/data/steinlib/" + name + ".stp"; }

bool is_tree_joining(const SteinerProblem& p, const SteinerResult& r) {
  // Connected, acyclic, contains every reachable terminal.
  std::vector<int> parent(p.n_nodes);
  std::iota(parent.begin(), parent.end(), 0);
  auto find = [&](int x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  for (int e : r.edges) {
    const int a = find(p.edge_u[e]), b = find(p.edge_v[e]);
    if (a == b) return false;  // cycle
    parent[a] = b;
  }
  const int root = find(p.terminals[0]);
  for (int t : p.terminals)
    if (std::find(r.unreachable_terminals.begin(), r.unreachable_terminals.end(), t) == r.unreachable_terminals.end() &&
        find(t) != root)
      return false;
  return true;
}

TEST(Steiner, SetBExactReachesThePublishedOptimaAndProvesThem) {
  for (const Known& k : kSetB) {
    const SteinerProblem p = read_steinlib(steinlib(k.file));
    EXPECT_EQ(p.declared_optimum, k.optimum) << k.file;  // the copy's "Optimal" line agrees
    SteinerOptions o;
    o.time_limit_s = 60;
    const SteinerResult r = solve_steiner_exact(p, o);
    EXPECT_EQ(r.cost, k.optimum) << k.file;
    EXPECT_TRUE(r.proven_optimal) << k.file;
    EXPECT_EQ(r.status, planning::SolveStatus::optimal) << k.file;
    EXPECT_EQ(r.bound, k.optimum) << k.file;
    EXPECT_EQ(r.gap, 0) << k.file;
    EXPECT_TRUE(is_tree_joining(p, r)) << k.file;
  }
}

TEST(Steiner, SetBHeuristicWithinAFewPercentNeverBelow) {
  double sum_ratio = 0;
  for (const Known& k : kSetB) {
    const SteinerProblem p = read_steinlib(steinlib(k.file));
    const SteinerResult r = solve_steiner_heuristic(p);
    EXPECT_GE(r.cost, k.optimum) << k.file;
    EXPECT_LE(r.cost, 1.05 * k.optimum) << k.file;
    EXPECT_LE(r.bound, k.optimum) << k.file;  // a valid lower bound
    EXPECT_TRUE(is_tree_joining(p, r)) << k.file;
    EXPECT_LT(r.seconds, 1.0) << k.file;
    sum_ratio += r.cost / k.optimum;
  }
  EXPECT_LE(sum_ratio / std::size(kSetB), 1.01);
}

// Least cost by brute force: every set S of non-terminals, MST of the graph induced by T + S.
double brute_force(const SteinerProblem& p) {
  std::vector<int> steiner;
  std::vector<char> term(p.n_nodes, 0);
  for (int t : p.terminals) term[t] = 1;
  for (int v = 0; v < p.n_nodes; ++v)
    if (!term[v]) steiner.push_back(v);
  std::vector<int> order(p.edge_u.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int a, int b) { return p.edge_cost[a] < p.edge_cost[b]; });
  double best = std::numeric_limits<double>::infinity();
  for (unsigned mask = 0; mask < (1u << steiner.size()); ++mask) {
    std::vector<char> in = term;
    for (std::size_t i = 0; i < steiner.size(); ++i)
      if (mask >> i & 1) in[steiner[i]] = 1;
    std::vector<int> parent(p.n_nodes);
    std::iota(parent.begin(), parent.end(), 0);
    auto find = [&](int x) {
      while (parent[x] != x) x = parent[x] = parent[parent[x]];
      return x;
    };
    double cost = 0;
    int joined = 0, n_in = 0;
    for (char c : in) n_in += c;
    for (int e : order) {
      if (!in[p.edge_u[e]] || !in[p.edge_v[e]]) continue;
      const int a = find(p.edge_u[e]), b = find(p.edge_v[e]);
      if (a != b) parent[a] = b, cost += p.edge_cost[e], ++joined;
    }
    if (joined == n_in - 1) best = std::min(best, cost);
  }
  return best;
}

// A connected random graph: min_nodes + rng() % spread nodes, a random spanning tree, then
// chords_per_node x n random chords (self-loops skipped), costs drawn by cost(rng), and
// 2..n-2 random terminals.
template <class Cost>
SteinerProblem random_graph(std::mt19937& rng, int min_nodes, int spread, int chords_per_node, Cost cost) {
  SteinerProblem p;
  p.n_nodes = min_nodes + static_cast<int>(rng() % spread);
  for (int v = 1; v < p.n_nodes; ++v) {
    p.edge_u.push_back(static_cast<int>(rng() % v));
    p.edge_v.push_back(v);
    p.edge_cost.push_back(cost(rng));
  }
  for (int k = 0; k < chords_per_node * p.n_nodes; ++k) {
    const int a = static_cast<int>(rng() % p.n_nodes), b = static_cast<int>(rng() % p.n_nodes);
    if (a == b) continue;
    p.edge_u.push_back(a);
    p.edge_v.push_back(b);
    p.edge_cost.push_back(cost(rng));
  }
  std::vector<int> nodes(p.n_nodes);
  std::iota(nodes.begin(), nodes.end(), 0);
  std::shuffle(nodes.begin(), nodes.end(), rng);
  p.terminals.assign(nodes.begin(), nodes.begin() + 2 + rng() % (p.n_nodes - 3));
  return p;
}

TEST(Steiner, SmallRandomGraphsAgainstBruteForce) {
  std::mt19937 rng(2026);
  for (int trial = 0; trial < 40; ++trial) {
    // 6..12 nodes, costs 1..20.
    const SteinerProblem p = random_graph(rng, 6, 7, 1, [](std::mt19937& r) { return static_cast<double>(1 + r() % 20); });
    const double best = brute_force(p);
    const auto e = solve_steiner_exact(p);
    const auto h = solve_steiner_heuristic(p);
    EXPECT_DOUBLE_EQ(e.cost, best) << "trial " << trial;
    EXPECT_TRUE(e.proven_optimal) << "trial " << trial;
    EXPECT_GE(h.cost, best - 1e-9) << "trial " << trial;
    EXPECT_LE(h.bound, best + 1e-9) << "trial " << trial;
    EXPECT_LE(e.bound, best + 1e-9) << "trial " << trial;
    EXPECT_TRUE(is_tree_joining(p, e) && is_tree_joining(p, h)) << "trial " << trial;
  }
}

// A 8-neighbour lattice (right, down and both diagonals) with costs 1..50.
SteinerProblem lattice(int side, std::mt19937& rng, int n_terminals) {
  SteinerProblem p;
  p.n_nodes = side * side;
  for (int r = 0; r < side; ++r)
    for (int c = 0; c < side; ++c)
      for (auto [dr, dc] : {std::pair{0, 1}, {1, 0}, {1, 1}, {1, -1}}) {
        if (r + dr >= side || c + dc < 0 || c + dc >= side) continue;
        p.edge_u.push_back(r * side + c);
        p.edge_v.push_back((r + dr) * side + c + dc);
        p.edge_cost.push_back(1 + rng() % 50);
      }
  std::vector<int> nodes(p.n_nodes);
  std::iota(nodes.begin(), nodes.end(), 0);
  std::shuffle(nodes.begin(), nodes.end(), rng);
  p.terminals.assign(nodes.begin(), nodes.begin() + n_terminals);
  return p;
}

// Many equal and zero costs (ties everywhere in the Voronoi diagrams, the boundary links and the
// dual ascent): the heuristic still returns a tree joining the terminals, never below the optimum,
// never dearer with its local search than without, and the exact solve proves the optimum.
TEST(Steiner, TiesAndZeroCostEdgesAgainstBruteForce) {
  std::mt19937 rng(31);
  for (int trial = 0; trial < 40; ++trial) {
    // 7..12 nodes, twice as many chords, costs 0..3.
    const SteinerProblem p = random_graph(rng, 7, 6, 2, [](std::mt19937& r) { return static_cast<double>(r() % 4); });
    const double best = brute_force(p);
    SteinerOptions none;
    none.max_moves = 0;
    const auto plain = solve_steiner_heuristic(p, none);
    const auto h = solve_steiner_heuristic(p);
    const auto e = solve_steiner_exact(p);
    EXPECT_TRUE(is_tree_joining(p, h) && is_tree_joining(p, plain) && is_tree_joining(p, e)) << "trial " << trial;
    EXPECT_GE(h.cost, best - 1e-9) << "trial " << trial;
    EXPECT_LE(h.cost, plain.cost + 1e-9) << "trial " << trial;
    EXPECT_LE(h.bound, best + 1e-9) << "trial " << trial;
    EXPECT_TRUE(e.proven_optimal) << "trial " << trial;
    EXPECT_DOUBLE_EQ(e.cost, best) << "trial " << trial;
  }
}

// The cuts the dual ascent raised (which start the exact solve's LP): each separates the root from
// a terminal, and an LP of those cuts alone, solved by Clp, is at least the ascent's bound (the
// ascent's duals are feasible for it), which is at most the optimum; and the exact solve finds the
// same least cost with the reductions as without.
TEST(Steiner, DualAscentCutsSeparateATerminalAndCarryTheBound) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 8; ++trial) {
    const SteinerProblem p = lattice(9, rng, 4 + trial);
    const detail::Graph g(p);
    std::vector<double> rc;
    std::vector<std::vector<int>> cuts;
    const double bound = detail::dual_ascent_bound(g, p.terminals, detail::Clock::time_point::max(), &rc, &cuts);
    ASSERT_FALSE(cuts.empty()) << "trial " << trial;
    const int m = static_cast<int>(p.edge_u.size());
    for (const auto& cut : cuts) {
      std::vector<char> gone(2 * m, 0), seen(p.n_nodes, 0);
      for (int a : cut) gone[a] = 1;
      std::vector<int> q{p.terminals[0]};
      seen[q[0]] = 1;
      for (std::size_t i = 0; i < q.size(); ++i)
        for (int e = 0; e < m; ++e)
          for (int dir = 0; dir < 2; ++dir) {
            const int from = dir ? p.edge_v[e] : p.edge_u[e], to = dir ? p.edge_u[e] : p.edge_v[e];
            if (from == q[i] && !gone[2 * e + dir] && !seen[to]) seen[to] = 1, q.push_back(to);
          }
      EXPECT_TRUE(std::any_of(p.terminals.begin(), p.terminals.end(), [&](int t) { return !seen[t]; }))
          << "trial " << trial << ": a cut of " << cut.size() << " arcs separates no terminal from the root";
    }
    CoinPackedMatrix rows(false, 0.0, 0.0);
    rows.setDimensions(0, 2 * m);
    for (const auto& cut : cuts) {
      CoinPackedVector v;
      for (int a : cut) v.insert(a, 1.0);
      rows.appendRow(v);
    }
    std::vector<double> obj(2 * m), lo(2 * m, 0.0), hi(2 * m, 1.0);
    for (int a = 0; a < 2 * m; ++a) obj[a] = p.edge_cost[a / 2];
    const std::vector<double> rlo(cuts.size(), 1.0), rhi(cuts.size(), COIN_DBL_MAX);
    OsiClpSolverInterface lp;
    lp.messageHandler()->setLogLevel(0);
    lp.loadProblem(rows, lo.data(), hi.data(), obj.data(), rlo.data(), rhi.data());
    lp.initialSolve();
    ASSERT_TRUE(lp.isProvenOptimal()) << "trial " << trial;
    EXPECT_GE(lp.getObjValue(), bound - 1e-6 * bound) << "trial " << trial;
    const auto e = solve_steiner_exact(p);
    ASSERT_TRUE(e.proven_optimal) << "trial " << trial;
    EXPECT_LE(bound, e.cost + 1e-9) << "trial " << trial;
    // The reductions (reduced-cost fixing from several roots, the graph tests) lose no optimum:
    // the same least cost without them.
    SteinerOptions plain;
    plain.reduce = false;
    const auto u = solve_steiner_exact(p, plain);
    ASSERT_TRUE(u.proven_optimal) << "trial " << trial;
    EXPECT_NEAR(e.cost, u.cost, 1e-9) << "trial " << trial;
  }
}

// Wong's dual ascent written plainly (W grown from its terminal at every step, Duin's rule with
// lazy re-evaluation): the engine's, which grows W on from the arcs a raise zeroed, must raise the
// same cuts by the same amounts.
TEST(Steiner, DualAscentSameAsGrowingEveryCutFromItsTerminal) {
  std::mt19937 rng(11);
  for (int trial = 0; trial < 12; ++trial) {
    const SteinerProblem p = lattice(10 + trial % 3, rng, 3 + 2 * trial);
    const int m = static_cast<int>(p.edge_u.size()), root = p.terminals[0];
    std::vector<double> rc(2 * m);
    for (int e = 0; e < m; ++e) rc[2 * e] = rc[2 * e + 1] = p.edge_cost[e];
    auto tail = [&](int a) { return a % 2 ? p.edge_v[a / 2] : p.edge_u[a / 2]; };
    auto head = [&](int a) { return a % 2 ? p.edge_u[a / 2] : p.edge_v[a / 2]; };
    using Key = std::pair<std::size_t, int>;
    std::priority_queue<Key, std::vector<Key>, std::greater<Key>> queue;
    for (std::size_t i = 1; i < p.terminals.size(); ++i) queue.push({0, p.terminals[i]});
    double bound = 0;
    std::vector<std::vector<int>> raised;
    while (!queue.empty()) {
      const int t = queue.top().second;
      queue.pop();
      std::vector<char> in(p.n_nodes, 0);
      in[t] = 1;
      for (bool grew = true; grew;) {  // W: all that reaches t through arcs of zero reduced cost
        grew = false;
        for (int a = 0; a < 2 * m; ++a)
          if (in[head(a)] && !in[tail(a)] && rc[a] <= 0) in[tail(a)] = 1, grew = true;
      }
      if (in[root]) continue;
      std::vector<int> cut;
      for (int a = 0; a < 2 * m; ++a)
        if (in[head(a)] && !in[tail(a)]) cut.push_back(a);
      if (cut.empty()) continue;
      if (!queue.empty() && cut.size() > queue.top().first) {
        queue.push({cut.size(), t});
        continue;
      }
      double delta = rc[cut[0]];
      for (int a : cut) delta = std::min(delta, rc[a]);
      for (int a : cut) rc[a] = rc[a] == delta ? 0.0 : rc[a] - delta;
      bound += delta;
      if (delta > 0) raised.push_back(cut);
      queue.push({cut.size(), t});
    }
    const detail::Graph g(p);
    std::vector<double> engine_rc;
    std::vector<std::vector<int>> cuts;
    EXPECT_DOUBLE_EQ(detail::dual_ascent_bound(g, p.terminals, detail::Clock::time_point::max(), &engine_rc, &cuts),
                     bound)
        << "trial " << trial;
    for (auto& c : cuts) std::sort(c.begin(), c.end());
    EXPECT_EQ(cuts, raised) << "trial " << trial;
    EXPECT_EQ(engine_rc, rc) << "trial " << trial;
  }
}

// The local search (key-path exchange and key-vertex elimination on the tree's Voronoi diagram,
// vertex insertion) never makes a tree dearer, finds improvements over the shortest-path trees,
// and stays at or above the proven optimum.
TEST(Steiner, LocalSearchImprovesTheShortestPathTrees) {
  std::mt19937 rng(5);
  int improved = 0;
  double sum_gap = 0;
  for (int trial = 0; trial < 10; ++trial) {
    const SteinerProblem p = lattice(12, rng, 6 + 3 * trial);
    SteinerOptions none;
    none.max_moves = 0;
    const auto plain = solve_steiner_heuristic(p, none);
    const auto searched = solve_steiner_heuristic(p);
    const auto best = solve_steiner_exact(p);
    ASSERT_TRUE(best.proven_optimal) << "trial " << trial;
    EXPECT_TRUE(is_tree_joining(p, searched)) << "trial " << trial;
    EXPECT_LE(searched.cost, plain.cost + 1e-9) << "trial " << trial;
    EXPECT_GE(searched.cost, best.cost - 1e-9) << "trial " << trial;
    improved += searched.cost < plain.cost - 1e-9;
    sum_gap += searched.cost / best.cost - 1;
  }
  EXPECT_GE(improved, 3);           // the moves do find something on these lattices
  EXPECT_LE(sum_gap / 10, 0.01);    // and leave the trees within 1 % of the optimum on average
}

// The cut pool deletes the rows slack at the last solve (and only those), keeps the rows added
// since, leaves the LP's value as it was, and lets a deleted cut be added again.
TEST(Steiner, CutPoolDropsSlackCutsAndTakesThemBack) {
  // min x0 + x1 + 3 x2, 0 <= x <= 1, one structural row x0 + x1 + x2 <= 3.
  CoinPackedMatrix m(false, 0.0, 0.0);
  m.setDimensions(0, 3);
  CoinPackedVector all;
  for (int c = 0; c < 3; ++c) all.insert(c, 1.0);
  m.appendRow(all);
  const std::vector<double> lo(3, 0.0), hi(3, 1.0), obj{1.0, 1.0, 3.0}, rlo{-COIN_DBL_MAX}, rhi{3.0};
  OsiClpSolverInterface lp;
  lp.messageHandler()->setLogLevel(0);
  lp.loadProblem(m, lo.data(), hi.data(), obj.data(), rlo.data(), rhi.data());
  detail::CutPool pool(1.0);
  EXPECT_TRUE(pool.add({0, 1}));  // x0 + x1 >= 1: tight at the optimum
  EXPECT_TRUE(pool.add({0, 2}));  // x0 + x2 >= 1: tight
  EXPECT_TRUE(pool.add({1, 2}));  // x1 + x2 >= 1: tight
  pool.flush(lp);
  lp.initialSolve();
  ASSERT_TRUE(lp.isProvenOptimal());
  EXPECT_NEAR(lp.getObjValue(), 2.0, 1e-9);  // x0 = x1 = 1, x2 = 0 (the only optimum)
  std::vector<double> activity(lp.getRowActivity(), lp.getRowActivity() + lp.getNumRows());
  EXPECT_FALSE(pool.add({0, 1}));  // queued before
  EXPECT_TRUE(pool.add({0}));      // x0 >= 1, added after the solve: kept whatever its activity
  pool.flush(lp);
  // Row 2 (x0 + x2 = 1) and row 3 (x1 + x2 = 1) are tight; row 1 (x0 + x1 = 2) is slack.
  EXPECT_EQ(pool.drop_slack(lp, activity), 1);
  EXPECT_EQ(lp.getNumRows(), 4);
  lp.resolve();
  ASSERT_TRUE(lp.isProvenOptimal());
  EXPECT_NEAR(lp.getObjValue(), 2.0, 1e-9);
  EXPECT_TRUE(pool.add({0, 1}));  // deleted, so it may come again
  EXPECT_FALSE(pool.add({0, 2}));  // still in the LP
  EXPECT_EQ(pool.count(), 5);
}

TEST(Steiner, HandWorkedStarAndTrivialCases) {
  // Three terminals around a Steiner hub: edges to the hub cost 2, between terminals 4.
  SteinerProblem p;
  p.n_nodes = 4;
  p.edge_u = {0, 1, 2, 0, 1, 0};
  p.edge_v = {3, 3, 3, 1, 2, 2};
  p.edge_cost = {2, 2, 2, 4, 4, 4};
  p.terminals = {0, 1, 2};
  for (auto m : {SteinerMethod::heuristic, SteinerMethod::exact}) {
    const auto r = solve_steiner(p, m);
    EXPECT_EQ(r.cost, 6);
    EXPECT_EQ(r.edges, (std::vector<int>{0, 1, 2}));
    EXPECT_EQ(r.nodes, (std::vector<int>{0, 1, 2, 3}));
  }
  p.terminals = {2};
  const auto one = solve_steiner_exact(p);
  EXPECT_EQ(one.cost, 0);
  EXPECT_TRUE(one.proven_optimal);
  EXPECT_EQ(one.nodes, (std::vector<int>{2}));
}

TEST(Steiner, UnreachableTerminalsAreListed) {
  SteinerProblem p;
  p.n_nodes = 5;
  p.edge_u = {0, 1, 3};
  p.edge_v = {1, 2, 4};
  p.edge_cost = {1, 1, 1};
  p.terminals = {0, 2, 4};
  for (auto m : {SteinerMethod::heuristic, SteinerMethod::exact}) {
    const auto r = solve_steiner(p, m);
    EXPECT_EQ(r.unreachable_terminals, std::vector<int>{4});
    EXPECT_EQ(r.status, planning::SolveStatus::partial);
    EXPECT_EQ(r.cost, 2);
  }
}

TEST(Steiner, BadInput) {
  SteinerProblem p;
  p.n_nodes = 3;
  p.edge_u = {0, 1};
  p.edge_v = {1, 2};
  p.edge_cost = {1, -2};
  p.terminals = {0, 2};
  p.name = "g";
  expect_throws_mentioning<InputError>([&] { solve_steiner_heuristic(p); }, {"g: edge 1 (1, 2)", "cost -2"});
  p.edge_cost = {1, 2};
  p.edge_v[1] = 1;
  expect_throws_mentioning<InputError>([&] { solve_steiner_exact(p); }, {"edge 1", "self-loop"});
  p.edge_v[1] = 7;
  expect_throws_mentioning<InputError>([&] { solve_steiner_exact(p); }, {"edge 1", "outside 0..2"});
  p.edge_v[1] = 2;
  p.terminals = {0, 2, 0};
  expect_throws_mentioning<InputError>([&] { solve_steiner_exact(p); }, {"terminal 2 repeats node 0"});
  p.terminals = {};
  expect_throws_mentioning<InputError>([&] { solve_steiner_exact(p); }, {"no terminals"});
  expect_throws_mentioning<InputError>([] { steiner_method_from_string("greedy"); }, {"greedy", "heuristic, exact"});
}

// ---------------------------------------------------------------------------------------------
// STP reader.

const char* kHeader = "33D32945 STP File, STP Format Version 1.0\n";

TEST(SteinLib, ReadsAndChecks) {
  const std::string ok = std::string(kHeader) +
                         "SECTION Comment\nName \"x\"\nEND\n\nSECTION Graph\nNodes 3\nEdges 2\nE 1 2 5\nE 2 3 1.5\nEND\n\n"
                         "SECTION Terminals\nTerminals 2\nT 1\nT 3\nEND\n\nSECTION Coordinates\nDD 1 0 0\nEND\nEOF\n";
  const auto p = read_steinlib_text(ok, "ok.stp");
  EXPECT_EQ(p.n_nodes, 3);
  EXPECT_EQ(p.edge_u, (std::vector<int>{0, 1}));
  EXPECT_EQ(p.edge_cost, (std::vector<double>{5, 1.5}));
  EXPECT_EQ(p.terminals, (std::vector<int>{0, 2}));
  EXPECT_TRUE(std::isnan(p.declared_optimum));

  auto bad = [&](const std::string& from, const std::string& to) {
    std::string t = ok;
    t.replace(t.find(from), from.size(), to);
    return t;
  };
  expect_throws_mentioning<InputError>([&] { read_steinlib_text("hello\n", "h.stp"); }, {"h.stp:1", "not a SteinLib", "hello"});
  expect_throws_mentioning<InputError>([&] { read_steinlib_text(bad("E 2 3 1.5", "E 2 4 1.5"), "b.stp"); },
                                       {"b.stp:10", "a node in 1..3", "4"});
  expect_throws_mentioning<InputError>([&] { read_steinlib_text(bad("E 2 3 1.5", "E 2 3 x"), "b.stp"); },
                                       {"b.stp:10", "edge cost", "'x'"});
  expect_throws_mentioning<InputError>([&] { read_steinlib_text(bad("E 2 3 1.5", "E 2 3 -1"), "b.stp"); }, {"b.stp:10", "-1"});
  expect_throws_mentioning<InputError>([&] { read_steinlib_text(bad("Edges 2", "Edges 3"), "b.stp"); },
                                       {"b.stp:11", "declares 3 edges but has 2"});
  expect_throws_mentioning<InputError>([&] { read_steinlib_text(bad("Edges 2", "Edges 1"), "b.stp"); },
                                       {"b.stp:10", "more E lines than the 1"});
  expect_throws_mentioning<InputError>([&] { read_steinlib_text(bad("Edges 2", "Edges 900000000"), "b.stp"); },
                                       {"b.stp:8", "cannot fit in a file of"});
  expect_throws_mentioning<InputError>([&] { read_steinlib_text(bad("Terminals 2", "Terminals 3"), "b.stp"); },
                                       {"declares 3 terminals but has 2"});
  expect_throws_mentioning<InputError>([&] { read_steinlib_text(bad("E 1 2 5", "A 1 2 5"), "b.stp"); },
                                       {"b.stp:9", "directed"});
  expect_throws_mentioning<InputError>([&] { read_steinlib_text(bad("T 3", "T 1"), "b.stp"); }, {"repeats node 0"});
  expect_throws_mentioning<InputError>(
      [&] { read_steinlib_text(std::string(kHeader) + "SECTION Graph\nNodes 2\nEdges 1\nE 1 2 1\nEND\nEOF\n", "n.stp"); },
      {"n.stp", "no SECTION Terminals"});
  // The memory estimate is checked before allocating.
  expect_throws_mentioning<InputError>([&] { read_steinlib_text(bad("Nodes 3", "Nodes 2000000000"), "m.stp", 1000); },
                                       {"m.stp:8", "above the reader's limit"});
  expect_throws_mentioning<InputError>([] { read_steinlib("tests/data/steinlib/missing.stp"); }, {"missing.stp", "cannot open"});
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Dual ascent, the routing graph, grow_tree and GPON cabinets (the Python tests check them against
// gdaldem, brute force and hand-worked cases; these run them under the sanitizers too).

TEST(Steiner, SetBHeuristicBoundIsTight) {
  // Wong's dual ascent: a valid bound (checked above) within 10 % of the optimum on set B.
  double sum = 0;
  for (const Known& k : kSetB) {
    const SteinerResult r = solve_steiner_heuristic(read_steinlib(steinlib(k.file)));
    EXPECT_LE(r.bound, k.optimum) << k.file;
    EXPECT_GE(r.bound, 0.9 * k.optimum) << k.file;
    sum += r.bound / k.optimum;
  }
  EXPECT_GE(sum / std::size(kSetB), 0.95);
}

TEST(FibreNetwork, RoutingGraphGrowTreeAndGpon) {
  const terrain::Grid g = planar(12, 12, 100.0);
  std::vector<float> cost(144, 1.0f);
  cost[5 * 12 + 5] = std::numeric_limits<float>::quiet_NaN();
  const RoutingGraph rg = routing_graph(g, "", cost.data(), 4, {500050.0, 501150.0}, {2299950.0, 2298850.0});
  EXPECT_EQ(rg.lattice_rows, 3);
  EXPECT_EQ(rg.problem.n_nodes, 11);
  ASSERT_EQ(rg.point_node.size(), 2u);
  for (std::size_t e = 0; e < rg.problem.edge_u.size(); ++e)
    EXPECT_NEAR(rg.problem.edge_cost[e], rg.edge_length_m[e], 1e-9);  // cost 1 per metre
  // Grow from lattice node 0 to both points; the second point is the farthest.
  const GrowResult gr = grow_tree(rg.problem, {0}, {rg.point_node[0], rg.point_node[1]}, {10.0, 10.0}, {0.0, 0.0},
                                  {15.0, true});
  ASSERT_EQ(gr.order.size(), 2u);
  EXPECT_EQ(gr.order[0], 0);
  EXPECT_EQ(gr.target_steps, 2);
  EXPECT_LE(gr.target_bound, gr.target_cost);
  std::vector<int> edges;
  for (const auto& s : gr.step_edges) edges.insert(edges.end(), s.begin(), s.end());
  const Gpon gp = gpon_cabinets(rg.problem, rg.edge_length_m, edges, {0}, {rg.point_node[0], rg.point_node[1]}, 1000.0);
  EXPECT_FALSE(gp.cabinets.empty());  // the far point is ~1.6 km along the tree: a cabinet
  EXPECT_LE(gp.optical_m[rg.point_node[1]], 1000.0);
  EXPECT_THROW(routing_graph(g, "", cost.data(), 0, {}, {}), InputError);
  EXPECT_THROW(gpon_cabinets(rg.problem, rg.edge_length_m, edges, {0}, {}, 0.0), InputError);
}

TEST(FibreNetwork, SlopeAndSurface) {
  const terrain::Grid g = planar(6, 6, 10.0);
  std::vector<float> z(36);
  for (int r = 0; r < 6; ++r)
    for (int c = 0; c < 6; ++c) z[r * 6 + c] = static_cast<float>(10.0 * c);  // 45 degrees
  const auto s = slope_deg(g, "", z.data());
  EXPECT_NEAR(s[2 * 6 + 2], 45.0, 1e-4);
  SurfaceOptions o;
  o.base_cost_per_m = 1;
  o.slope_factor = 1;
  const auto c = routing_surface(g, "", z.data(), nullptr, nullptr, nullptr, nullptr, o);
  EXPECT_NEAR(c[2 * 6 + 2], 2.0, 1e-5);
  o.max_slope_deg = 30;
  EXPECT_TRUE(std::isnan(routing_surface(g, "", z.data(), nullptr, nullptr, nullptr, nullptr, o)[2 * 6 + 2]));
}

// ---------------------------------------------------------------------------------------------
// The household stage exactly (quota Steiner tree), against brute force: every subset of the
// optional terminals whose prize reaches the target, each joined by the least Steiner tree
// (brute_force above: MST over every set of Steiner nodes) to the initial tree, whose two nodes are
// joined by a 0-cost edge in the brute-force copy.

namespace {
// Every chosen terminal is joined to the tree through the result's edges.
bool joins_the_tree(const SteinerProblem& g, const std::vector<int>& tree, const std::vector<int>& terminals,
                    const QuotaResult& r) {
  std::vector<std::vector<int>> adj(g.n_nodes);
  for (int e : r.edges) adj[g.edge_u[e]].push_back(g.edge_v[e]), adj[g.edge_v[e]].push_back(g.edge_u[e]);
  std::vector<char> seen(g.n_nodes, 0);
  std::vector<int> q(tree);
  for (int v : tree) seen[v] = 1;
  for (std::size_t i = 0; i < q.size(); ++i)
    for (int w : adj[q[i]])
      if (!seen[w]) seen[w] = 1, q.push_back(w);
  return std::all_of(r.chosen.begin(), r.chosen.end(), [&](int k) { return seen[terminals[k]] != 0; });
}
}  // namespace

TEST(QuotaTree, SmallRandomGraphsAgainstBruteForce) {
  std::mt19937 rng(1207);
  int proven = 0, better_than_greedy = 0;
  for (int trial = 0; trial < 40; ++trial) {
    SteinerProblem g;
    g.n_nodes = 7 + static_cast<int>(rng() % 5);  // 7..11 nodes
    for (int v = 1; v < g.n_nodes; ++v) {
      g.edge_u.push_back(static_cast<int>(rng() % v)), g.edge_v.push_back(v), g.edge_cost.push_back(1 + rng() % 20);
    }
    for (int k = 0; k < g.n_nodes; ++k) {
      const int a = static_cast<int>(rng() % g.n_nodes), b = static_cast<int>(rng() % g.n_nodes);
      if (a != b) g.edge_u.push_back(a), g.edge_v.push_back(b), g.edge_cost.push_back(1 + rng() % 20);
    }
    std::vector<int> nodes(g.n_nodes);
    std::iota(nodes.begin(), nodes.end(), 0);
    std::shuffle(nodes.begin(), nodes.end(), rng);
    const std::vector<int> tree{nodes[0], nodes[1]};  // the initial tree: two nodes, joined at no cost
    const int n_opt = 3 + static_cast<int>(rng() % 3);
    std::vector<int> terminals(nodes.begin() + 2, nodes.begin() + 2 + n_opt);
    std::vector<double> prize, extra;
    double total = 0;
    for (int k = 0; k < n_opt; ++k) {
      prize.push_back(1 + rng() % 10), extra.push_back(rng() % 11), total += prize.back();
    }
    const double target = std::floor(total * (0.3 + 0.6 * (rng() % 100) / 100.0));
    // Brute force.
    SteinerProblem bf = g;
    bf.edge_u.push_back(tree[0]), bf.edge_v.push_back(tree[1]), bf.edge_cost.push_back(0.0);
    double best = std::numeric_limits<double>::infinity();
    for (unsigned mask = 0; mask < (1u << n_opt); ++mask) {
      double pz = 0, ex = 0;
      bf.terminals = tree;
      for (int k = 0; k < n_opt; ++k)
        if (mask >> k & 1) pz += prize[k], ex += extra[k], bf.terminals.push_back(terminals[k]);
      if (pz < target) continue;
      best = std::min(best, brute_force(bf) + ex);
    }
    // The greedy as the warm start, then the exact solve.
    const GrowResult gr = grow_tree(g, tree, terminals, prize, extra, {target, false});
    ASSERT_GE(gr.target_steps, 0) << "trial " << trial;
    std::vector<int> start_t(gr.order.begin(), gr.order.begin() + gr.target_steps), start_e;
    for (int s = 0; s < gr.target_steps; ++s) start_e.insert(start_e.end(), gr.step_edges[s].begin(), gr.step_edges[s].end());
    const QuotaResult r = solve_quota_tree(g, tree, terminals, prize, extra, target, start_t, start_e, gr.target_bound);
    EXPECT_NEAR(r.cost, best, 1e-9) << "trial " << trial;
    EXPECT_TRUE(r.proven_optimal) << "trial " << trial;
    EXPECT_EQ(r.status, planning::SolveStatus::optimal) << "trial " << trial;
    EXPECT_GE(r.prize, target) << "trial " << trial;
    EXPECT_LE(r.bound, best + 1e-9) << "trial " << trial;
    EXPECT_TRUE(joins_the_tree(g, tree, terminals, r)) << "trial " << trial;
    double c = 0;
    for (int e : r.edges) c += g.edge_cost[e];
    for (int k : r.chosen) c += extra[k];
    EXPECT_NEAR(c, r.cost, 1e-9) << "trial " << trial;
    // Without a warm start it finds the same optimum.
    EXPECT_NEAR(solve_quota_tree(g, tree, terminals, prize, extra, target).cost, best, 1e-9) << "trial " << trial;
    proven += r.proven_optimal;
    better_than_greedy += r.cost < gr.target_cost - 1e-9;
  }
  EXPECT_EQ(proven, 40);
  EXPECT_GT(better_than_greedy, 0);  // the greedy is not always optimal: the exact solve matters
}

TEST(QuotaTree, TrivialInfeasibleAndBadInput) {
  SteinerProblem g;
  g.n_nodes = 4;
  g.edge_u = {0, 1, 2};
  g.edge_v = {1, 2, 3};
  g.edge_cost = {5, 5, 5};
  // Target 0: nothing to do.
  QuotaResult r = solve_quota_tree(g, {0}, {2, 3}, {4, 6}, {1, 1}, 0.0);
  EXPECT_TRUE(r.proven_optimal);
  EXPECT_TRUE(r.chosen.empty());
  // 6 households: node 3 alone (15 + 1) beats node 2 (10 + 1) only when 2 cannot reach the target.
  r = solve_quota_tree(g, {0}, {2, 3}, {4, 6}, {1, 1}, 6.0);
  EXPECT_EQ(r.chosen, std::vector<int>({1}));
  EXPECT_DOUBLE_EQ(r.cost, 16.0);
  EXPECT_EQ(r.edges, std::vector<int>({0, 1, 2}));
  // A terminal on the tree joins at its extra cost only.
  r = solve_quota_tree(g, {0, 1, 2}, {2, 3}, {4, 6}, {1, 1}, 4.0);
  EXPECT_EQ(r.chosen, std::vector<int>({0}));
  EXPECT_DOUBLE_EQ(r.cost, 1.0);
  EXPECT_TRUE(r.edges.empty());
  // More than every terminal's prize: infeasible.
  r = solve_quota_tree(g, {0}, {2, 3}, {4, 6}, {1, 1}, 11.0);
  EXPECT_EQ(r.status, planning::SolveStatus::infeasible);
  EXPECT_TRUE(r.chosen.empty());
  expect_throws_mentioning<InputError>([&] { solve_quota_tree(g, {}, {2}, {1}, {1}, 1.0); }, {"no node"});
  expect_throws_mentioning<InputError>([&] { solve_quota_tree(g, {0}, {9}, {1}, {1}, 1.0); }, {"outside the graph"});
  expect_throws_mentioning<InputError>([&] { solve_quota_tree(g, {0}, {2}, {1, 2}, {1}, 1.0); }, {"2 prizes"});
  expect_throws_mentioning<InputError>([&] { solve_quota_tree(g, {0}, {2}, {-1}, {1}, 1.0); }, {"must be finite"});
  // The graph's edges are checked in place (the terminals are the quota tree's own).
  SteinerProblem bad = g;
  bad.edge_cost[1] = -2;
  expect_throws_mentioning<InputError>([&] { solve_quota_tree(bad, {0}, {2}, {1}, {1}, 1.0); },
                                       {"edge 1 (1, 2)", "cost -2"});
  bad = g;
  bad.edge_v[2] = 7;
  expect_throws_mentioning<InputError>([&] { solve_quota_tree(bad, {0}, {2}, {1}, {1}, 1.0); },
                                       {"edge 2 (2, 7)", "outside 0..3"});
}
