"""Is the system at rest? Events still on their way (unpublished outbox rows, messages a durable
consumer has not acknowledged) or a statement still running on the engine's tables mean work is
in flight — a quiet spell in a count is not enough on its own."""

from __future__ import annotations

import asyncio
import time

import psycopg
from psycopg import sql

from .stack import BenchStack

POLL_S = 0.5


async def consumer_backlog(stack: BenchStack, stream: str = "", durable: str = "") -> int:
    """Pending + unacknowledged messages of one durable, or of every durable on the run's streams."""
    import nats

    nc = await nats.connect(stack.config.nats_url, connect_timeout=5, max_reconnect_attempts=1)
    try:
        js = nc.jetstream()
        if durable:
            infos = [await js.consumer_info(stack.naming.stream(stream), durable)]
        else:
            prefix = stack.naming.prefix.upper() + "_"
            names = [s.config.name for s in await js.streams_info() if (s.config.name or "").startswith(prefix)]
            infos = [c for name in names if name for c in await js.consumers_info(name)]
        return sum(int(c.num_pending or 0) + int(c.num_ack_pending or 0) for c in infos)
    finally:
        await nc.close()


def unpublished(conn: psycopg.Connection, schemas: list[str] | None = None) -> int:
    """Outbox rows not yet published, in the given services' schemas (default: every schema)."""
    found = conn.execute("select table_schema from information_schema.tables where table_name = 'outbox'"
                         ).fetchall()
    total = 0
    for (schema,) in found:
        if schemas is None or schema in schemas:
            query = sql.SQL("select count(*) from {}.outbox where published_at is null").format(sql.Identifier(schema))
            row = conn.execute(query).fetchone()
            total += int(row[0]) if row else 0
    return total


def engine_busy(conn: psycopg.Connection) -> int:
    """Other sessions in the middle of a statement or a transaction on the engine's tables (a sweep
    chunk stays invisible until it commits)."""
    row = conn.execute("""
        select count(*) from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'
          and state in ('active', 'idle in transaction') and query ilike '%playbook_engine.%'
    """).fetchone()
    return int(row[0]) if row else 0


def engine_at_rest(stack: BenchStack, conn: psycopg.Connection) -> bool:
    return (unpublished(conn, ["account"]) == 0 and engine_busy(conn) == 0
            and asyncio.run(consumer_backlog(stack, "ACCOUNT", "engine-accounts")) == 0)


def wait_until_settled(stack: BenchStack, timeout_s: float, quiet_s: float) -> float | None:
    """Wait until every outbox is published and every durable is caught up, `quiet_s` in a row.
    Returns the seconds waited, None on timeout."""
    started = time.monotonic()
    calm_since: float | None = None
    with psycopg.connect(stack.conninfo, autocommit=True) as conn:
        while time.monotonic() - started < timeout_s:
            calm = unpublished(conn) == 0 and asyncio.run(consumer_backlog(stack)) == 0
            now = time.monotonic()
            calm_since = (calm_since or now) if calm else None
            if calm_since is not None and now - calm_since >= quiet_s:
                return now - started
            time.sleep(POLL_S)
    return None
