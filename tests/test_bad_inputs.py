"""Bad input at every entry point: one line on stderr naming the input, exit status 2, no
traceback, and files that existed before are left byte-for-byte untouched."""

from __future__ import annotations

import hashlib
from pathlib import Path

import h5py
import numpy as np
import pytest

from threeportal.cli import main

GOOD_CARD = Path(__file__).resolve().parents[1] / "src/threeportal/scans/cards/fig3-left.toml"


def card_text(**replace: str) -> str:
    text = GOOD_CARD.read_text()
    for old, new in replace.items():
        old = old.replace("__", " ")
        assert old in text, old
        text = text.replace(old, new)
    return text


CARD_CASES = {
    "unknown-table": card_text() + "\n[colour]\nred = 1\n",
    "unknown-model-key": card_text(**{'nature__=__"dirac"': 'nature = "dirac"\nflavour = 3'}),
    "mass-without-unit": card_text(**{'m_zprime__=__"150 MeV"': "m_zprime = 150"}),
    "unknown-unit": card_text(**{'m_zprime__=__"150 MeV"': 'm_zprime = "150 furlong"'}),
    "wrong-dimension-unit": card_text(**{'m_zprime__=__"150 MeV"': 'm_zprime = "150 ps"'}),
    "min-above-max": card_text(**{'min__=__"150 MeV"': 'min = "400 MeV"'}),
    "n-below-2": card_text(**{'n__=__200\nscale__=__"linear"': 'n = 1\nscale = "linear"'}),
    "n-not-integer": card_text(**{'n__=__200\nscale__=__"linear"': 'n = "many"\nscale = "linear"'}),
    "bad-scale": card_text(**{'scale__=__"linear"': 'scale = "cubic"'}),
    "log-axis-zero": card_text(**{"min__=__1e-11": "min = 0.0"}),
    "axis-also-fixed": card_text(
        **{'m_zprime__=__"150 MeV"': 'm_zprime = "150 MeV"\nm_nuh = "300 MeV"'}
    ),
    "unknown-constraint": card_text(**{'"lifetimes"]': '"lifetimes", "lhc"]'}),
    "unknown-option": card_text() + "\n[constraints.na62_ee]\ncolour = 2\n",
    "negative-chi2": card_text(**{"chi2__=__1e-8": "chi2 = -1e-8"}),
    "nan-chi2": card_text(**{"chi2__=__1e-8": "chi2 = nan"}),
    "inf-mass": card_text(**{'m_zprime__=__"150 MeV"': 'm_zprime = "inf MeV"'}),
    "zero-zprime-mass": card_text(**{'m_zprime__=__"150 MeV"': 'm_zprime = "0 MeV"'}),
    "mixing-above-one": card_text(**{"U_Dh2__=__1.0": "U_Dh2 = 1.5"}),
    "both-couplings": card_text(
        **{'v_phi__=__"266.67 MeV"': 'v_phi = "266.67 MeV"\ng_prime = 1.0'}
    ),
    "bad-nature": card_text(**{'nature__=__"dirac"': 'nature = "weyl"'}),
    "toml-syntax": card_text() + "\n[broken\n",
    "missing-input-file": card_text(
        **{'na62_limit__=__"na62_2017_umu2"': 'na62_limit = "nowhere/x.lmt"'}
    ),
    "unknown-shipped-input": card_text(
        **{'na62_limit__=__"na62_2017_umu2"': 'na62_limit = "na99"'}
    ),
    "empty-card": "",
    "binary-card": "\x00\x01\x02garbage\xff",
}


def snapshot(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


def assert_clean_failure(capsys, argv: list[str], folder: Path) -> str:
    before = snapshot(folder)
    assert main(argv) == 2
    captured = capsys.readouterr()
    err = captured.err
    assert err.count("\n") == 1, err
    assert err.startswith("threeportal: error: ")
    assert "Traceback" not in err
    assert snapshot(folder) == before  # nothing that existed was changed
    return err


@pytest.mark.parametrize("case", sorted(CARD_CASES))
def test_bad_card(tmp_path, capsys, case):
    card = tmp_path / f"{case}.toml"
    card.write_bytes(CARD_CASES[case].encode("utf-8", "surrogateescape"))
    existing = tmp_path / "existing.h5"
    existing.write_bytes(b"an older result the user wants to keep")
    assert_clean_failure(capsys, ["scan", str(card), "-o", str(existing), "--quiet"], tmp_path)


SET_CASES = [
    ["--set", "model.chi2=-1"],
    ["--set", "axes.x.n=1"],
    ["--set", "nonsense"],
    ["--set", "model.colour=3"],
    ["--set", "axes.y.scale=cubic"],
    ["--set", "inputs.na62_limit=no_such_limit"],
]


@pytest.mark.parametrize("overrides", SET_CASES, ids=lambda o: o[1])
def test_bad_set_override(tmp_path, capsys, overrides):
    assert_clean_failure(
        capsys,
        ["scan", "fig3-left", "-o", str(tmp_path / "out.h5"), "--quiet", *overrides],
        tmp_path,
    )


def make_result_files(folder: Path) -> dict[str, Path]:
    files = {}
    files["text"] = folder / "text.h5"
    files["text"].write_text("not an hdf5 file\n")
    files["empty"] = folder / "empty.h5"
    files["empty"].write_bytes(b"")
    files["garbage"] = folder / "garbage.h5"
    files["garbage"].write_bytes(np.random.default_rng(1).bytes(4096))
    files["no-schema"] = folder / "no_schema.h5"
    with h5py.File(files["no-schema"], "w") as f:
        f["x"] = np.arange(3.0)
    files["old-schema"] = folder / "old_schema.h5"
    with h5py.File(files["old-schema"], "w") as f:
        f.attrs["schema"] = "threeportal.scan"
        f.attrs["schema_version"] = 0
    files["truncated"] = folder / "truncated.h5"
    with h5py.File(folder / "full.h5", "w") as f:
        f.attrs["schema"] = "threeportal.scan"
        f["data"] = np.arange(100_000.0)
    files["truncated"].write_bytes((folder / "full.h5").read_bytes()[:3000])
    (folder / "full.h5").unlink()
    files["missing"] = folder / "does_not_exist.h5"
    files["directory"] = folder / "a_directory.h5"
    files["directory"].mkdir()
    return files


RESULT_CASES = [
    "text",
    "empty",
    "garbage",
    "no-schema",
    "old-schema",
    "truncated",
    "missing",
    "directory",
]


RESULT_COMMANDS = {
    "info": lambda path, out: ["info", str(path)],
    "plot": lambda path, out: ["plot", str(path), "-o", str(out / "figure.png")],
    "export": lambda path, out: ["export", str(path), "--format", "csv", "-o", str(out)],
}


@pytest.mark.parametrize("command", sorted(RESULT_COMMANDS))
@pytest.mark.parametrize("case", RESULT_CASES)
def test_bad_result_file(tmp_path, capsys, case, command):
    files = make_result_files(tmp_path)
    argv = RESULT_COMMANDS[command](files[case], tmp_path / "out")
    err = assert_clean_failure(capsys, argv, tmp_path)
    assert files[case].name in err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


LIMIT_HEADER = """# name: user_limit
# experiment: TEST
# process: K+ -> mu+ N
# observable: upper limit on |U_muN|^2
# confidence_level: 90%
# reference: Nobody et al., arXiv:0000.00000, INSPIRE Nobody:2000xx
# source: typed by hand for a test
# date_added: 2026-11-27
# format_version: 1
# columns: m_N [MeV], U_mu2_limit [1]
"""

DATA_CASES = {
    "missing-column": LIMIT_HEADER + "200 1e-7\n210\n",
    "non-monotone-mass": LIMIT_HEADER + "200 1e-7\n190 1e-7\n",
    "unknown-unit": LIMIT_HEADER.replace("[MeV]", "[furlong]") + "200 1e-7\n210 1e-7\n",
    "negative-limit": LIMIT_HEADER + "200 1e-7\n210 -1e-7\n",
    "nan-limit": LIMIT_HEADER + "200 1e-7\n210 nan\n",
    "missing-citation": LIMIT_HEADER.replace(
        "# reference: Nobody et al., arXiv:0000.00000, INSPIRE Nobody:2000xx\n", ""
    )
    + "200 1e-7\n210 1e-7\n",
    "empty": "",
}


@pytest.mark.parametrize("case", sorted(DATA_CASES))
def test_bad_data_file(tmp_path, capsys, case):
    path = tmp_path / f"{case}.lmt"
    path.write_text(DATA_CASES[case])
    err = assert_clean_failure(capsys, ["data", "show", str(path)], tmp_path)
    assert path.name in err


@pytest.mark.parametrize(
    "overrides",
    [["axes.x.min=400 MeV", "axes.x.max=500 MeV"], ["axes.x.min=388.5 MeV", "axes.x.max=1 GeV"]],
    ids=["above-threshold", "from-threshold"],
)
def test_kaon_layers_refuse_a_plane_without_kaon_production(tmp_path, capsys, overrides):
    argv = ["scan", "fig3-left", "-o", str(tmp_path / "out.h5"), "--quiet"]
    for item in overrides:
        argv += ["--set", item]
    err = assert_clean_failure(capsys, argv, tmp_path)
    assert "axes.x.min" in err and "m_K - m_mu" in err


def test_heavy_nu_h_without_kaon_layers_is_fine(tmp_path):
    argv = [
        "scan",
        "fig3-left",
        "-o",
        str(tmp_path / "out.h5"),
        "--quiet",
        "--set",
        "axes.x.min=400 MeV",
        "--set",
        "axes.x.max=900 MeV",
        "--set",
        "axes.x.n=6",
        "--set",
        "axes.y.n=5",
        "--set",
        "constraints.evaluate=['upscattering', 'lifetimes']",
    ]
    assert main(argv) == 0
