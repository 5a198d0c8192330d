// Village coverage (coverage::evaluate_villages): links, best server, radius, threads, errors,
// antennas and clutter.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "phusong/coverage.hpp"
#include "phusong/error.hpp"
#include "test_support.hpp"

using namespace phusong;

namespace {
terrain::Dem flat_dem(float h) {
  terrain::Grid g;
  g.origin_x = 105.0;
  g.origin_y = 22.0;
  g.dx = 1.0 / 1200;
  g.dy = -1.0 / 1200;
  g.cols = 600;
  g.rows = 600;
  return terrain::Dem(g, std::vector<float>(600 * 600, h), "");
}
Site site(const std::string& id, double lon, double lat) {
  Site s;
  s.id = id;
  s.lon = lon;
  s.lat = lat;
  s.height_m = 30;
  s.freq_mhz = 1800;
  s.eirp_dbm = 60;
  s.bandwidth_mhz = 10;
  return s;
}
Village village(const std::string& id, double lon, double lat) {
  Village v;
  v.id = id;
  v.lon = lon;
  v.lat = lat;
  v.population = 100;
  return v;
}
}  // namespace

TEST(Coverage, FlatEarthShortPathIsFreeSpaceRsrp) {
  auto dem = flat_dem(200);
  std::vector<Site> sites{site("A", 105.1, 21.9)};
  std::vector<Village> vs{village("V1", 105.12, 21.9), village("V2", 105.45, 21.6)};
  coverage::CoverageParams p;
  p.radius_km = 20;
  auto r = coverage::evaluate_villages(dem, vs, sites, p);
  ASSERT_EQ(r.links.size(), 1u);  // V2 is ~50 km away: out of range
  const auto& l = r.links[0];
  // 2.08 km at 1800 MHz with 28.5 m height difference: free space, RSRP = 60 - L - 27.78.
  const double d_km = std::hypot(l.distance_km * 1000, 28.5) / 1000;
  const double fs = 32.45 + 20 * std::log10(1800.0) + 20 * std::log10(d_km);
  EXPECT_NEAR(l.loss_db, fs, 0.5);
  EXPECT_NEAR(l.rsrp_dbm, 60 - l.loss_db - 10 * std::log10(600.0), 1e-9);
  EXPECT_TRUE(r.covered[0]);
  EXPECT_FALSE(r.covered[1]);
  EXPECT_EQ(r.best_site[1], -1);
  EXPECT_TRUE(std::isinf(r.best_rsrp_dbm[1]));
}

TEST(Coverage, OutsideDemIsAnError) {
  auto dem = flat_dem(0);
  std::vector<Site> sites{site("A", 105.1, 21.9)};
  std::vector<Village> vs{village("FAR", 107.0, 21.0)};
  phusong::test::expect_throws_mentioning<InputError>([&] { coverage::evaluate_villages(dem, vs, sites, {}); }, {"FAR"});
}

TEST(Coverage, SameResultForAnyThreadCount) {
  auto dem = terrain::Dem::open({test::data_path("dem/N21E105.hgt")});
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> u(0.02, 0.98);
  std::vector<Site> sites;
  std::vector<Village> vs;
  for (int i = 0; i < 12; ++i) sites.push_back(site("S" + std::to_string(i), 105 + u(rng) * 0.5, 21 + u(rng) * 0.5));
  for (int i = 0; i < 40; ++i) vs.push_back(village("V" + std::to_string(i), 105 + u(rng) * 0.5, 21 + u(rng) * 0.5));
  coverage::CoverageParams p;
  p.radius_km = 15;
  p.threads = 1;
  auto a = coverage::evaluate_villages(dem, vs, sites, p);
  p.threads = 2;
  auto b = coverage::evaluate_villages(dem, vs, sites, p);
  p.threads = 5;
  std::size_t calls = 0;
  auto c = coverage::evaluate_villages(dem, vs, sites, p, [&](std::size_t done, std::size_t total) {
    ++calls;
    EXPECT_LE(done, total);
  });
  EXPECT_GT(calls, 0u);
  ASSERT_GT(a.links.size(), 10u);
  ASSERT_EQ(a.links.size(), b.links.size());
  ASSERT_EQ(a.links.size(), c.links.size());
  for (std::size_t i = 0; i < a.links.size(); ++i) {
    EXPECT_EQ(a.links[i].site, b.links[i].site);
    EXPECT_EQ(a.links[i].rsrp_dbm, b.links[i].rsrp_dbm);  // bit-identical
    EXPECT_EQ(a.links[i].rsrp_dbm, c.links[i].rsrp_dbm);
  }
  EXPECT_EQ(a.best_site, c.best_site);
}

TEST(Coverage, SectorAntennaAttenuatesOffBoresight) {
  // 3GPP sector (TR 36.814: phi3dB 65 deg, theta3dB 10 deg, Am 30 dB) pointing south; the village
  // is due east, 2.08 km away, 28.5 m below the antenna. By hand:
  //   A_H = 12 (90/65)^2 = 23.006 dB;  elevation = atan(-28.5/2080) - d/(2 a_e) = -0.792 deg,
  //   A_V = 12 (0.792/10)^2 = 0.075 dB;  A = min(A_H + A_V, 30) = 23.08 dB.
  auto dem = flat_dem(200);
  Site omni = site("A", 105.1, 21.9);
  Site sector = omni;
  sector.antenna = std::make_shared<radio::AntennaPattern>(radio::AntennaPattern::sector_3gpp({}, 180.0));
  std::vector<Village> vs{village("V1", 105.12, 21.9)};
  coverage::CoverageParams p;
  const auto a = coverage::evaluate_villages(dem, vs, {omni}, p);
  const auto b = coverage::evaluate_villages(dem, vs, {sector}, p);
  EXPECT_NEAR(b.links[0].antenna_attenuation_db, 23.08, 0.02);
  EXPECT_NEAR(a.links[0].rsrp_dbm - b.links[0].rsrp_dbm, 23.08, 0.02);
  EXPECT_DOUBLE_EQ(a.links[0].loss_db, b.links[0].loss_db);
  // Pointing at the village: no attenuation but the small vertical one.
  sector.antenna = std::make_shared<radio::AntennaPattern>(radio::AntennaPattern::sector_3gpp({}, 90.0));
  const auto c = coverage::evaluate_villages(dem, vs, {sector}, p);
  EXPECT_NEAR(c.links[0].antenna_attenuation_db, 0.075, 0.01);
}

TEST(Coverage, ReceiverClutterLossFromARaster) {
  // Land cover class 50 (ESA WorldCover built-up -> suburban, R = 10 m) at the village; P.2108
  // §3.1 by hand at 1800 MHz, h = 1.5 m, ws = 27 m:
  //   Knu = 0.342 sqrt(1.8) = 0.4588; hdif = 8.5 m; theta = atan(8.5/27) = 17.48 deg;
  //   nu = Knu sqrt(hdif theta) = 5.593; J(nu) = 6.9 + 20 log10(sqrt(5.493^2 + 1) + 5.493) = 27.79;
  //   Ah = J(nu) - 6.03 = 21.76 dB, added to the loss computed to R = 10 m.
  auto dem = flat_dem(200);
  terrain::Grid g = dem.grid();
  auto clutter = std::make_shared<terrain::Dem>(g, std::vector<float>(600 * 600, 50.0f), "");
  std::vector<Site> sites{site("A", 105.1, 21.9)};
  std::vector<Village> vs{village("V1", 105.12, 21.9)};
  coverage::CoverageParams p;
  p.clutter = clutter;
  p.clutter_table = std::make_shared<radio::ClutterTable>(radio::ClutterTable::esa_worldcover());
  const auto r = coverage::evaluate_villages(dem, vs, sites, p);
  EXPECT_NEAR(r.links[0].clutter_loss_db, 21.76, 0.05);
  coverage::CoverageParams at10;
  at10.rx_height_m = 10;
  const auto bare = coverage::evaluate_villages(dem, vs, sites, at10);
  EXPECT_NEAR(r.links[0].loss_db, bare.links[0].loss_db + r.links[0].clutter_loss_db, 1e-9);
  // A class missing from the table is an error naming it.
  auto odd = std::make_shared<terrain::Dem>(g, std::vector<float>(600 * 600, 77.0f), "");
  p.clutter = odd;
  phusong::test::expect_throws_mentioning<InputError>([&] { coverage::evaluate_villages(dem, vs, sites, p); }, {"class 77"});
}
