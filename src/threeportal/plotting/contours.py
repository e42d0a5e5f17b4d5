"""Contour extraction with contourpy: every disconnected piece and every hole is kept.

A *field* with contour levels (attr ``levels``) gives one **line** contour per level; a
*mask* gives one **region** contour: the region where the field that defines it (declared
by its layer, :mod:`.regions`) lies beyond its level, or, for a mask with no such field, the
region where the mask is 1 (boundaries at 0.5 between grid points); holes are kept. Lines
are cut where the field is undefined: points outside the field's ``domain`` mask and
non-finite values are masked, so absent regions give no line, and a region never extends
beyond its field's domain. Interpolation is done in the plotting coordinates of each axis
(log10 of the axis value on a log axis) and, for a strictly positive field, in log10 of the
field, so the curves are smooth on the log axes they are drawn on. Coordinates are returned
in axis units.

Contours are stored in the result's ``/contours`` group by :mod:`threeportal.results`
(:func:`store_contours` hands them over; plotting never opens a result for writing).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import contourpy
import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..results import (
    CONTOURS_SCHEMA,
    Contour,
    Piece,
    contours_current,
    read_contours,
    refined_current,
    write_contours,
)
from ..scans.refine import reconstruct
from ._result import PlottingError, ResultLike, open_result
from .regions import region_definition

__all__ = [
    "CONTOURS_SCHEMA",
    "Contour",
    "Piece",
    "ensure_contours",
    "extract_contours",
    "extract_filled",
    "extract_lines",
    "extract_region",
    "read_contours",
    "result_contours",
    "store_contours",
]

#: Level at which a 0/1 mask is cut into a region.
REGION_LEVEL = 0.5


def _to_plot(values: NDArray[np.float64], scale: str) -> NDArray[np.float64]:
    return np.log10(values) if scale == "log" else values


def _from_plot(values: NDArray[np.float64], scale: str) -> NDArray[np.float64]:
    return np.power(10.0, values) if scale == "log" else values


def _axes_coordinates(
    x: ArrayLike, y: ArrayLike, x_scale: str, y_scale: str
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    for name, values, scale in (("x", x, x_scale), ("y", y, y_scale)):
        if scale not in ("linear", "log"):
            raise PlottingError(f"{name} axis: scale {scale!r} is not 'linear' or 'log'")
        if values.ndim != 1 or values.size < 2:
            raise PlottingError(f"{name} axis: needs a 1-D axis with at least 2 points")
        if scale == "log" and np.any(values <= 0):
            raise PlottingError(f"{name} axis: a log axis must be > 0")
    return _to_plot(x, x_scale), _to_plot(y, y_scale)


def _back(points: NDArray[np.float64], x_scale: str, y_scale: str) -> NDArray[np.float64]:
    out = np.empty_like(points, dtype=float)
    out[:, 0] = _from_plot(points[:, 0], x_scale)
    out[:, 1] = _from_plot(points[:, 1], y_scale)
    return out


class _Grid:
    """A field on the plotting plane with one contourpy generator for lines and fills.

    Undefined points (outside ``domain``, non-finite) are masked; a strictly positive field
    is contoured in log10 (levels are transformed by :meth:`level`).
    """

    def __init__(
        self,
        x: ArrayLike,
        y: ArrayLike,
        z: ArrayLike,
        domain: ArrayLike | None,
        x_scale: str,
        y_scale: str,
    ) -> None:
        self.x_scale, self.y_scale = x_scale, y_scale
        u, v = _axes_coordinates(x, y, x_scale, y_scale)
        z = np.asarray(z, dtype=float)
        if z.shape != (v.size, u.size):
            raise PlottingError(
                f"field shape {z.shape} does not match the axes ({v.size}, {u.size})"
            )
        invalid = ~np.isfinite(z)
        if domain is not None:
            invalid |= ~np.asarray(domain, dtype=bool)
        valid = z[~invalid]
        self.empty = valid.size == 0
        self.log = not self.empty and bool(np.all(valid > 0))
        if self.log:
            z = np.log10(np.where(invalid, 1.0, z))
        z = np.where(invalid, 0.0, z)
        self.low = float(z[~invalid].min()) if not self.empty else 0.0
        self.high = float(z[~invalid].max()) if not self.empty else 0.0
        self.generator = None
        if not self.empty:
            self.generator = contourpy.contour_generator(
                u,
                v,
                np.ma.masked_array(z, mask=invalid),
                line_type=contourpy.LineType.Separate,
                fill_type=contourpy.FillType.OuterOffset,
            )

    def level(self, level: float) -> float | None:
        """A level in the contoured values (None: a non-positive level of a log field)."""
        if not self.log:
            return float(level)
        return float(np.log10(level)) if level > 0 else None

    def lines(self, level: float) -> list[Piece]:
        """Every piece of the iso-line at ``level`` (field units)."""
        t = self.level(level)
        if self.generator is None or t is None:
            return []
        pieces = []
        for line in self.generator.lines(t):
            line = np.asarray(line, dtype=float)
            if len(line) < 2:
                continue
            closed = len(line) > 2 and bool(np.array_equal(line[0], line[-1]))
            pieces.append(Piece(_back(line, self.x_scale, self.y_scale), closed))
        return pieces

    def filled(self, level: float, side: str) -> list[Piece]:
        """Outer boundaries and holes of where the field lies ``side`` of ``level``."""
        t = self.level(level)
        if self.generator is None:
            return []
        if t is None:  # a positive field is above any non-positive level everywhere
            t = self.low - 1.0
        lower, upper = (t, self.high + 1.0) if side == "above" else (self.low - 1.0, t)
        if upper <= lower or (side == "above" and self.high <= t) or self.low >= upper:
            return []
        return _rings(self.generator.filled(lower, upper), self.x_scale, self.y_scale)


def _rings(filled: Any, x_scale: str, y_scale: str) -> list[Piece]:
    """contourpy OuterOffset fills as outer pieces each followed by its holes."""
    pieces: list[Piece] = []
    for points, offsets in zip(*filled, strict=True):
        outer = len(pieces)
        for i, (start, stop) in enumerate(itertools.pairwise(offsets)):
            ring = _back(np.asarray(points[start:stop], dtype=float), x_scale, y_scale)
            pieces.append(Piece(ring, True, hole=i > 0, parent=outer if i > 0 else -1))
    return pieces


def extract_lines(
    x: ArrayLike,
    y: ArrayLike,
    z: ArrayLike,
    level: float,
    *,
    domain: ArrayLike | None = None,
    x_scale: str = "linear",
    y_scale: str = "linear",
) -> list[Piece]:
    """Iso-lines of a field at one level.

    Parameters
    ----------
    x : array_like, shape (nx,)
        x axis, axis units.
    y : array_like, shape (ny,)
        y axis, axis units.
    z : array_like, shape (ny, nx)
        The field.
    level : float
        Contour level, units of ``z``.
    domain : array_like of bool, shape (ny, nx), optional
        Where the field is defined; no line is drawn through undefined points.
    x_scale, y_scale : {"linear", "log"}
        Axis scales; interpolation is linear in log10 of a log axis.

    Returns
    -------
    list of Piece
        Every piece, open or closed, in axis units.
    """
    return _Grid(x, y, z, domain, x_scale, y_scale).lines(level)


def extract_filled(
    x: ArrayLike,
    y: ArrayLike,
    z: ArrayLike,
    level: float,
    side: str = "above",
    *,
    domain: ArrayLike | None = None,
    x_scale: str = "linear",
    y_scale: str = "linear",
) -> list[Piece]:
    """The region where a field lies above (or below) a level, cut to the field's domain.

    The boundary follows the interpolated iso-line where the field crosses ``level`` and the
    edge of the defined points elsewhere (the frame, the domain); draw it filled, without an
    edge, and the iso-line from :func:`extract_lines` as its outline.

    Parameters
    ----------
    x, y : array_like
        Axes, shapes (nx,) and (ny,), axis units.
    z : array_like, shape (ny, nx)
        The field.
    level : float
        The level, units of ``z``.
    side : {"above", "below"}
        Which side of ``level`` is the region.
    domain : array_like of bool, shape (ny, nx), optional
        Where the field is defined; the region never extends beyond it.
    x_scale, y_scale : {"linear", "log"}
        Axis scales.

    Returns
    -------
    list of Piece
        Each outer boundary followed by its holes, all closed.
    """
    if side not in ("above", "below"):
        raise PlottingError(f"region side {side!r} is not 'above' or 'below'")
    return _Grid(x, y, z, domain, x_scale, y_scale).filled(level, side)


def extract_region(
    x: ArrayLike,
    y: ArrayLike,
    mask: ArrayLike,
    *,
    x_scale: str = "linear",
    y_scale: str = "linear",
) -> list[Piece]:
    """The filled region where a mask is set, as outer boundaries and holes.

    The fallback for a mask no field is declared for (see :mod:`.regions`): its edges run
    half-way between grid points, as stair steps.

    Parameters
    ----------
    x, y : array_like
        Axes, shapes (nx,) and (ny,), axis units.
    mask : array_like of bool or 0/1, shape (ny, nx)
        The region.
    x_scale, y_scale : {"linear", "log"}
        Axis scales (boundaries are placed half-way between grid points in plot coordinates).

    Returns
    -------
    list of Piece
        Each outer boundary (``hole=False``) followed by its holes (``hole=True``,
        ``parent`` = index of the outer boundary); all closed.
    """
    u, v = _axes_coordinates(x, y, x_scale, y_scale)
    z = np.asarray(mask).astype(float)
    if z.shape != (v.size, u.size):
        raise PlottingError(f"mask shape {z.shape} does not match the axes ({v.size}, {u.size})")
    if not np.any(z > REGION_LEVEL):
        return []
    generator = contourpy.contour_generator(u, v, z, fill_type=contourpy.FillType.OuterOffset)
    return _rings(generator.filled(REGION_LEVEL, 1.0 + REGION_LEVEL), x_scale, y_scale)


def _levels(attrs: dict[str, Any]) -> list[float]:
    levels = attrs.get("levels", ())
    return [float(v) for v in np.atleast_1d(np.asarray(levels, dtype=float))]


def extract_contours(
    result: ResultLike | str | os.PathLike[str], names: Iterable[str] | None = None
) -> list[Contour]:
    """Contours of every field with levels and every mask of a stored result.

    A mask whose layer declares the field that defines it (:mod:`.regions`) is contoured from
    that field at the same level, cut to the field's domain, with the refined grid where the
    scan stored one; any other mask is contoured as a 0/1 array. Each field is handed to
    contourpy once, for its lines and the regions it defines.

    Parameters
    ----------
    result : ScanResult or path-like
        A stored scan result (read only; no physics is evaluated).
    names : iterable of str, optional
        Only these fields or masks (default: all fields with levels, and all masks).

    Returns
    -------
    list of Contour
        One per field level and one per mask, by source name then level index (the order
        :func:`read_contours` returns them in).
    """
    res = open_result(result)
    wanted = set(res.fields) | set(res.masks) if names is None else set(names)
    unknown = wanted - set(res.fields) - set(res.masks)
    if unknown:
        raise PlottingError(
            f"no field or mask named {', '.join(sorted(unknown))} in the result; "
            f"available: {', '.join(sorted([*res.fields, *res.masks]))}"
        )
    grids = _Grids(res)
    out = []
    for name in sorted(wanted & set(res.fields)):
        attrs = res.field_attrs.get(name, {})
        for index, level in enumerate(_levels(attrs)):
            pieces = grids.get(name, index).lines(level)
            out.append(_contour(res, name, "line", level, index, pieces, attrs))
    for name in sorted(wanted & set(res.masks)):
        definition = region_definition(res, name)
        if definition is not None:
            grid = grids.get(definition.field, definition.level_index)
            pieces = grid.filled(definition.level, definition.side)
        else:
            pieces = extract_region(res.x, res.y, res.masks[name], **grids.scales)
        attrs = {**res.mask_attrs.get(name, {}), "units": "1"}
        out.append(_contour(res, name, "region", REGION_LEVEL, 0, pieces, attrs))
    return sorted(out, key=lambda c: (c.source, c.level_index))


def _contour(
    res: ResultLike,
    name: str,
    kind: str,
    level: float,
    index: int,
    pieces: Iterable[Piece],
    attrs: Mapping[str, Any],
) -> Contour:
    """A :class:`Contour` of dataset ``name`` with the result's axes and its layer, units."""
    return Contour(
        name,
        kind,
        level,
        index,
        tuple(pieces),
        layer=str(attrs.get("layer", "")),
        units=str(attrs.get("units", "1")),
        x_name=res.x_name,
        y_name=res.y_name,
        x_units=res.x_units,
        y_units=res.y_units,
    )


class _Grids:
    """One :class:`_Grid` per field (per refined level when the scan stored a refinement)."""

    def __init__(self, res: ResultLike) -> None:
        self.res = res
        self.scales = {"x_scale": res.x_scale, "y_scale": res.y_scale}
        path = getattr(res, "path", None)
        sha = str(res.attrs.get("card_sha256", ""))
        self.refined = path is not None and Path(path).is_file() and refined_current(path, sha)
        self.cache: dict[tuple[str, int], _Grid] = {}

    def get(self, name: str, index: int) -> _Grid:
        """The grid of field ``name`` for its level ``index`` (-1: not a stored level)."""
        refined = reconstruct(self.res, name, index) if self.refined and index >= 0 else None
        key = (name, index if refined is not None else -1)
        if key not in self.cache:
            if refined is not None:  # adaptive refinement stored by the scan: use it
                x_fine, y_fine, values = refined
                self.cache[key] = _Grid(x_fine, y_fine, values, None, **self.scales)
            else:
                res = self.res
                domain = res.domain(name)
                self.cache[key] = _Grid(res.x, res.y, res.fields[name], domain, **self.scales)
        return self.cache[key]


def store_contours(path: str | os.PathLike[str], contours: Sequence[Contour]) -> Path:
    """Store contours in ``/contours`` of a result file, in place and atomically, through the
    file's owner.

    The owner (:func:`threeportal.results.write_contours`) writes the new contours into the
    file itself, as a new group that takes the place of ``/contours`` only once complete; an
    interrupted update leaves the previous contours readable, and the file is never copied.

    Parameters
    ----------
    path : path-like
        A complete HDF5 scan result.
    contours : sequence of Contour
        What to store (replaces any stored contours).

    Returns
    -------
    Path
        The result file.
    """
    return write_contours(path, contours)


def result_contours(result: ResultLike) -> list[Contour]:
    """The contours stored with a result, or extracted from its fields (nothing is written).

    Stored contours are used if they are current: same contour schema version, and the
    ``card_sha256`` of the result they are stored in.

    Parameters
    ----------
    result : ScanResult
        A loaded result.

    Returns
    -------
    list of Contour
    """
    path = result.path
    if path is not None and Path(path).is_file() and contours_current(path):
        return read_contours(path)
    return extract_contours(result)


def ensure_contours(path: str | os.PathLike[str]) -> list[Contour]:
    """The contours stored in a result file, extracted and stored first if missing or stale.

    Stored contours are stale when their ``card_sha256`` differs from the result's or their
    schema version is not this one's.

    Parameters
    ----------
    path : path-like
        A complete HDF5 scan result.

    Returns
    -------
    list of Contour
        As :func:`read_contours` returns them.
    """
    path = Path(path)
    res = open_result(path)  # a one-line ScanError for anything but a complete result
    if not contours_current(path):
        store_contours(path, extract_contours(res))
    return read_contours(path)
