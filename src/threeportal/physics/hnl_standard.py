"""Standard (mixing-only) decay widths of a heavy neutrino nu_h lighter than the kaon.

The heavy neutrino couples to the Standard Model only through its mixing
``U_alpha h`` with the active neutrinos ("minimal heavy neutral lepton"). The
formulas are those of Bondarenko, Boyarsky, Gorbunov & Ruchayskiy, "Phenomenology of
GeV-scale heavy neutral leptons", JHEP 11 (2018) 032, arXiv:1805.08567, Sec. 3
(equation numbers of arXiv v3):

=============  =====================================  ===============================
key            final state                            1805.08567
=============  =====================================  ===============================
``nununu_sm``  nu_alpha nu_beta nubar_beta, all       Eq. (3.5), summed over beta
``nu_ee_sm``   nu_alpha e+ e-                         Eq. (3.4) with L(x), Table 3
``nu_mumu_sm`` nu_alpha mu+ mu-                       Eq. (3.4) with L(x), Table 3
``mu_e_nu_sm`` mu- e+ nu_e  and  e- mu+ nu_mu         Eqs. (3.1)-(3.2), N_W = 1
``nu_pi0_sm``  nu_alpha pi0                           Eq. (3.7)
``mu_pi_sm``   mu- pi+                                Eq. (3.6)
``e_pi_sm``    e- pi+                                 Eq. (3.6)
=============  =====================================  ===============================

Neutral-current channels are summed over the neutrino flavour alpha = e, mu, tau
with weight ``|U_alpha h|^2``. In ``nu_l_l`` the alpha = l term has charged- and
neutral-current amplitudes that interfere (Table 3, "alpha = beta" row, here called
C3, C4); the other flavours are pure Z exchange (C1, C2):

    C1 = (1 - 4 s_W^2 + 8 s_W^4) / 4,   C2 = s_W^2 (2 s_W^2 - 1) / 2,
    C3 = (1 + 4 s_W^2 + 8 s_W^4) / 4,   C4 = s_W^2 (2 s_W^2 + 1) / 2,

i.e. C1 = g_L^2 + g_R^2 and C2 = g_L g_R with g_L = -1/2 + s_W^2 (+1 with the W
diagram), g_R = s_W^2. The full lepton-mass dependence of Eq. (3.4) is kept; close to
the 2 m_l threshold, where the closed form cancels down to O(beta^7), its exact
power series in the lepton velocity beta = sqrt(1 - 4 m_l^2 / m^2) is used instead.

The charged-current channel ``mu_e_nu_sm`` is the sum of the ``|U_mu h|^2`` piece
nu_h -> mu- e+ nu_e and the ``|U_e h|^2`` piece nu_h -> e- mu+ nu_mu, each equal to
G_F^2 m^5 |U|^2 / (192 pi^3) I(x_mu, 0, x_e) (the integral with one massless particle
is symmetric in the two charged-lepton masses). The alpha = beta charged-current
channels are part of ``nu_ee_sm`` / ``nu_mumu_sm`` through the interference terms.

Dirac / Majorana convention
---------------------------
Every formula of Bondarenko et al. Sec. 3 is the width of *one* definite final
state (e.g. nu_h -> e- pi+, or nu_h -> nu_alpha e+ e-), the same for a Dirac or a
Majorana HNL. For a Majorana HNL each channel has a charge-conjugated partner
(nu_h -> e+ pi-, nu_h -> nubar_alpha e+ e-, ...) with the same width, and the paper
obtains the Majorana total width by counting those as well, i.e. twice the sum of the
listed formulas. A Dirac HNL (lepton number conserved) has only the listed states.
Each width returned here is therefore

    Gamma = 2 * majorana_factor * Gamma_Bondarenko(single channel),

so ``majorana_factor = 1`` gives the Majorana width including the charge-conjugated
final states and ``majorana_factor = 1/2`` (default) gives the Dirac width, exactly
half of it. For example the invisible width, Eq. (3.5) summed over beta and alpha, is
G_F^2 m^5 (|U_eh|^2 + |U_muh|^2 + |U_tauh|^2) / (192 pi^3) for a Dirac nu_h.

Scope
-----
Below the kaon mass these are all the tree-level channels of a mixing-only HNL (the
tau channels and the K, eta, rho channels open above m_K). The functions stay finite,
non-negative and exactly zero below every threshold for any positive mass, but above
m_K they no longer add up to the total width.

Units: hepunits internal units, i.e. masses and widths are plain floats in MeV. All
functions broadcast their array arguments with numpy rules.
"""

from __future__ import annotations

import math
from typing import Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..constants import F_PI, G_FERMI, M_ELECTRON, M_MUON, M_PI0, M_PI_PLUS, S_W2, V_UD
from .hnl_phase_space import cc_phase_space_integral, nc_dilepton_shape

__all__ = [
    "STANDARD_CHANNELS",
    "cc_phase_space_integral",
    "nc_dilepton_shape",
    "standard_widths",
    "width_e_pi",
    "width_mu_e_nu",
    "width_mu_pi",
    "width_nu_ee",
    "width_nu_mumu",
    "width_nu_pi0",
    "width_nununu",
]

#: Keys of :func:`standard_widths`, in a fixed order.
STANDARD_CHANNELS: Final[tuple[str, ...]] = (
    "nununu_sm",
    "nu_ee_sm",
    "nu_mumu_sm",
    "mu_e_nu_sm",
    "nu_pi0_sm",
    "mu_pi_sm",
    "e_pi_sm",
)

# Neutral-current coefficients of Bondarenko et al. Table 3 for charged leptons.
_C1: Final[float] = 0.25 * (1.0 - 4.0 * S_W2 + 8.0 * S_W2**2)  # alpha != beta
_C2: Final[float] = 0.5 * S_W2 * (2.0 * S_W2 - 1.0)
_C3: Final[float] = 0.25 * (1.0 + 4.0 * S_W2 + 8.0 * S_W2**2)  # alpha == beta (interference)
_C4: Final[float] = 0.5 * S_W2 * (2.0 * S_W2 + 1.0)

#: G_F^2 / (192 pi^3), the muon-decay-like normalisation of the 3-body widths (MeV^-4).
_G2_OVER_192PI3: Final[float] = G_FERMI**2 / (192.0 * math.pi**3)


def _as_mass(m_nuh: ArrayLike) -> NDArray[np.float64]:
    m = np.asarray(m_nuh, dtype=float)
    if not np.all(np.isfinite(m)) or np.any(m <= 0.0):
        raise ValueError("m_nuh must be finite and positive (MeV)")
    return m


def _as_mixing(value: ArrayLike, name: str) -> NDArray[np.float64]:
    u2 = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(u2)) or np.any(u2 < 0.0):
        raise ValueError(f"{name} must be finite and non-negative")
    return u2


def _channel_factor(majorana_factor: float) -> float:
    """2 * majorana_factor: Bondarenko single-channel width -> returned width."""
    f = float(majorana_factor)
    if not math.isfinite(f) or f < 0.0:
        raise ValueError("majorana_factor must be finite and non-negative (1 Majorana, 0.5 Dirac)")
    return 2.0 * f


def width_nununu(
    m_nuh: ArrayLike,
    U_eh2: ArrayLike,
    U_muh2: ArrayLike,
    U_tauh2: ArrayLike,
    majorana_factor: float = 0.5,
) -> NDArray[np.float64]:
    """Invisible width nu_h -> 3 nu, summed over all flavours (Eq. 3.5).

    Gamma = 2 f G_F^2 m^5 (|U_eh|^2 + |U_muh|^2 + |U_tauh|^2) / (192 pi^3), f =
    ``majorana_factor``: sum over beta of (1 + delta_alpha_beta)/768 = 1/192.

    Parameters
    ----------
    m_nuh : array_like
        Heavy-neutrino mass (MeV).
    U_eh2, U_muh2, U_tauh2 : array_like
        Squared mixings |U_alpha h|^2 (dimensionless).
    majorana_factor : float
        1 for a Majorana, 0.5 for a Dirac nu_h (module docstring).

    Returns
    -------
    numpy.ndarray
        Width in MeV.
    """
    m = _as_mass(m_nuh)
    u2 = _as_mixing(U_eh2, "U_eh2") + _as_mixing(U_muh2, "U_muh2")
    u2 = u2 + _as_mixing(U_tauh2, "U_tauh2")
    return _channel_factor(majorana_factor) * _G2_OVER_192PI3 * m**5 * u2


def _width_nu_ll(
    m: NDArray[np.float64],
    u2_same: NDArray[np.float64],
    u2_other: NDArray[np.float64],
    m_lepton: float,
    majorana_factor: float,
) -> NDArray[np.float64]:
    x = m_lepton / m
    shape = u2_same * nc_dilepton_shape(x, _C3, _C4) + u2_other * nc_dilepton_shape(x, _C1, _C2)
    return _channel_factor(majorana_factor) * _G2_OVER_192PI3 * m**5 * shape


def width_nu_ee(
    m_nuh: ArrayLike,
    U_eh2: ArrayLike,
    U_muh2: ArrayLike,
    U_tauh2: ArrayLike,
    majorana_factor: float = 0.5,
) -> NDArray[np.float64]:
    """Width nu_h -> nu_alpha e+ e-, summed over alpha (Eq. 3.4, full m_e dependence).

    Gamma = 2 f G_F^2 m^5 / (192 pi^3) [|U_eh|^2 S(x; C3, C4) + (|U_muh|^2 + |U_tauh|^2)
    S(x; C1, C2)], x = m_e / m, S = :func:`nc_dilepton_shape`; for m_e -> 0 the
    non-interfering part is (1/4 - s_W^2 + 2 s_W^4) per unit |U|^2.

    Parameters
    ----------
    m_nuh : array_like
        Heavy-neutrino mass (MeV).
    U_eh2, U_muh2, U_tauh2 : array_like
        Squared mixings |U_alpha h|^2.
    majorana_factor : float
        1 for a Majorana, 0.5 for a Dirac nu_h.

    Returns
    -------
    numpy.ndarray
        Width in MeV, exactly 0 for m_nuh <= 2 m_e.
    """
    m = _as_mass(m_nuh)
    u_e, u_mu = _as_mixing(U_eh2, "U_eh2"), _as_mixing(U_muh2, "U_muh2")
    u_tau = _as_mixing(U_tauh2, "U_tauh2")
    return _width_nu_ll(m, u_e, u_mu + u_tau, M_ELECTRON, majorana_factor)


def width_nu_mumu(
    m_nuh: ArrayLike,
    U_eh2: ArrayLike,
    U_muh2: ArrayLike,
    U_tauh2: ArrayLike,
    majorana_factor: float = 0.5,
) -> NDArray[np.float64]:
    """Width nu_h -> nu_alpha mu+ mu-, summed over alpha (Eq. 3.4, full m_mu dependence).

    As :func:`width_nu_ee` with x = m_mu / m; the interfering flavour is alpha = mu.

    Parameters
    ----------
    m_nuh : array_like
        Heavy-neutrino mass (MeV).
    U_eh2, U_muh2, U_tauh2 : array_like
        Squared mixings |U_alpha h|^2.
    majorana_factor : float
        1 for a Majorana, 0.5 for a Dirac nu_h.

    Returns
    -------
    numpy.ndarray
        Width in MeV, exactly 0 for m_nuh <= 2 m_mu.
    """
    m = _as_mass(m_nuh)
    u_e, u_mu = _as_mixing(U_eh2, "U_eh2"), _as_mixing(U_muh2, "U_muh2")
    u_tau = _as_mixing(U_tauh2, "U_tauh2")
    return _width_nu_ll(m, u_mu, u_e + u_tau, M_MUON, majorana_factor)


def _cc_integral_of_mass(m: NDArray[np.float64]) -> NDArray[np.float64]:
    """I(x_mu, 0, x_e) for every mass, evaluated once per distinct mass value."""
    flat = m.ravel()
    unique, inverse = np.unique(flat, return_inverse=True)
    values = cc_phase_space_integral(M_MUON / unique, M_ELECTRON / unique)
    return values[inverse.ravel()].reshape(m.shape)


def width_mu_e_nu(
    m_nuh: ArrayLike,
    U_eh2: ArrayLike,
    U_muh2: ArrayLike,
    majorana_factor: float = 0.5,
) -> NDArray[np.float64]:
    """Charged-current width into a mu-e pair (Eqs. 3.1-3.2).

    Sum of nu_h -> mu- e+ nu_e (|U_muh|^2) and nu_h -> e- mu+ nu_mu (|U_eh|^2):
    Gamma = 2 f G_F^2 m^5 (|U_eh|^2 + |U_muh|^2) I(x_mu, 0, x_e) / (192 pi^3),
    I = :func:`cc_phase_space_integral`, tending to the muon-decay-like
    G_F^2 m^5 / (192 pi^3) per unit mixing for m >> m_mu (f = 1/2).

    Parameters
    ----------
    m_nuh : array_like
        Heavy-neutrino mass (MeV).
    U_eh2, U_muh2 : array_like
        Squared mixings |U_eh|^2, |U_muh|^2.
    majorana_factor : float
        1 for a Majorana, 0.5 for a Dirac nu_h.

    Returns
    -------
    numpy.ndarray
        Width in MeV, exactly 0 for m_nuh <= m_mu + m_e.
    """
    m = _as_mass(m_nuh)
    u2 = _as_mixing(U_eh2, "U_eh2") + _as_mixing(U_muh2, "U_muh2")
    integral = _cc_integral_of_mass(m)
    return _channel_factor(majorana_factor) * _G2_OVER_192PI3 * m**5 * integral * u2


def width_nu_pi0(
    m_nuh: ArrayLike,
    U_eh2: ArrayLike,
    U_muh2: ArrayLike,
    U_tauh2: ArrayLike,
    majorana_factor: float = 0.5,
) -> NDArray[np.float64]:
    """Width nu_h -> nu_alpha pi0, summed over alpha (Eq. 3.7).

    Gamma = 2 f G_F^2 f_pi^2 m^3 (sum_alpha |U_alpha h|^2) (1 - m_pi0^2/m^2)^2 / (32 pi),
    with f_pi0 = f_pi = 130.2 MeV as in 1805.08567.

    Parameters
    ----------
    m_nuh : array_like
        Heavy-neutrino mass (MeV).
    U_eh2, U_muh2, U_tauh2 : array_like
        Squared mixings |U_alpha h|^2.
    majorana_factor : float
        1 for a Majorana, 0.5 for a Dirac nu_h.

    Returns
    -------
    numpy.ndarray
        Width in MeV, exactly 0 for m_nuh <= m_pi0.
    """
    m = _as_mass(m_nuh)
    u2 = _as_mixing(U_eh2, "U_eh2") + _as_mixing(U_muh2, "U_muh2")
    u2 = u2 + _as_mixing(U_tauh2, "U_tauh2")
    is_open = m > M_PI0
    xh2 = np.where(is_open, (M_PI0 / m) ** 2, 1.0)
    width = G_FERMI**2 * F_PI**2 * m**3 * (1.0 - xh2) ** 2 / (32.0 * math.pi)
    return _channel_factor(majorana_factor) * np.where(is_open, width, 0.0) * u2


def _width_l_pi(
    m: NDArray[np.float64], u2: NDArray[np.float64], m_lepton: float, majorana_factor: float
) -> NDArray[np.float64]:
    is_open = m > m_lepton + M_PI_PLUS
    xl = np.where(is_open, m_lepton / m, 0.0)
    xh = np.where(is_open, M_PI_PLUS / m, 0.0)
    # lambda(1, x_h^2, x_l^2) in factorised form, >= 0 above threshold.
    sqrt_lam = np.sqrt((1.0 - (xh + xl) ** 2) * (1.0 - (xh - xl) ** 2))
    bracket = (1.0 - xl**2) ** 2 - xh**2 * (1.0 + xl**2)
    width = G_FERMI**2 * F_PI**2 * V_UD**2 * m**3 * bracket * sqrt_lam / (16.0 * math.pi)
    return _channel_factor(majorana_factor) * np.where(is_open, width, 0.0) * u2


def width_mu_pi(
    m_nuh: ArrayLike, U_muh2: ArrayLike, majorana_factor: float = 0.5
) -> NDArray[np.float64]:
    """Width nu_h -> mu- pi+ (Eq. 3.6), proportional to |U_muh|^2.

    Gamma = 2 f G_F^2 f_pi^2 |V_ud|^2 |U_muh|^2 m^3 / (16 pi)
    [(1 - x_mu^2)^2 - x_pi^2 (1 + x_mu^2)] lambda^{1/2}(1, x_pi^2, x_mu^2), x_i = m_i / m;
    with ``majorana_factor = 1`` it includes nu_h -> mu+ pi-.

    Parameters
    ----------
    m_nuh : array_like
        Heavy-neutrino mass (MeV).
    U_muh2 : array_like
        Squared mixing |U_muh|^2.
    majorana_factor : float
        1 for a Majorana, 0.5 for a Dirac nu_h.

    Returns
    -------
    numpy.ndarray
        Width in MeV, exactly 0 for m_nuh <= m_mu + m_pi+.
    """
    m = _as_mass(m_nuh)
    return _width_l_pi(m, _as_mixing(U_muh2, "U_muh2"), M_MUON, majorana_factor)


def width_e_pi(
    m_nuh: ArrayLike, U_eh2: ArrayLike, majorana_factor: float = 0.5
) -> NDArray[np.float64]:
    """Width nu_h -> e- pi+ (Eq. 3.6), proportional to |U_eh|^2.

    As :func:`width_mu_pi` with the electron mass.

    Parameters
    ----------
    m_nuh : array_like
        Heavy-neutrino mass (MeV).
    U_eh2 : array_like
        Squared mixing |U_eh|^2.
    majorana_factor : float
        1 for a Majorana, 0.5 for a Dirac nu_h.

    Returns
    -------
    numpy.ndarray
        Width in MeV, exactly 0 for m_nuh <= m_e + m_pi+.
    """
    m = _as_mass(m_nuh)
    return _width_l_pi(m, _as_mixing(U_eh2, "U_eh2"), M_ELECTRON, majorana_factor)


def standard_widths(
    m_nuh: ArrayLike,
    U_eh2: ArrayLike,
    U_muh2: ArrayLike,
    U_tauh2: ArrayLike,
    majorana_factor: float = 0.5,
) -> dict[str, NDArray[np.float64]]:
    """All mixing-only partial widths of nu_h below the kaon mass.

    Parameters
    ----------
    m_nuh : array_like
        Heavy-neutrino mass (MeV, hepunits), finite and positive.
    U_eh2, U_muh2, U_tauh2 : array_like
        Squared mixings |U_alpha h|^2 (dimensionless, >= 0).
    majorana_factor : float, optional
        1 for a Majorana nu_h (charge-conjugated final states included), 0.5 for a Dirac
        nu_h (default); every width is ``2 * majorana_factor`` times the single-channel
        formula of 1805.08567 (module docstring).

    Returns
    -------
    dict of str to numpy.ndarray
        Widths in MeV keyed by :data:`STANDARD_CHANNELS`, each with the broadcast shape
        of the four array arguments; closed channels are exactly 0.

    Raises
    ------
    ValueError
        For a non-positive or non-finite mass, a negative or non-finite mixing, or a
        negative ``majorana_factor``.
    """
    m = _as_mass(m_nuh)
    u_e = _as_mixing(U_eh2, "U_eh2")
    u_mu = _as_mixing(U_muh2, "U_muh2")
    u_tau = _as_mixing(U_tauh2, "U_tauh2")
    shape = np.broadcast_shapes(m.shape, u_e.shape, u_mu.shape, u_tau.shape)
    f = majorana_factor
    widths = {
        "nununu_sm": width_nununu(m, u_e, u_mu, u_tau, f),
        "nu_ee_sm": width_nu_ee(m, u_e, u_mu, u_tau, f),
        "nu_mumu_sm": width_nu_mumu(m, u_e, u_mu, u_tau, f),
        "mu_e_nu_sm": width_mu_e_nu(m, u_e, u_mu, f),
        "nu_pi0_sm": width_nu_pi0(m, u_e, u_mu, u_tau, f),
        "mu_pi_sm": width_mu_pi(m, u_mu, f),
        "e_pi_sm": width_e_pi(m, u_e, f),
    }
    return {key: np.array(np.broadcast_to(widths[key], shape), dtype=float) for key in widths}
