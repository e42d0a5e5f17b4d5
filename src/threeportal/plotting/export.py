"""Export the contours of a result as CSV, JSON, two-column text or a HEPData submission.

By default the contours a limit plot shows are exported: every exclusion region, the NA62
sensitivities, the lifetime lines, the upscattering region, and one combined "excluded by
any bound" region; ``include_all`` (``--all``) adds the diagnostics (ratios, surviving
fractions, the published unreinterpreted bounds, domains). Files are named after layer,
physical name and level value (:func:`~threeportal.plotting.export_meta.export_name`, e.g.
``na62_ee_ses_1event``, ``lifetime_nuh_10ps``). Contours with no piece get no file; every
export but HEPData (whose ``submission.yaml`` does it) writes ``index.json`` listing the
files, the empty contours, the benchmark (every fixed model parameter with its unit) and the
provenance (package version, card and inputs SHA-256).
The result is only read: contours not stored in it are extracted in memory.

CSV
    ``#`` header lines (title, source, description, layer, level, level index, kind,
    benchmark, references, provenance, ``# units: ...``, one ``# piece k: ...`` line per
    piece), then ``piece,<x>,<y>,edge``; ``edge`` is ``frame`` for a point on the scan frame,
    ``domain`` for the open end of a line inside the frame, else empty. Open lines stay open.
JSON
    One object (schema "threeportal.contour" version 2): the same facts, and ``pieces`` with
    ``closed``, ``hole``, ``parent``, ``x``, ``y`` and ``edge``.
twocol
    One text file per piece (``<name>.txt``, ``<name>_piece<k>.txt`` when several): ``#``
    header lines, then two whitespace-separated columns, the mass axis in ``units`` (GeV or
    MeV) and the other axis, as limit-plot repositories read them.
HEPData
    ``submission.yaml`` (one table per contour, titled in physics words; descriptions cite
    arXiv:1903.07589 and the experiments' references and give the benchmark) and one data
    YAML per contour (x; y with qualifiers; piece; hole of piece; on frame). Passes
    ``hepdata-validator``. Needs PyYAML.

:func:`read_csv` and :func:`read_json` read the files back into :class:`Contour` objects.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..fileio import write_text
from ._result import PlottingError, ResultLike, open_result
from .contours import Contour, Piece, result_contours
from .export_meta import (
    benchmark,
    combined_exclusion,
    description,
    edge_flags,
    export_name,
    facts,
    is_bound,
    provenance,
)
from .export_twocol import UNITS, write_twocol

__all__ = [
    "CONTOUR_SCHEMA",
    "FORMATS",
    "UNITS",
    "default_outdir",
    "export_contours",
    "read_csv",
    "read_json",
    "select_contours",
    "write_csv",
    "write_hepdata",
    "write_json",
    "write_twocol",
]

FORMATS = ("csv", "json", "hepdata", "twocol")
CONTOUR_SCHEMA = "threeportal.contour"
CONTOUR_SCHEMA_VERSION = 2
_HEPDATA_NAME_MAX = 64


def _float(value: float) -> str:
    return repr(float(value))


def _describe_piece(k: int, piece: Piece) -> str:
    if piece.hole:
        return f"# piece {k}: closed, hole of piece {piece.parent}"
    return f"# piece {k}: {'closed' if piece.closed else 'open'}"


def _level_text(contour: Contour) -> str:
    if contour.kind == "region":
        return "region (mask = 1)"
    units = "" if contour.units in ("", "1") else f" {contour.units}"
    return f"{contour.level!r}{units}"


def write_csv(path: Path, contour: Contour, res: ResultLike) -> Path:
    """Write one contour as CSV (see the module docstring)."""
    known = facts(res, contour)
    lines = [
        f"# threeportal contour {known['name']}: {known['title']}",
        f"# source: {contour.source}",
        f"# description: {description(res, contour)}",
        f"# layer: {contour.layer}",
        f"# level: {contour.level!r}; level_units: {contour.units}; kind: {contour.kind}; "
        f"level_index: {contour.level_index}",
        "# benchmark: " + ", ".join(f"{k} = {v}" for k, v in known["benchmark"].items()),
        *(f"# reference: {r}" for r in known["references"]),
        f"# result: {known['result']}; card_sha256: {known['card_sha256']};"
        f" inputs_sha256: {known['inputs_sha256']}; threeportal {known['package_version']}",
        f"# units: piece=1, {contour.x_name}={contour.x_units}, {contour.y_name}={contour.y_units}",
        "# edge: frame = on the scan frame, domain = open end inside it (the layer stops)",
        *(_describe_piece(k, p) for k, p in enumerate(contour.pieces)),
        f"piece,{contour.x_name},{contour.y_name},edge",
    ]
    for k, piece in enumerate(contour.pieces):
        flags = edge_flags(res, piece)
        lines.extend(
            f"{k},{_float(x)},{_float(y)},{flag}"
            for (x, y), flag in zip(np.asarray(piece.xy), flags, strict=True)
        )
    write_text(path, "\n".join(lines) + "\n")
    return path


def _parse_csv(path: Path) -> tuple[dict[str, str], dict[int, Any], dict[str, str], list, Any]:
    meta: dict[str, str] = {}
    flags: dict[int, tuple[bool, bool, int]] = {}
    units: dict[str, str] = {}
    rows: list[tuple[int, float, float]] = []
    header: list[str] | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# piece "):
            index, _, text = line.removeprefix("# piece ").partition(": ")
            hole = text.startswith("closed, hole of piece ")
            parent = int(text.rsplit(" ", 1)[1]) if hole else -1
            flags[int(index)] = (text.startswith("closed"), hole, parent)
        elif line.startswith("# units: "):
            for item in line.removeprefix("# units: ").split(", "):
                name, _, unit = item.partition("=")
                units[name] = unit
        elif line.startswith(("# source: ", "# layer: ")):
            name, _, value = line.removeprefix("# ").partition(": ")
            meta[name] = value
        elif line.startswith("# level: "):
            for item in line.removeprefix("# ").split("; "):
                name, _, value = item.partition(": ")
                meta[name] = value
        elif line.startswith("#"):
            continue  # title, description, benchmark, references, provenance: free text
        elif header is None:
            header = line.split(",")
        elif line:
            k, x, y, _edge = line.split(",")
            rows.append((int(k), float(x), float(y)))
    return meta, flags, units, rows, header


def read_csv(path: str | os.PathLike[str]) -> Contour:
    """Read a contour written by :func:`write_csv`."""
    path = Path(path)
    try:
        meta, flags, units, rows, header = _parse_csv(path)
        if header is None or len(header) != 4 or header[0] != "piece" or "source" not in meta:
            raise ValueError("not a threeportal contour CSV")
        level_index, level, kind = int(meta["level_index"]), float(meta["level"]), meta["kind"]
    except (ValueError, IndexError, KeyError, UnicodeDecodeError) as err:
        raise PlottingError(f"{path}: cannot read contour CSV ({err!r})") from None
    data = np.array(rows, dtype=float).reshape(-1, 3)
    pieces = tuple(Piece(data[data[:, 0] == k, 1:], *flags[k]) for k in range(len(flags)))
    return Contour(
        meta["source"],
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
        "schema_version": CONTOUR_SCHEMA_VERSION,
        "source": contour.source,
        "kind": contour.kind,
        "layer": contour.layer,
        "description": description(res, contour),
        "level": contour.level,
        "level_index": contour.level_index,
        "units": contour.units,
        "x": {"name": contour.x_name, "units": contour.x_units, "scale": res.x_scale},
        "y": {"name": contour.y_name, "units": contour.y_units, "scale": res.y_scale},
        **facts(res, contour),
        "pieces": [
            {
                "closed": p.closed,
                "hole": p.hole,
                "parent": p.parent,
                "x": np.asarray(p.xy)[:, 0].tolist(),
                "y": np.asarray(p.xy)[:, 1].tolist(),
                "edge": edge_flags(res, p),
            }
            for p in contour.pieces
        ],
    }


def write_json(path: Path, contour: Contour, res: ResultLike) -> Path:
    """Write one contour as JSON (see the module docstring)."""
    text = json.dumps(_json_object(contour, res), indent=1, allow_nan=False)
    write_text(path, text + "\n")
    return path


def read_json(path: str | os.PathLike[str]) -> Contour:
    """Read a contour written by :func:`write_json`."""
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


def _hepdata_table(contour: Contour, res: ResultLike) -> dict[str, Any]:
    """The HEPData data table of one contour: x, then y, piece, parent hole and frame flag."""
    xy = np.concatenate([np.asarray(p.xy, dtype=float) for p in contour.pieces])
    index = np.concatenate([np.full(len(p.xy), k) for k, p in enumerate(contour.pieces)])
    parent = np.concatenate([np.full(len(p.xy), p.parent) for p in contour.pieces])
    edge = [flag == "frame" for p in contour.pieces for flag in edge_flags(res, p)]
    level: dict[str, Any] = {"name": "level", "value": float(contour.level)}
    if contour.kind == "region":
        level = {"name": "region", "value": f"{contour.source} = 1"}
    elif contour.units not in ("", "1"):
        level["units"] = contour.units
    qualifiers = [
        {"name": "contour", "value": contour.source},
        {"name": "kind", "value": contour.kind},
        level,
        *({"name": k, "value": v} for k, v in benchmark(res).items()),
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
            {
                "header": {"name": "on scan frame"},
                "values": [{"value": int(v)} for v in edge],
            },
        ],
    }


def _hepdata_entry(res: ResultLike, contour: Contour, data_file: str) -> dict[str, Any]:
    """The ``submission.yaml`` document of one contour's table."""
    known = facts(res, contour)
    bench = ", ".join(f"{k} = {v}" for k, v in known["benchmark"].items())
    return {
        "name": known["title"][:_HEPDATA_NAME_MAX],
        "description": (
            f"{known['title']}: {contour.kind} contour in the ({contour.x_name}, "
            f"{contour.y_name}) plane of the three-portal dark-neutrino model, "
            f"{len(contour.pieces)} piece(s). Benchmark: {bench}. References: "
            + "; ".join(known["references"])
            + "."
        ),
        "keywords": [
            {"name": "observables", "values": [contour.source]},
            {"name": "phrases", "values": ["Exclusion contour", "Dark neutrinos"]},
        ],
        "data_file": data_file,
    }


def write_hepdata(directory: Path, contours: Sequence[Contour], res: ResultLike) -> list[Path]:
    """Write a HEPData submission: ``submission.yaml`` and one data YAML per non-empty contour.

    Returns ``submission.yaml`` first, then the data files.
    """
    try:
        import yaml
    except ImportError:  # pragma: no cover - PyYAML comes with the dev extra
        raise PlottingError("format 'hepdata' needs PyYAML: pip install pyyaml") from None
    prov = provenance(res)
    empty = [export_name(c) for c in contours if not c.pieces]
    comment = (
        f"Contours of the three-portal dark-neutrino model of arXiv:1903.07589 (Ballett, "
        f"Hostert, Pascoli), computed by threeportal {prov['package_version']} (scan "
        f"{prov['result']}; card sha256 {prov['card_sha256']}; inputs sha256 "
        f"{prov['inputs_sha256']}) in the ({res.x_name}, {res.y_name}) plane. Each table is "
        "one contour; a contour may have several pieces (column 'piece'), and a region's "
        "holes are pieces with 'hole of piece' >= 0. Benchmark: "
        + ", ".join(f"{k} = {v}" for k, v in benchmark(res).items())
        + "."
    )
    if empty:
        comment += f" Contours with no piece, not included: {', '.join(empty)}."
    documents: list[dict[str, Any]] = [{"comment": comment}]
    written = []
    for contour in contours:
        if not contour.pieces:
            continue
        path = directory / f"{export_name(contour)}.yaml"
        write_text(path, yaml.safe_dump(_hepdata_table(contour, res), sort_keys=False))
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
    res: ResultLike,
    contours: Sequence[Contour],
    names: Iterable[str] | None = None,
    *,
    include_all: bool = False,
) -> list[Contour]:
    """The contours to export.

    Parameters
    ----------
    res : ScanResult
        The result.
    contours : sequence of Contour
        Its contours.
    names : iterable of str, optional
        Only these sources (field or mask names); unknown names are an error.
    include_all : bool
        Also the diagnostics (default: only what a limit plot shows, and the combined
        "excluded by any bound" region).
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
    chosen = list(contours) if include_all else [c for c in contours if is_bound(res, c)]
    combined = combined_exclusion(res, list(contours))
    return chosen + ([combined] if combined is not None else [])


def _index(out: Path, res: ResultLike, contours: list[Contour], written: list[Path]) -> Path:
    index = {
        "schema": "threeportal.export-index",
        "model": "three-portal dark neutrinos, arXiv:1903.07589",
        "plane": {"x": [res.x_name, res.x_units], "y": [res.y_name, res.y_units]},
        "benchmark": benchmark(res),
        **provenance(res),
        "files": sorted(p.name for p in written),
        "empty_contours": sorted(export_name(c) for c in contours if not c.pieces),
    }
    path = out / "index.json"
    write_text(path, json.dumps(index, indent=1) + "\n")
    return path


def export_contours(
    result: ResultLike | str | os.PathLike[str],
    fmt: str,
    outdir: str | os.PathLike[str] | None = None,
    *,
    names: Iterable[str] | None = None,
    include_all: bool = False,
    units: str | None = None,
) -> list[Path]:
    """Export a result's contours (stored ones, else extracted in memory; the result is read only).

    Parameters
    ----------
    result : ScanResult or path-like
        The scan result.
    fmt : {"csv", "json", "hepdata", "twocol"}
        Output format.
    outdir : path-like, optional
        Output directory (created; default :func:`default_outdir`).
    names : iterable of str, optional
        Only the contours of these fields or masks.
    include_all : bool
        Also the diagnostics.
    units : {"GeV", "MeV"}, optional
        Mass unit of the two-column format (default GeV; only with ``fmt="twocol"``).

    Returns
    -------
    list of Path
        The files written, ``index.json`` last (HEPData: ``submission.yaml`` first, and the
        submission lists the empty contours instead).

    Raises
    ------
    PlottingError
        For an unknown format, unit or name, or an output inside the result (one line).
    """
    if fmt not in FORMATS:
        raise PlottingError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")
    if units is not None and (fmt != "twocol" or units not in UNITS):
        raise PlottingError(f"units {units!r}: allowed {', '.join(UNITS)}, with format twocol")
    res = open_result(result)
    if outdir is None:
        if res.path is None:
            raise PlottingError("give an output directory for a result without a file")
        outdir = default_outdir(res.path, fmt)
    out = Path(outdir)
    if out.exists() and not out.is_dir():
        raise PlottingError(f"{out}: exists and is not a directory")
    out.mkdir(parents=True, exist_ok=True)
    contours = select_contours(res, result_contours(res), names, include_all=include_all)
    if fmt == "hepdata":  # the submission lists the empty contours itself (no extra files)
        return write_hepdata(out, contours, res)
    if fmt == "twocol":
        written = [path for c in contours for path in write_twocol(out, c, res, units or "GeV")]
    else:
        writer = write_csv if fmt == "csv" else write_json
        written = [writer(out / f"{export_name(c)}.{fmt}", c, res) for c in contours if c.pieces]
    return [*written, _index(out, res, contours, written)]
