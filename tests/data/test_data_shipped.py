"""The shipped inputs: they load, match the publications, and are intact."""

from __future__ import annotations

import numpy as np
import pytest
from hepunits import GeV, MeV, m

from threeportal.cli.data import format_listing, format_show
from threeportal.data import (
    MANIFEST_NAME,
    REQUIRED_LIMIT_KEYS,
    checksums,
    load_experiment,
    load_limit,
    shipped_inputs,
    verify_shipped,
)
from threeportal.data.dark_photon import shipped_dark_photon_limits

LIMITS = {
    # name: (rows, value columns)
    "kek_1984_umu2": (16, ["U_mu2_limit"]),
    "e949_2015_umu2": (75, ["U_mu2_limit"]),
    "na62_2017_umu2": (74, ["U_mu2_limit"]),
    "na62_2021_umu2": (269, ["U_mu2_limit"]),
    "e141_1987_epsilon": (100, ["epsilon_lower", "epsilon_upper"]),
}
EXPERIMENTS = ["e949", "kek", "na48_2", "na62", "na62_geometry"]


def test_shipped_inputs_are_listed():
    assert shipped_inputs() == sorted([*LIMITS, *EXPERIMENTS])


@pytest.mark.parametrize("name", sorted(LIMITS))
def test_shipped_limit_loads(name):
    curve = load_limit(name)
    rows, value_columns = LIMITS[name]
    assert curve.name == name
    assert curve.n_rows == rows
    assert list(curve.columns)[1:] == value_columns
    for key in REQUIRED_LIMIT_KEYS:
        assert curve.metadata[key]
    assert "arXiv:" in curve.metadata["reference"]
    assert "INSPIRE" in curve.metadata["reference"]
    assert "\n" not in curve.citation
    x = curve.columns[curve.x_column]
    assert np.all(np.diff(x) > 0)
    for column in curve.columns.values():
        assert np.all(np.isfinite(column)) and np.all(column > 0)


@pytest.mark.parametrize("name", sorted(LIMITS))
def test_interpolation_exact_at_points_and_monotone_between(name):
    curve = load_limit(name)
    xs = curve.columns[curve.x_column]
    for column in curve.columns:
        if column == curve.x_column:
            continue
        ys = curve.columns[column]
        np.testing.assert_array_equal(curve.interpolate(column, xs), ys)
        t = np.linspace(0.0, 1.0, 11)[1:-1]
        between = xs[:-1, None] + (xs[1:] - xs[:-1])[:, None] * t[None, :]
        values = curve.interpolate(column, between)
        lo = np.minimum(ys[:-1], ys[1:])[:, None]
        hi = np.maximum(ys[:-1], ys[1:])[:, None]
        assert np.all(values >= lo * (1 - 1e-12)) and np.all(values <= hi * (1 + 1e-12))
        steps = np.diff(np.concatenate([ys[:-1, None], values, ys[1:, None]], axis=1), axis=1)
        direction = np.sign(ys[1:] - ys[:-1])[:, None]
        assert np.all(steps * direction >= -1e-12 * hi)


def test_na62_2021_covers_the_published_range():
    curve = load_limit("na62_2021_umu2")
    assert curve.units["m_N"] == "MeV"
    assert curve.x_range == (200 * MeV, 384 * MeV)
    limits = curve.columns["U_mu2_limit"]
    # "upper limits of the order of 1e-8"
    assert 1e-9 < limits.min() and limits.max() < 1e-7


def test_e949_matches_the_publication():
    # arXiv:1411.3963: 90% CL limits of 1e-7 to 1e-9 for 175-300 MeV.
    curve = load_limit("e949_2015_umu2")
    low, high = curve.x_range
    assert 175 * MeV <= low < 180 * MeV
    assert 298 * MeV < high <= 300 * MeV
    limits = curve.columns["U_mu2_limit"]
    assert 1e-9 < limits.min() < 2e-9 and 5e-8 < limits.max() < 1e-7
    assert curve.metadata["confidence_level"] == "90%"


def test_na62_2017_matches_the_publication():
    # arXiv:1712.00297: limits at the 1e-7 to 1e-6 level for masses within 170-448 MeV; the
    # muon channel starts at 250 MeV.
    curve = load_limit("na62_2017_umu2")
    low, high = curve.x_range
    assert 250 * MeV <= low < 251 * MeV
    assert 370 * MeV < high <= 373 * MeV
    limits = curve.columns["U_mu2_limit"]
    assert 5e-8 < limits.min() and limits.max() < 1e-6
    # The repeated masses of the digitised curve were merged (see the file's notes).
    assert "merged" in curve.metadata["notes"]
    assert curve.interpolate("U_mu2_limit", 299.420051 * MeV) == pytest.approx(2.643848045e-7)


def test_kek_curve_range():
    curve = load_limit("kek_1984_umu2")
    low, high = curve.x_range
    assert low == pytest.approx(44.946794693334965 * MeV)
    assert high == pytest.approx(306.8262171415163 * MeV)
    assert "arXiv:1909.11198" in curve.citation


def test_e141_band_in_mev():
    curve = load_limit("e141_1987_epsilon")
    assert curve.units == {"m_Zprime": "GeV", "epsilon_lower": "1", "epsilon_upper": "1"}
    low, high = curve.x_range
    assert low == pytest.approx(1.03 * MeV) and high == pytest.approx(19.137 * MeV)
    lower, upper = curve.columns["epsilon_lower"], curve.columns["epsilon_upper"]
    assert np.all(lower < upper)
    assert "Riordan" in curve.citation and "Phys. Rev. Lett. 59, 755" in curve.citation
    assert "darkcast" not in curve.citation


def test_na62_parameters():
    na62 = load_experiment("na62")
    assert na62.experiment == "NA62"
    assert na62.get("ee.n_kaon_fid") == 2.14e11
    assert na62.get("ee.acceptance") == 0.04
    assert na62.get("mumu.n_kaon_fid") == 7.94e11
    assert na62.get("mumu.acceptance") == 0.10
    assert na62.get("mean_decay_length") == pytest.approx(37.5 * m)
    assert na62.get("beam_momentum") == pytest.approx(75 * GeV)
    assert na62.get("veto_length") == pytest.approx(150 * m)
    assert "approximate" in na62.notes["veto_length"]
    assert na62.get("eps_miss") == 0.005
    assert na62.get("kaon_at_rest") is False
    assert na62.limits == ("na62_2017_umu2", "na62_2021_umu2")


def test_na48_2_parameters():
    na48 = load_experiment("na48_2")
    assert na48.get("br_mu_nu_ee") == 7.81e-8
    assert na48.get("br_mu_nu_ee_stat") == 0.21e-8
    assert na48.get("m_ee_threshold") == pytest.approx(140 * MeV)
    assert na48.get("beam_momentum") == pytest.approx(60 * GeV)
    assert na48.get("vertex_length") == pytest.approx(1 * m)
    assert "approximate" in na48.notes["vertex_length"]
    assert na48.get("allowed_fraction") == 0.2
    assert "873, 012020" in na48.citation
    assert na48.limits == ()


@pytest.mark.parametrize("name", ["kek", "e949"])
def test_stopped_kaon_parameters(name):
    exp = load_experiment(name)
    assert exp.get("kaon_at_rest") is True
    assert exp.get("veto_radius") == pytest.approx(1.5 * m)
    assert "approximate" in exp.notes["veto_radius"]
    assert exp.get("eps_miss") == 0.005
    assert [curve.name for curve in exp.load_limits()] == list(exp.limits)


@pytest.mark.parametrize("name", EXPERIMENTS)
def test_experiment_provenance(name):
    exp = load_experiment(name)
    assert exp.name == name
    for key in ("reference", "source", "date_added"):
        assert exp.provenance[key]
    # Fig. 3 inputs cite the paper; the detector geometry cites the NA62 detector paper
    assert ("1703.08501" if name == "na62_geometry" else "1903.07589") in exp.citation
    for limit in exp.limits:
        assert limit in LIMITS


def test_listing_has_one_line_per_input():
    lines = format_listing().splitlines()
    names = shipped_inputs() + shipped_dark_photon_limits()  # dark-photon limits listed last
    assert len(lines) == len(names)
    for line, name in zip(lines, names, strict=True):
        assert line.startswith(name + " ")
        assert "ERROR" not in line
    assert len(shipped_dark_photon_limits()) == 33
    e137 = next(line for line in lines if line.startswith("E137_Andreas2012mt "))
    assert "dark-photon limit" in e137 and "E137" in e137 and "Andreas:2012mt" in e137
    assert any("limit" in line and "arXiv:1411.3963" in line for line in lines)


def test_show_limit_and_experiment():
    text = format_show("e141_1987_epsilon")
    assert "m_Zprime [GeV]" in text and "epsilon_upper [1]" in text
    assert "confidence_level" in text and "Riordan:1987aw" in text
    text = format_show("na62")
    assert '"37.5 m"' in text and "approximate" in text and "na62_2017_umu2" in text


def test_shipped_files_are_intact():
    assert verify_shipped() == []
    sums = checksums()
    assert sorted(sums) == sorted(
        [f"{name}.lmt" for name in LIMITS]
        + [f"{name}.toml" for name in EXPERIMENTS]
        + ["hadronic_ratio.dat"]
    )
    assert MANIFEST_NAME not in sums
    assert load_limit("na62_2017_umu2").sha256 == sums["na62_2017_umu2.lmt"]
    assert load_experiment("na62").sha256 == sums["na62.toml"]


def test_verify_shipped_reports_tampering(tmp_path, monkeypatch):
    import shutil

    from threeportal.data import registry

    package = registry._package_dir()
    for name in [*checksums(), MANIFEST_NAME]:
        shutil.copyfile(str(package.joinpath(name)), tmp_path / name)
    monkeypatch.setattr(registry, "_package_dir", lambda: tmp_path)
    assert verify_shipped() == []

    with (tmp_path / "e949_2015_umu2.lmt").open("a") as handle:
        handle.write("100.0 1e-8\n")  # also breaks the increasing masses
    (tmp_path / "kek.toml").unlink()
    (tmp_path / "extra.lmt").write_bytes((tmp_path / "na62_2021_umu2.lmt").read_bytes())
    problems = verify_shipped()
    text = "\n".join(problems)
    assert "e949_2015_umu2.lmt: sha256" in text
    assert "is not greater than" in text  # the load failure, with file and line
    assert "kek.toml: listed in MANIFEST.sha256 but not shipped" in text
    assert "extra.lmt: shipped but not listed" in text
    assert "header name 'na62_2021_umu2' differs from the file name" in text
