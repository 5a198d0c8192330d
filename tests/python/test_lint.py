"""The Python code passes the linter (ruff, configured in pyproject.toml: pycodestyle, pyflakes,
import order, bugbear, pyupgrade) — run as part of the tests."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_ruff_passes():
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    r = subprocess.run([ruff, "check", "bindings", "tests/python", "benchmarks", "notebooks/make_notebooks.py"],
                       cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
