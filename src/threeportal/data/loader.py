"""Load and validate threeportal's experimental inputs: limit curves and experiment parameters.

Two kinds of data file live in this package (and users may write their own in the same
formats; see ``README.md`` beside this module for the full specification):

* **limit files** (``*.lmt``): a header of ``# key: value`` lines with the provenance of a
  published limit, a ``# columns:`` line naming each column and its unit, then
  whitespace-separated numeric rows;
* **experiment files** (``*.toml``): the numbers that describe an experiment (kaon counts,
  acceptances, decay lengths, beam momenta, veto sizes), with units written as strings such
  as ``"37.5 m"``, and a ``[provenance]`` table.

Every problem found while reading a file raises :class:`DataFileError`, whose message is one
line of the form ``<file>:<line>: <what is wrong>; <what is allowed>``. Line ``0`` means the
problem concerns the file as a whole (it cannot be read, or a shipped name does not exist).

All dimensional numbers are converted to hepunits' internal units (MeV, mm, ns) on loading.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from threeportal.units import UnitError, parse_quantity, unit_value

from ..errors import ThreeportalError

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

__all__ = [
    "EXPERIMENT_SUFFIX",
    "FORMAT_VERSION",
    "LIMIT_SUFFIX",
    "MANIFEST_NAME",
    "REQUIRED_LIMIT_KEYS",
    "DataFileError",
    "ExperimentParameters",
    "LimitCurve",
    "checksums",
    "format_listing",
    "format_show",
    "load_experiment",
    "load_input",
    "load_limit",
    "manifest_text",
    "shipped_inputs",
    "verify_shipped",
]

#: The only format version this loader reads (key ``format_version`` in both kinds of file).
FORMAT_VERSION = "1"
#: File suffix of limit files.
LIMIT_SUFFIX = ".lmt"
#: File suffix of experiment parameter files.
EXPERIMENT_SUFFIX = ".toml"
#: Name of the file listing the expected SHA-256 of every shipped data file.
MANIFEST_NAME = "MANIFEST.sha256"

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

_PACKAGE = "threeportal.data"
_KINDS = {LIMIT_SUFFIX: "limit", EXPERIMENT_SUFFIX: "experiment"}

_HEADER_KEY = re.compile(r"^ ?([a-z][a-z0-9_]*)\s*:(.*)$")
_COLUMN = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*\[\s*([^\[\]]*?)\s*\]$")
_NUMBER = re.compile(r"^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$")
_QUANTITY = re.compile(
    r"^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*\*?\s*([A-Za-z_][\w^]*)\s*$"
)
_PERCENT = re.compile(r"^(\d+(?:\.\d*)?|\.\d+)\s*%$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.+-]*$")
_SHIPPED_NAME = re.compile(r"^[A-Za-z0-9_-]+$")

_UNIT_HELP = "use a hepunits unit name such as MeV, GeV, keV, m, mm, ps, or 1 for dimensionless"
_NUMBER_HELP = "write plain decimal or scientific numbers such as 250.5 or 2.5e-8"


class DataFileError(ThreeportalError):
    """A data file is missing, unreadable or malformed.

    The message is one line, ``<file>:<line>: <what is wrong>; <what is allowed>``; the parts
    are also available as attributes.

    Parameters
    ----------
    file : str or os.PathLike
        The file (or the shipped name that was asked for).
    line : int
        1-based line number; ``0`` when the problem concerns the whole file.
    problem : str
        What is wrong.
    allowed : str
        What would be accepted instead.
    """

    def __init__(self, file: str | os.PathLike[str], line: int, problem: str, allowed: str):
        self.file = str(file)
        self.line = int(line)
        self.problem = _one_line(problem)
        self.allowed = _one_line(allowed)
        super().__init__(f"{self.file}:{self.line}: {self.problem}; {self.allowed}")

    def __reduce__(self) -> tuple[Any, ...]:
        # Keep the exception picklable (joblib workers send exceptions between processes).
        return (type(self), (self.file, self.line, self.problem, self.allowed))


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


# --------------------------------------------------------------------------------------------
# Limit curves
# --------------------------------------------------------------------------------------------


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
        return _one_line(self.metadata["reference"])

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


def _decode(data: bytes, display: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise DataFileError(
            display, line, "the file is not UTF-8 text", "data files are UTF-8 text"
        ) from None


def _parse_limit(data: bytes, display: str, path: Path) -> LimitCurve:
    """Parse and validate the bytes of a limit file."""
    text = _decode(data, display)
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
    if not _NAME.match(metadata["name"]):
        raise fail(
            key_lines["name"],
            f"name {metadata['name']!r} is not a single word",
            "use letters, digits, '_', '-', '.' (e.g. na62_2017_umu2)",
        )
    if not _valid_iso_date(metadata["date_added"]):
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
                raise fail(line, f"unknown unit {unit!r} for column {name!r}", _UNIT_HELP) from None
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
                line, f"value {token!r} in column {column} is not a number", _NUMBER_HELP
            ) from None
        if not math.isfinite(value):
            raise fail(
                line,
                f"value {token!r} in column {column} is not finite",
                "every value must be a finite number (no nan or inf)",
            )
        raise fail(line, f"value {token!r} in column {column} is not a plain number", _NUMBER_HELP)
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


def _valid_iso_date(text: str) -> bool:
    if not _ISO_DATE.match(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


# --------------------------------------------------------------------------------------------
# Experiment parameters
# --------------------------------------------------------------------------------------------

# The dimension expected for well-known parameter names (by the last part of the dotted key);
# any other dimensional value takes the dimension of the unit it is written with.
_EXPECTED_DIMENSION = {
    "beam_momentum": "MeV",
    "mean_decay_length": "mm",
    "veto_length": "mm",
    "veto_radius": "mm",
    "vertex_length": "mm",
    "m_ee_threshold": "MeV",
}
_REQUIRED_TOP = ("format_version", "name", "experiment", "limits", "parameters", "provenance")
_OPTIONAL_TOP = ("description", "notes")
_REQUIRED_PROVENANCE = ("reference", "source", "date_added")


@dataclass(frozen=True, eq=False)
class ExperimentParameters:
    """The parameters of one experiment, read from an experiment (TOML) file.

    Attributes
    ----------
    name : str
        The ``name`` value (for shipped files, the file stem).
    path : pathlib.Path
        Where the file was read from.
    experiment : str
        Display name of the experiment (e.g. ``"NA62"``).
    values : dict
        Every parameter, keyed by its dotted name (``"ee.n_kaon_fid"`` for ``n_kaon_fid`` in
        table ``[parameters.ee]``): numbers as written, dimensional values in hepunits internal
        units (MeV, mm, ns).
    written : dict
        Every parameter as written in the file (e.g. ``"37.5 m"``).
    notes : dict of str to str
        Optional explanation per parameter (table ``[notes]``).
    limits : tuple of str
        The limit files this experiment goes with (shipped names or paths).
    provenance : dict of str to str
        The ``[provenance]`` table (reference, source, date_added, notes, ...).
    description : str
        Optional one-line description.
    sha256 : str
        SHA-256 of the file bytes (hex).
    key_lines : dict of str to int
        Line number of each key and table (dotted names, e.g. ``"parameters.ee.n_kaon_fid"``),
        used to point error messages at the file.
    """

    name: str
    path: Path
    experiment: str
    values: dict[str, Any]
    written: dict[str, Any]
    notes: dict[str, str]
    limits: tuple[str, ...]
    provenance: dict[str, str]
    description: str
    sha256: str
    key_lines: dict[str, int] = field(default_factory=dict, repr=False)

    @property
    def citation(self) -> str:
        """The publication the parameters come from, on one line."""
        return _one_line(self.provenance["reference"])

    def get(self, key: str) -> Any:
        """Return parameter ``key`` (dotted name), converted to internal units.

        Raises
        ------
        DataFileError
            If the file has no such parameter; the message names the file and the key.
        """
        try:
            return self.values[key]
        except KeyError:
            raise DataFileError(
                self.path,
                self.key_lines.get("parameters", 0),
                f"no parameter {key!r} in experiment {self.name!r}",
                f"parameters in this file: {', '.join(self.values)}",
            ) from None

    def __contains__(self, key: object) -> bool:
        return key in self.values

    def load_limits(self) -> list[LimitCurve]:
        """Load the limit files named in ``limits`` (paths relative to this file)."""
        curves = []
        for entry in self.limits:
            if _SHIPPED_NAME.match(entry):
                curves.append(load_limit(entry))
            else:
                target = Path(entry).expanduser()
                if not target.is_absolute():
                    target = self.path.parent / target
                curves.append(load_limit(target))
        return curves


def _toml_key_lines(text: str) -> dict[str, int]:
    """Map dotted key paths (and table names) to the line where they are written.

    A light line scanner, good for the simple files this package uses (tables, keys,
    arrays); it only serves to point error messages at the right line.
    """
    where: dict[str, int] = {}
    table = ""
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        header = re.match(r"^\[\s*([^\[\]]+?)\s*\]", line)
        if header:
            table = ".".join(p.strip().strip("\"'") for p in header.group(1).split("."))
            where.setdefault(table, lineno)
            continue
        key = re.match(r"^([A-Za-z0-9_\-.\"' ]+?)\s*=", line)
        if key:
            parts = [p.strip().strip("\"'") for p in key.group(1).split(".")]
            dotted = ".".join([table, *parts] if table else parts)
            where.setdefault(dotted, lineno)
    return where


def _parse_experiment(data: bytes, display: str, path: Path) -> ExperimentParameters:
    """Parse and validate the bytes of an experiment file."""
    text = _decode(data, display)
    if not text.strip():
        raise DataFileError(
            display, 1, "the file is empty", "an experiment file is TOML; see the data README"
        )
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        message = str(err)
        line = getattr(err, "lineno", None)
        found = re.search(r"\(at line (\d+), column \d+\)", message)
        if line is None:
            line = int(found.group(1)) if found else 0
        if found:
            message = message.replace(found.group(0), "").strip()
        raise DataFileError(
            display,
            line,
            f"TOML syntax error: {message}",
            'quote text, write values with units as strings such as "37.5 m" (https://toml.io)',
        ) from None

    where = _toml_key_lines(text)
    n_lines = max(1, len(text.splitlines()))

    def fail(key: str | None, problem: str, allowed: str, default: int = 1) -> DataFileError:
        return DataFileError(display, where.get(key, default) if key else default, problem, allowed)

    for key in _REQUIRED_TOP:
        if key not in doc:
            raise fail(
                None,
                f"missing required key {key!r}",
                f"an experiment file needs: {', '.join(_REQUIRED_TOP)}",
            )
    for key in doc:
        if key not in _REQUIRED_TOP and key not in _OPTIONAL_TOP:
            raise fail(
                key,
                f"unknown top-level key {key!r}",
                f"top-level keys are: {', '.join(_REQUIRED_TOP + _OPTIONAL_TOP)}",
            )
    for key in ("format_version", "name", "experiment", *(k for k in ("description",) if k in doc)):
        if not isinstance(doc[key], str) or not doc[key].strip():
            raise fail(key, f"{key!r} must be a non-empty string", f'write {key} = "..."')
    if doc["format_version"] != FORMAT_VERSION:
        raise fail(
            "format_version",
            f"format_version {doc['format_version']!r} is not supported",
            f'this loader reads format_version = "{FORMAT_VERSION}"',
        )
    if not _NAME.match(doc["name"]):
        raise fail("name", f"name {doc['name']!r} is not a single word", 'e.g. name = "na62"')
    limits = doc["limits"]
    if not isinstance(limits, list) or not all(isinstance(x, str) and x for x in limits):
        raise fail(
            "limits",
            "'limits' must be a list of limit-file names",
            'write limits = ["na62_2017_umu2"] (shipped names or paths), or [] for none',
        )

    if not isinstance(doc["parameters"], dict):
        raise fail("parameters", "'parameters' must be a table", "write a [parameters] table")
    values: dict[str, Any] = {}
    written: dict[str, Any] = {}
    for key, raw in _flatten(doc["parameters"], "parameters"):
        short = key[len("parameters.") :]
        written[short] = raw
        try:
            values[short] = _parameter_value(short, raw)
        except _ParameterProblem as err:
            raise fail(key, err.problem, err.allowed) from None
    if not values:
        raise fail("parameters", "the [parameters] table is empty", "give at least one value")

    notes = doc.get("notes", {})
    if not isinstance(notes, dict):
        raise fail("notes", "'notes' must be a table", "write a [notes] table of strings")
    flat_notes: dict[str, str] = {}
    for key, note in _flatten(notes, "notes"):
        short = key[len("notes.") :]
        if short not in values:
            raise fail(
                key,
                f"note for unknown parameter {short!r}",
                f"notes explain parameters: {', '.join(values)}",
            )
        if not isinstance(note, str):
            raise fail(key, f"note for {short!r} is not a string", "write the note as a string")
        flat_notes[short] = note

    prov = doc["provenance"]
    if not isinstance(prov, dict):
        raise fail("provenance", "'provenance' must be a table", "write a [provenance] table")
    for key in _REQUIRED_PROVENANCE:
        if key not in prov:
            raise fail(
                "provenance",
                f"missing required key {key!r} in [provenance]",
                f"[provenance] needs: {', '.join(_REQUIRED_PROVENANCE)} (notes optional)",
                default=n_lines,
            )
    for key, value in prov.items():
        if not isinstance(value, str) or not value.strip():
            raise fail(
                f"provenance.{key}",
                f"provenance {key!r} must be a non-empty string",
                f'write {key} = "..."',
            )
    if not _valid_iso_date(prov["date_added"]):
        raise fail(
            "provenance.date_added",
            f"date_added {prov['date_added']!r} is not an ISO date",
            'write date_added = "YYYY-MM-DD"',
        )

    return ExperimentParameters(
        name=doc["name"],
        path=path,
        experiment=doc["experiment"],
        values=values,
        written=written,
        notes=flat_notes,
        limits=tuple(limits),
        provenance=dict(prov),
        description=doc.get("description", ""),
        sha256=hashlib.sha256(data).hexdigest(),
        key_lines=where,
    )


def _flatten(table: Mapping[str, Any], prefix: str) -> Iterable[tuple[str, Any]]:
    for key, value in table.items():
        dotted = f"{prefix}.{key}"
        if isinstance(value, dict):
            yield from _flatten(value, dotted)
        else:
            yield dotted, value


class _ParameterProblem(Exception):
    """A parameter value is not acceptable (turned into a DataFileError by the caller)."""

    def __init__(self, problem: str, allowed: str):
        super().__init__(problem)
        self.problem = problem
        self.allowed = allowed


def _parameter_value(key: str, raw: Any) -> Any:
    """Convert one parameter: numbers and booleans as they are, quantities to internal units."""
    allowed = 'write a number (2.14e11), a boolean, or "<number> <unit>" such as "37.5 m"'
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, (int, float)):
        if not math.isfinite(raw):
            raise _ParameterProblem(f"parameter {key!r} is not finite", allowed)
        return raw
    if isinstance(raw, str):
        match = _QUANTITY.match(raw)
        if match is None:
            problem = f"parameter {key!r} = {raw!r} is not '<number> <unit>'"
            raise _ParameterProblem(problem, allowed)
        unit = match.group(1)
        expected = _EXPECTED_DIMENSION.get(key.rsplit(".", 1)[-1])
        try:
            return parse_quantity(raw, expected or unit, name=key)
        except UnitError as err:
            problem = re.sub(r"\s*\([^()]*\)\s*$", "", str(err))  # drop UnitError's own hint
            kind = (
                f"of the same kind as {expected}" if expected else "name (m, mm, MeV, GeV, ps...)"
            )
            raise _ParameterProblem(
                f"bad unit in parameter {problem}",
                f"write '<number> <unit>' with a hepunits unit {kind}, e.g. \"150 m\"",
            ) from None
    raise _ParameterProblem(f"parameter {key!r} has type {type(raw).__name__}", allowed)


# --------------------------------------------------------------------------------------------
# Finding files: shipped names and user paths
# --------------------------------------------------------------------------------------------


def _package_dir() -> Traversable:
    return resources.files(_PACKAGE)


def _shipped_files() -> dict[str, Traversable]:
    """Map file name -> resource for every shipped data file (limit and experiment files)."""
    found = {}
    for entry in _package_dir().iterdir():
        if entry.is_file() and any(entry.name.endswith(s) for s in _KINDS):
            found[entry.name] = entry
    return dict(sorted(found.items()))


def shipped_inputs() -> list[str]:
    """Names (file stems) of every shipped input, limit and experiment files, sorted."""
    return sorted(name.rsplit(".", 1)[0] for name in _shipped_files())


def _shipped_of_kind(suffix: str) -> list[str]:
    return [name[: -len(suffix)] for name in _shipped_files() if name.endswith(suffix)]


def _read(name_or_path: str | os.PathLike[str], suffix: str) -> tuple[bytes, str, Path]:
    """Return (bytes, display name, path) for a shipped name or a user path."""
    kind = _KINDS[suffix]
    if isinstance(name_or_path, str) and _SHIPPED_NAME.match(name_or_path):
        resource = _shipped_files().get(name_or_path + suffix)
        if resource is None:
            raise DataFileError(
                name_or_path,
                0,
                f"no shipped {kind} file named {name_or_path!r}",
                f"shipped {kind} files are: {', '.join(_shipped_of_kind(suffix))} "
                f"(or give a path to a {suffix} file)",
            )
        return resource.read_bytes(), str(resource), Path(str(resource))
    path = Path(os.fspath(name_or_path)).expanduser()
    try:
        data = path.read_bytes()
    except OSError as err:
        reason = err.strerror or type(err).__name__
        names = ", ".join(_shipped_of_kind(suffix))
        raise DataFileError(
            path,
            0,
            f"cannot read the file ({reason})",
            f"give a readable {kind} file, or a shipped name: {names}",
        ) from None
    return data, str(path), path


def load_limit(name_or_path: str | os.PathLike[str]) -> LimitCurve:
    """Load a limit curve.

    Parameters
    ----------
    name_or_path : str or os.PathLike
        A shipped name (the file stem, e.g. ``"na62_2017_umu2"``: letters, digits, ``_``,
        ``-`` only) or the path of a user file in the same format (anything with a ``/``, a
        ``.`` or given as a :class:`pathlib.Path`).

    Returns
    -------
    LimitCurve

    Raises
    ------
    DataFileError
        If the name is not shipped, the file cannot be read or is malformed.
    """
    data, display, path = _read(name_or_path, LIMIT_SUFFIX)
    return _parse_limit(data, display, path)


def load_experiment(name_or_path: str | os.PathLike[str]) -> ExperimentParameters:
    """Load an experiment parameter file.

    Parameters
    ----------
    name_or_path : str or os.PathLike
        A shipped name (e.g. ``"na62"``) or the path of a user TOML file in the same format.

    Returns
    -------
    ExperimentParameters

    Raises
    ------
    DataFileError
        If the name is not shipped, the file cannot be read or is malformed.
    """
    data, display, path = _read(name_or_path, EXPERIMENT_SUFFIX)
    return _parse_experiment(data, display, path)


def load_input(name_or_path: str | os.PathLike[str]) -> LimitCurve | ExperimentParameters:
    """A shipped input by name (limit or experiment file) or a user file by path."""
    if isinstance(name_or_path, str) and _SHIPPED_NAME.match(name_or_path):
        files = _shipped_files()
        if name_or_path + EXPERIMENT_SUFFIX in files:
            return load_experiment(name_or_path)
        if name_or_path + LIMIT_SUFFIX in files:
            return load_limit(name_or_path)
        raise DataFileError(
            name_or_path,
            0,
            f"no shipped input named {name_or_path!r}",
            f"shipped inputs are: {', '.join(shipped_inputs())}",
        )
    if os.fspath(name_or_path).endswith(EXPERIMENT_SUFFIX):
        return load_experiment(name_or_path)
    return load_limit(name_or_path)


# --------------------------------------------------------------------------------------------
# Listing and showing (for `threeportal data list` / `threeportal data show NAME`)
# --------------------------------------------------------------------------------------------


def format_listing() -> str:
    """One line per shipped input: name, kind, experiment and citation.

    Returns
    -------
    str
        Aligned lines, ending with a newline. A file that fails to load is listed with its
        error instead of a citation.
    """
    entries = []
    for file_name in _shipped_files():
        stem, suffix = file_name.rsplit(".", 1)
        kind = _KINDS["." + suffix]
        try:
            item = load_input(stem)
        except DataFileError as err:
            entries.append((stem, kind, "?", f"ERROR {err}"))
            continue
        if isinstance(item, LimitCurve):
            experiment = item.metadata["experiment"]
        else:
            experiment = item.experiment
        entries.append((stem, kind, experiment, item.citation))
    if not entries:
        return ""
    widths = [max(len(e[i]) for e in entries) for i in range(3)]
    return "".join(
        f"{e[0]:<{widths[0]}}  {e[1]:<{widths[1]}}  {e[2]:<{widths[2]}}  {e[3]}\n" for e in entries
    )


def _fmt(value: float) -> str:
    return f"{value:.6g}"


def _written(raw: Any) -> str:
    """A parameter as it would be written in TOML."""
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, float):
        return _fmt(raw)
    if isinstance(raw, str):
        return f'"{raw}"'
    return str(raw)


def format_show(name_or_path: str | os.PathLike[str], *, preview_rows: int = 3) -> str:
    """Everything about one input: its metadata, and a preview of its columns with units.

    Parameters
    ----------
    name_or_path : str or os.PathLike
        A shipped name (limit or experiment) or a path (``.toml`` files are read as experiment
        files, anything else as a limit file).
    preview_rows : int
        Number of rows shown from each end of a limit curve.

    Returns
    -------
    str
        A multi-line description ending with a newline.
    """
    item = load_input(name_or_path)
    out: list[str] = []
    if isinstance(item, LimitCurve):
        out.append(f"{item.name}  (limit curve, {item.n_rows} rows)")
        out.append(f"  file: {item.path}")
        out.append(f"  sha256: {item.sha256}")
        width = max(len(k) for k in item.metadata)
        out.extend(f"  {key:<{width}} : {value}" for key, value in item.metadata.items())
        heads = [f"{col} [{item.units[col]}]" for col in item.columns]
        scales = [1.0 if item.units[c] == "1" else unit_value(item.units[c]) for c in item.columns]
        n = item.n_rows
        shown = (
            list(range(n))
            if n <= 2 * preview_rows
            else [
                *range(preview_rows),
                -1,
                *range(n - preview_rows, n),
            ]
        )
        cells = [heads]
        for i in shown:
            if i < 0:
                cells.append(["..."] * len(heads))
            else:
                cells.append(
                    [
                        _fmt(item.columns[c][i] / s)
                        for c, s in zip(item.columns, scales, strict=True)
                    ]
                )
        widths = [max(len(row[j]) for row in cells) for j in range(len(heads))]
        out.append("  preview (values as written, in the file's units):")
        out.extend(
            "    " + "  ".join(f"{v:>{w}}" for v, w in zip(row, widths, strict=True))
            for row in cells
        )
        x = item.columns[item.x_column] / scales[0]
        unit = item.units[item.x_column]
        out.append(f"  range: {item.x_column} from {_fmt(x[0])} to {_fmt(x[-1])} {unit}")
    else:
        out.append(f"{item.name}  (experiment parameters: {item.experiment})")
        out.append(f"  file: {item.path}")
        out.append(f"  sha256: {item.sha256}")
        if item.description:
            out.append(f"  description: {item.description}")
        out.append(f"  limits: {', '.join(item.limits) if item.limits else '(none)'}")
        out.append("  parameters (as written):")
        width = max(len(k) for k in item.written)
        for key, raw in item.written.items():
            out.append(f"    {key:<{width}} = {_written(raw)}")
            if key in item.notes:
                out.append(f"    {'':<{width}}   # {item.notes[key]}")
        out.append("  provenance:")
        width = max(len(k) for k in item.provenance)
        out.extend(f"    {key:<{width}} : {value}" for key, value in item.provenance.items())
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------------------------
# Integrity of the shipped files
# --------------------------------------------------------------------------------------------


def checksums() -> dict[str, str]:
    """SHA-256 (hex) of every shipped data file (inputs and ``*.dat`` tables), keyed by name."""
    files = _shipped_files()
    tables = (e for e in _package_dir().iterdir() if e.is_file() and e.name.endswith(".dat"))
    files = dict(sorted({**files, **{entry.name: entry for entry in tables}}.items()))
    return {name: hashlib.sha256(res.read_bytes()).hexdigest() for name, res in files.items()}


def manifest_text() -> str:
    """The text of ``MANIFEST.sha256`` for the files as they are now (``sha256sum`` format).

    Maintainers regenerate the manifest after changing a shipped file with::

        python -c "from threeportal.data import manifest_text as m; print(m(), end='')" \\
            > src/threeportal/data/MANIFEST.sha256
    """
    lines = ["# SHA-256 of the shipped data files; checked by threeportal.data.verify_shipped()"]
    lines.extend(f"{digest}  {name}" for name, digest in checksums().items())
    return "\n".join(lines) + "\n"


def _read_manifest() -> tuple[dict[str, str], list[str]]:
    resource = _package_dir().joinpath(MANIFEST_NAME)
    if not resource.is_file():
        return {}, [f"{MANIFEST_NAME} is missing from the package"]
    expected: dict[str, str] = {}
    problems: list[str] = []
    for lineno, raw in enumerate(resource.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) != 2 or not re.fullmatch(r"[0-9a-f]{64}", parts[0]):
            problems.append(f"{MANIFEST_NAME}:{lineno}: not '<sha256>  <file name>'")
            continue
        expected[parts[1]] = parts[0]
    return expected, problems


def verify_shipped() -> list[str]:
    """Check the shipped data files against ``MANIFEST.sha256`` and load each one.

    Returns
    -------
    list of str
        One line per problem (missing, unlisted or modified file, file that fails to load,
        experiment naming a limit that is not shipped); empty when all is well.
    """
    expected, problems = _read_manifest()
    actual = checksums()
    for name, digest in expected.items():
        if name not in actual:
            problems.append(f"{name}: listed in {MANIFEST_NAME} but not shipped")
        elif actual[name] != digest:
            problems.append(f"{name}: sha256 {actual[name][:12]}... differs from {MANIFEST_NAME}")
    problems.extend(
        f"{name}: shipped but not listed in {MANIFEST_NAME}"
        for name in actual
        if name not in expected
    )
    shipped_limits = set(_shipped_of_kind(LIMIT_SUFFIX))
    for name in _shipped_files():
        stem = name.rsplit(".", 1)[0]
        try:
            item = load_input(stem)
        except DataFileError as err:
            problems.append(str(err))
            continue
        if isinstance(item, ExperimentParameters):
            problems.extend(
                f"{name}: limit {entry!r} is not a shipped limit file"
                for entry in item.limits
                if entry not in shipped_limits
            )
        elif item.name != stem:
            problems.append(f"{name}: header name {item.name!r} differs from the file name")
    return problems
