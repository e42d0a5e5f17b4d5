"""Analytic ranges of the invariant masses of K+ -> mu+ nu_h, nu_h -> nu Z' (paper Eqs. A3, A4).

With x_Z' = (m_Z'/m_K)^2, x_h = (m_nuh/m_K)^2, x_mu = (m_mu/m_K)^2, y = (m_Z'/m_nuh)^2 and
lambda the Källén function,

* Eq. A3: m_mu_nu^2 = (p_K - p_Z')^2 spans
  m_K^2 [1 + x_Z' - ((1 - x_mu + x_h)(1 + y) -+ (1 - y) lambda^1/2(1, x_h, x_mu)) / 2];
* Eq. A4: m_mu_pair^2 = (p_mu + p_Z')^2 = (p_K - p_nu)^2 spans
  m_K^2 [1 - (1 - y) ((1 - x_mu + x_h) -+ lambda^1/2(1, x_h, x_mu)) / 2].

Both are linear in the cosine of the nu_h -> nu Z' decay angle, so their ends are reached for
the Z' emitted along or against the nu_h direction; they do not depend on the Z' decay, and
not on the kaon momentum (invariants). Masses in MeV (hepunits), squared masses in MeV^2.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..constants import M_K_PLUS, M_MUON
from ..physics.kinematics import kallen

__all__ = ["eq21_residual", "m_mu_nu2_range", "m_mu_pair2_range"]

Range = tuple[NDArray[np.float64], NDArray[np.float64]]


def _ratios(m_nuh: ArrayLike, m_zprime: ArrayLike) -> tuple[NDArray, ...]:
    m_h, m_z = np.asarray(m_nuh, float), np.asarray(m_zprime, float)
    x_h, x_z, x_mu = (m_h / M_K_PLUS) ** 2, (m_z / M_K_PLUS) ** 2, (M_MUON / M_K_PLUS) ** 2
    y = (m_z / m_h) ** 2
    root = np.sqrt(np.clip(kallen(1.0, x_h, x_mu), 0.0, None))
    return x_h, x_z, x_mu, y, root


def m_mu_nu2_range(m_nuh: ArrayLike, m_zprime: ArrayLike) -> Range:
    """Smallest and largest m_mu_nu^2 = (p_mu + p_nu)^2 (paper Eq. A3), MeV^2.

    Parameters
    ----------
    m_nuh, m_zprime : array_like
        Masses, MeV; they broadcast. Meaningful for m_Z' < m_nuh < m_K - m_mu.
    """
    x_h, x_z, x_mu, y, root = _ratios(m_nuh, m_zprime)
    centre = (1.0 - x_mu + x_h) * (1.0 + y)
    half_width = (1.0 - y) * root
    low = M_K_PLUS**2 * (1.0 + x_z - 0.5 * (centre + half_width))
    high = M_K_PLUS**2 * (1.0 + x_z - 0.5 * (centre - half_width))
    return low, high


def m_mu_pair2_range(m_nuh: ArrayLike, m_zprime: ArrayLike) -> Range:
    """Smallest and largest m_mu_pair^2 = (p_mu + p_l+ + p_l-)^2 (paper Eq. A4), MeV^2.

    Parameters
    ----------
    m_nuh, m_zprime : array_like
        Masses, MeV; they broadcast. Independent of the lepton flavour of the pair.
    """
    x_h, _, x_mu, y, root = _ratios(m_nuh, m_zprime)
    low = M_K_PLUS**2 * (1.0 - 0.5 * (1.0 - y) * (1.0 - x_mu + x_h + root))
    high = M_K_PLUS**2 * (1.0 - 0.5 * (1.0 - y) * (1.0 - x_mu + x_h - root))
    return low, high


def eq21_residual(
    m_mu_pair2: ArrayLike,
    m_mu_nu2: ArrayLike,
    m_k_minus_mu2: ArrayLike,
    m_miss2: ArrayLike,
    m_pair2: ArrayLike,
) -> NDArray[np.float64]:
    """Left minus right side of paper Eq. 21, in MeV^2 (zero for every signal event).

    m_mu_pair^2 + m_mu_nu^2 + (p_K - p_mu)^2 - (m_K^2 + m_mu^2 + m_miss^2 + m_pair^2).
    """
    left = np.asarray(m_mu_pair2, float) + np.asarray(m_mu_nu2, float)
    left = left + np.asarray(m_k_minus_mu2, float)
    right = M_K_PLUS**2 + M_MUON**2 + np.asarray(m_miss2, float) + np.asarray(m_pair2, float)
    return left - right
