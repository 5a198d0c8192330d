"""Typed results of the planning step, read by name everywhere: the cost of a chosen site
(:class:`SiteCost`), a point of the cost-versus-people curve (:class:`CurvePoint`) and the plan
(:class:`Plan`). ``SiteCost`` and ``CurvePoint`` are named tuples and ``Plan`` also answers
``plan["chosen"]``, so code written against the earlier tuples and dicts keeps working."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import NamedTuple

NEW_OPERATOR = "chưa phân công"
"""The operator of a new tower that no operator was asked to build (planning.operator: any)."""


class SiteCost(NamedTuple):
    """What one candidate site costs, in the plan's currency."""

    capex: float          #: CAPEX of its kind (+ the sharing penalty, for new towers)
    opex_pv: float        #: OPEX over the horizon, discounted to today
    backhaul: float       #: fibre to the backbone or a microwave hop
    power: float          #: grid extension or solar
    total: float          #: capex + opex_pv + backhaul + power
    backhaul_kind: str = ""  #: backhaul.BACKHAUL_KINDS: fibre, new_fibre, microwave, fibre_no_los, not_modelled ("" flat cost)
    power_kind: str = ""     #: backhaul.POWER_KINDS: existing, grid, solar, not_modelled ("" flat cost)
    backhaul_km: float = float("nan")  #: fibre length or microwave hop (km)
    power_km: float = float("nan")     #: grid extension (km)
    backhaul_hub: str = ""             #: the tower at the far end of a microwave hop

    def with_penalty(self, amount: float) -> SiteCost:
        """The same cost with `amount` added to CAPEX (and the total)."""
        return self._replace(capex=self.capex + amount, total=self.total + amount)


class CurvePoint(NamedTuple):
    """The plan's sites taken in the order chosen: cumulative cost, people and bản covered."""

    cost: float
    people: float
    villages: int


@dataclass
class TargetResult:
    """The target objective (planning.objective: target): the share asked, what the plan reaches,
    and the cost of going on from the target plan to every coverable white bản."""

    target_pct: float            #: share of people (or households) to cover
    of: str                      #: "population" or "households"
    needed: float                #: people (households) the plan had to add: target - covered today
    before_pct: float            #: covered today
    after_pct: float             #: covered after the plan
    reachable_pct: float         #: the most any plan reaches (every coverable white bản covered)
    reached: bool
    full_cost: float             #: the least-cost plan covering every coverable white bản
    full_sites: int
    full_bound: float
    full_gap: float | None
    plan_cost: float             #: the target plan's cost

    @property
    def extra_cost_to_full(self) -> float:
        """The cost of going from the target plan to every coverable white bản."""
        return self.full_cost - self.plan_cost


@dataclass
class Plan:
    """The chosen sites and what they cover. Indices are into the run's candidates (`chosen`)
    and villages (everything else)."""

    chosen: list[int]                     #: candidate indices, in the order chosen
    newly_covered: list[list[int]]        #: per chosen site, the village indices it adds
    cost_breakdown: list[SiteCost]        #: per chosen site
    sites_lonlat: list[tuple[float, float]]
    still_white: list[int]                #: white bản the plan leaves white
    uncoverable: dict[int, str]           #: village index -> why no candidate reaches it: "no_candidate_in_range"
                                          #: or "terrain_or_distance"
    uncoverable_best_rsrp_dbm: dict[int, float]  #: village index -> the best candidate's RSRP (in range only)
    total_cost: float
    currency: str
    population_covered: float
    method: str                           #: the solver, in words
    bound: float                          #: a lower bound on the cost (set cover) or an upper
                                          #: bound on the covered weight (budget)
    bound_unit: str                       #: what `bound` counts: the currency, or people/bản/households
    gap: float | None
    proven_optimal: bool
    status: str                           #: "optimal", "feasible", "infeasible", ...
    curve: list[CurvePoint] = field(default_factory=list)
    target: TargetResult | None = None    #: planning.objective target only
    #: uncoverable village index -> (km from the bản, m above the line of sight) of the highest
    #: obstacle on the path from the best candidate
    uncoverable_obstacle: dict[int, tuple[float, float]] = field(default_factory=dict)
    #: uncoverable village index -> cost of satellite terminals for its households (the last
    #: resort, planning.options.satellite_households; broadband, not 4G/5G coverage)
    satellite_households: dict[int, float] = field(default_factory=dict)
    #: second-pass candidate id -> what it is (e.g. "mast 60 m, 900 MHz", "donor T0012 (-88.1 dBm)")
    variant_notes: dict[str, str] = field(default_factory=dict)
    #: planning.operators: the phusong.plan.agreement.Allocation (indices into the white bản)
    agreement: object | None = None
    #: planning.operators: village index -> the operator the agreement gives it
    village_operator: dict[int, str] = field(default_factory=dict)
    #: planning.years: the phusong.plan.rollout.Schedule of the chosen sites (indices into `chosen`)
    schedule: object | None = None
    #: planning.economics: phusong.plan.fund.SiteEconomics per chosen site, and fund_tables()
    economics: list = field(default_factory=list)
    fund: dict = field(default_factory=dict)

    def __getitem__(self, name: str):
        """plan["chosen"] as plan.chosen (for code written against the earlier dict)."""
        if name not in {f.name for f in fields(self)}:
            raise KeyError(name)
        return getattr(self, name)

    def get(self, name: str, default=None):
        try:
            return self[name]
        except KeyError:
            return default
