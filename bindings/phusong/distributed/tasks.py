"""The tasks a worker runs: pure functions of their arguments (inputs by path or by value, never a
global), each one engine call with the GIL released, so a task retried or run on another worker
gives the same bytes."""

from __future__ import annotations

import numpy as np

from .partition import GridRef, RasterTask, VillageTask, cells_of, clip_window


def open_window(ref: GridRef, window: tuple[int, int, int, int]):
    """The cells `window` of the grid `ref` (a windowed Dem): read from the files, and resampled on
    that window when the grid is a resampled one (the source read with 2 cells to spare for the
    bilinear corners)."""
    from .. import _core

    if not ref.resolution_m:
        return _core.Dem.open(list(ref.paths), window=window)
    c0, r0, w, h = window
    gt = ref.geotransform
    xs = [gt[0] + c0 * gt[1], gt[0] + (c0 + w) * gt[1]]
    ys = [gt[3] + r0 * gt[5], gt[3] + (r0 + h) * gt[5]]
    src_gt, src_shape = _core.Dem.grid_of(list(ref.paths))
    cs, rs = cells_of(src_gt, np.array(xs), np.array(ys))
    src_win = clip_window(int(np.floor(cs.min())) - 2, int(np.floor(rs.min())) - 2, int(np.ceil(cs.max())) + 2,
                          int(np.ceil(rs.max())) + 2, src_shape)
    src = _core.Dem.open(list(ref.paths), window=src_win)
    return src.resampled(ref.resolution_m, window=window)


def village_task(ref: GridRef, task: VillageTask, villages: list, sites: list, kwargs: dict,
                 clutter_path: str | None = None, clutter_classes: str = "worldcover") -> dict:
    """evaluate_villages for one batch on its DEM window; plain arrays back (indices local to the
    batch: partition.merge_villages maps them)."""
    from .. import _core

    dem = open_window(ref, task.window)
    clutter = None
    if clutter_path:  # the land cover around the batch's villages, read by window too
        cgt, cshape = _core.Dem.grid_of([clutter_path])
        lon = np.array([v.lon for v in villages])
        lat = np.array([v.lat for v in villages])
        probe = _core.Dem.open([clutter_path], window=(0, 0, 1, 1))
        if not probe.is_geographic:
            lon, lat = _core.transform(lon, lat, "WGS84", probe.crs_wkt)
        cc, cr = cells_of(cgt, lon, lat)
        win = clip_window(int(np.floor(cc.min())) - 2, int(np.floor(cr.min())) - 2, int(np.ceil(cc.max())) + 2,
                          int(np.ceil(cr.max())) + 2, cshape)
        clutter = _core.Dem.open([clutter_path], window=win) if win else None
    r = _core.evaluate_villages(dem, villages, sites, clutter=clutter, clutter_classes=clutter_classes, **kwargs)
    lk = r["links"]
    names = ("village", "site", "distance_km", "loss_db", "rsrp_dbm", "line_of_sight", "void_samples",
             "antenna_attenuation_db", "clutter_loss_db")
    return {"links": {k: np.asarray(lk[k]) for k in names},
            "best_rsrp_dbm": np.asarray(r["best_rsrp_dbm"]), "best_site": np.asarray(r["best_site"]),
            "servers": np.asarray(r["servers"]), "covered": np.asarray(r["covered"])}


def raster_task(ref: GridRef, task: RasterTask, sites: list, site_index: list[int], params: dict,
                threshold_dbm: float) -> dict:
    """best_server on one tile with one batch of sites, on the DEM window that holds their discs
    (`params`: the RasterParams fields); server indices mapped to the composite's (`site_index`)."""
    from .. import _core

    dem = open_window(ref, task.window)
    c = _core.best_server(dem, sites, threshold_dbm=threshold_dbm, params=_core.RasterParams(**params),
                          window=task.tile)
    server = np.asarray(c.server)
    idx = np.asarray(site_index, dtype=np.int32)
    out = {"best_rsrp_dbm": np.asarray(c.best_rsrp_dbm),
           "server": np.where(server >= 0, idx[np.clip(server, 0, None)], -1).astype(np.int32),
           "n_servers": np.asarray(c.n_servers)}
    if c.sinr_db is not None:
        out["sinr_db"] = np.asarray(c.sinr_db)
        out["throughput_mbps"] = np.asarray(c.throughput_mbps)
    return out
