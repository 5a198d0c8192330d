"""The programme's tables (issue 14): the operators' agreement (agreement.csv), the roll-out years
(rollout.csv), commercial viability and the public-utility fund (fund_sites.csv, fund_communes.csv,
fund_years.csv, fund_operators.csv), the fields they add to the layers, and their sheets in
kpi.xlsx. Column names are Vietnamese (dictionary: field_dictionary.csv for the layer fields; the
headers below for the tables)."""

from __future__ import annotations

import math
from pathlib import Path

from .layers import FieldSpec as F

#: Fields proposed_sites gains: the roll-out year (planning.years) and the fund (planning.economics).
YEAR_FIELDS = [F("nam", "nam_trien_khai", "string", "năm triển khai (lộ trình theo ngân sách từng năm; "
                 "'ngoài ngân sách': chưa có ngân sách)", "roll-out year (planning.years; 'ngoài ngân sách': "
                 "no budget reaches it)")]
FUND_FIELDS = [
    F("thue_bao", "so_thue_bao", "real", "số thuê bao băng rộng di động ước tính", "estimated mobile broadband "
      "subscribers", "thuê bao"),
    F("dt_pv", "doanh_thu_hien_gia", "real", "doanh thu quy về hiện tại", "revenue, discounted", "tiền tệ"),
    F("cp_pv", "chi_phi_hien_gia", "real", "chi phí quy về hiện tại", "cost, discounted", "tiền tệ"),
    F("thieu_hut", "thieu_hut_kha_thi", "real", "thiếu hụt khả thi thương mại max(0, chi phí − doanh thu)",
      "viability gap max(0, cost − revenue)", "tiền tệ"),
    F("quy_ht", "quy_ho_tro", "real", "đề nghị Quỹ Dịch vụ viễn thông công ích hỗ trợ",
      "request to the public-utility telecom fund", "tiền tệ"),
    F("nm_tra", "nha_mang_chi_tra", "real", "phần nhà mạng chi trả", "operator's share", "tiền tệ"),
]
#: Fields villages gains: the operator of the agreement, the year it is first covered.
AGREEMENT_FIELDS = [F("nm_giao", "nha_mang_duoc_giao", "string", "nhà mạng được giao phủ sóng bản (thỏa thuận "
                      "giữa các nhà mạng)", "operator the agreement gives the bản")]
VILLAGE_YEAR_FIELDS = [F("nam_phu", "nam_duoc_phu", "string", "năm bản được phủ sóng theo lộ trình",
                         "year the bản is first covered by the roll-out")]
OUT_OF_BUDGET = "ngoài ngân sách"


def site_fields(plan) -> list:
    """The extra proposed_sites fields of this plan."""
    if plan is None:
        return []
    return (YEAR_FIELDS if plan.schedule is not None else []) + (FUND_FIELDS if plan.economics else [])


def village_fields(plan) -> list:
    if plan is None:
        return []
    return (AGREEMENT_FIELDS if plan.agreement is not None else []) + \
        (VILLAGE_YEAR_FIELDS if plan.schedule is not None else [])


def site_years(plan) -> list:
    """Per chosen site (in plan order): its roll-out year, None when no budget reaches it."""
    s = plan.schedule
    return [s.year_of_site[k] for k in s.order]


def site_columns(plan) -> dict:
    cols = {}
    if plan is not None and plan.schedule is not None:
        cols["nam"] = [str(y) if y is not None else OUT_OF_BUDGET for y in site_years(plan)]
    if plan is not None and plan.economics:
        e = plan.economics
        cols.update({"thue_bao": [round(r.subscribers, 1) for r in e], "dt_pv": [r.revenue_pv for r in e],
                     "cp_pv": [r.cost_pv for r in e], "thieu_hut": [r.viability_gap for r in e],
                     "quy_ht": [r.fund_request for r in e], "nm_tra": [r.operator_share for r in e]})
    return cols


def village_columns(plan, n: int, white: list[int]) -> dict:
    cols = {}
    if plan is None:
        return cols
    if plan.agreement is not None:
        cols["nm_giao"] = [plan.village_operator.get(i, "") for i in range(n)]
    if plan.schedule is not None:
        year = [""] * n
        for k, y in enumerate(plan.schedule.year_of_village):
            if y is not None:
                year[white[k]] = str(y)
        cols["nam_phu"] = year
    return cols


def agreement_rows(result) -> list[dict]:
    """agreement.csv: operator -> sites, bản, people, CAPEX, OPEX, total (and a total row)."""
    from ..plan.agreement import agreement_table

    plan = result.plan
    a = plan.agreement
    n = len(result.candidates)
    capex, opex, people = [0.0] * n, [0.0] * n, [0.0] * len(result.white)
    for j, b in zip(plan.chosen, plan.cost_breakdown):
        capex[j], opex[j] = b.capex + b.backhaul + b.power, b.opex_pv
    for k, i in enumerate(result.white):
        people[k] = float(result.villages[i].population)
    out = []
    for r in agreement_table(a, capex, opex, people):
        po = a.per_operator.get(r["operator"], {})
        out.append({"nha_mang": "tổng" if r["operator"] not in a.operators else r["operator"],
                    "ti_le_thoa_thuan": po.get("share", ""), "so_tram": r["sites"], "so_ban": r["villages"],
                    "dan_so": r["people"], "ti_le_dan_so": po.get("people_share", ""),
                    "capex_gom_truyen_dan_dien": r["capex"], "opex_hien_gia": r["opex_pv"], "tong_chi_phi": r["total"],
                    "ti_le_chi_phi": po.get("cost_share", ""), "tien_te": plan.currency,
                    "ma_tram": ";".join(result.candidates[j].id for j in r["site_ids"]),
                    "ma_ban": ";".join(result.villages[result.white[k]].id for k in r["village_ids"])})
    return out


def rollout_rows(result) -> list[dict]:
    """rollout.csv: per plan year the budget, what is spent, the sites, the bản and people newly
    covered, and the coverage of the province reached at the end of the year."""
    plan, villages = result.plan, result.villages
    s = plan.schedule
    total = sum(v.population for v in villages)
    before = total - sum(villages[i].population for i in result.white)
    out = []
    for y in s.per_year:
        out.append({"nam": y.year, "ngan_sach": y.budget, "duoc_chi": y.available, "da_chi": y.spent,
                    "so_tram": len(y.sites), "so_ban_moi": len(y.villages), "dan_moi": y.people,
                    "dan_phu_cuoi_nam": before + y.cumulative_people,
                    "ti_le_phu_cuoi_nam_pct": 100.0 * (before + y.cumulative_people) / total if total else math.nan,
                    "tien_te": plan.currency})
    if s.unscheduled:
        out.append({"nam": OUT_OF_BUDGET, "ngan_sach": "", "duoc_chi": "", "da_chi": s.shortfall_cost,
                    "so_tram": len(s.unscheduled), "so_ban_moi": "", "dan_moi": "", "dan_phu_cuoi_nam": "",
                    "ti_le_phu_cuoi_nam_pct": "", "tien_te": plan.currency})
    return out


def year_reached(result, target_pct: float | None) -> int | str:
    """The first plan year by whose end the people covered reach target_pct ("" when never)."""
    plan = result.plan
    if target_pct is None or plan is None or plan.schedule is None:
        return ""
    for r in rollout_rows(result):
        if isinstance(r["nam"], int) and r["ti_le_phu_cuoi_nam_pct"] >= target_pct - 1e-9:
            return r["nam"]
    return ""


_FUND_HEAD = {"sites": "so_tram", "eligible_sites": "so_tram_du_dieu_kien", "people_covered": "dan_phu_moi",
              "subscribers": "thue_bao", "cost_pv": "chi_phi_hien_gia", "revenue_pv": "doanh_thu_hien_gia",
              "viability_gap": "thieu_hut", "fund_request": "quy_ho_tro", "operator_share": "nha_mang_chi_tra"}


def fund_rows(result, key: str) -> list[dict]:
    """fund_<key>.csv rows: key "sites", "by_commune", "by_year" or "by_operator"."""
    plan = result.plan
    f = plan.fund
    last = max(result.scenario.planning.years) if result.scenario.planning.years else None
    out = []
    if key == "sites":
        for r in f["sites"]:
            out.append({"ma_tram": r["site_id"], "nha_mang": r["operator"], "xa": r["commune"],
                        "nam": _year(r["year"], last), "dan_phu_moi": r["people_covered"], "thue_bao": r["subscribers"],
                        "doanh_thu_hien_gia": r["revenue_pv"], "chi_phi_hien_gia": r["cost_pv"],
                        "thieu_hut": r["viability_gap"], "du_dieu_kien": "có" if r["eligible"] else "không",
                        "quy_ho_tro": r["fund_request"], "nha_mang_chi_tra": r["operator_share"],
                        "tien_te": plan.currency})
        return out
    name = {"by_commune": ("commune", "xa"), "by_year": ("year", "nam"), "by_operator": ("operator", "nha_mang")}[key]
    for r in f[key] + [dict(f["totals"], **{name[0]: "tổng"})]:
        row = {name[1]: _year(r[name[0]], last) if key == "by_year" else r[name[0]]}
        row.update({v: r[k] for k, v in _FUND_HEAD.items() if k in r})
        row["tien_te"] = plan.currency
        out.append(row)
    return out


def _year(y, last):
    if y is None or (last is not None and isinstance(y, int) and y > last):
        return OUT_OF_BUDGET
    return y


def write(staging: Path, result, write_csv, encoding: str) -> list[Path]:
    """The programme's CSV tables of this run (`write_csv(path, rows, encoding)`: layers' writer)."""
    plan = result.plan
    files = []
    if plan is None:
        return files
    if plan.agreement is not None:
        files.append(write_csv(staging / "agreement.csv", agreement_rows(result), encoding))
    if plan.schedule is not None:
        files.append(write_csv(staging / "rollout.csv", rollout_rows(result), encoding))
    if plan.economics:
        for key, name in (("sites", "fund_sites"), ("by_commune", "fund_communes"), ("by_year", "fund_years"),
                          ("by_operator", "fund_operators")):
            files.append(write_csv(staging / f"{name}.csv", fund_rows(result, key), encoding))
    return files


SHEETS = (("agreement", "thỏa thuận nhà mạng"), ("rollout", "lộ trình theo năm"), ("fund", "Quỹ DVVTCI"))


def sheets(result) -> list[tuple[str, list[str], list[list]]]:
    """(title, headers, rows) of the programme's sheets in kpi.xlsx."""
    plan = result.plan
    out = []
    if plan is None:
        return out
    for key, title in SHEETS:
        if key == "agreement" and plan.agreement is not None:
            rows = agreement_rows(result)
        elif key == "rollout" and plan.schedule is not None:
            rows = rollout_rows(result)
        elif key == "fund" and plan.economics:
            rows = fund_rows(result, "sites")
        else:
            continue
        heads = list(rows[0].keys()) if rows else []
        out.append((title, heads, [[r[h] for h in heads] for r in rows]))
    return out
