"""Physics of the built-in cards: what their axes show, their options, and `point`'s defaults."""

from __future__ import annotations

import logging

import numpy as np
import pytest
from hepunits import MeV

from threeportal.constants import M_ELECTRON, M_MUON
from threeportal.constraints import REGISTRY, evaluate_constraints
from threeportal.model import ModelPoint
from threeportal.point import evaluate_point
from threeportal.scans import builtin_cards, load_card

NA62 = ("na62_ee", "na62_mumu")


def _events(card, x, y):
    """NA62 expected events (0 outside a layer's domain) on the grid x times y."""
    model = card.model_point(x, y)
    out = evaluate_constraints(model, NA62, card.options)
    events = {}
    for name in NA62:
        if not out[name]:
            continue  # absent on the whole plane (Z' -> mu mu closed)
        field = out[name][f"{name}_expected_events"]
        domain = True if field.domain is None else field.domain
        events[name] = np.where(domain, field.values, 0.0)
    return events


@pytest.mark.parametrize("name", ["fig3-left", "fig3-right"])
def test_na62_sensitivity_contours_lie_inside_the_builtin_axes(name):
    """Issue 10: the N = 1 curves of NA62 (ee, and mumu where the Z' can decay to muons) are
    drawn whole: N < 1 along the bottom edge of the card's plane, and the lowest |U_muh|^2
    with N >= 1 is at least 3x above it. (The sensitive region is open upwards: N falls only
    as 1/|U|^2 once Z' -> nu nu dominates, still ~1e4 events at |U|^2 = 1e-2.)"""
    card = load_card(name)
    x, y = card.x.values(), card.y.values()
    level = REGISTRY["na62_ee"].resolve_options(card.options.get("na62_ee"))["level"]
    events = _events(card, x[::2], y)
    expected = {"na62_ee"} if name == "fig3-left" else set(NA62)  # m_Z' = 150 < 2 m_mu
    assert set(events) == expected
    for layer, n in events.items():
        sensitive = n >= level
        assert sensitive.any() and not sensitive[:, 0].any(), layer
        lowest = y[np.argmax(sensitive, axis=1)[sensitive.any(axis=1)]].min()
        assert lowest > 3 * y[0], (layer, lowest)


def test_default_cards_use_every_layer_default_and_the_paper_cards_only_the_papers_options():
    """One source of defaults: the default cards override no layer option; the paper cards
    change exactly the paper's prescription (no Shrock factor, mean boosts, 200x rule)."""
    paper = {
        "peak_search": {"mode": "paper"},
        "na62_ee": {"decay_mode": "mean", "shrock": False},
        "na62_mumu": {"decay_mode": "mean", "shrock": False},
        "na48_2": {"decay_mode": "mean", "shrock": False},
    }
    for side in ("left", "right"):
        default, printed = load_card(f"fig3-{side}"), load_card(f"fig3-paper-{side}")
        # the right panel adds the recast dark-photon limits (all but the paper's E141, which
        # is the e141 layer): a selection of limits, not a physics option
        extra = ["dark_photon_limits"] if side == "right" else []
        options = dict(default.options)
        if extra:
            assert "E141_Riordan1987aw" not in options.pop("dark_photon_limits")["limits"]
        assert options == {}
        assert printed.options == paper
        assert printed.model == default.model and printed.x == default.x
        assert list(printed.constraints) + extra == list(default.constraints)
    for name in ("peak_search", "na62_ee", "na62_mumu", "na48_2"):
        assert REGISTRY[name].options["decay_mode"] == "averaged"
    assert REGISTRY["peak_search"].options["mode"] == "lifetime"


@pytest.mark.parametrize("name", ["fig3-left", "fig3-right"])
def test_point_gives_what_a_scan_of_the_builtin_card_gives(name):
    """`threeportal point` at a point of the card's plane reports the card's layer values
    (decay-length dependent ones included: the Z' flies here, so mean != averaged)."""
    card = load_card(name)
    x = np.array([250.0 * MeV if card.x.parameter == "m_nuh" else 3.0 * MeV])
    y = np.array([2e-7])
    grid = evaluate_constraints(card.model_point(x, y), card.constraints, card.options)
    params = dict(card.model)
    params[card.x.parameter], params["U_muh2"] = x[0], y[0]
    point = evaluate_point(ModelPoint.from_mapping(params))["constraints"]
    events = float(grid["na62_ee"]["na62_ee_expected_events"].values.reshape(-1)[0])
    assert point["na62_ee"]["expected_events"] == pytest.approx(events, rel=1e-12, abs=0)
    for key in ("kek", "e949", "na62"):
        field = grid["peak_search"][f"peak_search_{key}_surviving_fraction"]
        got = point["peak_search"][key]["surviving_fraction"]
        assert got == pytest.approx(float(field.values.reshape(-1)[0]), rel=1e-12, abs=0)
    if name == "fig3-right":
        mean = evaluate_constraints(
            card.model_point(x, y), ["na62_ee"], {"na62_ee": {"decay_mode": "mean"}}
        )["na62_ee"]["na62_ee_expected_events"].values.reshape(-1)[0]
        assert abs(events / mean - 1) > 0.01


def test_no_builtin_card_crosses_a_kinematic_threshold(caplog):
    """The defaults are clean: loading any built-in card warns of nothing. Two cards end on a
    threshold (m_nuh = m_Z' on the left, m_Z' = m_nuh on the right), silent because the layers
    vanish continuously there; the right plane crosses 2 m_e, 2 m_mu and NA48/2's 140 MeV cut,
    silent because those are not declared (the empty side is the layers' answer there)."""
    with caplog.at_level(logging.WARNING, logger="threeportal"):
        for name in builtin_cards():
            assert load_card(name).domain_warnings() == [], name
    assert [r.getMessage() for r in caplog.records] == []
    left, right = load_card("fig3-left"), load_card("fig3-right")
    assert left.x.min == left.model["m_zprime"] and right.x.max == right.model["m_nuh"]
    assert right.x.min < 2 * M_ELECTRON and right.x.max > max(2 * M_MUON, 140 * MeV)
