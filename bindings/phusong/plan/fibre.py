"""The fixed-broadband (fibre) plan of a scenario: fibre to every commune seat, school and health
station, and to a target share of households, at least cost.

1. The routing surface (engine: ``_core.routing_surface``): cost per metre of cable from the slope
   of the DEM, land cover (the scenario's clutter raster, when given), rivers, and the cheaper
   corridors along roads and the power grid.
2. The routing graph (``_core.routing_graph``): a lattice node every ``fibre.graph_spacing_m``,
   8 neighbours + knight's moves, each edge costed along the surface, plus a node for every
   facility and bản; the existing backbone (``inputs.fibre``) is one root joined at no cost to
   the lattice nodes it passes.
3. The facilities' network: a Steiner tree joining the root and every facility not connected
   today (heuristic, or the exact MILP through CBC with a time limit), with cost, bound and gap.
4. Households: from that tree, bản join one at a time by least (path + last mile) per household
   (``_core.grow_tree``) until the household target is reached, then on to every reachable bản
   for the cost-versus-households curve; the target's cost comes with a proven lower bound.
5. GPON: an OLT where the network meets the backbone, new OLT cabinets where the optical reach
   (``fibre.reach_km``) would be exceeded (greedy on the tree, optimal), splitters 1:32/1:64 per
   bản.

A facility or bản is "connected today" when it lies within ``fibre.connected_m`` of the existing
backbone. The plan does not depend on the thread count or the machine's speed with the heuristic
(its local search is bounded by a number of moves); with `method: exact` a solve stopped by the
time limit may return another tree on a slower machine.
"""

from __future__ import annotations

import csv
import json
import math
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import _core

FACILITY_KINDS = ("committee", "school", "health_station")
"""Kinds of facility points (``inputs.facilities``, column ``kind``)."""
FACILITY_VI = {"committee": "UBND xã", "school": "trường học", "health_station": "trạm y tế"}
_KIND_ALIASES = {**{k: k for k in FACILITY_KINDS}, **{v.lower(): k for k, v in FACILITY_VI.items()},
                 "ubnd": "committee", "health": "health_station", "truong": "school", "tram_y_te": "health_station"}

# WorldCover classes -> cost multiplier of cable (NaN: impassable). Trenching through forest and
# built-up land (reinstatement) costs more; open water is crossed like a river.
WORLDCOVER_FACTORS = {10: 1.5, 20: 1.3, 30: 1.0, 40: 1.0, 50: 1.4, 60: 1.0, 70: float("nan"), 80: 10.0, 90: 3.0,
                      95: 5.0, 100: 1.2}


@dataclass
class Facility:
    """A point fibre must reach: a commune seat (People's Committee), a school or a health station."""

    id: str
    name: str
    kind: str          #: one of FACILITY_KINDS
    commune: str
    district: str
    lon: float
    lat: float
    row: int           #: row in the input file (1 = first data row)
    source: str = ""


@dataclass
class Route:
    """One line of the fibre network: a chain of graph edges between branch points (new), or a line
    of the existing backbone."""

    coords: list[tuple[float, float]]  #: lon, lat
    status: str                        #: "new" or "existing"
    length_km: float
    cost: float
    stage: str = ""                    #: "facilities" or "households" (new routes)
    facilities: int = 0                #: facilities served downstream
    villages: int = 0                  #: bản passed downstream
    households: float = 0.0            #: their households
    serves: list[str] = field(default_factory=list)  #: ids downstream (at most 40; the counts are complete)


@dataclass
class Node:
    """OLT, cabinet or splitter point of the network."""

    id: str
    kind: str          #: "olt" (at the backbone), "cabinet" (a new OLT cabinet) or "splitter"
    lon: float
    lat: float
    count: int         #: equipment count (splitters at a bản; 1 otherwise)
    ratio: int         #: splitter ratio (0 for OLTs)
    households: float  #: households behind it
    optical_km: float  #: fibre distance to its OLT (splitters); 0 at an OLT
    olt: str           #: the OLT or cabinet that feeds it
    cost: float


@dataclass
class FibrePlan:
    """The fibre plan of a run. Indices are into ``facilities`` and the run's villages."""

    facilities: list[Facility]
    facility_before: np.ndarray      #: bool per facility: within connected_m of the backbone today
    facility_after: np.ndarray       #: bool per facility after the plan
    facility_reason: dict[int, str]  #: facility index -> why the plan cannot reach it (code)
    village_before: np.ndarray       #: bool per bản: passed by fibre today
    village_after: np.ndarray        #: bool per bản after the plan (household target)
    village_order: np.ndarray        #: int per bản: the step it joins (1-based; 0 before/never)
    village_cost: np.ndarray         #: per bản: its step's cost (path + last mile)
    village_reason: dict[int, str]   #: bản index -> why it cannot be reached (code)
    village_radius_m: np.ndarray     #: per bản: the spread of its households used for the drop cables
    routes: list[Route]
    nodes: list[Node]
    currency: str
    cost_facilities: float           #: cable of the facilities' tree (its OLTs are in cost_equipment)
    cost_households: float           #: cable and last mile of the bản up to the target (OLTs: equipment)
    cost_equipment: float            #: OLTs, cabinets and facility connections
    total_cost: float
    method: str                      #: the Steiner solver, in words
    tree_objective: float            #: the facilities' tree as solved: cable + an OLT per attachment
    bound: float                     #: proven lower bound on tree_objective
    gap: float | None                #: (tree_objective - bound) / tree_objective
    proven_optimal: bool
    status: str
    household_target_pct: float
    households_total: float
    households_before: float
    households_after: float
    household_objective: float       #: the household steps: cable + last mile + OLTs of new attachments
    household_bound: float           #: lower bound on household_objective, given the facilities' tree
    household_gap: float | None
    household_method: str            #: the household stage's solver, in words
    household_proven_optimal: bool   #: the household stage is proven least-cost (given the facilities' tree)
    total_bound: float               #: proven lower bound on total_cost (Steiner bound + least last mile + connections)
    total_gap: float | None
    curve: list[tuple[float, float, int]]  #: (cumulative cost, households passed, bản passed) per step
    household_steps: int             #: the greedy's steps to the target (the first of `curve`)
    curve_in_plan: list[bool]        #: per step of `curve`: its bản is passed by the plan (exact: any step)
    olts: int
    cabinets: int
    splitters: int
    new_route_km: float
    seconds: float
    graph_nodes: int = 0
    graph_edges: int = 0
    stats: dict = field(default_factory=dict)

    def new_lines_wkb(self) -> list[bytes]:
        """The new routes as WKB lines (WGS84), for the backhaul of the 4G sites."""
        from shapely.geometry import LineString

        return [LineString(r.coords).wkb for r in self.routes if r.status == "new" and len(r.coords) >= 2]


_MAX_IDS = 40  # ids listed per route (the counts are complete)

REASONS = ("isolated", "unreachable")
"""Why a facility or bản cannot be reached (FibrePlan.*_reason; the outputs say them in
Vietnamese: outputs.layers.FIBRE_REASON_VI): on an impassable cell, or cut off from the backbone."""


def read_facilities(path: str | Path) -> list[Facility]:
    """Facilities from a CSV (columns id, kind, lon, lat; optional name, commune, district,
    source) or a GeoJSON of points (the same properties). ``kind``: committee, school,
    health_station (or their Vietnamese names: UBND xã, trường học, trạm y tế). Errors name the
    file, the row and the value."""
    p = Path(path)
    if p.suffix.lower() not in (".csv", ".txt", ".geojson", ".json"):
        raise _core.InputError(f"{p}: facilities are read from CSV or GeoJSON, not '{p.suffix}' files")
    rows: list[tuple[int, dict, float | None, float | None]] = []
    try:
        text = p.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise _core.InputError(f"{p}: not UTF-8 text (byte {e.start}); save the facilities as UTF-8") from None
    if p.suffix.lower() in (".geojson", ".json"):
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as e:
            raise _core.InputError(f"{p}: not valid JSON: {e}") from None
        features = doc.get("features") if isinstance(doc, dict) else None
        if not isinstance(features, list):
            raise _core.InputError(f"{p}: not a GeoJSON FeatureCollection (no 'features' list)")
        for k, feat in enumerate(features, start=1):
            geom = (feat.get("geometry") if isinstance(feat, dict) else None) or {}
            if geom.get("type") != "Point":
                raise _core.InputError(f"{p}: feature {k} is a {geom.get('type')}; facilities must be points")
            xy = geom.get("coordinates")
            if not (isinstance(xy, list) and len(xy) >= 2):
                raise _core.InputError(f"{p}: feature {k}: point coordinates {xy!r} are not [lon, lat]")
            props = feat.get("properties")
            rows.append((k, dict(props) if isinstance(props, dict) else {}, xy[0], xy[1]))
    else:
        reader = csv.DictReader(text.splitlines())
        missing = [c for c in ("id", "kind", "lon", "lat") if c not in (reader.fieldnames or [])]
        if missing:
            raise _core.InputError(f"{p}: missing column(s) {', '.join(missing)} (facilities need id, kind, lon, lat)")
        for k, r in enumerate(reader, start=1):
            rows.append((k, r, None, None))
    out, seen = [], {}
    for k, r, lon, lat in rows:
        fid = str(r.get("id", "")).strip()
        if not fid:
            raise _core.InputError(f"{p}: row {k}: empty id")
        if fid in seen:
            raise _core.InputError(f"{p}: row {k}: id '{fid}' already used on row {seen[fid]}")
        seen[fid] = k
        raw_kind = str(r.get("kind", "")).strip()
        kind = _KIND_ALIASES.get(raw_kind.lower())
        if kind is None:
            raise _core.InputError(f"{p}: row {k} (facility '{fid}'): field 'kind' = '{raw_kind}' is not a known kind "
                                   f"(known: {', '.join(FACILITY_KINDS)}, or {', '.join(FACILITY_VI.values())})")
        try:
            lon = float(r["lon"] if lon is None else lon)
            lat = float(r["lat"] if lat is None else lat)
        except (TypeError, ValueError, KeyError):
            raise _core.InputError(f"{p}: row {k} (facility '{fid}'): lon/lat '{r.get('lon')}', '{r.get('lat')}' "
                                   "are not numbers") from None
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise _core.InputError(f"{p}: row {k} (facility '{fid}'): lon/lat ({lon}, {lat}) outside WGS84 ranges")
        out.append(Facility(fid, str(r.get("name", "") or ""), kind, str(r.get("commune", "") or ""),
                            str(r.get("district", "") or ""), lon, lat, k, str(r.get("source", "") or "")))
    if not out:
        raise _core.InputError(f"{p}: no facilities")
    return out


def _landcover_factors(sc, dem: _core.Dem, clutter: _core.Dem | None, rows: int, cols: int) -> np.ndarray | None:
    """Cost multiplier per DEM cell from the land-cover raster (nearest class), or None."""
    if clutter is None:
        return None
    if sc.radio.clutter_classes == "worldcover":
        table = dict(WORLDCOVER_FACTORS)
    elif sc.fibre.landcover_factors:
        table = {}
    else:
        raise _core.InputError(f"{sc.path}: key 'fibre.landcover_factors': inputs.clutter uses the class table "
                               f"{sc.radio.clutter_classes}, not WorldCover: give the cable cost factor of its classes "
                               "(class code: factor)")
    table.update({int(k): float(v) for k, v in sc.fibre.landcover_factors.items()})
    gt = dem.geotransform
    cols_x = gt[0] + (np.arange(cols) + 0.5) * gt[1]
    rows_y = gt[3] + (np.arange(rows) + 0.5) * gt[5]
    x = np.broadcast_to(cols_x, (rows, cols)).ravel()
    y = np.broadcast_to(rows_y[:, None], (rows, cols)).ravel()
    if dem.crs_wkt != clutter.crs_wkt and not (dem.is_geographic and clutter.is_geographic):
        x, y = _core.transform(np.ascontiguousarray(x), np.ascontiguousarray(y), dem.crs_wkt, clutter.crs_wkt)
    cg = clutter.geotransform
    cls = np.asarray(clutter.heights_m)
    c = np.floor((np.asarray(x) - cg[0]) / cg[1]).astype(np.int64)
    r = np.floor((np.asarray(y) - cg[3]) / cg[5]).astype(np.int64)
    inside = (r >= 0) & (c >= 0) & (r < cls.shape[0]) & (c < cls.shape[1])
    codes = np.full(r.shape, -1, np.int64)
    vals = cls[r[inside], c[inside]]
    codes[inside] = np.where(np.isfinite(vals), vals, -1).astype(np.int64)
    factor = np.ones(codes.shape, np.float32)
    for code, f in table.items():
        factor[codes == code] = f
    return factor.reshape(rows, cols)


def _to_dem_xy(dem: _core.Dem, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if dem.is_geographic or len(lon) == 0:
        return np.asarray(lon, float), np.asarray(lat, float)
    x, y = _core.transform(np.asarray(lon, float), np.asarray(lat, float), "WGS84", dem.crs_wkt)
    return np.asarray(x), np.asarray(y)


def _to_lonlat(dem: _core.Dem, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if dem.is_geographic or len(x) == 0:
        return np.asarray(x, float), np.asarray(y, float)
    lon, lat = _core.transform(np.asarray(x, float), np.asarray(y, float), dem.crs_wkt, "WGS84")
    return np.asarray(lon), np.asarray(lat)


def village_radius_m(f, households: np.ndarray, given_m: np.ndarray | None = None) -> np.ndarray:
    """The spread of each bản's households, the radius (m) of the disc they live in: the villages
    file's ``radius_m`` where given (`given_m`, NaN elsewhere), else ``fibre.village_radius_m``
    metres, or with ``village_radius_m: households`` the disc of households x household_area_m2
    (sqrt(h a / pi): a bản of 80 households at 3,000 m2 each spreads 276 m)."""
    h = np.asarray(households, float)
    if f.village_radius_m == "households":
        rule = np.sqrt(h * f.household_area_m2 / math.pi)
    else:
        rule = np.full(h.shape, float(f.village_radius_m))
    if given_m is None:
        return rule
    g = np.asarray(given_m, float)
    return np.where(np.isfinite(g), g, rule)


def last_mile_cost(f, households: np.ndarray, radius_m: np.ndarray | None = None) -> np.ndarray:
    """Cost of passing a bản's households once fibre reaches it: splitters (ceil(h / ratio)) and a
    drop cable per household of the mean distance from the centre of a disc of radius r to a point
    in it (2/3 r); r per bản (`radius_m`, default :func:`village_radius_m` of the households)."""
    h = np.asarray(households, float)
    r = village_radius_m(f, h) if radius_m is None else np.asarray(radius_m, float)
    c = f.costs
    return np.ceil(h / f.splitter_ratio) * c.splitter + h * (2.0 / 3.0) * r * c.drop_per_m


def plan_fibre(sc, dem: _core.Dem, villages: list, clutter: _core.Dem | None = None, progress=None) -> FibrePlan:
    """The fibre plan of scenario `sc` (``fibre:`` section) for these villages. See the module."""
    from .backhaul import distance_km, read_line_wkbs

    t0 = time.perf_counter()
    f = sc.fibre
    step = (lambda k, n: progress(k, n)) if progress else (lambda k, n: None)
    if not sc.inputs.fibre:
        raise _core.InputError(f"{sc.path}: key 'fibre': the fibre plan needs the existing backbone (inputs.fibre: "
                               "lines of the fibre network today)")
    if not sc.inputs.facilities:
        raise _core.InputError(f"{sc.path}: key 'fibre': the fibre plan needs inputs.facilities (points with a kind: "
                               f"{', '.join(FACILITY_KINDS)})")
    facilities = read_facilities(sc.inputs.facilities)
    for fa in facilities:
        if not dem.contains_lonlat(fa.lon, fa.lat):
            raise _core.InputError(f"{sc.inputs.facilities}: row {fa.row} (facility '{fa.id}'): point "
                                   f"({fa.lon}, {fa.lat}) lies outside the DEM")
    step(0, 6)
    z = np.asarray(dem.heights_m, np.float32)
    rows, cols = z.shape
    gt = list(dem.geotransform)
    crs = dem.crs_wkt
    # Lines and points reach the grid in WGS84 lon/lat; a geographic DEM is read in lon/lat as it is
    # (as phusong.Dem does), a projected one through its CRS.
    lines_crs = "" if dem.is_geographic else crs
    backbone = read_line_wkbs(sc.inputs.fibre, "the fibre backbone (inputs.fibre)")
    masks = {}
    for key, ref in (("road", sc.inputs.roads), ("power", sc.inputs.power_grid), ("river", sc.inputs.rivers)):
        if ref:
            masks[key] = _core.rasterize_lines(read_line_wkbs(ref, f"inputs.{'power_grid' if key == 'power' else key + 's'}"),
                                               gt, rows, cols, lines_crs, ref)
    s = f.surface
    surface = _core.routing_surface(z, gt, crs, road=masks.get("road"), power=masks.get("power"),
                                    river=masks.get("river"),
                                    landcover_factor=_landcover_factors(sc, dem, clutter, rows, cols),
                                    base_cost_per_m=s.base_cost_per_m, slope_factor=s.slope_factor,
                                    max_slope_deg=s.max_slope_deg, road_factor=s.road_factor,
                                    power_factor=s.power_factor, river_factor=s.river_factor)
    step(1, 6)
    # Points: facilities, then bản.
    p_lon = np.array([fa.lon for fa in facilities] + [v.lon for v in villages], float)
    p_lat = np.array([fa.lat for fa in facilities] + [v.lat for v in villages], float)
    px, py = _to_dem_xy(dem, p_lon, p_lat)
    stride = int(round(f.graph_spacing_m / dem.cell_size_m))
    if stride < 2:
        raise _core.InputError(f"{sc.path}: key 'fibre.graph_spacing_m': {f.graph_spacing_m} m is less than two DEM "
                               f"cells ({dem.cell_size_m:.1f} m each): the routing graph would hold a node per cell")
    graph = _core.routing_graph(surface, gt, crs, stride=stride, x=px.tolist(), y=py.tolist())
    nf, nv = len(facilities), len(villages)
    fac_node = np.array(graph.point_node[:nf], int)
    vil_node = np.array(graph.point_node[nf:], int)
    # The backbone root: one node joined at no cost to the lattice nodes whose block it crosses.
    bb = np.asarray(_core.rasterize_lines(backbone, gt, rows, cols, lines_crs, sc.inputs.fibre), bool)
    lr, lc = graph.lattice_rows, graph.lattice_cols
    padded = np.zeros((lr * stride, lc * stride), bool)
    padded[:rows, :cols] = bb
    block = padded.reshape(lr, stride, lc, stride).any(axis=(1, 3)).ravel()
    centre_r = np.minimum(np.arange(lr) * stride + stride // 2, rows - 1)
    centre_c = np.minimum(np.arange(lc) * stride + stride // 2, cols - 1)
    passable = np.isfinite(np.asarray(surface)[np.ix_(centre_r, centre_c)]).ravel()
    bb_nodes = np.nonzero(block & passable)[0]
    if len(bb_nodes) == 0:
        raise _core.InputError(f"{sc.inputs.fibre}: the fibre backbone crosses no passable cell of the DEM "
                               f"({', '.join(Path(d).name for d in sc.inputs.dem)}): no fibre can start from it")
    root = graph.n_nodes
    eu = np.concatenate([np.asarray(graph.edge_u), np.full(len(bb_nodes), root)]).astype(int)
    ev = np.concatenate([np.asarray(graph.edge_v), bb_nodes]).astype(int)
    # Leaving the backbone costs an OLT: the solvers weigh a new attachment against more cable.
    ec = np.concatenate([np.asarray(graph.edge_cost), np.full(len(bb_nodes), f.costs.olt)])
    elen = np.concatenate([np.asarray(graph.edge_length_m), np.zeros(len(bb_nodes))])
    n_graph_edges = len(graph.edge_u)
    step(2, 6)

    # Connected today: within connected_m of the backbone.
    from shapely import from_wkb
    from shapely.ops import unary_union

    lines = unary_union([from_wkb(w) for w in backbone])
    d_km = distance_km(lines, p_lon, p_lat) if len(p_lon) else np.zeros(0)
    fac_before = d_km[:nf] <= f.connected_m / 1000.0
    vil_before = d_km[nf:] <= f.connected_m / 1000.0

    # Points on impassable cells have no edge (isolated); those the tree cannot reach are found by
    # the solvers (another component of the graph).
    degree = np.bincount(np.concatenate([eu, ev]), minlength=root + 1)
    fac_reason = {i: "isolated" for i in range(nf) if not fac_before[i] and degree[fac_node[i]] == 0}
    vil_reason = {i: "isolated" for i in range(nv) if not vil_before[i] and degree[vil_node[i]] == 0}

    # Stage 1: the facilities' Steiner tree.
    todo = [i for i in range(nf) if not fac_before[i] and i not in fac_reason]
    terminals = [root] + sorted({int(fac_node[i]) for i in todo})
    problem = _core.SteinerProblem(root + 1, eu.tolist(), ev.tolist(), ec.tolist(), terminals, "fibre facilities")
    if len(terminals) > 1:
        res = _core.solve_steiner(problem, method=f.method, time_limit_s=f.time_limit_s, threads=1,
                                  max_moves=f.improvement_moves)
        tree_edges = list(res.edges)
        tree_nodes = sorted(set(res.nodes) | {root})
        bound, gap, proven, status = float(res.bound), float(res.gap), bool(res.proven_optimal), str(res["status"])
        seconds_steiner = float(res.seconds)
        cut_off = set(res.unreachable_terminals)
        for i in todo:
            if int(fac_node[i]) in cut_off:
                fac_reason[i] = "unreachable"
        todo = [i for i in todo if i not in fac_reason]
    else:
        tree_edges, tree_nodes = [], [root]
        bound, gap, proven, status, seconds_steiner = 0.0, 0.0, True, "optimal", 0.0
    tree_objective = float(ec[tree_edges].sum()) if tree_edges else 0.0  # cable + an OLT per attachment
    cost_fac = float(ec[[e for e in tree_edges if e < n_graph_edges]].sum()) if tree_edges else 0.0  # cable
    step(3, 6)

    # Stage 2: households, from the facilities' tree.
    hh = np.array([v.households for v in villages], float)
    hh_total = float(hh.sum())
    target_pct = f.household_target_pct if f.household_target_pct is not None else (
        sc.targets.fibre_households_pct if sc.targets.fibre_households_pct is not None else 80.0)
    hh_before = float(hh[vil_before].sum())
    need = max(0.0, target_pct / 100.0 * hh_total - hh_before)
    cand = [i for i in range(nv) if not vil_before[i] and i not in vil_reason and hh[i] > 0]
    radius = village_radius_m(f, hh, np.array([v.radius_m for v in villages], float))
    lm = last_mile_cost(f, hh, radius)
    grow = _core.grow_tree(problem, tree_nodes, [int(vil_node[i]) for i in cand], [float(hh[i]) for i in cand],
                           [float(lm[i]) for i in cand], need, complete=True)
    for k in grow.unreachable:  # cut off from the tree by the cost surface
        vil_reason.setdefault(cand[k], "unreachable")
    n_steps = grow.target_steps if grow.target_steps >= 0 else len(grow.order)
    vil_after = vil_before.copy()
    vil_order = np.zeros(nv, int)
    vil_cost = np.zeros(nv)
    curve, cum_cost, cum_hh, cum_v = [], 0.0, hh_before, int(vil_before.sum())
    hh_edges: list[int] = []
    for k, (t, c) in enumerate(zip(grow.order, grow.step_cost)):
        i = cand[t]
        cum_cost += c
        cum_hh += hh[i]
        cum_v += 1
        curve.append((cum_cost, cum_hh, cum_v))
        vil_order[i] = k + 1
        vil_cost[i] = c
        if k < n_steps:
            vil_after[i] = True
            hh_edges += grow.step_edges[k]
    # The steps' objective: cable + last mile + an OLT for each new attachment to the backbone;
    # the bound is on that objective, given the facilities' tree.
    hh_objective = float(sum(grow.step_cost[:n_steps]))
    hh_bound = float(grow.target_bound)
    hh_proven, hh_seconds = False, 0.0
    curve_in_plan = [k < n_steps for k in range(len(grow.order))]
    if f.household_method == "exact" and need > 0 and grow.target_steps > 0:
        # The quota Steiner tree through CBC, warm-started with the greedy's bản and paths.
        q = _core.solve_quota_tree(problem, tree_nodes, [int(vil_node[i]) for i in cand], [float(hh[i]) for i in cand],
                                   [float(lm[i]) for i in cand], need, list(grow.order[:n_steps]),
                                   [e for k in range(n_steps) for e in grow.step_edges[k]], hh_bound,
                                   time_limit_s=f.time_limit_s, threads=1)
        hh_bound, hh_proven, hh_seconds = float(q.bound), bool(q.proven_optimal), float(q.seconds)
        if q.cost < hh_objective - 1e-9 * max(1.0, hh_objective):
            hh_objective = float(q.cost)
            hh_edges = list(q.edges)
            rank = {t: k for k, t in enumerate(grow.order)}
            chosen = sorted(q.chosen, key=lambda t: rank.get(t, len(rank) + t))
            vil_after = vil_before.copy()
            for t in chosen:
                vil_after[cand[t]] = True
            vil_order[:] = 0
            vil_cost[:] = 0.0
            for k, (i, c) in enumerate(_own_costs(chosen, cand, vil_node, lm, tree_nodes, hh_edges, eu, ev, ec)):
                vil_order[i] = k + 1
                vil_cost[i] = c
            chosen_set = set(chosen)
            curve_in_plan = [t in chosen_set for t in grow.order]
    elif need <= 0 or grow.target_steps == 0:
        hh_proven = True  # nothing to add
    hh_olts = sum(1 for e in hh_edges if e >= n_graph_edges)
    cost_hh = hh_objective - hh_olts * f.costs.olt  # cable and last mile (the OLTs are equipment)
    hh_gap = (0.0 if hh_proven or hh_objective == 0 else
              (hh_objective - hh_bound) / hh_objective if hh_objective > 0 and math.isfinite(hh_bound) else None)
    # A bound on the whole plan: any network joining the facilities costs at least the Steiner
    # bound, and the bản passed pay at least the least last mile that reaches the target.
    lm_bound, rest = 0.0, need
    for i in sorted(cand, key=lambda i: (lm[i] / hh[i], i)):
        if rest <= 0:
            break
        take = min(1.0, rest / hh[i])
        lm_bound += take * lm[i]
        rest -= take * hh[i]
    step(4, 6)

    # GPON on the whole tree.
    all_edges = sorted(set(tree_edges) | set(hh_edges))
    real_edges = [e for e in all_edges if e < n_graph_edges]
    roots = sorted(int(ev[e]) for e in all_edges if e >= n_graph_edges)
    fac_after = fac_before.copy()
    for i in todo:
        fac_after[i] = True
    demand = sorted({int(fac_node[i]) for i in range(nf) if fac_after[i] and not fac_before[i]} |
                    {int(vil_node[i]) for i in range(nv) if vil_after[i] and not vil_before[i]})
    gp = _core.gpon_cabinets(problem, elen.tolist(), real_edges, roots, demand, f.reach_km * 1000.0)
    c = f.costs
    olt_of = np.asarray(gp.olt_of)  # (the engine's vectors convert on each access: once here)
    cabinets = list(gp.cabinets)
    olt_nodes = roots  # where the network leaves the backbone (each attachment paid an OLT)
    n_new_fac = len(todo)
    cost_equipment = len(olt_nodes) * c.olt + len(cabinets) * c.cabinet + n_new_fac * c.facility_connection
    total = cost_fac + cost_hh + cost_equipment
    total_bound = bound + (lm_bound if rest <= 1e-9 * max(1.0, need) else math.inf) + n_new_fac * c.facility_connection
    total_gap = (total - total_bound) / total if total > 0 and math.isfinite(total_bound) else None
    step(5, 6)

    # Geometry: node positions in WGS84.
    nx_, ny_ = np.asarray(graph.node_x), np.asarray(graph.node_y)
    lon_n, lat_n = _to_lonlat(dem, nx_, ny_)
    trace = _tracer(dem, surface, gt, crs, stride, nx_, ny_)
    routes = _routes(real_edges, set(tree_edges), eu, ev, ec, elen, trace, roots, cabinets, facilities, villages,
                     fac_node, vil_node, fac_after & ~fac_before, vil_after & ~vil_before, hh)
    routes += _existing_routes(backbone)
    nodes = _nodes(olt_nodes, cabinets, olt_of, np.asarray(gp.optical_m), lon_n, lat_n, villages, vil_node,
                   vil_after & ~vil_before, hh, f)
    currency = sc.planning.costs.currency
    hh_method = ("quota Steiner MILP (CBC, directed cuts), warm-started with the greedy" if f.household_method == "exact"
                 else "greedy, least (path + last mile) per household first")
    method = ("Steiner MILP (CBC, directed cuts)" if f.method == "exact" else
              "Steiner heuristic (shortest paths from 8 roots, MST and pruning"
              + (f", local search of at most {f.improvement_moves} improving moves)" if f.improvement_moves else ")"))
    new_km = sum(r.length_km for r in routes if r.status == "new")
    step(6, 6)
    return FibrePlan(
        facilities=facilities, facility_before=fac_before, facility_after=fac_after, facility_reason=fac_reason,
        village_before=vil_before, village_after=vil_after, village_order=vil_order, village_cost=vil_cost,
        village_reason=vil_reason, village_radius_m=radius, routes=routes, nodes=nodes, currency=currency,
        cost_facilities=cost_fac,
        cost_households=cost_hh, cost_equipment=float(cost_equipment), total_cost=float(total), method=method,
        tree_objective=tree_objective, bound=bound, gap=gap, proven_optimal=proven, status=status,
        household_objective=hh_objective, total_bound=float(total_bound), total_gap=total_gap,
        household_target_pct=float(target_pct),
        households_total=hh_total, households_before=hh_before, households_after=float(hh[vil_after].sum()),
        household_bound=hh_bound, household_gap=hh_gap, household_method=hh_method, household_proven_optimal=hh_proven,
        curve=curve, household_steps=n_steps, curve_in_plan=curve_in_plan,
        olts=len(olt_nodes), cabinets=len(cabinets),
        splitters=int(sum(n.count for n in nodes if n.kind == "splitter")), new_route_km=float(new_km),
        seconds=time.perf_counter() - t0, graph_nodes=root + 1, graph_edges=len(eu),
        stats={"stride_cells": stride, "graph_route_km": float(elen[real_edges].sum()) / 1000.0,
               "steiner_seconds": seconds_steiner, "backbone_nodes": int(len(bb_nodes)),
               "target_reached": grow.target_steps >= 0, "household_seconds": hh_seconds})


def _own_costs(chosen, cand, vil_node, lm, tree_nodes, edges, eu, ev, ec) -> list[tuple[int, float]]:
    """(bản index, its own cost) of the chosen bản, in build order: its last mile plus the edges
    from it back to the network built before it (the tree, or an earlier bản's path); the costs add
    up to the stage's objective."""
    adj: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for e in edges:
        adj[int(eu[e])].append((int(ev[e]), e))
        adj[int(ev[e])].append((int(eu[e]), e))
    parent: dict[int, tuple[int, int]] = {}
    queue = sorted(set(int(v) for v in tree_nodes))
    seen = set(queue)
    for v in queue:  # breadth first from the tree (the list grows while read)
        for w, e in sorted(adj[v]):
            if w not in seen:
                seen.add(w)
                parent[w] = (v, e)
                queue.append(w)
    claimed = set(int(v) for v in tree_nodes)
    out = []
    for t in chosen:
        i = cand[t]
        v, c = int(vil_node[i]), float(lm[i])
        while v not in claimed and v in parent:
            claimed.add(v)
            v, e = parent[v]
            c += float(ec[e])
        out.append((i, c))
    return out


def _tracer(dem: _core.Dem, surface: np.ndarray, gt: list, crs: str, stride: int, nx_: np.ndarray, ny_: np.ndarray):
    """A function from a chain of graph nodes to its line in WGS84: each edge drawn along the
    least-cost cells between its two nodes (``_core.cost_distance``, 16 moves as r.cost -k, in a
    window of the edge's cells widened by a stride), the nodes' own positions at the ends; a
    straight edge where the window holds no passable path."""
    rows, cols = surface.shape
    margin = max(2, int(stride))

    def cell(x: float, y: float) -> tuple[int, int]:
        return (min(rows - 1, max(0, int(math.floor((y - gt[3]) / gt[5])))),
                min(cols - 1, max(0, int(math.floor((x - gt[0]) / gt[1])))))

    def segment(a: int, b: int) -> list[tuple[float, float]]:
        (ra, ca), (rb, cb) = cell(nx_[a], ny_[a]), cell(nx_[b], ny_[b])
        end = [(float(nx_[b]), float(ny_[b]))]
        if (ra, ca) == (rb, cb) or not (math.isfinite(surface[ra, ca]) and math.isfinite(surface[rb, cb])):
            return end
        r0, r1 = max(0, min(ra, rb) - margin), min(rows - 1, max(ra, rb) + margin)
        c0, c1 = max(0, min(ca, cb) - margin), min(cols - 1, max(ca, cb) + margin)
        g = (gt[0] + c0 * gt[1], gt[1], 0.0, gt[3] + r0 * gt[5], 0.0, gt[5])
        cd = _core.cost_distance(np.ascontiguousarray(surface[r0:r1 + 1, c0:c1 + 1]), g, crs,
                                 sources=np.array([[ra - r0, ca - c0]], np.int32))
        if not math.isfinite(float(cd.accumulated[rb - r0, cb - c0])):
            return end
        path = np.asarray(cd.path(rb - r0, cb - c0))[::-1][1:-1]  # from a to b, the end cells left out
        inner = [(gt[0] + (c0 + c + 0.5) * gt[1], gt[3] + (r0 + r + 0.5) * gt[5]) for r, c in path]
        return inner + end

    def trace(chain: list[int]) -> list[tuple[float, float]]:
        xy = [(float(nx_[chain[0]]), float(ny_[chain[0]]))]
        for a, b in zip(chain, chain[1:]):
            xy += segment(a, b)
        lon, lat = _to_lonlat(dem, np.array([p[0] for p in xy]), np.array([p[1] for p in xy]))
        return [(float(x), float(y)) for x, y in zip(lon, lat)]

    return trace


def _polyline_km(coords: list[tuple[float, float]]) -> float:
    """Length of a lon/lat line in km (local east-west and north-south scales per segment)."""
    km = 0.0
    for (x1, y1), (x2, y2) in zip(coords, coords[1:]):
        kx = 111.32 * math.cos(math.radians((y1 + y2) / 2))
        km += math.hypot((x2 - x1) * kx, (y2 - y1) * 110.57)
    return km


def _routes(edges, stage1, eu, ev, ec, elen, trace, roots, cabinets, facilities, villages, fac_node, vil_node,
            fac_new, vil_new, hh) -> list[Route]:
    """The new network as lines between branch points, each with what it serves downstream. A
    line follows the least-cost cells between the graph's nodes (`trace`); its length is that
    line's, its cost the plan's (the graph's edges)."""
    if not edges:
        return []
    adj: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for e in edges:
        adj[int(eu[e])].append((int(ev[e]), e))
        adj[int(ev[e])].append((int(eu[e]), e))
    for v in adj:
        adj[v].sort()
    # Downstream counts from the roots (where the network meets the backbone).
    served_here: dict[int, list[str]] = defaultdict(list)
    n_fac: dict[int, int] = defaultdict(int)
    n_vil: dict[int, int] = defaultdict(int)
    hh_at: dict[int, float] = defaultdict(float)
    for i in np.nonzero(fac_new)[0]:
        served_here[int(fac_node[i])].append(facilities[i].id)
        n_fac[int(fac_node[i])] += 1
    for i in np.nonzero(vil_new)[0]:
        served_here[int(vil_node[i])].append(villages[i].id)
        n_vil[int(vil_node[i])] += 1
        hh_at[int(vil_node[i])] += float(hh[i])
    parent: dict[int, tuple[int, int]] = {}
    order: list[int] = []
    for r in roots:
        if r in parent or r not in adj:
            continue
        parent[r] = (-1, -1)
        stack = [r]
        while stack:
            v = stack.pop()
            order.append(v)
            for w, e in adj[v]:
                if w not in parent:
                    parent[w] = (v, e)
                    stack.append(w)
    # Counts and (at most _MAX_IDS) ids downstream of each node, bottom-up.
    down_ids: dict[int, list[str]] = {}
    down = {v: [n_fac[v], n_vil[v], hh_at[v]] for v in order}
    for v in reversed(order):
        ids = list(served_here.get(v, []))[:_MAX_IDS]
        for w, _e in adj[v]:
            if parent.get(w, (None,))[0] == v:
                if len(ids) < _MAX_IDS:
                    ids += down_ids[w][:_MAX_IDS - len(ids)]
                for k in range(3):
                    down[v][k] += down[w][k]
        down_ids[v] = ids
    # Chains: break at roots, branch points, terminals and cabinets.
    cab = set(cabinets)
    stops = {v for v in order if len(adj[v]) != 2 or parent[v][0] == -1 or v in served_here or v in cab}
    routes = []
    for v in order:
        if v not in stops:
            continue
        for w, e in adj[v]:
            if parent.get(w, (None,))[0] != v:
                continue
            chain, es, cur = [v, w], [e], w
            while cur not in stops:
                nxt = [(x, ee) for x, ee in adj[cur] if parent.get(x, (None,))[0] == cur]
                cur, ee = nxt[0]
                chain.append(cur)
                es.append(ee)
            low = chain[-1]
            fac_c, vil_c, hh_c = down[low]
            ids = down_ids[low]
            coords = trace(chain)
            routes.append(Route(
                coords=coords, status="new", length_km=_polyline_km(coords), cost=float(ec[es].sum()),
                stage="facilities" if all(x in stage1 for x in es) else "households",
                facilities=int(fac_c), villages=int(vil_c), households=float(hh_c), serves=ids))
    return routes


def _existing_routes(backbone: list[bytes]) -> list[Route]:
    from shapely import from_wkb

    out = []
    for wkb in backbone:
        g = from_wkb(wkb)
        parts = [g] if g.geom_type == "LineString" else list(g.geoms)
        for part in parts:
            coords = [(float(x), float(y)) for x, y in part.coords]
            out.append(Route(coords=coords, status="existing", length_km=_polyline_km(coords), cost=0.0))
    return out


def _nodes(olt_nodes, cabinets, olt_of, optical, lon, lat, villages, vil_node, vil_new, hh, f) -> list[Node]:
    """OLTs at the backbone, new cabinets and the splitters of each newly passed bản."""
    c = f.costs
    out = []
    name = {}
    for k, v in enumerate(olt_nodes):
        name[v] = f"OLT{k + 1:03d}"
    for k, v in enumerate(cabinets):
        name[v] = f"TU{k + 1:03d}"
    behind: dict[int, float] = defaultdict(float)
    for i in np.nonzero(vil_new)[0]:
        o = int(olt_of[int(vil_node[i])])
        if o >= 0:
            behind[o] += float(hh[i])
    for v in olt_nodes:
        out.append(Node(name[v], "olt", float(lon[v]), float(lat[v]), 1, 0, behind[v], 0.0, name[v], c.olt))
    for v in cabinets:  # an OLT of its own, fed over the new route from the backbone
        out.append(Node(name[v], "cabinet", float(lon[v]), float(lat[v]), 1, 0, behind[v], 0.0, name[v], c.cabinet))
    for i in np.nonzero(vil_new)[0]:
        v = int(vil_node[i])
        n = int(math.ceil(hh[i] / f.splitter_ratio))
        o = int(olt_of[v])
        out.append(Node(f"SPL-{villages[i].id}", "splitter", villages[i].lon, villages[i].lat, n, f.splitter_ratio,
                        float(hh[i]), float(optical[v]) / 1000.0 if o >= 0 else math.nan, name.get(o, ""),
                        n * c.splitter))
    return out


def kpi_rows(fp: FibrePlan, sc) -> dict:
    """The fibre figures of kpi_province / kpi_targets: shares before and after."""
    def share(flags, kind=None):
        idx = [i for i, fa in enumerate(fp.facilities) if kind is None or fa.kind == kind]
        return 100.0 * sum(bool(flags[i]) for i in idx) / len(idx) if idx else math.nan

    hh = fp.households_total
    return {
        "fibre_households_before_pct": 100.0 * fp.households_before / hh if hh else math.nan,
        "fibre_households_after_pct": 100.0 * fp.households_after / hh if hh else math.nan,
        "fibre_communes_before_pct": share(fp.facility_before, "committee"),
        "fibre_communes_after_pct": share(fp.facility_after, "committee"),
        "fibre_schools_before_pct": share(fp.facility_before, "school"),
        "fibre_schools_after_pct": share(fp.facility_after, "school"),
        "fibre_health_before_pct": share(fp.facility_before, "health_station"),
        "fibre_health_after_pct": share(fp.facility_after, "health_station"),
        "fibre_plan_cost": fp.total_cost,
    }
