from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Query
from pydantic import Field

from cadence.account.v1 import identity_pb2 as pb
from cadence.common.v1.common_pb2 import PageRequest

from cadence_gateway.deps import ServicesDep
from cadence_gateway.permissions import Admin
from cadence_gateway.views import RequestModel, page, token_view

router = APIRouter(tags=["identity"])


class TokenIn(RequestModel):
    name: str = Field(max_length=100)
    scopes: list[Literal["read", "write", "crm"]] = Field(min_length=1)
    user_id: str | None = Field(None, description="whose token (default: the caller); it acts with that user's role")
    expires_in_days: int = Field(0, ge=0, le=3650, description="0 = never")


@router.get("/api-tokens")
async def list_tokens(caller: Admin, services: ServicesDep, limit: int = Query(50, ge=1, le=500),
                      cursor: str = "") -> dict[str, Any]:
    found = await services.identity.ListApiTokens(
        pb.ListApiTokensRequest(page=PageRequest(limit=limit, cursor=cursor)), metadata=services.md(caller))
    return page([token_view(t) for t in found.items], found.page.next_cursor)


@router.post("/api-tokens", status_code=201)
async def create_token(body: TokenIn, caller: Admin, services: ServicesDep) -> dict[str, Any]:
    created = await services.identity.CreateApiToken(
        pb.CreateApiTokenRequest(name=body.name, scopes=body.scopes, user_id=body.user_id or "",
                                 expires_in_days=body.expires_in_days), metadata=services.md(caller))
    return {**token_view(created.token), "token": created.secret}


@router.delete("/api-tokens/{token_id}")
async def revoke_token(token_id: str, caller: Admin, services: ServicesDep) -> dict[str, Any]:
    revoked = await services.identity.RevokeApiToken(pb.RevokeApiTokenRequest(id=token_id), metadata=services.md(caller))
    return token_view(revoked)
