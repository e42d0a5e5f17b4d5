import numpy as np
import pytest
from hepunits import GeV, MeV, m, mm

from threeportal.physics.kinematics import (
    ctau,
    decay_probability,
    kallen,
    lab_decay_length,
    mean_decay_probability_two_body,
    two_body_energy,
    two_body_momentum,
)


def test_kallen_symmetric_and_known_value():
    assert kallen(1.0, 0.0, 0.0) == 1.0
    assert kallen(3.0, 1.0, 0.5) == kallen(1.0, 0.5, 3.0)


def test_two_body_energy_momentum_on_shell():
    parent, m1, m2 = 493.677 * MeV, 105.66 * MeV, 300 * MeV
    e1 = two_body_energy(parent, m1, m2)
    p = two_body_momentum(parent, m1, m2)
    assert e1**2 - p**2 == pytest.approx(m1**2, rel=1e-12)
    e2 = two_body_energy(parent, m2, m1)
    assert e1 + e2 == pytest.approx(parent, rel=1e-14)
    assert two_body_momentum(100 * MeV, 60 * MeV, 50 * MeV) == 0.0


def test_decay_probability_limits_without_overflow():
    assert decay_probability(37.5 * m, np.inf) == 0.0
    assert decay_probability(37.5 * m, 0.0) == 1.0
    tiny = decay_probability(1.0 * mm, 1e30 * mm)
    assert tiny == pytest.approx(1e-30, rel=1e-12)  # expm1 keeps precision
    assert decay_probability(1e30 * mm, 1.0 * mm) == 1.0


def test_lab_decay_length_is_boosted_ctau():
    energy, mass, width = 10 * GeV, 100 * MeV, 1e-12 * MeV

    gamma_beta = np.sqrt(energy**2 - mass**2) / mass
    assert lab_decay_length(energy, mass, width) == pytest.approx(gamma_beta * ctau(width))


def test_averaged_probability_against_analytic_average():
    """Uniform energy average of 1 - exp(-L/(k p)) compared with scipy quad (independent)."""
    from scipy.integrate import quad

    parent_e, parent_m = 75 * GeV, 493.677 * MeV
    rest_e = two_body_energy(parent_m, 300 * MeV, 105.66 * MeV)
    rest_p = two_body_momentum(parent_m, 300 * MeV, 105.66 * MeV)
    width = 1e-12 * MeV  # lab decay length of order 37.5 m
    got = mean_decay_probability_two_body(
        37.5 * m, parent_e, parent_m, rest_e, rest_p, 300 * MeV, ctau(width)
    )
    gamma = parent_e / parent_m
    beta = np.sqrt(1 - 1 / gamma**2)
    lo, hi = gamma * (rest_e - beta * rest_p), gamma * (rest_e + beta * rest_p)
    ref = quad(
        lambda e: decay_probability(37.5 * m, lab_decay_length(e, 300 * MeV, width)), lo, hi
    )[0] / (hi - lo)
    assert got == pytest.approx(ref, rel=1e-6)
    # a non-linear average is not the mean-energy value
    mean_energy = gamma * rest_e
    crude = decay_probability(37.5 * m, lab_decay_length(mean_energy, 300 * MeV, width))
    assert abs(got - crude) / crude > 1e-3


def test_cascade_probabilities_against_nested_quad():
    """The averaged K -> mu nu_h -> nu Z' probabilities equal a direct double integral."""
    from scipy.integrate import quad

    from threeportal.constants import M_K_PLUS, M_MUON
    from threeportal.physics.kinematics import cascade_decay_probabilities

    p_k, m_h, m_z = 75 * GeV, 300 * MeV, 150 * MeV
    ctau_h, ctau_z = 0.2 * m, 0.5 * m  # lab lengths of order the 37.5 m distance
    distance = 37.5 * m
    p_h, joint = cascade_decay_probabilities(distance, p_k, m_h, m_z, ctau_h, ctau_z, "averaged")

    e_k = np.hypot(p_k, M_K_PLUS)
    gk, bk = e_k / M_K_PLUS, p_k / e_k
    eh_star = two_body_energy(M_K_PLUS, m_h, M_MUON)
    ph_star = two_body_momentum(M_K_PLUS, m_h, M_MUON)
    ez_star, pz_star = two_body_energy(m_h, m_z, 0.0), two_body_momentum(m_h, m_z, 0.0)
    lo, hi = gk * (eh_star - bk * ph_star), gk * (eh_star + bk * ph_star)

    def prob(energy, mass, ctau_):
        return -np.expm1(-distance / (np.sqrt(energy**2 - mass**2) / mass * ctau_))

    def z_average(e_h):
        g = e_h / m_h
        b = np.sqrt(1 - 1 / g**2)
        a, c = g * (ez_star - b * pz_star), g * (ez_star + b * pz_star)
        return quad(lambda e: prob(e, m_z, ctau_z), a, c, epsrel=1e-10)[0] / (c - a)

    want_h = quad(lambda e: prob(e, m_h, ctau_h), lo, hi, epsrel=1e-10)[0] / (hi - lo)
    want_joint = quad(lambda e: prob(e, m_h, ctau_h) * z_average(e), lo, hi, epsrel=1e-8)[0] / (
        hi - lo
    )
    assert p_h == pytest.approx(want_h, rel=1e-6)
    assert joint == pytest.approx(want_joint, rel=1e-6)
    mean_h, mean_joint = cascade_decay_probabilities(
        distance, p_k, m_h, m_z, ctau_h, ctau_z, "mean"
    )
    assert mean_h == pytest.approx(prob(gk * eh_star, m_h, ctau_h), rel=1e-12)
    e_z_mean = gk * eh_star / m_h * ez_star  # Eq. 26: gamma_h E*_Z'
    assert mean_joint == pytest.approx(mean_h * prob(e_z_mean, m_z, ctau_z), rel=1e-12)
