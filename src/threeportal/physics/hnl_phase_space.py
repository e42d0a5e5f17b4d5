"""Phase-space kernels of the standard heavy-neutral-lepton three-body widths.

Bondarenko, Boyarsky, Gorbunov, Ruchayskiy, JHEP 11 (2018) 032, arXiv:1805.08567: the
neutral-current dilepton brackets of their Eq. (3.4) (with an exact threshold series) and
the charged-current phase-space integral (fixed-order Gauss-Legendre, vectorised). Used by
:mod:`threeportal.physics.hnl_standard`; dimensionless.
"""

from __future__ import annotations

import math
from typing import Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["cc_phase_space_integral", "nc_dilepton_shape"]

# Threshold power series of the two brackets of Eq. (3.4) in beta = sqrt(1 - 4 x^2):
# with x^2 = (1 - beta^2)/4 and L(x) = -4 artanh(beta) the brackets are odd series in
# beta starting at beta^7; entry k multiplies beta^(7 + 2k) (exact rational coefficients,
# orders beyond beta^29 are below 1e-17 relative for beta < _BETA_SERIES).
_SERIES_T1: Final = np.array(
    [32 / 35, 0.0, 32 / 1155, 256 / 15015, 32 / 3003, 256 / 36465, 224 / 46189,
     512 / 146965, 96 / 37145, 512 / 260015, 352 / 229425, 256 / 210105]
)  # fmt: skip
_SERIES_T2: Final = np.array(
    [8 / 35, -16 / 105, -8 / 231, -32 / 2145, -8 / 1001, -16 / 3315, -56 / 17765,
     -64 / 29393, -24 / 15295, -16 / 13685, -88 / 98325, -32 / 45675]
)  # fmt: skip
_BETA_SERIES: Final[float] = 0.25
_TINY: Final[float] = float(np.finfo(float).tiny)

# Gauss-Legendre rule on [0, 1] for the charged-current phase-space integral, and the cap
# on tau^2 = ln(s_max / s) of its integration variable.
_N_GAUSS: Final[int] = 48
_GL_T, _GL_W = np.polynomial.legendre.leggauss(_N_GAUSS)
_GL_U: Final = 0.5 * (_GL_T + 1.0)
_GL_WEIGHTS: Final = 0.5 * _GL_W
_TAU2_CAP: Final[float] = 40.0


def _as_ratio(value: ArrayLike, name: str) -> NDArray[np.float64]:
    x = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(x)) or np.any(x < 0.0):
        raise ValueError(f"{name} must be finite and non-negative")
    return x


def nc_dilepton_shape(x: ArrayLike, c_a: float, c_b: float) -> NDArray[np.float64]:
    """Lepton-mass bracket of Bondarenko et al. Eq. (3.4) for nu_h -> nu l+ l-.

    Returns ``c_a * T1(x) + 4 c_b * T2(x)`` with

        T1 = (1 - 14x^2 - 2x^4 - 12x^6) beta + 12 x^4 (x^4 - 1) L(x),
        T2 = x^2 (2 + 10x^2 - 12x^4) beta + 6 x^4 (1 - 2x^2 + 2x^4) L(x),

    beta = sqrt(1 - 4x^2) and
    L(x) = ln[(1 - 3x^2 - (1 - x^2) beta) / (x^2 (1 + beta))] = -4 artanh(beta),
    so that Gamma = G_F^2 m^5 |U|^2 / (192 pi^3) * shape. The shape tends to ``c_a``
    for x -> 0 and vanishes like beta^7 at threshold.

    Parameters
    ----------
    x : array_like
        Lepton mass over heavy-neutrino mass, m_l / m_nuh (dimensionless, finite, >= 0).
    c_a, c_b : float
        Table 3 coefficients: (C1, C2) without, (C3, C4) with charged-current
        interference.

    Returns
    -------
    numpy.ndarray
        The dimensionless bracket, exactly 0 for x >= 1/2.
    """
    x = _as_ratio(x, "x")
    is_open = x < 0.5
    xs = np.where(is_open, x, 0.25)  # any valid point; closed entries are zeroed below
    x2 = xs * xs
    beta = np.sqrt((1.0 - 2.0 * xs) * (1.0 + 2.0 * xs))  # exact 1 - 2x near threshold
    # L = 2 ln((1 - beta)/(1 + beta)) with 1 - beta = 4x^2/(1 + beta): no cancellation.
    # (floored so that x = 0 gives x^4 L = 0 rather than 0 * inf)
    big_l = 2.0 * np.log(np.maximum(4.0 * x2, _TINY)) - 4.0 * np.log1p(beta)
    t1 = (1.0 - 14.0 * x2 - 2.0 * x2**2 - 12.0 * x2**3) * beta + 12.0 * x2**2 * (
        x2**2 - 1.0
    ) * big_l
    t2 = (
        x2 * (2.0 + 10.0 * x2 - 12.0 * x2**2) * beta
        + 6.0 * x2**2 * (1.0 - 2.0 * x2 + 2.0 * x2**2) * big_l
    )
    closed_form = c_a * t1 + 4.0 * c_b * t2
    # Near threshold: exact series (coefficients c_a*T1_k + 4 c_b*T2_k of beta^k).
    coeffs = c_a * _SERIES_T1 + 4.0 * c_b * _SERIES_T2
    beta_s = np.minimum(beta, _BETA_SERIES)
    series = np.polynomial.polynomial.polyval(beta_s * beta_s, coeffs) * beta_s**7
    shape = np.where(beta < _BETA_SERIES, series, closed_form)
    return np.where(is_open, shape, 0.0)


def cc_phase_space_integral(x_u: ArrayLike, x_l: ArrayLike) -> NDArray[np.float64]:
    """Phase-space integral I(x_u, 0, x_l) of Bondarenko et al. Eq. (3.2).

    I(x_u, x_d, x_l) = 12 int_{(x_d + x_l)^2}^{(1 - x_u)^2} ds/s (s - x_l^2 - x_d^2)
    (1 + x_u^2 - s) lambda^{1/2}(s, x_l^2, x_d^2) lambda^{1/2}(1, s, x_u^2), here with
    x_d = 0 (massless neutrino); I(0, 0, 0) = 1. With one massless particle the result is
    symmetric under x_u <-> x_l, which is used to put the larger mass in the x_u slot.

    The substitution s = (1 - x_u)^2 exp(-tau^2) absorbs both the 1/s factor and the
    square-root end point at s = (1 - x_u)^2, leaving a smooth integrand on
    0 <= tau <= sqrt(ln((1 - x_u)^2 / x_l^2)) that a fixed 48-point Gauss-Legendre rule
    integrates to about 1e-13 relative (vectorised over the inputs; the range of tau
    is capped at tau^2 = 40, which drops a part below 1e-30 when x_l -> 0).

    Parameters
    ----------
    x_u, x_l : array_like
        The two charged-lepton masses over the heavy-neutrino mass (dimensionless,
        finite, >= 0).

    Returns
    -------
    numpy.ndarray
        I, broadcast shape of the inputs, exactly 0 where x_u + x_l >= 1.
    """
    xu_in, xl_in = np.broadcast_arrays(_as_ratio(x_u, "x_u"), _as_ratio(x_l, "x_l"))
    a = np.maximum(xu_in, xl_in)
    b = np.minimum(xu_in, xl_in)
    delta = (1.0 - a - b) * (1.0 - a + b)  # (1 - a)^2 - b^2, the range of s
    is_open = (a + b < 1.0) & (delta > 0.0)
    a = np.where(is_open, a, 0.0)
    b2 = np.where(is_open, b * b, 0.0)
    delta = np.where(is_open, delta, 1.0)
    s_max = (1.0 - a) ** 2
    # tau_max^2 = ln(s_max / b^2) = log1p(delta / b^2), capped (and used for b = 0).
    use_log = b2 > delta * math.exp(-_TAU2_CAP)
    ratio = delta / np.where(use_log, b2, 1.0)
    tau2_max = np.minimum(np.where(use_log, np.log1p(ratio), _TAU2_CAP), _TAU2_CAP)
    acc = np.zeros(s_max.shape)
    for v, w in zip(_GL_U, _GL_WEIGHTS, strict=True):
        tau2 = tau2_max * v * v
        q = -s_max * np.expm1(-tau2)  # s_max - s >= 0
        s_minus_b2 = -s_max * np.exp(-tau2) * np.expm1(-(tau2_max - tau2))  # s - b^2 >= 0
        integrand = s_minus_b2**2 * (2.0 * a + q) * np.sqrt(q * (4.0 * a + q))
        acc += w * v * integrand
    # ds/s = 2 tau dtau, tau = tau_max v: I = 24 tau_max^2 int_0^1 v (...) dv
    return np.where(is_open, 24.0 * tau2_max * acc, 0.0)
