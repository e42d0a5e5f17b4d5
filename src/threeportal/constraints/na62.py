"""NA62 single-event sensitivity to K+ -> mu+ nu_h, nu_h -> nu Z', Z' -> beta beta (Eqs. 25-26).

N = N_K^Fid A_beta BR(K+ -> mu+ nu_h) P_dec, with
P_dec = (1 - exp(-<L>/L_nuh)) BR(nu_h -> nu Z') (1 - exp(-<L>/L_Z')) BR(Z' -> beta beta).
The sensitivity curve is N = level (default 1 event).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..constants import M_K_PLUS, M_MUON
from ..physics.kinematics import (
    decay_probability,
    momentum_over_mass,
    two_body_energy,
    two_body_momentum,
)
from ..physics.production import br_k_to_mu_nuh
from .base import Constraint, ConstraintError, EvaluationContext, Field, Mask

__all__ = ["NA62_EE", "NA62_MUMU", "cascade_decay_probability", "kaon_momentum"]

_GL_X, _GL_W = np.polynomial.legendre.leggauss(12)
_GL_X, _GL_W = 0.5 * (_GL_X + 1.0), 0.5 * _GL_W


def kaon_momentum(experiment: Any) -> float:
    """Lab momentum of the decaying kaons of an experiment (0 for kaons at rest), MeV."""
    return 0.0 if experiment.get("kaon_at_rest") else float(experiment.get("beam_momentum"))


def cascade_decay_probability(
    ctx: EvaluationContext, distance: float, kaon_momentum: float, mode: str
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Probabilities that nu_h, then Z', decay within ``distance`` of the kaon decay.

    Parameters
    ----------
    ctx : EvaluationContext
        Model and shared decay quantities.
    distance : float
        Decay distance, hepunits length.
    kaon_momentum : float
        Kaon lab momentum, hepunits energy (0 for kaons at rest).
    mode : {"mean", "averaged"}
        "mean": nu_h energy gamma_K E*_h and Z' energy gamma_h E*_Z' (paper Eq. 26).
        "averaged": average over the isotropic two-body decays (uniform lab energies),
        with 12 x 12 fixed Gauss-Legendre nodes.

    Returns
    -------
    (P_nuh, P_joint)
        P(nu_h decays within distance) and P(nu_h and then Z' decay within distance).
    """
    model, decays = ctx.model, ctx.decays
    m_h, m_z = model.m_nuh, model.m_zprime
    e_kaon = np.hypot(kaon_momentum, M_K_PLUS)
    gamma_k, beta_k = e_kaon / M_K_PLUS, kaon_momentum / e_kaon
    e_h_rest = two_body_energy(M_K_PLUS, m_h, M_MUON)
    p_h_rest = two_body_momentum(M_K_PLUS, m_h, M_MUON)
    e_z_rest = two_body_energy(m_h, m_z, 0.0)
    p_z_rest = two_body_momentum(m_h, m_z, 0.0)
    ctau_h, ctau_z = decays.nuh_ctau, decays.zprime_ctau

    def z_probability(e_h: NDArray, nodes: bool) -> NDArray:
        gamma_h = e_h / m_h
        if not nodes:
            return decay_probability(distance, momentum_over_mass(gamma_h * e_z_rest, m_z) * ctau_z)
        beta_h = np.sqrt(np.clip(1.0 - 1.0 / gamma_h**2, 0.0, None))
        lo = gamma_h * (e_z_rest - beta_h * p_z_rest)
        hi = gamma_h * (e_z_rest + beta_h * p_z_rest)
        total = 0.0
        for x, w in zip(_GL_X, _GL_W, strict=True):  # fixed nodes, whole-grid operations
            energy = np.maximum(lo + x * (hi - lo), m_z)
            total = total + w * decay_probability(
                distance, momentum_over_mass(energy, m_z) * ctau_z
            )
        return total

    if mode == "mean":
        e_h = np.maximum(gamma_k * e_h_rest, m_h)
        p_h = decay_probability(distance, momentum_over_mass(e_h, m_h) * ctau_h)
        return p_h, p_h * z_probability(e_h, nodes=False)
    if mode != "averaged":
        raise ConstraintError(f"decay_mode: {mode!r} is not one of 'mean', 'averaged'")
    lo = gamma_k * (e_h_rest - beta_k * p_h_rest)
    hi = gamma_k * (e_h_rest + beta_k * p_h_rest)
    p_h_total, joint_total = 0.0, 0.0
    for x, w in zip(_GL_X, _GL_W, strict=True):  # fixed nodes, whole-grid operations
        e_h = np.maximum(lo + x * (hi - lo), m_h)
        p_h = decay_probability(distance, momentum_over_mass(e_h, m_h) * ctau_h)
        p_h_total = p_h_total + w * p_h
        joint_total = joint_total + w * p_h * z_probability(e_h, nodes=True)
    return np.asarray(p_h_total), np.asarray(joint_total)


def _make(channel: str, zprime_channel: str, label: str, linestyle: str) -> Constraint:
    name = f"na62_{channel}"

    def evaluate(ctx: EvaluationContext, options: Mapping[str, Any]) -> dict[str, Field | Mask]:
        m_zprime = np.asarray(ctx.model.m_zprime)
        if zprime_channel == "mumu" and m_zprime.ndim == 0 and m_zprime <= 2 * M_MUON:
            return {}  # a fixed m_Z' below 2 m_mu: Z' -> mu mu is closed, the layer is absent
        na62 = ctx.inputs.experiment("na62")
        n_kaons = na62.get(f"{channel}.n_kaon_fid")
        acceptance = na62.get(f"{channel}.acceptance")
        distance = na62.get("mean_decay_length")
        momentum = kaon_momentum(na62)
        _, p_joint = cascade_decay_probability(ctx, distance, momentum, options["decay_mode"])
        decays = ctx.decays
        p_dec = p_joint * decays.nuh_br("nu_zprime") * decays.zprime_br(zprime_channel)
        production = br_k_to_mu_nuh(ctx.model.m_nuh, ctx.model.U_muh2, shrock=options["shrock"])
        events = ctx.full(n_kaons * acceptance * production * p_dec)
        level = float(options["level"])
        domain = None
        if zprime_channel == "mumu":
            domain = ctx.full(ctx.model.m_zprime > 2 * M_MUON)
        return {
            f"{name}_expected_events": Field(
                events, "1", f"expected NA62 K+ -> mu+ nu {label} events", (level,), domain
            ),
            f"{name}_sensitive": Mask(
                (events >= level) if domain is None else (events >= level) & domain,
                f"NA62 expects at least {level:g} K+ -> mu+ nu {label} events",
            ),
        }

    def summary(result: dict[str, Field | Mask], options: Mapping[str, Any]) -> Any:
        if not result:
            return None
        events = result[f"{name}_expected_events"]
        if events.domain is not None and not bool(np.asarray(events.domain).reshape(-1)[0]):
            return None
        value = float(np.asarray(events.values).reshape(-1)[0])
        return {"expected_events": value, "sensitive": value >= float(options["level"])}

    return Constraint(
        name=name,
        label=rf"NA62 SES $K^+\to\mu^+\nu\,{label}$",
        style={"kind": "curve", "color": "black", "linestyle": linestyle, "linewidth": 1.6},
        options={"level": 1.0, "decay_mode": "mean", "shrock": True},
        evaluate=evaluate,
        point_summary=summary,
    )


NA62_EE = _make("ee", "ee", "e^+e^-", "solid")
NA62_MUMU = _make("mumu", "mumu", r"\mu^+\mu^-", "dashed")
