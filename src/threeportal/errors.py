"""The one error base of threeportal, and the errors that carry facts for the command line.

Every error the tool raises for bad input (a card, a data file, a command-line value, a result
file, a model parameter) derives from :class:`ThreeportalError`, and its message is one line
naming the thing at fault and what is allowed. The command line catches this one class. Library
messages never name a command-line option: errors that a command can resolve with one of its
options (overwrite, write elsewhere, fewer workers) carry the facts as attributes, and the
command line adds the hint naming its own option.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "DamagedResultError",
    "ResultInTheWayError",
    "ResultLockedError",
    "ScanArgumentError",
    "ScanError",
    "ThreeportalError",
    "WorkerDiedError",
    "one_line",
]


class ThreeportalError(ValueError):
    """Bad input to threeportal; the message is one line saying what and what is allowed."""


class ScanError(ThreeportalError):
    """A scan cannot run, or a result file cannot be read; the message says why in one line."""


class ScanArgumentError(ScanError):
    """A scan argument (``argument``: a :func:`~threeportal.scans.run_scan` keyword) is bad."""

    def __init__(self, argument: str, value: object, allowed: str) -> None:
        self.argument, self.value, self.allowed = argument, value, allowed
        super().__init__(f"{argument}={value!r}: {allowed}")


class ResultInTheWayError(ScanError):
    """``path`` holds something a scan would overwrite (another scan, a foreign file).

    ``partial`` is True when the obstacle is an interrupted scan (``<out>.partial``).
    """

    def __init__(self, path: Path, reason: str, *, partial: bool = False) -> None:
        self.path, self.reason, self.partial = Path(path), reason, partial
        super().__init__(f"{path}: {reason}")


class DamagedResultError(ScanError):
    """Dataset ``dataset`` of the result ``path`` fails its checksum (the data were altered).

    The scan that wrote the file can rewrite it (recompute, overwriting the damaged file).
    """

    def __init__(self, path: Path, dataset: str) -> None:
        self.path, self.dataset = Path(path), dataset
        super().__init__(
            f"{path}: dataset {dataset!r} is damaged (checksum mismatch); "
            "recompute it by rerunning its scan over this file"
        )


class ResultLockedError(ScanError):
    """Another process holds the lock ``lock`` of the result ``path``."""

    def __init__(self, path: Path, lock: Path) -> None:
        self.path, self.lock = Path(path), Path(lock)
        super().__init__(
            f"{path}: another threeportal process is writing this result (lock {lock})"
        )


class WorkerDiedError(ScanError):
    """Scan worker ``worker`` died (killed, out of memory); the finished tiles are kept."""

    def __init__(self, worker: int, cause: str) -> None:
        self.worker, self.cause = worker, cause
        super().__init__(f"worker {worker} died ({cause}); rerun the same command to resume")


def one_line(text: object) -> str:
    """Collapse every run of whitespace (newlines included) in ``text`` to one space."""
    return " ".join(str(text).split())
