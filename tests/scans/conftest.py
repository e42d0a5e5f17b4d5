"""Shared helpers of the scan tests: a small card and a command-line runner."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from threeportal.scans import Card, ScanError, load_card, run_scan
from threeportal.scans.commands import register

#: A 12 x 10 version of the fig3-left benchmark: fast, but every layer is evaluated.
SMALL = ("axes.x.n=12", "axes.y.n=10")


def _cli_has_scan_commands() -> bool:
    import importlib

    # threeportal.cli re-exports the function main, which hides the submodule of that name
    parser = importlib.import_module("threeportal.cli.main")._build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return {"scan", "card", "info"} <= set(action.choices)
    return False


def _fallback_main(argv: Sequence[str]) -> int:
    """What ``threeportal.cli.main`` does, until it registers the scan subcommands."""
    parser = argparse.ArgumentParser(prog="threeportal")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(list(argv))
    try:
        return args.handler(args)
    except ScanError as err:
        print(f"threeportal: error: {err}", file=sys.stderr)
        return 2


def run_cli(argv: Sequence[str]) -> int:
    """Run the command line (``threeportal.cli.main`` once it has the scan commands)."""
    if _cli_has_scan_commands():
        from threeportal.cli import main

        return main(list(argv))
    return _fallback_main(argv)


@pytest.fixture
def cli() -> Callable[[Sequence[str]], int]:
    """The command-line runner."""
    return run_cli


@pytest.fixture
def small_card() -> Card:
    """fig3-left on a 12 x 10 grid."""
    return load_card("fig3-left", list(SMALL))


@pytest.fixture(scope="session")
def small_result(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished 12 x 10 fig3-left scan (read-only for the tests that use it)."""
    out = tmp_path_factory.mktemp("result") / "small.h5"
    return run_scan(load_card("fig3-left", list(SMALL)), out, jobs=1, tile=5, quiet=True)
