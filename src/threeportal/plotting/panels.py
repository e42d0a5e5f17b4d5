"""Draw a stored scan result on a matplotlib ``Axes``: regions, curves and their labels.

:func:`draw_result` reads only what the scan stored (fields, masks, their contours, the
card); it never evaluates physics. What it draws, with the layer registry's styles:

* every mask of a *region* layer is filled (edges drawn), except masks that are some
  field's domain and ``*_original_*`` masks; masks of *curve* layers (e.g.
  ``na62_ee_sensitive``) are not drawn, their field's line is;
* a region layer's ``*_original_*`` fields are drawn at their level as faint dashed lines
  labelled with the experiment's name: the published bound before reinterpretation, so the
  weakening is visible;
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

import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.contour import ContourSet
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path as MplPath
from numpy.typing import NDArray

from ._result import PlottingError, ResultLike, card_table, open_result
from .contours import Contour, result_contours
from .labels import Raster, label_lines, place_text, text_size
from .styles import (
    BOUND_LABELS,
    EXPERIMENT_NAMES,
    FIELD_SYMBOLS,
    PAPER_RC,
    axis_label,
    format_parameter,
    layer_style,
)

__all__ = [
    "PANEL_SIZE",
    "draw_result",
    "panel_figure",
    "panels_figure",
    "save_figure",
]

#: Width of one panel (the paper's column width) and its default height, inches.
PANEL_SIZE = (3.4, 3.0)
# Axes rectangle inside a panel: left, bottom, width, height in inches.
_AXES_RECT = (0.62, 0.42, 2.66, 2.3)
_Z = {"region": 1.0, "bound": 2.0, "levels": 2.5, "curve": 3.0, "text": 5.0}
# Line roles in labelling order: the most important labels get the best places.
_LINE_ROLES = ("curve", "levels", "bound")


@dataclass
class _Item:
    contours: list[Contour]
    role: str  # "region", "curve", "levels" or "bound"
    layer: str
    source: str
    style: dict[str, Any]


def _plan(
    res: ResultLike, contours: Sequence[Contour], style: Mapping[str, Mapping[str, Any]]
) -> list[_Item]:
    """What to draw, in drawing order."""
    domains = res.domain_masks()
    by_source: dict[str, list[Contour]] = {}
    for contour in contours:
        by_source.setdefault(contour.source, []).append(contour)
    items = []
    for source, group in by_source.items():
        layer, kind = group[0].layer, group[0].kind
        overrides = {**style.get(layer, {}), **style.get(source, {})}
        st = layer_style(layer, "region" if kind == "region" else "curve", overrides)
        layer_kind = st["kind"]
        original = "_original_" in source
        if kind == "region":
            if layer_kind == "region" and source not in domains and not original:
                items.append(_Item(group, "region", layer, source, st))
        elif layer_kind == "region":
            if original:
                items.append(_Item(group, "bound", layer, source, st))
        else:
            role = "curve" if len(group) == 1 else "levels"
            items.append(_Item(group, role, layer, source, st))
    order = {"region": 0, "bound": 1, "levels": 2, "curve": 3}
    return sorted(items, key=lambda item: order[item.role])


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


def _line_style(item: _Item) -> dict[str, Any]:
    """Colour, line style and width, alpha and zorder of a line item."""
    st = item.style
    if item.role == "bound":
        return {
            "color": st.get("bound_color", st.get("edgecolor", "0.4")),
            "linestyle": st.get("bound_linestyle", "dashed"),
            "linewidth": st.get("bound_linewidth", 0.7),
            "alpha": st.get("bound_alpha", 0.75),
            "zorder": _Z["bound"],
        }
    return {
        "color": st.get("color", "black"),
        "linestyle": st.get("linestyle", "solid"),
        "linewidth": st.get("linewidth", 1.0),
        "alpha": st.get("alpha", 1.0),
        "zorder": st.get("zorder", _Z[item.role]),
    }


def _choices(label: str | Sequence[str] | None) -> list[str]:
    """A label and its shorter alternatives, as a list (empty: no label)."""
    if not label:
        return []
    return [label] if isinstance(label, str) else [str(v) for v in label if v]


def _line_labels(item: _Item) -> dict[float, list[str]]:
    """In-line label (and shorter alternatives) of each level of a line item."""
    st = item.style
    if item.role == "curve":
        return {c.level: _choices(st.get("label")) for c in item.contours}
    if item.role == "bound":
        key = item.source.removeprefix(f"{item.layer}_").split("_original")[0]
        name = EXPERIMENT_NAMES.get(key, key)
        texts = [t.format(name=name) for t in _choices(st.get("bound_label", BOUND_LABELS))]
        return {c.level: texts for c in item.contours}
    symbol = FIELD_SYMBOLS.get(item.source, item.source)
    units = item.contours[0].units
    suffix = "" if units in ("", "1") else f" {units}"
    return {c.level: [f"{symbol} = {c.level:g}{suffix}"] for c in item.contours}


def _legend_text(item: _Item, levels: Sequence[float], formats: Mapping[float, list[str]]) -> str:
    """One legend entry for the levels of a line item that found no room for a label."""
    if item.role == "levels" and len(levels) > 1:
        symbol = FIELD_SYMBOLS.get(item.source, item.source)
        units = item.contours[0].units
        suffix = "" if units in ("", "1") else f" {units}"
        return f"{symbol} = {', '.join(f'{v:g}' for v in levels)}{suffix}"
    return formats[levels[0]][0]


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
    merged = {k: dict(v) for k, v in card_table(res, "plot").items() if isinstance(v, Mapping)}
    for key, value in (style or {}).items():
        merged[key] = {**merged.get(key, {}), **value}
    items = _plan(res, result_contours(res) if contours is None else contours, merged)

    ax.set_xscale(res.x_scale)
    ax.set_yscale(res.y_scale)
    ax.set_xlim(float(res.x[0]), float(res.x[-1]))
    ax.set_ylim(float(res.y[0]), float(res.y[-1]))
    ax.set_xlabel(axis_label(res.x_name, res.x_units))
    ax.set_ylabel(axis_label(res.y_name, res.y_units))

    artists: list[Artist] = []
    regions: dict[str, list[MplPath]] = {}
    region_styles: dict[str, dict[str, Any]] = {}
    region_keys: dict[str, list[int]] = {}  # raster keys of each region layer's outlines
    lines: list[tuple[int, _Item, ContourSet]] = []
    outlines: list[tuple[int, Contour]] = []
    for key, item in enumerate(items):
        st = item.style
        if item.role == "region":
            path = _region_path(item.contours[0])
            if path is None:
                continue
            patch = PathPatch(
                path,
                facecolor=st.get("facecolor", "0.8"),
                edgecolor=st.get("edgecolor", "none"),
                alpha=st.get("alpha", 1.0),
                linewidth=st.get("edgewidth", 0.6),
                zorder=st.get("zorder", _Z["region"]),
            )
            ax.add_patch(patch)
            artists.append(patch)
            regions.setdefault(item.layer, []).append(path)
            region_styles.setdefault(item.layer, st)
            region_keys.setdefault(item.layer, []).append(key)
            outlines.append((key, item.contours[0]))
            continue
        if not any(c.pieces for c in item.contours):
            continue
        ls = _line_style(item)
        cs = ContourSet(
            ax,
            [c.level for c in item.contours],
            [[np.asarray(p.xy, dtype=float) for p in c.pieces] for c in item.contours],
            colors=[ls["color"]],
            linestyles=ls["linestyle"],
            linewidths=ls["linewidth"],
            alpha=ls["alpha"],
            zorder=ls["zorder"],
        )
        artists.append(cs)
        lines.append((key, item, cs))
        outlines.extend((key, c) for c in item.contours)

    raster = Raster(ax)
    for key, contour in outlines:
        for piece in contour.pieces:
            raster.add_line(key, np.asarray(piece.xy, dtype=float))
    handles: list[tuple[Artist, str]] = []
    for role in _LINE_ROLES:
        for key, item, cs in lines:
            if item.role != role:
                continue
            formats = {k: v for k, v in _line_labels(item).items() if v}
            pieces = {
                c.level: [p.xy for p in c.pieces]
                for c in item.contours
                if c.pieces and c.level in formats
            }
            ls = _line_style(item)
            color = "black" if role == "curve" else ls["color"]
            texts, unlabelled = label_lines(ax, raster, cs, pieces, formats, [key], fontsize, color)
            for text in texts:
                text.set_zorder(_Z["text"])
            artists.extend(texts)
            if unlabelled:
                proxy = Line2D([], [], **{k: v for k, v in ls.items() if k != "zorder"})
                handles.append((proxy, _legend_text(item, unlabelled, formats)))

    insides = {
        layer: np.logical_or.reduce([raster.inside(p) for p in paths])
        for layer, paths in regions.items()
    }
    any_region = np.logical_or.reduce([*insides.values(), raster.empty()])
    for layer in sorted(insides, key=lambda name: int(insides[name].sum())):
        st = region_styles[layer]
        labels = _choices(st.get("label"))
        if not labels:
            continue
        text = ax.text(
            0.5,
            0.5,
            labels[0],
            transform=ax.transAxes,
            ha="center",
            va="center",
            multialignment="center",
            fontsize=fontsize,
            zorder=_Z["text"],
            color=st.get("textcolor", "black"),
        )
        if "label_xy" in st:
            text.set_transform(ax.transData)
            text.set_position(tuple(st["label_xy"]))
            raster.mark(text.get_window_extent(raster.renderer))
            artists.append(text)
            continue
        free = ~raster.obstacles(margin=2.0)
        others = np.logical_or.reduce(
            [v for k, v in insides.items() if k != layer] + [raster.empty()]
        )
        # last resort: across the edges of other regions (never across a curve or label)
        other_edges = [k for name, keys in region_keys.items() if name != layer for k in keys]
        options = [
            insides[layer] & ~others & free,
            insides[layer] & free,
            insides[layer] & ~raster.obstacles(exclude=other_edges, margin=2.0),
        ]
        if place_text(ax, raster, text, options, (0.0, 90.0), labels[1:]):
            artists.append(text)
        else:
            text.remove()
            patch_style = {k: st[k] for k in ("facecolor", "edgecolor", "alpha") if k in st}
            handles.append((Patch(**patch_style), labels[0].replace("\n", " ")))

    note = _parameter_text(res) if parameters else ""
    if handles:
        artists.append(_draw_legend(ax, raster, handles, note, fontsize))
    elif note:
        artists.append(_draw_note(ax, raster, note, any_region, fontsize))
    return artists


def _parameter_text(res: ResultLike) -> str:
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


def _draw_note(
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
        zorder=_Z["text"],
    )
    if place_text(ax, raster, text, [~raster.obstacles(margin=3.0) & ~regions]):
        return text
    text.set_text(_wrap(note, width, raster, fontsize))
    text.set(position=(0.0, 1.0), ha="left", va="bottom", transform=_above(ax))
    return text


def _draw_legend(
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
    legend.set_zorder(_Z["text"])
    return legend


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

    Returns
    -------
    matplotlib.figure.Figure
    """
    if not results:
        raise PlottingError("no result to draw")
    fig = Figure()
    FigureCanvasAgg(fig)
    axes = _panel_axes(fig, len(results), PANEL_SIZE[1] - _AXES_RECT[1] - _AXES_RECT[3])
    for ax, result in zip(axes, results, strict=True):
        draw_result(ax, result, style)
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
) -> list[Path]:
    """Save a figure as ``<stem>.<format>`` for each format, without time stamps.

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

    Returns
    -------
    list of Path
        The files written.
    """
    written = []
    # fontTools warns about the zero time stamps of matplotlib's DejaVu fonts when it
    # embeds them in a PDF (Type 42); harmless, so keep the command line quiet.
    font_log = logging.getLogger("fontTools.ttLib.tables._h_e_a_d")
    level = font_log.level
    font_log.setLevel(logging.ERROR)
    try:
        for fmt in formats:
            path = Path(f"{os.fspath(stem)}.{fmt}")
            metadata = {"CreationDate": None} if fmt == "pdf" else None
            fig.savefig(path, format=fmt, dpi=dpi, metadata=metadata)
            written.append(path)
    finally:
        font_log.setLevel(level)
    return written
