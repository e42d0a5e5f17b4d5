"""Evaluate one model point: every width, branching ratio, lifetime and rate, as plain data.

This is what ``threeportal point`` prints; numbers carry their unit in their key name.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hepunits import GeV, MeV, cm2, mm, ps

from .constraints import REGISTRY, Inputs, Span, domain_warnings, evaluate_constraints, scalar
from .model import MASS_PARAMETERS, ModelPoint
from .physics import (
    br_k_to_mu_nuh,
    branching_ratios,
    ctau,
    lifetime,
    nuh_widths,
    shrock_factor,
    total_width,
    zprime_widths,
)
from .physics.scattering import sigma_nue_per_electron, sigma_upscattering_c12

__all__ = ["DEFAULT_E_NU", "evaluate_point", "point_domain_warnings"]

#: Default neutrino energy for the upscattering comparison: the NuMI low-energy peak.
DEFAULT_E_NU: float = 3.0 * GeV


def _scalar(value: Any) -> float:
    return float(scalar(value))


def _options(E_nu: float) -> dict[str, dict[str, Any]]:
    """The layer options of a point: every default, upscattering at the point's E_nu."""
    return {"upscattering": {"E_nu": f"{E_nu / GeV!r} GeV"}}


def point_domain_warnings(model: ModelPoint, E_nu: float = DEFAULT_E_NU) -> list[str]:
    """The kinematic thresholds of the layers that a single point lies beyond.

    Parameters
    ----------
    model : ModelPoint
        A scalar model point (masses in MeV).
    E_nu : float
        Neutrino energy of the upscattering layer, hepunits energy (default 3 GeV).

    Returns
    -------
    list of str
        One sentence per threshold, naming the parameter (``"m_nuh: 400 MeV is above m_K -
        m_mu = 388.0 MeV, ..."``), the layers and their valid range (see
        :func:`threeportal.constraints.domain_warnings`).
    """
    spans = {
        name: Span.fixed(_scalar(getattr(model, name)), name)
        for name in MASS_PARAMETERS
        if getattr(model, name) is not None
    }
    return domain_warnings(spans, options=_options(E_nu))


def _decay_block(widths: dict[str, np.ndarray]) -> dict[str, Any]:
    total = total_width(widths)
    return {
        "widths_MeV": {name: _scalar(w) / MeV for name, w in widths.items()},
        "total_width_MeV": _scalar(total) / MeV,
        "branching_ratios": {name: _scalar(b) for name, b in branching_ratios(widths).items()},
        "lifetime_ps": _scalar(lifetime(total)) / ps,
        "ctau_mm": _scalar(ctau(total)) / mm,
    }


def evaluate_point(
    model: ModelPoint, E_nu: float = DEFAULT_E_NU, inputs: Inputs | None = None
) -> dict[str, Any]:
    """All physics quantities of a single model point.

    Parameters
    ----------
    model : ModelPoint
        A scalar model point (masses in MeV).
    E_nu : float
        Neutrino energy for the upscattering comparison, hepunits energy (default 3 GeV).
    inputs : Inputs, optional
        Experimental inputs for the constraint layers (default: the shipped ones).

    Notes
    -----
    Every layer runs with its registry defaults (averaged decay probabilities, lifetime-aware
    peak searches, the Shrock factor): the options the built-in ``fig3-left`` and
    ``fig3-right`` cards use, which override none of them.

    Returns
    -------
    dict
        Keys ``inputs``, ``nu_h``, ``zprime``, ``production``, ``scattering`` and
        ``constraints`` (one entry per layer, absent where the layer is); every
        dimensional number has its unit in its key name (JSON-serialisable).
    """
    echo = {
        "m_nuh_MeV": _scalar(model.m_nuh) / MeV,
        "m_zprime_MeV": _scalar(model.m_zprime) / MeV,
        "U_eh2": _scalar(model.U_eh2),
        "U_muh2": _scalar(model.U_muh2),
        "U_tauh2": _scalar(model.U_tauh2),
        "U_Dh2": _scalar(model.U_Dh2),
        "chi2": _scalar(model.chi2),
        "g_prime": _scalar(model.g),
        "v_phi_MeV": None if model.v_phi is None else _scalar(model.v_phi) / MeV,
        "nature": model.nature,
        "E_nu_GeV": E_nu / GeV,
    }
    sigma_up = sigma_upscattering_c12(
        E_nu, model.m_nuh, model.m_zprime, model.chi2, model.g, model.U_Dh2, model.U_muh2
    )
    overrides = _options(E_nu)
    layers = evaluate_constraints(model, options=overrides, inputs=inputs)
    constraints = {}
    for name, result in layers.items():
        constraint = REGISTRY[name]
        options = constraint.resolve_options(overrides.get(name))
        summary = constraint.summary(result, options)
        if summary is not None:
            constraints[name] = summary
    return {
        "inputs": echo,
        "nu_h": _decay_block(nuh_widths(model)),
        "zprime": _decay_block(zprime_widths(model)),
        "production": {
            "BR_K_to_mu_nuh": _scalar(br_k_to_mu_nuh(model.m_nuh, model.U_muh2)),
            "shrock_rho": _scalar(shrock_factor(model.m_nuh)),
        },
        "scattering": {
            "E_nu_GeV": E_nu / GeV,
            "sigma_upscattering_C12_cm2": _scalar(sigma_up) / cm2,
            "sigma_nue_per_electron_cm2": _scalar(sigma_nue_per_electron(E_nu)) / cm2,
        },
        "constraints": constraints,
    }
