// Private helpers of the radio models: argument checks whose messages name the function, the
// argument and its value, and strict number parsing for the pattern and table readers.
#pragma once
#include <charconv>
#include <cmath>
#include <sstream>
#include <string>
#include <system_error>

#include "phusong/error.hpp"

namespace phusong::radio::detail {

inline std::string fmt(double v) {
  std::ostringstream os;
  os.precision(10);
  os << v;
  return os.str();
}

[[noreturn]] inline void throw_input(const char* fn, const std::string& what) {
  throw InputError(std::string(fn) + ": " + what);
}

[[noreturn]] inline void throw_range(const char* fn, const char* arg, double v, const std::string& range) {
  throw RangeError(std::string(fn) + ": argument '" + arg + "' = " + fmt(v) + " is outside the validity range " +
                   range);
}

inline void require_finite(const char* fn, const char* arg, double v) {
  if (!std::isfinite(v)) throw_input(fn, std::string("argument '") + arg + "' = " + fmt(v) + " is not finite");
}

/// A whole token as a finite double (an optional leading '+' allowed).
inline bool parse_double(const std::string& tok, double& out) {
  const char* b = tok.data();
  const char* e = b + tok.size();
  if (b != e && *b == '+') ++b;
  const auto res = std::from_chars(b, e, out);
  return res.ec == std::errc() && res.ptr == e && std::isfinite(out);
}

}  // namespace phusong::radio::detail
