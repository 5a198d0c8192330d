"""Every Python block of README.md runs as written (in a folder holding the files it names: the
tile N21E105.hgt, v.csv and t.csv, the scenarios and the test data), and the scenario YAML block
is a valid scenario."""

import re
import shutil

import pytest
import yaml

import phusong
from conftest import GENERATED, ROOT, TILE

README = (ROOT / "README.md").read_text(encoding="utf-8")
PY_BLOCKS = re.findall(r"```python\n(.*?)```", README, flags=re.S)
YAML_BLOCKS = re.findall(r"```yaml\n(.*?)```", README, flags=re.S)


def test_readme_has_code():
    assert PY_BLOCKS and YAML_BLOCKS


@pytest.mark.parametrize("k", range(len(PY_BLOCKS)))
def test_python_block_runs(k, tmp_path, monkeypatch):
    (tmp_path / "N21E105.hgt").symlink_to(TILE)
    shutil.copy(GENERATED / "demo_n21e105_villages.GENERATED.csv", tmp_path / "v.csv")
    shutil.copy(GENERATED / "demo_n21e105_towers.GENERATED.csv", tmp_path / "t.csv")
    for name in ("scenarios", "datasets", "tests"):
        (tmp_path / name).symlink_to(ROOT / name)
    monkeypatch.chdir(tmp_path)
    exec(compile(PY_BLOCKS[k], f"README.md python block {k + 1}", "exec"), {})


@pytest.mark.parametrize("k", range(len(YAML_BLOCKS)))
def test_yaml_block_is_a_valid_scenario(k):
    raw = yaml.safe_load(YAML_BLOCKS[k])
    phusong.Scenario.model_validate(raw)  # keys, types and ranges (files are resolved only when run)
