#!/usr/bin/env python3
"""Error of the delta-Bullington raster sweep against exact per-cell profiles, for several ray
spacings, on the real tile N21E105 warped to a 30 m UTM grid (as benchmarks/peers.py does).

    PHUSONG_DATA=../shared/data .venv/bin/python benchmarks/raster_accuracy.py
"""

import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

import phusong
from phusong import datasets

SITE_LON, SITE_LAT, RADIUS_KM = 105.50, 21.45, 15.0


def main() -> int:
    tile = datasets.fetch("dem/N21E105.hgt")
    with tempfile.TemporaryDirectory() as tmp:
        x, y = phusong.transform([SITE_LON], [SITE_LAT], "WGS84", "UTM48N")
        half = RADIUS_KM * 1000 + 2000
        dem30 = Path(tmp) / "utm30.tif"
        subprocess.run(["gdalwarp", "-q", "-t_srs", "EPSG:32648", "-tr", "30", "30", "-r", "bilinear", "-te",
                        str(x[0] - half), str(y[0] - half), str(x[0] + half), str(y[0] + half), "-dstnodata",
                        "-32768", str(tile), str(dem30)], check=True)
        dem = phusong.Dem.open([str(dem30)])
    s = phusong.Site()
    s.id, s.lon, s.lat, s.height_m, s.freq_mhz, s.eirp_dbm = "S", SITE_LON, SITE_LAT, 35.0, 1800.0, 60.0
    spacings = (0.0, 45.0, 60.0, 90.0)
    rasters = {sp: phusong.site_raster(dem, s, model="p526", radius_km=RADIUS_KM, ray_spacing_m=sp) for sp in spacings}
    v0, gt = rasters[0.0]["values"], rasters[0.0]["geotransform"]
    rng = np.random.default_rng(3)
    cells = [(int(rng.integers(v0.shape[0])), int(rng.integers(v0.shape[1]))) for _ in range(600)]
    cells = [(r, c) for r, c in cells if np.isfinite(v0[r, c])][:400]
    lon, lat = phusong.transform([gt[0] + (c + 0.5) * gt[1] for _, c in cells],
                                 [gt[3] + (r + 0.5) * gt[5] for r, _ in cells], dem.crs_wkt, "WGS84")
    villages = []
    for i, (a, b) in enumerate(zip(lon, lat)):
        v = phusong.Village()
        v.id, v.lon, v.lat = f"c{i}", float(a), float(b)
        villages.append(v)
    cov = phusong.evaluate_villages(dem, villages, [s], radius_km=RADIUS_KM + 1)
    exact = np.full(len(villages), np.nan)
    exact[cov["links"]["village"]] = cov["links"]["loss_db"]
    print(f"{len(cells)} random cells within {RADIUS_KM:g} km on a 30 m grid; |raster - exact profile| (dB):")
    for sp in spacings:
        vals = np.array([rasters[sp]["values"][r, c] for r, c in cells])
        d = np.abs(vals - exact)
        d = d[np.isfinite(d)]
        print(f"  ray spacing {sp or 30:4.0f} m: median {np.median(d):.2f}, p90 {np.percentile(d, 90):.2f}, "
              f"max {d.max():.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
