"""Adaptive refinement reaches the brute-force contour with a few per cent of the work."""

import numpy as np
import pytest
from hepunits import MeV

from threeportal.constraints import Inputs, evaluate_constraints
from threeportal.model import ModelPoint
from threeportal.scans import load, load_card, run_scan
from threeportal.scans.refine import fine_axis, reconstruct, refine_contour

INPUTS = Inputs()


def ses_events(x, y):
    model = ModelPoint(m_nuh=x * MeV, m_zprime=150 * MeV, U_muh2=y, chi2=1e-8, v_phi=266.67 * MeV)
    layer = evaluate_constraints(model, ["na62_ee"], inputs=INPUTS)["na62_ee"]
    return layer["na62_ee_expected_events"].values


def crossing(column, log_y):
    """log10 |U|^2 where a column of log10(N / level) first changes sign."""
    idx = np.nonzero(np.diff(np.sign(column)))[0][0]
    a, b = column[idx], column[idx + 1]
    return log_y[idx] + a / (a - b) * (log_y[idx + 1] - log_y[idx])


def test_refined_contour_matches_2048_brute_force_with_under_5_percent_of_points():
    x, y = np.linspace(150.0, 388.0, 64), np.geomspace(1e-12, 1e-6, 64)
    refined = refine_contour(ses_events, x, y, 1.0, levels=5, y_scale="log")
    assert refined.t.shape == (2017, 2017)  # 63 * 2^5 + 1 nodes: the 2048-class grid
    assert refined.fraction < 0.05
    brute = np.log10(np.maximum(ses_events(refined.x[None, :], refined.y[:, None]), 1e-300))
    log_y = np.log10(refined.y)
    for column in (40, 500, 1000, 1500, 1990):
        got = crossing(refined.t[:, column], log_y)
        want = crossing(brute[:, column], log_y)
        assert got == pytest.approx(want, rel=0.01)


def test_no_refinement_without_a_crossing():
    refined = refine_contour(
        lambda x, y: np.full_like(x, 5.0),
        np.linspace(0, 1, 8),
        np.linspace(0, 1, 8),
        1.0,
        levels=3,
        log=False,
    )
    assert refined.evaluations == 64
    assert np.all(refined.t == 4.0)


def test_fine_axis_keeps_coarse_nodes_and_is_uniform_in_plot_coordinates():
    coarse = np.geomspace(1e-10, 1e-2, 9)
    fine = fine_axis(coarse, "log", 3)
    assert fine.size == 65 and np.array_equal(fine[::8], coarse)
    assert np.allclose(np.diff(np.log10(fine)), 1.0 / 8)


def test_scan_with_refine_stores_and_reconstructs_the_refined_grid(tmp_path):
    card = load_card(
        "fig3-left",
        ["axes.x.n=12", "axes.y.n=10", "grid.refine=2", "constraints.evaluate=['na62_ee']"],
    )
    path = run_scan(card, tmp_path / "refined.h5", jobs=1)
    result = load(path)
    x, y, values = reconstruct(result, "na62_ee_expected_events", 0)
    assert values.shape == (37, 45) and x.size == 45 and y.size == 37
    assert np.allclose(
        values[::4, ::4], result.fields["na62_ee_expected_events"], rtol=1e-12, atol=1e-300
    )
    # the refined contour is the brute-force contour of the fine grid
    brute = np.log10(np.maximum(ses_events(x[None, :], y[:, None]), 1e-300))
    refined = np.log10(np.maximum(values, 1e-300))
    log_y = np.log10(y)
    columns = [c for c in range(45) if np.any(np.diff(np.sign(brute[:, c])))]
    assert columns
    for c in columns:
        assert crossing(refined[:, c], log_y) == pytest.approx(
            crossing(brute[:, c], log_y), abs=1e-6
        )
