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
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .. import _core
from .folder import OutputFolder

DRIVERS = {"shapefile": ("ESRI Shapefile", ".shp"), "gpkg": ("GPKG", ".gpkg"), "geojson": ("GeoJSON", ".geojson"),
           "kml": ("KML", ".kml")}
# KML: GDAL's KML driver (LIBKML takes time quadratic in features x fields: 49 s for the 2,509
# bản of Sơn La); it styles polygons from OGR style strings itself, points get their IconStyle
# from _style_kml_points.

# The documented values of the text fields (Vietnamese in the outputs; keys are the codes the
# planner uses). field_dictionary.csv lists them beside each field.
STATUS = {"covered": "phủ sóng", "white": "bản trắng", "covered_by_plan": "phủ sóng mới",
          "uncoverable": "không phủ được", "satellite": "vệ tinh cho từng hộ (không có 4G/5G)"}
KIND_VI = {"upgrade": "nâng cấp 4G", "colocation": "dùng chung hạ tầng", "new_grid_hilltop": "trạm mới (đỉnh đồi)",
           "commune_centre": "trạm mới (trung tâm xã)", "candidate": "trạm ứng viên (từ tệp)",
           "existing": "trạm ứng viên (từ tệp)", "small_cell": "trạm nhỏ (small cell) cạnh bản",
           "repeater": "trạm lặp (repeater)"}
BACKHAUL_VI = {"fibre": "cáp quang", "new_fibre": "cáp quang (tuyến mới của quy hoạch cáp quang)", "microwave": "vi ba",
               "fibre_no_los": "cáp quang (không có tầm nhìn vi ba)", "not_modelled": "chưa tính",
               "satellite": "vệ tinh (VSAT/LEO)", "over_the_air": "thu phát lại từ trạm cho (không cần truyền dẫn)",
               "": "chi phí trọn gói"}
POWER_VI = {"existing": "sẵn có", "grid": "kéo lưới điện", "solar": "điện mặt trời", "not_modelled": "chưa tính",
            "": "chi phí trọn gói"}
REASON_VI = {"no_candidate_in_range": "không có trạm ứng viên trong bán kính",
             "terrain_or_distance": "bị địa hình che chắn hoặc quá xa",
             "satellite_households": "chỉ có vệ tinh cho từng hộ (không phủ 4G/5G)"}
YES_NO = ("có", "không")
# The fibre plan (phusong.plan.fibre): route status and stage, node kinds, facility kinds, reasons.
ROUTE_VI = {"new": "tuyến mới", "existing": "tuyến hiện có"}
STAGE_VI = {"facilities": "tới UBND, trường, trạm y tế", "households": "tới hộ gia đình", "": ""}
NODE_VI = {"olt": "OLT tại điểm rẽ trên trục", "cabinet": "tủ OLT mới (giới hạn cự ly quang)", "splitter": "bộ chia quang"}
FACILITY_VI = {"committee": "UBND xã", "school": "trường học", "health_station": "trạm y tế"}
FIBRE_REASON_VI = {"isolated": "nằm trên ô không đi cáp được (độ dốc, mặt nước)",
                   "unreachable": "không có đường cáp tới trục hiện có"}


@dataclass(frozen=True)
class FieldSpec:
    """One attribute of an output layer: its DBF name (at most 10 characters, shapefiles), its
    full name (GeoPackage, GeoJSON, KML), type, meaning in Vietnamese and English, unit and, for
    text fields with a fixed vocabulary, the values it takes."""

    dbf: str
    full: str
    type: str  # "string", "real" or "integer"
    vi: str
    en: str
    unit: str = ""
    values: tuple = ()


F = FieldSpec
# The KPI attributes of an area layer (districts, communes of 2025), by the KPI row's keys.
_AREA_KPI_FIELDS = (
    F("so_ban", "so_ban", "integer", "số bản", "villages", "bản"),
    F("dan_so", "dan_so", "integer", "dân số (tổng các bản)", "population (sum of the bản)", "người"),
    F("so_ho", "so_ho", "integer", "số hộ (tổng các bản)", "households (sum of the bản)", "hộ"),
    F("ban_trang", "ban_trang_hien_nay", "integer", "số bản trắng hiện nay", "white villages today", "bản"),
    F("phu_truoc", "ty_le_phu_hien_nay_pct", "real", "tỷ lệ dân được phủ sóng hiện nay", "people covered today", "%"),
    F("trang_sau", "ban_trang_sau_qh", "integer", "số bản trắng sau quy hoạch", "white villages after the plan", "bản"),
    F("phu_sau", "ty_le_phu_sau_qh_pct", "real", "tỷ lệ dân được phủ sóng sau quy hoạch", "people covered after the plan",
      "%"),
)
_AREA_KPI_KEYS = {"so_ban": ("ban", 0), "dan_so": ("population", 0.0), "so_ho": ("households", 0.0),
                  "ban_trang": ("white_ban_before", 0), "phu_truoc": ("covered_pop_before_pct", math.nan),
                  "trang_sau": ("white_ban_after", 0), "phu_sau": ("covered_pop_after_pct", math.nan)}
FIELDS = {
    "villages": [
        F("ma_ban", "ma_ban", "string", "mã bản", "village id"),
        F("ten_ban", "ten_ban", "string", "tên bản", "village name"),
        F("xa", "xa", "string", "xã", "commune"),
        F("huyen", "huyen", "string", "huyện", "district"),
        F("dan_so", "dan_so", "integer", "dân số", "population", "người"),
        F("so_ho", "so_ho", "integer", "số hộ", "households", "hộ"),
        F("rsrp_dbm", "rsrp_tot_nhat_dbm", "real", "RSRP tốt nhất từ trạm hiện có (trống: không có trạm trong bán kính)",
          "best RSRP from an existing broadband site (empty: none in range)", "dBm"),
        F("tram_phuc", "tram_phuc_vu", "string", "trạm phục vụ (RSRP tốt nhất, đạt ngưỡng; trống: bản trắng)",
          "serving site (best RSRP at or above the threshold; empty: white bản)"),
        F("nha_mang", "nha_mang_phuc_vu", "string", "nhà mạng của trạm phục vụ", "operator of the serving site"),
        F("so_tram", "so_tram_dat_nguong", "integer", "số trạm đạt ngưỡng", "sites at or above the threshold", "trạm"),
        F("trang_thai", "trang_thai_hien_nay", "string", "hiện trạng", "today", "",
          (STATUS["covered"], STATUS["white"])),
        F("tram_moi", "tram_de_xuat", "string", "trạm đề xuất phủ sóng bản", "proposed site that newly covers it"),
        F("sau_qh", "sau_quy_hoach", "string", "sau quy hoạch", "after the plan", "", tuple(STATUS.values())),
        F("ly_do", "ly_do_khong_phu", "string", "lý do không phủ được (vệ tinh/VSAT)",
          "why no candidate covers it (satellite/VSAT case)", "", tuple(REASON_VI.values())),
        F("rsrp_uv", "rsrp_ung_vien_dbm", "real", "RSRP tốt nhất từ trạm ứng viên (bản không phủ được)",
          "best RSRP from any candidate (uncoverable bản)", "dBm"),
        F("thieu_db", "thieu_db", "real", "thiếu so với ngưỡng (bản không phủ được)",
          "how far below the threshold the best candidate is (uncoverable bản)", "dB"),
        F("vc_km", "vat_can_cach_ban_km", "real", "vật cản cao nhất trên đường truyền từ trạm ứng viên tốt nhất: "
          "cách bản", "the highest obstacle on the path from the best candidate: distance from the bản", "km"),
        F("vc_m", "vat_can_cao_hon_tam_nhin_m", "real", "vật cản đó cao hơn đường nhìn thẳng",
          "that obstacle's height above the line of sight", "m"),
        F("vt_cp", "ve_tinh_chi_phi", "real", "chi phí thiết bị vệ tinh cho các hộ của bản (phương án cuối cùng)",
          "cost of satellite terminals for the bản's households (the last resort)", "tiền tệ"),
    ],
    "proposed_sites": [
        F("ma_tram", "ma_tram", "string", "mã trạm đề xuất", "candidate site id"),
        F("thu_tu", "thu_tu", "integer", "thứ tự chọn", "order in which the planner chose it"),
        F("loai", "loai_tram", "string", "loại trạm", "kind of site", "", tuple(dict.fromkeys(KIND_VI.values()))),
        F("nha_mang", "nha_mang", "string", "nhà mạng (chưa phân công: trạm mới chưa giao cho nhà mạng nào)",
          "operator (chưa phân công: a new tower not yet assigned to an operator)"),
        F("cao_m", "do_cao_anten_m", "real", "độ cao anten", "antenna height above ground", "m"),
        F("tan_so_mhz", "tan_so_mhz", "real", "tần số", "frequency", "MHz"),
        F("eirp_dbm", "eirp_dbm", "real", "công suất bức xạ EIRP", "EIRP", "dBm"),
        F("capex", "capex", "real", "chi phí đầu tư (CAPEX)", "CAPEX", "tiền tệ"),
        F("opex_pv", "opex_hien_gia", "real", "chi phí vận hành trong thời hạn, quy về hiện tại",
          "OPEX over the horizon, discounted to today", "tiền tệ"),
        F("truyen_dan", "chi_phi_truyen_dan", "real", "chi phí truyền dẫn", "backhaul cost", "tiền tệ"),
        F("kieu_td", "kieu_truyen_dan", "string", "kiểu truyền dẫn", "backhaul kind", "",
          tuple(BACKHAUL_VI.values())),
        F("td_km", "truyen_dan_km", "real", "chiều dài cáp quang hoặc bước vi ba", "fibre length or microwave hop",
          "km"),
        F("td_den", "truyen_dan_den", "string", "trạm đầu kia của bước vi ba", "tower at the far end of the hop"),
        F("dien", "chi_phi_dien", "real", "chi phí cấp điện", "power cost", "tiền tệ"),
        F("kieu_dien", "kieu_cap_dien", "string", "cấp điện", "power", "", tuple(POWER_VI.values())),
        F("dien_km", "keo_dien_km", "real", "chiều dài kéo lưới điện", "grid extension", "km"),
        F("tong_chi", "tong_chi_phi", "real", "tổng chi phí (CAPEX + OPEX quy về hiện tại + truyền dẫn + điện)",
          "total cost (CAPEX + discounted OPEX + backhaul + power)", "tiền tệ"),
        F("tien_te", "tien_te", "string", "đơn vị tiền tệ", "currency"),
        F("so_ban_moi", "so_ban_phu_moi", "integer", "số bản trắng được phủ mới", "white villages newly covered",
          "bản"),
        F("dan_moi", "dan_so_phu_moi", "integer", "dân số được phủ mới", "people newly covered", "người"),
        F("ds_ban", "ds_ban_phu_moi", "string", "mã các bản được phủ mới (;)", "ids of the villages newly covered (;)"),
        F("phuong_an", "phuong_an", "string", "phương án của lượt hai: cột cao hơn, băng tần thấp, trạm nhỏ, trạm lặp "
          "(trống: trạm ứng viên thường)", "second-pass option: taller mast, lower band, small cell, repeater "
          "(empty: a first-pass candidate)"),
    ],
    "towers": [
        F("ma_tram", "ma_tram", "string", "mã trạm", "site id"),
        F("nha_mang", "nha_mang", "string", "nhà mạng", "operator"),
        F("cong_nghe", "cong_nghe", "string", "công nghệ", "technologies", "", ("2G", "3G", "4G", "5G")),
        F("cao_m", "do_cao_anten_m", "real", "độ cao anten", "antenna height above ground", "m"),
        F("tan_so_mhz", "tan_so_mhz", "real", "tần số", "frequency", "MHz"),
        F("eirp_dbm", "eirp_dbm", "real", "công suất bức xạ EIRP", "EIRP", "dBm"),
        F("so_ban_phu", "so_ban_phuc_vu", "integer", "số bản trạm phục vụ (RSRP tốt nhất, đạt ngưỡng)",
          "villages it serves (best RSRP, at or above the threshold)", "bản"),
    ],
    "districts": [
        F("ma_huyen", "ma_huyen", "string", "mã huyện", "district code"),
        F("ten_huyen", "ten_huyen", "string", "tên huyện", "district name"),
        *_AREA_KPI_FIELDS,
    ],
    "communes": [
        F("ma_xa", "ma_xa", "string", "mã xã/phường (2025)", "commune code (2025)"),
        F("ten_xa", "ten_xa", "string", "tên xã/phường (2025)", "commune name (2025)"),
        F("ds_2019", "dan_so_tdt_2019", "integer", "dân số theo Tổng điều tra 2019 chuyển sang xã mới",
          "2019 census population carried to the commune", "người"),
        *_AREA_KPI_FIELDS,
    ],
    "fibre_routes": [
        F("ma_tuyen", "ma_tuyen", "string", "mã tuyến cáp", "route id"),
        F("trang_thai", "trang_thai", "string", "tuyến mới hay hiện có", "new or existing", "", tuple(ROUTE_VI.values())),
        F("giai_doan", "giai_doan", "string", "tuyến phục vụ (cơ sở hay hộ gia đình)", "what the route is built for", "",
          tuple(v for v in STAGE_VI.values() if v)),
        F("dai_km", "chieu_dai_km", "real", "chiều dài", "length", "km"),
        F("chi_phi", "chi_phi", "real", "chi phí cáp (tuyến mới)", "cable cost (new routes)", "tiền tệ"),
        F("tien_te", "tien_te", "string", "đơn vị tiền tệ", "currency"),
        F("so_co_so", "so_co_so", "integer", "số cơ sở (UBND, trường, trạm y tế) phía sau tuyến",
          "facilities served downstream", "cơ sở"),
        F("so_ban", "so_ban", "integer", "số bản có cáp mới phía sau tuyến", "bản newly passed downstream", "bản"),
        F("so_ho", "so_ho", "integer", "số hộ có cáp mới phía sau tuyến", "households newly passed downstream", "hộ"),
        F("phuc_vu", "phuc_vu", "string", "mã cơ sở và bản phía sau tuyến (;, tối đa 40)",
          "ids served downstream (;, at most 40)"),
    ],
    "fibre_nodes": [
        F("ma_nut", "ma_nut", "string", "mã thiết bị", "equipment id"),
        F("loai", "loai", "string", "loại thiết bị", "kind", "", tuple(NODE_VI.values())),
        F("so_luong", "so_luong", "integer", "số lượng", "count"),
        F("ty_le", "ty_le_chia", "integer", "tỷ lệ chia (bộ chia)", "split ratio (splitters)"),
        F("so_ho", "so_ho", "integer", "số hộ phía sau", "households behind it", "hộ"),
        F("cq_km", "cu_ly_quang_km", "real", "cự ly quang tới OLT", "fibre distance to its OLT", "km"),
        F("olt", "olt", "string", "OLT cấp tín hiệu", "the OLT that feeds it"),
        F("chi_phi", "chi_phi", "real", "chi phí", "cost", "tiền tệ"),
        F("tien_te", "tien_te", "string", "đơn vị tiền tệ", "currency"),
    ],
    "facilities": [
        F("ma_co_so", "ma_co_so", "string", "mã cơ sở", "facility id"),
        F("ten", "ten_co_so", "string", "tên cơ sở", "facility name"),
        F("loai", "loai_co_so", "string", "loại cơ sở", "kind", "", tuple(FACILITY_VI.values())),
        F("xa", "xa", "string", "xã", "commune"),
        F("huyen", "huyen", "string", "huyện", "district"),
        F("cq_truoc", "cap_quang_hien_nay", "string", "có cáp quang hiện nay", "fibre today", "", YES_NO),
        F("cq_sau", "cap_quang_sau_qh", "string", "có cáp quang sau quy hoạch", "fibre after the plan", "", YES_NO),
        F("ly_do", "ly_do_khong_toi", "string", "lý do cáp quang không tới được", "why fibre cannot reach it", "",
          tuple(FIBRE_REASON_VI.values())),
        F("nguon", "nguon", "string", "nguồn dữ liệu (GENERATED: dữ liệu sinh)", "source (GENERATED: generated data)"),
    ],
}
FIBRE_VILLAGE_FIELDS = [
    F("cq_truoc", "cap_quang_hien_nay", "string", "bản có cáp quang hiện nay", "fibre passes the bản today", "", YES_NO),
    F("cq_sau", "cap_quang_sau_qh", "string", "bản có cáp quang sau quy hoạch", "fibre passes it after the plan", "",
      YES_NO),
    F("cq_thu_tu", "cap_quang_thu_tu", "integer", "thứ tự kéo cáp tới bản (0: đã có hoặc không tới được)",
      "order in which fibre reaches it (0: already there or unreachable)"),
    F("cq_chi", "cap_quang_chi_phi", "real", "chi phí kéo cáp tới bản (tuyến + thuê bao đầu cuối)",
      "cost of reaching it (route + last mile)", "tiền tệ"),
    F("cq_ly_do", "cap_quang_ly_do", "string", "lý do cáp quang không tới được bản", "why fibre cannot reach the bản",
      "", tuple(FIBRE_REASON_VI.values())),
    F("cq_bk_m", "cap_quang_ban_kinh_m", "real", "bán kính vùng các hộ của bản (tính cáp thuê bao)",
      "spread of the bản's households (for the drop cables)", "m"),
]
"""Fields the villages layer gains when the scenario has a fibre plan."""
COMMUNE_2025_FIELDS = [F("xa_2025", "xa_phuong_2025", "string", "xã/phường từ 1/7/2025 (chính quyền hai cấp)",
                         "commune of 2025 (two-tier local government)")]
"""Field the villages layer gains with inputs.communes."""
FIBRE_LAYERS = ("fibre_routes", "fibre_nodes", "facilities")
del F

# KML styles (LIBKML keeps OGR style strings): colours by status and icons by site kind.
_ICON = "http://maps.google.com/mapfiles/kml/shapes/{}.png"
KML_STYLE = {
    "villages": {"covered": ("#2E7D32", "placemark_circle"), "covered_by_plan": ("#1565C0", "placemark_circle"),
                 "white": ("#C62828", "placemark_circle"), "uncoverable": ("#6A1B9A", "placemark_square"),
                 "satellite": ("#00838F", "placemark_square")},
    "proposed_sites": {"upgrade": ("#EF6C00", "triangle"), "colocation": ("#F9A825", "triangle"),
                       "new": ("#D84315", "star")},
    "towers": ("#424242", "target"),
}


def _style_kml_points(path: Path, styles: list[str]) -> None:
    """Gives each placemark of a point KML written by GDAL's KML driver the icon and colour of its
    OGR SYMBOL style string (that driver keeps styles of lines and polygons only), in place."""
    text = path.read_text(encoding="utf-8")
    parts = text.split("<Placemark>")
    if len(parts) - 1 != len(styles):
        raise _core.PhusongError(f"write {path}: {len(parts) - 1} placemarks for {len(styles)} styles")
    out = [parts[0]]
    for chunk, style in zip(parts[1:], styles):
        m = re.match(r'SYMBOL\(c:#([0-9A-Fa-f]{6}),id:"([^"]+)"\)', style)
        if m:
            rr, gg, bb = m.group(1)[0:2], m.group(1)[2:4], m.group(1)[4:6]
            element = (f"<Style><IconStyle><color>ff{bb}{gg}{rr}</color><Icon><href>{m.group(2)}</href></Icon>"
                       "</IconStyle></Style>")
            end = chunk.find("</Placemark>")
            at = chunk.find("<ExtendedData>")
            if at < 0 or at > end:
                at = chunk.find("<Point>")
            chunk = chunk[:at] + element + "\n\t" + chunk[at:]
        out.append(chunk)
    path.write_text("<Placemark>".join(out), encoding="utf-8")


def _symbol(colour: str, icon: str) -> str:
    return f'SYMBOL(c:{colour},id:"{_ICON.format(icon)}")'


def _ascii(text: str) -> str:
    t = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return re.sub(r"[^a-z0-9]", "", "".join(c for c in t if unicodedata.category(c) != "Mn").lower())


def operator_field(op: str) -> str:
    """Per-operator coverage flag field (DBF): 'phu_' + up to 6 ASCII letters of the operator."""
    return ("phu_" + _ascii(op))[:10]


def operator_fields(operators) -> list[FieldSpec]:
    """The per-operator coverage flags of the villages layer."""
    return [FieldSpec(operator_field(op), "phu_song_" + _ascii(op), "string", f"phủ sóng của {op}", f"covered by {op}",
                      "", YES_NO) for op in operators]


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


def _write_layer(staging: Path, name: str, sc, lon, lat, columns: dict, extra_fields=(), wkb=None,
                 styles=None, name_field: str = "") -> list[Path]:
    """Writes one layer in every asked format: DBF names in shapefiles, full names elsewhere."""
    specs = list(FIELDS[name]) + list(extra_fields)
    values = []
    for f in specs:
        vals = columns[f.dbf]
        if f.type == "real":
            vals = np.asarray(vals, dtype=float)
        elif f.type == "integer":
            vals = np.rint(np.asarray(vals, dtype=float)).astype(np.int64)
        values.append(vals)
    written = []
    for fmt in sc.outputs.formats:
        driver, ext = DRIVERS[fmt]
        path = staging / f"{name}{ext}"
        crs = "WGS84" if fmt in ("kml", "geojson") else sc.outputs.crs  # KML and GeoJSON are WGS84 by definition
        shp = fmt == "shapefile"
        fields = [(f.dbf if shp else f.full, f.type, v) for f, v in zip(specs, values)]
        if fmt == "kml" and name_field:  # LIBKML makes a field called 'name' the placemark's <name>
            fields.insert(0, ("name", "string", list(columns[name_field])))
        _core.write_points(str(path), driver, crs, np.asarray(lon, float), np.asarray(lat, float), fields, name, wkb,
                           styles if fmt == "kml" else None)
        if fmt == "kml" and styles is not None and wkb is None:
            _style_kml_points(path, styles)
        if shp:
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
            return _dt.datetime.fromtimestamp(int(epoch), _dt.UTC)
        except (ValueError, OverflowError, OSError):
            raise _core.InputError(f"SOURCE_DATE_EPOCH: not a number of seconds: {epoch!r}") from None
    today = _dt.datetime.now(_dt.UTC).date()
    return _dt.datetime(today.year, today.month, today.day, tzinfo=_dt.UTC)


def planned_names(sc) -> list[str]:
    """Names of the files a run of `sc` writes (to check them before computing)."""
    names = []
    layers = (("villages", "towers", "proposed_sites", "districts") + (("communes",) if sc.inputs.communes else ())
              + (FIBRE_LAYERS if sc.fibre.enabled else ()))
    for layer in layers:
        for fmt in sc.outputs.formats:
            ext = DRIVERS[fmt][1]
            names += [layer + e for e in ((".shp", ".shx", ".dbf", ".prj", ".cpg") if fmt == "shapefile" else (ext,))]
    names += [f"kpi_{lv}.csv" for lv in ("province", "district", "commune", "targets")]
    names += ["kpi.xlsx", "plan_curve.csv", "links.csv", "summary.csv", "field_dictionary.csv", "input_warnings.csv",
              "report.md", "report.html", "report.pdf", "map.html", "project.qgz", "raster_servers.csv"]
    if sc.fibre.enabled:
        names += ["fibre_curve.csv"]
    if sc.outputs.qgis:
        names += [f"{layer}.qml" for layer in layers]
    if sc.outputs.rasters:
        names += [f"rsrp_{w}{e}" for w in ("before", "after") for e in (".tif", ".server.tif")]
        names += ["coverage_before.gpkg", "coverage_after.gpkg"]
    return names


def preflight(sc, villages: list, towers: list) -> None:
    """Checks, before any computation, what writing the outputs would otherwise find only at
    the end: per-operator field names that collide once cut to 10 characters, and text values
    longer than a DBF field holds (254 bytes) when shapefiles are asked for."""
    by_field: dict[str, str] = {}
    fixed = {f.dbf for f in FIELDS["villages"]}
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
    if sc.outputs.web_map:  # Leaflet must be there before hours of computing, not after
        from .webmap import leaflet_dir

        leaflet_dir()
    if sc.outputs.report_pdf:
        from .report_render import require_weasyprint

        require_weasyprint()
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
    """(status before, status after, proposed site, reason) per village: keys of STATUS and
    REASON_VI (reason "" unless uncoverable)."""
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
            after[i] = "satellite" if i in plan.satellite_households else "uncoverable"
            reason[i] = why
    return before, after, site, reason


def _num(v):
    """Full precision in tables: integral floats as integers, others to 6 decimals."""
    if isinstance(v, float) and math.isfinite(v):
        return str(int(v)) if v.is_integer() else f"{v:.6f}".rstrip("0").rstrip(".")
    return v


def _write_csv(path: Path, rows: list[dict], encoding: str = "utf-8") -> Path:
    """A CSV table; encoding "utf-8-sig" adds the byte-order mark Excel on Windows needs."""
    with open(path, "w", newline="", encoding=encoding) as f:
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
    covered = np.asarray(cov["covered"], bool)
    # The serving site of a bản is its best site only when that reaches the threshold.
    server = np.where(covered, np.asarray(cov["best_site"]), -1)
    before, after, plan_site, reason = village_status(result)
    op_fields = operator_fields(result.operators)
    cand_best = plan.uncoverable_best_rsrp_dbm if plan is not None else {}
    thr = sc.radio.threshold_dbm
    enc = "utf-8-sig" if sc.outputs.csv_bom else "utf-8"
    rsrp_uv = np.array([cand_best.get(i, math.nan) for i in range(len(villages))], float)
    cols = {
        "ma_ban": [v.id for v in villages],
        "ten_ban": [v.name for v in villages],
        "xa": [v.commune for v in villages],
        "huyen": [v.district for v in villages],
        "dan_so": [v.population for v in villages],
        "so_ho": [v.households for v in villages],
        "rsrp_dbm": np.where(np.isfinite(best), np.round(best, 2), np.nan),
        "tram_phuc": [towers[s].id if s >= 0 else "" for s in server],
        "nha_mang": [towers[s].operator if s >= 0 else "" for s in server],
        "so_tram": cov["servers"],
        "trang_thai": [STATUS[s] for s in before],
        "tram_moi": plan_site,
        "sau_qh": [STATUS[s] for s in after],
        "ly_do": [REASON_VI[r] if r else "" for r in reason],
        "rsrp_uv": np.where(np.isfinite(rsrp_uv), np.round(rsrp_uv, 2), np.nan),
        "thieu_db": np.where(np.isfinite(rsrp_uv), np.round(thr - rsrp_uv, 2), np.nan),
        "vc_km": [round(plan.uncoverable_obstacle[i][0], 2) if plan is not None and i in plan.uncoverable_obstacle
                  else math.nan for i in range(len(villages))],
        "vc_m": [round(plan.uncoverable_obstacle[i][1], 1) if plan is not None and i in plan.uncoverable_obstacle
                 else math.nan for i in range(len(villages))],
        "vt_cp": [round(plan.satellite_households[i]) if plan is not None and i in plan.satellite_households
                  else math.nan for i in range(len(villages))],
    }
    for f, d in zip(op_fields, result.operators.values()):
        cols[f.dbf] = [YES_NO[0] if c else YES_NO[1] for c in d["covered"]]
    extra = list(op_fields)
    if getattr(result, "communes", None) is not None:
        cols["xa_2025"] = [result.communes.name_of(i) for i in range(len(villages))]
        extra += COMMUNE_2025_FIELDS
    fp = getattr(result, "fibre", None)
    if fp is not None:
        from .fibre import village_columns

        cols.update(village_columns(fp))
        extra += FIBRE_VILLAGE_FIELDS
    from . import programme
    from . import service as service_out

    cols.update(programme.village_columns(plan, len(villages), result.white))
    extra += programme.village_fields(plan)
    cols.update(service_out.village_columns(result))
    extra += service_out.village_fields(result)
    vstyle = [_symbol(*KML_STYLE["villages"][s]) for s in after]
    files = _write_layer(staging, "villages", sc, [v.lon for v in villages], [v.lat for v in villages], cols,
                         extra, styles=vstyle, name_field="ten_ban")
    n_served = np.bincount(server[server >= 0], minlength=len(towers)) if towers else []
    if towers:
        files += _write_layer(staging, "towers", sc, [t.lon for t in towers], [t.lat for t in towers], {
            "ma_tram": [t.id for t in towers],
            "nha_mang": [t.operator for t in towers],
            "cong_nghe": [t.technologies for t in towers],
            "cao_m": [t.height_m for t in towers],
            "tan_so_mhz": [t.freq_mhz for t in towers],
            "eirp_dbm": [t.eirp_dbm for t in towers],
            "so_ban_phu": n_served,
        }, styles=[_symbol(*KML_STYLE["towers"])] * len(towers), name_field="ma_tram")
    chosen = [result.candidates[j] for j in plan.chosen] if plan else []
    sstyle = [_symbol(*KML_STYLE["proposed_sites"].get(c.kind, KML_STYLE["proposed_sites"]["new"])) for c in chosen]
    files += _write_layer(staging, "proposed_sites", sc, [c.lon for c in chosen], [c.lat for c in chosen],
                          proposed_site_columns(result, _join_ids) | programme.site_columns(plan),
                          programme.site_fields(plan), styles=sstyle, name_field="ma_tram")
    files += programme.write(staging, result, _write_csv, enc)
    files += service_out.write(staging, result, _write_csv, enc)
    if sc.inputs.admin:
        files += _write_districts(staging, result)
    if getattr(result, "communes", None) is not None:
        files += _write_communes(staging, result)
    if fp is not None:
        from . import fibre as fibre_out

        files += fibre_out.write(staging, result, enc)
    if result.rasters is not None:
        from ..coverage import scenario_rasters

        files += scenario_rasters.write(staging, result.rasters)

    for level in ("province", "district", "commune", "targets"):
        files.append(_write_csv(staging / f"kpi_{level}.csv", result.kpis[level], enc))
    if "xlsx" in sc.outputs.tables:
        files.append(_write_xlsx(staging / "kpi.xlsx", result))
    if plan is not None:
        files.append(_write_csv(staging / "plan_curve.csv", [
            {"sites": k + 1, "cost": pt.cost, "currency": plan.currency, "people_covered": pt.people,
             "villages_covered": pt.villages}
            for k, pt in enumerate(plan.curve)], enc))
    files.append(_write_links(staging / "links.csv", result, enc))
    if sc._warnings:  # input rows skipped while reading (each names the file, the row and the value)
        files.append(_write_csv(staging / "input_warnings.csv", [{"warning": w} for w in sc._warnings], enc))
    files.append(_write_csv(staging / "summary.csv", [{"key": k, "value": v} for k, v in result.summary.items()], enc))
    files.append(_write_csv(staging / "field_dictionary.csv",
                            dictionary_rows(op_fields, fibre=fp is not None,
                                            communes=getattr(result, "communes", None) is not None,
                                            village_extra=programme.village_fields(plan)
                                            + service_out.village_fields(result),
                                            site_extra=programme.site_fields(plan)), enc))
    if sc.outputs.report or sc.outputs.report_pdf:
        from . import report

        files += report.write(staging, result, dem)
    if sc.outputs.web_map:
        from . import webmap

        files += webmap.write(staging, result, list(files))
    if sc.outputs.qgis:  # last: the project opens every layer and raster written above
        from . import qgis

        files += qgis.write(staging, result, list(files))
    return files


def proposed_site_columns(result, join_ids=";".join) -> dict:
    """The proposed_sites fields (FIELDS["proposed_sites"], by DBF name) of the plan's sites, in
    the order chosen; `join_ids` writes the ids of the bản each one newly covers."""
    plan, villages = result.plan, result.villages
    chosen = [result.candidates[j] for j in plan.chosen] if plan else []
    newly = plan.newly_covered if plan else []
    costs = plan.cost_breakdown if plan else []
    return {
        "ma_tram": [c.id for c in chosen],
        "thu_tu": list(range(1, len(chosen) + 1)),
        "loai": [KIND_VI.get(c.kind, KIND_VI["candidate"]) for c in chosen],
        "nha_mang": [c.operator for c in chosen],
        "cao_m": [c.height_m for c in chosen],
        "tan_so_mhz": [c.freq_mhz for c in chosen],
        "eirp_dbm": [c.eirp_dbm for c in chosen],
        "capex": [b.capex for b in costs],
        "opex_pv": [b.opex_pv for b in costs],
        "truyen_dan": [b.backhaul for b in costs],
        "kieu_td": [BACKHAUL_VI[b.backhaul_kind] for b in costs],
        "td_km": [round(b.backhaul_km, 3) for b in costs],
        "td_den": [b.backhaul_hub for b in costs],
        "dien": [b.power for b in costs],
        "kieu_dien": [POWER_VI[b.power_kind] for b in costs],
        "dien_km": [round(b.power_km, 3) for b in costs],
        "tong_chi": [b.total for b in costs],
        "tien_te": [plan.currency] * len(chosen) if plan else [],
        "so_ban_moi": [len(x) for x in newly],
        "dan_moi": [round(sum(villages[i].population for i in x)) for x in newly],
        "ds_ban": [join_ids([villages[i].id for i in x]) for x in newly],
        "phuong_an": [plan.variant_notes.get(c.id, "") for c in chosen] if plan else [],
    }


def dictionary_rows(op_fields=(), fibre: bool = False, communes: bool = False, village_extra=(),
                    site_extra=()) -> list[dict]:
    """field_dictionary.csv: every field of every layer written with both names, meaning, unit and
    values (the fibre layers and fields when the run has a fibre plan; the agreement, roll-out and
    fund fields when it has them: outputs.programme)."""
    rows = []
    for layer, specs in FIELDS.items():
        if (layer in FIBRE_LAYERS and not fibre) or (layer == "communes" and not communes):
            continue
        extra = list(op_fields) + (COMMUNE_2025_FIELDS if communes else []) + (FIBRE_VILLAGE_FIELDS if fibre else []) \
            + list(village_extra)
        more = extra if layer == "villages" else (list(site_extra) if layer == "proposed_sites" else [])
        for f in specs + more:
            rows.append({"layer": layer, "field": f.dbf, "full_name": f.full, "type": f.type, "nghia": f.vi,
                         "meaning": f.en, "unit": f.unit, "values": " | ".join(f.values)})
    return rows


def _write_links(path: Path, result, encoding: str = "utf-8") -> Path:
    """The village table: every evaluated bản × site path (exact profile) with its loss and RSRP."""
    links = result.coverage["links"]
    with open(path, "w", newline="", encoding=encoding) as f:
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


def _area_kpis(cols: dict, r: dict) -> None:
    """Appends a KPI row's values to an area layer's columns (_AREA_KPI_FIELDS)."""
    for dbf, (key, empty) in _AREA_KPI_KEYS.items():
        v = r.get(key, empty)
        cols[dbf].append(round(v, 3) if dbf.startswith("phu_") else v)


def _write_districts(staging: Path, result) -> list[Path]:
    from ..inputs import admin

    kpi = {r["district"]: r for r in result.kpis["district"]}
    wkb, cols = [], {f.dbf: [] for f in FIELDS["districts"]}
    for d in admin.read_districts(result.scenario.inputs.admin):
        r = kpi.get(d.name, {})
        wkb.append(d.geometry.wkb)
        cols["ma_huyen"].append(d.code)
        cols["ten_huyen"].append(d.name)
        _area_kpis(cols, r)
    return _write_layer(staging, "districts", result.scenario, [], [], cols, wkb=wkb,
                        styles=["PEN(c:#37474F,w:2px);BRUSH(fc:#90A4AE40)"] * len(wkb), name_field="ten_huyen")


def _write_communes(staging: Path, result) -> list[Path]:
    """The communes of 2025 (inputs.communes) with their KPI attributes."""
    kpi = {r["commune"]: r for r in result.kpis["commune"]}
    wkb, cols = [], {f.dbf: [] for f in FIELDS["communes"]}
    for c in result.communes.communes:
        r = kpi.get(c.name, {})
        census = result.communes.census.get(c.code)
        wkb.append(c.geometry.wkb)
        cols["ma_xa"].append(c.code)
        cols["ten_xa"].append(c.name)
        cols["ds_2019"].append(census.population if census else math.nan)
        _area_kpis(cols, r)
    return _write_layer(staging, "communes", result.scenario, [], [], cols, wkb=wkb,
                        styles=["PEN(c:#5D4037,w:1px);BRUSH(fc:#BCAAA420)"] * len(wkb), name_field="ten_xa")


def _xlsx_cell(v):
    """A value for a worksheet cell: NaN/inf empty."""
    return None if isinstance(v, float) and not math.isfinite(v) else v


# kpi.xlsx: Vietnamese headers for the KPI keys (the CSV tables keep the keys).
KPI_HEADERS_VI = {
    "province": "tỉnh", "district": "huyện", "commune": "xã", "ban": "số bản", "households": "số hộ",
    "population": "dân số", "covered_ban_before": "bản được phủ sóng hiện nay",
    "white_ban_before": "bản trắng hiện nay", "covered_pop_before_pct": "tỷ lệ dân được phủ sóng hiện nay (%)",
    "covered_hh_before_pct": "tỷ lệ hộ được phủ sóng hiện nay (%)", "covered_ban_after": "bản được phủ sóng sau quy hoạch",
    "white_ban_after": "bản trắng sau quy hoạch", "covered_pop_after_pct": "tỷ lệ dân được phủ sóng sau quy hoạch (%)",
    "plan_sites": "số trạm đề xuất", "plan_cost": "chi phí quy hoạch", "plan_currency": "tiền tệ",
    "indicator": "chỉ tiêu", "target": "mục tiêu", "published": "số liệu đã công bố", "before": "hiện nay",
    "after_plan": "sau quy hoạch",
}
_SHEETS = {"province": "province", "district": "district", "commune": "commune", "targets": "targets"}


def _kpi_header(key: str) -> str:
    if key.startswith("covered_pop_pct_"):
        return f"tỷ lệ dân được phủ sóng của {key[len('covered_pop_pct_'):]} (%)"
    return KPI_HEADERS_VI.get(key, key)


def _xlsx_number_format(header: str, values: list) -> str | None:
    nums = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if not nums:
        return None
    if "(%)" in header or header.endswith("pct"):
        return "0.00"
    if all(float(v).is_integer() for v in nums):
        return "#,##0"
    return "#,##0.00"


def _sheet(wb, title: str, headers: list[str], rows: list[list]) -> None:
    """One sheet: header row frozen and filtered, column formats by content, text always text."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    ws.append(headers)
    for r in rows:
        ws.append([_xlsx_cell(v) for v in r])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    if rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(rows) + 1}"
    for k, h in enumerate(headers, start=1):
        col = [r[k - 1] for r in rows]
        fmt = _xlsx_number_format(h, col)
        width = max([len(str(h))] + [len(str(v)) for v in col[:200]]) + 2
        ws.column_dimensions[get_column_letter(k)].width = min(max(width, 8), 60)
        for row in ws.iter_rows(min_row=2, min_col=k, max_col=k):
            for cell in row:
                if isinstance(cell.value, str):
                    # Text stays text: a name starting with '=', '+', '-' or '@' is never taken as
                    # a formula (no formula injection from input files).
                    cell.data_type = "s"
                elif fmt and isinstance(cell.value, (int, float)):
                    cell.number_format = fmt
    for cell in ws[1]:
        cell.data_type = "s"


def _write_xlsx(path: Path, result) -> Path:
    """kpi.xlsx: the KPI tables with Vietnamese headers, number formats, frozen headers and
    filters, plus the proposed sites and the bản no candidate reaches."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    when = run_date().replace(tzinfo=None)
    wb.properties.created = when
    wb.properties.modified = when
    wb.properties.creator = "phusong"
    kpis = result.kpis
    for level in ("province", "district", "commune", "targets"):
        rows = kpis[level]
        keys = list(rows[0].keys()) if rows else []
        _sheet(wb, _SHEETS[level], [_kpi_header(k) for k in keys], [[r.get(k) for k in keys] for r in rows])
    plan = result.plan
    if plan is not None:
        specs = [f for f in FIELDS["proposed_sites"]]
        headers = [f.vi.split(" (")[0] + (f" ({f.unit})" if f.unit else "") for f in specs]
        headers += ["kinh độ", "vĩ độ"]
        cols = proposed_site_columns(result)
        chosen = [result.candidates[j] for j in plan.chosen]
        rows = [[cols[f.dbf][k] for f in specs] + [round(c.lon, 5), round(c.lat, 5)] for k, c in enumerate(chosen)]
        _sheet(wb, "trạm đề xuất", headers, rows)
        thr = result.scenario.radio.threshold_dbm
        rows = []
        for i, why in plan.uncoverable.items():
            v = result.villages[i]
            best = plan.uncoverable_best_rsrp_dbm.get(i, math.nan)
            rows.append([v.id, v.name, v.commune, v.district, round(v.population), round(v.households),
                         REASON_VI[why], round(best, 1), round(thr - best, 1), round(v.lon, 5), round(v.lat, 5)])
        _sheet(wb, "bản không phủ được", ["mã bản", "tên bản", "xã", "huyện", "dân số", "số hộ", "lý do",
                                          "RSRP ứng viên tốt nhất (dBm)", "thiếu so với ngưỡng (dB)", "kinh độ",
                                          "vĩ độ"], rows)
        from . import programme

        for title, heads, rows in programme.sheets(result):
            _sheet(wb, title, heads, rows)
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
