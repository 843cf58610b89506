"""Starting playbook runs: a renewal (account × vendor × renewal date) that entered its window gets
one run with dated, assigned, prioritised actions — never twice, whatever the retries or replicas."""

from __future__ import annotations

import logging
import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from cadence.engine.v1 import engine_events_pb2 as events
from cadence_platform import fx

from cadence_playbook_engine.adapters.tables import accounts_rm, actions, playbooks, renewals, runs, subscriptions_rm
from cadence_playbook_engine.domain.model import PlaybookDef, RenewalKey, Step, SubscriptionLine
from cadence_playbook_engine.domain.playbooks import match_playbook
from cadence_playbook_engine.domain.renewals import group_renewals, in_window, renewal_stage
from cadence_playbook_engine.domain.schedule import choose_assignee, schedule_run
from cadence_playbook_engine.handlers.deps import Deps
from cadence_playbook_engine.handlers.views import OrgContext, Page, action_pb, priority_input, renewal_pb

log = logging.getLogger(__name__)
Row = dict[str, Any]
DEFAULT_WINDOW = 120


def playbook_def(row: Row) -> PlaybookDef:
    return PlaybookDef(id=str(row["id"]), name=row["name"], motion=row["motion"], vendor=row["vendor"],
                       lifecycle_stage=row["lifecycle_stage"], trigger_days=row["trigger_days"],
                       steps=tuple(Step(**s) for s in row["steps"]), active=row["active"])


async def org_playbooks(session: AsyncSession, org_id: str) -> tuple[list[PlaybookDef], dict[str, int]]:
    rows = (await session.execute(sa.select(playbooks).where(playbooks.c.org_id == uuid.UUID(org_id),
                                                             playbooks.c.active.is_(True)))).mappings().all()
    return [playbook_def(dict(r)) for r in rows], {str(r["id"]): r["version"] for r in rows}


def line_of(row: Row) -> SubscriptionLine:
    return SubscriptionLine(id=str(row["subscription_id"]), account_id=str(row["account_id"]), vendor=row["vendor"],
                            renewal_date=row["renewal_date"], lifecycle_stage=row["lifecycle_stage"],
                            arr=row["arr_amount"], currency=row["arr_currency"], term_start=row["term_start"])


def arr_in(ctx: OrgContext, lines: list[SubscriptionLine]) -> Decimal:
    total = Decimal(0)
    for line in lines:
        if line.arr is not None and line.currency:
            total += fx.convert(line.arr, line.currency, ctx.reporting_currency, ctx.today, ctx.fx_rates) or 0
    return total


async def start_runs_for_account(deps: Deps, session: AsyncSession, ctx: OrgContext, account_id: uuid.UUID,
                                 playbook_set: tuple[list[PlaybookDef], dict[str, int]] | None = None) -> int:
    """Start a run for every renewal of the account inside its window that has none yet."""
    account = (await session.execute(sa.select(accounts_rm).where(accounts_rm.c.account_id == account_id)
                                     )).mappings().first()
    if account is None or account["archived"]:
        return 0
    lines = [line_of(dict(r)) for r in (await session.execute(
        sa.select(subscriptions_rm).where(subscriptions_rm.c.account_id == account_id))).mappings()]
    groups = group_renewals(lines)
    if not groups:
        return 0
    known = {(r.vendor_key, r.renewal_date) for r in await session.execute(
        sa.select(renewals.c.vendor_key, renewals.c.renewal_date).where(renewals.c.account_id == account_id))}
    defs, versions = playbook_set or await org_playbooks(session, ctx.org_id)
    started = 0
    for key, group in sorted(groups.items(), key=lambda kv: kv[0].renewal_date):
        if (key.vendor_key, key.renewal_date) in known:
            continue
        chosen = match_playbook(defs, motion=account["motion"], vendor=group[0].vendor, stage=renewal_stage(group))
        if not in_window(key.renewal_date, ctx.today, chosen.trigger_days if chosen else DEFAULT_WINDOW):
            continue
        started += await _start_run(deps, session, ctx, dict(account), key, group, chosen, versions)
    return started


async def _start_run(deps: Deps, session: AsyncSession, ctx: OrgContext, account: Row, key: RenewalKey,
                     group: list[SubscriptionLine], chosen: PlaybookDef | None, versions: dict[str, int]) -> int:
    run_id = uuid.uuid4() if chosen else None
    inserted = (await session.execute(pg_insert(renewals).values(
        id=uuid.uuid4(), org_id=account["org_id"], account_id=account["account_id"], vendor=group[0].vendor,
        vendor_key=key.vendor_key, renewal_date=key.renewal_date, status="open",
        subscription_ids=[uuid.UUID(line.id) for line in group], arr_reporting=arr_in(ctx, group),
        playbook_id=uuid.UUID(chosen.id) if chosen else None, run_id=run_id,
    ).on_conflict_do_nothing().returning(renewals))).mappings().first()
    if inserted is None:  # another replica or a redelivery got there first
        return 0
    renewal = dict(inserted)
    action_rows: list[Row] = []
    if chosen is not None and run_id is not None:
        await session.execute(sa.insert(runs).values(
            id=run_id, org_id=account["org_id"], renewal_id=renewal["id"], playbook_id=uuid.UUID(chosen.id),
            playbook_version=versions.get(chosen.id, 1), status="open"))
        action_rows = await create_actions(deps, session, ctx, account, renewal, run_id, chosen, key.renewal_date)
    page = Page({account["account_id"]: account}, {renewal["id"]: renewal}, _current(action_rows))
    # The run is its own aggregate (started = 1, closed = 2); the renewal's version belongs to renewal.*.
    await deps.outbox.add(
        session, event_type="playbook.started", org_id=ctx.org_id, aggregate_id=str(run_id or renewal["id"]),
        aggregate_version=1, partition_key=str(account["account_id"]),
        payload=events.PlaybookStarted(
            renewal=renewal_pb(renewal, account, ctx.today, currency=ctx.reporting_currency,
                               open_actions=len(action_rows)),
            run_id=str(run_id or ""), playbook_id=chosen.id if chosen else "",
            playbook_name=chosen.name if chosen else "",
            actions=[action_pb(r, page, ctx.today) for r in action_rows]))
    return 1


def _current(rows: list[Row]) -> dict[uuid.UUID, int]:
    current: dict[uuid.UUID, int] = {}
    for r in rows:
        if r["run_id"] is not None and r["status"] in ("open", "snoozed"):
            current[r["run_id"]] = min(current.get(r["run_id"], r["step_index"]), r["step_index"])
    return current


async def create_actions(deps: Deps, session: AsyncSession, ctx: OrgContext, account: Row, renewal: Row,
                         run_id: uuid.UUID, playbook: PlaybookDef, renewal_date: date,
                         *, only_after_step: int | None = None) -> list[Row]:
    """The run's actions from the playbook's schedule, assigned and prioritised in the same pass."""
    drafts = schedule_run(playbook, renewal_date=renewal_date, today=ctx.today)
    if only_after_step is not None:
        drafts = [d for d in drafts if d.step_index > only_after_step]
    assignee = choose_assignee(str(account["default_rep_id"] or ""), str(account["csm_id"] or ""))
    anchors = {i: s.anchor for i, s in enumerate(playbook.steps)}
    rows: list[Row] = [{
        "id": uuid.uuid4(), "org_id": account["org_id"], "account_id": account["account_id"],
        "renewal_id": renewal["id"], "run_id": run_id, "step_index": d.step_index, "title": d.title,
        "kind": d.kind, "description": d.description, "anchor": anchors.get(d.step_index, "run_start"),
        "due_date": d.due_date, "status": "open", "assignee_id": uuid.UUID(assignee) if assignee else None,
        "priority": 0, "reasons": [], "compressed": d.compressed, "lapsed": d.lapsed, "adhoc": False,
        "snoozed_until": None, "outcome": None, "skip_reason": None, "completed_at": None, "completed_by": None,
        "version": 1,
    } for d in drafts]
    if not rows:
        return []
    await score_rows(deps, session, ctx, rows, account=account, renewal=renewal)
    inserted = (await session.execute(sa.insert(actions).returning(actions), rows)).mappings().all()
    return [dict(r) for r in inserted]


async def score_rows(deps: Deps, session: AsyncSession, ctx: OrgContext, rows: list[Row], *, account: Row,
                     renewal: Row | None) -> None:
    """Set priority and reasons on rows about to be written (one batch call to scoring)."""
    page = Page({account["account_id"]: account}, {renewal["id"]: renewal} if renewal else {}, _current(rows))
    results = await deps.scoring.score(ctx.org_id, [priority_input(r, page, ctx.today) for r in rows])
    for r in rows:
        result = results.get(str(r["id"]))
        if result is not None:
            r["priority"] = result.priority
            r["reasons"] = [{"code": x.code, "label": x.label, "points": x.points} for x in result.reasons]
