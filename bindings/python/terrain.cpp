// Bindings of the terrain layer: DEM mosaics, elevations and profiles.
#include "common.hpp"
#include "phusong/terrain.hpp"

namespace phusong::bind {

using terrain::Dem;
using terrain::Profile;

void init_terrain(py::module_& m) {
  py::class_<Dem, std::shared_ptr<Dem>>(m, "Dem", R"doc(A DEM in memory (float32, voids as NaN).

Open one or more tiles (GeoTIFF, SRTM .hgt, anything GDAL reads); several tiles are mosaicked.

Example:
    >>> dem = Dem.open(["N21E105.hgt"])
    >>> dem.elevation_at_lonlat_m([105.5], [21.5]))doc")
      .def_static(
          "open",
          [](const std::vector<std::string>& paths, const py::object& window) {
            if (window.is_none()) {
              py::gil_scoped_release nogil;
              return std::make_shared<Dem>(Dem::open(paths));
            }
            const terrain::CellWindow w = cell_window(window);
            py::gil_scoped_release nogil;
            return std::make_shared<Dem>(Dem::open(paths, w));
          },
          py::arg("paths"), py::arg("window") = py::none(),
          R"doc(Opens and mosaics DEM files; InputError names a file that fails.

`window` (col_off, row_off, cols, rows): read only those cells of the mosaic's grid (GDAL
windowed reads): a windowed DEM. Its grid (geotransform, shape) stays the mosaic's, so results
that read only loaded cells are bit for bit those of the whole DEM; cells outside read as voids.
heights_m holds the loaded cells (`loaded` says which).)doc")
      .def_static(
          "grid_of",
          [](const std::vector<std::string>& paths) {
            terrain::Grid g;
            {
              py::gil_scoped_release nogil;
              g = Dem::mosaic_grid(paths);
            }
            return py::make_tuple(grid_tuple(g), py::make_tuple(g.rows, g.cols));
          },
          py::arg("paths"), "(geotransform, (rows, cols)) of the mosaic Dem.open(paths) makes, from the headers only.")
      .def_property_readonly("loaded", [](const Dem& d) { return window_tuple(d.loaded()); },
                             "(col_off, row_off, cols, rows): the cells held (the whole grid unless windowed).")
      .def(py::init([](py::array_t<float, py::array::c_style | py::array::forcecast> heights,
                       std::vector<double> geotransform, const std::string& crs) {
             if (heights.ndim() != 2) throw py::value_error("heights must be a 2-D array");
             const terrain::Grid g = grid_from_geotransform(geotransform, static_cast<int>(heights.shape(0)),
                                                            static_cast<int>(heights.shape(1)));
             std::vector<float> h(heights.data(), heights.data() + heights.size());
             return std::make_shared<Dem>(g, std::move(h), geo::crs_wkt(crs));
           }),
           py::arg("heights_m"), py::arg("geotransform"), py::arg("crs") = "WGS84",
           "A DEM from a 2-D array (rows x cols, NaN = void) and a GDAL geotransform.")
      .def_property_readonly(
          "heights_m",
          [](py::object self) {
            auto& d = self.cast<Dem&>();
            return py::array_t<float>({d.loaded().rows, d.loaded().cols},
                                      {sizeof(float) * d.loaded().cols, sizeof(float)},
                                      d.heights_m().data(), self);
          },
          "Elevations of the loaded cells (rows x cols float32 view, no copy; NaN = void): the whole grid unless "
          "the DEM is windowed.")
      .def_property_readonly("geotransform", [](const Dem& d) { return grid_tuple(d.grid()); },
                             "GDAL geotransform (origin_x, dx, 0, origin_y, 0, dy) of the whole grid.")
      .def_property_readonly("shape", [](const Dem& d) { return py::make_tuple(d.grid().rows, d.grid().cols); })
      .def_property_readonly("crs_wkt", &Dem::crs_wkt)
      .def_property_readonly("is_geographic", &Dem::is_geographic)
      .def_property_readonly("void_count", &Dem::void_count, "Number of void (nodata) cells.")
      .def_property_readonly("sources", &Dem::sources)
      .def_property_readonly("cell_size_m", &Dem::cell_size_m)
      .def(
          "resampled",
          [](const Dem& d, double resolution_m, const py::object& window) {
            if (window.is_none()) {
              py::gil_scoped_release nogil;
              return std::make_shared<Dem>(d.resampled(resolution_m));
            }
            const terrain::CellWindow w = cell_window(window);
            py::gil_scoped_release nogil;
            return std::make_shared<Dem>(d.resampled(resolution_m, w));
          },
          py::arg("resolution_m"), py::arg("window") = py::none(),
          "A bilinear copy with cells of about resolution_m metres (same extent and CRS); `window` (col_off, row_off, "
          "cols, rows of the new grid): only those cells (a windowed DEM, equal to the whole copy there).")
      .def(
          "resampled_grid",
          [](const Dem& d, double resolution_m) {
            const terrain::Grid g = d.resampled_grid(resolution_m);
            return py::make_tuple(grid_tuple(g), py::make_tuple(g.rows, g.cols));
          },
          py::arg("resolution_m"), "(geotransform, (rows, cols)) of resampled(resolution_m), without computing it.")
      .def("contains_lonlat",
           [](const Dem& d, double lon, double lat) {
             auto xy = d.lonlat_to_dem(lon, lat);
             return d.contains(xy.first, xy.second);
           },
           py::arg("lon"), py::arg("lat"), "True when the point lies within the DEM.")
      .def("elevation_m",
           [](const Dem& d, Doubles x, Doubles y) {
             if (x.size() != y.size()) throw py::value_error("x and y differ in length");
             std::vector<double> out(x.size());
             for (py::ssize_t i = 0; i < x.size(); ++i) out[i] = d.elevation_m(x.data()[i], y.data()[i]);
             return to_numpy(std::move(out));
           },
           py::arg("x"), py::arg("y"), "Bilinear elevations at points in the DEM's CRS (NaN: void/outside).")
      .def("elevation_at_lonlat_m",
           [](const Dem& d, Doubles lon, Doubles lat) {
             if (lon.size() != lat.size()) throw py::value_error("lon and lat differ in length");
             std::vector<double> x = to_vector(lon), y = to_vector(lat);
             d.lonlat_to_dem(x, y);
             std::vector<double> out(x.size());
             for (std::size_t i = 0; i < x.size(); ++i) out[i] = d.elevation_m(x[i], y[i]);
             return to_numpy(std::move(out));
           },
           py::arg("lon"), py::arg("lat"), "Bilinear elevations at WGS84 points (NaN: void/outside).")
      .def("profile",
           [](const Dem& d, double lon1, double lat1, double lon2, double lat2, double spacing_m, double k) {
             Profile p;
             {
               py::gil_scoped_release nogil;
               p = terrain::profile_lonlat(d, lon1, lat1, lon2, lat2, spacing_m, k);
             }
             py::dict r;
             r["void_samples"] = p.void_samples;
             r["k"] = p.k;
             r["distance_m"] = to_numpy(std::move(p.distance_m));
             r["x"] = to_numpy(std::move(p.x));
             r["y"] = to_numpy(std::move(p.y));
             r["elevation_m"] = to_numpy(std::move(p.elevation_m));
             r["curved_m"] = to_numpy(std::move(p.curved_m));
             return r;
           },
           py::arg("lon1"), py::arg("lat1"), py::arg("lon2"), py::arg("lat2"), py::arg("spacing_m"),
           py::arg("k") = 4.0 / 3.0,
           R"doc(Terrain profile between two WGS84 points, samples at most `spacing_m` apart.

Returns:
    dict with distance_m, x, y (DEM CRS), elevation_m (NaN at voids), curved_m (elevation plus
    the earth bulge for factor k, relative to the chord), void_samples, k.)doc");
  m.def("earth_bulge_m", &terrain::earth_bulge_m, py::arg("d1_m"), py::arg("d2_m"), py::arg("k") = 4.0 / 3.0,
        "Earth bulge d1*d2/(2 k R), R = 6371 km.");
}

}  // namespace phusong::bind
