"""Permissions declared on routes: role and token-scope checks, never `if role ==` in a handler.

A token's scopes narrow its user's role: `read` for GET, `write` for changes, `crm` for the
CRM activity feed. Login JWTs carry every scope.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from cadence_platform.caller import Caller, Role
from fastapi import Depends, Request

from cadence_gateway.deps import READ_METHODS, CallerDep
from cadence_gateway.errors import ApiError


def _scope_for(request: Request) -> str:
    return "read" if request.method in READ_METHODS else "write"


def require(*roles: Role, scope: str | None = None) -> Callable[..., Awaitable[Caller]]:
    async def check(request: Request, caller: CallerDep) -> Caller:
        needed = scope or _scope_for(request)
        if needed not in caller.scopes:
            raise ApiError(403, "forbidden", f"this API token lacks the {needed!r} scope")
        if roles and caller.role not in roles:
            raise ApiError(403, "forbidden", f"a {caller.role} may not do this")
        return caller

    return check


AnyUser = Annotated[Caller, Depends(require())]
Admin = Annotated[Caller, Depends(require("admin"))]
AdminOrCsm = Annotated[Caller, Depends(require("admin", "csm"))]
