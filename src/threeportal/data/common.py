"""What both kinds of data file share: the error type, the format version, name patterns.

Every problem found while reading a data file raises :class:`DataFileError`, whose message is
one line of the form ``<file>:<line>: <what is wrong>; <what is allowed>``. Line ``0`` means
the problem concerns the file as a whole (it cannot be read, or a shipped name does not exist).
"""

from __future__ import annotations

import os
import re
from datetime import date
from typing import Any

from ..errors import ThreeportalError, one_line

__all__ = ["FORMAT_VERSION", "DataFileError"]

#: The only format version this package reads (key ``format_version`` in both kinds of file).
FORMAT_VERSION = "1"

#: A name written inside a data file (letters, digits, ``_ . + -``).
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.+-]*$")
#: A shipped name (a file stem); anything else is read as a path.
SHIPPED_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

UNIT_HELP = "use a hepunits unit name such as MeV, GeV, keV, m, mm, ps, or 1 for dimensionless"
NUMBER_HELP = "write plain decimal or scientific numbers such as 250.5 or 2.5e-8"


class DataFileError(ThreeportalError):
    """A data file is missing, unreadable or malformed.

    The message is one line, ``<file>:<line>: <what is wrong>; <what is allowed>`` (just
    ``<file>: ...`` when the problem concerns the whole file); the parts are also available as
    attributes.

    Parameters
    ----------
    file : str or os.PathLike
        The file (or the shipped name that was asked for).
    line : int
        1-based line number; ``0`` when the problem concerns the whole file.
    problem : str
        What is wrong.
    allowed : str
        What would be accepted instead.
    """

    def __init__(self, file: str | os.PathLike[str], line: int, problem: str, allowed: str):
        self.file = str(file)
        self.line = int(line)
        self.problem = one_line(problem)
        self.allowed = one_line(allowed)
        where = f"{self.file}:{self.line}" if self.line > 0 else self.file
        super().__init__(f"{where}: {self.problem}; {self.allowed}")

    def __reduce__(self) -> tuple[Any, ...]:
        # Keep the exception picklable (scan workers send exceptions between processes).
        return (type(self), (self.file, self.line, self.problem, self.allowed))


def decode_text(data: bytes, display: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise DataFileError(
            display, line, "the file is not UTF-8 text", "data files are UTF-8 text"
        ) from None


def valid_iso_date(text: str) -> bool:
    if not _ISO_DATE.match(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True
