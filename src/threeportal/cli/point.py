"""The ``point`` subcommand: evaluate one parameter point and print it as a table or JSON."""

from __future__ import annotations

import argparse
import json
import logging
from collections.abc import Sequence
from typing import Any

from ..errors import ThreeportalError
from ..model import MASS_PARAMETERS, NATURES, NUMBER_PARAMETERS, PARAMETERS, ModelPoint
from ..units import parse_quantity

__all__ = ["UsageError", "format_constraints", "parse_point_arguments", "register_point"]

_log = logging.getLogger(__name__)


class UsageError(ThreeportalError):
    """A command-line input is not allowed; the message says which and what is allowed."""


_MASS_KEYS = MASS_PARAMETERS
_POINT_KEYS = (*MASS_PARAMETERS, *NUMBER_PARAMETERS, "nature", "E_nu")


def _number(key: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise UsageError(f"{key}: {text!r} is not a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise UsageError(f"{key}: {text!r} is not a finite number")
    return value


def parse_point_arguments(tokens: Sequence[str]) -> tuple[ModelPoint, float]:
    """Build a model point and the neutrino energy from ``key=value`` tokens.

    Masses and energies need a unit (``m_nuh="300 MeV"``); mixings and couplings are plain
    numbers. Returns the model point and E_nu in hepunits (default 3 GeV).
    """
    from ..point import DEFAULT_E_NU

    values: dict[str, Any] = {}
    for token in tokens:
        key, sep, text = token.partition("=")
        if not sep:
            raise UsageError(f"{token!r}: expected key=value with key in {', '.join(_POINT_KEYS)}")
        if key not in _POINT_KEYS:
            raise UsageError(f"{key}: unknown parameter; allowed: {', '.join(_POINT_KEYS)}")
        if key in values:
            raise UsageError(f"{key}: given twice")
        if key in _MASS_KEYS or key == "E_nu":
            values[key] = parse_quantity(text, "MeV", name=key)
        elif key == "nature":
            values[key] = text
        else:
            values[key] = _number(key, text)
    for key in ("m_nuh", "m_zprime"):
        if key not in values:
            raise UsageError(f'{key}: required (a mass with its unit, e.g. {key}="300 MeV")')
    E_nu = values.pop("E_nu", DEFAULT_E_NU)
    if E_nu <= 0:
        raise UsageError('E_nu: the neutrino energy must be > 0 (e.g. E_nu="3 GeV")')
    return ModelPoint.from_mapping(values), E_nu


def _print_table(result: dict[str, Any]) -> None:
    inputs = result["inputs"]
    print("inputs")
    for key, value in inputs.items():
        print(f"  {key:<22} {value}")
    for block, title in (("nu_h", "nu_h decays"), ("zprime", "Z' decays")):
        data = result[block]
        print(
            f"\n{title}: total width {data['total_width_MeV']:.4e} MeV, "
            f"lifetime {data['lifetime_ps']:.4e} ps, c tau {data['ctau_mm']:.4e} mm"
        )
        print(f"  {'channel':<18} {'width [MeV]':>12} {'BR':>12}")
        for name, width in data["widths_MeV"].items():
            print(f"  {name:<18} {width:12.4e} {data['branching_ratios'][name]:12.4e}")
    prod = result["production"]
    print(
        f"\nproduction: BR(K+ -> mu+ nu_h) = {prod['BR_K_to_mu_nuh']:.4e}"
        f" (Shrock rho = {prod['shrock_rho']:.4f})"
    )
    sc = result["scattering"]
    print(
        f"scattering at E_nu = {sc['E_nu_GeV']:g} GeV:"
        f" sigma(nu_mu C -> nu_h C) = {sc['sigma_upscattering_C12_cm2']:.4e} cm^2,"
        f" sigma(nu_mu e) = {sc['sigma_nue_per_electron_cm2']:.4e} cm^2 per electron"
    )
    if "constraints" in result:
        print("\nconstraints")
        print(format_constraints(result["constraints"]))


def _flat(prefix: str, value: Any) -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        return [row for key, item in value.items() for row in _flat(f"{prefix}.{key}", item)]
    return [(prefix, value)]


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4e}"
    return str(value)


def format_constraints(constraints: dict[str, Any]) -> str:
    """The constraints of a point as aligned rows: layer, quantity (dotted), value.

    Parameters
    ----------
    constraints : dict
        ``evaluate_point(...)["constraints"]``: ``{layer: {quantity: value or {...}}}``.

    Returns
    -------
    str
        One row per quantity, without a final newline.
    """
    rows = []
    for layer, values in constraints.items():
        for key, value in _flat("", values):
            rows.append((layer, key.lstrip("."), _cell(value)))
    if not rows:
        return "  (none)"
    wide = [max(len(r[k]) for r in rows) for k in range(2)]
    return "\n".join(f"  {a:<{wide[0]}}  {b:<{wide[1]}}  {c:>11}" for a, b, c in rows)


def _cmd_point(args: argparse.Namespace) -> int:
    from ..point import evaluate_point, point_domain_warnings

    model, E_nu = parse_point_arguments(args.parameters)
    for message in point_domain_warnings(model, E_nu):
        _log.warning("%s", message)
    result = evaluate_point(model, E_nu)
    if args.json:
        print(json.dumps(result, indent=2, allow_nan=False, default=_json_default))
    else:
        _print_table(result)
    return 0


def _json_default(value: object) -> Any:
    raise TypeError(f"not JSON-serialisable: {value!r}")


def _keys_help() -> str:
    """The keys ``point`` accepts, with their units, from the model's parameter table."""
    rows = [
        (p.name, "mass, with a unit (MeV, GeV, ...)" if p.dimension == "mass" else "number [1]",
         p.description)
        for p in PARAMETERS.values()
    ]  # fmt: skip
    rows.append(("nature", f"one of {', '.join(NATURES)}", "nu_h Dirac or Majorana"))
    rows.append(("E_nu", "energy, with a unit (default 3 GeV)", "neutrino energy (scattering)"))
    wide = [max(len(r[k]) for r in rows) for k in range(2)]
    lines = [f"  {a:<{wide[0]}}  {b:<{wide[1]}}  {c}" for a, b, c in rows]
    return (
        "keys (m_nuh and m_zprime required; give v_phi or g_prime; chi or eps instead of chi2):\n"
        + "\n".join(lines)
    )


def register_point(subparsers: Any) -> None:
    """Add the ``point`` subcommand to ``parser.add_subparsers()``."""
    point = subparsers.add_parser(
        "point",
        help="evaluate one parameter point",
        description="Evaluate one parameter point: every width, branching ratio and lifetime "
        "of nu_h and Z', BR(K+ -> mu+ nu_h), the cross sections and every layer's value there.",
        epilog=_keys_help(),
    )
    point.add_argument("parameters", nargs="*", metavar="key=value")
    point.add_argument("--json", action="store_true", help="print one JSON object")
    point.set_defaults(handler=_cmd_point)
