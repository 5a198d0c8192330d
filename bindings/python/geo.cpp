// Bindings of the geo layer: CRS and geodesy.
#include "common.hpp"
#include "phusong/geo.hpp"

namespace phusong::bind {

void init_geo(py::module_& m) {
  m.def("crs_wkt", &geo::crs_wkt, py::arg("name"),
        R"doc(WKT2 of a CRS: "WGS84", "UTM48N", "VN2000-TM3-104" (EPSG:9206), "EPSG:n", PROJ or WKT.

Example:
    >>> "VN-2000" in crs_wkt("VN2000-TM3-104")
    True)doc");
  m.def(
      "transform",
      [](Doubles x, Doubles y, const std::string& src, const std::string& dst) {
        auto xs = to_vector(x), ys = to_vector(y);
        {
          py::gil_scoped_release nogil;
          geo::Transformer(src, dst).transform(xs, ys);
        }
        return py::make_tuple(to_numpy(std::move(xs)), to_numpy(std::move(ys)));
      },
      py::arg("x"), py::arg("y"), py::arg("src"), py::arg("dst"),
      R"doc(Transforms coordinates (GIS order: x = lon/easting) from CRS `src` to `dst`.

Returns:
    (x, y) as float64 arrays.)doc");
  m.def(
      "geodesic_distance_m",
      [](double lon1, double lat1, double lon2, double lat2) {
        return geo::geodesic_inverse(lon1, lat1, lon2, lat2).distance_m;
      },
      py::arg("lon1"), py::arg("lat1"), py::arg("lon2"), py::arg("lat2"),
      "Geodesic distance on the WGS84 ellipsoid, in metres.");
}

}  // namespace phusong::bind
