"""A closed renewal rolls its subscriptions forward (renewed, changed) or ends them (churned), so
next year's run starts in time. Driven by the engine's `renewal.closed`."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from cadence.engine.v1 import engine_events_pb2 as engine_events
from cadence.events.v1.envelope_pb2 import EventEnvelope
from cadence_platform.events import unpack
from cadence_platform.outbox import Outbox

from cadence_account.adapters.tables import subscriptions
from cadence_account.handlers.subscriptions import event_for


async def apply_renewal_outcome(outbox: Outbox, session: AsyncSession, envelope: EventEnvelope) -> None:
    closed = unpack(envelope, engine_events.RenewalClosed)
    renewal, outcome = closed.renewal, closed.outcome  # type: ignore[attr-defined]
    old_date = date.fromisoformat(renewal.renewal_date)
    ids = [uuid.UUID(s) for s in renewal.subscription_ids]
    # Only lines still on the closed date: a redelivered or late event never rolls a line twice.
    rows = (await session.execute(sa.select(subscriptions).where(
        subscriptions.c.id.in_(ids), subscriptions.c.renewal_date == old_date,
        subscriptions.c.lifecycle_stage.in_(("onboarding", "active", "renewal"))).with_for_update())).mappings().all()
    envelopes = []
    for row in rows:
        if outcome.result == "churned":
            values: dict[str, object] = {"lifecycle_stage": "churned"}
        else:
            values = {"lifecycle_stage": "active", "term_start": old_date + timedelta(days=1),
                      "renewal_date": date.fromisoformat(outcome.new_term_end)}
            if (money := outcome.new_arr.get(str(row["id"]))) is not None:
                values["arr_amount"] = Decimal(money.amount)
                values["arr_currency"] = money.currency
        updated = dict((await session.execute(sa.update(subscriptions).where(subscriptions.c.id == row["id"]).values(
            **values, updated_at=sa.func.now(), revision=subscriptions.c.revision + 1).returning(subscriptions)
        )).mappings().one())
        envelopes.append(event_for(envelope.org_id, outbox.producer, updated, "updated", sorted(values), old_date))
    await outbox.add_envelopes(session, envelopes)


async def mark_in_renewal(outbox: Outbox, session: AsyncSession, envelope: EventEnvelope) -> None:
    """A run started: its subscriptions are now in their renewal (the `renewal` lifecycle stage)."""
    started = unpack(envelope, engine_events.PlaybookStarted)
    ids = [uuid.UUID(s) for s in started.renewal.subscription_ids]
    rows = (await session.execute(sa.update(subscriptions).where(
        subscriptions.c.id.in_(ids), subscriptions.c.lifecycle_stage.in_(("onboarding", "active")),
    ).values(lifecycle_stage="renewal", updated_at=sa.func.now(), revision=subscriptions.c.revision + 1)
        .returning(subscriptions))).mappings().all()
    await outbox.add_envelopes(session, [event_for(envelope.org_id, outbox.producer, dict(r), "updated",
                                                   ["lifecycle_stage"]) for r in rows])
