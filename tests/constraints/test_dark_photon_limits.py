"""The dark_photon_limits layer: closure through cards, invisible bounds, e141 alias, selection.

Independent checks: the published bands themselves (closure at |U_muh|^2 = 1e-12, where the Z'
is a dark photon), eps^2 BR(invisible) against the published eps_lim^2 with BR from the Z'
widths, and the exact eps^2 scaling of a prompt limit's yield (a user copy with doubled eps).
"""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from hepunits import MeV

from threeportal.cli import main
from threeportal.constants import C_W2
from threeportal.constraints import REGISTRY, ConstraintError, Inputs, evaluate_constraints
from threeportal.data import verify_shipped
from threeportal.data.dark_photon import load_dark_photon_limit, shipped_dark_photon_limits
from threeportal.model import ModelPoint
from threeportal.physics import branching_ratios, zprime_widths
from threeportal.physics.recast import prepare_limit
from threeportal.results import load
from threeportal.scans import CardError, load_card, run_scan

LAYER = "dark_photon_limits"
NAMES = shipped_dark_photon_limits()
LIMITS = {name: load_dark_photon_limit(name) for name in NAMES}
#: KLOE 2012 assumed an A' decaying to ee and mumu only: its recast moves off the published
#: line where hadrons open (documented in docs/recast.md); checked below masses where it does not.
VISIBLE = [n for n, lim in LIMITS.items() if not lim.invisible and lim.assumed_channels is None]


def _card_model(card_name, m_z, eps, **changes):
    """The fixed model of a built-in card, with m_Z' and eps given as arrays."""
    card = load_card(card_name)
    params = {**card.model, **changes, "m_zprime": m_z, "eps": eps}
    return card, ModelPoint.from_mapping(params)


def _layer(card, model, options=None):
    opts = {LAYER: options} if options else card.options
    return evaluate_constraints(model, [LAYER], opts, Inputs(card.inputs))[LAYER]


def test_card_scan_stores_every_limit_with_its_domain(tmp_path):
    card = load_card("dark-photon", ["axes.x.n=24", "axes.y.n=20"])
    path = load(_run(card, tmp_path))
    ratios = [n for n in path.fields if n.endswith("_signal_ratio")]
    assert sorted(ratios) == sorted(f"{n}_signal_ratio" for n in NAMES)
    for name in ratios:
        assert path.field_attrs[name]["domain"] == f"{name}_domain"
        assert list(np.atleast_1d(path.field_attrs[name]["levels"])) == [1.0]
        assert name + "_domain" in path.masks
    assert {"dark_photon_visible_excluded", "dark_photon_invisible_excluded"} <= set(path.masks)
    # What was stored is the layer on the same grid (tiles, transposition, domains).
    direct = _layer(card, card.model_point(card.x.values(), card.y.values()))
    e137 = "E137_Andreas2012mt_signal_ratio"
    # fields are stored as float32: the direct float64 value rounded once
    expected = direct[e137].values.T.astype(np.float32)
    np.testing.assert_array_equal(path.fields[e137], expected)
    visible = direct["dark_photon_visible_excluded"].values.T
    assert np.array_equal(path.masks["dark_photon_visible_excluded"], visible)
    assert 0.05 < visible.mean() < 0.95


def _run(card, tmp_path):
    return run_scan(card, tmp_path / "dp.h5", jobs=1)


@pytest.mark.parametrize("name", VISIBLE)
def test_closure_through_the_card_at_every_tabulated_mass(name):
    """Card dark-photon (|U_muh|^2 = 1e-12): excluded just inside the band, not 5% outside."""
    limit = LIMITS[name]
    ok = prepare_limit(limit).bounded
    m_z, lo, hi = limit.mass[ok], limit.eps_lower[ok], limit.eps_upper[ok]
    inside = np.where(hi / lo > 1.05**2, lo * 1.05, np.sqrt(lo * hi))
    cases = {"below": (lo / 1.05, False), "inside": (inside, True)}
    if limit.two_sided:
        cases["above"] = (hi * 1.05, False)
        cases["inside_top"] = (np.where(hi / lo > 1.05**2, hi / 1.05, inside), True)
    for case, (eps, excluded) in cases.items():
        keep = eps**2 / C_W2 < 0.99  # chi^2 < 1
        # nu_h above every tabulated mass: no Z' -> nu nu_h, nu_h nu_h anywhere.
        card, model = _card_model(
            "dark-photon", m_z[keep][:, None], eps[keep][:, None], m_nuh=1e5 * MeV
        )
        result = _layer(card, model, {"limits": [name]})
        field = result[f"{name}_signal_ratio"]
        assert field.domain.all()
        assert np.array_equal(field.values > 1, np.full(field.values.shape, excluded)), case
        either = result["dark_photon_visible_excluded"].values
        assert np.array_equal(either, field.values > 1)
        assert not result["dark_photon_invisible_excluded"].values.any()


@pytest.mark.parametrize("name", ["BaBar_Lees2017lec", "NA64_NA642019imj", "NA64_Banerjee2016tad"])
def test_invisible_excludes_where_eps2_br_invisible_exceeds_the_bound(name):
    limit = LIMITS[name]
    ok = prepare_limit(limit).bounded
    m_z = limit.mass[ok][::4][:, None]
    eps_lim = limit.eps_lower[ok][::4][:, None]
    eps = eps_lim * np.logspace(-0.3, 1.3, 33)[None, :]
    eps = np.where(eps**2 / C_W2 < 0.5, eps, 0.5 * eps_lim)
    card, model = _card_model("dark-photon-nu", m_z, eps, U_muh2=1e-2)
    result = _layer(card, model, {"limits": [name]})
    ratio = result[f"{name}_signal_ratio"].values
    br_inv = branching_ratios(zprime_widths(model))["nunu"]  # nu_h channels closed (1 GeV)
    assert br_inv.max() > 0.5 and br_inv.min() < 0.5
    expected = eps**2 * br_inv / eps_lim**2
    clear = np.abs(expected - 1) > 1e-6
    assert np.array_equal((ratio > 1)[clear], (expected > 1)[clear])
    assert (ratio > 1).any() and (ratio < 1).any()
    invisible = result["dark_photon_invisible_excluded"].values
    assert np.array_equal(invisible, ratio > 1)
    # At |U_muh|^2 = 1e-12 the same points are not excluded by the invisible search, except
    # below 2 m_e, where nu nu-bar is the only open channel whatever |U|^2 is.
    above = m_z[:, 0] > 1.1 * MeV
    _, pure = _card_model("dark-photon", m_z[above], eps[above])
    masks = _layer(card, pure, {"limits": [name]})
    assert not masks["dark_photon_invisible_excluded"].values.any()


@pytest.mark.parametrize("U_muh2", [1e-12, 1e-6, 1e-3])
def test_e141_alias_gives_the_recast_e141_entry(U_muh2):
    m_z = np.geomspace(0.8, 30, 60).reshape(-1, 1) * MeV
    eps = np.geomspace(1e-8, 1e-2, 50).reshape(1, -1)
    model = ModelPoint.from_mapping(
        {"m_nuh": 300 * MeV, "m_zprime": m_z, "eps": eps, "U_muh2": U_muh2, "g_prime": 0.375}
    )
    options = {LAYER: {"limits": ["E141_Riordan1987aw"]}}
    both = evaluate_constraints(model, ["e141", LAYER], options)
    entry = both[LAYER]["E141_Riordan1987aw_signal_ratio"]
    alias = both["e141"]
    np.testing.assert_allclose(alias["e141_signal_ratio"].values, entry.values, rtol=1e-9, atol=0)
    assert np.array_equal(alias["e141_excluded"].values, entry.values > 1)
    if U_muh2 == 1e-12:
        assert alias["e141_excluded"].values.any()


def test_e141_reads_a_user_band_from_inputs(tmp_path):
    source = load_dark_photon_limit("E141_Riordan1987aw").curve.path.parent.parent
    text = (source / "e141_1987_epsilon.lmt").read_text()
    head, rows = text.split("# columns:")
    header_line, *data = rows.splitlines()
    doubled = [
        " ".join([r.split()[0], *(f"{2 * float(v):.6e}" for v in r.split()[1:])]) for r in data
    ]
    user = tmp_path / "band.lmt"
    user.write_text(head + "# columns:" + header_line + "\n" + "\n".join(doubled) + "\n")
    model = ModelPoint(m_nuh=300 * MeV, m_zprime=5 * MeV, chi2=1e-12, U_muh2=1e-12, g_prime=0.4)
    eps = float(np.sqrt(C_W2 * 1e-12))  # 9e-7: below the shipped band, inside the doubled one
    shipped = evaluate_constraints(model, ["e141"])["e141"]
    mine = evaluate_constraints(model, ["e141"], inputs=Inputs({"e141_limit": str(user)}))["e141"]
    assert eps > 0 and not shipped["e141_excluded"].values.any()
    assert mine["e141_signal_ratio"].values.item() != shipped["e141_signal_ratio"].values.item()


def test_point_json_lists_every_limit_in_range_and_excluded_by(capsys):
    # Inside E137's band at 30 MeV (eps ~ 3e-7), at |U_muh|^2 = 1e-12.
    args = ["m_nuh=1 GeV", "m_zprime=30 MeV", "U_muh2=1e-12", "eps=3e-7", "g_prime=0.375"]
    assert main(["point", *args, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)["constraints"]
    assert {"e141", "peak_search", "upscattering"} <= set(out)
    block = out[LAYER]
    m = 30 * MeV
    in_range = {n for n, lim in LIMITS.items() if lim.mass[0] <= m <= lim.mass[-1]}
    fully_bounded = {n for n in in_range if LIMITS[n].bounded.all()}
    listed = set(block) - {"excluded_by"}
    assert fully_bounded <= listed <= in_range
    for name in listed:
        assert set(block[name]) == {"signal_ratio", "excluded"}
        assert block[name]["excluded"] == (block[name]["signal_ratio"] > 1)
    assert block["excluded_by"] == [n for n in sorted(listed) if block[n]["excluded"]]
    assert "E137_Andreas2012mt" in block["excluded_by"]


def _user_pair(folder, source, name, factor):
    """Copy a shipped limit as NAME with every eps multiplied by ``factor``."""
    limit = LIMITS[source]
    text = limit.curve.path.read_text().replace(source, name)
    head, rows = text.split("# columns:")
    header_line, *data = rows.splitlines()
    scaled = [
        " ".join([r.split()[0], *(f"{factor * float(v):.9e}" for v in r.split()[1:])]) for r in data
    ]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.lmt").write_text(
        head + "# columns:" + header_line + "\n" + "\n".join(scaled) + "\n"
    )
    sidecar = limit.path.read_text().replace(source, name)
    (folder / f"{name}.toml").write_text(sidecar)
    return folder / f"{name}.toml"


def test_card_selects_by_name_and_by_user_path(tmp_path):
    _user_pair(tmp_path / "mine", "BaBar_Lees2014xha", "MYBABAR", 2.0)
    text = load_card("dark-photon").text.replace(
        'limits = "all"', 'limits = ["BaBar_Lees2014xha", "mine/MYBABAR.toml"]'
    )
    (tmp_path / "c.toml").write_text(text)
    card = load_card(tmp_path / "c.toml")
    assert card.options[LAYER]["limits"] == [
        "BaBar_Lees2014xha",
        str(tmp_path / "mine" / "MYBABAR.toml"),
    ]
    limit = LIMITS["BaBar_Lees2014xha"]
    m_z = limit.mass[prepare_limit(limit).bounded][::10][:, None]
    model = card.model_point(m_z, np.array([1e-4]))
    result = evaluate_constraints(model, card.constraints, card.options, Inputs(card.inputs))[LAYER]
    assert set(result) == {
        "BaBar_Lees2014xha_signal_ratio",
        "MYBABAR_signal_ratio",
        "dark_photon_visible_excluded",
        "dark_photon_invisible_excluded",
    }
    # A prompt limit's yield goes as eps_lim^2: doubling eps_lim divides the ratio by 4.
    shipped = result["BaBar_Lees2014xha_signal_ratio"].values
    mine = result["MYBABAR_signal_ratio"].values
    np.testing.assert_allclose(mine * 4.0, shipped, rtol=1e-6, atol=0)


@pytest.mark.parametrize(
    ("value", "named"),
    [
        ('["NOPE"]', "'NOPE' is not a shipped dark-photon limit"),
        ("[]", "non-empty list"),
        ('["E137_Andreas2012mt", "E137_Andreas2012mt"]', "selected twice"),
        ('"some"', "non-empty list"),
        ('["limit.txt"]', "neither a shipped name nor a .toml/.lmt path"),
    ],
)
def test_bad_selection_is_one_line_card_error(value, named):
    with pytest.raises(CardError) as err:
        load_card("dark-photon", [f"constraints.{LAYER}.limits={value}"])
    message = str(err.value)
    assert named in message and f"constraints.{LAYER}.limits" in message
    assert "\n" not in message


def test_bad_nuh_invisible_and_unknown_option():
    with pytest.raises(CardError, match="nuh_invisible: expected true or false"):
        load_card("dark-photon", [f'constraints.{LAYER}.nuh_invisible="yes"'])
    with pytest.raises(CardError, match="names: unknown option"):
        load_card("dark-photon", [f'constraints.{LAYER}.names=["x"]'])


def test_malformed_user_pair_is_one_line_naming_file_and_line(tmp_path):
    path = _user_pair(tmp_path, "E137_Andreas2012mt", "BROKEN", 1.0)
    path.write_text(path.read_text().replace('kind = "displaced"', 'kind = "sideways"'))
    model = ModelPoint(m_nuh=1000 * MeV, m_zprime=30 * MeV, chi2=1e-12, U_muh2=1e-12, g_prime=0.4)
    with pytest.raises(ConstraintError) as err:
        evaluate_constraints(model, [LAYER], {LAYER: {"limits": [str(path)]}})
    message = str(err.value)
    line = next(i for i, t in enumerate(path.read_text().splitlines(), 1) if "sideways" in t)
    assert f"{path}:{line}:" in message and "kind is one of" in message and "\n" not in message


def test_layer_is_registered_and_nuh_invisible_adds_the_nuh_channels():
    assert LAYER in REGISTRY
    # m_nuh = 10 MeV: Z' -> nu nu_h and nu_h nu_h open; NA64 sees more with nu_h invisible.
    model = ModelPoint(m_nuh=10 * MeV, m_zprime=50 * MeV, chi2=1e-10, U_muh2=1e-4, g_prime=0.4)
    name = "NA64_NA642019imj"
    off = evaluate_constraints(model, [LAYER], {LAYER: {"limits": [name]}})[LAYER]
    on = evaluate_constraints(model, [LAYER], {LAYER: {"limits": [name], "nuh_invisible": True}})
    br = branching_ratios(zprime_widths(model))
    ratio = on[LAYER][f"{name}_signal_ratio"].values / off[f"{name}_signal_ratio"].values
    expected = (br["nunu"] + br["nu_nuh"] + br["nuh_nuh"]) / br["nunu"]
    np.testing.assert_allclose(ratio, expected, rtol=1e-12, atol=0)


def test_manifest_check_covers_the_dark_photon_files(tmp_path, monkeypatch):
    from threeportal.data import dark_photon

    folder = dark_photon._folder()
    copy = tmp_path / "dark_photon"
    shutil.copytree(folder, copy)
    monkeypatch.setattr(dark_photon, "_folder", lambda: copy)
    assert verify_shipped() == []
    with (copy / "E137_Andreas2012mt.lmt").open("a") as handle:
        handle.write("# tampered\n")
    problems = verify_shipped()
    assert any(p.startswith("dark_photon/E137_Andreas2012mt.lmt: sha256") for p in problems)
