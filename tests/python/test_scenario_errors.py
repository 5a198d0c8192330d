"""Bad scenario and input files stop the run with a message naming the key, file, row and
value, before anything is written."""

import pytest

import phusong
from conftest import base_scenario


def run_expecting(path, match):
    with pytest.raises(phusong.InputError) as exc:
        phusong.run_scenario(path)
    assert isinstance(exc.value, ValueError)
    assert match in str(exc.value), str(exc.value)
    assert not (path.parent / "out").exists(), "nothing may be written on bad input"
    return str(exc.value)


def test_unknown_key(scenario_dir):
    d, write = scenario_dir
    p = write(base_scenario().replace("  radius_km: 12", "  radius_km: 12\n  radius_kms: 3"))
    msg = run_expecting(p, "unknown key 'radio.radius_kms'")
    assert str(p) in msg


def test_wrong_type(scenario_dir):
    d, write = scenario_dir
    p = write(base_scenario().replace("radius_km: 12", "radius_km: twelve"))
    run_expecting(p, "key 'radio.radius_km': Input should be a valid number")


def test_missing_key(scenario_dir):
    d, write = scenario_dir
    p = write(base_scenario().replace("name: t\n", ""))
    run_expecting(p, "missing key 'name'")


def test_missing_input_file(scenario_dir):
    d, write = scenario_dir
    p = write(base_scenario(villages="nowhere.csv"))
    run_expecting(p, f"key 'inputs.villages': file '{d / 'nowhere.csv'}' not found")


def test_unregistered_data_file(scenario_dir):
    d, write = scenario_dir
    p = write(base_scenario().replace("data:dem/N21E105.hgt", "data:dem/N99E999.hgt"))
    run_expecting(p, "data file 'dem/N99E999.hgt' is not in the registry")


def test_bad_crs(scenario_dir):
    d, write = scenario_dir
    p = write(base_scenario() + "  crs: EPSG:999999\n")
    run_expecting(p, "key 'outputs.crs'")


def test_missing_scenario_file(tmp_path):
    with pytest.raises(phusong.ScenarioError, match="scenario file .* not found"):
        phusong.run_scenario(tmp_path / "absent.yaml")


HEADER = "id,name,commune,district,population,households,lon,lat\n"


@pytest.mark.parametrize("rows,expected", [
    ("B1,Bản A,X,H,100,20,105.2,21.2\nB1,Bản B,X,H,100,20,105.3,21.2\n", "row 2: duplicate id 'B1'"),
    ("B1,Bản A,X,H,lots,20,105.2,21.2\n", "row 1: field 'population' is not a number: 'lots'"),
    ("B1,Bản A,X,H,100,-4,105.2,21.2\n", "row 1: field 'households' is negative: -4"),
    ("B1,Bản A,X,H,100,20,105.2,21.2\nB2,Bản Xa,X,H,100,20,106.7,21.2\n",
     "row 2 (village id 'B2'): point (106.7, 21.2) lies outside the DEM (N21E105.hgt)"),
])
def test_bad_village_files(scenario_dir, rows, expected):
    d, write = scenario_dir
    (d / "v.csv").write_text(HEADER + rows, encoding="utf-8")
    p = write(base_scenario(villages="v.csv"))
    msg = run_expecting(p, expected)
    assert str(d / "v.csv") in msg


def test_village_file_missing_field(scenario_dir):
    d, write = scenario_dir
    (d / "v.csv").write_text("id,name,households,lon,lat\nB1,a,2,105.2,21.2\n", encoding="utf-8")
    run_expecting(write(base_scenario(villages="v.csv")), f"{d / 'v.csv'}: missing field 'population'")


def test_bad_tower_file(scenario_dir):
    d, write = scenario_dir
    (d / "t.csv").write_text("id,operator,technologies,height_m,freq_mhz,eirp_dbm,lon,lat\n"
                             "T1,Viettel,4G,-30,1800,60,105.2,21.2\n", encoding="utf-8")
    run_expecting(write(base_scenario(towers="t.csv")), f"{d / 't.csv'}: row 1: field 'height_m' is negative: -30")


def test_tower_geojson_outside_dem(scenario_dir):
    d, write = scenario_dir
    (d / "t.geojson").write_text(
        '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"T9","operator":"VNPT",'
        '"technologies":"4G","height_m":30,"freq_mhz":1800,"eirp_dbm":60},'
        '"geometry":{"type":"Point","coordinates":[104.5,21.5]}}]}', encoding="utf-8")
    run_expecting(write(base_scenario(towers="t.geojson")),
                  "row 1 (tower id 'T9'): point (104.5, 21.5) lies outside the DEM")


def test_failed_run_keeps_earlier_outputs(scenario_dir):
    d, write = scenario_dir
    good = write(base_scenario())
    phusong.run_scenario(good)
    dbf = d / "out" / "villages.dbf"
    before = dbf.read_bytes()
    (d / "v.csv").write_text(HEADER + "B1,a,X,H,1,1,105.2,21.2\nB1,b,X,H,1,1,105.2,21.2\n", encoding="utf-8")
    with pytest.raises(phusong.InputError):
        phusong.run_scenario(write(base_scenario(villages="v.csv"), "bad.yaml"))
    assert dbf.read_bytes() == before
    assert not list((d / "out").glob(".phusong-staging*"))


def test_bad_district_file_names_the_file_and_field(tmp_path):
    from phusong.inputs import admin

    bad = tmp_path / "districts.json"
    bad.write_text('{"level2s": [{"level2_id": "1", "name": "Huyện Một"}]}', encoding="utf-8")
    with pytest.raises(phusong.InputError, match=r"districts\.json: level2s\[0\]: field 'coordinates' is missing"):
        admin.read_districts(bad)
    bad.write_text('{"level2s": [{"level2_id": "1", "name": "Huyện Một", "coordinates": [[1, 2]]}]}',
                   encoding="utf-8")
    with pytest.raises(phusong.InputError, match=r"level2s\[0\] \(Huyện Một\): field 'coordinates'"):
        admin.read_districts(bad)
    bad.write_text("{", encoding="utf-8")
    with pytest.raises(phusong.InputError, match="not a readable JSON file"):
        admin.read_districts(bad)


def test_district_polygons_are_read_once_for_all_layers():
    from phusong.inputs import admin, datasets

    path = datasets.fetch("admin/sonla_districts.json")
    ds = admin.read_districts(path)
    assert len(ds) == 12 and all(d.geometry.is_valid for d in ds)
    assert any(d.name == "Huyện Mộc Châu" for d in ds)  # UTF-8 names as in the file
    assert admin.read_districts(path) is ds  # cached while the file is unchanged
    assert abs(admin.province_area(path).area - sum(d.geometry.area for d in ds)) < 1e-6 * admin.province_area(path).area
