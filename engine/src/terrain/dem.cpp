// DEMs: opening and mosaicking GeoTIFF/SRTM tiles through GDAL into memory (voids as NaN, elevation
// ranges checked), bilinear heights, resampling.
#include <gdal_priv.h>
#include <gdal_utils.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <sstream>

#include "geo/gdal_guard.hpp"
#include "phusong/error.hpp"
#include "phusong/limits.hpp"
#include "phusong/terrain.hpp"

namespace phusong::terrain {

namespace {
struct DatasetCloser {
  void operator()(GDALDatasetH h) const {
    if (h) GDALClose(h);
  }
};
using DatasetPtr = std::unique_ptr<void, DatasetCloser>;
}  // namespace

Dem::Dem(Grid grid, std::vector<float> heights_m, std::string crs_wkt)
    : grid_(grid), heights_m_(std::move(heights_m)), crs_wkt_(std::move(crs_wkt)) {
  if (grid_.cols <= 0 || grid_.rows <= 0 ||
      heights_m_.size() != static_cast<std::size_t>(grid_.cols) * grid_.rows)
    throw InputError("DEM array of " + std::to_string(heights_m_.size()) +
                     " values does not match a grid of " + std::to_string(grid_.rows) + " rows x " +
                     std::to_string(grid_.cols) + " cols");
  if (crs_wkt_.empty()) crs_wkt_ = geo::crs_wkt("WGS84");
  loaded_ = whole(grid_);
  finish();
}

void Dem::finish() {
  geographic_ = geo::crs_is_geographic(crs_wkt_);
  void_count_ = 0;
  for (float v : heights_m_)
    if (std::isnan(v)) ++void_count_;
  if (!geographic_) from_wgs84_ = std::make_shared<geo::Transformer>("EPSG:4326", crs_wkt_);
}

CellWindow cells_within(const Grid& g, double x0, double y0, double x1, double y1, int pad_cells) {
  const double c_a = g.col_of(x0), c_b = g.col_of(x1), r_a = g.row_of(y0), r_b = g.row_of(y1);
  auto clamp = [](double v, int hi) {
    return static_cast<int>(std::max(-1.0, std::min(static_cast<double>(hi), v)));
  };
  // Cells whose centre lies within the bounds: centre-based fractional indices rounded inwards.
  const int c_lo = clamp(std::ceil(std::min(c_a, c_b) - 1e-9), g.cols) - pad_cells;
  const int c_hi = clamp(std::floor(std::max(c_a, c_b) + 1e-9), g.cols) + pad_cells;
  const int r_lo = clamp(std::ceil(std::min(r_a, r_b) - 1e-9), g.rows) - pad_cells;
  const int r_hi = clamp(std::floor(std::max(r_a, r_b) + 1e-9), g.rows) + pad_cells;
  CellWindow w;
  w.col_off = std::max(0, c_lo);
  w.row_off = std::max(0, r_lo);
  w.cols = std::max(0, std::min(g.cols - 1, c_hi) - w.col_off + 1);
  w.rows = std::max(0, std::min(g.rows - 1, r_hi) - w.row_off + 1);
  if (w.cols == 0 || w.rows == 0) w = CellWindow{};
  return w;
}

Dem Dem::open(const std::vector<std::string>& paths) { return open_impl(paths, nullptr, true); }

Dem Dem::open(const std::vector<std::string>& paths, const CellWindow& window) {
  return open_impl(paths, &window, true);
}

Grid Dem::mosaic_grid(const std::vector<std::string>& paths) { return open_impl(paths, nullptr, false).grid_; }

Dem Dem::open_impl(const std::vector<std::string>& paths, const CellWindow* window, bool read) {
  detail::ensure_gdal();
  if (paths.empty()) throw InputError("DEM: no file given");
  Dem dem;
  dem.sources_ = paths;
  detail::GdalErrorGuard guard;
  std::vector<DatasetPtr> opened;
  std::vector<GDALDatasetH> handles;
  std::string wkt0;
  double res0[2] = {0, 0};
  std::vector<std::array<double, 4>> extents;  // per file: x0, y0, x1, y1 (outer corners)
  for (const auto& p : paths) {
    GDALDatasetH h = GDALOpen(p.c_str(), GA_ReadOnly);
    if (!h) throw InputError("DEM file '" + p + "' cannot be opened: " + guard.message());
    opened.emplace_back(h);
    handles.push_back(h);
    double gt[6];
    if (GDALGetGeoTransform(h, gt) != CE_None)
      throw InputError("DEM file '" + p + "' has no geotransform");
    if (gt[2] != 0.0 || gt[4] != 0.0)
      throw InputError("DEM file '" + p + "' is rotated (geotransform terms " +
                       std::to_string(gt[2]) + ", " + std::to_string(gt[4]) + "); warp it first");
    extents.push_back({gt[0], gt[3], gt[0] + GDALGetRasterXSize(h) * gt[1], gt[3] + GDALGetRasterYSize(h) * gt[5]});
    const char* w = GDALGetProjectionRef(h);
    std::string wkt = w ? w : "";
    if (wkt.empty()) throw InputError("DEM file '" + p + "' has no coordinate reference system");
    if (handles.size() == 1) {
      wkt0 = wkt;
      res0[0] = gt[1];
      res0[1] = gt[5];
    } else {
      OGRSpatialReference a(wkt0.c_str()), b(wkt.c_str());
      if (!a.IsSame(&b))
        throw InputError("DEM file '" + p + "' has a different CRS from '" + paths[0] + "'");
      if (std::abs(gt[1] - res0[0]) > 1e-9 * std::abs(res0[0]) ||
          std::abs(gt[5] - res0[1]) > 1e-9 * std::abs(res0[1]))
        throw InputError("DEM file '" + p + "' has resolution " + std::to_string(gt[1]) +
                         " but '" + paths[0] + "' has " + std::to_string(res0[0]));
    }
  }
  GDALDatasetH src = handles[0];
  DatasetPtr vrt;
  if (handles.size() > 1) {
    // Mosaic with a virtual raster; the nodata value of each source is kept.
    const char* argv[] = {"-resolution", "highest", nullptr};
    GDALBuildVRTOptions* opt = GDALBuildVRTOptionsNew(const_cast<char**>(argv), nullptr);
    int err = 0;
    GDALDatasetH v =
        GDALBuildVRT("", static_cast<int>(handles.size()), handles.data(), nullptr, opt, &err);
    GDALBuildVRTOptionsFree(opt);
    if (!v || err) throw InputError("DEM tiles cannot be mosaicked: " + guard.message());
    vrt.reset(v);
    src = v;
  }
  double gt[6];
  GDALGetGeoTransform(src, gt);
  dem.grid_.origin_x = gt[0];
  dem.grid_.origin_y = gt[3];
  dem.grid_.dx = gt[1];
  dem.grid_.dy = gt[5];
  dem.grid_.cols = GDALGetRasterXSize(src);
  dem.grid_.rows = GDALGetRasterYSize(src);
  dem.crs_wkt_ = wkt0;
  if (!read) return dem;
  // The cells to read: the whole grid, or the window clipped to it.
  CellWindow L = whole(dem.grid_);
  if (window) {
    L.col_off = std::max(0, window->col_off);
    L.row_off = std::max(0, window->row_off);
    L.cols = std::min(dem.grid_.cols, window->col_off + window->cols) - L.col_off;
    L.rows = std::min(dem.grid_.rows, window->row_off + window->rows) - L.row_off;
    if (L.cols <= 0 || L.rows <= 0)
      throw InputError("DEM '" + paths[0] + "'" + (paths.size() > 1 ? " (and " + std::to_string(paths.size() - 1) +
                                                                             " more tiles)" : std::string()) +
                       ": the window of " + std::to_string(window->rows) + " x " + std::to_string(window->cols) +
                       " cells at row " + std::to_string(window->row_off) + ", col " + std::to_string(window->col_off) +
                       " lies outside its grid of " + std::to_string(dem.grid_.rows) + " x " +
                       std::to_string(dem.grid_.cols) + " cells");
  }
  dem.loaded_ = L;
  limits::check_memory("reading the DEM (" + std::to_string(L.rows) + " x " + std::to_string(L.cols) + " cells)",
                       static_cast<double>(L.cells()) * sizeof(float),
                       "read a window of the DEM (Dem.open(paths, window)) or use coarser tiles");
  GDALRasterBandH band = GDALGetRasterBand(src, 1);
  int has_nodata = 0;
  const double nodata = GDALGetRasterNoDataValue(band, &has_nodata);
  dem.heights_m_.resize(static_cast<std::size_t>(L.cols) * L.rows);
  if (GDALRasterIO(band, GF_Read, L.col_off, L.row_off, L.cols, L.rows, dem.heights_m_.data(), L.cols, L.rows,
                   GDT_Float32, 0, 0) != CE_None)
    throw InputError("DEM '" + paths[0] + "' cannot be read: " + guard.message());
  // Voids: the band's nodata value (SRTM: -32768) and the gaps between mosaicked tiles
  // (filled with nodata by the VRT, or 0 when no nodata was declared) are never elevations.
  // Any other value must be an elevation (limits::kDemElevationM).
  const float nd = static_cast<float>(nodata);
  std::int64_t bad = 0;
  std::size_t first_bad = 0;
  float first_value = 0;
  for (std::size_t i = 0; i < dem.heights_m_.size(); ++i) {
    float& v = dem.heights_m_[i];
    if ((has_nodata && v == nd) || v <= -32768.0f || !std::isfinite(v)) {
      v = std::numeric_limits<float>::quiet_NaN();
    } else if (!limits::kDemElevationM.contains(v)) {
      if (bad++ == 0) {
        first_bad = i;
        first_value = v;
      }
    }
  }
  if (bad > 0) {
    const int row = L.row_off + static_cast<int>(first_bad / L.cols), col = L.col_off + static_cast<int>(first_bad % L.cols);
    const double x = dem.grid_.x_of(col), y = dem.grid_.y_of(row);
    // The file the cell comes from (the first whose extent holds it), and its own row/col.
    std::size_t src_i = 0;
    for (std::size_t k = 0; k < extents.size(); ++k) {
      const auto& e = extents[k];
      if (x >= std::min(e[0], e[2]) && x <= std::max(e[0], e[2]) && y >= std::min(e[1], e[3]) &&
          y <= std::max(e[1], e[3])) {
        src_i = k;
        break;
      }
    }
    const auto& e = extents[src_i];
    const long frow = std::lround((y - e[1]) / dem.grid_.dy - 0.5), fcol = std::lround((x - e[0]) / dem.grid_.dx - 0.5);
    std::string where = "row " + std::to_string(frow) + ", col " + std::to_string(fcol);
    if (geo::crs_is_geographic(wkt0)) {
      where += " (lon " + limits::fmt(x) + ", lat " + limits::fmt(y) + ")";
    } else {
      where += " (x " + limits::fmt(x) + ", y " + limits::fmt(y) + " in its CRS";
      try {
        const auto ll = geo::Transformer(wkt0, "EPSG:4326").transform(x, y);
        where += "; lon " + limits::fmt(ll.first) + ", lat " + limits::fmt(ll.second);
      } catch (const std::exception&) {
      }
      where += ")";
    }
    throw InputError("DEM file '" + paths[src_i] + "': " + std::to_string(bad) + " cell" + (bad > 1 ? "s are" : " is") +
                     " outside the elevations of the Earth, the first at " + where + ": " +
                     limits::fmt(first_value) + " m (expected " +
                     limits::describe(limits::kDemElevationM, "elevation", "m") + " or the band's nodata value" +
                     (has_nodata ? " " + limits::fmt(nodata) : std::string(", which this file does not declare")) +
                     "; fix: declare the void value as nodata (gdal_edit.py -a_nodata VALUE FILE), convert feet or "
                     "decimetres to metres, or give a DEM rather than another raster)");
  }
  dem.finish();
  return dem;
}

bool Dem::contains(double x, double y) const {
  const double c = grid_.col_of(x) + 1e-9, r = grid_.row_of(y) + 1e-9;
  return c >= 0.0 && r >= 0.0 && c <= grid_.cols - 1 + 2e-9 && r <= grid_.rows - 1 + 2e-9;
}

namespace {
// Fractional cell coordinates within 1e-9 of a whole number are snapped to it, so a point
// computed as a cell centre reads that cell exactly (and a void beside it is not used).
double snap(double v) {
  const double r = std::round(v);
  return std::abs(v - r) < 1e-9 ? r : v;
}
}  // namespace

double Dem::elevation_m(double x, double y) const {
  const double c = snap(grid_.col_of(x)), r = snap(grid_.row_of(y));
  if (!(c >= 0.0 && r >= 0.0 && c <= grid_.cols - 1 && r <= grid_.rows - 1))
    return std::numeric_limits<double>::quiet_NaN();
  if (grid_.cols < 2 || grid_.rows < 2) return cell(static_cast<int>(c), static_cast<int>(r));
  int c0 = static_cast<int>(c), r0 = static_cast<int>(r);
  if (c0 == grid_.cols - 1) --c0;
  if (r0 == grid_.rows - 1) --r0;
  const double fc = c - c0, fr = r - r0;
  // Corners with zero weight are skipped, so a point on a cell centre or edge next to a
  // void still gets its value; a void (or a cell not loaded) with non-zero weight makes the
  // result NaN.
  const double w[4] = {(1 - fc) * (1 - fr), fc * (1 - fr), (1 - fc) * fr, fc * fr};
  double z = 0.0;
  if (loaded_.contains(c0, r0) && loaded_.contains(c0 + 1, r0 + 1)) {
    const float* p = cell_ptr(c0, r0);
    const float v[4] = {p[0], p[1], p[stride()], p[stride() + 1]};
    for (int k = 0; k < 4; ++k) {
      if (w[k] == 0.0) continue;
      z += w[k] * v[k];
    }
    return z;
  }
  const int dc[4] = {0, 1, 0, 1}, dr[4] = {0, 0, 1, 1};
  for (int k = 0; k < 4; ++k) {
    if (w[k] == 0.0) continue;
    z += w[k] * cell(c0 + dc[k], r0 + dr[k]);
  }
  return z;
}

void Dem::lonlat_to_dem(std::vector<double>& x, std::vector<double>& y) const {
  if (from_wgs84_) from_wgs84_->transform(x, y);
}

std::pair<double, double> Dem::lonlat_to_dem(double lon, double lat) const {
  if (!from_wgs84_) return {lon, lat};
  return from_wgs84_->transform(lon, lat);
}

double Dem::elevation_at_lonlat_m(double lon, double lat) const {
  auto [x, y] = lonlat_to_dem(lon, lat);
  return elevation_m(x, y);
}

double Dem::cell_size_m() const {
  if (!geographic_) return 0.5 * (std::abs(grid_.dx) + std::abs(grid_.dy));
  const double lat = grid_.y_of(grid_.rows / 2.0);
  const double m_per_deg = geo::kEarthRadiusM * M_PI / 180.0;
  return 0.5 * m_per_deg * (std::abs(grid_.dx) * std::cos(lat * M_PI / 180.0) + std::abs(grid_.dy));
}

Grid Dem::resampled_grid(double resolution_m) const {
  if (!(resolution_m > 0)) throw InputError("resolution_m must be > 0, got " + std::to_string(resolution_m));
  if (!std::isfinite(resolution_m) || resolution_m < limits::kMinResolutionM)
    throw InputError("resample: resolution_m is " + limits::fmt(resolution_m) + " m: finer than any DEM (expected " +
                     "resolution_m ≥ " + limits::fmt(limits::kMinResolutionM) +
                     " m and finite; fix: give the cell size in metres, e.g. 30)");
  Grid g = grid_;
  double sx = resolution_m, sy = resolution_m;
  if (geographic_) {
    const double lat = grid_.y_of(grid_.rows / 2.0) * M_PI / 180.0;
    const double m_per_deg = geo::kEarthRadiusM * M_PI / 180.0;
    sx = resolution_m / (m_per_deg * std::cos(lat));
    sy = resolution_m / m_per_deg;
  }
  const double width = grid_.cols * std::abs(grid_.dx), height = grid_.rows * std::abs(grid_.dy);
  const double cols = std::max(1.0, std::floor(width / sx)), rows = std::max(1.0, std::floor(height / sy));
  if (cols > std::numeric_limits<int>::max() || rows > std::numeric_limits<int>::max())
    throw InputError("resample: " + limits::fmt(rows) + " x " + limits::fmt(cols) +
                     " cells is more than a grid can hold; fix: use a coarser resolution_m");
  g.cols = static_cast<int>(cols);
  g.rows = static_cast<int>(rows);
  g.dx = grid_.dx > 0 ? sx : -sx;
  g.dy = grid_.dy > 0 ? sy : -sy;
  return g;
}

Dem Dem::resampled(double resolution_m) const {
  const Grid g = resampled_grid(resolution_m);
  return resampled(resolution_m, whole(g));
}

Dem Dem::resampled(double resolution_m, const CellWindow& window) const {
  const Grid g = resampled_grid(resolution_m);
  CellWindow L;
  L.col_off = std::max(0, window.col_off);
  L.row_off = std::max(0, window.row_off);
  L.cols = std::min(g.cols, window.col_off + window.cols) - L.col_off;
  L.rows = std::min(g.rows, window.row_off + window.rows) - L.row_off;
  if (L.cols <= 0 || L.rows <= 0)
    throw InputError("resample: the window of " + std::to_string(window.rows) + " x " + std::to_string(window.cols) +
                     " cells at row " + std::to_string(window.row_off) + ", col " + std::to_string(window.col_off) +
                     " lies outside the resampled grid of " + std::to_string(g.rows) + " x " + std::to_string(g.cols) +
                     " cells");
  // Memory before allocating: one float per cell of the new grid's window.
  limits::check_memory("resampling the DEM to " + limits::fmt(resolution_m) + " m (" + std::to_string(L.rows) + " x " +
                           std::to_string(L.cols) + " cells)",
                       static_cast<double>(L.cells()) * sizeof(float), "use a coarser resolution_m");
  std::vector<float> h(static_cast<std::size_t>(L.cols) * L.rows);
  for (int r = 0; r < L.rows; ++r)
    for (int c = 0; c < L.cols; ++c)
      h[static_cast<std::size_t>(r) * L.cols + c] =
          static_cast<float>(elevation_m(g.x_of(L.col_off + c), g.y_of(L.row_off + r)));
  Dem out;
  out.grid_ = g;
  out.loaded_ = L;
  out.heights_m_ = std::move(h);
  out.crs_wkt_ = crs_wkt_;
  out.finish();
  out.sources_ = sources_;
  return out;
}

}  // namespace phusong::terrain
