"""Work routes (actions, renewals, playbooks, user reassignment) without a running service: role checks,
input validation, and the proto ⇄ JSON translation. Service targets point at a closed port, so a call
that got through would answer 503; anything else proves the gateway answered on its own."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest
from fastapi.testclient import TestClient
from google.protobuf.timestamp_pb2 import Timestamp

from cadence.common.v1.common_pb2 import Money
from cadence.engine.v1 import engine_pb2 as pb
from cadence.scoring.v1.scoring_pb2 import PriorityInput, PriorityReason

from cadence_gateway.engine_views import action_view, playbook_view, renewal_view
from cadence_gateway.main import create_app
from cadence_gateway.routes.actions import ActionPatch, CompleteIn, update_request
from cadence_gateway.routes.renewals import CloseRenewalIn, renewal_result_pb
from cadence_gateway.settings import LOCAL_JWT_SECRET, GatewaySettings

STEP = {"title": "Kick-off call", "kind": "call", "offset_days": -90, "description": "agree the plan"}
PLAYBOOK = {"name": "High touch", "motion": "high_touch", "steps": [STEP]}
ACTION = {"account_id": "a1", "title": "Call the CFO", "kind": "call", "due_date": "2027-01-15"}
Call = tuple[str, str, dict[str, Any]]
ADMIN_ONLY: list[Call] = [
    ("POST", "/playbooks", {"json": PLAYBOOK}),
    ("PUT", "/playbooks/p1", {"json": PLAYBOOK}),
    ("POST", "/users/u1/reassign", {"json": {"to_user_id": "u2"}}),
]
ANY_ROLE: list[Call] = [
    ("GET", "/actions", {}),
    ("GET", "/actions", {"params": {"assignee": "any", "status": "all", "due_before": "2027-01-01"}}),
    ("POST", "/actions", {"json": ACTION}),
    ("GET", "/actions/x1", {}),
    ("PATCH", "/actions/x1", {"json": {"assignee_id": None, "due_date": "2027-02-01"}}),
    ("POST", "/actions/x1/complete", {"json": {"outcome": "Agreed to renew"}}),
    ("POST", "/actions/x1/snooze", {"json": {"until": "2027-01-20"}}),
    ("POST", "/actions/x1/skip", {"json": {"reason": "covered in the QBR"}}),
    ("GET", "/renewals", {"params": {"status": "closed", "at_risk": "true", "within_days": 90}}),
    ("GET", "/renewals/r1", {}),
    ("POST", "/renewals/r1/close", {"json": {"outcome": "churned", "note": "moved to a competitor"}}),
    ("GET", "/playbooks", {"params": {"motion": "tech_touch", "vendor": "Microsoft"}}),
    ("GET", "/playbooks/p1", {}),
]


def client() -> TestClient:
    settings = GatewaySettings(account_target="127.0.0.1:9", playbook_engine_target="127.0.0.1:9")
    return TestClient(create_app(settings), base_url="http://testserver/api/v1")


def bearer(role: str) -> dict[str, str]:
    token = jwt.encode({"sub": f"u-{role}", "org": "o", "role": role, "exp": int(time.time()) + 60},
                       LOCAL_JWT_SECRET, algorithm="HS256")
    return {"Authorization": f"Bearer {token}"}


def fields_of(response: object) -> set[str]:
    return {d["field"] for d in response.json()["error"]["details"]}  # type: ignore[attr-defined]


@pytest.mark.parametrize("role", ["rep", "csm"])
@pytest.mark.parametrize(("method", "path", "body"), ADMIN_ONLY)
def test_admin_only_work_is_refused_before_any_service_call(role: str, method: str, path: str, body: dict) -> None:
    with client() as c:
        response = c.request(method, path, headers=bearer(role), **body)
    assert response.status_code == 403, response.text
    assert response.json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize(("method", "path", "body"), ADMIN_ONLY)
def test_an_admin_gets_through_to_the_service(method: str, path: str, body: dict) -> None:
    with client() as c:
        assert c.request(method, path, headers=bearer("admin"), **body).status_code == 503


@pytest.mark.parametrize(("method", "path", "body"), ANY_ROLE)
def test_a_rep_gets_through_to_the_engine_which_decides_scope(method: str, path: str, body: dict) -> None:
    with client() as c:
        response = c.request(method, path, headers=bearer("rep"), **body)
    assert response.status_code == 503, response.text
    assert response.json()["error"]["code"] == "unavailable"


def test_sweep_is_not_public() -> None:
    with client() as c:
        assert c.post("/sweep", headers=bearer("admin")).status_code in (404, 405)


@pytest.mark.parametrize(("params", "field"), [
    ({"status": "done"}, "status"), ({"due_before": "2027-13-01"}, "due_before"),
    ({"due_before": "next week"}, "due_before"), ({"limit": 0}, "limit"), ({"assignee": ""}, "assignee"),
])
def test_bad_queue_filters_name_the_field(params: dict, field: str) -> None:
    with client() as c:
        response = c.get("/actions", params=params, headers=bearer("rep"))
    assert response.status_code == 422 and fields_of(response) == {field}


@pytest.mark.parametrize(("params", "field"), [
    ({"status": "lapsed"}, "status"), ({"at_risk": "maybe"}, "at_risk"), ({"within_days": -1}, "within_days"),
])
def test_bad_renewal_filters_name_the_field(params: dict, field: str) -> None:
    with client() as c:
        response = c.get("/renewals", params=params, headers=bearer("rep"))
    assert response.status_code == 422 and fields_of(response) == {field}


@pytest.mark.parametrize(("body", "fields"), [
    ({**ACTION, "kind": "lunch"}, {"kind"}),
    ({**ACTION, "due_date": "15/01/2027"}, {"due_date"}),
    ({**ACTION, "title": "x" * 201}, {"title"}),
    ({k: v for k, v in ACTION.items() if k != "account_id"}, {"account_id"}),
])
def test_a_bad_adhoc_action_names_the_field(body: dict, fields: set[str]) -> None:
    with client() as c:
        response = c.post("/actions", json=body, headers=bearer("rep"))
    assert response.status_code == 422 and fields_of(response) == fields


@pytest.mark.parametrize(("path", "body", "fields"), [
    ("/actions/x1/complete", {}, {"outcome"}),
    ("/actions/x1/complete", {"outcome": ""}, {"outcome"}),
    ("/actions/x1/complete", {"outcome": "x" * 5001}, {"outcome"}),
    ("/actions/x1/complete", {"outcome": "ok", "renewal": {"result": "extended"}}, {"renewal.result"}),
    ("/actions/x1/complete", {"outcome": "ok", "renewal": {"result": "renewed", "new_term_end": "soon"}},
     {"renewal.new_term_end"}),
    ("/actions/x1/snooze", {"until": "tomorrow"}, {"until"}),
    ("/actions/x1/snooze", {}, {"until"}),
    ("/actions/x1/skip", {"reason": ""}, {"reason"}),
    ("/actions/x1/skip", {"reason": "x" * 2001}, {"reason"}),
    ("/renewals/r1/close", {"outcome": "extended"}, {"outcome"}),
    ("/renewals/r1/close", {"note": "no outcome"}, {"outcome"}),
])
def test_bad_work_input_names_the_field(path: str, body: dict, fields: set[str]) -> None:
    with client() as c:
        response = c.post(path, json=body, headers=bearer("rep"))
    assert response.status_code == 422 and fields_of(response) == fields


def test_a_bad_action_patch_names_the_field() -> None:
    with client() as c:
        title = c.patch("/actions/x1", json={"title": ""}, headers=bearer("csm"))
        due = c.patch("/actions/x1", json={"due_date": "2027-02-30"}, headers=bearer("csm"))
    assert title.status_code == 422 and fields_of(title) == {"title"}
    assert due.status_code == 422 and fields_of(due) == {"due_date"}


@pytest.mark.parametrize(("new_arr", "currency", "fields"), [
    ({"s1": "12,50"}, "EUR", {"renewal.new_arr.s1.amount"}),
    ({"s1": True}, "EUR", {"renewal.new_arr.s1.amount"}),
    ({"s1": {"amount": "-1", "currency": "EUR"}}, None, {"renewal.new_arr.s1.amount"}),
    ({"s1": {"amount": "10", "currency": "EURO"}}, None, {"renewal.new_arr.s1.currency"}),
    ({"s1": 1200}, None, {"renewal.new_arr.s1.currency"}),
])
def test_bad_new_arr_names_the_subscription(new_arr: dict, currency: str | None, fields: set[str]) -> None:
    renewal = {"result": "changed", "new_arr": new_arr, **({"currency": currency} if currency else {})}
    with client() as c:
        response = c.post("/actions/x1/complete", json={"outcome": "ok", "renewal": renewal}, headers=bearer("rep"))
    assert response.status_code == 422, response.text
    assert fields_of(response) == fields


@pytest.mark.parametrize("new_arr", [{"s1": {"amount": 1200.5, "currency": "eur"}}, {"s1": "1200.50"}, {"s1": 99}])
def test_new_arr_as_objects_or_bare_amounts_reaches_the_service(new_arr: dict) -> None:
    body = {"outcome": "changed", "currency": "EUR", "new_arr": new_arr, "new_term_end": "2028-06-30"}
    with client() as c:
        response = c.post("/renewals/r1/close", json=body, headers=bearer("rep"))
    assert response.status_code == 503, response.text


@pytest.mark.parametrize(("change", "fields"), [
    ({"motion": "no_touch"}, {"motion"}),
    ({"lifecycle_stage": "churned"}, {"lifecycle_stage"}),
    ({"trigger_days": 0}, {"trigger_days"}),
    ({"steps": []}, {"steps"}),
    ({"steps": [STEP] * 31}, {"steps"}),
    ({"steps": [{**STEP, "anchor": "kickoff"}]}, {"steps.0.anchor"}),
    ({"steps": [STEP, {**STEP, "kind": "lunch"}]}, {"steps.1.kind"}),
    ({"steps": [{**STEP, "title": "x" * 201}]}, {"steps.0.title"}),
    ({"steps": [{**STEP, "offset_days": 1000}]}, {"steps.0.offset_days"}),
    ({"name": ""}, {"name"}),
])
def test_a_bad_playbook_names_the_field(change: dict, fields: set[str]) -> None:
    with client() as c:
        response = c.put("/playbooks/p1", json={**PLAYBOOK, **change}, headers=bearer("admin"))
    assert response.status_code == 422 and fields_of(response) == fields


def test_reassign_needs_someone_to_take_over() -> None:
    with client() as c:
        response = c.post("/users/u1/reassign", json={}, headers=bearer("admin"))
    assert response.status_code == 422 and fields_of(response) == {"to_user_id"}


def test_renewal_results_become_the_proto() -> None:
    body = CloseRenewalIn.model_validate({"outcome": "changed", "currency": "usd", "note": "uplift",
                                          "new_term_end": "2028-06-30",
                                          "new_arr": {"s1": 1000.5, "s2": {"amount": "20", "currency": "EUR"}}})
    result = renewal_result_pb(body.outcome, body)
    assert result.result == "changed" and result.new_term_end == "2028-06-30" and result.note == "uplift"
    assert dict(result.new_arr) == {"s1": Money(amount="1000.5", currency="USD"),
                                    "s2": Money(amount="20", currency="EUR")}
    plain = CompleteIn.model_validate({"outcome": "done", "renewal": {"result": "renewed"}})
    assert plain.renewal is not None
    empty = renewal_result_pb(plain.renewal.result, plain.renewal)
    assert empty.new_term_end == "" and not empty.new_arr


def test_a_patch_sends_only_what_the_client_sent() -> None:
    unassign = update_request("x1", ActionPatch.model_validate({"assignee_id": None}))
    assert unassign.HasField("assignee_id") and unassign.assignee_id == ""
    assert not unassign.HasField("title") and not unassign.HasField("due_date")
    moved = update_request("x1", ActionPatch.model_validate({"due_date": "2027-02-01", "title": "Call again"}))
    assert moved.due_date == "2027-02-01" and moved.title == "Call again"
    assert not moved.HasField("assignee_id") and not moved.HasField("description")
    to_user = update_request("x1", ActionPatch.model_validate({"assignee_id": "u9", "title": None}))
    assert to_user.assignee_id == "u9" and not to_user.HasField("title")


def test_an_action_view_turns_empty_into_null_and_hides_the_priority_input() -> None:
    created = Timestamp()
    created.FromJsonString("2027-01-01T09:00:00Z")
    action = pb.Action(id="x1", account_id="a1", account_name="Acme", title="Call", kind="call", due_date="2027-01-15",
                       status="open", priority=72, created_at=created, version=3, motion="high_touch",
                       current_step=True, reasons=[PriorityReason(code="due", label="due in 2 days", points=30)],
                       priority_input=PriorityInput(action_id="x1"))
    view = action_view(action)
    assert "priority_input" not in view
    assert view["reasons"] == [{"code": "due", "label": "due in 2 days", "points": 30}]
    for name in ("renewal_id", "run_id", "assignee_id", "snoozed_until", "outcome", "skip_reason", "completed_at",
                 "completed_by", "vendor", "renewal_date"):
        assert view[name] is None, name
    assert view["created_at"] == "2027-01-01T09:00:00Z" and view["priority"] == 72 and view["current_step"]


def test_renewal_and_playbook_views() -> None:
    open_renewal = renewal_view(pb.Renewal(id="r1", vendor="Microsoft", renewal_date="2027-06-30", status="open",
                                           subscription_ids=["s1"], arr=Money(amount="1200.00", currency="EUR")))
    assert open_renewal["outcome"] is None and open_renewal["closed_at"] is None and open_renewal["run_id"] is None
    assert open_renewal["arr"] == {"amount": "1200.00", "currency": "EUR"}
    assert open_renewal["subscription_ids"] == ["s1"]
    closed = renewal_view(pb.Renewal(id="r1", status="closed", outcome=pb.RenewalResult(
        result="changed", new_arr={"s1": Money(amount="900", currency="EUR")}, note="downsized")))
    assert closed["outcome"] == {"result": "changed", "new_term_end": None, "note": "downsized",
                                 "new_arr": {"s1": {"amount": "900", "currency": "EUR"}}}
    playbook = playbook_view(pb.Playbook(id="p1", name="Any", motion="tech_touch", trigger_days=120, active=True,
                                         steps=[pb.PlaybookStep(title="E-mail", kind="email", offset_days=-60,
                                                                anchor="renewal_date")]))
    assert playbook["steps"] == [{"title": "E-mail", "kind": "email", "offset_days": -60, "anchor": "renewal_date",
                                  "description": ""}]
    assert playbook["vendor"] == "" and playbook["updated_at"] is None
