"""Scan cards: built-in cards, --set overrides, canonical text, and every validation mistake."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hepunits import MeV

from threeportal.constraints import REGISTRY
from threeportal.scans import (
    Card,
    CardError,
    ScanError,
    builtin_card_text,
    builtin_cards,
    load_card,
)
from threeportal.scans.card import parse_set, to_toml

# --- built-in cards -----------------------------------------------------------------------


#: Lower |U_muh|^2 edge of each built-in card: below the NA62 sensitivities (with the Shrock
#: factor) for the default cards, the paper's 1e-10 for the cards that follow the paper.
Y_MIN = {
    "fig3-left": 1e-11,
    "fig3-right": 3e-12,
    "fig3-paper-left": 1e-10,
    "fig3-paper-right": 1e-10,
}


@pytest.mark.parametrize("paper", [False, True])
def test_builtin_cards_hold_the_default_benchmark(paper):
    prefix = "fig3-paper-" if paper else "fig3-"
    assert {"fig3-left", "fig3-right", "fig3-paper-left", "fig3-paper-right"} <= set(
        builtin_cards()
    )
    left, right = load_card(prefix + "left"), load_card(prefix + "right")
    for card in (left, right):
        paper = set(REGISTRY) - {"dark_photon_limits"}  # the paper's seven layers
        assert paper <= set(card.constraints) <= set(REGISTRY)
        assert card.model["nature"] == "dirac"
        assert card.model["U_Dh2"] == 1.0
        assert card.model["chi2"] == 1e-8
        assert card.model["v_phi"] == pytest.approx(266.67 * MeV)
        assert card.model["U_eh2"] == card.model["U_tauh2"] == 0.0
        assert (card.y.parameter, card.y.min, card.y.max, card.y.scale) == (
            "U_muh2",
            Y_MIN[card.name],
            1e-2,
            "log",
        )
        assert 150 <= card.x.n <= 300 and 150 <= card.y.n <= 300
        assert card.output == f"results/{card.name}.h5"
        assert card.refine == 0
        assert "reconstructed from the paper's text" in " ".join(
            builtin_card_text(card.name).split()
        ).replace("RECONSTRUCTED FROM THE PAPER'S TEXT", "reconstructed from the paper's text")
    assert left.model["m_zprime"] == 150 * MeV
    assert (left.x.parameter, left.x.min, left.x.max, left.x.scale) == (
        "m_nuh",
        150 * MeV,
        388 * MeV,
        "linear",
    )
    assert right.model["m_nuh"] == 300 * MeV
    assert (right.x.parameter, right.x.min, right.x.max, right.x.scale) == (
        "m_zprime",
        1 * MeV,
        300 * MeV,
        "log",
    )


def test_axis_values_hit_both_bounds_exactly():
    card = load_card("fig3-right", ["axes.x.n=7"])
    x, y = card.x.values(), card.y.values()
    assert x[0] == 1 * MeV and x[-1] == 300 * MeV and x.size == 7
    assert y[0] == 3e-12 and y[-1] == 1e-2
    assert np.allclose(np.diff(np.log(y)), np.log(1e-2 / 3e-12) / (y.size - 1))
    assert card.x.units == "MeV" and card.y.units == "1"


def test_card_command_prints_a_builtin_card(cli, capsys):
    assert cli(["card", "fig3-left"]) == 0
    out = capsys.readouterr().out
    assert out == builtin_card_text("fig3-left")
    assert 'parameter = "m_nuh"' in out


def test_card_command_lists_cards_and_rejects_unknown_names(cli, capsys):
    assert cli(["card"]) == 0
    assert "fig3-right" in capsys.readouterr().out
    assert cli(["card", "fig4"]) == 2
    err = capsys.readouterr().err
    assert "fig4" in err and "fig3-left" in err and len(err.strip().splitlines()) == 1


def test_printed_card_loads_from_a_file(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(builtin_card_text("fig3-right"))
    card = load_card(path)
    assert card.sha256 == load_card("fig3-right").sha256
    assert card.source == str(path)


# --- overrides and canonical text ---------------------------------------------------------


def test_set_values_are_toml_scalars_else_strings():
    assert parse_set("model.chi2=1e-6") == ("model.chi2", 1e-6)
    assert parse_set("axes.x.n=50") == ("axes.x.n", 50)
    assert parse_set("inputs.na62_limit=na62_2021_umu2") == ("inputs.na62_limit", "na62_2021_umu2")
    assert parse_set("model.m_zprime=150 MeV") == ("model.m_zprime", "150 MeV")
    assert parse_set('model.m_zprime="150 MeV"') == ("model.m_zprime", "150 MeV")
    assert parse_set("constraints.na62_ee.level=2.3") == ("constraints.na62_ee.level", 2.3)
    assert parse_set('constraints.evaluate=["na62_ee"]') == ("constraints.evaluate", ["na62_ee"])
    with pytest.raises(CardError, match="key=value"):
        parse_set("model.chi2")


def test_overrides_change_the_card_and_its_sha():
    base = load_card("fig3-left")
    card = load_card(
        "fig3-left",
        [
            "model.chi2=1e-6",
            "axes.x.n=50",
            "inputs.na62_limit=na62_2021_umu2",
            "constraints.na62_ee.level=2.3",
            "model.m_zprime=100 MeV",
        ],
    )
    assert card.model["chi2"] == 1e-6 and card.x.n == 50
    assert card.model["m_zprime"] == 100 * MeV
    assert card.inputs["na62_limit"] == "na62_2021_umu2"
    assert card.options == {"na62_ee": {"level": 2.3}}
    assert card.sha256 != base.sha256
    assert "chi2 = 1e-06" in card.text and "level = 2.3" in card.text
    # a mapping works as well as key=value strings
    same = load_card(
        "fig3-left",
        {
            "model.chi2": 1e-6,
            "axes.x.n": 50,
            "inputs.na62_limit": "na62_2021_umu2",
            "constraints.na62_ee.level": 2.3,
            "model.m_zprime": "100 MeV",
        },
    )
    assert same.sha256 == card.sha256


def test_canonical_text_round_trips_and_ignores_layout(tmp_path):
    card = load_card("fig3-left", ["constraints.lifetimes.levels_ps=[1.0, 3.0]"])
    again = Card.from_text(card.text)
    assert again.text == card.text and again.sha256 == card.sha256
    # comments, key order and the [output] table do not change the identity
    text = builtin_card_text("fig3-left")
    path = tmp_path / "c.toml"
    path.write_text(text.replace("[output]\npath", "[output]\n# moved\npath") + "\n# end\n")
    assert load_card(path).sha256 == load_card("fig3-left").sha256
    moved = load_card("fig3-left", ["output.path=elsewhere.h5", "output.tile=7"])
    assert moved.sha256 == load_card("fig3-left").sha256 and moved.tile == 7


def test_to_toml_escapes_strings():
    text = to_toml({"scan": {"name": "a", "description": 'quote " back \\ tab \t del \x7f é'}})
    import tomllib

    assert tomllib.loads(text)["scan"]["description"] == 'quote " back \\ tab \t del \x7f é'


def test_relative_input_paths_follow_the_card_file(tmp_path, monkeypatch):
    sub = tmp_path / "cards"
    sub.mkdir()
    (sub / "c.toml").write_text(
        builtin_card_text("fig3-left").replace(
            'na62_limit = "na62_2017_umu2"', 'na62_limit = "data/my.lmt"'
        )
    )
    monkeypatch.chdir(tmp_path)
    card = load_card(sub / "c.toml", ["inputs.e141_limit=./mine/e141.lmt"])
    assert card.inputs["na62_limit"] == str(sub / "data" / "my.lmt")
    assert card.inputs["e141_limit"] == str(tmp_path / "mine" / "e141.lmt")
    assert card.inputs["kek_limit"] == "kek_1984_umu2"  # shipped names stay names


def test_chi_axis_and_g_prime():
    data = {
        "scan": {"name": "chi-scan"},
        "model": {"m_nuh": "300 MeV", "m_zprime": "100 MeV", "g_prime": 0.5, "U_muh2": 1e-6},
        "axes": {
            "x": {"parameter": "chi", "min": 1e-5, "max": 1e-3, "n": 3, "scale": "log"},
            "y": {"parameter": "U_Dh2", "min": 0.1, "max": 1, "n": 2},
        },
    }
    card = Card(data)
    model = card.model_point(card.x.values(), card.y.values())
    assert model.shape == (3, 2)
    assert np.allclose(model.chi2[:, 0], card.x.values() ** 2)
    assert card.y.scale == "linear"


def test_a_missing_name_defaults_to_the_file_stem(tmp_path):
    text = builtin_card_text("fig3-left").replace('name = "fig3-left"\n', "")
    path = tmp_path / "my-scan.toml"
    path.write_text(text)
    assert load_card(path).name == "my-scan"


# --- every mistake: CardError naming the key and the allowed values -----------------------

MISTAKES = [
    # unknown keys
    (["model.m_nu=1"], ["model.m_nu", "unknown key", "allowed", "m_nuh"]),
    (["axes.x.points=5"], ["axes.x.points", "unknown key", "allowed", "n, scale"]),
    (["figure.style=1"], ["figure", "unknown table", "allowed", "model"]),
    (["scan.title=x"], ["scan.title", "unknown key", "name, description"]),
    (["output.format=csv"], ["output.format", "unknown key", "path, tile"]),
    (["grid.levels=2"], ["grid.levels", "unknown key", "refine"]),
    (["inputs.na99=x"], ["inputs.na99", "unknown input", "allowed", "na62_limit"]),
    (["axes.z.n=3"], ["axes.z", "unknown key", "x, y"]),
    # wrong types
    (['axes.x.n="50"'], ["axes.x.n", "integer >= 2", "string '50'"]),
    (["axes.x.n=5.5"], ["axes.x.n", "integer >= 2", "5.5"]),
    (["axes.x.scale=3"], ["axes.x.scale", "allowed: linear, log"]),
    (["axes.x.scale=logarithmic"], ["axes.x.scale", "'logarithmic'", "allowed: linear, log"]),
    (['model.chi2="1e-8"'], ["model.chi2", "plain number", "string '1e-8'"]),
    (["model.U_Dh2=true"], ["model.U_Dh2", "number", "boolean"]),
    (["model.nature=weyl"], ["model.nature", "'weyl'", "allowed: dirac, majorana"]),
    (["scan.name=[1]"], ["scan.name", "string", "array"]),
    (["inputs.na62_limit=3"], ["inputs.na62_limit", "shipped name or a file path"]),
    (["output.tile=0"], ["output.tile", "integer >= 1"]),
    (["grid.refine=-1"], ["grid.refine", "integer >= 0"]),
    (["grid.refine=1.5"], ["grid.refine", "integer >= 0"]),
    (["axes.x.parameter=mass"], ["axes.x.parameter", "'mass'", "allowed", "m_zprime"]),
    (["constraints.evaluate=na62_ee"], ["constraints.evaluate", "array", "na62_mumu"]),
    (["constraints.na62_ee=2"], ["constraints.na62_ee", "table"]),
    # missing units
    (["model.m_zprime=150"], ["model.m_zprime", "150 has no unit", 'e.g. "150 MeV"']),
    (["axes.x.min=150"], ["axes.x.min", "150 has no unit", "MeV"]),
    (["model.v_phi=266.67"], ["model.v_phi", "no unit", "MeV"]),
    (["model.m_zprime=150 MeW"], ["model.m_zprime", "unknown unit 'MeW'", "MeV"]),
    (["model.m_zprime=150 mm"], ["model.m_zprime", "'mm'", "MeV"]),
    # min >= max
    (["axes.x.min=388 MeV", "axes.x.max=150 MeV"], ["axes.x", "min (388 MeV)", "< max"]),
    (["axes.y.min=1e-2"], ["axes.y", "min (0.01) must be < max (0.01)"]),
    # n < 2
    (["axes.y.n=1"], ["axes.y.n", "1 is too small", "integer >= 2"]),
    (["axes.x.n=0"], ["axes.x.n", "too small", "integer >= 2"]),
    # log axis with a non-positive bound
    (["axes.y.min=0"], ["axes.y.min", "0 is not > 0", "log axis", 'scale = "linear"']),
    (["axes.y.min=-1e-3"], ["axes.y.min", "-0.001 is not > 0", "log axis"]),
    (["axes.x.scale=log", "axes.x.min=0 MeV"], ["axes.x.min", "not > 0", "log axis"]),
    # an axis parameter also fixed in [model]
    (["model.m_nuh=300 MeV"], ["axes.x.parameter", "m_nuh is also fixed in [model]"]),
    (["model.U_muh2=1e-6"], ["axes.y.parameter", "U_muh2 is also fixed in [model]"]),
    (["axes.y.parameter=chi2"], ["axes.y.parameter", "chi2 is also fixed", "model.chi2"]),
    (["model.chi=1e-4", "axes.y.parameter=chi2"], ["chi", "also fixed in [model]"]),
    (
        ["axes.y.parameter=m_nuh", "axes.y.min=150 MeV", "axes.y.max=200 MeV"],
        ["axes.y.parameter", "same parameter as axes.x"],
    ),
    # unknown constraints and options
    (['constraints.evaluate=["na62"]'], ["constraints.evaluate", "'na62'", "allowed", "na62_ee"]),
    (["constraints.na63.level=2"], ["constraints.na63", "unknown constraint", "na62_ee"]),
    (["constraints.na62_ee.lvl=2"], ["constraints.na62_ee.lvl", "unknown option", "level"]),
    (["constraints.evaluate=[]"], ["constraints.evaluate", "non-empty"]),
    (['constraints.evaluate=["e141", "e141"]'], ["constraints.evaluate", "twice"]),
    # the model itself
    (["model.g_prime=0.5"], ["model.g_prime", "exactly one of g_prime and v_phi"]),
    (["model.U_Dh2=2"], ["model.U_Dh2", "(0, 1]"]),
    (["axes.y.max=2"], ["axes.y", "U_muh2", "[0, 1]"]),
    (["model.chi=0.1"], ["model.chi", "not both"]),
    (["no-equals-sign"], ["--set", "key=value"]),
]


@pytest.mark.parametrize(("overrides", "expected"), MISTAKES)
def test_each_card_mistake_names_the_key_and_the_allowed_values(overrides, expected):
    with pytest.raises(CardError) as info:
        load_card("fig3-left", overrides)
    message = str(info.value)
    assert "\n" not in message
    for text in expected:
        assert text in message, (text, message)
    assert isinstance(info.value, ScanError) and isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        (["model.m_nu=1"], "model.m_nu"),
        (['axes.x.n="50"'], "axes.x.n"),
        (["model.m_zprime=150"], "model.m_zprime"),
        (["axes.x.min=388 MeV", "axes.x.max=150 MeV"], "axes.x"),
        (["axes.y.n=1"], "axes.y.n"),
        (["axes.y.min=0"], "axes.y.min"),
        (["model.m_nuh=300 MeV"], "m_nuh is also fixed"),
        (['constraints.evaluate=["na62"]'], "constraints.evaluate"),
    ],
)
def test_each_card_mistake_exits_2_through_the_command(cli, capsys, tmp_path, overrides, key):
    argv = ["scan", "fig3-left", "-o", str(tmp_path / "x.h5"), "--quiet"]
    for o in overrides:
        argv += ["--set", o]
    assert cli(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and key in err, err
    assert not any(tmp_path.iterdir())  # nothing written


def test_missing_tables_and_keys(tmp_path):
    with pytest.raises(CardError, match=r"axes: required"):
        Card({"scan": {"name": "a"}, "model": {"m_nuh": "1 MeV"}})
    with pytest.raises(CardError, match=r"axes.y: required"):
        Card({"scan": {"name": "a"}, "axes": {"x": {}}})
    with pytest.raises(CardError, match=r"axes.x.max: required"):
        Card(
            {
                "scan": {"name": "a"},
                "axes": {"x": {"parameter": "m_nuh", "min": "1 MeV", "n": 3}, "y": {}},
            }
        )
    with pytest.raises(CardError, match=r"scan.name: required"):
        Card(
            {
                "axes": {
                    "x": {"parameter": "m_nuh", "min": "1 MeV", "max": "2 MeV", "n": 3},
                    "y": {"parameter": "U_muh2", "min": 0, "max": 1e-3, "n": 3},
                },
            }
        )
    base = {
        "scan": {"name": "a"},
        "axes": {
            "x": {"parameter": "m_nuh", "min": "100 MeV", "max": "200 MeV", "n": 3},
            "y": {"parameter": "U_muh2", "min": 0, "max": 1e-3, "n": 3},
        },
        "model": {"v_phi": "300 MeV"},
    }
    with pytest.raises(CardError, match=r'model.m_zprime: required .*"300 MeV"'):
        Card(base)
    with pytest.raises(CardError, match=r"scan.name: 'a b' is not allowed"):
        Card({**base, "scan": {"name": "a b"}})


def test_bad_toml_and_unknown_card(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("[model\nm_nuh = 1\n")
    with pytest.raises(CardError, match=r"bad.toml: not valid TOML"):
        load_card(path)
    with pytest.raises(CardError, match=r"no such card file or built-in card; built-in cards:"):
        load_card(tmp_path / "absent.toml")
    with pytest.raises(CardError, match=r"fig3-left"):
        load_card("fig3-middle")


def test_set_into_a_non_table_is_refused():
    with pytest.raises(CardError, match=r"--set model.chi2.x: model.chi2 is not a table"):
        load_card("fig3-left", ["model.chi2.x=1"])
    with pytest.raises(CardError, match=r"--set axes.x: is a table"):
        load_card("fig3-left", ["axes.x=1"])


def test_card_from_a_path_string_and_path(tmp_path):
    path = tmp_path / "fig3-left"  # a file named like a built-in card wins
    path.write_text(builtin_card_text("fig3-left").replace("n = 200", "n = 20"))
    assert load_card(str(path)).x.n == 20
    assert load_card(Path(path)).y.n == 20
