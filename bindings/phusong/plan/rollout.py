"""Roll-out years: in which year to build each site of a plan, within one budget per year
(`planning.years: {2026: budget, 2027: budget, ...}`), so that the most people-years are covered,
the priority bản (schools, commune centres, `required_villages`) first.

    s = schedule(sets, cost, weight, {2026: 5e9, 2027: 5e9, 2028: 5e9}, priority=is_priority)
    s.year_of_site[k]      # 2026, 2027, ... or None (no budget for it)
    s.order                # the sites in roll-out order (the layer's `thu_tu`: s.thu_tu)
    s.per_year             # YearRow: budget, spent, sites, bản and people newly covered, cumulative share
    s.reachable_share, s.message   # how much of the plan the budgets reach, said in words

The input is the plan's chosen sites: site k covers the villages `sets[k]` (a village may be
covered by several sites) and costs `cost[k]` — the plan's whole-life cost of the site
(`SiteCost.total`: CAPEX + backhaul + power + the OPEX of the horizon discounted to today), all of it
charged to the year the site is built. To budget CAPEX only, pass `capex + backhaul + power`.

People-years: a site built in year t serves from the end of year t; coverage is counted at the end of
every calendar year up to the end of the last plan year, so covering village i first in year t is worth
`weight[i] * (Y_last - t + 1)`. Years need not be consecutive: a year with no budget given between two
plan years counts as a year in which nothing is built.

Budgets: the sites built in year t cost at most that year's budget; with `carry_over` what a year
leaves unspent moves to the next year (the cumulative spending stays within the cumulative budget).

The exact method is lexicographic, two MILPs solved by CBC (:mod:`.milp`):
  b[k,t] in {0,1}: site k is built in plan year t; sum_t b[k,t] <= 1
  c[i,t] in [0,1]: village i is covered by the end of plan year t; c[i,t] <= sum_{k covers i} sum_{t'<=t} b[k,t']
  budgets: sum_k cost_k b[k,t] <= B_t (carry_over: sum_{t'<=t} sum_k cost_k b[k,t'] <= sum_{t'<=t} B_t')
  objective: max sum_{i,t} weight_i (Y_{t+1} - Y_t) c[i,t]  (Y_{T+1} = Y_last + 1), i.e. people-years;
  stage 1 over the priority villages only, stage 2 over all, with stage 1's optimum kept as a row.
The greedy method fills the years in order, sites reaching priority bản first, then by people newly
covered per cost; its bound is the LP relaxation of the exact model (total people-years).
After either method, sites that add nobody are left to the end and any site that still fits a year's
leftover budget is built there (the earliest such year), so no money the plan could use stays unspent.
"""

from __future__ import annotations

import math
import numbers
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from .milp import Milp

METHODS = ("exact", "greedy")
YEAR_RANGE = (1900, 2200)
"""Plan years outside this range are taken for typing errors (20207 for 2027)."""

UNSCHEDULED_REASONS = {
    "exceeds_every_budget": "costs more than any year's budget (with carry_over: than all the budgets together)",
    "budget_spent": "the budgets went to sites worth more people-years",
}


@dataclass
class YearRow:
    """One plan year of a schedule."""

    year: int
    budget: float               #: the budget given for the year
    available: float            #: what the year could spend: its budget (+ what earlier years left, carry_over)
    spent: float                #: the cost of the sites built in the year
    sites: list[int]            #: site indices built in the year, in roll-out order
    villages: list[int]         #: village indices first covered by the end of the year
    people: float               #: their weight (people, households or bản: the plan's objective)
    cumulative_people: float    #: weight covered by the end of the year
    cumulative_share: float     #: of the weight the sites cover together (the plan's target)
    cumulative_priority_people: float  #: priority weight covered by the end of the year


@dataclass
class Schedule:
    """A roll-out of the sites over the plan years. Site and village indices are those of the input."""

    status: str                 #: "optimal" (proven), "feasible" (time limit), "heuristic" (greedy)
    method: str                 #: "exact" or "greedy"
    carry_over: bool
    years: list[int]            #: the plan years, increasing
    budgets: list[float]        #: per plan year
    year_of_site: list[int | None]    #: per site: the year it is built, None when no budget is left for it
    year_of_village: list[int | None]  #: per village: the year it is first covered, None if not by the last year
    order: list[int]            #: all sites in roll-out order: by year, then those reaching priority bản,
                                #: then people newly covered per cost; the unscheduled ones last
    newly_covered: list[list[int]]    #: per site: the villages it adds, taken in `order`
    per_year: list[YearRow]
    unscheduled: list[int]      #: sites no budget reaches, in `order`
    unscheduled_reason: dict[int, str]  #: site -> a key of UNSCHEDULED_REASONS
    people_years: float         #: sum over the years of the weight covered at the end of each year
    priority_people_years: float
    bound: float                #: an upper bound on people_years (given the priority optimum, exact method)
    gap: float                  #: (bound - people_years) / people_years; 0 when proven optimal
    proven_optimal: bool
    seconds: float
    total_people: float         #: the weight of all villages given
    target_people: float        #: the weight the sites cover together (the plan's target)
    covered_people: float       #: the weight covered by the end of the last year
    reachable_share: float      #: covered_people / target_people (1.0 when there is nothing to cover)
    reaches_target: bool        #: every village the sites cover is covered by the end of the last year
    shortfall_cost: float       #: the cost of the unscheduled sites: the money the plan still needs
    message: str                #: the outcome in words (what the budgets reach, what more is needed)
    notes: list[str] = field(default_factory=list)  #: what was read differently from the input (years sorted ...)

    @property
    def thu_tu(self) -> list[int]:
        """Per site, its rank (1-based) in `order` — the layer's `thu_tu`."""
        rank = [0] * len(self.year_of_site)
        for r, k in enumerate(self.order):
            rank[k] = r + 1
        return rank


# ----------------------------------------------------------------------------- input checks

def _check_years(years) -> tuple[list[int], list[float], list[str]]:
    """(years increasing, budgets, notes); ValueError naming the year or value at fault."""
    if isinstance(years, Mapping):
        items = list(years.items())
    else:
        try:
            items = [tuple(p) for p in years]
        except TypeError:
            raise ValueError(f"years: expected a mapping year -> budget, got {type(years).__name__}") from None
        if any(len(p) != 2 for p in items):
            raise ValueError("years: expected (year, budget) pairs")
    if not items:
        raise ValueError("years: no plan year given (expected {year: budget, ...})")
    seen: set[int] = set()
    out: list[tuple[int, float]] = []
    for y, b in items:
        if isinstance(y, bool) or not isinstance(y, numbers.Integral):
            if isinstance(y, numbers.Real) and float(y).is_integer() and not isinstance(y, bool):
                raise ValueError(f"years: year {y!r} is not an integer (write {int(y)})")
            raise ValueError(f"years: year {y!r} is not an integer")
        y = int(y)
        if not YEAR_RANGE[0] <= y <= YEAR_RANGE[1]:
            raise ValueError(f"years: year {y} is outside {YEAR_RANGE[0]}..{YEAR_RANGE[1]} (a typing error?)")
        if y in seen:
            raise ValueError(f"years: year {y} is given twice")
        seen.add(y)
        if isinstance(b, bool) or not isinstance(b, numbers.Real):
            hint = " (a string: YAML reads 1e9 as text; write 1.0e+9 or 1000000000)" if isinstance(b, str) else ""
            raise ValueError(f"years: the budget of {y} is {b!r}, not a number{hint}")
        b = float(b)
        if math.isnan(b):
            raise ValueError(f"years: the budget of {y} is NaN")
        if b < 0:
            raise ValueError(f"years: the budget of {y} is negative ({b:g})")
        out.append((y, b))
    notes = []
    given = [y for y, _ in out]
    out.sort()
    ys = [y for y, _ in out]
    if given != ys:
        notes.append("years given out of order, taken in order: " + ", ".join(map(str, ys)))
    missing = [y for y in range(ys[0], ys[-1] + 1) if y not in seen]
    if missing:
        notes.append("no budget given for " + ", ".join(map(str, missing))
                     + ": nothing is built then (the years still count as people-years)")
    return ys, [b for _, b in out], notes


def _check_inputs(sets, cost, weight, priority):
    n = len(weight)
    w = [float(x) for x in weight]
    for i, x in enumerate(w):
        if not math.isfinite(x) or x < 0:
            raise ValueError(f"weight of village {i} is {x:g} (expected a finite number >= 0)")
    if len(cost) != len(sets):
        raise ValueError(f"{len(sets)} sites (sets) but {len(cost)} costs")
    c = [float(x) for x in cost]
    for k, x in enumerate(c):
        if not math.isfinite(x) or x < 0:
            raise ValueError(f"cost of site {k} is {x:g} (expected a finite number >= 0)")
    s = []
    for k, lst in enumerate(sets):
        vs = sorted({int(i) for i in lst})
        if vs and (vs[0] < 0 or vs[-1] >= n):
            bad = vs[0] if vs[0] < 0 else vs[-1]
            raise ValueError(f"site {k} covers village {bad}, which does not exist ({n} villages)")
        s.append(vs)
    if priority is None:
        p = [False] * n
    else:
        if len(priority) != n:
            raise ValueError(f"priority has {len(priority)} entries for {n} villages")
        p = [bool(x) for x in priority]
    return s, c, w, p


# ----------------------------------------------------------------------------- evaluation

class _State:
    """A schedule under construction: year index per site, spending per year, first cover per village."""

    def __init__(self, sets, cost, w, prio, years, budgets, carry):
        self.sets, self.cost, self.w, self.prio = sets, cost, w, prio
        self.years, self.budgets, self.carry = years, budgets, carry
        self.T = len(years)
        self.at = [None] * len(sets)      # year index per site
        self.spent = [0.0] * self.T
        self.cum_budget = [float(b) for b in np.cumsum(budgets)]
        self.end = years[-1] + 1

    def tol(self, t):
        return _tol(self.budgets[t])

    def fits(self, k, t) -> bool:
        """Site k fits year index t: within that year's budget, or with carry_over within every
        cumulative budget from t on."""
        c = self.cost[k]
        if not self.carry:
            return self.spent[t] + c <= self.budgets[t] + self.tol(t)
        cum = 0.0
        for u in range(self.T):
            cum += self.spent[u]
            if u >= t and cum + c > self.cum_budget[u] + _tol(self.cum_budget[u]):
                return False
        return True

    def over_budget(self) -> int | None:
        """The first year index whose budget (cumulative, carry_over) is exceeded, or None."""
        cum = 0.0
        for t in range(self.T):
            cum += self.spent[t]
            if self.carry and cum > self.cum_budget[t] + _tol(self.cum_budget[t]):
                return t
            if not self.carry and self.spent[t] > self.budgets[t] + self.tol(t):
                return t
        return None

    def build(self, k, t):
        self.at[k] = t
        self.spent[t] += self.cost[k]

    def unbuild(self, k):
        self.spent[self.at[k]] -= self.cost[k]
        self.at[k] = None

    def first(self, skip: int | None = None) -> list[int | None]:
        """Per village, the year index of its first cover (optionally without site `skip`)."""
        f: list[int | None] = [None] * len(self.w)
        for k, t in enumerate(self.at):
            if t is None or k == skip:
                continue
            for i in self.sets[k]:
                if f[i] is None or t < f[i]:
                    f[i] = t
        return f

    def value(self, first=None) -> tuple[float, float]:
        """(people-years, priority people-years)."""
        f = self.first() if first is None else first
        tot = pri = 0.0
        for i, t in enumerate(f):
            if t is None:
                continue
            v = self.w[i] * (self.end - self.years[t])
            tot += v
            if self.prio[i]:
                pri += v
        return tot, pri

    def gain(self, k, t, first) -> tuple[float, float]:
        """(priority, total) people-years site k adds if built in year index t."""
        tot = pri = 0.0
        for i in self.sets[k]:
            cur = first[i]
            if cur is not None and cur <= t:
                continue
            v = self.w[i] * ((self.years[cur] if cur is not None else self.end) - self.years[t])
            tot += v
            if self.prio[i]:
                pri += v
        return pri, tot


def _tol(budget: float) -> float:
    return 1e-9 * max(1.0, abs(budget)) if math.isfinite(budget) else 0.0


def _per_cost(v: float, c: float) -> float:
    return v / c if c > 0 else (math.inf if v > 0 else 0.0)


def _repair(st: _State):
    """Rounding a MILP solution may overshoot a budget by CBC's tolerances: unbuild the least useful site."""
    while (t := st.over_budget()) is not None:
        built = [k for k, u in enumerate(st.at) if u is not None and u <= t]
        k = min(built, key=lambda k: (st.gain(k, st.at[k], st.first(skip=k)), -st.cost[k], -k))
        st.unbuild(k)


def _drop_and_fill(st: _State):
    """Sites that add nobody are unbuilt (the most expensive first), then every site that fits a
    year's leftover budget is built in the earliest such year, the most people-years first."""
    for k in sorted((k for k, t in enumerate(st.at) if t is not None), key=lambda k: (-st.cost[k], k)):
        t = st.at[k]
        others = st.first(skip=k)
        if all(others[i] is not None and others[i] <= t for i in st.sets[k]):
            st.unbuild(k)
    while True:
        first = st.first()
        best, best_key = None, None
        for k, u in enumerate(st.at):
            if u is not None:
                continue
            t = next((t for t in range(st.T) if st.fits(k, t)), None)
            if t is None:
                continue
            pri, tot = st.gain(k, t, first)
            key = (pri, tot, -st.cost[k], -k)
            if best_key is None or key > best_key:
                best, best_key = (k, t), key
        if best is None:
            return
        st.build(*best)


def _greedy(st: _State):
    """Years in order; in each, the fitting site reaching priority bản first (priority people-years
    per cost), then people-years newly covered per cost, until nothing that adds anybody fits."""
    for t in range(st.T):
        while True:
            first = st.first()
            best, best_key = None, None
            for k, u in enumerate(st.at):
                if u is not None or not st.fits(k, t):
                    continue
                pri, tot = st.gain(k, t, first)
                if tot <= 0 and pri <= 0:
                    continue
                key = (pri > 0, _per_cost(pri, st.cost[k]), _per_cost(tot, st.cost[k]), -st.cost[k], -k)
                if best_key is None or key > best_key:
                    best, best_key = k, key
            if best is None:
                break
            st.build(best, t)


# ----------------------------------------------------------------------------- the MILP

class _Model:
    """The MILP of the module docstring, with the objective over the villages in `objective`."""

    def __init__(self, st: _State, objective: list[bool], floor: float | None, integer: bool = True):
        K, T = len(st.sets), st.T
        self.K, self.T = K, T
        m = Milp("max")
        max_avail = [st.cum_budget[t] if st.carry else st.budgets[t] for t in range(T)]
        ub = [[1.0 if st.cost[k] <= max_avail[t] + st.tol(t) else 0.0 for t in range(T)] for k in range(K)]
        self.b = m.add_vars(K * T, cost=0.0, lb=0.0, ub=[u for row in ub for u in row], integer=integer).reshape(K, T) \
            if K else np.zeros((0, T), dtype=int)
        span = [(st.years[t + 1] if t + 1 < T else st.end) - st.years[t] for t in range(T)]
        cover: dict[int, list[int]] = {}
        for k, lst in enumerate(st.sets):
            for i in lst:
                cover.setdefault(i, []).append(k)
        need = sorted(i for i in cover if st.w[i] > 0 and (objective[i] or (floor is not None and st.prio[i])))
        self.villages = need
        self.c = {}
        for i in need:
            cost = [st.w[i] * span[t] if objective[i] else 0.0 for t in range(T)]
            self.c[i] = m.add_vars(T, cost=cost, lb=0.0, ub=1.0)
            for t in range(T):
                row = {int(self.c[i][t]): 1.0}
                for k in cover[i]:
                    for u in range(t + 1):
                        row[int(self.b[k, u])] = row.get(int(self.b[k, u]), 0.0) - 1.0
                m.add_row(row, ub=0.0)
        for k in range(K):
            m.add_row({int(self.b[k, t]): 1.0 for t in range(T)}, ub=1.0)
        for t in range(T):
            lim = st.cum_budget[t] if st.carry else st.budgets[t]
            if math.isinf(lim):
                continue
            us = range(t + 1) if st.carry else (t,)
            row = {int(self.b[k, u]): st.cost[k] for k in range(K) for u in us if st.cost[k] > 0}
            if row:
                m.add_row(row, ub=lim)
        if floor is not None:
            row = {}
            for i in need:
                if st.prio[i]:
                    for t in range(T):
                        row[int(self.c[i][t])] = st.w[i] * span[t]
            if row:
                m.add_row(row, lb=floor)
        self.m = m

    def start(self, st: _State) -> np.ndarray:
        x = np.zeros(self.m.n_vars)
        for k, t in enumerate(st.at):
            if t is not None:
                x[self.b[k, t]] = 1.0
        first = st.first()
        for i, cols in self.c.items():
            if first[i] is not None:
                x[cols[first[i]:]] = 1.0
        return x

    def read(self, x: np.ndarray) -> list[int | None]:
        at: list[int | None] = [None] * self.K
        for k in range(self.K):
            for t in range(self.T):
                if x[self.b[k, t]] > 0.5:
                    at[k] = t
                    break
        return at


def _solve_stage(st: _State, objective, floor, time_limit_s, threads, key):
    """Solves one stage from `st` (a feasible start) and keeps CBC's answer (rounded, repaired) when it
    is no worse by `key` (a function of (people-years, priority people-years))."""
    model = _Model(st, objective, floor)
    r = model.m.solve(time_limit_s=max(time_limit_s, 0.1), relative_gap=1e-9, start=model.start(st), threads=threads)
    if r.status in ("optimal", "feasible") and np.all(np.isfinite(r.x)):
        cand = _State(st.sets, st.cost, st.w, st.prio, st.years, st.budgets, st.carry)
        for k, t in enumerate(model.read(r.x)):
            if t is not None:
                cand.build(k, t)
        _repair(cand)
        if key(*cand.value()) >= key(*st.value()):
            st.at, st.spent = cand.at, cand.spent
    return r


# ----------------------------------------------------------------------------- the schedule

def schedule(sets: list[list[int]], cost: list[float], weight: list[float], years: Mapping[int, float],
             priority: list[bool] | None = None, carry_over: bool = False, method: str = "exact",
             time_limit_s: float = 60.0, threads: int = 1, unit: str = "people") -> Schedule:
    """The roll-out of the sites over the plan years (module docstring: the model).

    sets[k]: the villages site k covers; cost[k]: its cost (the plan's `SiteCost.total`); weight[i]:
    the people (households, bản) of village i; years: {year: budget}, in any order (sorted; ValueError
    naming the year for a year that is not an integer, given twice, out of 1900..2200, or a budget
    that is negative, NaN or not a number); priority[i]: village i comes first (schools, commune
    centres, required bản); carry_over: unspent money moves to the next year; method: "exact"
    (two MILPs, CBC) or "greedy" (its bound from the LP relaxation); threads: CBC's (1: the same
    schedule on every machine); unit: what the weight counts, in the message ("people", "households", "bản").
    """
    t0 = time.perf_counter()
    if method not in METHODS:
        raise ValueError(f"method '{method}' (expected one of {', '.join(METHODS)})")
    if not time_limit_s > 0:
        raise ValueError(f"time_limit_s is {time_limit_s} (expected > 0)")
    ys, budgets, notes = _check_years(years)
    sets, cost, w, prio = _check_inputs(sets, cost, weight, priority)
    st = _State(sets, cost, w, prio, ys, budgets, carry_over)
    K = len(sets)
    covered_by_any = sorted({i for lst in sets for i in lst})
    has_prio = any(prio[i] and w[i] > 0 for i in covered_by_any)
    all_prio = all(prio[i] for i in covered_by_any if w[i] > 0)

    _greedy(st)
    _drop_and_fill(st)
    status, proven, bound = "heuristic", False, math.nan
    if K and covered_by_any:
        if method == "exact":
            deadline = t0 + time_limit_s
            stages = []
            if has_prio and not all_prio:
                r1 = _solve_stage(st, prio, None, (deadline - time.perf_counter()) / 2, threads,
                                  key=lambda tot, pri: (pri, tot))
                stages.append(r1)
                p1 = st.value()[1]
                floor = p1 - 1e-7 * max(1.0, abs(p1))
                r2 = _solve_stage(st, [True] * len(w), floor, deadline - time.perf_counter(), threads,
                                  key=lambda tot, pri: (pri >= floor, tot, pri))
            else:
                r2 = _solve_stage(st, [True] * len(w), None, deadline - time.perf_counter(), threads,
                                  key=lambda tot, pri: (tot, pri))
            stages.append(r2)
            _drop_and_fill(st)
            proven = all(r.proven_optimal for r in stages)
            status = "optimal" if proven else "feasible"
            bound = float(r2.bound) if math.isfinite(r2.bound) else math.nan
        else:
            lp = _Model(st, [True] * len(w), None, integer=False)
            r = lp.m.solve(time_limit_s=time_limit_s, relative_gap=1e-9, threads=threads)
            bound = float(r.objective) if r.status == "optimal" else math.nan
    else:
        status, proven, bound = "optimal", True, 0.0

    tot, pri = st.value()
    if proven or not math.isfinite(bound):
        bound = max(bound, tot) if math.isfinite(bound) else (tot if proven else math.nan)
    if method == "greedy" and math.isfinite(bound) and bound <= tot * (1 + 1e-9) + 1e-9:
        proven = True
    gap = 0.0 if proven else (max(0.0, bound - tot) / max(abs(tot), 1e-9) if math.isfinite(bound) else math.nan)
    return _report(st, status, method, tot, pri, bound, gap, proven, time.perf_counter() - t0, notes, unit)


def _report(st: _State, status, method, tot, pri, bound, gap, proven, seconds, notes, unit) -> Schedule:
    K, T, w = len(st.sets), st.T, st.w
    # The roll-out order: year by year, the sites reaching priority bản first, then people newly
    # covered per cost (taken one after the other, so overlaps count once); the unscheduled last.
    covered = [False] * len(w)
    order, newly = [], [[] for _ in range(K)]
    groups = [[k for k in range(K) if st.at[k] == t] for t in range(T)] + [[k for k in range(K) if st.at[k] is None]]
    for group in groups:
        left = list(group)
        while left:
            def key(k):
                new = [i for i in st.sets[k] if not covered[i]]
                p = sum(w[i] for i in new if st.prio[i])
                return (p > 0, _per_cost(sum(w[i] for i in new), st.cost[k]), len(new), -k)
            k = max(left, key=key)
            left.remove(k)
            order.append(k)
            newly[k] = [i for i in st.sets[k] if not covered[i]]
            for i in newly[k]:
                covered[i] = True
    first = st.first()
    target_set = sorted({i for lst in st.sets for i in lst})
    target = float(sum(w[i] for i in target_set))
    per_year, cum, cum_p, cum_spent = [], 0.0, 0.0, 0.0
    cum_budget = 0.0
    for t in range(T):
        vs = sorted(i for i in range(len(w)) if first[i] == t)
        ppl = float(sum(w[i] for i in vs))
        cum += ppl
        cum_p += float(sum(w[i] for i in vs if st.prio[i]))
        avail = (cum_budget + st.budgets[t] - cum_spent) if st.carry else st.budgets[t]
        cum_budget += st.budgets[t]
        cum_spent += st.spent[t]
        per_year.append(YearRow(year=st.years[t], budget=st.budgets[t], available=avail, spent=st.spent[t],
                                sites=[k for k in order if st.at[k] == t], villages=vs, people=ppl,
                                cumulative_people=cum, cumulative_share=cum / target if target > 0 else 1.0,
                                cumulative_priority_people=cum_p))
    unscheduled = [k for k in order if st.at[k] is None]
    max_avail = max(st.cum_budget[-1] if st.carry else max(st.budgets), 0.0)
    reason = {k: ("exceeds_every_budget" if st.cost[k] > max_avail * (1 + 1e-9) else "budget_spent") for k in unscheduled}
    missing = [i for i in target_set if first[i] is None]
    reaches = not missing
    share = cum / target if target > 0 else 1.0
    shortfall = float(sum(st.cost[k] for k in unscheduled))
    if K == 0:
        message = "no sites to schedule"
    elif reaches:
        when = next((r.year for r in per_year if r.cumulative_people >= target - 1e-9 * max(1.0, target)), st.years[-1])
        message = (f"the budgets reach all the {unit} the sites cover ({_num(target)}) by the end of {when}"
                   if target > 0 else "the sites cover nobody")
        if unscheduled:
            message += (f"; {len(unscheduled)} site(s) adding nobody are left out (they would cost {_num(shortfall)})")
    else:
        message = (f"the budgets reach {100 * share:.1f} % of the {unit} the sites cover ({_num(cum)} of {_num(target)}) "
                   f"by the end of {st.years[-1]}; {_num(target - cum)} {unit} ({len(missing)} bản) are left, "
                   f"and the {len(unscheduled)} site(s) left out need {_num(shortfall)} more")
        too_big = [k for k in unscheduled if reason[k] == "exceeds_every_budget"]
        if too_big:
            message += f" ({len(too_big)} of them cost more than any year's budget" + \
                       (" can carry)" if st.carry else ")")
    return Schedule(
        status=status, method=method, carry_over=st.carry, years=list(st.years), budgets=list(st.budgets),
        year_of_site=[st.years[t] if t is not None else None for t in st.at],
        year_of_village=[st.years[t] if t is not None else None for t in first],
        order=order, newly_covered=newly, per_year=per_year, unscheduled=unscheduled, unscheduled_reason=reason,
        people_years=tot, priority_people_years=pri, bound=bound, gap=gap, proven_optimal=proven, seconds=seconds,
        total_people=float(sum(w)), target_people=target, covered_people=cum, reachable_share=share,
        reaches_target=reaches, shortfall_cost=shortfall, message=message, notes=notes)


def _num(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"
