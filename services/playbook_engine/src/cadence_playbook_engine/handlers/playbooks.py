"""Playbooks: admins edit them; editing affects new runs only (a run keeps the actions it made)."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from cadence.engine.v1 import engine_pb2 as pb
from cadence_platform.audit import changes_between, record_audit
from cadence_platform.caller import Caller
from cadence_platform.errors import InvalidInput, NotFound
from cadence_platform.paging import decode_cursor, page_limit, split_page

from cadence_playbook_engine.adapters.tables import playbooks
from cadence_playbook_engine.domain.model import PlaybookDef, Step
from cadence_playbook_engine.domain.playbooks import DEFAULT_PLAYBOOKS, playbook_problems
from cadence_playbook_engine.handlers.deps import Deps
from cadence_playbook_engine.handlers.scope import as_uuid
from cadence_playbook_engine.handlers.views import ts

Row = dict[str, Any]


def playbook_pb(row: Row) -> pb.Playbook:
    return pb.Playbook(id=str(row["id"]), name=row["name"], motion=row["motion"], vendor=row["vendor"],
                       lifecycle_stage=row["lifecycle_stage"], trigger_days=row["trigger_days"],
                       steps=[pb.PlaybookStep(**s) for s in row["steps"]], active=row["active"],
                       version=row["version"], updated_at=ts(row["updated_at"]))


def _definition(message: pb.Playbook) -> PlaybookDef:
    return PlaybookDef(id=message.id, name=message.name.strip(), motion=message.motion, vendor=message.vendor.strip(),
                       lifecycle_stage=message.lifecycle_stage, trigger_days=message.trigger_days or 120,
                       steps=tuple(Step(title=s.title.strip(), kind=s.kind, offset_days=s.offset_days,
                                        anchor=s.anchor or "renewal_date", description=s.description)
                                   for s in message.steps),
                       active=message.active)


def _values(definition: PlaybookDef) -> Row:
    if problems := playbook_problems(definition):
        raise InvalidInput("the playbook is not valid", problems)
    return {"name": definition.name, "motion": definition.motion, "vendor": definition.vendor,
            "lifecycle_stage": definition.lifecycle_stage, "trigger_days": definition.trigger_days,
            "steps": [dataclasses.asdict(s) for s in definition.steps], "active": definition.active}


async def seed_defaults(session: AsyncSession, org_id: uuid.UUID) -> int:
    """The default playbooks of a new org (per motion, with vendor-specific ones)."""
    if await session.scalar(sa.select(sa.func.count()).select_from(playbooks).where(playbooks.c.org_id == org_id)):
        return 0
    rows = [{"id": uuid.uuid4(), "org_id": org_id, **_values(p)} for p in DEFAULT_PLAYBOOKS]
    await session.execute(sa.insert(playbooks), rows)
    return len(rows)


async def list_playbooks(deps: Deps, *, caller: Caller, request: pb.ListPlaybooksRequest) -> tuple[list[pb.Playbook], str]:
    limit = page_limit(request.page.limit)
    query = sa.select(playbooks).where(playbooks.c.org_id == uuid.UUID(caller.org_id))
    if request.motion:
        query = query.where(playbooks.c.motion == request.motion)
    if request.vendor:
        query = query.where(sa.func.lower(playbooks.c.vendor) == request.vendor.lower())
    if (key := decode_cursor(request.page.cursor)) is not None:
        query = query.where(sa.tuple_(playbooks.c.name, playbooks.c.id) > sa.tuple_(key[0], uuid.UUID(key[1])))
    async with deps.sessions() as session:
        rows = [dict(r) for r in (await session.execute(
            query.order_by(playbooks.c.name, playbooks.c.id).limit(limit + 1))).mappings()]
    rows, cursor = split_page(rows, limit, lambda r: (r["name"], str(r["id"])))
    return [playbook_pb(r) for r in rows], cursor


async def _get(session: AsyncSession, caller: Caller, playbook_id: str, lock: bool = False) -> Row:
    query = sa.select(playbooks).where(playbooks.c.id == as_uuid(playbook_id, "playbook"),
                                       playbooks.c.org_id == uuid.UUID(caller.org_id))
    row = (await session.execute(query.with_for_update() if lock else query)).mappings().first()
    if row is None:
        raise NotFound("playbook not found")
    return dict(row)


async def get_playbook(deps: Deps, *, caller: Caller, playbook_id: str) -> pb.Playbook:
    async with deps.sessions() as session:
        return playbook_pb(await _get(session, caller, playbook_id))


async def create_playbook(deps: Deps, *, caller: Caller, message: pb.Playbook) -> pb.Playbook:
    values = _values(_definition(message))
    async with deps.unit_of_work() as session:
        row = dict((await session.execute(sa.insert(playbooks).values(
            id=uuid.uuid4(), org_id=uuid.UUID(caller.org_id), **values).returning(playbooks))).mappings().one())
        await record_audit(deps.outbox, session, caller=caller, action="playbook.created", target_type="playbook",
                           target_id=str(row["id"]), summary=f"created playbook {row['name']}")
    return playbook_pb(row)


async def update_playbook(deps: Deps, *, caller: Caller, message: pb.Playbook) -> pb.Playbook:
    values = _values(_definition(message))
    async with deps.unit_of_work() as session:
        row = await _get(session, caller, message.id, lock=True)
        diff = changes_between(row, values)
        if not diff:
            return playbook_pb(row)
        row = dict((await session.execute(sa.update(playbooks).where(playbooks.c.id == row["id"]).values(
            **values, updated_at=sa.func.now(), version=playbooks.c.version + 1).returning(playbooks))).mappings().one())
        await record_audit(deps.outbox, session, caller=caller, action="playbook.updated", target_type="playbook",
                           target_id=str(row["id"]), summary=f"edited {', '.join(sorted(diff))} of {row['name']}",
                           changes={k: v for k, v in diff.items() if k != "steps"} | (
                               {"steps": "changed"} if "steps" in diff else {}))
    return playbook_pb(row)
