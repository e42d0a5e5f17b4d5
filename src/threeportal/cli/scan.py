"""The ``scan``, ``card`` and ``info`` subcommands of the ``threeportal`` command line.

:func:`register` adds them to the argparse subparsers of :mod:`threeportal.cli.main`.
Handlers return an exit status; library errors reach :func:`threeportal.cli.main`, which
turns them into one line and exit status 2.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

import numpy as np

from ..results import ScanResult, contours_current, load, read_contours, refined_levels
from ..scans import BACKENDS, builtin_card_text, builtin_cards, load_card, run_scan
from .terminal import ProgressBar

__all__ = ["cmd_card", "cmd_info", "cmd_scan", "format_info", "register"]


def cmd_scan(args: argparse.Namespace) -> int:
    """``threeportal scan CARD|NAME [...]``: run a scan (a cache hit does nothing)."""
    overrides = list(args.set or [])
    if args.refine is not None:
        overrides.append(f"grid.refine={args.refine}")
    card = load_card(args.card, overrides or None)
    with ProgressBar(card.name, args.quiet) as progress:
        run_scan(
            card,
            output=args.output,
            jobs=args.jobs,
            backend=args.backend,
            scheduler=args.scheduler,
            tile=args.tile,
            force=args.force,
            progress=progress,
        )
    return 0


def cmd_card(args: argparse.Namespace) -> int:
    """``threeportal card [NAME]``: print a built-in card, or list them."""
    if args.name is None:
        for name in builtin_cards():
            print(f"{name:<14} {load_card(name).description}")
        return 0
    sys.stdout.write(builtin_card_text(args.name))
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    """``threeportal info RESULT.h5``: axes, fields, masks, inputs and provenance."""
    result = load(args.result)
    sys.stdout.write(format_info(result))
    if args.card:
        sys.stdout.write("\ncard\n" + result.card)
    return 0


def _fmt(value: float) -> str:
    return f"{value:.6g}"


def format_info(result: ScanResult) -> str:
    """The text printed by ``threeportal info``."""
    a = result.attrs
    lines = [
        str(result.path),
        f"  scan           {a.get('scan_name', '?')}",
        f"  schema         {a.get('schema')} version {a.get('schema_version')}"
        f" ({'complete' if a.get('complete') else 'incomplete'})",
        f"  created        {a.get('created')} with threeportal {a.get('package_version')}",
        f"  card sha256    {a.get('card_sha256')}",
        f"  inputs sha256  {a.get('inputs_sha256')}",
        f"  tiles          {a.get('n_tiles')} of {a.get('tile')} x {a.get('tile')} points",
        "axes",
    ]
    for label, name, values, units, scale in (
        ("x", result.x_name, result.x, result.x_units, result.x_scale),
        ("y", result.y_name, result.y, result.y_units, result.y_scale),
    ):
        unit = "" if units == "1" else f" {units}"
        lines.append(
            f"  {label}  {name:<10} {values.size:>5} points  {_fmt(values[0])} .. "
            f"{_fmt(values[-1])}{unit}  {scale}"
        )
    width = max([len(n) for n in (*result.fields, *result.masks)] + [10])
    lines.append(f"fields ({len(result.fields)}): name, layer, units, levels, range (in domain)")
    for name in result.fields:
        attrs = result.field_attrs[name]
        levels = ", ".join(_fmt(v) for v in np.atleast_1d(attrs.get("levels", []))) or "-"
        finite = result.defined(name)
        finite = finite[np.isfinite(finite)]
        mask = result.domain_name(name)
        domain = f"  (on {mask})" if mask in result.masks else ""
        span = f"{_fmt(finite.min())} .. {_fmt(finite.max())}" if finite.size else "no values"
        lines.append(
            f"  {name:<{width}}  {attrs.get('layer', ''):<12} "
            f"{attrs.get('units', '') or '1':<4} levels {levels:<14} {span}{domain}"
        )
    lines.append(f"masks ({len(result.masks)}): name, layer, fraction of the grid inside")
    for name, mask in result.masks.items():
        attrs = result.mask_attrs[name]
        lines.append(f"  {name:<{width}}  {attrs.get('layer', ''):<12} {100 * mask.mean():6.2f} %")
    lines.append("inputs")
    for key, value in sorted(result.inputs.items()):
        lines.append(f"  {key:<14} {value}")
    lines += _stored_lines(result)
    return "\n".join(lines) + "\n"


def _stored_lines(result: ScanResult) -> list[str]:
    """What was added to the result after the scan: refinement and stored contours."""
    levels = refined_levels(result.path, str(result.attrs.get("card_sha256", "")))
    lines = [
        f"refinement     {levels} doubling(s) of every contour" if levels else
        "refinement     none (threeportal scan CARD --refine N adds it)"
    ]  # fmt: skip
    if not contours_current(result.path):
        lines.append("contours       none stored (plot and export extract them in memory)")
        return lines
    contours = read_contours(result.path)
    empty = sum(1 for c in contours if not c.pieces)
    lines.append(f"contours ({len(contours)} stored, {empty} empty): source, level, pieces")
    for c in contours:
        level = "region" if c.kind == "region" else f"{c.level:g}"
        lines.append(f"  {c.source:<32} {level:<10} {len(c.pieces)}")
    return lines


def register(subparsers: Any) -> None:
    """Add the ``scan``, ``card`` and ``info`` subcommands.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        From ``parser.add_subparsers()``; each subcommand sets ``handler``.
    """
    _register_scan(subparsers)
    _register_card(subparsers)
    _register_info(subparsers)


def _register_scan(subparsers: Any) -> None:
    scan = subparsers.add_parser(
        "scan",
        help="run a parameter scan from a card",
        description="Run a scan card (a TOML file or a built-in name such as fig3-left) and "
        "write its HDF5 result. Rerunning an identical scan is a cache hit; an interrupted "
        "scan resumes from its finished tiles.",
    )
    scan.add_argument("card", metavar="CARD|NAME", help="card file or built-in card name")
    scan.add_argument(
        "-o", "--output", metavar="OUT.h5", help="result file (default: the card's [output] path)"
    )
    scan.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a card key, e.g. --set model.chi2=1e-6 --set axes.x.n=50 (repeatable)",
    )
    scan.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help="parallel workers (default: 1 below ~250k grid points, else all cores; -1: all)",
    )
    scan.add_argument(
        "--backend",
        choices=BACKENDS,
        default="local",
        help="where tiles run: local worker processes (default; 'loky' is an old name for"
        " them) or the workers of a dask.distributed scheduler",
    )
    scan.add_argument(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        help="dask.distributed scheduler for --backend dask",
    )
    scan.add_argument(
        "--tile",
        type=int,
        metavar="N",
        help="tile side in grid points (default: the card's [output] tile, else chosen from "
        "the grid and a memory budget)",
    )
    scan.add_argument(
        "--force",
        action="store_true",
        help="recompute and overwrite, even on a cache hit or another card",
    )
    scan.add_argument(
        "--refine",
        type=int,
        metavar="N",
        help="refine every contour adaptively by N doublings; on an existing result of the "
        "same scan, refines it in place (or reuses a finer refinement). Same as "
        "--set grid.refine=N",
    )
    scan.set_defaults(handler=cmd_scan)


def _register_card(subparsers: Any) -> None:
    card = subparsers.add_parser(
        "card",
        help="print a built-in scan card",
        description="Print a built-in scan card to start from "
        "(threeportal card fig3-left > my.toml); without NAME, list them.",
    )
    card.add_argument("name", nargs="?", metavar="NAME", help="built-in card name")
    card.set_defaults(handler=cmd_card)


def _register_info(subparsers: Any) -> None:
    info = subparsers.add_parser(
        "info",
        help="describe a scan result file",
        description="Print the axes, fields, masks, inputs and provenance of a result.",
    )
    info.add_argument("result", metavar="RESULT.h5")
    info.add_argument("--card", action="store_true", help="also print the stored card")
    info.set_defaults(handler=cmd_info)
