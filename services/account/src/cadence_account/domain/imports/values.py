"""Small value parsers: enumerations with friendly spellings, booleans, e-mails, domains.

Each parser takes an already-stripped, non-empty cell and returns the normalized value or
raises BadValue with the sentence the user will read.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .errors import BadValue

_FOLD = re.compile(r"[\s_\-./]+")


def _key(text: str) -> str:
    return _FOLD.sub("", text.casefold())


def _enum(name: str, canonical: dict[str, tuple[str, ...]]) -> Callable[[str], str]:
    """Build a parser accepting each canonical value plus its aliases, in any case/spacing."""
    table: dict[str, str] = {}
    for value, aliases in canonical.items():
        for spelling in (value, *aliases):
            table[_key(spelling)] = value
    exact = {value: value for value in canonical}
    allowed = ", ".join(canonical)

    def parse(text: str) -> str:
        found = exact.get(text) or table.get(_key(text))
        if found is None:
            raise BadValue(f"unknown {name} '{text}'; use one of {allowed}")
        return found

    parse.__name__ = f"parse_{name.replace(' ', '_')}"
    return parse


parse_motion = _enum(
    "motion",
    {
        "high_touch": ("high", "high touch", "hi touch", "hightouch"),
        "mid_touch": ("mid", "medium", "medium touch", "mid touch"),
        "tech_touch": ("tech", "tech touch", "low touch", "digital", "digital touch"),
    },
)
parse_billing_frequency = _enum(
    "billing frequency",
    {
        "monthly": ("month", "per month", "monthly billing", "1 month", "monatlich", "mensuel"),
        "quarterly": (
            "quarter",
            "per quarter",
            "3 months",
            "vierteljährlich",
            "quartalsweise",
            "trimestriel",
        ),
        "annual": (
            "annually",
            "yearly",
            "year",
            "per year",
            "1 year",
            "12 months",
            "p.a.",
            "jährlich",
            "annuel",
            "anual",
            "annuale",
            "jaarlijks",
        ),
        "multi_year": (
            "multi-year",
            "multiyear",
            "multi year",
            "2 years",
            "3 years",
            "4 years",
            "5 years",
            "24 months",
            "36 months",
            "mehrjährig",
            "pluriannuel",
        ),
    },
)
parse_lifecycle_stage = _enum(
    "lifecycle stage",
    {
        "onboarding": ("onboard", "new"),
        "active": ("live",),
        "renewal": ("renewing", "in renewal", "up for renewal"),
        "renewed": (),
        "churned": ("churn", "lost", "cancelled", "canceled"),
    },
)
parse_role = _enum(
    "role",
    {
        "decision_maker": ("decision maker", "decider", "economic buyer", "dm"),
        "champion": (),
        "it": ("it admin", "it contact", "technical", "tech contact", "admin"),
        "finance": ("accounting", "billing"),
        "procurement": ("purchasing", "buyer"),
        "user": ("end user", "enduser"),
        "other": (),
    },
)
parse_tech_status = _enum(
    "status",
    {
        "in_use": ("in use", "used", "installed", "active", "production"),
        "evaluating": ("evaluation", "eval", "trial", "poc"),
        "competitor": ("competitive", "competition"),
        "retired": ("decommissioned", "removed", "former"),
    },
)

_TRUE = frozenset({"true", "yes", "y", "1", "ja", "oui", "wahr", "vrai", "si", "sí", "x"})
_FALSE = frozenset({"false", "no", "n", "0", "nein", "non", "falsch", "faux"})


def parse_bool(text: str) -> bool:
    folded = text.casefold()
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise BadValue(f"not yes/no: '{text}'; use true/false, yes/no or 1/0")


_EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,63}\Z"
).match


def is_email(text: str) -> bool:
    return _EMAIL(text) is not None


def parse_email(text: str) -> str:
    if _EMAIL(text) is None:
        raise BadValue(f"not an e-mail address: '{text}'")
    # Our users are looked up by e-mail; case differences must not create strangers.
    return text.lower()


_EMAIL_LIST_SPLIT = re.compile(r"[|;,\s]+")


def parse_email_list(text: str) -> tuple[str, ...]:
    found: list[str] = []
    bad: list[str] = []
    for part in _EMAIL_LIST_SPLIT.split(text):
        if not part:
            continue
        if _EMAIL(part) is None:
            bad.append(part)
        elif part.lower() not in found:
            found.append(part.lower())
    if bad:
        raise BadValue("not an e-mail address: " + ", ".join(f"'{b}'" for b in bad))
    return tuple(found)


_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://")
_DOMAIN = re.compile(r"(?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W\d_][\w-]*[^\W_]\Z")


def parse_domain(text: str) -> str:
    """A company's web domain from whatever the CRM stored (URL, www., trailing path)."""
    host = _SCHEME.sub("", text.strip().lower())
    for stop in "/?#":
        host = host.split(stop, 1)[0]
    host = host.rsplit("@", 1)[-1].split(":", 1)[0].rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    if not _DOMAIN.match(host):
        raise BadValue(f"not a web domain: '{text}'")
    return host


def parse_country(text: str) -> str:
    # Two-letter codes are normalized; names ("Germany") are kept as exported.
    return text.upper() if len(text) == 2 and text.isalpha() else text


def parse_text(text: str) -> str:
    return text
