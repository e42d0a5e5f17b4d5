"""The scan engine: cut the grid into tiles, evaluate them in workers, write as they come.

Workers receive only the card's canonical text and a tile's index bounds and return compact
arrays (float32 fields, bool masks, only the datasets the result stores: a 1000 x 1000 grid
returns ~60 MB, not the ~330 MB of every float64 output); the parent process alone writes
the HDF5 file (see :mod:`threeportal.results`), one tile as it arrives, so no grid-sized
array is ever held. Backends: ``local`` worker processes (forked, killed with the parent,
watched: a dead worker ends the scan with :class:`~threeportal.errors.WorkerDiedError`
within seconds) or the workers of an existing ``dask.distributed`` scheduler (two tiles
per worker in flight, each released as it arrives; ``loky`` is accepted as the former name
of ``local``). Every evaluating process tunes glibc's allocator for the tiles' temporaries
(:func:`~threeportal.scans.workers.tune_allocator`). Defaults: the tile side comes from
the grid and a memory budget, the number of local workers from the grid size (one worker
for grids too small to gain from more). Messages go to the ``threeportal`` logger (INFO: what
was done; WARNING: an interruption), progress to an optional ``progress(done, total)``
callback; nothing is printed.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import time
from collections.abc import Callable, Collection, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..constraints import Field, Inputs, Mask, evaluate_constraints
from ..errors import (
    ScanArgumentError,
    one_line,
)
from ..results import (
    FIELD_DTYPE,
    RESERVED_NAMES,
    Entry,
    PartialWriter,
    Tiling,
    domain_name,
    field_entries,
    scan_lock,
    set_card,
)
from .card import Card, load_card
from .errors import CardError, ScanError
from .refine import refine_result
from .resume import cache_hit, create, partial_state, reopen
from .workers import (
    DASK_TILE_MEMORY_BUDGET,
    TILE_MEMORY_BUDGET,
    TileStream,
    choose_jobs,
    choose_tile,
    cores,
    dask_tiles,
    local_tiles,
    tune_allocator,
)

__all__ = [
    "BACKENDS",
    "TILE_MEMORY_BUDGET",
    "Progress",
    "choose_jobs",
    "choose_tile",
    "compute_tile",
    "default_output",
    "probe_layout",
    "run_scan",
]

BACKENDS = ("local", "loky", "dask")

TileArrays = dict[str, NDArray[Any]]
#: ``progress(done, total)``: tiles finished so far and tiles of the scan.
Progress = Callable[[int, int], None]

_log = logging.getLogger(__name__)


def _plot_table(card_text: Any) -> Any:
    """The ``[plot]`` table of a stored card text (empty if none or unreadable)."""
    try:
        return Card.from_text(str(card_text), source="stored card").data.get("plot", {})
    except ScanError:
        return None


def default_output(card: Card) -> Path:
    """The card's ``[output] path``, else ``results/<card name>.h5`` (relative to the cwd)."""
    return Path(card.output) if card.output else Path("results") / f"{card.name}.h5"


# --- evaluation of one tile (runs in the workers) -----------------------------------------
@functools.lru_cache(maxsize=4)
def _worker_state(card_text: str) -> tuple[Card, Inputs, NDArray[np.float64], NDArray[np.float64]]:
    tune_allocator()
    card = Card.from_text(card_text, source="scan worker")
    return card, Inputs(card.inputs), card.x.values(), card.y.values()


def _flatten(
    results: Mapping[str, Mapping[str, Field | Mask]],
    shape: tuple[int, int],
    names: Collection[str] | None,
) -> TileArrays:
    """Stored arrays of a tile, transposed to (ny, nx): fields as float32, masks as bool,
    each field's domain as its domain mask; only ``names`` (all if None)."""
    arrays: TileArrays = {}

    def keep(name: str, values: Any, dtype: Any) -> None:
        if names is None or name in names:
            values = np.broadcast_to(np.asarray(values), shape).T
            arrays[name] = np.ascontiguousarray(values, dtype=dtype)

    for layer in results.values():
        for name, item in layer.items():
            if isinstance(item, Field):
                keep(name, item.values, FIELD_DTYPE)
                if item.domain is not None:
                    keep(domain_name(name), item.domain, bool)
            else:
                keep(name, item.values, bool)
    return arrays


def compute_tile(
    card_text: str,
    k: int,
    bounds: tuple[int, int, int, int],
    names: Collection[str] | None = None,
) -> tuple[int, TileArrays]:
    """Evaluate tile ``k`` of a card: one vectorised call over the tile's grid points.

    Parameters
    ----------
    card_text : str
        The card's canonical TOML text (:attr:`Card.text`).
    k : int
        Tile index (returned unchanged).
    bounds : tuple of int
        ``(ix0, ix1, iy0, iy1)``: index ranges along x and y.
    names : collection of str, optional
        The datasets to return (default: every field, domain mask and mask).

    Returns
    -------
    (k, arrays)
        ``arrays`` maps each name to an array of shape (iy1 - iy0, ix1 - ix0): fields as
        float32 (computed in float64), masks as bool.
    """
    card, inputs, x, y = _worker_state(card_text)
    ix0, ix1, iy0, iy1 = bounds
    nx, ny = ix1 - ix0, iy1 - iy0
    # A tile one point wide is evaluated twice as wide (the point repeated) so that every
    # tile, like the probe, is a grid to the layers and never a single point.
    xs = x[ix0:ix1] if nx > 1 else np.repeat(x[ix0:ix1], 2)
    ys = y[iy0:iy1] if ny > 1 else np.repeat(y[iy0:iy1], 2)
    model = card.model_point(xs, ys)
    results = evaluate_constraints(model, card.constraints, card.options, inputs)
    arrays = _flatten(results, (xs.size, ys.size), names)
    return k, {name: values[:ny, :nx] for name, values in arrays.items()}


def stored_entries(entries: list[Entry], diagnostics: bool) -> list[Entry]:
    """The entries a result stores: all with ``diagnostics``, else every mask and every
    field with a contour level or defining a region (what plots and exports draw) with its
    domain mask."""
    if diagnostics:
        return entries
    defining = {e.region[0] for e in entries if e.region is not None}
    dropped = {
        e.name for e in entries if e.kind == "field" and not e.levels and e.name not in defining
    }
    dropped |= {e.domain for e in entries if e.name in dropped and e.domain}
    return [e for e in entries if e.name not in dropped]


def probe_layout(card: Card, inputs: Inputs) -> list[Entry]:
    """Evaluate the grid's four corners to learn every field and mask and their attributes.

    Raises
    ------
    CardError
        If a constraint cannot be evaluated with the card's options and inputs.
    """
    x, y = card.x.values()[[0, -1]], card.y.values()[[0, -1]]
    try:
        results = evaluate_constraints(
            card.model_point(x, y), card.constraints, card.options, inputs
        )
    except ValueError as err:
        raise CardError(one_line(err)) from None
    entries: list[Entry] = []
    for layer, items in results.items():
        for name, output in items.items():
            if isinstance(output, Field):
                entries += field_entries(
                    name,
                    layer,
                    output.description,
                    output.units,
                    output.levels,
                    output.domain is not None,
                    reference=output.reference,
                    item=output.item or "",
                )
            else:
                region = None
                if output.region_field and output.region_level is not None and output.region_side:
                    region = (output.region_field, float(output.region_level), output.region_side)
                entries.append(
                    Entry(
                        name,
                        "mask",
                        layer,
                        output.description,
                        region=region,
                        reference=output.reference,
                        item=output.item or "",
                    )
                )
    names = [e.name for e in entries]
    for name in names:
        if names.count(name) > 1 or name in (*RESERVED_NAMES, card.x.parameter, card.y.parameter):
            raise ScanError(f"layer output {name!r} clashes with another dataset name")
    return entries


# --- execution ----------------------------------------------------------------------------
@contextlib.contextmanager
def _backend(backend: str, scheduler: str | None) -> Iterator[None]:
    """Connect to the dask scheduler (if any), the current client meanwhile."""
    if backend != "dask":
        yield
        return
    try:
        from distributed import Client
    except ImportError:
        raise ScanError(
            "backend 'dask' needs dask.distributed: pip install 'dask[distributed]'"
        ) from None
    try:
        client = Client(scheduler, timeout="20s", set_as_default=False)
    except (OSError, TimeoutError, ValueError) as err:
        raise ScanArgumentError(
            "scheduler", scheduler, f"cannot connect ({one_line(err)})"
        ) from None
    with client, client.as_current():
        yield


def _tiles(
    card: Card,
    tiling: Tiling,
    todo: list[int],
    jobs: int,
    backend: str,
    names: Collection[str],
) -> TileStream:
    """Tile results in the order they finish, after one ``None`` once the workers have their
    first tiles (inside :func:`_backend`; one worker evaluates here, when asked)."""
    if not todo:  # a resume with every tile done: no workers to start
        yield None
    elif backend == "dask":
        yield from dask_tiles(compute_tile, card.text, tiling, todo, jobs, names)
    elif jobs == 1:
        yield None
        for k in todo:
            yield compute_tile(card.text, k, tiling.bounds(k), names)
    else:
        yield from local_tiles(compute_tile, card.text, tiling, todo, jobs, names)


def _check_arguments(
    backend: str, scheduler: str | None, jobs: int | None, tile: int | None
) -> None:
    if backend not in BACKENDS:
        raise ScanArgumentError(
            "backend", backend, f"unknown backend; allowed: {', '.join(BACKENDS)}"
        )
    if backend == "dask" and not scheduler:
        raise ScanArgumentError(
            "scheduler",
            scheduler,
            "needed with backend 'dask': tcp://HOST:PORT of a running scheduler",
        )
    if backend != "dask" and scheduler:
        raise ScanArgumentError("scheduler", scheduler, "only used with backend 'dask'")
    if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, int) or jobs == 0):
        raise ScanArgumentError(
            "jobs", jobs, "allowed: a positive number of workers, or -1 for all"
        )
    if tile is not None and (isinstance(tile, bool) or not isinstance(tile, int) or tile < 1):
        raise ScanArgumentError(
            "tile", tile, "allowed: an integer >= 1 (grid points per tile side)"
        )


def run_scan(
    card: Card | str | os.PathLike[str],
    output: str | os.PathLike[str] | None = None,
    jobs: int | None = None,
    backend: str = "local",
    scheduler: str | None = None,
    tile: int | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> Path:
    """Run a scan and write its HDF5 result.

    Parameters
    ----------
    card : Card, str or os.PathLike
        A validated card, a card file, or a built-in card name.
    output : str or os.PathLike, optional
        Result file (default: the card's ``[output] path``, else ``results/<name>.h5``).
    jobs : int, optional
        Number of parallel workers; -1: all local cores (or all dask workers). Default: one
        for grids below ~250k points, else all local cores (all dask workers with dask).
        1 runs in this process.
    backend : {"local", "dask"}
        ``"local"``: worker processes on this machine; ``"dask"``: the workers of the
        ``dask.distributed`` scheduler ``scheduler``. ``"loky"`` means ``"local"``.
    scheduler : str, optional
        Scheduler address, e.g. ``"tcp://10.0.0.1:8786"`` (only with ``backend="dask"``).
    tile : int, optional
        Tile side in grid points (default: the card's ``[output] tile``, else chosen from
        the grid and :data:`TILE_MEMORY_BUDGET`). A resumed scan keeps its tile size.
    force : bool
        Recompute even if the result is up to date, overwrite a result of another card (or
        a damaged one), and discard an interrupted scan instead of resuming it.
    progress : callable, optional
        Called as ``progress(done, total)`` with the number of finished tiles, once before
        the first new tile and after each one.

    Returns
    -------
    Path
        The result file. On a cache hit (same card and inputs SHA-256, data verified)
        nothing is computed.

    Raises
    ------
    ScanError
        :class:`~threeportal.errors.ScanArgumentError` on a bad argument or an unreachable
        scheduler, :class:`~threeportal.errors.ResultInTheWayError` on another or a damaged
        result (or interrupted scan) in the way, :class:`~threeportal.errors.ResultLockedError`
        on a held lock, :class:`~threeportal.errors.WorkerDiedError` when a local worker dies
        (the finished tiles are kept for a resume), :class:`CardError` on a card that cannot
        be evaluated.
    """
    started = time.perf_counter()
    if not isinstance(card, Card):
        card = load_card(card)
    _check_arguments(backend, scheduler, jobs, tile)
    out = _output_path(card, output)
    jobs = _workers(card, backend, jobs)
    with scan_lock(out):
        inputs, inputs_sha = _inputs(card)
        entries = stored_entries(probe_layout(card, inputs), card.diagnostics)
        stored_card = None if force else cache_hit(out, card, inputs_sha, entries)
        hit = stored_card is not None
        if not hit:
            with _backend(backend, scheduler):
                n_tiles = _scan(card, inputs, entries, out, jobs, backend, tile, force, progress)
    # outside the scan lock: the in-place updates take it themselves
    _update(out, card, inputs, stored_card)
    if not hit:
        _log.info("wrote %s: %d x %d grid (%s x %s), %d layers, %d tiles, %d workers, %.1f s",
                  out, card.x.n, card.y.n, card.x.parameter, card.y.parameter,
                  len(card.constraints), n_tiles, jobs, time.perf_counter() - started)  # fmt: skip
    return out


def _output_path(card: Card, output: str | os.PathLike[str] | None) -> Path:
    """The result file (its directory made), refusing a directory."""
    out = Path(output) if output is not None else default_output(card)
    if out.exists() and out.is_dir():
        raise ScanArgumentError("output", str(out), "is a directory; a result file path is needed")
    out.parent.mkdir(parents=True, exist_ok=True)
    return out


def _workers(card: Card, backend: str, jobs: int | None) -> int:
    """The number of workers: ``jobs``, else chosen from the grid; -1 locally: every core."""
    if jobs is None:
        return -1 if backend == "dask" else choose_jobs(card.x.n * card.y.n)
    if jobs < 0 and backend != "dask":
        return cores()
    return jobs


def _inputs(card: Card) -> tuple[Inputs, str]:
    """The card's inputs and their SHA-256 (a CardError if one cannot be read)."""
    inputs = Inputs(card.inputs)
    try:
        return inputs, inputs.sha256
    except ValueError as err:
        raise CardError(one_line(err)) from None


def _update(out: Path, card: Card, inputs: Inputs, stored_card: str | None) -> None:
    """After the scan (or a cache hit ``stored_card``): keep new ``[plot]`` styles with the
    result, and refine its contours if the card asks for it."""
    if stored_card is not None and _plot_table(stored_card) != card.data.get("plot", {}):
        set_card(out, card.text)  # same scan, new [plot] styles: keep them with it
    evaluations = refine_result(out, card, inputs)  # no-op unless [grid] refine > 0
    if evaluations:
        _log.info("refined the contours of %s: %d levels, %d model evaluations",
                  out, card.refine, evaluations)  # fmt: skip


def _scan(
    card: Card,
    inputs: Inputs,
    entries: list[Entry],
    out: Path,
    jobs: int,
    backend: str,
    tile: int | None,
    force: bool,
    progress: Progress | None,
) -> int:
    """Create or resume ``<out>.partial``, run the tiles left, rename it when complete.

    Returns the number of tiles of the scan.
    """
    partial = out.with_name(out.name + ".partial")
    tile_size = partial_state(partial, card, inputs.sha256, entries, force)
    writer = None if tile_size is None else reopen(partial, Tiling(card.x.n, card.y.n, tile_size))
    if writer is not None:
        if tile is not None and tile != tile_size:
            _log.info("resuming with the interrupted scan's tile size %d", tile_size)
        _log.info("resuming %s: %d of %d tiles already done",
                  partial, int(writer.done.sum()), len(writer.tiling))  # fmt: skip
        tiling, todo = writer.tiling, [k for k, done in enumerate(writer.done) if not done]
    else:
        if tile is None:
            budget = DASK_TILE_MEMORY_BUDGET if backend == "dask" else TILE_MEMORY_BUDGET
            tile = card.tile or choose_tile(card.x.n, card.y.n, max(jobs, 1), budget)
        tiling = Tiling(card.x.n, card.y.n, tile)
        todo = list(range(len(tiling)))
    names = [e.name for e in entries]
    results = _tiles(card, tiling, todo, jobs, backend, names)
    try:
        next(results)  # the workers start on their first tiles while the file is prepared
        if writer is None:
            writer = create(partial, card, inputs, entries, tiling.tile, jobs)
        _write_tiles(writer, results, progress, names)
    except KeyboardInterrupt:
        if writer is not None:
            done = int(writer.done.sum())
            writer.close()
            _log.warning(
                "scan interrupted with %d of %d tiles done in %s; the same scan resumes from them",
                done,
                len(tiling),
                partial,
            )
        raise
    except BaseException:
        if writer is not None:
            writer.close()
        raise
    finally:
        results.close()
    writer.finish(out)
    return len(tiling)


def _write_tiles(
    writer: PartialWriter,
    results: TileStream,
    progress: Progress | None,
    names: list[str],
) -> None:
    """Write each tile result as it arrives, then mark it done."""
    total = len(writer.tiling)
    done = int(writer.done.sum())
    if progress is not None and done < total:
        progress(done, total)
    for item in results:
        assert item is not None  # only the first item is None, and the caller took it
        k, arrays = item
        if set(arrays) != set(names):
            raise ScanError(
                f"tile {k} returned the layer outputs {sorted(arrays)}, expected {sorted(names)}"
            )
        writer.write_tile(k, arrays)
        done += 1
        if progress is not None:
            progress(done, total)
