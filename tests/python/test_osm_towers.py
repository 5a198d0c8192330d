"""OpenStreetMap communication towers as a towers input (phusong.inputs.osm.towers_from_pois;
``inputs.towers: {file, format: osm_towers}``): the comms_tower points of a Geofabrik POI layer,
the other towers listed and left out, assumptions labelled; bad layers named."""

import csv
import json

import pytest

import phusong
from conftest import ROOT
from phusong.inputs import datasets, osm


def test_the_shared_extract(tmp_path):
    src = datasets.fetch("osm/vn_comms_towers.geojson")
    feats = json.loads(src.read_text(encoding="utf-8"))["features"]
    comms = {f["properties"]["osm_id"]: f["geometry"]["coordinates"] for f in feats
             if f["properties"]["fclass"] == "comms_tower"}
    others = sum(f["properties"]["fclass"] == "tower" for f in feats)
    r = osm.towers_from_pois(src, tmp_path / "t.csv")
    assert r.towers == len(comms) == 35 and others == 33
    assert r.warnings == [f"{src}: 33 points of class 'tower' are not tagged as communication towers: left out"]
    sites = phusong.read_sites(str(r.path))
    assert sorted(s.id for s in sites) == sorted(f"OSM-{i}" for i in comms)
    dalat = next(s for s in sites if s.id == "OSM-1152315619")  # "TT. Viễn Thông Đà Lạt"
    assert (dalat.lon, dalat.lat) == pytest.approx((108.4390705, 11.9373996), abs=1e-7)
    assert (dalat.operator, dalat.technologies, dalat.height_m, dalat.freq_mhz, dalat.eirp_dbm) == \
        ("OSM", "2G", 30.0, 900.0, 58.0)
    rows = list(csv.DictReader(open(r.path, encoding="utf-8")))
    assert all("ASSUMED" in x["source"] and "ODbL" in x["source"] for x in rows)


def _pois(tmp_path, feats):
    p = tmp_path / "pois.geojson"
    p.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": props, "geometry": geom} for props, geom in feats]}, ensure_ascii=False),
        encoding="utf-8")
    return p


def _pt(lon, lat):
    return {"type": "Point", "coordinates": [lon, lat]}


def test_operator_attribute_and_bad_layers(tmp_path):
    p = _pois(tmp_path, [({"osm_id": "1", "fclass": "comms_tower", "operator": "Viettel"}, _pt(104.0, 21.3)),
                         ({"osm_id": "2", "fclass": "comms_tower", "operator": None}, _pt(104.1, 21.3)),
                         ({"osm_id": "3", "fclass": "water_tower", "operator": None}, _pt(104.2, 21.3))])
    r = osm.towers_from_pois(p, tmp_path / "t.csv")
    assert [(s.id, s.operator) for s in phusong.read_sites(str(r.path))] == [("OSM-1", "Viettel"), ("OSM-2", "OSM")]
    assert r.warnings == [f"{p}: 1 points of other classes: left out"]
    line = _pois(tmp_path, [({"osm_id": "9", "fclass": "comms_tower"},
                             {"type": "LineString", "coordinates": [[104.0, 21.0], [104.1, 21.1]]})])
    with pytest.raises(phusong.InputError, match=r"pois\.geojson: feature 1 \(osm_id 9\): expected a POINT, got LINESTRING"):
        osm.towers_from_pois(line, tmp_path / "t2.csv")
    none = _pois(tmp_path, [({"osm_id": "5", "fclass": "tower"}, _pt(104.0, 21.0))])
    with pytest.raises(phusong.InputError, match=r"pois\.geojson: no point of class 'comms_tower'"):
        osm.towers_from_pois(none, tmp_path / "t3.csv")
    nofield = _pois(tmp_path, [({"osm_id": "5", "kind": "tower"}, _pt(104.0, 21.0))])
    with pytest.raises(phusong.InputError, match=r"pois\.geojson: missing field 'fclass'"):
        osm.towers_from_pois(nofield, tmp_path / "t4.csv")
    assert not (tmp_path / "t2.csv").exists() and not (tmp_path / "t3.csv").exists()


def test_osm_towers_in_a_scenario(tmp_path):
    """OSM towers in Sơn La as the towers of a run (2G sites of an unknown operator): the white bản
    are those no broadband site covers, and the towers are hosts for upgrades; the 'tower' points
    left out are listed in input_warnings.csv."""
    src = list(csv.DictReader(open(ROOT / "datasets" / "generated" / "sonla_towers.GENERATED.csv", encoding="utf-8")))
    feats = [({"osm_id": str(1000 + k), "fclass": "comms_tower", "name": f"Trạm {k}"},
              _pt(float(t["lon"]), float(t["lat"]))) for k, t in enumerate(src[:40])]
    feats.append(({"osm_id": "99", "fclass": "tower", "name": "Chòi quan sát"}, _pt(104.0, 21.3)))
    p = _pois(tmp_path, feats)
    villages = ROOT / "datasets" / "generated" / "sonla_villages.GENERATED.csv"
    s = tmp_path / "s.yaml"
    s.write_text(f"""name: osm-towers
inputs:
  dem: [generated:sonla-terrain]
  villages: {villages}
  towers: {{file: {p}, format: osm_towers}}
planning:
  candidates: [upgrade]
  method: greedy
outputs:
  dir: out
  formats: [gpkg]
""", encoding="utf-8")
    r = phusong.run_scenario(s)
    assert r.towers == []  # 2G only: no broadband site, every bản white
    assert len(r.white) == len(r.villages)
    ups = [c.id for c in r.candidates if c.kind == "upgrade"]
    assert ups and all(i.startswith("UP-OSM-10") for i in ups)
    rows = list(csv.DictReader(open(tmp_path / "out" / "input_warnings.csv", encoding="utf-8")))
    assert [w["warning"] for w in rows] == [f"{p}: 1 points of class 'tower' are not tagged as communication towers: "
                                            "left out"]
    with pytest.raises(phusong.ScenarioError, match=r"'inputs.villages.format': osm_towers is a towers format"):
        s.write_text(s.read_text(encoding="utf-8").replace(f"villages: {villages}",
                                                           f"villages: {{file: {p}, format: osm_towers}}"),
                     encoding="utf-8")
        phusong.run_scenario(s, out_dir=tmp_path / "bad")


def test_the_country_extract_on_a_province_dem(tmp_path):
    """The shared extract covers all Vietnam: on Sơn La's DEM the towers outside it are left out
    and counted, not refused (a towers file of another format must lie within the DEM)."""
    villages = ROOT / "datasets" / "generated" / "sonla_villages.GENERATED.csv"
    s = tmp_path / "s.yaml"
    s.write_text(f"""name: osm-country
inputs:
  dem: [generated:sonla-terrain]
  villages: {villages}
  towers: {{file: "data:osm/vn_comms_towers.geojson", format: osm_towers}}
planning:
  enabled: false
outputs:
  dir: out
  formats: [gpkg]
""", encoding="utf-8")
    phusong.run_scenario(s)
    rows = [w["warning"] for w in csv.DictReader(open(tmp_path / "out" / "input_warnings.csv", encoding="utf-8"))]
    outside = [w for w in rows if "lie outside the DEM" in w]
    assert len(outside) == 1 and "vn_comms_towers.geojson: 34 OSM communication towers lie outside the DEM" in outside[0]
    assert any("33 points of class 'tower'" in w for w in rows)
