"""Kinematics of K+ -> mu+ nu_h, nu_h -> nu Z', Z' -> l+ l- (paper Appendix A, Fig. 4).

A vectorised, seeded toy Monte Carlo (:func:`generate`), the analytic invariant-mass ranges of
Eqs. A3-A4, an HDF5 event-file writer and reader, and an acceptance *estimate* for a simple
NA62-like geometry (beyond the paper). Units: hepunits internal (MeV, mm, ns).
"""

from __future__ import annotations

from .generator import (
    CHANNELS,
    DEFAULT_KAON_MOMENTUM,
    Events,
    KinematicsError,
    check_masses,
    generate,
    point_lifetimes,
)
from .ranges import eq21_residual, m_mu_nu2_range, m_mu_pair2_range

__all__ = [
    "CHANNELS",
    "DEFAULT_KAON_MOMENTUM",
    "Events",
    "KinematicsError",
    "check_masses",
    "eq21_residual",
    "generate",
    "m_mu_nu2_range",
    "m_mu_pair2_range",
    "point_lifetimes",
]
