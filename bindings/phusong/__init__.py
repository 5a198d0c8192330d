"""phusong (phủ sóng, "to cover with signal"): rural 4G/5G coverage planning.

The compiled engine lives in :mod:`phusong._core`; this package adds the scenario runner,
the CLI, the data registry and the outputs.

Example:
    >>> import phusong
    >>> result = phusong.run_scenario("scenarios/demo-n21e105.yaml", out_dir="out/demo")
    >>> result.summary["white_villages"]
"""

from . import _core
from ._core import (  # noqa: F401
    Composite,
    CostDistance,
    CoverageParams,
    Dem,
    InputError,
    PhusongError,
    RangeError,
    RasterParams,
    Site,
    SiteRaster,
    SolveOptions,
    SolveResult,
    SolveStatus,
    SteinerOptions,
    SteinerProblem,
    SteinerResult,
    Village,
    VillageCoverage,
    attenuated_shannon,
    best_server,
    building_entry_loss_db,
    cost_distance,
    cqi_efficiency,
    cqi_index,
    cqi_table,
    crs_wkt,
    delta_bullington,
    earth_bulge_m,
    evaluate_villages,
    free_space_loss_db,
    geodesic_distance_m,
    greedy_cover,
    link,
    location_margin_db,
    models,
    path_loss_db,
    read_orlib_scp,
    read_sites,
    read_steinlib,
    read_villages,
    rsrp_dbm,
    site_raster,
    solve_cover,
    solve_milp,
    solve_steiner,
    thermal_noise_dbm,
    transform,
    write_points,
    write_polygons,
    write_raster,
)

__version__ = _core.__version__  # written once, in pyproject.toml

# The scenario layer (pydantic, PyYAML) is imported on first use, so that `import phusong` and
# every CLI command that does not run a scenario start quickly (the engine alone imports in ~0.07 s).
_SCENARIO_NAMES = ("RunResult", "Scenario", "ScenarioError", "load_scenario", "run_scenario")


def __getattr__(name: str):
    if name in _SCENARIO_NAMES:
        from . import scenario

        return getattr(scenario, name)
    raise AttributeError(f"module 'phusong' has no attribute '{name}'")


def __dir__() -> list[str]:
    return sorted(list(globals()) + list(_SCENARIO_NAMES))
