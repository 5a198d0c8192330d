"""The ``phusong`` command line (click for parsing, tqdm for progress bars)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__, _core


class _Bars:
    """progress(step, done, total) drawing one tqdm bar per step."""

    def __init__(self, enabled: bool, unit: str = "item", units: dict | None = None):
        self.enabled = enabled
        self.unit = unit
        self.units = units or {}  # per step, when steps count different things
        self.bars: dict = {}
        self.closed: set = set()

    def __call__(self, step: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        from tqdm import tqdm

        if step in self.closed:
            return
        bar = self.bars.get(step)
        if bar is None:
            bar = self.bars[step] = tqdm(total=total, desc=step, unit=self.units.get(step, self.unit), file=sys.stderr,
                                          leave=True)
        bar.update(done - bar.n)
        if done >= total:
            bar.close()
            self.closed.add(step)

    def close(self) -> None:
        for step, b in self.bars.items():
            if step not in self.closed:
                b.close()
                self.closed.add(step)


def _model_names(use: str) -> list[str]:
    """The engine's models serving `use` ("link", "villages" or "raster"), from _core.models()."""
    return [m["name"] for m in _core.models() if m[use]]


_RASTER = _core.RasterParams()  # the engine's defaults, shown in the help (the options default to None)


def _default(value) -> str:
    return f" [default: {value:g}]" if isinstance(value, float) else f" [default: {value}]"


def _given(**options) -> dict:
    """The options the user gave (not None): the rest keep the engine's defaults."""
    return {k: v for k, v in options.items() if v is not None}


def _radio_options(f):
    """The model settings shared by `phusong link` and `phusong coverage` (radio::PropagationParams)."""
    d = _RASTER
    options = [
        click.option("--k-factor", type=float, default=None, help="Effective earth radius factor." + _default(d.k_factor)),
        click.option("--pol", type=click.Choice(["vertical", "horizontal"]), default=None,
                     help="Polarisation (p526, P.1812, ITM)." + _default(d.pol)),
        click.option("--time-pct", type=float, default=None, help="P.1812 p / ITM time." + _default(d.time_pct)),
        click.option("--location-pct", type=float, default=None,
                     help="P.1812 pL / ITM location (no effect on ITM: mode of variability 12)." + _default(d.location_pct)),
        click.option("--situation-pct", type=float, default=None, help="ITM situation." + _default(d.situation_pct)),
        click.option("--delta-n", type=float, default=None, help="P.1812 ΔN (N-units/km)." + _default(d.delta_n)),
        click.option("--n0", type=float, default=None, help="P.1812 N0 (N-units)." + _default(d.n0)),
        click.option("--itm-n0", type=float, default=None, help="ITM surface refractivity." + _default(d.itm_n0)),
        click.option("--eps-r", type=float, default=None, help="ITM ground permittivity." + _default(d.eps_r)),
        click.option("--sigma-s-per-m", type=float, default=None,
                     help="ITM ground conductivity." + _default(d.sigma_s_per_m)),
        click.option("--climate", type=click.IntRange(1, 7), default=None,
                     help="ITM radio climate." + _default(d.climate)),
    ]
    for o in reversed(options):
        f = o(f)
    return f


@click.group()
@click.version_option(__version__, prog_name="phusong")
def main() -> None:
    """phusong (phủ sóng): rural 4G/5G coverage planning."""


@main.command()
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default: the scenario's outputs.dir).")
@click.option("--threads", type=click.IntRange(min=0), default=None, help="Threads (0 = all cores).")
@click.option("--quiet", is_flag=True, help="No progress bars.")
@click.option("--dask", "dask_address", metavar="ADDRESS", default=None,
              help="Run the coverage and raster work on a Dask distributed cluster: local, local:N (a LocalCluster "
                   "of N process workers) or a scheduler address (tcp://host:8786). Same results as without.")
def run(scenario: Path, out_dir: Path | None, threads: int | None, quiet: bool, dask_address: str | None) -> None:
    """Run SCENARIO (a YAML file): coverage, white villages, plan, outputs."""
    import signal

    from .scenario import load_scenario, run_scenario

    def _terminate(signum, frame):  # SIGTERM as Ctrl-C: the staging folder is removed, outputs kept
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _terminate)
    bars = _Bars(enabled=not quiet, unit="village", units={"fibre": "step", "rasters": "site"})
    executor = None
    try:
        target = scenario
        if dask_address is not None:
            from .distributed import connect

            target = load_scenario(scenario)
            executor = connect(dask_address, target.inputs.dem, target.inputs.clutter)
            click.echo(f"dask: {len(executor.client.scheduler_info().get('workers', {}))} workers; dashboard "
                       f"{executor.dashboard_link or '-'}", err=True)
        result = run_scenario(target, out_dir=out_dir, progress=bars, threads=threads, dask=executor)
    except (_core.PhusongError, OSError) as exc:
        bars.close()
        raise click.ClickException(str(exc)) from None
    except KeyboardInterrupt:
        bars.close()
        click.echo("interrupted: the output folder was left as it was", err=True)
        sys.exit(130)
    finally:
        if executor is not None:
            executor.close()
    bars.close()
    if executor is not None:
        click.echo(f"dask: {executor.tasks_run} tasks", err=True)
    s = result.summary
    click.echo(f"scenario {s['scenario']}: {s['villages']} villages, {s['broadband_towers']} broadband "
               f"sites; {s['white_villages']} white villages ({s['covered_population_pct']:.2f}% of people covered)")
    if "proposed_sites" in s:
        from .outputs.report import bound_text

        kinds = [result.candidates[j].kind for j in result.plan.chosen]
        n_up, n_co = kinds.count("upgrade"), kinds.count("colocation")
        n_new = len(kinds) - n_up - n_co
        parts = [f"{n} {w}" for n, w in ((n_up, "upgrades"), (n_co, "co-locations"), (n_new, "new towers")) if n]
        click.echo(f"plan: {s['proposed_sites']} sites ({', '.join(parts) or 'none'}) cover "
                   f"{s['villages_covered_by_plan']} white villages; {s['still_white_villages']} stay white "
                   f"({s['uncoverable_villages']} uncoverable)")
        gap = "-" if s["plan_gap"] is None else f"{100 * s['plan_gap']:.2f}%"
        click.echo(f"cost {s['plan_cost']:,.0f} {s['plan_cost_currency']} ({bound_text(s)}, gap {gap}"
                   f"{', proven optimal' if s['plan_proven_optimal'] else ''})")
        if "target_pct" in s:
            of = "people" if s["target_of"] == "population" else "households"
            state = "reached" if s["target_reached"] else \
                f"NOT reachable: every coverable white bản gives {s['target_reachable_pct']:.2f}%"
            click.echo(f"target {s['target_pct']:g}% of {of}: {s['target_after_pct']:.2f}% after the plan ({state}); "
                       f"covering every coverable white bản costs {s['full_cover_cost']:,.0f} "
                       f"{s['plan_cost_currency']} ({s['full_cover_sites']} sites), "
                       f"{s['extra_cost_target_to_full']:,.0f} more")
    if "agreement_rule" in s:
        ops = sorted({k[len("agreement_"):-len("_sites")] for k in s if k.startswith("agreement_") and k.endswith("_sites")})
        click.echo("agreement (" + s["agreement_rule"] + "): " + "; ".join(
            f"{o} {s[f'agreement_{o}_sites']} sites, {s[f'agreement_{o}_villages']} bản, "
            f"{100 * (s[f'agreement_{o}_people_share'] or 0):.1f}% of the people" for o in ops))
    years = sorted(int(k.split("_")[1]) for k in s if k.startswith("rollout_") and k.endswith("_sites")
                   and k.split("_")[1].isdigit())
    if years:
        click.echo("roll-out: " + "; ".join(f"{y}: {s[f'rollout_{y}_sites']} sites, {s[f'rollout_{y}_covered_pct']:.2f}% "
                                           "covered" for y in years)
                   + (f"; {s['rollout_unscheduled_sites']} sites beyond the budgets" if s["rollout_unscheduled_sites"]
                      else ""))
    if "broadband_target_pct_before" in s:
        t = result.scenario.radio.service.target_mbps
        click.echo(f"service: >= {t:g} Mbps {s['broadband_target_pct_before']:.2f}% -> "
                   f"{s['broadband_target_pct_after']:.2f}% of people")
        if s.get("switch_off"):
            click.echo(f"{s['switch_off']} switch-off: {s['switch_off_villages_losing_service']} bản "
                       f"({s['switch_off_people_losing_service']:,.0f} people) would lose all service; they are "
                       "required bản of the plan")
    if "fund_request" in s:
        click.echo(f"fund: {s['fund_request']:,.0f} {s['plan_cost_currency']} requested for {s['fund_sites']} sites; "
                   f"operators pay {s['fund_operator_share']:,.0f}")
    if "fibre_plan_cost" in s:
        gap = "-" if s["fibre_plan_gap"] is None else f"{100 * s['fibre_plan_gap']:.2f}%"
        click.echo(f"fibre: {s['fibre_new_route_km']:,.0f} km of new routes; households with fibre "
                   f"{s['fibre_households_before_pct']:.2f}% -> {s['fibre_households_after_pct']:.2f}% (target "
                   f"{s['fibre_households_target_pct']:g}%); cost {s['fibre_plan_cost']:,.0f} {result.fibre.currency} "
                   f"(gap to the proven bound {gap}; facilities' tree {100 * s['fibre_facilities_gap']:.2f}%)")
        if "total_cost_4g_and_fibre" in s and "plan_cost" in s:
            click.echo(f"4G and fibre together: {s['total_cost_4g_and_fibre']:,.0f} {result.fibre.currency}")
    click.echo(f"wrote {len(result.files)} files to {result.files[0].parent if result.files else '-'}")


def _lonlat(text: str) -> tuple[float, float]:
    try:
        lon, lat = (float(x) for x in text.split(","))
    except ValueError:
        raise click.BadParameter(f"'{text}' is not LON,LAT") from None
    return lon, lat


@main.command()
@click.option("--profile", type=click.Path(dir_okay=False), help="Profile CSV (d_km,h_m[,clutter_h_m,zone]) or ITM PFL.")
@click.option("--dem", "dems", multiple=True, type=click.Path(dir_okay=False), help="DEM file(s), with --from/--to.")
@click.option("--from", "from_", help="LON,LAT of the transmitter (with --dem).")
@click.option("--to", help="LON,LAT of the receiver (with --dem).")
@click.option("--spacing-m", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Profile sample spacing with --dem (default: the DEM cell size).")
@click.option("--freq-mhz", type=float, required=True)
@click.option("--tx-height-m", type=float, required=True)
@click.option("--rx-height-m", type=float, required=True)
@click.option("--model", type=click.Choice(_model_names("link")), required=True)
@_radio_options
@click.option("--lat-deg", type=float, default=None, help="P.1812 path-centre latitude (default: from --from/--to).")
@click.option("--environment", type=click.Choice(["urban_large_city", "urban_small_medium_city", "suburban",
                                                   "open_rural"]), default=None, help="Hata environment. [default: open_rural]")
@click.option("--allow-extrapolation", is_flag=True, help="Hata outside its validity range: warn instead of fail.")
def link(profile, dems, from_, to, spacing_m, freq_mhz, tx_height_m, rx_height_m, model, k_factor, pol, time_pct,
         location_pct, situation_pct, delta_n, n0, lat_deg, itm_n0, eps_r, sigma_s_per_m, climate, environment,
         allow_extrapolation) -> None:
    """One point-to-point path: prints JSON (loss_db, mode, warnings, intermediate values)."""
    import json
    import math

    from .inputs import datasets
    from .inputs.profiles import profile_from_dem, read_profile

    try:
        if bool(profile) == bool(dems):
            raise click.UsageError("give --profile FILE, or --dem DEM with --from and --to")
        if profile:
            prof = read_profile(profile)
        else:
            if not (from_ and to):
                raise click.UsageError("--dem needs --from LON,LAT and --to LON,LAT")
            (lon1, lat1), (lon2, lat2) = _lonlat(from_), _lonlat(to)
            paths = [str(datasets.resolve(d, Path.cwd())) for d in dems]
            prof = profile_from_dem(paths, lon1, lat1, lon2, lat2, spacing_m)
        lat = lat_deg if lat_deg is not None else prof.get("lat_deg", math.nan)
        given = _given(k=k_factor, time_pct=time_pct, location_pct=location_pct, situation_pct=situation_pct,
                       delta_n=delta_n, n0=n0, itm_n0=itm_n0, eps_r=eps_r, sigma_s_per_m=sigma_s_per_m,
                       climate=climate, environment=environment)
        if pol is not None:
            given["vertical"] = pol == "vertical"
        r = _core.link(prof["d_km"], prof["h_m"], model, freq_mhz, tx_height_m, rx_height_m,
                       clutter_m=prof.get("clutter_m"), zone=prof.get("zone"), lat_deg=lat,
                       allow_extrapolation=allow_extrapolation, **given)
    except _core.PhusongError as exc:
        raise click.ClickException(str(exc)) from None
    r["profile_points"] = len(prof["d_km"])
    click.echo(json.dumps(r, indent=2, ensure_ascii=False))


@main.command()
@click.argument("instance", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["orlib-scp"]), default="orlib-scp", show_default=True)
@click.option("--method", type=click.Choice(["greedy", "local", "exact"]), default="local", show_default=True)
@click.option("--time-limit", type=click.FloatRange(min=0, min_open=True), default=60.0, show_default=True,
              help="Seconds for the exact solve.")
@click.option("--threads", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--budget", type=float, default=None, help="Budgeted maximal covering instead of set cover.")
def solve(instance, fmt, method, time_limit, threads, budget) -> None:
    """Solve a set-covering INSTANCE; prints JSON (cost, chosen columns, bound, optimality)."""
    import json

    try:
        p = _core.read_orlib_scp(instance)
        r = _core.solve_cover(p["sets"], p["cost"], p["weight"], method=method, time_limit_s=time_limit,
                              threads=threads, budget=budget if budget is not None else float("inf"))
    except _core.PhusongError as exc:
        raise click.ClickException(str(exc)) from None
    out = {"instance": str(instance), "rows": len(p["weight"]), "columns": len(p["cost"]),
           "method": r["method"], "status": r["status"], "cost": r["cost"],
           "chosen_columns": [j + 1 for j in r["chosen"]], "lower_bound": r["bound"], "gap": r["gap"],
           "proven_optimal": r["proven_optimal"], "seconds": r["seconds"]}
    if budget is not None:
        out.update({"covered_weight": r["covered_weight"], "upper_bound": r["bound"]})
        del out["lower_bound"]
    elif r["uncoverable"]:
        # A set-covering instance must cover every row: a row no column covers makes it
        # infeasible, whatever the plan for the other rows (the engine plans those).
        out.update({"status": "infeasible", "proven_optimal": False, "gap": None,
                    "uncoverable_rows": [i + 1 for i in r["uncoverable"]]})
        click.echo(json.dumps(out, indent=2))
        raise click.ClickException(f"{instance}: infeasible: {len(r['uncoverable'])} row(s) covered by no column "
                                   f"(rows {', '.join(str(i + 1) for i in r['uncoverable'][:10])}"
                                   f"{', ...' if len(r['uncoverable']) > 10 else ''})")
    click.echo(json.dumps(out, indent=2))


@main.command()
@click.argument("instance", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["steinlib"]), default="steinlib", show_default=True)
@click.option("--method", type=click.Choice(["heuristic", "exact"]), default="heuristic", show_default=True)
@click.option("--time-limit", type=click.FloatRange(min=0, min_open=True), default=60.0, show_default=True,
              help="Seconds for the whole solve.")
@click.option("--threads", type=click.IntRange(min=1), default=1, show_default=True, help="CBC threads (exact).")
@click.option("--max-moves", type=click.IntRange(min=0), default=None,
              help="Heuristic: improving local-search moves at most (0 = none)." + _default(_core.SteinerOptions().max_moves))
@click.option("--log", is_flag=True, help="The solvers' progress (ours, Clp's and CBC's) on standard output, "
                                          "before the JSON.")
def steiner(instance, fmt, method, time_limit, threads, max_moves, log) -> None:
    """Solve a Steiner tree INSTANCE (SteinLib STP); prints JSON (cost, tree edges, bound, optimality)."""
    import json
    import math

    try:
        p = _core.read_steinlib(instance)
        r = _core.solve_steiner(p, method=method, time_limit_s=time_limit, threads=threads, log=log,
                                **({} if max_moves is None else {"max_moves": max_moves}))
    except _core.PhusongError as exc:
        raise click.ClickException(str(exc)) from None

    def number(x: float):
        return None if not math.isfinite(x) else (int(x) if float(x).is_integer() else x)

    out = {"instance": str(instance), "nodes": p.n_nodes, "edges": len(p.edge_u), "terminals": len(p.terminals),
           "method": r.method, "status": str(r.status), "cost": number(r.cost), "bound": number(r.bound),
           "gap": number(r.gap), "optimal": r.proven_optimal, "seconds": r.seconds,
           "tree_edges": [[p.edge_u[e] + 1, p.edge_v[e] + 1] for e in r.edges]}
    if not math.isnan(p.declared_optimum):
        out["declared_optimum"] = number(p.declared_optimum)
    if r.unreachable_terminals:
        out["unreachable_terminals"] = [t + 1 for t in r.unreachable_terminals]
    click.echo(json.dumps(out, indent=2))


@main.command()
@click.option("--dem", "dems", multiple=True, required=True, type=click.Path(dir_okay=False),
              help="DEM file (repeat for tiles); data:NAME reads a registered file.")
@click.option("--site", "site_specs", multiple=True, help="LON,LAT,HEIGHT_M (repeatable).")
@click.option("--sites", "sites_file", type=click.Path(dir_okay=False), help="Sites file (CSV/GeoJSON/SHP/GPKG).")
@click.option("--radius-km", type=click.FloatRange(min=0, min_open=True), required=True)
@click.option("--model", type=click.Choice(_model_names("raster")), default=None, help="Raster model." + _default(_RASTER.model))
@click.option("--freq-mhz", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Frequency of --site sites (required with --site).")
@click.option("--eirp-dbm", type=float, default=60.0, show_default=True, help="EIRP of --site sites.")
@click.option("--bandwidth-mhz", type=float, default=10.0, show_default=True)
@click.option("--quantity", type=click.Choice(["rsrp", "path-loss", "visible"]), default=None,
              help="Default: visible for los, else rsrp.")
@click.option("--rx-height-m", type=float, default=None, help="Receiver height above ground." + _default(_RASTER.rx_height_m))
@click.option("--resolution-m", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Resample the DEM to this cell size first.")
@click.option("--threshold-dbm", type=float, default=None,
              help="RSRP counted as covered (composite, polygons)." + _default(_core.CoverageParams().threshold_dbm))
@_radio_options
@click.option("--curvature-coeff", type=float, default=None,
              help="los: gdal_viewshed's curvature coefficient." + _default(_RASTER.curvature_coeff))
@click.option("--ray-spacing-m", type=click.FloatRange(min=0), default=None,
              help="Sample spacing along rays (0 = the cell size); larger is faster and coarser."
              + _default(_RASTER.ray_spacing_m))
@click.option("--ray-gap-m", type=click.FloatRange(min=0), default=None,
              help="Largest gap between neighbouring rays (0 = the sample spacing); larger is faster and coarser."
              + _default(_RASTER.ray_gap_m))
@click.option("--itm-dh-anchor-spacing", type=click.IntRange(min=0), default=None,
              help="ITM: 0 = exact; m > 0 computes the terrain irregularity every m samples (faster)."
              + _default(_RASTER.itm_dh_anchor_spacing))
@click.option("--itm-dh-tolerance", type=click.FloatRange(min=0), default=None,
              help="ITM with anchors: exact Delta h between anchors whose values differ by more than this fraction."
              + _default(_RASTER.itm_dh_rel_tolerance))
@click.option("--threads", type=click.IntRange(min=0), default=None, help="Threads (0 = all cores)." + _default(_RASTER.threads))
@click.option("--polygons", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write coverage polygons (GPKG or GeoJSON) at the threshold.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Output GeoTIFF.")
@click.option("--quiet", is_flag=True)
def coverage(dems, site_specs, sites_file, radius_km, model, freq_mhz, eirp_dbm, bandwidth_mhz, quantity,
             rx_height_m, resolution_m, threshold_dbm, k_factor, pol, time_pct, location_pct, situation_pct, delta_n,
             n0, itm_n0, eps_r, sigma_s_per_m, climate, curvature_coeff, ray_spacing_m, ray_gap_m,
             itm_dh_anchor_spacing, itm_dh_tolerance, threads, polygons, out, quiet) -> None:
    """Coverage raster of one site, or the best-server composite of several."""
    from .coverage import rasters
    from .inputs import datasets

    quantity = quantity or ("visible" if (model or _RASTER.model) == "los" else "rsrp")
    bars = _Bars(enabled=not quiet, unit="ray")
    try:
        if bool(site_specs) == bool(sites_file):
            raise click.UsageError("give --site (one or more) or --sites FILE, not both")
        if site_specs and freq_mhz is None:
            raise click.UsageError("--freq-mhz is required with --site")
        paths = [str(datasets.resolve(d, Path.cwd())) for d in dems]
        if sites_file:
            sites = _core.read_sites(sites_file, bandwidth_mhz)
        else:
            sites = [rasters.parse_site(t, freq_mhz, eirp_dbm, bandwidth_mhz, i) for i, t in enumerate(site_specs)]
        params = _core.RasterParams(**_given(
            model=model, radius_km=radius_km, rx_height_m=rx_height_m, k_factor=k_factor, pol=pol, time_pct=time_pct,
            location_pct=location_pct, situation_pct=situation_pct, delta_n=delta_n, n0=n0, itm_n0=itm_n0, eps_r=eps_r,
            sigma_s_per_m=sigma_s_per_m, climate=climate, curvature_coeff=curvature_coeff, ray_spacing_m=ray_spacing_m,
            ray_gap_m=ray_gap_m, itm_dh_anchor_spacing=itm_dh_anchor_spacing, itm_dh_rel_tolerance=itm_dh_tolerance,
            threads=threads))
        # Only the DEM window the sites' discs need is read (and every cell of it checked: a bad
        # value there is refused); the raster is the same, cell for cell, as from the whole DEM.
        dem = rasters.open_for_sites(paths, sites, params.radius_km, resolution_m)
        r = rasters.coverage_raster(dem, sites, quantity=quantity, threshold_dbm=threshold_dbm,
                                    progress=lambda d, t: bars("coverage", d, t), params=params)
        files = rasters.write_coverage(r, out, polygons, threshold_dbm)
    except (_core.PhusongError, OSError) as exc:
        bars.close()
        raise click.ClickException(str(exc)) from None
    bars.close()
    for f in files:
        click.echo(f"wrote {f}")


if __name__ == "__main__":
    main()
