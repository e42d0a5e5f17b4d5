"""Heavy-neutrino decay widths: dark channels (paper Eqs. 8-10, 13) plus standard ones.

Masses in MeV, widths in MeV (hepunits). The dark widths below carry the Majorana
normalisation of the paper multiplied by ``model.majorana_factor`` (1/2 for a
(pseudo-)Dirac nu_h, sentence after Eq. 13).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..constants import C_W2, E_CHARGE, F_RHO, M_ELECTRON, M_MUON, M_RHO0
from ..data.hadronic import (
    hadronic_ratio_integral,
    hadronic_ratio_inverse_cumulative,
    hadronic_ratio_table,
)
from ..model import ModelPoint
from .hnl_standard import standard_widths

__all__ = [
    "ess_function",
    "nuh_widths",
    "offshell_dilepton_integral",
    "offshell_hadron_integral",
    "offshell_neutrino_interference",
    "width_nu5_to_nu4_ee",
    "width_nuh_to_nu_hadrons_offshell",
    "width_nuh_to_nu_ll_offshell",
    "width_nuh_to_nu_nunu_offshell",
    "width_nuh_to_nu_rho",
    "width_nuh_to_nu_zprime",
]

# Gauss-Legendre nodes on [0, 1] for the dilepton-mass integral.
_N_NODES = 64
_T, _W = np.polynomial.legendre.leggauss(_N_NODES)
_T = 0.5 * (_T + 1.0)
_W = 0.5 * _W
# 32 nodes on [0, 1] for the inner (smooth) direction of the interference integral.
_V, _WV = np.polynomial.legendre.leggauss(32)
_V = 0.5 * (_V + 1.0)
_WV = 0.5 * _WV


def _kinetic_dark_coupling2(
    chi2: ArrayLike, g_prime: ArrayLike, mixing_a: ArrayLike, mixing_b: ArrayLike
) -> NDArray[np.float64]:
    """(e c_W chi g')^2 |U_a|^2 |U_b|^2: a Z' exchanged between a dark and an SM current."""
    return (
        E_CHARGE**2
        * C_W2
        * np.asarray(chi2, float)
        * np.asarray(g_prime, float) ** 2
        * np.asarray(mixing_a, float)
        * np.asarray(mixing_b, float)
    )


def width_nuh_to_nu_zprime(
    m_nuh: ArrayLike,
    m_zprime: ArrayLike,
    g_prime: ArrayLike,
    U_Dh2: ArrayLike,
    U_light_D2: ArrayLike,
    majorana_factor: float = 0.5,
) -> NDArray[np.float64]:
    """Gamma(nu_h -> nu Z'), Eq. 13 with the phase-space factor; 0 for m_Z' >= m_nuh.

    Gamma = f |U_Dh|^2 sum_i|U_Di|^2 g'^2 m^3 (1 - r)^2 (1/2 + r) / (8 pi m_Z'^2),
    r = m_Z'^2 / m^2, f = ``majorana_factor``.
    """
    m_nuh, m_zprime = np.asarray(m_nuh, float), np.asarray(m_zprime, float)
    r = (m_zprime / m_nuh) ** 2
    phase = np.where(r < 1.0, (1.0 - r) ** 2 * (0.5 + r), 0.0)
    coupling = np.asarray(g_prime, float) ** 2 * np.asarray(U_Dh2, float) * U_light_D2
    return majorana_factor * coupling * m_nuh**3 * phase / (8.0 * np.pi * m_zprime**2)


def _propagator_integral(
    m_nuh: NDArray[np.float64],
    big_r: NDArray[np.float64],
    u0: NDArray[np.float64],
    spectral: Callable[[NDArray[np.float64]], NDArray[np.float64]],
) -> NDArray[np.float64]:
    """int_{u0}^1 du (1-u)^2 (1/2+u) spectral(u) / (u - R)^2 on 64 Gauss-Legendre nodes.

    ``spectral(u)`` is Gamma(Z'* -> X) at m_X^2 = u m_nuh^2 in units of its massless-lepton
    value. u = u0 + (1 - u0)(3t^2 - 2t^3) clusters nodes at both ends: it removes a
    square-root threshold at u0 and resolves the propagator scale R - 1 near u = 1.
    Requires R >= 1 (checked by the callers).
    """
    total = np.zeros(np.broadcast_shapes(np.shape(m_nuh), u0.shape, big_r.shape))
    for t, w in zip(_T, _W, strict=True):  # fixed 64 nodes, each a whole-array operation
        u = u0 + (1.0 - u0) * t * t * (3.0 - 2.0 * t)
        jac = 6.0 * (1.0 - u0) * t * (1.0 - t)
        num = (1.0 - u) ** 2 * (0.5 + u) * spectral(u)
        total = total + w * jac * num / (u - big_r) ** 2  # u < 1 <= R at every node
    return total


def _pair_spectral(u: NDArray[np.float64], x: NDArray[np.float64]) -> NDArray[np.float64]:
    """(1 + 2x/u) sqrt(1 - 4x/u): Gamma(Z'* -> l l) over its massless value, x = m_l^2/m^2."""
    return (1.0 + 2.0 * x / u) * np.sqrt(np.clip(1.0 - 4.0 * x / u, 0.0, None))


def offshell_dilepton_integral(
    m_nuh: ArrayLike, m_zprime: ArrayLike, m_lepton: float
) -> NDArray[np.float64]:
    """Dimensionless dilepton-mass integral J of the off-shell Z' three-body decay.

    J = int du (1-u)^2 (1/2+u) (1 + 2 x/u) sqrt(1 - 4 x/u) / (u - R)^2 over
    u = m_ll^2 / m_nuh^2 in [4x, 1], with x = m_l^2/m_nuh^2 and R = m_Z'^2/m_nuh^2 >= 1.
    It depends on masses only (computed once per mass pair). J -> 1/(4 R^2) for R >> 1
    (Eq. 9) and J -> 1 for R -> 1 with massless leptons. Returns 0 where the decay is
    closed (2 m_l >= m_nuh) or the Z' is on-shell (R < 1).
    """
    m_nuh, m_zprime = np.asarray(m_nuh, float), np.asarray(m_zprime, float)
    x = (m_lepton / m_nuh) ** 2
    big_r = (m_zprime / m_nuh) ** 2
    open_ = (big_r >= 1.0) & (4.0 * x < 1.0)
    u0 = np.where(4.0 * x < 1.0, 4.0 * x, 0.0)  # closed channels integrate a dummy range
    safe_r = np.where(big_r >= 1.0, big_r, 2.0)
    total = _propagator_integral(m_nuh, safe_r, u0, lambda u: _pair_spectral(u, x))
    return np.where(open_, total, 0.0)


def offshell_hadron_integral(m_nuh: ArrayLike, m_zprime: ArrayLike) -> NDArray[np.float64]:
    """Hadronic analogue of J: the Z'* spectral function is R(m_X) Gamma(Z'* -> mu mu).

    J_had = int du (1-u)^2 (1/2+u) R(m sqrt u) (1 + 2 x/u) sqrt(1 - 4 x/u) / (u - R_Z)^2,
    x = m_mu^2/m^2, R_Z = m_Z'^2/m^2, over u from (m_0/m)^2 to 1 where m_0 = 0.280 GeV is
    the first mass of the hadronic-ratio table (R = 0 below it). The integration variable is
    C(m_X) = int R dm (``data.hadronic.hadronic_ratio_cumulative``), so the 64 Gauss-Legendre nodes
    follow the rho, omega and phi peaks. 0 where closed (m_nuh <= m_0) or the Z' is
    on-shell (R_Z < 1).
    """
    m_nuh, m_zprime = np.asarray(m_nuh, float), np.asarray(m_zprime, float)
    m0 = hadronic_ratio_table()[0][0]
    big_r = (m_zprime / m_nuh) ** 2
    open_ = (big_r >= 1.0) & (m_nuh > m0)
    safe_r = np.where(open_, big_r, 2.0)  # closed channels integrate a dummy range
    c_max = hadronic_ratio_integral(m_nuh)  # 0 below the table
    x = (M_MUON / m_nuh) ** 2
    total = np.zeros(np.broadcast_shapes(m_nuh.shape, big_r.shape))
    for t, w in zip(_T, _W, strict=True):  # nodes clustered at both ends, as in J
        c = c_max * t * t * (3.0 - 2.0 * t)
        m_x = hadronic_ratio_inverse_cumulative(c)
        u = np.minimum((m_x / m_nuh) ** 2, 1.0)
        du_dm = 2.0 * m_x / m_nuh**2  # times R dm = dC
        num = (1.0 - u) ** 2 * (0.5 + u) * _pair_spectral(u, x) * du_dm
        total = total + w * 6.0 * t * (1.0 - t) * c_max * num / (u - safe_r) ** 2
    return np.where(open_, total, 0.0)


def offshell_neutrino_interference(m_nuh: ArrayLike, m_zprime: ArrayLike) -> NDArray[np.float64]:
    """Interference integral K of nu_h -> nu nu nubar through an off-shell Z' (massless nu).

    K = int int dx dy (x + y)(1 - x - y) / ((x - R)(y - R)) over the Dalitz triangle
    x, y >= 0, x + y <= 1, with x, y = m_{2 3}^2, m_{1 3}^2 over m_nuh^2 (the two pairings of
    nubar with a neutrino) and R = m_Z'^2 / m_nuh^2 >= 1. K -> 1/(12 R^2) for R >> 1, where
    it equals the direct term J/3. Done on 64 x 32 Gauss-Legendre nodes, y = (1 - x) v; 0
    while the Z' is on-shell (R < 1).
    """
    m_nuh, m_zprime = np.asarray(m_nuh, float), np.asarray(m_zprime, float)
    big_r = (m_zprime / m_nuh) ** 2
    safe_r = np.where(big_r >= 1.0, big_r, 2.0)[..., None]
    v = _V[(None,) * np.ndim(safe_r[..., 0]) + (slice(None),)]
    total = np.zeros(safe_r.shape[:-1])
    for t, w in zip(_T, _W, strict=True):
        x = t * t * (3.0 - 2.0 * t)  # clustered at x = 0 and x = 1, as in J
        y = (1.0 - x) * v
        inner = np.sum(_WV * (x + y) * (1.0 - x - y) / (safe_r - y), axis=-1)
        total = total + w * 6.0 * t * (1.0 - t) * (1.0 - x) * inner / (safe_r[..., 0] - x)
    return np.where(big_r >= 1.0, total, 0.0)


def width_nuh_to_nu_ll_offshell(
    m_nuh: ArrayLike,
    m_zprime: ArrayLike,
    chi2: ArrayLike,
    g_prime: ArrayLike,
    U_Dh2: ArrayLike,
    U_light_D2: ArrayLike,
    m_lepton: float,
    majorana_factor: float = 0.5,
    *,
    integral: NDArray[np.float64] | None = None,
) -> NDArray[np.float64]:
    """Gamma(nu_h -> nu l+ l-) through an off-shell Z' with its full propagator.

    dGamma/ds = Gamma(nu_h -> nu Z'*(sqrt s)) sqrt(s) Gamma(Z'* -> ll)(sqrt s) / (pi (s - M^2)^2),
    exact for a vector exchanged between conserved currents, integrated over the dilepton
    mass. Gamma = f |U_Dh|^2 sum|U_Di|^2 (e c_W chi g')^2 m^5/(96 pi^3 m^4) J. For
    m_Z' >> m_nuh it tends to Eq. 9; it is 0 while the Z' is on-shell (m_Z' < m_nuh),
    where ``width_nuh_to_nu_zprime`` counts the decay. The Z' width in the propagator is
    dropped: for m_Z' >= m_nuh the pole lies outside phase space and the (1-u)^2 zero of the
    nu_h -> nu Z'* vertex keeps the integrand bounded. ``integral`` may pass a precomputed J.
    """
    m_nuh = np.asarray(m_nuh, float)
    if integral is None:
        integral = offshell_dilepton_integral(m_nuh, m_zprime, m_lepton)
    coupling = _kinetic_dark_coupling2(chi2, g_prime, U_Dh2, U_light_D2)
    return majorana_factor * coupling * m_nuh * integral / (96.0 * np.pi**3)


def width_nuh_to_nu_hadrons_offshell(
    m_nuh: ArrayLike,
    m_zprime: ArrayLike,
    chi2: ArrayLike,
    g_prime: ArrayLike,
    U_Dh2: ArrayLike,
    U_light_D2: ArrayLike,
    majorana_factor: float = 0.5,
) -> NDArray[np.float64]:
    """Gamma(nu_h -> nu + hadrons) through an off-shell Z' (the ``nu_pipi_zprime`` channel).

    The dilepton formula with Gamma(Z'* -> l l) replaced by R(m_X) Gamma(Z'* -> mu mu):
    Gamma = f |U_Dh|^2 sum|U_Di|^2 (e c_W chi g')^2 m J_had / (96 pi^3), see
    :func:`offshell_hadron_integral`. Below m_X ~ 0.5 GeV (every kaon-produced nu_h) the
    hadrons are pi+ pi-. 0 while the Z' is on-shell (``nu_zprime`` then Z' -> hadrons).
    """
    integral = offshell_hadron_integral(m_nuh, m_zprime)
    coupling = _kinetic_dark_coupling2(chi2, g_prime, U_Dh2, U_light_D2)
    return majorana_factor * coupling * np.asarray(m_nuh, float) * integral / (96.0 * np.pi**3)


def width_nuh_to_nu_nunu_offshell(
    m_nuh: ArrayLike,
    m_zprime: ArrayLike,
    g_prime: ArrayLike,
    U_Dh2: ArrayLike,
    U_light_D2: ArrayLike,
    majorana_factor: float = 0.5,
) -> NDArray[np.float64]:
    """Gamma(nu_h -> nu nu nubar) through an off-shell Z', summed over light neutrinos.

    Gamma = f |U_Dh|^2 (sum|U_Di|^2)^3 g'^4 m (J + 3 K) / (192 pi^3), with J the massless
    :func:`offshell_dilepton_integral` (direct diagram: the dilepton formula with the
    left-handed nu nubar width g'^2 (sum|U_Di|^2)^2 sqrt(s)/(24 pi)) and K the
    :func:`offshell_neutrino_interference` of the two diagrams that exchange the identical
    neutrinos. For m_Z' >> m_nuh, 3K = J and Gamma -> f |U_Dh|^2 (sum|U_Di|^2)^3 g'^4 m^5 /
    (384 pi^3 m_Z'^4). 0 while the Z' is on-shell (``nu_zprime`` then Z' -> nu nubar).
    """
    m_nuh = np.asarray(m_nuh, float)
    integral = offshell_dilepton_integral(m_nuh, m_zprime, 0.0)
    integral = integral + 3.0 * offshell_neutrino_interference(m_nuh, m_zprime)
    light = np.asarray(U_light_D2, float)
    coupling = np.asarray(g_prime, float) ** 4 * np.asarray(U_Dh2, float) * light**3
    return majorana_factor * coupling * m_nuh * integral / (192.0 * np.pi**3)


def width_nuh_to_nu_rho(
    m_nuh: ArrayLike,
    m_zprime: ArrayLike,
    chi2: ArrayLike,
    g_prime: ArrayLike,
    U_Dh2: ArrayLike,
    U_light_D2: ArrayLike,
    majorana_factor: float = 0.5,
) -> NDArray[np.float64]:
    """Gamma(nu_h -> nu rho0), Eq. 10, for a heavy (off-shell) Z'; 0 unless m_Z' > m_nuh > m_rho.

    The paper's narrow-rho formula, kept for reference: :func:`nuh_widths` does not use it,
    because ``nu_pipi_zprime`` integrates the measured hadronic spectral function, rho included.

    Gamma = f |U_Dh|^2 sum|U_Di|^2 (e c_W chi g')^2 m^3 f_rho^2 (1-r)^2 (1/2+r)/(16 pi m_Z'^4),
    r = m_rho^2 / m^2.
    """
    m_nuh, m_zprime = np.asarray(m_nuh, float), np.asarray(m_zprime, float)
    r = (M_RHO0 / m_nuh) ** 2
    open_ = (r < 1.0) & (m_zprime > m_nuh)
    phase = np.where(open_, (1.0 - r) ** 2 * (0.5 + r), 0.0)
    coupling = _kinetic_dark_coupling2(chi2, g_prime, U_Dh2, U_light_D2)
    return majorana_factor * coupling * m_nuh**3 * F_RHO**2 * phase / (16.0 * np.pi * m_zprime**4)


def ess_function(x: ArrayLike) -> NDArray[np.float64]:
    """F(x) of Eq. 8 for nu_5 -> nu_4 e+ e-, with x = m_4 / m_5 in [0, 1].

    F(x) = 1 + 2x - 8x^2 + 18x^3 - 18x^5 + 8x^6 - 2x^7 - x^8 + 24 x^3 (1 - x + x^2) log x;
    F(0) = 1, F(1) = 0.
    """
    x = np.asarray(x, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_term = np.where(
            x > 0, 24.0 * x**3 * (1.0 - x + x**2) * np.log(np.where(x > 0, x, 1)), 0
        )
    poly = 1.0 + 2.0 * x - 8.0 * x**2 + 18.0 * x**3 - 18.0 * x**5 + 8.0 * x**6 - 2.0 * x**7 - x**8
    return np.clip(poly + log_term, 0.0, None)


def width_nu5_to_nu4_ee(
    m5: ArrayLike,
    m4: ArrayLike,
    m_zprime: ArrayLike,
    chi2: ArrayLike,
    g_prime: ArrayLike,
    U_D5_2: ArrayLike,
    U_D4_2: ArrayLike,
) -> NDArray[np.float64]:
    """Gamma(nu_5 -> nu_4 e+ e-), Eq. 8 (electron mass neglected, heavy Z'), in MeV."""
    m5 = np.asarray(m5, float)
    coupling = _kinetic_dark_coupling2(chi2, g_prime, U_D5_2, U_D4_2)
    x = np.clip(np.asarray(m4, float) / m5, 0.0, 1.0)
    return coupling * ess_function(x) * m5**5 / (384.0 * np.pi**3 * np.asarray(m_zprime) ** 4)


def nuh_widths(model: ModelPoint) -> dict[str, NDArray[np.float64]]:
    """Every nu_h partial width of ``model`` in MeV, keyed by channel.

    Dark channels: ``nu_zprime`` (on-shell Z', Eq. 13) and, through an off-shell Z' with its
    full propagator (each 0 while the Z' is on-shell), ``nu_ee_zprime``, ``nu_mumu_zprime``,
    ``nu_pipi_zprime`` (hadrons, which contain the rho of Eq. 10) and ``nu_nunu_zprime``
    (invisible). Standard mixing-only channels carry the suffix ``_sm``.
    """
    f = model.majorana_factor
    args = (model.chi2, model.g, model.U_Dh2, model.U_light_D2)
    masses = (model.m_nuh, model.m_zprime)
    widths = {
        "nu_zprime": width_nuh_to_nu_zprime(*masses, *args[1:], f),
        "nu_ee_zprime": width_nuh_to_nu_ll_offshell(*masses, *args, M_ELECTRON, f),
        "nu_mumu_zprime": width_nuh_to_nu_ll_offshell(*masses, *args, M_MUON, f),
        "nu_pipi_zprime": width_nuh_to_nu_hadrons_offshell(*masses, *args, f),
        "nu_nunu_zprime": width_nuh_to_nu_nunu_offshell(*masses, *args[1:], f),
    }
    widths.update(standard_widths(model.m_nuh, model.U_eh2, model.U_muh2, model.U_tauh2, f))
    shape = model.shape
    return {name: np.broadcast_to(w, shape).astype(float) for name, w in widths.items()}
