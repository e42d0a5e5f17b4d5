"""Parsing and formatting of dimensional values written with a unit, e.g. ``"300 MeV"``."""

from __future__ import annotations

import math
import re

import hepunits

from .errors import ThreeportalError

__all__ = ["UnitError", "parse_quantity", "unit_value"]

_QUANTITY = re.compile(
    r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*\*?\s*([A-Za-z_][\w^]*)\s*$"
)


class UnitError(ThreeportalError):
    """A value is missing its unit, has an unknown unit, or a unit of the wrong dimension."""


def unit_value(unit: str) -> float:
    """Value of a hepunits unit given by name, e.g. ``"GeV"`` -> 1000.0.

    Raises
    ------
    UnitError
        If ``unit`` is not a hepunits unit name.
    """
    value = getattr(hepunits, unit, None)
    if not isinstance(value, (int, float)) or unit.startswith("_"):
        raise UnitError(f"unknown unit {unit!r} (use a hepunits name such as MeV, GeV, mm, ps)")
    return float(value)


def parse_quantity(text: str | float | int, dimension_of: str, *, name: str = "value") -> float:
    """Parse ``"<number> <unit>"`` into hepunits internal units.

    Parameters
    ----------
    text : str
        The value with its unit, e.g. ``"300 MeV"`` or ``"0.3 GeV"``.
    dimension_of : str
        A reference unit name (``"MeV"``, ``"mm"``, ``"ps"``); the parsed unit must have
        the same dimension (checked through hepunits' consistent unit system).
    name : str
        The parameter name used in error messages.

    Returns
    -------
    float
        The value in hepunits internal units (MeV, mm, ns).
    """
    if isinstance(text, bool) or not isinstance(text, str):
        raise UnitError(f"{name}: {text!r} has no unit; write it as e.g. '1 {dimension_of}'")
    match = _QUANTITY.match(text)
    if match is None:
        raise UnitError(f"{name}: {text!r} is not '<number> <unit>', e.g. '1 {dimension_of}'")
    number = float(match.group(1))
    unit = match.group(2)
    try:
        scale = unit_value(unit)
    except UnitError as err:
        raise UnitError(f"{name}: {err}") from None
    if not _same_dimension(unit, dimension_of):
        raise UnitError(f"{name}: unit {unit!r} is not a unit of the same kind as {dimension_of!r}")
    value = number * scale
    if not math.isfinite(value):
        raise UnitError(f"{name}: {text!r} is not a finite number")
    return value


_DIMENSION_GROUPS = (
    {"eV", "keV", "MeV", "GeV", "TeV", "PeV", "joule", "J", "erg"},
    {
        "m",
        "mm",
        "cm",
        "km",
        "um",
        "nm",
        "fm",
        "pm",
        "micrometer",
        "nanometer",
        "meter",
        "millimeter",
        "centimeter",
        "kilometer",
        "femtometer",
        "fermi",
        "angstrom",
    },
    {
        "s",
        "ms",
        "us",
        "ns",
        "ps",
        "fs",
        "second",
        "millisecond",
        "microsecond",
        "nanosecond",
        "picosecond",
        "femtosecond",
        "minute",
        "hour",
        "day",
        "year",
    },
    {"m2", "cm2", "mm2", "km2", "barn", "mbarn", "ubarn", "nbarn", "pbarn", "fbarn", "abarn"},
)


def _same_dimension(unit: str, reference: str) -> bool:
    for group in _DIMENSION_GROUPS:
        if reference in group:
            return unit in group
    return unit == reference
