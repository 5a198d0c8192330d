"""A set cover split into its connected components, solved one by one, and put back together.

Two white bản are in the same component when a candidate covers both, or when candidates that
cover them share a host tower (at most one candidate per host). With every coverable bản to be
covered at least cost (no budget, no target share, no operators' agreement), components do not
interact: the cheapest plan is the union of each component's cheapest plan, its bound the sum of
theirs. So the planner solves each component on its own (many small MILPs instead of one large
one), and a Dask cluster can solve them in parallel (``executor.solve_components``): the same
components, the same solves, the same plan.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Component:
    """One component: item (bản) and candidate indices of the whole problem, both ascending."""

    items: tuple[int, ...]
    candidates: tuple[int, ...]


def components(sets: list[list[int]], n_items: int, group: list[int] | None = None) -> list[Component]:
    """The connected components of the cover (see the module doc), ordered by their first item;
    candidates covering nothing and items nothing covers are in none."""
    parent = list(range(n_items))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    first_of_group: dict[int, int] = {}
    for j, s in enumerate(sets):
        if not s:
            continue
        for i in s[1:]:
            union(s[0], i)
        g = group[j] if group else -1
        if g >= 0:
            if g in first_of_group:
                union(first_of_group[g], s[0])
            else:
                first_of_group[g] = s[0]
    items: dict[int, list[int]] = {}
    covered = [False] * n_items
    for s in sets:
        for i in s:
            covered[i] = True
    for i in range(n_items):
        if covered[i]:
            items.setdefault(find(i), []).append(i)
    cands: dict[int, list[int]] = {}
    for j, s in enumerate(sets):
        if s:
            cands.setdefault(find(s[0]), []).append(j)
    return [Component(tuple(items[r]), tuple(cands[r])) for r in sorted(items)]


def sub_problem(c: Component, sets, cost, weight, group, required) -> dict:
    """The component as a problem of its own (local indices)."""
    local = {i: k for k, i in enumerate(c.items)}
    return {"sets": [[local[i] for i in sets[j]] for j in c.candidates],
            "cost": [cost[j] for j in c.candidates],
            "weight": [weight[i] for i in c.items],
            "group": [group[j] for j in c.candidates] if group else [],
            "required": [local[i] for i in required if i in local]}


def solve_problems(problems: list[dict], options: dict) -> list[dict]:
    """solve_cover on each problem (a task of the Dask executor solves a batch of components)."""
    from .. import _core

    out = []
    for p in problems:
        r = _core.solve_cover(p["sets"], p["cost"], p["weight"], group=p["group"], required=p["required"], **options)
        out.append({k: (str(r[k]) if k == "status" else r[k]) for k in
                    ("status", "chosen", "cost", "covered_weight", "bound", "gap", "proven_optimal", "seconds",
                     "uncovered")})
    return out


def combine(comps: list[Component], results: list[dict], n_items: int, method: str, required=()) -> dict:
    """The whole problem's result from its components' (same keys as solve_cover's mapping). A
    required item no candidate covers is listed in ``uncoverable`` and does not make the problem
    infeasible, as for the whole problem (solve_cover)."""
    chosen, uncovered = [], []
    cost = covered = bound = seconds = 0.0
    statuses = set()
    for c, r in zip(comps, results):
        chosen += [c.candidates[k] for k in r["chosen"]]
        uncovered += [c.items[k] for k in r["uncovered"]]
        cost += r["cost"]
        covered += r["covered_weight"]
        bound += r["bound"]
        seconds += r["seconds"]
        statuses.add(r["status"])
    in_some = {i for c in comps for i in c.items}
    if "infeasible" in statuses:
        status = "infeasible"
    elif "no_solution" in statuses:
        status = "no_solution"
    elif statuses <= {"optimal"}:
        status = "optimal"
    else:
        status = "feasible"
    diff = cost - bound
    gap = 0.0 if abs(diff) <= 1e-9 * max(1.0, abs(cost)) else max(0.0, diff) / max(abs(cost), 1e-9)
    if status in ("infeasible", "no_solution"):
        gap = math.inf
    proven = status == "optimal" and all(r["proven_optimal"] for r in results) and gap == 0
    return {"method": method, "status": status, "chosen": sorted(chosen), "cost": cost, "covered_weight": covered,
            "objective": cost, "bound": bound, "gap": gap, "proven_optimal": proven, "seconds": seconds,
            "uncovered": sorted(uncovered), "uncoverable": [i for i in range(n_items) if i not in in_some],
            "components": len(comps)}
