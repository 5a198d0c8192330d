// phusong — base-station antenna patterns and tx->rx look angles.
//
// Angle conventions (all in degrees):
//  * azimuth: clockwise from geographic north, any value (wrapped internally);
//  * elevation: angle above the local horizontal at the antenna, positive upwards, [-90, 90];
//  * depression = -elevation (positive below the horizon), used by the vertical patterns;
//  * downtilt (electrical or mechanical): positive = beam pointing below the horizon.
//
// Pattern kinds (AntennaPattern::kind):
//  (a) OmniAntenna: constant gain in every direction.
//  (b) Sector3gppAntenna: the 3GPP parametric sector pattern (TR 36.814 Table A.2.1.1-2,
//      TR 38.901 Table 7.3-1), in the antenna's own frame (phi = azimuth off boresight,
//      delta = depression):
//        A_H(phi)   = min(12 (phi / phi_3dB)^2, Am)
//        A_V(delta) = min(12 ((delta - tilt_e) / theta_3dB)^2, SLA_V)
//        A          = min(A_H + A_V, Am)             (attenuations, positive dB)
//        gain_dbi   = max_gain_dbi - A
//      (In TR 38.901 notation A_dB = -min(-(A_H + A_V), Am) with A_H, A_V <= 0 and the zenith
//      angle theta'' = 90 + delta.) Defaults: phi_3dB = 65, theta_3dB = 10 (TR 36.814;
//      TR 38.901 uses 65), Am = SLA_V = 30 dB, all configurable.
//  (c) a table pattern from an MSI/Planet file (.msi / .pln), see read_msi_pattern().
//
// Electrical and mechanical downtilt:
//  * electrical tilt (3GPP kind only; a pattern file already contains its own) shifts the vertical
//    pattern: A_V uses (delta - tilt_e), for every azimuth;
//  * mechanical tilt rotates the whole antenna about its horizontal axis perpendicular to the
//    boresight. This is done exactly (not approximated): the direction to the receiver
//    v = (cos e cos dphi, cos e sin dphi, sin e) in a (boresight, right, up) frame is expressed in
//    the tilted frame, x' = (cos b, 0, -sin b), y' = (0, 1, 0), z' = (sin b, 0, cos b):
//        elevation' = asin(cos e cos dphi sin b + sin e cos b)
//        azimuth'   = atan2(cos e sin dphi, cos e cos dphi cos b - sin e sin b)
//    and the pattern is evaluated at (azimuth', -elevation'). For small angles this is the
//    familiar approximation "effective tilt = b cos(dphi)": full tilt on boresight, none at
//    +-90 deg, an uptilt of the back lobe behind the antenna.
//
// MSI/Planet pattern files (ASCII; keywords case-insensitive, one per line):
//    NAME <text>, MAKE <text>, FREQUENCY <f> [MHz|GHz], H_WIDTH <deg>, V_WIDTH <deg>,
//    FRONT_TO_BACK <dB>, GAIN <g> [dBd|dBi] (dBd when no unit; dBi = dBd + 2.15),
//    TILT <text or degrees>, ELECTRICAL_TILT <deg>, POLARIZATION <text>, COMMENT <text>,
//    HORIZONTAL <n> followed by n lines "<angle> <attenuation dB>",
//    VERTICAL <n> followed by n lines "<angle> <attenuation dB>".
//  Horizontal angles: clockwise from the boresight. Vertical angles: in the vertical plane through
//  the boresight, measured downwards from the front horizon (0 = front horizon, 90 = nadir,
//  180 = back horizon, 270 = zenith). Attenuations are positive dB below the maximum gain.
//  Angles must lie in [0, 360) and increase strictly; the usual files have n = 360 (0..359), any
//  n >= 2 is accepted. A first line without a keyword is taken as the name (some vendors omit
//  NAME); other unknown keywords are kept in `extra` and otherwise ignored. TILT/ELECTRICAL_TILT
//  are informational (the tilt is already in the vertical cut). Malformed lines are InputErrors
//  naming the file, the line number and the text.
//  Each cut is interpolated linearly in angle, wrapping at 360.
//
// 3-D gain from the two cuts (summation with a front/back blend of the vertical cut): with phi in
// (-180, 180] off boresight and delta the depression,
//    V_front(delta) = V(delta)       - Vmin_front   (vertical shape in the front half-plane)
//    V_back(delta)  = V(180 - delta) - Vmin_back    (vertical shape in the back half-plane)
//    w = |phi| / 180
//    A(phi, delta) = H(phi) + (1 - w) V_front(delta) + w V_back(delta), clipped to [0, A_max]
// where Vmin_front / Vmin_back are the minima of the vertical cut over its front (angles 270..90)
// and back (90..270) halves, and A_max is the largest attenuation in either cut. The horizontal
// cut is read as the cut through the main beam (so an electrically tilted file, whose horizontal
// cut passes through the tilted beam peak, keeps its tilt), and H(180) as the back-lobe peak.
// When the cuts are consistent (H(0) = Vmin_front, H(180) = Vmin_back) the method reproduces the
// vertical cut exactly in the boresight plane, A(0, delta) = V(delta) and
// A(180, delta) = V(180 - delta), and the horizontal cut exactly at a depression where both
// halves of the vertical cut are at their minimum (delta = 0 for an untilted antenna whose
// V(0) and V(180) are the minima). The clip keeps the gain at most the file's GAIN and no worse
// than the worst measured value.
//
// Everything here is thread-safe: patterns are immutable values (a table is shared through a
// shared_ptr to const) and gain evaluation does not allocate.
#pragma once

#include <iosfwd>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace phusong::radio {

/// dBi = dBd + this.
constexpr double kDbdToDbi = 2.15;

struct OmniAntenna {
  double gain_dbi = 0.0;
};

/// 3GPP parametric sector pattern parameters (see the header comment).
struct Sector3gppAntenna {
  double max_gain_dbi = 17.0;            ///< boresight gain (a typical macro panel)
  double h_beamwidth_deg = 65.0;         ///< phi_3dB
  double v_beamwidth_deg = 10.0;         ///< theta_3dB (TR 36.814; TR 38.901 element: 65)
  double max_attenuation_db = 30.0;      ///< Am (front-to-back)
  double v_side_lobe_level_db = 30.0;    ///< SLA_V
  double electrical_downtilt_deg = 0.0;  ///< shifts the vertical pattern
};

struct PatternCutPoint {
  double angle_deg;
  double attenuation_db;  ///< positive dB below the maximum gain
};

/// A pattern read from an MSI/Planet file (or built in code).
struct AntennaPatternTable {
  std::string name;
  std::string make;
  std::string comment;
  std::string polarization;
  std::string tilt;  ///< raw text of the TILT line, if any
  double frequency_mhz = std::numeric_limits<double>::quiet_NaN();
  double h_beamwidth_deg = std::numeric_limits<double>::quiet_NaN();
  double v_beamwidth_deg = std::numeric_limits<double>::quiet_NaN();
  double front_to_back_db = std::numeric_limits<double>::quiet_NaN();
  double electrical_tilt_deg =
      std::numeric_limits<double>::quiet_NaN();            ///< from TILT <number> / ELECTRICAL_TILT
  double gain_dbi = 0.0;                                   ///< maximum gain, converted to dBi
  std::vector<PatternCutPoint> horizontal;                 ///< angle clockwise from the boresight
  std::vector<PatternCutPoint> vertical;                   ///< angle downwards from the front horizon
  std::vector<std::pair<std::string, std::string>> extra;  ///< unknown keyword lines (keyword, rest)

  /// Linear interpolation of a cut (angles wrap at 360).
  double horizontal_attenuation_db(double angle_deg) const;
  double vertical_attenuation_db(double angle_deg) const;
  /// 3-D attenuation (positive dB) in the antenna frame: phi off boresight (clockwise),
  /// depression below the horizon; see the header comment for the method.
  double attenuation_db(double azimuth_off_deg, double depression_deg) const;
  /// Largest attenuation in either cut.
  double max_attenuation_db() const;
  /// InputError (naming `source`) unless both cuts have >= 2 points with strictly increasing
  /// angles in [0, 360) and finite attenuations >= 0, and the gain is finite.
  void validate(const std::string& source) const;
};

/// Parse an MSI/Planet pattern; `source` names the input in error messages.
AntennaPatternTable parse_msi_pattern(std::istream& in, const std::string& source);
/// Read an .msi/.pln file; InputError if it cannot be opened or is malformed.
AntennaPatternTable read_msi_pattern(const std::string& path);
/// Write in MSI format (GAIN in dBi, full precision), readable by parse_msi_pattern.
void write_msi_pattern(const AntennaPatternTable& table, std::ostream& out);
void write_msi_pattern(const AntennaPatternTable& table, const std::string& path);

/// 3GPP sector attenuation (positive dB) in the antenna frame, electrical tilt included.
double sector_3gpp_attenuation_db(const Sector3gppAntenna& p, double azimuth_off_deg, double depression_deg);

/// Direction to the receiver in the antenna's own (mechanically tilted) frame.
struct AntennaFrameAngles {
  double azimuth_off_deg;  ///< (-180, 180], clockwise from the boresight
  double depression_deg;   ///< [-90, 90], positive below the antenna's horizontal plane
};
/// Exact rotation described in the header comment. InputError for a non-finite angle or an
/// elevation outside [-90, 90].
AntennaFrameAngles to_antenna_frame(double azimuth_to_rx_deg, double elevation_to_rx_deg,
                                    double boresight_azimuth_deg, double mechanical_downtilt_deg);

/// An antenna as mounted: a pattern kind plus boresight azimuth and mechanical downtilt.
/// Build it with the factories (they validate); copies are cheap (a table is shared).
struct AntennaPattern {
  /// Table patterns carry values precomputed from the table (clip level, vertical-cut minima).
  struct Table {
    std::shared_ptr<const AntennaPatternTable> table;
    double clip_db = 0.0;
    double v_front_min_db = 0.0;
    double v_back_min_db = 0.0;
  };
  using Kind = std::variant<OmniAntenna, Sector3gppAntenna, Table>;

  Kind kind = OmniAntenna{};
  double azimuth_deg = 0.0;              ///< boresight, clockwise from north
  double mechanical_downtilt_deg = 0.0;  ///< positive down

  static AntennaPattern omni(double gain_dbi);
  static AntennaPattern sector_3gpp(const Sector3gppAntenna& params, double azimuth_deg,
                                    double mechanical_downtilt_deg = 0.0);
  static AntennaPattern table(std::shared_ptr<const AntennaPatternTable> table, double azimuth_deg,
                              double mechanical_downtilt_deg = 0.0);
  static AntennaPattern from_msi_file(const std::string& path, double azimuth_deg,
                                      double mechanical_downtilt_deg = 0.0);

  /// Gain (dBi) towards a receiver seen at `azimuth_to_rx_deg` (clockwise from north) and
  /// `elevation_to_rx_deg` (positive upwards) from the antenna.
  double gain_dbi(double azimuth_to_rx_deg, double elevation_to_rx_deg) const;
  /// Boresight (maximum) gain in dBi.
  double max_gain_dbi() const;
};

/// Elevation angle (deg, positive upwards) of the receiver seen from the transmitter over a
/// spherical earth of effective radius a_e: theta = atan((h_rx - h_tx) / d) - d / (2 a_e).
/// Heights are antenna heights above mean sea level; d is the ground distance.
double elevation_angle_deg(double tx_height_m_amsl, double rx_height_m_amsl, double distance_m,
                           double effective_earth_radius_m);
/// k * 6371 km (k = 4/3 for the standard atmosphere).
double effective_earth_radius_m(double k_factor = 4.0 / 3.0);

/// Forward azimuth (deg, [0, 360), clockwise from north) of the WGS84 geodesic from point 1 to
/// point 2 (lon/lat in degrees), and its length.
struct GeodesicAzimuth {
  double azimuth_deg;
  double distance_m;
};
GeodesicAzimuth geodesic_azimuth(double from_lon_deg, double from_lat_deg, double to_lon_deg,
                                 double to_lat_deg);

/// Azimuth, elevation and ground distance from a transmitter to a receiver.
struct LookAngles {
  double azimuth_deg;
  double elevation_deg;
  double distance_m;
};
LookAngles look_angles(double tx_lon_deg, double tx_lat_deg, double tx_height_m_amsl, double rx_lon_deg,
                       double rx_lat_deg, double rx_height_m_amsl, double k_factor = 4.0 / 3.0);

}  // namespace phusong::radio
