"""Scenarios: one YAML file describes inputs, radio parameters, planning and outputs.

The same file runs from the CLI (``phusong run scenario.yaml``) and from Python
(:func:`run_scenario`). Validation happens before anything is computed or written: an unknown
key, a wrong type or a missing file stops the run with a message that names the key or file.
Data flows one way: scenario -> inputs -> coverage -> white villages -> plan -> outputs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Literal, Optional

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from . import _core, datasets

Progress = Callable[[str, int, int], None]
"""progress(step, done, total): called during long steps."""


class ScenarioError(_core.InputError):
    """A scenario file that cannot be run: names the file and the key or file that is wrong."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False)


class Inputs(_Strict):
    dem: list[str] = Field(min_length=1, description="DEM files (data:NAME or paths)")
    villages: str
    towers: str

    @field_validator("dem", mode="before")
    @classmethod
    def _one_or_many(cls, v):
        return [v] if isinstance(v, str) else v


class Radio(_Strict):
    model: Literal["fspl", "p526"] = "p526"
    rx_height_m: float = Field(1.5, gt=0, le=100)
    k_factor: float = Field(4.0 / 3.0, gt=0)
    radius_km: float = Field(20.0, gt=0, le=200)
    threshold_dbm: float = Field(-110.0, ge=-160, le=0)
    bandwidth_mhz: float = Field(10.0, gt=0, le=400)
    profile_spacing_m: float = Field(0.0, ge=0, description="0 = the DEM cell size")
    technologies: list[str] = Field(default_factory=lambda: ["4G", "5G"], min_length=1)


class Planning(_Strict):
    enabled: bool = True
    candidates: str = Field("grid", description="'grid' or a file of candidate sites")
    grid_spacing_km: float = Field(3.0, gt=0)
    height_m: float = Field(40.0, gt=0, le=300)
    freq_mhz: float = Field(1800.0, gt=0)
    eirp_dbm: float = Field(60.0)
    operator: str = "new"
    cost_per_site: float = Field(1.0, gt=0)
    budget: Optional[float] = Field(None, gt=0)
    objective: Literal["villages", "population", "households"] = "villages"


class Outputs(_Strict):
    dir: str = "out"
    crs: str = "WGS84"
    formats: list[Literal["shapefile", "gpkg", "geojson"]] = Field(default_factory=lambda: ["shapefile"])


class Scenario(_Strict):
    name: str
    description: str = ""
    inputs: Inputs
    radio: Radio = Field(default_factory=Radio)
    planning: Planning = Field(default_factory=Planning)
    outputs: Outputs = Field(default_factory=Outputs)
    threads: int = Field(0, ge=0)
    path: Optional[Path] = Field(None, exclude=True)

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
            lines.append(f"{path}: key '{loc}': {e['msg']} (got {e.get('input')!r})")
    return "\n".join(lines)


def load_scenario(path: str | Path) -> Scenario:
    """Reads and validates a scenario file; checks that every input file exists."""
    path = Path(path)
    if not path.is_file():
        raise ScenarioError(f"scenario file '{path}' not found")
    try:
        with open(path, encoding="utf-8") as f:
            raw = yaml.safe_load(f)
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise ScenarioError(f"{path}: a scenario is a YAML mapping, got {type(raw).__name__}")
    try:
        sc = Scenario.model_validate(raw)
    except ValidationError as exc:
        raise ScenarioError(_format_error(path, exc)) from None
    sc.path = path.resolve()
    _resolve_inputs(sc)
    return sc


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

    sc.inputs.dem = [one(f"inputs.dem.{i}", d) for i, d in enumerate(sc.inputs.dem)]
    sc.inputs.villages = one("inputs.villages", sc.inputs.villages)
    sc.inputs.towers = one("inputs.towers", sc.inputs.towers)
    if sc.planning.enabled and sc.planning.candidates != "grid":
        sc.planning.candidates = one("planning.candidates", sc.planning.candidates)
    try:
        _core.crs_wkt(sc.outputs.crs)
    except _core.InputError as exc:
        raise ScenarioError(f"{sc.path}: key 'outputs.crs': {exc}") from None


@dataclass
class RunResult:
    """What a run produced: tables as NumPy arrays / lists, and the files written."""

    scenario: Scenario
    villages: list
    towers: list
    coverage: dict
    white: list[int]
    plan: Optional[dict]
    candidates: list
    summary: dict
    files: list[Path] = field(default_factory=list)


def _broadband(site: _core.Site, techs: list[str]) -> bool:
    have = {t.strip().upper() for t in site.technologies.replace(",", ";").split(";") if t.strip()}
    return bool(have & {t.upper() for t in techs})


def run_scenario(path: str | Path | Scenario, out_dir: str | Path | None = None,
                 progress: Optional[Progress] = None, threads: Optional[int] = None) -> RunResult:
    """Runs a scenario: inputs -> coverage -> white villages -> plan -> outputs.

    Args:
        path: the scenario YAML (or an already loaded :class:`Scenario`).
        out_dir: output folder (default: the scenario's ``outputs.dir``, relative to the
            scenario file).
        progress: optional callback ``progress(step, done, total)``.
        threads: overrides the scenario's thread count (results do not depend on it).
    """
    from . import outputs, planner  # noqa: PLC0415

    sc = path if isinstance(path, Scenario) else load_scenario(path)
    if threads is not None:
        sc.threads = threads
    out = (Path(out_dir) if out_dir is not None else sc.base_dir / sc.outputs.dir).resolve()

    def step(name: str):
        if progress is None:
            return None
        return lambda done, total: progress(name, done, total)

    dem = _core.Dem.open(sc.inputs.dem)
    villages = _core.read_villages(sc.inputs.villages)
    towers = _core.read_sites(sc.inputs.towers, sc.radio.bandwidth_mhz)
    for kind, items, fname in (("village", villages, sc.inputs.villages), ("tower", towers, sc.inputs.towers)):
        for it in items:
            if not dem.contains_lonlat(it.lon, it.lat):
                raise _core.InputError(
                    f"{fname}: row {it.row} ({kind} id '{it.id}'): point ({it.lon}, {it.lat}) "
                    f"lies outside the DEM ({', '.join(Path(p).name for p in sc.inputs.dem)})")
    broadband = [t for t in towers if _broadband(t, sc.radio.technologies)]
    r = sc.radio
    cov = _core.evaluate_villages(
        dem, villages, broadband, model=r.model, radius_km=r.radius_km, rx_height_m=r.rx_height_m,
        threshold_dbm=r.threshold_dbm, k=r.k_factor, spacing_m=r.profile_spacing_m,
        threads=sc.threads, progress=step("coverage"))
    white = [i for i, c in enumerate(cov["covered"]) if not c]

    plan = None
    candidates: list = []
    if sc.planning.enabled and white:
        candidates, plan = planner.plan(dem, sc, villages, white, step("planning"))

    summary = _summary(sc, villages, towers, broadband, cov, white, plan)
    files = outputs.write_all(out, sc, dem, villages, broadband, cov, white, candidates, plan, summary)
    return RunResult(sc, villages, broadband, cov, white, plan, candidates, summary, files)


def _summary(sc, villages, towers, broadband, cov, white, plan) -> dict:
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
    }
    if plan is not None:
        s.update({
            "proposed_sites": len(plan["chosen"]),
            "plan_cost": plan["total_cost"],
            "villages_covered_by_plan": sum(len(x) for x in plan["newly_covered"]),
            "population_covered_by_plan": plan["population_covered"],
            "still_white_villages": len(plan["still_white"]),
            "uncoverable_villages": len(plan["uncoverable"]),
        })
    return s
