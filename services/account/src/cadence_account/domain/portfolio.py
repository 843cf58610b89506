"""Rules for accounts, contacts, subscriptions and technology profiles. Pure: no I/O."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from cadence_platform.errors import FieldError, InvalidInput

from cadence_account.domain.currencies import is_currency

MOTIONS = ("high_touch", "mid_touch", "tech_touch")
CONTACT_ROLES = ("decision_maker", "champion", "it", "finance", "procurement", "user", "other")
TECH_STATUSES = ("in_use", "evaluating", "competitor", "retired")
BILLING_FREQUENCIES = ("monthly", "quarterly", "annual", "multi_year")
LIFECYCLE_STAGES = ("onboarding", "active", "renewal", "renewed", "churned")
OPEN_STAGES = ("onboarding", "active", "renewal")  # a subscription still running (counts for ARR)
DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](-*[a-z0-9])*\.)+[a-z0-9-]{2,63}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z0-9-]{2,}$")
MAX_TECH_ENTRIES = 500


class Problems:
    """Collects every problem of one input, so the answer names all the bad fields at once."""

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix
        self.items: list[FieldError] = []

    def add(self, field: str, reason: str) -> None:
        self.items.append(FieldError(f"{self.prefix}{field}", reason))

    def text(self, field: str, value: str | None, *, required: bool = False, max_len: int = 200) -> None:
        if value is None:
            return
        if required and not value.strip():
            self.add(field, "is required")
        elif len(value) > max_len:
            self.add(field, f"must be at most {max_len} characters")

    def choice(self, field: str, value: str | None, allowed: Iterable[str], *, required: bool = False) -> None:
        allowed = tuple(allowed)
        if value is None or (value == "" and not required):
            return
        if value not in allowed:
            self.add(field, f"must be one of {', '.join(allowed)}")

    def raise_if_any(self, message: str) -> None:
        if self.items:
            raise InvalidInput(message, self.items)


def normalize_domain(value: str) -> str:
    return value.strip().lower().removeprefix("http://").removeprefix("https://").removeprefix("www.").strip("/")


def check_account(fields: dict[str, Any], *, creating: bool) -> None:
    p = Problems()
    p.text("name", fields.get("name"), required=creating or "name" in fields)
    if domain := fields.get("domain"):
        if not DOMAIN.match(normalize_domain(domain)):
            p.add("domain", "is not a domain name (e.g. example.com)")
    p.text("external_id", fields.get("external_id"), max_len=100)
    p.text("territory", fields.get("territory"), max_len=100)
    p.text("country", fields.get("country"), max_len=100)
    if (currency := fields.get("currency")) and not is_currency(currency):
        p.add("currency", f"{currency!r} is not an ISO 4217 currency code")
    p.choice("motion", fields.get("motion"), MOTIONS)
    p.raise_if_any("the account is not valid")


def check_reps(rep_ids: list[str], default_rep_id: str) -> str:
    """The default rep, which must be one of the reps; the first rep when none is named."""
    if len(set(rep_ids)) != len(rep_ids):
        raise InvalidInput.field("rep_ids", "lists a rep twice")
    if default_rep_id and default_rep_id not in rep_ids:
        raise InvalidInput.field("default_rep_id", "must be one of rep_ids")
    return default_rep_id or (rep_ids[0] if rep_ids else "")


def check_contact(fields: dict[str, Any], *, creating: bool) -> None:
    p = Problems()
    p.text("name", fields.get("name"), required=creating or "name" in fields)
    p.text("title", fields.get("title"))
    p.text("phone", fields.get("phone"), max_len=50)
    if (email := fields.get("email")) and not EMAIL.match(email):
        p.add("email", "is not an e-mail address")
    p.choice("role", fields.get("role"), CONTACT_ROLES)
    p.raise_if_any("the contact is not valid")


EARLIEST, LATEST = date(1970, 1, 1), date(2199, 12, 31)  # contract dates; anything else is a typo
MAX_AMOUNT = Decimal("1e15")  # numeric(18, 2)
MAX_COUNT = 10**12


def parse_date(p: Problems, field: str, value: str | None, *, required: bool = False) -> date | None:
    if not value:
        if required:
            p.add(field, "is required (YYYY-MM-DD)")
        return None
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        p.add(field, f"{value!r} is not a calendar date (YYYY-MM-DD)")
        return None
    if not EARLIEST <= parsed <= LATEST:
        p.add(field, f"{value} is outside {EARLIEST.year}–{LATEST.year}")
        return None
    return parsed


def parse_money(p: Problems, field: str, amount: str, currency: str) -> tuple[Decimal | None, str]:
    if not amount and not currency:
        return None, ""
    try:
        value = Decimal(amount)
        if not value.is_finite() or value < 0:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        p.add(f"{field}.amount", f"{amount!r} is not an amount of 0 or more")
        value = None
    if value is not None and value >= MAX_AMOUNT:
        p.add(f"{field}.amount", f"{amount!r} is too large (at most {MAX_AMOUNT:,.0f})")
        value = None
    if not is_currency(currency):
        p.add(f"{field}.currency", f"{currency!r} is not an ISO 4217 currency code")
    return (value.quantize(Decimal("0.01")) if value is not None else None), currency


def check_subscription(fields: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    """Validated column values from the given fields (dates parsed, money split)."""
    p = Problems()
    values = dict(fields)
    for name in ("vendor", "product"):
        p.text(name, fields.get(name), required=creating or name in fields)
    for name in ("version", "lifecycle_product_id", "lifecycle_cycle", "unit", "channel", "external_id"):
        p.text(name, fields.get(name), max_len=100)
    for name in ("quantity", "active_users"):
        if (number := fields.get(name)) is not None and not 0 <= number <= MAX_COUNT:
            p.add(name, f"must be from 0 to {MAX_COUNT:,}")
    p.choice("billing_frequency", fields.get("billing_frequency"), BILLING_FREQUENCIES)
    p.choice("lifecycle_stage", fields.get("lifecycle_stage"), LIFECYCLE_STAGES)
    if "renewal_date" in fields or creating:
        values["renewal_date"] = parse_date(p, "renewal_date", fields.get("renewal_date"), required=True)
    if "term_start" in fields:
        values["term_start"] = parse_date(p, "term_start", fields.get("term_start"))
    if "arr" in fields:
        amount, currency = fields.pop("arr")
        values.pop("arr")
        values["arr_amount"], values["arr_currency"] = parse_money(p, "arr", amount, currency)
    start, end = values.get("term_start"), values.get("renewal_date")
    if isinstance(start, date) and isinstance(end, date) and start > end:
        p.add("term_start", "must not be after renewal_date")
    p.raise_if_any("the subscription is not valid")
    return values


def check_tech_entries(entries: list[dict[str, str]]) -> None:
    if len(entries) > MAX_TECH_ENTRIES:
        raise InvalidInput.field("entries", f"at most {MAX_TECH_ENTRIES} entries")
    p = Problems()
    seen: set[tuple[str, str, str]] = set()
    for i, entry in enumerate(entries):
        p.prefix = f"entries[{i}]."
        p.text("vendor", entry.get("vendor"), required=True)
        p.text("product", entry.get("product"), required=True)
        p.choice("status", entry.get("status"), TECH_STATUSES, required=True)
        key = (entry.get("vendor", "").lower(), entry.get("product", "").lower(), entry.get("version", "").lower())
        if key in seen:
            p.add("product", "is listed twice with the same vendor and version")
        seen.add(key)
    p.raise_if_any("the technology profile is not valid")


def account_stage(stages: Iterable[str]) -> str:
    """An account's lifecycle stage, derived from its subscriptions' stages."""
    found = set(stages)
    for stage in ("renewal", "onboarding", "active", "renewed", "churned"):
        if stage in found:
            return stage
    return ""
