"""Z' decay widths (paper Eqs. 11 and 15, spec section 2). Masses in MeV, widths in MeV.

The hadronic width uses the data-driven ratio R(m) shipped as ``data/hadronic_ratio.dat``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..constants import C_W2, E_CHARGE, M_ELECTRON, M_MUON, M_TAU
from ..data.hadronic import hadronic_ratio
from ..model import ModelPoint

__all__ = [
    "width_zprime_to_hadrons",
    "width_zprime_to_leptons",
    "width_zprime_to_nu_nuh",
    "width_zprime_to_nuh_nuh",
    "width_zprime_to_nunu",
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


def width_zprime_to_hadrons(m_zprime: ArrayLike, chi2: ArrayLike) -> NDArray[np.float64]:
    """Gamma(Z' -> hadrons) = R(m_Z') Gamma(Z' -> mu+ mu-), R from the shipped dark-photon table.

    The Z' couples to quarks like a dark photon with epsilon = c_W chi, so the hadronic width
    is the data-driven ratio R(m) (arXiv:1801.04847) times the muon width of Eq. 15. R is
    interpolated once per mass; it is 0 below 0.280 GeV (the pi+ pi- threshold region).
    """
    m_zprime = np.asarray(m_zprime, float)
    return hadronic_ratio(m_zprime) * width_zprime_to_leptons(m_zprime, chi2, M_MUON)


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

    Channels: ``ee``, ``mumu``, ``tautau``, ``hadrons`` (visible), ``nunu`` (invisible),
    ``nu_nuh``, ``nuh_nuh``. Each array has the broadcast shape of the model.
    """
    shape = model.shape
    widths = {
        "ee": width_zprime_to_leptons(model.m_zprime, model.chi2, M_ELECTRON),
        "mumu": width_zprime_to_leptons(model.m_zprime, model.chi2, M_MUON),
        "tautau": width_zprime_to_leptons(model.m_zprime, model.chi2, M_TAU),
        "hadrons": width_zprime_to_hadrons(model.m_zprime, model.chi2),
        "nunu": width_zprime_to_nunu(model.m_zprime, model.g, model.U_light_D2),
        "nu_nuh": width_zprime_to_nu_nuh(
            model.m_zprime, model.m_nuh, model.g, model.U_Dh2, model.U_light_D2
        ),
        "nuh_nuh": width_zprime_to_nuh_nuh(
            model.m_zprime, model.m_nuh, model.g, model.U_Dh2, model.nature
        ),
    }
    return {name: np.broadcast_to(w, shape).astype(float) for name, w in widths.items()}
