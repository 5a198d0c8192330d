"""OpenCelliD cells as a sites input (phusong.inputs.opencellid) on a hand-made sample
(tests/data/opencellid/, see its README): MCC 452 only, MNC -> operator, cells grouped into sites,
documented defaults, the sites CSV read by the engine; bad rows listed with file, row and value."""

from __future__ import annotations

from pathlib import Path

import pytest

import phusong
from phusong.inputs import opencellid as oc

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "tests" / "data" / "opencellid" / "cell_towers_sample.csv"


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    out = tmp_path_factory.mktemp("ocid") / "towers.csv"
    return oc.convert(SAMPLE, out)


def test_cells_grouped_into_sites(converted):
    sites = {s.id: s for s in converted.sites}
    assert list(sites) == ["OCID-01-00001", "OCID-02-00001", "OCID-04-00001", "OCID-04-00002", "OCID-04-00003",
                           "OCID-05-00001", "OCID-07-00001"]
    assert [s.operator for s in converted.sites] == ["MobiFone", "VNPT", "Viettel", "Viettel", "Viettel",
                                                     "Vietnamobile", "Gmobile"]
    a, b, chain = sites["OCID-04-00001"], sites["OCID-04-00002"], sites["OCID-04-00003"]
    assert [c.row for c in a.cells] == [1, 2, 3] and a.technologies == ["2G", "3G", "4G"]
    assert [c.row for c in b.cells] == [4, 7] and b.technologies == ["4G", "5G"]
    assert [c.row for c in chain.cells] == [11, 12, 13]  # 40 m steps, 80 m end to end: single linkage
    # position = mean of the cells
    assert a.lon == pytest.approx((103.9081 + 103.90825 + 103.90805) / 3, abs=1e-12)
    assert a.lat == pytest.approx((21.3274 + 21.32752 + 21.3273) / 3, abs=1e-12)
    # Another operator at the very same position is its own site.
    assert sites["OCID-01-00001"].lon == pytest.approx(103.9081)
    assert len(converted.cells) == 13


def test_documented_defaults_per_technology(converted):
    sites = {s.id: s for s in converted.sites}
    lte = oc.TECH_DEFAULTS["4G"]
    assert (lte.height_m, lte.freq_mhz, lte.eirp_dbm) == (30.0, 1800.0, 60.0)
    a = sites["OCID-04-00001"]                       # 2G;3G;4G: the 4G layer gives the coverage
    assert (a.height_m, a.freq_mhz, a.eirp_dbm) == (30.0, 1800.0, 60.0)
    g = sites["OCID-07-00001"]                       # UMTS only
    assert g.technologies == ["3G"] and (g.freq_mhz, g.eirp_dbm) == (2100.0, 58.0)
    assert oc.TECH_DEFAULTS["2G"].freq_mhz == 900.0 and oc.TECH_DEFAULTS["5G"].freq_mhz == 3500.0
    custom = dict(oc.TECH_DEFAULTS, **{"4G": oc.TechDefaults(height_m=42.0, freq_mhz=700.0, eirp_dbm=63.0)})
    s = oc.group_sites(converted.cells, defaults=custom)
    assert {(x.height_m, x.freq_mhz, x.eirp_dbm) for x in s if "4G" in x.technologies} == {(42.0, 700.0, 63.0)}


def test_warnings_name_file_row_and_value(converted):
    w = converted.warnings
    assert len(w) == 5
    assert w[0] == f"{SAMPLE}: row 9: field 'mcc' is 457, not Vietnam's 452: row skipped"
    assert w[1].startswith(f"{SAMPLE}: row 10: position lon 'abc', lat '21.330000' is not a pair of numbers")
    assert w[2].startswith(f"{SAMPLE}: row 16: field 'net' (MNC) is 3: not a Vietnamese operator")
    assert w[3].startswith(f"{SAMPLE}: row 17: field 'radio' is 'CDMA'")
    assert w[4].startswith(f"{SAMPLE}: row 18: has 4 fields, expected 14") and "'LTE,452,4,12010'" in w[4]


def test_sites_csv_is_read_by_the_engine(converted):
    sites = phusong.read_sites(str(converted.path))
    assert [s.id for s in sites] == [s.id for s in converted.sites]
    assert [s.technologies for s in sites] == ["4G", "4G", "2G;3G;4G", "4G;5G", "4G", "4G", "3G"]
    assert all(s.height_m == 30.0 for s in sites)
    assert sites[-1].freq_mhz == 2100.0 and sites[-1].eirp_dbm == 58.0
    assert all(s.bandwidth_mhz == 10.0 for s in sites)  # the scenario's default bandwidth
    header = converted.path.read_text(encoding="utf-8").splitlines()[0]
    assert header == "id,operator,technologies,height_m,freq_mhz,eirp_dbm,lon,lat,cells,mnc,range_m,source"
    assert "CC BY-SA 4.0" in converted.path.read_text(encoding="utf-8")
    # Same columns as the generated towers the pipeline already reads.
    generated = (ROOT / "datasets" / "generated" / "sonla_towers.GENERATED.csv").open(encoding="utf-8").readline()
    for col in ("id", "operator", "technologies", "height_m", "freq_mhz", "eirp_dbm", "lon", "lat", "source"):
        assert col in generated.strip().split(",") and col in header.split(",")


def test_output_is_deterministic(tmp_path, converted):
    again = oc.convert(SAMPLE, tmp_path / "again.csv")
    assert again.path.read_bytes().replace(b"again.csv", b"") == converted.path.read_bytes().replace(b"towers.csv", b"")


def test_file_without_header_line(tmp_path, converted):
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    p = tmp_path / "452.csv"
    p.write_text("\n".join(lines[1:]) + "\n", encoding="utf-8")
    cells, warnings = oc.read_cells(p)
    assert cells == converted.cells
    assert [x.split(": ", 1)[1] for x in warnings] == [x.split(": ", 1)[1] for x in converted.warnings]


def test_merge_distance(converted):
    assert len(oc.group_sites(converted.cells, merge_m=0)) == 13       # no two cells of one operator share a position
    assert len(oc.group_sites(converted.cells, merge_m=1000)) == 6      # Viettel: A and B (715 m) one site
    assert len(oc.group_sites(converted.cells, merge_m=5000)) == 5      # one site per operator
    with pytest.raises(phusong.InputError, match="merge_m is -1"):
        oc.group_sites(converted.cells, merge_m=-1)


def test_all_rows_of_another_mcc_is_an_error(tmp_path):
    p = tmp_path / "laos.csv"
    p.write_text("radio,mcc,net,area,cell,unit,lon,lat,range,samples,changeable,created,updated,averageSignal\n"
                 "GSM,457,1,120,3301,0,102.6,17.96,3000,5,1,0,0,0\n"
                 "LTE,457,3,7,990,0,102.61,17.97,1000,2,1,0,0,0\n", encoding="utf-8")
    with pytest.raises(phusong.InputError, match=r"laos\.csv: all 2 rows are of another MCC than Vietnam's 452; "
                                                 r"row 1: field 'mcc' is 457"):
        oc.read_cells(p)


def test_strict_stops_at_the_first_bad_row():
    with pytest.raises(phusong.InputError, match=r"cell_towers_sample\.csv: row 9: field 'mcc' is 457"):
        oc.read_cells(SAMPLE, strict=True)


def test_other_bad_inputs(tmp_path):
    p = tmp_path / "cols.csv"
    p.write_text("radio,mcc,net,area,cell,lon\nLTE,452,4,1,2,104\n", encoding="utf-8")
    with pytest.raises(phusong.InputError, match=r"cols\.csv: missing column 'unit'"):
        oc.read_cells(p)
    p = tmp_path / "far.csv"
    p.write_text("LTE,452,4,1,2,0,2.35,48.85,1000,1,1,0,0,0\n", encoding="utf-8")
    with pytest.raises(phusong.InputError, match=r"far\.csv: no usable row of Vietnam \(MCC 452\); row 1: position "
                                                 r"lon 2\.35, lat 48\.85 is outside Vietnam"):
        oc.read_cells(p)
    with pytest.raises(phusong.InputError, match=r"missing\.csv: cannot read the OpenCelliD file"):
        oc.read_cells(tmp_path / "missing.csv")
