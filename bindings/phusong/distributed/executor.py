"""Where a run's heavy engine calls execute: in this process (the default, :class:`LocalExecutor`)
or on a Dask distributed cluster (:class:`DaskExecutor`), with the same results byte for byte.

The scenario runner, the planner and the scenario rasters call ``executor.evaluate_villages`` and
``executor.best_server`` instead of the engine directly; the local executor is the engine call,
the Dask one cuts the call into the pure tasks of :mod:`.partition` and puts the results back.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np

from .. import _core
from . import partition, tasks

Progress = Callable[[int, int], None] | None


class LocalExecutor:
    """The engine in this process: every call as the single-process run has always made it."""

    name = "local"
    dashboard_link = None

    def raster_grid(self, dem, resolution_m: float | None):
        """The grid the rasters are computed on: the DEM, or a resampled copy of it."""
        return dem.resampled(resolution_m) if resolution_m else dem

    def evaluate_villages(self, dem, villages: list, sites: list, progress: Progress = None, clutter=None,
                          clutter_classes: str = "worldcover", **kwargs):
        return _core.evaluate_villages(dem, villages, sites, progress=progress, clutter=clutter,
                                       clutter_classes=clutter_classes, **kwargs)

    def best_server(self, grid, sites: list, params, threshold_dbm: float, progress: Progress = None):
        c = _core.best_server(grid, list(sites), threshold_dbm=threshold_dbm, params=params, progress=progress)
        return {"best_rsrp_dbm": c.best_rsrp_dbm, "server": c.server, "n_servers": c.n_servers,
                "geotransform": tuple(c.geotransform), "sinr_db": c.sinr_db, "throughput_mbps": c.throughput_mbps}

    def solve_components(self, problems: list[dict], options: dict) -> list[dict]:
        """solve_cover on each component of a cover (plan/components.py), in order."""
        from ..plan import components

        return components.solve_problems(problems, options)

    def close(self) -> None:
        pass


class DaskExecutor:
    """The same calls on a Dask distributed cluster: village batches and raster tiles as pure tasks
    (inputs by path: the DEM and land-cover files on storage every worker sees; sites and villages
    by value), progress from the cluster's finished-task count, failed or lost tasks retried
    (`retries`), results gathered and merged in a fixed order.

    client: a ``dask.distributed.Client``; dem_paths: the run's DEM files (the Dem passed to the
    calls must be the one opened from them); clutter_path: its land cover, if any; tile_cells: the
    raster tiles' side in cells (default: partition.auto_tile_cells, three discs across);
    batch_sites: the most sites in one raster task (without SINR; default partition.auto_batch_sites);
    village_tile_deg: the village batches' side in degrees."""

    name = "dask"

    def __init__(self, client, dem_paths: list[str], clutter_path: str | None = None, village_tile_deg: float = 0.5,
                 tile_cells: int | None = None, batch_sites: int | None = None, retries: int = 3, own_cluster=None):
        self.client = client
        self.dem_paths = [str(p) for p in dem_paths]
        self.clutter_path = clutter_path
        self.village_tile_deg = village_tile_deg
        self.tile_cells = tile_cells
        self.batch_sites = batch_sites
        self.retries = retries
        self._own_cluster = own_cluster
        self._refs: dict = {}
        self.tasks_run = 0

    @property
    def dashboard_link(self) -> str | None:
        return getattr(self.client, "dashboard_link", None)

    # -- grids ------------------------------------------------------------------------------
    def _ref(self, resolution_m: float | None) -> partition.GridRef:
        if resolution_m not in self._refs:
            self._refs[resolution_m] = partition.grid_ref(self.dem_paths, resolution_m)
        return self._refs[resolution_m]

    def raster_grid(self, dem, resolution_m: float | None):
        """A GridRef: the raster grid is never made whole on the client, only tile by tile on workers."""
        return self._ref(resolution_m)

    def _check_dem(self, dem) -> partition.GridRef:
        ref = self._ref(None)
        if tuple(dem.geotransform) != ref.geotransform or tuple(dem.shape) != ref.shape:
            raise _core.InputError("distributed run: the DEM given is not the one opened from the run's DEM files "
                                   f"({', '.join(self.dem_paths)})")
        return ref

    # -- running tasks ----------------------------------------------------------------------
    def _run(self, fn, calls: list[tuple[str, tuple]], progress: Progress, weights: list[int]) -> list:
        """Submits fn(*args) per (key, args), waits, reports progress as tasks finish (the summed
        `weights` of the finished tasks: villages, or sites); results in the order of `calls`
        (whatever order they finish in)."""
        import uuid

        from distributed import as_completed

        run = uuid.uuid4().hex[:8]  # keys unique per call: a run never picks up another run's results
        futures = []
        for key, args in calls:
            futures.append(self.client.submit(fn, *args, key=f"phusong-{run}-{key}", pure=False, retries=self.retries))
        weight = {f.key: w for f, w in zip(futures, weights)}
        total = sum(weights)
        if progress:
            progress(0, total)
        done = 0
        try:
            for f in as_completed(futures):
                done += weight[f.key]
                if progress:
                    progress(done, total)
            results = self.client.gather(futures)
        finally:
            for f in futures:
                f.release()
        self.tasks_run += len(futures)
        return results

    # -- the calls --------------------------------------------------------------------------
    def evaluate_villages(self, dem, villages: list, sites: list, progress: Progress = None, clutter=None,
                          clutter_classes: str = "worldcover", **kwargs):
        ref = self._check_dem(dem)
        if clutter is not None and not self.clutter_path:
            raise _core.InputError("distributed run: a land cover was given but not its file (clutter_path)")
        radius_km = kwargs.get("radius_km", _core.CoverageParams().radius_km)
        kw = {k: v for k, v in kwargs.items() if k != "threads"}
        kw["threads"] = 1  # one engine thread per task: the cluster's workers are the parallelism
        vt = partition.village_tasks(ref, [v.lon for v in villages], [v.lat for v in villages],
                                     [s.lon for s in sites], [s.lat for s in sites], radius_km, self.village_tile_deg)
        calls = [(t.key, (ref, t, [villages[i] for i in t.villages], [sites[j] for j in t.sites], kw,
                          self.clutter_path if clutter is not None else None, clutter_classes)) for t in vt]
        results = self._run(tasks.village_task, calls, progress, [len(t.villages) for t in vt])
        return partition.merge_villages(len(villages), list(zip(vt, results)))

    def best_server(self, grid, sites: list, params, threshold_dbm: float, progress: Progress = None):
        ref = grid if isinstance(grid, partition.GridRef) else self._check_dem(grid)
        from ..coverage.rasters import _fields

        p = params
        one = {k: getattr(p, k) for k in _fields(p)}  # by value: the fields of the RasterParams
        one["threads"] = 1  # one engine thread per task: the cluster's workers are the parallelism
        tile = self.tile_cells or partition.auto_tile_cells(ref, p.radius_km)
        batch = self.batch_sites or partition.auto_batch_sites(ref, p.radius_km)
        rt = partition.raster_tasks(ref, [s.lon for s in sites], [s.lat for s in sites], p.radius_km,
                                    tile, batch, one_batch=p.sinr)
        calls = [(t.key, (ref, t, [sites[j] for j in t.sites], list(t.sites), one, threshold_dbm)) for t in rt]
        results = self._run(tasks.raster_task, calls, progress, [len(t.sites) for t in rt])
        rows, cols = ref.shape
        best = np.full((rows, cols), np.nan, dtype=np.float32)
        server = np.full((rows, cols), -1, dtype=np.int32)
        n = np.zeros((rows, cols), dtype=np.uint16)
        sinr = np.full((rows, cols), np.nan, dtype=np.float32) if p.sinr else None
        thr = np.full((rows, cols), np.nan, dtype=np.float32) if p.sinr else None
        # Batches of a tile merged in batch order (run order of their sites), tiles placed.
        merged: dict = {}
        for t, r in zip(rt, results):
            merged[t.tile] = partition.merge_batch(merged.get(t.tile), r)
        for (c0, r0, w, h), r in merged.items():
            best[r0:r0 + h, c0:c0 + w] = r["best_rsrp_dbm"]
            server[r0:r0 + h, c0:c0 + w] = r["server"]
            n[r0:r0 + h, c0:c0 + w] = r["n_servers"]
            if sinr is not None:
                sinr[r0:r0 + h, c0:c0 + w] = r["sinr_db"]
                thr[r0:r0 + h, c0:c0 + w] = r["throughput_mbps"]
        return {"best_rsrp_dbm": best, "server": server, "n_servers": n, "geotransform": ref.geotransform,
                "sinr_db": sinr, "throughput_mbps": thr}

    def solve_components(self, problems: list[dict], options: dict, cells_per_task: int = 20_000) -> list[dict]:
        """The components of a cover solved on the cluster: batches of consecutive components of about
        `cells_per_task` (bản + candidates) each, one task per batch; results in the components' order."""
        from ..plan import components

        batches: list[list[int]] = []
        size = cells_per_task
        for k, pr in enumerate(problems):
            n = len(pr["weight"]) + len(pr["cost"])
            if size + n > cells_per_task:
                batches.append([])
                size = 0
            batches[-1].append(k)
            size += n
        calls = [(f"solve-{b}", ([problems[k] for k in ks], options)) for b, ks in enumerate(batches)]
        results = self._run(components.solve_problems, calls, None, [len(ks) for ks in batches])
        return [r for batch in results for r in batch]

    def close(self) -> None:
        if self._own_cluster is not None:
            self.client.close()
            self._own_cluster.close()
            self._own_cluster = None


_LOCAL = re.compile(r"^local(?::(\d+))?$")


def connect(address: str, dem_paths: list[str], clutter_path: str | None = None, **options) -> DaskExecutor:
    """A DaskExecutor from a CLI/scenario address: ``local`` or ``local:N`` starts a LocalCluster of
    N process workers (default 2) with one thread each; anything else is a scheduler address
    (``tcp://host:8786``)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:  # the 'dask' extra
        raise _core.InputError("--dask needs Dask distributed: pip install 'phusong[dask]'") from exc
    m = _LOCAL.match(address)
    if m:
        n = int(m.group(1) or 2)
        if n < 1:
            raise _core.InputError(f"--dask {address!r}: the number of workers must be at least 1")
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0")
        return DaskExecutor(Client(cluster), dem_paths, clutter_path, own_cluster=cluster, **options)
    if not re.match(r"^[a-z]+://", address) and ":" not in address:
        raise _core.InputError(f"--dask {address!r}: expected local, local:N or a scheduler address such as "
                               "tcp://10.0.0.5:8786")
    try:
        client = Client(address, timeout="20s")
    except OSError as exc:
        raise _core.InputError(f"--dask {address!r}: cannot reach the scheduler ({exc})") from None
    return DaskExecutor(client, dem_paths, clutter_path, **options)
