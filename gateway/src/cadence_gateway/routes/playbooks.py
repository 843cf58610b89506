"""Playbooks: any role reads them; admins create and replace them (affecting new runs only)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from cadence.common.v1.common_pb2 import PageRequest
from cadence.engine.v1 import engine_pb2 as pb

from cadence_gateway.deps import ServicesDep
from cadence_gateway.engine_views import playbook_view
from cadence_gateway.permissions import Admin, AnyUser
from cadence_gateway.routes.accounts import Motion
from cadence_gateway.routes.actions import ActionKind
from cadence_gateway.views import RequestModel, page

router = APIRouter(tags=["playbooks"])
MAX_DAYS = 730  # the engine's limit for trigger windows and step offsets


class StepIn(RequestModel):
    title: str = Field(min_length=1, max_length=200)
    kind: ActionKind
    offset_days: int = Field(ge=-MAX_DAYS, le=MAX_DAYS,
                             description="days from the anchor, e.g. -90 = 90 days before the renewal date")
    anchor: Literal["renewal_date", "run_start"] = "renewal_date"
    description: str = Field("", max_length=5000)


class PlaybookIn(RequestModel):
    name: str = Field(min_length=1, max_length=200)
    motion: Motion
    vendor: str = Field("", max_length=200, description='"" = any vendor')
    lifecycle_stage: Literal["", "onboarding", "active", "renewal"] = Field(
        "", description='"" = any stage; else the stage of the renewal\'s subscriptions')
    trigger_days: int = Field(120, ge=1, le=MAX_DAYS, description="the renewal window that starts a run")
    active: bool = True
    steps: list[StepIn] = Field(min_length=1, max_length=30)

    def to_pb(self, playbook_id: str = "") -> pb.Playbook:
        return pb.Playbook(id=playbook_id, name=self.name, motion=self.motion, vendor=self.vendor,
                           lifecycle_stage=self.lifecycle_stage, trigger_days=self.trigger_days,
                           active=self.active, steps=[pb.PlaybookStep(**s.model_dump()) for s in self.steps])


class PlaybookFilters(BaseModel):
    limit: int = Field(50, ge=1, le=500)
    cursor: str = ""
    motion: Motion | None = None
    vendor: str = Field("", max_length=200)


@router.get("/playbooks")
async def list_playbooks(filters: Annotated[PlaybookFilters, Query()], caller: AnyUser,
                         services: ServicesDep) -> dict[str, Any]:
    f = filters
    request = pb.ListPlaybooksRequest(page=PageRequest(limit=f.limit, cursor=f.cursor), motion=f.motion or "",
                                      vendor=f.vendor)
    found = await services.engine.ListPlaybooks(request, metadata=services.md(caller))
    return page([playbook_view(p) for p in found.items], found.page.next_cursor)


@router.post("/playbooks", status_code=201)
async def create_playbook(body: PlaybookIn, caller: Admin, services: ServicesDep) -> dict[str, Any]:
    return playbook_view(await services.engine.CreatePlaybook(body.to_pb(), metadata=services.md(caller)))


@router.get("/playbooks/{playbook_id}")
async def get_playbook(playbook_id: str, caller: AnyUser, services: ServicesDep) -> dict[str, Any]:
    found = await services.engine.GetPlaybook(pb.GetRequest(id=playbook_id), metadata=services.md(caller))
    return playbook_view(found)


@router.put("/playbooks/{playbook_id}")
async def replace_playbook(playbook_id: str, body: PlaybookIn, caller: Admin,
                           services: ServicesDep) -> dict[str, Any]:
    updated = await services.engine.UpdatePlaybook(body.to_pb(playbook_id), metadata=services.md(caller))
    return playbook_view(updated)
