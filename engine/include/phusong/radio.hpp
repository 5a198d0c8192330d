// phusong — radio layer: free-space loss, terrain path loss, link budget (LTE/NR RSRP).
#pragma once
#include <limits>
#include <string>
#include <vector>

#include "phusong/limits.hpp"
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
/// "fspl" (alias "free_space"), "p526" (alias "delta_bullington"), "p1812", "itm" or "hata";
/// InputError "unknown model 'x' (known: ...)" listing the link models of models().
PathModel path_model_from_string(const std::string& name);
std::string to_string(PathModel m);

/// One propagation model phusong knows, and what it serves: the one list from which the
/// *_from_string parsers, their errors, the CLI's --model choices and the scenario schema are
/// built (phusong._core.models()).
struct ModelInfo {
  const char* name;
  bool link;      ///< a point-to-point path on a profile (radio::link_report, phusong link)
  bool villages;  ///< village coverage on exact profiles (coverage::evaluate_villages)
  bool raster;    ///< rasters over the DEM grid (coverage::site_raster, coverage::best_server)
  limits::Range freq_mhz;  ///< validity range in frequency (phusong/limits.hpp)
  const char* description;
};
inline constexpr ModelInfo kModels[] = {
    {"fspl", true, true, false, limits::kFreqMhz, "free space over the 3-D distance, terrain ignored"},
    {"los", false, false, true, limits::kFreqMhz, "line of sight (viewshed): 1 visible, 0 hidden"},
    {"p526", true, true, true, limits::kP526FreqMhz, "free space + ITU-R P.526 delta-Bullington diffraction"},
    {"p1812", true, true, true, limits::kP1812FreqMhz, "ITU-R P.1812 (time/location percentages)"},
    {"itm", true, true, true, limits::kItmFreqMhz, "Longley-Rice ITM point-to-point"},
    {"hata", true, true, false, limits::kHataFreqMhz, "Okumura-Hata / COST-231 Hata, terrain ignored"},
};
/// Every model, in the order of kModels.
const std::vector<ModelInfo>& models();
/// The names of the models serving `use` (&ModelInfo::link, ::villages or ::raster), e.g.
/// "fspl, p526, p1812, itm, hata", for messages.
std::string model_names(bool ModelInfo::*use);

/// The settings of the terrain models beyond the path's geometry and frequency, shared by links
/// (PathInput), village coverage (coverage::CoverageParams) and rasters (coverage::RasterParams):
/// one definition and one default each. Named as the options of `phusong link`/`phusong coverage`.
struct PropagationParams {
  Polarization pol = Polarization::vertical;  ///< p526 (smooth-earth term), P.1812, ITM
  /// Variability, percent: P.1812 time p (1-50) and locations pL (1-99); ITM time, location and
  /// situation (0-100, exclusive).
  double time_pct = 50, location_pct = 50, situation_pct = 50;
  double delta_n = 45, n0 = 325;  ///< P.1812 radio-meteorology: ΔN (N-units/km) and N0 (N-units)
  /// ITM: surface refractivity (N-units), ground relative permittivity and conductivity (S/m).
  double itm_n0 = 301, eps_r = 15, sigma_s_per_m = 0.005;
  ItmClimate climate = ItmClimate::continental_temperate;  ///< ITM radio climate
};

/// The ITM parameters of a path (the one place they are filled, for links and rasters).
ItmParams itm_params(const PropagationParams& p, double tx_height_m, double rx_height_m, double freq_mhz);
/// The radio parameters of a P.1812 path, without its profile (the one place they are filled,
/// for links and rasters); lat_deg NaN leaves P.1812's own default.
P1812Input p1812_input(const PropagationParams& p, double tx_height_m, double rx_height_m, double freq_mhz,
                       double lat_deg);

/// Inputs of a point-to-point path loss on a terrain profile.
struct PathInput : PropagationParams {
  double freq_mhz = 1800;
  double tx_height_m = 30;  ///< antenna height above ground at the transmitter
  double rx_height_m = 1.5; ///< antenna height above ground at the receiver
  double k_factor = 4.0 / 3.0;
  PathModel model = PathModel::p526;
  double lat_deg = std::numeric_limits<double>::quiet_NaN();  ///< path centre (P.1812's beta0); NaN: 45
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
/// inland) may be empty. RangeError outside a model's validity range (unless allowed). Heights
/// that are not finite (DEM voids) are bridged linearly between their finite neighbours (the
/// nearest finite height at the ends) and counted in a warning.
LinkReport link_report(const std::vector<double>& d_km, const std::vector<double>& h_m,
                       const std::vector<double>& clutter_m, const std::vector<int>& zone, const PathInput& in);

/// LTE/NR reference-signal received power (dBm) for a total EIRP spread over the channel's
/// subcarriers: RSRP = EIRP - loss + Gr - 10 log10(12 * N_RB), with N_RB resource blocks
/// of 180 kHz for the bandwidth (LTE: 1.4→6, 3→15, 5→25, 10→50, 15→75, 20→100).
double rsrp_dbm(double eirp_dbm, double loss_db, double bandwidth_mhz, double rx_gain_dbi = 0.0);
/// Resource blocks for an LTE channel bandwidth (MHz); InputError for a non-standard one.
int lte_resource_blocks(double bandwidth_mhz);

}  // namespace phusong::radio
