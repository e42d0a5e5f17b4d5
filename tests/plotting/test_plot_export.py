"""CSV / JSON / HEPData export: round trips, pieces, the validator, errors and the CLI."""

from __future__ import annotations

import gc
import json
import warnings
from pathlib import Path

import numpy as np
import pytest
import yaml
from plot_synthetic import assert_same, ring, two_blobs

from threeportal.cli.plot import parse_layer_styles
from threeportal.plotting import (
    PlottingError,
    ensure_contours,
    export_contours,
    read_contours,
    read_csv,
    read_json,
)
from threeportal.plotting.export import select_contours
from threeportal.scans import ScanError, load


@pytest.fixture
def stored_left(tmp_path: Path, synthetic_left: Path) -> Path:
    path = tmp_path / "left.h5"
    path.write_bytes(synthetic_left.read_bytes())
    ensure_contours(path)
    return path


def _rows(path: Path) -> np.ndarray:
    """The data rows of a contour CSV (after the comment lines and the column header)."""
    lines = [line for line in path.read_text().splitlines() if not line.startswith("#")]
    return np.loadtxt(lines[1:], delimiter=",", ndmin=2)


def _exported(path: Path) -> list:
    return select_contours(load(path), read_contours(path))


@pytest.mark.parametrize(("fmt", "reader"), [("csv", read_csv), ("json", read_json)])
def test_csv_and_json_round_trip_to_the_stored_contours(
    stored_left: Path, tmp_path: Path, fmt: str, reader
) -> None:
    written = export_contours(stored_left, fmt, tmp_path / fmt)
    stored = _exported(stored_left)
    assert [p.name for p in written] == [f"{c.key}.{fmt}" for c in stored]
    assert_same([reader(p) for p in written], stored)


def test_domain_masks_are_not_exported(stored_left: Path) -> None:
    sources = {c.source for c in _exported(stored_left)}
    assert "peak_search_kek_domain" not in sources
    assert {"peak_search_kek_excluded", "lifetime_nuh_ps", "na48_2_excluded"} <= sources


def test_csv_has_units_header_and_piece_column(stored_left: Path, tmp_path: Path) -> None:
    (path,) = export_contours(stored_left, "csv", tmp_path, names=["na62_ee_expected_events"])
    lines = path.read_text().splitlines()
    assert "# units: piece=1, m_nuh=MeV, U_muh2=1" in lines
    header = next(line for line in lines if not line.startswith("#"))
    assert header == "piece,m_nuh,U_muh2"
    data = _rows(path)
    assert data.shape[1] == 3 and set(data[:, 0]) == {0.0}


def test_json_metadata(stored_left: Path, tmp_path: Path) -> None:
    (path,) = export_contours(stored_left, "json", tmp_path, names=["lifetime_zprime_ps"])[:1]
    data = json.loads(path.read_text())
    result = load(stored_left)
    assert data["card_sha256"] == result.attrs["card_sha256"]
    assert data["inputs_sha256"] == result.attrs["inputs_sha256"]
    assert data["units"] == "ps" and data["level"] == 1.0 and data["source"] == path.stem[:-7]
    assert data["x"] == {"name": "m_nuh", "units": "MeV", "scale": "linear"}
    assert data["y"] == {"name": "U_muh2", "units": "1", "scale": "log"}


def test_region_split_in_two_exports_two_pieces(mask_result, tmp_path: Path) -> None:
    path = mask_result(two_blobs())
    (csv_path,) = export_contours(path, "csv", tmp_path / "csv")
    data = _rows(csv_path)
    assert sorted(set(data[:, 0].astype(int))) == [0, 1]
    (json_path,) = export_contours(path, "json", tmp_path / "json")
    assert len(json.loads(json_path.read_text())["pieces"]) == 2
    hepdata = export_contours(path, "hepdata", tmp_path / "hep")
    table = yaml.safe_load(hepdata[1].read_text())
    pieces = next(v for v in table["dependent_variables"] if v["header"]["name"] == "piece")
    assert sorted({v["value"] for v in pieces["values"]}) == [0, 1]


def test_hole_survives_csv_and_json(mask_result, tmp_path: Path) -> None:
    path = mask_result(ring())
    for fmt, reader in (("csv", read_csv), ("json", read_json)):
        (out,) = export_contours(path, fmt, tmp_path / fmt)
        assert [(p.hole, p.parent) for p in reader(out).pieces] == [(False, -1), (True, 0)]


# hepdata-validator 0.3 leaves files open (ResourceWarning, unraisable at garbage collection)
leaky_validator = pytest.mark.filterwarnings(
    "ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning"
)


def _validate(directory: Path) -> None:
    with warnings.catch_warnings():  # hepdata-validator 0.3 uses a deprecated jsonschema API
        warnings.filterwarnings("ignore", "jsonschema", DeprecationWarning)
        from hepdata_validator.full_submission_validator import FullSubmissionValidator

        validator = FullSubmissionValidator()
        valid = validator.validate(directory=str(directory))
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()  # close the files it left open, here
    messages = {f: [m.message for m in ms] for f, ms in validator.get_messages().items()}
    assert valid, messages


@leaky_validator
def test_hepdata_submission_passes_the_validator(stored_left: Path, tmp_path: Path) -> None:
    out = tmp_path / "hepdata"
    written = export_contours(stored_left, "hepdata", out)
    assert written[0].name == "submission.yaml"
    _validate(out)
    docs = list(yaml.safe_load_all(written[0].read_text()))
    assert "card sha256" in docs[0]["comment"]
    # numbers are numbers (1e-10 must not come back as a string)
    table = yaml.safe_load((out / docs[1]["data_file"]).read_text())
    assert all(isinstance(v["value"], float) for v in table["independent_variables"][0]["values"])


@leaky_validator
def test_real_scan_exports_validate(small_scans: dict[str, Path], tmp_path: Path) -> None:
    for side, path in small_scans.items():
        copy = tmp_path / path.name
        copy.write_bytes(path.read_bytes())
        ensure_contours(copy)
        _validate(export_contours(copy, "hepdata", tmp_path / side)[0].parent)
        written = export_contours(copy, "csv", tmp_path / f"{side}-csv")
        assert_same([read_csv(p) for p in written], _exported(copy))


def test_export_errors_are_one_line(stored_left: Path, tmp_path: Path) -> None:
    with pytest.raises(PlottingError, match=r"^format 'xml' is not one of csv, json, hepdata$"):
        export_contours(stored_left, "xml", tmp_path)
    with pytest.raises(PlottingError, match="no contour of nope; available: "):
        export_contours(stored_left, "csv", tmp_path, names=["nope"])
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(PlottingError, match="exists and is not a directory"):
        export_contours(stored_left, "csv", blocker)
    bad = tmp_path / "bad.h5"
    bad.write_text("not a result")
    with pytest.raises(ScanError) as info:
        export_contours(bad, "csv", tmp_path)
    assert "\n" not in str(info.value)
    with pytest.raises(PlottingError, match="cannot read contour CSV"):
        read_csv(blocker)
    with pytest.raises(PlottingError, match="cannot read contour JSON"):
        read_json(blocker)


def test_export_command_stores_contours_then_exports(synthetic_right: Path, tmp_path, cli):
    path = tmp_path / "right.h5"
    path.write_bytes(synthetic_right.read_bytes())
    assert cli(["export", str(path), "--format", "json", "-q"]) == 0
    out = tmp_path / "right-json"
    stored = _exported(path)  # the command stored them in the result
    assert_same([read_json(out / f"{c.key}.json") for c in stored], stored)
    assert (
        cli(
            [
                "export",
                str(path),
                "--format",
                "csv",
                "-o",
                str(tmp_path / "c"),
                "--only",
                "e141_excluded",
                "-q",
            ]
        )
        == 0
    )
    assert [p.name for p in (tmp_path / "c").iterdir()] == ["e141_excluded.level0.csv"]


def test_layer_style_parsing() -> None:
    assert parse_layer_styles(
        ["na48_2.facecolor=red", "e141.label_xy=5,1e-6", "x.alpha=0.5", "y.label=a\\nb"]
    ) == {
        "na48_2": {"facecolor": "red"},
        "e141": {"label_xy": (5.0, 1e-6)},
        "x": {"alpha": 0.5},
        "y": {"label": "a\nb"},
    }
    with pytest.raises(PlottingError, match=r"is not NAME\.KEY=VALUE"):
        parse_layer_styles(["facecolor=red"])
