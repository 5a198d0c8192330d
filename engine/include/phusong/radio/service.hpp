// phusong — from signal to service: SINR, spectral efficiency (attenuated Shannon bound and the
// 3GPP CQI tables), thermal noise, shadowing margin and throughput (GitHub issue 13).
//
// Attenuated and truncated Shannon bound (3GPP TR 36.942, Annex A, "link level performance
// model": the SINR-to-throughput mapping for E-UTRA system simulations):
//   Thr = 0                       for SINR <  SINR_MIN
//   Thr = alpha * log2(1 + SINR)  for SINR_MIN <= SINR, up to Thr_MAX
//   Thr = Thr_MAX                 above (SINR_MAX is where alpha*log2(1 + SINR) reaches Thr_MAX)
// with SINR linear, Thr in bps/Hz, and the baseline parameters of the TR:
//   downlink: alpha 0.6, SINR_MIN -10 dB, Thr_MAX 4.4 bps/Hz (QPSK 1/8 .. 64QAM 4/5);
//   uplink:   alpha 0.4, SINR_MIN -10 dB, Thr_MAX 2.0 bps/Hz (QPSK 1/5 .. 16QAM 3/4).
// The TR's own text was not reachable from here; the values were checked against public code
// that cites it: the downlink triple (0.6, -10 dB, 4.4 bps/Hz) in several independent
// simulators/studies citing "TR 36.942 Annex A" (one cites V19.0.0 "Annex A.1 Table A.1",
// others "A.2"); the uplink alpha 0.4 and SINR_MIN -10 dB in the SHARC sharing-study
// simulator's link-to-system parameters (Radio-Spectrum/SHARC, ul_attenuation_factor 0.4,
// ul_sinr_min -10). The uplink Thr_MAX of 2.0 bps/Hz was not found in a reachable source.
//
// CQI tables: spectral efficiency (bps/Hz, the 4 decimals printed in the specs) of each 4-bit
// CQI index; index 0 is "out of range" (efficiency 0). Each printed value is
// Qm * (code rate x 1024) / 1024 rounded to 4 decimals:
//   TS 36.213 Table 7.2.3-1  = TS 38.214 Table 5.2.2.1-2 (QPSK..64QAM, BLER 0.1),
//   TS 36.213 Table 7.2.3-2  = TS 38.214 Table 5.2.2.1-3 (QPSK..256QAM, BLER 0.1),
//   TS 38.214 Table 5.2.2.1-4 (QPSK..64QAM with two lower QPSK rates, for BLER 1e-5).
// Checked against the MathWorks 5G Toolbox table builder (nr5g.internal.getCQITable, which
// builds the efficiencies as round(Qm * rate * 1e4) / 1e4) and several simulators' copies.
//
// CQI selection (the Shannon-gap rule): the highest CQI whose efficiency does not exceed the
// capacity of the SINR reduced by a gap, log2(1 + SINR / Gamma), Gamma = 10^(gap_db / 10);
// gap 0 dB selects against the Shannon bound itself, larger gaps model implementation and
// coding losses (a few dB is typical for turbo/LDPC codes at BLER 0.1). CQI 0 (out of range)
// when even CQI 1 needs more.
//
// Units are in the names. SINR values may be -inf dB (no signal: efficiency 0, CQI 0) or +inf;
// the efficiency functions return NaN for a NaN SINR (so NumPy nodata stays nodata), the
// functions returning an integer throw InputError for it. Other bad arguments (not finite, out
// of range) are an InputError naming the function, the argument and the value. All functions
// are pure and thread-safe.
#pragma once

#include <array>
#include <string>
#include <vector>

namespace phusong::radio {

// ---------------------------------------------------------------------------------------------
// Attenuated Shannon bound.

/// Parameters of the attenuated and truncated Shannon bound.
struct ShannonParams {
  double alpha;           ///< attenuation (implementation losses), > 0
  double sinr_min_db;     ///< below it the throughput is 0
  double thr_max_bps_hz;  ///< the cap, > 0
};

/// TR 36.942 Annex A baseline, E-UTRA downlink: alpha 0.6, SINR_MIN -10 dB, Thr_MAX 4.4 bps/Hz.
inline constexpr ShannonParams kShannonDownlink{0.6, -10.0, 4.4};
/// TR 36.942 Annex A baseline, E-UTRA uplink: alpha 0.4, SINR_MIN -10 dB, Thr_MAX 2.0 bps/Hz.
inline constexpr ShannonParams kShannonUplink{0.4, -10.0, 2.0};

enum class LinkDirection { downlink, uplink };
/// "downlink" (alias "dl") or "uplink" (alias "ul"); InputError for others.
LinkDirection link_direction_from_string(const std::string& name);
const char* to_string(LinkDirection d);
/// kShannonDownlink or kShannonUplink.
ShannonParams shannon_params(LinkDirection d);

/// Spectral efficiency (bps/Hz) of the attenuated, truncated Shannon bound: 0 below
/// p.sinr_min_db, alpha log2(1 + SINR) from it (inclusive), at most p.thr_max_bps_hz.
/// InputError for alpha or thr_max_bps_hz not finite and > 0, or sinr_min_db not finite.
double attenuated_shannon_bps_hz(double sinr_db, const ShannonParams& p = kShannonDownlink);

// ---------------------------------------------------------------------------------------------
// CQI tables.

enum class CqiTable {
  lte_64qam,        ///< TS 36.213 Table 7.2.3-1 (4-bit CQI, QPSK..64QAM)
  lte_256qam,       ///< TS 36.213 Table 7.2.3-2 (4-bit CQI, QPSK..256QAM)
  nr_64qam,         ///< TS 38.214 Table 5.2.2.1-2 ("table1"; same values as 7.2.3-1)
  nr_256qam,        ///< TS 38.214 Table 5.2.2.1-3 ("table2"; same values as 7.2.3-2)
  nr_64qam_low_se,  ///< TS 38.214 Table 5.2.2.1-4 ("table3"; QPSK..64QAM, low spectral efficiency)
};

/// One row of a CQI table. Row 0 ("out of range") is all zeros.
struct CqiEntry {
  int modulation_order;   ///< Qm: 2 QPSK, 4 16QAM, 6 64QAM, 8 256QAM
  int code_rate_x1024;    ///< target code rate x 1024
  double efficiency;      ///< bps/Hz, as printed in the table (4 decimals)
};

/// Every table, in the order of the enum.
const std::vector<CqiTable>& cqi_tables();
/// The table's name: "36.213-7.2.3-1", "36.213-7.2.3-2", "38.214-5.2.2.1-2", "38.214-5.2.2.1-3"
/// or "38.214-5.2.2.1-4".
const char* to_string(CqiTable t);
/// A name of to_string() or of the enum ("lte_64qam", "nr_256qam", ...); InputError
/// "unknown CQI table 'x' (known: ...)" for others.
CqiTable cqi_table_from_string(const std::string& name);
/// The 16 rows, index = CQI.
const std::array<CqiEntry, 16>& cqi_table_entries(CqiTable t);
/// The 16 efficiencies (bps/Hz), index = CQI, index 0 = 0.
std::array<double, 16> cqi_table_efficiencies(CqiTable t);

/// Spectral efficiency (bps/Hz) of a CQI index: 0 for CQI 0 (out of range); InputError
/// outside 0..15.
double cqi_efficiency(CqiTable t, int cqi);

/// The CQI selected at an SINR by the Shannon-gap rule: the highest CQI whose efficiency is at
/// most log2(1 + SINR_linear / 10^(gap_db/10)), 0 if none. gap_db must be finite and >= 0;
/// InputError for a NaN SINR.
int cqi_from_sinr(CqiTable t, double sinr_db, double gap_db = 0.0);

/// cqi_efficiency(t, cqi_from_sinr(t, sinr_db, gap_db)); NaN for a NaN SINR.
double cqi_spectral_efficiency(CqiTable t, double sinr_db, double gap_db = 0.0);

// ---------------------------------------------------------------------------------------------
// Noise, shadowing margin, SINR, throughput.

constexpr double kBoltzmannJPerK = 1.380649e-23;  ///< exact since the 2019 SI redefinition
constexpr double kReferenceTemperatureK = 290.0;  ///< T0 of noise-figure definitions

/// Thermal noise power (dBm) in a bandwidth: 10 log10(k T B) + 30 + NF. At 290 K this is
/// -173.975 dBm/Hz (the "-174 dBm/Hz" of link budgets). InputError for bandwidth_hz or
/// temperature_k not finite and > 0, or noise_figure_db not finite and >= 0.
double thermal_noise_dbm(double bandwidth_hz, double noise_figure_db,
                         double temperature_k = kReferenceTemperatureK);

/// Inverse of the standard normal CDF, Phi^-1(p), for p in (0, 1): Acklam's rational
/// approximation refined by one Halley step on std::erfc (absolute error < 1e-13 in the body,
/// relative < 1e-13 in the tails). InputError outside (0, 1).
double inverse_normal_cdf(double p);

/// Log-normal shadowing margin (dB) for a location probability: the fade margin that a
/// location is served with probability p, sigma * Q^-1(1 - p) = sigma * Phi^-1(p) (e.g. p 0.9
/// gives 1.2816 sigma, p 0.95 gives 1.6449 sigma; p < 0.5 gives a negative margin). InputError
/// for sigma_db not finite and >= 0, or probability outside (0, 1).
double location_margin_db(double sigma_db, double probability);

/// SINR (dB) = S / (load * sum(I) + N), summed in linear mW: signal and interferers in dBm
/// (-inf allowed: no power), the interferers' activity factor load in [0, 1], noise in dBm
/// (finite). InputError for a NaN power, a load outside [0, 1] or a noise not finite.
double sinr_db(double signal_dbm, const std::vector<double>& interferer_dbm, double load, double noise_dbm);

/// Throughput (Mbps) = efficiency (bps/Hz) * bandwidth (MHz) * MIMO layers * (1 - overhead).
/// InputError for efficiency not finite and >= 0, bandwidth not finite and > 0, layers outside
/// 1..8 or overhead outside [0, 1).
double throughput_mbps(double efficiency_bps_hz, double bandwidth_mhz, int mimo_layers, double overhead);

}  // namespace phusong::radio
