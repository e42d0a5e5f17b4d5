"""Integrity and robustness of the scan engine: checksums catch altered bytes, a dying worker
ends the scan with one resumable error, a killed parent takes its workers, updates are made
in place."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import h5py
import numpy as np
import pytest

from threeportal.errors import DamagedResultError, ResultInTheWayError, WorkerDiedError
from threeportal.results import PartialWriter, load, update_group, verify_result
from threeportal.results.update import current_group
from threeportal.scans import engine, load_card, run_scan

#: The grid of the shared ``small_result`` fixture (see conftest.py).
SMALL = ("axes.x.n=12", "axes.y.n=10")


def flip_chunk_byte(path: Path, dataset: str, chunk: int = 0) -> None:
    """Invert one byte in the middle of a stored chunk of ``dataset`` (its raw bytes)."""
    with h5py.File(path, "r") as f:
        info = f[dataset].id.get_chunk_info(chunk)
    with open(path, "r+b") as raw:
        raw.seek(info.byte_offset + info.size // 2)
        byte = raw.read(1)
        raw.seek(info.byte_offset + info.size // 2)
        raw.write(bytes([byte[0] ^ 0xFF]))


def assert_same(a: Path, b: Path) -> None:
    got, want = load(a), load(b)
    assert set(got.fields) == set(want.fields) and set(got.masks) == set(want.masks)
    for name in want.fields:
        np.testing.assert_array_equal(got.fields[name], want.fields[name], err_msg=name)
    for name in want.masks:
        np.testing.assert_array_equal(got.masks[name], want.masks[name], err_msg=name)


def test_a_flipped_byte_in_a_complete_result_is_named_never_read(tmp_path, small_result):
    path = tmp_path / "flipped.h5"
    path.write_bytes(small_result.read_bytes())
    flip_chunk_byte(path, "lifetime_nuh_ps")
    with pytest.raises(DamagedResultError, match=r"dataset 'lifetime_nuh_ps' is damaged") as info:
        load(path)
    assert "\n" not in str(info.value) and info.value.dataset == "lifetime_nuh_ps"
    with pytest.raises(DamagedResultError, match="lifetime_nuh_ps"):
        verify_result(path)
    # a cache hit verifies the data: the damaged file is in the way, not "up to date"
    card = load_card("fig3-left", list(SMALL))
    with pytest.raises(ResultInTheWayError, match=r"'lifetime_nuh_ps' is damaged"):
        run_scan(card, path, jobs=1)
    run_scan(card, path, jobs=1, force=True)
    assert_same(path, small_result)


def _interrupted_then_resumed(monkeypatch, card, out, tile, flip):
    """Interrupt a scan after 3 tiles, flip a byte of chunk ``flip(written)``, resume; the
    written and the recomputed tiles."""
    original = PartialWriter.write_tile
    written, recomputed = [], []

    def stop_after_three(self, k, arrays):
        if len(written) == 3:
            raise KeyboardInterrupt
        original(self, k, arrays)
        written.append(k)

    monkeypatch.setattr(PartialWriter, "write_tile", stop_after_three)
    with pytest.raises(KeyboardInterrupt):
        run_scan(card, out, jobs=1, tile=tile)
    flip_chunk_byte(out.with_name(out.name + ".partial"), "na62_ee_expected_events", flip(written))
    monkeypatch.setattr(
        PartialWriter,
        "write_tile",
        lambda self, k, arrays: (recomputed.append(k), original(self, k, arrays)),
    )
    run_scan(card, out, jobs=1)
    return written, recomputed


def test_a_damaged_partial_loses_only_its_damaged_tile(tmp_path, monkeypatch):
    card = load_card("fig3-left", ["axes.x.n=64", "axes.y.n=40"])
    out = tmp_path / "r.h5"
    # one chunk per 32 x 32 tile: tile k is chunk k (both numbered along x first)
    written, recomputed = _interrupted_then_resumed(monkeypatch, card, out, 32, lambda w: w[1])
    assert sorted(recomputed) == sorted({0, 1, 2, 3} - {written[0], written[2]})
    assert_same(out, run_scan(card, tmp_path / "clean.h5", jobs=1))


def test_small_tiles_share_a_chunk_and_are_redone_together(tmp_path, monkeypatch, small_result):
    card = load_card("fig3-left", list(SMALL))
    out = tmp_path / "r.h5"
    # 4 x 4 tiles of a 12 x 10 grid all lie in one 32 x 32 chunk
    _, recomputed = _interrupted_then_resumed(monkeypatch, card, out, 4, lambda w: 0)
    assert sorted(recomputed) == list(range(9))
    assert_same(out, small_result)


def test_in_place_update_keeps_the_file_and_survives_an_error(tmp_path, small_result):
    path = tmp_path / "u.h5"
    path.write_bytes(small_result.read_bytes())
    inode = path.stat().st_ino
    with update_group(path, "contours") as group:
        group.attrs["version"] = 1
    with pytest.raises(RuntimeError, match="boom"), update_group(path, "contours") as group:
        group.attrs["version"] = 2
        raise RuntimeError("boom")
    with h5py.File(path, "r+") as f:  # what a kill between the two renames leaves
        f.move("contours", "contours.old-999")
        f.create_group("contours.new-999")
    with h5py.File(path, "r") as f:  # readers find the last complete update meanwhile
        assert current_group(f, "contours").attrs["version"] == 1
    with update_group(path, "refined"):  # any update puts it back in place
        pass
    with h5py.File(path, "r") as f:
        assert f["contours"].attrs["version"] == 1
    with update_group(path, "contours") as group:
        group.attrs["version"] = 3
    with h5py.File(path, "r") as f:
        assert f["contours"].attrs["version"] == 3
        assert not [key for key in f if "." in key]  # leftovers swept
    assert path.stat().st_ino == inode  # written in place, never a copy renamed over it
    load(path)


def _die_on_tile_five(card_text, k, bounds, names=None):
    if k == 5:
        os.kill(os.getpid(), signal.SIGKILL)
    return _real_compute_tile(card_text, k, bounds, names)


_real_compute_tile = engine.compute_tile


def test_a_dying_worker_ends_the_scan_with_one_resumable_line(tmp_path, monkeypatch):
    card = load_card("fig3-left", list(SMALL))
    out = tmp_path / "w.h5"
    monkeypatch.setattr(engine, "compute_tile", _die_on_tile_five)  # forked workers see it
    start = time.monotonic()
    with pytest.raises(WorkerDiedError, match=r"worker \d+ died .*SIGKILL.*rerun the same"):
        run_scan(card, out, jobs=2, tile=3)
    assert time.monotonic() - start < 60  # ends, never hangs (generous: a loaded machine)
    with h5py.File(out.with_name("w.h5.partial"), "r") as f:
        done = f["tiles_done"][...]
    assert not done[5]
    monkeypatch.setattr(engine, "compute_tile", _real_compute_tile)
    run_scan(card, out, jobs=2)  # resumes
    reference = run_scan(card, tmp_path / "ref.h5", jobs=1, tile=3)
    assert_same(out, reference)


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except FileNotFoundError:
        return False
    return status != "Z"


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_a_killed_parent_takes_its_workers_with_it(tmp_path):
    code = (
        "from threeportal.scans import load_card, run_scan\n"
        "card = load_card('fig3-left', ['axes.x.n=60', 'axes.y.n=60'])\n"
        f"run_scan(card, {str(tmp_path / 'p.h5')!r}, jobs=2, tile=2)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while len(workers := _children(parent.pid)) < 2:
            assert parent.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        parent.kill()
        parent.wait()
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in workers):
            assert time.monotonic() < deadline, "workers outlived their parent"
            time.sleep(0.05)
    finally:
        if parent.poll() is None:
            parent.kill()
        parent.wait()
        parent.stderr.close()
