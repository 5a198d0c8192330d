#!/usr/bin/env python3
"""ITM raster vs two peers, SPLAT! and Signal-Server; phusong timed in process and end to end through its CLI.

    PHUSONG_DATA=../shared/data .venv/bin/python benchmarks/peers_itm.py [--repeat 3] [--signal-server PATH]

Replaces peers.py's bench_itm.  Same case: SRTM 3" tile N21E105, site 105.50 E 21.45 N, tx 35 m, rx 1.5 m,
900 MHz, radius 30 km, eps_r 15, sigma 0.005 S/m, N0 301, climate 5, vertical polarisation, 50 % / 50 %.
Runs, round-robin (best of `repeat`, so all see the same machine load):

- SPLAT! `splat -olditm` (Longley-Rice ITM 1.2.2, single-threaded; Debian package splat), with -ano output;
- Signal-Server `-pm 1` (the same ITM, point_to_point_ITM), threaded, if a binary is given or on PATH;
- phusong in process (phusong.Dem.open + site_raster + write_raster), exact and fast Delta h;
- phusong end to end: a new process of the `phusong coverage --model itm` console script (Python start-up,
  imports, DEM read, raster, GeoTIFF write), exact and fast Delta h.

Path loss is compared at the points both compute: SPLAT!'s -ano (loss to 0.01 dB) and Signal-Server's path-loss
PPM, decoded through a palette with one colour per dB (Signal-Server has no -ano option, and keeps path loss as a
whole number of dB per pixel, so its figures carry up to 0.5 dB of rounding).

Signal-Server (github.com/N9OZB/Signal-Server, the multi-threaded SPLAT! fork behind CloudRF, version 3.21, commit
1c365dd) is built outside the repository (g++ 12; libbz2-dev and zlib1g-dev for its .sdf.bz2/.gz readers):

    git clone https://github.com/N9OZB/Signal-Server /work/peers/Signal-Server
    sudo apt-get install -y libbz2-dev zlib1g-dev
    cd /work/peers/Signal-Server/src && make && make install   # -> ../signalserver (+ signalserverHD, ...LIDAR)

It reads SPLAT!'s .sdf tiles (srtm2sdf N21E105.hgt -> 21:22:254:255.sdf) and needs a big stack for its ITM:

    bash -c 'ulimit -s 262144; exec signalserver -sdf SDF_DIR -lat 21.45 -lon 105.5 -txh 35 -rxh 1.5 -m \\
        -f 900 -R 30 -res 1200 -pm 1 -erp 0 -color lossdb -o ss_itm'

Its ground (eps 15, sigma 0.005), N0 301, climate 5, vertical polarisation and 50 %/50 % are its defaults (given
here explicitly where an option exists: -terdic, -tercon, -cl, -conf, -rel; N0 has no option).  It always runs
4 threads (one per edge of the square it sweeps; -nothreads gives 1), not a chosen count.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from peers import (
    FAST_DH_ANCHORS,
    FAST_DH_TOLERANCE,
    FREQ,
    RADIUS_KM,
    RX_H,
    SITE_LAT,
    SITE_LON,
    TX_H,
    best_of_interleaved,
    cli_command,
)

import phusong
from phusong.inputs import datasets

EPS_R, SIGMA, N0, CLIMATE = 15.0, 0.005, 301.0, 5
SS_STACK_KB = 262144
# Signal-Server's path-loss palette: 128 levels at most, loss kept as a whole number of dB.  Level z (z >= 2) is
# painted where the loss is SS_LOSS_LO + z - 1 dB, so losses SS_LOSS_LO + 1 .. SS_LOSS_LO + 126 dB decode exactly;
# level 0 (loss <= SS_LOSS_LO) and anything above are left out of the comparison.
SS_LOSS_LO = 99
SS_GREEN, SS_BLUE = 200, 50  # never grey, white or Signal-Server's sea blue, so a match is a palette colour


def _splat_points(ano: Path) -> np.ndarray:
    """SPLAT! -ano: header lines, then "lat, lon, azimuth, elevation, loss" (lon in degrees west) -> (lat, lon, loss)."""
    pts = []
    for line in ano.read_text(errors="replace").splitlines():
        parts = [p.strip() for p in line.replace("*", "").split(",")]
        if len(parts) < 5:
            continue
        try:
            lat, lonw, _, _, loss = (float(p) for p in parts[:5])
        except ValueError:
            continue
        pts.append((lat, (360 - lonw) % 360, loss))
    return np.array(pts).reshape(-1, 3)


def _write_ss_palette(path: Path) -> None:
    path.write_text("".join(f"{SS_LOSS_LO + z}: {10 + z}, {SS_GREEN}, {SS_BLUE}\n" for z in range(128)))


def _read_ppm(path: Path) -> np.ndarray:
    data = path.read_bytes()
    fields, pos = [], 0
    while len(fields) < 4:  # P6, width, height, maxval (no comments in Signal-Server's header)
        while data[pos:pos + 1].isspace():
            pos += 1
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    if fields[0] != b"P6" or int(fields[3]) != 255:
        raise ValueError(f"{path}: not an 8-bit P6 PPM")
    w, h = int(fields[1]), int(fields[2])
    return np.frombuffer(data, np.uint8, w * h * 3, pos + 1).reshape(h, w, 3)


def _ss_points(ppm: Path, stderr: str, ppd: int = 1200) -> np.ndarray:
    """Signal-Server's path-loss PPM -> (lat, lon, loss) at the DEM samples its pixels show.

    Its last stderr line is "|north|east|south|west|" (the cropped image's edges; west = longitude of column 0).
    Pixel (x, y) shows the sample nearest lat = north - (y + 1) / ppd, lon = west + x / ppd (DoPathLoss)."""
    line = [s for s in stderr.splitlines() if s.startswith("|")][-1]
    north, _, _, west = (float(s) for s in line.strip("|").split("|"))
    img = _read_ppm(ppm).astype(int)
    z = img[..., 0] - 10
    ok = (img[..., 1] == SS_GREEN) & (img[..., 2] == SS_BLUE) & (z >= 2) & (z < 128)
    y, x = np.nonzero(ok)
    lat = np.rint((north - (y + 1) / ppd) * ppd) / ppd
    lon = np.rint((west + x / ppd) * ppd) / ppd
    pts = np.unique(np.column_stack([lat, lon, SS_LOSS_LO + z[y, x] - 1.0]), axis=0)
    # A sample shown by two pixels keeps one value (they agree: both read the same DEM cell).
    _, first = np.unique(pts[:, :2], axis=0, return_index=True)
    return pts[first]


def _at(r: dict, pts: np.ndarray) -> np.ndarray:
    """Our raster's values at (lat, lon) points (NaN outside it), as peers.py reads them."""
    gt, v = r["geotransform"], r["values"]
    col = np.floor((pts[:, 1] - gt[0]) / gt[1]).astype(int)
    row = np.floor((pts[:, 0] - gt[3]) / gt[5]).astype(int)
    ok = (col >= 0) & (row >= 0) & (col < v.shape[1]) & (row < v.shape[0])
    out = np.full(len(pts), np.nan)
    out[ok] = v[row[ok], col[ok]]
    return out


def _absdiff(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    both = np.isfinite(a) & np.isfinite(b)
    return np.abs(a[both] - b[both])


def _stats(d: np.ndarray) -> tuple[float, float, int]:
    if d.size == 0:
        return float("nan"), float("nan"), 0
    return float(np.median(d)), float(np.percentile(d, 90)), int(d.size)


def bench_itm(tile: Path, work: Path, repeat: int, radius_km: float = RADIUS_KM, signal_server: str | None = None) -> dict:
    """Times SPLAT!, Signal-Server (if found) and phusong (in process and through its CLI) on the ITM raster;
    returns the times, the ratios and the path-loss differences."""
    if not shutil.which("splat"):
        raise RuntimeError("SPLAT! is not installed (Debian package splat)")
    ss = signal_server or shutil.which("signalserver")
    if ss and not os.access(ss, os.X_OK):
        raise RuntimeError(f"Signal-Server binary {ss} is not executable")
    sdf = work / "sdf"
    sdf.mkdir(exist_ok=True)
    subprocess.run(["srtm2sdf", str(tile)], cwd=sdf, check=True, capture_output=True)
    (work / "tx.qth").write_text(f"tx\n{SITE_LAT:.6f}\n{-SITE_LON % 360:.6f}\n{TX_H:.1f} meters\n")
    # SPLAT! .lrp: eps, sigma, N0 (surface refractivity), f MHz, climate, polarisation (1 = vertical),
    # situation (confidence) fraction, time (reliability) fraction, ERP W.
    (work / "tx.lrp").write_text(f"{EPS_R:.3f}\n{SIGMA}\n{N0:.3f}\n{FREQ:.3f}\n{CLIMATE}\n1\n0.50\n0.50\n0\n")
    splat_cmd = ["splat", "-t", "tx.qth", "-L", str(RX_H), "-R", str(radius_km), "-metric", "-olditm", "-d", str(sdf),
                 "-N", "-ano", "splat.ano", "-o", "splat.ppm"]
    # Signal-Server: relative names run in `work` (it cuts file names at the first '.'), -erp 0 = path loss.
    _write_ss_palette(work / "lossdb.lcf")
    ss_cmd = ["bash", "-c", f'ulimit -s {SS_STACK_KB} && exec "$0" "$@"', str(ss), "-sdf", str(sdf),
              "-lat", f"{SITE_LAT}", "-lon", f"{SITE_LON}", "-txh", str(TX_H), "-rxh", str(RX_H), "-m",
              "-f", str(FREQ), "-R", str(radius_km), "-res", "1200", "-pm", "1", "-erp", "0",
              "-terdic", str(EPS_R), "-tercon", str(SIGMA), "-cl", str(CLIMATE), "-conf", "50", "-rel", "50",
              "-color", "lossdb", "-o", "ss_itm"] if ss else None

    site = phusong.Site()
    site.id, site.lon, site.lat, site.height_m, site.freq_mhz, site.eirp_dbm = "S", SITE_LON, SITE_LAT, TX_H, FREQ, 60
    itm_kw = dict(model="itm", radius_km=radius_km, rx_height_m=RX_H, itm_eps_r=EPS_R, itm_sigma_s_per_m=SIGMA,
                  itm_n0=N0, itm_climate=CLIMATE, itm_pol=1)
    fast_kw = dict(itm_dh_anchor_spacing=FAST_DH_ANCHORS, itm_dh_rel_tolerance=FAST_DH_TOLERANCE)

    def ours(out: str, **extra):
        dem = phusong.Dem.open([str(tile)])
        r = phusong.site_raster(dem, site, **itm_kw, **extra)
        phusong.write_raster(str(work / out), [("itm", r["values"], float("nan"))], list(r["geotransform"]), dem.crs_wkt)
        return r

    cli = cli_command("coverage", "--dem", str(tile), "--site", f"{SITE_LON},{SITE_LAT},{TX_H}", "--freq-mhz", str(FREQ),
            "--radius-km", str(radius_km), "--model", "itm", "--quantity", "path-loss", "--rx-height-m", str(RX_H),
            "--eps-r", str(EPS_R), "--sigma-s-per-m", str(SIGMA), "--itm-n0", str(N0), "--climate", str(CLIMATE),
            "--pol", "vertical", "--time-pct", "50", "--situation-pct", "50", "--quiet")
    cli_fast = cli + ["--itm-dh-anchor-spacing", str(FAST_DH_ANCHORS), "--itm-dh-tolerance", str(FAST_DH_TOLERANCE)]

    fns = {"splat": lambda: subprocess.run(splat_cmd, cwd=work, check=True, capture_output=True)}
    if ss_cmd:
        fns["signal_server"] = lambda: subprocess.run(ss_cmd, cwd=work, check=True, capture_output=True, text=True)
    fns.update({
        "itm": lambda: ours("ours_itm.tif"),
        "itm_fast": lambda: ours("ours_itm_fast.tif", **fast_kw),
        "itm_cli": lambda: subprocess.run(cli + ["--out", str(work / "cli_itm.tif")], check=True, capture_output=True),
        "itm_fast_cli": lambda: subprocess.run(cli_fast + ["--out", str(work / "cli_itm_fast.tif")], check=True,
                                               capture_output=True),
    })
    timed = best_of_interleaved(repeat, fns)
    t = {k: v[0] for k, v in timed.items()}
    r, r_fast = timed["itm"][1], timed["itm_fast"][1]
    res: dict = {f"t_{k}": v for k, v in t.items()}

    # Check that the CLI writes the same raster as in process (it reads only the disc's window of the tile).
    for name, key, ref in (("cli_itm.tif", "", r), ("cli_itm_fast.tif", "fast_", r_fast)):
        d = phusong.Dem.open([str(work / name)])
        gt, (rows, cols) = d.geotransform, d.shape
        lon, lat = np.meshgrid(gt[0] + (np.arange(cols) + 0.5) * gt[1], gt[3] + (np.arange(rows) + 0.5) * gt[5])
        dd = _absdiff(np.asarray(d.heights_m, float).ravel(), _at(ref, np.column_stack([lat.ravel(), lon.ravel()])))
        res[f"{key}cli_vs_in_process_max_db"] = float(dd.max()) if dd.size else float("nan")

    sp = _splat_points(work / "splat.ano")
    at, at_f = _at(r, sp), _at(r_fast, sp)
    res["median_diff_db"], res["p90_diff_db"], res["points"] = _stats(_absdiff(at, sp[:, 2]))
    res["median_diff_fast_db"], res["p90_diff_fast_db"], _ = _stats(_absdiff(at_f, sp[:, 2]))
    ef = _absdiff(at_f, at)
    res["fast_vs_exact_mean_db"], res["fast_vs_exact_p99_db"] = float(ef.mean()), float(np.percentile(ef, 99))
    if ss_cmd:
        sp_ss = _ss_points(work / "ss_itm.ppm", timed["signal_server"][1].stderr)
        res["median_diff_ss_db"], res["p90_diff_ss_db"], res["points_ss"] = _stats(_absdiff(_at(r, sp_ss), sp_ss[:, 2]))
        res["median_diff_fast_ss_db"], res["p90_diff_fast_ss_db"], _ = _stats(_absdiff(_at(r_fast, sp_ss), sp_ss[:, 2]))
        # Signal-Server against SPLAT! at SPLAT!'s points (both on the same 3" samples).
        key = {(round(a * 1200), round(b * 1200)): c for a, b, c in sp_ss}
        ss_at_sp = np.array([key.get((round(a * 1200), round(b * 1200)), np.nan) for a, b, _ in sp])
        res["median_diff_ss_splat_db"], res["p90_diff_ss_splat_db"], res["points_ss_splat"] = \
            _stats(_absdiff(ss_at_sp, sp[:, 2]))

    for k in ("itm", "itm_fast", "itm_cli", "itm_fast_cli"):
        res[f"ratio_splat_{k}"] = t["splat"] / t[k]
        if ss_cmd:
            res[f"ratio_ss_{k}"] = t["signal_server"] / t[k]

    print(f"ITM, 3\" tile {tile.name}, site {SITE_LON},{SITE_LAT}, radius {radius_km:g} km, best of {repeat} "
          f"(round-robin), {os.cpu_count()} cores")
    print(f"{'':34s}{'time s':>8s}{'SPLAT!/this':>13s}{'SigSrv/this':>13s}   median |loss diff| (p90) dB")
    print(f"{'SPLAT! -olditm (1 thread)':34s}{t['splat']:8.3f}"
          + (f"{'':13s}{t['signal_server'] / t['splat']:13.2f}" if ss_cmd else ""))
    if ss_cmd:
        print(f"{'Signal-Server -pm 1 (4 threads)':34s}{t['signal_server']:8.3f}{t['splat'] / t['signal_server']:13.2f}"
              f"{'':13s}   vs SPLAT! {res['median_diff_ss_splat_db']:.2f} ({res['p90_diff_ss_splat_db']:.2f}) "
              f"over {res['points_ss_splat']} points")
    rows = (("phusong itm, in process", "itm", ""), ("phusong itm fast, in process", "itm_fast", "_fast"),
            ("phusong itm, CLI (new process)", "itm_cli", ""), ("phusong itm fast, CLI", "itm_fast_cli", "_fast"))
    for label, k, f in rows:
        line = f"{label:34s}{t[k]:8.3f}{t['splat'] / t[k]:13.2f}"
        line += f"{t['signal_server'] / t[k]:13.2f}" if ss_cmd else f"{'':13s}"
        line += f"   vs SPLAT! {res[f'median_diff{f}_db']:.2f} ({res[f'p90_diff{f}_db']:.2f})"
        if ss_cmd:
            line += f", vs Signal-Server {res[f'median_diff{f}_ss_db']:.2f} ({res[f'p90_diff{f}_ss_db']:.2f})"
        print(line)
    print(f"points: {res['points']} of SPLAT!'s -ano"
          + (f", {res['points_ss']} of Signal-Server's PPM (whole dB, {SS_LOSS_LO + 1}-{SS_LOSS_LO + 126} dB)"
             if ss_cmd else "")
          + f"; fast vs exact: mean {res['fast_vs_exact_mean_db']:.3f} dB, p99 {res['fast_vs_exact_p99_db']:.2f} dB; "
          f"CLI vs in process: max {res['cli_vs_in_process_max_db']:.3g} dB (fast {res['fast_cli_vs_in_process_max_db']:.3g})")
    return res


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--radius-km", type=float, default=RADIUS_KM)
    ap.add_argument("--signal-server", help="Signal-Server binary (default: signalserver on PATH, if any)")
    args = ap.parse_args()
    tile = datasets.fetch("dem/N21E105.hgt")
    with tempfile.TemporaryDirectory(prefix="phusong-peers-itm-") as tmp:
        bench_itm(tile, Path(tmp), args.repeat, args.radius_km, args.signal_server)
    return 0


if __name__ == "__main__":
    sys.exit(main())
