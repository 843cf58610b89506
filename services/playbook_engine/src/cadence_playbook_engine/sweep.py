"""The periodic renewal-window sweep (time passes, renewals enter their window).

Work is split into the same 16 partitions as the events (hash of the account id). A replica
takes a partition of an org with a transaction-scoped advisory lock, so N replicas share a
sweep without doing anything twice; the renewals' unique key backs that up.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
import zlib
from datetime import timedelta

import sqlalchemy as sa

from cadence_platform.events import PARTITIONS

from cadence_playbook_engine.adapters.tables import accounts_rm, orgs_rm, renewals, subscriptions_rm
from cadence_playbook_engine.domain.renewals import OPEN_STAGES
from cadence_playbook_engine.handlers.deps import Deps
from cadence_playbook_engine.handlers.runs import DEFAULT_WINDOW, org_playbooks, start_runs_for_account
from cadence_playbook_engine.handlers.views import org_context

log = logging.getLogger(__name__)


def _lock_key(org_id: uuid.UUID) -> int:
    return zlib.crc32(org_id.bytes) - 2**31  # advisory lock keys are signed 32-bit


async def sweep_partition(deps: Deps, org_id: uuid.UUID, partition: int) -> int:
    """Start every due run in one partition of one org; 0 if another replica holds it."""
    async with deps.unit_of_work() as session:
        if not await session.scalar(sa.select(sa.func.pg_try_advisory_xact_lock(_lock_key(org_id), partition))):
            return 0
        ctx = await org_context(session, str(org_id))
        playbook_set = await org_playbooks(session, str(org_id))
        window = max((p.trigger_days for p in playbook_set[0]), default=DEFAULT_WINDOW)
        candidates = (await session.scalars(
            sa.select(subscriptions_rm.c.account_id).distinct()
            .join(accounts_rm, accounts_rm.c.account_id == subscriptions_rm.c.account_id)
            .where(accounts_rm.c.org_id == org_id, accounts_rm.c.partition == partition,
                   accounts_rm.c.archived.is_(False), subscriptions_rm.c.lifecycle_stage.in_(OPEN_STAGES),
                   subscriptions_rm.c.renewal_date <= ctx.today + timedelta(days=window),
                   ~sa.exists().where(renewals.c.account_id == subscriptions_rm.c.account_id,
                                      renewals.c.vendor_key == subscriptions_rm.c.vendor_key,
                                      renewals.c.renewal_date == subscriptions_rm.c.renewal_date)))).all()
        started = 0
        for account_id in candidates:
            started += await start_runs_for_account(deps, session, ctx, account_id, playbook_set)
        return started


async def sweep_org(deps: Deps, org_id: uuid.UUID) -> int:
    return sum([await sweep_partition(deps, org_id, p) for p in range(PARTITIONS)])


async def sweep_all(deps: Deps) -> int:
    async with deps.sessions() as session:
        orgs = (await session.scalars(sa.select(orgs_rm.c.org_id))).all()
    return sum([await sweep_org(deps, org) for org in orgs])


class PeriodicSweep:
    def __init__(self, deps: Deps, interval_seconds: float) -> None:
        self.deps = deps
        self.interval = interval_seconds

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                started = await sweep_all(self.deps)
                if started:
                    log.info("sweep started runs", extra={"runs_started": started})
            except Exception:
                log.exception("sweep failed; trying again next interval")
            try:
                await asyncio.wait_for(stop.wait(), self.interval)
            except TimeoutError:
                pass
