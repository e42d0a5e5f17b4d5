"""Scans: cards (TOML), the tiled parallel engine and refinement (files: threeportal.results).

Examples
--------
>>> from threeportal.scans import load_card, run_scan, load
>>> card = load_card("fig3-left", ["axes.x.n=40", "axes.y.n=30"])  # doctest: +SKIP
>>> path = run_scan(card, "results/small.h5", jobs=2)  # doctest: +SKIP
>>> result = load(path)  # doctest: +SKIP
>>> result.fields["na62_ee_expected_events"].shape  # doctest: +SKIP
(30, 40)
"""

from __future__ import annotations

from ..results import (
    SCHEMA,
    SCHEMA_VERSION,
    ScanResult,
    Tiling,
    load,
    read_header,
)
from .card import AXIS_PARAMETERS, Axis, Card, builtin_card_text, builtin_cards, load_card
from .engine import BACKENDS, compute_tile, default_output, run_scan
from .errors import CardError, ScanError

__all__ = [
    "AXIS_PARAMETERS",
    "BACKENDS",
    "SCHEMA",
    "SCHEMA_VERSION",
    "Axis",
    "Card",
    "CardError",
    "ScanError",
    "ScanResult",
    "Tiling",
    "builtin_card_text",
    "builtin_cards",
    "compute_tile",
    "default_output",
    "load",
    "load_card",
    "read_header",
    "run_scan",
]
