"""The programme through a scenario run (issue 14): the operators' agreement, the roll-out years
and the fund, read back from the files a planner receives (CSV, shapefile with GDAL, XLSX), checked
against the scenario's rules and by hand, and the bad inputs of each."""

import csv
import math

import pyogrio
import pytest

import phusong
from conftest import base_scenario

PROGRAMME = """  method: exact
  operators:
    - {name: Viettel, share: 0.5}
    - {name: VNPT, share: 0.3}
    - {name: MobiFone, share: 0.2}
  share_tolerance_pct: 10
  years: {2027: 6.0e9, 2026: 6.0e9}
  economics:
    adoption_pct: 80
    smartphone_pct: 60
    arpu_vnd_per_month: 60000
    arpu_growth_pct_per_year: 0
"""


def read(path):
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    import shutil

    from conftest import GENERATED

    d = tmp_path_factory.mktemp("programme")
    for f in GENERATED.glob("demo_n21e105_*.csv"):
        shutil.copy(f, d / f.name)
    text = base_scenario().replace("  grid_spacing_km: 3", "  grid_spacing_km: 3\n" + PROGRAMME)
    text = text.replace("  dir: out", "  dir: out\n  tables: [csv, xlsx]\n  report: true")
    (d / "s.yaml").write_text(text, encoding="utf-8")
    return d, phusong.run_scenario(d / "s.yaml", out_dir=d / "out")


def test_agreement_gives_each_bản_to_one_operator_within_the_shares(run):
    d, r = run
    plan = r.plan
    covered = {i for lst in plan.newly_covered for i in lst}
    assert set(plan.village_operator) == covered  # every covered bản, exactly one operator (a dict: no overlap)
    sites = [r.candidates[j] for j in plan.chosen]
    v = pyogrio.read_dataframe(d / "out" / "villages.shp")  # empty text is NULL in the layers
    given = {row["ma_ban"]: row["nm_giao"] for _, row in v.iterrows() if isinstance(row["nm_giao"], str)}
    assert given == {r.villages[i].id: o for i, o in plan.village_operator.items()}
    people = {o: 0.0 for o in ("Viettel", "VNPT", "MobiFone")}
    for i, o in plan.village_operator.items():
        people[o] += r.villages[i].population
    total = sum(people.values())
    for o, share in (("Viettel", 0.5), ("VNPT", 0.3), ("MobiFone", 0.2)):
        assert abs(people[o] / total - share) <= 0.10 + 1e-9, (o, people[o] / total)
    rows = {row["nha_mang"]: row for row in read(d / "out" / "agreement.csv")}
    assert set(rows) == {"Viettel", "VNPT", "MobiFone", "tổng"}
    assert sum(int(rows[o]["so_tram"]) for o in people) == len(sites) == int(rows["tổng"]["so_tram"])
    for o in people:
        assert float(rows[o]["dan_so"]) == pytest.approx(people[o])
        assert {s.id for s in sites if s.operator == o} == set(filter(None, rows[o]["ma_tram"].split(";")))
    assert float(rows["tổng"]["tong_chi_phi"]) == pytest.approx(plan.total_cost, rel=1e-9)
    for s in sites:  # builders follow the rules: an upgrade by its owner, a co-location by another operator
        if s.kind == "upgrade":
            owner = next(t.operator for t in r.towers if "UP-" + t.id == s.id) if any(
                "UP-" + t.id == s.id for t in r.towers) else s.operator
            assert s.operator == owner


def test_rollout_respects_each_years_budget(run):
    d, r = run
    plan = r.plan
    rows = read(d / "out" / "rollout.csv")
    assert [row["nam"] for row in rows[:2]] == ["2026", "2027"]  # given out of order, sorted
    for row in rows[:2]:
        assert float(row["da_chi"]) <= 6.0e9 + 1e-3
    p = pyogrio.read_dataframe(d / "out" / "proposed_sites.shp")
    spent = {}
    for (_, row), j, b in zip(p.iterrows(), plan.chosen, plan.cost_breakdown):
        assert row["ma_tram"] == r.candidates[j].id
        spent.setdefault(row["nam"], 0.0)
        spent[row["nam"]] += b.total
    for y in ("2026", "2027"):
        assert spent.get(y, 0.0) == pytest.approx(float(next(x for x in rows if x["nam"] == y)["da_chi"]), rel=1e-9)
    years = list(p["nam"])
    assert years == sorted(years, key=lambda y: (y == "ngoài ngân sách", y))  # thu_tu follows the roll-out
    assert list(p["thu_tu"]) == list(range(1, len(p) + 1))
    # The coverage at the end of each year, from the bản's year field read back with GDAL.
    v = pyogrio.read_dataframe(d / "out" / "villages.shp")
    total = v["dan_so"].sum()
    today = v[v["trang_thai"] == "phủ sóng"]["dan_so"].sum()
    for row in rows:
        if row["nam"] in ("2026", "2027"):
            upto = v[v["nam_phu"].notna() & (v["nam_phu"] <= row["nam"])]["dan_so"].sum()
            assert float(row["ti_le_phu_cuoi_nam_pct"]) == pytest.approx(100 * (today + upto) / total, abs=1e-6)


def test_fund_by_hand_for_one_site(run):
    d, r = run
    plan = r.plan
    sites = read(d / "out" / "fund_sites.csv")
    annuity = sum(1 / 1.08 ** t for t in range(1, 11))
    for row, b in zip(sites, plan.cost_breakdown):
        people = float(row["dan_phu_moi"])
        subs = people * 0.8 * 0.6
        assert float(row["thue_bao"]) == pytest.approx(subs, abs=1e-6)
        shift = 1.08 ** (int(row["nam"]) - 2026) if row["nam"] != "ngoài ngân sách" else 1.08 ** 2
        revenue = subs * 60000 * 12 * annuity / shift
        cost = (b.capex + b.opex_pv + b.backhaul + b.power) / shift
        assert float(row["doanh_thu_hien_gia"]) == pytest.approx(revenue, rel=1e-6)
        assert float(row["chi_phi_hien_gia"]) == pytest.approx(cost, rel=1e-9)
        gap = max(0.0, cost - revenue)
        assert float(row["thieu_hut"]) == pytest.approx(gap, rel=1e-9, abs=1e-3)
        assert float(row["quy_ho_tro"]) == pytest.approx(gap if row["du_dieu_kien"] == "có" else 0.0, abs=1e-3)
        assert float(row["nha_mang_chi_tra"]) == pytest.approx(cost - float(row["quy_ho_tro"]), rel=1e-9)
    for name in ("fund_communes.csv", "fund_years.csv", "fund_operators.csv"):
        rows = read(d / "out" / name)
        assert rows[-1][next(iter(rows[-1]))] == "tổng"
        assert sum(float(x["quy_ho_tro"]) for x in rows[:-1]) == pytest.approx(float(rows[-1]["quy_ho_tro"]), abs=1e-3)
        assert float(rows[-1]["quy_ho_tro"]) == pytest.approx(sum(float(x["quy_ho_tro"]) for x in sites), abs=1e-3)


def test_programme_in_the_workbook_and_report(run):
    d, r = run
    from openpyxl import load_workbook

    wb = load_workbook(d / "out" / "kpi.xlsx")
    for title in ("thỏa thuận nhà mạng", "lộ trình theo năm", "Quỹ DVVTCI"):
        assert title in wb.sheetnames
    html = (d / "out" / "report.html").read_text(encoding="utf-8")
    assert "Thỏa thuận giữa các nhà mạng" in html and "Quỹ Dịch vụ viễn thông công ích" in html
    from test_report import EN_IN_VI, _text

    text = _text(html).replace(phusong.__version__, "")
    m = EN_IN_VI.search(text)  # one number format (Vietnamese), parameters included
    assert m is None, text[max(0, m.start() - 60):m.end() + 60]
    targets = read(d / "out" / "kpi_targets.csv")
    assert "year_reached" in targets[0]


@pytest.mark.parametrize("planning,message", [
    ("  operators: [{name: Viettel, share: 0.5}, {name: VNPT, share: 0.3}]\n", "sum to 0.8, not 1"),
    ("  operators: [{name: Viettel, share: 1.0}, {name: VNPT}]\n", "give a share for every operator or for none"),
    ("  operators: [Viettel, Viettel]\n", "named twice"),
    ("  years: {2026: -5}\n", "year 2026: budget -5"),
    ("  years: {20207: 1e9}\n", "year 20207"),
    ("  years: {2026.5: 1e9}\n", "planning.years"),
])
def test_programme_bad_scenario_keys(scenario_dir, planning, message):
    _, write = scenario_dir
    text = base_scenario().replace("  grid_spacing_km: 3", "  grid_spacing_km: 3\n" + planning)
    with pytest.raises(phusong.ScenarioError, match=message):
        phusong.load_scenario(write(text))


def test_unknown_operator_and_impossible_shares_are_clear_errors(scenario_dir):
    d, write = scenario_dir
    text = base_scenario().replace("  grid_spacing_km: 3", "  grid_spacing_km: 3\n  operators: [Viettel, Vietel]\n")
    with pytest.raises(phusong.InputError, match=r"'Vietel' runs no tower of inputs.towers \(operators there: "):
        phusong.run_scenario(write(text), out_dir=d / "a")
    text = base_scenario().replace("  grid_spacing_km: 3", "  grid_spacing_km: 3\n  method: exact\n  operators:\n"
                                   "    - {name: Viettel, share: 0.98}\n    - {name: VNPT, share: 0.01}\n"
                                   "    - {name: MobiFone, share: 0.01}\n  share_tolerance_pct: 0\n")
    with pytest.raises(phusong.InputError, match=r"share_tolerance_pct.*smallest tolerance that works is [0-9.]+ points"):
        phusong.run_scenario(write(text, "b.yaml"), out_dir=d / "b")
    assert not (d / "b").exists() or not any((d / "b").iterdir())  # nothing half-written


def test_budgets_too_small_say_what_they_reach(scenario_dir):
    d, write = scenario_dir
    text = base_scenario().replace("  grid_spacing_km: 3", "  grid_spacing_km: 3\n  years: {2026: 1.0e9}\n")
    r = phusong.run_scenario(write(text), out_dir=d / "o")
    s = r.plan.schedule
    assert not s.reaches_target and 0 <= s.reachable_share < 1
    assert s.shortfall_cost > 0 and "%" in s.message
    rows = read(d / "o" / "rollout.csv")
    assert rows[-1]["nam"] == "ngoài ngân sách" and float(rows[-1]["da_chi"]) == pytest.approx(s.shortfall_cost)
    assert math.isfinite(float(rows[0]["ti_le_phu_cuoi_nam_pct"]))
