"""Our own CSV template: a subscriptions file plus optional contacts and tech-profile files.

Rows are streamed: a 1M-row subscriptions file is never held in memory. What a job keeps is
one merged record per account and the subscription ids seen (to report duplicates).

Contacts and tech-profile rows name their account by external id. When the job has a
subscriptions file, that id must be one of its accounts (an error otherwise); when it has
none, the rows are accepted as references to accounts that already exist, and the caller
checks existence against its database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from operator import itemgetter

from .accounts import AccountBook
from .companions import read_contact, read_tech_entry
from .currencies import UnknownCurrency, normalize_currency
from .decoding import CsvTable, open_table
from .fields import RowReader, Settings, Src, amount_with_currency, resolve
from .mapping import ACCOUNT_FIELDS, SUBSCRIPTION_FIELDS
from .model import (
    ImportedAccount,
    ImportedSubscription,
    ImportFile,
    ParsedRow,
    RowIssue,
)
from .options import ImportOptions
from .template_columns import CONTACT_COLUMNS, SUBSCRIPTION_COLUMNS, TECH_COLUMNS, check_columns
from .values import (
    parse_billing_frequency,
    parse_bool,
    parse_country,
    parse_domain,
    parse_email,
    parse_email_list,
    parse_lifecycle_stage,
    parse_motion,
)

_ACCOUNT_PARSERS = {
    "name": None,
    "domain": parse_domain,
    "owner_email": parse_email,
    "territory": None,
    "country": parse_country,
    "currency": normalize_currency,
    "motion": parse_motion,
    "csm_email": parse_email,
    "default_rep_email": parse_email,
}


class TemplateJob:
    """State shared by the template files of one job (accounts, subscription ids)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.accounts = AccountBook()
        # id → file number * 2**32 + row: one small int per subscription keeps a 1M-row
        # job's duplicate check near 100 bytes per row.
        self.subscription_rows: dict[str, int] = {}
        self.file_names: list[str] = []
        self.has_subscriptions_file = False

    def finish(self) -> list[RowIssue]:
        return self.accounts.finish()


def detect_template_kind(keys: set[str]) -> str | None:
    if "subscription_external_id" in keys:
        return "subscriptions"
    if "account_external_id" not in keys:
        return None
    if "vendor" in keys and "product" in keys:
        return "tech"
    if keys & {"email", "name", "first_name", "last_name"}:
        return "contacts"
    return None


def iter_template_rows(
    file: ImportFile, options: ImportOptions, *, job: TemplateJob | None = None
) -> Iterator[ParsedRow | RowIssue]:
    """Stream one template file: a ParsedRow per good row, RowIssues (errors and warnings) as
    found. Pass a shared `job` when a job has several files; without one, the file is its own
    job and the end-of-file checks (accounts that never got a name) are yielded at the end."""
    own_job = job is None
    job = job or TemplateJob(options.settings())
    table = open_table(file)
    if isinstance(table, list):
        yield from table
        return
    kind = detect_template_kind(set(table.keys))
    if kind is None:
        yield RowIssue(
            file.name,
            None,
            None,
            None,
            "not a template file: expected a subscriptions file (subscription_external_id, "
            "account_external_id, renewal_date, …), a contacts file (account_external_id, "
            "name, email, …) or a tech-profile file (account_external_id, vendor, product, …)",
        )
        return
    yield from iter_template_table(table, kind, job)
    if own_job:
        yield from job.finish()


def iter_template_table(table: CsvTable, kind: str, job: TemplateJob) -> Iterator[ParsedRow | RowIssue]:
    settings = job.settings
    issues: list[RowIssue] = []
    if kind == "subscriptions":
        job.has_subscriptions_file = True
        mappable = ACCOUNT_FIELDS | SUBSCRIPTION_FIELDS
        sources = resolve(table, SUBSCRIPTION_COLUMNS, settings.mapping, mappable, issues)
    elif kind == "contacts":
        sources = resolve(table, CONTACT_COLUMNS, settings.mapping, (), issues)
    else:
        sources = resolve(table, TECH_COLUMNS, settings.mapping, (), issues)
    issues.extend(check_columns(table, kind, sources, settings.mapping))
    yield from issues
    if any(i.severity == "error" for i in issues):
        return
    if kind == "subscriptions":
        yield from _subscription_rows(table, sources, job)
    else:
        handler = read_contact if kind == "contacts" else read_tech_entry
        for item in table.rows:
            if isinstance(item, RowIssue):
                yield item
                continue
            reader = RowReader(table.name, item[0], item[1])
            record = handler(reader, sources)
            yield from reader.issues
            if record is not None and not reader.failed:
                yield ParsedRow(table.name, reader.row, None, record)


def _subscription_rows(
    table: CsvTable, sources: dict[str, Src], job: TemplateJob
) -> Iterator[ParsedRow | RowIssue]:
    settings = job.settings
    book = job.accounts
    seen = job.subscription_rows
    name = table.name
    file_no = len(job.file_names)
    job.file_names.append(name)
    file_tag = file_no << 32
    account_id_src = sources["account_external_id"]
    sub_id_src = sources["subscription_external_id"]
    raw_of = _account_cells([sources[f].index for f in (*_ACCOUNT_PARSERS, "rep_emails")])
    s = sources
    # Bound once: this loop runs per row of files with a million rows.
    arr_src, arr_currency_src, currency_src = s["arr"], s["arr_currency"], s["currency"]
    renewal_src, vendor_src, product_src = s["renewal_date"], s["vendor"], s["product"]
    quantity_src, users_src, billing_src = s["quantity"], s["active_users"], s["billing_frequency"]
    start_src, auto_src, stage_src = s["term_start"], s["auto_renew"], s["lifecycle_stage"]
    version_src, lifecycle_src, cycle_src = s["version"], s["lifecycle_product_id"], s["lifecycle_cycle"]
    unit_src, channel_src = s["unit"], s["channel"]
    to_date, to_count = settings.date, settings.count
    for item in table.rows:
        if isinstance(item, RowIssue):
            yield item
            continue
        row, cells = item
        reader = RowReader(name, row, cells)
        text, get = reader.text, reader.get
        account_id = reader.require(account_id_src)
        sub_id = reader.require(sub_id_src)
        account = None
        if account_id is not None:
            raw = raw_of(cells)
            account = book.cached(account_id, raw)
            if account is None:
                account = _merge_account(reader, account_id, raw, s, book)
        fallback = account.currency if account is not None else _fallback_currency(reader, currency_src)
        arr, currency = amount_with_currency(reader, arr_src, arr_currency_src, settings, fallback)
        renewal = get(renewal_src, to_date)
        if renewal is None and text(renewal_src) is None:
            reader.require(renewal_src)
        vendor = reader.require(vendor_src)
        product = reader.require(product_src)
        # Every cell is parsed before deciding, so one pass reports all of a row's problems.
        quantity = get(quantity_src, to_count)
        active_users = get(users_src, to_count)
        billing = get(billing_src, parse_billing_frequency)
        term_start = get(start_src, to_date)
        auto_renew = get(auto_src, parse_bool)
        stage = get(stage_src, parse_lifecycle_stage)
        if term_start and renewal and term_start > renewal:
            reader.error(start_src.label, text(start_src), f"term_start {term_start} is after renewal_date {renewal}")
        subscription = None
        if account_id and sub_id and vendor and product and renewal:
            subscription = ImportedSubscription(
                account_external_id=account_id,
                external_id=sub_id,
                vendor=vendor,
                product=product,
                version=text(version_src),
                lifecycle_product_id=text(lifecycle_src),
                lifecycle_cycle=text(cycle_src),
                quantity=quantity,
                unit=text(unit_src),
                active_users=active_users,
                arr=arr,
                currency=currency,
                billing_frequency=billing,
                term_start=term_start,
                renewal_date=renewal,
                auto_renew=auto_renew,
                channel=text(channel_src),
                lifecycle_stage=stage,
                source_file=name,
                source_row=row,
            )
        if sub_id is not None:
            first = seen.setdefault(sub_id, file_tag + row)
            if first != file_tag + row:
                first_file, first_row = divmod(first, 1 << 32)
                where = f"row {first_row}"
                if first_file != file_no:
                    where += f" of {job.file_names[first_file]}"
                reader.error(sub_id_src.label, sub_id, f"duplicate subscription_external_id: also in {where}")
        if reader.issues:
            yield from reader.issues
        if subscription is not None and account is not None and not reader.failed:
            yield ParsedRow(name, row, account, subscription)


def _account_cells(indexes: list[int]) -> Callable[[list[str]], tuple[str, ...]]:
    """A fast getter of the row's account cells, to skip re-parsing a repeated account."""
    present = [i for i in indexes if i >= 0]
    if len(present) > 1:
        return itemgetter(*present)
    return lambda cells: tuple(cells[i] for i in present)


def _fallback_currency(reader: RowReader, src: Src) -> str | None:
    text = reader.text(src)
    if text is None:
        return None
    try:
        return normalize_currency(text)
    except UnknownCurrency:
        return None  # reported with the account's own columns


def _merge_account(
    reader: RowReader, account_id: str, raw: tuple[str, ...], s: dict[str, Src], book: AccountBook
) -> ImportedAccount | None:
    before = len(reader.issues)
    values: dict[str, object] = {}
    for field, parse in _ACCOUNT_PARSERS.items():
        values[field] = reader.text(s[field]) if parse is None else reader.get(s[field], parse)
    reps = reader.get(s["rep_emails"], parse_email_list) or ()
    if len(reader.issues) > before:
        return None
    return book.merge(reader, account_id, raw, values, reps, s)
