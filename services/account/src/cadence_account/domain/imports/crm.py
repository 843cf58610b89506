"""Pieces shared by the Salesforce and HubSpot readers (small files, read whole)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .currencies import normalize_currency
from .decoding import CsvTable
from .fields import RowReader, Settings, Src
from .mapping import FieldMapping
from .model import ImportedAccount, ImportedSubscription, ParsedImport, RowIssue
from .values import (
    parse_billing_frequency,
    parse_bool,
    parse_country,
    parse_domain,
    parse_email,
    parse_lifecycle_stage,
    parse_motion,
)


def readers(table: CsvTable, out: ParsedImport) -> Iterator[RowReader]:
    """Each usable row as a RowReader; unusable rows go straight to `out`."""
    for item in table.rows:
        if isinstance(item, RowIssue):
            out.add_issue(item)
        else:
            yield RowReader(table.name, item[0], item[1])


def flush(reader: RowReader, out: ParsedImport) -> bool:
    """Move the row's issues to the result; True when the row is clean of errors."""
    for issue in reader.issues:
        out.add_issue(issue)
    failed = reader.failed
    reader.issues.clear()
    return not failed


def is_deleted(reader: RowReader, src: Src) -> bool:
    text = reader.text(src)
    return bool(text) and reader.get(src, parse_bool) is True


@dataclass(slots=True)
class FirstSeen:
    """Reports a record id that occurs twice, naming both rows."""

    rows: dict[str, tuple[str, int]]

    def check(self, reader: RowReader, key: str, label: str, shown: str) -> bool:
        first = self.rows.get(key)
        if first is None:
            self.rows[key] = (reader.file, reader.row)
            return True
        where = f"row {first[1]}" + ("" if first[0] == reader.file else f" of {first[0]}")
        reader.error(label, shown, f"duplicate {label} {shown}: also in {where}")
        return False


def owner_reps(
    reader: RowReader, src: Src, mapping: FieldMapping, record: str
) -> tuple[str | None, tuple[str, ...]]:
    """Map the export's owner to one of our users; unmapped owners leave the account unassigned."""
    owner = reader.text(src)
    if owner is None:
        return None, ()
    email = mapping.owner_email(owner)
    if email is None:
        reader.warn(
            src.label,
            owner,
            f"owner '{owner}' has no mapping to a Cadence user; {record} is imported unassigned",
        )
        return None, ()
    return email, (email,)


def mapped_account_fields(reader: RowReader, s: dict[str, Src]) -> dict[str, str | None]:
    return {
        "name": reader.text(s["name"]),
        "domain": reader.get(s["domain"], parse_domain),
        "territory": reader.text(s["territory"]),
        "country": reader.get(s["country"], parse_country),
        "currency": reader.get(s["currency"], normalize_currency),
        "motion": reader.get(s["motion"], parse_motion),
        "csm_email": reader.get(s["csm_email"], parse_email),
    }


def build_account(
    reader: RowReader,
    external_id: str,
    values: dict[str, str | None],
    owner: str | None,
    reps: tuple[str, ...],
) -> ImportedAccount:
    return ImportedAccount(
        external_id=external_id,
        name=values["name"] or "",
        domain=values["domain"],
        territory=values["territory"],
        country=values["country"],
        currency=values["currency"],
        motion=values["motion"],
        csm_email=values["csm_email"],
        default_rep_email=owner,
        rep_emails=reps,
        source_file=reader.file,
        source_row=reader.row,
    )


@dataclass(frozen=True, slots=True)
class SubscriptionParts:
    """The mapped subscription fields every CRM format needs the user to supply."""

    vendor: str | None
    product: str | None
    version: str | None
    lifecycle_product_id: str | None
    lifecycle_cycle: str | None
    quantity: int | None
    unit: str | None
    active_users: int | None
    billing_frequency: str | None
    auto_renew: bool | None
    channel: str | None
    lifecycle_stage: str | None


def mapped_subscription_fields(reader: RowReader, s: dict[str, Src], settings: Settings) -> SubscriptionParts:
    return SubscriptionParts(
        vendor=reader.require(s["vendor"]),
        product=reader.require(s["product"]),
        version=reader.text(s["version"]),
        lifecycle_product_id=reader.text(s["lifecycle_product_id"]),
        lifecycle_cycle=reader.text(s["lifecycle_cycle"]),
        quantity=reader.get(s["quantity"], settings.count),
        unit=reader.text(s["unit"]),
        active_users=reader.get(s["active_users"], settings.count),
        billing_frequency=reader.get(s["billing_frequency"], parse_billing_frequency),
        auto_renew=reader.get(s["auto_renew"], parse_bool),
        channel=reader.text(s["channel"]),
        lifecycle_stage=reader.get(s["lifecycle_stage"], parse_lifecycle_stage),
    )


def build_subscription(
    reader: RowReader,
    parts: SubscriptionParts,
    *,
    account_external_id: str,
    external_id: str,
    arr: Decimal | None,
    currency: str | None,
    term_start: date | None,
    renewal_date: date | None,
) -> ImportedSubscription | None:
    if parts.vendor is None or parts.product is None or renewal_date is None:
        return None
    return ImportedSubscription(
        account_external_id=account_external_id,
        external_id=external_id,
        vendor=parts.vendor,
        product=parts.product,
        version=parts.version,
        lifecycle_product_id=parts.lifecycle_product_id,
        lifecycle_cycle=parts.lifecycle_cycle,
        quantity=parts.quantity,
        unit=parts.unit,
        active_users=parts.active_users,
        arr=arr,
        currency=currency,
        billing_frequency=parts.billing_frequency,
        term_start=term_start,
        renewal_date=renewal_date,
        auto_renew=parts.auto_renew,
        channel=parts.channel,
        lifecycle_stage=parts.lifecycle_stage,
        source_file=reader.file,
        source_row=reader.row,
    )
