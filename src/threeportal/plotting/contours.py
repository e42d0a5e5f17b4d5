"""Contour extraction with contourpy: every disconnected piece and every hole is kept.

A *field* with contour levels (attr ``levels``) gives one **line** contour per level; a
*mask* gives one **region** contour (the filled region where the mask is 1, boundaries at
0.5 between grid points, holes kept). Lines are cut where the field is undefined: points
outside the field's ``domain`` mask and non-finite values are masked, so absent regions
give no line. Interpolation is done in the plotting coordinates of each axis (log10 of the
axis value on a log axis) and, for a strictly positive field, in log10 of the field, so the
curves are smooth on the log axes they are drawn on. Coordinates are returned in axis units.

Contours are stored in the result's ``/contours`` group by :mod:`threeportal.results`
(:func:`store_contours` hands them over; plotting never opens a result for writing).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterable, Sequence
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
    write_contours,
)
from ..scans.refine import reconstruct
from ._result import PlottingError, ResultLike, open_result

__all__ = [
    "CONTOURS_SCHEMA",
    "Contour",
    "Piece",
    "ensure_contours",
    "extract_contours",
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
    u, v = _axes_coordinates(x, y, x_scale, y_scale)
    z = np.asarray(z, dtype=float)
    if z.shape != (v.size, u.size):
        raise PlottingError(f"field shape {z.shape} does not match the axes ({v.size}, {u.size})")
    invalid = ~np.isfinite(z)
    if domain is not None:
        invalid |= ~np.asarray(domain, dtype=bool)
    valid = z[~invalid]
    if valid.size == 0:
        return []
    if level > 0 and np.all(valid > 0):  # a positive field: interpolate in log10
        z = np.log10(np.where(invalid, 1.0, z))
        level = float(np.log10(level))
    generator = contourpy.contour_generator(
        u,
        v,
        np.ma.masked_array(np.where(invalid, 0.0, z), mask=invalid),
        line_type=contourpy.LineType.Separate,
    )
    pieces = []
    for line in generator.lines(level):
        line = np.asarray(line, dtype=float)
        if len(line) < 2:
            continue
        closed = len(line) > 2 and bool(np.array_equal(line[0], line[-1]))
        pieces.append(Piece(_back(line, x_scale, y_scale), closed))
    return pieces


def extract_region(
    x: ArrayLike,
    y: ArrayLike,
    mask: ArrayLike,
    *,
    x_scale: str = "linear",
    y_scale: str = "linear",
) -> list[Piece]:
    """The filled region where a mask is set, as outer boundaries and holes.

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
    pieces: list[Piece] = []
    points_list, offsets_list = generator.filled(REGION_LEVEL, 1.0 + REGION_LEVEL)
    for points, offsets in zip(points_list, offsets_list, strict=True):
        outer = len(pieces)
        for i, (start, stop) in enumerate(itertools.pairwise(offsets)):
            ring = _back(np.asarray(points[start:stop], dtype=float), x_scale, y_scale)
            pieces.append(Piece(ring, True, hole=i > 0, parent=outer if i > 0 else -1))
    return pieces


def _levels(attrs: dict[str, Any]) -> list[float]:
    levels = attrs.get("levels", ())
    return [float(v) for v in np.atleast_1d(np.asarray(levels, dtype=float))]


def extract_contours(
    result: ResultLike | str | os.PathLike[str], names: Iterable[str] | None = None
) -> list[Contour]:
    """Contours of every field with levels and every mask of a stored result.

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
    wanted = None if names is None else set(names)
    if wanted is not None:
        unknown = wanted - set(res.fields) - set(res.masks)
        if unknown:
            raise PlottingError(
                f"no field or mask named {', '.join(sorted(unknown))} in the result; "
                f"available: {', '.join(sorted([*res.fields, *res.masks]))}"
            )
    common = {
        "x_name": res.x_name,
        "y_name": res.y_name,
        "x_units": res.x_units,
        "y_units": res.y_units,
    }
    scales = {"x_scale": res.x_scale, "y_scale": res.y_scale}
    out = []
    for name in sorted(res.fields):
        if wanted is not None and name not in wanted:
            continue
        attrs = res.field_attrs.get(name, {})
        domain = res.domain(name)
        for index, level in enumerate(_levels(attrs)):
            refined = reconstruct(res, name, index) if hasattr(res, "path") else None
            if refined is not None:  # adaptive refinement stored by the scan: use it
                x_fine, y_fine, values = refined
                pieces = extract_lines(x_fine, y_fine, values, level, **scales)
            else:
                pieces = extract_lines(
                    res.x, res.y, res.fields[name], level, domain=domain, **scales
                )
            out.append(
                Contour(
                    name,
                    "line",
                    level,
                    index,
                    tuple(pieces),
                    layer=str(attrs.get("layer", "")),
                    units=str(attrs.get("units", "1")),
                    **common,
                )
            )
    for name in sorted(res.masks):
        if wanted is not None and name not in wanted:
            continue
        attrs = res.mask_attrs.get(name, {})
        pieces = extract_region(res.x, res.y, res.masks[name], **scales)
        out.append(
            Contour(
                name,
                "region",
                REGION_LEVEL,
                0,
                tuple(pieces),
                layer=str(attrs.get("layer", "")),
                units="1",
                **common,
            )
        )
    return sorted(out, key=lambda c: (c.source, c.level_index))


def store_contours(path: str | os.PathLike[str], contours: Sequence[Contour]) -> Path:
    """Store contours in ``/contours`` of a result file, atomically, through the file's owner.

    The owner (:func:`threeportal.results.write_contours`) copies the file, replaces
    ``/contours`` in the copy and renames the copy over the original, so a reader never sees
    a half-written file.

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
