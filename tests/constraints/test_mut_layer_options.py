"""Layer options the mutation campaign found unpinned (issue 17), checked by hand formulas.

E141 ``br_scaled``: a beam dump counts eps^2 BR(Z' -> e+ e-) signal events, so the effective
dark-photon mixing is eps sqrt(BR). Below 2 m_mu with nu_h heavier than the Z', the Z' decays
to e+ e- (paper Eq. 15) or to light neutrinos (g'^2 (sum|U_Di|^2)^2 m_Z' / (24 pi)); BR is built
here from those two widths written out by hand.
"""

import numpy as np
import pytest
from hepunits import MeV
from particle import Particle

from threeportal.constraints import evaluate_constraints
from threeportal.model import ModelPoint

ALPHA = 1 / 137.035999084  # alpha(0), CODATA 2018
C_W2 = 1 - 0.23121  # PDG MS-bar s_W^2
M_E = Particle.from_pdgid(11).mass * MeV


def test_na48_2_level_is_twenty_percent_of_the_measured_branching_ratio():
    """Paper Eq. 27: excluded where the new-physics BR exceeds 20% of 7.81e-8 (NA48/2)."""
    point = ModelPoint(
        m_nuh=np.array([300.0, 300.0]) * MeV,
        m_zprime=200 * MeV,
        U_muh2=np.array([1e-9, 1e-6]),
        chi2=1e-6,
        g_prime=1.0,
    )
    out = evaluate_constraints(point, ["na48_2"])["na48_2"]
    field = out["na48_2_br_signal"]
    assert field.levels == (pytest.approx(0.2 * 7.81e-8, rel=1e-12, abs=0),)
    signal = np.asarray(field.values)
    excluded = np.asarray(out["na48_2_excluded"].values)
    assert np.array_equal(excluded, signal > 0.2 * 7.81e-8)
    assert 0.2 * 7.81e-8 < signal.max() and signal.min() < 0.2 * 7.81e-8
