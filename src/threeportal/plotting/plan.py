"""What :func:`~threeportal.plotting.draw_result` draws from a stored result, and in which role.

Every contour source of a result becomes at most one :class:`PlanItem`: a filled *region*
(a mask of a region layer, not a domain, not a reference), a *bound* (a region layer's
reference field: the published bound before reinterpretation, dashed), a *curve* (one
level) or *levels* (several, e.g. lifetimes) of a curve layer. The recast dark-photon limits
are drawn by :mod:`.dark_photon` and planned there.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ._result import ResultLike, card_table
from .contours import Contour, Piece, extract_lines
from .dark_photon import DARK_PHOTON_LAYER
from .frame import off_frame
from .regions import region_definition
from .styles import OUTPUT_STYLES, layer_style

__all__ = ["PlanItem", "merged_styles", "plan_items"]


@dataclass
class PlanItem:
    """One source to draw: its contours, role, layer, style and (regions) outline."""

    contours: list[Contour]
    role: str  # "region", "curve", "levels" or "bound"
    layer: str
    source: str
    style: dict[str, Any]
    edges: list[Piece] | None = None  # a region's outline: None draws the polygons' edges
    per_item: str = ""  # the source's item (a published bound's experiment)


def _edges(res: ResultLike, source: str, by_source: Mapping[str, list[Contour]]) -> Any:
    """The outline of a region defined by a field: that field's iso-line at the region's
    level (never the frame or the field's domain boundary); None for a plain mask."""
    definition = region_definition(res, source)
    if definition is None:  # a plain mask: its polygons, less what runs along the frame
        return off_frame(res, by_source[source][0].pieces)
    for contour in by_source.get(definition.field, []):
        if math.isclose(contour.level, definition.level, rel_tol=1e-9):
            return list(contour.pieces)
    return _field_lines(res, definition.field, definition.level)


def _field_lines(res: ResultLike, field: str, level: float) -> list[Piece]:
    """Iso-line of a stored field at a level that is not one of its contour levels."""
    return extract_lines(
        res.x,
        res.y,
        res.fields[field],
        level,
        domain=res.domain(field),
        x_scale=res.x_scale,
        y_scale=res.y_scale,
    )


def plan_items(
    res: ResultLike, contours: Sequence[Contour], style: Mapping[str, Mapping[str, Any]]
) -> list[PlanItem]:
    """What to draw, in drawing order."""
    domains = res.domain_masks()
    by_source: dict[str, list[Contour]] = {}
    for contour in contours:
        by_source.setdefault(contour.source, []).append(contour)
    items = []
    for source, group in by_source.items():
        layer, kind = group[0].layer, group[0].kind
        if layer == DARK_PHOTON_LAYER:  # drawn by draw_dark_photon_limits
            continue
        overrides = {
            **OUTPUT_STYLES.get(source, {}),
            **style.get(layer, {}),
            **style.get(source, {}),
        }
        st = layer_style(layer, "region" if kind == "region" else "curve", overrides)
        layer_kind = st["kind"]
        reference = res.is_reference(source)
        if kind == "region":
            if layer_kind == "region" and source not in domains and not reference:
                edges = _edges(res, source, by_source) if group[0].pieces else None
                items.append(PlanItem(group, "region", layer, source, st, edges))
        elif layer_kind == "region":
            if reference:
                items.append(PlanItem(group, "bound", layer, source, st, per_item=res.item(source)))
        else:
            role = "curve" if len(group) == 1 else "levels"
            items.append(PlanItem(group, role, layer, source, st))
    order = {"region": 0, "bound": 1, "levels": 2, "curve": 3}
    return sorted(items, key=lambda item: order[item.role])


def merged_styles(
    res: ResultLike, style: Mapping[str, Mapping[str, Any]] | None
) -> dict[str, dict[str, Any]]:
    """The stored card's ``[plot]`` overrides with ``style`` on top, by layer or dataset."""
    merged = {k: dict(v) for k, v in card_table(res, "plot").items() if isinstance(v, Mapping)}
    for key, value in (style or {}).items():
        merged[key] = {**merged.get(key, {}), **value}
    return merged
