// phusong — the documented physical ranges of every numeric input, and the memory limit.
//
// Inputs are checked against these ranges as they are read (io::read_sites, io::read_villages,
// terrain::Dem::open) or before any work starts (coverage::site_raster, coverage::best_server,
// terrain::Dem::resampled); a value outside its range is an InputError (RangeError for a radio
// model's validity range) naming the file, the row/feature, the field, the value and the fix.
// The ranges are wide on purpose: they refuse values that cannot be physical (a unit mix-up, a
// swapped column, a sentinel), not unusual but real ones.
#pragma once
#include <cmath>
#include <cstdlib>
#include <sstream>
#include <string>
#include <unistd.h>

#include "phusong/error.hpp"

namespace phusong::limits {

/// An interval of allowed values; each end open or closed.
struct Range {
  double lo, hi;
  bool lo_open = false, hi_open = false;
  bool contains(double v) const {
    return std::isfinite(v) && (lo_open ? v > lo : v >= lo) && (hi_open ? v < hi : v <= hi);
  }
};

/// A number as a person would write it (shortest form, no trailing zeros).
inline std::string fmt(double v) {
  std::ostringstream os;
  os.precision(10);
  os << v;
  return os.str();
}

/// "0 < height_m ≤ 500 m": the range as an inequality on `name`, for messages.
inline std::string describe(const Range& r, const std::string& name, const std::string& unit) {
  std::string s = fmt(r.lo) + (r.lo_open ? " < " : " ≤ ") + name + (r.hi_open ? " < " : " ≤ ") + fmt(r.hi);
  if (!unit.empty()) s += " " + unit;
  return s;
}

// ---------------------------------------------------------------------------------------------
// Sites (io::read_sites).

/// Antenna height above ground: above 0 (an antenna at or under the ground radiates nothing
/// useful, and the models need a positive height) and at most 500 m (the tallest guyed masts are
/// about 600 m and carry broadcast, not cellular, antennas; a larger value is an altitude AMSL
/// or a unit error).
inline constexpr Range kSiteHeightM{0, 500, true, false};
/// Carrier frequency: 20 MHz (the lowest frequency of any model phusong has, ITM) to 100 GHz
/// (the top of ITU-R P.2108 / P.2109 and of 5G FR2 plans); a value outside is a unit error (GHz
/// or Hz). Each propagation model checks its own narrower range later (see below).
inline constexpr Range kFreqMhz{20, 100000};
/// Main-beam EIRP: -30 dBm (1 µW, below any real transmitter) to 100 dBm (10 MW, above the
/// largest broadcast transmitters); also the result of tx_power_dbm + antenna_gain_dbi -
/// feeder_loss_db. A value outside is a power in W or dBW, or a sentinel.
inline constexpr Range kEirpDbm{-30, 100};
/// Transmitter power at the antenna port (when EIRP is not given): -30 dBm (1 µW) to 90 dBm
/// (1 MW); a base station transmits 20-49 dBm.
inline constexpr Range kTxPowerDbm{-30, 90};
/// Channel bandwidth: above 0 and at most 400 MHz (the widest 5G NR FR2 carrier).
inline constexpr Range kBandwidthMhz{0, 400, true, false};
/// Antenna gain: -10 dBi (a lossy small antenna) to 40 dBi (a large dish; sector antennas are
/// 15-21 dBi).
inline constexpr Range kAntennaGainDbi{-10, 40};
/// Feeder (cable, connector, combiner) loss: 0 (a loss, never a gain) to 30 dB (hundreds of
/// metres of thin cable; typical is 0.5-5 dB).
inline constexpr Range kFeederLossDb{0, 30};
/// Mechanical downtilt: -90 (straight up) to 90 degrees (straight down), positive downwards.
inline constexpr Range kDowntiltDeg{-90, 90};
/// Antenna azimuth: clockwise from north, 0 included, 360 excluded.
inline constexpr Range kAzimuthDeg{0, 360, false, true};

// ---------------------------------------------------------------------------------------------
// Villages (io::read_villages).

/// People in one village (bản): 0 (abandoned or not yet counted) to 10 million (more than any
/// city of Vietnam; a bản has tens to a few thousand people). Also households <= population: a
/// household has at least one person.
inline constexpr Range kPopulation{0, 1e7};
/// Households in one village: 0 to 10 million (and at most the population, see above).
inline constexpr Range kHouseholds{0, 1e7};

/// Radius of the disc a bản's households live in (optional field radius_m): above 0 and at most
/// 20 km (a bản spreads over tens of metres to a few kilometres; more is a unit error, km for m).
inline constexpr Range kVillageRadiusM{0, 20000, true, false};

/// WGS84 longitude and latitude (CSV columns, and points of other formats after reprojection).
inline constexpr Range kLongitude{-180, 180};
inline constexpr Range kLatitude{-90, 90};

// ---------------------------------------------------------------------------------------------
// Terrain (terrain::Dem::open, terrain::Dem::resampled).

/// DEM cell elevation (m AMSL) other than the nodata value: -500 m (the Dead Sea shore is -430
/// m) to 9000 m (Everest is 8849 m). A value outside is an undeclared nodata value (e.g. -9999),
/// feet or decimetres, or a raster that is not a DEM.
inline constexpr Range kDemElevationM{-500, 9000};
/// The finest resampling resolution and ray sample spacing: 1 m (finer than any public DEM; a
/// smaller value is a unit error and would need more memory than any machine has).
inline constexpr double kMinResolutionM = 1.0;

// ---------------------------------------------------------------------------------------------
// Rasters (coverage::site_raster, coverage::best_server).

/// Raster radius: above 0 and at most 500 km (beyond the radio horizon of any 500 m mast, about
/// 100 km, and of ITM's and P.1812's useful range for a cellular link).
inline constexpr Range kRasterRadiusKm{0, 500, true, false};
/// Validity ranges of the propagation models in frequency (MHz), checked for every site before a
/// raster is computed: ITU-R P.526 delta-Bullington 30 MHz-50 GHz, ITU-R P.1812 30 MHz-6 GHz,
/// Longley-Rice ITM 20 MHz-20 GHz (NTIA's ValidateInputs); line of sight needs none.
inline constexpr Range kP526FreqMhz{30, 50000};
inline constexpr Range kP1812FreqMhz{30, 6000};
inline constexpr Range kItmFreqMhz{20, 20000};
/// Okumura-Hata 150-1500 MHz and COST-231 Hata 1500-2000 MHz (the village evaluation switches
/// between them at 1500 MHz).
inline constexpr Range kHataFreqMhz{150, 2000};

/// The named ranges, for the Python side (phusong._core.limits()) and its scenario checks.
struct NamedRange {
  const char* name;
  Range range;
  const char* unit;
};
inline constexpr NamedRange kNamedRanges[] = {
    {"site.height_m", kSiteHeightM, "m"},          {"site.freq_mhz", kFreqMhz, "MHz"},
    {"site.eirp_dbm", kEirpDbm, "dBm"},            {"site.tx_power_dbm", kTxPowerDbm, "dBm"},
    {"site.bandwidth_mhz", kBandwidthMhz, "MHz"},  {"site.antenna_gain_dbi", kAntennaGainDbi, "dBi"},
    {"site.feeder_loss_db", kFeederLossDb, "dB"},  {"site.downtilt_deg", kDowntiltDeg, "deg"},
    {"site.azimuth_deg", kAzimuthDeg, "deg"},      {"village.population", kPopulation, ""},
    {"village.households", kHouseholds, ""},       {"village.radius_m", kVillageRadiusM, "m"},
    {"lon", kLongitude, "deg"},
    {"lat", kLatitude, "deg"},                     {"dem.elevation_m", kDemElevationM, "m"},
    {"raster.radius_km", kRasterRadiusKm, "km"},   {"model.fspl.freq_mhz", kFreqMhz, "MHz"},
    {"model.los.freq_mhz", kFreqMhz, "MHz"},       {"model.p526.freq_mhz", kP526FreqMhz, "MHz"},
    {"model.p1812.freq_mhz", kP1812FreqMhz, "MHz"}, {"model.itm.freq_mhz", kItmFreqMhz, "MHz"},
    {"model.hata.freq_mhz", kHataFreqMhz, "MHz"},
};

// ---------------------------------------------------------------------------------------------
// Memory.

/// Environment variable overriding the memory limit, in GB (10^9 bytes), e.g.
/// PHUSONG_MAX_MEMORY_GB=4. A positive number; anything else is an InputError.
inline constexpr const char* kMaxMemoryEnv = "PHUSONG_MAX_MEMORY_GB";

/// Physical memory of the machine in bytes (sysconf), 0 when unknown.
inline double physical_memory_bytes() {
  const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGE_SIZE);
  return pages > 0 && page > 0 ? static_cast<double>(pages) * static_cast<double>(page) : 0.0;
}

/// The most memory (bytes) one raster or resampling call may allocate: PHUSONG_MAX_MEMORY_GB when
/// set, else half the machine's physical memory (8 GB when sysconf cannot tell).
inline double max_memory_bytes() {
  if (const char* env = std::getenv(kMaxMemoryEnv); env && *env) {
    char* end = nullptr;
    const double gb = std::strtod(env, &end);
    while (end && (*end == ' ' || *end == '\t')) ++end;
    if (end == env || (end && *end) || !std::isfinite(gb) || gb <= 0)
      throw InputError(std::string("environment variable ") + kMaxMemoryEnv + " is '" + env +
                       "': expected a positive number of GB (e.g. 4), or unset it for half the "
                       "physical memory");
    return gb * 1e9;
  }
  const double phys = physical_memory_bytes();
  return phys > 0 ? phys / 2 : 8e9;
}

/// Throws InputError when `bytes` exceeds max_memory_bytes(): "<what> needs about X GB of memory,
/// more than the limit of Y GB (...); fix: <how>".
inline void check_memory(const std::string& what, double bytes, const std::string& how) {
  const double limit = max_memory_bytes();
  if (!(bytes <= limit)) {
    auto gb = [](double b) {
      std::ostringstream os;
      os.precision(b < 1e8 ? 2 : 3);
      os << b / 1e9;
      return os.str();
    };
    const bool env = std::getenv(kMaxMemoryEnv) && *std::getenv(kMaxMemoryEnv);
    throw InputError(what + " needs about " + gb(bytes) + " GB of memory, more than the limit of " + gb(limit) +
                     " GB (" + (env ? std::string("set by ") + kMaxMemoryEnv : std::string("half the physical memory")) +
                     "); nothing was allocated; fix: " + how + ", or raise the limit with " + kMaxMemoryEnv +
                     "=N (GB)");
  }
}

}  // namespace phusong::limits
