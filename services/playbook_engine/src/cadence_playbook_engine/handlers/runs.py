"""Starting playbook runs from events: a renewal (account × vendor × renewal date) that entered its
window gets one run with dated, assigned, prioritised actions — never twice, whatever the retries
or replicas. The work itself is handlers.starts', shared with the periodic sweep."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from cadence_playbook_engine.adapters.candidates import find_due
from cadence_playbook_engine.adapters.tables import actions, playbooks
from cadence_playbook_engine.domain.model import ActionDraft, PlaybookDef, Step, SubscriptionLine
from cadence_playbook_engine.domain.schedule import choose_assignee, schedule_run
from cadence_playbook_engine.handlers.deps import Deps
from cadence_playbook_engine.handlers.starts import DEFAULT_WINDOW, Planner, start_batch
from cadence_playbook_engine.handlers.views import OrgContext, Page, priority_input

__all__ = ["DEFAULT_WINDOW", "create_actions", "line_of", "org_playbooks", "score_rows", "start_runs_for_account"]
# (action_rows, current_steps and score serve the row-at-a-time paths: a motion change's new steps
# and ad-hoc actions. New runs go through handlers.starts / handlers.started.)

Row = dict[str, Any]
PlaybookSet = tuple[list[PlaybookDef], dict[str, int]]
ACCOUNT_BATCH = 500  # groups per statement; one account rarely has more than a few dozen


def playbook_def(row: Row) -> PlaybookDef:
    return PlaybookDef(id=str(row["id"]), name=row["name"], motion=row["motion"], vendor=row["vendor"],
                       lifecycle_stage=row["lifecycle_stage"], trigger_days=row["trigger_days"],
                       steps=tuple(Step(**s) for s in row["steps"]), active=row["active"])


async def org_playbooks(session: AsyncSession, org_id: str) -> PlaybookSet:
    rows = (await session.execute(sa.select(playbooks).where(playbooks.c.org_id == uuid.UUID(org_id),
                                                             playbooks.c.active.is_(True)))).mappings().all()
    return [playbook_def(dict(r)) for r in rows], {str(r["id"]): r["version"] for r in rows}


def line_of(row: Row) -> SubscriptionLine:
    return SubscriptionLine(id=str(row["subscription_id"]), account_id=str(row["account_id"]), vendor=row["vendor"],
                            renewal_date=row["renewal_date"], lifecycle_stage=row["lifecycle_stage"],
                            arr=row["arr_amount"], currency=row["arr_currency"], term_start=row["term_start"])


async def start_runs_for_account(deps: Deps, session: AsyncSession, ctx: OrgContext, account_id: uuid.UUID,
                                 playbook_set: PlaybookSet | None = None) -> int:
    """Start a run for every renewal of the account inside its window that has none yet."""
    planner = Planner(ctx, *(playbook_set or await org_playbooks(session, ctx.org_id)))
    started, after = 0, None
    while True:
        dues = await find_due(session, uuid.UUID(ctx.org_id), ctx.today, planner.windows, account_id=account_id,
                              after=after, limit=ACCOUNT_BATCH)
        started += await start_batch(deps, session, planner, dues)
        if len(dues) < ACCOUNT_BATCH:
            return started
        after = dues[-1].key


async def create_actions(deps: Deps, session: AsyncSession, ctx: OrgContext, account: Row, renewal: Row,
                         run_id: uuid.UUID, playbook: PlaybookDef, renewal_date: date,
                         *, only_after_step: int | None = None) -> list[Row]:
    """Actions for an existing run (a motion change replacing its not-started steps), prioritised."""
    drafts = schedule_run(playbook, renewal_date=renewal_date, today=ctx.today)
    if only_after_step is not None:
        drafts = [d for d in drafts if d.step_index > only_after_step]
    if not drafts:
        return []
    now = (await session.execute(sa.select(sa.func.now()))).scalar_one()
    rows = action_rows(account, renewal, run_id, playbook, drafts, now)
    await score(deps, ctx, rows, Page({account["account_id"]: account}, {renewal["id"]: renewal}, current_steps(rows)))
    inserted = (await session.execute(sa.insert(actions).returning(actions), rows)).mappings().all()
    return [dict(r) for r in inserted]


def action_rows(account: Row, renewal: Row, run_id: uuid.UUID, playbook: PlaybookDef, drafts: list[ActionDraft],
                now: datetime) -> list[Row]:
    """Action rows from a schedule, assigned (default rep, else CSM, else the unassigned queue)."""
    assignee = choose_assignee(str(account["default_rep_id"] or ""), str(account["csm_id"] or ""))
    anchors = {i: s.anchor for i, s in enumerate(playbook.steps)}
    return [{
        "id": uuid.uuid4(), "org_id": account["org_id"], "account_id": account["account_id"],
        "renewal_id": renewal["id"], "run_id": run_id, "step_index": d.step_index, "title": d.title,
        "kind": d.kind, "description": d.description, "anchor": anchors.get(d.step_index, "run_start"),
        "due_date": d.due_date, "status": "open", "assignee_id": uuid.UUID(assignee) if assignee else None,
        "priority": 0, "reasons": [], "compressed": d.compressed, "lapsed": d.lapsed, "adhoc": False,
        "snoozed_until": None, "outcome": None, "skip_reason": None, "completed_at": None, "completed_by": None,
        "created_at": now, "updated_at": now, "version": 1,
    } for d in drafts]


def current_steps(rows: list[Row]) -> dict[uuid.UUID, int]:
    """Each run's current step: its lowest live step index."""
    current: dict[uuid.UUID, int] = {}
    for r in rows:
        if r["run_id"] is not None and r["status"] in ("open", "snoozed"):
            current[r["run_id"]] = min(current.get(r["run_id"], r["step_index"]), r["step_index"])
    return current


async def score(deps: Deps, ctx: OrgContext, rows: list[Row], page: Page) -> None:
    """Set priority and reasons on rows about to be written (one batch call to scoring)."""
    results = await deps.scoring.score(ctx.org_id, [priority_input(r, page, ctx.today) for r in rows])
    for r in rows:
        result = results.get(str(r["id"]))
        if result is not None:
            r["priority"] = result.priority
            r["reasons"] = [{"code": x.code, "label": x.label, "points": x.points} for x in result.reasons]


async def score_rows(deps: Deps, session: AsyncSession, ctx: OrgContext, rows: list[Row], *, account: Row,
                     renewal: Row | None) -> None:
    """Score one ad-hoc action (or a few) before it is written."""
    page = Page({account["account_id"]: account}, {renewal["id"]: renewal} if renewal else {}, current_steps(rows))
    await score(deps, ctx, rows, page)
