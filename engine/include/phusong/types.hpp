// phusong — the inputs every layer shares: villages (bản) and radio sites, and progress.
#pragma once
#include <cstddef>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

namespace phusong {

namespace radio {
struct AntennaPattern;
}

/// A village (bản): its centre in WGS84 lon/lat and its people.
struct Village {
  std::string id, name, commune, district;
  double lon = 0, lat = 0;
  double population = 0;
  double households = 0;
  /// Spread of the bản's households: the radius (m) of the disc they live in, for the fibre last
  /// mile; NaN when the file does not give it (the scenario's rule applies).
  double radius_m = std::numeric_limits<double>::quiet_NaN();
  int row = 0;  ///< 1-based row/feature number in the file it was read from (0: not from a file)
};

/// A radio site: an existing tower or a candidate. EIRP is the total power radiated in the
/// main beam of the antenna (dBm) over the whole channel bandwidth.
struct Site {
  std::string id, operator_name, technologies;  ///< technologies like "2G;3G;4G"
  double lon = 0, lat = 0;
  double height_m = 30;       ///< antenna height above ground
  double freq_mhz = 1800;
  double eirp_dbm = 60;
  double bandwidth_mhz = 10;
  std::string kind = "existing";  ///< existing, candidate, ...
  int row = 0;  ///< 1-based row/feature number in the file it was read from (0: not from a file)
  /// Antenna pattern as mounted (azimuth, downtilt); null = omnidirectional. EIRP is the
  /// main-beam EIRP: towards a receiver the pattern's attenuation (max gain - gain) is removed.
  std::shared_ptr<const radio::AntennaPattern> antenna;
};

/// Progress callback: (done, total). Called from the thread that started the work, never
/// concurrently; may throw to cancel.
using ProgressFn = std::function<void(std::size_t done, std::size_t total)>;

}  // namespace phusong
