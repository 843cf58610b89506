"""The feed service as a process against real PostgreSQL and NATS: real envelopes in, one record per
completed action or closed run, nothing lost or doubled across a SIGKILL, acknowledgements scoped by org."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import grpc
import pytest
from crm_feed_harness import Harness, Meta
from google.protobuf.message import Message
from tenacity import AsyncRetrying, stop_after_delay, wait_fixed

from cadence.account.v1 import accounts_events_pb2 as account_events
from cadence.account.v1 import accounts_pb2, identity_events_pb2, identity_pb2
from cadence.crm.v1 import crm_pb2 as pb
from cadence.engine.v1 import engine_events_pb2 as engine_events
from cadence.engine.v1 import engine_pb2 as engine
from cadence.events.v1.envelope_pb2 import EventEnvelope
from cadence_platform.caller import Caller
from cadence_platform.events import new_event, unpack
from cadence_platform.grpc_client import caller_metadata
from cadence_platform.settings import LOCAL_CALLER_SECRET

pytestmark = pytest.mark.integration


def admin(org_id: str, role: str = "admin") -> Meta:
    caller = Caller(str(uuid.uuid4()), org_id, role, 2**31)  # type: ignore[arg-type]
    return caller_metadata(caller, LOCAL_CALLER_SECRET)


def event(event_type: str, org_id: str, aggregate_id: str, payload: Message, version: int = 1) -> EventEnvelope:
    return new_event(event_type=event_type, org_id=org_id, aggregate_id=aggregate_id, payload=payload,
                     producer="test", aggregate_version=version)


class Org:
    """One org's world as the account service and the engine would announce it."""

    def __init__(self) -> None:
        self.id, self.account, self.rep = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
        self.subscription, self.renewal, self.run = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
        self.email = f"rep-{self.rep[:8]}@example.com"
        self.external_id = f"sf:001{self.account[:12]}"

    def setup_events(self) -> list[EventEnvelope]:
        user = identity_pb2.User(id=self.rep, org_id=self.id, email=self.email, role="rep", active=True, version=1)
        account = accounts_pb2.Account(id=self.account, org_id=self.id, name="Acme GmbH",
                                       external_id=self.external_id, version=1)
        subscription = accounts_pb2.Subscription(id=self.subscription, account_id=self.account,
                                                 external_id=f"sf:a0B{self.subscription[:8]}", vendor="Microsoft",
                                                 renewal_date="2027-06-30", revision=1)
        started = engine_events.PlaybookStarted(renewal=self.renewal_pb(), run_id=self.run)
        return [event("user.created", self.id, self.rep, identity_events_pb2.UserCreated(user=user)),
                event("account.created", self.id, self.account, account_events.AccountChanged(account=account)),
                event("subscription.created", self.id, self.subscription,
                      account_events.SubscriptionChanged(subscription=subscription)),
                event("playbook.started", self.id, self.run, started)]

    def renewal_pb(self, **fields: Any) -> engine.Renewal:
        return engine.Renewal(id=self.renewal, account_id=self.account, account_name="Acme GmbH", vendor="Microsoft",
                              renewal_date="2027-06-30", subscription_ids=[self.subscription], run_id=self.run,
                              **fields)

    def completed(self, title: str, version: int = 3) -> EventEnvelope:
        done = engine.Action(id=str(uuid.uuid4()), account_id=self.account, account_name="Acme GmbH",
                             renewal_id=self.renewal, run_id=self.run, title=title, kind="call", status="completed",
                             assignee_id=self.rep, completed_by=self.rep, outcome=f"done: {title}",
                             vendor="Microsoft", renewal_date="2027-06-30", version=version)
        done.completed_at.FromDatetime(datetime.now(UTC))
        return event("action.completed", self.id, done.id, engine_events.ActionChanged(action=done, change="completed"),
                     version)

    def closed(self) -> EventEnvelope:
        renewal = self.renewal_pb(status="closed", outcome=engine.RenewalResult(result="renewed", note="Signed"))
        return event("playbook.closed", self.id, self.renewal,
                     engine_events.PlaybookClosed(renewal=renewal, run_id=self.run, reason="completed"), 2)


async def new_org(harness: Harness) -> Org:
    org = Org()
    for envelope in org.setup_events():
        await harness.publish(envelope)
    return org


async def test_a_completed_action_becomes_one_record_with_the_crms_references(harness: Harness) -> None:
    org = await new_org(harness)
    completed = org.completed("Call the CFO")
    await harness.publish(completed)
    [record] = await harness.eventually(admin(org.id), 1)
    action = unpack(completed, engine_events.ActionChanged).action  # type: ignore[attr-defined]
    assert (record.kind, record.source_id, record.subject, record.outcome, record.type) == (
        "action_completed", action.id, "Call the CFO", "done: Call the CFO", "call")
    assert (record.account_id, record.account_name, record.account_external_id) == (
        org.account, "Acme GmbH", org.external_id)
    assert (record.owner_id, record.owner_email) == (org.rep, org.email)
    assert list(record.subscription_external_ids) == [f"sf:a0B{org.subscription[:8]}"]
    assert (record.renewal_id, record.renewal_date, record.vendor) == (org.renewal, "2027-06-30", "Microsoft")
    assert record.link == f"http://127.0.0.1:8080/accounts/{org.account}?action={action.id}"
    assert record.sequence > 0 and not record.acknowledged

    # The same event again under another Nats-Msg-Id, and a newer copy that gets past the version check.
    await harness.publish(completed, msg_id=str(uuid.uuid4()))
    newer = EventEnvelope()
    newer.CopyFrom(completed)
    newer.event_id, newer.aggregate_version = str(uuid.uuid4()), completed.aggregate_version + 1
    await harness.publish(newer)
    await harness.drained()
    assert [r.id for r in await harness.items(admin(org.id))] == [record.id]
    recorded = await harness.crm_events("crm.activity_recorded", org.id)
    assert [e.activity.id for e in recorded] == [record.id]


async def test_a_killed_service_loses_nothing_and_records_nothing_twice(harness: Harness) -> None:
    org = await new_org(harness)
    await harness.publish(org.completed("Kick-off"))
    await harness.eventually(admin(org.id), 1)
    for title in ("Send the quote", "Negotiate"):
        await harness.publish(org.completed(title))
    harness.feed.kill()
    harness.feed.start()
    await harness.feed.wait_serving(harness.channel)
    records = await harness.eventually(admin(org.id), 3)
    await harness.drained()
    # The feed is in recording order: an event in flight at the kill comes back after JetStream's
    # ack wait, so the two may swap places, but each is recorded exactly once.
    subjects = [r.subject for r in await harness.items(admin(org.id))]
    assert subjects[0] == "Kick-off" and sorted(subjects[1:]) == ["Negotiate", "Send the quote"]
    assert len({r.source_id for r in records}) == 3
    async for attempt in AsyncRetrying(stop=stop_after_delay(20), wait=wait_fixed(0.5), reraise=True):
        with attempt:  # the outbox relay publishes each record's event once (the restart may retry it)
            recorded = await harness.crm_events("crm.activity_recorded", org.id)
            assert sorted(e.activity.id for e in recorded) == sorted(r.id for r in records)


async def test_a_closed_run_is_recorded_for_whoever_finished_it(harness: Harness) -> None:
    org = await new_org(harness)
    await harness.publish(org.completed("Confirm the renewal"))
    await harness.publish(org.closed())
    _, run = await harness.eventually(admin(org.id), 2)
    assert (run.kind, run.source_id, run.subject, run.outcome, run.type) == (
        "run_closed", org.run, "Renewal closed: Microsoft (renewed)", "Signed", "task")
    assert (run.renewal_result, run.owner_id, run.owner_email) == ("renewed", org.rep, org.email)
    assert run.link == f"http://127.0.0.1:8080/accounts/{org.account}?renewal={org.renewal}"


async def test_acknowledging_marks_once_and_never_touches_another_org(harness: Harness) -> None:
    org, other = await new_org(harness), await new_org(harness)
    for title in ("First", "Second"):
        await harness.publish(org.completed(title))
    await harness.publish(other.completed("Theirs"))
    first, second = await harness.eventually(admin(org.id), 2)
    [theirs] = await harness.eventually(admin(other.id), 1)

    ack = pb.AckActivitiesRequest(ids=[first.id], external_ids={first.id: "00T5g00000AbCdE"})
    assert await harness.stub.AckActivities(ack, metadata=admin(org.id)) == pb.AckActivitiesResponse(acknowledged=1)
    [marked] = [r for r in await harness.items(admin(org.id)) if r.id == first.id]
    assert marked.acknowledged and marked.external_id == "00T5g00000AbCdE"

    again = await harness.stub.AckActivities(pb.AckActivitiesRequest(ids=[first.id, theirs.id, "not-an-id"]),
                                             metadata=admin(org.id))
    assert again.acknowledged == 1 and list(again.unknown_ids) == [theirs.id, "not-an-id"]
    [still] = [r for r in await harness.items(admin(org.id)) if r.id == first.id]
    assert still.acknowledged_at == marked.acknowledged_at
    assert [r.id for r in await harness.items(admin(org.id), unacknowledged_only=True)] == [second.id]
    assert not (await harness.items(admin(other.id), unacknowledged_only=False))[0].acknowledged

    foreign = await harness.stub.AckActivities(pb.AckActivitiesRequest(ids=[first.id, second.id]),
                                               metadata=admin(str(uuid.uuid4())))
    assert foreign.acknowledged == 0 and list(foreign.unknown_ids) == [first.id, second.id]
    assert await harness.items(admin(str(uuid.uuid4()))) == []
    async for attempt in AsyncRetrying(stop=stop_after_delay(20), wait=wait_fixed(0.5), reraise=True):
        with attempt:
            delivered = await harness.crm_events("crm.delivered", org.id)
            assert [e.activity.id for e in delivered] == [first.id] and delivered[0].activity.acknowledged


@pytest.mark.parametrize("role", ["rep", "csm"])
async def test_only_admins_and_system_callers_read_the_feed(harness: Harness, role: str) -> None:
    org_id = str(uuid.uuid4())
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await harness.stub.ListActivities(pb.ListActivitiesRequest(), metadata=admin(org_id, role))
    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED
    system = caller_metadata(Caller.system(org_id), LOCAL_CALLER_SECRET)
    assert list((await harness.stub.ListActivities(pb.ListActivitiesRequest(), metadata=system)).items) == []


async def test_bad_input_names_the_field(harness: Harness) -> None:
    for request in (pb.ListActivitiesRequest(page={"limit": 501}), pb.ListActivitiesRequest(page={"cursor": "zz"})):
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await harness.stub.ListActivities(request, metadata=admin(str(uuid.uuid4())))
        assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await harness.stub.AckActivities(pb.AckActivitiesRequest(), metadata=admin(str(uuid.uuid4())))
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT and "ids" in (caught.value.details() or "")
