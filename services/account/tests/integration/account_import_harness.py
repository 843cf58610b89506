"""The import job against real PostgreSQL, without the gRPC server: an org with users, the job run
as the service runs it, and snapshots of what landed (keyed by external ids, never by the random
ids or timestamps a write picks)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cadence.events.v1.envelope_pb2 import EventEnvelope
from cadence_platform.caller import Caller
from cadence_platform.outbox import Outbox

from cadence_account.adapters.tables import account_reps, accounts, contacts, orgs, subscriptions, tech_entries, users
from cadence_account.domain.imports import ImportFile, ImportOptions
from cadence_account.handlers.deps import Deps
from cadence_account.handlers.imports import run_import
from cadence_account.handlers.jobs import create_job, get_job


@dataclass
class World:
    deps: Deps
    sessions: async_sessionmaker[AsyncSession]
    outbox: Outbox
    org_id: str
    users: dict[str, str]  # e-mail → user id

    @property
    def admin(self) -> Caller:
        return Caller(user_id=str(uuid.uuid4()), org_id=self.org_id, role="admin", expires_at=2**31)


async def new_world(deps: Deps, people: dict[str, str]) -> World:
    """An org and its users (`people`: e-mail → role)."""
    org_id = uuid.uuid4()
    ids = {email: str(uuid.uuid4()) for email in people}
    async with deps.sessions() as session, session.begin():
        await session.execute(sa.insert(orgs).values(id=org_id, name="Import test", slug=f"imp-{org_id.hex[:12]}",
                                                     settings={}))
        for email, role in people.items():
            await session.execute(sa.insert(users).values(id=uuid.UUID(ids[email]), org_id=org_id, email=email,
                                                          name=email, role=role, password_hash="x"))
    return World(deps, deps.sessions, deps.outbox, str(org_id), ids)


def open_files(paths: list[Path]) -> list[ImportFile]:
    """As the service holds spooled uploads: open binary streams, which the job closes."""
    return [ImportFile(p.name, p.open("rb")) for p in paths]


async def bulk_import(world: World, paths: list[Path], format: str = "template", **options: Any) -> dict[str, Any]:
    """The job as the service runs it; returns the finished job as the API shows it."""
    caller = world.admin
    job = await create_job(world.deps, caller, "import")
    await run_import(world.deps, caller, job["id"], open_files(paths), ImportOptions(format=format, **options))
    finished = await get_job(world.deps, caller=caller, job_id=job["id"])
    return {"state": finished.state, "done": finished.done, "total": finished.total,
            "result": json.loads(finished.result_json) if finished.result_json else None,
            "errors": [_issue(i) for i in finished.errors], "warnings": [_issue(i) for i in finished.warnings],
            "id": finished.id}


def _issue(i: Any) -> dict[str, Any]:
    return {"file": i.file, "row": i.row or None, "column": i.column or None, "value": i.value or None,
            "reason": i.reason}


def plain(issues: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Issues as the job stores them, compared the way the API returns them ("" and 0 read as None)."""
    return [{k: (v or None) if k != "reason" else v for k, v in i.items()} for i in issues]


async def snapshot(session: AsyncSession, org_id: str) -> dict[str, Any]:
    """Everything an import writes for the org, keyed by external ids (users stay ids: they are fixed)."""
    org = uuid.UUID(org_id)
    by_id = {r.id: r.external_id for r in await session.execute(
        sa.select(accounts.c.id, accounts.c.external_id).where(accounts.c.org_id == org))}
    account_rows = {r["external_id"]: (r["name"], r["domain"], r["territory"], r["country"], r["currency"],
                                       r["motion"], r["csm_id"], r["default_rep_id"], r["version"],
                                       r["tech_profile_version"])
                    for r in (await session.execute(sa.select(accounts).where(accounts.c.org_id == org))).mappings()}
    reps: dict[str, list[Any]] = {}
    for r in await session.execute(sa.select(account_reps).where(account_reps.c.account_id.in_(list(by_id)))):
        reps.setdefault(by_id[r.account_id], []).append(r.user_id)
    skip = {"id", "org_id", "account_id", "created_at", "updated_at"}
    subs = {r["external_id"]: (by_id[r["account_id"]], *(v for k, v in r.items() if k not in skip))
            for r in (await session.execute(sa.select(subscriptions).where(subscriptions.c.org_id == org))).mappings()}
    people = sorted((by_id[r["account_id"]], *(v for k, v in r.items() if k not in skip))
                    for r in (await session.execute(sa.select(contacts).where(contacts.c.org_id == org))).mappings())
    tech = sorted((by_id[r["account_id"]], *(v for k, v in r.items() if k != "account_id"))
                  for r in (await session.execute(sa.select(tech_entries).where(
                      tech_entries.c.account_id.in_(list(by_id))))).mappings())
    return {"accounts": account_rows, "reps": {k: sorted(v) for k, v in reps.items()}, "subscriptions": subs,
            "contacts": people, "tech": tech}


async def outbox_after(world: World, seq: int) -> list[tuple[str, EventEnvelope]]:
    """(subject, envelope) of the org's outbox rows written after `seq`."""
    table = world.outbox.table
    async with world.sessions() as session:
        rows = (await session.execute(sa.select(table.c.subject, table.c.data).where(table.c.seq > seq)
                                      .order_by(table.c.seq))).all()
    found = [(subject, EventEnvelope.FromString(data)) for subject, data in rows]
    return [(s, e) for s, e in found if e.org_id == world.org_id]


async def last_seq(world: World) -> int:
    async with world.sessions() as session:
        return int(await session.scalar(sa.select(sa.func.coalesce(sa.func.max(world.outbox.table.c.seq), 0))))
