"""Villages and sites tables as planners have them (phusong.inputs.tables): CSV (UTF-8 with or
without BOM, ; and decimal commas), XLSX sheets, GeoJSON/Shapefile/GeoPackage points; column
mappings, VN-2000 x/y, multi-sector sites; the templates of datasets/templates/. Every bad input
is an InputError naming the file, the row (or feature), the column and the value."""

from __future__ import annotations

import math
import subprocess
import sys
import unicodedata
from pathlib import Path

import numpy as np
import pytest

import phusong
from phusong.inputs import tables

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "datasets" / "templates"
# EX-S001 and EX-S002 of the templates, in WGS84 and VN-2000 TM-3 104° (x easting, y northing)
S1 = (103.9081, 21.3274, 490271.06, 2359199.87)
S2 = (103.9451, 21.2990, 494108.01, 2356053.93)

SITES_HEADER = "id,sector,operator,technologies,height_m,freq_mhz,eirp_dbm,antenna,azimuth_deg,x,y\n"


def write(path: Path, text: str, bom: bool = False) -> Path:
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path


# -- templates -----------------------------------------------------------------------------------

def test_templates_are_made_by_the_script(tmp_path):
    """make_templates.py writes the committed files byte for byte (deterministic XLSX too)."""
    subprocess.run([sys.executable, str(TEMPLATES / "make_templates.py"), str(tmp_path)], check=True, capture_output=True)
    made = sorted(p.name for p in tmp_path.iterdir())
    assert made == sorted(f"{k}_template_{lang}.{ext}" for k in ("villages", "sites") for lang in ("vi", "en")
                          for ext in ("csv", "xlsx"))
    for name in made:
        assert (tmp_path / name).read_bytes() == (TEMPLATES / name).read_bytes(), name


@pytest.mark.parametrize("ext", ["csv", "xlsx"])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_templates_read_back(tmp_path, lang, ext):
    cols = "vi" if lang == "vi" else None
    v = tables.villages_from_table(TEMPLATES / f"villages_template_{lang}.{ext}", columns=cols)
    assert [(r["id"], r["name"], r["commune"], r["commune_code"]) for r in v] == [
        ("EX-V001", "Bản Ví Dụ 1", "Phường Chiềng An", "03664"), ("EX-V002", "Bản Ví Dụ 2", "Xã Mường Bú", "03847")]
    s = tables.sites_from_table(TEMPLATES / f"sites_template_{lang}.{ext}", columns=cols, crs="VN2000-TM3-104")
    assert [r["id"] for r in s] == ["EX-S001-1", "EX-S001-2", "EX-S001-3", "EX-S002"]
    assert [r["azimuth_deg"] for r in s] == [0.0, 120.0, 240.0, None]
    np.testing.assert_allclose([(r["lon"], r["lat"]) for r in s], [S1[:2]] * 3 + [S2[:2]], atol=2e-7)  # ~2 cm
    out = tables.write_csv(s, tmp_path / "towers.csv", "sites")
    read = phusong.read_sites(str(out))
    assert [x.id for x in read] == ["EX-S001-1", "EX-S001-2", "EX-S001-3", "EX-S002"]
    assert [x.directional for x in read] == [True, True, True, False]
    vout = tables.write_csv(v, tmp_path / "villages.csv", "villages")
    read_v = phusong.read_villages(str(vout))
    assert [x.population for x in read_v] == [412, 256]
    assert [r["radius_m"] for r in v] == [250.0, None]  # optional: the spread of the households
    assert read_v[0].radius_m == 250 and math.isnan(read_v[1].radius_m)


def test_english_villages_template_is_read_by_the_engine_directly():
    assert [v.id for v in phusong.read_villages(str(TEMPLATES / "villages_template_en.csv"))] == ["EX-V001", "EX-V002"]


def test_templates_readme_documents_every_column():
    text = (TEMPLATES / "README.md").read_text(encoding="utf-8")
    for kind in ("villages", "sites"):
        for f in tables.FIELDS[kind]:
            assert f"`{f.name}`" in text, f.name
        for header in tables.VI_COLUMNS[kind].values():
            assert header in text, header


# -- formats and mappings ------------------------------------------------------------------------

def test_column_mapping_with_vietnamese_headers(tmp_path):
    p = write(tmp_path / "tram.csv",
              "MA_TRAM,NHA_MANG,CONG_NGHE,Độ cao anten,TAN_SO,EIRP,KINH_DO,VI_DO\n"
              "T1,Viettel,LTE,36,1800,59.5,104.0001,21.3000\n", bom=True)
    cols = {"id": "MA_TRAM", "operator": "NHA_MANG", "technologies": "CONG_NGHE", "height_m": "Độ cao anten",
            "freq_mhz": "TAN_SO", "eirp_dbm": "EIRP", "lon": "KINH_DO", "lat": "VI_DO"}
    [r] = tables.sites_from_table(p, columns=cols)
    assert (r["id"], r["technologies"], r["height_m"], r["eirp_dbm"], r["lon"], r["lat"]) == \
        ("T1", "4G", 36.0, 59.5, 104.0001, 21.3)


def test_semicolons_and_decimal_commas(tmp_path):
    p = write(tmp_path / "v.csv", "id;name;population;households;lon;lat\nB1;Bản Một;120;30;104,0001;21,3\n", bom=True)
    [r] = tables.villages_from_table(p)
    assert (r["lon"], r["lat"], r["population"]) == (104.0001, 21.3, 120.0)


def test_xlsx_sheet_by_name_and_excel_row_numbers(tmp_path):
    p = xlsx(tmp_path / "ds.xlsx", {"Ghi chú": [["nothing here"]],
                                    "Bản": [["id", "name", "population", "households", "lon", "lat"], [],
                                            ["B1", "Bản Một", 120, 30, 104.0, 21.3],
                                            ["B2", "Bản Hai", 80, "many", 104.1, 21.4]]})
    with pytest.raises(phusong.InputError) as e:
        tables.villages_from_table(p, sheet="Bản")
    assert str(e.value) == f"{p}: sheet 'Bản': row 4: column 'households' (households) is not a number: 'many'"
    with pytest.raises(phusong.InputError) as e:
        tables.villages_from_table(p, sheet="Villages")
    assert str(e.value) == f"{p}: sheet 'Villages' does not exist (sheets: 'Ghi chú', 'Bản')"
    with pytest.raises(phusong.InputError, match=r"ds\.xlsx: column 'id' is missing \(columns: 'nothing here'"):
        tables.villages_from_table(p)  # the first sheet by default


@pytest.mark.parametrize("driver,ext", [("GeoJSON", ".geojson"), ("ESRI Shapefile", ".shp"), ("GPKG", ".gpkg")])
def test_points_and_attributes_of_vector_files(tmp_path, driver, ext):
    src = write(tmp_path / "v.csv", "id,name,commune,population,households,lon,lat\n"
                                    "B1,Bản Mòng,Xã Chiềng Cọ,412,96,103.9081,21.3274\n"
                                    "B2,Bản Hìn,Xã Hua La,256,58,103.9451,21.299\n")
    out = tmp_path / f"v{ext}"
    subprocess.run(["ogr2ogr", "-f", driver, str(out), str(src), "-oo", "X_POSSIBLE_NAMES=lon", "-oo",
                    "Y_POSSIBLE_NAMES=lat", "-s_srs", "EPSG:4326", "-t_srs", "EPSG:9206", "-select",
                    "id,name,commune,population,households"]
                   + (["-lco", "ENCODING=UTF-8"] if driver == "ESRI Shapefile" else []), check=True)
    rows = tables.villages_from_table(out)
    assert [(r["id"], r["name"], r["commune"], r["population"]) for r in rows] == [
        ("B1", "Bản Mòng", "Xã Chiềng Cọ", 412.0), ("B2", "Bản Hìn", "Xã Hua La", 256.0)]
    np.testing.assert_allclose([(r["lon"], r["lat"]) for r in rows], [S1[:2], S2[:2]], atol=1e-7)
    assert rows[1]["source"] == f"v{ext} feature 2"


def test_epsg_code_and_utm(tmp_path):
    x, y = phusong.transform([104.0], [21.3], "WGS84", "EPSG:32648")
    p = write(tmp_path / "v.csv", f"id,name,population,households,x,y\nB1,Bản,10,2,{x[0]:.3f},{y[0]:.3f}\n")
    [r] = tables.villages_from_table(p, crs="EPSG:32648")
    assert (r["lon"], r["lat"]) == pytest.approx((104.0, 21.3), abs=1e-7)


def test_power_gain_and_loss_give_the_eirp(tmp_path):
    p = write(tmp_path / "s.csv", "id,operator,technologies,height_m,freq_mhz,tx_power_dbm,antenna_gain_dbi,"
                                  "feeder_loss_db,lon,lat\nT1,VNPT,4G,30,1800,43,17,2,104,21.3\n")
    [r] = tables.sites_from_table(p)
    assert r["eirp_dbm"] == 58.0


def test_antenna_pattern_file_beside_the_table(tmp_path):
    import shutil

    shutil.copy(ROOT / "tests" / "data" / "antenna" / "sector_65_t6.msi", tmp_path / "ant.msi")
    p = write(tmp_path / "s.csv", SITES_HEADER.replace("x,y", "lon,lat") + "T1,A,Viettel,4G,30,1800,60,ant.msi,90,104,21.3\n")
    [r] = tables.sites_from_table(p)
    out = tables.write_csv([r], tmp_path / "out" / "towers.csv", "sites")
    [s] = phusong.read_sites(str(out))
    assert s.directional and r["antenna"] == str(tmp_path / "ant.msi")


# -- multi-sector sites --------------------------------------------------------------------------

def test_sectors_of_one_site(tmp_path):
    p = write(tmp_path / "s.csv", SITES_HEADER +
              f"A,,Viettel,4G,40,1800,60,3gpp,0,{S1[2]},{S1[3]}\n"
              f"A,,Viettel,4G,40,1800,60,3gpp,120,{S1[2] + 1.0},{S1[3]}\n"
              f"A,,Viettel,LTE/NR,40,3500,62,3gpp,240,{S1[2]},{S1[3] - 1.0}\n"
              f"B,north,VNPT,2G;3G,30,900,58,omni,,{S2[2]},{S2[3]}\n")
    rows = tables.sites_from_table(p, crs="VN2000-TM3-104")
    assert [(r["id"], r["site_id"], r["sector"]) for r in rows] == [("A-1", "A", "1"), ("A-2", "A", "2"), ("A-3", "A", "3"),
                                                                     ("B", "B", "north")]
    assert rows[2]["technologies"] == "4G;5G" and rows[2]["freq_mhz"] == 3500.0
    assert len({(r["lon"], r["lat"]) for r in rows[:3]}) == 1  # sectors share the mean position


def test_site_ids_of_the_sectors(tmp_path):
    p = write(tmp_path / "s.csv", SITES_HEADER +
              f"A,,Viettel,4G,40,1800,60,3gpp,0,{S1[2]},{S1[3]}\n"
              f"A,,Viettel,4G,40,1800,60,3gpp,120,{S1[2]},{S1[3]}\n"
              f"B,north,VNPT,2G;3G,30,900,58,omni,,{S2[2]},{S2[3]}\n")
    out = tables.normalise(p, tmp_path / "out.csv", "sites", crs="VN2000-TM3-104")
    assert tables.site_ids(out) == {"A-1": "A", "A-2": "A"}  # B has one sector: a tower of its own
    assert tables.site_ids(ROOT / "datasets" / "generated" / "sonla_towers.GENERATED.csv") == {}  # no site_id column
    text = out.read_text(encoding="utf-8")
    (tmp_path / "bom.csv").write_text("\ufeff" + text, encoding="utf-8")  # a byte-order mark (Excel's CSV)
    assert tables.site_ids(tmp_path / "bom.csv") == {"A-1": "A", "A-2": "A"}
    # A hand-written CSV: sectors of one site id that disagree on the operator or the position,
    # or a site id that is also a row's id, are refused with the file, site and values.
    lines = text.splitlines()
    head, a1, a2 = lines[0].split(","), lines[1].split(","), lines[2].split(",")
    col = {c: k for k, c in enumerate(head)}

    def edited(row, **kw):
        row = list(row)
        for k, v in kw.items():
            row[col[k]] = v
        return ",".join(row)

    for name, rows, msg in (
            ("op.csv", [edited(a2, operator="VNPT")], r"site 'A': rows 1 and 2 share the site id but not the operator "
                                                      r"\('Viettel' and 'VNPT'\)"),
            ("pos.csv", [edited(a2, lon=str(float(a2[col["lon"]]) + 0.001))],
             r"site 'A': rows 1 and 2 share the site id but are 10\d\.\d m apart \(at most 5 m\)"),
            ("id.csv", [lines[2], edited(lines[3].split(","), id="A")], r"site 'A': its id is also a row's id")):
        p = tmp_path / name
        p.write_text("\n".join([lines[0], ",".join(a1)] + rows) + "\n", encoding="utf-8")
        with pytest.raises(phusong.InputError, match=rf"{name}: {msg}"):
            tables.site_ids(p)


def test_sector_rows_that_disagree_on_position(tmp_path):
    p = write(tmp_path / "s.csv", SITES_HEADER +
              f"A,1,Viettel,4G,40,1800,60,3gpp,0,{S1[2]},{S1[3]}\n"
              f"B,1,Viettel,4G,40,1800,60,3gpp,0,{S2[2]},{S2[3]}\n"
              f"A,2,Viettel,4G,40,1800,60,3gpp,120,{S1[2] + 30},{S1[3]}\n")
    with pytest.raises(phusong.InputError) as e:
        tables.sites_from_table(p, crs="VN2000-TM3-104")
    msg = str(e.value)
    assert msg.startswith(f"{p}: site 'A': rows 1 and 3 share the id but are 30.0 m apart (")
    assert "at most 5 m" in msg


def test_sector_rows_that_disagree_on_operator_or_repeat_a_sector(tmp_path):
    p = write(tmp_path / "s.csv", SITES_HEADER + f"A,1,Viettel,4G,40,1800,60,3gpp,0,{S1[2]},{S1[3]}\n"
                                                 f"A,2,VNPT,4G,40,1800,60,3gpp,120,{S1[2]},{S1[3]}\n")
    with pytest.raises(phusong.InputError, match=r"s\.csv: site 'A': rows 1 and 2 share the id but not the operator "
                                                 r"\('Viettel' and 'VNPT'\)"):
        tables.sites_from_table(p, crs="VN2000-TM3-104")
    p = write(tmp_path / "s.csv", SITES_HEADER + f"A,1,Viettel,4G,40,1800,60,3gpp,0,{S1[2]},{S1[3]}\n"
                                                 f"A,1,Viettel,4G,40,1800,60,3gpp,120,{S1[2]},{S1[3]}\n")
    with pytest.raises(phusong.InputError, match=r"s\.csv: site 'A': rows 1, 2 have the same sector '1'"):
        tables.sites_from_table(p, crs="VN2000-TM3-104")


# -- positions -----------------------------------------------------------------------------------

def test_xy_outside_the_crs_area(tmp_path):
    p = write(tmp_path / "s.csv", SITES_HEADER + f"A,1,Viettel,4G,40,1800,60,3gpp,0,{S1[2]},{S1[3]}\n"
                                                 "B,1,Viettel,4G,40,1800,60,3gpp,0,690000,2359199.87\n")
    with pytest.raises(phusong.InputError) as e:
        tables.sites_from_table(p, crs="VN2000-TM3-104")
    msg = str(e.value)
    assert msg.startswith(f"{p}: row 2: position x 690000, y 2.3592e+06 (x, y) in VN2000-TM3-104 gives lon 105.")
    assert "outside the CRS's area of use (its area of use: 103.21 ≤ lon ≤ 105.03, 20.57 ≤ lat ≤ 22.04" in msg


def test_swapped_xy_is_named(tmp_path):
    p = write(tmp_path / "s.csv", SITES_HEADER + f"A,1,Viettel,4G,40,1800,60,3gpp,0,{S1[3]},{S1[2]}\n")
    with pytest.raises(phusong.InputError, match=r"s\.csv: row 1: position x 2\.3592e\+06, y 490271 .* x and y look "
                                                 r"swapped \(in VN-2000 survey tables X is the northing"):
        tables.sites_from_table(p, crs="VN2000-TM3-104")


def test_xy_without_crs_and_unknown_crs(tmp_path):
    p = write(tmp_path / "s.csv", SITES_HEADER + f"A,1,Viettel,4G,40,1800,60,3gpp,0,{S1[2]},{S1[3]}\n")
    with pytest.raises(phusong.InputError, match=r"s\.csv: columns x/y need a declared crs"):
        tables.sites_from_table(p)
    with pytest.raises(phusong.InputError, match=r"crs: unknown coordinate reference system 'VN2000-XYZ'"):
        tables.sites_from_table(p, crs="VN2000-XYZ")


def test_lonlat_out_of_range(tmp_path):
    p = write(tmp_path / "v.csv", "id,name,population,households,lon,lat\nB1,Bản,10,2,21.3,104.0\n")
    with pytest.raises(phusong.InputError, match=r"v\.csv: row 1: position lon 21\.3, lat 104 \(lon, lat\) is not a WGS84 "
                                                 r"longitude/latitude \(expected .*\); lon and lat look swapped"):
        tables.villages_from_table(p)
    p = write(tmp_path / "v.csv", "id,name,population,households,lon,lat\nB1,Bản,10,2,490271.06,2359199.87\n")
    with pytest.raises(phusong.InputError, match=r"v\.csv: row 1: position lon 490271, lat 2\.3592e\+06 .* x/y in metres "
                                                 r"need a declared crs"):
        tables.villages_from_table(p)


# -- values --------------------------------------------------------------------------------------

@pytest.mark.parametrize("cell,expected", [
    ("abc", "column 'height_m' (height_m) is not a number: 'abc'"),
    ("3000", "column 'height_m' (height_m) is 3000 m: outside 0 < height_m ≤ 500 m"),
    ("", "column 'height_m' (height_m) is empty"),
])
def test_bad_numbers_name_row_column_and_value(tmp_path, cell, expected):
    p = write(tmp_path / "s.csv", "id,operator,technologies,height_m,freq_mhz,eirp_dbm,lon,lat\n"
                                  "T1,VNPT,4G,30,1800,60,104,21.3\n"
                                  f"T2,VNPT,4G,{cell},1800,60,104,21.3\n")
    with pytest.raises(phusong.InputError) as e:
        tables.sites_from_table(p)
    assert str(e.value) == f"{p}: row 2: {expected}"


def test_unknown_technology(tmp_path):
    p = write(tmp_path / "s.csv", "id,operator,technologies,height_m,freq_mhz,eirp_dbm,lon,lat\n"
                                  "T1,VNPT,4G;WiMAX,30,1800,60,104,21.3\n")
    with pytest.raises(phusong.InputError, match=r"s\.csv: row 1: column 'technologies' \(technologies\) is '4G;WiMAX': "
                                                 r"unknown technology 'WiMAX'"):
        tables.sites_from_table(p)


def test_mapped_column_missing(tmp_path):
    p = write(tmp_path / "s.csv", "id,operator,technologies,height_m,freq_mhz,eirp_dbm,lon,lat\n"
                                  "T1,VNPT,4G,30,1800,60,104,21.3\n")
    with pytest.raises(phusong.InputError) as e:
        tables.sites_from_table(p, columns={"height_m": "Độ cao anten"})
    assert str(e.value).startswith(f"{p}: mapped column 'Độ cao anten' (for height_m) is missing (columns: 'id', ")
    with pytest.raises(phusong.InputError, match=r"columns: 'height' is not a column of a sites table \(known: id, "):
        tables.sites_from_table(p, columns={"height": "height_m"})
    p = write(tmp_path / "tram.csv", "Mã trạm,Nhà mạng,Công nghệ,Tần số (MHz),EIRP (dBm),Kinh độ,Vĩ độ\n"
                                     "T1,VNPT,4G,1800,60,104,21.3\n")
    with pytest.raises(phusong.InputError, match=r"tram\.csv: column 'height_m' \(mapped to 'Độ cao anten'\) is missing "
                                                 r"\(columns: 'Mã trạm', 'Nhà mạng'"):
        tables.sites_from_table(p, columns="vi")


def test_villages_checks(tmp_path):
    p = write(tmp_path / "v.csv", "id,name,population,households,lon,lat\nB1,Bản,10,20,104,21.3\n")
    with pytest.raises(phusong.InputError, match=r"v\.csv: row 1: column 'households' \(households\) is 20 but population "
                                                 r"is 10"):
        tables.villages_from_table(p)
    p = write(tmp_path / "v.csv", "id,name,population,households,lon,lat\nB1,Bản,10,2,104,21.3\nB1,Bản 2,10,2,104,21.3\n")
    with pytest.raises(phusong.InputError, match=r"v\.csv: row 2: column 'id' \(id\) is 'B1', already the id of row 1"):
        tables.villages_from_table(p)
    p = write(tmp_path / "v.csv", "id,name,population,households,radius_m,lon,lat\nB1,Bản,10,2,0,104,21.3\n")
    with pytest.raises(phusong.InputError, match=r"v\.csv: row 1: column 'radius_m' \(radius_m\) is 0 m: outside "
                                                 r"0 < radius_m ≤ 20000 m"):
        tables.villages_from_table(p)


def test_not_utf8(tmp_path):
    p = tmp_path / "v.csv"
    text = "id,name,population,households,lon,lat\nB1,Bản Mòng,10,2,104,21.3\n"
    p.write_bytes(unicodedata.normalize("NFD", text).encode("cp1258"))  # tone marks as combining bytes
    with pytest.raises(phusong.InputError, match=r"v\.csv: row 1: byte 0x\w\w is not UTF-8 .*CSV UTF-8"):
        tables.villages_from_table(p)


def test_normalise_writes_what_the_engine_reads(tmp_path):
    out = tables.normalise(TEMPLATES / "sites_template_vi.xlsx", tmp_path / "t.csv", "sites", columns="vi",
                           crs="VN2000-TM3-104", sheet="Trạm")
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == ",".join(tables.OUTPUT_COLUMNS["sites"])
    assert lines[1].startswith("EX-S001-1,EX-S001,1,Viettel,4G,40,1800,60,10,3gpp,0,4,,103.9081,21.3274,")
    assert len(phusong.read_sites(str(out))) == 4
    with pytest.raises(phusong.InputError, match="kind 'towers': expected 'villages' or 'sites'"):
        tables.normalise(TEMPLATES / "sites_template_en.csv", tmp_path / "x.csv", "towers")


def test_shapefile_in_windows_1258(tmp_path):
    """A .dbf in Windows-1258 (its .cpg says so) is decoded, tone marks composed (NFC)."""
    src = write(tmp_path / "v.csv", "id,name,population,households,lon,lat\nB1,Bản Mòng Hồng,412,96,103.9081,21.3274\n")
    out = tmp_path / "v.shp"
    subprocess.run(["ogr2ogr", "-f", "ESRI Shapefile", str(out), str(src), "-oo", "X_POSSIBLE_NAMES=lon", "-oo",
                    "Y_POSSIBLE_NAMES=lat", "-a_srs", "EPSG:4326", "-lco", "ENCODING=CP1258"], check=True)
    assert (tmp_path / "v.cpg").read_text().strip() == "CP1258"
    [r] = tables.villages_from_table(out)
    assert r["name"] == "Bản Mòng Hồng" and unicodedata.is_normalized("NFC", r["name"])


def test_vector_rows_must_be_points(tmp_path):
    p = write(tmp_path / "v.geojson", '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
                                      '{"id": "B1", "name": "Bản", "population": 10, "households": 2}, "geometry": '
                                      '{"type": "LineString", "coordinates": [[104, 21], [104.1, 21.1]]}}]}')
    with pytest.raises(phusong.InputError, match=r"v\.geojson: feature 1: geometry is a LineString, expected a Point"):
        tables.villages_from_table(p)
