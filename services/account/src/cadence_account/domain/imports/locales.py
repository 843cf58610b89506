"""What a locale says about numbers and dates, reduced to the three facts the parser needs.

A locale decides the decimal mark (and so which marks may group thousands) and whether a
slash or dot date is read day-first or month-first. No locale means "decide per value, and
refuse when a value could be read two ways".
"""

from __future__ import annotations

from dataclasses import dataclass

# Thousands groups may also be written with spaces of any width or an apostrophe (Swiss).
SPACE_GROUP = " "
APOSTROPHE_GROUP = "'"

_COMMA_DECIMAL = frozenset(
    "de fr nl es it pt da sv nb nn no fi pl cs sk sl hr sr bs ru uk be tr el ro hu bg lt lv et "
    "id vi ca eu gl is az kk ka mk sq af lb".split()
)
_POINT_DECIMAL = frozenset("en ja zh ko th he hi ms fil ga mt".split())
# Regional exceptions to the language's habit.
_POINT_REGIONS = frozenset(
    "de-ch fr-ch it-ch rm-ch de-li es-mx es-us es-pr es-gt es-do es-hn es-ni es-pa es-sv".split()
)
_COMMA_REGIONS = frozenset({"en-za", "en-be", "en-de", "en-nl", "en-dk", "en-fi", "en-se", "en-at"})
_MONTH_FIRST = frozenset({"en", "en-us", "en-ph", "en-um", "es-us", "fil"})


class LocaleError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class NumberStyle:
    """decimal None = auto-detect per value."""

    decimal: str | None
    groups: frozenset[str]
    label: str


@dataclass(frozen=True, slots=True)
class DateStyle:
    """day_first None = auto-detect per value; fmt = explicit strptime format."""

    day_first: bool | None
    fmt: str | None
    label: str


AUTO_NUMBERS = NumberStyle(None, frozenset({".", ",", SPACE_GROUP, APOSTROPHE_GROUP}), "auto")


def normalize_locale_tag(locale: str) -> str:
    """'de_DE.UTF-8' → 'de-de'."""
    tag = locale.strip().split(".", 1)[0].split("@", 1)[0]
    return tag.replace("_", "-").lower()


def number_style(locale: str | None) -> NumberStyle:
    if locale is None:
        return AUTO_NUMBERS
    tag = normalize_locale_tag(locale)
    lang = tag.split("-", 1)[0]
    if tag in _POINT_REGIONS:
        comma = False
    elif tag in _COMMA_REGIONS:
        comma = True
    elif lang in _COMMA_DECIMAL:
        comma = True
    elif lang in _POINT_DECIMAL:
        comma = False
    else:
        raise LocaleError(f"unsupported locale {locale!r}; use e.g. en-US, en-GB, de, fr, nl, es, it")
    if comma:
        return NumberStyle(",", frozenset({".", SPACE_GROUP, APOSTROPHE_GROUP}), f"{locale} (1.234,56)")
    return NumberStyle(".", frozenset({",", SPACE_GROUP, APOSTROPHE_GROUP}), f"{locale} (1,234.56)")


def date_style(locale: str | None, date_format: str | None) -> DateStyle:
    if date_format is not None:
        if "%" not in date_format:
            raise LocaleError(f"date_format {date_format!r} has no strptime directives (e.g. %d.%m.%Y)")
        return DateStyle(None, date_format, f"date_format {date_format}")
    if locale is None:
        return DateStyle(None, None, "auto")
    number_style(locale)  # rejects unknown locales with the same message
    tag = normalize_locale_tag(locale)
    month_first = tag in _MONTH_FIRST
    order = "month-first" if month_first else "day-first"
    return DateStyle(not month_first, None, f"{order} for {locale}")
