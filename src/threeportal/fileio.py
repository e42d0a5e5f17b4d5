"""Writing files safely: atomic replacement, free-space checks and one-line OS errors.

Every file threeportal writes for a user (figures, exports, result updates) goes to a
temporary name in the same directory and is renamed over the target only when complete, so
a kill, a full disk or an error leaves the previous file as it was. Temporaries carry the
writer's process id; those of dead processes are swept by the next writer of the same file.
An :class:`OSError` (full disk, file too large, read-only file system, permission, a path
through a regular file) becomes a one-line :class:`WriteError` naming the path and the cause.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

from .errors import ThreeportalError

__all__ = [
    "WriteError",
    "as_write_error",
    "atomic_write",
    "describe_os_error",
    "ensure_free_space",
    "fsync_dir",
    "fsync_file",
    "h5_os_error",
    "output_path",
    "pid_alive",
    "sweep_temporaries",
    "temporary_name",
    "write_text",
]

#: Extra room asked for on top of a write's own size (HDF5 metadata, file-system blocks), bytes.
FREE_SPACE_MARGIN = 1 << 20

#: What to do about each resource error, shown after its cause.
_ADVICE = {
    errno.ENOSPC: "free some space or write elsewhere",
    errno.EDQUOT: "free some space or write elsewhere",
    errno.EFBIG: "the file system does not allow a file this large; write elsewhere",
    errno.EROFS: "the file system is read-only; write elsewhere",
    errno.EACCES: "no permission; write elsewhere or change the permissions",
    errno.EPERM: "not permitted; write elsewhere or change the permissions",
    errno.ENOTDIR: "a part of the path is a regular file, not a directory",
    errno.EISDIR: "is a directory; give a file name",
}
#: HDF5 reports the errno and the file name inside its message text.
_H5_ERRNO = re.compile(r"errno = (\d+)")
_H5_NAME = re.compile(r"(?:file)?name = '([^']*)'")


class WriteError(ThreeportalError):
    """A file could not be written: ``path`` and ``cause`` (one line, with what to do)."""

    def __init__(self, path: str | os.PathLike[str], cause: str) -> None:
        self.path, self.cause = Path(path), cause
        super().__init__(f"{self.path}: {cause}")


def _errno_of(err: OSError) -> int | None:
    """The errno of an OSError, also when HDF5 only put it into the message text."""
    if err.errno is not None:
        return err.errno
    found = _H5_ERRNO.search(str(err))
    return int(found.group(1)) if found else None


def describe_os_error(
    err: OSError, path: str | os.PathLike[str] | None = None
) -> tuple[Path | None, str]:
    """``(path, cause)`` of an OSError, one line: the path it names (else ``path``) and why.

    Works for plain OSErrors (``filename``, ``strerror``) and for h5py's, whose errno and
    file name are inside the message.
    """
    code = _errno_of(err)
    named = err.filename
    if named is None:
        found = _H5_NAME.search(str(err))
        named = found.group(1) if found else None
    where = Path(os.fsdecode(named)) if named is not None else (Path(path) if path else None)
    if code is not None and code in errno.errorcode:
        cause = os.strerror(code)
        advice = _ADVICE.get(code)
        cause = f"{cause}; {advice}" if advice else cause
    else:
        cause = err.strerror or " ".join(str(err).split()) or type(err).__name__
    return where, " ".join(cause.split())


def h5_os_error(err: BaseException) -> OSError | None:
    """The OSError behind an h5py ValueError or RuntimeError whose message carries an errno
    (HDF5 reports a failed file write that way); None for any other error."""
    if isinstance(err, OSError):
        return err
    found = _H5_ERRNO.search(str(err))
    if not isinstance(err, (ValueError, RuntimeError)) or found is None:
        return None
    code = int(found.group(1))
    named = _H5_NAME.search(str(err))
    return OSError(code, os.strerror(code), named.group(1) if named else None)


def as_write_error(err: OSError, path: str | os.PathLike[str]) -> WriteError:
    """A :class:`WriteError` for an OSError met while writing ``path``."""
    where, cause = describe_os_error(err, path)
    return WriteError(where if where is not None else path, cause)


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` exists on this machine (a zombie counts as alive)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def temporary_name(path: str | os.PathLike[str], kind: str = "tmp") -> Path:
    """The temporary ``<path>.<kind>-<pid>`` of this process, next to ``path``."""
    path = Path(path)
    return path.with_name(f"{path.name}.{kind}-{os.getpid()}")


def sweep_temporaries(path: str | os.PathLike[str], kind: str = "tmp") -> list[Path]:
    """Remove ``<path>.<kind>-<pid>`` files left by processes that no longer run.

    Temporaries of running processes (including this one) are left alone. Returns the
    files removed.
    """
    path = Path(path)
    prefix = f"{path.name}.{kind}-"
    removed = []
    with contextlib.suppress(OSError):
        for candidate in path.parent.iterdir():
            pid = candidate.name.removeprefix(prefix)
            if candidate.name.startswith(prefix) and pid.isdigit() and not pid_alive(int(pid)):
                with contextlib.suppress(OSError):
                    candidate.unlink()
                    removed.append(candidate)
    return removed


def ensure_free_space(
    target: str | os.PathLike[str], nbytes: int, margin: int = FREE_SPACE_MARGIN
) -> None:
    """Raise :class:`WriteError` unless ``target``'s file system has ``nbytes`` + margin free.

    Checked before large writes, so a full disk gives a one-line error instead of a write
    failing half way (which HDF5 does not always survive).
    """
    target = Path(target)
    directory = target.parent
    try:
        free = shutil.disk_usage(directory).free
    except OSError:  # nothing to measure (a path mistake): the write itself reports it
        return
    if free < nbytes + margin:
        raise WriteError(
            target,
            f"not enough free space ({(nbytes + margin) / 1e6:.1f} MB needed, "
            f"{free / 1e6:.1f} MB free in {directory}); free some space or write elsewhere",
        )


def fsync_file(path: Path) -> None:
    """Flush a file's data to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(directory: Path) -> None:
    """Flush a directory entry (after a rename), where the platform allows it."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; rename it to ``path`` on success.

    Write the whole file to the yielded path (give the format explicitly: its suffix is not
    the target's). On a normal exit it is flushed and renamed over ``path``; on any error it
    is removed and ``path`` keeps its previous content. OSErrors become :class:`WriteError`.

    Examples
    --------
    >>> with atomic_write("fig.png") as tmp:  # doctest: +SKIP
    ...     fig.savefig(tmp, format="png")
    """
    path = Path(path)
    if path.is_dir():
        raise WriteError(path, "is a directory; give a file name")
    sweep_temporaries(path)
    tmp = temporary_name(path)
    try:
        yield tmp
        fsync_file(tmp)
        os.replace(tmp, path)
        fsync_dir(path.parent)
    except OSError as err:
        raise as_write_error(err, path) from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write UTF-8 ``text`` to ``path`` atomically (see :func:`atomic_write`)."""
    with atomic_write(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def output_path(given: str | os.PathLike[str] | None, default_name: str) -> Path | None:
    """The file an ``-o`` value names: a trailing separator or an existing directory means
    ``<given>/<default_name>``; None stays None (the caller's default)."""
    if given is None:
        return None
    text = os.fspath(given)
    separators = (os.sep, os.altsep) if os.altsep else (os.sep,)
    if text.endswith(separators) or Path(text).is_dir():
        return Path(text) / default_name
    return Path(text)
