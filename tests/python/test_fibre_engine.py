"""The fibre layer of the engine through phusong._core: cost distance against an independent
Dijkstra (scipy.sparse.csgraph on the same 16-neighbour graph built here), hand-worked rasters,
paths, bad input; Steiner trees on SteinLib set B against the published optima
(tests/data/steinlib/README.md); the `phusong steiner` command."""

import json
import math
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from phusong import _core
from phusong.cli import main

STEINLIB = Path(__file__).resolve().parents[1] / "data" / "steinlib"
# SteinLib set B (Beasley 1989), optima as published by SteinLib (see the README there).
SET_B = {"b01": 82, "b02": 83, "b03": 138, "b04": 59, "b05": 61, "b06": 122, "b07": 111, "b08": 104, "b09": 220,
         "b10": 86, "b11": 88, "b12": 174, "b13": 165, "b14": 235, "b15": 318, "b16": 127, "b17": 131, "b18": 218}

MOVES = [(0, -1), (0, 1), (-1, 0), (1, 0), (-1, -1), (-1, 1), (1, 1), (1, -1),
         (-2, -1), (-2, 1), (2, 1), (2, -1), (-1, -2), (-1, 2), (1, 2), (1, -2)]


# ---------------------------------------------------------------------------------------------
# Cost distance.

def move_length_m(gt, geographic, row, dr, dc):
    """Metres between cell centres (row, .) and (row + dr, . + dc), as fibre.hpp documents it."""
    if not geographic:
        return math.hypot(dc * gt[1], dr * gt[5])
    a, f = 6378137.0, 1 / 298.257223563
    e2 = f * (2 - f)
    lat = math.radians(gt[3] + (row + dr / 2 + 0.5) * gt[5])
    w = 1 - e2 * math.sin(lat) ** 2
    n_radius, m_radius = a / math.sqrt(w), a * (1 - e2) / w ** 1.5
    return math.hypot(math.radians(dc * gt[1]) * n_radius * math.cos(lat), math.radians(dr * gt[5]) * m_radius)


def reference_cost_distance(cost, gt, geographic, sources, knight=True):
    """scipy's Dijkstra on the r.cost -k graph built independently here."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import dijkstra

    rows, cols = cost.shape
    c = cost.astype(np.float64)
    src, dst, w = [], [], []
    for r in range(rows):
        for q in range(cols):
            if math.isnan(c[r, q]):
                continue
            for m, (dr, dc) in enumerate(MOVES[: 16 if knight else 8]):
                r2, q2 = r + dr, q + dc
                if not (0 <= r2 < rows and 0 <= q2 < cols) or math.isnan(c[r2, q2]):
                    continue
                cells = [c[r, q], c[r2, q2]]
                if m >= 8:  # the two cells the knight's move passes between
                    if abs(dr) == 2:
                        cells += [c[r + dr // 2, q], c[r + dr // 2, q + dc]]
                    else:
                        cells += [c[r, q + dc // 2], c[r + dr, q + dc // 2]]
                if any(math.isnan(x) for x in cells):
                    continue
                src.append(r * cols + q)
                dst.append(r2 * cols + q2)
                w.append(sum(cells) / len(cells) * move_length_m(gt, geographic, r, dr, dc))
    g = csr_matrix((w, (src, dst)), shape=(rows * cols, rows * cols))
    d = dijkstra(g, directed=True, indices=[r * cols + q for r, q in sources], min_only=True)
    return d.reshape(rows, cols)


@pytest.mark.parametrize("geographic", [False, True])
@pytest.mark.parametrize("knight", [True, False])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_cost_distance_matches_an_independent_dijkstra(geographic, knight, dtype):
    rng = np.random.default_rng(12)
    rows, cols = 40, 50
    cost = rng.uniform(0.5, 5.0, (rows, cols)).astype(dtype)
    cost[rng.random((rows, cols)) < 0.08] = np.nan
    sources = [(3, 4), (30, 40), (20, 10)]
    for r, q in sources:
        cost[r, q] = 1.0
    if geographic:  # 3" cells at Sơn La's latitude
        gt, crs = [103.5, 1 / 1200, 0, 21.6, 0, -1 / 1200], _core.crs_wkt("WGS84")
    else:
        gt, crs = [500000.0, 30.0, 0, 2400000.0, 0, -30.0], ""
    r = _core.cost_distance(cost, gt, crs, sources=sources, knight=knight)
    ref = reference_cost_distance(cost, gt, geographic, sources, knight)
    got = r.accumulated
    assert got.shape == (rows, cols) and got.dtype == np.float64
    np.testing.assert_array_equal(np.isfinite(got), np.isfinite(ref))
    ok = np.isfinite(ref)
    np.testing.assert_allclose(got[ok], ref[ok], rtol=1e-9, atol=0)
    assert r.reached == int(ok.sum())


def test_cost_distance_hand_worked_and_paths():
    # One row of 10 m cells costing 1, 2, 3 per metre: 0, (1+2)/2*10 = 15, 15 + (2+3)/2*10 = 40.
    r = _core.cost_distance(np.array([[1.0, 2.0, 3.0]]), [0, 10, 0, 0, 0, -10], "", sources=[(0, 0)])
    assert r.accumulated.tolist() == [[0.0, 15.0, 40.0]]
    assert r.backlink.tolist() == [[-1, 1, 1]]
    assert r.path(0, 2).tolist() == [[0, 2], [0, 1], [0, 0]]
    assert not r.accumulated.flags.writeable  # a view of the engine's memory
    # A knight's move: 3 x 2 unit cells, (0,0) -> (2,1) costs sqrt(5) (8 neighbours: sqrt(2) + 1).
    ones = np.ones((3, 2))
    k = _core.cost_distance(ones, [0, 1, 0, 0, 0, -1], sources=[(0, 0)])
    assert k.accumulated[2, 1] == pytest.approx(math.sqrt(5), rel=1e-12)
    assert _core.cost_moves()[k.backlink[2, 1]] == (2, 1)
    e = _core.cost_distance(ones, [0, 1, 0, 0, 0, -1], sources=[(0, 0)], knight=False)
    assert e.accumulated[2, 1] == pytest.approx(math.sqrt(2) + 1, rel=1e-12)


def test_cost_distance_multi_source_lonlat_paths_and_progress():
    rng = np.random.default_rng(3)
    cost = rng.uniform(1, 3, (60, 80)).astype(np.float32)
    gt = [103.9, 1 / 1200, 0, 21.4, 0, -1 / 1200]
    crs = _core.crs_wkt("WGS84")
    lonlat = [[103.9 + 5.5 / 1200, 21.4 - 10.5 / 1200], [103.9 + 70.5 / 1200, 21.4 - 50.5 / 1200]]
    calls = []
    big = np.ones((300, 300))
    r = _core.cost_distance(cost, gt, crs, sources_lonlat=lonlat)
    assert r.sources.tolist() == [[10, 5], [50, 70]]
    assert set(np.unique(r.source_index)) == {0, 1}
    path = r.path(59, 0)
    src = r.sources[r.source_index[59, 0]].tolist()
    assert path[0].tolist() == [59, 0] and path[-1].tolist() == src
    ll = r.path_lonlat(59, 0)
    assert ll.shape == (len(path), 2)
    assert ll[-1] == pytest.approx([103.9 + (src[1] + 0.5) / 1200, 21.4 - (src[0] + 0.5) / 1200])
    assert r.path_xy(59, 0).shape == (len(path), 2)
    # Progress from the engine thread (GIL released), ending at (total, total).
    p = _core.cost_distance(big, [0, 30, 0, 0, 0, -30], sources=[(0, 0)], progress=lambda d, t: calls.append((d, t)))
    assert calls and calls[-1] == (90000, 90000) and p.reached == 90000


def test_cost_distance_runs_beside_python_threads():
    big = np.ones((400, 400))
    out = {}

    def work():
        out["r"] = _core.cost_distance(big, [0, 30, 0, 0, 0, -30], sources=[(0, 0)])

    t = threading.Thread(target=work)
    t.start()
    t.join()
    assert out["r"].reached == 160000


def test_cost_distance_bad_input():
    gt = [0, 1, 0, 0, 0, -1]
    c = np.ones((3, 4))
    c[1, 2] = np.inf
    with pytest.raises(_core.InputError, match=r"\(row 1, col 2\).*inf.*NaN for impassable"):
        _core.cost_distance(c, gt, sources=[(0, 0)])
    c[1, 2] = -3
    with pytest.raises(_core.InputError, match=r"-3"):
        _core.cost_distance(c, gt, sources=[(0, 0)])
    c[1, 2] = np.nan
    with pytest.raises(_core.InputError, match=r"source 1 \(row 3, col 0\) lies outside the grid of 3 rows x 4 cols"):
        _core.cost_distance(c, gt, sources=[(0, 0), (3, 0)])
    with pytest.raises(_core.InputError, match=r"source 0 \(row 1, col 2\) lies on an impassable cell"):
        _core.cost_distance(c, gt, sources=[(1, 2)])
    with pytest.raises(_core.InputError, match=r"one of them"):
        _core.cost_distance(c, gt)
    with pytest.raises(_core.InputError, match=r"2-D"):
        _core.cost_distance(np.ones(5), gt, sources=[(0, 0)])
    with pytest.raises(_core.InputError, match=r"point 0 \(120, 10\) lies outside the grid"):
        _core.cost_distance(c, [103, 0.01, 0, 22, 0, -0.01], _core.crs_wkt("WGS84"), sources_lonlat=[(120, 10)])
    with pytest.raises(_core.InputError, match=r"no CRS"):
        _core.cost_distance(c, gt, "", sources_lonlat=[(0.5, -0.5)])
    r = _core.cost_distance(c, gt, sources=[(0, 0)])
    with pytest.raises(_core.InputError, match=r"not reached"):
        r.path(1, 2)


# ---------------------------------------------------------------------------------------------
# Steiner trees.

@pytest.mark.parametrize("name", sorted(SET_B))
def test_steinlib_set_b_exact_and_heuristic(name):
    p = _core.read_steinlib(str(STEINLIB / f"{name}.stp"))
    assert p.declared_optimum == SET_B[name]
    e = _core.solve_steiner(p, method="exact", time_limit_s=60)
    assert (e.cost, e.bound, e.gap, e.proven_optimal, e["status"]) == (SET_B[name], SET_B[name], 0, True, "optimal")
    h = _core.solve_steiner(p)
    assert SET_B[name] <= h.cost <= 1.05 * SET_B[name]
    assert h.bound <= SET_B[name]
    assert sum(p.edge_cost[i] for i in h.edges) == h.cost
    assert set(p.terminals) <= set(h.nodes)


def test_solve_steiner_from_arrays_options_and_unreachable_terminals():
    # A square 0-1-2-3 with a cheap centre 4, and a separate edge 5-6.
    u = [0, 1, 2, 3, 0, 1, 2, 3, 5]
    v = [1, 2, 3, 0, 4, 4, 4, 4, 6]
    c = [3, 3, 3, 3, 2, 2, 2, 2, 1]
    r = _core.solve_steiner(7, u, v, c, [0, 1, 2, 3], method="exact", params=_core.SteinerOptions(time_limit_s=5))
    assert r.cost == 8 and r.nodes == [0, 1, 2, 3, 4] and r.proven_optimal
    r = _core.solve_steiner(7, u, v, c, [0, 2, 6])
    assert r.unreachable_terminals == [6] and r.status == "partial" and r.cost == 4
    assert _core.SteinerOptions().time_limit_s == 60
    with pytest.raises(_core.InputError, match="unknown parameter 'time_limit'"):
        _core.solve_steiner(7, u, v, c, [0, 2], time_limit=3)
    with pytest.raises(_core.InputError, match="unknown Steiner method 'greedy'"):
        _core.solve_steiner(7, u, v, c, [0, 2], method="greedy")
    with pytest.raises(_core.InputError, match=r"edge 0 \(0, 9\): node outside 0..6"):
        _core.solve_steiner(7, [0], [9], [1.0], [0])
    with pytest.raises(_core.InputError, match=r"cost nan"):
        _core.solve_steiner(7, [0], [1], [math.nan], [0, 1])


def test_read_steinlib_errors_name_file_and_line(tmp_path):
    f = tmp_path / "bad.stp"
    f.write_text("33D32945 STP File, STP Format Version 1.0\nSECTION Graph\nNodes 2\nEdges 1\nE 1 3 4\nEND\nEOF\n")
    with pytest.raises(_core.InputError, match=r"bad.stp:5: expected a node in 1..2 instead of 3"):
        _core.read_steinlib(str(f))


def test_cli_steiner(tmp_path):
    res = CliRunner().invoke(main, ["steiner", str(STEINLIB / "b05.stp"), "--method", "exact", "--time-limit", "30"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert (out["cost"], out["bound"], out["optimal"], out["status"]) == (61, 61, True, "optimal")
    assert out["declared_optimum"] == 61 and out["seconds"] < 30 and out["terminals"] == 13
    res = CliRunner().invoke(main, ["steiner", str(STEINLIB / "b05.stp")])
    out = json.loads(res.output)
    assert out["method"] == "heuristic" and out["cost"] >= 61 and out["bound"] <= 61
    # The local search (on by default) reaches b10's published optimum, 86; without it, 90.
    costs = {}
    for moves in ([], ["--max-moves", "0"]):
        res = CliRunner().invoke(main, ["steiner", str(STEINLIB / "b10.stp"), *moves])
        assert res.exit_code == 0, res.output
        costs[tuple(moves)] = json.loads(res.output)["cost"]
    assert costs == {(): 86, ("--max-moves", "0"): 90}
    res = CliRunner().invoke(main, ["steiner", str(STEINLIB / "b10.stp"), "--max-moves", "-1"])
    assert res.exit_code != 0 and "--max-moves" in res.output
    bad = tmp_path / "x.stp"
    bad.write_text("not stp\n")
    res = CliRunner().invoke(main, ["steiner", str(bad)])
    assert res.exit_code != 0 and "x.stp:1: not a SteinLib STP file" in res.output


def test_cli_steiner_log():
    # The engine writes its log to the process's standard output (not Python's): a new process.
    run = subprocess.run([sys.executable, "-m", "phusong", "steiner", str(STEINLIB / "b13.stp"), "--method", "exact",
                          "--log"], capture_output=True, text=True, check=True)
    assert "Steiner exact: LP of" in run.stdout  # b13's optimum needs the LP (b05's does not)
    out = json.loads(run.stdout[run.stdout.rindex("\n{\n") + 1:])
    assert (out["cost"], out["optimal"]) == (165, True)
