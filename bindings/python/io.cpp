// Bindings of the io layer: reading villages/sites, writing point layers atomically.
#include "common.hpp"
#include "phusong/geo.hpp"
#include "phusong/io.hpp"
#include "phusong/limits.hpp"

namespace phusong::bind {

void init_io(py::module_& m) {
  m.def(
      "read_villages",
      [](const std::string& path) {
        py::gil_scoped_release nogil;
        return io::read_villages(path);
      },
      py::arg("path"),
      "Reads villages (CSV lon/lat, GeoJSON, Shapefile, GeoPackage); InputError names file, row, value.");
  m.def(
      "read_sites",
      [](const std::string& path, double default_bandwidth_mhz) {
        py::gil_scoped_release nogil;
        return io::read_sites(path, default_bandwidth_mhz);
      },
      py::arg("path"), py::arg("default_bandwidth_mhz") = 10.0,
      "Reads radio sites (towers or candidates); InputError names file, row, value.");
  m.def(
      "read_geometries",
      [](const std::string& path) {
        std::vector<io::Geometry> g;
        {
          py::gil_scoped_release nogil;
          g = io::read_geometries(path);
        }
        py::list out;
        for (const auto& x : g) out.append(py::make_tuple(x.feature, py::bytes(x.wkb)));
        return out;
      },
      py::arg("path"),
      "Every geometry of a vector file's first layer, in WGS84, as (feature number, WKB bytes);\n"
      "features without a geometry are skipped. InputError names the file.");
  m.def(
      "limits",
      [] {
        py::dict d;
        for (const auto& n : limits::kNamedRanges)
          d[n.name] = py::make_tuple(n.range.lo, n.range.hi, n.range.lo_open, n.range.hi_open, n.unit);
        return d;
      },
      "The documented physical ranges of the inputs: name -> (lo, hi, lo_open, hi_open, unit), e.g.\n"
      "'site.height_m' -> (0, 500, True, False, 'm'); 'model.p526.freq_mhz' -> the model's frequency range.");
  m.def("known_technologies", &io::known_technologies,
        "The canonical technology names (2G, 3G, 4G, 5G) that read_sites normalises a site's technologies to.");
  m.def(
      "write_points",
      [](const std::string& path, const std::string& driver, const std::string& crs, Doubles lon, Doubles lat,
         const py::list& fields, const std::string& layer, const py::object& wkb, const py::object& styles) {
        io::PointTable t;
        if (!styles.is_none()) t.styles = styles.cast<std::vector<std::string>>();
        t.lon = to_vector(lon);
        t.lat = to_vector(lat);
        if (!wkb.is_none())
          for (const auto& g : wkb) t.wkb.push_back(g.cast<std::string>());
        for (const auto& item : fields) {
          auto tup = item.cast<py::tuple>();
          io::Field f;
          f.name = tup[0].cast<std::string>();
          const std::string type = tup[1].cast<std::string>();
          py::object values = tup[2];
          if (type == "real") {
            f.type = io::Field::Type::real;
            f.reals = to_vector(values.cast<Doubles>());
          } else if (type == "integer") {
            f.type = io::Field::Type::integer;
            auto a = values.cast<py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>>();
            f.integers.assign(a.data(), a.data() + a.size());
          } else if (type == "string") {
            f.type = io::Field::Type::string;
            f.strings = values.cast<std::vector<std::string>>();
          } else {
            throw py::value_error("field '" + f.name + "': type must be real, integer or string, got '" + type + "'");
          }
          if (tup.size() > 3) f.width = tup[3].cast<int>();
          if (tup.size() > 4) f.precision = tup[4].cast<int>();
          t.fields.push_back(std::move(f));
        }
        py::gil_scoped_release nogil;
        io::write_points(path, driver, crs, t, layer);
      },
      py::arg("path"), py::arg("driver"), py::arg("crs"), py::arg("lon"), py::arg("lat"), py::arg("fields"),
      py::arg("layer"), py::arg("wkb") = py::none(), py::arg("styles") = py::none(),
      R"doc(Writes WGS84 points (or WKB geometries) with attributes, reprojected to `crs`, atomically.

wkb: optional list of WKB geometries (bytes, WGS84), one per feature; lon/lat are then ignored.
styles: optional OGR style strings, one per feature (kept by LIBKML: icons and colours; a
field called 'name' names the KML placemarks).
Empty strings and non-finite reals are written as NULL in every format.

fields: list of (name, "real"|"integer"|"string", values[, width[, precision]]).
Shapefiles get .prj and .cpg (UTF-8); names longer than 10 characters are an InputError.)doc");

  m.def(
      "write_raster",
      [](const std::string& path, const py::list& bands, std::vector<double> geotransform, const std::string& crs) {
        std::vector<io::RasterBand> out;
        std::vector<py::array> keep;
        terrain::Grid g = grid_from_geotransform(geotransform, 0, 0);
        for (const auto& item : bands) {
          auto tup = item.cast<py::tuple>();
          io::RasterBand b;
          b.description = tup[0].cast<std::string>();
          py::array a = py::array::ensure(tup[1], py::array::c_style);
          if (!a || a.ndim() != 2) throw py::value_error("band '" + b.description + "' must be a 2-D array");
          if (out.empty()) {
            g.rows = static_cast<int>(a.shape(0));
            g.cols = static_cast<int>(a.shape(1));
          } else if (a.shape(0) != g.rows || a.shape(1) != g.cols) {
            throw py::value_error("band '" + b.description + "' has a different shape");
          }
          const auto dt = a.dtype();
          if (dt.is(py::dtype::of<float>())) b.type = io::RasterBand::Type::float32;
          else if (dt.is(py::dtype::of<std::int32_t>())) b.type = io::RasterBand::Type::int32;
          else if (dt.is(py::dtype::of<std::uint16_t>())) b.type = io::RasterBand::Type::uint16;
          else if (dt.is(py::dtype::of<std::uint8_t>())) b.type = io::RasterBand::Type::uint8;
          else throw py::value_error("band '" + b.description + "': dtype must be float32, int32, uint16 or uint8");
          if (tup.size() > 2 && !tup[2].is_none()) b.nodata = tup[2].cast<double>();
          else b.has_nodata = false;
          b.data = a.data();
          keep.push_back(a);
          out.push_back(b);
        }
        const std::string wkt = geo::crs_wkt(crs);
        py::gil_scoped_release nogil;
        io::write_raster(path, g, wkt, out);
      },
      py::arg("path"), py::arg("bands"), py::arg("geotransform"), py::arg("crs"),
      R"doc(Writes a Cloud-Optimised GeoTIFF atomically. bands: list of (description, 2-D array[, nodata]).)doc");

  m.def(
      "write_polygons",
      [](const std::string& path, const std::string& driver, py::array_t<std::uint8_t, py::array::c_style | py::array::forcecast> mask,
         std::vector<double> geotransform, const std::string& crs, const std::string& layer, const std::string& field) {
        if (mask.ndim() != 2) throw py::value_error("mask must be a 2-D array");
        const terrain::Grid g =
            grid_from_geotransform(geotransform, static_cast<int>(mask.shape(0)), static_cast<int>(mask.shape(1)));
        std::vector<std::uint8_t> m(mask.data(), mask.data() + mask.size());
        const std::string wkt = geo::crs_wkt(crs);
        py::gil_scoped_release nogil;
        io::write_polygons(path, driver, g, wkt, m, layer, field);
      },
      py::arg("path"), py::arg("driver"), py::arg("mask"), py::arg("geotransform"), py::arg("crs"),
      py::arg("layer") = "coverage", py::arg("field") = "value",
      "Vectorises the non-zero cells of `mask` into polygons (GPKG or GeoJSON), atomically.");
}

}  // namespace phusong::bind
