"""Account rows → Account messages with what they derive from their subscriptions (ARR in the
reporting currency, next renewal, stage), assembled for a whole page in three queries."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from cadence.account.v1 import accounts_pb2 as pb
from cadence.common.v1.common_pb2 import Money

from cadence_platform import fx
from cadence_account.adapters.tables import account_reps, orgs, subscriptions
from cadence_account.domain.identity import OrgSettings
from cadence_account.domain.portfolio import OPEN_STAGES, account_stage
from cadence_account.messages import ts


async def org_settings(session: AsyncSession, org_id: str) -> OrgSettings:
    data = await session.scalar(sa.select(orgs.c.settings).where(orgs.c.id == uuid.UUID(org_id)))
    return OrgSettings.from_json(data or {})


def org_today(settings: OrgSettings) -> date:
    return datetime.now(ZoneInfo(settings.time_zone)).date()


def escalation_pb(data: dict[str, Any] | None) -> pb.Escalation | None:
    if not data:
        return None
    def stamp(key: str) -> Any:
        return ts(datetime.fromisoformat(data[key])) if data.get(key) else None
    return pb.Escalation(
        active=data.get("active", False), reason=data.get("reason", ""), escalated_by=data.get("escalated_by", ""),
        escalated_at=stamp("escalated_at"), resolved_by=data.get("resolved_by", ""),
        resolution=data.get("resolution", ""), resolved_at=stamp("resolved_at"),
    )


async def account_messages(session: AsyncSession, org_id: str, rows: list[dict[str, Any]]) -> list[pb.Account]:
    if not rows:
        return []
    ids = [r["id"] for r in rows]
    settings = await org_settings(session, org_id)
    today = org_today(settings)
    reps: dict[uuid.UUID, list[str]] = defaultdict(list)
    for account_id, user_id in await session.execute(
            sa.select(account_reps.c.account_id, account_reps.c.user_id)
            .where(account_reps.c.account_id.in_(ids)).order_by(account_reps.c.user_id)):
        reps[account_id].append(str(user_id))
    totals: dict[uuid.UUID, Decimal] = defaultdict(Decimal)
    stages: dict[uuid.UUID, list[str]] = defaultdict(list)
    next_renewal: dict[uuid.UUID, date] = {}
    counts: dict[uuid.UUID, int] = defaultdict(int)
    grouped = await session.execute(
        sa.select(subscriptions.c.account_id, subscriptions.c.lifecycle_stage, subscriptions.c.arr_currency,
                  sa.func.sum(subscriptions.c.arr_amount), sa.func.min(subscriptions.c.renewal_date),
                  sa.func.count())
        .where(subscriptions.c.account_id.in_(ids))
        .group_by(subscriptions.c.account_id, subscriptions.c.lifecycle_stage, subscriptions.c.arr_currency))
    for account_id, stage, currency, total, earliest, count in grouped:
        stages[account_id].append(stage)
        if stage not in OPEN_STAGES:
            continue
        counts[account_id] += count
        if total is not None and currency:
            converted = fx.convert(total, currency, settings.reporting_currency, today, settings.fx_rates)
            totals[account_id] += converted if converted is not None else Decimal(0)
        if account_id not in next_renewal or earliest < next_renewal[account_id]:
            next_renewal[account_id] = earliest
    return [
        pb.Account(
            id=str(r["id"]), org_id=str(r["org_id"]), name=r["name"], domain=r["domain"],
            external_id=r["external_id"] or "", territory=r["territory"], country=r["country"],
            currency=r["currency"], motion=r["motion"], csm_id=str(r["csm_id"] or ""), rep_ids=reps[r["id"]],
            default_rep_id=str(r["default_rep_id"] or ""), escalation=escalation_pb(r["escalation"]),
            archived=r["archived_at"] is not None,
            arr=Money(amount=str(totals[r["id"]].quantize(Decimal("0.01"))), currency=settings.reporting_currency),
            next_renewal_date=next_renewal[r["id"]].isoformat() if r["id"] in next_renewal else "",
            lifecycle_stage=account_stage(stages[r["id"]]), health_band=r["health_band"] or "",
            created_at=ts(r["created_at"]), updated_at=ts(r["updated_at"]), version=r["version"],
            subscription_count=counts[r["id"]],
        )
        for r in rows
    ]
