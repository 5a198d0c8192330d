"""The communes of 2025 (two-tier local government since 1 July 2025) and the 2019 census carried
to them (phusong.inputs.admin2025), on the real files of the data directory; the data registry's
licences and the project's LICENSE."""

from __future__ import annotations

import json
import shutil
import subprocess
import tomllib
from pathlib import Path

import numpy as np
import pytest

import phusong
from conftest import DATA, ROOT
from phusong.inputs import admin2025, datasets

COMMUNES_DIR = DATA / "admin2025" / "sonla_communes"
UNITS = DATA / "admin2025" / "donvi_tinhthanh.json"
POP = DATA / "census" / "VN_Population_ward.csv"
HH = DATA / "census" / "VN_HouseholdPop_ward.csv"
SONLA_2019_POPULATION = 1_248_415   # the official 2019 census total of Sơn La
SONLA_2019_HOUSEHOLDS = 289_516


def _area_km2(geom) -> float:
    """Area on a local equal-area (sinusoidal) projection about the geometry's centre."""
    import shapely

    lon0 = geom.centroid.x
    r = 6_371_008.8

    def project(xy):
        lon, lat = xy[:, 0], xy[:, 1]
        return np.column_stack((np.radians(lon - lon0) * r * np.cos(np.radians(lat)), np.radians(lat) * r))

    return shapely.transform(geom, project).area / 1e6


@pytest.fixture(scope="module")
def units():
    return admin2025.read_units(UNITS)


@pytest.fixture(scope="module")
def communes(units):
    return admin2025.read_communes(COMMUNES_DIR, units=units)


@pytest.fixture(scope="module")
def carry(communes, units):
    census = admin2025.read_census(["Sơn La"], POP, HH)
    return admin2025.carry_census(communes, units=units, census=census)


# -- names ---------------------------------------------------------------------------------------

def test_name_keys_ignore_type_spaces_case_and_tone_place():
    k = admin2025.name_key
    assert k("Xã Liên Hoà") == k("LiênHòa") == k("liên hòa")
    assert k("Xã Xí m Vàng") == k("XímVàng")             # the mapping's own typo "Xí m Vàng"
    assert k("Xã Chiềng Chung (huyện Mai Sơn)") == k("ChiềngChung")
    assert k("Thị trấn Ít Ong") == k("ítOng")
    assert k("Xã Nặm Ét") != k("Nậm ét")                 # a different letter, not a tone's place
    assert admin2025.ascii_key("Xã Đoàn Kết") == "xa_doan_ket"


def test_units_file_schema_and_predecessors(units):
    sonla = admin2025.province_unit(units, "Sơn La")
    assert (sonla.code, sonla.name) == ("14", "Tỉnh Sơn La")
    mine = [u for u in units if u.parent_code == "14"]
    assert len(mine) == 75
    by_name = {u.name: u for u in mine}
    assert by_name["Phường Chiềng An"].predecessors == ("Phường Chiềng An", "Xã Chiềng Xôm", "Xã Chiềng Đen")
    assert by_name["Xã Mường Bám"].predecessors == ("Xã Mường Bám",)   # "giữ nguyên": unchanged
    assert by_name["Xã Đoàn Kết"].predecessors == ("Xã Chiềng Chung (thị xã Mộc Châu)", "Xã Đoàn Kết")
    # 200 pre-2025 communes (dvhcvn's list of 01/03/2025) named by the 75 new ones
    assert sum(len(u.predecessors) for u in mine) == 200


def test_units_file_errors_name_the_file_and_field(tmp_path):
    bad = tmp_path / "units.json"
    bad.write_text(json.dumps([{"ma": "14", "ten": "Tỉnh Sơn La", "magoc": "0"}]), encoding="utf-8")
    with pytest.raises(phusong.InputError, match=r"units\.json: unit 1: field 'truocsapnhap' is missing"):
        admin2025.read_units(bad)
    with pytest.raises(phusong.InputError, match=r"province 'Atlantis' is not in the list of units"):
        admin2025.province_unit(admin2025.read_units(UNITS), "Atlantis")


# -- polygons ------------------------------------------------------------------------------------

def test_reads_the_75_communes_of_son_la(communes):
    assert len(communes) == 75
    assert len({c.code for c in communes}) == 75
    assert {c.province for c in communes} == {"Tỉnh Sơn La"}
    names = {c.name for c in communes}
    assert {"Xã Đoàn Kết", "Phường Tô Hiệu", "Xã Xím Vàng", "Phường Chiềng An", "Xã Chiềng Hặc"} <= names
    assert all(c.geometry.is_valid and c.geometry.geom_type in ("Polygon", "MultiPolygon") for c in communes)
    # The communes tile the province: their union has the province polygon's area (14,125 km²)
    import shapely
    from shapely.ops import unary_union

    province = shapely.from_wkb(bytes(phusong._core.read_geometries(str(DATA / "admin2025" / "sonla_province.geojson"))
                                      [0][1]))
    union = unary_union([c.geometry for c in communes])
    assert _area_km2(union) == pytest.approx(_area_km2(province), rel=0.01)
    assert _area_km2(union) == pytest.approx(14_125, rel=0.01)
    assert all(province.buffer(0.01).contains(c.geometry.representative_point()) for c in communes)


def test_communes_in_other_vector_formats(tmp_path, communes):
    """One file per commune in GeoPackage and Shapefile (made with ogr2ogr) reads as the GeoJSON."""
    d = tmp_path / "communes"
    d.mkdir()
    subprocess.run(["ogr2ogr", "-f", "GPKG", str(d / "20_doan_ket_xa.gpkg"), str(COMMUNES_DIR / "20_doan_ket_xa.geojson")],
                   check=True)
    subprocess.run(["ogr2ogr", "-f", "ESRI Shapefile", "-t_srs", "EPSG:9206", str(d / "67_to_hieu_phuong.shp"),
                    str(COMMUNES_DIR / "67_to_hieu_phuong.geojson")], check=True)
    got = admin2025.read_communes(d)
    ref = {c.code: c for c in communes}
    assert [c.name for c in got] == ["Xã Đoàn Kết", "Phường Tô Hiệu"]
    for c in got:
        assert _area_km2(c.geometry) == pytest.approx(_area_km2(ref[c.code].geometry), rel=1e-4)


def test_one_file_with_a_name_field(tmp_path):
    feats = []
    for f, name in (("20_doan_ket_xa.geojson", "Xã Đoàn Kết"), ("29_moc_son_phuong.geojson", "Phường Mộc Sơn")):
        feat = json.loads((COMMUNES_DIR / f).read_text(encoding="utf-8"))["features"][0]
        feat["properties"] = {"ten": name}
        feats.append(feat)
    p = tmp_path / "two.geojson"
    p.write_text(json.dumps({"type": "FeatureCollection", "features": feats}, ensure_ascii=False), encoding="utf-8")
    got = admin2025.read_communes(p, name_field="ten")
    assert [(c.code, c.name) for c in got] == [("04000", "Xã Đoàn Kết"), ("03979", "Phường Mộc Sơn")]
    assert got[1].source.endswith("two.geojson: feature 2")
    with pytest.raises(phusong.InputError, match=r"two\.geojson: feature 1: field 'name' is missing or empty \(fields: ten\)"):
        admin2025.read_communes(p, name_field="name")
    for driver, ext in (("GPKG", ".gpkg"), ("ESRI Shapefile", ".shp")):
        out = tmp_path / f"two{ext}"
        subprocess.run(["ogr2ogr", "-f", driver, str(out), str(p)] + (["-lco", "ENCODING=UTF-8"] if ext == ".shp" else []),
                       check=True)
        assert [c.name for c in admin2025.read_communes(out, name_field="ten")] == ["Xã Đoàn Kết", "Phường Mộc Sơn"]


def test_unknown_commune_file_names_the_file_and_name(tmp_path):
    d = tmp_path / "communes"
    d.mkdir()
    shutil.copy(COMMUNES_DIR / "20_doan_ket_xa.geojson", d / "20_doan_ket_xa.geojson")
    shutil.copy(COMMUNES_DIR / "67_to_hieu_phuong.geojson", d / "99_khong_co_xa.geojson")
    with pytest.raises(phusong.InputError, match=r"99_khong_co_xa\.geojson: commune 'khong_co \(xa\)' is not a unit of "
                                                 r"Tỉnh Sơn La"):
        admin2025.read_communes(d, province="Sơn La")
    (d / "99_khong_co_xa.geojson").rename(d / "tohieu.geojson")
    with pytest.raises(phusong.InputError, match=r"tohieu\.geojson: the file name does not end in _xa, _phuong"):
        admin2025.read_communes(d)


# -- census --------------------------------------------------------------------------------------

def test_province_total_is_unchanged(carry):
    assert carry.census_population == SONLA_2019_POPULATION
    assert carry.census_households == SONLA_2019_HOUSEHOLDS
    assert carry.unmatched == []
    assert carry.population == SONLA_2019_POPULATION
    assert carry.households == SONLA_2019_HOUSEHOLDS
    assert len(carry.communes) == 75
    assert all(c.population > 0 and 0 < c.households <= c.population for c in carry.communes)
    # Every pre-2025 unit of the mapping is fed, except the wards created after the 2019 census
    # (Mộc Châu became a thị xã in 2025: its wards come from the dissolved towns).
    assert set(carry.unused) <= {"Phường Mộc Lỵ", "Phường Mộc Sơn", "Phường Cờ Đỏ", "Phường Thảo Nguyên",
                                 "Phường Bình Minh", "Phường Vân Sơn", "Xã Đoàn Kết", "Xã Tân Yên", "Xã Phổng Ly",
                                 "Xã Chiềng Chung (thị xã Mộc Châu)"}


def test_same_figures_as_the_pre_2025_communes_of_the_generator(carry):
    """The census per commune read here is sonla.load_admin's (the Sơn La generator's) figures."""
    from phusong.inputs import sonla

    _, old = sonla.load_admin()
    assert sum(c["population"] for c in old) == carry.population
    assert sum(c["households"] for c in old) == carry.households


def test_rules_of_the_carry_over(carry):
    by_name = {c.name: c for c in carry.communes}
    # Unchanged communes keep their census figures.
    assert by_name["Xã Mường Lèo"].population == 3538
    assert by_name["Xã Mường Lèo"].parts == [("Xã MườngLèo (SốpCộp)", 1.0)]
    # A merger sums its communes: Chiềng An = Chiềng An + Chiềng Xôm + Chiềng Đen (2019 census).
    assert by_name["Phường Chiềng An"].population == 6688 + 5828 + 5932
    # Chiềng Chung of Mai Sơn goes to Mường Chanh, not to Đoàn Kết (the district in brackets).
    assert ("Xã ChiềngChung (MaiSơn)", 1.0) in by_name["Xã Mường Chanh"].parts
    # A dissolved commune named twice is shared equally, to the person: NT Mộc Châu, 29,612 people.
    assert ("ThịTrấn NTMộcChâu (MộcChâu)", 0.5) in by_name["Phường Thảo Nguyên"].parts
    assert ("ThịTrấn NTMộcChâu (MộcChâu)", 0.5) in by_name["Phường Vân Sơn"].parts
    # Spelling variants of the census file: "Xín Vàng" is Xím Vàng, "Bắc Ngà" Pắc Ngà.
    assert ("Xã XínVàng (BắcYên)", 1.0) in by_name["Xã Xím Vàng"].parts
    assert ("Xã BắcNgà (BắcYên)", 1.0) in by_name["Xã Pắc Ngà"].parts


def test_shares_keep_integers_exact():
    assert admin2025._split_int(29612, [0.25, 0.25, 0.25, 0.25]) == [7403] * 4
    assert admin2025._split_int(7, [0.5, 0.5]) == [4, 3]
    assert sum(admin2025._split_int(12753, [1, 1, 1])) == 12753


# Communes whose census areas do not match their polygons for a known reason: parts of communes
# moved in 2024 (NQ 1280/NQ-UBTVQH15) while the commune kept its name. Each group's total agrees.
AREA_GROUPS = {
    "Mộc Châu": {"Phường Mộc Châu", "Phường Mộc Sơn", "Phường Thảo Nguyên", "Phường Vân Sơn", "Xã Chiềng Sơn",
                 "Xã Đoàn Kết", "Xã Lóng Sập", "Xã Tân Yên"},
    "Phù Yên (rest of xã Quang Huy to Suối Tọ)": {"Xã Phù Yên", "Xã Suối Tọ"},
    "Thuận Châu (part of Chiềng Bôm to Phổng Ly)": {"Xã Thuận Châu", "Xã Nậm Lầu"},
}


def test_areas_confirm_the_mapping(communes, carry):
    """Each 2025 commune's polygon area agrees with the census areas of the communes carried to it:
    the mapping and the table of changes put the census communes where they are."""
    area = {c.code: _area_km2(c.geometry) for c in communes}
    grouped = set().union(*AREA_GROUPS.values())
    for c in carry.communes:
        if c.name not in grouped:
            assert c.area_m2 / 1e6 == pytest.approx(area[c.code], rel=0.15), c.name
    for group, names in AREA_GROUPS.items():
        mine = [c for c in carry.communes if c.name in names]
        assert len(mine) == len(names), group
        assert sum(c.area_m2 for c in mine) / 1e6 == pytest.approx(sum(area[c.code] for c in mine), rel=0.05), group


def test_unknown_census_names_are_listed_never_dropped(communes, units, tmp_path):
    rows = admin2025.read_census(["Sơn La"], POP, HH)
    extra = admin2025.CensusRow("extra.csv", 7, "VNM.X", "MộcChâu", "KhôngCó", "Xã", 1000, 250, 1e7)
    carry = admin2025.carry_census(communes, units=units, census=[*rows, extra])
    assert [u.row.name for u in carry.unmatched] == ["KhôngCó"]
    msg = carry.unmatched[0].message()
    assert "extra.csv: row 7" in msg and "'KhôngCó'" in msg and "1000 people" in msg and "truocsapnhap" in msg
    # listed, and the total is short by exactly that row
    assert carry.census_population - carry.population == 1000
    with pytest.raises(phusong.InputError, match=r"(?s)1 census commune\(s\) of Tỉnh Sơn La could not be carried.*"
                                                 r"extra\.csv: row 7: ward_id VNM\.X: commune 'KhôngCó'"):
        admin2025.carry_census(communes, units=units, census=[*rows, extra], strict=True)
    # Without the table of changes the dissolved and misspelt communes are listed, with their rows.
    bare = admin2025.carry_census(communes, units=units, census=rows, changes={})
    names = {u.row.name for u in bare.unmatched}
    assert {"NTMộcChâu", "XínVàng", "ViêngLán", "PhổngLăng"} <= names
    assert bare.census_population - bare.population == sum(u.row.population for u in bare.unmatched)
    assert all(f"{POP}: row {u.row.row}: ward_id {u.row.ward_id}" in u.message() for u in bare.unmatched)


def test_census_carried_only_to_the_communes_given(units):
    subset = [c for c in admin2025.read_communes(COMMUNES_DIR, units=units) if c.name == "Xã Mường Lèo"]
    carry = admin2025.carry_census(subset, units=units, census=admin2025.read_census(["Sơn La"], POP, HH))
    assert [(c.name, c.population) for c in carry.communes] == [("Xã Mường Lèo", 3538)]
    assert len(carry.unmatched) == 203
    assert "which is not among the communes given" in carry.unmatched[0].reason


def test_defaults_come_from_the_registry():
    carry = admin2025.carry_census(province="Sơn La")
    assert (carry.population, len(carry.communes)) == (SONLA_2019_POPULATION, 75)


# -- registry and licences -----------------------------------------------------------------------

LICENCES = {"dem/": "NASA SRTM, public domain", "admin/": "GPL-3.0", "admin2025/": "MIT", "osm/": "ODbL-1.0"}


def test_every_shared_data_file_is_registered_with_its_licence():
    reg = tomllib.loads((ROOT / "datasets" / "registry.toml").read_text(encoding="utf-8"))["files"]
    present = {p.relative_to(DATA).as_posix() for p in DATA.rglob("*") if p.is_file()}
    present -= {"SOURCES.md"}
    present = {p for p in present if not p.endswith(".aux.xml")}  # GDAL's statistics sidecars
    assert present <= set(reg), sorted(present - set(reg))
    for name, entry in reg.items():
        assert {"url", "sha256", "what", "licence"} <= set(entry), name
        for prefix, licence in LICENCES.items():
            if name.startswith(prefix):
                assert entry["licence"] == licence, name
    assert set(datasets.registry()) == set(reg)


def test_new_registry_entries_match_the_files():
    import hashlib

    for name, entry in datasets.registry().items():
        if name.startswith(("admin2025/", "osm/")):
            assert hashlib.sha256((DATA / name).read_bytes()).hexdigest() == entry["sha256"], name
            assert entry["url"].startswith("https://raw.githubusercontent.com/"), name


def test_project_licence_file():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License")
    assert "Copyright (c) 2026 the phusong authors" in text
    assert "THE SOFTWARE IS PROVIDED \"AS IS\"" in text
    assert tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["license"] == {"text": "MIT"}


def test_read_communes_missing_path(tmp_path):
    with pytest.raises(phusong.InputError, match=r"nowhere: file not found"):
        admin2025.read_communes(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(phusong.InputError, match=r"empty: no vector file"):
        admin2025.read_communes(tmp_path / "empty")


def test_module_is_documented():
    assert "share" in admin2025.__doc__ and "never dropped silently" in admin2025.__doc__
    assert Path(admin2025.__file__).name == "admin2025.py"
