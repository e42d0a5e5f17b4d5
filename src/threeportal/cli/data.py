"""Text for ``threeportal data list`` and ``threeportal data show NAME``."""

from __future__ import annotations

import os
from typing import Any

from ..data import DataFileError, LimitCurve, load_input
from ..data.dark_photon import load_dark_photon_limit, shipped_dark_photon_limits
from ..data.registry import KINDS, shipped_files
from ..units import unit_value

__all__ = ["format_listing", "format_show"]


def format_listing() -> str:
    """One line per shipped input (the dark-photon limits last): name, kind, experiment and
    citation.

    Returns
    -------
    str
        Aligned lines, ending with a newline. A file that fails to load is listed with its
        error instead of a citation.
    """
    entries = []
    for file_name in shipped_files():
        stem, suffix = file_name.rsplit(".", 1)
        kind = KINDS["." + suffix]
        try:
            item = load_input(stem)
        except DataFileError as err:
            entries.append((stem, kind, "?", f"ERROR {err}"))
            continue
        if isinstance(item, LimitCurve):
            experiment = item.metadata["experiment"]
        else:
            experiment = item.experiment
        entries.append((stem, kind, experiment, item.citation))
    entries.extend(_dark_photon_entries())
    if not entries:
        return ""
    widths = [max(len(e[i]) for e in entries) for i in range(3)]
    return "".join(
        f"{e[0]:<{widths[0]}}  {e[1]:<{widths[1]}}  {e[2]:<{widths[2]}}  {e[3]}\n" for e in entries
    )


def _dark_photon_entries() -> list[tuple[str, str, str, str]]:
    """(name, kind, experiment, citation) of each shipped dark-photon limit."""
    entries = []
    for name in shipped_dark_photon_limits():
        try:
            limit = load_dark_photon_limit(name)
        except DataFileError as err:
            entries.append((name, "dark-photon limit", "?", f"ERROR {err}"))
            continue
        entries.append((name, "dark-photon limit", limit.experiment, limit.citation))
    return entries


def _fmt(value: float) -> str:
    return f"{value:.6g}"


def _written(raw: Any) -> str:
    """A parameter as it would be written in TOML."""
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, float):
        return _fmt(raw)
    if isinstance(raw, str):
        return f'"{raw}"'
    return str(raw)


def format_show(name_or_path: str | os.PathLike[str], *, preview_rows: int = 3) -> str:
    """Everything about one input: its metadata, and a preview of its columns with units.

    Parameters
    ----------
    name_or_path : str or os.PathLike
        A shipped name (limit or experiment) or a path (``.toml`` files are read as experiment
        files, anything else as a limit file).
    preview_rows : int
        Number of rows shown from each end of a limit curve.

    Returns
    -------
    str
        A multi-line description ending with a newline.
    """
    item = load_input(name_or_path)
    out: list[str] = []
    if isinstance(item, LimitCurve):
        out.append(f"{item.name}  (limit curve, {item.n_rows} rows)")
        out.append(f"  file: {item.path}")
        out.append(f"  sha256: {item.sha256}")
        width = max(len(k) for k in item.metadata)
        out.extend(f"  {key:<{width}} : {value}" for key, value in item.metadata.items())
        heads = [f"{col} [{item.units[col]}]" for col in item.columns]
        scales = [1.0 if item.units[c] == "1" else unit_value(item.units[c]) for c in item.columns]
        n = item.n_rows
        shown = (
            list(range(n))
            if n <= 2 * preview_rows
            else [
                *range(preview_rows),
                -1,
                *range(n - preview_rows, n),
            ]
        )
        cells = [heads]
        for i in shown:
            if i < 0:
                cells.append(["..."] * len(heads))
            else:
                cells.append(
                    [
                        _fmt(item.columns[c][i] / s)
                        for c, s in zip(item.columns, scales, strict=True)
                    ]
                )
        widths = [max(len(row[j]) for row in cells) for j in range(len(heads))]
        out.append("  preview (values as written, in the file's units):")
        out.extend(
            "    " + "  ".join(f"{v:>{w}}" for v, w in zip(row, widths, strict=True))
            for row in cells
        )
        x = item.columns[item.x_column] / scales[0]
        unit = item.units[item.x_column]
        out.append(f"  range: {item.x_column} from {_fmt(x[0])} to {_fmt(x[-1])} {unit}")
    else:
        out.append(f"{item.name}  (experiment parameters: {item.experiment})")
        out.append(f"  file: {item.path}")
        out.append(f"  sha256: {item.sha256}")
        if item.description:
            out.append(f"  description: {item.description}")
        out.append(f"  limits: {', '.join(item.limits) if item.limits else '(none)'}")
        out.append("  parameters (as written):")
        width = max(len(k) for k in item.written)
        for key, raw in item.written.items():
            out.append(f"    {key:<{width}} = {_written(raw)}")
            if key in item.notes:
                out.append(f"    {'':<{width}}   # {item.notes[key]}")
        out.append("  provenance:")
        width = max(len(k) for k in item.provenance)
        out.extend(f"    {key:<{width}} : {value}" for key, value in item.provenance.items())
    return "\n".join(out) + "\n"
