"""Automatic label placement: the axes as a raster of cells, obstacles, free boxes.

Every drawn line is rasterised (cells about 2 pixels wide) into an obstacle map; placed
labels mark their boxes as taken. A label goes where its whole box fits inside the allowed
cells with the largest clearance (distance to the nearest disallowed cell), so labels never
cross a curve, a region edge or another label. Line labels go on their own line (through
``clabel(inline=True)``, which breaks the line under the label) or parallel to it just
beside it, at the vertex where the rotated label box covers no obstacle.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.contour import ContourSet
from matplotlib.path import Path as MplPath
from matplotlib.text import Text
from numpy.typing import NDArray
from scipy import ndimage

__all__ = ["Raster", "label_lines", "place_text", "text_size"]


class Raster:
    """The axes cut into cells of about ``cell`` pixels, for overlap tests."""

    def __init__(self, ax: Axes, cell: float = 2.0) -> None:
        self.ax = ax
        canvas = ax.figure.canvas
        get_renderer = getattr(canvas, "get_renderer", None)
        self.renderer = get_renderer() if get_renderer else canvas.figure._get_renderer()
        box = ax.get_window_extent(self.renderer)
        self.x0, self.y0 = box.x0, box.y0
        self.nx = max(int(box.width / cell), 8)
        self.ny = max(int(box.height / cell), 8)
        self.cw, self.ch = box.width / self.nx, box.height / self.ny
        cx = self.x0 + (np.arange(self.nx) + 0.5) * self.cw
        cy = self.y0 + (np.arange(self.ny) + 0.5) * self.ch
        gx, gy = np.meshgrid(cx, cy)
        self.centres = np.column_stack([gx.ravel(), gy.ravel()])
        self.taken = self.empty()
        self.lines: dict[int, NDArray[np.bool_]] = {}

    def empty(self) -> NDArray[np.bool_]:
        """A raster with no cell set."""
        return np.zeros((self.ny, self.nx), dtype=bool)

    def add_line(self, key: int, xy_data: NDArray[np.float64]) -> None:
        """Mark the cells crossed by a polyline (data coordinates; NaN separates pieces)."""
        grid = self.lines.setdefault(key, self.empty())
        if len(xy_data) < 2:
            return
        pts = self.ax.transData.transform(xy_data)
        a, b = pts[:-1], pts[1:]
        good = np.all(np.isfinite(a), axis=1) & np.all(np.isfinite(b), axis=1)
        a, b = a[good], b[good]
        if len(a) == 0:
            return
        step = 0.5 * min(self.cw, self.ch)
        n = np.maximum(np.ceil(np.hypot(*(b - a).T) / step).astype(int), 1)
        seg = np.repeat(np.arange(len(a)), n)
        t = (np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)) / np.repeat(n, n)
        p = a[seg] + (b[seg] - a[seg]) * t[:, None]
        i = np.floor((p[:, 1] - self.y0) / self.ch).astype(int)
        j = np.floor((p[:, 0] - self.x0) / self.cw).astype(int)
        inside = (i >= 0) & (i < self.ny) & (j >= 0) & (j < self.nx)
        grid[i[inside], j[inside]] = True

    def inside(self, path: MplPath) -> NDArray[np.bool_]:
        """Cells whose centre is inside a (data-coordinate) path."""
        display = self.ax.transData.transform_path(path)
        box = display.get_extents()  # only centres in the path's box can be inside it
        x, y = self.centres[:, 0], self.centres[:, 1]
        near = (x >= box.x0) & (x <= box.x1) & (y >= box.y0) & (y <= box.y1)
        out = np.zeros(len(self.centres), dtype=bool)
        if near.any():
            out[near] = display.contains_points(self.centres[near])
        return out.reshape(self.ny, self.nx)

    def mark(self, box: Any, pad: float = 1.0) -> None:
        """Mark a display-coordinate bounding box as taken."""
        i0 = max(int((box.y0 - pad - self.y0) // self.ch), 0)
        i1 = min(math.ceil((box.y1 + pad - self.y0) / self.ch), self.ny)
        j0 = max(int((box.x0 - pad - self.x0) // self.cw), 0)
        j1 = min(math.ceil((box.x1 + pad - self.x0) / self.cw), self.nx)
        if i0 < i1 and j0 < j1:
            self.taken[i0:i1, j0:j1] = True

    def rotated_cells(
        self,
        centres: NDArray[np.float64],
        angles: NDArray[np.float64],
        width: float,
        height: float,
    ) -> tuple[NDArray[np.int_], NDArray[np.int_]]:
        """Cell indices ``(i, j)``, shape (N, K), sampling N rotated boxes.

        Boxes of ``width`` x ``height`` pixels centred at ``centres`` (N, 2; display px) and
        rotated by ``angles`` (N,; radians); indices may fall outside the raster.
        """
        step = 0.5 * min(self.cw, self.ch)
        u = np.linspace(-0.5 * width, 0.5 * width, max(int(width / step), 2))
        v = np.linspace(-0.5 * height, 0.5 * height, max(int(height / step), 2))
        uu, vv = (g.ravel() for g in np.meshgrid(u, v))
        cos, sin = np.cos(angles)[:, None], np.sin(angles)[:, None]
        x = centres[:, :1] + uu * cos - vv * sin
        y = centres[:, 1:] + uu * sin + vv * cos
        i = np.floor((y - self.y0) / self.ch).astype(int)
        j = np.floor((x - self.x0) / self.cw).astype(int)
        return i, j

    def mark_rotated(
        self, centre: NDArray[np.float64], angle: float, width: float, height: float
    ) -> None:
        """Mark a rotated box (display px, radians) as taken."""
        i, j = self.rotated_cells(np.reshape(centre, (1, 2)), np.array([angle]), width, height)
        inside = (i >= 0) & (i < self.ny) & (j >= 0) & (j < self.nx)
        self.taken[i[inside], j[inside]] = True

    def add_drawn(self, artists: Iterable[Any], first_key: int) -> list[int]:
        """Make artists drawn by other means obstacles: texts mark their boxes as taken, line
        collections (data coordinates) become lines under keys ``first_key, first_key - 1,
        ...``, which are returned (for :meth:`obstacles`' ``exclude``)."""
        keys = []
        for artist in artists:
            if isinstance(artist, Text) and artist.get_visible():
                self.mark(artist.get_window_extent(self.renderer))
            elif isinstance(artist, LineCollection):
                key = first_key - len(keys)
                keys.append(key)
                self.lines[key] = self.empty()
                for segment in artist.get_segments():
                    self.add_line(key, np.asarray(segment, dtype=float))
        return keys

    def obstacles(self, exclude: Iterable[int] = (), margin: float = 2.0) -> NDArray[np.bool_]:
        """Lines (grown by ``margin`` pixels) and taken cells."""
        skip = set(exclude)
        lines = self.empty()
        for key, grid in self.lines.items():
            if key not in skip:
                lines |= grid
        if margin > 0 and lines.any():
            reach = margin / min(self.cw, self.ch)
            lines = ndimage.distance_transform_edt(~lines) <= reach
        return lines | self.taken

    def fit(
        self, allowed: NDArray[np.bool_], width: float, height: float
    ) -> tuple[float, float] | None:
        """Centre (display px) of the box that fits in ``allowed`` with the largest clearance.

        Returns None when a ``width`` x ``height`` box (pixels) fits nowhere.
        """
        hc = math.ceil(height / self.ch) + 1
        wc = math.ceil(width / self.cw) + 1
        if hc > self.ny or wc > self.nx:
            return None
        bad = np.pad((~allowed).astype(np.int32).cumsum(0).cumsum(1), ((1, 0), (1, 0)))
        sums = bad[hc:, wc:] - bad[:-hc, wc:] - bad[hc:, :-wc] + bad[:-hc, :-wc]
        ok = sums == 0
        if not ok.any():
            return None
        padded = np.pad(allowed, 1, constant_values=False)
        clearance = ndimage.distance_transform_edt(padded)[1:-1, 1:-1]
        score = clearance[hc // 2 : hc // 2 + ok.shape[0], wc // 2 : wc // 2 + ok.shape[1]]
        score = np.where(ok, score, -1.0)
        i, j = np.unravel_index(int(np.argmax(score)), score.shape)
        x = self.x0 + (j + wc / 2) * self.cw
        y = self.y0 + (i + hc / 2) * self.ch
        return x, y

    def to_axes(self, x: float, y: float) -> tuple[float, float]:
        """Display pixels to axes fraction."""
        return tuple(self.ax.transAxes.inverted().transform((x, y)))  # type: ignore[return-value]


def text_size(raster: Raster, text: Text) -> tuple[float, float]:
    """Width and height of a text on the raster's renderer, pixels."""
    box = text.get_window_extent(raster.renderer)
    return box.width, box.height


def place_text(
    ax: Axes,
    raster: Raster,
    text: Text,
    allowed_options: Sequence[NDArray[np.bool_]],
    rotations: Sequence[float] = (0.0,),
    alternatives: Sequence[str] = (),
) -> bool:
    """Move a centred axes-fraction text to the best spot of the first option it fits in.

    Parameters
    ----------
    ax : Axes
        The axes of the text.
    raster : Raster
        The occupancy raster; the text's box is marked taken once placed.
    text : Text
        A text with ``transform=ax.transAxes``, ``ha="center"``, ``va="center"``.
    allowed_options : sequence of bool arrays
        Rasters of the cells the text may cover, tried in order.
    rotations : sequence of float
        Text rotations to try for each option, degrees (e.g. ``(0, 90)`` for a label that
        may stand upright in a tall, narrow region).
    alternatives : sequence of str
        Shorter texts to try, in order, after the text itself, for each option.

    Returns
    -------
    bool
        Whether the text was placed (with the text and rotation that fitted).
    """
    first = text.get_text()
    for allowed in allowed_options:
        for label in (first, *alternatives):
            text.set_text(label)
            for rotation in rotations:
                text.set_rotation(rotation)
                width, height = text_size(raster, text)
                spot = raster.fit(allowed, width + 4, height + 4)
                if spot is not None:
                    text.set_position(raster.to_axes(spot[0], spot[1]))
                    raster.mark(text.get_window_extent(raster.renderer), pad=1.5)
                    return True
    text.set_text(first)
    text.set_rotation(rotations[0])
    return False


def _along(
    pts: NDArray[np.float64], width: float
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Along a polyline (display px), at each vertex: arc length, the angle of the chord of
    length ``width`` centred there (radians, text right side up), and how far the line
    strays from that chord within it (px)."""
    length = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(pts, axis=0).T))])
    t = np.linspace(-0.5, 0.5, 9)
    s = np.clip(length[:, None] + width * t[None, :], 0, length[-1])
    x, y = np.interp(s, length, pts[:, 0]), np.interp(s, length, pts[:, 1])
    dx, dy = x[:, -1] - x[:, 0], y[:, -1] - y[:, 0]
    chord = np.maximum(np.hypot(dx, dy), 1e-9)
    stray = np.abs((x - x[:, :1]) * dy[:, None] - (y - y[:, :1]) * dx[:, None]) / chord[:, None]
    angle = np.arctan2(dy, dx)
    # right side up, in (-75, 105] degrees: near-vertical text reads upwards
    angle = np.where(angle > np.radians(105), angle - np.pi, angle)
    angle = np.where(angle <= np.radians(-75), angle + np.pi, angle)
    return length, angle, stray.max(axis=1)


def _hits(
    raster: Raster,
    obstacles: NDArray[np.bool_],
    centres: NDArray[np.float64],
    angles: NDArray[np.float64],
    width: float,
    height: float,
) -> NDArray[np.int64]:
    """Number of obstacle cells under rotated ``width`` x ``height`` boxes (display px);
    cells outside the axes count as one obstacle."""
    i, j = raster.rotated_cells(centres, angles, width, height)
    outside = (i < 0) | (i >= raster.ny) | (j < 0) | (j >= raster.nx)
    hit = obstacles[np.clip(i, 0, raster.ny - 1), np.clip(j, 0, raster.nx - 1)] | outside
    cells = np.where(hit, np.where(outside, raster.ny * raster.nx, i * raster.nx + j), -1)
    cells.sort(axis=1)  # count distinct cells hit
    distinct = (cells[:, 1:] != cells[:, :-1]) & (cells[:, 1:] >= 0)
    return distinct.sum(axis=1) + (cells[:, 0] >= 0)


def _best_spot(
    ax: Axes,
    raster: Raster,
    pieces: Sequence[NDArray[np.float64]],
    width: float,
    height: float,
    obstacles: tuple[NDArray[np.bool_], NDArray[np.bool_]],
) -> tuple[float, int, NDArray[np.float64], float] | None:
    """Best label spot along ``pieces``: ``(score, mode, centre px, angle)`` or None.

    Modes: 0 in line, 1 and 2 beside the line (either side); the score is minus the number
    of obstacle cells covered, minus small penalties for being beside the line or far from
    the middle of its piece. ``obstacles`` is (for in-line spots, for spots beside it).
    """
    best: tuple[float, int, NDArray[np.float64], float] | None = None
    for xy in pieces:
        pts = ax.transData.transform(np.asarray(xy, dtype=float))
        pts = pts[np.all(np.isfinite(pts), axis=1)]
        if len(pts) < 2:
            continue
        length, angle, stray = _along(pts, width)
        usable = (length >= 0.5 * width) & (length[-1] - length >= 0.5 * width)
        usable &= stray < 0.35 * height  # straight enough to carry the label
        if not usable.any():
            continue
        centres, angles = pts[usable], angle[usable]
        middle = np.abs(length[usable] / length[-1] - 0.5)
        normal = np.column_stack([-np.sin(angles), np.cos(angles)])
        offset = 0.5 * height + 2.5
        options = (
            (0, centres, obstacles[0]),
            (1, centres + offset * normal, obstacles[1]),
            (2, centres - offset * normal, obstacles[1]),
        )
        for mode, spots, grid in options:
            hits = _hits(raster, grid, spots, angles, width + 4, height + 2)
            score = -hits - 0.2 * (mode > 0) - middle
            n = int(np.argmax(score))
            if best is None or score[n] > best[0]:
                best = (float(score[n]), mode, spots[n], float(angles[n]))
    return best


def label_lines(
    ax: Axes,
    raster: Raster,
    cs: ContourSet,
    pieces: Mapping[float, Sequence[NDArray[np.float64]]],
    formats: Mapping[float, Sequence[str]],
    exclude: Iterable[int],
    fontsize: float,
    color: Any,
    avoid: NDArray[np.bool_] | None = None,
) -> tuple[list[Text], list[float]]:
    """Label each level of a contour set on or beside its line, touching nothing else.

    Candidate spots are the line's vertices, with the label in line (the line is broken
    under it, ``clabel(inline=True)``) or parallel to the line just above or below it. The
    spot whose rotated label box covers no obstacle cell wins; in-line spots and spots near
    the middle of a piece win ties. Alternative (shorter) texts are tried in order.

    Parameters
    ----------
    ax : Axes
        The axes of ``cs``.
    raster : Raster
        Occupancy raster; the labels' boxes are marked taken.
    cs : ContourSet
        The drawn lines.
    pieces : mapping
        ``{level: [(N, 2) arrays in data coordinates]}``, the pieces of each level to label.
    formats : mapping
        ``{level: [label text, shorter alternatives...]}``.
    exclude : iterable of int
        Raster line keys of ``cs`` itself (not obstacles for its in-line labels).
    fontsize : float
        Label size, points.
    color : color
        Label colour.
    avoid : bool array, optional
        Raster cells the labels must not cover either (e.g. the inside of regions, to keep
        labels in the free part of the panel).

    Returns
    -------
    (texts, unlabelled)
        The label texts, and the levels for which no spot is free.
    """
    exclude = list(exclude)
    manual, chosen, texts, unlabelled = [], {}, [], []
    for level, level_pieces in pieces.items():
        obstacles = (raster.obstacles(exclude=exclude, margin=1.5), raster.obstacles(margin=1.0))
        if avoid is not None:
            obstacles = (obstacles[0] | avoid, obstacles[1] | avoid)
        found = _first_free(ax, raster, level_pieces, formats[level], fontsize, obstacles)
        if found is None:
            unlabelled.append(level)
            continue
        label, width, height, (_, mode, spot, angle) = found
        # reserve the spot now, so that the next level's label avoids it
        raster.mark_rotated(spot, angle, width + 2, height + 2)
        if mode == 0:
            manual.append(tuple(ax.transData.inverted().transform(spot)))
            chosen[level] = label
            continue
        x, y = ax.transAxes.inverted().transform(spot)
        texts.append(
            ax.text(
                x,
                y,
                label,
                transform=ax.transAxes,
                rotation=np.degrees(angle),
                rotation_mode="anchor",
                ha="center",
                va="center",
                fontsize=fontsize,
                color=color,
            )
        )
    if manual:
        texts.extend(_inline_labels(cs, chosen, manual, fontsize, color))
    return texts, unlabelled


def _first_free(
    ax: Axes,
    raster: Raster,
    level_pieces: Sequence[NDArray[np.float64]],
    labels: Sequence[str],
    fontsize: float,
    obstacles: tuple[NDArray[np.bool_], NDArray[np.bool_]],
) -> tuple[str, float, float, tuple[float, int, NDArray[np.float64], float]] | None:
    """The first of ``labels`` (longest first) with a spot on the pieces that covers no
    obstacle cell: (text, width px, height px, spot of :func:`_best_spot`), else None."""
    for label in labels:
        probe = ax.text(0, 0, label, fontsize=fontsize)
        width, height = text_size(raster, probe)
        probe.remove()
        best = _best_spot(ax, raster, level_pieces, width, height, obstacles)
        if best is not None and best[0] >= -1.0:  # no covered cell
            return label, width, height, best
    return None


def _inline_labels(
    cs: ContourSet,
    chosen: Mapping[float, str],
    manual: Sequence[tuple[float, float]],
    fontsize: float,
    color: Any,
) -> list[Text]:
    """In-line labels at the chosen spots (data coordinates), the line broken under them."""
    inline = cs.clabel(
        levels=list(chosen),
        inline=True,
        inline_spacing=2,
        fmt=dict(chosen),
        fontsize=fontsize,
        manual=list(manual),
        colors=[color],
    )
    for text in inline:  # as in _along: near-vertical labels read upwards
        if 180.0 < text.get_rotation() <= 285.0:
            text.set_rotation(text.get_rotation() - 180.0)
    return list(inline)
