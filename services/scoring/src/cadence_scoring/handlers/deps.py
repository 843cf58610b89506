from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cadence_platform.outbox import Outbox


def org_today(org_id: str) -> date:
    """The org's calendar date. Scoring keeps no org read model yet (time zones live in the account
    service), so every org gets the UTC date; this is the one place to change when it does."""
    return datetime.now(UTC).date()


@dataclass
class Deps:
    sessions: async_sessionmaker[AsyncSession]
    outbox: Outbox
    today: Callable[[str], date] = field(default=org_today)

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[AsyncSession]:
        """State and outbox rows commit together; the relay is woken once they have."""
        async with self.sessions() as session:
            async with session.begin():
                yield session
            self.outbox.wake()
