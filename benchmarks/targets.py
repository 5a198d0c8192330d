#!/usr/bin/env python3
"""The plan that meets the targets on Sơn La (issue 14), timed step by step: the 100 % plan and
the target plan (partial cover, 99.56 % of the people) by each method (greedy, local search,
exact CBC) with cost, bound and gap; the operators' agreement and the roll-out years. The
instances are the ones `scenarios/sonla-targets.yaml` builds (captured from the run).

    PHUSONG_DATA=../shared/data .venv/bin/python benchmarks/targets.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import phusong
from phusong import _core
from phusong.plan import agreement, rollout

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    calls: dict[str, list] = {"cover": [], "allocate": [], "schedule": []}

    def timed(name, fn):
        def wrap(*a, **kw):
            t0 = time.perf_counter()
            out = fn(*a, **kw)
            calls[name].append((a, kw, out, time.perf_counter() - t0))
            return out
        return wrap

    solve_cover, allocate, schedule = _core.solve_cover, agreement.allocate, rollout.schedule
    _core.solve_cover = timed("cover", solve_cover)
    agreement.allocate = timed("allocate", allocate)
    rollout.schedule = timed("schedule", schedule)
    sc = phusong.load_scenario(ROOT / "scenarios" / "sonla-targets.yaml")
    sc.outputs.report = sc.outputs.web_map = False
    sc.outputs.formats = ["gpkg"]
    sc.outputs.tables = ["csv"]
    t0 = time.perf_counter()
    r = phusong.run_scenario(sc, out_dir=Path("/tmp/phusong-bench-targets"))
    total = time.perf_counter() - t0
    _core.solve_cover, agreement.allocate, rollout.schedule = solve_cover, allocate, schedule
    tg = r.plan.target
    print(f"Sơn La targets scenario end to end: {total:.1f} s; {len(r.candidates)} candidates, {len(r.white)} white bản")
    print(f"target {tg.target_pct}% of people: {tg.before_pct:.2f}% today -> {tg.after_pct:.2f}% "
          f"({'reached' if tg.reached else 'NOT reached'}; every coverable bản gives {tg.reachable_pct:.2f}%)")
    print(f"{'instance':<22}{'method':<8}{'cost (bn VND)':>14}{'bound':>10}{'gap %':>8}{'proven':>8}{'s':>8}")
    for (args, kw, _, _), name in zip(calls["cover"][:2], ("100 % (set cover)", "target (partial)")):
        for method in ("greedy", "local", "exact"):
            kw2 = dict(kw, method=method)
            t1 = time.perf_counter()
            res = solve_cover(*args, **kw2)
            dt = time.perf_counter() - t1
            gap = "-" if res.gap is None else f"{100 * res.gap:.3f}"
            print(f"{name:<22}{method:<8}{res.cost / 1e9:>14.3f}{res.bound / 1e9:>10.3f}{gap:>8}"
                  f"{str(res.proven_optimal):>8}{dt:>8.2f}")
    for _, _, a, dt in calls["allocate"]:
        print(f"operators' agreement ({a.rule}, {len(a.operators)} operators): {a.status}, cost {a.total_cost / 1e9:.3f} "
              f"bn VND, gap {100 * a.gap:.3f}%, {dt:.2f} s")
    for _, _, s, dt in calls["schedule"]:
        print(f"roll-out ({len(s.years)} years, {len(s.year_of_site)} sites): {s.status}, {s.people_years:,.0f} "
              f"people-years, gap {100 * s.gap:.3f}%, {dt:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
