"""NA62 single-event sensitivity to K+ -> mu+ nu_h, nu_h -> nu Z', Z' -> beta beta (Eqs. 25-26).

N = N_K^Fid A_beta BR(K+ -> mu+ nu_h) P_dec, with
P_dec = (1 - exp(-<L>/L_nuh)) BR(nu_h -> nu Z') (1 - exp(-<L>/L_Z')) BR(Z' -> beta beta).
The sensitivity curve is N = level (default 1 event). Options: ``decay_mode`` ("averaged",
the default, or "mean", Eq. 26's mean boosts), ``shrock`` (include the Shrock factor,
default true), ``acceptance`` ("table": the fixed A_beta of Table I, the default;
"kinematic": the estimate of :func:`threeportal.kinematics.acceptance.acceptance`, which
replaces A_beta and both decay probabilities, keeping the branching ratios).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..constants import M_MUON
from ..kinematics.acceptance import acceptance
from ..physics.production import br_k_to_mu_nuh
from .base import Constraint, ConstraintError, EvaluationContext, Field, Mask, Output
from .domains import KAON_PRODUCTION, ON_SHELL_CASCADE

__all__ = ["ACCEPTANCES", "NA62_EE", "NA62_MUMU", "kaon_momentum"]

#: Values of the ``acceptance`` option.
ACCEPTANCES = ("table", "kinematic")


def kaon_momentum(experiment: Any) -> float:
    """Lab momentum of the decaying kaons of an experiment (0 for kaons at rest), MeV."""
    return 0.0 if experiment.get("kaon_at_rest") else float(experiment.get("beam_momentum"))


def _acceptance(
    ctx: EvaluationContext, na62: Any, channel: str, options: Mapping[str, Any]
) -> np.ndarray:
    """A_beta x P(nu_h, then Z', decay within <L>): Table I's A_beta, or the kinematic estimate."""
    choice = options["acceptance"]
    if choice not in ACCEPTANCES:
        raise ConstraintError(
            f"constraints.na62_{channel}.acceptance: {choice!r} is not allowed; "
            f"allowed: {', '.join(ACCEPTANCES)}"
        )
    momentum = kaon_momentum(na62)
    if choice == "kinematic":
        m = ctx.model
        ctau_h, ctau_z = ctx.decays.nuh_ctau, ctx.decays.zprime_ctau
        return acceptance(m.m_nuh, m.m_zprime, channel, ctau_h, ctau_z, p_kaon=momentum)
    distance = na62.get("mean_decay_length")
    _, p_joint = ctx.cascade_probabilities(distance, momentum, options["decay_mode"])
    return na62.get(f"{channel}.acceptance") * p_joint


def _make(channel: str, zprime_channel: str, label: str) -> Constraint:
    name = f"na62_{channel}"

    def evaluate(ctx: EvaluationContext, options: Mapping[str, Any]) -> dict[str, Field | Mask]:
        m_zprime = np.asarray(ctx.model.m_zprime)
        if zprime_channel == "mumu" and m_zprime.ndim == 0 and m_zprime <= 2 * M_MUON:
            return {}  # a fixed m_Z' below 2 m_mu: Z' -> mu mu is closed, the layer is absent
        na62 = ctx.inputs.experiment("na62")
        n_kaons = na62.get(f"{channel}.n_kaon_fid")
        decays = ctx.decays
        brs = decays.nuh_br("nu_zprime") * decays.zprime_br(zprime_channel)
        production = br_k_to_mu_nuh(ctx.model.m_nuh, ctx.model.U_muh2, shrock=options["shrock"])
        events = ctx.full(n_kaons * production * brs * _acceptance(ctx, na62, channel, options))
        level = float(options["level"])
        domain = None
        if zprime_channel == "mumu":
            domain = ctx.full(ctx.model.m_zprime > 2 * M_MUON)
        return {
            f"{name}_expected_events": Field(
                events, "1", f"expected NA62 K+ -> mu+ nu {label} events", domain=domain
            ),
            f"{name}_sensitive": Mask(
                (events >= level) if domain is None else (events >= level) & domain,
                f"NA62 expects at least {level:g} K+ -> mu+ nu {label} events",
            ),
        }

    # Z' -> mu mu needs m_Z' > 2 m_mu: only the mumu channel has a domain.
    domain = f"{name}_expected_events_domain" if zprime_channel == "mumu" else None
    events = f"{name}_expected_events"
    return Constraint(
        name=name,
        options={"level": 1.0, "decay_mode": "averaged", "shrock": True, "acceptance": "table"},
        outputs=(
            Output(events, "field", level="level", domain=domain, summary="expected_events"),
            Output(f"{name}_sensitive", "mask", summary="sensitive"),
        ),
        compute=evaluate,
        thresholds=(KAON_PRODUCTION, ON_SHELL_CASCADE),
        present_where=events,
    )


NA62_EE = _make("ee", "ee", "e^+e^-")
NA62_MUMU = _make("mumu", "mumu", r"\mu^+\mu^-")
