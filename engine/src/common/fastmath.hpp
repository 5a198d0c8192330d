// Private: fast elementary functions for the raster sweeps' inner loops, where libm's ln, exp
// and atan2 took a third of the time. Branch-light, pure (so results never depend on threads),
// and accurate to about 1e-10 relative (ln, exp) or 1e-10 rad (atan2): far below what path loss
// in dB or angles of rays can show. Checked against libm in tests/cpp/test_raster.cpp.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>

namespace phusong::detail {

/// Natural logarithm of a positive, finite, normal x.
inline double fast_ln(double x) {
  std::uint64_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  int e = static_cast<int>((bits >> 52) & 0x7ff) - 1023;
  bits = (bits & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL;  // mantissa m in [1, 2)
  double m;
  std::memcpy(&m, &bits, sizeof m);
  const bool big = m > 1.4142135623730951;  // then halve: m in [sqrt(1/2), sqrt(2)), |t| <= 0.1716
  m = big ? m * 0.5 : m;
  e += big;
  // ln m = 2 atanh(t), t = (m - 1) / (m + 1): odd series, first omitted term 2 t^13 / 13 < 2e-11.
  const double t = (m - 1.0) / (m + 1.0), t2 = t * t;
  const double s =
      1.0 + t2 * (1.0 / 3 + t2 * (1.0 / 5 + t2 * (1.0 / 7 + t2 * (1.0 / 9 + t2 * (1.0 / 11)))));
  return e * 0.6931471805599453 + 2.0 * t * s;
}

inline double fast_log10(double x) { return fast_ln(x) * 0.43429448190325182; }

/// e^x for |x| < 700.
inline double fast_exp(double x) {
  const double q = x * 1.4426950408889634;
  const long long n = static_cast<long long>(q + (q >= 0 ? 0.5 : -0.5));  // round (no SSE4.1 floor)
  const double dn = static_cast<double>(n);
  // r = x - n ln 2 in two parts (Cody-Waite), |r| <= 0.347.
  const double r = (x - dn * 0.693145751953125) - dn * 1.4286068203094173e-06;
  // Taylor series to r^10, evaluated as two interleaved halves (Estrin-like, shorter dependency
  // chains): first omitted term 0.347^11 / 11! < 3e-13.
  const double r2 = r * r;
  const double even = 1.0 + r2 * (0.5 + r2 * (1.0 / 24 + r2 * (1.0 / 720 + r2 * (1.0 / 40320 + r2 * (1.0 / 3628800)))));
  const double odd = 1.0 + r2 * (1.0 / 6 + r2 * (1.0 / 120 + r2 * (1.0 / 5040 + r2 * (1.0 / 362880))));
  const double p = even + r * odd;
  const std::uint64_t scale = static_cast<std::uint64_t>(n + 1023) << 52;
  double two_n;
  std::memcpy(&two_n, &scale, sizeof two_n);
  return p * two_n;
}

/// atan2(y, x) in (-pi, pi]; (0, 0) gives 0.
inline double fast_atan2(double y, double x) {
  constexpr double kPi = 3.141592653589793, kPi6 = 0.5235987755982988, kTan15 = 0.2679491924311227,
                   kInvSqrt3 = 0.5773502691896258;
  const double ax = std::fabs(x), ay = std::fabs(y);
  const double hi = ax > ay ? ax : ay, lo = ax > ay ? ay : ax;
  if (hi == 0.0) return 0.0;
  double z = lo / hi;  // in [0, 1]
  double base = 0.0;
  if (z > kTan15) {  // atan z = pi/6 + atan((z - 1/sqrt3) / (1 + z/sqrt3)), new |z| <= tan 15°
    z = (z - kInvSqrt3) / (1.0 + z * kInvSqrt3);
    base = kPi6;
  }
  // atan z = z - z^3/3 + ... to z^15: first omitted term z^17 / 17 < 1e-11.
  const double z2 = z * z;
  const double s = 1.0 - z2 * (1.0 / 3 - z2 * (1.0 / 5 - z2 * (1.0 / 7 - z2 * (1.0 / 9 - z2 * (1.0 / 11 - z2 * (1.0 / 13 - z2 * (1.0 / 15)))))));
  double a = base + z * s;              // atan(lo / hi) in [0, pi/4]
  if (ay > ax) a = 0.5 * kPi - a;       // |y| > |x|
  if (x < 0.0) a = kPi - a;
  return y < 0.0 ? -a : a;
}

}  // namespace phusong::detail
