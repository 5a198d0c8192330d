"""Scale-out: the heavy engine calls of a run on a Dask distributed cluster, identical to the
single-process run (which stays the default).

* :mod:`.partition` cuts a call into pure tasks (village batches, raster tiles and site batches)
  and merges their results;
* :mod:`.tasks` are what a worker runs (inputs by path or by value, the GIL released in the engine);
* :mod:`.executor` holds the two executors, :class:`LocalExecutor` (this process) and
  :class:`DaskExecutor` (a ``dask.distributed.Client``), and :func:`connect` for ``--dask``.
"""

from .executor import DaskExecutor, LocalExecutor, connect

__all__ = ["DaskExecutor", "LocalExecutor", "connect"]
