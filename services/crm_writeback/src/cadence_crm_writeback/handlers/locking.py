"""One lock per org, held to commit, around feed inserts and the read-model backfills.

Feed inserts of one org take it so that rows commit in sequence order: a connector paging by
sequence never passes a row that a slower transaction commits later with a lower number.
Read-model upserts that fill in records take it too: otherwise an activity inserted while its
account (subscription, user) is being upserted by the other consumer sees neither the new read-model
row nor is seen by its backfill, and the gap stays.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

# Namespace of the advisory lock (any constant int4; the second key is the org's hash).
FEED_LOCK = 0x43524D


async def lock_org_feed(session: AsyncSession, org_id: str) -> None:
    await session.execute(sa.select(sa.func.pg_advisory_xact_lock(FEED_LOCK, sa.func.hashtext(org_id))))
