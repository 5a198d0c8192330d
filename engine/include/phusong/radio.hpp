// phusong — radio layer: free-space loss, terrain path loss, link budget (LTE/NR RSRP).
#pragma once
#include <string>
#include <vector>

#include "phusong/radio/diffraction.hpp"

namespace phusong::radio {

constexpr double kSpeedOfLightMps = 2.998e8;  // as ITU-R P.452/P.526 use

/// Free-space basic transmission loss (ITU-R P.525): 32.45 + 20 log10(f_MHz) + 20 log10(d_km).
double free_space_loss_db(double distance_km, double freq_mhz);

/// Path-loss models available on a terrain profile.
enum class PathModel {
  free_space,  ///< free space over the 3-D distance, terrain ignored
  p526,        ///< free space + ITU-R P.526 delta-Bullington terrain diffraction
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

/// LTE/NR reference-signal received power (dBm) for a total EIRP spread over the channel's
/// subcarriers: RSRP = EIRP - loss + Gr - 10 log10(12 * N_RB), with N_RB resource blocks
/// of 180 kHz for the bandwidth (LTE: 1.4→6, 3→15, 5→25, 10→50, 15→75, 20→100).
double rsrp_dbm(double eirp_dbm, double loss_db, double bandwidth_mhz, double rx_gain_dbi = 0.0);
/// Resource blocks for an LTE channel bandwidth (MHz); InputError for a non-standard one.
int lte_resource_blocks(double bandwidth_mhz);

}  // namespace phusong::radio
