"""Rules for orgs, users and API tokens. Pure: no I/O."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from cadence_platform.caller import ALL_SCOPES, USER_ROLES
from cadence_platform.errors import FieldError, InvalidInput

from cadence_account.domain.currencies import is_currency

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z0-9-]{2,}$")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
MIN_PASSWORD = 10
TOKEN_PREFIX = "cad_"


@dataclass(frozen=True, slots=True)
class ScoreWeights:
    relationship: int = 35
    opportunity: int = 25
    risk: int = 40


@dataclass(frozen=True, slots=True)
class HealthBands:
    strong_min: int = 75
    weak_below: int = 50


@dataclass(frozen=True, slots=True)
class OrgSettings:
    reporting_currency: str = "USD"
    time_zone: str = "UTC"
    fiscal_year_start_month: int = 1
    score_weights: ScoreWeights = field(default_factory=ScoreWeights)
    health_bands: HealthBands = field(default_factory=HealthBands)
    fx_rates: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> OrgSettings:
        return cls(
            reporting_currency=data.get("reporting_currency", "USD"),
            time_zone=data.get("time_zone", "UTC"),
            fiscal_year_start_month=data.get("fiscal_year_start_month", 1),
            score_weights=ScoreWeights(**data.get("score_weights", {})),
            health_bands=HealthBands(**data.get("health_bands", {})),
            fx_rates=dict(data.get("fx_rates", {})),
        )


def settings_problems(s: OrgSettings) -> list[FieldError]:
    problems = []
    if not is_currency(s.reporting_currency):
        problems.append(FieldError("reporting_currency", f"{s.reporting_currency!r} is not an ISO 4217 currency code"))
    if not valid_time_zone(s.time_zone):
        problems.append(FieldError("time_zone", f"{s.time_zone!r} is not an IANA time zone (e.g. Europe/Berlin)"))
    if not 1 <= s.fiscal_year_start_month <= 12:
        problems.append(FieldError("fiscal_year_start_month", "must be a month number from 1 to 12"))
    w = s.score_weights
    if min(w.relationship, w.opportunity, w.risk) < 0 or w.relationship + w.opportunity + w.risk != 100:
        problems.append(FieldError("score_weights", "the three weights must be 0 or more and add up to 100"))
    b = s.health_bands
    if not 0 < b.weak_below <= b.strong_min <= 100:
        problems.append(FieldError("health_bands", "need 0 < weak_below <= strong_min <= 100"))
    for code, value in s.fx_rates.items():
        if not is_currency(code):
            problems.append(FieldError(f"fx_rates.{code}", "is not an ISO 4217 currency code"))
        elif not _positive_decimal(value):
            problems.append(FieldError(f"fx_rates.{code}", f"{value!r} is not a rate above 0"))
    return problems


def _positive_decimal(value: str) -> bool:
    try:
        return Decimal(value).is_finite() and Decimal(value) > 0
    except (InvalidOperation, ValueError):
        return False


def validated_settings(s: OrgSettings) -> OrgSettings:
    if problems := settings_problems(s):
        raise InvalidInput("org settings are not valid", problems)
    return s


def merge_settings(current: OrgSettings, **changes: Any) -> OrgSettings:
    return validated_settings(replace(current, **{k: v for k, v in changes.items() if v is not None}))


def valid_time_zone(name: str) -> bool:
    if name not in available_timezones() and name != "UTC":
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def normalize_email(email: str) -> str:
    return email.strip().lower()


def user_problems(*, email: str | None = None, name: str | None = None, role: str | None = None,
                  password: str | None = None) -> list[FieldError]:
    problems = []
    if email is not None and not EMAIL.match(email.strip()):
        problems.append(FieldError("email", "is not an e-mail address"))
    if name is not None and not 1 <= len(name.strip()) <= 200:
        problems.append(FieldError("name", "must be 1 to 200 characters"))
    if role is not None and role not in USER_ROLES:
        problems.append(FieldError("role", f"must be one of {', '.join(USER_ROLES)}"))
    if password is not None and len(password) < MIN_PASSWORD:
        problems.append(FieldError("password", f"must be at least {MIN_PASSWORD} characters"))
    return problems


def check_user(**fields: str | None) -> None:
    if problems := user_problems(**fields):
        raise InvalidInput("user is not valid", problems)


def check_slug(slug: str) -> None:
    if not SLUG.match(slug):
        raise InvalidInput.field("slug", "use 2-63 lower-case letters, digits and hyphens")


@dataclass(frozen=True, slots=True)
class NewToken:
    secret: str
    prefix: str
    secret_hash: str


def new_api_token() -> NewToken:
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return NewToken(secret=secret, prefix=secret[:12], secret_hash=hash_token(secret))


def hash_token(secret: str) -> str:
    # Tokens are 256 random bits, so a fast hash is enough at rest (no dictionary to guess from).
    return hashlib.sha256(secret.encode()).hexdigest()


def check_scopes(scopes: list[str]) -> list[str]:
    if not scopes:
        raise InvalidInput.field("scopes", f"name at least one of {', '.join(sorted(ALL_SCOPES))}")
    unknown = sorted(set(scopes) - ALL_SCOPES)
    if unknown:
        raise InvalidInput.field("scopes", f"unknown scope(s) {', '.join(unknown)}; use {', '.join(sorted(ALL_SCOPES))}")
    return sorted(set(scopes))
