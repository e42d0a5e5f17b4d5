"""What a constraint is: a named function from a model grid to fields and masks.

A *field* is a number on the grid with a unit and the contour level(s) that make it a curve;
a *mask* is a region. Layers that only make sense on part of the plane carry a *domain*
mask; outside it the layer is absent (plots draw nothing, ``point`` omits it).

A :class:`Constraint` declares its name, its options and its named :class:`Output` s (kind,
unit, contour level, the name of its domain mask, its key in the point summary); the point
summary of every layer is built from these declarations by :meth:`Constraint.summary`.
How a layer is drawn (labels, colours, line styles) is not here: see
``threeportal.plotting.presentation``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import ThreeportalError
from ..model import ModelPoint
from ..physics.kinematics import cascade_decay_probabilities
from ..physics.state import DecayState
from .domains import Threshold

__all__ = [
    "Constraint",
    "ConstraintError",
    "EvaluationContext",
    "Field",
    "Mask",
    "Output",
    "scalar",
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
    domain_name : str or None
        Name of the mask holding ``domain`` when it is stored (set by
        :meth:`Constraint.evaluate` from the layer's declared :class:`Output`).
    reference, item
        :attr:`Output.reference` and the ``per`` item of the declared output (set by
        :meth:`Constraint.evaluate`).
    """

    values: NDArray[np.float64]
    units: str
    description: str
    levels: tuple[float, ...] = ()
    domain: NDArray[np.bool_] | None = None
    domain_name: str | None = None
    reference: bool = False
    item: str | None = None


@dataclass
class Mask:
    """A region on the grid (True inside), with a one-line description.

    ``region_field``, ``region_level`` and ``region_side`` say which continuous field the
    mask is a level set of (``field > level`` for ``"above"``, ``field < level`` for
    ``"below"``), set by :meth:`Constraint.evaluate` from the layer's declared
    :class:`Output` (None when the mask is not such a level set); ``reference`` and ``item``
    likewise (:attr:`Output.reference`, the ``per`` item of the declared output).
    """

    values: NDArray[np.bool_]
    description: str
    region_field: str | None = None
    region_level: float | None = None
    region_side: Literal["above", "below"] | None = None
    reference: bool = False
    item: str | None = None


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


def scalar(value: ArrayLike) -> Any:
    """The first element of ``value`` as a Python scalar (a point's value of a grid array)."""
    return np.asarray(value).reshape(-1)[0].item()


class _Keep:
    def __repr__(self) -> str:
        return "KEEP"


#: :attr:`Output.outside` default: the point summary reports the value even outside the domain.
KEEP: Any = _Keep()


@dataclass(frozen=True)
class Output:
    """One named output a layer declares.

    Attributes
    ----------
    name : str
        Dataset name; ``{item}`` is replaced by each entry of the option named by ``per``.
    kind : {"field", "mask"}
        A number on the grid, or a region.
    unit : str
        Unit name of a field (``"1"`` for dimensionless).
    level : float, str or None
        Contour level of a field: a number, the name of the option holding the level(s), or
        None (no level, or one the layer computes from its inputs).
    domain : str or None
        Name of the mask where the field is defined (stored with the result), or None.
    summary : str or None
        Key of the output in the layer's point summary (None: left out).
    outside : object
        Summary value at a point outside ``domain`` (default :data:`KEEP`: the value itself).
    per : str or None
        Option whose entries each give one copy of this output (``{item}`` in the names).
    region_field : str or None
        For a mask that is a level set of a continuous field: that field's name (``{item}``
        replaced like ``name``), so that the region can be drawn by contouring the field.
    region_level : float, str or None
        The level of ``region_field`` (a number or the name of the option holding it).
    region_side : {"above", "below"} or None
        The mask is ``field > level`` ("above") or ``field < level`` ("below").
    reference : bool
        The output is a reference, not a bound: the published bound before the layer's
        rescaling (e.g. a peak search as published), shown faintly for comparison and left
        out of the combined exclusion. Stored as the dataset attribute ``reference``.
    """

    name: str
    kind: Literal["field", "mask"]
    unit: str = "1"
    level: float | str | None = None
    domain: str | None = None
    summary: str | None = None
    outside: Any = KEEP
    per: str | None = None
    region_field: str | None = None
    region_level: float | str | None = None
    region_side: Literal["above", "below"] | None = None
    reference: bool = False

    def region(
        self, item: Any, options: Mapping[str, Any]
    ) -> tuple[str, float | None, Literal["above", "below"]] | None:
        """(field name, level, side) of the region this mask is, for one ``per`` item.

        A level of None means the field's own first contour level.
        """
        if self.region_field is None or self.region_side is None:
            return None
        level = None if self.region_level is None else _levels(self.region_level, options)[0]
        return self.region_field.format(item=item), level, self.region_side

    def expand(self, options: Mapping[str, Any]) -> list[tuple[str | None, str, str | None]]:
        """``[(item, name, domain name), ...]`` for these options (item None unless ``per``)."""
        items: list[Any] = [None] if self.per is None else list(options[self.per])
        out = []
        for item in items:
            domain = None if self.domain is None else self.domain.format(item=item)
            out.append((item, self.name.format(item=item), domain))
        return out


def _levels(level: float | str, options: Mapping[str, Any]) -> tuple[float, ...]:
    value = options[level] if isinstance(level, str) else level
    values = value if isinstance(value, (list, tuple)) else [value]
    return tuple(float(v) for v in values)


def _summary_value(entry: Field | Mask, output: Output) -> Any:
    if output.kind == "mask":
        return bool(scalar(entry.values))
    domain = getattr(entry, "domain", None)
    if output.outside is not KEEP and domain is not None and not scalar(domain):
        return output.outside
    return float(scalar(entry.values))


@dataclass(frozen=True)
class Constraint:
    """A registered Fig. 3 layer: its name, options, declared outputs and computation.

    Attributes
    ----------
    name : str
        Registry key, used in scan cards and as the ``layer`` of its stored outputs.
    options : mapping
        Default options; a card may override any of them, and only them.
    outputs : tuple of Output
        What :meth:`evaluate` returns, declared.
    compute : callable
        ``compute(context, options) -> dict[str, Field | Mask]`` (an empty dict when the
        layer is absent on the whole grid).
    thresholds : tuple of Threshold
        The kinematic thresholds beyond which the layer is empty or approximate (declared in
        :mod:`.domains`; a scan card or point that crosses one gets a warning).
    present_where : str or None
        Output whose domain decides whether the layer is present at a point (None: always).
    """

    name: str
    options: Mapping[str, Any]
    outputs: tuple[Output, ...]
    compute: Callable[[EvaluationContext, Mapping[str, Any]], dict[str, Field | Mask]]
    thresholds: tuple[Threshold, ...] = ()
    present_where: str | None = None

    def evaluate(
        self, context: EvaluationContext, options: Mapping[str, Any]
    ) -> dict[str, Field | Mask]:
        """The layer's outputs on the context's grid; fields know the name of their domain.

        Parameters
        ----------
        context : EvaluationContext
            Model grid, shared decay quantities and inputs.
        options : mapping
            Resolved options (see :meth:`resolve_options`).
        """
        result = self.compute(context, options)
        regions: list[Mask] = []
        for output in self.outputs:
            for item, name, domain in output.expand(options):
                entry = result.get(name)
                if isinstance(entry, (Field, Mask)):
                    entry.reference = output.reference
                    entry.item = None if item is None else str(item)
                if isinstance(entry, Mask):
                    region = output.region(item, options)
                    if region is not None:
                        entry.region_field, entry.region_level, entry.region_side = region
                        regions.append(entry)
                if not isinstance(entry, Field):
                    continue
                if output.level is not None:
                    entry.levels = _levels(output.level, options)
                if entry.domain is not None:
                    entry.domain_name = domain
        for mask in regions:  # a region at "the field's own level": its first contour level
            defining = result.get(mask.region_field or "")
            if mask.region_level is None and isinstance(defining, Field) and defining.levels:
                mask.region_level = defining.levels[0]
            if mask.region_level is None or not isinstance(defining, Field):
                mask.region_field = mask.region_level = mask.region_side = None
        return result

    def output_names(self, options: Mapping[str, Any] | None = None) -> tuple[str, ...]:
        """Names of the declared outputs (default options unless given)."""
        options = self.resolve_options(options)
        return tuple(name for o in self.outputs for _, name, _ in o.expand(options))

    def summary(
        self, result: Mapping[str, Field | Mask], options: Mapping[str, Any]
    ) -> dict[str, Any] | None:
        """The layer at one point, from its declared outputs (what ``threeportal point`` shows).

        Returns None when the layer is absent at the point. Outputs declared ``per`` an option
        are grouped by item: ``{item: {summary key: value}}``.
        """
        if not result:
            return None
        if self.present_where is not None:
            domain = getattr(result[self.present_where], "domain", None)
            if domain is not None and not scalar(domain):
                return None
        out: dict[str, Any] = {}
        for output in self.outputs:
            if output.summary is None:
                continue
            for item, name, _ in output.expand(options):
                target = out if item is None else out.setdefault(item, {})
                target[output.summary] = _summary_value(result[name], output)
        return out

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
