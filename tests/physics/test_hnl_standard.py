"""Mixing-only heavy-neutrino widths checked against independent evaluations.

References are computed here from textbook formulas, a Dalitz-plot integration of the
V-A matrix element, scipy quad, or a 50-digit Decimal evaluation of the paper's closed
form -- never by calling the code under test a second way.
"""

import math
from decimal import Decimal, localcontext

import numpy as np
import pytest
from hepunits import GeV, MeV
from scipy.integrate import quad

from threeportal.constants import (
    F_PI,
    G_FERMI,
    M_ELECTRON,
    M_MUON,
    M_PI0,
    M_PI_PLUS,
    S_W2,
    V_UD,
)
from threeportal.physics.hnl_standard import (
    STANDARD_CHANNELS,
    cc_phase_space_integral,
    nc_dilepton_shape,
    standard_widths,
    width_e_pi,
    width_mu_e_nu,
    width_mu_pi,
    width_nu_ee,
    width_nu_mumu,
    width_nu_pi0,
    width_nununu,
)

DIRAC, MAJORANA = 0.5, 1.0


def muon_like(m, u2=1.0):
    """G_F^2 m^5 |U|^2 / (192 pi^3) in MeV."""
    return G_FERMI**2 * m**5 * u2 / (192.0 * math.pi**3)


# --- neutral current --------------------------------------------------------------------


def test_invisible_width_is_muon_like_per_unit_mixing():
    m, ue, um, ut = 120 * MeV, 1e-6, 2e-6, 3e-6
    dirac = width_nununu(m, ue, um, ut, DIRAC)
    assert dirac == pytest.approx(muon_like(m, ue + um + ut), rel=1e-13)
    assert width_nununu(m, ue, um, ut, MAJORANA) == pytest.approx(2 * dirac, rel=1e-15)


@pytest.mark.parametrize(
    ("mixings", "coefficient"),
    [
        ((0.0, 1e-5, 0.0), 0.25 - S_W2 + 2 * S_W2**2),  # Z only
        ((0.0, 0.0, 1e-5), 0.25 - S_W2 + 2 * S_W2**2),  # Z only
        ((1e-5, 0.0, 0.0), 0.25 + S_W2 + 2 * S_W2**2),  # W-Z interference
    ],
)
def test_nu_ee_massless_electron_limit(mixings, coefficient):
    m = 5 * GeV  # m_e / m = 1e-4: mass corrections ~ 1e-7
    got = width_nu_ee(m, *mixings, DIRAC)
    assert got == pytest.approx(muon_like(m, 1e-5) * coefficient, rel=1e-6)
    assert width_nu_ee(m, *mixings, MAJORANA) == pytest.approx(2 * got, rel=1e-15)


def _decimal_bracket(x: float, c_a: float, c_b: float) -> float:
    """Eq. (3.4) bracket of 1805.08567 evaluated literally with 50 significant digits."""
    with localcontext() as ctx:
        ctx.prec = 50
        x = Decimal(x)  # exact binary value of the float
        beta = (1 - 4 * x**2).sqrt()
        big_l = ((1 - 3 * x**2 - (1 - x**2) * beta) / (x**2 * (1 + beta))).ln()
        t1 = (1 - 14 * x**2 - 2 * x**4 - 12 * x**6) * beta + 12 * x**4 * (x**4 - 1) * big_l
        t2 = (
            x**2 * (2 + 10 * x**2 - 12 * x**4) * beta + 6 * x**4 * (1 - 2 * x**2 + 2 * x**4) * big_l
        )
        return float(Decimal(c_a) * t1 + 4 * Decimal(c_b) * t2)


@pytest.mark.parametrize(
    "x", [1e-5, 0.01, 0.2, 0.4, 0.47, 0.484, 0.4842, 0.485, 0.49, 0.499, 0.49999, 0.4999999]
)
def test_nc_bracket_matches_high_precision_closed_form(x):
    """Also near threshold, where the double-precision closed form cancels to beta^7."""
    s = S_W2
    for c_a, c_b in [
        (0.25 * (1 - 4 * s + 8 * s**2), 0.5 * s * (2 * s - 1)),
        (0.25 * (1 + 4 * s + 8 * s**2), 0.5 * s * (2 * s + 1)),
    ]:
        assert nc_dilepton_shape(x, c_a, c_b) == pytest.approx(
            _decimal_bracket(x, c_a, c_b), rel=1e-10
        )


def _dalitz_nc_ratio(x: float, g_l: float, g_r: float) -> float:
    """Gamma(N -> nu f fbar) / (G_F^2 m^5 |U|^2 / 192 pi^3) from the matrix element.

    Sum over spins of |M|^2 for [nu g^mu P_L N][f g_mu (g_L P_L + g_R P_R) fbar], in units
    of 128 G_F^2 |U|^2: g_L^2 (nu.f)(N.fbar) + g_R^2 (nu.fbar)(N.f) + g_L g_R m_f^2 (nu.N).
    With dGamma = |M|^2/2 ds12 ds23 / (256 pi^3 m^3) the ratio is 48 * int int [...].
    Units m = 1; s12 = (p_nu + p_f)^2, s23 = (p_f + p_fbar)^2.
    """
    m2 = x * x

    def bracket(s12, s23):
        s13 = 1 + 2 * m2 - s12 - s23
        nu_f, nu_fb = (s12 - m2) / 2, (s13 - m2) / 2
        n_f, n_fb, n_nu = (1 + m2 - s13) / 2, (1 + m2 - s12) / 2, (1 - s23) / 2
        return g_l**2 * nu_f * n_fb + g_r**2 * nu_fb * n_f + g_l * g_r * m2 * n_nu

    def over_s23(s12):
        rs = math.sqrt(s12)
        e2, e3 = (s12 + m2) / (2 * rs), (1 - s12 - m2) / (2 * rs)
        p2, p3 = math.sqrt(max(e2**2 - m2, 0.0)), math.sqrt(max(e3**2 - m2, 0.0))
        lo, hi = (e2 + e3) ** 2 - (p2 + p3) ** 2, (e2 + e3) ** 2 - (p2 - p3) ** 2
        mid = 0.5 * (lo + hi)  # the bracket is quadratic in s23: Simpson is exact
        return (hi - lo) / 6 * (bracket(s12, lo) + 4 * bracket(s12, mid) + bracket(s12, hi))

    value, _ = quad(over_s23, m2, (1 - x) ** 2, epsabs=0.0, epsrel=1e-12, limit=200)
    return 48.0 * value


@pytest.mark.parametrize("m", [40 * MeV, 250 * MeV, 400 * MeV])
def test_nu_mumu_and_nu_ee_against_dalitz_integration(m):
    u2 = 1e-7
    g_r = S_W2
    for width, m_l in [(width_nu_mumu, M_MUON), (width_nu_ee, M_ELECTRON)]:
        x = m_l / m
        if x >= 0.5:
            continue
        same = (0.0, u2, 0.0) if m_l == M_MUON else (u2, 0.0, 0.0)
        other = (0.0, 0.0, u2)
        got_same = width(m, *same, DIRAC) / muon_like(m, u2)
        got_other = width(m, *other, DIRAC) / muon_like(m, u2)
        assert got_same == pytest.approx(_dalitz_nc_ratio(x, 0.5 + S_W2, g_r), rel=1e-8)
        assert got_other == pytest.approx(_dalitz_nc_ratio(x, -0.5 + S_W2, g_r), rel=1e-8)


# --- charged current --------------------------------------------------------------------


def _quad_integral(x_u, x_d, x_l):
    """Eq. (3.2) of 1805.08567 integrated literally with scipy quad."""

    def kallen(a, b, c):
        return a * a + b * b + c * c - 2 * (a * b + b * c + c * a)

    def integrand(s):
        lam1 = max(kallen(s, x_l**2, x_d**2), 0.0)
        lam2 = max(kallen(1.0, s, x_u**2), 0.0)
        return (s - x_l**2 - x_d**2) * (1 + x_u**2 - s) * math.sqrt(lam1 * lam2) / s

    lo, hi = (x_d + x_l) ** 2, (1 - x_u) ** 2
    breaks = [lo + (hi - lo) * t for t in (1e-6, 1e-3)]  # the 1/s rise near a light lepton
    value, _ = quad(integrand, lo, hi, epsabs=0.0, epsrel=1e-12, limit=500, points=breaks)
    return 12.0 * value


@pytest.mark.parametrize(
    ("x_u", "x_l"),
    [(0.3, 0.1), (0.1, 0.3), (0.5, 0.01), (0.05, 0.6), (0.45, 0.45), (0.9, 0.05), (0.2, 0.0)],
)
def test_cc_integral_against_quad(x_u, x_l):
    assert cc_phase_space_integral(x_u, x_l) == pytest.approx(
        _quad_integral(x_u, 0.0, x_l), rel=1e-9
    )


def test_cc_integral_physical_masses_against_quad():
    m = np.array([110.0, 150.0, 300.0, 493.0, 2000.0, 10000.0]) * MeV
    got = cc_phase_space_integral(M_MUON / m, M_ELECTRON / m)
    ref = [_quad_integral(M_MUON / mi, 0.0, M_ELECTRON / mi) for mi in m]
    np.testing.assert_allclose(got, ref, rtol=1e-9)


def test_cc_integral_muon_decay_function_and_limits():
    r = np.array([1e-4, 0.01, 0.1, 0.5])  # r = x^2
    muon_decay = 1 - 8 * r + 8 * r**3 - r**4 - 12 * r**2 * np.log(r)
    np.testing.assert_allclose(cc_phase_space_integral(np.sqrt(r), 0.0), muon_decay, rtol=1e-12)
    np.testing.assert_allclose(cc_phase_space_integral(0.0, np.sqrt(r)), muon_decay, rtol=1e-12)
    assert cc_phase_space_integral(0.0, 0.0) == pytest.approx(1.0, rel=1e-13)
    assert cc_phase_space_integral(0.6, 0.4) == 0.0
    assert cc_phase_space_integral(1.2, 0.0) == 0.0


def test_mu_e_nu_heavy_limit_is_muon_decay_like():
    ue, um = 3e-7, 1e-6
    for m in (2 * GeV, 10 * GeV):
        r = (M_MUON / m) ** 2
        f = 1 - 8 * r + 8 * r**3 - r**4 - 12 * r**2 * math.log(r)  # m_e neglected
        ratio = width_mu_e_nu(m, ue, um, DIRAC) / muon_like(m, ue + um)
        assert ratio == pytest.approx(f, rel=5e-6)
    assert ratio == pytest.approx(1.0, rel=1e-3)


# --- two-body pion channels -------------------------------------------------------------


@pytest.mark.parametrize("m", [300 * MeV, 480 * MeV])
def test_pion_widths_by_hand(m):
    u2 = 4e-6
    for width, m_l in [(width_mu_pi, M_MUON), (width_e_pi, M_ELECTRON)]:
        lam = (m**2 - (M_PI_PLUS + m_l) ** 2) * (m**2 - (M_PI_PLUS - m_l) ** 2)
        p_star = math.sqrt(lam) / (2 * m)
        matrix = (m**2 - m_l**2) ** 2 - M_PI_PLUS**2 * (m**2 + m_l**2)
        ref = G_FERMI**2 * F_PI**2 * V_UD**2 * u2 * p_star * matrix / (8 * math.pi * m**2)
        assert width(m, u2, DIRAC) == pytest.approx(ref, rel=1e-12)
        assert width(m, u2, MAJORANA) == pytest.approx(2 * ref, rel=1e-12)
    ref0 = G_FERMI**2 * F_PI**2 * 3 * u2 * (m**2 - M_PI0**2) ** 2 / (32 * math.pi * m)
    assert width_nu_pi0(m, u2, u2, u2, DIRAC) == pytest.approx(ref0, rel=1e-12)


# --- global properties ------------------------------------------------------------------


THRESHOLDS = {
    "nu_ee_sm": 2 * M_ELECTRON,
    "nu_mumu_sm": 2 * M_MUON,
    "mu_e_nu_sm": M_MUON + M_ELECTRON,
    "nu_pi0_sm": M_PI0,
    "mu_pi_sm": M_MUON + M_PI_PLUS,
    "e_pi_sm": M_ELECTRON + M_PI_PLUS,
}


@pytest.mark.parametrize("channel", sorted(THRESHOLDS))
def test_exact_zero_below_threshold(channel):
    threshold = THRESHOLDS[channel]
    m = np.array([0.5, 0.999, 1.0, 1.001, 1.5]) * threshold
    w = standard_widths(m, 1e-6, 1e-6, 1e-6, MAJORANA)[channel]
    assert np.all(w[:3] == 0.0)
    assert np.all(w[3:] > 0.0)
    assert np.all(standard_widths(m, 1e-6, 1e-6, 1e-6)["nununu_sm"] > 0.0)


def test_broadcast_shapes_and_keys():
    m = np.geomspace(50 * MeV, 480 * MeV, 5)[:, None]
    u = np.geomspace(1e-10, 1e-4, 4)[None, :]
    widths = standard_widths(m, u, 2 * u, 0.0)
    assert tuple(widths) == STANDARD_CHANNELS
    assert all(w.shape == (5, 4) for w in widths.values())
    assert all(w.shape == () for w in standard_widths(300 * MeV, 1e-6, 0.0, 0.0).values())
    # linear in the mixings, column by column
    for key in ("mu_pi_sm", "nu_ee_sm", "mu_e_nu_sm"):
        w = widths[key]
        np.testing.assert_allclose(w[:, 1] * u[0, 0], w[:, 0] * u[0, 1], rtol=1e-13)


def test_no_nan_or_negative_on_log_grid():
    m = np.geomspace(1 * MeV, 10 * GeV, 400)[:, None]
    u = np.geomspace(1e-14, 1.0, 15)[None, :]
    for w in standard_widths(m, u, u, u, MAJORANA).values():
        assert np.all(np.isfinite(w))
        assert np.all(w >= 0.0)
    total = sum(standard_widths(m, u, u, u).values())
    assert np.all(total > 0.0)


def test_dirac_total_is_half_majorana_total():
    m = np.array([1.5, 20.0, 150.0, 260.0, 490.0]) * MeV
    dirac = sum(standard_widths(m, 1e-6, 3e-7, 2e-6, DIRAC).values())
    majorana = sum(standard_widths(m, 1e-6, 3e-7, 2e-6, MAJORANA).values())
    np.testing.assert_allclose(majorana, 2 * dirac, rtol=1e-14)


@pytest.mark.parametrize(
    "args",
    [(0.0, 1e-6, 0.0, 0.0), (-1.0, 1e-6, 0.0, 0.0), (np.nan, 1e-6, 0.0, 0.0),
     (100.0, -1e-6, 0.0, 0.0), (100.0, 1e-6, np.inf, 0.0)],
)  # fmt: skip
def test_invalid_inputs_raise(args):
    with pytest.raises(ValueError):
        standard_widths(*args)


def test_invalid_majorana_factor_raises():
    with pytest.raises(ValueError):
        standard_widths(100.0, 1e-6, 0.0, 0.0, -0.5)


def test_helpers_at_zero_mass_and_invalid_ratios():
    assert nc_dilepton_shape(0.0, 0.3, -0.1) == pytest.approx(0.3, rel=1e-15)
    assert nc_dilepton_shape(np.array([0.5, 0.7, 1e300]), 0.3, -0.1).tolist() == [0.0] * 3
    with pytest.raises(ValueError):
        nc_dilepton_shape(-0.1, 0.3, -0.1)
    with pytest.raises(ValueError):
        cc_phase_space_integral(0.1, np.nan)
