import numpy as np
import pytest
from hepunits import MeV

from threeportal.constants import M_MUON, M_PI_PLUS, M_TAU
from threeportal.errors import ThreeportalError
from threeportal.model import ModelPoint
from threeportal.physics import branching_ratios, zprime_widths


def default_point(U_muh2, m_zprime=150 * MeV):
    return ModelPoint(
        m_nuh=300 * MeV, m_zprime=m_zprime, U_muh2=U_muh2, chi2=1e-8, v_phi=266.67 * MeV
    )


def heavy_point(m_zprime):
    return ModelPoint(m_nuh=300 * MeV, m_zprime=m_zprime, U_muh2=1e-8, chi2=1e-8, g_prime=1.0)


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
    assert w["mumu"] == 0.0 and w["hadrons"] == 0.0 and w["nu_nuh"] == 0.0
    assert w["nuh_nuh"] == 0.0 and w["tautau"] == 0.0
    heavy = zprime_widths(default_point(1e-6, 700 * MeV))
    assert heavy["nu_nuh"] > 0 and heavy["nuh_nuh"] > 0 and heavy["hadrons"] > 0


# Dark-photon branching ratios of the same data-driven fit (arXiv:1801.04847), as listed in
# the project's reference data (dark-photon/README.md): m [GeV]: (ee, mumu, hadrons).
DARK_PHOTON_BR = {
    0.30: (0.5255, 0.4655, 0.0090),
    0.50: (0.4013, 0.3961, 0.2026),
    0.78: (0.0501, 0.0500, 0.9000),
    1.00: (0.3141, 0.3138, 0.3721),
    1.50: (0.2359, 0.2358, 0.5283),
    3.00: (0.2392, 0.2392, 0.5215),
}


def test_pure_dark_photon_branching_ratios_match_the_reference_table():
    """|U|^2 -> 0 and g' = 0: no invisible width, the Z' decays like a dark photon."""
    masses = np.array(sorted(DARK_PHOTON_BR)) * 1000 * MeV
    point = ModelPoint(m_nuh=300 * MeV, m_zprime=masses, chi2=1e-8, g_prime=0.0)
    br = branching_ratios(zprime_widths(point))
    assert np.all(br["tautau"] == 0.0)  # every listed mass is below 2 m_tau
    for i, m in enumerate(sorted(DARK_PHOTON_BR)):
        for channel, expected in zip(("ee", "mumu", "hadrons"), DARK_PHOTON_BR[m], strict=True):
            assert br[channel][i] == pytest.approx(expected, rel=0.02), (m, channel)


def test_hadronic_width_threshold_and_range():
    """R = 0 below the table (0.280 GeV, just above 2 m_pi+), positive above; flat continuum
    from the last row (10 GeV) to the open-bottom threshold, where the b quark adds
    N_c Q_b^2 = 1/3 to N_c sum Q^2 = 10/3 (u, d, s, c); refused above the Z mass."""
    assert 2 * M_PI_PLUS < 280 * MeV
    below, above = zprime_widths(default_point(1e-8, np.array([279.9, 281.0]) * MeV))["hadrons"]
    assert below == 0.0 and above > 0.0
    last, flat = zprime_widths(heavy_point(np.array([10_000, 10_500]) * MeV))["hadrons"]
    mumu = zprime_widths(heavy_point(np.array([10_000, 10_500]) * MeV))["mumu"]
    assert flat / mumu[1] == pytest.approx(last / mumu[0], rel=1e-12, abs=0)
    beyond = zprime_widths(heavy_point(np.array([11_000, 80_000]) * MeV))
    ratio = beyond["hadrons"] / beyond["mumu"]
    assert ratio == pytest.approx([(11 / 10) * last / mumu[0]] * 2, rel=1e-12, abs=0)
    with pytest.raises(ThreeportalError, match=r"91\.1876 GeV"):
        zprime_widths(heavy_point(92_000 * MeV))


def test_tau_width_is_the_lepton_formula_above_threshold():
    w = zprime_widths(heavy_point(np.array([3.5, 5.0]) * 1000 * MeV))
    assert w["tautau"][0] == 0.0
    beta = np.sqrt(1 - 4 * M_TAU**2 / (5000 * MeV) ** 2)
    assert w["tautau"][1] / w["ee"][1] == pytest.approx(beta * (3 - beta**2) / 2, rel=1e-6)


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
