"""Local worker processes of the scan engine, and the default tile side and worker count.

Workers are forked (they start at once, with every module already imported), ignore Ctrl-C
(the parent handles it and keeps the finished tiles) and are killed by the kernel when the
parent dies (Linux ``PR_SET_PDEATHSIG``). The parent checks them while it waits: a worker
that dies ends the scan within a second with :class:`~threeportal.errors.WorkerDiedError`.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import itertools
import math
import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Collection, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from numpy.typing import NDArray

from ..errors import WorkerDiedError
from ..results import Tiling

__all__ = [
    "DASK_TILE_MEMORY_BUDGET",
    "TILE_MEMORY_BUDGET",
    "TileStream",
    "choose_jobs",
    "choose_tile",
    "cores",
    "dask_tiles",
    "local_tiles",
    "tune_allocator",
]

TileArrays = dict[str, NDArray[Any]]
#: What :func:`local_tiles` and :func:`dask_tiles` yield: ``None`` once, as soon as the
#: workers have their first tiles (so the caller can prepare the result file meanwhile),
#: then ``(k, arrays)`` of each tile as it finishes.
TileStream = Iterator["tuple[int, TileArrays] | None"]

#: Memory one worker may use for a tile (bytes): a 4000 x 4000 scan with two workers peaks at
#: 436 MiB summed PSS, 518 MiB summed RSS (scan process and workers; `make bench`), below the
#: 600 MB bound.
TILE_MEMORY_BUDGET = 176 * 2**20
#: The same on a dask cluster, whose scheduler and one nanny per worker take memory of their
#: own: a 10000 x 10000 scan on a 2-worker LocalCluster peaked at 611 MiB summed PSS with
#: the full budget.
DASK_TILE_MEMORY_BUDGET = TILE_MEMORY_BUDGET // 2
#: Peak memory of evaluating every Fig. 3 layer, per grid point (measured 470 B in the mean
#: and 500 B in the averaged decay mode; rounded up).
_BYTES_PER_POINT = 600
#: Smallest automatic tile side (smaller tiles spend more time in per-tile overhead).
_MIN_AUTO_TILE = 100
#: Below this many grid points one worker is faster than starting more.
_PARALLEL_POINTS = 250_000
#: Tiles in flight per worker (local or dask): one computing, one queued, none piling up.
_TILES_PER_WORKER = 2
#: Seconds between checks that every local worker is alive.
_WATCH_SECONDS = 0.5
#: Seconds a dead worker's exit code may take to be reaped by the pool's own thread.
_REAP_SECONDS = 2.0


#: glibc ``mallopt`` parameters and the values :func:`tune_allocator` sets (bytes).
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_TRIM_THRESHOLD = 512 * 2**20
_MMAP_THRESHOLD = 32 * 2**20


@functools.cache
def tune_allocator() -> bool:
    """Let glibc serve a tile's temporary arrays (a few MiB each) from its heap; once per process.

    Left alone, glibc maps blocks above an adaptive threshold afresh and unmaps them when
    freed, so each numpy temporary of an evaluation pays page faults when first touched; a
    dask nanny's ``MALLOC_TRIM_THRESHOLD_`` pins that threshold at 128 kB for good, which made
    tiles on dask workers 2.6x slower than local ones. Blocks up to 32 MiB now come from the
    heap, and the heap is kept between tiles (returned to the system only above 512 MiB, more
    than a tile of :data:`TILE_MEMORY_BUDGET` uses): a worker that gave back its ~150 MiB after
    every tile faulted it in again on the next one (0.5 million page faults, 1.2 s of system
    time in a 2000 x 2000 scan). Peak memory is unchanged: a worker holds between tiles what
    it used during one. Called by every process that evaluates tiles (the scan process with
    one worker, the local and the dask workers); no effect off glibc.

    Returns
    -------
    bool
        Whether the allocator was tuned.
    """
    try:
        mallopt = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").mallopt
    except (OSError, AttributeError):  # not glibc
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD)) and bool(
        mallopt(_M_TRIM_THRESHOLD, _TRIM_THRESHOLD)
    )


def cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - no affinity API (macOS, Windows)
        return os.cpu_count() or 1


def choose_jobs(n_points: int) -> int:
    """Default number of local workers: one below ~250k points (starting and feeding more
    costs more than it saves), else every core."""
    return 1 if n_points < _PARALLEL_POINTS else cores()


def choose_tile(nx: int, ny: int, jobs: int, budget: int = TILE_MEMORY_BUDGET) -> int:
    """Default tile side: as large as ``budget`` (bytes per worker) allows, shrunk so that the
    tiles are of equal size and, with several workers, at least two per worker (each tile
    also pays a fixed cost of mass-only integrals, so fewer and larger tiles are faster)."""
    side = max(nx, ny)
    largest = max(_MIN_AUTO_TILE, math.isqrt(budget // _BYTES_PER_POINT))
    if jobs > 1:
        largest = min(largest, max(_MIN_AUTO_TILE, math.isqrt(nx * ny // (2 * jobs))))
    n_tiles = math.ceil(side / min(side, largest))
    return math.ceil(side / n_tiles)


def _worker_init() -> None:
    """In a local worker: die with the parent, leave Ctrl-C to the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = os.getppid()
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG (Linux): SIGKILL when the parent dies
    if os.getppid() != parent:  # the parent died before the prctl
        os._exit(1)


def _death(pool: ProcessPoolExecutor) -> WorkerDiedError:
    """The error naming the first dead worker of ``pool`` (1-based, in start order).

    The pool's own thread may be reaping the dead worker at this moment (its exit code
    reads as unknown until it has), and it terminates the survivors with SIGTERM once the
    pool is broken; so exit codes are polled for up to :data:`_REAP_SECONDS`, and a worker
    that ended any other way is named before one the pool terminated.
    """
    processes = list((getattr(pool, "_processes", None) or {}).values())
    deadline = time.monotonic() + _REAP_SECONDS
    while True:
        codes = [(n, p, p.exitcode) for n, p in enumerate(processes, start=1)]
        ended = [item for item in codes if item[2] is not None]
        killed = [item for item in ended if item[2] != -signal.SIGTERM]
        late = time.monotonic() > deadline
        if killed or (ended and late):
            number, proc, code = (killed or ended)[0]
            cause = f"killed by {signal.Signals(-code).name}" if code < 0 else f"exit status {code}"
            return WorkerDiedError(number, f"pid {proc.pid}, {cause}")
        if late:
            return WorkerDiedError(0, "the worker pool broke")
        time.sleep(0.02)


def _check_alive(pool: ProcessPoolExecutor) -> None:
    for proc in getattr(pool, "_processes", {}).values():
        if proc.exitcode is not None:
            raise _death(pool)


def _stop(pool: ProcessPoolExecutor) -> None:
    """Kill every worker still running, then release the pool."""
    for proc in list(getattr(pool, "_processes", {}).values()):
        if proc.exitcode is None:
            with contextlib.suppress(OSError):
                proc.kill()
    pool.shutdown(wait=True, cancel_futures=True)


def local_tiles(
    compute: Callable[..., tuple[int, TileArrays]],
    card_text: str,
    tiling: Tiling,
    todo: list[int],
    jobs: int,
    names: Collection[str],
) -> TileStream:
    """``compute(card_text, k, bounds, names)`` of each tile ``k`` of ``todo`` in ``jobs``
    local worker processes; the results in the order they finish, after one ``None`` (see
    :data:`TileStream`).

    At most two tiles per worker are in flight, so finished tiles never pile up in memory;
    every :data:`_WATCH_SECONDS` the workers are checked, so a dead one is noticed even if
    the pool does not report it.
    """
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_worker_init)
    pending: dict[Future[tuple[int, TileArrays]], int] = {}
    queue = iter(todo)

    def top_up() -> None:
        for k in itertools.islice(queue, _TILES_PER_WORKER * jobs - len(pending)):
            pending[pool.submit(compute, card_text, k, tiling.bounds(k), names)] = k

    try:
        top_up()
        yield None
        while pending:
            finished, _ = wait(pending, timeout=_WATCH_SECONDS, return_when=FIRST_COMPLETED)
            if not finished:
                _check_alive(pool)
            for future in finished:
                del pending[future]
                yield future.result()
            top_up()
    except BrokenProcessPool:
        raise _death(pool) from None
    finally:
        _stop(pool)


def dask_tiles(
    compute: Callable[..., tuple[int, TileArrays]],
    card_text: str,
    tiling: Tiling,
    todo: list[int],
    jobs: int,
    names: Collection[str],
) -> TileStream:
    """``compute(card_text, k, bounds, names)`` of each tile ``k`` of ``todo`` on the workers
    of the current ``dask.distributed`` client; the results in the order they finish, after
    one ``None`` (see :data:`TileStream`).

    At most two tiles per worker (``jobs`` workers, or all of the cluster's for -1) are in
    flight, and each result is released on the cluster as soon as it arrives, so neither the
    cluster nor this process holds more than a few tiles, whatever the size of the grid.
    """
    from distributed import Client, as_completed

    client = Client.current()
    workers = len(client.scheduler_info().get("workers", {})) or 1
    in_flight = _TILES_PER_WORKER * (workers if jobs < 0 else min(jobs, workers))
    queue = iter(todo)

    def submit(k: int) -> Any:
        return client.submit(compute, card_text, k, tiling.bounds(k), names, pure=False)

    running = as_completed([submit(k) for _, k in zip(range(in_flight), queue, strict=False)])
    try:
        yield None
        for future in running:
            result = future.result()
            future.release()
            for k in itertools.islice(queue, 1):
                running.add(submit(k))
            yield result
    finally:
        for future in list(running.futures):
            future.cancel()
