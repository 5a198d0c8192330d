"""The Python surface: exceptions, NumPy in/out, the data registry."""

import hashlib

import numpy as np
import pytest

import phusong
from conftest import DATA
from phusong.inputs import datasets


def test_exception_hierarchy():
    assert issubclass(phusong.PhusongError, RuntimeError)
    assert issubclass(phusong.InputError, phusong.PhusongError)
    assert issubclass(phusong.InputError, ValueError)
    assert issubclass(phusong.RangeError, phusong.InputError)
    with pytest.raises(phusong.RangeError, match="freq_mhz"):
        phusong.free_space_loss_db(1.0, -3.0)
    with pytest.raises(ValueError, match="unknown coordinate reference system 'EPSG:0'"):
        phusong.crs_wkt("EPSG:0")


def test_greedy_from_python():
    r = phusong.greedy_cover([[0, 1, 2], [3, 4, 5], [0, 3], [1, 4], [2, 5]], [1] * 5, [1.0] * 6)
    assert r["chosen"] == [0, 1] and r["total_cost"] == 2


def test_dem_from_numpy_and_path_loss():
    h = np.full((50, 60), 120.0, dtype=np.float32)
    h[10, 10] = np.nan
    dem = phusong.Dem(h, [105.0, 0.001, 0, 21.05, 0, -0.001], "WGS84")
    assert dem.void_count == 1 and dem.shape == (50, 60)
    p = dem.profile(105.005, 21.04, 105.05, 21.01, 50.0)
    r = phusong.path_loss_db(p["distance_m"], p["elevation_m"], 1800, 30, 1.5, "p526")
    d_km = np.hypot(p["distance_m"][-1], 28.5) / 1000
    assert r["free_space_db"] == pytest.approx(32.45 + 20 * np.log10(1800) + 20 * np.log10(d_km))


def test_registry_hashes_match_shared_data():
    for name, entry in datasets.registry().items():
        path = DATA / name
        assert path.is_file(), name
        assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"], name
        assert datasets.fetch(name) == path


def test_registry_missing_file_offline(tmp_path, monkeypatch):
    monkeypatch.setenv("PHUSONG_DATA", str(tmp_path))
    reg = dict(datasets.registry())
    reg["dem/N21E105.hgt"] = dict(reg["dem/N21E105.hgt"], url="https://invalid.invalid/N21E105.hgt")
    monkeypatch.setattr(datasets, "registry", lambda: reg)
    with pytest.raises(phusong.InputError, match=r"data file 'dem/N21E105.hgt' is missing .* Put the file at"):
        datasets.fetch("dem/N21E105.hgt")


def test_registry_hash_mismatch(tmp_path, monkeypatch):
    monkeypatch.setenv("PHUSONG_DATA", str(tmp_path))
    (tmp_path / "dem").mkdir()
    (tmp_path / "dem" / "N21E105.hgt").write_bytes(b"not srtm")
    with pytest.raises(phusong.InputError, match="does not match its registered sha256"):
        datasets.fetch("dem/N21E105.hgt")


def test_srtm_tile_offline_names_the_tile(tmp_path, monkeypatch):
    monkeypatch.setenv("PHUSONG_DATA", str(tmp_path))
    monkeypatch.setattr(datasets, "SRTM_MIRROR", "https://invalid.invalid/{band}/{tile}.hgt.gz")
    with pytest.raises(phusong.InputError, match=r"SRTM tile N21E103 is missing .* Put N21E103.hgt at .*N21E103.hgt"):
        datasets.srtm_tile("N21E103")
    with pytest.raises(phusong.InputError, match="not an SRTM tile name"):
        datasets.srtm_tile("X21E103")


def test_srtm_tile_present_or_registered(tmp_path, monkeypatch):
    assert datasets.srtm_tile("N21E105") == DATA / "dem" / "N21E105.hgt"  # registered: sha256 checked
    monkeypatch.setenv("PHUSONG_DATA", str(tmp_path))
    (tmp_path / "dem").mkdir()
    (tmp_path / "dem" / "N20E104.hgt").write_bytes(b"\0" * 8)
    assert datasets.srtm_tile("N20E104") == tmp_path / "dem" / "N20E104.hgt"
