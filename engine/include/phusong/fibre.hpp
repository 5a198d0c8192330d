// phusong — fibre layer: where fibre can go and the network that joins what must be joined.
//
//  * Least-cost paths on a cost raster (cost per metre of cable in each cell; NaN = impassable):
//    multi-source accumulated cost with 8 neighbours plus the 8 knight's moves, exactly as GRASS
//    `r.cost -k` defines a move's cost (the mean of the cells the move crosses times its length),
//    with cell sizes in metres (geographic grids converted row by row); a backlink raster and the
//    path from any reached cell back to its source.
//  * Steiner tree in graphs: the least-cost tree joining every terminal. A fast heuristic
//    (shortest-path heuristic from several roots, MST of the tree's nodes and pruning of
//    non-terminal leaves, key-path exchange and key-vertex elimination) and an exact MILP through
//    CBC (directed cut formulation, cuts separated by max-flow, warm-started with the heuristic),
//    both reporting cost, bound, gap and whether optimality was proven, like planning::SolveResult.
//  * The SteinLib STP reader.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "phusong/planning.hpp"  // SolveStatus, shared with the covering solvers
#include "phusong/terrain.hpp"   // Grid
#include "phusong/types.hpp"     // ProgressFn

namespace phusong::fibre {

// ---------------------------------------------------------------------------------------------
// Least-cost paths on a cost raster.

/// A raster cell.
struct Cell {
  int row = 0, col = 0;
  bool operator==(const Cell& o) const { return row == o.row && col == o.col; }
};

/// One move between cell centres: (drow, dcol).
struct Move {
  int drow, dcol;
};
/// The moves, in the order they are tried from a settled cell: 0-3 the rook moves (W, E, N, S),
/// 4-7 the diagonals (NW, NE, SE, SW), 8-15 the knight's moves (NNW, NNE, SSE, SSW, WNW, ENE,
/// ESE, WSW) -- r.cost's order. Rows grow southwards. The first 8 are used without `knight`.
inline constexpr std::array<Move, 16> kMoves{{{0, -1}, {0, 1}, {-1, 0}, {1, 0},
                                              {-1, -1}, {-1, 1}, {1, 1}, {1, -1},
                                              {-2, -1}, {-2, 1}, {2, 1}, {2, -1},
                                              {-1, -2}, {-1, 2}, {1, 2}, {1, -2}}};
/// backlink values that are not a move index.
inline constexpr std::int8_t kBacklinkSource = -1;     ///< a source cell
inline constexpr std::int8_t kBacklinkUnreached = -2;  ///< impassable, unreachable or beyond max_cost

/// Options of cost_distance.
struct CostDistanceOptions {
  bool knight = true;  ///< 16 directions (r.cost -k); false: the 8 neighbours only
  /// Cells whose accumulated cost would exceed this stay unreached (r.cost's max_cost).
  double max_cost = std::numeric_limits<double>::infinity();
};

/// The outcome of cost_distance; every raster is row-major, rows x cols of `grid`.
struct CostDistance {
  terrain::Grid grid;
  std::string crs_wkt;               ///< of the grid ("" = planar, metres)
  std::vector<double> accumulated;   ///< least accumulated cost from the nearest source; NaN unreached
  /// Index into kMoves of the move by which the least-cost path enters the cell (its predecessor
  /// is the cell minus that move); kBacklinkSource at a source, kBacklinkUnreached elsewhere.
  std::vector<std::int8_t> backlink;
  std::vector<std::int32_t> source_index;  ///< index (into `sources`) of the source reached; -1 unreached
  std::vector<Cell> sources;
  std::size_t reached = 0;                 ///< cells with a finite accumulated cost

  /// The least-cost path from (row, col) back to its source, both included (the cell first).
  /// InputError when the cell is outside the grid or was not reached.
  std::vector<Cell> path(int row, int col) const;
};

/// Accumulated cost from the nearest of `sources` over a raster of cost per metre of cable.
///
/// A move from cell A to cell B costs length_m(A, B) times the mean of the costs of the cells it
/// crosses: (c_A + c_B) / 2 for the 8 neighbours, and for a knight's move (c_A + c_1 + c_2 +
/// c_B) / 4 where 1 and 2 are the two cells the move passes between (for (drow, dcol) = (-2, -1):
/// the cells (-1, 0) and (-1, -1) from A); this is r.cost -k's definition. A move is not made when
/// any cell it uses is impassable (NaN). length_m is the distance between the cell centres in
/// metres: on a projected grid the geotransform's units times the CRS's metres per unit (an empty
/// crs_wkt means planar metres); on a geographic grid the east-west and north-south offsets are
/// converted to metres with the WGS84 radii of curvature at the latitude of the move's midpoint
/// (prime vertical N cos(lat) and meridional M), then length = hypot(east_m, north_m).
///
/// Dijkstra's algorithm from every source at once (cost 0). Deterministic: the next cell settled
/// is the one with the least accumulated cost, ties broken by the lowest row-major index; a cell's
/// cost and backlink are replaced only by a strictly smaller cost, so among equal-cost paths the
/// one through the predecessor settled first wins (and among moves from one cell, the first in
/// kMoves). Costs must be finite and >= 0 or NaN; sources must lie inside the grid on passable
/// cells (InputError naming the cell otherwise). `progress(done, total)` is called every 65,536
/// settled cells (total: the passable cells). Memory is estimated and checked first
/// (limits::check_memory).
CostDistance cost_distance(const terrain::Grid& grid, const std::string& crs_wkt, const double* cost_per_m,
                           const std::vector<Cell>& sources, const CostDistanceOptions& options = {},
                           const ProgressFn& progress = {});
/// The same on a float32 raster.
CostDistance cost_distance(const terrain::Grid& grid, const std::string& crs_wkt, const float* cost_per_m,
                           const std::vector<Cell>& sources, const CostDistanceOptions& options = {},
                           const ProgressFn& progress = {});

/// Length in metres of the move `move` (an index into kMoves) from a cell of row `row`, as
/// cost_distance measures it.
double move_length_m(const terrain::Grid& grid, const std::string& crs_wkt, int row, int move);

/// The cells containing WGS84 lon/lat points (transformed to the grid's CRS). InputError naming
/// the point when it lies outside the grid, or when crs_wkt is empty (no CRS to transform to).
std::vector<Cell> cells_of_lonlat(const terrain::Grid& grid, const std::string& crs_wkt,
                                  const std::vector<double>& lon, const std::vector<double>& lat);

/// Cell centres in the grid's CRS (x, y), and in WGS84 lon/lat.
void cell_centres(const terrain::Grid& grid, const std::vector<Cell>& cells, std::vector<double>& x,
                  std::vector<double>& y);
void cell_centres_lonlat(const terrain::Grid& grid, const std::string& crs_wkt, const std::vector<Cell>& cells,
                         std::vector<double>& lon, std::vector<double>& lat);

// ---------------------------------------------------------------------------------------------
// Steiner tree in graphs.

/// An undirected graph with edge costs and terminals (nodes 0-based).
struct SteinerProblem {
  int n_nodes = 0;
  std::vector<int> edge_u, edge_v;
  std::vector<double> edge_cost;  ///< finite, >= 0
  std::vector<int> terminals;     ///< distinct; the first is the root of the exact formulation
  std::string name;
  /// The optimum some copies of SteinLib files declare ("Optimal" line); NaN when absent. Only
  /// read, never trusted by the solvers.
  double declared_optimum = std::numeric_limits<double>::quiet_NaN();
};

/// Checks sizes, node indices, costs (finite, >= 0), self-loops and terminals (in range, distinct,
/// at least one); throws InputError naming the edge or terminal at fault.
void validate(const SteinerProblem& problem);

enum class SteinerMethod { heuristic, exact };
/// "heuristic" or "exact" (InputError otherwise).
SteinerMethod steiner_method_from_string(const std::string& name);
std::string to_string(SteinerMethod method);

/// Options of a Steiner solve; the defaults here are the only ones (Python: phusong.SteinerOptions).
struct SteinerOptions {
  double time_limit_s = 60;  ///< wall-clock limit of the whole solve (heuristic included)
  int threads = 1;           ///< CBC threads for the exact solve
  double relative_gap = 1e-9;  ///< the exact solve stops once (cost - bound) / cost <= this
  /// Roots of the shortest-path heuristic: the first terminals, then evenly spread ones; 0 = all.
  int heuristic_roots = 8;
  bool warm_start = true;  ///< give CBC the heuristic tree as its first incumbent
  bool reduce = true;      ///< exact: remove non-terminal leaves and edges longer than a path
  bool log = false;        ///< let CBC print its log to stdout
};

/// The outcome of one Steiner solve.
struct SteinerResult {
  std::string method;  ///< "heuristic" or "exact"
  planning::SolveStatus status = planning::SolveStatus::no_solution;
  std::vector<int> edges;  ///< indices of the tree's edges into the problem's edge lists, ascending
  std::vector<int> nodes;  ///< the tree's nodes, ascending
  double cost = 0;         ///< total cost of `edges`
  /// A proven lower bound on the least cost: the exact solve's LP/branch-and-bound bound; for the
  /// heuristic max(the longest shortest path from the root to a terminal, MST of the terminals'
  /// distance graph / (2 (1 - 1/|T|))) -- Mehlhorn's ratio.
  double bound = 0;
  double gap = std::numeric_limits<double>::infinity();  ///< (cost - bound) / max(cost, 1e-9); 0 if proven
  bool proven_optimal = false;
  double seconds = 0;
  /// Terminals not connected to the first terminal (the tree joins the others; status partial).
  std::vector<int> unreachable_terminals;
  int cut_rounds = 0;     ///< exact: LP separation rounds and MILP re-solves
  int cuts = 0;           ///< exact: directed cuts added
  int reduced_nodes = 0;  ///< exact: nodes and edges left after the reductions
  int reduced_edges = 0;
};

/// Heuristic: shortest-path heuristic (Takahashi-Matsuyama) from up to `heuristic_roots`
/// terminals, each tree replaced by the MST of its nodes with non-terminal leaves pruned; the three
/// cheapest improved by key-path exchange, key-vertex elimination and Steiner vertex insertion
/// until none improves; the cheapest result is kept (ties: the earlier root). Deterministic.
SteinerResult solve_steiner_heuristic(const SteinerProblem& problem, const SteinerOptions& options = {});
/// Exact: directed cut formulation rooted at the first terminal (in-degree 1 at terminals, at most
/// 1 elsewhere, flow balance x(delta-(v)) <= x(delta+(v)) at Steiner nodes), cuts x(delta-(W)) >= 1 separated
/// by max-flow on the LP until none is violated, then CBC on the MILP with those cuts; an integer
/// solution that is not connected adds the cuts of its components and CBC runs again, until a
/// connected optimum or the time limit. Reports the best tree (the heuristic's if CBC finds none
/// better), the best proven bound and the gap.
SteinerResult solve_steiner_exact(const SteinerProblem& problem, const SteinerOptions& options = {});
SteinerResult solve_steiner(const SteinerProblem& problem, SteinerMethod method, const SteinerOptions& options = {});

/// Default memory limit of the STP reader (2 GiB).
constexpr std::size_t kSteinlibMaxMemoryBytes = std::size_t{2} << 30;

/// Reads an undirected instance in SteinLib's STP format: the "33D32945" header line, then
/// sections (SECTION name ... END, EOF at the end). Read: Comment (Name), Graph (Nodes n, Edges m,
/// "E u v cost" lines, 1-based), Terminals (Terminals k, "T v" lines); other sections are skipped;
/// an "Optimal" line (as some copies have) sets declared_optimum. Arcs ("A" lines) are refused
/// (directed instances are not supported). Errors are InputError naming the file, the line and the
/// value: a bad number, a node outside 1..n, more or fewer E/T lines than declared, a missing
/// section. Before allocating, the declared sizes are checked against the file's size (each E line
/// needs at least 8 bytes) and against `max_memory_bytes`.
SteinerProblem read_steinlib(const std::string& path, std::size_t max_memory_bytes = kSteinlibMaxMemoryBytes);
/// The same reader on the text of an instance; `name` names it in messages.
SteinerProblem read_steinlib_text(const std::string& text, const std::string& name,
                                  std::size_t max_memory_bytes = kSteinlibMaxMemoryBytes);

}  // namespace phusong::fibre
