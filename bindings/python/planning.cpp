// Bindings of the planning layer.
#include "common.hpp"
#include "phusong/planning.hpp"

namespace phusong::bind {

void init_planning(py::module_& m) {
  m.def(
      "greedy_cover",
      [](std::vector<std::vector<int>> sets, std::vector<double> cost, std::vector<double> weight, double budget) {
        planning::CoverProblem p{std::move(sets), std::move(cost), std::move(weight)};
        planning::CoverPlan r;
        {
          py::gil_scoped_release nogil;
          r = planning::greedy_cover(p, budget);
        }
        py::dict o;
        o["chosen"] = r.chosen;
        o["newly_covered"] = r.newly_covered;
        o["uncovered"] = r.uncovered;
        o["uncoverable"] = r.uncoverable;
        o["total_cost"] = r.total_cost;
        o["covered_weight"] = r.covered_weight;
        return o;
      },
      py::arg("sets"), py::arg("cost"), py::arg("weight"),
      py::arg("budget") = std::numeric_limits<double>::infinity(),
      R"doc(Lazy greedy weighted set cover (within 1 + ln(max set size) of optimal).

Args:
    sets: for each candidate, the indices of the items it covers.
    cost: cost of each candidate (> 0).
    weight: worth of each item.
    budget: total cost not to exceed.

Returns:
    dict: chosen, newly_covered (per chosen), uncovered, uncoverable, total_cost, covered_weight.)doc");

  auto result_dict = [](const planning::SolveResult& r) {
    py::dict o;
    o["method"] = r.method;
    o["status"] = r.status;
    o["chosen"] = r.chosen;
    o["cost"] = r.cost;
    o["covered_weight"] = r.covered_weight;
    o["objective"] = r.objective;
    o["bound"] = r.bound;
    o["gap"] = r.gap;
    o["proven_optimal"] = r.proven_optimal;
    o["seconds"] = r.seconds;
    o["uncovered"] = r.uncovered;
    o["uncoverable"] = r.uncoverable;
    return o;
  };
  m.def(
      "solve_cover",
      [result_dict](std::vector<std::vector<int>> sets, std::vector<double> cost, std::vector<double> weight,
                    const std::string& method, double budget, double time_limit_s, int threads, std::uint64_t seed,
                    std::vector<int> group, std::vector<int> required) {
        planning::CoverProblem p{std::move(sets), std::move(cost), std::move(weight), std::move(group),
                                 std::move(required)};
        planning::SolveOptions o;
        o.budget = budget;
        o.time_limit_s = time_limit_s;
        o.threads = threads;
        o.seed = seed;
        const auto m = planning::parse_method(method);
        planning::SolveResult r;
        {
          py::gil_scoped_release nogil;
          r = planning::solve(p, m, o);
        }
        return result_dict(r);
      },
      py::arg("sets"), py::arg("cost"), py::arg("weight"), py::arg("method") = "local",
      py::arg("budget") = std::numeric_limits<double>::infinity(), py::arg("time_limit_s") = 60.0,
      py::arg("threads") = 1, py::arg("seed") = 1, py::arg("group") = std::vector<int>{},
      py::arg("required") = std::vector<int>{},
      R"doc(Set cover (least cost covering every coverable item) or, with a finite budget, budgeted
maximal covering, by "greedy" (lazy greedy), "local" (Lagrangian heuristic + local search) or
"exact" (MILP with CBC, warm-started, within time_limit_s).

Returns:
    dict: method, status, chosen, cost, covered_weight, objective, bound, gap, proven_optimal,
    seconds, uncovered, uncoverable.)doc");
  m.def(
      "read_orlib_scp",
      [](const std::string& path) {
        planning::CoverProblem p;
        {
          py::gil_scoped_release nogil;
          p = planning::read_orlib_scp(path);
        }
        py::dict o;
        o["sets"] = p.sets;
        o["cost"] = p.cost;
        o["weight"] = p.weight;
        return o;
      },
      py::arg("path"), "Reads a set-covering instance in Beasley's OR-Library format (sets, cost, weight).");
}

}  // namespace phusong::bind
