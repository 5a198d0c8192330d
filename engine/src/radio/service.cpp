// phusong — from signal to service: attenuated Shannon bound, CQI tables, noise, margin, SINR,
// throughput. Formulas, tables and their sources are documented in phusong/radio/service.hpp.
#include "phusong/radio/service.hpp"

#include <cmath>
#include <limits>

#include "radio/checks.hpp"

namespace phusong::radio {
namespace {

using detail::fmt;
using detail::throw_input;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kSqrt2Pi = 2.5066282746310002;  // sqrt(2 pi)
constexpr double kSqrt2 = 1.4142135623730951;

void require_finite_positive(const char* fn, const char* arg, double v) {
  if (!std::isfinite(v) || v <= 0.0)
    throw_input(fn, std::string("argument '") + arg + "' = " + fmt(v) + " must be finite and > 0");
}

void require_finite_nonnegative(const char* fn, const char* arg, double v) {
  if (!std::isfinite(v) || v < 0.0)
    throw_input(fn, std::string("argument '") + arg + "' = " + fmt(v) + " must be finite and >= 0");
}

void check_shannon(const char* fn, const ShannonParams& p) {
  require_finite_positive(fn, "alpha", p.alpha);
  detail::require_finite(fn, "sinr_min_db", p.sinr_min_db);
  require_finite_positive(fn, "thr_max_bps_hz", p.thr_max_bps_hz);
}

void check_gap(const char* fn, double gap_db) { require_finite_nonnegative(fn, "gap_db", gap_db); }

// Shannon capacity log2(1 + SINR / Gamma) of an SINR in dB less a gap in dB (+-inf allowed).
double gap_capacity_bps_hz(double sinr_db, double gap_db) {
  return std::log2(1.0 + std::pow(10.0, (sinr_db - gap_db) / 10.0));
}

// ---------------------------------------------------------------------------------------------
// CQI tables: {Qm, code rate x 1024, efficiency as printed (4 decimals)}.

using Table = std::array<CqiEntry, 16>;

// TS 36.213 Table 7.2.3-1 = TS 38.214 Table 5.2.2.1-2.
constexpr Table kCqi64Qam{{
    {0, 0, 0.0},
    {2, 78, 0.1523},
    {2, 120, 0.2344},
    {2, 193, 0.3770},
    {2, 308, 0.6016},
    {2, 449, 0.8770},
    {2, 602, 1.1758},
    {4, 378, 1.4766},
    {4, 490, 1.9141},
    {4, 616, 2.4063},
    {6, 466, 2.7305},
    {6, 567, 3.3223},
    {6, 666, 3.9023},
    {6, 772, 4.5234},
    {6, 873, 5.1152},
    {6, 948, 5.5547},
}};

// TS 36.213 Table 7.2.3-2 = TS 38.214 Table 5.2.2.1-3.
constexpr Table kCqi256Qam{{
    {0, 0, 0.0},
    {2, 78, 0.1523},
    {2, 193, 0.3770},
    {2, 449, 0.8770},
    {4, 378, 1.4766},
    {4, 490, 1.9141},
    {4, 616, 2.4063},
    {6, 466, 2.7305},
    {6, 567, 3.3223},
    {6, 666, 3.9023},
    {6, 772, 4.5234},
    {6, 873, 5.1152},
    {8, 711, 5.5547},
    {8, 797, 6.2266},
    {8, 885, 6.9141},
    {8, 948, 7.4063},
}};

// TS 38.214 Table 5.2.2.1-4.
constexpr Table kCqi64QamLowSe{{
    {0, 0, 0.0},
    {2, 30, 0.0586},
    {2, 50, 0.0977},
    {2, 78, 0.1523},
    {2, 120, 0.2344},
    {2, 193, 0.3770},
    {2, 308, 0.6016},
    {2, 449, 0.8770},
    {2, 602, 1.1758},
    {4, 378, 1.4766},
    {4, 490, 1.9141},
    {4, 616, 2.4063},
    {6, 466, 2.7305},
    {6, 567, 3.3223},
    {6, 666, 3.9023},
    {6, 772, 4.5234},
}};

struct TableName {
  CqiTable table;
  const char* spec;   // to_string()
  const char* alias;  // the enum's name
};
constexpr TableName kTableNames[] = {
    {CqiTable::lte_64qam, "36.213-7.2.3-1", "lte_64qam"},
    {CqiTable::lte_256qam, "36.213-7.2.3-2", "lte_256qam"},
    {CqiTable::nr_64qam, "38.214-5.2.2.1-2", "nr_64qam"},
    {CqiTable::nr_256qam, "38.214-5.2.2.1-3", "nr_256qam"},
    {CqiTable::nr_64qam_low_se, "38.214-5.2.2.1-4", "nr_64qam_low_se"},
};

// The highest CQI whose efficiency is at most `capacity` (tables increase strictly with CQI).
int highest_cqi_within(const Table& t, double capacity) {
  int cqi = 0;
  for (int i = 1; i < 16 && t[i].efficiency <= capacity; ++i) cqi = i;
  return cqi;
}

// ---------------------------------------------------------------------------------------------
// Acklam's rational approximation of Phi^-1 (relative error < 1.15e-9), for 0 < p <= 0.5.

double acklam_lower(double p) {
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                                 1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                                 6.680131188771972e+01,  -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                                 -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                                 3.754408661907416e+00};
  constexpr double p_low = 0.02425;
  if (p < p_low) {
    const double q = std::sqrt(-2.0 * std::log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
  }
  const double q = p - 0.5;
  const double r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
         (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
}

}  // namespace

// ---------------------------------------------------------------------------------------------

LinkDirection link_direction_from_string(const std::string& name) {
  if (name == "downlink" || name == "dl") return LinkDirection::downlink;
  if (name == "uplink" || name == "ul") return LinkDirection::uplink;
  throw InputError("unknown link direction '" + name + "' (known: downlink, uplink)");
}

const char* to_string(LinkDirection d) { return d == LinkDirection::uplink ? "uplink" : "downlink"; }

ShannonParams shannon_params(LinkDirection d) {
  return d == LinkDirection::uplink ? kShannonUplink : kShannonDownlink;
}

double attenuated_shannon_bps_hz(double sinr_db, const ShannonParams& p) {
  check_shannon("attenuated_shannon_bps_hz", p);
  if (std::isnan(sinr_db)) return kNaN;
  if (sinr_db < p.sinr_min_db) return 0.0;
  const double thr = p.alpha * std::log2(1.0 + std::pow(10.0, sinr_db / 10.0));
  return thr < p.thr_max_bps_hz ? thr : p.thr_max_bps_hz;
}

const std::vector<CqiTable>& cqi_tables() {
  static const std::vector<CqiTable> all = [] {
    std::vector<CqiTable> v;
    for (const auto& n : kTableNames) v.push_back(n.table);
    return v;
  }();
  return all;
}

const char* to_string(CqiTable t) {
  for (const auto& n : kTableNames)
    if (n.table == t) return n.spec;
  return "?";
}

CqiTable cqi_table_from_string(const std::string& name) {
  std::string known;
  for (const auto& n : kTableNames) {
    if (name == n.spec || name == n.alias) return n.table;
    known += (known.empty() ? "" : ", ") + std::string(n.spec);
  }
  throw InputError("unknown CQI table '" + name + "' (known: " + known + ")");
}

const std::array<CqiEntry, 16>& cqi_table_entries(CqiTable t) {
  switch (t) {
    case CqiTable::lte_256qam:
    case CqiTable::nr_256qam:
      return kCqi256Qam;
    case CqiTable::nr_64qam_low_se:
      return kCqi64QamLowSe;
    case CqiTable::lte_64qam:
    case CqiTable::nr_64qam:
      break;
  }
  return kCqi64Qam;
}

std::array<double, 16> cqi_table_efficiencies(CqiTable t) {
  std::array<double, 16> out{};
  const Table& e = cqi_table_entries(t);
  for (int i = 0; i < 16; ++i) out[i] = e[i].efficiency;
  return out;
}

double cqi_efficiency(CqiTable t, int cqi) {
  if (cqi < 0 || cqi > 15)
    throw_input("cqi_efficiency", "argument 'cqi' = " + std::to_string(cqi) + " is outside 0..15");
  return cqi_table_entries(t)[cqi].efficiency;
}

int cqi_from_sinr(CqiTable t, double sinr_db, double gap_db) {
  check_gap("cqi_from_sinr", gap_db);
  if (std::isnan(sinr_db)) throw_input("cqi_from_sinr", "argument 'sinr_db' = nan is not a number");
  return highest_cqi_within(cqi_table_entries(t), gap_capacity_bps_hz(sinr_db, gap_db));
}

double cqi_spectral_efficiency(CqiTable t, double sinr_db, double gap_db) {
  check_gap("cqi_spectral_efficiency", gap_db);
  if (std::isnan(sinr_db)) return kNaN;
  const Table& e = cqi_table_entries(t);
  return e[highest_cqi_within(e, gap_capacity_bps_hz(sinr_db, gap_db))].efficiency;
}

double thermal_noise_dbm(double bandwidth_hz, double noise_figure_db, double temperature_k) {
  constexpr const char* fn = "thermal_noise_dbm";
  require_finite_positive(fn, "bandwidth_hz", bandwidth_hz);
  require_finite_nonnegative(fn, "noise_figure_db", noise_figure_db);
  require_finite_positive(fn, "temperature_k", temperature_k);
  return 10.0 * std::log10(kBoltzmannJPerK * temperature_k * bandwidth_hz) + 30.0 + noise_figure_db;
}

double inverse_normal_cdf(double p) {
  if (!(p > 0.0 && p < 1.0))
    throw_input("inverse_normal_cdf", "argument 'p' = " + fmt(p) + " is outside (0, 1)");
  // Work in the lower half with q = min(p, 1 - p); 1 - p is exact for p >= 0.5 (Sterbenz), so
  // the upper tail keeps its precision through the symmetry Phi^-1(p) = -Phi^-1(1 - p).
  const bool upper = p > 0.5;
  const double q = upper ? 1.0 - p : p;
  double x = acklam_lower(q);
  // One Halley step on f(x) = Phi(x) - q, Phi(x) = erfc(-x / sqrt 2) / 2 (x <= 0 here, where
  // erfc is accurate to a few ulps, also deep in the tail).
  const double e = 0.5 * std::erfc(-x / kSqrt2) - q;
  const double u = e * kSqrt2Pi * std::exp(0.5 * x * x);
  if (std::isfinite(u)) x -= u / (1.0 + 0.5 * x * u);  // exp overflows only for q < ~1e-306
  return upper ? -x : x;
}

double location_margin_db(double sigma_db, double probability) {
  constexpr const char* fn = "location_margin_db";
  require_finite_nonnegative(fn, "sigma_db", sigma_db);
  if (!(probability > 0.0 && probability < 1.0))
    throw_input(fn, "argument 'probability' = " + fmt(probability) + " is outside (0, 1)");
  return sigma_db * inverse_normal_cdf(probability);
}

double sinr_db(double signal_dbm, const std::vector<double>& interferer_dbm, double load, double noise_dbm) {
  constexpr const char* fn = "sinr_db";
  if (std::isnan(signal_dbm) || signal_dbm == std::numeric_limits<double>::infinity())
    throw_input(fn, "argument 'signal_dbm' = " + fmt(signal_dbm) + " must be a number below +inf");
  if (!(load >= 0.0 && load <= 1.0)) throw_input(fn, "argument 'load' = " + fmt(load) + " is outside [0, 1]");
  detail::require_finite(fn, "noise_dbm", noise_dbm);
  double sum_mw = 0.0;
  for (std::size_t i = 0; i < interferer_dbm.size(); ++i) {
    const double v = interferer_dbm[i];
    if (std::isnan(v) || v == std::numeric_limits<double>::infinity())
      throw_input(fn, "argument 'interferer_dbm[" + std::to_string(i) + "]' = " + fmt(v) +
                          " must be a number below +inf");
    sum_mw += std::pow(10.0, v / 10.0);
  }
  const double s_mw = std::pow(10.0, signal_dbm / 10.0);
  const double in_mw = load * sum_mw + std::pow(10.0, noise_dbm / 10.0);
  return 10.0 * std::log10(s_mw / in_mw);
}

double throughput_mbps(double efficiency_bps_hz, double bandwidth_mhz, int mimo_layers, double overhead) {
  constexpr const char* fn = "throughput_mbps";
  require_finite_nonnegative(fn, "efficiency_bps_hz", efficiency_bps_hz);
  require_finite_positive(fn, "bandwidth_mhz", bandwidth_mhz);
  if (mimo_layers < 1 || mimo_layers > 8)
    throw_input(fn, "argument 'mimo_layers' = " + std::to_string(mimo_layers) + " is outside 1..8");
  if (!(overhead >= 0.0 && overhead < 1.0))
    throw_input(fn, "argument 'overhead' = " + fmt(overhead) + " is outside [0, 1)");
  return efficiency_bps_hz * bandwidth_mhz * mimo_layers * (1.0 - overhead);
}

}  // namespace phusong::radio
