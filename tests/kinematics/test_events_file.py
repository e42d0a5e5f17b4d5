"""Event files: one dataset per quantity with units, inputs and seed at the root, round trip."""

import h5py
import numpy as np
import pytest
from hepunits import MeV, ps

from threeportal.kinematics import KinematicsError, generate
from threeportal.kinematics.events_file import FOUR_VECTORS, read_events, write_events


@pytest.fixture(scope="module")
def events():
    return generate(300 * MeV, 150 * MeV, "ee", 500, seed=9, tau_nuh=4 * ps, tau_zprime=0.2 * ps)


def test_layout_units_and_root_attributes(tmp_path, events):
    path = write_events(tmp_path / "events.h5", events, {"model_U_muh2": 1e-10})
    with h5py.File(path, "r") as handle:
        attrs = dict(handle.attrs)
        assert attrs["seed"] == 9 and attrs["n_events"] == 500 and attrs["channel"] == "ee"
        assert attrs["m_nuh_MeV"] == 300.0 and attrs["m_zprime_MeV"] == 150.0
        assert attrs["p_kaon_GeV"] == 75.0 and attrs["tau_nuh_ps"] == pytest.approx(4.0, rel=1e-12)
        assert "isotropic" in attrs["decays"] and attrs["model_U_muh2"] == 1e-10
        for name in FOUR_VECTORS:
            assert handle[name].shape == (500, 4)
            assert handle[name].attrs["units"] == "MeV"
        expected = {
            "E_pair": "MeV",
            "dtheta_pair": "rad",
            "theta_zprime": "rad",
            "m_mu_nu": "MeV",
            "m_mu_pair": "MeV",
            "m_pair": "MeV",
            "m_miss2": "MeV^2",
            "decay_length_nuh": "mm",
            "decay_length_zprime": "mm",
        }
        for name, unit in expected.items():
            assert handle[name].shape == (500,)
            assert handle[name].attrs["units"] == unit
        assert np.array_equal(handle["m_pair"][()], events.quantities()["m_pair"][0])
    assert not list(tmp_path.glob(".*tmp*"))


def test_round_trip(tmp_path, events):
    back = read_events(write_events(tmp_path / "e.h5", events))
    assert np.array_equal(back.p_lminus, events.p_lminus)
    assert back.inputs == events.inputs
    assert back.tau_zprime == pytest.approx(events.tau_zprime, rel=1e-12, abs=0)


def test_unwritable_target_keeps_nothing_and_says_one_line(tmp_path, events):
    with pytest.raises(KinematicsError, match="cannot write") as info:
        write_events(tmp_path / "missing" / "e.h5", events)
    assert "\n" not in str(info.value)
    with pytest.raises(KinematicsError, match="directory"):
        write_events(tmp_path, events)


def test_bad_event_files(tmp_path):
    text = tmp_path / "not.h5"
    text.write_text("hello")
    with pytest.raises(KinematicsError, match="cannot read"):
        read_events(text)
    other = tmp_path / "other.h5"
    with h5py.File(other, "w") as handle:
        handle.attrs["format"] = "something else"
    with pytest.raises(KinematicsError, match="not a threeportal kinematics event file"):
        read_events(other)
    with h5py.File(other, "w") as handle:
        handle.attrs.update({"format": "threeportal-kinematics", "format_version": "1"})
    with pytest.raises(KinematicsError, match="missing root attribute"):
        read_events(other)
