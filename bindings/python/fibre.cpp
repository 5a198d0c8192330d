// Bindings of the fibre layer: least-cost paths on a cost raster, Steiner trees, SteinLib files.
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>

#include "common.hpp"
#include "phusong/fibre.hpp"
#include "phusong/limits.hpp"

namespace phusong::bind {
namespace {

using CostDistancePtr = std::shared_ptr<fibre::CostDistance>;

// A 2-D view of one of the result's rasters, kept alive by the result object (no copy).
template <class T>
py::array raster_view(const py::object& self, const std::vector<T>& v, const terrain::Grid& g) {
  const auto rows = static_cast<py::ssize_t>(g.rows), cols = static_cast<py::ssize_t>(g.cols);
  py::array_t<T> a({rows, cols}, {static_cast<py::ssize_t>(sizeof(T)) * cols, static_cast<py::ssize_t>(sizeof(T))},
                   v.data(), self);
  a.attr("setflags")(py::arg("write") = false);
  return std::move(a);
}

std::vector<fibre::Cell> cells_from(const py::object& obj, const char* what) {
  auto a = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>::ensure(obj);
  if (!a || (a.ndim() != 2 && a.size() != 0) || (a.ndim() == 2 && a.shape(1) != 2))
    throw InputError(std::string(what) + ": expected an (n, 2) array of (row, col)");
  std::vector<fibre::Cell> out(a.ndim() == 2 ? a.shape(0) : 0);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const auto r = a.at(i, 0), c = a.at(i, 1);
    if (r < std::numeric_limits<int>::min() || r > std::numeric_limits<int>::max() ||
        c < std::numeric_limits<int>::min() || c > std::numeric_limits<int>::max())
      throw InputError(std::string(what) + " " + std::to_string(i) + ": (" + std::to_string(r) + ", " +
                       std::to_string(c) + ") lies outside the grid");
    out[i] = {static_cast<int>(r), static_cast<int>(c)};
  }
  return out;
}

py::array_t<std::int32_t> cells_array(const std::vector<fibre::Cell>& cells) {
  py::array_t<std::int32_t> a({static_cast<py::ssize_t>(cells.size()), py::ssize_t{2}});
  auto m = a.mutable_unchecked<2>();
  for (std::size_t i = 0; i < cells.size(); ++i) m(i, 0) = cells[i].row, m(i, 1) = cells[i].col;
  return a;
}

py::array_t<double> xy_array(const std::vector<double>& x, const std::vector<double>& y) {
  py::array_t<double> a({static_cast<py::ssize_t>(x.size()), py::ssize_t{2}});
  auto m = a.mutable_unchecked<2>();
  for (std::size_t i = 0; i < x.size(); ++i) m(i, 0) = x[i], m(i, 1) = y[i];
  return a;
}

fibre::SteinerResult run_steiner(const fibre::SteinerProblem& p, const std::string& method, const py::object& params,
                                 const py::kwargs& kw) {
  const auto o = build_params<fibre::SteinerOptions>(params, kw);
  const auto meth = fibre::steiner_method_from_string(method);
  fibre::SteinerResult r;
  {
    py::gil_scoped_release nogil;
    r = fibre::solve_steiner(p, meth, o);
  }
  return r;
}

}  // namespace

void init_fibre(py::module_& m) {
  // ---- least-cost paths
  m.def(
      "cost_moves",
      [] {
        std::vector<std::pair<int, int>> out;
        for (const auto& mv : fibre::kMoves) out.emplace_back(mv.drow, mv.dcol);
        return out;
      },
      "The 16 moves (drow, dcol) of cost_distance in the order tried (r.cost's): W, E, N, S, NW, NE, SE, SW, then "
      "the knight's moves NNW, NNE, SSE, SSW, WNW, ENE, ESE, WSW; backlink values index this list.");

  py::class_<fibre::CostDistance, CostDistancePtr>(
      m, "CostDistance",
      "Accumulated least cost from the nearest source over a cost raster (fibre::CostDistance); the "
      "rasters are read-only views of the engine's memory.")
      .def_property_readonly(
          "accumulated", [](const py::object& self) {
            const auto& r = self.cast<const fibre::CostDistance&>();
            return raster_view(self, r.accumulated, r.grid);
          },
          "float64 (rows, cols): least accumulated cost (cost_per_m x metres); NaN where unreached.")
      .def_property_readonly(
          "backlink", [](const py::object& self) {
            const auto& r = self.cast<const fibre::CostDistance&>();
            return raster_view(self, r.backlink, r.grid);
          },
          "int8 (rows, cols): index into cost_moves() of the move entering the cell on its least-cost path "
          "(the predecessor is the cell minus that move); -1 at a source, -2 unreached.")
      .def_property_readonly(
          "source_index", [](const py::object& self) {
            const auto& r = self.cast<const fibre::CostDistance&>();
            return raster_view(self, r.source_index, r.grid);
          },
          "int32 (rows, cols): index of the source each cell is reached from; -1 unreached.")
      .def_property_readonly("sources", [](const fibre::CostDistance& r) { return cells_array(r.sources); },
                             "(n, 2) int32: the sources as (row, col).")
      .def_property_readonly("reached", [](const fibre::CostDistance& r) { return r.reached; },
                             "Cells with a finite accumulated cost.")
      .def_property_readonly("shape", [](const fibre::CostDistance& r) { return py::make_tuple(r.grid.rows, r.grid.cols); })
      .def(
          "path",
          [](const fibre::CostDistance& r, int row, int col) { return cells_array(r.path(row, col)); },
          py::arg("row"), py::arg("col"),
          "(n, 2) int32 (row, col) of the least-cost path from this cell back to its source, both included.")
      .def(
          "path_xy",
          [](const fibre::CostDistance& r, int row, int col) {
            std::vector<double> x, y;
            fibre::cell_centres(r.grid, r.path(row, col), x, y);
            return xy_array(x, y);
          },
          py::arg("row"), py::arg("col"), "(n, 2) float64: the path's cell centres in the raster's CRS (x, y).")
      .def(
          "path_lonlat",
          [](const fibre::CostDistance& r, int row, int col) {
            std::vector<double> lon, lat;
            fibre::cell_centres_lonlat(r.grid, r.crs_wkt, r.path(row, col), lon, lat);
            return xy_array(lon, lat);
          },
          py::arg("row"), py::arg("col"), "(n, 2) float64: the path's cell centres in WGS84 (lon, lat).")
      .def("__repr__", [](const fibre::CostDistance& r) {
        return "<CostDistance " + std::to_string(r.grid.rows) + "x" + std::to_string(r.grid.cols) + " from " +
               std::to_string(r.sources.size()) + " sources, " + std::to_string(r.reached) + " cells reached>";
      });

  m.def(
      "cost_distance",
      [](const py::array& cost_per_m, const std::vector<double>& geotransform, const std::string& crs_wkt,
         const py::object& sources, const py::object& sources_lonlat, bool knight, double max_cost,
         const py::object& progress) {
        if (cost_per_m.ndim() != 2)
          throw InputError("cost_distance: cost_per_m must be a 2-D array, got " + std::to_string(cost_per_m.ndim()) +
                           " dimensions");
        const terrain::Grid grid = grid_from_geotransform(geotransform, static_cast<int>(cost_per_m.shape(0)),
                                                          static_cast<int>(cost_per_m.shape(1)));
        if (sources.is_none() == sources_lonlat.is_none())
          throw InputError("cost_distance: give sources (row, col) or sources_lonlat (lon, lat), one of them");
        std::vector<fibre::Cell> cells;
        if (!sources.is_none()) {
          cells = cells_from(sources, "cost_distance: source");
        } else {
          auto a = Doubles::ensure(sources_lonlat);
          if (!a || a.ndim() != 2 || a.shape(1) != 2)
            throw InputError("cost_distance: sources_lonlat must be an (n, 2) array of (lon, lat)");
          std::vector<double> lon(a.shape(0)), lat(a.shape(0));
          for (py::ssize_t i = 0; i < a.shape(0); ++i) lon[i] = a.at(i, 0), lat[i] = a.at(i, 1);
          cells = fibre::cells_of_lonlat(grid, crs_wkt, lon, lat);
        }
        fibre::CostDistanceOptions o;
        o.knight = knight;
        o.max_cost = max_cost;
        const ProgressFn cb = wrap_progress(progress);
        auto out = std::make_shared<fibre::CostDistance>();
        if (cost_per_m.dtype().is(py::dtype::of<float>())) {
          auto a = py::array_t<float, py::array::c_style | py::array::forcecast>::ensure(cost_per_m);
          py::gil_scoped_release nogil;
          *out = fibre::cost_distance(grid, crs_wkt, a.data(), cells, o, cb);
        } else {
          auto a = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(cost_per_m);
          if (!a) throw InputError("cost_distance: cost_per_m must be a numeric array");
          py::gil_scoped_release nogil;
          *out = fibre::cost_distance(grid, crs_wkt, a.data(), cells, o, cb);
        }
        return out;
      },
      py::arg("cost_per_m"), py::arg("geotransform"), py::arg("crs_wkt") = "", py::arg("sources") = py::none(),
      py::arg("sources_lonlat") = py::none(), py::arg("knight") = true,
      py::arg("max_cost") = std::numeric_limits<double>::infinity(), py::arg("progress") = py::none(),
      R"doc(Least accumulated cost from the nearest source over a raster of cost per metre of cable.

GRASS r.cost -k's moves and costs: the 8 neighbours plus the 8 knight's moves (knight=False: 8
neighbours); a move costs its length in metres times the mean cost of the cells it crosses (2 for a
neighbour, 4 for a knight's move); NaN cells are impassable and block the moves that cross them.

Args:
    cost_per_m: 2-D float32 or float64 array (rows, cols); finite >= 0, or NaN.
    geotransform: GDAL geotransform of the raster (north-up).
    crs_wkt: the raster's CRS (WKT, EPSG:n, WGS84...); "" = planar metres. Geographic grids have
        their cell sizes converted to metres row by row (WGS84 radii of curvature).
    sources: (n, 2) (row, col) of the sources; or sources_lonlat: (n, 2) (lon, lat) in WGS84.
    knight: use the knight's moves.
    max_cost: cells beyond this accumulated cost stay unreached.
    progress: callable(done, total) every 65,536 settled cells.

Returns:
    CostDistance: accumulated, backlink, source_index rasters and path()/path_xy()/path_lonlat().
    Ties: the next cell settled is the least cost, then the lowest row-major index; a cell keeps the
    first predecessor that reached it at its least cost. The GIL is released.)doc");

  // ---- Steiner trees
  ParamsClass<fibre::SteinerOptions>(m, "SteinerOptions",
                                     "Options of solve_steiner (fibre::SteinerOptions); the defaults are the C++ header's.")
      .field("time_limit_s", &fibre::SteinerOptions::time_limit_s, "Wall-clock limit of the whole solve.")
      .field("threads", &fibre::SteinerOptions::threads, "CBC threads for the exact solve.")
      .field("relative_gap", &fibre::SteinerOptions::relative_gap, "The exact solve stops at this relative gap.")
      .field("heuristic_roots", &fibre::SteinerOptions::heuristic_roots,
             "Roots of the shortest-path heuristic (0 = every terminal).")
      .field("warm_start", &fibre::SteinerOptions::warm_start, "Give CBC the heuristic tree first.")
      .field("reduce", &fibre::SteinerOptions::reduce, "Exact: reductions before the MILP.")
      .field("log", &fibre::SteinerOptions::log, "Let CBC print its log to stdout.")
      .finish();

  py::class_<fibre::SteinerProblem>(m, "SteinerProblem",
                                    "An undirected graph with edge costs and terminals, nodes 0-based (fibre::SteinerProblem).")
      .def(py::init([](int n_nodes, std::vector<int> edge_u, std::vector<int> edge_v, std::vector<double> edge_cost,
                       std::vector<int> terminals, std::string name) {
             fibre::SteinerProblem p;
             p.n_nodes = n_nodes;
             p.edge_u = std::move(edge_u);
             p.edge_v = std::move(edge_v);
             p.edge_cost = std::move(edge_cost);
             p.terminals = std::move(terminals);
             p.name = std::move(name);
             return p;
           }),
           py::arg("n_nodes"), py::arg("edge_u"), py::arg("edge_v"), py::arg("edge_cost"), py::arg("terminals"),
           py::arg("name") = "")
      .def_readwrite("n_nodes", &fibre::SteinerProblem::n_nodes)
      .def_readwrite("edge_u", &fibre::SteinerProblem::edge_u)
      .def_readwrite("edge_v", &fibre::SteinerProblem::edge_v)
      .def_readwrite("edge_cost", &fibre::SteinerProblem::edge_cost)
      .def_readwrite("terminals", &fibre::SteinerProblem::terminals, "Distinct; the first is the exact solve's root.")
      .def_readwrite("name", &fibre::SteinerProblem::name)
      .def_readonly("declared_optimum", &fibre::SteinerProblem::declared_optimum,
                    "The optimum the file declares ('Optimal' line), NaN when absent; never used by the solvers.")
      .def("__repr__", [](const fibre::SteinerProblem& p) {
        return "<SteinerProblem " + p.name + ": " + std::to_string(p.n_nodes) + " nodes, " +
               std::to_string(p.edge_u.size()) + " edges, " + std::to_string(p.terminals.size()) + " terminals>";
      });

  py::class_<fibre::SteinerResult> result(m, "SteinerResult", "The outcome of one Steiner solve (fibre::SteinerResult).");
  result.def_readonly("method", &fibre::SteinerResult::method, "heuristic or exact.")
      .def_readonly("status", &fibre::SteinerResult::status,
                    "A SolveStatus: optimal, feasible, partial (terminals unreachable) or no_solution.")
      .def_readonly("edges", &fibre::SteinerResult::edges, "Indices of the tree's edges, ascending.")
      .def_readonly("nodes", &fibre::SteinerResult::nodes, "The tree's nodes, ascending.")
      .def_readonly("cost", &fibre::SteinerResult::cost, "Total cost of the tree.")
      .def_readonly("bound", &fibre::SteinerResult::bound, "A proven lower bound on the least cost.")
      .def_readonly("gap", &fibre::SteinerResult::gap, "(cost - bound) / cost; 0 when proven optimal.")
      .def_readonly("proven_optimal", &fibre::SteinerResult::proven_optimal,
                    "Proven optimal (for the terminals reachable from the first).")
      .def_readonly("seconds", &fibre::SteinerResult::seconds)
      .def_readonly("unreachable_terminals", &fibre::SteinerResult::unreachable_terminals,
                    "Terminals not connected to the first terminal (left out of the tree).")
      .def_readonly("cut_rounds", &fibre::SteinerResult::cut_rounds)
      .def_readonly("cuts", &fibre::SteinerResult::cuts)
      .def_readonly("reduced_nodes", &fibre::SteinerResult::reduced_nodes)
      .def_readonly("reduced_edges", &fibre::SteinerResult::reduced_edges)
      .def("__repr__", [](const fibre::SteinerResult& r) {
        return "<SteinerResult " + r.method + " " + planning::to_string(r.status) + " cost=" + limits::fmt(r.cost) +
               " bound=" + limits::fmt(r.bound) + " edges=" + std::to_string(r.edges.size()) + ">";
      });
  add_mapping(result,
              {"method", "status", "edges", "nodes", "cost", "bound", "gap", "proven_optimal", "seconds",
               "unreachable_terminals", "cut_rounds", "cuts", "reduced_nodes", "reduced_edges"},
              [](const py::object& self, const std::string& key) -> py::object {
                if (key == "status") return py::str(planning::to_string(self.cast<const fibre::SteinerResult&>().status));
                return py::object();
              });

  const char* solve_doc = R"doc(Least-cost Steiner tree joining the terminals, by "heuristic" (shortest-path
heuristic from several roots + MST/pruning, key-path exchange and key-vertex elimination) or "exact"
(directed-cut MILP through CBC with max-flow separation, warm-started with the heuristic, within
time_limit_s).

Call with a SteinerProblem, or with n_nodes, edge_u, edge_v, edge_cost (0-based nodes) and terminals.
Options: `params` (a SteinerOptions) and/or its fields as keywords (time_limit_s, threads, ...).
Terminals not connected to the first terminal are listed in unreachable_terminals (status partial).

Returns:
    SteinerResult: method, status, edges, nodes, cost, bound, gap, proven_optimal, seconds,
    unreachable_terminals, ... (r["status"] gives the status's name). The GIL is released.)doc";
  m.def(
      "solve_steiner",
      [](const fibre::SteinerProblem& p, const std::string& method, const py::object& params, const py::kwargs& kw) {
        return run_steiner(p, method, params, kw);
      },
      py::arg("problem"), py::arg("method") = "heuristic", py::arg("params") = py::none(), solve_doc);
  m.def(
      "solve_steiner",
      [](int n_nodes, std::vector<int> edge_u, std::vector<int> edge_v, std::vector<double> edge_cost,
         std::vector<int> terminals, const std::string& method, const py::object& params, const py::kwargs& kw) {
        fibre::SteinerProblem p;
        p.n_nodes = n_nodes;
        p.edge_u = std::move(edge_u);
        p.edge_v = std::move(edge_v);
        p.edge_cost = std::move(edge_cost);
        p.terminals = std::move(terminals);
        return run_steiner(p, method, params, kw);
      },
      py::arg("n_nodes"), py::arg("edge_u"), py::arg("edge_v"), py::arg("edge_cost"), py::arg("terminals"),
      py::arg("method") = "heuristic", py::arg("params") = py::none(), solve_doc);
  m.def(
      "read_steinlib",
      [](const std::string& path) {
        fibre::SteinerProblem p;
        {
          py::gil_scoped_release nogil;
          p = fibre::read_steinlib(path);
        }
        return p;
      },
      py::arg("path"),
      "Reads an undirected SteinLib STP file (SECTION Graph / Terminals; nodes become 0-based). InputError names "
      "the file, the line and the value.");
}

}  // namespace phusong::bind
