"""The outbox, relay and consumer against real PostgreSQL and NATS."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import nats
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from cadence.audit.v1.audit_pb2 import AuditRecorded
from cadence.events.v1.envelope_pb2 import EventEnvelope
from cadence_platform import db, nats_kit
from cadence_platform.consumer import EventConsumer, Subscription
from cadence_platform.events import Naming, unpack
from cadence_platform.outbox import Outbox, OutboxRelay, messaging_tables

pytestmark = pytest.mark.integration


@dataclass
class Harness:
    sessions: db.async_sessionmaker[AsyncSession]
    engine: db.AsyncEngine
    js: nats.js.JetStreamContext
    naming: Naming
    outbox: Outbox
    relay: OutboxRelay
    tables: object
    seen: list[tuple[str, str]] = field(default_factory=list)
    fail: bool = False

    async def handler(self, session: AsyncSession, envelope: EventEnvelope) -> None:
        if self.fail:
            raise RuntimeError("handler always fails")
        event = unpack(envelope, AuditRecorded)
        self.seen.append((envelope.event_id, event.action))  # type: ignore[attr-defined]

    def consumer(self, durable: str, max_deliver: int = 5) -> EventConsumer:
        return EventConsumer(
            js=self.js, naming=self.naming, tables=self.tables, sessions=self.sessions,  # type: ignore[arg-type]
            subscription=Subscription(stream="ACCOUNT", durable=durable, event_types=("audit.recorded.>",),
                                      max_deliver=max_deliver, ack_wait_seconds=2),
            handler=self.handler,
        )

    async def add(self, action: str, aggregate_version: int = 0, aggregate_id: str = "a1") -> EventEnvelope:
        async with self.sessions() as session, session.begin():
            envelope = await self.outbox.add(
                session, event_type="audit.recorded", org_id=str(uuid.uuid4()), aggregate_id=aggregate_id,
                aggregate_version=aggregate_version, payload=AuditRecorded(action=action))
        return envelope


@pytest.fixture
async def harness(database_url: str, nats_url: str, naming: Naming) -> AsyncIterator[Harness]:
    schema = f"ptest_{uuid.uuid4().hex[:6]}"
    metadata = sa.MetaData(schema=schema)
    tables = messaging_tables(metadata)
    engine = db.create_engine(database_url)
    async with engine.begin() as conn:
        await conn.execute(sa.text(f"create schema {schema}"))
        await conn.run_sync(metadata.create_all)
    nc = await nats_kit.connect(nats_url, "test")
    js = nc.jetstream()
    naming = Naming(f"{naming.prefix}x{uuid.uuid4().hex[:4]}")  # each test its own streams
    await nats_kit.ensure_streams(js, naming, ["ACCOUNT", "DLQ"])
    outbox = Outbox(tables.outbox, naming, "account")
    yield Harness(db.session_factory(engine), engine, js, naming, outbox,
                  OutboxRelay(engine=engine, outbox=outbox, js=js), tables)
    for stream in ("ACCOUNT", "DLQ"):
        await js.delete_stream(naming.stream(stream))
    await nc.close()
    await engine.dispose()


async def drain(consumer: EventConsumer, seconds: float = 2.0) -> None:
    stop = asyncio.Event()
    task = asyncio.create_task(consumer.run(stop))
    await asyncio.sleep(seconds)
    stop.set()
    await task


async def test_crash_between_publish_and_mark_loses_nothing_and_doubles_nothing(harness: Harness) -> None:
    envelope = await harness.add("user.created")
    # The relay publishes, then "crashes" before marking the row sent: the transaction rolls back.
    async with harness.engine.connect() as conn:
        async with conn.begin():
            rows = await harness.relay.claim(conn)
            await harness.relay.publish(rows)
            await conn.rollback()
    assert await harness.relay.publish_pending() == 1  # the restarted relay publishes it again
    assert await harness.relay.publish_pending() == 0
    # Even past JetStream's duplicate window, a copy is dropped by the consumer's memory of event ids.
    await harness.js.publish(harness.naming.subject("audit.recorded", "account"), envelope.SerializeToString())
    await drain(harness.consumer(f"crash-{uuid.uuid4().hex[:6]}"))
    assert harness.seen == [(envelope.event_id, "user.created")]


async def test_a_stale_aggregate_version_changes_nothing(harness: Harness) -> None:
    await harness.add("v2", aggregate_version=2, aggregate_id="agg")
    await harness.add("v1", aggregate_version=1, aggregate_id="agg")
    await harness.add("v3", aggregate_version=3, aggregate_id="agg")
    await harness.relay.publish_pending()
    await drain(harness.consumer(f"stale-{uuid.uuid4().hex[:6]}"))
    assert [action for _, action in harness.seen] == ["v2", "v3"]


async def test_a_failing_event_is_retried_then_parked_with_its_reason(harness: Harness) -> None:
    envelope = await harness.add("poison")
    await harness.relay.publish_pending()
    durable = f"poison-{uuid.uuid4().hex[:6]}"
    dlq = await harness.js.subscribe(harness.naming.dlq_subject("ACCOUNT", durable))
    harness.fail = True
    await drain(harness.consumer(durable, max_deliver=3), seconds=6.0)
    parked = await dlq.next_msg(timeout=5)
    assert parked.headers and "handler always fails" in parked.headers["Cadence-Dlq-Reason"]
    assert EventEnvelope.FromString(parked.data).event_id == envelope.event_id
