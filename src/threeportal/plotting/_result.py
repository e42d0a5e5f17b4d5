"""Access to a stored scan result for plotting and export (read only).

Plotting accepts either a loaded :class:`threeportal.scans.ScanResult` or a path; a path is
opened with :func:`threeportal.scans.load` (which refuses incomplete or foreign files with a
one-line :class:`~threeportal.scans.ScanError`). Nothing here evaluates physics.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from ..errors import ThreeportalError
from ..results import ScanResult

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["PlottingError", "ResultLike", "card_table", "open_result"]


class PlottingError(ThreeportalError):
    """A result cannot be plotted or exported; the one-line message says why."""


#: A loaded scan result (plotting reads results only through :func:`threeportal.scans.load`).
ResultLike = ScanResult


def open_result(result: ResultLike | str | os.PathLike[str]) -> ResultLike:
    """The scan result itself, or the one stored at a path.

    Parameters
    ----------
    result : ScanResult or path-like
        A loaded result, or the path of an HDF5 result file.

    Returns
    -------
    ScanResult

    Raises
    ------
    ScanError
        If the file is missing or is not a complete scan result (one-line message).
    """
    if isinstance(result, (str, os.PathLike)):
        from ..results import load

        return load(result)
    return result


def card_table(result: ResultLike, table: str) -> dict[str, Any]:
    """One table of the card stored with the result (e.g. ``"model"``), empty if absent.

    Parameters
    ----------
    result : ScanResult
        The loaded result; its ``card`` is the card's TOML text.
    table : str
        Top-level table name.
    """
    try:
        card = tomllib.loads(str(result.card))
    except tomllib.TOMLDecodeError:
        return {}
    value = card.get(table, {})
    return dict(value) if isinstance(value, dict) else {}
