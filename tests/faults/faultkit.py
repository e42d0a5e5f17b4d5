"""Helpers of the fault-injection suite: real faults where the machine allows them.

A full disk is a small tmpfs and a read-only directory a read-only bind mount when this
process may mount (root in a container that allows it); otherwise those tests skip and the
in-process tests (an injected ``OSError`` at each write site) still run. The long form
(``make faults``, or ``THREEPORTAL_FAULTS_LONG=1``) repeats the random faults more often.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest

#: Long form: more random kills and bit flips (``make faults``).
LONG = os.environ.get("THREEPORTAL_FAULTS_LONG", "") not in ("", "0")
#: A small grid: a few seconds per scan, enough tiles to be killed in the middle.
GRID = ("axes.x.n=24", "axes.y.n=16")
#: Every process the suite starts carries this in its environment (orphans are found by it).
MARK = "THREEPORTAL_FAULT_SUITE"
#: Longest any one command of the suite may take before it counts as a hang, seconds.
HANG = 240.0


def rounds(fast: int, long: int) -> int:
    """Iterations of a random fault: ``fast`` in ``make test``, ``long`` in ``make faults``."""
    return long if LONG else fast


@dataclass(frozen=True)
class Outcome:
    """Exit status and output of one command-line run."""

    code: int
    stdout: str
    stderr: str


def marked_env() -> dict[str, str]:
    """The environment for a process of the suite (marked, see :func:`no_orphans`)."""
    return {**os.environ, MARK: str(os.getpid())}


def cli(*args: str | os.PathLike[str], timeout: float = HANG) -> Outcome:
    """Run ``threeportal ARGS`` in a fresh process (a hang fails the test, never blocks it)."""
    command = [sys.executable, "-m", "threeportal.cli", *map(os.fspath, args)]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, env=marked_env()
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"hang: {' '.join(command)} did not end within {timeout:.0f} s")
    return Outcome(done.returncode, done.stdout, done.stderr)


def assert_one_line_error(outcome: Outcome, *names: str) -> None:
    """Exit 2, one line on stderr naming one of ``names``, no traceback."""
    assert outcome.code == 2, outcome
    assert outcome.stderr.count("\n") == 1 and "Traceback" not in outcome.stderr, outcome
    assert outcome.stderr.startswith("threeportal: error: "), outcome
    if names:
        assert any(name in outcome.stderr for name in names), (names, outcome.stderr)


def scan_args(out: Path, *extra: str) -> list[str]:
    """``scan fig3-left`` on :data:`GRID` into ``out``, quiet."""
    sets = [item for value in GRID for item in ("--set", value)]
    return ["scan", "fig3-left", "-o", str(out), *sets, "--quiet", *extra]


def fill(directory: Path, leave: int = 0) -> Path:
    """Fill ``directory``'s file system up to ``leave`` free bytes; returns the filler file."""
    filler = directory / "filler"
    free = shutil.disk_usage(directory).free
    with open(filler, "wb") as f, contextlib.suppress(OSError):
        f.write(b"\0" * max(free - leave, 0))
    return filler


def marked() -> list[psutil.Process]:
    """Running processes started by this suite (its mark in their environment)."""
    mine = str(os.getpid())
    found = []
    for proc in psutil.process_iter():
        with contextlib.suppress(psutil.Error):
            if proc.status() != psutil.STATUS_ZOMBIE and proc.environ().get(MARK) == mine:
                found.append(proc)
    return found


def assert_no_orphans(grace: float = 20.0) -> None:
    """No process started by the suite still runs after ``grace`` seconds (leftovers are
    killed, then reported)."""
    deadline = time.monotonic() + grace
    left = marked()
    while left and time.monotonic() < deadline:
        time.sleep(0.2)
        left = marked()
    if left:
        names = []
        for proc in left:
            with contextlib.suppress(psutil.Error):
                names.append(f"{proc.pid} {' '.join(proc.cmdline())[:100]}")
                proc.kill()
        pytest.fail(f"processes left running: {names}")


def same_result(got: Path, want: Path) -> None:
    """Every field and mask of ``got`` equals ``want``'s, bit for bit (NaN where NaN)."""
    import numpy as np

    from threeportal.results import load

    a, b = load(got), load(want)
    assert set(a.fields) == set(b.fields) and set(a.masks) == set(b.masks)
    for name in b.fields:
        assert np.array_equal(a.fields[name], b.fields[name], equal_nan=True), name
    for name in b.masks:
        assert np.array_equal(a.masks[name], b.masks[name]), name


def mount(*args: str) -> bool:
    done = subprocess.run(["mount", *args], capture_output=True, timeout=30, check=False)
    return done.returncode == 0


@contextlib.contextmanager
def mounted(where: Path, *args: str) -> Iterator[Path]:
    if os.geteuid() != 0 or shutil.which("mount") is None or not mount(*args, str(where)):
        pytest.skip("cannot mount here (needs root and a container that allows mounts)")
    try:
        yield where
    finally:
        for _ in range(50):  # a process of the test may still hold a file for a moment
            if subprocess.run(["umount", str(where)], capture_output=True).returncode == 0:
                break
            time.sleep(0.1)
