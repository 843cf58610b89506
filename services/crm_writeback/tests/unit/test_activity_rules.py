"""The record rules: what a completed action or a closed run says in a CRM (no servers)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from cadence.engine.v1 import engine_events_pb2 as events
from cadence.engine.v1 import engine_pb2 as engine
from cadence_platform.errors import InvalidInput
from cadence_platform.paging import encode_cursor

from cadence_crm_writeback.domain.activity import (
    SUBJECT_MAX,
    activity_type,
    clip_subject,
    from_action,
    from_run_closed,
    link_to,
)
from cadence_crm_writeback.handlers.activities import _after_sequence, _check_ack

URL = "https://cadence.example.com/"
OCCURRED = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)


def stamp(moment: datetime) -> Timestamp:
    value = Timestamp()
    value.FromDatetime(moment)
    return value


def action(**fields: object) -> engine.Action:
    defaults: dict[str, object] = {
        "id": "act-1", "account_id": "acc-1", "account_name": "Acme", "renewal_id": "ren-1", "title": "Call the CFO",
        "kind": "call", "status": "completed", "assignee_id": "rep-1", "completed_by": "admin-1",
        "outcome": "Agreed to renew for two years", "vendor": "Microsoft", "renewal_date": "2027-06-30",
        "completed_at": stamp(datetime(2027, 1, 15, 23, 30, tzinfo=UTC)),
    }
    return engine.Action(**{**defaults, **fields})  # type: ignore[arg-type]


def closed(**outcome: str) -> events.PlaybookClosed:
    renewal = engine.Renewal(
        id="ren-1", account_id="acc-1", account_name="Acme", vendor="Microsoft", renewal_date="2027-06-30",
        status="closed", subscription_ids=["sub-1", "sub-2"], run_id="run-1",
        outcome=engine.RenewalResult(**outcome) if outcome else None,
        closed_at=stamp(datetime(2027, 6, 1, 9, 0, tzinfo=UTC)))
    return events.PlaybookClosed(renewal=renewal, run_id="run-1", reason="completed")


def test_a_completed_action_keeps_its_title_outcome_kind_and_renewal() -> None:
    draft = from_action(action(), occurred_at=OCCURRED, time_zone="UTC", public_url=URL)
    assert (draft.kind, draft.source_id, draft.subject, draft.outcome, draft.type) == (
        "action_completed", "act-1", "Call the CFO", "Agreed to renew for two years", "call")
    assert (draft.account_id, draft.account_name, draft.renewal_id, draft.vendor) == ("acc-1", "Acme", "ren-1",
                                                                                       "Microsoft")
    assert draft.renewal_date == date(2027, 6, 30) and draft.renewal_result == ""
    assert draft.link == "https://cadence.example.com/accounts/acc-1?action=act-1"


def test_the_owner_is_who_completed_it_else_the_assignee() -> None:
    assert from_action(action(), occurred_at=OCCURRED, time_zone="UTC", public_url=URL).owner_id == "admin-1"
    unknown_completer = action(completed_by="")
    assert from_action(unknown_completer, occurred_at=OCCURRED, time_zone="UTC", public_url=URL).owner_id == "rep-1"
    nobody = action(completed_by="", assignee_id="")
    assert from_action(nobody, occurred_at=OCCURRED, time_zone="UTC", public_url=URL).owner_id == ""


@pytest.mark.parametrize(("time_zone", "day"), [
    ("UTC", date(2027, 1, 15)), ("Europe/Berlin", date(2027, 1, 16)), ("America/New_York", date(2027, 1, 15)),
    ("Not/AZone", date(2027, 1, 15)),  # an unknown zone falls back to UTC rather than losing the record
])
def test_completed_on_is_the_day_in_the_orgs_time_zone(time_zone: str, day: date) -> None:
    assert from_action(action(), occurred_at=OCCURRED, time_zone=time_zone, public_url=URL).completed_on == day


def test_without_a_completion_time_the_events_time_counts() -> None:
    bare = engine.Action(id="a", account_id="acc", title="t", kind="email")
    assert from_action(bare, occurred_at=OCCURRED, time_zone="UTC", public_url=URL).completed_on == date(2027, 3, 1)


@pytest.mark.parametrize(("kind", "expected"), [("call", "call"), ("email", "email"), ("meeting", "meeting"),
                                                ("task", "task"), ("qbr", "task"), ("", "task")])
def test_crms_know_four_activity_types(kind: str, expected: str) -> None:
    assert activity_type(kind) == expected


def test_subjects_fit_a_crm_field() -> None:
    assert clip_subject("  Call\nthe   CFO ") == "Call the CFO"
    long = clip_subject("x" * 400)
    assert len(long) == SUBJECT_MAX and long.endswith("…")
    untitled = from_action(action(title="  "), occurred_at=OCCURRED, time_zone="UTC", public_url=URL)
    assert untitled.subject == "Action completed"


def test_a_closed_run_says_vendor_and_result_and_carries_the_note() -> None:
    draft = from_run_closed(closed(result="changed", note="Dropped 20 seats", new_term_end="2028-06-30"),
                            occurred_at=OCCURRED, time_zone="UTC", public_url=URL, owner_id="rep-1")
    assert (draft.kind, draft.source_id, draft.subject, draft.outcome, draft.type) == (
        "run_closed", "run-1", "Renewal closed: Microsoft (changed)", "Dropped 20 seats", "task")
    assert draft.subscription_ids == ("sub-1", "sub-2") and draft.renewal_result == "changed"
    assert draft.owner_id == "rep-1" and draft.completed_on == date(2027, 6, 1)
    assert draft.link == "https://cadence.example.com/accounts/acc-1?renewal=ren-1"


def test_a_run_closed_without_an_outcome_says_why_it_closed() -> None:
    draft = from_run_closed(closed(), occurred_at=OCCURRED, time_zone="UTC", public_url=URL, owner_id="")
    assert draft.subject == "Renewal closed: Microsoft (completed)" and draft.renewal_result == ""


def test_links_escape_ids() -> None:
    assert link_to("http://h:8080", "a/b", action="x y") == "http://h:8080/accounts/a%2Fb?action=x+y"


def test_ack_requests_are_checked_before_any_query() -> None:
    assert _check_ack(["b", "a", "b"], {"a": "00T1"}) == ["b", "a"]
    for ids, external, field in (([], {}, "ids"), ([str(i) for i in range(501)], {}, "ids"),
                                 (["a"], {"z": "00T1"}, "external_ids.z"), (["a"], {"a": " "}, "external_ids.a"),
                                 (["a"], {"a": "x" * 256}, "external_ids.a")):
        with pytest.raises(InvalidInput) as caught:
            _check_ack(ids, external)
        assert [d.field for d in caught.value.details] == [field]


def test_the_cursor_is_the_last_sequence() -> None:
    assert _after_sequence("") == 0
    assert _after_sequence(encode_cursor(41)) == 41
    for bad in (encode_cursor("41"), encode_cursor(1, 2), encode_cursor(True), "%%%"):
        with pytest.raises(InvalidInput):
            _after_sequence(bad)
