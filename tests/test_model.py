import numpy as np
import pytest
from hepunits import MeV

from threeportal.model import PARAMETERS, ModelError, ModelPoint, canonical_name

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


def test_from_mapping_converts_the_aliases_of_chi2():
    fixed = {"m_nuh": 300 * MeV, "m_zprime": 150 * MeV, "U_muh2": 1e-6, "g_prime": 1.0}
    by_chi = ModelPoint.from_mapping({**fixed, "chi": 1e-4})
    assert by_chi.chi2 == pytest.approx(1e-8, rel=1e-12, abs=0)
    # eps = c_W chi with cos^2(theta_W) = 1 - 0.23121 (PDG 2022, MS-bar at m_Z).
    by_eps = ModelPoint.from_mapping({**fixed, "eps": 1e-4})
    assert by_eps.chi2 == pytest.approx(1e-8 / (1 - 0.23121), rel=1e-9, abs=0)
    assert by_eps.epsilon == pytest.approx(1e-4, rel=1e-12, abs=0)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"chi": 1e-4, "chi2": 1e-8}, "chi2: give one of chi and chi2, not both"),
        ({"eps": 1e-4, "chi": 1e-4}, "eps and chi, not both"),
        ({"m_nu": 300 * MeV}, "m_nu: unknown model parameter; allowed: m_nuh"),
        ({"chi": 2.0}, "chi2"),
    ],
)
def test_from_mapping_errors_name_the_parameter(change, message):
    fixed = {"m_nuh": 300 * MeV, "m_zprime": 150 * MeV, "U_muh2": 1e-6, "g_prime": 1.0}
    with pytest.raises(ModelError, match=message):
        ModelPoint.from_mapping({**fixed, **change})


def test_parameter_table_names_the_model_fields():
    fields = {"m_nuh", "m_zprime", "U_eh2", "U_muh2", "U_tauh2", "U_Dh2", "chi2", "g_prime"}
    assert {canonical_name(name) for name in PARAMETERS} == fields | {"v_phi"}
    assert {p.unit for p in PARAMETERS.values() if p.dimension == "mass"} == {"MeV"}
