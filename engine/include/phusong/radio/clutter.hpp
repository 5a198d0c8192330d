// phusong — clutter (land cover) at the terminals: ITU-R P.1812 / P.2108 categories and heights,
// ITU-R P.2108 clutter loss models, and a land-cover class table (ESA WorldCover by default).
//
// Representative clutter heights R (m) per category:
//   category            P.1812 Table 2     P.2108-1 §3.1.1 Table 3 (defaults for the height-gain model)
//   water/sea                  0                 10
//   open/rural                 0                 10
//   suburban                  10                 10
//   urban                     15                 15
//   trees/forest              15                 15
//   dense urban               20                 20
// (P.1812 lumps urban and trees/forest into one category "urban/trees/forest"; P.2108 lists them
// separately with the same height and the same equation.) The P.1812 heights are what a path
// model adds to the terrain profile; the P.2108 ones are the reference heights of the
// terminal correction.
//
// ITU-R P.2108-1 §3.1, height-gain model for terminal clutter loss (f 0.03..3 GHz):
//   if h >= R:                          Ah = 0
//   water/sea, open/rural (eq. 2b):     Ah = -Kh2 log10(h / R),  Kh2 = 21.8 + 6.2 log10(f)
//   suburban, urban, trees/forest, dense urban (eq. 2a):
//                                       Ah = J(nu) - 6.03
//       J(nu) = 6.9 + 20 log10(sqrt((nu - 0.1)^2 + 1) + nu - 0.1) for nu > -0.78, else 0
//       nu = Knu sqrt(hdif theta_clut), Knu = 0.342 sqrt(f), hdif = R - h,
//       theta_clut = atan(hdif / ws) in degrees, ws = street width (27 m by default)
//   (f in GHz, h = antenna height above ground, m). Ah is meant to be added to a basic
//   transmission loss computed to/from the height R.
//
// ITU-R P.2108-1 §3.2, statistical clutter loss for terrestrial paths (urban/suburban clutter,
// terminal well below the clutter; f 0.5..67 GHz, d >= 0.25 km, 0 < p < 100 %):
//   Lctt = -5 log10(10^(-0.2 Ll) + 10^(-0.2 Ls)) - sigma_cb Q^-1(p / 100)
//   Ll = -2 log10(10^(-5 log10(f) - 12.5) + 10^(-16.5)),  sigma_l = 4 dB
//   Ls = 32.98 + 23.9 log10(d) + 3 log10(f),              sigma_s = 6 dB
//   sigma_cb = sqrt((sigma_l^2 10^(-0.2 Ll) + sigma_s^2 10^(-0.2 Ls)) / (10^(-0.2 Ll) + 10^(-0.2 Ls)))
//   and the loss does not exceed its value at d = 2 km. Applies once per terminal in clutter
//   (both ends only for d >= 1 km). Q^-1 is the inverse complementary standard normal.
//
// Errors: arguments outside a model's validity range are RangeErrors naming the argument and
// value; malformed arguments (non-finite, h <= 0, R <= 0, ws <= 0) and malformed tables are
// InputErrors. Everything is thread-safe (pure functions, tables immutable after construction);
// the per-call functions do not allocate.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace phusong::radio {

enum class ClutterCategory { water_sea, open_rural, suburban, urban, trees_forest, dense_urban };

/// "water_sea", "open_rural", "suburban", "urban", "trees_forest", "dense_urban".
const char* to_string(ClutterCategory c);
/// Accepts the names above case-insensitively, with ' ', '-' or '/' for '_', and the aliases
/// "water", "sea", "open", "rural", "trees", "forest", "urban_trees_forest" (-> urban);
/// InputError naming the text otherwise.
ClutterCategory clutter_category_from_string(const std::string& name);

/// ITU-R P.1812 §3.2.1 Table 2 representative clutter height (m) of a category.
double p1812_clutter_height_m(ClutterCategory c);
/// P.2108-1 Table 3 default representative clutter height R (m) for the height-gain model.
double p2108_default_clutter_height_m(ClutterCategory c);
/// P.2108 default street width (m).
constexpr double kP2108DefaultStreetWidthM = 27.0;

/// Height-gain terminal clutter loss with its intermediate values (NaN where unused).
struct P2108HeightGain {
  double loss_db;         ///< Ah
  double hdif_m;          ///< R - h
  double theta_clut_deg;  ///< atan(hdif / ws)
  double knu;             ///< 0.342 sqrt(f)
  double nu;              ///< diffraction parameter
  double kh2;             ///< 21.8 + 6.2 log10(f)
};

/// ITU-R P.2108-1 §3.1 (see the header comment). RangeError for f outside 0.03..3 GHz;
/// InputError for h <= 0, R <= 0, ws <= 0 or non-finite values.
P2108HeightGain p2108_height_gain(double freq_ghz, double antenna_height_m, double clutter_height_m,
                                  ClutterCategory category,
                                  double street_width_m = kP2108DefaultStreetWidthM);
/// Same, loss only (dB).
double p2108_height_gain_loss_db(double freq_ghz, double antenna_height_m, double clutter_height_m,
                                 ClutterCategory category, double street_width_m = kP2108DefaultStreetWidthM);

/// ITU-R P.2108-1 §3.2 statistical clutter loss (dB) for one terrestrial terminal. RangeError for
/// f outside 0.5..67 GHz, d < 0.25 km or p outside (0, 100).
double p2108_terrestrial_clutter_loss_db(double freq_ghz, double distance_km, double location_percent);

/// Inverse complementary standard normal: the z with Q(z) = 0.5 erfc(z / sqrt 2) = q, 0 < q < 1
/// (InputError otherwise). Accurate to ~1e-12 (Newton-refined), unlike P.452 Attachment 3's
/// prescribed approximation `inverse_complementary_normal` in diffraction.hpp.
double inverse_q_exact(double q);

/// One land-cover class.
struct ClutterClass {
  int code = 0;
  std::string name;
  double height_m = 0.0;  ///< representative clutter height
  ClutterCategory category = ClutterCategory::open_rural;
  std::optional<double> loss_db;  ///< fixed terminal loss replacing the model
};

/// Clutter seen by a terminal standing in a class.
struct TerminalClutter {
  int code;
  ClutterCategory category;
  double clutter_height_m;  ///< the class's representative height
  double loss_db;           ///< additional loss to add to the path loss
  /// Height (m above ground) to which the basic path loss should be computed for loss_db to be
  /// added to it: the clutter height for an obstructing class with the terminal below it, else
  /// the antenna height.
  double path_height_m;
};

/// Land-cover code -> clutter class.
///
/// Terminal loss of a class (terminal_clutter()):
///  * a class with loss_db: that loss when the terminal is below the class height (or always when
///    the height is 0), else 0;
///  * water/sea and open/rural: 0 dB. P.2108 eq. (2b) is a height gain over open ground from R
///    down to h; the path models of this engine compute the loss to the actual antenna height over
///    bare terrain, which already contains it;
///  * suburban, urban, trees/forest, dense urban: P.2108 §3.1 eq. (2a) with R = the class
///    height (0 dB when h >= R or when the height is 0); path_height_m = R.
class ClutterTable {
 public:
  ClutterTable() = default;
  /// InputError for duplicate codes, negative/non-finite heights or negative/non-finite losses.
  explicit ClutterTable(std::vector<ClutterClass> classes);

  /// ESA WorldCover 2020/2021 (v100/v200) classes; heights are the P.1812 Table 2 heights of the
  /// chosen category (project defaults, documented here):
  ///   10 tree cover            trees_forest 15 m
  ///   20 shrubland             open_rural    0 m
  ///   30 grassland             open_rural    0 m
  ///   40 cropland              open_rural    0 m
  ///   50 built-up              suburban     10 m  (the bản and small towns of Sơn La; WorldCover
  ///                                              does not separate dense urban)
  ///   60 bare/sparse vegetation open_rural   0 m
  ///   70 snow and ice          open_rural    0 m
  ///   80 permanent water       water_sea     0 m
  ///   90 herbaceous wetland    open_rural    0 m
  ///   95 mangroves             trees_forest 15 m
  ///  100 moss and lichen       open_rural    0 m
  static ClutterTable esa_worldcover();

  /// CSV with a header line naming the columns: code, name, height_m (required) and category,
  /// loss_db (optional), in any order. '#' lines and blank lines are skipped; fields may be
  /// double-quoted ("" inside quotes is a quote). An empty loss_db means none; an empty or absent
  /// category is inferred from the height: < 5 m open_rural, < 12.5 m suburban, < 17.5 m urban,
  /// else dense_urban. Errors are InputErrors "<source>:<line>: ..." naming the value.
  static ClutterTable parse_csv(std::istream& in, const std::string& source);
  static ClutterTable read_csv(const std::string& path);

  /// nullptr when the code is not in the table.
  const ClutterClass* find(int code) const noexcept;
  /// InputError naming the code when it is not in the table.
  const ClutterClass& at(int code) const;
  const std::vector<ClutterClass>& classes() const { return classes_; }

  /// Clutter for a terminal with antenna height `antenna_height_m` above ground in class `code`
  /// (rules in the class comment). InputError for an unknown code; the P.2108 errors otherwise.
  TerminalClutter terminal_clutter(int code, double freq_mhz, double antenna_height_m,
                                   double street_width_m = kP2108DefaultStreetWidthM) const;

 private:
  std::vector<ClutterClass> classes_;  // sorted by code
};

}  // namespace phusong::radio
