"""HubSpot exports: companies and deals (column labels as HubSpot writes them).

Companies become accounts (hs:<Record ID>), deals become subscriptions of their associated
company. HubSpot is where duplicate companies breed (a contact's e-mail domain creates one,
a typed name another), so a company whose normalized name or domain repeats an earlier one
is reported as a warning naming both rows; both are imported, merging is a human decision.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .crm import (
    FirstSeen,
    build_account,
    build_subscription,
    flush,
    mapped_account_fields,
    mapped_subscription_fields,
    owner_reps,
    readers,
)
from .decoding import CsvTable
from .fields import RowReader, Settings, Src, amount_with_currency, resolve
from .mapping import ACCOUNT_FIELDS, SUBSCRIPTION_FIELDS
from .model import ParsedImport, RowIssue

EXPECTED = (
    "a companies export (Record ID, Company name, Company Domain Name, Company owner, …) or a deals "
    "export (Record ID, Deal Name, Amount, Currency, Close Date, Associated Company IDs, …)"
)
_COMPANY: dict[str, tuple[str, ...]] = {
    "id": ("record id", "company id"),
    "name": ("company name", "name"),
    "domain": ("company domain name", "website url"),
    "country": ("country/region", "country"),
    "currency": ("currency", "company currency code"),
    "owner": ("company owner", "hubspot owner"),
}
_DEAL: dict[str, tuple[str, ...]] = {
    "id": ("record id", "deal id"),
    "companies": (
        "associated company ids (primary)",
        "associated company ids",
        "associated company id",
        "associated company",
    ),
    "close": ("close date",),
    "arr": ("annual recurring revenue (arr)", "annual recurring revenue"),
    "amount": ("amount",),
    "currency": ("currency", "deal currency code"),
}
_LEGAL_SUFFIXES = frozenset(
    "ltd limited llc llp lp inc incorporated corp corporation co company plc gmbh mbh ag kg kgaa ohg "
    "ug ev se sa sas sasu sarl eurl sca sc bv nv vof srl spa sapa ab oy oyj as asa aps kft sro spzoo "
    "pty pte bhd kk fixture".split()
)
_WORD = re.compile(r"[^\W_]+")
_COMPANY_SPLIT = re.compile(r"[;,]")


def detect_hubspot_kind(keys: set[str]) -> str | None:
    if "deal name" in keys:
        return "deals"
    if "company name" in keys:
        return "companies"
    return None


def normalized_company_name(name: str) -> str:
    """'Bluebay Harbour Ltd (fixture)' and 'bluebay harbour ltd' → 'bluebay harbour'."""
    text = unicodedata.normalize("NFKD", name.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace(".", "").replace("'", "").replace("\u2019", "")  # S.A.R.L. → sarl
    words = [w for w in _WORD.findall(text) if w not in _LEGAL_SUFFIXES]
    return " ".join(words)


@dataclass(slots=True)
class _Companies:
    """Companies seen so far, across all companies files of the job."""

    ids: set[str] = field(default_factory=set)
    seen: FirstSeen = field(default_factory=lambda: FirstSeen({}))
    by_name: dict[str, tuple[int, str]] = field(default_factory=dict)
    by_domain: dict[str, tuple[int, str]] = field(default_factory=dict)


def read_hubspot(tables: dict[str, list[CsvTable]], settings: Settings, out: ParsedImport) -> set[str] | None:
    companies = _Companies()
    for table in tables.get("companies", []):
        _read_companies(table, settings, out, companies)
    deal_ids = FirstSeen({})
    for table in tables.get("deals", []):
        _read_deals(table, settings, out, companies.ids if "companies" in tables else None, deal_ids)
    return {f"hs:{c}" for c in companies.ids} if "companies" in tables else None


def _sources(
    table: CsvTable,
    columns: dict[str, tuple[str, ...]],
    settings: Settings,
    out: ParsedImport,
    mappable: frozenset[str],
) -> dict[str, Src]:
    issues: list[RowIssue] = []
    sources = resolve(table, columns, settings.mapping, mappable, issues)
    for issue in issues:
        out.add_issue(issue)
    return sources


def _read_companies(table: CsvTable, settings: Settings, out: ParsedImport, companies: _Companies) -> None:
    s = _sources(table, _COMPANY, settings, out, ACCOUNT_FIELDS)
    for reader in readers(table, out):
        record_id = reader.require(s["id"])
        values = mapped_account_fields(reader, s)
        name = values["name"] or reader.require(s["name"])
        owner, reps = owner_reps(reader, s["owner"], settings.mapping, f"company {record_id}")
        if record_id is not None and companies.seen.check(reader, record_id, s["id"].label, record_id):
            companies.ids.add(record_id)
            if name:
                why = "same name once case, punctuation and legal suffixes are ignored"
                key = normalized_company_name(name)
                _near_duplicate(reader, s["name"], key, companies.by_name, record_id, why)
            if values["domain"]:
                _near_duplicate(
                    reader, s["domain"], values["domain"], companies.by_domain, record_id, "same domain"
                )
        if flush(reader, out) and record_id is not None:
            out.accounts.append(build_account(reader, f"hs:{record_id}", values, owner, reps))


def _near_duplicate(
    reader: RowReader, src: Src, key: str, index: dict[str, tuple[int, str]], record_id: str, why: str
) -> None:
    if not key:
        return
    first = index.setdefault(key, (reader.row, record_id))
    if first[1] != record_id:
        reader.warn(
            src.label,
            reader.text(src),
            f"company {record_id} looks like a duplicate of company {first[1]} in row {first[0]} "
            f"({why}); both are imported",
        )


def _read_deals(
    table: CsvTable, settings: Settings, out: ParsedImport, companies: set[str] | None, seen: FirstSeen
) -> None:
    s = _sources(table, _DEAL, settings, out, SUBSCRIPTION_FIELDS)
    if companies is None:
        out.add_issue(
            RowIssue(
                table.name,
                None,
                None,
                None,
                "no companies file in this job: export companies together with deals",
            )
        )
        return
    if not s["companies"].present:
        out.add_issue(
            RowIssue(
                table.name,
                None,
                "Associated Company IDs",
                None,
                "missing column: Associated Company IDs (include the deal's associations in the export)",
            )
        )
        return
    for reader in readers(table, out):
        record_id = reader.require(s["id"])
        if record_id is not None:
            seen.check(reader, record_id, s["id"].label, record_id)
        company = _company(reader, s["companies"], companies)
        renewal = reader.get(s["close"], settings.date)
        if reader.text(s["close"]) is None:
            reader.require(s["close"], "Close Date (the renewal date)")
        # The ARR property, when the portal uses it, is the recurring value; Amount may be a
        # multi-year or one-off total.
        amount_src = s["arr"] if reader.text(s["arr"]) is not None else s["amount"]
        arr, currency = amount_with_currency(reader, amount_src, s["currency"], settings)
        parts = mapped_subscription_fields(reader, s, settings)
        subscription = None
        if record_id is not None and company is not None:
            subscription = build_subscription(
                reader,
                parts,
                account_external_id=f"hs:{company}",
                external_id=f"hs:{record_id}",
                arr=arr,
                currency=currency,
                term_start=None,
                renewal_date=renewal,
            )
        if flush(reader, out) and subscription is not None:
            out.subscriptions.append(subscription)


def _company(reader: RowReader, src: Src, companies: set[str]) -> str | None:
    text = reader.text(src)
    ids = [part.strip() for part in _COMPANY_SPLIT.split(text or "") if part.strip()]
    if not ids:
        reader.error(src.label, None, "required: an associated company (the deal has none)")
        return None
    if len(ids) > 1:
        reader.warn(
            src.label, text, f"deal is associated with {len(ids)} companies; using the first, {ids[0]}"
        )
    if ids[0] not in companies:
        reader.error(src.label, text, f"company {ids[0]} is not in the companies file")
        return None
    return ids[0]
