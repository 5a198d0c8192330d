// The fibre layer's directed-cut LPs (the exact Steiner tree, the quota tree): cut rows (the arcs
// entering a node set W, each cut queued once and added to the LP in one call) and the LP phase
// (solve, separate, solve again) that both run before branch and bound.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <vector>

#include "CoinPackedVector.hpp"
#include "OsiClpSolverInterface.hpp"
#include "fibre/steiner_graph.hpp"

namespace phusong::fibre::detail {

/// Rows x(delta-(W)) [+ coef * column] >= rhs. Clp's matrix is column-ordered, so adding one row
/// at a time copies it each time: rows are queued and flush() adds them together.
class CutPool {
 public:
  explicit CutPool(double rhs) : rhs_(rhs) {}

  /// The arcs entering W, ascending: `in_w` flags W's nodes, `in_arcs[v]` lists the arcs into v
  /// and `tail(a)` gives an arc's tail.
  template <class Tail>
  static std::vector<int> entering(const std::vector<char>& in_w, const std::vector<std::vector<int>>& in_arcs,
                                   Tail tail) {
    std::vector<int> arcs;
    for (std::size_t w = 0; w < in_w.size(); ++w) {
      if (!in_w[w]) continue;
      for (int a : in_arcs[w])
        if (!in_w[tail(a)]) arcs.push_back(a);
    }
    std::sort(arcs.begin(), arcs.end());
    return arcs;
  }

  /// Queues sum of x over `arcs` (ascending) [+ coef * x[column] when column >= 0] >= rhs. False
  /// when queued before, or when `arcs` is empty and there is no column (a cut nothing can cross).
  bool add(const std::vector<int>& arcs, int column = -1, double coef = 0.0) {
    if (arcs.empty() && column < 0) return false;
    std::vector<int> key = arcs;
    if (column >= 0) key.push_back(-1 - column);
    if (!seen_.insert(key).second) return false;
    pending_keys_.push_back(std::move(key));
    pending_.emplace_back();
    for (int a : arcs) pending_.back().insert(a, 1.0);
    if (column >= 0) pending_.back().insert(column, coef);
    ++count_;
    return true;
  }

  /// Adds the queued rows to `lp`.
  void flush(OsiClpSolverInterface& lp) {
    if (pending_.empty()) return;
    if (first_row_ < 0) first_row_ = lp.getNumRows();
    for (auto& k : pending_keys_) rows_.push_back(std::move(k));
    pending_keys_.clear();
    std::vector<const CoinPackedVectorBase*> rows;
    rows.reserve(pending_.size());
    for (const auto& v : pending_) rows.push_back(&v);
    const std::vector<double> lb(rows.size(), rhs_), ub(rows.size(), COIN_DBL_MAX);
    lp.addRows(static_cast<int>(rows.size()), rows.data(), lb.data(), ub.data());
    pending_.clear();
  }

  /// Cuts queued so far (added or pending).
  int count() const { return count_; }

  /// Deletes from `lp` the cut rows that were slack (activity above rhs) at the last optimal solve,
  /// whose row activities are `activity`; they may be found again. Call before solving again: the
  /// rows added since that solve (beyond `activity`) stay. The LP's optimum is unchanged (a slack
  /// row's dual is 0), so its value still only rises as cuts come. Returns how many went.
  int drop_slack(OsiClpSolverInterface& lp, const std::vector<double>& activity) {
    std::vector<int> gone;
    std::vector<std::vector<int>> kept;
    kept.reserve(rows_.size());
    for (std::size_t i = 0; i < rows_.size(); ++i) {
      const std::size_t row = static_cast<std::size_t>(first_row_) + i;
      if (row < activity.size() && activity[row] > rhs_ + 1e-6) {
        gone.push_back(static_cast<int>(row));
        seen_.erase(rows_[i]);
      } else {
        kept.push_back(std::move(rows_[i]));
      }
    }
    if (!gone.empty()) lp.deleteRows(static_cast<int>(gone.size()), gone.data());
    rows_ = std::move(kept);
    return static_cast<int>(gone.size());
  }

 private:
  double rhs_;
  std::set<std::vector<int>> seen_;
  std::vector<CoinPackedVector> pending_;
  std::vector<std::vector<int>> pending_keys_;
  std::vector<std::vector<int>> rows_;  // the keys of the cut rows in the LP, from row first_row_ on
  int first_row_ = -1;
  int count_ = 0;
};

/// What an LP phase ended with.
struct LpPhase {
  bool optimal = false;     ///< the last LP was solved to its optimum (its value is in the bound)
  double slowest_s = 0;     ///< the longest single LP solve
  int rounds = 0;           ///< separation rounds
  /// Branch and bound may follow: the LP is at its optimum and the time left holds twice its
  /// slowest solve (CBC solves the root LP again, which its own time limit does not stop).
  bool room_for_branching(double seconds_left) const { return optimal && seconds_left > 2.0 * slowest_s; }
};

/// The LP phase of a directed-cut solver: `lp` solved, then `separate(x)` (returns the cuts it
/// added, already flushed), `drop(activity)` (may delete cut rows slack at that solve: returns how
/// many) and solved again, until no cut is violated, the bound has not risen
/// for 25 rounds, `closed(bound)` says the incumbent is proven, or `deadline` (Clp stops there).
/// Every optimal LP value goes to `raise(value)`. `who`: names the solver in the log (`log`).
template <class Separate, class Raise, class Closed, class Drop>
LpPhase run_lp_phase(OsiClpSolverInterface& lp, Clock::time_point deadline, Separate&& separate, Raise&& raise,
                     Closed&& closed, Drop&& drop, bool log, const char* who) {
  auto left = [&] { return std::chrono::duration<double>(deadline - Clock::now()).count(); };
  auto limit = [&] {
    const double s = std::max(0.01, left());
    lp.getModelPtr()->setMaximumSeconds(s);
    lp.getModelPtr()->setMaximumWallSeconds(s);
  };
  LpPhase out;
  limit();
  auto t = Clock::now();
  lp.initialSolve();
  out.slowest_s = since(t);
  if (log)
    std::printf("%s: LP of %d rows x %d columns solved in %.2f s, value %.6g\n", who, lp.getNumRows(),
                lp.getNumCols(), out.slowest_s, lp.isProvenOptimal() ? lp.getObjValue() : NAN);
  double last = -kInf;
  int stall = 0;
  while (lp.isProvenOptimal()) {
    const double value = lp.getObjValue();
    raise(value);
    if (closed() || left() <= 0) break;
    stall = value > last + 1e-7 * std::max(1.0, std::abs(value)) ? 0 : stall + 1;
    last = value;
    if (stall >= 25) break;  // tailing off: let branch and bound work
    ++out.rounds;
    const std::vector<double> activity(lp.getRowActivity(), lp.getRowActivity() + lp.getNumRows());
    const int added = separate(lp.getColSolution());
    if (added == 0) break;  // the LP stays as solved (its status is read below)
    const int dropped = drop(activity);
    limit();
    t = Clock::now();
    lp.resolve();
    out.slowest_s = std::max(out.slowest_s, since(t));
    if (log)
      std::printf("%s: cut round %d: %d cuts (%d slack ones deleted), LP of %d rows solved again in %.2f s, value %.6g\n",
                  who, out.rounds, added, dropped, lp.getNumRows(), since(t), lp.isProvenOptimal() ? lp.getObjValue() : NAN);
  }
  out.optimal = lp.isProvenOptimal();
  // Clp's limit must not pass to branch and bound: with it, the node LPs stop at once and CBC
  // returns the warm start untouched.
  lp.getModelPtr()->setMaximumSeconds(-1.0);
  lp.getModelPtr()->setMaximumWallSeconds(-1.0);
  return out;
}

}  // namespace phusong::fibre::detail
