"""Where an import's records come from: batches of rows ready to COPY into the staging tables.

Template files are streamed (a 1M-row file is never held as Python objects: the parser keeps one
merged record per account, and each batch is dropped once copied). Salesforce and HubSpot exports
are parsed whole, as before, and fed through the same batches. Both report their problems in the
order parse_import reports them, so a failed job lists the same errors whichever way it was read.
Runs in a worker thread: nothing here touches the event loop.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from cadence_account.domain.imports import (
    ImportedAccount,
    ImportedContact,
    ImportedSubscription,
    ImportedTechEntry,
    ImportFile,
    ImportOptions,
    ParsedImport,
    RowIssue,
    TemplateJob,
    parse_import,
)
from cadence_account.domain.imports.api import _unknown_header
from cadence_account.domain.imports.decoding import CsvTable, open_table
from cadence_account.domain.imports.template import detect_template_kind, iter_template_table

Record = ImportedSubscription | ImportedContact | ImportedTechEntry
SUBSCRIPTION_COLUMNS = ("n", "account_external_id", "external_id", "vendor", "product", "version",
                        "lifecycle_product_id", "lifecycle_cycle", "quantity", "unit", "active_users", "arr_amount",
                        "arr_currency", "billing_frequency", "term_start", "renewal_date", "auto_renew", "channel",
                        "lifecycle_stage")
CONTACT_COLUMNS = ("n", "account_external_id", "source_file", "source_row", "key", "name", "title", "email", "phone",
                   "role")
TECH_COLUMNS = ("n", "account_external_id", "source_file", "source_row", "vendor", "product", "version",
                "lifecycle_product_id", "lifecycle_cycle", "status")


@dataclass(slots=True)
class Batch:
    subscriptions: list[tuple[Any, ...]] = field(default_factory=list)
    contacts: list[tuple[Any, ...]] = field(default_factory=list)
    tech: list[tuple[Any, ...]] = field(default_factory=list)
    read: int = 0  # records read, staged or not (after an error nothing is staged)

    def __len__(self) -> int:
        return len(self.subscriptions) + len(self.contacts) + len(self.tech)


def _subscription_row(n: int, s: ImportedSubscription) -> tuple[Any, ...]:
    # The same defaults the single-record writer applies (see handlers/subscriptions.py).
    return (n, s.account_external_id, s.external_id, s.vendor, s.product, s.version or "",
            s.lifecycle_product_id or "", s.lifecycle_cycle or "", s.quantity or 0, s.unit or "", s.active_users,
            s.arr, s.currency or "", s.billing_frequency or "annual", s.term_start, s.renewal_date, s.auto_renew,
            s.channel or "", s.lifecycle_stage or "active")


def _contact_row(n: int, c: ImportedContact) -> tuple[Any, ...]:
    # A contact's key in its account: its e-mail, else its name (re-imports update it in place).
    return (n, c.account_external_id, c.source_file, c.source_row, (c.email or c.name).lower(), c.name,
            c.title or "", c.email or "", c.phone or "", c.role or "other")


def _tech_row(n: int, t: ImportedTechEntry) -> tuple[Any, ...]:
    return (n, t.account_external_id, t.source_file, t.source_row, t.vendor, t.product, t.version or "",
            t.lifecycle_product_id or "", t.lifecycle_cycle or "", t.status)


class RecordSource:
    """Records in batches plus every problem found; `accounts` once the records are read."""

    def __init__(self, issues: ParsedImport) -> None:
        self.issues = issues
        self._records: Iterator[Record] = iter(())
        self._numbers = itertools.count(1)

    @property
    def failed(self) -> bool:
        return bool(self.issues.errors)

    def accounts(self) -> list[ImportedAccount]:
        raise NotImplementedError

    def expected_rows(self) -> int:
        """Accounts plus records, exact or (before the files are read) estimated: the job's total."""
        raise NotImplementedError

    def release(self) -> None:
        """Drop what the parser kept (about 400 bytes a row of a million-row file) once it is staged."""
        self._records = iter(())

    def read_batch(self, size: int) -> Batch | None:
        """The next `size` records (fewer at the end); None once everything is read. After the first
        error, records are still read (to report every problem) but no longer returned: nothing lands."""
        batch = Batch()
        for record in itertools.islice(self._records, size):
            batch.read += 1
            if self.failed:
                continue
            n = next(self._numbers)
            if isinstance(record, ImportedSubscription):
                batch.subscriptions.append(_subscription_row(n, record))
            elif isinstance(record, ImportedContact):
                batch.contacts.append(_contact_row(n, record))
            else:
                batch.tech.append(_tech_row(n, record))
        return batch if batch.read else None


class ParsedSource(RecordSource):
    """A Salesforce or HubSpot export, parsed whole (these exports are small)."""

    def __init__(self, files: Sequence[ImportFile], options: ImportOptions) -> None:
        parsed = parse_import(files, options)
        # Only the problems are kept beside the records, so release() lets the records go.
        super().__init__(ParsedImport(errors=parsed.errors, warnings=parsed.warnings))
        self._accounts = parsed.accounts
        self._records = itertools.chain(parsed.subscriptions, parsed.contacts, parsed.tech_entries)
        self._rows = len(parsed.accounts) + len(parsed.subscriptions) + len(parsed.contacts) + len(parsed.tech_entries)

    def accounts(self) -> list[ImportedAccount]:
        return self._accounts

    def expected_rows(self) -> int:
        return self._rows

    def release(self) -> None:
        super().release()
        self._accounts = []


class TemplateSource(RecordSource):
    """Our template: subscriptions files first (they define the accounts), then the companions."""

    def __init__(self, files: Sequence[ImportFile], options: ImportOptions) -> None:
        super().__init__(ParsedImport())
        self._job = TemplateJob(options.settings())
        self._lines = estimate_rows(files)  # before the tables are opened: it rewinds the files
        self._tables = self._open(files)
        self._records = self._read()

    def accounts(self) -> list[ImportedAccount]:
        return self._job.accounts.accounts()

    def expected_rows(self) -> int:
        return self._lines

    def release(self) -> None:
        super().release()
        self._job = TemplateJob(self._job.settings)
        self._tables = {}

    def _open(self, files: Sequence[ImportFile]) -> dict[str, list[CsvTable]]:
        by_kind: dict[str, list[CsvTable]] = {}
        if not files:
            self.issues.add_issue(RowIssue("(job)", None, None, None, "no files in this import"))
        for file in files:
            table = open_table(file)
            if isinstance(table, list):
                for issue in table:
                    self.issues.add_issue(issue)
                continue
            kind = detect_template_kind(set(table.keys))
            if kind is None:
                self.issues.add_issue(RowIssue(file.name, None, None, None, _unknown_header("template", table)))
                continue
            by_kind.setdefault(kind, []).append(table)
        return by_kind

    def _read(self) -> Iterator[Record]:
        for table in self._tables.get("subscriptions", []):
            yield from self._records_of(table, "subscriptions")
        for issue in self._job.finish():
            self.issues.add_issue(issue)
        for kind in ("contacts", "tech"):
            for table in self._tables.get(kind, []):
                yield from self._records_of(table, kind)

    def _records_of(self, table: CsvTable, kind: str) -> Iterator[Record]:
        # Companions must name an account of the job when it has a subscriptions file; those that
        # do not are reported after the table's own problems, as parse_import does.
        book = self._job.accounts if self._job.has_subscriptions_file else None
        strays: list[RowIssue] = []
        for item in iter_template_table(table, kind, self._job):
            if isinstance(item, RowIssue):
                self.issues.add_issue(item)
                continue
            record = item.record
            if book is not None and kind != "subscriptions" and record.account_external_id not in book:
                strays.append(RowIssue(record.source_file, record.source_row, "account_external_id",
                                       record.account_external_id,
                                       f"account {record.account_external_id} is not among this import's accounts"))
                continue
            yield record
        for issue in strays:
            self.issues.add_issue(issue)


def estimate_rows(files: Sequence[ImportFile]) -> int:
    """Data rows in the files, counted as lines (a cell with a line break makes it a slight
    overestimate): the job's total before the files are parsed."""
    lines = 0
    for file in files:
        if isinstance(file.data, bytes | bytearray):
            lines += max(file.data.count(b"\n"), 1) - 1
            continue
        start = file.data.tell()
        count = 0
        while chunk := file.data.read(1 << 20):
            count += chunk.count(b"\n")
        file.data.seek(start)
        lines += max(count, 1) - 1
    return lines
