"""Scale-out: the heavy engine calls of a run on a Dask distributed cluster, identical to the
single-process run (which stays the default).

* :mod:`.partition` cuts a call into pure tasks (village batches, raster tiles and site batches)
  and merges their results;
* :mod:`.tasks` are what a worker runs (inputs by path or by value, the GIL released in the engine);
* :mod:`.executor` holds the two executors, :class:`LocalExecutor` (this process) and
  :class:`DaskExecutor` (a ``dask.distributed.Client``), and :func:`connect` for ``--dask``.
"""

__all__ = ["DaskExecutor", "LocalExecutor", "connect"]


def __getattr__(name: str):
    # The executors are imported on first use: `phusong coverage` needs only partition and tasks
    # (for its windowed DEM read), and every import counts in a command's start-up.
    if name in __all__:
        from . import executor

        return getattr(executor, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
