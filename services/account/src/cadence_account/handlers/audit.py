"""The org's audit log: kept from every service's `audit.recorded` events, read by admins."""

from __future__ import annotations

import json
import uuid
from datetime import UTC
from typing import Any

import sqlalchemy as sa
from cadence_platform.caller import Caller
from cadence_platform.events import unpack
from cadence_platform.paging import decode_cursor, page_limit, split_page
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from cadence.audit.v1.audit_pb2 import AuditRecorded
from cadence.events.v1.envelope_pb2 import EventEnvelope

from cadence_account.adapters.tables import audit_log
from cadence_account.handlers.deps import Deps

Row = dict[str, Any]


async def record_audit_event(session: AsyncSession, envelope: EventEnvelope) -> None:
    event = unpack(envelope, AuditRecorded)
    assert isinstance(event, AuditRecorded)
    await session.execute(pg_insert(audit_log).values(
        id=uuid.UUID(envelope.event_id), org_id=uuid.UUID(envelope.org_id), actor_user_id=event.actor_user_id,
        actor_email=event.actor_email, action=event.action, target_type=event.target_type,
        target_id=event.target_id, summary=event.summary, changes=json.loads(event.changes_json or "{}"),
        service=envelope.producer, occurred_at=envelope.occurred_at.ToDatetime(tzinfo=UTC),
    ).on_conflict_do_nothing())


async def list_audit(deps: Deps, *, caller: Caller, limit: int, cursor: str, action: str, actor_user_id: str,
                     target_type: str) -> tuple[list[Row], str]:
    limit = page_limit(limit)
    query = sa.select(audit_log).where(audit_log.c.org_id == uuid.UUID(caller.org_id))
    for column, value in ((audit_log.c.action, action), (audit_log.c.actor_user_id, actor_user_id),
                          (audit_log.c.target_type, target_type)):
        if value:
            query = query.where(column == value)
    if (key := decode_cursor(cursor)) is not None:
        query = query.where(sa.tuple_(audit_log.c.occurred_at, audit_log.c.id) < sa.tuple_(
            sa.cast(key[0], sa.DateTime(timezone=True)), uuid.UUID(key[1])))
    async with deps.sessions() as session:
        rows = [dict(r) for r in (await session.execute(
            query.order_by(audit_log.c.occurred_at.desc(), audit_log.c.id.desc()).limit(limit + 1)
        )).mappings()]
    return split_page(rows, limit, lambda r: (r["occurred_at"].isoformat(), r["id"]))
