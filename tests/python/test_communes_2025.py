"""The Sơn La scenarios report by the 75 communes of 2025 (inputs.communes): every bản in one
commune, the province total unchanged, the 2019 census carried through the official mapping beside
the bản's sums, the villages layer and the field dictionary naming the commune of 2025."""

import csv

import pyogrio
import pytest

import phusong
from conftest import ROOT


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    out = tmp_path_factory.mktemp("baseline-2025")
    sc = phusong.load_scenario(ROOT / "scenarios" / "sonla-baseline.yaml")
    sc.outputs.formats = ["gpkg"]
    return out, phusong.run_scenario(sc, out_dir=out)


def test_kpi_rows_are_the_75_communes_of_2025(baseline):
    out, r = baseline
    rows = list(csv.DictReader(open(out / "kpi_commune.csv", encoding="utf-8")))
    assert len(rows) == 75 and all(x["district"] == "" for x in rows)
    assert len({x["commune_code"] for x in rows}) == 75
    assert sum(int(float(x["ban"])) for x in rows) == len(r.villages)
    # The province total is unchanged, from the bản and from the census carried to the communes.
    pop = sum(float(x["population"]) for x in rows)
    assert pop == sum(v.population for v in r.villages) == sum(int(x["census_2019_population"]) for x in rows) == 1248415
    # Most communes' bản add up to the census carried to them (the GENERATED bản of a commune split
    # in 2025 are placed by location; the census splits it by the mapping's rule).
    close = [x for x in rows if abs(float(x["population"]) - int(x["census_2019_population"]))
             <= 0.02 * int(x["census_2019_population"])]
    assert len(close) >= 60
    assert r.summary["input_warnings"] == 0  # no bản outside every commune


def test_villages_layer_names_the_commune_of_2025(baseline):
    out, r = baseline
    df = pyogrio.read_dataframe(out / "villages.gpkg")
    names = {c.name for c in r.communes.communes}
    assert set(df["xa_phuong_2025"]) <= names and df["xa_phuong_2025"].ne("").all()
    assert "Phường Chiềng An" in names  # UTF-8 kept
    d = {(x["layer"], x["field"]) for x in csv.DictReader(open(out / "field_dictionary.csv", encoding="utf-8"))}
    assert ("villages", "xa_2025") in d


def test_villages_from_osm_places_with_census_estimates(tmp_path):
    """The real OSM places of Sơn La as the bản of a scenario: populations ESTIMATED from the census
    carried to the communes of 2025 (shared equally between each commune's places); communes with no
    place listed in input_warnings.csv, never dropped silently."""
    towers = ROOT / "datasets" / "generated" / "sonla_towers.GENERATED.csv"
    p = tmp_path / "s.yaml"
    p.write_text(f"""name: osm
inputs:
  dem: [generated:sonla-terrain]
  villages:
    file: data:osm/gis.osm_places_free_1.shp
    format: osm_places
  towers: {towers}
  communes: data:admin2025/sonla_communes
planning:
  enabled: false
outputs:
  dir: out
""", encoding="utf-8")
    r = phusong.run_scenario(p)
    assert 30 <= len(r.villages) <= 57  # of the 57 OSM places in Sơn La, the villages, hamlets and towns
    assert all(v.id.startswith("OSM-") for v in r.villages)
    rows = list(csv.DictReader(open(tmp_path / "out" / "kpi_commune.csv", encoding="utf-8")))
    for x in rows:  # each commune with places: its bản add up to the census carried to it
        assert int(float(x["population"])) == int(x["census_2019_population"])
    warnings = [w["warning"] for w in csv.DictReader(open(tmp_path / "out" / "input_warnings.csv", encoding="utf-8"))]
    assert any("communes have no OSM place" in w for w in warnings)
    with open(tmp_path / "out" / "summary.csv", encoding="utf-8") as f:
        assert any(row["key"] == "input_warnings" and int(row["value"]) >= 1 for row in csv.DictReader(f))


def test_communes_layer_with_kpis(baseline):
    out, r = baseline
    df = pyogrio.read_dataframe(out / "communes.gpkg")
    assert len(df) == 75 and df.geometry.geom_type.isin(["Polygon", "MultiPolygon"]).all()
    assert int(df["dan_so_tdt_2019"].sum()) == 1248415 == int(df["dan_so"].sum())
    assert int(df["so_ban"].sum()) == len(r.villages)
    assert int(df["ban_trang_hien_nay"].sum()) == r.summary["white_villages"]
    d = {(x["layer"], x["field"]) for x in csv.DictReader(open(out / "field_dictionary.csv", encoding="utf-8"))}
    assert ("communes", "ds_2019") in d and ("communes", "ma_xa") in d


def test_a_scenario_built_only_from_planners_data(tmp_path):
    """Issue 16's end-to-end case: an XLSX site list with VN-2000 TM-3 104° x/y (here the first 300
    GENERATED Sơn La towers written as an operator would), the OSM places extract as the bản and
    the 2025 commune polygons, with a plan; the KPIs by commune add up to the census carried."""
    from openpyxl import Workbook

    from phusong.inputs.tables import VI_COLUMNS

    src = list(csv.DictReader(open(ROOT / "datasets" / "generated" / "sonla_towers.GENERATED.csv", encoding="utf-8")))
    src = src[:300]
    x, y = phusong.transform([float(r["lon"]) for r in src], [float(r["lat"]) for r in src], "WGS84", "VN2000-TM3-104")
    h = VI_COLUMNS["sites"]
    cols = ["id", "sector", "operator", "technologies", "height_m", "freq_mhz", "eirp_dbm", "antenna", "azimuth_deg",
            "x", "y"]
    wb = Workbook()
    ws = wb.active
    ws.title = "Trạm"
    ws.append([h[c] for c in cols])
    sectored = set()
    for r, xe, yn in zip(src, x, y):
        # As an operator lists them: the 2G/3G sites in three sectors (one row each), the others omni.
        three = "4G" not in r["technologies"]
        sectored |= {r["id"]} if three else set()
        for k, az in enumerate((0, 120, 240) if three else (None,), start=1):
            ws.append([r["id"], k if three else None, r["operator"], r["technologies"].replace(";", ", "),
                       float(r["height_m"]), float(r["freq_mhz"]), float(r["eirp_dbm"]), "3gpp" if three else "omni", az,
                       round(float(xe), 2), round(float(yn), 2)])
    wb.save(tmp_path / "tram.xlsx")
    p = tmp_path / "s.yaml"
    p.write_text("""name: planners-data
inputs:
  dem: [generated:sonla-terrain]
  villages: {file: "data:osm/gis.osm_places_free_1.shp", format: osm_places}
  towers: {file: tram.xlsx, sheet: Trạm, columns: vi, crs: VN2000-TM3-104}
  communes: data:admin2025/sonla_communes
planning:
  candidates: [upgrade, colocation]
  method: greedy
outputs:
  dir: out
  formats: [gpkg]
""", encoding="utf-8")
    r = phusong.run_scenario(p)
    assert len(r.villages) == 56 and len(r.towers) > 0 and sectored
    # A multi-sector site is one candidate (UP-/CO-<site id>), never one per sector.
    ids = [c.id for c in r.candidates if c.kind in ("upgrade", "colocation")]
    assert ids and len(ids) == len(set(ids))
    assert {i[3:] for i in ids} <= {t["id"] for t in src}
    assert any(i[3:] in sectored for i in ids)
    rows = list(csv.DictReader(open(tmp_path / "out" / "kpi_commune.csv", encoding="utf-8")))
    assert all(int(float(x["population"])) == int(x["census_2019_population"]) for x in rows)
    assert (tmp_path / "out" / "communes.gpkg").is_file() and (tmp_path / "out" / "proposed_sites.gpkg").is_file()


def test_bad_commune_and_osm_inputs_name_the_key(tmp_path):
    towers = ROOT / "datasets" / "generated" / "sonla_towers.GENERATED.csv"
    base = f"""name: bad
inputs:
  dem: [generated:sonla-terrain]
  villages: {{file: "data:osm/gis.osm_places_free_1.shp", format: osm_places}}
  towers: {towers}
planning:
  enabled: false
"""
    p = tmp_path / "a.yaml"
    p.write_text(base, encoding="utf-8")  # osm_places without inputs.communes
    with pytest.raises(phusong.ScenarioError, match=r"'inputs.villages.format': osm_places needs inputs.communes"):
        phusong.run_scenario(p, out_dir=tmp_path / "a")
    p.write_text(base.replace(f"  towers: {towers}\n", f"  towers: {towers}\n  communes: no_such_folder\n"),
                 encoding="utf-8")
    with pytest.raises(phusong.ScenarioError, match=r"'inputs.communes': '.*no_such_folder' not found"):
        phusong.load_scenario(p)
    assert not (tmp_path / "a").exists()
