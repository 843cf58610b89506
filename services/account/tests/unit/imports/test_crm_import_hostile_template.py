"""Hand-made hostile template files: each problem is reported at its exact file/row/column."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from crm_import_helpers import MINIMAL, csv_bytes, only_error, run, where

HEADER = MINIMAL + ",arr,arr_currency"


def row(
    sub: str = "s1",
    *,
    account: str = "a1",
    name: str = "Acme",
    renewal: str = "2026-12-31",
    arr: str = "",
    currency: str = "",
) -> str:
    return f"{account},{name},{sub},Microsoft,M365,{renewal},{arr},{currency}"


def test_ambiguous_date_without_locale() -> None:
    error = only_error(run(csv_bytes(HEADER, row(renewal="03/04/2026"))))
    assert (error.file, error.row, error.column, error.value) == ("t.csv", 2, "renewal_date", "03/04/2026")
    assert error.reason == "ambiguous date: 03/04/2026 could be 3 April or 4 March; set locale or date_format"


def test_slash_dates_follow_the_locale_or_date_format() -> None:
    data = csv_bytes(HEADER, row(renewal="03/04/2026"))
    assert run(data, locale="en-GB").subscriptions[0].renewal_date == date(2026, 4, 3)
    assert run(data, locale="en-US").subscriptions[0].renewal_date == date(2026, 3, 4)
    assert run(data, locale="en").subscriptions[0].renewal_date == date(2026, 3, 4)
    assert run(data, locale="de-DE").subscriptions[0].renewal_date == date(2026, 4, 3)
    assert run(data, date_format="%m/%d/%Y").subscriptions[0].renewal_date == date(2026, 3, 4)


def test_only_one_valid_reading_is_not_ambiguous() -> None:
    result = run(
        csv_bytes(
            HEADER,
            row("s1", renewal="31.12.2026"),
            row("s2", renewal="12/31/2026"),
            row("s3", renewal="05/05/2026"),
            row("s4", renewal="2026-02-01T09:30:00.000Z"),
        )
    )
    assert result.ok, result.errors
    assert [s.renewal_date for s in result.subscriptions] == [
        date(2026, 12, 31),
        date(2026, 12, 31),
        date(2026, 5, 5),
        date(2026, 2, 1),
    ]


def test_impossible_dates() -> None:
    result = run(csv_bytes(HEADER, row("s1", renewal="2026-02-30"), row("s2", renewal="31/31/2026")))
    assert where(result.errors) == [("t.csv", 2, "renewal_date"), ("t.csv", 3, "renewal_date")]
    assert result.errors[0].reason == "not a calendar date: 2026-02-30"
    assert result.errors[1].reason == "not a calendar date: 31/31/2026"
    us = only_error(run(csv_bytes(HEADER, row(renewal="02/30/2026")), locale="en-US"))
    assert us.reason.startswith("not a calendar date: 02/30/2026")


def test_ambiguous_numbers_without_locale() -> None:
    result = run(
        csv_bytes(HEADER, row("s1", arr='"1,234"', currency="EUR"), row("s2", arr="1.234", currency="EUR"))
    )
    assert where(result.errors) == [("t.csv", 2, "arr"), ("t.csv", 3, "arr")]
    assert result.errors[0].reason == "ambiguous number: 1,234 could be 1.234 or 1234; set locale"
    assert result.errors[1].value == "1.234"
    data = csv_bytes(HEADER, row(arr='"1,234"', currency="EUR"))
    assert run(data, locale="en").subscriptions[0].arr == Decimal("1234")
    assert run(data, locale="de").subscriptions[0].arr == Decimal("1.234")


def test_unambiguous_numbers_without_locale() -> None:
    amounts = [
        '"1,234.56"',
        '"1.234,56"',
        '"1234,56"',
        "1234.56",
        '"1 234,56"',
        '"EUR 1.234,56"',
        '"1\u00a0234,56 €"',
        '"1\u202f234,56"',
        '"€1.234,56"',
    ]
    result = run(csv_bytes(HEADER, *(row(f"s{i}", arr=a, currency="EUR") for i, a in enumerate(amounts))))
    assert result.ok, result.errors
    assert {s.arr for s in result.subscriptions} == {Decimal("1234.56")}


def test_unknown_currency() -> None:
    error = only_error(run(csv_bytes(HEADER, row(arr="100", currency="EUX"))))
    assert (error.row, error.column, error.value, error.reason) == (
        2,
        "arr_currency",
        "EUX",
        "unknown currency 'EUX'",
    )


def test_currency_symbol_contradicting_the_currency_column() -> None:
    error = only_error(run(csv_bytes(HEADER, row(arr='"€1.234,56"', currency="USD")), locale="de"))
    assert (error.row, error.column, error.value) == (2, "arr", "€1.234,56")
    assert "USD" in error.reason


def test_symbol_supplies_a_missing_currency_only_when_unambiguous() -> None:
    ok = run(csv_bytes(HEADER, row(arr='"€1.234,56"')), locale="de")
    assert ok.subscriptions[0].currency == "EUR"
    error = only_error(run(csv_bytes(HEADER, row(arr="$100"))))
    assert (error.column, error.reason.startswith("required: arr_currency")) == ("arr_currency", True)


def test_conflicting_account_fields_across_rows() -> None:
    header = MINIMAL + ",account_domain,country"
    data = csv_bytes(
        header,
        "a1,Acme,s1,Microsoft,M365,2026-12-31,acme.test,DE",
        "a1,,s2,Microsoft,M365,2026-12-31,,",  # empty cells on later rows do not conflict
        "a1,Acme Corp,s3,Microsoft,M365,2026-12-31,acme.test,FR",
    )
    result = run(data)
    assert where(result.errors) == [("t.csv", 4, "account_name"), ("t.csv", 4, "country")]
    assert "row 2" in result.errors[0].reason and "'Acme Corp'" in result.errors[0].reason
    assert result.errors[1].value == "FR"
    assert [s.external_id for s in result.subscriptions] == ["s1", "s2"]


def test_later_rows_fill_in_account_fields() -> None:
    header = MINIMAL + ",account_domain,owner_email,rep_emails"
    data = csv_bytes(
        header,
        "a1,Acme,s1,Microsoft,M365,2026-12-31,,ana@x.test,",
        "a1,Acme,s2,Microsoft,M365,2026-12-31,https://www.Acme.test/en,,bob@x.test;cy@x.test",
    )
    result = run(data)
    assert result.ok, result.errors
    (account,) = result.accounts
    assert account.domain == "acme.test" and account.source_row == 2
    assert account.default_rep_email == "ana@x.test"
    assert account.rep_emails == ("ana@x.test", "bob@x.test", "cy@x.test")


def test_duplicate_subscription_ids() -> None:
    result = run(csv_bytes(HEADER, row("s1"), row("s2"), row("s1")))
    error = only_error(result)
    assert (error.row, error.column, error.value) == (4, "subscription_external_id", "s1")
    assert "row 2" in error.reason


def test_duplicate_subscription_ids_across_files() -> None:
    from cadence_account.domain.imports import ImportFile, ImportOptions, parse_import

    files = [
        ImportFile("one.csv", csv_bytes(HEADER, row("s1"))),
        ImportFile("two.csv", csv_bytes(HEADER, row("s1"))),
    ]
    error = only_error(parse_import(files, ImportOptions("template")))
    assert (error.file, error.row) == ("two.csv", 2) and "row 2 of one.csv" in error.reason


def test_more_cells_than_header() -> None:
    result = run(csv_bytes(HEADER, row("s1"), row("s2") + ",extra", row("s3")))
    error = only_error(result)
    assert (error.file, error.row, error.column, error.value) == ("t.csv", 3, None, "extra")
    assert "9 cells" in error.reason and "8 columns" in error.reason
    assert [s.external_id for s in result.subscriptions] == ["s1", "s3"]


def test_empty_file_and_header_only() -> None:
    for data in (b"", b"\xef\xbb\xbf", b"\r\n  \r\n"):
        error = only_error(run(data))
        assert (error.file, error.row, error.reason) == ("t.csv", None, "file is empty")
    error = only_error(run(csv_bytes(HEADER)))
    assert (error.row, error.reason) == (None, "no data rows: the file has only a header")


def test_unknown_header_names_the_file_and_what_was_expected() -> None:
    error = only_error(run(b"foo,bar\r\n1,2\r\n", name="export.csv"))
    assert (error.file, error.row) == ("export.csv", None)
    assert "export.csv" in error.reason and "subscription_external_id" in error.reason
    assert "contacts" in error.reason and "tech-profile" in error.reason


def test_duplicate_header_column() -> None:
    error = only_error(run(csv_bytes(HEADER + ",ARR", row() + ",5")))
    assert (error.row, error.column) == (1, "ARR")
    assert "appears twice" in error.reason and "columns G and I" in error.reason


def test_missing_required_columns_and_unknown_columns() -> None:
    result = run(
        csv_bytes(
            "account_external_id,account_name,subscription_external_id,product,colour", "a1,Acme,s1,M365,blue"
        )
    )
    assert where(result.errors) == [("t.csv", None, "renewal_date"), ("t.csv", None, "vendor")]
    assert result.errors[1].reason == "required: vendor (the file has no vendor column; map one)"
    assert where(result.warnings) == [("t.csv", 1, "colour")]


def test_invalid_enumerations_emails_and_counts_all_reported() -> None:
    header = (
        MINIMAL
        + ",motion,billing_frequency,lifecycle_stage,owner_email,csm_email,rep_emails,quantity,active_users"
    )
    data = csv_bytes(
        header,
        "a1,Acme,s1,Microsoft,M365,2026-12-31,sky touch,fortnightly,dormant,ana@,x,ok@x.test|nope,-5,1.5",
        'a2,Beta,s2,Microsoft,M365,2026-12-31,High Touch,Yearly,Renewal,ana@x.test,,,"1,234",',
    )
    result = run(data)
    assert where(result.errors) == [
        ("t.csv", 2, "owner_email"),
        ("t.csv", 2, "motion"),
        ("t.csv", 2, "csm_email"),
        ("t.csv", 2, "rep_emails"),
        ("t.csv", 2, "quantity"),
        ("t.csv", 2, "active_users"),
        ("t.csv", 2, "billing_frequency"),
        ("t.csv", 2, "lifecycle_stage"),
    ]
    reasons = {e.column: e.reason for e in result.errors}
    assert reasons["motion"].startswith("unknown motion 'sky touch'; use one of high_touch")
    assert reasons["quantity"] == "must not be negative: -5"
    assert reasons["active_users"] == "not a whole number: 1.5"
    assert reasons["rep_emails"] == "not an e-mail address: 'nope'"
    # Row 3 is fine: friendly spellings, and "1,234" seats can only be a whole number.
    (good,) = result.subscriptions
    assert (good.billing_frequency, good.lifecycle_stage, good.quantity) == ("annual", "renewal", 1234)
    assert result.accounts[0].motion == "high_touch"


def test_auto_renew_spellings() -> None:
    header = MINIMAL + ",auto_renew"
    values = ["true", "NO", "1", "0", "ja", "Nein", "oui", "non", "", "maybe"]
    result = run(csv_bytes(header, *(f"a1,Acme,s{i},V,P,2026-12-31,{v}" for i, v in enumerate(values))))
    assert [s.auto_renew for s in result.subscriptions] == [
        True,
        False,
        True,
        False,
        True,
        False,
        True,
        False,
        None,
    ]
    assert where(result.errors) == [("t.csv", 11, "auto_renew")]


def test_missing_renewal_date_vendor_and_name() -> None:
    result = run(csv_bytes(HEADER, "a1,,s1,,M365,,,", "a1,,s2,Microsoft,M365,2026-12-31,,"))
    assert where(result.errors) == [
        ("t.csv", 2, "renewal_date"),
        ("t.csv", 2, "vendor"),
        ("t.csv", 2, "account_name"),  # no row of the account names it: reported at its first row
    ]


def test_a_file_full_of_problems_reports_every_one() -> None:
    header = HEADER + ",quantity,billing_frequency"
    data = csv_bytes(
        header,
        "a1,Acme,s1,Microsoft,M365,2026-12-31,100,EUR,5,annual",
        "a1,Acme,s2,Microsoft,M365,03/04/2026,100,EUR,5,annual",
        "a1,Acme AG,s3,Microsoft,M365,2026-12-31,100,EUR,5,annual",
        "a2,Beta,s1,Microsoft,M365,2026-12-31,100,EUX,-2,weekly",
        'a3,Gamma,s4,,M365,2026-02-30,"1,234",EUR,5,annual,surplus',
        "a4,Delta,s5,Microsoft,M365,2026-12-31,100,EUR,5,annual",
    )
    result = run(data)
    assert where(result.errors) == [
        ("t.csv", 3, "renewal_date"),
        ("t.csv", 4, "account_name"),
        ("t.csv", 5, "arr_currency"),
        ("t.csv", 5, "quantity"),
        ("t.csv", 5, "billing_frequency"),
        ("t.csv", 5, "subscription_external_id"),
        ("t.csv", 6, None),
    ]
    assert [s.external_id for s in result.subscriptions] == ["s1", "s5"]
    assert not result.ok


def test_a_file_whose_only_row_is_broken_is_not_called_header_only() -> None:
    error = only_error(run(csv_bytes(HEADER, row() + ",,")))
    assert (error.row, error.column, error.value) == (2, None, None)
    assert error.reason.startswith("row has 10 cells but the header has 8 columns")
