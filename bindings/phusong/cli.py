"""The ``phusong`` command line (click for parsing, tqdm for progress bars)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__, _core


class _Bars:
    """progress(step, done, total) drawing one tqdm bar per step."""

    def __init__(self, enabled: bool, unit: str = "item"):
        self.enabled = enabled
        self.unit = unit
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
            bar = self.bars[step] = tqdm(total=total, desc=step, unit=self.unit, file=sys.stderr, leave=True)
        bar.update(done - bar.n)
        if done >= total:
            bar.close()
            self.closed.add(step)

    def close(self) -> None:
        for step, b in self.bars.items():
            if step not in self.closed:
                b.close()
                self.closed.add(step)


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
def run(scenario: Path, out_dir: Path | None, threads: int | None, quiet: bool) -> None:
    """Run SCENARIO (a YAML file): coverage, white villages, plan, outputs."""
    from .scenario import run_scenario

    bars = _Bars(enabled=not quiet, unit="village")
    try:
        result = run_scenario(scenario, out_dir=out_dir, progress=bars, threads=threads)
    except (_core.PhusongError, OSError) as exc:
        bars.close()
        raise click.ClickException(str(exc)) from None
    bars.close()
    s = result.summary
    click.echo(f"scenario {s['scenario']}: {s['villages']} villages, {s['broadband_towers']} broadband "
               f"sites; {s['white_villages']} white villages ({s['covered_population_pct']:.2f}% of people covered)")
    if "proposed_sites" in s:
        click.echo(f"plan: {s['proposed_sites']} new sites cover {s['villages_covered_by_plan']} white villages; "
                   f"{s['still_white_villages']} stay white ({s['uncoverable_villages']} uncoverable)")
    click.echo(f"wrote {len(result.files)} files to {result.files[0].parent if result.files else '-'}")


@main.command()
@click.option("--dem", "dems", multiple=True, required=True, type=click.Path(dir_okay=False),
              help="DEM file (repeat for tiles); data:NAME reads a registered file.")
@click.option("--site", "site_specs", multiple=True, help="LON,LAT,HEIGHT_M (repeatable).")
@click.option("--sites", "sites_file", type=click.Path(dir_okay=False), help="Sites file (CSV/GeoJSON/SHP/GPKG).")
@click.option("--radius-km", type=click.FloatRange(min=0, min_open=True), required=True)
@click.option("--model", type=click.Choice(["los", "p526", "itm"]), default="p526", show_default=True)
@click.option("--freq-mhz", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Frequency of --site sites (required with --site).")
@click.option("--eirp-dbm", type=float, default=60.0, show_default=True, help="EIRP of --site sites.")
@click.option("--bandwidth-mhz", type=float, default=10.0, show_default=True)
@click.option("--quantity", type=click.Choice(["rsrp", "path-loss", "visible"]), default=None,
              help="Default: visible for los, else rsrp.")
@click.option("--rx-height-m", type=float, default=1.5, show_default=True)
@click.option("--resolution-m", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Resample the DEM to this cell size first.")
@click.option("--threshold-dbm", type=float, default=-110.0, show_default=True)
@click.option("--threads", type=click.IntRange(min=0), default=0, show_default=True)
@click.option("--polygons", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write coverage polygons (GPKG or GeoJSON) at the threshold.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Output GeoTIFF.")
@click.option("--quiet", is_flag=True)
def coverage(dems, site_specs, sites_file, radius_km, model, freq_mhz, eirp_dbm, bandwidth_mhz, quantity,
             rx_height_m, resolution_m, threshold_dbm, threads, polygons, out, quiet) -> None:
    """Coverage raster of one site, or the best-server composite of several."""
    from . import datasets, rasters

    quantity = quantity or ("visible" if model == "los" else "rsrp")
    bars = _Bars(enabled=not quiet, unit="ray")
    try:
        if bool(site_specs) == bool(sites_file):
            raise click.UsageError("give --site (one or more) or --sites FILE, not both")
        if site_specs and freq_mhz is None:
            raise click.UsageError("--freq-mhz is required with --site")
        paths = [str(datasets.resolve(d, Path.cwd())) for d in dems]
        dem = _core.Dem.open(paths)
        if resolution_m is not None:
            dem = dem.resampled(resolution_m)
        if sites_file:
            sites = _core.read_sites(sites_file, bandwidth_mhz)
        else:
            sites = [rasters.parse_site(t, freq_mhz, eirp_dbm, bandwidth_mhz, i) for i, t in enumerate(site_specs)]
        r = rasters.coverage_raster(dem, sites, model=model, radius_km=radius_km, quantity=quantity,
                                    rx_height_m=rx_height_m, threshold_dbm=threshold_dbm, threads=threads,
                                    progress=lambda d, t: bars("coverage", d, t))
        files = rasters.write_coverage(r, out, polygons, threshold_dbm)
    except (_core.PhusongError, OSError) as exc:
        bars.close()
        raise click.ClickException(str(exc)) from None
    bars.close()
    for f in files:
        click.echo(f"wrote {f}")


if __name__ == "__main__":
    main()
