"""What a new user meets on the command line (issue 14 items 1-4)."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from threeportal.cli import main
from threeportal.cli.main import _build_parser
from threeportal.cli.terminal import error_message
from threeportal.errors import ResultInTheWayError
from threeportal.model import PARAMETERS
from threeportal.results import load, refined_levels

SMALL = ["--set", "axes.x.n=16", "--set", "axes.y.n=16", "--jobs", "1"]
POINT = ["m_nuh=300 MeV", "m_zprime=150 MeV", "U_muh2=1e-6", "chi2=1e-8", "g_prime=1"]


def _commands() -> dict[str, argparse.ArgumentParser]:
    parser = _build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


@pytest.mark.parametrize("name", sorted(_commands()))
def test_every_command_has_quiet_verbose_a_description_and_an_example(name: str) -> None:
    command = _commands()[name]
    options = {s for a in command._actions for s in a.option_strings}
    assert {"-q", "--quiet", "-v", "--verbose"} <= options
    assert command.description and len(command.description) > 30
    assert "example:\n  threeportal " + name in command.format_help()


def test_point_help_lists_every_key_with_its_unit() -> None:
    text = _commands()["point"].format_help()
    for name, parameter in PARAMETERS.items():
        line = next(line for line in text.splitlines() if line.strip().startswith(name + " "))
        assert ("mass, with a unit" if parameter.dimension == "mass" else "[1]") in line
    assert "E_nu" in text and "nature" in text


def test_point_prints_constraints_as_aligned_rows(capsys) -> None:
    assert main(["point", *POINT]) == 0
    out = capsys.readouterr().out
    rows = out.split("\nconstraints\n")[1].splitlines()
    assert "{" not in out.split("\nconstraints\n")[1]
    assert len({len(r) for r in rows}) == 1  # right-aligned values: equal widths
    assert any(r.split()[:2] == ["na48_2", "excluded"] for r in rows)


def test_one_error_prefix_for_parse_errors(capsys) -> None:
    for argv in (["scan", "fig3-left", "--bogus"], ["bogus"], ["scan"]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.count("threeportal") == 1 and err.startswith("threeportal: error: "), err
        assert err.count("\n") == 1


def test_data_show_unknown_name_says_what_is_allowed(capsys) -> None:
    assert main(["data", "show", "nope"]) == 2
    err = capsys.readouterr().err
    assert ":0:" not in err and "allowed: a shipped input (" in err and "na62" in err


def test_closed_pipe_ends_quietly() -> None:
    command = f'"{sys.executable}" -m threeportal.cli point {" ".join(map(repr, POINT))} | head -1'
    done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=300)
    assert done.stdout == "inputs\n"
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr, done.stderr


def test_force_hints_name_only_options_the_command_has() -> None:
    err = ResultInTheWayError(Path("results/fig3-left.h5"), "holds a different scan")
    for name, command in _commands().items():
        args = argparse.Namespace(**{a.dest: a.default for a in command._actions}, command=name)
        text = error_message(err, args)
        options = {s for a in command._actions for s in a.option_strings}
        for flag in ("--force", "-o", "--results"):
            if f" {flag} " in f" {text} ":
                assert flag in options, (name, text)


def test_kinematic_thresholds_are_warned_once_each_with_the_valid_range(tmp_path, capsys) -> None:
    """Beyond two thresholds: two warnings on stderr, each once, kept by -q (warnings and
    errors only); the scan runs and exits 0."""
    out = tmp_path / "wide.h5"
    wide = ["--set", "axes.x.min=100 MeV", "--set", "axes.x.max=450 MeV"]
    assert main(["scan", "fig3-left", "-o", str(out), *wide, *SMALL, "-q"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and out.is_file()
    lines = captured.err.splitlines()
    assert len(lines) == 2, lines
    kaon = "threeportal: fig3-left: axes.x.max: m_nuh up to 450 MeV is above m_K - m_mu = 388.0"
    cascade = "threeportal: fig3-left: axes.x.min: m_nuh down to 100 MeV is below m_zprime = 150"
    assert sum(line.startswith(kaon) for line in lines) == 1, lines
    assert sum(line.startswith(cascade) for line in lines) == 1, lines
    assert "valid only for m_nuh < 388.0 MeV" in captured.err
    assert "valid only for m_nuh > 150 MeV" in captured.err


def test_refine_on_an_existing_result_refines_it_in_place(tmp_path, capsys) -> None:
    out = tmp_path / "left.h5"
    assert main(["scan", "fig3-left", "-o", str(out), *SMALL, "-q"]) == 0
    fields = load(out).fields
    assert main(["scan", "fig3-left", "-o", str(out), *SMALL, "--refine", "2"]) == 0
    assert "refined the contours" in capsys.readouterr().out
    sha = load(out).attrs["card_sha256"]
    assert refined_levels(out, sha) == 2
    for name, values in load(out).fields.items():  # the scan itself is untouched
        np.testing.assert_array_equal(values, fields[name])
    assert main(["scan", "fig3-left", "-o", str(out), *SMALL, "--refine", "1"]) == 0
    assert "refined the contours" not in capsys.readouterr().out  # the finer one is reused
    assert refined_levels(out, sha) == 2
    assert main(["scan", "fig3-left", "-o", str(out), *SMALL]) == 0  # no refine: no conflict
    assert main(["info", str(out)]) == 0
    assert "refinement     2 doubling(s)" in capsys.readouterr().out


def test_info_lists_stored_contours_and_xarray_sees_only_axes(tmp_path, capsys) -> None:
    from threeportal.plotting import ensure_contours

    out = tmp_path / "left.h5"
    assert main(["scan", "fig3-left", "-o", str(out), *SMALL, "-q"]) == 0
    assert main(["info", str(out)]) == 0
    assert "contours       none stored" in capsys.readouterr().out
    stored = ensure_contours(out)
    assert main(["info", str(out)]) == 0
    text = capsys.readouterr().out
    assert f"contours ({len(stored)} stored" in text and "na62_ee_expected_events" in text

    xr = pytest.importorskip("xarray")
    pytest.importorskip("h5netcdf")
    with xr.open_dataset(out, engine="h5netcdf") as ds:
        assert set(ds.coords) == {"m_nuh", "U_muh2"}
        assert ds["tiles_done"].dims == ("tile",)
    assert set(load(out).to_xarray().coords) == {"m_nuh", "U_muh2"}
