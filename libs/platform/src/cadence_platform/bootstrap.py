"""The start-up every service shares: logs, telemetry, database (created, migrated), NATS streams,
the outbox relay, and the gRPC runner. A service's __main__ adds its servicers and consumers."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path

from nats.aio.client import Client as NATS
from nats.js import JetStreamContext
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from cadence_platform import db, nats_kit
from cadence_platform.consumer import EventConsumer, Handler, Subscription
from cadence_platform.events import Naming
from cadence_platform.grpc_server import ServiceRunner
from cadence_platform.logs import configure_logging
from cadence_platform.outbox import MessagingTables, Outbox, OutboxRelay
from cadence_platform.settings import DatabaseServiceSettings
from cadence_platform.telemetry import configure_telemetry, shutdown_telemetry

log = logging.getLogger(__name__)


@dataclass
class ServiceContext:
    settings: DatabaseServiceSettings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    nc: NATS
    js: JetStreamContext
    naming: Naming
    tables: MessagingTables
    outbox: Outbox
    runner: ServiceRunner

    @property
    def caller_secret(self) -> str:
        return self.settings.caller_secret.get_secret_value()

    def add_consumer(self, subscription: Subscription, handler: Handler) -> EventConsumer:
        consumer = EventConsumer(
            js=self.js, naming=self.naming, subscription=subscription, sessions=self.sessions,
            tables=self.tables, handler=handler,
        )
        self.runner.add_task(consumer.run)
        return consumer


async def prepare_database(settings: DatabaseServiceSettings, migrations_dir: Path) -> AsyncEngine:
    await asyncio.to_thread(db.ensure_database, settings.database_url)
    await asyncio.to_thread(db.migrate, settings.database_url, migrations_dir, settings.database_schema)
    engine = db.create_engine(settings.database_url)
    await db.wait_for_database(engine)
    return engine


async def start_service(
    settings: DatabaseServiceSettings, *, tables: MessagingTables, migrations_dir: Path, streams: list[str],
) -> ServiceContext:
    configure_logging(settings.service_name, settings.log_level)
    configure_telemetry(settings.service_name, settings.otel_endpoint)
    engine = await prepare_database(settings, migrations_dir)
    nc = await nats_kit.connect(settings.nats_url, settings.service_name)
    js = nc.jetstream()
    naming = Naming(settings.nats_prefix)
    await nats_kit.ensure_streams(js, naming, streams)
    outbox = Outbox(tables.outbox, naming, settings.service_name)
    runner = ServiceRunner(
        settings.service_name, host=settings.grpc_host, port=settings.grpc_port,
        caller_secret=settings.caller_secret.get_secret_value(), grace_seconds=settings.shutdown_grace_seconds,
    )
    runner.add_task(OutboxRelay(engine=engine, outbox=outbox, js=js).run)

    async def close() -> None:
        await nc.drain()
        await engine.dispose()
        shutdown_telemetry()

    runner.on_stop(close)
    return ServiceContext(settings, engine, db.session_factory(engine), nc, js, naming, tables, outbox, runner)
