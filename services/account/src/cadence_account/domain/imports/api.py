"""parse_import: one import job (several files) → a validated model or every problem in it.

Files are recognised by their header, not their name, so "Account (1).csv" works. Any job may
also carry template contacts and tech-profile files; their account_external_id is then the
prefixed id of the export (sf:001…, hs:9001).

Contacts and tech-profile rows must name an account of this job when the job has a file that
defines accounts (template subscriptions, Salesforce Account, HubSpot companies); without one
they are references to accounts that already exist, which the caller checks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from . import hubspot, salesforce
from .decoding import CsvTable, open_table
from .model import ImportedContact, ImportedTechEntry, ImportFile, ParsedImport, ParsedRow, RowIssue
from .options import ImportOptions
from .template import TemplateJob, detect_template_kind, iter_template_table

_TEMPLATE_EXPECTED = (
    "a template subscriptions file (account_external_id, account_name, subscription_external_id, vendor, "
    "product, renewal_date, …), a contacts file (account_external_id, name, email, role, …) or a "
    "tech-profile file (account_external_id, vendor, product, status, …)"
)
_COMPANIONS = ("contacts", "tech")


def parse_import(files: Sequence[ImportFile], options: ImportOptions) -> ParsedImport:
    settings = options.settings()
    out = ParsedImport()
    if not files:
        out.add_issue(RowIssue("(job)", None, None, None, "no files in this import"))
        return out
    by_kind: dict[str, list[CsvTable]] = {}
    for file in files:
        table = open_table(file)
        if isinstance(table, list):
            for issue in table:
                out.add_issue(issue)
            continue
        kind = _detect(options.format, set(table.keys))
        if kind is None:
            out.add_issue(RowIssue(file.name, None, None, None, _unknown_header(options.format, table)))
            continue
        by_kind.setdefault(kind, []).append(table)

    job = TemplateJob(settings)
    defined: set[str] | None = None
    if options.format == "template":
        for table in by_kind.get("subscriptions", []):
            _collect(iter_template_table(table, "subscriptions", job), out)
        for issue in job.finish():
            out.add_issue(issue)
        out.accounts.extend(job.accounts.accounts())
        if job.has_subscriptions_file:
            defined = {a.external_id for a in out.accounts}
    elif options.format == "salesforce":
        defined = salesforce.read_salesforce(by_kind, settings, out)
    else:
        defined = hubspot.read_hubspot(by_kind, settings, out)

    for kind in _COMPANIONS:
        for table in by_kind.get(kind, []):
            companions = ParsedImport()
            _collect(iter_template_table(table, kind, job), companions)
            out.errors.extend(companions.errors)
            out.warnings.extend(companions.warnings)
            _check_references(companions.contacts, defined, out)
            _check_references(companions.tech_entries, defined, out)
    return out


def _detect(fmt: str, keys: set[str]) -> str | None:
    if fmt == "salesforce":
        kind = salesforce.detect_salesforce_kind(keys)
    elif fmt == "hubspot":
        kind = hubspot.detect_hubspot_kind(keys)
    else:
        return detect_template_kind(keys)
    if kind is None:
        companion = detect_template_kind(keys)
        kind = companion if companion in _COMPANIONS else None
    return kind


def _unknown_header(fmt: str, table: CsvTable) -> str:
    shown = ", ".join(h for h in table.header[:6] if h) + (", …" if len(table.header) > 6 else "")
    if fmt == "salesforce":
        expected = salesforce.EXPECTED + ", or a template contacts/tech-profile file"
    elif fmt == "hubspot":
        expected = hubspot.EXPECTED + ", or a template contacts/tech-profile file"
    else:
        expected = _TEMPLATE_EXPECTED
    return f"{table.name} is not a recognised {fmt} file (header: {shown}); expected {expected}"


def _collect(items: Iterable[ParsedRow | RowIssue], out: ParsedImport) -> None:
    for item in items:
        if isinstance(item, RowIssue):
            out.add_issue(item)
        else:
            out.add_record(item.record)


def _check_references(
    records: Sequence[ImportedContact | ImportedTechEntry], defined: set[str] | None, out: ParsedImport
) -> None:
    for record in records:
        if defined is not None and record.account_external_id not in defined:
            out.add_issue(
                RowIssue(
                    record.source_file,
                    record.source_row,
                    "account_external_id",
                    record.account_external_id,
                    f"account {record.account_external_id} is not among this import's accounts",
                )
            )
            continue
        out.add_record(record)
