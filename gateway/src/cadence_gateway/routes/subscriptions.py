"""Subscriptions: an account's lines (admins edit them) and the portfolio view over the caller's scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, BeforeValidator, Field

from cadence.account.v1 import accounts_pb2 as pb
from cadence.common.v1.common_pb2 import Money, PageRequest

from cadence_gateway.account_views import subscription_view
from cadence_gateway.deps import ServicesDep
from cadence_gateway.permissions import Admin, AnyUser
from cadence_gateway.views import RequestModel, page

router = APIRouter(tags=["subscriptions"])
BillingFrequency = Literal["monthly", "quarterly", "annual", "multi_year"]
LifecycleStage = Literal["onboarding", "active", "renewal", "renewed", "churned"]
SortKey = Literal["renewal_date", "-arr", "account_name", "vendor"]


def _decimal_text(value: object) -> str:
    # bool is an int in Python; true as an amount is a client bug, not 1.
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(Decimal(str(value)))
    if not isinstance(value, str):
        raise ValueError("must be a decimal amount, as a string or a number")
    try:
        valid = Decimal(value.strip()).is_finite() and Decimal(value.strip()) >= 0
    except InvalidOperation:
        valid = False
    if not valid:
        raise ValueError("must be a decimal amount of 0 or more, such as \"1234.56\"")
    return value.strip()


class MoneyIn(RequestModel):
    amount: Annotated[str, BeforeValidator(_decimal_text), Field(max_length=40)]
    currency: str = Field(pattern="^[A-Za-z]{3}$", description="ISO 4217")

    def to_pb(self) -> Money:
        return Money(amount=self.amount, currency=self.currency.upper())


class SubscriptionFields(RequestModel):
    external_id: str | None = Field(None, max_length=100)
    version: str | None = Field(None, max_length=100)
    lifecycle_product_id: str | None = Field(None, max_length=100, description="endoflife.date product id")
    lifecycle_cycle: str | None = Field(None, max_length=50)
    quantity: int | None = Field(None, ge=0, le=10**12)
    unit: str | None = Field(None, max_length=100)
    active_users: int | None = Field(None, ge=0, le=10**12)
    billing_frequency: BillingFrequency | None = None
    term_start: dt.date | None = None
    auto_renew: bool | None = None
    channel: str | None = Field(None, max_length=100, description="CSP | EA | MCA | direct | marketplace | …")
    lifecycle_stage: LifecycleStage | None = None


class SubscriptionIn(SubscriptionFields):
    vendor: str = Field(min_length=1, max_length=200)
    product: str = Field(min_length=1, max_length=200)
    arr: MoneyIn | None = None
    renewal_date: dt.date


class SubscriptionPatch(SubscriptionFields):
    vendor: str | None = Field(None, min_length=1, max_length=200)
    product: str | None = Field(None, min_length=1, max_length=200)
    arr: MoneyIn | None = None
    renewal_date: dt.date | None = None


class PortfolioFilters(BaseModel):
    limit: int = Field(50, ge=1, le=500)
    cursor: str = ""
    vendor: str = Field("", max_length=200)
    lifecycle_stage: LifecycleStage | None = None
    renewal_within_days: int | None = Field(None, ge=1, le=3650)
    sort: SortKey = "renewal_date"
    competitive_exposure: bool | None = None
    health_band: Literal["strong", "moderate", "weak"] | None = None
    include_ended: bool = Field(False, description="churned and renewed lines too")


def _proto_fields(body: SubscriptionIn | SubscriptionPatch) -> dict[str, Any]:
    """The fields the client sent, as proto values; null means "unchanged" (proto optionals cannot clear)."""
    sent = body.model_dump(exclude_unset=True, exclude={"arr"})
    fields = {name: value for name, value in sent.items() if value is not None}
    for name in ("term_start", "renewal_date"):
        if name in fields:
            fields[name] = fields[name].isoformat()
    if body.arr is not None:
        fields["arr"] = body.arr.to_pb()
    return fields


@router.get("/subscriptions")
async def portfolio(filters: Annotated[PortfolioFilters, Query()], caller: AnyUser,
                    services: ServicesDep) -> dict[str, Any]:
    f = filters
    request = pb.ListSubscriptionsRequest(
        page=PageRequest(limit=f.limit, cursor=f.cursor), vendor=f.vendor,
        lifecycle_stage=f.lifecycle_stage or "", renewal_within_days=f.renewal_within_days or 0, sort=f.sort,
        include_ended=f.include_ended, health_band=f.health_band or "")
    if f.competitive_exposure is not None:
        request.competitive_exposure = f.competitive_exposure
    found = await services.accounts.ListSubscriptions(request, metadata=services.md(caller))
    return page([subscription_view(s, portfolio=True) for s in found.items], found.page.next_cursor)


@router.get("/accounts/{account_id}/subscriptions")
async def list_subscriptions(account_id: str, caller: AnyUser, services: ServicesDep,
                             limit: int = Query(50, ge=1, le=500), cursor: str = "",
                             include_ended: bool = False) -> dict[str, Any]:
    found = await services.accounts.ListSubscriptions(
        pb.ListSubscriptionsRequest(account_id=account_id, page=PageRequest(limit=limit, cursor=cursor),
                                    include_ended=include_ended), metadata=services.md(caller))
    return page([subscription_view(s) for s in found.items], found.page.next_cursor)


@router.post("/accounts/{account_id}/subscriptions", status_code=201)
async def create_subscription(account_id: str, body: SubscriptionIn, caller: Admin,
                              services: ServicesDep) -> dict[str, Any]:
    created = await services.accounts.CreateSubscription(
        pb.SubscriptionInput(account_id=account_id, **_proto_fields(body)), metadata=services.md(caller))
    return subscription_view(created)


@router.patch("/subscriptions/{subscription_id}")
async def update_subscription(subscription_id: str, body: SubscriptionPatch, caller: Admin,
                              services: ServicesDep) -> dict[str, Any]:
    request = pb.UpdateSubscriptionRequest(id=subscription_id, **_proto_fields(body))
    updated = await services.accounts.UpdateSubscription(request, metadata=services.md(caller))
    return subscription_view(updated)
