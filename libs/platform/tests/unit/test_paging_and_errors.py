import pytest

from cadence.audit.v1.audit_pb2 import AuditRecorded
from cadence_platform.errors import FieldError, InvalidInput, field_errors_of, to_rpc_status
from cadence_platform.events import Naming, new_event, partition_of, unpack
from cadence_platform.paging import decode_cursor, encode_cursor, page_limit, split_page


def test_limit_defaults_and_bounds() -> None:
    assert page_limit(0) == 50
    assert page_limit(500) == 500
    with pytest.raises(InvalidInput) as info:
        page_limit(501)
    assert info.value.details == [FieldError("limit", "must be between 1 and 500")]


def test_cursor_round_trip_and_garbage() -> None:
    assert decode_cursor(encode_cursor("a@b.co", 7)) == ["a@b.co", 7]
    assert decode_cursor("") is None
    with pytest.raises(InvalidInput, match="cursor"):
        decode_cursor("!!!not-base64")


def test_split_page_gives_a_cursor_only_when_there_is_more() -> None:
    assert split_page([1, 2], 2, lambda r: (r,)) == ([1, 2], "")
    rows, cursor = split_page([1, 2, 3], 2, lambda r: (r,))
    assert rows == [1, 2] and decode_cursor(cursor) == [2]


def test_field_errors_survive_the_rpc_status() -> None:
    status = to_rpc_status(InvalidInput("bad", [FieldError("email", "is not an e-mail address")]))
    assert field_errors_of(status) == [FieldError("email", "is not an e-mail address")]


def test_names_under_a_prefix() -> None:
    naming = Naming("t1")
    assert naming.subject("user.created") == "t1.user.created"
    assert naming.subject("audit.recorded", "notes") == "t1.audit.recorded.notes"
    assert naming.event_type("t1.audit.recorded.notes") == "audit.recorded"
    assert naming.stream("ACCOUNT") == "T1_ACCOUNT"
    assert Naming().stream("ACCOUNT") == "ACCOUNT"
    assert naming.dlq_subject("ACCOUNT", "audit") == "t1.dlq.account.audit"


def test_envelope_carries_its_payload_and_a_stable_partition() -> None:
    envelope = new_event(event_type="audit.recorded", org_id="o", aggregate_id="acct-1",
                         payload=AuditRecorded(action="x"), producer="account", aggregate_version=3)
    assert unpack(envelope, AuditRecorded).action == "x"  # type: ignore[attr-defined]
    assert envelope.partition == partition_of("acct-1") == partition_of("acct-1")
    assert 0 <= envelope.partition < 16


def test_a_subscription_wants_only_what_it_named() -> None:
    from cadence_platform.consumer import Subscription

    sub = Subscription(stream="ACCOUNT", durable="d", event_types=("account.>", "subscription.created"))
    assert sub.wants("account.created") and sub.wants("account.motion_changed")
    assert sub.wants("subscription.created") and not sub.wants("subscription.updated")
    assert not sub.wants("accounting.x") and not sub.wants("org.created")
    assert Subscription(stream="ACCOUNT", durable="a", event_types=("audit.recorded.>",)).wants("audit.recorded")


def test_search_terms_match_literally() -> None:
    from cadence_platform.paging import like_pattern

    assert like_pattern("50%_Off") == "%50\\%\\_off%"
