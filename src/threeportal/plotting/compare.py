"""Two results of the same plane on one panel: each layer's outline, solid and dashed.

Used for ``figures/fig3-vs-paper.png``: the default prescription (solid) against the paper's
as printed (dashed), one colour per layer, so every difference between the two is a gap
between two lines of the same colour.

Examples
--------
>>> from threeportal.plotting import comparison_figure, figure_style, save_figure
>>> with figure_style():  # doctest: +SKIP
...     fig = comparison_figure(["left.h5", "right.h5"], ["paper-left.h5", "paper-right.h5"])
...     save_figure(fig, "figures/fig3-vs-paper", formats=("png",))
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ._result import PlottingError, ResultLike, open_result
from .annotations import Z, parameter_text
from .contours import Contour, result_contours
from .frame import off_frame_pieces
from .panels import _set_axes
from .plan import plan_items
from .styles import PANEL_LABELS

__all__ = ["comparison_figure", "draw_comparison"]

#: Colours of curve layers in a comparison (their line style is taken by the comparison).
_CURVE_COLOURS = {"na62_ee": "black", "na62_mumu": "tab:green"}
#: Line styles of the two results compared.
_STYLES = ("solid", (0, (3.0, 1.5)))


def _outlines(
    ax: Axes, res: ResultLike, contours: Sequence[Contour]
) -> dict[str, tuple[Any, list]]:
    """``{layer: (colour, [(N, 2) xy, ...])}``: region outlines and curve layers' lines,
    without the stretches along the frame."""
    out: dict[str, tuple[Any, list]] = {}
    for item in plan_items(res, contours, {}):
        if item.role == "region":
            colour = item.style.get("edgecolor", "0.3")
            pieces = item.edges if item.edges is not None else item.contours[0].pieces
        elif item.role == "curve":
            colour = _CURVE_COLOURS.get(item.layer, item.style.get("color", "black"))
            pieces = [p for c in item.contours for p in c.pieces]
        else:  # lifetimes and published bounds are the same in both: left out
            continue
        entry = out.setdefault(item.layer, (colour, []))
        entry[1].extend(np.asarray(p.xy, dtype=float) for p in off_frame_pieces(ax, pieces))
    return out


def _two_lines(note: str) -> str:
    """The fixed-parameter note broken in two lines at its middle separator."""
    parts = note.split(",  ")
    half = (len(parts) + 1) // 2
    return "\n".join(part for part in (",  ".join(parts[:half]), ",  ".join(parts[half:])) if part)


def _label(layer: str) -> str:
    label = PANEL_LABELS.get(layer, layer)
    return (label if isinstance(label, str) else label[-1]).replace("\n", " ")


def draw_comparison(
    ax: Axes,
    default: ResultLike | str | os.PathLike[str],
    paper: ResultLike | str | os.PathLike[str],
    names: tuple[str, str] = ("default", "paper as printed"),
    fontsize: float = 6.0,
) -> list[Artist]:
    """Draw each layer of two results of the same plane: ``default`` solid, ``paper`` dashed.

    Parameters
    ----------
    ax : Axes
        Where to draw (scales, limits and labels from ``default``).
    default, paper : ScanResult or path-like
        Two stored scans of the same plane (same axes).
    names : (str, str)
        Legend names of the two line styles.
    fontsize : float
        Legend size, points.

    Returns
    -------
    list of Artist
    """
    results = [open_result(default), open_result(paper)]
    first, second = results
    if (first.x_name, first.y_name) != (second.x_name, second.y_name):
        raise PlottingError(
            f"cannot compare a ({first.x_name}, {first.y_name}) plane with a "
            f"({second.x_name}, {second.y_name}) plane"
        )
    _set_axes(ax, first)
    artists: list[Artist] = []
    handles: dict[str, Line2D] = {}
    for res, linestyle in zip(results, _STYLES, strict=True):
        for layer, (colour, pieces) in _outlines(ax, res, result_contours(res)).items():
            for xy in pieces:
                (line,) = ax.plot(
                    xy[:, 0], xy[:, 1], color=colour, linestyle=linestyle, linewidth=1.0,
                    zorder=Z["curve"],
                )  # fmt: skip
                artists.append(line)
            if pieces and layer not in handles:
                handles[layer] = Line2D([], [], color=colour, linewidth=1.5)
    styles = [Line2D([], [], color="0.3", linestyle=ls, linewidth=1.0) for ls in _STYLES]
    legend = ax.legend(
        [*handles.values(), *styles],
        [*(_label(layer) for layer in handles), *names],
        fontsize=fontsize,
        title=_two_lines(parameter_text(first)) or None,
        title_fontsize=fontsize,
        frameon=False,
        ncols=2,
        loc="lower left",
        bbox_to_anchor=(0.0, 1.01),
        borderaxespad=0.0,
        alignment="left",
    )
    artists.append(legend)
    return artists


def comparison_figure(
    defaults: Sequence[ResultLike | str | os.PathLike[str]],
    papers: Sequence[ResultLike | str | os.PathLike[str]],
    tags: Sequence[str] | None = ("(a)", "(b)"),
) -> Figure:
    """Panels side by side, each :func:`draw_comparison` of one pair of results.

    Parameters
    ----------
    defaults, papers : sequence of ScanResult or path-like
        The pairs, left to right (same length).
    tags : sequence of str, optional
        Panel tags.

    Returns
    -------
    Figure
    """
    from .figures import PANEL_SIZE

    if not defaults or len(defaults) != len(papers):
        raise PlottingError("comparison: give one paper result per default result")
    fig = Figure(figsize=(PANEL_SIZE[0] * len(defaults), PANEL_SIZE[1] + 1.0))
    FigureCanvasAgg(fig)
    n = len(defaults)
    for k, (default, paper) in enumerate(zip(defaults, papers, strict=True)):
        ax = fig.add_axes(((k + 0.18) / n, 0.1, 0.78 / n, 0.6))
        draw_comparison(ax, default, paper)
        if tags:
            fig.text(k / n + 0.01, 0.99, tags[k], ha="left", va="top", fontweight="bold")
    return fig
