"""Writing an import in one transaction, whatever its size: every row is streamed into staging
tables, then set-based upserts write accounts, reps, subscriptions, contacts and technology
profiles, and one `account.imported` event per account goes to the outbox. Nothing lands unless
everything is right: a problem anywhere rolls the whole transaction back."""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from cadence_platform.caller import Caller

from cadence_account.domain.imports import RowIssue
from cadence_account.handlers.deps import Deps
from cadence_account.handlers.import_events import publish_imported
from cadence_account.handlers.import_source import RecordSource
from cadence_account.handlers.import_stage import analyze_staging, create_staging, stage_accounts, stage_batch
from cadence_account.handlers.import_upsert import (
    replace_tech_profiles,
    resolve_references,
    touch_referenced_accounts,
    upsert_accounts,
    upsert_contacts,
    upsert_subscriptions,
)
from cadence_account.handlers.jobs import update_job

READ_BATCH = 20_000  # records parsed (in a worker thread) per COPY into staging
PROGRESS_SECONDS = 0.5


class Rejected(Exception):
    """The import cannot land: the job fails with these problems and nothing is written."""

    def __init__(self, errors: list[dict[str, Any]], warnings: list[dict[str, Any]] | None = None) -> None:
        super().__init__(f"{len(errors)} problems")
        self.errors = errors
        self.warnings = warnings or []


def issues(items: list[RowIssue]) -> list[dict[str, Any]]:
    return [{"file": i.file, "row": i.row, "column": i.column, "value": i.value, "reason": i.reason} for i in items]


@dataclass
class Outcome:
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    events: int = 0


class Progress:
    """The job's done/total, in rows. Every row is read (parsed and staged), written, then published,
    so `done` moves a third of a row per step. Written outside the import's transaction, at most
    twice a second, so a caller polling the job sees it move."""

    STEPS = 3

    def __init__(self, deps: Deps, job_id: str, total: int) -> None:
        self.deps, self.job_id, self.total = deps, job_id, total
        self.steps = 0
        self._written = 0.0

    async def advance(self, rows: int) -> None:
        self.steps += rows
        if time.monotonic() - self._written >= PROGRESS_SECONDS:
            await self.flush()

    async def flush(self, *, total: int | None = None, done: int | None = None) -> None:
        self.total = self.total if total is None else total
        self._written = time.monotonic()
        done = min(self.total, self.steps // self.STEPS) if done is None else done
        await update_job(self.deps, self.job_id, done=done, total=self.total)


async def stage_records(session: AsyncSession, source: RecordSource, progress: Progress) -> int:
    """Parse in a worker thread while the previous batch is COPYed: PostgreSQL takes in rows on its own
    core while Python parses the next ones. Returns how many records were read."""
    read = 0
    pending = asyncio.ensure_future(asyncio.to_thread(source.read_batch, READ_BATCH))
    try:
        while (batch := await pending) is not None:
            pending = asyncio.ensure_future(asyncio.to_thread(source.read_batch, READ_BATCH))
            await stage_batch(session, batch)
            read += batch.read
            await progress.advance(batch.read)
    finally:
        await settle(pending)  # never leave the thread reading files the caller is about to close
    return read


async def settle(future: asyncio.Future[Any]) -> None:
    """Wait for work started ahead; when we are already failing, its own error is not the news."""
    await asyncio.wait([future])
    if not future.cancelled():
        future.exception()  # marks it retrieved


async def apply_import(deps: Deps, session: AsyncSession, caller: Caller, job_id: str, source: RecordSource,
                       progress: Progress) -> Outcome:
    org_id = uuid.UUID(caller.org_id)
    await create_staging(session, org_id)
    read = await stage_records(session, source, progress)
    if source.failed:
        raise Rejected(issues(source.issues.errors), issues(source.issues.warnings))
    out = Outcome(warnings=issues(source.issues.warnings))
    accounts = await _stage_accounts(session, org_id, source, out)
    await progress.flush(total=accounts + read)
    await progress.advance(accounts)
    await analyze_staging(session)
    out.counts["accounts"] = await upsert_accounts(session, org_id)
    await progress.advance(accounts)
    missing = await resolve_references(session, org_id)
    if missing:
        raise Rejected(missing)
    out.counts["subscriptions"] = await upsert_subscriptions(session, org_id, progress.advance)
    out.counts["contacts"] = await upsert_contacts(session, org_id)
    out.counts["tech_profiles"] = {"created": 0, "updated": await replace_tech_profiles(session)}
    await touch_referenced_accounts(session)
    await progress.advance(read - sum(out.counts["subscriptions"].values()))
    out.events = await publish_imported(deps, session, caller.org_id, job_id, progress.advance)
    return out


async def _stage_accounts(session: AsyncSession, org_id: uuid.UUID, source: RecordSource, out: Outcome) -> int:
    """The merged accounts to staging (owners resolved), then the parser's memory is let go."""
    accounts = source.accounts()
    owners = await stage_accounts(session, org_id, accounts)
    out.warnings += owners.items
    source.release()
    return len(accounts)
