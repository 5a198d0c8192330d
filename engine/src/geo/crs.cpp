// Coordinate reference systems (WGS84, UTM 48N, VN-2000 TM-3 104°, EPSG codes) through PROJ, and
// WGS84 geodesic distances.
#include <geodesic.h>
#include <ogr_spatialref.h>

#include <algorithm>
#include <cctype>
#include <cmath>

#include "geo/gdal_guard.hpp"
#include "phusong/error.hpp"
#include "phusong/geo.hpp"

namespace phusong::geo {
namespace {

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

// Names phusong accepts besides everything GDAL's SetFromUserInput understands.
std::string alias(const std::string& name) {
  const std::string u = upper(name);
  if (u == "WGS84" || u == "WGS 84" || u == "LONLAT") return "EPSG:4326";
  if (u == "UTM48N" || u == "UTM 48N") return "EPSG:32648";
  if (u == "VN2000-TM3-104" || u == "VN-2000 TM-3 104" || u == "VN2000_TM3_104") return "EPSG:9206";
  return name;
}

OGRSpatialReference make_srs(const std::string& name) {
  detail::ensure_gdal();
  OGRSpatialReference srs;
  detail::GdalErrorGuard guard;
  if (name.empty() || srs.SetFromUserInput(alias(name).c_str()) != OGRERR_NONE) {
    throw InputError("unknown coordinate reference system '" + name +
                     "' (use WGS84, UTM48N, VN2000-TM3-104, EPSG:nnnn, a PROJ string or WKT)" +
                     (guard.message().empty() ? "" : ": " + guard.message()));
  }
  srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  return srs;
}

}  // namespace

std::string crs_wkt(const std::string& name) {
  OGRSpatialReference srs = make_srs(name);
  char* wkt = nullptr;
  const char* opts[] = {"FORMAT=WKT2_2019", nullptr};
  srs.exportToWkt(&wkt, opts);
  std::string out = wkt ? wkt : "";
  CPLFree(wkt);
  return out;
}

bool crs_is_geographic(const std::string& name_or_wkt) {
  return make_srs(name_or_wkt).IsGeographic() != 0;
}

struct Transformer::Impl {
  OGRSpatialReference from, to;
  std::unique_ptr<OGRCoordinateTransformation> ct;
};

Transformer::Transformer(const std::string& from, const std::string& to) : impl_(new Impl) {
  impl_->from = make_srs(from);
  impl_->to = make_srs(to);
  identity_ = impl_->from.IsSame(&impl_->to) != 0;
  if (!identity_) {
    detail::GdalErrorGuard guard;
    impl_->ct.reset(OGRCreateCoordinateTransformation(&impl_->from, &impl_->to));
    if (!impl_->ct)
      throw Error("no coordinate transformation from '" + from + "' to '" + to + "': " +
                  guard.message());
  }
}
Transformer::~Transformer() = default;
Transformer::Transformer(Transformer&&) noexcept = default;
Transformer& Transformer::operator=(Transformer&&) noexcept = default;

void Transformer::transform(std::vector<double>& x, std::vector<double>& y) const {
  if (identity_ || x.empty()) return;
  if (x.size() != y.size()) throw InputError("transform: x and y have different sizes");
  std::vector<int> ok(x.size(), 0);
  detail::GdalErrorGuard guard;
  impl_->ct->Transform(x.size(), x.data(), y.data(), nullptr, ok.data());
  for (std::size_t i = 0; i < ok.size(); ++i)
    if (!ok[i] || !std::isfinite(x[i]) || !std::isfinite(y[i]))
      throw Error("coordinate transformation failed for point " + std::to_string(i));
}

std::pair<double, double> Transformer::transform(double x, double y) const {
  std::vector<double> xs{x}, ys{y};
  transform(xs, ys);
  return {xs[0], ys[0]};
}

namespace {
const geod_geodesic& wgs84() {
  static const geod_geodesic g = [] {
    geod_geodesic gg;
    geod_init(&gg, 6378137.0, 1.0 / 298.257223563);
    return gg;
  }();
  return g;
}
}  // namespace

GeodesicInverse geodesic_inverse(double lon1, double lat1, double lon2, double lat2) {
  GeodesicInverse r{};
  geod_inverse(&wgs84(), lat1, lon1, lat2, lon2, &r.distance_m, &r.azimuth1_deg, &r.azimuth2_deg);
  return r;
}

void geodesic_points(double lon1, double lat1, double lon2, double lat2, std::size_t n,
                     std::vector<double>& lon, std::vector<double>& lat) {
  if (n < 2) throw InputError("geodesic_points: need at least 2 points, got " + std::to_string(n));
  lon.resize(n);
  lat.resize(n);
  geod_geodesicline line;
  geod_inverseline(&line, &wgs84(), lat1, lon1, lat2, lon2, 0);
  const double step = line.s13 / static_cast<double>(n - 1);
  for (std::size_t i = 0; i < n; ++i) {
    double la = 0, lo = 0;
    geod_position(&line, step * static_cast<double>(i), &la, &lo, nullptr);
    lat[i] = la;
    lon[i] = lo;
  }
  lon.back() = lon2;
  lat.back() = lat2;
}

}  // namespace phusong::geo
