#!/usr/bin/env python3
"""Province-scale benchmarks on the GENERATED Sơn La terrain (190 x 160 km, the real extent).

    PHUSONG_DATA=../shared/data .venv/bin/python benchmarks/province.py [--sites 1000] [--villages 2500]
        [--radius-km 20] [--resolution-m 30] [--ray-spacing-m 0] [--threads 0]

1. Best-server composite: N sites (seeded random positions, 30-45 m, 1800 MHz, EIRP 60 dBm),
   delta-Bullington, radius 20 km, on the terrain resampled to a 30 m grid: wall time and peak
   memory (max RSS of this process, which also holds the DEM).
2. Villages: 2,500 villages against every site within 30 km, exact point-to-point profiles on the
   3" terrain: wall time and paths per second.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import phusong
from phusong.inputs import datasets, generate


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sites", type=int, default=1000)
    ap.add_argument("--villages", type=int, default=2500)
    ap.add_argument("--radius-km", type=float, default=20.0)
    ap.add_argument("--resolution-m", type=float, default=30.0)
    ap.add_argument("--ray-spacing-m", type=float, default=0.0)
    ap.add_argument("--ray-gap-m", type=float, default=0.0)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--sinr", action="store_true", help="also the composite with SINR and peak-rate layers, and the ratio")
    args = ap.parse_args()

    districts = datasets.fetch("admin/sonla_districts.json")
    with tempfile.TemporaryDirectory(prefix="phusong-province-") as tmp:
        t0 = time.perf_counter()
        tif = generate.sonla_terrain(districts, Path(tmp) / "sonla_terrain_3s.GENERATED.tif")
        dem3 = phusong.Dem.open([str(tif)])
        print(f"generated terrain: {dem3.shape[1]} x {dem3.shape[0]} cells at 3\" in {time.perf_counter() - t0:.1f} s")

    lon0, lat0, lon1, lat1 = generate.sonla_bbox(districts, pad_deg=-0.05)
    rng = np.random.default_rng(args.seed)
    sites = []
    for i in range(args.sites):
        s = phusong.Site()
        s.id = f"S{i:04d}"
        s.lon, s.lat = float(rng.uniform(lon0, lon1)), float(rng.uniform(lat0, lat1))
        s.height_m = float(rng.choice([30.0, 36.0, 42.0, 45.0]))
        s.freq_mhz, s.eirp_dbm, s.bandwidth_mhz = 1800.0, 60.0, 10.0
        sites.append(s)

    # 1. Composite on the resampled grid.
    t0 = time.perf_counter()
    dem = dem3.resampled(args.resolution_m)
    t_resample = time.perf_counter() - t0
    rows, cols = dem.shape
    print(f"grid: {cols} x {rows} cells at {args.resolution_m:g} m ({rows * cols / 1e6:.1f} M cells), "
          f"resampled in {t_resample:.1f} s")
    t0 = time.perf_counter()
    comp = phusong.best_server(dem, sites, model="p526", radius_km=args.radius_km, threads=args.threads,
                               ray_spacing_m=args.ray_spacing_m, ray_gap_m=args.ray_gap_m)
    t_comp = time.perf_counter() - t0
    covered = np.nan_to_num(comp["best_rsrp_dbm"], nan=-999) >= -110
    print(f"best-server composite: {args.sites} sites, radius {args.radius_km:g} km, ray spacing "
          f"{args.ray_spacing_m or args.resolution_m:g} m, gap {args.ray_gap_m or args.ray_spacing_m or args.resolution_m:g} m: "
          f"{t_comp:.1f} s wall "
          f"({t_comp / max(args.sites, 1) * 1000:.0f} ms/site), {covered.mean() * 100:.1f}% of cells >= -110 dBm")
    print(f"peak memory (max RSS): {rss_mb():.0f} MB")
    if args.sinr:  # the same composite with the SINR and peak-rate layers (issue 13: at most 1.5x)
        del comp
        t0 = time.perf_counter()
        comp = phusong.best_server(dem, sites, model="p526", radius_km=args.radius_km, threads=args.threads,
                                   ray_spacing_m=args.ray_spacing_m, ray_gap_m=args.ray_gap_m, sinr=True)
        t_sinr = time.perf_counter() - t0
        ok = np.isfinite(comp["sinr_db"])
        print(f"with SINR and peak rate: {t_sinr:.1f} s wall = {t_sinr / t_comp:.2f}x the RSRP-only composite "
              f"(target <= 1.5x); median SINR {np.median(comp['sinr_db'][ok]):.1f} dB, median peak "
              f"{np.median(comp['throughput_mbps'][ok]):.1f} Mbps; peak memory {rss_mb():.0f} MB")
    del comp, dem

    # 2. Villages with exact profiles on the 3" grid.
    if args.villages <= 0:
        return 0
    vs = []
    for i in range(args.villages):
        v = phusong.Village()
        v.id = f"V{i:04d}"
        v.lon, v.lat = float(rng.uniform(lon0, lon1)), float(rng.uniform(lat0, lat1))
        v.population = 500
        vs.append(v)
    t0 = time.perf_counter()
    r = phusong.evaluate_villages(dem3, vs, sites, model="p526", radius_km=30, threads=args.threads)
    t_v = time.perf_counter() - t0
    n = len(r["links"]["site"])
    print(f"villages: {args.villages} x sites within 30 km ({n / args.villages:.0f} each, {n} paths): "
          f"{t_v:.1f} s wall ({n / t_v / 1000:.1f}k paths/s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
