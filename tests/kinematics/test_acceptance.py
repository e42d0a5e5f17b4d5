"""The acceptance estimate: a brute-force second method, limits, scaling, geometry file."""

import numpy as np
import pytest
from hepunits import GeV, MeV, mm

from threeportal.constants import M_K_PLUS
from threeportal.data import DataFileError
from threeportal.kinematics import KinematicsError, generate
from threeportal.kinematics.acceptance import Geometry, acceptance, load_geometry

M_H, M_Z = 300 * MeV, 150 * MeV


@pytest.fixture(scope="module")
def geo():
    return load_geometry()


def _brute_force(geo, ctau_h, ctau_z, n, seed):
    """Plain simulation: exponential decay points (untruncated), straight tracks, hard cuts."""
    events = generate(M_H, M_Z, "ee", n, seed=seed)
    rng = np.random.default_rng(seed + 1000)
    kaon_length = 75 * GeV / M_K_PLUS * 3712.0  # K+ c tau = 3.712 m (PDG), mm
    # kaon decay points inside the fiducial volume, by rejection (about 10% accepted)
    z_k = geo.fv_z_start + rng.exponential(kaon_length, 30 * n)
    z_k = z_k[z_k < geo.fv_z_end][:n]
    assert len(z_k) == n
    vertex = np.zeros((3, n))
    vertex[2] = z_k
    origin_mu = vertex.copy()
    for p, mass, ctau in ((events.p_nuh, M_H, ctau_h), (events.p_pair, M_Z, ctau_z)):
        momentum = np.linalg.norm(p[1:], axis=0)
        vertex = vertex + p[1:] / momentum * rng.exponential(momentum / mass * ctau, n)
    ok = vertex[2] < geo.fv_z_end
    for p, start in ((events.p_mu, origin_mu), (events.p_lplus, vertex), (events.p_lminus, vertex)):
        for plane in (geo.straw_first_z, geo.straw_last_z):
            step = (plane - start[2]) / p[3]
            radius = np.hypot(start[0] + step * p[1], start[1] + step * p[2])
            ok &= (radius >= geo.straw_r_inner) & (radius <= geo.straw_r_outer)
    return ok.mean()


@pytest.mark.parametrize("ctau_h, ctau_z", [(100 * mm, 10 * mm), (0.0, 0.0), (1000 * mm, 0.0)])
def test_weighted_estimate_agrees_with_brute_force(geo, ctau_h, ctau_z):
    n = 20_000
    got = float(acceptance(M_H, M_Z, "ee", ctau_h, ctau_z, n_events=n, seed=3))
    direct = _brute_force(geo, ctau_h, ctau_z, n, seed=4)
    sigma = np.sqrt(2 * direct * (1 - direct) / n)
    assert 0.05 < direct < 0.95
    assert abs(got - direct) < 4 * sigma


def test_limits_and_long_lifetime_scaling():
    """ctau = inf: nothing decays; very long nu_h lifetimes: A proportional to 1 / ctau."""
    assert acceptance(M_H, M_Z, "ee", np.inf, 0.0) == 0.0
    assert acceptance(M_H, M_Z, "ee", 0.0, np.inf) == 0.0
    long = np.array([1e7, 1e8]) * mm  # lab decay lengths ~ 1e3-1e4 km >> 60 m
    values = acceptance(M_H, M_Z, "ee", long, 0.0)
    assert values[0] * long[0] == pytest.approx(values[1] * long[1], rel=0.01, abs=0)
    falling = acceptance(M_H, M_Z, "ee", np.logspace(0, 6, 7) * mm, 1.0 * mm)
    assert np.all(np.diff(falling) < 0)


def test_vectorised_over_masses_closed_points_zero_and_cached():
    from threeportal.kinematics.acceptance import _mass_sample

    m_h = np.array([[300.0], [200.0], [390.0]]) * MeV
    m_z = np.array([[150.0, 250.0]]) * MeV
    before = _mass_sample.cache_info().misses
    values = acceptance(m_h, m_z, "mumu", 1.0 * mm, 1.0 * mm)
    assert values.shape == (3, 2)
    assert values[0, 0] == 0.0 and values[1, 1] == 0.0 and values[2, 0] == 0.0  # closed
    assert 0 < values[0, 1] < 1
    assert _mass_sample.cache_info().misses - before == 1  # one open mass pair generated
    again = acceptance(m_h, m_z, "mumu", 1.0 * mm, 1.0 * mm)
    assert np.array_equal(values, again)
    assert _mass_sample.cache_info().misses - before == 1


def test_bad_acceptance_inputs():
    with pytest.raises(KinematicsError, match="channel"):
        acceptance(M_H, M_Z, "tautau", 0.0, 0.0)
    with pytest.raises(KinematicsError, match="ctau"):
        acceptance(M_H, M_Z, "ee", -1.0, 0.0)


def test_shipped_geometry_loads_with_provenance(geo):
    assert isinstance(geo, Geometry)
    assert geo.fv_z_start < geo.fv_z_end < geo.straw_first_z < geo.straw_last_z
    assert "arXiv:1703.08501" in geo.source


GOOD = """format_version = "1"
name = "g"
experiment = "NA62"
limits = []
[parameters]
fv_z_start = "105 m"
fv_z_end = "165 m"
straw_first_z = "183.5 m"
straw_last_z = "219 m"
straw_r_inner = "6 cm"
straw_r_outer = "105 cm"
[provenance]
reference = "r"
source = "s"
date_added = "2026-12-02"
"""


@pytest.mark.parametrize(
    "old, new, match",
    [
        ('fv_z_end = "165 m"', 'fv_z_end = "95 m"', "out of order"),
        ('straw_r_inner = "6 cm"', 'straw_r_inner = "2 m"', "radii out of order"),
        ('straw_r_outer = "105 cm"', 'straw_r_outer = "105 MeV"', "straw_r_outer"),
        ('straw_r_outer = "105 cm"', "straw_r_outer = 105", "not a length"),
        ('straw_r_outer = "105 cm"\n', "", "straw_r_outer"),
    ],
)
def test_bad_geometry_files_one_line(tmp_path, old, new, match):
    path = tmp_path / "geo.toml"
    path.write_text(GOOD.replace(old, new))
    with pytest.raises(DataFileError, match=match) as info:
        load_geometry(path)
    assert "\n" not in str(info.value) and str(path) in str(info.value)


def test_good_user_geometry_file(tmp_path):
    path = tmp_path / "geo.toml"
    path.write_text(GOOD)
    assert load_geometry(path).straw_r_outer == 1050 * mm
