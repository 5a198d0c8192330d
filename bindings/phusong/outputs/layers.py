"""Outputs of a scenario run, for the ministry and for planners:

- layers (Shapefile with .prj/.cpg UTF-8, GeoPackage, GeoJSON, KML): villages (bản) with their
  status before and after the plan, existing broadband towers, proposed sites with their cost
  breakdown, districts with KPI attributes (when district polygons are given);
- KPI tables per province, district and commune (CSV, XLSX), the targets table, the plan's
  cost-versus-people curve, a summary and a field dictionary;
- a report (Markdown and one self-contained HTML file) with maps, when asked.

Field names are Vietnamese (ASCII, at most 10 characters for DBF); `field_dictionary.csv` gives
each field's meaning in Vietnamese and English and its unit. Everything is written to a staging
folder inside the output folder and moved in place only when all of it is complete.
"""

from __future__ import annotations

import csv
import datetime as _dt
import math
import os
import re
import unicodedata
import zipfile
from pathlib import Path

import numpy as np

from .. import _core
from .folder import OutputFolder

DRIVERS = {"shapefile": ("ESRI Shapefile", ".shp"), "gpkg": ("GPKG", ".gpkg"), "geojson": ("GeoJSON", ".geojson"),
           "kml": ("KML", ".kml")}

STATUS = {"covered": "phủ sóng", "white": "bản trắng", "covered_by_plan": "phủ sóng mới",
          "uncoverable": "không phủ được"}
KIND_VI = {"upgrade": "nâng cấp 4G", "colocation": "dùng chung hạ tầng", "new_grid_hilltop": "trạm mới",
           "commune_centre": "trạm mới trung tâm xã"}

# layer -> [(field, type, nghĩa (vi), meaning (en), unit)]
FIELDS = {
    "villages": [
        ("ma_ban", "string", "mã bản", "village id", ""),
        ("ten_ban", "string", "tên bản", "village name", ""),
        ("xa", "string", "xã", "commune", ""),
        ("huyen", "string", "huyện", "district", ""),
        ("dan_so", "real", "dân số", "population", "người"),
        ("so_ho", "real", "số hộ", "households", "hộ"),
        ("rsrp_dbm", "real", "RSRP tốt nhất từ trạm hiện có (trống: không có trạm trong bán kính)",
         "best RSRP from an existing broadband site (empty: none in range)", "dBm"),
        ("tram_phuc", "string", "trạm phục vụ tốt nhất", "serving (best) site", ""),
        ("nha_mang", "string", "nhà mạng của trạm phục vụ", "operator of the serving site", ""),
        ("so_tram", "integer", "số trạm đạt ngưỡng", "sites at or above the threshold", "trạm"),
        ("trang_thai", "string", "hiện trạng: phủ sóng / bản trắng", "today: covered / white", ""),
        ("tram_moi", "string", "trạm đề xuất phủ sóng bản", "proposed site that newly covers it", ""),
        ("sau_qh", "string", "sau quy hoạch: phủ sóng / phủ sóng mới / bản trắng / không phủ được",
         "after the plan: covered / newly covered / white / uncoverable", ""),
        ("ly_do", "string", "lý do không phủ được (vệ tinh/VSAT)", "why it cannot be covered (satellite/VSAT case)",
         ""),
    ],
    "proposed_sites": [
        ("ma_tram", "string", "mã trạm đề xuất", "candidate site id", ""),
        ("thu_tu", "integer", "thứ tự chọn", "order in which the planner chose it", ""),
        ("loai", "string", "loại: nâng cấp 4G / dùng chung hạ tầng / trạm mới", "kind: upgrade / colocation / new",
         ""),
        ("nha_mang", "string", "nhà mạng", "operator", ""),
        ("cao_m", "real", "độ cao anten", "antenna height above ground", "m"),
        ("tan_so_mhz", "real", "tần số", "frequency", "MHz"),
        ("eirp_dbm", "real", "công suất bức xạ EIRP", "EIRP", "dBm"),
        ("capex", "real", "chi phí đầu tư", "CAPEX", "tiền tệ"),
        ("opex_pv", "real", "chi phí vận hành quy về hiện tại", "present value of OPEX over the horizon", "tiền tệ"),
        ("truyen_dan", "real", "chi phí truyền dẫn (backhaul)", "backhaul cost", "tiền tệ"),
        ("kieu_td", "string", "kiểu truyền dẫn: cáp quang / vi ba", "backhaul: fibre or microwave hop", ""),
        ("dien", "real", "chi phí cấp điện", "power cost", "tiền tệ"),
        ("kieu_dien", "string", "cấp điện: lưới / mặt trời / sẵn có", "power: grid extension, solar, existing", ""),
        ("tong_chi", "real", "tổng chi phí", "total cost", "tiền tệ"),
        ("tien_te", "string", "đơn vị tiền tệ", "currency", ""),
        ("so_ban_moi", "integer", "số bản trắng được phủ mới", "white villages newly covered", "bản"),
        ("dan_moi", "real", "dân số được phủ mới", "people newly covered", "người"),
        ("ds_ban", "string", "mã các bản được phủ mới (;)", "ids of the villages newly covered (;)", ""),
    ],
    "towers": [
        ("ma_tram", "string", "mã trạm", "site id", ""),
        ("nha_mang", "string", "nhà mạng", "operator", ""),
        ("cong_nghe", "string", "công nghệ", "technologies", ""),
        ("cao_m", "real", "độ cao anten", "antenna height above ground", "m"),
        ("tan_so_mhz", "real", "tần số", "frequency", "MHz"),
        ("eirp_dbm", "real", "công suất bức xạ EIRP", "EIRP", "dBm"),
        ("so_ban_phu", "integer", "số bản được trạm phục vụ tốt nhất", "villages it serves best", "bản"),
    ],
    "districts": [
        ("ma_huyen", "string", "mã huyện", "district code", ""),
        ("ten_huyen", "string", "tên huyện", "district name", ""),
        ("so_ban", "integer", "số bản", "villages", "bản"),
        ("dan_so", "real", "dân số", "population", "người"),
        ("so_ho", "real", "số hộ", "households", "hộ"),
        ("ban_trang", "integer", "số bản trắng hiện nay", "white villages today", "bản"),
        ("phu_truoc", "real", "tỷ lệ dân được phủ sóng hiện nay", "people covered today", "%"),
        ("trang_sau", "integer", "số bản trắng sau quy hoạch", "white villages after the plan", "bản"),
        ("phu_sau", "real", "tỷ lệ dân được phủ sóng sau quy hoạch", "people covered after the plan", "%"),
    ],
}


def _ascii(text: str) -> str:
    t = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return re.sub(r"[^a-z0-9]", "", "".join(c for c in t if unicodedata.category(c) != "Mn").lower())


def operator_field(op: str) -> str:
    """Per-operator coverage flag field: 'phu_' + up to 6 ASCII letters of the operator."""
    return ("phu_" + _ascii(op))[:10]


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


def _write_layer(staging: Path, name: str, sc, lon, lat, columns: dict, extra_fields=(), wkb=None) -> list[Path]:
    fields = []
    for fname, ftype, *_ in list(FIELDS[name]) + list(extra_fields):
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
        crs = "WGS84" if fmt in ("kml", "geojson") else sc.outputs.crs  # KML and GeoJSON are WGS84 by definition
        _core.write_points(str(path), driver, crs, np.asarray(lon, float), np.asarray(lat, float), fields, name, wkb)
        if fmt == "shapefile":
            written += [path.with_suffix(e) for e in (".shp", ".shx", ".dbf", ".prj", ".cpg")]
        else:
            written.append(path)
    return written


def run_date() -> _dt.datetime:
    """The date stamped in the outputs (GeoPackage last_change, DBF header, XLSX properties,
    report): SOURCE_DATE_EPOCH when set (reproducible builds), else today at 00:00 UTC, so that
    reruns give byte-identical files."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is not None:
        try:
            return _dt.datetime.fromtimestamp(int(epoch), _dt.timezone.utc)
        except (ValueError, OverflowError, OSError):
            raise _core.InputError(f"SOURCE_DATE_EPOCH: not a number of seconds: {epoch!r}") from None
    today = _dt.datetime.now(_dt.timezone.utc).date()
    return _dt.datetime(today.year, today.month, today.day, tzinfo=_dt.timezone.utc)


def planned_names(sc) -> list[str]:
    """Names of the files a run of `sc` writes (to check them before computing)."""
    names = []
    for layer in ("villages", "towers", "proposed_sites", "districts"):
        for fmt in sc.outputs.formats:
            ext = DRIVERS[fmt][1]
            names += [layer + e for e in ((".shp", ".shx", ".dbf", ".prj", ".cpg") if fmt == "shapefile" else (ext,))]
    names += [f"kpi_{lv}.csv" for lv in ("province", "district", "commune", "targets")]
    names += ["kpi.xlsx", "plan_curve.csv", "links.csv", "summary.csv", "field_dictionary.csv",
              "report.md", "report.html"]
    return names


def preflight(sc, villages: list, towers: list) -> None:
    """Checks, before any computation, what writing the outputs would otherwise find only at
    the end: per-operator field names that collide once cut to 10 characters, and text values
    longer than a DBF field holds (254 bytes) when shapefiles are asked for."""
    by_field: dict[str, str] = {}
    fixed = {f[0] for f in FIELDS["villages"]}
    for op in sorted({t.operator for t in towers}):
        f = operator_field(op)
        if f in fixed:
            raise _core.InputError(f"{sc.inputs.towers}: operator '{op}' gives the field name '{f}', which the "
                                   "villages layer already uses: rename the operator")
        if f in by_field and by_field[f] != op:
            raise _core.InputError(
                f"{sc.inputs.towers}: operators '{by_field[f]}' and '{op}' both give the per-operator field "
                f"'{f}' (field names are cut to 10 characters in shapefiles): rename one of them so that "
                "their first 6 letters differ")
        by_field[f] = op
    if "shapefile" not in sc.outputs.formats:
        return
    for fname, items, attrs in ((sc.inputs.villages, villages, ("id", "name", "commune", "district")),
                                (sc.inputs.towers, towers, ("id", "operator", "technologies"))):
        for it in items:
            for a in attrs:
                v = getattr(it, "operator" if a == "operator" else a)
                if len(v.encode("utf-8")) > 254:
                    raise _core.InputError(
                        f"{fname}: row {it.row}: field '{a}' is {len(v.encode('utf-8'))} bytes long; a shapefile "
                        "(DBF) text field holds at most 254 bytes: shorten it, or ask for gpkg/geojson only "
                        "(outputs.formats)")


def write_all(folder: OutputFolder, result, dem) -> list[Path]:
    """Writes every output into a staging folder and swaps it in as a whole (see
    :mod:`phusong.outputs.folder`). Dates in the files come from :func:`run_date`."""
    staging = folder.stage()
    stamp = run_date().strftime("%Y-%m-%dT%H:%M:%S.000Z")
    saved = os.environ.get("OGR_CURRENT_DATE")
    os.environ["OGR_CURRENT_DATE"] = stamp  # GDAL: GPKG last_change, and our DBF header date
    try:
        files = _write_everything(staging, result, dem)
        sc = result.scenario
        from .. import __version__

        about = {"scenario": sc.name, "scenario_file": str(sc.path) if sc.path else None,
                 "phusong_version": __version__, "date": stamp}
        return folder.commit(files, about)
    except BaseException:
        folder.abort()
        raise
    finally:
        if saved is None:
            os.environ.pop("OGR_CURRENT_DATE", None)
        else:
            os.environ["OGR_CURRENT_DATE"] = saved


def village_status(result) -> tuple[list[str], list[str], list[str], list[str]]:
    """(status before, status after, proposed site, reason) per village, as keys of STATUS."""
    n = len(result.villages)
    before = ["covered" if c else "white" for c in result.coverage["covered"]]
    after = list(before)
    site = [""] * n
    reason = [""] * n
    plan = result.plan
    if plan is not None:
        for j, lst in zip(plan.chosen, plan.newly_covered):
            for i in lst:
                site[i] = result.candidates[j].id
                after[i] = "covered_by_plan"
        for i, why in plan.uncoverable.items():
            after[i] = "uncoverable"
            reason[i] = why
    return before, after, site, reason


def _num(v):
    """Full precision in tables: integral floats as integers, others to 6 decimals."""
    if isinstance(v, float) and math.isfinite(v):
        return str(int(v)) if v.is_integer() else f"{v:.6f}".rstrip("0").rstrip(".")
    return v


def _write_csv(path: Path, rows: list[dict]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as f:
        if not rows:
            return path
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        for r in rows:
            w.writerow({k: _num(v) for k, v in r.items()})
    return path


def _write_everything(staging: Path, result, dem) -> list[Path]:
    sc = result.scenario
    villages, towers, cov, plan = result.villages, result.towers, result.coverage, result.plan
    best = np.asarray(cov["best_rsrp_dbm"], float)
    best_site = np.asarray(cov["best_site"])
    before, after, plan_site, reason = village_status(result)
    op_fields = [(operator_field(op), "string", f"phủ sóng của {op}", f"covered by {op}", "có/không")
                 for op in result.operators]
    cols = {
        "ma_ban": [v.id for v in villages],
        "ten_ban": [v.name for v in villages],
        "xa": [v.commune for v in villages],
        "huyen": [v.district for v in villages],
        "dan_so": [v.population for v in villages],
        "so_ho": [v.households for v in villages],
        "rsrp_dbm": np.where(np.isfinite(best), np.round(best, 2), np.nan),
        "tram_phuc": [towers[s].id if s >= 0 else "" for s in best_site],
        "nha_mang": [towers[s].operator if s >= 0 else "" for s in best_site],
        "so_tram": cov["servers"],
        "trang_thai": [STATUS[s] for s in before],
        "tram_moi": plan_site,
        "sau_qh": [STATUS[s] for s in after],
        "ly_do": reason,
    }
    for (fname, *_), (op, d) in zip(op_fields, result.operators.items()):
        cols[fname] = ["có" if c else "không" for c in d["covered"]]
    files = _write_layer(staging, "villages", sc, [v.lon for v in villages], [v.lat for v in villages], cols,
                         op_fields)
    n_best = np.bincount(best_site[best_site >= 0], minlength=len(towers)) if towers else []
    if towers:
        files += _write_layer(staging, "towers", sc, [t.lon for t in towers], [t.lat for t in towers], {
            "ma_tram": [t.id for t in towers],
            "nha_mang": [t.operator for t in towers],
            "cong_nghe": [t.technologies for t in towers],
            "cao_m": [t.height_m for t in towers],
            "tan_so_mhz": [t.freq_mhz for t in towers],
            "eirp_dbm": [t.eirp_dbm for t in towers],
            "so_ban_phu": n_best,
        })
    chosen = [result.candidates[j] for j in plan.chosen] if plan else []
    newly = plan.newly_covered if plan else []
    costs = plan.cost_breakdown if plan else []
    files += _write_layer(staging, "proposed_sites", sc, [c.lon for c in chosen], [c.lat for c in chosen], {
        "ma_tram": [c.id for c in chosen],
        "thu_tu": list(range(1, len(chosen) + 1)),
        "loai": [KIND_VI.get(c.kind, c.kind) for c in chosen],
        "nha_mang": [c.operator for c in chosen],
        "cao_m": [c.height_m for c in chosen],
        "tan_so_mhz": [c.freq_mhz for c in chosen],
        "eirp_dbm": [c.eirp_dbm for c in chosen],
        "capex": [b.capex for b in costs],
        "opex_pv": [b.opex_pv for b in costs],
        "truyen_dan": [b.backhaul for b in costs],
        "kieu_td": [b.backhaul_kind for b in costs],
        "dien": [b.power for b in costs],
        "kieu_dien": [b.power_kind for b in costs],
        "tong_chi": [b.total for b in costs],
        "tien_te": [plan.currency] * len(chosen) if plan else [],
        "so_ban_moi": [len(x) for x in newly],
        "dan_moi": [sum(villages[i].population for i in x) for x in newly],
        "ds_ban": [_join_ids([villages[i].id for i in x]) for x in newly],
    })
    if sc.inputs.admin:
        files += _write_districts(staging, result)

    for level in ("province", "district", "commune", "targets"):
        files.append(_write_csv(staging / f"kpi_{level}.csv", result.kpis[level]))
    if "xlsx" in sc.outputs.tables:
        files.append(_write_xlsx(staging / "kpi.xlsx", result.kpis))
    if plan is not None:
        files.append(_write_csv(staging / "plan_curve.csv", [
            {"sites": k + 1, "cost": pt.cost, "currency": plan.currency, "people_covered": pt.people,
             "villages_covered": pt.villages}
            for k, pt in enumerate(plan.curve)]))
    files.append(_write_links(staging / "links.csv", result))
    files.append(_write_csv(staging / "summary.csv", [{"key": k, "value": v} for k, v in result.summary.items()]))
    dict_rows = []
    for layer, fl in FIELDS.items():
        for fname, ftype, vi, en, unit in fl + (op_fields if layer == "villages" else []):
            dict_rows.append({"layer": layer, "field": fname, "type": ftype, "nghia": vi, "meaning": en, "unit": unit})
    files.append(_write_csv(staging / "field_dictionary.csv", dict_rows))
    if sc.outputs.report:
        from . import report

        files += report.write(staging, result, dem)
    return files


def _write_links(path: Path, result) -> Path:
    """The village table: every evaluated bản × site path (exact profile) with its loss and RSRP."""
    links = result.coverage["links"]
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["ma_ban", "ma_tram", "nha_mang", "distance_km", "loss_db", "rsrp_dbm", "mode",
                    "antenna_attenuation_db", "clutter_loss_db", "dem_void_samples"])
        for k in range(len(links["site"])):
            v = result.villages[int(links["village"][k])]
            t = result.towers[int(links["site"][k])]
            w.writerow([v.id, t.id, t.operator, f"{links['distance_km'][k]:.4f}", f"{links['loss_db'][k]:.3f}",
                        f"{links['rsrp_dbm'][k]:.3f}", "line_of_sight" if links["line_of_sight"][k] else "diffraction",
                        f"{links['antenna_attenuation_db'][k]:.3f}", f"{links['clutter_loss_db'][k]:.3f}",
                        int(links["void_samples"][k])])
    return path


def _write_districts(staging: Path, result) -> list[Path]:
    from ..inputs import admin

    kpi = {r["district"]: r for r in result.kpis["district"]}
    wkb, cols = [], {k[0]: [] for k in FIELDS["districts"]}
    for d in admin.read_districts(result.scenario.inputs.admin):
        r = kpi.get(d.name, {})
        wkb.append(d.geometry.wkb)
        cols["ma_huyen"].append(d.code)
        cols["ten_huyen"].append(d.name)
        cols["so_ban"].append(r.get("ban", 0))
        cols["dan_so"].append(r.get("population", 0.0))
        cols["so_ho"].append(r.get("households", 0.0))
        cols["ban_trang"].append(r.get("white_ban_before", 0))
        cols["phu_truoc"].append(round(r.get("covered_pop_before_pct", math.nan), 3))
        cols["trang_sau"].append(r.get("white_ban_after", 0))
        cols["phu_sau"].append(round(r.get("covered_pop_after_pct", math.nan), 3))
    return _write_layer(staging, "districts", result.scenario, [], [], cols, wkb=wkb)


def _xlsx_cell(v):
    """A value for a worksheet cell: NaN/inf empty."""
    return None if isinstance(v, float) and not math.isfinite(v) else v


def _write_xlsx(path: Path, kpis: dict) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    when = run_date().replace(tzinfo=None)
    wb.properties.created = when
    wb.properties.modified = when
    wb.properties.creator = "phusong"
    for level in ("province", "district", "commune", "targets"):
        ws = wb.create_sheet(level)
        rows = kpis[level]
        if not rows:
            continue
        ws.append(list(rows[0].keys()))
        for r in rows:
            ws.append([_xlsx_cell(v) for v in r.values()])
        for row in ws.iter_rows(min_row=1):
            for cell in row:
                if isinstance(cell.value, str):
                    # Text stays text: a name starting with '=', '+', '-' or '@' is never taken as
                    # a formula (no formula injection from input files).
                    cell.data_type = "s"
    wb.save(path)
    _stable_zip(path, when)
    return path


def _stable_zip(path: Path, when: _dt.datetime) -> None:
    """Rewrites a ZIP container (XLSX) with every entry stamped `when`, so reruns are
    byte-identical (openpyxl stamps entries with the current time)."""
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    with zipfile.ZipFile(path) as z:
        entries = [(i, z.read(i.filename)) for i in z.infolist()]
    tmp = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in entries:
            if info.filename == "docProps/core.xml":  # openpyxl sets 'modified' to now on save
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                              rb"\g<1>" + when.strftime("%Y-%m-%dT%H:%M:%SZ").encode() + rb"\g<2>", data)
            zi = zipfile.ZipInfo(info.filename, date_time=stamp)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            z.writestr(zi, data)
    os.replace(tmp, path)
