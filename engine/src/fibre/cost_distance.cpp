// Least-cost paths on a cost raster: multi-source Dijkstra over the 8 neighbours and the 8
// knight's moves with GRASS r.cost -k's move costs (see fibre.hpp), cell sizes in metres.
#include <ogr_spatialref.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "geo/gdal_guard.hpp"
#include "phusong/error.hpp"
#include "phusong/fibre.hpp"
#include "phusong/geo.hpp"
#include "phusong/limits.hpp"
#include "grid_metric.hpp"

namespace phusong::fibre {
namespace {

using detail::cell_text;
using detail::check_grid;
using detail::length_m;
using detail::Metric;
using detail::metric_of;

struct Entry {
  double cost;
  std::int64_t index;
};
struct Later {  // min-heap on (cost, index)
  bool operator()(const Entry& a, const Entry& b) const {
    return a.cost > b.cost || (a.cost == b.cost && a.index > b.index);
  }
};

template <class T>
CostDistance run(const terrain::Grid& g, const std::string& crs_wkt, const T* cost,
                 const std::vector<Cell>& sources, const CostDistanceOptions& o, const ProgressFn& progress) {
  check_grid(g);
  if (!cost) throw InputError("cost raster: no data");
  if (std::isnan(o.max_cost) || o.max_cost < 0)
    throw InputError("cost distance: max_cost = " + limits::fmt(o.max_cost) + " (must be >= 0)");
  const int rows = g.rows, cols = g.cols;
  const std::int64_t n = static_cast<std::int64_t>(rows) * cols;
  // accumulated (8) + backlink (1) + source (4) + a heap that may hold a few entries per cell (16 each).
  limits::check_memory("cost distance on " + std::to_string(rows) + " x " + std::to_string(cols) + " cells",
                       static_cast<double>(n) * (8 + 1 + 4 + 2 * 16), "use a coarser cost raster or a smaller extent");
  const Metric metric = metric_of(crs_wkt);

  std::int64_t bad = 0, first_bad = -1, passable = 0;
  for (std::int64_t k = 0; k < n; ++k) {
    const double c = cost[k];
    if (std::isnan(c)) continue;
    if (!std::isfinite(c) || c < 0) {
      if (first_bad < 0) first_bad = k;
      ++bad;
    } else {
      ++passable;
    }
  }
  if (bad)
    throw InputError("cost raster: cell " + cell_text(static_cast<int>(first_bad / cols), static_cast<int>(first_bad % cols)) +
                     " has cost_per_m " + limits::fmt(static_cast<double>(cost[first_bad])) +
                     " (must be finite and >= 0, or NaN for impassable); " + std::to_string(bad) + " such cell" +
                     (bad > 1 ? "s" : ""));
  if (sources.empty()) throw InputError("cost distance: no sources");
  for (std::size_t s = 0; s < sources.size(); ++s) {
    const Cell c = sources[s];
    if (c.row < 0 || c.col < 0 || c.row >= rows || c.col >= cols)
      throw InputError("cost distance: source " + std::to_string(s) + " " + cell_text(c.row, c.col) +
                       " lies outside the grid of " + std::to_string(rows) + " rows x " + std::to_string(cols) + " cols");
    if (std::isnan(static_cast<double>(cost[static_cast<std::int64_t>(c.row) * cols + c.col])))
      throw InputError("cost distance: source " + std::to_string(s) + " " + cell_text(c.row, c.col) +
                       " lies on an impassable cell (cost NaN)");
  }

  const int n_moves = o.knight ? 16 : 8;
  // factor[h][m]: length of move m with its midpoint at row h/2, divided by the number of cells
  // averaged (2 or 4). Planar grids need one row of the table.
  const int n_h = metric.geographic ? 2 * rows + 1 : 1;
  std::vector<double> factor(static_cast<std::size_t>(n_h) * 16);
  for (int h = 0; h < n_h; ++h)
    for (int m = 0; m < 16; ++m) {
      const double len = length_m(g, metric, 0.5 * h, kMoves[m].drow, kMoves[m].dcol);
      factor[static_cast<std::size_t>(h) * 16 + m] = len / (m < 8 ? 2.0 : 4.0);
    }

  CostDistance r;
  r.grid = g;
  r.crs_wkt = crs_wkt;
  r.sources = sources;
  r.accumulated.assign(n, std::numeric_limits<double>::quiet_NaN());
  r.backlink.assign(n, kBacklinkUnreached);
  r.source_index.assign(n, -1);
  std::vector<Entry> heap;
  heap.reserve(std::min<std::int64_t>(n, 1 << 20));
  for (std::size_t s = 0; s < sources.size(); ++s) {
    const std::int64_t k = static_cast<std::int64_t>(sources[s].row) * cols + sources[s].col;
    if (r.source_index[k] >= 0) continue;  // a repeated source: the first keeps it
    r.accumulated[k] = 0;
    r.backlink[k] = kBacklinkSource;
    r.source_index[k] = static_cast<std::int32_t>(s);
    heap.push_back({0.0, k});
  }
  std::make_heap(heap.begin(), heap.end(), Later{});

  // Offsets of the two cells a knight's move passes between.
  int cross_dr[16][2] = {}, cross_dc[16][2] = {};
  for (int m = 8; m < 16; ++m) {
    const int dr = kMoves[m].drow, dc = kMoves[m].dcol;
    if (std::abs(dr) == 2) {
      cross_dr[m][0] = dr / 2, cross_dc[m][0] = 0, cross_dr[m][1] = dr / 2, cross_dc[m][1] = dc;
    } else {
      cross_dr[m][0] = 0, cross_dc[m][0] = dc / 2, cross_dr[m][1] = dr, cross_dc[m][1] = dc / 2;
    }
  }
  const double max_cost = o.max_cost;
  std::size_t settled = 0;
  const std::size_t total = static_cast<std::size_t>(passable);
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), Later{});
    const Entry e = heap.back();
    heap.pop_back();
    if (e.cost > r.accumulated[e.index]) continue;  // superseded
    ++settled;
    if (progress && (settled & 0xFFFF) == 0) progress(settled, total);
    const int row = static_cast<int>(e.index / cols), col = static_cast<int>(e.index % cols);
    const double c0 = static_cast<double>(cost[e.index]);
    const std::int32_t src = r.source_index[e.index];
    for (int m = 0; m < n_moves; ++m) {
      const int nr = row + kMoves[m].drow, nc = col + kMoves[m].dcol;
      if (nr < 0 || nc < 0 || nr >= rows || nc >= cols) continue;
      const std::int64_t nk = static_cast<std::int64_t>(nr) * cols + nc;
      const double cb = static_cast<double>(cost[nk]);
      if (std::isnan(cb)) continue;
      double sum = c0 + cb;
      if (m >= 8) {
        const double c1 = static_cast<double>(
            cost[static_cast<std::int64_t>(row + cross_dr[m][0]) * cols + col + cross_dc[m][0]]);
        const double c2 = static_cast<double>(
            cost[static_cast<std::int64_t>(row + cross_dr[m][1]) * cols + col + cross_dc[m][1]]);
        if (std::isnan(c1) || std::isnan(c2)) continue;
        sum = c1 + c2 + cb + c0;  // r.cost's order of the sum
      }
      const int h = metric.geographic ? 2 * row + kMoves[m].drow : 0;
      const double v = e.cost + sum * factor[static_cast<std::size_t>(h) * 16 + m];
      if (v > max_cost) continue;
      const double old = r.accumulated[nk];
      if (std::isnan(old) || v < old) {
        r.accumulated[nk] = v;
        r.backlink[nk] = static_cast<std::int8_t>(m);
        r.source_index[nk] = src;
        heap.push_back({v, nk});
        std::push_heap(heap.begin(), heap.end(), Later{});
      }
    }
  }
  r.reached = settled;
  if (progress) progress(total, total);
  return r;
}

}  // namespace

CostDistance cost_distance(const terrain::Grid& grid, const std::string& crs_wkt, const double* cost_per_m,
                           const std::vector<Cell>& sources, const CostDistanceOptions& options,
                           const ProgressFn& progress) {
  return run(grid, crs_wkt, cost_per_m, sources, options, progress);
}

CostDistance cost_distance(const terrain::Grid& grid, const std::string& crs_wkt, const float* cost_per_m,
                           const std::vector<Cell>& sources, const CostDistanceOptions& options,
                           const ProgressFn& progress) {
  return run(grid, crs_wkt, cost_per_m, sources, options, progress);
}

double move_length_m(const terrain::Grid& grid, const std::string& crs_wkt, int row, int move) {
  check_grid(grid);
  if (move < 0 || move >= 16) throw InputError("move " + std::to_string(move) + " (must be 0..15)");
  return length_m(grid, metric_of(crs_wkt), row + 0.5 * kMoves[move].drow, kMoves[move].drow, kMoves[move].dcol);
}

std::vector<Cell> CostDistance::path(int row, int col) const {
  if (row < 0 || col < 0 || row >= grid.rows || col >= grid.cols)
    throw InputError("cost distance path: cell " + cell_text(row, col) + " lies outside the grid of " +
                     std::to_string(grid.rows) + " rows x " + std::to_string(grid.cols) + " cols");
  std::int64_t k = static_cast<std::int64_t>(row) * grid.cols + col;
  if (backlink[k] == kBacklinkUnreached)
    throw InputError("cost distance path: cell " + cell_text(row, col) +
                     " was not reached from any source (impassable, cut off by impassable cells, or beyond max_cost)");
  std::vector<Cell> out{{row, col}};
  const std::size_t limit = accumulated.size();
  while (backlink[k] != kBacklinkSource) {
    const Move mv = kMoves[backlink[k]];
    row -= mv.drow;
    col -= mv.dcol;
    k = static_cast<std::int64_t>(row) * grid.cols + col;
    out.push_back({row, col});
    if (out.size() > limit) throw Error("cost distance path: the backlinks form a loop (corrupt result)");
  }
  return out;
}

std::vector<Cell> cells_of_lonlat(const terrain::Grid& grid, const std::string& crs_wkt,
                                  const std::vector<double>& lon, const std::vector<double>& lat) {
  check_grid(grid);
  if (lon.size() != lat.size())
    throw InputError("cells_of_lonlat: " + std::to_string(lon.size()) + " longitudes but " +
                     std::to_string(lat.size()) + " latitudes");
  if (crs_wkt.empty() && !lon.empty())
    throw InputError("cells_of_lonlat: the grid has no CRS (crs_wkt is empty), so lon/lat cannot be placed on it");
  std::vector<double> x = lon, y = lat;
  if (!lon.empty()) geo::Transformer("EPSG:4326", crs_wkt).transform(x, y);
  std::vector<Cell> out(lon.size());
  for (std::size_t i = 0; i < lon.size(); ++i) {
    const double c = std::floor((x[i] - grid.origin_x) / grid.dx), r = std::floor((y[i] - grid.origin_y) / grid.dy);
    if (!(c >= 0 && r >= 0 && c < grid.cols && r < grid.rows))
      throw InputError("point " + std::to_string(i) + " (" + limits::fmt(lon[i]) + ", " + limits::fmt(lat[i]) +
                       ") lies outside the grid of " + std::to_string(grid.rows) + " rows x " +
                       std::to_string(grid.cols) + " cols");
    out[i] = {static_cast<int>(r), static_cast<int>(c)};
  }
  return out;
}

void cell_centres(const terrain::Grid& grid, const std::vector<Cell>& cells, std::vector<double>& x,
                  std::vector<double>& y) {
  x.resize(cells.size());
  y.resize(cells.size());
  for (std::size_t i = 0; i < cells.size(); ++i) {
    x[i] = grid.x_of(cells[i].col);
    y[i] = grid.y_of(cells[i].row);
  }
}

void cell_centres_lonlat(const terrain::Grid& grid, const std::string& crs_wkt, const std::vector<Cell>& cells,
                         std::vector<double>& lon, std::vector<double>& lat) {
  if (crs_wkt.empty() && !cells.empty())
    throw InputError("cell_centres_lonlat: the grid has no CRS (crs_wkt is empty)");
  cell_centres(grid, cells, lon, lat);
  if (!cells.empty()) geo::Transformer(crs_wkt, "EPSG:4326").transform(lon, lat);
}

}  // namespace phusong::fibre
