// Tests for phusong::radio::p1812 (ITU-R P.1812-7/-8) against the validation results of the ITU-R
// WP 3M reference implementation (see tests/data/p1812/README.md), plus hand-derived checks of the
// location-variability part, ITU-R P.2109 reference values, invariants and argument validation.
//
// Data are read from "tests/data/p1812/" relative to the working directory (ctest runs from the
// repository root). Missing data make the tests FAIL, never skip.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "phusong/error.hpp"
#include "phusong/radio/p1812.hpp"

namespace pr = phusong::radio;

namespace {

const std::string kDataDir = "tests/data/p1812/";

// ----------------------------------------------------------------------------------------------
// Tiny CSV reader (header + rows of comma-separated cells).

struct Csv {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::size_t col(const std::string& name) const {
    for (std::size_t i = 0; i < header.size(); ++i)
      if (header[i] == name) return i;
    throw std::runtime_error("column '" + name + "' not found");
  }
};

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> cells;
  std::stringstream ss(line);
  std::string cell;
  while (std::getline(ss, cell, ',')) {
    while (!cell.empty() && (cell.back() == '\r' || cell.back() == ' ')) cell.pop_back();
    cells.push_back(cell);
  }
  return cells;
}

Csv read_csv(const std::string& name) {
  const std::string path = kDataDir + name;
  std::ifstream in(path);
  if (!in) throw std::runtime_error("test data missing: " + path + " (run the tests from the repository root)");
  Csv csv;
  std::string line;
  bool first = true;
  while (std::getline(in, line)) {
    if (line.empty() || line == "\r") continue;
    auto cells = split(line);
    if (first) {
      csv.header = cells;
      first = false;
    } else {
      csv.rows.push_back(cells);
    }
  }
  if (csv.rows.empty()) throw std::runtime_error("test data file has no rows: " + path);
  return csv;
}

double num(const std::string& s) { return std::stod(s); }

// ----------------------------------------------------------------------------------------------
// Reference profiles.

struct Profile {
  std::vector<double> d, h, r;
  std::vector<pr::RadioClimaticZone> zone;
};

const Profile& rburg_terrain() {
  static const Profile p = [] {
    Profile q;
    const Csv c = read_csv("rburg_terrain.csv");
    for (const auto& row : c.rows) {
      q.d.push_back(num(row[c.col("d_km")]));
      q.h.push_back(num(row[c.col("h_m")]));
    }
    return q;
  }();
  return p;
}

const Profile& b2iseac_profile() {
  static const Profile p = [] {
    Profile q;
    const Csv c = read_csv("b2iseac_profile.csv");
    for (const auto& row : c.rows) {
      q.d.push_back(num(row[c.col("d_km")]));
      q.h.push_back(num(row[c.col("h_m")]));
      q.r.push_back(num(row[c.col("r_m")]));
      q.zone.push_back(static_cast<pr::RadioClimaticZone>(std::stoi(row[c.col("zone")])));
    }
    return q;
  }();
  return p;
}

// Builds the profile of one validation case (see README.md for the variants).
Profile case_profile(const std::string& profile, const std::string& variant, int n_points) {
  Profile q;
  if (profile == "rburg") {
    q = rburg_terrain();
    q.r.assign(q.d.size(), 0.0);
    q.zone.assign(q.d.size(), pr::RadioClimaticZone::inland);
    if (variant != "noclutter") {
      const Csv c = read_csv("rburg_clutter.csv");
      int hits = 0;
      for (const auto& row : c.rows) {
        if (row[c.col("variant")] != variant) continue;
        const double dk = num(row[c.col("d_km")]);
        const auto it = std::find_if(q.d.begin(), q.d.end(), [&](double x) { return std::fabs(x - dk) < 1e-9; });
        if (it == q.d.end()) throw std::runtime_error("rburg_clutter.csv: no profile point at d = " + row[1]);
        q.r[static_cast<std::size_t>(it - q.d.begin())] = num(row[c.col("r_m")]);
        ++hits;
      }
      if (hits == 0) throw std::runtime_error("rburg_clutter.csv: unknown variant " + variant);
    }
  } else if (profile == "b2iseac") {
    q = b2iseac_profile();
    if (n_points > 0) {
      q.d.resize(static_cast<std::size_t>(n_points));
      q.h.resize(q.d.size());
      q.r.resize(q.d.size());
      q.zone.resize(q.d.size());
    }
    if (variant == "all_inland") q.zone.assign(q.d.size(), pr::RadioClimaticZone::inland);
    else if (variant != "as_is") throw std::runtime_error("unknown b2iseac variant " + variant);
  } else {
    throw std::runtime_error("unknown profile " + profile);
  }
  return q;
}

struct Case {
  std::string name;
  pr::P1812Input in;
  std::map<std::string, double> ref;
};

std::vector<Case> validation_cases() {
  const Csv c = read_csv("validation_cases.csv");
  std::vector<Case> out;
  for (const auto& row : c.rows) {
    Case k;
    k.name = row[c.col("case")];
    const Profile q = case_profile(row[c.col("profile")], row[c.col("variant")], std::stoi(row[c.col("n_points")]));
    k.in.d_km = q.d;
    k.in.h_m = q.h;
    k.in.r_m = q.r;
    k.in.zone = q.zone;
    k.in.freq_mhz = num(row[c.col("f_mhz")]);
    k.in.p_pct = num(row[c.col("p_pct")]);
    k.in.pl_pct = 50.0;
    k.in.sigma_l_db = 0.0;  // the reference runs use sigmaL = 0, pL = 50 %
    k.in.htg_m = num(row[c.col("htg_m")]);
    k.in.hrg_m = num(row[c.col("hrg_m")]);
    k.in.pol = std::stoi(row[c.col("pol")]) == 2 ? pr::Polarization::vertical : pr::Polarization::horizontal;
    k.in.delta_n = num(row[c.col("delta_n")]);
    k.in.n0 = num(row[c.col("n0")]);
    k.in.lat_deg = num(row[c.col("phi_deg")]);
    // Blank cells: value not usable from the reference log (see README.md).
    for (std::size_t i = 11; i < c.header.size(); ++i)
      if (i < row.size() && !row[i].empty()) k.ref[c.header[i]] = num(row[i]);
    out.push_back(std::move(k));
  }
  return out;
}

// The result field that corresponds to each reference column.
double field(const pr::P1812Result& r, const std::string& key) {
  static const std::map<std::string, double pr::P1812Result::*> m = {
      {"dlt_km", &pr::P1812Result::dlt_km},         {"dlr_km", &pr::P1812Result::dlr_km},
      {"theta_t_mrad", &pr::P1812Result::theta_t_mrad}, {"theta_r_mrad", &pr::P1812Result::theta_r_mrad},
      {"theta_mrad", &pr::P1812Result::theta_mrad}, {"hst_lsq_m", &pr::P1812Result::hst_lsq_m},
      {"hsr_lsq_m", &pr::P1812Result::hsr_lsq_m},   {"hstd_m", &pr::P1812Result::hstd_m},
      {"hsrd_m", &pr::P1812Result::hsrd_m},         {"hte_m", &pr::P1812Result::hte_m},
      {"hre_m", &pr::P1812Result::hre_m},           {"hm_m", &pr::P1812Result::hm_m},
      {"omega", &pr::P1812Result::omega},           {"dtm_km", &pr::P1812Result::dtm_km},
      {"dlm_km", &pr::P1812Result::dlm_km},         {"beta0_pct", &pr::P1812Result::beta0_pct},
      {"fj", &pr::P1812Result::fj},                 {"fk", &pr::P1812Result::fk},
      {"fi", &pr::P1812Result::fi},                 {"lbfs_db", &pr::P1812Result::lbfs_db},
      {"lb0p_db", &pr::P1812Result::lb0p_db},       {"lb0b_db", &pr::P1812Result::lb0b_db},
      {"lbulla_b_db", &pr::P1812Result::lbulla_b_db}, {"lbulls_b_db", &pr::P1812Result::lbulls_b_db},
      {"ldsph_b_db", &pr::P1812Result::ldsph_b_db}, {"ld50_db", &pr::P1812Result::ld50_db},
      {"ldb_db", &pr::P1812Result::ldb_db},         {"ldp_db", &pr::P1812Result::ldp_db},
      {"lbd50_db", &pr::P1812Result::lbd50_db},     {"lbd_db", &pr::P1812Result::lbd_db},
      {"lminb0p_db", &pr::P1812Result::lminb0p_db}, {"lba_db", &pr::P1812Result::lba_db},
      {"lminbap_db", &pr::P1812Result::lminbap_db}, {"lbda_db", &pr::P1812Result::lbda_db},
      {"lbam_db", &pr::P1812Result::lbam_db},       {"lbs_db", &pr::P1812Result::lbs_db},
      {"lbc_db", &pr::P1812Result::lbc_db},         {"lb_db", &pr::P1812Result::lb_db},
  };
  const auto it = m.find(key);
  if (it == m.end()) throw std::runtime_error("no result field for reference column " + key);
  return r.*(it->second);
}

// Tolerance per reference column. The reference logs print 10 significant digits; the achieved
// agreement is ~5e-8 dB, so losses are held to 1e-5 dB (the acceptance criterion of 0.1 dB on Lb is
// checked separately below). Geometry: relative 1e-8 plus a small absolute floor.
double tolerance(const std::string& key, double ref) {
  if (key.size() > 3 && key.compare(key.size() - 3, 3, "_db") == 0) return 1e-5;
  if (key == "fi" || key == "fj" || key == "fk") return 1e-6;
  return 1e-8 * std::fabs(ref) + 1e-7;
}

}  // namespace

// ================================================================================================
// 1. ITU-R WP 3M reference validation examples: Lb and intermediates, 36 cases.

TEST(P1812Validation, ReproducesReferenceResults) {
  const auto cases = validation_cases();
  ASSERT_EQ(cases.size(), 36u);
  std::map<std::string, double> worst;  // max |deviation| per column, for the report
  std::size_t checked = 0;
  for (const auto& k : cases) {
    SCOPED_TRACE(k.name);
    pr::P1812Result r;
    ASSERT_NO_THROW(r = pr::p1812(k.in));
    for (const auto& [key, ref] : k.ref) {
      if (key == "phi_deg") continue;  // input
      const double got = field(r, key);
      const double dev = std::fabs(got - ref);
      worst[key] = std::max(worst[key], dev);
      EXPECT_NEAR(got, ref, tolerance(key, ref)) << key;
    }
    EXPECT_TRUE(r.warnings.empty()) << r.warnings.front();
    // Eq. (43) (checked directly: two logged Lbd values are unusable, see README.md).
    EXPECT_NEAR(r.lbd_db, r.lb0p_db + r.ldp_db, 1e-12);
    checked += k.ref.size() - 1;
  }
  std::cout << "[p1812] " << checked << " reference values in " << cases.size()
            << " cases; max |deviation| per quantity:\n";
  for (const auto& [key, dev] : worst) std::cout << "    " << key << " " << dev << "\n";
}

// Acceptance criterion: every published Lb reproduced within 0.1 dB.
TEST(P1812Validation, BasicTransmissionLossWithinAcceptanceTolerance) {
  for (const auto& k : validation_cases()) {
    const auto r = pr::p1812(k.in);
    EXPECT_NEAR(r.lb_db, k.ref.at("lb_db"), 0.1) << k.name;
  }
}

// Field strength eq. (70): E = 199.36 + 20 log f(GHz) - Lb for 1 kW e.r.p.
TEST(P1812Validation, FieldStrength) {
  for (const auto& k : validation_cases()) {
    const auto r = pr::p1812(k.in);
    EXPECT_NEAR(r.ep_dbuv_m, 199.36 + 20.0 * std::log10(k.in.freq_mhz / 1000.0) - r.lb_db, 1e-12) << k.name;
  }
}

// ================================================================================================
// 2. Path-centre latitude (P.2001 Attachment H) against the latitudes logged by the reference.

TEST(P1812Geometry, GreatCirclePointMatchesReferencePathCentres) {
  const Csv c = read_csv("great_circle_points.csv");
  for (const auto& row : c.rows) {
    const auto p = pr::great_circle_point(num(row[1]), num(row[2]), num(row[3]), num(row[4]), num(row[5]));
    EXPECT_NEAR(p.lat_deg, num(row[6]), 2e-8) << row[0];
  }
  // Endpoints: distance 0 gives the transmitter.
  const auto t = pr::great_circle_point(21.3, 103.9, 21.8, 104.4, 0.0);
  EXPECT_NEAR(t.lat_deg, 21.3, 1e-12);
  EXPECT_NEAR(t.lon_deg, 103.9, 1e-12);
}

// ================================================================================================
// 3. ITU-R P.2109 building entry loss against the SG3 "Clutter and BEL" workbook values.

TEST(P2109, MatchesWorkbookValues) {
  const Csv c = read_csv("p2109_reference.csv");
  for (const auto& row : c.rows) {
    const auto type = row[1] == "traditional" ? pr::BuildingType::traditional : pr::BuildingType::thermally_efficient;
    const double got = pr::p2109_building_entry_loss_db(num(row[0]) * 1000.0, num(row[3]), type, num(row[2]));
    EXPECT_NEAR(got, num(row[4]), 0.01) << row[0] << " GHz " << row[1] << " " << row[3] << " %";
  }
  EXPECT_THROW(pr::p2109_building_entry_loss_db(50.0, 50.0, pr::BuildingType::traditional, 0.0), phusong::RangeError);
  EXPECT_THROW(pr::p2109_building_entry_loss_db(900.0, 100.0, pr::BuildingType::traditional, 0.0), phusong::RangeError);
}

// ================================================================================================
// 4. Location variability (§4.7, §4.9), derived by hand.

namespace {
pr::P1812Input base_input() {
  auto k = validation_cases();
  for (auto& c : k)
    if (c.name == "rburg_urban_with_clutter_3") return c.in;  // 1 GHz, p = 1 %, Rx R_n = 0 m
  throw std::runtime_error("case rburg_urban_with_clutter_3 missing");
}
}  // namespace

TEST(P1812LocationVariability, SigmaFromFrequencyResolutionAndClutter) {
  pr::P1812Input in = base_input();
  in.sigma_l_db = pr::kP1812NotGiven;  // computed by §4.7
  in.pl_pct = 90.0;
  in.freq_mhz = 900.0;
  in.wa_m = 100.0;
  in.hrg_m = 1.5;
  in.r_m.back() = 10.0;  // receiver inside 10 m clutter: uh = 1 (hrg < R)
  const auto r = pr::p1812(in);
  // σL = (0.52 + 0.024 f[GHz]) * wa^0.28 = (0.52 + 0.024*0.9) * 100^0.28
  //    = 0.5416 * exp(0.28 * ln 100) = 0.5416 * exp(1.289449) = 0.5416 * 3.630781 = 1.966431 dB
  EXPECT_NEAR(r.sigma_loc_db, 1.966431, 1e-6);
  // Lb = max(Lb0p, Lbc - I(0.90) σ) with I(0.90) = -I(0.10). The approximation of I(x) used by
  // P.1812 (as P.452 Attachment 3): T = sqrt(-2 ln 0.1) = sqrt(4.605170) = 2.145966;
  // C = (2.515517 + 0.802853 T + 0.010328 T²) / (1 + 1.432788 T + 0.189269 T² + 0.001308 T³)
  //   = (2.515517 + 1.722896 + 0.047562) / (1 + 3.074714 + 0.871616 + 0.012926)
  //   = 4.285974 / 4.959257 = 0.864237;  I(0.1) = T - C = 1.281729 (exact quantile 1.281552).
  // So Lb = Lbc + 1.281729 * 1.966431 = Lbc + 2.520431 dB.
  EXPECT_FALSE(r.lb_limited_by_lb0p);
  EXPECT_NEAR(r.lb_db - r.lbc_db, 2.520431, 1e-5);

  // Receiver 5 m above its clutter: uh = 1 - (hrg - R)/10 = 0.5 -> σ = 0.983216 dB.
  in.hrg_m = 15.0;
  EXPECT_NEAR(pr::p1812(in).sigma_loc_db, 0.5 * 1.966431, 1e-6);
  // Receiver >= 10 m above its clutter: uh = 0.
  in.hrg_m = 20.0;
  EXPECT_EQ(pr::p1812(in).sigma_loc_db, 0.0);
}

TEST(P1812LocationVariability, UserSigmaPercentileSymmetryAndSea) {
  pr::P1812Input in = base_input();
  in.sigma_l_db = 5.5;  // DTT planning value
  in.pl_pct = 50.0;
  const auto r50 = pr::p1812(in);
  // pL = 50 %: T = sqrt(2 ln 2) = 1.177410 and C = 3.475122 / 2.951496 = 1.177410, so I(0.5) = 0
  // to 6 digits and Lb = Lbc (5.5 dB * 1e-6 = 5.5e-6 dB at most).
  EXPECT_NEAR(r50.lb_db, r50.lbc_db, 1e-5);
  in.pl_pct = 99.0;
  const auto r99 = pr::p1812(in);
  in.pl_pct = 1.0;
  const auto r01 = pr::p1812(in);
  // I(0.01): T = sqrt(-2 ln 0.01) = 3.034854, C = 5.047183 / 7.128096 = 0.708069, I = 2.326785;
  // 5.5 * 2.326785 = 12.797320 dB above Lbc for pL = 99 % and below it for pL = 1 % (unless Lb0p).
  EXPECT_NEAR(r99.lb_db - r99.lbc_db, 12.797320, 1e-5);
  EXPECT_NEAR(r01.lbc_db - r01.lb_db, 12.797320, 1e-5);
  EXPECT_GT(r01.lb_db, r01.lb0p_db);
  // A receiver at sea has no location variability (and dcr = 0 by default).
  pr::P1812Input sea = base_input();
  sea.zone.back() = pr::RadioClimaticZone::sea;
  sea.sigma_l_db = 5.5;
  sea.pl_pct = 99.0;
  const auto rs = pr::p1812(sea);
  EXPECT_TRUE(rs.rx_at_sea);
  EXPECT_EQ(rs.sigma_loc_db, 0.0);
  EXPECT_EQ(rs.dcr_km, 0.0);
  EXPECT_EQ(rs.dct_km, 500.0);
}

// ================================================================================================
// 5. Options and invariants.

TEST(P1812Options, SurfaceHeightsEquivalentToClutterHeights) {
  pr::P1812Input a = base_input();
  pr::P1812Input b = a;
  b.surface_m.resize(a.h_m.size());
  for (std::size_t i = 0; i < a.h_m.size(); ++i) b.surface_m[i] = a.h_m[i] + a.r_m[i];
  b.r_m.clear();
  const auto ra = pr::p1812(a);
  const auto rb = pr::p1812(b);
  EXPECT_DOUBLE_EQ(ra.lbulla50_db, rb.lbulla50_db);
  EXPECT_DOUBLE_EQ(ra.lbc_db, rb.lbc_db);
  EXPECT_DOUBLE_EQ(ra.lb_db, rb.lb_db);
}

TEST(P1812Options, Beta0OverrideAndDefaults) {
  pr::P1812Input a = base_input();
  const auto ra = pr::p1812(a);
  pr::P1812Input b = a;
  b.lat_deg = pr::kP1812NotGiven;
  b.beta0_pct = ra.beta0_pct;
  EXPECT_DOUBLE_EQ(pr::p1812(b).lb_db, ra.lb_db);
  // Empty zone vector = inland everywhere; empty r_m = no clutter.
  pr::P1812Input c = a;
  c.zone.clear();
  EXPECT_DOUBLE_EQ(pr::p1812(c).lb_db, ra.lb_db);
  pr::P1812Input e = a;
  e.r_m.clear();
  pr::P1812Input z = a;
  std::fill(z.r_m.begin(), z.r_m.end(), 0.0);
  EXPECT_DOUBLE_EQ(pr::p1812(e).lb_db, pr::p1812(z).lb_db);
}

TEST(P1812Options, IndoorAddsP2109Loss) {
  pr::P1812Input in = base_input();
  const auto out = pr::p1812(in);
  in.indoor = true;
  in.building = pr::BuildingType::thermally_efficient;
  in.bel_prob_pct = 50.0;
  const auto r = pr::p1812(in);
  const double bel = pr::p2109_building_entry_loss_db(in.freq_mhz, 50.0, pr::BuildingType::thermally_efficient, 0.0);
  EXPECT_DOUBLE_EQ(r.lbe_db, bel);
  EXPECT_DOUBLE_EQ(r.lb_db, out.lb_db + bel);
  EXPECT_DOUBLE_EQ(r.lb_outdoor_db, out.lb_db);
}

TEST(P1812Invariants, LossDecreasesWithTimePercentageAndSubModelsConsistent) {
  for (const auto& k : validation_cases()) {
    const auto r = pr::p1812(k.in);
    // Eq. (63) combination never exceeds either mechanism; Lb >= Lb0p (eq. (69)).
    EXPECT_LE(r.lbc_db, std::min(r.lbs_db, r.lbam_db) + 1e-12) << k.name;
    EXPECT_GE(r.lb_db, r.lb0p_db - 1e-12) << k.name;
    // Delta-Bullington structure: Ld = Lbulla + max(Ldsph - Lbulls, 0).
    EXPECT_NEAR(r.ld50_db, r.lbulla50_db + std::max(r.ldsph50_db - r.lbulls50_db, 0.0), 1e-12) << k.name;
    EXPECT_NEAR(r.ldb_db, r.lbulla_b_db + std::max(r.ldsph_b_db - r.lbulls_b_db, 0.0), 1e-12) << k.name;
  }
  pr::P1812Input in = base_input();
  double prev = -1.0;
  for (double p : {1.0, 2.0, 5.0, 10.0, 20.0, 50.0}) {
    in.p_pct = p;
    const double lb = pr::p1812(in).lb_db;
    EXPECT_GE(lb, prev) << "p = " << p;
    prev = lb;
  }
}

TEST(P1812Invariants, ThreadSafeAndDeterministic) {
  const auto cases = validation_cases();
  std::vector<double> serial;
  for (const auto& k : cases) serial.push_back(pr::p1812(k.in).lb_db);
  std::vector<double> a(cases.size()), b(cases.size());
  std::thread t1([&] {
    for (std::size_t i = 0; i < cases.size(); ++i) a[i] = pr::p1812(cases[i].in).lb_db;
  });
  std::thread t2([&] {
    for (std::size_t i = cases.size(); i-- > 0;) b[i] = pr::p1812(cases[i].in).lb_db;
  });
  t1.join();
  t2.join();
  for (std::size_t i = 0; i < cases.size(); ++i) {
    EXPECT_EQ(a[i], serial[i]) << cases[i].name;
    EXPECT_EQ(b[i], serial[i]) << cases[i].name;
  }
}

TEST(P1812Invariants, ShortPathWarns) {
  pr::P1812Input in;
  in.d_km = {0.0, 0.05, 0.1, 0.15, 0.2};
  in.h_m = {100.0, 101.0, 99.0, 100.0, 100.0};
  in.freq_mhz = 900.0;
  in.p_pct = 50.0;
  in.htg_m = 20.0;
  in.hrg_m = 1.5;
  in.lat_deg = 21.0;
  const auto r = pr::p1812(in);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("0.25 km"), std::string::npos);
  EXPECT_FALSE(r.trans_horizon);
  EXPECT_TRUE(std::isfinite(r.lb_db));
}

// ================================================================================================
// 6. Argument validation.

TEST(P1812Errors, RangeAndInputErrors) {
  const pr::P1812Input ok = base_input();
  auto expect_range = [&](auto mutate, const char* what) {
    pr::P1812Input in = ok;
    mutate(in);
    EXPECT_THROW(pr::p1812(in), phusong::RangeError) << what;
  };
  auto expect_input = [&](auto mutate, const char* what) {
    pr::P1812Input in = ok;
    mutate(in);
    try {
      pr::p1812(in);
      ADD_FAILURE() << what << ": no exception";
    } catch (const phusong::RangeError&) {
      ADD_FAILURE() << what << ": RangeError, expected a plain InputError";
    } catch (const phusong::InputError&) {
    }
  };
  expect_range([](auto& in) { in.freq_mhz = 29.0; }, "f < 30 MHz");
  expect_range([](auto& in) { in.freq_mhz = 6001.0; }, "f > 6000 MHz");
  expect_range([](auto& in) { in.p_pct = 0.5; }, "p < 1 %");
  expect_range([](auto& in) { in.p_pct = 51.0; }, "p > 50 %");
  expect_range([](auto& in) { in.pl_pct = 0.5; }, "pL < 1 %");
  expect_range([](auto& in) { in.pl_pct = 99.5; }, "pL > 99 %");
  expect_range([](auto& in) { in.htg_m = 0.5; }, "htg < 1 m");
  expect_range([](auto& in) { in.hrg_m = 3001.0; }, "hrg > 3000 m");
  expect_range([](auto& in) { in.delta_n = 157.0; }, "delta_n >= 157");
  expect_range([](auto& in) { in.lat_deg = 91.0; }, "latitude");
  expect_range([](auto& in) { in.beta0_pct = 60.0; }, "beta0 > 50");
  expect_range([](auto& in) { for (auto& d : in.d_km) d *= 40.0; }, "path > 3000 km");
  expect_range([](auto& in) { in.indoor = true; in.freq_mhz = 50.0; }, "P.2109 below 80 MHz");
  expect_input([](auto& in) { in.h_m.pop_back(); }, "size mismatch");
  expect_input([](auto& in) { in.d_km[5] = in.d_km[4]; }, "not increasing");
  expect_input([](auto& in) { in.d_km[0] = 0.1; }, "d[0] != 0");
  expect_input([](auto& in) { in.h_m[3] = std::nan(""); }, "NaN height");
  expect_input([](auto& in) { in.r_m[3] = -1.0; }, "negative clutter");
  expect_input([](auto& in) { in.surface_m = in.h_m; }, "both r_m and surface_m");
  expect_input([](auto& in) { in.zone[2] = static_cast<pr::RadioClimaticZone>(2); }, "bad zone code");
  expect_input([](auto& in) { in.lat_deg = pr::kP1812NotGiven; }, "no latitude or beta0");
  expect_input([](auto& in) { in.d_km.resize(2); in.h_m.resize(2); in.r_m.clear(); in.zone.clear(); }, "2 points");
  expect_input([](auto& in) { in.freq_mhz = std::nan(""); }, "NaN frequency");
}
