"""Z' -> pi+ pi- (issue 17): form-factor normalisation and the P-wave threshold.

Kept in its own file: the pi pi channel may be replaced by an inclusive ``hadrons`` channel,
and then this file goes with it.
"""

import math

import numpy as np
import pytest
from hepunits import MeV
from particle import Particle

from threeportal.physics.zprime import (
    pion_form_factor2,
    width_zprime_to_leptons,
    width_zprime_to_pions,
)

E2 = 4 * math.pi / 137.035999084  # e^2 = 4 pi alpha(0)
CW2 = 1 - 0.23121  # cos^2 theta_W
M_PI = Particle.from_pdgid(211).mass * MeV
M_RHO = Particle.from_pdgid(113).mass * MeV
GAMMA_RHO = Particle.from_pdgid(113).width * MeV


def test_form_factor_is_one_at_zero_and_a_pure_pole_below_threshold():
    """F_pi(0) = 1 (charge normalisation); below 2 m_pi the rho width vanishes, so
    |F|^2 = (m_rho^2 / (m_rho^2 - s))^2 exactly."""
    assert pion_form_factor2(0.0) == 1.0
    s = np.array([1.0, 100.0, 200.0, 279.0]) ** 2 * MeV**2
    assert np.all(s < 4 * M_PI**2)
    pole = (M_RHO**2 / (M_RHO**2 - s)) ** 2
    assert pion_form_factor2(s) == pytest.approx(pole, rel=1e-14, abs=0)


def test_form_factor_at_the_rho_mass():
    """At s = m_rho^2 the real part of the denominator vanishes: |F|^2 = (m_rho / Gamma_rho)^2."""
    got = pion_form_factor2(M_RHO**2)
    assert got == pytest.approx((M_RHO / GAMMA_RHO) ** 2, rel=1e-12, abs=0)


def test_pion_width_at_the_rho_mass_against_the_formula():
    """Gamma = (e c_W chi)^2 m beta^3 |F|^2 / (48 pi), typed from the scalar-QED pair rate."""
    chi2 = 1e-6
    beta = math.sqrt(1 - 4 * M_PI**2 / M_RHO**2)
    expected = E2 * CW2 * chi2 * M_RHO * beta**3 * (M_RHO / GAMMA_RHO) ** 2 / (48 * math.pi)
    assert width_zprime_to_pions(M_RHO, chi2) == pytest.approx(expected, rel=1e-12, abs=0)


@pytest.mark.parametrize("m_zprime", [300.0, 500.0, 1000.0])
def test_pion_to_massless_lepton_ratio_is_beta3_f2_over_4(m_zprime):
    """R-ratio of pions: sigma(pi pi)/sigma(mu mu)|_{m_mu = 0} = beta^3 |F_pi|^2 / 4."""
    m = m_zprime * MeV
    beta = math.sqrt(1 - 4 * M_PI**2 / m**2)
    ratio = width_zprime_to_pions(m, 1e-6) / width_zprime_to_leptons(m, 1e-6, 0.0)
    assert ratio == pytest.approx(beta**3 * pion_form_factor2(m**2) / 4, rel=1e-12, abs=0)


def test_p_wave_threshold():
    """A pair of spin-0 particles from a vector is in a P wave: Gamma ∝ beta^3 near threshold
    (the form factor is smooth there and changes by < 1e-4 between the two points)."""
    betas = np.array([1e-2, 1e-3])
    m = 2 * M_PI / np.sqrt(1 - betas**2)
    w = width_zprime_to_pions(m, 1e-6)
    assert w[0] / w[1] == pytest.approx(1e3, rel=1e-3, abs=0)
    assert width_zprime_to_pions(2 * M_PI * 0.999, 1e-6) == 0.0
