#include <ogrsf_frmts.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <unistd.h>

#include "geo/gdal_guard.hpp"
#include "phusong/error.hpp"
#include "phusong/geo.hpp"
#include "phusong/io.hpp"
#include "phusong/limits.hpp"
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


// ---------------------------------------------------------------------------------------------
// Text encodings: every text field must be UTF-8; shapefiles whose .cpg names Windows-1258 are
// decoded here (GDAL 3.6 recodes them through iconv, whose Windows-1258 decoder holds the last
// letter back to compose it with a tone mark that never comes, so GDAL drops the last character
// of every value and field name).

// Windows-1258 bytes 0x80..0xFF as Unicode (0: undefined), from Python's cp1258 codec.
constexpr char16_t kCp1258High[128] = {
    0x20AC, 0x0000, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0000, 0x2039, 0x0152, 0x0000, 0x0000, 0x0000,
    0x0000, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0000, 0x203A, 0x0153, 0x0000, 0x0000, 0x0178,
    0x00A0, 0x00A1, 0x00A2, 0x00A3, 0x00A4, 0x00A5, 0x00A6, 0x00A7,
    0x00A8, 0x00A9, 0x00AA, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x00AF,
    0x00B0, 0x00B1, 0x00B2, 0x00B3, 0x00B4, 0x00B5, 0x00B6, 0x00B7,
    0x00B8, 0x00B9, 0x00BA, 0x00BB, 0x00BC, 0x00BD, 0x00BE, 0x00BF,
    0x00C0, 0x00C1, 0x00C2, 0x0102, 0x00C4, 0x00C5, 0x00C6, 0x00C7,
    0x00C8, 0x00C9, 0x00CA, 0x00CB, 0x0300, 0x00CD, 0x00CE, 0x00CF,
    0x0110, 0x00D1, 0x0309, 0x00D3, 0x00D4, 0x01A0, 0x00D6, 0x00D7,
    0x00D8, 0x00D9, 0x00DA, 0x00DB, 0x00DC, 0x01AF, 0x0303, 0x00DF,
    0x00E0, 0x00E1, 0x00E2, 0x0103, 0x00E4, 0x00E5, 0x00E6, 0x00E7,
    0x00E8, 0x00E9, 0x00EA, 0x00EB, 0x0301, 0x00ED, 0x00EE, 0x00EF,
    0x0111, 0x00F1, 0x0323, 0x00F3, 0x00F4, 0x01A1, 0x00F6, 0x00F7,
    0x00F8, 0x00F9, 0x00FA, 0x00FB, 0x00FC, 0x01B0, 0x20AB, 0x00FF,
};
// Vietnamese vowels and their precomposed forms (NFC) with the five tone marks of Windows-1258,
// in the order grave U+0300, acute U+0301, tilde U+0303, hook above U+0309, dot below U+0323.
constexpr char16_t kToneMarks[5] = {0x0300, 0x0301, 0x0303, 0x0309, 0x0323};
constexpr char16_t kToneBases[24] = {0x0061, 0x0103, 0x00E2, 0x0065, 0x00EA, 0x0069, 0x006F, 0x00F4, 0x01A1, 0x0075, 0x01B0, 0x0079, 0x0041, 0x0102, 0x00C2, 0x0045, 0x00CA, 0x0049, 0x004F, 0x00D4, 0x01A0, 0x0055, 0x01AF, 0x0059};
constexpr char16_t kToneComposed[24][5] = {
    {0x00E0, 0x00E1, 0x00E3, 0x1EA3, 0x1EA1},
    {0x1EB1, 0x1EAF, 0x1EB5, 0x1EB3, 0x1EB7},
    {0x1EA7, 0x1EA5, 0x1EAB, 0x1EA9, 0x1EAD},
    {0x00E8, 0x00E9, 0x1EBD, 0x1EBB, 0x1EB9},
    {0x1EC1, 0x1EBF, 0x1EC5, 0x1EC3, 0x1EC7},
    {0x00EC, 0x00ED, 0x0129, 0x1EC9, 0x1ECB},
    {0x00F2, 0x00F3, 0x00F5, 0x1ECF, 0x1ECD},
    {0x1ED3, 0x1ED1, 0x1ED7, 0x1ED5, 0x1ED9},
    {0x1EDD, 0x1EDB, 0x1EE1, 0x1EDF, 0x1EE3},
    {0x00F9, 0x00FA, 0x0169, 0x1EE7, 0x1EE5},
    {0x1EEB, 0x1EE9, 0x1EEF, 0x1EED, 0x1EF1},
    {0x1EF3, 0x00FD, 0x1EF9, 0x1EF7, 0x1EF5},
    {0x00C0, 0x00C1, 0x00C3, 0x1EA2, 0x1EA0},
    {0x1EB0, 0x1EAE, 0x1EB4, 0x1EB2, 0x1EB6},
    {0x1EA6, 0x1EA4, 0x1EAA, 0x1EA8, 0x1EAC},
    {0x00C8, 0x00C9, 0x1EBC, 0x1EBA, 0x1EB8},
    {0x1EC0, 0x1EBE, 0x1EC4, 0x1EC2, 0x1EC6},
    {0x00CC, 0x00CD, 0x0128, 0x1EC8, 0x1ECA},
    {0x00D2, 0x00D3, 0x00D5, 0x1ECE, 0x1ECC},
    {0x1ED2, 0x1ED0, 0x1ED6, 0x1ED4, 0x1ED8},
    {0x1EDC, 0x1EDA, 0x1EE0, 0x1EDE, 0x1EE2},
    {0x00D9, 0x00DA, 0x0168, 0x1EE6, 0x1EE4},
    {0x1EEA, 0x1EE8, 0x1EEE, 0x1EEC, 0x1EF0},
    {0x1EF2, 0x00DD, 0x1EF8, 0x1EF6, 0x1EF4},
};

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

/// Windows-1258 -> UTF-8, a vowel and its following tone mark composed into one letter (NFC, as
/// Vietnamese text is written in UTF-8). Returns false on a byte Windows-1258 does not define.
bool cp1258_to_utf8(const std::string& in, std::string& out, std::size_t& bad) {
  std::u32string cps;
  for (std::size_t i = 0; i < in.size(); ++i) {
    const unsigned char b = static_cast<unsigned char>(in[i]);
    const char32_t c = b < 0x80 ? b : kCp1258High[b - 0x80];
    if (c == 0) {
      bad = i;
      return false;
    }
    int m = -1;
    for (int k = 0; k < 5; ++k)
      if (c == kToneMarks[k]) m = k;
    if (m >= 0 && !cps.empty()) {
      bool composed = false;
      for (std::size_t v = 0; v < sizeof kToneBases / sizeof kToneBases[0] && !composed; ++v)
        if (cps.back() == kToneBases[v]) {
          cps.back() = kToneComposed[v][m];
          composed = true;
        }
      if (composed) continue;
    }
    cps.push_back(c);
  }
  out.clear();
  for (char32_t c : cps) append_utf8(out, c);
  return true;
}

/// Byte offsets of the bytes that are not part of a valid UTF-8 sequence (strict: no overlong
/// forms, surrogates or code points above U+10FFFF).
std::vector<std::size_t> invalid_utf8(const std::string& s) {
  std::vector<std::size_t> bad;
  std::size_t i = 0;
  const std::size_t n = s.size();
  auto cont = [&](std::size_t k) { return k < n && (static_cast<unsigned char>(s[k]) & 0xC0) == 0x80; };
  while (i < n) {
    const unsigned char b = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    if (b < 0x80) len = 1;
    else if (b >= 0xC2 && b <= 0xDF) len = cont(i + 1) ? 2 : 0;
    else if (b >= 0xE0 && b <= 0xEF) {
      const unsigned char b1 = i + 1 < n ? static_cast<unsigned char>(s[i + 1]) : 0;
      const bool ok1 = b == 0xE0 ? (b1 >= 0xA0 && b1 <= 0xBF) : b == 0xED ? (b1 >= 0x80 && b1 <= 0x9F) : cont(i + 1);
      len = ok1 && cont(i + 2) ? 3 : 0;
    } else if (b >= 0xF0 && b <= 0xF4) {
      const unsigned char b1 = i + 1 < n ? static_cast<unsigned char>(s[i + 1]) : 0;
      const bool ok1 = b == 0xF0 ? (b1 >= 0x90 && b1 <= 0xBF) : b == 0xF4 ? (b1 >= 0x80 && b1 <= 0x8F) : cont(i + 1);
      len = ok1 && cont(i + 2) && cont(i + 3) ? 4 : 0;
    }
    if (len == 0) {
      bad.push_back(i);
      ++i;
    } else {
      i += len;
    }
  }
  return bad;
}

enum class Legacy { unknown, cp1258, tcvn3, vni };

/// A guess of the legacy Vietnamese encoding of `s` (not UTF-8) from its bytes:
///  * TCVN3 (ABC) puts its letters at 0xA1-0xFE: ă â ê ô ơ ư đ at 0xA8-0xAE, the tones of a at
///    0xB5-0xB9 (Windows-1258 and VNI have only symbols at 0xA1-0xBF);
///  * Windows-1258 writes đ Đ as 0xF0 0xD0 and the tones as combining bytes after the vowel
///    (0xCC grave, 0xEC acute, 0xDE tilde, 0xD2 hook, 0xF2 dot below);
///  * VNI Windows writes an ASCII vowel followed by a Windows-1252 letter for the tone (ø grave,
///    ù acute, õ tilde, û hook, ï dot below ...) and đ Đ as ñ Ñ.
Legacy guess_legacy(const std::string& s) {
  auto vowel = [](unsigned char c) {
    return c != 0 && std::strchr("aeiouyAEIOUY", c) != nullptr;
  };
  auto cp_vowel = [&](unsigned char c) {  // a vowel in Windows-1258, with or without a modifier
    return vowel(c) || c == 0xE2 || c == 0xEA || c == 0xF4 || c == 0xE3 || c == 0xF5 || c == 0xFD || c == 0xC2 ||
           c == 0xCA || c == 0xD4 || c == 0xC3 || c == 0xD5 || c == 0xDD;
  };
  int tcvn = 0, cp = 0, vni = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const unsigned char b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) continue;
    const unsigned char prev = i > 0 ? static_cast<unsigned char>(s[i - 1]) : 0;
    if (b >= 0xA1 && b <= 0xBF) tcvn += 2;
    if (b == 0xF0 || b == 0xD0) cp += 2;
    if ((b == 0xCC || b == 0xEC || b == 0xDE || b == 0xD2 || b == 0xF2) && cp_vowel(prev)) cp += 2;
    if (b == 0xF1 || b == 0xD1) vni += 2;
    if (std::strchr("\xF8\xF9\xF5\xFB\xEF\xD8\xD9\xD5\xDB\xCF\xE0\xE1\xE3\xE4\xE5\xE8\xE9\xEA\xEB\xFA\xFC", b) &&
        (vowel(prev) || prev == 0xF4 || prev == 0xF6 || prev == 0xD4 || prev == 0xD6))
      vni += 2;
  }
  const int best = std::max({tcvn, cp, vni});
  if (best == 0) return Legacy::unknown;
  if (tcvn == best && cp < best && vni < best) return Legacy::tcvn3;
  if (vni == best && cp < best && tcvn < best) return Legacy::vni;
  if (cp == best && vni < best && tcvn < best) return Legacy::cp1258;
  return Legacy::unknown;
}

/// The value with every invalid byte written as \xNN (so the message itself is valid UTF-8).
std::string escape_invalid(const std::string& s, const std::vector<std::size_t>& bad) {
  std::string out;
  std::size_t k = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (k < bad.size() && bad[k] == i) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", static_cast<unsigned char>(s[i]));
      out += buf;
      ++k;
    } else {
      out += s[i];
    }
  }
  return out;
}

/// "0xD2 0xE0 0xD2" (at most 8, then "...").
std::string hex_bytes(const std::string& s, const std::vector<std::size_t>& bad) {
  std::string out;
  for (std::size_t k = 0; k < bad.size() && k < 8; ++k) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "0x%02X", static_cast<unsigned char>(s[bad[k]]));
    if (!out.empty()) out += ' ';
    out += buf;
  }
  if (bad.size() > 8) out += " ...";
  return out;
}

/// True when `name` (a .cpg's content) names Windows-1258.
bool names_cp1258(std::string name) {
  std::string n;
  for (char c : name)
    if (!std::isspace(static_cast<unsigned char>(c))) n += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return n == "1258" || n == "CP1258" || n == "WINDOWS-1258" || n == "WINDOWS1258" || n == "ANSI1258" ||
         n == "MS1258" || n == "CP-1258";
}

/// The .cpg beside a shapefile (any case of the extension), empty when there is none.
std::string cpg_of(const std::string& path) {
  for (const char* e : {".cpg", ".CPG", ".Cpg"}) {
    const fs::path p = fs::path(path).replace_extension(e);
    if (fs::exists(p)) {
      std::ifstream f(p);
      std::string line;
      std::getline(f, line);
      return line;
    }
  }
  return "";
}

/// An opened point layer, with features read as (row number, field text, lon, lat).
class PointReader {
 public:
  explicit PointReader(const std::string& path) : path_(path) {
    detail::ensure_gdal();
    if (!fs::exists(path)) throw InputError(path + ": file not found");
    detail::GdalErrorGuard guard;
    is_csv_ = lower_ext(path) == ".csv";
    is_shp_ = lower_ext(path) == ".shp" || lower_ext(path) == ".dbf";
    const char* csv_opts[] = {"X_POSSIBLE_NAMES=lon,longitude,x", "Y_POSSIBLE_NAMES=lat,latitude,y",
                              "KEEP_GEOM_COLUMNS=YES", "AUTODETECT_TYPE=NO", nullptr};
    // A shapefile in Windows-1258 (its .cpg says so) is read as bytes and decoded here.
    const char* raw_opts[] = {"ENCODING=", nullptr};
    recode_cp1258_ = is_shp_ && names_cp1258(cpg_of(path));
    ds_.reset(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr,
                                is_csv_ ? csv_opts : recode_cp1258_ ? raw_opts : nullptr, nullptr));
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
  /// "is not valid UTF-8: bytes ... in '...'; it looks like ...; fix: ...".
  std::string not_utf8(const std::string& t, const std::vector<std::size_t>& bad) const {
    const Legacy guess = guess_legacy(t);
    const std::string file = fs::path(path_).filename().string();
    std::string msg = "is not valid UTF-8: bytes " + hex_bytes(t, bad) + " in '" + escape_invalid(t, bad) + "'; ";
    const char* name = guess == Legacy::cp1258  ? "Windows-1258 (CP1258)"
                       : guess == Legacy::tcvn3 ? "TCVN3 (ABC, TCVN 5712)"
                       : guess == Legacy::vni   ? "VNI Windows"
                                                : nullptr;
    msg += name ? std::string("it looks like ") + name + " text"
                : std::string("the file is in a legacy 8-bit encoding (Windows-1258, TCVN3, VNI or Latin-1)");
    msg += "; fix: ";
    const char* iconv_name = guess == Legacy::tcvn3 ? "TCVN5712-1" : guess == Legacy::vni ? nullptr : "CP1258";
    if (is_shp_) {
      const std::string cpg = fs::path(file).replace_extension(".cpg").string();
      if (guess == Legacy::tcvn3 || guess == Legacy::vni)
        msg += std::string("convert the text to Unicode with a Vietnamese converter (e.g. UniKey's toolkit, ") + name +
               " to Unicode) and save the layer as UTF-8 with a .cpg file saying UTF-8";
      else
        msg += "put a file '" + cpg + "' beside the .shp containing the name of its encoding (CP1258 for "
               "Vietnamese Windows, 1252 for Latin-1)";
    } else if (is_csv_ && iconv_name) {
      const std::string out = fs::path(file).replace_extension(".utf8.csv").string();
      msg += std::string("convert the file to UTF-8: iconv -f ") + iconv_name + " -t UTF-8 " + file + " > " + out;
      if (guess == Legacy::unknown) msg += " (or -f CP1252 for Latin-1 text)";
    } else if (iconv_name) {
      msg += std::string("convert the file to UTF-8 (e.g. ogr2ogr, or iconv -f ") + iconv_name + " -t UTF-8 " + file +
             " for a text format)";
    } else {
      msg += "convert the text to Unicode with a Vietnamese converter (e.g. UniKey's toolkit, VNI Windows to "
             "Unicode) and save the file as UTF-8";
    }
    return msg;
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

  /// The field's text, UTF-8 (InputError naming the bytes, a guess of the encoding and the fix
  /// when it is not).
  std::string text(const std::string& field) const {
    auto it = index_.find(field);
    if (it == index_.end() || !feature_->IsFieldSetAndNotNull(it->second)) return "";
    std::string t = feature_->GetFieldAsString(it->second);
    if (recode_cp1258_) {
      std::string u;
      std::size_t bad = 0;
      if (!cp1258_to_utf8(t, u, bad))
        throw InputError(where() + ": field '" + field + "' has byte " + hex_bytes(t, {bad}) +
                         ", which Windows-1258 (named by the .cpg file) does not define (fix: write the .cpg "
                         "with the encoding the .dbf really uses, or resave the layer as UTF-8)");
      t = std::move(u);
    }
    const auto bad = invalid_utf8(t);
    if (!bad.empty()) throw InputError(where() + ": field '" + field + "' " + not_utf8(t, bad));
    return t;
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
    if (!limits::kLongitude.contains(x) || !limits::kLatitude.contains(y))
      throw InputError(where() + ": point (" + limits::fmt(x) + ", " + limits::fmt(y) +
                       ") is not a WGS84 longitude/latitude (expected -180 ≤ lon ≤ 180 and -90 ≤ lat ≤ 90; "
                       "fix: give the layer's CRS in a .prj or the file's own CRS definition)");
    return {x, y};
  }

 private:
  std::string path_;
  bool is_csv_ = false, is_shp_ = false, recode_cp1258_ = false;
  DsPtr ds_;
  OGRLayer* layer_ = nullptr;
  std::map<std::string, int> index_;
  std::unique_ptr<OGRFeature> feature_;
  std::unique_ptr<OGRCoordinateTransformation> ct_;
  int row_ = 0;
};

void check_unique(std::set<std::string>& seen, const std::string& id,
                  const PointReader& r) {
  if (id.empty()) throw InputError(r.where() + ": field 'id' is empty");
  if (!seen.insert(id).second) throw InputError(r.where() + ": duplicate id '" + id + "'");
}

/// The value of `field` (already read as `v`) checked against `range`: InputError
/// "<where>: field 'height_m' is 10000 m: outside ... (expected 0 < height_m ≤ 500 m above
/// ground; fix: ...)".
double in_range(const PointReader& r, const std::string& field, double v, const limits::Range& range,
                const std::string& unit, const std::string& meaning, const std::string& fix) {
  if (range.contains(v)) return v;
  std::string shown = r.text(field);
  const auto a = shown.find_first_not_of(" \t"), b = shown.find_last_not_of(" \t");
  shown = a == std::string::npos ? limits::fmt(v) : shown.substr(a, b - a + 1);
  const char* side = v < range.lo || (range.lo_open && v <= range.lo) ? "too low" : "too high";
  throw InputError(r.where() + ": field '" + field + "' is " + shown + (unit.empty() ? "" : " " + unit) + ": " +
                   side + " for " + meaning + " (expected " + limits::describe(range, field, unit) + "; fix: " + fix +
                   ")");
}

std::string trim(const std::string& s) {
  const auto a = s.find_first_not_of(" \t"), b = s.find_last_not_of(" \t");
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

struct TechAlias {
  const char* name;
  const char* canonical;
};
// Upper-case spellings accepted in a site's technologies field, and the generation they name.
constexpr TechAlias kTechAliases[] = {
    {"2G", "2G"}, {"GSM", "2G"},   {"3G", "3G"},   {"UMTS", "3G"}, {"WCDMA", "3G"}, {"HSPA", "3G"},
    {"4G", "4G"}, {"LTE", "4G"},   {"5G", "5G"},   {"NR", "5G"},   {"5G NR", "5G"}, {"5GNR", "5G"},
};

/// "2G;3G;4G" from the technologies field of a site: tokens split on ; , or /, each an accepted
/// spelling (case-insensitive, see kTechAliases), canonical, sorted and deduplicated.
std::string normalise_technologies(const PointReader& r, const std::string& value) {
  auto accepted = [] {
    std::string a;
    for (const auto& t : kTechAliases) a += std::string(a.empty() ? "" : ", ") + t.name;
    return a;
  };
  std::set<std::string> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = value.find_first_of(";,/", start);
    std::string tok = value.substr(start, end == std::string::npos ? std::string::npos : end - start);
    // Trim, collapse inner blanks, upper-case.
    std::string t;
    bool space = false;
    for (char c : tok) {
      if (std::isspace(static_cast<unsigned char>(c))) {
        space = !t.empty();
        continue;
      }
      if (space) t += ' ';
      space = false;
      t += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    const char* canonical = nullptr;
    for (const auto& a : kTechAliases)
      if (t == a.name) canonical = a.canonical;
    if (!canonical)
      throw InputError(r.where() + ": field 'technologies' is '" + value + "': " +
                       (t.empty() ? std::string("an empty technology") : "unknown technology '" + trim(tok) + "'") +
                       " (expected technologies separated by ; , or /, each one of " + accepted() +
                       ", case-insensitive; fix: e.g. 2G;3G;4G)");
    out.insert(canonical);
    if (end == std::string::npos) break;
    start = end + 1;
  }
  std::string joined;
  for (const auto& t : out) joined += (joined.empty() ? "" : ";") + t;
  return joined;
}

}  // namespace

std::vector<std::string> known_technologies() { return {"2G", "3G", "4G", "5G"}; }

std::vector<Village> read_villages(const std::string& path) {
  PointReader r(path);
  for (const char* f : {"id", "name", "population", "households"}) r.require(f);
  std::vector<Village> out;
  std::set<std::string> seen;
  while (r.next()) {
    Village v;
    v.id = r.text("id");
    check_unique(seen, v.id, r);
    v.name = r.text("name");
    v.commune = r.text("commune");
    v.district = r.text("district");
    v.population = in_range(r, "population", r.number("population"), limits::kPopulation, "", "the people of one village",
                            "give the number of inhabitants of the village (0 if unknown)");
    v.households = in_range(r, "households", r.number("households"), limits::kHouseholds, "",
                            "the households of one village", "give the number of households of the village");
    if (v.households > v.population)
      throw InputError(r.where() + ": field 'households' is " + limits::fmt(v.households) + " but 'population' is " +
                       limits::fmt(v.population) + ": a household has at least one person (expected households ≤ "
                       "population; fix: check that the two columns are not swapped)");
    if (r.has("radius_m") && !trim(r.text("radius_m")).empty())
      v.radius_m = in_range(r, "radius_m", r.number("radius_m"), limits::kVillageRadiusM, "m",
                            "the spread of a bản's households",
                            "give the radius in metres of the area the households live in, not kilometres");
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
    check_unique(seen, s.id, r);
    s.operator_name = r.text("operator");
    s.technologies = normalise_technologies(r, r.text("technologies"));
    s.height_m = in_range(r, "height_m", r.number("height_m"), limits::kSiteHeightM, "m", "an antenna above ground",
                          "give the antenna height above the ground in metres, not its altitude above sea level");
    s.freq_mhz = r.number("freq_mhz");
    if (s.freq_mhz <= 0) throw InputError(r.where() + ": field 'freq_mhz' must be > 0, got " + r.text("freq_mhz"));
    in_range(r, "freq_mhz", s.freq_mhz, limits::kFreqMhz, "MHz", "a carrier frequency",
             "give the carrier frequency in MHz, e.g. 900, 1800, 2100 or 3500, not in GHz or Hz");
    const std::string eirp_fix = "give the main-beam EIRP in dBm, e.g. 60 dBm for 43 dBm into a 17 dBi antenna; "
                                 "convert W or dBW to dBm";
    if (r.has("eirp_dbm") && !r.text("eirp_dbm").empty()) {
      s.eirp_dbm = in_range(r, "eirp_dbm", r.number("eirp_dbm", false), limits::kEirpDbm, "dBm", "an EIRP", eirp_fix);
    } else {
      s.eirp_dbm = in_range(r, "tx_power_dbm", r.number("tx_power_dbm", false), limits::kTxPowerDbm, "dBm",
                            "a transmitter power", "give the power at the antenna port in dBm (43 dBm = 20 W)");
      if (r.has("antenna_gain_dbi") && !r.text("antenna_gain_dbi").empty())
        s.eirp_dbm += in_range(r, "antenna_gain_dbi", r.number("antenna_gain_dbi", false), limits::kAntennaGainDbi,
                               "dBi", "an antenna gain", "give the antenna gain in dBi (a sector antenna: 15-18 dBi)");
      if (r.has("feeder_loss_db") && !r.text("feeder_loss_db").empty())
        s.eirp_dbm -= in_range(r, "feeder_loss_db", r.number("feeder_loss_db"), limits::kFeederLossDb, "dB",
                               "a feeder loss", "give the cable and connector loss in dB (typically 0.5-5 dB)");
      if (!limits::kEirpDbm.contains(s.eirp_dbm))
        throw InputError(r.where() + ": EIRP = tx_power_dbm + antenna_gain_dbi - feeder_loss_db is " +
                         limits::fmt(s.eirp_dbm) + " dBm: out of range for an EIRP (expected " +
                         limits::describe(limits::kEirpDbm, "EIRP", "dBm") + "; fix: " + eirp_fix + ")");
    }
    if (r.has("bandwidth_mhz") && !r.text("bandwidth_mhz").empty()) {
      s.bandwidth_mhz = in_range(r, "bandwidth_mhz", r.number("bandwidth_mhz"), limits::kBandwidthMhz, "MHz",
                                 "a channel bandwidth", "give the channel bandwidth in MHz, e.g. 5, 10 or 20");
    } else {
      if (!limits::kBandwidthMhz.contains(default_bandwidth_mhz))
        throw InputError(path + ": default bandwidth is " + limits::fmt(default_bandwidth_mhz) +
                         " MHz: out of range (expected " +
                         limits::describe(limits::kBandwidthMhz, "bandwidth_mhz", "MHz") +
                         "; fix: give radio.bandwidth_mhz in MHz, e.g. 10)");
      s.bandwidth_mhz = default_bandwidth_mhz;
    }
    if (r.has("kind") && !r.text("kind").empty()) s.kind = r.text("kind");
    // Optional antenna: omni (default), 3gpp (TR 38.901 sector) or a pattern file (.msi/.pln,
    // relative to this file), with azimuth_deg and downtilt_deg (mechanical).
    const std::string ant = r.has("antenna") ? r.text("antenna") : "";
    if (!ant.empty() && ant != "omni") {
      const double az = r.has("azimuth_deg") && !r.text("azimuth_deg").empty() ? r.number("azimuth_deg", false) : 0.0;
      const double tilt =
          r.has("downtilt_deg") && !r.text("downtilt_deg").empty()
              ? in_range(r, "downtilt_deg", r.number("downtilt_deg", false), limits::kDowntiltDeg, "degrees",
                         "a mechanical downtilt", "give the downtilt in degrees, positive downwards (typically 0-10)")
              : 0.0;
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

std::vector<Geometry> read_geometries(const std::string& path) {
  detail::ensure_gdal();
  if (!fs::exists(path)) throw InputError(path + ": file not found");
  detail::GdalErrorGuard guard;
  DsPtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
  if (!ds) throw InputError(path + ": cannot be opened as a vector file: " + guard.message());
  if (ds->GetLayerCount() < 1) throw InputError(path + ": has no layer");
  OGRLayer* layer = ds->GetLayer(0);
  OGRSpatialReference wgs;
  wgs.SetWellKnownGeogCS("WGS84");
  wgs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  std::unique_ptr<OGRCoordinateTransformation> ct;
  if (const OGRSpatialReference* srs = layer->GetSpatialRef(); srs && !srs->IsSame(&wgs)) {
    OGRSpatialReference src(*srs);
    src.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    ct.reset(OGRCreateCoordinateTransformation(&src, &wgs));
    if (!ct) throw InputError(path + ": its CRS cannot be transformed to WGS84");
  }
  std::vector<Geometry> out;
  int feature = 0;
  for (std::unique_ptr<OGRFeature> f(layer->GetNextFeature()); f; f.reset(layer->GetNextFeature())) {
    ++feature;
    OGRGeometry* g = f->GetGeometryRef();
    if (!g || g->IsEmpty()) continue;
    if (ct && g->transform(ct.get()) != OGRERR_NONE)
      throw InputError(path + ": feature " + std::to_string(feature) + " cannot be transformed to WGS84");
    Geometry item;
    item.feature = feature;
    item.wkb.resize(static_cast<std::size_t>(g->WkbSize()));
    g->exportToWkb(wkbNDR, reinterpret_cast<unsigned char*>(item.wkb.data()), wkbVariantIso);
    out.push_back(std::move(item));
  }
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
  if (!t.styles.empty() && t.styles.size() != n)
    throw InputError("write " + path + ": " + std::to_string(t.styles.size()) + " styles for " + std::to_string(n) +
                     " features");
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
      // Reproducible files: the DBF header's date of last update comes from OGR_CURRENT_DATE
      // (YYYY-MM-DDTHH:MM:SS...Z, also what the GPKG driver writes as last_change) when set.
      CPLStringList lopts;
      if (shp) {
        lopts.SetNameValue("ENCODING", "UTF-8");
        const std::string now = CPLGetConfigOption("OGR_CURRENT_DATE", "");
        if (now.size() >= 10) lopts.SetNameValue("DBF_DATE_LAST_UPDATE", now.substr(0, 10).c_str());
      }
      OGRLayer* layer = ds->CreateLayer(layer_name.c_str(), &srs, gtype, lopts.List());
      if (!layer) throw Error("write " + path + ": cannot create layer: " + guard.message());
      // Fields are written by name: some drivers add fields of their own first (KML: Name and
      // Description), so a field's index in the layer is not its index in the table.
      std::vector<int> field_index;
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
        field_index.push_back(layer->GetLayerDefn()->GetFieldIndex(f.name.c_str()));
        if (field_index.back() < 0)
          throw Error("write " + path + ": the driver did not create field '" + f.name + "'");
      }
      const bool in_transaction = layer->StartTransaction() == OGRERR_NONE;
      for (std::size_t i = 0; i < n; ++i) {
        OGRFeature feat(layer->GetLayerDefn());
        for (std::size_t k = 0; k < t.fields.size(); ++k) {
          const auto& f = t.fields[k];
          const int idx = field_index[k];
          if (f.type == Field::Type::real) {
            if (std::isfinite(f.reals[i])) feat.SetField(idx, f.reals[i]);
            else feat.SetFieldNull(idx);
          } else if (f.type == Field::Type::integer) {
            feat.SetField(idx, static_cast<GIntBig>(f.integers[i]));
          } else {
            if (shp && f.strings[i].size() > 254)
              throw InputError("write " + path + ": value of field '" + f.name + "' is longer than 254 bytes");
            if (f.strings[i].empty()) feat.SetFieldNull(idx);
            else feat.SetField(idx, f.strings[i].c_str());
          }
        }
        if (!t.styles.empty() && !t.styles[i].empty()) feat.SetStyleString(t.styles[i].c_str());
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
