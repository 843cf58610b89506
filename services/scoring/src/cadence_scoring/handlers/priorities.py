"""Use cases of the priority read model: keep each open action's inputs, recompute an account's
priorities after any change, and publish ONE priority.updated per account when any of them moved.

Every use case runs inside the caller's transaction (the consumer's, or the decay sweep's) and
first takes a per-account advisory lock: consumers of different streams and the sweep touch the
same account's rows, and one lock per transaction, taken first, cannot deadlock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from cadence.scoring.v1 import scoring_pb2 as pb

from cadence_scoring.adapters.tables import account_flags, action_inputs
from cadence_scoring.domain.priority import CLOSED_STATUSES, PriorityInputs, score
from cadence_scoring.handlers.deps import Deps
from cadence_scoring.messages import priority_updated_pb

PRIORITY_UPDATED = "priority.updated"
INPUT_COLUMNS = ("due_date", "renewal_date", "arr_reporting", "escalated", "motion", "current_step", "lapsed",
                 "kind", "adhoc", "status")


@dataclass(frozen=True, slots=True)
class ActionFacts:
    """What an engine event says about one action: its inputs, run, version and shown priority."""

    inputs: PriorityInputs
    run_id: str = ""
    version: int = 0
    shown_priority: int | None = None   # the priority the engine holds now; None = unknown


async def record_actions(deps: Deps, session: AsyncSession, *, org_id: str, actions: list[ActionFacts],
                         ) -> list[pb.PriorityUpdated]:
    """Store open actions' inputs, forget closed ones, then recompute each touched account."""
    published = []
    for account_id in sorted({a.inputs.account_id for a in actions}):
        await lock_account(session, account_id)
        flags = await _flags(session, org_id, account_id)
        for facts in (a for a in actions if a.inputs.account_id == account_id):
            if facts.inputs.status in CLOSED_STATUSES:
                await session.execute(sa.delete(action_inputs).where(
                    action_inputs.c.org_id == org_id, action_inputs.c.action_id == facts.inputs.action_id))
            else:
                await _upsert(session, org_id, facts, flags)
        published.append(await recompute_account(deps, session, org_id=org_id, account_id=account_id))
    return [p for p in published if p is not None]


async def forget_run(deps: Deps, session: AsyncSession, *, org_id: str, account_id: str, run_id: str,
                     ) -> pb.PriorityUpdated | None:
    """A closed run's remaining actions are no longer worked: stop scoring them."""
    if not run_id:
        return None  # "" is what ad-hoc actions carry: never forget those with a run
    await lock_account(session, account_id)
    await session.execute(sa.delete(action_inputs).where(
        action_inputs.c.org_id == org_id, action_inputs.c.run_id == run_id))
    return await recompute_account(deps, session, org_id=org_id, account_id=account_id)


async def set_escalation(deps: Deps, session: AsyncSession, *, org_id: str, account_id: str, escalated: bool,
                         ) -> pb.PriorityUpdated | None:
    return await _set_account_flag(deps, session, org_id=org_id, account_id=account_id, escalated=escalated)


async def set_motion(deps: Deps, session: AsyncSession, *, org_id: str, account_id: str, motion: str,
                     ) -> pb.PriorityUpdated | None:
    return await _set_account_flag(deps, session, org_id=org_id, account_id=account_id, motion=motion)


async def _set_account_flag(deps: Deps, session: AsyncSession, *, org_id: str, account_id: str,
                            **flag: Any) -> pb.PriorityUpdated | None:
    """Remember the account's flag (for actions that arrive later) and apply it to its open actions."""
    await lock_account(session, account_id)
    await session.execute(
        pg_insert(account_flags).values(account_id=account_id, org_id=org_id, **flag)
        .on_conflict_do_update(index_elements=[account_flags.c.account_id], set_={**flag, "updated_at": sa.func.now()})
    )
    await session.execute(sa.update(action_inputs).where(
        action_inputs.c.org_id == org_id, action_inputs.c.account_id == account_id).values(**flag))
    return await recompute_account(deps, session, org_id=org_id, account_id=account_id)


async def recompute_account(deps: Deps, session: AsyncSession, *, org_id: str, account_id: str,
                            today: date | None = None) -> pb.PriorityUpdated | None:
    """Score the account's open actions with the org's today; publish when any priority moved.

    The event carries every open action of the account (not only the moved ones) under a
    per-account version, so a consumer that skips an older version loses nothing.
    """
    today = today or deps.today(org_id)
    rows = (await session.execute(
        sa.select(action_inputs)
        .where(action_inputs.c.org_id == org_id, action_inputs.c.account_id == account_id)
        .order_by(action_inputs.c.action_id).with_for_update()
    )).mappings().all()
    if not rows:
        return None
    scores = [score(inputs_of(row, today)) for row in rows]
    moved = any(s.priority != row["priority"] for s, row in zip(scores, rows, strict=True))
    await session.execute(
        sa.update(action_inputs).where(action_inputs.c.action_id == sa.bindparam("id_"))
        .values(priority=sa.bindparam("priority_"), computed_on=today),
        [{"id_": s.action_id, "priority_": s.priority} for s in scores],
    )
    if not moved:
        return None
    version = await _next_priority_version(session, org_id, account_id)
    payload = priority_updated_pb(account_id, sorted(scores, key=lambda s: (-s.priority, s.action_id)), today)
    await deps.outbox.add(
        session, event_type=PRIORITY_UPDATED, org_id=org_id, aggregate_id=account_id, aggregate_version=version,
        payload=payload, partition_key=account_id,
    )
    return payload


def inputs_of(row: Mapping[str, Any] | sa.RowMapping, today: date) -> PriorityInputs:
    """A stored row as formula inputs; `today` is always supplied fresh, never stored."""
    return PriorityInputs(action_id=row["action_id"], account_id=row["account_id"], today=today,
                          **{name: row[name] for name in INPUT_COLUMNS})


async def lock_account(session: AsyncSession, account_id: str) -> None:
    await session.execute(sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtextextended(account_id, 0))))


async def _flags(session: AsyncSession, org_id: str, account_id: str) -> sa.RowMapping | None:
    return (await session.execute(sa.select(account_flags).where(
        account_flags.c.org_id == org_id, account_flags.c.account_id == account_id))).mappings().first()


async def _upsert(session: AsyncSession, org_id: str, facts: ActionFacts, flags: sa.RowMapping | None) -> None:
    inputs = facts.inputs
    # What scoring heard from the account service wins over the flag the engine copied into the
    # action: the engine may not have heard the escalation yet, and scoring will not hear it again.
    if flags is not None and flags["escalated"] is not None:
        inputs = replace(inputs, escalated=flags["escalated"])
    if flags is not None and flags["motion"] is not None:
        inputs = replace(inputs, motion=flags["motion"])
    values = {name: getattr(inputs, name) for name in INPUT_COLUMNS}
    row = {**values, "action_id": inputs.action_id, "org_id": org_id, "account_id": inputs.account_id,
           "run_id": facts.run_id, "action_version": facts.version, "priority": facts.shown_priority}
    insert = pg_insert(action_inputs).values(**row)
    # An older version of the action (e.g. a retried playbook.started after an action.updated) is ignored.
    newer = sa.or_(insert.excluded.action_version == 0,
                   action_inputs.c.action_version <= insert.excluded.action_version)
    await session.execute(insert.on_conflict_do_update(
        index_elements=[action_inputs.c.action_id],
        set_={**values, "run_id": facts.run_id, "action_version": facts.version, "priority": facts.shown_priority,
              "updated_at": sa.func.now()},
        where=sa.and_(action_inputs.c.org_id == org_id, newer),
    ))


async def _next_priority_version(session: AsyncSession, org_id: str, account_id: str) -> int:
    version = await session.scalar(
        pg_insert(account_flags).values(account_id=account_id, org_id=org_id, priority_version=1)
        .on_conflict_do_update(index_elements=[account_flags.c.account_id],
                               set_={"priority_version": account_flags.c.priority_version + 1})
        .returning(account_flags.c.priority_version)
    )
    return int(version or 1)
