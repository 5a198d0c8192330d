#!/usr/bin/env python3
"""Start-up time of the CLI (issue: `phusong --help` and every subcommand's start under 0.15 s):
each command's `--help`, run as a user runs it (a new process), best of N.

    .venv/bin/python benchmarks/startup.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

COMMANDS = [[], ["run"], ["link"], ["coverage"], ["solve"], ["steiner"]]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=7)
    a = ap.parse_args()
    exe = str(Path(sys.executable).parent / "phusong")
    engine = min(_time([sys.executable, "-c", "import phusong._core"]) for _ in range(a.repeat))
    bare = min(_time([sys.executable, "-c", "pass"]) for _ in range(a.repeat))
    print(f"python alone {bare:.3f} s; + the engine module {engine:.3f} s")
    worst = 0.0
    for cmd in COMMANDS:
        best = min(_time([exe, *cmd, "--help"]) for _ in range(a.repeat))
        worst = max(worst, best)
        print(f"phusong {' '.join(cmd + ['--help']):<20} {best:.3f} s")
    print(f"slowest {worst:.3f} s (target 0.15 s: {'met' if worst < 0.15 else 'NOT met'})")
    return 0


def _time(argv: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True)
    return time.perf_counter() - t0


if __name__ == "__main__":
    sys.exit(main())
