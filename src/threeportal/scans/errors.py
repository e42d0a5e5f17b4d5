"""Errors of the scan engine: every message is one line naming the key or file at fault."""

from __future__ import annotations

from ..errors import ThreeportalError

__all__ = ["CardError", "ScanError"]


class ScanError(ThreeportalError):
    """A scan cannot run, or a result file cannot be read; the message says why in one line."""


class CardError(ScanError):
    """A scan card is invalid; the message names the key and the allowed values."""
