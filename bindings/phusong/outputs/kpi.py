"""Statistics of a run: coverage per operator, and KPI tables per commune, district and province
(bản, households, people, covered %, white bản, before and after the plan), beside the
province's targets."""

from __future__ import annotations

import math
from collections import OrderedDict

import numpy as np


def per_operator(villages: list, broadband: list, cov: dict, threshold_dbm: float) -> dict:
    """operator -> best RSRP per village, covered flags, covered villages and people."""
    links = cov["links"]
    site_op = np.array([t.operator for t in broadband], dtype=object)
    pop = np.array([v.population for v in villages], float)
    out = OrderedDict()
    for op in sorted(set(site_op)):
        best = np.full(len(villages), -np.inf)
        mask = site_op[links["site"]] == op if len(links["site"]) else np.zeros(0, bool)
        np.maximum.at(best, links["village"][mask], links["rsrp_dbm"][mask])
        covered = best >= threshold_dbm
        out[op] = {"best_rsrp_dbm": best, "covered": covered, "covered_villages": int(covered.sum()),
                   "covered_population": float(pop[covered].sum()), "sites": int((site_op == op).sum())}
    return out


def _row(name: dict, idx: np.ndarray, villages, covered_before, covered_after, operators) -> dict:
    pop = np.array([villages[i].population for i in idx], float)
    hh = np.array([villages[i].households for i in idx], float)
    b = covered_before[idx]
    a = covered_after[idx]
    total = pop.sum()
    row = dict(name)
    row.update({
        "ban": int(len(idx)),
        "households": float(hh.sum()),
        "population": float(total),
        "covered_ban_before": int(b.sum()),
        "white_ban_before": int((~b).sum()),
        "covered_pop_before_pct": 100.0 * pop[b].sum() / total if total else math.nan,
        "covered_hh_before_pct": 100.0 * hh[b].sum() / hh.sum() if hh.sum() else math.nan,
        "covered_ban_after": int(a.sum()),
        "white_ban_after": int((~a).sum()),
        "covered_pop_after_pct": 100.0 * pop[a].sum() / total if total else math.nan,
    })
    for op, d in operators.items():
        row[f"covered_pop_pct_{op}"] = 100.0 * pop[d["covered"][idx]].sum() / total if total else math.nan
    return row


def _district_costs(sc, plan, rows: list[dict]) -> None:
    """Plan sites and cost per district, by the district polygon each proposed site stands in."""
    if not sc.inputs.admin:
        return
    from shapely import contains_xy

    from ..inputs import admin

    lon = np.array([s[0] for s in plan.sites_lonlat])
    lat = np.array([s[1] for s in plan.sites_lonlat])
    cost = np.array([b.total for b in plan.cost_breakdown])
    by_name = {r["district"]: r for r in rows}
    for d in admin.read_districts(sc.inputs.admin):
        if d.name not in by_name:
            continue
        inside = contains_xy(d.geometry, lon, lat) if len(lon) else np.zeros(0, bool)
        by_name[d.name]["plan_sites"] = int(inside.sum())
        by_name[d.name]["plan_cost"] = float(cost[inside].sum()) if len(lon) else 0.0


def _fibre_columns(row: dict, idx: np.ndarray, villages, fp, fac_idx: list[int]) -> None:
    """Fibre figures of one KPI row: households passed and facilities connected, before and after."""
    hh = np.array([villages[i].households for i in idx], float)
    total = hh.sum()
    for when, flags in (("before", fp.village_before), ("after", fp.village_after)):
        row[f"fibre_hh_{when}_pct"] = 100.0 * hh[flags[idx]].sum() / total if total else math.nan
    for kind, key in (("committee", "communes"), ("school", "schools"), ("health_station", "health")):
        ks = [i for i in fac_idx if fp.facilities[i].kind == kind]
        for when, flags in (("before", fp.facility_before), ("after", fp.facility_after)):
            row[f"fibre_{key}_{when}"] = f"{sum(bool(flags[i]) for i in ks)}/{len(ks)}" if ks else ""


def _service_columns(row: dict, idx: np.ndarray, villages, before, after) -> None:
    """People and households per service class (coverage.service.SERVICE_CLASSES), today and
    after the plan, and the share of people with broadband at the target rate."""
    from ..coverage.service import SERVICE_CLASSES

    pop = np.array([villages[i].population for i in idx], float)
    hh = np.array([villages[i].households for i in idx], float)
    for when, res in (("before", before), ("after", after)):
        cls = np.array([res.klass[i] for i in idx]) if len(idx) else np.array([], dtype=str)
        for c in SERVICE_CLASSES:
            m = cls == c
            row[f"people_{c}_{when}"] = float(pop[m].sum())
            row[f"households_{c}_{when}"] = float(hh[m].sum())
        row[f"ge50_pop_{when}_pct"] = 100.0 * pop[cls == "ge50"].sum() / pop.sum() if pop.sum() else math.nan
        row[f"service_4g_pop_{when}_pct"] = 100.0 * pop[np.isin(cls, ["ge50", "lt50"])].sum() / pop.sum() \
            if pop.sum() else math.nan


def tables(sc, villages: list, cov: dict, white: list[int], plan, operators: dict, fibre=None, communes=None,
           service=None) -> dict:
    """{'province': [row], 'district': [rows], 'commune': [rows], 'targets': [rows]}; with a fibre
    plan (plan.fibre.FibrePlan), the fibre columns too. With the communes of 2025
    (inputs.admin2025.VillageCommunes) the commune rows are those communes (district empty: the
    two-tier government has none), with the 2019 census carried to each beside the bản's sums."""
    by_2025 = communes
    n = len(villages)
    before = np.asarray(cov["covered"], bool)
    after = before.copy()
    if plan is not None:
        for lst in plan.newly_covered:
            after[lst] = True
    all_idx = np.arange(n)
    out = {"province": [_row({"province": "all"}, all_idx, villages, before, after, operators)]}
    districts: dict = OrderedDict()
    communes: dict = OrderedDict()
    for i, v in enumerate(villages):
        districts.setdefault(v.district, []).append(i)
        key = ("", by_2025.name_of(i)) if by_2025 is not None else (v.district, v.commune)
        communes.setdefault(key, []).append(i)
    out["district"] = [_row({"district": d}, np.array(ix), villages, before, after, operators)
                       for d, ix in sorted(districts.items())]
    out["commune"] = [_row({"district": d, "commune": c}, np.array(ix), villages, before, after, operators)
                      for (d, c), ix in sorted(communes.items())]
    if by_2025 is not None:
        code = {c.name: c.code for c in by_2025.communes}
        for r in out["commune"]:
            carried = by_2025.census.get(code.get(r["commune"], ""))
            r["commune_code"] = code.get(r["commune"], "")
            r["census_2019_population"] = carried.population if carried else ""
            r["census_2019_households"] = carried.households if carried else ""
    p = out["province"][0]
    if plan is not None:
        p["plan_sites"] = len(plan.chosen)
        p["plan_cost"] = float(plan.total_cost)
        p["plan_currency"] = plan.currency
        _district_costs(sc, plan, out["district"])
    if fibre is not None:
        fac_d: dict = OrderedDict()
        fac_c: dict = OrderedDict()
        for k, fa in enumerate(fibre.facilities):
            fac_d.setdefault(fa.district, []).append(k)
            fac_c.setdefault((fa.district, fa.commune), []).append(k)
        _fibre_columns(p, all_idx, villages, fibre, list(range(len(fibre.facilities))))
        for r, (d, ix) in zip(out["district"], sorted(districts.items())):
            _fibre_columns(r, np.array(ix), villages, fibre, fac_d.get(d, []))
        if by_2025 is not None:  # facilities by the commune of 2025 their point lies in
            from ..inputs.admin2025 import village_communes_of_points

            names = village_communes_of_points(by_2025, [f.lon for f in fibre.facilities], [f.lat for f in fibre.facilities])
            fac_c = OrderedDict()
            for k, name in enumerate(names):
                fac_c.setdefault(("", name), []).append(k)
        for r, (key, ix) in zip(out["commune"], sorted(communes.items())):
            _fibre_columns(r, np.array(ix), villages, fibre, fac_c.get(key, []))
        from ..plan.fibre import kpi_rows

        p.update({k: v for k, v in kpi_rows(fibre, sc).items()})
        p["fibre_plan_currency"] = fibre.currency
    if service is not None and service[0] is not None:
        before, after = service
        _service_columns(p, all_idx, villages, before, after)
        for r, (_d, ix) in zip(out["district"], sorted(districts.items())):
            _service_columns(r, np.array(ix), villages, before, after)
        for r, (_key, ix) in zip(out["commune"], sorted(communes.items())):
            _service_columns(r, np.array(ix), villages, before, after)
    out["targets"] = target_rows(sc, p, _years_reached(sc, villages, white, plan))
    return out


def _years_reached(sc, villages, white, plan) -> dict:
    """With a roll-out (planning.years): the first year by whose end each 4G target is met
    ('' when it is not by the last plan year)."""
    if plan is None or plan.schedule is None:
        return {}
    t = sc.targets
    total = sum(v.population for v in villages)
    before = total - sum(villages[i].population for i in white)
    target_4g = sc.planning.target_pct if sc.planning.objective == "target" and sc.planning.target_pct else \
        t.coverage_4g_pct
    out = {"4g": "", "white": ""}
    left = len(white)
    for y in plan.schedule.per_year:
        left -= len(y.villages)
        if target_4g is not None and out["4g"] == "" and total and \
                100.0 * (before + y.cumulative_people) / total >= target_4g - 1e-9:
            out["4g"] = y.year
        if t.white_villages is not None and out["white"] == "" and left <= t.white_villages:
            out["white"] = y.year
    return out


def target_rows(sc, p: dict, years: dict | None = None) -> list[dict]:
    """kpi_targets.csv: each indicator with the scenario's target (empty when it sets none), the
    published figure (empty when none is given), the value today and after the plan, and, with a
    roll-out (planning.years), the year the target is reached."""
    t, pub = sc.targets, sc.published
    years = years or {}

    def row(indicator, target, published, before, after, year_key=""):
        r = {"indicator": indicator, "target": "" if target is None else target,
             "published": "" if published is None else published, "before": before, "after_plan": after}
        if years:  # fibre has no roll-out years: its rows stay empty
            r["year_reached"] = years.get(year_key, "")
        return r

    target_4g = t.coverage_4g_pct
    if sc.planning.enabled and sc.planning.objective == "target" and sc.planning.target_pct is not None:
        target_4g = sc.planning.target_pct
    rows = [row("4G/5G coverage of people (%)", target_4g, None, p["covered_pop_before_pct"],
                p["covered_pop_after_pct"], "4g"),
            row("white bản (bản trắng)", t.white_villages, pub.white_villages, p["white_ban_before"],
                p["white_ban_after"], "white"),
            row("bản", None, pub.villages, p["ban"], p["ban"])]
    if "ge50_pop_before_pct" in p:
        target = sc.radio.service.target_mbps
        rows.append(row(f"broadband >= {target:g} Mbps, people (%)", t.broadband_50mbps_pct, None,
                        p["ge50_pop_before_pct"], p["ge50_pop_after_pct"]))
        rows.append(row("4G/5G service (link budget, area, uplink), people (%)", None, None,
                        p["service_4g_pop_before_pct"], p["service_4g_pop_after_pct"]))
    elif t.broadband_50mbps_pct is not None:
        rows.append(row("broadband >= 50 Mbps, people (%)", t.broadband_50mbps_pct, None,
                        "not modelled (radio.service.enabled)", "not modelled (radio.service.enabled)"))
    fibre = "fibre_households_before_pct" in p
    for label, target, key in (("fibre to households (%)", t.fibre_households_pct, "households"),
                               ("fibre to commune seats (%)", t.fibre_communes_pct, "communes"),
                               ("fibre to schools (%)", t.fibre_schools_pct, "schools"),
                               ("fibre to health stations (%)", t.fibre_health_pct, "health")):
        if fibre:
            rows.append(row(label, target, None, p[f"fibre_{key}_before_pct"], p[f"fibre_{key}_after_pct"]))
        elif target is not None:
            rows.append(row(label, target, None, "not modelled (no fibre plan: fibre.enabled)",
                            "not modelled (no fibre plan: fibre.enabled)"))
    return rows
