"""Adaptive refinement reaches the brute-force contour with a few per cent of the work."""

import numpy as np
import pytest
from hepunits import MeV

from threeportal.constraints import Inputs, evaluate_constraints
from threeportal.model import ModelPoint
from threeportal.scans.refine import refine_contour

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
    refined = refine_contour(
        ses_events, (150.0, 388.0, "linear"), (1e-12, 1e-6, "log"), 1.0, start=64, levels=5
    )
    assert refined.z.shape == (2017, 2017)  # 63 * 2^5 + 1 nodes: the 2048-class grid
    assert refined.fraction < 0.05
    brute = np.log10(np.maximum(ses_events(refined.x[None, :], refined.y[:, None]), 1e-300))
    log_y = np.log10(refined.y)
    for column in (40, 500, 1000, 1500, 1990):
        got = crossing(refined.z[:, column], log_y)
        want = crossing(brute[:, column], log_y)
        assert got == pytest.approx(want, rel=0.01)


def test_no_refinement_without_a_crossing():
    refined = refine_contour(
        lambda x, y: np.full_like(x, 5.0),
        (0.0, 1.0, "linear"),
        (0.0, 1.0, "linear"),
        1.0,
        start=8,
        levels=3,
        log=False,
    )
    assert refined.evaluations == 64
    assert np.all(refined.z == 4.0)
