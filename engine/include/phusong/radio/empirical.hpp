// phusong — empirical median path loss: Okumura-Hata, COST-231 Hata and Extended Hata.
//
// Formulas (f in MHz, d in km, hb = base-station antenna height above ground in m,
// hm = mobile antenna height above ground in m, log = log10):
//
//  Okumura-Hata (Hata 1980, IEEE Trans. VT-29), 150 <= f <= 1500 MHz:
//    L_urban = 69.55 + 26.16 log f - 13.82 log hb - a(hm) + (44.9 - 6.55 log hb) log d
//  COST-231 Hata (COST 231 final report, §4.4.3), 1500 <= f <= 2000 MHz:
//    L_urban = 46.3 + 33.9 log f - 13.82 log hb - a(hm) + (44.9 - 6.55 log hb) log d + Cm
//    Cm = 3 dB for a large city (metropolitan centre), 0 dB otherwise.
//  Mobile antenna correction a(hm):
//    small/medium city (also used for suburban and open/rural):
//      a(hm) = (1.1 log f - 0.7) hm - (1.56 log f - 0.8)
//    large city: f <= 300 MHz: a(hm) = 8.29 (log(1.54 hm))^2 - 1.1
//                f >  300 MHz: a(hm) = 3.2 (log(11.75 hm))^2 - 4.97
//    (Hata gives the first for f <= 200 MHz and the second for f >= 400 MHz; this engine switches
//    at 300 MHz, the middle of the gap.)
//  Environment corrections, applied to L_urban (computed with the small/medium-city a(hm)):
//    suburban:   L = L_urban - 2 (log(f/28))^2 - 5.4
//    open/rural: L = L_urban - 4.78 (log f)^2 + 18.33 log f - 40.94
//  COST-231 itself defines only the urban formula; for suburban and open/rural this engine applies
//  Hata's corrections with f clamped to [150, 2000] MHz, as Extended Hata (ITU-R SM.2028) does.
//
//  Validity ranges (enforced): d 1..20 km, hb 30..200 m, hm 1..10 m, f as above. Outside them a
//  RangeError is thrown unless allow_extrapolation is true; the formula is then evaluated as is and
//  the result carries out_of_range flags and a warning string naming each argument and value.
//
//  Extended Hata (ITU-R SM.2028-2 §6.1 / SEAMCAT), 30 < f <= 3000 MHz, d <= 100 km:
//    a(Hm) = (1.1 log f - 0.7) min(10, Hm) - (1.56 log f - 0.8) + max(0, 20 log(Hm/10))
//    b(Hb) = min(0, 20 log(Hb/30))
//    alpha = 1 for d <= 20 km, else 1 + (0.14 + 1.87e-4 f + 1.07e-3 Hb) (log(d/20))^0.8
//    urban, d >= 0.1 km, with H = max(30, Hb) and D = (log d)^alpha:
//      30 < f <= 150:    69.6 + 26.2 log 150 - 20 log(150/f) - 13.82 log H + (44.9 - 6.55 log H) D - a - b
//      150 < f <= 1500:  69.6 + 26.2 log f                   - 13.82 log H + (44.9 - 6.55 log H) D - a - b
//      1500 < f <= 2000: 46.3 + 33.9 log f                   - 13.82 log H + (44.9 - 6.55 log H) D - a - b
//      2000 < f <= 3000: 46.3 + 33.9 log 2000 + 10 log(f/2000) - 13.82 log H + (44.9 - 6.55 log H) D - a - b
//    suburban / open: Hata's corrections with f clamped to [150, 2000] MHz;
//    d <= 0.04 km: L = 32.4 + 20 log f + 10 log(d^2 + (Hb - Hm)^2 / 1e6);
//    0.04 < d < 0.1 km: linear in log d between L(0.04) and L(0.1);
//    L is never below that free-space value: loss_db = max(free space, urban_loss_db -
//    environment_correction_db). Urban large/small city are the same here.
//    Hm below 1 m is taken as 1 m (as SM.2028 says). Ranges enforced: f 30..3000 MHz, d (0, 100] km,
//    hb 30..200 m, hm 1..10 m (same extrapolation rule as above).
//
// Arguments that are not finite or not positive are an InputError whatever allow_extrapolation says.
// All functions are pure and thread-safe; no heap allocation unless a warning has to be written.
#pragma once

#include <string>

namespace phusong::radio {

enum class HataEnvironment {
  urban_large_city,         ///< large city / metropolitan centre
  urban_small_medium_city,  ///< small or medium-sized city
  suburban,
  open_rural,
};

enum class EmpiricalModel {
  okumura_hata,   ///< 150-1500 MHz
  cost231_hata,   ///< 1500-2000 MHz
  hata,           ///< okumura_hata for f <= 1500 MHz, cost231_hata above
  extended_hata,  ///< ITU-R SM.2028 Extended Hata, 30-3000 MHz
};

/// Bits of EmpiricalResult::out_of_range.
enum EmpiricalRangeFlag : unsigned {
  kFreqOutOfRange = 1u,
  kDistanceOutOfRange = 2u,
  kTxHeightOutOfRange = 4u,
  kRxHeightOutOfRange = 8u,
};

struct EmpiricalInput {
  double freq_mhz = 900;
  double distance_km = 1;
  double tx_height_m = 30;   ///< hb: base-station antenna height above ground
  double rx_height_m = 1.5;  ///< hm: mobile antenna height above ground
  HataEnvironment environment = HataEnvironment::urban_small_medium_city;
  bool allow_extrapolation = false;
};

struct EmpiricalResult {
  double loss_db = 0;                    ///< median basic path loss
  double a_hm_db = 0;                    ///< mobile antenna correction a(hm) used
  double urban_loss_db = 0;              ///< urban loss (incl. Cm) before the environment correction
  double environment_correction_db = 0;  ///< loss_db = urban_loss_db - environment_correction_db
  EmpiricalModel model = EmpiricalModel::okumura_hata;  ///< model actually evaluated
  unsigned out_of_range = 0;  ///< EmpiricalRangeFlag bits; 0 inside the validity range
  std::string warning;        ///< empty inside the validity range
  bool extrapolated() const { return out_of_range != 0; }
};

/// Hata mobile antenna height correction a(hm) in dB (urban_large_city uses the large-city
/// formula, every other environment the small/medium-city one). No range check.
double hata_mobile_correction_db(double freq_mhz, double rx_height_m, HataEnvironment env);

/// Okumura-Hata median path loss. RangeError outside 150-1500 MHz, 1-20 km, hb 30-200 m,
/// hm 1-10 m unless in.allow_extrapolation.
EmpiricalResult okumura_hata(const EmpiricalInput& in);

/// COST-231 Hata median path loss. RangeError outside 1500-2000 MHz, 1-20 km, hb 30-200 m,
/// hm 1-10 m unless in.allow_extrapolation.
EmpiricalResult cost231_hata(const EmpiricalInput& in);

/// Extended Hata (ITU-R SM.2028-2 §6.1) median path loss.
EmpiricalResult extended_hata(const EmpiricalInput& in);

/// Dispatch on the model (EmpiricalModel::hata picks Okumura-Hata up to 1500 MHz, COST-231 above).
EmpiricalResult empirical_path_loss(EmpiricalModel model, const EmpiricalInput& in);

/// Names: "okumura_hata", "cost231_hata", "hata", "extended_hata"; InputError for others.
EmpiricalModel empirical_model_from_string(const std::string& name);
const char* to_string(EmpiricalModel m);
/// Names: "urban_large_city", "urban_small_medium_city" (alias "urban"), "suburban",
/// "open_rural" (aliases "open", "rural"); InputError for others.
HataEnvironment hata_environment_from_string(const std::string& name);
const char* to_string(HataEnvironment e);

}  // namespace phusong::radio
