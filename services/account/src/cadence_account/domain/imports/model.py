"""The normalized records an import produces, and the problems it reports.

Everything here is a plain value: the parser builds these, the caller persists them. Records
remember the file and spreadsheet row they came from so that a later step (the database
upsert, the UI) can still point the user at the cell to fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import BinaryIO, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class ImportFile:
    """One uploaded file: its name (for messages and kind detection) and its raw bytes."""

    name: str
    data: bytes | BinaryIO


@dataclass(frozen=True, slots=True)
class RowIssue:
    """One problem, located as a spreadsheet shows it.

    row: header = 1, first data row = 2; None for a problem with the file as a whole.
    column: the header as written in the file, or the target field name when the value came
    from a mapping or is missing altogether.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    reason: str
    severity: Severity = "error"

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f" row {self.row}"
        if self.column:
            where += f" [{self.column}]"
        return f"{where}: {self.reason}"


@dataclass(frozen=True, slots=True)
class ImportedAccount:
    external_id: str
    name: str
    domain: str | None
    territory: str | None
    country: str | None
    currency: str | None
    motion: str | None
    csm_email: str | None
    default_rep_email: str | None
    rep_emails: tuple[str, ...]
    source_file: str
    source_row: int


@dataclass(frozen=True, slots=True)
class ImportedSubscription:
    account_external_id: str
    external_id: str
    vendor: str
    product: str
    version: str | None
    lifecycle_product_id: str | None
    lifecycle_cycle: str | None
    quantity: int | None
    unit: str | None
    active_users: int | None
    arr: Decimal | None
    currency: str | None
    billing_frequency: str | None
    term_start: date | None
    renewal_date: date
    auto_renew: bool | None
    channel: str | None
    lifecycle_stage: str | None
    source_file: str
    source_row: int


@dataclass(frozen=True, slots=True)
class ImportedContact:
    account_external_id: str
    name: str
    title: str | None
    email: str | None
    phone: str | None
    role: str | None
    source_file: str
    source_row: int


@dataclass(frozen=True, slots=True)
class ImportedTechEntry:
    account_external_id: str
    vendor: str
    product: str
    version: str | None
    lifecycle_product_id: str | None
    lifecycle_cycle: str | None
    status: str
    source_file: str
    source_row: int


Record = ImportedSubscription | ImportedContact | ImportedTechEntry


@dataclass(frozen=True, slots=True)
class ParsedRow:
    """One good data row from the streaming template reader.

    account: for a subscriptions row, the account as merged from all rows seen so far (a new
    object only when this row added something); None for contacts and tech-profile rows.
    """

    file: str
    row: int
    account: ImportedAccount | None
    record: Record


@dataclass(slots=True)
class ParsedImport:
    """The outcome of one import job. All-or-nothing: import nothing unless `ok`."""

    accounts: list[ImportedAccount] = field(default_factory=list)
    subscriptions: list[ImportedSubscription] = field(default_factory=list)
    contacts: list[ImportedContact] = field(default_factory=list)
    tech_entries: list[ImportedTechEntry] = field(default_factory=list)
    errors: list[RowIssue] = field(default_factory=list)
    warnings: list[RowIssue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def add_issue(self, issue: RowIssue) -> None:
        (self.errors if issue.severity == "error" else self.warnings).append(issue)

    def add_record(self, record: Record) -> None:
        if isinstance(record, ImportedSubscription):
            self.subscriptions.append(record)
        elif isinstance(record, ImportedContact):
            self.contacts.append(record)
        else:
            self.tech_entries.append(record)
