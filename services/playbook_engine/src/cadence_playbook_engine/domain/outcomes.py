"""The structured result that closes a renewal (RenewalResult): renewed, changed or churned."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from datetime import date
from decimal import Decimal

from cadence_platform.errors import FieldError, InvalidInput

from cadence_playbook_engine.domain.renewals import add_months

RESULTS = ("renewed", "changed", "churned")
DEFAULT_RESULT = "renewed"  # closing with no result: renewed for the same term and ARR

# A typo such as 2207 for 2027 should not roll subscriptions forward two centuries.
MAX_TERM_YEARS = 10
_CURRENCY = re.compile(r"^[A-Z]{3}$")


def validate_result(result: str, new_term_end: date | None, new_arr: Mapping[str, tuple[Decimal, str]],
                    subscription_ids: Collection[str], renewal_date: date) -> list[FieldError]:
    """Every problem of a renewal result at once, each naming its field.

    - result: required, one of RESULTS.
    - new_arr (subscription id → (amount, currency)): `changed` needs at least one entry; `churned`
      must carry none; `renewed` may carry some (e.g. a price uplift at the same scope). Every entry
      must be one of this renewal's subscriptions, with an amount ≥ 0 and an ISO currency code;
      such problems are reported on `new_arr.<id>`.
    - new_term_end, when given: after the renewal date, within MAX_TERM_YEARS; none for `churned`.
    """
    problems: list[FieldError] = []
    if not result:
        problems.append(FieldError("result", "is required"))
    elif result not in RESULTS:
        problems.append(FieldError("result", "must be one of " + ", ".join(RESULTS)))

    if result == "churned" and new_arr:
        problems.append(FieldError("new_arr", "must be empty when the result is churned"))
    elif result == "changed" and not new_arr:
        problems.append(FieldError("new_arr", "is required when the result is changed: give the new ARR "
                                   "of at least one subscription"))
    if result != "churned":
        ids = set(subscription_ids)
        for sub_id in sorted(new_arr):
            amount, currency = new_arr[sub_id]
            field = f"new_arr.{sub_id}"
            if sub_id not in ids:
                problems.append(FieldError(field, "is not a subscription of this renewal"))
            elif not amount.is_finite() or amount < 0:
                problems.append(FieldError(field, "amount must be zero or more"))
            elif not _CURRENCY.match(currency):
                problems.append(FieldError(field, "currency must be a three-letter ISO code"))

    if new_term_end is not None:
        if result == "churned":
            problems.append(FieldError("new_term_end", "must be empty when the result is churned"))
        elif new_term_end <= renewal_date:
            problems.append(FieldError("new_term_end",
                                       f"must be after the renewal date ({renewal_date.isoformat()})"))
        elif new_term_end > add_months(renewal_date, 12 * MAX_TERM_YEARS):
            problems.append(FieldError("new_term_end", f"must be within {MAX_TERM_YEARS} years of the "
                                       "renewal date"))
    return problems


def check_result(result: str, new_term_end: date | None, new_arr: Mapping[str, tuple[Decimal, str]],
                 subscription_ids: Collection[str], renewal_date: date) -> None:
    """Raise InvalidInput naming every bad field, or return quietly."""
    problems = validate_result(result, new_term_end, new_arr, subscription_ids, renewal_date)
    if problems:
        raise InvalidInput("invalid renewal result: " + "; ".join(f"{e.field} {e.reason}" for e in problems),
                           problems)
