// Private to the fibre layer: cell sizes in metres on projected and geographic grids (shared by
// the cost distance and the routing graph), and the grid checks.
#pragma once
#include <ogr_spatialref.h>

#include <cmath>
#include <string>

#include "geo/gdal_guard.hpp"
#include "phusong/error.hpp"
#include "phusong/limits.hpp"
#include "phusong/terrain.hpp"

namespace phusong::fibre::detail {

constexpr double kPi = 3.14159265358979323846;
constexpr double kWgs84A = 6378137.0;
constexpr double kWgs84F = 1.0 / 298.257223563;

inline std::string cell_text(int row, int col) { return "(row " + std::to_string(row) + ", col " + std::to_string(col) + ")"; }

inline void check_grid(const terrain::Grid& g) {
  if (g.rows <= 0 || g.cols <= 0)
    throw InputError("cost raster: " + std::to_string(g.rows) + " x " + std::to_string(g.cols) +
                     " cells (needs at least one row and one column)");
  if (!(std::isfinite(g.dx) && std::isfinite(g.dy) && g.dx != 0 && g.dy != 0 && std::isfinite(g.origin_x) &&
        std::isfinite(g.origin_y)))
    throw InputError("cost raster: geotransform with cell size " + limits::fmt(g.dx) + " x " + limits::fmt(g.dy) +
                     " (needs finite, non-zero cell sizes and a finite origin)");
  if (static_cast<double>(g.rows) * g.cols > 2e9)
    throw InputError("cost raster: " + std::to_string(g.rows) + " x " + std::to_string(g.cols) +
                     " cells (at most 2e9 cells)");
}

// Metres of one unit along each axis, and whether lengths depend on the row (geographic grid).
struct Metric {
  bool geographic = false;
  double metres_per_unit = 1;
};

inline Metric metric_of(const std::string& crs_wkt) {
  Metric m;
  if (crs_wkt.empty()) return m;  // planar metres
  phusong::detail::ensure_gdal();
  OGRSpatialReference srs;
  phusong::detail::GdalErrorGuard guard;
  if (srs.SetFromUserInput(crs_wkt.c_str()) != OGRERR_NONE)
    throw InputError("cost raster: unknown coordinate reference system '" + crs_wkt.substr(0, 80) + "'" +
                     (guard.message().empty() ? "" : ": " + guard.message()));
  if (srs.IsGeographic()) {
    m.geographic = true;
    return m;
  }
  const double f = srs.GetLinearUnits(nullptr);
  if (!(f > 0) || !std::isfinite(f)) throw InputError("cost raster: the CRS has no linear unit ('" + crs_wkt.substr(0, 80) + "')");
  m.metres_per_unit = f;
  return m;
}

// Length in metres between cell centres offset by (drow, dcol), the move's midpoint at fractional
// row `mid_row`.
inline double length_m(const terrain::Grid& g, const Metric& m, double mid_row, double drow, double dcol) {
  if (!m.geographic) {
    const double e = dcol * g.dx * m.metres_per_unit, n = drow * g.dy * m.metres_per_unit;
    return std::hypot(e, n);
  }
  const double lat = g.y_of(mid_row) * kPi / 180.0;
  const double e2 = kWgs84F * (2 - kWgs84F);
  const double s = std::sin(lat);
  const double w = 1 - e2 * s * s;
  const double n_radius = kWgs84A / std::sqrt(w);               // prime vertical
  const double m_radius = kWgs84A * (1 - e2) / (w * std::sqrt(w));  // meridional
  const double east = dcol * g.dx * kPi / 180.0 * n_radius * std::cos(lat);
  const double north = drow * g.dy * kPi / 180.0 * m_radius;
  return std::hypot(east, north);
}


}  // namespace phusong::fibre::detail
