"""Adaptive refinement of contours: evaluate densely only where a contour runs.

Start from a coarse grid (the scan grid); each level doubles the resolution, evaluating the
model only at the new nodes of cells whose corners straddle the contour level. Nodes away
from the contour take values interpolated (in index space, in the plotting coordinates)
from the coarser level: their cells do not change sign, so the interpolation cannot create
a crossing there. After ``levels`` steps the grid has (n - 1) 2^levels + 1 nodes per side,
of which only a small fraction were computed.

The evaluated nodes are stored in the result's ``/refined`` group by
:mod:`threeportal.results.refined`; :func:`reconstruct` rebuilds the fine grid from the stored
scan field and these nodes. This module holds the algorithm only; it never opens a file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..results import RefinedNodes, ScanResult, load, read_refined, refined_levels, write_refined

__all__ = [
    "RefinedGrid",
    "fine_axis",
    "reconstruct",
    "refine_contour",
    "refine_result",
]

#: f(x, y) -> field values (NaN where undefined), for 1-D arrays of equal length.
PointFunction = Callable[[NDArray[np.float64], NDArray[np.float64]], NDArray[np.float64]]


@dataclass
class RefinedGrid:
    """The outcome of :func:`refine_contour`.

    Attributes
    ----------
    x, y : ndarray
        Axis values of the fine grid (axis units).
    t : ndarray
        The transformed field, shape (ny, nx): log10(f / level) or f - level; the contour
        is t = 0; NaN where the field is undefined.
    evaluated : ndarray of bool
        Nodes where the model was evaluated (the coarse ones included).
    evaluations : int
        Number of model evaluations (including the coarse grid when it was evaluated here).
    level : float
        The contour level.
    log : bool
        Whether ``t`` is log10(f / level).
    nodes : ndarray
        The refinement evaluations as rows (step k, fine j, fine i); step k counts down
        from ``levels`` to 1 as the grid is doubled.
    """

    x: NDArray[np.float64]
    y: NDArray[np.float64]
    t: NDArray[np.float64]
    evaluated: NDArray[np.bool_]
    evaluations: int
    level: float
    log: bool
    nodes: NDArray[np.int32]

    @property
    def fraction(self) -> float:
        """Evaluations as a fraction of the brute-force fine grid."""
        return self.evaluations / self.t.size

    @property
    def field(self) -> NDArray[np.float64]:
        """The field on the fine grid (in its own units)."""
        return _untransform(self.t, self.level, self.log)


def fine_axis(coarse: NDArray[np.float64], scale: str, levels: int) -> NDArray[np.float64]:
    """Axis with 2^levels - 1 nodes inserted between neighbours, uniform in plot coordinates."""
    u = np.log10(coarse) if scale == "log" else np.asarray(coarse, float)
    n = (u.size - 1) * 2**levels + 1
    fine = np.interp(np.arange(n) / 2**levels, np.arange(u.size), u)
    fine[:: 2**levels] = u  # the coarse nodes exactly
    out = 10.0**fine if scale == "log" else fine
    out[:: 2**levels] = coarse
    return out


def _transform(values: NDArray[np.float64], level: float, log: bool) -> NDArray[np.float64]:
    values = np.asarray(values, float)
    if log:
        with np.errstate(divide="ignore", invalid="ignore"):
            safe = np.where(np.isfinite(values), np.maximum(values, np.finfo(float).tiny), np.nan)
            return np.log10(safe) - np.log10(level)
    return values - level


def _untransform(t: NDArray[np.float64], level: float, log: bool) -> NDArray[np.float64]:
    return level * 10.0**t if log else t + level


def _upsample(z: NDArray[np.float64]) -> NDArray[np.float64]:
    """Double the resolution by linear interpolation in index space."""
    ny, nx = z.shape
    out = np.empty((2 * ny - 1, 2 * nx - 1))
    out[::2, ::2] = z
    out[1::2, ::2] = 0.5 * (z[:-1, :] + z[1:, :])
    out[::2, 1::2] = 0.5 * (z[:, :-1] + z[:, 1:])
    out[1::2, 1::2] = 0.25 * (z[:-1, :-1] + z[1:, :-1] + z[:-1, 1:] + z[1:, 1:])
    return out


def _crossed_cells(t: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Cells whose four (defined) corners do not all lie on one side of t = 0."""
    corners = (t[:-1, :-1], t[1:, :-1], t[:-1, 1:], t[1:, 1:])
    defined = np.logical_and.reduce([np.isfinite(c) for c in corners])
    above = [c > 0 for c in corners]
    return defined & np.logical_or.reduce(above) & ~np.logical_and.reduce(above)


def refine_contour(
    func: PointFunction,
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    level: float,
    *,
    levels: int = 5,
    x_scale: str = "linear",
    y_scale: str = "linear",
    log: bool = True,
    coarse: NDArray[np.float64] | None = None,
) -> RefinedGrid:
    """Resolve the contour ``func(x, y) = level`` adaptively.

    Parameters
    ----------
    func : callable
        Vectorised over points: ``func(x, y)`` with 1-D arrays of equal length, axis units;
        NaN where the field is undefined.
    x, y : ndarray
        The coarse axes (axis units), e.g. the scan axes.
    level : float
        The contour level.
    levels : int
        Number of doublings (>= 0).
    x_scale, y_scale : {"linear", "log"}
        Axis scales; new nodes are uniform in log10 on a log axis.
    log : bool
        Compare log10(f) with log10(level) (for positive fields spanning decades).
    coarse : ndarray, optional
        The field already known on the coarse grid, shape (ny, nx); evaluated otherwise.
    """
    if levels < 0:
        raise ValueError("refine: the number of levels must be >= 0")
    x_fine, y_fine = fine_axis(x, x_scale, levels), fine_axis(y, y_scale, levels)
    evaluations = 0
    if coarse is None:
        xs, ys = np.meshgrid(x, y)
        coarse = np.asarray(func(xs.ravel(), ys.ravel()), float).reshape(xs.shape)
        evaluations = coarse.size
    t = _transform(coarse, level, log)
    evaluated = np.ones_like(t, dtype=bool)
    nodes = [np.empty((0, 3), dtype=np.int32)]
    for k in range(levels, 0, -1):
        crossed = _crossed_cells(t)
        t = _upsample(t)
        known = np.zeros_like(t, dtype=bool)
        known[::2, ::2] = evaluated
        need = np.zeros_like(t, dtype=bool)
        rows, cols = np.nonzero(crossed)
        for dj in range(3):  # the 3 x 3 nodes of each crossed cell at the new resolution
            for di in range(3):
                need[2 * rows + dj, 2 * cols + di] = True
        need &= ~known
        j, i = np.nonzero(need)
        if j.size:
            stride = 2 ** (k - 1)
            t[j, i] = _transform(func(x_fine[i * stride], y_fine[j * stride]), level, log)
            evaluations += j.size
            nodes.append(np.column_stack([np.full_like(j, k), j * stride, i * stride]))
        evaluated = known | need
    return RefinedGrid(
        x_fine,
        y_fine,
        t,
        evaluated,
        evaluations,
        float(level),
        log,
        np.concatenate(nodes).astype(np.int32),
    )


def _point_function(card: Any, inputs: Any, layer: str, field: str) -> PointFunction:
    from ..constraints import evaluate_constraints
    from ..model import ModelPoint

    def evaluate(x: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.float64]:
        params = dict(card.model)
        params[card.x.parameter] = np.asarray(x, float)
        params[card.y.parameter] = np.asarray(y, float)
        model = ModelPoint.from_mapping(params)
        results = evaluate_constraints(model, [layer], card.options, inputs)[layer]
        item = results[field]
        values = np.broadcast_to(np.asarray(item.values, float), np.shape(x)).copy()
        if item.domain is not None:
            values[~np.broadcast_to(item.domain, values.shape)] = np.nan
        return values

    return evaluate


def _refine_field(
    result: ScanResult, name: str, card: Any, inputs: Any, levels: int
) -> list[tuple[RefinedNodes, int]]:
    """Refine every contour level of one field; the stored nodes and the evaluations made."""
    field_levels = np.atleast_1d(np.asarray(result.field_attrs[name].get("levels", ()), float))
    coarse = result.defined(name)
    func = _point_function(card, inputs, str(result.field_attrs[name]["layer"]), name)
    defined = coarse[np.isfinite(coarse)]
    out = []
    for index, level in enumerate(field_levels):
        log = bool(level > 0 and defined.size and np.all(defined > 0))
        grid = refine_contour(
            func,
            card.x.values(),
            card.y.values(),
            float(level),
            levels=levels,
            x_scale=card.x.scale,
            y_scale=card.y.scale,
            log=log,
            coarse=coarse,
        )
        step, j, i = grid.nodes.T
        nodes = RefinedNodes(name, index, grid.level, grid.log, levels, step, j, i, grid.t[j, i])
        out.append((nodes, grid.evaluations))
    return out


def refine_result(path: str | Path, card: Any, inputs: Any) -> int:
    """Refine every contour of a finished scan result and store the nodes in it.

    Does nothing when ``card.refine`` is 0 or the result already holds a refinement of this
    scan with at least as many doublings (the finer one is kept and used). Returns the number
    of model evaluations made.
    """
    levels = int(card.refine)
    if levels <= 0 or refined_levels(path, card.sha256) >= levels:
        return 0
    result = load(path)
    stored: list[RefinedNodes] = []
    evaluations = 0
    for name in sorted(result.fields):
        for nodes, count in _refine_field(result, name, card, inputs, levels):
            stored.append(nodes)
            evaluations += count
    write_refined(path, card.sha256, levels, stored)
    return evaluations


def reconstruct(
    result: ScanResult, field: str, index: int
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]] | None:
    """The refined fine grid of contour ``index`` of ``field``, or None if not refined.

    Parameters
    ----------
    result : ScanResult
        A loaded scan result (``threeportal.scans.load``).

    Returns
    -------
    (x, y, values) or None
        Fine axes (axis units) and the field on the fine grid (NaN where undefined).
    """
    nodes = read_refined(result.path, str(result.attrs.get("card_sha256")), field, index)
    if nodes is None:
        return None
    levels, level, log = nodes.levels, nodes.level, nodes.log
    step, j, i, t_nodes = nodes.step, nodes.j, nodes.i, nodes.t
    coarse = result.defined(field)
    t = _transform(coarse, level, log)
    for k in range(levels, 0, -1):  # replay the doublings of refine_contour
        t = _upsample(t)
        now = step == k
        stride = 2 ** (k - 1)
        t[j[now] // stride, i[now] // stride] = t_nodes[now]
    x = fine_axis(result.x, result.x_scale, levels)
    y = fine_axis(result.y, result.y_scale, levels)
    return x, y, _untransform(t, level, log)
