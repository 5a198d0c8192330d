"""Villages and sites tables as planners have them: CSV or Excel sheets with their own column
names, x/y in VN-2000, one row per sector; read, checked and written as the CSV the engine reads.

Formats (:func:`read_table`):

- CSV in UTF-8, with or without a byte-order mark (Excel's "CSV UTF-8"), separated by commas,
  semicolons or tabs (the separator of the header line); with semicolons or tabs a decimal comma
  ("21,3274") is read as a decimal point, as Excel writes numbers in Vietnamese settings;
- XLSX (``sheet``: the sheet's name, default the first sheet; row numbers are Excel's);
- GeoJSON, Shapefile (.shp with its .dbf and .cpg) and GeoPackage: the points are read by the
  engine (``_core.read_geometries``, in WGS84 whatever the layer's CRS), the attributes here
  (GeoJSON properties, the .dbf, the GeoPackage table).

Columns (:data:`VILLAGE_FIELDS`, :data:`SITE_FIELDS`): the canonical names (``id``, ``height_m``,
...) are found case-insensitively; ``columns`` maps a canonical name to the file's own header
(``{"lon": "KINH_DO", "height_m": "Độ cao anten"}``); ``columns="vi"`` is the mapping of the
Vietnamese templates in ``datasets/templates/`` (:data:`VI_COLUMNS`).

Positions: ``lon``/``lat`` or ``x``/``y`` (easting/northing) in the declared ``crs`` (default
WGS84; ``VN2000-TM3-104``, ``UTM48N``, ``EPSG:n``, a PROJ string or WKT), converted to WGS84 with
PROJ (``_core.transform``). A point outside the CRS's area of use (the BBOX of its WKT, widened by
``margin_deg``, 0.1° by default) is refused. In Vietnamese survey tables X is the northing and Y
the easting: the Vietnamese mapping reads them so, and the error says when x and y look swapped.

Multi-sector sites: rows sharing a site id are the sectors of one site, each with its own
azimuth, downtilt, antenna, band (frequency), technologies, height and power; they must agree on
the position (within ``position_tolerance_m``, 5 m by default) and the operator. Each sector is one
row of the output, with id ``<site id>-<sector>`` (the ``sector`` column, else 1, 2, ... in file
order), ``site_id`` and ``sector``; the sectors get the mean position of their rows.

Every problem is an ``InputError`` naming the file (and sheet), the row or feature, the column and
the value. Row numbers of CSV files count the data rows from 1 (the header is not a row), as the
engine's messages do; XLSX rows are Excel's row numbers.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import sqlite3
import struct
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .. import _core

# ---------------------------------------------------------------------------------------------
# The columns


@dataclass(frozen=True)
class Field:
    """One canonical column of a villages or sites table."""

    name: str
    required: bool
    kind: str          # "text" or "number"
    unit: str
    meaning: str
    limit: str = ""    # name in _core.limits() checked, '' for none


VILLAGE_FIELDS: tuple[Field, ...] = (
    Field("id", True, "text", "", "unique id of the village (bản)"),
    Field("name", True, "text", "", "name of the village"),
    Field("commune", False, "text", "", "commune (xã/phường) of 2025"),
    Field("commune_code", False, "text", "", "GSO code of the commune"),
    Field("district", False, "text", "", "pre-2025 district (optional older grouping)"),
    Field("district_code", False, "text", "", "GSO code of the pre-2025 district"),
    Field("population", True, "number", "people", "inhabitants", "village.population"),
    Field("households", True, "number", "households", "households (at most the population)", "village.households"),
    Field("radius_m", False, "number", "m", "spread of the households: radius of the area they live in (fibre last "
          "mile; default: the scenario's fibre.village_radius_m rule)", "village.radius_m"),
    Field("lon", False, "number", "degree", "longitude (WGS84, or in the declared crs)"),
    Field("lat", False, "number", "degree", "latitude (WGS84, or in the declared crs)"),
    Field("x", False, "number", "m", "easting in the declared crs"),
    Field("y", False, "number", "m", "northing in the declared crs"),
    Field("source", False, "text", "", "where the row comes from (default: the file and row)"),
)

SITE_FIELDS: tuple[Field, ...] = (
    Field("id", True, "text", "", "site id; rows sharing it are the sectors of one site"),
    Field("sector", False, "text", "", "sector name or number within the site"),
    Field("operator", True, "text", "", "operator (Viettel, VNPT, MobiFone, ...)"),
    Field("technologies", True, "text", "", "2G, 3G, 4G, 5G (or GSM, UMTS, LTE, NR) separated by ; , or /"),
    Field("height_m", True, "number", "m", "antenna height above ground", "site.height_m"),
    Field("freq_mhz", True, "number", "MHz", "carrier frequency (the band)", "site.freq_mhz"),
    Field("eirp_dbm", False, "number", "dBm", "main-beam EIRP (or tx_power_dbm + antenna_gain_dbi - feeder_loss_db)",
          "site.eirp_dbm"),
    Field("tx_power_dbm", False, "number", "dBm", "power at the antenna port, when EIRP is not given", "site.tx_power_dbm"),
    Field("antenna_gain_dbi", False, "number", "dBi", "antenna gain, with tx_power_dbm", "site.antenna_gain_dbi"),
    Field("feeder_loss_db", False, "number", "dB", "cable and connector loss, with tx_power_dbm", "site.feeder_loss_db"),
    Field("bandwidth_mhz", False, "number", "MHz", "channel bandwidth (default: the scenario's)", "site.bandwidth_mhz"),
    Field("antenna", False, "text", "", "omni (default), 3gpp (sector) or a .msi/.pln pattern file"),
    Field("azimuth_deg", False, "number", "degree", "azimuth of the sector, clockwise from north", "site.azimuth_deg"),
    Field("downtilt_deg", False, "number", "degree", "mechanical downtilt, positive downwards", "site.downtilt_deg"),
    Field("kind", False, "text", "", "candidate kind (colocation, new, upgrade) in candidate files"),
    Field("lon", False, "number", "degree", "longitude (WGS84, or in the declared crs)"),
    Field("lat", False, "number", "degree", "latitude (WGS84, or in the declared crs)"),
    Field("x", False, "number", "m", "easting in the declared crs"),
    Field("y", False, "number", "m", "northing in the declared crs"),
    Field("source", False, "text", "", "where the row comes from (default: the file and row)"),
)

FIELDS = {"villages": VILLAGE_FIELDS, "sites": SITE_FIELDS}

#: The headers of the Vietnamese templates (datasets/templates/*_vi.*), canonical -> header. In
#: Vietnamese survey tables X is the northing and Y the easting, hence y <- "Tọa độ X (m)".
VI_COLUMNS: dict[str, dict[str, str]] = {
    "villages": {
        "id": "Mã bản", "name": "Tên bản", "commune": "Xã/Phường", "commune_code": "Mã xã",
        "district": "Huyện (trước 2025)", "population": "Dân số", "households": "Số hộ",
        "radius_m": "Bán kính bản (m)", "lon": "Kinh độ", "lat": "Vĩ độ", "y": "Tọa độ X (m)", "x": "Tọa độ Y (m)",
        "source": "Nguồn",
    },
    "sites": {
        "id": "Mã trạm", "sector": "Sector", "operator": "Nhà mạng", "technologies": "Công nghệ",
        "height_m": "Độ cao anten", "freq_mhz": "Tần số (MHz)", "eirp_dbm": "EIRP (dBm)",
        "tx_power_dbm": "Công suất phát (dBm)", "antenna_gain_dbi": "Tăng ích anten (dBi)",
        "feeder_loss_db": "Suy hao feeder (dB)", "bandwidth_mhz": "Băng thông (MHz)", "antenna": "Anten",
        "azimuth_deg": "Góc phương vị (độ)", "downtilt_deg": "Góc nghiêng (độ)", "kind": "Loại",
        "lon": "Kinh độ", "lat": "Vĩ độ", "y": "Tọa độ X (m)", "x": "Tọa độ Y (m)", "source": "Nguồn",
    },
}

#: Other spellings accepted for a canonical column when no mapping names it.
ALIASES = {"lon": ("longitude",), "lat": ("latitude",)}

#: Accepted spellings of the technologies (as the engine's read_sites accepts them).
TECH_ALIASES = {"2G": "2G", "GSM": "2G", "3G": "3G", "UMTS": "3G", "WCDMA": "3G", "HSPA": "3G", "4G": "4G",
                "LTE": "4G", "5G": "5G", "NR": "5G", "5G NR": "5G", "5GNR": "5G"}

DEFAULT_POSITION_TOLERANCE_M = 5.0
DEFAULT_MARGIN_DEG = 0.1
OUTPUT_COLUMNS = {
    "villages": ("id", "name", "commune", "commune_code", "district", "district_code", "population", "households",
                 "radius_m", "lon", "lat", "source"),
    "sites": ("id", "site_id", "sector", "operator", "technologies", "height_m", "freq_mhz", "eirp_dbm",
              "bandwidth_mhz", "antenna", "azimuth_deg", "downtilt_deg", "kind", "lon", "lat", "source"),
}


# ---------------------------------------------------------------------------------------------
# Reading a table of any format


@dataclass
class Table:
    """The raw rows of a table: headers as written, cells as read (str, int, float or None)."""

    path: Path
    sheet: str | None
    headers: list[str]
    rows: list[tuple[int, list[object]]]           # (row number, cells)
    points: dict[int, tuple[float, float]] | None  # row number -> (lon, lat) WGS84, vector files
    decimal_comma: bool = False
    row_word: str = "row"

    def where(self, row: int) -> str:
        sheet = f": sheet '{self.sheet}'" if self.sheet is not None else ""
        return f"{self.path}{sheet}: {self.row_word} {row}"


def _err(msg: str) -> _core.InputError:
    return _core.InputError(msg)


def _read_csv(path: Path) -> Table:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n")
        raise _err(f"{path}: {'header' if line == 0 else f'row {line}'}: byte 0x{data[exc.start]:02X} is not UTF-8 "
                   "(the file is in a legacy encoding such as Windows-1258, TCVN3 or VNI; fix: save it from Excel as "
                   "'CSV UTF-8', or convert it: iconv -f CP1258 -t UTF-8)") from None
    text = unicodedata.normalize("NFC", text)
    first = text.split("\n", 1)[0]
    delim = max((",", ";", "\t"), key=lambda d: (first.count(d), d == ","))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    try:
        lines = list(reader)
    except csv.Error as exc:
        raise _err(f"{path}: not a readable CSV file ({exc})") from None
    if not lines or not any(c.strip() for c in lines[0]):
        raise _err(f"{path}: has no header line")
    headers = [h.strip() for h in lines[0]]
    rows = [(i, list(r)) for i, r in enumerate(lines[1:], start=1) if any(c.strip() for c in r)]
    return Table(path, None, headers, rows, None, decimal_comma=delim != ",")


def _read_xlsx(path: Path, sheet: str | None) -> Table:
    import zipfile

    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise _err(f"{path}: not a readable XLSX workbook ({type(exc).__name__}: {exc}); an old .xls must be saved as "
                   ".xlsx") from None
    try:
        names = wb.sheetnames
        if sheet is None:
            ws = wb.worksheets[0]
        elif sheet in names:
            ws = wb[sheet]
        else:
            raise _err(f"{path}: sheet '{sheet}' does not exist (sheets: {', '.join(repr(n) for n in names)})")
        rows_iter = ws.iter_rows(values_only=True)
        headers: list[str] | None = None
        rows = []
        for n, values in enumerate(rows_iter, start=1):
            cells = list(values)
            empty = all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)
            if headers is None:
                if not empty:
                    headers = [unicodedata.normalize("NFC", str(c)).strip() if c is not None else "" for c in cells]
                continue
            if not empty:
                rows.append((n, [unicodedata.normalize("NFC", c) if isinstance(c, str) else c for c in cells]))
        if headers is None:
            raise _err(f"{path}: sheet '{ws.title}' is empty")
        return Table(path, ws.title, headers, rows, None)
    finally:
        wb.close()


def _dbf_records(dbf: Path) -> tuple[list[str], list[list[object]]]:
    """The fields and the records (deleted ones skipped, as OGR does) of a .dbf file, decoded with
    the encoding its .cpg names (UTF-8 when there is none)."""
    data = dbf.read_bytes()
    if len(data) < 32:
        raise _err(f"{dbf}: not a dBASE file")
    n, header_len, record_len = struct.unpack("<IHH", data[4:12])
    encoding = "utf-8"
    for ext in (".cpg", ".CPG"):
        cpg = dbf.with_suffix(ext)
        if cpg.is_file():
            name = cpg.read_text(encoding="ascii", errors="replace").strip()
            encoding = {"1258": "cp1258", "ANSI 1258": "cp1258", "1252": "cp1252", "ANSI 1252": "cp1252"}.get(name, name)
            break
    fields = []
    pos = 32
    while pos + 32 <= header_len and data[pos] != 0x0D:
        raw = data[pos:pos + 32]
        fields.append((raw[:11].split(b"\0", 1)[0].decode("utf-8", "replace"), chr(raw[11]), raw[16]))
        pos += 32
    records = []
    for k in range(n):
        start = header_len + k * record_len
        rec = data[start:start + record_len]
        if not rec or rec[:1] == b"*":
            continue
        off = 1
        values: list[object] = []
        for _, _typ, length in fields:
            raw = rec[off:off + length]
            off += length
            try:
                text = raw.decode(encoding)
            except (UnicodeDecodeError, LookupError) as exc:
                raise _err(f"{dbf}: record {len(records) + 1}: text not in {encoding} (the .cpg): {exc}; fix: write the "
                           "encoding the .dbf really uses in the .cpg (CP1258, UTF-8)") from None
            text = unicodedata.normalize("NFC", text).strip()
            values.append(text if text else None)
        records.append(values)
    return [f[0] for f in fields], records


def _gpkg_records(path: Path) -> tuple[list[str], list[list[object]]]:
    """The attribute columns and rows (by fid) of the first feature table of a GeoPackage."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = con.execute("SELECT table_name FROM gpkg_contents WHERE data_type = 'features' ORDER BY rowid LIMIT 1")\
            .fetchone()
        if row is None:
            raise _err(f"{path}: has no feature table")
        table = row[0]
        geom_cols = {r[0] for r in con.execute("SELECT column_name FROM gpkg_geometry_columns WHERE table_name = ?",
                                               (table,))}
        info = con.execute(f'PRAGMA table_info("{table}")').fetchall()
        pk = [r[1] for r in info if r[5]]
        cols = [r[1] for r in info if r[1] not in geom_cols and r[1] not in pk]
        order = f' ORDER BY "{pk[0]}"' if pk else ""
        quoted = ", ".join(f'"{c}"' for c in cols) or "1"
        records = [list(r) if cols else [] for r in con.execute(f'SELECT {quoted} FROM "{table}"{order}')]
        return cols, records
    except sqlite3.Error as exc:
        raise _err(f"{path}: not a readable GeoPackage ({exc})") from None
    finally:
        con.close()


def read_attributes(path: str | Path) -> tuple[list[str], list[list[object]]]:
    """The attribute fields and records of a GeoJSON, Shapefile (.dbf, decoded as its .cpg says)
    or GeoPackage (first feature table), in feature order: record k is the engine's feature k
    (``_core.read_geometries``)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".geojson", ".json"):
        try:
            gj = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise _err(f"{path}: not a readable GeoJSON file ({exc})") from None
        feats = gj.get("features", []) if isinstance(gj, dict) else []
        props = [((f.get("properties") if isinstance(f, dict) else None) or {}) for f in feats]
        headers: list[str] = []
        for p in props:
            headers += [k for k in p if k not in headers]
        return headers, [[p.get(h) for h in headers] for p in props]
    if suffix == ".shp":
        return _dbf_records(path.with_suffix(".dbf"))
    if suffix == ".gpkg":
        return _gpkg_records(path)
    raise _err(f"{path}: format not supported for attributes (use GeoJSON, Shapefile or GeoPackage)")


def _read_vector(path: Path) -> Table:
    from shapely import wkb

    geoms = _core.read_geometries(str(path))
    headers, records = read_attributes(path)
    points = {}
    for number, blob in geoms:
        g = wkb.loads(bytes(blob))
        if g.geom_type != "Point":
            raise _err(f"{path}: feature {number}: geometry is a {g.geom_type}, expected a Point")
        points[number] = (g.x, g.y)
    rows = [(k, [unicodedata.normalize("NFC", v) if isinstance(v, str) else v for v in r])
            for k, r in enumerate(records, start=1)]
    return Table(path, None, [unicodedata.normalize("NFC", h) for h in headers], rows, points, row_word="feature")


def read_table(path: str | Path, sheet: str | None = None) -> Table:
    """The raw table of a CSV, XLSX, GeoJSON, Shapefile or GeoPackage file."""
    p = Path(path)
    if not p.is_file():
        raise _err(f"{p}: file not found")
    suffix = p.suffix.lower()
    if sheet is not None and suffix not in (".xlsx", ".xlsm"):
        raise _err(f"{p}: a sheet ('{sheet}') is given but the file is not an XLSX workbook")
    if suffix in (".csv", ".txt"):
        return _read_csv(p)
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(p, sheet)
    if suffix == ".xls":
        raise _err(f"{p}: the old Excel format (.xls) is not read; save the workbook as .xlsx")
    return _read_vector(p)


# ---------------------------------------------------------------------------------------------
# Columns, values, positions


def _key(s: str) -> str:
    return unicodedata.normalize("NFC", str(s)).strip().casefold()


def resolve_columns(table: Table, kind: str, columns: Mapping[str, str] | str | None) -> dict[str, int]:
    """canonical name -> index of the table's column. A mapped column missing from the file, or a
    mapping key that is not a canonical name, is an InputError naming both."""
    fields = {f.name: f for f in FIELDS[kind]}
    if isinstance(columns, str):
        if columns != "vi":
            raise _err(f"columns: '{columns}' is not a known mapping (give a mapping of column names, or 'vi')")
        columns = VI_COLUMNS[kind]
    given = dict(columns or {})
    vi = columns is VI_COLUMNS[kind]
    index = {_key(h): i for i, h in enumerate(table.headers) if h}
    out: dict[str, int] = {}
    for canon, header in given.items():
        if canon not in fields:
            raise _err(f"columns: '{canon}' is not a column of a {kind} table (known: {', '.join(fields)})")
        i = index.get(_key(header))
        if i is None:
            if vi:  # the Vietnamese mapping names every column; a file has a subset
                continue
            raise _err(f"{table.path}: mapped column '{header}' (for {canon}) is missing (columns: "
                       f"{', '.join(repr(h) for h in table.headers if h)})")
        out[canon] = i
    # Canonical names (case-insensitive) for the columns the mapping does not name; no position
    # column when the mapping names a position pair, or when the positions are a layer's points.
    mapped_pos = {"lon", "lat", "x", "y"} & set(out)
    for canon in fields:
        if canon in out or canon in given and not vi:
            continue
        if canon in ("lon", "lat", "x", "y") and (mapped_pos or table.points is not None):
            continue
        for name in (canon, *ALIASES.get(canon, ())):
            if _key(name) in index:
                out[canon] = index[_key(name)]
                break
    for f in FIELDS[kind]:
        if f.required and f.name not in out:
            mapped = f" (mapped to '{given[f.name]}')" if f.name in given else ""
            raise _err(f"{table.path}: column '{f.name}'{mapped} is missing (columns: "
                       f"{', '.join(repr(h) for h in table.headers if h)}; map yours with columns:)")
    return out


def _text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _number(table: Table, row: int, column: str, header: str, v: object) -> float | None:
    """The number in a cell, None when empty; InputError naming the cell when it is not one."""
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    if isinstance(v, bool):
        raise _err(f"{table.where(row)}: column '{header}' ({column}) is not a number: '{v}'")
    if isinstance(v, (int, float)):
        x = float(v)
    else:
        s = str(v).strip().replace("\u00a0", "").replace(" ", "")
        if table.decimal_comma and re.fullmatch(r"[+-]?\d*,\d+", s):
            s = s.replace(",", ".")
        try:
            x = float(s)
        except ValueError:
            raise _err(f"{table.where(row)}: column '{header}' ({column}) is not a number: '{v}'") from None
    if not math.isfinite(x):
        raise _err(f"{table.where(row)}: column '{header}' ({column}) is not a finite number: '{v}'")
    return x


def _check_range(table: Table, row: int, column: str, header: str, value: float, limit: str) -> None:
    lo, hi, lo_open, hi_open, unit = _core.limits()[limit]
    ok = (value > lo if lo_open else value >= lo) and (value < hi if hi_open else value <= hi)
    if not ok:
        rel = f"{lo:g} {'<' if lo_open else '≤'} {column} {'<' if hi_open else '≤'} {hi:g}"
        raise _err(f"{table.where(row)}: column '{header}' ({column}) is {value:g}{' ' + unit if unit else ''}: outside "
                   f"{rel}{' ' + unit if unit else ''}")


def _technologies(table: Table, row: int, header: str, value: str) -> str:
    out = set()
    for tok in re.split(r"[;,/]", value):
        t = " ".join(tok.split()).upper()
        if t not in TECH_ALIASES:
            raise _err(f"{table.where(row)}: column '{header}' (technologies) is '{value}': unknown technology "
                       f"'{tok.strip()}' (expected {', '.join(TECH_ALIASES)} separated by ; , or /)")
        out.add(TECH_ALIASES[t])
    return ";".join(sorted(out))


def crs_area_of_use(crs: str) -> tuple[float, float, float, float] | None:
    """(lon_min, lat_min, lon_max, lat_max) of the CRS's area of use (its WKT's BBOX; the union
    when there are several), None when the definition has none."""
    wkt = _core.crs_wkt(crs)
    boxes = [tuple(float(v) for v in m.split(",")) for m in re.findall(r"BBOX\[([-0-9.,\s]+)\]", wkt)]
    if not boxes:
        return None
    return (min(b[1] for b in boxes), min(b[0] for b in boxes), max(b[3] for b in boxes), max(b[2] for b in boxes))


def _is_wgs84(crs: str | None) -> bool:
    return crs is None or _core.crs_wkt(crs) == _core.crs_wkt("WGS84")


def _positions(table: Table, cols: dict[str, int], crs: str | None, margin_deg: float) -> dict[int, tuple[float, float]]:
    """Row number -> (lon, lat) in WGS84."""
    has_xy = "x" in cols or "y" in cols
    has_ll = "lon" in cols or "lat" in cols
    pair = ("x", "y") if has_xy and not has_ll else ("lon", "lat")
    if has_xy and has_ll:
        raise _err(f"{table.path}: both lon/lat and x/y columns are given; keep one pair (or map only one)")
    if not (has_xy or has_ll):
        if table.points is not None:
            if crs is not None and not _is_wgs84(crs):
                raise _err(f"{table.path}: crs '{crs}' is declared, but the positions are the layer's geometries, whose "
                           "CRS is the layer's own (its .prj or definition); leave crs out")
            missing = [n for n, _ in table.rows if n not in table.points]
            if missing:
                raise _err(f"{table.where(missing[0])}: has no point geometry")
            return dict(table.points)
        raise _err(f"{table.path}: no position columns: give lon and lat (WGS84) or x and y with a crs (columns: "
                   f"{', '.join(repr(h) for h in table.headers if h)})")
    for c in pair:
        if c not in cols:
            raise _err(f"{table.path}: column '{c}' is missing (the position needs {pair[0]} and {pair[1]})")
    if pair == ("x", "y") and crs is None:
        raise _err(f"{table.path}: columns x/y need a declared crs (e.g. crs: VN2000-TM3-104 or EPSG:9206)")
    src = crs or "WGS84"
    try:
        area = crs_area_of_use(src)
    except _core.PhusongError as exc:
        raise _err(f"crs: {exc}") from None
    hx, hy = (table.headers[cols[pair[0]]], table.headers[cols[pair[1]]])
    rows, xs, ys = [], [], []
    for n, cells in table.rows:
        vx = _number(table, n, pair[0], hx, cells[cols[pair[0]]] if cols[pair[0]] < len(cells) else None)
        vy = _number(table, n, pair[1], hy, cells[cols[pair[1]]] if cols[pair[1]] < len(cells) else None)
        for c, h, v in ((pair[0], hx, vx), (pair[1], hy, vy)):
            if v is None:
                raise _err(f"{table.where(n)}: column '{h}' ({c}) is empty")
        rows.append(n)
        xs.append(vx)
        ys.append(vy)
    out = {}
    wgs = _is_wgs84(src)
    for n, x, y in zip(rows, xs, ys):
        if wgs:
            lon, lat = x, y
        else:
            try:
                lx, ly = _core.transform([x], [y], src, "WGS84")
                lon, lat = float(lx[0]), float(ly[0])
            except _core.PhusongError:
                lon = lat = float("nan")
        inside = math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90
        if inside and area is not None:
            x0, y0, x1, y1 = area
            inside = x0 - margin_deg <= lon <= x1 + margin_deg and y0 - margin_deg <= lat <= y1 + margin_deg
        if not inside and wgs and not (-180 <= x <= 180 and -90 <= y <= 90):
            swapped = "; lon and lat look swapped" if -180 <= y <= 180 and -90 <= x <= 90 else ""
            raise _err(f"{table.where(n)}: position {pair[0]} {x:g}, {pair[1]} {y:g} ({hx}, {hy}) is not a WGS84 "
                       f"longitude/latitude (expected -180 ≤ lon ≤ 180, -90 ≤ lat ≤ 90){swapped}; x/y in metres need "
                       "a declared crs")
        if not inside:
            where = "" if area is None else (f" (its area of use: {area[0]:g} ≤ lon ≤ {area[2]:g}, {area[1]:g} ≤ lat ≤ "
                                             f"{area[3]:g}, widened by {margin_deg:g}°)")
            got = f"gives lon {lon:.6f}, lat {lat:.6f}" if math.isfinite(lon) and math.isfinite(lat) else "cannot be converted"
            hint = ""
            if not wgs and area is not None:
                try:
                    sx, sy = _core.transform([y], [x], src, "WGS84")
                    if area[0] <= float(sx[0]) <= area[2] and area[1] <= float(sy[0]) <= area[3]:
                        hint = ("; x and y look swapped (in VN-2000 survey tables X is the northing and Y the easting: "
                                "map y to the X column and x to the Y column)")
                except _core.PhusongError:
                    pass
            raise _err(f"{table.where(n)}: position {pair[0]} {x:g}, {pair[1]} {y:g} ({hx}, {hy}) in {src} {got}: "
                       f"outside the CRS's area of use{where}{hint}")
        out[n] = (lon, lat)
    return out


def _cell(cells: list[object], cols: dict[str, int], name: str) -> object:
    i = cols.get(name)
    return cells[i] if i is not None and i < len(cells) else None


def _values(table: Table, kind: str, cols: dict[str, int]) -> list[tuple[int, dict[str, object]]]:
    """Each row's canonical values: text stripped, numbers parsed and range-checked, required
    values present."""
    out = []
    for n, cells in table.rows:
        vals: dict[str, object] = {}
        for f in FIELDS[kind]:
            if f.name not in cols or f.name in ("lon", "lat", "x", "y"):
                continue
            header = table.headers[cols[f.name]]
            raw = _cell(cells, cols, f.name)
            if f.kind == "number":
                v = _number(table, n, f.name, header, raw)
                if v is not None and f.limit:
                    _check_range(table, n, f.name, header, v, f.limit)
            else:
                v = _text(raw) or None
            if v is None and f.required:
                raise _err(f"{table.where(n)}: column '{header}' ({f.name}) is empty")
            vals[f.name] = v
        out.append((n, vals))
    return out


# ---------------------------------------------------------------------------------------------
# Villages and sites


def _source(table: Table, n: int, vals: dict[str, object]) -> str:
    return str(vals.get("source") or f"{table.path.name}{'[' + table.sheet + ']' if table.sheet else ''} "
                                     f"{table.row_word} {n}")


def villages_from_table(path: str | Path, columns: Mapping[str, str] | str | None = None, crs: str | None = None,
                        sheet: str | None = None, margin_deg: float = DEFAULT_MARGIN_DEG) -> list[dict[str, object]]:
    """The villages of a table, checked, as rows of :data:`OUTPUT_COLUMNS` ["villages"] (lon/lat
    in WGS84)."""
    table = read_table(path, sheet)
    cols = resolve_columns(table, "villages", columns)
    pos = _positions(table, cols, crs, margin_deg)
    out, seen = [], {}
    for n, vals in _values(table, "villages", cols):
        vid = str(vals["id"])
        if vid in seen:
            raise _err(f"{table.where(n)}: column '{table.headers[cols['id']]}' (id) is '{vid}', already the id of "
                       f"{table.row_word} {seen[vid]}")
        seen[vid] = n
        pop, hh = float(vals["population"]), float(vals["households"])
        if hh > pop:
            raise _err(f"{table.where(n)}: column '{table.headers[cols['households']]}' (households) is {hh:g} but "
                       f"population is {pop:g}: a household has at least one person (are the columns swapped?)")
        lon, lat = pos[n]
        out.append({"id": vid, "name": vals["name"], "commune": vals.get("commune") or "",
                    "commune_code": vals.get("commune_code") or "", "district": vals.get("district") or "",
                    "district_code": vals.get("district_code") or "", "population": pop, "households": hh,
                    "radius_m": vals.get("radius_m"), "lon": lon, "lat": lat, "source": _source(table, n, vals)})
    if not out:
        raise _err(f"{table.path}: has no villages")
    return out


def sites_from_table(path: str | Path, columns: Mapping[str, str] | str | None = None, crs: str | None = None,
                     sheet: str | None = None, position_tolerance_m: float = DEFAULT_POSITION_TOLERANCE_M,
                     margin_deg: float = DEFAULT_MARGIN_DEG) -> list[dict[str, object]]:
    """The sites (one row per sector) of a table, checked, as rows of :data:`OUTPUT_COLUMNS`
    ["sites"] (lon/lat in WGS84; EIRP computed from tx_power_dbm + antenna_gain_dbi -
    feeder_loss_db when only those are given). Rows sharing an id must agree on the position
    (within position_tolerance_m) and the operator; their sector names must differ."""
    table = read_table(path, sheet)
    cols = resolve_columns(table, "sites", columns)
    if "eirp_dbm" not in cols and "tx_power_dbm" not in cols:
        raise _err(f"{table.path}: column 'eirp_dbm' (or 'tx_power_dbm') is missing (columns: "
                   f"{', '.join(repr(h) for h in table.headers if h)})")
    pos = _positions(table, cols, crs, margin_deg)
    base = Path(path).resolve().parent
    groups: dict[str, list[tuple[int, dict[str, object]]]] = {}
    for n, vals in _values(table, "sites", cols):
        h = table.headers
        vals["technologies"] = _technologies(table, n, h[cols["technologies"]], str(vals["technologies"]))
        if vals.get("eirp_dbm") is None:
            if vals.get("tx_power_dbm") is None:
                col = h[cols["eirp_dbm"]] if "eirp_dbm" in cols else "eirp_dbm"
                raise _err(f"{table.where(n)}: column '{col}' (eirp_dbm) is empty and no tx_power_dbm is given")
            eirp = float(vals["tx_power_dbm"]) + float(vals.get("antenna_gain_dbi") or 0.0) - float(
                vals.get("feeder_loss_db") or 0.0)
            lo, hi, *_ = _core.limits()["site.eirp_dbm"]
            if not lo <= eirp <= hi:
                raise _err(f"{table.where(n)}: EIRP = tx_power_dbm + antenna_gain_dbi - feeder_loss_db is {eirp:g} dBm: "
                           f"outside {lo:g} ≤ eirp_dbm ≤ {hi:g} dBm")
            vals["eirp_dbm"] = eirp
        ant = str(vals.get("antenna") or "")
        if ant and ant.lower() not in ("omni", "3gpp"):
            pattern = Path(ant) if Path(ant).is_absolute() else base / ant
            if not pattern.is_file():
                raise _err(f"{table.where(n)}: column '{h[cols['antenna']]}' (antenna) is '{ant}': pattern file "
                           f"{pattern} not found (use omni, 3gpp or a .msi/.pln file)")
            vals["antenna"] = str(pattern)
        elif ant:
            vals["antenna"] = ant.lower()
        groups.setdefault(str(vals["id"]), []).append((n, vals))
    out = []
    for sid, members in groups.items():
        n0, v0 = members[0]
        lon0, lat0 = pos[n0]
        for n, v in members[1:]:
            d = _core.geodesic_distance_m(lon0, lat0, *pos[n])
            if d > position_tolerance_m:
                raise _err(f"{table.path}: site '{sid}': {table.row_word}s {n0} and {n} share the id but are {d:.1f} m "
                           f"apart ({lon0:.6f}, {lat0:.6f} and {pos[n][0]:.6f}, {pos[n][1]:.6f}; at most "
                           f"{position_tolerance_m:g} m): give each site its own id, or the same position to its sectors")
            if v["operator"] != v0["operator"]:
                raise _err(f"{table.path}: site '{sid}': {table.row_word}s {n0} and {n} share the id but not the "
                           f"operator ('{v0['operator']}' and '{v['operator']}')")
        lon = sum(pos[n][0] for n, _ in members) / len(members)
        lat = sum(pos[n][1] for n, _ in members) / len(members)
        sectors = [str(v.get("sector") or "") or str(k) for k, (_, v) in enumerate(members, start=1)]
        if len(set(sectors)) != len(sectors):
            dup = next(s for s in sectors if sectors.count(s) > 1)
            rows = [str(n) for (n, _), s in zip(members, sectors) if s == dup]
            raise _err(f"{table.path}: site '{sid}': {table.row_word}s {', '.join(rows)} have the same sector '{dup}'")
        for (n, v), sector in zip(members, sectors):
            out.append({"id": sid if len(members) == 1 else f"{sid}-{sector}", "site_id": sid,
                        "sector": sector if len(members) > 1 or v.get("sector") else "",
                        "operator": v["operator"], "technologies": v["technologies"], "height_m": v["height_m"],
                        "freq_mhz": v["freq_mhz"], "eirp_dbm": v["eirp_dbm"], "bandwidth_mhz": v.get("bandwidth_mhz"),
                        "antenna": v.get("antenna") or "", "azimuth_deg": v.get("azimuth_deg"),
                        "downtilt_deg": v.get("downtilt_deg"), "kind": v.get("kind") or "", "lon": lon, "lat": lat,
                        "source": _source(table, n, v)})
    ids = {}
    for r in out:
        if r["id"] in ids:
            raise _err(f"{table.path}: the sector id '{r['id']}' is made twice ({ids[r['id']]} and {r['source']}); "
                       "rename the site or the sector")
        ids[r["id"]] = r["source"]
    if not out:
        raise _err(f"{table.path}: has no sites")
    return out


def _fmt(v: object, coordinate: bool = False) -> str:
    if v is None or v == "":
        return ""
    if isinstance(v, float):
        if coordinate:
            return f"{v:.7f}".rstrip("0").rstrip(".")
        return str(int(v)) if v.is_integer() else repr(round(v, 6))
    return str(v)


def write_csv(rows: Sequence[Mapping[str, object]], path: str | Path, kind: str) -> Path:
    """Writes normalised rows as the UTF-8 CSV the engine reads (``read_villages`` or
    ``read_sites``), atomically."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_name(p.name + ".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(OUTPUT_COLUMNS[kind])
        for r in rows:
            w.writerow([_fmt(r.get(c), c in ("lon", "lat")) for c in OUTPUT_COLUMNS[kind]])
    tmp.replace(p)
    return p


def site_ids(path: str | Path, position_tolerance_m: float = 5.0) -> dict[str, str]:
    """Sector id -> site id for the sectors of multi-sector sites in a sites CSV (the ``site_id``
    column :func:`write_csv` writes); empty for a file without that column or without any site of
    two or more sectors. Other formats (GeoJSON, Shapefile, ...) hold one site per feature. As in
    :func:`sites_from_table`, the sectors of a site must share the operator and the position
    (within `position_tolerance_m`), and a site id must not be another row's id: else an
    InputError naming the file, the site and the values (a hand-written CSV is checked too)."""
    p = Path(path)
    if p.suffix.lower() != ".csv" or not p.is_file():
        return {}
    with open(p, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        if not reader.fieldnames or "site_id" not in reader.fieldnames or "id" not in reader.fieldnames:
            return {}
        rows = list(reader)
    members: dict[str, list[tuple[int, dict]]] = {}
    for n, r in enumerate(rows, start=1):
        if r.get("site_id"):
            members.setdefault(r["site_id"], []).append((n, r))
    ids = {r["id"] for r in rows}
    out = {}
    for sid, sectors in members.items():
        if len(sectors) < 2:
            continue
        (n0, r0), rest = sectors[0], sectors[1:]
        if sid in ids:
            raise _err(f"{p}: site '{sid}': its id is also a row's id; give the sectors ids of their own")
        for n, r in rest:
            if r.get("operator", "") != r0.get("operator", ""):
                raise _err(f"{p}: site '{sid}': rows {n0} and {n} share the site id but not the operator "
                           f"('{r0.get('operator', '')}' and '{r.get('operator', '')}')")
            try:
                dx = (float(r["lon"]) - float(r0["lon"])) * 111320.0 * math.cos(math.radians(float(r0["lat"])))
                dy = (float(r["lat"]) - float(r0["lat"])) * 110540.0
            except (KeyError, TypeError, ValueError):
                continue  # the engine names a position that is not a number
            if math.hypot(dx, dy) > position_tolerance_m:
                raise _err(f"{p}: site '{sid}': rows {n0} and {n} share the site id but are "
                           f"{math.hypot(dx, dy):.1f} m apart (at most {position_tolerance_m:g} m)")
        out.update({r["id"]: sid for _, r in sectors})
    return out


def normalise(path: str | Path, out_csv: str | Path, kind: str, columns: Mapping[str, str] | str | None = None,
              crs: str | None = None, sheet: str | None = None, **options) -> Path:
    """Reads a villages or sites table (`kind`: "villages" or "sites") and writes it as the CSV
    the engine reads; returns the CSV's path. `options`: position_tolerance_m (sites), margin_deg."""
    if kind == "villages":
        rows = villages_from_table(path, columns, crs, sheet, **options)
    elif kind == "sites":
        rows = sites_from_table(path, columns, crs, sheet, **options)
    else:
        raise _err(f"kind '{kind}': expected 'villages' or 'sites'")
    return write_csv(rows, out_csv, kind)
