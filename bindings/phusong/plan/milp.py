"""A small builder for the mixed-integer programs of the plan (the operators' agreement, the
roll-out years): variables and rows are collected here in Python, the model is solved by CBC in the
engine (`_core.solve_milp`, the GIL released) — the same solver as the site choice and the fibre
Steiner tree.

    m = Milp()
    x = m.add_vars(3, cost=[4, 3, 5], integer=True, ub=1)      # indices of the new columns
    m.add_row({x[0]: 1, x[1]: 1}, lb=1)                          # x0 + x1 >= 1
    r = m.solve(time_limit_s=10)                                 # MilpResult
    r.x[x], r.objective, r.bound, r.gap, r.proven_optimal
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import _core

INF = math.inf


@dataclass
class MilpResult:
    """The outcome of a solve: `status` is "optimal" (proven), "feasible" (a solution, optimality
    not proven within the time limit), "infeasible" (proven) or "no_solution" (none found in time)."""

    status: str
    x: np.ndarray          #: one value per column (NaN when no solution)
    objective: float       #: in the model's sense (a minimum or a maximum)
    bound: float           #: the best proven bound on the objective
    gap: float             #: |objective - bound| / max(|objective|, 1e-9); 0 when proven optimal
    proven_optimal: bool
    seconds: float


class Milp:
    """min (or max) c.x subject to row_lb <= A x <= row_ub, lb <= x <= ub, some x integer."""

    def __init__(self, sense: str = "min"):
        if sense not in ("min", "max"):
            raise ValueError(f"sense '{sense}' (expected 'min' or 'max')")
        self.sense = sense
        self._cost: list[float] = []
        self._lb: list[float] = []
        self._ub: list[float] = []
        self._int: list[bool] = []
        self._indptr: list[int] = [0]
        self._indices: list[int] = []
        self._data: list[float] = []
        self._row_lb: list[float] = []
        self._row_ub: list[float] = []

    @property
    def n_vars(self) -> int:
        return len(self._cost)

    @property
    def n_rows(self) -> int:
        return len(self._row_lb)

    def add_vars(self, n: int, cost=0.0, lb=0.0, ub=INF, integer: bool = False) -> np.ndarray:
        """n new columns (cost, lb, ub: a number or one per column); returns their indices."""
        first = len(self._cost)
        for name, v in (("cost", cost), ("lb", lb), ("ub", ub)):
            vals = np.broadcast_to(np.asarray(v, dtype=float), (n,))
            if name != "cost" and np.any(np.isnan(vals)):
                raise ValueError(f"Milp.add_vars: {name} is NaN")
            if name == "cost" and not np.all(np.isfinite(vals)):
                raise ValueError("Milp.add_vars: a cost is not finite")
            {"cost": self._cost, "lb": self._lb, "ub": self._ub}[name].extend(float(x) for x in vals)
        self._int.extend([bool(integer)] * n)
        return np.arange(first, first + n)

    def add_row(self, coefs: dict[int, float], lb: float = -INF, ub: float = INF) -> int:
        """lb <= sum coefs[j] x_j <= ub (repeated columns are summed); returns the row index."""
        merged: dict[int, float] = {}
        for j, a in coefs.items():
            j = int(j)
            if not 0 <= j < len(self._cost):
                raise ValueError(f"Milp.add_row: column {j} does not exist ({len(self._cost)} columns)")
            if not math.isfinite(a):
                raise ValueError(f"Milp.add_row: coefficient {a} of column {j} is not finite")
            merged[j] = merged.get(j, 0.0) + float(a)
        for j in sorted(merged):
            self._indices.append(j)
            self._data.append(merged[j])
        self._indptr.append(len(self._indices))
        self._row_lb.append(float(lb))
        self._row_ub.append(float(ub))
        return len(self._row_lb) - 1

    def solve(self, time_limit_s: float = 60.0, relative_gap: float = 1e-9, start=None, threads: int = 1) -> MilpResult:
        """Solves with CBC. `start`: a feasible solution to begin from (one value per column)."""
        r = _core.solve_milp(
            np.asarray(self._cost, dtype=np.float64), np.asarray(self._indptr, dtype=np.int64),
            np.asarray(self._indices, dtype=np.int64), np.asarray(self._data, dtype=np.float64),
            np.asarray(self._row_lb, dtype=np.float64), np.asarray(self._row_ub, dtype=np.float64),
            np.asarray(self._lb, dtype=np.float64), np.asarray(self._ub, dtype=np.float64),
            np.asarray(self._int, dtype=bool), sense=self.sense, time_limit_s=time_limit_s,
            relative_gap=relative_gap, start=None if start is None else np.asarray(start, dtype=np.float64),
            threads=threads)
        return MilpResult(status=r["status"], x=r["x"], objective=r["objective"], bound=r["bound"], gap=r["gap"],
                          proven_optimal=r["proven_optimal"], seconds=r["seconds"])
