"""What the command line shows: library log records, progress bars and error hints.

The library reports through the ``threeportal`` logger and progress callbacks and raises
errors that carry facts; this module turns them into terminal text, adding the hints that
name the options of the command being run.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
from collections.abc import Iterator
from types import TracebackType
from typing import Any

from ..errors import (
    ResultInTheWayError,
    ResultLockedError,
    ScanArgumentError,
    ThreeportalError,
)

__all__ = ["ProgressBar", "error_message", "os_error_message", "report_to_terminal"]

#: The command-line option of each :func:`~threeportal.scans.run_scan` argument.
_FLAGS = {
    "output": "-o",
    "jobs": "--jobs",
    "backend": "--backend",
    "scheduler": "--scheduler",
    "tile": "--tile",
}


class _TerminalHandler(logging.Handler):
    """INFO records on stdout as they are; warnings and errors on stderr, prefixed."""

    def __init__(self, force_hint: bool) -> None:
        super().__init__(logging.DEBUG)
        self.force_hint = force_hint

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
            if self.force_hint and getattr(record, "threeportal_cache_hit", False):
                text += " (--force recomputes)"
            if record.levelno >= logging.WARNING:
                print(f"threeportal: {text}", file=sys.stderr, flush=True)
            else:
                print(text, file=sys.stdout, flush=True)
        except Exception:  # pragma: no cover - logging must never raise
            self.handleError(record)


@contextlib.contextmanager
def report_to_terminal(quiet: bool, force_hint: bool = False, verbose: int = 0) -> Iterator[None]:
    """Show the ``threeportal`` logger's records meanwhile.

    ``quiet``: warnings only; ``verbose`` > 0: debug records too. ``force_hint``: the command
    has ``--force``, so a cache hit says how to recompute.
    """
    logger = logging.getLogger("threeportal")
    handler = _TerminalHandler(force_hint)
    shown = logging.WARNING if quiet else logging.DEBUG if verbose else logging.INFO
    handler.setLevel(shown)
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(shown)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


class ProgressBar:
    """A ``progress(done, total)`` callback drawing a tqdm bar on a terminal's stderr.

    Parameters
    ----------
    desc : str
        Label of the bar (e.g. the scan name).
    quiet : bool
        Draw nothing.
    """

    def __init__(self, desc: str, quiet: bool) -> None:
        self.desc, self.quiet = desc, quiet
        self._bar: Any = None

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            from tqdm import tqdm

            self._bar = tqdm(
                total=total,
                initial=done,
                unit="tile",
                desc=self.desc,
                file=sys.stderr,
                disable=self.quiet or not sys.stderr.isatty(),
                dynamic_ncols=True,
            )
        else:
            self._bar.update(done - self._bar.n)
        if done >= total:
            self.close()

    def close(self) -> None:
        """Close the bar (a later call starts a new one)."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


#: The option of each command that writes its results to another path.
_ELSEWHERE = {"scan": "-o", "fig3": "--results DIR"}


def error_message(err: ThreeportalError, args: argparse.Namespace | None) -> str:
    """One line for a library error, with a hint naming only options this command has."""
    options = set(vars(args)) if args is not None else set()
    elsewhere = _ELSEWHERE.get(getattr(args, "command", None) or "")
    if isinstance(err, ScanArgumentError) and err.argument in _FLAGS:
        shown = "" if err.value is None else f" {err.value}"
        text = f"{_FLAGS[err.argument]}{shown}: {err.allowed}"
    elif isinstance(err, ResultInTheWayError):
        text = str(err)
        if "force" in options:
            verb = "discard" if err.partial else "overwrite"
            text += f"; use --force to {verb} it"
            if elsewhere and not err.partial:
                text += f" or {elsewhere} to write elsewhere"
    elif isinstance(err, ResultLockedError):
        text = f"{err}; wait for it" + (
            f" or write elsewhere with {elsewhere}" if elsewhere else ""
        )
    else:
        text = str(err)
    text = " ".join(text.split())
    return text.removeprefix("threeportal: error: ").removeprefix("threeportal: ")


def os_error_message(err: OSError, args: argparse.Namespace | None) -> str:
    """One line for an OSError no library write site converted: the path and the cause.

    The path is the one the error names, else the command's output (or input) argument.
    """
    from ..fileio import describe_os_error

    fallback = None
    for name in ("output", "outdir", "result"):
        value = getattr(args, name, None)
        if isinstance(value, str) and value:
            fallback = value
            break
    where, cause = describe_os_error(err, fallback)
    text = f"{where}: {cause}" if where is not None else cause
    return " ".join(text.split())
