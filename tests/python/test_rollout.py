"""Roll-out years (phusong.plan.rollout): the exact schedule against brute force on small
instances (every site's year in {none, y1, ...}), the priority bản first (lexicographic), carry-over,
the greedy under its bound, and the bad inputs: years out of order, not integers, twice, negative or
non-numeric budgets, budgets that cannot reach the plan (the reachable share said), no sites."""

import itertools
import math
import random

import pytest

from phusong.plan.rollout import Schedule, schedule


def people_years(year_of_site, sets, weight, last_year):
    """Independently: each village counts weight x (last year - first year covered + 1)."""
    first = {}
    for k, y in enumerate(year_of_site):
        if y is None:
            continue
        for i in sets[k]:
            first[i] = min(first.get(i, y), y)
    return sum(weight[i] * (last_year - y + 1) for i, y in first.items())


def within_budgets(year_of_site, cost, years, carry_over, tol=1e-6):
    ys = sorted(years)
    spent = {y: sum(c for c, t in zip(cost, year_of_site) if t == y) for y in ys}
    if not carry_over:
        return all(spent[y] <= years[y] + tol for y in ys)
    cum_s = cum_b = 0.0
    for y in ys:
        cum_s += spent[y]
        cum_b += years[y]
        if cum_s > cum_b + tol:
            return False
    return True


def brute_force(sets, cost, weight, years, priority=None, carry_over=False):
    """The best (priority people-years, people-years) over all assignments of a year (or none) to each site."""
    last = max(years)
    prio = priority or [False] * len(weight)
    pw = [w if p else 0.0 for w, p in zip(weight, prio)]
    best = None
    for assign in itertools.product([None, *sorted(years)], repeat=len(sets)):
        if not within_budgets(assign, cost, years, carry_over):
            continue
        key = (people_years(assign, sets, pw, last), people_years(assign, sets, weight, last))
        if best is None or key > best:
            best = key
    return best


def random_instance(rng, n_sites, n_villages, n_years, gaps=False):
    sets = [rng.sample(range(n_villages), rng.randint(1, 3)) for _ in range(n_sites)]
    cost = [float(rng.randint(1, 6)) for _ in range(n_sites)]
    weight = [float(rng.randint(1, 50)) for _ in range(n_villages)]
    start = 2026
    ys = [start + i * (rng.randint(1, 2) if gaps else 1) for i in range(n_years)]
    ys = sorted(set(ys))
    years = {y: float(rng.randint(0, 8)) for y in ys}
    return sets, cost, weight, years


def check_schedule(s: Schedule, sets, cost, weight, years, carry_over):
    assert within_budgets(s.year_of_site, cost, years, carry_over)
    assert s.people_years == pytest.approx(people_years(s.year_of_site, sets, weight, max(years)))
    assert sorted(s.order) == list(range(len(sets)))
    assert [k for k in s.order if s.year_of_site[k] is None] == s.unscheduled
    # order: by year, the unscheduled last
    ranks = [s.years.index(s.year_of_site[k]) if s.year_of_site[k] is not None else len(s.years) for k in s.order]
    assert ranks == sorted(ranks)
    for row in s.per_year:
        assert row.spent == pytest.approx(sum(cost[k] for k in row.sites))
        assert set(row.sites) == {k for k, y in enumerate(s.year_of_site) if y == row.year}
        assert row.people == pytest.approx(sum(weight[i] for i in row.villages))
    assert s.per_year[-1].cumulative_people == pytest.approx(s.covered_people)


@pytest.mark.parametrize("carry_over", [False, True])
def test_exact_equals_brute_force(carry_over):
    rng = random.Random(20260 + carry_over)
    for trial in range(25):
        n_sites = rng.randint(2, 5)
        sets, cost, weight, years = random_instance(rng, n_sites, rng.randint(3, 7), rng.randint(2, 3),
                                                    gaps=trial % 4 == 3)
        s = schedule(sets, cost, weight, years, carry_over=carry_over, time_limit_s=20)
        check_schedule(s, sets, cost, weight, years, carry_over)
        assert s.status == "optimal" and s.proven_optimal and s.gap == 0
        _, best = brute_force(sets, cost, weight, years, carry_over=carry_over)
        assert s.people_years == pytest.approx(best), (trial, sets, cost, weight, years)
        assert s.bound >= best - 1e-6


@pytest.mark.parametrize("carry_over", [False, True])
def test_priority_is_lexicographic_against_brute_force(carry_over):
    rng = random.Random(7 + carry_over)
    for trial in range(25):
        sets, cost, weight, years = random_instance(rng, rng.randint(3, 5), rng.randint(4, 7), rng.randint(2, 3))
        priority = [rng.random() < 0.3 for _ in weight]
        weight = [w / 10 if p else w for w, p in zip(weight, priority)]  # priority bản worth fewer people-years
        s = schedule(sets, cost, weight, years, priority=priority, carry_over=carry_over, time_limit_s=20)
        check_schedule(s, sets, cost, weight, years, carry_over)
        best_p, best_t = brute_force(sets, cost, weight, years, priority, carry_over)
        pw = [w if p else 0.0 for w, p in zip(weight, priority)]
        assert s.priority_people_years == pytest.approx(best_p), (trial, sets, cost, weight, years, priority)
        assert people_years(s.year_of_site, sets, pw, max(years)) == pytest.approx(best_p)
        assert s.people_years == pytest.approx(best_t), (trial, sets, cost, weight, years, priority)


def test_priority_changes_the_choice_by_hand():
    # Site 0 reaches a school bản (10 people); site 1 reaches 100 people. One site a year.
    sets, cost, weight = [[0], [1]], [5.0, 5.0], [10.0, 100.0]
    years = {2026: 5.0, 2027: 5.0}
    plain = schedule(sets, cost, weight, years)
    assert plain.year_of_site == [2027, 2026] and plain.people_years == 100 * 2 + 10 * 1
    first = schedule(sets, cost, weight, years, priority=[True, False])
    assert first.year_of_site == [2026, 2027]
    assert first.priority_people_years == 20 and first.people_years == 10 * 2 + 100 * 1
    assert first.order == [0, 1] and first.thu_tu == [1, 2]
    # Only one site affordable: the priority bản wins even though it is worth fewer people-years.
    one = schedule(sets, cost, weight, {2026: 5.0}, priority=[True, False])
    assert one.year_of_site == [2026, None] and one.unscheduled == [1]
    assert not one.reaches_target and one.reachable_share == pytest.approx(10 / 110)


def test_carry_over_by_hand():
    # One site costing 8, budgets 5 a year: only with carry-over, and then in the second year.
    sets, cost, weight, years = [[0, 1]], [8.0], [30.0, 20.0], {2026: 5.0, 2027: 5.0, 2028: 5.0}
    no = schedule(sets, cost, weight, years)
    assert no.year_of_site == [None] and no.unscheduled_reason == {0: "exceeds_every_budget"}
    assert no.reachable_share == 0 and not no.reaches_target and no.shortfall_cost == 8
    assert "0.0 %" in no.message and "more than any year's budget" in no.message
    yes = schedule(sets, cost, weight, years, carry_over=True)
    assert yes.year_of_site == [2027] and yes.people_years == 50 * 2
    assert [r.available for r in yes.per_year] == [5.0, 10.0, 7.0]
    assert [r.spent for r in yes.per_year] == [0.0, 8.0, 0.0]
    assert yes.reaches_target and yes.reachable_share == 1.0
    assert [r.cumulative_share for r in yes.per_year] == [0.0, 1.0, 1.0]
    assert "by the end of 2027" in yes.message


def test_per_year_rows_by_hand():
    # Three sites, overlapping; two fit 2026, one fits 2027.
    sets = [[0, 1], [1, 2], [2, 3]]
    cost = [4.0, 4.0, 4.0]
    weight = [10.0, 20.0, 30.0, 40.0]
    s = schedule(sets, cost, weight, {2027: 4.0, 2026: 8.0})
    assert s.years == [2026, 2027] and s.notes and "out of order" in s.notes[0]
    # The best: sites 0 and 2 in 2026 (all 100 people x 2 years); site 1 adds nobody after them but the
    # money of 2027 allows it, so it is built then.
    assert s.year_of_site == [2026, 2027, 2026]
    assert s.people_years == 100 * 2
    r26, r27 = s.per_year
    assert r26.year == 2026 and r26.spent == 8 and r26.villages == [0, 1, 2, 3]
    assert r26.people == 100 and r26.cumulative_share == 1.0
    assert r27.sites == [1] and r27.villages == [] and r27.people == 0 and r27.cumulative_people == 100
    assert s.year_of_village == [2026, 2026, 2026, 2026]
    # Within 2026: site 2 (70 people per 4) before site 0 (30 people per 4)
    assert s.order == [2, 0, 1] and s.thu_tu == [2, 3, 1]
    assert s.newly_covered == [[0, 1], [], [2, 3]] and r26.sites == [2, 0]
    # With only 4 in 2026: site 2 (70 x 2), then site 0 or 1 in 2027: site 0 adds 10 + 20, site 1 adds 20.
    t = schedule(sets, cost, weight, {2026: 4.0, 2027: 4.0})
    assert t.year_of_site == [2027, None, 2026] and t.people_years == 70 * 2 + 30
    assert t.reaches_target and t.unscheduled == [1] and "adding nobody" in t.message


def test_budgets_too_small_say_the_reachable_share():
    sets, cost, weight = [[0], [1], [2]], [3.0, 3.0, 3.0], [50.0, 30.0, 20.0]
    s = schedule(sets, cost, weight, {2026: 3.0, 2027: 3.0})
    assert s.status == "optimal" and s.year_of_site == [2026, 2027, None]
    assert s.reachable_share == pytest.approx(0.8) and not s.reaches_target
    assert s.unscheduled == [2] and s.unscheduled_reason == {2: "budget_spent"} and s.shortfall_cost == 3
    assert "80.0 %" in s.message and "need 3 more" in s.message
    # Zero budgets everywhere: nothing built, the share 0, said.
    z = schedule(sets, cost, weight, {2026: 0.0})
    assert z.year_of_site == [None, None, None] and z.reachable_share == 0 and z.people_years == 0
    assert "0.0 %" in z.message


def test_a_gap_between_years_counts_its_people_years():
    # 2026 and 2028 given: a site built in 2026 serves 3 years (2026, 2027, 2028).
    s = schedule([[0], [1]], [1.0, 1.0], [10.0, 1.0], {2028: 1.0, 2026: 1.0})
    assert s.year_of_site == [2026, 2028] and s.people_years == 10 * 3 + 1 * 1
    assert any("2027" in n for n in s.notes)
    assert [r.year for r in s.per_year] == [2026, 2028]


@pytest.mark.parametrize("years, words", [
    ({2026.5: 1.0}, ["2026.5", "not an integer"]),
    ({2026.0: 1.0}, ["2026.0", "not an integer", "write 2026"]),
    ({"2026": 1.0}, ["'2026'", "not an integer"]),
    ({True: 1.0}, ["True", "not an integer"]),
    ({20207: 1.0}, ["20207", "typing error"]),
    ({2026: -1.0}, ["2026", "negative"]),
    ({2026: 1.0, 2027: float("nan")}, ["2027", "NaN"]),
    ({2026: "1e9"}, ["2026", "'1e9'", "not a number", "1.0e+9"]),
    ({2026: None}, ["2026", "not a number"]),
    ({}, ["no plan year"]),
    ([(2026, 1.0), (2026, 2.0)], ["2026", "twice"]),
    (5, ["expected a mapping"]),
])
def test_bad_years_are_refused_naming_the_year(years, words):
    with pytest.raises(ValueError) as e:
        schedule([[0]], [1.0], [1.0], years)
    for w in words:
        assert w in str(e.value)


@pytest.mark.parametrize("kwargs, words", [
    (dict(cost=[1.0, 2.0]), ["1 sites", "2 costs"]),
    (dict(cost=[-1.0]), ["cost of site 0", "-1"]),
    (dict(cost=[float("nan")]), ["cost of site 0"]),
    (dict(weight=[-2.0]), ["weight of village 0"]),
    (dict(sets=[[3]]), ["site 0 covers village 3", "1 villages"]),
    (dict(priority=[True, False]), ["priority has 2 entries for 1 villages"]),
    (dict(method="magic"), ["method 'magic'"]),
    (dict(time_limit_s=0), ["time_limit_s"]),
])
def test_bad_inputs_are_refused(kwargs, words):
    args = dict(sets=[[0]], cost=[1.0], weight=[1.0], years={2026: 1.0})
    args.update(kwargs)
    with pytest.raises(ValueError) as e:
        schedule(**args)
    for w in words:
        assert w in str(e.value)


def test_unsorted_years_and_pairs_give_the_same_schedule():
    sets, cost, weight = [[0, 1], [2], [1, 3]], [2.0, 1.0, 2.0], [5.0, 9.0, 4.0, 7.0]
    a = schedule(sets, cost, weight, {2026: 2.0, 2027: 1.0, 2028: 2.0})
    b = schedule(sets, cost, weight, {2028: 2.0, 2026: 2.0, 2027: 1.0})
    c = schedule(sets, cost, weight, [(2027, 1), (2028, 2), (2026, 2)])
    assert a.year_of_site == b.year_of_site == c.year_of_site and a.people_years == b.people_years == c.people_years
    assert not a.notes and b.notes and c.notes


def test_zero_sites():
    s = schedule([], [], [10.0, 20.0], {2026: 5.0, 2027: 5.0}, priority=[True, False])
    assert s.year_of_site == [] and s.order == [] and s.unscheduled == [] and s.thu_tu == []
    assert s.people_years == 0 and s.status == "optimal" and s.proven_optimal
    assert s.target_people == 0 and s.reachable_share == 1.0 and s.reaches_target
    assert s.total_people == 30 and s.message == "no sites to schedule"
    assert [r.spent for r in s.per_year] == [0.0, 0.0] and s.year_of_village == [None, None]
    # Sites covering nobody are still built when the money allows (they are the plan's), cheapest first.
    e = schedule([[], []], [2.0, 1.0], [], {2026: 2.0})
    assert e.year_of_site == [None, 2026] and e.reaches_target and "cover nobody" in e.message


def test_a_site_adding_nobody_does_not_take_money_from_one_that_adds():
    # Site 1 duplicates site 0; site 2 reaches new people. Budget for two sites in 2026.
    sets, cost, weight = [[0], [0], [1]], [1.0, 1.0, 1.0], [5.0, 3.0]
    s = schedule(sets, cost, weight, {2026: 2.0, 2027: 1.0})
    assert s.year_of_site[2] == 2026 and sorted([s.year_of_site[0], s.year_of_site[1]]) == [2026, 2027]
    assert s.people_years == 8 * 2


@pytest.mark.parametrize("carry_over", [False, True])
def test_greedy_is_feasible_and_under_its_bound(carry_over):
    rng = random.Random(99 + carry_over)
    for _ in range(10):
        sets, cost, weight, years = random_instance(rng, rng.randint(2, 5), rng.randint(3, 7), rng.randint(2, 3))
        priority = [rng.random() < 0.3 for _ in weight]
        g = schedule(sets, cost, weight, years, priority=priority, carry_over=carry_over, method="greedy")
        check_schedule(g, sets, cost, weight, years, carry_over)
        assert g.status == "heuristic"
        _, best_total = brute_force(sets, cost, weight, years, carry_over=carry_over)
        assert g.people_years <= best_total + 1e-9
        assert g.bound >= best_total - 1e-6  # the LP relaxation bounds every schedule
        assert g.gap == pytest.approx(max(0.0, g.bound - g.people_years) / max(g.people_years, 1e-9)) or g.proven_optimal


def test_greedy_takes_priority_sites_first():
    sets, cost, weight = [[0], [1]], [1.0, 1.0], [1.0, 100.0]
    g = schedule(sets, cost, weight, {2026: 1.0, 2027: 1.0}, priority=[True, False], method="greedy")
    assert g.year_of_site == [2026, 2027]
    assert math.isfinite(g.bound) and g.bound >= 100 * 2 + 1


def test_infinite_budget_builds_everything_in_the_first_year():
    sets, cost, weight = [[0], [1], [0, 1]], [1e9, 2e9, 5e9], [3.0, 4.0]
    s = schedule(sets, cost, weight, {2026: math.inf, 2027: 0.0})
    assert s.year_of_site == [2026, 2026, 2026] and s.people_years == 7 * 2 and s.reaches_target
