// phusong — delta-Bullington terrain diffraction (ITU-R P.526-15 §4.5, ITU-R P.452-18 §4.2).
//
// Written from the formulas of the Recommendations. Equation numbers "(n)" are those of
// ITU-R P.452 Annex 1 §4.2 (P.452-17 numbering); "Att. 2" is P.452 Annex 1 Attachment 2.
//
// Performance notes: every model is evaluated with a few linear passes over the profile and no
// heap allocation (heights of the zero-height smooth profile and of the clutter "radio profile"
// are produced on the fly by small functors).
#include "phusong/radio/diffraction.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <sstream>
#include <string>

#include "phusong/error.hpp"
#include "radio/checks.hpp"

namespace phusong::radio {
namespace {

constexpr double kSpeedOfLight_m_per_s = 2.998e8;  // value used by P.452 / P.526 (lambda = 0.2998 / f_GHz)
constexpr double kEarthRadius_km = 6371.0;          // P.452 §3.2.1 (ae = k50 * 6371 km)
constexpr double kKBeta = 3.0;                      // P.452 eq. (6b): a_beta = 3 * 6371 km
constexpr double kPi = 3.14159265358979323846;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kClutterExclusion_km = 0.050;      // P.452-18: g = h within 50 m of either terminal

// ---------------------------------------------------------------------------------------------
// Argument validation helpers (messages name the function, the argument and its value).

using detail::fmt;
using detail::require_finite;
using detail::throw_input;
using detail::throw_range;

void validate_profile(const char* fn, const std::vector<double>& d_km, const std::vector<double>& h_m) {
  if (d_km.size() != h_m.size())
    throw_input(fn, "profile sizes differ: 'd_km' has " + std::to_string(d_km.size()) + " points, 'h_m' has " +
                        std::to_string(h_m.size()));
  if (d_km.size() < 3)
    throw_input(fn, "profile 'd_km' has " + std::to_string(d_km.size()) + " points; at least 3 are required");
  if (d_km[0] != 0.0) throw_input(fn, "profile 'd_km[0]' = " + fmt(d_km[0]) + " must be 0 (distance from transmitter)");
  for (std::size_t i = 0; i < d_km.size(); ++i) {
    if (!std::isfinite(d_km[i]))
      throw_input(fn, "profile 'd_km[" + std::to_string(i) + "]' = " + fmt(d_km[i]) + " is not finite");
    if (!std::isfinite(h_m[i]))
      throw_input(fn, "profile 'h_m[" + std::to_string(i) + "]' = " + fmt(h_m[i]) + " is not finite");
    if (i > 0 && !(d_km[i] > d_km[i - 1]))
      throw_input(fn, "profile 'd_km' is not strictly increasing: d_km[" + std::to_string(i) + "] = " +
                          fmt(d_km[i]) + " <= d_km[" + std::to_string(i - 1) + "] = " + fmt(d_km[i - 1]));
  }
}

void validate_antennas(const char* fn, const std::vector<double>& h_m, double hts_m_amsl, double hrs_m_amsl) {
  require_finite(fn, "hts_m_amsl", hts_m_amsl);
  require_finite(fn, "hrs_m_amsl", hrs_m_amsl);
  if (hts_m_amsl < h_m.front())
    throw_input(fn, "argument 'hts_m_amsl' = " + fmt(hts_m_amsl) + " is below the terrain at the transmitter (" +
                        fmt(h_m.front()) + " m)");
  if (hrs_m_amsl < h_m.back())
    throw_input(fn, "argument 'hrs_m_amsl' = " + fmt(hrs_m_amsl) + " is below the terrain at the receiver (" +
                        fmt(h_m.back()) + " m)");
}

void validate_frequency(const char* fn, double freq_mhz, double lo_mhz, double hi_mhz) {
  require_finite(fn, "freq_mhz", freq_mhz);
  // A relative slack of 1e-9 accepts values such as 0.1 GHz * 1000 at the bounds.
  if (freq_mhz < lo_mhz * (1.0 - 1e-9) || freq_mhz > hi_mhz * (1.0 + 1e-9))
    throw_range(fn, "freq_mhz", freq_mhz, "[" + fmt(lo_mhz) + ", " + fmt(hi_mhz) + "] MHz");
}

// ---------------------------------------------------------------------------------------------
// Height accessors for the Bullington kernel (inlined; no temporary arrays).

struct ArrayHeights {  // the actual terrain profile
  const double* h;
  double operator()(std::size_t i) const { return h[i]; }
};

struct ZeroHeights {  // the smooth profile of §4.2.3: all heights set to zero
  double operator()(std::size_t) const { return 0.0; }
};

// P.452-18 radio profile g_i = h_i + R_i, except g_i = h_i for points closer than 50 m to a terminal.
struct ClutterHeights {
  const double* d;
  const double* h;
  const double* r;
  double d_total_km;
  double operator()(std::size_t i) const {
    const bool near_terminal = d[i] < kClutterExclusion_km || d[i] > d_total_km - kClutterExclusion_km;
    return near_terminal ? h[i] : h[i] + r[i];
  }
};

// ---------------------------------------------------------------------------------------------
// Bullington part, P.452 §4.2.1 eqs. (14)-(22) (= P.526-15 §4.5.1).

struct BullingtonOut {
  double loss_db;
  bool line_of_sight;
};

// Running maximum of a ratio num/den (den > 0) without a division per point: a/b > c/e <=> a*e > c*b.
struct RatioMax {
  double num, den;
  void add(double n, double d) {
    if (n * den > num * d) {
      num = n;
      den = d;
    }
  }
  double value() const { return num / den; }
};

template <class Heights>
BullingtonOut bullington(const double* d, std::size_t n, Heights height, double hts_m, double hrs_m, double lambda_m,
                         double ce_per_km) {
  const double dt = d[n - 1];
  const double half_ce = 500.0 * ce_per_km;  // earth-curvature term 500 Ce di (d - di), m
  auto bulged = [&](std::size_t i, double di, double dr) { return height(i) + half_ce * di * dr; };

  // Eq. (14): highest slope from the transmitter, and eq. (18): highest slope from the receiver,
  // over the intermediate points, computed in one pass (n >= 3: at least one intermediate point).
  const double d1 = d[1];
  const double hb1 = bulged(1, d1, dt - d1);
  RatioMax stim{hb1 - hts_m, d1};
  RatioMax srim{hb1 - hrs_m, dt - d1};
  for (std::size_t i = 2; i + 1 < n; ++i) {
    const double di = d[i];
    const double dr = dt - di;
    const double hb = bulged(i, di, dr);
    stim.add(hb - hts_m, di);
    srim.add(hb - hrs_m, dr);
  }
  const double s_tim = stim.value();
  const double s_rim = srim.value();
  const double s_tr = (hrs_m - hts_m) / dt;  // eq. (15)

  double nu;
  const bool los = s_tim < s_tr;
  if (los) {
    // Case 1, LoS: highest diffraction parameter nu_i = c_i sqrt(0.002 d / (lambda di (d - di))),
    // eq. (16). Maximised through the signed square c_i |c_i| / (di (d - di)) (same ordering).
    auto clearance = [&](std::size_t i, double di, double dr) {
      return bulged(i, di, dr) - (hts_m * dr + hrs_m * di) / dt;
    };
    const double c1 = clearance(1, d1, dt - d1);
    RatioMax nu2{c1 * std::fabs(c1), d1 * (dt - d1)};
    for (std::size_t i = 2; i + 1 < n; ++i) {
      const double di = d[i];
      const double dr = dt - di;
      const double c = clearance(i, di, dr);
      nu2.add(c * std::fabs(c), di * dr);
    }
    const double signed_sq = nu2.value() * 0.002 * dt / lambda_m;
    nu = std::copysign(std::sqrt(std::fabs(signed_sq)), signed_sq);
  } else {
    // Case 2, trans-horizon: Bullington point, eqs. (19)-(20).
    const double dbp = (hrs_m - hts_m + s_rim * dt) / (s_tim + s_rim);
    nu = (hts_m + s_tim * dbp - (hts_m * (dt - dbp) + hrs_m * dbp) / dt) *
         std::sqrt(0.002 * dt / (lambda_m * dbp * (dt - dbp)));
  }
  const double luc = knife_edge_loss_db(nu);                                     // eqs. (17), (21)
  const double lbull = luc + (1.0 - std::exp(-luc / 6.0)) * (10.0 + 0.02 * dt);  // eq. (22)
  return {lbull, los};
}

// ---------------------------------------------------------------------------------------------
// Spherical-Earth diffraction, P.452 §4.2.2 (= P.526-15 §3.2).

struct Ground {
  double eps_r;
  double sigma_s_per_m;
};

// Ground description for the first-term loss: fraction `sea_fraction` over sea, rest over land.
struct GroundMix {
  double sea_fraction;
  Ground land;
  Ground sea;
};

struct FirstTerm {
  double ldft_db, fx_db, g_yt_db, g_yr_db;
};

}  // namespace

// First-term spherical-Earth loss for one homogeneous ground, P.452 §4.2.2.1 eqs. (30)-(36),
// split into the terms that depend only on (adft, f, ground) and the evaluation per path.
FirstTermCoeffs first_term_coeffs(double adft_km, double f_ghz, Polarization pol, double eps_r,
                                  double sigma_s_per_m) {
  const double x_cond = 18.0 * sigma_s_per_m / f_ghz;
  // Eq. (30a): normalised surface admittance, horizontal polarisation; eq. (30b): vertical.
  double k = 0.036 * std::cbrt(1.0 / (adft_km * f_ghz)) *
             std::pow((eps_r - 1.0) * (eps_r - 1.0) + x_cond * x_cond, -0.25);
  if (pol == Polarization::vertical) k *= std::sqrt(eps_r * eps_r + x_cond * x_cond);
  const double k2 = k * k;
  const double k4 = k2 * k2;
  FirstTermCoeffs c;
  c.beta = (1.0 + 1.6 * k2 + 0.67 * k4) / (1.0 + 4.5 * k2 + 1.53 * k4);  // eq. (31)
  c.x_per_km = 21.88 * c.beta * std::cbrt(f_ghz / (adft_km * adft_km));  // eq. (32)
  c.y_per_m = 0.9575 * c.beta * std::cbrt(f_ghz * f_ghz / adft_km);     // eq. (33)
  c.g_floor_db = 2.0 + 20.0 * std::log10(k);                             // limit of eq. (36)
  return c;
}

namespace {

FirstTerm first_term_eval(const FirstTermCoeffs& c, double d_km, double hte_m, double hre_m) {
  const double x = c.x_per_km * d_km;
  // Eq. (34): distance term.
  const double fx = (x >= 1.6) ? 11.0 + 10.0 * std::log10(x) - 17.6 * x
                               : -20.0 * std::log10(x) - 5.6488 * std::pow(x, 1.425);
  // Eqs. (35)-(36): height-gain term, limited below by 2 + 20 log K.
  auto height_gain = [&](double y) {
    const double b = c.beta * y;
    if (!(b > 0.0)) return c.g_floor_db;  // zero height: 20 log(0) = -inf, the floor applies
    const double gy = (b > 2.0) ? 17.6 * std::sqrt(b - 1.1) - 5.0 * std::log10(b - 1.1) - 8.0
                                : 20.0 * std::log10(b + 0.1 * b * b * b);
    return std::max(gy, c.g_floor_db);
  };
  const double gt = height_gain(c.y_per_m * hte_m);
  const double gr = height_gain(c.y_per_m * hre_m);
  return {-fx - gt - gr, fx, gt, gr};  // eq. (36): Ldft = -F(X) - G(Yt) - G(Yr)
}

FirstTerm first_term_single(double d_km, double hte_m, double hre_m, double adft_km, double f_ghz, Polarization pol,
                            const Ground& g) {
  return first_term_eval(first_term_coeffs(adft_km, f_ghz, pol, g.eps_r, g.sigma_s_per_m), d_km, hte_m, hre_m);
}

// Eq. (29): Ldft = omega * Ldft(sea) + (1 - omega) * Ldft(land); intermediate terms weighted alike.
FirstTerm first_term(double d_km, double hte_m, double hre_m, double adft_km, double f_ghz, Polarization pol,
                     const GroundMix& gm) {
  const double w = gm.sea_fraction;
  if (w <= 0.0) return first_term_single(d_km, hte_m, hre_m, adft_km, f_ghz, pol, gm.land);
  if (w >= 1.0) return first_term_single(d_km, hte_m, hre_m, adft_km, f_ghz, pol, gm.sea);
  const FirstTerm land = first_term_single(d_km, hte_m, hre_m, adft_km, f_ghz, pol, gm.land);
  const FirstTerm sea = first_term_single(d_km, hte_m, hre_m, adft_km, f_ghz, pol, gm.sea);
  auto mix = [w](double s, double l) { return w * s + (1.0 - w) * l; };
  return {mix(sea.ldft_db, land.ldft_db), mix(sea.fx_db, land.fx_db), mix(sea.g_yt_db, land.g_yt_db),
          mix(sea.g_yr_db, land.g_yr_db)};
}

struct SphericalOut {
  double ldsph_db;
  double fx_db, g_yt_db, g_yr_db, adft_km;  // NaN when no first-term evaluation
  bool modified_radius;
};

// Spherical-Earth diffraction loss for path length d, antenna heights hte/hre above the smooth
// surface and effective radius ap, eqs. (23)-(28).
// `ft(adft_km)` gives the first-term loss for the path with effective radius adft_km.
template <class FirstTermAt>
SphericalOut spherical_earth_with(double d_km, double hte_m, double hre_m, double ap_km, double lambda_m,
                                  FirstTermAt&& ft_at) {
  // Eq. (23): marginal LoS distance for a smooth path.
  const double dlos = std::sqrt(2.0 * ap_km) * (std::sqrt(0.001 * hte_m) + std::sqrt(0.001 * hre_m));
  if (d_km >= dlos) {
    const FirstTerm ft = ft_at(ap_km);
    return {ft.ldft_db, ft.fx_db, ft.g_yt_db, ft.g_yr_db, ap_km, false};
  }
  // Smallest clearance hse between the curved-Earth path and the ray, eqs. (24)-(25).
  const double hsum = hte_m + hre_m;  // > 0 here since d > 0 and d < dlos
  const double c = (hte_m - hre_m) / hsum;                       // eq. (25d)
  const double m = 250.0 * d_km * d_km / (ap_km * hsum);         // eq. (25e)
  double arg = 1.5 * c * std::sqrt(3.0 * m / ((m + 1.0) * (m + 1.0) * (m + 1.0)));
  arg = std::clamp(arg, -1.0, 1.0);  // guard rounding only
  const double b = 2.0 * std::sqrt((m + 1.0) / (3.0 * m)) * std::cos(kPi / 3.0 + std::acos(arg) / 3.0);  // eq. (25c)
  const double dse1 = 0.5 * d_km * (1.0 + b);  // eq. (25a)
  const double dse2 = d_km - dse1;             // eq. (25b)
  const double hse = ((hte_m - 500.0 * dse1 * dse1 / ap_km) * dse2 + (hre_m - 500.0 * dse2 * dse2 / ap_km) * dse1) /
                     d_km;  // eq. (24)
  const double hreq = 17.456 * std::sqrt(dse1 * dse2 * lambda_m / d_km);  // eq. (26): clearance for zero loss
  if (hse > hreq) return {0.0, kNaN, kNaN, kNaN, kNaN, false};
  // Eq. (27): modified effective Earth radius giving marginal LoS at distance d.
  const double root_sum = std::sqrt(hte_m) + std::sqrt(hre_m);
  const double aem = 500.0 * (d_km / root_sum) * (d_km / root_sum);
  const FirstTerm ft = ft_at(aem);
  const double ldsph = (ft.ldft_db < 0.0) ? 0.0 : (1.0 - hse / hreq) * ft.ldft_db;  // eq. (28)
  return {ldsph, ft.fx_db, ft.g_yt_db, ft.g_yr_db, aem, true};
}

SphericalOut spherical_earth(double d_km, double hte_m, double hre_m, double ap_km, double f_ghz, double lambda_m,
                             Polarization pol, const GroundMix& gm) {
  return spherical_earth_with(d_km, hte_m, hre_m, ap_km, lambda_m, [&](double adft_km) {
    return first_term(d_km, hte_m, hre_m, adft_km, f_ghz, pol, gm);
  });
}

// ---------------------------------------------------------------------------------------------
// Smooth-Earth heights, P.452 Att. 2 §5.1.6.2 and §5.1.6.3 (terrain heights h).

SmoothEarthHeights smooth_heights(const double* d, const double* h, std::size_t n, double hts_m, double hrs_m) {
  const double dt = d[n - 1];
  // §5.1.6.2: least-squares straight line (in the d-h plane) through the profile.
  double v1 = 0.0;
  double v2 = 0.0;
  for (std::size_t i = 1; i < n; ++i) {
    const double dd = d[i] - d[i - 1];
    v1 += dd * (h[i] + h[i - 1]);
    v2 += dd * (h[i] * (2.0 * d[i] + d[i - 1]) + h[i - 1] * (d[i] + 2.0 * d[i - 1]));
  }
  const double hst = (2.0 * v1 * dt - v2) / (dt * dt);
  const double hsr = (v2 - v1 * dt) / (dt * dt);

  // §5.1.6.3: highest obstruction above the straight tx-rx line (flat-Earth geometry) and the
  // horizon elevation angles alpha_obt = max(Hi / di), alpha_obr = max(Hi / (d - di)).
  const double inv_dt = 1.0 / dt;
  auto obstruction = [&](std::size_t i) { return h[i] - (hts_m * (dt - d[i]) + hrs_m * d[i]) * inv_dt; };
  const double h1 = obstruction(1);
  double hobs = h1;
  RatioMax aobt{h1, d[1]};
  RatioMax aobr{h1, dt - d[1]};
  for (std::size_t i = 2; i + 1 < n; ++i) {
    const double hi = obstruction(i);
    hobs = std::max(hobs, hi);
    aobt.add(hi, d[i]);
    aobr.add(hi, dt - d[i]);
  }
  double hstp = hst;
  double hsrp = hsr;
  if (hobs > 0.0) {  // obstructed: lower the smooth surface, split according to the horizon angles
    const double a_t = aobt.value();
    const double a_r = aobr.value();
    const double gt = a_t / (a_t + a_r);
    const double gr = a_r / (a_t + a_r);
    hstp = hst - hobs * gt;
    hsrp = hsr - hobs * gr;
  }
  // Final values: not above the terrain at the terminals.
  return {hst, hsr, std::min(hstp, h[0]), std::min(hsrp, h[n - 1])};
}

// ---------------------------------------------------------------------------------------------
// Complete delta-Bullington, P.452 §4.2.3 eqs. (37)-(40) (= P.526-15 §4.5.2).

template <class Heights>
DeltaBullingtonResult delta_bullington_core(const double* d, std::size_t n, Heights actual, double hts_m,
                                            double hrs_m, const SmoothEarthHeights& se, double freq_mhz,
                                            double ap_km, Polarization pol, const GroundMix& gm) {
  const double lambda_m = kSpeedOfLight_m_per_s / (freq_mhz * 1e6);
  const double f_ghz = freq_mhz * 1e-3;
  const double ce = 1.0 / ap_km;
  DeltaBullingtonResult r{};
  r.htc_m = hts_m;
  r.hrc_m = hrs_m;
  r.hstd_m = se.hstd_m;
  r.hsrd_m = se.hsrd_m;

  const BullingtonOut actual_b = bullington(d, n, actual, hts_m, hrs_m, lambda_m, ce);  // Lbulla
  r.lba_db = actual_b.loss_db;
  r.line_of_sight = actual_b.line_of_sight;

  // Eq. (38): antenna heights above the smooth surface; Bullington for the zero-height profile.
  r.hts_smooth_m = hts_m - se.hstd_m;
  r.hrs_smooth_m = hrs_m - se.hsrd_m;
  r.lbs_db = bullington(d, n, ZeroHeights{}, r.hts_smooth_m, r.hrs_smooth_m, lambda_m, ce).loss_db;  // Lbulls

  // Eq. (39): spherical-Earth loss with hte = hts', hre = hrs'.
  const SphericalOut sph = spherical_earth(d[n - 1], r.hts_smooth_m, r.hrs_smooth_m, ap_km, f_ghz, lambda_m, pol, gm);
  r.lsph_db = sph.ldsph_db;
  r.fx_db = sph.fx_db;
  r.g_y1_db = sph.g_yt_db;
  r.g_y2_db = sph.g_yr_db;
  r.adft_km = sph.adft_km;
  r.sph_modified_radius = sph.modified_radius;

  r.ld_db = r.lba_db + std::max(r.lsph_db - r.lbs_db, 0.0);  // eq. (40)
  return r;
}

}  // namespace

// =============================================================================================
// Public API

double knife_edge_loss_db(double nu) {
  if (nu <= -0.78) return 0.0;  // P.526-15 eq. (31) is defined for nu > -0.78
  const double t = nu - 0.1;
  return 6.9 + 20.0 * std::log10(std::sqrt(t * t + 1.0) + t);
}

SmoothEarthHeights smooth_earth_heights(const std::vector<double>& d_km, const std::vector<double>& h_m,
                                        double hts_m_amsl, double hrs_m_amsl) {
  constexpr const char* fn = "smooth_earth_heights";
  validate_profile(fn, d_km, h_m);
  validate_antennas(fn, h_m, hts_m_amsl, hrs_m_amsl);
  return smooth_heights(d_km.data(), h_m.data(), d_km.size(), hts_m_amsl, hrs_m_amsl);
}

DeltaBullingtonResult delta_bullington(const std::vector<double>& d_km, const std::vector<double>& h_m,
                                       double hts_m_amsl, double hrs_m_amsl, double freq_mhz, double ae_km,
                                       Polarization pol, double eps_r, double sigma_s_per_m) {
  constexpr const char* fn = "delta_bullington";
  validate_profile(fn, d_km, h_m);
  validate_antennas(fn, h_m, hts_m_amsl, hrs_m_amsl);
  validate_frequency(fn, freq_mhz, 30.0, 50000.0);
  require_finite(fn, "ae_km", ae_km);
  if (!(ae_km > 0.0)) throw_range(fn, "ae_km", ae_km, "(0, inf) km");
  require_finite(fn, "eps_r", eps_r);
  if (!(eps_r > 1.0)) throw_range(fn, "eps_r", eps_r, "(1, inf)");
  require_finite(fn, "sigma_s_per_m", sigma_s_per_m);
  if (!(sigma_s_per_m >= 0.0)) throw_range(fn, "sigma_s_per_m", sigma_s_per_m, "[0, inf) S/m");

  const std::size_t n = d_km.size();
  const SmoothEarthHeights se = smooth_heights(d_km.data(), h_m.data(), n, hts_m_amsl, hrs_m_amsl);
  const Ground ground{eps_r, sigma_s_per_m};
  const GroundMix gm{0.0, ground, ground};
  return delta_bullington_core(d_km.data(), n, ArrayHeights{h_m.data()}, hts_m_amsl, hrs_m_amsl, se, freq_mhz, ae_km,
                               pol, gm);
}

double bullington_loss_db(const std::vector<double>& d_km, const std::vector<double>& h_m, double hts_m_amsl,
                          double hrs_m_amsl, double freq_mhz, double ae_km) {
  constexpr const char* fn = "bullington_loss_db";
  validate_profile(fn, d_km, h_m);
  validate_antennas(fn, h_m, hts_m_amsl, hrs_m_amsl);
  validate_frequency(fn, freq_mhz, 30.0, 50000.0);
  require_finite(fn, "ae_km", ae_km);
  if (!(ae_km > 0.0)) throw_range(fn, "ae_km", ae_km, "(0, inf) km");
  const double lambda_m = kSpeedOfLight_m_per_s / (freq_mhz * 1e6);
  return bullington(d_km.data(), d_km.size(), ArrayHeights{h_m.data()}, hts_m_amsl, hrs_m_amsl, lambda_m, 1.0 / ae_km)
      .loss_db;
}

SphericalEarth::SphericalEarth(double ap_km, double freq_mhz, Polarization pol, double eps_r, double sigma_s_per_m)
    : ap_km_(ap_km),
      f_ghz_(freq_mhz * 1e-3),
      lambda_m_(kSpeedOfLight_m_per_s / (freq_mhz * 1e6)),
      pol_(pol),
      eps_r_(eps_r),
      sigma_(sigma_s_per_m),
      at_ap_(first_term_coeffs(ap_km, freq_mhz * 1e-3, pol, eps_r, sigma_s_per_m)) {}

double SphericalEarth::loss_db(double d_km, double hte_m, double hre_m) const {
  return spherical_earth_with(d_km, hte_m, hre_m, ap_km_, lambda_m_, [&](double adft_km) {
           const FirstTermCoeffs c =
               adft_km == ap_km_ ? at_ap_ : first_term_coeffs(adft_km, f_ghz_, pol_, eps_r_, sigma_);
           return first_term_eval(c, d_km, hte_m, hre_m);
         }).ldsph_db;
}

double spherical_earth_loss_db(double d_km, double hte_m, double hre_m, double ap_km, double freq_mhz,
                               Polarization pol, double eps_r, double sigma_s_per_m) {
  return SphericalEarth(ap_km, freq_mhz, pol, eps_r, sigma_s_per_m).loss_db(d_km, hte_m, hre_m);
}

double inverse_complementary_normal(double x) {
  if (!(x > 0.0 && x < 1.0)) throw_range("inverse_complementary_normal", "x", x, "(0, 1)");
  // P.452 Attachment 3: I(x) = T(x) - xi(x) for x <= 0.5, with T(x) = sqrt(-2 ln x) and a rational
  // approximation xi; the upper half follows from the symmetry I(1 - x) = -I(x).
  const bool upper = x > 0.5;
  const double q = upper ? 1.0 - x : x;
  constexpr double c0 = 2.515516698, c1 = 0.802853, c2 = 0.010328;
  constexpr double d1 = 1.432788, d2 = 0.189269, d3 = 0.001308;
  const double t = std::sqrt(-2.0 * std::log(q));
  const double xi = ((c2 * t + c1) * t + c0) / (((d3 * t + d2) * t + d1) * t + 1.0);
  const double i = t - xi;
  return upper ? -i : i;
}

P452DiffractionResult p452_diffraction(const std::vector<double>& d_km, const std::vector<double>& h_m,
                                       double hts_m_amsl, double hrs_m_amsl, double freq_mhz, double delta_n,
                                       double p_pct, double beta0_pct, Polarization pol, double omega,
                                       const std::vector<double>& clutter_height_m) {
  constexpr const char* fn = "p452_diffraction";
  validate_profile(fn, d_km, h_m);
  validate_antennas(fn, h_m, hts_m_amsl, hrs_m_amsl);
  validate_frequency(fn, freq_mhz, 100.0, 50000.0);
  require_finite(fn, "delta_n", delta_n);
  if (!(delta_n >= 0.0 && delta_n < 157.0)) throw_range(fn, "delta_n", delta_n, "[0, 157) N-units/km");
  require_finite(fn, "p_pct", p_pct);
  if (!(p_pct >= 0.001 && p_pct <= 50.0)) throw_range(fn, "p_pct", p_pct, "[0.001, 50] %");
  require_finite(fn, "beta0_pct", beta0_pct);
  if (!(beta0_pct > 0.0 && beta0_pct <= 50.0)) throw_range(fn, "beta0_pct", beta0_pct, "(0, 50] %");
  require_finite(fn, "omega", omega);
  if (!(omega >= 0.0 && omega <= 1.0)) throw_range(fn, "omega", omega, "[0, 1]");
  const bool has_clutter = !clutter_height_m.empty();
  if (has_clutter) {
    if (clutter_height_m.size() != d_km.size())
      throw_input(fn, "profile sizes differ: 'clutter_height_m' has " + std::to_string(clutter_height_m.size()) +
                          " points, 'd_km' has " + std::to_string(d_km.size()));
    for (std::size_t i = 0; i < clutter_height_m.size(); ++i) {
      if (!std::isfinite(clutter_height_m[i]) || clutter_height_m[i] < 0.0)
        throw_input(fn, "'clutter_height_m[" + std::to_string(i) + "]' = " + fmt(clutter_height_m[i]) +
                            " must be finite and >= 0");
    }
  }

  const std::size_t n = d_km.size();
  const double* d = d_km.data();
  // Smooth-Earth heights from the terrain profile only (Att. 2 §5.1.6.3); independent of ap.
  const SmoothEarthHeights se = smooth_heights(d, h_m.data(), n, hts_m_amsl, hrs_m_amsl);
  const GroundMix gm{omega, Ground{22.0, 0.003}, Ground{80.0, 5.0}};  // eq. (29): land and sea

  P452DiffractionResult out{};
  out.ae_km = 157.0 / (157.0 - delta_n) * kEarthRadius_km;  // eqs. (5), (6a): k50 * 6371
  out.a_beta_km = kKBeta * kEarthRadius_km;                 // eq. (6b)

  auto evaluate = [&](double ap_km) {
    if (has_clutter)
      return delta_bullington_core(d, n, ClutterHeights{d, h_m.data(), clutter_height_m.data(), d[n - 1]},
                                   hts_m_amsl, hrs_m_amsl, se, freq_mhz, ap_km, pol, gm);
    return delta_bullington_core(d, n, ArrayHeights{h_m.data()}, hts_m_amsl, hrs_m_amsl, se, freq_mhz, ap_km, pol,
                                 gm);
  };

  // §4.2.4: median loss for ap = ae.
  out.median = evaluate(out.ae_km);
  out.ld50_db = out.median.ld_db;
  out.ldsph50_db = out.median.lsph_db;
  if (p_pct >= 50.0) {  // p = 50 %: Ldp = Ld50
    out.ldp_db = out.ld50_db;
    out.ld_beta_db = kNaN;
    out.fi = 0.0;
    return out;
  }
  // Loss not exceeded for beta0 % of time (ap = a_beta), then interpolation, eqs. (41)-(42).
  out.ld_beta_db = evaluate(out.a_beta_km).ld_db;
  out.fi = (p_pct > beta0_pct) ? inverse_complementary_normal(p_pct / 100.0) / inverse_complementary_normal(beta0_pct / 100.0)
                               : 1.0;  // eq. (41a), (41b)
  out.ldp_db = out.ld50_db + out.fi * (out.ld_beta_db - out.ld50_db);  // eq. (42)
  return out;
}

}  // namespace phusong::radio
