"""One `account.imported` event per account an import wrote to (bulk work publishes per aggregate,
never per row), built from the rows as they stand after the import, a batch of accounts at a time.

A pipeline: while a worker thread turns one batch's rows into events, PostgreSQL answers the next
batch's queries; the events then go to the outbox by COPY (the connection is free again by then).
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from psycopg.rows import dict_row
from sqlalchemy.ext.asyncio import AsyncSession

from cadence.account.v1 import accounts_events_pb2 as events
from cadence.account.v1 import accounts_pb2 as pb
from cadence_platform.events import new_event
from cadence_platform.outbox import Outbox

from cadence_account.adapters.bulk import copy_outbox_rows, outbox_rows, raw_connection, run
from cadence_account.adapters.tables import SCHEMA
from cadence_account.handlers.account_views import account_messages
from cadence_account.handlers.deps import Deps
from cadence_account.handlers.import_messages import (
    CONTACT_COLUMNS,
    SUBSCRIPTION_COLUMNS,
    TECH_COLUMNS,
    Stamps,
    contact_message,
    subscription_message,
    tech_entry,
)

Advance = Callable[[int], Awaitable[None]]
Rows = dict[str, list[tuple[Any, ...]]]
ACCOUNTS_PER_BATCH = 5000
EVENT_TYPE = "account.imported"
# Each query returns the account id (text) first, then the builder's columns; ids come as text[].
SUBSCRIPTIONS = (f"SELECT i.account_id::text, {', '.join(SUBSCRIPTION_COLUMNS)}, i.created, "
                 f"coalesce(i.previous_renewal::text, '') FROM imp_subscriptions i "
                 f"JOIN {SCHEMA}.subscriptions t ON t.id = i.id WHERE i.account_id = ANY(%s::uuid[]) ORDER BY i.n")
CONTACTS = (f"SELECT i.account_id::text, {', '.join(CONTACT_COLUMNS)} FROM imp_contacts i "
            f"JOIN {SCHEMA}.contacts c ON c.id = i.id WHERE i.account_id = ANY(%s::uuid[]) ORDER BY i.first_n")
ENTRIES = (f"SELECT e.account_id::text, {', '.join(TECH_COLUMNS)} FROM {SCHEMA}.tech_entries e "
           "WHERE e.account_id = ANY(%s::uuid[]) ORDER BY e.account_id, e.position")


@dataclass(frozen=True, slots=True)
class Fetched:
    """One batch of accounts as stored after the import, and what the import wrote for each."""

    touched: Sequence[Any]  # (account_id, created, profiled) rows, in event order
    accounts: list[dict[str, Any]]
    messages: list[pb.Account]
    subscriptions: Rows
    contacts: Rows
    entries: Rows


async def publish_imported(deps: Deps, session: AsyncSession, org_id: str, job_id: str, advance: Advance) -> int:
    """Writes the events to the outbox (in this transaction); returns how many."""
    touched = (await run(session, """
        SELECT r.account_id, r.created, p.account_id IS NOT NULL AS profiled
        FROM imp_refs r LEFT JOIN imp_profiles p ON p.account_id = r.account_id
        ORDER BY r.imported DESC, r.n, r.account_id""")).all()
    batches = [touched[i:i + ACCOUNTS_PER_BATCH] for i in range(0, len(touched), ACCOUNTS_PER_BATCH)]
    build = Builder(deps.outbox, org_id, job_id)
    fetching = asyncio.ensure_future(_fetch(session, org_id, batches[0])) if batches else None
    try:
        for following in [*batches[1:], None]:
            assert fetching is not None
            fetched = await fetching
            fetching = asyncio.ensure_future(_fetch(session, org_id, following)) if following else None
            rows, written = await asyncio.to_thread(build, fetched)
            if fetching is not None:
                await asyncio.wait([fetching])  # COPY needs the connection to itself
            await copy_outbox_rows(session, deps.outbox, rows)
            await advance(written)
    finally:
        if fetching is not None:  # never leave a query running on a transaction that ends
            await asyncio.wait([fetching])
            if not fetching.cancelled():
                fetching.exception()  # marks it retrieved: an error before it is the one that counts
    return len(touched)


async def _fetch(session: AsyncSession, org_id: str, touched: Sequence[Any]) -> Fetched:
    keys = [str(row.account_id) for row in touched]
    raw = await raw_connection(session)
    async with raw.cursor(row_factory=dict_row) as cursor:
        await cursor.execute(f"SELECT * FROM {SCHEMA}.accounts WHERE id = ANY(%s::uuid[])", (keys,))
        by_id = {r["id"]: r for r in await cursor.fetchall()}
    accounts = [by_id[row.account_id] for row in touched]
    return Fetched(touched, accounts, await account_messages(session, org_id, accounts),
                   await _grouped(session, SUBSCRIPTIONS, keys), await _grouped(session, CONTACTS, keys),
                   await _grouped(session, ENTRIES, [str(row.account_id) for row in touched if row.profiled]))


async def _grouped(session: AsyncSession, sql: str, keys: list[str]) -> Rows:
    """Rows by their first column (the account id), the rest of each row as a tuple. Straight from
    psycopg: at a million rows SQLAlchemy's result objects cost more than the query."""
    grouped: Rows = defaultdict(list)
    if not keys:
        return grouped
    raw = await raw_connection(session)
    async with raw.cursor() as cursor:
        await cursor.execute(sql, (keys,))
        for row in await cursor.fetchall():
            grouped[row[0]].append(row[1:])
    return grouped


class Builder:
    """Fetched rows → outbox rows of `account.imported` events. Pure: runs in a worker thread."""

    def __init__(self, outbox: Outbox, org_id: str, job_id: str) -> None:
        self.outbox, self.org_id, self.job_id = outbox, org_id, job_id
        self.stamps = Stamps()

    def __call__(self, fetched: Fetched) -> tuple[list[tuple[Any, ...]], int]:
        envelopes = []
        written = 0
        for row, account, message in zip(fetched.touched, fetched.accounts, fetched.messages, strict=True):
            payload = self.payload(row, account, message, fetched)
            written += 1 + len(payload.subscriptions) + len(payload.contacts) + len(payload.profile.entries)
            envelopes.append(new_event(event_type=EVENT_TYPE, org_id=self.org_id, aggregate_id=message.id,
                                       payload=payload, producer=self.outbox.producer,
                                       aggregate_version=message.version, partition_key=message.id))
        return outbox_rows(self.outbox, envelopes), written

    def payload(self, row: Any, account: dict[str, Any], message: pb.Account, fetched: Fetched
                ) -> events.AccountImported:
        key = message.id
        payload = events.AccountImported(account=message, created=row.created, job_id=self.job_id)
        for c in fetched.contacts[key]:
            contact_message(payload.contacts, c, self.stamps)
        for r in fetched.subscriptions[key]:
            line = subscription_message(payload.subscriptions, r[:-2], self.stamps)
            created, previous = r[-2], r[-1]
            if created:
                payload.created_subscription_ids.append(line.id)
            # Only a date the import moved: "" for a new subscription or one renewing when it did.
            payload.previous_renewal_dates.append(previous if previous and previous != line.renewal_date else "")
        if row.profiled:
            profile = payload.profile
            profile.account_id, profile.version = key, account["tech_profile_version"]
            profile.updated_at.FromDatetime(account["updated_at"])
            for e in fetched.entries[key]:
                tech_entry(profile.entries, e)
        return payload
