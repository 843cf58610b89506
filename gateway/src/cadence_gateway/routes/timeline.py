from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Query

from cadence.account.v1 import accounts_pb2 as pb
from cadence.common.v1.common_pb2 import PageRequest

from cadence_gateway.deps import ServicesDep
from cadence_gateway.permissions import AnyUser
from cadence_gateway.views import iso, page

router = APIRouter(tags=["accounts"])


def entry_view(e: pb.TimelineEntry) -> dict[str, Any]:
    return {"id": e.id, "account_id": e.account_id, "kind": e.kind, "occurred_at": iso(e.occurred_at),
            "actor_id": e.actor_id or None, "summary": e.summary, "details": json.loads(e.details_json or "{}"),
            "source": e.source, "subject_id": e.subject_id or None}


@router.get("/accounts/{account_id}/timeline")
async def account_timeline(
    account_id: str, caller: AnyUser, services: ServicesDep, limit: int = Query(50, ge=1, le=500), cursor: str = "",
    kind: str = Query("", max_length=64, description="an exact kind (action.completed) or a family (action)"),
) -> dict[str, Any]:
    found = await services.accounts.ListTimeline(
        pb.ListTimelineRequest(account_id=account_id, kind=kind, page=PageRequest(limit=limit, cursor=cursor)),
        metadata=services.md(caller))
    return page([entry_view(e) for e in found.items], found.page.next_cursor)
