"""Heavy-neutrino production in K+ -> mu+ nu_h (spec section 3, paper text after Eq. 17)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..constants import BR_K_TO_MU_NU, M_K_PLUS, M_MUON
from .kinematics import kallen

__all__ = ["br_k_to_mu_nuh", "shrock_factor"]


def shrock_factor(
    m_nuh: ArrayLike, m_lepton: float = M_MUON, m_meson: float = M_K_PLUS
) -> NDArray[np.float64]:
    """Shrock factor rho(m) for M+ -> l+ N relative to M+ -> l+ nu.

    rho = [(x + y) - (x - y)^2] lambda^{1/2}(1, x, y) / [x (1 - x)^2], with
    x = (m_l / m_M)^2 and y = (m / m_M)^2 (R. E. Shrock, Phys. Rev. D 24, 1232 (1981)).
    rho(0) = 1 and rho = 0 at and above m = m_M - m_l.

    Parameters
    ----------
    m_nuh : array_like
        Heavy-neutrino mass, MeV.
    m_lepton, m_meson : float
        Charged-lepton and meson masses, MeV (default: muon and K+).
    """
    m_nuh = np.asarray(m_nuh, float)
    x = (m_lepton / m_meson) ** 2
    y = (m_nuh / m_meson) ** 2
    lam = kallen(1.0, x, y)
    open_ = (m_nuh < m_meson - m_lepton) & (lam > 0)
    rho = ((x + y) - (x - y) ** 2) * np.sqrt(np.where(open_, lam, 0.0)) / (x * (1.0 - x) ** 2)
    return np.where(open_, rho, 0.0)


def br_k_to_mu_nuh(
    m_nuh: ArrayLike, U_muh2: ArrayLike, *, shrock: bool = True
) -> NDArray[np.float64]:
    """BR(K+ -> mu+ nu_h) = |U_muh|^2 rho(m_nuh) BR(K+ -> mu+ nu_mu).

    With ``shrock=False`` the factor rho is dropped, as in Eq. 25 as printed (the phase-space
    closure at m_K - m_mu is kept).
    """
    m_nuh = np.asarray(m_nuh, float)
    rho = shrock_factor(m_nuh)
    if not shrock:
        rho = np.where(m_nuh < M_K_PLUS - M_MUON, 1.0, 0.0)
    return np.asarray(U_muh2, float) * rho * BR_K_TO_MU_NU
