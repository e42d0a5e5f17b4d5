"""The scan engine: cut the grid into tiles, evaluate them through joblib, write as they come.

Workers receive only the card's canonical text and a tile's index bounds and return arrays;
the parent process alone writes the HDF5 file (see :mod:`threeportal.results`).
Backends: joblib's ``loky`` on the local cores (default), or joblib's ``dask`` backend on an
existing ``dask.distributed`` scheduler. Messages go to the ``threeportal`` logger (INFO: what
was done; WARNING: an interruption), progress to an optional ``progress(done, total)`` callback;
nothing is printed.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._version import __version__
from ..constraints import Field, Inputs, Mask, evaluate_constraints
from ..errors import ResultInTheWayError, ScanArgumentError, one_line
from ..results import (
    RESERVED_NAMES,
    Entry,
    PartialWriter,
    Tiling,
    dataset_names,
    domain_name,
    field_entries,
    read_header,
    replace_card,
    scan_lock,
)
from .card import Card, load_card
from .errors import CardError, ScanError
from .refine import refine_result

__all__ = ["BACKENDS", "Progress", "compute_tile", "default_output", "probe_layout", "run_scan"]

BACKENDS = ("loky", "dask")

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
    card = Card.from_text(card_text, source="scan worker")
    return card, Inputs(card.inputs), card.x.values(), card.y.values()


def _flatten(
    results: Mapping[str, Mapping[str, Field | Mask]], shape: tuple[int, int]
) -> TileArrays:
    """Arrays of a tile, transposed to (ny, nx), with each field's domain as its domain mask."""
    arrays: TileArrays = {}
    for layer in results.values():
        for name, item in layer.items():
            if isinstance(item, Field):
                values = np.broadcast_to(np.asarray(item.values, dtype=float), shape)
                arrays[name] = np.ascontiguousarray(values.T)
                if item.domain is not None:
                    domain = np.broadcast_to(np.asarray(item.domain, dtype=bool), shape)
                    arrays[domain_name(name)] = np.ascontiguousarray(domain.T)
            else:
                values = np.broadcast_to(np.asarray(item.values, dtype=bool), shape)
                arrays[name] = np.ascontiguousarray(values.T)
    return arrays


def compute_tile(
    card_text: str, k: int, bounds: tuple[int, int, int, int]
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

    Returns
    -------
    (k, arrays)
        ``arrays`` maps every field, domain mask and mask name to an array of shape
        (iy1 - iy0, ix1 - ix0) (fields float64, masks bool).
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
    arrays = _flatten(results, (xs.size, ys.size))
    return k, {name: values[:ny, :nx] for name, values in arrays.items()}


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
        for name, item in items.items():
            if isinstance(item, Field):
                entries += field_entries(
                    name,
                    layer,
                    item.description,
                    item.units,
                    item.levels,
                    item.domain is not None,
                )
            else:
                entries.append(Entry(name, "mask", layer, item.description))
    names = [e.name for e in entries]
    for name in names:
        if names.count(name) > 1 or name in (*RESERVED_NAMES, card.x.parameter, card.y.parameter):
            raise ScanError(f"layer output {name!r} clashes with another dataset name")
    return entries


# --- execution ----------------------------------------------------------------------------
@contextlib.contextmanager
def _backend(backend: str, scheduler: str | None) -> Iterator[None]:
    """Connect to the dask scheduler (if any) and make joblib use it meanwhile."""
    if backend == "loky":
        yield
        return
    try:
        from distributed import Client
        from joblib import parallel_config
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
    with client, client.as_current(), parallel_config(backend="dask"):
        yield


def _tiles(
    card: Card, tiling: Tiling, todo: list[int], jobs: int, backend: str
) -> Iterator[tuple[int, TileArrays]]:
    """Tile results in the order they finish (inside :func:`_backend`)."""
    from joblib import Parallel, delayed

    tasks = (delayed(compute_tile)(card.text, k, tiling.bounds(k)) for k in todo)
    parallel = Parallel(
        n_jobs=jobs,
        return_as="generator_unordered",
        **({"backend": "loky"} if backend == "loky" else {}),
    )
    yield from parallel(tasks)


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


def _partial_state(
    partial: Path, card: Card, inputs_sha: str, entries: list[Entry], force: bool
) -> int | None:
    """Tile size of a resumable partial file, else None (after removing a stale one)."""
    if not partial.exists():
        return None
    if force:
        partial.unlink()
        return None
    try:
        header = read_header(partial)
        layout = dataset_names(partial)
    except ScanError as err:
        _log.info("discarding the unreadable interrupted scan %s (%s)", partial, err)
        partial.unlink()
        return None
    if header.get("card_sha256") != card.sha256 or header.get("inputs_sha256") != inputs_sha:
        raise ResultInTheWayError(
            partial,
            "an interrupted scan of a different card or inputs is in the way; "
            "rerun that card to finish it, or discard it",
            partial=True,
        )
    expected = {e.name: e.kind for e in entries}
    if header.get("package_version") != __version__ or layout != expected:
        _log.info(
            "discarding the interrupted scan %s (written by threeportal %s with other "
            "datasets; now %s)",
            partial,
            header.get("package_version"),
            __version__,
        )
        partial.unlink()
        return None
    return int(header["tile"])


def _cache_hit(out: Path, card: Card, inputs_sha: str) -> str | None:
    """The stored card text if ``out`` already holds this complete scan, None if absent.

    Raises
    ------
    ResultInTheWayError
        If ``out`` holds anything else (another scan, an unreadable or foreign file).
    """
    if not out.exists():
        return None
    try:
        header = read_header(out)
    except ScanError as err:
        reason = str(err).removeprefix(f"{out}: ")
        raise ResultInTheWayError(out, f"{reason}; refusing to overwrite it") from None
    same = header.get("card_sha256") == card.sha256 and header.get("inputs_sha256") == inputs_sha
    if not (same and header.get("complete") is True):
        raise ResultInTheWayError(
            out,
            f"holds a different scan (card {header.get('scan_name')!r}, "
            f"card sha256 {str(header.get('card_sha256'))[:12]}, inputs sha256 "
            f"{str(header.get('inputs_sha256'))[:12]})",
        )
    _log.info(
        "cache hit: %s already holds this scan (same card and inputs SHA-256); nothing to do",
        out,
        extra={"threeportal_cache_hit": True},
    )
    return str(header.get("card", ""))


def run_scan(
    card: Card | str | os.PathLike[str],
    output: str | os.PathLike[str] | None = None,
    jobs: int | None = None,
    backend: str = "loky",
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
        Number of parallel workers (default: all local cores, or all dask workers; 1 runs in
        this process).
    backend : {"loky", "dask"}
        joblib backend. ``"dask"`` runs on the ``dask.distributed`` scheduler ``scheduler``.
    scheduler : str, optional
        Scheduler address, e.g. ``"tcp://10.0.0.1:8786"`` (only with ``backend="dask"``).
    tile : int, optional
        Tile side in grid points (default: the card's ``[output] tile``). A resumed scan
        keeps the tile size it was started with.
    force : bool
        Recompute even if the result is up to date, overwrite a result of another card, and
        discard an interrupted scan instead of resuming it.
    progress : callable, optional
        Called as ``progress(done, total)`` with the number of finished tiles, once before
        the first new tile and after each one.

    Returns
    -------
    Path
        The result file. On a cache hit (same card and inputs SHA-256) nothing is computed.

    Raises
    ------
    ScanError
        :class:`~threeportal.errors.ScanArgumentError` on a bad argument or an unreachable
        scheduler, :class:`~threeportal.errors.ResultInTheWayError` on another result (or
        interrupted scan) in the way, :class:`~threeportal.errors.ResultLockedError` on a
        held lock, :class:`CardError` on a card that cannot be evaluated.
    """
    started = time.perf_counter()
    if not isinstance(card, Card):
        card = load_card(card)
    _check_arguments(backend, scheduler, jobs, tile)
    out = Path(output) if output is not None else default_output(card)
    if out.exists() and out.is_dir():
        raise ScanArgumentError("output", str(out), "is a directory; a result file path is needed")
    out.parent.mkdir(parents=True, exist_ok=True)

    with scan_lock(out):
        inputs = Inputs(card.inputs)
        try:
            inputs_sha = inputs.sha256
        except ValueError as err:
            raise CardError(one_line(err)) from None

        stored_card = None if force else _cache_hit(out, card, inputs_sha)
        cache_hit = stored_card is not None
        if not cache_hit:
            entries = probe_layout(card, inputs)
            with _backend(backend, scheduler):
                n_tiles = _scan(card, inputs, entries, out, jobs, backend, tile, force, progress)
    # outside the scan lock: open_for_update takes it to rewrite the file atomically
    if cache_hit and _plot_table(stored_card) != card.data.get("plot", {}):
        replace_card(out, card.text)  # same scan, new [plot] styles: keep them with it
    evaluations = refine_result(out, card, inputs)  # no-op unless [grid] refine > 0
    if evaluations:
        _log.info("refined the contours of %s: %d levels, %d model evaluations",
                  out, card.refine, evaluations)  # fmt: skip
    if not cache_hit:
        _log.info("wrote %s: %d x %d grid (%s x %s), %d layers, %d tiles, %.1f s",
                  out, card.x.n, card.y.n, card.x.parameter, card.y.parameter,
                  len(card.constraints), n_tiles, time.perf_counter() - started)  # fmt: skip
    return out


def _scan(
    card: Card,
    inputs: Inputs,
    entries: list[Entry],
    out: Path,
    jobs: int | None,
    backend: str,
    tile: int | None,
    force: bool,
    progress: Progress | None,
) -> int:
    """Create or resume ``<out>.partial``, run the tiles left, rename it when complete.

    Returns the number of tiles of the scan.
    """
    partial = out.with_name(out.name + ".partial")
    tile_size = _partial_state(partial, card, inputs.sha256, entries, force)
    if tile_size is not None:
        tiling = Tiling(card.x.n, card.y.n, tile_size)
        writer = PartialWriter.reopen(partial, tiling)
        if tile is not None and tile != tile_size:
            _log.info("resuming with the interrupted scan's tile size %d", tile_size)
        done = int(writer.done.sum())
        _log.info("resuming %s: %d of %d tiles already done", partial, done, len(tiling))
    else:
        tiling = Tiling(card.x.n, card.y.n, tile if tile is not None else card.tile)
        attrs = {
            "card": card.text,
            "card_sha256": card.sha256,
            "inputs_sha256": inputs.sha256,
            "inputs": json.dumps(inputs.mapping, sort_keys=True),
            "scan_name": card.name,
            "grid_refine": card.refine,
        }
        writer = PartialWriter.create(
            partial,
            attrs=attrs,
            entries=entries,
            tiling=tiling,
            x=(card.x.parameter, card.x.stored_values(), card.x.units, card.x.scale),
            y=(card.y.parameter, card.y.stored_values(), card.y.units, card.y.scale),
        )
    try:
        _run_tiles(
            card,
            writer,
            jobs if jobs is not None else -1,
            backend,
            progress,
            {e.name for e in entries},
        )
    except KeyboardInterrupt:
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
        writer.close()
        raise
    writer.finish(out)
    return len(tiling)


def _run_tiles(
    card: Card,
    writer: PartialWriter,
    jobs: int,
    backend: str,
    progress: Progress | None,
    expected: set[str],
) -> None:
    """Evaluate the tiles not done yet and write each one as it arrives."""
    todo = [k for k in range(len(writer.tiling)) if not writer.done[k]]
    if not todo:
        return
    total = len(writer.tiling)
    done = total - len(todo)
    if progress is not None:
        progress(done, total)
    results = _tiles(card, writer.tiling, todo, jobs, backend)
    try:
        for k, arrays in results:
            if set(arrays) != expected:
                raise ScanError(
                    f"tile {k} returned the layer outputs {sorted(arrays)}, expected "
                    f"{sorted(expected)}"
                )
            writer.write_tile(k, arrays)
            done += 1
            if progress is not None:
                progress(done, total)
    finally:
        results.close()
