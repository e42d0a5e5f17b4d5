"""Path mistakes, stale temporaries and a held lock: one line, or a wait, never a traceback."""

from __future__ import annotations

import fcntl
import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from faultkit import assert_one_line_error, cli, scan_args

from threeportal.errors import ResultLockedError
from threeportal.fileio import output_path, sweep_temporaries
from threeportal.results import files, load, open_for_update

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


def dead_pid() -> int:
    """The pid of a process that has ended (and been reaped)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_update_temporaries_of_dead_processes_are_swept(result):
    dead = result.with_name(f"{result.name}.update-{dead_pid()}")
    alive = result.with_name(f"{result.name}.update-{os.getppid()}")
    for path in (dead, alive):
        path.write_bytes(b"a copy left by a killed update")
    with open_for_update(result) as f:
        f.attrs["touched"] = 1
    assert not dead.exists()
    assert alive.exists()  # its process still runs: maybe still writing it
    assert load(result).attrs["touched"] == 1
    assert sweep_temporaries(result, "update") == []


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


def test_an_update_waits_for_the_lock_and_says_so(result, caplog):
    held = threading.Event()
    holder = threading.Thread(target=hold_lock, args=(result, 1.0, held))
    holder.start()
    held.wait(10)
    with caplog.at_level(logging.INFO, logger="threeportal"), open_for_update(result) as f:
        f.attrs["after_the_wait"] = 1
    holder.join()
    assert any("waiting for" in r.getMessage() for r in caplog.records)
    assert load(result).attrs["after_the_wait"] == 1


def test_an_update_gives_up_after_the_timeout(result, monkeypatch):
    monkeypatch.setattr(files, "UPDATE_LOCK_TIMEOUT", 0.3)
    held = threading.Event()
    holder = threading.Thread(target=hold_lock, args=(result, 3.0, held))
    holder.start()
    held.wait(10)
    before = result.read_bytes()
    try:
        with pytest.raises(ResultLockedError), open_for_update(result) as f:
            f.attrs["never"] = 1
    finally:
        holder.join()
    assert result.read_bytes() == before


@pytest.mark.parametrize("leave", [SystemExit(143), KeyboardInterrupt()])
def test_update_temporary_is_removed_on_every_exit(result, leave):
    before = result.read_bytes()
    with pytest.raises(type(leave)), open_for_update(result) as f:
        f.attrs["never"] = 1
        raise leave
    assert result.read_bytes() == before
    assert sorted(p.name for p in result.parent.iterdir()) == ["result.h5"]
