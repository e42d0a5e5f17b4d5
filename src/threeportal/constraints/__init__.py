"""The Fig. 3 layers: one module per layer, each a registered :class:`Constraint`.

A layer declares its name, options and named outputs and computes them; nothing here knows
how a layer is drawn (see ``threeportal.plotting.presentation``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..model import ModelPoint
from .base import Constraint, ConstraintError, EvaluationContext, Field, Mask, Output, scalar
from .dark_photon_limits import DARK_PHOTON_LIMITS
from .domains import KAON_PRODUCTION, KAON_THRESHOLD, Span, Threshold, threshold_warnings
from .e141 import E141
from .inputs import DEFAULT_INPUTS, Inputs
from .lifetimes import LIFETIMES
from .na48_2 import NA48_2
from .na62 import NA62_EE, NA62_MUMU
from .peak_search import PEAK_SEARCH
from .upscattering import UPSCATTERING

__all__ = [
    "DEFAULT_INPUTS",
    "KAON_LAYERS",
    "KAON_THRESHOLD",
    "REGISTRY",
    "Constraint",
    "ConstraintError",
    "EvaluationContext",
    "Field",
    "Inputs",
    "Mask",
    "Output",
    "Span",
    "Threshold",
    "closed_kaon_layers",
    "domain_warnings",
    "evaluate_constraints",
    "get_constraint",
    "scalar",
]

#: Every layer, by name, in drawing order (regions first, curves on top).
REGISTRY: dict[str, Constraint] = {
    c.name: c
    for c in (
        PEAK_SEARCH,
        UPSCATTERING,
        NA48_2,
        E141,
        DARK_PHOTON_LIMITS,
        NA62_EE,
        NA62_MUMU,
        LIFETIMES,
    )
}
#: Layers whose nu_h comes from K+ -> mu+ nu_h (they need m_nuh < KAON_THRESHOLD = m_K - m_mu).
KAON_LAYERS: tuple[str, ...] = tuple(
    name for name, c in REGISTRY.items() if KAON_PRODUCTION in c.thresholds
)


def get_constraint(name: str) -> Constraint:
    """The registered constraint ``name``; ConstraintError lists the allowed names."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise ConstraintError(
            f"constraint {name!r} is unknown; allowed: {', '.join(REGISTRY)}"
        ) from None


def closed_kaon_layers(names: Sequence[str], lowest_m_nuh: float) -> tuple[str, ...]:
    """The kaon-decay layers among ``names`` that are absent on a whole plane.

    Parameters
    ----------
    names : sequence of str
        Layers to be evaluated.
    lowest_m_nuh : float
        Smallest m_nuh on the plane, MeV (hepunits).

    Returns
    -------
    tuple of str
        Empty when K+ -> mu+ nu_h is open somewhere (``lowest_m_nuh < KAON_THRESHOLD``).
    """
    if lowest_m_nuh < KAON_THRESHOLD:
        return ()
    return tuple(name for name in names if name in KAON_LAYERS)


def domain_warnings(
    spans: Mapping[str, Span],
    names: Sequence[str] | None = None,
    options: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[str]:
    """What of a plane or point lies beyond the kinematic thresholds of the layers ``names``.

    Parameters
    ----------
    spans : mapping
        ``{mass parameter: Span}``: values in MeV and the keys that set them.
    names : sequence of str, optional
        Layers to be evaluated (default: all registered).
    options : mapping, optional
        Per-layer option overrides, ``{layer: {option: value}}`` (a bound may depend on them).

    Returns
    -------
    list of str
        One sentence per threshold crossed (see :func:`.domains.threshold_warnings`).
    """
    names = list(REGISTRY) if names is None else list(names)
    options = options or {}
    layers = [get_constraint(name) for name in names]
    return threshold_warnings(
        ((c.name, c.thresholds, c.resolve_options(options.get(c.name))) for c in layers), spans
    )


def evaluate_constraints(
    model: ModelPoint,
    names: Sequence[str] | None = None,
    options: Mapping[str, Mapping[str, Any]] | None = None,
    inputs: Inputs | None = None,
) -> dict[str, dict[str, Field | Mask]]:
    """Evaluate layers on a model grid (or point), sharing the decay quantities.

    Parameters
    ----------
    model : ModelPoint
        The grid (broadcastable arrays) or a single point.
    names : sequence of str, optional
        Layers to evaluate (default: all registered).
    options : mapping, optional
        Per-layer option overrides, ``{layer: {option: value}}``.
    inputs : Inputs, optional
        Experimental inputs (default: the shipped ones).

    Returns
    -------
    dict
        ``{layer: {field_or_mask_name: Field | Mask}}``.
    """
    names = list(REGISTRY) if names is None else list(names)
    options = options or {}
    for layer in options:
        if layer not in names:
            get_constraint(layer)  # unknown name -> error listing the allowed ones
    inputs = inputs if inputs is not None else Inputs()
    context = EvaluationContext(model=model, inputs=inputs)
    results = {}
    for name in names:
        constraint = get_constraint(name)
        results[name] = constraint.evaluate(context, constraint.resolve_options(options.get(name)))
    return results
