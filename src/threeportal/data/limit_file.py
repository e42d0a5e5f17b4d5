"""The grammar of a limit file: header lines, the columns line, data rows, bands.

:func:`read_limit_file` reads the text of a limit file line by line and returns its header and
its table of numbers (in the units written), raising :class:`DataFileError` at the first line
that breaks the format described in ``README.md`` beside this module.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..units import UnitError, unit_value
from .common import (
    FORMAT_VERSION,
    NAME_PATTERN,
    NUMBER_HELP,
    UNIT_HELP,
    DataFileError,
    valid_iso_date,
)

__all__ = ["REQUIRED_LIMIT_KEYS", "ColumnSpec", "read_limit_file"]

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

#: ``[(column name, unit as written, scale to internal units), ...]`` in file order.
ColumnSpec = list[tuple[str, str, float]]


@dataclass
class _Reader:
    """What has been read so far of one limit file."""

    fail: Callable[[int, str, str], DataFileError]
    metadata: dict[str, str] = field(default_factory=dict)
    key_lines: dict[str, int] = field(default_factory=dict)
    last_key: str | None = None
    last_header_line: int = 0
    spec: ColumnSpec | None = None
    rows: list[list[float]] = field(default_factory=list)
    row_tokens: list[list[str]] = field(default_factory=list)
    row_lines: list[int] = field(default_factory=list)

    def header(self, lineno: int, stripped: str) -> None:
        """A ``#`` line: a ``key: value``, a continuation, or an empty comment."""
        if self.rows:
            raise self.fail(
                lineno,
                "header or comment line after the data rows began",
                "put every '# ...' line before the first data row",
            )
        body = stripped[1:]
        if not body.strip():
            self.last_key = None
            return
        if body.startswith(("  ", "\t", " \t")):
            if self.last_key is None:
                raise self.fail(
                    lineno,
                    "continuation line without a preceding '# key: value' line",
                    "indent a continuation by two spaces after '#' directly below its key",
                )
            key = self.last_key
            self.metadata[key] = f"{self.metadata[key]} {body.strip()}".strip()
            self.last_header_line = lineno
            return
        match = _HEADER_KEY.match(body)
        if match is None:
            raise self.fail(
                lineno,
                f"header line {stripped[:40]!r} is not '# key: value'",
                "keys are lowercase names (a-z, 0-9, _); continue a long value on the "
                "next line as '#   more text'",
            )
        key = match.group(1)
        if key in self.metadata:
            raise self.fail(
                lineno,
                f"header key {key!r} repeats line {self.key_lines[key]}",
                "give each key once; continue a long value on the next line as '#   more text'",
            )
        self.metadata[key] = match.group(2).strip()
        self.key_lines[key] = lineno
        self.last_key = key
        self.last_header_line = lineno

    def columns(self) -> ColumnSpec:
        """The column spec, validating the header the first time (it ends at the first row)."""
        if self.spec is None:
            self.spec = _check_limit_header(
                self.metadata, self.key_lines, self.last_header_line or 1, self.fail
            )
        return self.spec

    def row(self, lineno: int, stripped: str) -> None:
        """A data row: one plain positive number per column, first column increasing."""
        spec = self.columns()
        tokens = stripped.split()
        if len(tokens) != len(spec):
            names = ", ".join(name for name, _, _ in spec)
            raise self.fail(
                lineno,
                f"row has {len(tokens)} values, expected {len(spec)} ({names})",
                "write one value per column, separated by spaces or tabs",
            )
        values = [
            _parse_value(tok, col, lineno, self.fail)
            for tok, (col, _, _) in zip(tokens, spec, strict=True)
        ]
        if self.rows and values[0] <= self.rows[-1][0]:
            raise self.fail(
                lineno,
                f"{spec[0][0]} = {tokens[0]} is not greater than {self.row_tokens[-1][0]} "
                f"on line {self.row_lines[-1]}",
                "the first column must be strictly increasing: merge or drop repeated or "
                "out-of-order rows",
            )
        self.rows.append(values)
        self.row_tokens.append(tokens)
        self.row_lines.append(lineno)


def read_limit_file(
    text: str, display: str
) -> tuple[dict[str, str], dict[str, int], ColumnSpec, NDArray[np.float64]]:
    """Read the text of a limit file.

    Parameters
    ----------
    text : str
        The file's text.
    display : str
        The file as named in error messages.

    Returns
    -------
    metadata, key_lines, spec, table
        Header values and their line numbers, the columns, and the rows as written
        (multiply column ``j`` by ``spec[j][2]`` for internal units).

    Raises
    ------
    DataFileError
        At the first line that breaks the format.
    """
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

    reader = _Reader(fail)
    for lineno, raw in enumerate(lines, start=1):
        stripped = raw.strip()
        if stripped.startswith("#"):
            reader.header(lineno, stripped)
        elif stripped:
            reader.row(lineno, stripped)
    spec = reader.columns()
    rows = reader.rows
    if len(rows) < 2:
        raise fail(
            len(lines),
            f"the file has {len(rows)} data row{'s' if len(rows) != 1 else ''}",
            "a limit curve needs at least two rows of numbers after the header",
        )
    table = np.array(rows, dtype=float)
    _check_bands(spec, table, reader.row_tokens, reader.row_lines, fail)
    return reader.metadata, reader.key_lines, spec, table


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
