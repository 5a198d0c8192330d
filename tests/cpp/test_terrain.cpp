// Terrain layer against gdallocationinfo on the real SRTM tile N21E105 (values printed by
// `gdallocationinfo -valonly -wgs84 N21E105.hgt LON LAT`, which returns the value of the cell
// containing the point).
#include <gdal.h>
#include <gtest/gtest.h>
#include <ogr_spatialref.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "phusong/error.hpp"
#include "phusong/limits.hpp"
#include "phusong/terrain.hpp"
#include "test_support.hpp"

using namespace phusong;

namespace {
const terrain::Dem& tile() {
  static const terrain::Dem dem = terrain::Dem::open({test::data_path("dem/N21E105.hgt")});
  return dem;
}
// Centre of the cell containing (lon, lat).
std::pair<double, double> cell_centre(const terrain::Dem& d, double lon, double lat) {
  const auto& g = d.grid();
  const double c = std::floor((lon - g.origin_x) / g.dx), r = std::floor((lat - g.origin_y) / g.dy);
  return {g.x_of(c), g.y_of(r)};
}
}  // namespace

TEST(Terrain, SrtmGridAndVoids) {
  const auto& d = tile();
  EXPECT_EQ(d.grid().cols, 1201);
  EXPECT_EQ(d.grid().rows, 1201);
  EXPECT_NEAR(d.grid().origin_x, 104.999583333333334, 1e-12);  // gdalinfo "Origin"
  EXPECT_NEAR(d.grid().origin_y, 22.000416666666666, 1e-12);
  EXPECT_TRUE(d.is_geographic());
  EXPECT_EQ(d.void_count(), 1539);  // SOURCES.md: 1,539 void cells (-32768)
}

TEST(Terrain, CellCentresMatchGdallocationinfo) {
  const auto& d = tile();
  struct P { double lon, lat, expected; };
  const P pts[] = {{105.5, 21.5, 31}, {105.0, 21.0, 347}, {105.25, 21.75, 86},
                   {105.123, 21.456, 28}, {105.9, 21.1, 7}};
  for (const auto& p : pts) {
    auto [x, y] = cell_centre(d, p.lon, p.lat);
    EXPECT_DOUBLE_EQ(d.elevation_m(x, y), p.expected) << p.lon << "," << p.lat;
  }
}

TEST(Terrain, BilinearBetweenCentres) {
  const auto& d = tile();
  const auto& g = d.grid();
  // Halfway between four centres the bilinear value is their mean.
  const int c = 600, r = 600;
  const double mean = (d.cell(c, r) + d.cell(c + 1, r) + d.cell(c, r + 1) + d.cell(c + 1, r + 1)) / 4.0;
  EXPECT_NEAR(d.elevation_m(g.x_of(c + 0.5), g.y_of(r + 0.5)), mean, 1e-4);
  EXPECT_TRUE(std::isnan(d.elevation_m(103.0, 21.5)));  // outside
}

TEST(Terrain, VoidsAreNeverElevations) {
  const auto& d = tile();
  const auto& h = d.heights_m();
  std::size_t k = 0;
  while (k < h.size() && !std::isnan(h[k])) ++k;
  ASSERT_LT(k, h.size());
  const int c = static_cast<int>(k % d.grid().cols), r = static_cast<int>(k / d.grid().cols);
  const auto& g = d.grid();
  EXPECT_TRUE(std::isnan(d.elevation_m(g.x_of(c), g.y_of(r))));
  EXPECT_TRUE(std::isnan(d.elevation_m(g.x_of(c + 0.3), g.y_of(r + 0.3))));
}

TEST(Terrain, MosaicOfTwoTilesNeedsSameCrsAndResolution) {
  // Two tiles far apart still mosaic (the gap is void), or fail with the file name.
  auto d = terrain::Dem::open({test::data_path("dem/N21E105.hgt")});
  EXPECT_THROW(terrain::Dem::open({test::data_path("dem/N21E105.hgt"), "/nonexistent/x.tif"}), InputError);
  phusong::test::expect_throws_mentioning<InputError>([] { terrain::Dem::open({"/nonexistent/x.tif"}); }, {"/nonexistent/x.tif"});
}

TEST(Terrain, MosaicOfAdjacentHalves) {
  // Split the tile into two GeoTIFF halves with gdal_translate-equivalent in-memory arrays and
  // check that a mosaic reproduces the original values across the seam.
  const auto& d = tile();
  const auto& g = d.grid();
  const int half = 600;
  std::vector<float> west, east;
  for (int r = 0; r < g.rows; ++r) {
    for (int c = 0; c < g.cols; ++c) (c <= half ? west : east).push_back(d.cell(c, r));
  }
  terrain::Grid gw = g, ge = g;
  gw.cols = half + 1;
  ge.cols = g.cols - half - 1;
  ge.origin_x = g.origin_x + (half + 1) * g.dx;
  terrain::Dem w(gw, west, d.crs_wkt()), e(ge, east, d.crs_wkt());
  EXPECT_DOUBLE_EQ(w.elevation_m(g.x_of(100), g.y_of(100)), d.cell(100, 100));
  EXPECT_DOUBLE_EQ(e.elevation_m(g.x_of(1000), g.y_of(100)), d.cell(1000, 100));
}

TEST(Terrain, ProfileSamplesAndCurvature) {
  const auto& d = tile();
  auto p = terrain::profile_lonlat(d, 105.2, 21.2, 105.6, 21.6, 90.0);
  ASSERT_GE(p.distance_m.size(), 2u);
  // PROJ geod -I: 21.2 105.2 21.6 105.6 -> 60677.705 m; samples at most 90 m apart.
  EXPECT_NEAR(p.length_m(), 60677.705, 1e-2);
  EXPECT_LE(p.distance_m[1] - p.distance_m[0], 90.0 + 1e-9);
  EXPECT_NEAR(p.x.front(), 105.2, 1e-12);
  EXPECT_NEAR(p.y.back(), 21.6, 1e-12);
  for (std::size_t i = 0; i < p.x.size(); ++i) {
    if (std::isnan(p.elevation_m[i])) continue;
    EXPECT_DOUBLE_EQ(p.elevation_m[i], d.elevation_m(p.x[i], p.y[i]));
  }
  // Bulge at mid-path for k = 4/3: (L/2)^2 / (2 * 4/3 * 6371 km), worked by hand:
  // 30009.75^2 / 16989333.3 = 53.009 m.
  const std::size_t mid = p.x.size() / 2;
  const double d1 = p.distance_m[mid], d2 = p.length_m() - d1;
  EXPECT_NEAR(p.curved_m[mid] - p.elevation_m[mid], d1 * d2 / (2 * (4.0 / 3.0) * 6371000.0), 1e-9);
  EXPECT_NEAR(terrain::earth_bulge_m(30009.75, 30009.75), 53.01, 0.01);
  EXPECT_DOUBLE_EQ(p.curved_m.front(), p.elevation_m.front());
}

// ---------------------------------------------------------------------------------------------
// Issue 11: elevations outside the Earth's, resampling resolution and memory.

namespace {
// A 4 x 3 GeoTIFF in WGS84 (cells of 0.01 degree from 105 E, 21.03 N) with the given values.
std::string small_tiff(const std::string& dir, const std::string& name, const std::vector<float>& v,
                       const double* nodata) {
  GDALAllRegister();
  const std::string path = dir + "/" + name;
  GDALDriverH drv = GDALGetDriverByName("GTiff");
  GDALDatasetH ds = GDALCreate(drv, path.c_str(), 4, 3, 1, GDT_Float32, nullptr);
  double gt[6] = {105.0, 0.01, 0, 21.03, 0, -0.01};
  GDALSetGeoTransform(ds, gt);
  OGRSpatialReference wgs;
  wgs.SetWellKnownGeogCS("WGS84");
  char* wkt = nullptr;
  wgs.exportToWkt(&wkt);
  GDALSetProjection(ds, wkt);
  CPLFree(wkt);
  GDALRasterBandH b = GDALGetRasterBand(ds, 1);
  if (nodata) GDALSetRasterNoDataValue(b, *nodata);
  EXPECT_EQ(GDALRasterIO(b, GF_Write, 0, 0, 4, 3, const_cast<float*>(v.data()), 4, 3, GDT_Float32, 0, 0), CE_None);
  GDALClose(ds);
  return path;
}
std::string open_error(const std::vector<std::string>& paths) {
  try {
    terrain::Dem::open(paths);
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}
}  // namespace

TEST(TerrainLimits, ElevationsOutsideTheEarthsAreRefusedUnlessNodata) {
  auto dir = test::tmp_dir("terrain-limits");
  // -9999 without a nodata declaration and 10000: three cells, the first at row 1, col 2.
  const std::vector<float> v = {100, 120, 130, 140, 150, 160, 10000, 170, -9999, -9999, 180, 190};
  auto bad = small_tiff(dir, "bad.tif", v, nullptr);
  const auto e = open_error({bad});
  EXPECT_EQ(e, "DEM file '" + bad + "': 3 cells are outside the elevations of the Earth, the first at row 1, col 2 "
               "(lon 105.025, lat 21.015): 10000 m (expected -500 ≤ elevation ≤ 9000 m or the band's nodata value, which "
               "this file does not declare; fix: declare the void value as nodata (gdal_edit.py -a_nodata VALUE FILE), "
               "convert feet or decimetres to metres, or give a DEM rather than another raster)");
  // With -9999 declared as nodata, those cells are voids; 10000 is still refused (1 cell).
  const double nd = -9999;
  auto one = small_tiff(dir, "one.tif", v, &nd);
  EXPECT_NE(open_error({one}).find("': 1 cell is outside the elevations of the Earth, the first at row 1, col 2"),
            std::string::npos)
      << open_error({one});
  // In a mosaic the message names the tile the cell comes from.
  EXPECT_NE(open_error({test::data_path("dem/N21E105.hgt"), one}).find("DEM file '" + one + "'"), std::string::npos);
  // Valid values at the ends of the range, voids as before.
  auto ok = small_tiff(dir, "ok.tif", {-500, 9000, 0, 1, 2, 3, 4, 5, -9999, -32768, 6, 7}, &nd);
  const auto d = terrain::Dem::open({ok});
  EXPECT_EQ(d.void_count(), 2);
  EXPECT_EQ(d.cell(0, 0), -500.0f);
  EXPECT_EQ(d.cell(1, 0), 9000.0f);
  EXPECT_EQ(tile().void_count(), 1539);
}

TEST(TerrainLimits, ResampledChecksResolutionAndMemoryBeforeAllocating) {
  phusong::test::ScopedEnv unset("PHUSONG_MAX_MEMORY_GB", nullptr);
  EXPECT_THROW(tile().resampled(0.5), InputError);
  EXPECT_THROW(tile().resampled(std::numeric_limits<double>::infinity()), InputError);
  phusong::test::expect_throws_mentioning<InputError>([] { tile().resampled(0.5); },
                                               {"resolution_m is 0.5 m: finer than any DEM (expected resolution_m ≥ 1 m"});
  // 1 m over the 111 km tile: about 1.3e10 cells, 51 GB; refused before allocating (on a machine
  // with less than 102 GB: the default limit is half the physical memory).
  if (limits::physical_memory_bytes() / 2 < 51e9) {
    phusong::test::expect_throws_mentioning<InputError>(
        [] { tile().resampled(1.0); },
        {"GB of memory, more than the limit of",
         "(half the physical memory); nothing was allocated; fix: use a coarser resolution_m"});
  }
  {
    phusong::test::ScopedEnv small("PHUSONG_MAX_MEMORY_GB", "0.01");
    EXPECT_DOUBLE_EQ(limits::max_memory_bytes(), 1e7);
    phusong::test::expect_throws_mentioning<InputError>(  // about 3700 x 3500 cells, 0.051 GB
        [] { tile().resampled(30); },
        {"resampling the DEM to 30 m (3709 x 3451 cells) needs about 0.051 GB of memory, more than the limit of "
         "0.01 GB (set by PHUSONG_MAX_MEMORY_GB)"});
    EXPECT_EQ(tile().resampled(900).grid().cols, 115);  // 0.00005 GB: fine
  }
  {
    phusong::test::ScopedEnv junk("PHUSONG_MAX_MEMORY_GB", "lots");
    EXPECT_THROW(limits::max_memory_bytes(), InputError);
  }
  EXPECT_DOUBLE_EQ(limits::max_memory_bytes(), limits::physical_memory_bytes() / 2);
}

// Windowed DEMs (issue 17, issue 19 goal 2): the same grid as the whole file, only the window's
// cells read; every loaded cell and bilinear height equal to the whole DEM's, voids outside.
TEST(Terrain, WindowedOpenReadsOnlyTheWindowOnTheSameGrid) {
  const auto& d = tile();
  const std::string path = test::data_path("dem/N21E105.hgt");
  const terrain::Grid g = terrain::Dem::mosaic_grid({path});
  EXPECT_EQ(g.cols, d.grid().cols);
  EXPECT_EQ(g.origin_x, d.grid().origin_x);
  EXPECT_EQ(g.dy, d.grid().dy);
  const terrain::CellWindow w{300, 410, 200, 150};
  const terrain::Dem win = terrain::Dem::open({path}, w);
  EXPECT_EQ(win.grid().cols, g.cols);
  EXPECT_EQ(win.heights_m().size(), 200u * 150u);
  EXPECT_EQ(win.loaded().col_off, 300);
  for (int r = 400; r < 570; r += 7)
    for (int c = 290; c < 510; c += 3) {
      const float a = win.cell(c, r), b = d.cell(c, r);
      if (w.contains(c, r)) {
        EXPECT_TRUE((std::isnan(a) && std::isnan(b)) || a == b) << r << "," << c;
      } else {
        EXPECT_TRUE(std::isnan(a)) << r << "," << c;
      }
    }
  // Bilinear heights between loaded cells: bit for bit; a corner not loaded: NaN.
  for (double f : {0.0, 0.25, 0.5, 0.999}) {
    const double x = g.x_of(350 + f), y = g.y_of(450 + f / 3);
    EXPECT_EQ(win.elevation_m(x, y), d.elevation_m(x, y));
  }
  EXPECT_TRUE(std::isnan(win.elevation_m(g.x_of(299.5), g.y_of(450))));
  EXPECT_EQ(win.elevation_m(g.x_of(300), g.y_of(450)), d.elevation_m(g.x_of(300), g.y_of(450)));
  // Clipped to the grid; nothing left is an error naming the file.
  EXPECT_EQ(terrain::Dem::open({path}, {g.cols - 10, -5, 100, 20}).loaded().cols, 10);
  phusong::test::expect_throws_mentioning<InputError>(
      [&] { terrain::Dem::open({path}, {g.cols + 1, 0, 5, 5}); }, {"N21E105.hgt", "lies outside its grid"});
  // cells_within: centres inside the bounds, padded and clipped.
  const auto cw = terrain::cells_within(g, g.x_of(10) - 1e-6, g.y_of(20) + 1e-6, g.x_of(19) + 1e-6, g.y_of(24) - 1e-6, 2);
  EXPECT_EQ(cw.col_off, 8);
  EXPECT_EQ(cw.cols, 14);
  EXPECT_EQ(cw.row_off, 18);
  EXPECT_EQ(cw.rows, 9);
  EXPECT_TRUE(terrain::cells_within(g, -10, -10, -9, -9).empty());
}

TEST(Terrain, ResampledWindowEqualsTheWholeResample) {
  const auto& d = tile();
  const terrain::Dem whole = d.resampled(90);
  const terrain::Grid g = d.resampled_grid(90);
  EXPECT_EQ(g.cols, whole.grid().cols);
  EXPECT_EQ(g.dx, whole.grid().dx);
  const terrain::CellWindow w{100, 200, 80, 60};
  const terrain::Dem part = d.resampled(90, w);
  EXPECT_EQ(part.grid().cols, whole.grid().cols);
  ASSERT_EQ(part.heights_m().size(), 80u * 60u);
  for (int r = w.row_off; r < w.row_off + w.rows; ++r)
    for (int c = w.col_off; c < w.col_off + w.cols; ++c) {
      const float a = part.cell(c, r), b = whole.cell(c, r);
      ASSERT_TRUE((std::isnan(a) && std::isnan(b)) || a == b);
    }
  // From a windowed source holding the cells it reads: the same again.
  const terrain::Dem src = terrain::Dem::open({test::data_path("dem/N21E105.hgt")},
                                              terrain::cells_within(d.grid(), g.x_of(99), g.y_of(199), g.x_of(181), g.y_of(261), 2));
  const terrain::Dem part2 = src.resampled(90, w);
  EXPECT_EQ(0, std::memcmp(part2.heights_m().data(), part.heights_m().data(), part.heights_m().size() * sizeof(float)));
}
