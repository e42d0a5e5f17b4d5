"""Flavour symmetry of the dark nu_h and Z' widths (issue 17, mutation campaign).

By unitarity the dark-light mixing is sum_i |U_Di|^2 = |U_eh|^2 + |U_muh|^2 + |U_tauh|^2
(paper Sec. II), so the dark widths depend on the three active mixings only through their
sum: permuting them leaves every dark width unchanged. Dropping the tau mixing from the sum
passed every other test (they all set |U_tauh|^2 = 0).
"""

import itertools

import numpy as np
import pytest
from hepunits import MeV

from threeportal.model import ModelPoint
from threeportal.physics import nuh_widths, zprime_widths

DARK_NUH = ("nu_zprime", "nu_ee_zprime", "nu_nunu_zprime")
DARK_ZPRIME = ("nunu", "nu_nuh")


def _point(mixings, m_nuh, m_zprime):
    u_e, u_mu, u_tau = mixings
    return ModelPoint(
        m_nuh=m_nuh,
        m_zprime=m_zprime,
        U_eh2=u_e,
        U_muh2=u_mu,
        U_tauh2=u_tau,
        chi2=1e-6,
        g_prime=0.5,
    )


@pytest.mark.parametrize(("m_nuh", "m_zprime"), [(300 * MeV, 100 * MeV), (100 * MeV, 300 * MeV)])
def test_dark_widths_depend_on_the_sum_of_the_active_mixings_only(m_nuh, m_zprime):
    reference = _point((1e-3, 0.0, 0.0), m_nuh, m_zprime)
    base_nuh = nuh_widths(reference)
    base_z = zprime_widths(reference)
    for mixings in itertools.permutations((5e-4, 3e-4, 2e-4)):
        point = _point(mixings, m_nuh, m_zprime)
        assert point.U_light_D2 == pytest.approx(1e-3, rel=1e-12, abs=0)
        widths, z_widths = nuh_widths(point), zprime_widths(point)
        for key in DARK_NUH:
            assert np.allclose(widths[key], base_nuh[key], rtol=1e-12), key
        for key in DARK_ZPRIME:
            assert np.allclose(z_widths[key], base_z[key], rtol=1e-12), key
    # the widths really depend on the sum (the check above is not vacuous)
    assert any(float(base_nuh[k]) > 0 for k in DARK_NUH)
    assert any(float(base_z[k]) > 0 for k in DARK_ZPRIME)
