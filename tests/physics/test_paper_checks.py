"""The checks of PHYSICS.md section 6, each against the number printed in the paper."""

import numpy as np
import pytest
from hepunits import MeV, ps

from threeportal.constants import M_ELECTRON, M_K_PLUS, M_MUON
from threeportal.model import ModelPoint
from threeportal.physics import lifetime, shrock_factor
from threeportal.physics.nuh import ess_function, width_nuh_to_nu_zprime
from threeportal.physics.zprime import width_zprime_to_leptons


def test_ess_function_endpoints_and_maximum():
    assert ess_function(0.0) == pytest.approx(1.0, abs=1e-15)
    assert ess_function(1.0) == pytest.approx(0.0, abs=1e-12)
    x = np.linspace(0.0, 1.0, 20001)
    values = ess_function(x)
    assert values.max() == pytest.approx(1.09, abs=0.005)  # "F(0.09) ~ 1.09"
    assert x[values.argmax()] == pytest.approx(0.09, abs=0.01)


def test_ess_function_vanishes_like_fifth_power_near_one():
    eps = np.array([0.04, 0.02])
    ratio = ess_function(1 - eps) / eps**5
    assert ratio[0] == pytest.approx(ratio[1], rel=0.15)


@pytest.mark.parametrize(("full_phase_space", "expected_ps"), [(False, 1.7), (True, 1.80)])
def test_nuh_lifetime_eq22(full_phase_space, expected_ps):
    """Eq. 22-23: 1.7 ps for |U_Dh U_muh|^2 = 1e-10, 300 MeV, g' = 0.375, m_Z' = 100 MeV."""
    m_zprime = 100 * MeV
    # r -> 0 limit: evaluate Eq. 13 at vanishing Z' mass but with the 1/m_Z'^2 of 100 MeV.
    if full_phase_space:
        width = width_nuh_to_nu_zprime(300 * MeV, m_zprime, 0.375, 1.0, 1e-10, 0.5)
    else:
        tiny = 1e-6 * MeV
        width = (
            width_nuh_to_nu_zprime(300 * MeV, tiny, 0.375, 1.0, 1e-10, 0.5) * (tiny / m_zprime) ** 2
        )
    # the paper prints two significant digits
    assert lifetime(width) / ps == pytest.approx(
        expected_ps, abs=0.05 if expected_ps < 1.75 else 0.01
    )


def test_zprime_lifetime_eq24():
    """Eq. 24: tau_Z' = 0.70 ps for chi = 1e-4, m_Z' = 50 MeV, e+e- only."""
    width = width_zprime_to_leptons(50 * MeV, (1e-4) ** 2, M_ELECTRON)
    assert lifetime(width) / ps == pytest.approx(0.70, abs=0.01)


def test_shrock_factor_values():
    assert shrock_factor(1e-6 * MeV) == pytest.approx(1.0, rel=1e-6)
    assert shrock_factor(M_K_PLUS - M_MUON) == 0.0
    assert shrock_factor(300 * MeV) == pytest.approx(3.9, abs=0.05)


def test_model_point_lifetime_matches_eq22_scaling():
    """Eq. 22 scalings: tau ∝ 1/(U^2 m^3 g'^2) m_Z'^2 in the prompt-dominated regime."""
    base = dict(m_zprime=30 * MeV, U_muh2=1e-8, chi2=0.0, g_prime=0.375)
    from threeportal.physics import nuh_widths

    def tau(**kw):
        point = ModelPoint(**{**base, **kw, "m_nuh": kw.get("m_nuh", 300 * MeV)})
        return lifetime(nuh_widths(point)["nu_zprime"])

    assert tau(U_muh2=2e-8) / tau() == pytest.approx(0.5, rel=1e-12)
    assert tau(g_prime=0.75) / tau() == pytest.approx(0.25, rel=1e-12)
