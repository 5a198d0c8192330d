"""The terrain and geo layers against GDAL's and PROJ's own command-line tools, run here."""

import subprocess

import numpy as np
import pytest

import phusong
from conftest import TILE


def gdallocationinfo(lon: float, lat: float) -> float:
    out = subprocess.run(["gdallocationinfo", "-valonly", "-wgs84", str(TILE), f"{float(lon):.12f}", f"{float(lat):.12f}"],
                         check=True, capture_output=True, text=True).stdout.strip()
    return float(out)


def test_cell_centres_match_gdallocationinfo(dem):
    rng = np.random.default_rng(3)
    gt = dem.geotransform
    for _ in range(25):
        c, r = rng.integers(0, 1201, size=2)
        lon = gt[0] + (c + 0.5) * gt[1]
        lat = gt[3] + (r + 0.5) * gt[5]
        ours = dem.elevation_at_lonlat_m([lon], [lat])[0]
        theirs = gdallocationinfo(lon, lat)
        if theirs == -32768:
            assert np.isnan(ours), "a void must never read as an elevation"
        else:
            assert ours == theirs


def test_profile_is_bilinear_of_gdal_values(dem):
    """Each profile sample equals the bilinear blend of the four cell values that
    gdallocationinfo reports around it."""
    p = dem.profile(105.21, 21.13, 105.33, 21.27, spacing_m=500)
    gt = dem.geotransform
    for x, y, z in list(zip(p["x"], p["y"], p["elevation_m"]))[1:-1:3]:
        col = (x - gt[0]) / gt[1] - 0.5
        row = (y - gt[3]) / gt[5] - 0.5
        c0, r0 = int(np.floor(col)), int(np.floor(row))
        fc, fr = col - c0, row - r0
        v = {}
        for dc in (0, 1):
            for dr in (0, 1):
                v[dc, dr] = gdallocationinfo(gt[0] + (c0 + dc + 0.5) * gt[1], gt[3] + (r0 + dr + 0.5) * gt[5])
        expect = ((v[0, 0] * (1 - fc) + v[1, 0] * fc) * (1 - fr) + (v[0, 1] * (1 - fc) + v[1, 1] * fc) * fr)
        assert z == pytest.approx(expect, abs=1e-3)


def test_profile_length_matches_proj_geod(dem):
    out = subprocess.run(["geod", "+ellps=WGS84", "-I", "+units=m", "-f", "%.4f"], input="21.13 105.21 21.27 105.33\n",
                         check=True, capture_output=True, text=True).stdout.split()
    p = dem.profile(105.21, 21.13, 105.33, 21.27, spacing_m=90)
    assert p["distance_m"][-1] == pytest.approx(float(out[2]), abs=1e-3)
    assert np.all(np.diff(p["distance_m"]) <= 90 + 1e-9)
    mid = len(p["distance_m"]) // 2
    d1 = p["distance_m"][mid]
    d2 = p["distance_m"][-1] - d1
    assert p["curved_m"][mid] - p["elevation_m"][mid] == pytest.approx(d1 * d2 / (2 * 4 / 3 * 6371000))


@pytest.mark.parametrize("crs,epsg", [("UTM48N", "EPSG:32648"), ("VN2000-TM3-104", "EPSG:9206")])
def test_transforms_match_gdaltransform(crs, epsg):
    lon = np.array([103.9, 104.0, 104.6, 105.5])
    lat = np.array([21.3, 21.0, 20.8, 21.5])
    x, y = phusong.transform(lon, lat, "WGS84", crs)
    text = "".join(f"{a} {b}\n" for a, b in zip(lon, lat))
    out = subprocess.run(["gdaltransform", "-s_srs", "EPSG:4326", "-t_srs", epsg, "-output_xy"], input=text,
                         check=True, capture_output=True, text=True).stdout.split()
    ref = np.array(out, float).reshape(-1, 2)
    np.testing.assert_allclose(x, ref[:, 0], atol=1e-4)
    np.testing.assert_allclose(y, ref[:, 1], atol=1e-4)


def test_heights_are_a_view_not_a_copy(dem):
    h = dem.heights_m
    assert h.shape == (1201, 1201) and h.dtype == np.float32
    assert not h.flags["OWNDATA"]
    assert np.isnan(h).sum() == dem.void_count == 1539


def test_dem_errors_name_the_file(tmp_path):
    bad = tmp_path / "not-a-dem.tif"
    bad.write_text("hello")
    with pytest.raises(phusong.InputError, match="not-a-dem.tif"):
        phusong.Dem.open([str(bad)])
