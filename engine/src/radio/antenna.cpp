// phusong — antenna patterns (omni, 3GPP sector, MSI/Planet tables) and look angles.
// Conventions and methods are documented in phusong/radio/antenna.hpp.
#include "phusong/radio/antenna.hpp"

#include <geodesic.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <istream>
#include <ostream>
#include <sstream>

#include "phusong/error.hpp"
#include "radio/checks.hpp"
#include "phusong/geo.hpp"

namespace phusong::radio {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kDeg = kPi / 180.0;

// Wrap to [0, 360).
double wrap360(double a) {
  double r = std::fmod(a, 360.0);
  if (r < 0.0) r += 360.0;
  if (r >= 360.0) r = 0.0;  // fmod rounding of tiny negatives
  return r;
}

// Wrap to (-180, 180].
double wrap180(double a) {
  double r = wrap360(a);
  return r > 180.0 ? r - 360.0 : r;
}

double interp_cut(const std::vector<PatternCutPoint>& pts, double angle_deg) {
  const double a = wrap360(angle_deg);
  const std::size_t n = pts.size();
  auto it = std::upper_bound(pts.begin(), pts.end(), a,
                             [](double v, const PatternCutPoint& p) { return v < p.angle_deg; });
  const std::size_t i = static_cast<std::size_t>(it - pts.begin());
  const PatternCutPoint* lo;
  const PatternCutPoint* hi;
  double lo_angle, hi_angle;
  if (i == 0) {  // before the first point: wrap from the last one
    lo = &pts[n - 1];
    hi = &pts[0];
    lo_angle = lo->angle_deg - 360.0;
    hi_angle = hi->angle_deg;
  } else if (i == n) {  // after the last point: wrap to the first one
    lo = &pts[n - 1];
    hi = &pts[0];
    lo_angle = lo->angle_deg;
    hi_angle = hi->angle_deg + 360.0;
  } else {
    lo = &pts[i - 1];
    hi = &pts[i];
    lo_angle = lo->angle_deg;
    hi_angle = hi->angle_deg;
  }
  const double t = (a - lo_angle) / (hi_angle - lo_angle);
  return lo->attenuation_db + t * (hi->attenuation_db - lo->attenuation_db);
}

// Minimum of the vertical cut over the front half-plane (angles [270, 360) and [0, 90]) and over
// the back half-plane ([90, 270]); a linear interpolant has its minima at the data points or at
// the half-plane boundaries.
void vertical_half_minima(const std::vector<PatternCutPoint>& v, double& front, double& back) {
  const double at90 = interp_cut(v, 90.0), at270 = interp_cut(v, 270.0);
  front = std::min(at90, at270);
  back = front;
  for (const auto& p : v) {
    if (p.angle_deg >= 90.0 && p.angle_deg <= 270.0) {
      back = std::min(back, p.attenuation_db);
    } else {
      front = std::min(front, p.attenuation_db);
    }
  }
}

double combine_cuts(const AntennaPatternTable& t, double azimuth_off_deg, double depression_deg,
                    double v_front_min, double v_back_min, double clip) {
  const double phi = wrap180(azimuth_off_deg);
  const double h = interp_cut(t.horizontal, phi);
  const double v_front = interp_cut(t.vertical, depression_deg) - v_front_min;
  const double v_back = interp_cut(t.vertical, 180.0 - depression_deg) - v_back_min;
  const double w = std::abs(phi) / 180.0;
  const double a = h + (1.0 - w) * v_front + w * v_back;
  return std::clamp(a, 0.0, clip);
}

double cut_max(const std::vector<PatternCutPoint>& pts) {
  double m = 0.0;
  for (const auto& p : pts) m = std::max(m, p.attenuation_db);
  return m;
}

void check_angle(const char* name, double v) {
  if (!std::isfinite(v)) {
    std::ostringstream os;
    os << "antenna: " << name << " = " << v << " is not finite";
    throw InputError(os.str());
  }
}

// ---------------------------------------------------------------------------------------------
// MSI parsing helpers.

// Strips the white space split_ws splits on (all of isspace: also \v and \f), so that a
// non-empty trimmed line starts with its first token.
std::string trim(const std::string& s) {
  constexpr const char* kSpace = " \t\r\n\v\f";
  const auto b = s.find_first_not_of(kSpace);
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(kSpace);
  return s.substr(b, e - b + 1);
}

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::vector<std::string> split_ws(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream is(s);
  std::string tok;
  while (is >> tok) out.push_back(tok);
  return out;
}

using detail::parse_double;

bool parse_int(const std::string& tok, long& out) {
  const char* b = tok.data();
  const char* e = b + tok.size();
  const auto res = std::from_chars(b, e, out);
  return res.ec == std::errc() && res.ptr == e;
}

[[noreturn]] void fail(const std::string& source, int line, const std::string& what) {
  std::ostringstream os;
  os << source << ":" << line << ": " << what;
  throw InputError(os.str());
}

bool is_keyword(const std::string& kw) {
  static const char* const kKeys[] = {
      "NAME",          "MAKE",       "FREQUENCY", "H_WIDTH",         "V_WIDTH",
      "FRONT_TO_BACK", "GAIN",       "TILT",      "ELECTRICAL_TILT", "POLARIZATION",
      "COMMENT",       "HORIZONTAL", "VERTICAL"};
  for (const char* k : kKeys)
    if (kw == k) return true;
  return false;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// AntennaPatternTable

double AntennaPatternTable::horizontal_attenuation_db(double angle_deg) const {
  if (horizontal.empty()) throw InputError("antenna pattern '" + name + "': empty horizontal cut");
  return interp_cut(horizontal, angle_deg);
}

double AntennaPatternTable::vertical_attenuation_db(double angle_deg) const {
  if (vertical.empty()) throw InputError("antenna pattern '" + name + "': empty vertical cut");
  return interp_cut(vertical, angle_deg);
}

double AntennaPatternTable::attenuation_db(double azimuth_off_deg, double depression_deg) const {
  if (horizontal.empty() || vertical.empty()) throw InputError("antenna pattern '" + name + "': empty cut");
  double front = 0, back = 0;
  vertical_half_minima(vertical, front, back);
  return combine_cuts(*this, azimuth_off_deg, depression_deg, front, back, max_attenuation_db());
}

double AntennaPatternTable::max_attenuation_db() const {
  return std::max(cut_max(horizontal), cut_max(vertical));
}

void AntennaPatternTable::validate(const std::string& source) const {
  if (!std::isfinite(gain_dbi)) throw InputError(source + ": antenna gain is not finite");
  auto check = [&](const std::vector<PatternCutPoint>& pts, const char* cut) {
    if (pts.size() < 2) {
      throw InputError(source + ": the " + cut + " cut needs at least 2 points, has " +
                       std::to_string(pts.size()));
    }
    for (std::size_t i = 0; i < pts.size(); ++i) {
      const auto& p = pts[i];
      std::ostringstream os;
      os << source << ": " << cut << " point " << i << " (angle " << p.angle_deg << ", attenuation "
         << p.attenuation_db << "): ";
      if (!std::isfinite(p.angle_deg) || p.angle_deg < 0.0 || p.angle_deg >= 360.0) {
        throw InputError(os.str() + "angle must be in [0, 360)");
      }
      if (!std::isfinite(p.attenuation_db) || p.attenuation_db < 0.0) {
        throw InputError(os.str() + "attenuation must be a finite value >= 0 dB");
      }
      if (i > 0 && p.angle_deg <= pts[i - 1].angle_deg) {
        throw InputError(os.str() + "angles must increase strictly");
      }
    }
  };
  check(horizontal, "horizontal");
  check(vertical, "vertical");
}

AntennaPatternTable parse_msi_pattern(std::istream& in, const std::string& source) {
  AntennaPatternTable t;
  bool have_gain = false;
  bool have_name = false;
  int h_line = 0, v_line = 0;  // line of the section headers (0 = not seen)

  std::vector<PatternCutPoint>* section = nullptr;
  const char* section_name = "";
  int section_line = 0;
  long expected = 0;
  bool first_content_line = true;

  std::string raw;
  int line_no = 0;
  while (std::getline(in, raw)) {
    ++line_no;
    const std::string line = trim(raw);
    if (line.empty()) continue;
    const auto toks = split_ws(line);
    if (toks.empty()) continue;  // only white space (trim and split_ws agree; kept as a guard)

    if (section != nullptr) {
      // Inside a HORIZONTAL/VERTICAL block: "<angle> <attenuation>".
      double angle = 0, att = 0;
      if (toks.size() != 2 || !parse_double(toks[0], angle) || !parse_double(toks[1], att)) {
        if (!toks.empty() && is_keyword(upper(toks[0]))) {
          std::ostringstream os;
          os << section_name << " (line " << section_line << ") announces " << expected
             << " data lines, found " << section->size() << " before '" << toks[0] << "'";
          fail(source, line_no, os.str());
        }
        fail(source, line_no,
             std::string("malformed ") + section_name + " data line '" + line +
                 "' (expected '<angle deg> <attenuation dB>')");
      }
      if (angle < 0.0 || angle >= 360.0) {
        fail(source, line_no, std::string(section_name) + " angle '" + toks[0] + "' is outside [0, 360)");
      }
      if (att < 0.0) {
        fail(source, line_no,
             std::string(section_name) + " attenuation '" + toks[1] +
                 "' is negative (attenuations are positive dB below the maximum gain)");
      }
      if (!section->empty() && angle <= section->back().angle_deg) {
        std::ostringstream os;
        os << section_name << " angle '" << toks[0] << "' does not increase (previous "
           << section->back().angle_deg << ")";
        fail(source, line_no, os.str());
      }
      section->push_back({angle, att});
      if (static_cast<long>(section->size()) == expected) section = nullptr;
      first_content_line = false;
      continue;
    }

    const std::string kw = upper(toks[0]);
    const std::string rest = trim(line.substr(toks[0].size()));
    const bool was_first = first_content_line;
    first_content_line = false;

    auto number_arg = [&](std::size_t idx, const char* what) {
      double v = 0;
      if (toks.size() <= idx) fail(source, line_no, std::string(what) + " has no value");
      if (!parse_double(toks[idx], v)) {
        fail(source, line_no, std::string(what) + " value '" + toks[idx] + "' is not a number");
      }
      return v;
    };

    if (kw == "NAME") {
      t.name = rest;
      have_name = true;
    } else if (kw == "MAKE") {
      t.make = rest;
    } else if (kw == "COMMENT") {
      t.comment = t.comment.empty() ? rest : t.comment + "\n" + rest;
    } else if (kw == "POLARIZATION") {
      t.polarization = rest;
    } else if (kw == "FREQUENCY") {
      double f = number_arg(1, "FREQUENCY");
      if (toks.size() > 3) fail(source, line_no, "FREQUENCY line '" + line + "' has extra fields");
      if (toks.size() == 3) {
        const std::string unit = upper(toks[2]);
        if (unit == "GHZ") {
          f *= 1000.0;
        } else if (unit != "MHZ") {
          fail(source, line_no, "FREQUENCY unit '" + toks[2] + "' is not MHz or GHz");
        }
      }
      if (f <= 0.0) fail(source, line_no, "FREQUENCY '" + toks[1] + "' must be positive");
      t.frequency_mhz = f;
    } else if (kw == "H_WIDTH") {
      t.h_beamwidth_deg = number_arg(1, "H_WIDTH");
    } else if (kw == "V_WIDTH") {
      t.v_beamwidth_deg = number_arg(1, "V_WIDTH");
    } else if (kw == "FRONT_TO_BACK") {
      t.front_to_back_db = number_arg(1, "FRONT_TO_BACK");
    } else if (kw == "GAIN") {
      double g = number_arg(1, "GAIN");
      if (toks.size() > 3) fail(source, line_no, "GAIN line '" + line + "' has extra fields");
      if (toks.size() == 3) {
        const std::string unit = upper(toks[2]);
        if (unit == "DBD") {
          g += kDbdToDbi;
        } else if (unit != "DBI") {
          fail(source, line_no, "GAIN unit '" + toks[2] + "' is not dBd or dBi");
        }
      } else {
        g += kDbdToDbi;  // the format's default unit is dBd
      }
      t.gain_dbi = g;
      have_gain = true;
    } else if (kw == "TILT") {
      t.tilt = rest;
      double v = 0;
      if (toks.size() >= 2 && parse_double(toks[1], v)) t.electrical_tilt_deg = v;
    } else if (kw == "ELECTRICAL_TILT") {
      t.electrical_tilt_deg = number_arg(1, "ELECTRICAL_TILT");
    } else if (kw == "HORIZONTAL" || kw == "VERTICAL") {
      const bool horiz = kw == "HORIZONTAL";
      int& seen = horiz ? h_line : v_line;
      if (seen != 0) {
        fail(source, line_no, kw + " section repeated (first at line " + std::to_string(seen) + ")");
      }
      long n = 0;
      if (toks.size() != 2 || !parse_int(toks[1], n) || n < 2 || n > 100000) {
        fail(source, line_no,
             kw + " line '" + line + "' must give the number of data lines (an integer >= 2)");
      }
      seen = line_no;
      section = horiz ? &t.horizontal : &t.vertical;
      section_name = horiz ? "HORIZONTAL" : "VERTICAL";
      section_line = line_no;
      expected = n;
      section->reserve(static_cast<std::size_t>(n));
    } else {
      double dummy = 0;
      if (parse_double(toks[0], dummy)) {
        fail(source, line_no, "data line '" + line + "' outside a HORIZONTAL or VERTICAL section");
      }
      if (was_first && !have_name) {
        t.name = line;  // vendor files that start with the bare antenna name
        have_name = true;
      } else {
        t.extra.emplace_back(toks[0], rest);
      }
    }
  }
  if (section != nullptr) {
    std::ostringstream os;
    os << "file ends after " << section->size() << " of the " << expected << " data lines announced by "
       << section_name << " at line " << section_line;
    fail(source, line_no, os.str());
  }
  if (!have_gain) throw InputError(source + ": no GAIN line");
  if (h_line == 0) throw InputError(source + ": no HORIZONTAL section");
  if (v_line == 0) throw InputError(source + ": no VERTICAL section");
  t.validate(source);
  return t;
}

AntennaPatternTable read_msi_pattern(const std::string& path) {
  std::ifstream f(path);
  if (!f) throw InputError("cannot open antenna pattern file '" + path + "'");
  return parse_msi_pattern(f, path);
}

void write_msi_pattern(const AntennaPatternTable& t, std::ostream& out) {
  t.validate(t.name.empty() ? "antenna pattern" : t.name);
  std::ostringstream os;  // classic locale, full precision
  os.imbue(std::locale::classic());
  os << std::setprecision(17);
  auto one_line = [](std::string s) {
    std::replace(s.begin(), s.end(), '\n', ' ');
    return s;
  };
  os << "NAME " << one_line(t.name) << "\n";
  if (!t.make.empty()) os << "MAKE " << one_line(t.make) << "\n";
  if (std::isfinite(t.frequency_mhz)) os << "FREQUENCY " << t.frequency_mhz << "\n";
  if (std::isfinite(t.h_beamwidth_deg)) os << "H_WIDTH " << t.h_beamwidth_deg << "\n";
  if (std::isfinite(t.v_beamwidth_deg)) os << "V_WIDTH " << t.v_beamwidth_deg << "\n";
  if (std::isfinite(t.front_to_back_db)) os << "FRONT_TO_BACK " << t.front_to_back_db << "\n";
  os << "GAIN " << t.gain_dbi << " dBi\n";
  if (!t.tilt.empty()) {
    os << "TILT " << one_line(t.tilt) << "\n";
    double v = 0;
    const auto tilt_toks = split_ws(t.tilt);
    if (std::isfinite(t.electrical_tilt_deg) && (tilt_toks.empty() || !parse_double(tilt_toks[0], v))) {
      os << "ELECTRICAL_TILT " << t.electrical_tilt_deg << "\n";
    }
  } else if (std::isfinite(t.electrical_tilt_deg)) {
    os << "ELECTRICAL_TILT " << t.electrical_tilt_deg << "\n";
  }
  if (!t.polarization.empty()) os << "POLARIZATION " << one_line(t.polarization) << "\n";
  for (const auto& kv : t.extra) os << one_line(kv.first) << " " << one_line(kv.second) << "\n";
  if (!t.comment.empty()) {
    std::istringstream cs(t.comment);
    std::string cl;
    while (std::getline(cs, cl)) os << "COMMENT " << cl << "\n";
  }
  os << "HORIZONTAL " << t.horizontal.size() << "\n";
  for (const auto& p : t.horizontal) os << p.angle_deg << " " << p.attenuation_db << "\n";
  os << "VERTICAL " << t.vertical.size() << "\n";
  for (const auto& p : t.vertical) os << p.angle_deg << " " << p.attenuation_db << "\n";
  out << os.str();
}

void write_msi_pattern(const AntennaPatternTable& t, const std::string& path) {
  std::ofstream f(path);
  if (!f) throw InputError("cannot write antenna pattern file '" + path + "'");
  write_msi_pattern(t, f);
  f.close();
  if (!f) throw Error("error writing antenna pattern file '" + path + "'");
}

// ---------------------------------------------------------------------------------------------
// 3GPP sector pattern and frame rotation.

double sector_3gpp_attenuation_db(const Sector3gppAntenna& p, double azimuth_off_deg, double depression_deg) {
  const double phi = wrap180(azimuth_off_deg);
  const double x = phi / p.h_beamwidth_deg;
  const double a_h = std::min(12.0 * x * x, p.max_attenuation_db);
  const double y = (depression_deg - p.electrical_downtilt_deg) / p.v_beamwidth_deg;
  const double a_v = std::min(12.0 * y * y, p.v_side_lobe_level_db);
  return std::min(a_h + a_v, p.max_attenuation_db);
}

AntennaFrameAngles to_antenna_frame(double azimuth_to_rx_deg, double elevation_to_rx_deg,
                                    double boresight_azimuth_deg, double mechanical_downtilt_deg) {
  check_angle("azimuth_to_rx_deg", azimuth_to_rx_deg);
  check_angle("elevation_to_rx_deg", elevation_to_rx_deg);
  if (elevation_to_rx_deg < -90.0 || elevation_to_rx_deg > 90.0) {
    std::ostringstream os;
    os << "antenna: elevation_to_rx_deg = " << elevation_to_rx_deg << " is outside [-90, 90]";
    throw InputError(os.str());
  }
  const double dphi = wrap180(azimuth_to_rx_deg - boresight_azimuth_deg);
  if (mechanical_downtilt_deg == 0.0) return {dphi, -elevation_to_rx_deg};
  const double e = elevation_to_rx_deg * kDeg;
  const double p = dphi * kDeg;
  const double b = mechanical_downtilt_deg * kDeg;
  const double ce = std::cos(e), se = std::sin(e), cp = std::cos(p), sp = std::sin(p);
  const double cb = std::cos(b), sb = std::sin(b);
  const double vx = ce * cp * cb - se * sb;
  const double vy = ce * sp;
  const double vz = std::clamp(ce * cp * sb + se * cb, -1.0, 1.0);
  const double el = std::asin(vz) / kDeg;
  // On the local vertical axis the azimuth is undefined; atan2(0, 0) = 0 is as good as any.
  const double az = std::atan2(vy, vx) / kDeg;
  return {az, -el};
}

// ---------------------------------------------------------------------------------------------
// AntennaPattern

AntennaPattern AntennaPattern::omni(double gain_dbi) {
  if (!std::isfinite(gain_dbi)) throw InputError("omni antenna: gain_dbi is not finite");
  AntennaPattern a;
  a.kind = OmniAntenna{gain_dbi};
  return a;
}

AntennaPattern AntennaPattern::sector_3gpp(const Sector3gppAntenna& p, double azimuth_deg,
                                           double mechanical_downtilt_deg) {
  auto bad = [](const char* name, double v, const char* rule) {
    std::ostringstream os;
    os << "3GPP sector antenna: " << name << " = " << v << " " << rule;
    throw InputError(os.str());
  };
  if (!std::isfinite(p.max_gain_dbi)) bad("max_gain_dbi", p.max_gain_dbi, "is not finite");
  if (!(p.h_beamwidth_deg > 0.0 && p.h_beamwidth_deg <= 360.0))
    bad("h_beamwidth_deg", p.h_beamwidth_deg, "must be in (0, 360]");
  if (!(p.v_beamwidth_deg > 0.0 && p.v_beamwidth_deg <= 180.0))
    bad("v_beamwidth_deg", p.v_beamwidth_deg, "must be in (0, 180]");
  if (!(p.max_attenuation_db >= 0.0) || !std::isfinite(p.max_attenuation_db))
    bad("max_attenuation_db", p.max_attenuation_db, "must be finite and >= 0");
  if (!(p.v_side_lobe_level_db >= 0.0) || !std::isfinite(p.v_side_lobe_level_db))
    bad("v_side_lobe_level_db", p.v_side_lobe_level_db, "must be finite and >= 0");
  if (!(std::abs(p.electrical_downtilt_deg) <= 90.0))
    bad("electrical_downtilt_deg", p.electrical_downtilt_deg, "must be in [-90, 90]");
  if (!std::isfinite(azimuth_deg)) bad("azimuth_deg", azimuth_deg, "is not finite");
  if (!(std::abs(mechanical_downtilt_deg) <= 90.0))
    bad("mechanical_downtilt_deg", mechanical_downtilt_deg, "must be in [-90, 90]");
  AntennaPattern a;
  a.kind = p;
  a.azimuth_deg = azimuth_deg;
  a.mechanical_downtilt_deg = mechanical_downtilt_deg;
  return a;
}

AntennaPattern AntennaPattern::table(std::shared_ptr<const AntennaPatternTable> table, double azimuth_deg,
                                     double mechanical_downtilt_deg) {
  if (!table) throw InputError("table antenna: no pattern table");
  table->validate(table->name.empty() ? "antenna pattern" : "antenna pattern '" + table->name + "'");
  if (!std::isfinite(azimuth_deg)) throw InputError("table antenna: azimuth_deg is not finite");
  if (!(std::abs(mechanical_downtilt_deg) <= 90.0)) {
    throw InputError("table antenna: mechanical_downtilt_deg = " + std::to_string(mechanical_downtilt_deg) +
                     " must be in [-90, 90]");
  }
  Table t;
  t.clip_db = table->max_attenuation_db();
  vertical_half_minima(table->vertical, t.v_front_min_db, t.v_back_min_db);
  t.table = std::move(table);
  AntennaPattern a;
  a.kind = std::move(t);
  a.azimuth_deg = azimuth_deg;
  a.mechanical_downtilt_deg = mechanical_downtilt_deg;
  return a;
}

AntennaPattern AntennaPattern::from_msi_file(const std::string& path, double azimuth_deg,
                                             double mechanical_downtilt_deg) {
  return table(std::make_shared<const AntennaPatternTable>(read_msi_pattern(path)), azimuth_deg,
               mechanical_downtilt_deg);
}

double AntennaPattern::gain_dbi(double azimuth_to_rx_deg, double elevation_to_rx_deg) const {
  if (const auto* o = std::get_if<OmniAntenna>(&kind)) {
    check_angle("elevation_to_rx_deg", elevation_to_rx_deg);
    return o->gain_dbi;
  }
  const AntennaFrameAngles f =
      to_antenna_frame(azimuth_to_rx_deg, elevation_to_rx_deg, azimuth_deg, mechanical_downtilt_deg);
  if (const auto* s = std::get_if<Sector3gppAntenna>(&kind)) {
    return s->max_gain_dbi - sector_3gpp_attenuation_db(*s, f.azimuth_off_deg, f.depression_deg);
  }
  const auto& t = std::get<Table>(kind);
  return t.table->gain_dbi - combine_cuts(*t.table, f.azimuth_off_deg, f.depression_deg, t.v_front_min_db,
                                          t.v_back_min_db, t.clip_db);
}

double AntennaPattern::max_gain_dbi() const {
  if (const auto* o = std::get_if<OmniAntenna>(&kind)) return o->gain_dbi;
  if (const auto* s = std::get_if<Sector3gppAntenna>(&kind)) return s->max_gain_dbi;
  return std::get<Table>(kind).table->gain_dbi;
}

// ---------------------------------------------------------------------------------------------
// Geometry

double elevation_angle_deg(double tx_height_m_amsl, double rx_height_m_amsl, double distance_m,
                           double effective_earth_radius_m) {
  if (!std::isfinite(tx_height_m_amsl) || !std::isfinite(rx_height_m_amsl)) {
    throw InputError("elevation_angle_deg: antenna heights must be finite");
  }
  if (!std::isfinite(distance_m) || distance_m < 0.0) {
    std::ostringstream os;
    os << "elevation_angle_deg: distance_m = " << distance_m << " must be finite and >= 0";
    throw InputError(os.str());
  }
  if (!std::isfinite(effective_earth_radius_m) || effective_earth_radius_m <= 0.0) {
    std::ostringstream os;
    os << "elevation_angle_deg: effective_earth_radius_m = " << effective_earth_radius_m
       << " must be positive";
    throw InputError(os.str());
  }
  // atan2(dh, d) = atan(dh / d) for d > 0 and +-90 deg straight above/below.
  const double theta = std::atan2(rx_height_m_amsl - tx_height_m_amsl, distance_m) -
                       distance_m / (2.0 * effective_earth_radius_m);
  return theta / kDeg;
}

double effective_earth_radius_m(double k_factor) {
  if (!std::isfinite(k_factor) || k_factor <= 0.0) {
    throw InputError("effective_earth_radius_m: k_factor = " + std::to_string(k_factor) +
                     " must be positive");
  }
  return k_factor * geo::kEarthRadiusM;
}

GeodesicAzimuth geodesic_azimuth(double from_lon_deg, double from_lat_deg, double to_lon_deg,
                                 double to_lat_deg) {
  for (double v : {from_lon_deg, from_lat_deg, to_lon_deg, to_lat_deg}) {
    if (!std::isfinite(v)) throw InputError("geodesic_azimuth: coordinates must be finite");
  }
  if (std::abs(from_lat_deg) > 90.0 || std::abs(to_lat_deg) > 90.0) {
    std::ostringstream os;
    os << "geodesic_azimuth: latitude outside [-90, 90] (" << from_lat_deg << ", " << to_lat_deg << ")";
    throw InputError(os.str());
  }
  static const geod_geodesic kWgs84 = [] {
    geod_geodesic g;
    geod_init(&g, 6378137.0, 1.0 / 298.257223563);
    return g;
  }();
  double s12 = 0, azi1 = 0, azi2 = 0;
  geod_inverse(&kWgs84, from_lat_deg, from_lon_deg, to_lat_deg, to_lon_deg, &s12, &azi1, &azi2);
  return {wrap360(azi1), s12};
}

LookAngles look_angles(double tx_lon_deg, double tx_lat_deg, double tx_height_m_amsl, double rx_lon_deg,
                       double rx_lat_deg, double rx_height_m_amsl, double k_factor) {
  const GeodesicAzimuth g = geodesic_azimuth(tx_lon_deg, tx_lat_deg, rx_lon_deg, rx_lat_deg);
  const double el = elevation_angle_deg(tx_height_m_amsl, rx_height_m_amsl, g.distance_m,
                                        effective_earth_radius_m(k_factor));
  return {g.azimuth_deg, el, g.distance_m};
}

}  // namespace phusong::radio
