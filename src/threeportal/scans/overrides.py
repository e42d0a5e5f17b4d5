"""Card text: TOML in (``tomllib``) and out (``tomli-w``), and ``--set`` overrides."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import tomli_w

from .errors import CardError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["apply_overrides", "parse_set", "parse_toml", "resolve_input_paths", "to_toml"]

_SHIPPED_NAME = re.compile(r"^[A-Za-z0-9_-]+$")


def parse_toml(text: str, source: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise CardError(f"{source}: not valid TOML: {err}") from None


def to_toml(data: Mapping[str, Any]) -> str:
    """TOML text of a card's nested dicts (written by tomli-w; tables after their keys).

    Raises
    ------
    CardError
        If a value cannot be written as TOML (e.g. ``None``).
    """
    try:
        return tomli_w.dumps(data)
    except TypeError as err:
        raise CardError(f"card: {err}; use strings, numbers, booleans, arrays and tables") from None


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


def resolve_input_paths(data: dict[str, Any], base: Path) -> None:
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
