"""`phusong link` and phusong.link against the external oracles, and its input errors."""

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import phusong

ROOT = Path(__file__).resolve().parents[2]
ORACLES = Path(os.environ.get("PHUSONG_ORACLES", ROOT.parent / "shared" / "oracles"))
EXE = Path(sys.executable).parent / "phusong"


def run_link(*args) -> subprocess.CompletedProcess:
    return subprocess.run([str(EXE), "link", *map(str, args)], capture_output=True, text=True)


def test_itm_pfl_matches_ntia_report():
    # NTIA cmd example i_p2ptls.txt with pfl.txt: "Basic Transmission Loss 114.5 (dB)", mode 1 (LOS).
    r = run_link("--profile", ORACLES / "itm/cmd_examples/pfl.txt", "--model", "itm", "--freq-mhz", 3500,
                 "--tx-height-m", 15, "--rx-height-m", 3, "--climate", 5, "--itm-n0", 301, "--eps-r", 15,
                 "--sigma-s-per-m", 0.005)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["loss_db"] == pytest.approx(114.5, abs=0.05)
    assert out["mode"] == "line_of_sight"


def test_p526_csv_matches_itu_delta_bullington(tmp_path):
    # Case 1 of the ITU validation set: path 1, 1000 MHz, 30 m / 30 m, ae = 8500 km, horizontal.
    src = ORACLES / "delta_bullington/test_paths/dbull_path1.csv"
    rows = list(csv.reader(src.read_text().splitlines()))[1:]
    prof = tmp_path / "p.csv"
    prof.write_text("d_km,h_m\n" + "".join(f"{a},{b}\n" for a, b in rows))
    r = run_link("--profile", prof, "--model", "p526", "--freq-mhz", 1000, "--tx-height-m", 30, "--rx-height-m", 30,
                 "--k-factor", 8500 / 6371, "--pol", "horizontal")
    assert r.returncode == 0, r.stderr
    v = json.loads(r.stdout)["values"]
    assert v["diffraction_db"] == pytest.approx(34.44302652, abs=0.1)
    assert v["bullington_actual_db"] == pytest.approx(32.84284766, abs=0.1)


def test_hata_by_hand():
    # Okumura-Hata, open/rural, f = 900 MHz, hb = 30 m, hm = 1.5 m, d = 5 km:
    #   log f = 2.954243, log hb = 1.477121, log d = 0.698970
    #   a(hm) = (1.1 log f - 0.7) hm - (1.56 log f - 0.8) = 2.549667 * 1.5 - 3.808619 = 0.015882
    #   L_urban = 69.55 + 26.16 log f - 13.82 log hb - a(hm) + (44.9 - 6.55 log hb) log d
    #           = 69.55 + 77.2830 - 20.4138 - 0.0159 + 35.224857 * 0.698970 = 151.0244
    #   open: L = L_urban - 4.78 (log f)^2 + 18.33 log f - 40.94 = 151.0244 - 41.7177 + 54.1513 - 40.94 = 122.518
    d = np.array([0.0, 2.5, 5.0])
    r = phusong.link(d, np.zeros(3), "hata", 900, 30, 1.5, environment="open_rural")
    assert r["loss_db"] == pytest.approx(122.518, abs=0.002)
    with pytest.raises(phusong.RangeError):
        phusong.link(np.array([0.0, 25.0, 50.0]), np.zeros(3), "hata", 900, 30, 1.5)


def test_dem_profile_from_the_cli():
    r = run_link("--dem", "data:dem/N21E105.hgt", "--from", "105.25,21.2", "--to", "105.35,21.3", "--model", "p1812",
                 "--freq-mhz", 900, "--tx-height-m", 35, "--rx-height-m", 1.5)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert 100 < out["loss_db"] < 200
    assert out["values"]["distance_km"] == pytest.approx(
        phusong.geodesic_distance_m(105.25, 21.2, 105.35, 21.3) / 1000, rel=1e-6)


def test_every_model_runs_on_one_profile():
    d = np.linspace(0, 12, 121)
    h = 300 + 150 * np.sin(d)
    losses = {m: phusong.link(d, h, m, 900, 30, 1.5, lat_deg=21.0)["loss_db"] for m in
              ("fspl", "p526", "p1812", "itm", "hata")}
    assert all(np.isfinite(v) for v in losses.values())
    assert losses["p526"] >= losses["fspl"]


@pytest.mark.parametrize("content,message", [
    ("d_km,h_m\n0,10\n1,abc\n", "line 3: column 'h_m' is not a number: 'abc'"),
    ("d,h\n0,1\n", "missing column 'd_km'"),
    ("d_km,h_m\n0,1\n0,2\n", "line 3: d_km 0.0 does not increase"),
    ("3 100 1 2 3\n", "ITM PFL says np = 3 intervals but has 3 elevations"),
])
def test_bad_profiles(tmp_path, content, message):
    p = tmp_path / "bad.csv"
    p.write_text(content)
    r = run_link("--profile", p, "--model", "fspl", "--freq-mhz", 900, "--tx-height-m", 30, "--rx-height-m", 2)
    assert r.returncode != 0
    assert message in r.stderr and str(p) in r.stderr


def test_out_of_range_frequency_is_an_error():
    d = np.linspace(0, 5, 51)
    with pytest.raises(phusong.RangeError, match="freq"):
        phusong.link(d, np.zeros(51), "p1812", 9000, 30, 1.5)
