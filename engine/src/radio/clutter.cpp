// phusong — terminal clutter: ITU-R P.1812 / P.2108 categories, P.2108 §3.1 and §3.2 losses,
// land-cover class tables. Formulas and conventions: phusong/radio/clutter.hpp.
#include "phusong/radio/clutter.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <istream>
#include <sstream>

#include "phusong/error.hpp"
#include "radio/checks.hpp"

namespace phusong::radio {
namespace {

constexpr double kPi = 3.14159265358979323846;

[[noreturn]] void range_error(const char* model, const char* name, double v, const char* range) {
  std::ostringstream os;
  os << model << ": " << name << " = " << v << " is outside the validity range " << range;
  throw RangeError(os.str());
}

[[noreturn]] void input_error(const char* model, const char* name, double v, const char* rule) {
  std::ostringstream os;
  os << model << ": " << name << " = " << v << " " << rule;
  throw InputError(os.str());
}

bool uses_eq_2b(ClutterCategory c) {
  return c == ClutterCategory::water_sea || c == ClutterCategory::open_rural;
}

// Knife-edge loss J(nu) as written in P.2108 eq. (2a) (= P.526 eq. (31)).
double j_nu(double nu) {
  if (nu <= -0.78) return 0.0;
  const double x = nu - 0.1;
  return 6.9 + 20.0 * std::log10(std::sqrt(x * x + 1.0) + x);
}

// Q(z) = 0.5 erfc(z / sqrt 2).
double q_function(double z) { return 0.5 * std::erfc(z / std::sqrt(2.0)); }

// Terrestrial statistical loss at one distance, without the 2 km cap.
double lctt_uncapped(double f_ghz, double d_km, double z) {
  const double ll =
      -2.0 * std::log10(std::pow(10.0, -5.0 * std::log10(f_ghz) - 12.5) + std::pow(10.0, -16.5));
  const double ls = 32.98 + 23.9 * std::log10(d_km) + 3.0 * std::log10(f_ghz);
  const double pl = std::pow(10.0, -0.2 * ll);
  const double ps = std::pow(10.0, -0.2 * ls);
  const double sigma_cb = std::sqrt((16.0 * pl + 36.0 * ps) / (pl + ps));  // sigma_l = 4, sigma_s = 6
  return -5.0 * std::log10(pl + ps) - sigma_cb * z;
}

// ---------------------------------------------------------------------------------------------
// CSV helpers.

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

[[noreturn]] void csv_fail(const std::string& source, int line, const std::string& what) {
  std::ostringstream os;
  os << source << ":" << line << ": " << what;
  throw InputError(os.str());
}

// Splits one CSV line; fields are trimmed; "..." quoting with "" escapes.
std::vector<std::string> split_csv(const std::string& line, const std::string& source, int line_no) {
  std::vector<std::string> out;
  std::string cur;
  bool in_quotes = false, was_quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < line.size() && line[i + 1] == '"') {
          cur += '"';
          ++i;
        } else {
          in_quotes = false;
        }
      } else {
        cur += c;
      }
    } else if (c == '"' && trim(cur).empty() && !was_quoted) {
      in_quotes = true;
      was_quoted = true;
      cur.clear();
    } else if (c == ',') {
      out.push_back(was_quoted ? cur : trim(cur));
      cur.clear();
      was_quoted = false;
    } else {
      if (was_quoted && c != ' ' && c != '\t' && c != '\r') {
        csv_fail(source, line_no, "text after a closing quote in '" + line + "'");
      }
      if (!was_quoted) cur += c;
    }
  }
  if (in_quotes) csv_fail(source, line_no, "unterminated quote in '" + line + "'");
  out.push_back(was_quoted ? cur : trim(cur));
  return out;
}

using detail::parse_double;

bool parse_int(const std::string& tok, int& out) {
  const char* b = tok.data();
  const char* e = b + tok.size();
  if (b != e && *b == '+') ++b;
  const auto res = std::from_chars(b, e, out);
  return res.ec == std::errc() && res.ptr == e;
}

ClutterCategory category_from_height(double h) {
  if (h < 5.0) return ClutterCategory::open_rural;
  if (h < 12.5) return ClutterCategory::suburban;
  if (h < 17.5) return ClutterCategory::urban;
  return ClutterCategory::dense_urban;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Categories

const char* to_string(ClutterCategory c) {
  switch (c) {
    case ClutterCategory::water_sea:
      return "water_sea";
    case ClutterCategory::open_rural:
      return "open_rural";
    case ClutterCategory::suburban:
      return "suburban";
    case ClutterCategory::urban:
      return "urban";
    case ClutterCategory::trees_forest:
      return "trees_forest";
    case ClutterCategory::dense_urban:
      return "dense_urban";
  }
  return "?";
}

ClutterCategory clutter_category_from_string(const std::string& name) {
  std::string s = lower(trim(name));
  for (auto& c : s)
    if (c == ' ' || c == '-' || c == '/') c = '_';
  if (s == "water_sea" || s == "water" || s == "sea") return ClutterCategory::water_sea;
  if (s == "open_rural" || s == "open" || s == "rural") return ClutterCategory::open_rural;
  if (s == "suburban") return ClutterCategory::suburban;
  if (s == "urban" || s == "urban_trees_forest") return ClutterCategory::urban;
  if (s == "trees_forest" || s == "trees" || s == "forest") return ClutterCategory::trees_forest;
  if (s == "dense_urban") return ClutterCategory::dense_urban;
  throw InputError("unknown clutter category '" + name +
                   "' (expected water_sea, open_rural, suburban, urban, trees_forest or dense_urban)");
}

double p1812_clutter_height_m(ClutterCategory c) {
  switch (c) {
    case ClutterCategory::water_sea:
      return 0.0;
    case ClutterCategory::open_rural:
      return 0.0;
    case ClutterCategory::suburban:
      return 10.0;
    case ClutterCategory::urban:
      return 15.0;
    case ClutterCategory::trees_forest:
      return 15.0;
    case ClutterCategory::dense_urban:
      return 20.0;
  }
  return 0.0;
}

double p2108_default_clutter_height_m(ClutterCategory c) {
  switch (c) {
    case ClutterCategory::water_sea:
      return 10.0;
    case ClutterCategory::open_rural:
      return 10.0;
    case ClutterCategory::suburban:
      return 10.0;
    case ClutterCategory::urban:
      return 15.0;
    case ClutterCategory::trees_forest:
      return 15.0;
    case ClutterCategory::dense_urban:
      return 20.0;
  }
  return 10.0;
}

// ---------------------------------------------------------------------------------------------
// P.2108 models

P2108HeightGain p2108_height_gain(double freq_ghz, double antenna_height_m, double clutter_height_m,
                                  ClutterCategory category, double street_width_m) {
  const char* model = "P.2108 height-gain clutter model";
  if (!std::isfinite(freq_ghz)) input_error(model, "freq_ghz", freq_ghz, "is not finite");
  if (freq_ghz < 0.03 || freq_ghz > 3.0) range_error(model, "freq_ghz", freq_ghz, "[0.03, 3] GHz");
  if (!std::isfinite(antenna_height_m) || antenna_height_m <= 0.0)
    input_error(model, "antenna_height_m", antenna_height_m, "must be a finite positive height");
  if (!std::isfinite(clutter_height_m) || clutter_height_m <= 0.0)
    input_error(model, "clutter_height_m", clutter_height_m, "must be a finite positive height");
  if (!std::isfinite(street_width_m) || street_width_m <= 0.0)
    input_error(model, "street_width_m", street_width_m, "must be a finite positive width");

  const double nan = std::nan("");
  P2108HeightGain r{0.0, nan, nan, nan, nan, nan};
  if (antenna_height_m >= clutter_height_m) return r;
  if (uses_eq_2b(category)) {
    r.kh2 = 21.8 + 6.2 * std::log10(freq_ghz);
    r.loss_db = -r.kh2 * std::log10(antenna_height_m / clutter_height_m);
    return r;
  }
  r.hdif_m = clutter_height_m - antenna_height_m;
  r.theta_clut_deg = std::atan(r.hdif_m / street_width_m) * 180.0 / kPi;
  r.knu = 0.342 * std::sqrt(freq_ghz);
  r.nu = r.knu * std::sqrt(r.hdif_m * r.theta_clut_deg);
  r.loss_db = j_nu(r.nu) - 6.03;
  return r;
}

double p2108_height_gain_loss_db(double freq_ghz, double antenna_height_m, double clutter_height_m,
                                 ClutterCategory category, double street_width_m) {
  return p2108_height_gain(freq_ghz, antenna_height_m, clutter_height_m, category, street_width_m).loss_db;
}

double inverse_q_exact(double q) {
  if (!(q > 0.0 && q < 1.0)) input_error("inverse_q_exact", "q", q, "must be in (0, 1)");
  if (q > 0.5) return -inverse_q_exact(1.0 - q);
  if (q == 0.5) return 0.0;
  // Starting value: the rational approximation of Abramowitz & Stegun 26.2.23 (|error| < 4.5e-4),
  // then Newton steps on Q(z) - q = 0 (Q'(z) = -phi(z)), which converge quadratically.
  const double t = std::sqrt(-2.0 * std::log(q));
  double z = t - (2.515517 + 0.802853 * t + 0.010328 * t * t) /
                     (1.0 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t);
  for (int i = 0; i < 4; ++i) {
    const double phi = std::exp(-0.5 * z * z) / std::sqrt(2.0 * kPi);
    if (phi <= 0.0) break;
    z += (q_function(z) - q) / phi;
  }
  return z;
}

double p2108_terrestrial_clutter_loss_db(double freq_ghz, double distance_km, double location_percent) {
  const char* model = "P.2108 terrestrial statistical clutter model";
  if (!std::isfinite(freq_ghz)) input_error(model, "freq_ghz", freq_ghz, "is not finite");
  if (!std::isfinite(distance_km)) input_error(model, "distance_km", distance_km, "is not finite");
  if (!std::isfinite(location_percent))
    input_error(model, "location_percent", location_percent, "is not finite");
  if (freq_ghz < 0.5 || freq_ghz > 67.0) range_error(model, "freq_ghz", freq_ghz, "[0.5, 67] GHz");
  if (distance_km < 0.25) range_error(model, "distance_km", distance_km, "[0.25, inf) km");
  if (location_percent <= 0.0 || location_percent >= 100.0)
    range_error(model, "location_percent", location_percent, "(0, 100) %");
  const double z = inverse_q_exact(location_percent / 100.0);
  return std::min(lctt_uncapped(freq_ghz, distance_km, z), lctt_uncapped(freq_ghz, 2.0, z));
}

// ---------------------------------------------------------------------------------------------
// ClutterTable

ClutterTable::ClutterTable(std::vector<ClutterClass> classes) : classes_(std::move(classes)) {
  std::sort(classes_.begin(), classes_.end(),
            [](const ClutterClass& a, const ClutterClass& b) { return a.code < b.code; });
  for (std::size_t i = 0; i < classes_.size(); ++i) {
    const auto& c = classes_[i];
    if (i > 0 && classes_[i - 1].code == c.code) {
      throw InputError("clutter table: code " + std::to_string(c.code) + " appears twice ('" +
                       classes_[i - 1].name + "' and '" + c.name + "')");
    }
    if (!std::isfinite(c.height_m) || c.height_m < 0.0) {
      std::ostringstream os;
      os << "clutter table: class " << c.code << " ('" << c.name << "') height_m = " << c.height_m
         << " must be finite and >= 0";
      throw InputError(os.str());
    }
    if (c.loss_db && (!std::isfinite(*c.loss_db) || *c.loss_db < 0.0)) {
      std::ostringstream os;
      os << "clutter table: class " << c.code << " ('" << c.name << "') loss_db = " << *c.loss_db
         << " must be finite and >= 0";
      throw InputError(os.str());
    }
  }
}

ClutterTable ClutterTable::esa_worldcover() {
  auto cls = [](int code, const char* name, ClutterCategory cat) {
    ClutterClass c;
    c.code = code;
    c.name = name;
    c.category = cat;
    c.height_m = p1812_clutter_height_m(cat);
    return c;
  };
  using C = ClutterCategory;
  return ClutterTable({
      cls(10, "Tree cover", C::trees_forest),
      cls(20, "Shrubland", C::open_rural),
      cls(30, "Grassland", C::open_rural),
      cls(40, "Cropland", C::open_rural),
      cls(50, "Built-up", C::suburban),
      cls(60, "Bare / sparse vegetation", C::open_rural),
      cls(70, "Snow and ice", C::open_rural),
      cls(80, "Permanent water bodies", C::water_sea),
      cls(90, "Herbaceous wetland", C::open_rural),
      cls(95, "Mangroves", C::trees_forest),
      cls(100, "Moss and lichen", C::open_rural),
  });
}

ClutterTable ClutterTable::parse_csv(std::istream& in, const std::string& source) {
  std::string raw;
  int line_no = 0;
  int col_code = -1, col_name = -1, col_height = -1, col_category = -1, col_loss = -1;
  std::size_t n_cols = 0;
  int header_line = 0;
  std::vector<ClutterClass> classes;
  std::vector<int> class_lines;

  while (std::getline(in, raw)) {
    ++line_no;
    if (line_no == 1 && raw.size() >= 3 && static_cast<unsigned char>(raw[0]) == 0xEF &&
        static_cast<unsigned char>(raw[1]) == 0xBB && static_cast<unsigned char>(raw[2]) == 0xBF) {
      raw.erase(0, 3);  // UTF-8 byte-order mark
    }
    const std::string line = trim(raw);
    if (line.empty() || line[0] == '#') continue;
    const auto fields = split_csv(line, source, line_no);

    if (header_line == 0) {
      header_line = line_no;
      n_cols = fields.size();
      for (std::size_t i = 0; i < fields.size(); ++i) {
        const std::string h = lower(fields[i]);
        int* slot = nullptr;
        if (h == "code")
          slot = &col_code;
        else if (h == "name")
          slot = &col_name;
        else if (h == "height_m")
          slot = &col_height;
        else if (h == "category")
          slot = &col_category;
        else if (h == "loss_db")
          slot = &col_loss;
        else
          csv_fail(source, line_no,
                   "unknown column '" + fields[i] + "' (expected code, name, height_m, category, loss_db)");
        if (*slot != -1) csv_fail(source, line_no, "column '" + fields[i] + "' appears twice");
        *slot = static_cast<int>(i);
      }
      if (col_code < 0 || col_name < 0 || col_height < 0) {
        csv_fail(source, line_no, "header '" + line + "' must name the columns code, name and height_m");
      }
      continue;
    }

    if (fields.size() != n_cols) {
      csv_fail(source, line_no,
               "'" + line + "' has " + std::to_string(fields.size()) + " fields, the header (line " +
                   std::to_string(header_line) + ") has " + std::to_string(n_cols));
    }
    ClutterClass c;
    if (!parse_int(fields[col_code], c.code)) {
      csv_fail(source, line_no, "code '" + fields[col_code] + "' is not an integer");
    }
    c.name = fields[col_name];
    if (!parse_double(fields[col_height], c.height_m) || c.height_m < 0.0) {
      csv_fail(source, line_no, "height_m '" + fields[col_height] + "' is not a number >= 0");
    }
    if (col_category >= 0 && !fields[col_category].empty()) {
      try {
        c.category = clutter_category_from_string(fields[col_category]);
      } catch (const InputError& e) {
        csv_fail(source, line_no, e.what());
      }
    } else {
      c.category = category_from_height(c.height_m);
    }
    if (col_loss >= 0 && !fields[col_loss].empty()) {
      double l = 0;
      if (!parse_double(fields[col_loss], l) || l < 0.0) {
        csv_fail(source, line_no, "loss_db '" + fields[col_loss] + "' is not a number >= 0");
      }
      c.loss_db = l;
    }
    for (std::size_t i = 0; i < classes.size(); ++i) {
      if (classes[i].code == c.code) {
        csv_fail(
            source, line_no,
            "code " + std::to_string(c.code) + " already defined on line " + std::to_string(class_lines[i]));
      }
    }
    classes.push_back(std::move(c));
    class_lines.push_back(line_no);
  }
  if (header_line == 0) throw InputError(source + ": empty clutter table (no header line)");
  if (classes.empty()) throw InputError(source + ": clutter table has a header but no classes");
  return ClutterTable(std::move(classes));
}

ClutterTable ClutterTable::read_csv(const std::string& path) {
  std::ifstream f(path);
  if (!f) throw InputError("cannot open clutter table '" + path + "'");
  return parse_csv(f, path);
}

const ClutterClass* ClutterTable::find(int code) const noexcept {
  auto it = std::lower_bound(classes_.begin(), classes_.end(), code,
                             [](const ClutterClass& c, int v) { return c.code < v; });
  return it != classes_.end() && it->code == code ? &*it : nullptr;
}

const ClutterClass& ClutterTable::at(int code) const {
  if (const auto* c = find(code)) return *c;
  throw InputError("land-cover code " + std::to_string(code) + " is not in the clutter table");
}

TerminalClutter ClutterTable::terminal_clutter(int code, double freq_mhz, double antenna_height_m,
                                               double street_width_m) const {
  const ClutterClass& c = at(code);
  if (!std::isfinite(antenna_height_m) || antenna_height_m <= 0.0) {
    input_error("terminal_clutter", "antenna_height_m", antenna_height_m, "must be a finite positive height");
  }
  TerminalClutter r{c.code, c.category, c.height_m, 0.0, antenna_height_m};
  const bool below = antenna_height_m < c.height_m;
  if (c.loss_db) {
    if (below || c.height_m == 0.0) r.loss_db = *c.loss_db;
    if (below) r.path_height_m = c.height_m;
    return r;
  }
  if (uses_eq_2b(c.category) || !below) return r;
  r.loss_db =
      p2108_height_gain_loss_db(freq_mhz / 1000.0, antenna_height_m, c.height_m, c.category, street_width_m);
  r.path_height_m = c.height_m;
  return r;
}

}  // namespace phusong::radio
