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
      .def(
          "set_antenna",
          [](Site& s, const std::string& kind, double azimuth_deg, double downtilt_deg) {
            if (kind == "omni") s.antenna.reset();
            else if (kind == "3gpp")
              s.antenna = std::make_shared<radio::AntennaPattern>(radio::AntennaPattern::sector_3gpp({}, azimuth_deg, downtilt_deg));
            else
              s.antenna = std::make_shared<radio::AntennaPattern>(
                  radio::AntennaPattern::from_msi_file(kind, azimuth_deg, downtilt_deg));
          },
          py::arg("kind"), py::arg("azimuth_deg") = 0.0, py::arg("downtilt_deg") = 0.0,
          "Antenna: 'omni', '3gpp' (TR 36.814/38.901 sector) or a .msi/.pln pattern file, with boresight "
          "azimuth and mechanical downtilt.")
      .def_property_readonly("directional", [](const Site& s) { return static_cast<bool>(s.antenna); },
                             "True when the site has a directional antenna pattern.")
      .def("__repr__", [](const Site& s) { return "<Site " + s.id + " " + s.operator_name + ">"; });

  m.def(
      "evaluate_villages",
      [](const terrain::Dem& dem, const std::vector<Village>& villages, const std::vector<Site>& sites,
         const std::string& model, double radius_km, double rx_height_m, double threshold_dbm, double k,
         double spacing_m, int threads, const py::object& progress, const py::object& clutter,
         const std::string& clutter_classes) {
        coverage::CoverageParams p;
        if (!clutter.is_none()) {
          p.clutter = clutter.cast<std::shared_ptr<terrain::Dem>>();
          p.clutter_table = std::make_shared<radio::ClutterTable>(
              clutter_classes == "worldcover" ? radio::ClutterTable::esa_worldcover()
                                              : radio::ClutterTable::read_csv(clutter_classes));
        }
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
        links["line_of_sight"] = to_numpy(std::move(llos)).attr("astype")("bool");  // NOLINT
        links["void_samples"] = to_numpy(std::move(lvoid));
        std::vector<double> lant(nl), lclut(nl);
        for (std::size_t i = 0; i < nl; ++i) {
          lant[i] = r.links[i].antenna_attenuation_db;
          lclut[i] = r.links[i].clutter_loss_db;
        }
        links["antenna_attenuation_db"] = to_numpy(std::move(lant));
        links["clutter_loss_db"] = to_numpy(std::move(lclut));
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
      py::arg("progress") = py::none(), py::arg("clutter") = py::none(), py::arg("clutter_classes") = "worldcover",
      R"doc(Signal at each village from every site within radius_km, over exact terrain profiles.

A directional site (Site.set_antenna) loses its pattern attenuation towards each village; with
`clutter` (a Dem of land-cover class codes) each village's class adds its P.2108 terminal
clutter loss (`clutter_classes`: "worldcover" or a class-table CSV).

Runs multi-threaded with the GIL released; the result does not depend on `threads`.
`progress(done, total)` is called from the calling thread.

Returns:
    dict: links (village, site, distance_km, loss_db, rsrp_dbm, line_of_sight, void_samples
    arrays), best_rsrp_dbm (-inf: no site in range), best_site (-1: none), servers, covered.)doc");

  auto raster_params = [](const std::string& model, double radius_km, double rx_height_m, double k, double cc,
                          double itm_n0, double itm_eps_r, double itm_sigma, int itm_pol, int itm_climate,
                          double itm_time_pct, double itm_location_pct, double itm_situation_pct, int threads,
                          double ray_spacing_m, double ray_gap_m, int itm_dh_anchor_spacing,
                          double itm_dh_rel_tolerance) {
    coverage::RasterParams p;
    p.model = coverage::raster_model_from_string(model);
    p.radius_km = radius_km;
    p.rx_height_m = rx_height_m;
    p.k_factor = k;
    p.curvature_coeff = cc;
    p.itm_n0 = itm_n0;
    p.itm_eps_r = itm_eps_r;
    p.itm_sigma_s_per_m = itm_sigma;
    p.itm_pol = itm_pol;
    p.itm_climate = static_cast<radio::ItmClimate>(itm_climate);
    p.itm_time_pct = itm_time_pct;
    p.itm_location_pct = itm_location_pct;
    p.itm_situation_pct = itm_situation_pct;
    p.threads = threads;
    p.ray_spacing_m = ray_spacing_m;
    p.ray_gap_m = ray_gap_m;
    p.itm_dh_anchor_spacing = itm_dh_anchor_spacing;
    p.itm_dh_rel_tolerance = itm_dh_rel_tolerance;
    return p;
  };
  auto grid_tuple = [](const terrain::Grid& g) { return py::make_tuple(g.origin_x, g.dx, 0.0, g.origin_y, 0.0, g.dy); };
  auto grid2d = [](auto&& vec, const terrain::Grid& g) {
    using T = typename std::decay_t<decltype(vec)>::value_type;
    auto* heap = new std::vector<T>(std::move(vec));
    py::capsule owner(heap, [](void* q) { delete static_cast<std::vector<T>*>(q); });
    return py::array_t<T>({g.rows, g.cols}, {sizeof(T) * g.cols, sizeof(T)}, heap->data(), owner);
  };

  m.def(
      "site_raster",
      [=](const terrain::Dem& dem, const Site& site, const std::string& model, double radius_km, double rx_height_m,
          double k, double curvature_coeff, double itm_n0, double itm_eps_r, double itm_sigma_s_per_m, int itm_pol,
          int itm_climate, double itm_time_pct, double itm_location_pct, double itm_situation_pct, int threads,
          double ray_spacing_m, double ray_gap_m, int itm_dh_anchor_spacing, double itm_dh_rel_tolerance,
          const py::object& progress) {
        const auto p = raster_params(model, radius_km, rx_height_m, k, curvature_coeff, itm_n0, itm_eps_r,
                                     itm_sigma_s_per_m, itm_pol, itm_climate, itm_time_pct, itm_location_pct,
                                     itm_situation_pct, threads, ray_spacing_m, ray_gap_m, itm_dh_anchor_spacing,
                                     itm_dh_rel_tolerance);
        const ProgressFn cb = wrap_progress(progress);
        coverage::SiteRaster r;
        {
          py::gil_scoped_release nogil;
          r = coverage::site_raster(dem, site, p, cb);
        }
        py::dict out;
        out["geotransform"] = grid_tuple(r.grid);
        out["void_cells"] = r.void_cells;
        out["values"] = grid2d(std::move(r.values), r.grid);
        return out;
      },
      py::arg("dem"), py::arg("site"), py::arg("model") = "p526", py::arg("radius_km") = 30.0,
      py::arg("rx_height_m") = 1.5, py::arg("k") = 4.0 / 3.0, py::arg("curvature_coeff") = 0.85714,
      py::arg("itm_n0") = 301.0, py::arg("itm_eps_r") = 15.0, py::arg("itm_sigma_s_per_m") = 0.005,
      py::arg("itm_pol") = 1, py::arg("itm_climate") = 5, py::arg("itm_time_pct") = 50.0,
      py::arg("itm_location_pct") = 50.0, py::arg("itm_situation_pct") = 50.0, py::arg("threads") = 0,
      py::arg("ray_spacing_m") = 0.0, py::arg("ray_gap_m") = 0.0, py::arg("itm_dh_anchor_spacing") = 0,
      py::arg("itm_dh_rel_tolerance") = 0.05,
      py::arg("progress") = py::none(),
      R"doc(Path loss (dB) from one site over the DEM grid within radius_km; model "los" gives 1/0 visibility.

Returns:
    dict: values (rows x cols float32 array, NaN = no value: outside the radius or a DEM void),
    geotransform of that window of the DEM grid, void_cells.)doc");

  m.def(
      "best_server",
      [=](const terrain::Dem& dem, const std::vector<Site>& sites, const std::string& model, double radius_km,
          double rx_height_m, double threshold_dbm, double k, int threads, double ray_spacing_m, double ray_gap_m,
          int itm_dh_anchor_spacing, double itm_dh_rel_tolerance, const py::object& progress) {
        const auto p = raster_params(model, radius_km, rx_height_m, k, 0.85714, 301, 15, 0.005, 1, 5, 50, 50, 50,
                                     threads, ray_spacing_m, ray_gap_m, itm_dh_anchor_spacing, itm_dh_rel_tolerance);
        const ProgressFn cb = wrap_progress(progress);
        coverage::Composite c;
        {
          py::gil_scoped_release nogil;
          c = coverage::best_server(dem, sites, p, threshold_dbm, cb);
        }
        py::dict out;
        out["geotransform"] = grid_tuple(c.grid);
        out["best_rsrp_dbm"] = grid2d(std::move(c.best_rsrp_dbm), c.grid);
        out["server"] = grid2d(std::move(c.server), c.grid);
        out["n_servers"] = grid2d(std::move(c.n_servers), c.grid);
        return out;
      },
      py::arg("dem"), py::arg("sites"), py::arg("model") = "p526", py::arg("radius_km") = 30.0,
      py::arg("rx_height_m") = 1.5, py::arg("threshold_dbm") = -110.0, py::arg("k") = 4.0 / 3.0,
      py::arg("threads") = 0, py::arg("ray_spacing_m") = 0.0, py::arg("ray_gap_m") = 0.0, py::arg("itm_dh_anchor_spacing") = 0,
      py::arg("itm_dh_rel_tolerance") = 0.05, py::arg("progress") = py::none(),
      R"doc(Best-server RSRP composite of many sites over the whole DEM grid (same for any thread count).

Returns:
    dict: best_rsrp_dbm (float32, NaN: no site), server (int32 site index, -1: none),
    n_servers (uint16, sites at or above threshold_dbm), geotransform.)doc");
}

}  // namespace phusong::bind
