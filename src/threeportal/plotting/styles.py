"""Plot styles: axis and parameter symbols (mathtext), layer styles, rcParams.

Parameter symbols come from the model's parameter table (``threeportal.model.PARAMETERS``);
layer labels, colours and line styles from :mod:`.presentation`, keyed by layer name.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import matplotlib
import matplotlib.style

from ..model import PARAMETERS
from ._result import PlottingError
from .presentation import (
    BOUND_LABELS,
    DEFAULT_LOOKS,
    EXPERIMENT_NAMES,
    FIELD_SYMBOLS,
    LAYERS,
    OUTPUT_STYLES,
)

__all__ = [
    "BOUND_LABELS",
    "EXPERIMENT_NAMES",
    "FIELD_SYMBOLS",
    "OUTPUT_STYLES",
    "PANEL_LABELS",
    "PAPER_RC",
    "PARAMETER_SYMBOLS",
    "axis_label",
    "figure_style",
    "format_parameter",
    "layer_style",
]

#: Mathtext symbols of model parameters (axis labels and the fixed-parameter note), from the
#: model's parameter table, and of the neutrino energy.
PARAMETER_SYMBOLS: dict[str, str] = {
    **{name: parameter.symbol for name, parameter in PARAMETERS.items()},
    "E_nu": r"$E_\nu$",
}

#: Labels written on the panel, by layer (see :class:`.presentation.LayerLook`).
PANEL_LABELS: dict[str, str | tuple[str, ...]] = {name: look.label for name, look in LAYERS.items()}

#: Matplotlib rcParams of the package's figures: mathtext, no LaTeX, a font shipped with
#: matplotlib (reproducible baselines), sizes readable at a 3.4 in column width.
PAPER_RC: dict[str, Any] = {
    "text.usetex": False,
    "font.family": "DejaVu Sans",
    "mathtext.fontset": "dejavusans",
    "font.size": 7.5,
    "axes.labelsize": 8,
    "axes.titlesize": 7.5,
    "xtick.labelsize": 7,
    "ytick.labelsize": 7,
    "legend.fontsize": 6.5,
    "axes.linewidth": 0.7,
    "xtick.direction": "in",
    "ytick.direction": "in",
    "xtick.top": True,
    "ytick.right": True,
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "xtick.minor.width": 0.4,
    "ytick.minor.width": 0.4,
    "savefig.dpi": 200,
    "pdf.fonttype": 42,
    "svg.fonttype": "none",
    "path.simplify": False,
}


def layer_style(
    layer: str, kind: str, overrides: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Style and label of a layer: its presentation, then ``overrides``.

    Parameters
    ----------
    layer : str
        Layer name (the ``layer`` attribute of a stored field or mask).
    kind : {"curve", "region"}
        Used when the layer has no presentation (e.g. a user's own layer).
    overrides : mapping, optional
        Matplotlib keyword arguments and ``label`` replacing the defaults.

    Returns
    -------
    dict
        ``kind``, ``label`` and matplotlib keyword arguments.
    """
    look = LAYERS.get(layer)
    if look is not None:
        style = {"kind": look.kind, **look.style, "label": look.label}
    else:
        style = {"kind": kind, **DEFAULT_LOOKS[kind], "label": layer}
    style.update(overrides or {})
    return style


def axis_label(name: str, units: str) -> str:
    """Axis label with units, e.g. ``"$m_{\\nu_h}$ [MeV]"``; dimensionless: symbol only."""
    symbol = PARAMETER_SYMBOLS.get(name, name)
    return symbol if units in ("", "1") else f"{symbol} [{units}]"


def _number(value: float) -> str:
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    exponent = math.floor(math.log10(abs(value)))
    mantissa = value / 10.0**exponent
    if -2 <= exponent <= 3:
        return f"{value:g}"
    if math.isclose(mantissa, 1.0, rel_tol=1e-9):
        return rf"$10^{{{exponent}}}$"
    return rf"${mantissa:.3g}\times 10^{{{exponent}}}$"


def format_parameter(name: str, value: Any) -> str:
    """One fixed model parameter as panel text, e.g. ``"$\\chi^2$ = $10^{-8}$"``.

    Parameters
    ----------
    name : str
        Parameter name as in the card's ``[model]`` table.
    value : float, int, bool or str
        Its value; strings (values with units, e.g. ``"150 MeV"``) are written as given.
    """
    if name == "nature":  # "dirac": the ISS pseudo-Dirac pair of the paper
        word = "pseudo-Dirac" if str(value) == "dirac" else str(value).capitalize()
        return rf"{word} $\nu_h$"
    symbol = PARAMETER_SYMBOLS.get(name, name)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"{symbol} = {value}"
    return f"{symbol} = {_number(float(value))}"


@contextlib.contextmanager
def figure_style(styles: Sequence[str] = ()) -> Iterator[None]:
    """Context in which the package's figures are made and saved, reproducibly.

    Starts from matplotlib's default rcParams (ignoring any matplotlibrc), applies
    :data:`PAPER_RC`, then ``styles``; everything is restored on exit.

    Parameters
    ----------
    styles : sequence of str
        Matplotlib style names or style-sheet paths applied on top, in order.

    Raises
    ------
    PlottingError
        If a style is neither a known name nor a readable style file.
    """
    with matplotlib.rc_context():
        try:
            matplotlib.style.use(["default", PAPER_RC, *styles])
        except OSError as err:
            raise PlottingError(f"style: {err}".splitlines()[0]) from None
        yield
