"""The scan engine: tiling, backends, cache hits, refusals, locking and resume."""

from __future__ import annotations

import io
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import h5py
import numpy as np
import pytest

from threeportal.constraints import Inputs, evaluate_constraints
from threeportal.errors import ResultInTheWayError, ScanArgumentError
from threeportal.results import PartialWriter, scan_lock
from threeportal.scans import (
    CardError,
    ScanError,
    Tiling,
    compute_tile,
    load,
    load_card,
    read_header,
    run_scan,
)

#: The grid of the shared ``small_result`` fixture (see conftest.py).
SMALL = ("axes.x.n=12", "axes.y.n=10")


def assert_same_arrays(a, b):
    assert sorted(a.fields) == sorted(b.fields) and sorted(a.masks) == sorted(b.masks)
    np.testing.assert_array_equal(a.x, b.x)
    np.testing.assert_array_equal(a.y, b.y)
    for name in a.fields:
        np.testing.assert_array_equal(a.fields[name], b.fields[name], err_msg=name)
    for name in a.masks:
        np.testing.assert_array_equal(a.masks[name], b.masks[name], err_msg=name)


# --- tiles --------------------------------------------------------------------------------


def test_tiling_covers_the_grid_once():
    tiling = Tiling(12, 10, 5)
    assert len(tiling) == 3 * 2
    seen = np.zeros((10, 12), int)
    for k in range(len(tiling)):
        ix0, ix1, iy0, iy1 = tiling.bounds(k)
        seen[iy0:iy1, ix0:ix1] += 1
    assert (seen == 1).all()
    assert Tiling(200, 200, 50).bounds(15) == (150, 200, 150, 200)


def test_a_tile_is_one_vectorised_call_transposed_to_y_x(small_card):
    k, arrays = compute_tile(small_card.text, 3, (2, 7, 1, 4))
    assert k == 3
    x, y = small_card.x.values(), small_card.y.values()
    model = small_card.model_point(x[2:7], y[1:4])
    direct = evaluate_constraints(
        model, small_card.constraints, small_card.options, Inputs(small_card.inputs)
    )
    events = direct["na62_ee"]["na62_ee_expected_events"].values
    assert arrays["na62_ee_expected_events"].shape == (3, 5)
    # stored as float32: the float64 evaluation rounded once, nothing else
    assert arrays["na62_ee_expected_events"].dtype == np.float32
    np.testing.assert_array_equal(arrays["na62_ee_expected_events"], events.T.astype(np.float32))
    assert arrays["na48_2_br_signal_domain"].dtype == bool
    assert arrays["na62_ee_sensitive"].dtype == bool


# --- results ------------------------------------------------------------------------------


def _direct(card):
    """Every output of the card evaluated in float64 directly, in one call (no engine)."""
    model = card.model_point(card.x.values(), card.y.values())
    direct = evaluate_constraints(model, card.constraints, card.options, Inputs(card.inputs))
    fields, masks = {}, {}
    for layer in direct.values():
        # a field that defines a region (a mask's region_field) is drawn like a curve
        defining = {getattr(item, "region_field", None) for item in layer.values()}
        for name, item in layer.items():
            values = np.broadcast_to(item.values, model.shape).T
            if hasattr(item, "units"):
                levels = item.levels or ((1.0,) if name in defining else ())
                fields[name] = (np.asarray(values, dtype=np.float64), levels)
                if item.domain is not None:
                    masks[f"{name}_domain"] = np.broadcast_to(item.domain, model.shape).T
            else:
                masks[name] = values
    return fields, masks


def _assert_matches_direct(result, fields, masks):
    """Stored fields are the float64 values rounded once to float32 (so they agree to
    float32 precision, 6e-8 relative); masks are identical."""
    for name, values in result.fields.items():
        assert values.dtype == np.float32, name
        want = fields[name][0]
        np.testing.assert_array_equal(values, want.astype(np.float32), err_msg=name)
        finite = np.isfinite(want) & (want != 0)
        rel = np.abs(values[finite] / want[finite] - 1)
        assert rel.max(initial=0) <= np.finfo(np.float32).eps, name
    for name, values in result.masks.items():
        np.testing.assert_array_equal(values, masks[name], err_msg=name)


def test_scan_result_matches_a_direct_float64_evaluation(small_result, small_card):
    result = load(small_result)
    assert (result.x_name, result.y_name) == ("m_nuh", "U_muh2")
    np.testing.assert_array_equal(result.x, small_card.x.values())
    np.testing.assert_array_equal(result.y, small_card.y.values())
    fields, masks = _direct(small_card)
    _assert_matches_direct(result, fields, masks)
    # by default every mask and every field with a contour level (what is drawn) is stored
    drawn = {name for name, (_, levels) in fields.items() if levels}
    assert set(result.fields) == drawn
    assert set(result.masks) == {
        name for name in masks if not name.endswith("_domain") or name[:-7] in drawn
    }
    for values in result.fields.values():
        assert values.shape == (10, 12) and np.isfinite(values).all()


def test_diagnostics_switch_stores_every_field(tmp_path):
    card = load_card("fig3-left", [*SMALL, "output.diagnostics=true"])
    result = load(run_scan(card, tmp_path / "all.h5", jobs=1))
    fields, masks = _direct(card)
    assert set(result.fields) == set(fields) and set(result.masks) == set(masks)
    _assert_matches_direct(result, fields, masks)


def test_tile_size_and_jobs_do_not_change_the_results(tmp_path, small_card, small_result):
    other = run_scan(small_card, tmp_path / "t.h5", jobs=2, tile=3)
    assert read_header(other)["n_tiles"] == 4 * 4
    assert_same_arrays(load(other), load(small_result))


def test_default_output_path_and_messages(tmp_path, monkeypatch, capsys, caplog, small_card):
    monkeypatch.chdir(tmp_path)
    caplog.set_level(logging.INFO, logger="threeportal")
    path = run_scan(small_card, jobs=1)
    assert path == Path("results/fig3-left.h5") and path.is_file()
    assert "wrote results/fig3-left.h5: 12 x 10 grid" in caplog.text
    assert capsys.readouterr() == ("", "")  # the library logs; it never prints
    assert sorted(p.name for p in (tmp_path / "results").iterdir()) == ["fig3-left.h5"]


def test_a_rerun_is_a_cache_hit(tmp_path, caplog, small_card):
    out = run_scan(small_card, tmp_path / "r.h5", jobs=1)
    before = os.stat(out)
    created = read_header(out)["created"]
    caplog.set_level(logging.INFO, logger="threeportal")
    assert run_scan(load_card("fig3-left", list(SMALL)), out, jobs=1) == out
    assert "cache hit" in caplog.text and "--force" not in caplog.text
    after = os.stat(out)
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert read_header(out)["created"] == created
    # the [output] table and the tile size are not part of the scan's identity
    again = load_card("fig3-left", [*SMALL, "output.tile=4", "output.path=x.h5"])
    run_scan(again, out, tile=3)
    assert os.stat(out).st_ino == before.st_ino


def test_cache_hit_through_the_command(tmp_path, cli, capsys):
    argv = ["scan", "fig3-left", "-o", str(tmp_path / "c.h5"), "--jobs", "1"]
    argv += [a for s in SMALL for a in ("--set", s)]
    assert cli([*argv, "--quiet"]) == 0
    assert capsys.readouterr().out == ""
    assert cli(argv) == 0
    assert "nothing to do (--force recomputes)" in capsys.readouterr().out


def test_force_recomputes(tmp_path, small_card):
    out = run_scan(small_card, tmp_path / "f.h5", jobs=1)
    inode = os.stat(out).st_ino
    run_scan(small_card, out, jobs=1, force=True)
    assert os.stat(out).st_ino != inode
    assert read_header(out)["complete"] is True


def test_a_different_card_or_inputs_is_refused_unless_forced(tmp_path, small_card, cli, capsys):
    out = run_scan(small_card, tmp_path / "d.h5", jobs=1)
    for change in ("model.chi2=1e-6", "inputs.na62_limit=na62_2021_umu2", "axes.x.n=13"):
        other = load_card("fig3-left", [*SMALL, change])
        with pytest.raises(ResultInTheWayError, match=r"holds a different scan") as info:
            run_scan(other, out, jobs=1)
        assert "\n" not in str(info.value) and "--force" not in str(info.value)
    argv = ["scan", "fig3-left", "-o", str(out), "--set", "model.chi2=1e-6", "--quiet"]
    argv += [a for s in SMALL for a in ("--set", s)]
    assert cli(argv) == 2
    err = capsys.readouterr().err  # the command adds the hint naming its own options
    assert "different scan" in err and "use --force to overwrite it or -o to write" in err
    assert cli([*argv, "--force", "--jobs", "1"]) == 0
    assert "chi2 = 1e-06" in read_header(out)["card"]


def test_a_foreign_file_is_not_overwritten_without_force(tmp_path, small_card):
    out = tmp_path / "notes.h5"
    out.write_text("my notes")
    with pytest.raises(ResultInTheWayError, match=r"not a readable HDF5 file.*refusing"):
        run_scan(small_card, out, jobs=1)
    assert out.read_text() == "my notes"
    run_scan(small_card, out, jobs=1, force=True)
    assert load(out).x.size == 12


def test_a_held_lock_refuses_a_second_scan(tmp_path, small_card):
    out = tmp_path / "l.h5"
    with scan_lock(out):
        with pytest.raises(ScanError, match=r"another threeportal process is writing") as info:
            run_scan(small_card, out, jobs=1)
        assert "\n" not in str(info.value)
    assert not (tmp_path / "l.h5.lock").exists()
    run_scan(small_card, out, jobs=1)
    assert out.is_file()


def test_a_lock_held_by_another_process_refuses(tmp_path, small_card):
    out = tmp_path / "p.h5"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from threeportal.results import scan_lock\n"
            f"with scan_lock({str(out)!r}):\n    print('locked', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(ScanError, match=r"another threeportal process"):
            run_scan(small_card, out, jobs=1)
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    run_scan(small_card, out, jobs=1)  # a dead holder's lock file is no obstacle


def test_card_problems_found_at_evaluation_write_nothing(tmp_path):
    for change, key in (
        ("constraints.peak_search.mode=bogus", "constraints.peak_search.mode"),
        ("inputs.na62_limit=no_such_limit", "no_such_limit"),
        ("constraints.upscattering.E_nu=3", "E_nu"),
    ):
        card = load_card("fig3-left", [*SMALL, change])
        with pytest.raises(CardError, match=key) as info:
            run_scan(card, tmp_path / "e.h5", jobs=1)
        assert "\n" not in str(info.value)
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"backend": "spark"}, "unknown backend; allowed: local, loky, dask"),
        ({"backend": "dask"}, "scheduler=None: needed with backend 'dask'"),
        ({"scheduler": "tcp://127.0.0.1:1"}, "only used with backend 'dask'"),
        ({"jobs": 0}, "jobs=0: allowed"),
        ({"tile": 0}, "tile=0: allowed"),
    ],
)
def test_bad_arguments(tmp_path, small_card, kwargs, message):
    with pytest.raises(ScanArgumentError, match=message) as info:
        run_scan(small_card, tmp_path / "a.h5", **kwargs)
    assert "--" not in str(info.value)  # library errors name no command-line option


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--jobs", "0"], "--jobs 0: allowed: a positive number"),
        (["--tile", "0"], "--tile 0: allowed: an integer >= 1"),
        (["--backend", "dask"], "--scheduler: needed with backend 'dask'"),
    ],
)
def test_bad_arguments_through_the_command_name_its_flags(tmp_path, cli, capsys, flags, message):
    argv = ["scan", "fig3-left", "-o", str(tmp_path / "a.h5"), "--quiet", *flags]
    assert cli(argv) == 2
    assert message in capsys.readouterr().err


def test_a_held_lock_hint_names_the_commands_own_options(tmp_path, cli, capsys):
    out = tmp_path / "h.h5"
    with scan_lock(out):
        assert cli(["scan", "fig3-left", "-o", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "another threeportal process" in err and "write elsewhere with -o" in err


# --- interruption and resume --------------------------------------------------------------


def test_keyboard_interrupt_keeps_the_done_tiles_for_a_resume(
    tmp_path, monkeypatch, caplog, small_card, small_result
):
    caplog.set_level(logging.INFO, logger="threeportal")
    out = tmp_path / "i.h5"
    original = PartialWriter.write_tile
    calls = []

    def interrupt_after_three(self, k, arrays):
        if len(calls) == 3:
            raise KeyboardInterrupt
        calls.append(k)
        original(self, k, arrays)

    monkeypatch.setattr(PartialWriter, "write_tile", interrupt_after_three)
    with pytest.raises(KeyboardInterrupt):
        run_scan(small_card, out, jobs=1, tile=4)
    (warning,) = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert "3 of 9 tiles done" in warning.getMessage()
    caplog.clear()
    assert not out.exists() and not (tmp_path / "i.h5.lock").exists()
    with h5py.File(tmp_path / "i.h5.partial", "r") as f:
        assert f["tiles_done"][...].sum() == 3 and not f.attrs["complete"]
    monkeypatch.setattr(PartialWriter, "write_tile", original)
    run_scan(small_card, out, jobs=1, tile=50)  # the interrupted scan's tile size wins
    assert "resuming" in caplog.text
    assert not (tmp_path / "i.h5.partial").exists()
    assert read_header(out)["n_tiles"] == 9
    assert_same_arrays(load(out), load(small_result))


def test_a_damaged_partial_file_is_discarded(tmp_path, caplog, small_card, small_result):
    out = tmp_path / "g.h5"
    (tmp_path / "g.h5.partial").write_bytes(b"\x89HDF\r\n\x1a\n" + b"\0" * 100)
    caplog.set_level(logging.INFO, logger="threeportal")
    run_scan(small_card, out, jobs=1)
    assert "discarding the unreadable interrupted scan" in caplog.text
    assert_same_arrays(load(out), load(small_result))


def test_a_partial_file_of_another_card_is_refused_unless_forced(tmp_path, monkeypatch, small_card):
    out = tmp_path / "o.h5"
    monkeypatch.setattr(
        PartialWriter,
        "write_tile",
        lambda self, k, arrays: (_ for _ in ()).throw(KeyboardInterrupt),
    )
    with pytest.raises(KeyboardInterrupt):
        run_scan(load_card("fig3-left", [*SMALL, "model.chi2=1e-6"]), out, jobs=1)
    monkeypatch.undo()
    with pytest.raises(ResultInTheWayError, match=r"interrupted scan of a different card"):
        run_scan(small_card, out, jobs=1)
    run_scan(small_card, out, jobs=1, force=True)
    assert "chi2 = 1e-08" in read_header(out)["card"]


def _tiles_done(partial: Path) -> int:
    try:  # the writer holds the file: read without HDF5 file locking
        with h5py.File(partial, "r", locking=False) as f:
            return int(f["tiles_done"][...].sum())
    except (OSError, KeyError, ValueError):
        return 0


def test_a_killed_scan_resumes_and_matches_an_uninterrupted_one(tmp_path, small_result):
    out = tmp_path / "k.h5"
    partial = tmp_path / "k.h5.partial"
    code = (
        "from threeportal.scans import load_card, run_scan\n"
        f"card = load_card('fig3-left', {list(SMALL)!r})\n"
        f"run_scan(card, {str(out)!r}, jobs=1, tile=1)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code])
    try:
        deadline = time.monotonic() + 60
        while _tiles_done(partial) < 15:
            assert proc.poll() is None, "the scan ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.005)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert not out.exists() and partial.exists()
    done = _tiles_done(partial)
    assert 15 <= done < 120
    sets = [a for s in SMALL for a in ("--set", s)]
    command = [sys.executable, "-m", "threeportal.cli", "scan", "fig3-left", *sets]
    rerun = subprocess.run(  # through the command, which prints the library's messages
        [*command, "-o", str(out), "--jobs", "1", "--tile", "1"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert f"resuming {partial}: {done} of 120 tiles already done" in rerun.stdout
    assert not partial.exists()
    assert_same_arrays(load(out), load(small_result))


# --- dask ---------------------------------------------------------------------------------


@pytest.mark.parametrize("processes", [False, True], ids=["threads", "processes"])
def test_dask_backend_gives_the_same_arrays_as_loky(tmp_path, small_card, small_result, processes):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=1,
        threads_per_worker=2,
        processes=processes,
        host="127.0.0.1",
        protocol="tcp",
        dashboard_address=None,
    ) as cluster:
        out = run_scan(
            small_card,
            tmp_path / "dask.h5",
            backend="dask",
            tile=4,
            scheduler=cluster.scheduler_address,
        )
    assert_same_arrays(load(out), load(small_result))


def _fake_tile(card_text, k, bounds, names):
    return k, {"k": np.full((2, 2), k)}


def test_dask_tiles_keep_few_tiles_in_flight_and_release_each(tmp_path):
    """The cluster never holds more than two tiles per worker: tile results used to pile up
    in the scan process (1.3 GB for a 10000^2 scan through joblib's dask backend)."""
    distributed = pytest.importorskip("distributed")
    from threeportal.results import Tiling
    from threeportal.scans.workers import dask_tiles

    tiling = Tiling(nx=40, ny=40, tile=4)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
        client.as_current(),
    ):
        seen, held = [], []
        stream = dask_tiles(_fake_tile, "", tiling, list(range(len(tiling))), -1, ["k"])
        assert next(stream) is None  # the workers have their first tiles
        for k, arrays in stream:
            seen.append(k)
            assert arrays["k"][0, 0] == k
            held.append(len(client.who_has()))
    assert sorted(seen) == list(range(len(tiling)))
    assert max(held) <= 2 * 2


# --- progress -----------------------------------------------------------------------------


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_callback_counts_every_tile(tmp_path, small_card):
    calls = []
    run_scan(small_card, tmp_path / "p.h5", jobs=1, tile=4, progress=lambda *a: calls.append(a))
    assert calls == [(k, 9) for k in range(10)]


def test_progress_bar_only_on_a_terminal(tmp_path, monkeypatch, capsys, cli):
    argv = ["scan", "fig3-left", *[a for s in SMALL for a in ("--set", s)], "--tile", "4"]
    argv += ["--jobs", "1"]
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert cli([*argv, "-o", str(tmp_path / "a.h5")]) == 0
    assert "9/9" in terminal.getvalue() and "tile" in terminal.getvalue()
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert cli([*argv, "-o", str(tmp_path / "b.h5"), "--quiet"]) == 0
    assert terminal.getvalue() == ""
    monkeypatch.undo()
    capsys.readouterr()
    assert cli([*argv, "-o", str(tmp_path / "c.h5")]) == 0
    captured = capsys.readouterr()
    assert captured.err == "" and "wrote" in captured.out
