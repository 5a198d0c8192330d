// phusong — Longley-Rice Irregular Terrain Model (ITM), point-to-point mode.
//
// Own implementation of the ITS Irregular Terrain Model, algorithm version 1.2.2. References in
// comments:
//   [Alg]   G. A. Hufford, "The ITS Irregular Terrain Model, version 1.2.2: The Algorithm"
//           (sections: 3 preparatory calculations, 4 reference attenuation, 5 variability,
//           6 auxiliary functions).
//   [TN101] Rice, Longley, Norton, Barsis, NBS Technical Note 101 (1967).
//   [ERL79] Longley & Rice, ERL 79-ITS 67 (1968), "Prediction of tropospheric radio transmission
//           loss over irregular terrain: a computer method".
//   [Vog64] L. E. Vogler, "Calculation of groundwave attenuation in the far diffraction region".
// The numerical conventions (profile processing, guard rails, error and warning conditions)
// follow NTIA's ITM library v1.4, against whose outputs the tests check this code.

#include "phusong/radio/itm.hpp"

#include "common/fastmath.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <functional>
#include <limits>
#include <memory>
#include <sstream>
#include <type_traits>
#include <vector>

#include "phusong/error.hpp"

namespace phusong::radio {
namespace {

using cplx = std::complex<double>;

constexpr double kPi = 3.1415926535897932384;
constexpr double kThird = 1.0 / 3.0;
constexpr double kActualEarthCurvature = 157e-9;  // gamma_a, 1 / (6370 km)   [Alg 3]
constexpr double kEarthRadius_m = 6370e3;          // a_0 of [Vog64]
constexpr double kEarthRadius9000_m = 9000e3;      // a_1 of [Alg eqn 5.3]
constexpr double kWavenumberDivisor = 47.7;        // k = f / 47.7 (1/m, f in MHz)

// Largest number of samples the terrain-irregularity step interpolates (10 * 25 - 5).
constexpr int kMaxDeltaHSamples = 245;

enum Terminal { kTx = 0, kRx = 1 };

// ---------------------------------------------------------------------------------------------
// Error helpers (only on the failure path; the success path never allocates).

template <class E>
[[noreturn]] void fail(const char* what, double value, const char* expected) {
  std::ostringstream os;
  os.precision(10);
  os << "ITM: " << what << " = " << value << " is invalid (" << expected << ")";
  throw E(os.str());
}

// ---------------------------------------------------------------------------------------------
// Terrain profile view: z[0..np] equally spaced by xi.

struct Profile {
  const double* z;
  int np;     // number of intervals (points - 1)
  double xi;  // spacing (m)
  double length() const { return np * xi; }
};

// ---------------------------------------------------------------------------------------------
// Input validation: mirrors the ranges of NTIA's ValidateInputs (errors -> RangeError,
// "near the limits" -> warning bits).

struct PercentNames {
  const char* time;
  const char* location;
  const char* situation;
};

bool valid_mdvar(int m) {
  const int base = m % 10;
  return m >= 0 && m <= 33 && base <= 3;
}

long validate_inputs(const Profile& pf, const ItmParams& p, double time, double location,
                     double situation, const PercentNames& names) {
  // Malformed input (InputError).
  const double finite_checks[] = {p.h_tx_m, p.h_rx_m, p.n0, p.eps_r, p.sigma_s_per_m, p.freq_mhz};
  const char* finite_names[] = {"h_tx_m", "h_rx_m", "n0", "eps_r", "sigma_s_per_m", "freq_mhz"};
  for (int i = 0; i < 6; ++i)
    if (!std::isfinite(finite_checks[i])) fail<InputError>(finite_names[i], finite_checks[i], "must be finite");
  if (!std::isfinite(time)) fail<InputError>(names.time, time, "must be finite");
  if (!std::isfinite(location)) fail<InputError>(names.location, location, "must be finite");
  if (!std::isfinite(situation)) fail<InputError>(names.situation, situation, "must be finite");
  if (pf.z == nullptr) throw InputError("ITM: terrain profile pointer is null");
  if (pf.np < 1) fail<InputError>("number of profile points", pf.np + 1.0, "at least 2");
  if (!(std::isfinite(pf.xi) && pf.xi > 0.0)) fail<InputError>("profile spacing_m", pf.xi, "finite and > 0");
  for (int i = 0; i <= pf.np; ++i)
    if (!std::isfinite(pf.z[i])) {
      std::ostringstream os;
      os << "ITM: terrain elevation at index " << i << " is not finite (" << pf.z[i] << ")";
      throw InputError(os.str());
    }

  // Validity ranges (RangeError) and warnings, in NTIA's order.
  long warn = itm_warn_none;
  if (p.h_tx_m < 1.0 || p.h_tx_m > 1000.0) warn |= itm_warn_tx_terminal_height;
  if (p.h_tx_m < 0.5 || p.h_tx_m > 3000.0) fail<RangeError>("h_tx_m", p.h_tx_m, "0.5 .. 3000 m");
  if (p.h_rx_m < 1.0 || p.h_rx_m > 1000.0) warn |= itm_warn_rx_terminal_height;
  if (p.h_rx_m < 0.5 || p.h_rx_m > 3000.0) fail<RangeError>("h_rx_m", p.h_rx_m, "0.5 .. 3000 m");
  const int climate = static_cast<int>(p.climate);
  if (climate < 1 || climate > 7) fail<RangeError>("climate", climate, "1 .. 7");
  if (p.n0 < 250.0 || p.n0 > 400.0) fail<RangeError>("n0", p.n0, "250 .. 400 N-units");
  if (p.freq_mhz < 40.0 || p.freq_mhz > 10000.0) warn |= itm_warn_frequency;
  if (p.freq_mhz < 20.0 || p.freq_mhz > 20000.0) fail<RangeError>("freq_mhz", p.freq_mhz, "20 .. 20000 MHz");
  if (p.pol != 0 && p.pol != 1) fail<RangeError>("pol", p.pol, "0 horizontal or 1 vertical");
  if (p.eps_r < 1.0) fail<RangeError>("eps_r", p.eps_r, ">= 1");
  if (p.sigma_s_per_m <= 0.0) fail<RangeError>("sigma_s_per_m", p.sigma_s_per_m, "> 0");
  if (!valid_mdvar(p.mdvar)) fail<RangeError>("mdvar", p.mdvar, "0..3, 10..13, 20..23 or 30..33");
  if (situation <= 0.0 || situation >= 100.0) fail<RangeError>(names.situation, situation, "0 < pct < 100");
  if (time <= 0.0 || time >= 100.0) fail<RangeError>(names.time, time, "0 < pct < 100");
  if (location <= 0.0 || location >= 100.0) fail<RangeError>(names.location, location, "0 < pct < 100");
  return warn;
}

// ---------------------------------------------------------------------------------------------
// [Alg 3] Preparatory calculations, general part: refractivity, effective earth, ground.

struct Environment {
  double f_mhz;
  double wn;       // wave number k = f / 47.7 (1/m)
  double n_s;      // surface refractivity
  double gamma_e;  // effective earth curvature
  double a_e;      // effective earth radius (m)
  cplx z_g;        // surface transfer impedance of the ground
};

// Mean terrain height between the 10 % and 90 % points of the path, used as the system
// elevation for scaling N_0 to N_s.
double system_elevation(const Profile& pf) {
  const int skip = static_cast<int>(0.1 * pf.np);
  double sum = 0.0;
  for (int i = skip; i <= pf.np - skip; ++i) sum += pf.z[i];
  return sum / (pf.np - 2 * skip + 1);
}

// Everything that depends only on the parameters and the percentages (not on the path),
// computed once per call of the point-to-point functions, or once per ItmRay.
struct ClimateConstants;
struct Setup {
  ItmParams p;
  double f_mhz;
  double wn;             // wave number k = f / 47.7 (1/m)
  cplx z_g;              // surface transfer impedance of the ground
  double abs_zg;         // |Z_g|
  double f_third;        // f^(1/3)
  double f_mthird;       // f^(-1/3)
  double log_f;          // ln f
  double fs_const;       // 32.45 + 20 log10 f (free-space loss at 1 km, dB)
  double d_ex_tail;      // (575.7e12 / k)^(1/3), the frequency term of d_ex [Alg eqn 5.3]
  // Variability [Alg 5]
  const ClimateConstants* cc;
  int kind;              // mdvar without the +10 / +20 flags
  bool no_location, no_situation;
  double z_t, z_l, z_s;  // standard normal deviates after the mdvar substitutions
  double g_minus, g_plus;
  long warnings;         // itm_warn_extreme_variabilities or 0
};

Environment make_environment(const Setup& s, double h_sys_m) {
  const ItmParams& p = s.p;
  Environment env;
  env.f_mhz = p.freq_mhz;
  env.wn = s.wn;
  // N_s = N_0 exp(-z_s / z_1), z_1 = 9.46 km   [TN101 eqn 4.3]
  env.n_s = (h_sys_m == 0.0) ? p.n0 : p.n0 * std::exp(-h_sys_m / 9460.0);
  // gamma_e = gamma_a (1 - 0.04665 exp(N_s / 179.3))   [TN101 eqn 4.4, Alg 3]
  env.gamma_e = kActualEarthCurvature * (1.0 - 0.04665 * std::exp(env.n_s / 179.3));
  env.a_e = 1.0 / env.gamma_e;
  env.z_g = s.z_g;
  return env;
}

// ---------------------------------------------------------------------------------------------
// [Alg 3, point-to-point] Profile analysis: horizons, terrain irregularity, effective heights.

struct PathGeometry {
  double d;            // path length (m)
  double h[2];         // structural heights (m)
  double theta_hzn[2]; // horizon elevation angles (rad)
  double d_hzn[2];     // horizon distances (m)
  double h_e[2];       // effective heights (m)
  double delta_h;      // terrain irregularity parameter (m)
};

// Horizon search ("hzns"): the largest elevation angle seen from each antenna, with the earth
// bulge term x / (2 a_e); if nothing obstructs, the other antenna is the horizon [TN101 6.15].
void find_horizons(const Profile& pf, double a_e, PathGeometry& g) {
  const double d = pf.length();
  const double z_tx = pf.z[0] + g.h[kTx];
  const double z_rx = pf.z[pf.np] + g.h[kRx];
  const double half_curv = 0.5 / a_e;
  const double slope = (z_rx - z_tx) / d;
  double best_tx = slope - d * half_curv;
  double best_rx = -slope - d * half_curv;
  double x_tx = d, x_rx = d;
  for (int i = 1; i < pf.np; ++i) {
    const double x = i * pf.xi;   // distance from TX
    const double y = d - x;       // distance from RX
    const double zi = pf.z[i];
    const double t_tx = (zi - z_tx) / x - x * half_curv;
    const double t_rx = (zi - z_rx) / y - y * half_curv;
    if (t_tx > best_tx) { best_tx = t_tx; x_tx = x; }
    if (t_rx > best_rx) { best_rx = t_rx; x_rx = y; }
  }
  g.theta_hzn[kTx] = best_tx;
  g.theta_hzn[kRx] = best_rx;
  g.d_hzn[kTx] = x_tx;
  g.d_hzn[kRx] = x_rx;
}

// Least-squares straight line through the samples z[0..np] (spacing xi) lying between the
// distances x_start and x_end ("zlsq1"). The interval ends enter with half weight (trapezoidal
// weighting). Returns the fitted line evaluated at both ends of the whole profile.
void fit_line(const double* z, int np, double xi, double x_start, double x_end, double& y_at_0,
              double& y_at_np) {
  int i0 = static_cast<int>(std::max(x_start / xi, 0.0));
  int i1 = np - static_cast<int>(std::max(np - x_end / xi, 0.0));
  if (i1 <= i0) {  // degenerate window: widen by one sample on each side
    i0 = static_cast<int>(std::max(i0 - 1.0, 0.0));
    i1 = np - static_cast<int>(std::max(np - (i1 + 1.0), 0.0));
  }
  const double n = i1 - i0;
  const double centre = i1 - 0.5 * n;  // index of the window centre
  // Weighted sums relative to the centre, u = k - n/2 for k = 0..n.
  double sum = 0.5 * (z[i0] + z[i1]);
  double moment = 0.5 * (z[i1] - z[i0]) * (0.5 * n);
  double u = -0.5 * n;
  for (int k = 1; k < static_cast<int>(n); ++k) {
    u += 1.0;
    const double zk = z[i0 + k];
    sum += zk;
    moment += zk * u;
  }
  const double mean = sum / n;
  const double slope = moment * 12.0 / ((n * n + 2.0) * n);
  y_at_0 = mean - slope * centre;
  y_at_np = mean + slope * (np - centre);
}

// Terrain irregularity parameter Delta h ("dlthx"): the interdecile range of the terrain
// heights about a least-squares line, taken from a resampling of the profile between x_start
// and x_end, converted to the asymptotic value with [ERL79 eqn 3] inverted:
//   Delta h(d) = Delta h (1 - 0.8 exp(-d / 50 km)).
double terrain_irregularity(const Profile& pf, double x_start, double x_end) {
  double s_start = x_start / pf.xi;  // positions in sample units
  const double s_end = x_end / pf.xi;
  if (s_end - s_start < 2.0) return 0.0;

  int n10 = static_cast<int>(0.1 * (s_end - s_start + 8.0));
  n10 = std::min(std::max(4, n10), 25);
  const int n = 10 * n10 - 5;  // number of resampled points
  const int n90 = n - n10;
  const double last = n - 1;

  std::array<double, kMaxDeltaHSamples> s;
  const double step = (s_end - s_start) / last;
  int k = static_cast<int>(s_start);
  double frac = s_start - static_cast<double>(k + 1);  // offset from sample k+1, in (-1, 0]
  for (int j = 0; j < n; ++j) {
    while (frac > 0.0 && k + 1 < pf.np) {
      frac -= 1.0;
      ++k;
    }
    // linear interpolation between samples k and k+1
    s[j] = pf.z[k + 1] + (pf.z[k + 1] - pf.z[k]) * frac;
    frac += step;
  }

  double y0, y1;
  fit_line(s.data(), n - 1, 1.0, 0.0, last, y0, y1);
  const double dy = (y1 - y0) / last;

  std::array<double, kMaxDeltaHSamples> dev;
  double line = y0;
  for (int j = 0; j < n; ++j) {
    dev[j] = s[j] - line;
    line += dy;
  }
  // q10 = n10-th largest deviation, q90 = (n90 + 1)-th largest.
  std::nth_element(dev.begin(), dev.begin() + (n10 - 1), dev.begin() + n, std::greater<double>());
  const double q10 = dev[n10 - 1];
  std::nth_element(dev.begin(), dev.begin() + n90, dev.begin() + n, std::greater<double>());
  const double q90 = dev[n90];

  return (q10 - q90) / (1.0 - 0.8 * std::exp(-(x_end - x_start) / 50e3));
}

// Smooth-earth horizon distance with the terrain correction of [Alg 3]:
//   d_L = sqrt(2 h_e a_e) exp(-0.07 sqrt(Delta h / max(h_e, 5))).
double adjusted_horizon(double h_e, double a_e, double delta_h) {
  return std::sqrt(2.0 * h_e * a_e) * std::exp(-0.07 * std::sqrt(delta_h / std::max(h_e, 5.0)));
}

// The profile operations of the preparatory calculations, on a whole profile by direct scans
// (the incremental ItmRay supplies its own implementation of the same interface).
struct DirectProfileOps {
  const Profile& pf;
  double length() const { return pf.length(); }
  double z_first() const { return pf.z[0]; }
  double z_last() const { return pf.z[pf.np]; }
  void horizons(double a_e, PathGeometry& g) const { find_horizons(pf, a_e, g); }
  double irregularity(double x_start, double x_end) const { return terrain_irregularity(pf, x_start, x_end); }
  void fit(double x_start, double x_end, double& y_at_0, double& y_at_np) const {
    fit_line(pf.z, pf.np, pf.xi, x_start, x_end, y_at_0, y_at_np);
  }
};

// Start and end (m from TX) of the terrain used for Delta h and the line fits: min(15 h, 0.1 d_L)
// from each terminal [Alg 3; Hufford 1982].
inline double terrain_start(const PathGeometry& g) { return std::min(15.0 * g.h[kTx], 0.1 * g.d_hzn[kTx]); }
inline double terrain_end(const PathGeometry& g) { return g.d - std::min(15.0 * g.h[kRx], 0.1 * g.d_hzn[kRx]); }

// "qlrpfl": path geometry from the profile [Alg 3, point-to-point preparatory calculations].
template <class Ops>
void analyse_profile(const Ops& ops, double a_e, PathGeometry& g) {
  g.d = ops.length();
  ops.horizons(a_e, g);

  const double x_start = terrain_start(g);
  const double x_end = terrain_end(g);
  g.delta_h = ops.irregularity(x_start, x_end);

  const double z_first = ops.z_first();
  const double z_last = ops.z_last();
  double fit_tx, fit_rx, unused;
  if (g.d_hzn[kTx] + g.d_hzn[kRx] > 1.5 * g.d) {
    // Well within line of sight: effective heights above one least-squares line over the
    // whole usable path; horizons re-derived from the smooth-earth formula.
    ops.fit(x_start, x_end, fit_tx, fit_rx);
    g.h_e[kTx] = g.h[kTx] + std::max(z_first - fit_tx, 0.0);
    g.h_e[kRx] = g.h[kRx] + std::max(z_last - fit_rx, 0.0);
    for (int t = 0; t < 2; ++t) g.d_hzn[t] = adjusted_horizon(g.h_e[t], a_e, g.delta_h);

    const double d_ls = g.d_hzn[kTx] + g.d_hzn[kRx];
    if (d_ls <= g.d) {
      // Raise the effective heights until the horizons reach the path length.
      const double q = (g.d / d_ls) * (g.d / d_ls);
      for (int t = 0; t < 2; ++t) {
        g.h_e[t] *= q;
        g.d_hzn[t] = adjusted_horizon(g.h_e[t], a_e, g.delta_h);
      }
    }
    for (int t = 0; t < 2; ++t) {
      const double d_s = std::sqrt(2.0 * g.h_e[t] * a_e);
      g.theta_hzn[t] = (0.65 * g.delta_h * (d_s / g.d_hzn[t] - 1.0) - 2.0 * g.h_e[t]) / d_s;
    }
  } else {
    // Trans-horizon: each effective height above a line fitted over the terminal's
    // foreground (up to 0.9 of its horizon distance).
    ops.fit(x_start, 0.9 * g.d_hzn[kTx], fit_tx, unused);
    g.h_e[kTx] = g.h[kTx] + std::max(z_first - fit_tx, 0.0);
    ops.fit(g.d - 0.9 * g.d_hzn[kRx], x_end, unused, fit_rx);
    g.h_e[kRx] = g.h[kRx] + std::max(z_last - fit_rx, 0.0);
  }
}

// ---------------------------------------------------------------------------------------------
// [Alg 6] Auxiliary functions.

// Terrain roughness at distance d: Delta h(d) = Delta h (1 - 0.8 exp(-d / 50 km))   [ERL79 eqn 3]
double delta_h_at(double d, double delta_h) { return delta_h * (1.0 - 0.8 * std::exp(-d / 50e3)); }

// RMS terrain deviation within the first Fresnel zone, sigma_h(Delta h)   [ERL79 eqn 3.6a]
double sigma_h(double dh) { return 0.78 * dh * std::exp(-0.5 * std::sqrt(std::sqrt(dh))); }

// Knife-edge attenuation A(v, 0) as a function of v^2   [Alg 6 "Fn(v^2)"; TN101 III.24]
double knife_edge_fn(double v2) {
  if (v2 < 5.76) return 6.02 + 9.11 * std::sqrt(v2) - 1.27 * v2;  // v < 2.4
  return 12.953 + 10.0 * detail::log10(v2);
}

// Height-gain function F(x, K) of the smooth-earth (Vogler) diffraction   [Alg 6 "F(x,K)"]
double height_gain(double x, double k) {
  if (x < 200.0) {
    const double w = -std::log(k);
    if (k < 1e-5 || x * w * w * w > 5495.0) {
      double r = -117.0;
      if (x > 1.0) r += 17.372 * std::log(x);
      return r;
    }
    return 2.5e-5 * x * x / k - 8.686 * w - 15.0;
  }
  double r = 0.05751 * x - 4.343 * std::log(x);
  if (x < 2000.0) {
    const double w = 0.0134 * x * std::exp(-0.005 * x);
    r = (1.0 - w) * r + w * (17.372 * std::log(x) - 117.0);
  }
  return r;
}

// Scatter attenuation function F(theta d)   [Alg eqn 6.9]
double scatter_f(double td) {
  if (td <= 10e3) return 133.4 + 0.332e-3 * td - 10.0 * std::log10(td);
  if (td <= 70e3) return 104.6 + 0.212e-3 * td - 2.5 * std::log10(td);
  return 71.8 + 0.157e-3 * td + 5.0 * std::log10(td);
}

// One curve H_01(r, j) of the frequency-gain function   [Alg eqn 6.13]
double h0_curve(int j, double r) {
  static constexpr double a[5] = {25.0, 80.0, 177.0, 395.0, 705.0};
  static constexpr double b[5] = {24.0, 45.0, 68.0, 80.0, 105.0};
  const double ir2 = 1.0 / (r * r);
  return 10.0 * std::log10(1.0 + a[j] * ir2 * ir2 + b[j] * ir2);
}

// Frequency-gain function H_0(r, eta_s), interpolated between the integer eta_s curves [Alg 6]
double h0_function(double r, double eta_s) {
  eta_s = std::min(std::max(eta_s, 1.0), 5.0);
  const int i = static_cast<int>(eta_s);
  const double q = eta_s - i;
  double h = h0_curve(i - 1, r);
  if (q != 0.0) h = (1.0 - q) * h + q * h0_curve(i, r);
  return h;
}

// Inverse of the complementary normal distribution, Q^-1(q)   [Alg 6; Abramowitz & Stegun
// 26.2.23, |error| < 4.5e-4]
double inverse_q(double q) {
  const double x = (q > 0.5) ? 1.0 - q : q;
  const double t = std::sqrt(-2.0 * std::log(x));
  const double num = (0.010328 * t + 0.802853) * t + 2.515516;
  const double den = ((0.001308 * t + 0.189269) * t + 1.432788) * t + 1.0;
  const double v = t - num / den;
  return (q > 0.5) ? -v : v;
}


// ---------------------------------------------------------------------------------------------
// [Alg 4] Reference attenuation ("lrprop", point-to-point).

class ReferenceAttenuation {
 public:
  ReferenceAttenuation(const Setup& setup, const Environment& env, const PathGeometry& g)
      : s_(setup), env_(env), g_(g) {
    a_e_ = env.a_e;
    for (int t = 0; t < 2; ++t) d_ls_[t] = std::sqrt(2.0 * g.h_e[t] * a_e_);
    d_ls_sum_ = d_ls_[kTx] + d_ls_[kRx];        // smooth-earth LOS distance d_Ls
    d_l_ = g.d_hzn[kTx] + g.d_hzn[kRx];         // actual LOS distance d_L
    theta_los_ = -std::max(g.theta_hzn[kTx] + g.theta_hzn[kRx], -d_l_ / a_e_);
  }

  long geometry_warnings() const {
    long w = 0;
    if (std::abs(g_.theta_hzn[kTx]) > 200e-3) w |= itm_warn_tx_horizon_angle;
    if (std::abs(g_.theta_hzn[kRx]) > 200e-3) w |= itm_warn_rx_horizon_angle;
    if (g_.d_hzn[kTx] < 0.1 * d_ls_[kTx]) w |= itm_warn_tx_horizon_distance_1;
    if (g_.d_hzn[kRx] < 0.1 * d_ls_[kRx]) w |= itm_warn_rx_horizon_distance_1;
    if (g_.d_hzn[kTx] > 3.0 * d_ls_[kTx]) w |= itm_warn_tx_horizon_distance_2;
    if (g_.d_hzn[kRx] > 3.0 * d_ls_[kRx]) w |= itm_warn_rx_horizon_distance_2;
    return w;
  }

  // Range checks on derived quantities (errors in NTIA's library) and the refractivity warning.
  long check_derived() const {
    long w = 0;
    if (env_.n_s < 150.0) fail<RangeError>("surface refractivity N_s", env_.n_s, ">= 150 N-units");
    if (env_.n_s > 400.0) fail<RangeError>("surface refractivity N_s", env_.n_s, "<= 400 N-units");
    if (env_.n_s < 250.0) w |= itm_warn_surface_refractivity;
    if (a_e_ < 4000000.0 || a_e_ > 13333333.0)
      fail<RangeError>("effective earth radius a_e (m)", a_e_, "4000 .. 13333 km");
    if (env_.z_g.real() <= std::abs(env_.z_g.imag()))
      fail<RangeError>("ground impedance Re(Z_g)", env_.z_g.real(), "must exceed |Im(Z_g)|");
    return w;
  }

  // Computes A_ref (>= 0) and the propagation mode; adds distance warnings.
  void compute(double& a_ref, int& mode, long& warnings) {
    const double d = g_.d;
    const double scale = detail::cbrt(a_e_ * a_e_ / env_.f_mhz);  // (a_e^2 / f)^(1/3)

    prepare_diffraction();

    // Diffraction line through two points far beyond the horizon   [Alg 4.1]
    const double d3 = std::max(d_ls_sum_, d_l_ + 5.0 * scale);
    const double d4 = d3 + 10.0 * scale;
    const double a3 = diffraction(d3);
    const double a4 = diffraction(d4);
    m_d_ = (a4 - a3) / (d4 - d3);
    a_d0_ = a3 - m_d_ * d3;

    if (d < std::abs(g_.h_e[kTx] - g_.h_e[kRx]) / 200e-3) warnings |= itm_warn_path_distance_too_small_1;
    if (d < 1e3) warnings |= itm_warn_path_distance_too_small_2;
    if (d > 1000e3) warnings |= itm_warn_path_distance_too_big_1;
    if (d > 2000e3) warnings |= itm_warn_path_distance_too_big_2;

    if (d < d_ls_sum_) {
      a_ref = line_of_sight_region(d);
      mode = static_cast<int>(ItmMode::line_of_sight);
    } else {
      // Beyond the smooth-earth horizon: diffraction or troposcatter   [Alg 4.3]. The transition
      // distance d_x is never below d_L + 1.088 scale ln f, so nearer paths are in diffraction
      // whatever the scatter line is, and it need not be computed.
      if (d <= d_l_ + 1.088 * scale * s_.log_f) {
        a_ref = std::max(m_d_ * d + a_d0_, 0.0);
        mode = static_cast<int>(ItmMode::diffraction);
        return;
      }
      const double d5 = d_l_ + 200e3;
      const double d6 = d_l_ + 400e3;
      double h0_state = -1.0;
      const double a6 = scatter(d6, h0_state);
      const double a5 = scatter(d5, h0_state);
      double m_s, a_s0, d_x;
      if (a5 < 1000.0) {
        m_s = (a6 - a5) / 200e3;
        // transition distance d_x where the scatter line crosses the diffraction line
        d_x = std::max(std::max(d_ls_sum_, d_l_ + 1.088 * scale * s_.log_f),
                       (a5 - a_d0_ - m_s * d5) / (m_d_ - m_s));
        a_s0 = (m_d_ - m_s) * d_x + a_d0_;
      } else {  // scatter undefined: keep the diffraction line
        m_s = m_d_;
        a_s0 = a_d0_;
        d_x = 10e6;
      }
      if (d > d_x) {
        a_ref = m_s * d + a_s0;
        mode = static_cast<int>(ItmMode::troposcatter);
      } else {
        a_ref = m_d_ * d + a_d0_;
        mode = static_cast<int>(ItmMode::diffraction);
      }
    }
    a_ref = std::max(a_ref, 0.0);
  }

 private:
  // The parts of the diffraction attenuation that do not depend on the distance s: the
  // terminal (horizon) terms of the three-radii method, the clutter factor and the constant
  // part of the weighting factor.
  void prepare_diffraction() {
    for (int t = 0; t < 2; ++t) {
      const double radius = 0.5 * g_.d_hzn[t] * g_.d_hzn[t] / g_.h_e[t];
      const double dist_km = g_.d_hzn[t] / 1000.0;
      double k;
      hzn_x_[t] = vogler_x(radius, dist_km, k);
      hzn_gain_[t] = height_gain(hzn_x_[t], k);
    }
    // Clutter factor   [ERL79 eqn 3.38c], evaluated with Delta h(d_Ls)
    const double sh = sigma_h(delta_h_at(d_ls_sum_, g_.delta_h));
    a_fo_ = std::min(15.0, 5.0 * detail::log10(1.0 + 1e-5 * g_.h[kTx] * g_.h[kRx] * env_.f_mhz * sh));
    // Weighting factor w   [ERL79 eqn 3.23]; the constant 10 applies to point-to-point paths
    const double hh = g_.h[kTx] * g_.h[kRx] + 10.0;
    const double qk = g_.h_e[kTx] * g_.h_e[kRx] - g_.h[kTx] * g_.h[kRx];
    q_root_ = std::sqrt(1.0 + qk / hh);
    q_dist_ = -theta_los_ * a_e_ + d_l_;
  }

  // Normalised distance x of [Vog64] for one radius (m) and distance (km); also returns K.
  double vogler_x(double radius, double dist_km, double& k) const {
    const double c0 = detail::cbrt((4.0 / 3.0) * kEarthRadius_m / radius);  // [Vog64 eqn 2]
    k = 0.017778 * c0 * s_.f_mthird / s_.abs_zg;                              // [Vog64 6a/7a]
    const double b0 = 1.607 - k;
    return b0 * c0 * c0 * s_.f_third * dist_km;
  }

  // Diffraction attenuation A_d at distance s beyond the horizon ("adiff")   [Alg 4.1]: a
  // weighted blend of double knife-edge and smooth-earth (3-radii Vogler) attenuation plus the
  // clutter factor A_fo.
  double diffraction(double s) const {
    const double theta = s / a_e_ - theta_los_;  // [Alg eqn 4.12]
    const double ds = s - d_l_;

    // Double knife edge   [TN101 I.7, I.1]; 0.0795775 = 1 / (4 pi)
    const double v_common = 0.0795775 * env_.wn * theta * theta * ds;
    const double a_k = knife_edge_fn(v_common * g_.d_hzn[kTx] / (ds + g_.d_hzn[kTx])) +
                       knife_edge_fn(v_common * g_.d_hzn[kRx] / (ds + g_.d_hzn[kRx]));

    const double a_r = smooth_earth(s, theta);

    const double q = (q_root_ + q_dist_ / s) * std::min(delta_h_at(s, g_.delta_h) * env_.wn, 6283.2);
    const double w = 25.1 / (25.1 + std::sqrt(q));
    return w * a_r + (1.0 - w) * a_k + a_fo_;
  }

  // Smooth-earth diffraction by Vogler's three-radii method   [Alg eqn 4.20; Vog64]: the path
  // radius (s - d_L) / theta here, the two horizon radii in prepare_diffraction().
  double smooth_earth(double s, double theta) const {
    const double radius = (s - d_l_) / theta;
    double k;
    const double x0 = vogler_x(radius, radius * theta / 1000.0, k);
    const double x_total = x0 + hzn_x_[kTx] + hzn_x_[kRx];
    const double g_x = 0.05751 * x_total - 10.0 * detail::log10(x_total);  // distance term [TN101 8.4]
    return g_x - hzn_gain_[kTx] - hzn_gain_[kRx] - 20.0;
  }

  // Line-of-sight attenuation ("alos")   [Alg 4.2, eqns 4.46-4.50]: two-ray model with a rough
  // ground reflection, blended with the extended diffraction line.
  double line_of_sight(double s) const {
    const double sh = sigma_h(delta_h_at(s, g_.delta_h));
    const double hsum = g_.h_e[kTx] + g_.h_e[kRx];
    const double sin_psi = hsum / std::sqrt(s * s + hsum * hsum);                       // 4.46
    cplx r_e = (sin_psi - env_.z_g) / (sin_psi + env_.z_g) *
               std::exp(-std::min(10.0, env_.wn * sh * sin_psi));                    // 4.47
    const double mag2 = r_e.real() * r_e.real() + r_e.imag() * r_e.imag();
    if (mag2 < 0.25 || mag2 < sin_psi) r_e *= std::sqrt(sin_psi / mag2);                // 4.48
    double dphi = env_.wn * 2.0 * g_.h_e[kTx] * g_.h_e[kRx] / s;                        // 4.49
    if (dphi > kPi / 2.0) dphi = kPi - (kPi / 2.0) * (kPi / 2.0) / dphi;                // 4.50
    const cplx sum = cplx(std::cos(dphi), -std::sin(dphi)) + r_e;
    const double a_t = -10.0 * detail::log10(sum.real() * sum.real() + sum.imag() * sum.imag());
    const double a_d = m_d_ * s + a_d0_;
    const double w = 1.0 / (1.0 + env_.f_mhz * g_.delta_h / std::max(10e3, d_ls_sum_));
    return w * a_t + (1.0 - w) * a_d;
  }

  // Line-of-sight region: A_ref = A_o + k1 d + k2 ln(d) fitted through two LOS points and the
  // diffraction value at d_Ls   [Alg 4.2; ERL79 eqns 3.16-3.21]
  double line_of_sight_region(double d) const {
    const double a_ls = d_ls_sum_ * m_d_ + a_d0_;
    double d0 = 0.04 * env_.f_mhz * g_.h_e[kTx] * g_.h_e[kRx];  // [ERL79 3.16a]
    double d1;
    if (a_d0_ >= 0.0) {
      d0 = std::min(d0, 0.5 * d_l_);
      d1 = d0 + 0.25 * (d_l_ - d0);                              // [ERL79 3.16d]
    } else {
      d1 = std::max(-a_d0_ / m_d_, 0.25 * d_l_);
    }
    const double a1 = line_of_sight(d1);

    bool use_log_fit = false;
    double k1 = 0.0, k2 = 0.0;
    if (d0 < d1) {
      const double a0 = line_of_sight(d0);
      const double q = std::log(d_ls_sum_ / d0);
      k2 = std::max(0.0, ((d_ls_sum_ - d0) * (a1 - a0) - (d1 - d0) * (a_ls - a0)) /
                             ((d_ls_sum_ - d0) * std::log(d1 / d0) - (d1 - d0) * q));  // 3.20
      use_log_fit = a_d0_ > 0.0 || k2 > 0.0;
      if (use_log_fit) {
        k1 = (a_ls - a0 - k2 * q) / (d_ls_sum_ - d0);  // 3.21
        if (k1 < 0.0) {
          k1 = 0.0;
          k2 = std::max(a_ls - a0, 0.0) / q;
          if (k2 == 0.0) k1 = m_d_;
        }
      }
    }
    if (!use_log_fit) {
      k1 = std::max(a_ls - a1, 0.0) / (d_ls_sum_ - d1);
      k2 = 0.0;
      if (k1 == 0.0) k1 = m_d_;
    }
    const double a_o = a_ls - k1 * d_ls_sum_ - k2 * std::log(d_ls_sum_);
    return a_o + k1 * d + k2 * std::log(d);  // [ERL79 3.19]
  }

  // Troposcatter attenuation ("ascat")   [Alg 4.3, eqns 4.63-4.67; TN101 ch. 9]. h0_state
  // carries H_0 between the two evaluations (negative: not yet computed); a value above 15 dB
  // at the nearer distance is replaced by the one at the farther distance.
  double scatter(double s, double& h0_state) const {
    double h0;
    if (h0_state > 15.0) {
      h0 = h0_state;
    } else {
      double ad = g_.d_hzn[kTx] - g_.d_hzn[kRx];
      double rr = g_.h_e[kRx] / g_.h_e[kTx];
      if (ad < 0.0) {
        ad = -ad;
        rr = 1.0 / rr;
      }
      const double theta = g_.theta_hzn[kTx] + g_.theta_hzn[kRx] + s / a_e_;
      const double r1 = 2.0 * env_.wn * theta * g_.h_e[kTx];  // [TN101 9.4a]
      const double r2 = 2.0 * env_.wn * theta * g_.h_e[kRx];
      if (r1 < 0.2 && r2 < 0.2) return 1001.0;  // A_scat undefined [Alg 4.3]

      double ss = (s - ad) / (s + ad);                        // asymmetry
      const double q = std::min(std::max(0.1, rr / ss), 10.0);  // truncated [TN101 9.5]
      ss = std::max(0.1, ss);
      const double h_cross = (s - ad) * (s + ad) * theta * 0.25 / s;  // crossover height [4.66]
      constexpr double z0 = 1.7556e3, z1 = 8.0e3;                     // [4.67]
      const double zr = std::min(1.7, h_cross / z1);
      const double zr3 = zr * zr * zr;
      const double eta_s =
          (h_cross / z0) *
          (1.0 + (0.031 - env_.n_s * 2.32e-3 + env_.n_s * env_.n_s * 5.67e-6) * std::exp(-zr3 * zr3));
      const double h00 = 0.5 * (h0_function(r1, eta_s) + h0_function(r2, eta_s));
      const double dh0 =
          std::min(h00, 6.0 * (0.6 - std::log10(std::max(eta_s, 1.0))) * std::log10(ss) * std::log10(q));
      h0 = std::max(h00 + dh0, 0.0);  // [TN101 9.5]
      if (eta_s < 1.0) {              // blend with the eta_s = 0 limit
        const double sq2 = std::sqrt(2.0);
        const double g = (1.0 + sq2 / r1) * (1.0 + sq2 / r2);
        h0 = eta_s * h0 + (1.0 - eta_s) * 10.0 * std::log10(g * g * (r1 + r2) / (r1 + r2 + 2.0 * sq2));
      }
      if (h0 > 15.0 && h0_state >= 0.0) h0 = h0_state;
    }
    h0_state = h0;
    const double th = s / a_e_ - theta_los_;
    constexpr double d0 = 40e3;  // [Alg 6.8]
    const double th2 = th * th;
    return scatter_f(th * s) + 10.0 * std::log10(env_.wn * 47.7 * th2 * th2) -
           0.1 * (env_.n_s - 301.0) * std::exp(-th * s / d0) + h0;  // [Alg eqn 4.63]
  }

  const Setup& s_;
  const Environment& env_;
  const PathGeometry& g_;
  double a_e_;
  double hzn_x_[2] = {0.0, 0.0};     // Vogler x of the horizon radii
  double hzn_gain_[2] = {0.0, 0.0};  // height-gain terms F(x, K) of the horizon radii
  double a_fo_ = 0.0;                // clutter factor
  double q_root_ = 0.0, q_dist_ = 0.0;
  double d_ls_[2];
  double d_ls_sum_;
  double d_l_;
  double theta_los_;
  double m_d_ = 0.0;
  double a_d0_ = 0.0;
};

// ---------------------------------------------------------------------------------------------
// [Alg 5] Variability: quantile of the attenuation for given time / location / situation.

// Climate curve helper [TN101v2 III.69-70]:
//   (c1 + c2 / (1 + ((d_e - x2) / x3)^2)) (d_e / x1)^2 / (1 + (d_e / x1)^2)
double climate_curve(double c1, double c2, double x1, double x2, double x3, double d_e) {
  const double u = (d_e - x2) / x3;
  const double v = (d_e / x1) * (d_e / x1);
  return (c1 + c2 / (1.0 + u * u)) * v / (1.0 + v);
}

struct ClimateConstants {
  double v_med[5];        // median curve c1, c2, x1, x2, x3
  double sig_minus[5];    // sigma_T- curve
  double sig_plus[5];     // sigma_T+ curve
  double c_d, z_d;        // [Alg Table 5.1]
  double gm[3], gp[3];    // frequency factors g-(f), g+(f)
};

// Indexed by climate - 1 (equatorial .. maritime temperate over sea). [Alg 5, TN101 fig 10.13]
constexpr ClimateConstants kClimates[7] = {
    {{-9.67, 12.7, 144.9e3, 190.3e3, 133.8e3}, {2.13, 159.5, 762.2e3, 123.6e3, 94.5e3},
     {2.11, 102.3, 636.9e3, 134.8e3, 95.6e3}, 1.224, 1.282, {1.0, 0.0, 0.0}, {1.0, 0.0, 0.0}},
    {{-0.62, 9.19, 228.9e3, 205.2e3, 143.6e3}, {2.66, 7.67, 100.4e3, 172.5e3, 136.4e3},
     {6.87, 15.53, 138.7e3, 143.7e3, 98.6e3}, 0.801, 2.161, {1.0, 0.0, 0.0}, {0.93, 0.31, 2.00}},
    {{1.26, 15.5, 262.6e3, 185.2e3, 99.8e3}, {6.11, 6.65, 138.2e3, 242.2e3, 178.6e3},
     {10.08, 9.60, 165.3e3, 225.7e3, 129.7e3}, 1.380, 1.282, {1.0, 0.0, 0.0}, {1.0, 0.0, 0.0}},
    {{-9.21, 9.05, 84.1e3, 101.1e3, 98.6e3}, {1.98, 13.11, 139.1e3, 132.7e3, 193.5e3},
     {3.68, 159.3, 464.4e3, 93.1e3, 94.2e3}, 1.000, 20.0, {1.0, 0.0, 0.0}, {0.93, 0.19, 1.79}},
    {{-0.62, 9.19, 228.9e3, 205.2e3, 143.6e3}, {2.68, 7.16, 93.7e3, 186.8e3, 133.5e3},
     {4.75, 8.12, 93.2e3, 135.9e3, 113.4e3}, 1.224, 1.282, {0.92, 0.25, 1.77}, {0.93, 0.31, 2.00}},
    {{-0.39, 2.86, 141.7e3, 315.9e3, 167.4e3}, {6.86, 10.38, 187.8e3, 169.6e3, 108.9e3},
     {8.58, 13.97, 216.0e3, 152.0e3, 122.7e3}, 1.518, 1.282, {1.0, 0.0, 0.0}, {1.0, 0.0, 0.0}},
    {{3.15, 857.9, 2222.e3, 164.8e3, 116.3e3}, {8.51, 169.8, 609.8e3, 119.9e3, 106.6e3},
     {8.43, 8.19, 136.2e3, 188.5e3, 122.9e3}, 1.518, 1.282, {1.0, 0.0, 0.0}, {1.0, 0.0, 0.0}},
};

double apply_curve(const double (&c)[5], double d_e) { return climate_curve(c[0], c[1], c[2], c[3], c[4], d_e); }

// The path-independent part of the variability: deviates and frequency factors   [Alg 5].
void setup_variability(Setup& s, double time, double location, double situation) {
  const ClimateConstants& cc = kClimates[static_cast<int>(s.p.climate) - 1];
  s.cc = &cc;
  double z_t = inverse_q(time / 100.0);
  double z_l = inverse_q(location / 100.0);
  const double z_s = inverse_q(situation / 100.0);

  // mdvar decomposition: +20 removes direct situation variability, +10 location variability.
  int kind = s.p.mdvar;
  s.no_situation = kind >= 20;
  if (s.no_situation) kind -= 20;
  s.no_location = kind >= 10;
  if (s.no_location) kind -= 10;
  s.kind = kind;

  switch (kind) {
    case itm_mdvar_single_message: z_t = z_s; z_l = z_s; break;
    case itm_mdvar_accidental: z_l = z_s; break;
    case itm_mdvar_mobile: z_l = z_t; break;
    default: break;  // broadcast
  }
  s.warnings = (std::abs(z_t) > 3.10 || std::abs(z_l) > 3.10 || std::abs(z_s) > 3.10)
                   ? itm_warn_extreme_variabilities
                   : itm_warn_none;
  s.z_t = z_t;
  s.z_l = z_l;
  s.z_s = z_s;

  // Frequency factors g-(f), g+(f) of the time variability   [Alg 5]
  const double lq = std::log(0.133 * s.wn);
  s.g_minus = cc.gm[0] + cc.gm[1] / ((cc.gm[2] * lq) * (cc.gm[2] * lq) + 1.0);
  s.g_plus = cc.gp[0] + cc.gp[1] / ((cc.gp[2] * lq) * (cc.gp[2] * lq) + 1.0);
}

// Returns the attenuation relative to free space exceeded with the requested probabilities.
double variability(const Setup& s, const PathGeometry& g, const Environment& env, double a_ref) {
  const ClimateConstants& cc = *s.cc;
  const int kind = s.kind;
  const double z_t = s.z_t, z_l = s.z_l, z_s = s.z_s;

  // Effective distance d_e   [Alg eqn 5.3]
  const double d_ex = std::sqrt(2.0 * kEarthRadius9000_m * g.h_e[kTx]) +
                      std::sqrt(2.0 * kEarthRadius9000_m * g.h_e[kRx]) + s.d_ex_tail;
  const double d_e = (g.d < d_ex) ? 130e3 * g.d / d_ex : 130e3 + g.d - d_ex;

  const double sigma_s = s.no_situation ? 0.0 : 5.0 + 3.0 * std::exp(-d_e / 100e3);  // [Alg eqn 5.10]
  const double v_med = apply_curve(cc.v_med, d_e);

  // Location variability   [Alg eqn 5.9]
  double sigma_l = 0.0;
  if (!s.no_location) {
    const double dh = delta_h_at(g.d, g.delta_h);
    sigma_l = 10.0 * env.wn * dh / (env.wn * dh + 13.0);
  }
  const double y_l = sigma_l * z_l;

  // Time variability   [Alg 5]
  const double sigma_t_minus = apply_curve(cc.sig_minus, d_e) * s.g_minus;
  const double sigma_t_plus = apply_curve(cc.sig_plus, d_e) * s.g_plus;
  const double sigma_td = cc.c_d * sigma_t_plus;
  const double tgtd = (sigma_t_plus - sigma_td) * cc.z_d;
  double sigma_t;
  if (z_t < 0.0)
    sigma_t = sigma_t_minus;
  else if (z_t <= cc.z_d)
    sigma_t = sigma_t_plus;
  else
    sigma_t = sigma_td + tgtd / z_t;
  const double y_t = sigma_t * z_t;

  // Combination of the deviates   [Alg eqn 5.11]
  const double zs2 = z_s * z_s;
  const double s_tmp = sigma_s * sigma_s + y_t * y_t / (7.8 + zs2) + y_l * y_l / (24.0 + zs2);
  double y_r, y_s;
  switch (kind) {
    case itm_mdvar_single_message:
      y_r = 0.0;
      y_s = std::sqrt(sigma_t * sigma_t + sigma_l * sigma_l + s_tmp) * z_s;
      break;
    case itm_mdvar_accidental:
      y_r = y_t;
      y_s = std::sqrt(sigma_l * sigma_l + s_tmp) * z_s;
      break;
    case itm_mdvar_mobile:
      y_r = std::sqrt(sigma_t * sigma_t + sigma_l * sigma_l) * z_t;
      y_s = std::sqrt(s_tmp) * z_s;
      break;
    default:  // broadcast
      y_r = y_t + y_l;
      y_s = std::sqrt(s_tmp) * z_s;
      break;
  }

  double a = a_ref - v_med - y_r - y_s;
  if (a < 0.0) a = a * (29.0 - a) / (29.0 - 10.0 * a);  // soft limit of negative values [Alg 5]
  return a;
}

// ---------------------------------------------------------------------------------------------
// Driver ("ITM point-to-point"): sections 3, 4, 5 in sequence.

// Path-independent constants for validated parameters.
Setup make_setup(const ItmParams& p, double time, double location, double situation) {
  Setup s;
  s.p = p;
  s.f_mhz = p.freq_mhz;
  s.wn = p.freq_mhz / kWavenumberDivisor;
  // Complex relative permittivity eps_r + i 18000 sigma / f, and Z_g = sqrt(eps - 1)
  // (horizontal), divided by eps for vertical polarisation   [Alg 3]
  const cplx eps(p.eps_r, 18000.0 * p.sigma_s_per_m / p.freq_mhz);
  s.z_g = std::sqrt(eps - 1.0);
  if (p.pol == 1) s.z_g /= eps;
  s.abs_zg = std::abs(s.z_g);
  s.f_third = std::pow(p.freq_mhz, kThird);
  s.f_mthird = std::pow(p.freq_mhz, -kThird);
  s.log_f = std::log(p.freq_mhz);
  s.fs_const = 32.45 + 20.0 * std::log10(p.freq_mhz);
  s.d_ex_tail = std::pow(575.7e12 / s.wn, kThird);
  setup_variability(s, time, location, situation);
  return s;
}

// Sections 3 (from the environment on), 4 and 5 for one path, whose profile is reached through
// `ops` (see DirectProfileOps).
template <class Ops>
ItmResult evaluate(const Setup& s, const Environment& env, const Ops& ops, long warnings) {
  const ItmParams& p = s.p;
  PathGeometry g;
  g.h[kTx] = p.h_tx_m;
  g.h[kRx] = p.h_rx_m;
  analyse_profile(ops, env.a_e, g);

  ReferenceAttenuation ref(s, env, g);
  warnings |= ref.geometry_warnings();
  warnings |= ref.check_derived();
  double a_ref = 0.0;
  int mode = 0;
  ref.compute(a_ref, mode, warnings);

  const double a_fs = s.fs_const + 20.0 * detail::log10(g.d / 1000.0);  // free_space_loss_db(g.d, f)
  const double a_var = variability(s, g, env, a_ref);
  warnings |= s.warnings;

  ItmResult r;
  r.loss_db = a_fs + a_var;
  r.mode = mode;
  r.warnings = warnings;
  r.d_km = g.d / 1000.0;
  r.theta_hzn_tx = g.theta_hzn[kTx];
  r.theta_hzn_rx = g.theta_hzn[kRx];
  r.d_hzn_tx_m = g.d_hzn[kTx];
  r.d_hzn_rx_m = g.d_hzn[kRx];
  r.h_e_tx_m = g.h_e[kTx];
  r.h_e_rx_m = g.h_e[kRx];
  r.n_s = env.n_s;
  r.delta_h_m = g.delta_h;
  r.a_ref_db = a_ref;
  r.a_fs_db = a_fs;
  return r;
}

ItmResult run_p2p(const Profile& pf, const ItmParams& p, double time, double location, double situation,
                  const PercentNames& names) {
  const long warnings = validate_inputs(pf, p, time, location, situation, names);
  const Setup s = make_setup(p, time, location, situation);
  const Environment env = make_environment(s, system_elevation(pf));
  return evaluate(s, env, DirectProfileOps{pf}, warnings);
}

Profile make_profile(const double* z, std::size_t n_points, double spacing_m) {
  if (n_points > static_cast<std::size_t>(1) << 30)
    fail<InputError>("number of profile points", static_cast<double>(n_points), "at most 2^30");
  return Profile{z, static_cast<int>(n_points) - 1, spacing_m};
}

Profile profile_from_pfl(const std::vector<double>& pfl) {
  if (pfl.size() < 4) fail<InputError>("PFL array size", static_cast<double>(pfl.size()), "at least 4 values");
  const double np = pfl[0];
  if (!(std::isfinite(np) && np >= 1.0 && np == std::floor(np) && np < 1073741824.0))
    fail<InputError>("PFL pfl[0] (number of intervals)", np, "an integer >= 1");
  if (pfl.size() != static_cast<std::size_t>(np) + 3)
    fail<InputError>("PFL array size", static_cast<double>(pfl.size()), "pfl[0] + 3 values");
  return Profile{pfl.data() + 2, static_cast<int>(np), pfl[1]};
}

constexpr PercentNames kTlsNames{"time_pct", "location_pct", "situation_pct"};
constexpr PercentNames kCrNames{"reliability_pct", "location_pct (fixed 50)", "confidence_pct"};

// ---------------------------------------------------------------------------------------------
// Incremental evaluation along a ray (ItmRay). The receiver walks along one profile; for the
// receiver at sample k the path is the prefix z[0..k]. Everything the preparatory calculations
// take from the profile is obtained without scanning the prefix:
//   * system elevation and line fits: prefix sums of z and i z;
//   * TX horizon: max over i < k of (z_i - z_tx) / x_i - c x_i with c = 1 / (2 a_e). For a fixed
//     i this is a line in c, so the maximum is read off the upper envelope of those lines;
//   * RX horizon: a tangent from the receiver to the upper convex hull of the points
//     (x_i, z_i - c0 x_i^2) (see RxHull);
//   * Delta h: its resampling is bounded (<= 245 points): recomputed at every evaluation with
//     a leaner version of terrain_irregularity (exact mode), or interpolated between exact
//     anchors (ItmRayOptions::dh_anchor_spacing > 0).

// Prefix sums S0[j] = sum_{m<j} z_m and S1[j] = sum_{m<j} m z_m of a profile, each kept as an
// unevaluated sum hi + lo (compensated summation), so that window sums taken as differences far
// along a long profile keep their digits.
class PrefixSums {
 public:
  void build(const double* z, int n) {
    s0_hi_.resize(n + 1);
    s0_lo_.resize(n + 1);
    s1_hi_.resize(n + 1);
    s1_lo_.resize(n + 1);
    s0_hi_[0] = s0_lo_[0] = s1_hi_[0] = s1_lo_[0] = 0.0;
    for (int i = 0; i < n; ++i) {
      add(s0_hi_[i], s0_lo_[i], z[i], s0_hi_[i + 1], s0_lo_[i + 1]);
      add(s1_hi_[i], s1_lo_[i], i * z[i], s1_hi_[i + 1], s1_lo_[i + 1]);
    }
  }
  // Sums of z_m and m z_m over a <= m < b.
  double sum0(int a, int b) const { return (s0_hi_[b] - s0_hi_[a]) + (s0_lo_[b] - s0_lo_[a]); }
  double sum1(int a, int b) const { return (s1_hi_[b] - s1_hi_[a]) + (s1_lo_[b] - s1_lo_[a]); }

 private:
  // (hi, lo) + v with the rounding error of hi + v carried in lo (Knuth's two-sum).
  static void add(double hi, double lo, double v, double& out_hi, double& out_lo) {
    const double s = hi + v;
    const double vv = s - hi;
    const double err = (hi - (s - vv)) + (v - vv);
    out_hi = s;
    out_lo = lo + err;
  }
  std::vector<double> s0_hi_, s0_lo_, s1_hi_, s1_lo_;
};

// Least-squares line over [x_start, x_end] of z[0..np] (exactly the window and weighting of
// fit_line): windows of more than kDirectFitMax intervals from prefix sums, shorter ones
// directly.
constexpr int kDirectFitMax = 64;
void prefix_fit(const double* z, const PrefixSums& ps, int np, double xi, double x_start, double x_end,
                double& y_at_0, double& y_at_np) {
  int i0 = static_cast<int>(std::max(x_start / xi, 0.0));
  int i1 = np - static_cast<int>(std::max(np - x_end / xi, 0.0));
  if (i1 <= i0) {
    i0 = static_cast<int>(std::max(i0 - 1.0, 0.0));
    i1 = np - static_cast<int>(std::max(np - (i1 + 1.0), 0.0));
  }
  const double n = i1 - i0;
  const double centre = i1 - 0.5 * n;
  double sum = 0.5 * (z[i0] + z[i1]);
  double moment = 0.5 * (z[i1] - z[i0]) * (0.5 * n);
  if (i1 - i0 <= kDirectFitMax) {
    // Short window: summed directly, as fit_line does (a difference of prefix sums far along
    // the profile would carry their larger absolute rounding into a small sum).
    double u = -0.5 * n;
    for (int m = i0 + 1; m < i1; ++m) {
      u += 1.0;
      sum += z[m];
      moment += z[m] * u;
    }
  } else {  // interior samples i0+1 .. i1-1 with weights (m - i0 - n/2)
    const double s0 = ps.sum0(i0 + 1, i1);
    const double s1 = ps.sum1(i0 + 1, i1);
    sum += s0;
    moment += s1 - (i0 + 0.5 * n) * s0;
  }
  const double mean = sum / n;
  const double slope = moment * 12.0 / ((n * n + 2.0) * n);
  y_at_0 = mean - slope * centre;
  y_at_np = mean + slope * (np - centre);
}

// Thresholds for the order statistics of the interdecile range, from a similar earlier profile
// (the previous evaluation on the ray): q10 and q90 found there (or NaN), and how far inside
// them (fraction of q10 - q90) to gather candidates; the fractions adapt to keep the candidate
// sets small but sufficient.
struct DecileHint {
  double high = std::numeric_limits<double>::quiet_NaN();
  double low = std::numeric_limits<double>::quiet_NaN();
  double frac_high = 0.05, frac_low = 0.05;
};

// The r-th smallest (Less = std::less) or largest (std::greater) of v[0..m), 1 <= r <= m.
// Keeps the r best seen in a small sorted buffer when r is small, else nth_element.
template <class Less>
double rank_select(double* v, int m, int r, Less less) {
  if (r > 16) {
    std::nth_element(v, v + (r - 1), v + m, less);
    return v[r - 1];
  }
  double best[16];
  for (int i = 0; i < r; ++i) {  // insertion sort of the first r
    const double x = v[i];
    int j = i;
    for (; j > 0 && less(x, best[j - 1]); --j) best[j] = best[j - 1];
    best[j] = x;
  }
  for (int i = r; i < m; ++i) {
    const double x = v[i];
    if (!less(x, best[r - 1])) continue;
    int j = r - 1;
    for (; j > 0 && less(x, best[j - 1]); --j) best[j] = best[j - 1];
    best[j] = x;
  }
  return best[r - 1];
}

// Adapts a gathering fraction to the number of candidates it produced (count) for rank nth.
void adapt_fraction(double& frac, int count, int nth) {
  if (count < nth)
    frac = std::min(1.0, 2.0 * frac);
  else if (count > nth + std::max(4, nth / 4))
    frac = std::max(1e-3, 0.8 * frac);
}

// The interdecile range q10 - q90 of terrain_irregularity (before the distance normalisation):
// the same resampling, line fit and order statistics (q10 = n10-th largest deviation from the
// line, q90 = n10-th smallest), computed with accumulated resampling positions, the slopes
// dz[i] = z[i+1] - z[i] and closed-form moments; equal to terrain_irregularity's value to
// rounding (~1e-12 relative). The order statistics are selected among the deviations beyond
// thresholds slightly inside `hint` (gathered branch-free), or among all of them when too few
// are gathered: the result does not depend on the hint, only the speed.
// `work` holds 3 * kMaxDeltaHSamples values.
double interdecile_range(const double* z, const double* dz, double xi, double x_start, double x_end,
                         double* work, DecileHint& hint) {
  const double s_start = x_start / xi;
  const double s_end = x_end / xi;
  if (s_end - s_start < 2.0) return 0.0;
  int n10 = static_cast<int>(0.1 * (s_end - s_start + 8.0));
  n10 = std::min(std::max(4, n10), 25);
  const int n = 10 * n10 - 5;
  const double last = n - 1;
  const double step = (s_end - s_start) / last;

  // Linear interpolation at s_start + j step, with the sums of s_j and j s_j for the line fit.
  // Heights are taken relative to z_ref (a sample of the window): a flat window then gives
  // exactly zero deviations, as in terrain_irregularity, and the sums round less. The positions
  // stay below s_end <= np - min(15 h_rx, 0.1 d_L,rx) / xi (accumulated rounding ~1e-11
  // samples), so the segment index needs no clamping to np - 1.
  double* s = work;
  const double z_ref = z[static_cast<int>(s_start)];
  auto sample = [&](double pos) {
    const int k = static_cast<int>(pos);
    return (z[k] - z_ref) + dz[k] * (pos - k);
  };
  // Four interleaved chains (positions and sums), to keep the additions off the critical path.
  const double step4 = 4.0 * step;
  double pos[4] = {s_start, s_start + step, s_start + 2.0 * step, s_start + 3.0 * step};
  double sum[4] = {0.0, 0.0, 0.0, 0.0}, msum[4] = {0.0, 0.0, 0.0, 0.0};
  int j = 0;
  for (; j + 3 < n; j += 4) {
    for (int l = 0; l < 4; ++l) {
      const double v = sample(pos[l]);
      s[j + l] = v;
      sum[l] += v;
      msum[l] += (j + l) * v;
      pos[l] += step4;
    }
  }
  for (int l = 0; j < n; ++j, ++l) {
    const double v = sample(pos[l]);
    s[j] = v;
    sum[l] += v;
    msum[l] += j * v;
  }
  const double total = (sum[0] + sum[1]) + (sum[2] + sum[3]);
  const double mtotal = (msum[0] + msum[1]) + (msum[2] + msum[3]);
  // fit_line(s, n - 1, 1, 0, last): ends with half weight, moments about the centre.
  const double half = 0.5 * last;
  const double e0 = s[0], e1 = s[n - 1];
  const double tsum = total - 0.5 * (e0 + e1);
  const double moment = (mtotal - half * total) - 0.5 * (e1 - e0) * half;
  const double mean = tsum / last;
  const double slope = moment * 12.0 / ((last * last + 2.0) * last);
  const double y0 = mean - slope * half;

  // Deviations from the line; candidates for the order statistics gathered branch-free.
  double* hi = work + kMaxDeltaHSamples;
  double* lo = hi + kMaxDeltaHSamples;
  int n_hi = 0, n_lo = 0;
  const bool hinted = std::isfinite(hint.high) && std::isfinite(hint.low);
  if (hinted) {
    const double range = std::abs(hint.high - hint.low) + 1e-6;
    const double t_hi = hint.high - hint.frac_high * range, t_lo = hint.low + hint.frac_low * range;
    for (j = 0; j < n; ++j) {
      const double dev = s[j] - (y0 + slope * j);
      s[j] = dev;
      hi[n_hi] = dev;
      n_hi += dev >= t_hi;
      lo[n_lo] = dev;
      n_lo += dev <= t_lo;
    }
  } else {
    for (j = 0; j < n; ++j) s[j] -= y0 + slope * j;
  }
  // q10: the n10-th largest, i.e. among n_hi candidates the (n_hi - n10 + 1)-th smallest;
  // q90 likewise from the other side.
  double q10, q90;
  if (n_hi >= n10) {
    q10 = rank_select(hi, n_hi, n_hi - n10 + 1, std::less<double>());
  } else {
    std::copy(s, s + n, hi);
    q10 = rank_select(hi, n, n10, std::greater<double>());
  }
  if (n_lo >= n10)
    q90 = rank_select(lo, n_lo, n_lo - n10 + 1, std::greater<double>());
  else
    q90 = rank_select(s, n, n10, std::less<double>());
  if (hinted) {
    adapt_fraction(hint.frac_high, n_hi, n10);
    adapt_fraction(hint.frac_low, n_lo, n10);
  }
  hint.high = q10;
  hint.low = q90;
  return q10 - q90;
}

// Normalisation of the interdecile range to the asymptotic Delta h   [ERL79 eqn 3, inverted].
inline double delta_h_from_range(double range, double x_start, double x_end) {
  return range / (1.0 - 0.8 * std::exp(-(x_end - x_start) / 50e3));
}

// TX horizon: upper envelope of the lines t_i(c) = b_i - x_i c (i = 1, 2, ... in order of
// increasing x_i, i.e. decreasing slope), queried at the current c = 1 / (2 a_e).
class TxEnvelope {
 public:
  void clear() {
    lines_.clear();
    b_.clear();
  }
  // b = (z_i - z_tx) / x_i, computed by the caller exactly as find_horizons does.
  void add(int i, double b) {
    if (static_cast<int>(b_.size()) <= i) b_.resize(i + 1);
    b_[i] = b;
    // Line l2 (last) is useless if l1 (second last) or the new l3 is at least as high
    // everywhere: (b3 - b2)(x2 - x1) >= (b2 - b1)(x3 - x2) (x in sample units).
    while (lines_.size() >= 2) {
      const int i1 = lines_[lines_.size() - 2], i2 = lines_.back();
      if ((b - b_[i2]) * static_cast<double>(i2 - i1) >= (b_[i2] - b_[i1]) * static_cast<double>(i - i2))
        lines_.pop_back();
      else
        break;
    }
    lines_.push_back(i);
  }
  bool empty() const { return lines_.empty(); }
  // Index of the highest line at curvature c (t = b_i - (i xi) c, the expression of
  // find_horizons); ties go to the smallest index.
  int best(double c, double xi) const {
    auto value = [&](int e) { return b_[lines_[e]] - (lines_[e] * xi) * c; };
    int lo = 0, hi = static_cast<int>(lines_.size()) - 1;
    while (lo < hi) {  // first envelope position not below its successor
      const int mid = (lo + hi) / 2;
      if (value(mid) >= value(mid + 1))
        hi = mid;
      else
        lo = mid + 1;
    }
    // Guard against rounding in the envelope: also look at the neighbours.
    int best_e = std::max(lo - 1, 0);
    double best_v = value(best_e);
    for (int e = best_e + 1; e <= std::min(lo + 1, static_cast<int>(lines_.size()) - 1); ++e) {
      const double v = value(e);
      if (v > best_v) {
        best_v = v;
        best_e = e;
      }
    }
    return lines_[best_e];
  }

 private:
  std::vector<int> lines_;  // envelope, in order of insertion
  std::vector<double> b_;   // intercepts by sample index
};

// RX horizon. For the receiver R at x = d (height z_R) and c = 1 / (2 a_e), find_horizons
// maximises t_i = (z_i - z_R) / (d - x_i) - c (d - x_i) over the earlier samples (the TX
// antenna, i = 0, included). With u_i = z_i - c x_i^2,
//   t_i = (u_i - u_R) / (d - x_i) - 2 c d,
// i.e. the steepest line from R back to the points (x_i, u_i): a tangent from R to their upper
// convex hull, found by binary search. The hull is built for a curvature c0 >= c (c changes
// with every sample through N_s); the vertices of the hull for c are among those for c0, and
//   t_i(c) = t_i(c0) + (c0 - c)(d - x_i),
// so only vertices left of the c0-tangent point p whose c0 objective is within (c0 - c) x_p of
// its maximum can win: those are walked and compared with the exact expression.
class RxHull {
 public:
  // Rebuilds the hull of points 0 .. count-1 for curvature c0; z0 is the TX antenna height
  // (ground + structural height) used for point 0.
  void rebuild(const double* z, double z0, int count, double xi, double c0) {
    c0_ = c0;
    xi_ = xi;
    u_.resize(std::max<std::size_t>(u_.size(), count));
    hull_.clear();
    for (int i = 0; i < count; ++i) add(i, i == 0 ? z0 : z[i]);
  }
  void add(int i, double zi) {
    if (static_cast<int>(u_.size()) <= i) u_.resize(2 * i + 2);
    const double x = i * xi_;
    const double u = zi - c0_ * x * x;
    u_[i] = u;
    while (hull_.size() >= 2) {  // pop the last vertex while it is on or below the chord
      const int a = hull_[hull_.size() - 2], b = hull_.back();
      if ((u_[b] - u_[a]) * static_cast<double>(i - a) <= (u - u_[a]) * static_cast<double>(b - a))
        hull_.pop_back();
      else
        break;
    }
    hull_.push_back(i);
  }

  // Calls visit(i) for every sample that can hold the RX horizon at curvature c <= c0 for the
  // receiver at index k with height z_r (candidates in decreasing index order).
  template <class Visit>
  void candidates(int k, double z_r, double c, Visit&& visit) const {
    const double d = k * xi_;
    const double u_r = z_r - c0_ * d * d;
    auto g = [&](int e) {
      const int i = hull_[e];
      return (u_[i] - u_r) / (d - i * xi_);
    };
    const int m = static_cast<int>(hull_.size());
    int lo = 0, hi = m - 1;
    while (lo < hi) {
      const int mid = (lo + hi) / 2;
      if (g(mid) >= g(mid + 1))
        hi = mid;
      else
        lo = mid + 1;
    }
    const int p = lo;
    const double gp = g(p);
    // Rounding guard (absolute, in slope units) plus the curvature correction bound.
    const double threshold = gp - (c0_ - c) * (hull_[p] * xi_) - 1e-9 * (1.0 + std::abs(gp));
    if (p + 1 < m) visit(hull_[p + 1]);
    visit(hull_[p]);
    for (int e = p - 1; e >= 0; --e) {
      if (g(e) < threshold) break;
      visit(hull_[e]);
    }
  }

 private:
  double c0_ = 0.0, xi_ = 1.0;
  std::vector<double> u_;   // u_i by sample index
  std::vector<int> hull_;   // hull vertices (sample indices, increasing)
};

struct RayHorizon {
  double theta[2];
  double d[2];
};

// Terrain windows shorter than this (in samples) resample to the minimum of 35 points.
constexpr double kShortSpan = 42.0;
// Interdecile ranges (m) below this are recomputed by terrain_irregularity (see irregularity()).
constexpr double kNoiseRange = 0.1;

// Profile operations of the prefix z[0..k] for evaluate(), from the state built by ItmRay.
struct RayProfileOps {
  const double* z;
  const double* dz;
  const PrefixSums* sums;
  const int* nonzero;      // nonzero[i] = number of non-zero heights before sample i
  int k;
  double xi;
  const RayHorizon* hzn;   // horizons of this prefix
  double dh_range;         // interdecile range (NaN: compute it exactly here)
  double* scratch;         // 3 * kMaxDeltaHSamples doubles
  DecileHint* hint;

  double length() const { return k * xi; }
  double z_first() const { return z[0]; }
  double z_last() const { return z[k]; }
  void horizons(double, PathGeometry& g) const {
    for (int t = 0; t < 2; ++t) {
      g.theta_hzn[t] = hzn->theta[t];
      g.d_hzn[t] = hzn->d[t];
    }
  }
  double irregularity(double x_start, double x_end) const {
    const double span = x_end / xi - x_start / xi;
    if (span < 2.0) return 0.0;  // as terrain_irregularity
    // Short windows (35 resampled points) go to terrain_irregularity itself, and so does a
    // range at rounding-noise level (an almost straight terrain window): there the ITM
    // formulas take square roots of Delta h, which would amplify the difference between two
    // roundings of what is noise anyway.
    if (span < kShortSpan) return terrain_irregularity(Profile{z, k, xi}, x_start, x_end);
    if (!std::isnan(dh_range)) return delta_h_from_range(dh_range, x_start, x_end);
    const double range = interdecile_range(z, dz, xi, x_start, x_end, scratch, *hint);
    if (range < kNoiseRange) {
      // Sea: a window of exact zeros gives exactly 0 both ways.
      const int i0 = static_cast<int>(x_start / xi), i1 = std::min(k, static_cast<int>(x_end / xi) + 1);
      if (nonzero[i1 + 1] == nonzero[i0]) return 0.0;
      return terrain_irregularity(Profile{z, k, xi}, x_start, x_end);
    }
    return delta_h_from_range(range, x_start, x_end);
  }
  void fit(double x_start, double x_end, double& y_at_0, double& y_at_np) const {
    prefix_fit(z, *sums, k, xi, x_start, x_end, y_at_0, y_at_np);
  }
};

}  // namespace

// ---------------------------------------------------------------------------------------------
// Public API

ItmResult itm_p2p_tls(const double* elevations_m, std::size_t n_points, double spacing_m, const ItmParams& params,
                      double time_pct, double location_pct, double situation_pct) {
  return run_p2p(make_profile(elevations_m, n_points, spacing_m), params, time_pct, location_pct, situation_pct,
                 kTlsNames);
}

ItmResult itm_p2p_tls(const std::vector<double>& elevations_m, double spacing_m, const ItmParams& params,
                      double time_pct, double location_pct, double situation_pct) {
  return itm_p2p_tls(elevations_m.data(), elevations_m.size(), spacing_m, params, time_pct, location_pct,
                     situation_pct);
}

ItmResult itm_p2p_cr(const double* elevations_m, std::size_t n_points, double spacing_m, const ItmParams& params,
                     double confidence_pct, double reliability_pct) {
  // CR mode = TLS with time = reliability, location = 50 %, situation = confidence.
  return run_p2p(make_profile(elevations_m, n_points, spacing_m), params, reliability_pct, 50.0, confidence_pct,
                 kCrNames);
}

ItmResult itm_p2p_cr(const std::vector<double>& elevations_m, double spacing_m, const ItmParams& params,
                     double confidence_pct, double reliability_pct) {
  return itm_p2p_cr(elevations_m.data(), elevations_m.size(), spacing_m, params, confidence_pct, reliability_pct);
}

ItmResult itm_p2p_tls_pfl(const std::vector<double>& pfl, const ItmParams& params, double time_pct,
                          double location_pct, double situation_pct) {
  return run_p2p(profile_from_pfl(pfl), params, time_pct, location_pct, situation_pct, kTlsNames);
}

ItmResult itm_p2p_cr_pfl(const std::vector<double>& pfl, const ItmParams& params, double confidence_pct,
                         double reliability_pct) {
  return run_p2p(profile_from_pfl(pfl), params, reliability_pct, 50.0, confidence_pct, kCrNames);
}

std::vector<std::string> itm_warning_messages(long warnings) {
  struct Entry {
    long bit;
    const char* text;
  };
  static constexpr Entry kEntries[] = {
      {itm_warn_tx_terminal_height, "TX terminal height is near its limits (outside 1-1000 m)"},
      {itm_warn_rx_terminal_height, "RX terminal height is near its limits (outside 1-1000 m)"},
      {itm_warn_frequency, "Frequency is near its limits (outside 40-10000 MHz)"},
      {itm_warn_path_distance_too_big_1, "Path distance is near its upper limit (over 1000 km)"},
      {itm_warn_path_distance_too_big_2, "Path distance is large (over 2000 km): use the result with care"},
      {itm_warn_path_distance_too_small_1,
       "Path distance is near its lower limit (shorter than the effective height difference / 0.2)"},
      {itm_warn_path_distance_too_small_2, "Path distance is small (under 1 km): use the result with care"},
      {itm_warn_tx_horizon_angle, "TX horizon angle is large (over 200 mrad): small-angle approximations may fail"},
      {itm_warn_rx_horizon_angle, "RX horizon angle is large (over 200 mrad): small-angle approximations may fail"},
      {itm_warn_tx_horizon_distance_1, "TX horizon distance is less than 1/10 of the smooth-earth horizon distance"},
      {itm_warn_rx_horizon_distance_1, "RX horizon distance is less than 1/10 of the smooth-earth horizon distance"},
      {itm_warn_tx_horizon_distance_2, "TX horizon distance is more than 3 times the smooth-earth horizon distance"},
      {itm_warn_rx_horizon_distance_2, "RX horizon distance is more than 3 times the smooth-earth horizon distance"},
      {itm_warn_extreme_variabilities, "A requested variability percentage lies far in the tail of its distribution"},
      {itm_warn_surface_refractivity,
       "Surface refractivity is small (under 250 N-units): use the result with care"},
  };
  std::vector<std::string> out;
  for (const Entry& e : kEntries)
    if (warnings & e.bit) out.emplace_back(e.text);
  return out;
}

// ---------------------------------------------------------------------------------------------
// ItmRay

struct ItmRay::Impl {
  Setup setup;
  ItmRayOptions options;
  long param_warnings = 0;  // warnings of validate_inputs (parameters only)

  // Per-ray state, kept between rays to avoid reallocation.
  std::vector<char> need;               // per sample: loss wanted
  std::vector<char> query;              // per sample: horizons (and environment) wanted
  std::vector<char> known;              // per sample: exact interdecile range computed
  std::vector<double> dz;               // z[i+1] - z[i]
  PrefixSums sums;                      // prefix sums of z and i z
  std::vector<int> nonzero;             // count of non-zero heights before each sample
  std::vector<Environment> env;         // per queried k: environment of the prefix z[0..k]
  std::vector<double> half_curv;        // per queried k: 0.5 / a_e
  std::vector<RayHorizon> hzn;          // per queried k: horizons of the prefix
  std::vector<double> dh_range;         // per needed k: interdecile range (NaN: exact at evaluation)
  TxEnvelope tx;
  RxHull rx;
  std::array<double, 3 * kMaxDeltaHSamples> scratch;
  DecileHint hint;

  // Curvature windows of the RX hull: it is rebuilt for c0 = max c over a window of queried
  // samples, extended while max c - min c <= kWindowTolerance max c. A wider window means fewer
  // rebuilds but more candidates to check per query (both cheap at 1e-2 on real terrain).
  static constexpr double kWindowTolerance = 1e-2;

  template <class T>
  void run(const double* h, std::size_t n_in, double xi, T* out, const std::function<bool(std::size_t)>& needed);
  void horizons(const double* h, int n, double xi);
  void anchored_ranges(const double* h, int n, double xi);
  // Anchor samples of the approximate Delta h: every m-th beyond kExactSpan, and the last.
  static constexpr int kExactSpan = 48;  // samples 1..48 are always exact (see anchored_ranges)
  bool anchor(int k, int n) const {
    const int first = std::min(n - 1, kExactSpan);
    return k == n - 1 || (k >= first && (k - first) % options.dh_anchor_spacing == 0);
  }
  double exact_range(const double* h, int k, double xi) {
    const RayHorizon& hz = hzn[k];
    PathGeometry g;
    g.h[kTx] = setup.p.h_tx_m;
    g.h[kRx] = setup.p.h_rx_m;
    g.d = k * xi;
    g.d_hzn[kTx] = hz.d[kTx];
    g.d_hzn[kRx] = hz.d[kRx];
    return interdecile_range(h, dz.data(), xi, terrain_start(g), terrain_end(g), scratch.data(), hint);
  }
};

// Horizons of every queried prefix (find_horizons' results, see TxEnvelope and RxHull).
void ItmRay::Impl::horizons(const double* h, int n, double xi) {
  const double h_tx = setup.p.h_tx_m, h_rx = setup.p.h_rx_m;
  const double z_tx = h[0] + h_tx;
  tx.clear();
  int window_end = 0;  // last sample of the current curvature window
  int in_hull = 0;     // points 0 .. in_hull-1 are in the RX hull
  for (int k = 1; k < n; ++k) {
    if (k >= 2) tx.add(k - 1, (h[k - 1] - z_tx) / ((k - 1) * xi));
    if (!query[k]) continue;
    const double c = half_curv[k];
    if (k > window_end) {
      double c_max = c, c_min = c;
      int e = k;
      for (int q = k + 1; q < n; ++q) {
        if (!query[q]) continue;
        const double cq = half_curv[q];
        const double hi = std::max(c_max, cq), lo = std::min(c_min, cq);
        if (hi - lo > kWindowTolerance * hi) break;
        c_max = hi;
        c_min = lo;
        e = q;
      }
      window_end = e;
      rx.rebuild(h, z_tx, k, xi, c_max);
    } else {
      for (int i = in_hull; i < k; ++i) rx.add(i, h[i]);
    }
    in_hull = k;

    // The expressions of find_horizons for the prefix z[0..k].
    const double d = k * xi;
    const double z_rx = h[k] + h_rx;
    const double slope = (z_rx - z_tx) / d;
    double best_tx = slope - d * c;
    double best_rx = -slope - d * c;
    double x_tx = d, x_rx = d;
    if (!tx.empty()) {
      const int i = tx.best(c, xi);
      const double x = i * xi;
      const double t = (h[i] - z_tx) / x - x * c;
      if (t > best_tx) {
        best_tx = t;
        x_tx = x;
      }
    }
    // RX: the best candidate; index 0 (the TX antenna) is find_horizons' initial value and
    // wins ties, as does the smaller index between two samples.
    int rx_i = 0;
    double rx_t = best_rx;
    rx.candidates(k, z_rx, c, [&](int i) {
      if (i == 0) return;  // already the initial value
      const double x = i * xi;
      const double y = d - x;
      const double t = (h[i] - z_rx) / y - y * c;
      if (t > rx_t || (t == rx_t && rx_i != 0 && i < rx_i)) {
        rx_t = t;
        rx_i = i;
      }
    });
    if (rx_i > 0) {
      best_rx = rx_t;
      x_rx = d - rx_i * xi;
    }
    hzn[k] = RayHorizon{{best_tx, best_rx}, {x_tx, x_rx}};
  }
}

// Approximate Delta h (ItmRayOptions::dh_anchor_spacing > 0): the interdecile range of every
// needed sample k, exact where it is cheap or where it changes quickly, interpolated otherwise.
void ItmRay::Impl::anchored_ranges(const double* h, int n, double xi) {
  const int m = options.dh_anchor_spacing;
  const double tol = options.dh_rel_tolerance;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::fill(dh_range.begin(), dh_range.begin() + n, nan);
  known.assign(n, 0);
  auto range_at = [&](int k) {
    if (!known[k]) {
      dh_range[k] = exact_range(h, k, xi);
      known[k] = 1;
    }
    return dh_range[k];
  };
  // Short paths (at most kExactSpan samples): the resampling has only 35 points and Delta h
  // changes fast with k, so it is always exact there.
  const int first = std::min(n - 1, kExactSpan);
  for (int k = 1; k <= first; ++k)
    if (need[k]) range_at(k);
  // Beyond: anchors every m samples (see anchor()); inside an interval whose two ends differ by
  // more than `tol` (relative to the larger) the needed samples are computed exactly.
  for (int lo = first; lo < n - 1; lo += m) {
    const int hi = std::min(lo + m, n - 1);
    bool inner = false;
    for (int k = lo + 1; k < hi && !inner; ++k) inner = need[k] != 0;
    if (!inner) continue;
    const double r_lo = range_at(lo), r_hi = range_at(hi);
    const bool exact = std::abs(r_hi - r_lo) > tol * std::max(std::abs(r_lo), std::abs(r_hi));
    for (int k = lo + 1; k < hi; ++k)
      if (need[k] && !known[k])
        dh_range[k] = exact ? range_at(k) : r_lo + (r_hi - r_lo) * (static_cast<double>(k - lo) / (hi - lo));
  }
  for (int k = first + 1; k < n; ++k)  // needed anchors not inside any interpolated span
    if (need[k] && std::isnan(dh_range[k])) range_at(k);
  for (int k = 1; k <= first; ++k) dh_range[k] = nan;  // exact at evaluation
}

template <class T>
void ItmRay::Impl::run(const double* h, std::size_t n_in, double xi, T* out,
                       const std::function<bool(std::size_t)>& needed) {
  if (n_in < 2) return;
  if (n_in > static_cast<std::size_t>(1) << 30)
    fail<InputError>("number of profile points", static_cast<double>(n_in), "at most 2^30");
  const int n_all = static_cast<int>(n_in);
  need.assign(n_all, 0);
  int last = 0;
  for (int k = 1; k < n_all; ++k)
    if (!needed || needed(static_cast<std::size_t>(k))) {
      need[k] = 1;
      last = k;
    }
  if (last == 0) return;
  const int n = last + 1;  // samples beyond the last needed one play no part
  if (h == nullptr) throw InputError("ITM: terrain profile pointer is null");
  if (!(std::isfinite(xi) && xi > 0.0)) fail<InputError>("profile spacing_m", xi, "finite and > 0");
  for (int i = 0; i < n; ++i)
    if (!std::isfinite(h[i])) {
      std::ostringstream os;
      os << "ITM: terrain elevation at index " << i << " is not finite (" << h[i] << ")";
      throw InputError(os.str());
    }
  const bool anchored = options.dh_anchor_spacing > 0;
  // Horizons are needed at the evaluated samples, and at the anchors.
  query.assign(need.begin(), need.begin() + n);
  if (anchored)
    for (int k = 1; k < n; ++k) query[k] = query[k] || anchor(k, n);

  // Slopes, prefix sums, and the environment of every queried prefix (N_s from the system
  // elevation of the prefix).
  dz.resize(n);
  nonzero.resize(n + 1);
  nonzero[0] = 0;
  for (int i = 0; i < n; ++i) {
    dz[i] = i + 1 < n ? h[i + 1] - h[i] : 0.0;
    nonzero[i + 1] = nonzero[i] + (h[i] != 0.0);
  }
  sums.build(h, n);
  env.resize(n);
  half_curv.resize(n);
  for (int k = 1; k < n; ++k) {
    if (!query[k]) continue;
    const int skip = static_cast<int>(0.1 * k);
    const double h_sys = sums.sum0(skip, k - skip + 1) / (k - 2 * skip + 1);  // system_elevation
    env[k] = make_environment(setup, h_sys);
    half_curv[k] = 0.5 / env[k].a_e;
  }

  hzn.resize(n);
  horizons(h, n, xi);

  dh_range.resize(n);
  if (anchored)
    anchored_ranges(h, n, xi);
  else
    std::fill(dh_range.begin(), dh_range.begin() + n, std::numeric_limits<double>::quiet_NaN());

  for (int k = 1; k < n; ++k) {
    if (!need[k]) continue;
    const RayProfileOps ops{h, dz.data(), &sums, nonzero.data(), k, xi, &hzn[k], dh_range[k], scratch.data(), &hint};
    if constexpr (std::is_same_v<T, ItmResult>)
      out[k] = evaluate(setup, env[k], ops, param_warnings);
    else
      out[k] = static_cast<T>(evaluate(setup, env[k], ops, param_warnings).loss_db);
  }
}

ItmRay::ItmRay(const ItmParams& params, double time_pct, double location_pct, double situation_pct,
               const ItmRayOptions& options)
    : impl_(std::make_unique<Impl>()) {
  // Parameter validation of itm_p2p_tls, on a dummy two-point profile.
  const double dummy[2] = {0.0, 0.0};
  impl_->param_warnings =
      validate_inputs(Profile{dummy, 1, 1.0}, params, time_pct, location_pct, situation_pct, kTlsNames);
  if (options.dh_anchor_spacing < 0)
    fail<InputError>("ItmRayOptions::dh_anchor_spacing", options.dh_anchor_spacing, ">= 0");
  if (!(options.dh_rel_tolerance >= 0.0))
    fail<InputError>("ItmRayOptions::dh_rel_tolerance", options.dh_rel_tolerance, ">= 0");
  impl_->setup = make_setup(params, time_pct, location_pct, situation_pct);
  impl_->options = options;
}

ItmRay::~ItmRay() = default;
ItmRay::ItmRay(ItmRay&&) noexcept = default;
ItmRay& ItmRay::operator=(ItmRay&&) noexcept = default;

void ItmRay::run(const double* h, std::size_t n, double spacing_m, float* loss_db,
                 const std::function<bool(std::size_t)>& needed) {
  impl_->run(h, n, spacing_m, loss_db, needed);
}

void ItmRay::run(const double* h, std::size_t n, double spacing_m, double* loss_db,
                 const std::function<bool(std::size_t)>& needed) {
  impl_->run(h, n, spacing_m, loss_db, needed);
}

void ItmRay::run(const double* h, std::size_t n, double spacing_m, ItmResult* results,
                 const std::function<bool(std::size_t)>& needed) {
  impl_->run(h, n, spacing_m, results, needed);
}

}  // namespace phusong::radio
