// Coverage rasters: the incremental sweep against the exact per-cell profile, thread-count
// determinism, nodata handling, and the composite.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>

#include "common/fastmath.hpp"
#include "coverage/p526_sweep.hpp"
#include "phusong/coverage.hpp"
#include "phusong/radio.hpp"
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

TEST(RasterKernels, FastAtan2AgreesWithLibm) {
  std::mt19937 rng(5);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  double worst_atan = 0;
  for (int i = 0; i < 200000; ++i) {
    const double a = u(rng) * std::pow(10.0, 3 * u(rng)), b = u(rng) * std::pow(10.0, 3 * u(rng));
    worst_atan = std::max(worst_atan, std::abs(phusong::detail::fast_atan2(a, b) - std::atan2(a, b)));
  }
  EXPECT_LT(worst_atan, 1e-10);  // radians
  EXPECT_EQ(phusong::detail::fast_atan2(0.0, 0.0), 0.0);
  EXPECT_DOUBLE_EQ(phusong::detail::fast_atan2(0.0, -1.0), std::atan2(0.0, -1.0));
}

// Distance in units in the last place between two finite doubles of the same sign.
static std::int64_t ulps_apart(double a, double b) {
  std::int64_t x, y;
  std::memcpy(&x, &a, sizeof x);
  std::memcpy(&y, &b, sizeof y);
  return x > y ? x - y : y - x;
}

TEST(RasterKernels, FastCbrtAndLog10AgreeWithLibm) {
  std::mt19937 rng(9);
  std::uniform_real_distribution<double> e(-300.0, 300.0), u(0.5, 1.5);
  std::int64_t worst_cbrt = 0, worst_log = 0;
  for (int i = 0; i < 400000; ++i) {
    const double x = std::pow(10.0, e(rng)) * u(rng);
    worst_cbrt = std::max(worst_cbrt, ulps_apart(phusong::detail::cbrt(x), std::cbrt(x)));
    worst_log = std::max(worst_log, ulps_apart(phusong::detail::log10(x), std::log10(x)));
  }
  for (double x = 0.9; x < 1.1; x += 1.3e-6)  // results near zero
    worst_log = std::max(worst_log, ulps_apart(phusong::detail::log10(x), std::log10(x)));
  EXPECT_LE(worst_cbrt, 3);
  EXPECT_LE(worst_log, 2);
  // Outside the fast path: libm's own values.
  for (double x : {0.0, -8.0, 1e-310, std::numeric_limits<double>::infinity()})
    EXPECT_EQ(phusong::detail::cbrt(x), std::cbrt(x));
  EXPECT_TRUE(std::isnan(phusong::detail::cbrt(std::numeric_limits<double>::quiet_NaN())));
  EXPECT_EQ(phusong::detail::cbrt(27.0), 3.0);
}

TEST(RasterKernels, KnifeEdgeTableAgreesWithTheFormula) {
  const auto& t = coverage::sweep::KnifeEdgeTable::get();
  double worst = 0;
  for (double nu = -1.0; nu < 60.0; nu += 0.000731) {
    for (double d : {0.1, 30.0}) {
      const double j = radio::knife_edge_loss_db(nu);
      const double exact = j + (1.0 - std::exp(-j / 6.0)) * (10.0 + 0.02 * d);  // P.452 eq. (22)
      worst = std::max(worst, std::abs(t.lbull_db(nu, d) - exact));
    }
  }
  EXPECT_LT(worst, 1e-4);
}

// The smooth-earth correction table against the exact term max(Lsph - Lbs, 0) at random path
// lengths and heights (log-uniform): the interpolation error is reported and bounded.
TEST(RasterKernels, SmoothCorrectionTableAgreesWithExact) {
  for (double f : {900.0, 1800.0, 3500.0}) {
    const double s_km = 0.03;
    coverage::sweep::SmoothCorrectionTable table(f, 4.0 / 3.0, s_km, 30.0, 1.5);
    std::mt19937 rng(9);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::vector<double> err;
    double mean_corr = 0;
    for (int i = 0; i < 20000; ++i) {
      const int k = 8 + static_cast<int>(u(rng) * 990);
      const double a = 10.0 * std::pow(100.0, u(rng)), b = 1.5 * std::pow(500.0, u(rng));
      const double exact = table.terms().correction_db(k, a, b);
      err.push_back(std::abs(table.correction_db(k * s_km, a, b) - exact));
      mean_corr += exact / 20000;
    }
    std::sort(err.begin(), err.end());
    const double med = err[err.size() / 2], p99 = err[err.size() * 99 / 100], mx = err.back();
    std::cout << "[correction table " << f << " MHz] mean correction " << mean_corr << " dB; |table - exact| median "
              << med << ", p99 " << p99 << ", max " << mx << " dB\n";
    EXPECT_LT(med, 0.01);
    EXPECT_LT(p99, 0.05);
    EXPECT_LT(mx, 0.3);
  }
}

// The sweep on every prefix of a real terrain profile against the exact delta-Bullington of that
// prefix (radio::delta_bullington, validated against the ITU-R examples) plus free space: only
// the tables above separate them.
TEST(RasterKernels, P526SweepAgreesWithDeltaBullingtonOnEachPrefix) {
  const auto& dem = tile();
  const double s_km = 0.09, freq = 1800, tx_h = 35, rx_h = 1.5, k_factor = 4.0 / 3.0;
  coverage::sweep::SmoothCorrectionTable table(freq, k_factor, s_km, 30.0, rx_h);
  std::vector<double> fs_db(300);
  coverage::sweep::P526Site site = coverage::sweep::make_p526_site(s_km, 0, rx_h, k_factor, freq, &table, fs_db);
  double worst = 0, sum = 0;
  int n = 0;
  for (double az : {0.3, 2.0, 4.1}) {  // three rays from a hill-side site
    std::vector<double> d_km, h_m;
    for (int k = 0; k < 300; ++k) {
      const double dist = k * s_km;
      const double lat = 21.3 + dist * std::cos(az) / 111.0, lon = 105.4 + dist * std::sin(az) / (111.0 * 0.93);
      d_km.push_back(dist);
      h_m.push_back(dem.elevation_at_lonlat_m(lon, lat));
    }
    site.hts = h_m[0] + tx_h;
    coverage::sweep::HullHistory history(300);
    coverage::sweep::P526State st;
    st.hull_u.history = &history;
    for (int k = 0; k < 300; ++k) {
      const float v = coverage::sweep::p526_step(site, st, h_m[k], true);
      if (k < 3) continue;
      const std::vector<double> dd(d_km.begin(), d_km.begin() + k + 1), hh(h_m.begin(), h_m.begin() + k + 1);
      const double hrs = h_m[k] + rx_h;
      const auto db = radio::delta_bullington(dd, hh, site.hts, hrs, freq, k_factor * 6371.0,
                                              radio::Polarization::vertical);
      const double exact = radio::free_space_3d_db(d_km[k], hrs - site.hts, freq) + db.ld_db;
      worst = std::max(worst, std::abs(v - exact));
      sum += std::abs(v - exact);
      ++n;
    }
  }
  std::cout << "[p526 sweep vs delta_bullington per prefix] n=" << n << " mean |diff| " << sum / n << " dB, max "
            << worst << " dB\n";
  EXPECT_LT(sum / n, 0.02);
  EXPECT_LT(worst, 0.3);
}

// |raster - exact link| at random cells of r at least 0.5 km from the site, sorted: from `tries`
// draws with `seed`, stopping at `wanted` cells.
static std::vector<double> diffs_to_exact(const terrain::Dem& dem, const Site& s, const coverage::SiteRaster& r,
                                          const coverage::CoverageParams& cp, unsigned seed, int tries,
                                          std::size_t wanted = std::numeric_limits<std::size_t>::max()) {
  std::mt19937 rng(seed);
  std::vector<double> diffs;
  for (int t = 0; t < tries && diffs.size() < wanted; ++t) {
    const int c = std::uniform_int_distribution<int>(0, r.grid.cols - 1)(rng);
    const int row = std::uniform_int_distribution<int>(0, r.grid.rows - 1)(rng);
    const float v = r.values[static_cast<std::size_t>(row) * r.grid.cols + c];
    if (std::isnan(v)) continue;
    const auto l = coverage::evaluate_link(dem, s, r.grid.x_of(c), r.grid.y_of(row), cp);
    if (l.distance_km < 0.5) continue;
    diffs.push_back(std::abs(v - l.loss_db));
  }
  std::sort(diffs.begin(), diffs.end());
  return diffs;
}

TEST(Raster, P526SweepAgreesWithExactProfiles) {
  const auto& dem = tile();
  const Site s = site_at(105.25, 21.2);  // hills of Thanh Sơn
  coverage::RasterParams p;
  p.radius_km = 15;
  const auto r = coverage::site_raster(dem, s, p);
  coverage::CoverageParams cp;
  cp.rx_height_m = p.rx_height_m;
  const auto diffs = diffs_to_exact(dem, s, r, cp, 11, 300);
  ASSERT_GT(diffs.size(), 150u);
  const double median = diffs[diffs.size() / 2], p90 = diffs[diffs.size() * 9 / 10];
  std::cout << "[raster p526 vs exact] n=" << diffs.size() << " median |diff| " << median << " dB, p90 " << p90
            << " dB, max " << diffs.back() << " dB\n";
  EXPECT_LT(median, 1.5);
  EXPECT_LT(p90, 6.0);
}

// Rays up to 1.5 cells apart (ray_gap_m), sampled every cell along: still close to each cell's
// exact profile; a negative gap is an input error naming the parameter.
TEST(Raster, WiderRayGapStaysNearExactProfiles) {
  const auto& dem = tile();
  const Site s = site_at(105.25, 21.2);
  coverage::RasterParams p;
  p.radius_km = 15;
  p.ray_gap_m = 1.5 * 86.0;
  const auto r = coverage::site_raster(dem, s, p);
  const auto diffs = diffs_to_exact(dem, s, r, coverage::CoverageParams{}, 11, 300);
  ASSERT_GT(diffs.size(), 150u);
  std::cout << "[raster p526, rays 1.5 cells apart, vs exact] median |diff| " << diffs[diffs.size() / 2]
            << " dB, p90 " << diffs[diffs.size() * 9 / 10] << " dB\n";
  EXPECT_LT(diffs[diffs.size() / 2], 1.5);
  EXPECT_LT(diffs[diffs.size() * 9 / 10], 6.0);
  p.ray_gap_m = -1;
  phusong::test::expect_throws_mentioning<InputError>([&] { coverage::site_raster(dem, s, p); }, {"ray_gap_m"});
}

TEST(Raster, SameForAnyThreadCount) {
  const auto& dem = tile();
  coverage::RasterParams p;
  p.radius_km = 8;
  for (auto model : {coverage::RasterModel::p526, coverage::RasterModel::los, coverage::RasterModel::itm}) {
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

// SINR of the composite worked from the sites' own rasters: at a cell both reach, S the better RSRP,
// I the other's (same frequency), N = kT x 15 kHz + 7 dB; SINR = S - 10 log10(load I + N); rate =
// TR 36.942's bound x 10 MHz x 2 layers x 0.75. Another frequency: no interference. Any thread count.
TEST(Raster, CompositeSinrWorkedFromTheSiteRasters) {
  const auto& dem = tile();
  std::vector<Site> sites{site_at(105.2, 21.2), site_at(105.24, 21.21)};
  sites[1].id = "T";
  coverage::RasterParams p;
  p.radius_km = 8;
  p.sinr = true;
  p.sinr_load = 0.5;
  const auto comp = coverage::best_server(dem, sites, p, -110);
  ASSERT_EQ(comp.sinr_db.size(), comp.best_rsrp_dbm.size());
  const auto a = coverage::site_raster(dem, sites[0], p);
  const auto b = coverage::site_raster(dem, sites[1], p);
  const double offset = 60.0 - 10.0 * std::log10(12.0 * 50);
  const double noise_dbm = -173.975 + 10.0 * std::log10(15e3) + 7.0;
  int checked = 0;
  for (int row = 0; row < dem.grid().rows; row += 13) {
    for (int col = 0; col < dem.grid().cols; col += 17) {
      const std::size_t k = static_cast<std::size_t>(row) * dem.grid().cols + col;
      auto value = [&](const coverage::SiteRaster& r) {
        const int rr = row - static_cast<int>(std::lround((r.grid.origin_y - dem.grid().origin_y) / dem.grid().dy));
        const int cc = col - static_cast<int>(std::lround((r.grid.origin_x - dem.grid().origin_x) / dem.grid().dx));
        if (rr < 0 || cc < 0 || rr >= r.grid.rows || cc >= r.grid.cols) return std::numeric_limits<double>::quiet_NaN();
        return static_cast<double>(r.values[static_cast<std::size_t>(rr) * r.grid.cols + cc]);
      };
      const double la = value(a), lb = value(b);
      if (std::isnan(la) || std::isnan(lb)) continue;
      const double ra = static_cast<float>(offset - la), rb = static_cast<float>(offset - lb);
      const double s = std::max(ra, rb), i = std::min(ra, rb);
      const double expect = s - 10.0 * std::log10(0.5 * std::pow(10.0, i / 10.0) + std::pow(10.0, noise_dbm / 10.0));
      EXPECT_NEAR(comp.sinr_db[k], expect, 1e-3) << row << "," << col;
      const double eff = std::clamp(0.6 * std::log2(1 + std::pow(10.0, expect / 10.0)), 0.0, 4.4);
      EXPECT_NEAR(comp.throughput_mbps[k], expect < -10 ? 0.0 : eff * 10 * 2 * 0.75, 1e-3);
      ++checked;
    }
  }
  EXPECT_GT(checked, 20);
  p.threads = 1;
  const auto one = coverage::best_server(dem, sites, p, -110);
  EXPECT_EQ(0, std::memcmp(comp.sinr_db.data(), one.sinr_db.data(), comp.sinr_db.size() * 4));
  sites[1].freq_mhz = 900;  // no longer co-channel: SINR = SNR where site 0 serves
  const auto apart = coverage::best_server(dem, sites, p, -110);
  for (std::size_t k = 0; k < apart.server.size(); k += 997)
    if (apart.server[k] == 0)
      EXPECT_NEAR(apart.sinr_db[k], apart.best_rsrp_dbm[k] - noise_dbm, 1e-3);
  p.sinr_load = 2;
  EXPECT_THROW(coverage::best_server(dem, sites, p, -110), InputError);
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
  const auto diffs = diffs_to_exact(dem, s, r, cp, 5, 200, 60);
  ASSERT_GT(diffs.size(), 30u);
  std::cout << "[raster p1812 vs exact] median |diff| " << diffs[diffs.size() / 2] << " dB\n";
  EXPECT_LT(diffs[diffs.size() / 2], 2.0);
}

// ITM rasters take each cell's nearest ray sample (point sampling, see raster.cpp's rasterize):
// against ITM on each cell's own exact profile (evaluate_link with model itm, i.e. itm_p2p_tls,
// which matches NTIA's library), exact and with Delta h at anchors.
TEST(Raster, ItmRasterAgreesWithPointToPoint) {
  const auto& dem = tile();
  Site s = site_at(105.25, 21.2);
  s.freq_mhz = 900;
  coverage::RasterParams p;
  p.model = coverage::RasterModel::itm;
  p.radius_km = 15;
  coverage::CoverageParams cp;
  cp.model = radio::PathModel::itm;
  for (int anchors : {0, 16}) {
    p.itm_dh_anchor_spacing = anchors;
    p.itm_dh_rel_tolerance = 0.2;
    const auto r = coverage::site_raster(dem, s, p);
    const auto diffs = diffs_to_exact(dem, s, r, cp, 7, 400, 200);
    ASSERT_GT(diffs.size(), 150u);
    const double median = diffs[diffs.size() / 2], p90 = diffs[diffs.size() * 9 / 10];
    std::cout << "[raster itm (anchors " << anchors << ") vs exact] median |diff| " << median << " dB, p90 " << p90
              << " dB\n";
    EXPECT_LT(median, 1.5);
    EXPECT_LT(p90, 8.0);
  }
}

// The ITM raster's options are checked before any work, errors naming the parameter and value.
TEST(Raster, BadItmOptionsAreInputErrors) {
  const auto& dem = tile();
  coverage::RasterParams p;
  p.model = coverage::RasterModel::itm;
  p.radius_km = 2;
  p.itm_dh_anchor_spacing = 16;
  p.itm_dh_rel_tolerance = -0.1;
  phusong::test::expect_throws_mentioning<InputError>([&] { coverage::site_raster(dem, site_at(105.3, 21.3), p); },
                                               {"itm_dh_rel_tolerance must be >= 0, got -0.1"});
  p.itm_dh_rel_tolerance = 0.2;
  p.itm_dh_anchor_spacing = -4;
  phusong::test::expect_throws_mentioning<InputError>([&] { coverage::site_raster(dem, site_at(105.3, 21.3), p); },
                                               {"itm_dh_anchor_spacing must be >= 0, got -4"});
}

// Near the DEM's edge every cell with terrain gets a value: a cell whose nearest sample lies
// beyond the edge takes its ray's last sample on the DEM.
TEST(Raster, PointSampledRasterCoversEveryCellUpToTheDemEdge) {
  const auto& dem = tile();
  const auto& g = dem.grid();
  Site s = site_at(g.x_of(12), g.y_of(g.rows / 2));  // 12 cells from the west edge
  coverage::RasterParams p;
  p.model = coverage::RasterModel::itm;
  p.radius_km = 3;
  const auto r = coverage::site_raster(dem, s, p);
  const double c0 = r.grid.col_of(s.lon), r0 = r.grid.row_of(s.lat);
  int inside = 0, missing = 0;
  for (int row = 0; row < r.grid.rows; ++row)
    for (int c = 0; c < r.grid.cols; ++c) {
      const double de = (c - c0) * 86.8, dn = (row - r0) * 92.6;  // metres at 21.5 N, approximately
      if (std::hypot(de, dn) > 2800.0) continue;                   // well inside the radius
      const int dc = c + static_cast<int>(std::lround((r.grid.origin_x - g.origin_x) / g.dx));
      const int dr = row + static_cast<int>(std::lround((r.grid.origin_y - g.origin_y) / g.dy));
      if (std::isnan(dem.cell(dc, dr))) continue;
      ++inside;
      missing += std::isfinite(r.values[static_cast<std::size_t>(row) * r.grid.cols + c]) ? 0 : 1;
    }
  EXPECT_GT(inside, 1000);
  EXPECT_EQ(missing, 0);
}

// ---------------------------------------------------------------------------------------------
// Issue 11: requests checked before any work or allocation.

namespace {
template <class F>
std::string input_error_of(F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}
}  // namespace

TEST(RasterLimits, AbsurdRadiusOrSpacingIsRefusedUpFront) {
  phusong::test::ScopedEnv unset("PHUSONG_MAX_MEMORY_GB", nullptr);
  const Site s = site_at(105.5, 21.5);
  int calls = 0;
  const ProgressFn progress = [&](std::size_t, std::size_t) { ++calls; };
  for (auto model : {coverage::RasterModel::los, coverage::RasterModel::p526, coverage::RasterModel::itm}) {
    coverage::RasterParams p;
    p.model = model;
    for (double r : {1e6, 501.0, std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN()}) {
      p.radius_km = r;
      const auto e = input_error_of([&] { coverage::site_raster(tile(), s, p, progress); });
      EXPECT_NE(e.find("raster: radius_km"), std::string::npos) << r << ": " << e;
      EXPECT_NE(input_error_of([&] { coverage::best_server(tile(), {s}, p, -110, progress); }), "(no error)");
    }
    p.radius_km = 5;
    p.ray_spacing_m = 0.01;
    EXPECT_EQ(input_error_of([&] { coverage::site_raster(tile(), s, p, progress); }),
              "raster: ray_spacing_m is 0.01 m: finer than any DEM (expected 0 (the DEM cell size) or ray_spacing_m ≥ 1 "
              "m; fix: give the spacing in metres, e.g. 30, or 0)");
    p.ray_spacing_m = 0;
    p.ray_gap_m = std::numeric_limits<double>::infinity();
    EXPECT_NE(input_error_of([&] { coverage::site_raster(tile(), s, p, progress); }).find("raster: ray_gap_m is inf m"),
              std::string::npos);
  }
  // 400 km sampled every metre: terabytes, refused by the estimate before anything is allocated
  // (an attempt would throw std::bad_alloc or run for hours).
  coverage::RasterParams p;
  p.radius_km = 400;
  p.ray_spacing_m = 1;
  const auto e = input_error_of([&] { coverage::site_raster(tile(), s, p, progress); });
  EXPECT_NE(e.find("the p526 raster of site 'S' (radius 400 km, 1201 x 1201 cells) needs about "), std::string::npos) << e;
  EXPECT_NE(e.find("GB of memory, more than the limit of"), std::string::npos) << e;
  EXPECT_NE(e.find("(half the physical memory); nothing was allocated; fix: use a smaller radius_km or a coarser "
                   "resolution_m (resample the DEM) or a larger ray_spacing_m, or raise the limit with "
                   "PHUSONG_MAX_MEMORY_GB=N (GB)"),
            std::string::npos)
      << e;
  EXPECT_EQ(calls, 0);
}

TEST(RasterLimits, MemoryIsEstimatedBeforeAllocating) {
  const Site s = site_at(105.5, 21.5);
  int calls = 0;
  const ProgressFn progress = [&](std::size_t, std::size_t) { ++calls; };
  coverage::RasterParams p;
  p.radius_km = 60;  // about 1200 x 1200 cells of 90 m, and 4400 rays of 700 samples: ~0.02 GB
  p.threads = 1;
  {
    phusong::test::ScopedEnv small("PHUSONG_MAX_MEMORY_GB", "0.01");
    for (auto model : {coverage::RasterModel::los, coverage::RasterModel::p526, coverage::RasterModel::itm,
                       coverage::RasterModel::p1812}) {
      p.model = model;
      const auto e = input_error_of([&] { coverage::site_raster(tile(), s, p, progress); });
      EXPECT_NE(e.find("GB of memory, more than the limit of 0.01 GB (set by PHUSONG_MAX_MEMORY_GB)"), std::string::npos)
          << e;
    }
    // The composite alone (1201 x 1201 cells x 10 bytes = 0.014 GB) is over the limit.
    p.model = coverage::RasterModel::p526;
    p.radius_km = 3;
    const auto e = input_error_of([&] { coverage::best_server(tile(), {s, site_at(105.6, 21.6)}, p, -110, progress); });
    EXPECT_NE(e.find("the p526 best-server composite of 2 sites (1201 x 1201 cells, radius 3 km) needs about 0.0"),
              std::string::npos)
        << e;
    EXPECT_NE(e.find(", or fewer threads, or raise the limit with PHUSONG_MAX_MEMORY_GB"), std::string::npos) << e;
    // A small raster fits.
    EXPECT_NO_THROW(coverage::site_raster(tile(), s, p));
  }
  EXPECT_EQ(calls, 0);
  phusong::test::ScopedEnv enough("PHUSONG_MAX_MEMORY_GB", "1");
  p.radius_km = 3;
  EXPECT_NO_THROW(coverage::best_server(tile(), {s, site_at(105.6, 21.6)}, p, -110));
}

TEST(RasterLimits, SiteFrequencyIsCheckedAgainstTheModelUpFront) {
  int calls = 0;
  const ProgressFn progress = [&](std::size_t, std::size_t) { ++calls; };
  coverage::RasterParams p;
  p.radius_km = 3;
  Site s = site_at(105.5, 21.5);
  s.id = "T7";
  s.row = 7;
  s.freq_mhz = 100000;
  auto range_error = [&](auto&& f) -> std::string {
    try {
      f();
    } catch (const RangeError& e) {
      return e.what();
    }
    return "(no RangeError)";
  };
  EXPECT_EQ(range_error([&] { coverage::site_raster(tile(), s, p, progress); }),
            "site 'T7' (row 7): freq_mhz is 100000 MHz, outside the validity range of the p526 raster model (expected 30 "
            "≤ freq_mhz ≤ 50000 MHz; fix: correct the site's frequency or choose a model that covers it: p526 "
            "30-50000 MHz, itm 20-20000 MHz, p1812 30-6000 MHz)");
  p.model = coverage::RasterModel::itm;
  s.freq_mhz = 25000;
  EXPECT_NE(range_error([&] { coverage::site_raster(tile(), s, p, progress); })
                .find("freq_mhz is 25000 MHz, outside the validity range of the itm raster model (expected 20 ≤ "
                      "freq_mhz ≤ 20000 MHz"),
            std::string::npos);
  p.model = coverage::RasterModel::p1812;
  s.freq_mhz = 7000;
  EXPECT_NE(range_error([&] { coverage::site_raster(tile(), s, p, progress); }).find("p1812 raster model (expected 30 ≤"),
            std::string::npos);
  // best_server: the second site's frequency, before any site is computed.
  p.model = coverage::RasterModel::p526;
  s.freq_mhz = 100000;
  Site good = site_at(105.6, 21.6);
  EXPECT_NE(range_error([&] { coverage::best_server(tile(), {good, s}, p, -110, progress); }).find("site 'T7' (row 7)"),
            std::string::npos);
  EXPECT_EQ(calls, 0);
  // Line of sight does not depend on the frequency.
  p.model = coverage::RasterModel::los;
  s.freq_mhz = 100000;
  EXPECT_NO_THROW(coverage::site_raster(tile(), s, p));
}

// Scale-out (issue 17): a composite computed tile by tile, each tile on a DEM window read from the
// file (the tile plus two radii) with only the sites that reach it, equals the whole composite bit
// for bit; so does a site raster on a window holding its disc, and composites of site batches
// merged by the best-RSRP rule.
namespace {
terrain::CellWindow padded(const terrain::CellWindow& w, int pad, const terrain::Grid& g) {
  terrain::CellWindow o;
  o.col_off = std::max(0, w.col_off - pad);
  o.row_off = std::max(0, w.row_off - pad);
  o.cols = std::min(g.cols, w.col_off + w.cols + pad) - o.col_off;
  o.rows = std::min(g.rows, w.row_off + w.rows + pad) - o.row_off;
  return o;
}
}  // namespace

TEST(Raster, SiteRasterOnAWindowedDemEqualsTheWhole) {
  const auto& dem = tile();
  const std::string path = test::data_path("dem/N21E105.hgt");
  for (auto model : {coverage::RasterModel::p526, coverage::RasterModel::los, coverage::RasterModel::itm}) {
    coverage::RasterParams p;
    p.model = model;
    p.radius_km = 6;
    const Site s = site_at(105.41, 21.37);
    const auto whole = coverage::site_raster(dem, s, p);
    // The disc's window and one cell more: all the raster reads.
    const int c = static_cast<int>(std::lround((whole.grid.origin_x - dem.grid().origin_x) / dem.grid().dx));
    const int r = static_cast<int>(std::lround((whole.grid.origin_y - dem.grid().origin_y) / dem.grid().dy));
    const terrain::Dem win =
        terrain::Dem::open({path}, padded({c, r, whole.grid.cols, whole.grid.rows}, 2, dem.grid()));
    EXPECT_LT(win.heights_m().size(), dem.heights_m().size() / 10);
    const auto part = coverage::site_raster(win, s, p);
    ASSERT_EQ(part.values.size(), whole.values.size());
    EXPECT_EQ(part.grid.origin_x, whole.grid.origin_x);
    EXPECT_EQ(0, std::memcmp(part.values.data(), whole.values.data(), whole.values.size() * sizeof(float)))
        << coverage::to_string(model);
  }
}

TEST(Raster, CompositeTiledOnWindowedDemsEqualsTheWhole) {
  const auto& dem = tile();
  const std::string path = test::data_path("dem/N21E105.hgt");
  const terrain::Grid& g = dem.grid();
  std::vector<Site> sites;
  for (int i = 0; i < 9; ++i) {
    sites.push_back(site_at(105.15 + 0.09 * (i % 3) + 0.01 * i, 21.12 + 0.08 * (i / 3)));
    sites.back().id = "S" + std::to_string(i);
    sites.back().freq_mhz = i % 4 == 3 ? 900 : 1800;
  }
  for (bool sinr : {false, true}) {
    coverage::RasterParams p;
    p.radius_km = 5;
    p.sinr = sinr;
    // The area the sites reach, split into 2 x 3 tiles.
    const terrain::CellWindow area = terrain::cells_within(g, 105.08, 21.05, 105.46, 21.35);
    const auto full = coverage::best_server(dem, sites, p, -110, {}, area);
    const double cell_m = 30.0;  // 1" cells: ~31 m north-south, ~29 m east-west
    const int reach = static_cast<int>(std::ceil(p.radius_km * 1000.0 / (cell_m * 0.9)));
    int tiles_checked = 0;
    for (int ty = 0; ty < 2; ++ty)
      for (int tx = 0; tx < 3; ++tx) {
        terrain::CellWindow t;
        t.col_off = area.col_off + tx * area.cols / 3;
        t.row_off = area.row_off + ty * area.rows / 2;
        t.cols = area.col_off + (tx + 1) * area.cols / 3 - t.col_off;
        t.rows = area.row_off + (ty + 1) * area.rows / 2 - t.row_off;
        // Sites within the radius of the tile (by cells), in their global order.
        std::vector<Site> near;
        std::vector<int> index;
        for (int s = 0; s < static_cast<int>(sites.size()); ++s) {
          const double c = g.col_of(sites[s].lon), r = g.row_of(sites[s].lat);
          if (c >= t.col_off - reach && c <= t.col_off + t.cols + reach && r >= t.row_off - reach &&
              r <= t.row_off + t.rows + reach) {
            near.push_back(sites[s]);
            index.push_back(s);
          }
        }
        const terrain::Dem win = terrain::Dem::open({path}, padded(t, 2 * reach + 2, g));
        const auto part = coverage::best_server(win, near, p, -110, {}, t);
        ASSERT_EQ(part.grid.cols, t.cols);
        for (int rr = 0; rr < t.rows; ++rr)
          for (int cc = 0; cc < t.cols; ++cc) {
            const std::size_t k = static_cast<std::size_t>(rr) * t.cols + cc;
            const std::size_t kf = static_cast<std::size_t>(t.row_off - area.row_off + rr) * area.cols +
                                   (t.col_off - area.col_off + cc);
            const float a = part.best_rsrp_dbm[k], b = full.best_rsrp_dbm[kf];
            ASSERT_TRUE((std::isnan(a) && std::isnan(b)) || a == b) << rr << "," << cc << ": " << a << " vs " << b;
            ASSERT_EQ(part.server[k] < 0 ? -1 : index[static_cast<std::size_t>(part.server[k])], full.server[kf]);
            ASSERT_EQ(part.n_servers[k], full.n_servers[kf]);
            if (sinr) {
              const float sa = part.sinr_db[k], sb = full.sinr_db[kf];
              ASSERT_TRUE((std::isnan(sa) && std::isnan(sb)) || sa == sb) << rr << "," << cc;
            }
          }
        ++tiles_checked;
      }
    EXPECT_EQ(tiles_checked, 6);
  }
  // Site batches on one window merge to the whole: best RSRP, ties to the lower index, counts summed.
  coverage::RasterParams p;
  p.radius_km = 5;
  const terrain::CellWindow area = terrain::cells_within(g, 105.08, 21.05, 105.46, 21.35);
  const auto full = coverage::best_server(dem, sites, p, -110, {}, area);
  const std::vector<Site> first(sites.begin(), sites.begin() + 4), second(sites.begin() + 4, sites.end());
  const auto a = coverage::best_server(dem, first, p, -110, {}, area);
  const auto b = coverage::best_server(dem, second, p, -110, {}, area);
  for (std::size_t k = 0; k < full.server.size(); ++k) {
    const bool take_b = !std::isnan(b.best_rsrp_dbm[k]) && (std::isnan(a.best_rsrp_dbm[k]) || b.best_rsrp_dbm[k] > a.best_rsrp_dbm[k]);
    ASSERT_EQ(take_b ? b.server[k] + 4 : a.server[k], full.server[k]) << k;
    ASSERT_EQ(a.n_servers[k] + b.n_servers[k], full.n_servers[k]);
  }
  // A window outside the grid is refused.
  EXPECT_THROW(coverage::best_server(dem, sites, p, -110, {}, {g.cols - 5, 0, 10, 10}), InputError);
}
