"""Connecting to NATS, creating streams, draining on stop."""

from __future__ import annotations

import logging

import nats
from nats.aio.client import Client as NATS
from nats.js import JetStreamContext
from nats.js.api import StorageType, StreamConfig
from nats.js.errors import NotFoundError

from cadence_platform.events import Naming
from cadence_platform.retry import startup_wait

log = logging.getLogger(__name__)

DUPLICATE_WINDOW_SECONDS = 3600.0  # ≥ how long the relay may keep retrying one outbox row


async def connect(url: str, name: str, timeout_seconds: float = 60.0) -> NATS:
    async for attempt in startup_wait("nats", timeout_seconds):
        with attempt:
            return await nats.connect(
                url, name=name, max_reconnect_attempts=-1, reconnect_time_wait=0.5, connect_timeout=2,
                drain_timeout=5
            )
    raise RuntimeError("unreachable")


async def ensure_stream(js: JetStreamContext, naming: Naming, name: str) -> None:
    """Create the stream, or bring its subjects up to date; idempotent, so any service may call it."""
    config = StreamConfig(
        name=naming.stream(name),
        subjects=naming.stream_subjects(name),
        storage=StorageType.FILE,
        duplicate_window=DUPLICATE_WINDOW_SECONDS,
    )
    try:
        await js.stream_info(config.name)
    except NotFoundError:
        await js.add_stream(config)
        log.info("created stream", extra={"stream": config.name})
    else:
        await js.update_stream(config)


async def ensure_streams(js: JetStreamContext, naming: Naming, names: list[str]) -> None:
    for name in names:
        await ensure_stream(js, naming, name)
