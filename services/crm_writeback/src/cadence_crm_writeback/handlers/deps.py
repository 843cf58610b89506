from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cadence_platform.outbox import Outbox


@dataclass
class Deps:
    sessions: async_sessionmaker[AsyncSession]
    outbox: Outbox
    public_url: str

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[AsyncSession]:
        """State and outbox rows commit together; the relay is woken once they have."""
        async with self.sessions() as session:
            async with session.begin():
                yield session
            self.outbox.wake()
