"""The ``/contours`` group of a result: contours stored next to the fields they come from.

Layout::

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

Pieces are numbered from 0 in the order they were extracted; a region lists each outer
boundary followed by its holes. Closed pieces repeat their first point at the end. A level
with no crossing has ``n_pieces = 0`` and no datasets. A region's level is 0.5.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import h5py
import numpy as np
from numpy.typing import NDArray

from ..errors import ScanError
from .files import CONTOURS_GROUP, open_h5, read_attrs, read_header, text_attr
from .update import current_group, update_group
from .writer import checked_dataset

__all__ = [
    "CONTOURS_SCHEMA",
    "CONTOURS_SCHEMA_VERSION",
    "Contour",
    "Piece",
    "contours_current",
    "read_contours",
    "write_contours",
]

CONTOURS_SCHEMA = "threeportal.contours"
CONTOURS_SCHEMA_VERSION = 1

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


def _write_group(top: h5py.Group, contours: Sequence[Contour], card_sha256: str) -> None:
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
                data = checked_dataset(sub, f"piece_{k}", np.asarray(piece.xy, dtype=float))
                data.attrs["closed"] = piece.closed
                data.attrs["hole"] = piece.hole
                data.attrs["parent"] = piece.parent


def write_contours(path: str | os.PathLike[str], contours: Sequence[Contour]) -> Path:
    """Replace ``/contours`` of a complete result file in place, atomically (see
    :func:`~threeportal.results.update.update_group`).

    Returns the result file.
    """
    path = Path(path)
    card_sha256 = text_attr(read_header(path), "card_sha256")
    with update_group(path, CONTOURS_GROUP) as top:
        _write_group(top, contours, card_sha256)
    return path


def _read_level(group: h5py.Group, index: str, axes: dict[str, str]) -> Contour:
    sub = group[index]
    group_attrs, sub_attrs = read_attrs(group), read_attrs(sub)
    pieces = []
    for k in range(int(sub_attrs["n_pieces"])):
        data = sub[f"piece_{k}"]
        attrs = read_attrs(data)
        pieces.append(
            Piece(
                np.asarray(data[()], dtype=float),
                bool(attrs["closed"]),
                bool(attrs["hole"]),
                int(attrs["parent"]),
            )
        )
    return Contour(
        text_attr(group_attrs, "source", group.name.rsplit("/", 1)[-1]),
        text_attr(group_attrs, "kind"),  # type: ignore[arg-type]
        float(sub_attrs["level"]),
        int(index),
        tuple(pieces),
        layer=text_attr(group_attrs, "layer"),
        units=text_attr(group_attrs, "units", "1"),
        **axes,
    )


def read_contours(path: str | os.PathLike[str]) -> list[Contour]:
    """Contours stored in a result file, by source name then level index.

    Raises
    ------
    ScanError
        If the file is not readable HDF5, has no ``/contours`` group or an unknown schema.
    """
    path = Path(path)
    with open_h5(path, "r") as h5:
        top = current_group(h5, CONTOURS_GROUP)
        if top is None:
            raise ScanError(f"{path}: no stored contours (/{CONTOURS_GROUP} is missing)")
        attrs = read_attrs(top)
        if text_attr(attrs, "schema") != CONTOURS_SCHEMA:
            raise ScanError(f"{path}: /{CONTOURS_GROUP} is not a {CONTOURS_SCHEMA} group")
        version = attrs.get("schema_version", -1)
        if version != CONTOURS_SCHEMA_VERSION:
            raise ScanError(
                f"{path}: contour schema_version {version} is not supported "
                f"(this version reads {CONTOURS_SCHEMA_VERSION})"
            )
        axes = {
            "x_name": text_attr(attrs, "x_axis", "x"),
            "y_name": text_attr(attrs, "y_axis", "y"),
            "x_units": text_attr(attrs, "x_units", "1"),
            "y_units": text_attr(attrs, "y_units", "1"),
        }
        return [
            _read_level(top[source], index, axes)
            for source in sorted(top)
            for index in sorted(top[source], key=int)
        ]


def contours_current(path: str | os.PathLike[str]) -> bool:
    """Whether the file holds contours of this schema version, made from its card."""
    with open_h5(path, "r") as h5:
        group = current_group(h5, CONTOURS_GROUP)
        if group is None:
            return False
        attrs = read_attrs(group)
        return attrs.get("schema_version") == CONTOURS_SCHEMA_VERSION and text_attr(
            attrs, "card_sha256"
        ) == text_attr(read_attrs(h5), "card_sha256")
