"""Widths the suite did not pin before issue 17, each against an independent derivation.

- Z' -> nu_h nu_h: Dirac beta (1 - r) and Majorana beta^3, both from the textbook width of a
  vector boson into a fermion pair with vector and axial couplings.
- nu_h -> nu rho0: Eq. 10 typed from the paper, with the Dirac factor 1/2 (after Eq. 13).
- Eq. 8 (nu_5 -> nu_4 e+ e-) against Eq. 9 and against the full-propagator three-body width.

Couplings are typed from PHYSICS.md section 1 (alpha(0), sin^2 theta_W = 0.23121), and masses
come from the ``particle`` package, so a wrong constant in threeportal is also caught.
"""

import math

import numpy as np
import pytest
from hepunits import GeV, MeV
from particle import Particle

from threeportal.model import ModelPoint
from threeportal.physics import nuh_widths, zprime_widths
from threeportal.physics.nuh import (
    width_nu5_to_nu4_ee,
    width_nuh_to_nu_ll_offshell,
    width_nuh_to_nu_rho,
)
from threeportal.physics.state import DecayState
from threeportal.physics.zprime import width_zprime_to_nuh_nuh

E2 = 4 * math.pi / 137.035999084  # e^2 = 4 pi alpha(0)
CW2 = 1 - 0.23121  # cos^2 theta_W
M_RHO = Particle.from_pdgid(113).mass * MeV
M_E = Particle.from_pdgid(11).mass * MeV


# ------------------------------------------------------------------ Z' -> nu_h nu_h


def vector_to_pair(m_v, m_f, g_v, g_a):
    """Gamma(V -> f fbar) for L = fbar gamma^mu (g_v - g_a gamma5) f V_mu, distinct f, fbar.

    Textbook: m_V beta [g_v^2 (1 + 2r) + g_a^2 (1 - 4r)] / (12 pi), r = m_f^2 / m_V^2.
    """
    r = (m_f / m_v) ** 2
    beta = np.sqrt(1 - 4 * r)
    return m_v * beta * (g_v**2 * (1 + 2 * r) + g_a**2 * (1 - 4 * r)) / (12 * np.pi)


@pytest.mark.parametrize("m_nuh", [1.0, 100.0, 200.0, 240.0, 249.9])
def test_zprime_to_nuh_pair_dirac_and_majorana_from_vector_axial_couplings(m_nuh):
    """Left-handed current c nubar gamma^mu P_L nu: Dirac has g_v = g_a = c/2; a Majorana
    field has no vector current and an axial coupling doubled to c by the two Wick
    contractions, with 1/2 for identical particles in the final state."""
    m_z, g, u_dh2 = 500.0 * MeV, 0.7, 0.3
    c = g * u_dh2  # g' |U_Dh|^2
    m = m_nuh * MeV
    dirac = width_zprime_to_nuh_nuh(m_z, m, g, u_dh2, "dirac")
    majorana = width_zprime_to_nuh_nuh(m_z, m, g, u_dh2, "majorana")
    assert dirac == pytest.approx(vector_to_pair(m_z, m, c / 2, c / 2), rel=1e-12, abs=0)
    assert majorana == pytest.approx(0.5 * vector_to_pair(m_z, m, 0.0, c), rel=1e-12, abs=0)


def test_zprime_to_nuh_pair_limits_and_thresholds():
    """Massless nu_h: Dirac and Majorana agree (a massless Majorana field is a Weyl field).
    Near threshold Dirac is S-wave (~ beta) and Majorana P-wave (~ beta^3)."""
    m_z, g, u_dh2 = 500.0 * MeV, 0.7, 0.3
    light = 1e-4 * MeV
    assert width_zprime_to_nuh_nuh(m_z, light, g, u_dh2, "majorana") == pytest.approx(
        width_zprime_to_nuh_nuh(m_z, light, g, u_dh2, "dirac"), rel=1e-9, abs=0
    )
    base = g**2 * u_dh2**2 * m_z / (24 * np.pi)
    assert width_zprime_to_nuh_nuh(m_z, light, g, u_dh2, "dirac") == pytest.approx(
        base, rel=1e-9, abs=0
    )
    # beta = 1e-2 and 1e-3 just above m_Z' = 2 m_nuh
    betas = np.array([1e-2, 1e-3])
    m = 0.5 * m_z * np.sqrt(1 - betas**2)
    dirac = width_zprime_to_nuh_nuh(m_z, m, g, u_dh2, "dirac")
    majorana = width_zprime_to_nuh_nuh(m_z, m, g, u_dh2, "majorana")
    assert dirac[0] / dirac[1] == pytest.approx(10.0, rel=1e-4, abs=0)
    assert majorana[0] / majorana[1] == pytest.approx(1e3, rel=1e-9, abs=0)
    assert majorana / dirac == pytest.approx(4 * betas**2 / 3, rel=1e-4, abs=0)
    closed = width_zprime_to_nuh_nuh(m_z, 0.5 * m_z * 1.001, g, u_dh2, "majorana")
    assert closed == 0.0


def test_zprime_widths_use_the_nature_of_the_model():
    kw = dict(m_nuh=200 * MeV, m_zprime=500 * MeV, U_muh2=1e-4, U_Dh2=0.3, g_prime=0.7)
    dirac = zprime_widths(ModelPoint(**kw, nature="dirac"))["nuh_nuh"]
    majorana = zprime_widths(ModelPoint(**kw, nature="majorana"))["nuh_nuh"]
    beta2 = 1 - 4 * (200 / 500) ** 2
    assert majorana / dirac == pytest.approx(beta2 / (1 - (200 / 500) ** 2), rel=1e-12, abs=0)


# ------------------------------------------------------------------ nu_h -> nu rho0


def eq10(m, m_z, chi2, g, u_dh2, u_light2):
    """Paper Eq. 10 (Majorana normalisation), f_rho = 210 MeV."""
    r = (M_RHO / m) ** 2
    coupling = E2 * CW2 * chi2 * g**2 * u_dh2 * u_light2
    return coupling * m**3 * (210 * MeV) ** 2 * (1 - r) ** 2 * (0.5 + r) / (16 * np.pi * m_z**4)


def test_nu_rho_is_eq10_with_half_for_dirac():
    """Sentence after Eq. 13: the (pseudo-)Dirac rate is half the Majorana one."""
    expected = eq10(1000 * MeV, 1500 * MeV, 1e-4, 0.6, 0.5, 1e-4)
    majorana = width_nuh_to_nu_rho(1000 * MeV, 1500 * MeV, 1e-4, 0.6, 0.5, 1e-4, 1.0)
    assert majorana == pytest.approx(expected, rel=1e-12, abs=0)
    # the function's default is the paper's pseudo-Dirac benchmark
    assert width_nuh_to_nu_rho(1000 * MeV, 1500 * MeV, 1e-4, 0.6, 0.5, 1e-4) == pytest.approx(
        0.5 * expected, rel=1e-12, abs=0
    )


def test_nu_hadrons_dirac_is_half_majorana():
    """The hadronic channel that replaces Eq. 10 in the width sum keeps the same factor."""
    kw = dict(m_nuh=1000 * MeV, m_zprime=1500 * MeV, U_muh2=1e-4, U_Dh2=0.5, chi2=1e-4)
    dirac = nuh_widths(ModelPoint(**kw, g_prime=0.6, nature="dirac"))["nu_pipi_zprime"]
    majorana = nuh_widths(ModelPoint(**kw, g_prime=0.6, nature="majorana"))["nu_pipi_zprime"]
    assert dirac == pytest.approx(0.5 * majorana, rel=1e-12, abs=0)
    # for a heavy Z' (Eq. 10's contact limit) the narrow rho is most of it at 1 GeV (the rest:
    # omega, phi, the rho's tails)
    heavy = nuh_widths(ModelPoint(**{**kw, "m_zprime": 8 * GeV}, g_prime=0.6))["nu_pipi_zprime"]
    assert 0.85 < width_nuh_to_nu_rho(1000 * MeV, 8 * GeV, 1e-4, 0.6, 0.5, 1e-4) / heavy < 1.0


def test_nu_rho_threshold():
    """(1 - r)^2 vanishing at m_nuh = m_rho; closed below it."""
    below = width_nuh_to_nu_rho(0.999 * M_RHO, 2000 * MeV, 1e-4, 0.6, 1.0, 1e-4)
    assert below == 0.0
    d = np.array([1e-3, 1e-4])
    w = width_nuh_to_nu_rho(M_RHO / np.sqrt(1 - d), 2000 * MeV, 1e-4, 0.6, 1.0, 1e-4)
    # m = m_rho / sqrt(1 - d): r = 1 - d, so m^3 (1 - r)^2 (1/2 + r) ∝ d^2 (3/2 - d) / (1 - d)^1.5;
    # rel=1e-9 because 1 - r loses ~1e-12 to rounding at d = 1e-4
    shape = d**2 * (1.5 - d) / (1 - d) ** 1.5
    assert w[0] / w[1] == pytest.approx(shape[0] / shape[1], rel=1e-9, abs=0)


# ------------------------------------------------------------------ Eq. 8 versus Eq. 9


def eq9(m, m_z, chi2, g, u_a2, u_b2):
    """Paper Eq. 9 (Majorana normalisation): (e c_W chi g')^2 m^5 / (384 pi^3 m_Z'^4)."""
    return u_a2 * u_b2 * E2 * CW2 * chi2 * g**2 * m**5 / (384 * np.pi**3 * m_z**4)


def test_eq8_tends_to_eq9_for_a_massless_nu4():
    """F(0) = 1: with m_4 -> 0 Eq. 8 is Eq. 9 with |U_D4|^2 for the light content."""
    m5, m_z, chi2, g = 300 * MeV, 3000 * MeV, 1e-6, 0.8
    got = width_nu5_to_nu4_ee(m5, 0.0, m_z, chi2, g, 0.7, 0.2)
    assert got == pytest.approx(eq9(m5, m_z, chi2, g, 0.7, 0.2), rel=1e-14, abs=0)


def test_eq8_against_the_full_propagator_three_body_width():
    """Second method: the numerical dilepton integral with the full Z' propagator (Majorana
    factor 1, electron mass kept) tends to Eq. 8 at m_4 = 0 for m_Z' >> m_5."""
    m5, chi2, g = 300 * MeV, 1e-6, 0.8
    for m_z, tol in ((3e3 * MeV, 0.03), (1e5 * MeV, 1e-4)):
        eq8 = width_nu5_to_nu4_ee(m5, 0.0, m_z, chi2, g, 0.7, 0.2)
        numeric = width_nuh_to_nu_ll_offshell(m5, m_z, chi2, g, 0.7, 0.2, M_E, 1.0)
        assert numeric == pytest.approx(eq8, rel=tol, abs=0)


def test_eq8_takes_f_of_the_mass_ratio():
    """F(sqrt(x_4)) with x_4 = m_4^2/m_5^2: the rate peaks at m_4/m_5 = 0.09 where F = 1.09
    (text after Eq. 8) and vanishes like (1 - m_4/m_5)^5 in the ISS limit."""
    m5, m_z = 300 * MeV, 3000 * MeV
    zero = width_nu5_to_nu4_ee(m5, 0.0, m_z, 1e-6, 0.8, 1.0, 1.0)
    ratio = np.linspace(0.0, 0.3, 3001)
    curve = width_nu5_to_nu4_ee(m5, ratio * m5, m_z, 1e-6, 0.8, 1.0, 1.0) / zero
    assert curve.max() == pytest.approx(1.09, abs=0.005)  # the paper prints 3 digits
    assert ratio[curve.argmax()] == pytest.approx(0.09, abs=0.01)  # and 0.09
    eps = np.array([0.02, 0.01])
    iss = width_nu5_to_nu4_ee(m5, (1 - eps) * m5, m_z, 1e-6, 0.8, 1.0, 1.0) / zero
    assert iss[0] / iss[1] == pytest.approx(2.0**5, rel=0.1, abs=0)


def test_hadronic_decays_count_as_visible():
    """rho0 -> pi+ pi- leaves two tracks: with the Z' heavier than nu_h every dark decay is
    visible (l+ l- or hadrons) except nu nu nubar; only the mixing-suppressed SM channels are
    not counted."""
    point = ModelPoint(m_nuh=1000 * MeV, m_zprime=1500 * MeV, U_muh2=1e-4, chi2=0.1, g_prime=1.0)
    state = DecayState(point)
    assert float(state.nuh_br("nu_pipi_zprime")) > 0.05
    invisible = float(state.nuh_br("nu_nunu_zprime"))
    assert float(state.nuh_direct_visible_fraction) + invisible > 1 - 1e-4
