"""Where a scan starts from: a verified cache hit, an interrupted scan to resume (its damaged
tiles marked to redo), or a fresh ``<out>.partial``."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from .._version import __version__
from ..constraints import Inputs
from ..errors import DamagedResultError, ResultInTheWayError, one_line
from ..results import (
    Entry,
    PartialWriter,
    Tiling,
    dataset_names,
    read_header,
    verify_result,
)
from .card import Card
from .errors import ScanError

__all__ = ["cache_hit", "create", "partial_state", "reopen"]

_log = logging.getLogger("threeportal.scans.engine")


def partial_state(
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


def cache_hit(out: Path, card: Card, inputs_sha: str, entries: list[Entry]) -> str | None:
    """The stored card text if ``out`` already holds this complete scan with the datasets
    ``entries``, verified against its checksums; None if absent or stored otherwise.

    Raises
    ------
    ResultInTheWayError
        If ``out`` holds anything else (another scan, an unreadable, damaged or foreign file).
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
    if dataset_names(out) != {e.name: e.kind for e in entries}:
        _log.info("%s holds this scan with other datasets stored; recomputing it", out)
        return None
    try:
        verify_result(out)
    except DamagedResultError as err:
        raise ResultInTheWayError(
            out, f"dataset {err.dataset!r} is damaged (checksum mismatch)"
        ) from None
    _log.info(
        "cache hit: %s already holds this scan (same card and inputs SHA-256, data verified); "
        "nothing to do",
        out,
        extra={"threeportal_cache_hit": True},
    )
    return str(header.get("card", ""))


def reopen(partial: Path, tiling: Tiling) -> PartialWriter | None:
    """Reopen an interrupted scan, its damaged tiles marked to redo; None if beyond repair."""
    try:
        writer = PartialWriter.reopen(partial, tiling)
    except (ScanError, OSError, KeyError) as err:
        _log.info("discarding the unreadable interrupted scan %s (%s)", partial, one_line(err))
        partial.unlink()
        return None
    try:
        damaged = writer.verify_done()
    except (OSError, KeyError, ValueError) as err:
        writer.close()
        _log.info("discarding the damaged interrupted scan %s (%s)", partial, one_line(err))
        partial.unlink()
        return None
    if damaged:
        _log.warning("%s: %d damaged tiles (checksum mismatch) will be recomputed",
                     partial, len(damaged))  # fmt: skip
    return writer


def create(partial: Path, card: Card, inputs: Inputs, entries: list[Entry], tile: int,
            jobs: int) -> PartialWriter:  # fmt: skip
    """A fresh ``<out>.partial`` for this scan."""
    tiling = Tiling(card.x.n, card.y.n, tile)
    attrs = {
        "card": card.text,
        "card_sha256": card.sha256,
        "inputs_sha256": inputs.sha256,
        "inputs": json.dumps(inputs.mapping, sort_keys=True),
        "scan_name": card.name,
        "grid_refine": card.refine,
    }
    return PartialWriter.create(
        partial,
        attrs=attrs,
        entries=entries,
        tiling=tiling,
        x=(card.x.parameter, card.x.stored_values(), card.x.units, card.x.scale),
        y=(card.y.parameter, card.y.stored_values(), card.y.units, card.y.scale),
    )
