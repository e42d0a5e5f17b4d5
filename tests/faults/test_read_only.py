"""A read-only output directory (a read-only bind mount, which binds root too): reads work,
including a scan's cache hit; every write gives one line naming the path and exit 2."""

from __future__ import annotations

import shutil

import pytest
from faultkit import assert_one_line_error, cli, scan_args

pytestmark = pytest.mark.faults


def test_read_only_directory(read_only, reference, tmp_path):
    source, view = read_only
    shutil.copyfile(reference, source / "result.h5")
    result = view / "result.h5"
    before = result.read_bytes()
    cached = cli(*scan_args(result))
    assert cached.code == 0 and cached.stderr == "", cached  # a cache hit needs no lock file
    assert cli("info", result).code == 0
    assert cli("plot", result, "-o", tmp_path / "elsewhere.png", "-q").code == 0
    assert_one_line_error(cli("plot", result, "-q"), str(view / "result.png"))
    assert_one_line_error(cli("export", result, "--format", "csv", "-q"), str(view))
    assert_one_line_error(cli(*scan_args(view / "new.h5", "--jobs", "1")), str(view))
    assert_one_line_error(cli(*scan_args(result, "--force", "--jobs", "1")), str(view))
    assert result.read_bytes() == before
    assert sorted(p.name for p in source.iterdir()) == ["result.h5"]
