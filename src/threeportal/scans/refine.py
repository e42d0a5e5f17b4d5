"""Adaptive refinement of one contour: evaluate densely only where the contour runs.

Start from a coarse n0 x n0 grid; each level doubles the resolution, evaluating the model
only at the new nodes of cells whose corners straddle the contour level. Nodes away from
the contour take values interpolated (in index space) from the coarser level: their cells
do not change sign, so the interpolation cannot create a crossing there. After ``levels``
steps the grid has (n0 - 1) 2^levels + 1 nodes per side but only a small fraction of them
were computed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["RefinedGrid", "refine_contour"]

#: f(x, y) -> field values, for 1-D arrays of equal length (axis units, not scaled).
PointFunction = Callable[[NDArray[np.float64], NDArray[np.float64]], NDArray[np.float64]]


@dataclass
class RefinedGrid:
    """The outcome of :func:`refine_contour`.

    Attributes
    ----------
    x, y : ndarray
        Axis values of the fine grid (axis units).
    z : ndarray
        Signed distance to the level in the transformed variable, shape (ny, nx): the
        contour is z = 0.
    evaluated : ndarray of bool
        Nodes where the model was evaluated (the others are interpolated).
    evaluations : int
        Number of model evaluations.
    """

    x: NDArray[np.float64]
    y: NDArray[np.float64]
    z: NDArray[np.float64]
    evaluated: NDArray[np.bool_]
    evaluations: int

    @property
    def fraction(self) -> float:
        """Evaluations as a fraction of the brute-force fine grid."""
        return self.evaluations / self.z.size


def _axis(lo: float, hi: float, n: int, scale: str) -> NDArray[np.float64]:
    if scale == "log":
        return np.geomspace(lo, hi, n)
    return np.linspace(lo, hi, n)


def _transform(values: NDArray[np.float64], level: float, log: bool) -> NDArray[np.float64]:
    if log:
        tiny = np.finfo(float).tiny
        return np.log10(np.maximum(values, tiny)) - np.log10(level)
    return values - level


def _upsample(z: NDArray[np.float64]) -> NDArray[np.float64]:
    """Double the resolution by linear interpolation in index space."""
    ny, nx = z.shape
    out = np.empty((2 * ny - 1, 2 * nx - 1))
    out[::2, ::2] = z
    out[1::2, ::2] = 0.5 * (z[:-1, :] + z[1:, :])
    out[::2, 1::2] = 0.5 * (z[:, :-1] + z[:, 1:])
    out[1::2, 1::2] = 0.25 * (z[:-1, :-1] + z[1:, :-1] + z[:-1, 1:] + z[1:, 1:])
    return out


def _crossed_cells(z: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Cells (ny-1, nx-1) whose four corners do not all lie on one side of z = 0."""
    above = z > 0
    corners = (above[:-1, :-1], above[1:, :-1], above[:-1, 1:], above[1:, 1:])
    return np.logical_or.reduce(corners) & ~np.logical_and.reduce(corners)


def refine_contour(
    func: PointFunction,
    x_range: tuple[float, float, str],
    y_range: tuple[float, float, str],
    level: float,
    *,
    start: int = 64,
    levels: int = 5,
    log: bool = True,
) -> RefinedGrid:
    """Resolve the contour ``func(x, y) = level`` adaptively.

    Parameters
    ----------
    func : callable
        Vectorised over points: ``func(x, y)`` with 1-D arrays of equal length.
    x_range, y_range : (min, max, scale)
        Axis bounds (axis units) and "linear" or "log".
    level : float
        The contour level.
    start : int
        Nodes per side of the starting grid (>= 2).
    levels : int
        Number of doublings (>= 0).
    log : bool
        Compare log10(f) with log10(level) (for positive fields spanning decades).
    """
    if start < 2 or levels < 0:
        raise ValueError("refine: start must be >= 2 and levels >= 0")
    n_fine = (start - 1) * 2**levels + 1
    x_fine = _axis(*x_range[:2], n_fine, x_range[2])
    y_fine = _axis(*y_range[:2], n_fine, y_range[2])
    step = 2**levels
    xs, ys = np.meshgrid(x_fine[::step], y_fine[::step])
    z = _transform(np.asarray(func(xs.ravel(), ys.ravel()), float), level, log).reshape(xs.shape)
    evaluated = np.ones_like(z, dtype=bool)
    evaluations = z.size
    for k in range(levels, 0, -1):
        crossed = _crossed_cells(z)
        z = _upsample(z)
        known = np.zeros_like(z, dtype=bool)
        known[::2, ::2] = evaluated
        need = np.zeros_like(z, dtype=bool)
        rows, cols = np.nonzero(crossed)
        for dj in range(3):  # the 3 x 3 nodes of each crossed cell at the new resolution
            for di in range(3):
                need[2 * rows + dj, 2 * cols + di] = True
        need &= ~known
        j, i = np.nonzero(need)
        sub = 2 ** (k - 1)
        if j.size:
            values = np.asarray(func(x_fine[i * sub], y_fine[j * sub]), float)
            z[j, i] = _transform(values, level, log)
            evaluations += j.size
        evaluated = known | need
    return RefinedGrid(x_fine, y_fine, z, evaluated, evaluations)
