"""Constants checked against measured quantities they predict (issue 17, mutation campaign).

The pion decay constant entered every test through the same constant (f_pi = 92 MeV, the other
convention, passed the suite). The pi+ lifetime measures G_F |V_ud| f_pi: at tree level
Gamma(pi+ -> mu+ nu) = G_F^2 |V_ud|^2 f_pi^2 m_pi m_mu^2 (1 - m_mu^2/m_pi^2)^2 / (8 pi), and
BR(pi+ -> mu+ nu) = 99.988% (PDG), tau(pi+) = 26.033 ns (PDG). Radiative corrections (~2%) are
not in the tree formula, hence a 3% tolerance.
"""

import math

import pytest
from hepunits import MeV, ns

from threeportal.constants import (
    F_PI,
    G_FERMI,
    M_C12_NUCLEUS,
    M_MUON,
    M_PI0,
    M_PI_PLUS,
    V_UD,
    hbar,
)
from threeportal.physics.hnl_standard import width_nu_pi0


def test_pion_lifetime_from_f_pi_and_v_ud():
    r = (M_MUON / M_PI_PLUS) ** 2
    width = G_FERMI**2 * V_UD**2 * F_PI**2 * M_PI_PLUS * M_MUON**2 * (1 - r) ** 2 / (8 * math.pi)
    tau_pi = 0.99988 * hbar / width
    assert tau_pi == pytest.approx(26.033 * ns, rel=0.03)


def test_nu_pi0_opens_at_the_neutral_pion_mass():
    """m_pi0 = 134.9768 MeV and m_pi+ - m_pi0 = 4.5936 MeV (PDG): nu_h -> nu pi0 is open at
    137 MeV, between the two pion masses; nu_h -> nu pi0 at the charged-pion mass would not."""
    assert M_PI0 == pytest.approx(134.9768 * MeV, rel=1e-6)
    assert M_PI_PLUS - M_PI0 == pytest.approx(4.5936 * MeV, rel=1e-4)
    width = width_nu_pi0(137.0 * MeV, 0.0, 1e-6, 0.0)
    assert width > 0.0


def test_carbon_12_nuclear_mass():
    """12 u minus six electrons plus their ~1 keV binding: 11174.864 MeV (AME 2016/CODATA).
    The atomic mass (12 u = 11177.929 MeV) differs by 3 MeV, 3e-4 relative."""
    assert M_C12_NUCLEUS == pytest.approx(11174.864 * MeV, rel=1e-6)
