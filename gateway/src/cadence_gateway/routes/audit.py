from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from cadence.account.v1 import identity_pb2 as pb
from cadence.common.v1.common_pb2 import PageRequest

from cadence_gateway.deps import ServicesDep
from cadence_gateway.permissions import Admin
from cadence_gateway.views import audit_view, page

router = APIRouter(tags=["org"])


@router.get("/audit")
async def list_audit(caller: Admin, services: ServicesDep, limit: int = Query(50, ge=1, le=500), cursor: str = "",
                     action: str = "", actor_user_id: str = "", target_type: str = "") -> dict[str, Any]:
    found = await services.identity.ListAudit(
        pb.ListAuditRequest(page=PageRequest(limit=limit, cursor=cursor), action=action,
                            actor_user_id=actor_user_id, target_type=target_type),
        metadata=services.md(caller))
    return page([audit_view(a) for a in found.items], found.page.next_cursor)
