"""draw_result: what is drawn, labels, no overlaps, and that no physics is evaluated."""

from __future__ import annotations

import itertools
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from matplotlib.artist import Artist
from matplotlib.contour import ContourSet
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.patches import PathPatch
from matplotlib.text import Text

import threeportal
from threeportal.plotting import (
    PlottingError,
    draw_result,
    extract_contours,
    figure_style,
    panel_figure,
)
from threeportal.plotting.frame import off_frame_pieces, visible_length
from threeportal.plotting.panels import _MIN_VISIBLE
from threeportal.plotting.styles import PANEL_LABELS
from threeportal.scans import load

PACKAGE = Path(threeportal.__file__).parent


def _drawn(path: Path, **kwargs) -> tuple[Figure, list[Artist]]:
    with figure_style():
        fig = panel_figure(path, **kwargs)
    return fig, [a for ax in fig.axes for a in (*ax.patches, *ax.collections, *ax.texts)]


def _texts(fig: Figure) -> list[str]:
    """Every label on the panel: in-axes texts and legend entries."""
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    legend = ax.get_legend()
    if legend is not None:
        texts += [t.get_text() for t in legend.get_texts()]
    return texts


@pytest.fixture
def no_physics(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Record every Python call into threeportal/physics or a constraint's evaluation."""
    watched = (str(PACKAGE / "physics"), str(PACKAGE / "scans" / "engine.py"))
    calls: list[str] = []

    def profile(frame, event, arg):
        if event == "call" and frame.f_code.co_filename.startswith(watched):
            calls.append(f"{frame.f_code.co_filename}:{frame.f_code.co_name}")

    import threeportal.constraints as constraints

    def refuse(*args, **kwargs):
        raise AssertionError("plotting evaluated a constraint")

    monkeypatch.setattr(constraints, "evaluate_constraints", refuse)
    sys.setprofile(profile)
    try:
        yield calls
    finally:
        sys.setprofile(None)


def test_draw_result_returns_the_artists_it_drew(synthetic_right: Path) -> None:
    import matplotlib.pyplot as plt

    with figure_style():
        fig, ax = plt.subplots(figsize=(3.4, 3.0))
        artists = draw_result(ax, synthetic_right)
    try:
        assert artists
        assert all(isinstance(a, Artist) for a in artists)
        assert all(a.axes is ax for a in artists if not isinstance(a, Legend))
        kinds = {type(a) for a in artists}
        assert {PathPatch, ContourSet, Text} <= kinds
        drawn = {*ax.patches, *ax.collections, *ax.texts}
        assert drawn <= {*artists, *(t for a in artists if isinstance(a, Legend) for t in [a])}
    finally:
        plt.close(fig)


def test_plotting_never_evaluates_physics(synthetic_left: Path, small_scans, tmp_path, no_physics):
    from threeportal.plotting import ensure_contours, export_contours

    copy = tmp_path / "left.h5"
    copy.write_bytes(small_scans["left"].read_bytes())
    _drawn(synthetic_left)
    _drawn(small_scans["right"])
    ensure_contours(copy)
    export_contours(copy, "json", tmp_path / "json")
    assert no_physics == []


def test_axes_scales_limits_and_labels_come_from_the_result(synthetic_right: Path) -> None:
    fig, _ = _drawn(synthetic_right)
    ax = fig.axes[0]
    result = load(synthetic_right)
    assert (ax.get_xscale(), ax.get_yscale()) == ("log", "log")
    assert ax.get_xlim() == pytest.approx((result.x[0], result.x[-1]))
    assert ax.get_ylim() == pytest.approx((result.y[0], result.y[-1]))
    assert ax.get_xlabel() == r"$m_{Z'}$ [MeV]"
    assert ax.get_ylabel() == r"$|U_{\mu h}|^2$"


def test_every_layer_is_labelled(synthetic_left: Path, synthetic_right: Path) -> None:
    """Each drawn layer has a label on the panel (one of its forms) or in the legend."""
    layers = ["na48_2", "upscattering", "peak_search", "na62_ee"]
    for path, extra in ((synthetic_left, []), (synthetic_right, ["e141", "na62_mumu"])):
        fig, _ = _drawn(path)
        texts = _texts(fig)
        flat = " ".join(texts).replace("\n", " ")
        for layer in layers + extra:
            forms = PANEL_LABELS[layer]
            forms = [forms] if isinstance(forms, str) else list(forms)
            assert any(f.replace("\n", " ") in flat for f in forms), (path.name, layer)
        for name in ("KEK", "E949", "NA62", r"$\tau_{\nu_h}$", r"$\tau_{Z'}$"):
            assert name in flat, (path.name, name)
        # every lifetime level on the panel is labelled, in place or in a grouped legend entry
        symbols = {"lifetime_nuh_ps": r"$\tau_{\nu_h}$", "lifetime_zprime_ps": r"$\tau_{Z'}$"}
        ax = fig.axes[0]
        for contour in extract_contours(path, names=symbols):
            visible = visible_length(ax, [p.xy for p in off_frame_pieces(ax, contour.pieces)])
            if visible <= _MIN_VISIBLE * ax.get_window_extent().width:
                continue
            symbol, level = symbols[contour.source], f"{contour.level:g}"
            assert any(
                t.startswith(symbol)
                and level in t.split("=")[1].replace(" ps", "").strip().split(", ")
                for t in texts
            ), (path.name, symbol, level)


def test_fixed_parameters_are_written_but_not_the_axes(synthetic_left: Path) -> None:
    fig, _ = _drawn(synthetic_left)
    text = "\n".join(_texts(fig))
    legend = fig.axes[0].get_legend()
    if legend is not None:
        text += legend.get_title().get_text()
    assert r"$m_{Z'}$ = 150 MeV" in text
    assert r"$\chi^2$ = $10^{-8}$" in text
    assert r"$m_{\nu_h}$ =" not in text and r"$|U_{\mu h}|^2$ =" not in text


def _boxes(fig: Figure) -> list:
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    boxes = [t.get_window_extent(renderer) for t in ax.texts if t.get_text()]
    legend = ax.get_legend()
    if legend is not None:
        boxes.append(legend.get_window_extent(renderer))
    return boxes


@pytest.mark.parametrize("panel", ["left", "right"])
def test_labels_do_not_overlap_each_other(panel: str, request) -> None:
    fig, _ = _drawn(request.getfixturevalue(f"synthetic_{panel}"))
    ax = fig.axes[0]
    renderer = fig.canvas.get_renderer()
    texts = [t for t in ax.texts if t.get_text()]
    for i, a in enumerate(texts):
        for b in texts[i + 1 :]:
            if a.get_rotation() % 180 == 0 and b.get_rotation() % 180 == 0:
                assert not a.get_window_extent(renderer).overlaps(b.get_window_extent(renderer)), (
                    a.get_text(),
                    b.get_text(),
                )
    # region names cross no drawn line (line labels sit on or beside their own line)
    regions = {PANEL_LABELS[k] for k in ("na48_2", "e141", "upscattering", "peak_search")}
    assert regions & {t.get_text() for t in texts}
    lines = [
        ax.transData.transform(path.vertices)
        for artist in ax.collections
        if isinstance(artist, ContourSet)
        for path in artist.get_paths()
        if len(path.vertices)
    ]
    for text in texts:
        if text.get_text() not in regions:
            continue
        box = text.get_window_extent(renderer)
        for pts in lines:
            dense = np.concatenate([np.linspace(a, b, 20) for a, b in itertools.pairwise(pts)])
            inside = (
                (dense[:, 0] > box.x0)
                & (dense[:, 0] < box.x1)
                & (dense[:, 1] > box.y0)
                & (dense[:, 1] < box.y1)
            )
            assert not inside.any(), text.get_text()


def test_labels_stay_inside_the_axes(synthetic_left: Path, synthetic_right: Path) -> None:
    for path in (synthetic_left, synthetic_right):
        fig, _ = _drawn(path)
        ax = fig.axes[0]
        renderer = fig.canvas.get_renderer()
        frame = ax.get_window_extent(renderer)
        for text in ax.texts:
            box = text.get_window_extent(renderer)
            assert frame.x0 <= box.x0 and box.x1 <= frame.x1, text.get_text()
            assert frame.y0 <= box.y0 and box.y1 <= frame.y1, text.get_text()


def test_style_overrides(synthetic_left: Path) -> None:
    fig, _ = _drawn(
        synthetic_left,
        style={"na48_2": {"facecolor": "green", "label": ""}, "upscattering": {"label": "UP"}},
    )
    ax = fig.axes[0]
    assert "NA48/2" not in _texts(fig) and "UP" in _texts(fig)
    greens = [
        p for p in ax.patches if tuple(p.get_facecolor()[:3]) == (0.0, 0.5019607843137255, 0.0)
    ]
    assert len(greens) == 1


def test_pinned_label(synthetic_left: Path) -> None:
    fig, _ = _drawn(synthetic_left, style={"na48_2": {"label_xy": (200.0, 1e-6)}})
    (text,) = [t for t in fig.axes[0].texts if t.get_text() == "NA48/2"]
    assert text.get_position() == (200.0, 1e-6)


def test_empty_result_list_is_an_error() -> None:
    from threeportal.plotting import panels_figure

    with pytest.raises(PlottingError, match="no result to draw"):
        panels_figure([])


def test_card_plot_table_overrides_styles(tmp_path: Path) -> None:
    """A [plot] table in the stored card pins labels like the style argument does."""
    from plot_synthetic import two_blobs, write_result

    card = (
        '[model]\nm_zprime = "150 MeV"\n\n'
        '[plot.na48_2]\nlabel = "pinned"\nlabel_xy = [150.0, 1e-5]\n'
    )
    path = write_result(
        tmp_path / "card.h5",
        x=("m_nuh", np.linspace(100.0, 400.0, 41), "MeV", "linear"),
        y=("U_muh2", np.geomspace(1e-10, 1e-2, 41), "1", "log"),
        masks={"na48_2_excluded": (two_blobs(), {"layer": "na48_2"})},
        card=card,
    )
    fig, _ = _drawn(path)
    (text,) = [t for t in fig.axes[0].texts if t.get_text() == "pinned"]
    assert text.get_position() == (150.0, 1e-5)
