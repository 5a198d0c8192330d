#include <ogrsf_frmts.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <unistd.h>

#include "geo/gdal_guard.hpp"
#include "phusong/error.hpp"
#include "phusong/geo.hpp"
#include "phusong/io.hpp"
#include "phusong/radio/antenna.hpp"

namespace phusong::io {
namespace fs = std::filesystem;

namespace {

using DsPtr = detail::DatasetPtr;

std::string lower_ext(const std::string& path) {
  std::string e = fs::path(path).extension().string();
  for (auto& c : e) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return e;
}

/// An opened point layer, with features read as (row number, field text, lon, lat).
class PointReader {
 public:
  explicit PointReader(const std::string& path) : path_(path) {
    detail::ensure_gdal();
    if (!fs::exists(path)) throw InputError(path + ": file not found");
    detail::GdalErrorGuard guard;
    is_csv_ = lower_ext(path) == ".csv";
    const char* csv_opts[] = {"X_POSSIBLE_NAMES=lon,longitude,x", "Y_POSSIBLE_NAMES=lat,latitude,y",
                              "KEEP_GEOM_COLUMNS=YES", "AUTODETECT_TYPE=NO", nullptr};
    ds_.reset(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr,
                                is_csv_ ? csv_opts : nullptr, nullptr));
    if (!ds_) throw InputError(path + ": cannot be opened as a vector file: " + guard.message());
    if (ds_->GetLayerCount() < 1) throw InputError(path + ": has no layer");
    layer_ = ds_->GetLayer(0);
    OGRFeatureDefn* defn = layer_->GetLayerDefn();
    for (int i = 0; i < defn->GetFieldCount(); ++i) {
      std::string n = defn->GetFieldDefn(i)->GetNameRef();
      std::string l = n;
      for (auto& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      index_[l] = i;
    }
    if (is_csv_ && (!has("lon") && !has("longitude") && !has("x")))
      throw InputError(path + ": missing field 'lon' (CSV files need lon and lat columns in WGS84)");
    if (is_csv_ && (!has("lat") && !has("latitude") && !has("y")))
      throw InputError(path + ": missing field 'lat' (CSV files need lon and lat columns in WGS84)");
    const OGRSpatialReference* srs = layer_->GetSpatialRef();
    if (srs && !is_csv_) {
      OGRSpatialReference wgs;
      wgs.SetWellKnownGeogCS("WGS84");
      wgs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
      if (!srs->IsSame(&wgs)) {
        OGRSpatialReference src(*srs);
        src.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        ct_.reset(OGRCreateCoordinateTransformation(&src, &wgs));
        if (!ct_) throw InputError(path + ": its CRS cannot be transformed to WGS84");
      }
    }
  }

  bool has(const std::string& field) const { return index_.count(field) != 0; }
  void require(const std::string& field) const {
    if (!has(field)) throw InputError(path_ + ": missing field '" + field + "'");
  }
  std::string where() const {
    return path_ + ": " + (is_csv_ ? "row " : "feature ") + std::to_string(row_);
  }
  int row() const { return row_; }

  bool next() {
    feature_.reset(layer_->GetNextFeature());
    if (!feature_) return false;
    ++row_;
    return true;
  }

  std::string text(const std::string& field) const {
    auto it = index_.find(field);
    if (it == index_.end() || !feature_->IsFieldSetAndNotNull(it->second)) return "";
    return feature_->GetFieldAsString(it->second);
  }

  double number(const std::string& field, bool non_negative = true) const {
    const std::string t = text(field);
    if (t.find_first_not_of(" \t") == std::string::npos)
      throw InputError(where() + ": field '" + field + "' is empty");
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(t.c_str(), &end);
    while (end && (*end == ' ' || *end == '\t')) ++end;
    if (end == t.c_str() || (end && *end) || errno == ERANGE || !std::isfinite(v))
      throw InputError(where() + ": field '" + field + "' is not a number: '" + t + "'");
    if (non_negative && v < 0)
      throw InputError(where() + ": field '" + field + "' is negative: " + t);
    return v;
  }

  std::pair<double, double> lonlat() const {
    if (is_csv_) {
      const std::string fx = has("lon") ? "lon" : has("longitude") ? "longitude" : "x";
      const std::string fy = has("lat") ? "lat" : has("latitude") ? "latitude" : "y";
      const double lon = number(fx, false), lat = number(fy, false);
      if (lon < -180 || lon > 180) throw InputError(where() + ": field '" + fx + "' is not a longitude: " + text(fx));
      if (lat < -90 || lat > 90) throw InputError(where() + ": field '" + fy + "' is not a latitude: " + text(fy));
      return {lon, lat};
    }
    const OGRGeometry* g = feature_->GetGeometryRef();
    if (!g || g->IsEmpty()) throw InputError(where() + ": has no geometry");
    if (wkbFlatten(g->getGeometryType()) != wkbPoint)
      throw InputError(where() + ": geometry is a " + std::string(g->getGeometryName()) + ", expected a POINT");
    double x = g->toPoint()->getX(), y = g->toPoint()->getY();
    if (ct_ && !ct_->Transform(1, &x, &y))
      throw InputError(where() + ": point cannot be transformed to WGS84");
    return {x, y};
  }

 private:
  std::string path_;
  bool is_csv_ = false;
  DsPtr ds_;
  OGRLayer* layer_ = nullptr;
  std::map<std::string, int> index_;
  std::unique_ptr<OGRFeature> feature_;
  std::unique_ptr<OGRCoordinateTransformation> ct_;
  int row_ = 0;
};

void check_unique(const std::string& path, std::set<std::string>& seen, const std::string& id,
                  const PointReader& r) {
  if (id.empty()) throw InputError(r.where() + ": field 'id' is empty");
  if (!seen.insert(id).second) throw InputError(r.where() + ": duplicate id '" + id + "'");
}

}  // namespace

std::vector<Village> read_villages(const std::string& path) {
  PointReader r(path);
  for (const char* f : {"id", "name", "population", "households"}) r.require(f);
  std::vector<Village> out;
  std::set<std::string> seen;
  while (r.next()) {
    Village v;
    v.id = r.text("id");
    check_unique(path, seen, v.id, r);
    v.name = r.text("name");
    v.commune = r.text("commune");
    v.district = r.text("district");
    v.population = r.number("population");
    v.households = r.number("households");
    std::tie(v.lon, v.lat) = r.lonlat();
    v.row = r.row();
    out.push_back(std::move(v));
  }
  if (out.empty()) throw InputError(path + ": has no villages");
  return out;
}

std::vector<Site> read_sites(const std::string& path, double default_bandwidth_mhz) {
  PointReader r(path);
  for (const char* f : {"id", "operator", "technologies", "height_m", "freq_mhz"}) r.require(f);
  if (!r.has("eirp_dbm") && !r.has("tx_power_dbm"))
    throw InputError(path + ": missing field 'eirp_dbm' (or 'tx_power_dbm')");
  std::vector<Site> out;
  std::set<std::string> seen;
  while (r.next()) {
    Site s;
    s.id = r.text("id");
    check_unique(path, seen, s.id, r);
    s.operator_name = r.text("operator");
    s.technologies = r.text("technologies");
    s.height_m = r.number("height_m");
    s.freq_mhz = r.number("freq_mhz");
    if (s.freq_mhz <= 0) throw InputError(r.where() + ": field 'freq_mhz' must be > 0, got " + r.text("freq_mhz"));
    if (r.has("eirp_dbm") && !r.text("eirp_dbm").empty()) {
      s.eirp_dbm = r.number("eirp_dbm", false);
    } else {
      s.eirp_dbm = r.number("tx_power_dbm", false);
      if (r.has("antenna_gain_dbi") && !r.text("antenna_gain_dbi").empty())
        s.eirp_dbm += r.number("antenna_gain_dbi", false);
      if (r.has("feeder_loss_db") && !r.text("feeder_loss_db").empty())
        s.eirp_dbm -= r.number("feeder_loss_db");
    }
    s.bandwidth_mhz = (r.has("bandwidth_mhz") && !r.text("bandwidth_mhz").empty())
                          ? r.number("bandwidth_mhz") : default_bandwidth_mhz;
    if (r.has("kind") && !r.text("kind").empty()) s.kind = r.text("kind");
    // Optional antenna: omni (default), 3gpp (TR 38.901 sector) or a pattern file (.msi/.pln,
    // relative to this file), with azimuth_deg and downtilt_deg (mechanical).
    const std::string ant = r.has("antenna") ? r.text("antenna") : "";
    if (!ant.empty() && ant != "omni") {
      const double az = r.has("azimuth_deg") && !r.text("azimuth_deg").empty() ? r.number("azimuth_deg", false) : 0.0;
      const double tilt =
          r.has("downtilt_deg") && !r.text("downtilt_deg").empty() ? r.number("downtilt_deg", false) : 0.0;
      if (az < 0 || az >= 360)
        throw InputError(r.where() + ": field 'azimuth_deg' must be in [0, 360), got " + r.text("azimuth_deg"));
      if (ant == "3gpp") {
        s.antenna = std::make_shared<radio::AntennaPattern>(radio::AntennaPattern::sector_3gpp({}, az, tilt));
      } else {
        fs::path pattern(ant);
        if (pattern.is_relative()) pattern = fs::path(path).parent_path() / pattern;
        if (!fs::exists(pattern))
          throw InputError(r.where() + ": field 'antenna': pattern file '" + pattern.string() +
                           "' not found (use omni, 3gpp or a .msi/.pln file)");
        s.antenna = std::make_shared<radio::AntennaPattern>(
            radio::AntennaPattern::from_msi_file(pattern.string(), az, tilt));
      }
    }
    std::tie(s.lon, s.lat) = r.lonlat();
    s.row = r.row();
    out.push_back(std::move(s));
  }
  if (out.empty()) throw InputError(path + ": has no sites");
  return out;
}

std::vector<std::string> dataset_files(const std::string& path, const std::string& driver) {
  if (driver != "ESRI Shapefile") return {path};
  const fs::path p(path);
  std::vector<std::string> out;
  for (const char* e : {".shp", ".shx", ".dbf", ".prj", ".cpg"})
    out.push_back(fs::path(p).replace_extension(e).string());
  return out;
}

void write_points(const std::string& path, const std::string& driver, const std::string& crs,
                  const PointTable& t, const std::string& layer_name) {
  detail::ensure_gdal();
  const std::size_t n = t.size();
  if (t.wkb.empty() && t.lat.size() != n) throw InputError("write " + path + ": lon and lat have different lengths");
  const bool shp = driver == "ESRI Shapefile";
  std::set<std::string> names;
  for (const auto& f : t.fields) {
    if (f.size() != n)
      throw InputError("write " + path + ": field '" + f.name + "' has " + std::to_string(f.size()) +
                       " values for " + std::to_string(n) + " points");
    if (shp && f.name.size() > 10)
      throw InputError("write " + path + ": shapefile field name '" + f.name + "' is longer than 10 characters");
    std::string l = f.name;
    for (auto& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!names.insert(l).second) throw InputError("write " + path + ": field name '" + f.name + "' is repeated");
  }
  std::vector<double> x = t.lon, y = t.lat;
  const std::string target_wkt = geo::crs_wkt(crs);
  if (t.wkb.empty()) geo::Transformer(geo::crs_wkt("WGS84"), target_wkt).transform(x, y);
  std::vector<std::unique_ptr<OGRGeometry>> geoms;
  if (!t.wkb.empty()) {
    OGRSpatialReference wgs, dst;
    wgs.SetWellKnownGeogCS("WGS84");
    wgs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    dst.SetFromUserInput(target_wkt.c_str());
    dst.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&wgs, &dst));
    for (std::size_t i = 0; i < n; ++i) {
      OGRGeometry* g = nullptr;
      if (OGRGeometryFactory::createFromWkb(t.wkb[i].data(), nullptr, &g, t.wkb[i].size()) != OGRERR_NONE || !g)
        throw InputError("write " + path + ": feature " + std::to_string(i) + " has invalid WKB");
      geoms.emplace_back(g);
      if (ct && g->transform(ct.get()) != OGRERR_NONE)
        throw Error("write " + path + ": feature " + std::to_string(i) + " cannot be reprojected");
    }
  }
  OGRwkbGeometryType gtype = wkbPoint;
  if (!geoms.empty()) {
    gtype = wkbFlatten(geoms[0]->getGeometryType());
    for (const auto& g : geoms)
      if (wkbFlatten(g->getGeometryType()) != gtype) gtype = wkbUnknown;
    if (shp && (gtype == wkbPolygon || gtype == wkbUnknown)) gtype = wkbMultiPolygon;
  }

  const fs::path target(path);
  fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  fs::create_directories(dir);
  const fs::path staging = dir / (".phusong-staging-" + std::to_string(::getpid()) + "-" + target.filename().string());
  fs::remove_all(staging);
  fs::create_directories(staging);
  const fs::path tmp = staging / target.filename();
  try {
    detail::GdalErrorGuard guard;
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName(driver.c_str());
    if (!drv) throw InputError("write " + path + ": unknown OGR driver '" + driver + "'");
    {
      DsPtr ds(drv->Create(tmp.string().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
      if (!ds) throw Error("write " + path + ": cannot create: " + guard.message());
      OGRSpatialReference srs;
      srs.SetFromUserInput(geo::crs_wkt(crs).c_str());
      srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
      const char* lopts_shp[] = {"ENCODING=UTF-8", nullptr};
      OGRLayer* layer = ds->CreateLayer(layer_name.c_str(), &srs, gtype,
                                        shp ? const_cast<char**>(lopts_shp) : nullptr);
      if (!layer) throw Error("write " + path + ": cannot create layer: " + guard.message());
      for (const auto& f : t.fields) {
        OGRFieldDefn d(f.name.c_str(), f.type == Field::Type::real ? OFTReal
                                      : f.type == Field::Type::integer ? OFTInteger64 : OFTString);
        if (f.width > 0) d.SetWidth(f.width);
        if (f.precision > 0) d.SetPrecision(f.precision);
        if (shp && f.type == Field::Type::string && f.width == 0) {
          std::size_t w = 1;
          for (const auto& s : f.strings) w = std::max(w, s.size());
          d.SetWidth(static_cast<int>(std::min<std::size_t>(w, 254)));
        }
        if (layer->CreateField(&d) != OGRERR_NONE)
          throw Error("write " + path + ": cannot create field '" + f.name + "': " + guard.message());
      }
      const bool in_transaction = layer->StartTransaction() == OGRERR_NONE;
      for (std::size_t i = 0; i < n; ++i) {
        OGRFeature feat(layer->GetLayerDefn());
        for (std::size_t k = 0; k < t.fields.size(); ++k) {
          const auto& f = t.fields[k];
          const int idx = static_cast<int>(k);
          if (f.type == Field::Type::real) {
            if (std::isfinite(f.reals[i])) feat.SetField(idx, f.reals[i]);
            else feat.SetFieldNull(idx);
          } else if (f.type == Field::Type::integer) {
            feat.SetField(idx, static_cast<GIntBig>(f.integers[i]));
          } else {
            if (shp && f.strings[i].size() > 254)
              throw InputError("write " + path + ": value of field '" + f.name + "' is longer than 254 bytes");
            feat.SetField(idx, f.strings[i].c_str());
          }
        }
        if (geoms.empty()) {
          OGRPoint pt(x[i], y[i]);
          feat.SetGeometry(&pt);
        } else if (gtype == wkbMultiPolygon && wkbFlatten(geoms[i]->getGeometryType()) == wkbPolygon) {
          feat.SetGeometryDirectly(OGRGeometryFactory::forceToMultiPolygon(geoms[i]->clone()));
        } else {
          feat.SetGeometry(geoms[i].get());
        }
        if (layer->CreateFeature(&feat) != OGRERR_NONE)
          throw Error("write " + path + ": cannot write feature " + std::to_string(i) + ": " + guard.message());
      }
      if (in_transaction && layer->CommitTransaction() != OGRERR_NONE && !guard.message().empty())
        throw Error("write " + path + ": " + guard.message());
    }
    // All complete: move each file in place (rename is atomic per file on one filesystem).
    const auto staged = dataset_files(tmp.string(), driver);
    const auto finals = dataset_files(path, driver);
    for (std::size_t i = 0; i < staged.size(); ++i)
      if (!fs::exists(staged[i])) throw Error("write " + path + ": driver did not produce " + staged[i]);
    if (shp) {  // a .cpg saying UTF-8, whatever the driver version wrote
      std::FILE* f = std::fopen(staged[4].c_str(), "wb");
      if (!f) throw Error("write " + path + ": cannot write " + staged[4]);
      std::fputs("UTF-8", f);
      std::fclose(f);
    }
    for (std::size_t i = 0; i < staged.size(); ++i) fs::rename(staged[i], finals[i]);
    fs::remove_all(staging);
  } catch (...) {
    std::error_code ec;
    fs::remove_all(staging, ec);
    throw;
  }
}

}  // namespace phusong::io
