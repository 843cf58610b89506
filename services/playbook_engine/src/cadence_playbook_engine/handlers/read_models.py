"""What the engine keeps from other services' events, and the engine rules those events set off:
a renewal entering its window starts a run, a rep change moves open actions, a motion change
replaces not-started steps, a renewal-date change moves the renewal and its due dates."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from cadence.account.v1 import accounts_events_pb2 as account_events
from cadence.account.v1 import accounts_pb2
from cadence.account.v1 import identity_events_pb2 as identity_events
from cadence.engine.v1 import engine_events_pb2 as events
from cadence.events.v1.envelope_pb2 import EventEnvelope
from cadence.scoring.v1 import scoring_pb2
from cadence_platform.events import partition_of, unpack

from cadence_playbook_engine.adapters.tables import (
    accounts_rm,
    actions,
    orgs_rm,
    renewals,
    runs,
    subscriptions_rm,
    users_rm,
)
from cadence_playbook_engine.domain.playbooks import match_playbook
from cadence_playbook_engine.domain.renewals import renewal_stage, vendor_key
from cadence_playbook_engine.domain.schedule import choose_assignee, shift_for_new_renewal_date, steps_to_replace
from cadence_playbook_engine.handlers.closing import rescore_run
from cadence_playbook_engine.handlers.deps import Deps
from cadence_playbook_engine.handlers.playbooks import seed_defaults
from cadence_playbook_engine.handlers.runs import create_actions, line_of, org_playbooks, start_runs_for_account
from cadence_playbook_engine.handlers.starts import Planner
from cadence_playbook_engine.handlers.views import LIVE, action_pb, load_page, org_context

Row = dict[str, Any]


def _uuid_or_none(value: str) -> uuid.UUID | None:
    return uuid.UUID(value) if value else None


async def on_org(deps: Deps, session: AsyncSession, envelope: EventEnvelope) -> None:
    kind = identity_events.OrgCreated if envelope.type == "org.created" else identity_events.OrgSettingsChanged
    org = unpack(envelope, kind).org  # type: ignore[attr-defined]
    values = {"time_zone": org.settings.time_zone or "UTC", "reporting_currency": org.settings.reporting_currency
              or "USD", "fx_rates": dict(org.settings.fx_rates)}
    before = (await session.execute(sa.select(orgs_rm.c.reporting_currency, orgs_rm.c.fx_rates).where(
        orgs_rm.c.org_id == uuid.UUID(org.id)))).first()
    await session.execute(pg_insert(orgs_rm).values(org_id=uuid.UUID(org.id), **values)
                          .on_conflict_do_update(index_elements=[orgs_rm.c.org_id], set_=values))
    await seed_defaults(session, uuid.UUID(org.id))
    if before is not None and (before.reporting_currency, before.fx_rates) != (values["reporting_currency"],
                                                                                 values["fx_rates"]):
        await _reprice_open_renewals(session, org.id)


async def _reprice_open_renewals(session: AsyncSession, org_id: str) -> None:
    """A new reporting currency (or rates): open renewals' ARR is restated from their subscriptions."""
    ctx = await org_context(session, org_id)
    planner = Planner(ctx, [], {})
    rows = await session.execute(
        sa.select(renewals.c.id, subscriptions_rm.c.arr_currency, sa.func.sum(subscriptions_rm.c.arr_amount))
        .join(subscriptions_rm, subscriptions_rm.c.subscription_id == sa.func.any(renewals.c.subscription_ids))
        .where(renewals.c.org_id == uuid.UUID(org_id), renewals.c.status == "open",
               subscriptions_rm.c.arr_amount.isnot(None))
        .group_by(renewals.c.id, subscriptions_rm.c.arr_currency))
    per_renewal: dict[uuid.UUID, dict[str, Any]] = {}
    for renewal_id, currency, amount in rows:
        per_renewal.setdefault(renewal_id, {})[currency] = amount
    for renewal_id, per_currency in per_renewal.items():
        await session.execute(sa.update(renewals).where(renewals.c.id == renewal_id).values(
            arr_reporting=planner.arr(per_currency)))


async def on_user(deps: Deps, session: AsyncSession, envelope: EventEnvelope) -> None:
    kind = identity_events.UserCreated if envelope.type == "user.created" else identity_events.UserUpdated
    user = unpack(envelope, kind).user  # type: ignore[attr-defined]
    values = {"org_id": uuid.UUID(user.org_id), "role": user.role, "active": user.active}
    await session.execute(pg_insert(users_rm).values(user_id=uuid.UUID(user.id), **values)
                          .on_conflict_do_update(index_elements=[users_rm.c.user_id], set_=values))


def account_values(account: accounts_pb2.Account) -> Row:
    return {"org_id": uuid.UUID(account.org_id), "name": account.name, "motion": account.motion,
            "csm_id": _uuid_or_none(account.csm_id), "default_rep_id": _uuid_or_none(account.default_rep_id),
            "rep_ids": [uuid.UUID(r) for r in account.rep_ids], "escalated": account.escalation.active,
            "archived": account.archived, "partition": partition_of(account.id)}


async def upsert_account(session: AsyncSession, account: accounts_pb2.Account) -> None:
    values = account_values(account)
    await session.execute(pg_insert(accounts_rm).values(account_id=uuid.UUID(account.id), **values)
                          .on_conflict_do_update(index_elements=[accounts_rm.c.account_id], set_=values))


async def on_account(deps: Deps, session: AsyncSession, envelope: EventEnvelope) -> None:
    if envelope.type.startswith("escalation."):
        account = unpack(envelope, account_events.EscalationChanged).account  # type: ignore[attr-defined]
        change: account_events.AccountChanged | None = None
    else:
        change = unpack(envelope, account_events.AccountChanged)  # type: ignore[assignment]
        account = change.account  # type: ignore[union-attr]
    account_id = uuid.UUID(account.id)
    await upsert_account(session, account)
    if change is None:
        return
    ctx = await org_context(session, account.org_id)
    if envelope.type == "account.reps_changed":
        before = choose_assignee(change.previous_default_rep_id, account.csm_id)
    elif envelope.type == "account.csm_changed":
        before = choose_assignee(account.default_rep_id, change.previous_csm_id)
    else:
        before = None
    if before is not None:
        on_account_now = [*account.rep_ids, *([account.csm_id] if account.csm_id else [])]
        await reassign(deps, session, ctx, account_id, before, on_account_now,
                       choose_assignee(account.default_rep_id, account.csm_id))
    if envelope.type == "account.motion_changed":
        await replace_steps(deps, session, ctx, account_id)
    await start_runs_for_account(deps, session, ctx, account_id)


async def reassign(deps: Deps, session: AsyncSession, ctx: Any, account_id: uuid.UUID, before: str,
                   on_account: list[str], after: str) -> None:
    """Open run actions that went to the old automatic assignee, or to someone no longer on the
    account, go to the new automatic assignee (default rep, else CSM, else the unassigned queue)."""
    if before == after:
        return
    was_automatic = actions.c.assignee_id == uuid.UUID(before) if before else actions.c.assignee_id.is_(None)
    left_account = sa.and_(actions.c.assignee_id.isnot(None),
                           actions.c.assignee_id.not_in([uuid.UUID(u) for u in on_account] or [uuid.uuid4()]))
    moved = [dict(r) for r in (await session.execute(sa.update(actions).where(
        actions.c.account_id == account_id, actions.c.status.in_(LIVE), actions.c.run_id.isnot(None),
        sa.or_(was_automatic, left_account),
    ).values(assignee_id=_uuid_or_none(after), updated_at=sa.func.now(), version=actions.c.version + 1)
        .returning(actions))).mappings()]
    if moved:
        page = await load_page(session, moved)
        for r in moved:
            await deps.outbox.add(session, event_type="action.updated", org_id=ctx.org_id, aggregate_id=str(r["id"]),
                                  aggregate_version=r["version"], partition_key=str(account_id),
                                  payload=events.ActionChanged(action=action_pb(r, page, ctx.today),
                                                               change="reassigned", previous_assignee_id=before))


async def replace_steps(deps: Deps, session: AsyncSession, ctx: Any, account_id: uuid.UUID) -> None:
    """A motion change mid-run: steps not yet started follow the new motion's playbook."""
    account = dict((await session.execute(sa.select(accounts_rm).where(accounts_rm.c.account_id == account_id)
                                          )).mappings().one())
    defs, _ = await org_playbooks(session, ctx.org_id)
    for renewal in (await session.execute(sa.select(renewals).where(
            renewals.c.account_id == account_id, renewals.c.status == "open", renewals.c.run_id.isnot(None))
    )).mappings().all():
        lines = [line_of(dict(r)) for r in (await session.execute(sa.select(subscriptions_rm).where(
            subscriptions_rm.c.subscription_id.in_(renewal["subscription_ids"])))).mappings()]
        chosen = match_playbook(defs, motion=account["motion"], vendor=renewal["vendor"],
                                stage=renewal_stage(lines) if lines else "")
        if chosen is None or str(renewal["playbook_id"]) == chosen.id:
            continue
        rows = (await session.execute(sa.select(actions.c.step_index, actions.c.status, actions.c.adhoc).where(
            actions.c.run_id == renewal["run_id"]))).all()
        open_steps = [r.step_index for r in rows if r.status == "open" and not r.adhoc and r.step_index >= 0]
        started = [r.step_index for r in rows if r.status not in ("open", "cancelled") and not r.adhoc]
        cancel, drafts = steps_to_replace(open_steps, started, chosen, renewal_date=renewal["renewal_date"],
                                          today=ctx.today)
        await session.execute(sa.update(actions).where(
            actions.c.run_id == renewal["run_id"], actions.c.step_index.in_(cancel), actions.c.status == "open",
            actions.c.adhoc.is_(False)).values(status="cancelled", updated_at=sa.func.now(),
                                               version=actions.c.version + 1))
        if drafts:
            after = max(started, default=-1)
            await create_actions(deps, session, ctx, account, dict(renewal), renewal["run_id"], chosen,
                                 renewal["renewal_date"], only_after_step=after)
        await session.execute(sa.update(renewals).where(renewals.c.id == renewal["id"]).values(
            playbook_id=uuid.UUID(chosen.id)))
        await session.execute(sa.update(runs).where(runs.c.id == renewal["run_id"]).values(
            playbook_id=uuid.UUID(chosen.id)))


def subscription_values(org_id: str, s: accounts_pb2.Subscription) -> Row:
    return {"org_id": uuid.UUID(org_id), "account_id": uuid.UUID(s.account_id), "vendor": s.vendor,
            "vendor_key": vendor_key(s.vendor), "renewal_date": date.fromisoformat(s.renewal_date),
            "term_start": date.fromisoformat(s.term_start) if s.term_start else None,
            "lifecycle_stage": s.lifecycle_stage, "arr_amount": s.arr.amount or None if s.HasField("arr") else None,
            "arr_currency": s.arr.currency if s.HasField("arr") else ""}


async def on_subscription(deps: Deps, session: AsyncSession, envelope: EventEnvelope) -> None:
    change = unpack(envelope, account_events.SubscriptionChanged)
    s = change.subscription  # type: ignore[attr-defined]
    values = subscription_values(envelope.org_id, s)
    await session.execute(pg_insert(subscriptions_rm).values(subscription_id=uuid.UUID(s.id), **values)
                          .on_conflict_do_update(index_elements=[subscriptions_rm.c.subscription_id], set_=values))
    # A line co-termed with an open renewal joins it (a run is never started twice for one key).
    await session.execute(sa.update(renewals).where(
        renewals.c.account_id == values["account_id"], renewals.c.vendor_key == values["vendor_key"],
        renewals.c.renewal_date == values["renewal_date"], renewals.c.status == "open",
        ~renewals.c.subscription_ids.contains([uuid.UUID(s.id)]),
    ).values(subscription_ids=sa.func.array_append(renewals.c.subscription_ids, uuid.UUID(s.id))))
    ctx = await org_context(session, envelope.org_id)
    previous = change.previous_renewal_date
    if previous and previous != s.renewal_date:
        await move_renewal(deps, session, ctx, uuid.UUID(s.id), date.fromisoformat(previous), values["renewal_date"])
    await start_runs_for_account(deps, session, ctx, values["account_id"])


async def move_renewal(deps: Deps, session: AsyncSession, ctx: Any, subscription_id: uuid.UUID, old: date,
                       new: date) -> None:
    """The same renewal moves (never a second run) once all its co-termed lines carry the new date."""
    renewal = (await session.execute(sa.select(renewals).where(
        renewals.c.subscription_ids.contains([subscription_id]), renewals.c.status == "open",
        renewals.c.renewal_date == old,
    ).with_for_update())).mappings().first()
    if renewal is None:
        return
    dates = set((await session.scalars(sa.select(subscriptions_rm.c.renewal_date).where(
        subscriptions_rm.c.subscription_id.in_(renewal["subscription_ids"])))).all())
    if dates != {new} or await session.scalar(sa.select(renewals.c.id).where(
            renewals.c.account_id == renewal["account_id"], renewals.c.vendor_key == renewal["vendor_key"],
            renewals.c.renewal_date == new)):
        return
    await session.execute(sa.update(renewals).where(renewals.c.id == renewal["id"]).values(
        renewal_date=new, version=renewals.c.version + 1))
    live = [dict(r) for r in (await session.execute(sa.select(actions).where(
        actions.c.renewal_id == renewal["id"], actions.c.status.in_(LIVE)))).mappings()]
    moves = shift_for_new_renewal_date([(str(r["id"]), r["due_date"], r["anchor"]) for r in live], old, new, ctx.today)
    for r in live:
        if str(r["id"]) in moves:
            due, compressed = moves[str(r["id"])]
            await session.execute(sa.update(actions).where(actions.c.id == r["id"]).values(
                due_date=due, compressed=compressed or r["compressed"], updated_at=sa.func.now(),
                version=actions.c.version + 1))
    if live:
        await rescore_run(deps, session, ctx, live[0])


async def on_priority(deps: Deps, session: AsyncSession, envelope: EventEnvelope) -> None:
    update = unpack(envelope, scoring_pb2.PriorityUpdated)
    for item in update.items:  # type: ignore[attr-defined]
        await session.execute(sa.update(actions).where(
            actions.c.id == uuid.UUID(item.action_id), actions.c.status.in_(LIVE)).values(
            priority=item.priority,
            reasons=[{"code": r.code, "label": r.label, "points": r.points} for r in item.reasons]))
