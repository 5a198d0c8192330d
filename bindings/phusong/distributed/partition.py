"""How a run is cut into pure tasks and how their results are put back together.

Every function here is pure: the same inputs give the same tasks and the same merged result, in any
order the tasks finish. Nothing here talks to a cluster (see :mod:`.executor`) or computes
propagation (the tasks in :mod:`.tasks` call the engine).

* **Village coverage**: villages are grouped by square tiles of ``village_tile_deg`` degrees; a task
  gets its villages (in their run order), every site that can reach them (a conservative superset
  of the engine's own radius search, in their run order) and the DEM window holding every profile
  between them. Results merge by village: per village the engine's answer does not depend on the
  other villages, and extra far sites are skipped by the engine itself.
* **Best-server rasters**: the raster grid is cut into square tiles of ``tile_cells`` cells; a task
  gets the sites whose raster window meets its tile and the DEM window holding every such site's
  disc, and computes the composite on its tile only (``best_server(window=tile)``). The tiles are
  disjoint, so they are placed, not reduced. A tile reached by more than ``batch_sites`` sites is
  split into site batches (contiguous in run order), merged by the engine's rule: the best RSRP,
  ties to the lower site index, n_servers summed (with SINR one batch per tile: the interference
  sums need every co-channel site of the cell).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

#: Metres per degree of latitude, a lower bound (the meridian degree is 110,574-111,694 m).
_M_PER_DEG_MIN = 110_000.0


@dataclass(frozen=True)
class GridRef:
    """A raster grid known by how to make it: the DEM files, and the resolution they are resampled
    to (None: the DEM's own grid). Holds no cell; any window of it is made on a worker."""

    paths: tuple[str, ...]
    resolution_m: float | None
    geotransform: tuple[float, ...]
    shape: tuple[int, int]  #: rows, cols
    crs_wkt: str
    is_geographic: bool

    @property
    def cell_size_m(self) -> float:
        gt = self.geotransform
        if not self.is_geographic:
            return 0.5 * (abs(gt[1]) + abs(gt[5]))
        lat = gt[3] + gt[5] * self.shape[0] / 2.0
        m = 6371000.0 * math.pi / 180.0
        return 0.5 * m * (abs(gt[1]) * math.cos(math.radians(lat)) + abs(gt[5]))


def grid_ref(paths, resolution_m: float | None = None) -> GridRef:
    """The GridRef of the DEM files `paths` (resampled to `resolution_m` when given), from the
    headers and one cell."""
    from .. import _core

    paths = tuple(str(p) for p in paths)
    dem = _core.Dem.open(list(paths), window=(0, 0, 1, 1))
    if resolution_m:
        gt, shape = dem.resampled_grid(resolution_m)
    else:
        gt, shape = dem.geotransform, dem.shape
    return GridRef(paths, resolution_m, tuple(gt), tuple(shape), dem.crs_wkt, dem.is_geographic)


def to_grid_xy(ref_crs_wkt: str, geographic: bool, lon, lat):
    """lon/lat (WGS84) in the grid's CRS."""
    lon = np.asarray(lon, float)
    lat = np.asarray(lat, float)
    if geographic:
        return lon, lat
    from .. import _core

    return _core.transform(lon, lat, "WGS84", ref_crs_wkt)


def cells_of(gt, x, y):
    """Fractional, centre-based (col, row) of points in a grid's CRS."""
    return (np.asarray(x) - gt[0]) / gt[1] - 0.5, (np.asarray(y) - gt[3]) / gt[5] - 0.5


def clip_window(c_lo: int, r_lo: int, c_hi: int, r_hi: int, shape) -> tuple[int, int, int, int] | None:
    """(col_off, row_off, cols, rows) of cells c_lo..c_hi, r_lo..r_hi (inclusive) clipped to a grid
    of `shape` (rows, cols); None when nothing is left."""
    rows, cols = shape
    c0, r0 = max(0, c_lo), max(0, r_lo)
    c1, r1 = min(cols - 1, c_hi), min(rows - 1, r_hi)
    if c1 < c0 or r1 < r0:
        return None
    return (int(c0), int(r0), int(c1 - c0 + 1), int(r1 - r0 + 1))


# ---------------------------------------------------------------------------------------------
# Village coverage


@dataclass(frozen=True)
class VillageTask:
    """One village batch: indices into the run's villages and sites, and the DEM window (cells of
    the DEM grid) that holds every profile between them."""

    key: str
    villages: tuple[int, ...]
    sites: tuple[int, ...]
    window: tuple[int, int, int, int]


def village_tasks(ref: GridRef, v_lon, v_lat, s_lon, s_lat, radius_km: float,
                  village_tile_deg: float = 0.5, pad_cells: int = 3) -> list[VillageTask]:
    """The village batches of a run (see the module doc); villages with no site in reach still get
    a task (their result says so). Deterministic: tiles in row-major order of their lower-left
    corner, keys from the tile's indices."""
    v_lon, v_lat = np.asarray(v_lon, float), np.asarray(v_lat, float)
    s_lon, s_lat = np.asarray(s_lon, float), np.asarray(s_lat, float)
    if v_lon.size == 0:
        return []
    tx = np.floor(v_lon / village_tile_deg).astype(np.int64)
    ty = np.floor(v_lat / village_tile_deg).astype(np.int64)
    order = np.lexsort((np.arange(v_lon.size), tx, ty))
    vx, vy = to_grid_xy(ref.crs_wkt, ref.is_geographic, v_lon, v_lat)
    sx, sy = to_grid_xy(ref.crs_wkt, ref.is_geographic, s_lon, s_lat)
    vc, vr = cells_of(ref.geotransform, vx, vy)
    sc, sr = cells_of(ref.geotransform, sx, sy)
    tasks = []
    start = 0
    while start < order.size:
        a, b = tx[order[start]], ty[order[start]]
        end = start
        while end < order.size and tx[order[end]] == a and ty[order[end]] == b:
            end += 1
        members = np.sort(order[start:end])
        start = end
        lon0, lon1 = v_lon[members].min(), v_lon[members].max()
        lat0, lat1 = v_lat[members].min(), v_lat[members].max()
        # A superset of the engine's search box (radius/110 km per degree, /cos(lat) east-west).
        dlat = radius_km * 1000.0 / _M_PER_DEG_MIN * 1.02 + 0.01
        coslat = max(0.01, math.cos(math.radians(max(abs(lat0), abs(lat1)) + dlat)))
        dlon = radius_km * 1000.0 / (_M_PER_DEG_MIN * coslat) * 1.02 + 0.01
        near = np.nonzero((s_lon >= lon0 - dlon) & (s_lon <= lon1 + dlon) & (s_lat >= lat0 - dlat)
                          & (s_lat <= lat1 + dlat))[0]
        cols = np.concatenate([vc[members], sc[near]])
        rows = np.concatenate([vr[members], sr[near]])
        win = clip_window(int(math.floor(cols.min())) - pad_cells, int(math.floor(rows.min())) - pad_cells,
                          int(math.ceil(cols.max())) + pad_cells, int(math.ceil(rows.max())) + pad_cells, ref.shape)
        if win is None:  # the engine names the village outside the DEM
            win = (0, 0, 1, 1)
        tasks.append(VillageTask(f"villages-{a}-{b}", tuple(int(i) for i in members), tuple(int(i) for i in near), win))
    return tasks


def merge_villages(n_villages: int, parts: list[tuple[VillageTask, dict]]) -> dict:
    """The village coverage of the whole run from its batches: per-village arrays placed by
    village, site indices mapped back to the run's, links in the engine's order (village, then
    site)."""
    best = np.full(n_villages, -np.inf)
    best_site = np.full(n_villages, -1, dtype=np.int32)
    servers = np.zeros(n_villages, dtype=np.int32)
    covered = np.zeros(n_villages, dtype=bool)
    links: dict[str, list] = {}
    for task, r in parts:
        idx = np.asarray(task.villages, dtype=np.int64)
        site_map = np.asarray(task.sites, dtype=np.int32)
        best[idx] = np.asarray(r["best_rsrp_dbm"], float)
        bs = np.asarray(r["best_site"], dtype=np.int32)
        best_site[idx] = np.where(bs >= 0, site_map[np.clip(bs, 0, None)] if site_map.size else -1, -1)
        servers[idx] = np.asarray(r["servers"])
        covered[idx] = np.asarray(r["covered"], bool)
        lk = r["links"]
        for name in lk:
            v = np.asarray(lk[name])
            if name == "village":
                v = idx[v].astype(np.int32)
            elif name == "site":
                v = site_map[v].astype(np.int32)
            links.setdefault(name, []).append(v)
    merged = {k: np.concatenate(v) for k, v in links.items()}
    if merged:
        order = np.lexsort((merged["site"], merged["village"]))
        merged = {k: v[order] for k, v in merged.items()}
    return {"links": merged, "best_rsrp_dbm": best, "best_site": best_site, "servers": servers,
            "covered": covered}


# ---------------------------------------------------------------------------------------------
# Best-server rasters


@dataclass(frozen=True)
class RasterTask:
    """One tile of a composite (cells of the raster grid), one batch of the sites that reach it
    (indices into the composite's sites), and the raster-grid window holding their discs."""

    key: str
    tile: tuple[int, int, int, int]
    sites: tuple[int, ...]
    window: tuple[int, int, int, int]


def site_windows(ref: GridRef, s_lon, s_lat, radius_km: float, pad_cells: int = 6) -> np.ndarray:
    """Per site, the cells (c_lo, r_lo, c_hi, r_hi) of the raster grid its raster may touch: a
    superset of the engine's window (radius over the metres per cell at the site's latitude), with room
    for the samples rays take past the radius (two) and their bilinear corners."""
    s_lon, s_lat = np.asarray(s_lon, float), np.asarray(s_lat, float)
    x, y = to_grid_xy(ref.crs_wkt, ref.is_geographic, s_lon, s_lat)
    c, r = cells_of(ref.geotransform, x, y)
    gt = ref.geotransform
    radius_m = radius_km * 1000.0
    if ref.is_geographic:
        mx = abs(gt[1]) * _M_PER_DEG_MIN * np.maximum(0.01, np.cos(np.radians(np.abs(s_lat) + 0.5)))
        my = abs(gt[5]) * _M_PER_DEG_MIN
    else:
        mx = np.full(s_lon.shape, abs(gt[1]))
        my = abs(gt[5])
    dc = np.ceil(radius_m / mx) + pad_cells
    dr = np.ceil(radius_m / my) + pad_cells
    return np.stack([np.floor(c - dc), np.floor(r - dr), np.ceil(c + dc), np.ceil(r + dr)], axis=1).astype(np.int64)


def auto_tile_cells(ref: GridRef, radius_km: float) -> int:
    """The raster tiles' side: three disc diameters (a site's raster is computed once per tile it
    meets, about (1 + 1/3)^2 = 1.8 times on average), at least 256 cells, a multiple of 256."""
    cells = 3 * 2 * radius_km * 1000.0 / max(ref.cell_size_m, 1e-9)
    return int(max(256, math.ceil(cells / 256.0) * 256))


def auto_batch_sites(ref: GridRef, radius_km: float, cells_per_task: float = 1e8) -> int:
    """The most sites in one raster task: about `cells_per_task` cells of their discs (at 30 m and
    20 km, 70 sites: tens of seconds of work; at 900 m, a whole tile: tasks are never too small to
    pay for their scheduling)."""
    disc = math.pi * (radius_km * 1000.0 / max(ref.cell_size_m, 1e-9)) ** 2
    return int(min(100_000, max(1, cells_per_task // max(disc, 1.0))))


def raster_tasks(ref: GridRef, s_lon, s_lat, radius_km: float, tile_cells: int = 512, batch_sites: int = 64,
                 one_batch: bool = False, prefix: str = "raster") -> list[RasterTask]:
    """The tasks of one composite (see the module doc): tiles that no site reaches are left out
    (they stay empty); `one_batch`: one batch per tile whatever its number of sites (SINR)."""
    if len(s_lon) == 0:
        return []
    win = site_windows(ref, s_lon, s_lat, radius_km)
    rows, cols = ref.shape
    tasks = []
    # Tiles that any site's window meets.
    wanted: set[tuple[int, int]] = set()
    for c_lo, r_lo, c_hi, r_hi in win:
        for ty in range(max(0, r_lo) // tile_cells, min(rows - 1, r_hi) // tile_cells + 1):
            for tx in range(max(0, c_lo) // tile_cells, min(cols - 1, c_hi) // tile_cells + 1):
                if r_hi >= 0 and c_hi >= 0:
                    wanted.add((ty, tx))
    for ty, tx in sorted(wanted):
        tile = clip_window(tx * tile_cells, ty * tile_cells, (tx + 1) * tile_cells - 1, (ty + 1) * tile_cells - 1,
                           ref.shape)
        if tile is None:
            continue
        c0, r0, w, h = tile
        meets = np.nonzero((win[:, 0] <= c0 + w - 1) & (win[:, 2] >= c0) & (win[:, 1] <= r0 + h - 1)
                           & (win[:, 3] >= r0))[0]
        if meets.size == 0:
            continue
        size = meets.size if one_batch else max(1, batch_sites)
        for b, k in enumerate(range(0, meets.size, size)):
            batch = meets[k:k + size]
            cw = win[batch]
            window = clip_window(int(min(c0, cw[:, 0].min())), int(min(r0, cw[:, 1].min())),
                                 int(max(c0 + w - 1, cw[:, 2].max())), int(max(r0 + h - 1, cw[:, 3].max())), ref.shape)
            tasks.append(RasterTask(f"{prefix}-{ty}-{tx}-{b}", tile, tuple(int(i) for i in batch), window))
    return tasks


def merge_batch(a: dict | None, b: dict) -> dict:
    """Two composites of one tile from disjoint site batches (`a`'s sites before `b`'s in run order,
    server indices already the run's): the best RSRP, ties to `a` (the lower index), n_servers
    summed (capped at 65535 as in the engine)."""
    if a is None:
        return b
    va = np.nan_to_num(a["best_rsrp_dbm"], nan=-np.inf)
    vb = np.nan_to_num(b["best_rsrp_dbm"], nan=-np.inf)
    take_b = vb > va
    out = {
        "best_rsrp_dbm": np.where(take_b, b["best_rsrp_dbm"], a["best_rsrp_dbm"]).astype(np.float32),
        "server": np.where(take_b, b["server"], a["server"]).astype(np.int32),
        "n_servers": np.minimum(a["n_servers"].astype(np.int64) + b["n_servers"], 65535).astype(np.uint16),
    }
    for k in ("sinr_db", "throughput_mbps"):
        if a.get(k) is not None:
            out[k] = np.where(take_b, b[k], a[k]).astype(np.float32)
    return out
