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

using Floats2D = py::array_t<float, py::array::c_style | py::array::forcecast>;
using Bytes2D = py::array_t<std::uint8_t, py::array::c_style | py::array::forcecast>;

// A 2-D float32 array owning a moved-in vector (no copy).
template <class T>
py::array_t<T> grid_array(std::vector<T>&& v, int rows, int cols) {
  auto flat = to_numpy(std::move(v));
  return flat.reshape({static_cast<py::ssize_t>(rows), static_cast<py::ssize_t>(cols)});
}

// A 2-D array of the given shape or None; InputError naming `what` otherwise.
template <class A>
A optional_grid(const py::object& obj, const terrain::Grid& g, const std::string& what) {
  if (obj.is_none()) return A();
  auto a = A::ensure(obj);
  if (!a || a.ndim() != 2 || a.shape(0) != g.rows || a.shape(1) != g.cols)
    throw InputError("routing_surface: " + what + " must be a " + std::to_string(g.rows) + " x " + std::to_string(g.cols) +
                     " array like the heights");
  return a;
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


  // ---- the routing surface and graph of a fibre plan
  m.def(
      "slope_deg",
      [](const py::array& heights_m, const std::vector<double>& geotransform, const std::string& crs_wkt) {
        auto z = Floats2D::ensure(heights_m);
        if (!z || z.ndim() != 2) throw InputError("slope_deg: heights_m must be a 2-D array");
        const terrain::Grid g = grid_from_geotransform(geotransform, static_cast<int>(z.shape(0)), static_cast<int>(z.shape(1)));
        std::vector<float> out;
        {
          py::gil_scoped_release nogil;
          out = fibre::slope_deg(g, crs_wkt, z.data());
        }
        return grid_array(std::move(out), g.rows, g.cols);
      },
      py::arg("heights_m"), py::arg("geotransform"), py::arg("crs_wkt") = "",
      "Slope in degrees of each cell by Horn's 3 x 3 method (as gdaldem slope), cell sizes in metres (geographic grids "
      "converted row by row); a neighbour outside the grid or void takes the centre's height (gdaldem -compute_edges); "
      "NaN at voids. float32 "
      "(rows, cols). The GIL is released.");
  m.def(
      "rasterize_lines",
      [](const std::vector<py::bytes>& lines_wkb, const std::vector<double>& geotransform, int rows, int cols,
         const std::string& crs_wkt, const std::string& what) {
        const terrain::Grid g = grid_from_geotransform(geotransform, rows, cols);
        std::vector<std::string> wkb(lines_wkb.begin(), lines_wkb.end());
        std::vector<std::uint8_t> out;
        {
          py::gil_scoped_release nogil;
          out = fibre::rasterize_lines(g, crs_wkt, wkb, what);
        }
        return grid_array(std::move(out), rows, cols);
      },
      py::arg("lines_wkb"), py::arg("geotransform"), py::arg("rows"), py::arg("cols"), py::arg("crs_wkt") = "",
      py::arg("what") = "lines",
      "uint8 (rows, cols): 1 in the cells the lines cross (each segment walked every quarter cell). lines_wkb: WKB "
      "(Multi)LineStrings in WGS84 lon/lat (as read_geometries gives), transformed to crs_wkt (\"\" = the grid's own "
      "units). Another geometry type is an InputError naming `what` and the feature.");
  ParamsClass<fibre::SurfaceOptions>(m, "SurfaceOptions",
                                     "Options of routing_surface (fibre::SurfaceOptions); the defaults are the C++ header's.")
      .field("base_cost_per_m", &fibre::SurfaceOptions::base_cost_per_m, "Underground cable on flat open ground, per metre.")
      .field("slope_factor", &fibre::SurfaceOptions::slope_factor, "Cost x (1 + slope_factor tan(slope)).")
      .field("max_slope_deg", &fibre::SurfaceOptions::max_slope_deg, "Steeper cells are impassable.")
      .field("road_factor", &fibre::SurfaceOptions::road_factor, "Along a road: base x road_factor.")
      .field("power_factor", &fibre::SurfaceOptions::power_factor, "Along the power grid (aerial): base x power_factor.")
      .field("river_factor", &fibre::SurfaceOptions::river_factor, "A river cell not on a road: cost x river_factor.")
      .finish();
  m.def(
      "routing_surface",
      [](const py::array& heights_m, const std::vector<double>& geotransform, const std::string& crs_wkt,
         const py::object& road, const py::object& power, const py::object& river, const py::object& landcover_factor,
         const py::object& params, const py::kwargs& kw) {
        auto z = Floats2D::ensure(heights_m);
        if (!z || z.ndim() != 2) throw InputError("routing_surface: heights_m must be a 2-D array");
        const terrain::Grid g = grid_from_geotransform(geotransform, static_cast<int>(z.shape(0)), static_cast<int>(z.shape(1)));
        const auto o = build_params<fibre::SurfaceOptions>(params, kw);
        auto rd = optional_grid<Bytes2D>(road, g, "road"), pw = optional_grid<Bytes2D>(power, g, "power");
        auto rv = optional_grid<Bytes2D>(river, g, "river");
        auto lc = optional_grid<Floats2D>(landcover_factor, g, "landcover_factor");
        // (a default-constructed array_t is an empty array, not a null handle: test the arguments)
        const std::uint8_t* rdp = road.is_none() ? nullptr : rd.data();
        const std::uint8_t* pwp = power.is_none() ? nullptr : pw.data();
        const std::uint8_t* rvp = river.is_none() ? nullptr : rv.data();
        const float* lcp = landcover_factor.is_none() ? nullptr : lc.data();
        std::vector<float> out;
        {
          py::gil_scoped_release nogil;
          out = fibre::routing_surface(g, crs_wkt, z.data(), rdp, pwp, rvp, lcp, o);
        }
        return grid_array(std::move(out), g.rows, g.cols);
      },
      py::arg("heights_m"), py::arg("geotransform"), py::arg("crs_wkt") = "", py::arg("road") = py::none(),
      py::arg("power") = py::none(), py::arg("river") = py::none(), py::arg("landcover_factor") = py::none(),
      py::arg("params") = py::none(),
      R"doc(Cost per metre of cable in each cell (float32 (rows, cols); NaN impassable).

base x (1 + slope_factor tan(slope)) x land-cover factor; a road cell costs min(that, base x
road_factor), a power-grid cell min(that, base x power_factor) (aerial on poles); a river cell not on
a road is multiplied by river_factor. Impassable: DEM voids, slopes above max_slope_deg, land-cover
factors that are NaN. road/power/river: uint8 masks (rasterize_lines); landcover_factor: float32
multipliers; all optional, shaped like the heights. Options: params (a SurfaceOptions) and/or its
fields as keywords. The GIL is released.)doc");

  py::class_<fibre::RoutingGraph>(m, "RoutingGraph",
                                  "A graph over a cost raster for Steiner trees (fibre::RoutingGraph): lattice nodes, then "
                                  "the points.")
      .def_readonly("problem", &fibre::RoutingGraph::problem, "The graph as a SteinerProblem (no terminals).")
      .def_property_readonly("edge_length_m", [](const fibre::RoutingGraph& r) { return py::array(py::cast(r.edge_length_m)); },
                             "float64 per edge: its length in metres.")
      .def_property_readonly("edge_u", [](const fibre::RoutingGraph& r) { return py::array(py::cast(r.problem.edge_u)); })
      .def_property_readonly("edge_v", [](const fibre::RoutingGraph& r) { return py::array(py::cast(r.problem.edge_v)); })
      .def_property_readonly("edge_cost", [](const fibre::RoutingGraph& r) { return py::array(py::cast(r.problem.edge_cost)); },
                             "float64 per edge: length x mean cost per metre along it.")
      .def_property_readonly("node_x", [](const fibre::RoutingGraph& r) { return py::array(py::cast(r.node_x)); },
                             "float64 per node: x in the grid's CRS.")
      .def_property_readonly("node_y", [](const fibre::RoutingGraph& r) { return py::array(py::cast(r.node_y)); },
                             "float64 per node: y in the grid's CRS.")
      .def_readonly("lattice_rows", &fibre::RoutingGraph::lattice_rows)
      .def_readonly("lattice_cols", &fibre::RoutingGraph::lattice_cols)
      .def_readonly("stride", &fibre::RoutingGraph::stride)
      .def_readonly("point_node", &fibre::RoutingGraph::point_node, "The node of each point.")
      .def_property_readonly("n_nodes", [](const fibre::RoutingGraph& r) { return r.problem.n_nodes; })
      .def("__repr__", [](const fibre::RoutingGraph& r) {
        return "<RoutingGraph " + std::to_string(r.lattice_rows) + "x" + std::to_string(r.lattice_cols) + " lattice + " +
               std::to_string(r.point_node.size()) + " points, " + std::to_string(r.problem.edge_u.size()) + " edges>";
      });
  m.def(
      "routing_graph",
      [](const py::array& cost_per_m, const std::vector<double>& geotransform, const std::string& crs_wkt, int stride,
         const std::vector<double>& x, const std::vector<double>& y, int point_links) {
        auto c = Floats2D::ensure(cost_per_m);
        if (!c || c.ndim() != 2) throw InputError("routing_graph: cost_per_m must be a 2-D array");
        const terrain::Grid g = grid_from_geotransform(geotransform, static_cast<int>(c.shape(0)), static_cast<int>(c.shape(1)));
        fibre::RoutingGraph out;
        {
          py::gil_scoped_release nogil;
          out = fibre::routing_graph(g, crs_wkt, c.data(), stride, x, y, point_links);
        }
        return out;
      },
      py::arg("cost_per_m"), py::arg("geotransform"), py::arg("crs_wkt") = "", py::arg("stride") = 10,
      py::arg("x") = std::vector<double>{}, py::arg("y") = std::vector<double>{}, py::arg("point_links") = 4,
      R"doc(A graph over a cost raster for Steiner trees.

One node every `stride` cells, joined to its 8 neighbours and 8 knight's moves on that lattice; an
edge costs its length in metres times the mean cost per metre of the cells sampled along it (every
half cell) and is left out when a sample is impassable. Each point (x, y in the grid's CRS) is a
node of its own, after the lattice, joined to the cheapest `point_links` lattice nodes within 1.5
strides; a point on an impassable cell has no edge (isolated). InputError for a point outside the
grid. The GIL is released.)doc");

  py::class_<fibre::GrowResult>(m, "GrowResult", "The outcome of grow_tree (fibre::GrowResult).")
      .def_readonly("order", &fibre::GrowResult::order, "Terminals (indices into `terminals`) in the order joined.")
      .def_readonly("step_cost", &fibre::GrowResult::step_cost, "Network + extra cost of each step.")
      .def_readonly("step_edges", &fibre::GrowResult::step_edges, "The edges each step adds.")
      .def_readonly("unreachable", &fibre::GrowResult::unreachable, "Terminals no path joins to the tree.")
      .def_readonly("target_steps", &fibre::GrowResult::target_steps, "Steps that reach the target prize (-1: never).")
      .def_readonly("target_cost", &fibre::GrowResult::target_cost, "Cost of those steps.")
      .def_readonly("target_bound", &fibre::GrowResult::target_bound,
                    "A lower bound on the cost of reaching the target from the initial tree (inf: unreachable).")
      .def("__repr__", [](const fibre::GrowResult& r) {
        return "<GrowResult " + std::to_string(r.order.size()) + " joined, target in " + std::to_string(r.target_steps) +
               " steps, cost=" + limits::fmt(r.target_cost) + " bound=" + limits::fmt(r.target_bound) + ">";
      });
  m.def(
      "grow_tree",
      [](const fibre::SteinerProblem& graph, const std::vector<int>& tree_nodes, const std::vector<int>& terminals,
         const std::vector<double>& prize, const std::vector<double>& extra_cost, double target_prize, bool complete,
         const py::object& progress) {
        fibre::GrowOptions o;
        o.target_prize = target_prize;
        o.complete = complete;
        const ProgressFn cb = wrap_progress(progress);
        py::gil_scoped_release nogil;
        return fibre::grow_tree(graph, tree_nodes, terminals, prize, extra_cost, o, cb);
      },
      py::arg("graph"), py::arg("tree_nodes"), py::arg("terminals"), py::arg("prize"), py::arg("extra_cost"),
      py::arg("target_prize"), py::arg("complete") = true, py::arg("progress") = py::none(),
      R"doc(Grows a tree one optional terminal at a time until the prize joined reaches target_prize.

At each step the terminal of least (distance to the tree + extra_cost) / prize joins along its
least-cost path (ties: the lower index); distances are then updated from the new tree nodes only.
With complete=True it goes on until every reachable terminal has joined (the whole cost-versus-prize
curve). target_bound is a proven lower bound on reaching the target from the initial tree: the
fractional knapsack of (extra + d/2) per prize, d the distance from a terminal to the nearest other
terminal or tree node (disjoint balls). Deterministic; the GIL is released.)doc");

  py::class_<fibre::QuotaResult> quota(m, "QuotaResult", "The outcome of solve_quota_tree (fibre::QuotaResult).");
  quota.def_readonly("status", &fibre::QuotaResult::status,
                     "A SolveStatus: optimal, feasible, infeasible (the target is out of reach) or no_solution.")
      .def_readonly("chosen", &fibre::QuotaResult::chosen, "Terminals chosen (indices into `terminals`), ascending.")
      .def_readonly("edges", &fibre::QuotaResult::edges, "Graph edges added to the tree, ascending.")
      .def_readonly("cost", &fibre::QuotaResult::cost, "Edges + extra costs of the chosen terminals.")
      .def_readonly("prize", &fibre::QuotaResult::prize, "Prize of the chosen terminals.")
      .def_readonly("bound", &fibre::QuotaResult::bound, "A proven lower bound on the least cost.")
      .def_readonly("gap", &fibre::QuotaResult::gap, "(cost - bound) / cost; 0 when proven optimal.")
      .def_readonly("proven_optimal", &fibre::QuotaResult::proven_optimal)
      .def_readonly("seconds", &fibre::QuotaResult::seconds)
      .def_readonly("cut_rounds", &fibre::QuotaResult::cut_rounds)
      .def_readonly("cuts", &fibre::QuotaResult::cuts)
      .def_readonly("model_nodes", &fibre::QuotaResult::model_nodes, "Nodes of the MILP's graph (the tree is one).")
      .def_readonly("model_arcs", &fibre::QuotaResult::model_arcs)
      .def("__repr__", [](const fibre::QuotaResult& r) {
        return "<QuotaResult " + planning::to_string(r.status) + " cost=" + limits::fmt(r.cost) +
               " bound=" + limits::fmt(r.bound) + " chosen=" + std::to_string(r.chosen.size()) + ">";
      });
  add_mapping(quota,
              {"status", "chosen", "edges", "cost", "prize", "bound", "gap", "proven_optimal", "seconds", "cut_rounds",
               "cuts", "model_nodes", "model_arcs"},
              [](const py::object& self, const std::string& key) -> py::object {
                if (key == "status") return py::str(planning::to_string(self.cast<const fibre::QuotaResult&>().status));
                return py::object();
              });
  m.def(
      "solve_quota_tree",
      [](const fibre::SteinerProblem& graph, const std::vector<int>& tree_nodes, const std::vector<int>& terminals,
         const std::vector<double>& prize, const std::vector<double>& extra_cost, double target_prize,
         const std::vector<int>& start_terminals, const std::vector<int>& start_edges, double start_bound,
         double time_limit_s, int threads, double relative_gap, bool log) {
        fibre::QuotaOptions o;
        o.time_limit_s = time_limit_s;
        o.threads = threads;
        o.relative_gap = relative_gap;
        o.log = log;
        py::gil_scoped_release nogil;
        return fibre::solve_quota_tree(graph, tree_nodes, terminals, prize, extra_cost, target_prize, start_terminals,
                                       start_edges, start_bound, o);
      },
      py::arg("graph"), py::arg("tree_nodes"), py::arg("terminals"), py::arg("prize"), py::arg("extra_cost"),
      py::arg("target_prize"), py::arg("start_terminals") = std::vector<int>{},
      py::arg("start_edges") = std::vector<int>{}, py::arg("start_bound") = 0.0, py::arg("time_limit_s") = 60.0,
      py::arg("threads") = 1, py::arg("relative_gap") = 1e-9, py::arg("log") = false,
      R"doc(The household stage exactly: from the tree of `tree_nodes` (joined at no cost), the least-cost
set of optional terminals whose prize reaches target_prize, with the edges that join them (a quota
Steiner tree; cost = edges + each chosen terminal's extra_cost, grow_tree's objective).

A directed-cut MILP through CBC with the tree contracted into its root, cuts x(delta-(W)) >= y_k
separated by max-flow, warm-started with start_terminals/start_edges (e.g. the greedy's), nodes
farther from the tree than that solution's cost left out; the bound starts at start_bound (a proven
lower bound, e.g. grow_tree's target_bound) and is raised by the LP and branch and bound. Within
time_limit_s (the LP may use all of it; branch and bound follows once the LP is at its optimum with
time left); the GIL is released.

Returns:
    QuotaResult: status, chosen, edges, cost, prize, bound, gap, proven_optimal, seconds, ...
    (r["status"] gives the status's name).)doc");

  py::class_<fibre::Gpon>(m, "Gpon", "GPON cabinets on a tree (fibre::Gpon).")
      .def_readonly("cabinets", &fibre::Gpon::cabinets, "Nodes of new OLT cabinets, ascending.")
      .def_readonly("olt_of", &fibre::Gpon::olt_of, "Per node: the node of its OLT (root or cabinet); -1 off the tree.")
      .def_property_readonly("optical_m", [](const fibre::Gpon& r) { return py::array(py::cast(r.optical_m)); },
                             "float64 per node: metres along the tree to its OLT; NaN off the tree.");
  m.def(
      "gpon_cabinets",
      [](const fibre::SteinerProblem& graph, const std::vector<double>& edge_length_m, const std::vector<int>& tree_edges,
         const std::vector<int>& roots, const std::vector<int>& demand_nodes, double reach_m) {
        py::gil_scoped_release nogil;
        return fibre::gpon_cabinets(graph, edge_length_m, tree_edges, roots, demand_nodes, reach_m);
      },
      py::arg("graph"), py::arg("edge_length_m"), py::arg("tree_edges"), py::arg("roots"), py::arg("demand_nodes"),
      py::arg("reach_m") = 20000.0,
      "The least number of OLT cabinets on a tree (rooted at `roots`, where it meets the backbone: an OLT each) so that "
      "every demand node lies within reach_m along the tree of an OLT upstream of it: greedy bottom-up placement, "
      "optimal on a tree. Returns cabinets, the OLT of each node and the optical distance to it.");

  // ---- Steiner trees
  ParamsClass<fibre::SteinerOptions>(m, "SteinerOptions",
                                     "Options of solve_steiner (fibre::SteinerOptions); the defaults are the C++ header's.")
      .field("time_limit_s", &fibre::SteinerOptions::time_limit_s, "Wall-clock limit of the whole solve.")
      .field("threads", &fibre::SteinerOptions::threads, "CBC threads for the exact solve.")
      .field("relative_gap", &fibre::SteinerOptions::relative_gap, "The exact solve stops at this relative gap.")
      .field("heuristic_roots", &fibre::SteinerOptions::heuristic_roots,
             "Roots of the shortest-path heuristic (0 = every terminal).")
      .field("max_moves", &fibre::SteinerOptions::max_moves,
             "Improving moves of the heuristic's local search at most (deterministic, unlike the time limit).")
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
(directed-cut MILP through CBC within time_limit_s: edges fixed out by the reduced costs of dual
ascents from several roots, the LP started from the ascent's cuts with further cuts by max-flow for
as long as it rises, then branch and bound warm-started with the heuristic; `log` prints the LP
rounds and CBC's log).

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
