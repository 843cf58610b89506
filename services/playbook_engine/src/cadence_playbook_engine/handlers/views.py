"""Rows → Action / Renewal messages, and the inputs of each action's priority.

Everything a page of actions needs (account, renewal, each run's current step) is loaded in a
few batched queries, never one per action.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from google.protobuf.timestamp_pb2 import Timestamp
from sqlalchemy.ext.asyncio import AsyncSession

from cadence.common.v1.common_pb2 import Money
from cadence.engine.v1 import engine_pb2 as pb
from cadence.scoring.v1 import scoring_pb2

from cadence_playbook_engine.adapters.tables import accounts_rm, actions, orgs_rm, renewals

Row = dict[str, Any]
LIVE = ("open", "snoozed")


def ts(value: datetime | None) -> Timestamp | None:
    if value is None:
        return None
    stamp = Timestamp()
    stamp.FromDatetime(value)
    return stamp


@dataclass
class OrgContext:
    org_id: str
    today: date
    reporting_currency: str = "USD"
    fx_rates: dict[str, str] = field(default_factory=dict)


async def org_context(session: AsyncSession, org_id: str) -> OrgContext:
    row = (await session.execute(sa.select(orgs_rm).where(orgs_rm.c.org_id == uuid.UUID(org_id)))).mappings().first()
    zone = ZoneInfo(row["time_zone"]) if row and row["time_zone"] else UTC
    return OrgContext(org_id, datetime.now(zone).date(), row["reporting_currency"] if row else "USD",
                      dict(row["fx_rates"] or {}) if row else {})


@dataclass
class Page:
    """What a set of actions needs around it: accounts, renewals, and each run's current step."""

    accounts: dict[uuid.UUID, Row]
    renewals: dict[uuid.UUID, Row]
    current_steps: dict[uuid.UUID, int]


async def load_page(session: AsyncSession, rows: Iterable[Row]) -> Page:
    rows = list(rows)
    account_ids = {r["account_id"] for r in rows}
    renewal_ids = {r["renewal_id"] for r in rows if r["renewal_id"]}
    run_ids = {r["run_id"] for r in rows if r["run_id"]}
    accounts = {r["account_id"]: dict(r) for r in (await session.execute(
        sa.select(accounts_rm).where(accounts_rm.c.account_id.in_(account_ids)))).mappings()} if account_ids else {}
    found = {r["id"]: dict(r) for r in (await session.execute(
        sa.select(renewals).where(renewals.c.id.in_(renewal_ids)))).mappings()} if renewal_ids else {}
    current = dict((await session.execute(
        sa.select(actions.c.run_id, sa.func.min(actions.c.step_index))
        .where(actions.c.run_id.in_(run_ids), actions.c.status.in_(LIVE)).group_by(actions.c.run_id)
    )).all()) if run_ids else {}
    return Page(accounts, found, current)


def is_current(row: Row, page: Page) -> bool:
    if row["status"] not in LIVE:
        return False
    return row["run_id"] is None or page.current_steps.get(row["run_id"]) == row["step_index"]


def priority_input(row: Row, page: Page, today: date) -> scoring_pb2.PriorityInput:
    account = page.accounts.get(row["account_id"], {})
    renewal = page.renewals.get(row["renewal_id"]) if row["renewal_id"] else None
    renewal_date = renewal["renewal_date"] if renewal else None
    return scoring_pb2.PriorityInput(
        action_id=str(row["id"]), account_id=str(row["account_id"]), due_date=row["due_date"].isoformat(),
        today=today.isoformat(), renewal_date=renewal_date.isoformat() if renewal_date else "",
        arr_reporting=float(renewal["arr_reporting"] or 0) if renewal else 0.0,
        escalated=bool(account.get("escalated")), motion=account.get("motion") or "tech_touch",
        current_step=is_current(row, page),
        lapsed=bool(renewal and renewal["status"] == "open" and renewal_date and renewal_date < today),
        kind=row["kind"], adhoc=row["adhoc"], status=row["status"],
    )


def action_pb(row: Row, page: Page, today: date, *, inputs: scoring_pb2.PriorityInput | None = None) -> pb.Action:
    """The Action message; `inputs` is the row's priority input when the caller already built it."""
    account = page.accounts.get(row["account_id"], {})
    renewal = page.renewals.get(row["renewal_id"]) if row["renewal_id"] else None
    message = pb.Action(
        id=str(row["id"]), account_id=str(row["account_id"]), account_name=account.get("name", ""),
        renewal_id=str(row["renewal_id"] or ""), run_id=str(row["run_id"] or ""), step_index=row["step_index"],
        title=row["title"], kind=row["kind"], description=row["description"], due_date=row["due_date"].isoformat(),
        status=row["status"], assignee_id=str(row["assignee_id"] or ""), priority=row["priority"],
        reasons=[scoring_pb2.PriorityReason(**r) for r in row["reasons"]], compressed=row["compressed"],
        snoozed_until=row["snoozed_until"].isoformat() if row["snoozed_until"] else "", outcome=row["outcome"] or "",
        skip_reason=row["skip_reason"] or "", completed_at=ts(row["completed_at"]),
        completed_by=str(row["completed_by"] or ""), adhoc=row["adhoc"], escalated=bool(account.get("escalated")),
        vendor=renewal["vendor"] if renewal else "",
        renewal_date=renewal["renewal_date"].isoformat() if renewal else "", current_step=is_current(row, page),
        created_at=ts(row["created_at"]), version=row["version"], motion=account.get("motion", ""),
    )
    message.priority_input.CopyFrom(inputs if inputs is not None else priority_input(row, page, today))
    return message


def renewal_pb(row: Row, account: Row | None, today: date, *, currency: str, open_actions: int = 0,
               overdue_actions: int = 0) -> pb.Renewal:
    account = account or {}
    lapsed = row["status"] == "open" and row["renewal_date"] < today
    escalated = bool(account.get("escalated"))
    outcome = row["outcome"] or {}
    return pb.Renewal(
        id=str(row["id"]), account_id=str(row["account_id"]), account_name=account.get("name", ""),
        vendor=row["vendor"], renewal_date=row["renewal_date"].isoformat(), status=row["status"],
        subscription_ids=[str(s) for s in row["subscription_ids"]],
        arr=Money(amount=str(Decimal(row["arr_reporting"] or 0).quantize(Decimal("0.01"))), currency=currency),
        run_id=str(row["run_id"] or ""), playbook_id=str(row["playbook_id"] or ""),
        outcome=pb.RenewalResult(result=outcome.get("result", ""), new_term_end=outcome.get("new_term_end", ""),
                                 note=outcome.get("note", ""),
                                 new_arr={k: Money(amount=v[0], currency=v[1])
                                          for k, v in outcome.get("new_arr", {}).items()}) if outcome else None,
        closed_at=ts(row["closed_at"]), at_risk=row["status"] == "open" and (lapsed or overdue_actions > 0 or escalated),
        open_actions=open_actions, overdue_actions=overdue_actions, escalated=escalated,
        motion=account.get("motion", ""), lapsed=lapsed, created_at=ts(row["created_at"]), version=row["version"],
    )
