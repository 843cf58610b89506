"""account.imported: one event per imported account, carrying the account and the subscriptions the
import wrote. The read models take it in a few set-based statements; runs are NOT started here,
account by account — the handler pokes the sweep, which starts an import's runs in bulk seconds
after its last event (see trigger.py)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from cadence.account.v1 import accounts_events_pb2 as account_events
from cadence.account.v1 import accounts_pb2
from cadence.events.v1.envelope_pb2 import EventEnvelope
from cadence_platform.events import unpack

from cadence_playbook_engine.adapters.tables import SCHEMA, accounts_rm, subscriptions_rm
from cadence_playbook_engine.domain.schedule import choose_assignee
from cadence_playbook_engine.handlers.deps import Deps
from cadence_playbook_engine.handlers.read_models import (
    move_renewal,
    reassign,
    replace_steps,
    subscription_values,
    upsert_account,
)
from cadence_playbook_engine.handlers.views import OrgContext, org_context

Row = dict[str, Any]

# A co-termed line joins the open renewal of its (account, vendor key, date), as on_subscription does.
_JOIN_OPEN_RENEWALS = sa.text(f"""
    UPDATE {SCHEMA}.renewals r
    SET subscription_ids = r.subscription_ids || ARRAY(
        SELECT s.subscription_id FROM {SCHEMA}.subscriptions_rm s
        WHERE s.subscription_id = ANY(:ids) AND s.account_id = r.account_id AND s.vendor_key = r.vendor_key
          AND s.renewal_date = r.renewal_date AND s.subscription_id <> ALL(r.subscription_ids)
        ORDER BY s.subscription_id)
    WHERE r.org_id = :org_id AND r.account_id = :account_id AND r.status = 'open'
      AND EXISTS (SELECT 1 FROM {SCHEMA}.subscriptions_rm s
                  WHERE s.subscription_id = ANY(:ids) AND s.account_id = r.account_id
                    AND s.vendor_key = r.vendor_key AND s.renewal_date = r.renewal_date
                    AND s.subscription_id <> ALL(r.subscription_ids))""")


async def on_account_imported(deps: Deps, session: AsyncSession, envelope: EventEnvelope) -> None:
    event = unpack(envelope, account_events.AccountImported)
    account = event.account  # type: ignore[attr-defined]
    account_id = uuid.UUID(account.id)
    before = (await session.execute(sa.select(accounts_rm).where(accounts_rm.c.account_id == account_id)
                                    )).mappings().first()
    await upsert_account(session, account)
    ctx = await org_context(session, envelope.org_id)
    if before is not None:
        await _mid_run_changes(deps, session, ctx, dict(before), account)
    subscriptions = list(event.subscriptions)  # type: ignore[attr-defined]
    if subscriptions:
        await _upsert_subscriptions(session, envelope.org_id, subscriptions)
        # Moves first: a renewal that moves to the new date is then there for co-termed lines to join.
        previous = list(event.previous_renewal_dates)  # type: ignore[attr-defined]
        for s, old in zip(subscriptions, previous + [""] * (len(subscriptions) - len(previous)), strict=True):
            if old and old != s.renewal_date:
                await move_renewal(deps, session, ctx, uuid.UUID(s.id), date.fromisoformat(old),
                                   date.fromisoformat(s.renewal_date))
        await session.execute(_JOIN_OPEN_RENEWALS, {"ids": [uuid.UUID(s.id) for s in subscriptions],
                                                    "org_id": uuid.UUID(envelope.org_id), "account_id": account_id})
    deps.poke_sweep_after_commit(session, envelope.org_id)


async def _upsert_subscriptions(session: AsyncSession, org_id: str,
                                subscriptions: list[accounts_pb2.Subscription]) -> None:
    rows = [{"subscription_id": uuid.UUID(s.id), **subscription_values(org_id, s)} for s in subscriptions]
    statement = pg_insert(subscriptions_rm).values(rows)
    await session.execute(statement.on_conflict_do_update(
        index_elements=[subscriptions_rm.c.subscription_id],
        set_={c: statement.excluded[c] for c in rows[0] if c != "subscription_id"}))


async def _mid_run_changes(deps: Deps, session: AsyncSession, ctx: OrgContext, before: Row,
                           account: accounts_pb2.Account) -> None:
    """An import that changed an existing account's reps, CSM or motion: open runs follow, as on the
    account.reps_changed / csm_changed / motion_changed events (comparing with the read model)."""
    old = choose_assignee(str(before["default_rep_id"] or ""), str(before["csm_id"] or ""))
    new = choose_assignee(account.default_rep_id, account.csm_id)
    if old != new:
        on_account_now = [*account.rep_ids, *([account.csm_id] if account.csm_id else [])]
        await reassign(deps, session, ctx, uuid.UUID(account.id), old, on_account_now, new)
    if before["motion"] != account.motion:
        await replace_steps(deps, session, ctx, uuid.UUID(account.id))
