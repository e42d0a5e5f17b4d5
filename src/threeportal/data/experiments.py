"""Experiment files (``*.toml``): the parser and :class:`ExperimentParameters`.

An experiment file holds the numbers that describe an experiment (kaon counts, acceptances,
decay lengths, beam momenta, veto sizes), with units written as strings such as ``"37.5 m"``,
and a ``[provenance]`` table (see ``README.md`` beside this module). Dimensional values are
converted to hepunits internal units (MeV, mm, ns) on loading.
"""

from __future__ import annotations

import hashlib
import math
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import one_line
from ..units import UnitError, parse_quantity
from .common import (
    FORMAT_VERSION,
    NAME_PATTERN,
    SHIPPED_NAME,
    DataFileError,
    decode_text,
    valid_iso_date,
)
from .limits import LimitCurve

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

__all__ = ["EXPERIMENT_SUFFIX", "ExperimentParameters", "parse_experiment"]

#: File suffix of experiment parameter files.
EXPERIMENT_SUFFIX = ".toml"

_QUANTITY = re.compile(
    r"^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*\*?\s*([A-Za-z_][\w^]*)\s*$"
)


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
        return one_line(self.provenance["reference"])

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
        from .registry import load_limit  # the registry imports this module

        curves = []
        for entry in self.limits:
            if SHIPPED_NAME.match(entry):
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


_Fail = Callable[..., DataFileError]


def _load_toml(text: str, display: str) -> dict[str, Any]:
    if not text.strip():
        raise DataFileError(
            display, 1, "the file is empty", "an experiment file is TOML; see the data README"
        )
    try:
        return tomllib.loads(text)
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


def _check_top(doc: Mapping[str, Any], fail: _Fail) -> None:
    """The top-level keys: all required ones, no unknown one, names and version."""
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
    if not NAME_PATTERN.match(doc["name"]):
        raise fail("name", f"name {doc['name']!r} is not a single word", 'e.g. name = "na62"')
    limits = doc["limits"]
    if not isinstance(limits, list) or not all(isinstance(x, str) and x for x in limits):
        raise fail(
            "limits",
            "'limits' must be a list of limit-file names",
            'write limits = ["na62_2017_umu2"] (shipped names or paths), or [] for none',
        )


def _read_parameters(
    doc: Mapping[str, Any], fail: _Fail
) -> tuple[dict[str, Any], dict[str, Any], dict[str, str]]:
    """``[parameters]`` in internal units and as written, and ``[notes]`` by parameter."""
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
    return values, written, flat_notes


def _check_provenance(prov: Any, fail: _Fail, n_lines: int) -> None:
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
    if not valid_iso_date(prov["date_added"]):
        raise fail(
            "provenance.date_added",
            f"date_added {prov['date_added']!r} is not an ISO date",
            'write date_added = "YYYY-MM-DD"',
        )


def parse_experiment(data: bytes, display: str, path: Path) -> ExperimentParameters:
    """Parse and validate the bytes of an experiment file (``display`` names it in errors)."""
    text = decode_text(data, display)
    doc = _load_toml(text, display)
    where = _toml_key_lines(text)

    def fail(key: str | None, problem: str, allowed: str, default: int = 1) -> DataFileError:
        return DataFileError(display, where.get(key, default) if key else default, problem, allowed)

    _check_top(doc, fail)
    values, written, flat_notes = _read_parameters(doc, fail)
    prov = doc["provenance"]
    _check_provenance(prov, fail, max(1, len(text.splitlines())))
    limits = doc["limits"]
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
