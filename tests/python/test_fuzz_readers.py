"""Property-based fuzzing (Hypothesis) of the Python-facing readers: the scenario loader, the
villages and sites readers (through the engine's OGR reader), the profile reader. Whatever the
input, a reader either returns values inside the documented ranges or raises phusong's own
InputError (ScenarioError) — never another exception, never a crash.

The suite runs a short bounded search (PHUSONG_FUZZ_EXAMPLES, default 150 per target); a longer
run: ``PHUSONG_FUZZ_EXAMPLES=20000 .venv/bin/python -m pytest tests/python/test_fuzz_readers.py``.
Every failure Hypothesis finds is kept as an explicit ``@example`` (a regression test).
"""

from __future__ import annotations

import os
import string

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import phusong
from phusong.inputs import limits
from phusong.inputs.profiles import read_profile

EXAMPLES = int(os.environ.get("PHUSONG_FUZZ_EXAMPLES", "150"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck),
                    database=None, derandomize=True)

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12),
                    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20))
KEYS = st.sampled_from(["name", "inputs", "radio", "planning", "outputs", "targets", "threads", "dem", "villages",
                        "towers", "model", "radius_km", "threshold_dbm", "formats", "dir", "crs", "budget",
                        "candidates", "technologies", "freq_mhz", "height_m", "x"])
YAML_VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                            st.dictionaries(KEYS, inner, max_size=5)), max_leaves=25)


@SETTINGS
@given(doc=st.dictionaries(KEYS, YAML_VALUES, max_size=8))
@example(doc={"name": "x", "inputs": {"dem": [], "villages": "v.csv", "towers": "t.csv"}})
@example(doc={"name": "x", "inputs": {"dem": "a", "villages": None, "towers": 3}, "threads": -1})
def test_scenario_loader_structures(tmp_path_factory, doc):
    p = tmp_path_factory.mktemp("sc") / "s.yaml"
    p.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    try:
        phusong.load_scenario(p)
    except phusong.InputError:
        pass


@SETTINGS
@given(data=st.binary(max_size=300))
@example(data=b"name: &a [*a]")
@example(data=b"\xef\xbb\xbfname: x")
@example(data=b"name: !!python/object:os.system x")
def test_scenario_loader_bytes(tmp_path_factory, data):
    p = tmp_path_factory.mktemp("sc") / "s.yaml"
    p.write_bytes(data)
    try:
        phusong.load_scenario(p)
    except phusong.InputError:
        pass


CELL = st.one_of(st.sampled_from(["", "0", "-1", "1e300", "nan", "inf", "-inf", "1e-320", "12", "105.3", "21.2",
                                  "4G", "LTE", "2G;3G", "x", "Bản Nà", "=1+1", "  7  ", "0x10", "1,5"]),
                 st.text(alphabet=string.printable + "ảăâđêôơưạếứ\u0000", max_size=12))
VILLAGE_COLS = ["id", "name", "commune", "district", "population", "households", "lon", "lat"]
SITE_COLS = ["id", "operator", "technologies", "height_m", "freq_mhz", "eirp_dbm", "tx_power_dbm", "bandwidth_mhz",
             "antenna", "azimuth_deg", "downtilt_deg", "lon", "lat"]


def _csv(cols, rows):
    def q(c):
        return '"' + c.replace('"', '""') + '"' if any(x in c for x in ',"\n\r') else c
    return "\n".join([",".join(cols)] + [",".join(q(c) for c in r) for r in rows]) + "\n"


@SETTINGS
@given(cols=st.lists(st.sampled_from(VILLAGE_COLS), min_size=1, max_size=9, unique=True),
       rows=st.lists(st.lists(CELL, min_size=9, max_size=9), max_size=4))
def test_villages_reader(tmp_path_factory, cols, rows):
    p = tmp_path_factory.mktemp("v") / "v.csv"
    p.write_text(_csv(cols, [r[:len(cols)] for r in rows]), encoding="utf-8")
    try:
        vs = phusong.read_villages(str(p))
    except phusong.InputError:
        return
    for v in vs:
        assert limits.contains("village.population", v.population)
        assert limits.contains("village.households", v.households) and v.households <= v.population
        assert limits.contains("lon", v.lon) and limits.contains("lat", v.lat)


@SETTINGS
@given(cols=st.lists(st.sampled_from(SITE_COLS), min_size=1, max_size=13, unique=True),
       rows=st.lists(st.lists(CELL, min_size=13, max_size=13), max_size=4))
@example(cols=["id", "operator", "technologies", "height_m", "freq_mhz", "eirp_dbm", "lon", "lat"],
         rows=[["a", "b", "LTE", "30", "900", "60", "105", "21"]])
def test_sites_reader(tmp_path_factory, cols, rows):
    p = tmp_path_factory.mktemp("s") / "s.csv"
    p.write_text(_csv(cols, [r[:len(cols)] for r in rows]), encoding="utf-8")
    try:
        sites = phusong.read_sites(str(p))
    except phusong.InputError:
        return
    known = set(phusong._core.known_technologies())
    for s in sites:
        assert limits.contains("site.height_m", s.height_m)
        assert limits.contains("site.freq_mhz", s.freq_mhz)
        assert limits.contains("site.eirp_dbm", s.eirp_dbm)
        assert set(s.technologies.split(";")) <= known


@SETTINGS
@given(data=st.one_of(st.binary(max_size=200),
                      st.lists(st.lists(CELL, min_size=2, max_size=3), max_size=6).map(
                          lambda rows: _csv(["d_km", "h_m"], [r[:2] for r in rows]).encode())))
@example(data=b"")  # found: IndexError on an empty file
@example(data=b"1e999 100 1 2")  # PFL with an infinite np
@example(data=b"d_km,h_m\n0,1\n1,nan\n")
def test_profile_reader(tmp_path_factory, data):
    p = tmp_path_factory.mktemp("p") / "p.csv"
    p.write_bytes(data)
    try:
        prof = read_profile(p)
    except phusong.InputError:
        return
    assert len(prof["d_km"]) >= 2 and (prof["d_km"][1:] > prof["d_km"][:-1]).all()


def test_link_bridges_voids_and_says_so():
    """A profile with DEM voids (NaN heights) is bridged linearly, as the CLI does, with a warning;
    all-void profiles are refused."""
    import numpy as np

    d = np.array([0.0, 1.0, 2.0, 3.0])
    r = phusong.link(d, np.array([100.0, float("nan"), float("nan"), 40.0]), "p526", 900, 30, 1.5)
    ref = phusong.link(d, np.array([100.0, 80.0, 60.0, 40.0]), "p526", 900, 30, 1.5)
    assert r["loss_db"] == ref["loss_db"]
    assert any("2 profile samples had no terrain height" in w for w in r["warnings"])
    with pytest.raises(phusong.InputError, match="no finite terrain height"):
        phusong.link(d, np.full(4, np.nan), "p526", 900, 30, 1.5)
