"""ISO 4217 currency codes: one table for the whole service (kept with the import parser)."""

from __future__ import annotations

from cadence_account.domain.imports.currencies import ISO_4217_CODES


def is_currency(code: str) -> bool:
    return code in ISO_4217_CODES
