"""The fibre plan's network model in the engine: slope against GDAL's `gdaldem slope`, the routing
surface's formula on hand-worked rasters, lines rasterised, the routing graph's edges against
lengths and costs computed here, grow_tree against a brute-force optimum on small graphs (its
lower bound must hold) and GPON cabinets against hand-worked trees and a brute force."""

import itertools
import math
import shutil
import subprocess

import numpy as np
import pytest

from conftest import TILE
from phusong import _core

GT_PLANAR = [500000.0, 100.0, 0.0, 2300000.0, 0.0, -100.0]


# ---------------------------------------------------------------------------------------------
# Slope and the routing surface.

@pytest.mark.skipif(shutil.which("gdaldem") is None, reason="gdaldem (gdal-bin) not installed")
def test_slope_matches_gdaldem_on_a_projected_dem(tmp_path):
    # A window of the real SRTM tile, warped to UTM 48N at 90 m; gdaldem computes Horn's slope.
    dem = tmp_path / "utm.tif"
    subprocess.run(["gdalwarp", "-q", "-t_srs", "EPSG:32648", "-tr", "90", "90", "-r", "bilinear", "-te", "550000",
                    "2330000", "580000", "2360000", "-dstnodata", "-32768", str(TILE), str(dem)], check=True)
    ref = tmp_path / "slope.tif"
    subprocess.run(["gdaldem", "slope", "-q", "-compute_edges", str(dem), str(ref)], check=True)
    d = _core.Dem.open([str(dem)])
    z = np.asarray(d.heights_m, np.float32)
    ours = np.asarray(_core.slope_deg(z, list(d.geotransform), d.crs_wkt))
    theirs = np.asarray(_core.Dem.open([str(ref)]).heights_m, np.float64)
    inner = (slice(1, -1), slice(1, -1))
    ok = np.isfinite(z[inner]) & np.isfinite(theirs[inner]) & (theirs[inner] > -9000)
    assert ok.sum() > 100000
    assert np.abs(ours[inner][ok] - theirs[inner][ok]).max() < 1e-3
    assert np.nanmax(ours) > 10  # hills as well as the delta


def test_routing_surface_formula_on_a_plane():
    # A plane rising 30 m per 100 m eastwards: tan(slope) = 0.3 everywhere.
    z = np.tile(np.arange(20, dtype=np.float32) * 30.0, (10, 1))
    opts = dict(base_cost_per_m=100.0, slope_factor=5.0, road_factor=0.5, power_factor=0.6, river_factor=10.0)
    s = np.asarray(_core.routing_surface(z, GT_PLANAR, "", **opts))
    assert np.allclose(s[1:-1, 1:-1], 100.0 * (1 + 5.0 * 0.3), rtol=1e-6)
    # Edge rows: the missing neighbours take the centre's height (gdaldem -compute_edges): 3/4 of the slope.
    assert np.allclose(s[0, 1:-1], 100.0 * (1 + 5.0 * 0.225), rtol=1e-6)
    road = np.zeros(z.shape, np.uint8)
    road[5, :] = 1
    river = np.zeros(z.shape, np.uint8)
    river[:, 3] = 1
    power = np.zeros(z.shape, np.uint8)
    power[2, :] = 1
    lc = np.ones(z.shape, np.float32)
    lc[8, 8] = np.nan
    lc[7, 7] = 2.0
    s = np.asarray(_core.routing_surface(z, GT_PLANAR, "", road=road, power=power, river=river, landcover_factor=lc,
                                         **opts))
    assert s[5, 10] == pytest.approx(50.0)                 # road: base x road_factor
    assert s[5, 3] == pytest.approx(50.0)                  # a road crosses the river on a bridge
    assert s[2, 10] == pytest.approx(60.0)                 # aerial on the power grid
    assert s[1, 3] == pytest.approx(250.0 * 10.0)          # river crossing
    assert s[7, 7] == pytest.approx(500.0)                 # land-cover factor 2
    assert np.isnan(s[8, 8])                               # impassable land cover
    steep = np.tile(np.arange(20, dtype=np.float32) * 300.0, (10, 1))  # 71.6 degrees
    assert np.isnan(np.asarray(_core.routing_surface(steep, GT_PLANAR, "", max_slope_deg=60.0))[1:-1, 1:-1]).all()


def test_routing_surface_bad_input():
    z = np.zeros((4, 4), np.float32)
    with pytest.raises(_core.InputError, match="base_cost_per_m = -1"):
        _core.routing_surface(z, GT_PLANAR, "", base_cost_per_m=-1.0)
    with pytest.raises(_core.InputError, match="road must be a 4 x 4 array"):
        _core.routing_surface(z, GT_PLANAR, "", road=np.zeros((3, 4), np.uint8))


def test_rasterize_lines_marks_the_cells_crossed():
    from shapely.geometry import LineString, Point

    gt = [105.0, 0.01, 0.0, 22.0, 0.0, -0.01]
    line = LineString([(105.005, 21.955), (105.095, 21.955)])  # along row 4, columns 0..9
    m = np.asarray(_core.rasterize_lines([line.wkb], gt, 10, 12, "WGS84", "roads.geojson"))
    assert m[4, :10].all() and m.sum() == 10
    with pytest.raises(_core.InputError, match=r"roads.geojson: feature 0 is a Point"):
        _core.rasterize_lines([Point(105.0, 21.9).wkb], gt, 10, 12, "WGS84", "roads.geojson")


# ---------------------------------------------------------------------------------------------
# The routing graph.

def test_routing_graph_edges_cost_length_times_mean_cost():
    cost = np.full((9, 9), 2.0, np.float32)
    cost[4, 6] = np.nan
    g = _core.routing_graph(cost, GT_PLANAR, "", stride=3, x=[500050.0], y=[2299950.0])
    assert (g.lattice_rows, g.lattice_cols) == (3, 3)
    u, v, c, length = (np.asarray(a) for a in (g.edge_u, g.edge_v, g.edge_cost, g.edge_length_m))
    nx, ny = np.asarray(g.node_x), np.asarray(g.node_y)
    # Lattice nodes at cells (1 + 3i, 1 + 3j); the centre node (1, 1) is at cell (4, 4).
    assert (nx[4], ny[4]) == (500450.0, 2299550.0)
    for a, b, cc, ln in zip(u, v, c, length):
        if a >= 9 or b >= 9:
            continue
        assert ln == pytest.approx(math.hypot(nx[a] - nx[b], ny[a] - ny[b]))
        assert cc == pytest.approx(2.0 * ln)
    pairs = {(int(a), int(b)) for a, b in zip(u, v)}
    # The east edge from the centre crosses the impassable cell (4, 6): left out.
    assert (4, 5) not in pairs and (3, 4) in pairs
    # Knight's moves of the lattice: (0, 0) -> (1, 2) and (0, 0) -> (2, 1).
    assert (0, 7) in pairs and (1, 6) in pairs
    assert (0, 5) not in pairs  # (the knight ESE from (0, 0) passes the impassable cell)
    # The point (cell (0, 0)) is joined to the lattice node (0, 0) at cell (1, 1), among others.
    links = [(a, cc) for a, b, cc in zip(u, v, c) if b == 9]
    assert links and links[0][0] == 0 and links[0][1] == pytest.approx(2.0 * math.hypot(100, 100))
    assert list(g.point_node) == [9]
    with pytest.raises(_core.InputError, match="point 0 .* lies outside the grid"):
        _core.routing_graph(cost, GT_PLANAR, "", stride=3, x=[0.0], y=[0.0])


# ---------------------------------------------------------------------------------------------
# grow_tree: greedy growth to a prize target, and its lower bound.

def quota_optimum(n, edges, tree, terms, prize, extra, target):
    """Least cost of joining terminals whose prize reaches `target` to the tree: every subset,
    each with an exact Steiner tree on the graph with the initial tree contracted."""
    root = n  # the initial tree contracted into one node
    best = math.inf
    for k in range(1, len(terms) + 1):
        for sub in itertools.combinations(range(len(terms)), k):
            if sum(prize[i] for i in sub) < target:
                continue
            eu, ev, ec = [], [], []
            for a, b, c in edges:
                a2, b2 = (root if a in tree else a), (root if b in tree else b)
                if a2 != b2:
                    eu.append(a2), ev.append(b2), ec.append(c)
            t = sorted({root} | {terms[i] if terms[i] not in tree else root for i in sub})
            if len(t) == 1:
                cost = 0.0
            else:
                t.remove(root)
                r = _core.solve_steiner(n + 1, eu, ev, ec, [root] + t, method="exact", time_limit_s=10)
                assert r.proven_optimal
                cost = r.cost
            best = min(best, cost + sum(extra[i] for i in sub))
    return best


@pytest.mark.parametrize("seed", range(6))
def test_grow_tree_bound_is_below_the_optimum_and_the_greedy_above(seed):
    rng = np.random.default_rng(seed)
    side = 4
    n = side * side
    edges = []
    for r in range(side):
        for c in range(side):
            v = r * side + c
            if c + 1 < side:
                edges.append((v, v + 1, float(rng.integers(1, 10))))
            if r + 1 < side:
                edges.append((v, v + side, float(rng.integers(1, 10))))
    tree = {0}
    terms = [int(x) for x in rng.choice(np.arange(1, n), 6, replace=False)]
    prize = [float(x) for x in rng.integers(1, 20, 6)]
    extra = [float(x) for x in rng.integers(0, 5, 6)]
    target = 0.6 * sum(prize)
    g = _core.SteinerProblem(n, [e[0] for e in edges], [e[1] for e in edges], [e[2] for e in edges], [0])
    res = _core.grow_tree(g, sorted(tree), terms, prize, extra, target)
    opt = quota_optimum(n, edges, tree, terms, prize, extra, target)
    assert res.target_steps > 0
    assert res.target_cost >= opt - 1e-9
    assert res.target_bound <= opt + 1e-9
    # The steps' edges form paths to the growing tree: their costs add up to the step costs.
    in_tree = set(tree)
    for k, t in zip(range(len(res.order)), res.order):
        path_cost = sum(edges[e][2] for e in res.step_edges[k])
        assert res.step_cost[k] == pytest.approx(path_cost + extra[t])
        for e in res.step_edges[k]:
            in_tree |= {edges[e][0], edges[e][1]}
        assert terms[t] in in_tree
    assert sorted(res.order) == list(range(6))  # complete: every terminal joins


def test_grow_tree_unreachable_and_bad_input():
    g = _core.SteinerProblem(4, [0, 2], [1, 3], [1.0, 1.0], [0])
    res = _core.grow_tree(g, [0], [1, 3], [5.0, 5.0], [0.0, 0.0], 8.0)
    assert res.unreachable == [1] and res.target_steps == -1 and math.isinf(res.target_bound)
    with pytest.raises(_core.InputError, match="terminal 0 is node 9"):
        _core.grow_tree(g, [0], [9], [1.0], [0.0], 1.0)
    with pytest.raises(_core.InputError, match="prize -1"):
        _core.grow_tree(g, [0], [1], [-1.0], [0.0], 1.0)


# ---------------------------------------------------------------------------------------------
# GPON cabinets.

def test_gpon_cabinets_on_a_path():
    # A path 0-1-2-3-4-5 of 8 km edges from the backbone at 0; reach 20 km; demand everywhere.
    n = 6
    g = _core.SteinerProblem(n, list(range(5)), list(range(1, 6)), [1.0] * 5, [0])
    lengths = [8000.0] * 5
    r = _core.gpon_cabinets(g, lengths, list(range(5)), [0], list(range(1, 6)), 20000.0)
    # From the far end: 5 is 0 km from itself, 4 is 8, 3 is 16, 2 would be 24 > 20: a cabinet at 3
    # serves 3, 4, 5; the OLT at 0 serves 1 and 2 (8 and 16 km).
    assert list(r.cabinets) == [3]
    assert list(r.olt_of) == [0, 0, 0, 3, 3, 3]
    assert list(np.asarray(r.optical_m)) == [0, 8000, 16000, 0, 8000, 16000]


@pytest.mark.parametrize("seed", range(8))
def test_gpon_cabinets_is_the_least_number(seed):
    rng = np.random.default_rng(seed)
    n = 9
    parent = [-1] + [int(rng.integers(0, v)) for v in range(1, n)]
    eu = [parent[v] for v in range(1, n)]
    ev = list(range(1, n))
    lengths = [float(rng.integers(2, 12)) * 1000 for _ in ev]
    demand = [v for v in range(1, n) if rng.random() < 0.7]
    reach = 15000.0
    g = _core.SteinerProblem(n, eu, ev, [1.0] * len(eu), [0])
    r = _core.gpon_cabinets(g, lengths, list(range(len(eu))), [0], demand, reach)

    def dist_up(v, centres):
        d = 0.0
        while v not in centres:
            d += lengths[v - 1]
            v = parent[v]
        return d

    def feasible(centres):
        return all(dist_up(v, centres | {0}) <= reach for v in demand)

    best = min(k for k in range(n) for sub in itertools.combinations(range(1, n), k) if feasible(set(sub)))
    assert len(r.cabinets) == best
    assert feasible(set(r.cabinets))
