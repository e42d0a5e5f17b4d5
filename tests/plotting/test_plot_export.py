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
    extract_contours,
    read_contours,
    read_csv,
    read_json,
)
from threeportal.plotting.export import select_contours
from threeportal.plotting.export_meta import COMBINED, export_name
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
    return np.loadtxt(lines[1:], delimiter=",", ndmin=2, usecols=(0, 1, 2))


def _exported(path: Path) -> list:
    """The non-empty contours export writes a file for, by default."""
    return [c for c in select_contours(load(path), read_contours(path)) if c.pieces]


@pytest.mark.parametrize(("fmt", "reader"), [("csv", read_csv), ("json", read_json)])
def test_csv_and_json_round_trip_to_the_stored_contours(
    stored_left: Path, tmp_path: Path, fmt: str, reader
) -> None:
    *written, index = export_contours(stored_left, fmt, tmp_path / fmt)
    stored = _exported(stored_left)
    assert [p.name for p in written] == [f"{export_name(c)}.{fmt}" for c in stored]
    assert_same([reader(p) for p in written], stored)
    assert index.name == "index.json"


def test_domain_masks_are_not_exported(stored_left: Path) -> None:
    sources = {c.source for c in _exported(stored_left)}
    assert "peak_search_kek_domain" not in sources
    assert {"peak_search_kek_excluded", "lifetime_nuh_ps", "na48_2_excluded"} <= sources


def test_csv_has_units_header_and_piece_column(stored_left: Path, tmp_path: Path) -> None:
    path, _ = export_contours(stored_left, "csv", tmp_path, names=["na62_ee_expected_events"])
    assert path.name == "na62_ee_ses_1event.csv"
    lines = path.read_text().splitlines()
    assert "# units: piece=1, m_nuh=MeV, U_muh2=1" in lines
    header = next(line for line in lines if not line.startswith("#"))
    assert header == "piece,m_nuh,U_muh2,edge"
    data = _rows(path)
    assert data.shape[1] == 3 and set(data[:, 0]) == {0.0}


def test_json_metadata(stored_left: Path, tmp_path: Path) -> None:
    (path,) = export_contours(stored_left, "json", tmp_path, names=["lifetime_zprime_ps"])[:1]
    data = json.loads(path.read_text())
    result = load(stored_left)
    assert data["card_sha256"] == result.attrs["card_sha256"]
    assert data["inputs_sha256"] == result.attrs["inputs_sha256"]
    assert data["units"] == "ps" and data["level"] == 1.0 and data["source"] == "lifetime_zprime_ps"
    assert path.stem == data["name"] == "lifetime_zprime_1ps"
    assert data["x"] == {"name": "m_nuh", "units": "MeV", "scale": "linear"}
    assert data["y"] == {"name": "U_muh2", "units": "1", "scale": "log"}


def test_region_split_in_two_exports_two_pieces(mask_result, tmp_path: Path) -> None:
    path = mask_result(two_blobs())
    only = ["na48_2_excluded"]
    csv_path, _ = export_contours(path, "csv", tmp_path / "csv", names=only)
    data = _rows(csv_path)
    assert sorted(set(data[:, 0].astype(int))) == [0, 1]
    json_path, _ = export_contours(path, "json", tmp_path / "json", names=only)
    assert len(json.loads(json_path.read_text())["pieces"]) == 2
    hepdata = export_contours(path, "hepdata", tmp_path / "hep", names=only)
    table = yaml.safe_load(hepdata[1].read_text())
    pieces = next(v for v in table["dependent_variables"] if v["header"]["name"] == "piece")
    assert sorted({v["value"] for v in pieces["values"]}) == [0, 1]


def test_hole_survives_csv_and_json(mask_result, tmp_path: Path) -> None:
    path = mask_result(ring())
    for fmt, reader in (("csv", read_csv), ("json", read_json)):
        out, _ = export_contours(path, fmt, tmp_path / fmt, names=["na48_2_excluded"])
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
    assert "card sha256" in docs[0]["comment"] and "arXiv:1903.07589" in docs[0]["comment"]
    assert all("arXiv:1903.07589" in doc["description"] for doc in docs[1:])
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
        *written, _ = export_contours(copy, "csv", tmp_path / f"{side}-csv")
        assert_same([read_csv(p) for p in written], _exported(copy))


def test_export_errors_are_one_line(stored_left: Path, tmp_path: Path) -> None:
    with pytest.raises(
        PlottingError, match=r"^format 'xml' is not one of csv, json, hepdata, twocol$"
    ):
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


def test_export_command_never_writes_into_its_input(synthetic_right: Path, tmp_path, cli):
    path = tmp_path / "right.h5"
    path.write_bytes(synthetic_right.read_bytes())
    before = path.read_bytes()
    assert cli(["export", str(path), "--format", "json", "-q"]) == 0
    assert path.read_bytes() == before  # contours extracted in memory, nothing stored
    out = tmp_path / "right-json"
    expected = [c for c in select_contours(load(path), extract_contours(path)) if c.pieces]
    assert_same([read_json(out / f"{export_name(c)}.json") for c in expected], expected)
    argv = ["export", str(path), "--format", "csv", "-o", str(tmp_path / "c")]
    assert cli([*argv, "--only", "e141_excluded", "-q"]) == 0
    assert sorted(p.name for p in (tmp_path / "c").iterdir()) == ["e141_excluded.csv", "index.json"]
    assert path.read_bytes() == before


def test_default_export_is_the_bounds_and_all_adds_diagnostics(stored_left: Path, tmp_path):
    default = {p.stem for p in export_contours(stored_left, "csv", tmp_path / "d")}
    everything = {
        p.stem for p in export_contours(stored_left, "csv", tmp_path / "a", include_all=True)
    }
    assert default < everything
    assert not any("_ratio" in n or "_original_" in n or "_domain" in n for n in default)
    assert any("_ratio" in n for n in everything)
    assert {"excluded_by_any_bound", "na62_ee_ses_1event", "lifetime_nuh_10ps"} <= default


def test_combined_exclusion_is_the_union_of_the_bounds(stored_left: Path) -> None:
    """Every grid point inside a bound's region is inside the combined region, and back."""
    from matplotlib.path import Path as MplPath

    res = load(stored_left)
    combined = next(
        c for c in select_contours(res, read_contours(stored_left)) if c.source == COMBINED
    )
    bounds = [n for n in res.masks if n.endswith("_excluded") and "_original_" not in n]
    union = np.logical_or.reduce([res.masks[n] for n in bounds])
    xx, yy = np.meshgrid(res.x, np.log10(res.y))
    points = np.column_stack([xx.ravel(), yy.ravel()])
    inside = np.zeros(points.shape[0], dtype=bool)
    for piece in combined.pieces:
        xy = np.column_stack([piece.xy[:, 0], np.log10(piece.xy[:, 1])])
        inside ^= MplPath(xy).contains_points(points)  # holes flip back to outside
    assert (inside == union.ravel()).mean() > 0.97  # boundary nodes may fall either way


def test_every_file_carries_benchmark_provenance_and_references(stored_left: Path, tmp_path):
    res = load(stored_left)
    for fmt in ("csv", "twocol"):
        *files, index = export_contours(stored_left, fmt, tmp_path / fmt)
        for path in files:
            text = path.read_text()
            assert "m_zprime = 150 MeV" in text, path
            assert res.attrs["card_sha256"] in text and res.attrs["inputs_sha256"] in text
            assert "arXiv:1903.07589" in text
        listed = json.loads(index.read_text())
        assert listed["benchmark"]["m_zprime"] == "150 MeV"
        assert sorted(listed["files"]) == sorted(p.name for p in files)


def test_empty_contours_get_no_file_but_an_index_entry(stored_left: Path, tmp_path) -> None:
    *files, index = export_contours(stored_left, "json", tmp_path, include_all=True)
    empty = json.loads(index.read_text())["empty_contours"]
    assert empty  # the synthetic E949 bound never crosses the plane
    assert not set(empty) & {p.stem for p in files}
    assert all(json.loads(p.read_text())["pieces"] for p in files)


def test_twocol_units_and_frame_flags(stored_left: Path, tmp_path) -> None:
    gev = export_contours(stored_left, "twocol", tmp_path / "g", names=["na48_2_excluded"])
    mev = export_contours(
        stored_left, "twocol", tmp_path / "m", names=["na48_2_excluded"], units="MeV"
    )
    a, b = np.loadtxt(gev[0]), np.loadtxt(mev[0])
    assert a.shape[1] == 2
    np.testing.assert_allclose(a[:, 0] * 1000, b[:, 0], rtol=1e-9, atol=0)
    np.testing.assert_array_equal(a[:, 1], b[:, 1])
    assert "# m_nuh [GeV]  U_muh2 [1]" in gev[0].read_text()
    with pytest.raises(PlottingError, match="units 'TeV'"):
        export_contours(stored_left, "twocol", tmp_path, units="TeV")


def test_edge_column_marks_the_frame_and_lines_stay_open(stored_left: Path, tmp_path) -> None:
    res = load(stored_left)
    path, _ = export_contours(stored_left, "csv", tmp_path, names=["na62_ee_expected_events"])
    rows = [r.split(",") for r in path.read_text().splitlines() if r and r[0].isdigit()]
    x = np.array([float(r[1]) for r in rows])
    y = np.array([float(r[2]) for r in rows])
    on_frame = (
        np.isclose(x, res.x[0], rtol=1e-12, atol=0) | np.isclose(x, res.x[-1], rtol=1e-12, atol=0)
        | np.isclose(y, res.y[0], rtol=1e-12, atol=0) | np.isclose(y, res.y[-1], rtol=1e-12, atol=0)
    )  # fmt: skip
    assert [r[3] == "frame" for r in rows] == list(on_frame)
    assert on_frame.any()
    assert not read_csv(path).pieces[0].closed  # an open line is not closed along the frame


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
