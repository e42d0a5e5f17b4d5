"""Draw a stored scan result on a matplotlib ``Axes``: regions, curves and their labels.

:func:`draw_result` reads only what the scan stored (fields, masks, their contours, the
card); it never evaluates physics. What it draws, with the layer registry's styles:

* every mask of a *region* layer is filled (edges drawn), except masks that are some
  field's domain and reference masks (``reference`` attribute, e.g.
  ``peak_search_kek_original_excluded``); masks of *curve* layers (e.g.
  ``na62_ee_sensitive``) are not drawn, their field's line is;
* a region layer's reference fields (the published bound before reinterpretation) are drawn
  at their level as faint dashed lines labelled with their ``item`` (the experiment's name),
  so the weakening is visible;
* every field of a curve layer is drawn at its levels, labelled in line with the layer
  label (one level) or ``<symbol> = <level> <units>`` (several levels, e.g. lifetimes).

Labels are placed by :mod:`threeportal.plotting.labels` so that nothing overlaps: region
labels inside their region (where no other region lies if possible; upright if the region
is too narrow), line labels on or beside their line, the fixed parameters in free space.
What finds no room goes to a legend above the axes, titled with the fixed parameters.

Style overrides (a ``[plot]`` table of the stored card, then the argument ``style``) are
keyed by layer or dataset name: the registry style keys (``facecolor``, ``edgecolor``,
``alpha``, ``color``, ``linestyle``, ``linewidth``, ``zorder``), ``edgewidth`` of regions,
``bound_color``/``bound_linestyle``/``bound_linewidth``/``bound_alpha``/``bound_label`` of
the published bounds, ``textcolor``, ``label`` (``""`` hides it) and ``label_xy`` (pin a
region label at data coordinates).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.contour import ContourSet
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path as MplPath

from ._result import ResultLike, open_result
from .annotations import Z, draw_legend, draw_note, parameter_text
from .contours import Contour, result_contours
from .dark_photon import DARK_PHOTON_LAYER, draw_dark_photon_limits
from .frame import off_frame_pieces, visible_length
from .labels import Raster, label_lines, place_text
from .plan import PlanItem, merged_styles, plan_items
from .styles import (
    BOUND_LABELS,
    EXPERIMENT_NAMES,
    FIELD_SYMBOLS,
    axis_label,
)

__all__ = ["draw_result"]

# Line roles in labelling order: the most important labels get the best places.
_LINE_ROLES = ("curve", "levels", "bound")


def _region_path(contour: Contour) -> MplPath | None:
    """One compound path of all outer boundaries and holes (holes run the other way)."""
    vertices, codes = [], []
    for piece in contour.pieces:
        ring = np.asarray(piece.xy, dtype=float)
        if len(ring) < 3:
            continue
        code = np.full(len(ring), MplPath.LINETO, dtype=MplPath.code_type)
        code[0], code[-1] = MplPath.MOVETO, MplPath.CLOSEPOLY
        vertices.append(ring)
        codes.append(code)
    if not vertices:
        return None
    return MplPath(np.concatenate(vertices), np.concatenate(codes))


def _line_style(item: PlanItem) -> dict[str, Any]:
    """Colour, line style and width, alpha and zorder of a line item."""
    st = item.style
    if item.role == "bound":
        return {
            "color": st.get("bound_color", st.get("edgecolor", "0.4")),
            "linestyle": st.get("bound_linestyle", "dashed"),
            "linewidth": st.get("bound_linewidth", 0.7),
            "alpha": st.get("bound_alpha", 0.75),
            "zorder": Z["bound"],
        }
    return {
        "color": st.get("color", "black"),
        "linestyle": st.get("linestyle", "solid"),
        "linewidth": st.get("linewidth", 1.0),
        "alpha": st.get("alpha", 1.0),
        "zorder": st.get("zorder", Z[item.role]),
    }


def _choices(label: str | Sequence[str] | None) -> list[str]:
    """A label and its shorter alternatives, as a list (empty: no label)."""
    if not label:
        return []
    return [label] if isinstance(label, str) else [str(v) for v in label if v]


def _line_labels(item: PlanItem) -> dict[float, list[str]]:
    """In-line label (and shorter alternatives) of each level of a line item."""
    st = item.style
    if item.role == "curve":
        return {c.level: _choices(st.get("label")) for c in item.contours}
    if item.role == "bound":
        key = item.per_item or item.source
        name = EXPERIMENT_NAMES.get(key, key)
        texts = [t.format(name=name) for t in _choices(st.get("bound_label", BOUND_LABELS))]
        return {c.level: texts for c in item.contours}
    symbol = FIELD_SYMBOLS.get(item.source, item.source)
    units = item.contours[0].units
    suffix = "" if units in ("", "1") else f" {units}"
    return {c.level: [f"{symbol} = {c.level:g}{suffix}"] for c in item.contours}


def _legend_text(
    item: PlanItem, levels: Sequence[float], formats: Mapping[float, list[str]]
) -> str:
    """One legend entry for the levels of a line item that found no room for a label."""
    if item.role == "levels" and len(levels) > 1:
        symbol = FIELD_SYMBOLS.get(item.source, item.source)
        units = item.contours[0].units
        suffix = "" if units in ("", "1") else f" {units}"
        return f"{symbol} = {', '.join(f'{v:g}' for v in levels)}{suffix}"
    return formats[levels[0]][0]


@dataclass
class _Canvas:
    """What :func:`draw_result` has drawn so far, for labelling and legends."""

    artists: list[Artist] = field(default_factory=list)
    regions: dict[str, list[MplPath]] = field(default_factory=dict)
    region_styles: dict[str, dict[str, Any]] = field(default_factory=dict)
    region_keys: dict[str, list[int]] = field(default_factory=dict)  # raster keys per layer
    lines: list[tuple[int, PlanItem, ContourSet]] = field(default_factory=list)
    outlines: list[tuple[int, Any]] = field(default_factory=list)  # (key, (N, 2) data xy)
    handles: list[tuple[Artist, str]] = field(default_factory=list)  # legend entries


def draw_result(
    ax: Axes,
    result: ResultLike | str | os.PathLike[str],
    style: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    contours: Sequence[Contour] | None = None,
    parameters: bool = True,
    fontsize: float = 6.5,
) -> list[Artist]:
    """Draw a stored scan result on ``ax`` and return the artists drawn.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw; its scales, limits and labels are set from the stored axes.
    result : ScanResult or path-like
        A stored scan result (read only; no physics is evaluated).
    style : mapping, optional
        Overrides by layer or dataset name, e.g. ``{"na48_2": {"facecolor": "red",
        "label": "NA48/2"}}``; ``"label": ""`` hides a label; ``"label_xy": (x, y)`` pins a
        region label at data coordinates (see the module docstring for every key). Applied
        on top of the stored card's ``[plot]`` table, if it has one.
    contours : sequence of Contour, optional
        Contours to draw (default: those stored in the result, else extracted from it).
    parameters : bool
        Write the fixed model parameters (the card's ``[model]`` table minus the axes).
    fontsize : float
        Size of the labels on the panel, points.

    Returns
    -------
    list of matplotlib.artist.Artist
        Every artist added: region patches, contour sets, label texts, legend or note.
    """
    res = open_result(result)
    contours = result_contours(res) if contours is None else contours
    items = plan_items(res, contours, merged_styles(res, style))
    _set_axes(ax, res)
    canvas = _Canvas()
    recast = draw_dark_photon_limits(
        ax, res, contours=contours, handles=canvas.handles, fontsize=fontsize - 1
    )
    canvas.artists += recast
    for key, item in enumerate(items):
        if item.role == "region":
            _draw_region(ax, canvas, key, item)
    for key, item in enumerate(items):
        if item.role == "region" and item.edges is not None:
            _draw_edges(ax, canvas, key, item)
        elif item.role != "region":
            _draw_line(ax, canvas, key, item)
    raster = Raster(ax)
    for key, xy in canvas.outlines:
        raster.add_line(key, xy)
    # the recast limits' labels and outlines (region edges, which a last-resort label crosses)
    canvas.region_keys[DARK_PHOTON_LAYER] = raster.add_drawn(recast, first_key=-1)
    regions = np.logical_or.reduce(
        [raster.inside(path) for paths in canvas.regions.values() for path in paths]
        + [raster.empty()]
    )
    _label_lines(ax, raster, canvas, fontsize, regions)
    any_region = _label_regions(ax, raster, canvas, fontsize)
    note = parameter_text(res) if parameters else ""
    if canvas.handles:
        canvas.artists.append(draw_legend(ax, raster, canvas.handles, note, fontsize))
    elif note:
        canvas.artists.append(draw_note(ax, raster, note, any_region, fontsize))
    return canvas.artists


def _set_axes(ax: Axes, res: ResultLike) -> None:
    """Scales, limits and labels of the axes, from the stored axes."""
    ax.set_xscale(res.x_scale)
    ax.set_yscale(res.y_scale)
    ax.set_xlim(float(res.x[0]), float(res.x[-1]))
    ax.set_ylim(float(res.y[0]), float(res.y[-1]))
    ax.set_xlabel(axis_label(res.x_name, res.x_units))
    ax.set_ylabel(axis_label(res.y_name, res.y_units))


def _draw_region(ax: Axes, canvas: _Canvas, key: int, item: PlanItem) -> None:
    """Fill a region item (all its pieces and holes as one patch), or hatch it.

    A region defined by a field gets no polygon edge: its outline is the field's iso-line
    (:func:`_draw_edges`), so the frame and domain boundaries are never drawn as edges.
    """
    path = _region_path(item.contours[0])
    if path is None:
        return
    st = item.style
    hatch = st.get("hatch")
    edge = st.get("edgecolor", "none")
    patch = PathPatch(
        path,
        facecolor=st.get("facecolor", "0.8"),
        edgecolor=edge if item.edges is None else "none",
        hatch=hatch,
        hatchcolor=st.get("hatchcolor", edge if edge != "none" else "0.3"),
        alpha=st.get("alpha", 1.0),
        linewidth=st.get("edgewidth", 0.6) if item.edges is None else 0.0,
        zorder=st.get("zorder", Z["region"]),
    )
    ax.add_patch(patch)
    canvas.artists.append(patch)
    canvas.regions.setdefault(item.layer, []).append(path)
    canvas.region_styles.setdefault(item.layer, st)
    canvas.region_keys.setdefault(item.layer, []).append(key)
    if item.edges is None:
        canvas.outlines.extend(
            (key, np.asarray(p.xy, dtype=float)) for p in item.contours[0].pieces
        )


def _draw_edges(ax: Axes, canvas: _Canvas, key: int, item: PlanItem) -> None:
    """Outline of a field-defined region: its iso-line, except where it runs inside another
    region of the same layer (a layer's union has one outline)."""
    others = [
        path
        for path in canvas.regions.get(item.layer, [])
        if path is not _region_path_of(canvas, key)
    ]
    st = item.style
    for piece in off_frame_pieces(ax, item.edges or []):
        xy = np.array(piece.xy, dtype=float)
        if others and len(xy):
            display = ax.transData.transform(xy)
            inside = np.zeros(len(xy), dtype=bool)
            for path in others:
                inside |= ax.transData.transform_path(path).contains_points(display, radius=-2.0)
            xy[inside] = np.nan
        if np.isfinite(xy).all(axis=1).sum() < 2:
            continue
        (line,) = ax.plot(
            xy[:, 0],
            xy[:, 1],
            color=st.get("edgecolor", "0.3"),
            linewidth=st.get("edgewidth", 0.8),
            linestyle=st.get("edgestyle", "solid"),
            zorder=Z["bound"] - 0.1,
        )
        canvas.artists.append(line)
        canvas.outlines.append((key, xy))


def _region_path_of(canvas: _Canvas, key: int) -> MplPath | None:
    """The path drawn for region item ``key`` (None if it drew nothing)."""
    for layer, keys in canvas.region_keys.items():
        if key in keys:
            return canvas.regions[layer][keys.index(key)]
    return None


def _draw_line(ax: Axes, canvas: _Canvas, key: int, item: PlanItem) -> None:
    """Draw the levels of a line item as one contour set (stretches along the frame left out)."""
    item.contours = [
        dataclasses.replace(c, pieces=off_frame_pieces(ax, c.pieces)) for c in item.contours
    ]
    if not any(c.pieces for c in item.contours):
        return
    ls = _line_style(item)
    cs = ContourSet(
        ax,
        [c.level for c in item.contours],
        [[np.asarray(p.xy, dtype=float) for p in c.pieces] for c in item.contours],
        colors=[ls["color"]],
        linestyles=[ls["linestyle"]],
        linewidths=ls["linewidth"],
        alpha=ls["alpha"],
        zorder=ls["zorder"],
    )
    canvas.artists.append(cs)
    canvas.lines.append((key, item, cs))
    canvas.outlines.extend(
        (key, np.asarray(p.xy, dtype=float)) for c in item.contours for p in c.pieces
    )


#: A line shorter than this fraction of the axes' width inside the axes is not on the panel:
#: it gets no label and no legend entry.
_MIN_VISIBLE = 0.015


def _label_lines(ax: Axes, raster: Raster, canvas: _Canvas, fontsize: float, regions: Any) -> None:
    """Label every line in place, the most important roles first; the rest go to the legend.

    Level lines (lifetimes) are labelled in the free part of the panel (outside every region)
    where they can be, else anywhere on themselves. A line that is not visible on the panel
    (shorter than :data:`_MIN_VISIBLE` of the axes' width) is neither labelled nor listed.
    """
    shortest = _MIN_VISIBLE * ax.get_window_extent().width
    for role in _LINE_ROLES:
        for key, item, cs in canvas.lines:
            if item.role != role:
                continue
            formats = {k: v for k, v in _line_labels(item).items() if v}
            pieces = {
                c.level: [p.xy for p in c.pieces]
                for c in item.contours
                if c.level in formats and visible_length(ax, [p.xy for p in c.pieces]) > shortest
            }
            ls = _line_style(item)
            color = "black" if role == "curve" else ls["color"]
            texts: list[Any] = []
            if role == "levels":
                texts, rest = label_lines(
                    ax, raster, cs, pieces, formats, [key], fontsize, color, avoid=regions
                )
                pieces = {level: pieces[level] for level in rest}
            more, unlabelled = label_lines(ax, raster, cs, pieces, formats, [key], fontsize, color)
            texts += more
            for text in texts:
                text.set_zorder(Z["text"])
            canvas.artists.extend(texts)
            if unlabelled:
                proxy = Line2D([], [], **{k: v for k, v in ls.items() if k != "zorder"})
                canvas.handles.append((proxy, _legend_text(item, unlabelled, formats)))


def _label_regions(ax: Axes, raster: Raster, canvas: _Canvas, fontsize: float) -> Any:
    """Label every region inside itself, smallest first; returns where any region lies."""
    insides = {
        layer: np.logical_or.reduce([raster.inside(p) for p in paths])
        for layer, paths in canvas.regions.items()
    }
    for layer in sorted(insides, key=lambda name: int(insides[name].sum())):
        st = canvas.region_styles[layer]
        labels = _choices(st.get("label"))
        if labels:
            _label_region(ax, raster, canvas, layer, labels, insides, fontsize)
    return np.logical_or.reduce([*insides.values(), raster.empty()])


def _label_region(
    ax: Axes,
    raster: Raster,
    canvas: _Canvas,
    layer: str,
    labels: list[str],
    insides: Mapping[str, Any],
    fontsize: float,
) -> None:
    """Place one region's label: pinned, else inside it where nothing else is, else in the
    legend (its shortest form: the legend is narrow)."""
    st = canvas.region_styles[layer]
    text = ax.text(
        0.5,
        0.5,
        labels[0],
        transform=ax.transAxes,
        ha="center",
        va="center",
        multialignment="center",
        fontsize=fontsize,
        zorder=Z["text"],
        color=st.get("textcolor", "black"),
    )
    if "label_xy" in st:
        text.set_transform(ax.transData)
        text.set_position(tuple(st["label_xy"]))
        raster.mark(text.get_window_extent(raster.renderer))
        canvas.artists.append(text)
        return
    free = ~raster.obstacles(margin=2.0)
    others = np.logical_or.reduce([v for k, v in insides.items() if k != layer] + [raster.empty()])
    # last resort: across the edges of other regions (never across a curve or label)
    other_edges = [k for name, keys in canvas.region_keys.items() if name != layer for k in keys]
    options = [
        insides[layer] & ~others & free,
        insides[layer] & free,
        insides[layer] & ~raster.obstacles(exclude=other_edges, margin=2.0),
    ]
    if place_text(ax, raster, text, options, (0.0, 90.0), labels[1:]):
        canvas.artists.append(text)
    else:
        text.remove()
        patch_style = {k: st[k] for k in ("facecolor", "edgecolor", "alpha") if k in st}
        canvas.handles.append((Patch(**patch_style), labels[-1].replace("\n", " ")))
