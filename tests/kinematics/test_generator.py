"""The toy Monte Carlo: per-event invariants, conservation, ranges, isotropy, boosts, seeds."""

import numpy as np
import pytest
from hepunits import GeV, MeV, cm, ps
from scipy import stats

from threeportal.constants import M_ELECTRON, M_K_PLUS, M_MUON, c_light
from threeportal.kinematics import (
    KinematicsError,
    eq21_residual,
    generate,
    m_mu_nu2_range,
    m_mu_pair2_range,
)

CASES = [
    (300 * MeV, 150 * MeV, "ee", 0.0),
    (300 * MeV, 250 * MeV, "mumu", 0.0),
    (370 * MeV, 30 * MeV, "ee", 0.0),
    (300 * MeV, 150 * MeV, "ee", -0.8),
]
SCALE = M_K_PLUS**2  # the natural size of every squared mass here


def _square(p):
    return p[0] ** 2 - p[1] ** 2 - p[2] ** 2 - p[3] ** 2


@pytest.fixture(scope="module", params=CASES, ids=lambda c: f"{c[0]:g}-{c[1]:g}-{c[2]}-{c[3]:g}")
def sample(request):
    m_h, m_z, channel, a = request.param
    return m_h, m_z, channel, generate(m_h, m_z, channel, 100_000, seed=7, asymmetry=a)


def test_every_event_inside_eq_a3_a4_and_ends_reached(sample):
    m_h, m_z, _, events = sample
    q = events.quantities()
    for key, (low, high) in (
        ("m_mu_nu", m_mu_nu2_range(m_h, m_z)),
        ("m_mu_pair", m_mu_pair2_range(m_h, m_z)),
    ):
        squared = q[key][0] ** 2
        rounding = 1e-9 * SCALE
        assert squared.min() >= low - rounding and squared.max() <= high + rounding, key
        width = high - low
        assert squared.min() - low < 0.02 * width, key
        assert high - squared.max() < 0.02 * width, key


def test_per_event_invariants(sample):
    m_h, m_z, channel, events = sample
    lepton = {"ee": M_ELECTRON, "mumu": M_MUON}[channel]
    q = events.quantities()
    # lab-frame squared masses carry a rounding of about 1e-16 E_lab^2 ~ 1e-6 MeV^2
    assert np.all(np.abs(q["m_pair"][0] ** 2 - m_z**2) < 1e-9 * SCALE)
    k_minus_mu = _square(events.p_kaon - events.p_mu)
    assert np.allclose(k_minus_mu, m_h**2, rtol=1e-9, atol=0)
    assert np.all(np.abs(q["m_miss2"][0]) < 1e-9 * SCALE)
    assert np.all(np.abs(_square(events.p_nu)) < 1e-9 * SCALE)
    assert np.allclose(_square(events.p_mu), M_MUON**2, rtol=1e-6, atol=0)
    assert np.all(np.abs(_square(events.p_lplus) - lepton**2) < 1e-9 * SCALE)
    residual = eq21_residual(
        q["m_mu_pair"][0] ** 2, q["m_mu_nu"][0] ** 2, k_minus_mu, q["m_miss2"][0], m_z**2
    )
    assert np.all(np.abs(residual) < 1e-9 * SCALE)


def test_four_momentum_conserved_per_event(sample):
    *_, events = sample
    total = events.p_mu + events.p_nu + events.p_lplus + events.p_lminus
    energy = events.p_kaon[0]
    for component in range(4):
        assert np.all(np.abs(total[component] - events.p_kaon[component]) < 1e-12 * energy)


def test_nuh_decay_is_isotropic():
    """m_mu_nu^2 is linear in the nu_h -> nu Z' decay cosine: uniform on the A3 range."""
    m_h, m_z = 300 * MeV, 150 * MeV
    events = generate(m_h, m_z, "ee", 20_000, seed=3)
    low, high = m_mu_nu2_range(m_h, m_z)
    values = (events.quantities()["m_mu_nu"][0] ** 2 - low) / (high - low)
    assert stats.kstest(values, "uniform").pvalue > 1e-3


@pytest.mark.parametrize("a", [0.6, -1.0, 1.0])
def test_nuh_decay_asymmetry(a):
    """With 1 + a cos(theta_nu): x = (m_mu_nu^2 - min) / width = (1 + cos(theta_nu)) / 2, so
    x has the CDF x + a (x^2 - x) (the nu along the nu_h leaves the Z' the least energy)."""
    m_h, m_z = 300 * MeV, 150 * MeV
    events = generate(m_h, m_z, "ee", 20_000, seed=3, asymmetry=a)
    low, high = m_mu_nu2_range(m_h, m_z)
    x = (events.quantities()["m_mu_nu"][0] ** 2 - low) / (high - low)
    assert stats.kstest(x, lambda v: v + a * (v * v - v)).pvalue > 1e-3
    assert stats.kstest(x, "uniform").pvalue < 1e-6  # and it is not isotropic


def test_kaon_decay_is_isotropic_and_boost_right():
    """Mean lab nu_h energy = gamma_K E*_nuh for an isotropic decay (3 sigma)."""
    m_h = 300 * MeV
    events = generate(m_h, 150 * MeV, "ee", 100_000, seed=11)
    gamma = np.hypot(75 * GeV, M_K_PLUS) / M_K_PLUS
    e_star = (M_K_PLUS**2 + m_h**2 - M_MUON**2) / (2 * M_K_PLUS)
    energy = events.p_nuh[0]
    error = energy.std() / np.sqrt(len(energy))
    assert abs(energy.mean() - gamma * e_star) < 3 * error
    assert np.all(np.abs(events.p_kaon[3] - 75 * GeV) == 0)


def test_ten_picosecond_rule_of_thumb():
    """Sec. IV B: tau = 10 ps -> boosts O(100), lab decay lengths of tens of cm."""
    events = generate(
        300 * MeV, 150 * MeV, "ee", 50_000, seed=5, tau_nuh=10 * ps, tau_zprime=10 * ps
    )
    q = events.quantities()
    for key, mass, p in (
        ("decay_length_nuh", 300 * MeV, events.p_nuh),
        ("decay_length_zprime", 150 * MeV, events.p_pair),
    ):
        beta_gamma = np.linalg.norm(p[1:], axis=0) / mass
        assert 50 < np.median(beta_gamma) < 500
        assert 10 * cm < np.median(q[key][0]) < 100 * cm
        assert np.allclose(q[key][0], beta_gamma * c_light * 10 * ps, rtol=1e-9, atol=0)


def test_seeded_reproducibility():
    a = generate(300 * MeV, 150 * MeV, "ee", 1000, seed=42)
    b = generate(300 * MeV, 150 * MeV, "ee", 1000, seed=42)
    c = generate(300 * MeV, 150 * MeV, "ee", 1000, seed=43)
    for name in ("p_mu", "p_nu", "p_lplus", "p_lminus"):
        assert np.array_equal(getattr(a, name), getattr(b, name))
        assert not np.array_equal(getattr(a, name), getattr(c, name))


def test_gaussian_kaon_momentum_profile():
    events = generate(
        300 * MeV, 150 * MeV, "ee", 50_000, seed=2, p_kaon=75 * GeV, sigma_p_kaon=0.75 * GeV
    )
    p = events.p_kaon[3]
    assert abs(p.mean() - 75 * GeV) < 4 * 0.75 * GeV / np.sqrt(len(p))
    assert p.std() == pytest.approx(0.75 * GeV, rel=0.02, abs=0)
    total = events.p_mu + events.p_nu + events.p_lplus + events.p_lminus
    assert np.all(np.abs(total[3] - p) < 1e-12 * events.p_kaon[0])


def test_kaon_at_rest_is_back_to_back():
    events = generate(300 * MeV, 150 * MeV, "ee", 100, seed=1, p_kaon=0.0)
    total = events.p_mu + events.p_nu + events.p_lplus + events.p_lminus
    assert np.all(np.abs(total[1:]) < 1e-12 * M_K_PLUS)
    assert np.allclose(total[0], M_K_PLUS, rtol=1e-12, atol=0)


@pytest.mark.parametrize(
    "kwargs, key",
    [
        ({"m_nuh": 400 * MeV}, "m_nuh"),
        ({"m_zprime": 300 * MeV}, "m_zprime"),
        ({"m_zprime": 0.5 * MeV}, "m_zprime"),
        ({"m_zprime": 200 * MeV, "channel": "mumu"}, "m_zprime"),
        ({"channel": "tautau"}, "channel"),
        ({"n": 0}, "n:"),
        ({"n": 2.5}, "n:"),
        ({"n": True}, "n:"),
        ({"seed": -1}, "seed"),
        ({"seed": 1.5}, "seed"),
        ({"sigma_p_kaon": 20 * GeV}, "sigma_p_K"),
        ({"p_kaon": -1.0}, "p_K"),
        ({"tau_nuh": -1 * ps}, "tau_nuh"),
        ({"m_nuh": float("nan")}, "m_nuh"),
        ({"asymmetry": 1.5}, "asymmetry"),
    ],
)
def test_bad_inputs_give_one_line(kwargs, key):
    args = {"m_nuh": 300 * MeV, "m_zprime": 150 * MeV, "channel": "ee", "n": 10}
    args.update(kwargs)
    with pytest.raises(KinematicsError) as info:
        generate(**args)
    message = str(info.value)
    assert key in message and "\n" not in message
