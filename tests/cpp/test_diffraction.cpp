// Tests for phusong::radio delta-Bullington diffraction (P.526-15 / P.452-18 §4.2) against external
// oracle values (see oracles/SOURCES.md) plus invariants and argument validation.
//
// The oracle folder is taken from the environment variable PHUSONG_ORACLES, else "../shared/oracles"
// relative to the current working directory. A missing folder is a test FAILURE, not a skip.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "phusong/error.hpp"
#include "phusong/radio/diffraction.hpp"
#include "test_support.hpp"

namespace pr = phusong::radio;

namespace {

// ----------------------------------------------------------------------------------------------
// Oracle location and tiny CSV reader.

std::string oracle_dir() {
  if (const char* env = std::getenv("PHUSONG_ORACLES"); env != nullptr && *env != '\0') return env;
  return "../shared/oracles";
}

bool file_exists(const std::string& path) { return std::ifstream(path).good(); }

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

struct Csv {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::size_t col(const std::string& name) const {
    for (std::size_t i = 0; i < header.size(); ++i)
      if (header[i] == name) return i;
    throw std::runtime_error("column '" + name + "' not found");
  }
};

Csv read_csv(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  Csv csv;
  std::string line;
  bool first = true;
  while (std::getline(in, line)) {
    if (trim(line).empty()) continue;
    std::vector<std::string> cells;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) cells.push_back(trim(cell));
    if (!line.empty() && line.back() == ',') cells.emplace_back();
    if (first) {
      csv.header = cells;
      first = false;
    } else {
      csv.rows.push_back(cells);
    }
  }
  return csv;
}

double num(const std::string& s) { return std::stod(s); }

struct Profile {
  std::vector<double> d_km, h_m, clutter_m;
};

Profile read_profile(const std::string& path) {
  const Csv csv = read_csv(path);
  Profile p;
  for (const auto& r : csv.rows) {
    p.d_km.push_back(num(r.at(0)));
    p.h_m.push_back(num(r.at(1)));
    if (r.size() > 2) p.clutter_m.push_back(num(r.at(2)));
  }
  return p;
}

// Keeps the largest |deviation| seen and where.
struct MaxDev {
  double value = 0.0;
  std::string where;
  void add(double dev, const std::string& w) {
    if (std::fabs(dev) > value) {
      value = std::fabs(dev);
      where = w;
    }
  }
};

// A 300-point synthetic hilly profile used by invariants and the timing check.
Profile synthetic_profile(std::size_t n, double length_km) {
  Profile p;
  for (std::size_t i = 0; i < n; ++i) {
    const double d = length_km * static_cast<double>(i) / static_cast<double>(n - 1);
    p.d_km.push_back(d);
    p.h_m.push_back(300.0 + 120.0 * std::sin(d * 0.35) + 60.0 * std::sin(d * 1.7 + 0.4) + 0.8 * d);
  }
  return p;
}

}  // namespace

// ================================================================================================
// Oracle 1: ITU-R validation spreadsheet values for delta-Bullington (ae = 8500 km, horizontal).

TEST(DeltaBullingtonOracle, TwentyCases) {
  const std::string dir = oracle_dir() + "/delta_bullington";
  ASSERT_TRUE(file_exists(dir + "/expected.csv"))
      << "oracle folder missing: " << dir << " (set PHUSONG_ORACLES to the oracles folder)";
  const Csv exp = read_csv(dir + "/expected.csv");
  ASSERT_EQ(exp.rows.size(), 20u);

  std::map<std::string, Profile> profiles;
  MaxDev dev_h, dev_lba, dev_lbs, dev_lsph, dev_ld, dev_terms;
  int n_terms = 0;
  for (const auto& r : exp.rows) {
    const std::string id = "case " + r[exp.col("case")];
    const std::string file = r[exp.col("path_file")];
    if (!profiles.count(file)) {
      ASSERT_TRUE(file_exists(dir + "/test_paths/" + file)) << file;
      profiles[file] = read_profile(dir + "/test_paths/" + file);
    }
    const Profile& p = profiles[file];
    const double f_mhz = num(r[exp.col("freq_mhz")]);
    const double hts = p.h_m.front() + num(r[exp.col("hts_m_agl")]);
    const double hrs = p.h_m.back() + num(r[exp.col("hrs_m_agl")]);
    const double tol_h = num(r[exp.col("tol_heights_m")]);
    const double tol_db = num(r[exp.col("tol_loss_db")]);

    const pr::DeltaBullingtonResult res =
        pr::delta_bullington(p.d_km, p.h_m, hts, hrs, f_mhz, 8500.0, pr::Polarization::horizontal);

    const double e_htsp = num(r[exp.col("exp_htsp_m")]);
    const double e_hrsp = num(r[exp.col("exp_hrsp_m")]);
    // Heights do not depend on the speed of light: the stated 1e-6 m tolerance applies as is
    // (the expected values carry 7-10 significant digits; allow their last-digit rounding).
    const double tol_hts = std::max(tol_h, 1e-7 * std::fabs(e_htsp));
    const double tol_hrs = std::max(tol_h, 1e-7 * std::fabs(e_hrsp));
    EXPECT_NEAR(res.hts_smooth_m, e_htsp, tol_hts) << id;
    EXPECT_NEAR(res.hrs_smooth_m, e_hrsp, tol_hrs) << id;
    dev_h.add(res.hts_smooth_m - e_htsp, id + " htsp");
    dev_h.add(res.hrs_smooth_m - e_hrsp, id + " hrsp");

    const double e_lba = num(r[exp.col("exp_Lba_bullington_actual_db")]);
    const double e_lbs = num(r[exp.col("exp_Lbs_bullington_smooth_db")]);
    const double e_lsph = num(r[exp.col("exp_Lsph_spherical_earth_db")]);
    const double e_ld = num(r[exp.col("exp_Ld_delta_bullington_total_db")]);
    EXPECT_NEAR(res.lba_db, e_lba, tol_db) << id;
    EXPECT_NEAR(res.lbs_db, e_lbs, tol_db) << id;
    EXPECT_NEAR(res.lsph_db, e_lsph, tol_db) << id;
    EXPECT_NEAR(res.ld_db, e_ld, tol_db) << id;
    dev_lba.add(res.lba_db - e_lba, id);
    dev_lbs.add(res.lbs_db - e_lbs, id);
    dev_lsph.add(res.lsph_db - e_lsph, id);
    dev_ld.add(res.ld_db - e_ld, id);

    const std::string fx = r[exp.col("exp_Fx_db")];
    if (!fx.empty()) {
      ++n_terms;
      const double e_fx = num(fx);
      const double e_g1 = num(r[exp.col("exp_G_Y1_db")]);
      const double e_g2 = num(r[exp.col("exp_G_Y2_db")]);
      EXPECT_FALSE(res.sph_modified_radius) << id;
      EXPECT_NEAR(res.fx_db, e_fx, tol_db) << id;
      EXPECT_NEAR(res.g_y1_db, e_g1, tol_db) << id;
      EXPECT_NEAR(res.g_y2_db, e_g2, tol_db) << id;
      dev_terms.add(res.fx_db - e_fx, id + " Fx");
      dev_terms.add(res.g_y1_db - e_g1, id + " G_Y1");
      dev_terms.add(res.g_y2_db - e_g2, id + " G_Y2");
    }
  }
  EXPECT_EQ(n_terms, 9);
  std::cout << "[delta_bullington oracle] max |dev|: heights " << dev_h.value << " m (" << dev_h.where << "), Lba "
            << dev_lba.value << " dB (" << dev_lba.where << "), Lbs " << dev_lbs.value << " dB (" << dev_lbs.where
            << "), Lsph " << dev_lsph.value << " dB (" << dev_lsph.where << "), Ld " << dev_ld.value << " dB ("
            << dev_ld.where << "), Fx/G " << dev_terms.value << " dB (" << dev_terms.where << ")\n";
}

// The two cases the source marks as taking the modified-radius (aem) branch: case 4 and one of the
// path-3 cases with a non-zero Lsph. Both must report it, and the value must still match above.
TEST(DeltaBullingtonOracle, ModifiedRadiusBranch) {
  const std::string dir = oracle_dir() + "/delta_bullington";
  ASSERT_TRUE(file_exists(dir + "/expected.csv")) << "oracle folder missing: " << dir;
  const Profile p1 = read_profile(dir + "/test_paths/dbull_path1.csv");
  const auto r4 = pr::delta_bullington(p1.d_km, p1.h_m, p1.h_m.front() + 40, p1.h_m.back() + 50, 200, 8500,
                                       pr::Polarization::horizontal);
  EXPECT_TRUE(r4.sph_modified_radius);
  EXPECT_GT(r4.lsph_db, 0.0);
  const Profile p3 = read_profile(dir + "/test_paths/dbull_path3.csv");
  const auto r15 = pr::delta_bullington(p3.d_km, p3.h_m, p3.h_m.front() + 70, p3.h_m.back() + 5, 150, 8500,
                                        pr::Polarization::horizontal);
  EXPECT_TRUE(r15.sph_modified_radius);
  EXPECT_GT(r15.lsph_db, 0.0);
}

// ================================================================================================
// Oracle 2: P.452-18 validation examples (ITU-R WP 3M reference implementation outputs).

TEST(P452Oracle, AllResultFiles) {
  const std::string dir = oracle_dir() + "/p452v18";
  const std::vector<std::string> names = {
      "b2iseac_dense_urban_land_eqdist", "b2iseac_eqdist",         "b2iseac_eqdist_no_clutter",
      "b2iseac_land_eqdist_no_clutter",  "cebreros_3995",          "cebreros_3995_no_clutter",
      "flat_land_1000km",                "flat_land_100km",        "flat_land_5km",
      "flat_land_5km_Dense_Suburban",    "flat_land_5km_Dense_Urban", "flat_land_5km_Industrial",
      "land_70km",                       "mixed_109km",            "rburg_rural_no_clutter",
      "rburg_rural_with_clutter",        "tropo_7001"};
  ASSERT_TRUE(file_exists(dir + "/results/test_result_" + names[0] + ".csv"))
      << "oracle folder missing: " << dir << " (set PHUSONG_ORACLES to the oracles folder)";

  MaxDev dev50, devp, devsph, devh;
  int rows = 0;
  for (const auto& name : names) {
    // Pair result and profile by file name (column 1 of some result files names the wrong profile).
    const std::string rfile = dir + "/results/test_result_" + name + ".csv";
    const std::string pfile = dir + "/profiles/test_profile_" + name + ".csv";
    ASSERT_TRUE(file_exists(rfile)) << rfile;
    ASSERT_TRUE(file_exists(pfile)) << pfile;
    const Csv res = read_csv(rfile);
    const Profile prof = read_profile(pfile);
    ASSERT_EQ(prof.clutter_m.size(), prof.d_km.size()) << pfile;
    ASSERT_EQ(res.rows.size(), 35u) << rfile;
    const bool any_clutter =
        std::any_of(prof.clutter_m.begin(), prof.clutter_m.end(), [](double c) { return c != 0.0; });

    for (std::size_t k = 0; k < res.rows.size(); ++k) {
      const auto& r = res.rows[k];
      const std::string id = name + " row " + std::to_string(k + 1);
      const double f_mhz = num(r[res.col("f (GHz)")]) * 1000.0;
      const double p = num(r[res.col("p (%)")]);
      const double hts = prof.h_m.front() + num(r[res.col("htg (m)")]);
      const double hrs = prof.h_m.back() + num(r[res.col("hrg (m)")]);
      const auto pol = num(r[res.col("pol (1-h/2-v)")]) == 2.0 ? pr::Polarization::vertical
                                                               : pr::Polarization::horizontal;
      const double b0 = num(r[res.col("b0")]);
      const double omega = num(r[res.col("omega")]);
      const double dn = num(r[res.col("DN")]);
      EXPECT_NEAR(hts, num(r[res.col("hts")]), 1e-6) << id;
      EXPECT_NEAR(hrs, num(r[res.col("hrs")]), 1e-6) << id;

      const pr::P452DiffractionResult out =
          pr::p452_diffraction(prof.d_km, prof.h_m, hts, hrs, f_mhz, dn, p, b0, pol, omega,
                               any_clutter ? prof.clutter_m : std::vector<double>{});
      // ae is derived from DN, printed with 6 decimals: d(ae)/d(DN) ~ 80 km per N-unit.
      EXPECT_NEAR(out.ae_km, num(r[res.col("ae")]), 1e-4) << id;
      // hstd/hsrd are printed with 6 decimals.
      EXPECT_NEAR(out.median.hstd_m, num(r[res.col("hstd")]), 2e-6) << id;
      EXPECT_NEAR(out.median.hsrd_m, num(r[res.col("hsrd")]), 2e-6) << id;
      devh.add(out.median.hstd_m - num(r[res.col("hstd")]), id + " hstd");
      devh.add(out.median.hsrd_m - num(r[res.col("hsrd")]), id + " hsrd");

      const double e50 = num(r[res.col("Ld50")]);
      const double ep = num(r[res.col("Ldp")]);
      const double esph = num(r[res.col("Ldsph")]);
      EXPECT_NEAR(out.ld50_db, e50, 0.1) << id;
      EXPECT_NEAR(out.ldp_db, ep, 0.1) << id;
      EXPECT_NEAR(out.ldsph50_db, esph, 0.1) << id;
      dev50.add(out.ld50_db - e50, id);
      devp.add(out.ldp_db - ep, id);
      devsph.add(out.ldsph50_db - esph, id);
      ++rows;
    }
  }
  EXPECT_EQ(rows, 17 * 35);
  std::cout << "[p452v18 oracle] " << rows << " rows; max |dev|: Ld50 " << dev50.value << " dB (" << dev50.where
            << "), Ldp " << devp.value << " dB (" << devp.where << "), Ldsph " << devsph.value << " dB ("
            << devsph.where << "), hstd/hsrd " << devh.value << " m (" << devh.where << ")\n";
}

// ================================================================================================
// Unit checks and invariants.

TEST(KnifeEdge, KnownValues) {
  EXPECT_EQ(pr::knife_edge_loss_db(-0.78), 0.0);
  EXPECT_EQ(pr::knife_edge_loss_db(-5.0), 0.0);
  // J(0) = 6.9 + 20 log10(sqrt(1.01) - 0.1) ~= 6.03 dB (~6 dB for a grazing edge).
  EXPECT_NEAR(pr::knife_edge_loss_db(0.0), 6.9 + 20.0 * std::log10(std::sqrt(1.01) - 0.1), 1e-12);
  EXPECT_NEAR(pr::knife_edge_loss_db(0.0), 6.03, 0.01);
  // Large nu: J ~ 6.9 + 20 log10(2 (nu - 0.1)) (~ 13 + 20 log10(nu)).
  EXPECT_NEAR(pr::knife_edge_loss_db(10.0), 6.9 + 20.0 * std::log10(2.0 * 9.9), 0.05);
  // Monotonic increase.
  double prev = pr::knife_edge_loss_db(-0.77);
  for (double nu = -0.7; nu < 5.0; nu += 0.1) {
    const double j = pr::knife_edge_loss_db(nu);
    EXPECT_GT(j, prev);
    prev = j;
  }
}

TEST(InverseNormal, KnownValues) {
  EXPECT_NEAR(pr::inverse_complementary_normal(0.5), 0.0, 1e-3);
  EXPECT_NEAR(pr::inverse_complementary_normal(0.1), 1.2816, 1e-3);
  EXPECT_NEAR(pr::inverse_complementary_normal(0.01), 2.3263, 1e-3);
  EXPECT_NEAR(pr::inverse_complementary_normal(0.9), -1.2816, 1e-3);
}

TEST(DeltaBullington, ReciprocityAndConsistency) {
  const Profile p = synthetic_profile(300, 40.0);
  const double hts = p.h_m.front() + 30.0;
  const double hrs = p.h_m.back() + 10.0;
  const auto fwd = pr::delta_bullington(p.d_km, p.h_m, hts, hrs, 1800.0, 8500.0, pr::Polarization::horizontal);
  // Reverse the path: same loss (every part of the model is reciprocal).
  Profile q;
  const double dt = p.d_km.back();
  for (std::size_t i = p.d_km.size(); i-- > 0;) {
    q.d_km.push_back(dt - p.d_km[i]);
    q.h_m.push_back(p.h_m[i]);
  }
  q.d_km.front() = 0.0;
  const auto rev = pr::delta_bullington(q.d_km, q.h_m, hrs, hts, 1800.0, 8500.0, pr::Polarization::horizontal);
  EXPECT_NEAR(fwd.lba_db, rev.lba_db, 1e-6);
  EXPECT_NEAR(fwd.lbs_db, rev.lbs_db, 1e-6);
  EXPECT_NEAR(fwd.lsph_db, rev.lsph_db, 1e-6);
  EXPECT_NEAR(fwd.ld_db, rev.ld_db, 1e-6);
  EXPECT_NEAR(fwd.hts_smooth_m, rev.hrs_smooth_m, 1e-6);
  // Total = Lba + max(Lsph - Lbs, 0), and Bullington helper agrees with Lba.
  EXPECT_DOUBLE_EQ(fwd.ld_db, fwd.lba_db + std::max(fwd.lsph_db - fwd.lbs_db, 0.0));
  EXPECT_DOUBLE_EQ(pr::bullington_loss_db(p.d_km, p.h_m, hts, hrs, 1800.0, 8500.0), fwd.lba_db);
  // First-term identity when it was evaluated.
  if (!std::isnan(fwd.fx_db) && !fwd.sph_modified_radius) {
    EXPECT_NEAR(fwd.lsph_db, -fwd.fx_db - fwd.g_y1_db - fwd.g_y2_db, 1e-9);
  }
}

TEST(DeltaBullington, HigherObstacleMoreLoss) {
  Profile p = synthetic_profile(300, 30.0);
  const double hts = p.h_m.front() + 20.0;
  const double hrs = p.h_m.back() + 20.0;
  double prev = -1.0;
  for (double bump = 0.0; bump <= 200.0; bump += 25.0) {
    Profile q = p;
    q.h_m[150] += bump;
    const double ld = pr::delta_bullington(q.d_km, q.h_m, hts, hrs, 900.0, 8500.0, pr::Polarization::vertical).ld_db;
    EXPECT_GE(ld, prev - 1e-9) << "bump " << bump;
    prev = ld;
  }
}

TEST(DeltaBullington, ClearLineOfSightNoLoss) {
  // Flat ground, very high antennas over a short path: no diffraction loss, line of sight.
  std::vector<double> d, h;
  for (int i = 0; i <= 100; ++i) {
    d.push_back(0.05 * i);
    h.push_back(10.0);
  }
  const auto r = pr::delta_bullington(d, h, 200.0, 200.0, 2000.0, 8500.0, pr::Polarization::horizontal);
  EXPECT_TRUE(r.line_of_sight);
  EXPECT_EQ(r.ld_db, 0.0);
  EXPECT_EQ(r.lsph_db, 0.0);
}

TEST(P452Diffraction, FiftyPercentAndBeta) {
  const Profile p = synthetic_profile(300, 60.0);
  const double hts = p.h_m.front() + 25.0, hrs = p.h_m.back() + 10.0;
  const auto r50 = pr::p452_diffraction(p.d_km, p.h_m, hts, hrs, 2000.0, 45.0, 50.0, 2.0, pr::Polarization::horizontal);
  EXPECT_EQ(r50.ldp_db, r50.ld50_db);
  // p <= beta0: Fi = 1, Ldp is the loss for a_beta, which (flatter Earth) is not larger than Ld50.
  const auto r1 = pr::p452_diffraction(p.d_km, p.h_m, hts, hrs, 2000.0, 45.0, 1.0, 2.0, pr::Polarization::horizontal);
  EXPECT_EQ(r1.fi, 1.0);
  EXPECT_DOUBLE_EQ(r1.ldp_db, r1.ld_beta_db);
  EXPECT_LE(r1.ldp_db, r1.ld50_db + 1e-9);
  const auto r10 = pr::p452_diffraction(p.d_km, p.h_m, hts, hrs, 2000.0, 45.0, 10.0, 2.0, pr::Polarization::horizontal);
  EXPECT_GT(r10.fi, 0.0);
  EXPECT_LT(r10.fi, 1.0);
  EXPECT_GE(r10.ldp_db, r1.ldp_db - 1e-9);
  EXPECT_LE(r10.ldp_db, r10.ld50_db + 1e-9);
  // Without clutter the generic delta_bullington gives the same median loss on a land path.
  const auto db = pr::delta_bullington(p.d_km, p.h_m, hts, hrs, 2000.0, r50.ae_km, pr::Polarization::horizontal);
  EXPECT_DOUBLE_EQ(db.ld_db, r50.ld50_db);
}

TEST(P452Diffraction, ClutterIgnoredWithin50mOfTerminals) {
  std::vector<double> d, h, c_near, c_none;
  for (int i = 0; i <= 500; ++i) {
    d.push_back(0.01 * i);
    h.push_back(0.0);
    c_none.push_back(0.0);
    c_near.push_back((i >= 1 && i <= 4) || (i >= 496 && i <= 499) ? 30.0 : 0.0);  // within 50 m only
  }
  const auto a = pr::p452_diffraction(d, h, 10.0, 10.0, 1000.0, 45.0, 50.0, 2.0, pr::Polarization::vertical, 0.0, c_none);
  const auto b = pr::p452_diffraction(d, h, 10.0, 10.0, 1000.0, 45.0, 50.0, 2.0, pr::Polarization::vertical, 0.0, c_near);
  EXPECT_EQ(a.ld50_db, b.ld50_db);
  c_near[10] = 30.0;  // 100 m from the transmitter: counted
  const auto c = pr::p452_diffraction(d, h, 10.0, 10.0, 1000.0, 45.0, 50.0, 2.0, pr::Polarization::vertical, 0.0, c_near);
  EXPECT_GT(c.ld50_db, a.ld50_db + 10.0);
}

// ================================================================================================
// Argument validation: the right exception type, and messages that name the argument and value.

namespace {
template <class E, class F>
void expect_throw_naming(F&& f, const std::string& token) {
  phusong::test::expect_throws_mentioning<E>(std::forward<F>(f), {token});
}
}  // namespace

TEST(Validation, InputAndRangeErrors) {
  const std::vector<double> d = {0.0, 1.0, 2.0, 3.0};
  const std::vector<double> h = {10.0, 20.0, 15.0, 10.0};
  const auto H = pr::Polarization::horizontal;
  using phusong::InputError;
  using phusong::RangeError;
  expect_throw_naming<RangeError>([&] { pr::delta_bullington(d, h, 20, 20, 10.0, 8500, H); }, "freq_mhz");
  expect_throw_naming<RangeError>([&] { pr::delta_bullington(d, h, 20, 20, 60000.0, 8500, H); }, "60000");
  expect_throw_naming<RangeError>([&] { pr::delta_bullington(d, h, 20, 20, 1000.0, -1.0, H); }, "ae_km");
  expect_throw_naming<InputError>([&] { pr::delta_bullington({0.0, 1.0}, {1.0, 2.0}, 20, 20, 1000, 8500, H); },
                                  "at least 3");
  expect_throw_naming<InputError>([&] { pr::delta_bullington(d, {1.0, 2.0, 3.0}, 20, 20, 1000, 8500, H); }, "h_m");
  expect_throw_naming<InputError>(
      [&] { pr::delta_bullington({0.0, 2.0, 1.0, 3.0}, h, 20, 20, 1000, 8500, H); }, "strictly increasing");
  expect_throw_naming<InputError>([&] { pr::delta_bullington({0.5, 1.0, 2.0, 3.0}, h, 20, 20, 1000, 8500, H); },
                                  "d_km[0]");
  expect_throw_naming<InputError>([&] { pr::delta_bullington(d, h, 5.0, 20, 1000, 8500, H); }, "hts_m_amsl");
  expect_throw_naming<InputError>(
      [&] { pr::delta_bullington(d, {10.0, NAN, 15.0, 10.0}, 20, 20, 1000, 8500, H); }, "h_m[1]");
  expect_throw_naming<RangeError>([&] { pr::p452_diffraction(d, h, 20, 20, 50.0, 45, 10, 2, H); }, "freq_mhz");
  expect_throw_naming<RangeError>([&] { pr::p452_diffraction(d, h, 20, 20, 1000, 45, 60, 2, H); }, "p_pct");
  expect_throw_naming<RangeError>([&] { pr::p452_diffraction(d, h, 20, 20, 1000, 160, 10, 2, H); }, "delta_n");
  expect_throw_naming<RangeError>([&] { pr::p452_diffraction(d, h, 20, 20, 1000, 45, 10, 0, H); }, "beta0_pct");
  expect_throw_naming<RangeError>([&] { pr::p452_diffraction(d, h, 20, 20, 1000, 45, 10, 2, H, 1.5); }, "omega");
  expect_throw_naming<InputError>([&] { pr::p452_diffraction(d, h, 20, 20, 1000, 45, 10, 2, H, 0.0, {1.0}); },
                                  "clutter_height_m");
}

// Speed is measured by benchmarks/bench_engine.cpp (Google Benchmark), not by unit tests.
