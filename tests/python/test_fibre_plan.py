"""The fibre plan of a scenario (phusong.plan.fibre) on the demo tile: its layers read back with
GDAL (pyogrio), costs that add up across the layers and the summary, the household target met,
the KPI rows with numbers, the 4G backhaul on the new routes, determinism, and bad input that
names the file, the row or key, and the value."""

import csv
import json
import math

import numpy as np
import pyogrio
import pytest

import phusong
from conftest import base_scenario
from phusong import _core

FIBRE = """
fibre:
  enabled: true
  graph_spacing_m: 600
  method: {method}
  time_limit_s: 5
targets:
  fibre_households_pct: 60
  fibre_schools_pct: 100
outputs:
  dir: out
  formats: [shapefile, gpkg]
  tables: [csv]
"""


def villages(tmp):
    return list(csv.DictReader(open(tmp / "demo_n21e105_villages.GENERATED.csv", encoding="utf-8")))


def fibre_inputs(tmp, kinds=("committee", "school", "health_station"), extra_rows=()):
    """A backbone through the first two bản, and facilities at bản 3-8."""
    v = villages(tmp)
    line = {"type": "Feature", "properties": {"name": "trục"},
            "geometry": {"type": "LineString", "coordinates": [[float(v[0]["lon"]), float(v[0]["lat"])],
                                                               [float(v[1]["lon"]), float(v[1]["lat"])]]}}
    (tmp / "backbone.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": [line]}),
                                          encoding="utf-8")
    rows = ["id,name,kind,commune,district,lon,lat,source"]
    for k, r in enumerate(v[2:8]):
        rows.append(f"F{k},Cơ sở {k},{kinds[k % len(kinds)]},{r['commune']},{r['district']},{r['lon']},{r['lat']},test")
    rows += list(extra_rows)
    (tmp / "facilities.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")


def scenario_text(method="heuristic", extra_inputs=""):
    text = base_scenario().replace("outputs:\n  dir: out\n", "")
    text = text.replace("  towers: demo_n21e105_towers.GENERATED.csv\n",
                        "  towers: demo_n21e105_towers.GENERATED.csv\n  fibre: backbone.geojson\n"
                        "  facilities: facilities.csv\n" + extra_inputs)
    return text + FIBRE.format(method=method)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    import shutil

    from conftest import GENERATED

    tmp = tmp_path_factory.mktemp("fibre")
    for f in GENERATED.glob("demo_n21e105_*.csv"):
        shutil.copy(f, tmp / f.name)
    fibre_inputs(tmp)
    p = tmp / "s.yaml"
    p.write_text(scenario_text(), encoding="utf-8")
    steps = []
    r = phusong.run_scenario(p, progress=lambda s, d, t: steps.append((s, d, t)))
    return tmp, r, steps


def test_layers_read_back_and_costs_add_up(run):
    tmp, r, steps = run
    out = tmp / "out"
    fp = r.fibre
    assert ("fibre", 6, 6) in steps
    for layer in ("fibre_routes", "fibre_nodes", "facilities"):
        for ext in (".shp", ".gpkg"):
            assert (out / f"{layer}{ext}").is_file()
    routes = pyogrio.read_dataframe(out / "fibre_routes.gpkg")
    assert set(routes["trang_thai"]) == {"tuyến mới", "tuyến hiện có"}
    new = routes[routes["trang_thai"] == "tuyến mới"]
    assert new.geometry.geom_type.eq("LineString").all()
    assert new["chieu_dai_km"].sum() == pytest.approx(fp.new_route_km, rel=1e-3)
    # The cable of the new routes = the facilities' tree + the household paths (last mile apart).
    v_new = np.nonzero(fp.village_after & ~fp.village_before)[0]
    from phusong.plan.fibre import last_mile_cost

    lm = last_mile_cost(r.scenario.fibre, np.array([r.villages[i].households for i in v_new], float),
                        fp.village_radius_m[v_new]).sum()
    assert new["chi_phi"].sum() == pytest.approx(fp.cost_facilities + fp.cost_households - lm, rel=1e-6)
    nodes = pyogrio.read_dataframe(out / "fibre_nodes.shp")
    spl = nodes[nodes["loai"].str.startswith("bộ chia quang")]
    assert len(spl) == len(v_new) and spl["so_luong"].sum() == fp.splitters
    assert (spl["ty_le"] == 32).all()
    olts = nodes[nodes["loai"] == "OLT tại điểm rẽ trên trục"]
    assert len(olts) == fp.olts >= 1
    eq = fp.olts * 5.0e7 + fp.cabinets * 5.0e8 + int((fp.facility_after & ~fp.facility_before).sum()) * 5.0e6
    assert fp.cost_equipment == pytest.approx(eq)
    assert fp.total_cost == pytest.approx(fp.cost_facilities + fp.cost_households + fp.cost_equipment)
    assert r.summary["fibre_plan_cost"] == pytest.approx(fp.total_cost)
    assert r.summary["total_cost_4g_and_fibre"] == pytest.approx(fp.total_cost + r.plan.total_cost)
    # Optical distances within the reach.
    assert (spl["cq_km"].dropna() <= 20.0 + 1e-9).all()


def test_new_routes_follow_the_least_cost_cells(run):
    tmp, r, _ = run
    fp = r.fibre
    new = [rt for rt in fp.routes if rt.status == "new"]
    assert new
    # Each line runs from cell to cell (a move of r.cost -k at most: sqrt(5) cells of ~90 m), so it
    # is never shorter than the graph's straight edges between the same nodes.
    for rt in new:
        for (x1, y1), (x2, y2) in zip(rt.coords, rt.coords[1:]):
            kx = 111.32 * math.cos(math.radians((y1 + y2) / 2))
            assert math.hypot((x2 - x1) * kx, (y2 - y1) * 110.57) < 0.3
    assert fp.new_route_km >= fp.stats["graph_route_km"] * (1 - 1e-9)
    assert fp.new_route_km <= fp.stats["graph_route_km"] * 1.5
    assert sum(len(rt.coords) for rt in new) > 3 * len(new)
    # The line's vertices avoid impassable cells: every interior vertex is on a finite-cost cell.
    sc = r.scenario
    dem = _core.Dem.open(sc.inputs.dem)
    surface = _core.routing_surface(np.asarray(dem.heights_m, np.float32), list(dem.geotransform), dem.crs_wkt)
    gt = dem.geotransform
    for rt in new:
        for lon, lat in rt.coords[1:-1]:
            row, col = int((lat - gt[3]) // gt[5]), int((lon - gt[0]) // gt[1])
            assert np.isfinite(surface[row, col])


def test_every_facility_is_reached_and_the_household_target_met(run):
    tmp, r, _ = run
    fp = r.fibre
    fac = pyogrio.read_dataframe(tmp / "out" / "facilities.gpkg")
    assert len(fac) == 6
    assert (fac["cap_quang_sau_qh"] == "có").all()
    assert set(fac["loai_co_so"]) == {"UBND xã", "trường học", "trạm y tế"}
    assert fp.households_after >= 0.60 * fp.households_total
    assert fp.bound <= fp.tree_objective + 1e-6 and fp.household_bound <= fp.household_objective + 1e-6
    assert fp.total_bound <= fp.total_cost and 0 <= fp.total_gap < 1
    # The tree's objective = its cable + an OLT per attachment to the backbone.
    stage1_olts = fp.tree_objective - fp.cost_facilities
    assert stage1_olts == pytest.approx(round(stage1_olts / 5.0e7) * 5.0e7)
    # The villages layer: fibre before/after, order and cost.
    vl = pyogrio.read_dataframe(tmp / "out" / "villages.gpkg")
    after = vl["cap_quang_sau_qh"] == "có"
    assert after.sum() == int(fp.village_after.sum())
    hh = vl["so_ho"].to_numpy(float)
    assert hh[after.to_numpy()].sum() == pytest.approx(fp.households_after)
    steps = vl["cap_quang_thu_tu"].to_numpy()
    assert sorted(steps[steps > 0]) == list(range(1, int((steps > 0).sum()) + 1))


def test_kpi_rows_have_numbers_and_the_curve_is_cumulative(run):
    tmp, r, _ = run
    rows = {x["indicator"]: x for x in csv.DictReader(open(tmp / "out" / "kpi_targets.csv", encoding="utf-8"))}
    hh = rows["fibre to households (%)"]
    assert hh["target"] == "60" and float(hh["after_plan"]) >= 60.0 > float(hh["before"])
    assert float(rows["fibre to schools (%)"]["after_plan"]) == 100.0
    curve = list(csv.DictReader(open(tmp / "out" / "fibre_curve.csv", encoding="utf-8")))
    cost = [float(c["cost"]) for c in curve]
    passed = [float(c["households_passed"]) for c in curve]
    assert cost == sorted(cost) and passed == sorted(passed)
    inside = [c for c in curve if c["within_target"] == "True"]
    assert float(inside[-1]["households_passed_pct"]) == pytest.approx(float(hh["after_plan"]), abs=1e-6)
    # The curve's cost is the household steps' objective (cable, last mile, OLTs of new attachments).
    assert float(inside[-1]["cost"]) == pytest.approx(r.fibre.household_objective, rel=1e-9)
    commune = list(csv.DictReader(open(tmp / "out" / "kpi_commune.csv", encoding="utf-8")))
    assert "fibre_hh_after_pct" in commune[0] and "fibre_schools_after" in commune[0]


def test_field_dictionary_has_the_fibre_fields(run):
    tmp, _, _ = run
    d = {(x["layer"], x["field"]) for x in csv.DictReader(open(tmp / "out" / "field_dictionary.csv", encoding="utf-8"))}
    for layer in ("fibre_routes", "fibre_nodes", "facilities", "villages"):
        for f in pyogrio.read_info(tmp / "out" / f"{layer}.shp")["fields"]:
            assert (layer, f) in d, (layer, f)


def test_new_routes_are_backhaul_for_nearby_sites(dem):
    from shapely.geometry import LineString

    from phusong.plan.backhaul import site_extras

    sc = phusong.Scenario.model_validate({"name": "b", "inputs": {"dem": ["x"], "villages": "v", "towers": "t",
                                                                   "fibre": "backbone.geojson"}})
    s = _core.Site()
    s.id, s.lon, s.lat, s.kind, s.height_m = "C1", 105.40, 21.10, "new_grid_hilltop", 40.0
    new = [LineString([(105.401, 21.09), (105.401, 21.11)]).wkb]  # ~100 m away
    import phusong.plan.backhaul as bh

    far = LineString([(105.9, 21.9), (105.95, 21.9)])
    saved = bh.read_lines
    bh.read_lines = lambda path: far
    try:
        e_old = site_extras(sc, dem, [s], [])[0]
        e_new = site_extras(sc, dem, [s], [], new)[0]
    finally:
        bh.read_lines = saved
    assert e_new.backhaul_kind == "new_fibre" and e_new.backhaul_km < 0.2
    assert e_new.backhaul < e_old.backhaul


def test_same_plan_twice_and_exact_reports_a_bound(scenario_dir):
    tmp, write = scenario_dir
    fibre_inputs(tmp)
    a = phusong.run_scenario(write(scenario_text()), out_dir=tmp / "a")
    b = phusong.run_scenario(write(scenario_text()), out_dir=tmp / "b", threads=1)
    assert a.fibre.total_cost == b.fibre.total_cost
    assert (tmp / "a" / "fibre_routes.dbf").read_bytes() == (tmp / "b" / "fibre_routes.dbf").read_bytes()
    e = phusong.run_scenario(write(scenario_text("exact")), out_dir=tmp / "e")
    assert e.fibre.method.startswith("Steiner MILP")
    assert e.fibre.bound <= e.fibre.tree_objective + 1e-6
    assert e.fibre.tree_objective <= a.fibre.tree_objective * (1 + 1e-9)


def test_exact_household_stage_is_no_worse_than_the_greedy_and_adds_up(scenario_dir):
    tmp, write = scenario_dir
    fibre_inputs(tmp)
    g = phusong.run_scenario(write(scenario_text()), out_dir=tmp / "g")
    text = scenario_text().replace("  graph_spacing_m: 600\n", "  graph_spacing_m: 600\n  household_method: exact\n")
    e = phusong.run_scenario(write(text, "e.yaml"), out_dir=tmp / "e")
    gf, ef = g.fibre, e.fibre
    assert ef.household_method.startswith("quota Steiner MILP") and gf.household_method.startswith("greedy")
    # The same facilities' tree; the household stage at most the greedy's, above its proven bound.
    assert ef.tree_objective == gf.tree_objective
    assert ef.household_objective <= gf.household_objective * (1 + 1e-9)
    assert ef.household_bound <= ef.household_objective * (1 + 1e-9)
    assert ef.household_bound >= gf.household_bound - 1e-6  # the MILP only raises the greedy's bound
    if ef.household_proven_optimal:
        assert ef.household_gap == 0
    hh = np.array([v.households for v in e.villages])
    assert hh[ef.village_after].sum() >= ef.household_target_pct / 100 * hh.sum() - 1e-6
    # Each bản's own cost (its path back to the network built before it + last mile) adds up to the stage.
    new = ef.village_after & ~ef.village_before
    assert ef.village_cost[new].sum() == pytest.approx(ef.household_objective, rel=1e-9)
    assert sorted(ef.village_order[new]) == list(range(1, int(new.sum()) + 1))
    summary = {r["key"]: r["value"] for r in csv.DictReader(open(tmp / "e" / "summary.csv", encoding="utf-8"))}
    assert summary["fibre_households_method"] == ef.household_method
    assert float(summary["fibre_households_objective"]) == pytest.approx(ef.household_objective)
    curve = list(csv.DictReader(open(tmp / "e" / "fibre_curve.csv", encoding="utf-8")))[1:]
    in_plan = {e.villages[i].id for i in np.nonzero(new)[0]}
    assert sum(c["within_target"] == "True" for c in curve) == len(in_plan)
    report = (tmp / "e" / "report.md").read_text(encoding="utf-8") if (tmp / "e" / "report.md").exists() else ""
    assert not report or "MILP cây Steiner có hạn mức" in report


def test_village_radius_rule_by_hand():
    from types import SimpleNamespace

    from phusong.plan.fibre import last_mile_cost, village_radius_m

    costs = SimpleNamespace(splitter=1.5e6, drop_per_m=1.0e4)
    f = SimpleNamespace(village_radius_m="households", household_area_m2=3000.0, splitter_ratio=32, costs=costs)
    h = np.array([80.0, 20.0, 33.0])
    # sqrt(80 * 3000 / pi) = 276.4 m; the file's 150 m wins where given.
    r = village_radius_m(f, h, np.array([np.nan, 150.0, np.nan]))
    np.testing.assert_allclose(r, [math.sqrt(80 * 3000 / math.pi), 150.0, math.sqrt(33 * 3000 / math.pi)])
    # 3 splitters of 1:32 for 80 households + 80 drops of 2/3 r each; 2 splitters for 33.
    lm = last_mile_cost(f, h, r)
    assert lm[0] == pytest.approx(3 * 1.5e6 + 80 * (2 / 3) * r[0] * 1.0e4)
    assert lm[1] == pytest.approx(1 * 1.5e6 + 20 * (2 / 3) * 150.0 * 1.0e4)
    assert lm[2] == pytest.approx(2 * 1.5e6 + 33 * (2 / 3) * r[2] * 1.0e4)
    f.village_radius_m = 300.0
    np.testing.assert_allclose(village_radius_m(f, h), [300.0, 300.0, 300.0])


def test_radius_per_bản_from_the_villages_file_and_the_households_rule(scenario_dir):
    tmp, write = scenario_dir
    fibre_inputs(tmp)
    rows = villages(tmp)
    # The villages file gives radius_m for the first five bản (planners' survey); the rest follow the
    # households rule.
    header = list(rows[0].keys()) + ["radius_m"]
    with open(tmp / "v_radius.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, header)
        w.writeheader()
        for k, r in enumerate(rows):
            w.writerow({**r, "radius_m": 120 + 10 * k if k < 5 else ""})
    text = scenario_text().replace("demo_n21e105_villages.GENERATED.csv", "v_radius.csv")
    text = text.replace("  graph_spacing_m: 600\n", "  graph_spacing_m: 600\n  village_radius_m: households\n"
                        "  household_area_m2: 2500\n")
    r = phusong.run_scenario(write(text), out_dir=tmp / "o")
    hh = np.array([float(x["households"]) for x in rows])
    expect = np.sqrt(hh * 2500 / math.pi)
    expect[:5] = [120, 130, 140, 150, 160]
    np.testing.assert_allclose(r.fibre.village_radius_m, expect)
    assert [v.radius_m for v in r.villages[:5]] == [120, 130, 140, 150, 160] and math.isnan(r.villages[5].radius_m)
    back = pyogrio.read_dataframe(tmp / "o" / "villages.gpkg")
    np.testing.assert_allclose(back["cap_quang_ban_kinh_m"], np.round(expect, 1))
    shp = pyogrio.read_dataframe(tmp / "o" / "villages.shp")
    np.testing.assert_allclose(shp["cq_bk_m"], np.round(expect, 1))
    # The costs use them: the new routes are the plan's cable without the bản's last mile.
    fp = r.fibre
    v_new = np.nonzero(fp.village_after & ~fp.village_before)[0]
    from phusong.plan.fibre import last_mile_cost

    lm = last_mile_cost(r.scenario.fibre, hh[v_new], expect[v_new]).sum()
    routes = pyogrio.read_dataframe(tmp / "o" / "fibre_routes.gpkg")
    assert routes[routes["trang_thai"] == "tuyến mới"]["chi_phi"].sum() == \
        pytest.approx(fp.cost_facilities + fp.cost_households - lm, rel=1e-6)


def test_village_radius_out_of_range_names_file_row_and_value(scenario_dir):
    tmp, write = scenario_dir
    fibre_inputs(tmp)
    rows = villages(tmp)
    with open(tmp / "v_bad.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, list(rows[0].keys()) + ["radius_m"])
        w.writeheader()
        for k, r in enumerate(rows):
            w.writerow({**r, "radius_m": "25000" if k == 3 else ""})
    text = scenario_text().replace("demo_n21e105_villages.GENERATED.csv", "v_bad.csv")
    with pytest.raises(_core.InputError, match=r"v_bad.csv: row 4: field 'radius_m' is 25000 m: too high"):
        phusong.run_scenario(write(text), out_dir=tmp / "o")
    bad = scenario_text().replace("  graph_spacing_m: 600\n", "  graph_spacing_m: 600\n  village_radius_m: wide\n")
    with pytest.raises(phusong.ScenarioError, match="fibre.village_radius_m"):
        phusong.load_scenario(write(bad))


# ---------------------------------------------------------------------------------------------
# Bad input.

def test_unknown_kind_names_file_row_and_value(scenario_dir):
    tmp, write = scenario_dir
    fibre_inputs(tmp, kinds=("committee", "chợ"))
    with pytest.raises(_core.InputError, match=r"facilities.csv: row 2 \(facility 'F1'\): field 'kind' = 'chợ'"):
        phusong.run_scenario(write(scenario_text()))
    assert not (tmp / "out").exists()


def test_facility_outside_the_dem(scenario_dir):
    tmp, write = scenario_dir
    fibre_inputs(tmp, extra_rows=["X9,Xa,school,x,y,107.5,21.5,test"])
    with pytest.raises(_core.InputError, match=r"facilities.csv: row 7 \(facility 'X9'\): point \(107.5, 21.5\) "
                                               "lies outside the DEM"):
        phusong.run_scenario(write(scenario_text()))


def test_fibre_without_facilities_names_the_key(scenario_dir):
    tmp, write = scenario_dir
    fibre_inputs(tmp)
    text = scenario_text().replace("  facilities: facilities.csv\n", "")
    with pytest.raises(phusong.ScenarioError, match=r"'fibre.enabled' is true but 'inputs.facilities' is not given"):
        phusong.load_scenario(write(text))


def test_backbone_that_is_not_lines(scenario_dir):
    tmp, write = scenario_dir
    fibre_inputs(tmp)
    pt = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},
                                                     "geometry": {"type": "Point", "coordinates": [105.4, 21.1]}}]}
    (tmp / "backbone.geojson").write_text(json.dumps(pt), encoding="utf-8")
    with pytest.raises(_core.InputError, match=r"backbone.geojson: feature 1 is a Point"):
        phusong.run_scenario(write(scenario_text()))


def test_isolated_facilities_are_listed_not_dropped(scenario_dir):
    tmp, write = scenario_dir
    # A school on a DEM void of the real tile (SRTM -32768): no cable can be laid there.
    fibre_inputs(tmp, extra_rows=["VOID,Trường trên ô trống,school,x,y,105.995833,21.864167,test"])
    r = phusong.run_scenario(write(scenario_text()))
    fp = r.fibre
    k = [f.id for f in fp.facilities].index("VOID")
    assert fp.facility_reason == {k: "isolated"}
    assert not fp.facility_after[k] and fp.facility_after[:k].all()
    fac = pyogrio.read_dataframe(tmp / "out" / "facilities.gpkg")
    row = fac[fac["ma_co_so"] == "VOID"].iloc[0]
    assert row["ly_do_khong_toi"].startswith("nằm trên ô không đi cáp được") and row["cap_quang_sau_qh"] == "không"
    assert float(r.kpis["province"][0]["fibre_schools_after_pct"]) < 100.0


def test_backbone_that_no_target_can_reach_is_an_error(scenario_dir):
    tmp, write = scenario_dir
    fibre_inputs(tmp)
    far = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": {
        "type": "LineString", "coordinates": [[107.2, 21.5], [107.3, 21.6]]}}]}  # off the DEM
    (tmp / "backbone.geojson").write_text(json.dumps(far), encoding="utf-8")
    with pytest.raises(_core.InputError, match=r"backbone.geojson: the fibre backbone crosses no passable cell"):
        phusong.run_scenario(write(scenario_text()))


def test_scenario_keys_are_checked(scenario_dir):
    tmp, write = scenario_dir
    fibre_inputs(tmp)
    bad = scenario_text().replace("  graph_spacing_m: 600\n", "  graph_spacing_m: 600\n  splitter_ratio: 48\n")
    with pytest.raises(phusong.ScenarioError, match="fibre.splitter_ratio"):
        phusong.load_scenario(write(bad))
    assert math.isfinite(phusong.load_scenario(write(scenario_text())).fibre.reach_km)


def test_towers_on_new_routes_become_microwave_hubs(dem):
    from shapely.geometry import LineString

    import phusong.plan.backhaul as bh

    sc = phusong.Scenario.model_validate({"name": "b", "inputs": {"dem": ["x"], "villages": "v", "towers": "t",
                                                                   "fibre": "backbone.geojson"}})
    s = _core.Site()
    s.id, s.lon, s.lat, s.kind, s.height_m = "C1", 105.40, 21.10, "new_grid_hilltop", 300.0
    t = _core.Site()
    t.id, t.lon, t.lat, t.height_m = "T1", 105.435, 21.10, 300.0  # 3.6 km east, beyond fibre_max_km
    new = [LineString([(105.435, 21.05), (105.435, 21.15)]).wkb]  # a new route through the tower
    saved = bh.read_lines
    bh.read_lines = lambda path: LineString([(105.9, 21.9), (105.95, 21.9)])  # the backbone, far away
    try:
        before = bh.site_extras(sc, dem, [s], [t])[0]
        after = bh.site_extras(sc, dem, [s], [t], new)[0]
    finally:
        bh.read_lines = saved
    assert before.backhaul_kind == "fibre_no_los"  # no hub: the tower is far from the backbone
    assert after.backhaul_kind == "microwave" and after.backhaul_hub == "T1"
    assert after.backhaul < before.backhaul


def test_web_map_shows_the_fibre_plan(scenario_dir):
    """map.html with the fibre plan: routes and facilities drawn, toggled, no console error."""
    from test_webmap import CHROMIUM, Dom, chromium, console_errors, page_data

    if CHROMIUM is None:
        pytest.skip("headless Chromium not installed (Debian package 'chromium', installed by scripts/install.sh)")
    tmp, write = scenario_dir
    fibre_inputs(tmp)
    r = phusong.run_scenario(write(scenario_text().replace("  tables: [csv]\n", "  tables: [csv]\n  web_map: true\n")))
    page = tmp / "out" / "map.html"
    data = page_data(page)
    assert len(data["cap_quang"]) == len(r.fibre.routes) and len(data["co_so"]) == len(r.fibre.facilities)
    res = chromium(page, tmp, "--dump-dom")
    assert res.returncode == 0 and not console_errors(res.stderr), res.stderr[-2000:]
    dom = Dom()
    dom.feed(res.stdout)
    assert any(a.get("data-phusong-ready") == "1" for _, a in dom.attrs)
    drawn = len(r.villages) + len(r.towers) + len(data["cap_quang"]) + len(data["co_so"])
    assert dom.tags.get("path", 0) == drawn + sum(len(d["poly"]) for d in data["huyen"])
    assert "Tuyến cáp quang" in res.stdout and "UBND, trường, trạm y tế" in res.stdout
