"""The published bounds (references) are found by their declared ``reference`` attribute, not by
their names; a file written before the attribute existed draws and exports as it did."""

from __future__ import annotations

import shutil
from pathlib import Path

import h5py
import pytest

from threeportal.plotting import extract_contours
from threeportal.plotting.export import select_contours
from threeportal.plotting.export_meta import facts
from threeportal.plotting.panels import _line_labels
from threeportal.plotting.plan import plan_items
from threeportal.scans import load


def _plan_of(path: Path) -> list[tuple[str, str, tuple[str, ...]]]:
    """(role, source, labels of its first level) of every item a panel draws."""
    res = load(path)
    items = plan_items(res, extract_contours(res), {})
    out = []
    for item in items:
        labels = _line_labels(item) if item.role != "region" else {0: []}
        out.append((item.role, item.source, tuple(next(iter(labels.values())))))
    return out


def _exported(path: Path) -> dict[str, str]:
    """Title of every contour a default export writes, by source."""
    res = load(path)
    return {c.source: facts(res, c)["title"] for c in select_contours(res, extract_contours(res))}


@pytest.fixture
def unmarked(synthetic_left: Path, tmp_path: Path) -> Path:
    """The synthetic left panel as written before ``reference`` and ``item`` existed."""
    path = shutil.copyfile(synthetic_left, tmp_path / "old.h5")
    with h5py.File(path, "r+") as f:
        for ds in f.values():
            for key in ("reference", "item"):
                if key in ds.attrs:
                    del ds.attrs[key]
    return path


def test_a_file_without_the_attributes_draws_and_exports_as_before(synthetic_left, unmarked):
    plan = _plan_of(synthetic_left)
    assert ("bound", "peak_search_kek_original_ratio", ("KEK (published)", "KEK")) in plan
    assert not any("original" in source for role, source, _ in plan if role != "bound")
    assert _plan_of(unmarked) == plan
    exported = _exported(synthetic_left)
    assert exported["peak_search_na62_excluded"].startswith("NA62 K+ -> mu+ N peak search")
    assert "peak_search_na62_original_excluded" not in exported
    assert _exported(unmarked) == exported


def test_the_attribute_decides_not_the_name(synthetic_left: Path, tmp_path: Path) -> None:
    path = shutil.copyfile(synthetic_left, tmp_path / "swapped.h5")
    with h5py.File(path, "r+") as f:
        for name in ("peak_search_kek_original_ratio", "peak_search_kek_original_excluded"):
            f[name].attrs["reference"] = False
        for name in ("peak_search_kek_ratio", "peak_search_kek_excluded"):
            f[name].attrs["reference"] = True
    roles = {source: role for role, source, _ in _plan_of(path)}
    assert roles["peak_search_kek_original_excluded"] == "region"
    assert roles["peak_search_kek_ratio"] == "bound"
    assert "peak_search_kek_excluded" not in roles and "peak_search_kek_original_ratio" not in roles
    exported = _exported(path)
    assert "reinterpreted" in exported["peak_search_kek_original_excluded"]  # not a reference
    assert "peak_search_kek_excluded" not in exported
