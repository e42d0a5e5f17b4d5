"""Limit files (``*.lmt``): the parser and :class:`LimitCurve`.

A limit file is a header of ``# key: value`` lines with the provenance of a published limit, a
``# columns:`` line naming each column and its unit, then whitespace-separated numeric rows
(see ``README.md`` beside this module). Columns are converted to hepunits internal units (MeV,
mm, ns) on loading; every problem raises :class:`~threeportal.data.common.DataFileError`.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import one_line
from ..units import UnitError, unit_value
from .common import (
    FORMAT_VERSION,
    NAME_PATTERN,
    NUMBER_HELP,
    UNIT_HELP,
    DataFileError,
    decode_text,
    valid_iso_date,
)

__all__ = ["LIMIT_SUFFIX", "REQUIRED_LIMIT_KEYS", "LimitCurve", "parse_limit"]

#: File suffix of limit files.
LIMIT_SUFFIX = ".lmt"

#: Header keys every limit file must have (``columns`` is required too, see the README).
REQUIRED_LIMIT_KEYS: tuple[str, ...] = (
    "name",
    "experiment",
    "process",
    "observable",
    "confidence_level",
    "reference",
    "source",
    "date_added",
    "format_version",
)
_REQUIRED_HEADER = (*REQUIRED_LIMIT_KEYS, "columns")

_HEADER_KEY = re.compile(r"^ ?([a-z][a-z0-9_]*)\s*:(.*)$")
_COLUMN = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*\[\s*([^\[\]]*?)\s*\]$")
_NUMBER = re.compile(r"^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$")
_PERCENT = re.compile(r"^(\d+(?:\.\d*)?|\.\d+)\s*%$")


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
    """Parse and validate the bytes of a limit file."""
    text = decode_text(data, display)
    lines = text.splitlines()
    if not text.strip():
        raise DataFileError(
            display,
            1,
            "the file is empty",
            "a limit file has '# key: value' header lines, a '# columns:' line and data rows",
        )

    def fail(line: int, problem: str, allowed: str) -> DataFileError:
        return DataFileError(display, line, problem, allowed)

    metadata: dict[str, str] = {}
    key_lines: dict[str, int] = {}
    last_key: str | None = None
    last_header_line = 0
    spec: list[tuple[str, str, float]] | None = None
    rows: list[list[float]] = []
    row_tokens: list[list[str]] = []
    row_lines: list[int] = []

    for lineno, raw in enumerate(lines, start=1):
        stripped = raw.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            if rows:
                raise fail(
                    lineno,
                    "header or comment line after the data rows began",
                    "put every '# ...' line before the first data row",
                )
            body = stripped[1:]
            if not body.strip():
                last_key = None
                continue
            if body.startswith(("  ", "\t", " \t")):
                if last_key is None:
                    raise fail(
                        lineno,
                        "continuation line without a preceding '# key: value' line",
                        "indent a continuation by two spaces after '#' directly below its key",
                    )
                metadata[last_key] = f"{metadata[last_key]} {body.strip()}".strip()
                last_header_line = lineno
                continue
            match = _HEADER_KEY.match(body)
            if match is None:
                raise fail(
                    lineno,
                    f"header line {stripped[:40]!r} is not '# key: value'",
                    "keys are lowercase names (a-z, 0-9, _); continue a long value on the "
                    "next line as '#   more text'",
                )
            key = match.group(1)
            if key in metadata:
                raise fail(
                    lineno,
                    f"header key {key!r} repeats line {key_lines[key]}",
                    "give each key once; continue a long value on the next line as '#   more text'",
                )
            metadata[key] = match.group(2).strip()
            key_lines[key] = lineno
            last_key = key
            last_header_line = lineno
            continue

        # A data row. The header ends at the first one: validate it before any row.
        if spec is None:
            spec = _check_limit_header(metadata, key_lines, last_header_line or 1, fail)
        tokens = stripped.split()
        if len(tokens) != len(spec):
            names = ", ".join(name for name, _, _ in spec)
            raise fail(
                lineno,
                f"row has {len(tokens)} values, expected {len(spec)} ({names})",
                "write one value per column, separated by spaces or tabs",
            )
        values = [
            _parse_value(tok, col, lineno, fail)
            for tok, (col, _, _) in zip(tokens, spec, strict=True)
        ]
        if rows and values[0] <= rows[-1][0]:
            raise fail(
                lineno,
                f"{spec[0][0]} = {tokens[0]} is not greater than {row_tokens[-1][0]} "
                f"on line {row_lines[-1]}",
                "the first column must be strictly increasing: merge or drop repeated or "
                "out-of-order rows",
            )
        rows.append(values)
        row_tokens.append(tokens)
        row_lines.append(lineno)

    if spec is None:
        spec = _check_limit_header(metadata, key_lines, last_header_line or 1, fail)
    if len(rows) < 2:
        raise fail(
            len(lines),
            f"the file has {len(rows)} data row{'s' if len(rows) != 1 else ''}",
            "a limit curve needs at least two rows of numbers after the header",
        )

    table = np.array(rows, dtype=float)
    _check_bands(spec, table, row_tokens, row_lines, fail)

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


def _check_limit_header(
    metadata: Mapping[str, str],
    key_lines: Mapping[str, int],
    header_end: int,
    fail: Any,
) -> list[tuple[str, str, float]]:
    """Validate the header of a limit file; return ``[(column, unit, scale), ...]``."""
    for key in _REQUIRED_HEADER:
        if key not in metadata:
            raise fail(
                header_end,
                f"missing required header key {key!r}",
                f"a limit file's header needs: {', '.join(_REQUIRED_HEADER)}",
            )
    for key in _REQUIRED_HEADER:
        if not metadata[key]:
            raise fail(key_lines[key], f"header key {key!r} is empty", "give it a value")
    if metadata["format_version"] != FORMAT_VERSION:
        raise fail(
            key_lines["format_version"],
            f"format_version {metadata['format_version']!r} is not supported",
            f"this loader reads format_version {FORMAT_VERSION}",
        )
    if not NAME_PATTERN.match(metadata["name"]):
        raise fail(
            key_lines["name"],
            f"name {metadata['name']!r} is not a single word",
            "use letters, digits, '_', '-', '.' (e.g. na62_2017_umu2)",
        )
    if not valid_iso_date(metadata["date_added"]):
        raise fail(
            key_lines["date_added"],
            f"date_added {metadata['date_added']!r} is not an ISO date",
            "write YYYY-MM-DD, e.g. 2026-11-27",
        )
    cl = _PERCENT.match(metadata["confidence_level"])
    if cl is None or not 0.0 < float(cl.group(1)) < 100.0:
        raise fail(
            key_lines["confidence_level"],
            f"confidence_level {metadata['confidence_level']!r} is not a percentage",
            "write a percentage between 0 and 100, e.g. 90%",
        )
    return _parse_columns(metadata["columns"], key_lines["columns"], fail)


def _parse_columns(text: str, line: int, fail: Any) -> list[tuple[str, str, float]]:
    spec: list[tuple[str, str, float]] = []
    for part in text.split(","):
        entry = part.strip()
        match = _COLUMN.match(entry)
        if match is None:
            raise fail(
                line,
                f"column entry {entry!r} is not 'name [unit]'",
                "write e.g. '# columns: m_N [MeV], U_mu2_limit [1]' (names: letters, digits, _)",
            )
        name, unit = match.group(1), match.group(2)
        if any(name == other for other, _, _ in spec):
            raise fail(line, f"column name {name!r} is used twice", "give each column its name")
        if unit == "1":
            scale = 1.0
        else:
            try:
                scale = unit_value(unit)
            except UnitError:
                raise fail(line, f"unknown unit {unit!r} for column {name!r}", UNIT_HELP) from None
        spec.append((name, unit, scale))
    if len(spec) < 2:
        raise fail(
            line,
            f"{len(spec)} column declared",
            "a limit file has an abscissa column and at least one value column",
        )
    return spec


def _parse_value(token: str, column: str, line: int, fail: Any) -> float:
    if not _NUMBER.match(token):
        try:
            value = float(token)
        except ValueError:
            raise fail(
                line, f"value {token!r} in column {column} is not a number", NUMBER_HELP
            ) from None
        if not math.isfinite(value):
            raise fail(
                line,
                f"value {token!r} in column {column} is not finite",
                "every value must be a finite number (no nan or inf)",
            )
        raise fail(line, f"value {token!r} in column {column} is not a plain number", NUMBER_HELP)
    value = float(token)
    if not math.isfinite(value):
        raise fail(
            line,
            f"value {token!r} in column {column} is not finite",
            "every value must be a finite number (no nan or inf)",
        )
    if value <= 0.0:
        raise fail(
            line,
            f"value {token} in column {column} is not positive",
            "masses and limits must be > 0 (they are interpolated in log-log)",
        )
    return value


def _check_bands(
    spec: list[tuple[str, str, float]],
    table: NDArray[np.float64],
    tokens: list[list[str]],
    lines: list[int],
    fail: Any,
) -> None:
    """For columns ``X_lower`` / ``X_upper`` check lower <= upper on every row."""
    index = {name: j for j, (name, _, _) in enumerate(spec)}
    for name, j_low in index.items():
        if not name.endswith("_lower"):
            continue
        j_up = index.get(name[: -len("_lower")] + "_upper")
        if j_up is None:
            continue
        low = table[:, j_low] * spec[j_low][2]
        up = table[:, j_up] * spec[j_up][2]
        bad = np.flatnonzero(low > up)
        if bad.size:
            i = int(bad[0])
            raise fail(
                lines[i],
                f"{name} = {tokens[i][j_low]} is above {spec[j_up][0]} = {tokens[i][j_up]}",
                "the lower edge of a band must not exceed its upper edge",
            )
