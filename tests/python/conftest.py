"""Shared fixtures: the data directory (PHUSONG_DATA, default ../shared/data) and helpers."""

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("PHUSONG_DATA", ROOT.parent / "shared" / "data")).resolve()
os.environ["PHUSONG_DATA"] = str(DATA)
TILE = DATA / "dem" / "N21E105.hgt"
DEMO = ROOT / "scenarios" / "demo-n21e105.yaml"
GENERATED = ROOT / "datasets" / "generated"

if not TILE.is_file():  # fail loudly: the tests need the real data
    raise RuntimeError(f"test data missing: {TILE} (set PHUSONG_DATA)")


@pytest.fixture(scope="session")
def dem():
    import phusong

    return phusong.Dem.open([str(TILE)])


@pytest.fixture
def scenario_dir(tmp_path):
    """A folder with copies of the demo inputs and a scenario writer."""
    for f in GENERATED.glob("demo_n21e105_*.csv"):
        shutil.copy(f, tmp_path / f.name)

    def write(text: str, name: str = "s.yaml") -> Path:
        p = tmp_path / name
        p.write_text(text, encoding="utf-8")
        return p

    return tmp_path, write


BASE_SCENARIO = """
name: t
inputs:
  dem: data:dem/N21E105.hgt
  villages: {villages}
  towers: {towers}
radio:
  radius_km: 12
planning:
  grid_spacing_km: 3
outputs:
  dir: out
"""


def base_scenario(villages="demo_n21e105_villages.GENERATED.csv", towers="demo_n21e105_towers.GENERATED.csv"):
    return BASE_SCENARIO.format(villages=villages, towers=towers)
