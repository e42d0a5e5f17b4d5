"""Fault tests: a scan killed again and again loses nothing, and two scans at once on one
output path cannot corrupt it."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import h5py
import numpy as np
import pytest

from threeportal.scans import ScanError, load, load_card, run_scan

GRID = ["axes.x.n=20", "axes.y.n=12"]  # 240 one-point tiles: slow enough to be killed often
KILLS = 20


def scan_code(out: Path) -> str:
    return (
        "from threeportal.scans import load_card, run_scan\n"
        f"card = load_card('fig3-left', {GRID!r})\n"
        f"run_scan(card, {str(out)!r}, jobs=1, tile=1)\n"
    )


def tiles_done(partial: Path) -> int:
    try:
        with h5py.File(partial, "r", locking=False) as f:
            return int(f["tiles_done"][...].sum())
    except (OSError, KeyError, ValueError):
        return 0


def assert_never_readable_as_complete(out: Path, partial: Path) -> None:
    if partial.exists():
        with pytest.raises(ScanError):
            load(partial)
    if out.exists():  # only a finished scan may stand at the output path
        assert bool(load(out).attrs["complete"])


def test_twenty_random_kills_then_resume_give_the_uninterrupted_result(tmp_path):
    reference = run_scan(load_card("fig3-left", GRID), tmp_path / "reference.h5", jobs=1)
    out, partial = tmp_path / "killed.h5", tmp_path / "killed.h5.partial"
    rng = random.Random(20261127)
    kills = 0
    while kills < KILLS:
        before = tiles_done(partial)
        target = before + rng.randint(1, 6)
        proc = subprocess.Popen([sys.executable, "-c", scan_code(out)])
        try:
            deadline = time.monotonic() + 120
            while proc.poll() is None and tiles_done(partial) < target:
                assert time.monotonic() < deadline
                time.sleep(rng.uniform(0.0, 0.01))
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGKILL)
                kills += 1
        finally:
            proc.wait()
        assert_never_readable_as_complete(out, partial)
        if out.exists():  # finished before the 20th kill: start a fresh round
            out.unlink()
        assert tiles_done(partial) >= before  # a kill never loses finished tiles
    subprocess.run([sys.executable, "-c", scan_code(out)], check=True)
    assert not partial.exists()
    got, want = load(out), load(reference)
    assert set(got.fields) == set(want.fields) and set(got.masks) == set(want.masks)
    for name in want.fields:
        assert np.array_equal(got.fields[name], want.fields[name]), name
    for name in want.masks:
        assert np.array_equal(got.masks[name], want.masks[name]), name


def test_two_scans_started_at_once_on_one_path(tmp_path):
    out = tmp_path / "shared.h5"
    # 1200 one-point tiles: the first scan is still running when the second one starts
    grid = ["axes.x.n=40", "axes.y.n=30"]
    command = [
        sys.executable,
        "-m",
        "threeportal.cli",
        "scan",
        "fig3-left",
        "-o",
        str(out),
        "--set",
        grid[0],
        "--set",
        grid[1],
        "--tile",
        "1",
        "--jobs",
        "1",
        "--quiet",
    ]
    procs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outcomes = [(p.wait(timeout=300), *p.communicate()) for p in procs]
    codes = sorted(code for code, _, _ in outcomes)
    assert codes == [0, 2], outcomes
    refused = next(err for code, _, err in outcomes if code == 2)
    assert refused.count("\n") == 1 and "Traceback" not in refused
    assert str(out) in refused or out.name in refused
    result = load(out)
    assert bool(result.attrs["complete"])
    reference = run_scan(load_card("fig3-left", grid), tmp_path / "reference.h5")
    for name, values in load(reference).fields.items():
        assert np.array_equal(result.fields[name], values), name
