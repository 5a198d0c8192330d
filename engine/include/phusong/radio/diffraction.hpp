// phusong — terrain diffraction: ITU-R P.526-15 §4.5 (Bullington, "delta-Bullington") and the
// ITU-R P.452-18 §4.2 diffraction model (Ld50, Ldp).
//
// Conventions used throughout this header:
//  * profile distances d_km are measured from the transmitter (first point 0, strictly increasing);
//  * heights with suffix _m_amsl are metres above mean sea level; profile heights h_m are AMSL;
//  * losses are in dB, positive = attenuation;
//  * the wavelength uses c = 2.998e8 m/s, as the Recommendations do (lambda = 0.2998 / f[GHz] m).
//  * equation numbers "(n)" refer to ITU-R P.452 Annex 1 §4.2 in the numbering of P.452-17
//    (eqs. (13)-(42)); sections are given as in P.452-18.
//
// Errors: phusong::InputError for malformed inputs (sizes, ordering, non-finite values, antenna
// below ground), phusong::RangeError for arguments outside the validity range of the method
// (frequency, time percentages, refractivity gradient, ...). Messages name the argument and value.
#pragma once

#include <vector>

namespace phusong::radio {

enum class Polarization { horizontal, vertical };

/// Knife-edge diffraction loss J(nu) in dB, ITU-R P.526-15 eq. (31) (= P.452 eq. (13)).
/// Returns 0 for nu <= -0.78.
double knife_edge_loss_db(double nu);

/// Heights of the smooth-Earth surface used by the diffraction model,
/// ITU-R P.452-18 Attachment 2 §5.1.6.2 (hst, hsr: least-squares fit) and §5.1.6.3 (hstd, hsrd).
struct SmoothEarthHeights {
  double hst_m;   ///< least-squares smooth surface at the transmitter, m AMSL
  double hsr_m;   ///< least-squares smooth surface at the receiver, m AMSL
  double hstd_m;  ///< smooth surface at the transmitter for the diffraction model, m AMSL (<= h[0])
  double hsrd_m;  ///< smooth surface at the receiver for the diffraction model, m AMSL (<= h[n-1])
};

/// Smooth-Earth heights for the diffraction model from the terrain profile (no clutter).
SmoothEarthHeights smooth_earth_heights(const std::vector<double>& d_km, const std::vector<double>& h_m,
                                        double hts_m_amsl, double hrs_m_amsl);

/// Result of the delta-Bullington model for one effective Earth radius.
struct DeltaBullingtonResult {
  double htc_m, hrc_m;                // tx/rx antenna heights AMSL used
  double hts_smooth_m, hrs_smooth_m;  // modified heights above the smooth surface, P.452 eq. (38): hts-hstd, hrs-hsrd
  double hstd_m, hsrd_m;              // smooth-surface heights AMSL at the terminals (P.452 Att. 2 §5.1.6.3)
  double lba_db;   // Bullington loss, actual profile (Lbulla)
  double lbs_db;   // Bullington loss, smooth (zero-height) profile with modified heights (Lbulls)
  double lsph_db;  // spherical-Earth diffraction loss (Ldsph)
  double ld_db;    // total: lba + max(lsph - lbs, 0), P.452 eq. (40)
  // First-term spherical-Earth intermediate values (Ldft = -Fx - G(Yt) - G(Yr)) of the first-term
  // evaluation actually used for lsph (with adft = ap, or adft = aem in the marginal-LoS branch).
  // NaN when no first-term evaluation was needed (smooth path clears hreq, lsph = 0).
  // For a mixed land/sea path they are the omega-weighted values, so the identity above holds.
  double fx_db, g_y1_db, g_y2_db;
  double adft_km;                   // effective Earth radius used by the first term (ap or aem), NaN if unused
  bool sph_modified_radius;         // true when the marginal-LoS branch with aem (P.452 eqs. (24)-(28)) was taken
  bool line_of_sight;               // actual profile: Stim < Str (P.452 eq. (14), (15))
};

/// Delta-Bullington diffraction loss (ITU-R P.526-15 §4.5.2 / P.452-18 §4.2.1-4.2.3) for one
/// effective Earth radius ae_km, over homogeneous ground (eps_r, sigma_s_per_m).
/// Profile: distances from the transmitter in km (first = 0, increasing) and terrain heights in m AMSL
/// (at least 3 points). hts_m_amsl / hrs_m_amsl: antenna heights above mean sea level (not below the
/// terrain at the terminal). Frequency range 30 MHz to 50 GHz.
DeltaBullingtonResult delta_bullington(const std::vector<double>& d_km, const std::vector<double>& h_m,
                                       double hts_m_amsl, double hrs_m_amsl, double freq_mhz, double ae_km,
                                       Polarization pol, double eps_r = 22.0, double sigma_s_per_m = 0.003);

/// Bullington part only (P.526-15 §4.5.1 / P.452-18 §4.2.1, Lbull of eq. (22)), actual profile.
double bullington_loss_db(const std::vector<double>& d_km, const std::vector<double>& h_m, double hts_m_amsl,
                          double hrs_m_amsl, double freq_mhz, double ae_km);

/// P.452-18 §4.2.4 diffraction loss.
struct P452DiffractionResult {
  double ld50_db;     // median diffraction loss, ap = ae = k50 * 6371 km
  double ldp_db;      // diffraction loss not exceeded for p% of time
  double ldsph50_db;  // spherical-Earth diffraction loss for ap = ae (Ldsph of the median case)
  double ld_beta_db;  // diffraction loss for ap = a_beta = 3 * 6371 km (NaN when p = 50, not needed)
  double fi;          // interpolation factor Fi, eq. (41a) (0 when p = 50)
  double ae_km, a_beta_km;
  DeltaBullingtonResult median;  // full delta-Bullington breakdown for ae
};

/// ITU-R P.452-18 §4.2 diffraction loss Ld50 and Ldp.
///  d_km, h_m           terrain profile (h_m: terrain only, m AMSL), at least 3 points;
///  hts/hrs_m_amsl      antenna heights AMSL (terrain at terminal + height above ground);
///  freq_mhz            100 MHz .. 50 GHz;
///  delta_n             average radio-refractivity lapse rate through the lowest 1 km (N-units/km, 0 <= dN < 157);
///  p_pct               time percentage, 0.001 .. 50;
///  beta0_pct           time percentage beta0 (%) of anomalous lapse rates, 0 < beta0 <= 50 (P.452 §3.2.1);
///  omega               fraction of the path over sea, 0..1: the first-term spherical-Earth loss is
///                      omega * Ldft(sea: eps 80, sigma 5) + (1-omega) * Ldft(land: eps 22, sigma 0.003);
///  clutter_height_m    optional representative clutter heights (m above ground) per profile point
///                      (P.452-18 §3.2.1 step 4, "radio profile"); empty = none.
///                      They form the radio profile g = h + R used by the Bullington part of the
///                      actual profile only, except at points closer than 50 m to either terminal where
///                      g = h; the smooth-Earth heights (hstd, hsrd) use the terrain h alone.
P452DiffractionResult p452_diffraction(const std::vector<double>& d_km, const std::vector<double>& h_m,
                                       double hts_m_amsl, double hrs_m_amsl, double freq_mhz, double delta_n,
                                       double p_pct, double beta0_pct, Polarization pol, double omega = 0.0,
                                       const std::vector<double>& clutter_height_m = {});

/// The terms of the spherical-Earth first-term loss that depend only on the effective radius,
/// the frequency and the ground (P.452 eqs. (30)-(33) and the floor of eq. (36)).
struct FirstTermCoeffs {
  double beta, x_per_km, y_per_m, g_floor_db;
};
FirstTermCoeffs first_term_coeffs(double adft_km, double f_ghz, Polarization pol, double eps_r,
                                  double sigma_s_per_m);

/// Spherical-Earth diffraction loss for many paths of one site: the terms that do not depend
/// on the path are computed once.
class SphericalEarth {
 public:
  SphericalEarth(double ap_km, double freq_mhz, Polarization pol, double eps_r = 22.0,
                 double sigma_s_per_m = 0.003);
  /// Loss (dB) for path length d_km, antenna heights hte/hre (m) above the smooth surface.
  double loss_db(double d_km, double hte_m, double hre_m) const;

 private:
  double ap_km_, f_ghz_, lambda_m_;
  Polarization pol_;
  double eps_r_, sigma_;
  FirstTermCoeffs at_ap_;
};

/// Spherical-Earth diffraction loss (P.452 §4.2.2 eqs. (23)-(36), = P.526-15 §3.2) for a path of
/// d_km with antenna heights hte/hre (m) above the smooth surface, effective radius ap_km, over
/// homogeneous ground. Used by the raster sweep, which computes hte/hre incrementally.
double spherical_earth_loss_db(double d_km, double hte_m, double hre_m, double ap_km, double freq_mhz,
                               Polarization pol, double eps_r = 22.0, double sigma_s_per_m = 0.003);

/// Inverse complementary cumulative normal distribution I(x), P.452-18 Attachment 3 approximation
/// (valid for 1e-6 <= x <= 1 - 1e-6). Exposed for the other P.452 components.
double inverse_complementary_normal(double x);

}  // namespace phusong::radio
