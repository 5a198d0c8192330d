// Private: how the engine drives COIN-OR CBC (shared by planning's covering MILP and fibre's
// Steiner MILP): loading a problem into Clp with the LP options that are known to work, and one
// CBC solve with a wall-clock limit, a relative gap, a thread count and an optional log.
#pragma once
#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "CbcModel.hpp"
#include "CbcSolver.hpp"
#include "ClpSolve.hpp"
#include "CoinPackedMatrix.hpp"
#include "OsiClpSolverInterface.hpp"

namespace phusong::detail {

/// Loads min obj.x s.t. row_lb <= A x <= row_ub, col_lb <= x <= col_ub into `solver`, silent, with
/// dual simplex and presolve for every initial solve: Clp 1.17's automatic choice runs the "Idiot"
/// crash and its crossover, which crashes in presolve on some set-cover LPs (seen on scpa2).
inline void load_clp(OsiClpSolverInterface& solver, const CoinPackedMatrix& matrix, const std::vector<double>& col_lb,
                     const std::vector<double>& col_ub, const std::vector<double>& obj,
                     const std::vector<double>& row_lb, const std::vector<double>& row_ub) {
  solver.loadProblem(matrix, col_lb.data(), col_ub.data(), obj.data(), row_lb.data(), row_ub.data());
  solver.messageHandler()->setLogLevel(0);
  ClpSolve options;
  options.setSolveType(ClpSolve::useDual);
  options.setPresolveType(ClpSolve::presolveOn);
  solver.setSolveOptions(options);
}

/// Settings of one CBC run.
struct CbcRun {
  double seconds = 60;         ///< wall-clock limit (elapsed time)
  int threads = 1;             ///< > 1: CBC's parallel branch and bound
  double relative_gap = 1e-9;  ///< stop once (incumbent - bound) / incumbent <= this
  bool log = false;            ///< CBC's log on stdout
  /// CBC's integer preprocessing. Off when a MIP start is given by column names and the model
  /// has columns preprocessing may remove (CBC 2.10 then looks the names up in the reduced model:
  /// "Illegal index in ClpModel::getColumnName").
  bool preprocess = true;
};

/// Names every row ("r0", "r1", ...). Call after naming columns (for a MIP start): CBC 2.10's
/// presolve then rebuilds row names from a list it assumes is filled, and reads past an empty
/// one (coin-or/Cbc#515: crashes that depend on what memory holds).
inline void name_rows(OsiClpSolverInterface& solver) {
  for (int r = 0; r < solver.getNumRows(); ++r) solver.setRowName(r, "r" + std::to_string(r));
}

/// Names every column "c0", "c1", ... (how set_mip_start finds them) and then every row (name_rows).
inline void name_columns_and_rows(OsiClpSolverInterface& solver) {
  for (int c = 0; c < solver.getNumCols(); ++c) solver.setColName(c, "c" + std::to_string(c));
  name_rows(solver);
}

/// Gives `model` (prepared by cbc_prepare, its columns named by name_columns_and_rows) the MIP
/// start `x`, one value per column. Nothing when `x` is empty.
inline void set_mip_start(CbcModel& model, const std::vector<double>& x) {
  if (x.empty()) return;
  std::vector<std::pair<std::string, double>> start;
  start.reserve(x.size());
  for (std::size_t c = 0; c < x.size(); ++c) start.emplace_back("c" + std::to_string(c), x[c]);
  model.setMIPStart(start);
}

inline int cbc_no_callback(CbcModel*, int) { return 0; }

/// Prepares `model` for CbcMain1 (CbcMain0 with `data`, log level). Call before setMIPStart.
inline void cbc_prepare(CbcModel& model, CbcSolverUsefulData& data, bool log) {
  CbcMain0(model, data);
  model.setLogLevel(log ? 1 : 0);
}

/// Solves `model` (prepared by cbc_prepare) with CBC's standard solve ("-solve").
inline void cbc_solve(CbcModel& model, CbcSolverUsefulData& data, const CbcRun& run) {
  const std::string sec = std::to_string(std::max(0.01, run.seconds));
  const std::string ratio = std::to_string(std::max(0.0, run.relative_gap));
  std::vector<std::string> args = {"phusong", "-log", run.log ? "1" : "0", "-timeMode", "elapsed",
                                   "-sec",    sec,    "-ratioGap",          ratio};
  if (!run.preprocess) {
    args.push_back("-preprocess");
    args.push_back("off");
  }
  if (run.threads > 1) {
    args.push_back("-threads");
    args.push_back(std::to_string(run.threads));
  }
  args.push_back("-solve");
  args.push_back("-quit");
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  CbcMain1(static_cast<int>(argv.size()), argv.data(), model, cbc_no_callback, data);
}


/// CBC finished: it closed the tree (with its own incumbent, or proving the MIP start optimal).
inline bool cbc_finished(CbcModel& model) { return model.status() == 0 && model.isProvenOptimal(); }

/// Whether CBC's best possible value is a lower bound (minimisation) for a problem whose best
/// known solution costs `incumbent`. When the time limit stops CBC in its root LP (status 1, no
/// node), the value is the LP's objective at that point, not a bound (seen above the optimum on a
/// Steiner cut LP). It is taken when CBC finished, or when the search had begun (a node), and
/// never above a known solution's cost.
inline bool cbc_bound_is_valid(CbcModel& model, bool finished, double incumbent) {
  const double b = model.getBestPossibleObjValue();
  if (!std::isfinite(b) || std::abs(b) >= 1e50) return false;
  if (std::isfinite(incumbent) && b > incumbent + 1e-9 * std::max(1.0, std::abs(incumbent))) return false;
  return finished || model.getNodeCount() > 0;
}

/// What one integer round of a cutting-plane solver gave (solve_integer_round).
struct IntegerRound {
  std::vector<double> x;           ///< CBC's best solution (empty: none within the time)
  bool finished = false;           ///< cbc_finished
  double bound = -HUGE_VAL;        ///< CBC's best possible value when it is a bound (cbc_bound_is_valid)
  double objective = HUGE_VAL;     ///< CBC's value of `x`
};

/// Branch and bound on `lp`'s rows with every column integer, from the MIP start `start` (empty:
/// none), for a problem whose best known solution costs `incumbent`, with the settings `run` (with a
/// start, preprocessing off: see CbcRun::preprocess).
inline IntegerRound solve_integer_round(const OsiClpSolverInterface& lp, const std::vector<double>& start,
                                        double incumbent, const CbcRun& run) {
  OsiClpSolverInterface mip(lp);
  for (int c = 0; c < mip.getNumCols(); ++c) mip.setInteger(c);
  name_columns_and_rows(mip);
  CbcModel model(mip);
  CbcSolverUsefulData data;
  cbc_prepare(model, data, run.log);
  set_mip_start(model, start);
  cbc_solve(model, data, run);
  IntegerRound out;
  out.finished = cbc_finished(model);
  if (cbc_bound_is_valid(model, out.finished, incumbent)) out.bound = model.getBestPossibleObjValue();
  if (const double* x = model.bestSolution()) {
    out.x.assign(x, x + mip.getNumCols());
    out.objective = model.getObjValue();
  }
  return out;
}

}  // namespace phusong::detail
