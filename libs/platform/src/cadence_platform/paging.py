"""Keyset paging shared by list calls: limit (default 50, at most 500) and an opaque cursor."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from cadence_platform.errors import InvalidInput

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
T = TypeVar("T")


def page_limit(requested: int) -> int:
    if requested < 0 or requested > MAX_LIMIT:
        raise InvalidInput.field("limit", f"must be between 1 and {MAX_LIMIT}")
    return requested or DEFAULT_LIMIT


def encode_cursor(*key: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(key), default=str).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> list[Any] | None:
    if not cursor:
        return None
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except ValueError as exc:
        raise InvalidInput.field("cursor", "is not a cursor this list gave out") from exc
    if not isinstance(key, list):
        raise InvalidInput.field("cursor", "is not a cursor this list gave out")
    return key


def split_page(rows: list[T], limit: int, key: Callable[[T], Sequence[Any]]) -> tuple[list[T], str]:
    """Rows were fetched with limit + 1: keep `limit` and give the next cursor when there was more."""
    if len(rows) <= limit:
        return rows, ""
    rows = rows[:limit]
    return rows, encode_cursor(*key(rows[-1]))


def like_pattern(text: str) -> str:
    """A search term as a LIKE pattern that matches it literally (% and _ are not wildcards)."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
