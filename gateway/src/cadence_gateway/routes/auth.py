from __future__ import annotations

from typing import Any

import grpc
from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from cadence.account.v1 import identity_pb2 as pb

from cadence_gateway.auth import issue_jwt
from cadence_gateway.deps import ServicesDep, SettingsDep
from cadence_gateway.errors import ApiError
from cadence_gateway.views import RequestModel

router = APIRouter(tags=["identity"])


class LoginIn(RequestModel):
    email: str = Field(min_length=3, max_length=320)
    password: str = Field(min_length=1, max_length=1024)


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


@router.post("/auth/login", response_model=TokenOut)
async def login(body: LoginIn, request: Request, services: ServicesDep, settings: SettingsDep) -> Any:
    client = request.client.host if request.client else "unknown"
    by_email, by_address = request.app.state.login_limiter, request.app.state.address_limiter
    keys = ((by_email, f"email:{body.email.strip().lower()}"), (by_address, f"ip:{client}"))
    wait = max(limiter.wait(key) for limiter, key in keys)
    if wait:
        raise ApiError(429, "rate_limited", "too many failed logins; wait and try again",
                       headers={"Retry-After": str(int(wait) + 1)})
    try:
        user = await services.identity.Authenticate(
            pb.AuthenticateRequest(email=body.email, password=body.password), metadata=services.platform_md())
    except grpc.aio.AioRpcError as error:
        if error.code() == grpc.StatusCode.UNAUTHENTICATED:  # only failures count: colleagues share addresses
            for limiter, key in keys:
                limiter.record(key)
        raise
    token = issue_jwt(user, settings.jwt_secret.get_secret_value(), settings.jwt_ttl_seconds)
    return TokenOut(access_token=token, expires_in=settings.jwt_ttl_seconds)
