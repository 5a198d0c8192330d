"""The run report: Markdown and one self-contained HTML file (maps embedded), with maps of the
villages by status over a hillshade, the proposed sites, coverage before and after the plan,
the KPI tables, the cost-versus-people curve, the parameters and the data sources (saying what
was generated). matplotlib draws the maps (Agg backend, no display needed)."""

from __future__ import annotations

import base64
import html
import json
import math
from pathlib import Path

import numpy as np

from ..inputs import admin

COLORS = {"covered": "#2e7d32", "white": "#d32f2f", "covered_by_plan": "#1565c0", "uncoverable": "#6a1b9a"}
LABELS = {"covered": "phủ sóng (covered)", "white": "bản trắng (white)", "covered_by_plan": "phủ sóng mới (plan)",
          "uncoverable": "không phủ được (VSAT)"}


def _hillshade(dem, max_px: int = 900):
    h = dem.heights_m
    step = max(1, int(math.ceil(max(h.shape) / max_px)))
    z = np.nan_to_num(h[::step, ::step], nan=float(np.nanmin(h)))
    gt = dem.geotransform
    dx = abs(gt[1]) * step * (111320 * math.cos(math.radians(gt[3])) if dem.is_geographic else 1)
    dy = abs(gt[5]) * step * (110570 if dem.is_geographic else 1)
    gy, gx = np.gradient(z, dy, dx)
    slope = np.arctan(np.hypot(gx, gy))
    aspect = np.arctan2(-gx, gy)
    az, alt = math.radians(315), math.radians(45)
    shade = np.sin(alt) * np.cos(slope) + np.cos(alt) * np.sin(slope) * np.cos(az - aspect)
    extent = (gt[0], gt[0] + gt[1] * h.shape[1], gt[3] + gt[5] * h.shape[0], gt[3])
    return np.clip(shade, 0, 1), extent


def _districts(result):
    path = result.scenario.inputs.admin
    if not path:
        return []
    return [ring for d in admin.read_districts(path) for ring in d.rings()]


def _map(path: Path, result, dem, statuses, title: str, sites=None) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shade, extent = _hillshade(dem)
    fig, ax = plt.subplots(figsize=(9, 7.5), dpi=110)
    ax.imshow(shade, cmap="gray", extent=extent, alpha=0.55, interpolation="bilinear")
    for ring in _districts(result):
        ax.plot(ring[:, 0], ring[:, 1], color="#444", lw=0.7)
    lon = np.array([v.lon for v in result.villages])
    lat = np.array([v.lat for v in result.villages])
    st = np.array(statuses)
    for key in ("covered", "covered_by_plan", "white", "uncoverable"):
        m = st == key
        if m.any():
            ax.scatter(lon[m], lat[m], s=6 if key == "covered" else 12, c=COLORS[key], label=f"{LABELS[key]}: {m.sum()}",
                       zorder=3, linewidths=0)
    if sites:
        ax.scatter([s.lon for s in sites], [s.lat for s in sites], marker="^", s=40, c="#ff9800", edgecolors="k",
                   linewidths=0.5, label=f"trạm đề xuất (proposed sites): {len(sites)}", zorder=4)
    xs = [p for r in _districts(result) for p in r[:, 0]] or list(lon)
    ys = [p for r in _districts(result) for p in r[:, 1]] or list(lat)
    ax.set_xlim(min(xs) - 0.02, max(xs) + 0.02)
    ax.set_ylim(min(ys) - 0.02, max(ys) + 0.02)
    ax.set_aspect(1 / math.cos(math.radians(float(np.mean(ys)))))
    ax.set_title(title)
    ax.set_xlabel("lon (°E)")
    ax.set_ylabel("lat (°N)")
    ax.legend(loc="lower left", fontsize=8, framealpha=0.9)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def bound_text(s: dict) -> str:
    """The plan's bound with its unit: a lower bound on the cost (set cover), or an upper bound on
    the people / bản / households that any plan within the budget covers."""
    if s["plan_bound_unit"] == s["plan_cost_currency"]:
        return f"lower bound on the cost {s['plan_bound']:,.0f} {s['plan_bound_unit']}"
    return f"upper bound on what the budget can cover {s['plan_bound']:,.0f} {s['plan_bound_unit']}"


def _curve(path: Path, plan) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    c = np.array([[0, 0, 0]] + [list(x) for x in plan.curve], float)
    fig, ax = plt.subplots(figsize=(7, 4), dpi=110)
    ax.step(c[:, 0] / 1e9 if plan.currency == "VND" else c[:, 0], c[:, 1], where="post")
    ax.set_xlabel("cumulative cost (billion VND)" if plan.currency == "VND" else f"cumulative cost ({plan.currency})")
    ax.set_ylabel("people newly covered")
    ax.set_title("Chi phí – dân số được phủ sóng (cost vs people covered)")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def _fmt(v) -> str:
    if isinstance(v, float):
        if not math.isfinite(v):
            return "–"
        return f"{v:,.2f}" if abs(v) < 1e5 else f"{v:,.0f}"
    return str(v)


def _table(rows: list[dict], keys: list[str] | None = None) -> str:
    if not rows:
        return "(none)\n"
    keys = keys or list(rows[0].keys())
    out = "| " + " | ".join(keys) + " |\n|" + "---|" * len(keys) + "\n"
    for r in rows:
        out += "| " + " | ".join(_fmt(r.get(k, "")) for k in keys) + " |\n"
    return out


def markdown(result, maps: dict) -> str:
    from ..inputs import datasets
    from .layers import REASON_VI, village_status

    sc, s, plan = result.scenario, result.summary, result.plan
    md = [f"# phusong report — {sc.name}\n", f"{sc.description}\n" if sc.description else ""]
    md.append("## Summary\n")
    md.append(f"- **{s['villages']:,} bản**, {s['population']:,.0f} people, {s['households']:,.0f} households; "
              f"{s['broadband_towers']:,} broadband (4G/5G) sites of {s['towers']:,} towers.\n")
    md.append(f"- **White bản today: {s['white_villages']:,}** ({s['white_population']:,.0f} people); "
              f"{s['covered_population_pct']:.2f}% of people covered at RSRP ≥ {s['threshold_dbm']:g} dBm "
              f"({s['model']}).\n")
    if plan is not None:
        md.append(f"- **Plan ({s['plan_method']})**: {s['proposed_sites']} sites, cost {s['plan_cost']:,.0f} "
                  f"{s['plan_cost_currency']} ({bound_text(s)}, gap {100 * s['plan_gap']:.2f}%"
                  f"{', proven optimal' if s['plan_proven_optimal'] else ''}); {s['villages_covered_by_plan']} white bản "
                  f"newly covered ({s['population_covered_by_plan']:,.0f} people); {s['still_white_villages']} stay white, "
                  f"{s['uncoverable_villages']} cannot be reached by any candidate (satellite/VSAT cases).\n")
    md.append("\n## Targets of the province\n\n" + _table(result.kpis["targets"]))
    md.append("\n## Maps\n")
    for key, title in (("before", "Villages today"), ("after", "Villages after the plan, with proposed sites"),
                       ("curve", "Cost versus people covered")):
        if key in maps:
            md.append(f"\n### {title}\n\n![{title}]({maps[key].name})\n")
    md.append("\n## Coverage per operator\n\n" + _table([
        {"operator": op, "sites": d["sites"], "covered_ban": d["covered_villages"],
         "covered_pop_pct": 100 * d["covered_population"] / max(s["population"], 1)}
        for op, d in result.operators.items()]))
    md.append("\n## KPI per district\n\n" + _table(result.kpis["district"], [
        "district", "ban", "population", "households", "white_ban_before", "covered_pop_before_pct",
        "white_ban_after", "covered_pop_after_pct"]))
    if plan is not None and plan.chosen:
        before, after, site, reason = village_status(result)
        rows = []
        for k, (j, lst, b) in enumerate(zip(plan.chosen, plan.newly_covered, plan.cost_breakdown)):
            c = result.candidates[j]
            rows.append({"rank": k + 1, "site": c.id, "kind": c.kind, "operator": c.operator,
                         "lon": round(c.lon, 5), "lat": round(c.lat, 5), "capex": b.capex, "opex_pv": b.opex_pv,
                         "backhaul": b.backhaul, "power": b.power, "total": b.total, "new_ban": len(lst),
                         "new_people": float(sum(result.villages[i].population for i in lst))})
        md.append(f"\n## Proposed sites ({len(rows)})\n\n" + _table(rows[:60]))
        if len(rows) > 60:
            md.append(f"\n… and {len(rows) - 60} more in `proposed_sites.*`.\n")
        if plan.uncoverable:
            md.append("\n## Bản no candidate can reach (satellite/VSAT cases)\n\n" + _table([
                {"id": result.villages[i].id, "name": result.villages[i].name, "commune": result.villages[i].commune,
                 "reason": REASON_VI[why],
                 "best candidate (dBm)": round(plan.uncoverable_best_rsrp_dbm.get(i, math.nan), 1)}
                for i, why in list(plan.uncoverable.items())[:100]]))
    md.append("\n## Parameters\n\n```yaml\n" + json.dumps(sc.model_dump(mode="json", exclude={"threads"}), indent=2, ensure_ascii=False)
              + "\n```\n")
    md.append("\n## Data sources\n\n| input | file | what |\n|---|---|---|\n")
    reg = datasets.registry()
    for key, paths in (("dem", sc.inputs.dem), ("villages", [sc.inputs.villages]), ("towers", [sc.inputs.towers]),
                       ("admin", [sc.inputs.admin] if sc.inputs.admin else [])):
        for p in paths:
            name = Path(p).name
            real = next((f"real public data: {e['what']} ({e['url']}, sha256 {e['sha256'][:12]}…)"
                         for k, e in reg.items() if Path(k).name == name), None)
            what = "**GENERATED by phusong** (not real)" if "GENERATED" in name else (real or "given by the user")
            md.append(f"| {key} | `{name}` | {what} |\n")
    return "".join(md)


def write(staging: Path, result, dem) -> list[Path]:
    from .layers import REASON_VI, village_status

    before, after, _, _ = village_status(result)
    maps = {"before": _map(staging / "map_before.png", result, dem, before, "Bản today (hiện trạng)")}
    files = [maps["before"]]
    if result.plan is not None:
        chosen = [result.candidates[j] for j in result.plan.chosen]
        maps["after"] = _map(staging / "map_after.png", result, dem, after, "After the plan (sau quy hoạch)", chosen)
        files.append(maps["after"])
        if result.plan.curve:
            maps["curve"] = _curve(staging / "plan_curve.png", result.plan)
            files.append(maps["curve"])
    md = markdown(result, maps)
    (staging / "report.md").write_text(md, encoding="utf-8")
    files.append(staging / "report.md")
    files.append(_html(staging / "report.html", md, maps, result.scenario.name))
    return files


def _html(path: Path, md: str, maps: dict, title: str) -> Path:
    """A self-contained HTML page: the Markdown rendered (headings, lists, tables, code) with the
    map images embedded as data URIs."""
    out, in_table, in_code, in_list = [], False, False, False
    images = {m.name: base64.b64encode(m.read_bytes()).decode() for m in maps.values()}

    def inline(t: str) -> str:
        t = html.escape(t)
        import re

        t = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", t)
        t = re.sub(r"`(.+?)`", r"<code>\1</code>", t)
        return t

    for line in md.splitlines():
        if line.startswith("```"):
            out.append("</pre>" if in_code else "<pre>")
            in_code = not in_code
            continue
        if in_code:
            out.append(html.escape(line))
            continue
        if in_table and not line.startswith("|"):
            out.append("</table>")
            in_table = False
        if in_list and not line.startswith("- "):
            out.append("</ul>")
            in_list = False
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if all(set(c) <= {"-"} for c in cells):
                continue
            tag = "th" if not in_table else "td"
            if not in_table:
                out.append("<table>")
                in_table = True
            out.append("<tr>" + "".join(f"<{tag}>{inline(c)}</{tag}>" for c in cells) + "</tr>")
        elif line.startswith("!["):
            name = line[line.index("(") + 1:-1]
            out.append(f'<img alt="{html.escape(name)}" src="data:image/png;base64,{images.get(name, "")}">')
        elif line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            out.append(f"<h{level}>{inline(line[level:].strip())}</h{level}>")
        elif line.startswith("- "):
            if not in_list:
                out.append("<ul>")
                in_list = True
            out.append(f"<li>{inline(line[2:])}</li>")
        elif line.strip():
            out.append(f"<p>{inline(line)}</p>")
    if in_table:
        out.append("</table>")
    if in_list:
        out.append("</ul>")
    page = (f"<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
            "<style>body{font-family:sans-serif;max-width:1100px;margin:auto;padding:1em}"
            "table{border-collapse:collapse;font-size:0.85em}td,th{border:1px solid #ccc;padding:2px 6px}"
            "img{max-width:100%}pre{background:#f5f5f5;padding:0.5em;overflow:auto;font-size:0.8em}</style>"
            "</head><body>" + "\n".join(out) + "</body></html>")
    path.write_text(page, encoding="utf-8")
    return path
