"""Where a drawn line meets the scan frame: what to leave out and how much is on the panel.

A region's boundary or a field's contour may run along the frame or a threshold of the plane;
those stretches are not physics and are never drawn (a line that merely crosses the frame
keeps its end).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes

from ._result import ResultLike
from .contours import Piece

__all__ = ["FRAME_PT", "off_frame", "off_frame_pieces", "visible_length"]

#: Distance from the frame (points) within which a line is indistinguishable from it: such
#: stretches (a curve running along a threshold at the edge of the plane) are not drawn.
FRAME_PT = 3.0


def off_frame(res: ResultLike, pieces: Sequence[Piece]) -> list[Piece]:
    """Region boundaries with the points on the scan frame removed (NaN breaks the line)."""
    out = []
    for piece in pieces:
        xy = np.array(piece.xy, dtype=float)
        on = np.zeros(len(xy), dtype=bool)
        for column, axis in ((0, res.x), (1, res.y)):
            for end in (float(axis[0]), float(axis[-1])):
                on |= np.isclose(xy[:, column], end, rtol=1e-9, atol=0.0)
        xy[on] = np.nan
        out.append(Piece(xy, False))
    return out


def _keep_crossings(pts: Any, keep: Any, longest: float) -> None:
    """Keep (in place) the runs near the frame shorter than ``longest`` px: a line that
    crosses the frame ends on it; only a line running along the frame is left out."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], (~keep).astype(int), [0]])))
    for start, stop in zip(edges[::2], edges[1::2], strict=True):
        run = pts[max(start - 1, 0) : stop + 1]
        if np.hypot(*np.diff(run, axis=0).T).sum() <= longest:
            keep[start:stop] = True


def off_frame_pieces(ax: Axes, pieces: Sequence[Piece]) -> tuple[Piece, ...]:
    """The stretches of lines further than :data:`FRAME_PT` from every side of the axes."""
    box = ax.get_window_extent()
    near = FRAME_PT * ax.figure.dpi / 72.0
    out = []
    for piece in pieces:
        xy = np.asarray(piece.xy, dtype=float)
        pts = ax.transData.transform(xy)
        keep = (
            (np.abs(pts[:, 0] - box.x0) > near)
            & (np.abs(pts[:, 0] - box.x1) > near)
            & (np.abs(pts[:, 1] - box.y0) > near)
            & (np.abs(pts[:, 1] - box.y1) > near)
        ) | ~np.isfinite(pts).all(axis=1)
        _keep_crossings(pts, keep, 3.0 * near)
        if keep.all():
            out.append(piece)
            continue
        edges = np.flatnonzero(np.diff(np.concatenate([[0], keep.astype(int), [0]])))
        for start, stop in zip(edges[::2], edges[1::2], strict=True):
            if stop - start >= 2:
                out.append(Piece(xy[start:stop], False))
    return tuple(out)


def visible_length(ax: Axes, pieces: Sequence[Any]) -> float:
    """Length of a line inside the axes, display pixels."""
    box = ax.get_window_extent()
    total = 0.0
    for xy in pieces:
        pts = ax.transData.transform(np.asarray(xy, dtype=float))
        inside = (
            np.isfinite(pts).all(axis=1)
            & (pts[:, 0] >= box.x0 - 0.5)
            & (pts[:, 0] <= box.x1 + 0.5)
            & (pts[:, 1] >= box.y0 - 0.5)
            & (pts[:, 1] <= box.y1 + 0.5)
        )
        both = inside[1:] & inside[:-1]
        total += float(np.hypot(*np.diff(pts, axis=0)[both].T).sum())
    return total
