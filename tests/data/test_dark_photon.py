"""The shipped dark-photon limits and their sidecars; malformed user files give one line."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from hepunits import GeV, MeV, m

from threeportal.data import DataFileError
from threeportal.data.dark_photon import (
    load_dark_photon_limit,
    shipped_dark_photon_limits,
    verify_dark_photon_shipped,
)

NAMES = shipped_dark_photon_limits()
INVISIBLE = {
    "BaBar_Lees2017lec",
    "BelleII_Adachi2019otg",
    "LEP_Fox2011fx",
    "NA62_CortinaGil2019nuo",
    "NA64_Banerjee2016tad",
    "NA64_Banerjee2017hhz",
    "NA64_NA642019imj",
}


def test_all_33_limits_shipped_and_match_their_manifest():
    assert len(NAMES) == 33
    assert verify_dark_photon_shipped() == []


def test_kinds_and_invisible_searches():
    limits = [load_dark_photon_limit(n) for n in NAMES]
    kinds = [lim.efficiency.kind for lim in limits]
    assert (kinds.count("displaced"), kinds.count("prompt"), kinds.count("prompt-window")) == (
        15,
        14,
        4,
    )
    assert {lim.name for lim in limits if lim.invisible} == INVISIBLE
    for lim in limits:
        assert lim.two_sided == (lim.efficiency.kind == "displaced")
        assert lim.curve.units["m_Aprime"] == "GeV"
        assert lim.citation and lim.reference_key in lim.citation


def test_displaced_ratio_is_a_number():
    assert load_dark_photon_limit("E137_Andreas2012mt").efficiency.decay_over_shield == (
        pytest.approx(204.0 / 179.0, rel=1e-15)
    )
    assert load_dark_photon_limit("E141_Riordan1987aw").efficiency.decay_over_shield == (
        pytest.approx(35.0 / 0.12, rel=1e-15)
    )


def test_prompt_window_parameters_in_internal_units():
    eff = load_dark_photon_limit("KLOE_Babusci2012cr").efficiency
    assert eff.boost == "two-body"
    assert eff.max_lab_decay_length == pytest.approx(0.08 * m)
    assert eff.parent_mass == pytest.approx(1019.461 * MeV)
    assert eff.recoil_mass == pytest.approx(547.862 * MeV)
    na48 = load_dark_photon_limit("NA48_Batley2015lha").efficiency
    assert (na48.boost, na48.energy, na48.max_lab_decay_length) == ("fixed-energy", 50 * GeV, 1 * m)


def test_sentinels_mean_no_bound():
    babar = load_dark_photon_limit("BaBar_Lees2014xha")
    masses = babar.mass[~babar.bounded]
    assert masses.size == 14 and (babar.eps_lower[~babar.bounded] == 1e5).all()
    belle = load_dark_photon_limit("BelleII_Adachi2019otg")
    assert belle.mass[0] > 0  # the m = 0 row of the source is dropped
    assert not belle.bounded[belle.eps_lower >= 1].any() and belle.bounded.sum() == 15


def test_merged_rows_keep_masses_strictly_increasing():
    for name in ("E137_Bjorken2009mm", "E141_Riordan1987aw"):
        assert np.all(np.diff(load_dark_photon_limit(name).mass) > 0)


@pytest.fixture
def user_pair(tmp_path):
    src = load_dark_photon_limit("E141_Riordan1987aw")
    shutil.copy(src.curve.path, tmp_path / "E141_Riordan1987aw.lmt")
    shutil.copy(src.path, tmp_path / "E141_Riordan1987aw.toml")
    return tmp_path / "E141_Riordan1987aw.toml"


def test_user_pair_by_path(user_pair):
    by_toml = load_dark_photon_limit(user_pair)
    by_lmt = load_dark_photon_limit(str(user_pair.with_suffix(".lmt")))
    assert by_toml.name == by_lmt.name == "E141_Riordan1987aw"
    np.testing.assert_array_equal(by_toml.eps_upper, by_lmt.eps_upper)


def _broken(user_pair, old, new):
    text = user_pair.read_text()
    assert old in text
    user_pair.write_text(text.replace(old, new))
    with pytest.raises(DataFileError) as err:
        load_dark_photon_limit(user_pair)
    message = str(err.value)
    assert "\n" not in message and message.startswith(str(user_pair) + ":")
    return err.value, text.replace(old, new).splitlines()


@pytest.mark.parametrize(
    ("old", "new", "key", "words"),
    [
        ('arxiv = ""', 'arxiv = ""\nbeam = "SLAC"', "beam", "unknown key"),
        ('kind = "displaced"', 'kind = "delayed"', "kind", "prompt, prompt-window, displaced"),
        ("L_decay_over_L_shield = 291", "# L_decay_over_L_shield = 291", "[efficiency]", "missing"),
        (
            "L_decay_over_L_shield = 291.6666666666667",
            'L_decay_over_L_shield = "35/0.12"',
            "L_decay_over_L_shield",
            "positive number",
        ),
        ('decay = ["e_e"]', 'decay = ["gamma_gamma"]', "decay", "e_e, mu_mu"),
        ('decay = ["e_e"]', 'decay = "invisible"', "kind", "prompt"),
        ('format_version = "1"', 'format_version = "2"', "format_version", "format_version"),
        ('name = "E141_Riordan1987aw"', 'name = "E141"', "name", "differs"),
        ("no_bound_at_or_above = 1.0", "no_bound_at_or_above = -1", "no_bound", "positive"),
    ],
)
def test_malformed_sidecar_names_line_and_what_is_allowed(user_pair, old, new, key, words):
    err, lines = _broken(user_pair, old, new)
    assert key in lines[err.line - 1]
    assert words in str(err)


def test_prompt_window_needs_its_boost_keys(tmp_path):
    src = load_dark_photon_limit("KLOE_Anastasi2015qla")
    shutil.copy(src.curve.path, tmp_path / f"{src.name}.lmt")
    sidecar = tmp_path / f"{src.name}.toml"
    text = src.path.read_text()
    sidecar.write_text(text.replace('parent_mass = "1.019461 GeV"\n', ""))
    with pytest.raises(DataFileError, match="needs exactly the keys parent_mass, recoil_mass"):
        load_dark_photon_limit(sidecar)
    sidecar.write_text(text.replace('"0.08 m"', '"0.08 GeV"'))
    with pytest.raises(DataFileError, match="max_lab_decay_length"):
        load_dark_photon_limit(sidecar)


def test_wrong_columns_and_unknown_names(user_pair):
    lmt = user_pair.with_suffix(".lmt")
    lmt.write_text(lmt.read_text().replace("eps_upper [1]", "eps_top [1]"))
    with pytest.raises(DataFileError, match="not a dark-photon limit"):
        load_dark_photon_limit(user_pair)
    with pytest.raises(DataFileError, match="no shipped dark-photon limit named 'E999'"):
        load_dark_photon_limit("E999")
    with pytest.raises(DataFileError, match="cannot read"):
        load_dark_photon_limit(user_pair.parent / "missing.toml")
