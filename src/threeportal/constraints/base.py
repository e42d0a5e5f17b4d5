"""What a constraint is: a named function from a model grid to fields and masks.

A *field* is a number on the grid with a unit and the contour level(s) that make it a curve;
a *mask* is a region. Layers that only make sense on part of the plane carry a *domain*
mask; outside it the layer is absent (plots draw nothing, ``point`` omits it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import ThreeportalError
from ..model import ModelPoint
from ..physics.kinematics import cascade_decay_probabilities
from ..physics.state import DecayState

__all__ = [
    "Constraint",
    "ConstraintError",
    "EvaluationContext",
    "Field",
    "Mask",
]


class ConstraintError(ThreeportalError):
    """A constraint option or input is not allowed; the message names it."""


@dataclass
class Field:
    """A field on the grid.

    Attributes
    ----------
    values : ndarray
        The field, broadcast to the grid shape.
    units : str
        Unit name of ``values`` (``"1"`` for dimensionless).
    description : str
        One line saying what the field is.
    levels : tuple of float
        Contour levels that turn the field into curves (empty: no curve).
    domain : ndarray of bool, optional
        Where the field is defined; outside it the layer is absent.
    """

    values: NDArray[np.float64]
    units: str
    description: str
    levels: tuple[float, ...] = ()
    domain: NDArray[np.bool_] | None = None


@dataclass
class Mask:
    """A region on the grid (True inside), with a one-line description."""

    values: NDArray[np.bool_]
    description: str


@dataclass
class EvaluationContext:
    """Everything a layer needs: the model (point or grid), shared decay quantities, inputs."""

    model: ModelPoint
    inputs: Any  # threeportal.constraints.inputs.Inputs
    decays: DecayState = field(init=False)
    _cascades: dict[tuple[float, float, str], Any] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.decays = DecayState(self.model)
        self._cascades = {}

    def cascade_probabilities(
        self, distance: float, kaon_momentum: float, mode: str
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """(P_nuh, P_joint) of K+ -> mu+ nu_h -> nu Z' decays within ``distance`` (mm) for
        kaons of lab momentum ``kaon_momentum`` (MeV), computed once per geometry and shared
        by the layers (see :func:`threeportal.physics.kinematics.cascade_decay_probabilities`).
        """
        key = (float(distance), float(kaon_momentum), mode)
        if key not in self._cascades:
            try:
                self._cascades[key] = cascade_decay_probabilities(
                    distance,
                    kaon_momentum,
                    self.model.m_nuh,
                    self.model.m_zprime,
                    self.decays.nuh_ctau,
                    self.decays.zprime_ctau,
                    mode,  # type: ignore[arg-type]
                )
            except ValueError as err:
                raise ConstraintError(str(err)) from None
        return self._cascades[key]

    @property
    def shape(self) -> tuple[int, ...]:
        """Broadcast shape of the model."""
        return self.model.shape

    def full(self, values: Any) -> NDArray:
        """``values`` broadcast to the grid shape (a real array, not a view; no copy when
        it already has that shape)."""
        values = np.asarray(values)
        if values.shape == self.shape:
            return values
        return np.array(np.broadcast_to(values, self.shape))


@dataclass(frozen=True)
class Constraint:
    """A registered Fig. 3 layer.

    Attributes
    ----------
    name : str
        Registry key, used in scan cards.
    label : str
        Legend / panel label (matplotlib mathtext).
    style : mapping
        Plot style: ``kind`` ("curve" or "region") and matplotlib keyword arguments.
    options : mapping
        Default options; a card may override any of them, and only them.
    evaluate : callable
        ``evaluate(context, options) -> dict[str, Field | Mask]``.
    point_summary : callable
        ``point_summary(result, options) -> dict | None`` for ``threeportal point``; None
        when the layer is absent at that point.
    """

    name: str
    label: str
    style: Mapping[str, Any]
    options: Mapping[str, Any]
    evaluate: Callable[[EvaluationContext, Mapping[str, Any]], dict[str, Field | Mask]]
    point_summary: Callable[[dict[str, Field | Mask], Mapping[str, Any]], Any]

    def resolve_options(self, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Default options updated with ``overrides``; unknown keys raise ConstraintError."""
        options = dict(self.options)
        for key, value in (overrides or {}).items():
            if key not in options:
                allowed = ", ".join(sorted(options)) or "none"
                raise ConstraintError(
                    f"constraints.{self.name}.{key}: unknown option; allowed: {allowed}"
                )
            options[key] = value
        return options
