"""Inputs in every format the issue names: GeoTIFF and .hgt DEMs (mosaicked), villages and
towers as CSV, GeoJSON, Shapefile and GeoPackage (converted here with GDAL's ogr2ogr)."""

import subprocess

import numpy as np
import pytest

import phusong
from conftest import GENERATED, TILE, base_scenario

VILLAGES = GENERATED / "demo_n21e105_villages.GENERATED.csv"


def test_geotiff_halves_mosaic_to_the_tile(tmp_path, dem):
    west, east = tmp_path / "west.tif", tmp_path / "east.tif"
    subprocess.run(["gdal_translate", "-q", "-of", "GTiff", "-srcwin", "0", "0", "601", "1201", str(TILE), str(west)], check=True)
    subprocess.run(["gdal_translate", "-q", "-of", "GTiff", "-srcwin", "601", "0", "600", "1201", str(TILE), str(east)],
                   check=True)
    mosaic = phusong.Dem.open([str(west), str(east)])
    assert mosaic.shape == dem.shape
    np.testing.assert_allclose(mosaic.geotransform, dem.geotransform, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(np.isnan(mosaic.heights_m), np.isnan(dem.heights_m))
    ok = ~np.isnan(dem.heights_m)
    np.testing.assert_array_equal(mosaic.heights_m[ok], dem.heights_m[ok])
    assert mosaic.void_count == 1539
    # A profile across the seam reads the same heights.
    a = mosaic.profile(105.4, 21.3, 105.6, 21.4, 90)
    b = dem.profile(105.4, 21.3, 105.6, 21.4, 90)
    np.testing.assert_array_equal(a["elevation_m"], b["elevation_m"])


def test_projected_geotiff_dem(tmp_path, dem):
    """A DEM warped to UTM 48N (gdalwarp) gives nearly the same elevations at the same lon/lat."""
    utm = tmp_path / "utm.tif"
    subprocess.run(["gdalwarp", "-q", "-t_srs", "EPSG:32648", "-tr", "90", "90", "-r", "bilinear",
                    "-te", "500000", "2320000", "560000", "2370000", str(TILE), str(utm)], check=True)
    d = phusong.Dem.open([str(utm)])
    assert not d.is_geographic
    lon, lat = np.array([105.2, 105.3, 105.4]), np.array([21.1, 21.2, 21.25])
    ours = d.elevation_at_lonlat_m(lon, lat)
    ref = dem.elevation_at_lonlat_m(lon, lat)
    assert np.all(np.abs(ours - ref) < 40)  # resampled terrain, 90 m cells
    p = d.profile(105.2, 21.1, 105.4, 21.25, 90)
    assert p["distance_m"][-1] == pytest.approx(phusong.geodesic_distance_m(105.2, 21.1, 105.4, 21.25), rel=2e-3)


@pytest.mark.parametrize("driver,ext", [("GeoJSON", ".geojson"), ("ESRI Shapefile", ".shp"), ("GPKG", ".gpkg")])
def test_villages_in_every_vector_format(tmp_path, driver, ext):
    out = tmp_path / f"villages{ext}"
    subprocess.run(["ogr2ogr", "-f", driver, str(out), str(VILLAGES), "-oo", "X_POSSIBLE_NAMES=lon",
                    "-oo", "Y_POSSIBLE_NAMES=lat", "-oo", "AUTODETECT_TYPE=YES", "-a_srs", "EPSG:4326",
                    "-lco", "ENCODING=UTF-8"] if driver == "ESRI Shapefile" else
                   ["ogr2ogr", "-f", driver, str(out), str(VILLAGES), "-oo", "X_POSSIBLE_NAMES=lon",
                    "-oo", "Y_POSSIBLE_NAMES=lat", "-oo", "AUTODETECT_TYPE=YES", "-a_srs", "EPSG:4326"], check=True)
    ref = phusong.read_villages(str(VILLAGES))
    got = phusong.read_villages(str(out))
    assert [v.id for v in got] == [v.id for v in ref]
    assert [v.name for v in got] == [v.name for v in ref]
    assert [v.population for v in got] == [v.population for v in ref]
    np.testing.assert_allclose([v.lon for v in got], [v.lon for v in ref], atol=1e-9)


def test_villages_in_a_projected_geopackage(tmp_path):
    out = tmp_path / "vn2000.gpkg"
    subprocess.run(["ogr2ogr", "-f", "GPKG", str(out), str(VILLAGES), "-oo", "X_POSSIBLE_NAMES=lon",
                    "-oo", "Y_POSSIBLE_NAMES=lat", "-s_srs", "EPSG:4326", "-t_srs", "EPSG:9206"], check=True)
    ref = phusong.read_villages(str(VILLAGES))
    got = phusong.read_villages(str(out))
    np.testing.assert_allclose([v.lat for v in got], [v.lat for v in ref], atol=1e-7)


def test_candidates_from_a_file(scenario_dir):
    d, write = scenario_dir
    (d / "cands.csv").write_text(
        "id,operator,technologies,height_m,freq_mhz,eirp_dbm,kind,lon,lat\n"
        "K1,Viettel,4G,40,1800,60,colocation,105.30,21.30\n"
        "K2,Viettel,4G,40,1800,60,new,105.12,21.08\n", encoding="utf-8")
    p = write(base_scenario().replace("  grid_spacing_km: 3", "  candidates: cands.csv"))
    r = phusong.run_scenario(p)
    ids = [r.candidates[j].id for j in r.plan["chosen"]]
    assert set(ids) <= {"K1", "K2"}
    # Every white village is either covered by a chosen candidate or listed with a reason.
    covered = {i for lst in r.plan["newly_covered"] for i in lst}
    assert covered | set(r.plan["uncoverable"]) | set(r.plan["still_white"]) == set(r.white)
    assert all(r.plan["uncoverable"][i] for i in r.plan["uncoverable"])
