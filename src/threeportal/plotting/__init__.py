"""Plotting and export of stored scan results (reads results only; never recomputes physics).

Examples
--------
>>> import matplotlib.pyplot as plt
>>> from threeportal.plotting import draw_result, export_contours
>>> fig, ax = plt.subplots()  # doctest: +SKIP
>>> artists = draw_result(ax, "results/fig3-left.h5")  # doctest: +SKIP
>>> export_contours("results/fig3-left.h5", "csv", "contours/")  # doctest: +SKIP
"""

from __future__ import annotations

from ._result import PlottingError
from .compare import comparison_figure, draw_comparison
from .contours import (
    Contour,
    Piece,
    ensure_contours,
    extract_contours,
    extract_filled,
    extract_lines,
    extract_region,
    read_contours,
    store_contours,
)
from .export import FORMATS, export_contours, read_csv, read_json
from .figures import PANEL_SIZE, panel_figure, panels_figure, save_figure, save_panels
from .panels import draw_result
from .styles import PAPER_RC, figure_style

__all__ = [
    "FORMATS",
    "PANEL_SIZE",
    "PAPER_RC",
    "Contour",
    "Piece",
    "PlottingError",
    "comparison_figure",
    "draw_comparison",
    "draw_result",
    "ensure_contours",
    "export_contours",
    "extract_contours",
    "extract_filled",
    "extract_lines",
    "extract_region",
    "figure_style",
    "panel_figure",
    "panels_figure",
    "read_contours",
    "read_csv",
    "read_json",
    "save_figure",
    "save_panels",
    "store_contours",
]
