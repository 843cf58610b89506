from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import Field

from cadence.account.v1 import identity_pb2 as pb

from cadence_gateway.deps import ServicesDep
from cadence_gateway.permissions import Admin, AnyUser
from cadence_gateway.views import RequestModel, settings_view

router = APIRouter(tags=["org"])


class Weights(RequestModel):
    relationship: int = Field(ge=0, le=100)
    opportunity: int = Field(ge=0, le=100)
    risk: int = Field(ge=0, le=100)


class Bands(RequestModel):
    strong_min: int = Field(ge=1, le=100)
    weak_below: int = Field(ge=1, le=100)


class SettingsIn(RequestModel):
    reporting_currency: str | None = Field(None, min_length=3, max_length=3)
    time_zone: str | None = Field(None, max_length=64)
    fiscal_year_start_month: int | None = Field(None, ge=1, le=12)
    score_weights: Weights | None = None
    health_bands: Bands | None = None
    fx_rates: dict[str, str] | None = Field(
        None, description="overrides of the ECB rates: 1 unit of the key currency = value in the reporting currency")


@router.get("/org/settings")
async def get_settings(caller: AnyUser, services: ServicesDep) -> dict[str, Any]:
    org = await services.identity.GetOrg(pb.GetOrgRequest(), metadata=services.md(caller))
    return settings_view(org.settings)


@router.put("/org/settings")
async def put_settings(body: SettingsIn, caller: Admin, services: ServicesDep) -> dict[str, Any]:
    request = pb.UpdateOrgSettingsRequest()
    for name in ("reporting_currency", "time_zone", "fiscal_year_start_month"):
        if (value := getattr(body, name)) is not None:
            setattr(request, name, value.upper() if name == "reporting_currency" else value)
    if body.score_weights:
        request.score_weights.CopyFrom(pb.ScoreWeights(**body.score_weights.model_dump()))
    if body.health_bands:
        request.health_bands.CopyFrom(pb.HealthBands(**body.health_bands.model_dump()))
    if body.fx_rates is not None:
        request.fx_rates.CopyFrom(pb.FxRates(rates=body.fx_rates))
    org = await services.identity.UpdateOrgSettings(request, metadata=services.md(caller))
    return settings_view(org.settings)
