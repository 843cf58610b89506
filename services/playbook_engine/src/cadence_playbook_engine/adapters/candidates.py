"""Renewals due to start: every (account, vendor key, renewal date) group of open subscriptions inside
its window that has no renewal yet, found and grouped in ONE query (per partition chunk, or per
account for the event-driven trigger).

The window is pushed into SQL per (motion, vendor key): an upper bound over the playbooks that
could match (see handlers.starts.window_bounds), so an idle re-sweep returns nothing rather than
every group inside the widest window but outside its own playbook's. The exact check stays in
Python (in_window with the chosen playbook's trigger_days).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from cadence_playbook_engine.adapters import bulk
from cadence_playbook_engine.adapters.tables import SCHEMA
from cadence_playbook_engine.domain.renewals import OPEN_STAGES

Row = dict[str, Any]
# What starting a run needs of the account. Ids come back as text: they only ever go back into SQL
# and messages as strings, and a million uuid.UUID objects cost more than the query.
ACCOUNT_COLUMNS = ("account_id", "org_id", "name", "motion", "csm_id", "default_rep_id", "escalated")
_TEXT_IDS = ("account_id", "org_id", "csm_id", "default_rep_id")


@dataclass(frozen=True, slots=True)
class Windows:
    """Upper bounds of the trigger window (days) per (motion, vendor key), per motion, and otherwise."""

    by_vendor: dict[tuple[str, str], int]
    by_motion: dict[str, int]
    default: int

    @property
    def widest(self) -> int:
        return max([self.default, *self.by_vendor.values(), *self.by_motion.values()])


@dataclass(frozen=True, slots=True)
class Due:
    account: Row  # ACCOUNT_COLUMNS (ids as text), shared by all of the account's groups in a batch
    vendor: str  # the display vendor: the spelling of the group's first line by id
    vendor_key: str
    renewal_date: date
    subscription_ids: list[str]  # sorted, so replicas and retries build the same renewal
    stage: str  # renewal_stage() of the group, computed in SQL
    arr: dict[str, Decimal]  # ARR per currency (lines without an amount or currency left out)

    @property
    def key(self) -> tuple[str, str, date]:
        return self.account["account_id"], self.vendor_key, self.renewal_date


def _window_case(windows: Windows, params: Row) -> str:
    """CASE a.motion/s.vendor_key → days, vendor-specific bounds first (they win in match_playbook)."""
    whens = []
    for i, ((motion, key), days) in enumerate(sorted(windows.by_vendor.items())):
        params.update({f"vm{i}": motion, f"vk{i}": key, f"vd{i}": days})
        whens.append(f"WHEN a.motion = %(vm{i})s AND s.vendor_key = %(vk{i})s THEN %(vd{i})s")
    for i, (motion, days) in enumerate(sorted(windows.by_motion.items())):
        params.update({f"mm{i}": motion, f"md{i}": days})
        whens.append(f"WHEN a.motion = %(mm{i})s THEN %(md{i})s")
    params["default_days"] = windows.default
    return f"CASE {' '.join(whens)} ELSE %(default_days)s END"


def _query(scope: str, window_case: str, keyset: bool) -> str:
    # Accounts drive, in account-id order (index accounts_rm_sweep), each joined LATERALly to its own
    # due groups (index subscriptions_rm_account, already in vendor key/date order): a nested loop the
    # planner cannot turn into a scan of every subscription, and a LIMIT that stops early, whatever the
    # statistics say mid-sweep. OFFSET 0 keeps NOT EXISTS a probe of the unique key renewals_key.
    account_columns = ", ".join(f"a.{c}::text" if c in _TEXT_IDS else f"a.{c}" for c in ACCOUNT_COLUMNS)
    money = "s.arr_amount IS NOT NULL AND s.arr_currency <> ''"
    after_account = "AND a.account_id >= %(after_account)s::uuid" if keyset else ""
    after_group = ("AND (s.account_id, s.vendor_key, s.renewal_date) "
                   "> (%(after_account)s::uuid, %(after_vendor)s, %(after_date)s)")
    return f"""
        SELECT {account_columns}, g.*
        FROM {SCHEMA}.accounts_rm a
        CROSS JOIN LATERAL (
            SELECT s.vendor_key, s.renewal_date,
                   array_agg(s.subscription_id::text ORDER BY s.subscription_id) AS subscription_ids,
                   (array_agg(s.vendor ORDER BY s.subscription_id))[1] AS vendor,
                   CASE WHEN bool_or(s.lifecycle_stage = 'renewal') THEN 'renewal'
                        WHEN bool_and(s.lifecycle_stage = 'onboarding') THEN 'onboarding'
                        ELSE 'active' END AS stage,
                   array_agg(s.arr_currency) FILTER (WHERE {money}) AS currencies,
                   array_agg(s.arr_amount) FILTER (WHERE {money}) AS amounts
            FROM {SCHEMA}.subscriptions_rm s
            WHERE s.account_id = a.account_id AND s.lifecycle_stage = ANY(%(open_stages)s)
              AND s.renewal_date <= %(horizon)s AND s.renewal_date - %(today)s <= {window_case}
              {after_group if keyset else ""}
              AND NOT EXISTS (SELECT 1 FROM {SCHEMA}.renewals r
                              WHERE r.org_id = a.org_id AND r.account_id = s.account_id
                                AND r.vendor_key = s.vendor_key AND r.renewal_date = s.renewal_date
                              OFFSET 0)
            GROUP BY s.vendor_key, s.renewal_date
        ) g
        WHERE a.org_id = %(org_id)s AND NOT a.archived AND {scope} {after_account}
        ORDER BY a.account_id, g.vendor_key, g.renewal_date
        LIMIT %(limit)s"""


async def find_due(session: AsyncSession, org_id: uuid.UUID, today: date, windows: Windows, *,
                   partition: int | None = None, account_id: uuid.UUID | None = None,
                   after: tuple[str, str, date] | None = None, limit: int = 2000) -> list[Due]:
    """Up to `limit` due groups of one partition (or one account), in key order after `after`."""
    params: Row = {"org_id": org_id, "today": today, "horizon": today + timedelta(days=windows.widest),
                   "limit": limit, "open_stages": list(OPEN_STAGES)}
    if account_id is not None:
        scope, params["account_id"] = "a.account_id = %(account_id)s", account_id
    else:
        scope, params["partition"] = "a.partition = %(partition)s", partition
    if after is not None:
        params.update(after_account=after[0], after_vendor=after[1], after_date=after[2])
    query = _query(scope, _window_case(windows, params), after is not None)
    conn = await bulk.driver(session)
    async with conn.cursor() as cur:
        # The nested loop's cost estimate (the LIMIT usually stops it early) is high enough to
        # trigger JIT compilation, which costs more than the query itself.
        await cur.execute("SET LOCAL jit = off")
        await cur.execute(query, params)
        rows = await cur.fetchall()
    accounts: dict[str, Row] = {}
    return [_due(row, accounts) for row in rows]


def _due(row: tuple[Any, ...], accounts: dict[str, Row]) -> Due:
    n = len(ACCOUNT_COLUMNS)
    account = accounts.get(row[0])
    if account is None:
        account = accounts[row[0]] = dict(zip(ACCOUNT_COLUMNS, row[:n], strict=True))
    vendor_key, renewal_date, subscription_ids, vendor, stage, currencies, amounts = row[n:]
    arr: dict[str, Decimal] = {}
    for currency, amount in zip(currencies or [], amounts or [], strict=True):
        arr[currency] = arr.get(currency, Decimal(0)) + amount
    return Due(account, vendor, vendor_key, renewal_date, subscription_ids, stage, arr)
