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
from .terminal import error_message, os_error_message, report_to_terminal

__all__ = ["main"]

EXIT_USAGE = 2
#: Exit status after the reader of stdout went away (128 + SIGPIPE, as a shell reports it).
EXIT_BROKEN_PIPE = 141

#: One example per command, shown at the end of its --help.
EXAMPLES = {
    "point": 'threeportal point m_nuh="300 MeV" m_zprime="150 MeV" U_muh2=1e-6 chi2=1e-8 '
    "g_prime=1 --json",
    "data": "threeportal data list\n  threeportal data show na62\n"
    "  threeportal data show na62 --raw > my-na62.toml",
    "doctor": "threeportal doctor",
    "scan": "threeportal scan fig3-left\n"
    "  threeportal scan my.toml -o results/my.h5 --set axes.x.n=100 --jobs 2\n"
    "  threeportal scan fig3-right --refine 3    # refine an existing result in place",
    "card": "threeportal card\n  threeportal card fig3-left > my.toml",
    "info": "threeportal info results/fig3-left.h5 --card",
    "plot": "threeportal plot results/fig3-left.h5 -o left.pdf --layer-style na48_2.facecolor=red",
    "export": "threeportal export results/fig3-left.h5 --format twocol --units GeV -o limits/\n"
    "  threeportal export results/fig3-left.h5 --format hepdata -o hepdata/ --all",
    "fig3": "threeportal fig3 --outdir figures --results results --jobs 2",
    "kinematics": 'threeportal kinematics m_nuh="300 MeV" m_zprime="150 MeV" channel=ee '
    "n=10000 seed=1 -o events.h5 --plot fig4.png",
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, exit 2, no usage dump
        command = self.prog.removeprefix("threeportal").strip()
        raise UsageError(f"{command}: {message}" if command else message)


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

    data = sub.add_parser(
        "data",
        help="list or show the shipped experimental inputs",
        description="List the shipped inputs (limit curves and experiment parameters) with "
        "their citations, show one with its metadata and a preview of its columns, or print "
        "the file itself (--raw) to start your own input from it.",
    )
    data.add_argument("action", choices=("list", "show"))
    data.add_argument("name", nargs="?", help="shipped input name or file path (for show)")
    data.add_argument(
        "--raw", action="store_true", help="print the file itself (start your own from it)"
    )
    data.set_defaults(handler=_cmd_data)

    doctor = sub.add_parser(
        "doctor",
        help="check the installation and the shipped data",
        description="Print the versions of threeportal, Python and every dependency, and check "
        "that every shipped data file loads and matches MANIFEST.sha256 (exit 1 if not).",
    )
    doctor.set_defaults(handler=_cmd_doctor)

    from .plot import register as register_plotting
    from .scan import register as register_scans

    register_scans(sub)
    register_plotting(sub)

    from .kinematics import register as register_kinematics

    register_kinematics(sub)
    for name, command in sub.choices.items():
        _common_options(name, command)
    return parser


def _common_options(name: str, command: argparse.ArgumentParser) -> None:
    """-q/-v and the example epilog, the same on every command."""
    command.add_argument(
        "-q", "--quiet", action="store_true", help="print warnings and errors only"
    )
    command.add_argument(
        "-v", "--verbose", action="count", default=0, help="print debug messages too"
    )
    command.formatter_class = argparse.RawDescriptionHelpFormatter
    example = f"example:\n  {EXAMPLES[name]}" if name in EXAMPLES else ""
    command.epilog = "\n\n".join(t for t in (command.epilog, example) if t)


def _run(args: argparse.Namespace) -> int:
    handler: Callable[[argparse.Namespace], int] = args.handler
    with report_to_terminal(args.quiet, force_hint="force" in vars(args), verbose=args.verbose):
        return handler(args)


def _stdout_gone() -> int:
    """The reader of stdout closed it (``| head``): stop quietly, as a shell tool does."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())  # the interpreter's final flush must not fail again
    return EXIT_BROKEN_PIPE


def _main(parser: Any, argv: Sequence[str] | None) -> int:
    args: argparse.Namespace | None = None
    previous = _exit_cleanly_on_sigterm()
    try:
        args = parser.parse_args(argv)
        return _run(args)
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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = _build_parser()
    try:
        status = _main(parser, argv)
        sys.stdout.flush()
    except BrokenPipeError:
        return _stdout_gone()
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
