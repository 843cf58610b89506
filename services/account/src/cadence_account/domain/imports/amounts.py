"""Numbers and amounts as spreadsheets write them.

Every reading of a value is tried and the distinct results are compared: one result is the
answer, several are "ambiguous", none is "not a number". That single rule covers both the
locale case (where only the locale's reading is tried) and the auto case, and it is what makes
"1,234" ambiguous but "1,234.56", "1.234,56" and "1234,56" not.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from .currencies import UnknownCurrency, currencies_for_marker
from .errors import BadValue
from .locales import APOSTROPHE_GROUP, SPACE_GROUP, NumberStyle

__all__ = ["BadValue", "parse_count", "parse_decimal", "parse_money"]


_FAST_POINT = re.compile(r"[0-9]+(?:\.[0-9]+)?\Z").match
_FAST_COMMA = re.compile(r"[0-9]+(?:,[0-9]+)?\Z").match
# Spaces of every width Excel and locales use as thousands separators, plus apostrophes.
_GROUP_TRANSLATION = str.maketrans(
    {
        "\u00a0": SPACE_GROUP,
        "\u202f": SPACE_GROUP,
        "\u2009": SPACE_GROUP,
        "\u2007": SPACE_GROUP,
        "\u2019": APOSTROPHE_GROUP,
    }
)
_BODY = re.compile(r"[0-9](?:[0-9.,' ]*[0-9])?\Z").match
_DIGIT = re.compile(r"[0-9]")
_SIGN_CHARS = "-+\u2212()"
_MARKER_STRIP = " \u00a0\u202f\u2009\u2007" + _SIGN_CHARS


def _group_ok(int_part: str, sep: str) -> bool:
    parts = int_part.split(sep)
    head = parts[0]
    if not 1 <= len(head) <= 3 or head[0] == "0":
        return False
    return all(len(p) == 3 and p.isdigit() for p in parts[1:]) and head.isdigit()


def _reading(body: str, decimal: str | None, groups: frozenset[str]) -> Decimal | None:
    """The value of `body` if `decimal` is its decimal mark (None: an integer), else None."""
    if decimal is not None:
        if body.count(decimal) != 1:
            return None
        int_part, frac = body.split(decimal)
        if not frac.isdigit() or not int_part:
            return None
    else:
        int_part, frac = body, ""
    if not int_part.isdigit():
        seps = {c for c in int_part if not c.isdigit()}
        if len(seps) != 1:
            return None
        sep = seps.pop()
        if sep == decimal or sep not in groups or not _group_ok(int_part, sep):
            return None
        int_part = int_part.replace(sep, "")
    return Decimal(f"{int_part}.{frac}" if frac else int_part)


def _readings(body: str, style: NumberStyle) -> list[Decimal]:
    decimals: tuple[str | None, ...] = (".", ",", None) if style.decimal is None else (style.decimal, None)
    found: list[Decimal] = []
    for decimal in decimals:
        value = _reading(body, decimal, style.groups)
        if value is not None and value not in found:
            found.append(value)
    return found


def _split_sign(text: str) -> tuple[bool, str]:
    if text[0] in "-\u2212":
        return True, text[1:].lstrip()
    if text[0] == "+":
        return False, text[1:].lstrip()
    if text[-1] == "-":
        return True, text[:-1].rstrip()
    if text[0] == "(" and text[-1] == ")":
        return True, text[1:-1].strip()
    return False, text


def _describe(value: Decimal) -> str:
    return format(value, "f")


def _parse_body(text: str, body: str, style: NumberStyle, *, integral: bool) -> Decimal:
    body = body.translate(_GROUP_TRANSLATION)
    if not _BODY(body):
        raise BadValue(f"not a number: {text}")
    found = _readings(body, style)
    if integral and len(found) > 1:
        found = [v for v in found if v == v.to_integral_value()] or found
    if len(found) == 1:
        return found[0]
    if not found:
        if style.decimal is None:
            raise BadValue(f"not a number: {text}")
        raise BadValue(f"not a number in the {style.label} format: {text}")
    options = " or ".join(_describe(v) for v in found)
    raise BadValue(f"ambiguous number: {text} could be {options}; set locale")


def parse_decimal(text: str, style: NumberStyle, *, integral: bool = False) -> Decimal:
    """Parse a plain number (no currency marker); `text` is already stripped and non-empty."""
    decimal = style.decimal
    if decimal != "," and _FAST_POINT(text):
        dot = text.find(".")
        # Only the auto style can find "1.234" ambiguous; everything else here is plain.
        if decimal == "." or dot < 0 or not (len(text) - dot == 4 and dot <= 3 and text[0] != "0"):
            return Decimal(text)
    elif decimal != "." and _FAST_COMMA(text):
        comma = text.find(",")
        if decimal == "," or comma < 0 or not (len(text) - comma == 4 and comma <= 3 and text[0] != "0"):
            return Decimal(text.replace(",", "."))
    negative, rest = _split_sign(text)
    if not rest:
        raise BadValue(f"not a number: {text}")
    value = _parse_body(text, rest, style, integral=integral)
    return -value if negative else value


def parse_count(text: str, style: NumberStyle) -> int:
    """A non-negative whole number such as a seat count."""
    if text.isdigit() and text.isascii():
        return int(text)
    value = parse_decimal(text, style, integral=True)
    if value != value.to_integral_value():
        raise BadValue(f"not a whole number: {text}")
    if value < 0:
        raise BadValue(f"must not be negative: {text}")
    return int(value)


def parse_money(text: str, style: NumberStyle) -> tuple[Decimal, frozenset[str] | None]:
    """An amount, possibly with a currency marker; returns (value, codes the marker allows)."""
    first = text[0]
    if (first.isdigit() or first == "-") and text[-1].isdigit():
        try:
            return parse_decimal(text, style), None
        except BadValue:
            if not any(c.isalpha() or c in "€£$¥" for c in text):
                raise
    digits = [m.start() for m in _DIGIT.finditer(text)]
    if not digits:
        raise BadValue(f"not an amount: {text}")
    head, body, tail = text[: digits[0]], text[digits[0] : digits[-1] + 1], text[digits[-1] + 1 :]
    negative = any(c in "-\u2212" for c in head + tail) or ("(" in head and ")" in tail)
    markers = {m for m in (head.strip(_MARKER_STRIP), tail.strip(_MARKER_STRIP)) if m}
    if len(markers) > 1:
        raise BadValue(f"not an amount: {text} (two currency markers)")
    codes: frozenset[str] | None = None
    if markers:
        try:
            codes = currencies_for_marker(markers.pop())
        except UnknownCurrency as exc:
            raise BadValue(f"{exc} in amount {text}") from None
    try:
        value = _parse_body(text, body, style, integral=False)
    except InvalidOperation:
        raise BadValue(f"not an amount: {text}") from None
    return (-value if negative else value), codes
