"""The CRM activity feed that external connectors pull (crm-writeback).

Both routes need the `crm` scope and an admin: a connector's API token (scoped `crm`) acts as the
admin who created it; an admin's login JWT carries every scope. The service checks the role again.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import Field, ValidationInfo, field_validator

from cadence.common.v1.common_pb2 import PageRequest
from cadence.crm.v1 import crm_pb2 as pb
from cadence_platform.caller import Caller

from cadence_gateway.deps import ServicesDep
from cadence_gateway.permissions import require
from cadence_gateway.views import RequestModel, iso, page

router = APIRouter(tags=["crm"])
CrmConnector = Annotated[Caller, Depends(require("admin", scope="crm"))]
ActivityId = Annotated[str, Field(min_length=1, max_length=64)]
CrmRecordId = Annotated[str, Field(min_length=1, max_length=255, description="the CRM's id for the record")]


class AckIn(RequestModel):
    ids: list[ActivityId] = Field(min_length=1, max_length=500, description="activity ids the CRM now holds")
    external_ids: dict[ActivityId, CrmRecordId] = Field(
        default_factory=dict, max_length=500, description="activity id → the CRM's record id")

    @field_validator("external_ids")
    @classmethod
    def _name_given_ids(cls, value: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        given = set(info.data.get("ids") or ())
        strays = sorted(set(value) - given)
        if strays:
            raise ValueError(f"keys must be among ids; not: {', '.join(strays[:5])}")
        return value


def _or_none(value: str) -> str | None:
    return value or None


def activity_view(a: pb.Activity) -> dict[str, Any]:
    renewal = {"id": a.renewal_id, "renewal_date": _or_none(a.renewal_date),
               "subscription_external_ids": list(a.subscription_external_ids)} if a.renewal_id else None
    return {
        "id": a.id, "sequence": a.sequence, "kind": a.kind, "subject": a.subject, "outcome": a.outcome,
        "completed_on": a.completed_on, "type": a.type,
        "account": {"id": a.account_id, "name": a.account_name, "external_id": _or_none(a.account_external_id)},
        "renewal": renewal,
        "owner": {"id": a.owner_id, "email": _or_none(a.owner_email)} if a.owner_id else None,
        "link": a.link, "source_id": a.source_id, "acknowledged": a.acknowledged,
        "acknowledged_at": iso(a.acknowledged_at, a.HasField("acknowledged_at")),
        "external_id": _or_none(a.external_id), "created_at": iso(a.created_at, a.HasField("created_at")),
        "vendor": _or_none(a.vendor), "renewal_result": _or_none(a.renewal_result),
    }


@router.get("/crm/activities")
async def list_activities(
    caller: CrmConnector, services: ServicesDep, limit: int = Query(50, ge=1, le=500),
    cursor: str = Query("", max_length=200), unacknowledged_only: bool = False,
) -> dict[str, Any]:
    """Activity records to write into a CRM, oldest first; acknowledged ones included and marked."""
    request = pb.ListActivitiesRequest(page=PageRequest(limit=limit, cursor=cursor),
                                       unacknowledged_only=unacknowledged_only)
    found = await services.crm.ListActivities(request, metadata=services.md(caller))
    return page([activity_view(a) for a in found.items], found.page.next_cursor)


@router.post("/crm/activities/ack")
async def ack_activities(body: AckIn, caller: CrmConnector, services: ServicesDep) -> dict[str, Any]:
    """A connector confirms delivery. Idempotent: a retry answers the same and keeps the first time."""
    result = await services.crm.AckActivities(
        pb.AckActivitiesRequest(ids=body.ids, external_ids=body.external_ids), metadata=services.md(caller))
    return {"acknowledged": result.acknowledged, "unknown_ids": list(result.unknown_ids)}
