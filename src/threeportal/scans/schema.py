"""The scan-card schema as data, and the generic validators that check a card against it.

Each fixed table of a card (``[scan]``, ``[axes.x]``, ``[output]``, ``[grid]``) is a
:data:`TableSchema`: its keys in order, each with a validator and a default (or
:data:`REQUIRED`). :func:`validate_table` is the one place that checks a table against its
schema; every mistake raises :class:`CardError` with one line naming the dotted key and what is
allowed. The tables whose keys come from elsewhere (``[model]`` from the model's parameter
table, ``[constraints]`` from the layer registry, ``[inputs]`` from the default inputs) are
checked by the card with the same validators.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..model import MASS_PARAMETERS, NUMBER_PARAMETERS
from ..units import UnitError, parse_quantity
from .errors import CardError

__all__ = [
    "AXIS_PARAMETERS",
    "AXIS_SCHEMA",
    "COSMETIC_SECTIONS",
    "GRID_SCHEMA",
    "MODEL_KEYS",
    "OUTPUT_SCHEMA",
    "REQUIRED",
    "SCAN_SCHEMA",
    "SECTIONS",
    "Key",
    "TableSchema",
    "as_table",
    "canonical_number",
    "check_keys",
    "describe",
    "integer",
    "is_number",
    "number",
    "parameter_value",
    "string",
    "validate_table",
]

#: Parameters that may be a scan axis (the numeric parameters of threeportal.model).
AXIS_PARAMETERS = MASS_PARAMETERS + NUMBER_PARAMETERS
#: Keys of ``[model]``.
MODEL_KEYS = (*AXIS_PARAMETERS, "nature")
#: The tables of a card.
SECTIONS = ("scan", "model", "axes", "constraints", "inputs", "output", "grid", "plot")
#: Sections that do not change what the scan's grid holds (left out of the card's SHA-256):
#: where it is written, how it is drawn, and how finely its contours are refined afterwards
#: (refinement is a property of a result, added to it in place).
COSMETIC_SECTIONS = ("output", "plot", "grid")
SCALES = ("linear", "log")

_CARD_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class _Required:
    def __repr__(self) -> str:
        return "REQUIRED"


#: Default of a key that must be given.
REQUIRED: Any = _Required()


# --- generic validators: (value, dotted key) -> validated value ---------------------------
def describe(value: Any) -> str:
    """A value as words for an error message (``"the string 'x'"``, ``"a table"``)."""
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, list):
        return "an array" if value else "an empty array"
    if isinstance(value, dict):
        return "a table"
    return f"a {type(value).__name__}"


def is_number(value: Any) -> bool:
    """True for an int or float that is not a boolean."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def as_table(value: Any, key: str) -> dict[str, Any]:
    """``value`` if it is a table, else a CardError naming ``key``."""
    if not isinstance(value, dict):
        raise CardError(f"{key}: expected a table [{key}], got {describe(value)}")
    return value


def check_keys(values: Mapping[str, Any], prefix: str, allowed: Sequence[str]) -> None:
    """Refuse any key of ``values`` not in ``allowed``."""
    for key in values:
        if key not in allowed:
            raise CardError(f"{prefix}.{key}: unknown key; allowed: {', '.join(allowed)}")


def number(value: Any, key: str, allowed: str = "a number") -> float:
    """A finite number."""
    if not is_number(value):
        raise CardError(f"{key}: expected {allowed}, got {describe(value)}")
    if not math.isfinite(value):
        raise CardError(f"{key}: expected a finite number, got {value!r}")
    return float(value)


def integer(value: Any, key: str, minimum: int) -> int:
    """An integer >= ``minimum``."""
    allowed = f"an integer >= {minimum}"
    if not isinstance(value, int) or isinstance(value, bool):
        raise CardError(f"{key}: expected {allowed}, got {describe(value)}")
    if value < minimum:
        raise CardError(f"{key}: {value} is too small; allowed: {allowed}")
    return value


def string(value: Any, key: str, allowed: str = "a string") -> str:
    """A string."""
    if not isinstance(value, str):
        raise CardError(f"{key}: expected {allowed}, got {describe(value)}")
    return value


def one_of(value: Any, key: str, allowed: Sequence[str]) -> str:
    """One of the words ``allowed``."""
    if not isinstance(value, str) or value not in allowed:
        shown = repr(value) if isinstance(value, str) else describe(value)
        raise CardError(f"{key}: {shown} is not allowed; allowed: {', '.join(allowed)}")
    return value


def _mass(value: Any, key: str) -> float:
    """A mass written with its unit, in hepunits (MeV)."""
    allowed = 'a mass with its unit as a string, e.g. "150 MeV" (eV, keV, MeV, GeV, TeV)'
    if is_number(value):
        raise CardError(f"{key}: {value!r} has no unit; allowed: {allowed}")
    string(value, key, allowed)
    try:
        return parse_quantity(value, "MeV", name=key)
    except UnitError as err:
        raise CardError(f"{err}; allowed: {allowed}") from None


def parameter_value(parameter: str, value: Any, key: str) -> float:
    """A model parameter value in hepunits internal units (masses in MeV)."""
    if parameter in MASS_PARAMETERS:
        return _mass(value, key)
    if isinstance(value, str):
        raise CardError(
            f"{key}: expected a plain number for the dimensionless {parameter}, "
            f"got {describe(value)}"
        )
    return number(value, key, f"a number (the dimensionless {parameter})")


def canonical_number(value: Any) -> Any:
    """Numbers as floats (``1`` and ``1.0`` hash the same); anything else unchanged."""
    return float(value) if is_number(value) else value


# --- the schema ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Key:
    """One key of a card table.

    Attributes
    ----------
    check : callable
        ``check(value, dotted_key, validated_so_far) -> value``; raises CardError.
    default : object
        Value when the key is absent, or :data:`REQUIRED`.
    required : str
        What the error says when a required key is missing (after ``"<key>: required; "``).
    """

    check: Callable[[Any, str, Mapping[str, Any]], Any]
    default: Any = REQUIRED
    required: str = ""


#: The keys of one table, in the order they are validated.
TableSchema = dict[str, Key]


def validate_table(value: Any, where: str, schema: TableSchema) -> dict[str, Any]:
    """Check the table ``value`` at ``where`` against ``schema``; return the validated values.

    Unknown keys are refused, then missing required keys, then each value in schema order
    (a check may use the values validated before it). Absent optional keys take their default.
    """
    values = as_table(value, where)
    check_keys(values, where, tuple(schema))
    for key, spec in schema.items():
        if spec.default is REQUIRED and key not in values:
            raise CardError(f"{where}.{key}: required; {spec.required}")
    out: dict[str, Any] = {}
    for key, spec in schema.items():
        if key in values:
            out[key] = spec.check(values[key], f"{where}.{key}", out)
        else:
            out[key] = spec.default
    return out


def _card_name(value: Any, key: str, _: Mapping[str, Any]) -> str | None:
    if value is None:
        return None
    string(value, key)
    if not _CARD_NAME.match(value):
        raise CardError(
            f"{key}: {value!r} is not allowed; allowed: letters, digits, '_', '-', '.'"
            " (starting with a letter or digit)"
        )
    return value


def _axis_parameter(value: Any, key: str, _: Mapping[str, Any]) -> str:
    if not isinstance(value, str) or value not in AXIS_PARAMETERS:
        shown = repr(value) if isinstance(value, str) else describe(value)
        raise CardError(
            f"{key}: {shown} is not a model parameter; allowed: {', '.join(AXIS_PARAMETERS)}"
        )
    return value


def _axis_bound(value: Any, key: str, axis: Mapping[str, Any]) -> float:
    return parameter_value(axis["parameter"], value, key)


def _output_path(value: Any, key: str, _: Mapping[str, Any]) -> str:
    path = string(value, key, "a file path (string)")
    if not path.strip():
        raise CardError(f"{key}: empty; allowed: a file path, e.g. 'results/x.h5'")
    return path


#: ``[scan]``: the name (default: the card file's stem) and a description.
SCAN_SCHEMA: TableSchema = {
    "name": Key(_card_name, default=None),
    "description": Key(lambda v, k, _: string(v, k), default=""),
}
_AXIS_HELP = "an axis has keys parameter, min, max, n, scale"
#: ``[axes.x]`` and ``[axes.y]``: bounds in the parameter's unit, n points, spacing.
AXIS_SCHEMA: TableSchema = {
    "parameter": Key(_axis_parameter, required=_AXIS_HELP),
    "min": Key(_axis_bound, required=_AXIS_HELP),
    "max": Key(_axis_bound, required=_AXIS_HELP),
    "n": Key(lambda v, k, _: integer(v, k, 2), required=_AXIS_HELP),
    "scale": Key(lambda v, k, _: one_of(v, k, SCALES), default="linear"),
}


def _boolean(value: Any, key: str, _: Mapping[str, Any]) -> bool:
    if not isinstance(value, bool):
        raise CardError(f"{key} = {describe(value)}: allowed: true or false")
    return value


#: ``[output]``: where the result goes, the tile side (default: chosen from the grid and a
#: memory budget) and whether fields without contour levels (diagnostics such as
#: ``*_limit_U2``) are stored. Not in the SHA-256: the physics is the same either way.
OUTPUT_SCHEMA: TableSchema = {
    "path": Key(_output_path, default=None),
    "tile": Key(lambda v, k, _: integer(v, k, 1), default=None),
    "diagnostics": Key(_boolean, default=False),
}
#: ``[grid]``: levels of adaptive contour refinement after the scan (0: none).
GRID_SCHEMA: TableSchema = {
    "refine": Key(lambda v, k, _: integer(v, k, 0), default=0),
}
