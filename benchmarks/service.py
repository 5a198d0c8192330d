#!/usr/bin/env python3
"""The service model on Sơn La (issue 13): the village evaluation with area sampling (7 points per
bản, every broadband site within 20 km, SINR, rates, uplink) timed against the centre-point
evaluation it extends, and the 2G/3G legacy check.

    PHUSONG_DATA=../shared/data .venv/bin/python benchmarks/service.py [--points 7]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

import phusong
from phusong import _core
from phusong.coverage import service

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--points", type=int, default=7)
    a = ap.parse_args()
    sc = phusong.load_scenario(ROOT / "scenarios" / "sonla-2g-switch-off.yaml")
    sc.radio.service.sample_points = a.points
    dem = _core.Dem.open(sc.inputs.dem)
    villages = _core.read_villages(sc.inputs.villages)
    towers = _core.read_sites(sc.inputs.towers, sc.radio.bandwidth_mhz)
    bb = [t for t in towers if set(t.technologies.split(";")) & {"4G", "5G"}]
    legacy = [t for t in towers if set(t.technologies.split(";")) & {"2G", "3G"}]
    r = sc.radio
    clutter = _core.Dem.open([sc.inputs.clutter]) if sc.inputs.clutter else None  # the GENERATED land cover
    t0 = time.perf_counter()
    _core.evaluate_villages(dem, villages, bb, model=r.model, radius_km=r.radius_km, rx_height_m=r.rx_height_m,
                            threshold_dbm=r.threshold_dbm, k=r.k_factor, spacing_m=r.profile_spacing_m, threads=0,
                            clutter=clutter, clutter_classes=r.clutter_classes)
    centre = time.perf_counter() - t0
    t0 = time.perf_counter()
    res = service.evaluate(sc, dem, villages, bb, [], clutter)
    area = time.perf_counter() - t0
    t0 = time.perf_counter()
    service.evaluate(sc, dem, villages, bb, legacy, clutter)
    full = time.perf_counter() - t0
    pop = np.array([v.population for v in villages])
    print(f"{len(villages)} bản, {len(bb)} broadband sites, {len(legacy)} 2G/3G sites, {a.points} points per bản, "
          f"clutter {'on (' + Path(sc.inputs.clutter).name + ')' if clutter else 'off'}")
    print(f"centre-point evaluation (RSRP only): {centre:.1f} s")
    print(f"service model, area sampling + SINR + rates + uplink: {area:.1f} s ({area / centre:.1f}x); "
          f"with the 2G/3G check: {full:.1f} s (target < 20 s: {'met' if full < 20 else 'NOT met'})")
    print(f"4G/5G service {100 * pop[res.served].sum() / pop.sum():.2f}% of people; median SINR "
          f"{np.nanmedian(res.sinr_db):.1f} dB; median peak {np.nanmedian(res.peak_mbps):.1f} Mbps")
    return 0


if __name__ == "__main__":
    sys.exit(main())
