from datetime import date
from decimal import Decimal

import pytest

from cadence_playbook_engine.domain.model import RenewalKey, SubscriptionLine
from cadence_playbook_engine.domain.renewals import (
    OPEN_STAGES,
    display_vendor,
    group_renewals,
    in_window,
    is_lapsed,
    next_term_end,
    renewal_next_term_end,
    renewal_stage,
    term_months,
    vendor_key,
)

D = date(2027, 3, 31)


def line(id_: str, vendor: str = "Microsoft", renewal: date = D, stage: str = "active",
         account: str = "acct-1", term_start: date | None = None) -> SubscriptionLine:
    return SubscriptionLine(id=id_, account_id=account, vendor=vendor, renewal_date=renewal,
                            lifecycle_stage=stage, arr=Decimal("1000"), currency="EUR",
                            term_start=term_start)


def test_open_stages() -> None:
    assert OPEN_STAGES == ("onboarding", "active", "renewal")


def test_vendor_key_folds_case_and_whitespace() -> None:
    assert vendor_key("Microsoft") == vendor_key("microsoft ") == vendor_key("  MICROSOFT\t") == "microsoft"
    assert vendor_key("Palo  Alto\nNetworks") == "palo alto networks"


def test_two_co_termed_microsoft_lines_are_one_renewal() -> None:
    groups = group_renewals([line("s2", "microsoft "), line("s1", "Microsoft")])
    assert list(groups) == [RenewalKey("acct-1", "microsoft", D)]
    assert [x.id for x in groups[RenewalKey("acct-1", "microsoft", D)]] == ["s1", "s2"]


def test_different_dates_vendors_or_accounts_are_different_renewals() -> None:
    groups = group_renewals([line("s1"), line("s2", renewal=date(2027, 6, 30)), line("s3", "Veeam"),
                             line("s4", account="acct-2")])
    assert len(groups) == 4
    assert all(len(lines) == 1 for lines in groups.values())


def test_churned_and_renewed_lines_are_excluded() -> None:
    groups = group_renewals([line("s1"), line("s2", stage="churned"), line("s3", stage="renewed"),
                             line("s4", stage="churned", renewal=date(2027, 6, 30))])
    assert {k: [x.id for x in v] for k, v in groups.items()} == {RenewalKey("acct-1", "microsoft", D): ["s1"]}


def test_display_vendor_is_the_most_common_spelling() -> None:
    assert display_vendor([line("a", "microsoft "), line("b", "Microsoft"), line("c", "Microsoft")]) == "Microsoft"
    assert display_vendor([]) == ""


def test_window_edges() -> None:
    today = date(2026, 12, 1)
    assert in_window(date(2027, 3, 31), today, 120)  # exactly 120 days away
    assert not in_window(date(2027, 4, 1), today, 120)  # 121 days away
    assert in_window(today, today, 120)
    assert in_window(date(2026, 11, 1), today, 120)  # lapsed: still in the window


def test_lapsed() -> None:
    today = date(2026, 12, 1)
    assert is_lapsed(date(2026, 11, 30), today)
    assert not is_lapsed(today, today)
    assert not is_lapsed(date(2026, 12, 2), today)


def test_renewal_stage() -> None:
    assert renewal_stage([line("a", stage="active"), line("b", stage="renewal")]) == "renewal"
    assert renewal_stage([line("a", stage="onboarding"), line("b", stage="onboarding")]) == "onboarding"
    assert renewal_stage([line("a", stage="onboarding"), line("b", stage="active")]) == "active"
    assert renewal_stage([line("a", stage="onboarding"), line("b", stage="churned")]) == "onboarding"
    assert renewal_stage([]) == "active"


@pytest.mark.parametrize(("renewal", "start", "expected"), [
    (date(2028, 2, 29), None, date(2029, 2, 28)),  # default one year; 29 Feb → 28 Feb
    (date(2028, 2, 29), date(2027, 3, 1), date(2029, 2, 28)),
    (date(2027, 2, 28), date(2026, 3, 1), date(2028, 2, 29)),  # a month end stays a month end
    (date(2027, 3, 31), date(2026, 4, 1), date(2028, 3, 31)),  # end-inclusive one-year term
    (date(2027, 4, 1), date(2026, 4, 1), date(2028, 4, 1)),  # anniversary convention, same answer
    (date(2028, 6, 30), date(2025, 7, 1), date(2031, 6, 30)),  # three-year term
    (date(2027, 4, 14), date(2024, 4, 15), date(2030, 4, 14)),
    (date(2026, 6, 30), date(2026, 6, 1), date(2026, 7, 31)),  # monthly term, month end
    (date(2026, 1, 30), date(2025, 12, 31), date(2026, 2, 28)),  # monthly, clamped
    (date(2027, 3, 31), date(2027, 3, 31), date(2028, 3, 31)),  # nonsense start: default year
    (date(2027, 3, 31), date(2028, 1, 1), date(2028, 3, 31)),
])
def test_next_term_end(renewal: date, start: date | None, expected: date) -> None:
    assert next_term_end(renewal, start) == expected


def test_term_months() -> None:
    assert term_months(date(2028, 6, 30), date(2025, 7, 1)) == 36
    assert term_months(date(2027, 9, 30), date(2026, 4, 1)) == 18
    assert term_months(date(2027, 3, 31), None) == 12


def test_group_term_end_uses_the_agreement_term() -> None:
    # The add-on bought mid-term and co-termed has a 6-month first term; the agreement's is 3 years.
    lines = [line("a", renewal=date(2028, 6, 30), term_start=date(2025, 7, 1)),
             line("b", renewal=date(2028, 6, 30), term_start=date(2028, 1, 1)),
             line("c", renewal=date(2028, 6, 30))]
    assert renewal_next_term_end(lines) == date(2031, 6, 30)
    assert renewal_next_term_end([line("c", renewal=date(2028, 2, 29))]) == date(2029, 2, 28)
    with pytest.raises(ValueError):
        renewal_next_term_end([])
