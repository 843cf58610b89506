"""The feed as connectors see it: list an org's records in order, acknowledge delivered ones.

Every query is filtered by the caller's org; an id of another org is answered exactly like an
id that does not exist (it comes back in `unknown_ids`), so ids cannot be probed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from cadence.crm.v1 import crm_events_pb2
from cadence_platform.caller import Caller
from cadence_platform.errors import InvalidInput
from cadence_platform.paging import MAX_LIMIT, decode_cursor, page_limit, split_page

from cadence_crm_writeback.adapters.tables import activities
from cadence_crm_writeback.handlers.deps import Deps
from cadence_crm_writeback.messages import activity_pb

Row = dict[str, Any]
EXTERNAL_ID_MAX = 255


@dataclass(frozen=True)
class AckResult:
    acknowledged: int  # the given ids that are acknowledged now (first time or before): a retry answers the same
    unknown_ids: list[str]


def _after_sequence(cursor: str) -> int:
    key = decode_cursor(cursor)
    if key is None:
        return 0
    if len(key) != 1 or not isinstance(key[0], int) or isinstance(key[0], bool):
        raise InvalidInput.field("cursor", "is not a cursor this list gave out")
    return key[0]


async def list_activities(deps: Deps, *, caller: Caller, limit: int, cursor: str,
                          unacknowledged_only: bool) -> tuple[list[Row], str]:
    limit = page_limit(limit)
    query = sa.select(activities).where(
        activities.c.org_id == uuid.UUID(caller.org_id), activities.c.sequence > _after_sequence(cursor))
    if unacknowledged_only:
        query = query.where(activities.c.acknowledged_at.is_(None))
    async with deps.sessions() as session:
        rows = [dict(r) for r in (await session.execute(
            query.order_by(activities.c.sequence).limit(limit + 1))).mappings()]
    return split_page(rows, limit, key=lambda r: (r["sequence"],))


def _check_ack(ids: list[str], external_ids: dict[str, str]) -> list[str]:
    """The distinct ids in the order given, after checking sizes and that external ids name given ids."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        raise InvalidInput.field("ids", "name at least one activity")
    if len(wanted) > MAX_LIMIT:
        raise InvalidInput.field("ids", f"at most {MAX_LIMIT} per call")
    for activity_id, external_id in external_ids.items():
        if activity_id not in wanted:
            raise InvalidInput.field(f"external_ids.{activity_id}", "is not one of ids")
        if not external_id.strip() or len(external_id) > EXTERNAL_ID_MAX:
            raise InvalidInput.field(f"external_ids.{activity_id}", f"must be 1 to {EXTERNAL_ID_MAX} characters")
    return wanted


def _as_uuids(ids: list[str]) -> dict[uuid.UUID, str]:
    parsed: dict[uuid.UUID, str] = {}
    for value in ids:
        try:
            parsed[uuid.UUID(value)] = value
        except ValueError:
            continue  # not an id this feed gave out: reported as unknown
    return parsed


async def ack_activities(deps: Deps, *, caller: Caller, ids: list[str], external_ids: dict[str, str]) -> AckResult:
    """Mark records delivered. Idempotent: the first acknowledgement's time stays; external ids are
    recorded whenever given (the CRM may have re-created its record); crm.delivered once per record."""
    wanted = _check_ack(ids, external_ids)
    parsed = _as_uuids(wanted)
    async with deps.unit_of_work() as session:
        rows = (await session.execute(sa.select(activities.c.id, activities.c.acknowledged_at).where(
            activities.c.org_id == uuid.UUID(caller.org_id), activities.c.id.in_(list(parsed)),
        ).with_for_update())).all()
        known = {parsed[r.id] for r in rows}
        for r in rows:
            if (external_id := external_ids.get(parsed[r.id])) is not None:
                await session.execute(sa.update(activities).where(activities.c.id == r.id)
                                      .values(external_id=external_id.strip()))
        newly = [r.id for r in rows if r.acknowledged_at is None]
        if newly:
            delivered = [dict(r) for r in (await session.execute(
                sa.update(activities).where(activities.c.id.in_(newly))
                .values(acknowledged_at=sa.func.now()).returning(activities))).mappings()]
            for row in delivered:
                await deps.outbox.add(
                    session, event_type="crm.delivered", org_id=caller.org_id, aggregate_id=str(row["id"]),
                    aggregate_version=2, partition_key=str(row["account_id"] or ""),
                    payload=crm_events_pb2.ActivityChanged(activity=activity_pb(row)))
    return AckResult(acknowledged=len(known), unknown_ids=[i for i in wanted if i not in known])
