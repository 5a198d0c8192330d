"""The planner's set cover solved by connected components (plan/components.py): the same optimum
as the whole problem, on random instances with several components, host groups and required
items; a required item nothing covers is uncoverable, as for the whole problem."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import phusong
from phusong.plan import components


def _instance(rng, blocks=4):
    sets, cost, group = [], [], []
    n = 0
    for b in range(blocks):
        m = int(rng.integers(3, 7))
        for _ in range(int(rng.integers(3, 6))):
            k = int(rng.integers(1, m + 1))
            sets.append(sorted(set((n + rng.choice(m, k, replace=False)).tolist())))
            cost.append(float(rng.integers(1, 20)))
            group.append(int(rng.integers(-1, 2)) + 10 * b if rng.random() < 0.4 else -1)
        n += m
    sets.append([])  # a candidate that covers nothing
    cost.append(1.0)
    group.append(-1)
    return sets, cost, [1.0] * (n + 1), group, n + 1  # item n: nothing covers it


def _brute(sets, cost, group, n_items):
    coverable = {i for s in sets for i in s}
    best = None
    for r in range(len(sets) + 1):
        for pick in itertools.combinations(range(len(sets)), r):
            gs = [group[j] for j in pick if group[j] >= 0]
            if len(gs) != len(set(gs)):
                continue
            if {i for j in pick for i in sets[j]} == coverable:
                c = sum(cost[j] for j in pick)
                best = c if best is None or c < best else best
        if r > 8:
            break
    return best


@pytest.mark.parametrize("seed", range(12))
def test_components_give_the_optimum_of_the_whole(seed):
    rng = np.random.default_rng(seed)
    sets, cost, weight, group, n = _instance(rng)
    comps = components.components(sets, n, group)
    assert len(comps) >= 2
    assert sorted(i for c in comps for i in c.items) == sorted({i for s in sets for i in s})
    problems = [components.sub_problem(c, sets, cost, weight, group, []) for c in comps]
    res = components.combine(comps, components.solve_problems(problems, {"method": "exact", "threads": 1}), n, "exact")
    whole = phusong.solve_cover(sets, cost, weight, method="exact", group=group, threads=1)
    assert res["status"] == "optimal" and res["proven_optimal"]
    assert res["cost"] == pytest.approx(whole["cost"])
    assert res["cost"] == pytest.approx(_brute(sets, cost, group, n))
    assert res["uncoverable"] == list(whole["uncoverable"]) and n - 1 in res["uncoverable"]  # nothing covers the last
    gs = [group[j] for j in res["chosen"] if group[j] >= 0]
    assert len(gs) == len(set(gs))  # one candidate per host, across components too


@pytest.mark.parametrize("method", ["greedy", "local", "exact"])
def test_a_required_item_nothing_covers_is_uncoverable_as_for_the_whole(method):
    # The whole problem lists a required item that no candidate covers as uncoverable (the planner
    # reports such bản as stranded) rather than calling the problem infeasible; the components agree.
    sets, cost = [[0], [1]], [1.0, 1.0]
    comps = components.components(sets, 3, None)
    problems = [components.sub_problem(c, sets, cost, [1.0] * 3, None, [2]) for c in comps]
    res = components.combine(comps, components.solve_problems(problems, {"method": method}), 3, method, [2])
    whole = phusong.solve_cover(sets, cost, [1.0] * 3, method=method, required=[2])
    assert res["status"] == str(whole["status"]) == "optimal"
    assert res["uncoverable"] == list(whole["uncoverable"]) == [2]
    assert res["chosen"] == sorted(whole["chosen"]) == [0, 1]


def test_a_required_item_a_component_cannot_cover_makes_it_infeasible():
    # Two required items in one component that no single plan can cover (one candidate per host).
    sets, cost, group = [[0], [1]], [1.0, 1.0], [7, 7]
    comps = components.components(sets, 2, group)
    problems = [components.sub_problem(c, sets, cost, [1.0] * 2, group, [0, 1]) for c in comps]
    res = components.combine(comps, components.solve_problems(problems, {"method": "exact"}), 2, "exact", [0, 1])
    whole = phusong.solve_cover(sets, cost, [1.0] * 2, method="exact", group=group, required=[0, 1])
    assert res["status"] == str(whole["status"]) == "infeasible"
