// Terrain layer against gdallocationinfo on the real SRTM tile N21E105 (values printed by
// `gdallocationinfo -valonly -wgs84 N21E105.hgt LON LAT`, which returns the value of the cell
// containing the point).
#include <gtest/gtest.h>

#include <cmath>

#include "phusong/error.hpp"
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
  try {
    terrain::Dem::open({"/nonexistent/x.tif"});
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/x.tif"), std::string::npos);
  }
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
