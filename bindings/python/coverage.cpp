// Bindings of the coverage layer (and the shared Village/Site input types).
#include "common.hpp"
#include "phusong/coverage.hpp"
#include "phusong/error.hpp"

namespace phusong::bind {

namespace {

// The results as classes holding NumPy arrays (moved in, never copied), read by attribute or,
// as the former dicts were, by name.
struct Links {
  py::object village, site, distance_km, loss_db, rsrp_dbm, line_of_sight, void_samples, antenna_attenuation_db,
      clutter_loss_db;
};
struct VillageCoverageResult {
  py::object links, best_rsrp_dbm, best_site, servers, covered;
};
struct SiteRasterResult {
  py::object values, geotransform;
  std::int64_t void_cells = 0;
};
struct CompositeResult {
  py::object best_rsrp_dbm, server, n_servers, geotransform;
  py::object sinr_db = py::none(), throughput_mbps = py::none();
};

// pol: "vertical"/"horizontal" (or the former itm_pol integers 1/0).
radio::Polarization polarization_from(const py::object& v) {
  if (py::isinstance<py::str>(v)) {
    const auto s = v.cast<std::string>();
    if (s == "vertical" || s == "v") return radio::Polarization::vertical;
    if (s == "horizontal" || s == "h") return radio::Polarization::horizontal;
    throw InputError("pol: unknown polarisation '" + s + "' (known: vertical, horizontal)");
  }
  if (py::isinstance<py::int_>(v)) {
    const int i = v.cast<int>();
    if (i == 1) return radio::Polarization::vertical;
    if (i == 0) return radio::Polarization::horizontal;
    throw InputError("pol: " + std::to_string(i) + " is not a polarisation (1 vertical, 0 horizontal)");
  }
  throw InputError("pol: expected 'vertical' or 'horizontal', got " + std::string(py::repr(v)));
}

// The radio::PropagationParams fields, shared by CoverageParams and RasterParams.
template <class T>
void propagation_fields(ParamsClass<T>& c) {
  c.property(
       "pol", [](const T& p) { return std::string(p.pol == radio::Polarization::vertical ? "vertical" : "horizontal"); },
       [](T& p, const py::object& v) { p.pol = polarization_from(v); },
       "Polarisation: 'vertical' or 'horizontal' (p526 smooth-earth term, P.1812, ITM).")
      .field("time_pct", &T::time_pct, "P.1812 time percentage p (1-50); ITM time variability (0-100).")
      .field("location_pct", &T::location_pct, "P.1812 location percentage pL (1-99); ITM location variability.")
      .field("situation_pct", &T::situation_pct, "ITM situation variability (0-100).")
      .field("delta_n", &T::delta_n, "P.1812 ΔN, average refractivity lapse rate (N-units/km).")
      .field("n0", &T::n0, "P.1812 N0, sea-level surface refractivity (N-units).")
      .field("itm_n0", &T::itm_n0, "ITM surface refractivity (N-units).")
      .field("eps_r", &T::eps_r, "ITM ground relative permittivity.")
      .field("sigma_s_per_m", &T::sigma_s_per_m, "ITM ground conductivity (S/m).")
      .property(
          "climate", [](const T& p) { return static_cast<int>(p.climate); },
          [](T& p, int v) {
            if (v < 1 || v > 7) throw InputError("climate must be 1..7 (NTIA radio climate), got " + std::to_string(v));
            p.climate = static_cast<radio::ItmClimate>(v);
          },
          "ITM radio climate, NTIA numbering 1..7 (5 continental temperate).");
}

void bind_params(py::module_& m) {
  ParamsClass<coverage::CoverageParams> cov(
      m, "CoverageParams",
      "Parameters of evaluate_villages (coverage::CoverageParams); the defaults are the C++ header's.");
  cov.property(
         "model", [](const coverage::CoverageParams& p) { return radio::to_string(p.model); },
         [](coverage::CoverageParams& p, const std::string& v) { p.model = radio::path_model_from_string(v); },
         "Path-loss model: a name of models() that serves villages.")
      .field("radius_km", &coverage::CoverageParams::radius_km, "Sites farther than this from a village are not evaluated.")
      .field("rx_height_m", &coverage::CoverageParams::rx_height_m, "Receiver height above ground at the village.")
      .field("k_factor", &coverage::CoverageParams::k_factor, "Effective earth radius factor.")
      .field("spacing_m", &coverage::CoverageParams::spacing_m, "Profile sample spacing; 0 = the DEM cell size.")
      .field("threshold_dbm", &coverage::CoverageParams::threshold_dbm, "RSRP at or above which a village is covered.")
      .field("rx_gain_dbi", &coverage::CoverageParams::rx_gain_dbi, "Receiver antenna gain.")
      .field("threads", &coverage::CoverageParams::threads, "0 = all cores; the result does not depend on it.");
  propagation_fields(cov);
  cov.alias("k", "k_factor").finish();

  ParamsClass<coverage::RasterParams> ras(
      m, "RasterParams",
      "Parameters of site_raster and best_server (coverage::RasterParams); the defaults are the C++ header's.");
  ras.property(
         "model", [](const coverage::RasterParams& p) { return coverage::to_string(p.model); },
         [](coverage::RasterParams& p, const std::string& v) { p.model = coverage::raster_model_from_string(v); },
         "Raster model: a name of models() that serves rasters (los, p526, p1812, itm).")
      .field("radius_km", &coverage::RasterParams::radius_km, "Radius of the raster around the site.")
      .field("rx_height_m", &coverage::RasterParams::rx_height_m, "Receiver height above ground.")
      .field("k_factor", &coverage::RasterParams::k_factor, "Effective earth radius factor (radio models).")
      .field("curvature_coeff", &coverage::RasterParams::curvature_coeff, "LOS: gdal_viewshed's -cc.");
  propagation_fields(ras);
  ras.field("itm_dh_anchor_spacing", &coverage::RasterParams::itm_dh_anchor_spacing,
            "ITM: 0 exact; m > 0 computes Delta h every m samples (faster).")
      .field("itm_dh_rel_tolerance", &coverage::RasterParams::itm_dh_rel_tolerance,
             "ITM with anchors: exact Delta h where the anchors' values differ by more than this fraction.")
      .field("ray_spacing_m", &coverage::RasterParams::ray_spacing_m, "Sample spacing along rays; 0 = the cell size.")
      .field("ray_gap_m", &coverage::RasterParams::ray_gap_m, "Largest gap between rays; 0 = ray_spacing_m.")
      .field("threads", &coverage::RasterParams::threads, "0 = all cores; the result does not depend on it.")
      .field("sinr", &coverage::RasterParams::sinr, "best_server: also the downlink SINR and peak rate per cell.")
      .field("sinr_load", &coverage::RasterParams::sinr_load, "Activity of the interfering cells (0..1).")
      .field("ue_noise_figure_db", &coverage::RasterParams::ue_noise_figure_db, "UE noise figure (SINR).")
      .field("mimo_layers", &coverage::RasterParams::mimo_layers, "MIMO layers of the peak rate.")
      .field("overhead", &coverage::RasterParams::overhead, "Share of the resources for control and reference signals.")
      .alias("k", "k_factor")
      .alias("itm_eps_r", "eps_r")
      .alias("itm_sigma_s_per_m", "sigma_s_per_m")
      .alias("itm_pol", "pol")
      .alias("itm_climate", "climate")
      .alias("itm_time_pct", "time_pct")
      .alias("itm_location_pct", "location_pct")
      .alias("itm_situation_pct", "situation_pct")
      .finish();
}

void bind_results(py::module_& m) {
  py::class_<Links> links(m, "Links", "The evaluated village-site paths, one NumPy array per field (same length).");
  links.def_readonly("village", &Links::village)
      .def_readonly("site", &Links::site)
      .def_readonly("distance_km", &Links::distance_km)
      .def_readonly("loss_db", &Links::loss_db)
      .def_readonly("rsrp_dbm", &Links::rsrp_dbm)
      .def_readonly("line_of_sight", &Links::line_of_sight)
      .def_readonly("void_samples", &Links::void_samples)
      .def_readonly("antenna_attenuation_db", &Links::antenna_attenuation_db)
      .def_readonly("clutter_loss_db", &Links::clutter_loss_db);
  add_mapping(links, {"village", "site", "distance_km", "loss_db", "rsrp_dbm", "line_of_sight", "void_samples",
                      "antenna_attenuation_db", "clutter_loss_db"});
  py::class_<VillageCoverageResult> vc(m, "VillageCoverage", "The result of evaluate_villages.");
  vc.def_readonly("links", &VillageCoverageResult::links)
      .def_readonly("best_rsrp_dbm", &VillageCoverageResult::best_rsrp_dbm)
      .def_readonly("best_site", &VillageCoverageResult::best_site)
      .def_readonly("servers", &VillageCoverageResult::servers)
      .def_readonly("covered", &VillageCoverageResult::covered);
  add_mapping(vc, {"links", "best_rsrp_dbm", "best_site", "servers", "covered"});
  py::class_<SiteRasterResult> sr(m, "SiteRaster", "The result of site_raster.");
  sr.def_readonly("values", &SiteRasterResult::values)
      .def_readonly("geotransform", &SiteRasterResult::geotransform)
      .def_readonly("void_cells", &SiteRasterResult::void_cells);
  add_mapping(sr, {"values", "geotransform", "void_cells"});
  py::class_<CompositeResult> cr(m, "Composite", "The result of best_server.");
  cr.def_readonly("best_rsrp_dbm", &CompositeResult::best_rsrp_dbm)
      .def_readonly("server", &CompositeResult::server)
      .def_readonly("n_servers", &CompositeResult::n_servers)
      .def_readonly("geotransform", &CompositeResult::geotransform)
      .def_readonly("sinr_db", &CompositeResult::sinr_db, "Downlink SINR (dB) with sinr=True, else None.")
      .def_readonly("throughput_mbps", &CompositeResult::throughput_mbps, "Peak rate (Mbps) with sinr=True, else None.");
  add_mapping(cr, {"best_rsrp_dbm", "server", "n_servers", "geotransform", "sinr_db", "throughput_mbps"});
}

// Pickling of sites (for process pools and Dask workers): every field, and the antenna pattern by
// value (its kind and parameters, or the whole table of a pattern file), rebuilt exactly.
py::object antenna_state(const Site& s) {
  if (!s.antenna) return py::none();
  const auto& a = *s.antenna;
  if (const auto* o = std::get_if<radio::OmniAntenna>(&a.kind))
    return py::make_tuple("omni", o->gain_dbi, a.azimuth_deg, a.mechanical_downtilt_deg);
  if (const auto* g = std::get_if<radio::Sector3gppAntenna>(&a.kind))
    return py::make_tuple("3gpp",
                          py::make_tuple(g->max_gain_dbi, g->h_beamwidth_deg, g->v_beamwidth_deg, g->max_attenuation_db,
                                         g->v_side_lobe_level_db, g->electrical_downtilt_deg),
                          a.azimuth_deg, a.mechanical_downtilt_deg);
  const auto& t = *std::get<radio::AntennaPattern::Table>(a.kind).table;
  auto cut = [](const std::vector<radio::PatternCutPoint>& c) {
    py::list l;
    for (const auto& p : c) l.append(py::make_tuple(p.angle_deg, p.attenuation_db));
    return l;
  };
  py::list extra;
  for (const auto& e : t.extra) extra.append(py::make_tuple(e.first, e.second));
  return py::make_tuple("table",
                        py::make_tuple(t.name, t.make, t.comment, t.polarization, t.tilt, t.frequency_mhz,
                                       t.h_beamwidth_deg, t.v_beamwidth_deg, t.front_to_back_db, t.electrical_tilt_deg,
                                       t.gain_dbi, cut(t.horizontal), cut(t.vertical), extra),
                        a.azimuth_deg, a.mechanical_downtilt_deg);
}

std::shared_ptr<const radio::AntennaPattern> antenna_from_state(const py::object& state) {
  if (state.is_none()) return nullptr;
  const auto t = state.cast<py::tuple>();
  const auto kind = t[0].cast<std::string>();
  const double az = t[2].cast<double>(), tilt = t[3].cast<double>();
  if (kind == "omni") {
    auto a = radio::AntennaPattern::omni(t[1].cast<double>());
    a.azimuth_deg = az;
    a.mechanical_downtilt_deg = tilt;
    return std::make_shared<radio::AntennaPattern>(a);
  }
  if (kind == "3gpp") {
    const auto v = t[1].cast<std::vector<double>>();
    radio::Sector3gppAntenna g{v.at(0), v.at(1), v.at(2), v.at(3), v.at(4), v.at(5)};
    return std::make_shared<radio::AntennaPattern>(radio::AntennaPattern::sector_3gpp(g, az, tilt));
  }
  if (kind != "table") throw py::value_error("Site state: unknown antenna kind '" + kind + "'");
  const auto f = t[1].cast<py::tuple>();
  auto table = std::make_shared<radio::AntennaPatternTable>();
  table->name = f[0].cast<std::string>();
  table->make = f[1].cast<std::string>();
  table->comment = f[2].cast<std::string>();
  table->polarization = f[3].cast<std::string>();
  table->tilt = f[4].cast<std::string>();
  table->frequency_mhz = f[5].cast<double>();
  table->h_beamwidth_deg = f[6].cast<double>();
  table->v_beamwidth_deg = f[7].cast<double>();
  table->front_to_back_db = f[8].cast<double>();
  table->electrical_tilt_deg = f[9].cast<double>();
  table->gain_dbi = f[10].cast<double>();
  for (auto [k, out] : {std::pair{11, &table->horizontal}, std::pair{12, &table->vertical}})
    for (const auto& pt : f[k].cast<std::vector<std::pair<double, double>>>()) out->push_back({pt.first, pt.second});
  table->extra = f[13].cast<std::vector<std::pair<std::string, std::string>>>();
  return std::make_shared<radio::AntennaPattern>(radio::AntennaPattern::table(std::move(table), az, tilt));
}

}  // namespace

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
      .def_readwrite("radius_m", &Village::radius_m,
                     "spread of the households: radius (m) of their disc, from the optional field radius_m; NaN if not given")
      .def_readwrite("row", &Village::row, "1-based row/feature in the source file")
      .def(py::pickle(
          [](const Village& v) {
            return py::make_tuple(v.id, v.name, v.commune, v.district, v.lon, v.lat, v.population, v.households, v.row,
                                  v.radius_m);
          },
          [](const py::tuple& t) {
            if (t.size() != 10) throw py::value_error("Village state: expected 10 fields");
            Village v;
            v.id = t[0].cast<std::string>();
            v.name = t[1].cast<std::string>();
            v.commune = t[2].cast<std::string>();
            v.district = t[3].cast<std::string>();
            v.lon = t[4].cast<double>();
            v.lat = t[5].cast<double>();
            v.population = t[6].cast<double>();
            v.households = t[7].cast<double>();
            v.row = t[8].cast<int>();
            v.radius_m = t[9].cast<double>();
            return v;
          }))
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
      .def(py::pickle(
          [](const Site& s) {
            return py::make_tuple(s.id, s.operator_name, s.technologies, s.lon, s.lat, s.height_m, s.freq_mhz,
                                  s.eirp_dbm, s.bandwidth_mhz, s.kind, s.row, antenna_state(s));
          },
          [](const py::tuple& t) {
            if (t.size() != 12) throw py::value_error("Site state: expected 12 fields");
            Site s;
            s.id = t[0].cast<std::string>();
            s.operator_name = t[1].cast<std::string>();
            s.technologies = t[2].cast<std::string>();
            s.lon = t[3].cast<double>();
            s.lat = t[4].cast<double>();
            s.height_m = t[5].cast<double>();
            s.freq_mhz = t[6].cast<double>();
            s.eirp_dbm = t[7].cast<double>();
            s.bandwidth_mhz = t[8].cast<double>();
            s.kind = t[9].cast<std::string>();
            s.row = t[10].cast<int>();
            s.antenna = antenna_from_state(t[11]);
            return s;
          }))
      .def("__repr__", [](const Site& s) { return "<Site " + s.id + " " + s.operator_name + ">"; });

  bind_params(m);
  bind_results(m);

  m.def(
      "evaluate_villages",
      [](const terrain::Dem& dem, const std::vector<Village>& villages, const std::vector<Site>& sites,
         const py::object& params, const py::object& progress, const py::object& clutter,
         const std::string& clutter_classes, const py::kwargs& kw) {
        coverage::CoverageParams p = build_params<coverage::CoverageParams>(params, kw);
        if (!clutter.is_none()) {
          p.clutter = clutter.cast<std::shared_ptr<terrain::Dem>>();
          p.clutter_table = std::make_shared<radio::ClutterTable>(
              clutter_classes == "worldcover" ? radio::ClutterTable::esa_worldcover()
                                              : radio::ClutterTable::read_csv(clutter_classes));
        }
        const ProgressFn cb = wrap_progress(progress);
        coverage::VillageCoverage r;
        {
          py::gil_scoped_release nogil;
          r = coverage::evaluate_villages(dem, villages, sites, p, cb);
        }
        const std::size_t nl = r.links.size();
        std::vector<std::int32_t> lv(nl), ls(nl), lvoid(nl);
        std::vector<double> ld(nl), lloss(nl), lrsrp(nl), lant(nl), lclut(nl);
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
          lant[i] = l.antenna_attenuation_db;
          lclut[i] = l.clutter_loss_db;
        }
        Links links;
        links.village = to_numpy(std::move(lv));
        links.site = to_numpy(std::move(ls));
        links.distance_km = to_numpy(std::move(ld));
        links.loss_db = to_numpy(std::move(lloss));
        links.rsrp_dbm = to_numpy(std::move(lrsrp));
        links.line_of_sight = to_numpy(std::move(llos)).attr("astype")("bool");
        links.void_samples = to_numpy(std::move(lvoid));
        links.antenna_attenuation_db = to_numpy(std::move(lant));
        links.clutter_loss_db = to_numpy(std::move(lclut));
        VillageCoverageResult out;
        out.links = py::cast(std::move(links));
        out.best_rsrp_dbm = to_numpy(std::move(r.best_rsrp_dbm));
        out.best_site = to_numpy(std::move(r.best_site));
        out.servers = to_numpy(std::move(r.servers));
        out.covered = to_numpy(std::move(r.covered)).attr("astype")("bool");
        return out;
      },
      py::arg("dem"), py::arg("villages"), py::arg("sites"), py::arg("params") = py::none(),
      py::arg("progress") = py::none(), py::arg("clutter") = py::none(), py::arg("clutter_classes") = "worldcover",
      R"doc(Signal at each village from every site within radius_km, over exact terrain profiles.

Parameters: `params` (a CoverageParams) and/or its fields as keywords (model, radius_km,
rx_height_m, threshold_dbm, k_factor (or k), spacing_m, threads, pol, time_pct, ...); the
defaults are CoverageParams()'s. A directional site (Site.set_antenna) loses its pattern
attenuation towards each village; with `clutter` (a Dem of land-cover class codes) each
village's class adds its P.2108 terminal clutter loss (`clutter_classes`: "worldcover" or a
class-table CSV).

Runs multi-threaded with the GIL released; the result does not depend on `threads`.
`progress(done, total)` is called from the calling thread.

Returns:
    VillageCoverage: links (a Links of arrays: village, site, distance_km, loss_db, rsrp_dbm,
    line_of_sight, void_samples, antenna_attenuation_db, clutter_loss_db), best_rsrp_dbm (-inf:
    no site in range), best_site (-1: none), servers, covered; also readable as r["links"].)doc");

  auto grid2d = [](auto&& vec, const terrain::Grid& g) {
    using T = typename std::decay_t<decltype(vec)>::value_type;
    auto* heap = new std::vector<T>(std::move(vec));
    py::capsule owner(heap, [](void* q) { delete static_cast<std::vector<T>*>(q); });
    return py::array_t<T>({g.rows, g.cols}, {sizeof(T) * g.cols, sizeof(T)}, heap->data(), owner);
  };

  m.def(
      "site_raster",
      [=](const terrain::Dem& dem, const Site& site, const py::object& params, const py::object& progress,
          const py::kwargs& kw) {
        const auto p = build_params<coverage::RasterParams>(params, kw);
        const ProgressFn cb = wrap_progress(progress);
        coverage::SiteRaster r;
        {
          py::gil_scoped_release nogil;
          r = coverage::site_raster(dem, site, p, cb);
        }
        SiteRasterResult out;
        out.geotransform = grid_tuple(r.grid);
        out.void_cells = r.void_cells;
        out.values = grid2d(std::move(r.values), r.grid);
        return out;
      },
      py::arg("dem"), py::arg("site"), py::arg("params") = py::none(), py::arg("progress") = py::none(),
      R"doc(Path loss (dB) from one site over the DEM grid within radius_km; model "los" gives 1/0 visibility.

Parameters: `params` (a RasterParams) and/or its fields as keywords (model, radius_km,
rx_height_m, k_factor (or k), pol, time_pct, location_pct, situation_pct, delta_n, n0, itm_n0,
eps_r, sigma_s_per_m, climate, ray_spacing_m, ...; the former itm_* names are accepted); the
defaults are RasterParams()'s.

Returns:
    SiteRaster: values (rows x cols float32 array, NaN = no value: outside the radius or a DEM
    void), geotransform of that window of the DEM grid, void_cells; also readable as r["values"].)doc");

  m.def(
      "best_server",
      [=](const terrain::Dem& dem, const std::vector<Site>& sites, double threshold_dbm, const py::object& params,
          const py::object& progress, const py::object& window, const py::kwargs& kw) {
        const auto p = build_params<coverage::RasterParams>(params, kw);
        const ProgressFn cb = wrap_progress(progress);
        const terrain::CellWindow w = window.is_none() ? terrain::CellWindow{} : cell_window(window);
        coverage::Composite c;
        {
          py::gil_scoped_release nogil;
          c = coverage::best_server(dem, sites, p, threshold_dbm, cb, w);
        }
        CompositeResult out;
        out.geotransform = grid_tuple(c.grid);
        out.best_rsrp_dbm = grid2d(std::move(c.best_rsrp_dbm), c.grid);
        out.server = grid2d(std::move(c.server), c.grid);
        out.n_servers = grid2d(std::move(c.n_servers), c.grid);
        if (!c.sinr_db.empty()) {
          out.sinr_db = grid2d(std::move(c.sinr_db), c.grid);
          out.throughput_mbps = grid2d(std::move(c.throughput_mbps), c.grid);
        }
        return out;
      },
      py::arg("dem"), py::arg("sites"), py::arg("threshold_dbm") = coverage::kDefaultThresholdDbm,
      py::arg("params") = py::none(), py::arg("progress") = py::none(), py::arg("window") = py::none(),
      R"doc(Best-server RSRP composite of many sites over the DEM grid (same for any thread count).

Parameters: as site_raster (`params` a RasterParams and/or its fields as keywords); `window`
(col_off, row_off, cols, rows) of the DEM's grid: the composite covers only those cells (default:
the DEM's loaded cells, the whole grid unless the DEM is windowed). Tiles of a composite, each
computed with the sites that reach it, equal the whole composite cell for cell.

Returns:
    Composite: best_rsrp_dbm (float32, NaN: no site), server (int32 site index, -1: none),
    n_servers (uint16, sites at or above threshold_dbm), geotransform; with sinr=True also sinr_db
    and throughput_mbps (float32; interference from the other sites on the same frequency); also
    readable as r["server"].)doc");
}

}  // namespace phusong::bind
