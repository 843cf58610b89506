"""The bulk sweep against the event-driven trigger: on the same small portfolio (in two orgs) they
create the same renewals, runs, actions and playbook.started events; what the bulk path puts in an
event is exactly what the canonical builders (views.action_pb / renewal_pb) make of the stored rows;
a re-sweep writes nothing."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from cadence.engine.v1 import engine_events_pb2 as events
from cadence.events.v1.envelope_pb2 import EventEnvelope
from cadence_platform.events import partition_of, unpack

from cadence_playbook_engine.adapters.tables import (
    accounts_rm,
    actions,
    messaging,
    orgs_rm,
    renewals,
    runs,
    subscriptions_rm,
)
from cadence_playbook_engine.domain.renewals import vendor_key
from cadence_playbook_engine.handlers.deps import Deps
from cadence_playbook_engine.handlers.playbooks import seed_defaults
from cadence_playbook_engine.handlers.runs import start_runs_for_account
from cadence_playbook_engine.handlers.views import action_pb, load_page, org_context, renewal_pb
from cadence_playbook_engine.sweep import sweep_org

pytestmark = pytest.mark.integration
MOTIONS = ("high_touch", "mid_touch", "tech_touch")


@dataclass(frozen=True)
class Line:
    vendor: str
    days: int  # renewal date = today + days
    arr: str = "12000.00"
    currency: str = "EUR"
    stage: str = "active"


def portfolio(i: int) -> list[Line]:
    """Account i's lines: co-termed Microsoft lines (some lapsed, some late, some outside the window),
    Broadcom (its own, longer window), a two-currency Cisco renewal, an onboarding-only Adobe renewal,
    a churned line (never a renewal) and Veeam far out."""
    microsoft = -5 if i == 1 else (i * 7) % 130 - 3
    return [Line("Microsoft", microsoft, "30000.50"), Line("microsoft ", microsoft, "1200.25", "USD"),
            Line("Broadcom", 95 + i * 3, "88000.00", "GBP"), Line("Cisco", 20 + i % 9, "5000.00", "USD"),
            Line("Cisco", 20 + i % 9, "7000.00"), Line("Adobe", 40 + i, "900.00", stage="onboarding"),
            Line("Oracle", 15, "100.00", stage="churned"), Line("Veeam", 200)]


async def seed(deps: Deps, accounts: int, today: date) -> uuid.UUID:
    """An org whose read models hold the portfolio; reps and CSMs missing on some accounts."""
    org, rep, csm = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    async with deps.unit_of_work() as session:
        await session.execute(sa.insert(orgs_rm).values(org_id=org, time_zone="UTC", reporting_currency="EUR",
                                                        fx_rates={"GBP": "1.15"}))
        await seed_defaults(session, org)
        rows, lines = [], []
        for i in range(accounts):
            account = uuid.uuid4()
            has_rep, has_csm = i % 7 != 3, i % 5 != 4
            rows.append({"account_id": account, "org_id": org, "name": f"Account {i:02}",
                         # the last account's motion has no playbook: a renewal without a run
                         "motion": "custom" if i == accounts - 1 else MOTIONS[i % 3],
                         "csm_id": csm if has_csm else None, "default_rep_id": rep if has_rep else None,
                         "rep_ids": [rep] if has_rep else [], "escalated": i % 6 == 0, "archived": False,
                         "partition": partition_of(str(account))})
            # Ids sort like the lines in both orgs, so each renewal shows the same vendor spelling
            # (its first line's) in both.
            lines += [{"subscription_id": uuid.UUID(f"{i:08x}{j:04x}4{uuid.uuid4().hex[:19]}"), "org_id": org,
                       "account_id": account, "vendor": line.vendor, "vendor_key": vendor_key(line.vendor),
                       "renewal_date": today + timedelta(days=line.days), "term_start": None,
                       "lifecycle_stage": line.stage, "arr_amount": Decimal(line.arr),
                       "arr_currency": line.currency} for j, line in enumerate(portfolio(i))]
        await session.execute(sa.insert(accounts_rm), rows)
        await session.execute(sa.insert(subscriptions_rm), lines)
    return org


async def started_events(deps: Deps, org: uuid.UUID) -> list[events.PlaybookStarted]:
    async with deps.sessions() as session:
        data = (await session.scalars(sa.select(messaging.outbox.c.data).where(
            messaging.outbox.c.subject.endswith(".playbook.started")))).all()
    envelopes = [EventEnvelope.FromString(d) for d in data]
    return [unpack(e, events.PlaybookStarted) for e in envelopes if e.org_id == str(org)]


async def snapshot(deps: Deps, org: uuid.UUID) -> dict[str, Any]:
    """Everything the two paths wrote, with ids replaced by what they stand for."""
    async with deps.sessions() as session:
        accounts = {r.account_id: r for r in await session.execute(sa.select(accounts_rm).where(
            accounts_rm.c.org_id == org))}
        rows = [dict(r) for r in (await session.execute(sa.select(renewals).where(renewals.c.org_id == org)))
                .mappings()]
        action_rows = [dict(r) for r in (await session.execute(sa.select(actions).where(actions.c.org_id == org)))
                       .mappings()]
        run_count = await session.scalar(sa.select(sa.func.count()).select_from(runs).where(runs.c.org_id == org))
    by_id = {r["id"]: r for r in rows}

    def who(account_id: uuid.UUID, user: uuid.UUID | None) -> str:
        account = accounts[account_id]
        return "rep" if user and user == account.default_rep_id else "csm" if user and user == account.csm_id \
            else "unassigned" if user is None else "someone else"

    def key(r: dict[str, Any]) -> tuple[Any, ...]:
        return accounts[r["account_id"]].name, r["vendor_key"], r["renewal_date"]

    started = await started_events(deps, org)
    return {
        "renewals": sorted((*key(r), r["vendor"], len(r["subscription_ids"]), r["arr_reporting"], r["status"],
                            r["run_id"] is not None) for r in rows),
        "runs": run_count,
        "actions": sorted((*key(by_id[a["renewal_id"]]), a["step_index"], a["title"], a["due_date"], a["status"],
                           who(a["account_id"], a["assignee_id"]), a["compressed"], a["lapsed"], a["priority"],
                           tuple(x["code"] for x in a["reasons"])) for a in action_rows),
        "events": sorted((e.renewal.account_name, e.renewal.vendor, e.renewal.renewal_date, e.playbook_name,
                          e.renewal.arr.amount, tuple((a.step_index, a.title, a.due_date, a.priority, a.current_step)
                                                      for a in e.actions)) for e in started),
    }


async def test_bulk_sweep_and_event_path_start_the_same_runs(make_deps: Any) -> None:
    deps = await make_deps()
    today = datetime.now(UTC).date()
    bulk_org, event_org = await seed(deps, 30, today), await seed(deps, 30, today)

    assert await sweep_org(deps, bulk_org, chunk=7) > 0  # several chunks, several transactions
    async with deps.sessions() as session:
        account_ids = (await session.scalars(sa.select(accounts_rm.c.account_id).where(
            accounts_rm.c.org_id == event_org))).all()
    for account_id in account_ids:  # as subscription/account events would, one account at a time
        async with deps.unit_of_work() as session:
            await start_runs_for_account(deps, session, await org_context(session, str(event_org)), account_id)

    bulk, event = await snapshot(deps, bulk_org), await snapshot(deps, event_org)
    assert bulk == event
    # The portfolio exercises what it should: co-termed lines, lapsed and late (compressed) renewals,
    # the unassigned queue, a renewal with no matching playbook, one event per renewal.
    assert len(bulk["events"]) == len(bulk["renewals"])
    assert bulk["runs"] == sum(r[-1] for r in bulk["renewals"]) < len(bulk["renewals"])
    assert {r[4] for r in bulk["renewals"]} >= {1, 2}
    assert any(a[9] for a in bulk["actions"]) and any(a[8] for a in bulk["actions"])
    assert {a[7] for a in bulk["actions"]} == {"rep", "csm", "unassigned"}
    assert not any(r[1] in ("oracle", "veeam") for r in bulk["renewals"])


async def test_started_events_hold_what_the_stored_rows_say(make_deps: Any) -> None:
    """The bulk path builds its messages from prototypes; they must equal the canonical ones."""
    deps = await make_deps()
    today = datetime.now(UTC).date()
    org = await seed(deps, 12, today)
    await sweep_org(deps, org)
    async with deps.sessions() as session:
        stored = {str(r["id"]): dict(r) for r in (await session.execute(
            sa.select(actions).where(actions.c.org_id == org))).mappings()}
        page = await load_page(session, stored.values())
        accounts = {str(k): v for k, v in page.accounts.items()}
    started = await started_events(deps, org)
    assert started and sum(len(e.actions) for e in started) == len(stored)
    for event in started:
        renewal = page.renewals.get(uuid.UUID(event.renewal.id))
        if renewal is None:  # a renewal without a run has no actions, so no page entry: load it
            continue
        assert event.renewal == renewal_pb(renewal, accounts[event.renewal.account_id], today, currency="EUR",
                                           open_actions=len(event.actions))
        for message in event.actions:
            assert message == action_pb(stored[message.id], page, today)


async def test_a_resweep_writes_nothing(make_deps: Any) -> None:
    deps = await make_deps()
    today = datetime.now(UTC).date()
    org = await seed(deps, 20, today)
    assert await sweep_org(deps, org) > 0

    async def written() -> tuple[int, ...]:
        async with deps.sessions() as session:
            counts = [await session.scalar(sa.select(sa.func.count()).select_from(t).where(t.c.org_id == org))
                      for t in (renewals, runs, actions)]
            counts.append(await session.scalar(sa.select(sa.func.count()).select_from(messaging.outbox)) or 0)
        return tuple(counts)  # type: ignore[arg-type]

    before = await written()
    assert await sweep_org(deps, org) == 0
    assert await written() == before

