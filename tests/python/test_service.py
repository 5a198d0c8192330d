"""The service model (issue 13): area sampling, margins, SINR, throughput and classes; the 2G
switch-off through a scenario; bad input. The table values and formulas are tested in C++
(tests/cpp/test_service.cpp); here the model end to end: on flat terrain a lone site's rate never
increases with distance, and the switch-off makes the bản it strands required bản of the plan."""

import math

import numpy as np
import pyogrio
import pytest

import phusong
from conftest import base_scenario
from phusong import _core
from phusong.coverage import service


def test_sample_points_are_the_centre_and_rings():
    v = _core.Village()
    v.id, v.name, v.commune, v.district, v.lon, v.lat, v.population, v.households = "B", "b", "x", "h", 105.0, 21.0, 1, 1
    owner, lon, lat = service.sample_points([v], 300.0, 7)
    assert list(owner) == [0] * 7
    kx = 111320.0 * math.cos(math.radians(21.0))
    d = np.hypot((lon - 105.0) * kx, (lat - 21.0) * 110574.0)
    assert d[0] == 0 and np.allclose(d[1:], 300.0)
    owner, lon, lat = service.sample_points([v], 300.0, 13)  # two rings: 150 m and 300 m
    d = np.hypot((lon - 105.0) * kx, (lat - 21.0) * 110574.0)
    assert np.allclose(sorted(d[1:]), [150.0] * 6 + [300.0] * 6)


def test_location_margin_and_noise_by_hand():
    # Φ⁻¹(0.9) = 1.2815515655: 8 dB σ -> 10.25 dB; kT at 290 K over 15 kHz + 7 dB NF:
    # -173.98 + 41.76 + 7 = -125.22 dBm.
    assert _core.location_margin_db(8.0, 0.9) == pytest.approx(8.0 * 1.2815515655, abs=1e-6)
    assert _core.thermal_noise_dbm(15e3, 7.0) == pytest.approx(-173.975 + 10 * math.log10(15e3) + 7.0, abs=0.01)


def flat_tile(path, height_m=100):
    """An SRTM3 tile (1201 x 1201 big-endian int16) of flat ground."""
    np.full((1201, 1201), height_m, dtype=">i2").tofile(path)
    return path


def test_rate_never_increases_with_distance_from_a_lone_site(tmp_path):
    dem = phusong.Dem.open([str(flat_tile(tmp_path / "N21E105.hgt"))])
    site = _core.Site()
    site.id, site.operator, site.technologies = "S", "Viettel", "4G"
    site.lon, site.lat, site.height_m, site.freq_mhz, site.eirp_dbm, site.bandwidth_mhz = 105.2, 21.5, 40, 1800, 60, 10
    site.kind, site.row = "existing", 1
    villages = []
    for k in range(14):
        v = _core.Village()
        v.id, v.name, v.commune, v.district = f"B{k}", f"b{k}", "x", "h"
        v.lon, v.lat = 105.2 + (0.5 + 1.2 * k) / (111.32 * math.cos(math.radians(21.5))), 21.5
        v.population, v.households, v.row = 10.0, 3.0, k + 1
        villages.append(v)
    sc = phusong.load_scenario(_write_minimal(tmp_path))
    sc.radio.service.enabled = True
    res = service.evaluate(sc, dem, villages, [site], [])
    served = res.user_mbps[np.isfinite(res.user_mbps)]
    assert len(served) >= 5
    assert np.all(np.diff(served) <= 1e-9)
    sinr = res.sinr_db[np.isfinite(res.sinr_db)]
    assert np.all(np.diff(sinr) <= 1e-9)
    assert np.all(np.diff(res.share_served) <= 1e-12)
    classes = res.klass
    first_none = next((k for k, c in enumerate(classes) if c == "none"), len(classes))
    assert all(c in ("ge50", "lt50") for c in classes[:first_none])  # served near, then nothing (no 2G/3G here)
    assert all(c == "none" for c in classes[first_none:])


def _write_minimal(d):
    from conftest import ROOT

    p = d / "min.yaml"
    p.write_text(_MINIMAL.replace("{root}", str(ROOT)), encoding="utf-8")
    return p


_MINIMAL = """
name: m
inputs:
  dem: data:dem/N21E105.hgt
  villages: {root}/datasets/generated/demo_n21e105_villages.GENERATED.csv
  towers: {root}/datasets/generated/demo_n21e105_towers.GENERATED.csv
radio:
  radius_km: 20
planning:
  enabled: false
outputs:
  dir: out
"""


def test_switch_off_strands_bản_and_the_plan_serves_them(scenario_dir):
    d, write = scenario_dir
    text = base_scenario().replace("radio:\n", "radio:\n  switch_off: [2G]\n  service:\n    enabled: true\n")
    text = text.replace("  grid_spacing_km: 3", "  grid_spacing_km: 3\n  objective: target\n  target_pct: 45\n"
                        "  method: exact")
    text = text.replace("  dir: out", "  dir: out\n  report: true")
    r = phusong.run_scenario(write(text), out_dir=d / "out")
    lost = r.switch_off_lost
    # Stranded: no 4G today, and nothing but 2G at the centre.
    for i in lost:
        assert not r.coverage["covered"][i]
        assert r.service_before.legacy[i] == frozenset({"2g"})
    assert r.summary["switch_off_villages_losing_service"] == len(lost)
    covered_after = {i for lst in r.plan.newly_covered for i in lst}
    coverable = set(lost) - set(r.plan.uncoverable)
    assert coverable <= covered_after  # required whatever the target
    v = pyogrio.read_dataframe(d / "out" / "villages.shp")
    assert set(v["dv_sau"]) <= set(service.SERVICE_VI.values())
    assert (v["mat_dv"] == "có").sum() == len(lost)
    before = dict(zip(v["ma_ban"], v["dv_truoc"]))
    for i in lost:
        assert before[r.villages[i].id] == "chỉ có 2G"
    import csv

    with open(d / "out" / "switch_off.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert {row["ma_ban"] for row in rows} == {r.villages[i].id for i in lost}
    with open(d / "out" / "kpi_targets.csv", encoding="utf-8") as f:
        targets = {row["indicator"]: row for row in csv.DictReader(f)}
    row = targets["broadband >= 50 Mbps, people (%)"]
    assert 0 <= float(row["before"]) <= float(row["after_plan"]) <= 100
    with open(d / "out" / "kpi_province.csv", encoding="utf-8") as f:
        prov = next(csv.DictReader(f))
    total = sum(float(prov[f"people_{c}_after"]) for c in service.SERVICE_CLASSES)
    assert total == pytest.approx(sum(v_.population for v_ in r.villages))
    html = (d / "out" / "report.html").read_text(encoding="utf-8")
    assert "Tắt sóng 2G" in html
    from test_report import EN_IN_VI, _text

    text = _text(html).replace(phusong.__version__, "")
    m = EN_IN_VI.search(text)  # one number format (Vietnamese) in the service section and its parameters
    assert m is None, text[max(0, m.start() - 60):m.end() + 60]


@pytest.mark.parametrize("radio,message", [
    ("  service:\n    shadowing_sigma_db: 30\n", "radio.service.shadowing_sigma_db"),
    ("  service:\n    edge_probability: 1.2\n", "radio.service.edge_probability"),
    ("  service:\n    cqi_table: 36.213-9.9\n", "radio.service.cqi_table"),
    ("  service:\n    thresholds_2g3g_dbm: {4G: -100}\n", "unknown technology '4G'"),
    ("  switch_off: [4G]\n", "cannot switch off '4G'"),
])
def test_service_bad_input(scenario_dir, radio, message):
    _, write = scenario_dir
    text = base_scenario().replace("radio:\n", "radio:\n" + radio)
    with pytest.raises(phusong.ScenarioError, match=message):
        phusong.load_scenario(write(text))


def test_switch_off_of_a_technology_no_site_has(scenario_dir):
    d, write = scenario_dir
    towers = (d / "demo_n21e105_towers.GENERATED.csv").read_text(encoding="utf-8").replace("2G;3G", "2G")
    (d / "t.csv").write_text(towers, encoding="utf-8")
    text = base_scenario(towers="t.csv").replace("radio:\n", "radio:\n  switch_off: [3G]\n")
    with pytest.raises(phusong.ScenarioError, match="radio.switch_off': no site of inputs.towers has 3G"):
        phusong.run_scenario(write(text), out_dir=d / "o")


def test_sinr_and_rate_rasters_follow_the_village_model(scenario_dir):
    """outputs.rasters with radio.service: SINR and peak-rate rasters before and after the plan,
    read back with GDAL; at each bản centre the raster's SINR is close to the village model's
    (the same interference rule, on the raster's ray sampling instead of exact profiles)."""
    from test_scenario_rasters import band

    d, write = scenario_dir
    text = base_scenario().replace("radio:\n", "radio:\n  service:\n    enabled: true\n    sample_points: 1\n"
                                   "    sample_radius_m: 0\n    shadowing_sigma_db: 0\n    body_loss_db: 0\n")
    text = text.replace("  dir: out", "  dir: out\n  rasters: true\n  formats: [gpkg]")
    r = phusong.run_scenario(write(text), out_dir=d / "out")
    for when in ("before", "after"):
        assert (d / "out" / f"sinr_{when}.tif").is_file() and (d / "out" / f"throughput_{when}.tif").is_file()
    sinr, gt = band(d / "out" / "sinr_before.tif")
    rate, _ = band(d / "out" / "throughput_before.tif")
    ok = np.isfinite(sinr)
    assert ok.mean() > 0.05  # the demo sites reach a part of the tile
    assert np.nanmax(rate) <= 4.4 * 10 * 2 * 0.75 + 1e-3 and np.nanmin(rate) >= 0
    diffs = []
    for i, v in enumerate(r.villages):
        if not np.isfinite(r.service_before.sinr_db[i]):
            continue
        col = int((v.lon - gt[0]) / gt[1])
        row = int((v.lat - gt[3]) / gt[5])
        if 0 <= row < sinr.shape[0] and 0 <= col < sinr.shape[1] and np.isfinite(sinr[row, col]):
            diffs.append(abs(float(sinr[row, col]) - r.service_before.sinr_db[i]))
    assert len(diffs) >= 10
    assert np.median(diffs) < 3.0  # dB: rays vs exact profiles, a cell vs a point


def test_generated_land_cover_follows_its_rule_with_gdaldem_slopes(tmp_path):
    """The GENERATED Sơn La land cover (inputs.clutter: generated:sonla-landcover), made here on
    the N21E105 tile: every cell's class is the documented rule of its height and slope, the slope
    computed independently by `gdaldem slope`; a town's centre is built-up within 300 m."""
    import shutil
    import subprocess

    from test_scenario_rasters import band

    from conftest import GENERATED, TILE
    from phusong.inputs import sonla

    villages = tmp_path / "v.csv"
    text = (GENERATED / "demo_n21e105_villages.GENERATED.csv").read_text(encoding="utf-8").splitlines()
    head, first = text[0], text[1].split(",")
    first[4] = "5000"  # a town
    villages.write_text("\n".join([head, ",".join(first)] + text[2:]) + "\n", encoding="utf-8")
    lc = sonla.landcover_path(tmp_path / "cache", [str(TILE)], villages)
    assert lc.name.endswith(".GENERATED.tif")
    classes, gt = band(lc)
    z, _ = band(TILE)
    subprocess.run(["gdaldem", "slope", "-q", "-s", "111120", "-compute_edges", str(TILE), str(tmp_path / "s.tif")],
                   check=True)
    slope, _ = band(tmp_path / "s.tif")
    expect = sonla.landcover_classes(np.where(z == -32768, np.nan, z).astype(float), slope)
    lon, lat = float(first[6]), float(first[7])
    r0, c0 = int((lat - gt[3]) / gt[5]), int((lon - gt[0]) / gt[1])
    town = classes == 50
    assert town[r0, c0] and 10 <= town.sum() <= 60  # a 300 m disc of 90 m cells
    rest = ~town & (expect > 0)
    rest[[0, -1], :] = rest[:, [0, -1]] = False  # the tile's edge: each tool extrapolates its own way
    # gdaldem on geographic cells takes one metre scale for both axes (-s 111120), the engine the
    # cosine of the latitude for x: the classes differ only where the slope is near a threshold.
    wrong = rest & (classes != expect)
    assert np.mean(classes[rest] == expect[rest]) > 0.98
    near = (np.abs(slope - 10) < 3) | (np.abs(slope - 25) < 3)
    assert near[wrong].all()
    assert set(np.unique(classes)) <= {0, 10, 20, 30, 40, 50}
    again = sonla.landcover_path(tmp_path / "cache2", [str(TILE)], villages)
    assert np.array_equal(band(again)[0], classes)
    shutil.rmtree(tmp_path / "cache2")


def test_a_band_without_a_bandwidth_is_refused(scenario_dir):
    """A site whose bandwidth is 0 (the rates are per MHz) is an error naming the file, row and value."""
    d, write = scenario_dir
    lines = (d / "demo_n21e105_towers.GENERATED.csv").read_text(encoding="utf-8").splitlines()
    head = lines[0].split(",")
    row = lines[1].split(",")
    row[head.index("bandwidth_mhz")] = "0"
    (d / "t0.csv").write_text("\n".join([lines[0], ",".join(row)] + lines[2:]) + "\n", encoding="utf-8")
    text = base_scenario(towers="t0.csv").replace("radio:\n", "radio:\n  service:\n    enabled: true\n")
    with pytest.raises(phusong.InputError, match=r"t0.csv.*row 1.*bandwidth_mhz.*0"):
        phusong.run_scenario(write(text), out_dir=d / "o")
