"""Identity through the gateway, as an admin, a CSM and a rep would use it."""

from __future__ import annotations

import time
import uuid

import grpc
import httpx
import pytest
from tenacity import retry, stop_after_delay, wait_fixed

from cadence_platform.caller import Caller, encode_caller
from cadence_platform.settings import LOCAL_CALLER_SECRET

from .conftest import E2E, PASSWORD

pytestmark = pytest.mark.e2e


def make_user(admin: httpx.Client, role: str, label: str = "") -> dict:
    email = f"{role}{label}-{uuid.uuid4().hex[:6]}@example.com"
    response = admin.post("/users", json={"email": email, "name": f"{role} {label}", "role": role,
                                         "password": PASSWORD})
    assert response.status_code == 201, response.text
    return response.json()


async def test_admin_creates_a_csm_and_a_rep_who_log_in(e2e: E2E, org: tuple[str, str]) -> None:
    org_id, admin_email = org
    admin = e2e.login(admin_email)
    csm, rep = make_user(admin, "csm"), make_user(admin, "rep")
    me = e2e.login(rep["email"]).get("/me")
    assert me.status_code == 200
    body = me.json()
    assert body["user"]["email"] == rep["email"] and body["role"] == "rep" and body["org"]["id"] == org_id
    assert e2e.login(csm["email"]).get("/me").json()["role"] == "csm"
    listed = admin.get("/users", params={"role": "rep"}).json()
    assert [u["email"] for u in listed["items"]] == [rep["email"]]


async def test_a_rep_on_an_admin_route_gets_403(e2e: E2E, org: tuple[str, str]) -> None:
    admin = e2e.login(org[1])
    rep = e2e.login(make_user(admin, "rep")["email"])
    for method, path, body in [("GET", "/users", None), ("POST", "/users", {"email": "x@y.co", "name": "x",
                               "role": "rep", "password": PASSWORD}), ("GET", "/audit", None),
                               ("PUT", "/org/settings", {"time_zone": "UTC"}), ("GET", "/api-tokens", None)]:
        response = rep.request(method, path, json=body)
        assert response.status_code == 403, (method, path, response.text)
        assert response.json()["error"]["code"] == "forbidden"


async def test_another_orgs_users_are_invisible(e2e: E2E) -> None:
    _, admin1_email = await e2e.new_org("one")
    _, admin2_email = await e2e.new_org("two")
    admin1, admin2 = e2e.login(admin1_email), e2e.login(admin2_email)
    victim = make_user(admin1, "rep")
    assert admin2.get(f"/users/{victim['id']}").status_code == 404
    assert admin2.patch(f"/users/{victim['id']}", json={"active": False}).status_code == 404
    assert victim["email"] not in {u["email"] for u in admin2.get("/users", params={"limit": 500}).json()["items"]}
    assert admin2.get("/users", params={"q": victim["email"]}).json()["items"] == []
    assert admin1.get(f"/users/{victim['id']}").status_code == 200


async def test_bad_input_names_the_field(e2e: E2E, org: tuple[str, str]) -> None:
    admin = e2e.login(org[1])
    bad = admin.post("/users", json={"email": "not-an-email", "name": "x", "role": "rep", "password": "short"})
    assert bad.status_code == 422
    fields = {d["field"] for d in bad.json()["error"]["details"]}
    assert fields == {"email", "password"}
    role = admin.post("/users", json={"email": "a@b.co", "name": "x", "role": "king", "password": PASSWORD})
    assert role.status_code == 422 and role.json()["error"]["details"][0]["field"] == "role"
    rep = make_user(admin, "rep")
    dup = admin.post("/users", json={"email": rep["email"].upper(), "name": "x", "role": "rep", "password": PASSWORD})
    assert dup.status_code == 409 and dup.json()["error"]["details"] == [{"field": "email", "reason": "is already taken"}]
    settings = admin.put("/org/settings", json={"reporting_currency": "XXY", "score_weights":
                                                {"relationship": 50, "opportunity": 50, "risk": 50}})
    assert settings.status_code == 422
    assert {d["field"] for d in settings.json()["error"]["details"]} == {"reporting_currency", "score_weights"}
    assert admin.get("/users", params={"cursor": "garbage!"}).json()["error"]["details"][0]["field"] == "cursor"


async def test_settings_users_and_tokens_are_audited(e2e: E2E, org: tuple[str, str]) -> None:
    admin = e2e.login(org[1])
    assert admin.put("/org/settings", json={"reporting_currency": "eur", "time_zone": "Europe/Berlin"}).json()[
        "reporting_currency"] == "EUR"
    assert admin.get("/org/settings").json()["time_zone"] == "Europe/Berlin"
    rep = make_user(admin, "rep")
    assert admin.patch(f"/users/{rep['id']}", json={"role": "csm"}).json()["role"] == "csm"

    @retry(stop=stop_after_delay(10), wait=wait_fixed(0.2), reraise=True)
    def audited() -> list[str]:
        actions = [a["action"] for a in admin.get("/audit").json()["items"]]
        assert {"org.settings_changed", "user.created", "user.updated"} <= set(actions)
        return actions

    audited()
    change = admin.get("/audit", params={"action": "user.updated"}).json()["items"][0]
    assert change["changes"] == {"role": {"from": "rep", "to": "csm"}} and change["target_id"] == rep["id"]


async def test_api_tokens_act_as_their_user_narrowed_by_scope(e2e: E2E, org: tuple[str, str]) -> None:
    admin = e2e.login(org[1])
    created = admin.post("/api-tokens", json={"name": "reporting", "scopes": ["read"]})
    assert created.status_code == 201
    token = created.json()
    script = e2e.client(token["token"])
    assert script.get("/me").json()["scopes"] == ["read"]
    assert script.get("/users").status_code == 200
    denied = script.post("/users", json={"email": "a@b.co", "name": "x", "role": "rep", "password": PASSWORD})
    assert denied.status_code == 403 and "write" in denied.json()["error"]["message"]
    listed = admin.get("/api-tokens").json()["items"]
    assert token["id"] in {t["id"] for t in listed} and all("token" not in t for t in listed)
    assert admin.delete(f"/api-tokens/{token['id']}").json()["revoked_at"]
    assert script.get("/me").status_code == 401
    assert e2e.client("cad_not-a-real-token").get("/me").status_code == 401


async def test_passwords_deactivation_and_the_last_admin(e2e: E2E, org: tuple[str, str]) -> None:
    admin = e2e.login(org[1])
    rep = make_user(admin, "rep")
    session = e2e.login(rep["email"])
    wrong = session.post("/me/password", json={"current": "nope", "new": "another-password-1"})
    assert wrong.status_code == 422 and wrong.json()["error"]["details"][0]["field"] == "current"
    assert session.post("/me/password", json={"current": PASSWORD, "new": "another-password-1"}).status_code == 204
    assert httpx.post(f"{e2e.url}/auth/login", json={"email": rep["email"], "password": PASSWORD}).status_code == 401
    e2e.login(rep["email"], "another-password-1")
    admin.patch(f"/users/{rep['id']}", json={"active": False})
    assert httpx.post(f"{e2e.url}/auth/login", json={"email": rep["email"],
                                                    "password": "another-password-1"}).status_code == 401
    me = admin.get("/me").json()["user"]
    last = admin.patch(f"/users/{me['id']}", json={"role": "rep"})
    assert last.status_code == 409 and "at least one active admin" in last.json()["error"]["message"]


async def test_no_token_or_a_bad_one_is_401(e2e: E2E) -> None:
    assert e2e.client().get("/me").status_code == 401
    assert e2e.client("eyJhbGciOiJIUzI1NiJ9.e30.bad").get("/me").json()["error"]["code"] == "unauthenticated"


async def test_every_service_refuses_an_unsigned_or_expired_caller(e2e: E2E) -> None:
    expired = encode_caller(Caller("u", "o", "admin", int(time.time()) - 5), LOCAL_CALLER_SECRET)
    forged = encode_caller(Caller("u", "o", "admin", int(time.time()) + 60), "another-secret")
    for name, target in ((n, e2e.stack.env[f"CADENCE_{n.upper()}_TARGET"]) for n in e2e.stack.processes
                         if n != "gateway"):
        async with grpc.aio.insecure_channel(target) as channel:
            call = channel.unary_unary("/cadence.account.v1.IdentityService/GetOrg")
            for metadata in ((), (("x-cadence-caller", expired),), (("x-cadence-caller", forged),)):
                with pytest.raises(grpc.aio.AioRpcError) as refused:
                    await call(b"", metadata=metadata, timeout=5)
                assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED, name


async def test_readiness_sees_every_service(e2e: E2E) -> None:
    ready = httpx.get(f"{e2e.stack.gateway_url}/readyz").json()
    assert ready["status"] == "ready" and set(ready["services"]) == {
        "account", "playbook_engine", "scoring", "notes", "knowledge_fanout", "ai", "crm_writeback"}
    assert httpx.get(f"{e2e.stack.gateway_url}/openapi.json").json()["paths"]["/api/v1/me"]


async def test_a_demotion_or_deactivation_takes_effect_on_a_live_login(e2e: E2E, org: tuple[str, str]) -> None:
    admin = e2e.login(org[1])
    second = make_user(admin, "admin")
    session = e2e.login(second["email"])
    assert session.get("/users").status_code == 200
    admin.patch(f"/users/{second['id']}", json={"role": "rep"})
    assert session.get("/users").status_code == 403  # the same JWT, now a rep's rights
    assert session.put("/org/settings", json={"fiscal_year_start_month": 7}).status_code == 403
    admin.patch(f"/users/{second['id']}", json={"active": False})
    refused = session.get("/me")
    assert refused.status_code == 401 and "deactivated" in refused.json()["error"]["message"]
