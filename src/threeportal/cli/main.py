"""The ``threeportal`` command line.

Every bad input ends in one line on stderr (``threeportal: error: ...``) and exit status 2.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from ..errors import ThreeportalError
from ..model import MASS_PARAMETERS, NUMBER_PARAMETERS, ModelPoint
from ..units import parse_quantity

__all__ = ["main", "parse_point_arguments"]

EXIT_USAGE = 2


class UsageError(ThreeportalError):
    """A command-line input is not allowed; the message says which and what is allowed."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, exit 2, no usage dump
        raise UsageError(f"{self.prog}: {message}")


# --- point --------------------------------------------------------------------------------
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
        for name, value in result["constraints"].items():
            print(f"  {name:<14} {json.dumps(value)}")


def _cmd_point(args: argparse.Namespace) -> int:
    from ..point import evaluate_point

    model, E_nu = parse_point_arguments(args.parameters)
    result = evaluate_point(model, E_nu)
    if args.json:
        print(json.dumps(result, indent=2, allow_nan=False, default=_json_default))
    else:
        _print_table(result)
    return 0


def _json_default(value: object) -> Any:
    raise TypeError(f"not JSON-serialisable: {value!r}")


def _cmd_data(args: argparse.Namespace) -> int:
    from ..data import load_input
    from .data import format_listing, format_show

    if args.action == "list":
        print(format_listing())
        return 0
    if not args.name:
        raise UsageError("data show: give NAME (a shipped input, see 'threeportal data list')")
    if args.raw:  # the file itself, to start a user input from
        sys.stdout.write(load_input(args.name).path.read_text(encoding="utf-8"))
    else:
        print(format_show(args.name))
    return 0


def _cmd_doctor(args: argparse.Namespace) -> int:
    import importlib.metadata as metadata
    import platform

    from .._version import __version__
    from ..data import shipped_inputs, verify_shipped

    print(
        f"threeportal {__version__} on Python {platform.python_version()} "
        f"({platform.machine()}, {os.cpu_count()} cores)"
    )
    missing = []
    for package in (
        "numpy",
        "scipy",
        "matplotlib",
        "joblib",
        "h5py",
        "hepunits",
        "particle",
        "contourpy",
        "tqdm",
        "distributed",
        "xarray",
        "h5netcdf",
    ):
        try:
            print(f"  {package:<12} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            optional = package in ("distributed", "xarray", "h5netcdf")
            print(f"  {package:<12} not installed{' (optional)' if optional else ''}")
            if not optional:
                missing.append(package)
    problems = verify_shipped()
    print(
        f"shipped data files: {len(shipped_inputs())}, "
        f"{'all load and match MANIFEST.sha256' if not problems else 'PROBLEMS:'}"
    )
    for problem in problems:
        print(f"  {problem}")
    if missing:
        print(f"missing required packages: {', '.join(missing)}")
    healthy = not problems and not missing
    print("status: ok" if healthy else "status: broken installation")
    return 0 if healthy else 1


# --- main ---------------------------------------------------------------------------------
def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="threeportal",
        description="Scans, bounds and sensitivities of the three-portal dark-neutrino model "
        "(Ballett, Hostert, Pascoli, arXiv:1903.07589): rebuild Fig. 3, rerun it with new "
        "inputs, export the contours.",
    )
    from .._version import __version__

    parser.add_argument("--version", action="version", version=f"threeportal {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    point = sub.add_parser(
        "point",
        help="evaluate one parameter point",
        description='Evaluate one point, e.g. threeportal point m_nuh="300 MeV" '
        'm_zprime="150 MeV" U_muh2=1e-6 chi2=1e-8 g_prime=1',
    )
    point.add_argument("parameters", nargs="*", metavar="key=value")
    point.add_argument("--json", action="store_true", help="print one JSON object")
    point.set_defaults(handler=_cmd_point)

    data = sub.add_parser("data", help="list or show the shipped experimental inputs")
    data.add_argument("action", choices=("list", "show"))
    data.add_argument("name", nargs="?", help="shipped input name or file path (for show)")
    data.add_argument(
        "--raw", action="store_true", help="print the file itself (start your own from it)"
    )
    data.set_defaults(handler=_cmd_data)

    doctor = sub.add_parser("doctor", help="check the installation and the shipped data")
    doctor.set_defaults(handler=_cmd_doctor)

    from ..scans.commands import register as register_scans

    register_scans(sub)

    from ..plotting.commands import register as register_plotting

    register_plotting(sub)

    from .kinematics import register as register_kinematics

    register_kinematics(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
        handler: Callable[[argparse.Namespace], int] = args.handler
        return handler(args)
    except ThreeportalError as err:
        message = str(err).replace("\n", " ")
        print(f"threeportal: error: {message}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("threeportal: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
