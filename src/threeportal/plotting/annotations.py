"""What a panel writes besides its curves: the fixed parameters and the legend above the axes.

Used by :func:`threeportal.plotting.draw_result`: the fixed model parameters go in free
space inside the axes (:func:`draw_note`), else above them; what found no room for a label
goes to a legend above the axes, titled with the parameters (:func:`draw_legend`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from numpy.typing import NDArray

from ._result import ResultLike, card_table
from .labels import Raster, place_text, text_size
from .styles import format_parameter

__all__ = ["Z", "draw_legend", "draw_note", "parameter_text"]

#: Drawing order (zorder) of each kind of artist on a panel.
Z = {"region": 1.0, "bound": 2.0, "levels": 2.5, "curve": 3.0, "text": 5.0}


def parameter_text(res: ResultLike) -> str:
    """The fixed model parameters (card ``[model]`` minus the axes and zeros), one line."""
    model = card_table(res, "model")
    skip = {res.x_name, res.y_name}
    return ",  ".join(
        format_parameter(k, v)
        for k, v in model.items()
        if k not in skip and not (isinstance(v, (int, float)) and v == 0)  # e.g. U_eh2 = 0
    )


def _wrap(line: str, width_px: float, raster: Raster, fontsize: float) -> str:
    """Break a ``",  "``-separated line so that no line is wider than ``width_px``."""
    lines: list[str] = []
    for part in line.split(",  ") if line else []:
        trial = f"{lines[-1]},  {part}" if lines else part
        probe = raster.ax.text(0, 0, trial, fontsize=fontsize)
        fits = text_size(raster, probe)[0] <= width_px
        probe.remove()
        if lines and fits:
            lines[-1] = trial
        else:
            lines.append(part)
    return "\n".join(lines)


def _above(ax: Axes) -> Any:
    """Transform placing a point 3 pt above the top of the axes (axes-fraction x)."""
    from matplotlib.transforms import ScaledTranslation

    return ax.transAxes + ScaledTranslation(0, 3 / 72, ax.figure.dpi_scale_trans)


def draw_note(
    ax: Axes, raster: Raster, note: str, regions: NDArray[np.bool_], fontsize: float
) -> Artist:
    """The fixed parameters in free space inside the axes, else above them."""
    width = ax.get_window_extent(raster.renderer).width
    text = ax.text(
        0.5,
        0.5,
        _wrap(note, 0.55 * width, raster, fontsize),
        transform=ax.transAxes,
        ha="center",
        va="center",
        multialignment="left",
        fontsize=fontsize,
        zorder=Z["text"],
    )
    if place_text(ax, raster, text, [~raster.obstacles(margin=3.0) & ~regions]):
        return text
    text.set_text(_wrap(note, width, raster, fontsize))
    text.set(position=(0.0, 1.0), ha="left", va="bottom", transform=_above(ax))
    return text


def draw_legend(
    ax: Axes,
    raster: Raster,
    handles: Sequence[tuple[Artist, str]],
    note: str,
    fontsize: float,
) -> Artist:
    """Legend of what has no room for a label, above the axes, titled with the parameters."""
    tight = ax.get_tightbbox(raster.renderer)
    right = ax.get_window_extent(raster.renderer).x1
    width = right - tight.x0  # from the tick labels on the left to the right spine
    common: dict[str, Any] = {
        "fontsize": fontsize,
        "title_fontsize": fontsize,
        "frameon": False,
        "handlelength": 2.4,
        "borderaxespad": 0.0,
        "labelspacing": 0.25,
        "columnspacing": 1.2,
        "borderpad": 0.1,
        "alignment": "left",
        "loc": "lower left",
        "bbox_to_anchor": (raster.to_axes(tight.x0, 0)[0], 1.0),
        "bbox_transform": _above(ax),
        "title": _wrap(note, width, raster, fontsize) or None,
    }
    artists, labels = [h for h, _ in handles], [t for _, t in handles]
    for ncols in (3, 2, 1):
        legend = ax.legend(artists, labels, ncols=ncols, **common)
        if ncols == 1 or legend.get_window_extent(raster.renderer).width <= width:
            break
        legend.remove()
    legend.set_zorder(Z["text"])
    return legend
