"""The fund arithmetic (phusong.plan.fund) on hand-worked sites: every expected number below is
worked by hand in the comments, not taken from the function."""

import json
import unicodedata

import pytest
from pydantic import ValidationError

from phusong.plan.fund import Economics, SiteEconomics, fund_tables, growing_annuity, site_economics

# The hand-worked site: 1,000 people, 50 % adoption, 80 % smartphones -> 1000 x 0.5 x 0.8 = 400 subscribers.
# ARPU 60,000 VND/month -> 720,000 VND/year each -> 400 x 720,000 = 288,000,000 VND/year.
# 3 years at 10 %: annuity = 1/1.1 + 1/1.21 + 1/1.331 = 0.9090909091 + 0.8264462810 + 0.7513148009 = 2.4868519910
# revenue_pv = 288e6 x 2.4868519910 = 716,213,373.4 VND.
# cost_pv = capex 1.5e9 + opex_pv 0.3e9 + backhaul 0.12e9 + power 0.08e9 = 2.0e9 VND.
# gap = 2.0e9 - 716,213,373.4 = 1,283,786,626.6 VND.
ANNUITY_3Y_10PCT = 2.4868519910
REVENUE = 716_213_373.4
COST = 2.0e9
GAP = 1_283_786_626.6

ECON = Economics(adoption_pct=50, smartphone_pct=80, arpu_vnd_per_month=60_000, arpu_growth_pct_per_year=0)
COMMUNE = "Chiềng Sơn"
WHITE = {COMMUNE}


def site(**kw) -> dict:
    s = {"id": "S1", "operator": "Viettel", "commune": COMMUNE, "year": None, "people_covered": 1000,
         "capex": 1.5e9, "opex_pv": 0.3e9, "backhaul": 0.12e9, "power": 0.08e9}
    s.update(kw)
    return s


def one(econ=ECON, white=WHITE, horizon=3, rate=0.10, start_year=None, **kw) -> SiteEconomics:
    rows = site_economics([site(**kw)], econ, horizon, rate, white, start_year=start_year)
    assert len(rows) == 1
    return rows[0]


def test_annuity_by_hand():
    assert growing_annuity(3, 0.10) == pytest.approx(ANNUITY_3Y_10PCT, rel=1e-9)
    # growth = discount: every term is (1.1)^(t-1)/(1.1)^t = 1/1.1 -> 3/1.1 = 2.7272727
    assert growing_annuity(3, 0.10, 0.10) == pytest.approx(2.7272727273, rel=1e-9)
    # horizon 0: no payment
    assert growing_annuity(0, 0.08) == 0.0


def test_hand_worked_site():
    r = one()
    assert r.site_id == "S1" and r.operator == "Viettel" and r.commune == COMMUNE and r.year is None
    assert r.people_covered == 1000
    assert r.subscribers == pytest.approx(400)
    assert r.revenue_pv == pytest.approx(REVENUE, rel=1e-9)
    assert r.cost_pv == pytest.approx(COST, rel=1e-12)
    assert r.viability_gap == pytest.approx(GAP, rel=1e-9)
    assert r.eligible is True
    assert r.fund_request == pytest.approx(GAP, rel=1e-9)
    # the operator pays what the revenue pays back: 2.0e9 - 1,283,786,626.6 = 716,213,373.4
    assert r.operator_share == pytest.approx(REVENUE, rel=1e-9)


def test_arpu_growth():
    # growth 10 % = discount 10 %: revenue_pv = 288e6 x 3 / 1.1 = 785,454,545.45
    econ = ECON.model_copy(update={"arpu_growth_pct_per_year": 10})
    r = one(econ=econ)
    assert r.revenue_pv == pytest.approx(785_454_545.45, rel=1e-9)
    # gap = 2.0e9 - 785,454,545.45 = 1,214,545,454.55
    assert r.viability_gap == pytest.approx(1_214_545_454.55, rel=1e-9)
    # growth 5 %: 1/1.1 + 1.05/1.21 + 1.1025/1.331 = 0.909090909 + 0.867768595 + 0.828324568 = 2.605184072
    # -> 288e6 x 2.605184072 = 750,293,012.7
    econ5 = ECON.model_copy(update={"arpu_growth_pct_per_year": 5})
    assert one(econ=econ5).revenue_pv == pytest.approx(750_293_012.7, rel=1e-9)


def test_profitable_site_gap_is_zero():
    # 10,000 people -> 4,000 subscribers -> 2.88e9 VND/year -> 2.88e9 x 2.4868519910 = 7,162,133,734 > 2.0e9
    r = one(people_covered=10_000)
    assert r.revenue_pv == pytest.approx(7_162_133_734, rel=1e-9)
    assert r.viability_gap == 0.0
    assert r.fund_request == 0.0
    assert r.operator_share == pytest.approx(COST)


def test_nobody_covered_asks_for_the_whole_cost():
    r = one(people_covered=0)
    assert r.subscribers == 0.0 and r.revenue_pv == 0.0
    assert r.viability_gap == pytest.approx(COST) and r.fund_request == pytest.approx(COST)
    assert r.operator_share == pytest.approx(0.0, abs=1e-6)


def test_ineligible_commune_gets_nothing():
    r = one(commune="Phường Tô Hiệu")  # not in the white communes
    assert r.eligible is False
    assert r.viability_gap == pytest.approx(GAP, rel=1e-9)  # the gap is still reported
    assert r.fund_request == 0.0
    assert r.operator_share == pytest.approx(COST)


def test_fund_communes_override_the_white_communes():
    econ = ECON.model_copy(update={"fund_communes": ["Mường Giôn"]})
    assert one(econ=econ).eligible is False  # white, but not in the programme
    r = one(econ=econ, commune="Mường Giôn", white=set())  # in the programme, no white bản
    assert r.eligible is True and r.fund_request == pytest.approx(GAP, rel=1e-9)
    # an empty programme: nobody is eligible
    assert one(econ=ECON.model_copy(update={"fund_communes": []})).fund_request == 0.0


def test_fund_max_share_caps_the_request():
    # 50 % of 2.0e9 = 1.0e9 < gap 1,283,786,626.6 -> the fund pays 1.0e9, the operator 1.0e9
    r = one(econ=ECON.model_copy(update={"fund_max_share_pct": 50}))
    assert r.viability_gap == pytest.approx(GAP, rel=1e-9)
    assert r.fund_request == pytest.approx(1.0e9)
    assert r.operator_share == pytest.approx(1.0e9)
    # 70 % of 2.0e9 = 1.4e9 > gap: the cap does not bind
    r70 = one(econ=ECON.model_copy(update={"fund_max_share_pct": 70}))
    assert r70.fund_request == pytest.approx(GAP, rel=1e-9)


def test_profit_margin():
    # 20 %: the operator needs 2.0e9 x 1.2 = 2.4e9; gap = 2.4e9 - 716,213,373.4 = 1,683,786,626.6
    # the fund pays it (< 100 % of cost), the operator 2.0e9 - 1,683,786,626.6 = 316,213,373.4
    r = one(econ=ECON.model_copy(update={"profit_margin_pct": 20}))
    assert r.viability_gap == pytest.approx(1_683_786_626.6, rel=1e-9)
    assert r.fund_request == pytest.approx(1_683_786_626.6, rel=1e-9)
    assert r.operator_share == pytest.approx(316_213_373.4, rel=1e-9)
    # nobody covered, 20 % margin: gap 2.4e9, but the fund pays at most 100 % of cost = 2.0e9
    r0 = one(econ=ECON.model_copy(update={"profit_margin_pct": 20}), people_covered=0)
    assert r0.viability_gap == pytest.approx(2.4e9) and r0.fund_request == pytest.approx(2.0e9)
    assert r0.operator_share == pytest.approx(0.0, abs=1e-6)


def test_rollout_year_discounts_to_start_year():
    # built 2027, valued in 2025 at 10 %: everything / 1.1^2 = / 1.21
    # revenue 716,213,373.4 / 1.21 = 591,911,878.8; cost 2.0e9 / 1.21 = 1,652,892,562.0
    # gap = 1,652,892,562.0 - 591,911,878.8 = 1,060,980,683.2
    r = one(year=2027, start_year=2025)
    assert r.year == 2027
    assert r.revenue_pv == pytest.approx(591_911_878.8, rel=1e-9)
    assert r.cost_pv == pytest.approx(1_652_892_562.0, rel=1e-9)
    assert r.fund_request == pytest.approx(1_060_980_683.2, rel=1e-9)
    # built in the start year, without a start year or without a roll-out year: no extra discount
    for kw in ({"year": 2025, "start_year": 2025}, {"year": 2027}, {"start_year": 2025}):
        assert one(**kw).cost_pv == pytest.approx(COST)


def test_defaults_are_the_documented_figures():
    e = Economics()
    # 1,000 people x 80 % x 58.3 % = 466.4 subscribers
    assert e.subscribers(1000) == pytest.approx(466.4)
    assert e.arpu_vnd_per_month == 63_000 and e.arpu_growth_pct_per_year == 1.8
    assert e.profit_margin_pct == 0 and e.fund_max_share_pct == 100 and e.fund_communes is None
    for name, field in Economics.model_fields.items():
        assert field.description, f"{name} has no description"


def test_tables_sum_to_the_totals():
    sites = [
        site(id="A", commune="Chiềng Sơn", operator="Viettel", year=2026),                    # gap 1,283,786,626.6
        site(id="B", commune="Chiềng Sơn", operator="VNPT", year=2027, people_covered=10_000),  # profitable: 0
        site(id="C", commune="Mường Lạn", operator="chưa phân công", year=2026, people_covered=0),  # gap 2.0e9
        site(id="D", commune="Phường Tô Hiệu", operator="Viettel", year=None),                # ineligible: 0
    ]
    rows = site_economics(sites, ECON, 3, 0.10, {"Chiềng Sơn", "Mường Lạn"})
    t = fund_tables(rows)
    assert [s["site_id"] for s in t["sites"]] == ["A", "B", "C", "D"]

    # fund: A 1,283,786,626.6 + C 2.0e9 = 3,283,786,626.6; cost 4 x 2.0e9 = 8.0e9
    # operator share = 8.0e9 - 3,283,786,626.6 = 4,716,213,373.4; people 1,000 + 10,000 + 0 + 1,000 = 12,000
    tot = t["totals"]
    assert tot["sites"] == 4 and tot["eligible_sites"] == 3
    assert tot["people_covered"] == pytest.approx(12_000)
    assert tot["subscribers"] == pytest.approx(4_800)  # 12,000 x 0.4
    assert tot["cost_pv"] == pytest.approx(8.0e9)
    assert tot["fund_request"] == pytest.approx(3_283_786_626.6, rel=1e-9)
    assert tot["operator_share"] == pytest.approx(4_716_213_373.4, rel=1e-9)
    # revenue: A, D 716,213,373.4 each + B 7,162,133,734 + C 0 = 8,594,560,480.8
    assert tot["revenue_pv"] == pytest.approx(8_594_560_480.8, rel=1e-9)
    # gaps: A 1,283,786,626.6 + C 2.0e9 + D 1,283,786,626.6 = 4,567,573,253.2
    assert tot["viability_gap"] == pytest.approx(4_567_573_253.2, rel=1e-9)

    # by commune, in code-point order of the names; Chiềng Sơn: A + B
    by_c = {g["commune"]: g for g in t["by_commune"]}
    assert [g["commune"] for g in t["by_commune"]] == sorted(by_c)
    assert by_c["Chiềng Sơn"]["sites"] == 2 and by_c["Chiềng Sơn"]["fund_request"] == pytest.approx(1_283_786_626.6)
    assert by_c["Mường Lạn"]["fund_request"] == pytest.approx(2.0e9)
    assert by_c["Phường Tô Hiệu"]["eligible_sites"] == 0 and by_c["Phường Tô Hiệu"]["fund_request"] == 0.0

    # by year: 2026 (A, C), 2027 (B), then None (D)
    assert [g["year"] for g in t["by_year"]] == [2026, 2027, None]
    assert t["by_year"][0]["fund_request"] == pytest.approx(3_283_786_626.6, rel=1e-9)
    assert t["by_year"][1]["fund_request"] == 0.0 and t["by_year"][2]["operator_share"] == pytest.approx(COST)

    # by operator: Viettel A + D: fund 1,283,786,626.6, operator share 716,213,373.4 + 2.0e9
    by_o = {g["operator"]: g for g in t["by_operator"]}
    assert [g["operator"] for g in t["by_operator"]] == sorted(by_o)
    assert by_o["Viettel"]["fund_request"] == pytest.approx(1_283_786_626.6, rel=1e-9)
    assert by_o["Viettel"]["operator_share"] == pytest.approx(2_716_213_373.4, rel=1e-9)
    assert by_o["chưa phân công"]["fund_request"] == pytest.approx(2.0e9)

    # every grouping adds up to the totals; the values are plain floats and ints
    for groups in (t["by_commune"], t["by_year"], t["by_operator"]):
        for k in ("sites", "eligible_sites", "people_covered", "cost_pv", "revenue_pv", "viability_gap",
                  "fund_request", "operator_share"):
            assert sum(g[k] for g in groups) == pytest.approx(tot[k], rel=1e-12)
        for g in groups:
            assert type(g["sites"]) is int and type(g["fund_request"]) is float
    assert json.loads(json.dumps(t)) == t


def test_empty_plan():
    t = fund_tables(site_economics([], ECON, 10, 0.08, WHITE))
    assert t["sites"] == [] and t["by_commune"] == [] and t["by_year"] == [] and t["by_operator"] == []
    assert t["totals"]["sites"] == 0 and t["totals"]["fund_request"] == 0.0


def test_vietnamese_names_survive():
    name = "Xã Chiềng Khoong, huyện Sông Mã"
    nfd = unicodedata.normalize("NFD", name)
    assert nfd != name
    econ = ECON.model_copy(update={"fund_communes": [nfd]})  # same name, decomposed accents
    rows = site_economics([site(commune=name, operator="Mobifone", id="Bản Púng")], econ, 3, 0.10, set())
    r = rows[0]
    assert r.eligible is True and r.commune == name and r.site_id == "Bản Púng"
    t = fund_tables(rows)
    assert t["by_commune"][0]["commune"] == name
    text = json.dumps(t, ensure_ascii=False)
    assert name in text and json.loads(text.encode("utf-8").decode("utf-8")) == t


@pytest.mark.parametrize(("change", "words"), [
    ({"people_covered": -5}, ["'S1'", "people_covered", "-5"]),
    ({"capex": float("nan")}, ["'S1'", "capex", "nan"]),
    ({"opex_pv": -1.0}, ["'S1'", "opex_pv", "-1.0"]),
    ({"backhaul": "120000000"}, ["'S1'", "backhaul", "'120000000'"]),
    ({"power": True}, ["'S1'", "power", "True"]),
    ({"capx": 1.0}, ["'S1'", "unknown key", "'capx'"]),
    ({"year": "2026"}, ["'S1'", "year", "'2026'"]),
    ({"year": 2026.5}, ["'S1'", "year", "2026.5"]),
    ({"commune": None}, ["'S1'", "commune", "None"]),
])
def test_bad_site_names_the_field(change, words):
    with pytest.raises(ValueError) as e:
        site_economics([site(**change)], ECON, 3, 0.10, WHITE)
    for w in words:
        assert w in str(e.value)


def test_missing_key_and_bad_arguments():
    s = site()
    del s["power"]
    with pytest.raises(ValueError, match="'S1'.*missing key 'power'"):
        site_economics([s], ECON, 3, 0.10, WHITE)
    s = site()
    del s["year"]  # year may be left out
    assert site_economics([s], ECON, 3, 0.10, WHITE)[0].year is None
    with pytest.raises(ValueError, match="'S1'.*year = 2024.*start_year = 2025"):
        site_economics([site(year=2024)], ECON, 3, 0.10, WHITE, start_year=2025)
    with pytest.raises(ValueError, match="horizon_years = -1"):
        site_economics([site()], ECON, -1, 0.10, WHITE)
    with pytest.raises(ValueError, match="discount_rate"):
        site_economics([site()], ECON, 3, float("nan"), WHITE)
    with pytest.raises(ValueError, match="white_communes"):
        site_economics([site()], ECON, 3, 0.10, "Chiềng Sơn")


@pytest.mark.parametrize("bad", [{"adoption_pct": 120}, {"smartphone_pct": -1}, {"arpu_vnd_per_month": -1},
                                 {"fund_max_share_pct": 101}, {"horizon_years": 10}, {"arpu_vnd": 60000}])
def test_bad_economics(bad):
    with pytest.raises(ValidationError) as e:
        Economics(**bad)
    assert next(iter(bad)) in str(e.value)
