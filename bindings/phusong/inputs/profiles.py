"""Point-to-point paths for `phusong link`: profiles from a CSV (`d_km,h_m[,clutter_h_m,zone]`),
from the ITM PFL format (`np, xi_m, z0 ... znp`), or from a DEM between two points."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np

from .. import _core


def read_profile(path: str | Path) -> dict:
    """Reads a profile file; returns d_km, h_m and optional clutter_m, zone arrays. Errors name
    the file, the line and the value."""
    path = Path(path)
    if not path.is_file():
        raise _core.InputError(f"{path}: profile file not found")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[:exc.start].count(b"\n") + 1
        raise _core.InputError(f"{path}: line {line}: not UTF-8 text (bytes {exc.object[exc.start:exc.start + 4]!r}; "
                               "Windows-1258 or TCVN3?); fix: iconv -f CP1258 -t UTF-8 the file") from None
    first = text.lstrip().split("\n", 1)[0]
    if first and not any(c.isalpha() for c in first):
        return _read_pfl(path, text)
    rows = list(csv.reader(text.splitlines()))
    if not rows:
        raise _core.InputError(f"{path}: empty profile file (a profile CSV needs d_km,h_m)")
    header = [h.strip().lower() for h in rows[0]]
    for need in ("d_km", "h_m"):
        if need not in header:
            raise _core.InputError(f"{path}: missing column '{need}' (a profile CSV needs d_km,h_m)")
    cols = {name: [] for name in header}
    for line_no, row in enumerate(rows[1:], start=2):
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) != len(header):
            raise _core.InputError(f"{path}: line {line_no}: {len(row)} values for {len(header)} columns")
        for name, value in zip(header, row):
            try:
                x = float(value)
            except ValueError:
                raise _core.InputError(f"{path}: line {line_no}: column '{name}' is not a number: '{value}'") from None
            if not math.isfinite(x):
                raise _core.InputError(f"{path}: line {line_no}: column '{name}' is not a finite number: '{value}'")
            cols[name].append(x)
    out = {"d_km": np.array(cols["d_km"]), "h_m": np.array(cols["h_m"])}
    if "clutter_h_m" in cols:
        out["clutter_m"] = np.array(cols["clutter_h_m"])
    if "zone" in cols:
        out["zone"] = [int(z) for z in cols["zone"]]
    if len(out["d_km"]) < 2:
        raise _core.InputError(f"{path}: a profile needs at least 2 points")
    bad = np.nonzero(np.diff(out["d_km"]) <= 0)[0]
    if len(bad):
        i = int(bad[0]) + 1
        raise _core.InputError(f"{path}: line {i + 2}: d_km {out['d_km'][i]} does not increase")
    return out


def _read_pfl(path: Path, text: str) -> dict:
    try:
        vals = [float(v) for v in text.replace(",", " ").split()]
    except ValueError as exc:
        raise _core.InputError(f"{path}: ITM PFL format needs numbers: {exc}") from None
    if len(vals) < 4:
        raise _core.InputError(f"{path}: ITM PFL needs np, xi_m and at least 2 elevations")
    bad = [k for k, v in enumerate(vals) if not math.isfinite(v)]
    if bad:
        raise _core.InputError(f"{path}: ITM PFL value number {bad[0] + 1} is not a finite number: {vals[bad[0]]}")
    if vals[0] != int(vals[0]):
        raise _core.InputError(f"{path}: ITM PFL np (the number of intervals) is not an integer: {vals[0]:g}")
    n_int, xi = int(vals[0]), vals[1]
    z = vals[2:]
    if len(z) != n_int + 1:
        raise _core.InputError(f"{path}: ITM PFL says np = {n_int} intervals but has {len(z)} elevations "
                               f"(expected {n_int + 1})")
    if not xi > 0:
        raise _core.InputError(f"{path}: ITM PFL spacing xi_m must be > 0, got {xi}")
    return {"d_km": np.arange(n_int + 1) * xi / 1000.0, "h_m": np.array(z)}


def profile_from_dem(dem_paths: list[str], lon1: float, lat1: float, lon2: float, lat2: float,
                     spacing_m: float | None = None) -> dict:
    dem = _core.Dem.open(dem_paths)
    for lon, lat, which in ((lon1, lat1, "--from"), (lon2, lat2, "--to")):
        if not dem.contains_lonlat(lon, lat):
            raise _core.InputError(f"{which} {lon},{lat} lies outside the DEM")
    p = dem.profile(lon1, lat1, lon2, lat2, spacing_m or dem.cell_size_m)
    # Void samples stay NaN: the engine's link bridges them and says so in its warnings.
    return {"d_km": p["distance_m"] / 1000.0, "h_m": p["elevation_m"], "void_samples": int(p["void_samples"]),
            "lat_deg": (lat1 + lat2) / 2}
