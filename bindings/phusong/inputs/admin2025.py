"""The communes of the two-tier local government in force since 1 July 2025, and the 2019 census
carried to them.

Since 1 July 2025 Vietnam has two tiers of local government: province and commune (*xã*, *phường*,
*đặc khu*); the districts are gone and the communes were merged (Sơn La: 200 communes became 75).
This module reads

- the commune polygons, in any vector format the engine reads (``_core.read_geometries``: GeoJSON,
  Shapefile, GeoPackage, ...), one file per commune (the layout of ``admin2025/sonla_communes/``,
  where the name comes from the file name, e.g. ``20_doan_ket_xa.geojson``) or one file with a
  name field;
- the official list of the 3,355 units of the reform (``admin2025/donvi_tinhthanh.json``): GSO
  code ``ma``, name ``ten``, parent province ``magoc`` and ``truocsapnhap``, the units merged into
  each new one ("Phường Chiềng An, Xã Chiềng Xôm, Xã Chiềng Đen", or "giữ nguyên": unchanged);

and carries the 2019 census (population and households per pre-2025 commune,
``census/VN_Population_ward.csv`` and ``census/VN_HouseholdPop_ward.csv``) to the new communes.

The carry-over rule (:func:`carry_census`):

1. a census commune is matched to a pre-2025 unit named in ``truocsapnhap`` by its name within the
   province (type words such as "Xã", spaces, case and the place of the tone mark ignored: "Liên
   Hoà" = "Liên Hòa"); a name found twice is told apart by the district written in brackets
   ("Xã Chiềng Chung (huyện Mai Sơn)"), then by the unit type;
2. a census commune whose name is spelt differently in the census file, or that no longer existed
   in 2025 because an earlier reform dissolved it (for Sơn La: Nghị quyết 1280/NQ-UBTVQH15 of
   14 November 2024, in force 1 February 2025), is looked up in a table of changes
   (:data:`SONLA_2019_CHANGES`) that names the pre-2025 units it went to;
3. a census commune that went to several pre-2025 units is shared equally between them (the
   resolution gives the people moved in 2024, not in 2019); integers are kept by the largest
   remainder, so that every census person and household is counted exactly once;
4. a census commune matched by neither is never dropped silently: it is returned in
   ``CensusCarry.unmatched`` with the file, the row and its figures (or raised with
   ``strict=True``), and the total carried is then smaller than the census total by exactly the
   unmatched rows.

Parts of a commune moved to a neighbour while the commune kept its name (e.g. a part of Chiềng Bôm
to Phổng Ly in 2024) are not modelled: the 2019 census cannot split them, so such a commune's
people stay with the 2025 commune the mapping names for it.
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .. import _core

UNITS_FILE = "admin2025/donvi_tinhthanh.json"
POPULATION_FILE = "census/VN_Population_ward.csv"
HOUSEHOLDS_FILE = "census/VN_HouseholdPop_ward.csv"
VECTOR_SUFFIXES = (".geojson", ".json", ".shp", ".gpkg", ".gml", ".kml", ".fgb")

_TYPE_WORDS = ("Thành phố", "Thị trấn", "Thị xã", "Đặc khu", "Phường", "Huyện", "Quận", "Tỉnh", "Xã")
_TYPE_RE = re.compile(r"^(" + "|".join(_TYPE_WORDS) + r")\s+", re.IGNORECASE)
_TONES = "\u0300\u0301\u0303\u0309\u0323"  # grave, acute, tilde, hook above, dot below
UNCHANGED = "giữ nguyên"


# ---------------------------------------------------------------------------------------------
# Names


def name_key(name: str) -> str:
    """Matching key of a Vietnamese unit name: without the type word ("Xã", "Phường", "Thị trấn",
    ...) and a trailing "(district)", NFC, lower case, without spaces, with the tone marks moved
    to the end in their order ("Liên Hoà" and "LiênHòa" give the same key; "Nặm Ét" and "Nậm Ét"
    do not: they differ in a letter, not in the place of a tone)."""
    s = unicodedata.normalize("NFC", name.strip())
    s = re.sub(r"\s*\(.*\)\s*$", "", s)
    while True:
        t = _TYPE_RE.sub("", s, count=1)
        if t == s:
            break
        s = t
    s = s.replace(" ", "").replace("\u00a0", "").lower()
    decomposed = unicodedata.normalize("NFD", s)
    tones = "".join(c for c in decomposed if c in _TONES)
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
    return f"{base}|{tones}"


def ascii_key(name: str) -> str:
    """The name folded to ASCII words joined by '_' ("Xã Đoàn Kết" -> "xa_doan_ket"), as in the
    file names of ``admin2025/sonla_communes/``."""
    s = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    return "_".join(re.findall(r"[a-z0-9]+", s))


def unit_type(name: str) -> str:
    """The type word of a unit name ("Phường Chiềng An" -> "phường"), '' when it has none."""
    m = _TYPE_RE.match(unicodedata.normalize("NFC", name.strip()))
    return m.group(1).lower() if m else ""


def _district_of(label: str) -> str:
    """The district written in brackets after an old unit's name ("Xã Chiềng Chung (huyện Mai
    Sơn)" -> key of "Mai Sơn"), '' when there is none."""
    m = re.search(r"\(([^)]*)\)\s*$", label)
    return name_key(m.group(1)) if m else ""


def _split_predecessors(text: str) -> list[str]:
    """'Phường A, Xã B và Xã C' -> ['Phường A', 'Xã B', 'Xã C'] (commas inside brackets kept)."""
    parts, depth, cur = [], 0, ""
    for ch in text:
        depth += ch == "("
        depth -= ch == ")"
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    out = []
    for p in parts:
        out += [q for q in re.split(r"\s+và\s+", p) if q.strip()]
    return [re.sub(r"\s+", " ", p).strip() for p in out if p.strip()]


# ---------------------------------------------------------------------------------------------
# The official list of units (donvi_tinhthanh.json)


@dataclass(frozen=True)
class Unit:
    """One unit of the 2025 reform (a province when parent_code is '0')."""

    code: str                       # GSO code ('ma'), e.g. "03664"
    name: str                       # 'ten', e.g. "Phường Chiềng An"
    parent_code: str                # 'magoc': the province's code, "0" for a province
    gis_layer_id: str               # 'malk', e.g. "diaphanhanhchinhcapxa_2025.1338"
    predecessors: tuple[str, ...]   # the pre-2025 units merged into it ('truocsapnhap')
    row: int                        # position in the file (1-based)


def read_units(path: str | Path | None = None) -> list[Unit]:
    """The units of ``donvi_tinhthanh.json`` (default: the registered file), in file order.
    ``truocsapnhap`` "giữ nguyên" (unchanged) gives the unit itself as its one predecessor."""
    from . import datasets

    p = Path(path) if path is not None else datasets.fetch(UNITS_FILE)
    try:
        raw = json.loads(Path(p).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _core.InputError(f"{p}: not a readable JSON list of administrative units ({exc})") from None
    if not isinstance(raw, list) or not raw:
        raise _core.InputError(f"{p}: expected a JSON list of units (objects with ma, ten, magoc, truocsapnhap)")
    out = []
    for i, u in enumerate(raw, start=1):
        for key in ("ma", "ten", "magoc", "truocsapnhap"):
            if not isinstance(u, dict) or key not in u:
                raise _core.InputError(f"{p}: unit {i}: field '{key}' is missing")
        text = str(u["truocsapnhap"]).strip()
        preds = (str(u["ten"]),) if text.lower() == UNCHANGED or not text else tuple(_split_predecessors(text))
        out.append(Unit(str(u["ma"]), str(u["ten"]).strip(), str(u["magoc"]), str(u.get("malk", "")), preds, i))
    return out


def province_unit(units: Sequence[Unit], province: str) -> Unit:
    """The province named `province` (a name with or without "Tỉnh"/"Thành phố", or its code)."""
    provinces = [u for u in units if u.parent_code == "0"]
    for u in provinces:
        if province == u.code or name_key(province) == name_key(u.name):
            return u
    known = ", ".join(u.name for u in provinces)
    raise _core.InputError(f"province '{province}' is not in the list of units (known: {known})")


# ---------------------------------------------------------------------------------------------
# Commune polygons


@dataclass(frozen=True)
class Commune:
    """A commune (or ward) of 2025 with its polygon."""

    code: str          # GSO code, e.g. "04000"
    name: str          # e.g. "Xã Đoàn Kết" (UTF-8)
    province: str      # e.g. "Tỉnh Sơn La"
    geometry: object   # shapely Polygon/MultiPolygon in WGS84, made valid (buffer(0)) when needed
    source: str        # the file (and feature) it was read from

    @property
    def polygon(self):
        """The commune's polygon (the same as geometry)."""
        return self.geometry


def _vector_files(path: Path) -> list[Path]:
    if path.is_dir():
        files = [p for p in path.iterdir() if p.suffix.lower() in VECTOR_SUFFIXES and p.is_file()]

        def order(p: Path):
            m = re.match(r"(\d+)_", p.name)
            return (int(m.group(1)) if m else 1 << 30, p.name)

        files.sort(key=order)
        if not files:
            raise _core.InputError(f"{path}: no vector file ({', '.join(VECTOR_SUFFIXES)}) in this folder")
        return files
    if not path.exists():
        raise _core.InputError(f"{path}: file not found")
    return [path]


def _properties(path: Path) -> list[dict]:
    """The attributes of each feature of a GeoJSON, Shapefile or GeoPackage file."""
    from .tables import read_attributes

    headers, records = read_attributes(path)
    return [dict(zip(headers, r)) for r in records]


def _name_from_file(path: Path) -> tuple[str, str]:
    """'20_doan_ket_xa.geojson' -> ('doan_ket', 'xa'): the folded name and the type word."""
    stem = re.sub(r"^\d+_", "", path.stem)
    m = re.match(r"(.+)_(xa|phuong|dac_khu|thi_tran)$", ascii_key(stem))
    if not m:
        raise _core.InputError(f"{path}: the file name does not end in _xa, _phuong or _dac_khu (expected e.g. "
                               "20_doan_ket_xa.geojson), so the commune it holds is unknown; give name_field")
    return m.group(1), m.group(2)


def read_communes(path_or_dir: str | Path, province: str | None = None, name_field: str | None = None,
                  units: Sequence[Unit] | None = None) -> list[Commune]:
    """The communes of 2025 in `path_or_dir`: a folder of vector files, one commune per file named
    ``<n>_<name>_<xa|phuong>.<ext>`` (the layout of ``admin2025/sonla_communes/``), or (with
    `name_field`) vector files whose field `name_field` holds each feature's commune name
    ("Xã Đoàn Kết"; attributes of GeoJSON, Shapefile and GeoPackage).

    Names are matched to the official list of units (`units`, default the registered
    ``admin2025/donvi_tinhthanh.json``) within `province` (inferred when None: the one province
    that has every name), which gives each commune its Vietnamese name and GSO code. A name the
    list does not have, or that two units of the province share, is an InputError naming the
    file and the name. Several features of one file are merged into one commune.
    """
    from shapely import wkb
    from shapely.ops import unary_union

    units = list(units) if units is not None else read_units()
    files = _vector_files(Path(path_or_dir))
    # (file, feature number, name as found, matching keys) for each feature
    found: list[tuple[Path, str, str, object]] = []
    for f in files:
        geoms = _core.read_geometries(str(f))
        if not geoms:
            raise _core.InputError(f"{f}: has no polygon")
        shapes = [wkb.loads(bytes(g)) for _, g in geoms]
        if name_field is None:
            folded, typ = _name_from_file(f)
            found.append((f, "", f"{folded} ({typ})", unary_union(shapes)))
            continue
        props = _properties(f)
        for number, shape_ in zip((n for n, _ in geoms), shapes):
            p = props[number - 1] if number - 1 < len(props) else {}
            if name_field not in p or not str(p[name_field] or "").strip():
                raise _core.InputError(f"{f}: feature {number}: field '{name_field}' is missing or empty "
                                       f"(fields: {', '.join(p) or 'none'})")
            found.append((f, f"feature {number}", str(p[name_field]).strip(), shape_))

    children: dict[str, list[Unit]] = {}
    for u in units:
        if u.parent_code != "0":
            children.setdefault(u.parent_code, []).append(u)

    # The units under a province by the key a label is matched on (the list's order kept): folded
    # name and type for file names, name_key for a name field. Built once, not per label.
    by_key: dict[tuple[str, str], list[Unit]] = {}
    for us in children.values():
        for u in us:
            k = ((ascii_key(_TYPE_RE.sub("", u.name)), ascii_key(unit_type(u.name))) if name_field is None
                 else (name_key(u.name), ""))
            by_key.setdefault(k, []).append(u)

    def candidates(label: str) -> list[Unit]:
        if name_field is None:  # "doan_ket (xa)"
            folded, typ = label.rsplit(" (", 1)
            return list(by_key.get((folded, typ.rstrip(")")), []))
        typ = unit_type(label)
        return [u for u in by_key.get((name_key(label), ""), []) if not typ or unit_type(u.name) == typ]

    prov_units = {u.code: u for u in units if u.parent_code == "0"}
    cands = [candidates(label) for _, _, label, _ in found]
    if province is not None:
        prov = province_unit(units, province)
    else:
        common = None
        for c in cands:
            s = {u.parent_code for u in c}
            common = s if common is None else common & s
        if not common or len(common) != 1:
            raise _core.InputError(f"{path_or_dir}: cannot tell which province these communes are in "
                                   f"({'several fit' if common else 'no province has all of them'}); give province=")
        prov = prov_units[next(iter(common))]

    out, seen = [], {}
    for (f, where, label, shape_), c in zip(found, cands):
        mine = [u for u in c if u.parent_code == prov.code]
        place = f"{f}" + (f": {where}" if where else "")
        if not mine:
            raise _core.InputError(f"{place}: commune '{label}' is not a unit of {prov.name} in the list of units")
        if len(mine) > 1:
            raise _core.InputError(f"{place}: commune '{label}' matches several units of {prov.name}: "
                                   f"{', '.join(u.name + ' (' + u.code + ')' for u in mine)}")
        u = mine[0]
        geom = shape_ if shape_.is_valid else shape_.buffer(0)
        if u.code in seen:  # several features of one commune: merged
            k = seen[u.code]
            out[k] = Commune(u.code, u.name, prov.name, unary_union([out[k].geometry, geom]), out[k].source)
            continue
        seen[u.code] = len(out)
        out.append(Commune(u.code, u.name, prov.name, geom, place))
    return out


# ---------------------------------------------------------------------------------------------
# The 2019 census carried to the 2025 communes

#: Census communes of Sơn La (district, commune, both as the census file spells them) that the
#: 2025 mapping does not name as such, and the pre-2025 units (as ``truocsapnhap`` names them) they
#: went to. Checked against the areas: every 2025 commune's polygon area agrees with the census
#: areas of the communes carried to it (tests/python/test_admin2025.py).
SONLA_2019_CHANGES: dict[tuple[str, str], tuple[str, ...]] = {
    # Spelt differently in the census file (GADM-style names) than in the official lists.
    ("Thuận Châu", "Phỏng Lập"): ("Xã Phổng Lập",),
    ("Thuận Châu", "Phỏng Lái"): ("Xã Phổng Lái",),
    ("Thuận Châu", "Muội Nọi"): ("Xã Muổi Nọi",),
    ("Thuận Châu", "Thôn Mòn"): ("Xã Thôm Mòn",),
    ("Thuận Châu", "Tòng Cọ"): ("Xã Tông Cọ",),
    ("Thuận Châu", "Tòng Lệnh"): ("Xã Tông Lạnh",),
    ("Bắc Yên", "Phiêng Kôn"): ("Xã Phiêng Côn",),
    ("Bắc Yên", "Xín Vàng"): ("Xã Xím Vàng",),
    ("Bắc Yên", "Bắc Ngà"): ("Xã Pắc Ngà",),
    ("Mai Sơn", "Nà Pó"): ("Xã Nà Bó",),
    ("Mai Sơn", "Mương Chanh"): ("Xã Mường Chanh",),
    ("Sông Mã", "Pú Pẩu"): ("Xã Pú Bẩu",),
    ("Sông Mã", "Nà Ngựu"): ("Xã Nà Nghịu",),
    ("Yên Châu", "Sập Vạt"): ("Xã Sặp Vạt",),
    ("Mường La", "Nậm Păm"): ("Xã Nặm Păm",),
    ("Quỳnh Nhai", "Nậm ét"): ("Xã Nặm Ét",),
    # Dissolved by Nghị quyết 1280/NQ-UBTVQH15 (14 November 2024, in force 1 February 2025).
    # Phù Yên: thị trấn Quang Huy = thị trấn Phù Yên + parts of Huy Bắc, Quang Huy and Huy Hạ; the
    # rest of Huy Bắc joined a neighbouring Huy commune (all of them are Xã Phù Yên in 2025).
    ("Phù Yên", "Phù Yên"): ("Thị trấn Quang Huy",),
    ("Phù Yên", "Huy Bắc"): ("Thị trấn Quang Huy",),
    # Thuận Châu: parts of Chiềng Ly and Phổng Lăng to thị trấn Thuận Châu, the rest (with a part of
    # Chiềng Bôm) became xã Phổng Ly; all of it is Xã Thuận Châu in 2025.
    ("Thuận Châu", "Chiềng Ly"): ("Thị trấn Thuận Châu", "Xã Phổng Ly"),
    ("Thuận Châu", "Phổng Lăng"): ("Thị trấn Thuận Châu", "Xã Phổng Ly"),
    # Yên Châu: xã Viêng Lán joined thị trấn Yên Châu.
    ("Yên Châu", "Viêng Lán"): ("Thị trấn Yên Châu",),
    # Mộc Châu became a thị xã: the two towns became the wards, the northern communes merged.
    ("Mộc Châu", "Mộc Châu"): ("Phường Mộc Lỵ", "Phường Mộc Sơn"),
    ("Mộc Châu", "NT Mộc Châu"): ("Phường Thảo Nguyên", "Phường Cờ Đỏ", "Phường Bình Minh", "Phường Vân Sơn"),
    ("Mộc Châu", "Phiêng Luông"): ("Phường Vân Sơn",),
    ("Mộc Châu", "Tân Lập"): ("Xã Tân Yên",),
    ("Mộc Châu", "Tân Hợp"): ("Xã Tân Yên",),
    ("Mộc Châu", "Hua Păng"): ("Xã Chiềng Chung (thị xã Mộc Châu)",),
    ("Mộc Châu", "Nà Mường"): ("Xã Đoàn Kết",),
    ("Mộc Châu", "Tà Lai"): ("Xã Đoàn Kết",),
    ("Mộc Châu", "Quy Hướng"): ("Xã Đoàn Kết",),
}


@dataclass
class CensusRow:
    """One commune of the census file."""

    file: str
    row: int            # data row (1 = the first row after the header)
    ward_id: str
    district: str
    name: str           # as the census file spells it (no spaces)
    kind: str           # "Xã", "Phường", "ThịTrấn"
    population: int
    households: int
    area_m2: float

    def label(self) -> str:
        return f"{self.kind} {self.name} ({self.district})"


@dataclass
class UnmatchedRow:
    """A census commune that could not be carried to a commune of 2025, and why."""

    row: CensusRow
    reason: str

    def message(self) -> str:
        r = self.row
        return (f"{r.file}: row {r.row}: ward_id {r.ward_id}: commune '{r.name}' (district '{r.district}', "
                f"{r.population} people, {r.households} households): {self.reason}")


@dataclass
class CommuneCensus:
    """The census figures carried to one commune of 2025."""

    code: str
    name: str
    population: int = 0
    households: int = 0
    area_m2: float = 0.0                                      # census areas of the parts carried
    parts: list[tuple[str, float]] = field(default_factory=list)  # (census commune, share of it)


@dataclass
class CensusCarry:
    """The result of :func:`carry_census`."""

    communes: list[CommuneCensus]
    unmatched: list[UnmatchedRow]
    unused: list[str]            # pre-2025 units of the mapping that no census commune fed
    census_population: int       # total of the census rows of the province
    census_households: int

    @property
    def population(self) -> int:
        return sum(c.population for c in self.communes)

    @property
    def households(self) -> int:
        return sum(c.households for c in self.communes)

    def by_code(self) -> dict[str, CommuneCensus]:
        return {c.code: c for c in self.communes}


def _split_int(total: int, weights: Sequence[float]) -> list[int]:
    """Integers proportional to `weights` summing exactly to `total` (largest remainder, ties to
    the first)."""
    s = float(sum(weights))
    raw = [total * w / s for w in weights]
    out = [int(x // 1) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - out[i]), i))
    for i in order[: total - sum(out)]:
        out[i] += 1
    return out


def read_census(province_names: Iterable[str], population_csv: str | Path | None = None,
                households_csv: str | Path | None = None) -> list[CensusRow]:
    """The census communes of the provinces named (``city`` column; e.g. "Sơn La" matches
    "SơnLa"), with population (``total``) and households (the sum of the ``urban_*`` and
    ``rural_*`` columns of the households file, as ``sonla.load_admin`` counts them)."""
    from . import datasets

    pop_p = Path(population_csv) if population_csv is not None else datasets.fetch(POPULATION_FILE)
    hh_p = Path(households_csv) if households_csv is not None else datasets.fetch(HOUSEHOLDS_FILE)
    keys = {name_key(n) for n in province_names}

    def rows(p: Path, need: tuple[str, ...]):
        try:
            with open(p, encoding="utf-8-sig", newline="") as fh:
                reader = csv.DictReader(fh)
                missing = [c for c in need if c not in (reader.fieldnames or [])]
                if missing:
                    raise _core.InputError(f"{p}: missing column '{missing[0]}' (columns: {', '.join(reader.fieldnames or [])})")
                return [(i, r) for i, r in enumerate(reader, start=1)]
        except (OSError, UnicodeDecodeError) as exc:
            raise _core.InputError(f"{p}: cannot be read as a UTF-8 CSV file ({exc})") from None

    households: dict[str, float] = {}
    for _, r in rows(hh_p, ("ward_id", "city")):
        if name_key(r["city"]) in keys:
            households[r["ward_id"]] = sum(float(v) for k, v in r.items()
                                           if k and k.startswith(("urban_", "rural_")) and v not in ("", None))
    out = []
    for i, r in rows(pop_p, ("ward_id", "city", "district", "ward", "ward_title", "total")):
        if name_key(r["city"]) not in keys:
            continue
        try:
            pop = int(round(float(r["total"])))
        except ValueError:
            raise _core.InputError(f"{pop_p}: row {i}: column 'total' is not a number: '{r['total']}'") from None
        try:
            area = float(r.get("area_sqm") or "nan")
        except ValueError:
            area = float("nan")
        out.append(CensusRow(str(pop_p), i, r["ward_id"], r["district"], r["ward"], r["ward_title"], pop,
                             int(round(households.get(r["ward_id"], 0.0))), area))
    if not out:
        raise _core.InputError(f"{pop_p}: no commune of {', '.join(province_names)} (column 'city')")
    return out


def carry_census(communes: Sequence[Commune] | None = None, province: str | None = None,
                 units: Sequence[Unit] | None = None, census: Sequence[CensusRow] | None = None,
                 changes: Mapping[tuple[str, str], Sequence[str]] | None = None,
                 strict: bool = False) -> CensusCarry:
    """The 2019 census (population, households) of the pre-2025 communes carried to the communes
    of 2025 of one province, by the rule in this module's docstring.

    communes: the 2025 communes to report (e.g. from :func:`read_communes`); default: every
        commune of `province` in the list of units. A census commune carried to a unit that is not
        among them is listed as unmatched.
    province: the province (name or code); default the communes' province.
    units: the official list (default the registered ``donvi_tinhthanh.json``).
    census: the census communes (default: :func:`read_census` of the registered files, for the
        provinces merged into `province`).
    changes: census communes the mapping does not name (spelling, earlier reforms): (district,
        commune) -> pre-2025 units; default :data:`SONLA_2019_CHANGES` for Sơn La, none otherwise.
    strict: raise an InputError listing every unmatched census commune instead of returning them.
    """
    units = list(units) if units is not None else read_units()
    if province is None:
        if not communes:
            raise _core.InputError("carry_census: give the communes or the province")
        province = communes[0].province
    prov = province_unit(units, province)
    mine = [u for u in units if u.parent_code == prov.code]
    if census is None:
        olds = [prov.name] if prov.predecessors == (prov.name,) else list(prov.predecessors)
        census = read_census(olds)
    if changes is None:
        changes = SONLA_2019_CHANGES if name_key(prov.name) == name_key("Sơn La") else {}
    change_keys = {(name_key(d), name_key(c)): v for (d, c), v in changes.items()}

    # Pre-2025 units named by the mapping: key -> [(label, new unit)]
    old: dict[str, list[tuple[str, Unit]]] = {}
    for u in mine:
        for label in u.predecessors:
            old.setdefault(name_key(label), []).append((label, u))
    wanted = [c.code for c in communes] if communes else [u.code for u in mine]
    names = {c.code: c.name for c in communes} if communes else {u.code: u.name for u in mine}
    result = {code: CommuneCensus(code, names[code]) for code in wanted}
    fed: set[str] = set()
    unmatched: list[UnmatchedRow] = []

    def resolve(label: str, district: str, kind: str) -> tuple[str, Unit] | str:
        """The (old label, new unit) a pre-2025 name stands for, or why not. A name found several
        times is told apart by the district in brackets, then by the unit type."""
        district = _district_of(label) or name_key(district)
        kind = name_key(unit_type(label) or kind)
        cands = old.get(name_key(label), [])
        if not cands:
            return f"'{label}' is not a pre-2025 unit of {prov.name} in the mapping (truocsapnhap)"
        if len(cands) > 1:
            cands = [c for c in cands if _district_of(c[0]) == district] or [c for c in cands if not _district_of(c[0])] or cands
        if len(cands) > 1:
            cands = [c for c in cands if name_key(unit_type(c[0])) == kind] or cands
        if len({u.code for _, u in cands}) > 1:
            return (f"the name matches several units of the mapping: "
                    f"{'; '.join(f'{lab} -> {u.name}' for lab, u in cands)}")
        return cands[0]

    for row in census:
        kind = "Thị trấn" if name_key(row.kind) == name_key("ThịTrấn") else row.kind
        dests = change_keys.get((name_key(row.district), name_key(row.name)))
        targets = []
        reason = ""
        for label in (dests if dests else (f"{kind} {row.name}",)):
            r = resolve(label, row.district, kind)
            if isinstance(r, str):
                reason = r if not dests else f"the table of changes names {label}, but {r}"
                break
            targets.append(r)
        if reason:
            unmatched.append(UnmatchedRow(row, reason))
            continue
        missing = [u for _, u in targets if u.code not in result]
        if missing:
            unmatched.append(UnmatchedRow(row, f"carried to {missing[0].name} ({missing[0].code}), which is not among "
                                               "the communes given"))
            continue
        # Equal shares per pre-2025 unit named; shares going to one 2025 commune are added.
        per_unit: dict[str, list] = {}
        for label, u in targets:
            per_unit.setdefault(u.code, [u, 0.0])[1] += 1.0 / len(targets)
            fed.add(name_key(label) + "@" + u.code)
        shares = [w for _, w in per_unit.values()]
        pops = _split_int(row.population, shares)
        hhs = _split_int(row.households, shares)
        for (u, share), p, h in zip(per_unit.values(), pops, hhs):
            c = result[u.code]
            c.population += p
            c.households += h
            c.area_m2 += row.area_m2 * share
            c.parts.append((row.label(), share))
    unused = [label for u in mine for label in u.predecessors if name_key(label) + "@" + u.code not in fed]
    carry = CensusCarry([result[c] for c in wanted], unmatched, unused,
                        sum(r.population for r in census), sum(r.households for r in census))
    if strict and unmatched:
        raise _core.InputError(f"{len(unmatched)} census commune(s) of {prov.name} could not be carried to the "
                               "communes of 2025 (add them to the table of changes):\n  "
                               + "\n  ".join(u.message() for u in unmatched))
    return carry


# ---------------------------------------------------------------------------------------------
# The bản of a run in the communes of 2025

@dataclass
class VillageCommunes:
    """Each bản's commune of 2025 (``index[i]`` into ``communes``): through the official mapping
    from its pre-2025 commune (its `commune` and `district` fields) when that commune went to one
    new commune; by location among the successors when it was split; by the polygon its point lies
    in (else the nearest within ``NEAREST_M``) when it names no known pre-2025 commune. Also the
    census of 2019 carried to each commune, and warnings naming the bản left outside every one."""

    communes: list[Commune]
    index: list[int]                     # per bản: its commune, -1 outside every commune
    census: dict[str, CommuneCensus]     # commune code -> the 2019 census carried to it
    warnings: list[str]

    def name_of(self, i: int) -> str:
        return self.communes[self.index[i]].name if self.index[i] >= 0 else ""


NEAREST_M = 1000.0


def village_communes(path_or_dir: str | Path, villages: Sequence, name_field: str | None = None) -> VillageCommunes:
    """The communes of 2025 of a run's bản (`villages`: objects with id, row, lon, lat)."""
    import math

    import numpy as np
    from shapely import STRtree, points

    communes = read_communes(path_or_dir, name_field=name_field)
    try:
        carried_all = carry_census(communes)
        carried = carried_all.by_code()
    except _core.InputError:  # a province without the census files: by location only
        carried_all, carried = None, {}
    code_index = {c.code: k for k, c in enumerate(communes)}

    def key(commune: str, district: str) -> str:
        d = re.sub(r"^(Huyện|Thành phố|Thị xã)\s+", "", unicodedata.normalize("NFC", district or ""))
        return (re.sub(r"\s+", "", unicodedata.normalize("NFC", commune or "")) + "(" + re.sub(r"\s+", "", d) +
                ")").casefold()

    successors: dict[str, list[int]] = {}
    for cc in (carried_all.communes if carried_all else []):
        for part, _share in cc.parts:
            successors.setdefault(key(*re.match(r"^(.*?)\s*\((.*)\)$", part).groups()), []).append(
                code_index[cc.code])
    tree = STRtree([c.geometry for c in communes])
    lon = np.array([v.lon for v in villages], float)
    lat = np.array([v.lat for v in villages], float)
    pts = points(lon, lat)
    index = [-1] * len(villages)
    inside: dict[int, list[int]] = {}
    hit_v, hit_c = tree.query(pts, predicate="intersects")
    for v, c in sorted(zip(hit_v.tolist(), hit_c.tolist())):
        inside.setdefault(v, []).append(c)
    for i, v in enumerate(villages):
        succ = sorted(set(successors.get(key(getattr(v, "commune", ""), getattr(v, "district", "")), [])))
        if len(succ) == 1:
            index[i] = succ[0]
        elif succ:  # a split commune: the successor its point lies in, else the nearest successor
            within = [c for c in inside.get(i, []) if c in succ]
            index[i] = within[0] if within else min(succ, key=lambda c: communes[c].geometry.distance(pts[i]))
        elif inside.get(i):
            index[i] = inside[i][0]
    warnings = []
    for i, v in enumerate(villages):
        if index[i] >= 0:
            continue
        j = int(tree.nearest(pts[i]))
        d_deg = communes[j].geometry.distance(pts[i])
        d_m = d_deg * 111320.0 * max(0.2, math.cos(math.radians(v.lat)))
        if d_m <= NEAREST_M:
            index[i] = j
        else:
            warnings.append(f"{path_or_dir}: bản '{v.id}' (row {v.row}) at ({v.lon}, {v.lat}) lies in no commune of "
                            f"2025 (nearest: {communes[j].name}, {d_m:.0f} m away): counted in no commune")
    return VillageCommunes(communes, index, carried, warnings)


def village_communes_of_points(vc: VillageCommunes, lon: Sequence[float], lat: Sequence[float]) -> list[str]:
    """The commune of 2025 (name; "" outside all) of other points, e.g. a run's facilities."""
    import numpy as np
    from shapely import STRtree, points

    tree = STRtree([c.geometry for c in vc.communes])
    out = [""] * len(lon)
    if len(lon):
        hit_p, hit_c = tree.query(points(np.asarray(lon, float), np.asarray(lat, float)), predicate="intersects")
        for p, c in sorted(zip(hit_p.tolist(), hit_c.tolist())):
            if not out[p]:
                out[p] = vc.communes[c].name
    return out
