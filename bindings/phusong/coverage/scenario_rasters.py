"""Coverage areas of a scenario run (``outputs.rasters: true``): best-server RSRP rasters before and
after the plan, for all operators and per operator, and the coverage polygons at the threshold.

Each operator's existing broadband sites make one best-server composite (the engine's
``best_server``: sites in parallel, order-independent); the all-operators raster is the cell-wise
maximum of the operators' rasters — the same best server, since the best of all sites is the best
of each operator's best — and the plan's sites make one more composite per builder, maximised into
the "after" rasters. So every site is evaluated once whatever the number of rasters written.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .. import _core
from .rasters import CoverageRaster, write_coverage


@dataclass
class ScenarioRasters:
    """before/after: all operators; per_operator: operator -> (before, after). `sites` maps the
    server index of the all-operators rasters to a site id (existing sites, then proposed)."""

    before: CoverageRaster | None
    after: CoverageRaster | None
    per_operator: dict
    sites: list[str]
    threshold_dbm: float


def _slug(text: str) -> str:
    t = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    t = "".join(c for c in t if unicodedata.category(c) != "Mn").lower()
    return re.sub(r"[^a-z0-9]+", "_", t).strip("_") or "operator"


def _max(a: CoverageRaster | None, b: CoverageRaster | None, offset_b: int) -> CoverageRaster | None:
    """Cell-wise best of two composites on the same grid; `b`'s server indices shifted by
    `offset_b`. Ties keep `a` (the lower index), as the engine's composite does."""
    if a is None:
        if b is None:
            return None
        server = np.where(b.server >= 0, b.server + offset_b, -1).astype(np.int32)
        return CoverageRaster(b.values.copy(), b.geotransform, b.crs_wkt, "rsrp", server, b.n_servers.copy(),
                              sinr_db=b.sinr_db, throughput_mbps=b.throughput_mbps)
    if b is None:
        return a
    va = np.nan_to_num(a.values, nan=-np.inf)
    vb = np.nan_to_num(b.values, nan=-np.inf)
    take_b = vb > va
    values = np.where(take_b, b.values, a.values).astype(np.float32)
    server = np.where(take_b, np.where(b.server >= 0, b.server + offset_b, -1), a.server).astype(np.int32)
    extra = {}
    if a.sinr_db is not None and b.sinr_db is not None:  # each cell keeps its best server's SINR and rate
        extra = {"sinr_db": np.where(take_b, b.sinr_db, a.sinr_db).astype(np.float32),
                 "throughput_mbps": np.where(take_b, b.throughput_mbps, a.throughput_mbps).astype(np.float32)}
    return CoverageRaster(values, a.geotransform, a.crs_wkt, "rsrp", server,
                          (a.n_servers + b.n_servers).astype(a.n_servers.dtype), **extra)


def compute(sc, dem: _core.Dem, broadband: list, candidates: list, plan,
            progress: Callable[[int, int], None] | None = None, executor=None) -> ScenarioRasters:
    """The rasters of a run (see the module doc). The grid is the DEM's, or resampled to
    outputs.raster_resolution_m. `executor`: where the composites are computed (default this
    process; a phusong.distributed.DaskExecutor computes them tile by tile on a cluster)."""
    from ..distributed import LocalExecutor

    ex = executor or LocalExecutor()
    r = sc.radio
    grid = ex.raster_grid(dem, sc.outputs.raster_resolution_m)
    thr = r.threshold_dbm
    model = "p526" if r.model in ("fspl", "hata") else r.model  # rasters: los, p526, p1812, itm
    kw = dict(model=model, radius_km=r.radius_km, rx_height_m=r.rx_height_m, k_factor=r.k_factor,
              threads=sc.threads)
    svc = r.service
    if svc.enabled:  # SINR and peak-rate layers: interference from the operator's other co-channel sites
        kw.update(sinr=True, sinr_load=svc.load, ue_noise_figure_db=svc.ue_noise_figure_db, mimo_layers=svc.mimo_layers,
                  overhead=svc.overhead)
    params = _core.RasterParams(**kw)
    chosen = [candidates[j] for j in plan.chosen] if plan is not None else []
    operators = sorted({t.operator for t in broadband} | {c.operator for c in chosen})
    # Sites evaluated, operator by operator: its existing sites, then its proposed ones (with SINR,
    # again with its existing ones when it has proposed ones).
    total = 0
    for op in operators:
        own = sum(t.operator == op for t in broadband)
        new = sum(c.operator == op for c in chosen)
        total += own + (own + new if svc.enabled and new else new)
    done = [0]

    def composite(sites):
        if not sites:
            return None
        base = done[0]

        def step(d, t):  # d of t sites (this process) or tasks (a cluster), as a share of the sites
            if progress:
                progress(base + (d * len(sites)) // max(t, 1), total)

        c = ex.best_server(grid, sites, params, thr, step)
        done[0] += len(sites)
        return CoverageRaster(c["best_rsrp_dbm"], tuple(c["geotransform"]), grid.crs_wkt, "rsrp", c["server"],
                              c["n_servers"], sinr_db=c["sinr_db"], throughput_mbps=c["throughput_mbps"])

    sites: list[str] = []
    per_op = {}
    before = after = None
    proposed_after = None
    for op in operators:
        own = [t for t in broadband if t.operator == op]
        new = [c for c in chosen if c.operator == op]
        b = composite(own)
        # Server indices into `sites`: the operator's existing sites then its proposed ones.
        off_b = len(sites)
        sites += [t.id for t in own]
        off_n = len(sites)
        sites += [c.id for c in new]
        b_global = _max(None, b, off_b) if b is not None else None
        before = _max(before, b_global, 0)
        if svc.enabled:
            # SINR after the plan needs the new sites' interference on the old ones' cells too: one
            # composite of the operator's existing and proposed sites together (indices in the same order).
            a = composite(own + new) if new else b
            a_global = _max(None, a, off_b) if a is not None else None
            per_op[op] = (b_global, a_global)
            proposed_after = _max(proposed_after, a_global, 0)
        else:
            n = composite(new)
            n_global = _max(None, n, off_n) if n is not None else None
            per_op[op] = (b_global, _max(b_global, n_global, 0))
            proposed_after = _max(proposed_after, n_global, 0)
    if plan is None:
        after = None
    elif svc.enabled:  # every operator's composite already holds its existing and proposed sites
        after = proposed_after
    else:
        after = _max(before, proposed_after, 0)
    return ScenarioRasters(before, after, per_op, sites, thr)


def write(staging: Path, rasters: ScenarioRasters) -> list[Path]:
    """rsrp_before.tif, rsrp_after.tif (+ .server.tif), rsrp_{before,after}_<operator>.tif,
    coverage_before.gpkg, coverage_after.gpkg, raster_servers.csv."""
    files: list[Path] = []
    for when, r in (("before", rasters.before), ("after", rasters.after)):
        if r is None:
            continue
        files += write_coverage(r, staging / f"rsrp_{when}.tif", staging / f"coverage_{when}.gpkg",
                                rasters.threshold_dbm)
        if r.sinr_db is not None:  # radio.service: the best server's downlink SINR and peak rate
            for name, q, v in (("sinr", "sinr_db", r.sinr_db), ("throughput", "throughput_mbps", r.throughput_mbps)):
                out = staging / f"{name}_{when}.tif"
                _core.write_raster(str(out), [(q, v, float("nan"))], list(r.geotransform), r.crs_wkt)
                files.append(out)
    for op, pair in rasters.per_operator.items():
        for when, r in zip(("before", "after"), pair):
            if r is None or (when == "after" and rasters.after is None):
                continue
            one = CoverageRaster(r.values, r.geotransform, r.crs_wkt, "rsrp")
            files += write_coverage(one, staging / f"rsrp_{when}_{_slug(op)}.tif")
    table = staging / "raster_servers.csv"
    with open(table, "w", encoding="utf-8", newline="") as f:
        f.write("server,ma_tram\n")
        for k, s in enumerate(rasters.sites):
            f.write(f"{k},{s}\n")
    files.append(table)
    return files
