"""Z' -> nu nu_h against an explicit Dirac-matrix spin sum (a second method; issue 17).

The mutation campaign found that the phase-space power of Gamma(Z' -> nu nu_h) was not pinned:
(1 - x) instead of (1 - x)^2 passed every test. Here the width is rebuilt from scratch: the
squared amplitude of V -> N nubar with the vertex g gamma^mu P_L is summed over spins by
building the 4x4 trace numerically and contracted with the massive-vector polarisation sum;
the two-body phase space then gives the width of one final state.
"""

import numpy as np
import pytest
from hepunits import MeV

from threeportal.physics.zprime import width_zprime_to_nu_nuh

_I2, _Z2 = np.eye(2), np.zeros((2, 2))
_SIGMA = [
    np.array([[0, 1], [1, 0]], complex),
    np.array([[0, -1j], [1j, 0]], complex),
    np.array([[1, 0], [0, -1]], complex),
]
_GAMMA = [np.block([[_Z2, _I2], [_I2, _Z2]]).astype(complex)] + [
    np.block([[_Z2, s], [-s, _Z2]]) for s in _SIGMA
]  # Weyl basis, gamma^0..gamma^3
_G5 = np.block([[-_I2, _Z2], [_Z2, _I2]]).astype(complex)
_PL = 0.5 * (np.eye(4) - _G5)
_METRIC = np.diag([1.0, -1.0, -1.0, -1.0])


def _slash(p):
    return sum(_METRIC[mu, mu] * p[mu] * _GAMMA[mu] for mu in range(4))


def _width_by_spin_sum(m_z, m_n, g):
    """Gamma(V -> N nubar) for the vertex g gamma^mu P_L, N of mass m_n, massless nu (MeV)."""
    p = (m_z**2 - m_n**2) / (2 * m_z)
    p1 = np.array([np.hypot(p, m_n), 0.0, 0.0, p])  # N along +z
    p2 = np.array([p, 0.0, 0.0, -p])  # massless antineutrino
    q = p1 + p2
    # L^{mu nu} = Tr[(p1slash + m) gamma^mu P_L p2slash gamma^nu P_L]  (P_L moved through)
    left = _slash(p1) + m_n * np.eye(4)
    trace = np.array(
        [
            [np.trace(left @ _GAMMA[mu] @ _PL @ _slash(p2) @ _GAMMA[nu] @ _PL) for nu in range(4)]
            for mu in range(4)
        ]
    )
    pol = -_METRIC + np.outer(_METRIC @ q, _METRIC @ q) / m_z**2  # sum eps_mu eps*_nu
    amp2 = g**2 * np.einsum("mn,mn->", trace, pol).real / 3.0  # average over Z' spins
    return p / (8 * np.pi * m_z**2) * amp2


@pytest.mark.parametrize("ratio", [0.05, 0.3, 0.6, 0.9, 0.99])
def test_nu_nuh_width_equals_the_spin_summed_two_body_width(ratio):
    m_z = 400 * MeV
    m_n = ratio * m_z
    g, u_dh2, u_light2 = 0.7, 0.3, 0.2
    # one final state N nubar; the library adds the conjugate state nubar_h nu: twice that
    expected = 2 * _width_by_spin_sum(m_z, m_n, g * np.sqrt(u_dh2 * u_light2))
    got = width_zprime_to_nu_nuh(m_z, m_n, g, u_dh2, u_light2)
    assert got == pytest.approx(expected, rel=1e-12, abs=0)


def test_nu_nuh_width_vanishes_quadratically_at_threshold():
    """p ~ (1 - x) and |M|^2 ~ p near m_nuh = m_Z': Gamma ~ (1 - x)^2."""
    m_z, delta = 400 * MeV, 1e-4
    x = np.array([1 - delta, 1 - 2 * delta])
    widths = width_zprime_to_nu_nuh(m_z, m_z * np.sqrt(x), 1.0, 1.0, 1.0)
    assert widths[1] / widths[0] == pytest.approx(4.0, rel=1e-3)
