"""Z' decay widths (paper Eqs. 11 and 15, spec section 2). Masses in MeV, widths in MeV."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..constants import C_W2, E_CHARGE, GAMMA_RHO0, M_ELECTRON, M_MUON, M_PI_PLUS, M_RHO0
from ..model import ModelPoint

__all__ = [
    "pion_form_factor2",
    "width_zprime_to_leptons",
    "width_zprime_to_nu_nuh",
    "width_zprime_to_nuh_nuh",
    "width_zprime_to_nunu",
    "width_zprime_to_pions",
    "zprime_widths",
]


def _velocity(mass: ArrayLike, m_daughter: float | ArrayLike) -> NDArray[np.float64]:
    """beta = sqrt(1 - 4 m_d^2 / M^2) of a pair of daughters; 0 when closed."""
    x = (np.asarray(m_daughter, float) / np.asarray(mass, float)) ** 2
    return np.sqrt(np.clip(1.0 - 4.0 * x, 0.0, None))


def width_zprime_to_leptons(m_zprime: ArrayLike, chi2: ArrayLike, m_lepton: float) -> NDArray:
    """Gamma(Z' -> l+ l-) = (e c_W chi)^2 m_Z' (1 + 2 r) sqrt(1 - 4 r) / (12 pi), Eq. 15.

    r = m_l^2 / m_Z'^2; exactly 0 below 2 m_l.
    """
    m_zprime = np.asarray(m_zprime, float)
    r = (m_lepton / m_zprime) ** 2
    coupling2 = E_CHARGE**2 * C_W2 * np.asarray(chi2, float)
    return coupling2 * m_zprime * (1.0 + 2.0 * r) * _velocity(m_zprime, m_lepton) / (12.0 * np.pi)


def pion_form_factor2(s: ArrayLike) -> NDArray[np.float64]:
    """|F_pi(s)|^2 in vector-meson dominance with an energy-dependent rho width.

    F_pi(s) = m_rho^2 / (m_rho^2 - s - i sqrt(s) Gamma_rho(s)), with the P-wave width
    Gamma_rho(s) = Gamma_rho (m_rho / sqrt(s)) (beta(s) / beta(m_rho^2))^3, so |F_pi(0)| = 1.
    ``s`` in MeV^2.
    """
    s = np.asarray(s, float)
    root_s = np.sqrt(np.clip(s, 0.0, None))
    beta_s = np.sqrt(np.clip(1.0 - 4.0 * M_PI_PLUS**2 / np.where(s > 0, s, 1.0), 0.0, None))
    beta_rho = np.sqrt(1.0 - 4.0 * M_PI_PLUS**2 / M_RHO0**2)
    width_s = np.where(
        s > 4 * M_PI_PLUS**2,
        GAMMA_RHO0 * (M_RHO0 / np.where(root_s > 0, root_s, 1.0)) * (beta_s / beta_rho) ** 3,
        0.0,
    )
    m2 = M_RHO0**2
    return m2**2 / ((m2 - s) ** 2 + s * width_s**2)


def width_zprime_to_pions(m_zprime: ArrayLike, chi2: ArrayLike) -> NDArray[np.float64]:
    """Gamma(Z' -> pi+ pi-) = (e c_W chi)^2 m_Z' beta^3 |F_pi(m_Z'^2)|^2 / (48 pi)."""
    m_zprime = np.asarray(m_zprime, float)
    coupling2 = E_CHARGE**2 * C_W2 * np.asarray(chi2, float)
    beta = _velocity(m_zprime, M_PI_PLUS)
    return coupling2 * m_zprime * beta**3 * pion_form_factor2(m_zprime**2) / (48.0 * np.pi)


def width_zprime_to_nunu(
    m_zprime: ArrayLike, g_prime: ArrayLike, U_light_D2: ArrayLike
) -> NDArray[np.float64]:
    """Gamma(Z' -> nu nubar) = g'^2 (sum_i |U_Di|^2)^2 m_Z' / (24 pi), summed over light nu."""
    return (
        np.asarray(g_prime, float) ** 2
        * np.asarray(U_light_D2, float) ** 2
        * np.asarray(m_zprime, float)
        / (24.0 * np.pi)
    )


def width_zprime_to_nu_nuh(
    m_zprime: ArrayLike,
    m_nuh: ArrayLike,
    g_prime: ArrayLike,
    U_Dh2: ArrayLike,
    U_light_D2: ArrayLike,
) -> NDArray[np.float64]:
    """Gamma(Z' -> nu_h nubar + nubar_h nu) from the left-handed dark current.

    Gamma = 2 g'^2 |U_Dh|^2 sum|U_Di|^2 m_Z' (1 - x)^2 (1 + x/2) / (24 pi).

    The left-handed current of Eq. 11 with one massless daughter; x = m_nuh^2 / m_Z'^2;
    exactly 0 for m_Z' <= m_nuh.
    """
    m_zprime = np.asarray(m_zprime, float)
    x = (np.asarray(m_nuh, float) / m_zprime) ** 2
    phase = np.where(x < 1.0, (1.0 - x) ** 2 * (1.0 + 0.5 * x), 0.0)
    coupling = np.asarray(g_prime, float) ** 2 * np.asarray(U_Dh2, float) * U_light_D2
    return 2.0 * coupling * m_zprime * phase / (24.0 * np.pi)


def width_zprime_to_nuh_nuh(
    m_zprime: ArrayLike, m_nuh: ArrayLike, g_prime: ArrayLike, U_Dh2: ArrayLike, nature: str
) -> NDArray[np.float64]:
    """Gamma(Z' -> nu_h nu_h) from the left-handed dark current (Eq. 11 with R, Delta r).

    Dirac: g'^2 |U_Dh|^4 m_Z' beta (1 - r) / (24 pi); Majorana (only the axial part
    survives, identical particles): g'^2 |U_Dh|^4 m_Z' beta^3 / (24 pi); r = m^2/m_Z'^2.
    """
    m_zprime = np.asarray(m_zprime, float)
    r = (np.asarray(m_nuh, float) / m_zprime) ** 2
    beta = _velocity(m_zprime, m_nuh)
    shape = beta**3 if nature == "majorana" else beta * np.clip(1.0 - r, 0.0, None)
    coupling = np.asarray(g_prime, float) ** 2 * np.asarray(U_Dh2, float) ** 2
    return coupling * m_zprime * shape / (24.0 * np.pi)


def zprime_widths(model: ModelPoint) -> dict[str, NDArray[np.float64]]:
    """Every Z' partial width of ``model``, in MeV, keyed by channel name.

    Channels: ``ee``, ``mumu``, ``pipi``, ``nunu`` (invisible), ``nu_nuh``, ``nuh_nuh``.
    Each array has the broadcast shape of the model.
    """
    shape = model.shape
    widths = {
        "ee": width_zprime_to_leptons(model.m_zprime, model.chi2, M_ELECTRON),
        "mumu": width_zprime_to_leptons(model.m_zprime, model.chi2, M_MUON),
        "pipi": width_zprime_to_pions(model.m_zprime, model.chi2),
        "nunu": width_zprime_to_nunu(model.m_zprime, model.g, model.U_light_D2),
        "nu_nuh": width_zprime_to_nu_nuh(
            model.m_zprime, model.m_nuh, model.g, model.U_Dh2, model.U_light_D2
        ),
        "nuh_nuh": width_zprime_to_nuh_nuh(
            model.m_zprime, model.m_nuh, model.g, model.U_Dh2, model.nature
        ),
    }
    return {name: np.broadcast_to(w, shape).astype(float) for name, w in widths.items()}
