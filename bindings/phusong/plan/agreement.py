"""The operators' agreement: who builds which site and who serves which white bản.

Every new or upgraded site has one builder, and every white bản (village) that some candidate
can reach is served by exactly one operator (no overlap). The shares follow a rule, within a
tolerance, at the least total cost:

* ``market_share``: the people (weights) assigned to operator o lie within
  (share_o ± tolerance) × all the people assigned;
* ``balanced_cost``: the cost of the sites built by o lies within (share_o ± tolerance) × the
  total cost.

Formulation (a MILP solved by CBC through :class:`phusong.plan.milp.Milp`). Candidates j cover
the villages S_j at cost c_j; B_j are the operators allowed to build j (a new tower: any; an
upgrade: its owner; a co-location on A's tower: the others); T are the villages in play (some
candidate covers them, and their weight is > 0 or they are required); W = sum_{i in T} w_i::

    min  sum_{j, o in B_j} c_j x_jo
    s.t. sum_o x_jo <= 1                            one builder per candidate
         sum_{j in g, o} x_jo <= 1                  one site per group (host tower)
         sum_o z_io = 1                  i in T     each bản to exactly one operator
         z_io <= sum_{j: i in S_j, o in B_j} x_jo   ... one that built a site covering it
         x_jo <= sum_{i in S_j ∩ T} z_io            every site serves a bản of its builder
         (s_o - tol) W <= sum_i w_i z_io <= (s_o + tol) W              market_share
         (s_o - tol) C <= sum_j c_j x_jo <= (s_o + tol) C, C = c.x      balanced_cost
         x, z binary

(Under ``balanced_cost`` the cheapest balanced plan may build a site that an unbalanced plan
would not need: the rule asks for it; the site still serves a bản of its builder. Under
``market_share`` the "serves a bản" rows are implied at the least cost, since such a site
changes no share, and are left out of the model: they slow CBC down a great deal.)

When no plan meets the tolerance the result says so (status "infeasible") together with the
smallest tolerance that would work: one more MILP minimising the largest deviation t
(market_share: linear in t since W is fixed), or a short Dinkelbach iteration on
max_o |C_o - s_o C| / C (balanced_cost).

The greedy method: a lazy greedy cover choosing (candidate, builder) pairs by newly covered
weight per cost, a pair's weight beyond its operator's share counting only 5%
(market_share), or the builder furthest below its cost share (balanced_cost); redundant sites
dropped and 1-for-1 swaps for cheaper candidates (the best of the variants kept); then each bản to
the operator of its cheapest covering site, and local repairs (moving bản, changing builders,
adding a site for an operator below its share, dropping sites). Its bound is the LP relaxation.

Names: operators are compared after Unicode NFC normalisation (Vietnamese text typed in either
composed or decomposed form matches). A builder name that is not one of `operators` is an
error naming it (with the nearest known name), unless ``unknown_builders="ignore"``: then that
builder is simply not available (a candidate with no available builder is not used). An
operator with a positive share that no candidate names as a builder is an error too.
"""

from __future__ import annotations

import difflib
import heapq
import math
import operator as _operator
import time
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from .milp import INF, Milp

RULES = ("market_share", "balanced_cost")
METHODS = ("exact", "greedy")
#: market shares must sum to 1 within this
SHARE_SUM_TOLERANCE = 1e-6
#: the name of the total row of agreement_table
TOTAL_ROW = "total"


@dataclass
class Allocation:
    """The outcome of :func:`allocate`.

    `status`: "optimal" (proven), "feasible" (meets every rule, optimality not proven),
    "partial" (a greedy plan that misses a rule: see `message`), "infeasible" (proven: no plan
    meets the rules; `tolerance_needed` then gives the smallest tolerance that would work, when
    found) or "no_solution" (the time limit came first). `chosen` and `village_operator` are
    empty when there is no plan.
    """

    status: str
    method: str
    rule: str
    operators: list[str]
    shares: list[float]
    tolerance_pct: float
    chosen: list[tuple[int, str]] = field(default_factory=list)   #: (candidate, builder), by candidate
    village_operator: dict[int, str] = field(default_factory=dict)  #: village index -> operator
    unreachable: list[int] = field(default_factory=list)  #: villages in play that no candidate reaches
    #: operator -> {"sites", "villages" (index lists), "people", "cost", "share", "people_share", "cost_share"}
    per_operator: dict[str, dict] = field(default_factory=dict)
    total_cost: float = math.nan
    bound: float = math.nan        #: a lower bound on the least cost under the rule (inf: infeasible)
    gap: float = math.inf          #: (total_cost - bound) / total_cost
    proven_optimal: bool = False
    seconds: float = 0.0
    #: percentage points (like tolerance_pct): the smallest tolerance under which a plan exists
    #: (exact method; the smallest found when the search was cut by the time limit), or the one
    #: the greedy plan needs; None when not computed or when no tolerance helps.
    tolerance_needed: float | None = None
    message: str = ""
    n_candidates: int = 0
    n_villages: int = 0

    @property
    def has_plan(self) -> bool:
        return self.status in ("optimal", "feasible", "partial")


@dataclass
class _Inst:
    names: list[str]
    shares: list[float]
    rule: str
    tol: float
    sets: list[list[int]]
    cost: list[float]
    builders: list[list[int]]      # operator indices
    weight: list[float]
    group: list[int]
    targets: list[int]             # villages in play, ascending
    unreachable: list[int]
    tsets: list[list[int]]         # S_j ∩ T
    cov: dict[int, list[int]]      # i in T -> usable candidates covering it
    pairs: list[tuple[int, int]]   # usable (j, o)
    reach: dict[int, list[int]]    # i in T -> operators that can serve it
    W: float


# ---------------------------------------------------------------------------------------------
# input checks


def _nfc(name: str) -> str:
    return unicodedata.normalize("NFC", name.strip())


def _index(v, what: str) -> int:
    try:
        return _operator.index(v)
    except TypeError:
        raise ValueError(f"{what}: {v!r} is not an integer") from None


def _floats(values, n: int, what: str, per: str) -> list[float]:
    if isinstance(values, str | bytes):
        raise ValueError(f"{what}: expected {n} numbers (one per {per}), got a string")
    try:
        out = [float(v) for v in values]
    except (TypeError, ValueError) as e:
        raise ValueError(f"{what}: not a list of numbers ({e})") from None
    if len(out) != n:
        raise ValueError(f"{what}: {len(out)} values for {n} {per}s")
    return out


def _prepare(sets, cost, builders, weight, operators, shares, rule, tolerance_pct, group, required, method,
             time_limit_s, unknown_builders) -> _Inst:
    if rule not in RULES:
        raise ValueError(f"rule '{rule}': expected one of {', '.join(RULES)}")
    if method not in METHODS:
        raise ValueError(f"method '{method}': expected one of {', '.join(METHODS)}")
    if unknown_builders not in ("error", "ignore"):
        raise ValueError(f"unknown_builders '{unknown_builders}': expected 'error' or 'ignore'")
    if not (isinstance(time_limit_s, int | float) and math.isfinite(time_limit_s) and time_limit_s > 0):
        raise ValueError(f"time_limit_s {time_limit_s!r}: must be a finite number > 0")
    try:
        tol_pct = float(tolerance_pct)
    except (TypeError, ValueError):
        raise ValueError(f"tolerance_pct {tolerance_pct!r} is not a number") from None
    if not (math.isfinite(tol_pct) and 0 <= tol_pct <= 100):
        raise ValueError(f"tolerance_pct {tolerance_pct!r}: must be within [0, 100] (percentage points)")

    # operators and shares
    if isinstance(operators, str) or operators is None:
        raise ValueError(f"operators: expected a list of names, got {operators!r}")
    names: list[str] = []
    index: dict[str, int] = {}
    for o in operators:
        if not isinstance(o, str) or not o.strip():
            raise ValueError(f"operators: {o!r} is not an operator name")
        key = _nfc(o)
        if key in index:
            raise ValueError(f"operators: '{key}' is listed twice")
        index[key] = len(names)
        names.append(key)
    if not names:
        raise ValueError("operators: the list is empty (the agreement needs at least one operator)")
    k = len(names)
    if shares is None:
        s = [1.0 / k] * k
    else:
        s = _floats(shares, k, "shares", "operator")
        bad = [f"{n} = {v!r}" for n, v in zip(names, s) if not (math.isfinite(v) and v >= 0)]
        if bad:
            raise ValueError("shares must be finite and >= 0: " + ", ".join(bad))
        total = math.fsum(s)
        if abs(total - 1.0) > SHARE_SUM_TOLERANCE:
            listed = ", ".join(f"{n} = {v:g}" for n, v in zip(names, s))
            raise ValueError(f"market shares sum to {total:.9g}, not 1 ({listed}); they must sum to 1 "
                             f"within {SHARE_SUM_TOLERANCE:g}")
        s = [v / total for v in s]

    # villages
    if isinstance(weight, str | bytes):
        raise ValueError("weight: expected one number per village, got a string")
    w = [float(v) for v in weight]
    n_v = len(w)
    for i, v in enumerate(w):
        if not (math.isfinite(v) and v >= 0):
            raise ValueError(f"weight of village {i} is {v!r} (must be finite and >= 0)")

    # candidates
    n_c = len(sets)
    c = _floats(cost, n_c, "cost", "candidate")
    for j, v in enumerate(c):
        if not (math.isfinite(v) and v > 0):
            raise ValueError(f"cost of candidate {j} is {v!r} (must be finite and > 0)")
    S: list[list[int]] = []
    for j, sj in enumerate(sets):
        if isinstance(sj, str | bytes):
            raise ValueError(f"sets[{j}]: expected village indices, got a string")
        idx = sorted({_index(i, f"sets[{j}]") for i in sj})
        for i in idx:
            if not 0 <= i < n_v:
                raise ValueError(f"candidate {j} covers village {i}, out of range ({n_v} villages)")
        S.append(idx)
    if isinstance(builders, str | bytes) or len(builders) != n_c:
        n_b = "a string" if isinstance(builders, str | bytes) else len(builders)
        raise ValueError(f"builders: {n_b} entries for {n_c} candidates (one list of operators per candidate)")
    B: list[list[int]] = []
    for j, bj in enumerate(builders):
        if isinstance(bj, str | bytes):
            raise ValueError(f"builders[{j}] is the string {bj!r}: expected a list of operator names")
        ops = set()
        for name in bj:
            key = _nfc(name) if isinstance(name, str) else None
            if key in index:
                ops.add(index[key])
            elif unknown_builders == "error":
                near = difflib.get_close_matches(str(key), names, n=1, cutoff=0.6)
                if not near:
                    folded = {n.casefold(): n for n in names}
                    near = [folded[str(key).casefold()]] if str(key).casefold() in folded else []
                hint = f" (did you mean '{near[0]}'?)" if near else ""
                raise ValueError(f"candidate {j}: builder {name!r} is not one of the operators "
                                 f"{', '.join(names)}{hint}")
        B.append(sorted(ops))
    if group is None:
        g = [-1] * n_c
    else:
        if len(group) != n_c:
            raise ValueError(f"group: {len(group)} values for {n_c} candidates")
        g = [_index(v, f"group of candidate {j}") for j, v in enumerate(group)]
        for j, v in enumerate(g):
            if v < -1:
                raise ValueError(f"group of candidate {j} is {v} (a group id >= 0, or -1 for none)")
    req = set()
    for i in required or []:
        i = _index(i, "required")
        if not 0 <= i < n_v:
            raise ValueError(f"required village {i} out of range ({n_v} villages)")
        req.add(i)
    building = {o for bj in B for o in bj}
    idle = [names[o] for o in range(k) if o not in building and s[o] > 0]
    if idle:
        raise ValueError(f"operator(s) {', '.join(idle)} can build no candidate (named in no candidate's builders) "
                         "yet have a positive share: give them a share of 0 or leave them out of operators")

    # villages in play
    coverable = [False] * n_v
    for j in range(n_c):
        if B[j]:
            for i in S[j]:
                coverable[i] = True
    in_play = [w[i] > 0 or i in req for i in range(n_v)]
    targets = [i for i in range(n_v) if in_play[i] and coverable[i]]
    unreachable = [i for i in range(n_v) if in_play[i] and not coverable[i]]
    is_t = [False] * n_v
    for i in targets:
        is_t[i] = True
    tsets = [[i for i in S[j] if is_t[i]] if B[j] else [] for j in range(n_c)]
    cov: dict[int, list[int]] = defaultdict(list)
    reach_sets: dict[int, set[int]] = defaultdict(set)
    pairs = []
    for j in range(n_c):
        if not tsets[j]:
            continue
        for o in B[j]:
            pairs.append((j, o))
        for i in tsets[j]:
            cov[i].append(j)
            reach_sets[i].update(B[j])
    reach = {i: sorted(reach_sets[i]) for i in targets}
    W = math.fsum(w[i] for i in targets)
    return _Inst(names=names, shares=s, rule=rule, tol=tol_pct / 100.0, sets=S, cost=c, builders=B, weight=w,
                 group=g, targets=targets, unreachable=unreachable, tsets=tsets, cov=dict(cov), pairs=pairs,
                 reach=reach, W=W)


# ---------------------------------------------------------------------------------------------
# checking a plan


def _violations(inst: _Inst, chosen: dict[int, int], assign: dict[int, int], slack: float = 1e-6):
    """The rules a plan breaks (strings) and its largest share deviation (None when incomplete)."""
    out = []
    names = inst.names
    for j, o in chosen.items():
        if o not in inst.builders[j]:
            out.append(f"candidate {j} built by {names[o]}, not one of its builders")
    seen_group: dict[int, int] = {}
    for j in sorted(chosen):
        gj = inst.group[j]
        if gj >= 0:
            if gj in seen_group:
                out.append(f"candidates {seen_group[gj]} and {j} of group {gj} both chosen")
            seen_group[gj] = j
    complete = True
    for i in inst.targets:
        o = assign.get(i)
        if o is None:
            out.append(f"bản {i} is served by no operator")
            complete = False
        elif not any(chosen.get(j) == o for j in inst.cov[i]):
            out.append(f"bản {i} is assigned to {names[o]}, which builds no site covering it")
    for j, o in chosen.items():
        if not any(assign.get(i) == o for i in inst.tsets[j]):
            out.append(f"site {j} of {names[o]} serves none of {names[o]}'s bản")
    if not complete:
        return out, None
    k = len(names)
    if inst.rule == "market_share":
        amount = [0.0] * k
        for i, o in assign.items():
            amount[o] += inst.weight[i]
        total = inst.W
        what = "people"
    else:
        amount = [0.0] * k
        for j, o in chosen.items():
            amount[o] += inst.cost[j]
        total = math.fsum(amount)
        what = "cost"
    if total <= 0:
        return out, 0.0
    dev = 0.0
    for o in range(k):
        d = amount[o] / total - inst.shares[o]
        dev = max(dev, abs(d))
        if abs(d) > inst.tol + slack:
            out.append(f"{names[o]}: {what} share {100 * amount[o] / total:.3f}% outside "
                       f"{100 * inst.shares[o]:.3f}% ± {100 * inst.tol:g}%")
    return out, dev


def _per_operator(inst: _Inst, chosen: dict[int, int], assign: dict[int, int]) -> dict[str, dict]:
    k = len(inst.names)
    sites = [[] for _ in range(k)]
    vill = [[] for _ in range(k)]
    for j in sorted(chosen):
        sites[chosen[j]].append(j)
    for i in sorted(assign):
        vill[assign[i]].append(i)
    people = [math.fsum(inst.weight[i] for i in vill[o]) for o in range(k)]
    cost = [math.fsum(inst.cost[j] for j in sites[o]) for o in range(k)]
    tp, tc = math.fsum(people), math.fsum(cost)
    return {inst.names[o]: {"sites": sites[o], "villages": vill[o], "people": people[o], "cost": cost[o],
                            "share": inst.shares[o], "people_share": people[o] / tp if tp > 0 else 0.0,
                            "cost_share": cost[o] / tc if tc > 0 else 0.0} for o in range(k)}


# ---------------------------------------------------------------------------------------------
# the greedy heuristic


class _Greedy:
    def __init__(self, inst: _Inst):
        self.inst = inst
        self.k = len(inst.names)
        self.L = [(s - inst.tol) for s in inst.shares]
        self.U = [(s + inst.tol) for s in inst.shares]

    # -- the cover -------------------------------------------------------------------------
    def cover(self) -> dict[int, int]:
        inst, k = self.inst, self.k
        pos = [inst.weight[i] for i in inst.targets if inst.weight[i] > 0]
        eps = 1e-6 * (max(pos) if pos else 1.0)
        gw = {i: (inst.weight[i] if inst.weight[i] > 0 else eps) for i in inst.targets}
        Wg = math.fsum(gw.values())
        cap = [self.U[o] * Wg for o in range(k)]
        covered: set[int] = set()
        claimed = [0.0] * k
        spent = [0.0] * k
        chosen: dict[int, int] = {}
        used_groups: set[int] = set()
        market = inst.rule == "market_share"

        def new_weight(j):
            return math.fsum(gw[i] for i in inst.tsets[j] if i not in covered)

        def gain(j, o):
            new = new_weight(j)
            if market:
                room = max(0.0, cap[o] - claimed[o])
                return min(new, room) + 0.05 * max(0.0, new - room)
            return new

        heap = []
        if market:
            for j, o in inst.pairs:
                heap.append((-gain(j, o) / inst.cost[j], j, o))
        else:
            for j in sorted({j for j, _ in inst.pairs}):
                heap.append((-new_weight(j) / inst.cost[j], j, -1))
        heapq.heapify(heap)
        while len(covered) < len(inst.targets) and heap:
            _, j, o = heapq.heappop(heap)
            if j in chosen or (inst.group[j] >= 0 and inst.group[j] in used_groups):
                continue
            g = gain(j, o) if o >= 0 else new_weight(j)
            if g <= 0:
                continue
            score = g / inst.cost[j]
            if heap and score < -heap[0][0] * (1 - 1e-12):
                heapq.heappush(heap, (-score, j, o))
                continue
            if o < 0:
                total = math.fsum(spent) + inst.cost[j]
                o = max(inst.builders[j], key=lambda b: (inst.shares[b] * total - spent[b], -b))
            new = [i for i in inst.tsets[j] if i not in covered]
            chosen[j] = o
            if inst.group[j] >= 0:
                used_groups.add(inst.group[j])
            covered.update(new)
            claimed[o] += math.fsum(gw[i] for i in new)
            spent[o] += inst.cost[j]
        return chosen

    def drop_redundant(self, chosen: dict[int, int]) -> dict[int, int]:
        inst = self.inst
        chosen = dict(chosen)
        count = defaultdict(int)
        for j in chosen:
            for i in inst.tsets[j]:
                count[i] += 1
        for j in sorted(chosen, key=lambda j: (-inst.cost[j], j)):
            if all(count[i] > 1 for i in inst.tsets[j]):
                del chosen[j]
                for i in inst.tsets[j]:
                    count[i] -= 1
        return chosen

    def swap_cheaper(self, chosen: dict[int, int]) -> dict[int, int]:
        """1-for-1 swaps: a chosen site is replaced by a cheaper free candidate covering every bản
        that only it covers (the builder kept when allowed, else the one furthest below its share
        of the cost), redundant sites dropped after each pass."""
        inst = self.inst
        chosen = self.drop_redundant(chosen)
        for _ in range(5):
            improved = False
            count = defaultdict(int)
            for j in chosen:
                for i in inst.tsets[j]:
                    count[i] += 1
            for j in sorted(chosen, key=lambda j: (-inst.cost[j], j)):
                if j not in chosen:
                    continue
                only = [i for i in inst.tsets[j] if count[i] == 1]
                if not only:
                    continue
                groups = {inst.group[j2] for j2 in chosen if j2 != j and inst.group[j2] >= 0}
                best = None
                for j2 in inst.cov[only[0]]:
                    if (j2 in chosen or inst.cost[j2] >= inst.cost[j] or (best is not None and inst.cost[j2] >= best[0])
                            or (inst.group[j2] >= 0 and inst.group[j2] in groups)):
                        continue
                    if set(only) <= set(inst.tsets[j2]):
                        best = (inst.cost[j2], j2)
                if best is None:
                    continue
                j2 = best[1]
                o = chosen.pop(j)
                if o not in inst.builders[j2]:
                    spent = self.spent(chosen)
                    total = math.fsum(spent) + inst.cost[j2]
                    o = max(inst.builders[j2], key=lambda b: (inst.shares[b] * total - spent[b], -b))
                chosen[j2] = o
                for i in inst.tsets[j]:
                    count[i] -= 1
                for i in inst.tsets[j2]:
                    count[i] += 1
                improved = True
            chosen = self.drop_redundant(chosen)
            if not improved:
                break
        return chosen

    # -- assignment ------------------------------------------------------------------------
    def cheapest(self, chosen, i):
        best = None
        for j in self.inst.cov[i]:
            o = chosen.get(j)
            if o is not None and (best is None or (self.inst.cost[j], o) < best):
                best = (self.inst.cost[j], o)
        return None if best is None else best[1]

    def allowed(self, chosen, i):
        return sorted({chosen[j] for j in self.inst.cov[i] if j in chosen})

    def assign_all(self, chosen):
        out = {}
        for i in self.inst.targets:
            o = self.cheapest(chosen, i)
            if o is not None:
                out[i] = o
        return out

    # -- market share ----------------------------------------------------------------------
    def pen(self, o, amount, total):
        return max(0.0, amount - self.U[o] * total) + max(0.0, self.L[o] * total - amount)

    def people(self, assign):
        a = [0.0] * self.k
        for i, o in assign.items():
            a[o] += self.inst.weight[i]
        return a

    def viol_people(self, assign):
        a = self.people(assign)
        return math.fsum(self.pen(o, a[o], self.inst.W) for o in range(self.k))

    def village_moves(self, chosen, assign):
        inst, W = self.inst, self.inst.W
        a = self.people(assign)
        eps = 1e-12 * max(1.0, W)
        order = sorted((i for i in assign if inst.weight[i] > 0), key=lambda i: (-inst.weight[i], i))
        allowed = {i: self.allowed(chosen, i) for i in order}
        for _ in range(100):
            improved = False
            for i in order:
                cur, wi = assign[i], inst.weight[i]
                for b in allowed[i]:
                    if b == cur:
                        continue
                    before = self.pen(cur, a[cur], W) + self.pen(b, a[b], W)
                    after = self.pen(cur, a[cur] - wi, W) + self.pen(b, a[b] + wi, W)
                    if after < before - eps:
                        a[cur] -= wi
                        a[b] += wi
                        assign[i] = cur = b
                        improved = True
            if not improved:
                break
        return assign

    def repair_market(self, chosen):
        inst = self.inst
        chosen = dict(chosen)
        assign = self.village_moves(chosen, self.assign_all(chosen))
        v = self.viol_people(assign)
        eps = 1e-9 * max(1.0, inst.W)
        trials = 0
        # change builders
        if v > eps:
            for j in sorted(chosen, key=lambda j: (-inst.cost[j], j)):
                for b in inst.builders[j]:
                    if b == chosen[j] or trials > 200 or v <= eps:
                        continue
                    trials += 1
                    tc = dict(chosen)
                    tc[j] = b
                    ta = dict(assign)
                    for i in inst.tsets[j]:
                        if i in ta and ta[i] not in self.allowed(tc, i):
                            ta[i] = self.cheapest(tc, i)
                    ta = self.village_moves(tc, ta)
                    tv = self.viol_people(ta)
                    if tv < v - eps:
                        chosen, assign, v = tc, ta, tv
        # add a site for an operator below its share
        for _ in range(50):
            if v <= eps:
                break
            a = self.people(assign)
            under = [o for o in range(self.k) if a[o] < self.L[o] * inst.W - eps]
            best = None
            groups = {inst.group[j] for j in chosen if inst.group[j] >= 0}
            for j, o in inst.pairs:
                if o not in under or j in chosen or (inst.group[j] >= 0 and inst.group[j] in groups):
                    continue
                score = math.fsum(inst.weight[i] for i in inst.tsets[j]) / inst.cost[j]
                if best is None or score > best[0]:
                    best = (score, j, o)
            if best is None:
                break
            _, j, o = best
            tc = dict(chosen)
            tc[j] = o
            ta = self.village_moves(tc, dict(assign))
            tv = self.viol_people(ta)
            if tv >= v - eps:
                break
            chosen, assign, v = tc, ta, tv
        # sites serving none of their builder's bản go
        for j, o in list(chosen.items()):
            if not any(assign.get(i) == o for i in inst.tsets[j]):
                del chosen[j]
        return chosen, assign

    # -- balanced cost ---------------------------------------------------------------------
    def spent(self, chosen):
        a = [0.0] * self.k
        for j, o in chosen.items():
            a[o] += self.inst.cost[j]
        return a

    def viol_of(self, a, total):
        return math.fsum(self.pen(o, a[o], total) for o in range(self.k))

    def repair_cost(self, chosen):
        inst = self.inst
        cost = inst.cost
        chosen = dict(chosen)
        a = self.spent(chosen)
        total = math.fsum(a)
        v = self.viol_of(a, total)
        eps = 1e-9 * max(1.0, total)
        for _ in range(20):  # change builders
            improved = False
            for j in sorted(chosen, key=lambda j: (-cost[j], j)):
                for b in inst.builders[j]:
                    o = chosen[j]
                    if b == o or v <= eps:
                        continue
                    a[o] -= cost[j]
                    a[b] += cost[j]
                    tv = self.viol_of(a, total)
                    if tv < v - eps:
                        chosen[j], v, improved = b, tv, True
                    else:
                        a[o] += cost[j]
                        a[b] -= cost[j]
            if not improved:
                break
        for _ in range(50):  # add a site for an operator below its share, or drop a redundant one
            if v <= eps:
                break
            groups = {inst.group[j] for j in chosen if inst.group[j] >= 0}
            best = None
            for j, o in inst.pairs:
                if j in chosen or (inst.group[j] >= 0 and inst.group[j] in groups):
                    continue
                a[o] += cost[j]
                key = (self.viol_of(a, total + cost[j]), cost[j], j, o)
                a[o] -= cost[j]
                if key[0] < v - eps and (best is None or key < best):
                    best = key
            count = defaultdict(int)
            for j in chosen:
                for i in inst.tsets[j]:
                    count[i] += 1
            for j, o in chosen.items():
                if all(count[i] > 1 for i in inst.tsets[j]):
                    a[o] -= cost[j]
                    key = (self.viol_of(a, total - cost[j]), -cost[j], j, -1)
                    a[o] += cost[j]
                    if key[0] < v - eps and (best is None or key < best):
                        best = key
            if best is None:
                break
            v, _, j, o = best
            if o >= 0:
                chosen[j] = o
                a[o] += cost[j]
                total += cost[j]
            else:
                a[chosen[j]] -= cost[j]
                total -= cost[j]
                del chosen[j]
        assign = self.assign_all(chosen)
        # every site must serve a bản of its builder: hand one over where that breaks nothing
        for j, o in sorted(chosen.items()):
            if any(assign.get(i) == o for i in inst.tsets[j]):
                continue
            for i in sorted(inst.tsets[j], key=lambda i: (inst.weight[i], i)):
                cur = assign.get(i)
                ok = all(any(assign.get(i2) == cur for i2 in inst.tsets[j2] if i2 != i)
                         for j2 in inst.cov[i] if chosen.get(j2) == cur)
                if ok:
                    assign[i] = o
                    break
        for j, o in list(chosen.items()):
            if not any(assign.get(i) == o for i in inst.tsets[j]):
                del chosen[j]  # its bản are all served by other sites
        return chosen, assign

    def run(self):
        """The best of three variants (cheaper swaps, redundant sites dropped, the raw cover)."""
        raw = self.cover()
        best = None
        for start in (self.swap_cheaper(raw), self.drop_redundant(raw), raw):
            if self.inst.rule == "market_share":
                chosen, assign = self.repair_market(start)
            else:
                chosen, assign = self.repair_cost(start)
            viol, dev = _violations(self.inst, chosen, assign)
            cost = math.fsum(self.inst.cost[j] for j in chosen)
            key = (len(viol) > 0, len(viol), cost)
            if best is None or key < best[0]:
                best = (key, chosen, assign, viol, dev)
        return best[1:]


# ---------------------------------------------------------------------------------------------
# the MILPs


def _build(inst: _Inst, mode: str, theta: float = 0.0, integer: bool = True, used_rows: bool | None = None):
    """mode "cost": min cost under the tolerance; "tolerance": min t = largest people-share
    deviation (market_share); "dinkelbach": min D - theta C with D >= |C_o - s_o C| (balanced_cost).
    Returns the model, x and z columns, the extra column (t or D) and whether a share row is
    infeasible on its own (an operator that can reach nobody but needs people).
    `used_rows` (x_jo <= sum_i z_io; default: under balanced_cost only): under market_share a
    site serving none of its builder's bản changes no share, so a least-cost plan has none and
    the rows, which slow CBC down a lot, are left out (`_decode` drops such sites); the LP bound
    of the greedy method leaves them out too (a relaxation, the same bound in practice)."""
    if used_rows is None:
        used_rows = inst.rule == "balanced_cost"
    m = Milp("min")
    k = len(inst.names)
    pcost = [inst.cost[j] for j, _ in inst.pairs]
    xcost = pcost if mode == "cost" else ([-theta * c for c in pcost] if mode == "dinkelbach" else 0.0)
    xs = m.add_vars(len(inst.pairs), cost=xcost, lb=0.0, ub=1.0, integer=integer)
    xcol = {p: int(c) for p, c in zip(inst.pairs, xs)}
    zkeys = [(i, o) for i in inst.targets for o in inst.reach[i]]
    zs = m.add_vars(len(zkeys), cost=0.0, lb=0.0, ub=1.0, integer=integer)
    zcol = {key: int(c) for key, c in zip(zkeys, zs)}
    extra = int(m.add_vars(1, cost=1.0, lb=0.0, ub=INF)[0]) if mode in ("tolerance", "dinkelbach") else None
    by_cand: dict[int, list[int]] = defaultdict(list)
    by_group: dict[int, list[int]] = defaultdict(list)
    for (j, _), col in xcol.items():
        by_cand[j].append(col)
        if inst.group[j] >= 0:
            by_group[inst.group[j]].append(col)
    for j, cols in by_cand.items():
        if inst.group[j] < 0 and len(cols) > 1:
            m.add_row(dict.fromkeys(cols, 1.0), ub=1.0)
    for cols in by_group.values():
        if len(cols) > 1:
            m.add_row(dict.fromkeys(cols, 1.0), ub=1.0)
    for i in inst.targets:
        m.add_row({zcol[i, o]: 1.0 for o in inst.reach[i]}, lb=1.0, ub=1.0)
    for (i, o), col in zcol.items():
        row = {col: 1.0}
        for j in inst.cov[i]:
            if (j, o) in xcol:
                row[xcol[j, o]] = -1.0
        m.add_row(row, ub=0.0)
    for (j, o), col in xcol.items() if used_rows else ():
        row = {col: 1.0}
        for i in inst.tsets[j]:
            row[zcol[i, o]] = -1.0
        m.add_row(row, ub=0.0)
    impossible = False
    tol = inst.tol
    if inst.rule == "market_share":
        W = inst.W
        if W > 0:
            for o in range(k):
                s = inst.shares[o]
                row = {zcol[i, o]: inst.weight[i] for i in inst.targets if (i, o) in zcol and inst.weight[i] > 0}
                if mode == "tolerance":
                    m.add_row({**row, extra: -W}, ub=s * W)
                    m.add_row({**row, extra: W}, lb=s * W)
                    continue
                lb, ub = (s - tol) * W, (s + tol) * W
                if not row:
                    impossible = impossible or lb > 1e-9 * W
                    continue
                if lb > 0 or ub < W:
                    m.add_row(row, lb=lb if lb > 0 else -INF, ub=ub if ub < W else INF)
    else:
        for o in range(k):
            s = inst.shares[o]

            def coefs(share, o=o):
                return {col: inst.cost[j] * ((1.0 if b == o else 0.0) - share) for (j, b), col in xcol.items()}

            if mode == "dinkelbach":
                m.add_row({**coefs(s), extra: -1.0}, ub=0.0)
                m.add_row({**coefs(s), extra: 1.0}, lb=0.0)
                continue
            if s + tol < 1:
                m.add_row(coefs(s + tol), ub=0.0)
            if s - tol > 0:
                m.add_row(coefs(s - tol), lb=0.0)
    return m, xcol, zcol, extra, impossible


def _decode(inst: _Inst, x, xcol, zcol):
    """The plan of a solution, less the sites that serve none of their builder's bản."""
    chosen = {j: o for (j, o), col in xcol.items() if x[col] > 0.5}
    assign = {i: o for (i, o), col in zcol.items() if x[col] > 0.5}
    for j, o in list(chosen.items()):
        if not any(assign.get(i) == o for i in inst.tsets[j]):
            del chosen[j]
    return chosen, assign


def _status_name(s) -> str:
    if isinstance(s, str):
        return s
    name = getattr(s, "name", None)
    return name if isinstance(name, str) else str(s).rsplit(".", 1)[-1]


def _min_tolerance(inst: _Inst, time_limit_s: float) -> tuple[float | None, str]:
    """The smallest tolerance (a fraction) under which a plan exists, and how it ended:
    "proven" (the smallest), "found" (a tolerance that works, not proven the smallest), "none"
    (proven: no tolerance helps) or "time" (nothing found in time)."""
    deadline = time.monotonic() + time_limit_s
    if inst.rule == "market_share":
        if inst.W <= 0:
            return 0.0, "proven"
        m, xcol, zcol, _, _ = _build(inst, "tolerance")
        r = m.solve(time_limit_s=time_limit_s)
        st = _status_name(r.status)
        if st not in ("optimal", "feasible"):
            return None, "none" if st == "infeasible" else "time"
        chosen, assign = _decode(inst, r.x, xcol, zcol)
        _, dev = _violations(inst, chosen, assign)
        return dev, "proven" if r.proven_optimal else "found"
    # balanced cost: Dinkelbach on max_o |C_o - s_o C| / C: theta_0 the ratio of a plan, then
    # theta_{k+1} the ratio of the plan minimising D - theta_k C, until that minimum is 0.
    theta: float | None = None
    for _ in range(30):
        left = deadline - time.monotonic()
        if left <= 0.01:
            break
        m, xcol, zcol, _, _ = _build(inst, "dinkelbach", theta=theta or 0.0)
        r = m.solve(time_limit_s=left)
        st = _status_name(r.status)
        if st not in ("optimal", "feasible"):
            if theta is None:
                return None, "none" if st == "infeasible" else "time"
            break
        chosen, assign = _decode(inst, r.x, xcol, zcol)
        _, dev = _violations(inst, chosen, assign)
        if dev is None:
            break
        if theta is None:
            theta = dev
            if dev <= 0:
                return 0.0, "proven"
            continue
        scale = max(1.0, math.fsum(inst.cost[j] for j in chosen))
        if r.objective >= -1e-9 * scale or dev >= theta - 1e-12:
            return theta, "proven" if r.proven_optimal else "found"
        theta = dev
    return theta, ("found" if theta is not None else "time")


def _reach_message(inst: _Inst) -> str:
    """Operators whose people (market_share) cannot reach the lower end of their share."""
    if inst.rule != "market_share" or inst.W <= 0:
        return ""
    k = len(inst.names)
    most = [0.0] * k
    for i in inst.targets:
        for o in inst.reach[i]:
            most[o] += inst.weight[i]
    short = [f"{inst.names[o]} can reach at most {most[o]:,.0f} people, below its minimum "
             f"{max(0.0, inst.shares[o] - inst.tol) * inst.W:,.0f} ({100 * inst.shares[o]:g}% - {100 * inst.tol:g}% "
             f"of {inst.W:,.0f})" for o in range(k) if most[o] < (inst.shares[o] - inst.tol) * inst.W * (1 - 1e-12)]
    return "; ".join(short)


# ---------------------------------------------------------------------------------------------
# the entry points


def allocate(sets: list[list[int]], cost: list[float], builders: list[list[str]], weight: list[float],
             operators: list[str], shares: list[float] | None = None, rule: str = "market_share",
             tolerance_pct: float = 5.0, group: list[int] | None = None, required: list[int] | None = None,
             method: str = "exact", time_limit_s: float = 60.0, *, unknown_builders: str = "error",
             find_tolerance: bool = True) -> Allocation:
    """Assigns every reachable white bản to exactly one operator and every chosen site to one
    builder, at the least total cost, the shares following `rule` within ± `tolerance_pct`
    percentage points (see the module's docstring for the formulation).

    sets[j]: the villages candidate j covers; cost[j] > 0; builders[j]: the operators allowed to
    build j; weight[i] >= 0: people (or households) of village i; shares: one per operator,
    >= 0, summing to 1 within 1e-6 (None: equal shares); group[j] >= 0: at most one chosen
    candidate per group (one host tower), -1: none; required: villages in play even with weight 0.
    method "exact" (CBC, warm-started by the greedy plan) or "greedy" (bound: LP relaxation).
    A village in play (weight > 0 or required) that no candidate with an available builder
    covers is listed in `unreachable`, not assigned. When no plan meets the rule, the result is
    "infeasible" with, if `find_tolerance`, the smallest tolerance that would work (a second solve
    within another `time_limit_s`).

    Raises ValueError on malformed input: shares not summing to 1 or negative, a builder not in
    `operators` (unless unknown_builders="ignore": that builder is then unavailable), an
    operator with a positive share that builds nothing, duplicate operators, a village index
    out of range, a cost <= 0, an unknown rule or method.
    """
    t0 = time.monotonic()
    inst = _prepare(sets, cost, builders, weight, operators, shares, rule, tolerance_pct, group, required, method,
                    time_limit_s, unknown_builders)
    res = Allocation(status="optimal", method=method, rule=rule, operators=list(inst.names), shares=list(inst.shares),
                     tolerance_pct=float(tolerance_pct), unreachable=list(inst.unreachable),
                     n_candidates=len(inst.sets), n_villages=len(inst.weight))

    def finish(status, chosen=None, assign=None, bound=math.nan, proven=False, message=""):
        res.status = status
        res.message = message
        if chosen is not None and status in ("optimal", "feasible", "partial"):
            res.chosen = [(j, inst.names[chosen[j]]) for j in sorted(chosen)]
            res.village_operator = {i: inst.names[assign[i]] for i in sorted(assign)}
            res.total_cost = math.fsum(inst.cost[j] for j in chosen)
            res.per_operator = _per_operator(inst, chosen, assign)
        else:
            res.per_operator = _per_operator(inst, {}, {})
        res.bound = bound
        if res.has_plan and math.isfinite(bound):
            diff = res.total_cost - bound
            res.gap = 0.0 if diff <= 1e-9 * max(1.0, abs(res.total_cost)) else diff / max(abs(res.total_cost), 1e-9)
        res.proven_optimal = bool(proven and res.gap == 0.0)
        if status == "optimal" and not res.proven_optimal:
            res.status = "feasible"
        res.seconds = time.monotonic() - t0
        return res

    if not inst.targets:
        return finish("optimal", {}, {}, bound=0.0, proven=True,
                      message="no white bản in play is reachable" if inst.unreachable else "no white bản in play")

    heur_chosen, heur_assign, heur_viol, heur_dev = _Greedy(inst).run()
    heur_ok = not heur_viol

    def infeasible(bound_msg: str):
        tol_needed, how = None, "none"
        if find_tolerance:
            if method == "greedy":
                tol_needed, how = heur_dev, "greedy"
            else:
                tol_needed, how = _min_tolerance(inst, time_limit_s)
        res.tolerance_needed = None if tol_needed is None else 100.0 * tol_needed
        parts = [bound_msg]
        reach = _reach_message(inst)
        if reach:
            parts.append(reach)
        if res.tolerance_needed is not None:
            said = {"proven": "the smallest", "found": "the smallest found in time", "greedy": "the greedy plan's"}[how]
            parts.append(f"a tolerance of {res.tolerance_needed:.6g}% would work ({said})")
        elif find_tolerance and how == "none" and method == "exact":
            parts.append("no tolerance helps: the groups (one site per host tower) leave a reachable bản unserved")
        elif find_tolerance and how == "time":
            parts.append("no tolerance that works was found in time")
        return finish("infeasible", bound=math.inf, message="; ".join(parts))

    what = f"{rule} within ± {float(tolerance_pct):g}%"
    if method == "greedy":
        m, _, _, _, impossible = _build(inst, "cost", integer=False, used_rows=False)
        lp = None if impossible else m.solve(time_limit_s=time_limit_s)
        if impossible or _status_name(lp.status) == "infeasible":
            return infeasible(f"no plan meets {what} (the LP relaxation is infeasible)")
        bound = float(lp.objective) if _status_name(lp.status) == "optimal" else math.nan
        if heur_ok:
            return finish("optimal", heur_chosen, heur_assign, bound=bound, proven=True)
        if heur_dev is not None and find_tolerance:
            res.tolerance_needed = 100.0 * heur_dev
        return finish("partial", heur_chosen, heur_assign, bound=bound,
                      message="the greedy plan misses: " + "; ".join(heur_viol[:10]) +
                      (f" (and {len(heur_viol) - 10} more)" if len(heur_viol) > 10 else ""))

    m, xcol, zcol, _, impossible = _build(inst, "cost")
    if impossible:
        return infeasible(f"no plan meets {what}")
    start = None
    if heur_ok:
        start = [0.0] * m.n_vars
        for j, o in heur_chosen.items():
            start[xcol[j, o]] = 1.0
        for i, o in heur_assign.items():
            start[zcol[i, o]] = 1.0
    r = m.solve(time_limit_s=time_limit_s, start=start)
    st = _status_name(r.status)
    if st in ("optimal", "feasible"):
        chosen, assign = _decode(inst, r.x, xcol, zcol)
        viol, _ = _violations(inst, chosen, assign)
        if viol:  # solver tolerances: should not happen; say so rather than hide it
            return finish("partial", chosen, assign, bound=float(r.bound),
                          message="the solver's plan misses: " + "; ".join(viol[:10]))
        return finish(st, chosen, assign, bound=float(r.bound), proven=bool(r.proven_optimal))
    if st == "infeasible":
        return infeasible(f"no plan meets {what}")
    bound = float(r.bound) if r.bound is not None and math.isfinite(r.bound) else math.nan
    if heur_ok:
        return finish("feasible", heur_chosen, heur_assign, bound=bound,
                      message="the time limit came before the solver's first plan: the greedy plan")
    return finish("no_solution", bound=bound, message=f"no plan found within {time_limit_s:g} s")


def agreement_table(alloc: Allocation, capex: list[float], opex_pv: list[float], people: list[float]) -> list[dict]:
    """The agreement as rows, one per operator (sorted by name, case-insensitively) then a total
    row (operator "total"): operator, sites (count), villages (count), people, capex, opex_pv,
    total (capex + opex_pv), and the index lists site_ids and village_ids. `capex` and `opex_pv`
    are per candidate, `people` per village (the population, whatever the weights were).
    Raises ValueError when the allocation has no plan (infeasible, no_solution) or on sizes."""
    if not alloc.has_plan:
        raise ValueError(f"no agreement to tabulate: the allocation is {alloc.status}"
                         + (f" ({alloc.message})" if alloc.message else ""))
    capex = _floats(capex, alloc.n_candidates, "capex", "candidate")
    opex_pv = _floats(opex_pv, alloc.n_candidates, "opex_pv", "candidate")
    people = _floats(people, alloc.n_villages, "people", "village")
    for what, vals in (("capex", capex), ("opex_pv", opex_pv), ("people", people)):
        for j, v in enumerate(vals):
            if not math.isfinite(v):
                raise ValueError(f"{what}[{j}] is {v!r} (must be finite)")
    rows = []
    for name in sorted(alloc.operators, key=lambda s: (s.casefold(), s)):
        sites = [j for j, o in alloc.chosen if o == name]
        vill = sorted(i for i, o in alloc.village_operator.items() if o == name)
        cx = math.fsum(capex[j] for j in sites)
        ox = math.fsum(opex_pv[j] for j in sites)
        rows.append({"operator": name, "sites": len(sites), "villages": len(vill),
                     "people": math.fsum(people[i] for i in vill), "capex": cx, "opex_pv": ox, "total": cx + ox,
                     "site_ids": sites, "village_ids": vill})
    total = {"operator": TOTAL_ROW}
    for key in ("sites", "villages"):
        total[key] = sum(r[key] for r in rows)
    for key in ("people", "capex", "opex_pv", "total"):
        total[key] = math.fsum(r[key] for r in rows)
    total["site_ids"] = sorted(j for r in rows for j in r["site_ids"])
    total["village_ids"] = sorted(i for r in rows for i in r["village_ids"])
    rows.append(total)
    return rows
