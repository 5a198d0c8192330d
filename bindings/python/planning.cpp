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
}

}  // namespace phusong::bind
