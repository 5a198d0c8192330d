"""The planning step of a scenario: candidate sites, their coverage of white villages, and the
choice of sites (lazy greedy set cover in the engine)."""

from __future__ import annotations

import math
from typing import Callable, Optional

import numpy as np

from . import _core


def highest_cell(dem: _core.Dem, r0: int, c0: int, size: int):
    """Centre (x, y in the DEM's CRS) of the highest cell of the size x size window at (r0, c0),
    or None when the window is all void."""
    block = dem.heights_m[r0:r0 + size, c0:c0 + size]
    if block.size == 0 or np.all(np.isnan(block)):
        return None
    br, bc = divmod(int(np.nanargmax(block)), block.shape[1])
    gt = dem.geotransform
    return gt[0] + (c0 + bc + 0.5) * gt[1], gt[3] + (r0 + br + 0.5) * gt[5]


def grid_candidates(dem: _core.Dem, villages: list, spacing_km: float, radius_km: float,
                    height_m: float, freq_mhz: float, eirp_dbm: float, bandwidth_mhz: float,
                    operator: str = "new") -> list:
    """Candidate sites on a regular grid over the villages' area: in each grid square, the
    highest DEM cell (a hill-top, where a tower sees farthest). Squares farther than
    `radius_km` from every village are skipped."""
    h = dem.heights_m
    gt = dem.geotransform
    cell_m = dem.cell_size_m
    step = max(1, int(round(spacing_km * 1000.0 / cell_m)))
    rows, cols = h.shape
    lon = np.array([v.lon for v in villages])
    lat = np.array([v.lat for v in villages])
    if dem.is_geographic:
        vx, vy = lon, lat
    else:
        vx, vy = _core.transform(lon, lat, "WGS84", dem.crs_wkt)
    # Village positions in fractional cell units, to keep only squares near a village.
    vc = (vx - gt[0]) / gt[1] - 0.5
    vr = (vy - gt[3]) / gt[5] - 0.5
    reach = radius_km * 1000.0 / cell_m + step
    out = []
    for r0 in range(0, rows, step):
        for c0 in range(0, cols, step):
            rc, cc = r0 + step / 2.0, c0 + step / 2.0
            if not np.any((vr - rc) ** 2 + (vc - cc) ** 2 <= reach * reach):
                continue
            top = highest_cell(dem, r0, c0, step)
            if top is not None:
                out.append(top)
    if not out:
        return []
    xs = np.array([p[0] for p in out])
    ys = np.array([p[1] for p in out])
    if not dem.is_geographic:
        xs, ys = _core.transform(xs, ys, dem.crs_wkt, "WGS84")
    sites = []
    for i, (x, y) in enumerate(zip(xs, ys)):
        s = _core.Site()
        s.id = f"C{i + 1:05d}"
        s.operator = operator
        s.technologies = "4G"
        s.lon, s.lat = float(x), float(y)
        s.height_m = height_m
        s.freq_mhz = freq_mhz
        s.eirp_dbm = eirp_dbm
        s.bandwidth_mhz = bandwidth_mhz
        s.kind = "new_grid_hilltop"
        s.row = i + 1
        sites.append(s)
    return sites


def plan(dem: _core.Dem, sc, villages: list, white: list[int],
         progress: Optional[Callable[[int, int], None]] = None):
    """Chooses candidate sites that cover the white villages. Returns (candidates, plan) where
    plan has chosen (candidate indices), newly_covered (village indices per chosen site),
    still_white, uncoverable (village index -> reason), total_cost, population_covered."""
    p, r = sc.planning, sc.radio
    white_v = [villages[i] for i in white]
    if p.candidates == "grid":
        cands = grid_candidates(dem, white_v, p.grid_spacing_km, r.radius_km, p.height_m,
                                p.freq_mhz, p.eirp_dbm, r.bandwidth_mhz, p.operator)
    else:
        cands = _core.read_sites(p.candidates, r.bandwidth_mhz)
        for c in cands:
            if not dem.contains_lonlat(c.lon, c.lat):
                raise _core.InputError(
                    f"{p.candidates}: row {c.row} (candidate id '{c.id}'): point ({c.lon}, {c.lat}) "
                    f"lies outside the DEM")
    sets: list[list[int]] = [[] for _ in cands]
    best = np.full(len(white_v), -math.inf)
    in_range = np.zeros(len(white_v), dtype=bool)
    if cands:
        cov = _core.evaluate_villages(
            dem, white_v, cands, model=r.model, radius_km=r.radius_km, rx_height_m=r.rx_height_m,
            threshold_dbm=r.threshold_dbm, k=r.k_factor, spacing_m=r.profile_spacing_m,
            threads=sc.threads, progress=progress)
        links = cov["links"]
        in_range[links["village"]] = True
        best = cov["best_rsrp_dbm"]
        ok = links["rsrp_dbm"] >= r.threshold_dbm
        for v, s in zip(links["village"][ok], links["site"][ok]):
            sets[int(s)].append(int(v))
    if p.objective == "villages":
        weight = [1.0] * len(white_v)
    elif p.objective == "population":
        weight = [max(v.population, 1e-9) for v in white_v]
    else:
        weight = [max(v.households, 1e-9) for v in white_v]
    budget = p.budget if p.budget is not None else math.inf
    g = _core.greedy_cover(sets, [p.cost_per_site] * len(cands), weight, budget)
    uncoverable = {}
    for j in g["uncoverable"]:
        if not in_range[j]:
            reason = f"no candidate within {r.radius_km:g} km"
        else:
            reason = (f"terrain-blocked or too far: best candidate gives {best[j]:.1f} dBm "
                      f"< {r.threshold_dbm:g} dBm")
        uncoverable[white[j]] = reason
    newly = [[white[j] for j in lst] for lst in g["newly_covered"]]
    return cands, {
        "chosen": list(g["chosen"]),
        "newly_covered": newly,
        "still_white": [white[j] for j in g["uncovered"]],
        "uncoverable": uncoverable,
        "total_cost": g["total_cost"],
        "population_covered": float(sum(villages[i].population for lst in newly for i in lst)),
        "method": "lazy greedy",
    }
