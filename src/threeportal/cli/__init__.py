"""The ``threeportal`` command line: every command, every flag and all text for the user.

Library code never prints; it raises :class:`threeportal.errors.ThreeportalError` for bad
input and reports progress through :mod:`logging`. This package turns both into terminal text.
"""

from __future__ import annotations

from .main import main
from .point import parse_point_arguments

__all__ = ["main", "parse_point_arguments"]
