"""What follows a finished action: the run's next step becomes current (and rises in the queue);
the last one closes the run and the renewal, whose outcome rolls the subscriptions forward."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from cadence.engine.v1 import engine_events_pb2 as events
from cadence.engine.v1 import engine_pb2 as pb
from cadence_platform.caller import Caller
from cadence_platform.errors import FailedPrecondition, FieldError, InvalidInput

from cadence_playbook_engine.adapters.tables import accounts_rm, actions, renewals, runs, subscriptions_rm
from cadence_playbook_engine.domain.outcomes import validate_result
from cadence_playbook_engine.domain.renewals import next_term_end
from cadence_playbook_engine.handlers.deps import Deps
from cadence_playbook_engine.handlers.views import LIVE, OrgContext, action_pb, load_page, priority_input, renewal_pb

Row = dict[str, Any]


async def rescore_run(deps: Deps, session: AsyncSession, ctx: OrgContext, row: Row) -> None:
    """Re-prioritise the run's live actions (its current step may have moved), or an ad-hoc action alone."""
    same = actions.c.run_id == row["run_id"] if row["run_id"] is not None else actions.c.id == row["id"]
    live = [dict(r) for r in (await session.execute(sa.select(actions).where(
        same, actions.c.status.in_(LIVE)).with_for_update())).mappings()]
    if not live:
        return
    page = await load_page(session, live)
    results = await deps.scoring.score(ctx.org_id, [priority_input(r, page, ctx.today) for r in live])
    for r in live:
        result = results.get(str(r["id"]))
        if result is None or result.priority == r["priority"]:
            continue
        reasons = [{"code": x.code, "label": x.label, "points": x.points} for x in result.reasons]
        updated = dict((await session.execute(sa.update(actions).where(actions.c.id == r["id"]).values(
            priority=result.priority, reasons=reasons, updated_at=sa.func.now(), version=actions.c.version + 1,
        ).returning(actions))).mappings().one())
        await deps.outbox.add(session, event_type="action.updated", org_id=ctx.org_id, aggregate_id=str(r["id"]),
                              aggregate_version=updated["version"], partition_key=str(r["account_id"]),
                              payload=events.ActionChanged(action=action_pb(updated, page, ctx.today),
                                                           change="reprioritised"))


def result_of(message: pb.RenewalResult | None, renewal: Row, term_start: date | None) -> dict[str, Any]:
    """The structured outcome, checked; by default "renewed for the same term and ARR"."""
    if message is None or not message.result:
        return {"result": "renewed", "new_term_end": next_term_end(renewal["renewal_date"], term_start).isoformat(),
                "new_arr": {}, "note": message.note if message else ""}
    new_term_end = None
    if message.new_term_end:
        try:
            new_term_end = date.fromisoformat(message.new_term_end)
        except ValueError:
            raise InvalidInput.field("new_term_end", "is not a calendar date (YYYY-MM-DD)") from None
    new_arr: dict[str, tuple[Decimal, str]] = {}
    for sub_id, money in message.new_arr.items():
        try:
            new_arr[sub_id] = (Decimal(money.amount), money.currency.upper())
        except InvalidOperation:
            raise InvalidInput.field(f"new_arr.{sub_id}", "is not an amount") from None
    problems = validate_result(message.result, new_term_end, new_arr,
                               [str(s) for s in renewal["subscription_ids"]], renewal_date=renewal["renewal_date"])
    if problems:
        raise InvalidInput("the renewal outcome is not valid", problems)
    if message.result != "churned" and new_term_end is None:
        new_term_end = next_term_end(renewal["renewal_date"], term_start)
    return {"result": message.result, "new_term_end": new_term_end.isoformat() if new_term_end else "",
            "new_arr": {k: [str(v[0]), v[1]] for k, v in new_arr.items()}, "note": message.note}


async def close_renewal(deps: Deps, session: AsyncSession, ctx: OrgContext, renewal: Row,
                        outcome: pb.RenewalResult | None, reason: str) -> Row:
    """Close the renewal and its run (open actions are cancelled); publish playbook.closed and renewal.closed."""
    if renewal["status"] != "open":
        raise FailedPrecondition("the renewal is already closed")
    term_start = await session.scalar(sa.select(sa.func.min(subscriptions_rm.c.term_start)).where(
        subscriptions_rm.c.subscription_id.in_(renewal["subscription_ids"])))
    result = result_of(outcome, renewal, term_start)
    now = datetime.now(UTC)
    renewal = dict((await session.execute(sa.update(renewals).where(renewals.c.id == renewal["id"]).values(
        status="closed", outcome=result, closed_at=now, version=renewals.c.version + 1).returning(renewals)
    )).mappings().one())
    cancelled = (await session.execute(sa.update(actions).where(
        actions.c.renewal_id == renewal["id"], actions.c.status.in_(LIVE)).values(
        status="cancelled", updated_at=now, version=actions.c.version + 1).returning(actions))).mappings().all()
    account = (await session.execute(sa.select(accounts_rm).where(
        accounts_rm.c.account_id == renewal["account_id"]))).mappings().first()
    message = renewal_pb(renewal, dict(account) if account else None, ctx.today, currency=ctx.reporting_currency)
    if cancelled:
        page = await load_page(session, [dict(r) for r in cancelled])
        for r in cancelled:
            await deps.outbox.add(session, event_type="action.updated", org_id=ctx.org_id, aggregate_id=str(r["id"]),
                                  aggregate_version=r["version"], partition_key=str(r["account_id"]),
                                  payload=events.ActionChanged(action=action_pb(dict(r), page, ctx.today),
                                                               change="cancelled"))
    if renewal["run_id"] is not None:
        await session.execute(sa.update(runs).where(runs.c.id == renewal["run_id"]).values(
            status="closed", closed_at=now))
        await deps.outbox.add(session, event_type="playbook.closed", org_id=ctx.org_id,
                              aggregate_id=str(renewal["run_id"]), aggregate_version=2,
                              partition_key=str(renewal["account_id"]),
                              payload=events.PlaybookClosed(renewal=message, run_id=str(renewal["run_id"]),
                                                            reason=reason))
    await deps.outbox.add(session, event_type="renewal.closed", org_id=ctx.org_id, aggregate_id=str(renewal["id"]),
                          aggregate_version=renewal["version"], partition_key=str(renewal["account_id"]),
                          payload=events.RenewalClosed(renewal=message, outcome=message.outcome))
    return renewal


async def after_action_finished(deps: Deps, session: AsyncSession, ctx: OrgContext, caller: Caller, row: Row,
                                result: pb.RenewalResult | None) -> None:
    if row["run_id"] is None:
        if result is not None and result.result:
            raise InvalidInput("a renewal outcome belongs on the last action of a run",
                               [FieldError("renewal", "this action is not part of a playbook run")])
        return
    remaining = await session.scalar(sa.select(sa.func.count()).select_from(actions).where(
        actions.c.run_id == row["run_id"], actions.c.status.in_(LIVE)))
    if remaining:
        if result is not None and result.result:
            raise InvalidInput("the run has open actions; close the renewal instead",
                               [FieldError("renewal", f"{remaining} actions of this run are still open")])
        await rescore_run(deps, session, ctx, row)
        return
    renewal = (await session.execute(sa.select(renewals).where(renewals.c.id == row["renewal_id"])
                                      .with_for_update())).mappings().one()
    if renewal["status"] == "open":
        await close_renewal(deps, session, ctx, dict(renewal), result, "completed")
