import numpy as np
import pytest
from hepunits import MeV

from threeportal.constants import M_MUON, M_PI_PLUS
from threeportal.model import ModelPoint
from threeportal.physics import branching_ratios, zprime_widths
from threeportal.physics.zprime import pion_form_factor2


def default_point(U_muh2, m_zprime=150 * MeV):
    return ModelPoint(
        m_nuh=300 * MeV, m_zprime=m_zprime, U_muh2=U_muh2, chi2=1e-8, v_phi=266.67 * MeV
    )


def test_invisible_takes_over_between_1e5_and_1e3():
    """Fig. 3 caption: BR(Z' -> ee) falls to one half in 1e-5 < |U_muh|^2 < 1e-3."""
    U2 = np.logspace(-7, -1, 601)
    br_ee = branching_ratios(zprime_widths(default_point(U2)))["ee"]
    assert br_ee[0] > 0.99
    crossing = U2[np.argmin(np.abs(br_ee - 0.5))]
    assert 1e-5 < crossing < 1e-3
    assert np.all(np.diff(br_ee) <= 0)


def test_leptonic_ratio_against_qed():
    """Gamma(mumu)/Gamma(ee) equals the QED pair-production ratio beta (3 - beta^2)/2."""
    m_z = 400 * MeV
    w = zprime_widths(default_point(1e-8, m_z))
    beta = np.sqrt(1 - 4 * M_MUON**2 / m_z**2)
    assert w["mumu"] / w["ee"] == pytest.approx(beta * (3 - beta**2) / 2, rel=1e-3)


def test_thresholds_exact_zero():
    w = zprime_widths(default_point(1e-6, 200 * MeV))
    assert w["mumu"] == 0.0 and w["pipi"] == 0.0 and w["nu_nuh"] == 0.0
    assert w["nuh_nuh"] == 0.0
    heavy = zprime_widths(default_point(1e-6, 700 * MeV))
    assert heavy["nu_nuh"] > 0 and heavy["nuh_nuh"] > 0 and heavy["pipi"] > 0


def test_pion_form_factor_normalised_and_peaked():
    assert pion_form_factor2(0.0) == pytest.approx(1.0, abs=1e-15)
    assert pion_form_factor2((2 * M_PI_PLUS) ** 2) > 1.0
    s = np.linspace(0.3e6, 0.9e6, 601)
    assert 740 < np.sqrt(s[np.argmax(pion_form_factor2(s))]) < 800


def test_nu_nuh_and_pair_widths_massless_limit():
    """For m_nuh -> 0 both reduce to the nu nubar width with |U_Dh|^2 replacing a mixing."""
    p = ModelPoint(
        m_nuh=1e-3 * MeV, m_zprime=500 * MeV, U_muh2=0.01, U_Dh2=0.5, chi2=0.0, g_prime=1.0
    )
    w = zprime_widths(p)
    # nunu ∝ U_light^4, nu_nuh ∝ 2 U_light^2 U_Dh^2, nuh_nuh ∝ U_Dh^4
    assert w["nu_nuh"] / w["nunu"] == pytest.approx(2 * 0.5 / 0.01, rel=1e-6)
    assert w["nuh_nuh"] / w["nunu"] == pytest.approx(0.5**2 / 0.01**2, rel=1e-6)


def test_broadcast_shapes():
    point = ModelPoint(
        m_nuh=300 * MeV,
        m_zprime=np.geomspace(1, 900, 6).reshape(6, 1) * MeV,
        U_muh2=np.logspace(-10, -2, 4).reshape(1, 4),
        chi2=1e-8,
        g_prime=0.5,
    )
    for width in zprime_widths(point).values():
        assert width.shape == (6, 4)
