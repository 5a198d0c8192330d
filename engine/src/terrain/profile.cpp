// Terrain profiles between two points: geodesic (geographic DEMs) or straight (projected) sampling
// with bilinear heights, and the earth bulge for factor k.
#include <cmath>

#include "phusong/error.hpp"
#include "phusong/terrain.hpp"

namespace phusong::terrain {

namespace {

void fill_heights(const Dem& dem, Profile& p, double k) {
  const std::size_t n = p.x.size();
  p.k = k;
  p.elevation_m.resize(n);
  p.curved_m.resize(n);
  p.void_samples = 0;
  const double total = p.length_m();
  for (std::size_t i = 0; i < n; ++i) {
    const double h = dem.elevation_m(p.x[i], p.y[i]);
    p.elevation_m[i] = h;
    if (std::isnan(h)) ++p.void_samples;
    p.curved_m[i] = h + earth_bulge_m(p.distance_m[i], total - p.distance_m[i], k);
  }
}

std::size_t sample_count(double length_m, double spacing_m) {
  if (!(spacing_m > 0.0)) throw InputError("profile: spacing_m must be > 0, got " + std::to_string(spacing_m));
  return std::max<std::size_t>(2, static_cast<std::size_t>(std::ceil(length_m / spacing_m - 1e-9)) + 1);
}

}  // namespace

Profile profile_native(const Dem& dem, double x1, double y1, double x2, double y2,
                       double spacing_m, double k) {
  if (!(k > 0.0)) throw InputError("profile: earth radius factor k must be > 0, got " + std::to_string(k));
  Profile p;
  if (dem.is_geographic()) {
    const double len = geo::geodesic_inverse(x1, y1, x2, y2).distance_m;
    const std::size_t n = sample_count(len, spacing_m);
    // Geodesic waypoints at most 1 km apart, and straight lon/lat between them: over 1 km the
    // chord departs from the geodesic by well under a millimetre, and it saves a geodesic
    // evaluation per sample (the costliest part of a profile).
    const std::size_t m = std::min<std::size_t>(n, static_cast<std::size_t>(std::ceil(len / 1000.0)) + 1);
    std::vector<double> wx, wy;
    geo::geodesic_points(x1, y1, x2, y2, std::max<std::size_t>(m, 2), wx, wy);
    p.x.resize(n);
    p.y.resize(n);
    p.distance_m.resize(n);
    const double segs = static_cast<double>(wx.size() - 1);
    for (std::size_t i = 0; i < n; ++i) {
      const double t = static_cast<double>(i) / (n - 1);
      p.distance_m[i] = len * t;
      const double u = t * segs;
      const std::size_t k = std::min(static_cast<std::size_t>(u), wx.size() - 2);
      const double fr = u - static_cast<double>(k);
      p.x[i] = wx[k] + fr * (wx[k + 1] - wx[k]);
      p.y[i] = wy[k] + fr * (wy[k + 1] - wy[k]);
    }
    p.x.back() = x2;
    p.y.back() = y2;
  } else {
    const double len = std::hypot(x2 - x1, y2 - y1);
    const std::size_t n = sample_count(len, spacing_m);
    p.x.resize(n);
    p.y.resize(n);
    p.distance_m.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      const double t = static_cast<double>(i) / (n - 1);
      p.x[i] = x1 + t * (x2 - x1);
      p.y[i] = y1 + t * (y2 - y1);
      p.distance_m[i] = t * len;
    }
  }
  fill_heights(dem, p, k);
  return p;
}

Profile profile_lonlat(const Dem& dem, double lon1, double lat1, double lon2, double lat2,
                       double spacing_m, double k) {
  if (dem.is_geographic()) return profile_native(dem, lon1, lat1, lon2, lat2, spacing_m, k);
  auto [x1, y1] = dem.lonlat_to_dem(lon1, lat1);
  auto [x2, y2] = dem.lonlat_to_dem(lon2, lat2);
  return profile_native(dem, x1, y1, x2, y2, spacing_m, k);
}

}  // namespace phusong::terrain
