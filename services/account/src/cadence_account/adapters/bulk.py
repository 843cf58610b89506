"""Set-based writes for bulk work: COPY through the session's own psycopg connection (so the rows
land in the session's transaction) and SQL run as text against the account schema."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any, cast

import psycopg
import sqlalchemy as sa
from psycopg.types.json import Jsonb
from sqlalchemy.ext.asyncio import AsyncSession

from cadence.events.v1.envelope_pb2 import EventEnvelope
from cadence_platform.grpc_server import current_actor
from cadence_platform.outbox import Outbox
from cadence_platform.telemetry import current_trace_headers

from cadence_account.adapters.tables import SCHEMA


async def raw_connection(session: AsyncSession) -> psycopg.AsyncConnection[Any]:
    """The psycopg connection under the session, inside the session's open transaction."""
    conn = await session.connection()
    raw = await conn.get_raw_connection()
    driver = raw.driver_connection
    assert isinstance(driver, psycopg.AsyncConnection)
    return driver


async def copy_rows(session: AsyncSession, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]],
                    binary_types: Sequence[str] = ()) -> None:
    """COPY rows (tuples in `columns` order, None = NULL) into `table`; with the columns' types,
    in binary (no text escaping: what large byte strings want)."""
    raw = await raw_connection(session)
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN" + (" (FORMAT BINARY)" if binary_types else "")
    async with raw.cursor() as cursor, cursor.copy(statement) as copy:
        if binary_types:
            copy.set_types(list(binary_types))
        for row in rows:
            await copy.write_row(row)


async def run(session: AsyncSession, sql: str, **params: Any) -> sa.CursorResult[Any]:
    """One statement; `{s}` in the text names the account schema."""
    return cast(sa.CursorResult[Any], await session.execute(sa.text(sql.format(s=SCHEMA)), params))


def outbox_rows(outbox: Outbox, envelopes: list[EventEnvelope]) -> list[tuple[Any, ...]]:
    """The rows Outbox.add_envelopes would insert (pure: a worker thread may serialize them)."""
    headers = Jsonb(current_trace_headers())
    actor = current_actor()
    rows = []
    for envelope in envelopes:
        envelope.actor_id = envelope.actor_id or actor
        rows.append((uuid.UUID(envelope.event_id), outbox.naming.subject(envelope.type, outbox.producer),
                     envelope.SerializeToString(), headers, envelope.partition))
    return rows


async def copy_outbox_rows(session: AsyncSession, outbox: Outbox, rows: list[tuple[Any, ...]]) -> None:
    """Outbox rows by COPY: a 100k-event import would otherwise spend its time in INSERT round trips.
    The relay reads committed rows by seq, which COPY assigns in row order."""
    if rows:
        table = f"{SCHEMA}.{outbox.table.name}"
        await copy_rows(session, table, ("event_id", "subject", "data", "headers", "partition"), rows,
                        ("uuid", "text", "bytea", "jsonb", "int2"))
