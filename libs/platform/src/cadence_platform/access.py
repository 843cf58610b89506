"""Who may call an RPC, declared on the servicer method (the gateway checks too; services check again)."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from cadence_platform.caller import Caller, Role
from cadence_platform.errors import PermissionDenied
from cadence_platform.grpc_server import current_caller

F = TypeVar("F", bound=Callable[..., Awaitable[Any]])


def check_roles(caller: Caller, roles: tuple[Role, ...], *, org_bound: bool = True) -> None:
    if caller.role not in roles:
        raise PermissionDenied(f"role {caller.role} may not do this")
    if org_bound and not caller.org_id:
        raise PermissionDenied("this call needs a caller bound to an org")
    if not org_bound and caller.org_id:
        raise PermissionDenied("this call is for the platform, not an org's caller")


def allow(*roles: Role, org_bound: bool = True) -> Callable[[F], F]:
    """`@allow("admin", "system")` on a servicer method: other roles get PERMISSION_DENIED."""

    def decorate(method: F) -> F:
        @functools.wraps(method)
        async def checked(self: Any, request: Any, context: Any) -> Any:
            check_roles(current_caller(), roles, org_bound=org_bound)
            return await method(self, request, context)

        return checked  # type: ignore[return-value]

    return decorate
