"""Pure, vectorised physics of the three-portal model: decays, production, kinematics,
scattering. Every function broadcasts numpy arrays; masses in MeV (hepunits)."""

from __future__ import annotations

from .decays import branching_ratios, total_width
from .kinematics import (
    ctau,
    decay_probability,
    kallen,
    lab_decay_length,
    lifetime,
    mean_decay_probability_two_body,
    two_body_energy,
    two_body_momentum,
)
from .nuh import nuh_widths
from .production import br_k_to_mu_nuh, shrock_factor
from .zprime import zprime_widths

__all__ = [
    "br_k_to_mu_nuh",
    "branching_ratios",
    "ctau",
    "decay_probability",
    "kallen",
    "lab_decay_length",
    "lifetime",
    "mean_decay_probability_two_body",
    "nuh_widths",
    "shrock_factor",
    "total_width",
    "two_body_energy",
    "two_body_momentum",
    "zprime_widths",
]
