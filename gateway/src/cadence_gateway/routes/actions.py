"""Actions: the caller's work queue (sorted by priority by the engine), ad-hoc actions, and working one.

Any role reaches these routes. The engine decides the rest: a rep sees and works only the actions
assigned to them (asking for someone else's queue → 403, another's action → 404), and only CSMs and
admins reassign.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from cadence.common.v1.common_pb2 import PageRequest
from cadence.engine.v1 import engine_pb2 as pb

from cadence_gateway.deps import ServicesDep
from cadence_gateway.engine_views import action_view
from cadence_gateway.permissions import AnyUser
from cadence_gateway.routes.renewals import RenewalOutcomeIn, renewal_result_pb
from cadence_gateway.views import RequestModel, page

router = APIRouter(tags=["actions"])
ActionKind = Literal["call", "meeting", "email", "task"]
ActionStatus = Literal["open", "snoozed", "completed", "skipped", "all"]


class ActionFilters(BaseModel):
    limit: int = Field(50, ge=1, le=500)
    cursor: str = ""
    assignee: str = Field("me", min_length=1, max_length=64,
                          description='"me", a user id, "unassigned" (the org queue) or "any" (admins and CSMs)')
    status: ActionStatus = Field("open", description="open includes snoozed actions whose snooze has ended")
    account_id: str = Field("", max_length=64)
    due_before: dt.date | None = None


class ActionIn(RequestModel):
    account_id: str = Field(min_length=1, max_length=64)
    title: str = Field(min_length=1, max_length=200)
    kind: ActionKind
    due_date: dt.date
    description: str = Field("", max_length=5000)
    assignee_id: str | None = Field(None, max_length=64, description="default: the caller")
    renewal_id: str | None = Field(None, max_length=64, description="attach to an open renewal of the account")


class ActionPatch(RequestModel):
    assignee_id: str | None = Field(None, max_length=64,
                                    description='null or "" = the org\'s unassigned queue (CSMs and admins)')
    due_date: dt.date | None = None
    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=5000)


class CompleteIn(RequestModel):
    outcome: str = Field(min_length=1, max_length=5000, description="what happened")
    renewal: RenewalOutcomeIn | None = Field(
        None, description="how the renewal ended, used when this completes the run's last action")


class SnoozeIn(RequestModel):
    until: dt.date = Field(description="a date after today")


class SkipIn(RequestModel):
    reason: str = Field(min_length=1, max_length=2000)


def update_request(action_id: str, body: ActionPatch) -> pb.UpdateActionRequest:
    """Only the fields the client sent; null means "unchanged", except for the assignee (unassigned)."""
    request = pb.UpdateActionRequest(id=action_id)
    sent = body.model_dump(exclude_unset=True)
    if "assignee_id" in sent:
        request.assignee_id = sent["assignee_id"] or ""
    for name in ("title", "description"):
        if sent.get(name) is not None:
            setattr(request, name, sent[name])
    if body.due_date is not None:
        request.due_date = body.due_date.isoformat()
    return request


@router.get("/actions")
async def list_actions(filters: Annotated[ActionFilters, Query()], caller: AnyUser,
                       services: ServicesDep) -> dict[str, Any]:
    f = filters
    request = pb.ListActionsRequest(
        page=PageRequest(limit=f.limit, cursor=f.cursor), assignee=f.assignee, status=f.status,
        account_id=f.account_id, due_before=f.due_before.isoformat() if f.due_before else "")
    found = await services.engine.ListActions(request, metadata=services.md(caller))
    return page([action_view(a) for a in found.items], found.page.next_cursor)


@router.post("/actions", status_code=201)
async def create_action(body: ActionIn, caller: AnyUser, services: ServicesDep) -> dict[str, Any]:
    request = pb.CreateActionRequest(
        account_id=body.account_id, title=body.title, kind=body.kind, due_date=body.due_date.isoformat(),
        description=body.description, assignee_id=body.assignee_id or "", renewal_id=body.renewal_id or "")
    return action_view(await services.engine.CreateAction(request, metadata=services.md(caller)))


@router.get("/actions/{action_id}")
async def get_action(action_id: str, caller: AnyUser, services: ServicesDep) -> dict[str, Any]:
    return action_view(await services.engine.GetAction(pb.GetRequest(id=action_id), metadata=services.md(caller)))


@router.patch("/actions/{action_id}")
async def update_action(action_id: str, body: ActionPatch, caller: AnyUser,
                        services: ServicesDep) -> dict[str, Any]:
    request = update_request(action_id, body)
    return action_view(await services.engine.UpdateAction(request, metadata=services.md(caller)))


@router.post("/actions/{action_id}/complete")
async def complete_action(action_id: str, body: CompleteIn, caller: AnyUser,
                          services: ServicesDep) -> dict[str, Any]:
    request = pb.CompleteActionRequest(id=action_id, outcome=body.outcome)
    if body.renewal is not None:
        request.renewal.CopyFrom(renewal_result_pb(body.renewal.result, body.renewal))
    return action_view(await services.engine.CompleteAction(request, metadata=services.md(caller)))


@router.post("/actions/{action_id}/snooze")
async def snooze_action(action_id: str, body: SnoozeIn, caller: AnyUser, services: ServicesDep) -> dict[str, Any]:
    request = pb.SnoozeActionRequest(id=action_id, until=body.until.isoformat())
    return action_view(await services.engine.SnoozeAction(request, metadata=services.md(caller)))


@router.post("/actions/{action_id}/skip")
async def skip_action(action_id: str, body: SkipIn, caller: AnyUser, services: ServicesDep) -> dict[str, Any]:
    request = pb.SkipActionRequest(id=action_id, reason=body.reason)
    return action_view(await services.engine.SkipAction(request, metadata=services.md(caller)))
