"""Workflows that chain the layers: scan, then store contours, then draw.

The command line's ``fig3`` runs :func:`fig3`; ``make dark-photon`` runs :func:`dark_photon`;
a script can call either.

Examples
--------
>>> from threeportal.workflow import fig3
>>> written = fig3("results", "figures", jobs=2)  # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from .scans.engine import Progress

__all__ = ["DARK_PHOTON_PANELS", "FIG3_PANELS", "dark_photon", "fig3"]

#: Built-in cards of the two Fig. 3 panels, left to right.
FIG3_PANELS = ("fig3-left", "fig3-right")

#: Built-in cards of the recast dark-photon figure: |U_muh|^2 = 1e-12 (closure), 1e-4.
DARK_PHOTON_PANELS = ("dark-photon", "dark-photon-nu")


def _scans(
    names: tuple[str, ...],
    results: Path,
    jobs: int | None,
    force: bool,
    progress: Callable[[str], Progress | None] | None,
) -> list[Path]:
    """Run (or reuse) the built-in cards ``names`` into ``results/<name>.h5``, with contours."""
    from .plotting import ensure_contours
    from .scans import load_card, run_scan

    paths = []
    for name in names:
        path = run_scan(
            load_card(name),
            output=results / f"{name}.h5",
            jobs=jobs,
            force=force,
            progress=progress(name) if progress is not None else None,
        )
        ensure_contours(path)
        paths.append(path)
    return paths


def fig3(
    results: str | os.PathLike[str] = "results",
    outdir: str | os.PathLike[str] = "figures",
    *,
    jobs: int | None = None,
    force: bool = False,
    progress: Callable[[str], Progress | None] | None = None,
) -> list[Path]:
    """Run (or reuse) both Fig. 3 scans, store their contours, and draw the figures.

    Parameters
    ----------
    results : path-like
        Directory of the result files ``fig3-left.h5`` and ``fig3-right.h5``.
    outdir : path-like
        Directory of the figures ``fig3-left``, ``fig3-right`` and ``fig3`` (PNG and PDF).
    jobs : int, optional
        Parallel workers of the scans (default: all local cores).
    force : bool
        Recompute the scans even when up to date.
    progress : callable, optional
        ``progress(panel name)`` gives the progress callback of that panel's scan.

    Returns
    -------
    list of Path
        The figure files written.
    """
    from .plotting import figure_style, panel_figure, panels_figure, save_figure

    results, outdir = Path(results), Path(outdir)
    paths = _scans(FIG3_PANELS, results, jobs, force, progress)
    outdir.mkdir(parents=True, exist_ok=True)
    written = []
    with figure_style():
        for name, path in zip(FIG3_PANELS, paths, strict=True):
            written += save_figure(panel_figure(path), outdir / name)
        written += save_figure(panels_figure(paths, tags=("(a)", "(b)")), outdir / "fig3")
    return written


def dark_photon(
    results: str | os.PathLike[str] = "results",
    outdir: str | os.PathLike[str] = "figures",
    *,
    jobs: int | None = None,
    force: bool = False,
    formats: tuple[str, ...] = ("png",),
    progress: Callable[[str], Progress | None] | None = None,
) -> list[Path]:
    """Run (or reuse) the ``dark-photon`` and ``dark-photon-nu`` scans and draw them.

    The figure ``<outdir>/dark-photon`` has two panels in (m_Z', eps): (a) |U_muh|^2 =
    1e-12, the classic dark-photon exclusion plot given back by the recast (closure), and
    (b) |U_muh|^2 = 1e-4, where the invisible width moves the visible bounds and the
    missing-energy searches exclude.

    Parameters
    ----------
    results : path-like
        Directory of the result files ``dark-photon.h5`` and ``dark-photon-nu.h5``.
    outdir : path-like
        Directory of the figure.
    jobs : int, optional
        Parallel workers of the scans (default: all local cores).
    force : bool
        Recompute the scans even when up to date.
    formats : tuple of str
        Figure formats, e.g. ``("png", "pdf")``.
    progress : callable, optional
        ``progress(card name)`` gives the progress callback of that scan.

    Returns
    -------
    list of Path
        The figure files written.
    """
    from .plotting import figure_style, panels_figure, save_figure

    paths = _scans(DARK_PHOTON_PANELS, Path(results), jobs, force, progress)
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    with figure_style():
        figure = panels_figure(paths, tags=("(a)", "(b)"))
        return save_figure(figure, outdir / "dark-photon", formats)
