// Raster outputs (COG) and coverage polygons, written atomically.
#include <gdal_alg.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <filesystem>
#include <unistd.h>

#include "geo/gdal_guard.hpp"
#include "phusong/error.hpp"
#include "phusong/io.hpp"

namespace phusong::io {
namespace fs = std::filesystem;

namespace {

using DsPtr = detail::DatasetPtr;

GDALDataType gdal_type(RasterBand::Type t) {
  switch (t) {
    case RasterBand::Type::float32: return GDT_Float32;
    case RasterBand::Type::int32: return GDT_Int32;
    case RasterBand::Type::uint16: return GDT_UInt16;
    case RasterBand::Type::uint8: return GDT_Byte;
  }
  return GDT_Float32;
}

// An in-memory raster with the grid's georeferencing.
DsPtr mem_dataset(const terrain::Grid& grid, const std::string& crs_wkt, int bands, GDALDataType type) {
  GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
  DsPtr ds(mem->Create("", grid.cols, grid.rows, bands, type, nullptr));
  if (!ds) throw Error("cannot create an in-memory raster");
  double gt[6] = {grid.origin_x, grid.dx, 0, grid.origin_y, 0, grid.dy};
  ds->SetGeoTransform(gt);
  ds->SetProjection(crs_wkt.c_str());
  return ds;
}

// A staging path beside `path`; `commit` renames it in place.
struct Staged {
  fs::path final_path, tmp;
  explicit Staged(const std::string& path) : final_path(path) {
    fs::path dir = final_path.parent_path().empty() ? fs::path(".") : final_path.parent_path();
    fs::create_directories(dir);
    tmp = dir / (".phusong-staging-" + std::to_string(::getpid()) + "-" + final_path.filename().string());
    fs::remove_all(tmp);
  }
  ~Staged() {
    std::error_code ec;
    fs::remove_all(tmp, ec);
  }
  void commit() { fs::rename(tmp, final_path); }
};

}  // namespace

void write_raster(const std::string& path, const terrain::Grid& grid, const std::string& crs_wkt,
                  const std::vector<RasterBand>& bands) {
  detail::ensure_gdal();
  if (bands.empty()) throw InputError("write " + path + ": no band to write");
  for (const auto& b : bands)
    if (b.type != bands[0].type)
      throw InputError("write " + path + ": all bands of a GeoTIFF need one data type");
  detail::GdalErrorGuard guard;
  DsPtr mem = mem_dataset(grid, crs_wkt, static_cast<int>(bands.size()), gdal_type(bands[0].type));
  for (std::size_t i = 0; i < bands.size(); ++i) {
    GDALRasterBand* band = mem->GetRasterBand(static_cast<int>(i) + 1);
    if (band->RasterIO(GF_Write, 0, 0, grid.cols, grid.rows, const_cast<void*>(bands[i].data), grid.cols, grid.rows,
                       gdal_type(bands[i].type), 0, 0) != CE_None)
      throw Error("write " + path + ": " + guard.message());
    if (bands[i].has_nodata) band->SetNoDataValue(bands[i].nodata);
    band->SetDescription(bands[i].description.c_str());
  }
  Staged staged(path);
  GDALDriver* cog = GetGDALDriverManager()->GetDriverByName("COG");
  if (!cog) throw Error("GDAL has no COG driver");
  // ZSTD level 1 on all cores: fast, and the bytes do not depend on the thread count (tiles are
  // compressed independently).
  // Internal overviews only where a viewer needs them (rasters over 4096 cells on a side): they
  // cost more than the rest of the write.
  const bool overviews = std::max(grid.cols, grid.rows) > 4096;
  const char* opts[] = {"COMPRESS=ZSTD", "LEVEL=1", "NUM_THREADS=ALL_CPUS",
                        overviews ? "OVERVIEWS=AUTO" : "OVERVIEWS=NONE", nullptr};
  DsPtr out(cog->CreateCopy(staged.tmp.string().c_str(), mem.get(), FALSE, const_cast<char**>(opts), nullptr, nullptr));
  if (!out) throw Error("write " + path + ": " + guard.message());
  out.reset();
  staged.commit();
}

void write_polygons(const std::string& path, const std::string& driver, const terrain::Grid& grid,
                    const std::string& crs_wkt, const std::vector<std::uint8_t>& mask, const std::string& layer_name,
                    const std::string& field_name) {
  detail::ensure_gdal();
  if (mask.size() != static_cast<std::size_t>(grid.cols) * grid.rows)
    throw InputError("write " + path + ": mask does not match the grid");
  if (driver == "ESRI Shapefile") throw InputError("write " + path + ": write polygons as GPKG or GeoJSON");
  detail::GdalErrorGuard guard;
  DsPtr mem = mem_dataset(grid, crs_wkt, 1, GDT_Byte);
  GDALRasterBand* band = mem->GetRasterBand(1);
  if (band->RasterIO(GF_Write, 0, 0, grid.cols, grid.rows, const_cast<std::uint8_t*>(mask.data()), grid.cols,
                     grid.rows, GDT_Byte, 0, 0) != CE_None)
    throw Error("write " + path + ": " + guard.message());
  Staged staged(path);
  GDALDriver* drv = GetGDALDriverManager()->GetDriverByName(driver.c_str());
  if (!drv) throw InputError("write " + path + ": unknown OGR driver '" + driver + "'");
  {
    DsPtr ds(drv->Create(staged.tmp.string().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!ds) throw Error("write " + path + ": " + guard.message());
    OGRSpatialReference srs(crs_wkt.c_str());
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    OGRLayer* layer = ds->CreateLayer(layer_name.c_str(), &srs, wkbPolygon, nullptr);
    if (!layer) throw Error("write " + path + ": " + guard.message());
    OGRFieldDefn fd(field_name.c_str(), OFTInteger);
    if (layer->CreateField(&fd) != OGRERR_NONE) throw Error("write " + path + ": " + guard.message());
    const char* popts[] = {"8CONNECTED=8", nullptr};
    const bool in_transaction = layer->StartTransaction() == OGRERR_NONE;
    if (GDALPolygonize(band, band, layer, 0, const_cast<char**>(popts), nullptr, nullptr) != CE_None)
      throw Error("write " + path + ": polygonize failed: " + guard.message());
    if (in_transaction && layer->CommitTransaction() != OGRERR_NONE)
      throw Error("write " + path + ": " + guard.message());
  }
  staged.commit();
}

}  // namespace phusong::io
