"""account.imported fills the read models in bulk and pokes the sweep, which starts the runs seconds
later — the handler itself starts none."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from cadence.account.v1 import accounts_events_pb2 as account_events
from cadence.account.v1 import accounts_pb2
from cadence.common.v1.common_pb2 import Money
from cadence.events.v1.envelope_pb2 import EventEnvelope
from cadence_platform.events import new_event

from cadence_playbook_engine.adapters.tables import accounts_rm, orgs_rm, renewals, runs, subscriptions_rm
from cadence_playbook_engine.consumers import ACCOUNT_EVENTS
from cadence_playbook_engine.handlers.deps import Deps
from cadence_playbook_engine.handlers.playbooks import seed_defaults
from cadence_playbook_engine.sweep import PeriodicSweep, sweep_org
from cadence_playbook_engine.trigger import SweepTrigger

pytestmark = pytest.mark.integration


def subscription(account: str, vendor: str, renewal: date, sub_id: str | None = None) -> accounts_pb2.Subscription:
    return accounts_pb2.Subscription(
        id=sub_id or str(uuid.uuid4()), account_id=account, vendor=vendor, product=f"{vendor} product",
        renewal_date=renewal.isoformat(), lifecycle_stage="active", revision=1,
        arr=Money(amount="1000.00", currency="EUR"))


def imported(org: uuid.UUID, account: accounts_pb2.Account, subs: list[accounts_pb2.Subscription],
             previous: list[str], created: bool) -> EventEnvelope:
    return new_event(event_type="account.imported", org_id=str(org), aggregate_id=account.id,
                     aggregate_version=account.version, producer="account",
                     payload=account_events.AccountImported(
                         account=account, created=created, subscriptions=subs, job_id="acct-job-1",
                         created_subscription_ids=[s.id for s, p in zip(subs, previous, strict=True) if not p],
                         previous_renewal_dates=previous))


async def apply(deps: Deps, envelope: EventEnvelope) -> None:
    async with deps.unit_of_work() as session:  # as the consumer runs a handler: one transaction
        await ACCOUNT_EVENTS[envelope.type](deps, session, envelope)


async def renewal_rows(deps: Deps, account: str) -> list[dict[str, Any]]:
    async with deps.sessions() as session:
        return [dict(r) for r in (await session.execute(sa.select(renewals).where(
            renewals.c.account_id == uuid.UUID(account)))).mappings()]


async def test_an_import_fills_the_read_models_and_the_sweep_starts_its_runs(make_deps: Any) -> None:
    deps: Deps = await make_deps(SweepTrigger(quiet_seconds=0.3))
    today = datetime.now(UTC).date()
    org, rep = uuid.uuid4(), str(uuid.uuid4())
    async with deps.unit_of_work() as session:
        await session.execute(sa.insert(orgs_rm).values(org_id=org, time_zone="UTC", reporting_currency="EUR",
                                                        fx_rates={}))
        await seed_defaults(session, org)
    existing = accounts_pb2.Account(id=str(uuid.uuid4()), org_id=str(org), name="Existing", motion="mid_touch",
                                    rep_ids=[rep], default_rep_id=rep, version=1)
    first_date, moved_date = today + timedelta(days=40), today + timedelta(days=50)
    line = subscription(existing.id, "Microsoft", first_date)
    await apply(deps, imported(org, existing, [line], [""], created=True))
    await sweep_org(deps, org)
    [before] = await renewal_rows(deps, existing.id)

    # A re-import: the line moves to a new date (its renewal moves with it) and a new co-termed line
    # joins that renewal; a new account comes with two co-termed lines in the window and one far out.
    moved = subscription(existing.id, "Microsoft", moved_date, sub_id=line.id)
    joining = subscription(existing.id, "microsoft", moved_date)
    existing.version = 2
    new = accounts_pb2.Account(id=str(uuid.uuid4()), org_id=str(org), name="New", motion="high_touch",
                               rep_ids=[rep], default_rep_id=rep, version=1)
    new_lines = [subscription(new.id, "Cisco", today + timedelta(days=30)),
                 subscription(new.id, "Cisco", today + timedelta(days=30)),
                 subscription(new.id, "Veeam", today + timedelta(days=300))]
    stop = asyncio.Event()
    sweeper = asyncio.create_task(PeriodicSweep(deps, interval_seconds=3600).run(stop))
    try:
        await asyncio.sleep(0.5)  # the sweep's first full pass is done; now only a poke starts one
        await apply(deps, imported(org, existing, [moved, joining], [first_date.isoformat(), ""], created=False))
        await apply(deps, imported(org, new, new_lines, ["", "", ""], created=True))
        assert await renewal_rows(deps, new.id) == []  # the handler started nothing itself

        async with deps.sessions() as session:
            stored = await session.scalar(sa.select(sa.func.count()).select_from(subscriptions_rm).where(
                subscriptions_rm.c.account_id == uuid.UUID(new.id)))
            account = (await session.execute(sa.select(accounts_rm).where(
                accounts_rm.c.account_id == uuid.UUID(new.id)))).mappings().one()
        assert stored == 3 and account["motion"] == "high_touch" and str(account["default_rep_id"]) == rep
        [after] = await renewal_rows(deps, existing.id)
        assert after["id"] == before["id"] and after["renewal_date"] == moved_date
        assert sorted(str(s) for s in after["subscription_ids"]) == sorted([line.id, joining.id])

        for _ in range(100):  # the debounced sweep: well within ten seconds
            if await renewal_rows(deps, new.id):
                break
            await asyncio.sleep(0.1)
        [started] = await renewal_rows(deps, new.id)
        assert started["vendor_key"] == "cisco" and len(started["subscription_ids"]) == 2
        async with deps.sessions() as session:
            assert await session.scalar(sa.select(sa.func.count()).select_from(runs).where(
                runs.c.renewal_id == started["id"])) == 1
    finally:
        stop.set()
        await sweeper
