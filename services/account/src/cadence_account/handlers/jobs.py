"""Jobs for long work (imports): a row per job, progress written outside the work's transaction."""

from __future__ import annotations

import json
import uuid
from typing import Any

import sqlalchemy as sa
from cadence_platform.caller import Caller
from cadence_platform.errors import NotFound

from cadence.account.v1 import accounts_pb2 as pb

from cadence_account.adapters.tables import jobs
from cadence_account.handlers.deps import Deps
from cadence_account.messages import ts

JOB_PREFIX = "acct-"


def issue_pb(issue: dict[str, Any]) -> pb.JobIssue:
    return pb.JobIssue(file=issue.get("file") or "", row=issue.get("row") or 0, column=issue.get("column") or "",
                       value=issue.get("value") or "", reason=issue["reason"])


def job_pb(r: dict[str, Any]) -> pb.Job:
    return pb.Job(id=r["id"], kind=r["kind"], state=r["state"], done=r["done"], total=r["total"],
                  errors=[issue_pb(i) for i in r["errors"]], warnings=[issue_pb(i) for i in r["warnings"]],
                  result_json=json.dumps(r["result"]) if r["result"] is not None else "",
                  created_at=ts(r["created_at"]), finished_at=ts(r["finished_at"]), created_by=r["created_by"])


async def create_job(deps: Deps, caller: Caller, kind: str) -> dict[str, Any]:
    async with deps.sessions() as session, session.begin():
        return dict((await session.execute(sa.insert(jobs).values(
            id=f"{JOB_PREFIX}{uuid.uuid4()}", org_id=uuid.UUID(caller.org_id), kind=kind, state="queued",
            created_by=caller.user_id).returning(jobs))).mappings().one())


async def update_job(deps: Deps, job_id: str, **values: Any) -> None:
    async with deps.sessions() as session, session.begin():
        await session.execute(sa.update(jobs).where(jobs.c.id == job_id).values(**values))


async def finish_job(deps: Deps, job_id: str, *, state: str, errors: list[dict[str, Any]] | None = None,
                     warnings: list[dict[str, Any]] | None = None, result: dict[str, Any] | None = None) -> None:
    await update_job(deps, job_id, state=state, errors=errors or [], warnings=warnings or [], result=result,
                     finished_at=sa.func.now())


async def fail_interrupted_jobs(deps: Deps) -> None:
    """Jobs cut short by a restart: their work rolled back with the process, so nothing landed."""
    async with deps.sessions() as session, session.begin():
        await session.execute(sa.update(jobs).where(jobs.c.state.in_(("queued", "running"))).values(
            state="failed", finished_at=sa.func.now(),
            errors=[{"reason": "the service restarted during this job; nothing was imported — run it again"}]))


async def get_job(deps: Deps, *, caller: Caller, job_id: str) -> pb.Job:
    async with deps.sessions() as session:
        row = (await session.execute(sa.select(jobs).where(
            jobs.c.id == job_id, jobs.c.org_id == uuid.UUID(caller.org_id)))).mappings().first()
    if row is None or (caller.role not in ("admin", "system") and row["created_by"] != caller.user_id):
        raise NotFound("job not found")
    return job_pb(dict(row))
