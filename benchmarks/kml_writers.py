"""Times GDAL's two KML writers on a layer shaped like the Sơn La bản (points, 20 text fields,
one style string each): the KML driver (what phusong uses, icons added afterwards) and the
LIBKML driver (which keeps styles itself but whose time grows with features x fields).

    .venv/bin/python benchmarks/kml_writers.py [--features 500 1000 2509]
"""

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

import phusong


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--features", type=int, nargs="+", default=[500, 1000, 2509])
    ap.add_argument("--fields", type=int, default=20)
    args = ap.parse_args()
    rng = np.random.default_rng(1)
    style = 'SYMBOL(c:#2E7D32,id:"http://maps.google.com/mapfiles/kml/shapes/placemark_circle.png")'
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.features:
            lon, lat = 103 + rng.random(n), 21 + rng.random(n)
            fields = [("name", "string", [f"Bản {i}" for i in range(n)])] + [
                (f"f{k}", "string", [f"giá trị {i}" for i in range(n)]) for k in range(args.fields)]
            row = []
            for driver in ("KML", "LIBKML"):
                t0 = time.perf_counter()
                phusong.write_points(str(Path(tmp) / f"{driver}_{n}.kml"), driver, "WGS84", lon, lat, fields, "v",
                                     None, [style] * n)
                row.append(time.perf_counter() - t0)
            print(f"{n:6d} features x {args.fields} fields: KML {row[0]:.3f} s, LIBKML {row[1]:.3f} s "
                  f"({row[1] / row[0]:.0f}x)")


if __name__ == "__main__":
    main()
