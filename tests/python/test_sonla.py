"""The Sơn La scenarios end to end: outputs read back with GDAL/OGR (fields, encoding, CRS),
KPI totals against the census, the plan, the report, and the generator's determinism."""

import csv
import filecmp
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyogrio
import pytest

import phusong
from conftest import DATA, ROOT

SCEN = ROOT / "scenarios"


@pytest.fixture(scope="module")
def wv(tmp_path_factory):
    out = tmp_path_factory.mktemp("sonla-wv")
    exe = Path(sys.executable).parent / "phusong"
    r = subprocess.run([str(exe), "run", str(SCEN / "sonla-white-villages.yaml"), "--out", str(out), "--quiet"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return out


def census():
    rows = [r for r in csv.DictReader(open(DATA / "census/VN_Population_ward.csv", encoding="utf-8"))
            if r["city"] == "SơnLa"]
    return rows


def test_outputs_are_complete_and_in_vn2000(wv):
    for layer in ("villages", "towers", "proposed_sites", "districts"):
        for ext in (".shp", ".shx", ".dbf", ".prj", ".cpg", ".gpkg", ".kml"):
            assert (wv / f"{layer}{ext}").is_file(), layer + ext
        assert (wv / f"{layer}.cpg").read_text().strip() == "UTF-8"
        info = subprocess.run(["ogrinfo", "-ro", "-so", "-al", str(wv / f"{layer}.shp")], capture_output=True,
                              text=True, check=True).stdout
        assert "VN-2000 / TM-3 104-00" in info, layer
        fields = list(pyogrio.read_info(wv / f"{layer}.shp")["fields"])
        assert all(len(f.encode()) <= 10 for f in fields), fields
    # Every field of every layer is in the dictionary.
    with open(wv / "field_dictionary.csv", encoding="utf-8") as f:
        dictionary = {(r["layer"], r["field"]) for r in csv.DictReader(f)}
    for layer in ("villages", "towers", "proposed_sites", "districts"):
        for fld in pyogrio.read_info(wv / f"{layer}.shp")["fields"]:
            assert (layer, fld) in dictionary
    assert pyogrio.read_info(wv / "districts.shp")["features"] == 12


def test_kpi_totals_match_the_census(wv):
    rows = census()
    with open(wv / "kpi_province.csv", encoding="utf-8") as f:
        prov = next(csv.DictReader(f))
    assert float(prov["population"]) == sum(int(r["total"]) for r in rows) == 1248415
    assert int(prov["ban"]) == 2509
    # Per district: the census total of its communes.
    by_district = {}
    for r in rows:
        by_district[r["district"]] = by_district.get(r["district"], 0) + int(r["total"])
    with open(wv / "kpi_district.csv", encoding="utf-8") as f:
        kd = {re.sub(r"^(Huyện|Thành phố)\s+", "", r["district"]).replace(" ", ""): float(r["population"])
              for r in csv.DictReader(f)}
    for name, total in by_district.items():
        assert kd[name] == total, name
    # The shapefile's villages sum to the same, read back through OGR.
    _, _, _, data = pyogrio.raw.read(wv / "villages.shp")
    fields = list(pyogrio.read_info(wv / "villages.shp")["fields"])
    assert data[fields.index("dan_so")].astype(float).sum() == 1248415


def test_white_villages_and_plan(wv):
    with open(wv / "summary.csv", encoding="utf-8") as f:
        s = {r["key"]: r["value"] for r in csv.DictReader(f)}
    assert int(s["white_villages"]) == 209  # calibrated to the published figure
    assert s["plan_proven_optimal"] == "True"
    newly = int(s["villages_covered_by_plan"])
    assert newly + int(s["still_white_villages"]) == 209
    _, _, _, data = pyogrio.raw.read(wv / "villages.shp")
    fields = list(pyogrio.read_info(wv / "villages.shp")["fields"])
    after = data[fields.index("sau_qh")]
    reason = data[fields.index("ly_do")]
    assert (after == "phủ sóng mới").sum() == newly
    assert all(reason[after == "không phủ được"])  # every uncoverable bản says why
    # Vietnamese text survives: commune names with diacritics.
    assert any("ư" in x or "ơ" in x for x in data[fields.index("xa")])
    from openpyxl import load_workbook

    wb = load_workbook(wv / "kpi.xlsx")
    assert {"province", "district", "commune", "targets"} <= set(wb.sheetnames)


def test_report_is_self_contained(wv):
    html = (wv / "report.html").read_text(encoding="utf-8")
    assert html.count("data:image/png;base64,") >= 3
    md = (wv / "report.md").read_text(encoding="utf-8")
    assert "dữ liệu do phusong tạo (GENERATED)" in md and "99,56" in md  # the Vietnamese report
    # The fibre figures are percentages, written as such.
    assert "(mục tiêu 80,00 %)" in md and "đạt mục tiêu 80,00 % số hộ" in md


def test_budget_scenario(tmp_path):
    r = phusong.run_scenario(SCEN / "sonla-budget.yaml", out_dir=tmp_path)
    assert r.plan["total_cost"] <= 3.0e10 + 1e-3
    curve = np.array(r.plan["curve"])
    assert np.all(np.diff(curve[:, 0]) > 0) and np.all(np.diff(curve[:, 1]) >= 0)
    assert (tmp_path / "plan_curve.csv").is_file()


def test_baseline_has_per_operator_coverage(tmp_path):
    r = phusong.run_scenario(SCEN / "sonla-baseline.yaml", out_dir=tmp_path)
    assert r.plan is None and len(r.white) == 209
    assert set(r.operators) == {"Viettel", "VNPT", "MobiFone"}
    covered_any = np.zeros(len(r.villages), bool)
    for d in r.operators.values():
        covered_any |= d["covered"]
    np.testing.assert_array_equal(covered_any, r.coverage["covered"])


def test_generator_is_deterministic(tmp_path):
    from phusong.inputs import sonla

    out = sonla.generate_dataset(tmp_path)
    for name in ("sonla_villages.GENERATED.csv", "sonla_towers.GENERATED.csv", "sonla_fibre.GENERATED.geojson",
                 "sonla_facilities.GENERATED.csv"):
        assert filecmp.cmp(out[name.split("_")[1].split(".")[0]], ROOT / "datasets" / "generated" / name,
                           shallow=False), name
    assert out["white_expected"] == 209


def test_exact_plan_does_not_depend_on_threads(tmp_path, wv):
    # The main job ran on every core (threads: 0); run the plan again on one thread (without the
    # rasters, PDF, QGIS project and web map, which do not change the plan) and compare.
    sc = phusong.load_scenario(SCEN / "sonla-white-villages.yaml")
    sc.outputs.rasters = sc.outputs.report = sc.outputs.report_pdf = sc.outputs.qgis = sc.outputs.web_map = False
    a = phusong.run_scenario(sc, out_dir=tmp_path / "a", threads=1)
    assert len(a.plan["chosen"]) == 169
    assert filecmp.cmp(tmp_path / "a" / "proposed_sites.dbf", wv / "proposed_sites.dbf", shallow=False)
