"""Figures of stored results: panels of the paper's column width, side by side, and saving.

Examples
--------
>>> from threeportal.plotting import figure_style, panels_figure, save_figure
>>> with figure_style():  # doctest: +SKIP
...     save_figure(panels_figure(["left.h5", "right.h5"], tags=("(a)", "(b)")), "fig3")
"""

from __future__ import annotations

import logging
import os
import signal
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

from ..errors import one_line
from ..fileio import atomic_write
from ._result import PlottingError, ResultLike
from .contours import Contour
from .panels import draw_result
from .styles import PAPER_RC

__all__ = ["PANEL_SIZE", "panel_figure", "panels_figure", "save_figure", "save_panels"]

#: Width of one panel (the paper's column width) and its default height, inches.
PANEL_SIZE = (3.4, 3.0)
# Axes rectangle inside a panel: left, bottom, width, height in inches.
_AXES_RECT = (0.62, 0.42, 2.66, 2.3)


def _panel_axes(fig: Figure, n_panels: int, top: float) -> list[Axes]:
    """Axes of ``n_panels`` panels with :data:`_AXES_RECT`, ``top`` inches above them."""
    width = PANEL_SIZE[0]
    left, bottom, w, h = _AXES_RECT
    height = bottom + h + top
    total = width * n_panels
    fig.set_size_inches(total, height)
    rects = [
        ((k * width + left) / total, bottom / height, w / total, h / height)
        for k in range(n_panels)
    ]
    if not fig.axes:
        return [fig.add_axes(rect) for rect in rects]
    for ax, rect in zip(fig.axes, rects, strict=True):
        ax.set_position(rect)
    return list(fig.axes)


def panel_figure(
    result: ResultLike | str | os.PathLike[str],
    style: Mapping[str, Mapping[str, Any]] | None = None,
) -> Figure:
    """A one-panel figure of the paper's column width (see :func:`panels_figure`).

    Parameters
    ----------
    result : ScanResult or path-like
        The stored scan.
    style : mapping, optional
        Layer style overrides (see :func:`draw_result`).

    Returns
    -------
    matplotlib.figure.Figure
    """
    return panels_figure([result], style)


def panels_figure(
    results: Sequence[ResultLike | str | os.PathLike[str]],
    style: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    tags: Sequence[str] | None = None,
    contours: Sequence[Sequence[Contour] | None] | None = None,
) -> Figure:
    """Panels side by side, one per result, each :data:`PANEL_SIZE` wide.

    Every panel's axes have the same size; the figure is made as tall as the tallest
    panel needs (a legend or note above the axes). Make and save the figure inside
    :func:`~threeportal.plotting.styles.figure_style` for the package's look.

    Parameters
    ----------
    results : sequence of ScanResult or path-like
        The stored scans, left to right.
    style : mapping, optional
        Layer style overrides (see :func:`draw_result`).
    tags : sequence of str, optional
        Panel tags written at the upper-left corner of each panel (e.g. "(a)").
    contours : sequence, optional
        The contours of each result, already read or extracted (default: each result's
        stored contours, else extracted from it).

    Returns
    -------
    matplotlib.figure.Figure
    """
    if not results:
        raise PlottingError("no result to draw")
    fig = Figure()
    FigureCanvasAgg(fig)
    axes = _panel_axes(fig, len(results), PANEL_SIZE[1] - _AXES_RECT[1] - _AXES_RECT[3])
    for k, (ax, result) in enumerate(zip(axes, results, strict=True)):
        draw_result(ax, result, style, contours=None if contours is None else contours[k])
    renderer = fig.canvas.get_renderer()
    above = max(ax.get_tightbbox(renderer).y1 - ax.get_window_extent(renderer).y1 for ax in axes)
    tag_band = 0.15 if tags else 0.0  # inches above everything else for "(a)", "(b)"
    _panel_axes(fig, len(results), max(above / fig.dpi + 0.05, 0.12) + tag_band)
    if tags:
        width, height = fig.get_size_inches()
        for k, tag in enumerate(tags):
            fig.text(
                (k * PANEL_SIZE[0] + 0.04) / width,
                1 - 0.04 / height,
                tag,
                ha="left",
                va="top",
                fontsize=PAPER_RC["axes.labelsize"],
                fontweight="bold",
            )
    return fig


def save_figure(
    fig: Figure,
    stem: str | os.PathLike[str],
    formats: Sequence[str] = ("png", "pdf"),
    dpi: float = PAPER_RC["savefig.dpi"],
    *,
    panel: int | None = None,
) -> list[Path]:
    """Save a figure as ``<stem>.<format>`` for each format, byte for byte reproducibly.

    No time stamp and no software version is written (PNG ``Software``, PDF
    ``CreationDate``, SVG ``Date``), so the same figure gives the same bytes.

    Parameters
    ----------
    fig : Figure
        The figure.
    stem : path-like
        Output path without suffix (its directory must exist).
    formats : sequence of str
        File formats, e.g. ``("png", "pdf")``.
    dpi : float
        Resolution of raster formats, dots per inch.
    panel : int, optional
        Save only this panel of a :func:`panels_figure` (its column, without the tags).

    Returns
    -------
    list of Path
        The files written.
    """
    written = []
    box: Bbox | None = None
    if panel is not None:
        height = fig.get_size_inches()[1]
        box = Bbox.from_bounds(panel * PANEL_SIZE[0], 0.0, PANEL_SIZE[0], height)
    hidden = [text for text in fig.texts if text.get_visible()] if panel is not None else []
    with _quiet_fonts(), _hidden(hidden):
        for fmt in formats:
            path = Path(f"{os.fspath(stem)}.{fmt}")
            with atomic_write(path) as tmp:  # a kill or a full disk keeps the old figure
                fig.savefig(tmp, format=fmt, dpi=dpi, metadata=_NO_STAMPS.get(fmt), bbox_inches=box)
            written.append(path)
    return written


def save_panels(
    fig: Figure,
    stem: str | os.PathLike[str],
    panel_stems: Sequence[str | os.PathLike[str]],
    formats: Sequence[str] = ("png", "pdf"),
    dpi: float = PAPER_RC["savefig.dpi"],
) -> list[Path]:
    """Save a :func:`panels_figure` and each of its panels, as :func:`save_figure` would.

    Gives the files of ``save_figure(fig, stem)`` and ``save_figure(fig, panel_stems[k],
    panel=k)`` for every panel, faster: the PNGs of the figure and of its panels come from one
    rendering (the panels are columns of its pixels, rendered before the figure's tags), and
    the vector files of the panels are written by a forked copy of this process while this
    one writes the others (with two cores or more).

    Parameters
    ----------
    fig : Figure
        A figure of :func:`panels_figure`.
    stem : path-like
        Output path of the whole figure, without suffix.
    panel_stems : sequence of path-like
        Output paths of the panels, left to right, without suffix.
    formats : sequence of str
        File formats, e.g. ``("png", "pdf")``.
    dpi : float
        Resolution of raster formats, dots per inch.

    Returns
    -------
    list of Path
        The files written, format by format: the figure, then its panels.
    """
    here: list[Callable[[], list[Path]]] = []
    there: list[Callable[[], list[Path]]] = []
    for fmt in formats:
        if fmt == "png":
            here.append(partial(_save_png_panels, fig, stem, panel_stems, dpi))
            continue
        here.append(partial(save_figure, fig, stem, (fmt,), dpi))
        there += [
            partial(save_figure, fig, panel_stem, (fmt,), dpi, panel=k)
            for k, panel_stem in enumerate(panel_stems)
        ]
    return _side_by_side(here, there)


def _side_by_side(
    here: list[Callable[[], list[Path]]], there: list[Callable[[], list[Path]]]
) -> list[Path]:
    """Run ``here`` in this process and ``there`` in a forked copy of it, at the same time.

    Falls back to running everything here without ``os.fork`` or a second core. A failure in
    the copy raises :class:`PlottingError` with its message; every file is written atomically,
    so a failure leaves the previous figures in place. Returns the files of ``here`` then
    ``there``.
    """
    if not there or not hasattr(os, "fork") or len(os.sched_getaffinity(0)) < 2:
        return [path for task in here + there for path in task()]
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the copy: report the written paths (or the error), and leave at once
        os.close(read_end)
        status = 0
        try:
            report = "\n".join(str(path) for task in there for path in task())
        except BaseException as err:  # every failure goes to the parent
            report, status = one_line(err) or type(err).__name__, 1
        with os.fdopen(write_end, "w") as pipe:
            pipe.write(report)
        os._exit(status)
    os.close(write_end)
    try:
        written = [path for task in here for path in task()]
    except BaseException:
        os.kill(pid, signal.SIGKILL)
        raise
    finally:
        with os.fdopen(read_end) as pipe:
            report = pipe.read()
        _, status = os.waitpid(pid, 0)
    if status != 0:
        raise PlottingError(f"writing a figure failed: {report or 'the writer process died'}")
    return written + [Path(line) for line in report.splitlines()]


def _save_png_panels(
    fig: Figure,
    stem: str | os.PathLike[str],
    panel_stems: Sequence[str | os.PathLike[str]],
    dpi: float,
) -> list[Path]:
    """The PNGs of :func:`save_panels`: one Agg rendering, tags drawn last on the figure."""
    import matplotlib.image

    width = round(PANEL_SIZE[0] * dpi)
    tags = [text for text in fig.texts if text.get_visible()]
    original_dpi = fig.get_dpi()
    fig.set_dpi(dpi)
    try:
        with _hidden(tags):
            fig.canvas.draw()
        panels = np.array(fig.canvas.buffer_rgba())
        for text in tags:  # over blank paper: the pixels of a rendering with the tags
            fig.draw_artist(text)
        whole = np.asarray(fig.canvas.buffer_rgba())
        images = [(stem, whole)] + [
            (s, panels[:, k * width : (k + 1) * width]) for k, s in enumerate(panel_stems)
        ]
        written = []
        for target, pixels in images:
            path = Path(f"{os.fspath(target)}.png")
            with atomic_write(path) as tmp:
                matplotlib.image.imsave(
                    tmp, pixels, format="png", dpi=dpi, metadata=_NO_STAMPS["png"]
                )
            written.append(path)
    finally:
        fig.set_dpi(original_dpi)
    return written


@contextmanager
def _quiet_fonts() -> Iterator[None]:
    """fontTools warns about the zero time stamps of matplotlib's DejaVu fonts when it
    embeds them in a PDF (Type 42); harmless, so keep the command line quiet."""
    font_log = logging.getLogger("fontTools.ttLib.tables._h_e_a_d")
    level = font_log.level
    font_log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        font_log.setLevel(level)


@contextmanager
def _hidden(artists: Sequence[Any]) -> Iterator[None]:
    """Hide ``artists`` (visible ones) for the duration."""
    for artist in artists:
        artist.set_visible(False)
    try:
        yield
    finally:
        for artist in artists:
            artist.set_visible(True)


#: Metadata that would make two saves of one figure differ (versions, dates): left out.
_NO_STAMPS: dict[str, dict[str, None]] = {
    "png": {"Software": None},
    "pdf": {"CreationDate": None, "Producer": None, "Creator": None},
    "svg": {"Date": None, "Creator": None},
}
