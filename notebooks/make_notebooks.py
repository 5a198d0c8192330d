"""Writes the notebooks of this folder from their cells (run: python notebooks/make_notebooks.py).
The notebooks are committed; tests/python/test_notebooks.py executes them top to bottom."""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

SETUP = '''import tempfile
from pathlib import Path

import geopandas as gpd
import matplotlib.pyplot as plt
import pandas as pd

import phusong

SCENARIOS = Path("..") / "scenarios"
OUT = Path(tempfile.mkdtemp(prefix="phusong-nb-"))'''

NOTEBOOKS = {
    "01-baseline-coverage.ipynb": [
        new_markdown_cell("# 1. Baseline coverage of Sơn La\n\nWhich bản have 4G today, per operator, and which "
                          "are white (*bản trắng*)? The terrain, bản and towers are **GENERATED** on the real district "
                          "boundaries and the 2019 census (see README, *Data*)."),
        new_code_cell(SETUP),
        new_code_cell('r = phusong.run_scenario(SCENARIOS / "sonla-baseline.yaml", out_dir=OUT / "baseline")\n'
                      'pd.Series(r.summary)'),
        new_code_cell('villages = gpd.read_file(OUT / "baseline" / "villages.gpkg")\n'
                      'districts = gpd.read_file(OUT / "baseline" / "districts.gpkg")\n'
                      'ax = districts.boundary.plot(color="grey", linewidth=0.6, figsize=(9, 7))\n'
                      'for status, color in [("phủ sóng", "tab:green"), ("bản trắng", "tab:red")]:\n'
                      '    villages[villages.trang_thai_hien_nay == status].plot(ax=ax, markersize=4, color=color, label=status)\n'
                      'ax.legend(); ax.set_title("Bản by 4G status today"); plt.show()'),
        new_code_cell('per_district = pd.DataFrame(r.kpis["district"]).set_index("district")\n'
                      'per_district[["ban", "population", "white_ban_before", "covered_pop_before_pct"]].round(2)'),
        new_code_cell('pd.DataFrame({op: {"sites": d["sites"], "covered bản": d["covered_villages"],\n'
                      '                   "people covered %": 100 * d["covered_population"] / r.summary["population"]}\n'
                      '              for op, d in r.operators.items()}).T.round(2)'),
        new_code_cell('assert r.summary["white_villages"] == len(r.white)\n'
                      'assert abs(per_district["population"].sum() - r.summary["population"]) < 1e-6'),
        new_markdown_cell("## Coverage areas, QGIS and the interactive map\n\nWith `outputs.rasters` a run writes "
                          "best-server RSRP rasters (COG) before and after the plan, per operator and for all, and "
                          "the coverage polygons; `outputs.qgis` a styled QGIS project; `outputs.web_map` an "
                          "offline interactive map. Here on the real tile N21E105 with the GENERATED demo bản."),
        new_code_cell('sc = phusong.load_scenario(SCENARIOS / "demo-n21e105.yaml")\n'
                      'sc.outputs.rasters, sc.outputs.qgis, sc.outputs.web_map = True, True, True\n'
                      'sc.outputs.formats = ["gpkg"]\n'
                      'demo = phusong.run_scenario(sc, out_dir=OUT / "demo")\n'
                      'sorted(p.name for p in (OUT / "demo").iterdir() if p.suffix in (".tif", ".qgz", ".html", ".gpkg"))'),
        new_code_cell('after = phusong.Dem.open([str(OUT / "demo" / "rsrp_after.tif")])  # a raster read as a grid\n'
                      'before = phusong.Dem.open([str(OUT / "demo" / "rsrp_before.tif")])\n'
                      'fig, axes = plt.subplots(1, 2, figsize=(11, 4.5))\n'
                      'for ax, (title, g) in zip(axes, [("before the plan", before), ("after the plan", after)]):\n'
                      '    im = ax.imshow(g.heights_m, cmap="RdYlGn", vmin=-120, vmax=-70)\n'
                      '    ax.set_title(f"best-server RSRP (dBm), {title}"); ax.axis("off")\n'
                      'fig.colorbar(im, ax=axes, shrink=0.8); plt.show()\n'
                      'thr = sc.radio.threshold_dbm\n'
                      'import numpy as np\n'
                      'share = lambda g: 100 * np.mean(np.nan_to_num(g.heights_m, nan=-999) >= thr)\n'
                      'print(f"cells >= {thr:g} dBm: {share(before):.1f}% before, {share(after):.1f}% after")\n'
                      'assert share(after) > share(before)'),
        new_markdown_cell("## Bringing an operator's site list\n\nPlanners' tables come with their own headers, sheets and "
                          "VN-2000 coordinates. `phusong.inputs.tables` (and `inputs.towers: {file, sheet, columns, crs}` in a "
                          "scenario) reads them as they are; here the Vietnamese template of `datasets/templates/`."),
        new_code_cell('from phusong.inputs import tables\n'
                      'csv_path = tables.normalise("../datasets/templates/sites_template_vi.xlsx", OUT / "sites.csv", "sites",\n'
                      '                            columns="vi", crs="VN2000-TM3-104", sheet="Trạm")\n'
                      'sites = pd.read_csv(csv_path)\n'
                      'assert sites.lon.between(102, 110).all() and sites.lat.between(8, 24).all()  # VN-2000 -> WGS84\n'
                      'sites'),
        new_markdown_cell("OpenStreetMap's communication towers (`format: osm_towers`) are hosts for upgrades and "
                          "co-locations where no operator list is at hand: the extract keeps neither operator nor "
                          "technology, so each is taken as a 2G site and labelled ASSUMED; other towers are left out "
                          "and counted."),
        new_code_cell('from phusong.inputs import datasets, osm\n'
                      'r = osm.towers_from_pois(datasets.fetch("osm/vn_comms_towers.geojson"), OUT / "osm_towers.csv")\n'
                      'print(r.towers, "communication towers;", *r.warnings)\n'
                      'pd.read_csv(r.path)[["id", "operator", "technologies", "lon", "lat", "source"]].head()'),
    ],
    "02-erasing-white-villages.ipynb": [
        new_markdown_cell("# 2. Erasing the white villages\n\nThe least-cost set of sites — 4G upgrades of own "
                          "2G/3G sites and co-location on other operators' towers first, new hill-top towers where "
                          "needed — solved exactly (CBC), with the optimality gap."),
        new_code_cell(SETUP),
        new_code_cell('sc = phusong.load_scenario(SCENARIOS / "sonla-white-villages.yaml")\n'
                      '# rasters, the PDF, QGIS and the web map are shown in notebook 1 (on a smaller area)\n'
                      'sc.outputs.rasters = sc.outputs.report_pdf = sc.outputs.qgis = sc.outputs.web_map = False\n'
                      'r = phusong.run_scenario(sc, out_dir=OUT / "plan")\n'
                      's = r.summary\n'
                      'print(f"{s[\'proposed_sites\']} sites, {s[\'plan_cost\'] / 1e9:.1f} billion VND, gap {100 * s[\'plan_gap\']:.2f}%")\n'
                      'print(f"{s[\'villages_covered_by_plan\']} of {s[\'white_villages\']} white bản covered; "\n'
                      '      f"{s[\'uncoverable_villages\']} need satellite/VSAT")'),
        new_code_cell('sites = gpd.read_file(OUT / "plan" / "proposed_sites.gpkg")\n'
                      'sites.groupby("loai_tram").agg(sites=("ma_tram", "count"), cost_billion_vnd=("tong_chi_phi", "sum"),\n'
                      '                               people=("dan_so_phu_moi", "sum")).assign(cost_billion_vnd=lambda d: d.cost_billion_vnd / 1e9)'),
        new_code_cell('villages = gpd.read_file(OUT / "plan" / "villages.gpkg")\n'
                      'districts = gpd.read_file(OUT / "plan" / "districts.gpkg")\n'
                      'ax = districts.boundary.plot(color="grey", linewidth=0.6, figsize=(9, 7))\n'
                      'colors = {"phủ sóng": "lightgreen", "phủ sóng mới": "tab:blue", "không phủ được": "tab:purple"}\n'
                      'for status, color in colors.items():\n'
                      '    villages[villages.sau_quy_hoach == status].plot(ax=ax, markersize=4, color=color, label=status)\n'
                      'sites.plot(ax=ax, marker="^", color="orange", edgecolor="k", markersize=30, label="proposed site")\n'
                      'ax.legend(); ax.set_title("After the plan"); plt.show()'),
        new_code_cell('uncoverable = villages[villages.sau_quy_hoach == "không phủ được"][["ma_ban", "ten_ban", "xa", "ly_do_khong_phu", "thieu_db"]]\n'
                      'assert uncoverable.ly_do_khong_phu.notna().all()\n'
                      'uncoverable.head(10)'),
        new_markdown_cell("## Meeting the targets: 99.56 %, the operators' agreement, the years and the fund\n\n"
                          "`sonla-targets.yaml` asks for the least-cost plan that reaches 4G/5G for 99.56 % of the "
                          "people (`planning.objective: target`), gives the bản no first-pass candidate reaches a "
                          "second pass (taller masts, 900 MHz, small cells, repeaters, satellite), divides the white "
                          "bản between Viettel, VNPT and MobiFone (illustrative shares), rolls the sites out within "
                          "each year's budget and computes what the public-utility telecom fund would be asked for."),
        new_code_cell('t = phusong.run_scenario(SCENARIOS / "sonla-targets.yaml", out_dir=OUT / "targets")\n'
                      'tg = t.plan.target\n'
                      'print(f"target {tg.target_pct}% -> {tg.after_pct:.2f}% for {t.plan.total_cost / 1e9:.1f} billion VND "\n'
                      '      f"(gap {100 * t.plan.gap:.2f}%); every coverable bản: {tg.full_cost / 1e9:.1f} billion VND, "\n'
                      '      f"{tg.extra_cost_to_full / 1e9:.1f} more; bản no option reaches: {len(t.plan.uncoverable)}")\n'
                      'assert tg.reached and len(t.plan.uncoverable) == 0'),
        new_code_cell('pd.read_csv(OUT / "targets" / "agreement.csv").drop(columns=["ma_tram", "ma_ban"])'),
        new_code_cell('rollout = pd.read_csv(OUT / "targets" / "rollout.csv")\n'
                      'ax = rollout[rollout.nam != "ngoài ngân sách"].plot.bar(x="nam", y="ti_le_phu_cuoi_nam_pct", legend=False,\n'
                      '                                                          ylim=(90, 100), figsize=(6, 3))\n'
                      'ax.axhline(99.56, color="k", linestyle="--"); ax.set_ylabel("people covered at year end (%)"); plt.show()\n'
                      'rollout'),
        new_code_cell('pd.read_csv(OUT / "targets" / "fund_years.csv")'),
        new_markdown_cell("## From signal to service: SINR, rates and the 2G switch-off\n\n"
                          "`sonla-2g-switch-off.yaml` turns on the planning-grade link budget (location, body "
                          "margins; 7 points over each bản; downlink SINR against co-channel sites; TR 36.942 "
                          "efficiency; the uplink) and switches 2G off: the bản it would strand become required "
                          "bản of the plan."),
        new_code_cell('s = phusong.run_scenario(SCENARIOS / "sonla-2g-switch-off.yaml", out_dir=OUT / "service")\n'
                      'v = gpd.read_file(OUT / "service" / "villages.gpkg")\n'
                      'order = ["băng rộng ≥ 50 Mbps", "4G/5G < 50 Mbps", "chỉ có 3G", "chỉ có 2G", "không có dịch vụ"]\n'
                      'classes = pd.DataFrame({"today": v.groupby("dich_vu_hien_nay").dan_so.sum(),\n'
                      '                        "after the plan": v.groupby("dich_vu_sau_quy_hoach").dan_so.sum()}).reindex(order).fillna(0)\n'
                      'lost = s.summary["switch_off_villages_losing_service"]\n'
                      'print(f"2G switch-off: {lost} bản would lose all service")\n'
                      'classes'),
        new_code_cell('ax = v.plot.scatter(x="sinr_db", y="toc_do_gio_cao_diem_mbps", s=4, figsize=(6, 3))\n'
                      'ax.set_xlabel("downlink SINR at the median served point (dB)"); ax.set_ylabel("busy-hour Mbps per user")\n'
                      'plt.show()'),
    ],
    "03-scenario-comparison.ipynb": [
        new_markdown_cell("# 3. Comparing scenarios\n\n700 vs 1800 MHz, mast height 30 vs 45 m, sharing vs no "
                          "sharing, and the cost-versus-people curve of a budget."),
        new_code_cell(SETUP),
        new_code_cell('def coverage(freq_mhz=None, height_m=None):\n'
                      '    sc = phusong.load_scenario(SCENARIOS / "sonla-baseline.yaml")\n'
                      '    sc.radio.freq_mhz, sc.radio.height_m = freq_mhz, height_m\n'
                      '    sc.outputs.report = False  # the tables are enough here\n'
                      '    r = phusong.run_scenario(sc, out_dir=OUT / f"cov-{freq_mhz}-{height_m}")\n'
                      '    return {"white bản": r.summary["white_villages"], "people covered %": r.summary["covered_population_pct"]}\n'
                      '\n'
                      'table = pd.DataFrame({"1800 MHz (as built)": coverage(), "700 MHz": coverage(freq_mhz=700),\n'
                      '                      "masts 30 m": coverage(height_m=30), "masts 45 m": coverage(height_m=45)}).T\n'
                      'table.round(2)'),
        new_code_cell('ax = table["white bản"].plot.bar(figsize=(7, 3.5), color="tab:red")\n'
                      'ax.set_ylabel("white bản"); ax.set_title("Frequency band and mast height"); plt.show()\n'
                      'assert table.loc["700 MHz", "white bản"] <= table.loc["1800 MHz (as built)", "white bản"]\n'
                      'assert table.loc["masts 45 m", "white bản"] <= table.loc["masts 30 m", "white bản"]'),
        new_code_cell('def plan(candidates):\n'
                      '    sc = phusong.load_scenario(SCENARIOS / "sonla-white-villages.yaml")\n'
                      '    sc.planning.candidates = candidates\n'
                      '    sc.planning.method = "local"\n'
                      '    sc.outputs.report = sc.outputs.report_pdf = sc.outputs.rasters = False  # the figures are enough\n'
                      '    sc.outputs.qgis = sc.outputs.web_map = False\n'
                      '    sc.fibre.enabled = False  # the fibre plan does not depend on the 4G candidates (notebook 04)\n'
                      '    r = phusong.run_scenario(sc, out_dir=OUT / ("plan-" + "-".join(candidates)))\n'
                      '    return {"sites": r.summary["proposed_sites"], "cost (billion VND)": r.summary["plan_cost"] / 1e9,\n'
                      '            "white bản covered": r.summary["villages_covered_by_plan"]}\n'
                      '\n'
                      'sharing = pd.DataFrame({"sharing first": plan(["upgrade", "colocation", "grid"]),\n'
                      '                        "new towers only": plan(["grid"])}).T\n'
                      'sharing.round(2)'),
        new_code_cell('sc = phusong.load_scenario(SCENARIOS / "sonla-budget.yaml")\n'
                      'sc.planning.budget = None  # the whole curve\n'
                      'sc.outputs.report = False\n'
                      'r = phusong.run_scenario(sc, out_dir=OUT / "curve")\n'
                      'curve = pd.DataFrame(r.plan.curve, columns=["cost", "people", "bản"])\n'
                      'ax = curve.plot(x="cost", y="people", drawstyle="steps-post", legend=False, figsize=(7, 3.5))\n'
                      'ax.set_xlabel("cumulative cost (VND)"); ax.set_ylabel("people newly covered")\n'
                      'ax.set_title("Cost versus people covered"); plt.show()\n'
                      'assert curve.people.is_monotonic_increasing'),
        new_markdown_cell("## Scale-out: the whole country on a Dask cluster\n\n"
                          "The national scenario (34 provinces of 2025, GENERATED terrain, villages and sites on the real "
                          "2019 census), reduced to run here: once in this process, once on a Dask `LocalCluster` of two "
                          "process workers (`phusong run … --dask local:2` from the command line; a real cluster: a "
                          "scheduler address). The coverage of villages and candidates and the raster composites run as "
                          "tasks on the workers; every output file is the same, byte for byte."),
        new_code_cell('from distributed import Client, LocalCluster\n'
                      '\n'
                      'NATIONAL = SCENARIOS / "vietnam-national-reduced.yaml"\n'
                      'one = phusong.run_scenario(NATIONAL, out_dir=OUT / "national-one")\n'
                      'cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0")\n'
                      'client = Client(cluster)\n'
                      'print("dashboard:", client.dashboard_link)\n'
                      'two = phusong.run_scenario(NATIONAL, out_dir=OUT / "national-dask", dask=client)\n'
                      'client.close(); cluster.close()\n'
                      'files = sorted(p.name for p in (OUT / "national-one").iterdir())\n'
                      'same = [f for f in files if (OUT / "national-one" / f).read_bytes() == (OUT / "national-dask" / f).read_bytes()]\n'
                      'print(f"{len(same)} of {len(files)} files identical")\n'
                      'assert same == files'),
        new_code_cell('white = pd.Series([one.villages[i].district for i in one.white]).value_counts()\n'
                      'ax = white.head(12).sort_values().plot.barh(figsize=(7, 4), color="tab:red")\n'
                      'ax.set_xlabel("white villages (GENERATED, reduced national dataset)")\n'
                      'ax.set_title("Where the white villages are: the 12 provinces with most"); plt.show()\n'
                      'assert white.sum() == one.summary["white_villages"]'),
    ],
    "04-fibre.ipynb": [
        new_markdown_cell("# 4. Fibre to every commune, school and health station, and to 80 % of households\n\n"
                          "Sơn La's programme sets fibre targets beside the 4G one. The fibre plan (`fibre:` in a scenario, "
                          "`phusong.plan.fibre` in Python) routes cable over a cost surface made from the terrain's slope "
                          "(and land cover, rivers, roads and the power grid when given), joins every facility without fibre "
                          "to the backbone by a least-cost Steiner tree, then reaches the bản with the least cost per household "
                          "until the household target is met. Facilities and backbone are **GENERATED** for Sơn La "
                          "(one UBND, school and health station per commune; see README, *Data*)."),
        new_code_cell(SETUP),
        new_code_cell('sc = phusong.load_scenario(SCENARIOS / "sonla-white-villages.yaml")\n'
                      'sc.planning.enabled = False  # the fibre plan alone here (with the 4G plan, new routes are its backhaul)\n'
                      'sc.outputs.report = sc.outputs.report_pdf = sc.outputs.rasters = False\n'
                      'sc.outputs.qgis = sc.outputs.web_map = False\n'
                      'r = phusong.run_scenario(sc, out_dir=OUT / "fibre")\n'
                      'fp = r.fibre\n'
                      'pd.Series({k: v for k, v in r.summary.items() if k.startswith("fibre_")})'),
        new_markdown_cell("The targets table now has numbers for the fibre rows, before and after the plan:"),
        new_code_cell('targets = pd.read_csv(OUT / "fibre" / "kpi_targets.csv")\n'
                      'targets[targets.indicator.str.startswith("fibre")]'),
        new_code_cell('routes = gpd.read_file(OUT / "fibre" / "fibre_routes.gpkg")\n'
                      'fac = gpd.read_file(OUT / "fibre" / "facilities.gpkg")\n'
                      'ax = routes[routes.trang_thai == "tuyến hiện có"].plot(color="tab:blue", linewidth=0.8, figsize=(7, 7))\n'
                      'routes[routes.trang_thai == "tuyến mới"].plot(ax=ax, color="tab:orange", linewidth=0.6)\n'
                      'fac.plot(ax=ax, column="loai_co_so", markersize=6, legend=True)\n'
                      'ax.set_title("Existing (blue) and new (orange) fibre; facilities"); plt.show()\n'
                      'assert (fac.cap_quang_sau_qh == "có").all()'),
        new_markdown_cell("The cost of passing households: the plan stops at the target; the curve goes on to every "
                          "reachable bản, which prices the last percent."),
        new_code_cell('curve = pd.read_csv(OUT / "fibre" / "fibre_curve.csv")\n'
                      'ax = curve.plot(x="households_passed_pct", y="cost", legend=False, figsize=(7, 3.5))\n'
                      'ax.axvline(fp.household_target_pct, color="grey", linestyle="--")\n'
                      'ax.set_xlabel("households passed by fibre (%)"); ax.set_ylabel("cumulative cost (VND)"); plt.show()\n'
                      'assert curve.cost.is_monotonic_increasing\n'
                      'assert fp.households_after >= fp.household_target_pct / 100 * fp.households_total'),
        new_markdown_cell("How far from optimal? The facilities' tree comes with a proven lower bound (dual ascent), the "
                          "household extension with its own (disjoint balls around the bản):"),
        new_code_cell('pd.Series({"facilities tree": fp.cost_facilities, "its lower bound": fp.bound, "gap": fp.gap,\n'
                      '           "households": fp.cost_households, "their lower bound": fp.household_bound,\n'
                      '           "gap (households)": fp.household_gap})'),
        new_markdown_cell("Each bản's spread sets its drop cables (2/3 of its radius per household). A villages file "
                          "can give it (`radius_m`, *Bán kính bản (m)*); otherwise `fibre.village_radius_m` applies to "
                          "every bản, or with `village_radius_m: households` each bản's households fill a disc of "
                          "`household_area_m2` (3,000 m²) each, so large bản cost more to pass per bản, less per household "
                          "in splitters:"),
        new_code_cell('import numpy as np\n\n'
                      'sc.fibre.village_radius_m = "households"\n'
                      'r2 = phusong.run_scenario(sc, out_dir=OUT / "fibre-spread")\n'
                      'spread = pd.Series(r2.fibre.village_radius_m)\n'
                      'hh = pd.Series([v.households for v in r2.villages])\n'
                      'assert np.allclose(spread, np.sqrt(hh * 3000 / np.pi))\n'
                      'pd.DataFrame({"spread 300 m everywhere": [300.0, fp.cost_households, fp.households_after],\n'
                      '              "spread from households": [spread.median(), r2.fibre.cost_households,\n'
                      '                                         r2.fibre.households_after]},\n'
                      '             index=["median spread (m)", "households stage cost", "households passed"])'),
        new_markdown_cell("The household stage is a greedy with a proven bound by default. `household_method: exact` "
                          "solves it as a quota Steiner tree (a MILP through CBC, warm-started with the greedy) within "
                          "`time_limit_s`: on the province's fine graph the MILP is too large to close the gap in "
                          "seconds, so here on a 3 km routing lattice, with the fibre plan called directly "
                          "(`phusong.plan.fibre.plan_fibre`):"),
        new_code_cell('from phusong import _core\n'
                      'from phusong.plan import fibre\n\n'
                      'sc.fibre.village_radius_m = 300.0\n'
                      'sc.fibre.graph_spacing_m, sc.fibre.time_limit_s = 3000.0, 20.0\n'
                      'dem = _core.Dem.open(sc.inputs.dem)\n'
                      'greedy = fibre.plan_fibre(sc, dem, r.villages)\n'
                      'sc.fibre.household_method = "exact"\n'
                      'exact = fibre.plan_fibre(sc, dem, r.villages)\n'
                      'assert exact.household_objective <= greedy.household_objective * (1 + 1e-9)\n'
                      'assert exact.household_bound <= exact.household_objective * (1 + 1e-9)\n'
                      'pd.DataFrame({p.household_method: {"households stage cost": p.household_objective,\n'
                      '                                   "proven lower bound": p.household_bound,\n'
                      '                                   "gap": p.household_gap, "proven": p.household_proven_optimal}\n'
                      '              for p in (greedy, exact)})'),
        new_markdown_cell("The facilities' tree can be solved exactly too (`fibre.method: exact`; `phusong steiner FILE "
                          "--method exact` for a SteinLib file): a directed-cut MILP whose LP starts from the cuts of the "
                          "dual ascent, after reduced-cost fixing from several roots. On this lattice it usually proves "
                          "the optimum within the time limit, which measures how far the heuristic's tree is from it:"),
        new_code_cell('sc.fibre.household_method, sc.fibre.method = "greedy", "exact"\n'
                      'tree = fibre.plan_fibre(sc, dem, r.villages)\n'
                      'assert tree.bound <= tree.tree_objective * (1 + 1e-9)\n'
                      'assert tree.tree_objective <= greedy.tree_objective * (1 + 1e-9)\n'
                      'pd.DataFrame({p.method: {"facilities\' tree": p.tree_objective, "proven lower bound": p.bound,\n'
                      '                         "gap": p.gap, "proven": p.proven_optimal,\n'
                      '                         "heuristic above it (%)": 100 * (greedy.tree_objective / p.tree_objective - 1)}\n'
                      '              for p in (greedy, tree)})'),
        new_markdown_cell("The heuristic's tree is the best of shortest-path trees from 8 roots, then improved by a local "
                          "search (key-path exchange, key-vertex elimination, vertex insertion) on a Voronoi diagram of "
                          "the tree's nodes. `fibre.improvement_moves` (default 1,000; `phusong steiner --max-moves`) "
                          "bounds the improving moves, a count rather than seconds so the plan does not depend on the "
                          "machine. On the province's own graph (44,069 nodes) the search stops at its local optimum "
                          "in seconds:"),
        new_code_cell('import time\n\n'
                      'rows = {}\n'
                      'for moves in (0, 1000):\n'
                      '    full = phusong.load_scenario(SCENARIOS / "sonla-white-villages.yaml")\n'
                      '    full.fibre.improvement_moves = moves\n'
                      '    t0 = time.perf_counter()\n'
                      '    p = fibre.plan_fibre(full, dem, r.villages)\n'
                      '    rows[f"{moves} moves"] = {"facilities\' tree": p.tree_objective, "proven lower bound": p.bound,\n'
                      '                              "gap": p.gap, "seconds": time.perf_counter() - t0}\n'
                      'search = pd.DataFrame(rows)\n'
                      'assert search.loc["facilities\' tree", "1000 moves"] <= search.loc["facilities\' tree", "0 moves"]\n'
                      'search'),
    ],
}

if __name__ == "__main__":
    for name, cells in NOTEBOOKS.items():
        nb = new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                                "language": "python"}})
        nbformat.write(nb, HERE / name)
        print("wrote", HERE / name)
