"""FastAPI dependencies: the services, the authenticated caller. Use the Annotated aliases in routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from cadence_platform.caller import Caller

from cadence_gateway.auth import (
    API_TOKEN_PREFIX,
    caller_from_api_token,
    caller_from_jwt,
    unauthenticated,
)
from cadence_gateway.clients import Services
from cadence_gateway.settings import GatewaySettings

bearer = HTTPBearer(auto_error=False, description="A login JWT (POST /api/v1/auth/login) or an API token")
READ_METHODS = {"GET", "HEAD", "OPTIONS"}


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def get_settings(request: Request) -> GatewaySettings:
    settings: GatewaySettings = request.app.state.settings
    return settings


ServicesDep = Annotated[Services, Depends(get_services)]
SettingsDep = Annotated[GatewaySettings, Depends(get_settings)]


async def authenticated_caller(
    request: Request, services: ServicesDep, settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Caller:
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise unauthenticated("send Authorization: Bearer <token>")
    token = credentials.credentials
    if token.startswith(API_TOKEN_PREFIX):
        caller = await caller_from_api_token(token, services, request.app.state.token_cache)
    else:
        caller = caller_from_jwt(token, settings.jwt_secret.get_secret_value())
    request.state.caller = caller
    return caller


CallerDep = Annotated[Caller, Depends(authenticated_caller)]
