// phusong — radio layer: free-space loss, terrain path loss, link budget (LTE/NR RSRP).
#pragma once
#include <limits>
#include <string>
#include <vector>

#include "phusong/radio/diffraction.hpp"
#include "phusong/radio/empirical.hpp"
#include "phusong/radio/itm.hpp"
#include "phusong/radio/p1812.hpp"

namespace phusong::radio {

constexpr double kSpeedOfLightMps = 2.998e8;  // as ITU-R P.452/P.526 use

/// Free-space basic transmission loss (ITU-R P.525): 32.45 + 20 log10(f_MHz) + 20 log10(d_km).
double free_space_loss_db(double distance_km, double freq_mhz);

/// Free-space loss over the 3-D distance between antennas `ground_km` apart horizontally and
/// `height_diff_m` apart vertically (at least 1 m).
double free_space_3d_db(double ground_km, double height_diff_m, double freq_mhz);

/// Path-loss models available on a terrain profile.
enum class PathModel {
  free_space,  ///< free space over the 3-D distance, terrain ignored
  p526,        ///< free space + ITU-R P.526 delta-Bullington terrain diffraction
  p1812,       ///< ITU-R P.1812 (time and location percentages, clutter, zones)
  itm,         ///< Longley-Rice ITM point-to-point (time/location/situation variability)
  hata,        ///< Okumura-Hata (< 1500 MHz) / COST-231 Hata (1500-2000 MHz); terrain ignored
};
PathModel path_model_from_string(const std::string& name);
std::string to_string(PathModel m);

/// Inputs of a point-to-point path loss on a terrain profile.
struct PathInput {
  double freq_mhz = 1800;
  double tx_height_m = 30;  ///< antenna height above ground at the transmitter
  double rx_height_m = 1.5; ///< antenna height above ground at the receiver
  double k_factor = 4.0 / 3.0;
  PathModel model = PathModel::p526;
  Polarization pol = Polarization::vertical;
  // Variability (P.1812: time p and location pL; ITM: time, location, situation), percent.
  double time_pct = 50, location_pct = 50, situation_pct = 50;
  // P.1812 radio-meteorology and clutter.
  double delta_n = 45, n0 = 325;            ///< N-units/km, N-units
  double lat_deg = std::numeric_limits<double>::quiet_NaN();  ///< path centre (for beta0); NaN: 45
  // ITM ground and climate.
  double itm_n0 = 301, eps_r = 15, sigma_s_per_m = 0.005;
  ItmClimate climate = ItmClimate::continental_temperate;
  // Hata.
  HataEnvironment environment = HataEnvironment::open_rural;
  bool allow_extrapolation = false;  ///< Hata: out-of-range inputs give a warning, not an error
};

struct PathLoss {
  double loss_db;          ///< basic transmission loss
  double free_space_db;    ///< free-space part
  double diffraction_db;   ///< terrain diffraction part (0 for free_space)
  bool line_of_sight;
};

/// Path loss over a terrain profile: distances (m, from the transmitter) and terrain heights
/// (m AMSL) of the path, NaN-free. Throws RangeError outside the model's validity range.
PathLoss path_loss(const std::vector<double>& distance_m, const std::vector<double>& terrain_m,
                   const PathInput& in);

/// A point-to-point result with the model's intermediate values, for reports (`phusong link`).
struct LinkReport {
  std::string model;
  double loss_db = 0;
  std::string mode;  ///< e.g. line_of_sight, diffraction, troposcatter, trans_horizon
  std::vector<std::string> warnings;
  std::vector<std::pair<std::string, double>> values;  ///< named intermediate values (units in names)
};

/// Any model on a profile: d_km from the transmitter, h_m terrain AMSL; clutter_m (P.1812
/// representative clutter heights) and zone (P.1812 radio-climatic zones 1 sea, 3 coastal, 4
/// inland) may be empty. RangeError outside a model's validity range (unless allowed).
LinkReport link_report(const std::vector<double>& d_km, const std::vector<double>& h_m,
                       const std::vector<double>& clutter_m, const std::vector<int>& zone, const PathInput& in);

/// LTE/NR reference-signal received power (dBm) for a total EIRP spread over the channel's
/// subcarriers: RSRP = EIRP - loss + Gr - 10 log10(12 * N_RB), with N_RB resource blocks
/// of 180 kHz for the bandwidth (LTE: 1.4→6, 3→15, 5→25, 10→50, 15→75, 20→100).
double rsrp_dbm(double eirp_dbm, double loss_db, double bandwidth_mhz, double rx_gain_dbi = 0.0);
/// Resource blocks for an LTE channel bandwidth (MHz); InputError for a non-standard one.
int lte_resource_blocks(double bandwidth_mhz);

}  // namespace phusong::radio
