from datetime import date
from decimal import Decimal

import pytest
from cadence_platform.errors import InvalidInput

from cadence_platform import fx
from cadence_account.domain import portfolio as rules


def fields_of(error: pytest.ExceptionInfo[InvalidInput]) -> list[str]:
    return [d.field for d in error.value.details]


def test_account_problems_are_all_named_at_once() -> None:
    with pytest.raises(InvalidInput) as error:
        rules.check_account({"name": " ", "domain": "not a domain", "currency": "EUX", "motion": "high"},
                            creating=True)
    assert fields_of(error) == ["name", "domain", "currency", "motion"]


def test_domains_are_normalised() -> None:
    assert rules.normalize_domain("https://www.Example.COM/") == "example.com"
    rules.check_account({"name": "A", "domain": "https://www.example.com/"}, creating=True)


def test_default_rep_rules() -> None:
    assert rules.check_reps(["a", "b"], "") == "a"
    assert rules.check_reps(["a", "b"], "b") == "b"
    assert rules.check_reps([], "") == ""
    with pytest.raises(InvalidInput, match="default_rep_id"):
        rules.check_reps(["a"], "c")
    with pytest.raises(InvalidInput, match="rep_ids"):
        rules.check_reps(["a", "a"], "")


def test_subscription_values_are_parsed_and_checked() -> None:
    values = rules.check_subscription({"vendor": "Veeam", "product": "B&R", "renewal_date": "2027-03-31",
                                       "term_start": "2026-04-01", "arr": ("18450", "GBP"), "quantity": 50},
                                      creating=True)
    assert values["renewal_date"] == date(2027, 3, 31) and values["arr_amount"] == Decimal("18450.00")
    assert values["arr_currency"] == "GBP" and "arr" not in values
    with pytest.raises(InvalidInput) as error:
        rules.check_subscription({"vendor": "", "product": "x", "renewal_date": "2026-02-30",
                                  "arr": ("-5", "EUX"), "quantity": -1, "billing_frequency": "weekly"},
                                 creating=True)
    assert fields_of(error) == ["vendor", "quantity", "billing_frequency", "renewal_date", "arr.amount",
                                "arr.currency"]


def test_term_start_after_renewal_is_refused() -> None:
    with pytest.raises(InvalidInput) as error:
        rules.check_subscription({"vendor": "v", "product": "p", "renewal_date": "2026-01-01",
                                  "term_start": "2026-06-01"}, creating=True)
    assert fields_of(error) == ["term_start"]


def test_tech_profile_entries() -> None:
    rules.check_tech_entries([{"vendor": "Nutanix", "product": "AHV", "status": "competitor"}])
    with pytest.raises(InvalidInput) as error:
        rules.check_tech_entries([{"vendor": "", "product": "AHV", "status": "rival"},
                                  {"vendor": "A", "product": "B", "status": "in_use"},
                                  {"vendor": "a", "product": "b", "status": "retired"}])
    assert fields_of(error) == ["entries[0].vendor", "entries[0].status", "entries[2].product"]


def test_account_stage_comes_from_its_subscriptions() -> None:
    assert rules.account_stage(["active", "renewal", "churned"]) == "renewal"
    assert rules.account_stage(["active", "onboarding"]) == "onboarding"
    assert rules.account_stage(["churned"]) == "churned"
    assert rules.account_stage([]) == ""


def test_money_converts_with_dated_ecb_rates() -> None:
    assert fx.convert(Decimal("100"), "EUR", "EUR", date(2026, 1, 5)) == Decimal("100")
    on_date = fx.convert(Decimal("100"), "EUR", "USD", date(2024, 1, 2))
    assert on_date is not None and Decimal("105") < on_date < Decimal("115")
    assert fx.convert(Decimal("100"), "EUR", "USD", date(2023, 1, 2)) != on_date  # the rate of that day
    assert fx.convert(Decimal("100"), "AED", "EUR", date(2024, 1, 2)) is None  # the ECB does not quote it


def test_an_orgs_own_rate_wins_over_the_ecb() -> None:
    assert fx.convert(Decimal("100"), "AED", "EUR", date(2024, 1, 2), {"AED": "0.25"}) == Decimal("25.00")
    assert fx.rates_to("EUR", date(2024, 1, 2), {"AED": "0.25"})["AED"] == Decimal("0.25")
