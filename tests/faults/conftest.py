"""Fixtures of the fault-injection suite (helpers in faultkit.py)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from faultkit import GRID, assert_no_orphans, mount, mounted

from threeportal.scans import load_card, run_scan


@pytest.fixture(scope="session")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A complete result of :data:`GRID` from an uninterrupted scan (do not modify)."""
    out = tmp_path_factory.mktemp("reference") / "reference.h5"
    run_scan(load_card("fig3-left", list(GRID)), out, jobs=1)
    return out


@pytest.fixture
def result(reference: Path, tmp_path: Path) -> Path:
    """A private copy of the reference result."""
    copy = tmp_path / "result.h5"
    shutil.copyfile(reference, copy)
    return copy


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A directory on a 3 MB tmpfs (a disk that fills up)."""
    where = tmp_path / "disk"
    where.mkdir()
    with mounted(where, "-t", "tmpfs", "-o", "size=3m", "tmpfs"):
        yield where


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """``(writable, read_only)``: one directory, and a read-only bind mount of it."""
    source, view = tmp_path / "source", tmp_path / "read-only"
    source.mkdir()
    view.mkdir()
    with mounted(view, "--bind", str(source)):
        if not mount("-o", "remount,bind,ro", str(view)):
            pytest.skip("cannot remount a bind mount read-only here")
        yield source, view


@pytest.fixture(autouse=True)
def no_orphans() -> Iterator[None]:
    """After each test: no process it started is still running (a killed scan's workers and
    resource trackers included, wherever they were reparented)."""
    yield
    assert_no_orphans()
