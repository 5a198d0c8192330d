// Tests for phusong::radio antenna patterns: 3GPP sector formula (hand-worked values), mechanical
// and electrical tilt, MSI/Planet pattern files (tests/data/antenna/, synthetic files written for
// these tests; paths relative to the repository root, ctest's working directory), interpolation,
// malformed-file errors with line numbers, and the look-angle helpers.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "phusong/error.hpp"
#include "phusong/radio/antenna.hpp"
#include "test_support.hpp"

namespace pr = phusong::radio;

namespace {

constexpr double kTol = 1e-6;
const std::string kSectorFile = "tests/data/antenna/sector_65_t6.msi";
const std::string kCoarseFile = "tests/data/antenna/coarse_8pt.pln";

// Test data must exist: a missing file is a failure, never a skip.
std::string data_file(const std::string& rel) {
  if (!std::filesystem::exists(rel)) {
    ADD_FAILURE() << "test data missing: " << rel << " (run from the repository root)";
  }
  return rel;
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// Parses `text` and returns the InputError message ("" if it parsed).
std::string parse_error(const std::string& text, const std::string& source = "mem.msi") {
  std::istringstream is(text);
  try {
    pr::parse_msi_pattern(is, source);
  } catch (const phusong::InputError& e) {
    return e.what();
  }
  return "";
}

pr::Sector3gppAntenna default_sector() {
  pr::Sector3gppAntenna p;  // phi3dB 65, theta3dB 10, Am 30, SLAv 30
  p.max_gain_dbi = 17.0;
  return p;
}

// Small valid pattern text used by the malformed-input tests (lines numbered in the comments).
std::string small_pattern(const std::string& gain_line = "GAIN 12 dBi") {
  return "NAME small\n"  // 1
         + gain_line +
         "\n"              // 2
         "HORIZONTAL 4\n"  // 3
         "0 0\n"           // 4
         "90 10\n"         // 5
         "180 25\n"        // 6
         "270 10\n"        // 7
         "VERTICAL 4\n"    // 8
         "0 0\n"           // 9
         "90 20\n"         // 10
         "180 25\n"        // 11
         "270 20\n";       // 12
}

}  // namespace

// ------------------------------------------------------------------------------------------------
// 3GPP sector pattern: A_H = min(12 (phi/65)^2, 30), A_V = min(12 ((delta - tilt)/10)^2, 30),
// A = min(A_H + A_V, 30), G = 17 - A.

TEST(Sector3gpp, HandWorkedValues) {
  const auto p = default_sector();
  auto g = [&](double phi, double delta) {
    return p.max_gain_dbi - pr::sector_3gpp_attenuation_db(p, phi, delta);
  };
  EXPECT_NEAR(g(0, 0), 17.0, kTol);
  // phi = 32.5 = phi3dB / 2: A_H = 12 * 0.5^2 = 3 -> 14 dBi (the -3 dB point).
  EXPECT_NEAR(g(32.5, 0), 14.0, kTol);
  EXPECT_NEAR(g(-32.5, 0), 14.0, kTol);
  // phi = 65: A_H = 12 * 1^2 = 12 -> 5 dBi.
  EXPECT_NEAR(g(65, 0), 5.0, kTol);
  // phi = -100: A_H = 12 * (100/65)^2 = 12 * 2.366864 = 28.402367 -> 17 - 28.402367 = -11.402367.
  EXPECT_NEAR(g(-100, 0), -11.402367, kTol);
  // phi = 180: 12 * (180/65)^2 = 92.02 > Am = 30 -> -13 dBi.
  EXPECT_NEAR(g(180, 0), -13.0, kTol);
  // delta = 5 (elevation -5): A_V = 12 * 0.5^2 = 3 -> 14 dBi.
  EXPECT_NEAR(g(0, 5), 14.0, kTol);
  // delta = -25 (25 deg up): 12 * 2.5^2 = 75 > SLAv = 30 -> A = min(0 + 30, 30) -> -13 dBi.
  EXPECT_NEAR(g(0, -25), -13.0, kTol);
  // phi = 65, delta = 10: A = min(12 + 12, 30) = 24 -> -7 dBi.
  EXPECT_NEAR(g(65, 10), -7.0, kTol);
  // phi = 100, delta = 10: 28.402367 + 12 = 40.402367 -> capped at Am = 30 -> -13 dBi.
  EXPECT_NEAR(g(100, 10), -13.0, kTol);
}

TEST(Sector3gpp, ElectricalTiltShiftsVerticalPattern) {
  auto p = default_sector();
  p.electrical_downtilt_deg = 6.0;
  auto g = [&](double delta) { return p.max_gain_dbi - pr::sector_3gpp_attenuation_db(p, 0, delta); };
  EXPECT_NEAR(g(6), 17.0, kTol);
  // delta = 0: A_V = 12 * ((0 - 6)/10)^2 = 12 * 0.36 = 4.32 -> 12.68 dBi.
  EXPECT_NEAR(g(0), 12.68, kTol);
  // delta = 11: A_V = 12 * (5/10)^2 = 3 -> 14 dBi.
  EXPECT_NEAR(g(11), 14.0, kTol);
}

TEST(Sector3gpp, Tr38901ElementParameters) {
  // TR 38.901 Table 7.3-1 element: phi3dB = theta3dB = 65, SLAv = Am = 30, G = 8 dBi.
  pr::Sector3gppAntenna p;
  p.max_gain_dbi = 8;
  p.v_beamwidth_deg = 65;
  // phi = 30, delta = 20: A_H = 12 * (30/65)^2 = 12 * 0.213018 = 2.556213
  //                       A_V = 12 * (20/65)^2 = 12 * 0.094675 = 1.136095
  //                       G = 8 - 3.692308 = 4.307692
  EXPECT_NEAR(p.max_gain_dbi - pr::sector_3gpp_attenuation_db(p, 30, 20), 4.307692, kTol);
}

TEST(Sector3gpp, AzimuthIsRelativeToBoresightAndWraps) {
  const auto a = pr::AntennaPattern::sector_3gpp(default_sector(), 120.0);
  EXPECT_NEAR(a.gain_dbi(120.0, 0.0), 17.0, kTol);
  EXPECT_NEAR(a.gain_dbi(152.5, 0.0), 14.0, kTol);    // 32.5 off boresight
  EXPECT_NEAR(a.gain_dbi(87.5, 0.0), 14.0, kTol);     // -32.5
  EXPECT_NEAR(a.gain_dbi(185.0, -10.0), -7.0, kTol);  // 65 off, 10 below
  const auto b = pr::AntennaPattern::sector_3gpp(default_sector(), 350.0);
  EXPECT_NEAR(b.gain_dbi(22.5, 0.0), 14.0, kTol);   // 350 -> 22.5 is 32.5 clockwise
  EXPECT_NEAR(b.gain_dbi(-42.5, 0.0), 14.0, kTol);  // -42.5 = 317.5 is 32.5 anticlockwise of 350
}

TEST(Sector3gpp, MechanicalTiltRotatesPattern) {
  // Mechanical downtilt b = 6 deg, no electrical tilt, boresight north.
  const auto a = pr::AntennaPattern::sector_3gpp(default_sector(), 0.0, 6.0);
  // On boresight the beam peak is 6 deg below the horizon.
  EXPECT_NEAR(a.gain_dbi(0.0, -6.0), 17.0, kTol);
  // At 90 deg off boresight on the horizon the rotation axis points at the receiver: no tilt.
  //   v = (cos0 cos90, cos0 sin90, 0) = (0, 1, 0) -> elevation' = 0, azimuth' = 90
  //   A_H = 12 (90/65)^2 = 12 * 1.917160 = 23.005917 -> 17 - 23.005917 = -6.005917
  EXPECT_NEAR(a.gain_dbi(90.0, 0.0), -6.005917, kTol);
  // 60 deg off boresight, horizon:
  //   vx = cos60 cos6 = 0.5 * 0.994522 = 0.497261; vy = sin60 = 0.866025; vz = cos60 sin6 = 0.052264
  //   elevation' = asin(0.052264) = 2.995885 deg (~ 6 cos60 = 3) -> depression' = -2.995885
  //   azimuth' = atan2(0.866025, 0.497261) = 60.136097 deg
  //   A_H = 12 (60.136097/65)^2 = 10.271290; A_V = 12 (2.995885/10)^2 = 1.077039
  //   G = 17 - 11.348329 = 5.651671
  EXPECT_NEAR(a.gain_dbi(60.0, 0.0), 5.651671, kTol);
  const auto f = pr::to_antenna_frame(60.0, 0.0, 0.0, 6.0);
  EXPECT_NEAR(f.azimuth_off_deg, 60.136097, kTol);
  EXPECT_NEAR(f.depression_deg, -2.995885, kTol);
  // Behind the antenna the plane is tilted up: the back horizon is 6 deg below the local plane,
  // and the direction 6 deg above the back horizon lies in it.
  const auto back = pr::to_antenna_frame(180.0, 0.0, 0.0, 6.0);
  EXPECT_NEAR(std::abs(back.azimuth_off_deg), 180.0, kTol);
  EXPECT_NEAR(back.depression_deg, 6.0, kTol);
  EXPECT_NEAR(pr::to_antenna_frame(180.0, 6.0, 0.0, 6.0).depression_deg, 0.0, kTol);
}

TEST(Sector3gpp, DowntiltMovesVerticalPeak) {
  auto params = default_sector();
  params.electrical_downtilt_deg = 4.0;
  const auto a = pr::AntennaPattern::sector_3gpp(params, 45.0, 3.0);
  double best = -1e9, best_el = 0;
  for (int i = -3000; i <= 1000; ++i) {  // elevation -30 .. +10 in 0.01 deg steps, on boresight
    const double el = i * 0.01;
    const double g = a.gain_dbi(45.0, el);
    if (g > best) {
      best = g;
      best_el = el;
    }
  }
  EXPECT_NEAR(best_el, -7.0, 1e-9);  // electrical 4 + mechanical 3 on boresight
  EXPECT_NEAR(best, 17.0, kTol);
  // Without tilt the peak is on the horizon.
  const auto flat = pr::AntennaPattern::sector_3gpp(default_sector(), 45.0);
  EXPECT_GT(flat.gain_dbi(45.0, 0.0), flat.gain_dbi(45.0, -7.0));
  EXPECT_GT(a.gain_dbi(45.0, -7.0), a.gain_dbi(45.0, 0.0));
}

TEST(Sector3gpp, InvalidParametersAndAngles) {
  auto p = default_sector();
  p.h_beamwidth_deg = 0;
  EXPECT_THROW(pr::AntennaPattern::sector_3gpp(p, 0), phusong::InputError);
  p = default_sector();
  p.v_beamwidth_deg = -5;
  EXPECT_THROW(pr::AntennaPattern::sector_3gpp(p, 0), phusong::InputError);
  EXPECT_THROW(pr::AntennaPattern::sector_3gpp(default_sector(), NAN), phusong::InputError);
  EXPECT_THROW(pr::AntennaPattern::sector_3gpp(default_sector(), 0, 95), phusong::InputError);
  const auto a = pr::AntennaPattern::sector_3gpp(default_sector(), 0);
  EXPECT_THROW(a.gain_dbi(0, 91), phusong::InputError);
  EXPECT_THROW(a.gain_dbi(NAN, 0), phusong::InputError);
}

TEST(Omni, ConstantGain) {
  const auto a = pr::AntennaPattern::omni(2.15);
  EXPECT_DOUBLE_EQ(a.gain_dbi(0, 0), 2.15);
  EXPECT_DOUBLE_EQ(a.gain_dbi(237, -45), 2.15);
  EXPECT_DOUBLE_EQ(a.max_gain_dbi(), 2.15);
  const pr::AntennaPattern def;  // default: omni 0 dBi
  EXPECT_DOUBLE_EQ(def.gain_dbi(10, 10), 0.0);
}

// ------------------------------------------------------------------------------------------------
// MSI/Planet pattern files.

TEST(MsiPattern, ReadsHeaderAndCuts) {
  const auto t = pr::read_msi_pattern(data_file(kSectorFile));
  EXPECT_EQ(t.name, "PHUSONG-TEST-SECTOR-65-T6");
  EXPECT_EQ(t.make, "phusong tests (synthetic)");
  EXPECT_DOUBLE_EQ(t.frequency_mhz, 900.0);
  EXPECT_DOUBLE_EQ(t.h_beamwidth_deg, 65.0);
  EXPECT_DOUBLE_EQ(t.v_beamwidth_deg, 7.0);
  EXPECT_DOUBLE_EQ(t.front_to_back_db, 22.0);
  EXPECT_NEAR(t.gain_dbi, 18.0, 1e-12);  // GAIN 15.85 dBd + 2.15
  EXPECT_EQ(t.tilt, "ELECTRICAL");
  EXPECT_DOUBLE_EQ(t.electrical_tilt_deg, 6.0);
  EXPECT_EQ(t.polarization, "+45");
  EXPECT_TRUE(contains(t.comment, "not a real antenna"));
  ASSERT_EQ(t.horizontal.size(), 360u);
  ASSERT_EQ(t.vertical.size(), 360u);
  EXPECT_DOUBLE_EQ(t.horizontal[10].attenuation_db, 0.28);  // file line 24: "10 0.28"
  EXPECT_DOUBLE_EQ(t.horizontal[180].attenuation_db, 22.0);
  EXPECT_DOUBLE_EQ(t.vertical[0].attenuation_db, 8.82);  // 12 (6/7)^2 = 8.816 -> 8.82
  EXPECT_DOUBLE_EQ(t.vertical[6].attenuation_db, 0.0);
  EXPECT_DOUBLE_EQ(t.max_attenuation_db(), 30.0);
}

TEST(MsiPattern, VendorVariantBareNameDbdDefaultGhzTabs) {
  const auto t = pr::read_msi_pattern(data_file(kCoarseFile));
  EXPECT_EQ(t.name, "Coarse Test Panel 8pt");  // first line without a keyword
  EXPECT_NEAR(t.gain_dbi, 12.15, 1e-12);       // "GAIN 10": dBd by default
  EXPECT_DOUBLE_EQ(t.frequency_mhz, 1800.0);   // "1.8 GHz"
  EXPECT_DOUBLE_EQ(t.electrical_tilt_deg, 0.0);
  EXPECT_EQ(t.horizontal.size(), 8u);
  EXPECT_EQ(t.vertical.size(), 4u);
}

TEST(MsiPattern, CrlfLineEnds) {
  std::istringstream is(
      "NAME crlf\r\nGAIN 3 dBi\r\nHORIZONTAL 2\r\n0 0\r\n180 20\r\nVERTICAL 2\r\n0 0\r\n180 20\r\n");
  const auto t = pr::parse_msi_pattern(is, "crlf.msi");
  EXPECT_EQ(t.name, "crlf");
  EXPECT_DOUBLE_EQ(t.gain_dbi, 3.0);
  EXPECT_NEAR(t.horizontal_attenuation_db(90), 10.0, 1e-12);
}

TEST(MsiPattern, LinearInterpolationBetweenDegrees) {
  const auto t = pr::read_msi_pattern(data_file(kSectorFile));
  // H(10) = 0.28, H(11) = 0.34 -> H(10.5) = 0.31; H(10.25) = 0.28 + 0.25 * 0.06 = 0.295
  EXPECT_NEAR(t.horizontal_attenuation_db(10.5), 0.31, 1e-12);
  EXPECT_NEAR(t.horizontal_attenuation_db(10.25), 0.295, 1e-12);
  // Symmetric side through the wrap: H(349) = 0.34, H(350) = 0.28 -> H(-10.5) = H(349.5) = 0.31
  EXPECT_NEAR(t.horizontal_attenuation_db(-10.5), 0.31, 1e-12);
  // V(3) = 2.20, V(4) = 0.98 -> V(3.5) = 1.59
  EXPECT_NEAR(t.vertical_attenuation_db(3.5), 1.59, 1e-12);
  // Between 359 and 360 = 0: V(359) = 12 (-7/7)^2 = 12.00, V(0) = 8.82 -> V(359.5) = 10.41
  EXPECT_NEAR(t.vertical_attenuation_db(359.5), 10.41, 1e-12);
  EXPECT_NEAR(t.vertical_attenuation_db(-0.5), 10.41, 1e-12);

  // Coarse file, 45-degree steps: H(315) = 3, H(360 = 0) = 0 -> H(350) = 3 - 3 * 35/45 = 0.666667
  const auto c = pr::read_msi_pattern(data_file(kCoarseFile));
  EXPECT_NEAR(c.horizontal_attenuation_db(350), 3.0 - 3.0 * 35.0 / 45.0, 1e-12);
  EXPECT_NEAR(c.horizontal_attenuation_db(22.5), 1.5, 1e-12);
  EXPECT_NEAR(c.vertical_attenuation_db(315), 10.0, 1e-12);  // between 270 (20) and 360 (0)
  EXPECT_NEAR(c.vertical_attenuation_db(45), 10.0, 1e-12);
}

TEST(MsiPattern, ThreeDimensionalCombination) {
  const auto t =
      std::make_shared<const pr::AntennaPatternTable>(pr::read_msi_pattern(data_file(kSectorFile)));
  // Vmin_front = V(6) = 0, Vmin_back = V(186) = 22, A_max = 30, gain 18 dBi.
  const auto a = pr::AntennaPattern::table(t, 120.0);
  // Boresight plane reproduces the vertical cut: A(0, delta) = H(0) + V(delta) - 0.
  EXPECT_NEAR(a.gain_dbi(120.0, -6.0), 18.0, 1e-9);
  EXPECT_NEAR(a.gain_dbi(120.0, 0.0), 18.0 - 8.82, 1e-9);
  EXPECT_NEAR(a.gain_dbi(120.0, -3.5), 18.0 - 1.59, 1e-9);
  // Back plane reproduces the back half of the vertical cut: A(180, delta) = 22 + V(180 - delta) - 22.
  EXPECT_NEAR(a.gain_dbi(300.0, 0.0), 18.0 - 23.08, 1e-9);  // V(180) = 22 + 12 (6/20)^2 = 23.08
  EXPECT_NEAR(a.gain_dbi(300.0, 6.0), 18.0 - 22.0, 1e-9);   // V(186) = 22
  // Off boresight at the beam peak (delta = 6), phi = 30: w = 30/180 = 1/6
  //   H(30) = 2.56; V_back(6) = V(174) - 22 = 26.32 - 22 = 4.32
  //   A = 2.56 + (5/6) * 0 + (1/6) * 4.32 = 2.56 + 0.72 = 3.28 -> 14.72 dBi
  EXPECT_NEAR(a.gain_dbi(150.0, -6.0), 18.0 - 3.28, 1e-9);
  // phi = 10.5, delta = 6: A = H(10.5) + (10.5/180) * 4.32 = 0.31 + 0.252 = 0.562 -> 17.438 dBi
  EXPECT_NEAR(a.gain_dbi(130.5, -6.0), 17.438, 1e-9);
  // Same value from the table's own method (antenna frame).
  EXPECT_NEAR(t->attenuation_db(10.5, 6.0), 0.562, 1e-9);
  // Never above the file's gain, never below gain - A_max.
  for (int az = 0; az < 360; az += 7) {
    for (int el = -90; el <= 90; el += 5) {
      const double g = a.gain_dbi(az, el);
      EXPECT_LE(g, 18.0 + 1e-12);
      EXPECT_GE(g, 18.0 - 30.0 - 1e-12);
    }
  }
}

TEST(MsiPattern, MechanicalTiltMovesTablePeak) {
  const auto a = pr::AntennaPattern::from_msi_file(data_file(kSectorFile), 200.0, 2.0);
  double best = -1e9, best_el = 0;
  for (int i = -3000; i <= 1000; ++i) {
    const double el = i * 0.01;
    const double g = a.gain_dbi(200.0, el);
    if (g > best) {
      best = g;
      best_el = el;
    }
  }
  EXPECT_NEAR(best_el, -8.0, 1e-9);  // 6 (in the file) + 2 mechanical
  EXPECT_NEAR(best, 18.0, 1e-9);
}

TEST(MsiPattern, WriteReadRoundTrip) {
  const auto t = pr::read_msi_pattern(data_file(kSectorFile));
  const auto dir = std::filesystem::temp_directory_path() / "phusong-test-antenna";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "roundtrip.msi").string();
  pr::write_msi_pattern(t, path);
  const auto u = pr::read_msi_pattern(path);
  EXPECT_EQ(u.name, t.name);
  EXPECT_EQ(u.make, t.make);
  EXPECT_EQ(u.comment, t.comment);
  EXPECT_EQ(u.polarization, t.polarization);
  EXPECT_EQ(u.tilt, t.tilt);
  EXPECT_DOUBLE_EQ(u.electrical_tilt_deg, t.electrical_tilt_deg);
  EXPECT_DOUBLE_EQ(u.frequency_mhz, t.frequency_mhz);
  EXPECT_DOUBLE_EQ(u.gain_dbi, t.gain_dbi);
  EXPECT_DOUBLE_EQ(u.h_beamwidth_deg, t.h_beamwidth_deg);
  EXPECT_DOUBLE_EQ(u.front_to_back_db, t.front_to_back_db);
  ASSERT_EQ(u.horizontal.size(), t.horizontal.size());
  ASSERT_EQ(u.vertical.size(), t.vertical.size());
  for (std::size_t i = 0; i < t.horizontal.size(); ++i) {
    EXPECT_EQ(u.horizontal[i].angle_deg, t.horizontal[i].angle_deg);
    EXPECT_EQ(u.horizontal[i].attenuation_db, t.horizontal[i].attenuation_db);
  }
  for (std::size_t i = 0; i < t.vertical.size(); ++i) {
    EXPECT_EQ(u.vertical[i].angle_deg, t.vertical[i].angle_deg);
    EXPECT_EQ(u.vertical[i].attenuation_db, t.vertical[i].attenuation_db);
  }
  std::filesystem::remove_all(dir);
}

TEST(MsiPattern, MalformedFilesNameFileAndLine) {
  phusong::test::expect_throws_mentioning<phusong::InputError>(
      [] { pr::read_msi_pattern(data_file("tests/data/antenna/bad_data_line.msi")); },
      {"bad_data_line.msi:6:", "180 abc"});
  // "line 4": where HORIZONTAL 360 was announced.
  phusong::test::expect_throws_mentioning<phusong::InputError>(
      [] { pr::read_msi_pattern(data_file("tests/data/antenna/truncated.msi")); },
      {"truncated.msi:8:", "line 4", "360"});
  EXPECT_THROW(pr::read_msi_pattern("tests/data/antenna/does_not_exist.msi"), phusong::InputError);
}

TEST(MsiPattern, MalformedTextErrors) {
  EXPECT_EQ(parse_error(small_pattern()), "");
  // Unknown gain unit, line 2.
  auto e = parse_error(small_pattern("GAIN 12 dBm"));
  EXPECT_TRUE(contains(e, "mem.msi:2:") && contains(e, "dBm")) << e;
  // Non-numeric gain.
  e = parse_error(small_pattern("GAIN twelve"));
  EXPECT_TRUE(contains(e, "mem.msi:2:") && contains(e, "twelve")) << e;
  // Missing gain.
  e = parse_error(small_pattern("MAKE nobody"));
  EXPECT_TRUE(contains(e, "no GAIN")) << e;
  // Angles not increasing, line 6.
  std::string s = small_pattern();
  s.replace(s.find("180 25\n"), 7, "45 25\n");
  e = parse_error(s);
  EXPECT_TRUE(contains(e, "mem.msi:6:") && contains(e, "45")) << e;
  // Negative attenuation, line 5.
  s = small_pattern();
  s.replace(s.find("90 10\n"), 6, "90 -10\n");
  e = parse_error(s);
  EXPECT_TRUE(contains(e, "mem.msi:5:") && contains(e, "-10")) << e;
  // Angle 360 is outside [0, 360), line 7.
  s = small_pattern();
  s.replace(s.find("270 10\n"), 7, "360 10\n");
  e = parse_error(s);
  EXPECT_TRUE(contains(e, "mem.msi:7:") && contains(e, "360")) << e;
  // Three fields on a data line, line 4.
  s = small_pattern();
  s.replace(s.find("0 0\n"), 4, "0 0 0\n");
  e = parse_error(s);
  EXPECT_TRUE(contains(e, "mem.msi:4:")) << e;
  // Count that is not an integer, line 3.
  s = small_pattern();
  s.replace(s.find("HORIZONTAL 4"), 12, "HORIZONTAL x");
  e = parse_error(s);
  EXPECT_TRUE(contains(e, "mem.msi:3:") && contains(e, "HORIZONTAL x")) << e;
  // A data line before any section.
  e = parse_error("NAME x\n5 1.0\nGAIN 1\n");
  EXPECT_TRUE(contains(e, "mem.msi:2:") && contains(e, "outside")) << e;
  // Missing VERTICAL section.
  e = parse_error("NAME x\nGAIN 1\nHORIZONTAL 2\n0 0\n180 20\n");
  EXPECT_TRUE(contains(e, "no VERTICAL")) << e;
  // Repeated section.
  e = parse_error(small_pattern() + "HORIZONTAL 2\n0 0\n180 1\n");
  EXPECT_TRUE(contains(e, "mem.msi:13:") && contains(e, "line 3")) << e;
  // File ends inside a section.
  e = parse_error("NAME x\nGAIN 1\nVERTICAL 3\n0 0\n90 10\n");
  EXPECT_TRUE(contains(e, "mem.msi:5:") && contains(e, "2 of the 3")) << e;
}

// ------------------------------------------------------------------------------------------------
// Look angles.

TEST(LookAngles, ElevationFollowsEarthCurvature) {
  // ht = 500 m, hr = 300 m AMSL, d = 10 km, a_e = 4/3 * 6371 km = 8494666.667 m
  //   atan(-200/10000) = atan(-0.02) = -0.019997334 rad
  //   d / (2 a_e) = 10000 / 16989333.33 = 0.000588605 rad
  //   theta = -0.020585939 rad = -1.179487 deg
  const double ae = pr::effective_earth_radius_m(4.0 / 3.0);
  EXPECT_NEAR(ae, 8494666.667, 1e-3);
  EXPECT_NEAR(pr::elevation_angle_deg(500, 300, 10000, ae), -1.179487, kTol);
  // Equal heights: the receiver drops below the horizontal by d / (2 a_e) only.
  EXPECT_NEAR(pr::elevation_angle_deg(100, 100, 10000, ae), -0.0005886046 * 180.0 / M_PI, 1e-7);
  // Directly above.
  EXPECT_NEAR(pr::elevation_angle_deg(100, 200, 0, ae), 90.0, 1e-12);
  EXPECT_THROW(pr::elevation_angle_deg(100, 200, -1, ae), phusong::InputError);
  EXPECT_THROW(pr::elevation_angle_deg(100, 200, 10, 0), phusong::InputError);
}

TEST(LookAngles, GeodesicAzimuth) {
  // Along the equator 1 degree of longitude is a * pi / 180 = 6378137 * 0.017453293 = 111319.491 m.
  auto g = pr::geodesic_azimuth(0, 0, 1, 0);
  EXPECT_NEAR(g.azimuth_deg, 90.0, 1e-9);
  EXPECT_NEAR(g.distance_m, 111319.491, 1e-3);
  EXPECT_NEAR(pr::geodesic_azimuth(0, 0, -1, 0).azimuth_deg, 270.0, 1e-9);
  EXPECT_NEAR(pr::geodesic_azimuth(104, 21, 104, 21.1).azimuth_deg, 0.0, 1e-9);
  EXPECT_NEAR(pr::geodesic_azimuth(104, 21, 104, 20.9).azimuth_deg, 180.0, 1e-9);
  // Sơn La area, short path to the north-east (1.1 km): close to the local ellipsoidal bearing
  // atan(N cos(lat) dlon / (M dlat)) at the mid latitude 21.305 deg, with
  //   N / M = (1 - e^2 sin^2 lat) / (1 - e^2) = (1 - 0.006694380 * 0.132011) / 0.993306 = 1.005850
  //   tan = cos(21.305) * 1.005850 = 0.931660 * 1.005850 = 0.937110 -> 43.140 deg
  EXPECT_NEAR(pr::geodesic_azimuth(103.9, 21.3, 103.91, 21.31).azimuth_deg, 43.140, 0.01);
  EXPECT_THROW(pr::geodesic_azimuth(0, 91, 0, 0), phusong::InputError);
}

TEST(LookAngles, Combined) {
  const auto la = pr::look_angles(104.0, 21.0, 600.0, 104.0, 21.1, 400.0);
  EXPECT_NEAR(la.azimuth_deg, 0.0, 1e-9);
  EXPECT_GT(la.distance_m, 11000.0);
  EXPECT_LT(la.distance_m, 11100.0);
  EXPECT_NEAR(la.elevation_deg,
              pr::elevation_angle_deg(600.0, 400.0, la.distance_m, pr::effective_earth_radius_m(4.0 / 3.0)),
              1e-12);
  // Plug into a pattern: a sector pointing north, tilted to that elevation, sees its peak.
  pr::Sector3gppAntenna p;
  p.electrical_downtilt_deg = -la.elevation_deg;
  const auto a = pr::AntennaPattern::sector_3gpp(p, 0.0);
  EXPECT_NEAR(a.gain_dbi(la.azimuth_deg, la.elevation_deg), p.max_gain_dbi, 1e-9);
}
