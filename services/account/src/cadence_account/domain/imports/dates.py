"""Dates as CRM exports and spreadsheets write them.

ISO dates and datetimes always work (their date part is taken: a renewal is a calendar day).
Slash/dot/dash dates follow the locale's day-first or month-first habit; without a locale a
value is accepted only when exactly one reading is a real calendar day.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from .errors import BadValue
from .locales import DateStyle

_ISO_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z").match
_NUMERIC_DATE = re.compile(r"([0-9]{1,4})([./-])([0-9]{1,2})\2([0-9]{1,4})\.?(?:[ T].*)?\Z").match
_MONTHS = "January February March April May June July August September October November December".split()


def _spoken(d: date) -> str:
    return f"{d.day} {_MONTHS[d.month - 1]}"


def _calendar_day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _from_format(text: str, style: DateStyle) -> date:
    assert style.fmt is not None
    try:
        return datetime.strptime(text, style.fmt).date()
    except ValueError as exc:
        if "out of range" in str(exc):
            raise BadValue(f"not a calendar date: {text}") from None
        raise BadValue(f"not a date in the format {style.fmt}: {text}") from None


EARLIEST, LATEST = date(1970, 1, 1), date(2199, 12, 31)  # contract dates; anything else is a typo


def parse_date(text: str, style: DateStyle) -> date:
    """`text` is already stripped and non-empty; the date must lie within EARLIEST–LATEST."""
    found = _parse_date(text, style)
    if not EARLIEST <= found <= LATEST:
        raise BadValue(f"date out of range: {text} (expected {EARLIEST.year}–{LATEST.year})")
    return found


def _parse_date(text: str, style: DateStyle) -> date:
    if len(text) >= 10 and text[4] == "-" and text[7] == "-" and (len(text) == 10 or text[10] in "T "):
        head = text[:10]
        try:
            return date.fromisoformat(head)
        except ValueError:
            if _ISO_SHAPE(head):
                raise BadValue(f"not a calendar date: {text}") from None
    if style.fmt is not None:
        return _from_format(text, style)
    m = _NUMERIC_DATE(text)
    if m is None:
        raise BadValue(f"not a date: {text} (expected e.g. 2026-12-31 or 31.12.2026)")
    first, _, second, last = m.groups()
    if len(first) == 4:
        # Year first (2026/12/31) is never written day-before-month.
        found = _calendar_day(int(first), int(second), int(last)) if len(last) <= 2 else None
        if found is None:
            raise BadValue(f"not a calendar date: {text}")
        return found
    if len(last) == 4:
        year = int(last)
    elif len(last) == 2:
        year = 2000 + int(last)
    else:
        raise BadValue(f"not a date: {text} (year must have 4 or 2 digits)")
    a, b = int(first), int(second)
    if style.day_first is not None:
        found = _calendar_day(year, b, a) if style.day_first else _calendar_day(year, a, b)
        if found is None:
            raise BadValue(f"not a calendar date: {text} (read {style.label})")
        return found
    day_first = _calendar_day(year, b, a)
    month_first = _calendar_day(year, a, b)
    if day_first is None and month_first is None:
        raise BadValue(f"not a calendar date: {text}")
    if day_first is None or month_first is None or day_first == month_first:
        result = day_first or month_first
        assert result is not None
        return result
    raise BadValue(
        f"ambiguous date: {text} could be {_spoken(day_first)} or {_spoken(month_first)}; "
        "set locale or date_format"
    )
