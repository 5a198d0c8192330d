// Private: a fast atan2 for the rasterizer's per-cell ray lookup (libm's atan2 was a visible
// share of it), accurate to 1e-10 rad, far below a ray's angular spacing; and the cube root and
// decimal logarithm of the ITM formulas (glibc's cbrt and log10 have no FMA fast path: they took
// ~10 % of an ITM raster), within 3 ulp of libm. All pure (results never
// depend on threads); checked against libm in tests/cpp/test_raster.cpp. (Fast ln and exp were
// tried too and measured slower than glibc's FMA versions, so the models use libm for those.)
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>

namespace phusong::detail {

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

/// Cube root of x, within 3 ulp of std::cbrt: an exponent-thirding first guess (within ~4 %),
/// two Halley steps (cubic convergence: ~1e-4, ~1e-13) and a Newton step. Zero, negative,
/// non-finite and subnormal arguments go to std::cbrt.
inline double cbrt(double x) {
  if (!(x >= 2.2250738585072014e-308 && x <= 1.7976931348623157e308)) return std::cbrt(x);
  std::uint64_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  bits = bits / 3 + 0x2A9F7893782DA1CEULL;  // (exponent + bias) / 3 + 2 bias / 3, roughly
  double y;
  std::memcpy(&y, &bits, sizeof y);
  for (int i = 0; i < 2; ++i) {
    const double y3 = y * y * y;
    y *= (y3 + 2.0 * x) / (2.0 * y3 + x);
  }
  const double y2 = y * y;
  return y - (y2 * y - x) / (3.0 * y2);
}

/// log10 x as ln x / ln 10 (glibc's log is the faster routine), within 2 ulp of std::log10.
inline double log10(double x) { return std::log(x) * 0.43429448190325182765; }

}  // namespace phusong::detail
