"""Renewals: the pipeline, and recording how a renewal ended (any role; reps record outcomes).

Scope (which renewals a CSM or rep sees) is the engine's job; outside it → 404. The renewal result
input here is shared with completing an action, which may close its run's renewal.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field, model_validator

from cadence.common.v1.common_pb2 import PageRequest
from cadence.engine.v1 import engine_pb2 as pb

from cadence_gateway.deps import ServicesDep
from cadence_gateway.engine_views import renewal_view
from cadence_gateway.permissions import AnyUser
from cadence_gateway.routes.subscriptions import MoneyIn
from cadence_gateway.views import RequestModel, page

router = APIRouter(tags=["renewals"])
RenewalResultName = Literal["renewed", "changed", "churned"]
SubscriptionId = Annotated[str, Field(min_length=1, max_length=64)]

NEW_ARR_HELP = (
    "subscription id → its new ARR (required for `changed`, none for `churned`). Each value is "
    '{"amount": "1234.56", "currency": "EUR"} (the amount a decimal string or a number), or a bare amount '
    "when this object's `currency` says which currency bare amounts are in.")


class RenewalTermsIn(RequestModel):
    new_term_end: dt.date | None = Field(None, description="default: one term after the current renewal date")
    new_arr: dict[SubscriptionId, MoneyIn] = Field(default_factory=dict, max_length=500, description=NEW_ARR_HELP)
    currency: str | None = Field(None, pattern="^[A-Za-z]{3}$",
                                 description="ISO 4217: the currency of bare amounts in new_arr")
    note: str = Field("", max_length=5000)

    @model_validator(mode="before")
    @classmethod
    def _bare_amounts_take_the_currency(cls, data: Any) -> Any:
        # Normalised before validation, so a bad entry is reported as new_arr.<id>.amount / .currency.
        if not isinstance(data, dict) or not isinstance(data.get("new_arr"), dict):
            return data
        currency = data.get("currency")
        extra = {} if currency is None else {"currency": currency}
        new_arr = {sub_id: value if isinstance(value, dict) else {"amount": value, **extra}
                   for sub_id, value in data["new_arr"].items()}
        return {**data, "new_arr": new_arr}


class RenewalOutcomeIn(RenewalTermsIn):
    result: RenewalResultName


class CloseRenewalIn(RenewalTermsIn):
    outcome: RenewalResultName


class RenewalFilters(BaseModel):
    limit: int = Field(50, ge=1, le=500)
    cursor: str = ""
    status: Literal["open", "closed", "all"] = "open"
    at_risk: bool | None = Field(None, description="lapsed, overdue actions, or the account is escalated")
    within_days: int | None = Field(None, ge=1, le=3650, description="renewal date within this many days")
    account_id: str = Field("", max_length=64)


def renewal_result_pb(result: str, terms: RenewalTermsIn) -> pb.RenewalResult:
    return pb.RenewalResult(
        result=result, new_term_end=terms.new_term_end.isoformat() if terms.new_term_end else "",
        new_arr={sub_id: money.to_pb() for sub_id, money in terms.new_arr.items()}, note=terms.note)


@router.get("/renewals")
async def list_renewals(filters: Annotated[RenewalFilters, Query()], caller: AnyUser,
                        services: ServicesDep) -> dict[str, Any]:
    f = filters
    request = pb.ListRenewalsRequest(page=PageRequest(limit=f.limit, cursor=f.cursor), status=f.status,
                                     within_days=f.within_days or 0, account_id=f.account_id)
    if f.at_risk is not None:
        request.at_risk = f.at_risk
    found = await services.engine.ListRenewals(request, metadata=services.md(caller))
    return page([renewal_view(r) for r in found.items], found.page.next_cursor)


@router.get("/renewals/{renewal_id}")
async def get_renewal(renewal_id: str, caller: AnyUser, services: ServicesDep) -> dict[str, Any]:
    found = await services.engine.GetRenewal(pb.GetRequest(id=renewal_id), metadata=services.md(caller))
    return renewal_view(found)


@router.post("/renewals/{renewal_id}/close")
async def close_renewal(renewal_id: str, body: CloseRenewalIn, caller: AnyUser,
                        services: ServicesDep) -> dict[str, Any]:
    request = pb.CloseRenewalRequest(id=renewal_id, outcome=renewal_result_pb(body.outcome, body))
    return renewal_view(await services.engine.CloseRenewal(request, metadata=services.md(caller)))
