"""Which continuous field defines a stored mask: read from the mask's attributes.

A layer declares, for each of its masks, the field and level whose crossing is the mask's
edge (``Output.region_field``, ``region_level``, ``region_side`` in
:mod:`threeportal.constraints.base`); the scan stores them as the mask's attributes. Plots
contour that field rather than the 0/1 mask, so a region's edge is as smooth as its curve,
refinement applies to it, and the edge is drawn only where the field crosses its level (never
along the frame or the field's domain boundary).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

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


def region_definition(res: ResultLike, mask: str) -> RegionDefinition | None:
    """The field, level and side that define ``mask`` of a result, or None if undeclared.

    Parameters
    ----------
    res : ScanResult
        The loaded result (a mask's ``region_field``, ``region_level`` and ``region_side``
        attributes, written from the layer's declaration, name its field).
    mask : str
        A mask dataset of ``res``.

    Returns
    -------
    RegionDefinition or None
        None when the mask declares no field, or the field is not stored: then the mask
        itself is the region.
    """
    attrs = res.mask_attrs.get(mask, {})
    field = str(attrs.get("region_field", ""))
    if not field or field not in res.fields:
        return None
    level = float(attrs["region_level"])
    side = str(attrs.get("region_side", "above"))
    stored = np.atleast_1d(np.asarray(res.field_attrs[field].get("levels", ()), dtype=float))
    index = np.flatnonzero(np.isclose(stored, level, rtol=1e-12, atol=0.0))
    return RegionDefinition(mask, field, level, side, int(index[0]) if index.size else -1)
