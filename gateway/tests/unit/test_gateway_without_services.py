"""Gateway behaviour that needs no running service: auth, the error shape, the login limit."""

from __future__ import annotations

import time

import jwt
from fastapi.testclient import TestClient

from cadence_gateway.main import create_app
from cadence_gateway.ratelimit import SlidingWindowLimiter
from cadence_gateway.settings import LOCAL_JWT_SECRET, GatewaySettings


def client(**overrides: object) -> TestClient:
    # Targets point at a closed port: any call that reaches a service gets UNAVAILABLE → 503.
    settings = GatewaySettings(**{f"{s}_target": "127.0.0.1:9" for s in ("account",)}, **overrides)  # type: ignore[arg-type]
    return TestClient(create_app(settings))


def test_missing_and_bad_tokens_get_401_in_the_error_shape() -> None:
    with client() as c:
        for headers in ({}, {"Authorization": "Basic abc"}, {"Authorization": "Bearer not.a.jwt"}):
            response = c.get("/api/v1/me", headers=headers)
            assert response.status_code == 401
            assert response.json()["error"]["code"] == "unauthenticated"
            assert response.json()["error"]["details"] == []


def test_an_expired_jwt_says_so() -> None:
    token = jwt.encode({"sub": "u", "org": "o", "role": "rep", "exp": int(time.time()) - 10}, LOCAL_JWT_SECRET,
                       algorithm="HS256")
    with client() as c:
        response = c.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401 and "expired" in response.json()["error"]["message"]


def test_a_rep_is_refused_before_any_service_is_called() -> None:
    token = jwt.encode({"sub": "u", "org": "o", "role": "rep", "exp": int(time.time()) + 60}, LOCAL_JWT_SECRET,
                       algorithm="HS256")
    with client() as c:
        response = c.get("/api/v1/users", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403


def test_bad_request_bodies_name_the_field() -> None:
    with client() as c:
        response = c.post("/api/v1/auth/login", json={"email": "a@b.co"})
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "password"


def test_a_dependency_down_is_503_with_retry_after() -> None:
    with client() as c:
        response = c.post("/api/v1/auth/login", json={"email": "a@b.co", "password": "x"})
    assert response.status_code == 503 and response.headers["Retry-After"]


def test_the_limiter_counts_failures_and_slides() -> None:
    limiter = SlidingWindowLimiter(attempts=2, window_seconds=10)
    assert limiter.wait("k", now=0) == 0
    limiter.record("k", now=0)
    limiter.record("k", now=1)
    assert limiter.wait("k", now=2) == 8
    assert limiter.wait("k", now=10.5) == 0


def test_nul_characters_and_oversized_bodies_are_refused_up_front() -> None:
    with client() as c:
        nul = c.post("/api/v1/auth/login", content=b'{"email": "a\\u0000b@c.co", "password": "x"}',
                     headers={"content-type": "application/json"})
        query = c.get("/api/v1/users?q=a%00b", headers={"Authorization": "Bearer x"})
        big = c.post("/api/v1/auth/login", content=b"{" + b" " * (2 << 20) + b"}",
                     headers={"content-type": "application/json"})
    assert nul.status_code == 422 and nul.json()["error"]["details"] == [
        {"field": "body", "reason": "text may not contain NUL characters"}]
    assert query.status_code == 422 and query.json()["error"]["details"][0]["field"] == "query"
    assert big.status_code == 413 and big.json()["error"]["code"] == "too_large"
