"""Scan cards: TOML files that name the model, two scan axes, the constraints, the inputs.

A card has the tables ``[scan]`` (name, description), ``[model]`` (fixed parameters; masses
as strings with a unit, e.g. ``"150 MeV"``), ``[axes.x]`` and ``[axes.y]`` (parameter, min,
max, n, scale), ``[constraints]`` (``evaluate = [...]`` and option tables
``[constraints.<name>]``), ``[inputs]`` (input key = shipped name or file path),
``[output]`` (path, tile), ``[grid]`` (``refine``: adaptive contour refinement) and
``[plot]`` (style overrides per layer or dataset; like ``[output]``, not part of the SHA-256).
Every key is validated; a mistake raises :class:`CardError` naming the key and what is
allowed. A validated card has a canonical TOML text (sorted, defaults filled in) whose
SHA-256, without the ``[output]`` and ``[plot]`` tables, identifies the scan.

This module holds :class:`Card` and card lookup and loading; the schema of the fixed tables
and the generic validators are in :mod:`.schema`, an axis in :mod:`.axis`, the ``[plot]``
table in :mod:`.plot_table`, TOML text and ``--set`` overrides in :mod:`.overrides`.

Examples
--------
>>> from threeportal.scans import load_card
>>> card = load_card("fig3-left", ["axes.x.n=12", "axes.y.n=10"])
>>> card.x.parameter, card.x.n, card.y.scale
('m_nuh', 12, 'log')
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from hepunits import MeV
from numpy.typing import NDArray

from ..constraints import (
    DEFAULT_INPUTS,
    KAON_THRESHOLD,
    REGISTRY,
    ConstraintError,
    Span,
    closed_kaon_layers,
    domain_warnings,
)
from ..data.common import SHIPPED_NAME
from ..model import MASS_PARAMETERS, NATURES, ModelError, ModelPoint, canonical_name
from .axis import Axis, parse_axis
from .errors import CardError
from .overrides import apply_overrides, parse_set, parse_toml, resolve_input_paths, to_toml
from .plot_table import validate_plot
from .schema import (
    AXIS_PARAMETERS,
    COSMETIC_SECTIONS,
    GRID_SCHEMA,
    MODEL_KEYS,
    OUTPUT_SCHEMA,
    SCAN_SCHEMA,
    SECTIONS,
    as_table,
    canonical_number,
    check_keys,
    describe,
    one_of,
    parameter_value,
    validate_table,
)

_log = logging.getLogger(__name__)

__all__ = [
    "AXIS_PARAMETERS",
    "Axis",
    "Card",
    "apply_overrides",
    "builtin_card_text",
    "builtin_cards",
    "load_card",
    "parse_set",
    "resolve_limit_paths",
    "to_toml",
]


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
    tile : int or None
        ``[output] tile``: tile side in grid points (None: chosen by the engine).
    diagnostics : bool
        ``[output] diagnostics``: also store the fields that have no contour level.
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
        if self.data.get("output", {}).get("diagnostics"):  # changes what the file holds
            identity["stored"] = {"diagnostics": True}
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
        data = parse_toml(text, source)
        resolve_input_paths(data, Path.cwd())
        if overrides:
            apply_overrides(data, overrides)
        resolve_limit_paths(data, Path.cwd())
        return cls(data, source=source)

    def _validate(self, data: dict[str, Any], default_name: str | None) -> None:
        for key in data:
            if key not in SECTIONS:
                raise CardError(f"{key}: unknown table; allowed: {', '.join(SECTIONS)}")
        canon: dict[str, Any] = {}

        scan = validate_table(data.get("scan", {}), "scan", SCAN_SCHEMA)
        if scan["name"] is None:
            scan = validate_table({**scan, "name": default_name}, "scan", SCAN_SCHEMA)
        if scan["name"] is None:
            raise CardError('scan.name: required, e.g. name = "my-scan"')
        self.name, self.description = scan["name"], scan["description"]
        canon["scan"] = scan

        if "axes" not in data:
            raise CardError("axes: required; give [axes.x] and [axes.y]")
        axes = as_table(data["axes"], "axes")
        check_keys(axes, "axes", ("x", "y"))
        for key in ("x", "y"):
            if key not in axes:
                raise CardError(f"axes.{key}: required; give [axes.x] and [axes.y]")
        self.x, x_canon = parse_axis(axes["x"], "axes.x")
        self.y, y_canon = parse_axis(axes["y"], "axes.y")
        self._check_axes_distinct()

        model = as_table(data.get("model", {}), "model")
        check_keys(model, "model", MODEL_KEYS)
        self.model = self._validate_model(model)
        model_canon = {key: canonical_number(model[key]) for key in AXIS_PARAMETERS if key in model}
        model_canon["nature"] = self.model["nature"]
        canon["model"] = model_canon
        canon["axes"] = {"x": x_canon, "y": y_canon}

        canon["constraints"] = self._validate_constraints(
            as_table(data.get("constraints", {}), "constraints")
        )
        self._check_kaon_domain()
        canon["inputs"] = self._validate_inputs(as_table(data.get("inputs", {}), "inputs"))

        output = validate_table(data.get("output", {}), "output", OUTPUT_SCHEMA)
        self.output: str | None = output["path"]
        self.tile: int | None = output["tile"]
        self.diagnostics: bool = output["diagnostics"]
        canon["output"] = {k: v for k, v in output.items() if v is not None}

        plot = validate_plot(data.get("plot", {}))
        if plot:
            canon["plot"] = plot

        canon["grid"] = validate_table(data.get("grid", {}), "grid", GRID_SCHEMA)
        self.refine = canon["grid"]["refine"]
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
                one_of(value, where, NATURES)
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
            fixed[key] = parameter_value(key, value, where)
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

    def _check_kaon_domain(self) -> None:
        """Refuse kaon-decay layers on a plane where K+ -> mu+ nu_h is closed everywhere."""
        for axis in (self.x, self.y):
            if axis.parameter == "m_nuh":
                lowest, where = float(np.min(axis.values())), f"{axis.key}.min"
                break
        else:
            lowest, where = float(self.model["m_nuh"]), "model.m_nuh"
        closed = closed_kaon_layers(self.constraints, lowest)
        if closed:
            raise CardError(
                f"{where}: {lowest / MeV:g} MeV leaves K+ -> mu+ nu_h closed everywhere; the "
                f"layers {', '.join(closed)} need m_nuh < m_K - m_mu = "
                f"{KAON_THRESHOLD / MeV:.1f} MeV (lower it or drop them from constraints.evaluate)"
            )

    def domain_warnings(self) -> list[str]:
        """What of the plane lies beyond a kinematic threshold of the evaluated layers.

        One sentence per threshold (whichever layers share it), naming the key that crosses
        it and the valid range; bounds that are model parameters take the card's fixed
        values. The scan still runs; see :mod:`threeportal.constraints.domains`.
        """
        spans = {
            key: Span.fixed(value, f"model.{key}")
            for key, value in self.model.items()
            if key in MASS_PARAMETERS
        }
        for axis in (self.x, self.y):
            if axis.parameter in MASS_PARAMETERS:
                spans[axis.parameter] = Span(
                    axis.min, axis.max, f"{axis.key}.min", f"{axis.key}.max"
                )
        return domain_warnings(spans, self.constraints, self.options)

    def _validate_constraints(self, table: Mapping[str, Any]) -> dict[str, Any]:
        allowed = ", ".join(REGISTRY)
        names = table.get("evaluate", list(REGISTRY))
        if not isinstance(names, list) or not names:
            raise CardError(
                f"constraints.evaluate: expected a non-empty array of names, got "
                f"{describe(names)}; allowed names: {allowed}"
            )
        for name in names:
            if not isinstance(name, str) or name not in REGISTRY:
                shown = repr(name) if isinstance(name, str) else describe(name)
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
            opts = as_table(value, f"constraints.{key}")
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
                    f"got {describe(value)}"
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


def resolve_limit_paths(data: dict[str, Any], base: Path) -> None:
    """Make the relative file paths of ``constraints.dark_photon_limits.limits`` absolute.

    Shipped names (letters, digits, ``_``, ``-``) and absolute paths are left as they are;
    a relative path is taken relative to ``base`` (the card's folder, or the working
    directory for cards given as text and for ``--set`` values).
    """
    table = data.get("constraints")
    layer = table.get("dark_photon_limits") if isinstance(table, dict) else None
    limits = layer.get("limits") if isinstance(layer, dict) else None
    if not isinstance(limits, list):
        return
    layer["limits"] = [
        entry
        if not isinstance(entry, str) or SHIPPED_NAME.match(entry) or Path(entry).is_absolute()
        else os.path.abspath(base / Path(entry).expanduser())
        for entry in limits
    ]


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
        data = parse_toml(name_or_path.text, name_or_path.source)
        apply_overrides(data, overrides)
        resolve_limit_paths(data, Path.cwd())
        return Card(data, source=name_or_path.source)
    path = Path(os.fspath(name_or_path)).expanduser()
    if path.is_file():
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise CardError(f"{path}: cannot read the card ({err})") from None
        data = parse_toml(text, str(path))
        resolve_input_paths(data, path.resolve().parent)
        resolve_limit_paths(data, path.resolve().parent)
        source, default_name = str(path), path.stem
    elif isinstance(name_or_path, str) and name_or_path in builtin_cards():
        data = parse_toml(builtin_card_text(name_or_path), name_or_path)
        source, default_name = f"built-in card {name_or_path}", name_or_path
    else:
        raise CardError(
            f"{name_or_path}: no such card file or built-in card; built-in cards: "
            f"{', '.join(builtin_cards())}"
        )
    if overrides:
        apply_overrides(data, overrides)
        resolve_limit_paths(data, Path.cwd())  # relative paths given on the command line
    card = Card(data, source=source, default_name=default_name)
    for message in card.domain_warnings():
        _log.warning("%s: %s", card.name, message)
    return card
