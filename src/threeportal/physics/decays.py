"""Totals, branching ratios and lifetimes built from the partial widths."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

__all__ = ["branching_ratios", "total_width"]


def total_width(widths: Mapping[str, NDArray[np.float64]]) -> NDArray[np.float64]:
    """Sum of the partial widths (MeV), without stacking them into one array."""
    values = list(widths.values())
    total = np.array(np.broadcast_to(values[0], np.broadcast_shapes(*map(np.shape, values))))
    for width in values[1:]:
        total += width
    return total


def branching_ratios(widths: Mapping[str, NDArray[np.float64]]) -> dict[str, NDArray]:
    """Partial width over total width for every channel; 0 where the total width is 0."""
    total = total_width(widths)
    safe = np.where(total > 0, total, 1.0)
    return {name: np.where(total > 0, w / safe, 0.0) for name, w in widths.items()}
