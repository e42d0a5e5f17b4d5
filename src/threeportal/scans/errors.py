"""Errors of the scan engine: every message is one line naming the key or file at fault."""

from __future__ import annotations

from ..errors import ScanError

__all__ = ["CardError", "ScanError"]


class CardError(ScanError):
    """A scan card is invalid; the message names the key and the allowed values."""
