"""What an exported contour is: its file name, its title, its references, its benchmark.

The exporters (:mod:`threeportal.plotting.export`) write the same facts into every format:

- :func:`export_name`: layer, physical name and level value (``na62_ee_ses_1event``,
  ``lifetime_nuh_10ps``, ``peak_search_kek_excluded``);
- :func:`title`: what the contour is, in physics words;
- :func:`references`: the paper (arXiv:1903.07589) and the experiments' own references, read
  from the provenance of the input files the scan used;
- :func:`benchmark`: every fixed model parameter of the plane, with its unit;
- :func:`is_bound` / :func:`combined_exclusion`: the contours a limit plot shows, and the
  union of every bound as one region (a reference, e.g. a peak search as published, is no
  bound: its dataset's ``reference`` attribute);
- :func:`edge_flags`: which points lie on the scan frame or end on a domain edge.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._version import __version__
from ..data import DataFileError, load_input
from ..model import PARAMETERS
from ._result import ResultLike, card_table
from .contours import Contour, Piece, extract_region
from .dark_photon import limit_citation

__all__ = [
    "COMBINED",
    "PAPER",
    "benchmark",
    "combined_exclusion",
    "description",
    "edge_flags",
    "export_name",
    "facts",
    "is_bound",
    "provenance",
    "references",
    "title",
]

#: The paper whose model every export belongs to.
PAPER = (
    "P. Ballett, M. Hostert, S. Pascoli, Dark neutrinos and a three portal connection to the "
    "Standard Model, Phys. Rev. D 101, 115025 (2020), arXiv:1903.07589"
)
#: Source name of the combined "excluded by any bound" region.
COMBINED = "excluded_by_any_bound"
#: The input files behind each layer (``[inputs]`` keys of the card).
_LAYER_INPUTS = {
    "na62_ee": ("na62",),
    "na62_mumu": ("na62",),
    "na48_2": ("na48_2",),
    "e141": ("e141_limit",),
}
_EXPERIMENT_NAMES = {"kek": "KEK", "e949": "E949", "na62": "NA62"}
_LINE_TITLES = {
    "na62_ee_expected_events": "NA62 sensitivity to K+ -> mu+ nu e+ e-: {} expected event(s)",
    "na62_mumu_expected_events": "NA62 sensitivity to K+ -> mu+ nu mu+ mu-: {} expected event(s)",
    "lifetime_nuh_ps": "nu_h proper lifetime {} ps",
    "lifetime_zprime_ps": "Z' proper lifetime {} ps",
}
_REGION_TITLES = {
    "na48_2_excluded": "NA48/2 bound on K+ -> mu+ nu e+ e-: excluded",
    "e141_excluded": "E141 dark-photon bound at eps = c_W chi: excluded",
    "upscattering_dominates": "coherent nu_mu C -> nu_h C beats nu_mu e scattering",
    COMBINED: "excluded by any bound",
}


def _number(value: float) -> str:
    return f"{value:g}".replace("+", "")


#: Field-name suffix of a recast dark-photon limit (constraints.dark_photon_limits, e141).
_RECAST_SUFFIX = "_signal_ratio"


def export_name(contour: Contour) -> str:
    """File-name stem: layer, physical name and level value (no level indices)."""
    source = contour.source
    if contour.kind == "region":
        return source
    level = _number(contour.level)
    if source.endswith("_expected_events"):
        plural = "" if contour.level == 1 else "s"
        return f"{source.removesuffix('_expected_events')}_ses_{level}event{plural}"
    units = contour.units if contour.units not in ("", "1") else ""
    if units and source.endswith(f"_{units}"):
        return f"{source.removesuffix(f'_{units}')}_{level}{units}"
    return f"{source}_{level}{units}"


def _excludes(res: ResultLike, source: str) -> bool:
    """Whether mask ``source`` is an excluded region of a bound (not of a reference)."""
    return source.endswith("_excluded") and not res.is_reference(source)


def is_bound(res: ResultLike, contour: Contour) -> bool:
    """Whether a limit plot shows it: exclusions, sensitivities, lifetimes, upscattering."""
    if contour.kind == "region":
        return _excludes(res, contour.source) or contour.source in _REGION_TITLES
    # a recast dark-photon limit's outline (signal over limit yield = 1) is a bound
    return contour.source in _LINE_TITLES or contour.source.endswith(_RECAST_SUFFIX)


def title(contour: Contour, description: str, *, reference: bool = False, item: str = "") -> str:
    """What the contour is, in physics words (falls back on the dataset's description).

    ``reference`` and ``item`` are those of the contour's dataset (see
    :meth:`~threeportal.results.ScanResult.is_reference` and ``ScanResult.item``).
    """
    if contour.kind == "line" and contour.source in _LINE_TITLES:
        return _LINE_TITLES[contour.source].format(_number(contour.level))
    if contour.kind == "region" and contour.source in _REGION_TITLES:
        return _REGION_TITLES[contour.source]
    if contour.kind == "line" and contour.source.endswith(_RECAST_SUFFIX):
        limit = contour.source.removesuffix(_RECAST_SUFFIX)
        return f"{limit} dark-photon limit recast onto the Z' (excluded where signal > limit)"
    if contour.kind == "region" and contour.layer == "peak_search" and item:
        experiment = _EXPERIMENT_NAMES.get(item, item)
        how = "as published" if reference else "reinterpreted for visible nu_h decays"
        return f"{experiment} K+ -> mu+ N peak search, {how}: excluded"
    text = description.split(" (")[0]
    if contour.kind == "line":
        units = "" if contour.units in ("", "1") else f" {contour.units}"
        text += f" = {_number(contour.level)}{units}"
    return text


def references(res: ResultLike, contour: Contour) -> list[str]:
    """The paper, then the references of the input files behind the contour's layer."""
    keys = list(_LAYER_INPUTS.get(contour.layer, ()))
    match = re.match(r"^peak_search_(\w+?)_", contour.source)
    if match:
        keys += [f"{match[1]}_limit"]
    if contour.source == COMBINED:
        keys = sorted(res.inputs)
    out = [PAPER]
    if contour.layer == "dark_photon_limits" and (cite := limit_citation(res, contour.source)):
        out.append(f"recast of the published limit: {cite}")
    for key in keys:
        name = res.inputs.get(key)
        if not name:
            continue
        try:
            citation = load_input(name).citation
        except DataFileError:
            citation = f"input {name} (not readable here)"
        if citation not in out:
            out.append(citation)
    return out


def benchmark(res: ResultLike) -> dict[str, str]:
    """Every fixed model parameter of the plane, written with its unit (``"150 MeV"``)."""
    out = {}
    for key, value in card_table(res, "model").items():
        if key in (res.x_name, res.y_name):
            continue
        parameter = PARAMETERS.get(key)
        unit = "" if parameter is None or parameter.dimension == "mass" else " [1]"
        out[key] = f"{value}{unit}"
    return out


def combined_exclusion(res: ResultLike, contours: list[Contour]) -> Contour | None:
    """One region: the union of every bound's excluded region (None if there is none)."""
    names = [c.source for c in contours if c.kind == "region" and _excludes(res, c.source)]
    names = [n for n in names if n in res.masks]
    if not names:
        return None
    union = np.logical_or.reduce([res.masks[n] for n in names])
    pieces = extract_region(res.x, res.y, union, x_scale=res.x_scale, y_scale=res.y_scale)
    return Contour(
        COMBINED,
        "region",
        0.5,
        0,
        tuple(pieces),
        layer="+".join(sorted({res.mask_attrs[n].get("layer", "") for n in names})),
        x_name=res.x_name,
        y_name=res.y_name,
        x_units=res.x_units,
        y_units=res.y_units,
    )


def _on(values: NDArray[np.float64], ends: tuple[float, float], scale: str) -> NDArray[np.bool_]:
    def plot(v: Any) -> Any:
        return np.log10(v) if scale == "log" else np.asarray(v, dtype=float)

    low, high = plot(ends[0]), plot(ends[1])
    tol = 1e-9 * abs(high - low)
    v = plot(values)
    return (np.abs(v - low) <= tol) | (np.abs(v - high) <= tol)


def edge_flags(res: ResultLike, piece: Piece) -> list[str]:
    """Per point: ``"frame"`` on the scan frame, ``"domain"`` for an open end inside it, else ""."""
    xy = np.asarray(piece.xy, dtype=float)
    frame = _on(xy[:, 0], (res.x[0], res.x[-1]), res.x_scale) | _on(
        xy[:, 1], (res.y[0], res.y[-1]), res.y_scale
    )
    flags = ["frame" if f else "" for f in frame]
    if not piece.closed and flags:
        for k in (0, -1):
            flags[k] = flags[k] or "domain"
    return flags


def provenance(res: ResultLike) -> dict[str, str]:
    """Package versions, card and inputs SHA-256 and file name of the result."""
    attrs = res.attrs
    return {
        "card_sha256": str(attrs.get("card_sha256", "")),
        "inputs_sha256": str(attrs.get("inputs_sha256", "")),
        "package_version": str(attrs.get("package_version", __version__)),
        "exported_with": __version__,
        "result": Path(res.path).name if res.path is not None else "",
    }


def description(res: ResultLike, contour: Contour) -> str:
    """The ``description`` attribute of the contour's dataset."""
    attrs = res.field_attrs.get(contour.source) or res.mask_attrs.get(contour.source) or {}
    return str(attrs.get("description", contour.source))


def facts(res: ResultLike, contour: Contour) -> dict[str, Any]:
    """What every format says about a contour besides its points."""
    return {
        "name": export_name(contour),
        "title": title(
            contour,
            description(res, contour),
            reference=res.is_reference(contour.source),
            item=res.item(contour.source),
        ),
        "references": references(res, contour),
        "benchmark": benchmark(res),
        **provenance(res),
    }
