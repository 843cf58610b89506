"""What the feed keeps from the account service's events: org time zones, accounts (name, external
id), subscriptions (external id) and users (e-mail). An import announces each account once
(`account.imported`, with the subscriptions it wrote) instead of a change event per row.

The account stream and the engine stream are read by separate consumers, so an activity may be
recorded before its account, subscription or owner reached the read model. Each upsert therefore
also fills in what is still missing on records no connector has acknowledged yet (under the org's
feed lock, see handlers/locking.py).
"""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from cadence.account.v1 import accounts_events_pb2 as account_events
from cadence.account.v1 import accounts_pb2
from cadence.account.v1 import identity_events_pb2 as identity_events
from cadence.events.v1.envelope_pb2 import EventEnvelope
from cadence_platform.events import unpack

from cadence_crm_writeback.adapters.tables import accounts, activities, orgs, subscriptions, users
from cadence_crm_writeback.handlers.deps import Deps
from cadence_crm_writeback.handlers.locking import lock_org_feed

NOT_ACKNOWLEDGED = activities.c.acknowledged_at.is_(None)


async def _upsert(session: AsyncSession, table: sa.Table, row_id: str, values: dict[str, Any]) -> None:
    await session.execute(pg_insert(table).values(id=uuid.UUID(row_id), **values)
                          .on_conflict_do_update(index_elements=[table.c.id], set_=values))


async def on_org(deps: Deps, session: AsyncSession, envelope: EventEnvelope) -> None:
    kind = identity_events.OrgCreated if envelope.type == "org.created" else identity_events.OrgSettingsChanged
    org = unpack(envelope, kind).org  # type: ignore[attr-defined]
    await _upsert(session, orgs, org.id, {"time_zone": org.settings.time_zone})


async def on_user(deps: Deps, session: AsyncSession, envelope: EventEnvelope) -> None:
    kind = identity_events.UserCreated if envelope.type == "user.created" else identity_events.UserUpdated
    user = unpack(envelope, kind).user  # type: ignore[attr-defined]
    await lock_org_feed(session, user.org_id)
    await _upsert(session, users, user.id, {"org_id": uuid.UUID(user.org_id), "email": user.email})
    if user.email:
        await session.execute(sa.update(activities).where(
            activities.c.org_id == uuid.UUID(user.org_id), activities.c.owner_id == uuid.UUID(user.id),
            activities.c.owner_email == "", NOT_ACKNOWLEDGED,
        ).values(owner_email=user.email))


async def on_account(deps: Deps, session: AsyncSession, envelope: EventEnvelope) -> None:
    account = unpack(envelope, account_events.AccountChanged).account  # type: ignore[attr-defined]
    await lock_org_feed(session, account.org_id)
    await _account(session, account)


async def _account(session: AsyncSession, account: accounts_pb2.Account) -> None:
    await _upsert(session, accounts, account.id, {"org_id": uuid.UUID(account.org_id), "name": account.name,
                                                  "external_id": account.external_id})
    if account.external_id:
        await session.execute(sa.update(activities).where(
            activities.c.org_id == uuid.UUID(account.org_id), activities.c.account_id == uuid.UUID(account.id),
            activities.c.account_external_id == "", NOT_ACKNOWLEDGED,
        ).values(account_external_id=account.external_id))


def external_ids_of(ids: Any) -> sa.ScalarSelect[Any]:
    """The external ids (sorted, none empty) of the subscriptions whose ids are in `ids` (an array)."""
    agg = sa.func.array_agg(aggregate_order_by(subscriptions.c.external_id, subscriptions.c.external_id))
    return sa.select(sa.func.coalesce(agg, sa.literal_column("'{}'::text[]"))).where(
        subscriptions.c.id == sa.any_(ids), subscriptions.c.external_id != "").scalar_subquery()


async def on_subscription(deps: Deps, session: AsyncSession, envelope: EventEnvelope) -> None:
    s = unpack(envelope, account_events.SubscriptionChanged).subscription  # type: ignore[attr-defined]
    org_id, subscription_id = uuid.UUID(envelope.org_id), uuid.UUID(s.id)
    await lock_org_feed(session, envelope.org_id)
    await _upsert(session, subscriptions, s.id, {"org_id": org_id, "account_id": uuid.UUID(s.account_id),
                                                 "external_id": s.external_id})
    await session.execute(sa.update(activities).where(
        activities.c.org_id == org_id, activities.c.subscription_ids.any(subscription_id), NOT_ACKNOWLEDGED,
    ).values(subscription_external_ids=external_ids_of(activities.c.subscription_ids)))


async def on_account_imported(deps: Deps, session: AsyncSession, envelope: EventEnvelope) -> None:
    """An import's one event per account: the account and every subscription it wrote, in one go."""
    event = unpack(envelope, account_events.AccountImported)
    await lock_org_feed(session, envelope.org_id)
    await _account(session, event.account)  # type: ignore[attr-defined]
    if not event.subscriptions:  # type: ignore[attr-defined]
        return
    org_id = uuid.UUID(envelope.org_id)
    rows = [{"id": uuid.UUID(s.id), "org_id": org_id, "account_id": uuid.UUID(s.account_id),
             "external_id": s.external_id} for s in event.subscriptions]  # type: ignore[attr-defined]
    statement = pg_insert(subscriptions).values(rows)
    await session.execute(statement.on_conflict_do_update(index_elements=[subscriptions.c.id], set_={
        c: statement.excluded[c] for c in ("org_id", "account_id", "external_id")}))
    ids = sa.bindparam("ids", [r["id"] for r in rows], type_=pg.ARRAY(pg.UUID(as_uuid=True)))
    await session.execute(sa.update(activities).where(
        activities.c.org_id == org_id, activities.c.subscription_ids.overlap(ids), NOT_ACKNOWLEDGED,
    ).values(subscription_external_ids=external_ids_of(activities.c.subscription_ids)))
