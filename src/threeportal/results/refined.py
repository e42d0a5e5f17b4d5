"""The ``/refined`` group of a result: the nodes an adaptive refinement evaluated.

Layout (written atomically after the scan)::

    /refined                       attrs: schema = "threeportal.refined", schema_version = 1,
                                   card_sha256, levels (number of doublings)
    /refined/<field>/<i>           one group per contour level i of the field; attrs: level,
                                   log (bool: the transform is log10(f / level))
    /refined/<field>/<i>/step      int32 doubling step at which each node was evaluated
    /refined/<field>/<i>/j, i      int32 fine-grid indices of the evaluated nodes
    /refined/<field>/<i>/t         the transformed field at those nodes

The algorithm that makes and replays these nodes is :mod:`threeportal.scans.refine`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .files import CONTOURS_GROUP, REFINED_GROUP, open_h5, read_attrs, text_attr
from .update import current_group, update_group
from .writer import checked_dataset

__all__ = [
    "REFINED_SCHEMA",
    "RefinedNodes",
    "read_refined",
    "refined_current",
    "refined_levels",
    "write_refined",
]

REFINED_SCHEMA = "threeportal.refined"
REFINED_SCHEMA_VERSION = 1


@dataclass(frozen=True)
class RefinedNodes:
    """The refinement of one contour level of one field.

    Attributes
    ----------
    field : str
        The field dataset.
    index : int
        Index of the level in the field's ``levels``.
    level : float
        The contour level (field units).
    log : bool
        The stored values are log10(f / level) (else f - level).
    levels : int
        Number of doublings.
    step, j, i : ndarray of int32
        Doubling step and fine-grid indices of each evaluated node.
    t : ndarray
        The transformed field at those nodes.
    """

    field: str
    index: int
    level: float
    log: bool
    levels: int
    step: NDArray[np.int32]
    j: NDArray[np.int32]
    i: NDArray[np.int32]
    t: NDArray[np.float64]


def refined_current(path: str | os.PathLike[str], card_sha256: str) -> bool:
    """Whether the file holds a refinement made from the card with this SHA-256."""
    with open_h5(path, "r") as f:
        group = current_group(f, REFINED_GROUP)
        return group is not None and text_attr(read_attrs(group), "card_sha256") == card_sha256


def refined_levels(path: str | os.PathLike[str], card_sha256: str) -> int:
    """Doublings of the stored refinement made from the card with this SHA-256 (0: none)."""
    with open_h5(path, "r") as f:
        group = f.get(REFINED_GROUP)
        if group is None:
            return 0
        attrs = read_attrs(group)
        if text_attr(attrs, "card_sha256") != card_sha256:
            return 0
        return int(attrs.get("levels", 0))


def write_refined(
    path: str | os.PathLike[str], card_sha256: str, levels: int, nodes: Sequence[RefinedNodes]
) -> None:
    """Replace ``/refined`` of a complete result, in place and atomically (:func:`update_group`).

    Stored ``/contours`` were extracted from the previous refinement, so they are dropped
    (the next reader extracts them again from the new one).
    """
    with update_group(path, REFINED_GROUP) as top:
        if CONTOURS_GROUP in top.file:
            del top.file[CONTOURS_GROUP]
        top.attrs.update(
            {
                "schema": REFINED_SCHEMA,
                "schema_version": REFINED_SCHEMA_VERSION,
                "card_sha256": card_sha256,
                "levels": levels,
            }
        )
        for item in nodes:
            group = top.require_group(item.field).create_group(str(item.index))
            group.attrs.update({"level": item.level, "log": item.log})
            for key in ("step", "j", "i", "t"):
                checked_dataset(group, key, getattr(item, key))


def read_refined(
    path: str | os.PathLike[str], card_sha256: str, field: str, index: int
) -> RefinedNodes | None:
    """The stored refinement of level ``index`` of ``field``; None if absent or of another card."""
    with open_h5(path, "r") as f:
        top = current_group(f, REFINED_GROUP)
        if top is None:
            return None
        top_attrs = read_attrs(top)
        if text_attr(top_attrs, "card_sha256") != card_sha256:
            return None
        group = top.get(f"{field}/{index}")
        if group is None:
            return None
        attrs = read_attrs(group)
        return RefinedNodes(
            field,
            index,
            float(attrs["level"]),
            bool(attrs["log"]),
            int(top_attrs["levels"]),
            group["step"][...],
            group["j"][...],
            group["i"][...],
            group["t"][...],
        )
