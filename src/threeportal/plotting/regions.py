"""Which continuous field defines a stored mask: the layer's declaration, found by name.

A layer declares, for each of its masks, the field and level whose crossing is the mask's
edge (``Output.region_field``, ``region_level``, ``region_side`` in
:mod:`threeportal.constraints.base`). Plots contour that field rather than the 0/1 mask, so a
region's edge is as smooth as its curve, refinement applies to it, and the edge is drawn only
where the field crosses its level (never along the frame or the field's domain boundary).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ..constraints import REGISTRY
from ._result import ResultLike

__all__ = ["RegionDefinition", "region_definition"]


@dataclass(frozen=True)
class RegionDefinition:
    """A mask as a level set of a field.

    Attributes
    ----------
    mask : str
        The mask dataset.
    field : str
        The field dataset whose level crossing is the mask's edge.
    level : float
        The level, in the field's unit.
    side : {"above", "below"}
        The mask is where the field lies above (or below) ``level``.
    level_index : int
        Index of ``level`` among the field's stored contour levels, -1 if not one of them.
    """

    mask: str
    field: str
    level: float
    side: str
    level_index: int = -1


def _pattern(name: str) -> re.Pattern[str]:
    """A regular expression matching an output name, ``{item}`` captured."""
    head, sep, tail = name.partition("{item}")
    if not sep:
        return re.compile(re.escape(name))
    return re.compile(f"{re.escape(head)}(?P<item>.+){re.escape(tail)}")


def region_definition(res: ResultLike, mask: str) -> RegionDefinition | None:
    """The field, level and side that define ``mask`` of a result, or None if undeclared.

    Parameters
    ----------
    res : ScanResult
        The loaded result (its mask's ``layer`` attribute names the declaring layer).
    mask : str
        A mask dataset of ``res``.

    Returns
    -------
    RegionDefinition or None
        None when the layer is unknown, declares no field for the mask, or the field (or a
        level for it) is not stored: then the mask itself is the region.
    """
    layer = str(res.mask_attrs.get(mask, {}).get("layer", ""))
    constraint = REGISTRY.get(layer)
    if constraint is None:
        return None
    for output in constraint.outputs:
        if output.kind != "mask" or output.region_field is None:
            continue
        match = _pattern(output.name).fullmatch(mask)
        if match is None:
            continue
        item = match.groupdict().get("item")
        field = output.region_field.format(item=item) if item else output.region_field
        if field not in res.fields:
            return None
        stored = np.atleast_1d(np.asarray(res.field_attrs[field].get("levels", ()), dtype=float))
        level = output.region_level
        if level is None:
            if stored.size == 0:
                return None
            level = float(stored[0])
        index = np.flatnonzero(np.isclose(stored, level, rtol=1e-12, atol=0.0))
        side = output.region_side or "above"
        return RegionDefinition(
            mask, field, float(level), side, int(index[0]) if index.size else -1
        )
    return None
