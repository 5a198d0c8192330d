#include <gtest/gtest.h>
#include <ogrsf_frmts.h>

#include <filesystem>
#include <fstream>

#include "phusong/error.hpp"
#include "phusong/io.hpp"
#include "test_support.hpp"

using namespace phusong;
namespace fs = std::filesystem;

namespace {
std::string write_file(const std::string& dir, const std::string& name, const std::string& text) {
  const std::string p = dir + "/" + name;
  std::ofstream(p) << text;
  return p;
}
std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}
const char* kHeader = "id,name,commune,district,population,households,lon,lat\n";
}  // namespace

TEST(Io, ReadsVillagesCsvWithVietnameseNames) {
  auto dir = test::tmp_dir("io-read");
  auto p = write_file(dir, "v.csv", std::string(kHeader) +
                                        "B1,Bản Nà Sản,Xã Chiềng Mung,Mai Sơn,420,95,103.95,21.21\n"
                                        "B2,Bản Huổi Một,Xã Nậm Lạnh,Sốp Cộp,180,40,103.50,20.90\n");
  auto v = io::read_villages(p);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].name, "Bản Nà Sản");
  EXPECT_EQ(v[1].district, "Sốp Cộp");
  EXPECT_DOUBLE_EQ(v[1].population, 180);
  EXPECT_DOUBLE_EQ(v[0].lon, 103.95);
  EXPECT_EQ(v[1].row, 2);
}

TEST(Io, BadVillageFilesNameFileRowAndValue) {
  auto dir = test::tmp_dir("io-bad");
  auto missing = write_file(dir, "missing.csv", "id,name,households,lon,lat\nB1,x,3,105,21\n");
  EXPECT_EQ(error_of([&] { io::read_villages(missing); }), missing + ": missing field 'population'");
  auto dup = write_file(dir, "dup.csv", std::string(kHeader) + "B1,a,c,d,1,1,105,21\nB1,b,c,d,1,1,105,21\n");
  EXPECT_EQ(error_of([&] { io::read_villages(dup); }), dup + ": row 2: duplicate id 'B1'");
  auto nan = write_file(dir, "nan.csv", std::string(kHeader) + "B1,a,c,d,many,1,105,21\n");
  EXPECT_EQ(error_of([&] { io::read_villages(nan); }), nan + ": row 1: field 'population' is not a number: 'many'");
  auto neg = write_file(dir, "neg.csv", std::string(kHeader) + "B1,a,c,d,10,-2,105,21\n");
  EXPECT_EQ(error_of([&] { io::read_villages(neg); }), neg + ": row 1: field 'households' is negative: -2");
  auto nolon = write_file(dir, "nolon.csv", "id,name,population,households,lat\nB1,a,1,1,21\n");
  EXPECT_NE(error_of([&] { io::read_villages(nolon); }).find("missing field 'lon'"), std::string::npos);
  EXPECT_EQ(error_of([&] { io::read_villages(dir + "/absent.csv"); }), dir + "/absent.csv: file not found");
}

TEST(Io, ReadsSitesWithTxPowerAndGain) {
  auto dir = test::tmp_dir("io-sites");
  auto p = write_file(dir, "t.csv",
                      "id,operator,technologies,height_m,freq_mhz,tx_power_dbm,antenna_gain_dbi,feeder_loss_db,lon,lat\n"
                      "T1,Viettel,2G;3G;4G,35,1800,43,17,2,105.1,21.2\n");
  auto s = io::read_sites(p, 10);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_DOUBLE_EQ(s[0].eirp_dbm, 58.0);  // 43 + 17 - 2
  EXPECT_EQ(s[0].operator_name, "Viettel");
  auto bad = write_file(dir, "bad.csv", "id,operator,technologies,height_m,freq_mhz,eirp_dbm,lon,lat\nT1,V,4G,35,0,60,105,21\n");
  EXPECT_EQ(error_of([&] { io::read_sites(bad); }), bad + ": row 1: field 'freq_mhz' must be > 0, got 0");
}

TEST(Io, ShapefileRoundTripUtf8PrjCpg) {
  auto dir = test::tmp_dir("io-shp");
  io::PointTable t;
  t.lon = {103.9, 104.1};
  t.lat = {21.3, 21.4};
  io::Field name{"name", io::Field::Type::string};
  name.strings = {"Bản Nà Sản", "Chiềng Mung"};
  io::Field pop{"pop", io::Field::Type::real};
  pop.reals = {420, 180};
  t.fields = {name, pop};
  const std::string path = dir + "/villages.shp";
  io::write_points(path, "ESRI Shapefile", "VN2000-TM3-104", t, "villages");
  for (const char* e : {".shp", ".shx", ".dbf", ".prj", ".cpg"})
    EXPECT_TRUE(fs::exists(dir + "/villages" + e)) << e;
  std::ifstream cpg(dir + "/villages.cpg");
  std::string enc;
  cpg >> enc;
  EXPECT_EQ(enc, "UTF-8");
  GDALAllRegister();
  std::unique_ptr<GDALDataset> ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR));
  ASSERT_TRUE(ds);
  OGRLayer* l = ds->GetLayer(0);
  ASSERT_TRUE(l->GetSpatialRef());
  EXPECT_NE(std::string(l->GetSpatialRef()->GetName()).find("VN-2000"), std::string::npos);
  std::unique_ptr<OGRFeature> f(l->GetNextFeature());
  EXPECT_STREQ(f->GetFieldAsString("name"), "Bản Nà Sản");
  // cs2cs EPSG:4326 EPSG:9206 of (21.3 N, 103.9 E): 489428.9099 2356166.9335
  EXPECT_NEAR(f->GetGeometryRef()->toPoint()->getX(), 489428.9099, 1e-3);
  // A name longer than 10 characters fails before anything replaces the existing files.
  const auto before = fs::last_write_time(dir + "/villages.dbf");
  t.fields[1].name = "population_count";
  EXPECT_THROW(io::write_points(path, "ESRI Shapefile", "WGS84", t, "villages"), InputError);
  EXPECT_EQ(fs::last_write_time(dir + "/villages.dbf"), before);
  for (const auto& e : fs::directory_iterator(dir))
    EXPECT_EQ(e.path().filename().string().find(".phusong-staging"), std::string::npos);
}
