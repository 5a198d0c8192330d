"""The real-terrain demo end to end through the CLI; outputs read back with GDAL/OGR."""

import csv
import filecmp
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyogrio
import pytest

import phusong
from conftest import DEMO, GENERATED, TILE


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    exe = Path(sys.executable).parent / "phusong"
    r = subprocess.run([str(exe), "run", str(DEMO), "--out", str(out), "--threads", "2"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "white villages" in r.stdout
    assert "coverage" in r.stderr  # the progress bar
    return out


def wkb_point(b: bytes) -> tuple[float, float]:
    """x, y of a 2-D WKB point (what pyogrio returns)."""
    order = "<" if b[0] == 1 else ">"
    return struct.unpack(order + "dd", b[5:21])


def ogrinfo(path: Path) -> str:
    return subprocess.run(["ogrinfo", "-ro", "-so", "-al", str(path)], check=True, capture_output=True,
                          text=True).stdout


def test_shapefile_sets_complete(demo_out):
    for layer in ("villages", "towers", "proposed_sites"):
        for ext in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
            assert (demo_out / f"{layer}{ext}").is_file(), layer + ext
        assert (demo_out / f"{layer}.cpg").read_text().strip() == "UTF-8"
        assert (demo_out / f"{layer}.gpkg").is_file()
    assert not list(demo_out.glob(".phusong-staging*"))


def test_villages_read_back_with_ogr(demo_out):
    info = ogrinfo(demo_out / "villages.shp")
    assert "Feature Count: 60" in info
    assert 'ID["EPSG",4326]' in info
    meta = pyogrio.read_info(demo_out / "villages.shp")
    fields = list(meta["fields"])
    assert all(len(f.encode()) <= 10 for f in fields)
    assert {"ma_ban", "ten_ban", "rsrp_dbm", "tram_phuc", "trang_thai", "sau_qh", "phu_viette"} <= set(fields)
    assert meta["encoding"].upper().replace("-", "") == "UTF8"
    _, _, _, data = pyogrio.raw.read(demo_out / "villages.shp")
    names = dict(zip(data[fields.index("ma_ban")], data[fields.index("ten_ban")]))
    with open(GENERATED / "demo_n21e105_villages.GENERATED.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            assert names[row["id"]] == row["name"]  # Vietnamese names survive UTF-8 end to end
    status = data[fields.index("trang_thai")]
    assert set(status) <= {"phủ sóng", "bản trắng"}
    best = data[fields.index("rsrp_dbm")].astype(float)
    covered = status == "phủ sóng"
    assert np.all(best[covered] >= -110)
    assert np.all(~(best[~covered] >= -110))


def test_village_table(demo_out):
    with open(demo_out / "links.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert rows and {"ma_ban", "ma_tram", "loss_db", "rsrp_dbm", "mode"} <= set(rows[0])
    best = {}
    for r in rows:
        best[r["ma_ban"]] = max(best.get(r["ma_ban"], -1e9), float(r["rsrp_dbm"]))
    _, _, _, data = pyogrio.raw.read(demo_out / "villages.shp")
    fields = list(pyogrio.read_info(demo_out / "villages.shp")["fields"])
    for vid, rsrp in zip(data[fields.index("ma_ban")], data[fields.index("rsrp_dbm")].astype(float)):
        if vid in best:
            assert rsrp == pytest.approx(best[vid], abs=0.01)  # the layer's best = the table's best
        else:
            assert np.isnan(rsrp)


def test_summary_and_plan_consistent(demo_out):
    with open(demo_out / "summary.csv", encoding="utf-8") as f:
        s = {r["key"]: r["value"] for r in csv.DictReader(f)}
    assert int(s["villages"]) == 60
    white = int(s["white_villages"])
    assert 0 < white < 60
    _, _, _, data = pyogrio.raw.read(demo_out / "villages.shp")
    fields = list(pyogrio.read_info(demo_out / "villages.shp")["fields"])
    assert (data[fields.index("trang_thai")] == "bản trắng").sum() == white
    meta = pyogrio.read_info(demo_out / "proposed_sites.shp")
    assert meta["features"] == int(s["proposed_sites"])
    _, _, _, sites = pyogrio.raw.read(demo_out / "proposed_sites.shp")
    sf = list(meta["fields"])
    newly = sum(int(x) for x in sites[sf.index("so_ban_moi")])
    assert newly == int(s["villages_covered_by_plan"])
    after = data[fields.index("sau_qh")]
    assert (after == "phủ sóng mới").sum() == newly
    assert newly + int(s["still_white_villages"]) == white


def test_plan_sites_really_cover_their_villages(demo_out, dem):
    """Each village a proposed site claims is, recomputed independently, at or above -110 dBm."""
    _, _, geom, sites = pyogrio.raw.read(demo_out / "proposed_sites.shp")
    sf = list(pyogrio.read_info(demo_out / "proposed_sites.shp")["fields"])
    vil = {v.id: v for v in phusong.read_villages(str(GENERATED / "demo_n21e105_villages.GENERATED.csv"))}
    for g, ids in zip(geom, sites[sf.index("ds_ban")]):
        x, y = wkb_point(g)
        s = phusong.Site()
        s.id, s.lon, s.lat, s.height_m, s.freq_mhz, s.eirp_dbm = "x", x, y, 40, 1800, 60
        vs = [vil[i] for i in ids.split(";")]
        r = phusong.evaluate_villages(dem, vs, [s], radius_km=15, threads=1)
        assert np.all(r["best_rsrp_dbm"] >= -110)


def test_vn2000_output(tmp_path):
    text = DEMO.read_text(encoding="utf-8").replace("crs: WGS84", "crs: VN2000-TM3-104")
    text = text.replace("../datasets/", str(DEMO.parent.parent / "datasets") + "/")
    sc = tmp_path / "vn.yaml"
    sc.write_text(text, encoding="utf-8")
    phusong.run_scenario(sc, out_dir=tmp_path / "out")
    info = ogrinfo(tmp_path / "out" / "villages.shp")
    assert "VN-2000 / TM-3 104-00" in info
    # Coordinates agree with gdaltransform of the input lon/lat.
    v = phusong.read_villages(str(GENERATED / "demo_n21e105_villages.GENERATED.csv"))[0]
    ref = subprocess.run(["gdaltransform", "-s_srs", "EPSG:4326", "-t_srs", "EPSG:9206", "-output_xy"],
                         input=f"{v.lon} {v.lat}\n", capture_output=True, text=True, check=True).stdout.split()
    _, _, geom, data = pyogrio.raw.read(tmp_path / "out" / "villages.shp")
    x, y = wkb_point(geom[0])
    assert x == pytest.approx(float(ref[0]), abs=1e-3) and y == pytest.approx(float(ref[1]), abs=1e-3)


def test_same_result_for_any_thread_count(tmp_path):
    a = phusong.run_scenario(DEMO, out_dir=tmp_path / "a", threads=1)
    b = phusong.run_scenario(DEMO, out_dir=tmp_path / "b", threads=2)
    np.testing.assert_array_equal(a.coverage["best_rsrp_dbm"], b.coverage["best_rsrp_dbm"])
    assert a.plan["chosen"] == b.plan["chosen"]
    for f in ("villages.dbf", "proposed_sites.dbf", "summary.csv"):
        assert filecmp.cmp(tmp_path / "a" / f, tmp_path / "b" / f, shallow=False), f


def test_progress_callback_and_python_api(tmp_path):
    calls = []
    r = phusong.run_scenario(DEMO, out_dir=tmp_path, progress=lambda step, d, t: calls.append((step, d, t)))
    assert ("coverage", 60, 60) in calls
    assert r.summary["villages"] == 60
    assert len(r.white) == r.summary["white_villages"]


def test_generator_is_deterministic(tmp_path):
    from phusong.inputs import generate

    v, t = generate.demo_n21e105(TILE, tmp_path)
    assert filecmp.cmp(v, GENERATED / v.name, shallow=False)
    assert filecmp.cmp(t, GENERATED / t.name, shallow=False)
    with open(v, encoding="utf-8") as f:
        assert all(r["source"].startswith("GENERATED") for r in csv.DictReader(f))
