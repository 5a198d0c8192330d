// phusong — terrain layer: DEM mosaics, voids, bilinear elevation, terrain profiles.
#pragma once
#include <cmath>
#include <cstdint>
#include <memory>
#include <limits>
#include <string>
#include <vector>

#include "phusong/geo.hpp"

namespace phusong::terrain {

/// Affine north-up grid: x = origin_x + (col + 0.5) * dx at cell centres (dy < 0 for north-up).
struct Grid {
  double origin_x = 0, origin_y = 0;  ///< outer corner of cell (0, 0)
  double dx = 1, dy = -1;             ///< cell size (dy negative for north-up rasters)
  int cols = 0, rows = 0;
  double col_of(double x) const { return (x - origin_x) / dx - 0.5; }  ///< fractional, centre-based
  double row_of(double y) const { return (y - origin_y) / dy - 0.5; }
  double x_of(double col) const { return origin_x + (col + 0.5) * dx; }
  double y_of(double row) const { return origin_y + (row + 0.5) * dy; }
};

/// A block of cells of a grid: columns col_off .. col_off + cols - 1, rows row_off .. row_off + rows - 1.
struct CellWindow {
  int col_off = 0, row_off = 0, cols = 0, rows = 0;
  bool empty() const { return cols <= 0 || rows <= 0; }
  bool contains(int col, int row) const {
    return col >= col_off && row >= row_off && col < col_off + cols && row < row_off + rows;
  }
  std::int64_t cells() const { return static_cast<std::int64_t>(cols) * rows; }
};

/// The cells of `g` whose centres lie within x0..x1, y0..y1 (in the grid's CRS, either order),
/// widened by `pad_cells` on each side and clipped to the grid; empty when nothing is left.
CellWindow cells_within(const Grid& g, double x0, double y0, double x1, double y1, int pad_cells = 0);
/// The whole grid as a window.
inline CellWindow whole(const Grid& g) { return CellWindow{0, 0, g.cols, g.rows}; }

/// A DEM held in memory as float32, voids as NaN. Opened from one or more GDAL rasters
/// (GeoTIFF, SRTM .hgt, ...); several tiles are mosaicked into one grid (they must share a CRS
/// and a resolution).
///
/// Windowed DEMs: a DEM may hold only a window of its grid's cells (open with a window, or
/// resampled onto a window). Its grid stays the whole mosaic's, so every coordinate computed from
/// it is the same as on the whole DEM, and any result that reads only loaded cells (a site's
/// raster whose disc is loaded, a village's profiles) is bit for bit the whole DEM's. Cells
/// outside the window read as voids. Memory is proportional to the window, not the file.
class Dem {
 public:
  /// Opens and mosaics `paths`. Throws InputError naming the file on any failure, and when a
  /// cell that is not a void (the band's nodata value, <= -32768 or non-finite) lies outside
  /// limits::kDemElevationM, -500..9000 m (naming the file, the row/col and lon/lat of the
  /// first such cell, its value and how many there are).
  static Dem open(const std::vector<std::string>& paths);
  /// Same grid as open(paths), but only the cells of `window` (clipped to the grid) are read
  /// (GDAL windowed reads of the tiles the window touches). An empty window after clipping is an
  /// InputError naming the files.
  static Dem open(const std::vector<std::string>& paths, const CellWindow& window);
  /// The grid open(paths) would have, from the files' headers only (no cell is read).
  static Grid mosaic_grid(const std::vector<std::string>& paths);
  /// A DEM from an array already in memory (row-major, rows x cols, NaN = void).
  Dem(Grid grid, std::vector<float> heights_m, std::string crs_wkt);

  const Grid& grid() const { return grid_; }
  const std::string& crs_wkt() const { return crs_wkt_; }
  bool is_geographic() const { return geographic_; }
  /// The cells held: the whole grid, or the window the DEM was opened or resampled on.
  const CellWindow& loaded() const { return loaded_; }
  /// Elevations of the loaded cells, row-major, loaded().rows x loaded().cols.
  const std::vector<float>& heights_m() const { return heights_m_; }
  std::vector<float>& heights_m() { return heights_m_; }
  std::int64_t void_count() const { return void_count_; }
  const std::vector<std::string>& sources() const { return sources_; }

  /// Elevation of cell (col, row) of the grid, NaN if void, outside, or not loaded.
  float cell(int col, int row) const {
    const int c = col - loaded_.col_off, r = row - loaded_.row_off;
    if (c < 0 || r < 0 || c >= loaded_.cols || r >= loaded_.rows) return std::numeric_limits<float>::quiet_NaN();
    return heights_m_[static_cast<std::size_t>(r) * loaded_.cols + c];
  }
  /// Pointer to loaded cell (col, row) and the row stride, for callers that checked
  /// loaded().contains for the cells they read.
  const float* cell_ptr(int col, int row) const {
    return heights_m_.data() + static_cast<std::size_t>(row - loaded_.row_off) * loaded_.cols + (col - loaded_.col_off);
  }
  int stride() const { return loaded_.cols; }
  /// True when (x, y), in the DEM's CRS, lies within the grid's cell centres.
  bool contains(double x, double y) const;
  /// Bilinear elevation at (x, y) in the DEM's CRS; NaN when outside or next to a void.
  double elevation_m(double x, double y) const;
  /// Same for lon/lat in WGS84 (transformed when the DEM is projected).
  double elevation_at_lonlat_m(double lon, double lat) const;
  /// lon/lat (WGS84) -> DEM CRS.
  void lonlat_to_dem(std::vector<double>& x, std::vector<double>& y) const;
  std::pair<double, double> lonlat_to_dem(double lon, double lat) const;
  /// Approximate cell size in metres (mean of x and y at the centre of the grid).
  double cell_size_m() const;
  /// A copy on a new grid of the same extent and CRS with cells of about `resolution_m` metres
  /// (degrees converted at the grid's central latitude on geographic DEMs), sampled bilinearly;
  /// cells next to a void stay void. resolution_m must be finite and >= 1 m
  /// (limits::kMinResolutionM); the new grid's memory is estimated before allocating and an
  /// InputError is thrown above the limit (half the physical memory, or PHUSONG_MAX_MEMORY_GB; see
  /// phusong/limits.hpp).
  Dem resampled(double resolution_m) const;
  /// The grid resampled(resolution_m) has (no cell computed).
  Grid resampled_grid(double resolution_m) const;
  /// resampled(resolution_m) computed only on `window` (cells of the new grid): a windowed DEM
  /// whose loaded cells equal resampled(resolution_m)'s where this DEM holds the cells they read.
  Dem resampled(double resolution_m, const CellWindow& window) const;

 private:
  Dem() = default;
  void finish();
  static Dem open_impl(const std::vector<std::string>& paths, const CellWindow* window, bool read);
  Grid grid_;
  CellWindow loaded_;
  std::vector<float> heights_m_;
  std::string crs_wkt_;
  bool geographic_ = true;
  std::int64_t void_count_ = 0;
  std::vector<std::string> sources_;
  std::shared_ptr<geo::Transformer> from_wgs84_;
};

/// Earth bulge (m) at distances d1, d2 from the two ends of a path, for effective earth radius
/// factor k: d1 * d2 / (2 k R), R = 6371 km.
inline double earth_bulge_m(double d1_m, double d2_m, double k = 4.0 / 3.0) {
  return d1_m * d2_m / (2.0 * k * geo::kEarthRadiusM);
}

/// A terrain profile: samples equally spaced from point A to point B.
struct Profile {
  std::vector<double> distance_m;   ///< from A
  std::vector<double> x, y;         ///< sample positions in the DEM's CRS
  std::vector<double> elevation_m;  ///< bilinear terrain height AMSL, NaN where void/outside
  std::vector<double> curved_m;     ///< elevation_m + earth bulge for factor k (relative to the chord A-B)
  double k = 4.0 / 3.0;
  std::size_t void_samples = 0;     ///< number of NaN samples
  double length_m() const { return distance_m.empty() ? 0.0 : distance_m.back(); }
};

/// Extracts the profile between two lon/lat points (WGS84) with sample spacing at most
/// `spacing_m` (geodesic on a geographic DEM, straight line on a projected one).
Profile profile_lonlat(const Dem& dem, double lon1, double lat1, double lon2, double lat2,
                       double spacing_m, double k = 4.0 / 3.0);
/// Same with end points in the DEM's own CRS.
Profile profile_native(const Dem& dem, double x1, double y1, double x2, double y2,
                       double spacing_m, double k = 4.0 / 3.0);

}  // namespace phusong::terrain
