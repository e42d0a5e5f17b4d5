"""The two-column text export: mass and mixing (or epsilon) per curve, as limit plots read them.

One file per piece of a contour (``<name>.txt``, ``<name>_piece<k>.txt`` when several): ``#``
header lines (title, benchmark, references, provenance, where the ends lie, the columns with
units), then two whitespace-separated columns; masses in GeV or MeV.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from hepunits import GeV, MeV

from ..fileio import write_text
from ._result import ResultLike
from .contours import Contour
from .export_meta import edge_flags, facts

__all__ = ["UNITS", "write_twocol"]

#: Mass units of the two-column format.
UNITS = {"GeV": GeV, "MeV": MeV}


def _column(values: Any, name: str, units: str, to: str | None) -> tuple[Any, str]:
    """Values of an axis column and its unit, masses converted to ``to``."""
    if to is None or units != "MeV":
        return values, units
    return np.asarray(values) * (MeV / UNITS[to]), to


def write_twocol(
    directory: Path, contour: Contour, res: ResultLike, units: str = "GeV"
) -> list[Path]:
    """Write one contour as two-column text, one file per piece (see the module docstring)."""
    known = facts(res, contour)
    written = []
    for k, piece in enumerate(contour.pieces):
        xy = np.asarray(piece.xy, dtype=float)
        x, x_units = _column(xy[:, 0], contour.x_name, contour.x_units, units)
        y, y_units = _column(xy[:, 1], contour.y_name, contour.y_units, units)
        flags = edge_flags(res, piece)
        stem = known["name"] if len(contour.pieces) == 1 else f"{known['name']}_piece{k}"
        shape = "closed" if piece.closed else "open"
        if piece.hole:
            shape += f", a hole of piece {piece.parent}"
        lines = [
            f"# {known['title']} ({contour.kind}, piece {k} of {len(contour.pieces)}, {shape})",
            "# benchmark: " + ", ".join(f"{n} = {v}" for n, v in known["benchmark"].items()),
            *(f"# reference: {r}" for r in known["references"]),
            f"# threeportal {known['package_version']}; card_sha256 {known['card_sha256']};"
            f" inputs_sha256 {known['inputs_sha256']}",
            f"# ends: first point {flags[0] or 'inside'}, last point {flags[-1] or 'inside'}"
            " (frame = scan frame, domain = the layer stops)",
            f"# {contour.x_name} [{x_units}]  {contour.y_name} [{y_units}]",
        ]
        lines += [f"{a:.10g}  {b:.10g}" for a, b in zip(x, y, strict=True)]
        path = directory / f"{stem}.txt"
        write_text(path, "\n".join(lines) + "\n")
        written.append(path)
    return written
