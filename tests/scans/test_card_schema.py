"""The card schema as data: one validator for every fixed table, and the kaon-threshold check."""

from __future__ import annotations

import pytest
from hepunits import MeV

from threeportal.constraints import KAON_LAYERS, KAON_THRESHOLD, closed_kaon_layers
from threeportal.scans import CardError, load_card
from threeportal.scans.overrides import parse_toml, to_toml
from threeportal.scans.schema import AXIS_SCHEMA, GRID_SCHEMA, OUTPUT_SCHEMA, validate_table


def test_defaults_fill_absent_optional_keys():
    assert validate_table({}, "grid", GRID_SCHEMA) == {"refine": 0}
    # no tile: the engine chooses it from the grid; diagnostics are not stored by default
    assert validate_table({"path": "a.h5"}, "output", OUTPUT_SCHEMA) == {
        "path": "a.h5",
        "tile": None,
        "diagnostics": False,
    }


@pytest.mark.parametrize(
    ("axis", "message"),
    [
        ({"parameter": "m_nuh", "min": "1 MeV", "n": 3}, "axes.x.max: required; an axis has keys"),
        ({"parameter": "m_nuh", "min": "1 MeV", "max": "2 MeV", "n": 3, "step": 1}, "unknown key"),
        ({"parameter": "U_muh2", "min": "1 MeV", "max": 1.0, "n": 3}, "axes.x.min: expected a"),
        ({"parameter": "m_nuh", "min": 1.0, "max": "2 MeV", "n": 3}, "axes.x.min: 1.0 has no unit"),
        ({"parameter": "m_nuh", "min": "1 MeV", "max": "2 MeV", "n": 1}, "axes.x.n: 1 is too"),
    ],
)
def test_each_axis_mistake_is_one_line_naming_the_key(axis, message):
    with pytest.raises(CardError, match=message) as err:
        validate_table(axis, "axes.x", AXIS_SCHEMA)
    assert "\n" not in str(err.value)


def test_axis_masses_are_held_in_mev():
    axis = validate_table(
        {"parameter": "m_zprime", "min": "0.01 GeV", "max": "300 MeV", "n": 3},
        "axes.x",
        AXIS_SCHEMA,
    )
    assert axis["min"] == pytest.approx(10 * MeV, rel=1e-12, abs=0)
    assert axis["scale"] == "linear"


def test_kaon_threshold_is_m_k_minus_m_mu():
    # PDG: m_K+ = 493.677 MeV, m_mu = 105.6584 MeV.
    assert KAON_THRESHOLD == pytest.approx((493.677 - 105.6584) * MeV, rel=1e-6, abs=0)
    assert closed_kaon_layers(list(KAON_LAYERS), 380 * MeV) == ()
    assert closed_kaon_layers(["e141", "na62_ee"], 390 * MeV) == ("na62_ee",)


def test_card_text_is_written_by_a_toml_library_and_reads_back():
    card = load_card("fig3-right", ['scan.description=a "quoted" é'])
    assert parse_toml(card.text, "text") == card.data
    assert to_toml(card.data) == card.text
    with pytest.raises(CardError, match="card: "):
        to_toml({"scan": {"name": None}})
