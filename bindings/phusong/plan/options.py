"""An answer for every bản: the second pass of the planner (planning.options). For the white bản
that no candidate of the first pass reaches, more kinds of candidate, each with its cost:

* taller masts (mast_heights_m) on the first-pass candidates near those bản — new towers and
  existing ones — paying the extra metres (costs.mast_per_m);
* a lower band (low_band_mhz, e.g. 700/900 MHz) on the same sites, where the operator holds it
  (low_band_operators), paying the band's radio equipment (costs.low_band_equipment);
* a small cell next to the bản: a low mast on the highest ground within small_cell_search_m, with
  a lower EIRP; its backhaul is priced like any new site's (fibre, a microwave hop, or satellite);
* a repeater on high ground near the bản fed over the air by an existing broadband site that
  reaches it (RSRP at the repeater's donor antenna >= repeater_donor_dbm): no backhaul to pay;
* when nothing else reaches a bản, satellite terminals for its households (the last resort,
  counted apart: it is broadband, not 4G/5G coverage).

A bản is "không phủ được" only when none of these exists; its reason then says how many dB the best
candidate is short, and what blocks the path (the highest obstacle on the profile)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import _core
from .planner import _copy_site as _site
from .types import NEW_OPERATOR

#: Kinds this module adds (the outputs name them in Vietnamese: outputs.layers.KIND_VI).
OPTION_KINDS = ("small_cell", "repeater")


@dataclass
class Variant:
    """What a second-pass candidate adds to its base's cost, and why it exists."""

    base_id: str              #: the first-pass candidate (or the bản, for small cells and repeaters)
    extra_capex: float        #: mast metres and low-band equipment, in the plan's currency
    note: str                 #: e.g. "mast 60 m", "900 MHz", "donor T0123"


def _rc(dem: _core.Dem, lon: float, lat: float) -> tuple[int, int]:
    x, y = (lon, lat) if dem.is_geographic else tuple(float(v[0]) for v in _core.transform(
        np.array([lon]), np.array([lat]), "WGS84", dem.crs_wkt))
    gt = dem.geotransform
    return int(math.floor((y - gt[3]) / gt[5])), int(math.floor((x - gt[0]) / gt[1]))


def _lonlat(dem: _core.Dem, r: int, c: int) -> tuple[float, float]:
    gt = dem.geotransform
    x, y = gt[0] + (c + 0.5) * gt[1], gt[3] + (r + 0.5) * gt[5]
    if dem.is_geographic:
        return x, y
    lx, ly = _core.transform(np.array([x]), np.array([y]), dem.crs_wkt, "WGS84")
    return float(lx[0]), float(ly[0])


def high_ground(dem: _core.Dem, lon: float, lat: float, radius_m: float) -> tuple[float, float] | None:
    """The highest DEM cell within radius_m of (lon, lat), the point's own cell excluded (a site
    next to the bản, not on its evaluation point); None when all are void or outside the DEM."""
    r0, c0 = _rc(dem, lon, lat)
    h = dem.heights_m
    k = max(1, int(math.ceil(radius_m / dem.cell_size_m)))
    ra, rb = max(0, r0 - k), min(h.shape[0], r0 + k + 1)
    ca, cb = max(0, c0 - k), min(h.shape[1], c0 + k + 1)
    if ra >= rb or ca >= cb:
        return None
    block = np.array(h[ra:rb, ca:cb], dtype=float)
    rr, cc = np.mgrid[ra:rb, ca:cb]
    far = np.hypot(rr - r0, cc - c0) * dem.cell_size_m > radius_m
    block[far | ((rr == r0) & (cc == c0))] = np.nan
    if np.all(np.isnan(block)):
        return None
    br, bc = divmod(int(np.nanargmax(block)), block.shape[1])
    return _lonlat(dem, ra + br, ca + bc)


def _near(cands: list, targets: list, radius_km: float) -> list:
    """The candidates within radius_km of at least one target bản."""
    if not targets:
        return []
    tl = np.array([v.lon for v in targets])
    ta = np.array([v.lat for v in targets])
    out = []
    for c in cands:
        kx = 111.32 * math.cos(math.radians(c.lat))
        if np.any(np.hypot((tl - c.lon) * kx, (ta - c.lat) * 110.57) <= radius_km):
            out.append(c)
    return out


def variants(sc, base: list, targets: list) -> tuple[list, dict[str, Variant]]:
    """Taller masts and the lower band on the first-pass candidates near the `targets` bản."""
    o, c, r = sc.planning.options, sc.planning.costs, sc.radio
    out, info = [], {}
    near = _near(base, targets, r.radius_km)
    for b in near:
        heights = [None] + [h for h in sorted(set(o.mast_heights_m)) if h > b.height_m]
        bands = [None]
        if o.low_band_mhz is not None and o.low_band_mhz < b.freq_mhz and (
                not o.low_band_operators or b.operator in o.low_band_operators or b.operator == NEW_OPERATOR):
            bands.append(o.low_band_mhz)
        for h in heights:
            for f in bands:
                if h is None and f is None:
                    continue
                sid, extra, note = b.id, 0.0, []
                kw = {}
                if h is not None:
                    sid += f"-H{h:g}"
                    extra += (h - b.height_m) * c.mast_per_m
                    note.append(f"cột {h:g} m")
                    kw["height_m"] = float(h)
                if f is not None:
                    sid += f"-F{f:g}"
                    extra += c.low_band_equipment
                    note.append(f"băng tần {f:g} MHz")
                    kw["freq_mhz"] = float(f)
                out.append(_site(b, id=sid, **kw))
                info[sid] = Variant(b.id, extra, ", ".join(note))
    return out, info


def small_cells(sc, dem: _core.Dem, targets: list) -> tuple[list, dict[str, Variant]]:
    """A small cell next to each target bản (highest ground within small_cell_search_m)."""
    o, p, r = sc.planning.options, sc.planning, sc.radio
    out, info = [], {}
    for v in targets:
        pos = high_ground(dem, v.lon, v.lat, o.small_cell_search_m)
        if pos is None:
            continue
        s = _core.Site()
        s.id = f"SC-{v.id}"
        s.operator = p.operator if p.operator != "any" else NEW_OPERATOR
        s.technologies = "4G"
        s.lon, s.lat = pos
        s.height_m, s.freq_mhz, s.eirp_dbm, s.bandwidth_mhz = (o.small_cell_height_m, o.small_cell_freq_mhz or p.freq_mhz,
                                                               o.small_cell_eirp_dbm, r.bandwidth_mhz)
        s.kind = "small_cell"
        s.row = len(out) + 1
        out.append(s)
        info[s.id] = Variant(v.id, 0.0, f"trạm nhỏ cột {o.small_cell_height_m:g} m cho bản {v.id}")
    return out, info


def repeaters(sc, dem: _core.Dem, targets: list, broadband: list, clutter=None,
              progress=None) -> tuple[list, dict[str, Variant]]:
    """A repeater on the highest ground within repeater_search_m of each target bản, kept when an
    existing broadband site reaches its donor antenna (RSRP >= repeater_donor_dbm at
    repeater_height_m); it re-radiates on the donor's operator and band."""
    o, r = sc.planning.options, sc.radio
    spots = []
    for v in targets:
        pos = high_ground(dem, v.lon, v.lat, o.repeater_search_m)
        if pos is not None:
            spots.append((v, pos))
    if not spots or not broadband:
        return [], {}
    pseudo = []
    for k, (v, (lon, lat)) in enumerate(spots):
        q = _core.Village()
        q.id, q.name, q.commune, q.district = f"RP-{v.id}", v.name, v.commune, v.district
        q.lon, q.lat, q.population, q.households, q.row = lon, lat, 1.0, 1.0, k + 1
        pseudo.append(q)
    cov = _core.evaluate_villages(dem, pseudo, broadband, model=r.model, radius_km=r.radius_km,
                                  rx_height_m=o.repeater_height_m, threshold_dbm=o.repeater_donor_dbm, k=r.k_factor,
                                  spacing_m=r.profile_spacing_m, threads=sc.threads, progress=progress,
                                  clutter=clutter, clutter_classes=r.clutter_classes)
    best = np.asarray(cov["best_rsrp_dbm"])
    server = np.asarray(cov["best_site"])
    out, info = [], {}
    for k, (v, (lon, lat)) in enumerate(spots):
        if not (best[k] >= o.repeater_donor_dbm) or server[k] < 0:
            continue
        donor = broadband[int(server[k])]
        s = _core.Site()
        s.id = f"RP-{v.id}"
        s.operator = donor.operator
        s.technologies = "4G"
        s.lon, s.lat = lon, lat
        s.height_m, s.freq_mhz, s.eirp_dbm, s.bandwidth_mhz = (o.repeater_height_m, donor.freq_mhz, o.repeater_eirp_dbm,
                                                               donor.bandwidth_mhz)
        s.kind = "repeater"
        s.row = len(out) + 1
        out.append(s)
        info[s.id] = Variant(v.id, 0.0, f"trạm cho {donor.id} ({best[k]:.1f} dBm), cho bản {v.id}")
    return out, info


def obstacle(dem: _core.Dem, site, village, rx_height_m: float, k: float) -> tuple[float, float] | None:
    """The highest obstacle on the path from `site` to `village`: (distance from the bản in km,
    its height above the line of sight in m), or None when the line of sight is clear."""
    p = dem.profile(site.lon, site.lat, village.lon, village.lat, max(dem.cell_size_m, 30.0), k)
    h = np.nan_to_num(np.asarray(p["curved_m"], dtype=float), nan=-1e9)
    d = np.asarray(p["distance_m"], dtype=float)
    if len(d) < 3 or d[-1] <= 0:
        return None
    za, zb = h[0] + site.height_m, h[-1] + rx_height_m
    above = h[1:-1] - (za + (zb - za) * d[1:-1] / d[-1])
    i = int(np.argmax(above))
    if above[i] <= 0:
        return None
    return float((d[-1] - d[1 + i]) / 1000.0), float(above[i])
