"""Accounts: the list and export, admin edits (fields, motion, reps, CSM, archive), and escalations.

Scope (which accounts a CSM or rep sees) is the account service's job; routes only check the role.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from cadence.account.v1 import accounts_pb2 as pb
from cadence.common.v1.common_pb2 import PageRequest
from cadence_platform.caller import Caller

from cadence_gateway.account_views import CSV_COLUMNS, account_csv_row, account_view, tech_profile_view
from cadence_gateway.clients import Services
from cadence_gateway.deps import ServicesDep
from cadence_gateway.permissions import Admin, AdminOrCsm, AnyUser
from cadence_gateway.views import RequestModel, page

router = APIRouter(tags=["accounts"])
Motion = Literal["high_touch", "mid_touch", "tech_touch"]
HealthBand = Literal["strong", "moderate", "weak"]
EXPORT_PAGE = 500


class AccountFields(RequestModel):
    domain: str | None = Field(None, max_length=253)
    external_id: str | None = Field(None, max_length=100, description='keeps its source: "sf:…", "hs:…"')
    territory: str | None = Field(None, max_length=100)
    country: str | None = Field(None, max_length=100)
    currency: str | None = Field(None, pattern="^[A-Za-z]{3}$", description="ISO 4217")


class AccountIn(AccountFields):
    name: str = Field(min_length=1, max_length=200)
    motion: Motion | None = None
    csm_id: str | None = Field(None, max_length=64)
    rep_ids: list[str] = Field(default_factory=list, max_length=50)
    default_rep_id: str | None = Field(None, max_length=64)


class AccountPatch(AccountFields):
    name: str | None = Field(None, min_length=1, max_length=200)


class MotionIn(RequestModel):
    motion: Motion


class RepsIn(RequestModel):
    rep_ids: list[str] = Field(max_length=50)
    default_rep_id: str | None = Field(None, max_length=64, description="one of rep_ids")


class CsmIn(RequestModel):
    csm_id: str | None = Field(None, max_length=64, description="null removes the CSM owner")


class EscalationIn(RequestModel):
    reason: str = Field(min_length=1, max_length=2000,
                        description="why (raising) or how it was settled (resolving)")


class TechEntryIn(RequestModel):
    vendor: str = Field(min_length=1, max_length=200)
    product: str = Field(min_length=1, max_length=200)
    version: str = Field("", max_length=100)
    lifecycle_product_id: str = Field("", max_length=100, description="endoflife.date product id")
    lifecycle_cycle: str = Field("", max_length=50)
    status: Literal["in_use", "evaluating", "competitor", "retired"]


class TechProfileIn(RequestModel):
    entries: list[TechEntryIn] = Field(max_length=500)


class AccountFilters(BaseModel):
    limit: int = Field(50, ge=1, le=500)
    cursor: str = ""
    health_band: HealthBand | None = None
    motion: Motion | None = None
    escalated: bool | None = None
    renewal_within_days: int | None = Field(None, ge=1, le=3650)
    csm_id: str = ""
    rep_id: str = ""
    q: str = Field("", max_length=200, description="name, domain or external id")
    unassigned: bool = Field(False, description="no rep and no CSM (the unassigned queue)")
    include_archived: bool = False


@router.get("/accounts")
async def list_accounts(filters: Annotated[AccountFilters, Query()], caller: AnyUser,
                        services: ServicesDep) -> dict[str, Any]:
    f = filters
    request = pb.ListAccountsRequest(
        page=PageRequest(limit=f.limit, cursor=f.cursor), health_band=f.health_band or "",
        motion=f.motion or "", renewal_within_days=f.renewal_within_days or 0, csm_id=f.csm_id,
        rep_id=f.rep_id, q=f.q, unassigned=f.unassigned, include_archived=f.include_archived)
    if f.escalated is not None:
        request.escalated = f.escalated
    found = await services.accounts.ListAccounts(request, metadata=services.md(caller))
    return page([account_view(a) for a in found.items], found.page.next_cursor)


def _csv_lines(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


async def _export_pages(first: pb.ListAccountsResponse, caller: Caller,
                        services: Services) -> AsyncIterator[str]:
    yield _csv_lines([list(CSV_COLUMNS), *(account_csv_row(a) for a in first.items)])
    cursor = first.page.next_cursor
    while cursor:
        # Signed per page: a large export may outlive one caller signature.
        request = pb.ListAccountsRequest(page=PageRequest(limit=EXPORT_PAGE, cursor=cursor))
        found = await services.accounts.ListAccounts(request, metadata=services.md(caller))
        yield _csv_lines([account_csv_row(a) for a in found.items])
        cursor = found.page.next_cursor


# Declared before /accounts/{account_id}, which would otherwise take "export.csv" as an id.
@router.get("/accounts/export.csv", response_class=StreamingResponse, responses={
    200: {"content": {"text/csv": {}}, "description": "every account in the caller's scope, one per row"}})
async def export_accounts(caller: AnyUser, services: ServicesDep) -> StreamingResponse:
    # The first page is fetched before streaming starts, so a service error still gets a proper status.
    first = await services.accounts.ListAccounts(
        pb.ListAccountsRequest(page=PageRequest(limit=EXPORT_PAGE)), metadata=services.md(caller))
    return StreamingResponse(_export_pages(first, caller, services), media_type="text/csv",
                             headers={"Content-Disposition": 'attachment; filename="accounts.csv"'})


@router.post("/accounts", status_code=201)
async def create_account(body: AccountIn, caller: Admin, services: ServicesDep) -> dict[str, Any]:
    fields = body.model_dump(exclude_none=True)
    if "currency" in fields:
        fields["currency"] = fields["currency"].upper()
    created = await services.accounts.CreateAccount(
        pb.CreateAccountRequest(account=pb.AccountInput(**fields)), metadata=services.md(caller))
    return account_view(created)


@router.get("/accounts/{account_id}")
async def get_account(account_id: str, caller: AnyUser, services: ServicesDep) -> dict[str, Any]:
    request = pb.GetAccountRequest(id=account_id)
    return account_view(await services.accounts.GetAccount(request, metadata=services.md(caller)))


@router.patch("/accounts/{account_id}")
async def update_account(account_id: str, body: AccountPatch, caller: Admin,
                         services: ServicesDep) -> dict[str, Any]:
    request = pb.UpdateAccountRequest(id=account_id)
    for name, value in body.model_dump(exclude_unset=True).items():
        # null means "unchanged": the proto's optional fields cannot carry a clear.
        if value is not None:
            setattr(request, name, value.upper() if name == "currency" else value)
    return account_view(await services.accounts.UpdateAccount(request, metadata=services.md(caller)))


@router.delete("/accounts/{account_id}")
async def archive_account(account_id: str, caller: Admin, services: ServicesDep) -> dict[str, Any]:
    request = pb.GetAccountRequest(id=account_id)
    return account_view(await services.accounts.ArchiveAccount(request, metadata=services.md(caller)))


@router.put("/accounts/{account_id}/motion")
async def set_motion(account_id: str, body: MotionIn, caller: Admin, services: ServicesDep) -> dict[str, Any]:
    request = pb.SetMotionRequest(id=account_id, motion=body.motion)
    return account_view(await services.accounts.SetMotion(request, metadata=services.md(caller)))


@router.put("/accounts/{account_id}/reps")
async def set_reps(account_id: str, body: RepsIn, caller: Admin, services: ServicesDep) -> dict[str, Any]:
    request = pb.SetRepsRequest(id=account_id, rep_ids=body.rep_ids, default_rep_id=body.default_rep_id or "")
    return account_view(await services.accounts.SetReps(request, metadata=services.md(caller)))


@router.put("/accounts/{account_id}/csm")
async def set_csm(account_id: str, body: CsmIn, caller: Admin, services: ServicesDep) -> dict[str, Any]:
    request = pb.SetCsmRequest(id=account_id, csm_id=body.csm_id or "")
    return account_view(await services.accounts.SetCsm(request, metadata=services.md(caller)))


@router.post("/accounts/{account_id}/escalation")
async def escalate(account_id: str, body: EscalationIn, caller: AdminOrCsm,
                   services: ServicesDep) -> dict[str, Any]:
    request = pb.EscalateRequest(id=account_id, reason=body.reason)
    return account_view(await services.accounts.Escalate(request, metadata=services.md(caller)))


@router.post("/accounts/{account_id}/escalation/resolve")
async def resolve_escalation(account_id: str, body: EscalationIn, caller: AdminOrCsm,
                             services: ServicesDep) -> dict[str, Any]:
    request = pb.EscalateRequest(id=account_id, reason=body.reason)
    return account_view(await services.accounts.ResolveEscalation(request, metadata=services.md(caller)))


@router.get("/accounts/{account_id}/tech-profile")
async def get_tech_profile(account_id: str, caller: AnyUser, services: ServicesDep) -> dict[str, Any]:
    request = pb.GetAccountRequest(id=account_id)
    return tech_profile_view(await services.accounts.GetTechProfile(request, metadata=services.md(caller)))


@router.put("/accounts/{account_id}/tech-profile")
async def put_tech_profile(account_id: str, body: TechProfileIn, caller: AnyUser,
                           services: ServicesDep) -> dict[str, Any]:
    entries = [pb.TechEntry(**entry.model_dump()) for entry in body.entries]
    request = pb.PutTechProfileRequest(account_id=account_id, entries=entries)
    return tech_profile_view(await services.accounts.PutTechProfile(request, metadata=services.md(caller)))
