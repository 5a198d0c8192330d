// Set-cover solver benchmark: OR-Library instances (published optima) and a generated
// Sơn La-size plan (250 white villages, 5,000 candidates).
//
//   bench_scp [--time-limit S] [--threads N] [--no-exact] [--no-sonla] [FILE...]
//
// Without FILE arguments it runs every instance of the table below found under
// tests/data/orlib/ (run from the repository root). Per instance it prints the published
// optimum, the exact solve (cost, bound, gap, seconds, proven), the local search (cost, gap to
// the optimum, seconds) and the greedy cost.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "phusong/error.hpp"
#include "phusong/planning.hpp"

using namespace phusong;
using namespace phusong::planning;

namespace {

// Beasley's OR-Library optima (scpinfo; see tests/data/orlib/README.md).
const std::map<std::string, double> kOptimum = {
    {"scp41", 429}, {"scp42", 512}, {"scp51", 253}, {"scp54", 242}, {"scp61", 138},
    {"scpa1", 253}, {"scpa2", 252}, {"scpb1", 69},  {"scpc1", 227}, {"scpd1", 60},
    {"scpe1", 5}};

std::string stem(const std::string& path) {
  std::size_t a = path.find_last_of('/');
  a = a == std::string::npos ? 0 : a + 1;
  std::size_t b = path.find('.', a);
  return path.substr(a, b == std::string::npos ? std::string::npos : b - a);
}

bool exists(const std::string& path) { return std::ifstream(path).good(); }

// A generated plan the size of Sơn La's: villages scattered over 120 x 120 km, candidate sites
// scattered too; each candidate covers 1-5 villages drawn among the 8 nearest to it; costs by
// kind (new tower, co-location, upgrade of an own 2G/3G site) in millions of VND.
CoverProblem sonla_like(int n_items, int n_candidates, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> pos(0, 120), u01(0, 1);
  std::vector<double> x(n_items), y(n_items);
  CoverProblem p;
  for (int i = 0; i < n_items; ++i) {
    x[i] = pos(rng);
    y[i] = pos(rng);
    p.weight.push_back(std::round(100 + 1900 * u01(rng)));  // people per bản
  }
  for (int j = 0; j < n_candidates; ++j) {
    const double cx = pos(rng), cy = pos(rng);
    std::vector<std::pair<double, int>> d;
    for (int i = 0; i < n_items; ++i) d.push_back({std::hypot(x[i] - cx, y[i] - cy), i});
    std::partial_sort(d.begin(), d.begin() + 8, d.end());
    const int k = 1 + static_cast<int>(rng() % 5);
    std::vector<int> pick = {0, 1, 2, 3, 4, 5, 6, 7};
    std::shuffle(pick.begin(), pick.end(), rng);
    std::vector<int> s;
    for (int q = 0; q < k; ++q) s.push_back(d[pick[q]].second);
    const double r = u01(rng);
    double cost;
    if (r < 0.6) cost = 2500 + 1500 * u01(rng);       // new tower
    else if (r < 0.85) cost = 700 + 500 * u01(rng);   // co-location
    else cost = 400 + 300 * u01(rng);                 // upgrade
    p.cost.push_back(std::round(cost));
    p.sets.push_back(std::move(s));
  }
  return p;
}

void run_instance(const std::string& name, const CoverProblem& p, double optimum,
                  const SolveOptions& o, bool exact) {
  const SolveResult g = solve_greedy(p, o);
  const SolveResult l = solve_local(p, o);
  std::printf("%-8s %5zu %5zu %7.0f", name.c_str(), p.weight.size(), p.sets.size(), optimum);
  if (exact) {
    const SolveResult e = solve_exact(p, o);
    std::printf(" | %7.0f %7.1f %6.2f%% %7.2f %-3s", e.cost, e.bound, 100 * e.gap, e.seconds,
                e.proven_optimal ? "yes" : "no");
  } else {
    std::printf(" | %7s %7s %7s %7s %-3s", "-", "-", "-", "-", "-");
  }
  const double lgap = std::isfinite(optimum) ? 100 * (l.cost - optimum) / optimum : NAN;
  std::printf(" | %7.0f %6.2f%% %6.3f %7.1f | %7.0f %6.3f\n", l.cost, lgap, l.seconds, l.bound,
              g.cost, g.seconds);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  SolveOptions o;
  o.time_limit_s = 60;
  bool exact = true, sonla = true;
  std::vector<std::string> files;
  for (int a = 1; a < argc; ++a) {
    const std::string s = argv[a];
    if (s == "--time-limit" && a + 1 < argc) o.time_limit_s = std::atof(argv[++a]);
    else if (s == "--threads" && a + 1 < argc) o.threads = std::atoi(argv[++a]);
    else if (s == "--no-exact") exact = false;
    else if (s == "--no-sonla") sonla = false;
    else files.push_back(s);
  }
  if (files.empty())
    for (const auto& [name, opt] : kOptimum) {
      const std::string f = "tests/data/orlib/" + name + ".txt";
      if (exists(f)) files.push_back(f);
    }
  std::printf("time limit %.0f s, %d thread(s)\n", o.time_limit_s, o.threads);
  std::printf("%-8s %5s %5s %7s | %7s %7s %7s %7s %-3s | %7s %7s %6s %7s | %7s %6s\n", "instance",
              "rows", "cols", "optimum", "exact", "bound", "gap", "sec", "opt", "local", "vs opt",
              "sec", "LB", "greedy", "sec");
  try {
    for (const auto& f : files) {
      const std::string name = stem(f);
      const auto it = kOptimum.find(name);
      run_instance(name, read_orlib_scp(f), it == kOptimum.end() ? NAN : it->second, o, exact);
    }
    if (sonla) {
      const CoverProblem p = sonla_like(250, 5000, 2024);
      std::printf("\nGenerated Sơn La-size plan (250 villages, 5,000 candidates, seed 2024), costs in million VND\n");
      std::printf("set cover (least cost covering every village):\n");
      SolveResult e;
      if (exact) {
        e = solve_exact(p, o);
        std::printf("  exact   cost %.0f bound %.1f gap %.3f%% proven %s  %.2f s\n", e.cost, e.bound,
                    100 * e.gap, e.proven_optimal ? "yes" : "no", e.seconds);
      }
      const SolveResult l = solve_local(p, o);
      std::printf("  local   cost %.0f bound %.1f gap %.3f%%  %.3f s\n", l.cost, l.bound, 100 * l.gap, l.seconds);
      const SolveResult g = solve_greedy(p, o);
      std::printf("  greedy  cost %.0f bound %.1f gap %.3f%%  %.3f s\n", g.cost, g.bound, 100 * g.gap, g.seconds);
      SolveOptions ob = o;
      ob.budget = std::round(0.5 * (exact ? e.cost : l.cost));
      std::printf("budgeted maximal covering (budget %.0f = half the least cost):\n", ob.budget);
      if (exact) {
        const SolveResult be = solve_exact(p, ob);
        std::printf("  exact   people %.0f bound %.1f gap %.3f%% proven %s cost %.0f  %.2f s\n",
                    be.covered_weight, be.bound, 100 * be.gap, be.proven_optimal ? "yes" : "no", be.cost,
                    be.seconds);
      }
      const SolveResult bl = solve_local(p, ob);
      std::printf("  local   people %.0f bound %.1f gap %.3f%% cost %.0f  %.3f s\n", bl.covered_weight,
                  bl.bound, 100 * bl.gap, bl.cost, bl.seconds);
      const SolveResult bg = solve_greedy(p, ob);
      std::printf("  greedy  people %.0f bound %.1f gap %.3f%% cost %.0f  %.3f s\n", bg.covered_weight,
                  bg.bound, 100 * bg.gap, bg.cost, bg.seconds);
    }
  } catch (const Error& e) {
    std::fprintf(stderr, "bench_scp: %s\n", e.what());
    return 1;
  }
  return 0;
}
