"""Account routes without a running service: role checks, input validation, the import size limit,
job routing and route order. Service targets point at a closed port, so a call that got through
would answer 503; anything else proves the gateway answered on its own."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import jwt
import pytest
from fastapi.testclient import TestClient

from cadence_gateway.main import create_app
from cadence_gateway.routes.imports import MAX_IMPORT_BYTES
from cadence_gateway.settings import LOCAL_JWT_SECRET, GatewaySettings

MB = 1024 * 1024
SUBSCRIPTION = {"vendor": "Microsoft", "product": "M365 E3", "renewal_date": "2027-06-30",
                "arr": {"amount": "1200.00", "currency": "EUR"}}
CSV = ("accounts.csv", b"account_external_id,account_name\nA-1,Acme\n", "text/csv")
Call = tuple[str, str, dict[str, Any]]
ADMIN_ONLY: list[Call] = [
    ("POST", "/accounts", {"json": {"name": "Acme"}}),
    ("PATCH", "/accounts/a1", {"json": {"name": "Acme"}}),
    ("DELETE", "/accounts/a1", {}),
    ("PUT", "/accounts/a1/motion", {"json": {"motion": "high_touch"}}),
    ("PUT", "/accounts/a1/reps", {"json": {"rep_ids": ["u1"], "default_rep_id": "u1"}}),
    ("PUT", "/accounts/a1/csm", {"json": {"csm_id": "u2"}}),
    ("POST", "/accounts/a1/subscriptions", {"json": SUBSCRIPTION}),
    ("PATCH", "/subscriptions/s1", {"json": {"quantity": 3}}),
    ("POST", "/imports/accounts", {"files": {"files": CSV}, "data": {"format": "template"}}),
]
ADMIN_OR_CSM: list[Call] = [
    ("POST", "/accounts/a1/escalation", {"json": {"reason": "exec unhappy"}}),
    ("POST", "/accounts/a1/escalation/resolve", {"json": {"reason": "fixed"}}),
]


def client() -> TestClient:
    settings = GatewaySettings(account_target="127.0.0.1:9")
    return TestClient(create_app(settings), base_url="http://testserver/api/v1")


def bearer(role: str) -> dict[str, str]:
    token = jwt.encode({"sub": f"u-{role}", "org": "o", "role": role, "exp": int(time.time()) + 60},
                       LOCAL_JWT_SECRET, algorithm="HS256")
    return {"Authorization": f"Bearer {token}"}


def fields_of(response: object) -> set[str]:
    return {d["field"] for d in response.json()["error"]["details"]}  # type: ignore[attr-defined]


@pytest.mark.parametrize(("method", "path", "body"), ADMIN_ONLY + ADMIN_OR_CSM)
def test_a_rep_is_refused_admin_work_before_any_service_call(method: str, path: str, body: dict) -> None:
    with client() as c:
        response = c.request(method, path, headers=bearer("rep"), **body)
    assert response.status_code == 403, response.text
    assert response.json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize(("method", "path", "body"), ADMIN_ONLY)
def test_a_csm_is_refused_admin_only_work(method: str, path: str, body: dict) -> None:
    with client() as c:
        assert c.request(method, path, headers=bearer("csm"), **body).status_code == 403


@pytest.mark.parametrize(("method", "path", "body"), ADMIN_OR_CSM)
def test_a_csm_gets_through_to_the_service_on_escalations(method: str, path: str, body: dict) -> None:
    with client() as c:
        assert c.request(method, path, headers=bearer("csm"), **body).status_code == 503


def test_a_bad_motion_names_the_field() -> None:
    with client() as c:
        response = c.put("/accounts/a1/motion", json={"motion": "no_touch"}, headers=bearer("admin"))
        listed = c.get("/accounts", params={"motion": "no_touch"}, headers=bearer("rep"))
    assert response.status_code == 422 and fields_of(response) == {"motion"}
    assert listed.status_code == 422 and fields_of(listed) == {"motion"}


@pytest.mark.parametrize("amount", ["12,50", "abc", "NaN", True, None])
def test_bad_money_names_the_field(amount: object) -> None:
    body = {**SUBSCRIPTION, "arr": {"amount": amount, "currency": "EUR"}}
    with client() as c:
        response = c.post("/accounts/a1/subscriptions", json=body, headers=bearer("admin"))
    assert response.status_code == 422 and fields_of(response) == {"arr.amount"}


def test_money_as_a_number_and_other_bad_fields() -> None:
    with client() as c:
        as_number = c.post("/accounts/a1/subscriptions", headers=bearer("admin"),
                           json={**SUBSCRIPTION, "arr": {"amount": 1200.5, "currency": "eur"}})
        bad = c.post("/accounts/a1/contacts", json={"name": "Ann", "role": "boss"}, headers=bearer("rep"))
        tech = c.put("/accounts/a1/tech-profile", headers=bearer("rep"),
                     json={"entries": [{"vendor": "Oracle", "product": "DB", "status": "loved"}]})
        sort = c.get("/subscriptions", params={"sort": "arr"}, headers=bearer("rep"))
    assert as_number.status_code == 503  # valid: it reached the (absent) service
    assert bad.status_code == 422 and fields_of(bad) == {"role"}
    assert tech.status_code == 422 and fields_of(tech) == {"entries.0.status"}
    assert sort.status_code == 422 and fields_of(sort) == {"sort"}


def test_a_bad_mapping_or_a_missing_format_names_the_field() -> None:
    with client() as c:
        mapping = c.post("/imports/accounts", files={"files": CSV}, headers=bearer("admin"),
                         data={"format": "salesforce", "mapping": "{not json"})
        no_format = c.post("/imports/accounts", files={"files": CSV}, headers=bearer("admin"))
        bad_format = c.post("/imports/accounts", files={"files": CSV}, data={"format": "excel"},
                            headers=bearer("admin"))
    assert mapping.status_code == 422 and fields_of(mapping) == {"mapping"}
    assert no_format.status_code == 422 and fields_of(no_format) == {"format"}
    assert bad_format.status_code == 422 and fields_of(bad_format) == {"format"}


def test_an_import_over_the_limit_is_413_before_the_service() -> None:
    half = b"x" * (MAX_IMPORT_BYTES // 2 + 1)
    with client() as c:
        response = c.post("/imports/accounts", headers=bearer("admin"), data={"format": "template"},
                          files=[("files", (name, half, "text/csv")) for name in ("a.csv", "b.csv")])
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


def _streamed_upload(size: int) -> Iterator[bytes]:
    yield b'--B\r\nContent-Disposition: form-data; name="format"\r\n\r\ntemplate\r\n'
    yield b'--B\r\nContent-Disposition: form-data; name="files"; filename="a.csv"\r\n\r\n'
    for _ in range(size // MB + 1):
        yield b"x" * MB
    yield b"\r\n--B--\r\n"


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
def test_a_body_far_over_the_limit_is_cut_off_in_the_error_shape(declared: bool) -> None:
    size = MAX_IMPORT_BYTES + 2 * MB
    headers = {**bearer("admin"), "Content-Type": "multipart/form-data; boundary=B"}
    chunks = _streamed_upload(size)
    content: bytes | Iterator[bytes] = b"".join(chunks) if declared else chunks
    with client() as c:
        response = c.post("/imports/accounts", content=content, headers=headers)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


def test_jobs_route_by_prefix() -> None:
    with client() as c:
        unknown = c.get("/jobs/unknown-prefix", headers=bearer("rep"))
        account_job = c.get("/jobs/acct-123", headers=bearer("rep"))
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "not_found"
    assert account_job.status_code == 503


def test_the_export_is_not_taken_for_an_account_id() -> None:
    with client() as c:
        response = c.get("/accounts/export.csv", headers=bearer("rep"))
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "unavailable"
