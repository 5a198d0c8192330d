// Coverage rasters: the incremental sweep against the exact per-cell profile, thread-count
// determinism, nodata handling, and the composite.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>

#include "phusong/coverage.hpp"
#include "phusong/error.hpp"
#include "test_support.hpp"

using namespace phusong;

namespace {
const terrain::Dem& tile() {
  static const terrain::Dem dem = terrain::Dem::open({test::data_path("dem/N21E105.hgt")});
  return dem;
}
Site site_at(double lon, double lat) {
  Site s;
  s.id = "S";
  s.lon = lon;
  s.lat = lat;
  s.height_m = 35;
  s.freq_mhz = 1800;
  s.eirp_dbm = 60;
  return s;
}
}  // namespace

TEST(Raster, P526SweepAgreesWithExactProfiles) {
  const auto& dem = tile();
  const Site s = site_at(105.25, 21.2);  // hills of Thanh Sơn
  coverage::RasterParams p;
  p.radius_km = 15;
  const auto r = coverage::site_raster(dem, s, p);
  std::mt19937 rng(11);
  std::vector<double> diffs;
  coverage::CoverageParams cp;
  cp.rx_height_m = p.rx_height_m;
  for (int t = 0; t < 300; ++t) {
    const int c = std::uniform_int_distribution<int>(0, r.grid.cols - 1)(rng);
    const int row = std::uniform_int_distribution<int>(0, r.grid.rows - 1)(rng);
    const float v = r.values[static_cast<std::size_t>(row) * r.grid.cols + c];
    if (std::isnan(v)) continue;
    const auto l = coverage::evaluate_link(dem, s, r.grid.x_of(c), r.grid.y_of(row), cp);
    if (l.distance_km < 0.5) continue;
    diffs.push_back(std::abs(v - l.loss_db));
  }
  ASSERT_GT(diffs.size(), 150u);
  std::sort(diffs.begin(), diffs.end());
  const double median = diffs[diffs.size() / 2], p90 = diffs[diffs.size() * 9 / 10];
  std::cout << "[raster p526 vs exact] n=" << diffs.size() << " median |diff| " << median << " dB, p90 " << p90
            << " dB, max " << diffs.back() << " dB\n";
  EXPECT_LT(median, 1.5);
  EXPECT_LT(p90, 6.0);
}

TEST(Raster, SameForAnyThreadCount) {
  const auto& dem = tile();
  coverage::RasterParams p;
  p.radius_km = 8;
  for (auto model : {coverage::RasterModel::p526, coverage::RasterModel::los}) {
    p.model = model;
    p.threads = 1;
    const auto a = coverage::site_raster(dem, site_at(105.3, 21.3), p);
    p.threads = 3;
    const auto b = coverage::site_raster(dem, site_at(105.3, 21.3), p);
    ASSERT_EQ(a.values.size(), b.values.size());
    EXPECT_EQ(0, std::memcmp(a.values.data(), b.values.data(), a.values.size() * sizeof(float)));
  }
}

TEST(Raster, VoidCellsAreFlaggedNotGuessed) {
  const auto& dem = tile();
  // Find a void and put a site 3 km from it.
  const auto& h = dem.heights_m();
  std::size_t k = 0;
  while (!std::isnan(h[k])) ++k;
  const int c = static_cast<int>(k % dem.grid().cols), row = static_cast<int>(k / dem.grid().cols);
  Site s = site_at(dem.grid().x_of(std::max(0, c - 30)), dem.grid().y_of(row));
  while (std::isnan(dem.elevation_m(s.lon, s.lat))) s.lon -= 0.001;
  coverage::RasterParams p;
  p.radius_km = 5;
  const auto r = coverage::site_raster(dem, s, p);
  EXPECT_GT(r.void_cells, 0);
  const int wc = c - static_cast<int>(std::lround((r.grid.origin_x - dem.grid().origin_x) / dem.grid().dx));
  const int wr = row - static_cast<int>(std::lround((r.grid.origin_y - dem.grid().origin_y) / dem.grid().dy));
  EXPECT_TRUE(std::isnan(r.values[static_cast<std::size_t>(wr) * r.grid.cols + wc]));
}

TEST(Raster, CompositeTakesTheBestServer) {
  const auto& dem = tile();
  std::vector<Site> sites{site_at(105.2, 21.2), site_at(105.3, 21.25)};
  sites[1].id = "T";
  coverage::RasterParams p;
  p.radius_km = 6;
  const auto comp = coverage::best_server(dem, sites, p, -110);
  const auto a = coverage::site_raster(dem, sites[0], p);
  // At the first site's own cell the best server is site 0, and its RSRP is EIRP - loss - 27.78.
  const int c = static_cast<int>(std::lround(dem.grid().col_of(105.2))), row = static_cast<int>(std::lround(dem.grid().row_of(21.2)));
  const std::size_t k = static_cast<std::size_t>(row) * dem.grid().cols + c;
  EXPECT_EQ(comp.server[k], 0);
  EXPECT_GE(comp.n_servers[k], 1);
  p.threads = 1;
  const auto comp1 = coverage::best_server(dem, sites, p, -110);
  EXPECT_EQ(comp.server, comp1.server);
  EXPECT_EQ(0, std::memcmp(comp.best_rsrp_dbm.data(), comp1.best_rsrp_dbm.data(), comp.best_rsrp_dbm.size() * 4));
}

TEST(Raster, P1812RasterAgreesWithPointToPoint) {
  // Cells against P.1812 on each cell's own exact profile (evaluate_link with model p1812).
  const auto& dem = tile();
  Site s = site_at(105.3, 21.3);
  s.freq_mhz = 900;
  coverage::RasterParams p;
  p.model = coverage::RasterModel::p1812;
  p.radius_km = 4;
  const auto r = coverage::site_raster(dem, s, p);
  coverage::CoverageParams cp;
  cp.model = radio::PathModel::p1812;
  std::mt19937 rng(5);
  std::vector<double> diffs;
  for (int t = 0; t < 200 && diffs.size() < 60; ++t) {
    const int c = std::uniform_int_distribution<int>(0, r.grid.cols - 1)(rng);
    const int row = std::uniform_int_distribution<int>(0, r.grid.rows - 1)(rng);
    const float v = r.values[static_cast<std::size_t>(row) * r.grid.cols + c];
    if (!std::isfinite(v)) continue;
    const auto l = coverage::evaluate_link(dem, s, r.grid.x_of(c), r.grid.y_of(row), cp);
    if (l.distance_km < 0.5) continue;
    diffs.push_back(std::abs(v - l.loss_db));
  }
  ASSERT_GT(diffs.size(), 30u);
  std::sort(diffs.begin(), diffs.end());
  std::cout << "[raster p1812 vs exact] median |diff| " << diffs[diffs.size() / 2] << " dB\n";
  EXPECT_LT(diffs[diffs.size() / 2], 2.0);
}
