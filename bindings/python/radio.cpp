// Bindings of the radio layer: path loss models, link budget and service math (SINR to
// spectral efficiency, CQI, noise, margin).
#include <cmath>
#include <cstdint>
#include <optional>

#include "common.hpp"
#include "phusong/error.hpp"
#include "phusong/radio.hpp"
#include "phusong/radio/service.hpp"

namespace phusong::bind {

namespace {
InputError radio_error(const std::string& what) { return InputError("link: " + what); }

/// An uninitialised C-contiguous array of T with the shape of `a` (0-d for a scalar).
template <class T>
py::array_t<T> array_like(const Doubles& a) {
  return py::array_t<T>(std::vector<py::ssize_t>(a.shape(), a.shape() + a.ndim()));
}

/// The service functions over arrays, with the GIL released.
void init_service(py::module_& m) {
  m.def(
      "attenuated_shannon",
      [](const Doubles& sinr_db, const std::string& direction, std::optional<double> alpha,
         std::optional<double> sinr_min_db, std::optional<double> thr_max_bps_hz) {
        radio::ShannonParams p = radio::shannon_params(radio::link_direction_from_string(direction));
        if (alpha) p.alpha = *alpha;
        if (sinr_min_db) p.sinr_min_db = *sinr_min_db;
        if (thr_max_bps_hz) p.thr_max_bps_hz = *thr_max_bps_hz;
        radio::attenuated_shannon_bps_hz(0.0, p);  // checks the parameters once, before the loop
        auto out = array_like<double>(sinr_db);
        const double* in = sinr_db.data();
        double* o = out.mutable_data();
        const py::ssize_t n = sinr_db.size();
        {
          py::gil_scoped_release nogil;
          for (py::ssize_t i = 0; i < n; ++i) o[i] = radio::attenuated_shannon_bps_hz(in[i], p);
        }
        return out;
      },
      py::arg("sinr_db"), py::arg("direction") = "downlink", py::arg("alpha") = py::none(),
      py::arg("sinr_min_db") = py::none(), py::arg("thr_max_bps_hz") = py::none(),
      R"doc(Spectral efficiency (bps/Hz) of the attenuated and truncated Shannon bound (3GPP TR 36.942
Annex A): 0 below SINR_MIN, alpha * log2(1 + SINR) from it, at most Thr_MAX.

Args:
    sinr_db: SINR values (any shape; -inf allowed, NaN gives NaN).
    direction: "downlink" (alpha 0.6, SINR_MIN -10 dB, Thr_MAX 4.4 bps/Hz) or "uplink"
        (alpha 0.4, SINR_MIN -10 dB, Thr_MAX 2.0 bps/Hz), the TR's baselines.
    alpha, sinr_min_db, thr_max_bps_hz: override the direction's values.

Returns:
    numpy.ndarray of float64 with the shape of sinr_db.)doc");

  m.def(
      "cqi_table",
      [](const std::string& name) {
        const auto e = radio::cqi_table_efficiencies(radio::cqi_table_from_string(name));
        return std::vector<double>(e.begin(), e.end());
      },
      py::arg("name"),
      R"doc(The 16 spectral efficiencies (bps/Hz, as printed) of a 4-bit CQI table, index = CQI, index 0
(out of range) = 0.

name: "36.213-7.2.3-1" (= "38.214-5.2.2.1-2", up to 64QAM), "36.213-7.2.3-2"
(= "38.214-5.2.2.1-3", up to 256QAM) or "38.214-5.2.2.1-4" (up to 64QAM, low spectral
efficiency); InputError listing the known names for another.)doc");

  m.def(
      "cqi_efficiency",
      [](const Doubles& sinr_db, const std::string& table, double gap_db) {
        const radio::CqiTable t = radio::cqi_table_from_string(table);
        radio::cqi_spectral_efficiency(t, 0.0, gap_db);  // checks gap_db once
        auto out = array_like<double>(sinr_db);
        const double* in = sinr_db.data();
        double* o = out.mutable_data();
        const py::ssize_t n = sinr_db.size();
        {
          py::gil_scoped_release nogil;
          for (py::ssize_t i = 0; i < n; ++i) o[i] = radio::cqi_spectral_efficiency(t, in[i], gap_db);
        }
        return out;
      },
      py::arg("sinr_db"), py::arg("table"), py::arg("gap_db") = 0.0,
      R"doc(Spectral efficiency (bps/Hz) of the CQI selected at each SINR (see cqi_index): the table's
efficiency of the highest CQI within log2(1 + SINR / 10^(gap_db/10)); 0 below CQI 1; NaN for
a NaN SINR. A float64 array of the shape of sinr_db.)doc");

  m.def(
      "cqi_index",
      [](const Doubles& sinr_db, const std::string& table, double gap_db) {
        const radio::CqiTable t = radio::cqi_table_from_string(table);
        radio::cqi_from_sinr(t, 0.0, gap_db);  // checks gap_db once
        auto out = array_like<std::int32_t>(sinr_db);
        const double* in = sinr_db.data();
        std::int32_t* o = out.mutable_data();
        const py::ssize_t n = sinr_db.size();
        py::ssize_t bad = -1;
        {
          py::gil_scoped_release nogil;
          for (py::ssize_t i = 0; i < n; ++i) {
            if (std::isnan(in[i])) {
              bad = i;
              break;
            }
            o[i] = radio::cqi_from_sinr(t, in[i], gap_db);
          }
        }
        if (bad >= 0)
          throw InputError("cqi_index: sinr_db has NaN at flat index " + std::to_string(bad) +
                           " (a CQI index cannot be NaN; mask it first)");
        return out;
      },
      py::arg("sinr_db"), py::arg("table"), py::arg("gap_db") = 0.0,
      R"doc(The CQI selected at each SINR by the Shannon-gap rule: the highest CQI of the table whose
efficiency is at most log2(1 + SINR_linear / 10^(gap_db/10)), 0 (out of range) if none.

Args:
    sinr_db: SINR values (any shape; -inf allowed; NaN is an InputError).
    table: a name of cqi_table().
    gap_db: the Shannon gap (>= 0): 0 selects against the Shannon bound itself, a few dB
        models coding and implementation losses.

Returns:
    numpy.ndarray of int32 (0..15) with the shape of sinr_db.)doc");

  m.def("thermal_noise_dbm", &radio::thermal_noise_dbm, py::arg("bandwidth_hz"), py::arg("noise_figure_db"),
        py::arg("temperature_k") = radio::kReferenceTemperatureK,
        "Thermal noise power (dBm) in a bandwidth: 10 log10(k T B) + 30 + NF (-173.975 dBm/Hz at 290 K).");
  m.def("location_margin_db", &radio::location_margin_db, py::arg("sigma_db"), py::arg("probability"),
        R"doc(Log-normal shadowing margin (dB) for a location probability p in (0, 1):
sigma * Phi^-1(p) (p 0.9 -> 1.2816 sigma, p 0.95 -> 1.6449 sigma).)doc");
  m.def(
      "building_entry_loss_db",
      [](double freq_mhz, double prob_pct, const std::string& building, double elevation_deg) {
        radio::BuildingType b;
        if (building == "traditional") b = radio::BuildingType::traditional;
        else if (building == "thermally_efficient") b = radio::BuildingType::thermally_efficient;
        else throw InputError("building '" + building + "' (known: traditional, thermally_efficient)");
        return radio::p2109_building_entry_loss_db(freq_mhz, prob_pct, b, elevation_deg);
      },
      py::arg("freq_mhz"), py::arg("prob_pct") = 50.0, py::arg("building") = "traditional",
      py::arg("elevation_deg") = 0.0,
      "ITU-R P.2109 building entry loss (dB) not exceeded with probability prob_pct, for a traditional or "
      "thermally efficient building, at the elevation angle at the facade.");
}
}  // namespace

void init_radio(py::module_& m) {
  const radio::PathInput d;  // the defaults of path_loss_db() and link(): the header's
  m.def(
      "models",
      []() {
        py::list out;
        for (const auto& mi : radio::models()) {
          py::dict d;
          d["name"] = mi.name;
          d["link"] = mi.link;
          d["villages"] = mi.villages;
          d["raster"] = mi.raster;
          d["freq_mhz"] = py::make_tuple(mi.freq_mhz.lo, mi.freq_mhz.hi);
          d["description"] = mi.description;
          out.append(d);
        }
        return out;
      },
      R"doc(The propagation models the engine knows (radio::models()), in order: one dict per model with
name, link (phusong link), villages (evaluate_villages, scenarios), raster (site_raster,
best_server, phusong coverage), freq_mhz (lo, hi) validity range and description.)doc");
  m.def("free_space_loss_db", &radio::free_space_loss_db, py::arg("distance_km"), py::arg("freq_mhz"),
        "Free-space basic transmission loss (ITU-R P.525), dB.");
  m.def("rsrp_dbm", &radio::rsrp_dbm, py::arg("eirp_dbm"), py::arg("loss_db"), py::arg("bandwidth_mhz"),
        py::arg("rx_gain_dbi") = 0.0, "LTE/NR RSRP: EIRP - loss + Gr - 10 log10(12 N_RB).");
  m.def(
      "path_loss_db",
      [](Doubles distance_m, Doubles terrain_m, double freq_mhz, double tx_height_m, double rx_height_m,
         const std::string& model, double k) {
        radio::PathInput in;
        in.freq_mhz = freq_mhz;
        in.tx_height_m = tx_height_m;
        in.rx_height_m = rx_height_m;
        in.k_factor = k;
        in.model = radio::path_model_from_string(model);
        auto d = to_vector(distance_m), h = to_vector(terrain_m);
        radio::PathLoss r;
        {
          py::gil_scoped_release nogil;
          r = radio::path_loss(d, h, in);
        }
        py::dict out;
        out["loss_db"] = r.loss_db;
        out["free_space_db"] = r.free_space_db;
        out["diffraction_db"] = r.diffraction_db;
        out["line_of_sight"] = r.line_of_sight;
        return out;
      },
      py::arg("distance_m"), py::arg("terrain_m"), py::arg("freq_mhz"), py::arg("tx_height_m"),
      py::arg("rx_height_m"), py::arg("model") = "p526", py::arg("k") = d.k_factor,
      R"doc(Path loss over a terrain profile (distances from the transmitter, heights AMSL).

model: "fspl" or "p526" (free space + ITU-R P.526 delta-Bullington diffraction).)doc");
  m.def(
      "delta_bullington",
      [](Doubles d_km, Doubles h_m, double hts_m_amsl, double hrs_m_amsl, double freq_mhz, double ae_km,
         bool vertical) {
        auto d = to_vector(d_km), h = to_vector(h_m);
        radio::DeltaBullingtonResult r;
        {
          py::gil_scoped_release nogil;
          r = radio::delta_bullington(d, h, hts_m_amsl, hrs_m_amsl, freq_mhz, ae_km,
                                      vertical ? radio::Polarization::vertical : radio::Polarization::horizontal);
        }
        py::dict o;
        o["lba_db"] = r.lba_db;
        o["lbs_db"] = r.lbs_db;
        o["lsph_db"] = r.lsph_db;
        o["ld_db"] = r.ld_db;
        o["hts_smooth_m"] = r.hts_smooth_m;
        o["hrs_smooth_m"] = r.hrs_smooth_m;
        o["line_of_sight"] = r.line_of_sight;
        return o;
      },
      py::arg("d_km"), py::arg("h_m"), py::arg("hts_m_amsl"), py::arg("hrs_m_amsl"), py::arg("freq_mhz"),
      py::arg("ae_km") = 8495.0, py::arg("vertical") = true,
      "ITU-R P.526 delta-Bullington diffraction loss and its intermediate values (dB).");

  m.def(
      "link",
      [](Doubles d_km, Doubles h_m, const std::string& model, double freq_mhz, double tx_height_m, double rx_height_m,
         const py::object& clutter_m, const py::object& zone, double k, bool vertical, double time_pct,
         double location_pct, double situation_pct, double delta_n, double n0, double lat_deg, double itm_n0,
         double eps_r, double sigma_s_per_m, int climate, const std::string& environment, bool allow_extrapolation) {
        radio::PathInput in;
        in.model = radio::path_model_from_string(model);
        in.freq_mhz = freq_mhz;
        in.tx_height_m = tx_height_m;
        in.rx_height_m = rx_height_m;
        in.k_factor = k;
        in.pol = vertical ? radio::Polarization::vertical : radio::Polarization::horizontal;
        in.time_pct = time_pct;
        in.location_pct = location_pct;
        in.situation_pct = situation_pct;
        in.delta_n = delta_n;
        in.n0 = n0;
        in.lat_deg = lat_deg;
        in.itm_n0 = itm_n0;
        in.eps_r = eps_r;
        in.sigma_s_per_m = sigma_s_per_m;
        if (climate < 1 || climate > 7) throw radio_error("climate must be 1..7, got " + std::to_string(climate));
        in.climate = static_cast<radio::ItmClimate>(climate);
        in.environment = radio::hata_environment_from_string(environment);
        in.allow_extrapolation = allow_extrapolation;
        auto d = to_vector(d_km), h = to_vector(h_m);
        std::vector<double> c;
        std::vector<int> z;
        if (!clutter_m.is_none()) c = to_vector(clutter_m.cast<Doubles>());
        if (!zone.is_none()) z = zone.cast<std::vector<int>>();
        radio::LinkReport r;
        {
          py::gil_scoped_release nogil;
          r = radio::link_report(d, h, c, z, in);
        }
        py::dict values;
        for (const auto& kv : r.values) values[py::str(kv.first)] = kv.second;
        py::dict out;
        out["model"] = r.model;
        out["loss_db"] = r.loss_db;
        out["mode"] = r.mode;
        out["warnings"] = r.warnings;
        out["values"] = values;
        return out;
      },
      py::arg("d_km"), py::arg("h_m"), py::arg("model"), py::arg("freq_mhz"), py::arg("tx_height_m"),
      py::arg("rx_height_m"), py::arg("clutter_m") = py::none(), py::arg("zone") = py::none(),
      py::arg("k") = d.k_factor, py::arg("vertical") = d.pol == radio::Polarization::vertical,
      py::arg("time_pct") = d.time_pct, py::arg("location_pct") = d.location_pct,
      py::arg("situation_pct") = d.situation_pct, py::arg("delta_n") = d.delta_n, py::arg("n0") = d.n0,
      py::arg("lat_deg") = d.lat_deg, py::arg("itm_n0") = d.itm_n0, py::arg("eps_r") = d.eps_r,
      py::arg("sigma_s_per_m") = d.sigma_s_per_m, py::arg("climate") = static_cast<int>(d.climate),
      py::arg("environment") = radio::to_string(d.environment), py::arg("allow_extrapolation") = d.allow_extrapolation,
      R"doc(One point-to-point path with any model: fspl, p526, p1812, itm or hata.

Args:
    d_km, h_m: the profile (distances from the transmitter, terrain heights AMSL).
    clutter_m, zone: P.1812 representative clutter heights and zones (1 sea, 3 coastal, 4 inland).
    time_pct, location_pct, situation_pct: P.1812 p and pL; ITM time/location/situation.
    delta_n, n0, lat_deg: P.1812 radio-meteorology. itm_n0, eps_r, sigma_s_per_m, climate: ITM.
    environment, allow_extrapolation: Hata.

Returns:
    dict: model, loss_db, mode, warnings, values (the model's intermediate values).)doc");

  init_service(m);
}

}  // namespace phusong::bind
