// phusong — coverage layer: received signal at villages from sites, over the terrain.
#pragma once
#include <cstdint>
#include <vector>

#include "phusong/radio.hpp"
#include "phusong/terrain.hpp"
#include "phusong/types.hpp"

namespace phusong::coverage {

struct CoverageParams {
  radio::PathModel model = radio::PathModel::p526;
  double radius_km = 30;       ///< sites farther than this from a village are not evaluated
  double rx_height_m = 1.5;    ///< receiver height above ground at the village
  double k_factor = 4.0 / 3.0;
  double spacing_m = 0;        ///< profile sample spacing; 0 = the DEM's cell size
  double threshold_dbm = -110; ///< RSRP at or above which a village counts as covered
  double rx_gain_dbi = 0;
  int threads = 0;             ///< 0 = all cores; the result does not depend on it
};

/// One evaluated village-site path.
struct Link {
  std::int32_t village, site;
  double distance_km, loss_db, rsrp_dbm;
  bool line_of_sight;
  std::int32_t void_samples;  ///< DEM voids bridged by interpolation along the profile
};

struct VillageCoverage {
  std::vector<Link> links;               ///< ordered by village, then site
  std::vector<double> best_rsrp_dbm;     ///< per village; -inf when no site is in range
  std::vector<std::int32_t> best_site;   ///< per village; -1 when none
  std::vector<std::int32_t> servers;     ///< per village: sites at or above the threshold
  std::vector<std::uint8_t> covered;     ///< per village: best_rsrp_dbm >= threshold
};

/// Signal at every village from every site within `radius_km`, from an exact point-to-point
/// terrain profile per path. Villages or sites outside the DEM raise InputError.
VillageCoverage evaluate_villages(const terrain::Dem& dem, const std::vector<Village>& villages,
                                  const std::vector<Site>& sites, const CoverageParams& params,
                                  const ProgressFn& progress = {});

/// Path loss and RSRP of one site at one point (lon/lat).
Link evaluate_link(const terrain::Dem& dem, const Site& site, double lon, double lat,
                   const CoverageParams& params);

}  // namespace phusong::coverage
