"""The scoring service in-process against real PostgreSQL and NATS: gRPC, consumers, decay."""

from __future__ import annotations

import asyncio
import signal
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import grpc
import pytest
import sqlalchemy as sa
from google.protobuf.message import Message
from google.rpc import status_pb2
from nats.aio.subscription import Subscription as NatsSubscription
from tenacity import AsyncRetrying, stop_after_delay, wait_fixed

from cadence.account.v1.accounts_events_pb2 import AccountChanged, EscalationChanged
from cadence.account.v1.accounts_pb2 import Account, Escalation
from cadence.engine.v1.engine_events_pb2 import ActionChanged, PlaybookClosed, PlaybookStarted
from cadence.engine.v1.engine_pb2 import Action, Renewal
from cadence.events.v1.envelope_pb2 import EventEnvelope
from cadence.scoring.v1 import scoring_pb2 as pb
from cadence.scoring.v1 import scoring_pb2_grpc as pb_grpc
from cadence_platform.caller import Caller
from cadence_platform.errors import field_errors_of
from cadence_platform.events import Naming, new_event, unpack
from cadence_platform.grpc_client import caller_metadata, open_channel
from cadence_platform.grpc_server import STATUS_DETAILS_KEY
from cadence_platform.settings import LOCAL_CALLER_SECRET
from cadence_platform.testing import free_port

from cadence_scoring.__main__ import build
from cadence_scoring.adapters.tables import account_flags, action_inputs
from cadence_scoring.handlers.decay import decay_priorities
from cadence_scoring.handlers.deps import Deps
from cadence_scoring.settings import ScoringSettings

pytestmark = pytest.mark.integration

TODAY = datetime.now(UTC).date()  # the service scores with the UTC date (no org time zones yet)


@dataclass
class Service:
    deps: Deps
    stub: pb_grpc.ScoringServiceStub
    js: Any
    naming: Naming
    updates: NatsSubscription

    async def publish(self, envelope: EventEnvelope, msg_id: str | None = None) -> None:
        await self.js.publish(self.naming.subject(envelope.type), envelope.SerializeToString(),
                              headers={"Nats-Msg-Id": msg_id or envelope.event_id})

    async def next_update(self, account_id: str, within: float = 10.0) -> tuple[EventEnvelope, pb.PriorityUpdated]:
        """The next priority.updated about this account (others' events are passed over)."""
        deadline = asyncio.get_running_loop().time() + within
        while (left := deadline - asyncio.get_running_loop().time()) > 0:
            msg = await self.updates.next_msg(timeout=left)
            envelope = EventEnvelope.FromString(msg.data)
            if envelope.aggregate_id == account_id:
                return envelope, unpack(envelope, pb.PriorityUpdated)  # type: ignore[return-value]
        raise TimeoutError(f"no priority.updated for {account_id}")

    async def no_update(self, account_id: str, seconds: float = 2.0) -> None:
        with pytest.raises(TimeoutError):
            await self.next_update(account_id, within=seconds)

    async def flag(self, account_id: str, name: str) -> Any:
        async with self.deps.sessions() as session:
            return await session.scalar(
                sa.select(account_flags.c[name]).where(account_flags.c.account_id == account_id))

    async def row_missing(self, *action_ids: str) -> bool:
        return all([await self.row(a) is None for a in action_ids])

    async def row(self, action_id: str) -> dict[str, Any] | None:
        async with self.deps.sessions() as session:
            found = (await session.execute(
                sa.select(action_inputs).where(action_inputs.c.action_id == action_id))).mappings().first()
        return dict(found) if found else None


@pytest.fixture(scope="module")
async def service(database_url: str, nats_url: str, naming: Naming) -> AsyncIterator[Service]:
    settings = ScoringSettings(database_url=database_url, nats_url=nats_url, nats_prefix=naming.prefix,
                               grpc_port=free_port(), environment="test")
    ctx, deps = await build(settings)
    running = asyncio.create_task(ctx.runner.run())
    updates = await ctx.nc.subscribe(naming.subject("priority.updated"))
    channel = open_channel(f"127.0.0.1:{settings.grpc_port}")
    await channel.channel_ready()
    yield Service(deps, pb_grpc.ScoringServiceStub(channel), ctx.js, naming, updates)
    await channel.close()
    ctx.runner.stop_event.set()
    await running
    for sig in (signal.SIGTERM, signal.SIGINT):  # runner.run() took them over
        asyncio.get_running_loop().remove_signal_handler(sig)


def metadata(role: str = "system", org_id: str = "org-1") -> tuple[tuple[str, str], ...]:
    caller = Caller.system(org_id) if role == "system" else Caller("u1", org_id, role, 2**31)  # type: ignore[arg-type]
    return caller_metadata(caller, LOCAL_CALLER_SECRET)


def item(action_id: str = "a1", due_in: int = 7, **fields: Any) -> pb.PriorityInput:
    due = (TODAY + timedelta(days=due_in)).isoformat()
    defaults = {"account_id": "acc", "due_date": due, "today": TODAY.isoformat()}
    return pb.PriorityInput(action_id=action_id, **{**defaults, **fields})


async def rpc_error(call: Awaitable[Any]) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    return caught.value


def violations(error: grpc.aio.AioRpcError) -> list[str]:
    details = dict(error.trailing_metadata() or ()).get(STATUS_DETAILS_KEY)
    return [f.field for f in field_errors_of(status_pb2.Status.FromString(details))] if details else []


# --- ScorePriorities --------------------------------------------------------------------------------

async def test_score_priorities_scores_a_batch_in_order(service: Service) -> None:
    request = pb.ScorePrioritiesRequest(items=[
        item("a1", due_in=7, arr_reporting=120_000, renewal_date=(TODAY + timedelta(days=30)).isoformat(),
             motion="high_touch", current_step=True),
        item("a2", due_in=7, arr_reporting=120_000, renewal_date=(TODAY + timedelta(days=30)).isoformat(),
             motion="high_touch", current_step=True, escalated=True),
        item("a3", status="completed"),
    ])
    response = await service.stub.ScorePriorities(request, metadata=metadata())
    assert [(r.action_id, r.priority) for r in response.items] == [("a1", 51), ("a2", 69), ("a3", 0)]
    assert response.items[1].reasons[0].code == "escalated"
    assert response.items[0].formula_version == "priority-v1"
    assert not response.items[2].reasons


@pytest.mark.parametrize("role", ["admin", "csm", "rep"])
async def test_users_may_score_too(service: Service, role: str) -> None:
    response = await service.stub.ScorePriorities(pb.ScorePrioritiesRequest(items=[item()]), metadata=metadata(role))
    assert response.items[0].priority == 12


async def test_a_bad_date_names_its_item(service: Service) -> None:
    request = pb.ScorePrioritiesRequest(items=[item("ok"), item("bad", due_date="2025-02-30"),
                                               item("worse", renewal_date="next year", motion="high")])
    error = await rpc_error(service.stub.ScorePriorities(request, metadata=metadata()))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert violations(error) == ["items[1].due_date", "items[2].renewal_date", "items[2].motion"]


async def test_more_than_5000_items_is_refused(service: Service) -> None:
    request = pb.ScorePrioritiesRequest(items=[item(f"a{i}") for i in range(5_001)])
    error = await rpc_error(service.stub.ScorePriorities(request, metadata=metadata()))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert violations(error) == ["items"]
    full = await service.stub.ScorePriorities(pb.ScorePrioritiesRequest(items=request.items[:5_000]),
                                              metadata=metadata())
    assert len(full.items) == 5_000


async def test_callers_are_checked(service: Service) -> None:
    request = pb.ScorePrioritiesRequest(items=[item()])
    unsigned = await rpc_error(service.stub.ScorePriorities(request))
    assert unsigned.code() == grpc.StatusCode.UNAUTHENTICATED
    no_org = await rpc_error(service.stub.ScorePriorities(request, metadata=metadata(org_id="")))
    assert no_org.code() == grpc.StatusCode.PERMISSION_DENIED


# --- the read model and priority.updated ---------------------------------------------------------

def engine_event(event_type: str, org_id: str, action: Action) -> EventEnvelope:
    return envelope(event_type, org_id, action.id, action.version, ActionChanged(action=action, change="created"))


def envelope(event_type: str, org_id: str, aggregate_id: str, version: int, payload: Message) -> EventEnvelope:
    return new_event(event_type=event_type, org_id=org_id, aggregate_id=aggregate_id, payload=payload,
                     producer="test", aggregate_version=version, partition_key=aggregate_id)


def open_action(account_id: str, *, version: int = 1, due_in: int = 7, current_step: bool = True) -> Action:
    action_id = str(uuid.uuid4())
    return Action(
        id=action_id, account_id=account_id, run_id="run-1", status="open", version=version,
        priority_input=pb.PriorityInput(
            action_id=action_id, account_id=account_id, due_date=(TODAY + timedelta(days=due_in)).isoformat(),
            today=(TODAY - timedelta(days=3)).isoformat(),  # a stale "today": scoring uses its own
            renewal_date=(TODAY + timedelta(days=30)).isoformat(), arr_reporting=120_000, motion="high_touch",
            current_step=current_step, status="open",
        ),
    )


def priorities(update: pb.PriorityUpdated) -> dict[str, int]:
    return {r.action_id: r.priority for r in update.items}


async def test_events_keep_priorities_current(service: Service) -> None:
    org_id, account_id = str(uuid.uuid4()), str(uuid.uuid4())
    first = open_action(account_id)
    created = engine_event("action.created", org_id, first)
    await service.publish(created)
    env, update = await service.next_update(account_id)
    assert priorities(update) == {first.id: 51}
    assert (env.org_id, env.aggregate_version, update.computed_on) == (org_id, 1, TODAY.isoformat())

    account = Account(id=account_id, org_id=org_id, motion="high_touch", escalation=Escalation(active=True))
    await service.publish(envelope("escalation.raised", org_id, account_id, 5, EscalationChanged(account=account)))
    env, update = await service.next_update(account_id)
    assert priorities(update) == {first.id: 69} and env.aggregate_version == 2
    top = update.items[0].reasons[0]
    assert (top.code, top.label, top.points) == ("escalated", "account escalated", 18)

    # A redelivered copy (past JetStream's duplicate window: a new Nats-Msg-Id) and an older version
    # under a new event id change nothing ...
    await service.publish(created, msg_id=str(uuid.uuid4()))
    stale = Action()
    stale.CopyFrom(first)
    stale.priority_input.due_date = (TODAY + timedelta(days=90)).isoformat()
    await service.publish(engine_event("action.updated", org_id, stale))
    await service.no_update(account_id)
    # ... so the next event on the same durable is the next change: a second action, version 3.
    second = open_action(account_id, due_in=14, current_step=False)
    await service.publish(engine_event("action.created", org_id, second))
    env, update = await service.next_update(account_id)
    assert priorities(update) == {first.id: 69, second.id: 48} and env.aggregate_version == 3
    # 48 = due in 14 days 6 + escalated 18 + ARR 10 + renewal 8 + high touch 6

    row = await service.row(first.id)
    assert row is not None and row["escalated"] and row["priority"] == 69 and row["computed_on"] == TODAY

    # The motion changes: both actions drop by 6 points in one event.
    account.motion = "tech_touch"
    await service.publish(envelope("account.motion_changed", org_id, account_id, 6, AccountChanged(account=account)))
    _, update = await service.next_update(account_id)
    assert priorities(update) == {first.id: 63, second.id: 42}

    # Completing the first action removes it; the second becomes current and rises by 15.
    done = Action()
    done.CopyFrom(first)
    done.status, done.version = "completed", 2
    await service.publish(engine_event("action.completed", org_id, done))
    promoted = Action()
    promoted.CopyFrom(second)
    promoted.version, promoted.current_step, promoted.priority = 2, True, 42
    promoted.priority_input.current_step = True
    await service.publish(engine_event("action.updated", org_id, promoted))
    # The two events may be scored one by one: wait (boundedly) for the update that reflects both.
    for _ in range(3):
        _, update = await service.next_update(account_id)
        if first.id not in priorities(update):
            break
    assert priorities(update) == {second.id: 57}
    assert await service.row(first.id) is None


async def test_an_action_arriving_after_the_escalation_is_scored_escalated(service: Service) -> None:
    org_id, account_id = str(uuid.uuid4()), str(uuid.uuid4())
    account = Account(id=account_id, org_id=org_id, escalation=Escalation(active=True))
    await service.publish(envelope("escalation.raised", org_id, account_id, 3, EscalationChanged(account=account)))
    await eventually(lambda: service.flag(account_id, "escalated"))
    late = open_action(account_id)  # the engine had not heard of the escalation yet
    await service.publish(engine_event("action.created", org_id, late))
    _, update = await service.next_update(account_id)
    assert priorities(update) == {late.id: 69}


async def test_a_started_run_is_scored_in_one_event_and_forgotten_when_closed(service: Service) -> None:
    org_id, account_id, run_id = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    current, later = open_action(account_id, due_in=7), open_action(account_id, due_in=7, current_step=False)
    for action in (current, later):
        action.run_id = run_id
    renewal = Renewal(id="ren-1", account_id=account_id)
    started = PlaybookStarted(renewal=renewal, run_id=run_id, actions=[current, later])
    await service.publish(envelope("playbook.started", org_id, run_id, 1, started))
    _, update = await service.next_update(account_id)
    assert priorities(update) == {current.id: 51, later.id: 36}  # the current step leads by 15
    assert [r.action_id for r in update.items] == [current.id, later.id]

    closed = PlaybookClosed(renewal=renewal, run_id=run_id, reason="cancelled")
    await service.publish(envelope("playbook.closed", org_id, run_id, 2, closed))
    await eventually(lambda: service.row_missing(current.id, later.id))


async def test_decay_recomputes_with_a_later_date(service: Service) -> None:
    org_id, account_id = str(uuid.uuid4()), str(uuid.uuid4())
    action = open_action(account_id, due_in=14)
    await service.publish(engine_event("action.created", org_id, action))
    _, update = await service.next_update(account_id)
    assert priorities(update) == {action.id: 45}  # due in 14 days 6 + current 15 + ARR 10 + renewal 8 + motion 6

    later = TODAY + timedelta(days=7)
    assert await decay_priorities(service.deps, today=later) >= 1
    _, update = await service.next_update(account_id)
    # a week on: due in 7 days 12; renewal in 23 days 10 · (1 − 23/120) = 8.08 → 8
    assert priorities(update) == {action.id: 51} and update.computed_on == later.isoformat()
    assert await decay_priorities(service.deps, today=later) == 0  # nothing left to move today


async def eventually(check: Callable[[], Awaitable[Any]]) -> None:
    async for attempt in AsyncRetrying(stop=stop_after_delay(10), wait=wait_fixed(0.1), reraise=True):
        with attempt:
            assert await check()
