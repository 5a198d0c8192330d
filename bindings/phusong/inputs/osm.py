"""OpenStreetMap inputs: villages from populated places (Geofabrik ``gis.osm_places_free_1``),
with populations ESTIMATED from the 2019 census carried to the communes of 2025, and towers from
OSM communication towers. OSM data is © OpenStreetMap contributors, ODbL.

Rule for the villages (documented in README): every point of class village, hamlet or town
(``PLACE_CLASSES``) inside a commune of 2025 is one bản; the 2019 census carried to that commune
(:func:`phusong.inputs.admin2025.carry_census`) is shared equally between its places, people and
households each as integers that add up exactly (largest remainder). Places outside every commune
are left out and counted; communes without any place are listed (their people are not represented
by any bản) -- never silently.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from .. import _core

PLACE_CLASSES = ("village", "hamlet", "town")
SOURCE = ("OpenStreetMap (ODbL) place '{fclass}' {osm_id}; population ESTIMATED: the 2019 census carried to "
          "{commune} shared equally over its {n} OSM places")


@dataclass
class OsmVillages:
    """The result of :func:`villages_from_places`."""

    path: Path
    villages: int
    outside: int                         # places outside every commune (left out)
    empty_communes: list[str] = field(default_factory=list)  # communes with no place (people not represented)
    warnings: list[str] = field(default_factory=list)


def _split(total: int, n: int) -> list[int]:
    base, rest = divmod(int(total), n)
    return [base + (1 if k < rest else 0) for k in range(n)]


def _read_layer(path: Path, layout: str):
    """A Geofabrik layer's attribute header and rows, and its geometries by feature number (from 1);
    InputError naming the file when osm_id or fclass is missing (`layout`: what the layer has)."""
    from shapely import from_wkb

    from .tables import read_attributes

    header, rows = read_attributes(path)
    for need in ("osm_id", "fclass"):
        if need not in header:
            raise _core.InputError(f"{path}: missing field '{need}' (a Geofabrik {layout})")
    return header, rows, {k: from_wkb(w) for k, w in _core.read_geometries(str(path))}


def villages_from_places(places: str | Path, communes_path: str | Path, out_csv: str | Path,
                         name_field: str | None = None) -> OsmVillages:
    """Writes the OSM places inside the communes of `communes_path` as a villages CSV the engine
    reads (see the module's rule). InputError naming the file when it has no place of the kept
    classes inside the communes."""
    import numpy as np
    from shapely import STRtree, points

    from . import admin2025

    places = Path(places)
    header, rows, geoms = _read_layer(places, "places layer has osm_id, code, fclass, population, name")
    i_id, i_cls = header.index("osm_id"), header.index("fclass")
    i_name = header.index("name") if "name" in header else None
    kept = [(k, r) for k, r in enumerate(rows, start=1) if str(r[i_cls]) in PLACE_CLASSES and k in geoms]
    communes = admin2025.read_communes(communes_path, name_field=name_field)
    carried = admin2025.carry_census(communes).by_code()
    tree = STRtree([c.geometry for c in communes])
    lon = np.array([geoms[k].x for k, _ in kept], float)
    lat = np.array([geoms[k].y for k, _ in kept], float)
    owner = [-1] * len(kept)
    if kept:
        hit_p, hit_c = tree.query(points(lon, lat), predicate="intersects")
        for p, c in sorted(zip(hit_p.tolist(), hit_c.tolist())):
            if owner[p] < 0:
                owner[p] = c
    by_commune: dict[int, list[int]] = {}
    for p, c in enumerate(owner):
        if c >= 0:
            by_commune.setdefault(c, []).append(p)
    if not by_commune:
        raise _core.InputError(f"{places}: no place of class {', '.join(PLACE_CLASSES)} lies in the communes of "
                               f"{communes_path}")
    out_rows = []
    for c, members in sorted(by_commune.items()):
        com = communes[c]
        census = carried.get(com.code)
        pop = _split(census.population if census else 0, len(members))
        hh = _split(census.households if census else 0, len(members))
        for k, p in enumerate(members):
            feat, r = kept[p]
            name = str(r[i_name]) if i_name is not None and r[i_name] else f"OSM {r[i_id]}"
            out_rows.append([f"OSM-{r[i_id]}", name, com.name, "", com.code, "", max(pop[k], 1),
                             min(max(hh[k], 1), max(pop[k], 1)), f"{lon[p]:.7f}", f"{lat[p]:.7f}",
                             SOURCE.format(fclass=r[i_cls], osm_id=r[i_id], commune=com.name, n=len(members))])
    empty = [communes[c].name for c in range(len(communes)) if c not in by_commune]
    outside = sum(1 for c in owner if c < 0)
    warnings = []
    if outside:
        warnings.append(f"{places}: {outside} places of class {', '.join(PLACE_CLASSES)} lie outside the communes of "
                        f"{communes_path}: left out")
    if empty:
        warnings.append(f"{places}: {len(empty)} communes have no OSM place, so no bản stands for their people: "
                        + ", ".join(empty))
    out = Path(out_csv)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "name", "commune", "district", "commune_code", "district_code", "population", "households",
                    "lon", "lat", "source"])
        w.writerows(out_rows)
    tmp.replace(out)
    return OsmVillages(out, len(out_rows), outside, empty, warnings)


#: Geofabrik POI classes: ``comms_tower`` (code 2951: ``man_made=communications_tower``, or
#: ``man_made=tower`` with ``tower:type=communication``) is a communication tower; ``tower`` (code
#: 2950) is any other ``man_made=tower`` (observation, water, bell, lighting, ...).
TOWER_CLASS = "comms_tower"
TOWER_SOURCE = ("OpenStreetMap (ODbL) {fclass} {osm_id}; operator {operator}, technology and radio parameters "
                "ASSUMED (the extract has none): a 2G site with the OpenCelliD defaults")
#: The operator of a tower whose OSM feature names none (Geofabrik's free layers keep no operator).
UNKNOWN_OPERATOR = "OSM"


@dataclass
class OsmTowers:
    """The result of :func:`towers_from_pois`."""

    path: Path
    towers: int
    warnings: list[str] = field(default_factory=list)


def towers_from_pois(pois: str | Path, out_csv: str | Path) -> OsmTowers:
    """Writes the communication towers of an OSM POI layer (Geofabrik ``gis.osm_pois_free_1``, or
    an extract of it such as ``data:osm/vn_comms_towers.geojson``) as a towers CSV the engine reads.

    Rule (README, "OpenStreetMap towers"): every point of class ``comms_tower`` is one site, id
    ``OSM-<osm_id>``; its operator is the feature's ``operator`` attribute when the layer has one,
    else ``OSM`` (unknown); the extract carries no technology or radio parameters, so each is taken
    as a 2G site with the OpenCelliD defaults (30 m mast, 900 MHz, EIRP 58 dBm) and labelled ASSUMED
    in its ``source``. Points of class ``tower`` (towers not tagged as communication towers) and
    other classes are left out, and counted in the warnings; a feature without a point geometry is
    an InputError naming the file and feature. InputError when no communication tower is left."""

    from .opencellid import TECH_DEFAULTS
    from .tables import write_csv

    pois = Path(pois)
    header, rows, geoms = _read_layer(pois, "POI layer has osm_id, code, fclass, name")
    i_id, i_cls = header.index("osm_id"), header.index("fclass")
    i_op = header.index("operator") if "operator" in header else None
    d = TECH_DEFAULTS["2G"]
    out_rows, other_towers, other = [], 0, 0
    for k, r in enumerate(rows, start=1):
        cls = str(r[i_cls])
        if cls != TOWER_CLASS:
            other_towers += cls == "tower"
            other += cls != "tower"
            continue
        g = geoms.get(k)
        if g is None or g.geom_type != "Point":
            raise _core.InputError(f"{pois}: feature {k} (osm_id {r[i_id]}): expected a POINT, got "
                                   f"{'no geometry' if g is None else g.geom_type.upper()}")
        op = str(r[i_op]).strip() if i_op is not None and r[i_op] else UNKNOWN_OPERATOR
        out_rows.append({"id": f"OSM-{r[i_id]}", "operator": op, "technologies": "2G", "height_m": d.height_m,
                         "freq_mhz": d.freq_mhz, "eirp_dbm": d.eirp_dbm, "lon": g.x, "lat": g.y,
                         "source": TOWER_SOURCE.format(fclass=cls, osm_id=r[i_id], operator=op)})
    if not out_rows:
        raise _core.InputError(f"{pois}: no point of class '{TOWER_CLASS}' (an OSM communication tower)")
    warnings = []
    if other_towers:
        warnings.append(f"{pois}: {other_towers} points of class 'tower' are not tagged as communication towers: "
                        "left out")
    if other:
        warnings.append(f"{pois}: {other} points of other classes: left out")
    out = write_csv(out_rows, out_csv, "sites")
    return OsmTowers(out, len(out_rows), warnings)
