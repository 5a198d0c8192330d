#!/usr/bin/env python3
"""Side-by-side runs of the fibre layer on the GENERATED Sơn La terrain (benchmarks, not tests).

    PHUSONG_DATA=../shared/data .venv/bin/python benchmarks/fibre.py [--only steiner,cost] [--quick]

The routing surface: cost per metre of cable = 1 + 5 tan(slope), slope from the 3" terrain
(`generated:sonla-terrain`, phusong.inputs.sonla.terrain_path, seed 2019) with cell sizes in metres
per row; cells above 2,600 m are impassable (NaN) so that impassable cells are exercised.

1. Steiner trees on instances cut from that surface: windows of 600 x 600 cells sampled every 10
   cells (60 x 60 = 3,600 nodes, 8-neighbour grid graph, ~14,000 edges; an edge costs its length
   in metres times the mean cost of its ends), with 25 to 200 random terminals. phusong's heuristic
   and exact solvers (time limit 60 s, or --exact-time-limit) and networkx.algorithms.approximation.steiner_tree
   (Mehlhorn's method) on the same graph: cost, time, the heuristic's gap to the exact optimum and
   the ratios to networkx. `--export-stp DIR` also writes each instance as a SteinLib file
   (GENERATED), e.g. for `phusong steiner DIR/sonla-w0-t200.stp --method exact --log`.
2. Cost distance vs GRASS `r.cost -k` on the whole Sơn La cost raster (2,247 x 1,820 cells), five
   sources. GRASS's r.cost measures moves in east-west cells of a planar grid, so both run on a
   planar grid with the terrain's metric cell size at its central latitude (GRASS is given
   cost_per_m x ew_res per cell); prints the largest relative difference, the cells where
   reachability differs, and the time ratio (ours / r.cost, r.cost timed alone, without GRASS's
   start-up). Needs GRASS: `apt-get install grass-core` (Debian); this part is skipped when the
   `grass` command is absent. The script installs nothing.
3. The Sơn La fibre plan end to end as a scenario runs it (`scenarios/sonla-white-villages.yaml`,
   fibre section; the 4G plan, rasters and report off): time, cost, bound and gap of the
   facilities' tree and of the household extension, with the heuristic (default) and the exact
   solve (time limit 60 s); `--household-exact` adds the exact household stage (60 s).
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from phusong import _core
from phusong.inputs import datasets, sonla

WGS84_A, WGS84_F = 6378137.0, 1 / 298.257223563


def metres_per_degree(lat_deg: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """East-west and north-south metres per degree at these latitudes (WGS84 radii of curvature)."""
    e2 = WGS84_F * (2 - WGS84_F)
    lat = np.radians(lat_deg)
    w = 1 - e2 * np.sin(lat) ** 2
    return (np.radians(1) * WGS84_A / np.sqrt(w) * np.cos(lat), np.radians(1) * WGS84_A * (1 - e2) / w ** 1.5)


def cost_surface() -> tuple[np.ndarray, tuple, str]:
    dem = _core.Dem.open([str(sonla.terrain_path(datasets.cache_dir(), 2019))])
    z = np.asarray(dem.heights_m, dtype=np.float64)
    gt = dem.geotransform
    rows, cols = z.shape
    lat = gt[3] + (np.arange(rows) + 0.5) * gt[5]
    ew, ns = metres_per_degree(lat)
    dzdy, dzdx = np.gradient(z)
    slope = np.hypot(dzdx / (ew[:, None] * gt[1]), dzdy / (ns[:, None] * abs(gt[5])))
    cost = 1.0 + 5.0 * slope
    cost[z > 2600] = np.nan
    return cost, gt, dem.crs_wkt


# ---------------------------------------------------------------------------------------------
# 1. Steiner trees.

def grid_instance(cost: np.ndarray, gt: tuple, row0: int, col0: int, size: int, stride: int, n_terminals: int,
                  seed: int):
    """An 8-neighbour grid graph over a window of the surface, and random terminals."""
    sub = cost[row0:row0 + size:stride, col0:col0 + size:stride]
    rows, cols = sub.shape
    lat = gt[3] + (row0 + np.arange(rows) * stride + 0.5) * gt[5]
    ew, ns = metres_per_degree(lat)
    dx, dy = ew * gt[1] * stride, ns * abs(gt[5]) * stride
    u, v, c = [], [], []
    node = np.arange(rows * cols).reshape(rows, cols)
    for dr, dc in ((0, 1), (1, 0), (1, 1), (1, -1)):
        for r in range(rows - dr):
            q0, q1 = max(0, -dc), cols - max(0, dc)
            a, b = sub[r, q0:q1], sub[r + dr, q0 + dc:q1 + dc]
            ok = np.isfinite(a) & np.isfinite(b)
            length = np.hypot(dc * 0.5 * (dx[r] + dx[r + dr]), dr * 0.5 * (dy[r] + dy[r + dr]))
            u += node[r, q0:q1][ok].tolist()
            v += node[r + dr, q0 + dc:q1 + dc][ok].tolist()
            c += ((a[ok] + b[ok]) / 2 * length).tolist()
    rng = np.random.default_rng(seed)
    passable = node[np.isfinite(sub)]
    # Terminals in the largest component only (a random cut could isolate a few nodes).
    import networkx as nx

    g = nx.Graph()
    g.add_nodes_from(passable.tolist())
    g.add_weighted_edges_from(zip(u, v, c))
    main = max(nx.connected_components(g), key=len)
    terminals = rng.choice(sorted(main), n_terminals, replace=False).tolist()
    return rows * cols, u, v, c, terminals, g


def write_stp(path: Path, n: int, u, v, c, terms, name: str) -> None:
    """One instance as a SteinLib STP file (nodes from 1), written atomically: for `phusong steiner
    FILE` (e.g. with --method exact --log) or another solver."""
    lines = ["33D32945 STP File, STP Format Version 1.0", "SECTION Comment", f'Name "{name}"',
             'Remark "GENERATED by benchmarks/fibre.py from the Sonla routing surface"', "END", "",
             "SECTION Graph", f"Nodes {n}", f"Edges {len(u)}"]
    lines += [f"E {a + 1} {b + 1} {w!r}" for a, b, w in zip(u, v, c)]
    lines += ["END", "", "SECTION Terminals", f"Terminals {len(terms)}"] + [f"T {t + 1}" for t in terms]
    lines += ["END", "", "EOF", ""]
    tmp = path.with_name(path.name + ".part")
    tmp.write_text("\n".join(lines), encoding="utf-8")
    os.replace(tmp, path)


def bench_steiner(cost: np.ndarray, gt: tuple, quick: bool, exact_limit_s: float = 60.0,
                  export: Path | None = None) -> None:
    from networkx.algorithms.approximation import steiner_tree

    print("\n== Steiner trees on Sơn La routing graphs (3,600 nodes, 8 neighbours) ==")
    windows = [(200, 300), (700, 900), (1100, 1400), (300, 1500)]
    sizes = [25, 50, 100, 200]
    if quick:
        windows, sizes = windows[:2], sizes[:2]
    print(f"{'instance':<22}{'nodes':>6}{'edges':>7}{'T':>5}  {'exact':>12} {'s':>6} {'proven':>6}  "
          f"{'heur':>12} {'s':>6} {'gap %':>6}  {'networkx':>12} {'s':>7}  {'h/nx cost':>9} {'nx/h time':>9}")
    gaps, cost_ratio, time_ratio, heur_times, exact_proven, fast = [], [], [], [], 0, []
    n_runs = 0
    for wi, (r0, c0) in enumerate(windows):
        for k in sizes:
            n, u, v, c, terms, g = grid_instance(cost, gt, r0, c0, 600, 10, k, seed=100 * wi + k)
            p = _core.SteinerProblem(n, u, v, c, terms, f"sonla-w{wi}-t{k}")
            if export is not None:
                write_stp(export / f"{p.name}.stp", n, u, v, c, terms, p.name)
            h = _core.solve_steiner(p, method="heuristic")
            h0 = _core.solve_steiner(p, method="heuristic", max_moves=0)  # no local search
            e = _core.solve_steiner(p, method="exact", time_limit_s=exact_limit_s)
            t0 = time.perf_counter()
            tree = steiner_tree(g, terms, weight="weight", method="mehlhorn")
            t_nx = time.perf_counter() - t0
            nx_cost = tree.size(weight="weight")
            gap = (h.cost - e.cost) / e.cost if e.proven_optimal else (h.cost - e.bound) / h.cost
            gaps.append(gap)
            cost_ratio.append(h.cost / nx_cost)
            time_ratio.append(t_nx / h.seconds)
            fast.append((h0.cost / nx_cost, t_nx / h0.seconds, (h0.cost - h0.bound) / h0.cost))
            heur_times.append(h.seconds)
            exact_proven += e.proven_optimal
            n_runs += 1
            print(f"{p.name:<22}{n:>6}{len(u):>7}{k:>5}  {e.cost:>12.0f} {e.seconds:>6.1f} {str(e.proven_optimal):>6}  "
                  f"{h.cost:>12.0f} {h.seconds:>6.3f} {100 * gap:>6.2f}  {nx_cost:>12.0f} {t_nx:>7.3f}  "
                  f"{h.cost / nx_cost:>9.4f} {t_nx / h.seconds:>9.1f}", flush=True)
    print(f"heuristic vs exact: mean gap {100 * np.mean(gaps):.3f} %, max {100 * np.max(gaps):.3f} % "
          f"(exact proven on {exact_proven}/{n_runs}); heuristic at most {max(heur_times):.3f} s")
    print(f"heuristic vs networkx (Mehlhorn): cost ratio mean {np.mean(cost_ratio):.4f} "
          f"(min {np.min(cost_ratio):.4f}, max {np.max(cost_ratio):.4f}); networkx time / ours: mean "
          f"{np.mean(time_ratio):.1f}x (min {np.min(time_ratio):.1f}x)")
    f = np.array(fast)
    print(f"heuristic without local search (max_moves=0): cost ratio to networkx mean {f[:, 0].mean():.4f} "
          f"(max {f[:, 0].max():.4f}); networkx time / ours mean {f[:, 1].mean():.1f}x (min {f[:, 1].min():.1f}x); "
          f"its own proven gap (dual ascent) mean {100 * f[:, 2].mean():.2f} %")


# ---------------------------------------------------------------------------------------------
# 2. Cost distance vs GRASS r.cost -k.

def bench_cost_distance(cost: np.ndarray, gt_geo: tuple, repeat: int) -> None:
    print("\n== Cost distance vs GRASS r.cost -k (whole Sơn La surface) ==")
    grass = shutil.which("grass")
    if not grass:
        print("skipped: GRASS GIS is not installed (Debian: apt-get install grass-core); this script installs nothing")
        return
    rows, cols = cost.shape
    lat_c = gt_geo[3] + rows / 2 * gt_geo[5]
    ew, ns = metres_per_degree(np.array([lat_c]))
    dx, dy = float(ew[0] * gt_geo[1]), float(ns[0] * abs(gt_geo[5]))
    gt = (300000.0, dx, 0.0, 2500000.0, 0.0, -dy)  # a planar grid in metres (UTM 48N units)
    wkt = _core.crs_wkt("UTM48N")
    src = [(200, 300), (900, 1100), (1500, 400), (600, 2000), (1300, 1700)]
    for r, q in src:
        cost[r, q] = 1.0 if not np.isfinite(cost[r, q]) else cost[r, q]
    best_ours = math.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        ours = _core.cost_distance(cost, gt, wkt, sources=src, knight=True)
        best_ours = min(best_ours, time.perf_counter() - t0)
    acc = np.array(ours.accumulated)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        # Raw float64 in and out (r.in.bin / r.out.bin); -1 marks impassable (null) cells.
        np.where(np.isfinite(cost), cost * dx, -1.0).astype("<f8").tofile(tmp / "cost.bin")
        subprocess.run([grass, "-c", "EPSG:32648", "-e", str(tmp / "db" / "loc")], check=True, capture_output=True)
        mapset = str(tmp / "db" / "loc" / "PERMANENT")

        def run(*cmd: str) -> float:
            t0 = time.perf_counter()
            subprocess.run([grass, mapset, "--exec", *cmd], check=True, capture_output=True)
            return time.perf_counter() - t0

        n, s_, w, e = gt[3], gt[3] - rows * dy, gt[0], gt[0] + cols * dx
        run("r.in.bin", "-d", f"input={tmp / 'cost.bin'}", "output=cost", f"north={n}", f"south={s_}", f"east={e}",
            f"west={w}", f"rows={rows}", f"cols={cols}", "order=little", "anull=-1")
        run("g.region", "raster=cost")
        startup = min(run("g.region", "-p") for _ in range(3))
        coords = ",".join(f"{gt[0] + (q + 0.5) * dx},{gt[3] - (r + 0.5) * dy}" for r, q in src)
        best_grass = math.inf
        for _ in range(repeat):
            best_grass = min(best_grass, run("r.cost", "-k", "--overwrite", "input=cost", "output=acc",
                                             f"start_coordinates={coords}", "memory=2000") - startup)
        run("r.out.bin", "input=acc", f"output={tmp / 'acc.bin'}", "bytes=8", "null=-1", "order=little")
        ref = np.fromfile(tmp / "acc.bin", dtype="<f8").reshape(rows, cols)
        ref[ref == -1] = np.nan
    both = np.isfinite(acc) & np.isfinite(ref)
    differ = int((np.isfinite(acc) != np.isfinite(ref)).sum())
    rel = np.abs(acc[both] - ref[both]) / np.maximum(np.abs(ref[both]), 1e-300)
    print(f"{rows} x {cols} cells, cells {dx:.2f} m x {dy:.2f} m, {int(np.isnan(cost).sum())} impassable, "
          f"{len(src)} sources")
    print(f"agreement: {int(both.sum())} cells reached by both, {differ} reached by one only; relative difference "
          f"max {rel.max():.2e}, median {np.median(rel):.2e}")
    print(f"time: ours {best_ours:.2f} s, r.cost -k {best_grass:.2f} s (GRASS start-up {startup:.2f} s removed); "
          f"ratio ours / r.cost = {best_ours / best_grass:.3f}")


# ---------------------------------------------------------------------------------------------
# 3. The Sơn La fibre plan end to end.

def bench_plan(methods: list[str], moves: list[int] = (), household_exact: bool = False) -> None:
    import phusong
    from phusong.plan import fibre

    print("\n== Sơn La fibre plan (scenarios/sonla-white-villages.yaml, fibre section) ==")
    root = Path(__file__).resolve().parents[1]
    sc = phusong.load_scenario(root / "scenarios" / "sonla-white-villages.yaml")
    dem = _core.Dem.open(sc.inputs.dem)
    villages = _core.read_villages(sc.inputs.villages)
    default_moves = sc.fibre.improvement_moves  # the scenario's (the default: local search on)
    runs = [(m, default_moves, "greedy") for m in methods] + [("heuristic", k, "greedy") for k in moves]
    if household_exact:
        runs.append(("heuristic", default_moves, "exact"))
    for method, k, hh_method in runs:
        sc.fibre.method = method
        sc.fibre.improvement_moves = k
        sc.fibre.household_method = hh_method
        if hh_method == "exact":
            sc.fibre.time_limit_s = 60.0
        if method == "exact":
            sc.fibre.time_limit_s = 60.0
        t0 = time.perf_counter()
        fp = fibre.plan_fibre(sc, dem, villages)
        dt = time.perf_counter() - t0
        new_fac = int((fp.facility_after & ~fp.facility_before).sum())
        moves_text = "" if method == "exact" else f" with {k} improvement moves at most" if k else " without local search"
        print(f"{method}{moves_text}, households {hh_method} "
              f"({fp.stats['household_seconds']:.1f} s): {dt:.1f} s "
              f"(Steiner {fp.stats['steiner_seconds']:.1f} s); graph {fp.graph_nodes} nodes, "
              f"{fp.graph_edges} edges; {new_fac} facilities joined; facilities' tree (cable + {fp.olts} OLTs in all) "
              f"{fp.tree_objective / 1e9:.2f} bn VND, bound {fp.bound / 1e9:.2f}, gap {100 * fp.gap:.2f} %"
              f"{' (proven)' if fp.proven_optimal else ''}; "
              f"households {100 * fp.households_before / fp.households_total:.2f} % -> "
              f"{100 * fp.households_after / fp.households_total:.2f} % for {fp.household_objective / 1e9:.2f} bn VND, "
              f"bound given the tree {fp.household_bound / 1e9:.2f}, gap {100 * (fp.household_gap or 0):.2f} %; "
              f"whole plan {fp.total_cost / 1e9:.2f} bn VND, proven bound {fp.total_bound / 1e9:.2f}, gap "
              f"{100 * (fp.total_gap or 0):.2f} %; "
              f"{fp.new_route_km:.0f} km new", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", default="steiner,cost,plan", help="comma-separated parts: steiner, cost, plan")
    ap.add_argument("--quick", action="store_true", help="fewer Steiner instances")
    ap.add_argument("--exact-time-limit", type=float, default=60.0,
                    help="Steiner: the exact solver's time limit in seconds (default 60)")
    ap.add_argument("--repeat", type=int, default=1, help="timing runs of the cost distance (best kept)")
    ap.add_argument("--household-exact", action="store_true",
                    help="plan: also the exact household stage (quota Steiner MILP, 60 s)")
    ap.add_argument("--moves", default="", help="plan: also the heuristic with these numbers of local-search moves, "
                                                  "comma-separated (e.g. 0,5: 0 = none)")
    ap.add_argument("--export-stp", type=Path, default=None, metavar="DIR",
                    help="steiner: also write each instance to DIR as a SteinLib STP file (sonla-wW-tT.stp)")
    a = ap.parse_args()
    parts = set(a.only.split(","))
    if a.export_stp is not None:
        a.export_stp.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    cost, gt, _ = cost_surface()
    print(f"cost surface: {cost.shape[1]} x {cost.shape[0]} cells, cost per metre {np.nanmin(cost):.2f}.."
          f"{np.nanmax(cost):.2f}, built in {time.perf_counter() - t0:.1f} s")
    if "steiner" in parts:
        bench_steiner(cost, gt, a.quick, a.exact_time_limit, a.export_stp)
    if "cost" in parts:
        bench_cost_distance(cost.copy(), gt, a.repeat)
    if "plan" in parts:
        bench_plan(["heuristic"] if a.quick else ["heuristic", "exact"], [int(k) for k in a.moves.split(",") if k],
                   a.household_exact)
    return 0


if __name__ == "__main__":
    sys.exit(main())
