// Lazy greedy for the weighted set cover and the budgeted maximal covering, and the validation of
// a cover problem.
#include <cmath>
#include <queue>
#include <string>

#include "phusong/error.hpp"
#include "phusong/planning.hpp"

namespace phusong::planning {

void validate(const CoverProblem& p) {
  const std::size_t n_items = p.weight.size();
  if (p.cost.size() != p.sets.size())
    throw InputError("cover problem: " + std::to_string(p.sets.size()) + " sets but " +
                     std::to_string(p.cost.size()) + " costs");
  for (std::size_t j = 0; j < p.sets.size(); ++j) {
    if (!(p.cost[j] > 0) || !std::isfinite(p.cost[j]))
      throw InputError("cover problem: candidate " + std::to_string(j) + " has cost " +
                       std::to_string(p.cost[j]) + " (must be > 0 and finite)");
    for (int i : p.sets[j])
      if (i < 0 || static_cast<std::size_t>(i) >= n_items)
        throw InputError("cover problem: candidate " + std::to_string(j) + " covers item " +
                         std::to_string(i) + " out of range");
  }
  for (std::size_t i = 0; i < n_items; ++i)
    if (!std::isfinite(p.weight[i]))
      throw InputError("cover problem: item " + std::to_string(i) + " has weight " +
                       std::to_string(p.weight[i]) + " (must be finite)");
  if (!p.group.empty() && p.group.size() != p.sets.size())
    throw InputError("cover problem: " + std::to_string(p.group.size()) + " group ids for " +
                     std::to_string(p.sets.size()) + " candidates");
  for (std::size_t j = 0; j < p.group.size(); ++j)
    if (p.group[j] < -1)
      throw InputError("cover problem: candidate " + std::to_string(j) + " has group " +
                       std::to_string(p.group[j]) + " (must be >= 0, or -1 for none)");
  for (int i : p.required)
    if (i < 0 || static_cast<std::size_t>(i) >= n_items)
      throw InputError("cover problem: required item " + std::to_string(i) + " out of range");
}

CoverPlan greedy_cover(const CoverProblem& p, double budget) {
  validate(p);
  const std::size_t n_items = p.weight.size();
  std::vector<char> coverable(n_items, 0), covered(n_items, 0), is_required(n_items, 0);
  for (const auto& s : p.sets)
    for (int i : s) coverable[i] = 1;
  for (int i : p.required) is_required[i] = 1;
  std::vector<char> group_used;
  for (int g : p.group)
    if (g >= 0 && static_cast<std::size_t>(g) >= group_used.size()) group_used.resize(g + 1, 0);
  auto blocked = [&](int j) { return !p.group.empty() && p.group[j] >= 0 && group_used[p.group[j]]; };

  CoverPlan plan;
  // One lazy-greedy pass; `required_only` counts only uncovered required items (worth 1 each).
  auto pass = [&](bool required_only) {
    auto gain = [&](std::size_t j) {
      double g = 0;
      for (int i : p.sets[j])
        if (!covered[i]) {
          if (required_only) g += is_required[i] ? 1.0 : 0.0;
          else g += p.weight[i] > 0 ? p.weight[i] : 0.0;
        }
      return g;
    };
    // Max-heap on (ratio, -index); stale ratios are recomputed on pop (lazy evaluation is exact
    // because a candidate's gain can only shrink as items get covered).
    struct Key { double ratio; int j; };
    auto less = [](const Key& a, const Key& b) { return a.ratio < b.ratio || (a.ratio == b.ratio && a.j > b.j); };
    std::priority_queue<Key, std::vector<Key>, decltype(less)> heap(less);
    for (std::size_t j = 0; j < p.sets.size(); ++j) {
      if (blocked(static_cast<int>(j))) continue;
      const double g = gain(j);
      if (g > 0) heap.push({g / p.cost[j], static_cast<int>(j)});
    }
    while (!heap.empty()) {
      Key top = heap.top();
      heap.pop();
      if (blocked(top.j)) continue;
      const double g = gain(top.j);
      if (g <= 0) continue;
      const double r = g / p.cost[top.j];
      if (!heap.empty() && r < top.ratio && less(Key{r, top.j}, heap.top())) {
        heap.push({r, top.j});
        continue;
      }
      if (plan.total_cost + p.cost[top.j] > budget) continue;  // too dear; try cheaper ones
      std::vector<int> added;
      for (int i : p.sets[top.j])
        if (!covered[i]) {
          covered[i] = 1;
          added.push_back(i);
          plan.covered_weight += p.weight[i];
        }
      plan.chosen.push_back(top.j);
      plan.newly_covered.push_back(std::move(added));
      plan.total_cost += p.cost[top.j];
      if (!p.group.empty() && p.group[top.j] >= 0) group_used[p.group[top.j]] = 1;
    }
  };
  if (!p.required.empty()) pass(true);
  pass(false);
  for (std::size_t i = 0; i < n_items; ++i) {
    if (!coverable[i]) plan.uncoverable.push_back(static_cast<int>(i));
    if (!covered[i]) plan.uncovered.push_back(static_cast<int>(i));
  }
  return plan;
}

}  // namespace phusong::planning
