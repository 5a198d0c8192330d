// phusong — empirical median path loss (Okumura-Hata, COST-231 Hata, Extended Hata).
// Formulas and ranges are documented in phusong/radio/empirical.hpp.
#include "phusong/radio/empirical.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "phusong/error.hpp"

namespace phusong::radio {
namespace {

struct Range {
  const char* name;
  double value;
  double lo, hi;
  const char* unit;
  unsigned flag;
};

void require_finite_positive(const char* model, const char* name, double v) {
  if (!std::isfinite(v) || v <= 0.0) {
    std::ostringstream os;
    os << model << ": " << name << " = " << v << " must be a finite positive number";
    throw InputError(os.str());
  }
}

void require_inputs(const char* model, const EmpiricalInput& in) {
  require_finite_positive(model, "freq_mhz", in.freq_mhz);
  require_finite_positive(model, "distance_km", in.distance_km);
  require_finite_positive(model, "tx_height_m", in.tx_height_m);
  require_finite_positive(model, "rx_height_m", in.rx_height_m);
}

// Checks every range; throws a RangeError naming all violations unless extrapolation is allowed,
// in which case the flags and warning are stored in `out`. Allocates only on a violation.
void check_ranges(const char* model, const Range* ranges, int n, bool allow, EmpiricalResult& out) {
  unsigned flags = 0;
  for (int i = 0; i < n; ++i) {
    const Range& r = ranges[i];
    if (r.value < r.lo || r.value > r.hi) flags |= r.flag;
  }
  if (flags == 0) return;
  std::ostringstream os;
  os << model << ": ";
  bool first = true;
  for (int i = 0; i < n; ++i) {
    const Range& r = ranges[i];
    if ((flags & r.flag) == 0) continue;
    if (!first) os << "; ";
    first = false;
    os << r.name << " = " << r.value << " is outside the validity range [" << r.lo << ", " << r.hi << "] "
       << r.unit;
  }
  if (!allow) {
    os << " (set allow_extrapolation to extrapolate)";
    throw RangeError(os.str());
  }
  os << " (extrapolated)";
  out.out_of_range = flags;
  out.warning = os.str();
}

double small_city_a_hm(double f_mhz, double hm) {
  const double lf = std::log10(f_mhz);
  return (1.1 * lf - 0.7) * hm - (1.56 * lf - 0.8);
}

// Hata's suburban / open-area corrections (amount subtracted from the urban loss).
double environment_correction(HataEnvironment env, double f_mhz) {
  switch (env) {
    case HataEnvironment::suburban: {
      const double x = std::log10(f_mhz / 28.0);
      return 2.0 * x * x + 5.4;
    }
    case HataEnvironment::open_rural: {
      const double lf = std::log10(f_mhz);
      return 4.78 * lf * lf - 18.33 * lf + 40.94;
    }
    default:
      return 0.0;
  }
}

// Common Hata / COST-231 form: A + B log f - 13.82 log hb - a(hm) + (44.9 - 6.55 log hb) log d + Cm.
EmpiricalResult hata_family(const char* model_name, EmpiricalModel model, const EmpiricalInput& in,
                            double f_lo, double f_hi, double a_const, double b_slope, double cm_large_city,
                            double correction_f_clamp_lo, double correction_f_clamp_hi) {
  require_inputs(model_name, in);
  EmpiricalResult r;
  r.model = model;
  const Range ranges[] = {
      {"freq_mhz", in.freq_mhz, f_lo, f_hi, "MHz", kFreqOutOfRange},
      {"distance_km", in.distance_km, 1.0, 20.0, "km", kDistanceOutOfRange},
      {"tx_height_m", in.tx_height_m, 30.0, 200.0, "m", kTxHeightOutOfRange},
      {"rx_height_m", in.rx_height_m, 1.0, 10.0, "m", kRxHeightOutOfRange},
  };
  check_ranges(model_name, ranges, 4, in.allow_extrapolation, r);

  const double f = in.freq_mhz;
  const double lhb = std::log10(in.tx_height_m);
  r.a_hm_db = hata_mobile_correction_db(f, in.rx_height_m, in.environment);
  const double cm = in.environment == HataEnvironment::urban_large_city ? cm_large_city : 0.0;
  r.urban_loss_db = a_const + b_slope * std::log10(f) - 13.82 * lhb - r.a_hm_db +
                    (44.9 - 6.55 * lhb) * std::log10(in.distance_km) + cm;
  const double fc = std::clamp(f, correction_f_clamp_lo, correction_f_clamp_hi);
  r.environment_correction_db = environment_correction(in.environment, fc);
  r.loss_db = r.urban_loss_db - r.environment_correction_db;
  return r;
}

double ext_free_space(double f, double d_km, double hb, double hm) {
  const double dh = hb - hm;
  return 32.4 + 20.0 * std::log10(f) + 10.0 * std::log10(d_km * d_km + dh * dh / 1e6);
}

// Extended Hata urban loss for d >= 0.1 km (incl. a and b terms).
double ext_urban(double f, double d_km, double hb, double a_hm) {
  const double h = std::max(30.0, hb);
  const double lh = std::log10(h);
  const double b = std::min(0.0, 20.0 * std::log10(hb / 30.0));
  double alpha = 1.0;
  if (d_km > 20.0) alpha = 1.0 + (0.14 + 1.87e-4 * f + 1.07e-3 * hb) * std::pow(std::log10(d_km / 20.0), 0.8);
  const double ld = std::log10(d_km);
  // (log d)^alpha: log d > 0 whenever alpha != 1.
  const double dterm = alpha == 1.0 ? ld : std::pow(ld, alpha);
  double base;
  if (f <= 150.0) {
    base = 69.6 + 26.2 * std::log10(150.0) - 20.0 * std::log10(150.0 / f);
  } else if (f <= 1500.0) {
    base = 69.6 + 26.2 * std::log10(f);
  } else if (f <= 2000.0) {
    base = 46.3 + 33.9 * std::log10(f);
  } else {
    base = 46.3 + 33.9 * std::log10(2000.0) + 10.0 * std::log10(f / 2000.0);
  }
  return base - 13.82 * lh + (44.9 - 6.55 * lh) * dterm - a_hm - b;
}

}  // namespace

double hata_mobile_correction_db(double freq_mhz, double rx_height_m, HataEnvironment env) {
  if (env == HataEnvironment::urban_large_city) {
    if (freq_mhz <= 300.0) {
      const double x = std::log10(1.54 * rx_height_m);
      return 8.29 * x * x - 1.1;
    }
    const double x = std::log10(11.75 * rx_height_m);
    return 3.2 * x * x - 4.97;
  }
  return small_city_a_hm(freq_mhz, rx_height_m);
}

EmpiricalResult okumura_hata(const EmpiricalInput& in) {
  return hata_family("okumura_hata", EmpiricalModel::okumura_hata, in, 150.0, 1500.0, 69.55, 26.16, 0.0, 0.0,
                     HUGE_VAL);  // Hata's corrections unclamped
}

EmpiricalResult cost231_hata(const EmpiricalInput& in) {
  return hata_family("cost231_hata", EmpiricalModel::cost231_hata, in, 1500.0, 2000.0, 46.3, 33.9, 3.0, 150.0,
                     2000.0);
}

EmpiricalResult extended_hata(const EmpiricalInput& in) {
  const char* name = "extended_hata";
  require_inputs(name, in);
  EmpiricalResult r;
  r.model = EmpiricalModel::extended_hata;
  const Range ranges[] = {
      {"freq_mhz", in.freq_mhz, 30.0, 3000.0, "MHz", kFreqOutOfRange},
      {"distance_km", in.distance_km, 0.0, 100.0, "km", kDistanceOutOfRange},
      {"tx_height_m", in.tx_height_m, 30.0, 200.0, "m", kTxHeightOutOfRange},
      {"rx_height_m", in.rx_height_m, 1.0, 10.0, "m", kRxHeightOutOfRange},
  };
  check_ranges(name, ranges, 4, in.allow_extrapolation, r);

  const double f = in.freq_mhz, d = in.distance_km, hb = in.tx_height_m;
  const double hm = std::max(1.0, in.rx_height_m);
  const double lf = std::log10(f);
  r.a_hm_db =
      (1.1 * lf - 0.7) * std::min(10.0, hm) - (1.56 * lf - 0.8) + std::max(0.0, 20.0 * std::log10(hm / 10.0));
  const double fc = std::clamp(f, 150.0, 2000.0);
  r.environment_correction_db = environment_correction(in.environment, fc);
  const double fs = ext_free_space(f, d, hb, in.rx_height_m);
  double urban = 0.0;
  if (d >= 0.1) {
    urban = ext_urban(f, d, hb, r.a_hm_db);
  } else if (d <= 0.04) {
    urban = fs;  // free space whatever the environment
    r.environment_correction_db = 0.0;
  } else {
    // Linear in log d between L(0.04 km) (free space) and L(0.1 km) (environment loss).
    const double l04 = ext_free_space(f, 0.04, hb, in.rx_height_m);
    const double l10 = ext_urban(f, 0.1, hb, r.a_hm_db);
    const double t = (std::log10(d) - std::log10(0.04)) / (std::log10(0.1) - std::log10(0.04));
    urban = l04 + t * (l10 - l04);
    r.environment_correction_db *= t;
  }
  r.urban_loss_db = urban;
  r.loss_db = std::max(fs, urban - r.environment_correction_db);
  return r;
}

EmpiricalResult empirical_path_loss(EmpiricalModel model, const EmpiricalInput& in) {
  switch (model) {
    case EmpiricalModel::okumura_hata:
      return okumura_hata(in);
    case EmpiricalModel::cost231_hata:
      return cost231_hata(in);
    case EmpiricalModel::hata:
      return in.freq_mhz <= 1500.0 ? okumura_hata(in) : cost231_hata(in);
    case EmpiricalModel::extended_hata:
      return extended_hata(in);
  }
  throw InputError("empirical_path_loss: unknown model");
}

EmpiricalModel empirical_model_from_string(const std::string& name) {
  if (name == "okumura_hata") return EmpiricalModel::okumura_hata;
  if (name == "cost231_hata") return EmpiricalModel::cost231_hata;
  if (name == "hata") return EmpiricalModel::hata;
  if (name == "extended_hata") return EmpiricalModel::extended_hata;
  throw InputError("unknown empirical model '" + name +
                   "' (expected okumura_hata, cost231_hata, hata or extended_hata)");
}

const char* to_string(EmpiricalModel m) {
  switch (m) {
    case EmpiricalModel::okumura_hata:
      return "okumura_hata";
    case EmpiricalModel::cost231_hata:
      return "cost231_hata";
    case EmpiricalModel::hata:
      return "hata";
    case EmpiricalModel::extended_hata:
      return "extended_hata";
  }
  return "?";
}

HataEnvironment hata_environment_from_string(const std::string& name) {
  if (name == "urban_large_city") return HataEnvironment::urban_large_city;
  if (name == "urban_small_medium_city" || name == "urban") return HataEnvironment::urban_small_medium_city;
  if (name == "suburban") return HataEnvironment::suburban;
  if (name == "open_rural" || name == "open" || name == "rural") return HataEnvironment::open_rural;
  throw InputError("unknown Hata environment '" + name +
                   "' (expected urban_large_city, urban_small_medium_city, suburban or open_rural)");
}

const char* to_string(HataEnvironment e) {
  switch (e) {
    case HataEnvironment::urban_large_city:
      return "urban_large_city";
    case HataEnvironment::urban_small_medium_city:
      return "urban_small_medium_city";
    case HataEnvironment::suburban:
      return "suburban";
    case HataEnvironment::open_rural:
      return "open_rural";
  }
  return "?";
}

}  // namespace phusong::radio
