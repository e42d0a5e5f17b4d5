"""A real full disk (a 3 MB tmpfs): one line naming the path, exit 2, nothing complete lost,
no native crash, no space kept by abandoned files; the same command works once there is room.
"""

from __future__ import annotations

import shutil

import pytest
from faultkit import GRID, assert_one_line_error, cli, fill, same_result, scan_args

pytestmark = pytest.mark.faults


def leftovers(directory):
    return sorted(
        p.name
        for p in directory.iterdir()
        if ".update-" in p.name or ".tmp-" in p.name or p.name.endswith(".partial")
    )


def test_scan_on_a_full_disk_then_with_room(small_disk, reference):
    out = small_disk / "scan.h5"
    filler = fill(small_disk, leave=100_000)
    outcome = cli(*scan_args(out, "--jobs", "1"))
    assert_one_line_error(outcome, str(out))
    assert leftovers(small_disk) == [] and not out.exists()
    filler.unlink()
    assert cli(*scan_args(out, "--jobs", "1")).code == 0
    same_result(out, reference)


def test_forced_rescan_on_a_full_disk_keeps_the_result(small_disk, reference):
    out = small_disk / "kept.h5"
    shutil.copyfile(reference, out)
    before = out.read_bytes()
    fill(small_disk)
    assert_one_line_error(cli(*scan_args(out, "--jobs", "1", "--force")), str(out))
    assert out.read_bytes() == before
    assert leftovers(small_disk) == []


def test_plot_export_and_update_on_a_full_disk(small_disk, reference):
    result = small_disk / "result.h5"
    shutil.copyfile(reference, result)
    figure = small_disk / "result.png"
    assert cli("plot", result, "-q").code == 0
    before = {p.name: p.read_bytes() for p in small_disk.iterdir() if p.is_file()}
    filler = fill(small_disk)
    assert_one_line_error(cli("plot", result, "-q", "--dpi", "300"), str(figure))
    # export only reads the result: the first file it cannot write is named
    assert_one_line_error(
        cli("export", result, "--format", "json", "-q"), str(small_disk / "result-json")
    )
    filler.unlink()
    assert {p.name: p.read_bytes() for p in small_disk.iterdir() if p.is_file()} == before
    assert cli("export", result, "--format", "json", "-q").code == 0
    outdir = small_disk / "result-json"
    written = {p.name: p.read_bytes() for p in outdir.iterdir()}
    fill(small_disk)
    assert_one_line_error(cli("export", result, "--format", "json", "-q"), str(outdir))
    assert {p.name: p.read_bytes() for p in outdir.iterdir()} == written
    assert leftovers(small_disk) == [] and leftovers(outdir) == []


def test_grid_is_small_enough_for_the_disk():
    """The other tests fit one result and its update copy on 3 MB: 24 x 16 points."""
    assert GRID == ("axes.x.n=24", "axes.y.n=16")
