"""The renewal-window sweep (time passes, renewals enter their window; an import pokes it).

Work is split into the same 16 partitions as the events (hash of the account id). A partition is
swept in chunks of CHUNK due renewals, one transaction each, so memory stays bounded and a crash
loses at most a chunk (the next sweep finds it again). Every chunk's transaction takes the
partition's advisory lock first: a replica that finds it held skips the partition (the holder is
working through it), so N replicas share a sweep; the renewals' unique key has the last word.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
import zlib

import sqlalchemy as sa

from cadence_platform.events import PARTITIONS

from cadence_playbook_engine.adapters.candidates import find_due
from cadence_playbook_engine.adapters.tables import orgs_rm
from cadence_playbook_engine.handlers.deps import Deps
from cadence_playbook_engine.handlers.runs import org_playbooks
from cadence_playbook_engine.handlers.starts import Planner, start_batch
from cadence_playbook_engine.handlers.views import org_context

log = logging.getLogger(__name__)
CHUNK = 2000  # due renewals per transaction (~10k actions, ~10 MB of rows and events)
CONCURRENT_PARTITIONS = 2  # one partition's writes overlap another's wait for scoring


def _lock_key(org_id: uuid.UUID) -> int:
    return zlib.crc32(org_id.bytes) - 2**31  # advisory lock keys are signed 32-bit


async def _planner(deps: Deps, org_id: uuid.UUID) -> Planner:
    async with deps.sessions() as session:
        ctx = await org_context(session, str(org_id))
        return Planner(ctx, *await org_playbooks(session, str(org_id)))


async def sweep_partition(deps: Deps, org_id: uuid.UUID, partition: int, planner: Planner | None = None,
                          *, chunk: int = CHUNK) -> int:
    """Start every due run in one partition of one org; stops early if another replica holds it."""
    planner = planner or await _planner(deps, org_id)
    started, after = 0, None
    while True:
        async with deps.unit_of_work() as session:
            if not await session.scalar(sa.select(sa.func.pg_try_advisory_xact_lock(_lock_key(org_id), partition))):
                return started
            dues = await find_due(session, org_id, planner.ctx.today, planner.windows, partition=partition,
                                  after=after, limit=chunk)
            started += await start_batch(deps, session, planner, dues)
        if len(dues) < chunk:
            return started
        after = dues[-1].key  # groups outside their exact window are not asked for again


async def sweep_org(deps: Deps, org_id: uuid.UUID, *, chunk: int = CHUNK) -> int:
    planner = await _planner(deps, org_id)
    pending = list(range(PARTITIONS))

    async def worker() -> int:
        done = 0
        while pending:
            done += await sweep_partition(deps, org_id, pending.pop(0), planner, chunk=chunk)
        return done

    return sum(await asyncio.gather(*(worker() for _ in range(CONCURRENT_PARTITIONS))))


async def sweep_all(deps: Deps) -> int:
    async with deps.sessions() as session:
        orgs = (await session.scalars(sa.select(orgs_rm.c.org_id))).all()
    return sum([await sweep_org(deps, org) for org in orgs])


class PeriodicSweep:
    """Sweeps every org each interval, and the poked orgs as soon as the trigger fires."""

    def __init__(self, deps: Deps, interval_seconds: float) -> None:
        self.deps = deps
        self.interval = interval_seconds

    async def run(self, stop: asyncio.Event) -> None:
        loop = asyncio.get_running_loop()
        orgs: set[str] | None = None  # None = every org
        while not stop.is_set():
            if orgs is None:
                next_full = loop.time() + self.interval  # pokes never push the full sweep back
            await self._sweep(orgs)
            orgs = await self._wait(stop, until=next_full)

    async def _sweep(self, orgs: set[str] | None) -> None:
        try:
            started = await (sweep_all(self.deps) if orgs is None else self._sweep_orgs(orgs))
            if started:
                log.info("sweep started runs", extra={"runs_started": started})
        except Exception:
            log.exception("sweep failed; trying again next interval")

    async def _sweep_orgs(self, orgs: set[str]) -> int:
        return sum([await sweep_org(self.deps, uuid.UUID(org)) for org in sorted(orgs)])

    async def _wait(self, stop: asyncio.Event, *, until: float) -> set[str] | None:
        """Until the interval passes (→ every org), the trigger fires (→ the poked orgs) or stop."""
        trigger = self.deps.sweep_trigger
        waits = [asyncio.ensure_future(stop.wait())]
        if trigger is not None:
            waits.append(asyncio.ensure_future(trigger.fired.wait()))
        left = max(0.0, until - asyncio.get_running_loop().time())
        _, pending = await asyncio.wait(waits, timeout=left, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        if trigger is not None and trigger.fired.is_set():
            return trigger.take()
        return None

