"""Regions from the fields that define them, edges that are physics only, legends of what is
drawn, the comparison with the paper's prescription, reproducible files."""

from __future__ import annotations

from pathlib import Path

import matplotlib.image
import numpy as np
import pytest
from matplotlib.lines import Line2D
from plot_synthetic import write_fig3_like, write_result

from threeportal.plotting import (
    PANEL_SIZE,
    comparison_figure,
    extract_contours,
    extract_filled,
    extract_region,
    figure_style,
    panel_figure,
    panels_figure,
    save_figure,
)
from threeportal.plotting.regions import region_definition
from threeportal.results import load

N = 41
X = np.geomspace(1.0, 300.0, N)  # m_Z', MeV (log axis)
Y = np.geomspace(1e-10, 1e-2, N)  # |U|^2 (log axis)
CARD = '[model]\nm_nuh = "300 MeV"\nnature = "dirac"\n'


def _power_law(exponent: float = 1.0) -> np.ndarray:
    """A field equal to 1 on the line U = 1e-6 (m / 10 MeV)^exponent."""
    return Y[:, None] / (1e-6 * (X[None, :] / 10.0) ** exponent)


def _result(tmp_path: Path, fields: dict, masks: dict, name: str = "r.h5") -> Path:
    return write_result(
        tmp_path / name,
        x=("m_zprime", X, "MeV", "log"),
        y=("U_muh2", Y, "1", "log"),
        fields=fields,
        masks=masks,
        card=CARD,
    )


def test_region_edge_follows_the_field_not_the_grid() -> None:
    """A tilted iso-line (slope 0.7 decades per decade): the filled region's boundary lies on
    it to 1e-6 in log10, the mask's (stair steps between grid points) does not."""
    z = _power_law(0.7)
    pieces = extract_filled(X, Y, z, 1.0, "above", x_scale="log", y_scale="log")
    assert len(pieces) == 1
    xy = pieces[0].xy
    inner = (xy[:, 1] > Y[0] * 1.001) & (xy[:, 1] < Y[-1] / 1.001)
    inner &= (xy[:, 0] > X[0] * 1.001) & (xy[:, 0] < X[-1] / 1.001)
    on_line = np.log10(xy[inner, 1]) - np.log10(1e-6 * (xy[inner, 0] / 10.0) ** 0.7)
    assert np.max(np.abs(on_line)) < 1e-6
    stairs = extract_region(X, Y, z > 1.0, x_scale="log", y_scale="log")[0].xy
    keep = (stairs[:, 1] > Y[0] * 1.001) & (stairs[:, 1] < Y[-1] / 1.001)
    keep &= (stairs[:, 0] > X[0] * 1.001) & (stairs[:, 0] < X[-1] / 1.001)
    off = np.log10(stairs[keep, 1]) - np.log10(1e-6 * (stairs[keep, 0] / 10.0) ** 0.7)
    step = np.log10(Y[1] / Y[0])
    assert np.max(np.abs(off)) > 0.2 * step  # the 0/1 mask is off the line by grid steps


def test_region_below_and_outside_its_domain() -> None:
    z = _power_law()
    domain = np.broadcast_to(X[None, :] > 20.0, z.shape)
    below = extract_filled(X, Y, z, 1.0, "below", domain=domain, x_scale="log", y_scale="log")
    assert below and all(np.all(p.xy[:, 0] >= X[X > 20.0][0] * (1 - 1e-9)) for p in below)
    assert all(np.all(z_y <= 1e-6 * (x / 10.0) * 1.0001) for p in below for x, z_y in p.xy)
    with pytest.raises(Exception, match="side"):
        extract_filled(X, Y, z, 1.0, "left")


def test_mask_is_contoured_from_its_declared_field(tmp_path: Path) -> None:
    """na48_2's mask names its BR field and level (as the scan stores them from the layer's
    declaration); the stored 0/1 mask is ignored."""
    br = _power_law() * 1.6e-8
    domain = np.broadcast_to(X[None, :] > 140.0, br.shape)
    path = _result(
        tmp_path,
        {"na48_2_br_signal": (br, {"layer": "na48_2", "levels": [1.6e-8], "domain": "d"})},
        {
            "d": (domain, {"layer": "na48_2"}),
            "na48_2_excluded": (  # all False
                np.zeros_like(domain),
                {
                    "layer": "na48_2",
                    "region_field": "na48_2_br_signal",
                    "region_level": 1.6e-8,
                    "region_side": "above",
                },
            ),
        },
    )
    res = load(path)
    definition = region_definition(res, "na48_2_excluded")
    assert definition is not None
    assert (definition.field, definition.level, definition.side) == (
        "na48_2_br_signal",
        1.6e-8,
        "above",
    )
    (region,) = extract_contours(res, ["na48_2_excluded"])
    assert region.pieces  # from the field, although the stored mask is empty
    assert min(p.xy[:, 0].min() for p in region.pieces) > 140.0


def test_outline_is_never_the_frame_or_the_domain_edge(tmp_path: Path) -> None:
    """The drawn edge of a region is its iso-line: no point on the domain boundary (m_Z' =
    140 MeV) nor along the frame, though the filled region is bounded by both."""
    br = _power_law() * 1.6e-8
    domain = np.broadcast_to(X[None, :] > 140.0, br.shape)
    path = _result(
        tmp_path,
        {"na48_2_br_signal": (br, {"layer": "na48_2", "levels": [1.6e-8], "domain": "d"})},
        {
            "d": (domain, {"layer": "na48_2"}),
            "na48_2_excluded": (br > 1.6e-8, {"layer": "na48_2"}),
        },
    )
    with figure_style():
        fig = panel_figure(path)
    ax = fig.axes[0]
    edges = [line.get_xydata() for line in ax.lines]
    assert edges
    xy = np.concatenate(edges)
    xy = xy[np.isfinite(xy).all(axis=1)]
    first_defined = X[X > 140.0][0]
    on_edge = np.isclose(xy[:, 0], first_defined, rtol=1e-9, atol=0)
    assert on_edge.sum() <= len(edges)  # a line may end on the domain edge, never run along it
    assert np.all(xy[:, 1] < Y[-1] / 1.02)  # not along the top of the frame
    # the filled patch does reach the top of the frame (the region continues beyond it)
    patch = ax.patches[0].get_path().vertices
    assert patch[:, 1].max() == pytest.approx(Y[-1], rel=1e-9, abs=0)


def _legend_texts(ax) -> list[str]:
    legend = ax.get_legend()
    return [] if legend is None else [t.get_text() for t in legend.get_texts()]


def test_a_curve_off_the_panel_has_no_label_and_no_legend_entry(tmp_path: Path) -> None:
    """NA62 mumu: one run of its line lies within a point of the bottom frame (drawn would
    look like the frame), the other curve is well inside; only the latter is named."""
    along = np.broadcast_to(Y[:, None] / (Y[0] * 1.0001) * (1.0 + 0.0 * X[None, :]), (N, N))
    inside = _power_law()
    path = _result(
        tmp_path,
        {
            "na62_mumu_expected_events": (along, {"layer": "na62_mumu", "levels": [1.0]}),
            "na62_ee_expected_events": (inside, {"layer": "na62_ee", "levels": [1.0]}),
        },
        {},
    )
    with figure_style():
        fig = panel_figure(path)
    ax = fig.axes[0]
    names = [t.get_text() for t in ax.texts] + _legend_texts(ax)
    assert not any(r"\mu\mu" in t for t in names), names
    assert any("ee" in t for t in names), names


@pytest.mark.parametrize("panel", ["left", "right"])
def test_lifetimes_are_told_apart_and_labelled_in_place(tmp_path: Path, panel: str) -> None:
    path = write_fig3_like(tmp_path / f"{panel}.h5", panel)
    with figure_style():
        fig = panel_figure(path)
    ax = fig.axes[0]
    styles = [
        (tuple(np.round(c.get_edgecolor()[0], 3)), str(c.get_linestyle()[0]))
        for c in ax.collections
        if hasattr(c, "levels") and len(c.levels) == 3
    ]
    assert len(styles) == 2 and styles[0] != styles[1]  # nu_h and Z' look different
    in_place = [t.get_text() for t in ax.texts if t.get_text().startswith(r"$\tau")]
    # the synthetic nu_h lines cross the right panel's corner only; its Z' lines are long
    symbol = r"\nu_h" if panel == "left" else "Z'"
    assert any(symbol in t and " ps" in t for t in in_place), in_place


def test_pseudo_dirac_is_named(tmp_path: Path) -> None:
    path = write_fig3_like(tmp_path / "left.h5", "left")
    with figure_style():
        fig = panel_figure(path)
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts] + [t.get_text() for t in fig.texts]
    legend = ax.get_legend()
    if legend is not None:
        texts.append(legend.get_title().get_text())
    assert any("pseudo-Dirac" in t for t in texts), texts


def test_comparison_overlays_both_prescriptions(tmp_path: Path, synthetic_left, synthetic_right):
    """Each layer in one colour, default solid and paper dashed; the legend names both."""
    weaker = _result(
        tmp_path,
        {"upscattering_ratio_to_nue": (_power_law() / 3.0, {"layer": "upscattering"})},
        {
            "upscattering_dominates": (
                np.zeros((N, N), bool),
                {
                    "layer": "upscattering",
                    "region_field": "upscattering_ratio_to_nue",
                    "region_level": 1.0,
                    "region_side": "above",
                },
            )
        },
        "paper-right.h5",
    )
    with figure_style():
        fig = comparison_figure([synthetic_right], [weaker], tags=None)
    ax = fig.axes[0]
    blue = [line for line in ax.lines if line.get_color() == "tab:blue"]
    assert {line.get_linestyle() for line in blue} == {"-", "--"}
    texts = _legend_texts(ax)
    assert "default" in texts and "paper as printed" in texts
    handles = ax.get_legend().legend_handles
    assert all(isinstance(h, Line2D) for h in handles)
    with pytest.raises(Exception, match="paper result"):
        comparison_figure([synthetic_left, synthetic_right], [weaker])


def test_same_figure_same_bytes_and_panel_halves(tmp_path: Path, synthetic_left, synthetic_right):
    with figure_style():
        fig = panels_figure([synthetic_left, synthetic_right], tags=("(a)", "(b)"))
        first = save_figure(fig, tmp_path / "one", formats=("png", "pdf"))
        second = save_figure(fig, tmp_path / "two", formats=("png", "pdf"))
        half = save_figure(fig, tmp_path / "left", formats=("png",), dpi=100, panel=0)
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    assert b"CreationDate" not in first[1].read_bytes()
    width = matplotlib.image.imread(half[0]).shape[1]
    assert width == pytest.approx(PANEL_SIZE[0] * 100, abs=1)
