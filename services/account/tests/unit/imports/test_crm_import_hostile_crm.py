"""Hand-made Salesforce and HubSpot exports with the traps those CRMs produce."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from crm_import_helpers import csv_bytes, only_error, where

from cadence_account.domain.imports import FieldMapping, ImportFile, ImportOptions, ParsedImport, parse_import

MAP = FieldMapping.from_json({"fields": {"vendor": {"constant": "Microsoft"}, "product": {"column": "Name"}}})
ACC = "Id,IsDeleted,Name,OwnerId,Website,BillingCountry,CurrencyIsoCode"
CON = "Id,IsDeleted,AccountId,Name,StartDate,EndDate,ContractTerm,CurrencyIsoCode"
OPP = "Id,IsDeleted,AccountId,StageName,Amount,CloseDate,CurrencyIsoCode,ContractId,IsClosed,IsWon"
A1 = "001A000000000001AAA"  # 18 characters, as Data Export writes them
ACCOUNTS = (
    f"{A1},false,Acme GmbH,005X,https://www.acme.test/de/,Germany,EUR",
    "001GONE,true,Gone,005X,,,EUR",
)


def sf(
    contracts: list[str],
    opportunities: list[str] | None,
    *,
    accounts: tuple[str, ...] = ACCOUNTS,
    mapping: FieldMapping = MAP,
) -> ParsedImport:
    files = [ImportFile("Contract.csv", csv_bytes(CON, *contracts))]
    if accounts:
        files.insert(0, ImportFile("Account.csv", csv_bytes(ACC, *accounts)))
    if opportunities is not None:
        files.append(ImportFile("Opportunity.csv", csv_bytes(OPP, *opportunities)))
    return parse_import(files, ImportOptions("salesforce", mapping=mapping))


def test_contract_id_link_wins_over_the_date_match() -> None:
    result = sf(
        [f"800C1,false,{A1},M365 E3,2026-02-01,2027-01-31,12,EUR"],
        [
            f"006O1,false,{A1},Negotiation,200,2027-01-31,EUR,,false,false",
            f"006O2,false,{A1},Closed Won,100,2026-01-20,EUR,800C1,true,true",
        ],
    )
    assert result.ok, result.errors
    (sub,) = result.subscriptions
    assert (sub.external_id, sub.account_external_id, sub.arr) == ("sf:800C1", f"sf:{A1}", Decimal("100"))
    assert result.accounts[0].domain == "acme.test"
    assert [a.external_id for a in result.accounts] == [f"sf:{A1}"]  # deleted account skipped


def test_fifteen_character_references_meet_eighteen_character_ids() -> None:
    result = sf(
        [f"800C1,false,{A1[:15]},M365,2026-02-01,2027-01-31,12,EUR"],
        [f"006O1,false,{A1[:15]},Negotiation,53820.00,2027-01-31,EUR,,false,false"],
    )
    assert result.ok, result.errors
    assert result.subscriptions[0].account_external_id == f"sf:{A1}"
    assert result.subscriptions[0].arr == Decimal("53820.00")


def test_two_matching_opportunities_are_ambiguous() -> None:
    result = sf(
        [f"800C1,false,{A1},M365,2026-02-01,2027-01-31,12,EUR"],
        [
            f"006O1,false,{A1},Negotiation,200,2027-01-31,EUR,,false,false",
            f"006O2,false,{A1},Proposal,300,2027-01-31,EUR,,false,false",
            f"006O3,false,{A1},Closed Lost,999,2027-01-31,EUR,,true,false",
        ],  # lost: never counts
    )
    error = only_error(result)
    assert (error.file, error.row, error.column, error.value) == ("Contract.csv", 2, "Id", "800C1")
    assert "ambiguous ARR" in error.reason and "row 2 and row 3" in error.reason


def test_one_opportunity_cannot_carry_two_contracts() -> None:
    result = sf(
        [
            f"800C1,false,{A1},M365,2026-02-01,2027-01-31,12,EUR",
            f"800C2,false,{A1},Teams,2026-02-01,2027-01-31,12,EUR",
        ],
        [f"006O1,false,{A1},Negotiation,200,2027-01-31,EUR,,false,false"],
    )
    error = only_error(result)
    assert (error.row, error.value) == (3, "800C2") and "800C1" in error.reason


def test_no_matching_opportunity_is_a_warning_and_end_date_is_derived() -> None:
    result = sf(
        [f"800C1,false,{A1},M365,2026-02-01,,12,EUR", "800C9,true,001GONE,Old,2020-01-01,2020-12-31,12,EUR"],
        [f"006O1,false,{A1},Negotiation,200,2027-06-30,EUR,,false,false"],
    )
    assert result.ok, result.errors
    (sub,) = result.subscriptions  # the deleted contract is skipped
    assert sub.renewal_date == date(2027, 1, 31) and sub.arr is None and sub.currency == "EUR"
    contract_warnings = [w for w in result.warnings if w.file == "Contract.csv"]
    assert where(contract_warnings) == [("Contract.csv", 2, None)]
    assert "no opportunity matches" in contract_warnings[0].reason
    assert where(result.warnings)[0] == ("Account.csv", 2, "OwnerId")  # no owner mapping: unassigned


def test_contract_of_unknown_or_deleted_account_and_currency_mismatch() -> None:
    result = sf(
        [
            "800C1,false,001NOPE,M365,2026-02-01,2027-01-31,12,EUR",
            "800C2,false,001GONE,M365,2026-02-01,2027-01-31,12,EUR",
            f"800C3,false,{A1},M365,2026-02-01,2027-01-31,12,USD",
            f"800C4,false,{A1},M365,2026-02-01,2027-01-31,12,EUX",
        ],
        [f"006O1,false,{A1},Negotiation,200,2027-01-31,EUR,800C3,false,false"],
    )
    assert where(result.errors) == [
        ("Contract.csv", 2, "AccountId"),
        ("Contract.csv", 3, "AccountId"),
        ("Contract.csv", 4, "CurrencyIsoCode"),
        ("Contract.csv", 5, "CurrencyIsoCode"),
    ]
    assert "is not in the Account file" in result.errors[0].reason
    assert "is marked deleted" in result.errors[1].reason
    assert "differs from the matching opportunity's EUR" in result.errors[2].reason
    assert result.errors[3].reason == "unknown currency 'EUX'"


def test_contracts_need_the_account_file_and_mapped_columns_must_exist() -> None:
    missing = sf([f"800C1,false,{A1},M365,2026-02-01,2027-01-31,12,EUR"], None, accounts=())
    assert [(e.file, e.row) for e in missing.errors] == [("Contract.csv", None)]
    assert "no Account file" in missing.errors[0].reason
    bad_map = FieldMapping.from_json(
        {"fields": {"vendor": {"column": "Vendor__c"}, "product": {"constant": "X"}}}
    )
    result = sf([f"800C1,false,{A1},M365,2026-02-01,2027-01-31,12,EUR"], None, mapping=bad_map)
    assert where(result.errors)[0] == ("Contract.csv", None, "vendor")
    assert "Vendor__c" in result.errors[0].reason


def test_unknown_salesforce_file_lists_what_is_expected() -> None:
    files = [ImportFile("Case.csv", b"Id,Subject,Status\r\n500X,Broken,New\r\n")]
    error = only_error(parse_import(files, ImportOptions("salesforce")))
    assert error.file == "Case.csv" and error.row is None
    assert all(k in error.reason for k in ("Account", "Contract", "Opportunity", "Case.csv"))


COMPANIES = "Record ID,Company name,Company Domain Name,Company owner,Country/Region"
DEALS = "Record ID,Deal Name,Amount,Currency,Annual recurring revenue (ARR),Close Date,Associated Company IDs"
HS_MAP = FieldMapping.from_json(
    {
        "fields": {"vendor": {"constant": "Veeam"}, "product": {"column": "Deal Name"}},
        "owners": {"Sam Sales": "sam@x.test"},
    }
)


def hs(companies: list[str], deals: list[str] | None) -> ParsedImport:
    files = [ImportFile("companies.csv", csv_bytes(COMPANIES, *companies))]
    if deals is not None:
        files.append(ImportFile("deals.csv", csv_bytes(DEALS, *deals)))
    return parse_import(files, ImportOptions("hubspot", mapping=HS_MAP))


def test_hubspot_associations_and_amount_fallback() -> None:
    result = hs(
        ["1,Acme Ltd,acme.test,Sam Sales,UK", "2,Beta SARL,,Nobody Known,FR"],
        [
            "10,Acme renewal,1000,GBP,,2027-03-31,1;2",
            "11,Orphan,5,GBP,,2027-03-31,",
            "12,Ghost,5,GBP,,2027-03-31,99",
            "13,Beta renewal,9000,EUR,3000,31/03/2027,2",
        ],
    )
    assert where(result.errors) == [
        ("deals.csv", 3, "Associated Company IDs"),
        ("deals.csv", 4, "Associated Company IDs"),
    ]
    assert where(result.warnings) == [
        ("companies.csv", 3, "Company owner"),
        ("deals.csv", 2, "Associated Company IDs"),
    ]
    acme, beta = result.subscriptions
    assert (acme.account_external_id, acme.arr, acme.currency) == ("hs:1", Decimal("1000"), "GBP")  # Amount
    assert (beta.account_external_id, beta.arr, beta.renewal_date) == (
        "hs:2",
        Decimal("3000"),
        date(2027, 3, 31),
    )
    assert (
        result.accounts[0].default_rep_email == "sam@x.test" and result.accounts[1].default_rep_email is None
    )


def test_hubspot_near_duplicates_by_domain_and_name_and_real_duplicates() -> None:
    result = hs(
        [
            "1,Acme Ltd,www.acme.test,,",
            "2,Acme Holdings,https://acme.test/about,,",
            "3,ACME LIMITED,,,",
            "4,S.A.R.L. Café-Crème,,,",
            "5,Cafe Creme,,,",
            "5,Again,,,",
        ],
        None,
    )
    assert where(result.warnings) == [
        ("companies.csv", 3, "Company Domain Name"),
        ("companies.csv", 4, "Company name"),
        ("companies.csv", 6, "Company name"),
    ]
    assert "company 1" in result.warnings[0].reason and "row 2" in result.warnings[0].reason
    error = only_error(result)
    assert (error.row, error.column, error.value) == (7, "Record ID", "5")


def test_deals_need_the_companies_file() -> None:
    files = [ImportFile("deals.csv", csv_bytes(DEALS, "10,X,1,GBP,,2027-03-31,1"))]
    error = only_error(parse_import(files, ImportOptions("hubspot", mapping=HS_MAP)))
    assert (error.file, error.row) == ("deals.csv", None) and "companies" in error.reason
