"""Property tests over the whole domain of DESIGN.md: masses 1 MeV-10 GeV, mixings
1e-14-1, chi 1e-8-1. Widths are finite and non-negative, branching ratios sum to one."""

import numpy as np
from hepunits import MeV
from hypothesis import given, settings
from hypothesis import strategies as st

from threeportal.model import ModelPoint
from threeportal.physics import branching_ratios, nuh_widths, zprime_widths

log_mass = st.floats(np.log10(1.0), np.log10(10_000.0))
log_mixing = st.floats(-14.0, 0.0)
log_chi = st.floats(-8.0, -1e-9)


@settings(max_examples=150, deadline=None)
@given(
    m_nuh=log_mass,
    m_zprime=log_mass,
    u_mu=log_mixing,
    u_e=log_mixing,
    u_tau=log_mixing,
    u_d=log_mixing,
    chi=log_chi,
    g=st.floats(-4.0, 0.5),
    majorana=st.booleans(),
)
def test_widths_finite_and_non_negative(m_nuh, m_zprime, u_mu, u_e, u_tau, u_d, chi, g, majorana):
    mixings = np.array([10**u_mu, 10**u_e, 10**u_tau])
    mixings = mixings / max(1.0, mixings.sum() * (1 + 1e-12))  # total active mixing <= 1
    point = ModelPoint(
        m_nuh=10**m_nuh * MeV,
        m_zprime=10**m_zprime * MeV,
        U_muh2=mixings[0],
        U_eh2=mixings[1],
        U_tauh2=mixings[2],
        U_Dh2=10**u_d,
        chi2=(10**chi) ** 2,
        g_prime=10**g,
        nature="majorana" if majorana else "dirac",
    )
    for widths in (nuh_widths(point), zprime_widths(point)):
        values = np.array([float(w) for w in widths.values()])
        assert np.all(np.isfinite(values)) and np.all(values >= 0), widths
        ratios = branching_ratios(widths)
        assert abs(sum(float(b) for b in ratios.values()) - 1.0) < 1e-12


def test_whole_grid_has_no_nan():
    """A dense log grid over both masses at extreme couplings."""
    masses = np.geomspace(1.0, 10_000.0, 60) * MeV
    for u2, chi2 in ((1e-14, 1e-16), (1.0, 0.99)):
        point = ModelPoint(
            m_nuh=masses.reshape(-1, 1),
            m_zprime=masses.reshape(1, -1),
            U_muh2=u2,
            chi2=chi2,
            g_prime=1.0,
        )
        for widths in (nuh_widths(point), zprime_widths(point)):
            for name, w in widths.items():
                assert w.shape == (60, 60)
                assert np.all(np.isfinite(w)) and np.all(w >= 0), name
