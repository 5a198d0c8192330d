"""The GENERATED national dataset of Vietnam (phusong.inputs.national): the 2025 provinces with the
2019 census carried to them, the terrain tiles (deterministic, seamless), the villages and sites,
and the national scenarios."""

import csv
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import yaml
from shapely import contains_xy

import phusong
from conftest import DATA, ROOT
from phusong import _core
from phusong.inputs import national
from phusong.scenario import Scenario, ScenarioError, load_scenario

SCEN = ROOT / "scenarios"
SCALE = 0.01  # ~1,000 villages and sites: quick


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return tmp_path_factory.mktemp("national-cache")


@pytest.fixture(scope="module")
def provs():
    return national.provinces()


@pytest.fixture(scope="module")
def tiles30(cache):
    return national.terrain_tiles(cache, 30)


@pytest.fixture(scope="module")
def dataset(cache):
    return national.generate(cache, SCALE)


def census_by_city(name: str, households: bool = False) -> dict[str, float]:
    out: dict[str, float] = {}
    with open(DATA / "census" / name, encoding="utf-8") as f:
        for r in csv.DictReader(f):
            v = sum(float(x) for k, x in r.items() if k.startswith(("urban_", "rural_")) and x) if households \
                else float(r["total"])
            out[r["city"]] = out.get(r["city"], 0.0) + v
    return out


def test_the_34_provinces_with_names_and_census(provs):
    assert len(provs) == 34
    assert len({p.code for p in provs}) == 34
    names = {p.name for p in provs}
    assert {"Tỉnh Sơn La", "Thủ Đô Hà Nội", "Thành Phố Hồ Chí Minh", "Tỉnh Đắk Lắk", "Thành Phố Huế"} <= names
    sonla = next(p for p in provs if p.name == "Tỉnh Sơn La")
    assert sonla.population == 1248415 and sonla.old_provinces == ("SơnLa",)
    assert sorted(next(p for p in provs if p.code == "68").old_provinces) == ["BìnhThuận", "LâmĐồng", "ĐắkNông"]
    assert all(p.geometry.is_valid and p.geometry.area > 0 for p in provs)
    # The same figures when the data directory is given explicitly.
    assert [(p.code, p.population) for p in national.provinces(DATA)] == [(p.code, p.population) for p in provs]


def test_every_old_province_maps_to_exactly_one_new_one(provs):
    pop = census_by_city("VN_Population_ward.csv")
    assert len(pop) == 63
    mapping = national.census_mapping()
    assert sorted(mapping) == sorted(pop)
    assert len(set(mapping.values())) == 34
    olds = [c for p in provs for c in p.old_provinces]
    assert sorted(olds) == sorted(pop)          # each old province in exactly one new one
    for p in provs:
        assert all(mapping[c] == p.code for c in p.old_provinces)


def test_census_totals_are_preserved_per_province_and_nationally(provs):
    pop = census_by_city("VN_Population_ward.csv")
    hh = census_by_city("VN_HouseholdPop_ward.csv", households=True)
    for p in provs:
        assert p.population == round(sum(pop[c] for c in p.old_provinces)), p.name
        assert p.households == round(sum(hh[c] for c in p.old_provinces)), p.name
    assert sum(p.population for p in provs) == round(sum(pop.values())) == 96208984
    assert sum(p.households for p in provs) == round(sum(hh.values())) == 26870079


def test_tiles_are_cached_and_reused(cache, tiles30):
    assert len(tiles30) == len(national.tiles()) > 60
    folder = cache / "vietnam-terrain-30s-2025"
    assert all(p.parent == folder and p.name.endswith(".GENERATED.tif") for p in tiles30)
    assert folder / "N21E105.GENERATED.tif" in tiles30
    before = {p: p.stat().st_mtime_ns for p in tiles30}
    assert national.terrain_tiles(cache, 30) == tiles30
    assert {p: p.stat().st_mtime_ns for p in tiles30} == before
    assert not list(folder.glob(".*"))  # no temporary file left


def test_tiles_are_deterministic(tmp_path, tiles30):
    a = national.write_tile(tmp_path / "a" / "N21E105.GENERATED.tif", 21, 105, 30)
    b = national.write_tile(tmp_path / "b" / "N21E105.GENERATED.tif", 21, 105, 30, seed=2026)
    ref = next(p for p in tiles30 if p.name == "N21E105.GENERATED.tif")
    assert a.read_bytes() == ref.read_bytes()
    assert b.read_bytes() != ref.read_bytes()
    z = phusong.Dem.open([str(a)]).heights_m
    assert z.shape == (121, 121)
    assert 0.0 <= np.nanmin(z) and np.nanmax(z) < 3300.0 and np.nanmax(z) > 300.0


def test_tiles_join_seamlessly(tiles30):
    by = {p.name: phusong.Dem.open([str(p)]) for p in tiles30 if p.name[:7] in ("N21E104", "N21E105", "N22E105")}
    west, east, north = (by[f"{n}.GENERATED.tif"] for n in ("N21E104", "N21E105", "N22E105"))
    # Neighbours share their edge column/row (SRTM layout), with the same heights.
    assert np.array_equal(west.heights_m[:, -1], east.heights_m[:, 0])
    assert np.array_equal(north.heights_m[-1, :], east.heights_m[0, :])
    assert west.geotransform[0] + 120 * west.geotransform[1] == pytest.approx(east.geotransform[0], abs=1e-12)
    # The heights are a pure function of (lon, lat, seed): the tile is that function sampled.
    lat = np.full(121, 22.0)
    lon = (105 * 120 + np.arange(121)) / 120
    assert np.array_equal(national.heights(lon, lat).astype(np.float32), east.heights_m[0, :])
    # A 3" tile on the same function: its samples on the 30" grid are the 30" tile's.
    z3 = national.tile_heights(21, 105, 3)
    assert z3.shape == (1201, 1201)
    assert np.array_equal(z3[::10, ::10], east.heights_m)
    # The mosaic has no void between tiles.
    dem = phusong.Dem.open([str(p) for p in tiles30 if p.name[:7] in ("N21E104", "N21E105", "N22E105",
                                                                        "N22E104")])
    assert np.isfinite(dem.heights_m).all()


def test_shape_of_the_country(tiles30):
    lon = np.array([103.78, 105.85, 105.8, 108.45, 107.98, 107.5, 104.0])
    lat = np.array([22.3, 21.03, 10.0, 11.95, 15.07, 19.0, 13.0])
    z = national.heights(lon, lat)
    assert z[0] > 1500            # Hoàng Liên Sơn
    assert 0 < z[1] < 30          # Red River delta (Hà Nội)
    assert 0 < z[2] < 10          # Mekong delta
    assert z[3] > 800             # Đà Lạt plateau
    assert z[4] > 1200            # Ngọc Linh, in the Annamite range
    assert z[5] == z[6] == 0.0    # the Gulf of Tonkin; Cambodia (outside the land: 0 m)


def test_villages_and_sites(provs, dataset, tiles30):
    vpath, tpath = dataset
    assert "GENERATED" in vpath.name and "GENERATED" in tpath.name and "scale0.01" in vpath.name
    sonla = ROOT / "datasets" / "generated"
    for path, ref in ((vpath, "sonla_villages.GENERATED.csv"), (tpath, "sonla_towers.GENERATED.csv")):
        with open(path, encoding="utf-8") as f, open(sonla / ref, encoding="utf-8") as g:
            assert f.readline() == g.readline()
    rows = list(csv.DictReader(open(vpath, encoding="utf-8")))
    assert len(rows) == 1000 and len({r["id"] for r in rows}) == len(rows)
    assert all("GENERATED" in r["source"] for r in rows)
    by_name = {p.name: p for p in provs}
    counts = Counter(r["district"] for r in rows)
    assert set(counts) == set(by_name)
    for name, p in by_name.items():
        mine = [r for r in rows if r["district"] == name]
        assert sum(int(r["population"]) for r in mine) == p.population, name
        assert sum(int(r["households"]) for r in mine) == p.households, name
        lon = np.array([float(r["lon"]) for r in mine])
        lat = np.array([float(r["lat"]) for r in mine])
        assert contains_xy(p.geometry, lon, lat).all(), name
    # Villages in proportion to the people.
    hcm = by_name["Thành Phố Hồ Chí Minh"]
    assert counts[hcm.name] == pytest.approx(1000 * hcm.population / 96208984, abs=2)
    villages = _core.read_villages(str(vpath))
    sites = _core.read_sites(str(tpath))
    assert len(villages) == 1000 and len(sites) == 1000
    assert len({s.id for s in sites}) == len(sites)
    dem = phusong.Dem.open([str(p) for p in tiles30])
    land = national.land()
    for pts in (villages, sites):
        lon, lat = np.array([v.lon for v in pts]), np.array([v.lat for v in pts])
        assert contains_xy(land, lon, lat).all()
        assert (national.heights(lon, lat) >= 1.0).all()   # on land of the terrain function
        z = dem.elevation_at_lonlat_m(lon, lat)
        assert np.isfinite(z).all()                          # on the tiles
        assert (z > 0).mean() > 0.99                         # (a 30" cell may straddle the coast)
    ops = Counter(s.operator for s in sites)
    assert ops["Viettel"] > ops["VNPT"] > ops["MobiFone"] > 100
    techs = Counter(s.technologies for s in sites)
    assert 0.6 < techs["2G;3G;4G"] / len(sites) < 0.97
    assert techs["2G"] > 0 and techs["3G"] > 0 and techs["2G;3G"] > 0
    assert all(30 <= s.height_m <= 45 and s.freq_mhz == 1800 for s in sites)


def test_dataset_is_deterministic_and_cached(tmp_path, dataset):
    a = national.generate(tmp_path / "a", SCALE)
    b = national.generate(tmp_path / "b", SCALE, seed=2026)
    for x, y in zip(a, dataset):
        assert x.read_bytes() == y.read_bytes()
    for x, y in zip(b, dataset):
        assert x.read_bytes() != y.read_bytes()
    mtime = a[0].stat().st_mtime_ns
    assert national.generate(tmp_path / "a", SCALE) == a and a[0].stat().st_mtime_ns == mtime


def test_the_reduced_scenario_loads(cache, monkeypatch):
    monkeypatch.setenv("PHUSONG_CACHE", str(cache))
    sc = load_scenario(SCEN / "vietnam-national-reduced.yaml")
    assert len(sc.inputs.dem) == len(national.tiles())
    assert all(Path(p).parent.name == "vietnam-terrain-30s-2025" for p in sc.inputs.dem)
    assert Path(sc.inputs.villages).name == "vietnam_villages_scale0.03_seed2025.GENERATED.csv"
    assert Path(sc.inputs.towers).name == "vietnam_towers_scale0.03_seed2025.GENERATED.csv"
    assert sc.radio.radius_km == 20 and sc.planning.grid_spacing_km == 10 and sc.outputs.raster_resolution_m == 900
    assert len(_core.read_villages(sc.inputs.villages)) == 3000


def test_the_national_scenario_is_valid():
    # Loading it makes the 3" terrain (about 80 s) and 100,000 villages: only its keys are checked here.
    raw = yaml.safe_load((SCEN / "vietnam-national.yaml").read_text(encoding="utf-8"))
    sc = Scenario.model_validate(raw)
    assert sc.inputs.dem == ["generated:vietnam-terrain@3"]
    assert sc.inputs.villages == "generated:vietnam-villages@1.0"
    assert sc.outputs.raster_resolution_m == 30


@pytest.mark.parametrize("key, ref, known", [
    ("dem", "[generated:vietnam-terain@30]", "known: sonla-terrain, vietnam-terrain"),
    ("villages", "generated:vietnam-village@0.03", "known: vietnam-villages"),
    ("towers", "generated:vietnam-villages@0.03", "known: vietnam-towers"),
    ("villages", "generated:vietnam-villages@-1", "positive number"),
])
def test_unknown_generated_names_are_clear_errors(tmp_path, cache, monkeypatch, key, ref, known):
    monkeypatch.setenv("PHUSONG_CACHE", str(cache))
    text = (SCEN / "vietnam-national-reduced.yaml").read_text(encoding="utf-8")
    lines = [f"  {key}: {ref}" if line.startswith(f"  {key}:") else line for line in text.splitlines()]
    p = tmp_path / "s.yaml"
    p.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(ScenarioError, match=known):
        load_scenario(p)
