"""The engine after an import: how long until every due renewal had its run (the event-driven
trigger and sweep as they are today), and the idle re-sweep through the SweepNow RPC."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import datetime

import httpx
import psycopg

from cadence.engine.v1 import engine_pb2, engine_pb2_grpc
from cadence_platform.caller import Caller
from cadence_platform.grpc_client import caller_metadata, open_channel

from cadence_playbook_engine.domain.renewals import OPEN_STAGES

from .settle import engine_at_rest
from .stack import BenchStack

POLL_S = 0.5
PAGE = 500
SWEEP_NOW_DEADLINE_S = 900.0


@dataclass(frozen=True)
class SweepResult:
    renewals_api: int            # GET /api/v1/renewals?status=all, paged as the admin
    renewals: int                # the same from SQL (renewals without a matching playbook have no run)
    runs: int
    actions: int                 # non-ad-hoc action rows the engine wrote
    first_write: datetime | None
    last_write: datetime | None          # the newest created_at (a transaction's start, so ≤ its commit)
    seen_final: float | None             # time.time() when the poll first saw the final count (≥ the commit)
    seconds_after_import: float | None   # import completion → every due renewal had its run
    timed_out: bool
    samples: list[tuple[float, int]]     # (seconds since import completion, renewals seen): the timeline

    @property
    def writing_seconds(self) -> float | None:
        """First row written to the last one visible: the window the engine's write rate is over."""
        if self.first_write is None or self.seen_final is None:
            return None
        return max(self.seen_final - self.first_write.timestamp(), 1e-3)


def count_renewals(admin: httpx.Client) -> int:
    total, cursor = 0, ""
    for _ in range(100_000):  # bounded: 50M renewals at 500 a page
        params: dict[str, str | int] = {"limit": PAGE, "status": "all", "cursor": cursor}
        body = admin.get("/renewals", params=params).raise_for_status().json()
        total += len(body["items"])
        cursor = body["next_cursor"] or ""
        if not cursor:
            break
    return total


def wait_for_sweep(stack: BenchStack, admin: httpx.Client, import_finished: float, expected: int) -> SweepResult:
    """Until the renewal count has grown (when `expected` > 0 due renewals) and then not grown for
    quiet_s, with the engine at rest: a debounced or chunked sweep pauses between writes."""
    config = stack.config
    deadline = time.monotonic() + config.sweep_timeout_s
    last_count, last_change, timed_out = -1, time.monotonic(), True
    samples: list[tuple[float, int]] = []
    seen_final: float | None = None
    with psycopg.connect(stack.conninfo, autocommit=True) as conn:
        while time.monotonic() < deadline:
            count = count_renewals(admin)
            if count != last_count:
                seen_final = time.time()  # the end of the poll that saw it: no later than this
                samples.append((round(seen_final - import_finished, 1), count))
                last_count, last_change = count, time.monotonic()
            elif ((count > 0 or expected == 0) and time.monotonic() - last_change >= config.quiet_s
                  and engine_at_rest(stack, conn)):
                timed_out = False
                break
            time.sleep(POLL_S)
        row = conn.execute("""
            select (select count(*) from playbook_engine.renewals),
                   (select count(*) from playbook_engine.runs),
                   (select count(*) from playbook_engine.actions where not adhoc),
                   least((select min(created_at) from playbook_engine.renewals),
                         (select min(created_at) from playbook_engine.actions where not adhoc)),
                   greatest((select max(created_at) from playbook_engine.renewals),
                            (select max(created_at) from playbook_engine.actions where not adhoc))
        """).fetchone()
    assert row is not None
    renewals, runs, actions, first, last = row
    # The end: when a poll first saw the final count (a chunked sweep's created_at is its transaction's
    # start, seconds before the commit at scale). If the very first poll already saw it, the engine had
    # finished before we looked, and the newest created_at is the better estimate.
    if len(samples) == 1 and last is not None:
        seen_final = last.timestamp()
    after_import = max(0.0, seen_final - import_finished) if seen_final is not None and last is not None else None
    return SweepResult(last_count, renewals, runs, actions, first, last, seen_final, after_import, timed_out,
                       samples)


@dataclass(frozen=True)
class ResweepResult:
    seconds: float
    runs_started: int
    baseline_seconds: float      # the sweep's candidate query, run once in SQL
    candidate_accounts: int      # accounts that query still returns (each one the re-sweep revisits)


async def _sweep_now(stack: BenchStack, org_id: str) -> tuple[float, int]:
    md = caller_metadata(Caller.system(org_id, ttl_seconds=int(SWEEP_NOW_DEADLINE_S)),
                         stack.settings.caller_secret.get_secret_value())
    async with open_channel(stack.target("playbook_engine"), deadline_seconds=SWEEP_NOW_DEADLINE_S) as channel:
        await asyncio.wait_for(channel.channel_ready(), 30)  # connection set-up is not the sweep's time
        stub = engine_pb2_grpc.PlaybookEngineServiceStub(channel)
        started = time.perf_counter()
        response = await stub.SweepNow(engine_pb2.SweepNowRequest(), metadata=md)
        return time.perf_counter() - started, int(response.runs_started)


def _candidate_query(conn: psycopg.Connection, org_id: str) -> tuple[float, int]:
    """What a set-based re-sweep must at least do: one anti-join of the window's subscriptions
    against the existing renewals (the same predicate as sweep.py's candidate query, all partitions)."""
    window = conn.execute("select coalesce(max(trigger_days), 120) from playbook_engine.playbooks "
                          "where org_id = %s and active", (org_id,)).fetchone()
    started = time.perf_counter()
    row = conn.execute("""
        select count(distinct s.account_id)
        from playbook_engine.subscriptions_rm s
        join playbook_engine.accounts_rm a on a.account_id = s.account_id
        where a.org_id = %s and not a.archived and s.lifecycle_stage = any(%s)
          and s.renewal_date <= current_date + %s::int
          and not exists (select 1 from playbook_engine.renewals r where r.account_id = s.account_id
                          and r.vendor_key = s.vendor_key and r.renewal_date = s.renewal_date)
    """, (org_id, list(OPEN_STAGES), window[0] if window else 120)).fetchone()
    return time.perf_counter() - started, int(row[0]) if row else 0


def time_resweep(stack: BenchStack, org_id: str) -> ResweepResult:
    seconds, started = asyncio.run(_sweep_now(stack, org_id))
    with psycopg.connect(stack.conninfo, autocommit=True) as conn:
        baseline, candidates = _candidate_query(conn, org_id)
    return ResweepResult(seconds, started, baseline, candidates)
