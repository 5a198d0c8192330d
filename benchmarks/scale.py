"""Scale evidence for the national run on Dask (issue 17), measured on this machine.

1. The reduced national scenario (scenarios/vietnam-national-reduced.yaml: 30" terrain, ~3 % of the
   villages and sites) in one process and on a LocalCluster of N process workers: wall times, tasks,
   and whether every output file is the same byte for byte.
2. Per-task time and peak memory at full scale: the national GENERATED dataset at scale 1.0, 3"
   terrain tiles over a sample area, raster tasks at 30 m and village tasks as the DaskExecutor cuts
   them, each run in a fresh process (its peak RSS from getrusage).
3. The full national run at 30 m projected from those figures: tasks (and per province), CPU
   time, wall time on W workers, memory per worker and on the client.

    PHUSONG_DATA=../shared/data .venv/bin/python benchmarks/scale.py [--workers 2] [--sample 6]
"""

from __future__ import annotations

import argparse
import math
import os
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CHILD = r"""
import pickle, resource, sys, time
fn_name, path = sys.argv[1], sys.argv[2]
from phusong.distributed import tasks
args = pickle.load(open(path, "rb"))
t = time.perf_counter()
getattr(tasks, fn_name)(*args)
dt = time.perf_counter() - t
print(dt, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
"""


def run_task(fn_name: str, args: tuple) -> tuple[float, float]:
    """Seconds and peak bytes of one task in a fresh process (as a worker runs it)."""
    with tempfile.NamedTemporaryFile(suffix=".pkl", delete=False) as f:
        pickle.dump(args, f)
    try:
        out = subprocess.run([sys.executable, "-c", CHILD, fn_name, f.name], capture_output=True, text=True, check=True)
    finally:
        os.unlink(f.name)
    dt, rss = out.stdout.split()
    return float(dt), float(rss)


def baseline_rss() -> float:
    out = subprocess.run([sys.executable, "-c", "import resource; import phusong.distributed.tasks; "
                          "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)"],
                         capture_output=True, text=True, check=True)
    return float(out.stdout)


def reduced(workers: int) -> None:
    from distributed import Client, LocalCluster

    from phusong.distributed import DaskExecutor
    from phusong.scenario import load_scenario, run_scenario

    path = ROOT / "scenarios" / "vietnam-national-reduced.yaml"
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        sc = load_scenario(path)  # makes the GENERATED inputs once (cached)
        t_inputs = time.perf_counter() - t
        t = time.perf_counter()
        one = run_scenario(sc, out_dir=Path(tmp) / "one")
        t_one = time.perf_counter() - t
        t = time.perf_counter()
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0",
                               silence_logs=50)
        client = Client(cluster)
        t_start = time.perf_counter() - t
        sc = load_scenario(path)
        ex = DaskExecutor(client, sc.inputs.dem, sc.inputs.clutter)
        t = time.perf_counter()
        run_scenario(sc, out_dir=Path(tmp) / "two", dask=ex)
        t_two = time.perf_counter() - t
        client.close()
        cluster.close()
        a = {p.name: p.read_bytes() for p in (Path(tmp) / "one").iterdir()}
        b = {p.name: p.read_bytes() for p in (Path(tmp) / "two").iterdir()}
        same = sorted(n for n in a if a[n] == b.get(n))
        s = one.summary
        print(f"reduced national: {s['villages']} villages, {s['broadband_towers']} broadband sites, "
              f"{s['white_villages']} white, plan {s.get('proposed_sites', 0)} sites; inputs made/loaded in "
              f"{t_inputs:.1f} s")
        print(f"  one process (threads {os.cpu_count()}): {t_one:.1f} s; LocalCluster of {workers} workers: {t_two:.1f} s "
              f"({ex.tasks_run} tasks; cluster start {t_start:.1f} s) = {t_two / t_one:.2f}x")
        print(f"  identical files: {len(same)} of {len(a)}" + ("" if len(same) == len(a) else
                                                              f"; DIFFERENT: {sorted(set(a) - set(same))}"))


def full_scale(sample: int, workers: int) -> None:
    import shapely

    from phusong import _core
    from phusong.distributed import partition
    from phusong.inputs import datasets, national

    cache = datasets.cache_dir()
    t = time.perf_counter()
    vcsv, tcsv = national.generate(cache, 1.0)
    villages = _core.read_villages(str(vcsv))
    sites = [s for s in _core.read_sites(str(tcsv), 10.0) if set(s.technologies.split(";")) & {"4G", "5G"}]
    print(f"\nfull scale: {len(villages):,} villages, {len(sites):,} 4G sites (dataset made/read in "
          f"{time.perf_counter() - t:.1f} s)")
    # A sample area of 2 x 2 one-degree tiles at 3" (north-west mountains and the Red River delta edge).
    t = time.perf_counter()
    folder = national.terrain_dir(cache, 3)
    sample_tiles = [(20, 104), (20, 105), (21, 104), (21, 105)]
    paths = []
    for lat0, lon0 in sample_tiles:
        p = folder / national.tile_name(lat0, lon0)
        if not p.is_file():
            national.write_tile(p, lat0, lon0, 3)
        paths.append(str(p))
    print(f"  3\" terrain, 4 sample tiles: {time.perf_counter() - t:.1f} s")
    radius_km = 20.0
    ref30 = partition.grid_ref(paths, 30.0)
    lon = np.array([s.lon for s in sites])
    lat = np.array([s.lat for s in sites])
    inner = (lon > 104.25) & (lon < 105.75) & (lat > 20.25) & (lat < 21.75)
    idx = np.nonzero(inner)[0]
    tile = partition.auto_tile_cells(ref30, radius_km)
    rt = partition.raster_tasks(ref30, lon[idx], lat[idx], radius_km, tile,
                                partition.auto_batch_sites(ref30, radius_km))
    gt = ref30.geotransform
    interior = [t_ for t_ in rt if 104.3 < gt[0] + (t_.tile[0] + t_.tile[2] / 2) * gt[1] < 105.7
                and 20.3 < gt[3] + (t_.tile[1] + t_.tile[3] / 2) * gt[5] < 21.7]
    chosen = [interior[k] for k in np.linspace(0, len(interior) - 1, min(sample, len(interior))).astype(int)]
    params = {"model": "p526", "radius_km": radius_km, "threads": 1}
    base = baseline_rss()
    r_secs, r_mem = [], []
    for t_ in chosen:
        args = (ref30, t_, [sites[idx[j]] for j in t_.sites], list(t_.sites), params, -110.0)
        dt, rss = run_task("raster_task", args)
        r_secs.append(dt)
        r_mem.append(rss)
        print(f"  raster task {t_.tile[2]}x{t_.tile[3]} cells, {len(t_.sites)} sites, window "
              f"{t_.window[3]}x{t_.window[2]}: {dt:.1f} s, peak {rss / 1e6:.0f} MB")
    # Village tasks on the 3" grid.
    ref3 = partition.grid_ref(paths)
    vlon = np.array([v.lon for v in villages])
    vlat = np.array([v.lat for v in villages])
    vin = np.nonzero((vlon > 104.3) & (vlon < 105.7) & (vlat > 20.3) & (vlat < 21.7))[0]
    vt = partition.village_tasks(ref3, vlon[vin], vlat[vin], lon[idx], lat[idx], radius_km)
    vt = [x for x in vt if len(x.villages) > 20][:max(1, sample // 2)]
    v_secs, v_mem = [], []
    kw = {"model": "p526", "radius_km": radius_km, "threads": 1}
    for x in vt:
        args = (ref3, x, [villages[vin[i]] for i in x.villages], [sites[idx[j]] for j in x.sites], kw)
        dt, rss = run_task("village_task", args)
        v_secs.append(dt)
        v_mem.append(rss)
        print(f"  village task {len(x.villages)} villages x {len(x.sites)} sites: {dt:.1f} s, peak {rss / 1e6:.0f} MB")
    print(f"  (a worker process with phusong imported: {base / 1e6:.0f} MB)")

    # The whole country at 30 m: the grid the national scenario's rasters have (as Dem.resampled_grid).
    all_tiles = national.tiles()
    lat_lo = min(a for a, _ in all_tiles)
    lat_hi = max(a for a, _ in all_tiles) + 1
    lon_lo = min(b for _, b in all_tiles)
    lon_hi = max(b for _, b in all_tiles) + 1
    half = 0.5 / 1200
    width, height = lon_hi - lon_lo + 2 * half, lat_hi - lat_lo + 2 * half
    m = 6371000.0 * math.pi / 180.0
    latc = (lat_lo + lat_hi) / 2.0
    sx, sy = 30.0 / (m * math.cos(math.radians(latc))), 30.0 / m
    cols, rows = int(width // sx), int(height // sy)
    nat = partition.GridRef((), 30.0, (lon_lo - half, sx, 0.0, lat_hi + half, 0.0, -sy), (rows, cols),
                            ref30.crs_wkt, True)
    ntile = partition.auto_tile_cells(nat, radius_km)
    all_rt = partition.raster_tasks(nat, lon, lat, radius_km, ntile, partition.auto_batch_sites(nat, radius_km))
    pairs = sum(len(t_.sites) for t_ in all_rt)
    provinces = national.provinces()
    # Tasks per province: the raster tasks whose tile meets the province (a tile on a border counts
    # in each province it meets).
    g0, g3 = nat.geotransform[0], nat.geotransform[3]
    boxes = shapely.box(np.array([g0 + t_.tile[0] * sx for t_ in all_rt]),
                        np.array([g3 - (t_.tile[1] + t_.tile[3]) * sy for t_ in all_rt]),
                        np.array([g0 + (t_.tile[0] + t_.tile[2]) * sx for t_ in all_rt]),
                        np.array([g3 - t_.tile[1] * sy for t_ in all_rt]))
    per_prov = {p.name: int(shapely.intersects(p.geometry, boxes).sum()) for p in provinces}
    all_vt = partition.village_tasks(partition.GridRef((), None, (lon_lo - half, 1 / 1200, 0.0, lat_hi + half, 0.0,
                                                                  -1 / 1200), (int(height * 1200), int(width * 1200)),
                                                       ref30.crs_wkt, True), vlon, vlat, lon, lat, radius_km)
    # Per site and per village: the sample's total time over its total sites (villages), so a
    # task of many sites weighs as much as it costs.
    per_site = sum(r_secs) / sum(len(t_.sites) for t_ in chosen)
    per_village = sum(v_secs) / sum(len(x.villages) for x in vt) if vt else float("nan")
    cpu_r = pairs * per_site
    cpu_v = len(villages) * per_village if vt else 0.0
    cells = rows * cols
    print(f"\nnational at 30 m: grid {rows:,} x {cols:,} = {cells / 1e9:.2f} G cells; raster tiles of {ntile} cells; "
          f"{len(all_rt):,} raster tasks per composite of all sites ({pairs:,} site-tile pairs, each site on "
          f"{pairs / max(len(sites), 1):.2f} tiles); {len(all_vt):,} village tasks")
    top = sorted(per_prov.items(), key=lambda kv: -kv[1])
    print("  raster tasks per province (tiles meeting it): " + ", ".join(f"{k} {v}" for k, v in top[:5]) + " ... "
          + ", ".join(f"{k} {v}" for k, v in top[-3:]) + f"; median {int(np.median([v for _, v in top]))}")
    print(f"  measured: {per_site:.3f} s per site (the {len(r_secs)} raster tasks' total over their sites), "
          f"{per_village * 1e3:.1f} ms per village; peak per task "
          f"{max(r_mem + v_mem) / 1e6:.0f} MB")
    for w in (workers, 16, 64, 256):
        print(f"  projected, all sites' composite + village coverage: CPU {(cpu_r + cpu_v) / 3600:.1f} h; on {w} "
              f"workers {(cpu_r + cpu_v) / w / 60:.1f} min (memory per worker {max(r_mem + v_mem) / 1e6:.0f} MB)")
    print(f"  client: the assembled composite of one raster {cells * 10 / 1e9:.1f} GB (best RSRP, server, "
          f"n_servers); with SINR and rate {cells * 18 / 1e9:.1f} GB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--sample", type=int, default=6, help="raster tasks measured (village tasks: half)")
    ap.add_argument("--skip-reduced", action="store_true")
    ap.add_argument("--skip-full", action="store_true")
    a = ap.parse_args()
    if not a.skip_reduced:
        reduced(a.workers)
    if not a.skip_full:
        full_scale(a.sample, a.workers)


if __name__ == "__main__":
    main()
