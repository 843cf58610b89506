"""The renewal pipeline, and closing a renewal with its outcome."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from cadence.engine.v1 import engine_pb2 as pb
from cadence_platform.caller import Caller
from cadence_platform.errors import InvalidInput, NotFound
from cadence_platform.paging import decode_cursor, page_limit, split_page

from cadence_playbook_engine.adapters.tables import accounts_rm, actions, renewals
from cadence_playbook_engine.handlers import closing
from cadence_playbook_engine.handlers.deps import Deps
from cadence_playbook_engine.handlers.scope import as_uuid, visible_accounts
from cadence_playbook_engine.handlers.views import LIVE, OrgContext, org_context, renewal_pb

Row = dict[str, Any]


async def _messages(session: AsyncSession, ctx: OrgContext, rows: list[Row]) -> list[pb.Renewal]:
    if not rows:
        return []
    ids = [r["id"] for r in rows]
    accounts = {r["account_id"]: dict(r) for r in (await session.execute(sa.select(accounts_rm).where(
        accounts_rm.c.account_id.in_({r["account_id"] for r in rows})))).mappings()}
    counts = {r.renewal_id: (r.open, r.overdue) for r in await session.execute(
        sa.select(actions.c.renewal_id, sa.func.count().label("open"),
                  sa.func.count().filter(actions.c.due_date < ctx.today).label("overdue"))
        .where(actions.c.renewal_id.in_(ids), actions.c.status.in_(LIVE)).group_by(actions.c.renewal_id))}
    return [renewal_pb(r, accounts.get(r["account_id"]), ctx.today, currency=ctx.reporting_currency,
                       open_actions=counts.get(r["id"], (0, 0))[0], overdue_actions=counts.get(r["id"], (0, 0))[1])
            for r in rows]


def _in_scope(caller: Caller) -> sa.ColumnElement[bool]:
    condition = renewals.c.org_id == uuid.UUID(caller.org_id)
    if caller.role not in ("admin", "system"):
        condition = sa.and_(condition, renewals.c.account_id.in_(visible_accounts(caller)))
    return condition


async def list_renewals(deps: Deps, *, caller: Caller, request: pb.ListRenewalsRequest) -> tuple[list[pb.Renewal], str]:
    limit = page_limit(request.page.limit)
    query = sa.select(renewals).where(_in_scope(caller))
    status = request.status or "open"
    if status != "all":
        query = query.where(renewals.c.status == status)
    if request.account_id:
        query = query.where(renewals.c.account_id == as_uuid(request.account_id, "account"))
    async with deps.sessions() as session:
        ctx = await org_context(session, caller.org_id)
        if request.within_days:
            query = query.where(renewals.c.renewal_date <= ctx.today + timedelta(days=request.within_days))
        if request.HasField("at_risk"):
            overdue = sa.exists().where(actions.c.renewal_id == renewals.c.id, actions.c.status.in_(LIVE),
                                        actions.c.due_date < ctx.today)
            escalated = sa.exists().where(accounts_rm.c.account_id == renewals.c.account_id,
                                          accounts_rm.c.escalated.is_(True))
            risky = sa.and_(renewals.c.status == "open",
                            sa.or_(renewals.c.renewal_date < ctx.today, overdue, escalated))
            query = query.where(risky if request.at_risk else ~risky)
        if (key := decode_cursor(request.page.cursor)) is not None:
            query = query.where(sa.tuple_(renewals.c.renewal_date, renewals.c.id) > sa.tuple_(
                sa.cast(key[0], sa.Date), sa.cast(key[1], renewals.c.id.type)))
        rows = [dict(r) for r in (await session.execute(
            query.order_by(renewals.c.renewal_date, renewals.c.id).limit(limit + 1))).mappings()]
        rows, cursor = split_page(rows, limit, lambda r: (r["renewal_date"].isoformat(), str(r["id"])))
        return await _messages(session, ctx, rows), cursor


async def _renewal_in_scope(session: AsyncSession, caller: Caller, renewal_id: str, lock: bool = False) -> Row:
    query = sa.select(renewals).where(renewals.c.id == as_uuid(renewal_id, "renewal"), _in_scope(caller))
    row = (await session.execute(query.with_for_update() if lock else query)).mappings().first()
    if row is None:
        raise NotFound("renewal not found")
    return dict(row)


async def get_renewal(deps: Deps, *, caller: Caller, renewal_id: str) -> pb.Renewal:
    async with deps.sessions() as session:
        ctx = await org_context(session, caller.org_id)
        return (await _messages(session, ctx, [await _renewal_in_scope(session, caller, renewal_id)]))[0]


async def close(deps: Deps, *, caller: Caller, request: pb.CloseRenewalRequest) -> pb.Renewal:
    async with deps.unit_of_work() as session:
        ctx = await org_context(session, caller.org_id)
        renewal = await _renewal_in_scope(session, caller, request.id, lock=True)
        outcome = request.outcome if request.HasField("outcome") and request.outcome.result else None
        if outcome is None:
            raise InvalidInput.field("outcome", "say how it ended: renewed, changed or churned")
        renewal = await closing.close_renewal(deps, session, ctx, renewal, outcome, "renewal_closed")
        return (await _messages(session, ctx, [renewal]))[0]
