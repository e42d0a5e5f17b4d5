"""The recast dark-photon limits drawn and exported from a small real scan of ``dark-photon``."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import yaml
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.contour import ContourSet
from matplotlib.figure import Figure

from threeportal.data.dark_photon import load_dark_photon_limit
from threeportal.plotting import draw_result, export_contours, read_csv
from threeportal.plotting.dark_photon import draw_dark_photon_limits, recast_outlines
from threeportal.results import ScanResult
from threeportal.scans import load


@pytest.fixture(scope="module")
def scan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built-in card ``dark-photon`` (|U_muh|^2 = 1e-12) on a 40 x 40 grid."""
    from threeportal.scans import load_card, run_scan

    out = tmp_path_factory.mktemp("dark-photon") / "dark-photon.h5"
    card = load_card("dark-photon", ["axes.x.n=40", "axes.y.n=40"])
    return run_scan(card, output=out, jobs=1)


def _axes() -> object:
    fig = Figure(figsize=(3.4, 3.0))
    FigureCanvasAgg(fig)
    return fig.add_axes((0.18, 0.14, 0.78, 0.8))


def _crosses(res: ScanResult, source: str) -> bool:
    """Whether the field is above 1 and at most 1 at defined grid points (a level-1 line)."""
    values = res.defined(source)
    return bool(np.any(values > 1.0) and np.any(values <= 1.0))


def _drawn(artists: list) -> list[str]:
    return [a.get_gid() for a in artists if isinstance(a, LineCollection)]


def test_one_outline_per_limit_whose_domain_meets_the_plane(scan: Path) -> None:
    res = load(scan)
    drawn = _drawn(draw_dark_photon_limits(_axes(), res))
    assert len(drawn) == len(set(drawn))  # one outline per limit, never two
    names = [o.name for o in recast_outlines(res)]
    assert len(names) == 33
    domains = {n: res.domain(f"{n}_signal_ratio") for n in names}
    expected = {n for n in names if domains[n].any() and _crosses(res, f"{n}_signal_ratio")}
    assert set(drawn) == expected
    # the classic plot: beam dumps at low eps, prompt searches at eps ~ 1e-3, invisible below
    # 2 m_e; limits whose mass range misses 1 MeV - 1 GeV have no outline
    assert {"E137_Andreas2012mt", "CHARM_Bergsma1985qz", "NuCAL_Blumlein1991xh"} <= expected
    assert {"BaBar_Lees2014xha", "KLOE_Babusci2012cr", "NA48_Batley2015lha"} <= expected
    assert "NA64_NA642019imj" in expected
    assert not domains["BESIII_Ablikim2017aab"].any() and not domains["LEP_Fox2011fx"].any()
    # a domain meeting the plane without an excluded point draws nothing (eps > 0.17 off it)
    assert domains["BelleII_Adachi2019otg"].any()
    assert "BelleII_Adachi2019otg" not in drawn


def _segment_of(point: np.ndarray, u: np.ndarray, v: np.ndarray) -> tuple[tuple, tuple]:
    """The grid edge or cell diagonal (as two (j, i) grid points) a contour vertex lies on."""
    i = int(np.clip(np.searchsorted(u, point[0]) - 1, 0, u.size - 2))
    j = int(np.clip(np.searchsorted(v, point[1]) - 1, 0, v.size - 2))
    corners = {(a, b): np.array([u[i + b], v[j + a]]) for a in (0, 1) for b in (0, 1)}
    du, dv = u[i + 1] - u[i], v[j + 1] - v[j]
    best, where = np.inf, None
    for p, q in [((0, 0), (0, 1)), ((1, 0), (1, 1)), ((0, 0), (1, 0)), ((0, 1), (1, 1)),
                 ((0, 0), (1, 1)), ((0, 1), (1, 0))]:  # fmt: skip
        a, b = corners[p], corners[q]
        t = np.clip(np.dot(point - a, b - a) / np.dot(b - a, b - a), 0.0, 1.0)
        gap = np.hypot(*((a + t * (b - a) - point) / (du, dv)))  # in cell widths
        if gap < best:
            best, where = gap, ((j + p[0], i + p[1]), (j + q[0], i + q[1]))
    assert best < 1e-6, f"vertex {point} lies on no grid edge or diagonal"
    return where


def test_no_outline_runs_along_a_domain_edge_or_the_frame(scan: Path) -> None:
    """Every outline vertex is a crossing of 1 between two grid points where the field is
    defined: no vertex has the field undefined on either side (a domain edge or the frame)."""
    res = load(scan)
    u, v = np.log10(res.x), np.log10(res.y)
    artists = draw_dark_photon_limits(_axes(), res)
    cut = 0
    for artist in artists:
        if not isinstance(artist, LineCollection):
            continue
        values = res.defined(f"{artist.get_gid()}_signal_ratio")
        cut += int(np.isnan(values).any())
        for segment in artist.get_segments():
            for point in np.log10(segment):
                p, q = _segment_of(point, u, v)
                assert np.isfinite(values[p]) and np.isfinite(values[q]), artist.get_gid()
                # a crossing (or a grid value exactly 1, as float32 storage can round to)
                assert (values[p] - 1.0) * (values[q] - 1.0) <= 0.0, artist.get_gid()
    assert cut >= 10  # most outlines belong to limits with a domain edge inside the plane


def test_the_panel_draws_the_layer_once_with_a_legend_by_family(scan: Path) -> None:
    ax = _axes()
    artists = draw_result(ax, scan)
    assert not [a for a in artists if isinstance(a, ContourSet)]  # no generic second copy
    res = load(scan)
    assert sorted(_drawn(artists)) == sorted(_drawn(draw_dark_photon_limits(_axes(), res)))
    legend = ax.get_legend()
    texts = [t.get_text() for t in legend.get_texts()]
    assert [t.split(":")[0] for t in texts] == [
        "beam dumps (displaced)",
        "prompt searches",
        "invisible (missing energy)",
    ]
    labels = {a.get_text() for a in artists if a.__class__.__name__ == "Text"}
    assert {"E137", "CHARM", "KLOE", "BaBar"} <= labels | {
        name.strip() for t in texts for name in t.partition(":")[2].split(",")
    }


@pytest.mark.parametrize("fmt", ["csv", "json", "hepdata"])
def test_export_has_every_limit_with_its_citation(scan: Path, tmp_path: Path, fmt: str) -> None:
    res = load(scan)
    written = export_contours(scan, fmt, tmp_path / fmt)
    names = [o.name for o in recast_outlines(res)]
    submission = yaml.safe_load_all(written[0].read_text()) if fmt == "hepdata" else None
    tables = {d["data_file"]: d for d in submission or [] if "data_file" in d}
    for name in names:
        limit = load_dark_photon_limit(name)
        cite = limit.citation
        assert limit.reference_key in cite and (not limit.arxiv or limit.arxiv in cite)
        key = f"{name}_signal_ratio_1"  # layer output, level value (export_name)
        if not _crosses(res, f"{name}_signal_ratio"):
            continue  # no outline on this plane: listed in the index, no file
        reference = f"recast of the published limit: {cite}"
        if fmt == "csv":
            text = (tmp_path / fmt / f"{key}.csv").read_text()
            assert f"# reference: {reference}\n" in text
            back = read_csv(tmp_path / fmt / f"{key}.csv")
            assert back.source == f"{name}_signal_ratio" and back.level == 1.0
        elif fmt == "json":
            data = json.loads((tmp_path / fmt / f"{key}.json").read_text())
            assert reference in data["references"] and data["level"] == 1.0
        else:  # HEPData keeps non-empty tables only
            assert reference in tables[f"{key}.yaml"]["description"]
    if fmt == "json":  # other contours carry no recast citation
        mask = json.loads((tmp_path / fmt / "dark_photon_visible_excluded.json").read_text())
        assert not any("recast" in r for r in mask["references"])


def _user_result(tmp_path: Path, limits_entry: str) -> Path:
    """A synthetic result holding one recast field of a user's limit named ``MINE``."""
    from plot_synthetic import write_result

    x, y = np.geomspace(1.0, 1000.0, 30), np.geomspace(1e-8, 1e-2, 30)
    ratio = np.where(np.log10(y)[:, None] < -5.0, 10.0, 0.1) * np.ones((1, x.size))
    card = f'[constraints.dark_photon_limits]\nlimits = ["{limits_entry}"]\n'
    return write_result(
        tmp_path / "mine.h5",
        x=("m_zprime", x, "MeV", "log"),
        y=("eps", y, "1", "log"),
        fields={
            "MINE_signal_ratio": (
                ratio,
                {
                    "layer": "dark_photon_limits",
                    "levels": [1.0],
                    "units": "1",
                    "description": "MYEXP (MYEXP, INSPIRE Me:2024abc): recast signal over limit",
                },
            )
        },
        card=card,
    )


def test_a_users_limit_is_drawn_from_its_own_files_or_its_stored_description(
    tmp_path: Path,
) -> None:
    shipped = Path(load_dark_photon_limit("E137_Andreas2012mt").path).parent
    for suffix in (".lmt", ".toml"):
        text = (shipped / f"E137_Andreas2012mt{suffix}").read_text()
        (tmp_path / f"MINE{suffix}").write_text(text.replace("E137_Andreas2012mt", "MINE"))
    found = recast_outlines(load(_user_result(tmp_path, str(tmp_path / "MINE.toml"))))
    assert [(o.name, o.experiment, o.family) for o in found] == [("MINE", "E137", "beam dump")]
    assert "Andreas:2012mt" in found[0].citation
    (tmp_path / "MINE.toml").unlink()  # moved away: the stored description still names it
    lost = load(_user_result(tmp_path, str(tmp_path / "MINE.toml")))
    outline = recast_outlines(lost)[0]
    assert (outline.experiment, outline.citation) == ("MYEXP", "MYEXP, INSPIRE Me:2024abc")
    assert _drawn(draw_dark_photon_limits(_axes(), lost)) == ["MINE"]


def test_panel_labels_do_not_cover_the_recast_labels_or_outlines(tmp_path: Path) -> None:
    """On the fig3-right plane every text label sits clear of every other and of the recast
    outlines (the rescaled peak-search label once lay across the beam-dump names)."""
    from threeportal.scans import load_card, run_scan

    card = load_card("fig3-right", ["axes.x.n=60", "axes.y.n=60"])
    path = run_scan(card, output=tmp_path / "right.h5", jobs=1)
    ax = _axes()
    artists = draw_result(ax, path)
    renderer = ax.figure.canvas.get_renderer()
    texts = list(  # each once: clabel's texts are also listed with their contour set
        {id(a): a for a in artists if a.__class__.__name__ == "Text" and a.get_visible()}.values()
    )
    boxes = [t.get_window_extent(renderer) for t in texts]
    assert len(boxes) >= 5
    for k, a in enumerate(boxes):
        for b in boxes[k + 1 :]:
            assert not a.overlaps(b), (texts[k].get_text(), a, b)
    recast_names = {
        a.get_text()
        for a in draw_dark_photon_limits(_axes(), load(path))
        if a.__class__.__name__ == "Text"
    }
    outlines = [a for a in artists if isinstance(a, LineCollection)]
    for text, box in zip(texts, boxes, strict=True):
        if text.get_text() in recast_names:
            continue  # a recast label sits inside its own outlines
        core = box.shrunk(0.9, 0.9)  # a line may graze the margin
        for lines in outlines:
            for segment in lines.get_segments():
                x, y = ax.transData.transform(np.asarray(segment)).T
                inside = (x > core.x0) & (x < core.x1) & (y > core.y0) & (y < core.y1)
                assert not inside.any(), (text.get_text(), lines.get_gid())
