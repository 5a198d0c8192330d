"""Writes the villages and sites templates of this folder, CSV and XLSX, with Vietnamese and
English headers (deterministic: the same bytes on every run; tests/python/test_tables.py checks).

    python datasets/templates/make_templates.py [OUT_DIR]

The headers come from phusong.inputs.tables (VI_COLUMNS: the Vietnamese headers, the canonical
names for English), so a template is always read by ``tables.normalise(..., columns="vi")`` (or
with no mapping for the English ones). The example rows are made up (ids EX-...): delete them.
CSV files are UTF-8 with a byte-order mark, so that Excel shows the Vietnamese letters.
"""

from __future__ import annotations

import csv
import io
import re
import sys
import zipfile
from pathlib import Path

from phusong.inputs.tables import FIELDS, VI_COLUMNS

HERE = Path(__file__).resolve().parent
FIXED_TIME = "2026-01-01T00:00:00Z"  # written into the XLSX properties instead of the time of the run

VILLAGE_COLUMNS = ("id", "name", "commune", "commune_code", "district", "population", "households", "radius_m", "lon",
                   "lat", "source")
VILLAGE_ROWS = (
    ("EX-V001", "Bản Ví Dụ 1", "Phường Chiềng An", "03664", "Thành phố Sơn La", 412, 96, 250, 103.9451, 21.299,
     "ví dụ / example: delete this row"),
    ("EX-V002", "Bản Ví Dụ 2", "Xã Mường Bú", "03847", "Huyện Mường La", 256, 58, "", 104.0452, 21.4733,
     "ví dụ / example: delete this row"),
)
# Sites in VN-2000 TM-3 104° (EPSG:9206), x = easting, y = northing, in metres: EX-S001 is
# 103.9081 E 21.3274 N, EX-S002 103.9451 E 21.2990 N (converted with phusong.transform).
SITE_COLUMNS = ("id", "sector", "operator", "technologies", "height_m", "freq_mhz", "eirp_dbm", "bandwidth_mhz",
                "antenna", "azimuth_deg", "downtilt_deg", "y", "x", "source")
SITE_ROWS = (
    ("EX-S001", "1", "Viettel", "4G", 40, 1800, 60, 10, "3gpp", 0, 4, 2359199.87, 490271.06, "ví dụ / example"),
    ("EX-S001", "2", "Viettel", "4G", 40, 1800, 60, 10, "3gpp", 120, 4, 2359199.87, 490271.06, "ví dụ / example"),
    ("EX-S001", "3", "Viettel", "4G", 40, 1800, 60, 10, "3gpp", 240, 4, 2359199.87, 490271.06, "ví dụ / example"),
    ("EX-S002", "", "VNPT", "2G;3G;4G", 30, 900, 58, 5, "omni", "", "", 2356053.93, 494108.01, "ví dụ / example"),
)

# The meaning of each column in Vietnamese (the English one is tables.FIELDS's).
VI_MEANING = {
    "villages": {
        "id": "mã duy nhất của bản", "name": "tên bản", "commune": "xã/phường (đơn vị hành chính từ 1/7/2025)",
        "commune_code": "mã xã của Tổng cục Thống kê", "district": "huyện trước năm 2025 (không bắt buộc)",
        "population": "số người", "households": "số hộ (không lớn hơn dân số)",
        "radius_m": "bán kính vùng các hộ sinh sống (m; không bắt buộc, dùng cho cáp quang đến hộ)",
        "lon": "kinh độ WGS84 (độ thập phân)", "lat": "vĩ độ WGS84 (độ thập phân)",
        "x": "tọa độ Y VN-2000 (hướng Đông, m)", "y": "tọa độ X VN-2000 (hướng Bắc, m)", "source": "nguồn số liệu",
    },
    "sites": {
        "id": "mã trạm; các dòng cùng mã là các sector của một trạm", "sector": "tên hoặc số sector",
        "operator": "nhà mạng (Viettel, VNPT, MobiFone...)", "technologies": "2G, 3G, 4G, 5G, cách nhau bởi ;",
        "height_m": "độ cao anten so với mặt đất (m)", "freq_mhz": "tần số sóng mang (MHz)",
        "eirp_dbm": "công suất bức xạ đẳng hướng tương đương, EIRP (dBm)", "bandwidth_mhz": "băng thông kênh (MHz)",
        "antenna": "omni, 3gpp (anten sector) hoặc tệp giản đồ .msi", "azimuth_deg": "góc phương vị, theo chiều kim "
        "đồng hồ từ hướng Bắc (độ)", "downtilt_deg": "góc nghiêng xuống cơ khí (độ)",
        "x": "tọa độ Y VN-2000 TM-3 104° (hướng Đông, m)", "y": "tọa độ X VN-2000 TM-3 104° (hướng Bắc, m)",
        "lon": "kinh độ WGS84", "lat": "vĩ độ WGS84", "source": "nguồn số liệu",
    },
}

TEMPLATES = {
    "villages": (VILLAGE_COLUMNS, VILLAGE_ROWS, {"vi": "Bản", "en": "villages"}),
    "sites": (SITE_COLUMNS, SITE_ROWS, {"vi": "Trạm", "en": "sites"}),
}


def headers(kind: str, lang: str, columns: tuple[str, ...]) -> list[str]:
    return [VI_COLUMNS[kind][c] if lang == "vi" else c for c in columns]


def write_csv(path: Path, head: list[str], rows) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(head)
    for r in rows:
        w.writerow(r)
    path.write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))


def _fix_zip(path: Path) -> None:
    """The same bytes on every run: fixed member times and fixed document properties."""
    with zipfile.ZipFile(path) as z:
        members = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            if name == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)", rb"\g<1>" + FIXED_TIME.encode()
                              + rb"\g<3>", data)
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)


def write_xlsx(path: Path, kind: str, lang: str, head: list[str], columns: tuple[str, ...], rows, sheet: str) -> None:
    import openpyxl
    from openpyxl.styles import Font

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(head)
    for c in ws[1]:
        c.font = Font(bold=True)
    for r in rows:
        ws.append([None if v == "" else v for v in r])
    for i, h in enumerate(head, start=1):
        ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width = max(10, len(h) + 4)
    ws.freeze_panes = "A2"
    # A second sheet describing the columns (the data sheet stays the first one, read by default).
    doc = wb.create_sheet("Cột" if lang == "vi" else "columns")
    fields = {f.name: f for f in FIELDS[kind]}
    doc.append(["Cột", "Bắt buộc", "Đơn vị", "Ý nghĩa"] if lang == "vi" else ["column", "required", "unit", "meaning"])
    for c in doc[1]:
        c.font = Font(bold=True)
    for col, h in zip(columns, head):
        f = fields[col]
        required = f.required or col in ("lon", "lat", "x", "y")
        yes, no = ("có", "không") if lang == "vi" else ("yes", "no")
        meaning = VI_MEANING[kind].get(col, f.meaning) if lang == "vi" else f.meaning
        doc.append([h, yes if required else no, f.unit, meaning])
    for letter, width in zip("ABCD", (24, 10, 12, 70)):
        doc.column_dimensions[letter].width = width
    wb.properties.creator = "phusong datasets/templates/make_templates.py"
    wb.save(path)
    _fix_zip(path)


def main(out_dir: Path = HERE) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, (columns, rows, sheets) in TEMPLATES.items():
        for lang in ("vi", "en"):
            cols, rws = columns, rows
            if lang == "en" and "x" in columns:  # x (easting) before y (northing) in English
                order = [columns.index(c) for c in columns if c != "x"]
                order.insert(order.index(columns.index("y")), columns.index("x"))
                cols = tuple(columns[i] for i in order)
                rws = tuple(tuple(r[i] for i in order) for r in rows)
            head = headers(kind, lang, cols)
            csv_path = out_dir / f"{kind}_template_{lang}.csv"
            write_csv(csv_path, head, rws)
            xlsx_path = out_dir / f"{kind}_template_{lang}.xlsx"
            write_xlsx(xlsx_path, kind, lang, head, cols, rws, sheets[lang])
            written += [csv_path, xlsx_path]
    return written


if __name__ == "__main__":
    for p in main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(p)
