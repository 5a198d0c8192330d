// Bindings of the coverage layer (and the shared Village/Site input types).
#include "common.hpp"
#include "phusong/coverage.hpp"

namespace phusong::bind {

void init_coverage(py::module_& m) {
  py::class_<Village>(m, "Village", "A village (bản): centre in WGS84, population, households.")
      .def(py::init<>())
      .def_readwrite("id", &Village::id)
      .def_readwrite("name", &Village::name)
      .def_readwrite("commune", &Village::commune)
      .def_readwrite("district", &Village::district)
      .def_readwrite("lon", &Village::lon)
      .def_readwrite("lat", &Village::lat)
      .def_readwrite("population", &Village::population)
      .def_readwrite("households", &Village::households)
      .def_readwrite("row", &Village::row, "1-based row/feature in the source file")
      .def("__repr__", [](const Village& v) { return "<Village " + v.id + " " + v.name + ">"; });
  py::class_<Site>(m, "Site", "A radio site (existing tower or candidate).")
      .def(py::init<>())
      .def_readwrite("id", &Site::id)
      .def_readwrite("operator", &Site::operator_name)
      .def_readwrite("technologies", &Site::technologies)
      .def_readwrite("lon", &Site::lon)
      .def_readwrite("lat", &Site::lat)
      .def_readwrite("height_m", &Site::height_m)
      .def_readwrite("freq_mhz", &Site::freq_mhz)
      .def_readwrite("eirp_dbm", &Site::eirp_dbm)
      .def_readwrite("bandwidth_mhz", &Site::bandwidth_mhz)
      .def_readwrite("kind", &Site::kind)
      .def_readwrite("row", &Site::row)
      .def("__repr__", [](const Site& s) { return "<Site " + s.id + " " + s.operator_name + ">"; });

  m.def(
      "evaluate_villages",
      [](const terrain::Dem& dem, const std::vector<Village>& villages, const std::vector<Site>& sites,
         const std::string& model, double radius_km, double rx_height_m, double threshold_dbm, double k,
         double spacing_m, int threads, const py::object& progress) {
        coverage::CoverageParams p;
        p.model = radio::path_model_from_string(model);
        p.radius_km = radius_km;
        p.rx_height_m = rx_height_m;
        p.threshold_dbm = threshold_dbm;
        p.k_factor = k;
        p.spacing_m = spacing_m;
        p.threads = threads;
        const ProgressFn cb = wrap_progress(progress);
        coverage::VillageCoverage r;
        {
          py::gil_scoped_release nogil;
          r = coverage::evaluate_villages(dem, villages, sites, p, cb);
        }
        const std::size_t nl = r.links.size();
        std::vector<std::int32_t> lv(nl), ls(nl), lvoid(nl);
        std::vector<double> ld(nl), lloss(nl), lrsrp(nl);
        std::vector<std::uint8_t> llos(nl);
        for (std::size_t i = 0; i < nl; ++i) {
          const auto& l = r.links[i];
          lv[i] = l.village;
          ls[i] = l.site;
          ld[i] = l.distance_km;
          lloss[i] = l.loss_db;
          lrsrp[i] = l.rsrp_dbm;
          llos[i] = l.line_of_sight;
          lvoid[i] = l.void_samples;
        }
        py::dict links;
        links["village"] = to_numpy(std::move(lv));
        links["site"] = to_numpy(std::move(ls));
        links["distance_km"] = to_numpy(std::move(ld));
        links["loss_db"] = to_numpy(std::move(lloss));
        links["rsrp_dbm"] = to_numpy(std::move(lrsrp));
        links["line_of_sight"] = to_numpy(std::move(llos)).attr("astype")("bool");
        links["void_samples"] = to_numpy(std::move(lvoid));
        py::dict out;
        out["links"] = links;
        out["best_rsrp_dbm"] = to_numpy(std::move(r.best_rsrp_dbm));
        out["best_site"] = to_numpy(std::move(r.best_site));
        out["servers"] = to_numpy(std::move(r.servers));
        out["covered"] = to_numpy(std::move(r.covered)).attr("astype")("bool");
        return out;
      },
      py::arg("dem"), py::arg("villages"), py::arg("sites"), py::arg("model") = "p526",
      py::arg("radius_km") = 30.0, py::arg("rx_height_m") = 1.5, py::arg("threshold_dbm") = -110.0,
      py::arg("k") = 4.0 / 3.0, py::arg("spacing_m") = 0.0, py::arg("threads") = 0,
      py::arg("progress") = py::none(),
      R"doc(Signal at each village from every site within radius_km, over exact terrain profiles.

Runs multi-threaded with the GIL released; the result does not depend on `threads`.
`progress(done, total)` is called from the calling thread.

Returns:
    dict: links (village, site, distance_km, loss_db, rsrp_dbm, line_of_sight, void_samples
    arrays), best_rsrp_dbm (-inf: no site in range), best_site (-1: none), servers, covered.)doc");
}

}  // namespace phusong::bind
