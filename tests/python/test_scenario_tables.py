"""Villages and towers in a scenario as planners have them (inputs.villages / inputs.towers with
file, sheet, columns, crs; phusong.inputs.tables): an XLSX site list with the Vietnamese
template's headers and VN-2000 TM-3 x/y gives the same coverage as the engine's own CSV; bad tables
are errors naming the file, the row or column, and the value."""

import csv

import pytest

import phusong
from conftest import base_scenario
from phusong import _core
from phusong.inputs.tables import VI_COLUMNS


def demo_rows(tmp, name):
    return list(csv.DictReader(open(tmp / name, encoding="utf-8")))


def write_vi_towers_xlsx(tmp, sheet="Trạm", drop=None):
    """The demo towers as an operator's XLSX: Vietnamese headers, VN-2000 TM-3 105° x/y."""
    from openpyxl import Workbook

    rows = demo_rows(tmp, "demo_n21e105_towers.GENERATED.csv")
    lon = [float(r["lon"]) for r in rows]
    lat = [float(r["lat"]) for r in rows]
    x, y = _core.transform(lon, lat, "WGS84", "EPSG:5897")  # VN-2000 / TM-3 zone 482 (105°), the demo tile's
    h = VI_COLUMNS["sites"]
    cols = ["id", "operator", "technologies", "height_m", "freq_mhz", "eirp_dbm", "bandwidth_mhz", "x", "y"]
    if drop:
        cols.remove(drop)
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append([h[c] for c in cols])
    for r, xe, yn in zip(rows, x, y):
        vals = {**r, "x": float(xe), "y": float(yn)}
        ws.append([vals[c] if c in ("x", "y", "id", "operator", "technologies") else float(vals[c]) for c in cols])
    wb.save(tmp / "tram.xlsx")


TABLE = """  towers:
    file: tram.xlsx
    sheet: Trạm
    columns: vi
    crs: EPSG:5897
"""


def scenario(text_towers=TABLE):
    text = base_scenario().replace("  towers: demo_n21e105_towers.GENERATED.csv\n", text_towers)
    return text.replace("planning:\n  grid_spacing_km: 3\n", "planning:\n  enabled: false\n")


def test_xlsx_with_vietnamese_headers_and_vn2000_gives_the_same_coverage(scenario_dir):
    tmp, write = scenario_dir
    write_vi_towers_xlsx(tmp)
    ref = phusong.run_scenario(write(scenario("  towers: demo_n21e105_towers.GENERATED.csv\n")), out_dir=tmp / "ref")
    got = phusong.run_scenario(write(scenario()), out_dir=tmp / "xlsx")
    assert [t.id for t in got.towers] == [t.id for t in ref.towers]
    for a, b in zip(got.towers, ref.towers):  # VN-2000 and back: within a millimetre
        assert abs(a.lon - b.lon) < 1e-7 and abs(a.lat - b.lat) < 1e-7
    assert list(got.coverage["covered"]) == list(ref.coverage["covered"])
    assert got.summary["white_villages"] == ref.summary["white_villages"]
    # The report and manifest name the planner's file, not the cache's CSV.
    from phusong.outputs.report import input_roles

    assert any(f.endswith("tram.xlsx") for f, _ in input_roles(got.scenario))


def test_missing_sheet_and_missing_mapped_column(scenario_dir):
    tmp, write = scenario_dir
    write_vi_towers_xlsx(tmp, sheet="Sheet1")
    with pytest.raises(_core.InputError, match=r"tram.xlsx.*Trạm"):
        phusong.run_scenario(write(scenario()))
    write_vi_towers_xlsx(tmp, drop="height_m")
    with pytest.raises(_core.InputError, match=r"tram.xlsx.*Độ cao anten"):
        phusong.run_scenario(write(scenario()))
    assert not (tmp / "out").exists()


def test_unknown_key_in_a_table_input(scenario_dir):
    tmp, write = scenario_dir
    write_vi_towers_xlsx(tmp)
    with pytest.raises(phusong.ScenarioError, match="inputs.towers"):
        phusong.load_scenario(write(scenario(TABLE + "    sheets: x\n")))


def test_opencellid_towers_in_a_scenario(tmp_path):
    """An OpenCelliD extract as the towers of a Sơn La scenario: cells grouped into sites, the
    rows of other networks listed in input_warnings.csv (file, row, value), never silently."""
    from conftest import ROOT

    sample = ROOT / "tests" / "data" / "opencellid" / "cell_towers_sample.csv"
    villages = ROOT / "datasets" / "generated" / "sonla_villages.GENERATED.csv"
    p = tmp_path / "s.yaml"
    p.write_text(f"""name: ocid
inputs:
  dem: [generated:sonla-terrain]
  villages: {villages}
  towers:
    file: {sample}
    format: opencellid
planning:
  enabled: false
outputs:
  dir: out
""", encoding="utf-8")
    r = phusong.run_scenario(p)
    ops = sorted({t.operator for t in r.towers})
    assert "Viettel" in ops and "VNPT" in ops
    assert r.summary["input_warnings"] == 5
    rows = list(csv.DictReader(open(tmp_path / "out" / "input_warnings.csv", encoding="utf-8")))
    assert len(rows) == 5 and any("457" in w["warning"] and "row 9" in w["warning"] for w in rows)
    assert all("cell_towers_sample.csv" in w["warning"] for w in rows)
