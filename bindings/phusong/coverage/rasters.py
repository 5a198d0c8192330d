"""Coverage rasters from Python and the CLI: one site's path loss / RSRP / visibility, or the
best-server composite of many sites, as NumPy arrays with their geotransform, and written as
Cloud-Optimised GeoTIFFs (and coverage polygons) atomically."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .. import _core


@dataclass
class CoverageRaster:
    """values: rows x cols (float32, NaN = no value; visible: uint8 1/0, 255 = no value);
    server: site index per cell (multi-site only, -1 = none)."""

    values: np.ndarray
    geotransform: tuple
    crs_wkt: str
    quantity: str
    server: np.ndarray | None = None
    n_servers: np.ndarray | None = None
    void_cells: int = 0
    sinr_db: np.ndarray | None = None          #: composites with sinr=True: downlink SINR (dB)
    throughput_mbps: np.ndarray | None = None  #: and the best server's peak rate (Mbps)


def parse_site(text: str, freq_mhz: float, eirp_dbm: float, bandwidth_mhz: float, index: int) -> _core.Site:
    """A site from 'LON,LAT,HEIGHT_M'."""
    parts = text.split(",")
    try:
        lon, lat, h = (float(x) for x in parts)
    except ValueError:
        raise _core.InputError(f"--site '{text}': expected LON,LAT,HEIGHT_M (three numbers)") from None
    from ..inputs import limits

    where = f"--site '{text}'"
    limits.check("lon", lon, where, "longitude")
    limits.check("lat", lat, where, "latitude")
    limits.check("site.height_m", h, where, "HEIGHT_M (antenna height above ground)")
    limits.check("site.freq_mhz", freq_mhz, where, "--freq-mhz")
    limits.check("site.eirp_dbm", eirp_dbm, where, "--eirp-dbm")
    limits.check("site.bandwidth_mhz", bandwidth_mhz, where, "--bandwidth-mhz")
    s = _core.Site()
    s.id = f"site{index + 1}"
    s.lon, s.lat, s.height_m = lon, lat, h
    s.freq_mhz, s.eirp_dbm, s.bandwidth_mhz = freq_mhz, eirp_dbm, bandwidth_mhz
    return s


def open_for_sites(paths: Sequence[str], sites: Sequence[_core.Site], radius_km: float,
                   resolution_m: float | None = None) -> _core.Dem:
    """The DEM files `paths` (resampled to `resolution_m` when given) read only where the sites'
    rasters reach: a windowed DEM on the whole grid (GDAL windowed reads; memory proportional to
    the window), so the rasters are the same, cell for cell, as on the whole DEM. A composite of
    several sites covers the window that holds all their discs. Sites outside the DEM fall back to
    the whole grid (the engine then names them)."""
    from ..distributed import partition, tasks

    ref = partition.grid_ref(paths, resolution_m)
    w = partition.site_windows(ref, [s.lon for s in sites], [s.lat for s in sites], radius_km)
    window = partition.clip_window(int(w[:, 0].min()), int(w[:, 1].min()), int(w[:, 2].max()), int(w[:, 3].max()),
                                   ref.shape) if len(sites) else None
    if window is None:
        window = (0, 0, ref.shape[1], ref.shape[0])
    return tasks.open_window(ref, window)


def coverage_raster(dem: _core.Dem, sites: Sequence[_core.Site], quantity: str = "rsrp",
                    threshold_dbm: float | None = None, progress: Callable[[int, int], None] | None = None,
                    params: _core.RasterParams | None = None, **kwargs) -> CoverageRaster:
    """Computes a coverage raster (see the module doc). One site: any quantity; several sites:
    the best-server RSRP composite (`threshold_dbm`: what n_servers counts; default the engine's).

    The raster parameters are `params` (a RasterParams) and/or its fields as keywords (model,
    radius_km, rx_height_m, pol, time_pct, location_pct, ...); the defaults are RasterParams()'s,
    the C++ header's."""
    if not sites:
        raise _core.InputError("coverage: no site given")
    if quantity not in ("rsrp", "path-loss", "visible"):
        raise _core.InputError(f"coverage: quantity must be rsrp, path-loss or visible, got '{quantity}'")
    p = _core.RasterParams(**kwargs) if params is None else params
    if params is not None and kwargs:
        p = _core.RasterParams(**{**{k: getattr(params, k) for k in _fields(params)}, **kwargs})
    model = p.model
    if (quantity == "visible") != (model == "los"):
        needs = "los" if quantity == "visible" else "p526, p1812 or itm"
        raise _core.InputError(f"coverage: quantity '{quantity}' needs model {needs}"
                               f", got model '{model}'")
    if len(sites) == 1:
        s = sites[0]
        r = _core.site_raster(dem, s, params=p, progress=progress)
        v = r.values
        if quantity == "visible":
            out = np.where(np.isnan(v), 255, v).astype(np.uint8)
        elif quantity == "rsrp":
            out = (s.eirp_dbm - 10 * math.log10(12 * _n_rb(s.bandwidth_mhz)) - v).astype(np.float32)
        else:
            out = v
        return CoverageRaster(out, r.geotransform, dem.crs_wkt, quantity, void_cells=r.void_cells)
    if quantity != "rsrp":
        raise _core.InputError(f"coverage: quantity '{quantity}' needs exactly one site; several sites give the "
                               "best-server rsrp composite")
    extra = {} if threshold_dbm is None else {"threshold_dbm": threshold_dbm}
    c = _core.best_server(dem, list(sites), params=p, progress=progress, **extra)
    return CoverageRaster(c.best_rsrp_dbm, c.geotransform, dem.crs_wkt, "rsrp", c.server, c.n_servers,
                          sinr_db=c.sinr_db, throughput_mbps=c.throughput_mbps)


def _fields(params) -> list[str]:
    """The field names of a bound parameter class (its properties), in order."""
    return [k for k in type(params).__dict__ if isinstance(type(params).__dict__[k], property)]


def _n_rb(bandwidth_mhz: float) -> int:
    # Same table as the engine (radio::lte_resource_blocks): RSRP(0 dB loss) = EIRP - 10 log10(12 N_RB).
    return round(10 ** ((60 - _core.rsrp_dbm(60.0, 0.0, bandwidth_mhz)) / 10) / 12)


def write_coverage(r: CoverageRaster, out: Path, polygons: Path | None = None,
                   threshold_dbm: float | None = None) -> list[Path]:
    """Writes OUT (COG), OUT.server.tif for composites, and coverage polygons if asked (covered:
    RSRP at or above `threshold_dbm`, default the engine's, CoverageParams().threshold_dbm)."""
    if threshold_dbm is None:
        threshold_dbm = _core.CoverageParams().threshold_dbm
    files = []
    nodata = 255 if r.values.dtype == np.uint8 else float("nan")
    _core.write_raster(str(out), [(r.quantity, r.values, nodata)], list(r.geotransform), r.crs_wkt)
    files.append(out)
    if r.server is not None:
        sp = out.with_suffix(".server.tif")
        _core.write_raster(str(sp), [("server", r.server, -1), ], list(r.geotransform), r.crs_wkt)
        files.append(sp)
    if polygons is not None:
        if r.quantity == "visible":
            mask = (r.values == 1).astype(np.uint8)
        elif r.quantity == "rsrp":
            mask = (np.nan_to_num(r.values, nan=-1e9) >= threshold_dbm).astype(np.uint8)
        else:
            raise _core.InputError("coverage polygons need --quantity rsrp or visible")
        driver = "GeoJSON" if polygons.suffix.lower() in (".geojson", ".json") else "GPKG"
        _core.write_polygons(str(polygons), driver, mask, list(r.geotransform), r.crs_wkt, "coverage", "covered")
        files.append(polygons)
    return files
