"""Permissions declared on routes: role and token-scope checks, never `if role ==` in a handler.

A token's scopes narrow its user's role: `read` for GET, `write` for changes, `crm` for the
CRM activity feed. Login JWTs carry every scope.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request

from cadence_platform.caller import ALL_SCOPES, Caller, Role

from cadence_gateway.auth import current_user
from cadence_gateway.deps import READ_METHODS, CallerDep, ServicesDep
from cadence_gateway.errors import ApiError


def _scope_for(request: Request) -> str:
    return "read" if request.method in READ_METHODS else "write"


def _check(caller: Caller, roles: tuple[Role, ...], needed: str) -> None:
    if needed not in caller.scopes:
        raise ApiError(403, "forbidden", f"this API token lacks the {needed!r} scope")
    if roles and caller.role not in roles:
        raise ApiError(403, "forbidden", f"a {caller.role} may not do this")


def require(*roles: Role, scope: str | None = None) -> Callable[..., Awaitable[Caller]]:
    async def check(request: Request, caller: CallerDep, services: ServicesDep) -> Caller:
        needed = scope or _scope_for(request)
        _check(caller, roles, needed)  # the token's own claims first: no service call to refuse
        if caller.scopes == ALL_SCOPES:  # a login JWT: its role may have changed since it was issued
            caller = await current_user(caller, services, request.app.state.token_cache)
            _check(caller, roles, needed)
        return caller

    return check


AnyUser = Annotated[Caller, Depends(require())]
Admin = Annotated[Caller, Depends(require("admin"))]
AdminOrCsm = Annotated[Caller, Depends(require("admin", "csm"))]
