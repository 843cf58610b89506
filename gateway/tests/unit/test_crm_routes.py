"""CRM feed routes without a running service: the role and `crm` scope checks, input validation, and
the proto → JSON shape. Service targets point at a closed port, so a call that got through would
answer 503; anything else proves the gateway answered on its own."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest
from fastapi.testclient import TestClient
from google.protobuf.timestamp_pb2 import Timestamp

from cadence.crm.v1 import crm_pb2 as pb
from cadence_platform.caller import Caller

from cadence_gateway.main import create_app
from cadence_gateway.routes.crm import activity_view
from cadence_gateway.settings import LOCAL_JWT_SECRET, GatewaySettings

LIST = ("GET", "/crm/activities", {})
ACK = ("POST", "/crm/activities/ack", {"json": {"ids": ["a1"], "external_ids": {"a1": "00T5g00000AbCdE"}}})
ROUTES = [LIST, ACK]
Call = tuple[str, str, dict[str, Any]]


def client(tokens: dict[str, frozenset[str]] | None = None) -> TestClient:
    """`tokens`: API token secrets → scopes, resolved as an admin's tokens without the account service."""
    settings = GatewaySettings(account_target="127.0.0.1:9", crm_writeback_target="127.0.0.1:9")
    app = create_app(settings)
    for secret, scopes in (tokens or {}).items():
        app.state.token_cache.put(secret, Caller("u-admin", "o", "admin", int(time.time()) + 60, scopes))
    return TestClient(app, base_url="http://testserver/api/v1")


def bearer(role: str) -> dict[str, str]:
    token = jwt.encode({"sub": f"u-{role}", "org": "o", "role": role, "exp": int(time.time()) + 60},
                       LOCAL_JWT_SECRET, algorithm="HS256")
    return {"Authorization": f"Bearer {token}"}


def fields_of(response: Any) -> set[str]:
    return {d["field"] for d in response.json()["error"]["details"]}


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
@pytest.mark.parametrize("role", ["rep", "csm"])
def test_only_admins_reach_the_feed(method: str, path: str, body: dict, role: str) -> None:
    with client() as c:
        response = c.request(method, path, headers=bearer(role), **body)
    assert response.status_code == 403, response.text
    assert response.json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
def test_an_api_token_without_the_crm_scope_is_refused(method: str, path: str, body: dict) -> None:
    with client({"cad_readwrite": frozenset({"read", "write"})}) as c:
        response = c.request(method, path, headers={"Authorization": "Bearer cad_readwrite"}, **body)
    assert response.status_code == 403, response.text
    assert "'crm' scope" in response.json()["error"]["message"]


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
def test_a_crm_token_and_an_admin_login_get_through_to_the_service(method: str, path: str, body: dict) -> None:
    with client({"cad_connector": frozenset({"crm"})}) as c:
        by_token = c.request(method, path, headers={"Authorization": "Bearer cad_connector"}, **body)
        by_login = c.request(method, path, headers=bearer("admin"), **body)
    assert by_token.status_code == 503 and by_login.status_code == 503


def test_no_credentials_is_401() -> None:
    with client() as c:
        assert c.get("/crm/activities").status_code == 401


@pytest.mark.parametrize(("body", "field"), [
    ({}, "ids"),
    ({"ids": []}, "ids"),
    ({"ids": "a1"}, "ids"),
    ({"ids": [f"a{i}" for i in range(501)]}, "ids"),
    ({"ids": [""]}, "ids.0"),
    ({"ids": ["a1"], "external_ids": {"a2": "00T1"}}, "external_ids"),
    ({"ids": ["a1"], "external_ids": {"a1": ""}}, "external_ids.a1"),
    ({"ids": ["a1"], "external_ids": {"a1": "x" * 256}}, "external_ids.a1"),
    ({"ids": ["a1"], "external_ids": ["00T1"]}, "external_ids"),
])
def test_a_bad_ack_names_the_field(body: dict, field: str) -> None:
    with client() as c:
        response = c.post("/crm/activities/ack", json=body, headers=bearer("admin"))
    assert response.status_code == 422, response.text
    assert fields_of(response) == {field}


@pytest.mark.parametrize(("params", "field"), [
    ({"limit": 0}, "limit"), ({"limit": 501}, "limit"), ({"limit": "ten"}, "limit"),
    ({"unacknowledged_only": "maybe"}, "unacknowledged_only"), ({"cursor": "x" * 201}, "cursor"),
])
def test_bad_list_parameters_name_the_field(params: dict, field: str) -> None:
    with client() as c:
        response = c.get("/crm/activities", params=params, headers=bearer("admin"))
    assert response.status_code == 422 and fields_of(response) == {field}


def stamp(iso: str) -> Timestamp:
    value = Timestamp()
    value.FromJsonString(iso)
    return value


def test_an_activity_in_json() -> None:
    activity = pb.Activity(
        id="act-1", sequence=7, kind="action_completed", subject="Call the CFO", outcome="Agreed", type="call",
        completed_on="2027-01-15", account_id="acc-1", account_name="Acme", account_external_id="sf:001ABC",
        renewal_id="ren-1", renewal_date="2027-06-30", subscription_external_ids=["sf:a0B1"], owner_id="u1",
        owner_email="rep@example.com", link="http://127.0.0.1:8080/accounts/acc-1?action=act-1", source_id="x1",
        acknowledged=True, acknowledged_at=stamp("2027-01-16T08:00:00Z"), external_id="00T1",
        created_at=stamp("2027-01-15T23:30:00Z"), vendor="Microsoft")
    view = activity_view(activity)
    assert view["account"] == {"id": "acc-1", "name": "Acme", "external_id": "sf:001ABC"}
    assert view["renewal"] == {"id": "ren-1", "renewal_date": "2027-06-30", "subscription_external_ids": ["sf:a0B1"]}
    assert view["owner"] == {"id": "u1", "email": "rep@example.com"}
    assert (view["acknowledged"], view["acknowledged_at"], view["external_id"]) == (True, "2027-01-16T08:00:00Z",
                                                                                    "00T1")
    assert (view["sequence"], view["vendor"], view["renewal_result"]) == (7, "Microsoft", None)


def test_an_activity_without_renewal_owner_or_acknowledgement() -> None:
    view = activity_view(pb.Activity(id="a", kind="action_completed", account_id="acc"))
    assert view["renewal"] is None and view["owner"] is None
    assert view["acknowledged"] is False and view["acknowledged_at"] is None and view["external_id"] is None
    assert view["account"]["external_id"] is None
