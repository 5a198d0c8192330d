"""Commercial viability of the plan's sites and what the public-utility telecom fund (Quỹ Dịch vụ
viễn thông công ích Việt Nam, VTF) would be asked for.

Per site, in the plan's currency (VND):

* subscribers = people covered × adoption × smartphone share (constant over the horizon);
* revenue_pv = subscribers × ARPU × 12 × Σ_{t=1..H} (1+g)^(t−1) / (1+r)^t: gross ARPU revenue,
  paid at the end of years 1..H like the OPEX annuity of :meth:`phusong.scenario.Costs.total`;
* cost_pv = capex + opex_pv + backhaul + power (the plan's :class:`~phusong.plan.types.SiteCost`);
  OPEX is already in it, so gross revenue is set against CAPEX + OPEX;
* viability_gap = max(0, cost_pv × (1 + profit margin) − revenue_pv);
* fund_request = min(viability_gap, fund_max_share × cost_pv) in an eligible commune, else 0;
  operator_share = cost_pv − fund_request.

A site rolled out `year − start_year` years after `start_year` has its revenue and cost (both
valued at its roll-out) discounted by (1+r)^(year − start_year) more: a later site weighs less today.

The method follows the open techno-economic models of universal broadband (pytal, podis; Oughton et
al. 2022, https://doi.org/10.1016/j.techfore.2021.121409): revenue from ARPU × users, cost with an
optional profit margin, the state subsidy as the shortfall clipped at zero. Unlike pytal, no surplus
of a profitable site cross-subsidises another: the fund is asked per site.
"""

from __future__ import annotations

import math
import numbers
import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Economics", "SiteEconomics", "growing_annuity", "site_economics", "fund_tables"]

SITE_KEYS = ("id", "operator", "commune", "year", "people_covered", "capex", "opex_pv", "backhaul", "power")
"""Keys of a site dict for :func:`site_economics` (`year` may be left out: no roll-out year)."""

_MONEY_KEYS = ("capex", "opex_pv", "backhaul", "power")
_SUM_KEYS = ("people_covered", "subscribers", "cost_pv", "revenue_pv", "viability_gap", "fund_request", "operator_share")


class Economics(BaseModel):
    """Demand, price and fund rules. Horizon and discount rate are the plan's (planning.costs)."""

    model_config = ConfigDict(extra="forbid")

    adoption_pct: float = Field(
        80.0, ge=0, le=100,
        description="share of the people covered who subscribe on the site (phone ownership, age, other "
                    "operators). 80 makes adoption × smartphone share = 46.6 %, Sơn La's internet users "
                    "(46.3 % of the population, Báo Sơn La 2024: en.baosonla.org.vn/kinh-te/"
                    "son-la-focuses-on-building-digital-society-Ok3bHQtSg.html)")
    smartphone_pct: float = Field(
        58.3, ge=0, le=100,
        description="share of subscribers with a smartphone (mobile broadband). 58.3 % of adults in Sơn La use "
                    "a smartphone (MIC, April 2022, via SGGP: www.sggpnews.org.vn/science_technology/"
                    "vietnam-has-935-million-mobile-cellular-subscriptions-98795.html); national 84.4 % in 2023")
    arpu_vnd_per_month: float = Field(
        63_000.0, ge=0,
        description="mobile ARPU, VND per subscriber per month, in the first year. Vietnam 2022: 63,000 "
                    "(MIC year report, via Thanh Niên: thanhnien.vn/nguoi-dung-viet-moi-thang-chi-bao-nhieu-"
                    "tien-cho-dien-thoai-di-dong-post1534087.html); rural ARPU is likely lower")
    arpu_growth_pct_per_year: float = Field(
        1.8, ge=-50, le=50,
        description="ARPU growth per year: 58,676 VND (2018) to 63,000 VND (2022) is 1.8 %/year (same source)")
    profit_margin_pct: float = Field(
        0.0, ge=0, le=100,
        description="profit the operator requires on top of its cost, % of cost_pv. 0: the discount rate "
                    "already pays for the capital; pytal uses 20 (% of its investment)")
    fund_communes: list[str] | None = Field(
        None,
        description="communes in the fund's programme (e.g. those of Circular 14/2022/TT-BTTTT's list of "
                    "villages); None: the communes with white bản")
    fund_max_share_pct: float = Field(
        100.0, ge=0, le=100,
        description="at most this share of a site's cost_pv is paid by the fund (100: the viability gap is "
                    "the only limit)")

    def subscribers(self, people_covered: float) -> float:
        """Mobile-broadband subscribers among `people_covered`."""
        return people_covered * self.adoption_pct / 100.0 * self.smartphone_pct / 100.0


@dataclass
class SiteEconomics:
    """One site's viability and fund request, in the plan's currency, valued at `start_year` (without
    one, at the site's roll-out)."""

    site_id: str
    operator: str
    commune: str
    year: int | None          #: roll-out year (None: not phased)
    people_covered: float
    subscribers: float
    revenue_pv: float         #: ARPU revenue over the horizon, discounted
    cost_pv: float            #: capex + opex_pv + backhaul + power
    viability_gap: float      #: max(0, cost_pv × (1 + margin) − revenue_pv)
    eligible: bool            #: the commune is in the fund's programme
    fund_request: float       #: min(gap, fund_max_share × cost_pv) if eligible, else 0
    operator_share: float     #: cost_pv − fund_request


def growing_annuity(horizon_years: int, discount_rate: float, growth_rate: float = 0.0) -> float:
    """Σ_{t=1..H} (1+g)^(t−1) / (1+r)^t: today's value of 1 a year paid at the end of years 1..H,
    growing by g a year."""
    return sum((1.0 + growth_rate) ** (t - 1) / (1.0 + discount_rate) ** t for t in range(1, horizon_years + 1))


def _key(name: str) -> str:
    """A commune name for matching: NFC (composed accents), outer spaces dropped."""
    return unicodedata.normalize("NFC", name).strip()


def _check_site(i: int, site: dict) -> dict:
    """The site's fields, checked; ValueError names the site, the field and the value."""
    if not isinstance(site, dict):
        raise ValueError(f"site #{i}: expected a dict with keys {', '.join(SITE_KEYS)}, got {type(site).__name__}")
    sid = site.get("id", f"#{i}")
    unknown = sorted(set(site) - set(SITE_KEYS), key=str)
    if unknown:
        raise ValueError(f"site {sid!r}: unknown key {unknown[0]!r} (known: {', '.join(SITE_KEYS)})")
    missing = [k for k in SITE_KEYS if k != "year" and k not in site]
    if missing:
        raise ValueError(f"site {sid!r}: missing key {missing[0]!r}")
    out = {"id": str(site["id"]), "year": site.get("year")}
    for k in ("operator", "commune"):
        if not isinstance(site[k], str):
            raise ValueError(f"site {sid!r}: {k} = {site[k]!r} must be a string")
        out[k] = site[k]
    for k in ("people_covered", *_MONEY_KEYS):
        v = site[k]
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or not math.isfinite(v) or v < 0:
            raise ValueError(f"site {sid!r}: {k} = {v!r} must be a finite number >= 0")
        out[k] = float(v)
    y = out["year"]
    if y is not None and (isinstance(y, bool) or not isinstance(y, numbers.Integral)):
        raise ValueError(f"site {sid!r}: year = {y!r} must be an integer year or None")
    out["year"] = None if y is None else int(y)
    return out


def site_economics(sites: list[dict], econ: Economics, horizon_years: int, discount_rate: float,
                   white_communes: Iterable[str], start_year: int | None = None) -> list[SiteEconomics]:
    """Revenue, cost, viability gap and fund request of each site, in the order given.

    `sites`: dicts with keys id, operator, commune, year (int or None; may be left out),
    people_covered, capex, opex_pv, backhaul, power (costs as the plan's SiteCost, at roll-out).
    `white_communes`: communes with white bản, the fund's programme when econ.fund_communes is None.
    `start_year`: with it, a site's revenue and cost are discounted from its roll-out year to
    start_year (a site without a year is built in start_year; one before start_year is an error).
    """
    if isinstance(horizon_years, bool) or not isinstance(horizon_years, numbers.Integral) or horizon_years < 0:
        raise ValueError(f"horizon_years = {horizon_years!r} must be an integer >= 0")
    if (isinstance(discount_rate, bool) or not isinstance(discount_rate, numbers.Real) or not math.isfinite(discount_rate)
            or discount_rate <= -1):
        raise ValueError(f"discount_rate = {discount_rate!r} must be a number > -1")
    programme = econ.fund_communes if econ.fund_communes is not None else white_communes
    if isinstance(programme, str):
        raise ValueError(f"white_communes = {programme!r} must be a collection of commune names, not one string")
    eligible_set = {_key(c) for c in programme}
    annuity = growing_annuity(int(horizon_years), discount_rate, econ.arpu_growth_pct_per_year / 100.0)
    margin = econ.profit_margin_pct / 100.0
    max_share = econ.fund_max_share_pct / 100.0

    rows = []
    for i, raw in enumerate(sites):
        s = _check_site(i, raw)
        delay = 0
        if start_year is not None and s["year"] is not None:
            delay = s["year"] - start_year
            if delay < 0:
                raise ValueError(f"site {s['id']!r}: year = {s['year']} is before start_year = {start_year}")
        to_start = 1.0 / (1.0 + discount_rate) ** delay
        subs = econ.subscribers(s["people_covered"])
        revenue = subs * econ.arpu_vnd_per_month * 12.0 * annuity * to_start
        cost = sum(s[k] for k in _MONEY_KEYS) * to_start
        gap = max(0.0, cost * (1.0 + margin) - revenue)
        eligible = _key(s["commune"]) in eligible_set
        request = min(gap, max_share * cost) if eligible else 0.0
        rows.append(SiteEconomics(
            site_id=s["id"], operator=s["operator"], commune=s["commune"], year=s["year"],
            people_covered=s["people_covered"], subscribers=subs, revenue_pv=revenue, cost_pv=cost,
            viability_gap=gap, eligible=eligible, fund_request=request, operator_share=cost - request))
    return rows


def _aggregate(rows: list[SiteEconomics]) -> dict:
    out: dict = {"sites": len(rows), "eligible_sites": sum(1 for r in rows if r.eligible)}
    for k in _SUM_KEYS:
        out[k] = float(math.fsum(getattr(r, k) for r in rows))
    return out


def _group(rows: list[SiteEconomics], field: str, sort_key) -> list[dict]:
    groups: dict = {}
    for r in rows:
        groups.setdefault(getattr(r, field), []).append(r)
    return [{field: k, **_aggregate(groups[k])} for k in sorted(groups, key=sort_key)]


def fund_tables(rows: list[SiteEconomics]) -> dict:
    """The fund request per site, commune, roll-out year and operator, and the totals.

    Returns {"sites": [per site], "by_commune": [...], "by_year": [...], "by_operator": [...],
    "totals": {...}}; each group row has its key, sites, eligible_sites and the sums of
    people_covered, subscribers, cost_pv, revenue_pv, viability_gap, fund_request, operator_share
    (plain floats). Groups are sorted by their key; the year None (not phased) comes last.
    """
    return {
        "sites": [asdict(r) for r in rows],
        "by_commune": _group(rows, "commune", lambda c: c),
        "by_year": _group(rows, "year", lambda y: (y is None, y or 0)),
        "by_operator": _group(rows, "operator", lambda o: o),
        "totals": _aggregate(rows),
    }
