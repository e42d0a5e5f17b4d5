"""Fixtures: synthetic results (plain h5py, deterministic) and small real scans."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

sys.path.insert(0, str(Path(__file__).parent))

from plot_synthetic import write_fig3_like, write_result


@pytest.fixture(scope="session")
def synthetic_left(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A result shaped like the left panel (linear x axis)."""
    return write_fig3_like(tmp_path_factory.mktemp("synthetic") / "left.h5", "left")


@pytest.fixture(scope="session")
def synthetic_right(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A result shaped like the right panel (log x axis, NA62 mumu and E141 present)."""
    return write_fig3_like(tmp_path_factory.mktemp("synthetic") / "right.h5", "right")


@pytest.fixture(scope="session")
def small_scans(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The built-in Fig. 3 scans on a 40 x 40 grid (about a second each)."""
    from threeportal.scans import load_card, run_scan

    out = tmp_path_factory.mktemp("scans")
    return {
        side: run_scan(
            load_card(f"fig3-{side}", ["axes.x.n=40", "axes.y.n=40"]),
            output=out / f"fig3-{side}.h5",
            jobs=1,
        )
        for side in ("left", "right")
    }


def _axes(n: int = 41) -> dict[str, tuple[str, np.ndarray, str, str]]:
    return {
        "x": ("m_nuh", np.linspace(100.0, 400.0, n), "MeV", "linear"),
        "y": ("U_muh2", np.geomspace(1e-10, 1e-2, n), "1", "log"),
    }


@pytest.fixture
def mask_result(tmp_path: Path) -> Callable[[np.ndarray, str], Path]:
    """Write a result holding one region mask ``region`` (layer na48_2) on a 41 x 41 grid."""

    def make(mask: np.ndarray, name: str = "shapes.h5") -> Path:
        return write_result(
            tmp_path / name,
            **_axes(mask.shape[0]),
            masks={"na48_2_excluded": (mask.astype(bool), {"layer": "na48_2"})},
            card='[model]\nm_zprime = "150 MeV"\n',
        )

    return make


@pytest.fixture
def cli() -> Callable[[Sequence[str]], int]:
    """Run a subcommand's handler with the command line's parser (errors are raised)."""
    from threeportal.cli.main import _build_parser

    def run(argv: Sequence[str]) -> int:
        args = _build_parser().parse_args(list(argv))
        return args.handler(args)

    return run
