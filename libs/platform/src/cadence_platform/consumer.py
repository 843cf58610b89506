"""Durable pull consumers that are idempotent and skip stale events.

For each message, in ONE database transaction with the handler's own writes: remember the
event id (a redelivery or a republished copy is skipped), skip an event whose aggregate
version is not newer than the one already applied, run the handler. Failures are retried by
JetStream (nak with a growing delay) up to `max_deliver`, then parked on
`<prefix>.dlq.<stream>.<consumer>` with the reason, and terminated.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from nats.aio.msg import Msg
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from opentelemetry import trace
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cadence.events.v1.envelope_pb2 import EventEnvelope
from cadence_platform.events import Naming
from cadence_platform.outbox import MessagingTables
from cadence_platform.telemetry import context_from_headers

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)

Handler = Callable[[AsyncSession, EventEnvelope], Awaitable[None]]


@dataclass(frozen=True)
class Subscription:
    """What one durable consumer reads: a stream, a durable name, subject filters (event types)."""

    stream: str
    durable: str
    event_types: tuple[str, ...]
    max_deliver: int = 5
    ack_wait_seconds: float = 30.0

    def wants(self, event_type: str) -> bool:
        """Whether an event type is one this subscription asked for ("account.>" = the account family)."""
        # "audit.recorded.>" filters the per-producer audit subjects; their type is "audit.recorded".
        return any(event_type == t or (t.endswith(".>") and (event_type.startswith(t[:-1]) or event_type == t[:-2]))
                   for t in self.event_types)


class EventConsumer:
    def __init__(
        self, *, js: JetStreamContext, naming: Naming, subscription: Subscription,
        sessions: async_sessionmaker[AsyncSession], tables: MessagingTables, handler: Handler,
        batch_size: int = 100,
    ) -> None:
        self.js = js
        self.naming = naming
        self.sub = subscription
        self.sessions = sessions
        self.tables = tables
        self.handler = handler
        self.batch_size = batch_size
        self.stream = naming.stream(subscription.stream)

    async def ensure(self) -> None:
        filters = [self.naming.subject(t) if not t.endswith(">") else f"{self.naming.prefix}.{t}"
                   for t in self.sub.event_types]
        config = ConsumerConfig(
            durable_name=self.sub.durable, ack_policy=AckPolicy.EXPLICIT, deliver_policy=DeliverPolicy.ALL,
            max_deliver=self.sub.max_deliver, ack_wait=self.sub.ack_wait_seconds,
            filter_subjects=filters if len(filters) > 1 else None,
            filter_subject=filters[0] if len(filters) == 1 else None,
        )
        await self.js.add_consumer(self.stream, config)

    async def run(self, stop: asyncio.Event) -> None:
        await self.ensure()
        subscription = await self.js.pull_subscribe_bind(self.sub.durable, stream=self.stream)
        try:
            while not stop.is_set():
                try:
                    messages = await subscription.fetch(self.batch_size, timeout=1.0)
                except (NatsTimeoutError, TimeoutError):  # nats-py raises either when nothing came
                    continue
                except Exception:
                    log.exception("fetch failed", extra={"consumer": self.sub.durable})
                    await asyncio.sleep(1.0)
                    continue
                for msg in messages:
                    await self.process(msg)
        finally:
            await subscription.unsubscribe()

    async def process(self, msg: Msg) -> None:
        envelope = EventEnvelope()
        try:
            envelope.ParseFromString(msg.data)
        except Exception as exc:
            await self.park(msg, f"not an EventEnvelope: {exc}")
            return
        if not self.sub.wants(envelope.type):
            # Servers before 2.10 ignore a consumer's multiple filter subjects and deliver the whole
            # stream; what this consumer did not ask for is acknowledged and left alone.
            await msg.ack()
            return
        with tracer.start_as_current_span(
            f"consume {envelope.type}", context=context_from_headers(msg.headers),
            attributes={"cadence.event_id": envelope.event_id, "cadence.consumer": self.sub.durable},
        ):
            try:
                applied = await self.apply(envelope)
            except Exception as exc:
                await self.retry_or_park(msg, envelope, exc)
                return
        log.debug("event handled" if applied else "event skipped", extra={"event_id": envelope.event_id})
        await msg.ack()

    async def apply(self, envelope: EventEnvelope) -> bool:
        """Run the handler once per event id and only for a newer aggregate version. True if applied."""
        processed, versions = self.tables.processed_events, self.tables.aggregate_versions
        async with self.sessions() as session, session.begin():
            first_time = await session.execute(
                pg_insert(processed).values(consumer=self.sub.durable, event_id=uuid.UUID(envelope.event_id))
                .on_conflict_do_nothing().returning(processed.c.event_id)
            )
            if first_time.first() is None:
                return False
            if envelope.aggregate_version > 0 and not await self._is_newer(session, envelope):
                return False
            await self.handler(session, envelope)
            if envelope.aggregate_version > 0:
                await session.execute(
                    pg_insert(versions).values(
                        consumer=self.sub.durable, aggregate_id=envelope.aggregate_id,
                        version=envelope.aggregate_version,
                    ).on_conflict_do_update(
                        index_elements=[versions.c.consumer, versions.c.aggregate_id],
                        set_={"version": envelope.aggregate_version},
                    )
                )
        return True

    async def _is_newer(self, session: AsyncSession, envelope: EventEnvelope) -> bool:
        versions = self.tables.aggregate_versions
        held = await session.scalar(
            sa.select(versions.c.version)
            .where(versions.c.consumer == self.sub.durable, versions.c.aggregate_id == envelope.aggregate_id)
            .with_for_update()
        )
        return held is None or envelope.aggregate_version > held

    async def retry_or_park(self, msg: Msg, envelope: EventEnvelope, exc: Exception) -> None:
        delivered = msg.metadata.num_delivered if msg.metadata else 1
        log.warning(
            "handler failed", exc_info=exc,
            extra={"consumer": self.sub.durable, "event_id": envelope.event_id, "delivered": delivered},
        )
        if delivered >= self.sub.max_deliver:
            await self.park(msg, f"{type(exc).__name__}: {exc}")
        else:
            await msg.nak(delay=min(0.5 * 2 ** (delivered - 1), 30.0))

    async def park(self, msg: Msg, reason: str) -> None:
        """Dead-letter: keep the original bytes and headers, add why; then stop redelivery."""
        headers = {**(msg.headers or {}), "Cadence-Dlq-Reason": reason[:1000], "Cadence-Dlq-Subject": msg.subject}
        headers.pop("Nats-Msg-Id", None)
        await self.js.publish(self.naming.dlq_subject(self.sub.stream, self.sub.durable), msg.data, headers=headers)
        await msg.term()
        log.error("event parked on the dead-letter subject", extra={"consumer": self.sub.durable, "reason": reason})


def dispatch(deps: Any, table: Mapping[str, Callable[[Any, AsyncSession, EventEnvelope], Awaitable[None]]]) -> Handler:
    """One consumer's handler from a table of event type → use case (each taking deps, session, envelope)."""

    async def handle(session: AsyncSession, envelope: EventEnvelope) -> None:
        if (handler := table.get(envelope.type)) is not None:
            await handler(deps, session, envelope)

    return handle
