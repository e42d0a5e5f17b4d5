"""An OSError (full disk, file too large, read-only, no permission) injected at each write
site: one line naming the path and the cause, exit 2, and nothing previously complete lost.

These run everywhere (no mount needed); test_disk.py and test_read_only.py repeat the
important cases with a real full tmpfs and a real read-only mount.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import h5py
import matplotlib.figure
import numpy as np
import pytest
from faultkit import GRID, LONG, same_result

from threeportal import fileio
from threeportal.cli import main
from threeportal.results import load, update, writer

pytestmark = pytest.mark.faults

CODES = [errno.ENOSPC, errno.EFBIG, errno.EROFS, errno.EACCES]
#: One code per site in the fast form, every code at every site in the long form.
SOME = CODES if LONG else [errno.ENOSPC]
#: `threeportal scan` of the result's own card (a cache hit) before `-o RESULT --refine N`.
REFINE = ("scan", "fig3-left", *(a for g in GRID for a in ("--set", g)), "-o")


def run(capsys: pytest.CaptureFixture[str], *args: str | os.PathLike[str]) -> tuple[int, str]:
    """``threeportal ARGS`` in this process: exit status and stderr."""
    capsys.readouterr()
    code = main([os.fspath(a) for a in args])
    return code, capsys.readouterr().err


def assert_one_line(code: int, err: str, path: Path, errno_code: int) -> None:
    assert code == 2, err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert str(path) in err or path.name in err, err
    assert os.strerror(errno_code) in err, err


def fail_with(code: int, path: Path):
    def failing(*args, **kwargs):
        raise OSError(code, os.strerror(code), str(path))

    return failing


def leftovers(directory: Path) -> list[str]:
    """Temporaries left in ``directory`` (update copies, atomic-write files, partials)."""
    return sorted(p.name for p in directory.iterdir() if ".update-" in p.name or ".tmp-" in p.name)


@pytest.mark.parametrize("code", CODES if LONG else [errno.EFBIG, errno.EACCES])
def test_update_open_fails(code, result, monkeypatch, capsys):
    """An in-place update (here: refining a complete result, `scan --refine 1`) cannot open
    the result for writing: one line naming it, and the result stays byte for byte as it
    was."""
    real = update.open_h5

    def open_h5(path, mode="r", **kwargs):
        if mode != "r":
            raise OSError(code, os.strerror(code), str(path))
        return real(path, mode, **kwargs)

    monkeypatch.setattr(update, "open_h5", open_h5)
    before = result.read_bytes()
    got, err = run(capsys, *REFINE, result, "--refine", "1", "-q")
    assert_one_line(got, err, result, code)
    assert result.read_bytes() == before
    assert leftovers(result.parent) == []


@pytest.mark.parametrize("code", SOME)
def test_contours_store_fails(code, result, monkeypatch, capsys):
    """A write fails half-way through the in-place /refined group (`scan --refine 1`): one
    line, the half-written group is dropped and every stored field reads back as before."""
    fields = {name: values.copy() for name, values in load(result).fields.items()}

    def create_dataset(self, name, *args, **kwargs):
        raise OSError(code, os.strerror(code), str(result))

    monkeypatch.setattr(h5py.Group, "create_dataset", create_dataset)
    got, err = run(capsys, *REFINE, result, "--refine", "1", "-q")
    monkeypatch.undo()
    assert_one_line(got, err, result, code)
    again = load(result)
    assert set(again.fields) == set(fields)
    for name, values in fields.items():
        assert np.array_equal(again.fields[name], values), name
    with h5py.File(result, "r") as f:
        assert not [key for key in f if ".new-" in key or ".old-" in key]
    assert leftovers(result.parent) == []


@pytest.mark.parametrize("code", SOME)
def test_figure_write_fails(code, result, monkeypatch, capsys):
    """plot: the figure written half way fails; the previous figure is intact, no temp."""
    figure = result.with_suffix(".png")
    assert run(capsys, "plot", result, "-q") == (0, "")
    before = figure.read_bytes()
    real = matplotlib.figure.Figure.savefig

    def savefig(self, fname, *args, **kwargs):
        Path(fname).write_bytes(b"half a figure")
        raise OSError(code, os.strerror(code), str(fname))

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", savefig)
    got, err = run(capsys, "plot", result, "-q")
    assert_one_line(got, err, figure, code)
    assert figure.read_bytes() == before
    assert leftovers(result.parent) == []
    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", real)


@pytest.mark.parametrize("code", SOME)
def test_export_write_fails(code, result, monkeypatch, capsys):
    """export: a file written half way fails; the previous export is intact, no temp."""
    outdir = result.parent / "csv"
    assert run(capsys, "export", result, "--format", "csv", "-o", outdir, "-q") == (0, "")
    before = {p.name: p.read_bytes() for p in outdir.iterdir()}
    real = Path.write_text

    def write_text(self, text, *args, **kwargs):
        real(self, text[: len(text) // 2], *args, **kwargs)
        raise OSError(code, os.strerror(code), str(self))

    monkeypatch.setattr(Path, "write_text", write_text)
    got, err = run(capsys, "export", result, "--format", "csv", "-o", outdir, "-q")
    monkeypatch.setattr(Path, "write_text", real)
    assert_one_line(got, err, outdir, code)
    assert {p.name: p.read_bytes() for p in outdir.iterdir()} == before


@pytest.mark.parametrize("code", CODES if LONG else [errno.EROFS])
def test_scan_create_fails(code, tmp_path, monkeypatch, capsys):
    """scan: the partial file cannot be created: one line, nothing left behind."""
    out = tmp_path / "new.h5"
    partial = out.with_name(out.name + ".partial")
    monkeypatch.setattr(writer.h5py, "File", fail_with(code, partial))
    sets = [i for v in GRID for i in ("--set", v)]
    got, err = run(capsys, "scan", "fig3-left", "-o", out, *sets, "--jobs", "1", "--quiet")
    assert_one_line(got, err, partial, code)
    assert not out.exists()


def test_scan_full_disk_is_refused_before_writing(tmp_path, monkeypatch, capsys):
    """Too little free space for the partial file: refused before HDF5 writes anything."""
    out = tmp_path / "new.h5"
    usage = shutil.disk_usage(tmp_path)
    monkeypatch.setattr(fileio.shutil, "disk_usage", lambda _: usage._replace(free=1000))
    sets = [i for v in GRID for i in ("--set", v)]
    got, err = run(capsys, "scan", "fig3-left", "-o", out, *sets, "--jobs", "1", "--quiet")
    assert got == 2 and err.count("\n") == 1 and "not enough free space" in err, err
    assert not out.exists() and not out.with_name(out.name + ".partial").exists()


@pytest.mark.parametrize("code", SOME)
def test_scan_tile_write_fails_then_resumes(code, reference, tmp_path, monkeypatch, capsys):
    """A tile write fails half way through a scan: one line, and the resumed scan is
    identical to an uninterrupted one."""
    out = tmp_path / "resumed.h5"
    real = writer.PartialWriter.write_tile
    calls = {"n": 0}

    def write_tile(self, k, arrays):
        calls["n"] += 1
        if calls["n"] == 5:
            raise OSError(code, os.strerror(code), str(self.path))
        return real(self, k, arrays)

    monkeypatch.setattr(writer.PartialWriter, "write_tile", write_tile)
    sets = [i for v in GRID for i in ("--set", v)]
    args = ["scan", "fig3-left", "-o", out, *sets, "--jobs", "1", "--tile", "4", "--quiet"]
    got, err = run(capsys, *args)
    assert_one_line(got, err, out, code)
    assert not out.exists()
    monkeypatch.setattr(writer.PartialWriter, "write_tile", real)
    assert run(capsys, *args)[0] == 0
    same_result(out, reference)
