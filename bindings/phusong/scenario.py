"""Scenarios: one YAML file describes inputs, radio parameters, planning and outputs.

The same file runs from the CLI (``phusong run scenario.yaml``) and from Python
(:func:`run_scenario`). Validation happens before anything is computed or written: an unknown
key, a wrong type or a missing file stops the run with a message that names the key or file.
Data flows one way: scenario -> inputs -> coverage -> white villages -> plan -> outputs.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from . import _core
from .inputs import datasets
from .plan.fund import Economics

Progress = Callable[[str, int, int], None]
"""progress(step, done, total): called during long steps."""


class ScenarioError(_core.InputError):
    """A scenario file that cannot be run: names the file and the key or file that is wrong."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False)


class TableInput(_Strict):
    """A villages or sites table as planners have it (phusong.inputs.tables): CSV, XLSX (a sheet),
    GeoJSON, Shapefile or GeoPackage, with its own headers and coordinates."""
    file: str
    sheet: str | None = Field(None, description="XLSX: the sheet's name (default: the first)")
    columns: dict[str, str] | Literal["vi"] | None = Field(
        None, description="canonical name -> the table's header (e.g. lon: KINH_DO), or 'vi' for the Vietnamese "
                          "templates' headers")
    crs: str | None = Field(None, description="CRS of the x/y (or lon/lat) columns: VN2000-TM3-104, EPSG:n, ...")
    format: Literal["table", "opencellid", "osm_places", "osm_towers"] = Field(
        "table", description="opencellid: an OpenCelliD cell_towers.csv (towers; MCC 452, cells grouped into sites); "
                             "osm_places: OSM populated places (villages; populations estimated from the census "
                             "carried to inputs.communes); osm_towers: the communication towers of an OSM POI layer "
                             "(towers; operator and technology assumed)")


class Inputs(_Strict):
    dem: list[str] = Field(min_length=1, description="DEM files (data:NAME, generated:sonla-terrain, or paths)")
    villages: str | TableInput = Field(description="a CSV the engine reads, or a table with sheet/columns/crs")
    towers: str | TableInput = Field(description="a CSV the engine reads, or a table with sheet/columns/crs")
    admin: str | None = Field(None, description="district polygons (dvhcvn GIS JSON), e.g. data:admin/sonla_districts.json")
    clutter: str | None = Field(None, description="land-cover raster of class codes (e.g. ESA WorldCover)")
    fibre: str | None = Field(None, description="fibre backbone routes (lines), for backhaul costs")
    power_grid: str | None = Field(None, description="power grid routes (lines), for power costs and aerial fibre")
    facilities: str | None = Field(None, description="points fibre must reach (CSV or GeoJSON: id, kind, lon, lat; "
                                                     "kind committee, school or health_station)")
    roads: str | None = Field(None, description="roads (lines, e.g. an OSM highway layer): cheaper fibre corridors")
    rivers: str | None = Field(None, description="rivers (lines): fibre crossings cost more")
    communes: str | None = Field(None, description="communes of 2025 (two-tier government): a folder of one vector "
                                                   "file per commune (data:admin2025/sonla_communes) or a vector "
                                                   "file with commune_name_field; KPIs and the report follow them")
    commune_name_field: str | None = Field(None, description="the field naming each commune in inputs.communes")

    @field_validator("dem", mode="before")
    @classmethod
    def _one_or_many(cls, v):
        return [v] if isinstance(v, str) else v


class ServiceModel(_Strict):
    """The planning-grade link budget and service classes (phusong.coverage.service)."""
    enabled: bool = False
    shadowing_sigma_db: float = Field(8.0, ge=0, le=20, description="log-normal shadowing σ")
    edge_probability: float = Field(0.9, gt=0.5, lt=1, description="location probability at the cell edge: "
                                    "margin σ·Φ⁻¹(p)")
    body_loss_db: float = Field(3.0, ge=0, le=20)
    indoor: bool = Field(False, description="add ITU-R P.2109 building entry loss (median, traditional buildings)")
    indoor_building: Literal["traditional", "thermally_efficient"] = "traditional"
    indoor_probability_pct: float = Field(50.0, gt=0, lt=100)
    ue_noise_figure_db: float = Field(7.0, ge=0, le=20)
    bs_noise_figure_db: float = Field(5.0, ge=0, le=20)
    ue_power_dbm: float = Field(23.0, ge=-10, le=33)
    bs_antenna_gain_dbi: float = Field(15.0, ge=-10, le=30, description="base-station receive antenna gain (uplink)")
    ul_resource_blocks: int = Field(6, ge=1, le=275, description="resource blocks of a cell-edge user (uplink)")
    ul_required_sinr_db: float = Field(-5.0, ge=-20, le=30)
    rsrp_min_dbm: float = Field(-120.0, ge=-150, le=-60, description="RSRP a UE needs, after the margins (the cell-"
                                "edge design value; radio.threshold_dbm stays the median rule of the white bản)")
    dl_required_sinr_db: float = Field(-6.0, ge=-20, le=30)
    load: float = Field(0.5, ge=0, le=1, description="share of the time interfering cells transmit")
    efficiency: Literal["shannon", "cqi"] = Field("shannon", description="TR 36.942 attenuated Shannon or a CQI table")
    cqi_table: str = Field("lte_256qam", description="CQI table when efficiency: cqi: lte_64qam, lte_256qam, nr_64qam, "
                           "nr_256qam, nr_64qam_low_se, or the specification's table name")
    cqi_gap_db: float = Field(0.0, ge=0, le=20, description="SNR gap of the CQI choice")
    mimo_layers: int = Field(2, ge=1, le=8)
    overhead: float = Field(0.25, ge=0, lt=1, description="control, reference signals, guard")
    adoption_pct: float = Field(40.0, ge=0, le=100, description="people served who use mobile data")
    busy_hour_activity_pct: float = Field(5.0, gt=0, le=100, description="users active at once in the busy hour")
    target_mbps: float = Field(50.0, gt=0, description="the broadband target rate")
    class_rate: Literal["peak", "busy_hour"] = Field("peak", description="the rate the target is checked on: the "
                                                     "peak rate of a user at the bản (what a speed test measures off-"
                                                     "peak) or the busy-hour rate per user")
    sample_radius_m: float = Field(300.0, ge=0, le=5000, description="households spread around the bản centre")
    sample_points: int = Field(7, ge=1, le=49, description="points per bản: the centre and rings of 6")
    covered_share_pct: float = Field(90.0, gt=0, le=100, description="a bản has 4G/5G service when this share of "
                                     "its points is served")
    thresholds_2g3g_dbm: dict[str, float] = Field(default_factory=lambda: {"2G": -95.0, "3G": -100.0},
                                                  description="2G: received BCCH carrier power (RxLev); 3G: "
                                                              "CPICH RSCP (the carrier's power - 10 dB)")

    @field_validator("thresholds_2g3g_dbm")
    @classmethod
    def _legacy_keys(cls, v):
        unknown = sorted(set(v) - {"2G", "3G"})
        if unknown:
            raise ValueError(f"unknown technology {unknown[0]!r} (expected 2G and 3G)")
        return {"2G": -95.0, "3G": -100.0} | v

    @field_validator("cqi_table")
    @classmethod
    def _known_table(cls, v):
        try:
            _core.cqi_table(v)
        except _core.InputError as exc:
            raise ValueError(str(exc)) from None
        return v


class Radio(_Strict):
    model: str = Field("p526", description="propagation model of the village evaluation: one of _core.models() "
                                           "whose 'villages' flag is set (fspl, p526, p1812, itm, hata)")
    rx_height_m: float = Field(1.5, gt=0, le=100)
    k_factor: float = Field(4.0 / 3.0, gt=0)
    radius_km: float = Field(20.0, gt=0, le=200)
    threshold_dbm: float = Field(-110.0, ge=-160, le=0)
    bandwidth_mhz: float = Field(10.0, gt=0, le=400)
    profile_spacing_m: float = Field(0.0, ge=0, description="0 = the DEM cell size")
    technologies: list[str] = Field(default_factory=lambda: ["4G", "5G"], min_length=1,
                                    description="technologies that give mobile broadband (2G, 3G, 4G, 5G)")
    freq_mhz: float | None = Field(None, gt=0, description="overrides every broadband tower's frequency")
    height_m: float | None = Field(None, gt=0, description="overrides every broadband tower's antenna height")
    clutter_classes: str = Field("worldcover", description="'worldcover' or a class-table CSV "
                                                          "(code,name,height_m[,category,loss_db])")
    service: ServiceModel = Field(default_factory=ServiceModel)
    switch_off: list[str] = Field(default_factory=list, description="technologies switched off (2G, 3G): the bản "
                                  "left with no service become required bản of the plan")

    @field_validator("switch_off")
    @classmethod
    def _switch_off(cls, v):
        out = [t.strip().upper() for t in v]
        bad = [t for t in out if t not in ("2G", "3G")]
        if bad:
            raise ValueError(f"cannot switch off {bad[0]!r} (2G or 3G)")
        return out

    @field_validator("model")
    @classmethod
    def _known_model(cls, v):
        known = [m["name"] for m in _core.models() if m["villages"]]
        if v not in known:
            raise ValueError(f"unknown model '{v}' (known: {', '.join(known)})")
        return v

    @field_validator("technologies")
    @classmethod
    def _known_technologies(cls, v):
        known = _core.known_technologies()
        for t in v:
            if t.strip().upper() not in known:
                raise ValueError(f"unknown technology '{t}' (accepted: {', '.join(known)})")
        return [t.strip().upper() for t in v]

    @field_validator("freq_mhz", "height_m")
    @classmethod
    def _site_range(cls, v, info):
        """radio.freq_mhz and radio.height_m override every tower's: the engine's site ranges."""
        if v is not None:
            from .inputs import limits

            name = f"site.{info.field_name}"
            if not limits.contains(name, v):
                raise ValueError(f"expected {limits.describe(name)}")
        return v


class Costs(_Strict):
    """Cost model, in `currency` (default VND); `vnd_per_usd` converts for the report."""
    currency: str = "VND"
    vnd_per_usd: float = Field(25400.0, gt=0)
    new_tower: float = Field(1.5e9, ge=0, description="CAPEX of a new tower with 4G equipment")
    colocation: float = Field(3.5e8, ge=0, description="CAPEX of 4G equipment on another operator's tower")
    upgrade: float = Field(2.5e8, ge=0, description="CAPEX of upgrading an own 2G/3G site to 4G")
    opex_new_tower_per_year: float = Field(1.5e8, ge=0)
    opex_colocation_per_year: float = Field(9.0e7, ge=0, description="includes the sharing rent")
    opex_upgrade_per_year: float = Field(3.0e7, ge=0)
    horizon_years: int = Field(10, ge=0, le=50)
    discount_rate: float = Field(0.08, ge=0, le=1)
    fibre_cost_per_km: float = Field(1.2e8, ge=0, description="fibre backhaul, per km to the backbone")
    fibre_max_km: float = Field(3.0, ge=0, description="beyond this, a microwave hop is tried")
    fibre_connected_km: float = Field(0.5, ge=0, description="existing towers this close to the backbone are hubs")
    microwave_bands_km_cost: list[tuple[float, float]] = Field(
        default_factory=lambda: [(10.0, 1.5e8), (20.0, 2.5e8), (40.0, 4.0e8)],
        description="(max hop km, cost) per distance band")
    grid_cost_per_km: float = Field(2.0e8, ge=0, description="power line extension, per km")
    grid_max_km: float = Field(5.0, ge=0, description="beyond this, solar")
    solar: float = Field(3.0e8, ge=0, description="solar panels and batteries for an off-grid site")
    sharing_penalty_per_village: float = Field(
        1.0e7, ge=0, description="preference for sharing: added to a new tower's cost per bản already covered "
                                 "by another operator within sharing_penalty_radius_km (duplicated coverage)")
    sharing_penalty_radius_km: float = Field(5.0, ge=0)
    # The second pass (planning.options): estimates for planning, not quotations.
    small_cell: float = Field(5.0e8, ge=0, description="CAPEX of a small cell next to a bản (radio, 15 m mast, works)")
    opex_small_cell_per_year: float = Field(6.0e7, ge=0)
    repeater: float = Field(2.0e8, ge=0, description="CAPEX of a repeater (donor and service antennas, mast, works)")
    opex_repeater_per_year: float = Field(3.0e7, ge=0)
    mast_per_m: float = Field(1.2e7, ge=0, description="a taller mast: cost per extra metre")
    low_band_equipment: float = Field(3.0e8, ge=0, description="radio and antennas of the lower band on one site")
    satellite_backhaul: float = Field(2.5e8, ge=0, description="CAPEX of a site's VSAT/LEO backhaul terminal")
    opex_satellite_backhaul_per_year: float = Field(1.2e8, ge=0, description="its capacity lease")
    satellite_household: float = Field(1.2e7, ge=0, description="a household satellite terminal, installed")
    opex_satellite_household_per_year: float = Field(6.0e6, ge=0, description="its subscription")

    @property
    def annuity(self) -> float:
        """Present value of 1 paid at the end of each year of the horizon."""
        return sum(1.0 / (1.0 + self.discount_rate) ** t for t in range(1, self.horizon_years + 1))

    def total(self, kind: str) -> tuple[float, float, float]:
        """(capex, opex present value, total) of a candidate kind."""
        capex = {"upgrade": self.upgrade, "colocation": self.colocation, "small_cell": self.small_cell,
                 "repeater": self.repeater}.get(kind, self.new_tower)
        opex = {"upgrade": self.opex_upgrade_per_year, "colocation": self.opex_colocation_per_year,
                "small_cell": self.opex_small_cell_per_year, "repeater": self.opex_repeater_per_year}.get(
            kind, self.opex_new_tower_per_year)
        annuity = self.annuity
        return capex, opex * annuity, capex + opex * annuity


class PlanOptions(_Strict):
    """The planner's second pass (phusong.plan.options): more kinds of candidate for the white bản
    that no first-pass candidate reaches, so that every bản gets an answer."""
    enabled: bool = False
    mast_heights_m: list[float] = Field(default_factory=lambda: [60.0],
                                        description="taller masts tried on first-pass sites near those bản")
    low_band_mhz: float | None = Field(900.0, ge=20, le=6000, description="a lower band tried on the same sites "
                                       "(None: not tried)")
    low_band_operators: list[str] = Field(default_factory=list, description="operators holding the lower band "
                                          "(empty: all)")
    small_cell: bool = True
    small_cell_height_m: float = Field(15.0, gt=0, le=100)
    small_cell_eirp_dbm: float = Field(53.0, ge=-30, le=100)
    small_cell_freq_mhz: float | None = Field(None, ge=20, le=100000, description="default planning.freq_mhz")
    small_cell_search_m: float = Field(300.0, gt=0, description="highest ground within this of the bản")
    repeater: bool = True
    repeater_height_m: float = Field(12.0, gt=0, le=100)
    repeater_eirp_dbm: float = Field(50.0, ge=-30, le=100)
    repeater_donor_dbm: float = Field(-95.0, ge=-150, le=0, description="RSRP an existing site must give at the "
                                      "repeater's donor antenna")
    repeater_search_m: float = Field(1500.0, gt=0)
    satellite_backhaul: bool = Field(True, description="VSAT/LEO backhaul where it is cheaper than fibre or microwave")
    satellite_households: bool = Field(True, description="the last resort: satellite terminals for the households "
                                       "of a bản nothing else reaches (broadband, not 4G/5G coverage)")


class OperatorShare(_Strict):
    """An operator of the agreement and its share (of the people, or of the cost: agreement_rule)."""
    name: str = Field(min_length=1)
    share: float | None = Field(None, ge=0, le=1, description="default: equal shares")


class Planning(_Strict):
    enabled: bool = True
    candidates: list[str] = Field(default_factory=lambda: ["grid"],
                                  description="kinds (upgrade, colocation, grid) and/or files of candidate sites")
    grid_spacing_km: float = Field(3.0, gt=0)
    height_m: float = Field(40.0, gt=0, le=300)
    freq_mhz: float = Field(1800.0, ge=20, le=100000)
    eirp_dbm: float = Field(60.0, ge=-30, le=100, description="dBm (the engine's site.eirp_dbm range)")
    operator: str = Field("any", description="operator that builds; 'any' lets every operator share and upgrade")
    costs: Costs = Field(default_factory=Costs)
    cost_per_site: float | None = Field(None, gt=0, description="one flat cost for every site (overrides costs)")
    budget: float | None = Field(None, gt=0)
    objective: Literal["villages", "population", "households", "target"] = Field(
        "villages", description="villages/population/households: least-cost cover of every coverable white bản (with "
                                "a budget: the most of them); target: the least-cost plan reaching target_pct")
    target_pct: float | None = Field(None, gt=0, le=100, description="objective target: share of the province's "
                                     "people (or households, target_of) to cover; default targets.coverage_4g_pct")
    target_of: Literal["population", "households"] = "population"
    required_villages: list[str] = Field(default_factory=list, description="ids of bản that must be covered")
    method: Literal["greedy", "local", "exact"] = "local"
    time_limit_s: float = Field(60.0, gt=0, description="exact solve time limit")
    options: PlanOptions = Field(default_factory=PlanOptions)
    operators: list[OperatorShare] = Field(default_factory=list, description="the operators' agreement: every "
                                           "covered white bản to exactly one of them (names, or {name, share})")
    agreement_rule: Literal["market_share", "balanced_cost"] = Field(
        "market_share", description="market_share: each operator's people within its share ± the tolerance; "
                                    "balanced_cost: its cost within its share ± the tolerance")
    share_tolerance_pct: float = Field(5.0, ge=0, le=100, description="percentage points")
    years: dict[int, float] = Field(default_factory=dict, description="roll-out: year -> budget (plan currency)")
    carry_over: bool = Field(False, description="a year's unspent budget moves to the next year")
    economics: Economics | None = Field(None, description="commercial viability and the public-utility fund "
                                        "(phusong.plan.fund.Economics)")

    @field_validator("operators", mode="before")
    @classmethod
    def _operator_names(cls, v):
        return [{"name": x} if isinstance(x, str) else x for x in v] if isinstance(v, list) else v

    @field_validator("operators")
    @classmethod
    def _shares(cls, v):
        names = [o.name for o in v]
        if len(set(names)) != len(names):
            raise ValueError(f"an operator is named twice: {names}")
        given = [o.share for o in v if o.share is not None]
        if given and len(given) != len(v):
            raise ValueError("give a share for every operator or for none (equal shares)")
        if given and abs(sum(given) - 1.0) > 1e-6:
            raise ValueError(f"the shares {given} sum to {sum(given):g}, not 1")
        return v

    @field_validator("years")
    @classmethod
    def _years(cls, v):
        for y, b in v.items():
            if not 1900 <= y <= 2200:
                raise ValueError(f"year {y} (expected 1900..2200)")
            if not (b >= 0 and math.isfinite(b)):
                raise ValueError(f"year {y}: budget {b} (must be >= 0 and finite)")
        return v

    @field_validator("candidates", mode="before")
    @classmethod
    def _one_or_many(cls, v):
        return [v] if isinstance(v, str) else v


class FibreSurface(_Strict):
    """Cost of a metre of cable by terrain (engine: _core.routing_surface)."""
    base_cost_per_m: float = Field(1.2e5, gt=0, description="underground cable on flat open ground, per metre")
    slope_factor: float = Field(5.0, ge=0, description="cost x (1 + slope_factor tan(slope))")
    max_slope_deg: float = Field(60.0, gt=0, le=90, description="steeper cells are impassable")
    road_factor: float = Field(0.5, gt=0, description="along a road (inputs.roads): base x road_factor")
    power_factor: float = Field(0.6, gt=0, description="aerial on the power grid's poles (inputs.power_grid)")
    river_factor: float = Field(10.0, gt=0, description="a river cell (inputs.rivers) not on a road: cost x this")


class FibreCosts(_Strict):
    """Equipment and last-mile costs of the fibre plan, in planning.costs.currency."""
    olt: float = Field(5.0e7, ge=0, description="an OLT (line card) where the new network leaves the backbone")
    cabinet: float = Field(5.0e8, ge=0, description="a new OLT cabinet (power included) beyond the optical reach")
    splitter: float = Field(1.5e6, ge=0, description="a splitter with its box, at a bản")
    drop_per_m: float = Field(1.0e4, ge=0, description="drop cable to a household, per metre")
    facility_connection: float = Field(5.0e6, ge=0, description="connecting a facility (ONT, indoor cable)")


class Fibre(_Strict):
    """The fixed-broadband plan (phusong.plan.fibre): fibre to every facility and to a share of
    households, at least cost."""
    enabled: bool = False
    graph_spacing_m: float = Field(900.0, gt=0, description="spacing of the routing graph's lattice")
    connected_m: float = Field(500.0, ge=0, description="a bản or facility this close to inputs.fibre has fibre today")
    reach_km: float = Field(20.0, gt=0, le=60, description="GPON optical reach from an OLT")
    splitter_ratio: Literal[32, 64] = Field(32, description="GPON split per splitter")
    village_radius_m: float | Literal["households"] = Field(
        300.0, description="spread of a bản's households (drop cables: 2/3 of it) when its villages row gives no "
                           "radius_m: metres, or 'households': the disc of households x household_area_m2")
    household_area_m2: float = Field(3000.0, gt=0, description="with village_radius_m: households, the ground one "
                                                               "household takes (house, garden, nearby fields)")
    household_target_pct: float | None = Field(None, ge=0, le=100,
                                               description="default: targets.fibre_households_pct, else 80")
    method: Literal["heuristic", "exact"] = "heuristic"
    household_method: Literal["greedy", "exact"] = Field(
        "greedy", description="the household stage: greedy (least cost per household first, with a bound), or exact "
                              "(quota Steiner MILP through CBC, warm-started with the greedy, within time_limit_s)")
    time_limit_s: float = Field(60.0, gt=0, description="the Steiner solve's time limit (exact; a safety net for "
                                                        "the heuristic); the exact household stage has as much again")
    improvement_moves: int = Field(1000, ge=0, description="improving moves of the heuristic's local search at most "
                                                           "(a count, not seconds: the plan does not depend on the "
                                                           "machine's speed); 0: none. Sơn La's tree reaches its "
                                                           "local optimum in under 20 moves, 3 s")
    backhaul: bool = Field(True, description="new routes are backhaul for the 4G plan's sites")
    surface: FibreSurface = Field(default_factory=FibreSurface)
    costs: FibreCosts = Field(default_factory=FibreCosts)
    landcover_factors: dict[int, float] = Field(default_factory=dict,
                                                description="land-cover class -> cable cost factor (NaN: impassable), "
                                                            "over the WorldCover defaults")

    @field_validator("village_radius_m")
    @classmethod
    def _radius(cls, v):
        if not isinstance(v, str) and not (0 <= v <= 20000):
            raise ValueError(f"{v} m: expected metres from 0 to 20000, or 'households'")
        return v

    @field_validator("landcover_factors")
    @classmethod
    def _factors(cls, v):
        for code, factor in v.items():
            if not (factor >= 0 or math.isnan(factor)):
                raise ValueError(f"class {code}: factor {factor} (must be >= 0, or NaN for impassable)")
        return v


class Outputs(_Strict):
    dir: str = "out"
    crs: str = "WGS84"
    formats: list[Literal["shapefile", "gpkg", "geojson", "kml"]] = Field(default_factory=lambda: ["shapefile"])
    tables: list[Literal["csv", "xlsx"]] = Field(default_factory=lambda: ["csv"])
    csv_bom: bool = Field(False, description="CSV tables with a UTF-8 byte-order mark (Excel on Windows)")
    report: bool = Field(False, description="report.html (and report.md) with maps")
    report_pdf: bool = Field(False, description="also report.pdf (needs the 'report' extra: WeasyPrint)")
    language: Literal["vi", "en"] = Field("vi", description="language of the report")
    rasters: bool = Field(False, description="best-server RSRP rasters (COG) before and after the plan, all "
                                             "operators and per operator, and coverage polygons")
    raster_resolution_m: float | None = Field(None, gt=0, description="raster cell size (default: the DEM's)")
    qgis: bool = Field(False, description="a QGIS project (project.qgz) with QML styles beside the layers")
    web_map: bool = Field(False, description="map.html: a self-contained interactive map (works offline)")


class Targets(_Strict):
    """Targets the scenario sets, shown beside the results (none by default: a scenario of another
    province or a demo has no Sơn La targets)."""
    coverage_4g_pct: float | None = Field(None, ge=0, le=100, description="people covered by 4G/5G (%)")
    white_villages: int | None = Field(None, ge=0, description="white bản left (0: none)")
    fibre_households_pct: float | None = Field(None, ge=0, le=100)
    fibre_communes_pct: float | None = Field(None, ge=0, le=100, description="commune seats with fibre (%)")
    fibre_schools_pct: float | None = Field(None, ge=0, le=100, description="schools with fibre (%)")
    fibre_health_pct: float | None = Field(None, ge=0, le=100, description="health stations with fibre (%)")
    broadband_50mbps_pct: float | None = Field(None, ge=0, le=100, description="people with broadband of at least "
                                               "radio.service.target_mbps (%)")


class Published(_Strict):
    """Published statistics (not targets), shown beside the results as what they are."""
    villages: int | None = Field(None, ge=0, description="bản in the published figures")
    white_villages: int | None = Field(None, ge=0, description="white bản in the published figures")
    source: str = Field("", description="where the figures were published")


class Scenario(_Strict):
    name: str
    description: str = ""
    inputs: Inputs
    radio: Radio = Field(default_factory=Radio)
    planning: Planning = Field(default_factory=Planning)
    fibre: Fibre = Field(default_factory=Fibre)
    outputs: Outputs = Field(default_factory=Outputs)
    targets: Targets = Field(default_factory=Targets)
    published: Published = Field(default_factory=Published)
    threads: int = Field(0, ge=0)
    path: Path | None = Field(None, exclude=True)
    #: inputs.villages / inputs.towers given as tables: key -> TableInput (its file resolved); the
    #: run reads them through phusong.inputs.tables.
    _tables: dict = PrivateAttr(default_factory=dict)
    #: warnings about input rows skipped while reading (named by file, row and value): input_warnings.csv
    _warnings: list = PrivateAttr(default_factory=list)

    @property
    def base_dir(self) -> Path:
        return self.path.parent if self.path else Path.cwd()


def _format_error(path: Path, err: ValidationError) -> str:
    lines = []
    for e in err.errors():
        loc = ".".join(str(x) for x in e["loc"]) or "(top level)"
        if e["type"] == "extra_forbidden":
            lines.append(f"{path}: unknown key '{loc}'")
        elif e["type"] == "missing":
            lines.append(f"{path}: missing key '{loc}'")
        else:
            lines.append(f"{path}: key '{loc}': {e['msg']} (got {_short(e.get('input'))})")
    return "\n".join(lines)


MAX_YAML_VALUES = 100_000
"""A scenario is small: more values than this once YAML aliases are expanded is refused (an
alias bomb: a few lines that expand to billions of values)."""


def _check_size(path: Path, raw) -> None:
    """Counts the values of the document as expanded (shared aliases counted each time they
    are used), stopping as soon as the limit is passed."""
    count = 0
    stack = [(raw, 0)]
    while stack:
        v, depth = stack.pop()
        count += 1
        if count > MAX_YAML_VALUES:
            raise ScenarioError(f"{path}: the YAML expands to more than {MAX_YAML_VALUES:,} values (aliases "
                                "repeating aliases?); a scenario is a few dozen keys")
        if depth > 50:
            raise ScenarioError(f"{path}: the YAML is nested more than 50 levels deep")
        if isinstance(v, dict):
            stack.extend((x, depth + 1) for kv in v.items() for x in kv)
        elif isinstance(v, (list, tuple)):
            stack.extend((x, depth + 1) for x in v)


def _short(value, limit: int = 120) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} characters)"


def load_scenario(path: str | Path) -> Scenario:
    """Reads and validates a scenario file; checks that every input file exists."""
    path = Path(path)
    if not path.is_file():
        raise ScenarioError(f"scenario file '{path}' not found")
    try:
        with open(path, encoding="utf-8") as f:
            raw = yaml.safe_load(f)
    except UnicodeDecodeError as exc:
        raise ScenarioError(f"{path}: not UTF-8 text (byte {exc.start}: {exc.object[exc.start:exc.start + 4]!r}); "
                            "save the scenario as UTF-8") from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{path}: not valid YAML: {exc}") from None
    except RecursionError:
        raise ScenarioError(f"{path}: YAML nested too deeply") from None
    _check_size(path, raw)
    if not isinstance(raw, dict):
        raise ScenarioError(f"{path}: a scenario is a YAML mapping, got {type(raw).__name__}")
    try:
        sc = Scenario.model_validate(raw)
    except ValidationError as exc:
        raise ScenarioError(_format_error(path, exc)) from None
    sc.path = path.resolve()
    if sc.fibre.enabled:
        for key in ("fibre", "facilities"):
            if getattr(sc.inputs, key) is None:
                raise ScenarioError(f"{path}: key 'fibre.enabled' is true but 'inputs.{key}' is not given (the fibre "
                                    "plan needs the existing backbone, inputs.fibre, and the points to reach, "
                                    "inputs.facilities)")
    _check_model_ranges(sc)
    _check_planning(sc)
    _resolve_inputs(sc)
    return sc


def _check_planning(sc: Scenario) -> None:
    """The planning keys that only make sense together."""
    p = sc.planning
    if not p.enabled or p.objective != "target":
        return
    if p.target_pct is None and sc.targets.coverage_4g_pct is None:
        raise ScenarioError(f"{sc.path}: key 'planning.objective' is 'target' but neither 'planning.target_pct' nor "
                            "'targets.coverage_4g_pct' gives the share to reach")
    if p.budget is not None:
        raise ScenarioError(f"{sc.path}: key 'planning.budget' ({p.budget:g}) with 'planning.objective: target': a "
                            "target plan finds its own cost; give a budget with objective villages, population or "
                            "households, or planning.years for a budget per year")


def _check_model_ranges(sc: Scenario) -> None:
    """The frequencies a scenario sets (radio.freq_mhz, planning.freq_mhz) within its model's
    validity range, before anything is read or computed."""
    from .inputs import limits

    keys = [("radio.freq_mhz", sc.radio.freq_mhz)]
    if sc.planning.enabled:
        keys.append(("planning.freq_mhz", sc.planning.freq_mhz))
    for key, f in keys:
        if f is not None:
            try:
                limits.check_model_frequency(sc.radio.model, f, f"{sc.path}: key '{key}'")
            except _core.RangeError as exc:
                raise ScenarioError(str(exc)) from None


def _resolve_inputs(sc: Scenario) -> None:
    """Resolves every input path (data registry or relative to the scenario) or fails."""
    def one(key: str, ref: str) -> str:
        try:
            p = datasets.resolve(ref, sc.base_dir)
        except _core.InputError as exc:
            raise ScenarioError(f"{sc.path}: key '{key}': {exc}") from None
        if not p.is_file():
            raise ScenarioError(f"{sc.path}: key '{key}': file '{p}' not found")
        return str(p)

    dems = []
    for i, d in enumerate(sc.inputs.dem):
        if d.startswith(GENERATED_PREFIX):
            dems += _generated_dem(sc, f"inputs.dem.{i}", d[len(GENERATED_PREFIX):])
        else:
            dems.append(one(f"inputs.dem.{i}", d))
    sc.inputs.dem = dems
    for key in ("villages", "towers"):
        ref = getattr(sc.inputs, key)
        if isinstance(ref, TableInput):
            ref.file = one(f"inputs.{key}.file", ref.file)
            sc._tables[key] = ref
            setattr(sc.inputs, key, ref.file)
        else:
            path = _generated_table(sc, key, ref[len(GENERATED_PREFIX):]) if ref.startswith(GENERATED_PREFIX) else \
                one(f"inputs.{key}", ref)
            setattr(sc.inputs, key, path)
            if Path(path).suffix.lower() in (".xlsx", ".xlsm"):  # the engine reads CSV/vector files, not workbooks
                sc._tables[key] = TableInput(file=path)
    if sc.inputs.admin is not None:
        sc.inputs.admin = one("inputs.admin", sc.inputs.admin)
    if sc.inputs.communes is not None:  # a file or a folder of files
        try:
            p = datasets.resolve(sc.inputs.communes, sc.base_dir)
        except _core.InputError as exc:
            raise ScenarioError(f"{sc.path}: key 'inputs.communes': {exc}") from None
        if not p.exists():
            raise ScenarioError(f"{sc.path}: key 'inputs.communes': '{p}' not found")
        sc.inputs.communes = str(p)
    if sc.inputs.clutter is not None and sc.inputs.clutter.startswith(GENERATED_PREFIX):
        name = sc.inputs.clutter[len(GENERATED_PREFIX):]
        if name != "sonla-landcover":
            raise ScenarioError(f"{sc.path}: key 'inputs.clutter': unknown generated data '{name}' (known: "
                                "sonla-landcover)")
        from .inputs import sonla

        try:
            sc.inputs.clutter = str(sonla.landcover_path(datasets.cache_dir(), sc.inputs.dem, sc.inputs.villages))
        except (ValueError, OSError, _core.InputError) as exc:
            raise ScenarioError(f"{sc.path}: key 'inputs.clutter': cannot make the GENERATED Sơn La land cover: "
                                f"{exc}") from None
    for key in ("clutter", "fibre", "power_grid", "facilities", "roads", "rivers"):
        if getattr(sc.inputs, key) is not None:
            setattr(sc.inputs, key, one(f"inputs.{key}", getattr(sc.inputs, key)))
    if sc.inputs.clutter is not None and sc.radio.clutter_classes != "worldcover":
        sc.radio.clutter_classes = one("radio.clutter_classes", sc.radio.clutter_classes)
    if sc.planning.enabled:
        sc.planning.candidates = [c if c in CANDIDATE_KINDS else one(f"planning.candidates.{i}", c)
                                  for i, c in enumerate(sc.planning.candidates)]
    try:
        _core.crs_wkt(sc.outputs.crs)
    except _core.InputError as exc:
        raise ScenarioError(f"{sc.path}: key 'outputs.crs': {exc}") from None


GENERATED_PREFIX = "generated:"
CANDIDATE_KINDS = ("upgrade", "colocation", "grid", "commune_centre")
SONLA_TILES = ["dem/N20E103.hgt", "dem/N20E104.hgt", "dem/N21E103.hgt", "dem/N21E104.hgt", "dem/N22E103.hgt"]


GENERATED_TABLES = {"villages": "vietnam-villages", "towers": "vietnam-towers"}


def _generated_table(sc: Scenario, key: str, name: str) -> str:
    """generated:vietnam-villages[@scale] / generated:vietnam-towers[@scale] (default scale 1.0):
    the GENERATED national villages or sites (phusong.inputs.national.generate), made once per
    scale in the cache folder."""
    base, _, scale = name.partition("@")
    known = GENERATED_TABLES[key]
    if base != known:
        raise ScenarioError(f"{sc.path}: key 'inputs.{key}': unknown generated data '{name}' (known: {known})")
    try:
        number = float(scale) if scale else 1.0
    except ValueError:
        raise ScenarioError(f"{sc.path}: key 'inputs.{key}': scale '{scale}' is not a number") from None
    if not (number > 0 and math.isfinite(number)):
        raise ScenarioError(f"{sc.path}: key 'inputs.{key}': scale {scale} (expected a positive number; 1.0: the "
                            "whole country)")
    from .inputs import national

    try:
        villages, towers = national.generate(datasets.cache_dir(), number)
    except (ValueError, OSError, RuntimeError) as exc:
        raise ScenarioError(f"{sc.path}: key 'inputs.{key}': cannot make the GENERATED national {key}: {exc}") from None
    return str(villages if key == "villages" else towers)


def _generated_dem(sc: Scenario, key: str, name: str) -> list[str]:
    """generated:sonla-terrain[@seed]: the real SRTM tiles of Sơn La when all are in the data
    directory, else phusong's GENERATED terrain (made once per seed in the cache folder).
    generated:vietnam-terrain[@arcsec] (default 3): the GENERATED terrain of Vietnam, one tile per
    degree (phusong.inputs.national.terrain_tiles), made once in the cache folder."""
    from .inputs import sonla

    base, _, seed = name.partition("@")
    if base == "vietnam-terrain":
        return _vietnam_terrain(sc, key, seed)
    if base != "sonla-terrain":
        raise ScenarioError(f"{sc.path}: key '{key}': unknown generated data '{name}' (known: sonla-terrain, "
                            "vietnam-terrain)")
    real = [datasets.data_dir() / t for t in SONLA_TILES]
    if all(p.is_file() for p in real):
        return [str(p) for p in real]
    try:
        number = int(seed) if seed else 2019
    except ValueError:
        raise ScenarioError(f"{sc.path}: key '{key}': seed '{seed}' is not an integer") from None
    try:
        return [str(sonla.terrain_path(datasets.cache_dir(), number))]
    except (ValueError, OSError) as exc:  # e.g. the district polygons it is made on cannot be found
        raise ScenarioError(f"{sc.path}: key '{key}': cannot make the GENERATED Sơn La terrain: {exc}") from None


def _vietnam_terrain(sc: Scenario, key: str, arcsec: str) -> list[str]:
    from .inputs import national

    try:
        number = float(arcsec) if arcsec else 3.0
    except ValueError:
        raise ScenarioError(f"{sc.path}: key '{key}': resolution '{arcsec}' is not a number of arc-seconds") from None
    try:
        return [str(p) for p in national.terrain_tiles(datasets.cache_dir(), number)]
    except (ValueError, OSError, RuntimeError) as exc:  # InputError is a ValueError
        raise ScenarioError(f"{sc.path}: key '{key}': cannot make the GENERATED terrain of Vietnam: {exc}") from None


@dataclass
class RunResult:
    """What a run produced: tables as NumPy arrays / lists, and the files written."""

    scenario: Scenario
    villages: list
    towers: list
    coverage: dict
    white: list[int]
    plan: dict | None
    candidates: list
    summary: dict
    files: list[Path] = field(default_factory=list)
    operators: dict = field(default_factory=dict)
    kpis: dict = field(default_factory=dict)
    rasters: object | None = None  #: coverage.scenario_rasters.ScenarioRasters when outputs.rasters
    fibre: object | None = None    #: plan.fibre.FibrePlan when fibre.enabled
    communes: object | None = None  #: inputs.admin2025.VillageCommunes when inputs.communes
    #: coverage.service.ServiceResult today and after the plan (radio.service or radio.switch_off)
    service_before: object | None = None
    service_after: object | None = None
    switch_off_lost: list = field(default_factory=list)  #: bản the switch-off leaves without service


def _broadband(site: _core.Site, techs: list[str]) -> bool:
    """Whether a site gives one of `techs` (read_sites gives canonical names: 2G;3G;4G;5G)."""
    return bool(set(site.technologies.split(";")) & set(techs))


def run_scenario(path: str | Path | Scenario, out_dir: str | Path | None = None,
                 progress: Progress | None = None, threads: int | None = None, dask=None) -> RunResult:
    """Runs a scenario: inputs -> coverage -> white villages -> plan -> outputs.

    Args:
        path: the scenario YAML (or an already loaded :class:`Scenario`).
        out_dir: output folder (default: the scenario's ``outputs.dir``, relative to the
            scenario file).
        progress: optional callback ``progress(step, done, total)``.
        threads: overrides the scenario's thread count (results do not depend on it).
        dask: run the heavy engine calls (village coverage, candidate coverage, raster composites)
            on a Dask distributed cluster: a ``dask.distributed.Client``, or an address (``local``,
            ``local:N`` for a LocalCluster of N process workers, ``tcp://host:8786``), or a
            phusong.distributed executor. The results are identical to the single-process run (the
            default, None).
    """
    from .outputs import layers as outputs
    from .outputs.folder import OutputFolder

    sc = path if isinstance(path, Scenario) else load_scenario(path)
    if threads is not None:
        sc.threads = threads
    out = (Path(out_dir) if out_dir is not None else sc.base_dir / sc.outputs.dir).resolve()
    folder = OutputFolder(out)
    folder.check(inputs=input_files(sc), file_names=outputs.planned_names(sc))

    def step(name: str):
        if progress is None:
            return None
        return lambda done, total: progress(name, done, total)

    executor, owned = _executor(sc, dask)
    try:
        return _run(sc, out, folder, step, executor)
    finally:
        if owned:  # a cluster started here (dask="local:N") is closed at the end
            executor.close()


def _executor(sc: Scenario, dask):
    """Where the heavy engine calls run (see run_scenario), and whether this run owns it."""
    from .distributed import DaskExecutor, LocalExecutor, connect

    if dask is None:
        return LocalExecutor(), False
    if isinstance(dask, (DaskExecutor, LocalExecutor)):
        return dask, False
    if isinstance(dask, str):
        return connect(dask, sc.inputs.dem, sc.inputs.clutter), True
    return DaskExecutor(dask, sc.inputs.dem, sc.inputs.clutter), False


def _run(sc: Scenario, out: Path, folder, step, executor) -> RunResult:
    from .outputs import kpi
    from .outputs import layers as outputs
    from .plan import planner

    dem = _core.Dem.open(sc.inputs.dem)
    sc._warnings = []
    villages = _core.read_villages(_engine_table(sc, "villages"))
    towers_file = _engine_table(sc, "towers")
    towers = _core.read_sites(towers_file, sc.radio.bandwidth_mhz)
    from .inputs.tables import site_ids

    site_of = site_ids(towers_file)  # the sectors of multi-sector sites: one candidate per site
    t_in = sc._tables.get("towers")
    if t_in is not None and t_in.format == "osm_towers":
        # An OSM extract covers a region or the country: the towers outside the DEM are left out
        # and counted (any other towers file must lie within the DEM).
        inside = [t for t in towers if dem.contains_lonlat(t.lon, t.lat)]
        if len(inside) < len(towers):
            sc._warnings.append(f"{t_in.file}: {len(towers) - len(inside)} OSM communication towers lie outside the DEM "
                                f"({', '.join(Path(p).name for p in sc.inputs.dem)}): left out")
        towers = inside
    for kind, items, fname in (("village", villages, sc.inputs.villages), ("tower", towers, sc.inputs.towers)):
        for it in items:
            if not dem.contains_lonlat(it.lon, it.lat):
                raise _core.InputError(
                    f"{fname}: row {it.row} ({kind} id '{it.id}'): point ({it.lon}, {it.lat}) "
                    f"lies outside the DEM ({', '.join(Path(p).name for p in sc.inputs.dem)})")
    communes = None
    if sc.inputs.communes:  # the communes of 2025: each bản in the one its point lies in
        from .inputs import admin2025

        communes = admin2025.village_communes(sc.inputs.communes, villages, sc.inputs.commune_name_field)
        sc._warnings += communes.warnings
    broadband = [t for t in towers if _broadband(t, sc.radio.technologies)]
    outputs.preflight(sc, villages, broadband)
    if sc.radio.freq_mhz is None:
        from .inputs import limits

        for t in broadband:
            limits.check_model_frequency(sc.radio.model, t.freq_mhz,
                                         f"{sc.inputs.towers}: row {t.row} (site '{t.id}')")
    r = sc.radio
    for t in broadband:  # scenario-wide overrides (e.g. 700 vs 1800 MHz, 30 vs 45 m masts)
        if r.freq_mhz is not None:
            t.freq_mhz = r.freq_mhz
        if r.height_m is not None:
            t.height_m = r.height_m
    clutter = _core.Dem.open([sc.inputs.clutter]) if sc.inputs.clutter else None
    cov = executor.evaluate_villages(
        dem, villages, broadband, model=r.model, radius_km=r.radius_km, rx_height_m=r.rx_height_m,
        threshold_dbm=r.threshold_dbm, k=r.k_factor, spacing_m=r.profile_spacing_m,
        threads=sc.threads, progress=step("coverage"), clutter=clutter, clutter_classes=r.clutter_classes)
    white = [i for i, c in enumerate(cov["covered"]) if not c]
    operators = kpi.per_operator(villages, broadband, cov, r.threshold_dbm)

    fibre_plan = None
    if sc.fibre.enabled:  # before the 4G plan: its new routes are backhaul for the 4G sites
        from .plan import fibre

        fibre_plan = fibre.plan_fibre(sc, dem, villages, clutter, step("fibre"))
    service_before = service_after = None
    lost: list[int] = []
    if r.service.enabled or r.switch_off:  # the service model, and the bản a switch-off leaves without service
        import numpy as np

        from .coverage import service

        legacy = [t for t in towers if set(t.technologies.split(";")) & {"2G", "3G"}]
        for tech in r.switch_off:
            if not any(tech in t.technologies.split(";") for t in towers):
                raise ScenarioError(f"{sc.path}: key 'radio.switch_off': no site of inputs.towers has {tech}")
        service_before = service.evaluate(sc, dem, villages, broadband, legacy, clutter, step("service"))
        lost = service.switch_off_losses(villages, service_before, np.asarray(cov["covered"], bool), r.switch_off)
    plan = None
    candidates: list = []
    if sc.planning.enabled and white:
        new_fibre = fibre_plan.new_lines_wkb() if fibre_plan is not None and sc.fibre.backhaul else None
        candidates, plan = planner.plan(dem, sc, villages, white, towers, step("planning"), clutter, new_fibre,
                                        extra_required=lost, executor=executor, site_of=site_of)
        planner.plan_economics(sc, plan, candidates, villages, white, communes.name_of if communes else None)

    if service_before is not None:
        added = [candidates[j] for j in plan.chosen] if plan is not None else []
        service_after = service.evaluate(sc, dem, villages, broadband + added, legacy, clutter, step("service"),
                                         tuple(r.switch_off))
    rasters = None
    if sc.outputs.rasters:
        from .coverage import scenario_rasters

        rasters = scenario_rasters.compute(sc, dem, broadband, candidates, plan, step("rasters"), executor)
    summary = _summary(sc, villages, towers, broadband, cov, white, plan, fibre_plan)
    if service_before is not None:
        from .coverage.service import SERVICE_CLASSES

        pop = sum(v.population for v in villages)
        for when, res in (("before", service_before), ("after", service_after)):
            for c in SERVICE_CLASSES:
                summary[f"service_{c}_people_{when}"] = float(sum(v.population for v, k in zip(villages, res.klass)
                                                                  if k == c))
            summary[f"broadband_target_pct_{when}"] = 100.0 * summary[f"service_ge50_people_{when}"] / pop if pop \
                else math.nan
        summary["switch_off"] = ";".join(r.switch_off)
        summary["switch_off_villages_losing_service"] = len(lost)
        summary["switch_off_people_losing_service"] = float(sum(villages[i].population for i in lost))
    kpis = kpi.tables(sc, villages, cov, white, plan, operators, fibre_plan, communes, (service_before, service_after))
    result = RunResult(sc, villages, broadband, cov, white, plan, candidates, summary, [], operators, kpis, rasters,
                       fibre_plan, communes, service_before, service_after, lost)
    result.files = outputs.write_all(folder, result, dem)
    return result


def _engine_table(sc: Scenario, key: str) -> str:
    """The file the engine reads for inputs.villages / inputs.towers: the file itself, or, for a
    table with a sheet, column mapping or CRS (or a workbook), the CSV phusong.inputs.tables
    writes from it into the cache folder (named by the table's sha256 and options). Errors name
    the original file, row, column and value."""
    t = sc._tables.get(key)
    if t is None:
        return getattr(sc.inputs, key)
    import hashlib
    import json

    from .inputs import tables

    h = hashlib.sha256(Path(t.file).read_bytes())
    h.update(json.dumps([key, t.sheet, t.columns, t.crs, t.format], sort_keys=True, ensure_ascii=False).encode("utf-8"))
    out = datasets.cache_dir() / "tables" / f"{Path(t.file).stem}-{h.hexdigest()[:16]}.csv"
    out.parent.mkdir(parents=True, exist_ok=True)
    if t.format == "opencellid":
        if key != "towers":
            raise ScenarioError(f"{sc.path}: key 'inputs.{key}.format': opencellid is a towers format")
        from .inputs import opencellid

        # Rows of other countries' networks are skipped and listed (input_warnings.csv).
        sc._warnings += opencellid.convert(t.file, out).warnings
    elif t.format == "osm_towers":
        if key != "towers":
            raise ScenarioError(f"{sc.path}: key 'inputs.{key}.format': osm_towers is a towers format")
        from .inputs import osm

        sc._warnings += osm.towers_from_pois(t.file, out).warnings
    elif t.format == "osm_places":
        if key != "villages":
            raise ScenarioError(f"{sc.path}: key 'inputs.{key}.format': osm_places is a villages format")
        if not sc.inputs.communes:
            raise ScenarioError(f"{sc.path}: key 'inputs.villages.format': osm_places needs inputs.communes (the "
                                "census of 2019 is carried to the communes of 2025 and shared over their places)")
        from .inputs import osm

        sc._warnings += osm.villages_from_places(t.file, sc.inputs.communes, out, sc.inputs.commune_name_field).warnings
    elif not out.is_file():
        tables.normalise(t.file, out, "villages" if key == "villages" else "sites", columns=t.columns, crs=t.crs,
                         sheet=t.sheet)
    return str(out)


def input_files(sc: Scenario) -> list[str]:
    """Every file a run of `sc` reads (the scenario itself included)."""
    files = [str(sc.path)] if sc.path else []
    files += list(sc.inputs.dem) + [sc.inputs.villages, sc.inputs.towers]
    files += [f for f in (sc.inputs.admin, sc.inputs.clutter, sc.inputs.fibre, sc.inputs.power_grid,
                          sc.inputs.facilities, sc.inputs.roads, sc.inputs.rivers) if f]
    if sc.inputs.communes:
        c = Path(sc.inputs.communes)
        files += sorted(str(f) for f in c.iterdir() if f.is_file()) if c.is_dir() else [str(c)]
    if sc.inputs.clutter and sc.radio.clutter_classes != "worldcover":
        files.append(sc.radio.clutter_classes)
    files += [c for c in sc.planning.candidates if c not in CANDIDATE_KINDS]
    return files


def _summary(sc, villages, towers, broadband, cov, white, plan, fibre_plan=None) -> dict:
    pop = sum(v.population for v in villages)
    hh = sum(v.households for v in villages)
    white_pop = sum(villages[i].population for i in white)
    s = {
        "scenario": sc.name,
        "villages": len(villages),
        "population": pop,
        "households": hh,
        "towers": len(towers),
        "broadband_towers": len(broadband),
        "covered_villages": len(villages) - len(white),
        "white_villages": len(white),
        "white_population": white_pop,
        "covered_population_pct": 100.0 * (pop - white_pop) / pop if pop else math.nan,
        "threshold_dbm": sc.radio.threshold_dbm,
        "model": sc.radio.model,
        "input_warnings": len(sc._warnings),
    }
    if plan is not None:
        s.update({
            "proposed_sites": len(plan.chosen),
            "plan_method": plan.method,
            "plan_cost": plan.total_cost,
            "plan_bound": plan.bound,
            "plan_bound_unit": plan.bound_unit,
            "plan_gap": plan.gap,
            "plan_proven_optimal": plan.proven_optimal,
            "plan_cost_currency": plan.currency,
            "villages_covered_by_plan": sum(len(x) for x in plan.newly_covered),
            "population_covered_by_plan": plan.population_covered,
            "still_white_villages": len(plan.still_white),
            "uncoverable_villages": len(plan.uncoverable),
        })
        if plan.target is not None:
            tg = plan.target
            s.update({
                "plan_objective": "target",
                "target_pct": tg.target_pct,
                "target_of": tg.of,
                "target_reached": tg.reached,
                "target_after_pct": tg.after_pct,
                "target_reachable_pct": tg.reachable_pct,
                "full_cover_cost": tg.full_cost,
                "full_cover_sites": len(plan.chosen) if tg.full_sites is None else tg.full_sites,
                "extra_cost_target_to_full": tg.extra_cost_to_full,
            })
        if plan.agreement is not None:
            a = plan.agreement
            s["agreement_rule"] = a.rule
            for o, d in sorted(a.per_operator.items()):
                s[f"agreement_{o}_sites"] = len(d["sites"])
                s[f"agreement_{o}_villages"] = len(d["villages"])
                s[f"agreement_{o}_people_share"] = d.get("people_share")
                s[f"agreement_{o}_cost"] = d.get("cost")
        if plan.schedule is not None:
            sch = plan.schedule
            total = sum(v.population for v in villages)
            for y in sch.per_year:
                s[f"rollout_{y.year}_spent"] = y.spent
                s[f"rollout_{y.year}_sites"] = len(y.sites)
                s[f"rollout_{y.year}_covered_pct"] = 100.0 * (pop - white_pop + y.cumulative_people) / total \
                    if total else math.nan
            s["rollout_unscheduled_sites"] = len(sch.unscheduled)
            s["rollout_shortfall_cost"] = sch.shortfall_cost
            s["rollout_message"] = sch.message
        if plan.economics:
            tot = plan.fund["totals"]
            s["fund_request"] = tot["fund_request"]
            s["fund_sites"] = sum(1 for r in plan.economics if r.fund_request > 0)
            s["fund_viability_gap"] = tot["viability_gap"]
            s["fund_revenue_pv"] = tot["revenue_pv"]
            s["fund_operator_share"] = tot["operator_share"]
    if fibre_plan is not None:
        fp = fibre_plan
        s.update({
            "fibre_plan_cost": fp.total_cost,
            "fibre_plan_method": fp.method,
            "fibre_plan_bound": fp.total_bound,
            "fibre_plan_gap": fp.total_gap,
            "fibre_facilities_cost": fp.cost_facilities,
            "fibre_facilities_tree_objective": fp.tree_objective,
            "fibre_facilities_bound": fp.bound,
            "fibre_facilities_gap": fp.gap,
            "fibre_facilities_proven_optimal": fp.proven_optimal,
            "fibre_households_cost": fp.cost_households,
            "fibre_households_objective": fp.household_objective,
            "fibre_households_bound_given_facilities_tree": fp.household_bound,
            "fibre_households_gap_given_facilities_tree": fp.household_gap,
            "fibre_households_method": fp.household_method,
            "fibre_households_proven_optimal": fp.household_proven_optimal,
            "fibre_villages_unreachable": len(fp.village_reason),
            "fibre_equipment_cost": fp.cost_equipment,
            "fibre_new_route_km": fp.new_route_km,
            "fibre_olts": fp.olts,
            "fibre_cabinets": fp.cabinets,
            "fibre_splitters": fp.splitters,
            "fibre_households_target_pct": fp.household_target_pct,
            "fibre_households_before_pct": 100.0 * fp.households_before / fp.households_total
            if fp.households_total else math.nan,
            "fibre_households_after_pct": 100.0 * fp.households_after / fp.households_total
            if fp.households_total else math.nan,
            "fibre_facilities_unreachable": len(fp.facility_reason),
            "fibre_seconds": fp.seconds,
        })
        # 4G and fibre in one figure: the 4G sites' backhaul already uses the new routes.
        s["total_cost_4g_and_fibre"] = fp.total_cost + (plan.total_cost if plan is not None else 0.0)
    return s
