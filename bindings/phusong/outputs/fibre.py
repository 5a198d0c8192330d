"""Outputs of the fibre plan (phusong.plan.fibre): the layers fibre_routes (lines), fibre_nodes
(OLTs, cabinets, splitters) and facilities (with their fibre status before and after), the fibre
fields of the villages layer, and fibre_curve.csv (cost versus households passed). Field names
and vocabularies are in layers.FIELDS / layers.*_VI like every other layer's."""

from __future__ import annotations

import math
from pathlib import Path

from .layers import (
    FACILITY_VI,
    FIBRE_REASON_VI,
    NODE_VI,
    ROUTE_VI,
    STAGE_VI,
    YES_NO,
    _join_ids,
    _symbol,
    _write_csv,
    _write_layer,
)

ROUTE_STYLE = {"new": "PEN(c:#E65100,w:3px)", "existing": "PEN(c:#1565C0,w:2px)"}
NODE_STYLE = {"olt": ("#1565C0", "square"), "cabinet": ("#E65100", "square"), "splitter": ("#6D4C41", "donut")}
FACILITY_STYLE = {True: ("#2E7D32", "schools"), False: ("#C62828", "schools")}


def _yes(flag) -> str:
    return YES_NO[0] if flag else YES_NO[1]


def village_columns(fp) -> dict:
    """The fibre fields of the villages layer (layers.FIBRE_VILLAGE_FIELDS), by DBF name."""
    return {
        "cq_truoc": [_yes(b) for b in fp.village_before],
        "cq_sau": [_yes(b) for b in fp.village_after],
        "cq_thu_tu": [int(k) if a and not b else 0 for k, a, b in zip(fp.village_order, fp.village_after,
                                                                        fp.village_before)],
        "cq_chi": [round(float(c), 0) if a and not b else math.nan for c, a, b in zip(fp.village_cost, fp.village_after,
                                                                                       fp.village_before)],
        "cq_ly_do": [FIBRE_REASON_VI.get(fp.village_reason.get(i, ""), "") for i in range(len(fp.village_before))],
        "cq_bk_m": [round(float(r), 1) for r in fp.village_radius_m],
    }


def write(staging: Path, result, encoding: str = "utf-8") -> list[Path]:
    """Writes the fibre layers and fibre_curve.csv into the staging folder."""
    from shapely.geometry import LineString

    sc, fp = result.scenario, result.fibre
    routes = fp.routes
    files = _write_layer(staging, "fibre_routes", sc, [], [], {
        "ma_tuyen": [f"{'M' if r.status == 'new' else 'H'}{k + 1:05d}" for k, r in enumerate(routes)],
        "trang_thai": [ROUTE_VI[r.status] for r in routes],
        "giai_doan": [STAGE_VI[r.stage] for r in routes],
        "dai_km": [round(r.length_km, 3) for r in routes],
        "chi_phi": [round(r.cost, 0) if r.status == "new" else math.nan for r in routes],
        "tien_te": [fp.currency] * len(routes),
        "so_co_so": [r.facilities for r in routes],
        "so_ban": [r.villages for r in routes],
        "so_ho": [r.households for r in routes],
        "phuc_vu": [_join_ids(r.serves) for r in routes],
    }, wkb=[LineString(r.coords).wkb for r in routes], styles=[ROUTE_STYLE[r.status] for r in routes],
        name_field="ma_tuyen")
    nodes = fp.nodes
    files += _write_layer(staging, "fibre_nodes", sc, [n.lon for n in nodes], [n.lat for n in nodes], {
        "ma_nut": [n.id for n in nodes],
        "loai": [NODE_VI[n.kind] + (f" 1:{n.ratio}" if n.kind == "splitter" else "") for n in nodes],
        "so_luong": [n.count for n in nodes],
        "ty_le": [n.ratio for n in nodes],
        "so_ho": [n.households for n in nodes],
        "cq_km": [round(n.optical_km, 3) if math.isfinite(n.optical_km) else math.nan for n in nodes],
        "olt": [n.olt for n in nodes],
        "chi_phi": [round(n.cost, 0) for n in nodes],
        "tien_te": [fp.currency] * len(nodes),
    }, styles=[_symbol(*NODE_STYLE[n.kind]) for n in nodes], name_field="ma_nut")
    fac = fp.facilities
    files += _write_layer(staging, "facilities", sc, [f.lon for f in fac], [f.lat for f in fac], {
        "ma_co_so": [f.id for f in fac],
        "ten": [f.name for f in fac],
        "loai": [FACILITY_VI[f.kind] for f in fac],
        "xa": [f.commune for f in fac],
        "huyen": [f.district for f in fac],
        "cq_truoc": [_yes(b) for b in fp.facility_before],
        "cq_sau": [_yes(b) for b in fp.facility_after],
        "ly_do": [FIBRE_REASON_VI.get(fp.facility_reason.get(i, ""), "") for i in range(len(fac))],
        "nguon": [f.source for f in fac],
    }, styles=[_symbol(*FACILITY_STYLE[bool(a)]) for a in fp.facility_after], name_field="ten")
    total = fp.households_total
    curve = [{"step": 0, "cost": 0.0, "currency": fp.currency, "households_passed": fp.households_before,
              "households_passed_pct": 100.0 * fp.households_before / total if total else math.nan,
              "villages_passed": int(fp.village_before.sum()), "within_target": True}]
    for k, (cost, hh, nv) in enumerate(fp.curve):
        curve.append({"step": k + 1, "cost": cost, "currency": fp.currency, "households_passed": hh,
                      "households_passed_pct": 100.0 * hh / total if total else math.nan, "villages_passed": nv,
                      "within_target": bool(fp.curve_in_plan[k])})
    files.append(_write_csv(staging / "fibre_curve.csv", curve, encoding))
    return files
