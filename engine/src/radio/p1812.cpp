// phusong — ITU-R P.1812-7/-8 basic transmission loss (see p1812.hpp for the version notes).
//
// Written from the formulas of the Recommendation. Equation numbers "(n)" are those of P.1812 Annex 1
// as used by the ITU-R WP 3M reference implementation; "Att. 1" is Annex 1 Attachment 1 (path profile
// analysis).
//
// The diffraction part is the delta-Bullington model of phusong/radio/diffraction.hpp, called
// through its public helpers with P.1812 inputs prepared here:
//   * Lbulla: bullington_loss_db() on the radio profile g (g_i = h_i + R_i or surface heights for the
//     intermediate points, g = h at the terminals, §3.2) — no 50 m terminal exclusion as in P.452-18;
//   * Lbulls and Ldsph: delta_bullington() on an all-zero profile with the modified antenna heights
//     hts - hstd, hrs - hsrd (on a zero profile its smooth surface is 0, so the heights are used as
//     given); for mixed land/sea paths it is called for land and sea ground and the first-term losses
//     are combined as ω·Ldft(sea) + (1-ω)·Ldft(land) (P.1812 eq. (28)).
//   * hstd, hsrd and the least-squares smooth-Earth heights: smooth_earth_heights() on the terrain h.
//
// Performance: a few linear passes over the profile; the radio profile and the zero profile are built
// in per-thread scratch buffers, so repeated calls on one thread do not allocate.
#include "phusong/radio/p1812.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <sstream>
#include <string>

#include "phusong/error.hpp"
#include "phusong/radio/service.hpp"
#include "radio/checks.hpp"

namespace phusong::radio {
namespace {

constexpr double kEarthRadius_km = 6371.0;  // §3.7 and P.2001 Attachment H
constexpr double kPi = 3.14159265358979323846;
constexpr double kDeg = kPi / 180.0;

// ---------------------------------------------------------------------------------------------
// Argument validation (messages name the function, the argument and its value).

using detail::fmt;
using detail::require_finite;
using detail::throw_input;
using detail::throw_range;

void require_in(const char* fn, const char* arg, double v, double lo, double hi, const char* unit) {
  require_finite(fn, arg, v);
  if (v < lo || v > hi) throw_range(fn, arg, v, "[" + fmt(lo) + ", " + fmt(hi) + "] " + unit);
}

void validate(const P1812Input& in) {
  constexpr const char* fn = "p1812";
  const std::size_t n = in.d_km.size();
  if (in.h_m.size() != n)
    throw_input(fn, "profile sizes differ: 'd_km' has " + std::to_string(n) + " points, 'h_m' has " +
                        std::to_string(in.h_m.size()));
  if (n < 3) throw_input(fn, "profile 'd_km' has " + std::to_string(n) + " points; at least 3 are required");
  if (in.d_km[0] != 0.0) throw_input(fn, "profile 'd_km[0]' = " + fmt(in.d_km[0]) + " must be 0 (distance from transmitter)");
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(in.d_km[i]))
      throw_input(fn, "profile 'd_km[" + std::to_string(i) + "]' = " + fmt(in.d_km[i]) + " is not finite");
    if (!std::isfinite(in.h_m[i]))
      throw_input(fn, "profile 'h_m[" + std::to_string(i) + "]' = " + fmt(in.h_m[i]) + " is not finite");
    if (i > 0 && !(in.d_km[i] > in.d_km[i - 1]))
      throw_input(fn, "profile 'd_km' is not strictly increasing: d_km[" + std::to_string(i) + "] = " +
                          fmt(in.d_km[i]) + " <= d_km[" + std::to_string(i - 1) + "] = " + fmt(in.d_km[i - 1]));
  }
  if (!in.r_m.empty() && !in.surface_m.empty())
    throw_input(fn, "give either 'r_m' (representative clutter heights) or 'surface_m' (surface heights), not both");
  if (!in.r_m.empty()) {
    if (in.r_m.size() != n)
      throw_input(fn, "profile sizes differ: 'r_m' has " + std::to_string(in.r_m.size()) + " points, 'd_km' has " +
                          std::to_string(n));
    for (std::size_t i = 0; i < n; ++i)
      if (!std::isfinite(in.r_m[i]) || in.r_m[i] < 0.0)
        throw_input(fn, "'r_m[" + std::to_string(i) + "]' = " + fmt(in.r_m[i]) + " must be finite and >= 0");
  }
  if (!in.surface_m.empty()) {
    if (in.surface_m.size() != n)
      throw_input(fn, "profile sizes differ: 'surface_m' has " + std::to_string(in.surface_m.size()) +
                          " points, 'd_km' has " + std::to_string(n));
    for (std::size_t i = 0; i < n; ++i)
      if (!std::isfinite(in.surface_m[i]))
        throw_input(fn, "'surface_m[" + std::to_string(i) + "]' = " + fmt(in.surface_m[i]) + " is not finite");
  }
  if (!in.zone.empty()) {
    if (in.zone.size() != n)
      throw_input(fn, "profile sizes differ: 'zone' has " + std::to_string(in.zone.size()) + " points, 'd_km' has " +
                          std::to_string(n));
    for (std::size_t i = 0; i < n; ++i) {
      const auto z = in.zone[i];
      if (z != RadioClimaticZone::sea && z != RadioClimaticZone::coastal_land && z != RadioClimaticZone::inland)
        throw_input(fn, "'zone[" + std::to_string(i) + "]' = " + std::to_string(static_cast<int>(z)) +
                            " is not a radio-climatic zone (1 sea, 3 coastal land, 4 inland)");
    }
  }
  require_in(fn, "freq_mhz", in.freq_mhz, 30.0, 6000.0, "MHz");
  require_in(fn, "p_pct", in.p_pct, 1.0, 50.0, "%");
  require_in(fn, "pl_pct", in.pl_pct, 1.0, 99.0, "%");
  require_in(fn, "htg_m", in.htg_m, 1.0, 3000.0, "m");
  require_in(fn, "hrg_m", in.hrg_m, 1.0, 3000.0, "m");
  if (in.d_km.back() > 3000.0) throw_range(fn, "d_km (path length)", in.d_km.back(), "(0, 3000] km");
  require_finite(fn, "delta_n", in.delta_n);
  if (!(in.delta_n >= 0.0 && in.delta_n < 157.0)) throw_range(fn, "delta_n", in.delta_n, "[0, 157) N-units/km");
  require_finite(fn, "n0", in.n0);
  if (!(in.n0 > 0.0 && in.n0 < 1000.0)) throw_range(fn, "n0", in.n0, "(0, 1000) N-units");
  if (std::isnan(in.beta0_pct)) {
    if (std::isnan(in.lat_deg))
      throw_input(fn, "either 'lat_deg' (latitude of the path centre) or 'beta0_pct' must be given");
    require_in(fn, "lat_deg", in.lat_deg, -90.0, 90.0, "degrees");
  } else {
    require_finite(fn, "beta0_pct", in.beta0_pct);
    if (!(in.beta0_pct > 0.0 && in.beta0_pct <= 50.0)) throw_range(fn, "beta0_pct", in.beta0_pct, "(0, 50] %");
  }
  if (!std::isnan(in.dct_km)) require_in(fn, "dct_km", in.dct_km, 0.0, std::numeric_limits<double>::max(), "km");
  if (!std::isnan(in.dcr_km)) require_in(fn, "dcr_km", in.dcr_km, 0.0, std::numeric_limits<double>::max(), "km");
  if (!std::isnan(in.sigma_l_db))
    require_in(fn, "sigma_l_db", in.sigma_l_db, 0.0, std::numeric_limits<double>::max(), "dB");
  require_finite(fn, "wa_m", in.wa_m);
  if (!(in.wa_m > 0.0)) throw_range(fn, "wa_m", in.wa_m, "(0, inf) m");
  if (in.indoor) {
    require_in(fn, "freq_mhz (building entry loss, P.2109)", in.freq_mhz, 80.0, 100000.0, "MHz");
    require_finite(fn, "bel_prob_pct", in.bel_prob_pct);
    if (!(in.bel_prob_pct > 0.0 && in.bel_prob_pct < 100.0))
      throw_range(fn, "bel_prob_pct", in.bel_prob_pct, "(0, 100) %");
    require_finite(fn, "bel_elevation_deg", in.bel_elevation_deg);
    if (!(in.bel_elevation_deg > -90.0 && in.bel_elevation_deg < 90.0))
      throw_range(fn, "bel_elevation_deg", in.bel_elevation_deg, "(-90, 90) degrees");
  }
}

// ---------------------------------------------------------------------------------------------
// Per-thread scratch: the radio profile g and an all-zero profile for the smooth-path Bullington.

struct Scratch {
  std::vector<double> g;
  std::vector<double> zeros;
};

Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

// ---------------------------------------------------------------------------------------------
// Radio-climatic zones (§3.3, §3.6). Each profile point stands for the interval half-way to its
// neighbours (the convention of the ITU-R reference implementation), so a run of points i0..i1 of a
// zone covers d[i1] - d[i0] plus half the spacing to the neighbouring points (none at the path ends).

RadioClimaticZone zone_at(const P1812Input& in, std::size_t i) {
  return in.zone.empty() ? RadioClimaticZone::inland : in.zone[i];
}

struct ZoneStats {
  double sea_km;       // total length over sea
  double longest_land_km;    // dtm: longest continuous land (coastal + inland) section
  double longest_inland_km;  // dlm: longest continuous inland section
};

template <class Pred>
void scan_runs(const double* d, std::size_t n, Pred pred, double& total, double& longest) {
  total = 0.0;
  longest = 0.0;
  std::size_t i = 0;
  while (i < n) {
    if (!pred(i)) {
      ++i;
      continue;
    }
    const std::size_t s = i;
    while (i + 1 < n && pred(i + 1)) ++i;
    const std::size_t e = i;
    double len = d[e] - d[s];
    if (e + 1 < n) len += 0.5 * (d[e + 1] - d[e]);
    if (s > 0) len += 0.5 * (d[s] - d[s - 1]);
    total += len;
    longest = std::max(longest, len);
    ++i;
  }
}

ZoneStats zone_stats(const P1812Input& in) {
  const std::size_t n = in.d_km.size();
  const double* d = in.d_km.data();
  ZoneStats z{};
  if (in.zone.empty()) {
    z.sea_km = 0.0;
    z.longest_land_km = z.longest_inland_km = d[n - 1];
    return z;
  }
  double total = 0.0;
  double longest = 0.0;
  scan_runs(d, n, [&](std::size_t i) { return in.zone[i] == RadioClimaticZone::sea; }, total, longest);
  z.sea_km = total;
  scan_runs(d, n, [&](std::size_t i) { return in.zone[i] != RadioClimaticZone::sea; }, total, longest);
  z.longest_land_km = longest;
  scan_runs(d, n, [&](std::size_t i) { return in.zone[i] == RadioClimaticZone::inland; }, total, longest);
  z.longest_inland_km = longest;
  return z;
}

// β0 (%), eqs. (2)-(5): time percentage for which refractivity lapse rates exceeding 100 N-units/km
// can be expected in the first 100 m of the lower atmosphere.
double beta0_from_latitude(double lat_deg, double dtm_km, double dlm_km) {
  const double tau = 1.0 - std::exp(-4.12e-4 * std::pow(dlm_km, 2.41));                        // (3)
  double mu1 = std::pow(std::pow(10.0, -dtm_km / (16.0 - 6.6 * tau)) + std::pow(10.0, -5.0 * (0.496 + 0.354 * tau)),
                        0.2);                                                                  // (2)
  mu1 = std::min(mu1, 1.0);
  const double alat = std::fabs(lat_deg);
  if (alat <= 70.0) {
    const double mu4 = std::pow(mu1, -0.935 + 0.0176 * alat);  // (4)
    return std::pow(10.0, -0.015 * alat + 1.67) * mu1 * mu4;   // (5)
  }
  const double mu4 = std::pow(mu1, 0.3);
  return 4.17 * mu1 * mu4;
}

// ---------------------------------------------------------------------------------------------
// Path profile analysis, Att. 1 §5 (terrain heights h; the radio profile g is used only by the
// Bullington part of the diffraction model, as in the reference implementation).

struct Horizons {
  double theta_t_mrad, theta_r_mrad, dlt_km, dlr_km;
  std::size_t lt, lr;  // profile indices of the Tx and Rx horizon (or Bullington) points
  bool trans_horizon;
};

Horizons horizons(const double* d, const double* h, std::size_t n, double hts, double hrs, double ae_km,
                  double lambda_m) {
  const double dt = d[n - 1];
  Horizons r{};
  // Eq. (77): elevation angle of each intermediate point seen from the Tx; first maximum. atan is
  // increasing, so the maximum is searched on its argument and atan is taken once.
  const double inv_2ae = 1.0 / (2.0 * ae_km);
  double arg_max = -std::numeric_limits<double>::infinity();
  std::size_t imax = 1;
  for (std::size_t i = 1; i + 1 < n; ++i) {
    const double a = (h[i] - hts) / (1000.0 * d[i]) - d[i] * inv_2ae;
    if (a > arg_max) {
      arg_max = a;
      imax = i;
    }
  }
  const double theta_max = 1000.0 * std::atan(arg_max);
  const double theta_td = 1000.0 * std::atan((hrs - hts) / (1000.0 * dt) - dt / (2.0 * ae_km));  // (78)
  r.trans_horizon = theta_max > theta_td;
  r.theta_t_mrad = std::max(theta_max, theta_td);  // (79)
  if (r.trans_horizon) {
    r.lt = imax;
    r.dlt_km = d[imax];  // (80)
    // Eq. (82a): elevation angles seen from the Rx; last maximum.
    double argr_max = -std::numeric_limits<double>::infinity();
    std::size_t jmax = n - 2;
    for (std::size_t i = 1; i + 1 < n; ++i) {
      const double dr = dt - d[i];
      const double a = (h[i] - hrs) / (1000.0 * dr) - dr * inv_2ae;
      if (a >= argr_max) {
        argr_max = a;
        jmax = i;
      }
    }
    r.theta_r_mrad = 1000.0 * std::atan(argr_max);
    r.lr = jmax;
    r.dlr_km = dt - d[jmax];  // (83)
  } else {
    r.theta_r_mrad = 1000.0 * std::atan((hts - hrs) / (1000.0 * dt) - dt / (2.0 * ae_km));  // (81)
    // LoS: dlt, dlr are the distances to the point of highest diffraction parameter ν (the Bullington
    // point of the 50 % diffraction model, Ce = 1/ae, terrain heights); last maximum.
    const double half_ce = 500.0 / ae_km;
    double nu_max = -std::numeric_limits<double>::infinity();
    std::size_t kmax = 1;
    for (std::size_t i = 1; i + 1 < n; ++i) {
      const double di = d[i];
      const double dr = dt - di;
      const double nu = (h[i] + half_ce * di * dr - (hts * dr + hrs * di) / dt) *
                        std::sqrt(0.002 * dt / (lambda_m * di * dr));
      if (nu >= nu_max) {
        nu_max = nu;
        kmax = i;
      }
    }
    r.lt = r.lr = kmax;
    r.dlt_km = d[kmax];
    r.dlr_km = dt - r.dlt_km;
  }
  return r;
}

// ---------------------------------------------------------------------------------------------
// Delta-Bullington diffraction for one effective Earth radius, §4.3.4 eq. (39), over the radio
// profile g, with the mixed land/sea first-term loss of eq. (28).

struct Diffraction {
  double lbulla_db, lbulls_db, ldsph_db, ld_db;
};

double mixed_spherical_loss(const DeltaBullingtonResult& land, const DeltaBullingtonResult& sea, double w) {
  if (!land.sph_modified_radius) {
    // Either d >= dLoS (Ldsph = Ldft, linear in the ground mix) or hse > hreq (0 for both grounds).
    return w * sea.lsph_db + (1.0 - w) * land.lsph_db;
  }
  // Marginal-LoS branch, eqs. (26)-(27): Ldsph = (1 - hse/hreq) * max(Ldft, 0) with the mixed Ldft.
  const double ldft_land = -(land.fx_db + land.g_y1_db + land.g_y2_db);
  const double ldft_sea = -(sea.fx_db + sea.g_y1_db + sea.g_y2_db);
  const double ldft = w * ldft_sea + (1.0 - w) * ldft_land;
  if (!(ldft > 0.0)) return 0.0;
  // (1 - hse/hreq) depends on the geometry only: recover it from a ground with a positive Ldft.
  const double factor = (ldft_land > 0.0) ? land.lsph_db / ldft_land : sea.lsph_db / ldft_sea;
  return factor * ldft;
}

Diffraction delta_bullington_p1812(const std::vector<double>& d, const std::vector<double>& g,
                                   const std::vector<double>& zeros, double hts, double hrs, double hstd,
                                   double hsrd, double freq_mhz, double ap_km, Polarization pol, double omega) {
  Diffraction r{};
  r.lbulla_db = bullington_loss_db(d, g, hts, hrs, freq_mhz, ap_km);  // actual radio profile
  const double hts1 = hts - hstd;                                     // (37a)
  const double hrs1 = hrs - hsrd;                                     // (37b)
  if (omega <= 0.0) {
    const auto land = delta_bullington(d, zeros, hts1, hrs1, freq_mhz, ap_km, pol, 22.0, 0.003);
    r.lbulls_db = land.lba_db;
    r.ldsph_db = land.lsph_db;
  } else if (omega >= 1.0) {
    const auto sea = delta_bullington(d, zeros, hts1, hrs1, freq_mhz, ap_km, pol, 80.0, 5.0);
    r.lbulls_db = sea.lba_db;
    r.ldsph_db = sea.lsph_db;
  } else {
    const auto land = delta_bullington(d, zeros, hts1, hrs1, freq_mhz, ap_km, pol, 22.0, 0.003);
    const auto sea = delta_bullington(d, zeros, hts1, hrs1, freq_mhz, ap_km, pol, 80.0, 5.0);
    r.lbulls_db = land.lba_db;
    r.ldsph_db = mixed_spherical_loss(land, sea, omega);
  }
  r.ld_db = r.lbulla_db + std::max(r.ldsph_db - r.lbulls_db, 0.0);  // (39)
  return r;
}

// ---------------------------------------------------------------------------------------------
// Ducting / layer reflection, §4.5 eqs. (46)-(56).

struct DuctingInputs {
  double f_ghz, p_pct, beta0_pct, ae_km, d_km, dlt_km, dlr_km, dct_km, dcr_km, dlm_km;
  double hts_m, hrs_m, hte_m, hre_m, hm_m, theta_t_mrad, theta_r_mrad, omega;
};

double ducting_loss_db(const DuctingInputs& x) {
  const double f = x.f_ghz;
  // (47a): empirical correction for the increasing attenuation with wavelength in ducted propagation.
  const double alf = (f < 0.5) ? 45.375 - 137.0 * f + 92.5 * f * f : 0.0;
  // (48): site-shielding diffraction losses.
  auto site_shielding = [f](double theta, double dl) {
    const double th2 = theta - 0.1 * dl;  // (48a)
    if (!(th2 > 0.0)) return 0.0;
    return 20.0 * std::log10(1.0 + 0.361 * th2 * std::sqrt(f * dl)) + 0.264 * th2 * std::cbrt(f);
  };
  const double ast = site_shielding(x.theta_t_mrad, x.dlt_km);
  const double asr = site_shielding(x.theta_r_mrad, x.dlr_km);
  // (49): over-sea surface duct coupling corrections.
  auto coupling = [&](double dc, double dl, double hs) {
    if (dc <= 5.0 && dc <= dl && x.omega >= 0.75)
      return -3.0 * std::exp(-0.25 * dc * dc) * (1.0 + std::tanh(0.07 * (50.0 - hs)));
    return 0.0;
  };
  const double act = coupling(x.dct_km, x.dlt_km, x.hts_m);
  const double acr = coupling(x.dcr_km, x.dlr_km, x.hrs_m);
  const double af = 102.45 + 20.0 * std::log10(f) + 20.0 * std::log10(x.dlt_km + x.dlr_km) + alf + ast + asr + act +
                    acr;  // (47)

  const double gamma_d = 5e-5 * x.ae_km * std::cbrt(f);  // (51) specific attenuation, dB/mrad
  const double tt = std::min(x.theta_t_mrad, 0.1 * x.dlt_km);  // (52a)
  const double tr = std::min(x.theta_r_mrad, 0.1 * x.dlr_km);
  const double theta1 = 1e3 * x.d_km / x.ae_km + tt + tr;  // (52)
  const double di = std::min(x.d_km - x.dlt_km - x.dlr_km, 40.0);  // (56a)
  const double mu3 = (x.hm_m > 10.0) ? std::exp(-4.6e-5 * (x.hm_m - 10.0) * (43.0 + 6.0 * di)) : 1.0;  // (56)
  const double tau = 1.0 - std::exp(-4.12e-4 * std::pow(x.dlm_km, 2.41));  // (3)
  const double alpha = std::max(-0.6 - 3.5e-9 * std::pow(x.d_km, 3.1) * tau, -3.4);  // (55a)
  const double sq = std::sqrt(x.hte_m) + std::sqrt(x.hre_m);
  const double mu2 = std::min(std::pow(500.0 / x.ae_km * x.d_km * x.d_km / (sq * sq), alpha), 1.0);  // (55)
  const double beta = std::max(x.beta0_pct * mu2 * mu3, std::numeric_limits<double>::min());  // (54)
  const double lb = std::log10(beta);
  const double gamma = 1.076 / std::pow(2.0058 - lb, 1.012) *
                       std::exp(-(9.51 - 4.8 * lb + 0.198 * lb * lb) * 1e-6 * std::pow(x.d_km, 1.13));  // (53a)
  const double ratio = x.p_pct / beta;
  const double ap = -12.0 + (1.2 + 3.7e-3 * x.d_km) * std::log10(ratio) + 12.0 * std::pow(ratio, gamma);  // (53)
  const double adp = gamma_d * theta1 + ap;  // (50)
  return af + adp;  // (46)
}

double log_sum_exp_scaled(double a_db, double b_db, double eta) {
  // eta * ln(exp(a/eta) + exp(b/eta)) without overflow.
  const double hi = std::max(a_db, b_db);
  const double lo = std::min(a_db, b_db);
  return hi + eta * std::log1p(std::exp((lo - hi) / eta));
}

double power_sum_db(double a_db, double b_db) {
  // -5 log10(10^(-0.2 a) + 10^(-0.2 b)) without underflow (eq. (63)).
  const double lo = std::min(a_db, b_db);
  const double hi = std::max(a_db, b_db);
  return lo - 5.0 * std::log10(1.0 + std::pow(10.0, -0.2 * (hi - lo)));
}

}  // namespace

// =============================================================================================
// Public API

double p2109_building_entry_loss_db(double freq_mhz, double prob_pct, BuildingType building, double elevation_deg) {
  constexpr const char* fn = "p2109_building_entry_loss_db";
  require_in(fn, "freq_mhz", freq_mhz, 80.0, 100000.0, "MHz");
  require_finite(fn, "prob_pct", prob_pct);
  if (!(prob_pct > 0.0 && prob_pct < 100.0)) throw_range(fn, "prob_pct", prob_pct, "(0, 100) %");
  require_finite(fn, "elevation_deg", elevation_deg);
  if (!(elevation_deg > -90.0 && elevation_deg < 90.0))
    throw_range(fn, "elevation_deg", elevation_deg, "(-90, 90) degrees");
  // P.2109 Table 1 coefficients r, s, t, u, v, w, x, y, z.
  struct Coef {
    double r, s, t, u, v, w, x, y, z;
  };
  static constexpr Coef kTraditional{12.64, 3.72, 0.96, 9.6, 2.0, 9.1, -3.0, 4.5, -2.0};
  static constexpr Coef kThermal{28.19, -3.00, 8.48, 13.5, 3.8, 27.8, -2.9, 9.4, -2.1};
  const Coef& k = (building == BuildingType::traditional) ? kTraditional : kThermal;
  const double lf = std::log10(freq_mhz * 1e-3);
  const double sigma1 = k.u + k.v * lf;
  const double sigma2 = k.y + k.z * lf;
  const double mu2 = k.w + k.x * lf;
  const double lh = k.r + k.s * lf + k.t * lf * lf;  // median loss for horizontal paths
  const double le = 0.212 * std::fabs(elevation_deg);  // elevation correction
  const double mu1 = lh + le;
  const double z = inverse_normal_cdf(prob_pct / 100.0);  // radio/service.hpp
  const double a = z * sigma1 + mu1;
  const double b = z * sigma2 + mu2;
  constexpr double c = -3.0;
  return 10.0 * std::log10(std::pow(10.0, 0.1 * a) + std::pow(10.0, 0.1 * b) + std::pow(10.0, 0.1 * c));
}

GeoPoint great_circle_point(double lat_t_deg, double lon_t_deg, double lat_r_deg, double lon_r_deg,
                            double dist_from_t_km) {
  constexpr const char* fn = "great_circle_point";
  require_in(fn, "lat_t_deg", lat_t_deg, -90.0, 90.0, "degrees");
  require_in(fn, "lat_r_deg", lat_r_deg, -90.0, 90.0, "degrees");
  require_finite(fn, "lon_t_deg", lon_t_deg);
  require_finite(fn, "lon_r_deg", lon_r_deg);
  require_finite(fn, "dist_from_t_km", dist_from_t_km);
  const double pt = lat_t_deg * kDeg;
  const double pr = lat_r_deg * kDeg;
  const double dlon = (lon_r_deg - lon_t_deg) * kDeg;
  const double r = std::sin(pt) * std::sin(pr) + std::cos(pt) * std::cos(pr) * std::cos(dlon);  // (H.2.2)
  const double x1 = std::sin(pr) - r * std::sin(pt);                                            // (H.2.5a)
  const double y1 = std::cos(pt) * std::cos(pr) * std::sin(dlon);                               // (H.2.5b)
  const double bearing = (std::fabs(x1) < 1e-12 && std::fabs(y1) < 1e-12) ? 0.0 : std::atan2(y1, x1);  // (H.2.6)
  const double phi = dist_from_t_km / kEarthRadius_km;                                          // (H.3.1)
  const double s = std::sin(pt) * std::cos(phi) + std::cos(pt) * std::sin(phi) * std::cos(bearing);  // (H.3.2)
  const double lat = std::asin(std::clamp(s, -1.0, 1.0));                                        // (H.3.3)
  const double x2 = std::cos(phi) - s * std::sin(pt);                                           // (H.3.4a)
  const double y2 = std::cos(pt) * std::sin(phi) * std::sin(bearing);                           // (H.3.4b)
  double lon = lon_t_deg + std::atan2(y2, x2) / kDeg;                                           // (H.3.5)
  lon = std::remainder(lon, 360.0);
  return {lat / kDeg, lon};
}

P1812Result p1812(const P1812Input& in) {
  validate(in);
  P1812Result out;
  const std::size_t n = in.d_km.size();
  const double* d = in.d_km.data();
  const double* h = in.h_m.data();
  const double dt = d[n - 1];
  const double f_ghz = in.freq_mhz * 1e-3;
  const double lambda_m = 0.2998 / f_ghz;  // as in P.1812 (c = 2.998e8 m/s)
  const double p = in.p_pct;

  // --- §3: basic parameters.
  out.d_km = dt;
  out.hts_m = h[0] + in.htg_m;
  out.hrs_m = h[n - 1] + in.hrg_m;
  const double hts = out.hts_m;
  const double hrs = out.hrs_m;
  if (dt < 0.25)
    out.warnings.push_back("path length " + fmt(dt) + " km is below about 0.25 km, the lower limit of the method");

  // Radio profile g (§3.2.1 / §3.2.2) in the per-thread scratch buffer.
  Scratch& sc = scratch();
  std::vector<double>& g = sc.g;
  g.assign(in.h_m.begin(), in.h_m.end());
  double rx_clutter_m = 0.0;  // representative clutter height at the receiver (§4.7)
  if (!in.r_m.empty()) {
    for (std::size_t i = 1; i + 1 < n; ++i) g[i] = h[i] + in.r_m[i];
    rx_clutter_m = in.r_m[n - 1];
  } else if (!in.surface_m.empty()) {
    bool below = false;
    for (std::size_t i = 1; i + 1 < n; ++i) {
      g[i] = in.surface_m[i];
      below = below || in.surface_m[i] < h[i];
    }
    if (below) out.warnings.push_back("some surface heights 'surface_m' are below the terrain 'h_m'");
    rx_clutter_m = std::max(in.surface_m[n - 1] - h[n - 1], 0.0);
  }
  sc.zeros.assign(n, 0.0);

  // Zones, β0, effective Earth radii (§3.3-§3.7).
  const ZoneStats zs = zone_stats(in);
  out.omega = zs.sea_km / dt;  // (1)
  out.dtm_km = zs.longest_land_km;
  out.dlm_km = zs.longest_inland_km;
  out.beta0_pct = std::isnan(in.beta0_pct) ? beta0_from_latitude(in.lat_deg, out.dtm_km, out.dlm_km) : in.beta0_pct;
  const double b0 = out.beta0_pct;
  out.ae_km = kEarthRadius_km * 157.0 / (157.0 - in.delta_n);  // (6), (7a)
  out.ab_km = 3.0 * kEarthRadius_km;                            // (7b)
  out.rx_at_sea = zone_at(in, n - 1) == RadioClimaticZone::sea;
  const bool tx_at_sea = zone_at(in, 0) == RadioClimaticZone::sea;
  out.dct_km = std::isnan(in.dct_km) ? (tx_at_sea ? 0.0 : 500.0) : in.dct_km;
  out.dcr_km = std::isnan(in.dcr_km) ? (out.rx_at_sea ? 0.0 : 500.0) : in.dcr_km;

  // --- Att. 1: path profile analysis.
  const SmoothEarthHeights se = smooth_earth_heights(in.d_km, in.h_m, hts, hrs);
  out.hst_lsq_m = se.hst_m;
  out.hsr_lsq_m = se.hsr_m;
  out.hstd_m = se.hstd_m;
  out.hsrd_m = se.hsrd_m;
  const Horizons hz = horizons(d, h, n, hts, hrs, out.ae_km, lambda_m);
  out.trans_horizon = hz.trans_horizon;
  out.theta_t_mrad = hz.theta_t_mrad;
  out.theta_r_mrad = hz.theta_r_mrad;
  out.dlt_km = hz.dlt_km;
  out.dlr_km = hz.dlr_km;
  out.theta_mrad = 1e3 * dt / out.ae_km + out.theta_t_mrad + out.theta_r_mrad;  // (82)
  // Smooth-Earth heights for the ducting model and terrain roughness.
  out.hst_m = std::min(se.hst_m, h[0]);      // (92a)
  out.hsr_m = std::min(se.hsr_m, h[n - 1]);  // (92b)
  const double slope = (out.hsr_m - out.hst_m) / dt;  // (93)
  out.hte_m = in.htg_m + h[0] - out.hst_m;            // (94a)
  out.hre_m = in.hrg_m + h[n - 1] - out.hsr_m;        // (94b)
  {
    const std::size_t i0 = std::min(hz.lt, hz.lr);
    const std::size_t i1 = std::max(hz.lt, hz.lr);
    double hm = -std::numeric_limits<double>::infinity();
    for (std::size_t i = i0; i <= i1; ++i) hm = std::max(hm, h[i] - (out.hst_m + slope * d[i]));  // (95)
    out.hm_m = hm;
  }

  // --- §4.2: line of sight.
  const double dhs_km = (hts - hrs) / 1000.0;
  const double dfs_km = std::sqrt(dt * dt + dhs_km * dhs_km);                  // (8a)
  out.lbfs_db = 92.4 + 20.0 * std::log10(f_ghz) + 20.0 * std::log10(dfs_km);  // (8)
  const double multipath = 2.6 * (1.0 - std::exp(-0.1 * (out.dlt_km + out.dlr_km)));
  out.lb0p_db = out.lbfs_db + multipath * std::log10(p / 50.0);   // (9a), (10)
  out.lb0b_db = out.lbfs_db + multipath * std::log10(b0 / 50.0);  // (9b), (11)

  // --- §4.3: diffraction for ap = ae (50 %) and ap = a_β (β0 %), then Ldp.
  const Diffraction d50 = delta_bullington_p1812(in.d_km, g, sc.zeros, hts, hrs, out.hstd_m, out.hsrd_m,
                                                 in.freq_mhz, out.ae_km, in.pol, out.omega);
  const Diffraction db = delta_bullington_p1812(in.d_km, g, sc.zeros, hts, hrs, out.hstd_m, out.hsrd_m,
                                                in.freq_mhz, out.ab_km, in.pol, out.omega);
  out.lbulla50_db = d50.lbulla_db;
  out.lbulls50_db = d50.lbulls_db;
  out.ldsph50_db = d50.ldsph_db;
  out.ld50_db = d50.ld_db;
  out.lbulla_b_db = db.lbulla_db;
  out.lbulls_b_db = db.lbulls_db;
  out.ldsph_b_db = db.ldsph_db;
  out.ldb_db = db.ld_db;
  out.fi = (p >= b0) ? inverse_complementary_normal(p / 100.0) / inverse_complementary_normal(b0 / 100.0)
                     : 1.0;  // (40a), (40b)
  out.ldp_db = (p >= 50.0) ? out.ld50_db : out.ld50_db + out.fi * (out.ldb_db - out.ld50_db);  // (41)
  out.lbd50_db = out.lbfs_db + out.ld50_db;  // (42)
  out.lbd_db = out.lb0p_db + out.ldp_db;     // (43)
  out.lminb0p_db = (p < b0) ? out.lb0p_db + (1.0 - out.omega) * out.ldp_db
                            : out.lbd50_db + (out.lb0b_db + (1.0 - out.omega) * out.ldp_db - out.lbd50_db) * out.fi;  // (59)

  // --- §4.4: troposcatter, eq. (44)-(45).
  const double lf = 25.0 * std::log10(f_ghz) - 2.5 * std::pow(std::log10(f_ghz / 2.0), 2.0);
  out.lbs_db = 190.1 + lf + 20.0 * std::log10(dt) + 0.573 * out.theta_mrad - 0.15 * in.n0 -
               10.125 * std::pow(std::log10(50.0 / p), 0.7);

  // --- §4.5: ducting / layer reflection.
  const DuctingInputs dx{f_ghz,      p,           b0,          out.ae_km,   dt,          out.dlt_km,
                         out.dlr_km, out.dct_km,  out.dcr_km,  out.dlm_km,  hts,         hrs,
                         out.hte_m,  out.hre_m,   out.hm_m,    out.theta_t_mrad, out.theta_r_mrad, out.omega};
  out.lba_db = ducting_loss_db(dx);

  // --- §4.6: combination.
  constexpr double kTheta = 0.3, kXi = 0.8, kDsw = 20.0, kKappa = 0.5, kEta = 2.5;
  out.fj = 1.0 - 0.5 * (1.0 + std::tanh(3.0 * kXi * (out.theta_mrad - kTheta) / kTheta));  // (57)
  out.fk = 1.0 - 0.5 * (1.0 + std::tanh(3.0 * kKappa * (dt - kDsw) / kDsw));              // (58)
  out.lminbap_db = log_sum_exp_scaled(out.lba_db, out.lb0p_db, kEta);                     // (60)
  out.ducting_blend = out.lminbap_db <= out.lbd_db;
  out.lbda_db = out.ducting_blend ? out.lminbap_db + (out.lbd_db - out.lminbap_db) * out.fk : out.lbd_db;  // (61)
  out.lbam_db = out.lbda_db + (out.lminb0p_db - out.lbda_db) * out.fj;                                    // (62)
  out.lbc_db = power_sum_db(out.lbs_db, out.lbam_db);                                                     // (63)

  // --- §4.7, §4.9: location variability and Lb for pL % locations.
  if (out.rx_at_sea) {
    out.sigma_loc_db = 0.0;
  } else if (!std::isnan(in.sigma_l_db)) {
    out.sigma_loc_db = in.sigma_l_db;
  } else {
    const double dh = in.hrg_m - rx_clutter_m;
    const double uh = (dh < 0.0) ? 1.0 : (dh >= 10.0 ? 0.0 : 1.0 - dh / 10.0);  // antenna-height factor
    out.sigma_loc_db = (0.52 + 0.024 * f_ghz) * std::pow(in.wa_m, 0.28) * uh;
  }
  out.lloc_db = 0.0;  // outdoor reception
  const double lb_loc = out.lbc_db + out.lloc_db - inverse_complementary_normal(in.pl_pct / 100.0) * out.sigma_loc_db;
  out.lb_limited_by_lb0p = out.lb0p_db > lb_loc;
  out.lb_outdoor_db = std::max(out.lb0p_db, lb_loc);  // (69)

  // --- §4.8: optional building entry loss (ITU-R P.2109), added to the outdoor loss.
  out.lbe_db = in.indoor ? p2109_building_entry_loss_db(in.freq_mhz, in.bel_prob_pct, in.building, in.bel_elevation_deg)
                         : 0.0;
  out.lb_db = out.lb_outdoor_db + out.lbe_db;
  out.ep_dbuv_m = 199.36 + 20.0 * std::log10(f_ghz) - out.lb_db;  // (70)
  return out;
}

}  // namespace phusong::radio
