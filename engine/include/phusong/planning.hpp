// phusong — planning layer: choosing sites to cover white villages.
//
// Two objectives over one instance (candidates j with cost c_j, items i with weight w_i, and
// a_ij = 1 when candidate j covers item i):
//   * set cover:                min sum_j c_j x_j  s.t.  sum_j a_ij x_j >= 1 for every item to cover
//   * budgeted maximal covering: max sum_i w_i y_i  s.t.  y_i <= sum_j a_ij x_j,  sum_j c_j x_j <= B
// both with optional side constraints: at most one chosen candidate per group (co-location on one
// tower, one operator per site), and required items that must be covered whatever the budget.
// Solvers: lazy greedy, local search, a Lagrangian lower bound and an exact MILP through CBC; every
// solve reports the plan, a bound, the optimality gap and whether optimality was proven.
#pragma once
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <limits>
#include <string>
#include <vector>

namespace phusong::planning {

/// A weighted covering instance: candidate j covers the items sets[j] at cost cost[j];
/// item i is worth weight[i] (people, households or 1 per village).
struct CoverProblem {
  std::vector<std::vector<int>> sets;
  std::vector<double> cost;
  std::vector<double> weight;
  /// Optional, one per candidate (or empty): a group id >= 0 means at most one candidate of that
  /// group may be chosen (e.g. the candidates of one host tower); -1 means no group.
  std::vector<int> group{};
  /// Optional: items that must be covered in every plan (schools, commune centres). In the set
  /// cover every coverable item with positive weight must be covered anyway; with a budget these
  /// are covered first and the plan is infeasible when they cannot all be covered.
  std::vector<int> required{};
};

struct CoverPlan {
  std::vector<int> chosen;                     ///< candidates in the order picked
  std::vector<std::vector<int>> newly_covered; ///< per chosen candidate: items it added
  std::vector<int> uncovered;                  ///< items no chosen candidate covers
  std::vector<int> uncoverable;                ///< items that no candidate covers at all
  double total_cost = 0;
  double covered_weight = 0;
};

/// Checks sizes, costs (> 0, finite), item indices, groups and required items; throws InputError
/// naming the candidate or item at fault.
void validate(const CoverProblem& problem);

/// Lazy greedy: repeatedly picks the candidate with the largest newly covered weight per cost
/// (ties: lowest index) while the budget allows, until every coverable item is covered. For
/// unit weights and set cover this is within H(max set size) <= 1 + ln(max set size) of the
/// optimum. Required items are covered first (by the same rule, counting only required items);
/// a candidate whose group already has a chosen member is skipped. Throws InputError on
/// malformed input.
CoverPlan greedy_cover(const CoverProblem& problem,
                       double budget = std::numeric_limits<double>::infinity());

/// Which solver to run. (The capitalised enumerators are the former names, kept until every
/// caller uses the lower-case ones.)
enum class Method { greedy, local, exact, Greedy = greedy, Local = local, Exact = exact };

/// "greedy", "local" or "exact" (InputError otherwise, naming the known ones).
Method method_from_string(const std::string& name);
/// The former name of method_from_string.
inline Method parse_method(const std::string& name) { return method_from_string(name); }
std::string to_string(Method method);

/// The outcome of a solve:
///  * optimal: proven optimal;
///  * feasible: a plan meeting every constraint, optimality not proven (heuristic or time limit);
///  * partial: a heuristic plan that misses a constraint (an item to cover left uncovered because
///    of the group constraints, or a required item);
///  * infeasible: proven that no plan meets the constraints (e.g. a required item beyond the
///    budget, or two items only coverable by one group);
///  * no_solution: the time limit came before any plan.
enum class SolveStatus { optimal, feasible, partial, infeasible, no_solution };
SolveStatus solve_status_from_string(const std::string& name);
std::string to_string(SolveStatus status);
/// A status equals its name ("optimal" ...), so that results read like the strings they were.
inline bool operator==(SolveStatus s, const std::string& name) { return to_string(s) == name; }
inline bool operator==(SolveStatus s, const char* name) { return to_string(s) == name; }
inline bool operator!=(SolveStatus s, const std::string& name) { return !(s == name); }
inline bool operator!=(SolveStatus s, const char* name) { return !(s == name); }
std::ostream& operator<<(std::ostream& os, SolveStatus status);

/// Options of a solve. The defaults here are the only ones: the Python class phusong.SolveOptions
/// and the keyword arguments of phusong.solve_cover default-construct this struct.
struct SolveOptions {
  /// Finite: budgeted maximal covering (maximise covered weight with total cost <= budget).
  /// Infinite: least-cost set cover of every coverable item with positive weight.
  double budget = std::numeric_limits<double>::infinity();
  /// > 0 (with an infinite budget): partial cover, the least-cost plan covering at least this
  /// much weight (e.g. the people still needed to reach a 99.56 % target), required items
  /// included; 0: no target.
  double target_weight = 0;
  double time_limit_s = 60;   ///< wall-clock limit of the exact solve (and a cap for the others)
  int threads = 1;            ///< CBC threads for the exact solve
  std::uint64_t seed = 1;     ///< local search is deterministic for a given seed
  int local_iterations = 4000;        ///< neighbourhood moves of the local search
  int lagrangian_iterations = 2000;   ///< max subgradient iterations (set cover bound)
  double relative_gap = 1e-9;  ///< the exact solve stops once (objective-bound)/objective <= this
  bool warm_start = true;      ///< give CBC the local-search plan as its first incumbent
  bool log = false;            ///< let CBC print its log to stdout
};

/// The outcome of one solve.
struct SolveResult {
  std::string method;   ///< "greedy", "local" or "exact" (or the name given to evaluate_plan)
  SolveStatus status = SolveStatus::no_solution;
  std::vector<int> chosen;        ///< chosen candidates, ascending
  double cost = 0;                ///< total cost of the chosen candidates
  double covered_weight = 0;      ///< weight of the items they cover
  /// The objective: cost for the set cover, covered weight for the budgeted variant.
  double objective = 0;
  /// Best proven bound on the objective: a lower bound on the cost (set cover) or an upper
  /// bound on the covered weight (budgeted variant).
  double bound = 0;
  /// Relative optimality gap |objective - bound| / max(|objective|, 1e-9); 0 when proven optimal.
  double gap = std::numeric_limits<double>::infinity();
  bool proven_optimal = false;
  double seconds = 0;             ///< wall-clock time of the solve
  std::vector<int> uncovered;     ///< coverable items the plan leaves uncovered
  std::vector<int> uncoverable;   ///< items no candidate covers at all (satellite/VSAT cases)
};

/// Greedy (lazy greedy of greedy_cover, then redundant candidates dropped). With a budget the
/// better of the ratio greedy and the best single affordable candidate is kept (the classic
/// (1 - 1/e)/2 guarantee). Bound: Lagrangian (set cover) or LP relaxation (budget).
SolveResult solve_greedy(const CoverProblem& problem, const SolveOptions& options = {});

/// Local search from the greedy plan (or from `start` when given): Lagrangian heuristic
/// (Beasley 1990) along the subgradient run, then up to `local_iterations` moves of "remove a
/// few candidates (at random or around one of them) and re-cover greedily (by cost or by
/// Lagrangian reduced cost, with noise)" followed by redundancy elimination and 1-for-1 swaps,
/// accepting non-worsening moves and restarting from the best plan after 400 idle moves; it
/// stops early after 1,500 moves without a better plan or when the plan meets the lower bound.
/// Budgeted variant: up to min(local_iterations, 1500) moves "drop 1-3 candidates, refill the
/// budget greedily". Deterministic for a given seed (the time limit is only a safety cap).
SolveResult solve_local(const CoverProblem& problem, const SolveOptions& options = {},
                        const std::vector<int>* start = nullptr);

/// Exact MILP through CBC (COIN-OR branch and cut) with a time limit, warm-started with the
/// local-search plan. Reports the best plan, CBC's best bound, the gap and whether optimality
/// was proven.
SolveResult solve_exact(const CoverProblem& problem, const SolveOptions& options = {});

/// Evaluates a given plan: cost, covered weight, uncovered/uncoverable items, the gap against
/// `bound` (a lower bound on the cost when `budget` is infinite, an upper bound on the covered
/// weight otherwise; NaN if none) and the status (partial when a constraint is not met: an
/// item to cover left uncovered, two candidates of one group, the budget exceeded).
/// With `target_weight` > 0 (partial cover) the objective is the cost, `bound` a lower bound on it,
/// and a plan covering less than the target is partial.
SolveResult evaluate_plan(const CoverProblem& problem, const std::vector<int>& chosen,
                          double budget, double bound, const std::string& method, double target_weight = 0);

/// Bound from the LP relaxation (solved with Clp): a lower bound on the least cost (infinite
/// budget) or an upper bound on the covered weight (finite budget). NaN if the LP is infeasible
/// (e.g. required items that no plan within the budget covers).
/// With `target_weight` > 0: a lower bound on the least cost covering that weight (NaN if the
/// target exceeds what all candidates together cover).
double lp_relaxation_bound(const CoverProblem& problem,
                           double budget = std::numeric_limits<double>::infinity(), double target_weight = 0);

/// Checks the budget (>= 0, not NaN) and the target weight (>= 0, finite, not with a finite
/// budget); InputError naming the value otherwise.
void check_objective(const SolveOptions& options);

/// A general mixed-integer program: min (or max) objective.x subject to
/// row_lb <= A x <= row_ub and col_lb <= x <= col_ub, the flagged columns integer; A in
/// compressed rows (row_start, column, value). Infinite bounds are +-infinity.
struct MilpProblem {
  std::vector<double> objective;
  std::vector<std::int64_t> row_start{0};
  std::vector<int> column;
  std::vector<double> value;
  std::vector<double> row_lb, row_ub, col_lb, col_ub;
  std::vector<char> integer;
  bool maximise = false;
};
struct MilpOptions {
  double time_limit_s = 60;
  double relative_gap = 1e-9;
  int threads = 1;
  std::vector<double> start{};  ///< a feasible solution to begin from (one value per column), or empty
  bool log = false;
};
struct MilpResult {
  SolveStatus status = SolveStatus::no_solution;  ///< optimal, feasible, infeasible or no_solution
  std::vector<double> x;  ///< one value per column (NaN without a solution); integers rounded
  double objective = 0;   ///< objective.x of x, in the problem's sense
  double bound = 0;       ///< best proven bound on the objective
  double gap = 0;         ///< |objective - bound| / max(|objective|, 1e-9); 0 when proven optimal
  bool proven_optimal = false;
  double seconds = 0;
};
/// Solves the program with CBC (Clp alone when no column is integer), within the time limit.
/// Throws InputError on sizes or values that do not describe a program (naming the row/column).
MilpResult solve_milp(const MilpProblem& problem, const MilpOptions& options = {});

/// Dispatch on the method.
SolveResult solve(const CoverProblem& problem, Method method, const SolveOptions& options = {});

/// Lagrangian relaxation of the set cover (coverage constraints relaxed with multipliers u_i>=0,
/// group constraints dropped), maximised by subgradient optimisation (Held-Karp step, Beasley
/// 1990). Every L(u) is a valid lower bound on the least cost.
struct LagrangianResult {
  double lower_bound = 0;            ///< best L(u) found
  std::vector<double> multipliers;   ///< u at the best bound, one per item (0 if not to cover)
  std::vector<double> reduced_cost;  ///< c_j - sum_{i in S_j} u_i at the best bound
  std::vector<int> best_cover;       ///< best cover built by the Lagrangian heuristic (ascending)
  double best_cover_cost = std::numeric_limits<double>::infinity();
  int iterations = 0;
};
/// `upper_bound`: cost of a known cover (used in the step size); infinity to let the Lagrangian
/// heuristic supply one. Items to cover: coverable with positive weight, plus required ones.
LagrangianResult lagrangian_bound(const CoverProblem& problem, int max_iterations = 2000,
                                  double upper_bound = std::numeric_limits<double>::infinity());

/// Default memory limit of the OR-Library reader (2 GiB): far above the largest OR-Library
/// instances (a few MiB), far below what a corrupt header could otherwise request.
constexpr std::size_t kOrlibMaxMemoryBytes = std::size_t{2} << 30;

/// Reads a set-covering instance in Beasley's OR-Library format: the number of rows m and of
/// columns n, the n column costs, then for each row the number k of columns covering it and
/// those k columns (1-based); numbers may wrap across lines. Rows become items (weight 1) and
/// columns candidates (0-based). Throws InputError naming the file, the line and the value.
/// Before allocating, the declared sizes are checked against the file's size (m + n + 2 numbers
/// need at least 2 (m + n + 2) - 1 bytes) and the memory they need (sets, costs, weights and at
/// most one row index per two bytes of file) against `max_memory_bytes`; either failure is an
/// InputError naming the file, the declared sizes and the estimate.
CoverProblem read_orlib_scp(const std::string& path, std::size_t max_memory_bytes = kOrlibMaxMemoryBytes);
/// The same reader on the text of an instance; `name` names it in error messages.
CoverProblem read_orlib_scp_text(const std::string& text, const std::string& name,
                                 std::size_t max_memory_bytes = kOrlibMaxMemoryBytes);

}  // namespace phusong::planning
