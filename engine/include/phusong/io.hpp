// phusong — io layer: reading villages and sites with OGR, writing vector outputs atomically.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "phusong/terrain.hpp"
#include "phusong/types.hpp"

namespace phusong::io {

/// Reads villages from CSV (columns lon/lat or longitude/latitude), GeoJSON, Shapefile or
/// GeoPackage (points, any CRS: transformed to WGS84). Fields: id, name, population,
/// households (required); commune, district (optional). Throws InputError naming the file, the
/// row/feature, the field and the value on a missing field, an empty or non-numeric or negative
/// value, a value outside its physical range (phusong/limits.hpp: population and households
/// 0..1e7, households <= population), a missing geometry or a duplicate id.
///
/// Text (both readers): every text field must be UTF-8; otherwise an InputError names the bytes,
/// a guess of the legacy encoding (Windows-1258, TCVN3, VNI) and the fix (iconv for a CSV, a .cpg
/// for a shapefile). Shapefiles with a .cpg (or an LDID) are recoded to UTF-8 (Windows-1258 by
/// phusong itself).
std::vector<Village> read_villages(const std::string& path);

/// Reads radio sites (towers or candidates). Fields: id, operator, technologies, height_m,
/// freq_mhz and either eirp_dbm or tx_power_dbm (+ optional antenna_gain_dbi,
/// feeder_loss_db); optional bandwidth_mhz (else `default_bandwidth_mhz`), kind; optional antenna
/// (omni, 3gpp or a .msi/.pln file) with azimuth_deg, downtilt_deg. Every number is checked
/// against its physical range (phusong/limits.hpp): height_m (0, 500], freq_mhz [20, 100000],
/// eirp_dbm [-30, 100] (also tx_power_dbm + antenna_gain_dbi - feeder_loss_db), tx_power_dbm
/// [-30, 90], antenna_gain_dbi [-10, 40], feeder_loss_db [0, 30], bandwidth_mhz (0, 400],
/// downtilt_deg [-90, 90], azimuth_deg [0, 360). `technologies` is normalised to the canonical
/// names of known_technologies() joined by ';' (sorted, deduplicated): tokens are separated by ;
/// , or / and may be aliases (case-insensitive): GSM -> 2G; UMTS, WCDMA, HSPA -> 3G; LTE -> 4G;
/// NR, 5G NR -> 5G. An empty or unknown token is an InputError listing the accepted values.
std::vector<Site> read_sites(const std::string& path, double default_bandwidth_mhz = 10);

/// A feature's geometry in WGS84 lon/lat as WKB, with its 1-based feature number.
struct Geometry {
  std::string wkb;
  int feature = 0;
};

/// Reads every geometry of the first layer of a vector file (GeoJSON, Shapefile, GeoPackage,
/// KML, ...) reprojected to WGS84 lon/lat; features without a geometry are skipped. Throws
/// InputError naming the file when it cannot be opened, has no layer or cannot be reprojected.
std::vector<Geometry> read_geometries(const std::string& path);

/// The canonical technology names a site's `technologies` field is normalised to: 2G, 3G, 4G, 5G.
std::vector<std::string> known_technologies();

/// A column of a vector layer.
struct Field {
  enum class Type { real, integer, string };
  std::string name;
  Type type = Type::real;
  std::vector<double> reals;
  std::vector<std::int64_t> integers;
  std::vector<std::string> strings;
  int width = 0, precision = 0;  ///< 0 = driver default
  std::size_t size() const {
    return type == Type::real ? reals.size() : type == Type::integer ? integers.size() : strings.size();
  }
};

/// Features in WGS84 with attribute columns: points from lon/lat, or, when `wkb` is not
/// empty, any geometry given as WKB (one per feature; lon/lat are then ignored).
struct PointTable {
  std::vector<double> lon, lat;
  std::vector<std::string> wkb;
  std::vector<Field> fields;
  /// Optional, one per feature: an OGR style string (e.g. "SYMBOL(c:#FF0000,id:\"...\")",
  /// "PEN(c:#0000FF,w:2px);BRUSH(fc:#00FF0080)"), written by drivers that keep styles (LIBKML).
  std::vector<std::string> styles;
  std::size_t size() const { return wkb.empty() ? lon.size() : wkb.size(); }
};

/// Writes `table` to `path` with an OGR driver ("ESRI Shapefile", "GPKG", "GeoJSON", "KML",
/// "LIBKML", "CSV"), reprojected to `crs` (see geo::crs_wkt). Fields are written by name; an
/// empty string and a non-finite real are written as NULL in every format. Shapefiles get a .prj and a .cpg (UTF-8);
/// their field names must be at most 10 bytes (InputError otherwise). The files are written in a
/// staging folder beside the target and moved in place only when complete, so a failure never
/// leaves a half-written file set and never touches an existing one.
void write_points(const std::string& path, const std::string& driver, const std::string& crs,
                  const PointTable& table, const std::string& layer_name);

/// The files that make up an output dataset written by write_points (e.g. .shp .shx .dbf .prj .cpg).
std::vector<std::string> dataset_files(const std::string& path, const std::string& driver);

/// One band of a raster to write: `data` has grid.rows x grid.cols values of `type`.
struct RasterBand {
  enum class Type { float32, int32, uint16, uint8 };
  std::string description;
  Type type = Type::float32;
  const void* data = nullptr;
  double nodata = 0;
  bool has_nodata = true;
};

/// Writes a Cloud-Optimised GeoTIFF (GDAL COG driver, ZSTD; internal overviews when a side
/// exceeds 4096 cells) with the grid's
/// geotransform and CRS, atomically (staged beside the target, then renamed).
void write_raster(const std::string& path, const terrain::Grid& grid, const std::string& crs_wkt,
                  const std::vector<RasterBand>& bands);

/// Vectorises the cells where `mask` is non-zero into polygons (GDALPolygonize, 8-connected) and
/// writes them with attribute `field_name` = the mask value, atomically, in the raster's CRS.
void write_polygons(const std::string& path, const std::string& driver, const terrain::Grid& grid,
                    const std::string& crs_wkt, const std::vector<std::uint8_t>& mask,
                    const std::string& layer_name, const std::string& field_name);

}  // namespace phusong::io
