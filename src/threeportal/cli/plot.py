"""The ``plot``, ``export`` and ``fig3`` subcommands of the ``threeportal`` command line.

:func:`register` adds them to the argparse subparsers of :mod:`threeportal.cli.main`.
Handlers return an exit status; library errors (one-line :class:`PlottingError`,
:class:`~threeportal.errors.ScanError`) reach :func:`threeportal.cli.main`, which turns them
into ``threeportal: error: ...`` and exit status 2.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..plotting import PlottingError
from .terminal import ProgressBar

__all__ = [
    "cmd_export",
    "cmd_fig3",
    "cmd_plot",
    "parse_layer_styles",
    "register",
]

_PLOT_FORMATS = ("png", "pdf", "svg")


def _value(text: str) -> Any:
    parts = text.split(",")
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        return text
    return tuple(numbers) if len(numbers) > 1 else numbers[0]


def parse_layer_styles(tokens: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Parse ``NAME.KEY=VALUE`` tokens into draw_result style overrides.

    Values that are numbers become floats, comma-separated numbers tuples (for
    ``label_xy``), anything else stays a string; ``\\n`` in a value is a line break.

    Parameters
    ----------
    tokens : sequence of str
        E.g. ``["na48_2.facecolor=red", "e141.label_xy=5,1e-6"]``.

    Returns
    -------
    dict
        ``{name: {key: value}}``.
    """
    styles: dict[str, dict[str, Any]] = {}
    for token in tokens:
        target, sep, text = token.partition("=")
        name, dot, key = target.partition(".")
        if not sep or not dot or not name or not key:
            raise PlottingError(
                f"--layer-style: {token!r} is not NAME.KEY=VALUE (e.g. na48_2.facecolor=red)"
            )
        styles.setdefault(name, {})[key] = _value(text.replace("\\n", "\n"))
    return styles


def cmd_plot(args: argparse.Namespace) -> int:
    """``threeportal plot RESULT.h5 [-o FILE] [--style S] [--layer-style N.K=V]``."""
    from ..plotting import figure_style, panel_figure, save_figure

    result = Path(args.result)
    output = Path(args.output) if args.output else result.with_suffix(".png")
    fmt = output.suffix.lstrip(".").lower()
    if fmt not in _PLOT_FORMATS:
        raise PlottingError(
            f"-o {output}: unknown figure format {fmt!r}; allowed: {', '.join(_PLOT_FORMATS)}"
        )
    styles = parse_layer_styles(args.layer_style)
    with figure_style(args.style):
        fig = panel_figure(result, styles)
        output.parent.mkdir(parents=True, exist_ok=True)
        save_figure(fig, output.with_suffix(""), formats=(fmt,), dpi=args.dpi)
    if not args.quiet:
        print(output)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """``threeportal export RESULT.h5 --format F [-o DIR] [--only NAME] [--all] [--units U]``."""
    from ..plotting import export_contours

    written = export_contours(
        args.result,
        args.format,
        args.outdir,
        names=args.only,
        include_all=args.all,
        units=args.units,
    )
    if not args.quiet:
        listing = written[-1].name if written[-1].name == "index.json" else written[0].name
        print(f"{len(written)} file(s) in {written[-1].parent} ({listing} lists them)")
    return 0


def cmd_fig3(args: argparse.Namespace) -> int:
    """``threeportal fig3 [--outdir DIR] [--results DIR] [--jobs N] [--force] [--paper]``."""
    from ..workflow import FIG3_PAPER_PANELS, fig3, fig3_vs_paper

    common = {
        "jobs": args.jobs,
        "force": args.force,
        "progress": lambda name: ProgressBar(name, args.quiet),
    }
    if args.paper:
        written = fig3(
            args.results, args.outdir, cards=FIG3_PAPER_PANELS, stem="fig3-paper", **common
        )
        written += fig3_vs_paper(args.results, args.outdir, **common)
    else:
        written = fig3(args.results, args.outdir, **common)
    if not args.quiet:
        for path in written:
            print(path)
    return 0


def register(subparsers: Any) -> None:
    """Add the ``plot``, ``export`` and ``fig3`` subcommands.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        From ``parser.add_subparsers()`` in :mod:`threeportal.cli`.
    """
    _register_plot(subparsers)
    _register_export(subparsers)
    _register_fig3(subparsers)


def _register_plot(subparsers: Any) -> None:
    plot = subparsers.add_parser(
        "plot",
        help="draw a scan result (any plane) as PNG, PDF or SVG",
        description="Draw a stored scan result: regions, curves, labels, fixed parameters. "
        "Reads the result only; nothing is recomputed.",
    )
    plot.add_argument("result", metavar="RESULT.h5", help="a scan result")
    plot.add_argument(
        "-o", "--output", metavar="FILE", help="figure file, .png/.pdf/.svg (default RESULT.png)"
    )
    plot.add_argument(
        "--style",
        action="append",
        default=[],
        metavar="STYLE",
        help="matplotlib style name or style file, on top of the package style (repeatable)",
    )
    plot.add_argument(
        "--layer-style",
        action="append",
        default=[],
        metavar="NAME.KEY=VALUE",
        help="override a layer's or dataset's style, e.g. na48_2.facecolor=red, "
        "e141.label='E141 (1987)', upscattering.label_xy=50,1e-3 (repeatable)",
    )
    plot.add_argument("--dpi", type=float, default=200.0, help="PNG resolution (default 200)")
    plot.set_defaults(handler=cmd_plot)


def _register_export(subparsers: Any) -> None:
    from ..plotting import FORMATS

    export = subparsers.add_parser(
        "export",
        help="write a result's bounds and sensitivities as CSV, JSON, two columns or HEPData",
        description="Export the contours a limit plot shows (every bound, sensitivity and "
        "lifetime line, and one combined 'excluded by any bound' region), all pieces and "
        "holes, each file with the benchmark, references and provenance; --all adds the "
        "diagnostics. The result is only read (contours it does not store are extracted in "
        "memory); empty contours get no file and are listed in DIR/index.json.",
    )
    export.add_argument("result", metavar="RESULT.h5", help="a scan result")
    export.add_argument("--format", required=True, choices=FORMATS, help="output format")
    export.add_argument(
        "-o", "--outdir", metavar="DIR", help="output directory (default RESULT-FORMAT/)"
    )
    export.add_argument(
        "--all", action="store_true", help="also the diagnostics (ratios, fractions, domains)"
    )
    export.add_argument(
        "--units",
        choices=("GeV", "MeV"),
        help="mass unit of --format twocol (default GeV)",
    )
    export.add_argument(
        "--only",
        action="append",
        metavar="NAME",
        help="export only the contours of this field or mask (repeatable)",
    )
    export.set_defaults(handler=cmd_export)


def _register_fig3(subparsers: Any) -> None:
    fig3 = subparsers.add_parser(
        "fig3",
        help="run (or reuse) both Fig. 3 scans and draw the figure",
        description="Run or reuse the built-in scans fig3-left and fig3-right, store their "
        "contours, and write fig3-left, fig3-right and the two-panel fig3 as PNG and PDF.",
    )
    fig3.add_argument("--outdir", default="figures", metavar="DIR", help="figures (figures/)")
    fig3.add_argument("--results", default="results", metavar="DIR", help="results (results/)")
    fig3.add_argument("--jobs", type=int, metavar="N", help="parallel workers (default: all)")
    fig3.add_argument("--force", action="store_true", help="recompute the scans")
    fig3.add_argument(
        "--paper",
        action="store_true",
        help="the paper's prescription as printed (cards fig3-paper-left/right): write "
        "fig3-paper and fig3-vs-paper (both prescriptions overlaid, layer by layer)",
    )
    fig3.set_defaults(handler=cmd_fig3)
