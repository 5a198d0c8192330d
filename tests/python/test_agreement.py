"""The operators' agreement (phusong.plan.agreement): the exact MILP against an independent brute
force on small instances (both rules), the share rule, no bản served twice, groups, infeasible
tolerances reported with the smallest tolerance that works, the greedy heuristic and its bound,
bad input, and Vietnamese (UTF-8) operator names."""

import csv
import functools
import itertools
import math
import unicodedata

import numpy as np
import pytest

import phusong._core as core
from phusong.plan.agreement import RULES, TOTAL_ROW, agreement_table, allocate

needs_milp = pytest.mark.skipif(not hasattr(core, "solve_milp"), reason="the engine has no solve_milp yet")

OPERATORS = ["Viettel", "VNPT", "MobiFone", "Vietnamobile"]


# ---------------------------------------------------------------------------------------------
# the brute force: every (builder or none) per candidate, every village -> operator assignment


def brute_force(sets, cost, builders, weight, operators, shares=None, rule="market_share", tolerance_pct=5.0,
                group=None, required=None):
    """(least cost, its plan, smallest achievable share deviation) by plain enumeration."""
    k = len(operators)
    shares = shares if shares is not None else [1.0 / k] * k
    req = set(required or ())
    coverable = {i for j in range(len(sets)) if builders[j] for i in sets[j]}
    targets = [i for i in range(len(weight)) if i in coverable and (weight[i] > 0 or i in req)]
    W = sum(weight[i] for i in targets)
    tol = tolerance_pct / 100.0
    best_cost, best_plan, best_dev = math.inf, None, math.inf
    for combo in itertools.product(*[[None, *b] for b in builders]):
        chosen = [(j, o) for j, o in enumerate(combo) if o is not None]
        used_groups = [group[j] for j, _ in chosen if group is not None and group[j] >= 0]
        if len(used_groups) != len(set(used_groups)):
            continue
        allowed = [sorted({o for j, o in chosen if i in sets[j]}) for i in targets]
        if not all(allowed):
            continue
        c = sum(cost[j] for j, _ in chosen)
        for assignment in itertools.product(*allowed):
            op = dict(zip(targets, assignment))
            if not all(any(op.get(i) == o for i in sets[j]) for j, o in chosen):
                continue  # a site serving none of its builder's bản
            if rule == "market_share":
                amount, total = [sum(weight[i] for i in targets if op[i] == name) for name in operators], W
            else:
                amount, total = [sum(cost[j] for j, o in chosen if o == name) for name in operators], c
            dev = max(abs(a / total - s) for a, s in zip(amount, shares)) if total > 0 else 0.0
            best_dev = min(best_dev, dev)
            if dev <= tol + 1e-9 and c < best_cost - 1e-9:
                best_cost, best_plan = c, (chosen, op)
    return best_cost, best_plan, best_dev


def random_instance(seed, n_c=5, n_v=6, k=3):
    rs = np.random.RandomState(seed)
    ops = OPERATORS[:k]
    sets = [sorted(rs.choice(n_v, size=rs.randint(1, 4), replace=False).tolist()) for _ in range(n_c)]
    cost = [round(float(rs.uniform(80, 400)), 3) for _ in range(n_c)]
    builders = []
    for _ in range(n_c):
        kind = rs.randint(3)
        owner = ops[rs.randint(k)]
        if kind == 0:
            builders.append(list(ops))                          # a new tower: anyone
        elif kind == 1:
            builders.append([owner])                            # an upgrade: its owner
        else:
            builders.append([o for o in ops if o != owner])     # co-location on owner's tower
    weight = [round(float(rs.uniform(100, 1500)), 2) for _ in range(n_v)]
    group = [-1] * n_c
    if rs.rand() < 0.5:
        a, b = rs.choice(n_c, 2, replace=False)
        group[a] = group[b] = 0
    shares = [float(v) for v in rs.dirichlet(np.full(k, 3.0))]
    return dict(sets=sets, cost=cost, builders=builders, weight=weight, operators=ops, group=group), shares


def check_plan(a, inst, shares, rule, tolerance_pct, required=None):
    """The plan meets every rule, checked from the raw input (not from the module's own checks)."""
    sets, cost, builders, weight, ops = inst["sets"], inst["cost"], inst["builders"], inst["weight"], inst["operators"]
    group = inst.get("group") or [-1] * len(sets)
    req = set(required or ())
    coverable = {i for j in range(len(sets)) if builders[j] for i in sets[j]}
    targets = {i for i in range(len(weight)) if i in coverable and (weight[i] > 0 or i in req)}
    js = [j for j, _ in a.chosen]
    assert len(js) == len(set(js)), "a candidate built twice"
    for j, o in a.chosen:
        assert o in builders[j]
    used = [group[j] for j in js if group[j] >= 0]
    assert len(used) == len(set(used)), "two sites of one group"
    # every bản in play served by exactly one operator, one that built a site covering it
    assert set(a.village_operator) == targets
    served = [i for row in a.per_operator.values() for i in row["villages"]]
    assert sorted(served) == sorted(targets), "a bản served twice or not at all"
    for i, o in a.village_operator.items():
        assert any(i in sets[j] and b == o for j, b in a.chosen)
    for j, o in a.chosen:
        assert any(a.village_operator.get(i) == o for i in sets[j])
    assert a.total_cost == pytest.approx(sum(cost[j] for j in js), rel=1e-12)
    tol = tolerance_pct / 100
    if rule == "market_share":
        total = sum(weight[i] for i in targets)
        amount = [sum(weight[i] for i, o in a.village_operator.items() if o == name) for name in ops]
    else:
        total = a.total_cost
        amount = [sum(cost[j] for j, o in a.chosen if o == name) for name in ops]
    for name, x, s in zip(ops, amount, shares):
        assert abs(x / total - s) <= tol + 1e-7, (name, x / total, s)
        assert a.per_operator[name]["people" if rule == "market_share" else "cost"] == pytest.approx(x)
    assert a.bound <= a.total_cost * (1 + 1e-9) + 1e-9


# ---------------------------------------------------------------------------------------------
# exact against brute force


def case(seed):
    inst, shares = random_instance(seed, n_c=5 + seed % 2, k=2 + seed % 2)
    return inst, shares, [5.0, 10.0, 25.0][seed % 3]


@functools.cache
def brute_case(rule, seed):
    inst, shares, tol = case(seed)
    return brute_force(**inst, shares=shares, rule=rule, tolerance_pct=tol)


@needs_milp
@pytest.mark.parametrize("rule", ["market_share", "balanced_cost"])
@pytest.mark.parametrize("seed", range(16))
def test_exact_matches_brute_force(rule, seed):
    inst, shares, tol = case(seed)
    best, _, best_dev = brute_case(rule, seed)
    a = allocate(**inst, shares=shares, rule=rule, tolerance_pct=tol, time_limit_s=20)
    if math.isinf(best):
        assert a.status == "infeasible", a.message
        assert a.chosen == [] and a.village_operator == {}
        if math.isinf(best_dev):   # no complete plan at all (groups)
            assert a.tolerance_needed is None
        else:
            assert a.tolerance_needed == pytest.approx(100 * best_dev, abs=1e-6)
            assert a.tolerance_needed > tol
    else:
        assert a.status == "optimal", a.message
        assert a.proven_optimal and a.gap == 0
        assert a.total_cost == pytest.approx(best, rel=1e-9)
        check_plan(a, inst, shares, rule, tol)


def test_brute_force_instances_cover_both_outcomes():
    """The random instances above include feasible and infeasible cases for both rules."""
    outcomes = {(rule, math.isinf(brute_case(rule, seed)[0])) for rule in RULES for seed in range(16)}
    assert len(outcomes) == 4, outcomes


@needs_milp
@pytest.mark.parametrize("seed", range(4))
def test_exact_with_required_and_zero_weights(seed):
    inst, shares = random_instance(100 + seed, n_c=5, n_v=6, k=2)
    inst["weight"][0] = 0.0     # a required bản with nobody counted
    inst["weight"][1] = 0.0     # not required: left out
    required = [0]
    best, _, _ = brute_force(**inst, shares=shares, tolerance_pct=30, required=required)
    a = allocate(**inst, shares=shares, tolerance_pct=30, required=required)
    assert 1 not in a.village_operator
    if math.isinf(best):
        assert a.status == "infeasible"
    else:
        assert a.status == "optimal"
        assert a.total_cost == pytest.approx(best, rel=1e-9)
        check_plan(a, inst, shares, "market_share", 30, required=required)
        if any(0 in inst["sets"][j] for j in range(len(inst["sets"]))):
            assert 0 in a.village_operator


# ---------------------------------------------------------------------------------------------
# the rules, infeasible tolerances, unreachable bản


def small_market():
    """VNPT can only reach bản 3 (100 of 1,000 people)."""
    return dict(sets=[[0, 1], [1, 2], [3], [2, 3]], cost=[100.0, 120.0, 40.0, 90.0],
                builders=[["Viettel"], ["Viettel"], ["VNPT"], ["Viettel"]],
                weight=[300.0, 250.0, 350.0, 100.0], operators=["Viettel", "VNPT"])


@needs_milp
def test_infeasible_share_reports_smallest_tolerance():
    inst = small_market()
    a = allocate(**inst, tolerance_pct=5)
    assert a.status == "infeasible"
    assert a.chosen == [] and a.village_operator == {} and not a.has_plan
    assert a.tolerance_needed == pytest.approx(40.0, abs=1e-6)      # |100/1000 - 0.5| = 0.4
    assert "VNPT" in a.message and "40" in a.message
    _, _, dev = brute_force(**inst, tolerance_pct=5)
    assert a.tolerance_needed == pytest.approx(100 * dev, abs=1e-9)
    ok = allocate(**inst, tolerance_pct=a.tolerance_needed + 1e-6)
    assert ok.status == "optimal"
    assert ok.village_operator[3] == "VNPT"
    assert allocate(**inst, tolerance_pct=a.tolerance_needed - 0.5).status == "infeasible"
    quick = allocate(**inst, tolerance_pct=5, find_tolerance=False)
    assert quick.status == "infeasible" and quick.tolerance_needed is None
    with pytest.raises(ValueError, match="no agreement"):
        agreement_table(a, [1] * 4, [1] * 4, inst["weight"])


@needs_milp
def test_infeasible_balanced_cost_reports_smallest_tolerance():
    # VNPT's sites are cheap: its cost share is at most 30 / 130
    inst = dict(sets=[[0, 1], [1], [0]], cost=[100.0, 10.0, 30.0], builders=[["Viettel"], ["VNPT"], ["VNPT"]],
                weight=[500.0, 400.0], operators=["Viettel", "VNPT"])
    a = allocate(**inst, rule="balanced_cost", tolerance_pct=5)
    assert a.status == "infeasible"
    assert a.tolerance_needed == pytest.approx(100 * (0.5 - 30 / 130), abs=1e-6)
    _, _, dev = brute_force(**inst, rule="balanced_cost")
    assert a.tolerance_needed == pytest.approx(100 * dev, abs=1e-9)
    ok = allocate(**inst, rule="balanced_cost", tolerance_pct=a.tolerance_needed + 1e-6)
    assert ok.status == "optimal"
    assert sorted(ok.chosen) == [(0, "Viettel"), (2, "VNPT")]
    assert ok.village_operator == {0: "VNPT", 1: "Viettel"}
    g = allocate(**inst, rule="balanced_cost", tolerance_pct=5, method="greedy")
    assert g.status in ("infeasible", "partial") and not g.proven_optimal


@needs_milp
def test_groups_and_no_tolerance_helps():
    # bản 0 only by candidate 0, bản 1 only by candidate 1: both on one host tower
    inst = dict(sets=[[0], [1], [0, 1]], cost=[10.0, 10.0, 50.0], builders=[["VNPT"], ["Viettel"], ["Viettel"]],
                weight=[100.0, 100.0], operators=["Viettel", "VNPT"], group=[0, 0, 0])
    a = allocate(**inst, tolerance_pct=100)
    assert a.status == "optimal"
    assert a.chosen == [(2, "Viettel")] and a.total_cost == 50
    inst["sets"][2] = [0]  # now no single site of the tower covers both
    a = allocate(**inst, tolerance_pct=100)
    assert a.status == "infeasible"
    assert a.tolerance_needed is None and "no tolerance helps" in a.message
    best, _, _ = brute_force(**inst, tolerance_pct=100)
    assert math.isinf(best)


@needs_milp
def test_unreachable_reported_not_assigned():
    inst = dict(sets=[[0, 1], [2]], cost=[50.0, 60.0], builders=[["Viettel", "VNPT"], ["VNPT", "Viettel"]],
                weight=[200.0, 0.0, 150.0, 500.0], operators=["Viettel", "VNPT"])
    a = allocate(**inst, tolerance_pct=50)
    assert a.status == "optimal"
    assert a.unreachable == [3]
    assert set(a.village_operator) == {0, 2}       # bản 1 (weight 0) is not in play
    assert sum(r["people"] for r in a.per_operator.values()) == 350
    # nobody reachable at all: an explicit empty result
    a = allocate(sets=[[0]], cost=[5.0], builders=[["Viettel"]], weight=[0.0, 10.0], operators=["Viettel"])
    assert a.status == "optimal" and a.chosen == [] and a.unreachable == [1] and a.total_cost == 0


@needs_milp
def test_equal_shares_by_default_and_market_share_met():
    rs = np.random.RandomState(7)
    n_v, n_c = 40, 30
    sets = [sorted(rs.choice(n_v, size=rs.randint(2, 7), replace=False).tolist()) for _ in range(n_c)]
    ops = OPERATORS
    builders = [list(ops) if rs.rand() < 0.4 else [ops[rs.randint(4)]] for _ in range(n_c)]
    inst = dict(sets=sets, cost=[float(c) for c in rs.uniform(100, 500, n_c)], builders=builders,
                weight=[float(w) for w in rs.randint(50, 2000, n_v)], operators=ops)
    a = allocate(**inst, tolerance_pct=10, time_limit_s=20)
    assert a.shares == [0.25] * 4
    assert a.status in ("optimal", "feasible"), a.message
    check_plan(a, inst, [0.25] * 4, "market_share", 10)
    g = allocate(**inst, tolerance_pct=10, method="greedy")
    assert g.bound <= a.total_cost * (1 + 1e-9)
    if g.status in ("optimal", "feasible"):
        check_plan(g, inst, [0.25] * 4, "market_share", 10)
        assert g.total_cost >= a.total_cost * (1 - 1e-9)


# ---------------------------------------------------------------------------------------------
# the greedy heuristic


@needs_milp
@pytest.mark.parametrize("rule", ["market_share", "balanced_cost"])
def test_greedy_against_brute_force(rule):
    n_feasible = 0
    for seed in range(12):
        inst, shares = random_instance(200 + seed, k=2 + seed % 2)
        tol = 40.0
        best, _, _ = brute_force(**inst, shares=shares, rule=rule, tolerance_pct=tol)
        g = allocate(**inst, shares=shares, rule=rule, tolerance_pct=tol, method="greedy")
        assert g.method == "greedy"
        if math.isinf(best):
            assert g.status in ("infeasible", "partial")
            continue
        assert g.bound <= best * (1 + 1e-9) + 1e-9            # the LP relaxation is a lower bound
        assert g.status in ("optimal", "feasible", "partial"), g.message
        if g.status == "partial":
            assert g.message.startswith("the greedy plan misses")
            continue
        n_feasible += 1
        check_plan(g, inst, shares, rule, tol)
        assert g.total_cost >= best * (1 - 1e-9)
        assert g.proven_optimal == (g.gap == 0)
    assert n_feasible >= 4


# ---------------------------------------------------------------------------------------------
# bad input


def base():
    return dict(sets=[[0, 1], [1, 2]], cost=[10.0, 12.0], builders=[["Viettel", "VNPT"], ["MobiFone"]],
                weight=[100.0, 200.0, 300.0], operators=["Viettel", "VNPT", "MobiFone"])


@pytest.mark.parametrize("change, match", [
    (dict(shares=[0.5, 0.3, 0.1]), r"sum to 0\.9, not 1 \(Viettel = 0\.5, VNPT = 0\.3, MobiFone = 0\.1\)"),
    (dict(shares=[0.6, 0.5, -0.1]), r"finite and >= 0: MobiFone = -0\.1"),
    (dict(shares=[0.5, 0.5]), r"shares: 2 values for 3 operators"),
    (dict(shares=[0.5, math.nan, 0.5]), r"VNPT = nan"),
    (dict(builders=[["Viettel", "Mobifone"], ["MobiFone"]]), r"builder 'Mobifone' is not one .*did you mean 'MobiFone'"),
    (dict(builders=[["Viettel"], ["Gtel"]]), r"candidate 1: builder 'Gtel' is not one of the operators Viettel, VNPT, MobiFone"),
    (dict(builders=["Viettel", ["MobiFone"]]), r"builders\[0\] is the string 'Viettel'"),
    (dict(builders=[["Viettel"]]), r"builders: 1 entries for 2 candidates"),
    (dict(operators=["Viettel", "VNPT", "MobiFone", "Vietnamobile"]), r"Vietnamobile can build no candidate"),
    (dict(operators=["Viettel", "VNPT", "Viettel"]), r"'Viettel' is listed twice"),
    (dict(operators=[]), r"operators: the list is empty"),
    (dict(operators="Viettel"), r"operators: expected a list"),
    (dict(rule="cheapest"), r"rule 'cheapest': expected one of market_share, balanced_cost"),
    (dict(method="magic"), r"method 'magic'"),
    (dict(tolerance_pct=-1), r"tolerance_pct -1"),
    (dict(tolerance_pct=math.inf), r"tolerance_pct inf"),
    (dict(sets=[[0, 3], [1]]), r"candidate 0 covers village 3, out of range \(3 villages\)"),
    (dict(cost=[10.0, 0.0]), r"cost of candidate 1 is 0\.0"),
    (dict(cost=[10.0]), r"cost: 1 values for 2 candidates"),
    (dict(weight=[100.0, -5.0, 1.0]), r"weight of village 1 is -5\.0"),
    (dict(group=[0]), r"group: 1 values for 2 candidates"),
    (dict(group=[0, -2]), r"group of candidate 1 is -2"),
    (dict(required=[7]), r"required village 7 out of range"),
    (dict(time_limit_s=0), r"time_limit_s 0"),
    (dict(unknown_builders="maybe"), r"unknown_builders 'maybe'"),
])
def test_bad_input_is_a_clear_error(change, match):
    kw = base()
    kw.update(change)
    with pytest.raises(ValueError, match=match):
        allocate(**kw)


@needs_milp
def test_shares_within_rounding_and_unknown_builders_ignored():
    kw = base()
    a = allocate(**kw, shares=[0.2, 0.3, 0.5 + 5e-7], tolerance_pct=100)   # within 1e-6 of 1
    assert a.status == "optimal" and math.isclose(sum(a.shares), 1.0)
    kw["builders"] = [["Viettel", "Gtel"], ["MobiFone"]]
    kw["operators"] = ["Viettel", "MobiFone"]
    a = allocate(**kw, tolerance_pct=100, unknown_builders="ignore")
    assert a.status == "optimal"
    assert sorted(a.chosen) == [(0, "Viettel"), (1, "MobiFone")]
    # an operator with share 0 that builds nothing is allowed
    kw["builders"] = [["Viettel"], ["Viettel"]]
    a = allocate(**kw, shares=[1.0, 0.0], tolerance_pct=0)
    assert a.status == "optimal" and set(a.village_operator.values()) == {"Viettel"}


# ---------------------------------------------------------------------------------------------
# Vietnamese names and the agreement table


@needs_milp
def test_vietnamese_names_and_agreement_table(tmp_path):
    dd = "Đông Dương Telecom"
    decomposed = unicodedata.normalize("NFD", dd)
    assert decomposed != dd
    ops = ["Viettel", "VNPT", "MobiFone", dd]
    inst = dict(sets=[[0, 1], [2], [3, 4], [4, 5], [0, 5]], cost=[300.0, 150.0, 200.0, 180.0, 260.0],
                builders=[["Viettel"], ["VNPT", "MobiFone"], ["MobiFone"], [decomposed], ["VNPT"]],
                weight=[820.0, 410.0, 1200.0, 650.0, 300.0, 540.0], operators=ops)
    a = allocate(**inst, tolerance_pct=100)
    assert a.status == "optimal"
    assert dd in a.operators and dd in set(a.village_operator.values()) | {o for _, o in a.chosen}
    capex = [250.0, 120.0, 160.0, 150.0, 200.0]
    opex = [50.0, 30.0, 40.0, 30.0, 60.0]
    people = [w * 1.1 for w in inst["weight"]]
    rows = agreement_table(a, capex, opex, people)
    assert [r["operator"] for r in rows[:-1]] == sorted(ops, key=str.casefold)
    total = rows[-1]
    assert total["operator"] == TOTAL_ROW
    for key in ("sites", "villages", "people", "capex", "opex_pv", "total"):
        assert total[key] == pytest.approx(sum(r[key] for r in rows[:-1]))
    assert total["sites"] == len(a.chosen) and total["villages"] == 6
    assert total["capex"] == pytest.approx(sum(capex[j] for j, _ in a.chosen))
    assert total["people"] == pytest.approx(sum(people))
    for r in rows[:-1]:
        assert r["total"] == pytest.approx(r["capex"] + r["opex_pv"])
        assert r["sites"] == len(r["site_ids"]) and r["villages"] == len(r["village_ids"])
    # the table round-trips through a UTF-8 CSV
    path = tmp_path / "thoả_thuận.csv"
    keys = ["operator", "sites", "villages", "people", "capex", "opex_pv", "total"]
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=keys, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    with open(path, encoding="utf-8", newline="") as f:
        back = list(csv.DictReader(f))
    assert [r["operator"] for r in back] == [r["operator"] for r in rows]
    assert dd in path.read_text(encoding="utf-8")
    with pytest.raises(ValueError, match="capex: 2 values for 5 candidates"):
        agreement_table(a, [1.0, 2.0], opex, people)
    with pytest.raises(ValueError, match=r"people\[1\] is nan"):
        agreement_table(a, capex, opex, [1.0, math.nan, 1, 1, 1, 1])
