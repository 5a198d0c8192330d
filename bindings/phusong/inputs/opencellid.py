"""OpenCelliD cells as a sites input: Vietnam's cells (MCC 452) grouped into sites.

OpenCelliD (https://opencellid.org, data under CC BY-SA 4.0) publishes one row per cell, in the
layout of its ``cell_towers.csv``::

    radio,mcc,net,area,cell,unit,lon,lat,range,samples,changeable,created,updated,averageSignal

(the per-country files, e.g. ``452.csv``, have the same columns without the header line; both are
read). The positions are estimates from crowd-sourced measurements, often tens to hundreds of
metres from the mast; there is no antenna height, power or azimuth.

What :func:`read_cells` and :func:`group_sites` do, in order:

- a row whose MCC is not Vietnam's (452) is skipped and listed in the warnings, naming the file,
  the row and the value; if no row is Vietnamese the file is refused (InputError);
- MNC -> operator: 01 MobiFone, 02 VNPT (VinaPhone), 04 Viettel, 05 Vietnamobile, 07 Gmobile
  (Wintel); another MNC is skipped with a warning;
- ``radio`` -> technology: GSM 2G, UMTS 3G, LTE 4G, NR 5G (CDMA and unknown values: skipped with a
  warning); a row that cannot be read (too few columns, a position that is not a number or
  outside Vietnam's waters) is skipped with a warning; ``strict=True`` makes any of these an error;
- cells of one operator within ``merge_m`` (default 50 m) of each other, directly or through a
  chain of such cells, are one site (single linkage); its position is the mean of its cells'
  positions and its technologies the union of theirs;
- each site gets the documented defaults of :data:`TECH_DEFAULTS` for the technology that gives
  its coverage (4G, else 5G, else 3G, else 2G): antenna height, carrier frequency and EIRP.

:func:`write_sites_csv` writes the sites in the columns ``phusong.read_sites`` reads (id, operator,
technologies, height_m, freq_mhz, eirp_dbm, lon, lat, plus cells, mnc, range_m and source), so the
rest of the pipeline reads it as any towers file; the bandwidth is left to the scenario's
``radio.bandwidth_mhz``.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .. import _core

VIETNAM_MCC = 452
COLUMNS = ("radio", "mcc", "net", "area", "cell", "unit", "lon", "lat", "range", "samples", "changeable",
           "created", "updated", "averageSignal")
#: Vietnam's mobile network codes (MCC 452) and the operator names phusong uses.
MNC_OPERATORS = {1: "MobiFone", 2: "VNPT", 4: "Viettel", 5: "Vietnamobile", 7: "Gmobile"}
#: OpenCelliD's radio values and the technology (generation) they are.
RADIO_TECHNOLOGY = {"GSM": "2G", "UMTS": "3G", "LTE": "4G", "NR": "5G"}
#: The technology whose parameters a site with several gets: the one that gives mobile broadband
#: coverage in the analysis (4G at 1800 MHz reaches farther than 5G at 3500 MHz).
COVERAGE_ORDER = ("4G", "5G", "3G", "2G")
#: A generous box around Vietnam and its islands (lon_min, lat_min, lon_max, lat_max); a cell
#: outside is a wrong position.
VIETNAM_BOX = (100.0, 6.0, 118.0, 24.0)
DEFAULT_MERGE_M = 50.0


@dataclass(frozen=True)
class TechDefaults:
    """Radio parameters given to a site of this technology (OpenCelliD has none of them)."""

    height_m: float   # antenna height above ground
    freq_mhz: float   # carrier frequency
    eirp_dbm: float   # main-beam EIRP


#: Documented defaults per technology: a 30 m mast (the common rural tower height in Vietnam);
#: GSM 900, UMTS 2100, LTE band 3 (1800 MHz, the main 4G band) and NR n78 (3500 MHz); EIRP from
#: 43 dBm (20 W, 2G/3G), 46 dBm (40 W, 4G) and 48 dBm (5G) into a 17 dBi sector antenna with 2-3 dB
#: of feeder loss.
TECH_DEFAULTS = {
    "2G": TechDefaults(height_m=30.0, freq_mhz=900.0, eirp_dbm=58.0),
    "3G": TechDefaults(height_m=30.0, freq_mhz=2100.0, eirp_dbm=58.0),
    "4G": TechDefaults(height_m=30.0, freq_mhz=1800.0, eirp_dbm=60.0),
    "5G": TechDefaults(height_m=30.0, freq_mhz=3500.0, eirp_dbm=62.0),
}


@dataclass(frozen=True)
class Cell:
    """One usable cell of the file."""

    row: int            # data row in the file (1 = the first row after any header)
    operator: str
    mnc: int
    technology: str     # 2G, 3G, 4G, 5G
    area: str
    cell: str
    lon: float
    lat: float
    range_m: float      # OpenCelliD's estimate of the cell's range (0 when absent)
    samples: int


@dataclass
class CellSite:
    """Cells of one operator grouped into one site."""

    id: str
    operator: str
    mnc: int
    technologies: list[str]
    lon: float
    lat: float
    height_m: float
    freq_mhz: float
    eirp_dbm: float
    cells: list[Cell] = field(default_factory=list)

    @property
    def range_m(self) -> float:
        return max((c.range_m for c in self.cells), default=0.0)


def _int(text: str) -> int:
    v = float(text)
    if not math.isfinite(v) or v != int(v):
        raise ValueError(text)
    return int(v)


def read_cells(path: str | Path, strict: bool = False) -> tuple[list[Cell], list[str]]:
    """The Vietnamese cells of an OpenCelliD CSV file and the warnings about the rows skipped
    (each naming the file, the row and the value). InputError when the file cannot be read, when
    no row is Vietnamese, or (strict=True) at the first row that would be skipped."""
    p = Path(path)
    try:
        text = p.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise _core.InputError(f"{p}: cannot read the OpenCelliD file ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise _core.InputError(f"{p}: not UTF-8 text at byte {exc.start} (an OpenCelliD CSV is ASCII)") from None
    lines = list(csv.reader(text.splitlines()))
    header = bool(lines) and lines[0] and lines[0][0].strip().lower() == "radio"
    if header:
        names = [c.strip() for c in lines[0]]
        need = [c for c in COLUMNS[:8] if c not in names]
        if need:
            raise _core.InputError(f"{p}: missing column '{need[0]}' (an OpenCelliD file has the columns "
                                   f"{','.join(COLUMNS)})")
        index = {c: names.index(c) for c in COLUMNS if c in names}
        rows = lines[1:]
    else:
        index = {c: i for i, c in enumerate(COLUMNS)}
        rows = lines
    cells: list[Cell] = []
    warnings: list[str] = []
    foreign = 0

    def skip(n: int, what: str) -> None:
        msg = f"{p}: row {n}: {what}: row skipped"
        if strict:
            raise _core.InputError(msg)
        warnings.append(msg)

    for n, r in enumerate(rows, start=1):
        if not r or all(not c.strip() for c in r):
            continue
        if len(r) <= max(index[c] for c in COLUMNS[:8]):
            skip(n, f"has {len(r)} fields, expected {len(COLUMNS)} ({','.join(COLUMNS)}): '{','.join(r)}'")
            continue

        values = {c: (r[i].strip() if i < len(r) else "") for c, i in index.items()}
        get = values.get

        try:
            mcc = _int(get("mcc"))
        except ValueError:
            skip(n, f"field 'mcc' is not a number: '{get('mcc')}'")
            continue
        if mcc != VIETNAM_MCC:
            foreign += 1
            skip(n, f"field 'mcc' is {mcc}, not Vietnam's {VIETNAM_MCC}")
            continue
        try:
            mnc = _int(get("net"))
        except ValueError:
            skip(n, f"field 'net' (MNC) is not a number: '{get('net')}'")
            continue
        if mnc not in MNC_OPERATORS:
            known = ", ".join(f"{k:02d} {v}" for k, v in MNC_OPERATORS.items())
            skip(n, f"field 'net' (MNC) is {get('net')}: not a Vietnamese operator phusong knows ({known})")
            continue
        radio = get("radio").upper()
        if radio not in RADIO_TECHNOLOGY:
            skip(n, f"field 'radio' is '{get('radio')}' (expected one of {', '.join(RADIO_TECHNOLOGY)})")
            continue
        try:
            lon, lat = float(get("lon")), float(get("lat"))
            if not (math.isfinite(lon) and math.isfinite(lat)):
                raise ValueError
        except ValueError:
            skip(n, f"position lon '{get('lon')}', lat '{get('lat')}' is not a pair of numbers")
            continue
        x0, y0, x1, y1 = VIETNAM_BOX
        if not (x0 <= lon <= x1 and y0 <= lat <= y1):
            skip(n, f"position lon {get('lon')}, lat {get('lat')} is outside Vietnam "
                    f"({x0} ≤ lon ≤ {x1}, {y0} ≤ lat ≤ {y1})")
            continue
        try:
            range_m = float(get("range", "") or 0.0)
            samples = _int(get("samples", "") or "0")
        except ValueError:
            range_m, samples = 0.0, 0
        cells.append(Cell(n, MNC_OPERATORS[mnc], mnc, RADIO_TECHNOLOGY[radio], get("area"), get("cell"),
                          lon, lat, range_m, samples))
    if not cells:
        why = (f"all {foreign} rows are of another MCC than Vietnam's {VIETNAM_MCC}" if foreign and foreign == len(warnings)
               else "no usable row of Vietnam (MCC 452)")
        detail = ("; " + "; ".join(w.split(": ", 1)[1] for w in warnings[:3])) if warnings else ""
        raise _core.InputError(f"{p}: {why}{detail}")
    return cells, warnings


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        a, b = self.find(i), self.find(j)
        if a != b:
            self.parent[max(a, b)] = min(a, b)


def group_sites(cells: Sequence[Cell], merge_m: float = DEFAULT_MERGE_M,
                defaults: dict[str, TechDefaults] | None = None) -> list[CellSite]:
    """Sites from cells: cells of one operator within `merge_m` metres of each other (geodesic,
    directly or through a chain) are one site at the mean of their positions, with the union of
    their technologies and the defaults (`defaults`, else :data:`TECH_DEFAULTS`) of the technology
    that gives its coverage (:data:`COVERAGE_ORDER`). Sites are ordered by MNC, then longitude,
    then latitude, and named ``OCID-<mnc>-<n>`` (deterministic for a given file)."""
    if not merge_m >= 0:
        raise _core.InputError(f"merge_m is {merge_m}: give a distance in metres >= 0")
    defaults = defaults or TECH_DEFAULTS
    for t in COVERAGE_ORDER:
        if t not in defaults:
            raise _core.InputError(f"defaults: technology '{t}' is missing (give height_m, freq_mhz, eirp_dbm for "
                                   f"{', '.join(COVERAGE_ORDER)})")
    order = sorted(range(len(cells)), key=lambda i: (cells[i].mnc, cells[i].lon, cells[i].lat, cells[i].row))
    cs = [cells[i] for i in order]
    uf = _UnionFind(len(cs))
    if cs and merge_m > 0:
        # A grid whose cells are at least merge_m wide everywhere in the data (longitude degrees
        # widened for the highest latitude): cells within merge_m are in the 3 x 3 block around.
        dlat = merge_m / 110_574.0
        dlon = merge_m / (111_320.0 * math.cos(math.radians(min(max(abs(c.lat) for c in cs) + 0.5, 89.0))))
        grid: dict[tuple[int, int, int], list[int]] = {}
        for i, c in enumerate(cs):
            grid.setdefault((c.mnc, math.floor(c.lat / dlat), math.floor(c.lon / dlon)), []).append(i)
        for (mnc, gy, gx), members in grid.items():
            for dy in (-1, 0, 1):
                for dx in (-1, 0, 1):
                    for j in grid.get((mnc, gy + dy, gx + dx), ()):
                        for i in members:
                            if i < j and _core.geodesic_distance_m(cs[i].lon, cs[i].lat, cs[j].lon, cs[j].lat) <= merge_m:
                                uf.union(i, j)
    elif cs:  # merge_m = 0: only cells at the very same position are one site
        first: dict[tuple[int, float, float], int] = {}
        for i, c in enumerate(cs):
            uf.union(first.setdefault((c.mnc, c.lon, c.lat), i), i)
    groups: dict[int, list[Cell]] = {}
    for i, c in enumerate(cs):
        groups.setdefault(uf.find(i), []).append(c)
    sites = []
    for members in groups.values():
        lon = sum(c.lon for c in members) / len(members)
        lat = sum(c.lat for c in members) / len(members)
        techs = sorted({c.technology for c in members})
        cover = next(t for t in COVERAGE_ORDER if t in techs)
        d = defaults[cover]
        sites.append(CellSite("", members[0].operator, members[0].mnc, techs, lon, lat, d.height_m, d.freq_mhz,
                              d.eirp_dbm, sorted(members, key=lambda c: c.row)))
    sites.sort(key=lambda s: (s.mnc, round(s.lon, 7), round(s.lat, 7)))
    count: dict[int, int] = {}
    for s in sites:
        count[s.mnc] = count.get(s.mnc, 0) + 1
        s.id = f"OCID-{s.mnc:02d}-{count[s.mnc]:05d}"
    return sites


SITE_COLUMNS = ("id", "operator", "technologies", "height_m", "freq_mhz", "eirp_dbm", "lon", "lat", "cells", "mnc",
                "range_m", "source")


def _num(v: float) -> str:
    """A number as written in the CSV: integers without a decimal point, others as short as exact."""
    return str(int(v)) if float(v).is_integer() else repr(round(float(v), 7))


def write_sites_csv(sites: Sequence[CellSite], path: str | Path, source: str = "OpenCelliD") -> Path:
    """Writes the sites as a towers CSV (UTF-8) that ``phusong.read_sites`` reads. The `source`
    column says where each came from and that height, frequency and EIRP are defaults."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_name(p.name + ".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(SITE_COLUMNS)
        for s in sites:
            cover = next(t for t in COVERAGE_ORDER if t in s.technologies)
            rows = f"{'row' if len(s.cells) == 1 else 'rows'} {','.join(str(c.row) for c in s.cells)}"
            w.writerow([s.id, s.operator, ";".join(s.technologies), _num(s.height_m), _num(s.freq_mhz), _num(s.eirp_dbm),
                        f"{s.lon:.6f}", f"{s.lat:.6f}", len(s.cells), f"{s.mnc:02d}", _num(s.range_m),
                        f"{source} (CC BY-SA 4.0), {rows}; height, frequency and EIRP are phusong's {cover} defaults"])
    tmp.replace(p)
    return p


@dataclass
class Conversion:
    """The result of :func:`convert`."""

    sites: list[CellSite]
    cells: list[Cell]
    warnings: list[str]
    path: Path


def convert(path: str | Path, out_csv: str | Path, merge_m: float = DEFAULT_MERGE_M, strict: bool = False,
            defaults: dict[str, TechDefaults] | None = None) -> Conversion:
    """Reads an OpenCelliD file, groups its Vietnamese cells into sites and writes them as a
    towers CSV: ``read_cells`` + ``group_sites`` + ``write_sites_csv``."""
    cells, warnings = read_cells(path, strict=strict)
    sites = group_sites(cells, merge_m=merge_m, defaults=defaults)
    out = write_sites_csv(sites, out_csv, source=f"OpenCelliD {Path(path).name}")
    return Conversion(sites, cells, warnings, out)
