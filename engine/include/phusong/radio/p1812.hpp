// phusong — ITU-R P.1812: "A path-specific propagation prediction method for point-to-area
// terrestrial services in the frequency range 30 MHz to 6 000 MHz".
//
// Version implemented: P.1812-7 (08/2023) / P.1812-8 (09/2025, the newest edition; same structure of
// Annex 1) as implemented by the ITU-R WP 3M reference implementation (eeveetza/Py1812, which cites
// P.1812-8, and eeveetza/p1812), whose validation results tests/cpp/test_p1812.cpp reproduces:
//   * free-space loss with the slant distance dfs (eq. (8), (8a));
//   * troposcatter by eq. (44) (the P.1812-6 model: ITU-R advised users of P.1812-7 to revert to it
//     instead of the P.1812-7 common-volume model, and the reference implementation uses it);
//   * terminal/path clutter through the "radio profile" g_i = h_i + R_i (§3.2.1) or surface heights
//     (§3.2.2), the clutter next to each terminal acting through the Bullington diffraction; the
//     terminal clutter losses Aht/Ahr of P.1812-4 (clutter category Ct, street width ws) are not part
//     of the current method (the reference implementation dropped Ct as obsolete).
// Not implemented: the alternative Lbulls of Attachment 4 (no terrain profile) and digital maps
// (ΔN, N0 are inputs). The optional indoor case adds a P.2109 building entry loss taken at its own
// probability to the outdoor Lb; it does not convolve it with the location variability.
//
// Conventions: distances in km from the transmitter (first 0, increasing); heights in metres (AMSL
// for profile heights, above ground for antenna and clutter heights); losses in dB; percentages in %.
// Equation numbers "(n)" are those of P.1812-7/-8 Annex 1 as used by the reference implementation.
//
// Errors: phusong::InputError for malformed input (sizes, ordering, non-finite values, missing
// latitude/beta0), phusong::RangeError for values outside the validity range of the method
// (f 30..6000 MHz, p 1..50 %, pL 1..99 %, htg/hrg 1..3000 m, path length up to 3000 km, ...).
//
// Thread safety: p1812() is re-entrant; it keeps only per-thread scratch buffers (no global state).
#pragma once

#include <limits>
#include <string>
#include <vector>

#include "phusong/radio/diffraction.hpp"  // Polarization, delta-Bullington helpers

namespace phusong::radio {

/// Radio-climatic zone of a profile point (P.1812 Table 2 / P.452). The integer values are the
/// codes used by the ITU-R reference implementation and its validation profiles.
enum class RadioClimaticZone : int {
  sea = 1,           ///< zone B: sea, oceans, large bodies of inland water
  coastal_land = 3,  ///< zone A1: coastal land and shore areas (< 50 km from sea)
  inland = 4,        ///< zone A2: all land other than coastal land
};

/// Building class of ITU-R P.2109 (building entry loss).
enum class BuildingType { traditional, thermally_efficient };

constexpr double kP1812NotGiven = std::numeric_limits<double>::quiet_NaN();

struct P1812Input {
  // --- Path profile (§3.2). At least 3 points; d_km[0] = 0; strictly increasing.
  std::vector<double> d_km;  ///< distance from the transmitter, km
  std::vector<double> h_m;   ///< terrain height, m AMSL
  /// §3.2.1: representative clutter height R_i above ground per point, m (>= 0). Empty = 0 everywhere.
  /// The radio profile is g_i = h_i + R_i for the intermediate points, g = h at the two terminals.
  std::vector<double> r_m;
  /// §3.2.2 (alternative to r_m): surface heights (e.g. DSM) per point, m AMSL; if non-empty it is used
  /// for the intermediate points of the radio profile (g_i = surface_i) and r_m must be empty.
  std::vector<double> surface_m;
  /// Radio-climatic zone per point. Empty = inland everywhere.
  std::vector<RadioClimaticZone> zone;

  // --- Radio parameters.
  double freq_mhz = 0.0;  ///< 30 .. 6000 MHz
  double p_pct = 50.0;    ///< time percentage for which Lb is not exceeded, 1 .. 50 %
  double pl_pct = 50.0;   ///< location percentage for which Lb is not exceeded, 1 .. 99 %
  double htg_m = 0.0;     ///< Tx antenna centre height above ground, 1 .. 3000 m
  double hrg_m = 0.0;     ///< Rx antenna centre height above ground, 1 .. 3000 m
  Polarization pol = Polarization::horizontal;

  // --- Radio-meteorology (§3.5, §3.6) at the path centre (no digital maps needed).
  double delta_n = 45.0;  ///< ΔN: average refractivity lapse rate in the lowest 1 km, N-units/km, [0, 157)
  double n0 = 325.0;      ///< N0: sea-level surface refractivity, N-units
  /// Latitude of the path centre, degrees (for β0, eqs. (2)-(5)). Required unless beta0_pct is given.
  /// See great_circle_point() to compute it from the terminal coordinates.
  double lat_deg = kP1812NotGiven;
  /// β0 (%) given directly (overrides the computation from lat_deg); NaN = compute.
  double beta0_pct = kP1812NotGiven;
  /// Distances over land from the Tx / Rx to the coast in the direction of the other terminal, km
  /// (§3.4, used only when >= 75 % of the path is over sea). NaN = 500 km, or 0 when the terminal
  /// point of the profile is in the sea zone.
  double dct_km = kP1812NotGiven;
  double dcr_km = kP1812NotGiven;

  // --- Location variability (§4.7).
  /// Standard deviation of location variability σL, dB. NaN = computed by §4.7 from the frequency,
  /// the prediction resolution wa_m and the Rx height relative to the representative clutter height
  /// at the receiver (R_n of r_m, or surface_n - h_n). It is set to 0 when the receiver is at sea.
  double sigma_l_db = kP1812NotGiven;
  double wa_m = 100.0;  ///< prediction resolution (width of the square area), m, for σL

  // --- Optional indoor reception (§4.8): building entry loss of ITU-R P.2109 (not exceeded with
  // probability bel_prob_pct) added to the outdoor Lb (simple addition, see the note at the top).
  bool indoor = false;
  BuildingType building = BuildingType::traditional;
  double bel_prob_pct = 50.0;       ///< probability with which the building entry loss is not exceeded, %
  double bel_elevation_deg = 0.0;   ///< elevation angle of the path at the building facade, degrees
};

struct P1812Result {
  // --- Final values.
  double lb_db = 0.0;      ///< basic transmission loss not exceeded for p % time and pL % locations (eq. (69)), + BEL if indoor
  double ep_dbuv_m = 0.0;  ///< field strength for 1 kW e.r.p., dB(µV/m) (eq. (70))
  double lbc_db = 0.0;     ///< basic transmission loss for p % time, 50 % locations (eq. (63); "Lbu" in older editions)
  double lb_outdoor_db = 0.0;  ///< lb_db without the building entry loss
  double lbe_db = 0.0;         ///< P.2109 building entry loss added (0 outdoors)
  double sigma_loc_db = 0.0;   ///< location-variability standard deviation used
  double lloc_db = 0.0;        ///< median location correction Lloc (0 outdoors)

  // --- Path geometry and radio-meteorology (§3, Attachment 1).
  double d_km = 0.0;           ///< great-circle path length (last profile distance)
  double hts_m = 0.0, hrs_m = 0.0;  ///< antenna heights AMSL
  double theta_t_mrad = 0.0, theta_r_mrad = 0.0;  ///< horizon elevation angles
  double theta_mrad = 0.0;     ///< path angular distance (eq. (82))
  double dlt_km = 0.0, dlr_km = 0.0;  ///< horizon distances (or distances to the Bullington point for LoS)
  bool trans_horizon = false;  ///< path classification of Attachment 1 (θmax > θtd)
  double hst_lsq_m = 0.0, hsr_lsq_m = 0.0;  ///< least-squares smooth-Earth heights at Tx/Rx (eqs. (85)-(88))
  double hst_m = 0.0, hsr_m = 0.0;          ///< the same, limited to the terminal terrain heights
  double hstd_m = 0.0, hsrd_m = 0.0;        ///< smooth-surface heights for the diffraction model
  double hte_m = 0.0, hre_m = 0.0;          ///< effective heights for the ducting/layer-reflection model
  double hm_m = 0.0;                        ///< terrain roughness
  double omega = 0.0;          ///< fraction of the path over sea
  double dtm_km = 0.0, dlm_km = 0.0;  ///< longest continuous land / inland section
  double beta0_pct = 0.0;      ///< β0 used
  double ae_km = 0.0, ab_km = 0.0;  ///< median effective Earth radius and a_β = 3 x 6371 km
  double dct_km = 0.0, dcr_km = 0.0;  ///< coast distances used

  // --- Line of sight (§4.2).
  double lbfs_db = 0.0;  ///< free-space basic transmission loss (eq. (8))
  double lb0p_db = 0.0;  ///< LoS loss not exceeded for p % (eq. (10))
  double lb0b_db = 0.0;  ///< LoS loss not exceeded for β0 % (eq. (11))

  // --- Diffraction (§4.3, delta-Bullington), for ap = ae (50) and ap = a_β (b).
  double lbulla50_db = 0.0, lbulls50_db = 0.0, ldsph50_db = 0.0, ld50_db = 0.0;
  double lbulla_b_db = 0.0, lbulls_b_db = 0.0, ldsph_b_db = 0.0, ldb_db = 0.0;
  double fi = 0.0;          ///< interpolation factor Fi (eq. (40))
  double ldp_db = 0.0;      ///< diffraction loss not exceeded for p % (eq. (41))
  double lbd50_db = 0.0;    ///< eq. (42)
  double lbd_db = 0.0;      ///< eq. (43)
  double lminb0p_db = 0.0;  ///< notional minimum loss for LoS and over-sea sub-path diffraction (eq. (59))

  // --- Troposcatter (§4.4) and ducting/layer reflection (§4.5).
  double lbs_db = 0.0;      ///< eq. (44)
  double lba_db = 0.0;      ///< eq. (46)
  double lminbap_db = 0.0;  ///< eq. (60)
  double fk = 0.0;          ///< eq. (58)
  double lbda_db = 0.0;     ///< eq. (61)
  double fj = 0.0;          ///< eq. (57)
  double lbam_db = 0.0;     ///< eq. (62)

  // --- Mode flags.
  bool lb_limited_by_lb0p = false;  ///< Lb was set to Lb0p by eq. (69)
  bool ducting_blend = false;       ///< Lminbap <= Lbd: eq. (61) blended ducting into Lbda
  bool rx_at_sea = false;           ///< receiver profile point in the sea zone (no location variability)

  std::vector<std::string> warnings;  ///< non-fatal remarks (e.g. path shorter than ~0.25 km)
};

/// ITU-R P.1812 basic transmission loss for one path.
P1812Result p1812(const P1812Input& in);

/// ITU-R P.2109 building entry loss (dB) not exceeded with probability prob_pct (0 < prob_pct < 100),
/// for 80 MHz <= freq_mhz <= 100 GHz and elevation angle at the facade -90 < elevation_deg < 90.
double p2109_building_entry_loss_db(double freq_mhz, double prob_pct, BuildingType building,
                                    double elevation_deg);

/// A point on the great circle from the transmitter towards the receiver, at dist_from_t_km along the
/// path, on a sphere of radius 6371 km (ITU-R P.2001 Attachment H). With dist = half the path length
/// it gives the path centre used for β0 (§3.5).
struct GeoPoint {
  double lat_deg;
  double lon_deg;
};
GeoPoint great_circle_point(double lat_t_deg, double lon_t_deg, double lat_r_deg, double lon_r_deg,
                            double dist_from_t_km);

}  // namespace phusong::radio
