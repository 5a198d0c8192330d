"""Type stubs of phusong._core (the compiled engine). Kept in step by tests/python/test_stubs.py."""

from collections.abc import Callable, Sequence
from typing import Any, Literal, overload

import numpy as np
import numpy.typing as npt

__version__: str  # from pyproject.toml, through CMake

class PhusongError(RuntimeError): ...
class InputError(PhusongError, ValueError): ...
class RangeError(InputError): ...

# geo
def crs_wkt(name: str) -> str: ...
def transform(x: npt.ArrayLike, y: npt.ArrayLike, src: str, dst: str) -> tuple[np.ndarray, np.ndarray]: ...
def geodesic_distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float: ...

# terrain
class Dem:
    def __init__(self, heights_m: npt.ArrayLike, geotransform: Sequence[float], crs: str = "WGS84") -> None: ...
    @staticmethod
    def open(paths: Sequence[str], window: tuple[int, int, int, int] | None = None) -> Dem:
        """window (col_off, row_off, cols, rows): only those cells read (a windowed DEM, same grid)."""
        ...
    @staticmethod
    def grid_of(paths: Sequence[str]) -> tuple[tuple[float, float, float, float, float, float], tuple[int, int]]: ...
    @property
    def loaded(self) -> tuple[int, int, int, int]: ...
    @property
    def heights_m(self) -> np.ndarray: ...
    @property
    def geotransform(self) -> tuple[float, float, float, float, float, float]: ...
    @property
    def shape(self) -> tuple[int, int]: ...
    @property
    def crs_wkt(self) -> str: ...
    @property
    def is_geographic(self) -> bool: ...
    @property
    def void_count(self) -> int: ...
    @property
    def sources(self) -> list[str]: ...
    @property
    def cell_size_m(self) -> float: ...
    def contains_lonlat(self, lon: float, lat: float) -> bool: ...
    def resampled(self, resolution_m: float, window: tuple[int, int, int, int] | None = None) -> Dem: ...
    def resampled_grid(self, resolution_m: float) -> tuple[tuple[float, float, float, float, float, float],
                                                           tuple[int, int]]: ...
    def elevation_m(self, x: npt.ArrayLike, y: npt.ArrayLike) -> np.ndarray: ...
    def elevation_at_lonlat_m(self, lon: npt.ArrayLike, lat: npt.ArrayLike) -> np.ndarray: ...
    def profile(self, lon1: float, lat1: float, lon2: float, lat2: float, spacing_m: float,
                k: float = ...) -> dict: ...

def earth_bulge_m(d1_m: float, d2_m: float, k: float = ...) -> float: ...

# radio
def models() -> list[dict[str, Any]]:
    """The propagation models the engine knows (radio::models()), in order, e.g.
    {'name': 'p1812', 'link': True, 'villages': True, 'raster': True, 'freq_mhz': (30.0, 6000.0),
    'description': ...}: the source of the CLI's --model choices, the scenario schema and the
    "unknown model 'x' (known: ...)" errors."""
    ...
def free_space_loss_db(distance_km: float, freq_mhz: float) -> float: ...
def rsrp_dbm(eirp_dbm: float, loss_db: float, bandwidth_mhz: float, rx_gain_dbi: float = 0.0) -> float: ...
def path_loss_db(distance_m: npt.ArrayLike, terrain_m: npt.ArrayLike, freq_mhz: float, tx_height_m: float,
                 rx_height_m: float, model: str = "p526", k: float = ...) -> dict: ...
def delta_bullington(d_km: npt.ArrayLike, h_m: npt.ArrayLike, hts_m_amsl: float, hrs_m_amsl: float,
                     freq_mhz: float, ae_km: float = 8495.0, vertical: bool = True) -> dict: ...

def link(d_km: npt.ArrayLike, h_m: npt.ArrayLike, model: str, freq_mhz: float, tx_height_m: float,
         rx_height_m: float, clutter_m: npt.ArrayLike | None = None, zone: Sequence[int] | None = None,
         k: float = ..., vertical: bool = True, time_pct: float = 50.0, location_pct: float = 50.0,
         situation_pct: float = 50.0, delta_n: float = 45.0, n0: float = 325.0, lat_deg: float = ...,
         itm_n0: float = 301.0, eps_r: float = 15.0, sigma_s_per_m: float = 0.005, climate: int = 5,
         environment: str = "open_rural", allow_extrapolation: bool = False) -> dict: ...

# radio: service math (SINR to spectral efficiency, CQI, noise, margin)
def attenuated_shannon(sinr_db: npt.ArrayLike, direction: str = "downlink", alpha: float | None = None,
                       sinr_min_db: float | None = None, thr_max_bps_hz: float | None = None) -> np.ndarray:
    """Spectral efficiency (bps/Hz) of the attenuated, truncated Shannon bound of 3GPP TR 36.942
    Annex A, with the shape of sinr_db: "downlink" alpha 0.6, SINR_MIN -10 dB, Thr_MAX 4.4;
    "uplink" 0.4, -10 dB, 2.0 (each overridable)."""
    ...
def cqi_table(name: str) -> list[float]:
    """The 16 efficiencies (bps/Hz) of "36.213-7.2.3-1", "36.213-7.2.3-2", "38.214-5.2.2.1-2",
    "38.214-5.2.2.1-3" or "38.214-5.2.2.1-4"; index = CQI, index 0 = 0."""
    ...
def cqi_efficiency(sinr_db: npt.ArrayLike, table: str, gap_db: float = 0.0) -> np.ndarray: ...
def cqi_index(sinr_db: npt.ArrayLike, table: str, gap_db: float = 0.0) -> np.ndarray:
    """The CQI (int32, 0..15) of the Shannon-gap rule: the highest CQI whose efficiency is at most
    log2(1 + SINR / 10^(gap_db/10)). NaN SINR is an InputError."""
    ...
def thermal_noise_dbm(bandwidth_hz: float, noise_figure_db: float, temperature_k: float = 290.0) -> float: ...
def location_margin_db(sigma_db: float, probability: float) -> float: ...
def building_entry_loss_db(freq_mhz: float, prob_pct: float = 50.0, building: str = "traditional",
                           elevation_deg: float = 0.0) -> float:
    """ITU-R P.2109 building entry loss (dB) not exceeded with probability prob_pct."""
    ...

# coverage (and the shared input types)
class Village:
    id: str
    name: str
    commune: str
    district: str
    lon: float
    lat: float
    population: float
    households: float
    radius_m: float
    row: int
    def __init__(self) -> None: ...

class Site:
    id: str
    operator: str
    technologies: str
    lon: float
    lat: float
    height_m: float
    freq_mhz: float
    eirp_dbm: float
    bandwidth_mhz: float
    kind: str
    row: int
    @property
    def directional(self) -> bool: ...
    def __init__(self) -> None: ...
    def set_antenna(self, kind: str, azimuth_deg: float = 0.0, downtilt_deg: float = 0.0) -> None: ...

_Pol = Literal["vertical", "horizontal"]

class CoverageParams:
    """Parameters of evaluate_villages (coverage::CoverageParams). The defaults are the C++
    header's: CoverageParams() default-constructs the struct; keywords set fields by name (an
    unknown name is an InputError listing the valid ones)."""
    model: str
    radius_km: float
    rx_height_m: float
    k_factor: float
    spacing_m: float
    threshold_dbm: float
    rx_gain_dbi: float
    threads: int
    pol: _Pol
    time_pct: float
    location_pct: float
    situation_pct: float
    delta_n: float
    n0: float
    itm_n0: float
    eps_r: float
    sigma_s_per_m: float
    climate: int
    def __init__(self, **kwargs: Any) -> None: ...

class RasterParams:
    """Parameters of site_raster and best_server (coverage::RasterParams). The defaults are the
    C++ header's; keywords set fields by name (InputError for an unknown one); the former names
    k, itm_eps_r, itm_sigma_s_per_m, itm_pol, itm_climate, itm_time_pct, itm_location_pct and
    itm_situation_pct are accepted as keywords."""
    model: str
    radius_km: float
    rx_height_m: float
    k_factor: float
    curvature_coeff: float
    pol: _Pol
    time_pct: float
    location_pct: float
    situation_pct: float
    delta_n: float
    n0: float
    itm_n0: float
    eps_r: float
    sigma_s_per_m: float
    climate: int
    itm_dh_anchor_spacing: int
    itm_dh_rel_tolerance: float
    ray_spacing_m: float
    ray_gap_m: float
    threads: int
    sinr: bool
    sinr_load: float
    ue_noise_figure_db: float
    mimo_layers: int
    overhead: float
    def __init__(self, **kwargs: Any) -> None: ...

class Links:
    """The evaluated village-site paths: one NumPy array per field; links["rsrp_dbm"] also works."""
    village: np.ndarray
    site: np.ndarray
    distance_km: np.ndarray
    loss_db: np.ndarray
    rsrp_dbm: np.ndarray
    line_of_sight: np.ndarray
    void_samples: np.ndarray
    antenna_attenuation_db: np.ndarray
    clutter_loss_db: np.ndarray
    def keys(self) -> list[str]: ...
    def __getitem__(self, name: str) -> np.ndarray: ...
    def __contains__(self, name: object) -> bool: ...

class VillageCoverage:
    """The result of evaluate_villages; r["covered"] also works."""
    links: Links
    best_rsrp_dbm: np.ndarray
    best_site: np.ndarray
    servers: np.ndarray
    covered: np.ndarray
    def keys(self) -> list[str]: ...
    def __getitem__(self, name: str) -> Any: ...
    def __contains__(self, name: object) -> bool: ...

class SiteRaster:
    """The result of site_raster (values: rows x cols float32, NaN = no value); r["values"] also works."""
    values: np.ndarray
    geotransform: tuple[float, float, float, float, float, float]
    void_cells: int
    def keys(self) -> list[str]: ...
    def __getitem__(self, name: str) -> Any: ...
    def __contains__(self, name: object) -> bool: ...

class Composite:
    """The result of best_server; r["server"] also works."""
    best_rsrp_dbm: np.ndarray
    server: np.ndarray
    n_servers: np.ndarray
    geotransform: tuple[float, float, float, float, float, float]
    sinr_db: np.ndarray | None
    throughput_mbps: np.ndarray | None
    def keys(self) -> list[str]: ...
    def __getitem__(self, name: str) -> Any: ...
    def __contains__(self, name: object) -> bool: ...

def evaluate_villages(dem: Dem, villages: Sequence[Village], sites: Sequence[Site],
                      params: CoverageParams | None = None, progress: Callable[[int, int], None] | None = None,
                      clutter: Dem | None = None, clutter_classes: str = "worldcover",
                      **kwargs: Any) -> VillageCoverage:
    """Signal at each village from every site within radius_km. `params` and/or CoverageParams
    fields as keywords (k for k_factor accepted); defaults CoverageParams()'s."""
    ...

def site_raster(dem: Dem, site: Site, params: RasterParams | None = None,
                progress: Callable[[int, int], None] | None = None, **kwargs: Any) -> SiteRaster:
    """Path loss (dB; los: 1/0) of one site over the DEM grid within radius_km. `params` and/or
    RasterParams fields as keywords; defaults RasterParams()'s."""
    ...
def best_server(dem: Dem, sites: Sequence[Site], threshold_dbm: float = -110.0, params: RasterParams | None = None,
                progress: Callable[[int, int], None] | None = None, window: tuple[int, int, int, int] | None = None,
                **kwargs: Any) -> Composite:
    """Best-server RSRP composite of many sites. `params` and/or RasterParams fields as keywords;
    `window` (col_off, row_off, cols, rows): only those cells of the grid (default the loaded ones)."""
    ...

# planning
def greedy_cover(sets: Sequence[Sequence[int]], cost: Sequence[float], weight: Sequence[float],
                 budget: float = ...) -> dict: ...

class SolveOptions:
    """Options of solve_cover (planning::SolveOptions). The defaults are the C++ header's;
    keywords set fields by name (InputError for an unknown one)."""
    budget: float
    target_weight: float
    time_limit_s: float
    threads: int
    seed: int
    local_iterations: int
    lagrangian_iterations: int
    relative_gap: float
    warm_start: bool
    log: bool
    def __init__(self, **kwargs: Any) -> None: ...

class SolveStatus:
    """The outcome of a solve; a status equals its name (SolveStatus.optimal == "optimal") and
    str() gives the name."""
    optimal: SolveStatus
    feasible: SolveStatus
    partial: SolveStatus
    infeasible: SolveStatus
    no_solution: SolveStatus
    @property
    def name(self) -> str: ...
    @property
    def value(self) -> int: ...

class SolveResult:
    """The outcome of one solve, read by attribute (r.status is a SolveStatus) or by name as the
    former dict (r["status"] is the status's name)."""
    method: str
    status: SolveStatus
    chosen: list[int]
    cost: float
    covered_weight: float
    objective: float
    bound: float
    gap: float
    proven_optimal: bool
    seconds: float
    uncovered: list[int]
    uncoverable: list[int]
    def keys(self) -> list[str]: ...
    def __getitem__(self, name: str) -> Any: ...
    def __contains__(self, name: object) -> bool: ...

def solve_cover(sets: Sequence[Sequence[int]], cost: Sequence[float], weight: Sequence[float], method: str = "local",
                group: Sequence[int] = ..., required: Sequence[int] = ..., params: SolveOptions | None = None,
                **kwargs: Any) -> SolveResult:
    """Set cover, with a finite budget budgeted maximal covering, or with target_weight > 0 partial
    cover. `params` and/or SolveOptions fields as keywords (budget, target_weight, time_limit_s,
    threads, seed, ...); defaults SolveOptions()'s."""
    ...
def read_orlib_scp(path: str) -> dict: ...
def solve_milp(objective: npt.ArrayLike, row_start: npt.ArrayLike, column: npt.ArrayLike,
               value: npt.ArrayLike, row_lb: npt.ArrayLike, row_ub: npt.ArrayLike,
               col_lb: npt.ArrayLike, col_ub: npt.ArrayLike, integer: npt.ArrayLike, *,
               sense: str = "min", time_limit_s: float = 60.0, relative_gap: float = 1e-9,
               start: npt.ArrayLike | None = None, threads: int = 1) -> dict:
    """A mixed-integer program with CBC: min/max objective.x s.t. row_lb <= A x <= row_ub (A in
    compressed rows), col_lb <= x <= col_ub, `integer` columns integral. Returns status, x,
    objective, bound, gap, proven_optimal, seconds (phusong.plan.milp.Milp builds the arrays)."""
    ...

# fibre
def cost_moves() -> list[tuple[int, int]]:
    """The 16 moves (drow, dcol) of cost_distance, in the order tried: W, E, N, S, NW, NE, SE, SW,
    then the knight's moves NNW, NNE, SSE, SSW, WNW, ENE, ESE, WSW (r.cost's order); backlink
    values index this list."""
    ...

class CostDistance:
    """Accumulated least cost from the nearest source over a cost raster (fibre::CostDistance).
    The rasters are read-only (rows, cols) views of the engine's memory (no copies)."""
    @property
    def accumulated(self) -> np.ndarray:
        """float64: least accumulated cost (cost_per_m x metres) from the nearest source; NaN unreached."""
    @property
    def backlink(self) -> np.ndarray:
        """int8: index into cost_moves() of the move entering the cell on its least-cost path (the
        predecessor is the cell minus that move); -1 at a source, -2 unreached."""
    @property
    def source_index(self) -> np.ndarray:
        """int32: index of the source each cell is reached from; -1 unreached."""
    @property
    def sources(self) -> np.ndarray:
        """(n, 2) int32: the sources as (row, col)."""
    @property
    def reached(self) -> int: ...
    @property
    def shape(self) -> tuple[int, int]: ...
    def path(self, row: int, col: int) -> np.ndarray:
        """(n, 2) int32 (row, col): the least-cost path from this cell back to its source, both
        included. InputError when the cell is outside the grid or unreached."""
    def path_xy(self, row: int, col: int) -> np.ndarray:
        """(n, 2) float64: the path's cell centres in the raster's CRS (x, y)."""
    def path_lonlat(self, row: int, col: int) -> np.ndarray:
        """(n, 2) float64: the path's cell centres in WGS84 (lon, lat)."""

def cost_distance(cost_per_m: npt.ArrayLike, geotransform: Sequence[float], crs_wkt: str = "",
                  sources: npt.ArrayLike | None = None, sources_lonlat: npt.ArrayLike | None = None,
                  knight: bool = True, max_cost: float = ...,
                  progress: Callable[[int, int], None] | None = None) -> CostDistance:
    """Least accumulated cost from the nearest source over a raster of cost per metre of cable,
    as GRASS r.cost -k: 8 neighbours + 8 knight's moves (knight=False: 8), a move costs its length
    in metres times the mean cost of the cells it crosses (2, or 4 for a knight's move); NaN cells
    are impassable and block the moves that cross them. cost_per_m: 2-D float32/float64 (finite
    >= 0 or NaN). crs_wkt "" means planar metres; geographic grids are converted to metres row by
    row. Give sources as (n, 2) (row, col) or sources_lonlat as (n, 2) (lon, lat). Ties: least
    cost, then lowest row-major index; the first predecessor at the least cost is kept. The GIL
    is released; progress(done, total) every 65,536 settled cells."""
    ...

class SteinerOptions:
    """Options of solve_steiner (fibre::SteinerOptions). The defaults are the C++ header's;
    keywords set fields by name (InputError for an unknown one)."""
    time_limit_s: float
    threads: int
    relative_gap: float
    heuristic_roots: int
    max_moves: int
    warm_start: bool
    reduce: bool
    log: bool
    def __init__(self, **kwargs: Any) -> None: ...

class SteinerProblem:
    """An undirected graph with edge costs and terminals; nodes 0-based (fibre::SteinerProblem)."""
    n_nodes: int
    edge_u: list[int]
    edge_v: list[int]
    edge_cost: list[float]
    terminals: list[int]
    """Distinct; the first is the exact solve's root (and decides which terminals are reachable)."""
    name: str
    declared_optimum: float
    """The optimum the file declares ("Optimal" line), NaN when absent; never used by the solvers."""
    def __init__(self, n_nodes: int, edge_u: Sequence[int], edge_v: Sequence[int], edge_cost: Sequence[float],
                 terminals: Sequence[int], name: str = "") -> None: ...

class SteinerResult:
    """The outcome of one Steiner solve, read by attribute or by name (r["status"] is the name)."""
    method: str
    status: SolveStatus
    edges: list[int]
    """Indices of the tree's edges into the problem's edge lists, ascending."""
    nodes: list[int]
    cost: float
    bound: float
    """A proven lower bound on the least cost (heuristic: the largest of Wong's dual ascent, Mehlhorn's
    distance-network MST / (2 (1 - 1/|T|)) and the farthest terminal from the root; exact: raised by
    the LP and branch and bound)."""
    gap: float
    proven_optimal: bool
    seconds: float
    unreachable_terminals: list[int]
    """Terminals not connected to the first one: left out of the tree, status partial."""
    cut_rounds: int
    cuts: int
    reduced_nodes: int
    reduced_edges: int
    def keys(self) -> list[str]: ...
    def __getitem__(self, name: str) -> Any: ...
    def __contains__(self, name: object) -> bool: ...

@overload
def solve_steiner(problem: SteinerProblem, method: str = "heuristic", params: SteinerOptions | None = None,
                  **kwargs: Any) -> SteinerResult: ...
@overload
def solve_steiner(n_nodes: int, edge_u: Sequence[int], edge_v: Sequence[int], edge_cost: Sequence[float],
                  terminals: Sequence[int], method: str = "heuristic", params: SteinerOptions | None = None,
                  **kwargs: Any) -> SteinerResult: ...
def solve_steiner(*args: Any, **kwargs: Any) -> SteinerResult:
    """Least-cost Steiner tree joining the terminals: method "heuristic" (shortest-path heuristic
    from several roots, MST + pruning, key-path exchange, key-vertex elimination, vertex insertion)
    or "exact" (directed-cut MILP through CBC within time_limit_s: reduced-cost fixing from dual
    ascents, the LP started from the ascent's cuts, max-flow separation, then branch and bound
    warm-started with the heuristic). `params` and/or SteinerOptions fields as keywords. The GIL is
    released."""
    ...
def read_steinlib(path: str) -> SteinerProblem:
    """Reads an undirected SteinLib STP file (nodes become 0-based); InputError names the file,
    the line and the value."""
    ...

# fibre: the routing surface and graph of a fibre plan
def slope_deg(heights_m: npt.ArrayLike, geotransform: Sequence[float], crs_wkt: str = "") -> np.ndarray:
    """float32 (rows, cols): slope in degrees by Horn's 3 x 3 method as gdaldem slope, cell sizes in
    metres (geographic grids row by row); neighbours outside the grid or void take the centre's
    height (gdaldem -compute_edges); NaN at voids. The GIL is released."""
    ...
def rasterize_lines(lines_wkb: Sequence[bytes], geotransform: Sequence[float], rows: int, cols: int,
                    crs_wkt: str = "", what: str = "lines") -> np.ndarray:
    """uint8 (rows, cols): 1 in the cells the WGS84 (Multi)LineStrings cross (walked every quarter
    cell), transformed to crs_wkt. Another geometry type is an InputError naming `what`."""
    ...

class SurfaceOptions:
    """Options of routing_surface (fibre::SurfaceOptions); keywords set fields by name."""
    base_cost_per_m: float
    slope_factor: float
    max_slope_deg: float
    road_factor: float
    power_factor: float
    river_factor: float
    def __init__(self, **kwargs: Any) -> None: ...

def routing_surface(heights_m: npt.ArrayLike, geotransform: Sequence[float], crs_wkt: str = "",
                    road: npt.ArrayLike | None = None, power: npt.ArrayLike | None = None,
                    river: npt.ArrayLike | None = None, landcover_factor: npt.ArrayLike | None = None,
                    params: SurfaceOptions | None = None, **kwargs: Any) -> np.ndarray:
    """float32 (rows, cols): cost per metre of cable = base x (1 + slope_factor tan(slope)) x
    land-cover factor; roads min(., base x road_factor); power grid min(., base x power_factor);
    rivers not on a road x river_factor; NaN impassable (voids, slope > max_slope_deg, NaN land
    cover). The GIL is released."""
    ...

class RoutingGraph:
    """A graph over a cost raster for Steiner trees: lattice nodes (row-major), then the points."""
    problem: SteinerProblem
    lattice_rows: int
    lattice_cols: int
    stride: int
    point_node: list[int]
    @property
    def n_nodes(self) -> int: ...
    @property
    def edge_u(self) -> np.ndarray: ...
    @property
    def edge_v(self) -> np.ndarray: ...
    @property
    def edge_cost(self) -> np.ndarray: ...
    @property
    def edge_length_m(self) -> np.ndarray: ...
    @property
    def node_x(self) -> np.ndarray: ...
    @property
    def node_y(self) -> np.ndarray: ...

def routing_graph(cost_per_m: npt.ArrayLike, geotransform: Sequence[float], crs_wkt: str = "", stride: int = 10,
                  x: Sequence[float] = ..., y: Sequence[float] = ..., point_links: int = 4) -> RoutingGraph:
    """A node every `stride` cells with its 8 neighbours and 8 knight's moves; an edge costs its
    length in metres times the mean cost per metre sampled along it (left out if impassable); each
    point (x, y in the grid's CRS) is a node joined to the cheapest point_links lattice nodes within
    1.5 strides. The GIL is released."""
    ...

class GrowResult:
    """The outcome of grow_tree."""
    order: list[int]
    step_cost: list[float]
    step_edges: list[list[int]]
    unreachable: list[int]
    target_steps: int
    target_cost: float
    target_bound: float

def grow_tree(graph: SteinerProblem, tree_nodes: Sequence[int], terminals: Sequence[int], prize: Sequence[float],
              extra_cost: Sequence[float], target_prize: float, complete: bool = True,
              progress: Callable[[int, int], None] | None = None) -> GrowResult:
    """Joins optional terminals to a tree one at a time, least (distance + extra_cost) / prize first,
    until the prize reaches target_prize (complete=True: every reachable one); target_bound is a
    proven lower bound on reaching the target (disjoint balls, fractional knapsack). The GIL is
    released."""
    ...

class QuotaResult:
    """The outcome of solve_quota_tree."""
    status: SolveStatus
    chosen: list[int]
    edges: list[int]
    cost: float
    prize: float
    bound: float
    gap: float
    proven_optimal: bool
    seconds: float
    cut_rounds: int
    cuts: int
    model_nodes: int
    model_arcs: int
    def __getitem__(self, key: str) -> Any: ...
    def keys(self) -> list[str]: ...

def solve_quota_tree(graph: SteinerProblem, tree_nodes: Sequence[int], terminals: Sequence[int],
                     prize: Sequence[float], extra_cost: Sequence[float], target_prize: float,
                     start_terminals: Sequence[int] = ..., start_edges: Sequence[int] = ...,
                     start_bound: float = 0.0, time_limit_s: float = 60.0, threads: int = 1,
                     relative_gap: float = 1e-9, log: bool = False) -> QuotaResult:
    """The household stage exactly: the least-cost set of optional terminals whose prize reaches
    target_prize, joined to the tree of tree_nodes (quota Steiner tree, directed-cut MILP through
    CBC, warm-started with start_terminals/start_edges; bound from start_bound, the LP — which may
    use the whole time limit — and branch and bound). The GIL is released."""
    ...

class Gpon:
    """OLT cabinets on a tree."""
    cabinets: list[int]
    olt_of: list[int]
    @property
    def optical_m(self) -> np.ndarray: ...

def gpon_cabinets(graph: SteinerProblem, edge_length_m: Sequence[float], tree_edges: Sequence[int],
                  roots: Sequence[int], demand_nodes: Sequence[int], reach_m: float = 20000.0) -> Gpon:
    """The least number of OLT cabinets on a tree rooted at `roots` so that every demand node is
    within reach_m along the tree of an OLT upstream (greedy bottom-up, optimal on a tree)."""
    ...

# io
def read_villages(path: str) -> list[Village]: ...
def read_sites(path: str, default_bandwidth_mhz: float = 10.0) -> list[Site]: ...
def read_geometries(path: str) -> list[tuple[int, bytes]]:
    """Every geometry of a vector file's first layer, in WGS84, as (feature number, WKB bytes);
    features without a geometry are skipped. InputError names the file."""
    ...
def limits() -> dict[str, tuple[float, float, bool, bool, str]]:
    """The documented physical ranges of the inputs: name -> (lo, hi, lo_open, hi_open, unit),
    e.g. 'site.height_m' -> (0, 500, True, False, 'm'); 'model.p526.freq_mhz' -> the model's
    frequency range."""
    ...
def known_technologies() -> list[str]:
    """The canonical technology names, ['2G', '3G', '4G', '5G'], that read_sites normalises a
    site's technologies field to (aliases GSM, UMTS/WCDMA/HSPA, LTE, NR/5G NR accepted)."""
    ...
def write_raster(path: str, bands: list[tuple], geotransform: Sequence[float], crs: str) -> None: ...
def write_polygons(path: str, driver: str, mask: npt.ArrayLike, geotransform: Sequence[float], crs: str,
                   layer: str = "coverage", field: str = "value") -> None: ...
def write_points(path: str, driver: str, crs: str, lon: npt.ArrayLike, lat: npt.ArrayLike,
                 fields: list[tuple], layer: str, wkb: Sequence[bytes] | None = None,
                 styles: Sequence[str] | None = None) -> None:
    """Writes WGS84 points (or WKB geometries) with attributes, reprojected to `crs`, atomically;
    `styles`: OGR style strings per feature (LIBKML keeps them; a field 'name' names the KML
    placemarks); empty strings and non-finite reals are NULL in every format."""
    ...
