"""Set-based writes for starting runs: renewals and runs as one multi-row statement each (unnest of
column arrays: one parse and plan whatever the row count), actions and outbox rows with COPY.

Everything runs on the psycopg connection under the caller's SQLAlchemy session, inside its
transaction, so the writes commit or roll back with the rest of the unit of work.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

import psycopg
from psycopg.types.json import Jsonb
from sqlalchemy.ext.asyncio import AsyncSession

from cadence.events.v1.envelope_pb2 import EventEnvelope
from cadence_platform.grpc_server import current_actor
from cadence_platform.outbox import Outbox
from cadence_platform.telemetry import current_trace_headers

from cadence_playbook_engine.adapters.tables import SCHEMA

Row = dict[str, Any]

# The unique key (org, account, vendor key, renewal date) has the last word: a renewal another
# replica or an earlier attempt inserted is not returned, and only returned renewals get runs.
# Id, date and amount columns travel as one array literal each (no quoting needed, no per-element
# work in the driver); the vendor texts as proper text arrays.
_INSERT_RENEWALS = f"""
    INSERT INTO {SCHEMA}.renewals (id, org_id, account_id, vendor, vendor_key, renewal_date, status,
                                   subscription_ids, arr_reporting, playbook_id, run_id)
    SELECT t.id, t.org_id, t.account_id, t.vendor, t.vendor_key, t.renewal_date, 'open',
           t.subscription_ids::uuid[], t.arr_reporting, t.playbook_id, t.run_id
    FROM unnest(%s::uuid[], %s::uuid[], %s::uuid[], %s::text[], %s::text[], %s::date[], %s::text[],
                %s::numeric[], %s::uuid[], %s::uuid[])
         AS t(id, org_id, account_id, vendor, vendor_key, renewal_date, subscription_ids, arr_reporting,
              playbook_id, run_id)
    ON CONFLICT DO NOTHING
    RETURNING id::text, status, created_at, version"""

_INSERT_RUNS = f"""
    INSERT INTO {SCHEMA}.runs (id, org_id, renewal_id, playbook_id, playbook_version, status)
    SELECT t.id, t.org_id, t.renewal_id, t.playbook_id, t.playbook_version, 'open'
    FROM unnest(%s::uuid[], %s::uuid[], %s::uuid[], %s::uuid[], %s::int8[])
         AS t(id, org_id, renewal_id, playbook_id, playbook_version)"""


def _literal(values: Iterable[Any]) -> str:
    """An array literal of values whose text form needs no quoting (ids, dates, numbers; None = NULL)."""
    return "{" + ",".join("NULL" if v is None else str(v) for v in values) + "}"


# The order of the text rows handlers.started writes: per action, then per run, then per step.
ACTION_COPY_COLUMNS = ("id", "priority", "reasons", "org_id", "account_id", "renewal_id", "run_id", "assignee_id",
                       "created_at", "updated_at", "step_index", "title", "kind", "description", "anchor",
                       "due_date", "status", "compressed", "lapsed", "adhoc", "version")


async def driver(session: AsyncSession) -> psycopg.AsyncConnection[Any]:
    """The psycopg connection under the session (same transaction)."""
    raw = await (await session.connection()).get_raw_connection()
    return raw.driver_connection  # type: ignore[return-value]


async def insert_renewals(conn: psycopg.AsyncConnection[Any], rows: Sequence[Row]) -> dict[str, Row]:
    """Insert the renewals; for those that were new, by id: the columns the database filled in."""
    if not rows:
        return {}
    columns = [_literal(r["id"] for r in rows), _literal(r["org_id"] for r in rows),
               _literal(r["account_id"] for r in rows), [r["vendor"] for r in rows],
               [r["vendor_key"] for r in rows], _literal(r["renewal_date"] for r in rows),
               [_literal(r["subscription_ids"]) for r in rows], _literal(r["arr_reporting"] for r in rows),
               _literal(r["playbook_id"] for r in rows), _literal(r["run_id"] for r in rows)]
    async with conn.cursor() as cur:
        await cur.execute(_INSERT_RENEWALS, columns)
        return {row[0]: {"status": row[1], "created_at": row[2], "version": row[3]} for row in await cur.fetchall()}


async def insert_runs(conn: psycopg.AsyncConnection[Any], rows: Sequence[Row]) -> None:
    if rows:
        async with conn.cursor() as cur:
            await cur.execute(_INSERT_RUNS, [_literal(r[c] for r in rows) for c in (
                "id", "org_id", "renewal_id", "playbook_id", "playbook_version")])


async def copy_actions(conn: psycopg.AsyncConnection[Any], rows: Iterable[str]) -> None:
    """COPY complete action rows (text format, ACTION_COPY_COLUMNS order), ~1 MB per write."""
    async with conn.cursor() as cur:
        async with cur.copy(f"COPY {SCHEMA}.actions ({', '.join(ACTION_COPY_COLUMNS)}) FROM STDIN") as copy:
            buffer: list[str] = []
            size = 0
            for row in rows:
                buffer.append(row)
                size += len(row)
                if size > 1 << 20:
                    await copy.write("".join(buffer).encode())
                    buffer, size = [], 0
            if buffer:
                await copy.write("".join(buffer).encode())


async def copy_outbox(conn: psycopg.AsyncConnection[Any], outbox: Outbox, envelopes: Sequence[EventEnvelope]) -> None:
    """The events into the outbox, as Outbox.add_envelopes would write them, with one COPY."""
    if not envelopes:
        return
    headers, actor = Jsonb(current_trace_headers()), current_actor()
    columns = "event_id, subject, data, headers, partition"
    async with conn.cursor() as cur:
        async with cur.copy(f"COPY {outbox.table.schema}.{outbox.table.name} ({columns}) FROM STDIN (FORMAT BINARY)"
                            ) as copy:
            copy.set_types(["uuid", "text", "bytea", "jsonb", "int2"])
            for e in envelopes:
                e.actor_id = e.actor_id or actor
                await copy.write_row((uuid.UUID(e.event_id), outbox.naming.subject(e.type, outbox.producer),
                                      e.SerializeToString(), headers, e.partition))
