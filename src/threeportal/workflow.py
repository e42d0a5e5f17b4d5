"""Workflows that chain the layers: scan, then store contours, then draw.

The command line's ``fig3`` runs :func:`fig3`; a script can call it too.

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

__all__ = ["FIG3_PANELS", "fig3"]

#: Built-in cards of the two Fig. 3 panels, left to right.
FIG3_PANELS = ("fig3-left", "fig3-right")


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
    from .plotting import ensure_contours, figure_style, panel_figure, panels_figure, save_figure
    from .scans import load_card, run_scan

    results, outdir = Path(results), Path(outdir)
    paths = []
    for name in FIG3_PANELS:
        path = run_scan(
            load_card(name),
            output=results / f"{name}.h5",
            jobs=jobs,
            force=force,
            progress=progress(name) if progress is not None else None,
        )
        ensure_contours(path)
        paths.append(path)
    outdir.mkdir(parents=True, exist_ok=True)
    written = []
    with figure_style():
        for name, path in zip(FIG3_PANELS, paths, strict=True):
            written += save_figure(panel_figure(path), outdir / name)
        written += save_figure(panels_figure(paths, tags=("(a)", "(b)")), outdir / "fig3")
    return written
