"""Output folders stay whole: runs killed (SIGKILL) or interrupted (SIGINT, SIGTERM) before,
during the computation, during writing and during the swap leave the earlier outputs intact and
nothing stale after the next run; reruns with fewer formats leave no file of the earlier run;
outputs never go into a folder holding inputs; files are byte-identical across thread counts
and reruns; no formula injection into kpi.xlsx; YAML alias bombs are refused at once."""

import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest

import phusong
from conftest import base_scenario
from phusong.outputs import folder as outfolder

RUNNER = textwrap.dedent("""
    import os, sys, time
    import phusong
    from phusong import _core
    from phusong.outputs import folder, layers

    scenario, out, point = sys.argv[1:4]

    def pause(tag):
        print(tag, flush=True)
        time.sleep(120)

    if point == "compute":
        real = _core.evaluate_villages
        def evaluate(*a, **k):
            pause("AT compute")
            return real(*a, **k)
        _core.evaluate_villages = evaluate
    elif point == "writing":
        real_layer = layers._write_layer
        done = [0]
        def write_layer(*a, **k):
            r = real_layer(*a, **k)
            done[0] += 1
            if done[0] == 2:
                pause("AT writing")
            return r
        layers._write_layer = write_layer
    elif point == "swap":
        real_fsync = folder._fsync_tree
        def fsync_tree(root):
            real_fsync(root)
            pause("AT swap")
        folder._fsync_tree = fsync_tree
    elif point == "between-renames":
        folder._exchange = lambda a, b: False
        real_rename = os.rename
        calls = [0]
        def rename(a, b):
            real_rename(a, b)
            calls[0] += 1
            if calls[0] == 1:
                pause("AT between-renames")
        folder.os.rename = rename
    print("AT start", flush=True)
    if point == "start":
        time.sleep(120)
    from phusong.cli import main
    main(["run", scenario, "--out", out, "--threads", "1", "--quiet"])
""")


def snapshot(d: Path) -> dict:
    return {f.relative_to(d).as_posix(): f.read_bytes() for f in sorted(d.rglob("*")) if f.is_file()}


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.phusong-"))


@pytest.fixture
def earlier_run(scenario_dir):
    """A scenario and a complete output folder from an earlier run."""
    d, write = scenario_dir
    sc = write(base_scenario().replace("  dir: out", "  dir: out\n  formats: [shapefile, gpkg]"))
    out = d / "out"
    phusong.run_scenario(sc, out_dir=out, threads=1)
    assert outfolder.verify(out) == []
    runner = d / "runner.py"
    runner.write_text(RUNNER, encoding="utf-8")
    return sc, out, runner, snapshot(out)


def start_and_wait(runner, sc, out, point):
    p = subprocess.Popen([sys.executable, str(runner), str(sc), str(out), point], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    for line in p.stdout:
        if line.strip() == f"AT {point}":
            return p
        if time.time() > deadline:
            break
    p.kill()
    raise AssertionError(f"runner never reached {point}: {p.stderr.read()}")


@pytest.mark.parametrize("point", ["start", "compute", "writing", "swap", "between-renames"])
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT, signal.SIGTERM], ids=["KILL", "INT", "TERM"])
def test_killed_run_keeps_earlier_outputs(earlier_run, point, sig):
    sc, out, runner, before = earlier_run
    p = start_and_wait(runner, sc, out, point)
    p.send_signal(sig)
    p.wait(timeout=60)
    assert p.returncode != 0
    if sig != signal.SIGKILL:
        # Interrupted runs clean up at once: nothing left beside the folder, folder untouched.
        assert leftovers(out) == []
        assert snapshot(out) == before
    elif point == "between-renames":
        # Killed between the two renames of the fallback: the earlier folder is aside until the
        # next run (or check) puts it back.
        assert not out.exists()
        outfolder.OutputFolder(out).check()
        assert snapshot(out) == before
    else:
        assert snapshot(out) == before
    # The next run removes what a killed run left and writes a whole, fresh folder.
    phusong.run_scenario(sc, out_dir=out, threads=1)
    assert leftovers(out) == []
    assert outfolder.verify(out) == []


def test_rerun_with_fewer_outputs_leaves_nothing_stale(earlier_run):
    sc, out, _, before = earlier_run
    assert "villages.gpkg" in before
    sc.write_text(sc.read_text().replace("formats: [shapefile, gpkg]", "formats: [geojson]"), encoding="utf-8")
    phusong.run_scenario(sc, out_dir=out)
    names = set(snapshot(out))
    assert "villages.geojson" in names
    assert not {n for n in names if n.endswith((".gpkg", ".shp", ".dbf"))}
    assert outfolder.verify(out) == []


def test_never_writes_into_a_folder_holding_inputs(scenario_dir):
    d, write = scenario_dir
    sc = write(base_scenario())
    before = snapshot(d)
    for out in (d, d.parent):
        with pytest.raises(phusong.InputError, match="holds the input"):
            phusong.run_scenario(sc, out_dir=out)
    assert snapshot(d) == before


def test_refuses_a_folder_phusong_did_not_write(scenario_dir, tmp_path_factory):
    d, write = scenario_dir
    sc = write(base_scenario())
    out = tmp_path_factory.mktemp("mine")
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(phusong.InputError, match="not empty and was not written by phusong"):
        phusong.run_scenario(sc, out_dir=out)
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_output_folder_that_is_a_file(scenario_dir):
    d, write = scenario_dir
    sc = write(base_scenario())
    (d / "taken").write_text("x", encoding="utf-8")
    with pytest.raises(phusong.InputError, match="is a file"):
        phusong.run_scenario(sc, out_dir=d / "taken")


def test_over_long_output_name_is_refused_before_computing(scenario_dir, monkeypatch):
    d, write = scenario_dir
    sc = write(base_scenario())
    called = []
    monkeypatch.setattr(phusong._core, "evaluate_villages", lambda *a, **k: called.append(1))
    with pytest.raises(phusong.InputError, match="longer than the file system allows"):
        phusong.run_scenario(sc, out_dir=d / ("ư" * 130))
    assert not called


def test_operator_field_collision_is_found_before_computing(scenario_dir, monkeypatch):
    d, write = scenario_dir
    towers = (d / "demo_n21e105_towers.GENERATED.csv").read_text(encoding="utf-8").splitlines()
    head, rows = towers[0], towers[1:]
    cols = head.split(",")
    k = cols.index("operator")
    out_rows = []
    for i, r in enumerate(rows):
        c = r.split(",")
        c[k] = "Viettel Telecom" if i % 2 else "Viettel Tele"
        out_rows.append(",".join(c))
    (d / "t.csv").write_text("\n".join([head] + out_rows) + "\n", encoding="utf-8")
    sc = write(base_scenario(towers="t.csv"))
    called = []
    monkeypatch.setattr(phusong._core, "evaluate_villages", lambda *a, **k: called.append(1))
    with pytest.raises(phusong.InputError, match="both give the per-operator field 'phu_viette'"):
        phusong.run_scenario(sc)
    assert not called


def test_outputs_identical_across_threads_and_reruns(scenario_dir, monkeypatch):
    d, write = scenario_dir
    sc = write(base_scenario().replace("  dir: out", "  dir: out\n  formats: [shapefile, gpkg, geojson, kml]\n"
                                       "  tables: [csv, xlsx]\n  report: true"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    phusong.run_scenario(sc, out_dir=d / "a", threads=1)
    time.sleep(1.1)  # a clock that ticks between runs must not show in the files
    phusong.run_scenario(sc, out_dir=d / "b", threads=2)
    a, b = snapshot(d / "a"), snapshot(d / "b")
    assert a.keys() == b.keys()
    differ = [k for k in a if a[k] != b[k]]
    assert differ == [], differ
    assert a["villages.dbf"][1:4] == bytes([126, 1, 1])  # DBF header date: 2026-01-01
    with zipfile.ZipFile(d / "a" / "kpi.xlsx") as z:
        assert {i.date_time[:3] for i in z.infolist()} == {(2026, 1, 1)}


def test_no_formula_injection_in_xlsx(scenario_dir):
    from openpyxl import load_workbook

    d, write = scenario_dir
    text = (d / "demo_n21e105_villages.GENERATED.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    cols = lines[0].split(",")
    k = cols.index("commune")
    first = lines[1].split(",")
    evil = "=SUM(1;2)+cmd|' /C calc'!A0"
    commune = first[k]
    lines = [lines[0]] + [l.replace(commune, evil) if l.split(",")[k] == commune else l for l in lines[1:]]
    (d / "v.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    sc = write(base_scenario(villages="v.csv").replace("  dir: out", "  dir: out\n  tables: [csv, xlsx]"))
    phusong.run_scenario(sc)
    with zipfile.ZipFile(d / "out" / "kpi.xlsx") as z:
        xml = b"".join(z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert b"<f>" not in xml and b"<f " not in xml
    ws = load_workbook(d / "out" / "kpi.xlsx")["commune"]
    cells = [c for row in ws.iter_rows() for c in row if c.value == evil]
    assert cells and all(c.data_type == "s" for c in cells)


def test_yaml_alias_bomb_is_refused_at_once(tmp_path):
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    lines += ["name: *a9", "inputs: *a9"]
    p = tmp_path / "bomb.yaml"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    t0 = time.perf_counter()
    with pytest.raises(phusong.ScenarioError, match="expands to more than") as exc:
        phusong.load_scenario(p)
    assert time.perf_counter() - t0 < 5
    assert len(str(exc.value)) < 500


def test_scenario_in_a_legacy_encoding(tmp_path):
    p = tmp_path / "s.yaml"
    p.write_bytes("name: Sơn La\n".encode("cp1258"))
    with pytest.raises(phusong.ScenarioError, match="not UTF-8 text"):
        phusong.load_scenario(p)
