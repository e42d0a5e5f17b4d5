"""Opening, locking and checking a result file; the one reader of HDF5 attributes.

Every other module of :mod:`threeportal.results` goes through these functions, so a result
file is opened, decoded and locked one way only:

- :func:`open_h5` opens with a one-line :class:`~threeportal.errors.ScanError` for a missing,
  foreign, truncated or damaged file;
- :func:`read_attrs` decodes attributes (bytes -> str, numpy scalars -> Python values, arrays
  kept, HDF5 dimension-scale bookkeeping dropped);
- :func:`scan_lock` keeps two writers of one result apart (waiting for the other if asked).

A complete result is changed in place by :mod:`.update` (a group or the card), never copied.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import h5py
import numpy as np

from ..errors import ResultLockedError, ScanError, one_line
from ..fileio import WriteError, as_write_error, fsync_dir
from ..fileio import fsync_file as fsync

__all__ = [
    "CONTOURS_GROUP",
    "REFINED_GROUP",
    "RESERVED_NAMES",
    "SCHEMA",
    "SCHEMA_VERSION",
    "check_header",
    "dataset_names",
    "fsync",
    "fsync_dir",
    "open_h5",
    "read_attrs",
    "read_header",
    "scan_lock",
    "text_attr",
]

SCHEMA = "threeportal.scan"
SCHEMA_VERSION = 1
#: Group of the stored contours (:mod:`threeportal.results.contours`).
CONTOURS_GROUP = "contours"
#: Group of the adaptive refinement (:mod:`threeportal.results.refined`).
REFINED_GROUP = "refined"
#: Root names a layer output may not use: the bookkeeping dataset and every group.
RESERVED_NAMES = ("tiles_done", "tile", CONTOURS_GROUP, REFINED_GROUP)
_log = logging.getLogger(__name__)
#: Attributes HDF5 dimension scales add to datasets (not part of the schema).
_SCALE_ATTRS = frozenset({"DIMENSION_LIST", "REFERENCE_LIST", "CLASS", "NAME"})


# --- attributes ---------------------------------------------------------------------------
def _py(value: Any) -> Any:
    """An HDF5 attribute value as a plain Python value (arrays stay numpy arrays)."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, np.ndarray):
        return value
    if isinstance(value, np.generic):
        return value.item()
    return value


def read_attrs(obj: h5py.HLObject) -> dict[str, Any]:
    """Every attribute of a file, group or dataset, decoded (the one attribute reader).

    Strings come back as ``str`` whether stored as bytes or text, numpy scalars as Python
    scalars, arrays as numpy arrays; dimension-scale bookkeeping is left out.
    """
    return {key: _py(value) for key, value in obj.attrs.items() if key not in _SCALE_ATTRS}


def text_attr(attrs: Mapping[str, Any], key: str, default: str = "") -> str:
    """Attribute ``key`` of decoded attributes as text (``default`` if absent or empty)."""
    value = attrs.get(key)
    return default if value is None or value == "" else str(_py(value))


# --- opening ------------------------------------------------------------------------------
def open_h5(path: str | os.PathLike[str], mode: str = "r", **kwargs: Any) -> h5py.File:
    """Open an HDF5 file, with a one-line ScanError if it is missing or not readable HDF5."""
    path = Path(path)
    if not path.exists():
        raise ScanError(f"{path}: no such file")
    try:
        return h5py.File(path, mode, **kwargs)
    except OSError as err:
        raise ScanError(
            f"{path}: not a readable HDF5 file (not HDF5, truncated or damaged: {one_line(err)})"
        ) from None


def check_header(path: Path, attrs: Mapping[str, Any]) -> None:
    """Check decoded root attributes against the schema and its version."""
    schema = attrs.get("schema")
    if schema != SCHEMA:
        raise ScanError(
            f"{path}: not a threeportal scan result (root attribute schema is "
            f"{schema!r}, expected {SCHEMA!r})"
        )
    version = attrs.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ScanError(f"{path}: schema_version missing or not an integer ({version!r})")
    if version < SCHEMA_VERSION:
        raise ScanError(
            f"{path}: schema_version {version} is older than the version {SCHEMA_VERSION} "
            "this threeportal reads; rerun the scan to rewrite it"
        )
    if version > SCHEMA_VERSION:
        raise ScanError(
            f"{path}: schema_version {version} is newer than the version {SCHEMA_VERSION} "
            "this threeportal reads; upgrade threeportal"
        )


def read_header(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Root attributes of a result (or partial) file, checked against the schema.

    Raises
    ------
    ScanError
        If the file is missing, not HDF5, truncated, or not a version-1 scan result.
    """
    path = Path(path)
    with open_h5(path, "r") as f:
        try:
            attrs = read_attrs(f)
        except (OSError, KeyError, ValueError, TypeError) as err:
            raise ScanError(f"{path}: damaged root attributes ({one_line(err)})") from None
    check_header(path, attrs)
    return attrs


def dataset_names(path: str | os.PathLike[str]) -> dict[str, str]:
    """``{name: kind}`` of the field and mask datasets of a file (for resume checks)."""
    with open_h5(path, "r") as f:
        return {
            name: text_attr(read_attrs(ds), "kind")
            for name, ds in f.items()
            if isinstance(ds, h5py.Dataset) and "kind" in ds.attrs
        }


# --- lock ---------------------------------------------------------------------------------
#: Pause between two attempts to take a held lock, seconds.
_LOCK_POLL = 0.1


def _open_lock_file(path: Path, lock: Path) -> int | None:
    """A descriptor of ``lock`` to flock, None if the directory cannot hold one (read-only).

    A read-only directory (or one this user may not write) cannot receive a result either,
    so a pure read (a cache hit) goes on without a lock; an existing lock file is still
    honoured (opened read-only: flock works on it).
    """
    try:
        return os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    except IsADirectoryError:
        raise WriteError(lock, "is a directory, not a lock file; remove it") from None
    except OSError as err:
        if err.errno not in (errno.EROFS, errno.EACCES, errno.EPERM):
            raise as_write_error(err, lock) from None
    try:
        return os.open(lock, os.O_RDONLY)
    except FileNotFoundError:
        _log.debug("%s: directory not writable, reading %s without a lock", lock.parent, path)
        return None
    except OSError as err:
        raise as_write_error(err, lock) from None


def _take_lock(path: Path, lock: Path, timeout: float) -> int | None:
    """Flock ``lock`` exclusively, waiting up to ``timeout`` seconds; its descriptor."""
    import fcntl

    deadline = time.monotonic() + timeout
    told = False
    while True:
        fd = _open_lock_file(path, lock)
        if fd is None:
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            if time.monotonic() >= deadline:
                raise ResultLockedError(path, lock) from None
            if not told:
                _log.info(
                    "waiting for %s: another threeportal process is writing it "
                    "(lock %s; giving up after %.0f s)",
                    path,
                    lock,
                    timeout,
                )
                told = True
            time.sleep(_LOCK_POLL)
            continue
        try:  # the file we locked must still be the one at the path (see the unlink below)
            stat, here = os.fstat(fd), os.stat(lock)
            same = (stat.st_dev, stat.st_ino) == (here.st_dev, here.st_ino)
        except FileNotFoundError:
            same = False
        if same:
            return fd
        os.close(fd)


@contextlib.contextmanager
def scan_lock(path: str | os.PathLike[str], timeout: float = 0.0) -> Iterator[None]:
    """Hold ``<path>.lock`` (``fcntl.flock``) while writing ``path``.

    Parameters
    ----------
    path : path-like
        The result file.
    timeout : float
        Seconds to wait for another holder (0: fail at once). Waiting is logged once.

    Raises
    ------
    ResultLockedError
        If another process still holds the lock after ``timeout`` seconds.
    WriteError
        If the lock cannot be made (e.g. ``<path>.lock`` is a directory).
    """
    path = Path(path)
    try:
        import fcntl  # noqa: F401
    except ImportError:  # pragma: no cover - no flock (Windows): no protection
        yield
        return
    lock = path.with_name(path.name + ".lock")
    try:
        lock.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise as_write_error(err, lock.parent) from None
    fd = _take_lock(path, lock, timeout)
    if fd is None:
        yield
        return
    try:
        with contextlib.suppress(OSError):  # the pid is for people; a full disk may refuse it
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(lock)
        os.close(fd)
