// The covering problems: validation, lazy greedy, and the plans on small instances.
#include <gtest/gtest.h>

#include "phusong/error.hpp"
#include "phusong/planning.hpp"
#include "test_support.hpp"

using namespace phusong;

TEST(Planning, GreedyPicksLargestSetsFirst) {
  // Items 0..5; optimum by hand: {0,1,2} + {3,4,5} (cost 2); greedy takes set 0 first (3 new
  // items per cost), then set 1.
  planning::CoverProblem p;
  p.sets = {{0, 1, 2}, {3, 4, 5}, {0, 3}, {1, 4}, {2, 5}};
  p.cost = {1, 1, 1, 1, 1};
  p.weight = std::vector<double>(6, 1.0);
  auto r = planning::greedy_cover(p);
  EXPECT_EQ(r.chosen, (std::vector<int>{0, 1}));
  EXPECT_EQ(r.newly_covered[1], (std::vector<int>{3, 4, 5}));
  EXPECT_DOUBLE_EQ(r.total_cost, 2.0);
  EXPECT_TRUE(r.uncovered.empty());
}

TEST(Planning, CostRatioAndUncoverable) {
  // Set 0 covers 3 items at cost 10 (0.3/cost); sets 1,2 cover 2 and 1 items at cost 1.
  planning::CoverProblem p;
  p.sets = {{0, 1, 2}, {0, 1}, {2}};
  p.cost = {10, 1, 1};
  p.weight = {1, 1, 1, 1};  // item 3: no candidate covers it
  auto r = planning::greedy_cover(p);
  EXPECT_EQ(r.chosen, (std::vector<int>{1, 2}));
  EXPECT_DOUBLE_EQ(r.total_cost, 2.0);
  EXPECT_EQ(r.uncoverable, (std::vector<int>{3}));
  EXPECT_EQ(r.uncovered, (std::vector<int>{3}));
}

TEST(Planning, BudgetStopsTheCover) {
  planning::CoverProblem p;
  p.sets = {{0}, {1}, {2}};
  p.cost = {1, 1, 1};
  p.weight = {5, 3, 1};  // people per village
  auto r = planning::greedy_cover(p, 2.0);
  EXPECT_EQ(r.chosen, (std::vector<int>{0, 1}));
  EXPECT_DOUBLE_EQ(r.covered_weight, 8.0);
  EXPECT_EQ(r.uncovered, (std::vector<int>{2}));
}

TEST(Planning, BadInputNamesTheCandidate) {
  planning::CoverProblem p;
  p.sets = {{0}, {7}};
  p.cost = {1, 1};
  p.weight = {1};
  phusong::test::expect_throws_mentioning<InputError>([&] { planning::greedy_cover(p); }, {"candidate 1"});
}
