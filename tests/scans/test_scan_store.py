"""The HDF5 result: schema, plain h5py, xarray/h5netcdf, load(), info, bad files, updates."""

from __future__ import annotations

import shutil

import h5py
import numpy as np
import pytest

from threeportal import __version__
from threeportal.results import update_group
from threeportal.scans import (
    SCHEMA,
    SCHEMA_VERSION,
    ScanError,
    load,
    load_card,
    read_header,
    run_scan,
)

#: The grid of the shared ``small_result`` fixture (see conftest.py).
SMALL = ("axes.x.n=12", "axes.y.n=10")


def test_schema_with_plain_h5py(small_result):
    card = load_card("fig3-left", list(SMALL))
    with h5py.File(small_result, "r") as f:
        a = f.attrs
        assert a["schema"] == SCHEMA and a["schema_version"] == SCHEMA_VERSION == 1
        assert a["package_version"] == __version__
        assert a["created"].endswith("+00:00")
        assert a["card"] == card.text and a["card_sha256"] == card.sha256
        assert len(a["inputs_sha256"]) == 64
        assert (a["x_axis"], a["y_axis"]) == ("m_nuh", "U_muh2")
        assert bool(a["complete"]) is True
        x, y = f["m_nuh"], f["U_muh2"]
        assert (x.attrs["units"], x.attrs["scale"]) == ("MeV", "linear")
        assert (y.attrs["units"], y.attrs["scale"]) == ("1", "log")
        assert h5py.h5ds.is_scale(x.id) and h5py.h5ds.is_scale(y.id)
        np.testing.assert_array_equal(x[...], np.linspace(150, 388, 12))
        assert f["tiles_done"].dtype == bool and f["tiles_done"][...].all()
        assert "contours" not in f
        kinds = {"field": 0, "mask": 0}
        for ds in f.values():
            if "kind" not in ds.attrs:
                continue
            kind = ds.attrs["kind"]
            kinds[kind] += 1
            assert ds.shape == (10, 12)
            assert ds.dims[0][0] == y and ds.dims[1][0] == x
            assert ds.attrs["layer"] and ds.attrs["description"]
            if kind == "field":
                assert ds.dtype == np.float32
                assert isinstance(ds.attrs["units"], str)
                assert ds.attrs["levels"].dtype == np.float64
                domain = ds.attrs["domain"]
                assert domain == "" or f[domain].attrs["kind"] == "mask"
            else:
                assert ds.dtype == np.uint8
        assert kinds["field"] >= 10 and kinds["mask"] >= 10
        ee = f["na62_ee_expected_events"]
        assert list(ee.attrs["levels"]) == [1.0] and ee.attrs["layer"] == "na62_ee"
        assert list(f["lifetime_nuh_ps"].attrs["levels"]) == [1.0, 10.0, 100.0]
        assert f["lifetime_nuh_ps"].attrs["units"] == "ps"
        assert f["na48_2_br_signal"].attrs["domain"] == "na48_2_br_signal_domain"


def test_references_and_items_are_stored_as_declared(small_result):
    published = {
        f"peak_search_{k}_original_{what}"
        for k in ("kek", "e949", "na62")
        for what in ("ratio", "excluded")
    }
    r = load(small_result)
    with h5py.File(small_result, "r") as f:
        for name in (*r.fields, *r.masks):
            assert f[name].attrs["reference"] == (name in published), name
            assert r.is_reference(name) == (name in published), name
        assert f["peak_search_e949_excluded"].attrs["item"] == "e949"
        assert "item" not in f["na48_2_excluded"].attrs
    assert r.item("peak_search_kek_original_ratio") == "kek"
    assert r.item("peak_search_kek_original_ratio_domain") == r.item("na48_2_excluded") == ""


def test_every_field_has_both_coordinates_in_xarray(small_result):
    xr = pytest.importorskip("xarray")
    pytest.importorskip("h5netcdf")
    result = load(small_result)
    with xr.open_dataset(small_result, engine="h5netcdf") as ds:
        for name in (*result.fields, *result.masks):
            var = ds[name]
            assert var.dims == ("U_muh2", "m_nuh"), name
            assert {"U_muh2", "m_nuh"} <= set(var.coords), name
        np.testing.assert_array_equal(ds["m_nuh"].values, result.x)
        assert ds["m_nuh"].attrs["units"] == "MeV"
        np.testing.assert_array_equal(
            ds["na62_ee_expected_events"].values, result.fields["na62_ee_expected_events"]
        )
        assert ds.attrs["schema"] == SCHEMA


def test_load_api(small_result):
    r = load(small_result)
    assert (r.x_name, r.y_name, r.x_units, r.y_units) == ("m_nuh", "U_muh2", "MeV", "1")
    assert (r.x_scale, r.y_scale) == ("linear", "log")
    assert r.path == small_result and r.card == r.attrs["card"]
    assert all(m.dtype == bool and m.shape == (10, 12) for m in r.masks.values())
    assert all(v.dtype == np.float32 for v in r.fields.values())
    assert r.field_attrs["na62_ee_expected_events"]["units"] == "1"
    assert r.mask_attrs["na48_2_br_signal_domain"]["domain_of"] == "na48_2_br_signal"
    assert r.inputs["na62_limit"] == "na62_2017_umu2"
    # z[j, i] is at (x[i], y[j]): the upscattering ratio is proportional to |U_muh|^2 (y),
    # to the precision of two float32 roundings
    ratio = r.fields["upscattering_ratio_to_nue"].astype(float)
    positive = ratio[0] > 0
    assert positive.any()
    np.testing.assert_allclose(
        ratio[:, positive] / ratio[0, positive],
        np.broadcast_to((r.y / r.y[0])[:, None], ratio[:, positive].shape),
        rtol=2.5 * np.finfo(np.float32).eps,
    )


def test_to_xarray(small_result):
    pytest.importorskip("xarray")
    r = load(small_result)
    ds = r.to_xarray()
    assert ds["na62_ee_sensitive"].dtype == bool
    assert ds["na62_ee_expected_events"].dims == ("U_muh2", "m_nuh")
    assert ds["m_nuh"].attrs == {"units": "MeV", "scale": "linear"}
    np.testing.assert_array_equal(ds["U_muh2"].values, r.y)


def test_info_command(small_result, cli, capsys):
    assert cli(["info", str(small_result)]) == 0
    out = capsys.readouterr().out
    for text in (
        "fig3-left",
        "schema         threeportal.scan version 1 (complete)",
        "m_nuh",
        "12 points",
        "150 .. 388 MeV",
        "U_muh2",
        "log",
        "na62_ee_expected_events",
        "levels 1",
        "lifetime_nuh_ps",
        "na62_limit",
        "na62_2017_umu2",
        "card sha256",
        "inputs sha256",
        "created",
        __version__,
    ):
        assert text in out, text
    assert cli(["info", str(small_result), "--card"]) == 0
    assert "[axes.x]" in capsys.readouterr().out


# --- bad files ----------------------------------------------------------------------------


def _write_result_copy(src, dst, **attrs):
    shutil.copyfile(src, dst)
    with h5py.File(dst, "r+") as f:
        for key, value in attrs.items():
            if value is None:
                del f.attrs[key]
            else:
                f.attrs[key] = value
    return dst


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda src, p: p.write_text("not hdf5"), "not a readable HDF5 file"),
        (
            lambda src, p: p.write_bytes(src.read_bytes()[: src.stat().st_size // 2]),
            "not a readable HDF5 file",
        ),
        (lambda src, p: h5py.File(p, "w").close(), "not a threeportal scan result"),
        (
            lambda src, p: _write_result_copy(src, p, schema="other"),
            "not a threeportal scan result",
        ),
        (lambda src, p: _write_result_copy(src, p, schema_version=None), "schema_version missing"),
        (lambda src, p: _write_result_copy(src, p, schema_version=0), "schema_version 0 is older"),
        (lambda src, p: _write_result_copy(src, p, schema_version=2), "schema_version 2 is newer"),
        (lambda src, p: _write_result_copy(src, p, complete=False), "incomplete scan"),
        (lambda src, p: _write_result_copy(src, p, x_axis="m_x"), "axis dataset 'm_x'"),
        (lambda src, p: None, "no such file"),
    ],
)
def test_bad_result_files(tmp_path, small_result, cli, capsys, make, message):
    path = tmp_path / "bad.h5"
    make(small_result, path)
    with pytest.raises(ScanError, match=message) as info:
        load(path)
    assert "\n" not in str(info.value)
    assert cli(["info", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1


# --- in-place updates (results.update_group) ----------------------------------------------


def test_an_update_adds_contours_and_preserves_the_rest(tmp_path, small_result):
    path = shutil.copyfile(small_result, tmp_path / "u.h5")
    before = load(path)
    with update_group(path, "contours") as group:
        group.create_dataset("na62_ee/0", data=np.zeros((5, 2)))
        assert (tmp_path / "u.h5.lock").exists()  # the lock is held meanwhile
    after = load(path)
    assert after.attrs == before.attrs
    for name in before.fields:
        np.testing.assert_array_equal(after.fields[name], before.fields[name])
    for name in before.masks:
        np.testing.assert_array_equal(after.masks[name], before.masks[name])
    with h5py.File(path, "r") as f:
        assert f["contours/na62_ee/0"].shape == (5, 2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["u.h5"]
    # a rerun of the same scan is still a cache hit
    card = load_card("fig3-left", list(SMALL))
    assert read_header(path)["card_sha256"] == card.sha256


def test_an_update_leaves_no_trace_on_error(tmp_path, small_result):
    path = shutil.copyfile(small_result, tmp_path / "v.h5")
    with pytest.raises(RuntimeError, match="boom"), update_group(path, "contours") as group:
        group.create_dataset("x", data=[1.0])
        raise RuntimeError("boom")
    with h5py.File(path, "r") as f:
        assert "contours" not in f and not [key for key in f if key.startswith("contours")]
    load(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v.h5"]


def test_an_update_refuses_a_foreign_file(tmp_path):
    path = tmp_path / "w.h5"
    path.write_text("x")
    with pytest.raises(ScanError, match="not a readable HDF5 file"), update_group(path, "contours"):
        pass
    assert path.read_text() == "x"


def test_results_of_the_right_panel_have_log_mass_axis(tmp_path):
    card = load_card("fig3-right", ["axes.x.n=5", "axes.y.n=4"])
    out = run_scan(card, tmp_path / "right.h5", jobs=1, tile=1)
    r = load(out)
    assert (r.x_name, r.x_units, r.x_scale) == ("m_zprime", "MeV", "log")
    np.testing.assert_allclose(r.x, np.geomspace(1, 300, 5), rtol=1e-14)
    assert "na62_mumu_expected_events" in r.fields  # m_Z' crosses 2 m_mu on this plane
    whole = load(run_scan(card, tmp_path / "whole.h5", jobs=1, tile=50))
    for name in whole.fields:
        np.testing.assert_array_equal(r.fields[name], whole.fields[name])
    for name in whole.masks:
        np.testing.assert_array_equal(r.masks[name], whole.masks[name])


@pytest.mark.parametrize("reserved", ["tiles_done", "contours", "refined"])
def test_a_layer_output_may_not_take_a_reserved_name(monkeypatch, small_card, reserved):
    """A layer output named like a group or bookkeeping dataset would be deleted or clash."""
    from threeportal.constraints import Mask
    from threeportal.results import RESERVED_NAMES
    from threeportal.scans import engine

    assert reserved in RESERVED_NAMES
    real = engine.evaluate_constraints

    def with_reserved_output(*args, **kwargs):
        results = real(*args, **kwargs)
        outputs, item = next(
            (out, v) for out in results.values() for v in out.values() if isinstance(v, Mask)
        )
        outputs[reserved] = item
        return results

    monkeypatch.setattr(engine, "evaluate_constraints", with_reserved_output)
    inputs = engine.Inputs(small_card.inputs)
    with pytest.raises(ScanError, match=rf"layer output '{reserved}' clashes"):
        engine.probe_layout(small_card, inputs)


def test_domain_links_are_attributes_read_through_the_result(small_result):
    r = load(small_result)
    for name in r.fields:
        mask = r.domain_name(name)
        if mask:
            assert r.mask_attrs[mask]["domain_of"] == name
            np.testing.assert_array_equal(r.domain(name), r.masks[mask])
            assert np.isnan(r.defined(name)[~r.masks[mask]]).all()
        else:
            assert r.domain(name) is None
    assert r.domain_masks() == {m for m, a in r.mask_attrs.items() if "domain_of" in a}
    assert r.domain_masks()
