import numpy as np
import pytest
from hepunits import MeV

from threeportal.model import ModelError, ModelPoint

BASE = dict(m_nuh=300 * MeV, m_zprime=150 * MeV, U_muh2=1e-6, chi2=1e-8)


def test_g_prime_from_v_phi():
    point = ModelPoint(**BASE, v_phi=266.67 * MeV)
    assert point.g == pytest.approx(150 / 266.67)
    assert point.epsilon == pytest.approx(np.sqrt(0.76879) * 1e-4, rel=1e-4)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (dict(m_nuh=0.0), "m_nuh"),
        (dict(m_zprime=-5.0), "m_zprime"),
        (dict(U_muh2=1.5), "U_muh2"),
        (dict(U_muh2=-1e-6), "U_muh2"),
        (dict(U_Dh2=0.0), "U_Dh2"),
        (dict(chi2=1.0), "chi2"),
        (dict(chi2=np.nan), "chi2"),
        (dict(nature="weyl"), "nature"),
    ],
)
def test_invalid_inputs_name_the_parameter(change, message):
    with pytest.raises(ModelError, match=message):
        ModelPoint(**{**BASE, "g_prime": 1.0, **change})


def test_both_or_neither_coupling_is_an_error():
    with pytest.raises(ModelError, match="exactly one"):
        ModelPoint(**BASE)
    with pytest.raises(ModelError, match="exactly one"):
        ModelPoint(**BASE, g_prime=1.0, v_phi=100 * MeV)


def test_broadcast_grid_and_replace():
    point = ModelPoint(
        m_nuh=np.linspace(200, 380, 4).reshape(4, 1) * MeV,
        m_zprime=150 * MeV,
        U_muh2=np.logspace(-9, -3, 3).reshape(1, 3),
        chi2=1e-8,
        v_phi=266.67 * MeV,
    )
    assert point.shape == (4, 3)
    fixed_g = point.replace(g_prime=0.3)
    assert fixed_g.v_phi is None and np.all(fixed_g.g == 0.3)
