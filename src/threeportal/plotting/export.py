"""Export stored contours as CSV, JSON or a HEPData submission.

One file per contour (a field at one level, or a mask's region), named ``<source>.level<i>``
after the dataset and the index of the level in its ``levels`` attribute:

CSV
    ``#`` header lines (what the contour is, the result's card and inputs SHA-256, the level,
    ``# units: piece=1, <x>=<units>, <y>=<units>``, ``# citation: ...`` for a recast
    dark-photon limit, one ``# piece k: ...`` line per piece
    saying whether it is open, closed or a hole of another piece), then the columns
    ``piece,<x axis name>,<y axis name>``. Floats are written to full precision (``repr``).
JSON
    One object: ``schema`` ("threeportal.contour"), ``schema_version``, ``source``, ``kind``,
    ``layer``, ``description``, ``citation`` (recast dark-photon limits only), ``level``,
    ``level_index``, ``units``, ``x`` and ``y`` (name,
    units, scale), ``card_sha256``, ``inputs_sha256``, ``package_version``, ``result`` and
    ``pieces`` (each ``closed``, ``hole``, ``parent``, ``x``, ``y``).
HEPData
    ``submission.yaml`` (one table per non-empty contour; the first document's comment gives
    the provenance; a recast dark-photon limit's table description ends with the published
    limit's citation) and one data YAML per contour: independent variable x; dependent
    variables y (qualifiers: contour, kind, and the level of a line or the mask of a region),
    ``piece`` (the piece index) and ``hole of piece`` (the outer piece of a hole, -1
    otherwise). Passes ``hepdata-validator``. Needs PyYAML.

:func:`read_csv` and :func:`read_json` read the files back into :class:`Contour` objects.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .._version import __version__
from ..fileio import write_text
from ._result import PlottingError, ResultLike, open_result
from .contours import Contour, Piece, result_contours
from .dark_photon import limit_citation

__all__ = [
    "CONTOUR_SCHEMA",
    "FORMATS",
    "default_outdir",
    "export_contours",
    "read_csv",
    "read_json",
    "select_contours",
    "write_csv",
    "write_hepdata",
    "write_json",
]

FORMATS = ("csv", "json", "hepdata")
CONTOUR_SCHEMA = "threeportal.contour"
_HEPDATA_NAME_MAX = 64


def _float(value: float) -> str:
    return repr(float(value))


def _describe_piece(k: int, piece: Piece) -> str:
    if piece.hole:
        return f"# piece {k}: closed, hole of piece {piece.parent}"
    return f"# piece {k}: {'closed' if piece.closed else 'open'}"


def _provenance(res: ResultLike) -> dict[str, str]:
    attrs = res.attrs
    return {
        "card_sha256": str(attrs.get("card_sha256", "")),
        "inputs_sha256": str(attrs.get("inputs_sha256", "")),
        "package_version": str(attrs.get("package_version", __version__)),
        "result": Path(res.path).name if res.path is not None else "",
    }


def _description(res: ResultLike, contour: Contour) -> str:
    attrs = res.field_attrs.get(contour.source) or res.mask_attrs.get(contour.source) or {}
    return str(attrs.get("description", contour.source))


def _level_text(contour: Contour) -> str:
    if contour.kind == "region":
        return "region (mask = 1)"
    units = "" if contour.units in ("", "1") else f" {contour.units}"
    return f"{contour.level!r}{units}"


def write_csv(path: Path, contour: Contour, res: ResultLike) -> Path:
    """Write one contour as CSV (see the module docstring).

    Parameters
    ----------
    path : Path
        Output file.
    contour : Contour
        The contour.
    res : ScanResult
        The result it comes from (provenance and description).

    Returns
    -------
    Path
    """
    prov = _provenance(res)
    lines = [
        f"# threeportal contour {contour.key}: {contour.source} at {_level_text(contour)}"
        f" ({contour.kind})",
        f"# description: {_description(res, contour)}",
        *([f"# citation: {cite}"] if (cite := limit_citation(res, contour.source)) else []),
        f"# layer: {contour.layer}",
        f"# level: {contour.level!r}; level_units: {contour.units}; kind: {contour.kind}",
        f"# result: {prov['result']}; card_sha256: {prov['card_sha256']};"
        f" inputs_sha256: {prov['inputs_sha256']}; threeportal {prov['package_version']}",
        f"# units: piece=1, {contour.x_name}={contour.x_units}, {contour.y_name}={contour.y_units}",
        *(_describe_piece(k, p) for k, p in enumerate(contour.pieces)),
        f"piece,{contour.x_name},{contour.y_name}",
    ]
    for k, piece in enumerate(contour.pieces):
        lines.extend(f"{k},{_float(x)},{_float(y)}" for x, y in np.asarray(piece.xy))
    write_text(path, "\n".join(lines) + "\n")
    return path


def read_csv(path: str | os.PathLike[str]) -> Contour:
    """Read a contour written by :func:`write_csv`.

    Parameters
    ----------
    path : path-like
        The CSV file.

    Returns
    -------
    Contour
    """
    path = Path(path)
    meta: dict[str, str] = {}
    flags: dict[int, tuple[bool, bool, int]] = {}
    units: dict[str, str] = {}
    rows: list[tuple[int, float, float]] = []
    header: list[str] | None = None
    source, key = "", ""
    try:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("# threeportal contour "):
                key = line.removeprefix("# threeportal contour ").split(":", 1)[0]
                source = key.rsplit(".level", 1)[0]
            elif line.startswith("# piece "):
                index, _, text = line.removeprefix("# piece ").partition(": ")
                hole = text.startswith("closed, hole of piece ")
                parent = int(text.rsplit(" ", 1)[1]) if hole else -1
                flags[int(index)] = (text.startswith("closed"), hole, parent)
            elif line.startswith("# units: "):
                for item in line.removeprefix("# units: ").split(", "):
                    name, _, unit = item.partition("=")
                    units[name] = unit
            elif line.startswith(("# description: ", "# citation: ", "# result: ")):
                continue  # free text and provenance: not needed to rebuild the contour
            elif line.startswith("# "):
                for item in line.removeprefix("# ").split("; "):
                    name, sep, value = item.partition(": ")
                    if sep:
                        meta[name] = value
            elif header is None:
                header = line.split(",")
            elif line:
                k, x, y = line.split(",")
                rows.append((int(k), float(x), float(y)))
        if header is None or len(header) != 3 or header[0] != "piece" or not key:
            raise ValueError("not a threeportal contour CSV")
        level_index = int(key.rsplit(".level", 1)[1])
        level = float(meta["level"])
        kind = meta["kind"]
    except (ValueError, IndexError, KeyError, UnicodeDecodeError) as err:
        raise PlottingError(f"{path}: cannot read contour CSV ({err!r})") from None
    data = np.array(rows, dtype=float).reshape(-1, 3)
    pieces = tuple(Piece(data[data[:, 0] == k, 1:], *flags[k]) for k in range(len(flags)))
    return Contour(
        source,
        kind,  # type: ignore[arg-type]
        level,
        level_index,
        pieces,
        layer=meta.get("layer", ""),
        units=meta.get("level_units", "1"),
        x_name=header[1],
        y_name=header[2],
        x_units=units.get(header[1], "1"),
        y_units=units.get(header[2], "1"),
    )


def _json_object(contour: Contour, res: ResultLike) -> dict[str, Any]:
    return {
        "schema": CONTOUR_SCHEMA,
        "schema_version": 1,
        "source": contour.source,
        "kind": contour.kind,
        "layer": contour.layer,
        "description": _description(res, contour),
        **({"citation": cite} if (cite := limit_citation(res, contour.source)) else {}),
        "level": contour.level,
        "level_index": contour.level_index,
        "units": contour.units,
        "x": {"name": contour.x_name, "units": contour.x_units, "scale": res.x_scale},
        "y": {"name": contour.y_name, "units": contour.y_units, "scale": res.y_scale},
        **_provenance(res),
        "pieces": [
            {
                "closed": p.closed,
                "hole": p.hole,
                "parent": p.parent,
                "x": np.asarray(p.xy)[:, 0].tolist(),
                "y": np.asarray(p.xy)[:, 1].tolist(),
            }
            for p in contour.pieces
        ],
    }


def write_json(path: Path, contour: Contour, res: ResultLike) -> Path:
    """Write one contour as JSON (see the module docstring).

    Parameters
    ----------
    path : Path
        Output file.
    contour : Contour
        The contour.
    res : ScanResult
        The result it comes from (provenance, description, axis scales).

    Returns
    -------
    Path
    """
    text = json.dumps(_json_object(contour, res), indent=1, allow_nan=False)
    write_text(path, text + "\n")
    return path


def read_json(path: str | os.PathLike[str]) -> Contour:
    """Read a contour written by :func:`write_json`.

    Parameters
    ----------
    path : path-like
        The JSON file.

    Returns
    -------
    Contour
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("schema") != CONTOUR_SCHEMA:
            raise ValueError(f"schema is not {CONTOUR_SCHEMA!r}")
        pieces = tuple(
            Piece(
                np.column_stack([np.asarray(p["x"], dtype=float), np.asarray(p["y"], dtype=float)]),
                bool(p["closed"]),
                bool(p["hole"]),
                int(p["parent"]),
            )
            for p in data["pieces"]
        )
        return Contour(
            data["source"],
            data["kind"],
            float(data["level"]),
            int(data["level_index"]),
            pieces,
            layer=data["layer"],
            units=data["units"],
            x_name=data["x"]["name"],
            y_name=data["y"]["name"],
            x_units=data["x"]["units"],
            y_units=data["y"]["units"],
        )
    except (ValueError, KeyError, TypeError, AttributeError) as err:
        raise PlottingError(f"{path}: cannot read contour JSON ({err})") from None


def _header(name: str, units: str) -> dict[str, str]:
    return {"name": name} if units in ("", "1") else {"name": name, "units": units}


def _hepdata_table(contour: Contour) -> dict[str, Any]:
    """The HEPData data table of one contour: x, then y, piece and parent hole per point."""
    xy = np.concatenate([np.asarray(p.xy, dtype=float) for p in contour.pieces])
    index = np.concatenate([np.full(len(p.xy), k) for k, p in enumerate(contour.pieces)])
    parent = np.concatenate([np.full(len(p.xy), p.parent) for p in contour.pieces])
    level: dict[str, Any] = {"name": "level", "value": float(contour.level)}
    if contour.kind == "region":
        level = {"name": "region", "value": f"{contour.source} = 1"}
    elif contour.units not in ("", "1"):
        level["units"] = contour.units
    qualifiers = [
        {"name": "contour", "value": contour.source},
        {"name": "kind", "value": contour.kind},
        level,
    ]
    return {
        "independent_variables": [
            {
                "header": _header(contour.x_name, contour.x_units),
                "values": [{"value": float(v)} for v in xy[:, 0]],
            }
        ],
        "dependent_variables": [
            {
                "header": _header(contour.y_name, contour.y_units),
                "qualifiers": qualifiers,
                "values": [{"value": float(v)} for v in xy[:, 1]],
            },
            {"header": {"name": "piece"}, "values": [{"value": int(v)} for v in index]},
            {
                "header": {"name": "hole of piece"},
                "values": [{"value": int(v)} for v in parent],
            },
        ],
    }


def _hepdata_entry(res: ResultLike, contour: Contour, data_file: str) -> dict[str, Any]:
    """The ``submission.yaml`` document of one contour's table."""
    table_name = f"{contour.source} at {_level_text(contour)}"
    cite = limit_citation(res, contour.source)
    return {
        "name": table_name[:_HEPDATA_NAME_MAX],
        "description": (
            f"{_description(res, contour)}: {contour.kind} contour at "
            f"{_level_text(contour)}, {len(contour.pieces)} piece(s)."
            + (f" Recast of the published limit: {cite}." if cite else "")
        ),
        "keywords": [
            {"name": "observables", "values": [contour.source]},
            {"name": "phrases", "values": ["Exclusion contour", "Dark neutrinos"]},
        ],
        "data_file": data_file,
    }


def write_hepdata(directory: Path, contours: Sequence[Contour], res: ResultLike) -> list[Path]:
    """Write a HEPData submission: ``submission.yaml`` and one data YAML per contour.

    Contours without any piece are left out (and listed in the submission comment).

    Parameters
    ----------
    directory : Path
        Output directory.
    contours : sequence of Contour
        The contours.
    res : ScanResult
        The result they come from.

    Returns
    -------
    list of Path
        ``submission.yaml`` first, then the data files.
    """
    try:
        import yaml
    except ImportError:  # pragma: no cover - PyYAML comes with the dev extra
        raise PlottingError("format 'hepdata' needs PyYAML: pip install pyyaml") from None
    prov = _provenance(res)
    empty = [c.key for c in contours if not c.pieces]
    comment = (
        f"Contours of the threeportal scan {prov['result']} (threeportal "
        f"{prov['package_version']}; card sha256 {prov['card_sha256']}; inputs sha256 "
        f"{prov['inputs_sha256']}) in the ({res.x_name}, {res.y_name}) plane. Each table is "
        "one contour; a contour may have several pieces (column 'piece'), and a region's "
        "holes are pieces with 'hole of piece' >= 0."
    )
    if empty:
        comment += f" Contours with no piece, not included: {', '.join(empty)}."
    documents: list[dict[str, Any]] = [{"comment": comment}]
    written = []
    for contour in contours:
        if not contour.pieces:
            continue
        path = directory / f"{contour.key}.yaml"
        write_text(path, yaml.safe_dump(_hepdata_table(contour), sort_keys=False))
        written.append(path)
        documents.append(_hepdata_entry(res, contour, path.name))
    submission = directory / "submission.yaml"
    write_text(submission, yaml.safe_dump_all(documents, sort_keys=False, explicit_start=True))
    return [submission, *written]


def default_outdir(result: str | os.PathLike[str], fmt: str) -> Path:
    """Default export directory: ``<result without .h5>-<format>/`` next to the result."""
    path = Path(result)
    return path.with_name(f"{path.stem}-{fmt}")


def select_contours(
    res: ResultLike, contours: Sequence[Contour], names: Iterable[str] | None = None
) -> list[Contour]:
    """The contours worth exporting: every field line and every mask that is no domain.

    Parameters
    ----------
    res : ScanResult
        The result.
    contours : sequence of Contour
        Its contours.
    names : iterable of str, optional
        Only these sources (field or mask names); unknown names are an error.
    """
    if names is not None:
        wanted = set(names)
        unknown = wanted - {c.source for c in contours}
        if unknown:
            raise PlottingError(
                f"no contour of {', '.join(sorted(unknown))}; available: "
                f"{', '.join(sorted({c.source for c in contours}))}"
            )
        return [c for c in contours if c.source in wanted]
    domains = res.domain_masks()
    return [c for c in contours if c.source not in domains]


def export_contours(
    result: ResultLike | str | os.PathLike[str],
    fmt: str,
    outdir: str | os.PathLike[str] | None = None,
    *,
    names: Iterable[str] | None = None,
) -> list[Path]:
    """Export a result's contours (stored ones, else extracted from its fields).

    Parameters
    ----------
    result : ScanResult or path-like
        The scan result.
    fmt : {"csv", "json", "hepdata"}
        Output format.
    outdir : path-like, optional
        Output directory (created; default :func:`default_outdir`).
    names : iterable of str, optional
        Only the contours of these fields or masks.

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    PlottingError
        For an unknown format or name (one-line message).
    """
    if fmt not in FORMATS:
        raise PlottingError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")
    res = open_result(result)
    if outdir is None:
        if res.path is None:
            raise PlottingError("give an output directory for a result without a file")
        outdir = default_outdir(res.path, fmt)
    out = Path(outdir)
    if out.exists() and not out.is_dir():
        raise PlottingError(f"{out}: exists and is not a directory")
    out.mkdir(parents=True, exist_ok=True)
    contours = select_contours(res, result_contours(res), names)
    if fmt == "hepdata":
        return write_hepdata(out, contours, res)
    writer = write_csv if fmt == "csv" else write_json
    return [writer(out / f"{c.key}.{fmt}", c, res) for c in contours]
