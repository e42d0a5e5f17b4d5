"""The kinematics subcommand, run through register() on a parser of the test's own."""

import argparse

import h5py
import pytest

from threeportal.cli.kinematics import register
from threeportal.errors import ThreeportalError


def _run(argv):
    parser = argparse.ArgumentParser(prog="threeportal")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["kinematics", *argv])
    return args.handler(args)


BASE = ["m_nuh=300 MeV", "m_zprime=150 MeV", "channel=ee", "n=2000", "seed=1"]


def test_prints_ranges_and_writes_events_and_figure(tmp_path, capsys):
    out, fig = tmp_path / "events.h5", tmp_path / "fig4.png"
    assert _run([*BASE, "-o", str(out), "--plot", str(fig)]) == 0
    text = capsys.readouterr().out
    assert "Eqs. A3, A4" in text and "m_mu_nu^2 (A3)" in text and "m_mu_pair^2 (A4)" in text
    assert "16740.7" in text and "170640" in text  # the A3 minimum and A4 maximum, MeV^2
    assert "isotropic" in text and "tau_nuh = 4.647 ps" in text
    with h5py.File(out, "r") as handle:
        assert handle.attrs["seed"] == 1 and handle.attrs["n_events"] == 2000
        assert "Eqs. 22-24" in handle.attrs["lifetime_source"]
    assert fig.read_bytes()[:4] == b"\x89PNG"


def test_couplings_override_the_defaults(capsys):
    """Only chi changed: the Z' lifetime scales as 1/chi^2 (Eq. 24), the nu_h one barely."""
    assert _run([*BASE, "chi=1e-4"]) == 0
    default = capsys.readouterr().out
    assert _run([*BASE, "chi=1e-5"]) == 0
    changed = capsys.readouterr().out

    def taus(text):
        line = next(x for x in text.splitlines() if "tau_nuh =" in x)
        return [float(part.split("=")[1].split()[0]) for part in line.split(",")]

    (h0, z0), (h1, z1) = taus(default), taus(changed)
    assert z1 / z0 == pytest.approx(100.0, rel=1e-3, abs=0)
    assert h1 / h0 == pytest.approx(1.0, rel=1e-3, abs=0)
    assert "given: chi" in changed


def test_given_lifetimes_and_acceptance(capsys):
    assert _run([*BASE, "tau_nuh=10 ps", "tau_zprime=10 ps", "--acceptance"]) == 0
    text = capsys.readouterr().out
    assert "lifetimes from given" in text and "acceptance ESTIMATE" in text
    assert "tau_nuh = 10 ps" in text


def test_asymmetry_is_stated_in_output_and_file(tmp_path, capsys):
    out = tmp_path / "a.h5"
    assert _run([*BASE, "asymmetry=0.5", "-o", str(out)]) == 0
    assert "nu_h -> nu Z' as 1 + 0.5 cos(theta_nu)" in capsys.readouterr().out
    with h5py.File(out, "r") as handle:
        assert handle.attrs["asymmetry"] == 0.5 and "a = 0.5" in handle.attrs["decays"]


def test_both_channels_side_by_side_when_open(tmp_path, monkeypatch):
    import threeportal.plotting.fig4 as fig4

    seen = []
    original = fig4.fig4_figure
    monkeypatch.setattr(fig4, "fig4_figure", lambda s: seen.append(s) or original(s))
    args = ["m_nuh=300 MeV", "m_zprime=250 MeV", "channel=mumu", "n=500"]
    assert _run([*args, "--plot", str(tmp_path / "f.png")]) == 0
    assert [s.inputs["channel"] for s in seen[0]] == ["ee", "mumu"]


@pytest.mark.parametrize(
    "argv, key",
    [
        (["m_nuh=300 MeV", "channel=ee"], "m_zprime"),
        ([*BASE, "n=ten"], "n:"),
        ([*BASE, "colour=red"], "colour"),
        ([*BASE, "m_nuh=300"], "m_nuh"),
        ([*BASE[1:], "m_nuh=500 MeV"], "m_nuh"),
        ([*BASE, "tau_nuh=10 ps"], "tau_nuh"),
        ([*BASE, "tau_nuh=10 ps", "tau_zprime=1 MeV"], "tau_zprime"),
        ([*BASE, "chi=1e-4", "chi2=1e-8"], "chi"),
        ([*BASE, "U_muh2=2"], "U_muh2"),
        ([*BASE, "--with", "x.h5"], "--with"),
    ],
)
def test_bad_arguments_one_line(argv, key, capsys):
    with pytest.raises(ThreeportalError) as info:
        _run(argv)
    assert key in str(info.value) and "\n" not in str(info.value)


def test_unwritable_outputs(tmp_path):
    with pytest.raises(ThreeportalError, match="cannot write"):
        _run([*BASE, "-o", str(tmp_path / "no" / "e.h5")])
    with pytest.raises(ThreeportalError, match="directory"):
        _run([*BASE, "--plot", str(tmp_path)])
