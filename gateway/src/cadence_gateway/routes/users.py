from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Query
from pydantic import Field

from cadence.account.v1 import accounts_pb2
from cadence.account.v1 import identity_pb2 as pb
from cadence.common.v1.common_pb2 import PageRequest
from cadence.engine.v1 import engine_pb2

from cadence_gateway.deps import ServicesDep
from cadence_gateway.permissions import Admin
from cadence_gateway.views import RequestModel, page, user_view

router = APIRouter(tags=["identity"])
RoleName = Literal["admin", "csm", "rep"]


class UserIn(RequestModel):
    email: str = Field(max_length=320)
    name: str = Field(max_length=200)
    role: RoleName
    password: str = Field(max_length=1024)


class UserPatch(RequestModel):
    name: str | None = Field(None, max_length=200)
    role: RoleName | None = None
    active: bool | None = None
    password: str | None = Field(None, max_length=1024, description="an admin's password reset")


class ReassignIn(RequestModel):
    to_user_id: str = Field(min_length=1, max_length=64, description="the user who takes over")


@router.get("/users")
async def list_users(
    caller: Admin, services: ServicesDep, limit: int = Query(50, ge=1, le=500), cursor: str = "",
    role: RoleName | None = None, q: str = "", active: bool | None = None,
) -> dict[str, Any]:
    request = pb.ListUsersRequest(page=PageRequest(limit=limit, cursor=cursor), role=role or "", q=q)
    if active is not None:
        request.active = active
    found = await services.identity.ListUsers(request, metadata=services.md(caller))
    return page([user_view(u) for u in found.items], found.page.next_cursor)


@router.post("/users", status_code=201)
async def create_user(body: UserIn, caller: Admin, services: ServicesDep) -> dict[str, Any]:
    user = await services.identity.CreateUser(
        pb.CreateUserRequest(email=body.email, name=body.name, role=body.role, password=body.password),
        metadata=services.md(caller))
    return user_view(user)


@router.get("/users/{user_id}")
async def get_user(user_id: str, caller: Admin, services: ServicesDep) -> dict[str, Any]:
    return user_view(await services.identity.GetUser(pb.GetUserRequest(id=user_id), metadata=services.md(caller)))


@router.patch("/users/{user_id}")
async def update_user(user_id: str, body: UserPatch, caller: Admin, services: ServicesDep) -> dict[str, Any]:
    request = pb.UpdateUserRequest(id=user_id)
    for name, value in (("name", body.name), ("role", body.role), ("active", body.active),
                        ("new_password", body.password)):
        if value is not None:
            setattr(request, name, value)
    return user_view(await services.identity.UpdateUser(request, metadata=services.md(caller)))


@router.post("/users/{user_id}/reassign")
async def reassign_user(user_id: str, body: ReassignIn, caller: Admin, services: ServicesDep) -> dict[str, int]:
    """Hand a leaving user's accounts, then their open actions, to another user.

    Both moves are idempotent, so after a failure (503) the same request can simply be sent again.
    """
    accounts = await services.accounts.ReassignUser(
        accounts_pb2.ReassignUserRequest(from_user_id=user_id, to_user_id=body.to_user_id),
        metadata=services.md(caller))
    actions = await services.engine.ReassignUser(
        engine_pb2.ReassignUserRequest(from_user_id=user_id, to_user_id=body.to_user_id),
        metadata=services.md(caller))
    return {"accounts_moved": accounts.accounts_moved, "actions_moved": actions.actions_moved}
