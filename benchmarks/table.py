"""The README's performance table, generated from ``benchmarks/results.json``.

``make bench`` (and ``make bench-large``) call :func:`update_readme` after writing the results,
so the table between the markers ``<!-- bench-table:start -->`` and ``<!-- bench-table:end -->``
always shows the last run. ``python benchmarks/table.py`` rewrites it by hand.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

__all__ = ["rows", "table", "update_readme"]

HERE = Path(__file__).resolve().parent
README = HERE.parent / "README.md"
START, END = "<!-- bench-table:start -->", "<!-- bench-table:end -->"

Row = tuple[str, Callable[[dict], str]]


def _speedup(r: dict, size: int, mode: str) -> str:
    times = r[f"scan_seconds_{size}_{mode}"]
    return (
        f"1 worker {times['1']:.1f} s, 2 workers {times['2']:.1f} s: speed-up "
        f"**{r[f'speedup_2_workers_{size}_{mode}']:.2f}** (target >= 1.6)"
    )


def _recast(r: dict, plane: str) -> str:
    c = r["dark_photon_limits_cost_1000"]
    return (
        f"adds {c[f'{plane}_added_seconds']:.2f} s to {c[f'{plane}_others_seconds']:.2f} s of "
        f"the other layers: ratio **{c[f'{plane}_ratio']:.2f}** (target < 1)"
    )


ROWS: list[Row] = [
    (
        "all layers, 100 x 100, one worker",
        lambda r: f"{r['points_per_second']['100']:.3g} points/s",
    ),
    (
        "all layers, 1000 x 1000, one worker",
        lambda r: (
            f"{r['points_per_second']['1000']:.3g} points/s "
            f"({1e6 / r['points_per_second']['1000']:.2f} s)"
        ),
    ),
    (
        "naive baseline (Python loop, `quad` for upscattering), 100 x 100",
        lambda r: (
            f"{r['naive_points_per_second_100']:.3g} points/s: vectorised is "
            f"**{r['baseline_ratio']:.0f} x** faster"
        ),
    ),
    ("recast dark-photon limits, fig3-left plane 1000 x 1000", lambda r: _recast(r, "left")),
    ("recast dark-photon limits, fig3-right plane 1000 x 1000", lambda r: _recast(r, "right")),
    (
        "default scan settings / best hand-tuned (jobs, tile), 1000 x 1000",
        lambda r: f"**{r['default_vs_tuned_1000']:.2f}** (target <= 1.25)",
    ),
    ("whole scan 2000 x 2000, mean decay probabilities", lambda r: _speedup(r, 2000, "mean")),
    (
        "whole scan 2000 x 2000, averaged decay probabilities",
        lambda r: _speedup(r, 2000, "averaged"),
    ),
    (
        "whole scan 4000 x 4000: peak memory (scan and workers: summed PSS / RSS), file",
        lambda r: (
            f"**{r['peak_pss_MiB_4000']:.0f} MiB** / {r['peak_rss_MiB_4000']:.0f} MiB "
            "(target <= 600), "
            f"**{r['file_MiB_4000']:.0f} MiB** (target <= 1024)"
        ),
    ),
    (
        "cost per point, 4000 x 4000 / 1000 x 1000",
        lambda r: f"**{r['cost_per_point_ratio_4000_vs_1000']:.2f}** (target <= 1.3)",
    ),
    (
        "`fig3` from cold results (both scans, contours, six figure files)",
        lambda r: f"**{r['fig3_cold_seconds']:.1f} s** (target <= 5)",
    ),
    (
        "`fig3` with results in place: whole command / plot phase",
        lambda r: f"{r['fig3_warm_seconds']:.1f} s / **{r['plot_seconds']:.1f} s** (target <= 2)",
    ),
    (
        "10000 x 10000 through dask, LocalCluster of 2 workers (`make bench-large`)",
        lambda r: (
            f"{r['large_10000_seconds'] / 60:.1f} min, peak memory (summed PSS / RSS of the "
            f"scan, scheduler, nannies and workers) **{r['large_10000_peak_pss_MiB']:.0f} MiB** / "
            f"{r['large_10000_peak_rss_MiB']:.0f} MiB (the idle cluster and client: "
            f"{r.get('large_10000_idle_pss_MiB', float('nan')):.0f} MiB PSS), "
            f"file {r['large_10000_file_MiB']:.0f} MiB"
        ),
    ),
]


def rows(results: dict) -> list[tuple[str, str]]:
    """(what, figure) of every row whose numbers are in ``results`` (others are left out)."""
    out = []
    for what, cell in ROWS:
        try:
            out.append((what, cell(results)))
        except KeyError:
            continue
    return out


def table(results: dict) -> str:
    """The markdown table, headed with the machine's core count."""
    head = f"| what (`make bench`, {results.get('cores', '?')} cores) | figure |"
    lines = [head, "|---|---|"] + [f"| {what} | {cell} |" for what, cell in rows(results)]
    return "\n".join(lines)


def update_readme(results_file: Path = HERE / "results.json", readme: Path = README) -> bool:
    """Rewrite the table between the README's markers; False if the markers are missing."""
    text = readme.read_text()
    if START not in text or END not in text:
        return False
    results = json.loads(results_file.read_text())
    before, rest = text.split(START, 1)
    _, after = rest.split(END, 1)
    readme.write_text(f"{before}{START}\n{table(results)}\n{END}{after}")
    return True


if __name__ == "__main__":
    sys.exit(0 if update_readme() else 1)
