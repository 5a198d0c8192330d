#!/usr/bin/env python3
"""Error of the rasters against each cell's own exact profile (evaluate_villages on the cell
centres):

1. the delta-Bullington raster sweep, for several ray spacings, on the real tile N21E105 warped
   to a 30 m UTM grid (as benchmarks/peers.py does), radius 15 km;
2. the ITM raster (nearest ray sample per cell), exact and with Delta h at anchors (the fast mode
   of benchmarks/peers.py), on the 3" tile itself, radius 30 km, against itm_p2p_tls per cell;
   and how much ITM jumps between neighbouring prefixes of one profile (why its cells take their
   nearest sample rather than a blend of neighbours).

    PHUSONG_DATA=../shared/data .venv/bin/python benchmarks/raster_accuracy.py
"""

import math
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

import phusong
from phusong.inputs import datasets

SITE_LON, SITE_LAT, RADIUS_KM = 105.50, 21.45, 15.0


def exact_at(dem, site, cells, gt, crs, radius_km, model):
    """Loss on each cell's own exact profile, and the villages' order."""
    lon, lat = phusong.transform([gt[0] + (c + 0.5) * gt[1] for _, c in cells],
                                 [gt[3] + (r + 0.5) * gt[5] for r, _ in cells], crs, "WGS84")
    villages = []
    for i, (a, b) in enumerate(zip(lon, lat)):
        v = phusong.Village()
        v.id, v.lon, v.lat = f"c{i}", float(a), float(b)
        villages.append(v)
    cov = phusong.evaluate_villages(dem, villages, [site], model=model, radius_km=radius_km + 1)
    exact = np.full(len(villages), np.nan)
    exact[cov["links"]["village"]] = cov["links"]["loss_db"]
    return exact


def random_cells(v, n, seed=3):
    rng = np.random.default_rng(seed)
    cells = [(int(rng.integers(v.shape[0])), int(rng.integers(v.shape[1]))) for _ in range(3 * n)]
    return [(r, c) for r, c in cells if np.isfinite(v[r, c])][:n]


def report(label, raster, cells, exact):
    vals = np.array([raster[r, c] for r, c in cells])
    d = np.abs(vals - exact)
    d = d[np.isfinite(d)]
    print(f"  {label}: median {np.median(d):.2f}, p90 {np.percentile(d, 90):.2f}, max {d.max():.1f}")


def itm_accuracy(tile: Path) -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    import peers  # the same site, heights, frequency and ITM parameters as the SPLAT! comparison
    dem = phusong.Dem.open([str(tile)])
    s = phusong.Site()
    s.id, s.lon, s.lat, s.height_m, s.freq_mhz = "S", peers.SITE_LON, peers.SITE_LAT, peers.TX_H, peers.FREQ
    kw = dict(model="itm", radius_km=peers.RADIUS_KM, rx_height_m=peers.RX_H, itm_eps_r=15, itm_sigma_s_per_m=0.005,
              itm_n0=301, itm_climate=5, itm_pol=1)
    exact_r = phusong.site_raster(dem, s, **kw)
    fast_r = phusong.site_raster(dem, s, itm_dh_anchor_spacing=peers.FAST_DH_ANCHORS,
                                 itm_dh_rel_tolerance=peers.FAST_DH_TOLERANCE, **kw)
    cells = random_cells(exact_r["values"], 1000)
    exact = exact_at(dem, s, cells, exact_r["geotransform"], dem.crs_wkt, peers.RADIUS_KM, "itm")
    print(f"ITM: {len(cells)} random cells within {peers.RADIUS_KM:g} km on the 3\" tile; "
          "|raster - ITM on the cell's own profile| (dB):")
    report("exact Delta h     ", exact_r["values"], cells, exact)
    report(f"Delta h anchors {peers.FAST_DH_ANCHORS}", fast_r["values"], cells, exact)
    # ITM on every prefix of 16 radial profiles from the site (one per 22.5 degrees, 30 km, one
    # sample per 3" cell): |loss(k + 1) - loss(k)| between neighbouring prefixes.
    steps = []
    spacing = dem.cell_size_m
    for a in range(16):
        th = math.radians(22.5 * a)
        lon2 = s.lon + peers.RADIUS_KM / 111.32 * math.sin(th) / math.cos(math.radians(s.lat))
        lat2 = s.lat + peers.RADIUS_KM / 110.57 * math.cos(th)
        prof = dem.profile(s.lon, s.lat, lon2, lat2, spacing)
        d_km, h = prof["distance_m"] / 1000, prof["elevation_m"]
        n = int(np.argmax(~np.isfinite(h))) if not np.all(np.isfinite(h)) else len(h)  # up to a DEM void
        d_km, h = d_km[:n], h[:n]
        loss = [phusong.link(d_km[:k + 1], h[:k + 1], "itm", s.freq_mhz, s.height_m, peers.RX_H)["loss_db"]
                for k in range(48, len(d_km))]
        steps.extend(np.abs(np.diff(loss)))
    steps = np.array(steps)
    print(f"  ITM between neighbouring prefixes (16 radials, beyond 48 samples): |step| > 1 dB at "
          f"{np.mean(steps > 1) * 100:.0f} % of {len(steps)} steps, median {np.median(steps):.2f} dB")


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
    # (sample spacing along rays, largest gap between rays), m; 0 = the cell size
    spacings = ((0.0, 0.0), (0.0, 37.5), (0.0, 45.0), (45.0, 0.0), (60.0, 0.0), (90.0, 0.0))
    rasters = {sp: phusong.site_raster(dem, s, model="p526", radius_km=RADIUS_KM, ray_spacing_m=sp[0], ray_gap_m=sp[1])
               for sp in spacings}
    v0, gt = rasters[(0.0, 0.0)]["values"], rasters[(0.0, 0.0)]["geotransform"]
    cells = random_cells(v0, 400)
    exact = exact_at(dem, s, cells, gt, dem.crs_wkt, RADIUS_KM, "p526")
    print(f"delta-Bullington: {len(cells)} random cells within {RADIUS_KM:g} km on a 30 m grid; "
          "|raster - exact profile| (dB):")
    for sp in spacings:
        report(f"rays {sp[0] or 30:2.0f} m along, <= {sp[1] or sp[0] or 30:4.1f} m apart", rasters[sp]["values"], cells, exact)
    itm_accuracy(tile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
