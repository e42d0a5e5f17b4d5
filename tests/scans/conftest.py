"""Shared helpers of the scan tests: a small card and a command-line runner."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from threeportal.scans import Card, load_card, run_scan

#: A 12 x 10 version of the fig3-left benchmark: fast, but every layer is evaluated.
SMALL = ("axes.x.n=12", "axes.y.n=10")


def run_cli(argv: Sequence[str]) -> int:
    """Run the ``threeportal`` command line in this process; returns the exit status."""
    from threeportal.cli import main

    return main(list(argv))


@pytest.fixture
def cli() -> Callable[[Sequence[str]], int]:
    """The command-line runner."""
    return run_cli


@pytest.fixture
def small_card() -> Card:
    """fig3-left on a 12 x 10 grid."""
    return load_card("fig3-left", list(SMALL))


@pytest.fixture(scope="session")
def small_result(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished 12 x 10 fig3-left scan (read-only for the tests that use it)."""
    out = tmp_path_factory.mktemp("result") / "small.h5"
    return run_scan(load_card("fig3-left", list(SMALL)), out, jobs=1, tile=5)
