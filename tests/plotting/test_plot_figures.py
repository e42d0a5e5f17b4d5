"""Figure regression against committed baselines, and the plot / fig3 commands' files.

Baselines are rendered from the deterministic synthetic results with the package style
(matplotlib defaults + PAPER_RC, DejaVu Sans shipped with matplotlib, Agg). To refresh them
after an intended change of the look, run
``THREEPORTAL_UPDATE_BASELINES=1 python -m pytest tests/plotting/test_figures.py`` and look
at the new images before committing them.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import matplotlib.image
import pytest
from matplotlib.testing.compare import compare_images

from threeportal.plotting import PlottingError, figure_style, panel_figure, panels_figure

BASELINE = Path(__file__).parent / "baseline"
UPDATE = os.environ.get("THREEPORTAL_UPDATE_BASELINES") == "1"
#: RMS tolerance (0-255 grey levels): absorbs anti-aliasing differences between FreeType
#: builds; hiding one region label costs about 4.
TOLERANCE = 2.0
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("name", ["synthetic-left", "synthetic-right", "synthetic-fig3"])
def test_figure_matches_baseline(name: str, synthetic_left, synthetic_right, tmp_path) -> None:
    actual = tmp_path / f"{name}.png"
    with figure_style():
        if name == "synthetic-fig3":
            fig = panels_figure([synthetic_left, synthetic_right], tags=("(a)", "(b)"))
        else:
            fig = panel_figure(synthetic_left if name.endswith("left") else synthetic_right)
        fig.savefig(actual, dpi=100)
    expected = BASELINE / f"{name}.png"
    if UPDATE:
        BASELINE.mkdir(exist_ok=True)
        shutil.copyfile(actual, expected)
        pytest.skip(f"baseline {expected.name} updated")
    assert expected.is_file(), f"no baseline {expected}; see this module's docstring"
    failure = compare_images(str(expected), str(actual), tol=TOLERANCE)
    assert failure is None, failure


def _check_png(path: Path, width: int) -> None:
    assert path.read_bytes()[:8] == PNG_SIGNATURE
    assert matplotlib.image.imread(path).shape[1] == width


def _check_pdf(path: Path) -> None:
    data = path.read_bytes()
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")


def test_fig3_command_writes_valid_png_and_pdf(tmp_path: Path, monkeypatch, cli) -> None:
    import threeportal.scans as scans

    load_card = scans.load_card
    monkeypatch.setattr(
        scans, "load_card", lambda name: load_card(name, ["axes.x.n=40", "axes.y.n=40"])
    )
    figures, results = tmp_path / "figures", tmp_path / "results"
    argv = ["fig3", "--outdir", str(figures), "--results", str(results), "--jobs", "1", "-q"]
    assert cli(argv) == 0
    for name, panels in (("fig3-left", 1), ("fig3-right", 1), ("fig3", 2)):
        _check_png(figures / f"{name}.png", width=round(panels * 3.4 * 200))
        _check_pdf(figures / f"{name}.pdf")
    assert sorted(p.name for p in results.iterdir() if p.suffix == ".h5") == [
        "fig3-left.h5",
        "fig3-right.h5",
    ]
    # a second run reuses the scans and the stored contours
    stamps = {p: p.stat().st_mtime_ns for p in results.glob("*.h5")}
    assert cli(argv) == 0
    assert {p: p.stat().st_mtime_ns for p in results.glob("*.h5")} == stamps


def test_plot_command(synthetic_right: Path, tmp_path: Path, cli) -> None:
    out = tmp_path / "plots" / "right.pdf"
    assert cli(["plot", str(synthetic_right), "-o", str(out), "-q"]) == 0
    _check_pdf(out)
    svg = tmp_path / "right.svg"
    assert (
        cli(
            [
                "plot",
                str(synthetic_right),
                "-o",
                str(svg),
                "--style",
                "fast",
                "-q",
                "--layer-style",
                "na48_2.facecolor=green",
            ]
        )
        == 0
    )
    assert svg.read_text().lstrip().startswith("<?xml")
    with pytest.raises(PlottingError, match="unknown figure format 'gif'"):
        cli(["plot", str(synthetic_right), "-o", str(tmp_path / "x.gif")])
    with pytest.raises(PlottingError, match="style: 'no-such-style' is not a valid"):
        cli(["plot", str(synthetic_right), "-o", str(svg), "--style", "no-such-style"])


def test_save_panels_gives_the_files_of_save_figure(synthetic_left, synthetic_right, tmp_path):
    """The fast path (one PNG rendering cropped, panel PDFs in a forked copy) against the
    plain one: the same PDF bytes, the same whole PNG, and panels that are its columns (a
    separate rendering of a panel differs only by the phase of hatch lines), tags only on
    the whole figure."""
    from threeportal.plotting import save_figure, save_panels

    fast, plain = tmp_path / "fast", tmp_path / "plain"
    fast.mkdir()
    plain.mkdir()
    with figure_style():
        fig = panels_figure([synthetic_left, synthetic_right], tags=("(a)", "(b)"))
        written = save_panels(fig, fast / "fig", [fast / "left", fast / "right"])
        save_figure(fig, plain / "fig")
        for k, name in enumerate(("left", "right")):
            save_figure(fig, plain / name, panel=k)
    assert sorted(p.name for p in written) == sorted(p.name for p in plain.iterdir())
    for name in ("fig", "left", "right"):
        assert (fast / f"{name}.pdf").read_bytes() == (plain / f"{name}.pdf").read_bytes()
    whole = matplotlib.image.imread(fast / "fig.png")
    assert (whole == matplotlib.image.imread(plain / "fig.png")).all()
    width = whole.shape[1] // 2
    tag_band = 40  # rows holding the tags "(a)" and "(b)", drawn on the whole figure only
    for k, name in enumerate(("left", "right")):
        panel = matplotlib.image.imread(fast / f"{name}.png")
        assert panel.shape == (whole.shape[0], width, 4)
        assert (panel[tag_band:] == whole[tag_band:, k * width : (k + 1) * width]).all()
        assert (panel[:tag_band, :40, :3] > 0.99).all()  # no tag on a panel
        assert (whole[:tag_band, k * width : k * width + 40, :3] < 0.5).any()  # tag on the whole


def test_save_panels_reports_a_panel_that_fails_in_the_forked_copy(
    synthetic_left, synthetic_right, tmp_path
):
    from threeportal.plotting import save_panels

    missing = tmp_path / "no-such-directory" / "right"  # the panel's PDF cannot be written
    with figure_style():
        fig = panels_figure([synthetic_left, synthetic_right])
        with pytest.raises(PlottingError, match=r"writing a figure failed: .*no-such-directory"):
            save_panels(fig, tmp_path / "fig", [tmp_path / "left", missing], formats=("pdf",))
    assert (tmp_path / "fig.pdf").read_bytes().startswith(b"%PDF")  # written by this process
