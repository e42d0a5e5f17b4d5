"""Acceptance checks of the constraint layers, against the physics they encode."""

import numpy as np
import pytest
from hepunits import MeV

from threeportal.constants import M_MUON
from threeportal.constraints import Inputs, evaluate_constraints
from threeportal.data import load_limit
from threeportal.model import ModelPoint
from threeportal.physics import nuh_widths, zprime_widths

U2 = np.logspace(-10, -2, 41).reshape(1, -1)


def grid(m_nuh, m_zprime, chi2=1e-8, **kw):
    return ModelPoint(
        m_nuh=m_nuh, m_zprime=m_zprime, U_muh2=U2, chi2=chi2, v_phi=266.67 * MeV, **kw
    )


LEFT_MASSES = np.linspace(160, 380, 23).reshape(-1, 1) * MeV


def test_peak_search_chi_zero_gives_published_bound_exactly():
    model = grid(LEFT_MASSES, 150 * MeV, chi2=0.0)
    for options in ({"mode": "paper"}, {"mode": "lifetime"}, {"decay_mode": "mean"}):
        out = evaluate_constraints(model, ["peak_search"], {"peak_search": options})
        layer = out["peak_search"]
        for key in ("kek", "e949", "na62"):
            ratio = layer[f"peak_search_{key}_ratio"]
            original = layer[f"peak_search_{key}_original_ratio"]
            assert np.array_equal(ratio.values, original.values)
            limit = load_limit(
                {"kek": "kek_1984_umu2", "e949": "e949_2015_umu2", "na62": "na62_2017_umu2"}[key]
            )
            mass = np.broadcast_to(LEFT_MASSES, ratio.values.shape)
            inside = limit.in_range(mass)
            published = np.where(
                inside,
                limit.interpolate(
                    limit.x_column and list(limit.columns)[1], np.where(inside, mass, 200.0)
                ),
                np.inf,
            )
            expected = inside & (np.broadcast_to(U2, mass.shape) > published)
            assert np.array_equal(layer[f"peak_search_{key}_excluded"].values, expected)


def test_paper_mode_is_200_times_weaker_where_nuh_decays_visibly():
    """Paper mode: f = 1 - BR_vis (1 - eps_miss) with BR_vis from the widths. Where the
    cascade nu_h -> nu (Z' -> e+e-) is the whole width, f = eps_miss = 0.5%: 200x weaker."""
    model = grid(LEFT_MASSES, 150 * MeV)
    layer = evaluate_constraints(model, ["peak_search"], {"peak_search": {"mode": "paper"}})
    layer = layer["peak_search"]
    surviving = layer["peak_search_na62_surviving_fraction"]
    hw, zw = nuh_widths(model), zprime_widths(model)
    visible_z = sum(zw[c] for c in ("ee", "mumu", "tautau", "hadrons")) / sum(zw.values())
    br_vis = hw["nu_zprime"] / sum(hw.values()) * visible_z  # Z' on-shell: no direct channels
    inside = surviving.domain
    expected = np.broadcast_to(1 - 0.995 * br_vis, inside.shape)
    assert np.allclose(surviving.values[inside], expected[inside], rtol=1e-12, atol=0)
    # for 1e-8 <= |U|^2 <= 1e-6 the visible cascade is almost everything: f = eps_miss to 5%
    # (BR(Z' -> nu nu) < 2.5e-4, growing as |U|^4; above, it takes over: Fig. 3 caption)
    window = np.broadcast_to((U2 >= 1e-8) & (U2 <= 1e-6), inside.shape) & inside
    assert window.sum() > 50
    assert np.allclose(surviving.values[window], 0.005, rtol=0.05, atol=0)
    ratio = layer["peak_search_na62_ratio"].values
    original = layer["peak_search_na62_original_ratio"].values
    assert np.allclose(ratio[window], original[window] / 200.0, rtol=0.05, atol=0)


def test_lifetime_mode_recovers_bound_for_long_lived_nuh():
    """Weak dark coupling: nu_h flies km before decaying, so almost nothing is vetoed."""
    weak = ModelPoint(m_nuh=LEFT_MASSES, m_zprime=150 * MeV, U_muh2=1e-10, chi2=1e-8, g_prime=1e-4)
    layer = evaluate_constraints(weak, ["peak_search"], {"peak_search": {"mode": "lifetime"}})[
        "peak_search"
    ]
    assert np.all(layer["peak_search_kek_surviving_fraction"].values > 0.99)
    # the default benchmark: prompt visible decays even at |U|^2 = 1e-10 (c tau ~ mm)
    model = grid(LEFT_MASSES, 150 * MeV)
    layer = evaluate_constraints(model, ["peak_search"], {"peak_search": {"mode": "lifetime"}})[
        "peak_search"
    ]
    f = layer["peak_search_kek_surviving_fraction"].values
    assert np.all(f[:, 0] < 0.01)
    assert np.all(f[:, 20] < 0.01)  # |U|^2 = 1e-6: prompt visible decays
    assert np.all(f[:, -1] > 0.9)  # |U|^2 = 1e-2: the Z' decays invisibly


def test_ses_scales_as_inverse_kaons_times_acceptance(tmp_path):
    from threeportal.data import load_experiment

    source = load_experiment("na62").path.read_text()
    doubled = source.replace("n_kaon_fid = 2.14e11", "n_kaon_fid = 4.28e11").replace(
        "acceptance = 0.04", "acceptance = 0.08"
    )
    user = tmp_path / "na62_more.toml"
    user.write_text(doubled)
    model = grid(LEFT_MASSES, 150 * MeV)
    base = evaluate_constraints(model, ["na62_ee"])["na62_ee"]["na62_ee_expected_events"]
    more = evaluate_constraints(model, ["na62_ee"], inputs=Inputs({"na62": str(user)}))
    ratio = more["na62_ee"]["na62_ee_expected_events"].values / base.values
    assert np.allclose(ratio[base.values > 0], 4.0, rtol=1e-12)


def test_na48_2_excludes_nothing_below_140_mev():
    model = grid(300 * MeV, np.linspace(5, 139.9, 30).reshape(-1, 1) * MeV)
    layer = evaluate_constraints(model, ["na48_2"])["na48_2"]
    assert not layer["na48_2_excluded"].values.any()
    above = evaluate_constraints(grid(300 * MeV, 150 * MeV), ["na48_2"])["na48_2"]
    assert above["na48_2_excluded"].values.any()


def test_e141_band_covers_about_1_to_19_mev_at_chi2_1e8():
    m_z = np.geomspace(0.5, 100, 400).reshape(-1, 1) * MeV
    layer = evaluate_constraints(grid(300 * MeV, m_z), ["e141"])["e141"]
    excluded = layer["e141_excluded"].values[:, 0]
    masses = m_z[:, 0][excluded] / MeV
    assert masses.min() == pytest.approx(1.0, abs=0.3)
    assert masses.max() == pytest.approx(19.0, rel=0.15)
    assert np.all(np.diff(np.flatnonzero(excluded)) == 1)  # one band


def test_upscattering_ratio_scales_with_couplings():
    kw = dict(m_nuh=300 * MeV, m_zprime=50 * MeV, U_muh2=1e-6)
    base = ModelPoint(**kw, chi2=1e-8, g_prime=0.5)
    other = ModelPoint(**{**kw, "U_muh2": 3e-6}, chi2=2e-8, g_prime=1.0)
    r1 = evaluate_constraints(base, ["upscattering"])["upscattering"]
    r2 = evaluate_constraints(other, ["upscattering"])["upscattering"]
    ratio = r2["upscattering_ratio_to_nue"].values / r1["upscattering_ratio_to_nue"].values
    assert ratio == pytest.approx(4.0 * 2.0 * 3.0, rel=1e-12)


def test_na62_mumu_absent_below_dimuon_threshold():
    m_z = np.array([[150.0], [250.0]]) * MeV
    layer = evaluate_constraints(grid(380 * MeV, m_z), ["na62_mumu"])["na62_mumu"]
    field = layer["na62_mumu_expected_events"]
    assert np.array_equal(field.domain[:, 0], [False, True])
    assert np.all(np.isfinite(field.values))
    assert not layer["na62_mumu_sensitive"].values[0].any()
    assert (2 * M_MUON < 250 * MeV) and (2 * M_MUON > 150 * MeV)


def test_lifetime_fields_in_picoseconds_match_eq22():
    point = ModelPoint(m_nuh=300 * MeV, m_zprime=100 * MeV, U_muh2=1e-10, chi2=0.0, g_prime=0.375)
    layer = evaluate_constraints(point, ["lifetimes"])["lifetimes"]
    # Eq. 22 with the full phase space: 1.80 ps (standard channels add a tiny width)
    assert float(layer["lifetime_nuh_ps"].values) == pytest.approx(1.80, abs=0.01)


def test_expected_events_linear_in_mixing_while_prompt_then_falling():
    """Eq. 25: N ∝ |U_muh|^2 while both decays are prompt and BR(Z' -> ee) ~ 1; at large
    mixing the invisible Z' width (∝ |U|^4) makes N fall like 1/|U|^2."""
    layer = evaluate_constraints(grid(LEFT_MASSES[:-1], 150 * MeV), ["na62_ee"])["na62_ee"]
    events = layer["na62_ee_expected_events"].values
    u2 = U2[0]
    window = (u2 >= 1e-9) & (u2 <= 1e-7)
    per_mixing = events[:, window] / u2[window]
    assert np.allclose(per_mixing, per_mixing[:, :1], rtol=0.01)
    top = events[:, -1] / events[:, -5]  # |U|^2 from 10^-2.8 to 10^-2
    assert np.allclose(top, u2[-5] / u2[-1], rtol=0.05)


def test_na62_mumu_layer_has_no_field_when_closed_on_the_whole_plane():
    out = evaluate_constraints(grid(LEFT_MASSES, 150 * MeV), ["na62_mumu"])
    assert out["na62_mumu"] == {}
