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


def test_a_dependency_down_is_503_with_retry_after_and_login_is_rate_limited() -> None:
    with client(login_attempts_per_window=3) as c:
        statuses = [c.post("/api/v1/auth/login", json={"email": "a@b.co", "password": "x"}) for _ in range(4)]
    assert [r.status_code for r in statuses] == [503, 503, 503, 429]
    assert statuses[0].headers["Retry-After"] and statuses[3].headers["Retry-After"]
    assert statuses[3].json()["error"]["code"] == "rate_limited"


def test_the_limiter_slides() -> None:
    limiter = SlidingWindowLimiter(attempts=2, window_seconds=10)
    assert limiter.retry_after("k", now=0) == 0 and limiter.retry_after("k", now=1) == 0
    assert limiter.retry_after("k", now=2) == 8
    assert limiter.retry_after("k", now=10.5) == 0
