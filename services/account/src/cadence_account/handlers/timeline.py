"""The account timeline: written from events (one row per entry, keyed by the event id so a
redelivered event never shows twice), read newest first, in the caller's scope."""

from __future__ import annotations

import json
import uuid
from datetime import UTC
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from cadence.account.v1 import accounts_pb2 as pb
from cadence.events.v1.envelope_pb2 import EventEnvelope
from cadence_platform.caller import Caller
from cadence_platform.paging import decode_cursor, page_limit, split_page

from cadence_account.adapters.tables import timeline
from cadence_account.domain.timeline import READERS, entries_for
from cadence_account.handlers.deps import Deps
from cadence_account.handlers.scope import account_in_scope
from cadence_account.messages import ts


async def record_event(session: AsyncSession, envelope: EventEnvelope) -> None:
    reader = READERS.get(envelope.type)
    if reader is None:
        return
    payload = reader[0]()
    envelope.payload.Unpack(payload)
    event_id = uuid.UUID(envelope.event_id)
    rows = [{
        "id": event_id if i == 0 else uuid.uuid5(event_id, str(i)), "org_id": uuid.UUID(envelope.org_id),
        "account_id": uuid.UUID(entry.account_id), "kind": entry.kind,
        "occurred_at": envelope.occurred_at.ToDatetime(tzinfo=UTC), "actor_id": entry.actor_id or envelope.actor_id,
        "summary": entry.summary, "details": entry.details, "source": envelope.producer, "subject_id": entry.subject_id,
    } for i, entry in enumerate(entries_for(envelope.type, payload)) if entry.account_id]
    if rows:
        await session.execute(pg_insert(timeline).values(rows).on_conflict_do_nothing())


def entry_pb(r: dict[str, Any]) -> pb.TimelineEntry:
    return pb.TimelineEntry(id=str(r["id"]), account_id=str(r["account_id"]), kind=r["kind"],
                            occurred_at=ts(r["occurred_at"]), actor_id=r["actor_id"], summary=r["summary"],
                            details_json=json.dumps(r["details"]), source=r["source"], subject_id=r["subject_id"])


async def list_timeline(deps: Deps, *, caller: Caller, request: pb.ListTimelineRequest) -> tuple[list[pb.TimelineEntry], str]:
    limit = page_limit(request.page.limit)
    async with deps.sessions() as session:
        account = await account_in_scope(session, caller, request.account_id)
        query = sa.select(timeline).where(timeline.c.account_id == account["id"])
        if request.kind:
            query = query.where(sa.or_(timeline.c.kind == request.kind, timeline.c.kind.like(f"{request.kind}.%")))
        if (key := decode_cursor(request.page.cursor)) is not None:
            query = query.where(sa.tuple_(timeline.c.occurred_at, timeline.c.id) < sa.tuple_(
                sa.cast(key[0], sa.DateTime(timezone=True)), uuid.UUID(key[1])))
        rows = [dict(r) for r in (await session.execute(query.order_by(
            timeline.c.occurred_at.desc(), timeline.c.id.desc()).limit(limit + 1))).mappings()]
    rows, cursor = split_page(rows, limit, lambda r: (r["occurred_at"].isoformat(), str(r["id"])))
    return [entry_pb(r) for r in rows], cursor
