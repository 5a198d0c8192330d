"""Outputs of a scenario run: village and site layers (Shapefile with .prj/.cpg, GeoPackage,
GeoJSON), a summary CSV and a field dictionary. Everything is first written to a staging
folder inside the output folder and moved in place only when all of it is complete."""

from __future__ import annotations

import csv
import math
import os
import shutil
from pathlib import Path

import numpy as np

from . import _core

DRIVERS = {"shapefile": ("ESRI Shapefile", ".shp"), "gpkg": ("GPKG", ".gpkg"), "geojson": ("GeoJSON", ".geojson")}

# layer -> [(field, type, meaning, unit)]; field names are at most 10 characters (DBF).
FIELDS = {
    "villages": [
        ("id", "string", "village identifier", ""),
        ("name", "string", "village name (UTF-8)", ""),
        ("commune", "string", "commune (xã)", ""),
        ("district", "string", "district (huyện)", ""),
        ("pop", "real", "population", "people"),
        ("househ", "real", "households", "households"),
        ("best_dbm", "real", "best RSRP from an existing broadband site (empty: none in range)", "dBm"),
        ("serv_id", "string", "serving (best) existing site id", ""),
        ("serv_op", "string", "operator of the serving site", ""),
        ("n_serv", "integer", "existing sites at or above the threshold", "sites"),
        ("status", "string", "today: covered or white (bản trắng)", ""),
        ("plan_site", "string", "proposed site that newly covers it", ""),
        ("after", "string", "after the plan: covered, covered_by_plan, white or uncoverable", ""),
        ("reason", "string", "why an uncoverable village cannot be reached (satellite/VSAT case)", ""),
    ],
    "proposed_sites": [
        ("id", "string", "candidate site id", ""),
        ("rank", "integer", "order in which the planner chose it", ""),
        ("kind", "string", "candidate kind", ""),
        ("operator", "string", "operator", ""),
        ("height_m", "real", "antenna height above ground", "m"),
        ("freq_mhz", "real", "frequency", "MHz"),
        ("eirp_dbm", "real", "EIRP", "dBm"),
        ("cost", "real", "cost (scenario units)", ""),
        ("n_new_vil", "integer", "white villages it newly covers", "villages"),
        ("new_pop", "real", "people in those villages", "people"),
        ("villages", "string", "ids of the villages it newly covers (';'-separated)", ""),
    ],
    "towers": [
        ("id", "string", "site id", ""),
        ("operator", "string", "operator", ""),
        ("techs", "string", "technologies", ""),
        ("height_m", "real", "antenna height above ground", "m"),
        ("freq_mhz", "real", "frequency", "MHz"),
        ("eirp_dbm", "real", "EIRP", "dBm"),
        ("n_best", "integer", "villages it serves best", "villages"),
    ],
}


def _join_ids(ids: list[str], limit: int = 254) -> str:
    s = ";".join(ids)
    if len(s.encode("utf-8")) <= limit:
        return s
    out = ""
    for i in ids:
        nxt = (out + ";" if out else "") + i
        if len((nxt + ";...").encode("utf-8")) > limit:
            return out + ";..."
        out = nxt
    return out


def _write_layer(staging: Path, name: str, sc, lon, lat, columns: dict) -> list[Path]:
    fields = []
    for fname, ftype, _, _ in FIELDS[name]:
        vals = columns[fname]
        if ftype == "real":
            vals = np.asarray(vals, dtype=float)
        elif ftype == "integer":
            vals = np.asarray(vals, dtype=np.int64)
        fields.append((fname, ftype, vals))
    written = []
    for fmt in sc.outputs.formats:
        driver, ext = DRIVERS[fmt]
        path = staging / f"{name}{ext}"
        _core.write_points(str(path), driver, sc.outputs.crs, np.asarray(lon, float), np.asarray(lat, float),
                           fields, name)
        if fmt == "shapefile":
            written += [path.with_suffix(e) for e in (".shp", ".shx", ".dbf", ".prj", ".cpg")]
        else:
            written.append(path)
    return written


def write_all(out: Path, sc, dem, villages, towers, cov, white, candidates, plan, summary) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    staging = out / f".phusong-staging-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        files = _write_everything(staging, sc, villages, towers, cov, white, candidates, plan, summary)
        final = []
        for f in files:
            target = out / f.name
            os.replace(f, target)
            final.append(target)
        return final
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _write_everything(staging, sc, villages, towers, cov, white, candidates, plan, summary) -> list[Path]:
    n = len(villages)
    best = np.asarray(cov["best_rsrp_dbm"], float)
    best_site = np.asarray(cov["best_site"])
    plan_site = [""] * n
    after = ["covered" if c else "white" for c in cov["covered"]]
    reason = [""] * n
    if plan is not None:
        for rank, (j, lst) in enumerate(zip(plan["chosen"], plan["newly_covered"])):
            for i in lst:
                plan_site[i] = candidates[j].id
                after[i] = "covered_by_plan"
        for i, why in plan["uncoverable"].items():
            after[i] = "uncoverable"
            reason[i] = why
    files = _write_layer(staging, "villages", sc, [v.lon for v in villages], [v.lat for v in villages], {
        "id": [v.id for v in villages],
        "name": [v.name for v in villages],
        "commune": [v.commune for v in villages],
        "district": [v.district for v in villages],
        "pop": [v.population for v in villages],
        "househ": [v.households for v in villages],
        "best_dbm": np.where(np.isfinite(best), np.round(best, 2), np.nan),
        "serv_id": [towers[s].id if s >= 0 else "" for s in best_site],
        "serv_op": [towers[s].operator if s >= 0 else "" for s in best_site],
        "n_serv": cov["servers"],
        "status": ["covered" if c else "white" for c in cov["covered"]],
        "plan_site": plan_site,
        "after": after,
        "reason": reason,
    })
    n_best = np.bincount(best_site[best_site >= 0], minlength=len(towers)) if len(towers) else []
    if towers:
        files += _write_layer(staging, "towers", sc, [t.lon for t in towers], [t.lat for t in towers], {
            "id": [t.id for t in towers],
            "operator": [t.operator for t in towers],
            "techs": [t.technologies for t in towers],
            "height_m": [t.height_m for t in towers],
            "freq_mhz": [t.freq_mhz for t in towers],
            "eirp_dbm": [t.eirp_dbm for t in towers],
            "n_best": n_best,
        })
    chosen = [candidates[j] for j in plan["chosen"]] if plan else []
    newly = plan["newly_covered"] if plan else []
    files += _write_layer(staging, "proposed_sites", sc, [c.lon for c in chosen], [c.lat for c in chosen], {
        "id": [c.id for c in chosen],
        "rank": list(range(1, len(chosen) + 1)),
        "kind": [c.kind for c in chosen],
        "operator": [c.operator for c in chosen],
        "height_m": [c.height_m for c in chosen],
        "freq_mhz": [c.freq_mhz for c in chosen],
        "eirp_dbm": [c.eirp_dbm for c in chosen],
        "cost": [sc.planning.cost_per_site] * len(chosen),
        "n_new_vil": [len(x) for x in newly],
        "new_pop": [sum(villages[i].population for i in x) for x in newly],
        "villages": [_join_ids([villages[i].id for i in x]) for x in newly],
    })
    summary_path = staging / "summary.csv"
    with open(summary_path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["key", "value"])
        for k, v in summary.items():
            w.writerow([k, f"{v:.6g}" if isinstance(v, float) and math.isfinite(v) else v])
    dict_path = staging / "field_dictionary.csv"
    with open(dict_path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["layer", "field", "type", "meaning", "unit"])
        for layer, fl in FIELDS.items():
            for fname, ftype, meaning, unit in fl:
                w.writerow([layer, fname, ftype, meaning, unit])
    return files + [summary_path, dict_path]
