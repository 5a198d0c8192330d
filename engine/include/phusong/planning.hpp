// phusong — planning layer: choosing sites to cover white villages.
#pragma once
#include <limits>
#include <vector>

namespace phusong::planning {

/// A weighted set-cover instance: candidate j covers the items sets[j] at cost cost[j];
/// item i is worth weight[i] (people, households or 1 per village).
struct CoverProblem {
  std::vector<std::vector<int>> sets;
  std::vector<double> cost;
  std::vector<double> weight;
};

struct CoverPlan {
  std::vector<int> chosen;                     ///< candidates in the order picked
  std::vector<std::vector<int>> newly_covered; ///< per chosen candidate: items it added
  std::vector<int> uncovered;                  ///< items no chosen candidate covers
  std::vector<int> uncoverable;                ///< items that no candidate covers at all
  double total_cost = 0;
  double covered_weight = 0;
};

/// Lazy greedy: repeatedly picks the candidate with the largest newly covered weight per cost
/// (ties: lowest index) while the budget allows, until every coverable item is covered. For
/// unit weights and set cover this is within H(max set size) <= 1 + ln(max set size) of the
/// optimum. Throws InputError on malformed input.
CoverPlan greedy_cover(const CoverProblem& problem,
                       double budget = std::numeric_limits<double>::infinity());

}  // namespace phusong::planning
