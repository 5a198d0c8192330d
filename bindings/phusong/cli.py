"""The ``phusong`` command line (click for parsing, tqdm for progress bars)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__, _core


class _Bars:
    """progress(step, done, total) drawing one tqdm bar per step."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.bars: dict = {}

    def __call__(self, step: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        from tqdm import tqdm

        bar = self.bars.get(step)
        if bar is not None and bar.disable is False and bar.n >= bar.total:
            return  # finished and closed
        if bar is None:
            bar = self.bars[step] = tqdm(total=total, desc=step, unit="village", file=sys.stderr, leave=True)
        bar.update(done - bar.n)
        if done >= total:
            bar.close()

    def close(self) -> None:
        for b in self.bars.values():
            b.close()


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

    bars = _Bars(enabled=not quiet)
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


if __name__ == "__main__":
    main()
