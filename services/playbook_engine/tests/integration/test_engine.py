"""The engine against real PostgreSQL, NATS and a real scoring service: shared sweeps start each run
once, a redelivered event starts nothing new, a rep change moves open actions."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from cadence.account.v1 import accounts_events_pb2 as account_events
from cadence.account.v1 import accounts_pb2
from cadence.common.v1.common_pb2 import Money
from cadence.events.v1.envelope_pb2 import EventEnvelope
from cadence_platform.events import new_event, partition_of

from cadence_playbook_engine.adapters.tables import (
    accounts_rm,
    actions,
    messaging,
    orgs_rm,
    playbooks,
    renewals,
    runs,
    subscriptions_rm,
)
from cadence_playbook_engine.domain.renewals import vendor_key
from cadence_playbook_engine.handlers import read_models
from cadence_playbook_engine.handlers.deps import Deps
from cadence_playbook_engine.handlers.playbooks import seed_defaults
from cadence_playbook_engine.sweep import sweep_org

pytestmark = pytest.mark.integration


async def seed_org(deps: Deps, accounts: int, today: date) -> tuple[uuid.UUID, list[uuid.UUID]]:
    org = uuid.uuid4()
    rep = uuid.uuid4()
    ids = [uuid.uuid4() for _ in range(accounts)]
    async with deps.unit_of_work() as session:
        await session.execute(sa.insert(orgs_rm).values(org_id=org, time_zone="UTC", reporting_currency="EUR",
                                                        fx_rates={}))
        await seed_defaults(session, org)
        await session.execute(sa.insert(accounts_rm), [
            {"account_id": a, "org_id": org, "name": f"Account {i}", "motion": ("high_touch", "mid_touch",
             "tech_touch")[i % 3], "csm_id": None, "default_rep_id": rep, "rep_ids": [rep], "escalated": False,
             "archived": False, "partition": partition_of(str(a))} for i, a in enumerate(ids)])
    for i, account in enumerate(ids):
        for vendor, days in (("Microsoft", 30 + i % 60), ("Microsoft", 30 + i % 60), ("Veeam", 200)):
            await read_model_subscription(deps, org, account, vendor, today + timedelta(days=days))
    return org, ids


def subscription_event(org: uuid.UUID, account: uuid.UUID, vendor: str, renewal: date, previous: str = "",
                       sub_id: str | None = None, revision: int = 1):  # type: ignore[no-untyped-def]
    message = accounts_pb2.Subscription(
        id=sub_id or str(uuid.uuid4()), account_id=str(account), vendor=vendor, product=f"{vendor} product",
        renewal_date=renewal.isoformat(), lifecycle_stage="active", revision=revision,
        arr=Money(amount="12000.00", currency="EUR"))
    return new_event(event_type="subscription.updated" if previous else "subscription.created", org_id=str(org),
                     aggregate_id=message.id, aggregate_version=revision, producer="account",
                     payload=account_events.SubscriptionChanged(subscription=message, previous_renewal_date=previous))


async def read_model_subscription(deps: Deps, org: uuid.UUID, account: uuid.UUID, vendor: str, renewal: date) -> None:
    """Only the read model (the trigger on events is tested separately): what a sweep finds."""
    async with deps.unit_of_work() as session:
        await session.execute(sa.insert(subscriptions_rm).values(
            subscription_id=uuid.uuid4(), org_id=org, account_id=account, vendor=vendor, vendor_key=vendor_key(vendor),
            renewal_date=renewal, lifecycle_stage="active", arr_amount=12000, arr_currency="EUR"))


async def count(deps: Deps, table: sa.Table, org: uuid.UUID) -> int:
    async with deps.sessions() as session:
        return int(await session.scalar(sa.select(sa.func.count()).select_from(table).where(table.c.org_id == org)) or 0)


async def test_two_engines_sweeping_together_start_each_run_once(engines: tuple[Deps, Deps]) -> None:
    first, second = engines
    org, _ = await seed_org(first, 40, date.today())
    # Small chunks: each sweep commits many transactions, and the replicas interleave between them.
    started = await asyncio.gather(sweep_org(first, org, chunk=3), sweep_org(second, org, chunk=2),
                                   sweep_org(first, org, chunk=5), sweep_org(second, org))
    # Each account's two co-termed Microsoft lines are one renewal in the window; Veeam (200 days) is not yet.
    assert sum(started) == 40
    assert await count(first, renewals, org) == 40 and await count(first, runs, org) == 40
    assert await sweep_org(second, org) == 0
    async with first.sessions() as session:
        per_run = (await session.execute(sa.select(actions.c.run_id, sa.func.count()).where(
            actions.c.org_id == org).group_by(actions.c.run_id))).all()
        steps = dict((await session.execute(sa.select(runs.c.id, sa.func.jsonb_array_length(playbooks.c.steps))
                                            .join(playbooks, playbooks.c.id == runs.c.playbook_id)
                                            .where(runs.c.org_id == org))).all())
        unprioritised = await session.scalar(sa.select(sa.func.count()).select_from(actions).where(
            actions.c.org_id == org, actions.c.priority == 0))
        events = (await session.scalars(sa.select(messaging.outbox.c.data).where(
            messaging.outbox.c.subject.endswith(".playbook.started")))).all()
    # Each run's actions once (one per step, never a second copy), and exactly one playbook.started per run.
    assert len(per_run) == 40 and all(n == steps[run_id] for run_id, n in per_run)
    assert unprioritised == 0
    started_runs = [EventEnvelope.FromString(data).aggregate_id for data in events]
    mine = [r for r in started_runs if uuid.UUID(r) in steps]
    assert sorted(mine) == sorted(str(r) for r in steps)


async def test_a_redelivered_subscription_event_starts_nothing_new(engines: tuple[Deps, Deps]) -> None:
    deps, _ = engines
    org, ids = await seed_org(deps, 1, date.today())
    envelope = subscription_event(org, ids[0], "Cisco", date.today() + timedelta(days=45))
    for _ in range(3):  # the consumer would drop the copies; the unique key holds even without it
        async with deps.unit_of_work() as session:
            await read_models.on_subscription(deps, session, envelope)
    async with deps.sessions() as session:
        cisco = await session.scalar(sa.select(sa.func.count()).select_from(renewals).where(
            renewals.c.org_id == org, renewals.c.vendor_key == "cisco"))
    assert cisco == 1


async def test_a_rep_change_moves_open_actions(engines: tuple[Deps, Deps]) -> None:
    deps, _ = engines
    org, ids = await seed_org(deps, 1, date.today())
    await sweep_org(deps, org)
    async with deps.sessions() as session:
        old_rep = await session.scalar(sa.select(accounts_rm.c.default_rep_id).where(accounts_rm.c.account_id == ids[0]))
    new_rep = uuid.uuid4()
    account = accounts_pb2.Account(id=str(ids[0]), org_id=str(org), name="Account 0", motion="high_touch",
                                   rep_ids=[str(new_rep)], default_rep_id=str(new_rep), version=2)
    envelope = new_event(event_type="account.reps_changed", org_id=str(org), aggregate_id=str(ids[0]),
                         aggregate_version=2, producer="account", payload=account_events.AccountChanged(
                             account=account, previous_rep_ids=[str(old_rep)], previous_default_rep_id=str(old_rep)))
    async with deps.unit_of_work() as session:
        await read_models.on_account(deps, session, envelope)
    async with deps.sessions() as session:
        assignees = set((await session.scalars(sa.select(actions.c.assignee_id).where(
            actions.c.account_id == ids[0], actions.c.status == "open"))).all())
    assert assignees == {new_rep}


async def test_a_new_reporting_currency_restates_open_renewals(engines: tuple[Deps, Deps]) -> None:
    from cadence.account.v1 import identity_events_pb2, identity_pb2

    deps, _ = engines
    org, ids = await seed_org(deps, 2, date.today())
    await sweep_org(deps, org)
    async with deps.sessions() as session:
        before = (await session.scalars(sa.select(renewals.c.arr_reporting).where(renewals.c.org_id == org))).all()
    settings = identity_pb2.OrgSettings(reporting_currency="USD", time_zone="UTC")
    envelope = new_event(event_type="org.settings_changed", org_id=str(org), aggregate_id=str(org), producer="account",
                         aggregate_version=2, payload=identity_events_pb2.OrgSettingsChanged(
                             org=identity_pb2.Org(id=str(org), settings=settings)))
    async with deps.unit_of_work() as session:
        await read_models.on_org(deps, session, envelope)
    async with deps.sessions() as session:
        after = (await session.scalars(sa.select(renewals.c.arr_reporting).where(renewals.c.org_id == org))).all()
    assert before and all(b == 24000 for b in before)  # two co-termed EUR 12,000 lines
    assert all(a != 24000 and a > 0 for a in after)  # restated in dollars at the ECB's rate
