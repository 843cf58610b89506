"""Time passes: priorities rise as due dates near, so once a day's date changes every account's
priorities are recomputed with the org's new date and priority.updated goes out where any moved.

The sweep runs every `decay_interval_seconds` and right at start (catching up after downtime).
It only visits accounts last computed before the org's today, one account per transaction, so
several replicas may sweep at once: the per-account lock and the "did anything move" check make a
second visit a no-op.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import date

import sqlalchemy as sa

from cadence_scoring.adapters.tables import action_inputs
from cadence_scoring.handlers.deps import Deps
from cadence_scoring.handlers.priorities import lock_account, recompute_account

log = logging.getLogger(__name__)
PAGE = 500


async def decay_priorities(deps: Deps, *, today: date | None = None) -> int:
    """Recompute every account not yet computed for its org's today; returns how many published."""
    async with deps.sessions() as session:
        orgs = list((await session.scalars(sa.select(action_inputs.c.org_id).distinct())).all())
    published = 0
    for org_id in orgs:
        published += await _decay_org(deps, org_id, today or deps.today(org_id))
    return published


async def _decay_org(deps: Deps, org_id: str, today: date) -> int:
    published, after = 0, ""
    while accounts := await _stale_accounts(deps, org_id, today, after):
        for account_id in accounts:
            try:
                async with deps.unit_of_work() as session:
                    await lock_account(session, account_id)
                    if await recompute_account(deps, session, org_id=org_id, account_id=account_id, today=today):
                        published += 1
            except Exception:
                # One bad account must not stop the others; the next sweep visits it again.
                log.exception("priority decay failed for an account", extra={"account_id": account_id})
        after = accounts[-1]
    return published


async def _stale_accounts(deps: Deps, org_id: str, today: date, after: str) -> list[str]:
    t = action_inputs.c
    async with deps.sessions() as session:
        return list((await session.scalars(
            sa.select(t.account_id).distinct()
            .where(t.org_id == org_id, t.account_id > after, sa.or_(t.computed_on.is_(None), t.computed_on < today))
            .order_by(t.account_id).limit(PAGE)
        )).all())


class PriorityDecay:
    """The periodic task the service runner supervises."""

    def __init__(self, deps: Deps, interval_seconds: float) -> None:
        self.deps = deps
        self.interval_seconds = interval_seconds

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                published = await decay_priorities(self.deps)
                if published:
                    log.info("priorities decayed", extra={"accounts_published": published})
            except Exception:
                log.exception("priority decay sweep failed; retrying at the next interval")
            try:
                await asyncio.wait_for(stop.wait(), self.interval_seconds)
            except TimeoutError:
                pass
