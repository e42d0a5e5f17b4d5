"""Contour extraction (pieces, holes, domains, log axes) and the /contours layout in HDF5."""

from __future__ import annotations

from pathlib import Path

import h5py
import numpy as np
import pytest
from plot_synthetic import assert_same, ring, two_blobs, write_result

from threeportal.plotting import (
    PlottingError,
    ensure_contours,
    extract_contours,
    extract_lines,
    extract_region,
    read_contours,
    store_contours,
)
from threeportal.plotting.contours import CONTOURS_SCHEMA
from threeportal.scans import ScanError, load


def test_region_that_splits_in_two_gives_two_pieces(mask_result) -> None:
    contours = extract_contours(mask_result(two_blobs()))
    (region,) = [c for c in contours if c.source == "na48_2_excluded"]
    assert region.kind == "region"
    assert len(region.pieces) == 2
    assert all(p.closed and not p.hole and p.parent == -1 for p in region.pieces)
    # each piece surrounds its blob: x of blob 1 is 100 + 7.5 * [5, 14], blob 2 [22, 37]
    spans = sorted((p.xy[:, 0].min(), p.xy[:, 0].max()) for p in region.pieces)
    assert spans[0][0] == pytest.approx(100 + 7.5 * 4.5)
    assert spans[1][1] == pytest.approx(100 + 7.5 * 37.5)


def test_hole_is_kept_with_its_parent(mask_result) -> None:
    (region,) = extract_contours(mask_result(ring()), names=["na48_2_excluded"])
    assert [(p.hole, p.parent) for p in region.pieces] == [(False, -1), (True, 0)]
    outer, hole = region.pieces
    # the hole lies inside the outer boundary, and boundaries are closed loops
    assert outer.xy[:, 0].min() < hole.xy[:, 0].min() < hole.xy[:, 0].max() < outer.xy[:, 0].max()
    for piece in region.pieces:
        np.testing.assert_array_equal(piece.xy[0], piece.xy[-1])


def test_lines_interpolate_in_log_on_log_axes() -> None:
    """z = 1e3 y on a log y axis: the line z = 1 is y = 1e-3 exactly (power law)."""
    x = np.linspace(0.0, 1.0, 5)
    y = np.geomspace(1e-10, 1e-2, 9)
    z = 1e3 * y[:, None] * np.ones_like(x)[None, :]
    (piece,) = extract_lines(x, y, z, 1.0, y_scale="log")
    assert not piece.closed
    np.testing.assert_allclose(piece.xy[:, 1], 1e-3, rtol=1e-12)
    np.testing.assert_allclose(np.sort(piece.xy[:, 0]), x)


def test_lines_stay_inside_the_domain() -> None:
    """Outside the domain the field may be anything; no line may go there."""
    x = np.linspace(0.0, 10.0, 41)
    y = np.linspace(0.0, 10.0, 41)
    z = np.broadcast_to(y[:, None] - 5.0, (41, 41)).copy()
    domain = np.broadcast_to(x[None, :] >= 6.0, (41, 41))
    z[~domain] = np.nan  # absent: as a layer stores it outside its domain
    pieces = extract_lines(x, y, z, 0.0, domain=domain)
    assert len(pieces) == 1
    assert pieces[0].xy[:, 0].min() >= 6.0
    assert extract_lines(x, y, z, 0.0, domain=np.zeros((41, 41), bool)) == []


def test_empty_region_and_missing_level_give_no_piece() -> None:
    x, y = np.arange(4.0), np.arange(3.0)
    assert extract_region(x, y, np.zeros((3, 4), bool)) == []
    assert extract_lines(x, y, np.ones((3, 4)), 5.0) == []


def test_bad_axes_are_one_line_errors() -> None:
    with pytest.raises(PlottingError, match="log axis must be > 0"):
        extract_lines([0.0, 1.0], [1.0, 2.0], np.ones((2, 2)), 1.0, x_scale="log")
    with pytest.raises(PlottingError, match="does not match the axes"):
        extract_region([0.0, 1.0], [1.0, 2.0], np.ones((3, 2)))


def test_unknown_name_is_an_error(synthetic_left: Path) -> None:
    with pytest.raises(PlottingError, match="no field or mask named nope"):
        extract_contours(synthetic_left, names=["nope"])


def test_every_field_level_and_mask_is_extracted(synthetic_left: Path) -> None:
    result = load(synthetic_left)
    contours = extract_contours(result)
    lines = {(c.source, c.level) for c in contours if c.kind == "line"}
    expected = {
        (name, float(level))
        for name, attrs in result.field_attrs.items()
        for level in np.atleast_1d(attrs["levels"])
    }
    assert lines == expected
    assert {c.source for c in contours if c.kind == "region"} == set(result.masks)
    # the left panel has no mumu layer at all; that is not an error
    assert not any(c.source.startswith("na62_mumu") for c in contours)


def test_store_read_round_trip_and_layout(tmp_path: Path, synthetic_right: Path) -> None:
    path = tmp_path / "right.h5"
    path.write_bytes(synthetic_right.read_bytes())
    contours = extract_contours(path)
    store_contours(path, contours)
    assert_same(read_contours(path), contours)
    with h5py.File(path, "r") as h5:
        top = h5["contours"]
        assert top.attrs["schema"] == CONTOURS_SCHEMA
        assert top.attrs["schema_version"] == 1
        assert top.attrs["card_sha256"] == h5.attrs["card_sha256"]
        group = top["lifetime_zprime_ps"]
        assert group.attrs["kind"] == "line" and group.attrs["units"] == "ps"
        np.testing.assert_array_equal(group.attrs["levels"], [1.0, 10.0, 100.0])
        level = group["1"]
        assert level.attrs["level"] == 10.0
        piece = level["piece_0"]
        assert piece.shape[1] == 2 and piece.dtype == np.float64
        assert set(piece.attrs) == {"closed", "hole", "parent"}
        assert top["e141_excluded"].attrs["kind"] == "region"
    # the result is still a valid scan result with the same fields
    assert set(load(path).fields) == set(load(synthetic_right).fields)


def test_result_with_contours_still_opens_with_xarray(tmp_path: Path, small_scans) -> None:
    xr = pytest.importorskip("xarray")
    path = tmp_path / "left.h5"
    path.write_bytes(small_scans["left"].read_bytes())
    ensure_contours(path)
    with xr.open_dataset(path, engine="h5netcdf") as ds:
        assert ds["lifetime_nuh_ps"].dims == ("U_muh2", "m_nuh")


def test_ensure_contours_stores_once_and_refreshes_stale(tmp_path: Path, synthetic_left) -> None:
    path = tmp_path / "left.h5"
    path.write_bytes(synthetic_left.read_bytes())
    first = ensure_contours(path)
    stamp = path.stat().st_mtime_ns
    assert_same(ensure_contours(path), first)
    assert path.stat().st_mtime_ns == stamp  # up to date: not rewritten
    with h5py.File(path, "r+") as h5:
        h5["contours"].attrs["card_sha256"] = "stale"
    assert_same(ensure_contours(path), first)
    with h5py.File(path, "r") as h5:
        assert h5["contours"].attrs["card_sha256"] == h5.attrs["card_sha256"]


def test_read_contours_errors(tmp_path: Path, synthetic_left: Path) -> None:
    with pytest.raises(ScanError, match="no stored contours"):
        read_contours(synthetic_left)
    junk = tmp_path / "junk.h5"
    junk.write_text("not hdf5")
    with pytest.raises(ScanError, match="not a readable HDF5 file"):
        read_contours(junk)
    with pytest.raises(ScanError):
        ensure_contours(junk)


def test_incomplete_result_is_refused(tmp_path: Path) -> None:
    path = write_result(
        tmp_path / "partial.h5",
        x=("m_nuh", np.linspace(1, 2, 3), "MeV", "linear"),
        y=("U_muh2", np.geomspace(1e-3, 1e-2, 3), "1", "log"),
        complete=False,
    )
    with pytest.raises(ScanError, match="incomplete"):
        extract_contours(path)


def test_closed_line_is_flagged_closed() -> None:
    x = np.linspace(-2.0, 2.0, 41)
    (piece,) = extract_lines(x, x, x[None, :] ** 2 + x[:, None] ** 2, 1.0)
    assert piece.closed
    np.testing.assert_array_equal(piece.xy[0], piece.xy[-1])
    np.testing.assert_allclose(np.hypot(*piece.xy.T), 1.0, atol=0.01)
