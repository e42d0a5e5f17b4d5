"""Scan cards: TOML files that name the model, two scan axes, the constraints, the inputs.

A card has the tables ``[scan]`` (name, description), ``[model]`` (fixed parameters; masses
as strings with a unit, e.g. ``"150 MeV"``), ``[axes.x]`` and ``[axes.y]`` (parameter, min,
max, n, scale), ``[constraints]`` (``evaluate = [...]`` and option tables
``[constraints.<name>]``), ``[inputs]`` (input key = shipped name or file path),
``[output]`` (path, tile), ``[grid]`` (``refine``: adaptive contour refinement) and
``[plot]`` (style overrides per layer or dataset; like ``[output]``, not part of the SHA-256).
Every key is validated; a mistake raises :class:`CardError` naming the key and what is
allowed. A validated card has a canonical TOML text (sorted, defaults filled in) whose
SHA-256, without the ``[output]`` table, identifies the scan.

Examples
--------
>>> from threeportal.scans import load_card
>>> card = load_card("fig3-left", ["axes.x.n=12", "axes.y.n=10"])
>>> card.x.parameter, card.x.n, card.y.scale
('m_nuh', 12, 'log')
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from hepunits import MeV
from numpy.typing import NDArray

from ..constants import M_K_PLUS, M_MUON
from ..constraints import DEFAULT_INPUTS, KAON_LAYERS, REGISTRY, ConstraintError
from ..model import (
    MASS_PARAMETERS,
    NATURES,
    NUMBER_PARAMETERS,
    ModelError,
    ModelPoint,
    canonical_name,
)
from ..units import UnitError, parse_quantity, unit_value
from .errors import CardError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = [
    "AXIS_PARAMETERS",
    "DEFAULT_TILE",
    "Axis",
    "Card",
    "apply_overrides",
    "builtin_card_text",
    "builtin_cards",
    "load_card",
    "parse_set",
    "to_toml",
]

#: Parameters that may be a scan axis (the numeric parameters of threeportal.model).
AXIS_PARAMETERS = MASS_PARAMETERS + NUMBER_PARAMETERS
MODEL_KEYS = (*AXIS_PARAMETERS, "nature")
SCALES = ("linear", "log")
SECTIONS = ("scan", "model", "axes", "constraints", "inputs", "output", "grid", "plot")
#: Sections that do not change what a scan computes (left out of the card's SHA-256).
COSMETIC_SECTIONS = ("output", "plot")
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
SCAN_KEYS = ("name", "description")
AXIS_KEYS = ("parameter", "min", "max", "n", "scale")
OUTPUT_KEYS = ("path", "tile")
GRID_KEYS = ("refine",)
#: Default tile side (grid points per tile along each axis).
DEFAULT_TILE = 50

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_SHIPPED_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
_CARD_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


# --- small helpers ------------------------------------------------------------------------
def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, list):
        return "an array" if value else "an empty array"
    if isinstance(value, dict):
        return "a table"
    return f"a {type(value).__name__}"


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _table(value: Any, key: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise CardError(f"{key}: expected a table [{key}], got {_describe(value)}")
    return value


def _check_keys(table: Mapping[str, Any], prefix: str, allowed: Sequence[str]) -> None:
    for key in table:
        if key not in allowed:
            raise CardError(f"{prefix}.{key}: unknown key; allowed: {', '.join(allowed)}")


def _number(value: Any, key: str, allowed: str = "a number") -> float:
    if not _is_number(value):
        raise CardError(f"{key}: expected {allowed}, got {_describe(value)}")
    if not math.isfinite(value):
        raise CardError(f"{key}: expected a finite number, got {value!r}")
    return float(value)


def _integer(value: Any, key: str, minimum: int) -> int:
    allowed = f"an integer >= {minimum}"
    if not isinstance(value, int) or isinstance(value, bool):
        raise CardError(f"{key}: expected {allowed}, got {_describe(value)}")
    if value < minimum:
        raise CardError(f"{key}: {value} is too small; allowed: {allowed}")
    return value


def _string(value: Any, key: str, allowed: str = "a string") -> str:
    if not isinstance(value, str):
        raise CardError(f"{key}: expected {allowed}, got {_describe(value)}")
    return value


def _mass(value: Any, key: str) -> float:
    """A mass written with its unit, in hepunits (MeV)."""
    allowed = 'a mass with its unit as a string, e.g. "150 MeV" (eV, keV, MeV, GeV, TeV)'
    if _is_number(value):
        raise CardError(f"{key}: {value!r} has no unit; allowed: {allowed}")
    _string(value, key, allowed)
    try:
        return parse_quantity(value, "MeV", name=key)
    except UnitError as err:
        raise CardError(f"{err}; allowed: {allowed}") from None


def _parameter_value(parameter: str, value: Any, key: str) -> float:
    """A model parameter value in hepunits internal units."""
    if parameter in MASS_PARAMETERS:
        return _mass(value, key)
    if isinstance(value, str):
        raise CardError(
            f"{key}: expected a plain number for the dimensionless {parameter}, "
            f"got {_describe(value)}"
        )
    return _number(value, key, f"a number (the dimensionless {parameter})")


def _canonical_number(value: Any) -> Any:
    return float(value) if _is_number(value) else value


# --- axes ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Axis:
    """One scan axis.

    Attributes
    ----------
    key : str
        ``"axes.x"`` or ``"axes.y"``.
    parameter : str
        The model parameter scanned (see :data:`AXIS_PARAMETERS`).
    min, max : float
        Bounds in hepunits internal units (MeV for masses).
    n : int
        Number of grid points (>= 2), bounds included.
    scale : {"linear", "log"}
        Spacing of the points.
    """

    key: str
    parameter: str
    min: float
    max: float
    n: int
    scale: str

    @property
    def units(self) -> str:
        """Unit of the stored axis values: ``"MeV"`` for masses, ``"1"`` otherwise."""
        return "MeV" if self.parameter in MASS_PARAMETERS else "1"

    def values(self) -> NDArray[np.float64]:
        """The grid points in hepunits internal units (exact bounds at both ends)."""
        if self.scale == "log":
            return np.geomspace(self.min, self.max, self.n)
        return np.linspace(self.min, self.max, self.n)

    def stored_values(self) -> NDArray[np.float64]:
        """The grid points in the stored unit :attr:`units` (MeV or dimensionless)."""
        if self.units == "1":
            return self.values()
        return self.values() / unit_value(self.units)


def _axis(table: Any, key: str) -> tuple[Axis, dict[str, Any]]:
    table = _table(table, key)
    _check_keys(table, key, AXIS_KEYS)
    for required in ("parameter", "min", "max", "n"):
        if required not in table:
            raise CardError(f"{key}.{required}: required; an axis has keys {', '.join(AXIS_KEYS)}")
    parameter = table["parameter"]
    if not isinstance(parameter, str) or parameter not in AXIS_PARAMETERS:
        shown = repr(parameter) if isinstance(parameter, str) else _describe(parameter)
        raise CardError(
            f"{key}.parameter: {shown} is not a model parameter; "
            f"allowed: {', '.join(AXIS_PARAMETERS)}"
        )
    lo = _parameter_value(parameter, table["min"], f"{key}.min")
    hi = _parameter_value(parameter, table["max"], f"{key}.max")
    n = _integer(table["n"], f"{key}.n", 2)
    scale = table.get("scale", "linear")
    if scale not in SCALES:
        shown = repr(scale) if isinstance(scale, str) else _describe(scale)
        raise CardError(f"{key}.scale: {shown} is not allowed; allowed: linear, log")
    if not lo < hi:
        raise CardError(
            f"{key}: min ({table['min']}) must be < max ({table['max']}); allowed: min < max"
        )
    if scale == "log" and lo <= 0:
        raise CardError(
            f"{key}.min: {table['min']} is not > 0; a log axis needs positive bounds "
            '(allowed: min > 0, or scale = "linear")'
        )
    canonical = {
        "parameter": parameter,
        "min": _canonical_number(table["min"]),
        "max": _canonical_number(table["max"]),
        "n": n,
        "scale": scale,
    }
    return Axis(key, parameter, lo, hi, n, scale), canonical


# --- the card -----------------------------------------------------------------------------
class Card:
    """A validated scan card.

    Build one with :func:`load_card` (a built-in name or a file, plus ``--set`` overrides)
    or :meth:`Card.from_text`.

    Attributes
    ----------
    name, description : str
        From ``[scan]``.
    model : dict
        Fixed model parameters, masses in hepunits (MeV); ``nature`` as a string.
    x, y : Axis
        The two scan axes.
    constraints : tuple of str
        Layers to evaluate (registry names).
    options : dict
        ``{layer: {option: value}}`` from the ``[constraints.<name>]`` tables.
    inputs : dict
        ``{input key: shipped name or absolute path}`` overriding the shipped defaults.
    output : str or None
        ``[output] path`` (relative paths are relative to the working directory).
    tile : int
        Tile side in grid points.
    refine : int
        ``[grid] refine``: levels of adaptive contour refinement after the scan (0: none).
    data : dict
        The canonical card as nested dicts.
    text : str
        The canonical TOML text (what a result stores).
    sha256 : str
        SHA-256 of the canonical text without ``[output]``: the identity of the scan.
    source : str
        Where the card came from (file path, ``built-in card NAME`` or ``text``).
    """

    def __init__(
        self, data: Mapping[str, Any], *, source: str = "text", default_name: str | None = None
    ) -> None:
        self.source = source
        self._validate(dict(data), default_name)
        self.text = to_toml(self.data)
        identity = {k: v for k, v in self.data.items() if k not in COSMETIC_SECTIONS}
        self.sha256 = hashlib.sha256(to_toml(identity).encode()).hexdigest()

    # construction ---------------------------------------------------------------------
    @classmethod
    def from_text(
        cls,
        text: str,
        *,
        source: str = "text",
        overrides: Iterable[str] | Mapping[str, Any] | None = None,
    ) -> Card:
        """Parse and validate a card from TOML text (relative input paths: working dir)."""
        data = _parse_toml(text, source)
        _resolve_input_paths(data, Path.cwd())
        if overrides:
            apply_overrides(data, overrides)
        return cls(data, source=source)

    def _validate(self, data: dict[str, Any], default_name: str | None) -> None:
        for key in data:
            if key not in SECTIONS:
                raise CardError(f"{key}: unknown table; allowed: {', '.join(SECTIONS)}")
        canon: dict[str, Any] = {}

        scan = _table(data.get("scan", {}), "scan")
        _check_keys(scan, "scan", SCAN_KEYS)
        name = scan.get("name", default_name)
        if name is None:
            raise CardError('scan.name: required, e.g. name = "my-scan"')
        _string(name, "scan.name")
        if not _CARD_NAME.match(name):
            raise CardError(
                f"scan.name: {name!r} is not allowed; allowed: letters, digits, '_', '-', '.'"
                " (starting with a letter or digit)"
            )
        description = _string(scan.get("description", ""), "scan.description")
        self.name, self.description = name, description
        canon["scan"] = {"name": name, "description": description}

        if "axes" not in data:
            raise CardError("axes: required; give [axes.x] and [axes.y]")
        axes = _table(data["axes"], "axes")
        _check_keys(axes, "axes", ("x", "y"))
        for key in ("x", "y"):
            if key not in axes:
                raise CardError(f"axes.{key}: required; give [axes.x] and [axes.y]")
        self.x, x_canon = _axis(axes["x"], "axes.x")
        self.y, y_canon = _axis(axes["y"], "axes.y")
        self._check_axes_distinct()

        model = _table(data.get("model", {}), "model")
        _check_keys(model, "model", MODEL_KEYS)
        self.model = self._validate_model(model)
        model_canon = {
            key: _canonical_number(model[key]) for key in AXIS_PARAMETERS if key in model
        }
        model_canon["nature"] = self.model["nature"]
        canon["model"] = model_canon
        canon["axes"] = {"x": x_canon, "y": y_canon}

        canon["constraints"] = self._validate_constraints(
            _table(data.get("constraints", {}), "constraints")
        )
        self._check_kaon_domain()
        canon["inputs"] = self._validate_inputs(_table(data.get("inputs", {}), "inputs"))

        output = _table(data.get("output", {}), "output")
        _check_keys(output, "output", OUTPUT_KEYS)
        self.output: str | None = None
        if "path" in output:
            path = _string(output["path"], "output.path", "a file path (string)")
            if not path.strip():
                raise CardError("output.path: empty; allowed: a file path, e.g. 'results/x.h5'")
            self.output = path
        self.tile = _integer(output.get("tile", DEFAULT_TILE), "output.tile", 1)
        canon["output"] = {**({"path": self.output} if self.output else {}), "tile": self.tile}

        plot = self._validate_plot(_table(data.get("plot", {}), "plot"))
        if plot:
            canon["plot"] = plot

        grid = _table(data.get("grid", {}), "grid")
        _check_keys(grid, "grid", GRID_KEYS)
        self.refine = _integer(grid.get("refine", 0), "grid.refine", 0)
        canon["grid"] = {"refine": self.refine}
        self.data = canon

    def _check_axes_distinct(self) -> None:
        px, py = self.x.parameter, self.y.parameter
        if canonical_name(px) == canonical_name(py):
            raise CardError(
                f"axes.y.parameter: {py} is the same parameter as axes.x ({px}); "
                "scan two different parameters"
            )
        if {px, py} == {"g_prime", "v_phi"}:
            raise CardError(
                "axes.y.parameter: g_prime and v_phi are alternatives (g' = m_Z'/v_phi); "
                "scan only one of them"
            )

    def _validate_model(self, model: Mapping[str, Any]) -> dict[str, Any]:
        axes = {self.x.parameter: self.x.key, self.y.parameter: self.y.key}
        fixed: dict[str, Any] = {}
        for key, value in model.items():
            where = f"model.{key}"
            if key == "nature":
                if value not in NATURES:
                    shown = repr(value) if isinstance(value, str) else _describe(value)
                    raise CardError(f"{where}: {shown} is not allowed; allowed: dirac, majorana")
                continue
            for param in axes:
                if canonical_name(param) == canonical_name(key):
                    raise CardError(
                        f"{axes[param]}.parameter: {param} is also fixed in [model] "
                        f"({where}); remove {where} or scan another parameter"
                    )
            same = [name for name in fixed if canonical_name(name) == canonical_name(key)]
            if same:
                raise CardError(f"{where}: give one of {same[0]} and {key}, not both")
            fixed[key] = _parameter_value(key, value, where)
        given = set(fixed) | set(axes)
        for key in ("m_nuh", "m_zprime"):
            if key not in given:
                raise CardError(
                    f'model.{key}: required (a mass with its unit, e.g. {key} = "300 MeV"), '
                    "unless it is a scan axis"
                )
        if ("g_prime" in given) == ("v_phi" in given):
            raise CardError(
                "model.g_prime: give exactly one of g_prime and v_phi "
                "(in [model] or as a scan axis)"
            )
        fixed["nature"] = model.get("nature", "dirac")
        self._check_model_ranges(fixed, model)
        return fixed

    def _check_model_ranges(self, fixed: Mapping[str, Any], given: Mapping[str, Any]) -> None:
        corners_x = np.array([self.x.min, self.x.max])
        corners_y = np.array([self.y.min, self.y.max])
        try:
            _model_point(fixed, self.x.parameter, corners_x, self.y.parameter, corners_y)
        except ModelError as err:
            message = str(err)
            head = message.split(":", 1)[0].strip()
            axes = {self.x.parameter: self.x.key, self.y.parameter: self.y.key}
            for param in axes:
                if canonical_name(param) == canonical_name(head):
                    raise CardError(f"{axes[param]} ({message})") from None
            for param in given:
                if canonical_name(param) == canonical_name(head):
                    raise CardError(f"model.{message}") from None
            raise CardError(f"model/axes: {message}") from None

    def _validate_plot(self, table: Mapping[str, Any]) -> dict[str, Any]:
        """``[plot.<layer or dataset>]`` style overrides (labels, colours, label positions)."""
        stems = {name.rstrip("s") for name in REGISTRY}
        out: dict[str, Any] = {}
        for name, style in table.items():
            where = f"plot.{name}"
            if name not in REGISTRY and not any(name.startswith(f"{s}_") for s in stems):
                raise CardError(
                    f"{where}: not a layer or one of its fields or masks; allowed: "
                    f"{', '.join(REGISTRY)} or a dataset named after one of them"
                )
            style = _table(style, where)
            _check_keys(style, where, tuple(PLOT_STYLE_KEYS))
            for key, value in style.items():
                kind = PLOT_STYLE_KEYS[key]
                if kind is str:
                    _string(value, f"{where}.{key}")
                elif kind is float:
                    _number(value, f"{where}.{key}")
                elif not (
                    isinstance(value, list)
                    and len(value) == 2
                    and all(_is_number(v) for v in value)
                ):
                    raise CardError(
                        f"{where}.{key}: expected [x, y] in the axes' units, got {_describe(value)}"
                    )
            out[name] = {key: style[key] for key in sorted(style)}
        return {name: out[name] for name in sorted(out)}

    def _check_kaon_domain(self) -> None:
        """Kaon-decay layers need K+ -> mu+ nu_h open somewhere in the plane."""
        kaon_layers = [name for name in self.constraints if name in KAON_LAYERS]
        if not kaon_layers:
            return
        threshold = M_K_PLUS - M_MUON
        for axis in (self.x, self.y):
            if axis.parameter == "m_nuh":
                lowest, where = float(np.min(axis.values())), f"{axis.key}.min"
                break
        else:
            lowest, where = float(self.model["m_nuh"]), "model.m_nuh"
        if lowest >= threshold:
            raise CardError(
                f"{where}: {lowest / MeV:g} MeV leaves K+ -> mu+ nu_h closed everywhere; the "
                f"layers {', '.join(kaon_layers)} need m_nuh < m_K - m_mu = "
                f"{threshold / MeV:.1f} MeV (lower it or drop them from constraints.evaluate)"
            )

    def _validate_constraints(self, table: Mapping[str, Any]) -> dict[str, Any]:
        allowed = ", ".join(REGISTRY)
        names = table.get("evaluate", list(REGISTRY))
        if not isinstance(names, list) or not names:
            raise CardError(
                f"constraints.evaluate: expected a non-empty array of names, got "
                f"{_describe(names)}; allowed names: {allowed}"
            )
        for name in names:
            if not isinstance(name, str) or name not in REGISTRY:
                shown = repr(name) if isinstance(name, str) else _describe(name)
                raise CardError(
                    f"constraints.evaluate: {shown} is not a known constraint; allowed: {allowed}"
                )
        twice = sorted({name for name in names if names.count(name) > 1})
        if twice:
            raise CardError(
                f"constraints.evaluate: {', '.join(twice)} listed twice; list each once"
            )
        options: dict[str, dict[str, Any]] = {}
        for key, value in table.items():
            if key == "evaluate":
                continue
            if key not in REGISTRY:
                raise CardError(
                    f"constraints.{key}: unknown constraint; allowed: evaluate, {allowed}"
                )
            opts = _table(value, f"constraints.{key}")
            try:
                REGISTRY[key].resolve_options(opts)
            except ConstraintError as err:
                raise CardError(str(err)) from None
            options[key] = {k: opts[k] for k in sorted(opts)}
        self.constraints = tuple(names)
        self.options = options
        return {"evaluate": list(names), **{k: options[k] for k in sorted(options)}}

    def _validate_inputs(self, table: Mapping[str, Any]) -> dict[str, str]:
        allowed = ", ".join(sorted(DEFAULT_INPUTS))
        for key, value in table.items():
            if key not in DEFAULT_INPUTS:
                raise CardError(f"inputs.{key}: unknown input; allowed: {allowed}")
            if not isinstance(value, str) or not value.strip():
                raise CardError(
                    f"inputs.{key}: expected a shipped name or a file path (string), "
                    f"got {_describe(value)}"
                )
        self.inputs = {key: table[key] for key in sorted(table)}
        return dict(self.inputs)

    # use --------------------------------------------------------------------------------
    def model_point(self, x: NDArray[np.float64], y: NDArray[np.float64]) -> ModelPoint:
        """The model on the grid ``x`` (as shape (nx, 1)) times ``y`` (as shape (1, ny)).

        Parameters
        ----------
        x, y : ndarray
            Axis values in hepunits internal units (e.g. a slice of :meth:`Axis.values`).
        """
        return _model_point(self.model, self.x.parameter, x, self.y.parameter, y)

    def __repr__(self) -> str:
        return (
            f"Card({self.name!r}, x={self.x.parameter}[{self.x.n}], "
            f"y={self.y.parameter}[{self.y.n}], sha256={self.sha256[:12]})"
        )


def _model_point(
    fixed: Mapping[str, Any],
    x_name: str,
    x: NDArray[np.float64],
    y_name: str,
    y: NDArray[np.float64],
) -> ModelPoint:
    params = dict(fixed)
    params[x_name] = np.asarray(x, float).reshape(-1, 1)
    params[y_name] = np.asarray(y, float).reshape(1, -1)
    return ModelPoint.from_mapping(params)


# --- TOML text ----------------------------------------------------------------------------
def _parse_toml(text: str, source: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise CardError(f"{source}: not valid TOML: {err}") from None


def _toml_key(key: str) -> str:
    return key if _BARE_KEY.match(key) else json.dumps(key)


def _toml_value(value: Any, key: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value).replace("\x7f", "\\u007f")
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v, key) for v in value) + "]"
    if isinstance(value, dict):
        inner = ", ".join(f"{_toml_key(k)} = {_toml_value(v, key)}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    raise CardError(f"{key}: {_describe(value)} is not allowed; use a string, number or array")


def to_toml(data: Mapping[str, Any], _prefix: str = "") -> str:
    """TOML text of nested dicts (scalars first, then sub-tables as ``[a.b]`` headers)."""
    lines: list[str] = []
    for key, value in data.items():
        if not isinstance(value, dict):
            lines.append(f"{_toml_key(key)} = {_toml_value(value, _prefix + key)}")
    blocks = ["\n".join(lines)] if lines else []
    for key, value in data.items():
        if isinstance(value, dict):
            name = _prefix + _toml_key(key)
            scalars = {k: v for k, v in value.items() if not isinstance(v, dict)}
            tables = {k: v for k, v in value.items() if isinstance(v, dict)}
            if scalars or not tables:
                blocks.append(f"[{name}]\n" + to_toml(scalars, name + ".").rstrip("\n"))
            if tables:
                blocks.append(to_toml(tables, name + ".").rstrip("\n"))
    return "\n\n".join(b.rstrip("\n") for b in blocks if b.strip()) + "\n"


# --- overrides ----------------------------------------------------------------------------
def parse_set(token: str) -> tuple[str, Any]:
    """Split ``key=value`` and parse the value as a TOML scalar (else keep the string).

    Examples
    --------
    >>> parse_set("model.chi2=1e-6")
    ('model.chi2', 1e-06)
    >>> parse_set("model.m_zprime=150 MeV")
    ('model.m_zprime', '150 MeV')
    """
    key, sep, text = token.partition("=")
    key = key.strip()
    if not sep or not key:
        raise CardError(
            f"--set {token!r}: expected key=value with a dotted key, e.g. model.chi2=1e-6"
        )
    try:
        value = tomllib.loads(f"value = {text.strip()}")["value"]
    except tomllib.TOMLDecodeError:
        value = text.strip()
    return key, value


def _resolve_path(value: Any, base: Path) -> Any:
    if not isinstance(value, str) or not value.strip() or _SHIPPED_NAME.match(value):
        return value
    path = Path(value).expanduser()
    return value if path.is_absolute() else os.path.abspath(base / path)


def _resolve_input_paths(data: dict[str, Any], base: Path) -> None:
    inputs = data.get("inputs")
    if isinstance(inputs, dict):
        for key, value in inputs.items():
            inputs[key] = _resolve_path(value, base)


def apply_overrides(
    data: dict[str, Any], overrides: Iterable[str] | Mapping[str, Any]
) -> dict[str, Any]:
    """Apply ``--set`` overrides (``"a.b=value"`` strings or ``{"a.b": value}``) in place.

    Relative input file paths given here are relative to the working directory.
    """
    items = (
        list(overrides.items())
        if isinstance(overrides, Mapping)
        else [parse_set(token) for token in overrides]
    )
    for key, value in items:
        parts = [p.strip() for p in key.split(".")]
        if not all(parts):
            raise CardError(f"--set {key}: empty part in the dotted key")
        node = data
        for i, part in enumerate(parts[:-1]):
            child = node.get(part)
            if child is None:
                child = node[part] = {}
            elif not isinstance(child, dict):
                raise CardError(f"--set {key}: {'.'.join(parts[: i + 1])} is not a table")
            node = child
        if isinstance(node.get(parts[-1]), dict):
            raise CardError(f"--set {key}: is a table; set one of its keys ({key}.KEY=VALUE)")
        if parts[0] == "inputs" and len(parts) == 2:
            value = _resolve_path(value, Path.cwd())
        node[parts[-1]] = value
    return data


# --- built-in cards and loading -----------------------------------------------------------
def _cards_dir() -> Any:
    return resources.files("threeportal.scans").joinpath("cards")


def builtin_cards() -> list[str]:
    """Names of the built-in cards (``fig3-left``, ``fig3-right``, ...), sorted."""
    return sorted(
        entry.name.removesuffix(".toml")
        for entry in _cards_dir().iterdir()
        if entry.name.endswith(".toml")
    )


def builtin_card_text(name: str) -> str:
    """The TOML text of a built-in card, with its comments.

    Raises
    ------
    CardError
        If ``name`` is not a built-in card (the message lists them).
    """
    if name not in builtin_cards():
        raise CardError(
            f"{name}: no built-in card of that name; built-in: {', '.join(builtin_cards())}"
        )
    return _cards_dir().joinpath(f"{name}.toml").read_text(encoding="utf-8")


def load_card(
    name_or_path: str | os.PathLike[str] | Card,
    overrides: Iterable[str] | Mapping[str, Any] | None = None,
) -> Card:
    """Load and validate a scan card.

    Parameters
    ----------
    name_or_path : str, os.PathLike or Card
        A card file (TOML), or the name of a built-in card (``fig3-left``, ``fig3-right``).
        An existing file wins over a built-in name.
    overrides : iterable of str or mapping, optional
        ``--set`` overrides: ``"model.chi2=1e-6"`` strings (values parsed as TOML scalars,
        else kept as strings) or a mapping of dotted keys to values.

    Returns
    -------
    Card
        The validated card.

    Raises
    ------
    CardError
        With a one-line message naming the key and the allowed values.
    """
    if isinstance(name_or_path, Card):
        if not overrides:
            return name_or_path
        data = _parse_toml(name_or_path.text, name_or_path.source)
        apply_overrides(data, overrides)
        return Card(data, source=name_or_path.source)
    path = Path(os.fspath(name_or_path)).expanduser()
    if path.is_file():
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise CardError(f"{path}: cannot read the card ({err})") from None
        data = _parse_toml(text, str(path))
        _resolve_input_paths(data, path.resolve().parent)
        source, default_name = str(path), path.stem
    elif isinstance(name_or_path, str) and name_or_path in builtin_cards():
        data = _parse_toml(builtin_card_text(name_or_path), name_or_path)
        source, default_name = f"built-in card {name_or_path}", name_or_path
    else:
        raise CardError(
            f"{name_or_path}: no such card file or built-in card; built-in cards: "
            f"{', '.join(builtin_cards())}"
        )
    if overrides:
        apply_overrides(data, overrides)
    return Card(data, source=source, default_name=default_name)
