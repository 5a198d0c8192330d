"""The planning step of a scenario: candidate sites, their coverage of white villages, and the
choice of sites (lazy greedy set cover in the engine)."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from .. import _core
from ..inputs.generate import highest_cell
from .types import NEW_OPERATOR, CurvePoint, Plan, SiteCost


def grid_candidates(dem: _core.Dem, villages: list, spacing_km: float, radius_km: float,
                    height_m: float, freq_mhz: float, eirp_dbm: float, bandwidth_mhz: float,
                    operator: str = NEW_OPERATOR) -> list:
    """Candidate sites on a regular grid over the villages' area: in each grid square, the
    highest DEM cell (a hill-top, where a tower sees farthest). Squares farther than
    `radius_km` from every village are skipped."""
    h = dem.heights_m
    gt = dem.geotransform
    cell_m = dem.cell_size_m
    step = max(1, int(round(spacing_km * 1000.0 / cell_m)))
    rows, cols = h.shape
    lon = np.array([v.lon for v in villages])
    lat = np.array([v.lat for v in villages])
    if dem.is_geographic:
        vx, vy = lon, lat
    else:
        vx, vy = _core.transform(lon, lat, "WGS84", dem.crs_wkt)
    # Village positions in fractional cell units, to keep only squares near a village.
    vc = (vx - gt[0]) / gt[1] - 0.5
    vr = (vy - gt[3]) / gt[5] - 0.5
    reach = radius_km * 1000.0 / cell_m + step
    out = []
    for r0 in range(0, rows, step):
        for c0 in range(0, cols, step):
            rc, cc = r0 + step / 2.0, c0 + step / 2.0
            if not np.any((vr - rc) ** 2 + (vc - cc) ** 2 <= reach * reach):
                continue
            top = highest_cell(dem, r0, c0, step)
            if top is not None:
                out.append(top)
    if not out:
        return []
    xs = np.array([p[0] for p in out])
    ys = np.array([p[1] for p in out])
    if not dem.is_geographic:
        xs, ys = _core.transform(xs, ys, dem.crs_wkt, "WGS84")
    sites = []
    for i, (x, y) in enumerate(zip(xs, ys)):
        s = _core.Site()
        s.id = f"C{i + 1:05d}"
        s.operator = operator
        s.technologies = "4G"
        s.lon, s.lat = float(x), float(y)
        s.height_m = height_m
        s.freq_mhz = freq_mhz
        s.eirp_dbm = eirp_dbm
        s.bandwidth_mhz = bandwidth_mhz
        s.kind = "new_grid_hilltop"
        s.row = i + 1
        sites.append(s)
    return sites


def _copy_site(t: _core.Site, **kw) -> _core.Site:
    s = _core.Site()
    for k in ("id", "operator", "technologies", "lon", "lat", "height_m", "freq_mhz", "eirp_dbm", "bandwidth_mhz",
              "kind", "row"):
        setattr(s, k, getattr(t, k))
    for k, v in kw.items():
        setattr(s, k, v)
    return s


def host_groups(ids: list[str], base_of: dict[str, str], tower_of: dict[str, str]) -> list[int]:
    """The group of each candidate (-1: none) for "at most one per group": the upgrades and
    co-locations of one tower (``tower_of``: candidate id -> the host site's id) share a group, and
    a second-pass variant (``base_of``: variant id -> its first-pass candidate; a taller mast, the
    lower band) joins its base's group. Keys are ("tower", site id) and ("candidate", id), so that
    a candidate whose id equals a tower's id is not taken for that tower. Groups are numbered in
    the order first met."""
    varied = set(base_of.values())

    def place(cid: str) -> tuple[str, str] | None:
        base = base_of.get(cid, cid)
        if base in tower_of:
            return ("tower", tower_of[base])
        return ("candidate", base) if base in varied else None

    keys: dict[tuple[str, str], int] = {}
    return [-1 if (k := place(cid)) is None else keys.setdefault(k, len(keys)) for cid in ids]


def existing_candidates(sc, towers: list, white_v: list, site_of: dict[str, str] | None = None) -> list:
    """Infrastructure sharing first: 4G on an own 2G/3G site (upgrade), or co-located on another
    operator's tower (colocation); only towers within the radius of a white village.

    `site_of` (sector id -> site id, :func:`phusong.inputs.tables.site_ids`): the sectors of a
    multi-sector site are one tower here — one upgrade or co-location candidate for the site
    (``UP-<site id>``), paid once; the site is upgradable when none of its sectors is broadband
    already. The candidate, like every upgrade or co-location, carries the planning's 4G
    equipment (omni, planning.freq_mhz and eirp_dbm) at the tower's position and height."""
    p, r = sc.planning, sc.radio
    kinds = set(p.candidates)
    wl = np.array([v.lon for v in white_v])
    wa = np.array([v.lat for v in white_v])
    reach_deg = r.radius_km / 111.0
    out = []
    broadband = set(r.technologies)  # canonical names (2G, 3G, 4G, 5G), as read_sites gives them
    site_of = site_of or {}
    sites: dict[str, list] = {}  # site id -> its sectors (a tower without sectors: itself), in file order
    for t in towers:
        sites.setdefault(site_of.get(t.id, t.id), []).append(t)
    for sid, sectors in sites.items():
        t = sectors[0]
        if not np.any((np.abs(wl - t.lon) < reach_deg / max(0.2, np.cos(np.radians(t.lat)))) &
                      (np.abs(wa - t.lat) < reach_deg)):
            continue
        techs = {x for s_ in sectors for x in s_.technologies.split(";")}
        own = p.operator in ("any", t.operator)
        if "upgrade" in kinds and own and not (techs & broadband):
            out.append(_copy_site(t, id=f"UP-{sid}", technologies="4G", freq_mhz=p.freq_mhz, eirp_dbm=p.eirp_dbm,
                                  height_m=max(s_.height_m for s_ in sectors), kind="upgrade"))
        if "colocation" in kinds and (p.operator == "any" or t.operator != p.operator):
            op = t.operator if p.operator == "any" else p.operator
            out.append(_copy_site(t, id=f"CO-{sid}", operator=op, technologies="4G", freq_mhz=p.freq_mhz,
                                  eirp_dbm=p.eirp_dbm, height_m=max(s_.height_m for s_ in sectors), kind="colocation"))
    return out


def commune_centre_candidates(sc, villages: list, white: list[int]) -> list:
    """A new tower at the centre of every commune with a white bản: its most populous bản (the
    commune seat, where power and roads are)."""
    p, r = sc.planning, sc.radio
    communes = {(villages[i].district, villages[i].commune) for i in white}
    best = {}
    for v in villages:
        key = (v.district, v.commune)
        if key in communes and (key not in best or v.population > best[key].population):
            best[key] = v
    out = []
    for k, (_key, v) in enumerate(sorted(best.items())):
        s = _core.Site()
        s.id = f"CC-{v.id}"
        s.operator = p.operator if p.operator != "any" else NEW_OPERATOR
        s.technologies = "4G"
        s.lon, s.lat = v.lon, v.lat
        s.height_m, s.freq_mhz, s.eirp_dbm, s.bandwidth_mhz = p.height_m, p.freq_mhz, p.eirp_dbm, r.bandwidth_mhz
        s.kind = "commune_centre"
        s.row = k + 1
        out.append(s)
    return out


def _sharing_penalty(sc, villages, white, cands, breakdown):
    """Preference for sharing: a new tower pays a penalty per bản it would cover that another
    operator already covers (a proxy: covered bản within sharing_penalty_radius_km); the penalty
    is counted in its CAPEX column. Shared and upgraded sites pay none, nor do repeaters (they carry
    their donor operator's own signal)."""
    c = sc.planning.costs
    white_set = set(white)
    covered = [i for i in range(len(villages)) if i not in white_set]
    if not covered:
        return breakdown
    lon = np.array([villages[i].lon for i in covered])
    lat = np.array([villages[i].lat for i in covered])
    out = []
    for s, b in zip(cands, breakdown):
        if s.kind in ("upgrade", "colocation", "repeater"):
            out.append(b)
            continue
        kx = 111.32 * math.cos(math.radians(s.lat))
        n = int(np.count_nonzero(np.hypot((lon - s.lon) * kx, (lat - s.lat) * 110.57) <= c.sharing_penalty_radius_km))
        out.append(b.with_penalty(n * c.sharing_penalty_per_village))
    return out


def priority_villages(sc, villages: list, white: list[int]) -> list[bool]:
    """Per white bản: whether the roll-out serves it first — a required bản, its commune's seat
    (the most populous bản of the commune), or the bản nearest (within 2 km) to a school, health
    station or People's Committee of inputs.facilities."""
    p = sc.planning
    white_set = {villages[i].id: k for k, i in enumerate(white)}
    prio = [False] * len(white)
    for vid in p.required_villages:
        if vid in white_set:
            prio[white_set[vid]] = True
    seat: dict = {}
    for i, v in enumerate(villages):
        key = (v.district, v.commune)
        if key not in seat or v.population > villages[seat[key]].population:
            seat[key] = i
    for i in seat.values():
        if villages[i].id in white_set:
            prio[white_set[villages[i].id]] = True
    if sc.inputs.facilities and white:
        from .fibre import read_facilities

        lon = np.array([v.lon for v in villages])
        lat = np.array([v.lat for v in villages])
        for f in read_facilities(sc.inputs.facilities):
            kx = 111.32 * math.cos(math.radians(f.lat))
            d = np.hypot((lon - f.lon) * kx, (lat - f.lat) * 110.57)
            i = int(np.argmin(d))
            if d[i] <= 2.0 and villages[i].id in white_set:
                prio[white_set[villages[i].id]] = True
    return prio


def builders_of(c, names: list[str]) -> list[str]:
    """The operators of the agreement that may build candidate c: an upgrade (and its variants) its
    owner; a co-location the others (the tower's owner would upgrade instead); a repeater its
    donor's operator; any new site (tower, small cell, candidate from a file) any of them."""
    if c.kind == "upgrade" or c.kind == "repeater":
        return [c.operator] if c.operator in names else []
    if c.kind == "colocation":
        return [o for o in names if o != c.operator]
    return list(names)


def _agreement(sc, cands, sets, cost, white_v, group, required, solved, towers):
    """planning.operators: the bản the plan covers, each to exactly one operator, at least cost
    under the share rule (phusong.plan.agreement). Returns the solve (as the planner reads it) and
    the Allocation; the chosen candidates take their builder as operator."""
    from . import agreement

    p = sc.planning
    names = [o.name for o in p.operators]
    known = sorted({t.operator for t in towers})
    unknown = [n for n in names if n not in known]
    if unknown:
        raise _core.InputError(f"{sc.path}: key 'planning.operators': {unknown[0]!r} runs no tower of inputs.towers "
                               f"(operators there: {', '.join(known)})")
    if p.operator != "any":
        raise _core.InputError(f"{sc.path}: key 'planning.operators' needs 'planning.operator: any' (got "
                               f"{p.operator!r}): the agreement chooses who builds each site")
    covered = {i for j in solved["chosen"] for i in sets[j]}
    weight = [max(v.population, 1e-9) if k in covered else 0.0 for k, v in enumerate(white_v)]
    shares = [o.share for o in p.operators] if p.operators[0].share is not None else None
    alloc = agreement.allocate(sets, cost, [builders_of(c, names) for c in cands], weight, names, shares,
                               rule=p.agreement_rule, tolerance_pct=p.share_tolerance_pct, group=group,
                               required=[k for k in required if k in covered], method=p.method,
                               time_limit_s=p.time_limit_s, unknown_builders="ignore")
    if not alloc.has_plan:
        need = f"; the smallest tolerance that works is {alloc.tolerance_needed:.2f} points" \
            if alloc.tolerance_needed is not None else ""
        raise _core.InputError(f"{sc.path}: key 'planning.share_tolerance_pct': no plan gives every operator its "
                               f"{'people' if p.agreement_rule == 'market_share' else 'cost'} share within "
                               f"{p.share_tolerance_pct:g} points ({alloc.status}){need}. {alloc.message}".strip())
    for j, builder in alloc.chosen:
        cands[j].operator = builder
    chosen = sorted(j for j, _ in alloc.chosen)
    out = {"chosen": chosen, "cost": alloc.total_cost, "bound": alloc.bound, "gap": alloc.gap,
           "proven_optimal": alloc.proven_optimal, "status": alloc.status, "uncoverable": solved["uncoverable"]}
    return out, alloc


def _solve_target(sc, villages, white_v, sets, cost, weight, group, required, full):
    """objective: target. `full` is the least-cost cover of every coverable white bản (already
    solved: the 100 % plan). Returns the target plan's solve and a function (plan cost, weight the
    plan adds) -> TargetResult."""
    from .types import TargetResult

    p = sc.planning
    pct = p.target_pct if p.target_pct is not None else sc.targets.coverage_4g_pct
    attr = p.target_of
    total = float(sum(getattr(v, attr) for v in villages))
    before = total - float(sum(getattr(v, attr) for v in white_v))
    coverable = {i for s_ in sets for i in s_}
    reachable = before + float(sum(getattr(white_v[k], attr) for k in coverable))
    needed = pct / 100.0 * total - before
    kw = dict(method=p.method, time_limit_s=p.time_limit_s, threads=1, group=group, required=required)
    if needed <= 0:  # reached today: only the required bản, if any
        solved = _core.solve_cover(sets, cost, [0.0] * len(white_v), **kw)
    elif needed > reachable - before + 1e-9 * max(total, 1.0):
        solved = full  # out of reach: the plan covers all it can, and says so
    else:
        solved = _core.solve_cover(sets, cost, weight, target_weight=needed, **kw)
        if str(solved["status"]) == "partial":  # a heuristic blocked by a required bản or a host tower
            solved = _core.solve_cover(sets, cost, weight, method="exact", target_weight=needed,
                                       time_limit_s=p.time_limit_s, threads=1, group=group, required=required)

    def result(plan_cost: float, added: float) -> TargetResult:
        after = 100.0 * (before + added) / total if total else math.nan
        return TargetResult(
            target_pct=pct, of=attr, needed=max(0.0, needed), before_pct=100.0 * before / total if total else math.nan,
            after_pct=after, reachable_pct=100.0 * reachable / total if total else math.nan,
            reached=bool(total and before + added >= pct / 100.0 * total - 1e-9 * total),
            full_cost=float(full["cost"]), full_sites=len(full["chosen"]), full_bound=float(full["bound"]),
            full_gap=None if full["gap"] is None else float(full["gap"]), plan_cost=plan_cost)

    return solved, result


def admin_area(path: str):
    """Union of the district polygons of a dvhcvn GIS JSON file."""
    from ..inputs import admin

    return admin.province_area(path)


def plan(dem: _core.Dem, sc, villages: list, white: list[int], towers: list,
         progress: Callable[[int, int], None] | None = None, clutter: _core.Dem | None = None,
         new_fibre: list[bytes] | None = None, extra_required: list[int] | None = None, executor=None,
         site_of: dict[str, str] | None = None):
    """Chooses candidate sites that cover the white villages. Returns (candidates, plan) where
    plan has chosen (candidate indices, in the order chosen), newly_covered (village indices per
    chosen site), cost breakdown per chosen site, still_white, uncoverable (village index ->
    reason), total_cost, population_covered and the cost-versus-people curve. `clutter`: the
    land-cover raster of the run (opened once by the scenario runner), or None. `new_fibre`: the
    fibre plan's new routes (WKB lines), backhaul for the sites near them. `executor`: where the
    candidates' coverage is computed (default this process; see phusong.distributed). `site_of`:
    the sectors of multi-sector towers (sector id -> site id), one candidate per site."""
    if executor is None:
        from ..distributed import LocalExecutor

        executor = LocalExecutor()
    p, r = sc.planning, sc.radio
    white_v = [villages[i] for i in white]
    cands: list = existing_candidates(sc, towers, white_v, site_of)
    tower_of = {c.id: c.id[3:] for c in cands}  # UP-/CO-<site id> -> the host site's id
    for ref in p.candidates:
        if ref == "grid":
            grid = grid_candidates(dem, white_v, p.grid_spacing_km, r.radius_km, p.height_m,
                                   p.freq_mhz, p.eirp_dbm, r.bandwidth_mhz,
                                   p.operator if p.operator != "any" else NEW_OPERATOR)
            if sc.inputs.admin:  # new towers only inside the province
                area = admin_area(sc.inputs.admin)
                from shapely import contains_xy

                inside = contains_xy(area, np.array([c.lon for c in grid]), np.array([c.lat for c in grid]))
                grid = [c for c, ok in zip(grid, inside) if ok]
            cands += grid
        elif ref == "commune_centre":
            cands += commune_centre_candidates(sc, villages, white)
        elif ref not in ("upgrade", "colocation"):
            from_file = _core.read_sites(ref, r.bandwidth_mhz)
            taken = {c.id for c in cands}
            for c in from_file:
                if not dem.contains_lonlat(c.lon, c.lat):
                    raise _core.InputError(
                        f"{ref}: row {c.row} (candidate id '{c.id}'): point ({c.lon}, {c.lat}) lies outside the DEM")
                if c.id in taken:  # the plan, its outputs and the host groups name candidates by id
                    raise _core.InputError(f"{ref}: row {c.row}: candidate id '{c.id}' is already the id of another "
                                           "candidate (an upgrade UP-…, a co-location CO-…, a grid or commune-centre "
                                           "site, or a row of another candidate file); give each candidate its own id")
            cands += from_file
    def evaluate(sites: list):
        """The white bản each site covers, and per bản the best RSRP and whether any is in range."""
        sets_ = [[] for _ in sites]
        best_ = np.full(len(white_v), -math.inf)
        site_ = np.full(len(white_v), -1)
        in_range_ = np.zeros(len(white_v), dtype=bool)
        if sites:
            cov = executor.evaluate_villages(
                dem, white_v, sites, model=r.model, radius_km=r.radius_km, rx_height_m=r.rx_height_m,
                threshold_dbm=r.threshold_dbm, k=r.k_factor, spacing_m=r.profile_spacing_m,
                threads=sc.threads, progress=progress, clutter=clutter, clutter_classes=r.clutter_classes)
            links = cov["links"]
            in_range_[links["village"]] = True
            best_ = np.asarray(cov["best_rsrp_dbm"], dtype=float)
            site_ = np.asarray(cov["best_site"])
            ok = links["rsrp_dbm"] >= r.threshold_dbm
            for v, s_ in zip(links["village"][ok], links["site"][ok]):
                sets_[int(s_)].append(int(v))
        return sets_, np.nan_to_num(best_, nan=-math.inf), site_, in_range_

    sets, best, best_site, in_range = evaluate(cands)
    # The second pass (planning.options): more kinds of candidate for the bản none of the first
    # pass reaches. variant_info: candidate id -> what it adds to its base's cost.
    variant_info: dict = {}
    if p.options.enabled and white_v:
        from . import options

        reached = {i for s_ in sets for i in s_}
        targets = [white_v[k] for k in range(len(white_v)) if k not in reached]
        if targets:
            extra, variant_info = options.variants(sc, cands, targets)
            if p.options.small_cell:
                more, info = options.small_cells(sc, dem, targets)
                extra += more
                variant_info.update(info)
            if p.options.repeater:
                broadband_towers = [t for t in towers if set(t.technologies.split(";")) & set(r.technologies)]
                more, info = options.repeaters(sc, dem, targets, broadband_towers, clutter)
                extra += more
                variant_info.update(info)
            sets2, best2, site2, in_range2 = evaluate(extra)
            better = best2 > best
            best_site = np.where(better, np.where(site2 >= 0, site2 + len(cands), -1), best_site)
            best = np.maximum(best, best2)
            cands = cands + extra
            sets += sets2
            in_range |= in_range2
    if p.objective == "villages":
        weight = [1.0] * len(white_v)
    elif p.objective == "population" or (p.objective == "target" and p.target_of == "population"):
        weight = [max(v.population, 1e-9) for v in white_v]
    else:
        weight = [max(v.households, 1e-9) for v in white_v]
    # Cost of each candidate: CAPEX + discounted OPEX of its kind, + backhaul and power.
    from .backhaul import site_extras

    extras = site_extras(sc, dem, cands, towers, new_fibre) if p.cost_per_site is None else None
    breakdown = []
    for k, c in enumerate(cands):
        if p.cost_per_site is not None:
            breakdown.append(SiteCost(p.cost_per_site, 0.0, 0.0, 0.0, p.cost_per_site))
        else:
            capex, opex, _ = p.costs.total(c.kind)
            e = extras[k]
            vi = variant_info.get(c.id)
            if vi is not None:  # a taller mast or the lower band on a first-pass site
                capex += vi.extra_capex
            breakdown.append(SiteCost(capex, opex, e.backhaul, e.power, capex + opex + e.backhaul + e.power,
                                      e.backhaul_kind, e.power_kind, e.backhaul_km, e.power_km, e.backhaul_hub))
    if p.cost_per_site is None and p.costs.sharing_penalty_per_village > 0:
        breakdown = _sharing_penalty(sc, villages, white, cands, breakdown)
    cost = [max(b.total, 1e-9) for b in breakdown]
    # At most one candidate per host tower (a 4G upgrade or a co-location, not both).
    base_of = {k: vi.base_id for k, vi in variant_info.items() if not k.startswith(("SC-", "RP-"))}
    group = host_groups([c.id for c in cands], base_of, tower_of)
    white_index = {villages[i].id: k for k, i in enumerate(white)}
    # Required: planning.required_villages, and the bản a switch-off leaves with no service (extra_required).
    required_ids = list(p.required_villages) + [villages[i].id for i in (extra_required or [])]
    required = sorted({white_index[v] for v in required_ids if v in white_index})
    unknown = [v for v in p.required_villages if v not in {x.id for x in villages}]
    if unknown:
        raise _core.InputError(f"{sc.path}: key 'planning.required_villages': no village with id {unknown[0]!r}")
    budget = p.budget if p.budget is not None else math.inf
    # One CBC thread: a parallel branch-and-bound may pick another of several equally cheap plans,
    # and a plan must not depend on the thread count.
    if budget == math.inf and p.objective != "target" and not p.operators:
        # Every coverable bản at least cost: the components of the cover are independent problems
        # (plan/components.py), solved one by one (or in parallel on a cluster), the same plan either way.
        from . import components

        comps = components.components(sets, len(white_v), group)
        problems = [components.sub_problem(c, sets, cost, weight, group, required) for c in comps]
        results = executor.solve_components(problems, {"method": p.method, "time_limit_s": p.time_limit_s,
                                                       "threads": 1})
        solved = components.combine(comps, results, len(white_v), p.method, required)
    else:
        solved = _core.solve_cover(sets, cost, weight, method=p.method, budget=budget, time_limit_s=p.time_limit_s,
                                   threads=1, group=group, required=required)
    target = None
    if p.objective == "target":
        solved, target = _solve_target(sc, villages, white_v, sets, cost, weight, group, required, solved)
    agreement = None
    if p.operators:
        solved, agreement = _agreement(sc, cands, sets, cost, white_v, group, required, solved, towers)
    if solved["status"] == "infeasible":
        bad = [white_v[k].id for k in required if not sets or not any(k in s_ for s_ in sets)]
        raise _core.InputError(f"{sc.path}: key 'planning.required_villages': no plan covers every required bản"
                               + (f" ({', '.join(bad)} cannot be reached by any candidate)" if bad else
                                  " within the budget"))
    # Order the chosen sites by what each adds (greedy on the chosen ones alone) for the report
    # and the cost-versus-people curve.
    sub = solved["chosen"]
    schedule = None
    if p.years:  # the roll-out years give the order (thu_tu): by year, priority bản first
        from . import rollout

        pop = [float(v.population) for v in white_v]
        prio = priority_villages(sc, villages, white)
        for k in required:
            prio[k] = True
        schedule = rollout.schedule([sets[j] for j in sub], [cost[j] for j in sub], pop, p.years,
                                    priority=prio,
                                    carry_over=p.carry_over, method="greedy" if p.method == "greedy" else "exact",
                                    time_limit_s=p.time_limit_s, unit="people")
        g = {"chosen": [sub[k] for k in schedule.order], "newly_covered": [schedule.newly_covered[k]
                                                                          for k in schedule.order]}
    else:
        g = _core.greedy_cover([sets[j] for j in sub], [cost[j] for j in sub], weight)
        g["chosen"] = [sub[k] for k in g["chosen"]]
    g["total_cost"] = solved["cost"]
    uncoverable_items = set(solved["uncoverable"])
    g["uncoverable"] = sorted(uncoverable_items)
    g["uncovered"] = sorted(set(range(len(white_v))) - {i for lst in g["newly_covered"] for i in lst})
    uncoverable, uncoverable_best, obstacles, satellite = {}, {}, {}, {}
    for j in g["uncoverable"]:
        # Codes (the outputs say them in Vietnamese: outputs.layers.REASON_VI); the numbers travel
        # in uncoverable_best_rsrp_dbm and uncoverable_obstacle, not in the text.
        uncoverable[white[j]] = "terrain_or_distance" if in_range[j] else "no_candidate_in_range"
        if in_range[j] and math.isfinite(best[j]):
            uncoverable_best[white[j]] = float(best[j])
            if best_site[j] >= 0:
                from .options import obstacle

                ob = obstacle(dem, cands[int(best_site[j])], white_v[j], r.rx_height_m, r.k_factor)
                if ob is not None:
                    obstacles[white[j]] = ob
        if p.options.enabled and p.options.satellite_households and p.cost_per_site is None:
            c_ = p.costs
            satellite[white[j]] = white_v[j].households * (c_.satellite_household +
                                                           c_.opex_satellite_household_per_year * c_.annuity)
    newly = [[white[j] for j in lst] for lst in g["newly_covered"]]
    # The cost-versus-people curve: greedy order (by newly covered weight per cost) with the
    # cumulative cost and people; a budget B buys the longest prefix that fits.
    curve, cum_cost, cum_pop, cum_vil = [], 0.0, 0.0, 0
    for j, lst in zip(g["chosen"], newly):
        cum_cost += cost[j]
        cum_pop += sum(villages[i].population for i in lst)
        cum_vil += len(lst)
        curve.append(CurvePoint(cum_cost, cum_pop, cum_vil))
    currency = "units" if p.cost_per_site is not None else p.costs.currency
    return cands, Plan(
        chosen=list(g["chosen"]),
        newly_covered=newly,
        cost_breakdown=[breakdown[j] for j in g["chosen"]],
        sites_lonlat=[(cands[j].lon, cands[j].lat) for j in g["chosen"]],
        still_white=[white[j] for j in g["uncovered"]],
        uncoverable=uncoverable,
        uncoverable_best_rsrp_dbm=uncoverable_best,
        uncoverable_obstacle=obstacles,
        satellite_households=satellite,
        variant_notes={k: v.note for k, v in variant_info.items()},
        agreement=agreement,
        schedule=schedule,
        village_operator={white[k]: o for k, o in agreement.village_operator.items()} if agreement else {},
        total_cost=g["total_cost"],
        currency=currency,
        population_covered=float(sum(villages[i].population for lst in newly for i in lst)),
        method={"greedy": "lazy greedy", "local": "Lagrangian heuristic + local search",
                "exact": "MILP (CBC)"}[p.method],
        bound=solved["bound"],
        bound_unit=currency if budget == math.inf or p.objective == "target" else {"villages": "bản", "population": "people",
                                                         "households": "households"}[p.objective],
        gap=solved["gap"],
        proven_optimal=solved["proven_optimal"],
        status=str(solved["status"]),
        curve=curve,
        target=None if target is None else target(float(solved["cost"]), float(sum(villages[i].population
                                                                                  if p.target_of == "population"
                                                                                  else villages[i].households
                                                                                  for lst in newly for i in lst))),
    )


def plan_economics(sc, plan, candidates: list, villages: list, white: list[int], commune_of=None) -> None:
    """planning.economics: each chosen site's subscribers, revenue, viability gap and fund request
    (phusong.plan.fund), into plan.economics and plan.fund. A site's commune is that of the most
    populous bản it newly covers (`commune_of(i)`: the 2025 commune of bản i, when the run has
    inputs.communes); the fund's programme defaults to the communes with white bản; the year is
    the roll-out year (planning.years), discounted to the first plan year."""
    from . import fund

    p = sc.planning
    if p.economics is None or plan is None or p.cost_per_site is not None:
        return
    name = commune_of if commune_of is not None else (lambda i: villages[i].commune)
    year_of = {}
    if plan.schedule is not None:
        sub_order = plan.schedule.order
        ys = plan.schedule.year_of_site
        for pos, k in enumerate(sub_order):
            year_of[plan.chosen[pos]] = ys[k]
    sites = []
    for j, lst, b in zip(plan.chosen, plan.newly_covered, plan.cost_breakdown):
        c = candidates[j]
        main = max(lst, key=lambda i: villages[i].population) if lst else None
        sites.append({"id": c.id, "operator": c.operator, "commune": name(main) if main is not None else "",
                      "year": year_of.get(j), "people_covered": float(sum(villages[i].population for i in lst)),
                      "capex": b.capex, "opex_pv": b.opex_pv, "backhaul": b.backhaul, "power": b.power})
    start = min(p.years) if p.years else None
    for s_ in sites:  # a site no budget reaches is counted as built after the last plan year
        if start is not None and s_["year"] is None:
            s_["year"] = max(p.years) + 1
    rows = fund.site_economics(sites, p.economics, p.costs.horizon_years, p.costs.discount_rate,
                               {name(i) for i in white}, start_year=start)
    plan.economics = rows
    plan.fund = fund.fund_tables(rows)

