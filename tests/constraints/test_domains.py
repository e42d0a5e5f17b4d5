"""Kinematic thresholds of the layers: where each layer empties, and the warnings they give."""

from __future__ import annotations

import numpy as np
import pytest
from hepunits import GeV, MeV
from particle import Particle

from threeportal.constants import M_C12_NUCLEUS, M_ELECTRON, M_K_PLUS, M_MUON
from threeportal.constraints import (
    KAON_LAYERS,
    KAON_THRESHOLD,
    REGISTRY,
    Span,
    domain_warnings,
    evaluate_constraints,
)
from threeportal.constraints.domains import (
    KAON_PRODUCTION,
    ON_SHELL_CASCADE,
    STANDARD_WIDTH,
    UPSCATTERING_ENERGY,
)
from threeportal.model import ModelPoint
from threeportal.physics import nuh_widths
from threeportal.physics.hnl_standard import STANDARD_CHANNELS
from threeportal.physics.scattering import upscattering_threshold_mass
from threeportal.scans import Card

UPSCATTERING_3GEV = upscattering_threshold_mass(3 * GeV)


def _point(m_nuh: float, m_zprime: float) -> ModelPoint:
    return ModelPoint(m_nuh=m_nuh, m_zprime=m_zprime, U_muh2=1e-6, chi2=1e-8, v_phi=266.67 * MeV)


def _value(layer: str, field: str, model: ModelPoint, options=None) -> float:
    out = evaluate_constraints(model, [layer], {layer: options} if options else None)[layer]
    return float(np.asarray(out[field].values).reshape(-1)[0])


# --- the thresholds are where the layers empty ---------------------------------------------
def test_kaon_layers_empty_beyond_m_k_minus_m_mu():
    inside, beyond = (
        _point(KAON_THRESHOLD - 0.05 * MeV, 250 * MeV),
        _point(KAON_THRESHOLD * (1 + 1e-6), 250 * MeV),
    )
    for layer, field in (
        ("na62_ee", "na62_ee_expected_events"),
        ("na62_mumu", "na62_mumu_expected_events"),
        ("na48_2", "na48_2_br_signal"),
    ):
        assert _value(layer, field, inside) > 0, layer
        assert _value(layer, field, beyond) == 0, layer
    peak = evaluate_constraints(beyond, ["peak_search"])["peak_search"]
    assert not np.any(peak["peak_search_na62_ratio"].domain)  # no published limit there
    assert set(KAON_LAYERS) == {n for n, c in REGISTRY.items() if KAON_PRODUCTION in c.thresholds}


def test_cascade_layers_empty_once_the_zprime_is_off_shell_though_nu_h_still_decays_to_ee():
    """m_Z' >= m_nuh: NA62 and NA48/2 count only the on-shell cascade (Eq. 26), so they are
    empty, while nu_h -> nu Z'* -> nu e+ e- goes on: the emptiness is the layer's, not physics."""
    m_nuh = 300 * MeV
    inside, beyond = _point(m_nuh, 0.999 * m_nuh), _point(m_nuh, 1.001 * m_nuh)
    for layer, field in (
        ("na62_ee", "na62_ee_expected_events"),
        ("na62_mumu", "na62_mumu_expected_events"),
        ("na48_2", "na48_2_br_signal"),
    ):
        assert _value(layer, field, inside) > 0, layer
        assert _value(layer, field, beyond) == 0, layer
        assert ON_SHELL_CASCADE in REGISTRY[layer].thresholds
    assert float(nuh_widths(beyond)["nu_ee_zprime"]) > 0


def test_upscattering_threshold_is_e_equals_m_plus_m2_over_2m_and_the_layer_empties_there():
    for energy in (0.3 * GeV, 3 * GeV, 30 * GeV):
        m = upscattering_threshold_mass(energy)
        assert m + m * m / (2 * M_C12_NUCLEUS) == pytest.approx(energy, rel=1e-12, abs=0)
    assert upscattering_threshold_mass(-1 * GeV) == 0
    options = {"E_nu": "1 GeV"}
    edge = upscattering_threshold_mass(1 * GeV)
    field = "upscattering_ratio_to_nue"
    assert _value("upscattering", field, _point(0.999 * edge, 300 * MeV), options) > 0
    assert _value("upscattering", field, _point(1.001 * edge, 300 * MeV), options) == 0


def test_standard_width_bound_is_the_lightest_mixing_only_channel_it_omits():
    """nu_h -> e K, nu eta, mu K, nu rho: none is in the standard width; e K opens first."""
    eta, rho = Particle.from_pdgid(221).mass * MeV, Particle.from_pdgid(113).mass * MeV
    omitted = [M_K_PLUS + M_ELECTRON, eta, M_K_PLUS + M_MUON, rho]
    assert STANDARD_WIDTH.bound == min(omitted)
    assert not any(word in key for key in STANDARD_CHANNELS for word in ("K", "eta", "rho"))


# --- the warnings ---------------------------------------------------------------------------
def _card(x: str, y: str, model: str, evaluate: str, extra: str = "") -> Card:
    text = f"""
[scan]
name = "t"
[model]
{model}
v_phi = "266.67 MeV"
[axes.x]
{x}
n = 3
[axes.y]
{y}
n = 3
[constraints]
evaluate = [{evaluate}]
{extra}
"""
    return Card.from_text(text)


U_AXIS = 'parameter = "U_muh2"\nmin = 1e-10\nmax = 1e-2\nscale = "log"'
CHI_AXIS = 'parameter = "chi2"\nmin = 1e-10\nmax = 1e-6\nscale = "log"'
KAON = '"peak_search", "na48_2", "na62_ee", "na62_mumu"'
ZP150 = 'm_zprime = "150 MeV"'


def _mass_axis(name: str, low: float, high: float) -> str:
    return f'parameter = "{name}"\nmin = "{low / MeV!r} MeV"\nmax = "{high / MeV!r} MeV"'


CASES = {
    # id: (card builder taking the crossing end (MeV), beyond, inside, key, fragments)
    "kaon": (
        lambda end: _card(_mass_axis("m_nuh", 200, end), U_AXIS, 'm_zprime = "150 MeV"', KAON),
        KAON_THRESHOLD * (1 + 1e-6),
        KAON_THRESHOLD * (1 - 1e-6),
        "axes.x.max",
        ["m_K - m_mu = 388.0 MeV", "peak_search, na48_2, na62_ee, na62_mumu are valid only for "
         "m_nuh < 388.0 MeV and are left empty beyond it"],
    ),
    "cascade-nuh-axis": (
        lambda end: _card(_mass_axis("m_nuh", end, 380), U_AXIS, 'm_zprime = "150 MeV"', KAON),
        150 * (1 - 1e-6),
        150 * (1 + 1e-6),
        "axes.x.min",
        ["m_nuh down to 149.99", "below m_zprime = 150 MeV", "na48_2, na62_ee, na62_mumu are "
         "valid only for m_nuh > 150 MeV"],
    ),
    "cascade-zprime-axis": (
        lambda end: _card(_mass_axis("m_zprime", 1, end), U_AXIS, 'm_nuh = "300 MeV"', KAON),
        300 * (1 + 1e-6),
        300 * (1 - 1e-6),
        "axes.x.max",
        ["m_zprime up to 300.0003 MeV is above m_nuh = 300 MeV", "m_zprime < 300 MeV"],
    ),
    "cascade-fixed-nuh": (  # the bound is the card's fixed m_nuh
        lambda m: _card(_mass_axis("m_zprime", 1, 300), U_AXIS, f'm_nuh = "{m!r} MeV"', KAON),
        300 * (1 - 1e-6),
        300 * (1 + 1e-6),
        "axes.x.max",
        ["m_zprime up to 300 MeV is above m_nuh = 299.9997 MeV", "m_zprime < 299.9997 MeV"],
    ),
    "cascade-both-fixed": (
        lambda m: _card(U_AXIS, CHI_AXIS, f'm_nuh = "300 MeV"\nm_zprime = "{m!r} MeV"', KAON),
        300 * (1 + 1e-6),
        300 * (1 - 1e-6),
        "model.m_zprime",
        ["model.m_zprime: 300.0003 MeV is above m_nuh = 300 MeV", "m_zprime < 300 MeV"],
    ),
    "cascade-both-axes": (
        lambda end: _card(
            _mass_axis("m_zprime", 10, end), _mass_axis("m_nuh", 150, 300), "", '"na62_ee"'
        ),
        150 * (1 + 1e-6),
        150 * (1 - 1e-6),
        "axes.x.max",
        ["above m_nuh = 150 MeV (axes.y.min)", "na62_ee is valid only for m_zprime < m_nuh"],
    ),
    "upscattering-1GeV": (
        lambda end: _card(
            _mass_axis("m_nuh", 100, end),
            U_AXIS,
            'm_zprime = "150 MeV"',
            '"upscattering"',
            '[constraints.upscattering]\nE_nu = "1 GeV"',
        ),
        upscattering_threshold_mass(1 * GeV) * (1 + 1e-6),
        upscattering_threshold_mass(1 * GeV) * (1 - 1e-6),
        "axes.x.max",
        ["threshold at E_nu = 1 GeV = 958.9 MeV", "upscattering is valid only for m_nuh < 958.9"],
    ),
    "standard-width": (
        lambda end: _card(_mass_axis("m_nuh", 200, end), U_AXIS, ZP150, '"lifetimes"'),
        (M_K_PLUS + M_ELECTRON) * (1 + 1e-6),
        (M_K_PLUS + M_ELECTRON) * (1 - 1e-6),
        "axes.x.max",
        ["m_K + m_e = 494.2 MeV", "lifetimes is valid only for m_nuh < 494.2 MeV and is "
         "approximate (the nu_h lifetime is an upper bound) beyond it"],
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_threshold_warns_beyond_it_and_is_silent_just_inside(case):
    build, beyond, inside, key, fragments = CASES[case]
    assert build(inside * MeV).domain_warnings() == []
    warnings = build(beyond * MeV).domain_warnings()
    assert len(warnings) == 1, warnings
    assert warnings[0].startswith(f"{key}: ")
    for fragment in fragments:
        assert fragment in warnings[0], (fragment, warnings[0])


def test_upscattering_bound_follows_the_cards_neutrino_energy():
    def card(energy: str) -> Card:
        axis = _mass_axis("m_nuh", 100, 2000)
        option = f'[constraints.upscattering]\nE_nu = "{energy}"'
        return _card(axis, U_AXIS, 'm_zprime = "150 MeV"', '"upscattering"', option)

    assert card("3 GeV").domain_warnings() == []  # threshold 2678.9 MeV
    assert card("3").domain_warnings() == []  # no unit: the scan says so, not the warning
    (warning,) = card("2 GeV").domain_warnings()
    assert f"= {upscattering_threshold_mass(2 * GeV) / MeV:.1f} MeV" in warning


def test_a_threshold_shared_by_layers_is_stated_once_naming_them_all():
    card = _card(_mass_axis("m_nuh", 100, 600), U_AXIS, 'm_zprime = "150 MeV"', KAON)
    warnings = card.domain_warnings()
    assert len(warnings) == 2  # the kaon threshold, and the cascade at the low end
    (kaon,) = [w for w in warnings if "m_K - m_mu" in w]
    assert kaon.count("axes.x.max") == 1 and "peak_search, na48_2, na62_ee, na62_mumu" in kaon


def test_an_equal_mass_written_in_other_units_is_not_a_crossing():
    card = _card(
        'parameter = "m_zprime"\nmin = "1 MeV"\nmax = "0.3 GeV"', U_AXIS, 'm_nuh = "300 MeV"', KAON
    )
    assert card.domain_warnings() == []


def test_point_spans_name_the_parameter_and_use_the_layer_options():
    spans = {"m_nuh": Span.fixed(400 * MeV, "m_nuh"), "m_zprime": Span.fixed(150 * MeV, "m_zprime")}
    (kaon,) = domain_warnings(spans, list(KAON_LAYERS))
    assert kaon.startswith("m_nuh: 400 MeV is above m_K - m_mu = 388.0 MeV")
    options = {"upscattering": {"E_nu": "0.3 GeV"}}
    (up,) = domain_warnings(spans, ["upscattering"], options)
    assert "m_nuh: 400 MeV is above the nu C -> nu_h C threshold at E_nu = 0.3 GeV" in up
    assert domain_warnings(spans, ["e141", "dark_photon_limits"]) == []
    assert UPSCATTERING_ENERGY in REGISTRY["upscattering"].thresholds
    assert 2.6 * GeV < UPSCATTERING_3GEV < 2.7 * GeV
