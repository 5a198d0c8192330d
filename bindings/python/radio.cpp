// Bindings of the radio layer: path loss models and link budget.
#include "common.hpp"
#include "phusong/radio.hpp"

namespace phusong::bind {

void init_radio(py::module_& m) {
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
      py::arg("rx_height_m"), py::arg("model") = "p526", py::arg("k") = 4.0 / 3.0,
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
}

}  // namespace phusong::bind
