// Free-space loss and link budget, worked by hand from the published formulas.
#include <gtest/gtest.h>

#include <cmath>

#include "phusong/error.hpp"
#include "phusong/radio.hpp"

using namespace phusong;

TEST(Radio, FreeSpaceByHand) {
  // ITU-R P.525: L = 32.45 + 20 log10(1800) + 20 log10(10) = 32.45 + 65.105 + 20 = 117.555 dB.
  EXPECT_NEAR(radio::free_space_loss_db(10.0, 1800.0), 117.555, 1e-3);
  // 900 MHz, 1 km: 32.45 + 59.085 + 0 = 91.535 dB.
  EXPECT_NEAR(radio::free_space_loss_db(1.0, 900.0), 91.535, 1e-3);
  EXPECT_THROW(radio::free_space_loss_db(0.0, 900.0), RangeError);
  EXPECT_THROW(radio::free_space_loss_db(1.0, -5.0), RangeError);
}

TEST(Radio, RsrpByHand) {
  // 10 MHz LTE = 50 RB = 600 subcarriers: 10 log10(600) = 27.782 dB.
  // EIRP 60 dBm, loss 140 dB: RSRP = 60 - 140 - 27.782 = -107.782 dBm.
  EXPECT_NEAR(radio::rsrp_dbm(60.0, 140.0, 10.0), -107.782, 1e-3);
  EXPECT_EQ(radio::lte_resource_blocks(20.0), 100);
  EXPECT_EQ(radio::lte_resource_blocks(1.4), 6);
  EXPECT_THROW(radio::lte_resource_blocks(-1.0), InputError);
}

TEST(Radio, PathLossOnFlatProfileIsFreeSpace) {
  // A flat 5 km path with 30 m and 10 m antennas is well clear of the ground: the diffraction
  // term of delta-Bullington is then ~0 and the loss is the free-space loss.
  std::vector<double> d, h;
  for (int i = 0; i <= 50; ++i) {
    d.push_back(i * 100.0);
    h.push_back(100.0);
  }
  radio::PathInput in;
  in.freq_mhz = 1800;
  in.tx_height_m = 30;
  in.rx_height_m = 10;
  auto r = radio::path_loss(d, h, in);
  EXPECT_TRUE(r.line_of_sight);
  EXPECT_NEAR(r.free_space_db, radio::free_space_loss_db(std::hypot(5000.0, 20.0) / 1000, 1800), 1e-9);
  EXPECT_LT(r.diffraction_db, 1.0);
  EXPECT_GE(r.diffraction_db, 0.0);
}

TEST(Radio, RidgeAddsKnifeEdgeLoss) {
  // A 100 m knife-edge in the middle of a 10 km flat path at 1800 MHz, antennas 10 m:
  // Fresnel parameter nu = h * sqrt(2/lambda * (1/d1 + 1/d2)), with h ~ 90 m above the line
  // (ignoring the small earth bulge) gives nu ~ 6.3 and J(nu) = 6.9 + 20 log10(sqrt((nu-0.1)^2+1) + nu - 0.1)
  // ~ 28.9 dB (P.526 eq. 31); Bullington on this profile is exactly that single edge.
  std::vector<double> d, h;
  for (int i = 0; i <= 100; ++i) {
    d.push_back(i * 100.0);
    h.push_back(i == 50 ? 100.0 : 0.0);
  }
  radio::PathInput in;
  in.freq_mhz = 1800;
  in.tx_height_m = 10;
  in.rx_height_m = 10;
  auto r = radio::path_loss(d, h, in);
  EXPECT_FALSE(r.line_of_sight);
  const double lambda = 2.998e8 / 1.8e9;
  const double bulge = 5000.0 * 5000.0 / (2 * (4.0 / 3.0) * 6371000.0);
  const double nu = (100.0 + bulge - 10.0) * std::sqrt(2.0 / lambda * (1 / 5000.0 + 1 / 5000.0));
  const double j = 6.9 + 20 * std::log10(std::sqrt((nu - 0.1) * (nu - 0.1) + 1) + nu - 0.1);
  EXPECT_NEAR(radio::knife_edge_loss_db(nu), j, 1e-9);
  // The Bullington part is that single edge (the Bullington point is the edge) plus P.526's
  // correction for the path: Lb = J + (1 - exp(-J/6)) (10 + 0.02 d_km), d = 10 km.
  const double lb = j + (1 - std::exp(-j / 6)) * (10 + 0.02 * 10);
  std::vector<double> d_km;
  for (double x : d) d_km.push_back(x / 1000.0);
  EXPECT_NEAR(radio::bullington_loss_db(d_km, h, 10.0, 10.0, 1800.0, 4.0 / 3.0 * 6371.0), lb, 0.01);
  // Delta-Bullington adds the spherical-earth correction max(Lsph - Lbs, 0) >= 0.
  EXPECT_GE(r.diffraction_db, lb - 1e-9);
  EXPECT_THROW(radio::path_model_from_string("nope"), InputError);
}
