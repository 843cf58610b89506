"""Recording the feed: a completed action or a closed playbook run becomes one activity record.

Each handler runs in the consumer's transaction (with its processed-event bookkeeping), and the
`crm.activity_recorded` event goes into the outbox in that same transaction: a crash at any point
either keeps all three or none, and the redelivery then records the activity exactly once.
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from cadence.crm.v1 import crm_events_pb2
from cadence.engine.v1 import engine_events_pb2 as events
from cadence.events.v1.envelope_pb2 import EventEnvelope
from cadence_platform.events import unpack

from cadence_crm_writeback.adapters.tables import accounts, activities, orgs, renewals, users
from cadence_crm_writeback.domain.activity import (
    ACTION_COMPLETED,
    RUN_CLOSED,
    ActivityDraft,
    from_action,
    from_run_closed,
)
from cadence_crm_writeback.handlers.deps import Deps
from cadence_crm_writeback.handlers.locking import lock_org_feed
from cadence_crm_writeback.handlers.read_models import external_ids_of
from cadence_crm_writeback.messages import activity_pb

Row = dict[str, Any]


def _uuid(value: str) -> uuid.UUID | None:
    return uuid.UUID(value) if value else None


async def _time_zone(session: AsyncSession, org_id: str) -> str:
    return await session.scalar(sa.select(orgs.c.time_zone).where(orgs.c.id == uuid.UUID(org_id))) or "UTC"


async def on_playbook_started(deps: Deps, session: AsyncSession, envelope: EventEnvelope) -> None:
    """Remember which subscriptions a renewal groups; its actions' records name their external ids."""
    renewal = unpack(envelope, events.PlaybookStarted).renewal  # type: ignore[attr-defined]
    grouped = [uuid.UUID(s) for s in renewal.subscription_ids]
    values = {"org_id": uuid.UUID(envelope.org_id), "subscription_ids": grouped}
    await session.execute(pg_insert(renewals).values(id=uuid.UUID(renewal.id), **values)
                          .on_conflict_do_update(index_elements=[renewals.c.id], set_=values))


async def on_action_completed(deps: Deps, session: AsyncSession, envelope: EventEnvelope) -> None:
    action = unpack(envelope, events.ActionChanged).action  # type: ignore[attr-defined]
    draft = from_action(action, occurred_at=envelope.occurred_at.ToDatetime(tzinfo=UTC),
                        time_zone=await _time_zone(session, envelope.org_id), public_url=deps.public_url)
    if draft.renewal_id:
        grouped = await session.scalar(sa.select(renewals.c.subscription_ids).where(
            renewals.c.id == uuid.UUID(draft.renewal_id), renewals.c.org_id == uuid.UUID(envelope.org_id)))
        draft = dataclasses.replace(draft, subscription_ids=tuple(str(s) for s in grouped or ()))
    row = await record(deps, session, envelope.org_id, draft)
    if row is not None and row["renewal_id"] is not None and row["owner_id"] is not None:
        await _fill_run_owner(session, row)


async def on_playbook_closed(deps: Deps, session: AsyncSession, envelope: EventEnvelope) -> None:
    closed = unpack(envelope, events.PlaybookClosed)
    renewal_id = closed.renewal.id  # type: ignore[attr-defined]
    draft = from_run_closed(
        closed, occurred_at=envelope.occurred_at.ToDatetime(tzinfo=UTC),  # type: ignore[arg-type]
        time_zone=await _time_zone(session, envelope.org_id), public_url=deps.public_url,
        owner_id=await _last_completer(session, envelope.org_id, renewal_id),
    )
    await record(deps, session, envelope.org_id, draft)


async def _last_completer(session: AsyncSession, org_id: str, renewal_id: str) -> str:
    """The owner of the renewal's latest completed action: the one whose completion closed the run."""
    if not renewal_id:
        return ""
    owner = await session.scalar(sa.select(activities.c.owner_id).where(
        activities.c.org_id == uuid.UUID(org_id), activities.c.kind == ACTION_COMPLETED,
        activities.c.renewal_id == uuid.UUID(renewal_id), activities.c.owner_id.isnot(None),
    ).order_by(activities.c.sequence.desc()).limit(1))
    return str(owner) if owner else ""


async def _fill_run_owner(session: AsyncSession, action_row: Row) -> None:
    """An action redelivered after a crash may be recorded after its run's close: the run's record,
    still without an owner and not yet acknowledged, takes this action's owner."""
    await session.execute(sa.update(activities).where(
        activities.c.org_id == action_row["org_id"], activities.c.kind == RUN_CLOSED,
        activities.c.renewal_id == action_row["renewal_id"], activities.c.owner_id.is_(None),
        activities.c.acknowledged_at.is_(None),
    ).values(owner_id=action_row["owner_id"], owner_email=action_row["owner_email"]))


async def _references(session: AsyncSession, org: uuid.UUID, draft: ActivityDraft) -> dict[str, Any]:
    """The account's name and external id and the owner's e-mail as the read models hold them now."""
    account = (await session.execute(sa.select(accounts.c.name, accounts.c.external_id).where(
        accounts.c.id == uuid.UUID(draft.account_id), accounts.c.org_id == org))).first() if draft.account_id else None
    email = await session.scalar(sa.select(users.c.email).where(
        users.c.id == uuid.UUID(draft.owner_id), users.c.org_id == org)) if draft.owner_id else None
    return {"account_name": (account.name if account else "") or draft.account_name,
            "account_external_id": account.external_id if account else "", "owner_email": email or ""}


async def record(deps: Deps, session: AsyncSession, org_id: str, draft: ActivityDraft) -> Row | None:
    """Insert the record once per (org, kind, source); publish crm.activity_recorded. None if it existed."""
    await lock_org_feed(session, org_id)  # before the read-model lookups and the sequence number
    org, subscription_ids = uuid.UUID(org_id), [uuid.UUID(s) for s in draft.subscription_ids]
    values = {
        "id": uuid.uuid4(), "org_id": org, "kind": draft.kind, "source_id": draft.source_id,
        "subject": draft.subject, "outcome": draft.outcome, "completed_on": draft.completed_on, "type": draft.type,
        "account_id": _uuid(draft.account_id), "renewal_id": _uuid(draft.renewal_id),
        "renewal_date": draft.renewal_date, "vendor": draft.vendor, "renewal_result": draft.renewal_result,
        "subscription_ids": subscription_ids,
        "subscription_external_ids": external_ids_of(sa.literal(subscription_ids, activities.c.subscription_ids.type)),
        "owner_id": _uuid(draft.owner_id), "link": draft.link, **await _references(session, org, draft),
    }
    inserted = (await session.execute(
        pg_insert(activities).values(**values)
        .on_conflict_do_nothing(index_elements=[activities.c.org_id, activities.c.kind, activities.c.source_id])
        .returning(activities)
    )).mappings().first()
    if inserted is None:
        return None
    row = dict(inserted)
    await deps.outbox.add(session, event_type="crm.activity_recorded", org_id=org_id, aggregate_id=str(row["id"]),
                          aggregate_version=1, partition_key=draft.account_id,
                          payload=crm_events_pb2.ActivityChanged(activity=activity_pb(row)))
    return row
