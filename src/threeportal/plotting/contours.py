"""Contour extraction with contourpy: every disconnected piece and every hole is kept.

A *field* with contour levels (attr ``levels``) gives one **line** contour per level; a
*mask* gives one **region** contour (the filled region where the mask is 1, boundaries at
0.5 between grid points, holes kept). Lines are cut where the field is undefined: points
outside the field's ``domain`` mask and non-finite values are masked, so absent regions
give no line. Interpolation is done in the plotting coordinates of each axis (log10 of the
axis value on a log axis) and, for a strictly positive field, in log10 of the field, so the
curves are smooth on the log axes they are drawn on. Coordinates are returned in axis units.

HDF5 layout
-----------
Contours are stored inside the result file, next to the fields they come from::

    /contours                      group; attrs: schema = "threeportal.contours",
                                   schema_version = 1, x_axis, y_axis, x_units, y_units,
                                   card_sha256 (of the result they were extracted from)
    /contours/<source>             one group per field or mask, named like the dataset;
                                   attrs: source, kind ("line" for a field, "region" for a
                                   mask), layer, units (of the field; "1" for a mask),
                                   levels (float64 array)
    /contours/<source>/<i>         one group per level, i = 0, 1, ... indexes ``levels``;
                                   attrs: level, n_pieces
    /contours/<source>/<i>/piece_<k>
                                   float64 dataset of shape (N, 2): columns x, y in the
                                   units of the axes; attrs: closed (bool), hole (bool),
                                   parent (int: the outer piece of a hole, -1 otherwise)

Pieces are numbered from 0 in the order contourpy returns them; a region lists each outer
boundary followed by its holes. Closed pieces repeat their first point at the end. A level
with no crossing has ``n_pieces = 0`` and no datasets. A region's level is 0.5.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import contourpy
import h5py
import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..scans.refine import reconstruct
from ._result import PlottingError, ResultLike, open_result

__all__ = [
    "CONTOURS_GROUP",
    "CONTOURS_SCHEMA",
    "CONTOURS_SCHEMA_VERSION",
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

CONTOURS_GROUP = "contours"
CONTOURS_SCHEMA = "threeportal.contours"
CONTOURS_SCHEMA_VERSION = 1
#: Level at which a 0/1 mask is cut into a region.
REGION_LEVEL = 0.5

Kind = Literal["line", "region"]


@dataclass(frozen=True)
class Piece:
    """One connected piece of a contour.

    Attributes
    ----------
    xy : ndarray, shape (N, 2)
        Points (x, y) in axis units.
    closed : bool
        The piece is a closed loop (its last point repeats the first).
    hole : bool
        The piece is a hole of a region (only for ``kind="region"``).
    parent : int
        Index of the outer piece a hole belongs to; -1 for outer pieces and lines.
    """

    xy: NDArray[np.float64]
    closed: bool
    hole: bool = False
    parent: int = -1


@dataclass(frozen=True)
class Contour:
    """All pieces of one field at one level, or of one mask.

    Attributes
    ----------
    source : str
        Name of the field or mask dataset in the result.
    kind : {"line", "region"}
        A field's iso-line or a mask's filled region.
    level : float
        Contour level, in ``units`` (0.5 for a region).
    level_index : int
        Index of ``level`` in the source's levels.
    pieces : tuple of Piece
        Every disconnected piece (and hole).
    layer : str
        Constraint that produced the source.
    units : str
        Units of the source field ("1" for a mask).
    x_name, y_name : str
        Axis parameter names.
    x_units, y_units : str
        Axis units of the piece coordinates.
    """

    source: str
    kind: Kind
    level: float
    level_index: int
    pieces: tuple[Piece, ...]
    layer: str = ""
    units: str = "1"
    x_name: str = "x"
    y_name: str = "y"
    x_units: str = "1"
    y_units: str = "1"

    @property
    def key(self) -> str:
        """File-name stem used by the exporters, ``<source>.level<i>``."""
        return f"{self.source}.level{self.level_index}"


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
        domain_name = str(attrs.get("domain", "") or "")
        domain = res.masks.get(domain_name) if domain_name else None
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


def _write_group(root: h5py.Group, contours: Sequence[Contour], card_sha256: str) -> None:
    if CONTOURS_GROUP in root:
        del root[CONTOURS_GROUP]
    top = root.create_group(CONTOURS_GROUP)
    top.attrs["schema"] = CONTOURS_SCHEMA
    top.attrs["schema_version"] = CONTOURS_SCHEMA_VERSION
    top.attrs["card_sha256"] = card_sha256
    if contours:
        first = contours[0]
        for key in ("x_name", "y_name", "x_units", "y_units"):
            top.attrs[key.replace("_name", "_axis")] = getattr(first, key)
    by_source: dict[str, list[Contour]] = {}
    for contour in contours:
        by_source.setdefault(contour.source, []).append(contour)
    for source, items in by_source.items():
        group = top.create_group(source)
        group.attrs["source"] = source
        group.attrs["kind"] = items[0].kind
        group.attrs["layer"] = items[0].layer
        group.attrs["units"] = items[0].units
        group.attrs["levels"] = np.array([c.level for c in items], dtype=float)
        for contour in items:
            sub = group.create_group(str(contour.level_index))
            sub.attrs["level"] = contour.level
            sub.attrs["n_pieces"] = len(contour.pieces)
            for k, piece in enumerate(contour.pieces):
                data = sub.create_dataset(f"piece_{k}", data=np.asarray(piece.xy, dtype=float))
                data.attrs["closed"] = piece.closed
                data.attrs["hole"] = piece.hole
                data.attrs["parent"] = piece.parent


def store_contours(path: str | os.PathLike[str], contours: Sequence[Contour]) -> Path:
    """Write contours into ``/contours`` of a result file, atomically.

    Uses :func:`threeportal.scans.open_for_update`: the file is copied, ``/contours`` is
    replaced in the copy, and the copy is renamed over the original, so a reader never
    sees a half-written file.

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
    from ..scans import open_for_update

    path = Path(path)
    with open_for_update(path) as h5:
        _write_group(h5, contours, _text(h5.attrs.get("card_sha256", "")))
    return path


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def read_contours(path: str | os.PathLike[str]) -> list[Contour]:
    """Contours stored in a result file (see the module docstring for the layout).

    Parameters
    ----------
    path : path-like
        The HDF5 result file.

    Returns
    -------
    list of Contour
        In stored order: by source name, then level index.

    Raises
    ------
    PlottingError
        If the file has no ``/contours`` group or an unknown contour schema.
    """
    path = Path(path)
    try:
        h5 = h5py.File(path, "r")
    except OSError:
        raise PlottingError(f"{path}: not a readable HDF5 file") from None
    with h5:
        if CONTOURS_GROUP not in h5:
            raise PlottingError(f"{path}: no stored contours (/{CONTOURS_GROUP} is missing)")
        top = h5[CONTOURS_GROUP]
        if _text(top.attrs.get("schema", "")) != CONTOURS_SCHEMA:
            raise PlottingError(f"{path}: /{CONTOURS_GROUP} is not a {CONTOURS_SCHEMA} group")
        version = int(top.attrs.get("schema_version", -1))
        if version != CONTOURS_SCHEMA_VERSION:
            raise PlottingError(
                f"{path}: contour schema_version {version} is not supported "
                f"(this version reads {CONTOURS_SCHEMA_VERSION})"
            )
        axes = {
            "x_name": _text(top.attrs.get("x_axis", "x")),
            "y_name": _text(top.attrs.get("y_axis", "y")),
            "x_units": _text(top.attrs.get("x_units", "1")),
            "y_units": _text(top.attrs.get("y_units", "1")),
        }
        out = []
        for source in sorted(top):
            group = top[source]
            for index in sorted(group, key=int):
                sub = group[index]
                pieces = []
                for k in range(int(sub.attrs["n_pieces"])):
                    data = sub[f"piece_{k}"]
                    pieces.append(
                        Piece(
                            np.asarray(data[()], dtype=float),
                            bool(data.attrs["closed"]),
                            bool(data.attrs["hole"]),
                            int(data.attrs["parent"]),
                        )
                    )
                out.append(
                    Contour(
                        source,
                        _text(group.attrs["kind"]),
                        float(sub.attrs["level"]),  # type: ignore[arg-type]
                        int(index),
                        tuple(pieces),
                        layer=_text(group.attrs.get("layer", "")),
                        units=_text(group.attrs.get("units", "1")),
                        **axes,
                    )
                )
    return out


def _stored_contours_current(path: Path) -> bool:
    """Whether the file holds contours of this schema version, made from this card."""
    with h5py.File(path, "r") as h5:
        group = h5.get(CONTOURS_GROUP)
        return (
            group is not None
            and int(group.attrs.get("schema_version", -1)) == CONTOURS_SCHEMA_VERSION
            and _text(group.attrs.get("card_sha256", "")) == _text(h5.attrs.get("card_sha256", ""))
        )


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
    if path is not None and Path(path).is_file() and _stored_contours_current(Path(path)):
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
    if not _stored_contours_current(path):
        store_contours(path, extract_contours(res))
    return read_contours(path)
