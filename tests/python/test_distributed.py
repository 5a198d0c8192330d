"""Scale-out on Dask distributed (issue 17): a run on a 2-worker LocalCluster writes the same files,
byte for byte, as the single-process run; a worker killed during the run changes nothing; a task
run twice gives the same bytes; the partitioning and merging rules on their own."""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys

import numpy as np
import pytest

from conftest import ROOT, TILE, base_scenario

distributed = pytest.importorskip("distributed")

import phusong  # noqa: E402
from phusong import _core  # noqa: E402
from phusong.distributed import DaskExecutor, partition, tasks  # noqa: E402
from phusong.scenario import load_scenario, run_scenario  # noqa: E402

# The demo inputs with everything the executor distributes: village coverage (existing and
# candidate sites, with a land cover), and best-server rasters with SINR (one batch per tile) at
# 60 m, cut into tiles of 96 cells and site batches of 2 so that every merge rule is used.
SCENARIO = base_scenario().replace("radio:\n", "radio:\n  service:\n    enabled: true\n    sample_points: 1\n").replace(
    "outputs:\n  dir: out\n", "outputs:\n  dir: out\n  rasters: true\n  raster_resolution_m: 60\n  formats: [gpkg]\n"
).replace("  dem: data:dem/N21E105.hgt\n", "  dem: data:dem/N21E105.hgt\n  clutter: landcover.tif\n")


def _landcover(path):
    """A land cover for the tile: WorldCover-style codes in bands (trees, crops, built-up)."""
    gt, (rows, cols) = _core.Dem.grid_of([str(TILE)])
    r = np.arange(rows)[:, None] + np.zeros((1, cols), int)
    codes = np.where(r % 300 < 150, 10, np.where(r % 300 < 250, 40, 50)).astype(np.float32)
    _core.write_raster(str(path), [("GENERATED land cover (test)", codes, 0.0)], list(gt), "WGS84")


@pytest.fixture(scope="module")
def cluster():
    from distributed import Client, LocalCluster

    c = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0")
    client = Client(c)
    yield client
    client.close()
    c.close()


def _files(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def _scenario(scenario_dir):
    d, write = scenario_dir
    _landcover(d / "landcover.tif")
    return d, write(SCENARIO)


def _executor(client, sc, **kw):
    return DaskExecutor(client, sc.inputs.dem, sc.inputs.clutter, tile_cells=96, batch_sites=2,
                        village_tile_deg=0.1, **kw)


def test_distributed_run_is_identical_to_the_single_process_run(scenario_dir, cluster):
    d, path = _scenario(scenario_dir)
    one = run_scenario(path, out_dir=d / "one")
    sc = load_scenario(path)
    seen: dict[str, list] = {}
    ex = _executor(cluster, sc)
    two = run_scenario(sc, out_dir=d / "two", dask=ex, progress=lambda s, done, total: seen.setdefault(s, []).append(
        (done, total)))
    assert ex.tasks_run > 20  # really cut into many tasks
    a, b = _files(d / "one"), _files(d / "two")
    assert sorted(a) == sorted(b)
    assert any(n.startswith("sinr_") for n in a) and "rsrp_after.server.tif" in a
    for name in a:
        assert a[name] == b[name], f"{name} differs between the single-process and the distributed run"
    assert one.plan.chosen == two.plan.chosen
    # Progress from the cluster: villages done of the villages, rising to the total.
    done = [x for x, _ in seen["coverage"]]
    assert done == sorted(done) and seen["coverage"][-1][0] == seen["coverage"][-1][1] == len(one.villages)
    assert seen["rasters"][-1][0] == seen["rasters"][-1][1]


def test_a_killed_worker_does_not_change_the_result(scenario_dir, cluster):
    d, path = _scenario(scenario_dir)
    run_scenario(path, out_dir=d / "one")
    sc = load_scenario(path)
    pids = cluster.run(os.getpid)
    victim = sorted(pids.values())[0]
    killed = []

    def progress(step, done, total):
        # The first raster task back: kill a worker while the others are queued or running.
        if step == "rasters" and done > 0 and not killed:
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)

    run_scenario(sc, out_dir=d / "two", dask=_executor(cluster, sc), progress=progress)
    assert killed, "no worker was killed"
    cluster.wait_for_workers(2, timeout=60)  # the nanny restarted it
    assert victim not in cluster.run(os.getpid).values()
    a, b = _files(d / "one"), _files(d / "two")
    for name in a:
        assert a[name] == b[name], f"{name} differs after a worker was killed"


def test_a_task_run_twice_gives_the_same_bytes(dem):
    ref = partition.grid_ref([str(TILE)], 90.0)
    sites = []
    for i, (lon, lat) in enumerate([(105.3, 21.3), (105.36, 21.33), (105.31, 21.4)]):
        s = phusong.Site()
        s.id, s.lon, s.lat, s.height_m, s.eirp_dbm = f"S{i}", lon, lat, 30, 60
        sites.append(s)
    sites[1].set_antenna("3gpp", 120, 4)
    rt = partition.raster_tasks(ref, [s.lon for s in sites], [s.lat for s in sites], 8.0, tile_cells=64)
    params = {"model": "p526", "radius_km": 8.0, "threads": 1}
    t = rt[len(rt) // 2]
    args = (ref, t, [sites[j] for j in t.sites], list(t.sites), params, -110.0)
    a = tasks.raster_task(*args)
    b = tasks.raster_task(*pickle.loads(pickle.dumps(args)))  # as a worker receives it
    for k in a:
        assert a[k].tobytes() == b[k].tobytes()
    # The pickled site is the same site: its antenna gives the same link.
    v = phusong.Village()
    v.id, v.lon, v.lat = "V", 105.40, 21.30
    kw = dict(model="p526", radius_km=20)
    r1 = _core.evaluate_villages(dem, [v], sites, **kw)["links"]
    r2 = _core.evaluate_villages(dem, [v], pickle.loads(pickle.dumps(sites)), **kw)["links"]
    assert r1["rsrp_dbm"].tobytes() == r2["rsrp_dbm"].tobytes()
    assert r1["antenna_attenuation_db"][1] > 0


def test_tiles_and_batches_partition_the_work():
    ref = partition.grid_ref([str(TILE)])
    rng = np.random.default_rng(5)
    lon = 105.0 + rng.random(40)
    lat = 21.0 + rng.random(40)
    rt = partition.raster_tasks(ref, lon, lat, 5.0, tile_cells=200, batch_sites=3)
    # Tiles are disjoint blocks of the grid; every site meeting a tile is in exactly one batch of it.
    by_tile: dict = {}
    for t in rt:
        by_tile.setdefault(t.tile, []).extend(t.sites)
        c0, r0, w, h = t.tile
        wc0, wr0, ww, wh = t.window
        assert wc0 <= c0 and wr0 <= r0 and wc0 + ww >= c0 + w and wr0 + wh >= r0 + h
        assert len(t.sites) <= 3
    for sites in by_tile.values():
        assert len(sites) == len(set(sites))
    cells = sum(w * h for (_, _, w, h) in by_tile)
    assert cells <= ref.shape[0] * ref.shape[1]
    # Ties go to the earlier batch (lower site index), counts add.
    a = {"best_rsrp_dbm": np.array([-90, np.nan, -100], np.float32), "server": np.array([1, -1, 2], np.int32),
         "n_servers": np.array([1, 0, 1], np.uint16)}
    b = {"best_rsrp_dbm": np.array([-90, -95, -99], np.float32), "server": np.array([7, 8, 9], np.int32),
         "n_servers": np.array([1, 1, 65535], np.uint16)}
    m = partition.merge_batch(a, b)
    assert m["server"].tolist() == [1, 8, 9]
    assert m["n_servers"].tolist() == [2, 1, 65535]
    # Village batches: every site within the radius of a village is in its batch.
    vt = partition.village_tasks(ref, lon[:20], lat[:20], lon[20:], lat[20:], 10.0, village_tile_deg=0.25)
    assert sorted(i for t in vt for i in t.villages) == list(range(20))
    for t in vt:
        for i in t.villages:
            for j in range(20):
                d_km = np.hypot((lon[20 + j] - lon[i]) * 111.32 * np.cos(np.radians(lat[i])), (lat[20 + j] - lat[i]) * 110.6)
                if d_km <= 10.0:
                    assert j in t.sites


def test_cli_dask_option(scenario_dir):
    d, write = scenario_dir
    path = write(base_scenario().replace("outputs:\n  dir: out\n", "outputs:\n  dir: out\n  formats: [gpkg]\n"))
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    cli = [sys.executable, "-m", "phusong"]
    p = subprocess.run(cli + ["run", str(path), "--quiet", "--dask", "local:2", "--out", str(d / "dask")],
                       capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    assert p.returncode == 0, p.stderr
    assert "dashboard http://" in p.stderr and "tasks" in p.stderr
    p1 = subprocess.run(cli + ["run", str(path), "--quiet", "--out", str(d / "local")], capture_output=True, text=True,
                        env=env, cwd=ROOT, timeout=300)
    assert p1.returncode == 0, p1.stderr
    for name in ("links.csv", "summary.csv", "villages.gpkg"):
        assert (d / "dask" / name).read_bytes() == (d / "local" / name).read_bytes()
    bad = subprocess.run(cli + ["run", str(path), "--quiet", "--dask", "nowhere"], capture_output=True, text=True,
                         env=env, cwd=ROOT, timeout=120)
    assert bad.returncode != 0 and "--dask 'nowhere'" in bad.stderr
    bad = subprocess.run(cli + ["run", str(path), "--quiet", "--dask", "local:0"], capture_output=True, text=True,
                         env=env, cwd=ROOT, timeout=120)
    assert bad.returncode != 0 and "at least 1" in bad.stderr


def test_windowed_dem_from_python(dem):
    w = _core.Dem.open([str(TILE)], window=(100, 200, 50, 40))
    assert w.shape == dem.shape and w.geotransform == dem.geotransform
    assert w.loaded == (100, 200, 50, 40) and w.heights_m.shape == (40, 50)
    assert np.array_equal(w.heights_m, dem.heights_m[200:240, 100:150], equal_nan=True)
    with pytest.raises(ValueError, match="lies outside its grid"):
        _core.Dem.open([str(TILE)], window=(5000, 0, 5, 5))


def test_coverage_reads_only_the_window_its_sites_need(dem):
    """phusong coverage (issue 19, goal 2): the DEM read by window around the sites' discs gives
    the raster of the whole DEM, cell for cell, holding a fraction of the cells."""
    from phusong.coverage import rasters

    s = rasters.parse_site("105.4,21.4,30", 1800.0, 60.0, 10.0, 0)
    for model in ("p526", "los"):
        w = rasters.open_for_sites([str(TILE)], [s], 6.0)
        assert w.heights_m.size < dem.heights_m.size / 10
        quantity = "visible" if model == "los" else "rsrp"
        a = rasters.coverage_raster(w, [s], quantity, model=model, radius_km=6.0)
        b = rasters.coverage_raster(dem, [s], quantity, model=model, radius_km=6.0)
        assert a.geotransform == b.geotransform and a.values.tobytes() == b.values.tobytes()
