"""Draw the recast dark-photon limits of a stored result: outlines, light fills, labels, legend.

The layer ``dark_photon_limits`` stores one field ``<NAME>_signal_ratio`` per limit (N_model /
N_lim, excluded above 1) with its domain (the limit's mass range). Each limit is drawn as its
outline at signal ratio 1, cut where the field is undefined (so a domain edge or the frame is
never drawn), styled by its colour family (beam dump / prompt / invisible, see
:data:`~threeportal.plotting.presentation.DARK_PHOTON_FAMILIES`). The excluded side of each
family is filled lightly (one fill per family: the union of its limits). One label per
experiment and family is written inside its region; the legend (one entry per family) goes into
the emptiest corner of the axes. Nothing here evaluates physics: the limits' metadata files are
read only for the experiment, the family and the citation.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import contourpy
import numpy as np
from matplotlib import patheffects
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.legend import Legend
from matplotlib.legend_handler import HandlerTuple
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path as MplPath
from numpy.typing import NDArray
from scipy import ndimage

from ..data.dark_photon import DarkPhotonLimit, load_dark_photon_limit, shipped_dark_photon_limits
from ..errors import ThreeportalError
from ._result import PlottingError, ResultLike, card_table, open_result
from .contours import Contour, result_contours
from .presentation import DARK_PHOTON_FAMILIES, dark_photon_family

__all__ = [
    "DARK_PHOTON_LAYER",
    "FAMILY_NAMES",
    "RecastOutline",
    "draw_dark_photon_limits",
    "limit_citation",
    "recast_outlines",
]

#: The layer whose fields this module draws (the generic panel drawing skips it).
DARK_PHOTON_LAYER = "dark_photon_limits"
_SUFFIX = "_signal_ratio"
_LEVEL = 1.0

#: Legend text of each colour family.
FAMILY_NAMES = {
    "beam dump": "beam dumps (displaced)",
    "prompt": "prompt searches",
    "invisible": "invisible (missing energy)",
}
_FILL_ALPHA = 0.35
_Z_FILL, _Z_LINE, _Z_TEXT = 1.2, 3.2, 5.0


@dataclass(frozen=True)
class RecastOutline:
    """One recast limit of a result: field name, experiment, colour family and citation."""

    source: str
    name: str
    experiment: str
    family: str
    citation: str


@functools.lru_cache(maxsize=256)
def _load(entry: str, stamp: int | None = None) -> DarkPhotonLimit | None:
    """The limit's metadata (a shipped name or a sidecar path), None if it cannot be read.

    ``stamp`` (a user file's modification time) keys the cache, so an edited, moved or new
    file is read again.
    """
    try:
        return load_dark_photon_limit(entry)
    except (ThreeportalError, OSError):
        return None


def _limit(res: ResultLike, name: str) -> DarkPhotonLimit | None:
    """The limit ``name`` (a file stem): shipped, else a path of the stored card's selection."""
    if name in shipped_dark_photon_limits():
        return _load(name)
    options = card_table(res, "constraints").get(DARK_PHOTON_LAYER, {})
    entries = options.get("limits", []) if isinstance(options, dict) else []
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, str) and Path(entry).stem == name:
            path = Path(entry).expanduser()
            stamp = path.stat().st_mtime_ns if path.is_file() else None
            return _load(os.fspath(path), stamp)
    return None


def recast_outlines(res: ResultLike) -> list[RecastOutline]:
    """Every recast limit stored in a result, in field-name order.

    A user's limit whose files cannot be found any more is kept with the experiment and
    citation of the field's description and the prompt family.
    """
    out = []
    for source in sorted(res.fields):
        attrs = res.field_attrs.get(source, {})
        if str(attrs.get("layer", "")) != DARK_PHOTON_LAYER or not source.endswith(_SUFFIX):
            continue
        name = source.removesuffix(_SUFFIX)
        limit = _limit(res, name)
        if limit is not None:
            out.append(
                RecastOutline(
                    source, name, limit.experiment, dark_photon_family(limit), limit.citation
                )
            )
            continue
        text = str(attrs.get("description", name))
        experiment, _, rest = text.partition(" (")
        out.append(RecastOutline(source, name, experiment, "prompt", rest.partition("):")[0]))
    return out


def limit_citation(res: ResultLike, source: str) -> str:
    """The citation of the recast limit whose signal ratio is ``source``; "" for other fields."""
    for outline in recast_outlines(res):
        if outline.source == source:
            return outline.citation
    return ""


def _plot(values: NDArray[np.float64], scale: str) -> NDArray[np.float64]:
    return np.log10(values) if scale == "log" else np.asarray(values, dtype=float)


def _field(z: NDArray[np.float64]) -> tuple[np.ma.MaskedArray, float]:
    """The masked field and level 1 as contoured (log10 for a positive field, as the lines)."""
    invalid = ~np.isfinite(z)
    valid = z[~invalid]
    level = _LEVEL
    if valid.size and np.all(valid > 0):
        z = np.log10(np.where(invalid, 1.0, z))
        level = 0.0
    return np.ma.masked_array(np.where(invalid, 0.0, z), mask=invalid), level


def _fill(ax: Axes, res: ResultLike, z: NDArray[np.float64], color: str) -> Artist | None:
    """Lightly fill where the (NaN-outside-domain) field is above 1; no edges."""
    masked, level = _field(z)
    top = float(masked.max()) if masked.count() else level
    if not top > level:
        return None
    u, v = _plot(res.x, res.x_scale), _plot(res.y, res.y_scale)
    generator = contourpy.contour_generator(
        u, v, masked, fill_type=contourpy.FillType.OuterCode, corner_mask=True
    )
    points, codes = generator.filled(level, top + 1.0)
    if not points:
        return None
    xy = np.concatenate(points)
    if res.x_scale == "log":
        xy[:, 0] = 10.0 ** xy[:, 0]
    if res.y_scale == "log":
        xy[:, 1] = 10.0 ** xy[:, 1]
    patch = PathPatch(
        MplPath(xy, np.concatenate(codes)),
        facecolor=color,
        edgecolor="none",
        alpha=_FILL_ALPHA,
        zorder=_Z_FILL,
    )
    ax.add_patch(patch)
    return patch


def _union(res: ResultLike, sources: Sequence[str]) -> NDArray[np.float64]:
    """Largest signal ratio of several limits, NaN where none is defined."""
    out = np.full((res.y.size, res.x.size), np.nan)
    for source in sources:
        out = np.fmax(out, res.defined(source))
    return out


def _near_line(z: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Grid points next to the level-1 crossing of a field (defined on both sides)."""
    above = np.isfinite(z) & (z > _LEVEL)
    below = np.isfinite(z) & (z <= _LEVEL)
    near = np.zeros(z.shape, dtype=bool)
    for axis in (0, 1):
        a = np.moveaxis(above, axis, 0)
        b = np.moveaxis(below, axis, 0)
        n = np.moveaxis(near, axis, 0)
        cross = (a[1:] & b[:-1]) | (a[:-1] & b[1:])
        n[1:] |= cross
        n[:-1] |= cross
    return near


@dataclass
class _Grid:
    """The result's grid points in data coordinates and in display pixels, for box tests."""

    x: NDArray[np.float64]
    y: NDArray[np.float64]
    px: NDArray[np.float64]
    py: NDArray[np.float64]

    @classmethod
    def of(cls, ax: Axes, res: ResultLike) -> _Grid:
        """The grid of ``res`` as drawn on ``ax`` (its limits and scales already set)."""
        x, y = np.asarray(res.x, dtype=float), np.asarray(res.y, dtype=float)
        px = ax.transData.transform(np.column_stack([x, np.full(x.size, y[0])]))[:, 0]
        py = ax.transData.transform(np.column_stack([np.full(y.size, x[0]), y]))[:, 1]
        return cls(x, y, px, py)

    def boxes(
        self, width: float, height: float
    ) -> tuple[NDArray[np.int_], NDArray[np.int_], NDArray[np.int_], NDArray[np.int_]]:
        """Index ranges [i0, i1) x [j0, j1) of a box centred on every grid point."""
        i0 = np.searchsorted(self.px, self.px - width / 2)
        i1 = np.searchsorted(self.px, self.px + width / 2, side="right")
        j0 = np.searchsorted(self.py, self.py - height / 2)
        j1 = np.searchsorted(self.py, self.py + height / 2, side="right")
        return i0, i1, j0, j1

    def fits(self, allowed: NDArray[np.bool_], width: float, height: float) -> NDArray[np.bool_]:
        """Where a box of the given pixel size, centred on the point, lies on allowed points
        only and inside the axes."""
        i0, i1, j0, j1 = self.boxes(width, height)
        table = np.zeros((allowed.shape[0] + 1, allowed.shape[1] + 1))
        table[1:, 1:] = np.cumsum(np.cumsum(~allowed, axis=0), axis=1)
        bad = (
            table[j1[:, None], i1[None, :]]
            - table[j0[:, None], i1[None, :]]
            - table[j1[:, None], i0[None, :]]
            + table[j0[:, None], i0[None, :]]
        )
        inside_x = (self.px - width / 2 >= self.px[0]) & (self.px + width / 2 <= self.px[-1])
        inside_y = (self.py - height / 2 >= self.py[0]) & (self.py + height / 2 <= self.py[-1])
        return (bad == 0) & inside_y[:, None] & inside_x[None, :]

    def mark(self, taken: NDArray[np.bool_], j: int, i: int, width: float, height: float) -> None:
        """Set the points of a box centred on grid point (i, j), with a small margin."""
        i0, i1, j0, j1 = self.boxes(width + 6.0, height + 6.0)
        taken[j0[j] : j1[j], i0[i] : i1[i]] = True


def _best(grid: _Grid, options: Sequence[NDArray[np.bool_]], size: tuple[float, float]):
    """First option where the box fits; the point farthest from the option's edge."""
    for allowed in options:
        fits = grid.fits(allowed, *size)
        if fits.any():
            sampling = (np.median(np.diff(grid.py)), np.median(np.diff(grid.px)))
            depth = ndimage.distance_transform_edt(allowed, sampling=sampling)
            return np.unravel_index(np.argmax(np.where(fits, depth, -1.0)), fits.shape)
    return None


def _place_label(
    ax: Axes,
    grid: _Grid,
    text: str,
    style: dict[str, object],
    options: Sequence[NDArray[np.bool_]],
    taken: NDArray[np.bool_],
) -> Artist | None:
    """Write ``text`` where it fits inside the first possible option (upright if narrow);
    None (nothing written) if it fits nowhere."""
    renderer = ax.figure.canvas.get_renderer()
    artist = ax.text(0, 0, text, ha="center", va="center", zorder=_Z_TEXT, **style)
    box = artist.get_window_extent(renderer)
    upright = (box.width, box.height)
    where = None
    for rotation, size in ((0.0, upright), (90.0, upright[::-1])):  # noqa: B007 - used below
        where = _best(grid, [o & ~taken for o in options], size)
        if where is not None:
            break
    if where is None:
        artist.remove()
        return None
    j, i = (int(k) for k in where)
    artist.set_position((float(grid.x[i]), float(grid.y[j])))
    artist.set_rotation(rotation)
    grid.mark(taken, j, i, *size)
    return artist


def _entries(
    families: Sequence[str], unplaced: dict[str, list[str]]
) -> list[tuple[tuple[Artist, Artist], str]]:
    """Legend entries, one per family (its fill and line); experiments whose label found no
    room in their region are named in their family's entry."""
    entries = []
    for family in families:
        look = DARK_PHOTON_FAMILIES[family]
        fill = Patch(facecolor=look["facecolor"], alpha=_FILL_ALPHA, edgecolor="none")
        line = Line2D([], [], color=look["color"], linestyle=look["linestyle"], linewidth=1.0)
        names = unplaced.get(family, [])
        text = FAMILY_NAMES[family] + (f": {', '.join(names)}" if names else "")
        entries.append(((fill, line), text))
    return entries


def _legend(
    ax: Axes, entries: Sequence[tuple[tuple[Artist, Artist], str]], busy: NDArray[np.bool_]
) -> Legend:
    """The legend inside the axes, in the corner where it covers least of ``busy``."""
    grid_px, grid_py = busy.shape[1], busy.shape[0]
    renderer = ax.figure.canvas.get_renderer()
    axes_box = ax.get_window_extent(renderer)
    best: tuple[float, Legend] | None = None
    for loc in ("lower right", "upper right", "lower left", "upper left"):
        legend = Legend(
            ax,
            [handle for handle, _ in entries],
            [text for _, text in entries],
            loc=loc,
            handler_map={tuple: HandlerTuple(ndivide=1)},
            fontsize=5.5,
            framealpha=0.9,
            edgecolor="0.6",
        )
        legend.set_figure(ax.figure)
        box = legend.get_window_extent(renderer)
        fx = (np.array([box.x0, box.x1]) - axes_box.x0) / axes_box.width * grid_px
        fy = (np.array([box.y0, box.y1]) - axes_box.y0) / axes_box.height * grid_py
        i0, i1 = np.clip(fx.astype(int), 0, grid_px)
        j0, j1 = np.clip(fy.astype(int), 0, grid_py)
        score = float(busy[j0 : j1 + 1, i0 : i1 + 1].sum())
        if best is None or score < best[0]:
            best = (score, legend)
    assert best is not None
    best[1].set_zorder(_Z_TEXT)
    ax.add_artist(best[1])
    return best[1]


def _set_axes(ax: Axes, res: ResultLike) -> None:
    """Scales and limits of the stored axes (as the generic panel drawing sets them)."""
    ax.set_xscale(res.x_scale)
    ax.set_yscale(res.y_scale)
    ax.set_xlim(float(res.x[0]), float(res.x[-1]))
    ax.set_ylim(float(res.y[0]), float(res.y[-1]))


def _outline(c: Contour, look: dict[str, str], name: str) -> LineCollection:
    """One limit's outline at signal ratio 1: every piece of its level-1 contour."""
    collection = LineCollection(
        [np.asarray(p.xy, dtype=float) for p in c.pieces],
        colors=look["color"],
        linestyles=look["linestyle"],
        linewidths=1.0,
        zorder=_Z_LINE,
        label=name,
    )
    collection.set_gid(name)
    return collection


def draw_dark_photon_limits(
    ax: Axes,
    result: ResultLike | str | os.PathLike[str],
    *,
    families: Sequence[str] = tuple(DARK_PHOTON_FAMILIES),
    label: bool = True,
    contours: Sequence[Contour] | None = None,
    handles: list[tuple[Any, str]] | None = None,
    fontsize: float = 5.5,
) -> list[Artist]:
    """Draw every recast dark-photon limit of a stored result on ``ax``.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw; its scales and limits are set from the stored axes.
    result : ScanResult or path-like
        A stored scan result with the layer ``dark_photon_limits`` (nothing drawn without).
    families : sequence of str
        Colour families to draw, of ``"beam dump"``, ``"prompt"``, ``"invisible"``.
    label : bool
        Write one label per experiment (and family) inside its region, and the legend: one
        entry per family, naming the experiments whose label found no room.
    contours : sequence of Contour, optional
        The result's contours (default: stored ones, else extracted).
    handles : list, optional
        Append the legend entries, ``(handle, text)``, to this list instead of drawing a
        legend inside the axes (the panel drawing puts them in its legend above the axes).
    fontsize : float
        Size of the experiment labels, points.

    Returns
    -------
    list of matplotlib.artist.Artist
        Per family its fill, one ``LineCollection`` per limit with an outline on the plane
        (its ``gid`` is the limit's name), then the labels and the legend.
    """
    res = open_result(result)
    unknown = set(families) - set(DARK_PHOTON_FAMILIES)
    if unknown:
        raise PlottingError(
            f"dark-photon families {sorted(unknown)} unknown; allowed: "
            f"{', '.join(DARK_PHOTON_FAMILIES)}"
        )
    outlines = [o for o in recast_outlines(res) if o.family in families]
    if not outlines:
        return []
    _set_axes(ax, res)
    lines = {
        c.source: c
        for c in (result_contours(res) if contours is None else contours)
        if c.kind == "line" and c.level == _LEVEL and c.pieces
    }
    artists: list[Artist] = []
    shown: list[str] = []
    for family in families:
        members = [o for o in outlines if o.family == family]
        look = DARK_PHOTON_FAMILIES[family]
        fill = _fill(ax, res, _union(res, [o.source for o in members]), look["facecolor"])
        drawn = [_outline(lines[o.source], look, o.name) for o in members if o.source in lines]
        for collection in drawn:
            ax.add_collection(collection, autolim=False)
        artists += ([fill] if fill is not None else []) + drawn
        if fill is not None or drawn:
            shown.append(family)
    if label and shown:
        labels, unplaced, busy = _annotate(
            ax, res, [o for o in outlines if o.family in shown], fontsize
        )
        artists += labels
        entries = _entries(shown, unplaced)
        if handles is None:
            artists.append(_legend(ax, entries, busy))
        else:
            handles.extend(entries)
    return artists


def _annotate(
    ax: Axes,
    res: ResultLike,
    outlines: Sequence[RecastOutline],
    fontsize: float,
) -> tuple[list[Artist], dict[str, list[str]], NDArray[np.bool_]]:
    """One label per experiment and family inside its region, smallest region first.

    Returns the labels, the experiments (by family) whose label found no room in their
    region, and where anything is drawn (regions, lines and labels) on the grid.
    """
    grid = _Grid.of(ax, res)
    groups: dict[tuple[str, str], list[str]] = {}
    for o in outlines:
        groups.setdefault((o.family, o.experiment), []).append(o.source)
    regions = {}
    for key, sources in groups.items():
        region = _union(res, sources) > _LEVEL
        if region.any():
            regions[key] = region
    nothing = np.zeros((res.y.size, res.x.size), dtype=bool)
    near = np.logical_or.reduce([_near_line(res.defined(o.source)) for o in outlines] + [nothing])
    taken = nothing.copy()
    labels: list[Artist] = []
    unplaced: dict[str, list[str]] = {}
    for key in sorted(regions, key=lambda k: int(regions[k].sum())):
        region = regions[key]
        others = np.logical_or.reduce([v for k, v in regions.items() if k != key] + [nothing])
        look = DARK_PHOTON_FAMILIES[key[0]]
        style = {
            "fontsize": fontsize,
            "color": look["color"],
            "path_effects": [patheffects.withStroke(linewidth=1.5, foreground="white")],
        }
        options = [region & ~others & ~near, region & ~near, region]
        label = _place_label(ax, grid, key[1], style, options, taken)
        if label is None:
            unplaced.setdefault(key[0], []).append(key[1])
        else:
            labels.append(label)
    busy = np.logical_or.reduce([*regions.values(), near, taken])
    return labels, unplaced, busy
