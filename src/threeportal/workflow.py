"""Workflows that chain the layers: scan, then store contours, then draw.

The command line's ``fig3`` runs :func:`fig3`; a script can call it too.

Examples
--------
>>> from threeportal.workflow import fig3
>>> written = fig3("results", "figures", jobs=2)  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from .scans.engine import Progress

__all__ = [
    "DARK_PHOTON_PANELS",
    "FIG3_PANELS",
    "FIG3_PAPER_PANELS",
    "dark_photon",
    "fig3",
    "fig3_vs_paper",
]

#: Built-in cards of the two Fig. 3 panels, left to right.
FIG3_PANELS = ("fig3-left", "fig3-right")
#: Built-in cards of the two panels with the paper's prescription as printed.
FIG3_PAPER_PANELS = ("fig3-paper-left", "fig3-paper-right")
#: Built-in cards of the recast dark-photon figure: |U_muh|^2 = 1e-12 and 1e-4.
DARK_PHOTON_PANELS = ("dark-photon", "dark-photon-nu")

_log = logging.getLogger(__name__)


def _scans(
    cards: Sequence[str],
    results: Path,
    jobs: int | None,
    force: bool,
    progress: Callable[[str], Progress | None] | None,
) -> list:
    """Run (or reuse) the scans of built-in cards; their results with contours, loaded once.

    Contours stored with a result are used when current; otherwise they are extracted once
    and stored (through the result file's owner) for the exporters.
    """
    from .plotting import extract_contours, read_contours, store_contours
    from .results import contours_current, load
    from .scans import load_card, run_scan

    loaded = []
    for name in cards:
        path = run_scan(
            load_card(name),
            output=results / f"{name}.h5",
            jobs=jobs,
            force=force,
            progress=progress(name) if progress is not None else None,
        )
        res = load(path)
        if contours_current(path):
            contours = read_contours(path)
        else:
            contours = extract_contours(res)
            store_contours(path, contours)
        loaded.append((res, contours))
    return loaded


def fig3(
    results: str | os.PathLike[str] = "results",
    outdir: str | os.PathLike[str] = "figures",
    *,
    jobs: int | None = None,
    force: bool = False,
    progress: Callable[[str], Progress | None] | None = None,
    cards: tuple[str, str] = FIG3_PANELS,
    stem: str = "fig3",
) -> list[Path]:
    """Run (or reuse) both Fig. 3 scans, store their contours, and draw the figures.

    Both panels are drawn once, on the two-panel figure ``<stem>``; the files named after
    the cards (``fig3-left``, ``fig3-right``) are that figure's halves, without the tags.

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
    cards : (str, str)
        Built-in cards of the left and right panels (e.g. :data:`FIG3_PAPER_PANELS`).
    stem : str
        Name of the two-panel figure.

    Returns
    -------
    list of Path
        The figure files written.
    """
    from .plotting import figure_style, panels_figure, save_panels

    loaded = _scans(cards, Path(results), jobs, force, progress)
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    _log.info("drawing %s (%d panels)", stem, len(loaded))
    with figure_style():
        fig = panels_figure(
            [res for res, _ in loaded],
            contours=[contours for _, contours in loaded],
            tags=("(a)", "(b)"),
        )
        _log.info("writing %s.png and .pdf", outdir / stem)
        written = save_panels(fig, outdir / stem, [outdir / name for name in cards])
    seconds = time.perf_counter() - start
    _log.info("plotted in %.1f s", seconds, extra={"plot_seconds": seconds})
    return written


def fig3_vs_paper(
    results: str | os.PathLike[str] = "results",
    outdir: str | os.PathLike[str] = "figures",
    *,
    jobs: int | None = None,
    force: bool = False,
    progress: Callable[[str], Progress | None] | None = None,
) -> list[Path]:
    """Fig. 3 with this package's defaults against the paper's prescription as printed.

    Runs (or reuses) the scans of :data:`FIG3_PANELS` and :data:`FIG3_PAPER_PANELS` and
    writes ``fig3-vs-paper.png``: each layer's outline, solid for the defaults and dashed
    for the paper's prescription, left and right panels.

    Parameters
    ----------
    results, outdir, jobs, force, progress
        As for :func:`fig3`.

    Returns
    -------
    list of Path
        The figure file written.
    """
    from .plotting import comparison_figure, figure_style, save_figure

    default = _scans(FIG3_PANELS, Path(results), jobs, force, progress)
    paper = _scans(FIG3_PAPER_PANELS, Path(results), jobs, force, progress)
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    _log.info("drawing the comparison with the paper's prescription")
    with figure_style():
        fig = comparison_figure([r for r, _ in default], [r for r, _ in paper])
        return save_figure(fig, outdir / "fig3-vs-paper", formats=("png",))


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
    results, outdir, jobs, force, progress
        As for :func:`fig3`.
    formats : tuple of str
        Figure formats, e.g. ``("png", "pdf")``.

    Returns
    -------
    list of Path
        The figure files written.
    """
    from .plotting import figure_style, panels_figure, save_figure

    loaded = _scans(DARK_PHOTON_PANELS, Path(results), jobs, force, progress)
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    with figure_style():
        fig = panels_figure(
            [res for res, _ in loaded],
            contours=[contours for _, contours in loaded],
            tags=("(a)", "(b)"),
        )
        return save_figure(fig, outdir / "dark-photon", formats)
