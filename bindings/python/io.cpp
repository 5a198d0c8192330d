// Bindings of the io layer: reading villages/sites, writing point layers atomically.
#include "common.hpp"
#include "phusong/io.hpp"

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
      "write_points",
      [](const std::string& path, const std::string& driver, const std::string& crs, Doubles lon, Doubles lat,
         const py::list& fields, const std::string& layer) {
        io::PointTable t;
        t.lon = to_vector(lon);
        t.lat = to_vector(lat);
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
      py::arg("layer"),
      R"doc(Writes WGS84 points with attributes, reprojected to `crs`, atomically.

fields: list of (name, "real"|"integer"|"string", values[, width[, precision]]).
Shapefiles get .prj and .cpg (UTF-8); names longer than 10 characters are an InputError.)doc");
}

}  // namespace phusong::bind
