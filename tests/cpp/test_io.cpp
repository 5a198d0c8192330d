// The readers and writers of engine/src/io: villages and sites files, limits, encodings, rasters
// and vector layers.
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>

#include <cmath>
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

// ---------------------------------------------------------------------------------------------
// Issue 11: physical ranges, technologies, encodings.

namespace {
const char* kSiteHeader = "id,operator,technologies,height_m,freq_mhz,eirp_dbm,lon,lat\n";
// One site row with one field replaced: which = column name, value = its text.
std::string site_error(const std::string& dir, const std::string& header, const std::string& row) {
  static int n = 0;
  auto p = write_file(dir, "s" + std::to_string(++n) + ".csv", header + row);
  return error_of([&] { io::read_sites(p); });
}
bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
}  // namespace

TEST(IoLimits, SiteFieldsOutsideTheirPhysicalRangeNameFileRowFieldValueAndFix) {
  auto dir = test::tmp_dir("io-site-ranges");
  auto tall = write_file(dir, "tall.csv", std::string(kSiteHeader) + "T1,V,4G,35,1800,60,105,21\nT2,V,4G,10000,1800,60,105,21\n");
  EXPECT_EQ(error_of([&] { io::read_sites(tall); }),
            tall + ": row 2: field 'height_m' is 10000 m: too high for an antenna above ground (expected 0 < height_m ≤ "
                   "500 m; fix: give the antenna height above the ground in metres, not its altitude above sea level)");
  const std::string h = kSiteHeader;
  EXPECT_TRUE(has(site_error(dir, h, "T1,V,4G,0,1800,60,105,21\n"), "row 1: field 'height_m' is 0 m: too low"));
  EXPECT_TRUE(has(site_error(dir, h, "T1,V,4G,500,1800,60,105,21\n"), "(no error)"));  // the top is allowed
  // Frequency: a value in GHz or Hz; 0 keeps its own message (tested above).
  auto ghz = site_error(dir, h, "T1,V,4G,35,1.8,60,105,21\n");
  EXPECT_TRUE(has(ghz, "row 1: field 'freq_mhz' is 1.8 MHz: too low")) << ghz;
  EXPECT_TRUE(has(ghz, "expected 20 ≤ freq_mhz ≤ 100000 MHz; fix: give the carrier frequency in MHz")) << ghz;
  EXPECT_TRUE(has(site_error(dir, h, "T1,V,4G,35,1800000000,60,105,21\n"), "field 'freq_mhz' is 1800000000 MHz: too high"));
  // EIRP: watts or a sentinel.
  EXPECT_TRUE(has(site_error(dir, h, "T1,V,4G,35,1800,-99,105,21\n"), "field 'eirp_dbm' is -99 dBm: too low for an EIRP "
                                                                       "(expected -30 ≤ eirp_dbm ≤ 100 dBm"));
  EXPECT_TRUE(has(site_error(dir, h, "T1,V,4G,35,1800,1000,105,21\n"), "field 'eirp_dbm' is 1000 dBm: too high"));
  // tx_power + gain - feeder: each term, and the sum.
  const std::string ht = "id,operator,technologies,height_m,freq_mhz,tx_power_dbm,antenna_gain_dbi,feeder_loss_db,lon,lat\n";
  EXPECT_TRUE(has(site_error(dir, ht, "T1,V,4G,35,1800,43,60,2,105,21\n"),
                  "row 1: field 'antenna_gain_dbi' is 60 dBi: too high for an antenna gain (expected -10 ≤ "
                  "antenna_gain_dbi ≤ 40 dBi"));
  EXPECT_TRUE(has(site_error(dir, ht, "T1,V,4G,35,1800,43,17,45,105,21\n"),
                  "field 'feeder_loss_db' is 45 dB: too high for a feeder loss (expected 0 ≤ feeder_loss_db ≤ 30 dB"));
  EXPECT_TRUE(has(site_error(dir, ht, "T1,V,4G,35,1800,120,17,2,105,21\n"), "field 'tx_power_dbm' is 120 dBm: too high"));
  const auto sum = site_error(dir, ht, "T1,V,4G,35,1800,85,35,0,105,21\n");
  EXPECT_TRUE(has(sum, "row 1: EIRP = tx_power_dbm + antenna_gain_dbi - feeder_loss_db is 120 dBm: out of range for an "
                       "EIRP (expected -30 ≤ EIRP ≤ 100 dBm")) << sum;
  // Bandwidth (column and default) and downtilt.
  const std::string hb = "id,operator,technologies,height_m,freq_mhz,eirp_dbm,bandwidth_mhz,lon,lat\n";
  EXPECT_TRUE(has(site_error(dir, hb, "T1,V,4G,35,1800,60,0,105,21\n"), "field 'bandwidth_mhz' is 0 MHz: too low"));
  EXPECT_TRUE(has(site_error(dir, hb, "T1,V,4G,35,1800,60,10000,105,21\n"),
                  "field 'bandwidth_mhz' is 10000 MHz: too high for a channel bandwidth (expected 0 < bandwidth_mhz ≤ 400 MHz"));
  auto ok = write_file(dir, "ok.csv", h + "T1,V,4G,35,1800,60,105,21\n");
  EXPECT_TRUE(has(error_of([&] { io::read_sites(ok, 1000); }), "default bandwidth is 1000 MHz: out of range"));
  const std::string ha = "id,operator,technologies,height_m,freq_mhz,eirp_dbm,antenna,azimuth_deg,downtilt_deg,lon,lat\n";
  EXPECT_TRUE(has(site_error(dir, ha, "T1,V,4G,35,1800,60,3gpp,120,95,105,21\n"),
                  "row 1: field 'downtilt_deg' is 95 degrees: too high for a mechanical downtilt (expected -90 ≤ "
                  "downtilt_deg ≤ 90 degrees"));
  EXPECT_TRUE(has(site_error(dir, ha, "T1,V,4G,35,1800,60,3gpp,120,6,105,21\n"), "(no error)"));
}

TEST(IoLimits, VillagePopulationAndHouseholds) {
  auto dir = test::tmp_dir("io-village-ranges");
  auto big = write_file(dir, "big.csv", std::string(kHeader) + "B1,a,c,d,20000000,10,105,21\n");
  EXPECT_EQ(error_of([&] { io::read_villages(big); }),
            big + ": row 1: field 'population' is 20000000: too high for the people of one village (expected 0 ≤ "
                  "population ≤ 10000000; fix: give the number of inhabitants of the village (0 if unknown))");
  auto swapped = write_file(dir, "swapped.csv", std::string(kHeader) + "B1,a,c,d,420,95,105,21\nB2,a,c,d,40,180,105,21\n");
  EXPECT_EQ(error_of([&] { io::read_villages(swapped); }),
            swapped + ": row 2: field 'households' is 180 but 'population' is 40: a household has at least one "
                      "person (expected households ≤ population; fix: check that the two columns are not swapped)");
  auto hh = write_file(dir, "hh.csv", std::string(kHeader) + "B1,a,c,d,0,3,105,21\n");
  EXPECT_TRUE(has(error_of([&] { io::read_villages(hh); }), "row 1: field 'households' is 3 but 'population' is 0"));
  auto empty = write_file(dir, "empty.csv", std::string(kHeader) + "B1,a,c,d,0,0,105,21\nB2,a,c,d,5,5,105,21\n");
  EXPECT_EQ(io::read_villages(empty).size(), 2u);  // an empty bản, and one person per household
  auto lat = write_file(dir, "lat.csv", std::string(kHeader) + "B1,a,c,d,5,1,105,91\n");
  EXPECT_TRUE(has(error_of([&] { io::read_villages(lat); }), "row 1: field 'lat' is not a latitude: 91"));
  auto inf = write_file(dir, "inf.csv", std::string(kHeader) + "B1,a,c,d,5,1,inf,21\n");
  const auto ie = error_of([&] { io::read_villages(inf); });
  EXPECT_TRUE(has(ie, "row 1: field 'lon' is ")) << ie;  // GDAL reads 'inf' in a lon column as empty
}

TEST(IoLimits, VillageRadiusIsOptionalAndChecked) {
  auto dir = test::tmp_dir("io-village-radius");
  const std::string h = "id,name,population,households,radius_m,lon,lat\n";
  auto ok = write_file(dir, "ok.csv", h + "B1,a,100,20,250,105,21\nB2,b,50,10,,105,21\n");
  const auto v = io::read_villages(ok);
  EXPECT_DOUBLE_EQ(v[0].radius_m, 250);
  EXPECT_TRUE(std::isnan(v[1].radius_m));  // empty: the scenario's rule applies
  EXPECT_TRUE(std::isnan(io::read_villages(write_file(dir, "none.csv", std::string(kHeader) +
                                                      "B1,a,c,d,5,1,105,21\n"))[0].radius_m));
  auto km = write_file(dir, "km.csv", h + "B1,a,100,20,25000,105,21\n");
  EXPECT_EQ(error_of([&] { io::read_villages(km); }),
            km + ": row 1: field 'radius_m' is 25000 m: too high for the spread of a bản's households (expected 0 < "
                 "radius_m ≤ 20000 m; fix: give the radius in metres of the area the households live in, not "
                 "kilometres)");
  auto zero = write_file(dir, "zero.csv", h + "B1,a,100,20,0,105,21\n");
  EXPECT_TRUE(has(error_of([&] { io::read_villages(zero); }), "row 1: field 'radius_m' is 0 m: too low"));
}

TEST(IoLimits, TechnologiesAreNormalisedOrRefusedWithTheAcceptedValues) {
  auto dir = test::tmp_dir("io-tech");
  auto p = write_file(dir, "t.csv", std::string(kSiteHeader) +
                                        "T1,V,2G;3G;4G,35,1800,60,105,21\n"
                                        "T2,V,\"lte, GSM/umts;5G NR;4g\",35,1800,60,105,21\n"
                                        "T3,V,WCDMA / HSPA,35,1800,60,105,21\n"
                                        "T4,V,nr,35,3500,60,105,21\n"
                                        "T5,V,4G;2G;4G,35,1800,60,105,21\n");
  auto s = io::read_sites(p);
  ASSERT_EQ(s.size(), 5u);
  EXPECT_EQ(s[0].technologies, "2G;3G;4G");
  EXPECT_EQ(s[1].technologies, "2G;3G;4G;5G");
  EXPECT_EQ(s[2].technologies, "3G");
  EXPECT_EQ(s[3].technologies, "5G");
  EXPECT_EQ(s[4].technologies, "2G;4G");
  const std::string accepted = "each one of 2G, GSM, 3G, UMTS, WCDMA, HSPA, 4G, LTE, 5G, NR, 5G NR, 5GNR, case-insensitive";
  auto unknown = site_error(dir, kSiteHeader, "T1,V,4G;WiMAX,35,1800,60,105,21\n");
  EXPECT_TRUE(has(unknown, "row 1: field 'technologies' is '4G;WiMAX': unknown technology 'WiMAX' (expected technologies "
                           "separated by ; , or /, " + accepted + "; fix: e.g. 2G;3G;4G)")) << unknown;
  EXPECT_TRUE(has(site_error(dir, kSiteHeader, "T1,V,2G;;4G,35,1800,60,105,21\n"),
                  "field 'technologies' is '2G;;4G': an empty technology"));
  EXPECT_TRUE(has(site_error(dir, kSiteHeader, "T1,V,,35,1800,60,105,21\n"), "field 'technologies' is '': an empty technology"));
  EXPECT_EQ(io::known_technologies(), (std::vector<std::string>{"2G", "3G", "4G", "5G"}));
}

TEST(IoLimits, EveryGeneratedDatasetStillReads) {
  // datasets/generated beside the tests (from this file's path, or the working directory).
  fs::path dir = fs::path(__FILE__).parent_path().parent_path().parent_path() / "datasets" / "generated";
  if (!fs::exists(dir)) dir = fs::path("datasets") / "generated";
  ASSERT_TRUE(fs::exists(dir)) << dir;
  int files = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".csv") continue;
    std::ifstream f(e.path());
    std::string header;
    std::getline(f, header);
    const std::string p = e.path().string();
    // Facilities (id, kind, lon, lat: the fibre plan's points) are read by phusong.plan.fibre.
    if (has(header, "kind") && !has(header, "population") && !has(header, "operator")) continue;
    if (has(header, "operator")) {
      EXPECT_NO_THROW(EXPECT_FALSE(io::read_sites(p).empty())) << p << ": " << error_of([&] { io::read_sites(p); });
    } else {
      EXPECT_NO_THROW(EXPECT_FALSE(io::read_villages(p).empty())) << p << ": " << error_of([&] { io::read_villages(p); });
    }
    ++files;
  }
  EXPECT_GE(files, 4);
}

TEST(IoEncoding, LegacyCsvIsRefusedWithTheBytesAGuessAndTheFix) {
  auto dir = test::tmp_dir("io-enc-csv");
  // "Bản Nà Sản" in Windows-1258 (as iconv -t CP1258 writes it: a + combining hook 0xD2, à = 0xE0).
  auto cp = write_file(dir, "v.csv", std::string(kHeader) + "B1,B\x61\xD2n N\xE0 S\x61\xD2n,c,d,5,1,105,21\n");
  EXPECT_EQ(error_of([&] { io::read_villages(cp); }),
            cp + ": row 1: field 'name' is not valid UTF-8: bytes 0xD2 0xE0 0xD2 in 'Ba\\xD2n N\\xE0 Sa\\xD2n'; it looks "
                 "like Windows-1258 (CP1258) text; fix: convert the file to UTF-8: iconv -f CP1258 -t UTF-8 v.csv > "
                 "v.utf8.csv");
  // "Chiềng Đông Sơn" in Windows-1258, in the commune field of a later row.
  auto cp2 = write_file(dir, "c.csv", std::string(kHeader) + "B1,a,x,d,5,1,105,21\nB2,a,Chi\xEA\xCCng \xD0\xF4ng S\xF5n,d,5,1,105,21\n");
  EXPECT_TRUE(has(error_of([&] { io::read_villages(cp2); }), "row 2: field 'commune' is not valid UTF-8: bytes 0xEA 0xCC "
                                                             "0xD0 0xF4 0xF5"));
  EXPECT_TRUE(has(error_of([&] { io::read_villages(cp2); }), "Windows-1258"));
  // TCVN3: "Bản Nà Sản" = B 0xB6 n N 0xB5 S 0xB6 n.
  auto tcvn = write_file(dir, "t.csv", std::string(kHeader) + "B1,B\xB6n N\xB5 S\xB6n,c,d,5,1,105,21\n");
  const auto te = error_of([&] { io::read_villages(tcvn); });
  EXPECT_TRUE(has(te, "bytes 0xB6 0xB5 0xB6")) << te;
  EXPECT_TRUE(has(te, "it looks like TCVN3 (ABC, TCVN 5712) text; fix: convert the file to UTF-8: iconv -f TCVN5712-1 -t "
                      "UTF-8 t.csv > t.utf8.csv")) << te;
  // VNI Windows: "Bản Nà Sản" = Ba\xFBn Na\xF8 Sa\xFBn (a + û hook, a + ø grave); đ = ñ.
  auto vni = write_file(dir, "n.csv", std::string(kHeader) + "B1,Ba\xFBn Na\xF8 Sa\xFBn \xF1ie\xE4n,c,d,5,1,105,21\n");
  const auto ve = error_of([&] { io::read_villages(vni); });
  EXPECT_TRUE(has(ve, "it looks like VNI Windows text; fix: convert the text to Unicode with a Vietnamese converter")) << ve;
  // Site files too (every text field), e.g. the operator.
  auto s = write_file(dir, "s.csv", std::string(kSiteHeader) + "T1,Vi\xEA\xF2t,4G,35,1800,60,105,21\n");
  EXPECT_TRUE(has(error_of([&] { io::read_sites(s); }), s + ": row 1: field 'operator' is not valid UTF-8: bytes 0xEA 0xF2"));
}

namespace {
// A point shapefile whose DBF holds `names` as raw bytes (no recoding) and a .cpg with `cpg`
// (none when empty).
std::string raw_shapefile(const std::string& dir, const std::vector<std::string>& names, const std::string& cpg) {
  GDALAllRegister();
  const std::string path = dir + "/v.shp";
  for (const char* e : {".shp", ".shx", ".dbf", ".prj", ".cpg"}) fs::remove(dir + "/v" + e);
  {
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("ESRI Shapefile");
    std::unique_ptr<GDALDataset> ds(drv->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    OGRSpatialReference wgs;
    wgs.SetWellKnownGeogCS("WGS84");
    const char* lopts[] = {"ENCODING=", nullptr};
    OGRLayer* l = ds->CreateLayer("v", &wgs, wkbPoint, const_cast<char**>(lopts));
    for (const char* f : {"id", "name", "population", "households"}) {
      OGRFieldDefn d(f, OFTString);
      d.SetWidth(40);
      l->CreateField(&d);
    }
    for (std::size_t i = 0; i < names.size(); ++i) {
      OGRFeature feat(l->GetLayerDefn());
      feat.SetField("id", ("B" + std::to_string(i + 1)).c_str());
      feat.SetField("name", names[i].c_str());
      feat.SetField("population", "10");
      feat.SetField("households", "2");
      OGRPoint pt(105.0 + 0.01 * i, 21.0);
      feat.SetGeometry(&pt);
      EXPECT_EQ(l->CreateFeature(&feat), OGRERR_NONE);
    }
  }
  fs::remove(dir + "/v.cpg");
  if (!cpg.empty()) std::ofstream(dir + "/v.cpg") << cpg;
  return path;
}
}  // namespace

TEST(IoEncoding, ShapefileWithCpgCp1258ReadsAsUtf8) {
  auto dir = test::tmp_dir("io-enc-shp");
  const std::vector<std::string> cp1258 = {"B\x61\xD2n N\xE0 S\x61\xD2n", "Chi\xEA\xCCng \xD0\xF4ng S\xF5n", "Mai S\xF5n"};
  auto p = raw_shapefile(dir, cp1258, "CP1258");
  auto v = io::read_villages(p);
  ASSERT_EQ(v.size(), 3u);
  // NFC, every letter kept (GDAL's own iconv recoding drops the last one).
  EXPECT_EQ(v[0].name, "Bản Nà Sản");
  EXPECT_EQ(v[1].name, "Chiềng Đông Sơn");
  EXPECT_EQ(v[2].name, "Mai Sơn");
  EXPECT_DOUBLE_EQ(v[1].population, 10);
  // Other spellings of the code page in the .cpg.
  for (const char* c : {"1258", "windows-1258\n"}) {
    p = raw_shapefile(dir, cp1258, c);
    EXPECT_EQ(io::read_villages(p)[1].name, "Chiềng Đông Sơn") << c;
  }
  // Without a .cpg GDAL gives the bytes as they are: refused, naming the .cpg to add.
  p = raw_shapefile(dir, cp1258, "");
  EXPECT_EQ(error_of([&] { io::read_villages(p); }),
            p + ": feature 1: field 'name' is not valid UTF-8: bytes 0xD2 0xE0 0xD2 in 'Ba\\xD2n N\\xE0 Sa\\xD2n'; it looks "
                "like Windows-1258 (CP1258) text; fix: put a file 'v.cpg' beside the .shp containing the name of its "
                "encoding (CP1258 for Vietnamese Windows, 1252 for Latin-1)");
  // A UTF-8 shapefile with a .cpg saying so reads as before.
  p = raw_shapefile(dir, {"Bản Nà Sản"}, "UTF-8");
  EXPECT_EQ(io::read_villages(p)[0].name, "Bản Nà Sản");
}
