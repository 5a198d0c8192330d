"""Backhaul and power of candidate sites, for the cost model.

Backhaul: a site within `fibre_max_km` of the fibre backbone (lines) is connected by fibre,
priced per km; otherwise a microwave hop to a fibre-connected site (an existing tower within
`fibre_connected_km` of the backbone) that it sees in line of sight over the terrain (4/3 earth,
first Fresnel zone not required), priced by distance band; failing both, fibre all the way.
Power: new towers within `grid_max_km` of the power grid (lines) extend it, priced per km;
farther ones get solar with batteries. Existing towers already have power.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import _core


def _km_scale(lat: float) -> tuple[float, float]:
    return 111.32 * math.cos(math.radians(lat)), 110.57


def read_line_wkbs(path: str, what: str = "fibre and power routes") -> list[bytes]:
    """The features of a vector file of lines (GeoJSON, Shapefile, GeoPackage, any CRS: the
    engine's OGR reader reprojects to WGS84) as WKB. A feature that is not a line, or a file with
    none, is an InputError naming the file and the feature."""
    from shapely import from_wkb

    out = []
    for feature, wkb in _core.read_geometries(path):
        g = from_wkb(wkb)
        if g.geom_type not in ("LineString", "MultiLineString"):
            raise _core.InputError(f"{path}: feature {feature} is a {g.geom_type}; {what} must be lines "
                                   "(LineString or MultiLineString)")
        out.append(bytes(wkb))
    if not out:
        raise _core.InputError(f"{path}: has no line features ({what} must be lines)")
    return out


def read_lines(path: str):
    """A MultiLineString (WGS84) from a vector file of lines (see read_line_wkbs)."""
    from shapely import from_wkb
    from shapely.ops import unary_union

    return unary_union([from_wkb(w) for w in read_line_wkbs(path)])


def distance_km(lines, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Distance (km) from points to the lines, in a local equirectangular frame."""
    from shapely import distance, points
    from shapely.affinity import scale

    if len(lon) == 0:
        return np.zeros(0)
    lat0 = float(np.mean(lat))
    kx, ky = _km_scale(lat0)
    scaled = scale(lines, xfact=kx, yfact=ky, origin=(0, 0))
    return distance(scaled, points(np.asarray(lon) * kx, np.asarray(lat) * ky))


def line_of_sight(dem: _core.Dem, a, b, ha_m: float, hb_m: float, k: float = 4 / 3) -> bool:
    """Terrain clears the straight ray between antennas at a and b (lon, lat) on a 4/3 earth."""
    p = dem.profile(a[0], a[1], b[0], b[1], max(dem.cell_size_m, 90.0), k)
    h = np.nan_to_num(p["curved_m"], nan=-1e9)
    d = p["distance_m"]
    za = h[0] + ha_m
    zb = h[-1] + hb_m
    ray = za + (zb - za) * d / d[-1]
    return bool(np.all(h[1:-1] <= ray[1:-1]))


BACKHAUL_KINDS = ("fibre", "new_fibre", "microwave", "fibre_no_los", "satellite", "over_the_air", "not_modelled")
"""fibre: within fibre_max_km of the backbone; new_fibre: within fibre_max_km of a route of the
run's fibre plan (nearer than the backbone); microwave: a hop to a fibre-connected tower in line
of sight; fibre_no_los: beyond fibre_max_km with no hop in sight, fibre all the way; satellite:
a VSAT/LEO terminal where it is cheaper (planning.options.satellite_backhaul); over_the_air: a
repeater, fed by its donor site; not_modelled: no fibre routes given."""
POWER_KINDS = ("existing", "grid", "solar", "not_modelled")


@dataclass
class SiteExtras:
    backhaul: float
    backhaul_kind: str          #: one of BACKHAUL_KINDS
    power: float
    power_kind: str             #: one of POWER_KINDS
    backhaul_km: float = math.nan  #: fibre length or microwave hop
    power_km: float = math.nan     #: grid extension
    backhaul_hub: str = ""         #: the tower at the far end of a microwave hop


def site_extras(sc, dem: _core.Dem, cands: list, towers: list, new_fibre: list[bytes] | None = None) -> list[SiteExtras]:
    """Backhaul and power cost of each candidate (zero, "not modelled", without routes).
    `new_fibre`: routes of the run's fibre plan (WKB lines, WGS84): a site nearer to one of them
    than to the backbone connects to it (kind new_fibre), and the route itself is paid by the
    fibre plan, once."""
    c = sc.planning.costs
    n = len(cands)
    lon = np.array([s.lon for s in cands])
    lat = np.array([s.lat for s in cands])
    bh_cost, bh_kind = np.zeros(n), ["not_modelled"] * n
    bh_km, pw_km, hub = np.full(n, math.nan), np.full(n, math.nan), [""] * n
    if sc.inputs.fibre:
        fibre = read_lines(sc.inputs.fibre)
        d_f = distance_km(fibre, lon, lat)
        new = np.zeros(n, bool)
        t_lon = np.array([t.lon for t in towers])
        t_lat = np.array([t.lat for t in towers])
        d_hub = distance_km(fibre, t_lon, t_lat)
        if new_fibre:
            from shapely import from_wkb
            from shapely.ops import unary_union

            new_lines = unary_union([from_wkb(w) for w in new_fibre])
            d_new = distance_km(new_lines, lon, lat)
            new = d_new < d_f
            d_f = np.minimum(d_f, d_new)
            d_hub = np.minimum(d_hub, distance_km(new_lines, t_lon, t_lat))  # towers on new routes are hubs too
        connected = d_hub <= c.fibre_connected_km
        hubs = [t for t, ok in zip(towers, connected) if ok]
        h_lon = np.array([t.lon for t in hubs])
        h_lat = np.array([t.lat for t in hubs])
        bands = sorted(c.microwave_bands_km_cost)
        for i, s in enumerate(cands):
            if d_f[i] <= c.fibre_max_km:
                bh_cost[i], bh_kind[i], bh_km[i] = d_f[i] * c.fibre_cost_per_km, "new_fibre" if new[i] else "fibre", d_f[i]
                continue
            done = False
            if len(hubs):
                kx, ky = _km_scale(s.lat)
                dist = np.hypot((h_lon - s.lon) * kx, (h_lat - s.lat) * ky)
                for j in np.argsort(dist)[:5]:
                    if dist[j] > bands[-1][0]:
                        break
                    if line_of_sight(dem, (s.lon, s.lat), (hubs[j].lon, hubs[j].lat), s.height_m, hubs[j].height_m):
                        price = next(cost for limit, cost in bands if dist[j] <= limit)
                        bh_cost[i], bh_kind[i], bh_km[i], hub[i] = price, "microwave", dist[j], hubs[j].id
                        done = True
                        break
            if not done:
                bh_cost[i], bh_kind[i], bh_km[i] = d_f[i] * c.fibre_cost_per_km, "fibre_no_los", d_f[i]
    o = sc.planning.options
    if o.enabled and o.satellite_backhaul:
        sat = c.satellite_backhaul + c.opex_satellite_backhaul_per_year * c.annuity
        for i, s in enumerate(cands):
            if s.kind not in ("upgrade", "colocation", "repeater") and bh_kind[i] != "not_modelled" and sat < bh_cost[i]:
                bh_cost[i], bh_kind[i], bh_km[i], hub[i] = sat, "satellite", math.nan, ""
    for i, s in enumerate(cands):
        if s.kind == "repeater":
            bh_cost[i], bh_kind[i], bh_km[i], hub[i] = 0.0, "over_the_air", math.nan, ""
    pw_cost, pw_kind = np.zeros(n), ["existing" if s.kind in ("upgrade", "colocation") else "not_modelled"
                                     for s in cands]
    new = np.array([s.kind not in ("upgrade", "colocation") for s in cands])
    if sc.inputs.power_grid and new.any():
        grid = read_lines(sc.inputs.power_grid)
        d_g = distance_km(grid, lon, lat)
        for i in np.nonzero(new)[0]:
            if d_g[i] <= c.grid_max_km:
                pw_cost[i], pw_kind[i], pw_km[i] = d_g[i] * c.grid_cost_per_km, "grid", d_g[i]
            else:
                pw_cost[i], pw_kind[i] = c.solar, "solar"
    return [SiteExtras(float(bh_cost[i]), bh_kind[i], float(pw_cost[i]), pw_kind[i], float(bh_km[i]),
                       float(pw_km[i]), hub[i]) for i in range(n)]
