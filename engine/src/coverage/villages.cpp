// Village coverage: every site within the radius evaluated at every village on an exact
// terrain profile (R-tree search, multi-threaded), the best server and the covered flag.
#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>

#include <cmath>
#include <limits>

#include "common/parallel.hpp"
#include "phusong/coverage.hpp"
#include "phusong/error.hpp"

namespace phusong::coverage {
namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;

namespace {

using Point = bg::model::point<double, 2, bg::cs::cartesian>;  // lon, lat in degrees
using Box = bg::model::box<Point>;
using Entry = std::pair<Point, std::int32_t>;

// Linear interpolation across interior voids; returns the number of void samples.
std::int32_t bridge_voids(std::vector<double>& h) {
  std::int32_t voids = 0;
  const std::size_t n = h.size();
  std::size_t last_valid = n;
  for (std::size_t i = 0; i < n; ++i) {
    if (std::isnan(h[i])) {
      ++voids;
      continue;
    }
    if (last_valid != n && last_valid + 1 < i) {
      for (std::size_t j = last_valid + 1; j < i; ++j) {
        const double t = double(j - last_valid) / double(i - last_valid);
        h[j] = h[last_valid] + t * (h[i] - h[last_valid]);
      }
    } else if (last_valid == n) {
      for (std::size_t j = 0; j < i; ++j) h[j] = h[i];
    }
    last_valid = i;
  }
  if (last_valid == n) throw InputError("terrain profile lies entirely in DEM voids");
  for (std::size_t j = last_valid + 1; j < n; ++j) h[j] = h[last_valid];
  return voids;
}

double spacing_for(const terrain::Dem& dem, const CoverageParams& p) {
  return p.spacing_m > 0 ? p.spacing_m : dem.cell_size_m();
}

}  // namespace

int clutter_code_at(const terrain::Dem& clutter, double lon, double lat) {
  const auto xy = clutter.lonlat_to_dem(lon, lat);
  const auto& g = clutter.grid();
  const int c = static_cast<int>(std::lround(g.col_of(xy.first))), r = static_cast<int>(std::lround(g.row_of(xy.second)));
  const float v = clutter.cell(c, r);
  return std::isnan(v) ? -1 : static_cast<int>(std::lround(v));
}

double antenna_attenuation_db(const Site& site, double site_ground_m, double lon, double lat,
                              double rx_height_amsl_m, double k_factor) {
  if (!site.antenna) return 0.0;
  const auto look = radio::look_angles(site.lon, site.lat, site_ground_m + site.height_m, lon, lat,
                                       rx_height_amsl_m, k_factor);
  return site.antenna->max_gain_dbi() - site.antenna->gain_dbi(look.azimuth_deg, look.elevation_deg);
}

Link evaluate_link(const terrain::Dem& dem, const Site& site, double lon, double lat,
                   const CoverageParams& params, int clutter_code) {
  auto prof = terrain::profile_lonlat(dem, site.lon, site.lat, lon, lat, spacing_for(dem, params),
                                      params.k_factor);
  Link l{};
  l.void_samples = bridge_voids(prof.elevation_m);
  l.distance_km = prof.length_m() / 1000.0;
  double rx_height_m = params.rx_height_m;
  if (clutter_code >= 0 && params.clutter_table) {
    const auto tc = params.clutter_table->terminal_clutter(clutter_code, site.freq_mhz, params.rx_height_m);
    l.clutter_loss_db = tc.loss_db;
    rx_height_m = tc.path_height_m;
  }
  radio::PathInput in;
  static_cast<radio::PropagationParams&>(in) = params;  // polarisation, percentages, P.1812 and ITM settings
  in.freq_mhz = site.freq_mhz;
  in.tx_height_m = site.height_m;
  in.rx_height_m = rx_height_m;
  in.k_factor = params.k_factor;
  in.model = params.model;
  in.lat_deg = 0.5 * (site.lat + lat);  // path centre, for P.1812's beta0
  if (prof.length_m() < 1.0) {  // co-located: free space at 1 m
    l.loss_db = radio::free_space_loss_db(1e-3, site.freq_mhz);
    l.line_of_sight = true;
  } else {
    const auto pl = radio::path_loss(prof.distance_m, prof.elevation_m, in);
    l.loss_db = pl.loss_db;
    l.line_of_sight = pl.line_of_sight;
  }
  l.loss_db += l.clutter_loss_db;
  l.antenna_attenuation_db = antenna_attenuation_db(site, prof.elevation_m.front(), lon, lat,
                                                    prof.elevation_m.back() + params.rx_height_m, params.k_factor);
  l.rsrp_dbm = radio::rsrp_dbm(site.eirp_dbm - l.antenna_attenuation_db, l.loss_db, site.bandwidth_mhz,
                               params.rx_gain_dbi);
  return l;
}

VillageCoverage evaluate_villages(const terrain::Dem& dem, const std::vector<Village>& villages,
                                  const std::vector<Site>& sites, const CoverageParams& params,
                                  const ProgressFn& progress) {
  if (!(params.radius_km > 0)) throw InputError("coverage: radius_km must be > 0, got " + std::to_string(params.radius_km));
  if (params.clutter && !params.clutter_table) throw InputError("coverage: a clutter raster needs a clutter class table");
  if (params.clutter && params.clutter_table)  // every class met must be in the table
    for (const auto& v : villages) {
      const int code = clutter_code_at(*params.clutter, v.lon, v.lat);
      if (code >= 0 && !params.clutter_table->find(code))
        throw InputError("clutter raster: class " + std::to_string(code) + " at village '" + v.id +
                         "' is not in the clutter class table");
    }
  auto outside = [&](double lon, double lat) {
    const auto xy = dem.lonlat_to_dem(lon, lat);
    return !dem.contains(xy.first, xy.second);
  };
  for (const auto& v : villages)
    if (outside(v.lon, v.lat))
      throw InputError("village '" + v.id + "' (row " + std::to_string(v.row) + ") at (" +
                       std::to_string(v.lon) + ", " + std::to_string(v.lat) + ") lies outside the DEM");
  for (const auto& s : sites)
    if (outside(s.lon, s.lat))
      throw InputError("site '" + s.id + "' (row " + std::to_string(s.row) + ") at (" +
                       std::to_string(s.lon) + ", " + std::to_string(s.lat) + ") lies outside the DEM");

  std::vector<Entry> entries;
  entries.reserve(sites.size());
  for (std::size_t j = 0; j < sites.size(); ++j)
    entries.emplace_back(Point(sites[j].lon, sites[j].lat), static_cast<std::int32_t>(j));
  const bgi::rtree<Entry, bgi::quadratic<16>> tree(entries.begin(), entries.end());

  const std::size_t nv = villages.size();
  std::vector<std::vector<Link>> per_village(nv);
  const double radius_m = params.radius_km * 1000.0;
  detail::parallel_for(
      nv, params.threads,
      [&](std::size_t i) {
        const Village& v = villages[i];
        const double dlat = params.radius_km / 110.0 + 1e-6;
        const double dlon = params.radius_km / (110.0 * std::max(0.01, std::cos(v.lat * M_PI / 180.0))) + 1e-6;
        std::vector<Entry> near;
        tree.query(bgi::intersects(Box(Point(v.lon - dlon, v.lat - dlat), Point(v.lon + dlon, v.lat + dlat))),
                   std::back_inserter(near));
        std::sort(near.begin(), near.end(), [](const Entry& a, const Entry& b) { return a.second < b.second; });
        auto& out = per_village[i];
        const int code = params.clutter ? clutter_code_at(*params.clutter, v.lon, v.lat) : -1;
        for (const auto& e : near) {
          const Site& s = sites[e.second];
          if (geo::geodesic_inverse(s.lon, s.lat, v.lon, v.lat).distance_m > radius_m) continue;
          Link l = evaluate_link(dem, s, v.lon, v.lat, params, code);
          l.village = static_cast<std::int32_t>(i);
          l.site = e.second;
          out.push_back(l);
        }
      },
      progress);

  VillageCoverage r;
  r.best_rsrp_dbm.assign(nv, -std::numeric_limits<double>::infinity());
  r.best_site.assign(nv, -1);
  r.servers.assign(nv, 0);
  r.covered.assign(nv, 0);
  for (std::size_t i = 0; i < nv; ++i) {
    for (const Link& l : per_village[i]) {
      if (l.rsrp_dbm > r.best_rsrp_dbm[i]) {  // ties keep the lower site index
        r.best_rsrp_dbm[i] = l.rsrp_dbm;
        r.best_site[i] = l.site;
      }
      if (l.rsrp_dbm >= params.threshold_dbm) ++r.servers[i];
      r.links.push_back(l);
    }
    r.covered[i] = r.best_rsrp_dbm[i] >= params.threshold_dbm;
  }
  return r;
}

}  // namespace phusong::coverage
