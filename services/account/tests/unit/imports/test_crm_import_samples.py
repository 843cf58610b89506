"""Every shared CRM sample parses in its own format, with its concrete values."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from crm_import_helpers import needs_samples, sample

from cadence_account.domain.imports import FieldMapping, ImportOptions, parse_import

pytestmark = needs_samples

SF_FILES = ("salesforce_Account.csv", "salesforce_Contract.csv", "salesforce_Opportunity.csv")
HS_FILES = ("hubspot_companies.csv", "hubspot_deals.csv")


def test_cadence_template() -> None:
    result = parse_import([sample("cadence_template.csv")], ImportOptions("template"))
    assert result.ok, result.errors
    assert result.warnings == []
    assert [a.external_id for a in result.accounts] == ["sf:001FIXTURE0000001AAA", "hs:9001"]
    nordlicht = result.accounts[0]
    assert nordlicht.name == "Nordlicht Logistik GmbH"
    assert nordlicht.domain == "nordlicht.example.test"
    assert nordlicht.country == "DE"
    assert nordlicht.currency == "EUR"
    assert nordlicht.territory == "EMEA-DACH"
    assert nordlicht.default_rep_email == "ana@reseller.example.test"
    assert nordlicht.rep_emails == ("ana@reseller.example.test",)
    assert nordlicht.source_row == 2
    m365, esx, veeam = result.subscriptions
    assert m365.external_id == "sf:800FIXTURE0000001AAA"
    assert m365.arr == Decimal("53820.00") and m365.currency == "EUR"
    assert m365.quantity == 115 and m365.unit == "user"
    assert m365.term_start == date(2026, 2, 1) and m365.renewal_date == date(2027, 1, 31)
    assert m365.auto_renew is False and m365.billing_frequency == "annual"
    assert esx.account_external_id == "sf:001FIXTURE0000001AAA"
    assert esx.version == "7.0 Update 3" and esx.lifecycle_product_id == "vmware-esxi"
    assert esx.arr == Decimal("0")
    assert veeam.account_external_id == "hs:9001"
    assert veeam.arr == Decimal("18450") and veeam.currency == "GBP" and veeam.auto_renew is True
    assert veeam.source_row == 4


def test_excel_utf8_bom() -> None:
    result = parse_import([sample("excel_utf8_bom.csv")], ImportOptions("template"))
    assert result.ok, result.errors
    assert result.accounts[0].external_id == "x1"  # the BOM is not part of the first header
    assert result.accounts[0].name == "Société Générale Test (fixture)"
    sub = result.subscriptions[0]
    assert (sub.arr, sub.currency, sub.renewal_date) == (Decimal("1234.56"), "EUR", date(2025, 12, 31))


def test_excel_german_semicolon_decimal_comma() -> None:
    result = parse_import(
        [sample("excel_de_semicolon_decimal_comma.csv")], ImportOptions("template", locale="de")
    )
    assert result.ok, result.errors
    assert result.accounts[0].name == "Müller & Söhne KG (fixture)"
    sub = result.subscriptions[0]
    assert sub.arr == Decimal("1234.56") and sub.currency == "EUR"
    assert sub.term_start == date(2026, 1, 1) and sub.renewal_date == date(2026, 12, 31)
    assert sub.quantity == 16


def test_excel_german_file_without_locale_is_still_unambiguous() -> None:
    # 01.01.2026 reads the same both ways, 31.12.2026 only one way, €1.234,56 only one way.
    result = parse_import([sample("excel_de_semicolon_decimal_comma.csv")], ImportOptions("template"))
    assert result.ok, result.errors
    assert result.subscriptions[0].arr == Decimal("1234.56")


def test_excel_french_windows_1252() -> None:
    result = parse_import([sample("excel_fr_windows1252.csv")], ImportOptions("template", locale="fr"))
    assert result.ok, result.errors
    assert result.accounts[0].name == "Café Crème SARL (fixture)"
    sub = result.subscriptions[0]
    assert sub.arr == Decimal("2400.00") and sub.currency == "EUR"
    assert [w.reason for w in result.warnings] == ["not UTF-8: read as Windows-1252"]


def test_salesforce_without_vendor_mapping_reports_vendor_and_product() -> None:
    result = parse_import([sample(n) for n in SF_FILES], ImportOptions("salesforce"))
    assert not result.ok
    assert [(e.file, e.row, e.column) for e in result.errors] == [
        ("salesforce_Contract.csv", 2, "vendor"),
        ("salesforce_Contract.csv", 2, "product"),
    ]
    assert "map one" in result.errors[0].reason
    assert result.subscriptions == []


def test_salesforce_with_mapping() -> None:
    mapping = FieldMapping.from_json(
        {
            "fields": {
                "vendor": {"constant": "Microsoft"},
                "product": {"constant": "Microsoft 365 E3"},
                "billing_frequency": {"constant": "Annually"},
                "channel": {"constant": "CSP"},
            },
            "owners": {"005FIXTURE0000001AAA": "Ana@Reseller.example.test"},
        }
    )
    result = parse_import([sample(n) for n in SF_FILES], ImportOptions("salesforce", mapping=mapping))
    assert result.ok, result.errors
    assert result.warnings == []
    (account,) = result.accounts
    assert account.external_id == "sf:001FIXTURE0000001AAA"
    assert account.name == "Nordlicht Logistik GmbH (fixture)"
    assert account.domain == "nordlicht.example.test"
    assert account.country == "Germany" and account.currency == "EUR"
    assert account.default_rep_email == "ana@reseller.example.test"
    (sub,) = result.subscriptions
    assert sub.external_id == "sf:800FIXTURE0000001AAA"
    assert sub.account_external_id == "sf:001FIXTURE0000001AAA"
    assert sub.arr == Decimal("53820.00") and sub.currency == "EUR"  # from the renewal opportunity
    assert sub.term_start == date(2026, 2, 1) and sub.renewal_date == date(2027, 1, 31)
    assert (sub.vendor, sub.product, sub.billing_frequency, sub.channel) == (
        "Microsoft",
        "Microsoft 365 E3",
        "annual",
        "CSP",
    )


def test_salesforce_unmapped_owner_is_a_warning() -> None:
    mapping = FieldMapping.from_json(
        {"fields": {"vendor": {"constant": "Microsoft"}, "product": {"column": "Name"}}}
    )
    result = parse_import([sample(n) for n in SF_FILES], ImportOptions("salesforce", mapping=mapping))
    assert result.ok, result.errors
    assert result.accounts[0].default_rep_email is None and result.accounts[0].rep_emails == ()
    (warning,) = result.warnings
    assert (warning.file, warning.row, warning.column) == ("salesforce_Account.csv", 2, "OwnerId")
    assert result.subscriptions[0].product == "Microsoft CSP annual (fixture)"


def test_hubspot_without_vendor_mapping_reports_vendor_and_product() -> None:
    result = parse_import([sample(n) for n in HS_FILES], ImportOptions("hubspot"))
    assert [(e.file, e.row, e.column) for e in result.errors] == [
        ("hubspot_deals.csv", 2, "vendor"),
        ("hubspot_deals.csv", 2, "product"),
    ]


def test_hubspot_with_mapping_and_near_duplicate_warning() -> None:
    mapping = FieldMapping.from_json(
        {
            "fields": {
                "vendor": {"constant": "Veeam"},
                "product": {"constant": "Veeam Backup & Replication"},
            },
            "owners": {"sam sales": "sam@reseller.example.test"},
        }
    )
    result = parse_import([sample(n) for n in HS_FILES], ImportOptions("hubspot", mapping=mapping))
    assert result.ok, result.errors
    assert [a.external_id for a in result.accounts] == ["hs:9001", "hs:9002"]  # both land
    assert result.accounts[0].name == "Bluebay Harbour Ltd (fixture)"
    assert result.accounts[0].domain == "bluebay.example.test"
    assert result.accounts[0].default_rep_email == "sam@reseller.example.test"
    (dup,) = result.warnings
    assert (dup.file, dup.row, dup.column) == ("hubspot_companies.csv", 3, "Company name")
    assert "9001" in dup.reason and "row 2" in dup.reason and "duplicate" in dup.reason
    (deal,) = result.subscriptions
    assert deal.external_id == "hs:7001" and deal.account_external_id == "hs:9001"
    assert deal.arr == Decimal("18450") and deal.currency == "GBP"
    assert deal.renewal_date == date(2027, 3, 31)


def test_every_sample_file_is_recognised() -> None:
    from crm_import_helpers import CRM_DIR

    formats = {"salesforce": SF_FILES, "hubspot": HS_FILES}
    template = [
        p.name for p in sorted(CRM_DIR.glob("*.csv")) if not p.name.startswith(("salesforce", "hubspot"))
    ]
    assert len(template) + len(SF_FILES) + len(HS_FILES) == len(list(CRM_DIR.glob("*.csv")))
    for name in template:
        locale = {"excel_de_semicolon_decimal_comma.csv": "de", "excel_fr_windows1252.csv": "fr"}.get(name)
        result = parse_import([sample(name)], ImportOptions("template", locale=locale))
        assert result.ok, (name, result.errors)
    for fmt, names in formats.items():
        result = parse_import([sample(n) for n in names], ImportOptions(fmt))
        assert not any("not a recognised" in e.reason for e in result.errors)
        assert result.accounts
