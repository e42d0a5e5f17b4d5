"""Limit files (``*.lmt``): :class:`LimitCurve` and its parser (grammar in :mod:`.limit_file`).

A limit file is a header of ``# key: value`` lines with the provenance of a published limit, a
``# columns:`` line naming each column and its unit, then whitespace-separated numeric rows
(see ``README.md`` beside this module). Columns are converted to hepunits internal units (MeV,
mm, ns) on loading; every problem raises :class:`~threeportal.data.common.DataFileError`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import one_line
from .common import DataFileError, decode_text
from .limit_file import REQUIRED_LIMIT_KEYS, read_limit_file

__all__ = ["LIMIT_SUFFIX", "REQUIRED_LIMIT_KEYS", "LimitCurve", "parse_limit"]

#: File suffix of limit files.
LIMIT_SUFFIX = ".lmt"


@dataclass(frozen=True, eq=False)
class LimitCurve:
    """A published limit curve read from a limit file.

    Attributes
    ----------
    name : str
        The ``name`` header value (for shipped files, the file stem).
    path : pathlib.Path
        Where the file was read from.
    metadata : dict of str to str
        Every header key and value as written (including ``columns``).
    columns : dict of str to numpy.ndarray
        The columns in file order, converted to hepunits internal units (masses in MeV);
        the arrays are read-only. The first column is the abscissa (strictly increasing).
    units : dict of str to str
        The unit of each column as written in the file (``"1"`` for dimensionless).
    sha256 : str
        SHA-256 of the file bytes (hex).
    header_lines : dict of str to int
        Line number of each header key (used to point error messages at the file).
    """

    name: str
    path: Path
    metadata: dict[str, str]
    columns: dict[str, NDArray[np.float64]]
    units: dict[str, str]
    sha256: str
    header_lines: dict[str, int] = field(default_factory=dict, repr=False)

    @property
    def x_column(self) -> str:
        """Name of the first column, the abscissa (usually a mass)."""
        return next(iter(self.columns))

    @property
    def n_rows(self) -> int:
        """Number of data rows."""
        return len(self.columns[self.x_column])

    @property
    def x_range(self) -> tuple[float, float]:
        """Smallest and largest abscissa, in hepunits internal units."""
        x = self.columns[self.x_column]
        return float(x[0]), float(x[-1])

    @property
    def citation(self) -> str:
        """The publication to cite for this curve, on one line (the ``reference`` key)."""
        return one_line(self.metadata["reference"])

    def _column(self, column: str) -> NDArray[np.float64]:
        try:
            return self.columns[column]
        except KeyError:
            raise DataFileError(
                self.path,
                self.header_lines.get("columns", 0),
                f"no column named {column!r}",
                f"columns in this file are: {', '.join(self.columns)}",
            ) from None

    def _abscissa(self, x_column: str | None) -> NDArray[np.float64]:
        name = self.x_column if x_column is None else x_column
        xs = self._column(name)
        if name != self.x_column and not np.all(np.diff(xs) > 0):
            raise DataFileError(
                self.path,
                self.header_lines.get("columns", 0),
                f"column {name!r} is not strictly increasing, so it cannot be the abscissa",
                f"interpolate in the first column {self.x_column!r}",
            )
        return xs

    def in_range(self, x: ArrayLike, *, x_column: str | None = None) -> NDArray[np.bool_]:
        """Whether each ``x`` lies inside the tabulated range (ends included).

        Parameters
        ----------
        x : array_like
            Abscissa values in hepunits internal units (e.g. ``300 * MeV``).
        x_column : str, optional
            The abscissa column; default the first column.

        Returns
        -------
        numpy.ndarray of bool
            Same shape as ``x``; ``False`` for NaN.
        """
        xs = self._abscissa(x_column)
        xa = np.asarray(x, dtype=float)
        return (xa >= xs[0]) & (xa <= xs[-1])

    def interpolate(
        self,
        column: str,
        x: ArrayLike,
        *,
        x_column: str | None = None,
        log: bool = True,
    ) -> NDArray[np.float64]:
        """Interpolate ``column`` at ``x``.

        With ``log=True`` (default) the interpolation is linear in (log x, log y), i.e. a power
        law between neighbouring rows, which is monotone between them; with ``log=False`` it is
        linear in (x, y). Tabulated points are reproduced exactly.

        Parameters
        ----------
        column : str
            Column to interpolate.
        x : array_like
            Abscissa values in hepunits internal units (e.g. ``300 * MeV``).
        x_column : str, optional
            The abscissa column; default the first column. Another column may be used only if
            it is strictly increasing.
        log : bool
            Log-log (default) or linear interpolation.

        Returns
        -------
        numpy.ndarray
            Same shape as ``x``, in the internal units of ``column``. Outside the tabulated
            range (see :meth:`in_range`) the result is NaN: callers decide what "no limit"
            means there, typically by masking with ``in_range(x)``.
        """
        xs = self._abscissa(x_column)
        ys = self._column(column)
        xa = np.asarray(x, dtype=float)
        inside = (xa >= xs[0]) & (xa <= xs[-1])
        with np.errstate(divide="ignore", invalid="ignore"):
            if log:
                out = np.exp(np.interp(np.log(xa), np.log(xs), np.log(ys)))
            else:
                out = np.interp(xa, xs, ys)
        idx = np.clip(np.searchsorted(xs, xa), 0, len(xs) - 1)
        out = np.where(xs[idx] == xa, ys[idx], out)
        return np.where(inside, out, np.nan)


def parse_limit(data: bytes, display: str, path: Path) -> LimitCurve:
    """Parse and validate the bytes of a limit file (``display`` names it in errors)."""
    metadata, key_lines, spec, table = read_limit_file(decode_text(data, display), display)
    columns: dict[str, NDArray[np.float64]] = {}
    for j, (col, _, scale) in enumerate(spec):
        arr = np.ascontiguousarray(table[:, j] * scale)
        arr.setflags(write=False)
        columns[col] = arr
    return LimitCurve(
        name=metadata["name"],
        path=path,
        metadata=metadata,
        columns=columns,
        units={col: unit for col, unit, _ in spec},
        sha256=hashlib.sha256(data).hexdigest(),
        header_lines=key_lines,
    )
