from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import Field

from cadence.account.v1 import identity_pb2 as pb

from cadence_gateway.deps import ServicesDep
from cadence_gateway.permissions import AnyUser
from cadence_gateway.views import RequestModel, org_view, settings_view, user_view

router = APIRouter(tags=["identity"])


@router.get("/me")
async def me(caller: AnyUser, services: ServicesDep) -> dict[str, Any]:
    md = services.md(caller)
    user = await services.identity.GetUser(pb.GetUserRequest(id=caller.user_id), metadata=md)
    org = await services.identity.GetOrg(pb.GetOrgRequest(), metadata=md)
    return {"user": user_view(user), "role": user.role, "scopes": sorted(caller.scopes),
            "org": {**org_view(org), "settings": settings_view(org.settings)}}


class PasswordIn(RequestModel):
    current: str = Field(min_length=1, max_length=1024)
    new: str = Field(min_length=1, max_length=1024)


@router.post("/me/password", status_code=204)
async def change_password(body: PasswordIn, caller: AnyUser, services: ServicesDep) -> None:
    await services.identity.ChangePassword(
        pb.ChangePasswordRequest(current_password=body.current, new_password=body.new), metadata=services.md(caller))
