"""The output layers as a GIS user reads them back with GDAL: every format (Shapefile, GeoPackage,
GeoJSON, KML) holds the same values under each field's name (DBF names in shapefiles, full names
elsewhere); text values come from the documented vocabularies of field_dictionary.csv; counts are
integers; only bản at or above the threshold have a serving site; NULL is the same in every
format; KML placemarks are named and styled by status and kind."""

import csv
import math
import xml.etree.ElementTree as ET

import numpy as np
import pyogrio
import pytest

import phusong
from conftest import base_scenario
from phusong.outputs import layers

FORMATS = {"shapefile": ".shp", "gpkg": ".gpkg", "geojson": ".geojson", "kml": ".kml"}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    import shutil

    from conftest import GENERATED

    d = tmp_path_factory.mktemp("layers")
    for f in GENERATED.glob("demo_n21e105_*.csv"):
        shutil.copy(f, d / f.name)
    text = base_scenario().replace("  dir: out", "  dir: out\n  formats: [shapefile, gpkg, geojson, kml]")
    # A demanding threshold leaves some bản that no candidate reaches.
    text = text.replace("  radius_km: 12", "  radius_km: 10\n  threshold_dbm: -88")
    text = text.replace("  grid_spacing_km: 3", "  grid_spacing_km: 3\n  eirp_dbm: 40")
    (d / "s.yaml").write_text(text, encoding="utf-8")
    r = phusong.run_scenario(d / "s.yaml")
    return r, d / "out"


def read(out, layer, fmt):
    df = pyogrio.read_dataframe(out / f"{layer}{FORMATS[fmt]}")
    return df


def field_names(layer, fmt, extra=()):
    specs = list(layers.FIELDS[layer]) + list(extra)
    return [(f.dbf if fmt == "shapefile" else f.full, f) for f in specs]


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("layer", ["villages", "towers", "proposed_sites"])
def test_every_field_reads_back_by_name_in_every_format(run, layer, fmt):
    r, out = run
    ref = read(out, layer, "gpkg")  # full names
    got = read(out, layer, fmt)
    extra = layers.operator_fields(r.operators) if layer == "villages" else ()
    assert len(got) == len(ref) > 0
    for name, spec in field_names(layer, fmt, extra):
        assert name in got.columns, f"{layer}{FORMATS[fmt]}: no field {name!r} (has {list(got.columns)})"
        a, b = got[name].to_numpy(), ref[spec.full].to_numpy()
        if spec.type == "string":
            norm = [None if (x is None or (isinstance(x, float) and math.isnan(x)) or x == "") else x for x in a]
            normb = [None if (x is None or (isinstance(x, float) and math.isnan(x)) or x == "") else x for x in b]
            assert norm == normb, f"{layer}.{name} in {fmt}"
        else:
            np.testing.assert_allclose(np.asarray(a, float), np.asarray(b, float), rtol=1e-9, equal_nan=True,
                                       err_msg=f"{layer}.{name} in {fmt}")


def test_values_match_the_inputs_and_the_dictionary(run):
    r, out = run
    v = read(out, "villages", "kml")
    by_id = {x.id: x for x in r.villages}
    for _, row in v.iterrows():  # the KML fields are not shifted (the driver's own come first)
        x = by_id[row["ma_ban"]]
        assert row["ten_ban"] == x.name and row["xa"] == x.commune
        assert int(row["dan_so"]) == round(x.population) and int(row["so_ho"]) == round(x.households)
    with open(out / "field_dictionary.csv", encoding="utf-8") as f:
        dictionary = list(csv.DictReader(f))
    for layer in ("villages", "proposed_sites", "towers"):
        df = read(out, layer, "gpkg")
        for d in dictionary:
            if d["layer"] != layer or not d["values"]:
                continue
            allowed = set(d["values"].split(" | "))
            seen = {x for x in df[d["full_name"]] if isinstance(x, str) and x}
            if layer == "towers" and d["field"] == "cong_nghe":
                seen = {t for x in seen for t in x.split(";")}
            assert seen <= allowed, f"{layer}.{d['full_name']}: {seen - allowed} not in the dictionary"
    assert "new" not in set(read(out, "proposed_sites", "gpkg")["nha_mang"])
    assert str(read(out, "villages", "gpkg")["dan_so"].dtype).startswith("int")


def test_only_covered_ban_have_a_serving_site(run):
    r, out = run
    v = read(out, "villages", "gpkg")
    thr = r.scenario.radio.threshold_dbm
    white = v["trang_thai_hien_nay"] == layers.STATUS["white"]
    assert white.any() and (~white).any()
    assert v.loc[white, "tram_phuc_vu"].isna().all()
    assert v.loc[white, "nha_mang_phuc_vu"].isna().all()
    assert (v.loc[~white, "rsrp_tot_nhat_dbm"] >= thr - 0.01).all() and v.loc[~white, "tram_phuc_vu"].notna().all()
    t = read(out, "towers", "gpkg")
    assert t["so_ban_phuc_vu"].sum() == (~white).sum()


def test_uncoverable_reasons_are_words_and_numbers(run):
    r, out = run
    v = read(out, "villages", "gpkg")
    unc = v[v["sau_quy_hoach"] == layers.STATUS["uncoverable"]]
    assert len(unc) > 0, "the fixture should leave some bản no candidate reaches"
    assert set(unc["ly_do_khong_phu"]) <= set(layers.REASON_VI.values())
    blocked = unc[unc["ly_do_khong_phu"] == layers.REASON_VI["terrain_or_distance"]]
    thr = r.scenario.radio.threshold_dbm
    np.testing.assert_allclose(blocked["thieu_db"], thr - blocked["rsrp_ung_vien_dbm"], atol=0.011)
    assert (blocked["thieu_db"] > 0).all()
    assert not any(ch.isdigit() for x in unc["ly_do_khong_phu"] for ch in x)


def test_kml_is_named_and_styled(run):
    r, out = run
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    root = ET.parse(out / "villages.kml").getroot()
    marks = root.findall(".//k:Placemark", ns)
    assert len(marks) == len(r.villages)
    names = [m.findtext("k:name", namespaces=ns) for m in marks]
    assert names == [v.name for v in r.villages]
    colours = {m.findtext(".//k:IconStyle/k:color", namespaces=ns) for m in marks}
    assert len(colours) >= 2  # covered and white (and newly covered) in different colours
    sites = ET.parse(out / "proposed_sites.kml").getroot()
    assert all(m.find(".//k:IconStyle/k:Icon/k:href", ns) is not None for m in sites.findall(".//k:Placemark", ns))


def test_targets_come_only_from_the_scenario(run, tmp_path):
    r, out = run
    with open(out / "kpi_targets.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert all(row["target"] == "" and row["published"] == "" for row in rows)  # the demo sets none
    text = (out.parent / "s.yaml").read_text(encoding="utf-8") + (
        "targets:\n  coverage_4g_pct: 99.0\npublished:\n  white_villages: 40\n  source: test\n")
    (tmp_path / "s.yaml").write_text(text.replace("demo_n21e105_", str(out.parent) + "/demo_n21e105_"),
                                     encoding="utf-8")
    r2 = phusong.run_scenario(tmp_path / "s.yaml", out_dir=tmp_path / "o")
    t = {row["indicator"]: row for row in r2.kpis["targets"]}
    assert t["4G/5G coverage of people (%)"]["target"] == 99.0
    assert t["white bản (bản trắng)"]["published"] == 40 and t["white bản (bản trắng)"]["target"] == ""


def test_xlsx_for_a_planner(run):
    from openpyxl import load_workbook

    r, out = run
    # The same scenario with the XLSX tables and CSV with a byte-order mark.
    text = (out.parent / "s.yaml").read_text(encoding="utf-8").replace(
        "  formats: [shapefile, gpkg, geojson, kml]", "  formats: [gpkg]\n  tables: [csv, xlsx]\n  csv_bom: true")
    (out.parent / "x.yaml").write_text(text, encoding="utf-8")
    r = phusong.run_scenario(out.parent / "x.yaml", out_dir=out.parent / "x")
    out = out.parent / "x"
    wb = load_workbook(out / "kpi.xlsx")
    assert {"province", "district", "commune", "targets", "trạm đề xuất", "bản không phủ được"} <= set(wb.sheetnames)
    ws = wb["commune"]
    headers = [c.value for c in ws[1]]
    assert "dân số" in headers and "tỷ lệ dân được phủ sóng hiện nay (%)" in headers
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref
    pct = ws.cell(row=2, column=headers.index("tỷ lệ dân được phủ sóng hiện nay (%)") + 1)
    assert pct.number_format == "0.00"
    sites = wb["trạm đề xuất"]
    assert sites.max_row - 1 == len(r.plan.chosen)
    unreachable = wb["bản không phủ được"]
    assert unreachable.max_row - 1 == len(r.plan.uncoverable)
    assert (out / "kpi_commune.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # csv_bom
