"""Path mistakes, stale temporaries and a held lock: one line, or a wait, never a traceback."""

from __future__ import annotations

import fcntl
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import h5py
import pytest
from faultkit import assert_one_line_error, cli, scan_args

from threeportal.errors import ResultLockedError
from threeportal.fileio import output_path
from threeportal.results import load, scan_lock, update_group
from threeportal.results.update import current_group

pytestmark = pytest.mark.faults


def test_output_under_a_regular_file(tmp_path):
    blocker = tmp_path / "notes.txt"
    blocker.write_text("a file, not a directory\n")
    assert_one_line_error(cli(*scan_args(blocker / "out.h5")), str(blocker))
    assert blocker.read_text() == "a file, not a directory\n"


def test_plot_output_naming_a_directory(result):
    directory = result.parent / "figure.png"
    directory.mkdir()
    assert_one_line_error(cli("plot", result, "-o", directory, "-q"), str(directory))
    assert directory.is_dir() and not any(directory.iterdir())


def test_lock_that_is_a_directory(result, reference):
    lock = result.with_name(result.name + ".lock")
    lock.mkdir()
    before = result.read_bytes()
    assert_one_line_error(cli(*scan_args(result)), str(lock))
    assert result.read_bytes() == before


def test_partial_that_is_a_directory(tmp_path):
    out = tmp_path / "out.h5"
    partial = out.with_name(out.name + ".partial")
    partial.mkdir()
    assert_one_line_error(cli(*scan_args(out)), str(partial))
    assert partial.is_dir() and not out.exists()


def test_trailing_separator_means_a_directory(tmp_path):
    assert output_path(f"{tmp_path / 'figs'}{os.sep}", "fig.png") == tmp_path / "figs" / "fig.png"
    assert output_path(tmp_path, "fig.png") == tmp_path / "fig.png"  # an existing directory
    assert output_path(tmp_path / "fig.pdf", "fig.png") == tmp_path / "fig.pdf"
    assert output_path(None, "fig.png") is None


#: An update that is killed (SIGKILL) half way through writing its new group.
_KILLED_UPDATE = """
import os, signal, sys
from threeportal.results import update_group
with update_group(sys.argv[1], "contours") as group:
    group.attrs["version"] = 2
    group.create_dataset("half", data=list(range(1000)))
    group.file.flush()
    os.kill(os.getpid(), signal.SIGKILL)
"""


def test_an_update_killed_half_way_leaves_the_last_one_and_is_swept(result):
    with update_group(result, "contours") as group:
        group.attrs["version"] = 1
    killed = subprocess.run([sys.executable, "-c", _KILLED_UPDATE, str(result)], check=False)
    assert killed.returncode == -signal.SIGKILL
    with h5py.File(result, "r") as f:
        assert [key for key in f if key.startswith("contours.new-")]  # what the kill left
        assert current_group(f, "contours").attrs["version"] == 1
    load(result)
    with update_group(result, "contours") as group:  # the next update sweeps the leftovers
        group.attrs["version"] = 3
    with h5py.File(result, "r") as f:
        assert f["contours"].attrs["version"] == 3
        assert not [key for key in f if key.startswith("contours.")]


def hold_lock(path: Path, seconds: float, held: threading.Event) -> None:
    lock = path.with_name(path.name + ".lock")
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        held.set()
        time.sleep(seconds)
    finally:
        os.unlink(lock)
        os.close(fd)


def test_the_lock_waits_for_its_holder_and_says_so(result, caplog):
    held = threading.Event()
    holder = threading.Thread(target=hold_lock, args=(result, 1.0, held))
    holder.start()
    held.wait(10)
    started = time.monotonic()
    with caplog.at_level(logging.INFO, logger="threeportal"), scan_lock(result, timeout=600.0):
        waited = time.monotonic() - started
    holder.join()
    assert waited >= 0.5  # the holder keeps the lock for 1 s
    assert any("waiting for" in r.getMessage() for r in caplog.records)


def test_a_held_lock_refuses_an_update_and_gives_up_a_wait(result):
    held = threading.Event()
    holder = threading.Thread(target=hold_lock, args=(result, 3.0, held))
    holder.start()
    held.wait(10)
    before = result.read_bytes()
    try:
        with pytest.raises(ResultLockedError), update_group(result, "contours") as group:
            group.attrs["never"] = 1
        started = time.monotonic()
        with pytest.raises(ResultLockedError), scan_lock(result, timeout=0.3):
            pass
        assert 0.3 <= time.monotonic() - started < 2.5
    finally:
        holder.join()
    assert result.read_bytes() == before


@pytest.mark.parametrize("leave", [SystemExit(143), KeyboardInterrupt()])
def test_an_update_leaves_no_trace_on_every_exit(result, leave):
    with pytest.raises(type(leave)), update_group(result, "contours") as group:
        group.attrs["never"] = 1
        raise leave
    with h5py.File(result, "r") as f:
        assert not [key for key in f if key.startswith("contours")]
    load(result)
    assert sorted(p.name for p in result.parent.iterdir()) == ["result.h5"]
