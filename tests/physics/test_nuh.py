import numpy as np
import pytest
from hepunits import MeV
from scipy.integrate import quad

from threeportal.constants import C_W2, E_CHARGE, M_ELECTRON, M_MUON
from threeportal.model import ModelPoint
from threeportal.physics import nuh_widths, total_width
from threeportal.physics.hnl_standard import standard_widths
from threeportal.physics.nuh import (
    offshell_dilepton_integral,
    width_nuh_to_nu_ll_offshell,
    width_nuh_to_nu_zprime,
)


def eq9(m_nuh, m_zprime, chi2, g, U_D2, U2, factor):
    """Paper Eq. 9 (Majorana normalisation) times the Dirac/Majorana factor."""
    return (
        factor
        * U_D2
        * U2
        * E_CHARGE**2
        * C_W2
        * chi2
        * g**2
        * m_nuh**5
        / (384 * np.pi**3 * m_zprime**4)
    )


@pytest.mark.parametrize("factor", [0.5, 1.0])
def test_three_body_tends_to_eq9_for_heavy_zprime(factor):
    m, chi2, g, u2 = 300 * MeV, 1e-6, 0.7, 1e-7
    ratios = []
    for m_z in (3_000 * MeV, 30_000 * MeV):
        w = width_nuh_to_nu_ll_offshell(m, m_z, chi2, g, 1.0, u2, M_ELECTRON, factor)
        ratios.append(w / eq9(m, m_z, chi2, g, 1.0, u2, factor))
    # corrections are O(m^2/m_Z'^2) and shrink a hundredfold per decade
    assert abs(ratios[0] - 1) < 0.05
    assert abs(ratios[1] - 1) < 5e-4
    assert abs(ratios[1] - 1) < abs(ratios[0] - 1) / 50


def test_dilepton_integral_against_quad():
    for m, m_z, ml in [(300.0, 310.0, M_ELECTRON), (300.0, 900.0, M_MUON), (300.0, 300.03, 0.0)]:
        x, big_r = (ml / m) ** 2, (m_z / m) ** 2

        def integrand(u, x=x, big_r=big_r):
            return (
                (1 - u) ** 2
                * (0.5 + u)
                * (1 + 2 * x / u)
                * np.sqrt(1 - 4 * x / u)
                / (u - big_r) ** 2
            )

        ref = quad(integrand, 4 * x if x > 0 else 1e-300, 1, epsabs=0, epsrel=1e-11)[0]
        assert offshell_dilepton_integral(m, m_z, ml) == pytest.approx(ref, rel=1e-6)


def test_three_body_continuous_from_above_at_threshold():
    """With a massless lepton the integral is exactly 1 at m_Z' = m_nuh, approached smoothly."""
    m = 300 * MeV
    values = [offshell_dilepton_integral(m, m * (1 + d), 0.0) for d in (1e-2, 1e-4, 1e-6, 0.0)]
    assert values[-1] == pytest.approx(1.0, rel=1e-9)
    # the approach is like delta log(1/delta): 1e-4 away at delta = 1e-6, 1e-2 at 1e-4
    assert values[-2] == pytest.approx(values[-1], rel=1e-4)
    assert values[-3] == pytest.approx(values[-1], rel=1e-2)
    assert values[0] < values[1] < values[2] < values[3]


def test_on_shell_and_off_shell_split():
    m = 300 * MeV
    below = offshell_dilepton_integral(m, 0.999 * m, M_ELECTRON)
    assert below == 0.0
    assert width_nuh_to_nu_zprime(m, 1.001 * m, 0.5, 1.0, 1e-6) == 0.0
    assert width_nuh_to_nu_zprime(m, 0.999 * m, 0.5, 1.0, 1e-6) > 0.0
    # the on-shell rate vanishes at threshold like (1 - r)^2
    w1 = width_nuh_to_nu_zprime(m, (1 - 1e-3) * m, 0.5, 1.0, 1e-6)
    w2 = width_nuh_to_nu_zprime(m, (1 - 1e-4) * m, 0.5, 1.0, 1e-6)
    assert w2 / w1 == pytest.approx(1e-2, rel=0.01)


def test_chi_and_g_zero_give_exactly_the_standard_hnl():
    kw = dict(
        m_nuh=np.array([50.0, 150.0, 300.0, 380.0]) * MeV,
        m_zprime=100 * MeV,
        U_muh2=1e-6,
        U_eh2=2e-7,
        U_tauh2=1e-7,
    )
    point = ModelPoint(**kw, chi2=0.0, g_prime=0.0)
    widths = nuh_widths(point)
    dark = ("nu_zprime", "nu_ee_zprime", "nu_mumu_zprime", "nu_pipi_zprime", "nu_nunu_zprime")
    for name in dark:
        assert np.all(widths[name] == 0.0)
    sm = standard_widths(point.m_nuh, 2e-7, 1e-6, 1e-7, 0.5)
    assert np.array_equal(total_width(widths), total_width(sm))


def test_closed_channels_are_exactly_zero():
    point = ModelPoint(m_nuh=150 * MeV, m_zprime=400 * MeV, U_muh2=1e-4, chi2=1e-4, g_prime=1)
    w = nuh_widths(point)
    assert w["nu_zprime"] == 0.0  # Z' heavier than nu_h
    assert w["nu_mumu_zprime"] == 0.0  # below 2 m_mu
    assert w["nu_pipi_zprime"] == 0.0  # below the hadronic threshold
    assert w["nu_ee_zprime"] > 0.0 and w["nu_nunu_zprime"] > 0.0


def test_dirac_is_half_majorana():
    kw = dict(
        m_nuh=300 * MeV,
        m_zprime=np.array([100.0, 600.0]) * MeV,
        U_muh2=1e-6,
        chi2=1e-6,
        g_prime=0.5,
    )
    dirac = total_width(nuh_widths(ModelPoint(**kw, nature="dirac")))
    majorana = total_width(nuh_widths(ModelPoint(**kw, nature="majorana")))
    assert majorana == pytest.approx(2 * dirac, rel=1e-12)


def test_broadcast_shapes():
    point = ModelPoint(
        m_nuh=np.linspace(160, 380, 5).reshape(5, 1) * MeV,
        m_zprime=150 * MeV,
        U_muh2=np.logspace(-10, -2, 7).reshape(1, 7),
        chi2=1e-8,
        v_phi=266.67 * MeV,
    )
    for width in nuh_widths(point).values():
        assert width.shape == (5, 7)


def test_widths_scale_with_couplings():
    base = ModelPoint(m_nuh=300 * MeV, m_zprime=500 * MeV, U_muh2=1e-6, chi2=1e-8, g_prime=0.5)
    w1 = nuh_widths(base)["nu_ee_zprime"]
    w2 = nuh_widths(base.replace(chi2=4e-8, g_prime=1.0))["nu_ee_zprime"]
    assert w2 / w1 == pytest.approx(16.0, rel=1e-12)
