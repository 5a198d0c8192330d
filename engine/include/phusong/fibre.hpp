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
  /// Improving moves of the heuristic's local search at most (per start tree). A limit in moves,
  /// not seconds, keeps the tree independent of the machine's speed; the time limit still stops
  /// a search that runs out of time (then the result depends on it).
  int max_moves = 1000;
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
  /// A proven lower bound on the least cost: for the heuristic the largest of the longest shortest
  /// path from the root to a terminal, the MST of the terminals' distance graph / (2 (1 - 1/|T|))
  /// (Mehlhorn's ratio) and Wong's dual ascent on the directed cut formulation (within a quarter
  /// of the time limit); the exact solve raises it with the LP and branch and bound.
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
/// 1 elsewhere, flow balance x(delta-(v)) <= x(delta+(v)) at Steiner nodes), starting from the cuts of the
/// dual ascent, further cuts x(delta-(W)) >= 1 separated by max-flow on the LP until none is violated, then CBC on the MILP with those cuts; an integer
/// solution that is not connected adds the cuts of its components and CBC runs again, until a
/// connected optimum or the time limit. Reports the best tree (the heuristic's if CBC finds none
/// better), the best proven bound and the gap.
SteinerResult solve_steiner_exact(const SteinerProblem& problem, const SteinerOptions& options = {});
SteinerResult solve_steiner(const SteinerProblem& problem, SteinerMethod method, const SteinerOptions& options = {});


// ---------------------------------------------------------------------------------------------
// The routing surface and the routing graph of a fibre plan.

/// Slope in degrees of each cell (Horn's 3 x 3 method, as `gdaldem slope` computes it), with cell
/// sizes in metres (geographic grids converted row by row, as cost_distance does). A neighbour
/// outside the grid or void (NaN) takes the centre cell's height, as gdaldem -compute_edges does
/// (so edge cells see 3/4 of a plane's slope); a void cell's slope is NaN.
std::vector<float> slope_deg(const terrain::Grid& grid, const std::string& crs_wkt, const float* heights_m);

/// The cells that lines cross: each segment walked in steps of a quarter cell. `lines_wkb` are
/// WKB LineStrings or MultiLineStrings in WGS84 lon/lat (as read_geometries gives them), transformed
/// to the grid's CRS (`crs_wkt`; "" = already in the grid's units). Other geometry types are an
/// InputError naming `what` and the feature. Returns 0/1 per cell, row-major.
std::vector<std::uint8_t> rasterize_lines(const terrain::Grid& grid, const std::string& crs_wkt,
                                          const std::vector<std::string>& lines_wkb, const std::string& what);

/// The cost of a metre of cable in each cell (see routing_surface).
struct SurfaceOptions {
  double base_cost_per_m = 1.2e5;  ///< underground cable on flat open ground, per metre
  double slope_factor = 5.0;       ///< cost x (1 + slope_factor tan(slope))
  double max_slope_deg = 60.0;     ///< steeper cells are impassable (NaN)
  double road_factor = 0.5;        ///< along a road: base x road_factor (slope does not apply)
  double power_factor = 0.6;       ///< along the power grid, aerial on its poles: base x power_factor
  double river_factor = 10.0;      ///< a river cell (not on a road): its cost x river_factor
};

/// Cost per metre of cable: base x (1 + slope_factor tan(slope)) x land-cover factor; a road cell
/// costs min(that, base x road_factor), a power-grid cell min(that, base x power_factor); a river
/// cell not on a road is multiplied by river_factor. NaN (impassable): DEM voids, slopes above
/// max_slope_deg, land-cover factors that are NaN. `road`, `power`, `river` (0/1 per cell) and
/// `landcover_factor` (multiplier per cell) may be null. Row-major float32, as cost_distance reads.
std::vector<float> routing_surface(const terrain::Grid& grid, const std::string& crs_wkt, const float* heights_m,
                                   const std::uint8_t* road, const std::uint8_t* power, const std::uint8_t* river,
                                   const float* landcover_factor, const SurfaceOptions& options);

/// A graph over a cost raster for Steiner trees: one node every `stride` cells (at the cell
/// (i stride + stride/2, j stride + stride/2)), joined to its 8 neighbours and its 8 knight's moves
/// on that coarse lattice; an edge costs its length in metres times the mean cost per metre of the
/// raster cells sampled along it (every half cell, nearest cell) and is left out when any sample
/// is impassable. Each point (x, y in the grid's CRS) becomes a node of its own, after the lattice
/// nodes, joined by straight edges costed the same way to the lattice nodes within 1.5 strides
/// (at most `point_links`, the cheapest). Nodes on impassable cells have no edges.
struct RoutingGraph {
  SteinerProblem problem;            ///< nodes: lattice (row-major, lattice_rows x lattice_cols), then points
  std::vector<double> edge_length_m;  ///< per edge
  std::vector<double> node_x, node_y;  ///< in the grid's CRS
  int lattice_rows = 0, lattice_cols = 0, stride = 1;
  std::vector<int> point_node;        ///< node of each point; its links may be none (isolated)
};
RoutingGraph routing_graph(const terrain::Grid& grid, const std::string& crs_wkt, const float* cost_per_m, int stride,
                           const std::vector<double>& x, const std::vector<double>& y, int point_links = 4);

/// Grows a tree, one optional terminal at a time, until the prize joined reaches `target_prize`
/// (or every reachable one, with `complete`): at each step the terminal of least (distance to the
/// tree + extra_cost) / prize joins along its least-cost path (ties: the lower index), and the
/// distances are updated from the new tree nodes only. A terminal whose node is already in the
/// tree joins at its extra cost. Deterministic.
struct GrowOptions {
  double target_prize = 0;  ///< stop once the prize joined (initial tree's included) reaches this
  bool complete = true;     ///< go on past the target until every reachable terminal has joined
};
struct GrowResult {
  std::vector<int> order;              ///< terminals (indices into `terminals`) in the order joined
  std::vector<double> step_cost;       ///< network + extra cost of each step
  std::vector<std::vector<int>> step_edges;  ///< the edges each step adds
  std::vector<int> unreachable;        ///< terminals no path joins to the tree
  int target_steps = -1;               ///< steps needed to reach the target (-1: not reached)
  double target_cost = 0;              ///< cost of those steps
  /// A lower bound on the cost of any set of edges that joins, to the initial tree, terminals
  /// whose prize reaches the target: the fractional knapsack of (extra + d/2) per prize, where d is
  /// the distance from a terminal to the nearest other terminal or tree node (disjoint balls).
  double target_bound = 0;  ///< infinite when the terminals that can join the tree cannot reach the target
};
GrowResult grow_tree(const SteinerProblem& graph, const std::vector<int>& tree_nodes, const std::vector<int>& terminals,
                     const std::vector<double>& prize, const std::vector<double>& extra_cost, const GrowOptions& options,
                     const ProgressFn& progress = {});

/// The household stage exactly (quota Steiner tree): from an initial tree (`tree_nodes`, joined
/// at no cost), the least-cost set of optional terminals (`terminals`, graph nodes) whose prize
/// reaches `target_prize`, with the edges that join them; the cost is the edges' plus each chosen
/// terminal's `extra_cost` (its last mile), the objective grow_tree's greedy works on. A directed
/// cut MILP through CBC with the tree contracted into its root (x(delta-(W)) >= y_k, separated by
/// max-flow), warm-started with the given solution (`start_terminals`, `start_edges`: the greedy's,
/// may be empty), with nodes farther from the tree than that solution's cost left out. The bound
/// starts at `start_bound` (a proven lower bound the caller has, e.g. grow_tree's target_bound; 0
/// if none) and is raised by the LP and branch and bound. Deterministic for one thread, unless the
/// time limit stops the solve.
struct QuotaOptions {
  double time_limit_s = 60;    ///< wall-clock limit of the whole solve
  int threads = 1;             ///< CBC threads
  double relative_gap = 1e-9;  ///< stop once (cost - bound) / cost <= this
  bool log = false;            ///< CBC's log on stdout
};
struct QuotaResult {
  planning::SolveStatus status = planning::SolveStatus::no_solution;  ///< infeasible: the target is out of reach
  std::vector<int> chosen;  ///< indices into `terminals`, ascending
  std::vector<int> edges;   ///< graph edges added to the tree, ascending
  double cost = 0;          ///< edges + extra costs of the chosen terminals
  double prize = 0;         ///< their prize
  double bound = 0;         ///< proven lower bound on the least cost
  double gap = std::numeric_limits<double>::infinity();  ///< (cost - bound) / cost; 0 when proven
  bool proven_optimal = false;
  double seconds = 0;
  int cut_rounds = 0, cuts = 0;
  int model_nodes = 0, model_arcs = 0;  ///< size of the MILP's graph after leaving out the far nodes
};
QuotaResult solve_quota_tree(const SteinerProblem& graph, const std::vector<int>& tree_nodes,
                             const std::vector<int>& terminals, const std::vector<double>& prize,
                             const std::vector<double>& extra_cost, double target_prize,
                             const std::vector<int>& start_terminals = {}, const std::vector<int>& start_edges = {},
                             double start_bound = 0, const QuotaOptions& options = {});

/// Optical distance (metres along the tree) and the GPON cabinets a tree needs: the tree's nodes
/// rooted at `roots` (where it meets the backbone: an OLT each), and the least number of cabinets
/// (OLTs) on tree nodes such that every demand node lies within `reach_m` of an OLT upstream of it
/// -- the greedy bottom-up placement (a cabinet at a node when its farthest unserved demand below
/// would be out of reach one edge higher), which is optimal on a tree. Deterministic.
struct Gpon {
  std::vector<int> cabinets;   ///< nodes of new OLT cabinets, ascending
  std::vector<int> olt_of;     ///< per node of the graph: the node of its OLT (root or cabinet), -1 off the tree
  std::vector<double> optical_m;  ///< per node: metres along the tree to its OLT; NaN off the tree
};
Gpon gpon_cabinets(const SteinerProblem& graph, const std::vector<double>& edge_length_m, const std::vector<int>& tree_edges,
                   const std::vector<int>& roots, const std::vector<int>& demand_nodes, double reach_m);

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
