"""The one exception value parsers raise."""

from __future__ import annotations


class BadValue(ValueError):
    """A cell's value cannot be used; the message is the user-facing reason."""
