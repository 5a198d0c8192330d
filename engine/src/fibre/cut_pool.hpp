// Cut rows of the fibre layer's directed-cut LPs (the exact Steiner tree, the quota tree): the arcs
// entering a node set W, each cut queued once and added to the LP in one call.
#pragma once

#include <algorithm>
#include <set>
#include <vector>

#include "CoinPackedVector.hpp"
#include "OsiClpSolverInterface.hpp"

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
    if (!seen_.insert(std::move(key)).second) return false;
    pending_.emplace_back();
    for (int a : arcs) pending_.back().insert(a, 1.0);
    if (column >= 0) pending_.back().insert(column, coef);
    ++count_;
    return true;
  }

  /// Adds the queued rows to `lp`.
  void flush(OsiClpSolverInterface& lp) {
    if (pending_.empty()) return;
    std::vector<const CoinPackedVectorBase*> rows;
    rows.reserve(pending_.size());
    for (const auto& v : pending_) rows.push_back(&v);
    const std::vector<double> lb(rows.size(), rhs_), ub(rows.size(), COIN_DBL_MAX);
    lp.addRows(static_cast<int>(rows.size()), rows.data(), lb.data(), ub.data());
    pending_.clear();
  }

  /// Cuts queued so far (added or pending).
  int count() const { return count_; }

 private:
  double rhs_;
  std::set<std::vector<int>> seen_;
  std::vector<CoinPackedVector> pending_;
  int count_ = 0;
};

}  // namespace phusong::fibre::detail
