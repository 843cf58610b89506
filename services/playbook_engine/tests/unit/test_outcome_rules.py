from datetime import date
from decimal import Decimal

import pytest

from cadence_platform.errors import InvalidInput

from cadence_playbook_engine.domain.outcomes import RESULTS, check_result, validate_result

RENEWAL = date(2027, 3, 31)
SUBS = ["sub-1", "sub-2"]


def problems(result: str, end: date | None = None, arr: dict[str, tuple[Decimal, str]] | None = None,
             ) -> dict[str, str]:
    return {e.field: e.reason for e in validate_result(result, end, arr or {}, SUBS, RENEWAL)}


def test_results() -> None:
    assert RESULTS == ("renewed", "changed", "churned")


def test_good_results() -> None:
    assert problems("renewed") == {}
    assert problems("renewed", date(2028, 3, 31)) == {}
    assert problems("changed", date(2028, 3, 31), {"sub-1": (Decimal("1200.50"), "EUR")}) == {}
    assert problems("changed", None, {"sub-1": (Decimal("0"), "EUR"), "sub-2": (Decimal("9"), "GBP")}) == {}
    assert problems("churned") == {}
    assert problems("renewed", None, {"sub-2": (Decimal("1100"), "EUR")}) == {}  # a price uplift
    check_result("renewed", None, {}, SUBS, RENEWAL)


def test_result_is_required_and_valid() -> None:
    assert problems("") == {"result": "is required"}
    assert problems("lost") == {"result": "must be one of renewed, changed, churned"}


def test_changed_needs_new_arr_of_this_renewal_only() -> None:
    assert list(problems("changed")) == ["new_arr"]
    assert problems("changed", None, {"sub-9": (Decimal("5"), "EUR"), "sub-1": (Decimal("-1"), "EUR"),
                                      "sub-2": (Decimal("5"), "euro")}) == {
        "new_arr.sub-9": "is not a subscription of this renewal",
        "new_arr.sub-1": "amount must be zero or more",
        "new_arr.sub-2": "currency must be a three-letter ISO code",
    }
    assert list(problems("changed", None, {"sub-1": (Decimal("NaN"), "EUR")})) == ["new_arr.sub-1"]


def test_churned_carries_no_new_arr_or_term() -> None:
    assert problems("churned", date(2028, 3, 31), {"sub-1": (Decimal("5"), "EUR")}) == {
        "new_arr": "must be empty when the result is churned",
        "new_term_end": "must be empty when the result is churned",
    }


def test_new_term_end_must_be_after_the_renewal_date() -> None:
    assert problems("renewed", RENEWAL) == {"new_term_end": "must be after the renewal date (2027-03-31)"}
    assert problems("renewed", date(2027, 1, 1)) == {"new_term_end": "must be after the renewal date (2027-03-31)"}
    assert problems("renewed", date(2027, 4, 1)) == {}
    assert problems("renewed", date(2037, 3, 31)) == {}
    assert list(problems("renewed", date(2207, 3, 31))) == ["new_term_end"]


def test_check_result_raises_naming_every_field() -> None:
    with pytest.raises(InvalidInput) as error:
        check_result("changed", RENEWAL, {"sub-3": (Decimal("1"), "EUR")}, SUBS, RENEWAL)
    assert [d.field for d in error.value.details] == ["new_arr.sub-3", "new_term_end"]
