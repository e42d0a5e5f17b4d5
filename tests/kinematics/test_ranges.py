"""Eqs. A3-A4 against a second derivation, and their limits."""

import numpy as np
import pytest
from hepunits import MeV

from threeportal.constants import M_K_PLUS, M_MUON
from threeportal.kinematics import eq21_residual, m_mu_nu2_range, m_mu_pair2_range

MASSES = [(300 * MeV, 150 * MeV), (300 * MeV, 250 * MeV), (380 * MeV, 20 * MeV), (150, 149.0)]


def _collinear_ends(m_h: float, m_z: float) -> tuple[tuple[float, float], tuple[float, float]]:
    """Ends from the K+ rest frame directly: Z' (or nu) emitted along or against the nu_h."""
    e_h = (M_K_PLUS**2 + m_h**2 - M_MUON**2) / (2 * M_K_PLUS)
    gamma, gamma_beta = e_h / m_h, np.sqrt(e_h**2 - m_h**2) / m_h
    p_star = (m_h**2 - m_z**2) / (2 * m_h)
    e_z_star = np.hypot(p_star, m_z)
    e_z = [gamma * e_z_star + s * gamma_beta * p_star for s in (-1, 1)]
    e_nu = [gamma * p_star + s * gamma_beta * p_star for s in (-1, 1)]
    # m_mu_nu^2 = (p_K - p_Z')^2, m_mu_pair^2 = (p_K - p_nu)^2 in the K+ rest frame
    mu_nu = sorted(M_K_PLUS**2 + m_z**2 - 2 * M_K_PLUS * e for e in e_z)
    mu_pair = sorted(M_K_PLUS**2 - 2 * M_K_PLUS * e for e in e_nu)
    return (mu_nu[0], mu_nu[1]), (mu_pair[0], mu_pair[1])


@pytest.mark.parametrize("m_h, m_z", MASSES)
def test_ranges_match_rest_frame_derivation(m_h, m_z):
    (nu_lo, nu_hi), (pair_lo, pair_hi) = _collinear_ends(m_h, m_z)
    lo, hi = m_mu_nu2_range(m_h, m_z)
    assert lo == pytest.approx(nu_lo, rel=1e-12, abs=0)
    assert hi == pytest.approx(nu_hi, rel=1e-12, abs=0)
    lo, hi = m_mu_pair2_range(m_h, m_z)
    assert lo == pytest.approx(pair_lo, rel=1e-12, abs=0)
    assert hi == pytest.approx(pair_hi, rel=1e-12, abs=0)


def test_ranges_broadcast_and_ordered():
    m_h = np.linspace(160, 380, 7)[:, None] * MeV
    m_z = np.array([10.0, 100.0, 150.0])[None, :] * MeV
    for low, high in (m_mu_nu2_range(m_h, m_z), m_mu_pair2_range(m_h, m_z)):
        assert low.shape == (7, 3)
        assert np.all(low < high)


def test_pair_range_collapses_when_the_neutrino_is_soft():
    """m_Z' -> m_nuh: the nu carries no momentum, so m_mu_pair^2 = (p_K - p_nu)^2 -> m_K^2."""
    lo, hi = m_mu_pair2_range(300 * MeV, 300 * MeV * (1 - 1e-9))
    assert lo == pytest.approx(M_K_PLUS**2, rel=1e-8, abs=0)
    assert hi == pytest.approx(M_K_PLUS**2, rel=1e-8, abs=0)


def test_eq21_holds_at_the_range_ends():
    """Eq. 21 with m_miss = 0: the end of one range is the other end of the other."""
    m_h, m_z = 300 * MeV, 150 * MeV
    nu_lo, nu_hi = m_mu_nu2_range(m_h, m_z)
    pair_lo, pair_hi = m_mu_pair2_range(m_h, m_z)
    scale = M_K_PLUS**2
    assert abs(eq21_residual(pair_hi, nu_lo, m_h**2, 0.0, m_z**2)) < 1e-12 * scale
    assert abs(eq21_residual(pair_lo, nu_hi, m_h**2, 0.0, m_z**2)) < 1e-12 * scale
