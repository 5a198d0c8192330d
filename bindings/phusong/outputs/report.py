"""The run report for the ministry, in Vietnamese (``outputs.language: vi``, the default) or
English (``en``): one document, two string tables (:mod:`phusong.outputs.report_text`).

It follows the shape of a provincial report: title, province and scenario, date (the run date,
so reruns are byte-identical) and software version; a summary; the indicators against the
scenario's targets (published figures shown as such); maps at print resolution (villages by
status before and after the plan over a hillshade, proposed sites by kind, scale bar, north
arrow, district and commune labels; the cost-versus-people curve); coverage per operator;
results per district and per commune; costs with CAPEX and OPEX apart (horizon and discount
rate stated) and per operator; every proposed site with WGS84 coordinates (5 decimals) and
VN-2000 X/Y; the bản no candidate reaches, why and how many dB short; data sources with the
SHA-256 of every input file (GENERATED data labelled); the parameters as a table.

Written as ``report.md``, a self-contained ``report.html`` (maps embedded) and, with
``outputs.report_pdf: true``, ``report.pdf`` (WeasyPrint, the ``report`` extra). One number
format per language throughout (:func:`phusong.outputs.report_text.num`).
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

import numpy as np

from .report_text import BACKHAUL_EN, KIND_EN, PARAMS, POWER_EN, REASON_EN, T, date_text, num

ROMAN = "I II III IV V VI VII VIII IX X XI XII XIII XIV XV".split()
VN2000 = "VN2000-TM3-104"


def bound_text(s: dict) -> str:
    """The plan's bound with its unit (English, for the CLI): a lower bound on the cost (set
    cover), or an upper bound on the people / bản / households any plan within the budget covers."""
    if s["plan_bound_unit"] == s["plan_cost_currency"]:
        return f"lower bound on the cost {s['plan_bound']:,.0f} {s['plan_bound_unit']}"
    return f"upper bound on what the budget can cover {s['plan_bound']:,.0f} {s['plan_bound_unit']}"


def sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def says_generated(path: str | Path) -> bool:
    """Whether a data file says it was GENERATED: in its name, or in its first megabyte."""
    if "GENERATED" in Path(path).name:
        return True
    with open(path, "rb") as f:
        return b"GENERATED" in f.read(1 << 20)


def input_roles(sc) -> list[tuple[str, list[str]]]:
    """(file, [roles]) for every file the run read, the scenario first, each file once."""
    from ..scenario import CANDIDATE_KINDS

    pairs = [("scenario", str(sc.path))] if sc.path else []
    pairs += [("dem", d) for d in sc.inputs.dem]
    pairs += [("villages", sc.inputs.villages), ("towers", sc.inputs.towers)]
    pairs += [(k, getattr(sc.inputs, k)) for k in ("admin", "clutter", "fibre", "power_grid", "facilities", "roads", "rivers")
              if getattr(sc.inputs, k)]
    if sc.inputs.clutter and sc.radio.clutter_classes != "worldcover":
        pairs.append(("clutter_classes", sc.radio.clutter_classes))
    if sc.planning.enabled:
        pairs += [("candidates", c) for c in sc.planning.candidates if c not in CANDIDATE_KINDS]
    out: dict[str, list[str]] = {}
    for role, f in pairs:
        out.setdefault(str(f), [])
        if role not in out[str(f)]:
            out[str(f)].append(role)
    return list(out.items())


class _Fmt:
    """The report's number formats in one language, and its money unit."""

    def __init__(self, lang: str, currency: str, amounts):
        self.lang = lang
        big = currency == "VND" and amounts and min(a for a in amounts) >= 1e5
        self.scale, self.money_dec = (1e6, 1) if big else (1.0, 0 if all(float(a).is_integer() for a in amounts) else 2)
        self.unit = ("triệu VND" if lang == "vi" else "million VND") if big else currency

    def n(self, v, d: int = 0) -> str:
        return num(v, d, self.lang)

    def money(self, v) -> str:
        return num(v / self.scale, self.money_dec, self.lang)

    def pct(self, v) -> str:
        return num(v, 2, self.lang)


def _province_name(sc) -> str:
    if not sc.inputs.admin:
        return ""
    try:
        name = json.loads(Path(sc.inputs.admin).read_text(encoding="utf-8")).get("name", "")
    except (OSError, ValueError, AttributeError):
        return ""
    return name if isinstance(name, str) else ""


def _annuity(costs) -> float:
    return sum(1.0 / (1.0 + costs.discount_rate) ** t for t in range(1, costs.horizon_years + 1))


def _param_value(key: str, v, f: _Fmt, t: dict) -> str:
    if v is None:
        return t["none"]
    if isinstance(v, bool):
        return t["yes"] if v else t["no"]
    if key.endswith("discount_rate"):
        return f.n(100 * v, 2 if not float(100 * v).is_integer() else 0) + " %"
    if key.endswith("microwave_bands_km_cost"):
        return "; ".join(f"≤ {f.n(km, 0 if float(km).is_integer() else 1)} km: {f.n(c)}" for km, c in v)
    if isinstance(v, list) and any(isinstance(x, dict) for x in v):  # planning.operators: name (share)
        return ", ".join(" ".join(str(x.get("name", "")) if k == "name" else f"({_plain(val, f)})"
                                  for k, val in x.items() if val is not None) for x in v)
    if isinstance(v, list):
        return ", ".join(Path(x).name if isinstance(x, str) and ("/" in x or "\\" in x) else
                         (_plain(x, f) if not isinstance(x, str) else x) for x in v) or t["none"]
    if isinstance(v, str):
        return Path(v).name if ("/" in v and Path(v).is_absolute()) else v
    return _plain(v, f)


def _plain(v, f: _Fmt) -> str:
    x = float(v)
    if x.is_integer():
        return f.n(x)
    d = min(7, len(repr(x).split(".")[1].rstrip("0")) if "." in repr(x) else 2)
    return f.n(x, d)


def _flatten(d: dict, prefix: str = "") -> list[tuple[str, object]]:
    out = []
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out += _flatten(v, key + ".")
        else:
            out.append((key, v))
    return out


def _descriptions(model, prefix: str = "") -> dict[str, str]:
    """English descriptions of the scenario fields (pydantic), by dotted key."""
    from pydantic import BaseModel

    out = {}
    for name, fi in type(model).model_fields.items():
        v = getattr(model, name)
        if isinstance(v, BaseModel):
            out.update(_descriptions(v, f"{prefix}{name}."))
        elif fi.description:
            out[f"{prefix}{name}"] = fi.description
    return out


def document(result, maps: dict[str, Path]) -> tuple[list, str]:
    """The report as a list of blocks (see :mod:`phusong.outputs.report_render`) and its title."""
    from .. import __version__, _core
    from ..plan.types import NEW_OPERATOR
    from .layers import BACKHAUL_VI, KIND_VI, POWER_VI, REASON_VI, run_date
    from .report_maps import DPI, GROUPS, site_group

    sc, s, plan = result.scenario, result.summary, result.plan
    lang = sc.outputs.language
    t = T[lang]
    vi = lang == "vi"
    kind_name = (lambda k: KIND_VI.get(k, KIND_VI["candidate"])) if vi else (lambda k: KIND_EN.get(k, KIND_EN["candidate"]))
    bh_name = BACKHAUL_VI if vi else BACKHAUL_EN
    pw_name = POWER_VI if vi else POWER_EN
    reason_name = REASON_VI if vi else REASON_EN
    currency = plan.currency if plan is not None else sc.planning.costs.currency
    costs = plan.cost_breakdown if plan is not None else []
    amounts = [a for b in costs for a in (b.capex, b.opex_pv, b.backhaul, b.power, b.total) if a > 0]
    f = _Fmt(lang, currency, amounts)
    flat = sc.planning.cost_per_site is not None
    cc = sc.planning.costs
    annuity = _annuity(cc)
    years, rate = cc.horizon_years, f.n(100 * cc.discount_rate, 0 if float(100 * cc.discount_rate).is_integer() else 2)
    chosen = [result.candidates[j] for j in plan.chosen] if plan is not None else []
    doc: list = []
    sec = iter(ROMAN)

    def h2(key: str):
        doc.append(("h", 2, f"{next(sec)}. {t[key]}"))

    # Title, province, scenario, date, software.
    title = t["title"]
    doc.append(("h", 1, title))
    scen = sc.name + (f" — {' '.join(sc.description.split())}" if sc.description else "")
    doc.append(("meta", [(t["province"], _province_name(sc) or t["province_unknown"]), (t["scenario"], scen),
                         (t["date"], date_text(run_date(), lang)),
                         (t["software"], f"phusong {__version__} — {t['software_note']}")]))

    # I. Summary.
    h2("s_summary")
    items = [t["sum_villages"].format(ban=f.n(s["villages"]), pop=f.n(s["population"]), hh=f.n(s["households"]),
                                      bb=f.n(s["broadband_towers"]), towers=f.n(s["towers"])),
             t["sum_white"].format(white=f.n(s["white_villages"]), wpop=f.n(s["white_population"]),
                                   pct=f.pct(s["covered_population_pct"]), thr=f.n(s["threshold_dbm"], 0),
                                   model=s["model"])]
    if plan is not None:
        groups = [site_group(c.kind) for c in chosen]
        kinds = ", ".join(t["n_kind"][g].format(n=f.n(groups.count(g))) for g in GROUPS if groups.count(g))
        items.append(t["sum_plan"].format(method=plan.method, n=f.n(len(chosen)), kinds=kinds or "–",
                                          newly=f.n(s["villages_covered_by_plan"]),
                                          npop=f.n(s["population_covered_by_plan"]),
                                          still=f.n(s["still_white_villages"]), unc=f.n(s["uncoverable_villages"])))
        tot = [sum(getattr(b, k) for b in costs) for k in ("capex", "opex_pv", "backhaul", "power", "total")]
        if flat:
            items.append(t["sum_flat"].format(n=f.n(len(chosen)), each=f.n(sc.planning.cost_per_site, 0),
                                              cur=currency, total=f.n(tot[4])))
        else:
            capex = tot[0] + tot[2] + tot[3]
            items.append(t["sum_costs"].format(capex=f.money(capex), cur=f.unit,
                                               opex_year=f.money(tot[1] / annuity if annuity else 0.0),
                                               years=f.n(years), rate=rate, opex=f.money(tot[1]),
                                               total=f.money(tot[4])))
        gap = f.pct(100 * plan.gap) if plan.gap is not None else "–"
        proven = t["proven"] if plan.proven_optimal else ""
        if plan.bound_unit == plan.currency:
            items.append(t["sum_bound"].format(bound=f.money(plan.bound), unit=f.unit, gap=gap, proven=proven))
        else:
            unit = {"people": "người", "households": "hộ"}.get(plan.bound_unit, plan.bound_unit) if vi else \
                {"bản": "villages"}.get(plan.bound_unit, plan.bound_unit)
            items.append(t["sum_bound_budget"].format(bound=f.n(plan.bound), unit=unit, gap=gap, proven=proven))
        if plan.target is not None:
            tg = plan.target
            state = t["target_reached"] if tg.reached else t["target_unreachable"].format(reach=f.pct(tg.reachable_pct))
            items.append(t["sum_target"].format(target=f.pct(tg.target_pct), of=t[f"of_{tg.of}"], after=f.pct(tg.after_pct),
                                                state=state, full=f.money(tg.full_cost), unit=f.unit,
                                                sites=f.n(tg.full_sites), extra=f.money(tg.extra_cost_to_full)))
    else:
        items.append(t["no_plan"])
    fp = result.fibre
    if fp is not None:
        ff = _Fmt(lang, fp.currency, [fp.total_cost])
        items.append(t["sum_fibre"].format(
            fac=f.n(int((fp.facility_after & ~fp.facility_before).sum())),
            b=f.pct(100 * fp.households_before / max(fp.households_total, 1)),
            a=f.pct(100 * fp.households_after / max(fp.households_total, 1)), target=f.pct(fp.household_target_pct),
            km=f.n(fp.new_route_km), cost=ff.money(fp.total_cost), unit=ff.unit))
    doc.append(("ul", items))

    # II. Indicators against targets.
    h2("s_targets")
    rows = []
    for r in result.kpis["targets"]:
        pct = "%" in r["indicator"]

        def cell(v, pct=pct):
            if v == "" or v is None:
                return "–"
            if isinstance(v, str) and v.startswith("not modelled"):
                return t["not_modelled"]
            return f.pct(v) if pct else f.n(v)

        rows.append([t["t_rows"].get(r["indicator"], r["indicator"]), cell(r["target"]), cell(r["published"]),
                     cell(r["before"]), cell(r["after_plan"])] + ([str(r["year_reached"]) or "–"]
                                                                  if "year_reached" in r else []))
    with_year = any("year_reached" in r for r in result.kpis["targets"])
    doc.append(("table", [t["t_indicator"], t["t_target"], t["t_published"], t["t_before"], t["t_after"]] +
                ([t["t_year"]] if with_year else []), rows, {"num": {1, 2, 3, 4}}))
    if all(r["target"] == "" for r in result.kpis["targets"]):
        doc.append(("p", t["t_none"]))
    if sc.published.source and any(r["published"] != "" for r in result.kpis["targets"]):
        doc.append(("p", t["t_source"].format(src=sc.published.source)))

    # III. Maps.
    h2("s_maps")
    for key, cap in (("before", "map_before"), ("after", "map_after"), ("curve", "map_curve")):
        if key in maps:
            doc.append(("img", maps[key].name, t[cap]))
    doc.append(("p", t["map_note"].format(dpi=DPI)))

    # IV. Coverage per operator.
    h2("s_operators")
    doc.append(("table", [t["c_operator"], t["c_sites"], t["c_cov_ban"], t["c_cov_pct"]], [
        [op, f.n(d["sites"]), f.n(d["covered_villages"]), f.pct(100 * d["covered_population"] / max(s["population"], 1))]
        for op, d in result.operators.items()], {"num": {1, 2, 3}}))

    # V. Per district, VI. per commune.
    h2("s_district")
    dist = result.kpis["district"]
    with_cost = plan is not None and any("plan_sites" in r for r in dist)
    heads = [t["c_district"], t["c_ban"], t["c_pop"], t["c_hh"], t["c_white_b"], t["c_pct_b"], t["c_white_a"],
             t["c_pct_a"]]
    if with_cost:
        heads += [t["c_plan_sites"], t["c_plan_cost"].format(unit=f.unit)]

    def kpi_row(name, r, cost=False):
        row = [name, f.n(r["ban"]), f.n(r["population"]), f.n(r["households"]), f.n(r["white_ban_before"]),
               f.pct(r["covered_pop_before_pct"]), f.n(r["white_ban_after"]), f.pct(r["covered_pop_after_pct"])]
        if cost:
            row += [f.n(r.get("plan_sites", 0)), f.money(r.get("plan_cost", 0.0))]
        return row

    rows = [kpi_row(r["district"], r, with_cost) for r in dist]
    rows.append(kpi_row(f"**{t['total_row']}**", result.kpis["province"][0], with_cost))
    doc.append(("table", heads, rows, {"num": set(range(1, len(heads)))}))
    h2("s_commune")
    heads = [t["c_district"], t["c_commune"], t["c_ban"], t["c_pop"], t["c_hh"], t["c_white_b"], t["c_pct_b"],
             t["c_white_a"], t["c_pct_a"]]
    communes = result.kpis["commune"]
    if communes and all(r["district"] == "" for r in communes):  # the communes of 2025: no districts
        doc.append(("p", t["communes_2025"]))
        doc.append(("table", heads[1:], [kpi_row(r["commune"], r) for r in communes],
                    {"num": set(range(1, len(heads) - 1)), "cls": "small"}))
    else:
        doc.append(("table", heads, [[r["district"]] + kpi_row(r["commune"], r) for r in communes],
                    {"num": set(range(2, len(heads))), "cls": "small"}))

    if fp is not None:
        _fibre_section(doc, h2, result, maps, t, f)

    if plan is not None and chosen:
        # VII. Costs: CAPEX and OPEX apart, per operator.
        h2("s_costs")
        tot = {k: sum(getattr(b, k) for b in costs) for k in ("capex", "opex_pv", "backhaul", "power", "total")}
        if flat:
            doc.append(("p", t["cost_flat"].format(each=f.n(sc.planning.cost_per_site), cur=currency, unit=f.unit)))
            rows = [[t["ci_flat"], f.money(tot["total"])]]
        else:
            doc.append(("p", t["cost_intro"].format(years=f.n(years), rate=rate, annuity=f.n(annuity, 4), unit=f.unit)))
            capex = tot["capex"] + tot["backhaul"] + tot["power"]
            rows = [[t["ci_capex_site"], f.money(tot["capex"])], [t["ci_capex_bh"], f.money(tot["backhaul"])],
                    [t["ci_capex_pw"], f.money(tot["power"])], [f"**{t['ci_capex']}**", f.money(capex)],
                    [t["ci_opex_year"], f.money(tot["opex_pv"] / annuity if annuity else 0.0)],
                    [f"**{t['ci_opex_pv'].format(years=f.n(years))}**", f.money(tot["opex_pv"])],
                    [t["ci_total"], f.money(tot["total"])]]
        doc.append(("table", [t["cost_item"], t["cost_value"].format(unit=f.unit)], rows, {"num": {1}}))
        if not flat and cc.sharing_penalty_per_village > 0 and any(site_group(c.kind) == "new" for c in chosen):
            doc.append(("p", t["penalty_note"]))
        doc.append(("h", 3, t["per_operator"]))
        by_op: dict = {}
        for c, b in zip(chosen, costs):
            d = by_op.setdefault(c.operator, [0, 0.0, 0.0, 0.0])
            d[0] += 1
            d[1] += b.capex + b.backhaul + b.power
            d[2] += b.opex_pv
            d[3] += b.total
        heads = [t["c_op"], t["c_n"]] + ([t["c_total"]] if flat else
                                         [t["c_capex"], t["c_opex_year"], t["c_opex_pv"], t["c_total"]])
        rows = []
        for op in sorted(by_op, key=lambda o: (o == NEW_OPERATOR, o)):
            n, cap, opv, total = by_op[op]
            rows.append([op, f.n(n)] + ([f.money(total)] if flat else
                                        [f.money(cap), f.money(opv / annuity if annuity else 0.0), f.money(opv),
                                         f.money(total)]))
        doc.append(("table", [h if i < 2 else f"{h} ({f.unit})" for i, h in enumerate(heads)], rows,
                    {"num": set(range(1, len(heads)))}))
        if NEW_OPERATOR in by_op:
            doc.append(("p", t["per_operator_note"]))

        # VIII. Every proposed site.
        doc.append(("section", "wide"))
        h2("s_sites")
        doc.append(("p", t["sites_intro"].format(n=f.n(len(chosen)), unit=f.unit)))
        lon = np.array([c.lon for c in chosen], float)
        lat = np.array([c.lat for c in chosen], float)
        east, north = _core.transform(lon, lat, "WGS84", VN2000)
        heads = [t["c_rank"], t["c_site"], t["c_kind"], t["c_op"], t["c_lon"], t["c_lat"], t["c_x"], t["c_y"],
                 t["c_bh"], t["c_pw"], t["c_capex"], t["c_opex_pv"], t["c_total"], t["c_new_ban"], t["c_new_pop"]]
        rows = []
        for k, (c, b, lst) in enumerate(zip(chosen, costs, plan.newly_covered)):
            bh = bh_name.get(b.backhaul_kind, b.backhaul_kind)
            if math.isfinite(b.backhaul_km):
                bh += f" {f.n(b.backhaul_km, 1)} km"
            pw = pw_name.get(b.power_kind, b.power_kind)
            if math.isfinite(b.power_km):
                pw += f" {f.n(b.power_km, 1)} km"
            rows.append([f.n(k + 1), c.id, kind_name(c.kind), c.operator, f.n(c.lon, 5), f.n(c.lat, 5),
                         f.n(north[k], 2), f.n(east[k], 2), bh, pw, f.money(b.capex + b.backhaul + b.power),
                         f.money(b.opex_pv), f.money(b.total), f.n(len(lst)),
                         f.n(sum(result.villages[i].population for i in lst))])
        doc.append(("table", heads, rows, {"num": {0, 4, 5, 6, 7, 10, 11, 12, 13, 14}, "cls": "small sites"}))

    if plan is not None and plan.uncoverable:
        # IX. Bản no candidate reaches.
        h2("s_uncoverable")
        thr = sc.radio.threshold_dbm
        doc.append(("p", t["unc_intro"].format(n=f.n(len(plan.uncoverable)), thr=f.n(thr, 0))))
        rows = []
        for i, why in plan.uncoverable.items():
            v = result.villages[i]
            best = plan.uncoverable_best_rsrp_dbm.get(i, math.nan)
            ob = plan.uncoverable_obstacle.get(i)
            rows.append([v.id, v.name, v.commune, v.district, reason_name.get(why, why), f.n(best, 1),
                         f.n(thr - best, 1) if math.isfinite(best) else "–",
                         t["obstacle"].format(m=f.n(ob[1], 0), km=f.n(ob[0], 1)) if ob else "–",
                         f.money(plan.satellite_households[i]) if i in plan.satellite_households else "–"])
        doc.append(("table", [t["c_vid"], t["c_vname"], t["c_commune"], t["c_district"], t["c_reason"], t["c_best"],
                              t["c_short"], t["c_obstacle"], t["c_satellite"].format(unit=f.unit)], rows,
                    {"num": {5, 6, 8}, "cls": "small"}))

    if plan is not None and (plan.agreement is not None or plan.schedule is not None or plan.economics):
        _programme_section(doc, h2, result, t, f)
    if getattr(result, "service_before", None) is not None:
        _service_section(doc, h2, result, t, f)

    # X. Data sources with checksums.
    if not (plan is not None and chosen):
        doc.append(("section", "wide"))
    h2("s_sources")
    doc.append(("p", t["src_intro"]))
    doc.append(("table", [t["c_role"], t["c_file"], t["c_size"], t["c_sha"], t["c_origin"]],
                _source_rows(sc, t, f), {"num": {2}, "cls": "small sha"}))

    doc.append(("/section",))

    # XI. Parameters.
    doc.append(("section", "normal"))
    h2("s_params")
    desc = _descriptions(sc)
    dump = sc.model_dump(mode="json", exclude={"threads", "path", "inputs", "name", "description"})
    rows = []
    for key, v in _flatten(dump):
        vi_en = PARAMS.get(key)
        meaning = (vi_en[0] if vi else vi_en[1]) if vi_en else desc.get(key, "")
        rows.append([f"`{key}`", _param_value(key, v, f, t), meaning])
    doc.append(("table", [t["c_key"], t["c_value"], t["c_meaning"]], rows, {"cls": "small"}))
    doc.append(("/section",))
    return doc, title


def _service_section(doc: list, h2, result, t: dict, f: _Fmt) -> None:
    """Service classes today and after the plan (coverage.service), and the switch-off."""
    from .._core import location_margin_db
    from ..coverage.service import SERVICE_CLASSES, SERVICE_EN, SERVICE_VI

    sc = result.scenario
    svc = sc.radio.service
    names = SERVICE_VI if sc.outputs.language == "vi" else SERVICE_EN
    h2("s_service")
    doc.append(("p", t["svc_intro"].format(
        sigma=f.n(svc.shadowing_sigma_db, 1), p=f.pct(100 * svc.edge_probability),
        m=f.n(location_margin_db(svc.shadowing_sigma_db, svc.edge_probability), 1), body=f.n(svc.body_loss_db, 1),
        load=f.pct(100 * svc.load), pts=f.n(svc.sample_points), r=f.n(svc.sample_radius_m), share=f.pct(svc.covered_share_pct),
        ue=f.n(svc.ue_power_dbm), ul=f.n(svc.ul_required_sinr_db, 1), mbps=f.n(svc.target_mbps),
        eff=t["svc_eff"][svc.efficiency])))
    rows = []
    for c in SERVICE_CLASSES:
        vals = []
        for res in (result.service_before, result.service_after):
            m = [i for i, k in enumerate(res.klass) if k == c]
            vals += [f.n(len(m)), f.n(sum(result.villages[i].population for i in m)),
                     f.n(sum(result.villages[i].households for i in m))]
        rows.append([names[c]] + vals)
    doc.append(("table", [t["svc_class"], t["svc_ban_b"], t["svc_pop_b"], t["svc_hh_b"], t["svc_ban_a"], t["svc_pop_a"],
                          t["svc_hh_a"]], rows, {"num": set(range(1, 7))}))
    if sc.radio.switch_off:
        lost = result.switch_off_lost
        doc.append(("p", t["svc_switch"].format(tech=", ".join(sc.radio.switch_off), n=f.n(len(lost)),
                                                pop=f.n(sum(result.villages[i].population for i in lost)),
                                                after=f.n(sum(1 for i in lost if result.service_after.klass[i] in
                                                              ("ge50", "lt50"))))))


def _programme_section(doc: list, h2, result, t: dict, f: _Fmt) -> None:
    """The operators' agreement, the roll-out years and the public-utility fund (outputs.programme)."""
    from . import programme

    plan, sc = result.plan, result.scenario
    h2("s_programme")
    if plan.agreement is not None:
        a = plan.agreement
        doc.append(("p", t["agr_intro"].format(
            rule=t["agr_rule"][sc.planning.agreement_rule], tol=f.n(sc.planning.share_tolerance_pct, 1),
            cost=f.money(a.total_cost), unit=f.unit,
            gap=f.pct(100 * a.gap) if math.isfinite(a.gap) else "–", proven=t["proven"] if a.proven_optimal else "")))
        rows = []

        def pct(v):
            return f.pct(100 * v) if v != "" else "–"

        for r in programme.agreement_rows(result):
            rows.append([r["nha_mang"], pct(r["ti_le_thoa_thuan"]), f.n(r["so_tram"]), f.n(r["so_ban"]),
                         f.n(r["dan_so"]), pct(r["ti_le_dan_so"]), f.money(r["capex_gom_truyen_dan_dien"]),
                         f.money(r["opex_hien_gia"]), f.money(r["tong_chi_phi"]), pct(r["ti_le_chi_phi"])])
        doc.append(("table", [t["c_operator"], t["agr_share"], t["c_sites"], t["c_ban"], t["c_people"],
                              t["agr_people_share"], f"CAPEX ({f.unit})", f"OPEX ({f.unit})", f"{t['c_total']} ({f.unit})",
                              t["agr_cost_share"]], rows, {"num": set(range(1, 10)), "cls": "small"}))
    if plan.schedule is not None:
        sch = plan.schedule
        doc.append(("p", t["roll_intro"].format(method=sch.method, gap=f.pct(100 * sch.gap) if math.isfinite(sch.gap)
                                                else "–", carry=t["yes"] if sch.carry_over else t["no"])))
        rows = [[str(r["nam"]), f.money(r["ngan_sach"]) if r["ngan_sach"] != "" else "–", f.money(r["da_chi"]),
                 f.n(r["so_tram"]), f.n(r["so_ban_moi"]) if r["so_ban_moi"] != "" else "–",
                 f.n(r["dan_moi"]) if r["dan_moi"] != "" else "–",
                 f.pct(r["ti_le_phu_cuoi_nam_pct"]) if r["ti_le_phu_cuoi_nam_pct"] != "" else "–"]
                for r in programme.rollout_rows(result)]
        doc.append(("table", [t["roll_year"], f"{t['roll_budget']} ({f.unit})", f"{t['roll_spent']} ({f.unit})",
                              t["c_sites"], t["c_ban"], t["c_people"], t["roll_share"]], rows,
                    {"num": {1, 2, 3, 4, 5, 6}}))
        if not sch.reaches_target:
            doc.append(("p", t["roll_short"].format(share=f.pct(100 * sch.reachable_share),
                                                    need=f.money(sch.shortfall_cost), unit=f.unit)))
    if plan.economics:
        e = sc.planning.economics
        tot = plan.fund["totals"]
        doc.append(("p", t["fund_intro"].format(adopt=f.pct(e.adoption_pct), smart=f.pct(e.smartphone_pct),
                                                arpu=f.n(e.arpu_vnd_per_month), g=f.pct(e.arpu_growth_pct_per_year),
                                                years=f.n(sc.planning.costs.horizon_years),
                                                fund=f.money(tot["fund_request"]), unit=f.unit,
                                                n=f.n(sum(1 for r in plan.economics if r.fund_request > 0)),
                                                op=f.money(tot["operator_share"]))))
        for key, head in (("by_commune", t["c_commune"]), ("by_year", t["roll_year"]), ("by_operator", t["c_operator"])):
            rows = []
            for r in programme.fund_rows(result, key):
                rows.append([str(list(r.values())[0]), f.n(r["so_tram"]), f.n(r["dan_phu_moi"]),
                             f.money(r["chi_phi_hien_gia"]), f.money(r["doanh_thu_hien_gia"]), f.money(r["thieu_hut"]),
                             f.money(r["quy_ho_tro"]), f.money(r["nha_mang_chi_tra"])])
            doc.append(("table", [head, t["c_sites"], t["c_people"], f"{t['fund_cost']} ({f.unit})",
                                  f"{t['fund_revenue']} ({f.unit})", f"{t['fund_gap']} ({f.unit})",
                                  f"{t['fund_request']} ({f.unit})", f"{t['fund_operator']} ({f.unit})"], rows,
                        {"num": set(range(1, 8)), "cls": "small"}))


def _fibre_section(doc: list, h2, result, maps: dict, t: dict, f: _Fmt) -> None:
    """The fibre plan: what it costs, how close to optimal, the network, a map and the districts."""
    fp, sc = result.fibre, result.scenario
    ff = _Fmt(sc.outputs.language, fp.currency, [fp.total_cost, fp.cost_facilities, fp.cost_households])
    h2("s_fibre")
    doc.append(("p", t["fibre_intro"].format(target=f.pct(fp.household_target_pct), conn=f.n(sc.fibre.connected_m),
                                             unit=ff.unit)))
    doc.append(("table", [t["cost_item"], t["cost_value"].format(unit=ff.unit)], [
        [t["fi_fac"], ff.money(fp.cost_facilities)], [t["fi_hh"], ff.money(fp.cost_households)],
        [t["fi_eq"], ff.money(fp.cost_equipment)], [f"**{t['fi_total']}**", ff.money(fp.total_cost)]], {"num": {1}}))

    def gap(g):
        return f.pct(100 * g) if g is not None and math.isfinite(g) else "–"

    new_v = fp.village_after & ~fp.village_before
    hh = sum(result.villages[i].households for i in new_v.nonzero()[0])
    items = [t["fibre_total"].format(cost=ff.money(fp.total_cost), bound=ff.money(fp.total_bound) if
                                     math.isfinite(fp.total_bound) else "–", unit=ff.unit, gap=gap(fp.total_gap)),
             t["fibre_solver"].format(method=fp.method, cost=ff.money(fp.tree_objective), bound=ff.money(fp.bound),
                                      unit=ff.unit, gap=gap(fp.gap), proven=t["proven"] if fp.proven_optimal else ""),
             t["fibre_hh_line"].format(n=f.n(int(new_v.sum())), hh=f.n(hh), cost=ff.money(fp.household_objective),
                                       bound=ff.money(fp.household_bound) if math.isfinite(fp.household_bound) else "–",
                                       unit=ff.unit, gap=gap(fp.household_gap),
                                       method=t["fibre_hh_exact" if sc.fibre.household_method == "exact"
                                                else "fibre_hh_greedy"],
                                       proven=t["proven"] if fp.household_proven_optimal else ""),
             t["fibre_net"].format(km=f.n(fp.new_route_km), olt=f.n(fp.olts), cab=f.n(fp.cabinets),
                                   reach=f.n(sc.fibre.reach_km), spl=f.n(fp.splitters), ratio=sc.fibre.splitter_ratio)]
    if result.plan is not None:
        items.append(t["fibre_combined"].format(total=ff.money(result.summary["total_cost_4g_and_fibre"]), unit=ff.unit))
    if fp.facility_reason:
        items.append(t["fibre_unreach"].format(ids=", ".join(fp.facilities[i].id for i in sorted(fp.facility_reason))))
    if fp.village_reason:
        ids = [result.villages[i].id for i in sorted(fp.village_reason)]
        items.append(t["fibre_unreach_v"].format(n=f.n(len(ids)), ids=", ".join(ids[:40]) + (" …" if len(ids) > 40 else "")))
    doc.append(("ul", items))
    if "fibre" in maps:
        doc.append(("img", maps["fibre"].name, t["map_fibre"]))
    rows = []
    for r in result.kpis["district"] + [dict(result.kpis["province"][0], district=f"**{t['total_row']}**")]:
        rows.append([r["district"], f.pct(r["fibre_hh_before_pct"]), f.pct(r["fibre_hh_after_pct"]),
                     f"{r['fibre_communes_before']} → {r['fibre_communes_after']}",
                     f"{r['fibre_schools_before']} → {r['fibre_schools_after']}",
                     f"{r['fibre_health_before']} → {r['fibre_health_after']}"])
    doc.append(("table", [t["c_district"], t["fc_hh_b"], t["fc_hh_a"], t["fc_com"], t["fc_sch"], t["fc_hs"]], rows,
                {"num": {1, 2}}))


def _source_rows(sc, t: dict, f: _Fmt) -> list[list[str]]:
    from ..inputs import datasets

    reg = datasets.registry()
    try:
        data_dir = datasets.data_dir().resolve()
    except Exception:  # no data directory configured: nothing is from the registry
        data_dir = None
    rows = []
    for path, roles in input_roles(sc):
        p = Path(path)
        digest = sha256(p)
        entry = None
        if data_dir is not None:
            try:
                entry = reg.get(p.resolve().relative_to(data_dir).as_posix())
            except ValueError:
                entry = None
        if roles == ["scenario"]:
            origin = t["user"]
        elif says_generated(p):
            origin = t["generated"]
        elif entry is not None:
            origin = t["real"].format(what=entry.get("what", ""), url=entry.get("url", ""),
                                       licence=entry.get("licence", "–"))
        else:
            origin = t["user"]
        rows.append([", ".join(t["roles"].get(r, r) for r in roles), p.name, f.n(p.stat().st_size), digest, origin])
    return rows


def write(staging: Path, result, dem) -> list[Path]:
    """Writes the maps, report.md, report.html and (outputs.report_pdf) report.pdf."""
    from . import report_maps, report_render
    from .layers import run_date, village_status

    sc = result.scenario
    lang = sc.outputs.language
    t = T[lang]
    before, after, _, _ = village_status(result)
    maps = {"before": report_maps.village_map(staging / "map_before.png", result, dem, before, t["map_before"], lang,
                                              towers=True)}
    plan = result.plan
    if plan is not None:
        chosen = [result.candidates[j] for j in plan.chosen]
        maps["after"] = report_maps.village_map(staging / "map_after.png", result, dem, after, t["map_after"], lang,
                                                chosen)
        if plan.curve:
            amounts = [a for b in plan.cost_breakdown for a in (b.capex, b.opex_pv, b.backhaul, b.power, b.total)
                       if a > 0]
            f = _Fmt(lang, plan.currency, amounts)
            maps["curve"] = report_maps.curve_map(staging / "plan_curve.png", plan, lang, f.scale, f.unit)
    if result.fibre is not None:
        maps["fibre"] = report_maps.fibre_map(staging / "map_fibre.png", result, dem, t["map_fibre"], lang)
    doc, title = document(result, maps)
    files = list(maps.values())
    md = staging / "report.md"
    md.write_text(report_render.markdown(doc), encoding="utf-8")
    page = report_render.html_page(doc, lang, title, {m.name: m for m in maps.values()})
    html_path = staging / "report.html"
    html_path.write_text(page, encoding="utf-8")
    files += [md, html_path]
    if sc.outputs.report_pdf:
        files.append(report_render.pdf(page, staging / "report.pdf", run_date()))
    return files
