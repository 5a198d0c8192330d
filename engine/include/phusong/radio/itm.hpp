// phusong — Longley-Rice Irregular Terrain Model (ITM), point-to-point mode.
//
// Independent C++17 implementation of the ITS Irregular Terrain Model, algorithm version 1.2.2
// (G. A. Hufford, "The ITS Irregular Terrain Model, version 1.2.2: The Algorithm"), with the
// numerical behaviour of NTIA's ITM library v1.4 (the reference the oracles were generated with).
// Acknowledgement: the model and its constants are the work of NTIA/ITS.
//
// Thread safety: every function is reentrant; there is no global mutable state.
// Allocations: the core computation performs no heap allocation (only fixed-size stack arrays),
// so the pointer overloads can be called from a hot loop on a caller-owned profile buffer.
//
// Errors: phusong::RangeError where NTIA's library returns an error code (argument outside the
// model's validity range, or an internally derived quantity out of range); phusong::InputError
// for malformed input (too few profile points, non-positive spacing, non-finite numbers, bad PFL
// array). Conditions where NTIA returns a warning are reported as bit flags in ItmResult::warnings.
#pragma once

#include <cstddef>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

namespace phusong::radio {

/// Radio climate (NTIA numbering).
enum class ItmClimate {
  equatorial = 1,
  continental_subtropical = 2,
  maritime_subtropical = 3,
  desert = 4,
  continental_temperate = 5,
  maritime_temperate_land = 6,
  maritime_temperate_sea = 7
};

/// Mode of propagation reported by the model (NTIA's `propmode`).
enum class ItmMode { line_of_sight = 1, diffraction = 2, troposcatter = 3 };

/// Mode of variability (`mdvar`) base values; add 10 to remove location variability, 20 to remove
/// direct situation variability (both: +30). Any value in {0..3, 10..13, 20..23, 30..33} is valid.
enum ItmMdvar : int {
  itm_mdvar_single_message = 0,
  itm_mdvar_accidental = 1,
  itm_mdvar_mobile = 2,
  itm_mdvar_broadcast = 3,
  itm_mdvar_no_location_variability = 10,
  itm_mdvar_no_situation_variability = 20
};

/// Warning bit flags, values as defined by NTIA (ERRORS_AND_WARNINGS.md).
enum ItmWarning : long {
  itm_warn_none = 0x0000,
  itm_warn_tx_terminal_height = 0x0001,      ///< TX height near its limits (outside 1..1000 m)
  itm_warn_rx_terminal_height = 0x0002,      ///< RX height near its limits (outside 1..1000 m)
  itm_warn_frequency = 0x0004,               ///< frequency near its limits (outside 40..10000 MHz)
  itm_warn_path_distance_too_big_1 = 0x0008, ///< path distance > 1000 km
  itm_warn_path_distance_too_big_2 = 0x0010, ///< path distance > 2000 km
  itm_warn_path_distance_too_small_1 = 0x0020, ///< path shorter than |h_e,tx - h_e,rx| / 0.2
  itm_warn_path_distance_too_small_2 = 0x0040, ///< path distance < 1 km
  itm_warn_tx_horizon_angle = 0x0080,        ///< |theta_hzn,tx| > 200 mrad
  itm_warn_rx_horizon_angle = 0x0100,        ///< |theta_hzn,rx| > 200 mrad
  itm_warn_tx_horizon_distance_1 = 0x0200,   ///< TX horizon < 0.1 x smooth-earth horizon
  itm_warn_rx_horizon_distance_1 = 0x0400,   ///< RX horizon < 0.1 x smooth-earth horizon
  itm_warn_tx_horizon_distance_2 = 0x0800,   ///< TX horizon > 3 x smooth-earth horizon
  itm_warn_rx_horizon_distance_2 = 0x1000,   ///< RX horizon > 3 x smooth-earth horizon
  itm_warn_extreme_variabilities = 0x2000,   ///< a standard normal deviate beyond +/-3.10
  itm_warn_surface_refractivity = 0x4000     ///< N_s in [150, 250) N-units
};

/// Model inputs. Heights are structural heights above ground; `n0` is the sea-level surface
/// refractivity (N-units); `eps_r` the relative permittivity and `sigma_s_per_m` the
/// conductivity (S/m) of the ground. The three fields without a natural default are NaN until
/// set, so that forgetting one is reported as an InputError.
struct ItmParams {
  double h_tx_m = std::numeric_limits<double>::quiet_NaN();
  double h_rx_m = std::numeric_limits<double>::quiet_NaN();
  double n0 = 301;
  double eps_r = 15;
  double sigma_s_per_m = 0.005;
  double freq_mhz = std::numeric_limits<double>::quiet_NaN();
  int pol = 1;  ///< 0 horizontal, 1 vertical
  ItmClimate climate = ItmClimate::continental_temperate;
  int mdvar = 12;  ///< mode of variability, see ItmMdvar
};

/// Model outputs: the basic transmission loss and NTIA's intermediate values.
struct ItmResult {
  double loss_db;       ///< basic transmission loss (dB) = a_fs_db + variability-adjusted a_ref_db
  int mode;             ///< ItmMode value (1 LOS, 2 diffraction, 3 troposcatter)
  long warnings;        ///< ItmWarning bit flags
  double d_km;          ///< path distance (km)
  double theta_hzn_tx;  ///< TX horizon elevation angle (radians)
  double theta_hzn_rx;  ///< RX horizon elevation angle (radians)
  double d_hzn_tx_m;    ///< TX horizon distance (m)
  double d_hzn_rx_m;    ///< RX horizon distance (m)
  double h_e_tx_m;      ///< TX effective height (m)
  double h_e_rx_m;      ///< RX effective height (m)
  double n_s;           ///< surface refractivity (N-units)
  double delta_h_m;     ///< terrain irregularity parameter (m)
  double a_ref_db;      ///< reference attenuation (median, below free space) (dB)
  double a_fs_db;       ///< free-space basic transmission loss (dB)
};

// ---------------------------------------------------------------------------------------------
// Point-to-point prediction. `elevations_m` are ground heights (m above sea level) from TX to RX,
// equally spaced by `spacing_m`; at least 2 points. Percentages are strictly between 0 and 100.

/// Time / location / situation variability (percent).
ItmResult itm_p2p_tls(const std::vector<double>& elevations_m, double spacing_m, const ItmParams& params,
                      double time_pct, double location_pct, double situation_pct);

/// Same, on a caller-owned buffer of `n_points` elevations (no copy, no allocation).
ItmResult itm_p2p_tls(const double* elevations_m, std::size_t n_points, double spacing_m,
                      const ItmParams& params, double time_pct, double location_pct, double situation_pct);

/// Confidence / reliability variability (percent). As in NTIA's library this is the TLS
/// prediction with time = reliability, location = 50 %, situation = confidence.
ItmResult itm_p2p_cr(const std::vector<double>& elevations_m, double spacing_m, const ItmParams& params,
                     double confidence_pct, double reliability_pct);

/// Same, on a caller-owned buffer of `n_points` elevations (no copy, no allocation).
ItmResult itm_p2p_cr(const double* elevations_m, std::size_t n_points, double spacing_m,
                     const ItmParams& params, double confidence_pct, double reliability_pct);

/// TLS prediction from an ITM PFL array: pfl[0] = number of intervals np, pfl[1] = spacing (m),
/// then np + 1 elevations. The array must hold exactly np + 3 values.
ItmResult itm_p2p_tls_pfl(const std::vector<double>& pfl, const ItmParams& params, double time_pct,
                          double location_pct, double situation_pct);

/// CR prediction from an ITM PFL array (see itm_p2p_tls_pfl).
ItmResult itm_p2p_cr_pfl(const std::vector<double>& pfl, const ItmParams& params, double confidence_pct,
                         double reliability_pct);

/// One human-readable message per warning flag set in `warnings` (empty when none).
std::vector<std::string> itm_warning_messages(long warnings);

// ---------------------------------------------------------------------------------------------
// Incremental evaluation along one ray.

/// How ItmRay obtains the terrain irregularity Delta h, the one quantity it may approximate.
struct ItmRayOptions {
  /// 0 (default): exact. Delta h is recomputed at every evaluated sample (its resampling is
  /// bounded, <= 245 points) and ItmRay equals itm_p2p_tls on every prefix to rounding.
  /// m > 0: approximate. The interdecile range behind Delta h (before its distance
  /// normalisation) is computed exactly at anchor samples m apart (and the last) and
  /// interpolated linearly in k between them, except in an anchor interval whose two ends
  /// differ by more than `dh_rel_tolerance` (relative to the larger): there every needed sample
  /// is exact. Samples 1..48 stay exact, and so does everything else (horizons, fits, N_s, the
  /// Delta h normalisation, sections 4 and 5). Exact Delta h jitters by ~5-10 % from one sample
  /// to the next (aliasing of its resampling) where the interpolation is smooth, and the loss
  /// follows. On the 30 km ITM raster of SRTM N21E105 (benchmarks/peers.py's site and fast
  /// mode {16, 0.2}: h_tx 35 m, h_rx 1.5 m, 900 MHz), |loss - exact mode| was 0.069 dB mean,
  /// 0.63 dB p99, in 0.62x the exact mode's time (benchmarks: BM_RasterItm*).
  int dh_anchor_spacing = 0;
  double dh_rel_tolerance = 0.05;
};

/// Evaluates ITM point-to-point (TLS variability) from the transmitter at h[0] to a receiver at
/// each sample k = 1..n-1 of one equally spaced profile, i.e. itm_p2p_tls(h, k + 1, spacing_m,
/// ...) for every k, reusing the work of the previous samples:
///  * TX horizon: upper envelope of the lines (z_i - z_tx) / x_i - c x_i in the curvature c
///    (c = 1 / 2 a_e changes with N_s, i.e. with every prefix), one binary search per sample;
///  * RX horizon: tangent from the receiver to the upper convex hull of (x_i, z_i - c0 x_i^2),
///    built for a curvature c0 >= c and corrected exactly for c0 - c;
///  * system elevation and least-squares fits from compensated prefix sums;
///  * Delta h: see ItmRayOptions;
///  * path-independent constants once per instance.
/// Each horizon candidate is compared with find_horizons' own expression, so horizons are
/// bit-identical; the loss agrees with itm_p2p_tls to ~1e-8 dB (tested to 1e-6 dB).
/// Cost per evaluated sample: O(log n) plus the bounded Delta h resampling plus the ITM
/// formulas, against O(n) for itm_p2p_tls on a prefix.
/// Thread-compatible: one instance per thread; an instance may be reused for any number of rays.
/// Errors: as itm_p2p_tls. Parameter errors are thrown by the constructor; malformed input
/// (spacing, a non-finite elevation up to the last needed sample) by run() before anything is
/// evaluated; a derived quantity out of range (N_s, a_e, Z_g) by run() at the first needed
/// sample concerned (earlier samples are then already written).
class ItmRay {
 public:
  ItmRay(const ItmParams& params, double time_pct, double location_pct, double situation_pct,
         const ItmRayOptions& options = {});
  ~ItmRay();
  ItmRay(ItmRay&&) noexcept;
  ItmRay& operator=(ItmRay&&) noexcept;
  ItmRay(const ItmRay&) = delete;
  ItmRay& operator=(const ItmRay&) = delete;

  /// loss_db[k] = basic transmission loss (dB) from h[0] to h[k], for k in [1, n) where
  /// `needed(k)` is true (all k when `needed` is empty); other entries, and loss_db[0], are left
  /// unchanged. Needs n >= 2 to evaluate anything.
  void run(const double* h, std::size_t n, double spacing_m, float* loss_db,
           const std::function<bool(std::size_t)>& needed = {});

  /// Same, with double output.
  void run(const double* h, std::size_t n, double spacing_m, double* loss_db,
           const std::function<bool(std::size_t)>& needed = {});

  /// Same, with every output of itm_p2p_tls (warnings included) in results[k].
  void run(const double* h, std::size_t n, double spacing_m, ItmResult* results,
           const std::function<bool(std::size_t)>& needed = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace phusong::radio
