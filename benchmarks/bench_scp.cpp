// Set-cover solver benchmark: OR-Library instances (published optima) and a generated
// Sơn La-size plan (250 white villages, 5,000 candidates).
//
//   bench_scp [--time-limit S] [--threads N] [--no-exact] [--no-sonla] [--synthetic] [FILE...]
//
// Without FILE arguments it runs every instance of the table below found under
// tests/data/orlib/ (run from the repository root). Per instance it prints the published
// optimum, the exact solve (cost, bound, gap, seconds, proven), the local search (cost, gap to
// the optimum, seconds) and the greedy cost; then the generated Sơn La-size plans (set cover and
// budgeted cover); --synthetic adds random instances shaped like Beasley's classes C, D and E.
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
    {"scpe1", 5},   {"scpe2", 5}};

std::string stem(const std::string& path) {
  std::size_t a = path.find_last_of('/');
  a = a == std::string::npos ? 0 : a + 1;
  std::size_t b = path.find('.', a);
  return path.substr(a, b == std::string::npos ? std::string::npos : b - a);
}

bool exists(const std::string& path) { return std::ifstream(path).good(); }

// Generated plans the size of Sơn La's: villages scattered over 120 x 120 km, candidate sites
// scattered too, costs by kind (new tower, co-location on another operator's tower, upgrade of
// an own 2G/3G site) in millions of VND.
//  * "radio" model: a candidate covers the villages within its range (3-12 km by kind), each one
//    blocked by terrain with probability 0.3 (at least its nearest village);
//  * "scrambled" model (a stress test): a candidate covers 1-5 villages drawn at random among
//    the 8 nearest to it, whatever their distance; much weaker LP relaxation.
struct Village { double x, y; };
CoverProblem sonla_like(int n_items, int n_candidates, std::uint64_t seed, bool scrambled) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> pos(0, 120), u01(0, 1);
  std::vector<Village> v(n_items);
  CoverProblem p;
  for (int i = 0; i < n_items; ++i) {
    v[i] = {pos(rng), pos(rng)};
    p.weight.push_back(std::round(100 + 1900 * u01(rng)));  // people per bản
  }
  for (int j = 0; j < n_candidates; ++j) {
    const double cx = pos(rng), cy = pos(rng);
    const double kind = u01(rng);
    double cost, range_km;
    if (kind < 0.6) {  // new tower on a hill-top
      cost = 2500 + 1500 * u01(rng);
      range_km = 6 + 6 * u01(rng);
    } else if (kind < 0.85) {  // co-location
      cost = 700 + 500 * u01(rng);
      range_km = 4 + 6 * u01(rng);
    } else {  // upgrade
      cost = 400 + 300 * u01(rng);
      range_km = 3 + 5 * u01(rng);
    }
    std::vector<std::pair<double, int>> d;
    for (int i = 0; i < n_items; ++i) d.push_back({std::hypot(v[i].x - cx, v[i].y - cy), i});
    std::vector<int> s;
    if (scrambled) {
      std::partial_sort(d.begin(), d.begin() + 8, d.end());
      const int k = 1 + static_cast<int>(rng() % 5);
      std::vector<int> pick = {0, 1, 2, 3, 4, 5, 6, 7};
      std::shuffle(pick.begin(), pick.end(), rng);
      for (int q = 0; q < k; ++q) s.push_back(d[pick[q]].second);
    } else {
      for (const auto& [dist, i] : d)
        if (dist <= range_km && u01(rng) > 0.3) s.push_back(i);
      if (s.empty()) s.push_back(std::min_element(d.begin(), d.end())->second);
    }
    p.cost.push_back(std::round(cost));
    p.sets.push_back(std::move(s));
  }
  return p;
}

// Random instances shaped like Beasley's classes C (400 x 4000, 2 %), D (400 x 4000, 5 %) and E
// (50 x 500, 20 %, unit costs): each row covered by at least 2 columns, costs uniform in 1..100.
// For timing where the OR-Library file is not at hand; no published optimum.
CoverProblem beasley_like(int m, int n, double density, bool unicost, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u01(0, 1);
  CoverProblem p;
  p.weight.assign(m, 1.0);
  p.sets.resize(n);
  for (int j = 0; j < n; ++j) p.cost.push_back(unicost ? 1.0 : static_cast<double>(1 + rng() % 100));
  for (int i = 0; i < m; ++i) {
    std::vector<char> used(n, 0);
    for (int k = 0; k < 2; ++k) {
      const int j = static_cast<int>(rng() % n);
      if (!used[j]) { used[j] = 1; p.sets[j].push_back(i); }
    }
    for (int j = 0; j < n; ++j)
      if (!used[j] && u01(rng) < density) p.sets[j].push_back(i);
  }
  return p;
}

void run_plan(const char* title, const CoverProblem& p, const SolveOptions& o, bool exact) {
  std::printf("%s\n", title);
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
  std::fflush(stdout);
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
  bool exact = true, sonla = true, synthetic = false;
  std::vector<std::string> files;
  for (int a = 1; a < argc; ++a) {
    const std::string s = argv[a];
    if (s == "--time-limit" && a + 1 < argc) o.time_limit_s = std::atof(argv[++a]);
    else if (s == "--threads" && a + 1 < argc) o.threads = std::atoi(argv[++a]);
    else if (s == "--no-exact") exact = false;
    else if (s == "--no-sonla") sonla = false;
    else if (s == "--synthetic") synthetic = true;
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
    if (synthetic) {
      std::printf("\nRandom instances shaped like Beasley's classes (no published optimum)\n");
      const struct { const char* name; int m, n; double density; bool unicost; } kinds[] = {
          {"like-C", 400, 4000, 0.02, false}, {"like-D", 400, 4000, 0.05, false},
          {"like-E", 50, 500, 0.20, true}};
      for (const auto& k : kinds) run_instance(k.name, beasley_like(k.m, k.n, k.density, k.unicost, 11), NAN, o, exact);
    }
    if (sonla) {
      std::printf("\n");
      run_plan("Generated Sơn La-size plan, radio model (250 villages, 5,000 candidates, seed 2024), costs in million VND",
               sonla_like(250, 5000, 2024, false), o, exact);
      std::printf("\n");
      run_plan("Generated Sơn La-size plan, scrambled model (stress test, seed 2024)", sonla_like(250, 5000, 2024, true), o,
               exact);
    }
  } catch (const Error& e) {
    std::fprintf(stderr, "bench_scp: %s\n", e.what());
    return 1;
  }
  return 0;
}
