"""In-place updates of a complete result: a group or the stored card, never a file copy.

An update of ``/contours`` or ``/refined`` is written under a temporary name inside the
file (``<group>.new-<pid>``), flushed, and only then renamed over the old group (the old one
is first renamed ``<group>.old-<pid>`` and deleted after the swap). A process killed while
the new group is written leaves the old group untouched; the next update (or
:func:`sweep_updates`) removes the leftovers, and puts an old group back if a kill fell
between the two renames; until then readers find the old group through
:func:`current_group`. The file's lock is held meanwhile.

The card text is a root attribute; h5py replaces an existing attribute by writing a new one
under a temporary name and renaming it, so it too is replaced in place.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import h5py

from ..fileio import ensure_free_space
from .files import CONTOURS_GROUP, REFINED_GROUP, open_h5, read_header, scan_lock

__all__ = ["current_group", "set_card", "sweep_updates", "update_group"]

#: The groups updated in place.
_GROUPS = (CONTOURS_GROUP, REFINED_GROUP)


def _leftovers(f: h5py.File, name: str) -> tuple[list[str], list[str]]:
    """Names of interrupted updates of group ``name``: (new ones, old ones)."""
    new = [key for key in f if key.startswith(f"{name}.new-")]
    old = [key for key in f if key.startswith(f"{name}.old-")]
    return new, old


def current_group(f: h5py.File, name: str) -> h5py.Group | None:
    """Group ``name``, or the old one an update killed between its two renames left."""
    group = f.get(name)
    if group is None:
        old = _leftovers(f, name)[1]
        group = f[old[0]] if old else None
    return group


def sweep_updates(f: h5py.File) -> None:
    """Remove what interrupted updates left (file open read-write)."""
    for name in _GROUPS:
        new, old = _leftovers(f, name)
        for key in new:
            del f[key]
        if old and name not in f:  # killed between the two renames: the old group is current
            f.move(old.pop(), name)
        for key in old:
            del f[key]


#: Free space an in-place update asks for, at most (bytes): contour and refinement groups are
#: vertices and nodes, well below this for any grid.
UPDATE_RESERVE = 8 * 1024 * 1024


@contextlib.contextmanager
def update_group(path: str | os.PathLike[str], name: str) -> Iterator[h5py.Group]:
    """Yield a fresh group that replaces group ``name`` of a complete result on success.

    On an exception the new group is deleted and the old one stays as it was.

    Raises
    ------
    ScanError
        If the file is not a readable complete-or-partial result of this schema.
    """
    path = Path(path)
    read_header(path)
    # HDF5 may crash on ENOSPC half way through a write: refuse in one line before starting
    # (the new group is at most the size of the file's fields, in practice far smaller)
    ensure_free_space(path, min(path.stat().st_size, UPDATE_RESERVE))
    with scan_lock(path), open_h5(path, "r+") as f:
        sweep_updates(f)
        tag = os.getpid()
        new, old = f"{name}.new-{tag}", f"{name}.old-{tag}"
        group = f.create_group(new)
        try:
            yield group
        except BaseException:
            del f[new]
            raise
        f.flush()
        if name in f:
            f.move(name, old)
        f.move(new, name)
        if old in f:
            del f[old]
        f.flush()


def set_card(path: str | os.PathLike[str], card_text: str) -> None:
    """Replace the stored card text of a complete result in place (same scan, new ``[plot]``)."""
    path = Path(path)
    read_header(path)
    with scan_lock(path), open_h5(path, "r+") as f:
        f.attrs["card"] = card_text
        f.flush()
