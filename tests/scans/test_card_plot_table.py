"""The card's [plot] table: validated style overrides that do not change what is computed."""

import logging

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest

from threeportal.plotting import draw_result
from threeportal.scans import CardError, load, load_card, run_scan

SMALL = ["axes.x.n=12", "axes.y.n=10"]


def test_plot_table_is_cosmetic_and_reaches_the_figure(tmp_path, caplog):
    plain = load_card("fig3-left", SMALL)
    styled = load_card(
        "fig3-left", [*SMALL, "plot.na48_2.label=NA48/2 (2017)", "plot.na48_2.facecolor=orange"]
    )
    assert styled.sha256 == plain.sha256  # same physics, same scan
    out = run_scan(plain, tmp_path / "r.h5", jobs=1)
    caplog.set_level(logging.INFO, logger="threeportal")
    run_scan(styled, out, jobs=1)  # a cache hit that refreshes the stored card
    assert "cache hit" in caplog.text
    assert "NA48/2 (2017)" in load(out).card
    fig, ax = plt.subplots(figsize=(3.4, 3.0))
    artists = draw_result(ax, out)
    from matplotlib.legend import Legend
    from matplotlib.text import Text

    texts = [a.get_text() for a in artists if isinstance(a, Text)]
    for legend in (a for a in artists if isinstance(a, Legend)):
        texts += [t.get_text() for t in legend.get_texts()]
    assert any("NA48/2 (2017)" in t for t in texts)
    plt.close(fig)


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("plot.lhc.label=x", "plot.lhc: not a layer"),
        ("plot.na48_2.colour=red", "plot.na48_2.colour: unknown key"),
        ("plot.na48_2.alpha=much", "plot.na48_2.alpha"),
        ("plot.e141.label_xy=[1]", "plot.e141.label_xy: expected [x, y]"),
    ],
)
def test_bad_plot_table(override, message):
    with pytest.raises(CardError, match=message.replace("[", r"\[")):
        load_card("fig3-left", [*SMALL, override])
