"""A scan axis: one model parameter, its bounds, number of points and spacing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..model import PARAMETERS
from ..units import unit_value
from .errors import CardError
from .schema import AXIS_SCHEMA, canonical_number, validate_table

__all__ = ["Axis", "parse_axis"]


@dataclass(frozen=True)
class Axis:
    """One scan axis.

    Attributes
    ----------
    key : str
        ``"axes.x"`` or ``"axes.y"``.
    parameter : str
        The model parameter scanned (see :data:`AXIS_PARAMETERS`).
    min, max : float
        Bounds in hepunits internal units (MeV for masses).
    n : int
        Number of grid points (>= 2), bounds included.
    scale : {"linear", "log"}
        Spacing of the points.
    """

    key: str
    parameter: str
    min: float
    max: float
    n: int
    scale: str

    @property
    def units(self) -> str:
        """Unit of the stored axis values: ``"MeV"`` for masses, ``"1"`` otherwise."""
        return PARAMETERS[self.parameter].unit

    def values(self) -> NDArray[np.float64]:
        """The grid points in hepunits internal units (exact bounds at both ends)."""
        if self.scale == "log":
            return np.geomspace(self.min, self.max, self.n)
        return np.linspace(self.min, self.max, self.n)

    def stored_values(self) -> NDArray[np.float64]:
        """The grid points in the stored unit :attr:`units` (MeV or dimensionless)."""
        if self.units == "1":
            return self.values()
        return self.values() / unit_value(self.units)


def parse_axis(raw: Any, key: str) -> tuple[Axis, dict[str, Any]]:
    values = validate_table(raw, key, AXIS_SCHEMA)
    lo, hi, scale = values["min"], values["max"], values["scale"]
    if not lo < hi:
        raise CardError(
            f"{key}: min ({raw['min']}) must be < max ({raw['max']}); allowed: min < max"
        )
    if scale == "log" and lo <= 0:
        raise CardError(
            f"{key}.min: {raw['min']} is not > 0; a log axis needs positive bounds "
            '(allowed: min > 0, or scale = "linear")'
        )
    canonical = {
        **values,
        "min": canonical_number(raw["min"]),
        "max": canonical_number(raw["max"]),
    }
    return Axis(key, values["parameter"], lo, hi, values["n"], scale), canonical
