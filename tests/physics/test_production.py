import numpy as np
import pytest
from hepunits import MeV

from threeportal.constants import BR_K_TO_MU_NU, M_K_PLUS, M_MUON
from threeportal.physics.kinematics import two_body_momentum
from threeportal.physics.production import br_k_to_mu_nuh, shrock_factor


def test_shrock_factor_is_ratio_of_two_body_rates():
    """Independent derivation: Gamma(K -> mu N) ∝ p* [m_K^2 (m_mu^2 + m^2) - (m_mu^2 - m^2)^2]."""
    m = np.array([10.0, 100.0, 250.0, 350.0]) * MeV

    def rate(mass):
        p = two_body_momentum(M_K_PLUS, M_MUON, mass)
        return p * (M_K_PLUS**2 * (M_MUON**2 + mass**2) - (M_MUON**2 - mass**2) ** 2)

    assert shrock_factor(m) == pytest.approx(rate(m) / rate(0.0), rel=1e-10)


def test_shrock_closed_above_threshold_and_no_nan():
    m = np.linspace(M_K_PLUS - M_MUON, 10_000 * MeV, 50)
    assert np.all(shrock_factor(m) == 0.0)


def test_branching_ratio_scales_and_switch():
    m = 300 * MeV
    assert br_k_to_mu_nuh(m, 1e-6) == pytest.approx(1e-6 * shrock_factor(m) * BR_K_TO_MU_NU)
    assert br_k_to_mu_nuh(m, 1e-6, shrock=False) == pytest.approx(1e-6 * BR_K_TO_MU_NU)
    assert br_k_to_mu_nuh(400 * MeV, 1e-6, shrock=False) == 0.0


def test_broadcasting():
    out = br_k_to_mu_nuh(np.linspace(10, 380, 4).reshape(4, 1) * MeV, np.ones((1, 3)) * 1e-6)
    assert out.shape == (4, 3)
