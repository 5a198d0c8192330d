"""The bad-input matrix: every reader (scenario YAML, villages, sites, DEM, profiles, OR-Library,
antenna files) and every CLI command, given input that is wrong, stops with exit code 1 and a
message that names the file (or option), the row or key, the value — never a Python traceback,
never a result. Each case is run through the CLI in-process (click's runner) as a user types it.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from conftest import GENERATED, TILE, base_scenario

ROOT = Path(__file__).resolve().parents[2]
VILLAGES = GENERATED / "demo_n21e105_villages.GENERATED.csv"
TOWERS = GENERATED / "demo_n21e105_towers.GENERATED.csv"
MSI = ROOT / "tests" / "data" / "antenna" / "sector_65_t6.msi"


def cp1258(text: str) -> bytes:
    """Vietnamese text as Windows-1258 writes it: letters with circumflex, breve and horn
    precomposed, tone marks as combining characters."""
    import unicodedata

    out = []
    for ch in unicodedata.normalize("NFD", text):
        if ch in "\u0302\u0306\u031b" and out:
            out[-1] = unicodedata.normalize("NFC", out[-1] + ch)
        else:
            out.append(ch)
    return "".join(out).encode("cp1258")


@dataclass
class Case:
    id: str
    make: Callable[[Path], list[str]]  # builds files in a folder, returns the CLI arguments
    expect: list[str]                  # fragments the message must contain ({d} = the folder)


def _csv_edit(src: Path, column: str, value: str, row: int = 0) -> Callable[[str], str]:
    lines = src.read_text(encoding="utf-8").splitlines()
    head = lines[0].split(",")
    k = head.index(column)
    cells = lines[1 + row].split(",")
    cells[k] = value
    lines[1 + row] = ",".join(cells)
    return "\n".join(lines) + "\n"


def scenario(d: Path, text: str | None = None, villages: str | None = None, towers: str | None = None,
             extra: str = "", out: str | None = None) -> list[str]:
    """Writes s.yaml (the base scenario, or `text`) with optional replaced villages/towers CSV text."""
    shutil.copy(VILLAGES, d / VILLAGES.name)
    shutil.copy(TOWERS, d / TOWERS.name)
    if villages is not None:
        (d / "v.csv").write_bytes(villages.encode("utf-8") if isinstance(villages, str) else villages)
    if towers is not None:
        (d / "t.csv").write_bytes(towers.encode("utf-8") if isinstance(towers, str) else towers)
    body = text if text is not None else base_scenario(
        villages="v.csv" if villages is not None else VILLAGES.name,
        towers="t.csv" if towers is not None else TOWERS.name)
    (d / "s.yaml").write_text(body + extra, encoding="utf-8")
    return ["run", str(d / "s.yaml"), "--quiet"] + (["--out", out] if out else [])


def village_cell(column, value, row=0):
    return lambda d: scenario(d, villages=_csv_edit(VILLAGES, column, value, row))


def tower_cell(column, value, row=0):
    return lambda d: scenario(d, towers=_csv_edit(TOWERS, column, value, row))


def yaml_edit(old, new):
    return lambda d: scenario(d, text=base_scenario().replace(old, new))


def yaml_add(extra):
    return lambda d: scenario(d, extra=extra)


def raw_scenario(data: bytes):
    def make(d):
        (d / "s.yaml").write_bytes(data)
        return ["run", str(d / "s.yaml"), "--quiet"]
    return make


def alias_bomb(d):
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    return raw_scenario(("\n".join(lines + ["name: *a9"]) + "\n").encode())(d)


def geojson_villages(geometry: str):
    def make(d):
        props = '"id": "V1", "name": "Bản A", "population": 100, "households": 20'
        (d / "v.geojson").write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", '
                                     f'"properties": {{{props}}}, "geometry": {geometry}}}]}}', encoding="utf-8")
        return scenario(d, text=base_scenario(villages="v.geojson"))
    return make


def villages_bytes(data: bytes, name: str = "v.csv"):
    def make(d):
        (d / name).write_bytes(data)
        return scenario(d, text=base_scenario(villages=name))
    return make


def towers_with_antenna(pattern_text: str | None, column_value: str = "p.msi", azimuth: str = "90"):
    def make(d):
        if pattern_text is not None:
            (d / "p.msi").write_text(pattern_text, encoding="utf-8")
        lines = TOWERS.read_text(encoding="utf-8").splitlines()
        lines[0] += ",antenna,azimuth_deg"
        lines[1:] = [l + ",," for l in lines[1:]]
        lines[1] = lines[1][:-2] + f",{column_value},{azimuth}"
        return scenario(d, towers="\n".join(lines) + "\n")
    return make


def dem_raster(values: np.ndarray):
    def make(d):
        import phusong

        gt = [105.0, 1 / 1200, 0.0, 21.5, 0.0, -1 / 1200]
        phusong.write_raster(str(d / "dem.tif"), [("elevation", values.astype(np.float32), -9999.0)], gt,
                             phusong.crs_wkt("WGS84"))
        return ["coverage", "--dem", str(d / "dem.tif"), "--site", "105.05,21.45,30", "--freq-mhz", "900",
                "--radius-km", "2", "--out", str(d / "c.tif"), "--quiet"]
    return make


def coverage_args(*extra, site="105.5,21.2,30", freq="900"):
    def make(d):
        args = ["coverage", "--dem", str(TILE), "--radius-km", "5", "--out", str(d / "c.tif"), "--quiet"]
        if site:
            args += ["--site", site]
        if freq:
            args += ["--freq-mhz", freq]
        return args + list(extra)
    return make


def profile_file(text: str | bytes, name: str = "p.csv", *extra):
    def make(d):
        p = d / name
        p.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
        return ["link", "--profile", str(p), "--freq-mhz", "900", "--tx-height-m", "30", "--rx-height-m", "1.5",
                "--model", "p526"] + list(extra)
    return make


def orlib(text: str | bytes):
    def make(d):
        p = d / "scp.txt"
        p.write_bytes(text if isinstance(text, bytes) else text.encode())
        return ["solve", str(p)]
    return make


GOOD_PROFILE = "d_km,h_m\n0,100\n1,120\n2,110\n"
GOOD_MSI = MSI.read_text(encoding="utf-8", errors="replace") if MSI.is_file() else ""

CASES = [
    # --- scenario YAML ---------------------------------------------------------------------
    Case("yaml-unknown-key", yaml_edit("  radius_km: 12", "  radius_km: 12\n  radius_kms: 3"),
         ["{d}/s.yaml", "unknown key 'radio.radius_kms'"]),
    Case("yaml-wrong-type", yaml_edit("radius_km: 12", "radius_km: twelve"),
         ["key 'radio.radius_km'", "'twelve'"]),
    Case("yaml-missing-name", yaml_edit("name: t\n", ""), ["missing key 'name'"]),
    Case("yaml-missing-villages-file", lambda d: scenario(d, text=base_scenario(villages="nowhere.csv")),
         ["key 'inputs.villages'", "nowhere.csv", "not found"]),
    Case("yaml-not-a-mapping", raw_scenario(b"- a\n- b\n"), ["a scenario is a YAML mapping, got list"]),
    Case("yaml-empty", raw_scenario(b""), ["a scenario is a YAML mapping, got NoneType"]),
    Case("yaml-syntax", raw_scenario(b"name: [unclosed\n"), ["not valid YAML"]),
    Case("yaml-alias-bomb", alias_bomb, ["expands to more than 100,000 values"]),
    Case("yaml-cp1258", raw_scenario(cp1258("name: Sơn La\n")), ["not UTF-8 text", "save the scenario as UTF-8"]),
    Case("yaml-radius-zero", yaml_edit("radius_km: 12", "radius_km: 0"), ["key 'radio.radius_km'", "greater than 0"]),
    Case("yaml-threshold-positive", yaml_edit("radius_km: 12", "radius_km: 12\n  threshold_dbm: 50"),
         ["key 'radio.threshold_dbm'", "50"]),
    Case("yaml-unknown-model", yaml_edit("radius_km: 12", "radius_km: 12\n  model: cost231"),
         ["key 'radio.model'", "'cost231'"]),
    Case("yaml-unknown-technology", yaml_edit("radius_km: 12", "radius_km: 12\n  technologies: [4G, LTE-X]"),
         ["key 'radio.technologies'", "LTE-X", "2G, 3G, 4G, 5G"]),
    Case("yaml-unknown-format", yaml_edit("  dir: out", "  dir: out\n  formats: [pdf]"), ["key 'outputs.formats.0'", "'pdf'"]),
    Case("yaml-bad-crs", yaml_add("  crs: EPSG:999999\n"), ["key 'outputs.crs'"]),
    Case("yaml-unknown-generated", yaml_edit("data:dem/N21E105.hgt", "generated:atlantis"),
         ["key 'inputs.dem.0'", "unknown generated data 'atlantis'"]),
    Case("yaml-unregistered-data", yaml_edit("data:dem/N21E105.hgt", "data:dem/N99E999.hgt"),
         ["data file 'dem/N99E999.hgt' is not in the registry"]),
    Case("yaml-required-unknown", yaml_edit("grid_spacing_km: 3", "grid_spacing_km: 3\n  required_villages: [NOPE]"),
         ["key 'planning.required_villages'", "'NOPE'"]),
    Case("yaml-mast-10km", yaml_edit("grid_spacing_km: 3", "grid_spacing_km: 3\n  height_m: 10000"),
         ["key 'planning.height_m'", "10000"]),
    Case("yaml-eirp-1000", yaml_edit("grid_spacing_km: 3", "grid_spacing_km: 3\n  eirp_dbm: 1000"),
         ["key 'planning.eirp_dbm'", "1000"]),
    Case("yaml-freq-outside-model", yaml_edit("radius_km: 12", "radius_km: 12\n  freq_mhz: 100000"),
         ["key 'radio.freq_mhz'", "100000", "p526"]),
    Case("yaml-override-mast-10km", yaml_edit("radius_km: 12", "radius_km: 12\n  height_m: 10000"),
         ["key 'radio.height_m'", "500"]),
    Case("yaml-unknown-top-level-key", yaml_edit("grid_spacing_km: 3", "grid_spacing_km: 3\n  freq_mhz: 9000\n"
                                                        "radio_model_note: x"), ["unknown key 'radio_model_note'"]),
    Case("yaml-deeply-nested", raw_scenario(("name: " + "[" * 60 + "]" * 60 + "\n").encode()), ["nested"]),
    Case("yaml-negative-threads", yaml_add("threads: -2\n"), ["key 'threads'", "-2"]),
    Case("yaml-fibre-not-lines", lambda d: ((d / "f.geojson").write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, '
        '"geometry": {"type": "Point", "coordinates": [105.3, 21.2]}}]}', encoding="utf-8"),
        scenario(d, text=base_scenario().replace("  towers: demo_n21e105_towers.GENERATED.csv",
                                                 "  towers: demo_n21e105_towers.GENERATED.csv\n  fibre: f.geojson")))[1],
         ["f.geojson", "feature 1 is a Point", "must be lines"]),
    # --- output folder ---------------------------------------------------------------------
    Case("out-holds-inputs", lambda d: scenario(d, out=str(d)), ["holds the input"]),
    Case("out-is-a-file", lambda d: ((d / "f").write_text("x"), scenario(d, out=str(d / "f")))[1], ["is a file"]),
    Case("out-foreign-folder", lambda d: ((d / "o").mkdir(), (d / "o" / "x.txt").write_text("x"),
                                          scenario(d, out=str(d / "o")))[2], ["not written by phusong"]),
    Case("out-name-too-long", lambda d: scenario(d, out=str(d / ("đ" * 130))), ["longer than the file system allows"]),
    # --- villages ----------------------------------------------------------------------------
    Case("villages-missing-column", lambda d: scenario(d, villages=VILLAGES.read_text(encoding="utf-8").replace(
        "population", "people", 1)), ["{d}/v.csv", "missing field 'population'"]),
    Case("villages-not-a-number", village_cell("population", "many", 3), ["{d}/v.csv", "row 4", "'population'", "many"]),
    Case("villages-negative", village_cell("population", "-5"), ["row 1", "'population'", "-5"]),
    Case("villages-huge-population", village_cell("population", "1e300"), ["row 1", "'population'", "1e300"]),
    Case("villages-households-over-people", village_cell("households", "999999", 2), ["row 3", "'households'", "999999"]),
    Case("villages-duplicate-id", village_cell("id", "DEMO-V001", 1), ["row 2", "duplicate id 'DEMO-V001'"]),
    Case("villages-empty-id", village_cell("id", "", 5), ["row 6", "field 'id' is empty"]),
    Case("villages-bad-longitude", village_cell("lon", "200", 0), ["row 1", "'lon'", "200"]),
    Case("villages-outside-dem", village_cell("lat", "25.5", 0), ["row 1", "outside the DEM"]),
    Case("villages-no-rows", lambda d: scenario(d, villages=VILLAGES.read_text(encoding="utf-8").splitlines()[0] + "\n"),
         ["has no villages"]),
    Case("villages-cp1258", villages_bytes(cp1258("id,name,population,households,lon,lat\nV1,Bản Mường,100,20,105.3,21.2\n")), ["{d}/v.csv", "row 1", "'name'", "UTF-8"]),
    Case("villages-not-vector", villages_bytes(b"\x00\x01garbage" * 10, "v.gpkg"), ["{d}/v.gpkg", "cannot be opened"]),
    Case("villages-linestring", geojson_villages('{"type": "LineString", "coordinates": [[105.2, 21.2], [105.3, 21.3]]}'),
         ["v.geojson", "feature 1", "expected a POINT"]),
    Case("villages-no-geometry", geojson_villages("null"), ["v.geojson", "feature 1", "has no geometry"]),
    Case("villages-name-too-long", village_cell("name", "Bản " + "ư" * 130, 0), ["row 1", "'name'", "254 bytes"]),
    # --- sites -------------------------------------------------------------------------------
    Case("sites-missing-eirp", lambda d: scenario(d, towers=TOWERS.read_text(encoding="utf-8").replace("eirp_dbm", "power", 1)),
         ["{d}/t.csv", "missing field 'eirp_dbm'"]),
    Case("sites-mast-10km", tower_cell("height_m", "10000", 2), ["{d}/t.csv", "row 3", "'height_m'", "10000"]),
    Case("sites-under-ground", tower_cell("height_m", "-5", 0), ["row 1", "'height_m'", "-5"]),
    Case("sites-eirp-1000", tower_cell("eirp_dbm", "1000", 0), ["row 1", "'eirp_dbm'", "1000"]),
    Case("sites-eirp-minus-1000", tower_cell("eirp_dbm", "-1000", 0), ["row 1", "'eirp_dbm'", "-1000"]),
    Case("sites-freq-zero", tower_cell("freq_mhz", "0", 0), ["row 1", "'freq_mhz'", "0"]),
    Case("sites-unknown-technology", tower_cell("technologies", "2G;LTE-X", 0), ["row 1", "'technologies'", "LTE-X", "4G"]),
    Case("sites-bandwidth-text", lambda d: scenario(d, towers=TOWERS.read_text(encoding="utf-8").splitlines()[0]
                                                    + ",bandwidth_mhz\n" + "\n".join(
        l + (",wide" if i == 0 else ",10") for i, l in enumerate(TOWERS.read_text(encoding="utf-8").splitlines()[1:])) + "\n"),
         ["row 1", "'bandwidth_mhz'", "wide"]),
    Case("sites-duplicate-id", lambda d: scenario(d, towers=_csv_edit(TOWERS, "id", TOWERS.read_text(
        encoding="utf-8").splitlines()[1].split(",")[0], 1)), ["row 2", "duplicate id"]),
    Case("sites-freq-outside-model", tower_cell("freq_mhz", "90000", 0), ["{d}/t.csv", "row 1", "90000", "p526"]),
    Case("sites-operator-collision", lambda d: scenario(d, towers="\n".join(
        [TOWERS.read_text(encoding="utf-8").splitlines()[0]] + [
            ",".join(c if k != 1 else ("Viettel Telecom" if i % 2 else "Viettel Tele")
                     for k, c in enumerate(l.split(",")))
            for i, l in enumerate(TOWERS.read_text(encoding="utf-8").splitlines()[1:])]) + "\n"),
         ["'Viettel Tele'", "'Viettel Telecom'", "phu_viette"]),
    # --- antenna files -----------------------------------------------------------------------
    Case("antenna-file-missing", towers_with_antenna(None, "absent.msi"), ["row 1", "absent.msi", "not found"]),
    Case("antenna-azimuth-400", towers_with_antenna(GOOD_MSI, "p.msi", "400"), ["row 1", "'azimuth_deg'", "400"]),
    Case("antenna-no-horizontal", towers_with_antenna("NAME x\nGAIN 15 dBi\nVERTICAL 2\n0 0\n180 10\n"),
         ["p.msi", "HORIZONTAL"]),
    Case("antenna-bad-number", towers_with_antenna("NAME x\nGAIN lots dBi\nHORIZONTAL 2\n0 0\n180 10\nVERTICAL 2\n0 0\n180 10\n"),
         ["p.msi", "lots"]),
    # --- DEM and coverage --------------------------------------------------------------------
    Case("dem-not-found", lambda d: ["coverage", "--dem", str(d / "nowhere.tif"), "--site", "105.5,21.2,30",
                                     "--freq-mhz", "900", "--radius-km", "5", "--out", str(d / "c.tif")],
         ["nowhere.tif"]),
    Case("dem-not-a-raster", lambda d: ((d / "x.tif").write_text("not a raster"),
                                        ["coverage", "--dem", str(d / "x.tif"), "--site", "105.5,21.2,30", "--freq-mhz",
                                         "900", "--radius-km", "5", "--out", str(d / "c.tif")])[1], ["x.tif"]),
    Case("dem-32km-high", dem_raster(np.where(np.arange(120 * 120).reshape(120, 120) == 7261, 32000.0, 500.0)),
         ["dem.tif", "32000"]),
    Case("dem-32km-deep", dem_raster(np.where(np.arange(120 * 120).reshape(120, 120) == 50 * 120 + 55, -32000.0, 500.0)),
         ["dem.tif", "-32000"]),
    Case("coverage-100ghz", coverage_args(freq="100000"), ["100000", "p526"]),
    Case("coverage-absurd-radius", coverage_args("--model", "los", "--radius-km", "100000", freq="900"), ["radius"]),
    Case("coverage-absurd-resolution", coverage_args("--resolution-m", "0.01"), ["resolution"]),
    Case("coverage-bad-site", coverage_args(site="105.5;21.2"), ["--site '105.5;21.2'", "LON,LAT,HEIGHT_M"]),
    Case("coverage-site-under-ground", coverage_args(site="105.5,21.2,-10"), ["-10"]),
    Case("coverage-no-freq", coverage_args(freq=None), ["--freq-mhz is required with --site"]),
    Case("coverage-visible-p526", coverage_args("--quantity", "visible"), ["quantity 'visible' needs model los"]),
    Case("coverage-eirp-1000", coverage_args("--eirp-dbm", "1000"), ["1000"]),
    # --- profiles (phusong link) -------------------------------------------------------------
    Case("profile-missing-column", profile_file("d_km,height\n0,1\n1,2\n"), ["p.csv", "missing column 'h_m'"]),
    Case("profile-not-a-number", profile_file("d_km,h_m\n0,100\n1,abc\n"), ["p.csv", "line 3", "'h_m'", "abc"]),
    Case("profile-not-increasing", profile_file("d_km,h_m\n0,100\n2,120\n1,110\n"), ["p.csv", "line 4", "does not increase"]),
    Case("profile-too-short", profile_file("d_km,h_m\n0,100\n"), ["p.csv", "at least 2 points"]),
    Case("profile-ragged", profile_file("d_km,h_m\n0,100\n1,120,7\n"), ["p.csv", "line 3", "3 values for 2 columns"]),
    Case("profile-cp1258", profile_file(cp1258("d_km,h_m\n# đồi\n0,1\n")), ["p.csv", "UTF-8"]),
    Case("profile-pfl-count", profile_file("3 100 1 2 3\n", "p.pfl"), ["p.pfl", "np = 3", "expected 4"]),
    Case("profile-pfl-spacing", profile_file("2 -100 1 2 3\n", "p.pfl"), ["p.pfl", "xi_m must be > 0"]),
    Case("profile-nan-height", profile_file("d_km,h_m\n0,100\n1,nan\n2,50\n"), ["line 3", "'h_m'", "not a finite number"]),
    Case("profile-empty", profile_file(""), ["p.csv", "empty profile file"]),
    Case("profile-pfl-fractional-np", profile_file("2.5 100 1 2 3\n", "p.pfl"), ["p.pfl", "np", "not an integer: 2.5"]),
    Case("link-freq-outside-model", profile_file(GOOD_PROFILE, "p.csv", "--freq-mhz", "9000", "--model", "p1812"),
         ["9000", "[30, 6000]"]),
    Case("link-dem-without-points", lambda d: ["link", "--dem", str(TILE), "--freq-mhz", "900", "--tx-height-m", "30",
                                               "--rx-height-m", "1.5", "--model", "p526"], ["--from"]),
    # --- OR-Library set cover (phusong solve) ------------------------------------------------
    Case("orlib-not-a-number", orlib("1 2\n1 x\n1 1\n"), ["scp.txt:2", "'x'"]),
    Case("orlib-truncated", orlib("2 2\n1 1\n1 1\n"), ["scp.txt", "unexpected end of file"]),
    Case("orlib-column-out-of-range", orlib("1 2\n1 1\n1 3\n"), ["scp.txt", "'3'"]),
    Case("orlib-empty", orlib(""), ["scp.txt", "end of file"]),
    Case("orlib-huge-declared", orlib("100000000 100000000\n"), ["scp.txt", "100000000"]),
    Case("orlib-negative-cost", orlib("1 1\n-4\n1 1\n"), ["scp.txt", "'-4'"]),
    Case("orlib-infeasible", orlib("3 2\n1 1\n1 1\n1 2\n0\n"), ["scp.txt: infeasible", "rows 3", '"status": "infeasible"',
                                                                     '"proven_optimal": false']),
    Case("orlib-not-found", lambda d: ["solve", str(d / "absent.txt")], ["absent.txt"]),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_refused_with_a_clear_message(case, tmp_path, monkeypatch):
    from phusong.cli import main

    monkeypatch.chdir(tmp_path)
    args = case.make(tmp_path)
    before = {p.relative_to(tmp_path).as_posix(): p.stat().st_mtime_ns for p in tmp_path.rglob("*")}
    result = CliRunner().invoke(main, args, catch_exceptions=True)
    out = result.output
    assert result.exit_code in (1, 2), f"exit {result.exit_code}: {out}\n{result.exception!r}"
    assert isinstance(result.exception, SystemExit), f"not handled: {result.exception!r}\n{out}"
    assert "Traceback" not in out
    for frag in case.expect:
        assert frag.replace("{d}", str(tmp_path)) in out, f"missing {frag!r} in:\n{out}"
    after = {p.relative_to(tmp_path).as_posix(): p.stat().st_mtime_ns for p in tmp_path.rglob("*")}
    created = sorted(set(after) - set(before))
    assert not [c for c in created if not c.startswith("__")], f"bad input wrote {created}"
    assert all(after[k] == v for k, v in before.items() if k in after), "bad input changed a file"


def test_the_matrix_is_large_enough():
    assert len(CASES) >= 60


def test_coverage_reads_only_the_window_it_needs(tmp_path, monkeypatch):
    """`phusong coverage` reads (and checks) only the DEM window the site's disc needs: a bad
    value far outside it is not read, and the raster is the same as from a clean DEM."""
    from phusong.cli import main

    monkeypatch.chdir(tmp_path)
    outs = []
    for name, bad in (("clean", 500.0), ("far", -32000.0)):
        d = tmp_path / name
        d.mkdir()
        args = dem_raster(np.where(np.arange(120 * 120).reshape(120, 120) == 100, bad, 500.0))(d)
        result = CliRunner().invoke(main, args, catch_exceptions=True)
        assert result.exit_code == 0, result.output
        outs.append((d / "c.tif").read_bytes())
    assert outs[0] == outs[1]
