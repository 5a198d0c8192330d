#!/usr/bin/env python3
"""Side-by-side runs of phusong and its peers on the same input, with ratios printed.

    PHUSONG_DATA=../shared/data .venv/bin/python benchmarks/peers.py [--only los,p526,itm] [--repeat 3]

1. Line of sight vs GDAL `gdal_viewshed`: the real SRTM tile N21E105 warped to a 30 m UTM 48N
   grid (gdalwarp, bilinear), observer 35 m, target 1.5 m, radius 30 km, curvature 0.85714.
   Prints the share of cells that agree and the time ratio (ours / GDAL's).
2. Delta-Bullington raster, same site and grid: time ratio to gdal_viewshed's time.
3. ITM raster vs SPLAT! (`splat -olditm`, Longley-Rice ITM) and Signal-Server (`-pm 1`, with
   --signal-server BIN) on the 3" tile, same site, frequency, heights and ITM parameters, radius
   30 km: time ratios and the median absolute difference of path loss over the points both
   compute (benchmarks/peers_itm.py).
Timings are wall-clock, best of --repeat runs taken in turn with the peer's (so both see the same
machine load); ours include reading the DEM and writing the GeoTIFF, as the peers' do, and are
taken twice: in process, and end to end through the CLI (`phusong coverage`, a new process:
start-up included), as a user runs it.
"""

from __future__ import annotations

import argparse
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import phusong
from phusong.inputs import datasets

SITE_LON, SITE_LAT = 105.50, 21.45  # Tam Đảo foothills, well inside the tile
TX_H, RX_H, RADIUS_KM, FREQ = 35.0, 1.5, 30.0, 900.0
FAST_DH_ANCHORS, FAST_DH_TOLERANCE = 16, 0.2  # the fast ITM mode (--itm-dh-anchor-spacing, --itm-dh-tolerance)


def best_of(n: int, fn):
    best, out = math.inf, None
    for _ in range(n):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def best_of_interleaved(n: int, fns: dict) -> dict:
    """Runs the callables round-robin n times (so a peer and ours see the same machine load) and
    returns {name: (best time, last output)}."""
    best = {k: (math.inf, None) for k in fns}
    for _ in range(n):
        for k, fn in fns.items():
            t0 = time.perf_counter()
            out = fn()
            best[k] = (min(best[k][0], time.perf_counter() - t0), out)
    return best


def cli_command(*args: str) -> list[str]:
    """The phusong console script of this interpreter's environment, with `args`."""
    exe = Path(sys.executable).parent / "phusong"
    return [str(exe), *args] if exe.exists() else [sys.executable, "-m", "phusong.cli", *args]


def read_tif(path: Path):
    import pyogrio  # noqa: F401  (GDAL is reached through the phusong engine for rasters)
    dem = phusong.Dem.open([str(path)])
    return dem.heights_m.copy(), dem.geotransform


def make_30m(tile: Path, work: Path, radius_km: float = RADIUS_KM) -> Path:
    x, y = phusong.transform([SITE_LON], [SITE_LAT], "WGS84", "UTM48N")
    half = radius_km * 1000 + 3000
    out = work / "n21e105_utm30.tif"
    subprocess.run(["gdalwarp", "-q", "-overwrite", "-t_srs", "EPSG:32648", "-tr", "30", "30", "-r", "bilinear",
                    "-te", str(x[0] - half), str(y[0] - half), str(x[0] + half), str(y[0] + half),
                    "-dstnodata", "-32768", str(tile), str(out)], check=True)
    return out


def bench_los_and_p526(tile: Path, work: Path, repeat: int, only: set[str], radius_km: float = RADIUS_KM) -> dict:
    """Runs gdal_viewshed and ours; returns the times, the ratio and the agreement."""
    results = {}
    dem30 = make_30m(tile, work, radius_km)
    x, y = phusong.transform([SITE_LON], [SITE_LAT], "WGS84", "UTM48N")
    gdal_out = work / "gdal_viewshed.tif"
    cmd = ["gdal_viewshed", "-q", "-ox", f"{x[0]:.3f}", "-oy", f"{y[0]:.3f}", "-oz", str(TX_H), "-tz", str(RX_H),
           "-md", str(radius_km * 1000), "-cc", "0.85714", "-vv", "1", "-iv", "0", "-ov", "255", str(dem30), str(gdal_out)]
    site = phusong.Site()
    site.id, site.lon, site.lat, site.height_m, site.freq_mhz, site.eirp_dbm = "S", SITE_LON, SITE_LAT, TX_H, FREQ, 60
    ours_out = work / "ours_los.tif"

    def ours(model: str, path: Path):
        dem = phusong.Dem.open([str(dem30)])
        r = phusong.site_raster(dem, site, model=model, radius_km=radius_km, rx_height_m=RX_H, curvature_coeff=0.85714)
        v = r["values"]
        if model == "los":
            v = np.where(np.isnan(v), 255, v).astype(np.uint8)
        phusong.write_raster(str(path), [(model, v, 255 if model == "los" else float("nan"))], list(r["geotransform"]),
                             dem.crs_wkt)
        return r

    def cli(model: str, path: Path):
        # The same raster as a user gets it: a new process, start-up included.
        subprocess.run(cli_command("coverage", "--dem", str(dem30), "--site", f"{SITE_LON},{SITE_LAT},{TX_H}",
                                   "--freq-mhz", str(FREQ), "--model", model, "--radius-km", str(radius_km),
                                   "--rx-height-m", str(RX_H), "--curvature-coeff", "0.85714", "--quiet",
                                   "--out", str(path)), check=True, capture_output=True)

    fns = {"gdal": lambda: subprocess.run(cmd, check=True)}
    if "los" in only:
        fns["los"] = lambda: ours("los", ours_out)
        fns["los_cli"] = lambda: cli("los", work / "cli_los.tif")
    if "p526" in only:
        fns["p526"] = lambda: ours("p526", work / "ours_p526.tif")
        fns["p526_cli"] = lambda: cli("p526", work / "cli_p526.tif")
    timed = best_of_interleaved(repeat, fns)
    t_gdal = timed["gdal"][0]
    results["t_gdal"] = t_gdal
    print(f"grid: {dem30.name} (30 m, UTM 48N), site {SITE_LON},{SITE_LAT}, radius {radius_km:g} km")
    print(f"gdal_viewshed                 {t_gdal:7.3f} s")
    if "los" in only:
        t_los, r = timed["los"]
        g, ggt = read_tif(gdal_out)
        o = r["values"]
        # Both rasters lie on the 30 m grid: compare over the intersection of their windows.
        oc = round((r["geotransform"][0] - ggt[0]) / ggt[1])
        orr = round((r["geotransform"][3] - ggt[3]) / ggt[5])
        c_lo, r_lo = max(0, oc), max(0, orr)
        c_hi, r_hi = min(g.shape[1], oc + o.shape[1]), min(g.shape[0], orr + o.shape[0])
        gw = g[r_lo:r_hi, c_lo:c_hi]
        o = o[r_lo - orr:r_hi - orr, c_lo - oc:c_hi - oc]
        both = ~np.isnan(o) & np.isin(gw, (0, 1))
        agree = float(np.mean(o[both] == gw[both])) * 100
        print(f"phusong los                   {t_los:7.3f} s   ratio {t_los / t_gdal:5.2f}x   "
              f"agreement {agree:.2f}% of {both.sum()} cells")
        t_cli = timed["los_cli"][0]
        c, cgt = read_tif(work / "cli_los.tif")
        same = c.shape == r["values"].shape and list(cgt) == list(r["geotransform"]) and bool(
            np.array_equal(np.where(c == 255, np.nan, c), r["values"], equal_nan=True))
        print(f"phusong coverage --model los  {t_cli:7.3f} s   ratio {t_cli / t_gdal:5.2f}x   (CLI end to end, a new "
              f"process; {'the same raster as in process' if same else 'NOT the same raster as in process'})")
        results.update(t_los=t_los, los_agreement_pct=agree, los_cells=int(both.sum()), t_los_cli=t_cli,
                       los_cli_same=same)
    if "p526" in only:
        t_db, r = timed["p526"]
        print(f"phusong p526 (delta-Bull.)    {t_db:7.3f} s   ratio {t_db / t_gdal:5.2f}x gdal_viewshed   "
              f"({np.isfinite(r['values']).sum()} cells with diffraction loss)")
        t_cli = timed["p526_cli"][0]
        print(f"phusong coverage --model p526 {t_cli:7.3f} s   ratio {t_cli / t_gdal:5.2f}x gdal_viewshed   (CLI end to end)")
        results.update(t_p526=t_db, t_p526_cli=t_cli)
    return results


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", default="los,p526,itm")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--signal-server", default=None, help="Signal-Server binary (see peers_itm.py for its build)")
    args = ap.parse_args()
    only = set(args.only.split(","))
    tile = datasets.fetch("dem/N21E105.hgt")
    with tempfile.TemporaryDirectory(prefix="phusong-peers-") as tmp:
        work = Path(tmp)
        if only & {"los", "p526"}:
            bench_los_and_p526(tile, work, args.repeat, only)
        if "itm" in only:
            from peers_itm import bench_itm  # SPLAT! and Signal-Server, in process and through the CLI

            bench_itm(tile, work, args.repeat, signal_server=args.signal_server)
    print(f"(threads: all {os.cpu_count()} cores)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
