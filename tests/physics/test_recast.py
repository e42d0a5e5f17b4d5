"""Recast of dark-photon limits: displaced root, efficiencies, closure, invisible searches."""

from __future__ import annotations

import numpy as np
import pytest
from hepunits import GeV, MeV, c_light, m, ns
from scipy.optimize import brentq

from threeportal.constants import C_W2
from threeportal.data.dark_photon import (
    Efficiency,
    load_dark_photon_limit,
    shipped_dark_photon_limits,
)
from threeportal.model import ModelPoint
from threeportal.physics.recast import (
    displaced_t0_over_tau,
    efficiency_displaced,
    efficiency_prompt_window,
    prepare_limit,
    prompt_window_t1,
    signal_ratio,
    zprime_decays,
    zprime_recast_inputs,
)

LIMITS = {name: load_dark_photon_limit(name) for name in shipped_dark_photon_limits()}
VISIBLE = sorted(n for n, lim in LIMITS.items() if not lim.invisible)
DISPLACED = sorted(n for n, lim in LIMITS.items() if lim.efficiency.kind == "displaced")
INVISIBLE_WITH_BR1 = [
    "BaBar_Lees2017lec",
    "NA64_Banerjee2016tad",
    "NA64_Banerjee2017hhz",
    "NA64_NA642019imj",
]
#: |U_muh|^2 of a pure dark photon (the invisible width is ~1e-24 of the visible one).
PURE = 1e-12


def _ratio(limit, prepared, m_z, eps, U_muh2=PURE, **kw):
    model = ModelPoint(
        m_nuh=kw.pop("m_nuh", 100 * GeV),
        m_zprime=m_z,
        chi2=eps**2 / C_W2,
        U_muh2=U_muh2,
        g_prime=kw.pop("g_prime", 1.0),
    )
    e, br, tau = zprime_recast_inputs(model, limit, **kw)
    return signal_ratio(prepared, m_z, e, br, tau)


def _brute_force_root(k: float, r: float) -> float:
    """x = t0/tau_lo with E(x) = k E(kx), by brentq on E written out directly (times e^x)."""

    def f(x: float) -> float:
        return (1 - np.exp(-r * x)) - k * np.exp(-(k - 1) * x) * (1 - np.exp(-r * k * x))

    low = 1.0
    while f(low) >= 0.0:  # walk down to a lower bracket where f is clearly negative
        low /= 10.0
    return brentq(f, low, 1e4, xtol=1e-300, rtol=1e-14, maxiter=500)


@pytest.mark.parametrize("name", DISPLACED)
def test_displaced_root_against_brentq_per_mass(name):
    limit = LIMITS[name]
    k = (limit.eps_upper / limit.eps_lower) ** 2
    r = limit.efficiency.decay_over_shield
    x = displaced_t0_over_tau(k, r)
    expected = np.array([_brute_force_root(ki, r) for ki in k])
    np.testing.assert_allclose(x, expected, rtol=1e-9, atol=0)


def test_displaced_root_no_band_gives_nan():
    x = displaced_t0_over_tau(np.array([1.0, 0.5, 4.0]), 2.0)
    assert np.isnan(x[0]) and np.isnan(x[1]) and np.isfinite(x[2])


def test_prompt_window_tau_limits():
    t1 = 2.0 * ns
    assert efficiency_prompt_window(t1, 1e-300 * ns) == 1.0
    assert efficiency_prompt_window(t1, 0.0) == 1.0
    assert efficiency_prompt_window(t1, np.inf) == 0.0
    tau = 2e12 * ns  # E -> t1 / tau with relative correction t1 / (2 tau) = 5e-13
    assert efficiency_prompt_window(t1, tau) == pytest.approx(t1 / tau, rel=1e-12, abs=0)


def test_displaced_tau_limits():
    t0, r = 3.0 * ns, 0.5
    # tau -> inf: E -> r t0 / tau (to first order; relative correction ~ (1 + r/2) a).
    tau = 3e13 * ns
    assert efficiency_displaced(t0, tau, r) == pytest.approx(r * t0 / tau, rel=1e-12, abs=0)
    # tau -> 0: E = exp(-t0/tau) (1 - exp(-r t0/tau)) -> exp(-a); no overflow, then exactly 0.
    tau = t0 / 600.0
    assert efficiency_displaced(t0, tau, r) == pytest.approx(np.exp(-600.0), rel=1e-12, abs=0)
    assert efficiency_displaced(t0, 1e-300 * ns, r) == 0.0
    assert efficiency_displaced(t0, 0.0, r) == 0.0
    assert efficiency_displaced(t0, np.inf, r) == 0.0
    # In between: the defining difference of exponentials.
    a = 0.7
    direct = np.exp(-a) - np.exp(-(1 + r) * a)
    assert efficiency_displaced(t0, t0 / a, r) == pytest.approx(direct, rel=1e-14, abs=0)


def test_prompt_window_t1_from_the_published_formulas():
    # KLOE e+e- -> gamma A' at the phi: t1 = 0.08 m / (c gamma), gamma = (M^2 + m^2)/(2 M m).
    kloe = LIMITS["KLOE_Anastasi2015qla"].efficiency
    m_a, m_phi = 0.5 * GeV, 1.019461 * GeV
    gamma = (m_phi**2 + m_a**2) / (2 * m_phi * m_a)
    assert prompt_window_t1(kloe, m_a) == pytest.approx(0.08 * m / (c_light * gamma), rel=1e-14)
    # phi -> eta A'.
    eta = LIMITS["KLOE_Babusci2012cr"].efficiency
    gamma = (m_phi**2 + m_a**2 - (0.547862 * GeV) ** 2) / (2 * m_phi * m_a)
    assert prompt_window_t1(eta, 0.4 * GeV) == pytest.approx(
        0.08
        * m
        / (c_light * (m_phi**2 + (0.4 * GeV) ** 2 - (0.547862 * GeV) ** 2))
        * (2 * m_phi * 0.4 * GeV),
        rel=1e-14,
    )
    # NA48/2: gamma = 50 GeV / m, 1 m flight.
    na48 = LIMITS["NA48_Batley2015lha"].efficiency
    assert prompt_window_t1(na48, 0.1 * GeV) == pytest.approx(1 * m / (c_light * 500), rel=1e-14)


def _closure_edges(limit, prepared):
    """Tabulated masses with a bound, and the band edges there (upper = inf if one-sided)."""
    ok = prepared.bounded
    return limit.mass[ok], limit.eps_lower[ok], limit.eps_upper[ok]


def _published_shift(limit, m_z, eps):
    """Published A' model with fewer channels (KLOE 2012: ee + mumu only): the true dark
    photon, which also decays to hadrons, is excluded from eps_lo sqrt(BR_assumed/BR_true)."""
    if limit.assumed_channels is None:
        return 1.0
    model = ModelPoint(m_nuh=100 * GeV, m_zprime=m_z, chi2=eps**2 / C_W2, g_prime=0.0)
    from threeportal.physics import branching_ratios, zprime_widths

    br = branching_ratios(zprime_widths(model))
    assumed = br["ee"] / (br["ee"] + br["mumu"])
    return np.sqrt(assumed / br["ee"])


@pytest.mark.parametrize("name", VISIBLE)
def test_closure_pure_dark_photon_every_tabulated_mass(name):
    """|U_muh|^2 = 1e-12: excluded just inside the published band, not 5% outside it."""
    limit = LIMITS[name]
    prepared = prepare_limit(limit)
    m_z, lo, hi = _closure_edges(limit, prepared)
    lo = lo * _published_shift(limit, m_z, lo)
    wide = hi / lo > 1.05**2
    cases = [(lo / 1.05, False), (lo[wide] * 1.05, True), (np.sqrt(lo * hi)[~wide], True)]
    masses = [m_z, m_z[wide], m_z[~wide]]
    if limit.two_sided:
        cases += [(hi * 1.05, False), (hi[wide] / 1.05, True)]
        masses += [m_z, m_z[wide]]
    for (eps, excluded), mass in zip(cases, masses, strict=True):
        physical = eps**2 / C_W2 < 0.99
        ratio, domain = _ratio(limit, prepared, mass[physical], eps[physical])
        assert domain.all()
        assert np.array_equal(ratio > 1, np.full(ratio.shape, excluded)), (name, excluded)
    # At the published edges themselves the ratio is one.
    for eps in (lo, hi) if limit.two_sided else (lo,):
        physical = eps**2 / C_W2 < 0.99
        edge, _ = _ratio(limit, prepared, m_z[physical], eps[physical])
        np.testing.assert_allclose(edge, 1.0, rtol=1e-8, atol=0)


@pytest.mark.parametrize("name", INVISIBLE_WITH_BR1)
def test_invisible_excludes_exactly_where_eps2_br_exceeds_the_limit(name):
    limit = LIMITS[name]
    prepared = prepare_limit(limit)
    m_z = limit.mass[prepared.bounded][:, None]
    eps_lim = limit.eps_lower[prepared.bounded][:, None]
    eps = eps_lim * np.logspace(-0.5, 1.5, 41)[None, :]
    eps = np.where(eps**2 / C_W2 < 0.5, eps, 0.5 * eps_lim)
    U2 = 1e-2  # BR(Z' -> nu nubar) from ~1e-4 to ~1 across the grid
    model = ModelPoint(m_nuh=100 * GeV, m_zprime=m_z, chi2=eps**2 / C_W2, U_muh2=U2, g_prime=1.0)
    e, br_inv, tau = zprime_recast_inputs(model, limit)
    ratio, domain = signal_ratio(prepared, m_z, e, br_inv, tau)
    assert domain.all()
    assert br_inv.max() > 0.9 and br_inv.min() < 0.1
    expected = eps**2 * br_inv / eps_lim**2
    np.testing.assert_allclose(ratio, expected, rtol=1e-12, atol=0)
    clear = np.abs(expected - 1) > 1e-9
    assert np.array_equal((ratio > 1)[clear], (expected > 1)[clear])
    assert (ratio > 1).any() and (ratio < 1).any()


def test_nuh_counts_as_invisible_only_when_asked():
    limit = LIMITS["NA64_NA642019imj"]
    prepared = prepare_limit(limit)
    m_z, eps = 300 * MeV, 1e-4
    kw = {"U_muh2": 1e-3, "m_nuh": 100 * MeV, "g_prime": 0.5}
    off, _ = _ratio(limit, prepared, m_z, eps, **kw)
    on, _ = _ratio(limit, prepared, m_z, eps, nuh_invisible=True, **kw)
    assert on > 10 * off > 0


def test_visible_bound_shrinks_and_invisible_appears_as_u2_grows():
    visible, invisible = LIMITS["E137_Andreas2012mt"], LIMITS["NA64_NA642019imj"]
    pv, pi = prepare_limit(visible), prepare_limit(invisible)
    m_z, eps = 20 * MeV, 1e-7
    U2 = np.logspace(-12, -1, 12)
    rv, _ = _ratio(visible, pv, m_z, eps, U_muh2=U2)
    ri, _ = _ratio(invisible, pi, m_z, 1e-4, U_muh2=U2)
    assert rv[0] > 1 and rv[-1] < 1 and np.all(np.diff(rv) <= 0)
    assert ri[0] < 1 and ri[-1] > 1 and np.all(np.diff(ri) >= 0)


def test_grid_broadcast_domain_and_no_nan():
    limit = LIMITS["BaBar_Lees2014xha"]
    prepared = prepare_limit(limit)
    m_z = np.geomspace(1 * MeV, 10.5 * GeV, 400)[:, None]
    eps = np.geomspace(1e-8, 1e-2, 300)[None, :]
    model = ModelPoint(m_nuh=100 * GeV, m_zprime=m_z, chi2=eps**2 / C_W2, U_muh2=PURE, g_prime=1)
    decays = zprime_decays(model)  # once per grid, shared by every limit
    ratio, domain = signal_ratio(prepared, m_z, *zprime_recast_inputs(decays, limit))
    assert ratio.shape == (400, 300) and domain.shape == (400, 1)
    assert np.isfinite(ratio).all() and (ratio >= 0).all()
    assert not domain[m_z < 20 * MeV].any() and not domain[m_z > 10.4 * GeV].any()
    # The rows between 0.7558 and 0.81636 GeV hold the 1e5 sentinel: no bound there.
    gap = (m_z > 0.756 * GeV) & (m_z < 0.816 * GeV)
    assert gap.any() and not domain[gap].any()
    assert (ratio[~domain[:, 0]] == 0).all()
    assert (ratio[domain[:, 0]] > 1).any()


def test_signal_ratio_accepts_an_unprepared_limit_and_zero_mixing():
    limit = LIMITS["E141_Riordan1987aw"]
    ratio, domain = signal_ratio(limit, 10 * MeV, 0.0, 1.0, np.inf)
    assert domain and ratio == 0.0


def test_efficiency_spec_prompt_is_one():
    from threeportal.physics.recast import efficiency

    assert (efficiency(Efficiency("prompt"), np.array([0.0, 1.0, np.inf])) == 1).all()


# Dark-photon branching ratios of the data-driven fit of arXiv:1801.04847 (reference-data
# README): m [GeV], BR(ee), BR(mumu), BR(hadrons).
DARK_PHOTON_BR = [
    (0.30, 0.5255, 0.4655, 0.0090),
    (0.50, 0.4013, 0.3961, 0.2026),
    (0.78, 0.0501, 0.0500, 0.9000),
    (1.00, 0.3141, 0.3138, 0.3721),
    (1.50, 0.2359, 0.2358, 0.5283),
    (3.00, 0.2392, 0.2392, 0.5215),
]


def test_dark_photon_branching_ratios_against_the_published_fit():
    """Below the pion region only leptons matter; with the R(m) hadronic channel every row."""
    from threeportal.physics import branching_ratios
    from threeportal.physics.recast import dark_photon_widths

    table = np.array(DARK_PHOTON_BR)
    br = branching_ratios(dark_photon_widths(table[:, 0] * GeV, 1e-3))
    rows = slice(None) if "hadrons" in br else slice(0, 1)
    np.testing.assert_allclose(br["ee"][rows], table[rows, 1], rtol=0.02, atol=0)
    np.testing.assert_allclose(br["mumu"][rows], table[rows, 2], rtol=0.02, atol=0)
    if "hadrons" in br:
        np.testing.assert_allclose(br["hadrons"], table[:, 3], rtol=0.05, atol=0)
