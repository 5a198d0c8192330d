// Reader of SteinLib's STP format (Koch, Martin & Voß, "SteinLib: An updated library on Steiner
// tree problems in graphs", ZIB-Report 00-37), undirected instances:
//   33D32945 STP File, STP Format Version 1.0
//   SECTION Comment ... END
//   SECTION Graph  Nodes n / Edges m / E u v cost (m lines) END
//   SECTION Terminals  Terminals k / T v (k lines) END
//   EOF
// Keywords are case-insensitive; other sections (Coordinates, Presolve, ...) are skipped.
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "phusong/error.hpp"
#include "phusong/fibre.hpp"
#include "phusong/limits.hpp"

namespace phusong::fibre {
namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string printable(const std::string& s) {
  std::string out;
  for (unsigned char c : s.substr(0, 60)) out += (c >= 32 && c < 127) ? static_cast<char>(c) : '?';
  return out + (s.size() > 60 ? "..." : "");
}

class Reader {
 public:
  Reader(const std::string& text, std::string name, std::size_t max_memory)
      : text_(text), name_(std::move(name)), max_memory_(max_memory) {}

  SteinerProblem read() {
    SteinerProblem p;
    p.name = name_;
    std::string section;
    bool header = false, graph = false, terms = false, have_nodes = false, have_edges = false, have_terms = false;
    long n_edges = 0, n_terms = 0;
    std::string line;
    while (next_line(line)) {
      std::vector<std::string> tok = split(line);
      if (tok.empty()) continue;
      if (!header) {
        if (lower(tok[0]) != "33d32945")
          fail("not a SteinLib STP file: expected the header '33D32945 STP File, STP Format Version 1.0'", line);
        header = true;
        continue;
      }
      const std::string key = lower(tok[0]);
      if (key == "eof") break;
      if (key == "section") {
        if (!section.empty()) fail("SECTION inside SECTION " + section + " (missing END)", line);
        if (tok.size() < 2) fail("SECTION without a name", line);
        section = lower(tok[1]);
        if (section == "graph") graph = true;
        if (section == "terminals") terms = true;
        continue;
      }
      if (key == "end") {
        if (section.empty()) fail("END outside a section", line);
        if (section == "graph") {
          if (!have_nodes) fail("SECTION Graph without 'Nodes'", line);
          if (static_cast<long>(p.edge_u.size()) != n_edges)
            fail("SECTION Graph declares " + std::to_string(n_edges) + " edges but has " +
                     std::to_string(p.edge_u.size()) + " E lines",
                 line);
        }
        if (section == "terminals" && static_cast<long>(p.terminals.size()) != n_terms)
          fail("SECTION Terminals declares " + std::to_string(n_terms) + " terminals but has " +
                   std::to_string(p.terminals.size()) + " T lines",
               line);
        section.clear();
        continue;
      }
      if (section == "comment") continue;  // Name, Creator, Remark
      if (section == "graph") {
        if (key == "nodes") {
          p.n_nodes = static_cast<int>(integer(tok, 1, 1, 2000000000L, "the number of nodes", line));
          have_nodes = true;
        } else if (key == "edges") {
          n_edges = integer(tok, 1, 0, 1000000000L, "the number of edges", line);
          // Each E line takes at least 8 bytes ("E 1 2 3\n").
          if (static_cast<double>(n_edges) * 8 > static_cast<double>(text_.size()))
            fail("'Edges " + std::to_string(n_edges) + "' cannot fit in a file of " + std::to_string(text_.size()) +
                     " bytes (each E line needs at least 8)",
                 line);
          const double bytes = static_cast<double>(n_edges) * (2 * sizeof(int) + sizeof(double)) +
                               static_cast<double>(p.n_nodes) * 16;
          if (bytes > static_cast<double>(max_memory_))
            fail("the declared sizes (" + std::to_string(p.n_nodes) + " nodes, " + std::to_string(n_edges) +
                     " edges) need about " + std::to_string(static_cast<long long>(bytes / 1e6)) + " MB, above the reader's limit of " +
                     std::to_string(max_memory_ / 1000000) + " MB",
                 line);
          p.edge_u.reserve(n_edges), p.edge_v.reserve(n_edges), p.edge_cost.reserve(n_edges);
          have_edges = true;
        } else if (key == "e") {
          if (!have_nodes || !have_edges) fail("an E line before 'Nodes' and 'Edges'", line);
          if (static_cast<long>(p.edge_u.size()) >= n_edges)
            fail("more E lines than the " + std::to_string(n_edges) + " edges declared", line);
          if (tok.size() != 4) fail("expected 'E u v cost'", line);
          const long u = integer(tok, 1, 1, p.n_nodes, "a node in 1.." + std::to_string(p.n_nodes), line);
          const long v = integer(tok, 2, 1, p.n_nodes, "a node in 1.." + std::to_string(p.n_nodes), line);
          const double c = number(tok, 3, "an edge cost (finite, >= 0)", line);
          if (u == v) fail("a self-loop (node " + std::to_string(u) + ")", line);
          p.edge_u.push_back(static_cast<int>(u - 1));
          p.edge_v.push_back(static_cast<int>(v - 1));
          p.edge_cost.push_back(c);
        } else if (key == "a" || key == "arcs") {
          fail("arcs (a directed instance): only undirected instances (E lines) are supported", line);
        } else if (key == "optimal") {
          p.declared_optimum = number(tok, 1, "the declared optimum", line);
        } else {
          fail("unknown key in SECTION Graph (known: Nodes, Edges, E, Optimal)", line);
        }
        continue;
      }
      if (section == "terminals") {
        if (key == "terminals") {
          n_terms = integer(tok, 1, 1, 2000000000L, "the number of terminals", line);
          if (static_cast<double>(n_terms) * 4 > static_cast<double>(text_.size()))
            fail("'Terminals " + std::to_string(n_terms) + "' cannot fit in a file of " +
                     std::to_string(text_.size()) + " bytes (each T line needs at least 4)",
                 line);
          p.terminals.reserve(n_terms);
          have_terms = true;
        } else if (key == "t") {
          if (!have_terms) fail("a T line before 'Terminals'", line);
          if (!have_nodes) fail("a T line before SECTION Graph's 'Nodes'", line);
          if (static_cast<long>(p.terminals.size()) >= n_terms)
            fail("more T lines than the " + std::to_string(n_terms) + " terminals declared", line);
          if (tok.size() != 2) fail("expected 'T v'", line);
          p.terminals.push_back(static_cast<int>(integer(tok, 1, 1, p.n_nodes, "a node in 1.." + std::to_string(p.n_nodes), line) - 1));
        } else if (key == "optimal") {
          p.declared_optimum = number(tok, 1, "the declared optimum", line);
        } else {
          fail("unknown key in SECTION Terminals (known: Terminals, T); Root, TP and other variants are not supported", line);
        }
        continue;
      }
      if (section.empty()) fail("text outside a section", line);
      // Other sections (Coordinates, Presolve, MaximumDegrees, ...): skipped.
    }
    if (!header) throw InputError(name_ + ": empty file (not a SteinLib STP file)");
    if (!section.empty()) throw InputError(name_ + ":" + std::to_string(line_) + ": SECTION " + section + " has no END");
    if (!graph) throw InputError(name_ + ": no SECTION Graph");
    if (!terms) throw InputError(name_ + ": no SECTION Terminals");
    validate(p);  // p.name is the file: messages name it
    return p;
  }

 private:
  bool next_line(std::string& line) {
    if (pos_ >= text_.size()) return false;
    std::size_t end = text_.find('\n', pos_);
    if (end == std::string::npos) end = text_.size();
    line = text_.substr(pos_, end - pos_);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    pos_ = end + 1;
    ++line_;
    return true;
  }
  static std::vector<std::string> split(const std::string& line) {
    std::vector<std::string> out;
    std::istringstream is(line);
    std::string t;
    while (is >> t) out.push_back(t);
    return out;
  }
  [[noreturn]] void fail(const std::string& what, const std::string& line) const {
    throw InputError(name_ + ":" + std::to_string(line_) + ": " + what + ", got '" + printable(line) + "'");
  }
  long integer(const std::vector<std::string>& tok, std::size_t i, long lo, long hi, const std::string& what,
               const std::string& line) const {
    if (i >= tok.size()) fail("expected " + what, line);
    errno = 0;
    char* end = nullptr;
    const long v = std::strtol(tok[i].c_str(), &end, 10);
    if (tok[i].empty() || end != tok[i].c_str() + tok[i].size() || errno == ERANGE)
      fail("expected " + what + " (an integer) instead of '" + printable(tok[i]) + "'", line);
    if (v < lo || v > hi)
      fail("expected " + what + " instead of " + tok[i] + " (allowed " + std::to_string(lo) + ".." + std::to_string(hi) + ")", line);
    return v;
  }
  double number(const std::vector<std::string>& tok, std::size_t i, const std::string& what, const std::string& line) const {
    if (i >= tok.size()) fail("expected " + what, line);
    errno = 0;
    char* end = nullptr;
    const double v = std::strtod(tok[i].c_str(), &end);
    if (tok[i].empty() || end != tok[i].c_str() + tok[i].size() || errno == ERANGE || !std::isfinite(v) || v < 0)
      fail("expected " + what + " instead of '" + printable(tok[i]) + "'", line);
    return v;
  }

  const std::string& text_;
  std::string name_;
  std::size_t max_memory_;
  std::size_t pos_ = 0;
  long line_ = 0;
};

}  // namespace

SteinerProblem read_steinlib_text(const std::string& text, const std::string& name, std::size_t max_memory_bytes) {
  return Reader(text, name, max_memory_bytes).read();
}

SteinerProblem read_steinlib(const std::string& path, std::size_t max_memory_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open the file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return read_steinlib_text(ss.str(), path, max_memory_bytes);
}

}  // namespace phusong::fibre
