// Reader of Beasley's OR-Library set-covering files (scp4x ... scpnrh, rail excluded):
//   m n
//   c_1 ... c_n                      (n column costs)
//   for each row i = 1..m:  k_i  j_1 ... j_k   (the k_i columns that cover row i, 1-based)
// Numbers are separated by any white space and may wrap across lines. The declared sizes are
// checked against what the input can hold, and the memory they need against a limit, before
// anything is allocated (a 20-byte file must not make the reader allocate gigabytes).
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

bool is_space(int ch) {
  return ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r' || ch == '\f' || ch == '\v';
}

class Tokens {
 public:
  Tokens(std::istream& in, std::string name) : in_(in), name_(std::move(name)) {}

  // Next token, or false at the end of the input.
  bool next(std::string& tok) {
    tok.clear();
    int ch;
    while ((ch = in_.get()) != EOF) {
      if (ch == '\n') {
        ++line_;
        continue;
      }
      if (is_space(ch)) continue;
      break;
    }
    if (ch == EOF) return false;
    tok_line_ = line_;
    ++count_;
    tok.push_back(static_cast<char>(ch));
    while ((ch = in_.peek()) != EOF && !is_space(ch)) tok.push_back(static_cast<char>(in_.get()));
    return true;
  }

  [[noreturn]] void fail(const std::string& what, const std::string& value) const {
    throw InputError(name_ + ":" + std::to_string(tok_line_) + ": " + what + ", got '" + printable(value) +
                     "' (number " + std::to_string(count_) + " of the file)");
  }
  [[noreturn]] void fail_eof(const std::string& what) const {
    throw InputError(name_ + ":" + std::to_string(line_) + ": unexpected end of file: " + what + " (after " +
                     std::to_string(count_) + " numbers)");
  }

  // `what()` describes the expected value; it is only built for an error message.
  template <class What>
  long integer(const What& what, long lo, long hi) {
    if (!next(tok_)) fail_eof("expected " + what());
    errno = 0;
    char* end = nullptr;
    const long v = std::strtol(tok_.c_str(), &end, 10);
    // The whole token must be the number (a NUL byte inside it must not end it early).
    if (end != tok_.c_str() + tok_.size() || tok_.empty() || errno == ERANGE)
      fail("expected " + what() + " (an integer)", tok_);
    if (v < lo || v > hi)
      fail("expected " + what() + " in " + std::to_string(lo) + ".." + std::to_string(hi), tok_);
    return v;
  }

  template <class What>
  double positive(const What& what) {
    if (!next(tok_)) fail_eof("expected " + what());
    errno = 0;
    char* end = nullptr;
    const double v = std::strtod(tok_.c_str(), &end);
    if (end != tok_.c_str() + tok_.size() || tok_.empty() || errno == ERANGE || !std::isfinite(v))
      fail("expected " + what() + " (a number)", tok_);
    if (!(v > 0)) fail("expected " + what() + " > 0", tok_);
    return v;
  }

 private:
  // The token as quoted in a message: control bytes escaped, at most 40 characters.
  static std::string printable(const std::string& s) {
    std::string out;
    for (char c : s.substr(0, 40)) {
      const auto u = static_cast<unsigned char>(c);
      if (u < 0x20 || u == 0x7f) {
        static const char kHex[] = "0123456789abcdef";
        out += "\\x";
        out += kHex[u >> 4];
        out += kHex[u & 15];
      } else {
        out += c;
      }
    }
    if (s.size() > 40) out += "...";
    return out;
  }

  std::istream& in_;
  std::string name_;
  std::string tok_;
  long line_ = 1, tok_line_ = 1, count_ = 0;
};

// "812 bytes", "3.4 KiB", "120.0 MiB", "3.7 GiB".
std::string human_bytes(double bytes) {
  std::ostringstream os;
  os.setf(std::ios::fixed);
  os.precision(1);
  if (bytes < 1024.0) {
    os.precision(0);
    os << bytes << " bytes";
  } else if (bytes < 1024.0 * 1024.0) {
    os << bytes / 1024.0 << " KiB";
  } else if (bytes < 1024.0 * 1024.0 * 1024.0) {
    os << bytes / (1024.0 * 1024.0) << " MiB";
  } else {
    os << bytes / (1024.0 * 1024.0 * 1024.0) << " GiB";
  }
  return os.str();
}

// Reads an instance of `size_bytes` bytes from `in`; `name` names it in error messages.
CoverProblem read_orlib(std::istream& in, const std::string& name, std::size_t size_bytes,
                        std::size_t max_memory_bytes) {
  Tokens t(in, name);
  constexpr long kMax = 100000000;
  const long m = t.integer([] { return std::string("the number of rows"); }, 1, kMax);
  const long n = t.integer([] { return std::string("the number of columns"); }, 1, kMax);

  // Memory of the instance: per column a set (a vector) and a cost, per row a weight, and the
  // row indices of the sets, at most one per two bytes of input.
  const double header_bytes = static_cast<double>(n) * (sizeof(std::vector<int>) + sizeof(double)) +
                              static_cast<double>(m) * sizeof(double);
  const double estimate_bytes = header_bytes + static_cast<double>(size_bytes) / 2.0 * sizeof(int);

  // Sizes the input can hold: the header, n costs and m row counts are m + n + 2 numbers, each at
  // least one character followed by a separator (but the last), so 2 (m + n + 2) - 1 bytes.
  const double min_bytes = 2.0 * (static_cast<double>(m) + static_cast<double>(n) + 2.0) - 1.0;
  if (min_bytes > static_cast<double>(size_bytes)) {
    std::ostringstream os;
    os << name << ": the header declares " << m << " rows and " << n << " columns (about "
       << human_bytes(header_bytes) << " of memory), which need at least " << m + n + 2 << " numbers ("
       << static_cast<long long>(min_bytes) << " bytes), but the file has only " << size_bytes
       << " bytes; nothing was allocated. The file is truncated or its first line (m n) is wrong: "
          "fix the header to the real numbers of rows and columns";
    throw InputError(os.str());
  }
  if (estimate_bytes > static_cast<double>(max_memory_bytes)) {
    std::ostringstream os;
    os << name << ": the instance (" << m << " rows, " << n << " columns, " << size_bytes
       << " bytes) would need up to " << human_bytes(estimate_bytes) << " of memory, more than the limit of "
       << human_bytes(static_cast<double>(max_memory_bytes))
       << "; split the instance or raise max_memory_bytes (default kOrlibMaxMemoryBytes)";
    throw InputError(os.str());
  }

  CoverProblem p;
  p.sets.resize(n);
  p.cost.resize(n);
  p.weight.assign(m, 1.0);
  for (long j = 0; j < n; ++j)
    p.cost[j] = t.positive([j] { return "the cost of column " + std::to_string(j + 1); });
  for (long i = 0; i < m; ++i) {
    const auto row = [i] { return "row " + std::to_string(i + 1); };
    const long k = t.integer([&] { return "the number of columns covering " + row(); }, 0, n);
    for (long q = 0; q < k; ++q) {
      const long j = t.integer(
          [&] {
            return "column " + std::to_string(q + 1) + " of " + std::to_string(k) + " covering " + row();
          },
          1, n);
      p.sets[j - 1].push_back(static_cast<int>(i));
    }
  }
  std::string extra;
  if (t.next(extra)) t.fail("expected the end of the file after " + std::to_string(m) + " rows", extra);
  return p;
}

}  // namespace

CoverProblem read_orlib_scp(const std::string& path, std::size_t max_memory_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open the OR-Library set-covering file");
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  in.seekg(0, std::ios::beg);
  if (size < 0 || !in)
    throw InputError(path + ": cannot determine the size of the OR-Library set-covering file");
  return read_orlib(in, path, static_cast<std::size_t>(size), max_memory_bytes);
}

CoverProblem read_orlib_scp_text(const std::string& text, const std::string& name,
                                 std::size_t max_memory_bytes) {
  std::istringstream in(text);
  return read_orlib(in, name, text.size(), max_memory_bytes);
}

}  // namespace phusong::planning
