"""Value parsers and the mapping document, directly."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from cadence_account.domain.imports import FieldMapping, FieldSource, ImportOptions, LocaleError, MappingError
from cadence_account.domain.imports.amounts import parse_count, parse_decimal, parse_money
from cadence_account.domain.imports.currencies import ISO_4217_CODES, normalize_currency
from cadence_account.domain.imports.dates import parse_date
from cadence_account.domain.imports.errors import BadValue
from cadence_account.domain.imports.locales import date_style, number_style
from cadence_account.domain.imports.values import parse_billing_frequency, parse_domain, parse_motion

AUTO = number_style(None)
DE = number_style("de")
FR = number_style("fr-FR")
EN = number_style("en-US")


@pytest.mark.parametrize(
    ("text", "style", "expected"),
    [
        ("1,234.56", AUTO, "1234.56"),
        ("1.234,56", AUTO, "1234.56"),
        ("1234,56", AUTO, "1234.56"),
        ("1234.56", AUTO, "1234.56"),
        ("1 234,56", AUTO, "1234.56"),
        ("1,234,567", AUTO, "1234567"),
        ("0,123", AUTO, "0.123"),
        ("1'234.50", AUTO, "1234.50"),
        ("-1.234,56", AUTO, "-1234.56"),
        ("(12.50)", AUTO, "-12.50"),
        ("1.234", DE, "1234"),
        ("1,234", DE, "1.234"),
        ("1,234", EN, "1234"),
        ("2\u202f400,00", FR, "2400.00"),
    ],
)
def test_numbers(text: str, style: object, expected: str) -> None:
    assert parse_decimal(text, style) == Decimal(expected)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "style", "reason"),
    [
        ("1,234", AUTO, "ambiguous number: 1,234 could be 1.234 or 1234; set locale"),
        ("1.234", AUTO, "ambiguous number: 1.234 could be 1.234 or 1234; set locale"),
        ("1.23.4", AUTO, "not a number: 1.23.4"),
        ("12.5", DE, "not a number in the de (1.234,56) format: 12.5"),
        ("1,2,3", AUTO, "not a number: 1,2,3"),
        ("abc", AUTO, "not a number: abc"),
    ],
)
def test_bad_numbers(text: str, style: object, reason: str) -> None:
    with pytest.raises(BadValue) as info:
        parse_decimal(text, style)  # type: ignore[arg-type]
    assert str(info.value) == reason


def test_money_markers() -> None:
    assert parse_money("€1.234,56", DE) == (Decimal("1234.56"), frozenset({"EUR"}))
    assert parse_money("€ 2 400,00", FR) == (Decimal("2400.00"), frozenset({"EUR"}))
    assert parse_money("EUR 1.234,56", AUTO) == (Decimal("1234.56"), frozenset({"EUR"}))
    assert parse_money("1 234,56 CHF", AUTO) == (Decimal("1234.56"), frozenset({"CHF"}))
    assert parse_money("-£12.00", AUTO) == (Decimal("-12.00"), frozenset({"GBP"}))
    assert parse_money("¥1,200", EN)[1] == frozenset({"JPY", "CNY"})
    with pytest.raises(BadValue, match="unknown currency 'EUX'"):
        parse_money("EUX 100", AUTO)
    with pytest.raises(BadValue, match="two currency markers"):
        parse_money("€100 USD", AUTO)


def test_counts() -> None:
    assert parse_count("115", AUTO) == 115
    assert parse_count("1,234", AUTO) == 1234  # 1.234 is no whole number, so only one reading
    with pytest.raises(BadValue, match="ambiguous"):
        parse_count("1.000", AUTO)
    with pytest.raises(BadValue, match="must not be negative"):
        parse_count("-1", AUTO)


def test_dates() -> None:
    auto = date_style(None, None)
    assert parse_date("2024-02-01 09:30", auto) == date(2024, 2, 1)
    assert parse_date("2026/12/31", auto) == date(2026, 12, 31)
    assert parse_date("31.12.26", auto) == date(2026, 12, 31)
    with pytest.raises(BadValue, match="not a calendar date"):
        parse_date("13.01.2026", date_style("en-US", None))
    assert parse_date("2026-01-31", date_style(None, "%d/%m/%Y")) == date(2026, 1, 31)  # ISO always works
    assert parse_date("31/01/2026", date_style(None, "%d/%m/%Y")) == date(2026, 1, 31)
    with pytest.raises(BadValue, match="not a date in the format"):
        parse_date("2026.01.31x", date_style(None, "%d/%m/%Y"))
    with pytest.raises(BadValue, match="not a date"):
        parse_date("next tuesday", auto)


def test_currency_table() -> None:
    assert {"EUR", "USD", "GBP", "CHF", "JPY", "XCG", "ZWG", "SLE"} <= ISO_4217_CODES
    assert len(ISO_4217_CODES) > 150
    with pytest.raises(BadValue, match="fund or special code"):
        normalize_currency("XAU")
    assert normalize_currency(" eur ") == "EUR"
    with pytest.raises(BadValue, match=r"withdrawn currency 'HRK' \(replaced by EUR\)"):
        normalize_currency("HRK")


def test_friendly_enum_spellings_and_domains() -> None:
    assert [parse_motion(m) for m in ("High Touch", "high", "tech-touch", "MID_TOUCH")] == [
        "high_touch",
        "high_touch",
        "tech_touch",
        "mid_touch",
    ]
    assert [
        parse_billing_frequency(b) for b in ("Annually", "yearly", "Monthly", "multi-year", "quarter")
    ] == [
        "annual",
        "annual",
        "monthly",
        "multi_year",
        "quarterly",
    ]
    assert parse_domain("HTTPS://www.Example.test:8443/path?q=1") == "example.test"
    with pytest.raises(BadValue):
        parse_domain("not a domain")


def test_options_are_validated() -> None:
    with pytest.raises(ValueError, match="unknown import format"):
        ImportOptions("excel")
    with pytest.raises(LocaleError, match="unsupported locale"):
        ImportOptions("template", locale="xx-YY")
    assert number_style("de_DE.UTF-8").decimal == ","
    assert number_style("de-CH").decimal == "."
    assert date_style("en", None).day_first is False and date_style("en-GB", None).day_first is True


def test_mapping_from_json() -> None:
    mapping = FieldMapping.from_json(
        {
            "fields": {"vendor": {"column": "Name"}, "product": {"constant": "Microsoft 365"}},
            "owners": {"005ABCDEFGHIJKL": "Ana@X.test"},
        }
    )
    assert mapping.fields["vendor"] == FieldSource(column="Name")
    assert mapping.fields["product"] == FieldSource(constant="Microsoft 365")
    assert mapping.owner_email("005ABCDEFGHIJKLMNO") == "ana@x.test"  # 18-character form of the id
    assert mapping.owner_email("nobody") is None


@pytest.mark.parametrize(
    ("doc", "key"),
    [
        ([], "(root)"),
        ({"fields": {}, "extra": 1}, "extra"),
        ({"fields": []}, "fields"),
        ({"fields": {"colour": {"constant": "x"}}}, "fields.colour"),
        ({"fields": {"vendor": {"column": ""}}}, "fields.vendor.column"),
        ({"fields": {"vendor": {"formula": "x"}}}, "fields.vendor.formula"),
        ({"fields": {"vendor": {"column": "a", "constant": "b"}}}, "fields.vendor"),
        ({"fields": {"vendor": "Microsoft"}}, "fields.vendor"),
        ({"owners": {"005X": "not-an-email"}}, "owners.005X"),
        ({"owners": ["005X"]}, "owners"),
    ],
)
def test_mapping_errors_name_the_key(doc: object, key: str) -> None:
    with pytest.raises(MappingError) as info:
        FieldMapping.from_json(doc)
    assert info.value.key == key
    assert key in str(info.value)
