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

  ParamsClass<planning::SolveOptions>(
      m, "SolveOptions", "Options of solve_cover (planning::SolveOptions); the defaults are the C++ header's.")
      .field("budget", &planning::SolveOptions::budget,
             "Finite: budgeted maximal covering; infinite: least-cost set cover.")
      .field("target_weight", &planning::SolveOptions::target_weight,
             "> 0 (no budget): partial cover, the least cost covering at least this weight.")
      .field("time_limit_s", &planning::SolveOptions::time_limit_s, "Wall-clock limit of the exact solve (a cap for the others).")
      .field("threads", &planning::SolveOptions::threads, "CBC threads for the exact solve.")
      .field("seed", &planning::SolveOptions::seed, "Local search is deterministic for a given seed.")
      .field("local_iterations", &planning::SolveOptions::local_iterations, "Neighbourhood moves of the local search.")
      .field("lagrangian_iterations", &planning::SolveOptions::lagrangian_iterations,
             "Most subgradient iterations (set cover bound).")
      .field("relative_gap", &planning::SolveOptions::relative_gap, "The exact solve stops at this relative gap.")
      .field("warm_start", &planning::SolveOptions::warm_start, "Give CBC the local-search plan first.")
      .field("log", &planning::SolveOptions::log, "Let CBC print its log to stdout.")
      .finish();

  using planning::SolveStatus;
  py::enum_<SolveStatus> status(m, "SolveStatus",
                                "The outcome of a solve; equal to its name as a string (status == 'optimal').");
  for (SolveStatus st : {SolveStatus::optimal, SolveStatus::feasible, SolveStatus::partial, SolveStatus::infeasible,
                         SolveStatus::no_solution})
    status.value(planning::to_string(st).c_str(), st);
  // Replace (not overload) the enum's comparisons: a status also equals its name.
  auto equals = [](SolveStatus a, const py::object& b) {
    if (py::isinstance<py::str>(b)) return a == b.cast<std::string>();
    if (py::isinstance<SolveStatus>(b)) return a == b.cast<SolveStatus>();
    return false;
  };
  py::setattr(status, "__eq__", py::cpp_function(equals, py::is_method(status), py::arg("other")));
  py::setattr(status, "__ne__",
              py::cpp_function([equals](SolveStatus a, const py::object& b) { return !equals(a, b); },
                               py::is_method(status), py::arg("other")));
  py::setattr(status, "__hash__", py::cpp_function([](SolveStatus a) { return py::hash(py::str(planning::to_string(a))); },
                                                   py::is_method(status)));
  py::setattr(status, "__str__", py::cpp_function([](SolveStatus a) { return planning::to_string(a); },
                                                  py::is_method(status)));

  py::class_<planning::SolveResult> result(m, "SolveResult", "The outcome of one solve (planning::SolveResult).");
  result.def_readonly("method", &planning::SolveResult::method, "greedy, local or exact.")
      .def_readonly("status", &planning::SolveResult::status, "A SolveStatus (equal to its name).")
      .def_readonly("chosen", &planning::SolveResult::chosen, "Chosen candidates, ascending.")
      .def_readonly("cost", &planning::SolveResult::cost, "Total cost of the chosen candidates.")
      .def_readonly("covered_weight", &planning::SolveResult::covered_weight, "Weight of the items they cover.")
      .def_readonly("objective", &planning::SolveResult::objective, "Cost (set cover) or covered weight (budget).")
      .def_readonly("bound", &planning::SolveResult::bound, "Best proven bound on the objective.")
      .def_readonly("gap", &planning::SolveResult::gap, "Relative optimality gap; 0 when proven optimal.")
      .def_readonly("proven_optimal", &planning::SolveResult::proven_optimal)
      .def_readonly("seconds", &planning::SolveResult::seconds, "Wall-clock time of the solve.")
      .def_readonly("uncovered", &planning::SolveResult::uncovered, "Coverable items the plan leaves uncovered.")
      .def_readonly("uncoverable", &planning::SolveResult::uncoverable, "Items no candidate covers at all.")
      .def("__repr__", [](const planning::SolveResult& r) {
        return "<SolveResult " + r.method + " " + planning::to_string(r.status) + " cost=" + std::to_string(r.cost) +
               " chosen=" + std::to_string(r.chosen.size()) + ">";
      });
  // r["status"] gives the status's name, as the former dict did (JSON-serialisable).
  add_mapping(result,
              {"method", "status", "chosen", "cost", "covered_weight", "objective", "bound", "gap", "proven_optimal",
               "seconds", "uncovered", "uncoverable"},
              [](const py::object& self, const std::string& key) -> py::object {
                if (key == "status") return py::str(planning::to_string(self.cast<const planning::SolveResult&>().status));
                return py::object();
              });

  m.def(
      "solve_cover",
      [](std::vector<std::vector<int>> sets, std::vector<double> cost, std::vector<double> weight,
         const std::string& method, std::vector<int> group, std::vector<int> required, const py::object& params,
         const py::kwargs& kw) {
        planning::CoverProblem p{std::move(sets), std::move(cost), std::move(weight), std::move(group),
                                 std::move(required)};
        const auto o = build_params<planning::SolveOptions>(params, kw);
        const auto meth = planning::method_from_string(method);
        planning::SolveResult r;
        {
          py::gil_scoped_release nogil;
          r = planning::solve(p, meth, o);
        }
        return r;
      },
      py::arg("sets"), py::arg("cost"), py::arg("weight"), py::arg("method") = "local",
      py::arg("group") = std::vector<int>{}, py::arg("required") = std::vector<int>{}, py::arg("params") = py::none(),
      R"doc(Set cover (least cost covering every coverable item), with a finite budget budgeted
maximal covering, or with a target_weight > 0 partial cover (least cost covering at least that
weight), by "greedy" (lazy greedy), "local" (Lagrangian heuristic + local search) or
"exact" (MILP with CBC, warm-started, within time_limit_s).

Options: `params` (a SolveOptions) and/or its fields as keywords (budget, time_limit_s, threads,
seed, ...); the defaults are SolveOptions()'s.

Returns:
    SolveResult: method, status (a SolveStatus, equal to its name), chosen, cost, covered_weight,
    objective, bound, gap, proven_optimal, seconds, uncovered, uncoverable; r["status"] etc. read
    as the former dict (the status as its name).)doc");
  m.def(
      "solve_milp",
      [](py::array_t<double, py::array::c_style | py::array::forcecast> objective,
         py::array_t<std::int64_t, py::array::c_style | py::array::forcecast> row_start,
         py::array_t<std::int64_t, py::array::c_style | py::array::forcecast> column,
         py::array_t<double, py::array::c_style | py::array::forcecast> value,
         py::array_t<double, py::array::c_style | py::array::forcecast> row_lb,
         py::array_t<double, py::array::c_style | py::array::forcecast> row_ub,
         py::array_t<double, py::array::c_style | py::array::forcecast> col_lb,
         py::array_t<double, py::array::c_style | py::array::forcecast> col_ub,
         py::array_t<bool, py::array::c_style | py::array::forcecast> integer, const std::string& sense,
         double time_limit_s, double relative_gap, const py::object& start, int threads) {
        auto vec = [](const auto& a) { return std::vector<typename std::decay_t<decltype(a)>::value_type>(
                                           a.data(), a.data() + a.size()); };
        planning::MilpProblem p;
        p.objective = vec(objective);
        p.row_start = vec(row_start);
        p.column.reserve(column.size());
        for (py::ssize_t k = 0; k < column.size(); ++k) {
          const auto c = column.data()[k];
          if (c < 0 || c > std::numeric_limits<int>::max())
            throw InputError("MILP: matrix entry " + std::to_string(k) + ": column " + std::to_string(c) + " out of range");
          p.column.push_back(static_cast<int>(c));
        }
        p.value = vec(value);
        p.row_lb = vec(row_lb);
        p.row_ub = vec(row_ub);
        p.col_lb = vec(col_lb);
        p.col_ub = vec(col_ub);
        p.integer.assign(integer.data(), integer.data() + integer.size());
        if (sense != "min" && sense != "max") throw InputError("MILP: sense '" + sense + "' (expected 'min' or 'max')");
        p.maximise = sense == "max";
        planning::MilpOptions o;
        o.time_limit_s = time_limit_s;
        o.relative_gap = relative_gap;
        o.threads = threads;
        if (!start.is_none()) {
          auto s = start.cast<py::array_t<double, py::array::c_style | py::array::forcecast>>();
          o.start.assign(s.data(), s.data() + s.size());
        }
        planning::MilpResult r;
        {
          py::gil_scoped_release nogil;
          r = planning::solve_milp(p, o);
        }
        py::dict d;
        d["status"] = planning::to_string(r.status);
        d["x"] = py::array_t<double>(static_cast<py::ssize_t>(r.x.size()), r.x.data());
        d["objective"] = r.objective;
        d["bound"] = r.bound;
        d["gap"] = r.gap;
        d["proven_optimal"] = r.proven_optimal;
        d["seconds"] = r.seconds;
        return d;
      },
      py::arg("objective"), py::arg("row_start"), py::arg("column"), py::arg("value"), py::arg("row_lb"),
      py::arg("row_ub"), py::arg("col_lb"), py::arg("col_ub"), py::arg("integer"), py::kw_only(),
      py::arg("sense") = "min", py::arg("time_limit_s") = 60.0, py::arg("relative_gap") = 1e-9,
      py::arg("start") = py::none(), py::arg("threads") = 1,
      R"doc(Solves a mixed-integer program with CBC (Clp alone when no column is integer):
min (sense="min") or max objective.x s.t. row_lb <= A x <= row_ub, col_lb <= x <= col_ub, the
columns flagged in `integer` integral; A in compressed rows (row_start of length rows + 1,
column, value). Infinite bounds are +-inf. `start`: a feasible solution to begin from.
phusong.plan.milp.Milp builds these arrays.

Returns:
    dict: status ("optimal", "feasible", "infeasible", "no_solution"), x (NaN without a
    solution), objective, bound, gap, proven_optimal, seconds.)doc");
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
