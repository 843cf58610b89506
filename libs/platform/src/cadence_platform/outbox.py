"""The transactional outbox: a service writes its change and its event in one transaction; the
relay publishes committed rows to JetStream and marks them sent after the PubAck.

A crash after publishing and before marking republishes the row; JetStream drops the copy
inside the duplicate window (Nats-Msg-Id = event id) and consumers drop it after that.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from google.protobuf.message import Message
from nats.js import JetStreamContext
from sqlalchemy.dialects import postgresql as pg
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from cadence.events.v1.envelope_pb2 import EventEnvelope
from cadence_platform.events import Naming, new_event
from cadence_platform.grpc_server import current_actor
from cadence_platform.telemetry import current_trace_headers

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MessagingTables:
    outbox: sa.Table
    processed_events: sa.Table
    aggregate_versions: sa.Table


def messaging_tables(metadata: sa.MetaData) -> MessagingTables:
    """Table objects matching `cadence_platform.migrations.create_messaging_tables`."""
    outbox = sa.Table(
        "outbox", metadata,
        sa.Column("seq", sa.BigInteger, primary_key=True),
        sa.Column("event_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.Column("headers", pg.JSONB, nullable=False),
        sa.Column("partition", sa.SmallInteger, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
        sa.Column("published_at", sa.DateTime(timezone=True)),
    )
    processed = sa.Table(
        "processed_events", metadata,
        sa.Column("consumer", sa.Text, primary_key=True),
        sa.Column("event_id", pg.UUID(as_uuid=True), primary_key=True),
        sa.Column("processed_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
    )
    versions = sa.Table(
        "aggregate_versions", metadata,
        sa.Column("consumer", sa.Text, primary_key=True),
        sa.Column("aggregate_id", sa.Text, primary_key=True),
        sa.Column("version", sa.BigInteger, nullable=False),
    )
    return MessagingTables(outbox, processed, versions)


@dataclass
class Outbox:
    """Adds events to the caller's transaction; `wake()` after commit nudges the local relay."""

    table: sa.Table
    naming: Naming
    producer: str
    _wake: asyncio.Event = field(default_factory=asyncio.Event)

    async def add(
        self,
        session: AsyncSession,
        *,
        event_type: str,
        org_id: str,
        aggregate_id: str,
        payload: Message,
        aggregate_version: int = 0,
        partition_key: str = "",
    ) -> EventEnvelope:
        envelope = new_event(
            event_type=event_type, org_id=org_id, aggregate_id=aggregate_id, payload=payload,
            producer=self.producer, aggregate_version=aggregate_version, partition_key=partition_key,
        )
        await self.add_envelopes(session, [envelope])
        return envelope

    async def add_envelopes(self, session: AsyncSession, envelopes: list[EventEnvelope]) -> None:
        headers = current_trace_headers()
        actor = current_actor()
        for envelope in envelopes:
            envelope.actor_id = envelope.actor_id or actor
        await session.execute(
            sa.insert(self.table),
            [
                {
                    "event_id": uuid.UUID(e.event_id), "subject": self.naming.subject(e.type, self.producer),
                    "data": e.SerializeToString(), "headers": headers, "partition": e.partition,
                }
                for e in envelopes
            ],
        )

    def wake(self) -> None:
        self._wake.set()

    async def wait(self, timeout: float) -> None:
        try:
            await asyncio.wait_for(self._wake.wait(), timeout)
        except TimeoutError:
            pass
        self._wake.clear()


class OutboxRelay:
    """Publishes unpublished outbox rows in order; several replicas share the work (SKIP LOCKED)."""

    def __init__(
        self, *, engine: AsyncEngine, outbox: Outbox, js: JetStreamContext, batch_size: int = 500,
        idle_seconds: float = 0.2,
    ) -> None:
        self.engine = engine
        self.outbox = outbox
        self.js = js
        self.batch_size = batch_size
        self.idle_seconds = idle_seconds

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                sent = await self.publish_pending()
            except Exception:
                log.exception("outbox relay failed; retrying")
                sent = 0
                await asyncio.sleep(1.0)
            if sent < self.batch_size:
                await self.outbox.wait(self.idle_seconds)

    async def publish_pending(self) -> int:
        """Publish one batch and mark it sent; returns how many rows were published."""
        async with self.engine.begin() as conn:
            rows = await self.claim(conn)
            if not rows:
                return 0
            await self.publish(rows)
            await self.mark_published(conn, rows)
        return len(rows)

    async def claim(self, conn: Any) -> list[sa.Row[Any]]:
        table = self.outbox.table
        query = (
            sa.select(table.c.seq, table.c.event_id, table.c.subject, table.c.data, table.c.headers)
            .where(table.c.published_at.is_(None))
            .order_by(table.c.seq)
            .limit(self.batch_size)
            .with_for_update(skip_locked=True)
        )
        return list((await conn.execute(query)).all())

    async def publish(self, rows: list[sa.Row[Any]]) -> None:
        # Many publishes in flight at once: one awaited publish per message caps out near 6k/s.
        await asyncio.gather(
            *(
                self.js.publish(row.subject, row.data, headers={**row.headers, "Nats-Msg-Id": str(row.event_id)})
                for row in rows
            )
        )

    async def mark_published(self, conn: Any, rows: list[sa.Row[Any]]) -> None:
        table = self.outbox.table
        await conn.execute(
            sa.update(table).where(table.c.seq.in_([r.seq for r in rows])).values(published_at=sa.func.now())
        )
