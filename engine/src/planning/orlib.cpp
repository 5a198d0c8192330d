// Reader of Beasley's OR-Library set-covering files (scp4x ... scpnrh, rail excluded):
//   m n
//   c_1 ... c_n                      (n column costs)
//   for each row i = 1..m:  k_i  j_1 ... j_k   (the k_i columns that cover row i, 1-based)
// Numbers are separated by any white space and may wrap across lines.
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "phusong/error.hpp"
#include "phusong/planning.hpp"

namespace phusong::planning {
namespace {

class Tokens {
 public:
  Tokens(std::istream& in, std::string path) : in_(in), path_(std::move(path)) {}

  // Next token, or false at the end of the file.
  bool next(std::string& tok) {
    tok.clear();
    int ch;
    while ((ch = in_.get()) != EOF) {
      if (ch == '\n') {
        ++line_;
        continue;
      }
      if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\f' || ch == '\v') continue;
      break;
    }
    if (ch == EOF) return false;
    tok_line_ = line_;
    ++count_;
    tok.push_back(static_cast<char>(ch));
    while ((ch = in_.peek()) != EOF && !std::isspace(ch)) tok.push_back(static_cast<char>(in_.get()));
    return true;
  }

  [[noreturn]] void fail(const std::string& what, const std::string& value) const {
    throw InputError(path_ + ":" + std::to_string(tok_line_) + ": " + what + ", got '" + value +
                     "' (number " + std::to_string(count_) + " of the file)");
  }
  [[noreturn]] void fail_eof(const std::string& what) const {
    throw InputError(path_ + ":" + std::to_string(line_) + ": unexpected end of file: " + what +
                     " (after " + std::to_string(count_) + " numbers)");
  }

  long integer(const std::string& what, long lo, long hi) {
    std::string tok;
    if (!next(tok)) fail_eof("expected " + what);
    errno = 0;
    char* end = nullptr;
    const long v = std::strtol(tok.c_str(), &end, 10);
    if (end == tok.c_str() || *end != '\0' || errno == ERANGE)
      fail("expected " + what + " (an integer)", tok);
    if (v < lo || v > hi)
      fail("expected " + what + " in " + std::to_string(lo) + ".." + std::to_string(hi), tok);
    return v;
  }

  double positive(const std::string& what) {
    std::string tok;
    if (!next(tok)) fail_eof("expected " + what);
    errno = 0;
    char* end = nullptr;
    const double v = std::strtod(tok.c_str(), &end);
    if (end == tok.c_str() || *end != '\0' || errno == ERANGE || !std::isfinite(v))
      fail("expected " + what + " (a number)", tok);
    if (!(v > 0)) fail("expected " + what + " > 0", tok);
    return v;
  }

 private:
  std::istream& in_;
  std::string path_;
  long line_ = 1, tok_line_ = 1, count_ = 0;
};

}  // namespace

CoverProblem read_orlib_scp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open the OR-Library set-covering file");
  Tokens t(in, path);
  constexpr long kMax = 100000000;
  const long m = t.integer("the number of rows", 1, kMax);
  const long n = t.integer("the number of columns", 1, kMax);
  CoverProblem p;
  p.sets.resize(n);
  p.cost.resize(n);
  p.weight.assign(m, 1.0);
  for (long j = 0; j < n; ++j) p.cost[j] = t.positive("the cost of column " + std::to_string(j + 1));
  for (long i = 0; i < m; ++i) {
    const std::string row = "row " + std::to_string(i + 1);
    const long k = t.integer("the number of columns covering " + row, 0, n);
    for (long q = 0; q < k; ++q) {
      const long j = t.integer("column " + std::to_string(q + 1) + " of " + std::to_string(k) +
                               " covering " + row, 1, n);
      p.sets[j - 1].push_back(static_cast<int>(i));
    }
  }
  std::string extra;
  if (t.next(extra)) t.fail("expected the end of the file after " + std::to_string(m) + " rows", extra);
  return p;
}

}  // namespace phusong::planning
