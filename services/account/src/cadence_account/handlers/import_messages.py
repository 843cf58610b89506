"""Rows → the messages an `account.imported` event carries, for a million rows at a time.

The same messages as subscription_pb / contact_pb build (a test holds them equal), from plain
tuples: ids and dates come out of PostgreSQL as text and each timestamp is converted once, because
at this volume the per-row conversions of the general builders are most of the import's time.
"""

from __future__ import annotations

from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp

from cadence.account.v1 import accounts_pb2 as pb


def _micros(column: str) -> str:
    return f"(extract(epoch from {column}) * 1000000)::bigint"


# Column lists of the queries whose rows the builders below read, in tuple order.
SUBSCRIPTION_COLUMNS = (
    "t.id::text", "t.account_id::text", "coalesce(t.external_id, '')", "t.vendor", "t.product", "t.version",
    "t.lifecycle_product_id", "t.lifecycle_cycle", "t.quantity", "t.unit", "t.billing_frequency",
    "coalesce(t.term_start::text, '')", "t.renewal_date::text", "t.channel", "t.lifecycle_stage",
    _micros("t.created_at"), _micros("t.updated_at"), "t.revision", "t.active_users", "t.auto_renew",
    "t.arr_amount::text", "t.arr_currency")
CONTACT_COLUMNS = ("c.id::text", "c.account_id::text", "c.name", "c.title", "c.email", "c.phone", "c.role",
                   _micros("c.created_at"), _micros("c.updated_at"))
TECH_COLUMNS = ("e.vendor", "e.product", "e.version", "e.lifecycle_product_id", "e.lifecycle_cycle", "e.status")


class Stamps:
    """Timestamp messages by value (microseconds since the epoch): an import writes every row at the
    same transaction time, so there are a handful of distinct values for a million rows."""

    def __init__(self) -> None:
        self._known: dict[int, Timestamp] = {}

    def __call__(self, micros: int) -> Timestamp:
        stamp = self._known.get(micros)
        if stamp is None:
            stamp = self._known[micros] = Timestamp()
            stamp.FromMicroseconds(micros)
        return stamp


def subscription_message(lines: Any, r: tuple, stamps: Stamps) -> pb.Subscription:  # type: ignore[type-arg]
    """Adds the row's Subscription to `lines` (a repeated field: built in place, never copied)."""
    (id_, account_id, external_id, vendor, product, version, lifecycle_product_id, lifecycle_cycle, quantity, unit,
     billing_frequency, term_start, renewal_date, channel, lifecycle_stage, created_at, updated_at, revision,
     active_users, auto_renew, arr_amount, arr_currency) = r
    message: pb.Subscription = lines.add(
        id=id_, account_id=account_id, external_id=external_id, vendor=vendor, product=product, version=version,
        lifecycle_product_id=lifecycle_product_id, lifecycle_cycle=lifecycle_cycle, quantity=quantity, unit=unit,
        billing_frequency=billing_frequency, term_start=term_start, renewal_date=renewal_date, channel=channel,
        lifecycle_stage=lifecycle_stage, created_at=stamps(created_at), updated_at=stamps(updated_at),
        revision=revision)
    if active_users is not None:
        message.active_users = active_users
    if auto_renew is not None:
        message.auto_renew = auto_renew
    if arr_amount is not None:
        message.arr.amount, message.arr.currency = arr_amount, arr_currency
    return message


def contact_message(people: Any, r: tuple, stamps: Stamps) -> pb.Contact:  # type: ignore[type-arg]
    id_, account_id, name, title, email, phone, role, created_at, updated_at = r
    message: pb.Contact = people.add(id=id_, account_id=account_id, name=name, title=title, email=email, phone=phone,
                                     role=role, created_at=stamps(created_at), updated_at=stamps(updated_at))
    return message


def tech_entry(entries: Any, r: tuple) -> pb.TechEntry:  # type: ignore[type-arg]
    vendor, product, version, lifecycle_product_id, lifecycle_cycle, status = r
    entry: pb.TechEntry = entries.add(vendor=vendor, product=product, version=version,
                                      lifecycle_product_id=lifecycle_product_id, lifecycle_cycle=lifecycle_cycle,
                                      status=status)
    return entry
