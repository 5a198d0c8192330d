// phusong — geo layer: coordinate reference systems, transforms, geodesy.
#pragma once
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace phusong::geo {

/// WKT of a CRS given by a name phusong knows or anything GDAL/PROJ understands:
///   "WGS84" (EPSG:4326), "UTM48N" (EPSG:32648), "VN2000-TM3-104" (EPSG:9206, VN-2000 / TM-3
///   zone with central meridian 104°00', the projection of the ministry's Sơn La maps),
///   "EPSG:nnnn", a PROJ string or WKT. Throws InputError naming the text if it is unknown.
std::string crs_wkt(const std::string& name);

/// True when the CRS is geographic (degrees).
bool crs_is_geographic(const std::string& name_or_wkt);

/// Coordinate transformation between two CRSs, in GIS axis order (x = lon/easting, y = lat/northing).
class Transformer {
 public:
  Transformer(const std::string& from, const std::string& to);
  ~Transformer();
  Transformer(Transformer&&) noexcept;
  Transformer& operator=(Transformer&&) noexcept;
  Transformer(const Transformer&) = delete;
  Transformer& operator=(const Transformer&) = delete;

  /// Transforms in place; throws Error if a point cannot be transformed.
  void transform(std::vector<double>& x, std::vector<double>& y) const;
  std::pair<double, double> transform(double x, double y) const;
  /// True when source and target are the same CRS (no work is done).
  bool is_identity() const { return identity_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  bool identity_ = false;
};

/// Geodesic on the WGS84 ellipsoid (PROJ's implementation of Karney's algorithms).
struct GeodesicInverse {
  double distance_m;
  double azimuth1_deg;  ///< forward azimuth at point 1, clockwise from north
  double azimuth2_deg;
};
GeodesicInverse geodesic_inverse(double lon1, double lat1, double lon2, double lat2);

/// `n` points equally spaced along the geodesic from (lon1, lat1) to (lon2, lat2), both ends
/// included (n >= 2). Output vectors are resized to n.
void geodesic_points(double lon1, double lat1, double lon2, double lat2, std::size_t n,
                     std::vector<double>& lon, std::vector<double>& lat);

/// Mean earth radius used for curvature (ITU-R P.452: 6371 km).
constexpr double kEarthRadiusM = 6371000.0;

}  // namespace phusong::geo
