"""The ``[plot]`` table of a card: style overrides per layer or dataset, validated.

``[plot.<layer or dataset>]`` changes how a stored result is drawn (labels, colours, line
styles, label positions), never what is computed: it is left out of the card's SHA-256.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..constraints import REGISTRY
from .errors import CardError
from .schema import as_table, check_keys, describe, is_number, number, string

__all__ = ["PLOT_STYLE_KEYS", "validate_plot"]

#: Style keys of a ``[plot.<layer or dataset>]`` table and the type each takes.
PLOT_STYLE_KEYS: dict[str, type] = {
    "label": str,
    "bound_label": str,
    "color": str,
    "facecolor": str,
    "edgecolor": str,
    "textcolor": str,
    "bound_color": str,
    "linestyle": str,
    "bound_linestyle": str,
    "alpha": float,
    "bound_alpha": float,
    "linewidth": float,
    "bound_linewidth": float,
    "edgewidth": float,
    "zorder": float,
    "label_xy": list,
}


def _styled_names() -> tuple[str, ...]:
    """Every name a ``[plot]`` table may style: layers and their declared outputs."""
    names = list(REGISTRY)
    for constraint in REGISTRY.values():
        names.extend(constraint.output_names())
    return tuple(names)


def _check_style(style: Mapping[str, Any], where: str) -> None:
    check_keys(style, where, tuple(PLOT_STYLE_KEYS))
    for key, value in style.items():
        kind = PLOT_STYLE_KEYS[key]
        if kind is str:
            string(value, f"{where}.{key}")
        elif kind is float:
            number(value, f"{where}.{key}")
        elif not (isinstance(value, list) and len(value) == 2 and all(map(is_number, value))):
            raise CardError(
                f"{where}.{key}: expected [x, y] in the axes' units, got {describe(value)}"
            )


def validate_plot(plot: Any) -> dict[str, Any]:
    """The validated ``[plot]`` table, keys sorted (empty when there is none).

    Raises
    ------
    CardError
        For a name that is neither a layer nor one of its outputs, an unknown style key or a
        value of the wrong type.
    """
    allowed = _styled_names()
    out: dict[str, Any] = {}
    for name, style in as_table(plot, "plot").items():
        where = f"plot.{name}"
        if name not in allowed and not any(name.startswith(f"{n}_") for n in allowed):
            raise CardError(
                f"{where}: not a layer or one of its fields or masks; allowed: "
                f"{', '.join(REGISTRY)} or a dataset named after one of them"
            )
        _check_style(as_table(style, where), where)
        out[name] = {key: style[key] for key in sorted(style)}
    return {name: out[name] for name in sorted(out)}
