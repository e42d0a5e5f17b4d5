"""How each layer and output is shown: kind, labels, colours, line styles, symbols.

Keyed by layer name (``threeportal.constraints.REGISTRY``) or output name (the datasets of a
result file); the constraint classes carry physics only. A card's ``[plot]`` table and the
``--layer-style`` option override any of these per plot.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from ..data.dark_photon import DarkPhotonLimit

__all__ = [
    "BOUND_LABELS",
    "DARK_PHOTON_FAMILIES",
    "DEFAULT_LOOKS",
    "EXPERIMENT_NAMES",
    "FIELD_SYMBOLS",
    "LAYERS",
    "OUTPUT_STYLES",
    "LayerLook",
    "dark_photon_family",
    "dark_photon_look",
]


@dataclass(frozen=True)
class LayerLook:
    """How one layer is drawn.

    Attributes
    ----------
    kind : {"curve", "region"}
        A region is filled (its mask); a curve is a contour line of its field.
    label : str or tuple of str
        Label written on the panel (mathtext); a tuple gives shorter alternatives tried where
        the first does not fit (the legend shows the first).
    style : mapping
        Matplotlib keyword arguments (colours, line style and width, alpha).
    """

    kind: Literal["curve", "region"]
    label: str | tuple[str, ...]
    style: Mapping[str, Any] = field(default_factory=dict)


#: Every registered layer, in the registry's order.
LAYERS: dict[str, LayerLook] = {
    "peak_search": LayerLook(
        "region",
        ("peak searches, rescaled\n(published: dashed)", "peak searches\n(rescaled)"),
        {"facecolor": "0.87", "edgecolor": "0.3", "edgewidth": 0.8},
    ),
    "upscattering": LayerLook(
        "region",
        (r"upscattering $> \nu e$", "upscattering\n" r"$> \nu e$"),
        {"facecolor": "none", "edgecolor": "tab:blue", "edgewidth": 1.2},
    ),
    "na48_2": LayerLook(
        "region",
        "NA48/2",
        {
            "facecolor": "none",
            "edgecolor": "tab:red",
            "edgewidth": 1.0,
            "hatch": "////",
            "hatchcolor": "lightcoral",
        },
    ),
    "e141": LayerLook(
        "region",
        "E141",
        {
            "facecolor": "none",
            "edgecolor": "darkgoldenrod",
            "edgewidth": 1.0,
            "hatch": "\\\\\\",
            "hatchcolor": "goldenrod",
        },
    ),
    "dark_photon_limits": LayerLook(
        "curve",
        ("dark-photon limits (recast)", "dark photon"),
        {"color": "tab:purple", "linestyle": "solid", "linewidth": 1.0},
    ),
    "na62_ee": LayerLook(
        "curve",
        (r"NA62 SES $K\to\mu\nu ee$", r"NA62 $ee$"),
        {"color": "black", "linestyle": "solid", "linewidth": 1.6},
    ),
    "na62_mumu": LayerLook(
        "curve",
        (r"NA62 SES $K\to\mu\nu\mu\mu$", r"NA62 $\mu\mu$"),
        {"color": "black", "linestyle": "dashed", "linewidth": 1.6},
    ),
    "lifetimes": LayerLook(
        "curve",
        "proper lifetimes",
        {"color": "0.45", "linestyle": "dotted", "linewidth": 1.0},
    ),
}

#: Styles of single outputs of a layer, on top of the layer's (e.g. the Z' lifetimes drawn
#: apart from the nu_h ones).
OUTPUT_STYLES: dict[str, dict[str, Any]] = {
    "lifetime_nuh_ps": {"color": "0.4", "linestyle": "dotted", "linewidth": 1.0},
    "lifetime_zprime_ps": {
        "color": "tab:purple",
        "linestyle": (0, (4, 1.5, 1, 1.5)),
        "linewidth": 0.8,
        "alpha": 0.8,
    },
}

#: How a layer that is not registered (e.g. a user's own) is drawn, by kind.
DEFAULT_LOOKS: dict[str, dict[str, Any]] = {
    "curve": {"color": "black", "linestyle": "solid", "linewidth": 1.2},
    "region": {"facecolor": "0.8", "edgecolor": "0.4", "alpha": 0.6},
}

#: Symbols of fields drawn with several labelled levels (``"<symbol> = <level> <units>"``).
FIELD_SYMBOLS: dict[str, str] = {
    "lifetime_nuh_ps": r"$\tau_{\nu_h}$",
    "lifetime_zprime_ps": r"$\tau_{Z'}$",
}

#: Labels of the published (unrescaled) bounds of a region layer, ``{name}`` the experiment.
BOUND_LABELS = ("{name} (published)", "{name}")

#: Display names of the experiments of per-experiment outputs (``peak_search_<key>_...``).
EXPERIMENT_NAMES: dict[str, str] = {"kek": "KEK", "e949": "E949", "na62": "NA62"}

#: Colour families of the recast dark-photon limits (one outline per limit at signal ratio 1):
#: beam dumps (displaced decays), prompt searches (prompt and prompt-window) and invisible
#: (missing-energy) searches. Masks ``dark_photon_{visible,invisible}_excluded`` use the
#: facecolor of their family.
DARK_PHOTON_FAMILIES: dict[str, dict[str, Any]] = {
    "beam dump": {"color": "tab:brown", "facecolor": "burlywood", "linestyle": "solid"},
    "prompt": {"color": "tab:purple", "facecolor": "thistle", "linestyle": "dashed"},
    "invisible": {"color": "tab:green", "facecolor": "palegreen", "linestyle": "dashdot"},
}


def dark_photon_family(limit: DarkPhotonLimit) -> str:
    """The colour family of a dark-photon limit: ``beam dump``, ``prompt`` or ``invisible``."""
    if limit.invisible:
        return "invisible"
    return "beam dump" if limit.efficiency.kind == "displaced" else "prompt"


def dark_photon_look(limit: DarkPhotonLimit) -> LayerLook:
    """How the outline of one recast limit (``<NAME>_signal_ratio`` at 1) is drawn.

    Labelled with the experiment, styled by its family (:data:`DARK_PHOTON_FAMILIES`).
    """
    family = DARK_PHOTON_FAMILIES[dark_photon_family(limit)]
    style = {"color": family["color"], "linestyle": family["linestyle"], "linewidth": 1.0}
    return LayerLook("curve", limit.experiment, style)
