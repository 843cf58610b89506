"""The work queue: list, add, reassign, reschedule, complete, snooze and skip actions."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from cadence.engine.v1 import engine_events_pb2 as events
from cadence.engine.v1 import engine_pb2 as pb
from cadence_platform.caller import Caller
from cadence_platform.errors import FailedPrecondition, InvalidInput, NotFound, PermissionDenied
from cadence_platform.paging import decode_cursor, page_limit, split_page

from cadence_playbook_engine.adapters.tables import accounts_rm, actions, renewals, users_rm
from cadence_playbook_engine.domain.playbooks import STEP_KINDS
from cadence_playbook_engine.handlers import closing
from cadence_playbook_engine.handlers.deps import Deps
from cadence_playbook_engine.handlers.runs import score_rows
from cadence_playbook_engine.handlers.scope import as_uuid, may_work, visible_accounts
from cadence_playbook_engine.handlers.views import LIVE, OrgContext, action_pb, load_page, org_context

Row = dict[str, Any]


def parse_date(field: str, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput.field(field, f"{value!r} is not a calendar date (YYYY-MM-DD)") from None


async def messages(session: AsyncSession, ctx: OrgContext, rows: list[Row]) -> list[pb.Action]:
    page = await load_page(session, rows)
    return [action_pb(r, page, ctx.today) for r in rows]


async def action_in_scope(session: AsyncSession, caller: Caller, action_id: str, *, lock: bool = False) -> Row:
    query = sa.select(actions).where(actions.c.id == as_uuid(action_id, "action"),
                                     actions.c.org_id == uuid.UUID(caller.org_id))
    if caller.role != "admin" and caller.role != "system":
        query = query.where(actions.c.account_id.in_(visible_accounts(caller)))
    row = (await session.execute(query.with_for_update() if lock else query)).mappings().first()
    if row is None:
        raise NotFound("action not found")
    return dict(row)


async def publish(deps: Deps, session: AsyncSession, ctx: OrgContext, row: Row, change: str,
                  previous_assignee: str = "") -> pb.Action:
    message = (await messages(session, ctx, [row]))[0]
    event_type = {"created": "action.created", "completed": "action.completed"}.get(change, "action.updated")
    await deps.outbox.add(session, event_type=event_type, org_id=ctx.org_id, aggregate_id=str(row["id"]),
                          aggregate_version=row["version"], partition_key=str(row["account_id"]),
                          payload=events.ActionChanged(action=message, change=change,
                                                       previous_assignee_id=previous_assignee))
    return message


async def _update(session: AsyncSession, row: Row, **values: Any) -> Row:
    return dict((await session.execute(sa.update(actions).where(actions.c.id == row["id"]).values(
        **values, updated_at=sa.func.now(), version=actions.c.version + 1).returning(actions))).mappings().one())


async def list_actions(deps: Deps, *, caller: Caller, request: pb.ListActionsRequest) -> tuple[list[pb.Action], str]:
    limit = page_limit(request.page.limit)
    org = uuid.UUID(caller.org_id)
    query = sa.select(actions).where(actions.c.org_id == org)
    assignee = request.assignee or "me"
    if caller.role == "rep" and assignee not in ("me", caller.user_id):
        raise PermissionDenied("a rep sees their own queue")
    if assignee == "unassigned":
        if caller.role not in ("admin", "system"):
            raise PermissionDenied("only admins work the unassigned queue")
        query = query.where(actions.c.assignee_id.is_(None))
    elif assignee != "any":
        query = query.where(actions.c.assignee_id == (uuid.UUID(caller.user_id) if assignee == "me"
                                                      else as_uuid(assignee, "assignee")))
    if caller.role not in ("admin", "system"):
        query = query.where(actions.c.account_id.in_(visible_accounts(caller)))
    if request.account_id:
        query = query.where(actions.c.account_id == as_uuid(request.account_id, "account"))
    async with deps.sessions() as session:
        ctx = await org_context(session, caller.org_id)
        status = request.status or "open"
        if status == "open":  # open, and snoozed ones whose snooze is over
            query = query.where(sa.or_(actions.c.status == "open", sa.and_(
                actions.c.status == "snoozed", actions.c.snoozed_until <= ctx.today)))
        elif status != "all":
            query = query.where(actions.c.status == status)
        if request.due_before:
            query = query.where(actions.c.due_date < parse_date("due_before", request.due_before))
        if (key := decode_cursor(request.page.cursor)) is not None:
            query = query.where(sa.tuple_(-actions.c.priority, actions.c.due_date, actions.c.id) > sa.tuple_(
                -int(key[0]), sa.cast(key[1], sa.Date), sa.cast(key[2], actions.c.id.type)))
        rows = [dict(r) for r in (await session.execute(query.order_by(
            actions.c.priority.desc(), actions.c.due_date, actions.c.id).limit(limit + 1))).mappings()]
        rows, cursor = split_page(rows, limit, lambda r: (r["priority"], r["due_date"].isoformat(), str(r["id"])))
        return await messages(session, ctx, rows), cursor


async def get_action(deps: Deps, *, caller: Caller, action_id: str) -> pb.Action:
    async with deps.sessions() as session:
        row = await action_in_scope(session, caller, action_id)
        return (await messages(session, await org_context(session, caller.org_id), [row]))[0]


async def _check_assignee(session: AsyncSession, caller: Caller, assignee_id: str) -> uuid.UUID | None:
    if not assignee_id:
        return None
    user = (await session.execute(sa.select(users_rm).where(
        users_rm.c.user_id == as_uuid(assignee_id, "user"), users_rm.c.org_id == uuid.UUID(caller.org_id)))).first()
    if user is None or not user.active:
        raise InvalidInput.field("assignee_id", "is not an active user of this org")
    return user.user_id


async def create_action(deps: Deps, *, caller: Caller, request: pb.CreateActionRequest) -> pb.Action:
    if not request.title.strip() or len(request.title) > 200:
        raise InvalidInput.field("title", "is required (at most 200 characters)")
    if request.kind not in STEP_KINDS:
        raise InvalidInput.field("kind", f"must be one of {', '.join(STEP_KINDS)}")
    due = parse_date("due_date", request.due_date)
    async with deps.unit_of_work() as session:
        ctx = await org_context(session, caller.org_id)
        account = (await session.execute(sa.select(accounts_rm).where(
            accounts_rm.c.account_id == as_uuid(request.account_id, "account"),
            accounts_rm.c.account_id.in_(visible_accounts(caller))))).mappings().first()
        if account is None:
            raise NotFound("account not found")
        renewal = None
        if request.renewal_id:
            renewal = (await session.execute(sa.select(renewals).where(
                renewals.c.id == as_uuid(request.renewal_id, "renewal"), renewals.c.account_id == account["account_id"],
                renewals.c.status == "open"))).mappings().first()
            if renewal is None:
                raise InvalidInput.field("renewal_id", "is not an open renewal of this account")
        if caller.role == "rep" and request.assignee_id not in ("", caller.user_id):
            raise PermissionDenied("a rep adds actions for themselves")
        assignee = await _check_assignee(session, caller, request.assignee_id or caller.user_id)
        row: Row = {"id": uuid.uuid4(), "org_id": account["org_id"], "account_id": account["account_id"],
                    "renewal_id": renewal["id"] if renewal else None, "run_id": None, "step_index": 0,
                    "title": request.title.strip(), "kind": request.kind, "description": request.description,
                    "anchor": "run_start", "due_date": due, "status": "open", "assignee_id": assignee,
                    "priority": 0, "reasons": [], "compressed": False, "lapsed": False, "adhoc": True, "version": 1}
        await score_rows(deps, session, ctx, [row], account=dict(account), renewal=dict(renewal) if renewal else None)
        row = dict((await session.execute(sa.insert(actions).values(**row).returning(actions))).mappings().one())
        return await publish(deps, session, ctx, row, "created")


async def update_action(deps: Deps, *, caller: Caller, request: pb.UpdateActionRequest) -> pb.Action:
    async with deps.unit_of_work() as session:
        ctx = await org_context(session, caller.org_id)
        row = await action_in_scope(session, caller, request.id, lock=True)
        if row["status"] not in LIVE:
            raise FailedPrecondition(f"the action is {row['status']}")
        values: Row = {}
        previous = str(row["assignee_id"] or "")
        if request.HasField("assignee_id"):
            if caller.role == "rep":
                raise PermissionDenied("only a CSM or an admin reassigns actions")
            values["assignee_id"] = await _check_assignee(session, caller, request.assignee_id)
        if request.HasField("due_date"):
            may_work(caller, row)
            values["due_date"] = parse_date("due_date", request.due_date)
        for name in ("title", "description"):
            if request.HasField(name):
                may_work(caller, row)
                values[name] = getattr(request, name)
        if not values:
            return (await messages(session, ctx, [row]))[0]
        row = await _update(session, row, **values)
        change = "reassigned" if "assignee_id" in values else "rescheduled"
        if "due_date" in values:
            await closing.rescore_run(deps, session, ctx, row)
            row = await action_in_scope(session, caller, request.id)
        return await publish(deps, session, ctx, row, change, previous)


async def _workable(session: AsyncSession, caller: Caller, action_id: str) -> Row:
    """An action the caller may work, still open or snoozed (a second completion is a conflict)."""
    row = await action_in_scope(session, caller, action_id, lock=True)
    may_work(caller, row)
    if row["status"] not in LIVE:
        raise FailedPrecondition(f"the action is already {row['status']}")
    return row


async def _finish(deps: Deps, caller: Caller, action_id: str, status: str, result: pb.RenewalResult | None,
                  **values: Any) -> pb.Action:
    """Complete or skip: record it, then let the run move on (or close with the renewal's result)."""
    async with deps.unit_of_work() as session:
        ctx = await org_context(session, caller.org_id)
        row = await _workable(session, caller, action_id)
        row = await _update(session, row, status=status, completed_at=datetime.now(UTC),
                            completed_by=uuid.UUID(caller.user_id), **values)
        message = await publish(deps, session, ctx, row, status)
        await closing.after_action_finished(deps, session, ctx, caller, row, result)
        return message


async def complete_action(deps: Deps, *, caller: Caller, request: pb.CompleteActionRequest) -> pb.Action:
    if not request.outcome.strip():
        raise InvalidInput.field("outcome", "say what happened (required)")
    result = request.renewal if request.HasField("renewal") else None
    return await _finish(deps, caller, request.id, "completed", result, outcome=request.outcome.strip())


async def snooze_action(deps: Deps, *, caller: Caller, request: pb.SnoozeActionRequest) -> pb.Action:
    until = parse_date("until", request.until)
    async with deps.unit_of_work() as session:
        ctx = await org_context(session, caller.org_id)
        if until <= ctx.today:
            raise InvalidInput.field("until", "must be after today")
        row = await _update(session, await _workable(session, caller, request.id), status="snoozed",
                            snoozed_until=until)
        return await publish(deps, session, ctx, row, "snoozed")


async def skip_action(deps: Deps, *, caller: Caller, request: pb.SkipActionRequest) -> pb.Action:
    if not request.reason.strip():
        raise InvalidInput.field("reason", "say why it is skipped (required)")
    return await _finish(deps, caller, request.id, "skipped", None, skip_reason=request.reason.strip())


async def reassign_user(deps: Deps, *, caller: Caller, from_user: str, to_user: str) -> int:
    async with deps.unit_of_work() as session:
        ctx = await org_context(session, caller.org_id)
        target = await _check_assignee(session, caller, to_user)
        if target is None:
            raise InvalidInput.field("to_user_id", "name the user who takes over")
        rows = [dict(r) for r in (await session.execute(sa.select(actions).where(
            actions.c.org_id == uuid.UUID(caller.org_id), actions.c.assignee_id == as_uuid(from_user, "user"),
            actions.c.status.in_(LIVE)).with_for_update())).mappings()]
        for row in rows:
            row = await _update(session, row, assignee_id=target)
            await publish(deps, session, ctx, row, "reassigned", from_user)
        return len(rows)
