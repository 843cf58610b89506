from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cadence_platform.outbox import Outbox

from cadence_playbook_engine.adapters.scoring import ScoringClient
from cadence_playbook_engine.trigger import SweepTrigger


@dataclass
class Deps:
    sessions: async_sessionmaker[AsyncSession]
    outbox: Outbox
    scoring: ScoringClient
    sweep_trigger: SweepTrigger | None = None  # None: no periodic sweep in this process (tests, tools)

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[AsyncSession]:
        async with self.sessions() as session:
            async with session.begin():
                yield session
            self.outbox.wake()

    def poke_sweep_after_commit(self, session: AsyncSession, org_id: str) -> None:
        """Poke the sweep once the session's transaction commits (before that, it would not see the rows)."""
        trigger = self.sweep_trigger
        if trigger is not None:
            sa.event.listen(session.sync_session, "after_commit", lambda _s: trigger.poke(org_id), once=True)
