"""The one error base of threeportal.

Every error the tool raises for bad input (a card, a data file, a command-line value, a result
file, a model parameter) derives from :class:`ThreeportalError`, and its message is one line
naming the thing at fault and what is allowed. The command line catches this one class.
"""

from __future__ import annotations

__all__ = ["ThreeportalError", "one_line"]


class ThreeportalError(ValueError):
    """Bad input to threeportal; the message is one line saying what and what is allowed."""


def one_line(text: object) -> str:
    """Collapse every run of whitespace (newlines included) in ``text`` to one space."""
    return " ".join(str(text).split())
