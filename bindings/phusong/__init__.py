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
    best_server,
    cost_distance,
    crs_wkt,
    delta_bullington,
    earth_bulge_m,
    evaluate_villages,
    free_space_loss_db,
    geodesic_distance_m,
    greedy_cover,
    link,
    models,
    path_loss_db,
    read_orlib_scp,
    read_sites,
    read_steinlib,
    read_villages,
    rsrp_dbm,
    site_raster,
    solve_cover,
    solve_steiner,
    transform,
    write_points,
    write_polygons,
    write_raster,
)
from .scenario import RunResult, Scenario, ScenarioError, load_scenario, run_scenario  # noqa: F401

__version__ = _core.__version__  # written once, in pyproject.toml
