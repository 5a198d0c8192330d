// CRS transforms against PROJ's cs2cs and gdaltransform, and geodesics against known values.
#include <gtest/gtest.h>

#include "phusong/error.hpp"
#include "phusong/geo.hpp"
#include "test_support.hpp"

using namespace phusong;

// Expected values printed by: cs2cs -f "%.4f" EPSG:4326 EPSG:32648 (input lat lon).
TEST(Geo, Utm48nMatchesCs2cs) {
  geo::Transformer t("WGS84", "UTM48N");
  auto [e1, n1] = t.transform(103.9, 21.3);
  EXPECT_NEAR(e1, 385903.1058, 1e-3);
  EXPECT_NEAR(n1, 2355747.9327, 1e-3);
  auto [e2, n2] = t.transform(105.5, 21.5);
  EXPECT_NEAR(e2, 551789.8643, 1e-3);
  EXPECT_NEAR(n2, 2377568.4648, 1e-3);
}

// cs2cs -f "%.4f" EPSG:4326 EPSG:9206 (VN-2000 / TM-3 104-00 with the official 7-parameter shift).
TEST(Geo, Vn2000Tm3MatchesCs2cs) {
  geo::Transformer t("WGS84", "VN2000-TM3-104");
  auto [e1, n1] = t.transform(103.9, 21.3);
  EXPECT_NEAR(e1, 489428.9099, 1e-3);
  EXPECT_NEAR(n1, 2356166.9335, 1e-3);
  auto [e2, n2] = t.transform(104.0, 21.0);
  EXPECT_NEAR(e2, 499803.9490, 1e-3);
  EXPECT_NEAR(n2, 2322951.4417, 1e-3);
  // gdaltransform -s_srs EPSG:9206 -t_srs EPSG:4326 <<< "500000 2350000"
  geo::Transformer back("VN2000-TM3-104", "WGS84");
  auto [lon, lat] = back.transform(500000, 2350000);
  EXPECT_NEAR(lon, 104.001888964049, 1e-9);
  EXPECT_NEAR(lat, 21.2443256605936, 1e-9);
}

TEST(Geo, UnknownCrsNamesTheText) {
  phusong::test::expect_throws_mentioning<InputError>([] { geo::crs_wkt("NOT-A-CRS"); }, {"NOT-A-CRS"});
}

// Expected distances printed by PROJ's own `geod +ellps=WGS84 -I +units=m`:
//   40.64 -73.78 1.36 103.99      -> 15347512.941 m (JFK to Singapore)
//   21.0278 105.8342 21.3256 103.9188 -> 201622.370 m (Hà Nội to Sơn La city)
TEST(Geo, GeodesicMatchesProjGeod) {
  auto g = geo::geodesic_inverse(-73.78, 40.64, 103.99, 1.36);
  EXPECT_NEAR(g.distance_m, 15347512.941, 1e-2);
  EXPECT_NEAR(geo::geodesic_inverse(105.8342, 21.0278, 103.9188, 21.3256).distance_m, 201622.370, 1e-2);
  std::vector<double> lon, lat;
  geo::geodesic_points(-73.78, 40.64, 103.99, 1.36, 3, lon, lat);
  auto half = geo::geodesic_inverse(-73.78, 40.64, lon[1], lat[1]);
  EXPECT_NEAR(half.distance_m, g.distance_m / 2, 1e-3);
}
