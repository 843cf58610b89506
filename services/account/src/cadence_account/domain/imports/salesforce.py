"""Salesforce Data Export: Account.csv, Contract.csv and Opportunity.csv (API field names).

Accounts become accounts and contracts become subscriptions; ARR comes from the opportunities
(see salesforce_arr).

Salesforce ids come as 15-character (case-sensitive) or 18-character values (15 + checksum);
references are compared on the first 15 characters so both spellings meet.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from .crm import (
    FirstSeen,
    build_account,
    build_subscription,
    flush,
    is_deleted,
    mapped_account_fields,
    mapped_subscription_fields,
    owner_reps,
    readers,
)
from .currencies import normalize_currency
from .decoding import CsvTable
from .fields import RowReader, Settings, Src, resolve
from .mapping import ACCOUNT_FIELDS, SUBSCRIPTION_FIELDS
from .model import ParsedImport, RowIssue
from .salesforce_arr import Opportunity, match_arr, read_opportunities

EXPECTED = (
    "an Account export (Id, Name, OwnerId, Website, …), a Contract export (Id, AccountId, StartDate, "
    "EndDate, ContractTerm, …) or an Opportunity export (Id, AccountId, StageName, Amount, CloseDate, …)"
)
_ACCOUNT = {
    "id": "id",
    "deleted": "isdeleted",
    "name": "name",
    "domain": "website",
    "country": "billingcountry",
    "currency": "currencyisocode",
    "owner": "ownerid",
}
_CONTRACT = {
    "id": "id",
    "deleted": "isdeleted",
    "account": "accountid",
    "start": "startdate",
    "end": "enddate",
    "term": "contractterm",
    "currency": "currencyisocode",
}


def detect_salesforce_kind(keys: set[str]) -> str | None:
    if {"id", "accountid", "startdate", "enddate", "contractterm"} <= keys:
        return "contract"
    if {"id", "accountid", "stagename", "amount", "closedate"} <= keys:
        return "opportunity"
    if {"id", "name", "ownerid"} <= keys and "accountid" not in keys:
        return "account"
    return None


def read_salesforce(
    tables: dict[str, list[CsvTable]], settings: Settings, out: ParsedImport
) -> set[str] | None:
    """Add the export's accounts and subscriptions to `out`; return the account external ids
    the job defines (None when it has no Account file)."""
    accounts: dict[str, str] = {}
    deleted: set[str] = set()
    # Shared by all files of a kind: a duplicate may sit in a second Account.csv.
    account_ids, contract_ids = FirstSeen({}), FirstSeen({})
    used: dict[int, str] = {}
    for table in tables.get("account", []):
        _read_accounts(table, settings, out, accounts, deleted, account_ids)
    opportunities = [o for t in tables.get("opportunity", []) for o in read_opportunities(t, settings, out)]
    contracts = tables.get("contract", [])
    if not contracts:
        for table in tables.get("opportunity", []):
            out.add_issue(
                RowIssue(
                    table.name,
                    None,
                    None,
                    None,
                    "no Contract file in this job: opportunities only supply contracts' "
                    "ARR, so nothing is imported from this file",
                    "warning",
                )
            )
    for table in contracts:
        _read_contracts(
            table,
            settings,
            out,
            accounts if "account" in tables else None,
            deleted,
            opportunities if "opportunity" in tables else None,
            contract_ids,
            used,
        )
    return {f"sf:{sf_id}" for sf_id in accounts.values()} if "account" in tables else None


def _sources(
    table: CsvTable, columns: dict[str, str], settings: Settings, out: ParsedImport, mappable: frozenset[str]
) -> dict[str, Src]:
    issues: list[RowIssue] = []
    sources = resolve(table, columns, settings.mapping, mappable, issues)
    for issue in issues:
        out.add_issue(issue)
    return sources


def _read_accounts(
    table: CsvTable,
    settings: Settings,
    out: ParsedImport,
    accounts: dict[str, str],
    deleted: set[str],
    seen: FirstSeen,
) -> None:
    s = _sources(table, _ACCOUNT, settings, out, ACCOUNT_FIELDS)
    for reader in readers(table, out):
        sf_id = reader.require(s["id"])
        if sf_id is not None and is_deleted(reader, s["deleted"]):
            deleted.add(sf_id[:15])
            continue
        values = mapped_account_fields(reader, s)
        if values["name"] is None:
            reader.require(s["name"])
        owner, reps = owner_reps(reader, s["owner"], settings.mapping, f"account {sf_id}")
        if sf_id is not None and seen.check(reader, sf_id[:15], s["id"].label, sf_id):
            accounts[sf_id[:15]] = sf_id
        if flush(reader, out) and sf_id is not None:
            out.accounts.append(build_account(reader, f"sf:{sf_id}", values, owner, reps))


def _read_contracts(
    table: CsvTable,
    settings: Settings,
    out: ParsedImport,
    accounts: dict[str, str] | None,
    deleted: set[str],
    opportunities: list[Opportunity] | None,
    seen: FirstSeen,
    used: dict[int, str],
) -> None:
    s = _sources(table, _CONTRACT, settings, out, SUBSCRIPTION_FIELDS)
    if accounts is None:
        out.add_issue(
            RowIssue(
                table.name,
                None,
                None,
                None,
                "no Account file in this job: export Account.csv together with Contract.csv",
            )
        )
        return
    if opportunities is None:
        out.add_issue(
            RowIssue(
                table.name,
                None,
                None,
                None,
                "no Opportunity file in this job: ARR is left empty for every contract",
                "warning",
            )
        )
    for reader in readers(table, out):
        sf_id = reader.require(s["id"])
        if sf_id is not None and is_deleted(reader, s["deleted"]):
            continue
        if sf_id is not None:
            seen.check(reader, sf_id[:15], s["id"].label, sf_id)
        account_text = reader.require(s["account"])
        account_id = None
        if account_text is not None:
            account_id = accounts.get(account_text[:15])
            if account_id is None:
                state = "is marked deleted in" if account_text[:15] in deleted else "is not in"
                reader.error(
                    s["account"].label, account_text, f"account {account_text} {state} the Account file"
                )
        start = reader.get(s["start"], settings.date)
        end = _end_date(reader, s, start, settings)
        currency = reader.get(s["currency"], normalize_currency)
        parts = mapped_subscription_fields(reader, s, settings)
        arr = None
        if sf_id is not None and account_text is not None and end is not None and opportunities is not None:
            ids = (sf_id, account_text, end)
            arr, currency = match_arr(reader, s, ids, currency, opportunities, used, settings, out)
        subscription = None
        if sf_id is not None and account_id is not None:
            subscription = build_subscription(
                reader,
                parts,
                account_external_id=f"sf:{account_id}",
                external_id=f"sf:{sf_id}",
                arr=arr,
                currency=currency,
                term_start=start,
                renewal_date=end,
            )
        if flush(reader, out) and subscription is not None:
            out.subscriptions.append(subscription)


def _end_date(reader: RowReader, s: dict[str, Src], start: date | None, settings: Settings) -> date | None:
    if reader.text(s["end"]) is not None:
        return reader.get(s["end"], settings.date)
    term = reader.get(s["term"], settings.count)
    if start is None or term is None:
        reader.require(s["end"], "EndDate (or StartDate and ContractTerm)")
        return None
    # Salesforce's own rule: a 12-month contract starting 2026-02-01 ends 2027-01-31.
    month = start.month - 1 + term
    year, month = start.year + month // 12, month % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day) - timedelta(days=1)
