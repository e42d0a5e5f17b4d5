"""The ``threeportal`` command line.

Every bad input ends in one line on stderr (``threeportal: error: ...``) and exit status 2.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from ..errors import ThreeportalError
from ..fileio import h5_os_error
from .point import UsageError, register_point
from .terminal import error_message, os_error_message

__all__ = ["main"]

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, exit 2, no usage dump
        raise UsageError(f"{self.prog}: {message}")


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

    register_point(sub)

    data = sub.add_parser("data", help="list or show the shipped experimental inputs")
    data.add_argument("action", choices=("list", "show"))
    data.add_argument("name", nargs="?", help="shipped input name or file path (for show)")
    data.add_argument(
        "--raw", action="store_true", help="print the file itself (start your own from it)"
    )
    data.set_defaults(handler=_cmd_data)

    doctor = sub.add_parser("doctor", help="check the installation and the shipped data")
    doctor.set_defaults(handler=_cmd_doctor)

    from .plot import register as register_plotting
    from .scan import register as register_scans

    register_scans(sub)
    register_plotting(sub)

    from .kinematics import register as register_kinematics

    register_kinematics(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = _build_parser()
    args: argparse.Namespace | None = None
    previous = _exit_cleanly_on_sigterm()
    try:
        args = parser.parse_args(argv)
        handler: Callable[[argparse.Namespace], int] = args.handler
        return handler(args)
    except ThreeportalError as err:
        print(f"threeportal: error: {error_message(err, args)}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as err:  # a full disk, a read-only directory, a path through a file
        print(f"threeportal: error: {os_error_message(err, args)}", file=sys.stderr)
        return EXIT_USAGE
    except (ValueError, RuntimeError) as err:  # HDF5 reports some failed writes this way
        os_error = h5_os_error(err)
        if os_error is None:
            raise
        print(f"threeportal: error: {os_error_message(os_error, args)}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("threeportal: interrupted", file=sys.stderr)
        return 130
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _terminated(signum: int, frame: object) -> NoReturn:
    raise SystemExit(128 + signum)


def _exit_cleanly_on_sigterm() -> Any:
    """SIGTERM unwinds like an exception, so temporaries are removed and files closed.

    Returns the previous handler (None when not in the main thread).
    """
    try:
        return signal.signal(signal.SIGTERM, _terminated)
    except ValueError:  # not the main thread: leave signals alone
        return None


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
