"""An import announces each account once (`account.imported`), not per row: the feed's read models
still learn the account's and its subscriptions' external ids from it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from crm_feed_harness import Harness, Meta

from cadence.account.v1 import accounts_events_pb2 as account_events
from cadence.account.v1 import accounts_pb2, identity_events_pb2, identity_pb2
from cadence.engine.v1 import engine_events_pb2 as engine_events
from cadence.engine.v1 import engine_pb2 as engine
from cadence_platform.caller import Caller
from cadence_platform.events import new_event
from cadence_platform.grpc_client import caller_metadata
from cadence_platform.settings import LOCAL_CALLER_SECRET

pytestmark = pytest.mark.integration


def admin(org_id: str) -> Meta:
    return caller_metadata(Caller(str(uuid.uuid4()), org_id, "admin", 2**31), LOCAL_CALLER_SECRET)


async def test_an_imported_account_and_its_subscriptions_reach_the_feed(harness: Harness) -> None:
    org_id, account_id, rep_id, run_id, renewal_id = (str(uuid.uuid4()) for _ in range(5))
    subscription_ids = [str(uuid.uuid4()), str(uuid.uuid4())]
    email = f"rep-{rep_id[:8]}@example.com"
    user = identity_pb2.User(id=rep_id, org_id=org_id, email=email, role="rep", active=True, version=1)
    await harness.publish(new_event(event_type="user.created", org_id=org_id, aggregate_id=rep_id, producer="test",
                                    aggregate_version=1, payload=identity_events_pb2.UserCreated(user=user)))
    account = accounts_pb2.Account(id=account_id, org_id=org_id, name="Imported GmbH", external_id="sf:001IMP",
                                   version=1)
    lines = [accounts_pb2.Subscription(id=sid, account_id=account_id, external_id=f"sf:800IMP{i}", vendor="Microsoft",
                                       renewal_date="2027-06-30", revision=1) for i, sid in enumerate(subscription_ids)]
    imported = account_events.AccountImported(account=account, created=True, subscriptions=lines,
                                              created_subscription_ids=subscription_ids,
                                              previous_renewal_dates=["", ""])
    renewal = engine.Renewal(id=renewal_id, account_id=account_id, account_name="Imported GmbH", vendor="Microsoft",
                             renewal_date="2027-06-30", subscription_ids=subscription_ids, run_id=run_id)
    done = engine.Action(id=str(uuid.uuid4()), account_id=account_id, account_name="Imported GmbH",
                         renewal_id=renewal_id, run_id=run_id, title="Call the CFO", kind="call", status="completed",
                         assignee_id=rep_id, completed_by=rep_id, outcome="done", vendor="Microsoft",
                         renewal_date="2027-06-30", version=3)
    done.completed_at.FromDatetime(datetime.now(UTC))
    # The engine's events may come first: the records are completed once the import's event arrives.
    await harness.publish(new_event(event_type="playbook.started", org_id=org_id, aggregate_id=run_id,
                                    producer="test", aggregate_version=1,
                                    payload=engine_events.PlaybookStarted(renewal=renewal, run_id=run_id)))
    await harness.publish(new_event(event_type="action.completed", org_id=org_id, aggregate_id=done.id,
                                    producer="test", aggregate_version=3,
                                    payload=engine_events.ActionChanged(action=done, change="completed")))
    await harness.publish(new_event(event_type="account.imported", org_id=org_id, aggregate_id=account_id,
                                    producer="test", aggregate_version=1, partition_key=account_id, payload=imported))
    [record] = await harness.eventually(admin(org_id), 1)
    assert (record.account_external_id, record.owner_email) == ("sf:001IMP", email)
    assert list(record.subscription_external_ids) == ["sf:800IMP0", "sf:800IMP1"]
