"""Renewals: which subscriptions renew together, when a renewal enters its window, the next term.

A renewal is an account's open subscriptions with one vendor and one renewal date (co-termed lines
renew together). Pure: `today` is always passed in (it is the org's local date).
"""

from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date

from cadence_playbook_engine.domain.model import RenewalKey, SubscriptionLine

# Stages of a subscription that is still running. `renewed` and `churned` lines are history: a
# renewed line has already been rolled forward to its next date, a churned one will not renew.
OPEN_STAGES = ("onboarding", "active", "renewal")

DEFAULT_TERM_MONTHS = 12
# Mean Gregorian month, to turn a term in days into whole months whatever the leap years inside it.
_DAYS_PER_MONTH = 365.2425 / 12


def vendor_key(vendor: str) -> str:
    """The vendor as a grouping key: case-folded, whitespace collapsed ("Microsoft " == "microsoft")."""
    return " ".join(vendor.split()).casefold()


def renewal_key(line: SubscriptionLine) -> RenewalKey:
    return RenewalKey(line.account_id, vendor_key(line.vendor), line.renewal_date)


def group_renewals(lines: Iterable[SubscriptionLine]) -> dict[RenewalKey, list[SubscriptionLine]]:
    """Open lines grouped into renewals; keys sorted and each group's lines sorted by id.

    Sorting makes the result independent of the order rows came back from a query, so two
    replicas (or a retry) build the same renewal with the same subscription list.
    """
    groups: dict[RenewalKey, list[SubscriptionLine]] = {}
    for line in lines:
        if line.lifecycle_stage not in OPEN_STAGES:
            continue
        groups.setdefault(renewal_key(line), []).append(line)
    return {
        key: sorted(groups[key], key=lambda line: line.id)
        for key in sorted(groups, key=lambda k: (k.account_id, k.vendor_key, k.renewal_date))
    }


def display_vendor(lines: Sequence[SubscriptionLine]) -> str:
    """The vendor name to show for a renewal: its lines' most common spelling (ties: alphabetical)."""
    spellings = Counter(" ".join(line.vendor.split()) for line in lines)
    if not spellings:
        return ""
    return min(spellings, key=lambda name: (-spellings[name], name))


def in_window(renewal_date: date, today: date, trigger_days: int) -> bool:
    """True once the renewal is `trigger_days` or fewer days away, and ever after.

    A lapsed renewal (date already past) stays in the window: it still needs a run, and
    schedule_run starts it with a "lapsed renewal" action.
    """
    return (renewal_date - today).days <= trigger_days


def is_lapsed(renewal_date: date, today: date) -> bool:
    """The renewal date has passed with the renewal still open (the renewal day itself is not lapsed)."""
    return renewal_date < today


def renewal_stage(lines: Iterable[SubscriptionLine]) -> str:
    """The group's lifecycle stage for playbook matching.

    "renewal" if any open line is already in its renewal window, "onboarding" only when every open
    line is still onboarding (a first renewal), else "active". Non-open lines are ignored.
    """
    stages = [line.lifecycle_stage for line in lines if line.lifecycle_stage in OPEN_STAGES]
    if "renewal" in stages:
        return "renewal"
    if stages and all(stage == "onboarding" for stage in stages):
        return "onboarding"
    return "active"


def term_months(renewal_date: date, term_start: date | None) -> int:
    """The current term in whole months (default 12 when unknown or nonsensical).

    Terms are stored end-inclusive (term_start 2026-04-01, renewal 2027-03-31 is 12 months) but some
    sources give anniversaries (2026-04-01 → 2027-04-01); counting days + 1 and rounding to the
    nearest month gives 12 for both, and 36 for a three-year term across a leap year.
    """
    if term_start is None or term_start >= renewal_date:
        return DEFAULT_TERM_MONTHS
    days = (renewal_date - term_start).days + 1
    return max(1, round(days / _DAYS_PER_MONTH))


def add_months(day: date, months: int) -> date:
    """`months` later; a month-end stays a month-end, other days clamp to the month's last day.

    Month ends stick because end-inclusive terms end the day before a start anniversary: a term
    ending 2027-02-28 (started 2026-03-01) next ends 2028-02-29, and 2026-04-30 → 2027-04-30.
    29 February goes to 28 February in a common year (2028-02-29 → 2029-02-28).
    """
    year, month0 = divmod(day.year * 12 + day.month - 1 + months, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    at_month_end = day.day == calendar.monthrange(day.year, day.month)[1]
    return date(year, month0 + 1, last if at_month_end else min(day.day, last))


def next_term_end(renewal_date: date, term_start: date | None) -> date:
    """The end of the next term: the same length again (term_start → renewal_date), default one year.

    See term_months for how the length is measured and add_months for month ends and 29 February.
    """
    return add_months(renewal_date, term_months(renewal_date, term_start))


def renewal_next_term_end(lines: Sequence[SubscriptionLine]) -> date:
    """Default new term end for a co-termed group (RenewalResult.new_term_end when none is given).

    The earliest term start wins: a line bought mid-term and co-termed onto the agreement has a
    short first term, while the agreement's own term is the one that repeats.
    """
    if not lines:
        raise ValueError("a renewal has at least one subscription")
    starts = [line.term_start for line in lines if line.term_start is not None]
    renewal_date = lines[0].renewal_date
    return next_term_end(renewal_date, min(starts) if starts else None)
